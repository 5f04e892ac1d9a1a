/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fd transport (spec/migration-states-and-qmp.md 8.1): a descriptor
 * passed earlier with getfd (outgoing and incoming), or on the incoming
 * side also a decimal fd number inherited from the parent process.
 * Both directions are ready at once; the result is still delivered from
 * the main loop, like every transport's.
 */
#include "qemu/osdep.h"
#include <sys/stat.h>
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "migration/transport-priv.h"

static void warn_if_regular_file(int fd)
{
    struct stat st;

    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        warn_report("migration to a file via fd: is deprecated, use "
                    "file: instead");
    }
}

bool migration_fd_connect(const char *fdname, MigTransportConnected *cb,
                          void *opaque, GError **errp)
{
    int fd = monitor_get_fd(monitor_cur(), fdname, errp);

    if (fd < 0) {
        return false;
    }
    warn_if_regular_file(fd);
    mig_connect_deliver(cb, opaque,
                        mig_channel_new_fd(fd, "migration-fd-outgoing"),
                        NULL);
    return true;
}

/* A getfd name, or (no monitor, or starts with a digit) an fd number. */
static int incoming_fd(const char *fdname, GError **errp)
{
    Monitor *mon = monitor_cur();
    unsigned int n;

    if (mon && !g_ascii_isdigit(fdname[0])) {
        return monitor_get_fd(mon, fdname, errp);
    }
    if (!qemu_strtoui(fdname, NULL, 10, &n) || n > INT_MAX ||
        fcntl((int)n, F_GETFD) < 0) {
        error_setg(errp, "Invalid file descriptor number '%s'", fdname);
        return -1;
    }
    return n;
}

MigTransportListener *migration_fd_listen(const char *fdname,
                                          MigTransportAccepted *cb,
                                          void *opaque, GError **errp)
{
    int fd = incoming_fd(fdname, errp);
    MigTransportListener *l;

    if (fd < 0) {
        return NULL;
    }
    warn_if_regular_file(fd);
    l = mig_listener_new(cb, opaque);
    mig_listener_deliver_once(l, mig_channel_new_fd(fd,
                                                    "migration-fd-incoming"));
    return l;
}

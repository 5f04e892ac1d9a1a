/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec transport (spec/migration-states-and-qmp.md 8.1): a child
 * process whose stdin and stdout are both one end of a socket pair, so
 * the channel is bidirectional (outgoing writes the child's stdin,
 * incoming reads its stdout, and a return path works) and shutdown(2)
 * gives the child end-of-file.  The child is reaped from the main loop
 * when it exits.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "migration/transport-priv.h"

static void exec_child_exited(GPid pid, gint status, gpointer opaque)
{
    g_spawn_close_pid(pid);
}

/* Start args[0] with args; returns our end of its stdin/stdout. */
static int exec_spawn(const strList *args, GError **errp)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    int sv[2];
    GPid pid;

    if (!args) {
        error_setg(errp, "exec: needs a command to run");
        return -1;
    }
    for (const strList *a = args; a; a = a->next) {
        g_ptr_array_add(argv, a->value);
    }
    g_ptr_array_add(argv, NULL);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        error_setg(errp, "Unable to create a socket pair for '%s': %s",
                   args->value, g_strerror(errno));
        return -1;
    }
    /* The child's end is dup2()ed onto 0 and 1 (that clears CLOEXEC). */
    if (!g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                sv[1], sv[1], -1, &err)) {
        error_setg(errp, "Unable to execute '%s': %s", args->value,
                   err->message);
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    close(sv[1]);
    g_child_watch_add(pid, exec_child_exited, NULL);
    return sv[0];
}

bool migration_exec_connect(const strList *args, MigTransportConnected *cb,
                            void *opaque, GError **errp)
{
    int fd = exec_spawn(args, errp);

    if (fd < 0) {
        return false;
    }
    mig_connect_deliver(cb, opaque,
                        mig_channel_new_fd(fd, "migration-exec-outgoing"),
                        NULL);
    return true;
}

MigTransportListener *migration_exec_listen(const strList *args,
                                            MigTransportAccepted *cb,
                                            void *opaque, GError **errp)
{
    int fd = exec_spawn(args, errp);
    MigTransportListener *l;

    if (fd < 0) {
        return NULL;
    }
    l = mig_listener_new(cb, opaque);
    mig_listener_deliver_once(l, mig_channel_new_fd(fd,
                                                    "migration-exec-incoming"));
    return l;
}

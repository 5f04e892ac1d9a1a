/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file transport (spec/migration-wire-format.md 7.1): the stream
 * starts at `offset`.  Outgoing creates the file (mode 0600), keeps the
 * bytes before offset and drops everything after it; incoming reads from
 * offset.  "/dev/fdset/N" names an fd set passed with add-fd.  The
 * channel is seekable (is_seekable) when the fd is a regular file.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include "qemu/cutils.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "migration/transport-priv.h"
#include "migration/file.h"

/*
 * The file each direction's last file: migration opened, for
 * migration_file_open_extra(); [1] is outgoing.  Set in the main loop,
 * read by migration threads: under file_args_lock.
 */
static GMutex file_args_lock;
static FileMigrationArgs *file_args[2];

static void file_args_remember(const FileMigrationArgs *file, bool outgoing)
{
    FileMigrationArgs *copy = g_new0(FileMigrationArgs, 1);

    copy->filename = g_strdup(file->filename);
    copy->offset = file->offset;
    g_mutex_lock(&file_args_lock);
    qapi_free_FileMigrationArgs(file_args[outgoing]);
    file_args[outgoing] = copy;
    g_mutex_unlock(&file_args_lock);
}

/* open(2), or a duplicate from an fd set for "/dev/fdset/N". */
static int file_open(const char *path, int flags, GError **errp)
{
    const char *id_text;
    int fd;

    if (strstart(path, "/dev/fdset/", &id_text)) {
        int64_t id;

        if (!qemu_strtoi64(id_text, NULL, 10, &id) || id < 0) {
            error_setg(errp, "Could not parse fdset %s", id_text);
            return -1;
        }
        fd = monitor_fdset_dup_fd_add(id, flags, errp);
        /* The duplicate is ours; only the set's bookkeeping stays. */
        if (fd >= 0) {
            monitor_fdset_dup_fd_remove(fd);
        }
        return fd;
    }
    fd = open(path, flags | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_setg(errp, "Unable to open %s: %s", path, g_strerror(errno));
    }
    return fd;
}

/*
 * Whether the outgoing file must be cut to `offset` bytes: not when it is
 * a regular file of exactly that size already (a new file, for offset 0).
 * The truncate would change nothing in it, but on ext4 a truncate to size
 * 0 arms the "replace via truncate" heuristic (auto_da_alloc): the close
 * then writes back the whole file, block allocation and I/O submission of
 * every page of a mapped-ram save (0.3 s for 1 GiB, perf sched), in the
 * cleanup on the main thread with the BQL held, where query-migrate
 * waits for it.
 */
static bool file_needs_truncate(int fd, uint64_t offset)
{
    struct stat st;

    return fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
           (uint64_t)st.st_size != offset;
}

static int file_open_at(const FileMigrationArgs *file, bool outgoing,
                        GError **errp)
{
    int fd = file_open(file->filename,
                       outgoing ? O_WRONLY | O_CREAT : O_RDONLY, errp);

    if (fd < 0) {
        return -1;
    }
    if (outgoing && file_needs_truncate(fd, file->offset) &&
        ftruncate(fd, file->offset) < 0) {
        error_setg(errp, "failed to truncate migration file to offset "
                   "%" PRIx64 ": %s", file->offset, g_strerror(errno));
        close(fd);
        return -1;
    }
    if (lseek(fd, file->offset, SEEK_SET) < 0) {
        error_setg(errp, "failed to seek migration file to offset "
                   "%" PRIx64 ": %s", file->offset, g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

bool migration_file_connect(const FileMigrationArgs *file,
                            MigTransportConnected *cb, void *opaque,
                            GError **errp)
{
    int fd = file_open_at(file, true, errp);

    if (fd < 0) {
        return false;
    }
    file_args_remember(file, true);
    mig_connect_deliver(cb, opaque,
                        mig_channel_new_fd(fd, "migration-file-outgoing"), NULL);
    return true;
}

MigTransportListener *migration_file_listen(const FileMigrationArgs *file,
                                            MigTransportAccepted *cb,
                                            void *opaque, GError **errp)
{
    int fd = file_open_at(file, false, errp);
    MigTransportListener *l;

    if (fd < 0) {
        return NULL;
    }
    file_args_remember(file, false);
    l = mig_listener_new(cb, opaque);
    mig_listener_deliver_once(l, mig_channel_new_fd(fd, "migration-file-incoming"));
    return l;
}

int migration_file_open_extra(bool outgoing, int extra_flags, GError **errp)
{
    g_autofree char *path = NULL;

    g_mutex_lock(&file_args_lock);
    if (file_args[outgoing]) {
        path = g_strdup(file_args[outgoing]->filename);
    }
    g_mutex_unlock(&file_args_lock);
    if (!path) {
        error_setg(errp, "no file: migration has been started");
        return -1;
    }
    return file_open(path, (outgoing ? O_WRONLY : O_RDONLY) | extra_flags,
                     errp);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File descriptors passed to the monitor (qmp.md 8.2, 9.12): named fds
 * (getfd/closefd, per monitor) and fd sets (add-fd/remove-fd/query-fdsets,
 * global, used through "/dev/fdset/<id>").
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "monitor-internal.h"

/* ---- the fd that came with the current request ---- */

/*
 * Claim one fd sent with the request being executed; further fds of the
 * batch are closed.  Returns the fd or -1 with errp set.
 */
static int monitor_take_request_fd(GError **errp)
{
    QmpRequest *req = monitor_cur_request();
    int fd, i;

    if (!req || req->nfds == 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return -1;
    }
    fd = req->fds[0];
    for (i = 1; i < req->nfds; i++) {
        close(req->fds[i]);
    }
    req->nfds = 0;
    return fd;
}

/* ---- named fds ---- */

void qmp_getfd(const char *fdname, GError **errp)
{
    Monitor *mon = monitor_cur();
    gpointer old;
    int fd;

    if (!mon) {
        error_setg(errp, "No monitor");
        return;
    }
    fd = monitor_take_request_fd(errp);
    if (fd < 0) {
        return;
    }
    if (g_ascii_isdigit(fdname[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                   "with a digit");
        return;
    }
    g_mutex_lock(&mon->lock);
    if (g_hash_table_lookup_extended(mon->named_fds, fdname, NULL, &old)) {
        close(GPOINTER_TO_INT(old));
    }
    g_hash_table_insert(mon->named_fds, g_strdup(fdname),
                        GINT_TO_POINTER(fd));
    g_mutex_unlock(&mon->lock);
}

/* Remove fdname from mon; returns its fd or -1. */
static int monitor_named_fd_steal(Monitor *mon, const char *fdname)
{
    gpointer value;
    int fd = -1;

    g_mutex_lock(&mon->lock);
    if (g_hash_table_lookup_extended(mon->named_fds, fdname, NULL, &value)) {
        fd = GPOINTER_TO_INT(value);
        g_hash_table_remove(mon->named_fds, fdname);
    }
    g_mutex_unlock(&mon->lock);
    return fd;
}

void qmp_closefd(const char *fdname, GError **errp)
{
    Monitor *mon = monitor_cur();
    int fd = mon ? monitor_named_fd_steal(mon, fdname) : -1;

    if (fd < 0) {
        error_setg(errp, "File descriptor named '%s' not found", fdname);
        return;
    }
    close(fd);
}

int monitor_get_fd(Monitor *mon, const char *fdname, GError **errp)
{
    int fd;

    if (!mon) {
        error_setg(errp, "No monitor");
        return -1;
    }
    fd = monitor_named_fd_steal(mon, fdname);
    if (fd < 0) {
        error_setg(errp, "File descriptor named '%s' has not been found",
                   fdname);
    }
    return fd;
}

static void close_named_fd(gpointer key, gpointer value, gpointer opaque)
{
    close(GPOINTER_TO_INT(value));
}

void monitor_named_fds_free(Monitor *mon)
{
    g_mutex_lock(&mon->lock);
    g_hash_table_foreach(mon->named_fds, close_named_fd, NULL);
    g_hash_table_remove_all(mon->named_fds);
    g_mutex_unlock(&mon->lock);
}

/* ---- fd sets ---- */

typedef struct FdsetFd {
    int fd;
    char *opaque;           /* may be NULL */
} FdsetFd;

typedef struct Fdset {
    int64_t id;
    GList *fds;             /* FdsetFd *, in the order they were added */
    GList *dups;            /* GINT_TO_POINTER(dup fd) handed out */
} Fdset;

static GMutex fdsets_lock;
static GList *fdsets;       /* Fdset *, sorted by id; fdsets_lock */

static void fdset_fd_free(FdsetFd *f, bool do_close)
{
    if (do_close) {
        close(f->fd);
    }
    g_free(f->opaque);
    g_free(f);
}

static Fdset *fdset_find_locked(int64_t id)
{
    GList *l;

    for (l = fdsets; l; l = l->next) {
        Fdset *set = l->data;

        if (set->id == id) {
            return set;
        }
    }
    return NULL;
}

/* Free set if it has neither fds nor outstanding duplicates. */
static void fdset_release_if_unused_locked(Fdset *set)
{
    if (!set->fds && !set->dups) {
        fdsets = g_list_remove(fdsets, set);
        g_free(set);
    }
}

static gint fdset_compare(gconstpointer a, gconstpointer b)
{
    const Fdset *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

/* The lowest id not in use (the list is sorted). */
static int64_t fdset_free_id_locked(void)
{
    int64_t id = 0;
    GList *l;

    for (l = fdsets; l; l = l->next) {
        Fdset *set = l->data;

        if (set->id != id) {
            break;
        }
        id++;
    }
    return id;
}

AddfdInfo *qmp_add_fd(bool has_fdset_id, int64_t fdset_id,
                      const char *opaque, GError **errp)
{
    AddfdInfo *info;
    FdsetFd *f;
    Fdset *set;
    int fd;

    fd = monitor_take_request_fd(errp);
    if (fd < 0) {
        return NULL;
    }
    if (has_fdset_id && fdset_id < 0) {
        close(fd);
        error_setg(errp, "Parameter 'fdset-id' expects a non-negative value");
        return NULL;
    }

    f = g_new0(FdsetFd, 1);
    f->fd = fd;
    f->opaque = g_strdup(opaque);

    g_mutex_lock(&fdsets_lock);
    set = has_fdset_id ? fdset_find_locked(fdset_id) : NULL;
    if (!set) {
        set = g_new0(Fdset, 1);
        set->id = has_fdset_id ? fdset_id : fdset_free_id_locked();
        fdsets = g_list_insert_sorted(fdsets, set, fdset_compare);
    }
    set->fds = g_list_append(set->fds, f);
    info = g_new0(AddfdInfo, 1);
    info->fdset_id = set->id;
    info->fd = fd;
    g_mutex_unlock(&fdsets_lock);
    return info;
}

void qmp_remove_fd(int64_t fdset_id, bool has_fd, int64_t fd, GError **errp)
{
    Fdset *set;
    GList *l;

    g_mutex_lock(&fdsets_lock);
    set = fdset_find_locked(fdset_id);
    if (!set) {
        goto not_found;
    }
    if (has_fd) {
        for (l = set->fds; l; l = l->next) {
            FdsetFd *f = l->data;

            if (f->fd == fd) {
                set->fds = g_list_delete_link(set->fds, l);
                fdset_fd_free(f, true);
                break;
            }
        }
        if (!l) {
            goto not_found;
        }
    } else {
        while (set->fds) {
            fdset_fd_free(set->fds->data, true);
            set->fds = g_list_delete_link(set->fds, set->fds);
        }
    }
    /* Duplicates handed out keep the (now empty) set alive. */
    fdset_release_if_unused_locked(set);
    g_mutex_unlock(&fdsets_lock);
    return;

not_found:
    g_mutex_unlock(&fdsets_lock);
    if (has_fd) {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64
                   ", fd:%" PRId64 "' not found", fdset_id, fd);
    } else {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64
                   "' not found", fdset_id);
    }
}

FdsetInfoList *qmp_query_fdsets(GError **errp)
{
    FdsetInfoList *head = NULL;
    FdsetInfoList **tail = &head;
    GList *l, *m;

    g_mutex_lock(&fdsets_lock);
    for (l = fdsets; l; l = l->next) {
        Fdset *set = l->data;
        FdsetInfoList *entry = g_new0(FdsetInfoList, 1);
        FdsetFdInfoList **fd_tail;

        entry->value = g_new0(FdsetInfo, 1);
        entry->value->fdset_id = set->id;
        fd_tail = &entry->value->fds;
        for (m = set->fds; m; m = m->next) {
            FdsetFd *f = m->data;
            FdsetFdInfoList *fd_entry = g_new0(FdsetFdInfoList, 1);

            fd_entry->value = g_new0(FdsetFdInfo, 1);
            fd_entry->value->fd = f->fd;
            fd_entry->value->opaque = g_strdup(f->opaque);
            *fd_tail = fd_entry;
            fd_tail = &fd_entry->next;
        }
        *tail = entry;
        tail = &entry->next;
    }
    g_mutex_unlock(&fdsets_lock);
    return head;
}

int monitor_fdset_dup_fd_add(int64_t fdset_id, int flags, GError **errp)
{
    Fdset *set;
    GList *l;
    int fd = -1;
    int dup_fd;

    g_mutex_lock(&fdsets_lock);
    set = fdset_find_locked(fdset_id);
    if (!set) {
        g_mutex_unlock(&fdsets_lock);
        error_setg(errp, "Failed to find fdset /dev/fdset/%" PRId64, fdset_id);
        return -1;
    }
    for (l = set->fds; l; l = l->next) {
        FdsetFd *f = l->data;
        int fl = fcntl(f->fd, F_GETFL);

        /* O_DIRECT must match too: direct-io asks for the set's
         * O_DIRECT fd, the main channel for a buffered one. */
        if (fl != -1 && (fl & O_ACCMODE) == (flags & O_ACCMODE) &&
            (fl & O_DIRECT) == (flags & O_DIRECT)) {
            fd = f->fd;
            break;
        }
    }
    if (fd < 0) {
        g_mutex_unlock(&fdsets_lock);
        error_setg(errp, "Failed to find file descriptor with matching flags");
        return -1;
    }
    dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        int saved_errno = errno;

        g_mutex_unlock(&fdsets_lock);
        error_setg_errno(errp, saved_errno,
                         "Failed to dup() given file descriptor");
        return -1;
    }
    set->dups = g_list_prepend(set->dups, GINT_TO_POINTER(dup_fd));
    g_mutex_unlock(&fdsets_lock);
    return dup_fd;
}

void monitor_fdset_dup_fd_remove(int dup_fd)
{
    GList *l;

    g_mutex_lock(&fdsets_lock);
    for (l = fdsets; l; l = l->next) {
        Fdset *set = l->data;
        GList *d = g_list_find(set->dups, GINT_TO_POINTER(dup_fd));

        if (d) {
            set->dups = g_list_delete_link(set->dups, d);
            fdset_release_if_unused_locked(set);
            break;
        }
    }
    g_mutex_unlock(&fdsets_lock);
}

void monitor_fdsets_cleanup(void)
{
    GList *l, *next;

    g_mutex_lock(&fdsets_lock);
    for (l = fdsets; l; l = next) {
        next = l->next;
        fdset_release_if_unused_locked(l->data);
    }
    g_mutex_unlock(&fdsets_lock);
}

void monitor_fdsets_free(void)
{
    g_mutex_lock(&fdsets_lock);
    while (fdsets) {
        Fdset *set = fdsets->data;

        while (set->fds) {
            fdset_fd_free(set->fds->data, true);
            set->fds = g_list_delete_link(set->fds, set->fds);
        }
        /* Duplicates belong to their users, who close them. */
        g_list_free(set->dups);
        g_free(set);
        fdsets = g_list_delete_link(fdsets, fdsets);
    }
    g_mutex_unlock(&fdsets_lock);
}

/* -add-fd: like add-fd, with an fd the command line already dup'ed. */
void monitor_fdset_add_fd(int fd, int64_t fdset_id, const char *opaque)
{
    FdsetFd *f = g_new0(FdsetFd, 1);
    Fdset *set;

    f->fd = fd;
    f->opaque = g_strdup(opaque);
    g_mutex_lock(&fdsets_lock);
    set = fdset_find_locked(fdset_id);
    if (!set) {
        set = g_new0(Fdset, 1);
        set->id = fdset_id;
        fdsets = g_list_insert_sorted(fdsets, set, fdset_compare);
    }
    set->fds = g_list_append(set->fds, f);
    g_mutex_unlock(&fdsets_lock);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GSources for chardev backends: fd watches that stop polling while the
 * front end cannot take input, timers in the chardev's context, and the
 * blocking writability wait used by qemu_chr_fe_write_all().
 */
#include "qemu/osdep.h"
#include "char-io.h"

#include <poll.h>

typedef struct ChrIOSource {
    GSource source;
    Chardev *chr;
    int fd;
    GIOCondition cond;
    gpointer tag;           /* non-NULL while fd is being polled */
    bool gated;             /* poll only while the front end can read */
    ChrIOFunc fn;
    void *opaque;
} ChrIOSource;

static gboolean chr_io_prepare(GSource *source, gint *timeout)
{
    ChrIOSource *s = (ChrIOSource *)source;
    bool want;

    *timeout = -1;
    if (!s->gated) {
        return FALSE;
    }
    want = qemu_chr_be_can_write(s->chr) > 0;
    /*
     * Only touch the poll set on a change: adding or removing an fd wakes
     * the context, so doing it every time would spin. Removing the fd (not
     * just its events) also keeps level-triggered hang-ups from spinning
     * while the front end is busy; they are seen once it reads again.
     */
    if (want && !s->tag) {
        s->tag = g_source_add_unix_fd(source, s->fd, s->cond);
    } else if (!want && s->tag) {
        g_source_remove_unix_fd(source, s->tag);
        s->tag = NULL;
    }
    return FALSE;
}

static gboolean chr_io_check(GSource *source)
{
    ChrIOSource *s = (ChrIOSource *)source;

    return s->tag && g_source_query_unix_fd(source, s->tag) != 0;
}

static gboolean chr_io_dispatch(GSource *source, GSourceFunc callback,
                                gpointer user_data)
{
    ChrIOSource *s = (ChrIOSource *)source;
    GIOCondition cond = s->tag ? g_source_query_unix_fd(source, s->tag) : 0;

    return s->fn(s->opaque, cond);
}

static GSourceFuncs chr_io_funcs = {
    .prepare = chr_io_prepare,
    .check = chr_io_check,
    .dispatch = chr_io_dispatch,
};

/* Publish in *slot, then attach: the callback may run at once elsewhere. */
static void chr_source_publish(Chardev *chr, GSource **slot, GSource *source)
{
    assert(*slot == NULL);
    *slot = source;
    g_source_attach(source, chr->gcontext);
}

static void chr_io_source_add(Chardev *chr, GSource **slot, int fd,
                              GIOCondition cond, bool gated, ChrIOFunc fn,
                              void *opaque)
{
    GSource *source = g_source_new(&chr_io_funcs, sizeof(ChrIOSource));
    ChrIOSource *s = (ChrIOSource *)source;

    s->chr = chr;
    s->fd = fd;
    s->cond = cond;
    s->gated = gated;
    s->fn = fn;
    s->opaque = opaque;
    if (!gated) {
        s->tag = g_source_add_unix_fd(source, fd, cond);
    }
    g_source_set_name(source, "chardev-io");
    chr_source_publish(chr, slot, source);
}

void chr_io_watch_add(Chardev *chr, GSource **slot, int fd, ChrIOFunc fn,
                      void *opaque)
{
    chr_io_source_add(chr, slot, fd, G_IO_IN | G_IO_HUP | G_IO_ERR, true,
                      fn, opaque);
}

void chr_fd_watch_add(Chardev *chr, GSource **slot, int fd,
                      GIOCondition cond, ChrIOFunc fn, void *opaque)
{
    chr_io_source_add(chr, slot, fd, cond, false, fn, opaque);
}

void chr_timer_add(Chardev *chr, GSource **slot, guint ms, GSourceFunc fn,
                   void *opaque)
{
    GSource *source = g_timeout_source_new(ms);

    g_source_set_callback(source, fn, opaque, NULL);
    g_source_set_name(source, "chardev-timer");
    chr_source_publish(chr, slot, source);
}

void chr_io_watch_remove(GSource **slot)
{
    if (*slot) {
        g_source_destroy(*slot);
        g_source_unref(*slot);
        *slot = NULL;
    }
}

bool chr_io_wait_writable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    int rc;

    do {
        rc = poll(&pfd, 1, -1);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        return false;
    }
    return (pfd.revents & POLLOUT) &&
           !(pfd.revents & (POLLERR | POLLHUP | POLLNVAL));
}

/*
 * Private to chardev/: GSources that watch backend file descriptors in the
 * chardev's context, polling for input only while the front end can take
 * it, plus a blocking wait for writability.
 */
#ifndef CHARDEV_CHAR_IO_H
#define CHARDEV_CHAR_IO_H

#include "chardev-internal.h"

/* Called with the poll result; return G_SOURCE_REMOVE to stop watching. */
typedef gboolean (*ChrIOFunc)(void *opaque, GIOCondition cond);

/*
 * The add functions create a source in chr->gcontext and store it in
 * *slot (which must be NULL) BEFORE attaching it: the context may be run
 * by another thread that dispatches the source at once, and its callback
 * must find itself in the slot. The slot holds a reference, released by
 * chr_io_watch_remove().
 */

/*
 * Watch fd for input (G_IO_IN, plus G_IO_HUP / G_IO_ERR), but only while
 * qemu_chr_be_can_write(chr) > 0, so a busy front end leaves data in the
 * kernel.
 */
void chr_io_watch_add(Chardev *chr, GSource **slot, int fd, ChrIOFunc fn,
                      void *opaque);

/* Watch fd for cond unconditionally (listening sockets). */
void chr_fd_watch_add(Chardev *chr, GSource **slot, int fd,
                      GIOCondition cond, ChrIOFunc fn, void *opaque);

/* A timer (fn returns whether to continue). */
void chr_timer_add(Chardev *chr, GSource **slot, guint ms, GSourceFunc fn,
                   void *opaque);

/* Destroy and release *slot (NULL is ignored) and clear it. */
void chr_io_watch_remove(GSource **slot);

/*
 * Block until fd is writable. Returns true when writable, false when the
 * fd reports an error or hang-up (the peer is gone). EINTR is retried.
 */
bool chr_io_wait_writable(int fd);

#endif /* CHARDEV_CHAR_IO_H */

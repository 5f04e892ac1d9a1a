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
 * Watch fd for input (G_IO_IN, plus G_IO_HUP / G_IO_ERR) in chr->gcontext,
 * but only while qemu_chr_be_can_write(chr) > 0, so a busy front end
 * leaves data in the kernel. Returns the attached source; the caller holds
 * a reference and releases it with chr_io_watch_remove().
 */
GSource *chr_io_watch_add(Chardev *chr, int fd, ChrIOFunc fn, void *opaque);

/* Watch fd for cond unconditionally (listening sockets, hang-ups). */
GSource *chr_fd_watch_add(Chardev *chr, int fd, GIOCondition cond,
                          ChrIOFunc fn, void *opaque);

/* A one-shot or periodic timer in chr->gcontext (fn returns whether to
 * continue). Same ownership as chr_io_watch_add. */
GSource *chr_timer_add(Chardev *chr, guint ms, GSourceFunc fn, void *opaque);

/* Destroy and release *src (NULL is ignored) and clear the pointer. */
void chr_io_watch_remove(GSource **src);

/*
 * Block until fd is writable. Returns true when writable, false when the
 * fd reports an error or hang-up (the peer is gone). EINTR is retried.
 */
bool chr_io_wait_writable(int fd);

#endif /* CHARDEV_CHAR_IO_H */

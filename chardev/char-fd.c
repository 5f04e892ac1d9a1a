/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared I/O of the fd-based chardev backends: reading the input fd while
 * the front end has room, writing the output fd, waiting for writability.
 */
#include "qemu/osdep.h"
#include "char-fd.h"
#include "char-io.h"
#include "qapi/error.h"

void chr_fd_init(FDChardev *s, int fd_in, int fd_out, bool own)
{
    s->fd_in = fd_in;
    s->fd_out = fd_out;
    s->own_fds = own;
    s->in_eof = false;
    s->in_watch = NULL;
}

int chr_fd_open_path(const char *path, int flags, GError **errp)
{
    int fd;

    do {
        fd = open(path, flags | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        error_setg(errp, "Could not open '%s': %s", path, g_strerror(errno));
    }
    return fd;
}

static gboolean chr_fd_readable(void *opaque, GIOCondition cond)
{
    FDChardev *s = opaque;
    Chardev *chr = &s->parent;
    uint8_t buf[CHR_READ_BUF_LEN];
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t n;

    if (len <= 0) {
        return G_SOURCE_CONTINUE;
    }
    n = read(s->fd_in, buf, len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        /* End of input (or a dead fd): stop polling it for good. */
        s->in_eof = true;
        g_source_unref(s->in_watch);
        s->in_watch = NULL;
        return G_SOURCE_REMOVE;
    }
    qemu_chr_be_write(chr, buf, n);
    return G_SOURCE_CONTINUE;
}

void chr_fd_update_read_handler(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;

    chr_io_watch_remove(&s->in_watch);
    if (s->fd_in >= 0 && !s->in_eof) {
        chr_io_watch_add(chr, &s->in_watch, s->fd_in, chr_fd_readable, s);
    }
}

int chr_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    FDChardev *s = (FDChardev *)chr;
    ssize_t n;

    if (s->fd_out < 0) {
        return len;
    }
    n = write(s->fd_out, buf, len);
    return n < 0 ? -1 : (int)n;
}

bool chr_fd_wait_writable(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;

    return s->fd_out >= 0 && chr_io_wait_writable(s->fd_out);
}

void chr_fd_close(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;

    chr_io_watch_remove(&s->in_watch);
    if (s->own_fds) {
        if (s->fd_in >= 0) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0 && s->fd_out != s->fd_in) {
            close(s->fd_out);
        }
    }
    s->fd_in = s->fd_out = -1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "pty" chardev: a new pseudo-terminal whose slave name is announced
 * (and optionally symlinked from path). While no program has the slave
 * open after one closed it, output is discarded and the master is checked
 * once a second for a new user.
 */
#include "qemu/osdep.h"
#include "char-fd.h"
#include "char-io.h"
#include "monitor/monitor.h"
#include "qemu/error-report.h"
#include "qemu/sockets.h"
#include "qapi/error.h"

#include <poll.h>
#include <termios.h>

#define PTY_RECHECK_MS 1000

typedef struct PtyChardev {
    FDChardev fd;           /* fd_in == fd_out == the master */
    char *link;             /* symlink to remove on close, or NULL */
    bool connected;         /* a slave user is present; atomic */
    GSource *recheck;       /* while disconnected; chr->gcontext */
} PtyChardev;

static bool pty_slave_hung_up(int master)
{
    struct pollfd pfd = { .fd = master, .events = POLLIN };

    return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP);
}

static gboolean pty_recheck(gpointer opaque);

static void pty_set_connected(PtyChardev *s, bool connected)
{
    Chardev *chr = &s->fd.parent;

    if (qatomic_read(&s->connected) == connected) {
        return;
    }
    qatomic_set(&s->connected, connected);
    chr_io_watch_remove(&s->recheck);
    if (connected) {
        chr_fd_update_read_handler(chr);
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    } else {
        chr_io_watch_remove(&s->fd.in_watch);
        chr_timer_add(chr, &s->recheck, PTY_RECHECK_MS, pty_recheck, s);
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    }
}

static gboolean pty_recheck(gpointer opaque)
{
    PtyChardev *s = opaque;

    if (!pty_slave_hung_up(s->fd.fd_in)) {
        /* Drops s->recheck (and this source) on the way. */
        pty_set_connected(s, true);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean pty_readable(void *opaque, GIOCondition cond)
{
    PtyChardev *s = opaque;
    Chardev *chr = &s->fd.parent;
    uint8_t buf[CHR_READ_BUF_LEN];
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t n;

    if (len <= 0) {
        return G_SOURCE_CONTINUE;
    }
    n = read(s->fd.fd_in, buf, len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        /* EIO: the last slave user closed it. */
        pty_set_connected(s, false);
        return G_SOURCE_REMOVE;
    }
    qemu_chr_be_write(chr, buf, n);
    return G_SOURCE_CONTINUE;
}

static void pty_update_read_handler(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    chr_io_watch_remove(&s->fd.in_watch);
    chr_io_watch_remove(&s->recheck);
    if (qatomic_read(&s->connected)) {
        chr_io_watch_add(chr, &s->fd.in_watch, s->fd.fd_in, pty_readable, s);
    } else {
        chr_timer_add(chr, &s->recheck, PTY_RECHECK_MS, pty_recheck, s);
    }
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *s = (PtyChardev *)chr;

    if (!qatomic_read(&s->connected)) {
        return len;
    }
    return chr_fd_write(chr, buf, len);
}

static bool pty_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                     GError **errp)
{
    PtyChardev *s = (PtyChardev *)chr;
    const char *link = qemu_opt_get(opts, "path");
    struct termios tio;
    const char *name;
    int master;

    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
        !(name = ptsname(master))) {
        error_setg_errno(errp, errno, "Failed to create a pseudo-terminal");
        if (master >= 0) {
            close(master);
        }
        return false;
    }
    if (tcgetattr(master, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(master, TCSANOW, &tio);
    }
    qemu_set_nonblock(master, true);
    if (link) {
        unlink(link);
        if (symlink(name, link) < 0) {
            error_setg(errp, "Failed to create PTY symlink '%s': %s", link,
                       g_strerror(errno));
            close(master);
            return false;
        }
        s->link = g_strdup(link);
    }
    chr_fd_init(&s->fd, master, master, true);
    /* A fresh master does not report a hang-up: it counts as connected. */
    s->connected = true;
    qemu_chr_set_filename(chr, g_strdup_printf("pty:%s", name));
    /*
     * As QEMU: plain text on stdout at start-up (scripts read it there);
     * nothing when a monitor command (chardev-add) created it -- the
     * name is in that command's result.
     */
    if (!monitor_cur()) {
        printf("char device redirected to %s (label %s)\n", name, chr->label);
        fflush(stdout);
    }
    return true;
}

static void pty_close(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    chr_io_watch_remove(&s->recheck);
    chr_fd_close(chr);
    if (s->link) {
        unlink(s->link);
        g_free(s->link);
        s->link = NULL;
    }
}

const ChardevDriver chardev_pty_driver = {
    .name = "pty",
    .instance_size = sizeof(PtyChardev),
    .open = pty_open,
    .write = pty_write,
    .wait_writable = chr_fd_wait_writable,
    .update_read_handler = pty_update_read_handler,
    .close = pty_close,
};

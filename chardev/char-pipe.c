/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "pipe" chardev: input from the FIFO PATH.in, output to PATH.out, or
 * both over PATH when those two do not exist.
 */
#include "qemu/osdep.h"
#include "char-fd.h"
#include "qapi/error.h"

static bool pipe_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          GError **errp)
{
    FDChardev *s = (FDChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    g_autofree char *in_path = NULL;
    g_autofree char *out_path = NULL;
    /*
     * O_RDWR keeps opening a FIFO from blocking until a peer appears, and
     * keeps reads from seeing end-of-file whenever the peer closes.
     */
    const int flags = O_RDWR | O_NONBLOCK;
    int fd_in, fd_out;

    if (!path) {
        error_setg(errp, "chardev: pipe: no filename given");
        return false;
    }
    in_path = g_strdup_printf("%s.in", path);
    out_path = g_strdup_printf("%s.out", path);
    fd_in = chr_fd_open_path(in_path, flags, NULL);
    fd_out = fd_in >= 0 ? chr_fd_open_path(out_path, flags, NULL) : -1;
    if (fd_in < 0 || fd_out < 0) {
        if (fd_in >= 0) {
            close(fd_in);
        }
        fd_in = fd_out = chr_fd_open_path(path, flags, errp);
        if (fd_in < 0) {
            return false;
        }
    }
    chr_fd_init(s, fd_in, fd_out, true);
    qemu_chr_set_filename(chr, g_strdup_printf("pipe:%s", path));
    return true;
}

const ChardevDriver chardev_pipe_driver = {
    .name = "pipe",
    .instance_size = sizeof(FDChardev),
    .open = pipe_chr_open,
    .write = chr_fd_write,
    .wait_writable = chr_fd_wait_writable,
    .update_read_handler = chr_fd_update_read_handler,
    .close = chr_fd_close,
};

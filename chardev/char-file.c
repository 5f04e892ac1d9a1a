/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "file" chardev: output goes byte-for-byte to path (created, and
 * truncated unless append=on); optional input from input-path.
 */
#include "qemu/osdep.h"
#include "char-fd.h"
#include "qapi/error.h"

static bool file_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          GError **errp)
{
    FDChardev *s = (FDChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    const char *in_path = qemu_opt_get(opts, "input-path");
    bool append = qemu_opt_get_bool(opts, "append", false);
    int fd_out, fd_in = -1;

    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return false;
    }
    fd_out = chr_fd_open_path(path, O_WRONLY | O_CREAT |
                              (append ? O_APPEND : O_TRUNC), errp);
    if (fd_out < 0) {
        return false;
    }
    if (in_path) {
        fd_in = chr_fd_open_path(in_path, O_RDONLY, errp);
        if (fd_in < 0) {
            close(fd_out);
            return false;
        }
    }
    chr_fd_init(s, fd_in, fd_out, true);
    qemu_chr_set_filename(chr, g_strdup_printf("file:%s", path));
    return true;
}

const ChardevDriver chardev_file_driver = {
    .name = "file",
    .instance_size = sizeof(FDChardev),
    .open = file_chr_open,
    .write = chr_fd_write,
    .wait_writable = chr_fd_wait_writable,
    .update_read_handler = chr_fd_update_read_handler,
    .close = chr_fd_close,
};

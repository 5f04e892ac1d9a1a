/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "serial" (alias "tty") chardev: a host terminal device such as
 * /dev/ttyS0, switched to raw 8N1 at 115200 baud.
 */
#include "qemu/osdep.h"
#include "char-fd.h"
#include "qapi/error.h"

#include <termios.h>

static bool serial_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                            GError **errp)
{
    FDChardev *s = (FDChardev *)chr;
    const char *path = qemu_opt_get(opts, "path");
    struct termios tio;
    int fd;

    if (!path) {
        error_setg(errp, "chardev: serial/tty: no device path given");
        return false;
    }
    fd = chr_fd_open_path(path, O_RDWR | O_NOCTTY | O_NONBLOCK, errp);
    if (fd < 0) {
        return false;
    }
    if (tcgetattr(fd, &tio) < 0) {
        error_setg(errp, "'%s' is not a terminal device: %s", path,
                   g_strerror(errno));
        close(fd);
        return false;
    }
    cfmakeraw(&tio);
    cfsetispeed(&tio, B115200);
    cfsetospeed(&tio, B115200);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &tio) < 0) {
        error_setg(errp, "Could not configure '%s': %s", path,
                   g_strerror(errno));
        close(fd);
        return false;
    }
    chr_fd_init(s, fd, fd, true);
    qemu_chr_set_filename(chr, g_strdup_printf("serial:%s", path));
    return true;
}

const ChardevDriver chardev_serial_driver = {
    .name = "serial",
    .instance_size = sizeof(FDChardev),
    .open = serial_chr_open,
    .write = chr_fd_write,
    .wait_writable = chr_fd_wait_writable,
    .update_read_handler = chr_fd_update_read_handler,
    .close = chr_fd_close,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "stdio" chardev: the process's stdin and stdout. A terminal on stdin
 * is switched to raw input (keeping Ctrl-C as a signal with signal=on) and
 * restored when the chardev closes or the process exits.
 */
#include "qemu/osdep.h"
#include "char-fd.h"
#include "qapi/error.h"

#include <termios.h>

static bool stdio_in_use;
static volatile bool stdio_tio_saved;
static struct termios stdio_saved_tio;

static void stdio_restore_terminal(void)
{
    if (stdio_tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tio);
    }
}

void chr_stdio_emergency_cleanup(void)
{
    stdio_restore_terminal();
}

static void stdio_make_raw(bool allow_signals)
{
    static bool atexit_done;
    struct termios tio;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tio) < 0) {
        return;
    }
    stdio_saved_tio = tio;
    stdio_tio_saved = true;
    if (!atexit_done) {
        /* Also restore the terminal on exit paths that skip cleanup. */
        atexit(stdio_restore_terminal);
        atexit_done = true;
    }
    tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                     ICRNL | IXON);
    tio.c_oflag |= OPOST;
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (allow_signals) {
        tio.c_lflag |= ISIG;
    } else {
        tio.c_lflag &= ~ISIG;
    }
    tio.c_cflag &= ~(CSIZE | PARENB);
    tio.c_cflag |= CS8;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
}

static bool stdio_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                           GError **errp)
{
    FDChardev *s = (FDChardev *)chr;

    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return false;
    }
    stdio_in_use = true;
    stdio_make_raw(qemu_opt_get_bool(opts, "signal", true));
    /* stdin/stdout belong to the process: never closed here. */
    chr_fd_init(s, STDIN_FILENO, STDOUT_FILENO, false);
    qemu_chr_set_filename(chr, g_strdup("stdio"));
    return true;
}

static void stdio_chr_close(Chardev *chr)
{
    chr_fd_close(chr);
    stdio_restore_terminal();
    stdio_tio_saved = false;
    stdio_in_use = false;
}

const ChardevDriver chardev_stdio_driver = {
    .name = "stdio",
    .instance_size = sizeof(FDChardev),
    .open = stdio_chr_open,
    .write = chr_fd_write,
    .wait_writable = chr_fd_wait_writable,
    .update_read_handler = chr_fd_update_read_handler,
    .close = stdio_chr_close,
};

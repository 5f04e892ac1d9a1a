/*
 * Private to chardev/: the common part of backends that move bytes over
 * plain file descriptors (file, pipe, stdio, pty, serial): an input fd
 * watched while the front end can read, and an output fd.
 */
#ifndef CHARDEV_CHAR_FD_H
#define CHARDEV_CHAR_FD_H

#include "chardev-internal.h"

typedef struct FDChardev {
    Chardev parent;
    int fd_in;              /* -1: no input */
    int fd_out;             /* -1: output discarded */
    bool own_fds;           /* close fd_in / fd_out in chr_fd_close */
    bool in_eof;            /* input ended: stop watching */
    GSource *in_watch;      /* chr->gcontext */
} FDChardev;

/* Set the fds (either may be -1); own: close them on close. */
void chr_fd_init(FDChardev *s, int fd_in, int fd_out, bool own);

/* Driver callbacks shared by the fd backends. */
int chr_fd_write(Chardev *chr, const uint8_t *buf, int len);
bool chr_fd_wait_writable(Chardev *chr);
void chr_fd_update_read_handler(Chardev *chr);
void chr_fd_close(Chardev *chr);

/*
 * Open path with flags (O_CLOEXEC added; mode 0666 when creating).
 * Returns the fd or -1 with errp set: "Could not open '<path>': <strerror>".
 */
int chr_fd_open_path(const char *path, int flags, GError **errp);

#endif /* CHARDEV_CHAR_FD_H */

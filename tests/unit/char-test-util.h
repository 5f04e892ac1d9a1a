/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared pieces of the chardev unit tests: a recording front end, waiting
 * by iterating the main context against a deadline, a socket peer, and
 * chardev creation from -chardev option strings. Real files and sockets
 * live in a private temporary directory (char_test_tmpdir).
 */
#ifndef TESTS_UNIT_CHAR_TEST_UTIL_H
#define TESTS_UNIT_CHAR_TEST_UTIL_H

#include "chardev/char.h"

#define WAIT_MS 10000

/* The test program's private temporary directory. */
extern char *tmpdir;


typedef struct FeState {
    CharBackend be;
    GByteArray *rx;
    int opened;
    int closed;
    int budget;             /* what can_read reports; -1: 4096 */
    int max_chunk;
    bool grab_fds;          /* claim fds inside the read handler */
    int fds[4];
    int nfds;
} FeState;

int fe_can_read(void *opaque);
void fe_read(void *opaque, const uint8_t *buf, int size);
void fe_event(void *opaque, QEMUChrEvent event);
void fe_attach(FeState *s, Chardev *chr);
void fe_detach(FeState *s);
bool loop_until(bool (*cond)(void *), void *opaque);
void wait_fe(FeState *fe, int opened, int closed, guint rx_len);
int drain_context(void);
void assert_rx(FeState *fe, const char *expected);
void peer_read_exact(int fd, void *buf, size_t len);
bool peer_sees_eof(int fd);
void peer_write(int fd, const char *s);
char *tmp_path(const char *name);
Chardev *chr_from_opts(const char *params, GError **errp);
Chardev *chr_from_opts_ok(const char *params);
void chr_from_opts_fails(const char *params, const char *message);
void end_test(void);

/* g_test_init, SIGPIPE ignored, the temporary directory created. */
void char_test_init(int *argc, char ***argv);
/* Run the tests, remove the temporary directory, return the status. */
int char_test_run(void);

#endif /* TESTS_UNIT_CHAR_TEST_UTIL_H */

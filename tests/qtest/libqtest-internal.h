/*
 * libqtest internals shared by libqtest.c (process life cycle and QMP),
 * libqtest-proto.c (the qtest line protocol) and libqtest-probe.c. Not for
 * tests: they use libqtest.h.
 */
#ifndef LIBQTEST_INTERNAL_H
#define LIBQTEST_INTERNAL_H

#include "libqtest.h"

/* Tracked IRQ lines (qtest.md 1.7). */
#define QTEST_IRQ_LINES           256

struct QTestState {
    int fd;                     /* qtest connection, -1 until accepted */
    int qmp_fd;                 /* QMP connection, -1 until accepted */
    int listen_fd;              /* listening sockets until connected */
    int qmp_listen_fd;
    char *socket_path;
    char *qmp_socket_path;
    pid_t qemu_pid;
    bool reaped;                /* waitpid() has collected the child */
    bool status_checked;        /* exit status already verified */
    int wstatus;
    int expected_status;
    bool big_endian;
    bool irq_level[QTEST_IRQ_LINES];
    GString *rx;                /* qtest bytes received, not yet consumed */
    size_t rx_scanned;          /* prefix of rx known to hold no LF */
    char *last_request;         /* for failure messages */
    GQueue pending_events;      /* JsonObject * */
    QTestQMPEventCallback event_cb;
    void *event_data;
};

/*
 * The emulator binary: $var when var is given and set, else
 * $QTEST_QEMU_BINARY; exits with status 1 when neither is set.
 */
const char *qtest_binary(const char *var);
/* Ask "endianness" and return true for "big" (aborts on anything else). */
bool qtest_query_big_endian(QTestState *s);

#endif /* LIBQTEST_INTERNAL_H */

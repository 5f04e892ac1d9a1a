/*
 * The harness's standalone QMP client and socket helpers (spec/qtest.md
 * 2.6), usable without a QTestState, e.g. for extra monitors. Included by
 * libqtest.h.
 *
 * Failures (socket errors, EOF, malformed JSON) print a message and abort();
 * every JsonObject returned carries one reference for the caller.
 */
#ifndef LIBQMP_H
#define LIBQMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* Print the formatted message and a newline to stderr, then abort(). */
void qtest_fatal(const char *fmt, ...) G_GNUC_PRINTF(1, 2) QEMU_NORETURN;
/* True when $QTEST_LOG is set: QMP traffic is echoed to stderr. */
bool qtest_log_enabled(void);

/* Unix stream socket bound to path (stale file removed), listen(1), CLOEXEC. */
int qtest_socket_server(const char *path);
/* Unix stream socket connected to path, CLOEXEC. */
int qtest_socket_client(const char *path);
/* Accept one connection on a listening socket (50 s deadline). */
int qtest_socket_accept(int listen_fd);
/*
 * As qtest_socket_accept(); check(opaque), when given, runs every 100 ms
 * while waiting and may abort (used to notice a dead child at once).
 */
int qtest_socket_accept_checked(int listen_fd, const char *what,
                                void (*check)(void *opaque), void *opaque);
/*
 * Send len bytes; fds (at most 16, may be NULL/0) travel as SCM_RIGHTS with
 * the first bytes. Never raises SIGPIPE: a closed peer aborts with
 * "Broken pipe".
 */
void qtest_send_all_fds(int fd, const char *buf, size_t len,
                        int *fds, size_t nfds);
void qtest_send_all(int fd, const char *buf, size_t len);

/*
 * Read one complete top-level JSON object, byte by byte (never past its
 * closing brace). Aborts on EOF ("Broken pipe") or bad JSON ("QMP JSON
 * response parsing failed").
 */
JsonObject *qmp_fd_receive(int fd);
/* Send the formatted text followed by '\n'. */
void qmp_fd_send(int fd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void qmp_fd_vsend(int fd, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
/* Send exactly the formatted bytes. */
void qmp_fd_send_raw(int fd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send + receive the next object (events are not filtered). */
JsonObject *qmp_fd(int fd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send text (plus '\n' when newline) with optional fds; echoes if logging. */
void qmp_send_text(int fd, const char *text, bool newline,
                   int *fds, size_t nfds);

/* String member of obj (NULL when obj is NULL, absent or not a string). */
const char *qtest_json_get_str(JsonObject *obj, const char *member);
/* Compact JSON text of an object / array (caller g_free()s). */
char *qtest_json_to_string(JsonObject *obj);
char *qtest_json_array_to_string(JsonArray *arr);

#endif /* LIBQMP_H */

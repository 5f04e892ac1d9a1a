/*
 * libqtest: the harness that starts qemu-system-cr16 processes and drives
 * them through the qtest protocol and QMP (spec/qtest.md section 2).
 *
 * Threading: a QTestState is used by one thread at a time. Failures of the
 * emulator or of the protocol (EOF, a reply other than OK, a malformed QMP
 * response) print a message and abort(); a SIGABRT hook then terminates every
 * emulator that is still alive, so an aborted test leaves no processes.
 *
 * JSON values are json-glib objects; every function returning a JsonObject
 * or JsonNode hands over one reference (json_object_unref/json_node_unref).
 */
#ifndef LIBQTEST_H
#define LIBQTEST_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "libqmp.h"

typedef struct QTestState QTestState;

/* ------------------------------------------------------------------ */
/* Starting and stopping emulators                                      */
/* ------------------------------------------------------------------ */

/*
 * Start $QTEST_QEMU_BINARY with the harness arguments of qtest.md 2.3 plus
 * extra_args (inserted verbatim; shell syntax allowed; NULL = none), connect
 * qtest and QMP, read the greeting and negotiate capabilities.
 * Aborts if the emulator dies or does not connect within 50 s.
 */
QTestState *qtest_init(const char *extra_args);
/* qtest_init() with a printf-formatted argument string. */
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/*
 * Like qtest_init(), but the binary comes from the environment variable
 * var (falling back to QTEST_QEMU_BINARY when var is NULL or unset).
 * do_connect=false launches only: call qtest_connect() and
 * qtest_qmp_handshake() later.
 */
QTestState *qtest_init_with_env(const char *var, const char *extra_args,
                                bool do_connect);
/*
 * As qtest_init_with_env(); capabilities (may be NULL, not consumed) is the
 * list passed as qmp_capabilities' "enable" argument, e.g. ["oob"].
 * Capabilities are not allowed together with do_connect=false.
 */
QTestState *qtest_init_with_env_and_capabilities(const char *var,
                                                 const char *extra_args,
                                                 JsonArray *capabilities,
                                                 bool do_connect);
/*
 * Deferred connection: accept both sockets and ask for the endianness
 * (returns when the emulator has finished initialising).
 */
void qtest_connect(QTestState *s);
/* Deferred connection: read the QMP greeting and send qmp_capabilities. */
void qtest_qmp_handshake(QTestState *s, JsonArray *capabilities);

/*
 * Start an emulator whose first serial port is a socket; *sock_fd receives
 * the harness end of that connection (caller closes it).
 */
QTestState *qtest_init_with_serial(const char *extra_args, int *sock_fd);

/*
 * Stop the emulator (SIGTERM, then up to 30 s, then SIGKILL), check its exit
 * status against the expected one (default 0; abort on mismatch or death by
 * a signal), close the sockets and free s. NULL is ignored.
 */
void qtest_quit(QTestState *s);
/*
 * Terminate (if still alive) and reap the emulator and check its exit
 * status, without freeing s. Idempotent.
 */
void qtest_kill_qemu(QTestState *s);
/*
 * Wait (up to 30 s, then SIGKILL) for an emulator that is expected to exit
 * by itself, then check its status like qtest_kill_qemu().
 */
void qtest_wait_qemu(QTestState *s);
/* Kill the emulator with sig (e.g. SIGKILL: a crash) and check it died
 * from it; later qtest_quit() only closes and frees. */
void qtest_kill_qemu_with_signal(QTestState *s, int sig);
/* Exit code qtest_kill_qemu() expects (default 0). */
void qtest_set_expected_status(QTestState *s, int status);
/* Non-blocking: true while the emulator runs; reaps it once it exited. */
bool qtest_probe_child(QTestState *s);
/* Process id of the emulator. */
pid_t qtest_pid(QTestState *s);

/* ------------------------------------------------------------------ */
/* QMP                                                                 */
/* ------------------------------------------------------------------ */

/*
 * Format a QMP command (single-quoted JSON strings are fine: the server
 * accepts them), send it followed by '\n' and return the response; events
 * read meanwhile go to the event callback or the pending list.
 */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
/* As qtest_qmp(), passing fds (at most 16) as SCM_RIGHTS with the text. */
JsonObject *qtest_qmp_fds(QTestState *s, int *fds, size_t nfds,
                          const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* Send a formatted command + '\n' without waiting for the response. */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
/* Send exactly the formatted bytes (no newline added). */
void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/*
 * Next response: objects with an "event" member are offered to the event
 * callback and otherwise queued on the pending list.
 */
JsonObject *qtest_qmp_receive(QTestState *s);
/* Next object from the socket, whatever it is (no event filtering). */
JsonObject *qtest_qmp_receive_dict(QTestState *s);
/*
 * Wait for event `event`: pending events are scanned first (non-matching
 * ones are discarded), then objects are read from the socket and everything
 * that is not the wanted event is discarded. Do not call while a command
 * response is outstanding.
 */
void qtest_qmp_eventwait(QTestState *s, const char *event);
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event);
/*
 * The first pending event named `event` (non-matching events passed on the
 * way are discarded), or NULL. Never blocks.
 */
JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event);
/* Send a command and abort unless the response has a "return" member. */
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* As above; returns the "return" value. */
JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Send a command, abort unless it failed; returns the "error" object. */
JsonObject *qtest_qmp_assert_failure_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Check rsp is an error of class `class` with a "desc"; unrefs rsp. */
void qmp_expect_error_and_unref(JsonObject *rsp, const char *class);

/*
 * Event callback: called for every event qtest_qmp_receive() reads; return
 * true to consume the event, false to queue it on the pending list. The
 * callback does not own `event`. NULL removes the callback.
 */
typedef bool (*QTestQMPEventCallback)(QTestState *s, const char *name,
                                      JsonObject *event, void *opaque);
void qtest_qmp_set_event_callback(QTestState *s, QTestQMPEventCallback cb,
                                  void *opaque);

/* HMP command through human-monitor-command; returns its output string. */
char *qtest_hmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* system_reset, then wait for the RESET event. */
void qtest_system_reset(QTestState *s);
/* qom-get of a boolean property. */
bool qtest_qom_get_bool(QTestState *s, const char *path, const char *property);
/* qom-set of a boolean property (asserts success). */
void qtest_qom_set_bool(QTestState *s, const char *path, const char *property,
                        bool value);

/* The QMP socket of s (for tests that speak raw bytes). */
int qtest_qmp_fd(QTestState *s);

/* ------------------------------------------------------------------ */
/* qtest protocol                                                       */
/* ------------------------------------------------------------------ */

uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);
/* Byte arrays through "read"/"write" (size 0 sends nothing). */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/* Byte arrays through "b64read"/"b64write" (size 0 sends nothing). */
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/* Fill size bytes at addr with pattern. */
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size);

uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);
void qtest_outb(QTestState *s, uint16_t port, uint8_t value);
void qtest_outw(QTestState *s, uint16_t port, uint16_t value);
void qtest_outl(QTestState *s, uint16_t port, uint32_t value);

/* Advance the virtual clock by ns (-accel qtest only); returns the clock. */
int64_t qtest_clock_step(QTestState *s, int64_t ns);
/* Advance the virtual clock to the next timer deadline; returns the clock. */
int64_t qtest_clock_step_next(QTestState *s);
/* Advance the virtual clock to ns; returns the clock. */
int64_t qtest_clock_set(QTestState *s, int64_t ns);

/* Target byte order reported by "endianness". */
bool qtest_big_endian(QTestState *s);

/* Intercept the input GPIOs of the device at QOM path `path`. */
void qtest_irq_intercept_in(QTestState *s, const char *path);
/* Intercept the unnamed output GPIO list of the device. */
void qtest_irq_intercept_out(QTestState *s, const char *path);
/* Intercept the output GPIO list `name` of the device. */
void qtest_irq_intercept_out_named(QTestState *s, const char *path,
                                   const char *name);
/*
 * Level of intercepted line n (0..255) as last reported by the server; a
 * round trip is made first so that every earlier IRQ line has been read.
 */
bool qtest_get_irq(QTestState *s, int n);
/* Drive input GPIO num of list name (NULL = unnamed list) to level. */
void qtest_set_irq_in(QTestState *s, const char *path, const char *name,
                      int num, int level);

/*
 * Send one raw protocol line (a '\n' is appended) and return the reply line
 * without its LF, whatever its first word (IRQ lines are recorded and
 * skipped). For tests of error replies. Caller g_free()s.
 */
char *qtest_rsp_line(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send raw bytes on the qtest socket, exactly as formatted. */
void qtest_send_raw(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Read one reply line (IRQ lines recorded and skipped). Caller frees. */
char *qtest_recv_line(QTestState *s);

/* ------------------------------------------------------------------ */
/* Test registration and probes                                          */
/* ------------------------------------------------------------------ */

/*
 * Architecture from $QTEST_QEMU_BINARY (text after the last '-', which must
 * follow "-system-"); exits with status 1 and a message when it cannot be
 * determined.
 */
const char *qtest_get_arch(void);
/* g_test_add_func() with the path prefixed by "/<arch>/". */
void qtest_add_func(const char *path, void (*fn)(void));
void qtest_add_data_func(const char *path, const void *data,
                         void (*fn)(const void *));
void qtest_add_data_func_full(const char *path, void *data,
                              void (*fn)(const void *),
                              GDestroyNotify data_free_func);

/* Whether query-machines lists machine (as name or alias); cached. */
bool qtest_has_machine(const char *machine);
/* Name of the machine whose alias is `alias`, or NULL. Caller frees. */
char *qtest_resolve_machine_alias(const char *alias);
/* Whether accelerator `name` is available ("<name>-accel" type); cached. */
bool qtest_has_accel(const char *name);
/* Whether device type `type` exists; cached. */
bool qtest_has_device(const char *type);
/* Whether CPU model `model` exists (name or alias_of). */
bool qtest_has_cpu_model(const char *model);

#endif /* LIBQTEST_H */

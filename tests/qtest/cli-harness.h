/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness of the command-line tests (cli-test, cli-run-test): runs
 * qemu-system-cr16 directly (no libqtest), collects what it prints, talks
 * QMP to it over a socket the test listens on, and bounds every wait by
 * CLI_TIMEOUT_US. A failed check kills the child and ends only that test.
 */
#ifndef TESTS_QTEST_CLI_HARNESS_H
#define TESTS_QTEST_CLI_HARNESS_H

#include <json-glib/json-glib.h>

/* Every wait in this test is bounded by this. */
#define CLI_TIMEOUT_US      (30 * G_USEC_PER_SEC)
#define CLI_PROG            "qemu-system-cr16"
#define CLI_PREFIX          CLI_PROG ": "

typedef struct CliProc {
    GPid pid;
    bool exited;
    int wstatus;
    int out_fd;                 /* -1 after EOF */
    int err_fd;
    GString *out;
    GString *err;
    char *dir;                  /* scratch directory ("@" in arguments) */
    int qmp_fd;                 /* -1 without monitor */
    GString *qmp_in;            /* QMP bytes not yet consumed */
} CliProc;

/* $QTEST_QEMU_BINARY; exits the test program when unset. */
const char *cli_binary(void);

/* A child not started yet, with its scratch directory; freed with the test. */
CliProc *cli_proc_new(void);

/* Remove dir and everything in it (one level: the scratch dirs are flat). */
void cli_rmtree(const char *dir);

/* Kill the child if it still runs, close its pipes, remove its scratch dir. */
void cli_proc_free(CliProc *p);

/* Kill the child, show what it printed and fail the test. */
void cli_fail(CliProc *p, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3) QEMU_NORETURN;

/* Register fn(data) under path. */
void cli_add(const char *path, void (*fn)(const void *data),
             const void *data);

/* Register a test without data. */
void cli_add_func(const char *path, void (*fn)(void));

/* Build argv from a shell-like string; "@" stands for the scratch dir. */
char **cli_argv(CliProc *p, const char *args);

/* Start the emulator with prefix_args then args, stdout/stderr piped to us. */
void cli_spawn(CliProc *p, const char *prefix_args, const char *args);

/*
 * Wait up to timeout_ms for output on the child's pipes (and on extra_fd
 * when >= 0); returns true if extra_fd became readable.
 */
bool cli_pump(CliProc *p, int extra_fd, int timeout_ms);

/* Reap the child if it has exited (without waiting); true once it has. */
bool cli_check_exit(CliProc *p);

/* Wait for the child to exit and its pipes to close; returns exit code. */
int cli_wait(CliProc *p);

/* Run to completion. */
CliProc *cli_run(const char *args);

/*
 * Expectation syntax: "=MSG": a line "qemu-system-cr16: MSG" (message with
 * its documented location); "~MSG": MSG reported with the program prefix
 * and any (or no) location; "#LINE": LINE exactly (hint lines).
 */
bool cli_has_line(const char *text, const char *expect);

/* Only warnings/info lines (or lines matching `allowed`) on stderr. */
void cli_assert_quiet(CliProc *p, const char *const *allowed);

/* A listening unix socket at path. */
int cli_listen(const char *path);

/* One QMP object (the server ends each with CR LF). */
JsonObject *cli_qmp_read(CliProc *p);

/* Send a command and return its response (events are skipped). */
JsonObject *cli_qmp(CliProc *p, const char *cmd);

/* The "return" object of a successful command (caller unrefs). */
JsonObject *cli_qmp_return(CliProc *p, const char *cmd);

/*
 * Start the emulator with `args` plus a QMP monitor that connects to a
 * socket of ours; returns once capabilities are negotiated.
 */
CliProc *cli_vm_start(const char *args, bool exit_with_parent);

/* QMP quit; the emulator must exit with status 0. */
void cli_vm_quit(CliProc *p);

#endif

/*
 * The qtest protocol server (spec/qtest.md section 1): a line protocol on a
 * chardev through which a test harness reads and writes guest-physical
 * memory, steps the virtual clock under "-accel qtest" and intercepts GPIO
 * lines. At most one endpoint per process.
 *
 * Threads: every function here runs in the main thread with the BQL held,
 * except the flag getters, which any thread may call. Requests are read and
 * executed from the main loop only.
 */
#ifndef SYSTEM_QTEST_H
#define SYSTEM_QTEST_H

#include <stdbool.h>
#include <glib.h>

typedef struct Chardev Chardev;

/* QOM type of "-object qtest,id=ID,chardev=CHARDEV-ID[,log=FILE]". */
#define TYPE_QTEST "qtest"

/*
 * "-qtest SPEC": create the chardev "qtest" from the legacy shorthand SPEC
 * and start the server on it. logfile is the trace destination: NULL =
 * stderr, "none" = no trace, else a file opened for writing (truncated).
 * Fails (errp set, nothing created) if an endpoint already exists ("Only
 * one instance of qtest can be created"), the chardev cannot be created or
 * the log cannot be opened; the caller adds the "Failed to initialize
 * device for qtest" context.
 */
bool qtest_server_init(const char *chardev_spec, const char *logfile,
                       GError **errp);

/*
 * Start the server on an existing chardev (the "-object qtest" form); the
 * chardev then has the server as its front end. logfile as above. Errors:
 * "Only one instance of qtest can be created", the chardev is busy, or the
 * log cannot be opened.
 */
bool qtest_server_init_chardev(Chardev *chr, const char *logfile,
                               GError **errp);

/* True once a qtest endpoint exists. Any thread. */
bool qtest_enabled(void);

/*
 * The qtest accelerator was chosen ("-accel qtest" initialised): enables
 * clock_step and clock_set; without it they are unknown commands.
 */
void qtest_set_accel_qtest(bool on);
bool qtest_accel_enabled(void);

/*
 * Whether the machine has a CPU address space (a CPU, or RAM given with -m
 * on the CPU-less "none" machine). Without it, memory commands answer FAIL
 * (qtest.md 1.5); endianness and port I/O always work. Default false.
 */
void qtest_set_has_cpu(bool has_cpu);

#endif /* SYSTEM_QTEST_H */

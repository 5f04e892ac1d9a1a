/*
 * Human-readable error reporting for the command line and start-up:
 * "qemu-system-cr16: <location>: <message>" on stderr.
 *
 * The location is the command-line option being processed (set by vl.c
 * with loc_set_cmdline()), so helpers that report errors need not know
 * which option they serve.
 */
#ifndef QEMU_ERROR_REPORT_H
#define QEMU_ERROR_REPORT_H

#include <stdbool.h>
#include <glib.h>

/* Location "-opt arg" used as the prefix of the next reports; NULL clears. */
void loc_set_cmdline(const char *opt, const char *arg);
/* Errors come from line `line` of file `path` (-readconfig). */
void loc_set_file(const char *path, int line);
void loc_clear(void);

/* "prog: [loc: ]msg" on stderr. */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* "prog: [loc: ]warning: msg". */
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* "prog: [loc: ]info: msg". */
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Report err's message with error_report() and free it. */
void error_report_err(GError *err);
/* A hint line printed as-is (no prefix). */
void error_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/*
 * -msg timestamp=on: start every report with the UTC time in ISO 8601
 * ("2026-01-31T12:00:00.123456Z "); -msg guest-name=on with a guest name:
 * then the guest name. Set once at start-up, before threads exist.
 */
void error_report_set_format(bool timestamp, const char *guest_name);
/* True when -msg timestamp=on is in effect (trace lines use it too). */
bool error_report_timestamps(void);

#endif /* QEMU_ERROR_REPORT_H */

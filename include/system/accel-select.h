/*
 * Choosing the accelerator from the -accel options (main thread, start-up).
 */
#ifndef SYSTEM_ACCEL_SELECT_H
#define SYSTEM_ACCEL_SELECT_H

#include <glib.h>

/*
 * Try each QemuOpts of accel_opts (list "accel", implied key "accel") in
 * order; the first available one is activated. Unknown or unavailable
 * names are reported and skipped; property errors and "no accelerator
 * found" fail. Without options, tcg is used.
 */
bool accel_configure(GList *accel_opts, bool qtest_present, GError **errp);
/* The accelerator in use ("tcg", "qtest"), NULL before configuration. */
const char *accel_current_name(void);
/* "-accel help". */
void accel_print_help(void);

#endif /* SYSTEM_ACCEL_SELECT_H */

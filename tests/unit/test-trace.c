/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace event table: patterns enable and disable events, an events
 * file applies line by line, and an enabled event writes one log line.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/trace.h"

static void all_off(void)
{
    trace_enable_pattern("-*");
    for (int i = 0; i < TRACE_EVENT_COUNT; i++) {
        g_assert_false(trace_events_enabled[i]);
    }
}

static void test_patterns(void)
{
    all_off();
    trace_enable_pattern("cr16_uart_*");
    g_assert_true(trace_events_enabled[TRACE_cr16_uart_tx]);
    g_assert_true(trace_events_enabled[TRACE_cr16_uart_rx]);
    g_assert_false(trace_events_enabled[TRACE_cr16_timer_match]);
    trace_enable_pattern("-cr16_uart_rx");
    g_assert_false(trace_events_enabled[TRACE_cr16_uart_rx]);
    g_assert_cmpint(trace_event_find("cr16_timer_match"), ==,
                    TRACE_cr16_timer_match);
    g_assert_cmpint(trace_event_find("nope"), ==, -1);
    g_assert_true(trace_event_is_pattern("a*"));
    g_assert_false(trace_event_is_pattern("a"));
    all_off();
}

static void test_events_file_and_log(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-trace-XXXXXX", NULL);
    g_autofree char *events = g_build_filename(dir, "events", NULL);
    g_autofree char *log = g_build_filename(dir, "log", NULL);
    g_autofree char *text = NULL;
    GError *err = NULL;

    all_off();
    g_assert_true(g_file_set_contents(events, "# comment\n\ncpus_*\n"
                                      "-cpus_vcpu_stop\n", -1, NULL));
    g_assert_true(trace_enable_events_file(events, &err));
    g_assert_no_error(err);
    g_assert_true(trace_events_enabled[TRACE_cpus_vcpu_start]);
    g_assert_false(trace_events_enabled[TRACE_cpus_vcpu_stop]);

    g_assert_true(qemu_log_set(0, log, &err));
    trace_event(cpus_vcpu_start, "budget %d", 5);
    trace_event(cpus_vcpu_stop, "reason %s", "x");     /* disabled */
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "cpus_vcpu_start budget 5\n");

    g_assert_false(trace_enable_events_file("/nonexistent/events", &err));
    g_assert_nonnull(strstr(err->message, "/nonexistent/events"));
    g_clear_error(&err);
    all_off();
    unlink(events);
    unlink(log);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/trace/patterns", test_patterns);
    g_test_add_func("/trace/events-file-and-log", test_events_file_and_log);
    return g_test_run();
}

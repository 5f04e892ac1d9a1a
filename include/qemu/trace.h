/*
 * Trace points with the "log" back end: one table of events, each with a
 * run-time switch (-trace, -d trace:PATTERN, QMP trace-event-set-state).
 * An enabled event writes one line to the log (stderr or the -D/-trace
 * file): "NAME ARGS", or with -msg timestamp=on "TID@SEC.USEC:NAME ARGS".
 *
 * Adding an event: add X(name) to TRACE_EVENT_LIST below, then call
 * trace_event(name, "fmt", args...) where it happens. Disabled events
 * cost one load and a test.
 */
#ifndef QEMU_TRACE_H
#define QEMU_TRACE_H

#include <stdbool.h>
#include <glib.h>

/* Every event, in the order -trace help lists them. */
#define TRACE_EVENT_LIST(X) \
    X(cpus_vcpu_start)      \
    X(cpus_vcpu_stop)       \
    X(cpus_vcpu_halted)     \
    X(cr16_timer_write)     \
    X(cr16_timer_match)     \
    X(cr16_uart_tx)         \
    X(cr16_uart_rx)         \
    X(cr16_uart_break)      \
    X(dirtylimit_period)    \
    X(qmp_inject_nmi)

typedef enum TraceEventId {
#define TRACE_EVENT_ENUM_(name) TRACE_##name,
    TRACE_EVENT_LIST(TRACE_EVENT_ENUM_)
#undef TRACE_EVENT_ENUM_
    TRACE_EVENT_COUNT
} TraceEventId;

/* Dynamic state of each event (read without a lock; set from main). */
extern bool trace_events_enabled[TRACE_EVENT_COUNT];

/* Write one event line; use trace_event() rather than this. */
void trace_event_log(TraceEventId id, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

#define trace_event(name, ...)                                   \
    do {                                                         \
        if (G_UNLIKELY(trace_events_enabled[TRACE_##name])) {    \
            trace_event_log(TRACE_##name, __VA_ARGS__);          \
        }                                                        \
    } while (0)

/* Name of event id (static string). */
const char *trace_event_name(TraceEventId id);
/* Look an event up by exact name; -1 if there is none. */
int trace_event_find(const char *name);
/* True if name contains glob characters ('*' or '?'). */
bool trace_event_is_pattern(const char *name);

/*
 * Enable (or, with a leading '-', disable) the events matching one
 * pattern, as a -trace or events-file line does. A name that matches no
 * event only warns ("trace event 'X' does not exist"), as in QEMU.
 */
void trace_enable_pattern(const char *line);
/* Apply every line of an events file ('#' comments, blank lines). */
bool trace_enable_events_file(const char *path, GError **errp);
/* "-trace help": list the events on stdout. */
void trace_print_help(void);

#endif /* QEMU_TRACE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace event table and its one engine: pattern matching for -trace
 * and QMP, the events file, and the "log" back end that writes lines.
 */
#include "qemu/osdep.h"

#include <sys/time.h>

#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/trace.h"

static const char *const trace_event_names[TRACE_EVENT_COUNT] = {
#define TRACE_EVENT_NAME_(name) #name,
    TRACE_EVENT_LIST(TRACE_EVENT_NAME_)
#undef TRACE_EVENT_NAME_
};

bool trace_events_enabled[TRACE_EVENT_COUNT];

const char *trace_event_name(TraceEventId id)
{
    return (unsigned)id < TRACE_EVENT_COUNT ? trace_event_names[id] : NULL;
}

int trace_event_find(const char *name)
{
    for (int i = 0; i < TRACE_EVENT_COUNT; i++) {
        if (!strcmp(trace_event_names[i], name)) {
            return i;
        }
    }
    return -1;
}

bool trace_event_is_pattern(const char *name)
{
    return strchr(name, '*') || strchr(name, '?');
}

void trace_event_log(TraceEventId id, const char *fmt, ...)
{
    g_autofree char *args = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (error_report_timestamps()) {
        struct timeval now;

        gettimeofday(&now, NULL);
        qemu_log("%d@%zu.%06zu:%s %s\n", (int)gettid(), (size_t)now.tv_sec,
                 (size_t)now.tv_usec, trace_event_names[id], args);
    } else {
        qemu_log("%s %s\n", trace_event_names[id], args);
    }
}

void trace_enable_pattern(const char *line)
{
    bool enable = line[0] != '-';
    const char *pat = enable ? line : line + 1;
    bool found = false;

    for (int i = 0; i < TRACE_EVENT_COUNT; i++) {
        if (g_pattern_match_simple(pat, trace_event_names[i])) {
            qatomic_set(&trace_events_enabled[i], enable);
            found = true;
        }
    }
    if (!found && !trace_event_is_pattern(pat)) {
        warn_report("trace event '%s' does not exist", pat);
    }
}

bool trace_enable_events_file(const char *path, GError **errp)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        error_setg_errno(errp, errno, "Cannot open events file '%s'", path);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_strstrip(*l);
        if (**l && **l != '#') {
            trace_enable_pattern(*l);
        }
    }
    return true;
}

void trace_print_help(void)
{
    for (int i = 0; i < TRACE_EVENT_COUNT; i++) {
        printf("%s\n", trace_event_names[i]);
    }
}

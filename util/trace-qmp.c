/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP trace-event-get-state / trace-event-set-state over the event table.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/trace.h"

TraceEventInfoList *qmp_trace_event_get_state(const char *name,
                                              bool has_vcpu, int64_t vcpu,
                                              GError **errp)
{
    TraceEventInfoList *head = NULL, **tail = &head;

    for (int i = 0; i < TRACE_EVENT_COUNT; i++) {
        TraceEventInfoList *elem;

        if (!g_pattern_match_simple(name, trace_event_name(i))) {
            continue;
        }
        elem = g_new0(TraceEventInfoList, 1);
        elem->value = g_new0(TraceEventInfo, 1);
        elem->value->name = g_strdup(trace_event_name(i));
        elem->value->state = qatomic_read(&trace_events_enabled[i]) ?
                             TRACE_EVENT_STATE_ENABLED :
                             TRACE_EVENT_STATE_DISABLED;
        elem->value->vcpu = false;
        *tail = elem;
        tail = &elem->next;
    }
    if (!head && !trace_event_is_pattern(name)) {
        error_setg(errp, "unknown event \"%s\"", name);
    }
    return head;
}

void qmp_trace_event_set_state(const char *name, bool enable,
                               bool has_ignore_unavailable,
                               bool ignore_unavailable,
                               bool has_vcpu, int64_t vcpu, GError **errp)
{
    bool found = false;

    /* Every event of this emulator is available: nothing to ignore. */
    for (int i = 0; i < TRACE_EVENT_COUNT; i++) {
        if (g_pattern_match_simple(name, trace_event_name(i))) {
            qatomic_set(&trace_events_enabled[i], enable);
            found = true;
        }
    }
    if (!found && !trace_event_is_pattern(name)) {
        error_setg(errp, "unknown event \"%s\"", name);
    }
}

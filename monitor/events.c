/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP events (qmp.md 5): timestamp an event and broadcast it to every
 * monitor in command mode.
 */
#include "qemu/osdep.h"

#include "qapi/qmp-event.h"
#include "monitor-internal.h"

typedef struct EventText {
    JsonObject *msg;
    char *text[2];          /* compact, pretty; built on first use */
    size_t len[2];
} EventText;

static void event_deliver(Monitor *mon, void *opaque)
{
    EventText *ev = opaque;
    int layout = mon->pretty ? 1 : 0;

    if (!ev->text[layout]) {
        ev->text[layout] = qmp_message_format(ev->msg, mon->pretty,
                                              &ev->len[layout]);
    }
    monitor_qmp_event_text(mon, ev->text[layout], ev->len[layout]);
}

void qapi_event_emit(QAPIEvent event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *timestamp = json_object_new();
    EventText ev = { .msg = json_object_new() };

    json_object_set_string_member(ev.msg, "event", QAPIEvent_str(event));
    if (data) {
        json_object_set_object_member(ev.msg, "data", data);
    }
    json_object_set_int_member(timestamp, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(timestamp, "microseconds",
                               now % G_USEC_PER_SEC);
    json_object_set_object_member(ev.msg, "timestamp", timestamp);

    monitor_foreach(event_deliver, &ev);

    g_free(ev.text[0]);
    g_free(ev.text[1]);
    json_object_unref(ev.msg);
}

/*
 * Event delivery: the generated qapi_event_send_<event>() functions
 * (qapi/qapi-events.h) build the event data and call qapi_event_emit(),
 * which the monitor implements.
 */
#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include <json-glib/json-glib.h>
#include "qapi/qapi-events.h"

/*
 * Timestamp the event and broadcast it to every QMP monitor in command
 * mode.  data holds the event's members (NULL for events without members)
 * and is taken over by the callee.  Any thread.  Implemented by monitor/.
 */
void qapi_event_emit(QAPIEvent event, JsonObject *data);

#endif /* QAPI_QMP_EVENT_H */

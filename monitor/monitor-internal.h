/*
 * Private to monitor/: the Monitor structure, QMP requests, and the
 * functions the monitor's files share.
 *
 * Threads and locks:
 *   - The monitor I/O thread (monitor_io_context()) runs every chardev
 *     handler: it reads and parses input, executes exec-oob commands and
 *     writes output.  Fields marked "I/O thread" are only touched there
 *     (or after that thread has stopped).
 *   - In-band commands run in the main thread with the BQL held, one at
 *     a time, through the dispatcher.
 *   - monitors_lock guards the list of monitors; Monitor.lock guards the
 *     fields marked "lock".  Lock order: monitors_lock, then a
 *     Monitor.lock.  No lock is held while a command runs or while the
 *     chardev is called.
 */
#ifndef MONITOR_MONITOR_INTERNAL_H
#define MONITOR_MONITOR_INTERNAL_H

#include <json-glib/json-glib.h>

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "qobject/json-parser.h"

/* In-band requests a monitor with oob enabled may have waiting. */
#define QMP_REQ_QUEUE_LEN_MAX   8
/* At most this many bytes are read from a chardev at once. */
#define QMP_READ_CHUNK          4096
/*
 * Output backpressure: a monitor stops taking input while more than this
 * much of its output waits for the client, and takes input again once
 * the client has read enough that less than half of it is left.
 */
#define QMP_OUTBUF_LIMIT        (1024 * 1024)

/* One message from a client, validated as far as the envelope (3.2). */
typedef struct QmpRequest {
    unsigned generation;    /* Monitor.generation when it was read */
    JsonNode *id;           /* the "id" member, or NULL */
    char *name;             /* command name; NULL when err is set */
    JsonObject *args;       /* "arguments", or NULL */
    bool oob;               /* sent with exec-oob */
    GError *err;            /* parse or envelope error to answer with */
    int *fds;               /* fds that came with it (owned) */
    int nfds;
} QmpRequest;

struct Monitor {
    char *label;                /* chardev id, for messages */
    bool pretty;
    CharBackend chr;

    /* I/O thread: */
    JsonStreamParser *parser;
    GByteArray *inbuf;          /* read but not yet parsed */
    bool emitted;               /* parser produced a message */
    int *recv_fds;              /* latest fd batch, not yet given out */
    int n_recv_fds;

    GMutex lock;
    /* lock: */
    bool connected;
    unsigned generation;        /* changes on every (dis)connect */
    bool command_mode;          /* negotiation is complete */
    bool oob_enabled;
    GQueue requests;            /* in-band QmpRequest *, oldest first */
    QmpRequest *dispatching;    /* in-band request running right now */
    GString *outbuf;            /* output not yet written */
    bool output_throttled;      /* input stopped by QMP_OUTBUF_LIMIT */
    bool flush_scheduled;
    bool resume_scheduled;
    GSource *retry_source;      /* output retry timer while EAGAIN */
    GHashTable *named_fds;      /* getfd name -> fd */
};

/* ---- monitor.c ---- */

/* The monitor I/O thread's context (starts the thread if needed). */
GMainContext *monitor_io_context(void);
/* Make mon visible to monitor_foreach() (main thread, at creation). */
void monitor_list_add(Monitor *mon);
/* Call fn(mon, opaque) for every monitor, holding monitors_lock. */
void monitor_foreach(void (*fn)(Monitor *mon, void *opaque), void *opaque);
/* The request being executed by the calling thread, or NULL. */
QmpRequest *monitor_cur_request(void);
/* Make mon/req current in this thread for a command; returns the old. */
void monitor_set_cur(Monitor *mon, QmpRequest *req,
                     Monitor **old_mon, QmpRequest **old_req);

/* ---- hmp.c ---- */

/* Free every interactive HMP monitor (at exit, main thread). */
void monitor_hmp_cleanup(void);

/* ---- qmp.c ---- */

/* Attach a new QMP monitor to chr; false with errp set on failure. */
bool monitor_qmp_new(Chardev *chr, bool pretty, GError **errp);
/* Stop using mon (I/O thread stopped), write what is left, free it. */
void monitor_qmp_destroy(Monitor *mon);
/*
 * Queue a response (a complete message with its CR LF) for mon if mon is
 * still on the connection of generation.  Any thread.
 */
void monitor_qmp_respond_text(Monitor *mon, unsigned generation,
                              const char *text, size_t len);
/* Queue an event for mon if it is connected and in command mode. */
void monitor_qmp_event_text(Monitor *mon, const char *text, size_t len);
/* A new in-band request may be waiting: make sure the dispatcher runs. */
void monitor_dispatcher_kick(void);
/* Stop dispatching (at exit). */
void monitor_dispatcher_shutdown(void);

/* ---- qmp-request.c ---- */

/*
 * Validate one parsed message (value or parse_err, both consumed) as a
 * request.  Never fails: problems are stored in the request's err.
 */
QmpRequest *qmp_request_new(JsonNode *value, GError *parse_err,
                            bool oob_enabled);
void qmp_request_free(QmpRequest *req);
/*
 * Execute req on mon in the calling thread and return the response
 * object, or NULL when the command asked for no success response.
 */
JsonObject *qmp_request_execute(Monitor *mon, QmpRequest *req);
/* Text of a message plus CR LF, in mon's layout (g_free). */
char *qmp_message_format(JsonObject *msg, bool pretty, size_t *len);

/* ---- fds.c ---- */

/* Close and forget every named fd of mon (at exit). */
void monitor_named_fds_free(Monitor *mon);
/* Free fd sets that have no fds and no duplicates (after a disconnect). */
void monitor_fdsets_cleanup(void);
/* Close every fd set (at exit). */
void monitor_fdsets_free(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmpRequest, qmp_request_free)

#endif /* MONITOR_MONITOR_INTERNAL_H */

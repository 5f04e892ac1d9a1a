/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP connections: the chardev handlers (greeting, input with flow
 * control, disconnect), the in-band request queue and its main-thread
 * dispatcher, and buffered non-blocking output.
 *
 * Flow control: without oob a monitor has at most one in-band request
 * queued or running; with oob up to QMP_REQ_QUEUE_LEN_MAX queued.  When
 * that limit is reached, or while the client leaves more than
 * QMP_OUTBUF_LIMIT of output unread, the monitor stops parsing (bytes
 * already read wait in inbuf) and can_read reports 0, so the rest stays
 * in the kernel and a client that never reads cannot grow the process.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qobject/json-writer.h"
#include "monitor-internal.h"

/* How long monitor_cleanup() waits for a client to take pending output. */
#define QMP_EXIT_FLUSH_US   (2 * G_USEC_PER_SEC)
/* Retry period for output while the chardev reports EAGAIN. */
#define QMP_RETRY_MS        5

static bool dispatch_scheduled;         /* atomic */
static bool dispatch_stopped;           /* atomic */
static guint dispatch_next;             /* round-robin position; BQL */

/* ---- output ---- */

static gboolean monitor_qmp_flush_cb(gpointer opaque);
static void monitor_qmp_schedule_resume(Monitor *mon);

static void monitor_qmp_schedule_flush_locked(Monitor *mon)
{
    GSource *src;

    if (mon->flush_scheduled || mon->retry_source) {
        return;
    }
    mon->flush_scheduled = true;
    src = g_idle_source_new();
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, monitor_qmp_flush_cb, mon, NULL);
    g_source_attach(src, monitor_io_context());
    g_source_unref(src);
}

static gboolean monitor_qmp_retry_cb(gpointer opaque)
{
    Monitor *mon = opaque;

    g_mutex_lock(&mon->lock);
    /* A concurrent cancel may already have dropped the source. */
    if (mon->retry_source) {
        g_source_unref(mon->retry_source);
        mon->retry_source = NULL;
    }
    g_mutex_unlock(&mon->lock);
    monitor_qmp_flush_cb(mon);
    return G_SOURCE_REMOVE;
}

static void monitor_qmp_arm_retry_locked(Monitor *mon)
{
    if (mon->retry_source) {
        return;
    }
    mon->retry_source = g_timeout_source_new(QMP_RETRY_MS);
    g_source_set_callback(mon->retry_source, monitor_qmp_retry_cb, mon, NULL);
    g_source_attach(mon->retry_source, monitor_io_context());
}

static void monitor_qmp_cancel_retry_locked(Monitor *mon)
{
    if (mon->retry_source) {
        g_source_destroy(mon->retry_source);
        g_source_unref(mon->retry_source);
        mon->retry_source = NULL;
    }
}

/* I/O thread: write as much pending output as the chardev takes. */
static gboolean monitor_qmp_flush_cb(gpointer opaque)
{
    Monitor *mon = opaque;
    bool resume;

    g_mutex_lock(&mon->lock);
    mon->flush_scheduled = false;
    for (;;) {
        unsigned generation = mon->generation;
        size_t len = MIN(mon->outbuf->len, 65536);
        g_autofree uint8_t *data = NULL;
        int n, saved_errno;

        if (len == 0 || mon->retry_source) {
            break;
        }
        data = g_memdup2(mon->outbuf->str, len);
        /*
         * Unlocked: the chardev may report a disconnect from inside the
         * write, and our event handler takes the lock.
         */
        g_mutex_unlock(&mon->lock);
        n = qemu_chr_fe_write(&mon->chr, data, len);
        saved_errno = errno;
        g_mutex_lock(&mon->lock);

        if (generation != mon->generation) {
            break;              /* the connection changed meanwhile */
        }
        if (n > 0) {
            g_string_erase(mon->outbuf, 0, n);
        } else if (n == 0 || saved_errno == EAGAIN ||
                   saved_errno == EWOULDBLOCK || saved_errno == EINTR) {
            monitor_qmp_arm_retry_locked(mon);
        } else {
            g_string_truncate(mon->outbuf, 0);  /* the peer is gone */
        }
    }
    resume = mon->output_throttled &&
             mon->outbuf->len <= QMP_OUTBUF_LIMIT / 2;
    if (resume) {
        mon->output_throttled = false;
    }
    g_mutex_unlock(&mon->lock);
    if (resume) {
        monitor_qmp_schedule_resume(mon);
    }
    return G_SOURCE_REMOVE;
}

void monitor_qmp_respond_text(Monitor *mon, unsigned generation,
                              const char *text, size_t len)
{
    g_mutex_lock(&mon->lock);
    if (mon->connected && mon->generation == generation) {
        g_string_append_len(mon->outbuf, text, len);
        monitor_qmp_schedule_flush_locked(mon);
    }
    g_mutex_unlock(&mon->lock);
}

void monitor_qmp_event_text(Monitor *mon, const char *text, size_t len)
{
    g_mutex_lock(&mon->lock);
    if (mon->connected && mon->command_mode) {
        g_string_append_len(mon->outbuf, text, len);
        monitor_qmp_schedule_flush_locked(mon);
    }
    g_mutex_unlock(&mon->lock);
}

/* Respond to req on mon (called in the thread that executes it). */
static void monitor_qmp_handle(Monitor *mon, QmpRequest *req)
{
    g_autoptr(JsonObject) rsp = qmp_request_execute(mon, req);
    g_autofree char *text = NULL;
    size_t len;

    if (!rsp) {
        return;
    }
    text = qmp_message_format(rsp, mon->pretty, &len);
    monitor_qmp_respond_text(mon, req->generation, text, len);
}

/* ---- input ---- */

static bool monitor_qmp_queue_full_locked(Monitor *mon)
{
    if (mon->oob_enabled) {
        return g_queue_get_length(&mon->requests) >= QMP_REQ_QUEUE_LEN_MAX;
    }
    return !g_queue_is_empty(&mon->requests) || mon->dispatching;
}

/* May the monitor parse (and read) more input now? */
static bool monitor_qmp_input_blocked(Monitor *mon)
{
    bool blocked;

    g_mutex_lock(&mon->lock);
    if (mon->outbuf->len > QMP_OUTBUF_LIMIT) {
        /* Lifted by the flush that drains the output (see there). */
        mon->output_throttled = true;
    }
    blocked = mon->output_throttled || monitor_qmp_queue_full_locked(mon);
    g_mutex_unlock(&mon->lock);
    return blocked;
}

/* Parser callback (I/O thread): one message arrived. */
static void monitor_qmp_emit(void *opaque, JsonNode *value, GError *err)
{
    Monitor *mon = opaque;
    QmpRequest *req;
    bool oob_enabled;
    unsigned generation;

    mon->emitted = true;
    g_mutex_lock(&mon->lock);
    oob_enabled = mon->oob_enabled;
    generation = mon->generation;
    g_mutex_unlock(&mon->lock);

    req = qmp_request_new(value, err, oob_enabled);
    req->generation = generation;
    /* The fds that came with the bytes of this message belong to it. */
    req->fds = mon->recv_fds;
    req->nfds = mon->n_recv_fds;
    mon->recv_fds = NULL;
    mon->n_recv_fds = 0;

    if (req->oob && !req->err) {
        /* Out-of-band: right here, overtaking queued in-band requests. */
        monitor_qmp_handle(mon, req);
        qmp_request_free(req);
        return;
    }

    g_mutex_lock(&mon->lock);
    g_queue_push_tail(&mon->requests, req);
    g_mutex_unlock(&mon->lock);
    monitor_dispatcher_kick();
}

/* Feed buffered input to the parser until it is used up or the queue fills. */
static void monitor_qmp_pump(Monitor *mon)
{
    guint i = 0;
    bool full = monitor_qmp_input_blocked(mon);

    /* Byte by byte, so that parsing stops right after a message. */
    while (!full && i < mon->inbuf->len) {
        mon->emitted = false;
        json_stream_parser_feed(mon->parser,
                                (const char *)mon->inbuf->data + i, 1);
        i++;
        if (mon->emitted) {
            full = monitor_qmp_input_blocked(mon);
        }
    }
    g_byte_array_remove_range(mon->inbuf, 0, i);
}

static void monitor_qmp_drop_recv_fds(Monitor *mon)
{
    int i;

    for (i = 0; i < mon->n_recv_fds; i++) {
        close(mon->recv_fds[i]);
    }
    g_free(mon->recv_fds);
    mon->recv_fds = NULL;
    mon->n_recv_fds = 0;
}

static int monitor_qmp_can_read(void *opaque)
{
    Monitor *mon = opaque;

    if (mon->inbuf->len > 0 || monitor_qmp_input_blocked(mon)) {
        return 0;
    }
    return QMP_READ_CHUNK;
}

static void monitor_qmp_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;
    int fds[16];
    int nfds = qemu_chr_fe_get_msgfds(&mon->chr, fds, ARRAY_SIZE(fds));

    if (nfds > 0) {
        /* A new batch replaces unclaimed fds of the previous one. */
        monitor_qmp_drop_recv_fds(mon);
        mon->recv_fds = g_memdup2(fds, nfds * sizeof(int));
        mon->n_recv_fds = nfds;
    }
    if (size > 0) {
        g_byte_array_append(mon->inbuf, buf, size);
        monitor_qmp_pump(mon);
    }
}

static gboolean monitor_qmp_resume_cb(gpointer opaque)
{
    Monitor *mon = opaque;

    g_mutex_lock(&mon->lock);
    mon->resume_scheduled = false;
    g_mutex_unlock(&mon->lock);
    monitor_qmp_pump(mon);
    qemu_chr_fe_accept_input(&mon->chr);
    return G_SOURCE_REMOVE;
}

/* Space in the queue freed up: let the I/O thread go on reading. */
static void monitor_qmp_schedule_resume(Monitor *mon)
{
    GSource *src;

    g_mutex_lock(&mon->lock);
    if (mon->resume_scheduled) {
        g_mutex_unlock(&mon->lock);
        return;
    }
    mon->resume_scheduled = true;
    g_mutex_unlock(&mon->lock);

    src = g_idle_source_new();
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, monitor_qmp_resume_cb, mon, NULL);
    g_source_attach(src, monitor_io_context());
    g_source_unref(src);
}

/* ---- connection life cycle ---- */

static char *monitor_qmp_greeting(bool pretty, size_t *len)
{
    g_autoptr(JsonWriter) w = json_writer_new(pretty);
    char *text;

    json_writer_start_object(w, NULL);
    json_writer_start_object(w, "QMP");
    json_writer_start_object(w, "version");
    json_writer_start_object(w, "qemu");
    json_writer_int64(w, "micro", QEMU_VERSION_MICRO);
    json_writer_int64(w, "minor", QEMU_VERSION_MINOR);
    json_writer_int64(w, "major", QEMU_VERSION_MAJOR);
    json_writer_end_object(w);
    json_writer_str(w, "package", QEMU_PKGVERSION);
    json_writer_end_object(w);
    json_writer_start_list(w, "capabilities");
    json_writer_str(w, NULL, "oob");
    json_writer_end_list(w);
    json_writer_end_object(w);
    json_writer_end_object(w);
    text = g_strconcat(json_writer_get(w), "\r\n", NULL);
    *len = json_writer_get_len(w) + 2;
    return text;
}

/*
 * Forget the session: input, queued requests, capabilities and output.
 * I/O thread.  Requests are freed by the caller, outside the lock.
 */
static GList *monitor_qmp_reset_locked(Monitor *mon)
{
    GList *dropped = NULL;
    QmpRequest *req;

    while ((req = g_queue_pop_head(&mon->requests))) {
        dropped = g_list_prepend(dropped, req);
    }
    mon->generation++;
    mon->command_mode = false;
    mon->oob_enabled = false;
    g_string_truncate(mon->outbuf, 0);
    mon->output_throttled = false;
    monitor_qmp_cancel_retry_locked(mon);
    return dropped;
}

static void monitor_qmp_event(void *opaque, QEMUChrEvent event)
{
    Monitor *mon = opaque;
    GList *dropped;
    g_autofree char *greeting = NULL;
    size_t len = 0;

    json_stream_parser_reset(mon->parser);
    g_byte_array_set_size(mon->inbuf, 0);
    monitor_qmp_drop_recv_fds(mon);
    if (event == CHR_EVENT_OPENED) {
        greeting = monitor_qmp_greeting(mon->pretty, &len);
    }

    g_mutex_lock(&mon->lock);
    dropped = monitor_qmp_reset_locked(mon);
    mon->connected = (event == CHR_EVENT_OPENED);
    if (greeting) {
        g_string_append_len(mon->outbuf, greeting, len);
        monitor_qmp_schedule_flush_locked(mon);
    }
    g_mutex_unlock(&mon->lock);

    g_list_free_full(dropped, (GDestroyNotify)qmp_request_free);
    if (event == CHR_EVENT_CLOSED) {
        monitor_fdsets_cleanup();
    }
    qemu_chr_fe_accept_input(&mon->chr);
}

bool monitor_qmp_new(Chardev *chr, bool pretty, GError **errp)
{
    Monitor *mon = g_new0(Monitor, 1);

    if (!qemu_chr_fe_init(&mon->chr, chr, errp)) {
        g_free(mon);
        return false;
    }
    mon->label = g_strdup(qemu_chr_label(chr));
    mon->pretty = pretty;
    mon->parser = json_stream_parser_new(monitor_qmp_emit, mon);
    mon->inbuf = g_byte_array_new();
    g_mutex_init(&mon->lock);
    g_queue_init(&mon->requests);
    mon->outbuf = g_string_new(NULL);
    mon->named_fds = g_hash_table_new_full(g_str_hash, g_str_equal,
                                           g_free, NULL);
    monitor_list_add(mon);
    /* From now on the handlers (and OPENED) run in the I/O thread. */
    qemu_chr_fe_set_handlers(&mon->chr, monitor_qmp_can_read,
                             monitor_qmp_read, monitor_qmp_event, mon,
                             monitor_io_context());
    return true;
}

/* At exit: give the client a bounded time to take the remaining output. */
static void monitor_qmp_flush_at_exit(Monitor *mon)
{
    gint64 deadline = g_get_monotonic_time() + QMP_EXIT_FLUSH_US;
    size_t done = 0;

    if (!mon->connected) {
        return;
    }
    while (done < mon->outbuf->len) {
        int n = qemu_chr_fe_write(&mon->chr,
                                  (const uint8_t *)mon->outbuf->str + done,
                                  MIN(mon->outbuf->len - done, 65536));

        if (n > 0) {
            done += n;
            continue;
        }
        if ((n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
             errno != EINTR) || g_get_monotonic_time() > deadline) {
            break;
        }
        g_usleep(1000);
    }
    g_string_truncate(mon->outbuf, 0);
}

void monitor_qmp_destroy(Monitor *mon)
{
    GList *dropped;

    monitor_qmp_flush_at_exit(mon);
    qemu_chr_fe_deinit(&mon->chr, false);

    g_mutex_lock(&mon->lock);
    dropped = monitor_qmp_reset_locked(mon);
    g_mutex_unlock(&mon->lock);
    g_list_free_full(dropped, (GDestroyNotify)qmp_request_free);

    monitor_named_fds_free(mon);
    g_hash_table_unref(mon->named_fds);
    monitor_qmp_drop_recv_fds(mon);
    json_stream_parser_free(mon->parser);
    g_byte_array_unref(mon->inbuf);
    g_string_free(mon->outbuf, TRUE);
    g_mutex_clear(&mon->lock);
    g_free(mon->label);
    g_free(mon);
}

/* ---- the in-band dispatcher (main thread, BQL held) ---- */

typedef struct DispatchPick {
    guint index;            /* position of the monitor being looked at */
    guint start;            /* round-robin start */
    guint count;
    Monitor *mon;
    QmpRequest *req;
    guint picked_index;
    bool more;              /* some monitor still has requests */
} DispatchPick;

static void dispatch_count(Monitor *mon, void *opaque)
{
    DispatchPick *pick = opaque;

    pick->count++;
}

/* Two passes over the list: from start to the end, then from 0 on. */
static void dispatch_pick(Monitor *mon, void *opaque)
{
    DispatchPick *pick = opaque;
    guint i = pick->index++;

    if (pick->req || i < pick->start) {
        return;
    }
    g_mutex_lock(&mon->lock);
    if (!mon->dispatching && !g_queue_is_empty(&mon->requests)) {
        pick->req = g_queue_pop_head(&mon->requests);
        pick->mon = mon;
        pick->picked_index = i;
        mon->dispatching = pick->req;
    }
    g_mutex_unlock(&mon->lock);
}

static void dispatch_check_more(Monitor *mon, void *opaque)
{
    DispatchPick *pick = opaque;

    g_mutex_lock(&mon->lock);
    if (!mon->dispatching && !g_queue_is_empty(&mon->requests)) {
        pick->more = true;
    }
    g_mutex_unlock(&mon->lock);
}

static void monitor_dispatcher_run(void *opaque)
{
    DispatchPick pick = { 0 };
    Monitor *mon;
    QmpRequest *req;

    qatomic_set(&dispatch_scheduled, false);
    if (qatomic_read(&dispatch_stopped)) {
        return;
    }

    monitor_foreach(dispatch_count, &pick);
    pick.start = pick.count ? dispatch_next % pick.count : 0;
    monitor_foreach(dispatch_pick, &pick);
    if (!pick.req && pick.start > 0) {
        pick.index = 0;
        pick.start = 0;
        monitor_foreach(dispatch_pick, &pick);
    }
    if (!pick.req) {
        return;
    }
    mon = pick.mon;
    req = pick.req;
    dispatch_next = pick.picked_index + 1;

    monitor_qmp_handle(mon, req);

    g_mutex_lock(&mon->lock);
    mon->dispatching = NULL;
    g_mutex_unlock(&mon->lock);
    qmp_request_free(req);
    monitor_qmp_schedule_resume(mon);

    /* One request per run keeps the main loop responsive. */
    monitor_foreach(dispatch_check_more, &pick);
    if (pick.more) {
        monitor_dispatcher_kick();
    }
}

void monitor_dispatcher_kick(void)
{
    if (qatomic_read(&dispatch_stopped)) {
        return;
    }
    if (!qatomic_xchg(&dispatch_scheduled, true)) {
        main_loop_schedule(monitor_dispatcher_run, NULL);
    }
}

void monitor_dispatcher_shutdown(void)
{
    qatomic_set(&dispatch_stopped, true);
}

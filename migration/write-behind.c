/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-behind queue: see migration/write-behind.h.
 *
 * The buffers form a ring: slots [head, head + count) are queued in that
 * order, the writer works on slot head while count > 0 and frees it
 * (head++, count--) only after the sink returned, and the producer fills
 * slot head + count, which nobody else touches until it is queued.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "write-behind.h"

typedef struct WriteBehindBuf {
    guint8 *data;
    size_t len;
} WriteBehindBuf;

struct WriteBehind {
    WriteBehindSink *sink;
    void *opaque;
    GThread *thread;

    GMutex lock;
    GCond queued;               /* writer waits: a buffer came, or stop */
    GCond written;              /* producer waits: a slot is free, or done */
    WriteBehindBuf bufs[WRITE_BEHIND_BUFS];
    unsigned head, count;
    GError *err;                /* the sink's first error (sticky) */
    bool cancelled;
    bool stopping;
    /* Who sleeps: a GCond signal is a futex call (and a wake-up of the
     * other CPU) even with nobody waiting, once per 256 KiB each way. */
    bool writer_waits;
    bool producer_waits;
};

/* Under lock: why pushes fail now, or true if they may go on. */
static bool wb_usable(WriteBehind *wb, GError **errp)
{
    if (wb->err) {
        g_propagate_error(errp, g_error_copy(wb->err));
        return false;
    }
    if (wb->cancelled) {
        error_setg(errp, "write-behind queue was cancelled");
        return false;
    }
    return true;
}

static gpointer wb_thread(gpointer opaque)
{
    WriteBehind *wb = opaque;

    g_mutex_lock(&wb->lock);
    for (;;) {
        WriteBehindBuf *b;
        GError *err = NULL;
        bool ok;

        if (wb->cancelled || wb->err) {
            wb->count = 0;      /* dropped: nobody will read them */
            g_cond_broadcast(&wb->written);
        }
        if (wb->stopping) {
            break;
        }
        if (wb->count == 0) {
            wb->writer_waits = true;
            g_cond_wait(&wb->queued, &wb->lock);
            wb->writer_waits = false;
            continue;
        }
        b = &wb->bufs[wb->head];
        g_mutex_unlock(&wb->lock);

        ok = wb->sink(wb->opaque, b->data, b->len, &err);

        g_mutex_lock(&wb->lock);
        if (!ok) {
            if (!wb->err) {
                wb->err = err;
                err = NULL;
            }
            g_clear_error(&err);
            continue;           /* drops the rest, above */
        }
        if (wb->count) {        /* 0 if cancelled meanwhile */
            wb->head = (wb->head + 1) % WRITE_BEHIND_BUFS;
            wb->count--;
        }
        if (wb->producer_waits) {
            g_cond_broadcast(&wb->written);
        }
    }
    g_mutex_unlock(&wb->lock);
    return NULL;
}

WriteBehind *write_behind_new(const char *thread_name, WriteBehindSink *sink,
                              void *opaque)
{
    WriteBehind *wb = g_new0(WriteBehind, 1);

    wb->sink = sink;
    wb->opaque = opaque;
    g_mutex_init(&wb->lock);
    g_cond_init(&wb->queued);
    g_cond_init(&wb->written);
    for (int i = 0; i < WRITE_BEHIND_BUFS; i++) {
        wb->bufs[i].data = g_malloc(WRITE_BEHIND_BUF_SIZE);
    }
    wb->thread = g_thread_new(thread_name, wb_thread, wb);
    return wb;
}

/* Under lock: wait for a free slot; NULL with errp set if pushes fail. */
static WriteBehindBuf *wb_free_slot(WriteBehind *wb, GError **errp)
{
    while (wb_usable(wb, NULL) && wb->count == WRITE_BEHIND_BUFS) {
        wb->producer_waits = true;
        g_cond_wait(&wb->written, &wb->lock);
        wb->producer_waits = false;
    }
    if (!wb_usable(wb, errp)) {
        return NULL;
    }
    return &wb->bufs[(wb->head + wb->count) % WRITE_BEHIND_BUFS];
}

bool write_behind_push(WriteBehind *wb, const struct iovec *iov, int iovcnt,
                       GError **errp)
{
    WriteBehindBuf *b = NULL;
    int i = 0;
    size_t off = 0;             /* into iov[i] */

    for (;;) {
        /* Skip what is done (and empty elements). */
        while (i < iovcnt && off == iov[i].iov_len) {
            i++;
            off = 0;
        }
        if (b && (i == iovcnt || b->len == WRITE_BEHIND_BUF_SIZE)) {
            g_mutex_lock(&wb->lock);
            if (wb->cancelled || wb->err) {
                /* The slot we filled was never queued: leave it. */
                bool ok = wb_usable(wb, errp);

                g_mutex_unlock(&wb->lock);
                return ok;
            }
            wb->count++;
            if (wb->writer_waits) {
                g_cond_signal(&wb->queued);
            }
            g_mutex_unlock(&wb->lock);
            b = NULL;
        }
        if (i == iovcnt) {
            return true;
        }
        if (!b) {
            g_mutex_lock(&wb->lock);
            b = wb_free_slot(wb, errp);
            g_mutex_unlock(&wb->lock);
            if (!b) {
                return false;
            }
            b->len = 0;
        }
        /* The copy runs without the lock: the slot is ours alone. */
        size_t n = MIN(iov[i].iov_len - off, WRITE_BEHIND_BUF_SIZE - b->len);

        memcpy(b->data + b->len, (const guint8 *)iov[i].iov_base + off, n);
        b->len += n;
        off += n;
    }
}

bool write_behind_drain(WriteBehind *wb, GError **errp)
{
    bool ok;

    g_mutex_lock(&wb->lock);
    while (wb_usable(wb, NULL) && wb->count) {
        wb->producer_waits = true;
        g_cond_wait(&wb->written, &wb->lock);
        wb->producer_waits = false;
    }
    ok = wb_usable(wb, errp);
    g_mutex_unlock(&wb->lock);
    return ok;
}

void write_behind_cancel(WriteBehind *wb)
{
    g_mutex_lock(&wb->lock);
    wb->cancelled = true;
    g_cond_broadcast(&wb->queued);
    g_cond_broadcast(&wb->written);
    g_mutex_unlock(&wb->lock);
}

bool write_behind_busy(WriteBehind *wb)
{
    bool busy;

    g_mutex_lock(&wb->lock);
    busy = wb->count > 0;
    g_mutex_unlock(&wb->lock);
    return busy;
}

void write_behind_free(WriteBehind *wb)
{
    if (!wb) {
        return;
    }
    g_mutex_lock(&wb->lock);
    wb->stopping = true;
    g_cond_broadcast(&wb->queued);
    g_mutex_unlock(&wb->lock);
    g_thread_join(wb->thread);
    for (int i = 0; i < WRITE_BEHIND_BUFS; i++) {
        g_free(wb->bufs[i].data);
    }
    g_clear_error(&wb->err);
    g_cond_clear(&wb->queued);
    g_cond_clear(&wb->written);
    g_mutex_clear(&wb->lock);
    g_free(wb);
}

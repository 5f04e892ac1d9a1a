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
    unsigned nbufs;
    size_t buf_size;
    struct iovec *iov;          /* writer thread: what one sink call gets */
    WriteBehindBuf *open;       /* producer: filling, not yet queued */

    GMutex lock;
    GCond queued;               /* writer waits: a buffer came, or stop */
    GCond written;              /* producer waits: a slot is free, or done */
    WriteBehindBuf *bufs;       /* nbufs of them */
    unsigned head, count;
    GError *err;                /* the sink's first error (sticky) */
    bool cancelled;
    bool stopping;
    /* Who sleeps: a GCond signal is a futex call (and a wake-up of the
     * other CPU) even with nobody waiting, once per buffer each way. */
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
        GError *err = NULL;
        unsigned n;
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
        /* Everything queued in one call (one writev for a socket). */
        n = wb->count;
        for (unsigned i = 0; i < n; i++) {
            WriteBehindBuf *b = &wb->bufs[(wb->head + i) % wb->nbufs];

            wb->iov[i] = (struct iovec) { .iov_base = b->data,
                                          .iov_len = b->len };
        }
        g_mutex_unlock(&wb->lock);

        ok = wb->sink(wb->opaque, wb->iov, n, &err);

        g_mutex_lock(&wb->lock);
        if (!ok) {
            if (!wb->err) {
                wb->err = err;
                err = NULL;
            }
            g_clear_error(&err);
            continue;           /* drops the rest, above */
        }
        if (wb->cancelled) {
            continue;           /* dropped above */
        }
        /* Only this thread lowers count, so the n slots are still ours. */
        wb->head = (wb->head + n) % wb->nbufs;
        wb->count -= n;
        if (wb->producer_waits) {
            g_cond_broadcast(&wb->written);
        }
    }
    g_mutex_unlock(&wb->lock);
    return NULL;
}

WriteBehind *write_behind_new_sized(const char *thread_name, unsigned nbufs,
                                    size_t buf_size, WriteBehindSink *sink,
                                    void *opaque)
{
    WriteBehind *wb = g_new0(WriteBehind, 1);

    g_assert(nbufs > 0 && buf_size > 0);
    wb->sink = sink;
    wb->opaque = opaque;
    wb->nbufs = nbufs;
    wb->buf_size = buf_size;
    g_mutex_init(&wb->lock);
    g_cond_init(&wb->queued);
    g_cond_init(&wb->written);
    wb->bufs = g_new0(WriteBehindBuf, nbufs);
    wb->iov = g_new0(struct iovec, nbufs);
    for (unsigned i = 0; i < nbufs; i++) {
        wb->bufs[i].data = g_malloc(buf_size);
    }
    wb->thread = g_thread_new(thread_name, wb_thread, wb);
    return wb;
}

WriteBehind *write_behind_new(const char *thread_name, WriteBehindSink *sink,
                              void *opaque)
{
    return write_behind_new_sized(thread_name, WRITE_BEHIND_BUFS,
                                  WRITE_BEHIND_BUF_SIZE, sink, opaque);
}

/* Under lock: wait for a free slot; NULL with errp set if pushes fail. */
static WriteBehindBuf *wb_free_slot(WriteBehind *wb, GError **errp)
{
    while (wb_usable(wb, NULL) && wb->count == wb->nbufs) {
        wb->producer_waits = true;
        g_cond_wait(&wb->written, &wb->lock);
        wb->producer_waits = false;
    }
    if (!wb_usable(wb, errp)) {
        return NULL;
    }
    return &wb->bufs[(wb->head + wb->count) % wb->nbufs];
}

/* Under lock: queue the open buffer; false with errp set (and the buffer
 * forgotten: it was never queued) if pushes fail now. */
static bool wb_queue_open(WriteBehind *wb, GError **errp)
{
    if (!wb_usable(wb, errp)) {
        wb->open = NULL;
        return false;
    }
    wb->open = NULL;
    wb->count++;
    if (wb->writer_waits) {
        g_cond_signal(&wb->queued);
    }
    return true;
}

bool write_behind_append(WriteBehind *wb, const struct iovec *iov, int iovcnt,
                         GError **errp)
{
    int i = 0;
    size_t off = 0;             /* into iov[i] */

    for (;;) {
        WriteBehindBuf *b = wb->open;
        bool ok;

        /* Skip what is done (and empty elements). */
        while (i < iovcnt && off == iov[i].iov_len) {
            i++;
            off = 0;
        }
        if (i == iovcnt) {
            return true;
        }
        if (b && b->len == wb->buf_size) {
            g_mutex_lock(&wb->lock);
            ok = wb_queue_open(wb, errp);
            g_mutex_unlock(&wb->lock);
            if (!ok) {
                return false;
            }
            b = NULL;
        }
        if (!b) {
            g_mutex_lock(&wb->lock);
            b = wb_free_slot(wb, errp);
            g_mutex_unlock(&wb->lock);
            if (!b) {
                return false;
            }
            b->len = 0;
            wb->open = b;
        }
        /* The copy runs without the lock: the slot is ours alone. */
        size_t n = MIN(iov[i].iov_len - off, wb->buf_size - b->len);

        memcpy(b->data + b->len, (const guint8 *)iov[i].iov_base + off, n);
        b->len += n;
        off += n;
    }
}

bool write_behind_kick(WriteBehind *wb, GError **errp)
{
    bool ok;

    if (!wb->open) {
        return true;
    }
    g_mutex_lock(&wb->lock);
    ok = wb_queue_open(wb, errp);
    g_mutex_unlock(&wb->lock);
    return ok;
}

bool write_behind_push(WriteBehind *wb, const struct iovec *iov, int iovcnt,
                       GError **errp)
{
    return write_behind_append(wb, iov, iovcnt, errp) &&
           write_behind_kick(wb, errp);
}

bool write_behind_drain(WriteBehind *wb, GError **errp)
{
    bool ok;

    if (!write_behind_kick(wb, errp)) {
        return false;
    }
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

void write_behind_fail(WriteBehind *wb, const GError *err)
{
    g_mutex_lock(&wb->lock);
    if (!wb->err) {
        wb->err = g_error_copy(err);
    }
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
    for (unsigned i = 0; i < wb->nbufs; i++) {
        g_free(wb->bufs[i].data);
    }
    g_free(wb->bufs);
    g_free(wb->iov);
    g_clear_error(&wb->err);
    g_cond_clear(&wb->queued);
    g_cond_clear(&wb->written);
    g_mutex_clear(&wb->lock);
    g_free(wb);
}

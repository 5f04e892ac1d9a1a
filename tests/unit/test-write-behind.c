/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the write-behind queue (migration/write-behind.c): bytes
 * reach the sink complete and in order, in buffers no larger than
 * WRITE_BEHIND_BUF_SIZE; drain waits for the sink; a sink failure and a
 * cancel reach the producer, also while it waits for a free buffer.
 * Every wait is bounded by a deadline.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/write-behind.h"

#define DEADLINE_US (60 * G_USEC_PER_SEC)

typedef struct Sink {
    GMutex lock;
    GCond cond;
    GByteArray *got;
    size_t calls;
    size_t fail_after;          /* fail the call after this many bytes; 0 */
    bool hold;                  /* block each call until released */
    bool in_call;
    int max_iov;                /* the queue's shape: 0 = the defaults */
    size_t max_len;
    size_t short_bufs;          /* buffers handed over not full */
} Sink;

static uint8_t pattern_byte(size_t off)
{
    return (uint8_t)((off * 2654435761u) >> 13);
}

static bool sink_write(void *opaque, const struct iovec *iov, int iovcnt,
                       GError **errp)
{
    Sink *s = opaque;
    bool ok = true;

    g_assert_cmpint(iovcnt, >, 0);
    g_assert_cmpint(iovcnt, <=, s->max_iov ? s->max_iov : WRITE_BEHIND_BUFS);
    g_mutex_lock(&s->lock);
    s->in_call = true;
    g_cond_broadcast(&s->cond);
    while (s->hold) {
        g_cond_wait(&s->cond, &s->lock);
    }
    s->in_call = false;
    for (int i = 0; ok && i < iovcnt; i++) {
        size_t len = iov[i].iov_len;

        g_assert_cmpuint(len, >, 0);
        g_assert_cmpuint(len, <=,
                         s->max_len ? s->max_len : WRITE_BEHIND_BUF_SIZE);
        if (s->max_len && len < s->max_len) {
            s->short_bufs++;
        }
        if (s->fail_after && s->got->len + len > s->fail_after) {
            error_setg(errp, "test sink refuses byte %zu", s->fail_after);
            ok = false;
        } else {
            g_byte_array_append(s->got, iov[i].iov_base, len);
        }
    }
    if (ok) {
        s->calls++;
    }
    g_mutex_unlock(&s->lock);
    return ok;
}

static void sink_init(Sink *s)
{
    memset(s, 0, sizeof(*s));
    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);
    s->got = g_byte_array_new();
}

static void sink_release(Sink *s)
{
    g_mutex_lock(&s->lock);
    s->hold = false;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
}

static void sink_wait_in_call(Sink *s)
{
    gint64 end = g_get_monotonic_time() + DEADLINE_US;

    g_mutex_lock(&s->lock);
    while (!s->in_call) {
        g_assert_true(g_cond_wait_until(&s->cond, &s->lock, end));
    }
    g_mutex_unlock(&s->lock);
}

static void sink_clear(Sink *s)
{
    g_byte_array_unref(s->got);
    g_cond_clear(&s->cond);
    g_mutex_clear(&s->lock);
}

/* Ragged pushes of 3 MiB and a bit: everything arrives, in order. */
static void test_order(void)
{
    static const size_t pieces[] = { 1, 4096, 300001, 7, 262144, 65536 };
    const size_t total = 3 * 1024 * 1024 + 17;
    g_autofree uint8_t *src = g_malloc(total);
    GError *err = NULL;
    WriteBehind *wb;
    size_t off = 0;
    unsigned k = 0;
    Sink s;

    for (size_t i = 0; i < total; i++) {
        src[i] = pattern_byte(i);
    }
    sink_init(&s);
    wb = write_behind_new("test-wb", sink_write, &s);
    while (off < total) {
        struct iovec iov[2];
        size_t a = MIN(pieces[k++ % G_N_ELEMENTS(pieces)], total - off);
        size_t b = MIN(pieces[k++ % G_N_ELEMENTS(pieces)], total - off - a);

        iov[0] = (struct iovec) { .iov_base = src + off, .iov_len = a };
        iov[1] = (struct iovec) { .iov_base = src + off + a, .iov_len = b };
        g_assert_true(write_behind_push(wb, iov, 2, &err));
        g_assert_no_error(err);
        off += a + b;
    }
    g_assert_true(write_behind_drain(wb, &err));
    g_assert_no_error(err);
    /* Drained: the sink has it all, nothing is pending. */
    g_assert_false(write_behind_busy(wb));
    g_assert_cmpmem(s.got->data, s.got->len, src, total);
    write_behind_free(wb);
    sink_clear(&s);
}

/* The push copies: the producer's memory may change once it returns. */
static void test_copies(void)
{
    uint8_t buf[100];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    GError *err = NULL;
    WriteBehind *wb;
    Sink s;

    sink_init(&s);
    s.hold = true;
    wb = write_behind_new("test-wb", sink_write, &s);
    memset(buf, 0xaa, sizeof(buf));
    g_assert_true(write_behind_push(wb, &iov, 1, &err));
    memset(buf, 0x55, sizeof(buf));
    g_assert_true(write_behind_busy(wb));
    sink_release(&s);
    g_assert_true(write_behind_drain(wb, &err));
    g_assert_cmpuint(s.got->len, ==, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++) {
        g_assert_cmpuint(s.got->data[i], ==, 0xaa);
    }
    write_behind_free(wb);
    sink_clear(&s);
}

typedef struct Producer {
    WriteBehind *wb;
    size_t len;
    bool ok;
    GError *err;
} Producer;

/* Push len bytes in 64 KiB pieces, then drain. */
static gpointer producer_run(gpointer opaque)
{
    Producer *p = opaque;
    g_autofree uint8_t *buf = g_malloc0(64 * 1024);
    struct iovec iov = { .iov_base = buf, .iov_len = 64 * 1024 };

    for (size_t off = 0; off < p->len; off += iov.iov_len) {
        if (!write_behind_push(p->wb, &iov, 1, &p->err)) {
            return NULL;
        }
    }
    p->ok = write_behind_drain(p->wb, &p->err);
    return NULL;
}

/* A failing sink: the producer hears its message (push or drain). */
static void test_sink_error(void)
{
    Producer p = { .len = 8 * 1024 * 1024 };
    GThread *th;
    Sink s;

    sink_init(&s);
    s.fail_after = 1024 * 1024;
    p.wb = write_behind_new("test-wb", sink_write, &s);
    th = g_thread_new("producer", producer_run, &p);
    g_thread_join(th);
    g_assert_false(p.ok);
    g_assert_error(p.err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(p.err->message, ==, "test sink refuses byte 1048576");
    g_clear_error(&p.err);
    g_assert_cmpuint(s.got->len, <=, 1024 * 1024);
    write_behind_free(p.wb);
    sink_clear(&s);
}

/* A producer waiting for a free buffer behind a stuck sink is woken by
 * cancel; later pushes fail at once. */
static void test_cancel_wakes_producer(void)
{
    Producer p = { .len = 64 * 1024 * 1024 };
    struct iovec iov = { .iov_base = (void *)"x", .iov_len = 1 };
    GError *err = NULL;
    GThread *th;
    Sink s;

    sink_init(&s);
    s.hold = true;
    p.wb = write_behind_new("test-wb", sink_write, &s);
    th = g_thread_new("producer", producer_run, &p);
    /* The sink is stuck in its first call; the producer fills the queue
     * (64 MiB never fit) and waits, whenever the cancel comes. */
    sink_wait_in_call(&s);
    write_behind_cancel(p.wb);
    g_thread_join(th);
    g_assert_false(p.ok);
    g_assert_cmpstr(p.err->message, ==, "write-behind queue was cancelled");
    g_clear_error(&p.err);
    g_assert_false(write_behind_push(p.wb, &iov, 1, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    sink_release(&s);
    write_behind_free(p.wb);
    sink_clear(&s);
}

/*
 * Appends (TLS records into the sender queue) fill whole buffers of a
 * small queue and keep the last one open until a kick; everything
 * arrives, in order, through the bounded queue.
 */
static void test_append_kick(void)
{
    const size_t total = 200 * 1000 + 3;
    g_autofree uint8_t *src = g_malloc(total);
    uint8_t one = 0x42;
    struct iovec iov1 = { .iov_base = &one, .iov_len = 1 };
    GError *err = NULL;
    WriteBehind *wb;
    size_t off = 0;
    unsigned k = 0;
    Sink s;

    for (size_t i = 0; i < total; i++) {
        src[i] = pattern_byte(i);
    }
    sink_init(&s);
    s.max_iov = 3;
    s.max_len = 1000;
    wb = write_behind_new_sized("test-wb", 3, 1000, sink_write, &s);

    /* One byte appended stays in the open buffer: nothing is queued. */
    g_assert_true(write_behind_append(wb, &iov1, 1, &err));
    g_assert_false(write_behind_busy(wb));
    g_assert_true(write_behind_kick(wb, &err));
    g_assert_true(write_behind_drain(wb, &err));
    g_assert_cmpuint(s.got->len, ==, 1);
    g_assert_cmpuint(s.got->data[0], ==, 0x42);
    g_byte_array_set_size(s.got, 0);
    s.short_bufs = 0;

    while (off < total) {
        /* Record-like pieces: a header and a body of varying size. */
        size_t a = MIN(5, total - off);
        size_t body = 1 + (k++ * 7919) % 1500;
        size_t b = MIN(body, total - off - a);
        struct iovec iov[2] = {
            { .iov_base = src + off, .iov_len = a },
            { .iov_base = src + off + a, .iov_len = b },
        };

        g_assert_true(write_behind_append(wb, iov, 2, &err));
        g_assert_no_error(err);
        off += a + b;
    }
    g_assert_true(write_behind_drain(wb, &err));
    g_assert_no_error(err);
    g_assert_false(write_behind_busy(wb));
    g_assert_cmpmem(s.got->data, s.got->len, src, total);
    /* Only the drained tail went out less than full. */
    g_assert_cmpuint(s.short_bufs, ==, 1);
    write_behind_free(wb);
    sink_clear(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/write-behind/order", test_order);
    g_test_add_func("/migration/write-behind/copies", test_copies);
    g_test_add_func("/migration/write-behind/append-kick", test_append_kick);
    g_test_add_func("/migration/write-behind/sink-error", test_sink_error);
    g_test_add_func("/migration/write-behind/cancel-wakes-producer",
                    test_cancel_wakes_producer);
    return g_test_run();
}

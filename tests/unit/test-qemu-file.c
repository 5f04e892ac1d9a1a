/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMUFile and MigChannel: round trips over sockets, pipes and memory,
 * zero-copy async puts, sticky errors, EOF, cancel from another thread,
 * rate limiting and the return path.
 */
#include "qemu/osdep.h"

#include <sys/socket.h>

#include "migration/channel.h"
#include "migration/qemu-file.h"

#define DEADLINE_US (10 * G_USEC_PER_SEC)

typedef struct Pair {
    MigChannel *a, *b;
} Pair;

static Pair make_socketpair(void)
{
    int sv[2];
    Pair p;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    p.a = mig_channel_new_fd(sv[0], "sock-a");
    p.b = mig_channel_new_fd(sv[1], "sock-b");
    g_assert_true(p.a->is_socket);
    return p;
}

/* a = write end, b = read end */
static Pair make_pipe(void)
{
    int fds[2];
    Pair p;

    g_assert_cmpint(pipe(fds), ==, 0);
    p.a = mig_channel_new_fd(fds[1], "pipe-w");
    p.b = mig_channel_new_fd(fds[0], "pipe-r");
    g_assert_false(p.a->is_socket);
    return p;
}

/* ---- a thread that runs one function, with a deadline to join ---- */

typedef struct Job {
    GMutex lock;
    GCond cond;
    bool done;
    void (*fn)(void *);
    void *arg;
    GThread *thread;
} Job;

static gpointer job_main(gpointer opaque)
{
    Job *j = opaque;

    j->fn(j->arg);
    g_mutex_lock(&j->lock);
    j->done = true;
    g_cond_signal(&j->cond);
    g_mutex_unlock(&j->lock);
    return NULL;
}

static void job_start(Job *j, void (*fn)(void *), void *arg)
{
    g_mutex_init(&j->lock);
    g_cond_init(&j->cond);
    j->done = false;
    j->fn = fn;
    j->arg = arg;
    j->thread = g_thread_new("job", job_main, j);
}

/* True if the job finished before the deadline. */
static bool job_wait(Job *j, gint64 timeout_us)
{
    gint64 end = g_get_monotonic_time() + timeout_us;
    bool done;

    g_mutex_lock(&j->lock);
    while (!j->done && g_cond_wait_until(&j->cond, &j->lock, end)) {
    }
    done = j->done;
    g_mutex_unlock(&j->lock);
    return done;
}

static void job_join(Job *j)
{
    g_assert_true(job_wait(j, DEADLINE_US));
    g_thread_join(j->thread);
    g_mutex_clear(&j->lock);
    g_cond_clear(&j->cond);
}

/* ---- round trips ---- */

#define BIG (256 * 1024)

typedef struct WriterArg {
    MigChannel *ch;
    uint8_t *big;
    bool drop_channel;          /* unref ch when done: EOF for the peer */
} WriterArg;

static void write_sample(void *opaque)
{
    WriterArg *w = opaque;
    QEMUFile *f = qemu_file_new_output(w->ch);

    qemu_put_byte(f, 0xab);
    qemu_put_be16(f, 0x1234);
    qemu_put_be32(f, 0xdeadbeef);
    qemu_put_be64(f, 0x0102030405060708ULL);
    qemu_put_counted_string(f, "cr16.ram");
    qemu_put_buffer_async(f, w->big, BIG);
    qemu_put_buffer(f, w->big, 1000);
    for (int i = 0; i < 200; i++) {
        /* Many small async pieces: exercises the iovec-full flush. */
        qemu_put_buffer_async(f, w->big + i * 16, 8);
        qemu_put_byte(f, i);
    }
    g_assert_cmpuint(qemu_file_transferred(f), ==,
                     1 + 2 + 4 + 8 + 9 + BIG + 1000 + 200 * 9);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    if (w->drop_channel) {
        mig_channel_unref(w->ch);
    }
}

static void read_sample(MigChannel *ch, const uint8_t *big)
{
    QEMUFile *f = qemu_file_new_input(ch);
    g_autofree uint8_t *got = g_malloc(BIG);
    char name[256];
    uint8_t piece[8];

    g_assert_cmpint(qemu_peek_byte(f, 0), ==, 0xab);
    g_assert_cmpint(qemu_peek_byte(f, 1), ==, 0x12);
    g_assert_cmphex(qemu_get_byte(f), ==, 0xab);
    g_assert_cmphex(qemu_get_be16(f), ==, 0x1234);
    g_assert_cmphex(qemu_get_be32(f), ==, 0xdeadbeef);
    g_assert_cmphex(qemu_get_be64(f), ==, 0x0102030405060708ULL);
    g_assert_cmpint(qemu_get_counted_string(f, name), ==, 8);
    g_assert_cmpstr(name, ==, "cr16.ram");
    g_assert_cmpuint(qemu_get_buffer(f, got, BIG), ==, BIG);
    g_assert_cmpmem(got, BIG, big, BIG);
    qemu_file_skip(f, 1000);
    for (int i = 0; i < 200; i++) {
        uint8_t *p = piece;

        g_assert_cmpuint(qemu_get_buffer_in_place(f, &p, 8), ==, 8);
        g_assert_cmpmem(p, 8, big + i * 16, 8);
        g_assert_cmpint(qemu_get_byte(f), ==, i);
    }
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    g_assert_cmpuint(qemu_file_transferred(f), ==,
                     1 + 2 + 4 + 8 + 9 + BIG + 1000 + 200 * 9);
    /* The writer closed: the stream ends exactly here. */
    g_assert_cmpint(qemu_peek_byte(f, 0), ==, -1);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
}

static uint8_t *sample_data(void)
{
    uint8_t *big = g_malloc(BIG);

    for (size_t i = 0; i < BIG; i++) {
        big[i] = (uint8_t)(i * 7 + (i >> 9));
    }
    return big;
}

static void test_round_trip_socket(void)
{
    Pair p = make_socketpair();

    /* The writer drops the last reference to its end when done, which
     * closes the fd: the reader then sees EOF right after the data. */
    g_autofree uint8_t *big = sample_data();
    WriterArg w = { .ch = p.a, .big = big, .drop_channel = true };
    Job j;

    job_start(&j, write_sample, &w);
    read_sample(p.b, big);
    job_join(&j);
    mig_channel_unref(p.b);
}

static void test_round_trip_pipe(void)
{
    Pair p = make_pipe();
    g_autofree uint8_t *big = sample_data();
    WriterArg w = { .ch = p.a, .big = big };
    Job j;

    /* The pipe holds far less than BIG: the writer blocks until the
     * reader drains it. */
    job_start(&j, write_sample, &w);
    {
        QEMUFile *f = qemu_file_new_input(p.b);
        g_autofree uint8_t *got = g_malloc(BIG);

        g_assert_cmphex(qemu_get_byte(f), ==, 0xab);
        qemu_file_skip(f, 2 + 4 + 8 + 9);
        g_assert_cmpuint(qemu_get_buffer(f, got, BIG), ==, BIG);
        g_assert_cmpmem(got, BIG, big, BIG);
        qemu_file_skip(f, 1000 + 200 * 9);
        g_assert_cmpint(qemu_file_get_error(f), ==, 0);
        job_join(&j);
        mig_channel_unref(p.a);
        g_assert_cmpint(qemu_peek_byte(f, 0), ==, -1);
        qemu_fclose(f);
    }
    mig_channel_unref(p.b);
}

static void test_round_trip_mem(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "mem");
    g_autofree uint8_t *big = sample_data();
    WriterArg w = { .ch = ch, .big = big };
    g_autoptr(GBytes) bytes = NULL;
    MigChannel *in;

    write_sample(&w);
    bytes = mig_channel_mem_get_bytes(ch);
    g_assert_cmpuint(g_bytes_get_size(bytes), ==,
                     1 + 2 + 4 + 8 + 9 + BIG + 1000 + 200 * 9);
    in = mig_channel_new_mem(g_bytes_get_data(bytes, NULL),
                             g_bytes_get_size(bytes), "mem-in");
    read_sample(in, big);
    mig_channel_unref(in);
    mig_channel_unref(ch);
}

static void test_async_not_copied(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "mem");
    QEMUFile *f = qemu_file_new_output(ch);
    uint8_t page[64];
    g_autoptr(GBytes) bytes = NULL;
    const uint8_t *d;

    memset(page, 0x11, sizeof(page));
    qemu_put_byte(f, 0xee);
    qemu_put_buffer_async(f, page, sizeof(page));
    qemu_put_byte(f, 0xff);
    /* Queued by reference: a change before the flush is what goes out. */
    memset(page, 0x22, sizeof(page));
    qemu_fflush(f);
    bytes = mig_channel_mem_get_bytes(ch);
    d = g_bytes_get_data(bytes, NULL);
    g_assert_cmpuint(g_bytes_get_size(bytes), ==, 66);
    g_assert_cmphex(d[0], ==, 0xee);
    for (int i = 1; i <= 64; i++) {
        g_assert_cmphex(d[i], ==, 0x22);
    }
    g_assert_cmphex(d[65], ==, 0xff);
    /* Copied puts are not affected by later changes. */
    qemu_put_buffer(f, page, 4);
    memset(page, 0x33, sizeof(page));
    qemu_fflush(f);
    g_bytes_unref(bytes);
    bytes = mig_channel_mem_get_bytes(ch);
    g_assert_cmphex(((const uint8_t *)g_bytes_get_data(bytes, NULL))[66],
                    ==, 0x22);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    mig_channel_unref(ch);
}

static void test_sticky_error(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "mem");
    QEMUFile *f = qemu_file_new_output(ch);
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) bytes = NULL;

    qemu_put_be32(f, 1);
    qemu_file_set_error_obj(f, -EINVAL,
                            g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_FAILED, "first"));
    qemu_file_set_error_obj(f, -EPIPE,
                            g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_FAILED, "second"));
    qemu_file_set_error(f, -ENOSPC);
    qemu_put_be32(f, 2);
    qemu_fflush(f);
    g_assert_cmpint(qemu_file_get_error_obj(f, &err), ==, -EINVAL);
    g_assert_cmpstr(err->message, ==, "first");
    /* Nothing reached the channel after the error. */
    bytes = mig_channel_mem_get_bytes(ch);
    g_assert_cmpuint(g_bytes_get_size(bytes), ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, -EINVAL);

    /* Counted strings over 255 bytes are refused, not truncated. */
    f = qemu_file_new_output(ch);
    {
        g_autofree char *longname = g_strnfill(256, 'x');
        g_autoptr(GError) e2 = NULL;

        qemu_put_counted_string(f, longname);
        g_assert_cmpint(qemu_file_get_error_obj(f, &e2), ==, -EINVAL);
        g_assert_nonnull(strstr(e2->message, "longer than 255"));
    }
    qemu_fclose(f);
    mig_channel_unref(ch);
}

static void test_eof_mid_value(void)
{
    static const uint8_t two[] = { 0x12, 0x34 };
    MigChannel *ch = mig_channel_new_mem(two, sizeof(two), "eof-test");
    QEMUFile *f = qemu_file_new_input(ch);
    g_autoptr(GError) err = NULL;

    g_assert_cmphex(qemu_get_be32(f), ==, 0);
    g_assert_cmpint(qemu_file_get_error_obj(f, &err), ==, -EIO);
    g_assert_cmpstr(err->message, ==, "eof-test: unexpected end of stream");
    /* Sticky: later reads return zeros without touching the channel. */
    g_assert_cmphex(qemu_get_byte(f), ==, 0);
    g_assert_cmpint(qemu_peek_byte(f, 0), ==, -1);
    g_assert_cmpint(qemu_fclose(f), ==, -EIO);
    mig_channel_unref(ch);

    /* A large direct read that runs out reports the same way. */
    ch = mig_channel_new_mem(two, sizeof(two), "eof-big");
    f = qemu_file_new_input(ch);
    {
        g_autofree uint8_t *buf = g_malloc(100000);

        g_assert_cmphex(qemu_get_byte(f), ==, 0x12);
        g_assert_cmphex(qemu_get_byte(f), ==, 0x34);
        g_assert_cmpuint(qemu_get_buffer(f, buf, 100000), <, 100000);
        g_assert_cmpint(qemu_file_get_error(f), ==, -EIO);
    }
    qemu_fclose(f);
    mig_channel_unref(ch);
}

/* ---- reads not yet buffered go straight to the caller's memory ---- */

/* A memory channel that hands out at most `chunk` bytes per readv and
 * records where each call's first element pointed. */
typedef struct SpyChannel {
    MigChannel *inner;
    size_t chunk;
    int calls;
    void *first_base[16];
    int first_cnt[16];
} SpyChannel;

static ssize_t spy_readv(MigChannel *ch, const struct iovec *iov, int iovcnt,
                         GError **errp)
{
    SpyChannel *s = ch->opaque;
    struct iovec v[8];
    size_t left = s->chunk;
    int n = 0;

    g_assert_cmpint(iovcnt, <=, 8);
    if (s->calls < 16) {
        s->first_base[s->calls] = iov[0].iov_base;
        s->first_cnt[s->calls] = iovcnt;
    }
    s->calls++;
    for (int i = 0; i < iovcnt && left; i++) {
        v[n] = iov[i];
        v[n].iov_len = MIN(v[n].iov_len, left);
        left -= v[n++].iov_len;
    }
    return mig_channel_readv(s->inner, v, n, errp);
}

static void spy_close(MigChannel *ch)
{
    SpyChannel *s = ch->opaque;

    mig_channel_unref(s->inner);
}

static const MigChannelOps spy_ops = {
    .readv = spy_readv,
    .close = spy_close,
};

static void test_direct_read(void)
{
    enum { PAGE = 4096 };
    g_autofree uint8_t *stream = g_malloc(3 * (8 + PAGE));
    g_autofree uint8_t *page = g_malloc(PAGE);
    SpyChannel spy = { .chunk = 6000 };
    g_autoptr(GError) err = NULL;
    MigChannel *ch;
    QEMUFile *f;

    /* Three records: an 8-byte header, then a page of data. */
    for (int r = 0; r < 3; r++) {
        uint8_t *rec = stream + r * (8 + PAGE);

        for (int i = 0; i < 8; i++) {
            rec[i] = 0xa0 + r;
        }
        for (int i = 0; i < PAGE; i++) {
            rec[8 + i] = (uint8_t)(i * 7 + r);
        }
    }
    spy.inner = mig_channel_new_mem(stream, 3 * (8 + PAGE) - 100, "inner");
    ch = mig_channel_new(&spy_ops, "spy", &spy);
    f = qemu_file_new_input(ch);

    /* Header 0: the buffer is empty, so the first readv points at the
     * header's destination and reads ahead into the buffer. */
    g_assert_cmphex(qemu_get_be64(f), ==, 0xa0a0a0a0a0a0a0a0ULL);
    g_assert_cmpint(spy.calls, ==, 1);
    g_assert_cmpint(spy.first_cnt[0], ==, 2);
    /* Page 0 came with it: copied from the buffer, no new read. */
    g_assert_cmpuint(qemu_get_buffer(f, page, PAGE), ==, PAGE);
    g_assert_cmpint(spy.calls, ==, 1);
    g_assert_cmpmem(page, PAGE, stream + 8, PAGE);
    /* Header 1 and 1888 bytes of page 1 are buffered; the rest of page
     * 1 is read straight into it: the readv's first element is inside
     * the caller's page, the second the buffer (header 2 and beyond). */
    g_assert_cmphex(qemu_get_be64(f), ==, 0xa1a1a1a1a1a1a1a1ULL);
    memset(page, 0, PAGE);
    g_assert_cmpuint(qemu_get_buffer(f, page, PAGE), ==, PAGE);
    g_assert_cmpint(spy.calls, ==, 2);
    g_assert_cmpint(spy.first_cnt[1], ==, 2);
    g_assert_true(spy.first_base[1] == page + 1888);
    g_assert_cmpmem(page, PAGE, stream + (8 + PAGE) + 8, PAGE);
    g_assert_cmphex(qemu_get_be64(f), ==, 0xa2a2a2a2a2a2a2a2ULL);
    g_assert_cmpint(spy.calls, ==, 2);
    g_assert_cmpuint(qemu_file_transferred(f), ==, 3 * 8 + 2 * PAGE);
    /* Page 2 is 100 bytes short: the read fails, stickily, and the
     * counter holds the bytes that did arrive. */
    g_assert_cmpuint(qemu_get_buffer(f, page, PAGE), ==, PAGE - 100);
    g_assert_cmpint(qemu_file_get_error_obj(f, &err), ==, -EIO);
    g_assert_cmpstr(err->message, ==, "spy: unexpected end of stream");
    g_assert_cmpmem(page, PAGE - 100, stream + 2 * (8 + PAGE) + 8,
                    PAGE - 100);
    /* 3784 bytes came from the buffer, 212 straight, then the end. */
    g_assert_cmpint(spy.calls, ==, 4);
    g_assert_true(spy.first_base[2] == page + 3784);
    g_assert_cmpuint(qemu_file_transferred(f), ==, 3 * 8 + 3 * PAGE - 100);
    g_assert_cmpint(qemu_fclose(f), ==, -EIO);
    mig_channel_unref(ch);
}

/* ---- cancel: shutdown from another thread wakes a blocked peer ---- */

typedef struct BlockArg {
    QEMUFile *f;
    int error;
} BlockArg;

static void blocked_read(void *opaque)
{
    BlockArg *b = opaque;

    qemu_get_be32(b->f);
    b->error = qemu_file_get_error(b->f);
}

static void blocked_write(void *opaque)
{
    BlockArg *b = opaque;
    g_autofree uint8_t *chunk = g_malloc0(65536);

    /* Nobody reads: the channel fills and the write blocks. */
    for (int i = 0; i < 1000 && !qemu_file_get_error(b->f); i++) {
        qemu_put_buffer(b->f, chunk, 65536);
        qemu_fflush(b->f);
    }
    b->error = qemu_file_get_error(b->f);
}

static void check_cancel(Pair p, bool reader)
{
    QEMUFile *f = reader ? qemu_file_new_input(p.b)
                         : qemu_file_new_output(p.a);
    BlockArg b = { .f = f };
    Job j;

    job_start(&j, reader ? blocked_read : blocked_write, &b);
    /* Still blocked after a while: there is nothing to read / no room. */
    g_assert_false(job_wait(&j, 100 * 1000));
    qemu_file_shutdown(f);
    job_join(&j);
    g_assert_cmpint(b.error, ==, -EIO);
    {
        g_autoptr(GError) err = NULL;

        qemu_file_get_error_obj(f, &err);
        g_assert_nonnull(strstr(err->message, "shut down"));
    }
    qemu_fclose(f);
    mig_channel_unref(p.a);
    mig_channel_unref(p.b);
}

static void test_cancel_reader_pipe(void)
{
    check_cancel(make_pipe(), true);
}

static void test_cancel_writer_pipe(void)
{
    check_cancel(make_pipe(), false);
}

static void test_cancel_reader_socket(void)
{
    check_cancel(make_socketpair(), true);
}

static void test_cancel_writer_socket(void)
{
    check_cancel(make_socketpair(), false);
}

/* ---- ready without waiting ---- */

/* qemu_file_ready never waits: it answers from the buffer, reads ahead
 * what the socket has now, and says false when more must come. */
static void test_ready_never_waits(void)
{
    Pair p = make_socketpair();
    QEMUFile *w = qemu_file_new_output(p.a);
    QEMUFile *r = qemu_file_new_input(p.b);
    uint8_t buf[6000];
    gint64 t0 = g_get_monotonic_time();

    /* The files hold the channels: closing w closes its fd (EOF). */
    mig_channel_unref(p.a);
    mig_channel_unref(p.b);
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(i * 13);
    }
    /* Nothing sent: not ready, at once. */
    g_assert_false(qemu_file_ready(r, 8));
    qemu_put_buffer(w, buf, 100);
    qemu_fflush(w);
    g_assert_true(qemu_file_ready(r, 8));
    g_assert_true(qemu_file_ready(r, 100));
    g_assert_false(qemu_file_ready(r, 101));
    /* What was read ahead is still there to get, in order. */
    g_assert_cmpuint(qemu_get_byte(r), ==, buf[0]);
    g_assert_false(qemu_file_ready(r, 100));
    qemu_put_buffer(w, buf + 100, sizeof(buf) - 100);
    qemu_fflush(w);
    g_assert_true(qemu_file_ready(r, sizeof(buf) - 1));
    for (size_t i = 1; i < sizeof(buf); i++) {
        g_assert_cmpuint(qemu_get_byte(r), ==, buf[i]);
    }
    g_assert_false(qemu_file_ready(r, 1));
    /* End of stream: not ready, no error (the next read reports it). */
    qemu_fclose(w);
    g_assert_false(qemu_file_ready(r, 1));
    g_assert_cmpint(qemu_file_get_error(r), ==, 0);
    /* None of it waited (a wait would be for bytes that never come). */
    g_assert_cmpint(g_get_monotonic_time() - t0, <, DEADLINE_US);
    qemu_fclose(r);
}

/* ---- rate limiting ---- */

static void test_rate_limit(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "mem");
    QEMUFile *f = qemu_file_new_output(ch);
    uint8_t buf[100] = { 0 };
    gint64 t0;

    g_assert_cmpuint(qemu_file_get_rate_limit(f), ==, 0);
    qemu_put_buffer(f, buf, sizeof(buf));
    g_assert_false(qemu_file_rate_limit_exceeded(f));

    /* 1000 B/s: 100 bytes per 100 ms window. A huge window budget would
     * make the test depend on timing; here the first check after the
     * set may fall into a fresh window, so start one explicitly. */
    qemu_file_set_rate_limit(f, 1000);
    g_assert_cmpuint(qemu_file_get_rate_limit(f), ==, 1000);
    /* The checks below hold within one window; each is asserted only
     * when the clock shows the window cannot have ended yet (80 ms of
     * margin), so a slow machine skips rather than fails them. */
    for (int attempt = 0; attempt < 20; attempt++) {
        bool e1, e2;
        gint64 t1, t2;

        qemu_file_rate_limit_wait(f);       /* start at a window edge */
        g_assert_false(qemu_file_rate_limit_exceeded(f));
        t0 = g_get_monotonic_time();
        qemu_put_buffer(f, buf, 60);
        qemu_put_buffer_async(f, buf, 39);
        e1 = qemu_file_rate_limit_exceeded(f);
        t1 = g_get_monotonic_time();
        qemu_put_byte(f, 1);
        e2 = qemu_file_rate_limit_exceeded(f);
        t2 = g_get_monotonic_time();
        if (t2 - t0 < 80 * 1000) {
            g_assert_false(e1);
            g_assert_true(e2);
            break;
        }
        (void)t1;
    }
    /* Bytes beyond a window's budget are owed by the next window: 250
     * bytes in one window keep the next one exhausted too (asserted only
     * when no third window can have started meanwhile). */
    for (int attempt = 0; attempt < 20; attempt++) {
        bool e1, e2;
        gint64 t1;

        qemu_file_rate_limit_wait(f);
        qemu_file_rate_limit_wait(f);       /* debt of the loop above paid */
        t0 = g_get_monotonic_time();
        qemu_put_buffer(f, buf, 100);
        qemu_put_buffer(f, buf, 100);
        qemu_put_buffer(f, buf, 50);
        qemu_file_rate_limit_wait(f);       /* 250 - 100: still over */
        e1 = qemu_file_rate_limit_exceeded(f);
        qemu_file_rate_limit_wait(f);       /* 150 - 100: under */
        e2 = qemu_file_rate_limit_exceeded(f);
        t1 = g_get_monotonic_time();
        if (t1 - t0 < 290 * 1000) {
            g_assert_true(e1);
            g_assert_false(e2);
            break;
        }
    }
    /* The wait ends when the window does; then the budget is fresh. */
    t0 = g_get_monotonic_time();
    qemu_file_rate_limit_wait(f);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
    /* A fresh window has a fresh budget. */
    g_assert_false(qemu_file_rate_limit_exceeded(f));

    /* Unlimited again. */
    qemu_file_set_rate_limit(f, 0);
    for (int i = 0; i < 100; i++) {
        qemu_put_buffer(f, buf, sizeof(buf));
    }
    g_assert_false(qemu_file_rate_limit_exceeded(f));

    /* An errored file tells its producer to stop. */
    qemu_file_set_error(f, -EIO);
    g_assert_true(qemu_file_rate_limit_exceeded(f));
    qemu_fclose(f);
    mig_channel_unref(ch);
}

static void rate_wait_fn(void *opaque)
{
    QEMUFile *f = opaque;

    for (int i = 0; i < 1000; i++) {
        qemu_file_rate_limit_wait(f);
        if (qemu_file_get_error(f)) {
            return;
        }
    }
}

static void test_rate_limit_wait_shutdown(void)
{
    Pair p = make_socketpair();
    QEMUFile *f = qemu_file_new_output(p.a);
    Job j;

    /* 1000 waits of 100 ms would take 100 s; shutdown ends them now. */
    qemu_file_set_rate_limit(f, 10);
    job_start(&j, rate_wait_fn, f);
    g_assert_false(job_wait(&j, 150 * 1000));
    qemu_file_shutdown(f);
    job_join(&j);
    qemu_fclose(f);
    mig_channel_unref(p.a);
    mig_channel_unref(p.b);
}

/* ---- return path ---- */

static void test_return_path(void)
{
    Pair p = make_socketpair();
    QEMUFile *src = qemu_file_new_output(p.a);
    QEMUFile *dst = qemu_file_new_input(p.b);
    QEMUFile *src_rp = qemu_file_get_return_path(src);
    QEMUFile *dst_rp = qemu_file_get_return_path(dst);
    Pair pp = make_pipe();
    QEMUFile *pf = qemu_file_new_output(pp.a);

    g_assert_nonnull(src_rp);
    g_assert_nonnull(dst_rp);
    g_assert_false(qemu_file_is_writable(src_rp));
    g_assert_true(qemu_file_is_writable(dst_rp));

    qemu_put_be32(src, 0x51455653);
    qemu_fflush(src);
    g_assert_cmphex(qemu_get_be32(dst), ==, 0x51455653);
    qemu_put_be16(dst_rp, 2);
    qemu_put_be32(dst_rp, 0x42);
    qemu_fflush(dst_rp);
    g_assert_cmpint(qemu_get_be16(src_rp), ==, 2);
    g_assert_cmpint(qemu_get_be32(src_rp), ==, 0x42);

    /* Shutting down the main direction leaves the return path alone. */
    qemu_file_shutdown(dst);
    qemu_put_byte(dst_rp, 7);
    qemu_fflush(dst_rp);
    g_assert_cmpint(qemu_get_byte(src_rp), ==, 7);
    g_assert_cmpint(qemu_file_get_error(src_rp), ==, 0);

    /* One-way channels have none. */
    g_assert_null(qemu_file_get_return_path(pf));

    qemu_fclose(src_rp);
    qemu_fclose(dst_rp);
    qemu_fclose(src);
    qemu_fclose(dst);
    qemu_fclose(pf);
    mig_channel_unref(p.a);
    mig_channel_unref(p.b);
    mig_channel_unref(pp.a);
    mig_channel_unref(pp.b);
}

static void test_regular_file(void)
{
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    int fd = g_file_open_tmp("qemu-file-XXXXXX", &path, &err);
    MigChannel *ch;
    QEMUFile *f;

    g_assert_cmpint(fd, >=, 0);
    ch = mig_channel_new_fd(fd, "file");
    g_assert_true(ch->is_seekable);
    f = qemu_file_new_output(ch);
    qemu_put_be64(f, 0x1122334455667788ULL);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);
    f = qemu_file_new_input(ch);
    g_assert_cmphex(qemu_get_be64(f), ==, 0x1122334455667788ULL);
    g_assert_null(qemu_file_get_return_path(f));
    qemu_get_byte(f);
    g_assert_cmpint(qemu_fclose(f), ==, -EIO);
    mig_channel_unref(ch);
    unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/qemu-file/round-trip/socket", test_round_trip_socket);
    g_test_add_func("/qemu-file/round-trip/pipe", test_round_trip_pipe);
    g_test_add_func("/qemu-file/round-trip/mem", test_round_trip_mem);
    g_test_add_func("/qemu-file/round-trip/regular-file", test_regular_file);
    g_test_add_func("/qemu-file/async-not-copied", test_async_not_copied);
    g_test_add_func("/qemu-file/sticky-error", test_sticky_error);
    g_test_add_func("/qemu-file/eof-mid-value", test_eof_mid_value);
    g_test_add_func("/qemu-file/ready-never-waits", test_ready_never_waits);
    g_test_add_func("/qemu-file/direct-read", test_direct_read);
    g_test_add_func("/qemu-file/cancel/reader-pipe", test_cancel_reader_pipe);
    g_test_add_func("/qemu-file/cancel/writer-pipe", test_cancel_writer_pipe);
    g_test_add_func("/qemu-file/cancel/reader-socket",
                    test_cancel_reader_socket);
    g_test_add_func("/qemu-file/cancel/writer-socket",
                    test_cancel_writer_socket);
    g_test_add_func("/qemu-file/rate-limit", test_rate_limit);
    g_test_add_func("/qemu-file/rate-limit/wait-shutdown",
                    test_rate_limit_wait_shutdown);
    g_test_add_func("/qemu-file/return-path", test_return_path);
    return g_test_run();
}

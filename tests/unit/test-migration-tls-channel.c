/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the TLS migration channel's I/O (migration/tls.c): MiB of
 * data both ways at once on one session, close_notify versus a cut stream
 * (strict and relaxed), shutdown waking a blocked read or a handshake;
 * the same with the client sending through its writer thread
 * (migration_tls_channel_start_writer), its sender thread
 * (migration_tls_channel_start_sender), both (the main channel) or the
 * sender alone (multifd), also with a tiny ciphertext queue: flush,
 * bye and shutdown must behave as a synchronous write's, and a failed
 * socket write must reach the writing side with the socket's reason.
 * Long runs of memory are encrypted as full records where they lie.
 * PSK sessions over socketpairs (tls-channel-harness.c), every wait
 * bounded by a deadline.
 *
 * `-m perf` adds /migration/tls/perf/encrypt-aes-gcm: TLS record
 * encryption with AES-128-GCM on one core, for `make bench`.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "tls-pki-helper.h"
#include "tls-channel-harness.h"

#define PSK_KEY "009d5638c40fde0c"

static char *pki_root;

/* ---- data ---- */

/* Byte `off` of stream `seed`: computable anywhere, no period of 2^n. */
static uint8_t pattern_byte(uint64_t off, uint32_t seed)
{
    uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ull ^ seed;

    return (uint8_t)(x >> 29);
}

typedef struct Stream {
    MigChannel *ch;
    uint32_t seed;
    size_t len;
    bool bye;                   /* writer: close_notify at the end */
    bool ok;
    char *error;                /* first failure */
    GThread *thread;
} Stream;

/* Write len pattern bytes in ragged iovecs (1 B to ~300 KiB pieces). */
static gpointer stream_write(gpointer opaque)
{
    static const size_t pieces[] = { 1, 7, 4096, 65539, 300001, 16384, 3 };
    Stream *s = opaque;
    g_autofree uint8_t *buf = g_malloc(400000);
    GError *err = NULL;
    size_t off = 0;
    unsigned k = 0;

    while (off < s->len) {
        struct iovec iov[3];
        size_t used = 0;
        int n = 0;

        for (; n < 3 && off + used < s->len; n++, k++) {
            size_t len = MIN(pieces[k % G_N_ELEMENTS(pieces)],
                             s->len - off - used);

            /* Pieces sit at separate places of buf. */
            iov[n].iov_base = buf + n * 133333;
            iov[n].iov_len = MIN(len, 133333);
            for (size_t i = 0; i < iov[n].iov_len; i++) {
                ((uint8_t *)iov[n].iov_base)[i] =
                    pattern_byte(off + used + i, s->seed);
            }
            used += iov[n].iov_len;
        }
        if (!mig_channel_writev_all(s->ch, iov, n, &err)) {
            s->error = g_strdup(err->message);
            g_error_free(err);
            return NULL;
        }
        off += used;
    }
    if (s->bye && !migration_tls_channel_bye(s->ch, &err)) {
        s->error = g_strdup(err->message);
        g_error_free(err);
        return NULL;
    }
    s->ok = true;
    return NULL;
}

/* Read and check len pattern bytes, in ragged two-element iovecs. */
static gpointer stream_read(gpointer opaque)
{
    Stream *s = opaque;
    g_autofree uint8_t *buf = g_malloc(2 * 70000);
    size_t off = 0;
    unsigned k = 0;

    while (off < s->len) {
        size_t a = 1 + (k * 7919) % 70000, b = 1 + (k * 104729) % 70000;
        struct iovec iov[2] = {
            { .iov_base = buf, .iov_len = a },
            { .iov_base = buf + 70000, .iov_len = b },
        };
        GError *err = NULL;
        ssize_t n;

        k++;
        n = mig_channel_readv(s->ch, iov, 2, &err);
        if (n <= 0) {
            s->error = n < 0 ? g_strdup(err->message)
                             : g_strdup_printf("EOF after %zu bytes", off);
            g_clear_error(&err);
            return NULL;
        }
        g_assert_cmpuint(off + n, <=, s->len);
        for (ssize_t i = 0; i < n; i++) {
            uint8_t got = i < (ssize_t)a ? buf[i] : buf[70000 + i - a];

            if (got != pattern_byte(off + i, s->seed)) {
                s->error = g_strdup_printf("byte %zu differs", off + i);
                return NULL;
            }
        }
        off += n;
    }
    s->ok = true;
    return NULL;
}

static void stream_start(Stream *s, bool writer)
{
    s->thread = g_thread_new(writer ? "writer" : "reader",
                             writer ? stream_write : stream_read, s);
}

static void stream_assert_ok(Stream *s, const char *what)
{
    if (!s->ok) {
        g_error("%s: %s", what, s->error ? s->error : "did not finish");
    }
    g_free(s->error);
}

static void psk_pair(TlsPair *p)
{
    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
                   NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
                   NULL);
    tls_pair_run(p, "pskc", NULL, "psks", NULL);
    tls_assert_side_ok(&p->client);
    tls_assert_side_ok(&p->server);
}

static void psk_pair_free(TlsPair *p)
{
    tls_pair_free(p);
    tls_obj_del("pskc");
    tls_obj_del("psks");
}

/* Several MiB each way at the same time: one session, one thread reading
 * while another writes on each side (like the main channel and its
 * return path). */

static void test_round_trip(void)
{
    const size_t len = 6 * 1024 * 1024 + 12345;
    Stream c2s_w, c2s_r, s2c_w, s2c_r;
    TlsWatch w;
    GThread *wt;
    TlsPair p;

    psk_pair(&p);
    c2s_w = (Stream) { .ch = p.client.tls, .seed = 1, .len = len };
    c2s_r = (Stream) { .ch = p.server.tls, .seed = 1, .len = len };
    s2c_w = (Stream) { .ch = p.server.tls, .seed = 2, .len = len };
    s2c_r = (Stream) { .ch = p.client.tls, .seed = 2, .len = len };
    wt = tls_watch_start(&w, p.client.tls, p.server.tls);
    stream_start(&c2s_r, false);
    stream_start(&s2c_r, false);
    stream_start(&c2s_w, true);
    stream_start(&s2c_w, true);
    g_thread_join(c2s_w.thread);
    g_thread_join(s2c_w.thread);
    g_thread_join(c2s_r.thread);
    g_thread_join(s2c_r.thread);
    tls_watch_end(&w, wt);
    stream_assert_ok(&c2s_w, "client writer");
    stream_assert_ok(&s2c_w, "server writer");
    stream_assert_ok(&c2s_r, "server reader");
    stream_assert_ok(&s2c_r, "client reader");
    psk_pair_free(&p);
}

/* Read one byte more than was sent: what happens at the end? */
static void read_past_end(MigChannel *ch, ssize_t *n, GError **errp)
{
    char c;
    struct iovec iov = { .iov_base = &c, .iov_len = 1 };

    *n = mig_channel_readv(ch, &iov, 1, errp);
}

/* Send len bytes, then end the client side as `how` says. */
static void send_and_end(TlsPair *p, size_t len, bool bye)
{
    Stream wr = { .ch = p->client.tls, .seed = 3, .len = len, .bye = bye };
    Stream rd = { .ch = p->server.tls, .seed = 3, .len = len };
    TlsWatch w;
    GThread *wt = tls_watch_start(&w, p->client.tls, p->server.tls);

    stream_start(&rd, false);
    stream_start(&wr, true);
    g_thread_join(wr.thread);
    if (!bye) {
        /* Cut the connection under the TLS session. */
        mig_channel_shutdown(p->client.raw, MIG_CHANNEL_SHUTDOWN_WRITE);
    }
    g_thread_join(rd.thread);
    tls_watch_end(&w, wt);
    stream_assert_ok(&wr, "writer");
    stream_assert_ok(&rd, "reader");
}

static void test_close_notify(void)
{
    GError *err = NULL;
    ssize_t n;
    TlsPair p;

    psk_pair(&p);
    send_and_end(&p, 1024 * 1024, true);
    /* All data arrived; then a clean end of stream. */
    read_past_end(p.server.tls, &n, &err);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 0);
    /* After close_notify the client cannot write, but still reads. */
    g_assert_false(mig_channel_write_all(p.client.tls, "x", 1, &err));
    g_assert_nonnull(strstr(err->message, "close_notify sent"));
    g_clear_error(&err);
    g_assert_true(mig_channel_write_all(p.server.tls, "late", 4, &err));
    {
        char buf[4];

        g_assert_true(mig_channel_read_all(p.client.tls, buf, 4, &err));
        g_assert_no_error(err);
        g_assert_cmpmem(buf, 4, "late", 4);
    }
    psk_pair_free(&p);
}

static void test_truncated(void)
{
    GError *err = NULL;
    ssize_t n;
    TlsPair p;

    /* No close_notify: the end is an error, never a silent EOF. */
    psk_pair(&p);
    send_and_end(&p, 1024 * 1024, false);
    read_past_end(p.server.tls, &n, &err);
    g_assert_cmpint(n, ==, -1);
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, "Cannot read from TLS channel: "
                    "The TLS connection was non-properly terminated.");
    g_clear_error(&err);
    psk_pair_free(&p);

    /* Relaxed (multifd-clean-tls-termination off): a plain EOF. */
    psk_pair(&p);
    migration_tls_channel_set_relaxed_eof(p.server.tls, true);
    send_and_end(&p, 100000, false);
    read_past_end(p.server.tls, &n, &err);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 0);
    psk_pair_free(&p);
}

typedef struct BlockedRead {
    MigChannel *ch;
    ssize_t n;
    GError *err;
} BlockedRead;

static gpointer blocked_read(gpointer opaque)
{
    BlockedRead *b = opaque;

    read_past_end(b->ch, &b->n, &b->err);
    return NULL;
}

static void test_shutdown_wakes_reader(void)
{
    BlockedRead b = { 0 };
    GThread *t;
    TlsWatch w;
    GThread *wt;
    TlsPair p;

    psk_pair(&p);
    wt = tls_watch_start(&w, p.client.tls, p.server.tls);
    /* Nothing is ever sent: the read blocks until the shutdown, which
     * may also come first; either way the read must fail with it. */
    b.ch = p.server.tls;
    t = g_thread_new("reader", blocked_read, &b);
    mig_channel_shutdown(p.server.tls, MIG_CHANNEL_SHUTDOWN_BOTH);
    g_thread_join(t);
    tls_watch_end(&w, wt);
    g_assert_cmpint(b.n, ==, -1);
    g_assert_nonnull(b.err);
    g_assert_cmpstr(b.err->message, ==,
                    "migration-tls-incoming: channel was shut down while "
                    "reading");
    g_clear_error(&b.err);
    /* Writes fail as well. */
    g_assert_false(mig_channel_write_all(p.server.tls, "x", 1, &b.err));
    g_assert_nonnull(strstr(b.err->message, "shut down while writing"));
    g_clear_error(&b.err);
    psk_pair_free(&p);
}

/* How the client sends in the writer/ and sender/ cases. */
typedef struct SendMode {
    bool writer;                /* encrypt on a writer thread */
    bool sender;                /* write the socket on a sender thread */
    unsigned nbufs;             /* the sender's queue: 0, 0 = defaults */
    size_t buf_size;
} SendMode;

static const SendMode mode_writer = { .writer = true };
static const SendMode mode_pipeline = { .writer = true, .sender = true };
static const SendMode mode_sender = { .sender = true };
/* Two buffers of 1000 bytes: every record straddles buffers, and the
 * encrypting thread waits for the sender all the time. */
static const SendMode mode_small = { .sender = true, .nbufs = 2,
                                     .buf_size = 1000 };
static const SendMode mode_small_pipeline = {
    .writer = true, .sender = true, .nbufs = 2, .buf_size = 1000 };

static void client_start(TlsPair *p, const SendMode *m)
{
    if (m->writer) {
        migration_tls_channel_start_writer(p->client.tls);
    }
    if (m->sender) {
        migration_tls_channel_start_sender(p->client.tls, "test-sender",
                                           m->nbufs, m->buf_size);
    }
}

/* The writer thread: MiB each way at once, then close_notify after the
 * last queued byte (bye drains the queue first), then a clean EOF. */
static void test_writer_round_trip(gconstpointer data)
{
    const size_t len = 6 * 1024 * 1024 + 54321;
    Stream c2s_w, c2s_r, s2c_w, s2c_r;
    GError *err = NULL;
    TlsWatch w;
    GThread *wt;
    ssize_t n;
    TlsPair p;

    psk_pair(&p);
    client_start(&p, data);
    c2s_w = (Stream) { .ch = p.client.tls, .seed = 4, .len = len,
                       .bye = true };
    c2s_r = (Stream) { .ch = p.server.tls, .seed = 4, .len = len };
    s2c_w = (Stream) { .ch = p.server.tls, .seed = 5, .len = len };
    s2c_r = (Stream) { .ch = p.client.tls, .seed = 5, .len = len };
    wt = tls_watch_start(&w, p.client.tls, p.server.tls);
    stream_start(&c2s_r, false);
    stream_start(&s2c_r, false);
    stream_start(&c2s_w, true);
    stream_start(&s2c_w, true);
    g_thread_join(c2s_w.thread);
    g_thread_join(s2c_w.thread);
    g_thread_join(c2s_r.thread);
    g_thread_join(s2c_r.thread);
    read_past_end(p.server.tls, &n, &err);
    tls_watch_end(&w, wt);
    stream_assert_ok(&c2s_w, "client writer");
    stream_assert_ok(&s2c_w, "server writer");
    stream_assert_ok(&c2s_r, "server reader");
    stream_assert_ok(&s2c_r, "client reader");
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 0);
    psk_pair_free(&p);
}

/* A flush reports what the writer thread could not send. */
static void test_writer_flush_reports_error(gconstpointer data)
{
    static uint8_t buf[64 * 1024];
    GError *err = NULL;
    TlsPair p;

    psk_pair(&p);
    client_start(&p, data);
    /* The connection under the session breaks: the writer thread's send
     * fails, though the write itself only queued the bytes. */
    mig_channel_shutdown(p.client.raw, MIG_CHANNEL_SHUTDOWN_WRITE);
    for (int i = 0; i < 4096 && !err; i++) {
        if (mig_channel_write_all(p.client.tls, buf, sizeof(buf), &err)) {
            mig_channel_flush(p.client.tls, &err);
        }
    }
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==,
                    "Cannot write to TLS channel: test-client-raw: channel "
                    "was shut down while writing");
    g_clear_error(&err);
    psk_pair_free(&p);
}

typedef struct BlockedWrite {
    MigChannel *ch;
    bool ok;
    GError *err;
} BlockedWrite;

/* 256 MiB and a flush: far more than the queue and the socket buffers
 * hold while nobody reads. */
static gpointer blocked_write(gpointer opaque)
{
    BlockedWrite *b = opaque;
    g_autofree uint8_t *buf = g_malloc0(1024 * 1024);

    for (int i = 0; i < 256; i++) {
        if (!mig_channel_write_all(b->ch, buf, 1024 * 1024, &b->err)) {
            return NULL;
        }
    }
    b->ok = mig_channel_flush(b->ch, &b->err);
    return NULL;
}

/* A writer blocked behind a peer that does not read is woken by a
 * shutdown of the TLS channel, with the shutdown's message. */
static void test_writer_shutdown_wakes_writer(gconstpointer data)
{
    BlockedWrite b = { 0 };
    GThread *t;
    TlsWatch w;
    GThread *wt;
    TlsPair p;

    psk_pair(&p);
    client_start(&p, data);
    wt = tls_watch_start(&w, p.client.tls, p.server.tls);
    b.ch = p.client.tls;
    t = g_thread_new("blocked-writer", blocked_write, &b);
    /* Whenever this comes (before, during or after the queue filled up)
     * the 256 MiB cannot all have been written. */
    mig_channel_shutdown(p.client.tls, MIG_CHANNEL_SHUTDOWN_WRITE);
    g_thread_join(t);
    tls_watch_end(&w, wt);
    g_assert_false(b.ok);
    g_assert_nonnull(b.err);
    g_assert_cmpstr(b.err->message, ==,
                    "migration-tls-outgoing: channel was shut down while "
                    "writing");
    g_clear_error(&b.err);
    psk_pair_free(&p);
}

/*
 * The peer hangs up: the sender thread's socket write fails (EPIPE), and
 * the encrypting side hears it with the socket's reason -- from a write
 * or a flush, and again from every later one (the error is sticky).
 */
static void test_sender_error_propagates(gconstpointer data)
{
    static uint8_t buf[64 * 1024];
    const char *want = "Cannot write to TLS channel: test-client-raw: "
                       "write failed: Broken pipe";
    GError *err = NULL;
    TlsPair p;

    psk_pair(&p);
    client_start(&p, data);
    mig_channel_shutdown(p.server.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    for (int i = 0; i < 4096 && !err; i++) {
        if (mig_channel_write_all(p.client.tls, buf, sizeof(buf), &err)) {
            mig_channel_flush(p.client.tls, &err);
        }
    }
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, want);
    g_clear_error(&err);
    g_assert_false(mig_channel_write_all(p.client.tls, buf, 1, &err));
    g_assert_cmpstr(err->message, ==, want);
    g_clear_error(&err);
    g_assert_false(mig_channel_flush(p.client.tls, &err));
    g_assert_cmpstr(err->message, ==, want);
    g_clear_error(&err);
    g_assert_false(migration_tls_channel_bye(p.client.tls, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    psk_pair_free(&p);
}

/*
 * Flush means on the socket: once it returns, cutting the connection
 * under the session loses nothing -- the reader gets every byte, then
 * the cut (no close_notify was sent).
 */
static void test_sender_flush_is_sent(gconstpointer data)
{
    const size_t len = 40000;
    Stream rd = { .seed = 6, .len = len };
    Stream wr = { .seed = 6, .len = len };
    GError *err = NULL;
    ssize_t n;
    TlsPair p;

    psk_pair(&p);
    client_start(&p, data);
    wr.ch = p.client.tls;
    rd.ch = p.server.tls;
    /* 40000 bytes fit the socket buffers even in 1000-byte writes (each
     * costs an skb): nobody needs to read yet. */
    stream_write(&wr);
    stream_assert_ok(&wr, "writer");
    g_assert_true(mig_channel_flush(p.client.tls, &err));
    g_assert_no_error(err);
    mig_channel_shutdown(p.client.raw, MIG_CHANNEL_SHUTDOWN_WRITE);
    stream_read(&rd);
    stream_assert_ok(&rd, "reader");
    read_past_end(p.server.tls, &n, &err);
    g_assert_cmpint(n, ==, -1);
    g_assert_cmpstr(err->message, ==, "Cannot read from TLS channel: "
                    "The TLS connection was non-properly terminated.");
    g_clear_error(&err);
    psk_pair_free(&p);
}

static void test_shutdown_cancels_handshake(void)
{
    TlsSide server;
    TlsPair p;
    GThread *t;

    /* A server whose client never speaks, cancelled from outside. */
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
                   NULL);
    tls_pair_init(&p);
    server = p.server;
    server.settings = (MigTLSSettings) { .creds_id = "psks" };
    t = g_thread_new("tls-server", tls_side_run, &server);
    mig_channel_shutdown(server.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    g_thread_join(t);
    g_assert_null(server.tls);
    tls_assert_err_prefix(&server,
                          "TLS handshake failed: test-server-raw: "
                          "channel was shut down while reading");
    g_clear_error(&server.err);
    tls_pair_free(&p);
    tls_obj_del("psks");
}

/* ---- record boundaries ---- */

/* The plaintext length of the next application-data record on raw
 * (5-byte header, then the record's body), given the per-record
 * overhead. */
static size_t next_record(MigChannel *raw, size_t overhead)
{
    uint8_t hdr[5];
    g_autofree uint8_t *body = NULL;
    GError *err = NULL;
    size_t len;

    g_assert_true(mig_channel_read_all(raw, hdr, sizeof(hdr), &err));
    g_assert_no_error(err);
    g_assert_cmpuint(hdr[0], ==, 23);       /* application_data */
    len = (size_t)hdr[3] << 8 | hdr[4];
    body = g_malloc(len);
    g_assert_true(mig_channel_read_all(raw, body, len, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(len, >=, overhead);
    return len - overhead;
}

/*
 * A multifd packet is a small header and then pages that lie back to
 * back in guest memory. The pages must go out as full records encrypted
 * where they are (the header alone in a short record before them), not
 * shifted by the header into a staging copy; small pieces after the run
 * share one record.
 */
static void test_records_follow_runs(void)
{
    const size_t head = 1344, page = 4096, pages = 16, tail = 100;
    g_autofree uint8_t *hbuf = g_malloc0(head);
    g_autofree uint8_t *ram = g_malloc0(pages * page + tail);
    uint8_t trailer[7] = { 0 };
    struct iovec iov[2 + 16 + 1];
    unsigned n = 0;
    GError *err = NULL;
    size_t first, overhead;
    TlsPair p;

    psk_pair(&p);
    iov[n++] = (struct iovec){ hbuf, head };
    for (size_t i = 0; i < pages; i++) {
        iov[n++] = (struct iovec){ ram + i * page, page };
    }
    iov[n++] = (struct iovec){ ram + pages * page, tail };
    iov[n++] = (struct iovec){ trailer, sizeof(trailer) };
    g_assert_true(mig_channel_writev_all(p.client.tls, iov, n, &err));
    g_assert_no_error(err);

    /* The overhead (content type and tag, or explicit nonce and tag) is
     * what the second record carries beyond a full record's 16 KiB. */
    first = next_record(p.server.raw, 0);
    overhead = next_record(p.server.raw, 16384);
    g_assert_cmpuint(first, ==, head + overhead);
    for (int i = 0; i < 3; i++) {
        g_assert_cmpuint(next_record(p.server.raw, overhead), ==, 16384);
    }
    g_assert_cmpuint(next_record(p.server.raw, overhead), ==,
                     tail + sizeof(trailer));
    psk_pair_free(&p);
}

/* ---- benchmark (-m perf) ---- */

static gpointer drain_raw(gpointer opaque)
{
    MigChannel *raw = opaque;
    g_autofree uint8_t *buf = g_malloc(1 << 20);
    struct iovec iov = { .iov_base = buf, .iov_len = 1 << 20 };

    while (mig_channel_readv(raw, &iov, 1, NULL) > 0) {
        /* discard */
    }
    return NULL;
}

/*
 * TLS record encryption on one core: the client encrypts and writes; the
 * server side only drains the ciphertext from the socket (no
 * decryption), so the writer's rate is GnuTLS's AES-GCM record rate plus
 * one socket copy.
 */
static void test_perf_encrypt(void)
{
    const size_t total = 512u << 20, chunk = 1 << 20;
    g_autofree uint8_t *buf = g_malloc(chunk);
    GError *err = NULL;
    GThread *drain;
    gint64 t0, t1;
    double mib_s;
    TlsPair p;

    memset(buf, 0x5a, chunk);
    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
                   "priority", "NORMAL:-CIPHER-ALL:+AES-128-GCM", NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
                   "priority", "NORMAL:-CIPHER-ALL:+AES-128-GCM", NULL);
    tls_pair_run(&p, "pskc", NULL, "psks", NULL);
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    drain = g_thread_new("drain", drain_raw, p.server.raw);
    t0 = g_get_monotonic_time();
    for (size_t done = 0; done < total; done += chunk) {
        g_assert_true(mig_channel_write_all(p.client.tls, buf, chunk, &err));
    }
    t1 = g_get_monotonic_time();
    mig_channel_shutdown(p.client.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    g_thread_join(drain);
    g_assert_no_error(err);
    mib_s = (double)(total >> 20) / ((t1 - t0) / 1e6);
    g_test_minimized_result(mib_s, "tls-aes128gcm-encrypt %.1f MiB/s", mib_s);
    g_test_message("tls-aes128gcm-encrypt: %.1f MiB/s (%zu MiB in %.3f s)",
                   mib_s, total >> 20, (t1 - t0) / 1e6);
    tls_pair_free(&p);
    tls_obj_del("pskc");
    tls_obj_del("psks");
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        const SendMode *mode;
    } modes[] = {
        { "writer", &mode_writer },
        { "writer+sender", &mode_pipeline },
        { "sender", &mode_sender },
        { "sender-small", &mode_small },
        { "writer+sender-small", &mode_small_pipeline },
    };
    int ret;

    g_test_init(&argc, &argv, NULL);
    pki_root = tls_test_tmpdir("test-migration-tls-channel");
    tls_obj_dir_root = pki_root;
    g_free(tls_test_psk_dir(pki_root, "psk", "qemu:" PSK_KEY "\n"));

    g_test_add_func("/migration/tls/channel/round-trip", test_round_trip);
    g_test_add_func("/migration/tls/channel/close-notify", test_close_notify);
    g_test_add_func("/migration/tls/channel/truncated", test_truncated);
    g_test_add_func("/migration/tls/channel/shutdown-wakes-reader",
                    test_shutdown_wakes_reader);
    g_test_add_func("/migration/tls/channel/shutdown-cancels-handshake",
                    test_shutdown_cancels_handshake);
    g_test_add_func("/migration/tls/channel/records-follow-runs",
                    test_records_follow_runs);
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        g_autofree char *rt = g_strdup_printf(
            "/migration/tls/channel/%s/round-trip", modes[i].name);
        g_autofree char *fe = g_strdup_printf(
            "/migration/tls/channel/%s/flush-reports-error", modes[i].name);
        g_autofree char *sd = g_strdup_printf(
            "/migration/tls/channel/%s/shutdown-wakes-writer", modes[i].name);

        g_test_add_data_func(rt, modes[i].mode, test_writer_round_trip);
        g_test_add_data_func(fe, modes[i].mode,
                             test_writer_flush_reports_error);
        g_test_add_data_func(sd, modes[i].mode,
                             test_writer_shutdown_wakes_writer);
        if (modes[i].mode->sender) {
            g_autofree char *ep = g_strdup_printf(
                "/migration/tls/channel/%s/error-propagates", modes[i].name);
            g_autofree char *fs = g_strdup_printf(
                "/migration/tls/channel/%s/flush-is-sent", modes[i].name);

            g_test_add_data_func(ep, modes[i].mode,
                                 test_sender_error_propagates);
            g_test_add_data_func(fs, modes[i].mode,
                                 test_sender_flush_is_sent);
        }
    }
    if (g_test_perf()) {
        g_test_add_func("/migration/tls/perf/encrypt-aes-gcm",
                        test_perf_encrypt);
    }
    ret = g_test_run();
    tls_test_rm_tree(pki_root);
    g_free(pki_root);
    return ret;
}

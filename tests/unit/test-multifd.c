/*
 * Multifd sender and receiver threads over real socketpairs: RAM blocks'
 * pages sent through N channels (with and without compression and
 * zero-page detection) land in separate destination blocks; the bytes a
 * sender writes; the sync holds later pages back until the main channel
 * releases it; a channel cut mid-transfer or a cancel fails both sides
 * with an error and no hang; hostile packets are rejected by name.
 *
 * Source and destination blocks live in one process, so their names
 * differ; the sets map them to the same wire names ("cr16.ram",
 * "mig.mem") through their block_name/find_block hooks.
 */
#include "qemu/osdep.h"

#include <sys/socket.h>

#include "migration/multifd.h"
#include "qapi/error.h"

#define PAGE TARGET_PAGE_SIZE
#define NR_BLOCKS 2
#define MAX_CHANNELS 4

static const char *const wire_names[NR_BLOCKS] = { "cr16.ram", "mig.mem" };
static unsigned block_serial;

/* ---- watchdog: a hang fails the test instead of the suite timeout ---- */

static GMutex wd_lock;
static GCond wd_cond;
static bool wd_done;
static GThread *wd_thread;

static gpointer watchdog(gpointer opaque)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_TIME_SPAN_SECOND;

    g_mutex_lock(&wd_lock);
    while (!wd_done) {
        if (!g_cond_wait_until(&wd_cond, &wd_lock, deadline)) {
            g_error("%s: no progress for 60 s (hang)", (char *)opaque);
        }
    }
    g_mutex_unlock(&wd_lock);
    return NULL;
}

static void watchdog_start(void)
{
    wd_done = false;
    wd_thread = g_thread_new("watchdog", watchdog,
                             (gpointer)g_test_get_path());
}

static void watchdog_stop(void)
{
    g_mutex_lock(&wd_lock);
    wd_done = true;
    g_cond_signal(&wd_cond);
    g_mutex_unlock(&wd_lock);
    g_thread_join(wd_thread);
}

/* Poll cond(opaque) until it holds; the watchdog bounds the wait. */
static void wait_for(bool (*cond)(void *), void *opaque)
{
    while (!cond(opaque)) {
        g_usleep(1000);
    }
}

/* ---- environment ---- */

typedef struct Env {
    unsigned n;
    uint64_t pages[NR_BLOCKS];
    RAMBlock *src[NR_BLOCKS];
    RAMBlock *dst[NR_BLOCKS];
    int src_fd[MAX_CHANNELS];
    int dst_fd[MAX_CHANNELS];
    MultiFDSend *send;
    MultiFDRecv *recv;
} Env;

static const char *env_block_name(RAMBlock *rb, void *opaque)
{
    Env *e = opaque;

    for (int i = 0; i < NR_BLOCKS; i++) {
        if (e->src[i] == rb) {
            return wire_names[i];
        }
    }
    g_assert_not_reached();
}

static RAMBlock *env_find_block(const char *name, void *opaque)
{
    Env *e = opaque;

    for (int i = 0; i < NR_BLOCKS; i++) {
        if (!strcmp(name, wire_names[i])) {
            return e->dst[i];
        }
    }
    return NULL;
}

static RAMBlock *new_block(const char *side, uint64_t pages)
{
    g_autofree char *name = g_strdup_printf("mfd-%s-%u", side,
                                            block_serial++);
    g_autoptr(GError) err = NULL;
    RAMBlock *rb = ram_block_new(name, pages * PAGE, false, -1, 0, &err);

    g_assert_no_error(err);
    return rb;
}

static void env_blocks(Env *e, uint64_t pages0, uint64_t pages1)
{
    e->pages[0] = pages0;
    e->pages[1] = pages1;
    for (int i = 0; i < NR_BLOCKS; i++) {
        uint8_t *host;

        e->src[i] = new_block("src", e->pages[i]);
        e->dst[i] = new_block("dst", e->pages[i]);
        /* Destination pages hold stale data, so zero pages must be
         * written as zeros. */
        host = ram_block_host(e->dst[i]);
        memset(host, 0x5a, e->pages[i] * PAGE);
        ram_block_mark_written(e->dst[i], 0, e->pages[i] * PAGE);
    }
}

static void env_sockets(Env *e, unsigned n)
{
    e->n = n;
    for (unsigned i = 0; i < n; i++) {
        int sv[2];

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
        e->src_fd[i] = sv[0];
        e->dst_fd[i] = sv[1];
    }
}

static MultiFDSend *env_send(Env *e, MultiFDCompression comp, int level,
                             ZeroPageDetection zpd)
{
    MultiFDSendParams sp = {
        .compression = comp,
        .zlib_level = level,
        .zstd_level = level,
        .zero_page_detection = zpd,
        .block_name = env_block_name,
        .opaque = e,
    };
    MigChannel *chs[MAX_CHANNELS];
    g_autoptr(GError) err = NULL;
    MultiFDSend *s;

    for (unsigned i = 0; i < e->n; i++) {
        g_autofree char *name = g_strdup_printf("multifd-src-%u", i);

        chs[i] = mig_channel_new_fd(e->src_fd[i], name);
    }
    s = multifd_send_setup(chs, e->n, &sp, &err);
    g_assert_no_error(err);
    for (unsigned i = 0; i < e->n; i++) {
        mig_channel_unref(chs[i]);
    }
    return s;
}

static MultiFDRecv *env_recv(Env *e, unsigned channels,
                             MultiFDCompression comp)
{
    MultiFDRecvParams rp = {
        .channels = channels,
        .compression = comp,
        .find_block = env_find_block,
        .opaque = e,
    };

    return multifd_recv_setup(&rp);
}

/* Source and destination sets on n channels; the destination takes the
 * connections in reverse order, the handshake tells which is which. */
static void env_start(Env *e, unsigned n, MultiFDCompression comp, int level,
                      ZeroPageDetection zpd)
{
    env_sockets(e, n);
    e->send = env_send(e, comp, level, zpd);
    e->recv = env_recv(e, n, comp);
    for (unsigned k = n; k-- > 0;) {
        g_autofree char *name = g_strdup_printf("multifd-dst-%u", k);
        MigChannel *ch = mig_channel_new_fd(e->dst_fd[k], name);
        g_autoptr(GError) err = NULL;
        unsigned id = 99;

        g_assert_false(multifd_recv_all_channels_created(e->recv));
        g_assert_true(multifd_recv_new_channel(e->recv, ch, &id, &err));
        g_assert_no_error(err);
        g_assert_cmpuint(id, ==, k);
        mig_channel_unref(ch);
    }
    g_assert_true(multifd_recv_all_channels_created(e->recv));
}

static void env_free_blocks(Env *e)
{
    for (int i = 0; i < NR_BLOCKS; i++) {
        ram_block_free(e->src[i]);
        ram_block_free(e->dst[i]);
    }
}

static uint8_t *src_page(Env *e, int b, uint64_t p)
{
    return (uint8_t *)ram_block_host(e->src[b]) + p * PAGE;
}

static uint8_t *dst_page(Env *e, int b, uint64_t p)
{
    return (uint8_t *)ram_block_host(e->dst[b]) + p * PAGE;
}

/* Fill the source: every 5th page zero, some random, the rest text.
 * Returns the number of zero pages. */
static uint64_t fill_source(Env *e, GRand *rand)
{
    uint64_t zeros = 0;

    for (int b = 0; b < NR_BLOCKS; b++) {
        for (uint64_t p = 0; p < e->pages[b]; p++) {
            uint8_t *page = src_page(e, b, p);

            if (p % 5 == 0) {
                zeros++;
                continue;   /* never written: zero */
            }
            for (unsigned j = 0; j < PAGE; j++) {
                page[j] = p % 5 == 1 ? g_rand_int(rand)
                                     : "multifd page "[j % 13] + b + p;
            }
            ram_block_mark_written(e->src[b], p * PAGE, PAGE);
        }
    }
    return zeros;
}

static void queue(Env *e, int b, uint64_t p)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(multifd_queue_page(e->send, e->src[b], p * PAGE, &err));
    g_assert_no_error(err);
}

static void sync_both(Env *e)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(multifd_send_sync_main(e->send, &err));
    g_assert_no_error(err);
    g_assert_true(multifd_recv_sync_main(e->recv, &err));
    g_assert_no_error(err);
}

static void compare_all(Env *e)
{
    for (int b = 0; b < NR_BLOCKS; b++) {
        for (uint64_t p = 0; p < e->pages[b]; p++) {
            if (memcmp(src_page(e, b, p), dst_page(e, b, p), PAGE)) {
                g_error("block %s page %" PRIu64 " differs", wire_names[b], p);
            }
        }
    }
}

static void shutdown_both(Env *e)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(multifd_send_shutdown(e->send, &err));
    g_assert_no_error(err);
    g_assert_true(multifd_recv_shutdown(e->recv, &err));
    g_assert_no_error(err);
}

/* ---- transfers ---- */

typedef struct TransferCase {
    unsigned channels;
    MultiFDCompression comp;
    int level;
    ZeroPageDetection zpd;
} TransferCase;

static void test_transfer(gconstpointer opaque)
{
    const TransferCase *tc = opaque;
    bool detect = tc->zpd == ZERO_PAGE_DETECTION_MULTIFD;
    g_autoptr(GRand) rand = g_rand_new_with_seed(tc->channels * 7 + tc->comp);
    MultiFDStats st, rt;
    uint64_t zeros, total, changed = 0, changed_zero = 0;
    Env e = { 0 };

    watchdog_start();
    env_blocks(&e, 700, 90);
    zeros = fill_source(&e, rand);
    total = e.pages[0] + e.pages[1];
    env_start(&e, tc->channels, tc->comp, tc->level, tc->zpd);

    /* Round 1: part of block 0, all of block 1 (partial batches at each
     * switch), the rest of block 0 (full batches). */
    for (uint64_t p = 0; p < 300; p++) {
        queue(&e, 0, p);
    }
    for (uint64_t p = 0; p < e.pages[1]; p++) {
        queue(&e, 1, p);
    }
    for (uint64_t p = 300; p < e.pages[0]; p++) {
        queue(&e, 0, p);
    }
    sync_both(&e);
    compare_all(&e);

    multifd_send_get_stats(e.send, &st);
    multifd_recv_get_stats(e.recv, &rt);
    g_assert_cmpuint(st.normal_pages + st.zero_pages, ==, total);
    g_assert_cmpuint(st.zero_pages, ==, detect ? zeros : 0);
    g_assert_cmpuint(st.sync_packets, ==, tc->channels);
    g_assert_cmpuint(rt.normal_pages, ==, st.normal_pages);
    g_assert_cmpuint(rt.zero_pages, ==, st.zero_pages);
    g_assert_cmpuint(rt.packets, ==, st.packets);
    g_assert_cmpuint(rt.sync_packets, ==, tc->channels);
    g_assert_cmpuint(rt.bytes, ==, st.bytes);
    /* 300 + 90 + 400 pages in batches of at most 128. */
    g_assert_cmpuint(st.packets, ==, 3 + 1 + 4);
    if (tc->comp == MULTIFD_COMPRESSION_NONE) {
        g_assert_cmpuint(st.bytes, ==, (st.packets + st.sync_packets) *
                         MULTIFD_RAM_PACKET_SIZE + st.normal_pages * PAGE);
    } else {
        /* Text and zero pages compress well. */
        g_assert_cmpuint(st.bytes, <, st.normal_pages * PAGE * 3 / 4);
    }

    /* Round 2: the guest changed some pages, one of them to zero. */
    for (uint64_t p = 3; p < e.pages[0]; p += 37) {
        uint8_t *page = src_page(&e, 0, p);

        if (changed % 4 == 0) {
            memset(page, 0, PAGE);
            changed_zero++;
        } else {
            memset(page, 0x11 + changed, PAGE);
            ram_block_mark_written(e.src[0], p * PAGE, PAGE);
        }
        queue(&e, 0, p);
        changed++;
    }
    sync_both(&e);
    compare_all(&e);
    multifd_send_get_stats(e.send, &st);
    g_assert_cmpuint(st.normal_pages + st.zero_pages, ==, total + changed);
    g_assert_cmpuint(st.zero_pages, ==,
                     detect ? zeros + changed_zero : 0);
    g_assert_cmpuint(st.sync_packets, ==, 2 * tc->channels);

    shutdown_both(&e);
    env_free_blocks(&e);
    watchdog_stop();
}

/* ---- the bytes a sender writes ---- */

static void test_sender_bytes(void)
{
    static const uint8_t handshake[MULTIFD_INIT_SIZE] = {
        0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, /* id 0 */
    };
    MultiFDRamPacket expect;
    uint8_t want[MULTIFD_RAM_PACKET_SIZE], got[MULTIFD_RAM_PACKET_SIZE];
    uint8_t hs[MULTIFD_INIT_SIZE], page[PAGE];
    g_autoptr(GError) err = NULL;
    MigChannel *peer;
    Env e = { 0 };

    watchdog_start();
    env_blocks(&e, 2, 1);
    memcpy(src_page(&e, 0, 1), "\x12\x34\x56\x78", 4);
    ram_block_mark_written(e.src[0], PAGE, PAGE);
    env_sockets(&e, 1);
    e.send = env_send(&e, MULTIFD_COMPRESSION_NONE, 0,
                      ZERO_PAGE_DETECTION_MULTIFD);
    peer = mig_channel_new_fd(e.dst_fd[0], "peer");

    g_assert_true(mig_channel_read_all(peer, hs, sizeof(hs), &err));
    g_assert_cmpmem(hs, sizeof(hs), handshake, sizeof(handshake));

    /* wire 9.3's packet: the zero page at 0 queued first still comes
     * after the normal page at 0x1000 in the list. */
    queue(&e, 0, 0);
    queue(&e, 0, 1);
    g_assert_true(multifd_send_sync_main(e.send, &err));
    g_assert_no_error(err);

    memset(&expect, 0, sizeof(expect));
    expect.pages_alloc = MULTIFD_PAGES_PER_PACKET;
    expect.normal_pages = 1;
    expect.zero_pages = 1;
    expect.next_packet_size = PAGE;
    expect.packet_num = 0;
    strcpy(expect.ramblock, "cr16.ram");
    expect.offset[0] = 0x1000;
    multifd_ram_packet_encode(&expect, want);
    g_assert_true(mig_channel_read_all(peer, got, sizeof(got), &err));
    g_assert_cmpmem(got, sizeof(got), want, sizeof(want));
    g_assert_true(mig_channel_read_all(peer, page, sizeof(page), &err));
    g_assert_cmpmem(page, PAGE, src_page(&e, 0, 1), PAGE);

    multifd_sync_packet_init(&expect, 1);
    multifd_ram_packet_encode(&expect, want);
    g_assert_true(mig_channel_read_all(peer, got, sizeof(got), &err));
    g_assert_cmpmem(got, sizeof(got), want, sizeof(want));

    /* Shutdown ends the connection: the peer reads EOF. */
    g_assert_true(multifd_send_shutdown(e.send, &err));
    g_assert_cmpint(mig_channel_readv(peer,
                                      &(struct iovec){ page, 1 }, 1, &err),
                    ==, 0);
    mig_channel_unref(peer);
    env_free_blocks(&e);
    watchdog_stop();
}

/* ---- sync ---- */

typedef struct SyncWait {
    MultiFDRecv *recv;
    uint64_t syncs;
} SyncWait;

static bool recv_saw_syncs(void *opaque)
{
    SyncWait *w = opaque;
    MultiFDStats st;

    multifd_recv_get_stats(w->recv, &st);
    return st.sync_packets >= w->syncs;
}

static void test_sync_holds_back(void)
{
    g_autoptr(GError) err = NULL;
    MultiFDStats before, after;
    SyncWait w;
    Env e = { 0 };

    watchdog_start();
    env_blocks(&e, 64, 1);
    env_start(&e, 2, MULTIFD_COMPRESSION_NONE, 0, ZERO_PAGE_DETECTION_NONE);

    memset(src_page(&e, 0, 7), 0xa1, PAGE);
    for (uint64_t p = 0; p < 64; p++) {
        queue(&e, 0, p);
    }
    queue(&e, 1, 0);
    g_assert_true(multifd_send_sync_main(e.send, &err));

    /* Every receiver stops at its sync packet... */
    w = (SyncWait){ e.recv, 2 };
    wait_for(recv_saw_syncs, &w);
    multifd_recv_get_stats(e.recv, &before);

    /* ...so the next round stays in the sockets until the main channel
     * reaches its flush marker. */
    memset(src_page(&e, 0, 7), 0xb2, PAGE);
    queue(&e, 0, 7);
    g_assert_true(multifd_send_sync_main(e.send, &err));
    g_assert_cmpuint(dst_page(&e, 0, 7)[0], ==, 0xa1);
    multifd_recv_get_stats(e.recv, &after);
    g_assert_cmpuint(after.normal_pages, ==, before.normal_pages);

    g_assert_true(multifd_recv_sync_main(e.recv, &err));
    g_assert_true(multifd_recv_sync_main(e.recv, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(dst_page(&e, 0, 7)[0], ==, 0xb2);
    g_assert_cmpuint(dst_page(&e, 0, 7)[PAGE - 1], ==, 0xb2);
    compare_all(&e);

    shutdown_both(&e);
    env_free_blocks(&e);
    watchdog_stop();
}

/* ---- failures ---- */

static void assert_error_contains(GError *err, const char *needle)
{
    g_assert_nonnull(err);
    if (!strstr(err->message, needle)) {
        g_error("error '%s' does not contain '%s'", err->message, needle);
    }
}

static void test_channel_cut(void)
{
    g_autoptr(GError) serr = NULL;
    g_autoptr(GError) rerr = NULL;
    g_autoptr(GError) err = NULL;
    uint64_t p;
    bool ok = true;
    Env e = { 0 };

    watchdog_start();
    env_blocks(&e, 4096, 1);
    for (p = 0; p < 4096; p++) {
        memset(src_page(&e, 0, p), p + 1, PAGE);
    }
    env_start(&e, 3, MULTIFD_COMPRESSION_NONE, 0, ZERO_PAGE_DETECTION_NONE);

    for (p = 0; p < 4096 && ok; p++) {
        if (p == 1000) {
            /* The network drops channel 1 at the destination's end. */
            shutdown(e.dst_fd[1], SHUT_RDWR);
        }
        ok = multifd_queue_page(e.send, e.src[0], p * PAGE, &serr);
    }
    if (ok) {
        ok = multifd_send_sync_main(e.send, &serr);
    }
    g_assert_false(ok);
    /*
     * Channel 1 breaks first, but the destination then shuts its other
     * channels too, so the source may see any of them fail first.
     */
    assert_error_contains(serr, "multifd channel ");
    assert_error_contains(serr, ": write failed: ");

    /* Later calls report the same first error at once. */
    g_assert_false(multifd_send_sync_main(e.send, &err));
    g_assert_cmpstr(err->message, ==, serr->message);
    g_clear_error(&err);

    /* The destination does not wait forever for the sync. */
    g_assert_false(multifd_recv_sync_main(e.recv, &rerr));
    assert_error_contains(rerr, "multifd channel ");

    g_assert_false(multifd_send_shutdown(e.send, &err));
    g_assert_cmpstr(err->message, ==, serr->message);
    g_clear_error(&err);
    g_assert_false(multifd_recv_shutdown(e.recv, &err));
    g_assert_cmpstr(err->message, ==, rerr->message);
    env_free_blocks(&e);
    watchdog_stop();
}

typedef struct Producer {
    Env *e;
    gint queued;
    GError *err;
} Producer;

static gpointer producer_thread(gpointer opaque)
{
    Producer *pr = opaque;

    for (uint64_t p = 0; p < pr->e->pages[0]; p++) {
        if (!multifd_queue_page(pr->e->send, pr->e->src[0], p * PAGE,
                                &pr->err)) {
            return NULL;
        }
        g_atomic_int_inc(&pr->queued);
    }
    multifd_send_sync_main(pr->e->send, &pr->err);
    return NULL;
}

static bool producer_queued_enough(void *opaque)
{
    return g_atomic_int_get(&((Producer *)opaque)->queued) >= 100;
}

typedef struct Notified {
    gint count;
    char *message;
} Notified;

static void note_error(const GError *err, void *opaque)
{
    Notified *n = opaque;

    n->message = g_strdup(err->message);
    g_atomic_int_inc(&n->count);
}

/* Nobody reads: the senders block in writes until the cancel. */
static void test_cancel_blocked_sender(void)
{
    Producer pr = { 0 };
    Notified note = { 0 };
    MultiFDSendParams sp = {
        .zero_page_detection = ZERO_PAGE_DETECTION_NONE,
        .error_notify = note_error,
        .opaque = &note,
    };
    MigChannel *chs[2];
    g_autoptr(GError) err = NULL;
    GThread *t;
    Env e = { 0 };

    watchdog_start();
    env_blocks(&e, 2048, 1);
    env_sockets(&e, 2);
    for (unsigned i = 0; i < 2; i++) {
        chs[i] = mig_channel_new_fd(e.src_fd[i], "multifd-src");
    }
    e.send = multifd_send_setup(chs, 2, &sp, &err);
    g_assert_no_error(err);
    mig_channel_unref(chs[0]);
    mig_channel_unref(chs[1]);

    pr.e = &e;
    t = g_thread_new("producer", producer_thread, &pr);
    wait_for(producer_queued_enough, &pr);
    multifd_send_cancel(e.send, "migration cancelled by the test");
    g_thread_join(t);
    assert_error_contains(pr.err, "migration cancelled by the test");
    g_clear_error(&pr.err);

    g_assert_false(multifd_send_shutdown(e.send, &err));
    g_assert_cmpstr(err->message, ==, "migration cancelled by the test");
    g_assert_cmpint(note.count, ==, 1);
    g_assert_cmpstr(note.message, ==, "migration cancelled by the test");
    g_free(note.message);
    close(e.dst_fd[0]);
    close(e.dst_fd[1]);
    env_free_blocks(&e);
    watchdog_stop();
}

/* ---- hostile input at the destination ---- */

/* A one-channel destination fed raw bytes; returns its failure. */
static GError *recv_raw(Env *e, MultiFDCompression comp,
                        const void *bytes, size_t len)
{
    GError *err = NULL;
    MigChannel *ch;
    MultiFDInit init = { .id = 0 };
    uint8_t hs[MULTIFD_INIT_SIZE];
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    multifd_init_encode(&init, hs);
    g_assert_cmpint(write(sv[0], hs, sizeof(hs)), ==, sizeof(hs));
    g_assert_cmpint(write(sv[0], bytes, len), ==, (ssize_t)len);
    close(sv[0]);

    e->recv = env_recv(e, 1, comp);
    ch = mig_channel_new_fd(sv[1], "raw");
    g_assert_true(multifd_recv_new_channel(e->recv, ch, NULL, &err));
    mig_channel_unref(ch);
    g_assert_false(multifd_recv_sync_main(e->recv, &err));
    {
        GError *again = NULL;

        g_assert_false(multifd_recv_shutdown(e->recv, &again));
        g_assert_cmpstr(again->message, ==, err->message);
        g_error_free(again);
    }
    return err;
}

static void raw_packet(MultiFDRamPacket *p, const char *block,
                       uint64_t offset)
{
    memset(p, 0, sizeof(*p));
    p->pages_alloc = MULTIFD_PAGES_PER_PACKET;
    p->normal_pages = 1;
    p->next_packet_size = PAGE;
    g_strlcpy(p->ramblock, block, sizeof(p->ramblock));
    p->offset[0] = offset;
}

static void test_recv_rejects(void)
{
    static uint8_t buf[MULTIFD_RAM_PACKET_SIZE + PAGE];
    MultiFDRamPacket p;
    MultiFDDeviceStatePacket ds = {
        .flags = MULTIFD_FLAG_DEVICE_STATE, .instance_id = 2,
        .next_packet_size = 10,
    };
    GError *err;
    Env e = { 0 };

    watchdog_start();
    env_blocks(&e, 4, 1);

    raw_packet(&p, "nope", 0);
    multifd_ram_packet_encode(&p, buf);
    err = recv_raw(&e, MULTIFD_COMPRESSION_NONE, buf, sizeof(buf));
    assert_error_contains(err, "multifd channel 0: packet 0 names unknown "
                          "RAM block 'nope'");
    g_error_free(err);

    raw_packet(&p, "cr16.ram", 4 * PAGE);
    p.packet_num = 9;
    multifd_ram_packet_encode(&p, buf);
    err = recv_raw(&e, MULTIFD_COMPRESSION_NONE, buf, sizeof(buf));
    assert_error_contains(err, "multifd channel 0: packet 9 offset[0] 0x4000 "
                          "is outside RAM block 'cr16.ram' (used length "
                          "0x4000)");
    g_error_free(err);

    /* Data cut short inside the page. */
    raw_packet(&p, "cr16.ram", 0);
    multifd_ram_packet_encode(&p, buf);
    err = recv_raw(&e, MULTIFD_COMPRESSION_NONE, buf, sizeof(buf) - 1);
    assert_error_contains(err, "multifd channel 0: raw: unexpected end of "
                          "stream");
    g_error_free(err);

    /* A whole packet, then the end: no sync packet ever comes. */
    err = recv_raw(&e, MULTIFD_COMPRESSION_NONE, buf, sizeof(buf));
    assert_error_contains(err, "multifd channel 0: connection closed before "
                          "its sync packet");
    g_error_free(err);
    g_assert_cmpuint(dst_page(&e, 0, 0)[0], ==, 0);     /* it landed */

    /* Compression differs from ours. */
    p.flags = MULTIFD_FLAG_ZSTD;
    multifd_ram_packet_encode(&p, buf);
    err = recv_raw(&e, MULTIFD_COMPRESSION_ZLIB, buf, sizeof(buf));
    assert_error_contains(err, "multifd channel 0: packet compression flags "
                          "0x4 (zstd), expected 0x2 (zlib)");
    g_error_free(err);

    /* Compressed garbage. */
    p.flags = MULTIFD_FLAG_ZLIB;
    p.next_packet_size = 16;
    multifd_ram_packet_encode(&p, buf);
    memset(buf + MULTIFD_RAM_PACKET_SIZE, 0xff, 16);
    err = recv_raw(&e, MULTIFD_COMPRESSION_ZLIB, buf,
                   MULTIFD_RAM_PACKET_SIZE + 16);
    assert_error_contains(err, "multifd channel 0: zlib: inflate failed on "
                          "page 0 of 1");
    g_error_free(err);

    strcpy(ds.idstr, "vfio-dev");
    multifd_device_state_encode(&ds, buf);
    err = recv_raw(&e, MULTIFD_COMPRESSION_NONE, buf,
                   MULTIFD_DEVICE_STATE_HDR_SIZE + 10);
    assert_error_contains(err, "multifd channel 0: device state of "
                          "'vfio-dev' instance 2 over multifd is not "
                          "supported");
    g_error_free(err);

    env_free_blocks(&e);
    watchdog_stop();
}

static void test_handshake_rejects(void)
{
    MultiFDRecvParams rp = { .channels = 2 };
    g_autoptr(GError) err = NULL;
    MultiFDRecv *r = multifd_recv_setup(&rp);
    MultiFDInit init = { .id = 0 };
    uint8_t hs[MULTIFD_INIT_SIZE];
    MigChannel *ch[4];
    int sv[4][2];

    for (int i = 0; i < 4; i++) {
        g_autofree char *name = g_strdup_printf("conn%d", i);

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]), ==, 0);
        ch[i] = mig_channel_new_fd(sv[i][1], name);
    }
    /* 0: good; 1: id 0 again; 2: id 2 of 2; 3: another UUID. */
    multifd_init_encode(&init, hs);
    g_assert_cmpint(write(sv[0][0], hs, sizeof(hs)), ==, sizeof(hs));
    g_assert_cmpint(write(sv[1][0], hs, sizeof(hs)), ==, sizeof(hs));
    init.id = 2;
    multifd_init_encode(&init, hs);
    g_assert_cmpint(write(sv[2][0], hs, sizeof(hs)), ==, sizeof(hs));
    init.id = 1;
    init.uuid[15] = 1;
    multifd_init_encode(&init, hs);
    g_assert_cmpint(write(sv[3][0], hs, 40), ==, 40);

    g_assert_true(multifd_recv_new_channel(r, ch[0], NULL, &err));
    g_assert_false(multifd_recv_new_channel(r, ch[1], NULL, &err));
    assert_error_contains(err, "multifd connection 'conn1': received id '0' "
                          "already setup");
    g_clear_error(&err);
    g_assert_false(multifd_recv_new_channel(r, ch[2], NULL, &err));
    assert_error_contains(err, "multifd connection 'conn2': handshake "
                          "channel id 2 out of range");
    g_clear_error(&err);
    /* A short handshake: the connection ends after 40 bytes. */
    close(sv[3][0]);
    g_assert_false(multifd_recv_new_channel(r, ch[3], NULL, &err));
    assert_error_contains(err, "multifd connection 'conn3': reading the "
                          "handshake: conn3: unexpected end of stream");
    g_clear_error(&err);
    g_assert_false(multifd_recv_all_channels_created(r));

    /* A cancel wakes the main-channel reader waiting for a sync. */
    multifd_recv_cancel(r, "incoming migration cancelled");
    g_assert_false(multifd_recv_sync_main(r, &err));
    g_assert_cmpstr(err->message, ==, "incoming migration cancelled");
    g_clear_error(&err);
    g_assert_false(multifd_recv_shutdown(r, &err));
    for (int i = 0; i < 4; i++) {
        mig_channel_unref(ch[i]);
        if (i < 3) {
            close(sv[i][0]);
        }
    }
}

/* The parameters come from the migration options (their defaults here). */
static void test_params_from_options(void)
{
    static const uint8_t uuid[MULTIFD_UUID_SIZE] = { 1, 2, 3 };
    MultiFDSendParams sp;
    MultiFDRecvParams rp;

    multifd_send_params_from_options(&sp, uuid, false);
    g_assert_cmpint(sp.compression, ==, MULTIFD_COMPRESSION_NONE);
    g_assert_cmpint(sp.zlib_level, ==, 1);
    g_assert_cmpint(sp.zstd_level, ==, 1);
    g_assert_cmpint(sp.zero_page_detection, ==, ZERO_PAGE_DETECTION_MULTIFD);
    g_assert_cmpmem(sp.uuid, sizeof(uuid), uuid, sizeof(uuid));
    g_assert_null(sp.block_name);
    multifd_send_params_from_options(&sp, uuid, true);
    g_assert_cmpint(sp.zero_page_detection, ==, ZERO_PAGE_DETECTION_NONE);

    multifd_recv_params_from_options(&rp, uuid);
    g_assert_cmpuint(rp.channels, ==, 2);
    g_assert_cmpint(rp.compression, ==, MULTIFD_COMPRESSION_NONE);
    g_assert_cmpmem(rp.uuid, sizeof(uuid), uuid, sizeof(uuid));
    g_assert_null(rp.find_block);
}

int main(int argc, char **argv)
{
    static const TransferCase cases[] = {
        { 1, MULTIFD_COMPRESSION_NONE, 0, ZERO_PAGE_DETECTION_MULTIFD },
        { 2, MULTIFD_COMPRESSION_NONE, 0, ZERO_PAGE_DETECTION_MULTIFD },
        { 4, MULTIFD_COMPRESSION_NONE, 0, ZERO_PAGE_DETECTION_NONE },
        { 3, MULTIFD_COMPRESSION_ZLIB, 1, ZERO_PAGE_DETECTION_MULTIFD },
        { 2, MULTIFD_COMPRESSION_ZLIB, 9, ZERO_PAGE_DETECTION_NONE },
        { 3, MULTIFD_COMPRESSION_ZSTD, 1, ZERO_PAGE_DETECTION_MULTIFD },
        { 2, MULTIFD_COMPRESSION_ZSTD, 5, ZERO_PAGE_DETECTION_LEGACY },
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/multifd/transfer/%s-level%d/%u-channels/zero-%s",
            MultiFDCompression_str(cases[i].comp), cases[i].level,
            cases[i].channels, ZeroPageDetection_str(cases[i].zpd));

        g_test_add_data_func(path, &cases[i], test_transfer);
    }
    g_test_add_func("/multifd/params-from-options", test_params_from_options);
    g_test_add_func("/multifd/sender-bytes", test_sender_bytes);
    g_test_add_func("/multifd/sync-holds-back-next-round",
                    test_sync_holds_back);
    g_test_add_func("/multifd/channel-cut-fails-both-sides",
                    test_channel_cut);
    g_test_add_func("/multifd/cancel-unblocks-sender",
                    test_cancel_blocked_sender);
    g_test_add_func("/multifd/recv-rejects-bad-packets", test_recv_rejects);
    g_test_add_func("/multifd/recv-rejects-bad-handshakes",
                    test_handshake_rejects);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the postcopy destination over real userfaultfd: a thread
 * touching a missing page blocks, the request callback names the right
 * block and host page, placement wakes it with the right contents; zero
 * pages; host-page assembly; concurrent faults requested once; discards;
 * pause/resume re-sends; blocktime; teardown with a thread still waiting;
 * the vCPU-side stall probe and its percentiles.
 * Every test is skipped, with the reason, where userfaultfd is missing.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "system/memory.h"
#include "migration/postcopy-ram.h"
#include "migration/postcopy-stall.h"
#include "migration/rp-postcopy.h"
#include "postcopy-test-util.h"

#define PAGE 4096ULL
#define BLOCK_SIZE (64 * 1024ULL)
#define DEADLINE_US POSTCOPY_TEST_DEADLINE_US

/* ---- recording request callback ---- */

typedef struct Req {
    RAMBlock *rb;
    ram_addr_t offset;
    uint64_t len;
    uint32_t tid;
} Req;

typedef struct Recorder {
    GMutex lock;
    GCond cond;
    GArray *reqs;               /* Req */
} Recorder;

static void record_request(void *opaque, RAMBlock *rb, ram_addr_t offset,
                           uint64_t len, uint32_t tid)
{
    Recorder *r = opaque;
    Req q = { rb, offset, len, tid };

    g_mutex_lock(&r->lock);
    g_array_append_val(r->reqs, q);
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
}

static void recorder_init(Recorder *r)
{
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    r->reqs = g_array_new(FALSE, FALSE, sizeof(Req));
}

static void recorder_cleanup(Recorder *r)
{
    g_array_free(r->reqs, TRUE);
    g_cond_clear(&r->cond);
    g_mutex_clear(&r->lock);
}

/* Wait until at least n requests arrived; returns request n-1. */
static Req recorder_wait(Recorder *r, guint n)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
    Req q;

    g_mutex_lock(&r->lock);
    while (r->reqs->len < n) {
        if (!g_cond_wait_until(&r->cond, &r->lock, deadline)) {
            g_mutex_unlock(&r->lock);
            g_error("no page request #%u within the deadline", n);
        }
    }
    q = g_array_index(r->reqs, Req, n - 1);
    g_mutex_unlock(&r->lock);
    return q;
}

static guint recorder_count(Recorder *r)
{
    guint n;

    g_mutex_lock(&r->lock);
    n = r->reqs->len;
    g_mutex_unlock(&r->lock);
    return n;
}

static void wait_faults(PostcopyDest *d, uint64_t n)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;

    while (postcopy_dest_faults_seen(d) < n) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

/* ---- fixture ---- */

typedef struct Fixture {
    RAMBlock *rb;
    uint8_t *host;
    Recorder rec;
    PostcopyDest *d;
} Fixture;

static void fixture_setup(Fixture *f, uint64_t min_page, bool blocktime)
{
    PostcopyDestConfig cfg = {
        .request = record_request,
        .opaque = &f->rec,
        .blocktime = blocktime,
        .min_host_page_size = min_page,
    };

    f->rb = ram_block_new("pt.ram", BLOCK_SIZE, false, -1, 0, NOERR);
    f->host = ram_block_host(f->rb);
    recorder_init(&f->rec);
    cfg.blocks = &f->rb;
    cfg.nr_blocks = 1;
    f->d = postcopy_dest_new(&cfg, NOERR);
    g_assert_nonnull(f->d);
}

static void fixture_teardown(Fixture *f)
{
    postcopy_dest_free(f->d);
    recorder_cleanup(&f->rec);
    ram_block_free(f->rb);
}

static void fill(uint8_t *buf, uint64_t len, uint8_t seed)
{
    for (uint64_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i * 7);
    }
}

/* ---- tests ---- */

static void test_fault_and_place(void)
{
    Fixture f;
    Toucher t;
    Req q;
    uint8_t page[PAGE];
    GError *err = NULL;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    /* Placement needs registration. */
    fill(page, PAGE, 0x40);
    g_assert_false(postcopy_dest_place_page(f.d, f.rb, 0x3000, page, &err));
    g_assert_nonnull(strstr(err->message, "before listen"));
    g_clear_error(&err);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));

    toucher_start(&t, f.host + 0x3000 + 5);
    q = recorder_wait(&f.rec, 1);
    g_assert_true(q.rb == f.rb);
    g_assert_cmphex(q.offset, ==, 0x3000);
    g_assert_cmpuint(q.len, ==, PAGE);
    if (postcopy_ram_thread_id_supported()) {
        g_assert_cmpuint(q.tid, !=, 0);
    }
    /* Still blocked: the page is not there. */
    g_assert_false(qatomic_read(&t.done));
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 1);

    /* misaligned / outside / foreign placements are refused */
    g_assert_false(postcopy_dest_place_page(f.d, f.rb, 0x3001, page, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(postcopy_dest_place_page(f.d, f.rb, BLOCK_SIZE, page,
                                            &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x3000, page, NOERR));
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, page[5]);
    g_assert_cmpmem(f.host + 0x3000, PAGE, page, PAGE);
    g_assert_true(postcopy_dest_page_received(f.d, f.rb, 0x3000));
    g_assert_false(postcopy_dest_page_received(f.d, f.rb, 0x4000));
    g_assert_true(ram_block_written_bitmap(f.rb)[0] & (1UL << 3));
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 0);
    /* a duplicate is ignored and does not change the page */
    fill(page, PAGE, 0x99);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x3000, page, NOERR));
    g_assert_cmpuint(f.host[0x3005], ==, t.value);
    g_assert_cmpuint(postcopy_dest_requests_sent(f.d), ==, 1);
    fixture_teardown(&f);
}

/* What the placement observer was told, in order. */
typedef struct Placed {
    RAMBlock *rb;
    ram_addr_t offset;
    uint64_t len;
    bool zero;
    uint8_t bytes[PAGE];
} Placed;

static void record_placed(void *opaque, RAMBlock *rb, ram_addr_t offset,
                          uint64_t len, const void *data)
{
    GArray *seen = opaque;
    Placed p = { .rb = rb, .offset = offset, .len = len, .zero = !data };

    g_assert_cmpuint(len, ==, PAGE);
    if (data) {
        memcpy(p.bytes, data, PAGE);
    }
    g_array_append_val(seen, p);
}

/* The observer sees each placed page once, with the bytes placed; the
 * test knob places a page with one byte flipped. */
static void test_placed_observer(void)
{
    g_autoptr(GArray) seen = g_array_new(FALSE, TRUE, sizeof(Placed));
    Fixture f;
    uint8_t page[PAGE], other[PAGE];
    const Placed *p;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    postcopy_dest_set_placed_fn(f.d, record_placed, seen);
    postcopy_dest_test_corrupt(f.d, f.rb, 0x6000 + 17);
    g_assert_cmpuint(postcopy_dest_nr_blocks(f.d), ==, 1);
    g_assert_true(postcopy_dest_block(f.d, 0) == f.rb);
    g_assert_null(postcopy_dest_block(f.d, 1));
    g_assert_true(postcopy_dest_listen(f.d, NOERR));

    fill(page, PAGE, 0x21);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x2000, page, NOERR));
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x4000, NULL, NOERR));
    /* A duplicate is not placed, so not observed. */
    fill(other, PAGE, 0x77);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x2000, other, NOERR));
    /* The knob's page, both as data and as a zero page elsewhere. */
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x6000, page, NOERR));
    g_assert_cmpuint(seen->len, ==, 3);

    p = &g_array_index(seen, Placed, 0);
    g_assert_true(p->rb == f.rb && p->offset == 0x2000 && !p->zero);
    g_assert_cmpmem(p->bytes, PAGE, page, PAGE);
    p = &g_array_index(seen, Placed, 1);
    g_assert_true(p->offset == 0x4000 && p->zero);
    p = &g_array_index(seen, Placed, 2);
    g_assert_true(p->offset == 0x6000 && !p->zero);
    /* Observed and in memory alike: byte 17 flipped, the rest intact. */
    g_assert_cmpuint(p->bytes[17], ==, page[17] ^ 0xa5);
    g_assert_cmpuint(f.host[0x6000 + 17], ==, page[17] ^ 0xa5);
    g_assert_cmpmem(p->bytes, 17, page, 17);
    g_assert_cmpmem(p->bytes + 18, PAGE - 18, page + 18, PAGE - 18);
    g_assert_cmpmem(f.host + 0x6000, PAGE, p->bytes, PAGE);

    /* Removed: later placements are not observed. */
    postcopy_dest_set_placed_fn(f.d, NULL, NULL);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x8000, page, NOERR));
    g_assert_cmpuint(seen->len, ==, 3);
    fixture_teardown(&f);
}

static void test_zero_page(void)
{
    Fixture f;
    Toucher t;
    Req q;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    toucher_start(&t, f.host + 0x5000 + 100);
    q = recorder_wait(&f.rec, 1);
    g_assert_cmphex(q.offset, ==, 0x5000);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x5000, NULL, NOERR));
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, 0);
    for (uint64_t i = 0; i < PAGE; i++) {
        g_assert_cmpuint(f.host[0x5000 + i], ==, 0);
    }
    g_assert_true(postcopy_dest_page_received(f.d, f.rb, 0x5000));
    fixture_teardown(&f);
}

/* Host pages of 4 target pages: placed only when the last one arrives. */
static void test_host_page_assembly(void)
{
    Fixture f;
    Toucher t;
    Req q;
    uint8_t pages[4][PAGE];
    g_autoptr(PostcopyPageAssembler) a = NULL;
    GError *err = NULL;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 4 * PAGE, false);
    g_assert_cmpuint(postcopy_dest_host_page_size(f.d, f.rb), ==, 4 * PAGE);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    a = postcopy_assembler_new(f.d);

    toucher_start(&t, f.host + 0x4000 + 2 * PAGE + 0x100);
    q = recorder_wait(&f.rec, 1);
    g_assert_cmphex(q.offset, ==, 0x4000);
    g_assert_cmpuint(q.len, ==, 4 * PAGE);

    for (int i = 0; i < 3; i++) {
        fill(pages[i], PAGE, 0x10 * (i + 1));
        g_assert_true(postcopy_assembler_add(a, f.rb, 0x4000 + i * PAGE,
                                             pages[i], NOERR));
        /* nothing placed yet */
        g_assert_true(postcopy_assembler_busy(a));
        g_assert_false(postcopy_dest_page_received(f.d, f.rb, 0x4000));
        g_assert_false(qatomic_read(&t.done));
    }
    /* a page of another host page in between is refused */
    g_assert_false(postcopy_assembler_add(a, f.rb, 0x8000, NULL, &err));
    g_assert_nonnull(strstr(err->message, "Non-same host page detected"));
    g_clear_error(&err);
    g_assert_false(postcopy_assembler_busy(a));
    /* start again, out of order: refused */
    g_assert_false(postcopy_assembler_add(a, f.rb, 0x5000, pages[1], &err));
    g_assert_nonnull(strstr(err->message, "Non-same host page detected"));
    g_clear_error(&err);
    g_assert_false(qatomic_read(&t.done));

    for (int i = 0; i < 4; i++) {
        fill(pages[i], PAGE, 0x10 * (i + 1));
        g_assert_true(postcopy_assembler_add(a, f.rb, 0x4000 + i * PAGE,
                                             pages[i], NOERR));
    }
    g_assert_false(postcopy_assembler_busy(a));
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, pages[2][0x100]);
    for (int i = 0; i < 4; i++) {
        g_assert_cmpmem(f.host + 0x4000 + i * PAGE, PAGE, pages[i], PAGE);
        g_assert_true(postcopy_dest_page_received(f.d, f.rb,
                                                  0x4000 + i * PAGE));
    }

    /* an all-zero host page through ZERO records */
    toucher_start(&t, f.host + 0xc000 + 3 * PAGE);
    q = recorder_wait(&f.rec, 2);
    g_assert_cmphex(q.offset, ==, 0xc000);
    for (int i = 0; i < 4; i++) {
        g_assert_true(postcopy_assembler_add(a, f.rb, 0xc000 + i * PAGE, NULL,
                                             NOERR));
    }
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, 0);

    /* a partial page thrown away on reset (channel failure) */
    g_assert_true(postcopy_assembler_add(a, f.rb, 0x0, pages[0], NOERR));
    postcopy_assembler_reset(a);
    g_assert_false(postcopy_assembler_busy(a));
    g_assert_false(postcopy_dest_page_received(f.d, f.rb, 0));
    fixture_teardown(&f);
}

#define CONCURRENT 4

static void test_concurrent_faults_deduplicated(void)
{
    Fixture f;
    Toucher t[CONCURRENT];
    uint8_t page[PAGE];

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    for (int i = 0; i < CONCURRENT; i++) {
        toucher_start(&t[i], f.host + 0x7000 + i * 512);
    }
    /* every thread's fault was read, but only one request went out */
    wait_faults(f.d, CONCURRENT);
    g_assert_cmpuint(recorder_count(&f.rec), ==, 1);
    g_assert_cmpuint(postcopy_dest_requests_sent(f.d), ==, 1);
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 1);

    fill(page, PAGE, 0x33);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x7000, page, NOERR));
    for (int i = 0; i < CONCURRENT; i++) {
        toucher_join(&t[i]);
        g_assert_cmpuint(t[i].value, ==, page[i * 512]);
    }
    g_assert_cmpuint(recorder_count(&f.rec), ==, 1);
    fixture_teardown(&f);
}

static void test_discard_faults_again(void)
{
    Fixture f;
    Toucher t;
    Req q;
    uint8_t page[PAGE];
    GError *err = NULL;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    /* precopy loads two pages */
    memset(f.host + 0x1000, 0x11, PAGE);
    memset(f.host + 0x2000, 0x22, PAGE);
    postcopy_dest_mark_received(f.d, f.rb, 0x1000, 2 * PAGE);
    g_assert_true(postcopy_dest_page_received(f.d, f.rb, 0x2000));
    /* then the source discards the second (dirtied since) */
    g_assert_true(postcopy_dest_discard_range(f.d, f.rb, 0x2000, PAGE, NOERR));
    g_assert_false(postcopy_dest_page_received(f.d, f.rb, 0x2000));
    g_assert_true(postcopy_dest_page_received(f.d, f.rb, 0x1000));

    g_assert_false(postcopy_dest_discard_range(f.d, f.rb, 0x800, PAGE, &err));
    g_assert_nonnull(strstr(err->message, "Unaligned"));
    g_clear_error(&err);
    g_assert_false(postcopy_dest_discard_range(f.d, f.rb, BLOCK_SIZE - PAGE,
                                               2 * PAGE, &err));
    g_assert_nonnull(strstr(err->message, "outside"));
    g_clear_error(&err);

    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    /* discards are over once listening */
    g_assert_false(postcopy_dest_discard_range(f.d, f.rb, 0, PAGE, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    /* the kept page reads without a fault */
    toucher_start(&t, f.host + 0x1000);
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, 0x11);
    g_assert_cmpuint(recorder_count(&f.rec), ==, 0);

    /* the discarded one faults and is requested */
    toucher_start(&t, f.host + 0x2000);
    q = recorder_wait(&f.rec, 1);
    g_assert_cmphex(q.offset, ==, 0x2000);
    memset(page, 0x23, PAGE);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x2000, page, NOERR));
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, 0x23);

    /* the received bitmap as the source will read it */
    {
        g_autoptr(GByteArray) out = g_byte_array_new();
        unsigned long back[1];
        size_t used;
        char name[256];

        g_assert_true(postcopy_dest_encode_recv_bitmap(f.d, f.rb, "cr16.ram",
                                                       out, NOERR));
        g_assert_true(rp_postcopy_decode_recv_bitmap_msg(out->data + 4, 9,
                                                         name, NOERR));
        g_assert_cmpstr(name, ==, "cr16.ram");
        g_assert_true(rp_postcopy_decode_recv_bitmap_data(out->data + 13,
                                                          out->len - 13,
                                                          BLOCK_SIZE / PAGE,
                                                          back, &used, NOERR));
        g_assert_cmphex(back[0], ==, 0x6);
    }
    fixture_teardown(&f);
}

static void test_pause_resume(void)
{
    Fixture f;
    Toucher t;
    Req q;
    uint8_t page[PAGE];

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    postcopy_dest_pause(f.d);
    toucher_start(&t, f.host + 0x9000);
    wait_faults(f.d, 1);
    /* no return path while paused: recorded, not requested */
    g_assert_cmpuint(recorder_count(&f.rec), ==, 0);
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 1);

    postcopy_dest_resume(f.d);
    q = recorder_wait(&f.rec, 1);
    g_assert_cmphex(q.offset, ==, 0x9000);
    memset(page, 0x5a, PAGE);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x9000, page, NOERR));
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, 0x5a);
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 0);
    fixture_teardown(&f);
}

/* A vCPU thread waits for its page; its registration starts first. */
typedef struct Vcpu {
    Toucher t;
    GMutex lock;
    GCond cond;
    int state;          /* 0 start, 1 registered, 2 go */
} Vcpu;

static gpointer vcpu_fn(gpointer opaque)
{
    Vcpu *v = opaque;

    postcopy_register_vcpu_thread(0);
    g_mutex_lock(&v->lock);
    v->state = 1;
    g_cond_broadcast(&v->cond);
    while (v->state != 2) {
        g_cond_wait(&v->cond, &v->lock);
    }
    g_mutex_unlock(&v->lock);
    toucher_read(&v->t);
    postcopy_unregister_vcpu_thread(0);
    return NULL;
}

static void test_blocktime(void)
{
    Fixture f = { 0 };
    Vcpu v = { 0 };
    Toucher other;
    PostcopyBlocktimeInfo info;
    uint64_t sum = 0;
    PostcopyDestConfig cfg = {
        .request = record_request,
        .opaque = &f.rec,
        .blocktime = true,
    };

    if (!postcopy_test_need_uffd()) {
        return;
    }
    if (!postcopy_ram_thread_id_supported()) {
        g_test_skip("the kernel does not report faulting thread ids "
                    "(UFFD_FEATURE_THREAD_ID), so faults cannot be "
                    "attributed to vCPUs");
        return;
    }
    g_mutex_init(&v.lock);
    g_cond_init(&v.cond);
    v.t.addr = NULL;
    v.t.thread = g_thread_new("vcpu0", vcpu_fn, &v);
    g_mutex_lock(&v.lock);
    while (v.state != 1) {
        g_cond_wait(&v.cond, &v.lock);
    }
    g_mutex_unlock(&v.lock);
    g_assert_cmpuint(postcopy_nr_vcpus(), ==, 1);

    f.rb = ram_block_new("pt.ram", BLOCK_SIZE, false, -1, 0, NOERR);
    f.host = ram_block_host(f.rb);
    recorder_init(&f.rec);
    cfg.blocks = &f.rb;
    cfg.nr_blocks = 1;
    f.d = postcopy_dest_new(&cfg, NOERR);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));

    g_mutex_lock(&v.lock);
    v.t.addr = f.host + 0x2000;
    v.state = 2;
    g_cond_broadcast(&v.cond);
    g_mutex_unlock(&v.lock);
    recorder_wait(&f.rec, 1);
    toucher_start(&other, f.host + 0x6000);
    recorder_wait(&f.rec, 2);
    /* each wait lasts at least 3 ms: the figures have a floor */
    g_usleep(3000);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x2000, NULL, NOERR));
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x6000, NULL, NOERR));
    toucher_join(&other);
    g_thread_join(v.t.thread);

    g_assert_true(postcopy_dest_get_blocktime(f.d, &info));
    g_assert_cmpuint(info.nr_vcpus, ==, 1);
    g_assert_cmpuint(info.faults, ==, 2);
    g_assert_cmpuint(info.vcpu_faults, ==, 1);
    g_assert_cmpuint(info.non_vcpu_faults, ==, 1);
    g_assert_cmpuint(info.vcpu_blocktime_ms[0], >=, 3);
    /* one vCPU: the guest stalled exactly while it waited */
    g_assert_cmpuint(info.blocktime_ms, ==, info.vcpu_blocktime_ms[0]);
    g_assert_cmpuint(info.vcpu_latency_ns[0], >=, 3000000);
    g_assert_cmpuint(info.non_vcpu_latency_ns, >=, 3000000);
    g_assert_cmpuint(info.latency_ns, ==,
                     (info.vcpu_latency_ns[0] + info.non_vcpu_latency_ns) / 2);
    for (int i = 0; i < POSTCOPY_LATENCY_BUCKETS; i++) {
        sum += info.latency_dist[i];
        /* >= 3 ms = 3000 us lands in bucket 11 or above */
        if (i < 11) {
            g_assert_cmpuint(info.latency_dist[i], ==, 0);
        }
    }
    g_assert_cmpuint(sum, ==, info.faults);
    postcopy_blocktime_info_clear(&info);
    g_cond_clear(&v.cond);
    g_mutex_clear(&v.lock);
    fixture_teardown(&f);
}

static gpointer free_dest(gpointer opaque)
{
    postcopy_dest_free(opaque);
    return NULL;
}

/* The source is gone and a thread still waits: teardown must not hang. */
static void test_teardown_with_outstanding_fault(void)
{
    Fixture f;
    Toucher t;
    GThread *th;
    gint64 deadline;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    toucher_start(&t, f.host + 0xa000);
    recorder_wait(&f.rec, 1);

    th = g_thread_new("free", free_dest, f.d);
    f.d = NULL;
    deadline = g_get_monotonic_time() + DEADLINE_US;
    /* the waiting thread is released by the unregistration */
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, 0);
    g_assert_cmpint(g_get_monotonic_time(), <, deadline);
    g_thread_join(th);
    fixture_teardown(&f);
}

static void test_not_supported_message(void)
{
    /* The probe result agrees with what a PostcopyDest can do. */
    GError *err = NULL;
    bool ok = postcopy_ram_supported_by_host(&err);

    if (ok) {
        g_assert_null(err);
    } else {
        g_assert_nonnull(err);
        g_assert_cmpstr(err->message, !=, "");
        g_clear_error(&err);
    }
}

/* ---- vCPU-side stall (postcopy-stall.h) ---- */

static void test_stall_percentiles(void)
{
    PostcopyStallStats st;

    postcopy_stall_reset();
    postcopy_stall_get(&st);
    g_assert_cmpuint(st.count, ==, 0);
    g_assert_cmpuint(st.p50_ns, ==, 0);
    /* 100..1 in reverse: the recorder sorts. */
    for (uint64_t i = 100; i >= 1; i--) {
        postcopy_stall_record(i * 1000);
    }
    postcopy_stall_get(&st);
    g_assert_cmpuint(st.count, ==, 100);
    g_assert_cmpuint(st.sampled, ==, 100);
    g_assert_cmpuint(st.p50_ns, ==, 50000);
    g_assert_cmpuint(st.p90_ns, ==, 90000);
    g_assert_cmpuint(st.p99_ns, ==, 99000);
    g_assert_cmpuint(st.max_ns, ==, 100000);
    g_assert_cmpuint(st.mean_ns, ==, 50500);
    postcopy_stall_reset();
}

typedef struct Prober {
    RAMBlock *rb;
    ram_addr_t offset;
    const uint8_t *host;
    int done;                   /* atomic */
    GThread *thread;
} Prober;

static gpointer prober_fn(gpointer opaque)
{
    Prober *p = opaque;

    postcopy_stall_probe(p->rb, p->offset, p->host);
    qatomic_set(&p->done, 1);
    return NULL;
}

/* A probe of a missing page blocks until placement and counts the whole
 * wait; received pages and a disarmed probe count nothing. */
static void test_stall_probe(void)
{
    const uint64_t hold_ns = 3 * 1000 * 1000;
    PostcopyStallStats st;
    uint8_t page[PAGE];
    Prober p = { 0 };
    Fixture f;
    gint64 t0;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, 0, false);
    postcopy_stall_record(1);           /* dropped by the arming below */
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    g_assert_false(postcopy_stall_armed);     /* opt-in */
    postcopy_stall_arm(f.d);
    g_assert_true(postcopy_stall_armed);
    p = (Prober) { f.rb, 0x6000, f.host + 0x6000, 0, NULL };
    p.thread = g_thread_new("prober", prober_fn, &p);
    recorder_wait(&f.rec, 1);
    /* Hold the page back for a known time: the stall cannot be shorter. */
    t0 = g_get_monotonic_time();
    while ((uint64_t)(g_get_monotonic_time() - t0) * 1000 < hold_ns) {
        g_usleep(500);
    }
    g_assert_false(qatomic_read(&p.done));
    fill(page, PAGE, 0x21);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 0x6000, page, NOERR));
    g_thread_join(p.thread);
    postcopy_stall_get(&st);
    g_assert_cmpuint(st.count, ==, 1);
    g_assert_cmpuint(st.max_ns, >=, hold_ns);
    /* received: no stall */
    postcopy_stall_probe(f.rb, 0x6000, f.host + 0x6000);
    postcopy_stall_get(&st);
    g_assert_cmpuint(st.count, ==, 1);
    fixture_teardown(&f);
    /* disarmed with the destination; the samples stay readable */
    g_assert_false(postcopy_stall_armed);
    postcopy_stall_get(&st);
    g_assert_cmpuint(st.count, ==, 1);
    postcopy_stall_reset();
}

int main(int argc, char **argv)
{
    GError *err = NULL;

    g_test_init(&argc, &argv, NULL);
    if (!postcopy_ram_supported_by_host(&err)) {
        postcopy_test_uffd_missing =
            g_strdup_printf("Postcopy is not supported: %s", err->message);
        g_clear_error(&err);
    }
    g_test_add_func("/postcopy-ram/probe", test_not_supported_message);
    g_test_add_func("/postcopy-ram/fault-and-place", test_fault_and_place);
    g_test_add_func("/postcopy-ram/zero-page", test_zero_page);
    g_test_add_func("/postcopy-ram/placed-observer", test_placed_observer);
    g_test_add_func("/postcopy-ram/host-page-assembly",
                    test_host_page_assembly);
    g_test_add_func("/postcopy-ram/concurrent-faults-deduplicated",
                    test_concurrent_faults_deduplicated);
    g_test_add_func("/postcopy-ram/discard-faults-again",
                    test_discard_faults_again);
    g_test_add_func("/postcopy-ram/pause-resume", test_pause_resume);
    g_test_add_func("/postcopy-ram/blocktime", test_blocktime);
    g_test_add_func("/postcopy-ram/teardown-with-outstanding-fault",
                    test_teardown_with_outstanding_fault);
    g_test_add_func("/postcopy-ram/stall-percentiles",
                    test_stall_percentiles);
    g_test_add_func("/postcopy-ram/stall-probe", test_stall_probe);
    return g_test_run();
}

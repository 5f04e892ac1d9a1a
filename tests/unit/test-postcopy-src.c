/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the postcopy source pieces: the page request queue
 * (ordering, block-name carry-over, checks, thread safety), the
 * RAM_DISCARD commands generated from dirty bitmaps (byte-exact, with the
 * wire-format spec's example) and their decoder, the host-page alignment
 * rule and the recovery bitmap.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "system/memory.h"
#include "migration/postcopy-discard.h"
#include "migration/postcopy-src.h"

/*
 * For calls that must succeed: checks the previous such call left no
 * error (a failing one is caught by the assertion on its result, and the
 * message is printed here or by the next use).
 */
static GError *noerr_slot;
static GError **noerr(void)
{
    g_assert_no_error(noerr_slot);
    return &noerr_slot;
}
#define NOERR noerr()

#define KiB 1024ULL
#define PAGE 4096ULL

static unsigned long *bitmap_of(const char *pattern, uint64_t *nbits)
{
    uint64_t n = strlen(pattern);
    unsigned long *map = g_new0(unsigned long,
                                DIV_ROUND_UP(n ? n : 1, BITS_PER_LONG));

    for (uint64_t k = 0; k < n; k++) {
        if (pattern[k] == '1') {
            map[k / BITS_PER_LONG] |= 1UL << (k % BITS_PER_LONG);
        }
    }
    *nbits = n;
    return map;
}

static char *pattern_of(const unsigned long *map, uint64_t nbits)
{
    char *s = g_malloc(nbits + 1);

    for (uint64_t k = 0; k < nbits; k++) {
        s[k] = (map[k / BITS_PER_LONG] >> (k % BITS_PER_LONG)) & 1 ? '1' : '0';
    }
    s[nbits] = 0;
    return s;
}

/* ---- request queue ---- */

typedef struct Blocks {
    RAMBlock *ram;      /* "pc.t.ram", 64 KiB */
    RAMBlock *rom;      /* "pc.t.rom", 16 KiB */
} Blocks;

static void blocks_init(Blocks *b)
{
    b->ram = ram_block_new("pc.t.ram", 64 * KiB, false, -1, 0, NOERR);
    b->rom = ram_block_new("pc.t.rom", 16 * KiB, false, -1, 0, NOERR);
}

static void blocks_cleanup(Blocks *b)
{
    ram_block_free(b->ram);
    ram_block_free(b->rom);
}

static void take_expect(PostcopySrcQueue *q, RAMBlock *rb, ram_addr_t off)
{
    RAMBlock *got;
    ram_addr_t o;
    uint64_t len;

    g_assert_true(postcopy_src_take_page(q, &got, &o, &len));
    g_assert_true(got == rb);
    g_assert_cmphex(o, ==, off);
    g_assert_cmpuint(len, ==, PAGE);
}

static void test_queue_order_and_carry_over(void)
{
    Blocks b;
    g_autoptr(PostcopySrcQueue) q = NULL;
    RAMBlock *rb;
    ram_addr_t off;
    uint64_t len;

    blocks_init(&b);
    q = postcopy_src_queue_new(NULL, NULL, 0);
    g_assert_false(postcopy_src_take_page(q, &rb, &off, &len));

    g_assert_true(postcopy_src_queue_request(q, "pc.t.ram", 0x3000, PAGE,
                                             NOERR));
    /* REQ_PAGES: same block as the last REQ_PAGES_ID, two pages. */
    g_assert_true(postcopy_src_queue_request(q, NULL, 0x8000, 2 * PAGE,
                                             NOERR));
    g_assert_true(postcopy_src_queue_request(q, "pc.t.rom", 0x1000, PAGE,
                                             NOERR));
    g_assert_true(postcopy_src_queue_request(q, NULL, 0x0, PAGE,
                                             NOERR));
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==, 4);
    g_assert_cmpuint(postcopy_src_queue_pending_pages(q), ==, 5);

    take_expect(q, b.ram, 0x3000);
    take_expect(q, b.ram, 0x8000);
    take_expect(q, b.ram, 0x9000);
    take_expect(q, b.rom, 0x1000);
    take_expect(q, b.rom, 0x0);
    g_assert_false(postcopy_src_take_page(q, &rb, &off, &len));
    g_assert_cmpuint(postcopy_src_queue_pending_pages(q), ==, 0);
    blocks_cleanup(&b);
}

/*
 * The return-path thread resolves every request (counted, carry-over
 * block remembered) but queues only those it does not send itself.
 */
static void test_resolve_then_push(void)
{
    Blocks b;
    g_autoptr(PostcopySrcQueue) q = NULL;
    RAMBlock *rb = NULL, *got;
    ram_addr_t off;
    uint64_t len;

    blocks_init(&b);
    q = postcopy_src_queue_new(NULL, NULL, 0);
    g_assert_true(postcopy_src_resolve_request(q, "pc.t.ram", 0x3000, PAGE,
                                               &rb, NOERR));
    g_assert_true(rb == b.ram);
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==, 0);
    /* Served directly: counted, nothing queued, the block carries over. */
    postcopy_src_count_served(q);
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==, 1);
    g_assert_cmpuint(postcopy_src_queue_pending_pages(q), ==, 0);
    g_assert_false(postcopy_src_take_page(q, &got, &off, &len));
    rb = NULL;
    g_assert_true(postcopy_src_resolve_request(q, NULL, 0x8000, 2 * PAGE,
                                               &rb, NOERR));
    g_assert_true(rb == b.ram);
    g_assert_true(postcopy_src_queue_push(q, rb, 0x8000, 2 * PAGE, NOERR));
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==, 2);
    g_assert_cmpuint(postcopy_src_queue_pending_pages(q), ==, 2);
    take_expect(q, b.ram, 0x8000);
    take_expect(q, b.ram, 0x9000);
    blocks_cleanup(&b);
}

static void test_queue_checks(void)
{
    Blocks b;
    g_autoptr(PostcopySrcQueue) q = NULL;
    GError *err = NULL;

    blocks_init(&b);
    q = postcopy_src_queue_new(NULL, NULL, 0);

    g_assert_false(postcopy_src_queue_request(q, NULL, 0, PAGE, &err));
    g_assert_nonnull(strstr(err->message, "without a previous REQ_PAGES_ID"));
    g_clear_error(&err);

    g_assert_false(postcopy_src_queue_request(q, "nope", 0, PAGE, &err));
    g_assert_nonnull(strstr(err->message, "Can't find block 'nope'"));
    g_clear_error(&err);

    g_assert_false(postcopy_src_queue_request(q, "pc.t.ram", 0x800, PAGE,
                                              &err));
    g_assert_nonnull(strstr(err->message, "Misaligned page request"));
    g_clear_error(&err);
    g_assert_false(postcopy_src_queue_request(q, "pc.t.ram", 0, 100, &err));
    g_assert_nonnull(strstr(err->message, "Misaligned page request"));
    g_clear_error(&err);
    g_assert_false(postcopy_src_queue_request(q, "pc.t.ram", 0, 0, &err));
    g_assert_nonnull(strstr(err->message, "Misaligned"));
    g_clear_error(&err);

    g_assert_false(postcopy_src_queue_request(q, "pc.t.ram", 64 * KiB, PAGE,
                                              &err));
    g_assert_nonnull(strstr(err->message, "outside"));
    g_clear_error(&err);
    /* start + len wrapping must not pass the bound check */
    g_assert_false(postcopy_src_queue_request(q, "pc.t.ram", 0xf000,
                                              UINT64_MAX - 0xfff, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    /* A host page size bigger than the target page. */
    postcopy_src_queue_free(q);
    q = postcopy_src_queue_new(NULL, NULL, 2 * PAGE);
    g_assert_false(postcopy_src_queue_request(q, "pc.t.ram", PAGE, 2 * PAGE,
                                              &err));
    g_assert_nonnull(strstr(err->message, "Misaligned page request"));
    g_clear_error(&err);
    g_assert_true(postcopy_src_queue_request(q, "pc.t.ram", 2 * PAGE,
                                             2 * PAGE, NOERR));
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==, 1);
    blocks_cleanup(&b);
}

static void test_queue_reset_forgets_block(void)
{
    Blocks b;
    g_autoptr(PostcopySrcQueue) q = NULL;
    GError *err = NULL;
    RAMBlock *rb;
    ram_addr_t off;
    uint64_t len;

    blocks_init(&b);
    q = postcopy_src_queue_new(NULL, NULL, 0);
    g_assert_true(postcopy_src_queue_request(q, "pc.t.ram", 0, 4 * PAGE,
                                             NOERR));
    postcopy_src_queue_reset(q);
    g_assert_false(postcopy_src_take_page(q, &rb, &off, &len));
    g_assert_false(postcopy_src_queue_request(q, NULL, 0, PAGE, &err));
    g_clear_error(&err);
    blocks_cleanup(&b);
}

/* A destination flooding requests is stopped at a fixed queue length;
 * taking pages makes room again. */
static void test_queue_bound(void)
{
    Blocks b;
    g_autoptr(PostcopySrcQueue) q = NULL;
    GError *err = NULL;
    RAMBlock *rb;
    ram_addr_t off;
    uint64_t len;

    blocks_init(&b);
    q = postcopy_src_queue_new(NULL, NULL, 0);
    for (unsigned i = 0; i < POSTCOPY_SRC_QUEUE_MAX; i++) {
        g_assert_true(postcopy_src_queue_request(q, "pc.t.ram", 0, PAGE,
                                                 NOERR));
    }
    g_assert_false(postcopy_src_queue_request(q, NULL, PAGE, PAGE, &err));
    g_assert_nonnull(strstr(err->message, "Too many outstanding"));
    g_clear_error(&err);
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==,
                     POSTCOPY_SRC_QUEUE_MAX);
    g_assert_true(postcopy_src_take_page(q, &rb, &off, &len));
    g_assert_true(postcopy_src_queue_request(q, NULL, PAGE, PAGE, NOERR));
    blocks_cleanup(&b);
}

static RAMBlock *scope_lookup(const char *name, void *opaque)
{
    Blocks *b = opaque;

    return !strcmp(name, "cr16.ram") ? b->ram : NULL;
}

static void test_queue_lookup_scope(void)
{
    Blocks b;
    g_autoptr(PostcopySrcQueue) q = NULL;
    GError *err = NULL;

    blocks_init(&b);
    q = postcopy_src_queue_new(scope_lookup, &b, 0);
    g_assert_true(postcopy_src_queue_request(q, "cr16.ram", 0, PAGE,
                                             NOERR));
    g_assert_false(postcopy_src_queue_request(q, "pc.t.rom", 0, PAGE, &err));
    g_clear_error(&err);
    take_expect(q, b.ram, 0);
    blocks_cleanup(&b);
}

#define PRODUCERS 4
#define PER_PRODUCER 2000

typedef struct QueueRace {
    PostcopySrcQueue *q;
    int id;
} QueueRace;

static gpointer producer(gpointer opaque)
{
    QueueRace *r = opaque;

    for (int i = 0; i < PER_PRODUCER; i++) {
        /* offset encodes (producer, sequence) so order is checkable */
        uint64_t page = (uint64_t)r->id * PER_PRODUCER + i;

        g_assert_true(postcopy_src_queue_request(r->q, "pc.t.big",
                                                 page * PAGE, PAGE,
                                                 NOERR));
    }
    return NULL;
}

static void test_queue_threads(void)
{
    RAMBlock *big = ram_block_new("pc.t.big", PRODUCERS * PER_PRODUCER * PAGE,
                                  false, -1, 0, NOERR);
    g_autoptr(PostcopySrcQueue) q = postcopy_src_queue_new(NULL, NULL, 0);
    QueueRace r[PRODUCERS];
    GThread *t[PRODUCERS];
    int last[PRODUCERS];
    unsigned got = 0;
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    for (int i = 0; i < PRODUCERS; i++) {
        last[i] = -1;
        r[i] = (QueueRace) { q, i };
        t[i] = g_thread_new("producer", producer, &r[i]);
    }
    /*
     * Each REQ_PAGES carries no name: with several producers the
     * carry-over is meaningless, so every request names its block.
     */
    while (got < PRODUCERS * PER_PRODUCER) {
        RAMBlock *rb;
        ram_addr_t off;
        uint64_t len;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (!postcopy_src_take_page(q, &rb, &off, &len)) {
            postcopy_src_queue_wait(q, g_get_monotonic_time() + 100000);
            continue;
        }
        uint64_t page = off / PAGE;
        int id = page / PER_PRODUCER, seq = page % PER_PRODUCER;

        g_assert_true(rb == big);
        /* One producer's requests come out in the order it queued them. */
        g_assert_cmpint(seq, ==, last[id] + 1);
        last[id] = seq;
        got++;
    }
    for (int i = 0; i < PRODUCERS; i++) {
        g_thread_join(t[i]);
    }
    g_assert_cmpuint(postcopy_src_queue_requests(q), ==,
                     PRODUCERS * PER_PRODUCER);
    ram_block_free(big);
}

static gpointer kicker(gpointer opaque)
{
    postcopy_src_queue_kick(opaque);
    return NULL;
}

static void test_queue_wait_kick(void)
{
    g_autoptr(PostcopySrcQueue) q = postcopy_src_queue_new(NULL, NULL, 0);
    gint64 t0 = g_get_monotonic_time();
    GThread *t;

    /* Deadline in the past: returns at once, empty. */
    g_assert_false(postcopy_src_queue_wait(q, t0 - 1));
    /* A kick wakes a waiter long before its one-minute deadline. */
    t = g_thread_new("kicker", kicker, q);
    g_assert_false(postcopy_src_queue_wait(q, t0 + 60 * G_USEC_PER_SEC));
    g_thread_join(t);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 30 * G_USEC_PER_SEC);
}

/* ---- discard commands ---- */

typedef struct Sent {
    GPtrArray *cmds;    /* GByteArray payloads */
    int fail_at;        /* -1: never */
} Sent;

static bool record_send(void *opaque, const uint8_t *payload, uint16_t len,
                        GError **errp)
{
    Sent *s = opaque;
    GByteArray *a;

    if ((int)s->cmds->len == s->fail_at) {
        error_setg(errp, "channel broke");
        return false;
    }
    a = g_byte_array_new();
    g_byte_array_append(a, payload, len);
    g_ptr_array_add(s->cmds, a);
    return true;
}

static void sent_init(Sent *s)
{
    s->cmds = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    s->fail_at = -1;
}

static void test_discard_spec_example(void)
{
    /* wire-format 4.2: discard 0x3000 bytes from 0x1000 of cr16.ram */
    static const uint8_t cmd[] = {
        0x08, 0x00, 0x06, 0x00, 0x1b,
        0x00, 0x08, 0x63, 0x72, 0x31, 0x36, 0x2e, 0x72, 0x61, 0x6d, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00,
    };
    uint64_t nbits;
    g_autofree unsigned long *map = bitmap_of("01110000", &nbits);
    Sent s;
    GByteArray *p;
    PostcopyDiscardCmd dc;
    uint64_t start, length;

    sent_init(&s);
    g_assert_cmpint(postcopy_discard_send_block("cr16.ram", map, nbits, PAGE,
                                                record_send, &s,
                                                NOERR), ==, 1);
    p = s.cmds->pdata[0];
    g_assert_cmpuint(p->len, ==, cmd[4]);
    g_assert_cmpmem(p->data, p->len, cmd + 5, sizeof(cmd) - 5);

    g_assert_true(postcopy_discard_decode(cmd + 5, sizeof(cmd) - 5, &dc,
                                          NOERR));
    g_assert_cmpstr(dc.name, ==, "cr16.ram");
    g_assert_cmpuint(dc.nr_ranges, ==, 1);
    postcopy_discard_range(&dc, 0, &start, &length);
    g_assert_cmphex(start, ==, 0x1000);
    g_assert_cmphex(length, ==, 0x3000);
    g_ptr_array_unref(s.cmds);
}

static void test_discard_runs_and_split(void)
{
    /* 14 runs (incl. one at bit 0 and one at the end crossing a word) */
    GString *pat = g_string_new(NULL);
    uint64_t nbits;
    g_autofree unsigned long *map = NULL;
    Sent s;
    uint64_t expect_start[14], expect_len[14];
    int runs = 0;

    for (int i = 0; i < 13; i++) {
        /* run i: i+1 dirty pages then 2 clean */
        expect_start[runs] = pat->len * PAGE;
        expect_len[runs] = (i + 1) * PAGE;
        runs++;
        for (int k = 0; k <= i; k++) {
            g_string_append_c(pat, '1');
        }
        g_string_append(pat, "00");
    }
    expect_start[runs] = pat->len * PAGE;
    expect_len[runs] = 70 * PAGE;
    runs++;
    for (int k = 0; k < 70; k++) {
        g_string_append_c(pat, '1');
    }
    map = bitmap_of(pat->str, &nbits);

    sent_init(&s);
    g_assert_cmpint(postcopy_discard_send_block("b", map, nbits, PAGE,
                                                record_send, &s,
                                                NOERR), ==, 2);
    for (int c = 0, r = 0; c < 2; c++) {
        GByteArray *p = s.cmds->pdata[c];
        PostcopyDiscardCmd dc;
        size_t want = c == 0 ? 12 : 2;

        g_assert_cmpuint(p->len, ==, 3 + 1 + 16 * want);
        g_assert_cmpmem(p->data, 4, "\x00\x01" "b" "\x00", 4);
        g_assert_true(postcopy_discard_decode(p->data, p->len, &dc,
                                              NOERR));
        g_assert_cmpuint(dc.nr_ranges, ==, want);
        for (size_t i = 0; i < want; i++, r++) {
            uint64_t start, length;

            postcopy_discard_range(&dc, i, &start, &length);
            g_assert_cmphex(start, ==, expect_start[r]);
            g_assert_cmphex(length, ==, expect_len[r]);
        }
    }
    g_ptr_array_unref(s.cmds);
    g_string_free(pat, TRUE);
}

static void test_discard_empty_and_errors(void)
{
    uint64_t nbits;
    g_autofree unsigned long *clean = bitmap_of("0000000000", &nbits);
    g_autofree unsigned long *full = NULL;
    GString *pat = g_string_new(NULL);
    GError *err = NULL;
    Sent s;

    sent_init(&s);
    g_assert_cmpint(postcopy_discard_send_block("b", clean, nbits, PAGE,
                                                record_send, &s,
                                                NOERR), ==, 0);
    g_assert_cmpuint(s.cmds->len, ==, 0);
    g_assert_cmpint(postcopy_discard_send_block("", clean, nbits, PAGE,
                                                record_send, &s, &err), ==, -1);
    g_assert_nonnull(strstr(err->message, "block name"));
    g_clear_error(&err);

    /* 13 single-page runs: the sender fails on the second command */
    for (int i = 0; i < 13; i++) {
        g_string_append(pat, "10");
    }
    full = bitmap_of(pat->str, &nbits);
    s.fail_at = 1;
    g_assert_cmpint(postcopy_discard_send_block("b", full, nbits, PAGE,
                                                record_send, &s, &err), ==, -1);
    g_assert_cmpstr(err->message, ==, "channel broke");
    g_clear_error(&err);
    g_ptr_array_unref(s.cmds);
    g_string_free(pat, TRUE);
}

static void test_discard_decode_rejects(void)
{
    static const uint8_t good[] = {
        0x00, 0x01, 'b', 0x00,
        0, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0x10, 0x00,
    };
    uint8_t bad[sizeof(good) + 16];
    PostcopyDiscardCmd dc;
    GError *err = NULL;

    g_assert_true(postcopy_discard_decode(good, sizeof(good), &dc,
                                          NOERR));
    /* every truncation fails */
    for (size_t n = 0; n < sizeof(good); n++) {
        g_assert_false(postcopy_discard_decode(good, n, &dc, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
    memcpy(bad, good, sizeof(good));
    bad[0] = 1;
    g_assert_false(postcopy_discard_decode(bad, sizeof(good), &dc, &err));
    g_assert_nonnull(strstr(err->message, "invalid version"));
    g_clear_error(&err);

    memcpy(bad, good, sizeof(good));
    bad[3] = 7;
    g_assert_false(postcopy_discard_decode(bad, sizeof(good), &dc, &err));
    g_assert_nonnull(strstr(err->message, "missing nil"));
    g_clear_error(&err);

    memcpy(bad, good, sizeof(good));
    bad[1] = 200;       /* name runs past the end */
    g_assert_false(postcopy_discard_decode(bad, sizeof(good), &dc, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    memcpy(bad, good, sizeof(good));
    memset(bad + sizeof(good), 0, 8);   /* ranges not a multiple of 16 */
    g_assert_false(postcopy_discard_decode(bad, sizeof(good) + 8, &dc, &err));
    g_assert_nonnull(strstr(err->message, "multiple of 16"));
    g_clear_error(&err);
}

/* ---- host-page alignment and recovery ---- */

static void test_align_host_pages(void)
{
    static const struct {
        const char *in, *out;
        uint64_t per_host;
        uint64_t added;
    } cases[] = {
        { "01000000", "11000000", 2, 1 },
        { "01000000", "11110000", 4, 3 },
        { "10010001", "11111111", 4, 5 },
        { "11110000", "11110000", 4, 0 },
        { "00000000", "00000000", 4, 0 },
        { "0100100001", "0100100001", 1, 0 },
        /* a partial last host page (block not a multiple) stays in bounds */
        { "000000001", "000000001", 1, 0 },
        { "0000001", "0000111", 4, 2 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint64_t nbits;
        g_autofree unsigned long *map = bitmap_of(cases[i].in, &nbits);
        g_autofree char *got = NULL;

        g_assert_cmpuint(postcopy_src_align_host_pages(map, nbits,
                                                       cases[i].per_host),
                         ==, cases[i].added);
        got = pattern_of(map, nbits);
        g_assert_cmpstr(got, ==, cases[i].out);
    }

    /* Across words: 64 + 8 pages, host pages of 8, bit 63 and bit 64. */
    {
        g_autofree char *in = g_strnfill(72, '0');
        g_autofree char *want = g_strnfill(72, '0');
        uint64_t nbits;
        g_autofree unsigned long *map = NULL;
        g_autofree char *got = NULL;

        in[63] = in[64] = '1';
        memset(want + 56, '1', 16);
        map = bitmap_of(in, &nbits);
        g_assert_cmpuint(postcopy_src_align_host_pages(map, nbits, 8), ==,
                         14);
        got = pattern_of(map, nbits);
        g_assert_cmpstr(got, ==, want);
    }
}

static void test_dirty_from_received(void)
{
    uint64_t nbits;
    g_autofree unsigned long *recv = bitmap_of("1101000001111", &nbits);
    g_autofree unsigned long *dirty = g_new0(unsigned long, 1);
    g_autofree char *got = NULL;

    g_assert_cmpuint(postcopy_src_dirty_from_received(dirty, recv, nbits), ==,
                     6);
    got = pattern_of(dirty, nbits);
    g_assert_cmpstr(got, ==, "0010111110000");
    /* bits past nbits stay clear */
    g_assert_cmphex(dirty[0] >> nbits, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/postcopy-src/queue/order-carry-over",
                    test_queue_order_and_carry_over);
    g_test_add_func("/postcopy-src/queue/checks", test_queue_checks);
    g_test_add_func("/postcopy-src/queue/resolve-push",
                    test_resolve_then_push);
    g_test_add_func("/postcopy-src/queue/reset", test_queue_reset_forgets_block);
    g_test_add_func("/postcopy-src/queue/lookup", test_queue_lookup_scope);
    g_test_add_func("/postcopy-src/queue/bound", test_queue_bound);
    g_test_add_func("/postcopy-src/queue/threads", test_queue_threads);
    g_test_add_func("/postcopy-src/queue/wait-kick", test_queue_wait_kick);
    g_test_add_func("/postcopy-src/discard/spec-example",
                    test_discard_spec_example);
    g_test_add_func("/postcopy-src/discard/runs-split-12",
                    test_discard_runs_and_split);
    g_test_add_func("/postcopy-src/discard/empty-errors",
                    test_discard_empty_and_errors);
    g_test_add_func("/postcopy-src/discard/decode-rejects",
                    test_discard_decode_rejects);
    g_test_add_func("/postcopy-src/align-host-pages", test_align_host_pages);
    g_test_add_func("/postcopy-src/dirty-from-received",
                    test_dirty_from_received);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "ram" entry end to end: source blocks are saved through the
 * SaveVMHandlers into a channel and loaded into separate destination
 * blocks (a RAMBlockScope gives both sets the same wire names), then
 * compared. Also: the exact bytes of a small stream (wire 9), dirty pages
 * found by the next sync, XBZRLE, and every malformed record rejected
 * with its message.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>

#include "migration/qemu-file.h"
#include "migration/migration-stats.h"
#include "migration/ram.h"
#include "migration/ram-internal.h"
#include "ram-test-env.h"

#define PAGE TARGET_PAGE_SIZE

/* ---- blocks ---- */

typedef struct Side {
    RAMBlock *blocks[2];
    const char *names[2];
    RAMBlockScope scope;
} Side;

static const char *const wire_names[2] = { "cr16.ram", "mig.mem" };

static void side_init(Side *s, const char *prefix, const uint64_t *pages,
                      size_t nr)
{
    for (size_t i = 0; i < nr; i++) {
        g_autofree char *name = g_strdup_printf("%s-%zu", prefix, i);
        g_autoptr(GError) err = NULL;

        s->blocks[i] = ram_block_new(name, pages[i] * PAGE, false, -1, 0,
                                     &err);
        g_assert_no_error(err);
        s->names[i] = wire_names[i];
    }
    s->scope.nr = nr;
    s->scope.blocks = s->blocks;
    s->scope.names = s->names;
}

static void side_free(Side *s)
{
    for (size_t i = 0; i < s->scope.nr; i++) {
        ram_block_free(s->blocks[i]);
    }
}

static uint8_t *page_ptr(Side *s, size_t b, uint64_t page)
{
    return (uint8_t *)ram_block_host(s->blocks[b]) + page * PAGE;
}

/* A guest store: data, then the bits the store path would set. */
static void guest_write(Side *s, size_t b, uint64_t offset, const void *buf,
                        size_t len)
{
    memcpy((uint8_t *)ram_block_host(s->blocks[b]) + offset, buf, len);
    ram_block_set_dirty(s->blocks[b], offset, len);
}

static void assert_sides_equal(Side *src, Side *dst)
{
    for (size_t b = 0; b < src->scope.nr; b++) {
        uint64_t len = ram_block_used_length(src->blocks[b]);

        for (uint64_t off = 0; off < len; off += PAGE) {
            if (memcmp(page_ptr(src, b, off / PAGE),
                       page_ptr(dst, b, off / PAGE), PAGE)) {
                g_error("block %zu page 0x%" PRIx64 " differs", b, off);
            }
        }
    }
}

/* ---- the stream, captured in memory ---- */

typedef struct Capture {
    MigChannel *ch;
    QEMUFile *f;
    int sections;
} Capture;

static void capture_init(Capture *c)
{
    c->ch = mig_channel_new_mem(NULL, 0, "ram-out");
    c->f = qemu_file_new_output(c->ch);
    c->sections = 0;
}

static GBytes *capture_finish(Capture *c)
{
    GBytes *bytes;

    g_assert_cmpint(qemu_fclose(c->f), ==, 0);
    bytes = mig_channel_mem_get_bytes(c->ch);
    mig_channel_unref(c->ch);
    return bytes;
}

static void save_setup(Capture *c, Side *src)
{
    g_autoptr(GError) err = NULL;

    migration_stats_reset();
    g_assert_true(ram_save_handlers.save_setup(c->f, &src->scope, &err));
    g_assert_no_error(err);
    c->sections++;
}

static int save_iterate(Capture *c)
{
    g_autoptr(GError) err = NULL;
    int r = ram_save_handlers.save_live_iterate(c->f, NULL, &err);

    g_assert_no_error(err);
    g_assert_cmpint(r, >=, 0);
    c->sections++;
    return r;
}

static void save_complete(Capture *c)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(ram_save_handlers.save_live_complete_precopy(c->f, NULL,
                                                               &err));
    g_assert_no_error(err);
    c->sections++;
    ram_save_handlers.save_cleanup(NULL);
}

static uint64_t pending_exact(void)
{
    uint64_t must = 0, can = 0;

    ram_save_handlers.state_pending_exact(NULL, &must, &can);
    return must + can;
}

/* Load `sections` section bodies; the input must end exactly there. */
static bool load_bytes(const void *data, size_t len, int sections,
                       Side *dst, GError **errp)
{
    MigChannel *ch = mig_channel_new_mem(data, len, "ram-in");
    QEMUFile *f = qemu_file_new_input(ch);
    bool ok = true;

    mig_channel_unref(ch);
    g_assert_true(ram_save_handlers.load_setup(f, &dst->scope, NULL));
    for (int i = 0; ok && i < sections; i++) {
        ok = ram_save_handlers.load_state(f, &dst->scope, RAM_SECTION_VERSION,
                                          errp);
    }
    if (ok) {
        g_assert_cmpint(qemu_peek_byte(f, 0), ==, -1);
    }
    ram_save_handlers.load_cleanup(NULL);
    qemu_fclose(f);
    return ok;
}

static void load_all(GBytes *bytes, int sections, Side *dst)
{
    g_autoptr(GError) err = NULL;
    gsize len;
    const void *data = g_bytes_get_data(bytes, &len);

    g_assert_true(load_bytes(data, len, sections, dst, &err));
    g_assert_no_error(err);
}

static void fill_random(GRand *r, uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = g_rand_int(r);

        memcpy(p + i, &v, MIN(4, len - i));
    }
}

static void reset_options(void)
{
    ram_test_options.xbzrle = false;
    ram_test_options.xbzrle_cache_size = 64 * 1024 * 1024;
    ram_test_options.zero_page_detection = ZERO_PAGE_DETECTION_MULTIFD;
    ram_test_options_apply();
}

/* ---- golden bytes (wire 9.2, the RAM parts) ---- */

static void put64(GByteArray *a, uint64_t v)
{
    uint64_t be = GUINT64_TO_BE(v);

    g_byte_array_append(a, (const uint8_t *)&be, 8);
}

static void put_name(GByteArray *a, const char *name)
{
    uint8_t len = strlen(name);

    g_byte_array_append(a, &len, 1);
    g_byte_array_append(a, (const uint8_t *)name, len);
}

static void test_golden_small_stream(void)
{
    static const uint64_t pages[] = { 2 };
    static const uint8_t head[] = { 0x12, 0x34, 0x56, 0x78 };
    g_autoptr(GByteArray) expect = g_byte_array_new();
    g_autoptr(GBytes) got = NULL;
    uint8_t page1[PAGE] = { 0x12, 0x34, 0x56, 0x78 };
    uint8_t zero = 0;
    Side src = { 0 }, dst = { 0 };
    Capture c;

    reset_options();
    side_init(&src, "gold-src", pages, 1);
    side_init(&dst, "gold-dst", pages, 1);
    guest_write(&src, 0, 0x1000, head, sizeof(head));

    capture_init(&c);
    save_setup(&c, &src);
    g_assert_cmpint(save_iterate(&c), ==, 1);
    save_complete(&c);
    got = capture_finish(&c);

    /* START: MEM_SIZE 0x2000, "cr16.ram" 0x2000, EOS */
    put64(expect, 0x2000 | 0x04);
    put_name(expect, "cr16.ram");
    put64(expect, 0x2000);
    put64(expect, 0x10);
    /* PART: zero page 0 (named), page 1 with CONTINUE, EOS */
    put64(expect, 0x0000 | 0x02);
    put_name(expect, "cr16.ram");
    g_byte_array_append(expect, &zero, 1);
    put64(expect, 0x1000 | 0x08 | 0x20);
    g_byte_array_append(expect, page1, PAGE);
    put64(expect, 0x10);
    /* END: nothing left, EOS */
    put64(expect, 0x10);

    g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got),
                    expect->data, expect->len);
    g_assert_cmpuint(mig_stats.zero_pages, ==, 1);
    g_assert_cmpuint(mig_stats.normal_pages, ==, 1);
    g_assert_cmpuint(ram_get_total_transferred_pages(), ==, 2);

    load_all(got, c.sections, &dst);
    assert_sides_equal(&src, &dst);
    side_free(&src);
    side_free(&dst);
}

/* ---- round trips ---- */

static void test_round_trip(void)
{
    static const uint64_t pages[] = { 300, 40 };
    g_autoptr(GBytes) got = NULL;
    GRand *r = g_rand_new_with_seed(7);
    uint8_t buf[PAGE];
    Side src = { 0 }, dst = { 0 };
    Capture c;
    int done = 0;

    reset_options();
    side_init(&src, "rt-src", pages, 2);
    side_init(&dst, "rt-dst", pages, 2);
    /* Random pages, pages written with zeros, never-written pages. */
    for (uint64_t p = 0; p < 300; p++) {
        if (p % 3 == 0) {
            fill_random(r, buf, PAGE);
        } else if (p % 3 == 1) {
            memset(buf, 0, PAGE);
        } else {
            continue;
        }
        guest_write(&src, 0, p * PAGE, buf, PAGE);
    }
    fill_random(r, buf, PAGE);
    guest_write(&src, 1, 39 * PAGE, buf, PAGE);
    /* The destination holds garbage where the source has zeros. */
    memset(buf, 0xee, PAGE);
    for (uint64_t p = 0; p < 300; p += 2) {
        guest_write(&dst, 0, p * PAGE, buf, PAGE);
    }

    capture_init(&c);
    save_setup(&c, &src);
    g_assert_cmpuint(ram_bytes_total(), ==, 340 * PAGE);
    g_assert_cmpuint(ram_bytes_remaining(), ==, 340 * PAGE);
    while (!done) {
        done = save_iterate(&c);
    }
    g_assert_cmpuint(ram_bytes_remaining(), ==, 0);
    g_assert_cmpuint(mig_stats.normal_pages, ==, 100 + 1);
    g_assert_cmpuint(mig_stats.zero_pages, ==, 340 - 101);
    save_complete(&c);
    got = capture_finish(&c);
    load_all(got, c.sections, &dst);
    assert_sides_equal(&src, &dst);
    /*
     * The loader marks what it stored as written (in runs, not per
     * page): every loaded page, nothing else it did not store to.
     */
    for (uint64_t p = 0; p < 300; p++) {
        const unsigned long *w = ram_block_written_bitmap(dst.blocks[0]);
        bool set = (w[p / BITS_PER_LONG] >> (p % BITS_PER_LONG)) & 1;

        g_assert_cmpint(set, ==, p % 3 == 0 || p % 2 == 0);
    }
    g_assert_true((ram_block_written_bitmap(dst.blocks[1])[0] >> 39) & 1);
    g_assert_false((ram_block_written_bitmap(dst.blocks[1])[0] >> 38) & 1);

    g_rand_free(r);
    side_free(&src);
    side_free(&dst);
}

static void test_no_zero_detection(void)
{
    static const uint64_t pages[] = { 8 };
    g_autoptr(GBytes) got = NULL;
    Side src = { 0 }, dst = { 0 };
    Capture c;

    reset_options();
    ram_test_options.zero_page_detection = ZERO_PAGE_DETECTION_NONE;
    ram_test_options_apply();
    side_init(&src, "nz-src", pages, 1);
    side_init(&dst, "nz-dst", pages, 1);
    memset(page_ptr(&dst, 0, 3), 0x55, PAGE);
    ram_block_mark_written(dst.blocks[0], 3 * PAGE, PAGE);

    capture_init(&c);
    save_setup(&c, &src);
    g_assert_cmpint(save_iterate(&c), ==, 1);
    save_complete(&c);
    got = capture_finish(&c);
    /* Every page whole, never-written ones included. */
    g_assert_cmpuint(mig_stats.normal_pages, ==, 8);
    g_assert_cmpuint(mig_stats.zero_pages, ==, 0);
    load_all(got, c.sections, &dst);
    assert_sides_equal(&src, &dst);
    side_free(&src);
    side_free(&dst);
}

/* Pages dirtied after they were sent go again after the next sync. */
static void test_dirty_between_iterations(void)
{
    static const uint64_t pages[] = { 64, 8 };
    g_autoptr(GBytes) got = NULL;
    uint8_t buf[PAGE];
    Side src = { 0 }, dst = { 0 };
    Capture c;
    uint64_t normal_before;

    reset_options();
    side_init(&src, "dirty-src", pages, 2);
    side_init(&dst, "dirty-dst", pages, 2);
    memset(buf, 1, PAGE);
    guest_write(&src, 0, 5 * PAGE, buf, PAGE);

    capture_init(&c);
    save_setup(&c, &src);
    g_assert_cmpuint(mig_stats.dirty_sync_count, ==, 1);
    g_assert_cmpint(save_iterate(&c), ==, 1);
    g_assert_cmpuint(pending_exact(), ==, 0);
    g_assert_cmpuint(mig_stats.dirty_sync_count, ==, 2);

    /* The guest writes three pages (one of them twice) and zeroes one. */
    memset(buf, 2, PAGE);
    guest_write(&src, 0, 7 * PAGE, buf, 16);
    guest_write(&src, 0, 7 * PAGE + 100, buf, 16);
    guest_write(&src, 0, 63 * PAGE, buf, PAGE);
    guest_write(&src, 1, 2 * PAGE, buf, 1);
    memset(buf, 0, PAGE);
    guest_write(&src, 0, 5 * PAGE, buf, PAGE);
    g_assert_cmpuint(pending_exact(), ==, 4 * PAGE);
    g_assert_cmpuint(ram_bytes_remaining(), ==, 4 * PAGE);
    g_assert_cmpuint(mig_stats.dirty_bytes_last_sync, ==, 4 * PAGE);

    normal_before = mig_stats.normal_pages;
    g_assert_cmpint(save_iterate(&c), ==, 1);
    g_assert_cmpuint(mig_stats.normal_pages - normal_before, ==, 3);

    /* A write after the last iteration goes in the END section. */
    memset(buf, 9, PAGE);
    guest_write(&src, 1, 7 * PAGE, buf, 8);
    save_complete(&c);
    g_assert_cmpuint(mig_stats.dirty_sync_count, ==, 4);
    g_assert_cmpuint(mig_stats.downtime_bytes, >, PAGE);
    got = capture_finish(&c);
    load_all(got, c.sections, &dst);
    assert_sides_equal(&src, &dst);
    side_free(&src);
    side_free(&dst);
}

/* A PART section stops at the QEMUFile's rate limit and resumes later. */
static void test_rate_limited_iterations(void)
{
    static const uint64_t pages[] = { 256 };
    g_autoptr(GBytes) got = NULL;
    GRand *r = g_rand_new_with_seed(3);
    uint8_t buf[PAGE];
    Side src = { 0 }, dst = { 0 };
    Capture c;
    int parts = 0;

    reset_options();
    side_init(&src, "rate-src", pages, 1);
    side_init(&dst, "rate-dst", pages, 1);
    for (uint64_t p = 0; p < 256; p++) {
        fill_random(r, buf, PAGE);
        guest_write(&src, 0, p * PAGE, buf, PAGE);
    }
    capture_init(&c);
    save_setup(&c, &src);
    /* 200 KB per 100 ms window: one 64-page word (256 KiB) exceeds it,
     * and the excess is owed by the next window, so the other three words
     * take about four more windows. */
    qemu_file_set_rate_limit(c.f, 2000 * 1000);
    g_assert_cmpint(save_iterate(&c), ==, 0);
    parts++;
    g_assert_cmpuint(ram_bytes_remaining(), ==, (256 - 64) * PAGE);
    while (!save_iterate(&c)) {
        g_assert_cmpint(++parts, <, 12);
        qemu_file_rate_limit_wait(c.f);
    }
    g_assert_cmpuint(ram_bytes_remaining(), ==, 0);
    save_complete(&c);
    got = capture_finish(&c);
    load_all(got, c.sections, &dst);
    assert_sides_equal(&src, &dst);
    g_rand_free(r);
    side_free(&src);
    side_free(&dst);
}

static uint64_t notified_count;

static void count_syncs(uint64_t sync_count, void *opaque)
{
    notified_count = sync_count;
    (*(int *)opaque)++;
}

static void test_sync_notifier(void)
{
    static const uint64_t pages[] = { 4 };
    g_autoptr(GBytes) got = NULL;
    Side src = { 0 };
    Capture c;
    int calls = 0;

    reset_options();
    side_init(&src, "notify-src", pages, 1);
    ram_set_sync_notifier(count_syncs, &calls);
    capture_init(&c);
    save_setup(&c, &src);
    g_assert_cmpint(calls, ==, 1);
    g_assert_cmpuint(notified_count, ==, 1);
    pending_exact();
    g_assert_cmpint(calls, ==, 2);
    g_assert_cmpuint(notified_count, ==, 2);
    save_complete(&c);
    g_assert_cmpint(calls, ==, 3);
    ram_set_sync_notifier(NULL, NULL);
    got = capture_finish(&c);
    side_free(&src);
}

/* ---- XBZRLE ---- */

static void test_xbzrle(void)
{
    static const uint64_t pages[] = { 32 };
    g_autoptr(GBytes) got = NULL;
    GRand *r = g_rand_new_with_seed(99);
    uint8_t buf[PAGE];
    Side src = { 0 }, dst = { 0 };
    Capture c;

    reset_options();
    ram_test_options.xbzrle = true;
    ram_test_options.xbzrle_cache_size = 16 * PAGE;
    ram_test_options_apply();
    side_init(&src, "xb-src", pages, 1);
    side_init(&dst, "xb-dst", pages, 1);
    for (uint64_t p = 0; p < 32; p++) {
        fill_random(r, buf, PAGE);
        guest_write(&src, 0, p * PAGE, buf, PAGE);
    }

    capture_init(&c);
    save_setup(&c, &src);
    /* First pass: whole pages only. */
    g_assert_cmpint(save_iterate(&c), ==, 1);
    g_assert_cmpuint(mig_stats.xbzrle_pages, ==, 0);
    g_assert_cmpuint(mig_stats.normal_pages, ==, 32);

    /* Second pass: pages miss the cache once and are cached. */
    for (uint64_t p = 0; p < 8; p++) {
        guest_write(&src, 0, p * PAGE + 10, "abc", 3);
    }
    pending_exact();
    g_assert_cmpint(save_iterate(&c), ==, 1);
    g_assert_cmpuint(mig_stats.xbzrle_cache_miss, ==, 8);
    g_assert_cmpuint(mig_stats.normal_pages, ==, 40);

    /* Third pass: small changes travel as deltas, a rewrite overflows,
     * a page written back unchanged is not sent at all. */
    for (uint64_t p = 0; p < 6; p++) {
        guest_write(&src, 0, p * PAGE + 2000, "xyz", 3);
    }
    fill_random(r, buf, PAGE);
    guest_write(&src, 0, 6 * PAGE, buf, PAGE);
    memcpy(buf, page_ptr(&src, 0, 7), 16);
    guest_write(&src, 0, 7 * PAGE, buf, 16);
    pending_exact();
    g_assert_cmpint(save_iterate(&c), ==, 1);
    g_assert_cmpuint(mig_stats.xbzrle_pages, ==, 6);
    g_assert_cmpuint(mig_stats.xbzrle_overflow, ==, 1);
    g_assert_cmpuint(mig_stats.normal_pages, ==, 41);
    /* "xyz" at 2000: uleb 2000 (2 bytes), uleb 3, 3 bytes. */
    g_assert_cmpuint(mig_stats.xbzrle_encoded_size, ==, 6 * 6);
    /* Each record: word, maybe the name, 01, be16 len, the delta. */
    g_assert_cmpuint(mig_stats.xbzrle_bytes, <=, 6 * (8 + 9 + 3 + 6));

    /* A zeroed page goes as a zero page and updates the cache. */
    memset(buf, 0, PAGE);
    guest_write(&src, 0, 0, buf, PAGE);
    pending_exact();
    save_iterate(&c);
    guest_write(&src, 0, 0, "q", 1);
    save_complete(&c);
    got = capture_finish(&c);
    load_all(got, c.sections, &dst);
    assert_sides_equal(&src, &dst);
    g_rand_free(r);
    side_free(&src);
    side_free(&dst);
}

/* ---- malformed records ---- */

typedef struct BadRecord {
    const char *what;
    const char *hex;            /* the section body */
    const char *message;
} BadRecord;

/* "cr16.ram" as str8 */
#define NAME "08637231362e72616d"
#define EOS "0000000000000010"

static const BadRecord bad_records[] = {
    { "zero and page", "000000000000000a", "Unknown combination of "
      "migration flags: 0xa" },
    { "retired FULL", "0000000000000001", "flags: 0x1" },
    { "retired COMPRESS_PAGE", "0000000000000100", "flags: 0x100" },
    { "no flags", "0000000000001000", "flags: 0x0" },
    { "RDMA hook", "0000000000000080", "RDMA" },
    { "continue without block", "0000000000000022" "00",
      "CONTINUE but no previous block" },
    { "unknown block", "0000000000000002" "03666f6f" "00",
      "Can't find block foo" },
    { "offset past block", "0000000000002002" NAME "00",
      "Illegal RAM offset 0x2000 in block cr16.ram" },
    { "zero page fill byte", "0000000000001002" NAME "01",
      "Found a zero page with value 0x01 at offset 0x1000 in block cr16.ram" },
    { "xbzrle encoding byte", "0000000000001040" NAME "02" "0003" "000101",
      "page at offset 0x1000 in block cr16.ram: unknown encoding 0x02" },
    { "xbzrle too long", "0000000000000040" NAME "01" "1001",
      "length 4097 exceeds the page size" },
    { "xbzrle bad delta", "0000000000000040" NAME "01" "0003" "000000",
      "page at offset 0x0 in block cr16.ram: XBZRLE: empty changed run" },
    { "xbzrle delta past page", "0000000000001040" NAME "01" "0004"
      "ff1f0201", "XBZRLE: changed run of 2 bytes at page offset 4095" },
    { "unknown ramblock", "0000000000002004" "046e6f7065"
      "0000000000002000", "Unknown ramblock \"nope\", cannot accept" },
    { "length mismatch", "0000000000001004" NAME "0000000000001000",
      "Length mismatch: cr16.ram: 0x1000 in != 0x2000" },
    { "lengths past total", "0000000000001004" NAME "0000000000002000",
      "block cr16.ram (0x2000 bytes) takes the sum past the total 0x1000" },
    { "truncated page", "0000000000000008" NAME "0102030405",
      "reading a page" },
    { "truncated word", "00000000", "reading a RAM record" },
    { "no EOS", "0000000000000002" NAME "00", "reading a RAM record" },
    { "truncated name", "0000000000000002" "08637231", "block name" },
};

static void test_malformed_records(void)
{
    static const uint64_t pages[] = { 2 };
    Side dst = { 0 };

    reset_options();
    side_init(&dst, "bad-dst", pages, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(bad_records); i++) {
        const BadRecord *br = &bad_records[i];
        size_t n = strlen(br->hex) / 2;
        g_autofree uint8_t *bytes = g_malloc(n + 1);
        g_autoptr(GError) err = NULL;

        for (size_t k = 0; k < n; k++) {
            sscanf(br->hex + 2 * k, "%2hhx", &bytes[k]);
        }
        g_test_message("case: %s", br->what);
        g_assert_false(load_bytes(bytes, n, 1, &dst, &err));
        g_assert_nonnull(err);
        if (!strstr(err->message, br->message)) {
            g_error("case '%s': message '%s' lacks '%s'", br->what,
                    err->message, br->message);
        }
    }

    /* The same shapes, well formed, load (the table is not vacuous). */
    {
        static const char good[] = "0000000000002004" NAME "0000000000002000"
                                   "0000000000001002" NAME "00"
                                   "0000000000000022" "00"
                                   "0000000000000040" NAME "01" "0003"
                                   "000101" EOS;
        size_t n = strlen(good) / 2;
        g_autofree uint8_t *bytes = g_malloc(n);
        g_autoptr(GError) err = NULL;

        for (size_t k = 0; k < n; k++) {
            sscanf(good + 2 * k, "%2hhx", &bytes[k]);
        }
        g_assert_true(load_bytes(bytes, n, 1, &dst, &err));
        g_assert_no_error(err);
        g_assert_cmphex(page_ptr(&dst, 0, 0)[0], ==, 0x01);
    }

    /* Only version 4 exists. */
    {
        static const uint8_t eos[] = { 0, 0, 0, 0, 0, 0, 0, 0x10 };
        MigChannel *ch = mig_channel_new_mem(eos, sizeof(eos), "v3");
        QEMUFile *f = qemu_file_new_input(ch);
        g_autoptr(GError) err = NULL;

        mig_channel_unref(ch);
        g_assert_false(ram_save_handlers.load_state(f, &dst.scope, 3, &err));
        g_assert_nonnull(strstr(err->message, "unsupported version 3"));
        qemu_fclose(f);
    }
    side_free(&dst);
}

/* CONTINUE refers to the block of the previous section's last record. */
static void test_continue_across_sections(void)
{
    static const uint64_t pages[] = { 2 };
    static const char body1[] = "0000000000000008" NAME;
    Side dst = { 0 };
    g_autoptr(GByteArray) a = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    uint8_t page[PAGE];

    reset_options();
    side_init(&dst, "cont-dst", pages, 1);
    for (size_t k = 0; k < strlen(body1) / 2; k++) {
        uint8_t v;

        sscanf(body1 + 2 * k, "%2hhx", &v);
        g_byte_array_append(a, &v, 1);
    }
    memset(page, 0xab, PAGE);
    g_byte_array_append(a, page, PAGE);
    put64(a, 0x10);
    put64(a, 0x1000 | 0x08 | 0x20);
    memset(page, 0xcd, PAGE);
    g_byte_array_append(a, page, PAGE);
    put64(a, 0x10);
    g_assert_true(load_bytes(a->data, a->len, 2, &dst, &err));
    g_assert_no_error(err);
    g_assert_cmphex(page_ptr(&dst, 0, 0)[5], ==, 0xab);
    g_assert_cmphex(page_ptr(&dst, 0, 1)[5], ==, 0xcd);
    side_free(&dst);
}

/* ---- the loader's guessed page runs ---- */

/* A memory stream read at most `chunk` bytes per readv, as a socket may
 * hand them over. */
typedef struct ChunkedStream {
    const uint8_t *data;
    size_t len, pos, chunk;
} ChunkedStream;

static ssize_t chunked_readv(MigChannel *ch, const struct iovec *iov,
                             int iovcnt, GError **errp)
{
    ChunkedStream *cs = ch->opaque;
    size_t left = MIN(cs->chunk, cs->len - cs->pos);
    size_t done = 0;

    for (int i = 0; i < iovcnt && left; i++) {
        size_t n = MIN(left, iov[i].iov_len);

        memcpy(iov[i].iov_base, cs->data + cs->pos, n);
        cs->pos += n;
        done += n;
        left -= n;
    }
    return done;
}

static ssize_t chunked_writev(MigChannel *ch, const struct iovec *iov,
                              int iovcnt, GError **errp)
{
    g_assert_not_reached();
}

static void chunked_close(MigChannel *ch)
{
    g_free(ch->opaque);
}

static const MigChannelOps chunked_ops = {
    .readv = chunked_readv,
    .writev = chunked_writev,
    .close = chunked_close,
};

static void put_page_record(GByteArray *a, Side *src, uint64_t page,
                            bool first)
{
    put64(a, page * PAGE | RAM_SAVE_FLAG_PAGE |
          (first ? 0 : RAM_SAVE_FLAG_CONTINUE));
    if (first) {
        put_name(a, "cr16.ram");
    }
    g_byte_array_append(a, page_ptr(src, 0, page), PAGE);
}

/*
 * Runs of normal pages make the loader read the pages it guesses come
 * next straight into guest RAM; a guess that meets a zero page, a jump,
 * a resent page or the section's end must give the bytes back and leave
 * the guessed pages as they were. Read in chunks that end inside pages
 * and headers, the result must be the source's RAM byte for byte, pages
 * never sent untouched (still unwritten, or the garbage a written page
 * held), and exactly the stored pages marked written.
 */
static void test_guessed_runs(void)
{
    static const uint64_t pages[] = { 160 };
    static const size_t chunks[] = { 1 << 30, 4096, 4104, 5000, 12345,
                                     65536, 100003, 7 };
    GRand *r = g_rand_new_with_seed(11);
    g_autoptr(GByteArray) a = g_byte_array_new();
    Side src = { 0 };
    uint8_t buf[PAGE];
    uint8_t zero = 0;

    reset_options();
    side_init(&src, "guess-src", pages, 1);
    for (uint64_t p = 0; p < 160; p++) {
        fill_random(r, buf, PAGE);
        guest_write(&src, 0, p * PAGE, buf, PAGE);
    }
    /* 0..39 normal, 40 zero, 41..80 normal, jump to 100..140, page 5
     * again, 141..144, 149, EOS; 145..148 and 150.. never sent. */
    for (uint64_t p = 0; p < 40; p++) {
        put_page_record(a, &src, p, p == 0);
    }
    memset(page_ptr(&src, 0, 40), 0, PAGE);
    put64(a, 40 * PAGE | RAM_SAVE_FLAG_ZERO | RAM_SAVE_FLAG_CONTINUE);
    g_byte_array_append(a, &zero, 1);
    for (uint64_t p = 41; p <= 80; p++) {
        put_page_record(a, &src, p, false);
    }
    for (uint64_t p = 100; p <= 140; p++) {
        put_page_record(a, &src, p, false);
    }
    put_page_record(a, &src, 5, false);
    for (uint64_t p = 141; p <= 144; p++) {
        put_page_record(a, &src, p, false);
    }
    put_page_record(a, &src, 149, false);
    put64(a, RAM_SAVE_FLAG_EOS);

    for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++) {
        ChunkedStream *cs = g_new0(ChunkedStream, 1);
        g_autoptr(GError) err = NULL;
        Side dst = { 0 };
        MigChannel *ch;
        QEMUFile *f;
        const unsigned long *w;

        side_init(&dst, "guess-dst", pages, 1);
        /* Written garbage where nothing is sent: must survive. */
        memset(buf, 0xee, PAGE);
        guest_write(&dst, 0, 150 * PAGE, buf, PAGE);
        guest_write(&dst, 0, 90 * PAGE, buf, PAGE);
        cs->data = a->data;
        cs->len = a->len;
        cs->chunk = chunks[c];
        ch = mig_channel_new(&chunked_ops, "chunked", cs);
        f = qemu_file_new_input(ch);
        mig_channel_unref(ch);
        g_assert_true(ram_save_handlers.load_setup(f, &dst.scope, NULL));
        g_assert_true(ram_save_handlers.load_state(f, &dst.scope,
                                                   RAM_SECTION_VERSION,
                                                   &err));
        g_assert_no_error(err);
        g_assert_cmpint(qemu_peek_byte(f, 0), ==, -1);
        ram_save_handlers.load_cleanup(NULL);
        qemu_fclose(f);

        w = ram_block_written_bitmap(dst.blocks[0]);
        for (uint64_t p = 0; p < 160; p++) {
            bool sent = p <= 80 || (p >= 100 && p <= 144) || p == 149;
            bool set = (w[p / BITS_PER_LONG] >> (p % BITS_PER_LONG)) & 1;

            if (sent) {
                g_assert_cmpmem(page_ptr(&dst, 0, p), PAGE,
                                page_ptr(&src, 0, p), PAGE);
            } else if (p == 90 || p >= 150) {
                if (p == 90 || p == 150) {
                    memset(buf, 0xee, PAGE);
                } else {
                    memset(buf, 0, PAGE);
                }
                g_assert_cmpmem(page_ptr(&dst, 0, p), PAGE, buf, PAGE);
            } else {
                memset(buf, 0, PAGE);
                g_assert_cmpmem(page_ptr(&dst, 0, p), PAGE, buf, PAGE);
            }
            g_assert_cmpint(set, ==, (sent && p != 40) || p == 90 ||
                            p == 150);
        }
        side_free(&dst);
    }
    g_rand_free(r);
    side_free(&src);
}

/* ---- throughput (run with -m perf) ---- */

typedef struct LoadJob {
    MigChannel *ch;
    Side *dst;
    GError *err;
} LoadJob;

/* Destination: a marker byte 1 before each section body, 0 at the end. */
static gpointer load_thread(gpointer opaque)
{
    LoadJob *job = opaque;
    QEMUFile *f = qemu_file_new_input(job->ch);

    ram_save_handlers.load_setup(f, &job->dst->scope, NULL);
    while (qemu_get_byte(f) == 1) {
        if (!ram_save_handlers.load_state(f, &job->dst->scope,
                                          RAM_SECTION_VERSION, &job->err)) {
            break;
        }
    }
    ram_save_handlers.load_cleanup(NULL);
    qemu_fclose(f);
    return NULL;
}

/* Migrate src to dst over a unix socketpair; returns seconds. */
static double migrate_over_socket(Side *src, Side *dst)
{
    int sv[2];
    LoadJob job = { .dst = dst };
    GThread *th;
    QEMUFile *f;
    g_autoptr(GError) err = NULL;
    gint64 t0 = g_get_monotonic_time();

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    job.ch = mig_channel_new_fd(sv[1], "perf-in");
    th = g_thread_new("ram-load", load_thread, &job);
    {
        MigChannel *ch = mig_channel_new_fd(sv[0], "perf-out");

        f = qemu_file_new_output(ch);
        mig_channel_unref(ch);
    }
    migration_stats_reset();
    qemu_put_byte(f, 1);
    g_assert_true(ram_save_handlers.save_setup(f, &src->scope, &err));
    for (;;) {
        int r;

        qemu_put_byte(f, 1);
        r = ram_save_handlers.save_live_iterate(f, NULL, &err);
        g_assert_cmpint(r, >=, 0);
        if (r) {
            break;
        }
    }
    qemu_put_byte(f, 1);
    g_assert_true(ram_save_handlers.save_live_complete_precopy(f, NULL,
                                                               &err));
    ram_save_handlers.save_cleanup(NULL);
    qemu_put_byte(f, 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    g_thread_join(th);
    g_assert_no_error(job.err);
    mig_channel_unref(job.ch);
    return (g_get_monotonic_time() - t0) / 1e6;
}

static gpointer drain_thread(gpointer opaque)
{
    int fd = GPOINTER_TO_INT(opaque);
    g_autofree uint8_t *buf = g_malloc(1 << 20);

    while (read(fd, buf, 1 << 20) > 0) {
        /* discard */
    }
    return NULL;
}

/* The yardstick: the same bytes through a plain socketpair. */
static double plain_copy(const uint8_t *data, size_t len)
{
    int sv[2];
    GThread *th;
    gint64 t0 = g_get_monotonic_time();

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    th = g_thread_new("drain", drain_thread, GINT_TO_POINTER(sv[1]));
    for (size_t off = 0; off < len;) {
        ssize_t n = write(sv[0], data + off, MIN(len - off, 1 << 20));

        g_assert_cmpint(n, >, 0);
        off += n;
    }
    close(sv[0]);
    g_thread_join(th);
    close(sv[1]);
    return (g_get_monotonic_time() - t0) / 1e6;
}

static void test_perf_zero_guest(void)
{
    static const uint64_t pages[] = { (1ULL << 30) / PAGE };
    Side src = { 0 }, dst = { 0 };
    double secs;

    reset_options();
    side_init(&src, "perf0-src", pages, 1);
    side_init(&dst, "perf0-dst", pages, 1);
    secs = migrate_over_socket(&src, &dst);
    g_test_message("1 GiB never written: %.2f ms", secs * 1000);
    g_test_minimized_result(secs, "1 GiB never-written guest: %.2f ms",
                            secs * 1000);
    g_assert_cmpuint(mig_stats.zero_pages, ==, pages[0]);
    side_free(&src);
    side_free(&dst);
}

static void test_perf_random_guest(void)
{
    static const uint64_t pages[] = { (256ULL << 20) / PAGE };
    Side src = { 0 }, dst = { 0 };
    uint64_t *p, x = 0x9e3779b97f4a7c15ULL;
    double ram_secs, plain_secs;

    reset_options();
    side_init(&src, "perfr-src", pages, 1);
    side_init(&dst, "perfr-dst", pages, 1);
    p = ram_block_host(src.blocks[0]);
    for (size_t i = 0; i < (256u << 20) / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = x;
    }
    ram_block_mark_written(src.blocks[0], 0, 256u << 20);
    /* Touch the destination once so both runs see mapped memory. */
    memset(ram_block_host(dst.blocks[0]), 1, 256u << 20);
    ram_block_mark_written(dst.blocks[0], 0, 256u << 20);

    plain_secs = plain_copy((const uint8_t *)p, 256u << 20);
    ram_secs = migrate_over_socket(&src, &dst);
    g_test_message("256 MiB random: RAM stream %.1f ms, plain copy %.1f ms "
                   "(%.0f %%)", ram_secs * 1000, plain_secs * 1000,
                   100 * plain_secs / ram_secs);
    g_test_maximized_result(plain_secs / ram_secs,
                            "random RAM at %.0f %% of a plain copy",
                            100 * plain_secs / ram_secs);
    assert_sides_equal(&src, &dst);
    side_free(&src);
    side_free(&dst);
}

/*
 * The zero check reads a page in wide strides with an early exit per
 * stride: a single set bit anywhere, and at any alignment of the page,
 * must make it say "not zero".
 */
static void test_page_is_zero(void)
{
    uint8_t *buf = g_malloc0(TARGET_PAGE_SIZE + 64);

    for (size_t shift = 0; shift < 64; shift += 7) {
        uint8_t *page = buf + shift;

        g_assert_true(ram_page_is_zero(page));
        for (size_t i = 0; i < TARGET_PAGE_SIZE; i++) {
            page[i] = 1u << (i % 8);
            g_assert_false(ram_page_is_zero(page));
            page[i] = 0;
        }
        /* Bytes just outside the page are not its business. */
        if (shift) {
            page[-1] = 0xff;
        }
        page[TARGET_PAGE_SIZE] = 0xff;
        g_assert_true(ram_page_is_zero(page));
        memset(buf, 0, TARGET_PAGE_SIZE + 64);
    }
    g_free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ram-stream/page-is-zero", test_page_is_zero);
    g_test_add_func("/ram-stream/golden", test_golden_small_stream);
    g_test_add_func("/ram-stream/round-trip", test_round_trip);
    g_test_add_func("/ram-stream/no-zero-detection", test_no_zero_detection);
    g_test_add_func("/ram-stream/dirty-between-iterations",
                    test_dirty_between_iterations);
    g_test_add_func("/ram-stream/sync-notifier", test_sync_notifier);
    g_test_add_func("/ram-stream/rate-limited", test_rate_limited_iterations);
    g_test_add_func("/ram-stream/xbzrle", test_xbzrle);
    g_test_add_func("/ram-stream/malformed", test_malformed_records);
    g_test_add_func("/ram-stream/guessed-runs", test_guessed_runs);
    g_test_add_func("/ram-stream/continue-across-sections",
                    test_continue_across_sections);
    if (g_test_perf()) {
        g_test_add_func("/ram-stream/perf/zero-1g", test_perf_zero_guest);
        g_test_add_func("/ram-stream/perf/random-256m",
                        test_perf_random_guest);
    }
    return g_test_run();
}

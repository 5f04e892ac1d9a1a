/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RAM digest engine (migration/ram-digest*.c): the definition checked
 * against libxxhash directly, incremental updates against full ones, the
 * never-written shortcut against real hashes of zeros, the mismatch
 * locator, the record's wire form with every truncation and corruption,
 * and physical ranges over real RAM blocks.
 */
#include "qemu/osdep.h"
#include <xxhash.h>
#include "qapi/error.h"
#include "system/memory.h"
#include "migration/ram-digest.h"

#define PAGE        RAM_DIGEST_PAGE_SIZE
/* Three full chunks and a partial one. */
#define NPAGES      (3 * RAM_DIGEST_CHUNK_PAGES + 17)
#define LEN         ((uint64_t)NPAGES * PAGE)

static uint8_t *random_memory(uint64_t len, guint32 seed)
{
    uint8_t *m = g_malloc(len);
    GRand *r = g_rand_new_with_seed(seed);

    for (uint64_t i = 0; i < len; i += 4) {
        guint32 v = g_rand_int(r);
        memcpy(m + i, &v, 4);
    }
    g_rand_free(r);
    return m;
}

static void canon(XXH128_hash_t h, uint8_t out[16])
{
    XXH128_canonicalFromHash((XXH128_canonical_t *)out, h);
}

/* The definition of ram-digest.h, written out with libxxhash alone. */
static void reference_digest(const uint8_t *mem, uint64_t len,
                             uint8_t out[16])
{
    uint64_t npages = len / PAGE;
    uint64_t nchunks = DIV_ROUND_UP(npages, RAM_DIGEST_CHUNK_PAGES);
    g_autofree uint8_t *pages = g_malloc(npages * 16);
    g_autofree uint8_t *chunks = g_malloc(nchunks * 16);
    uint8_t hdr[16] = { 0 };
    XXH3_state_t *st = XXH3_createState();

    for (uint64_t p = 0; p < npages; p++) {
        canon(XXH3_128bits(mem + p * PAGE, PAGE), pages + 16 * p);
    }
    for (uint64_t c = 0; c < nchunks; c++) {
        uint64_t n = MIN(RAM_DIGEST_CHUNK_PAGES,
                         npages - c * RAM_DIGEST_CHUNK_PAGES);
        canon(XXH3_128bits(pages + 16 * c * RAM_DIGEST_CHUNK_PAGES, n * 16),
              chunks + 16 * c);
    }
    for (int i = 0; i < 8; i++) {
        hdr[i] = len >> (56 - 8 * i);
    }
    hdr[10] = PAGE >> 8;                    /* be32 4096 */
    hdr[15] = RAM_DIGEST_CHUNK_PAGES;       /* be32 64 */
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, hdr, 16);
    XXH3_128bits_update(st, chunks, nchunks * 16);
    canon(XXH3_128bits_digest(st), out);
    XXH3_freeState(st);
}

static void block_digest(RamDigestBlock *b, RamDigestHash *h)
{
    ram_digest_block_update(b, 1);
    ram_digest_block_digest(b, h);
}

/* ---- known answers ---- */

static void test_known_answers(void)
{
    static const uint8_t zeros[PAGE];
    RamDigestHash h;
    char hex[RAM_DIGEST_HEX_SIZE];
    uint8_t want[16];

    /* Pins the library: XXH3-128 of the empty input (xxhsum -H2). */
    canon(XXH3_128bits("", 0), h.bytes);
    ram_digest_hash_to_hex(&h, hex);
    g_assert_cmpstr(hex, ==, "99aa06d3014798d86001c324468d497f");

    canon(XXH3_128bits(zeros, PAGE), want);
    g_assert_cmpmem(ram_digest_zero_page_hash()->bytes, 16, want, 16);
}

static void test_definition(void)
{
    g_autofree uint8_t *mem = random_memory(LEN, 1);
    g_autoptr(RamDigestBlock) b = ram_digest_block_new("t", mem, LEN, NULL);
    RamDigestStream *st = ram_digest_stream_new(LEN);
    RamDigestHash got, streamed;
    uint8_t want[16];
    GError *err = NULL;

    reference_digest(mem, LEN, want);
    g_assert_cmpuint(ram_digest_block_update(b, 1), ==, NPAGES);
    ram_digest_block_digest(b, &got);
    g_assert_cmpmem(got.bytes, 16, want, 16);

    for (uint64_t p = 0; p < NPAGES; p++) {
        ram_digest_stream_add_page(st, mem + p * PAGE);
    }
    g_assert_true(ram_digest_stream_finish(st, &streamed, &err));
    g_assert_no_error(err);
    g_assert_true(ram_digest_hash_equal(&streamed, &got));

    /* A stream short of its length is refused. */
    st = ram_digest_stream_new(LEN);
    ram_digest_stream_add_page(st, mem);
    g_assert_false(ram_digest_stream_finish(st, &streamed, &err));
    g_assert_nonnull(strstr(err->message, "1 pages added"));
    g_clear_error(&err);
}

/* ---- incremental updates ---- */

static void test_incremental(void)
{
    g_autofree uint8_t *mem = random_memory(LEN, 2);
    g_autoptr(RamDigestBlock) b = ram_digest_block_new("t", mem, LEN, NULL);
    g_autofree unsigned long *bitmap =
        g_new0(unsigned long, DIV_ROUND_UP(NPAGES, BITS_PER_LONG));
    static const uint64_t touched[] = { 0, 63, 64, 130, NPAGES - 1 };
    RamDigestHash before, after, full, par;
    uint8_t want[16];

    block_digest(b, &before);
    for (size_t i = 0; i < G_N_ELEMENTS(touched); i++) {
        mem[touched[i] * PAGE + 123] ^= 0x5a;
        bitmap[touched[i] / BITS_PER_LONG] |=
            1ul << (touched[i] % BITS_PER_LONG);
    }
    /* Not marked: the digest is stale, and nothing is read. */
    g_assert_cmpuint(ram_digest_block_update(b, 1), ==, 0);
    ram_digest_block_digest(b, &after);
    g_assert_true(ram_digest_hash_equal(&after, &before));

    /* Marked from a dirty bitmap: exactly those pages are read. */
    ram_digest_block_mark_dirty(b, bitmap);
    g_assert_cmpuint(ram_digest_block_dirty_pages(b), ==,
                     G_N_ELEMENTS(touched));
    g_assert_cmpuint(ram_digest_block_update(b, 3), ==,
                     G_N_ELEMENTS(touched));
    ram_digest_block_digest(b, &after);
    g_assert_false(ram_digest_hash_equal(&after, &before));
    reference_digest(mem, LEN, want);
    g_assert_cmpmem(after.bytes, 16, want, 16);

    /* A byte range marks the pages it overlaps. */
    mem[5 * PAGE - 1] ^= 1;
    mem[5 * PAGE] ^= 1;
    ram_digest_block_mark_dirty_range(b, 5 * PAGE - 1, 2);
    g_assert_cmpuint(ram_digest_block_dirty_pages(b), ==, 2);
    block_digest(b, &after);
    {
        g_autoptr(RamDigestBlock) fresh =
            ram_digest_block_new("t", mem, LEN, NULL);
        g_autoptr(RamDigestBlock) threaded =
            ram_digest_block_new("t", mem, LEN, NULL);

        block_digest(fresh, &full);
        g_assert_true(ram_digest_hash_equal(&after, &full));
        /* The number of threads does not change the result. */
        ram_digest_block_update(threaded, 7);
        ram_digest_block_digest(threaded, &par);
        g_assert_true(ram_digest_hash_equal(&par, &full));
    }
}

/* ---- never-written pages ---- */

static void test_zero_shortcut(void)
{
    /* Garbage in memory the written bitmap says was never written. */
    g_autofree uint8_t *mem = random_memory(LEN, 3);
    g_autofree uint8_t *zeros = g_malloc0(LEN);
    g_autofree unsigned long *written =
        g_new0(unsigned long, DIV_ROUND_UP(NPAGES, BITS_PER_LONG));
    g_autoptr(RamDigestBlock) b = ram_digest_block_new("t", mem, LEN,
                                                       written);
    RamDigestHash got;
    uint8_t want[16];

    /* No page is read, and the digest is the real one of zeros. */
    g_assert_cmpuint(ram_digest_block_update(b, 2), ==, 0);
    ram_digest_block_digest(b, &got);
    reference_digest(zeros, LEN, want);
    g_assert_cmpmem(got.bytes, 16, want, 16);

    /* Pages 1 and 190 written (the last, partial chunk included). */
    written[0] |= 1ul << 1;
    written[190 / BITS_PER_LONG] |= 1ul << (190 % BITS_PER_LONG);
    memcpy(zeros + PAGE, mem + PAGE, PAGE);
    memcpy(zeros + 190 * PAGE, mem + 190 * PAGE, PAGE);
    ram_digest_block_mark_all_dirty(b);
    g_assert_cmpuint(ram_digest_block_update(b, 1), ==, 2);
    ram_digest_block_digest(b, &got);
    reference_digest(zeros, LEN, want);
    g_assert_cmpmem(got.bytes, 16, want, 16);
}

/* ---- stored page hashes (the postcopy destination's placements) ---- */

static void test_set_page(void)
{
    /* What the pages held when they were stored ... */
    g_autofree uint8_t *then = random_memory(LEN, 5);
    /* ... and what the tracked memory holds now (a guest wrote on). */
    g_autofree uint8_t *now = random_memory(LEN, 6);
    g_autofree unsigned long *written =
        g_new0(unsigned long, DIV_ROUND_UP(NPAGES, BITS_PER_LONG));
    g_autofree unsigned long *held =
        g_new0(unsigned long, DIV_ROUND_UP(NPAGES, BITS_PER_LONG));
    g_autoptr(RamDigestBlock) b = ram_digest_block_new("t", now, LEN,
                                                       written);
    RamDigestHash got;
    uint8_t want[16];

    /* Pages 0..9 are held: hashed from memory while it equals `then`. */
    memcpy(now, then, 10 * PAGE);
    for (uint64_t p = 0; p < 10; p++) {
        held[0] |= 1ul << p;
        written[0] |= 1ul << p;
    }
    ram_digest_block_clear_dirty(b);
    g_assert_cmpuint(ram_digest_block_dirty_pages(b), ==, 0);
    ram_digest_block_mark_dirty(b, held);
    g_assert_cmpuint(ram_digest_block_update(b, 2), ==, 10);
    /* Then the held pages change too: the digest must not notice. */
    memset(now, 0xee, 10 * PAGE);

    /*
     * Every other page is stored from `then`, page 100 as zeros (and
     * unwritten: the never-written shortcut must not apply to a chunk
     * that holds stored hashes), the last partial chunk included.
     */
    memset(then + 100 * PAGE, 0, PAGE);
    for (uint64_t p = 10; p < NPAGES; p++) {
        ram_digest_block_set_page(b, p * PAGE,
                                  p == 100 ? NULL : then + p * PAGE);
    }
    g_assert_cmpuint(ram_digest_block_dirty_pages(b), ==, 0);
    /* Recombining reads no page. */
    g_assert_cmpuint(ram_digest_block_update(b, 3), ==, 0);
    ram_digest_block_digest(b, &got);
    reference_digest(then, LEN, want);
    g_assert_cmpmem(got.bytes, 16, want, 16);

    /* A stored page clears that page's dirty mark. */
    ram_digest_block_mark_dirty_range(b, 20 * PAGE, PAGE);
    ram_digest_block_set_page(b, 20 * PAGE, then + 20 * PAGE);
    g_assert_cmpuint(ram_digest_block_update(b, 1), ==, 0);
    ram_digest_block_digest(b, &got);
    g_assert_cmpmem(got.bytes, 16, want, 16);
}

/* ---- the destination's check ---- */

static void test_mismatch_locator(void)
{
    g_autofree uint8_t *src = random_memory(LEN, 4);
    g_autofree uint8_t *dst = g_memdup2(src, LEN);
    g_autoptr(RamDigestBlock) sb = ram_digest_block_new("pc.ram", src, LEN,
                                                        NULL);
    g_autoptr(RamDigestBlock) db = ram_digest_block_new("pc.ram", dst, LEN,
                                                        NULL);
    g_autoptr(RamDigestBlock) other = ram_digest_block_new("other", dst, LEN,
                                                           NULL);
    g_autoptr(RamDigestBlock) shorter =
        ram_digest_block_new("pc.ram", dst, LEN - PAGE, NULL);
    g_autoptr(RamDigestRecord) rec = NULL;
    GError *err = NULL;

    ram_digest_block_update(sb, 2);
    rec = ram_digest_block_record(sb);
    g_assert_true(ram_digest_block_check(db, rec, 2, &err));
    g_assert_no_error(err);

    /* Two bad pages: the first (page 77, in chunk 1) is named. */
    dst[77 * PAGE + 4000] ^= 0x80;
    dst[150 * PAGE] ^= 1;
    ram_digest_block_mark_all_dirty(db);
    g_assert_false(ram_digest_block_check(db, rec, 2, &err));
    g_assert_nonnull(strstr(err->message, "block 'pc.ram'"));
    g_assert_nonnull(strstr(err->message,
                            "first bad page at offset 0x4d000 (page 77)"));
    g_clear_error(&err);

    /* Repaired page 77: page 150 is the first bad one now. */
    dst[77 * PAGE + 4000] ^= 0x80;
    ram_digest_block_mark_dirty_range(db, 77 * PAGE, PAGE);
    g_assert_false(ram_digest_block_check(db, rec, 1, &err));
    g_assert_nonnull(strstr(err->message, "(page 150)"));
    g_clear_error(&err);

    /* The same, with the location as numbers. */
    {
        RamDigestWhere where;

        ram_digest_block_mark_all_dirty(db);
        g_assert_false(ram_digest_block_check_where(db, rec, 1, &where,
                                                    &err));
        g_clear_error(&err);
        g_assert_cmpint(where.kind, ==, RAM_DIGEST_WHERE_PAGE);
        g_assert_cmpuint(where.first_page, ==, 150);
        g_assert_cmpuint(where.last_page, ==, 150);
        g_assert_false(ram_digest_block_check_where(other, rec, 1, &where,
                                                    &err));
        g_clear_error(&err);
        g_assert_cmpint(where.kind, ==, RAM_DIGEST_WHERE_BLOCK);
        dst[150 * PAGE] ^= 1;
        ram_digest_block_mark_all_dirty(db);
        g_assert_true(ram_digest_block_check_where(db, rec, 1, &where,
                                                   &err));
        g_assert_no_error(err);
        g_assert_cmpint(where.kind, ==, RAM_DIGEST_WHERE_NONE);
        dst[150 * PAGE] ^= 1;
    }

    g_assert_false(ram_digest_block_check(other, rec, 1, &err));
    g_assert_nonnull(strstr(err->message, "block 'other'"));
    g_clear_error(&err);
    g_assert_false(ram_digest_block_check(shorter, rec, 1, &err));
    g_assert_nonnull(strstr(err->message, "source length 0xd1000"));
    g_clear_error(&err);
}

/* ---- wire form ---- */

static void test_record_wire(void)
{
    g_autofree uint8_t *mem = random_memory(LEN, 5);
    g_autoptr(RamDigestBlock) b = ram_digest_block_new("cr16.ram", mem, LEN,
                                                       NULL);
    g_autoptr(RamDigestRecord) rec = NULL;
    g_autoptr(RamDigestRecord) back = NULL;
    g_autoptr(GByteArray) wire = g_byte_array_new();
    GError *err = NULL;
    size_t used = 0;
    uint64_t n_chunks = DIV_ROUND_UP(NPAGES, RAM_DIGEST_CHUNK_PAGES);
    size_t want_len = 1 + 8 + 8 + 8 + 16 + 16 * n_chunks + 4 * NPAGES;

    ram_digest_block_update(b, 1);
    rec = ram_digest_block_record(b);
    ram_digest_record_encode(rec, wire);
    g_assert_cmpuint(wire->len, ==, want_len);
    /* Golden head: name, be64 length, be32 4096, be32 64. */
    g_assert_cmpmem(wire->data, 9, "\x08" "cr16.ram", 9);
    g_assert_cmpmem(wire->data + 9, 16,
                    "\0\0\0\0\0\x0d\x10\0" "\0\0\x10\0" "\0\0\0\x40", 16);
    g_assert_cmpmem(wire->data + 25, 16, rec->digest.bytes, 16);

    back = ram_digest_record_decode(wire->data, wire->len, &used, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(used, ==, wire->len);
    g_assert_cmpstr(back->name, ==, "cr16.ram");
    g_assert_cmpuint(back->length, ==, LEN);
    g_assert_true(ram_digest_hash_equal(&back->digest, &rec->digest));
    g_assert_cmpmem(back->chunks, n_chunks * 16, rec->chunks, n_chunks * 16);
    g_assert_cmpmem(back->page_fp, NPAGES * 4, rec->page_fp, NPAGES * 4);

    /* Every truncation fails with a message, never reads past the end. */
    for (size_t l = 0; l < wire->len; l++) {
        g_autofree uint8_t *cut = g_memdup2(wire->data, l ? l : 1);

        g_assert_null(ram_digest_record_decode(cut, l, &used, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }

    /* Corruptions, each named. */
    {
        static const struct {
            size_t offset;
            uint8_t value;
            const char *msg;
        } bad[] = {
            { 0, 0, "empty block name" },
            { 3, 0, "contains a NUL" },
            { 9 + 7, 0x01, "bad length 0xd1001" },
            { 9, 0x01, "bad length" },                  /* > 1 TiB */
            { 9 + 10, 0x20, "page size 8192" },
            { 9 + 15, 0x20, "32 pages per chunk" },
            { 25 + 5, 0, "does not match its chunk hashes" },
            { 41 + 16 * 2, 0, "does not match its chunk hashes" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
            g_autofree uint8_t *c = g_memdup2(wire->data, wire->len);

            c[bad[i].offset] = bad[i].value == c[bad[i].offset] ?
                               bad[i].value ^ 0xff : bad[i].value;
            g_assert_null(ram_digest_record_decode(c, wire->len, &used,
                                                   &err));
            g_assert_nonnull(err);
            if (!strstr(err->message, bad[i].msg)) {
                g_error("case %zu: '%s' lacks '%s'", i, err->message,
                        bad[i].msg);
            }
            g_clear_error(&err);
        }
    }
}

/* ---- real RAM blocks and physical ranges ---- */

static void test_phys_ranges(void)
{
    GError *err = NULL;
    RAMBlock *rb = ram_block_new("t.digest", LEN, false, -1, 0, &err);
    g_autoptr(RamDigestBlock) b = NULL;
    g_autofree uint8_t *padded = g_malloc0(LEN + 2 * PAGE);
    RamDigestHash blk, range, hole, want;
    uint8_t ref[16];
    uint8_t *host;

    g_assert_no_error(err);
    host = ram_block_host(rb);
    memory_map_ram(0x100000, rb);

    /* Fresh RAM: the block, its range and a page-sized hole agree. */
    b = ram_digest_block_new_for(rb);
    g_assert_cmpuint(ram_digest_block_update(b, 2), ==, 0);
    ram_digest_block_digest(b, &blk);
    g_assert_true(ram_digest_phys_range(0x100000, LEN, &range, &err));
    g_assert_true(ram_digest_hash_equal(&blk, &range));

    /* Writes through the bus mark pages written; the block sees them. */
    address_space_write(0x100000 + 9 * PAGE + 5, "hello", 5);
    memcpy(padded + PAGE + 9 * PAGE + 5, "hello", 5);
    ram_digest_block_mark_all_dirty(b);
    g_assert_cmpuint(ram_digest_block_update(b, 2), ==, 1);
    ram_digest_block_digest(b, &blk);
    reference_digest(host, LEN, ref);
    g_assert_cmpmem(blk.bytes, 16, ref, 16);
    g_assert_true(ram_digest_phys_range(0x100000, LEN, &range, &err));
    g_assert_true(ram_digest_hash_equal(&blk, &range));

    /* A range over unmapped space on both sides reads zeros there. */
    g_assert_true(ram_digest_phys_range(0x100000 - PAGE, LEN + 2 * PAGE,
                                        &hole, &err));
    reference_digest(padded, LEN + 2 * PAGE, want.bytes);
    g_assert_true(ram_digest_hash_equal(&hole, &want));

    /* Bad ranges are named. */
    g_assert_false(ram_digest_phys_range(0x100001, PAGE, &range, &err));
    g_assert_nonnull(strstr(err->message, "multiples of 4096"));
    g_clear_error(&err);
    g_assert_false(ram_digest_phys_range(0, 0, &range, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(ram_digest_phys_range(0xfffff000, 2 * PAGE, &range,
                                         &err));
    g_assert_nonnull(strstr(err->message, "32-bit physical bus"));
    g_clear_error(&err);

    ram_digest_block_free(g_steal_pointer(&b));
    ram_block_free(rb);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ram-digest/known-answers", test_known_answers);
    g_test_add_func("/ram-digest/definition", test_definition);
    g_test_add_func("/ram-digest/incremental", test_incremental);
    g_test_add_func("/ram-digest/zero-shortcut", test_zero_shortcut);
    g_test_add_func("/ram-digest/set-page", test_set_page);
    g_test_add_func("/ram-digest/mismatch-locator", test_mismatch_locator);
    g_test_add_func("/ram-digest/record-wire", test_record_wire);
    g_test_add_func("/ram-digest/phys-ranges", test_phys_ranges);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-query-ram-digest on the real binary, with the A-B guest of the
 * migration suite (-m 128M, one RAM block "cr16.ram").
 *
 * What makes the assertions deterministic: two processes started with -S
 * hold exactly the same RAM (the loaded image, zeros elsewhere), so every
 * digest agrees between them.  Once one of them has run the guest long
 * enough to print 'B' and is stopped, the sweep range [START, END) has
 * changed while [END, 128M) has not (the guest never writes there).  The
 * digest of a range is also checked against a digest the test computes
 * itself with libxxhash from the bytes it reads over qtest, so "equal"
 * cannot hold merely because the command returns a constant.
 */
#include "qemu/osdep.h"
#include <xxhash.h>
#include "libqtest.h"
#include "migration/cr16/a-b-bootblock.h"

#define BOOT_TIMEOUT_US     (120 * G_USEC_PER_SEC)
#define PAGE                4096u
#define CHUNK_PAGES         64u
#define RAM_SIZE            (128u * 1024 * 1024)
/* The part of the sweep range the test reads and hashes itself. */
#define PROBE_LEN           (1024u * 1024)

typedef struct Guest {
    char *dir;
    char *kernel;
    char *serial;
    QTestState *s;
} Guest;

static void guest_start(Guest *g)
{
    GError *err = NULL;

    g->dir = g_dir_make_tmp("ram-digest-XXXXXX", &err);
    g_assert_no_error(err);
    g->kernel = g_build_filename(g->dir, "bootsect", NULL);
    g_file_set_contents(g->kernel, (const char *)cr16_kernel,
                        sizeof(cr16_kernel), &err);
    g_assert_no_error(err);
    g->serial = g_build_filename(g->dir, "serial", NULL);
    g->s = qtest_initf("-accel tcg -M virt -m 128M -S -serial file:%s "
                       "-kernel %s", g->serial, g->kernel);
}

static void guest_stop(Guest *g)
{
    qtest_quit(g->s);
    unlink(g->serial);
    unlink(g->kernel);
    rmdir(g->dir);
    g_free(g->serial);
    g_free(g->kernel);
    g_free(g->dir);
}

static bool serial_has(const char *path, char c)
{
    g_autofree char *text = NULL;
    size_t len;

    return g_file_get_contents(path, &text, &len, NULL) &&
           memchr(text, c, len) != NULL;
}

/* Run the guest until it has printed 'B' (a batch of sweeps), then stop. */
static void run_until_b(Guest *g)
{
    gint64 deadline = g_get_monotonic_time() + BOOT_TIMEOUT_US;

    qtest_qmp_assert_success(g->s, "{'execute': 'cont'}");
    while (!serial_has(g->serial, 'B')) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(2 * 1000);
    }
    qtest_qmp_assert_success(g->s, "{'execute': 'stop'}");
}

/* ---- the command ---- */

static JsonArray *query(QTestState *s, const char *ranges)
{
    JsonNode *ret = ranges ?
        qtest_qmp_assert_success_ref(s, "{'execute': 'x-query-ram-digest', "
                                     "'arguments': {'ranges': %s}}", ranges) :
        qtest_qmp_assert_success_ref(s, "{'execute': 'x-query-ram-digest'}");
    JsonArray *a = json_array_ref(json_node_get_array(ret));

    json_node_unref(ret);
    return a;
}

/* The digest of one range or block ("{'block': ...}" / "{'start': ...}"). */
static char *digest_of(QTestState *s, const char *range)
{
    g_autofree char *list = g_strdup_printf("[%s]", range);
    JsonArray *a = query(s, list);
    char *hex;

    g_assert_cmpuint(json_array_get_length(a), ==, 1);
    hex = g_strdup(json_object_get_string_member(
                       json_array_get_object_element(a, 0), "digest"));
    g_assert_cmpuint(strlen(hex), ==, 32);
    json_array_unref(a);
    return hex;
}

static char *range_digest(QTestState *s, uint64_t start, uint64_t len)
{
    g_autofree char *r = g_strdup_printf("{'start': %" PRIu64 ", "
                                         "'length': %" PRIu64 "}",
                                         start, len);
    return digest_of(s, r);
}

/* ---- the digest's definition, computed here from the bytes ---- */

static void canon(XXH128_hash_t h, uint8_t out[16])
{
    XXH128_canonicalFromHash((XXH128_canonical_t *)out, h);
}

static char *expected_digest(const uint8_t *mem, uint64_t len)
{
    uint64_t npages = len / PAGE;
    uint64_t nchunks = (npages + CHUNK_PAGES - 1) / CHUNK_PAGES;
    g_autofree uint8_t *pages = g_malloc(npages * 16);
    g_autofree uint8_t *chunks = g_malloc(nchunks * 16);
    uint8_t hdr[16] = { 0 }, out[16];
    XXH3_state_t *st = XXH3_createState();
    GString *hex = g_string_new(NULL);

    for (uint64_t p = 0; p < npages; p++) {
        canon(XXH3_128bits(mem + p * PAGE, PAGE), pages + 16 * p);
    }
    for (uint64_t c = 0; c < nchunks; c++) {
        uint64_t n = MIN(CHUNK_PAGES, npages - c * CHUNK_PAGES);

        canon(XXH3_128bits(pages + 16 * c * CHUNK_PAGES, n * 16),
              chunks + 16 * c);
    }
    for (int i = 0; i < 8; i++) {
        hdr[i] = len >> (56 - 8 * i);
    }
    hdr[10] = PAGE >> 8;
    hdr[15] = CHUNK_PAGES;
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, hdr, 16);
    XXH3_128bits_update(st, chunks, nchunks * 16);
    canon(XXH3_128bits_digest(st), out);
    XXH3_freeState(st);
    for (int i = 0; i < 16; i++) {
        g_string_append_printf(hex, "%02x", out[i]);
    }
    return g_string_free(hex, false);
}

/* Read [start, start + len) over qtest and hash it here. */
static char *read_and_hash(QTestState *s, uint64_t start, uint64_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    qtest_bufread(s, start, buf, len);
    return expected_digest(buf, len);
}

/* ---- tests ---- */

/*
 * Two identically booted processes agree; running the guest changes the
 * sweep range and nothing above it; each digest matches the bytes.
 */
static void test_sweep_changes_digest(void)
{
    Guest a = { 0 }, b = { 0 };
    g_autofree char *a_block0 = NULL, *b_block0 = NULL;
    g_autofree char *a_block1 = NULL, *a_block2 = NULL, *b_block1 = NULL;
    g_autofree char *a_hi = NULL, *b_hi = NULL;
    g_autofree char *a_probe = NULL, *b_probe = NULL, *want = NULL;
    g_autofree char *a_all = NULL;
    const uint64_t hi_len = RAM_SIZE - CR16_AB_END;

    guest_start(&a);
    guest_start(&b);

    a_block0 = digest_of(a.s, "{'block': 'cr16.ram'}");
    b_block0 = digest_of(b.s, "{'block': 'cr16.ram'}");
    g_assert_cmpstr(a_block0, ==, b_block0);
    /* Whole RAM as a physical range is the block's digest. */
    a_all = range_digest(a.s, 0, RAM_SIZE);
    g_assert_cmpstr(a_all, ==, a_block0);

    run_until_b(&a);
    /* Paused: the digest is stable. */
    a_block1 = digest_of(a.s, "{'block': 'cr16.ram'}");
    a_block2 = digest_of(a.s, "{'block': 'cr16.ram'}");
    g_assert_cmpstr(a_block1, ==, a_block2);
    g_assert_cmpstr(a_block1, !=, a_block0);
    b_block1 = digest_of(b.s, "{'block': 'cr16.ram'}");
    g_assert_cmpstr(b_block1, ==, b_block0);

    /* The guest never writes above END: equal on both. */
    a_hi = range_digest(a.s, CR16_AB_END, hi_len);
    b_hi = range_digest(b.s, CR16_AB_END, hi_len);
    g_assert_cmpstr(a_hi, ==, b_hi);

    /* The start of the sweep range differs, and matches its bytes. */
    a_probe = range_digest(a.s, CR16_AB_START, PROBE_LEN);
    b_probe = range_digest(b.s, CR16_AB_START, PROBE_LEN);
    g_assert_cmpstr(a_probe, !=, b_probe);
    want = read_and_hash(a.s, CR16_AB_START, PROBE_LEN);
    g_assert_cmpstr(a_probe, ==, want);
    g_free(want);
    want = read_and_hash(b.s, CR16_AB_START, PROBE_LEN);
    g_assert_cmpstr(b_probe, ==, want);

    guest_stop(&a);
    guest_stop(&b);
}

/* A write while paused changes exactly the digests that cover it. */
static void test_write_while_paused(void)
{
    Guest g = { 0 };
    g_autofree char *before = NULL, *after = NULL, *want = NULL;
    g_autofree char *other0 = NULL, *other1 = NULL;
    const uint64_t where = CR16_AB_END + 5 * PAGE + 17;

    guest_start(&g);
    before = range_digest(g.s, CR16_AB_END, 64 * PAGE);
    other0 = range_digest(g.s, CR16_AB_END + 64 * PAGE, 64 * PAGE);
    qtest_writeb(g.s, where, 0xa5);
    after = range_digest(g.s, CR16_AB_END, 64 * PAGE);
    other1 = range_digest(g.s, CR16_AB_END + 64 * PAGE, 64 * PAGE);
    g_assert_cmpstr(before, !=, after);
    g_assert_cmpstr(other0, ==, other1);
    want = read_and_hash(g.s, CR16_AB_END, 64 * PAGE);
    g_assert_cmpstr(after, ==, want);
    guest_stop(&g);
}

/* MMIO and unmapped space hash as zeros; MMIO is not read. */
static void test_non_ram(void)
{
    Guest g = { 0 };
    g_autofree uint8_t *zeros = g_malloc0(16 * PAGE);
    g_autofree char *want = expected_digest(zeros, 16 * PAGE);
    g_autofree char *mmio = NULL, *hole = NULL;

    guest_start(&g);
    mmio = range_digest(g.s, 0xffff0000u, 16 * PAGE);
    hole = range_digest(g.s, 0x80000000u, 16 * PAGE);
    g_assert_cmpstr(mmio, ==, want);
    g_assert_cmpstr(hole, ==, want);
    guest_stop(&g);
}

static void test_default_and_errors(void)
{
    Guest g = { 0 };
    JsonArray *all;
    JsonObject *o, *err;

    guest_start(&g);
    all = query(g.s, NULL);
    g_assert_cmpuint(json_array_get_length(all), ==, 1);
    o = json_array_get_object_element(all, 0);
    g_assert_cmpstr(json_object_get_string_member(o, "block"), ==,
                    "cr16.ram");
    g_assert_cmpint(json_object_get_int_member(o, "start"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(o, "length"), ==, RAM_SIZE);
    json_array_unref(all);

    err = qtest_qmp_assert_failure_ref(g.s,
        "{'execute': 'x-query-ram-digest', "
        "'arguments': {'ranges': [{'block': 'nope'}]}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "RAM block 'nope' not found");
    json_object_unref(err);
    err = qtest_qmp_assert_failure_ref(g.s,
        "{'execute': 'x-query-ram-digest', "
        "'arguments': {'ranges': [{'start': 4097, 'length': 4096}]}}");
    g_assert_nonnull(strstr(json_object_get_string_member(err, "desc"),
                            "multiples of 4096"));
    json_object_unref(err);
    err = qtest_qmp_assert_failure_ref(g.s,
        "{'execute': 'x-query-ram-digest', "
        "'arguments': {'ranges': [{'block': 'cr16.ram', 'start': 0}]}}");
    g_assert_nonnull(strstr(json_object_get_string_member(err, "desc"),
                            "not both"));
    json_object_unref(err);
    err = qtest_qmp_assert_failure_ref(g.s,
        "{'execute': 'x-query-ram-digest', "
        "'arguments': {'ranges': [{'start': 0}]}}");
    g_assert_nonnull(strstr(json_object_get_string_member(err, "desc"),
                            "both 'start' and 'length'"));
    json_object_unref(err);
    guest_stop(&g);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/ram-digest/sweep-changes-digest",
                   test_sweep_changes_digest);
    qtest_add_func("/ram-digest/write-while-paused", test_write_while_paused);
    qtest_add_func("/ram-digest/non-ram", test_non_ram);
    qtest_add_func("/ram-digest/default-and-errors", test_default_and_errors);
    return g_test_run();
}

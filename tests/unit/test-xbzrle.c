/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XBZRLE encoder and decoder (spec/migration-wire-format.md 3.7):
 * byte-exact encodings, round trips, every malformed input rejected.
 */
#include "qemu/osdep.h"

#include "migration/xbzrle.h"

#define PAGE 4096

static uint8_t old_page[PAGE], new_page[PAGE], enc[2 * PAGE];

static void reset_pages(void)
{
    memset(old_page, 0, PAGE);
    memset(new_page, 0, PAGE);
}

static void check_encoding(const uint8_t *expect, size_t expect_len)
{
    int n = xbzrle_encode(old_page, new_page, PAGE, enc, PAGE);

    g_assert_cmpint(n, ==, (int)expect_len);
    g_assert_cmpmem(enc, n, expect, expect_len);
}

static void test_equal_pages(void)
{
    reset_pages();
    memset(old_page + 100, 0x5a, 300);
    memcpy(new_page, old_page, PAGE);
    g_assert_cmpint(xbzrle_encode(old_page, new_page, PAGE, enc, PAGE), ==, 0);
}

static void test_first_byte(void)
{
    static const uint8_t expect[] = { 0x00, 0x01, 0xaa };

    reset_pages();
    new_page[0] = 0xaa;
    check_encoding(expect, sizeof(expect));
}

static void test_last_byte_two_byte_uleb(void)
{
    /* zrun 4095 = 0xfff: 0x80 | 0x7f, then 0xfff >> 7 = 0x1f. */
    static const uint8_t expect[] = { 0xff, 0x1f, 0x01, 0x42 };

    reset_pages();
    new_page[PAGE - 1] = 0x42;
    check_encoding(expect, sizeof(expect));
}

static void test_two_runs(void)
{
    /* bytes 2-3 changed, then 196 unchanged (0xc4 -> c4 01), byte 200. */
    static const uint8_t expect[] = {
        0x02, 0x02, 0x11, 0x22,
        0xc4, 0x01, 0x01, 0x33,
    };

    reset_pages();
    old_page[500] = 7;          /* differs in neither: same in both */
    new_page[500] = 7;
    new_page[2] = 0x11;
    new_page[3] = 0x22;
    new_page[200] = 0x33;
    check_encoding(expect, sizeof(expect));
}

static void test_long_changed_run(void)
{
    /* 200 changed bytes at 8: nzrun 200 = c8 01; tail unchanged. */
    int n;

    reset_pages();
    memset(new_page + 8, 0xee, 200);
    n = xbzrle_encode(old_page, new_page, PAGE, enc, PAGE);
    g_assert_cmpint(n, ==, 3 + 200);
    g_assert_cmphex(enc[0], ==, 0x08);
    g_assert_cmphex(enc[1], ==, 0xc8);
    g_assert_cmphex(enc[2], ==, 0x01);
    for (int i = 0; i < 200; i++) {
        g_assert_cmphex(enc[3 + i], ==, 0xee);
    }
}

static void test_too_big(void)
{
    int n;

    /* Every byte changed: 00 80 20 + 4096 bytes = 4099 > 4096. */
    reset_pages();
    memset(new_page, 0xff, PAGE);
    g_assert_cmpint(xbzrle_encode(old_page, new_page, PAGE, enc, PAGE), ==,
                    -1);
    n = xbzrle_encode(old_page, new_page, PAGE, enc, sizeof(enc));
    g_assert_cmpint(n, ==, PAGE + 3);
    g_assert_cmphex(enc[0], ==, 0x00);
    g_assert_cmphex(enc[1], ==, 0x80);
    g_assert_cmphex(enc[2], ==, 0x20);

    /* Every other byte changed: 2 + 1 bytes per change, overflows too. */
    reset_pages();
    for (int i = 0; i < PAGE; i += 2) {
        new_page[i] = 1;
    }
    g_assert_cmpint(xbzrle_encode(old_page, new_page, PAGE, enc, PAGE), ==,
                    -1);

    /* The limit is inclusive: an encoding of exactly dst_len fits. */
    reset_pages();
    new_page[0] = 1;
    g_assert_cmpint(xbzrle_encode(old_page, new_page, PAGE, enc, 3), ==, 3);
    g_assert_cmpint(xbzrle_encode(old_page, new_page, PAGE, enc, 2), ==, -1);
}

static void round_trip(void)
{
    uint8_t dest[PAGE];
    g_autoptr(GError) err = NULL;
    int n;

    memcpy(dest, old_page, PAGE);
    n = xbzrle_encode(old_page, new_page, PAGE, enc, sizeof(enc));
    g_assert_cmpint(n, >=, 0);
    g_assert_true(xbzrle_decode(enc, n, dest, PAGE, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(dest, PAGE, new_page, PAGE);
}

static void test_round_trips(void)
{
    GRand *r = g_rand_new_with_seed(0x5eed);

    for (int iter = 0; iter < 2000; iter++) {
        int changes = g_rand_int_range(r, 0, 64);

        for (int i = 0; i < PAGE; i++) {
            old_page[i] = g_rand_int(r);
        }
        memcpy(new_page, old_page, PAGE);
        for (int c = 0; c < changes; c++) {
            int at = g_rand_int_range(r, 0, PAGE);
            int len = g_rand_int_range(r, 1, 300);

            for (int i = at; i < at + len && i < PAGE; i++) {
                new_page[i] = g_rand_int(r);
            }
        }
        round_trip();
    }

    /* Structured pages: alternating runs of every length 1..40. */
    for (int stride = 1; stride <= 40; stride++) {
        reset_pages();
        for (int i = 0; i < PAGE; i++) {
            if ((i / stride) % 2) {
                new_page[i] = i + 1;
            }
        }
        round_trip();
    }
    /* Changes only at the very start and the very end. */
    reset_pages();
    new_page[0] = 1;
    new_page[PAGE - 1] = 1;
    round_trip();
    /* Completely random new page. */
    for (int i = 0; i < PAGE; i++) {
        new_page[i] = g_rand_int(r) | 1;
    }
    round_trip();
    g_rand_free(r);
}

static void test_decode_keeps_uncovered_bytes(void)
{
    static const uint8_t delta[] = { 0x04, 0x02, 0xaa, 0xbb };
    uint8_t page[PAGE];
    g_autoptr(GError) err = NULL;

    memset(page, 0x77, PAGE);
    g_assert_true(xbzrle_decode(delta, sizeof(delta), page, PAGE, &err));
    g_assert_cmphex(page[3], ==, 0x77);
    g_assert_cmphex(page[4], ==, 0xaa);
    g_assert_cmphex(page[5], ==, 0xbb);
    g_assert_cmphex(page[6], ==, 0x77);
    /* Empty input is a valid "nothing changed". */
    g_assert_true(xbzrle_decode(delta, 0, page, PAGE, &err));
}

typedef struct BadCase {
    const char *what;
    uint8_t bytes[8];
    size_t len;
    const char *message;
} BadCase;

static const BadCase bad_cases[] = {
    { "one byte", { 0x00 }, 1, "ends inside the run at byte 0" },
    { "pair without data", { 0x00, 0x01 }, 2,
      "ends inside the run at byte 1" },
    { "zero changed run", { 0x00, 0x00, 0xaa }, 3, "empty changed run" },
    { "second zrun zero", { 0x00, 0x01, 0xaa, 0x00, 0x01, 0xbb }, 6,
      "empty unchanged run at byte 3" },
    { "zrun past page", { 0xff, 0x7f, 0x01, 0xaa }, 4,
      "unchanged run of 16383 bytes at page offset 0" },
    { "zrun to page end then data", { 0x80, 0x20, 0x01, 0xaa }, 4,
      "changed run of 1 bytes at page offset 4096 passes the page end" },
    { "nzrun past page", { 0x01, 0x80, 0x20, 0xaa }, 4,
      "changed run of 4096 bytes at page offset 1 passes the page end" },
    { "nzrun past data", { 0x00, 0x05, 0xaa, 0xbb }, 4,
      "changed run of 5 bytes at byte 2 passes the end" },
    { "three-byte uleb zrun", { 0x80, 0x80, 0x01, 0x01, 0xaa }, 5,
      "bad unchanged-run length at byte 0" },
    { "three-byte uleb nzrun", { 0x00, 0x81, 0x80, 0x01, 0xaa }, 5,
      "bad changed-run length at byte 1" },
    { "trailing byte", { 0x00, 0x01, 0xaa, 0x03 }, 4,
      "ends inside the run at byte 3" },
    { "zrun then nothing", { 0x00, 0x01, 0xaa, 0x03, 0x01 }, 5,
      "ends inside the run at byte 4" },
};

static void test_malformed(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        const BadCase *bc = &bad_cases[i];
        uint8_t page[PAGE] = { 0 };
        g_autoptr(GError) err = NULL;

        g_test_message("case: %s", bc->what);
        g_assert_false(xbzrle_decode(bc->bytes, bc->len, page, PAGE, &err));
        g_assert_nonnull(err);
        if (!strstr(err->message, bc->message)) {
            g_error("case '%s': message '%s' lacks '%s'", bc->what,
                    err->message, bc->message);
        }
    }
}

static void test_random_garbage_never_overruns(void)
{
    GRand *r = g_rand_new_with_seed(42);
    uint8_t buf[64];

    /* Whatever the bytes, decoding stays inside page and input. */
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = g_rand_int_range(r, 0, sizeof(buf));
        uint8_t page[256];

        for (size_t i = 0; i < len; i++) {
            buf[i] = g_rand_int(r);
        }
        xbzrle_decode(buf, len, page, sizeof(page), NULL);
    }
    g_rand_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xbzrle/encode/equal", test_equal_pages);
    g_test_add_func("/xbzrle/encode/first-byte", test_first_byte);
    g_test_add_func("/xbzrle/encode/last-byte", test_last_byte_two_byte_uleb);
    g_test_add_func("/xbzrle/encode/two-runs", test_two_runs);
    g_test_add_func("/xbzrle/encode/long-run", test_long_changed_run);
    g_test_add_func("/xbzrle/encode/too-big", test_too_big);
    g_test_add_func("/xbzrle/round-trip", test_round_trips);
    g_test_add_func("/xbzrle/decode/uncovered",
                    test_decode_keeps_uncovered_bytes);
    g_test_add_func("/xbzrle/decode/malformed", test_malformed);
    g_test_add_func("/xbzrle/decode/garbage",
                    test_random_garbage_never_overruns);
    return g_test_run();
}

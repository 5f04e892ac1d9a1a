/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XBZRLE page cache: sizing, hits and misses, the freshness rule
 * that stops thrashing, invalidation and O(1) reset.
 */
#include "qemu/osdep.h"

#include "migration/page_cache.h"

#define PAGE 4096

static void fill(uint8_t *p, uint8_t v)
{
    memset(p, v, PAGE);
}

static void test_sizing(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(PageCache) c = NULL;
    PageCache *bad;

    /* 5 pages round down to 4 slots. */
    c = page_cache_new(5 * PAGE + 100, PAGE, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(page_cache_slots(c), ==, 4);
    g_assert_cmpuint(page_cache_size(c), ==, 4 * PAGE);

    bad = page_cache_new(PAGE - 1, PAGE, &err);
    g_assert_null(bad);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "smaller than a page"));
}

static void test_hit_miss(void)
{
    g_autoptr(PageCache) c = page_cache_new(4 * PAGE, PAGE, NULL);
    uint8_t page[PAGE];
    uint8_t *copy;

    g_assert_null(page_cache_lookup(c, 0x1000, 1));
    fill(page, 0x11);
    copy = page_cache_insert(c, 0x1000, page, 1);
    g_assert_nonnull(copy);
    /* A copy, not the caller's buffer. */
    g_assert_true(copy != page);
    fill(page, 0x22);
    g_assert_true(page_cache_lookup(c, 0x1000, 1) == copy);
    g_assert_cmphex(copy[0], ==, 0x11);
    g_assert_cmphex(copy[PAGE - 1], ==, 0x11);
    /* Same slot, other key: a miss, not the other page's data. */
    g_assert_null(page_cache_lookup(c, 0x1000 + 4 * PAGE, 1));

    /* NULL data stores a zero page. */
    copy = page_cache_insert(c, 0x2000, NULL, 1);
    g_assert_nonnull(copy);
    for (int i = 0; i < PAGE; i++) {
        g_assert_cmphex(copy[i], ==, 0);
    }
    /* Re-inserting the same key replaces its data whatever its age. */
    fill(page, 0x33);
    copy = page_cache_insert(c, 0x1000, page, 1);
    g_assert_nonnull(copy);
    g_assert_cmphex(page_cache_lookup(c, 0x1000, 1)[7], ==, 0x33);
}

static void test_freshness(void)
{
    g_autoptr(PageCache) c = page_cache_new(2 * PAGE, PAGE, NULL);
    uint64_t a = 0, b = 2 * PAGE;     /* same slot */
    uint8_t page[PAGE];

    fill(page, 0xaa);
    g_assert_nonnull(page_cache_insert(c, a, page, 10));
    /* a was stored at age 10: fresh at ages 10 and 11, so b must wait. */
    fill(page, 0xbb);
    g_assert_null(page_cache_insert(c, b, page, 10));
    g_assert_null(page_cache_insert(c, b, page, 11));
    g_assert_cmphex(page_cache_lookup(c, a, 11)[0], ==, 0xaa);
    /* The hit at 11 refreshed a: still fresh at 12. */
    g_assert_null(page_cache_insert(c, b, page, 12));
    /* At 13 a is old and b takes the slot. */
    g_assert_nonnull(page_cache_insert(c, b, page, 13));
    g_assert_null(page_cache_lookup(c, a, 13));
    g_assert_cmphex(page_cache_lookup(c, b, 13)[0], ==, 0xbb);
}

static void test_invalidate_and_reset(void)
{
    g_autoptr(PageCache) c = page_cache_new(8 * PAGE, PAGE, NULL);
    uint8_t page[PAGE];

    fill(page, 1);
    for (uint64_t k = 0; k < 8; k++) {
        g_assert_nonnull(page_cache_insert(c, k * PAGE, page, 5));
    }
    page_cache_invalidate(c, 3 * PAGE);
    g_assert_null(page_cache_lookup(c, 3 * PAGE, 5));
    g_assert_nonnull(page_cache_lookup(c, 4 * PAGE, 5));
    /* Invalidating a key that is not cached leaves its slot's page. */
    page_cache_invalidate(c, 12 * PAGE);
    g_assert_nonnull(page_cache_lookup(c, 4 * PAGE, 5));

    page_cache_reset(c);
    for (uint64_t k = 0; k < 8; k++) {
        g_assert_null(page_cache_lookup(c, k * PAGE, 5));
    }
    /* After a reset the slots are free even for fresh ages. */
    g_assert_nonnull(page_cache_insert(c, 9 * PAGE, page, 5));
    g_assert_nonnull(page_cache_lookup(c, 9 * PAGE, 5));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/page-cache/sizing", test_sizing);
    g_test_add_func("/page-cache/hit-miss", test_hit_miss);
    g_test_add_func("/page-cache/freshness", test_freshness);
    g_test_add_func("/page-cache/invalidate-reset", test_invalidate_and_reset);
    return g_test_run();
}

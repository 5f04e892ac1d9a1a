/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zero check's second thread (migration/ram-zero-helper.c): what it
 * reports for a word matches the pages, only words it checked since the
 * last restart are reported, a restart voids every earlier result, and
 * it gives up on pages with data.
 */
#include "qemu/osdep.h"
#include "migration/ram-internal.h"
#include "migration/ram-zero-helper.h"

#define DEADLINE_US (30 * G_USEC_PER_SEC)

typedef struct Fixture {
    RAMState *rs;
    uint8_t *mem[3];
    unsigned long *written[3];
} Fixture;

static const uint64_t block_pages[3] = { 256, 200, 20 * 64 };

static void fixture_new(Fixture *fx)
{
    fx->rs = g_new0(RAMState, 1);
    fx->rs->nr_blocks = 3;
    fx->rs->blocks = g_new0(RAMSaveBlock, 3);
    for (int i = 0; i < 3; i++) {
        RAMSaveBlock *b = &fx->rs->blocks[i];

        b->pages = block_pages[i];
        b->words = DIV_ROUND_UP(b->pages, BITS_PER_LONG);
        fx->mem[i] = g_aligned_alloc0(b->pages, TARGET_PAGE_SIZE, 64);
        b->host = fx->mem[i];
        b->bmap = g_new0(unsigned long, b->words);
        fx->written[i] = g_new0(unsigned long, b->words);
        b->written = fx->written[i];
        for (uint64_t p = 0; p < b->pages; p++) {
            b->bmap[p / BITS_PER_LONG] |= 1UL << (p % BITS_PER_LONG);
            fx->written[i][p / BITS_PER_LONG] |= 1UL << (p % BITS_PER_LONG);
        }
    }
    /* Block 0, 1: data in every third page, at a position that moves
     * through the page; block 2: data everywhere. */
    for (int i = 0; i < 2; i++) {
        for (uint64_t p = 0; p < block_pages[i]; p += 3) {
            fx->mem[i][p * TARGET_PAGE_SIZE + (p * 97) % TARGET_PAGE_SIZE] =
                1;
        }
    }
    memset(fx->mem[2], 0x5a, block_pages[2] * TARGET_PAGE_SIZE);
}

static void fixture_free(Fixture *fx)
{
    for (int i = 0; i < 3; i++) {
        g_free(fx->rs->blocks[i].bmap);
        g_free(fx->written[i]);
        g_aligned_free(fx->mem[i]);
    }
    g_free(fx->rs->blocks);
    g_free(fx->rs);
}

/* The dirty, written pages of the word that hold only zeros. */
static unsigned long truth(Fixture *fx, size_t blk, size_t wi)
{
    RAMSaveBlock *b = &fx->rs->blocks[blk];
    unsigned long m = 0;

    for (unsigned bit = 0; bit < BITS_PER_LONG; bit++) {
        uint64_t p = (uint64_t)wi * BITS_PER_LONG + bit;
        bool zero = true;

        if (p >= b->pages || !((b->bmap[wi] & b->written[wi]) >> bit & 1)) {
            continue;
        }
        for (size_t i = 0; i < TARGET_PAGE_SIZE; i++) {
            zero &= !b->host[p * TARGET_PAGE_SIZE + i];
        }
        m |= (unsigned long)zero << bit;
    }
    return m;
}

static void test_results_match_pages(void)
{
    Fixture fx;
    RAMZeroHelper *zh;
    unsigned long z;

    fixture_new(&fx);
    /* Block 2 last would make it give up at once: leave it clean. */
    memset(fx.rs->blocks[2].bmap, 0, fx.rs->blocks[2].words *
           sizeof(unsigned long));
    /* A page never written is not checked (the scan knows it is zero). */
    fx.written[1][1] &= ~(1UL << 5);
    zh = ram_zero_helper_new(fx.rs);
    ram_zero_helper_restart(zh, 0, 1);
    g_assert_true(ram_zero_helper_wait_done(zh, g_get_monotonic_time() +
                                                DEADLINE_US));
    /* At and below the scan position: left to the scan. */
    g_assert_false(ram_zero_helper_take(zh, 0, 0, &z));
    g_assert_false(ram_zero_helper_take(zh, 0, 1, &z));
    for (size_t blk = 0; blk < 3; blk++) {
        for (size_t wi = blk == 0 ? 2 : 0; wi < fx.rs->blocks[blk].words;
             wi++) {
            g_assert_true(ram_zero_helper_take(zh, blk, wi, &z));
            g_assert_cmphex(z, ==, truth(&fx, blk, wi));
        }
    }
    ram_zero_helper_free(zh);
    fixture_free(&fx);
}

static void test_restart_voids_results(void)
{
    Fixture fx;
    RAMZeroHelper *zh;
    unsigned long z, before;

    fixture_new(&fx);
    memset(fx.rs->blocks[2].bmap, 0, fx.rs->blocks[2].words *
           sizeof(unsigned long));
    zh = ram_zero_helper_new(fx.rs);
    /* Before the first restart there is nothing. */
    g_assert_false(ram_zero_helper_take(zh, 1, 3, &z));
    ram_zero_helper_restart(zh, 0, 0);
    g_assert_true(ram_zero_helper_wait_done(zh, g_get_monotonic_time() +
                                                DEADLINE_US));
    g_assert_true(ram_zero_helper_take(zh, 1, 3, &before));
    g_assert_true(before & 2);

    /* The guest writes a page found zero; the next sync restarts. */
    fx.mem[1][(3 * BITS_PER_LONG + 1) * TARGET_PAGE_SIZE + 4095] = 7;
    ram_zero_helper_restart(zh, 0, 0);
    /* Until the thread checked it again, the word has no result. */
    if (ram_zero_helper_take(zh, 1, 3, &z)) {
        g_assert_false(z & 2);
    }
    g_assert_true(ram_zero_helper_wait_done(zh, g_get_monotonic_time() +
                                                DEADLINE_US));
    g_assert_true(ram_zero_helper_take(zh, 1, 3, &z));
    g_assert_cmphex(z, ==, before & ~2UL);
    g_assert_cmphex(z, ==, truth(&fx, 1, 3));
    ram_zero_helper_free(zh);
    fixture_free(&fx);
}

static void test_gives_up_on_data(void)
{
    Fixture fx;
    RAMZeroHelper *zh;
    RAMSaveBlock *last;
    unsigned long z;
    size_t taken = 0;

    fixture_new(&fx);
    last = &fx.rs->blocks[2];
    zh = ram_zero_helper_new(fx.rs);
    ram_zero_helper_restart(zh, 0, 0);
    g_assert_true(ram_zero_helper_wait_done(zh, g_get_monotonic_time() +
                                                DEADLINE_US));
    for (size_t wi = 0; wi < last->words; wi++) {
        if (ram_zero_helper_take(zh, 2, wi, &z)) {
            g_assert_cmphex(z, ==, 0);
            taken++;
        }
    }
    /* It stopped after a few words of data, never reaching block 1. */
    g_assert_cmpuint(taken, >, 0);
    g_assert_cmpuint(taken, <, last->words);
    g_assert_false(ram_zero_helper_take(zh, 1, 0, &z));
    ram_zero_helper_free(zh);
    fixture_free(&fx);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ram-zero-helper/results-match-pages",
                    test_results_match_pages);
    g_test_add_func("/ram-zero-helper/restart-voids-results",
                    test_restart_voids_results);
    g_test_add_func("/ram-zero-helper/gives-up-on-data",
                    test_gives_up_on_data);
    return g_test_run();
}

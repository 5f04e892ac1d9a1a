/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A second thread for the zero-page check of a precopy pass. The check
 * of a zero page reads all of it, and a guest whose RAM is mostly zeros
 * is bounded by one core reading memory; this thread checks words of the
 * bitmap from the end of the RAM downwards while the migration thread
 * scans upwards, and the two meet in the middle. The migration thread
 * takes a word's result instead of checking its pages.
 *
 * Rules that keep a result true:
 *  - results belong to one generation, the time between two dirty syncs
 *    (ram_zero_helper_restart() after each); the thread reads a page
 *    only after it saw the generation, i.e. after the sync's barrier,
 *    so a page read as zero and sent as zero later was either not
 *    written since the sync or its dirty bit is set again for the next
 *    pass;
 *  - a result is published (the low mark moves down) after it is
 *    stored, with the generation in the same atomic word, so a result
 *    from before a sync is never taken after it;
 *  - between syncs only the migration thread changes a bitmap, and only
 *    by clearing bits: the pages it still sends in a word are a subset
 *    of those the helper checked.
 *
 * On pages with data the thread stops for the rest of the generation
 * (HELPER_GIVE_UP_WORDS words in a row without a zero page): there it
 * would only take a core from the destination, which on a 2-core host
 * is the one copying the stream.
 */
#include "qemu/osdep.h"

#include "ram-internal.h"
#include "ram-zero-helper.h"

/* Words in a row with dirty pages and no zero page among them. */
#define HELPER_GIVE_UP_WORDS 8

/* state: generation in the high bits, the low mark in the others. */
#define LOW_BITS 40
#define LOW_MASK ((UINT64_C(1) << LOW_BITS) - 1)

struct RAMZeroHelper {
    RAMState *rs;
    size_t *base;               /* first global word of each block */
    size_t total_words;
    unsigned long *hint;        /* per global word: the zero pages */

    /*
     * (gen << LOW_BITS) | low: words [low, total_words) of generation
     * gen have their result in hint. Written by the helper (moving low
     * down) and by restart (new generation, nothing done).
     */
    uint64_t state;
    uint64_t scan_pos;          /* the migration thread's global word */
    uint64_t gen;               /* migration thread only */
    uint64_t finished_gen;      /* the last generation the helper ended */

    GThread *thread;
    GMutex lock;
    GCond cond;
    uint64_t wanted_gen;        /* under lock: the generation to work on */
    bool quit;                  /* under lock */
};

/* Check the dirty pages of global word g; the mask of the zero ones. */
static unsigned long check_word(RAMZeroHelper *zh, size_t blk_index,
                                size_t wi)
{
    RAMSaveBlock *blk = &zh->rs->blocks[blk_index];
    unsigned long dirty = qatomic_read(&blk->bmap[wi]);
    unsigned long zero = 0;

    /* Pages never written are known zeros without a check. */
    dirty &= qatomic_read(&blk->written[wi]);
    while (dirty) {
        unsigned bit = __builtin_ctzl(dirty);
        uint64_t page = (uint64_t)wi * BITS_PER_LONG + bit;

        dirty &= dirty - 1;
        if (ram_page_is_zero(blk->host + (page << TARGET_PAGE_BITS))) {
            zero |= 1UL << bit;
        }
    }
    return zero;
}

/* Work down from the end until the scan, a restart or a give-up. */
static void helper_pass(RAMZeroHelper *zh, uint64_t gen)
{
    size_t pos = zh->total_words;
    size_t blk_index = zh->rs->nr_blocks;
    unsigned dry = 0;

    while (pos > 0) {
        uint64_t expect = (gen << LOW_BITS) | pos;
        size_t g = pos - 1;
        RAMSaveBlock *blk;
        unsigned long zero, dirty;

        if (g <= qatomic_read(&zh->scan_pos) ||
            qatomic_read(&zh->state) != expect ||
            qatomic_read(&zh->quit)) {
            return;
        }
        while (zh->base[blk_index - 1] > g) {
            blk_index--;
        }
        blk = &zh->rs->blocks[blk_index - 1];
        if (blk->ignored) {
            zero = 0;
            dirty = 0;
        } else {
            size_t wi = g - zh->base[blk_index - 1];

            dirty = qatomic_read(&blk->bmap[wi]);
            zero = check_word(zh, blk_index - 1, wi);
        }
        qatomic_set(&zh->hint[g], zero);
        /* Publishes hint[g] (full barrier); fails after a restart. */
        if (qatomic_cmpxchg(&zh->state, expect, (gen << LOW_BITS) | g) !=
            expect) {
            return;
        }
        pos = g;
        if (zero) {
            dry = 0;
        } else if (dirty && ++dry >= HELPER_GIVE_UP_WORDS) {
            return;
        }
    }
}

static gpointer helper_thread(gpointer opaque)
{
    RAMZeroHelper *zh = opaque;
    uint64_t done_gen = 0;

    for (;;) {
        uint64_t gen;

        g_mutex_lock(&zh->lock);
        while (!zh->quit && zh->wanted_gen == done_gen) {
            g_cond_wait(&zh->cond, &zh->lock);
        }
        if (zh->quit) {
            g_mutex_unlock(&zh->lock);
            return NULL;
        }
        gen = zh->wanted_gen;
        g_mutex_unlock(&zh->lock);
        helper_pass(zh, gen);
        done_gen = gen;
        qatomic_set(&zh->finished_gen, gen);
    }
}

RAMZeroHelper *ram_zero_helper_new(RAMState *rs)
{
    RAMZeroHelper *zh = g_new0(RAMZeroHelper, 1);

    zh->rs = rs;
    zh->base = g_new(size_t, rs->nr_blocks + 1);
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        zh->base[i] = zh->total_words;
        zh->total_words += rs->blocks[i].words;
    }
    zh->base[rs->nr_blocks] = zh->total_words;
    g_assert(zh->total_words < LOW_MASK);
    zh->hint = g_new0(unsigned long, MAX(zh->total_words, 1));
    zh->state = zh->total_words;
    g_mutex_init(&zh->lock);
    g_cond_init(&zh->cond);
    zh->thread = g_thread_new("mig/zero-check", helper_thread, zh);
    return zh;
}

void ram_zero_helper_free(RAMZeroHelper *zh)
{
    if (!zh) {
        return;
    }
    g_mutex_lock(&zh->lock);
    qatomic_set(&zh->quit, true);
    g_cond_signal(&zh->cond);
    g_mutex_unlock(&zh->lock);
    g_thread_join(zh->thread);
    g_mutex_clear(&zh->lock);
    g_cond_clear(&zh->cond);
    g_free(zh->hint);
    g_free(zh->base);
    g_free(zh);
}

void ram_zero_helper_restart(RAMZeroHelper *zh, size_t block, size_t wi)
{
    zh->gen++;
    g_assert(zh->gen < (UINT64_C(1) << (64 - LOW_BITS)));
    ram_zero_helper_note_scan(zh, block, wi);
    /* Every result of before is void from here on. */
    qatomic_set(&zh->state, (zh->gen << LOW_BITS) | zh->total_words);
    smp_mb();
    g_mutex_lock(&zh->lock);
    zh->wanted_gen = zh->gen;
    g_cond_signal(&zh->cond);
    g_mutex_unlock(&zh->lock);
}

void ram_zero_helper_note_scan(RAMZeroHelper *zh, size_t block, size_t wi)
{
    qatomic_set(&zh->scan_pos, block < zh->rs->nr_blocks ?
                               zh->base[block] + wi : zh->total_words);
}

bool ram_zero_helper_take(RAMZeroHelper *zh, size_t block, size_t wi,
                          unsigned long *zero)
{
    uint64_t s = qatomic_read(&zh->state);
    size_t g = zh->base[block] + wi;

    if (s >> LOW_BITS != zh->gen || g < (s & LOW_MASK)) {
        return false;
    }
    *zero = qatomic_read(&zh->hint[g]);
    return true;
}

bool ram_zero_helper_wait_done(RAMZeroHelper *zh, int64_t deadline_us)
{
    while (qatomic_read(&zh->finished_gen) != zh->gen) {
        if (g_get_monotonic_time() > deadline_us) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM dirty tracking on the source (wire 3.10): the migration bitmap of
 * each block (pages still to send), the sync that merges what the guest
 * dirtied since the last one, and the per-period figures that
 * query-migrate and auto-converge use.
 */
#include "qemu/osdep.h"

#include "migration/migration-stats.h"
#include "ram-internal.h"
#include "ram-zero-helper.h"
#include "ram-digest-mig.h"

/* Copies for other threads (query-migrate under the BQL, tests). */
static uint64_t published_dirty_pages;
static uint64_t published_total_bytes;

/* The sync notifier and the last period; guarded by sync_lock. */
static GMutex sync_lock;
static RAMSyncNotifier *sync_notifier;
static void *sync_notifier_opaque;
static RAMSyncPeriod last_period;

#define RAM_SYNC_PERIOD_MS 1000

static int64_t now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

void ram_set_dirty_pages(RAMState *rs, uint64_t pages)
{
    rs->dirty_pages = pages;
    qatomic_set(&published_dirty_pages, pages);
}

void ram_publish_total(uint64_t bytes)
{
    qatomic_set(&published_total_bytes, bytes);
}

uint64_t ram_bytes_remaining(void)
{
    return qatomic_read(&published_dirty_pages) * TARGET_PAGE_SIZE;
}

uint64_t ram_bytes_total(void)
{
    uint64_t total = qatomic_read(&published_total_bytes);

    if (total) {
        return total;
    }
    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        total += ram_block_used_length(rb);
    }
    return total;
}

uint64_t ram_get_total_transferred_pages(void)
{
    return qatomic_read(&mig_stats.zero_pages) +
           qatomic_read(&mig_stats.normal_pages) +
           qatomic_read(&mig_stats.xbzrle_pages);
}

void ram_set_sync_notifier(RAMSyncNotifier *fn, void *opaque)
{
    g_mutex_lock(&sync_lock);
    sync_notifier = fn;
    sync_notifier_opaque = opaque;
    g_mutex_unlock(&sync_lock);
}

void ram_get_sync_period(RAMSyncPeriod *out)
{
    g_mutex_lock(&sync_lock);
    *out = last_period;
    g_mutex_unlock(&sync_lock);
}

/* Set the first `pages` bits of bm (words long) and clear the rest. */
static void bitmap_fill_pages(unsigned long *bm, size_t words,
                              uint64_t pages)
{
    memset(bm, 0xff, words * sizeof(unsigned long));
    if (pages % BITS_PER_LONG) {
        bm[words - 1] = (1UL << (pages % BITS_PER_LONG)) - 1;
    }
}

void ram_state_blocks_init(RAMState *rs, const RAMBlockScope *scope)
{
    uint64_t to_send = 0;

    rs->nr_blocks = ram_scope_count(scope);
    rs->blocks = g_new0(RAMSaveBlock, rs->nr_blocks);
    rs->total_bytes = 0;
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RAMSaveBlock *b = &rs->blocks[i];

        b->rb = ram_scope_block(scope, i, &b->name);
        b->host = ram_block_host(b->rb);
        b->pages = ram_block_used_length(b->rb) >> TARGET_PAGE_BITS;
        b->words = ram_block_bitmap_words(b->rb);
        b->written = ram_block_written_bitmap(b->rb);
        b->ignored = ram_block_is_ignored(b->rb);
        /* Keys stay unique across blocks: the block's place in the list. */
        b->cache_key_base = rs->total_bytes;
        b->bmap = g_new0(unsigned long, b->words);
        if (!b->ignored) {
            /* Every page must be sent once. */
            bitmap_fill_pages(b->bmap, b->words, b->pages);
            to_send += b->pages;
        }
        rs->total_bytes += ram_block_used_length(b->rb);
    }
    ram_set_dirty_pages(rs, to_send);
    ram_publish_total(rs->total_bytes);
    ram_digest_mig_src_start(rs);
    rs->period_start_ms = now_ms();
    g_mutex_lock(&sync_lock);
    memset(&last_period, 0, sizeof(last_period));
    g_mutex_unlock(&sync_lock);
}

void ram_state_blocks_free(RAMState *rs)
{
    ram_digest_mig_src_stop();
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        g_free(rs->blocks[i].bmap);
    }
    g_clear_pointer(&rs->blocks, g_free);
    rs->nr_blocks = 0;
    ram_set_dirty_pages(rs, 0);
    ram_publish_total(0);
}

void ram_dirty_sync(RAMState *rs)
{
    uint64_t fresh = 0;
    int64_t now, elapsed;
    RAMSyncNotifier *fn;
    void *opaque;

    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RAMSaveBlock *b = &rs->blocks[i];

        if (b->ignored) {
            /* Drain its log anyway so the bits do not pile up. */
            ram_block_dirty_collect(b->rb, DIRTY_MEMORY_MIGRATION, b->bmap);
            memset(b->bmap, 0, b->words * sizeof(unsigned long));
            continue;
        }
        fresh += ram_block_dirty_collect(b->rb, DIRTY_MEMORY_MIGRATION,
                                         b->bmap);
    }
    /*
     * A CPU may still store through a page pointer it cached before the
     * collect; such a store sets no new bit. The barrier ends that window,
     * and only after it may the pages just collected be read (memory.h).
     */
    memory_dirty_sync_barrier();
    /* x-ram-digest: rehash what this sync found (and nothing else). */
    ram_digest_mig_src_sync(rs);

    ram_set_dirty_pages(rs, rs->dirty_pages + fresh);
    rs->sync_count++;
    rs->period_dirty_pages += fresh;
    qatomic_set(&mig_stats.dirty_sync_count, rs->sync_count);
    qatomic_set(&mig_stats.dirty_bytes_last_sync,
                rs->dirty_pages * TARGET_PAGE_SIZE);
    qatomic_set(&mig_stats.dirty_bytes_fresh_last_sync,
                fresh * TARGET_PAGE_SIZE);

    now = now_ms();
    elapsed = now - rs->period_start_ms;
    g_mutex_lock(&sync_lock);
    if (elapsed >= RAM_SYNC_PERIOD_MS) {
        last_period.dirty_pages = rs->period_dirty_pages;
        last_period.bytes_sent = rs->bytes_sent - rs->period_start_bytes;
        last_period.duration_ms = elapsed;
        qatomic_set(&mig_stats.dirty_pages_rate,
                    rs->period_dirty_pages * 1000 / elapsed);
        rs->period_dirty_pages = 0;
        rs->period_start_bytes = rs->bytes_sent;
        rs->period_start_ms = now;
    }
    fn = sync_notifier;
    opaque = sync_notifier_opaque;
    g_mutex_unlock(&sync_lock);

    if (fn) {
        fn(rs->sync_count, opaque);
    }
    if (rs->zero_helper) {
        ram_zero_helper_restart(rs->zero_helper, rs->scan_block,
                                rs->scan_page / BITS_PER_LONG);
    }
}

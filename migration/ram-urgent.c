/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Urgent postcopy pages (docs/devel/migration/postcopy.rst, "Requested
 * pages"): the return-path thread that decoded a page request sends the
 * page itself. Handing it to the migration thread cost one more thread
 * wake-up per fault, and on a busy machine every wake-up waits for a CPU.
 *
 *   preempt on    the RP thread writes the page on the preempt channel,
 *                 which only this file writes (send_lock);
 *   preempt off   the RP thread writes a PART section of its own on the
 *                 main channel, but only while the migration thread idles
 *                 between two sections (ram_postcopy_idle_begin/end);
 *                 while it is busy the request is queued, and it takes it
 *                 before its next background word without any wake-up;
 *   host pages larger than a target page are always queued: the
 *   background scan must never see half of one cleared (the receiver
 *   assembles a host page from consecutive records of one channel).
 *
 * Sharing the dirty bitmap. From postcopy start the source VM is
 * stopped: page contents never change and no dirty sync sets a bit
 * again (recovery rewrites the bitmaps, but with no RP thread running).
 * So any copy of a page, sent at any time, is current: a page cannot be
 * sent stale, only twice, and the destination places a page once (its
 * received bitmap) and drops the other copy. What must hold is that the
 * count rs->dirty_pages matches the set bits, or completion comes early
 * or never. Both threads clear bits with one atomic fetch-and and each
 * counts only the bits its own fetch-and turned off, so every bit is
 * counted once. The RP thread's count goes to rs->urgent_cleared under
 * bits_lock together with its fetch-and; ram_urgent_fold takes it under
 * the same lock, so a clear that the scan has seen is counted after the
 * next fold. A cleared page is written under send_lock, which
 * ram_postcopy_urgent_drain takes before the END section: the page has
 * left before the stream's end.
 */
#include "qemu/osdep.h"

#include "migration/migration-stats.h"
#include "migration/qemu-file.h"
#include "migration/savevm.h"
#include "ram-internal.h"

/* Order: send_lock, then bits_lock. */
static GMutex send_lock;
static GMutex bits_lock;

static RAMState *urgent_rs;             /* send_lock */
static QEMUFile *preempt_file;          /* send_lock */
static const RAMSaveBlock *preempt_last;    /* CONTINUE there; send_lock */
static QEMUFile *idle_main;             /* send_lock; NULL: busy */
static uint32_t ram_section_id;         /* send_lock */
static bool ram_section_known;          /* send_lock */

void ram_urgent_attach(RAMState *rs)
{
    g_mutex_lock(&send_lock);
    urgent_rs = rs;
    idle_main = NULL;
    preempt_last = NULL;
    ram_section_known = rs && qemu_savevm_live_section_id("ram",
                                                          &ram_section_id);
    g_mutex_unlock(&send_lock);
}

void ram_postcopy_set_preempt(QEMUFile *f)
{
    g_mutex_lock(&send_lock);
    preempt_file = f;
    preempt_last = NULL;
    g_mutex_unlock(&send_lock);
}

void ram_urgent_fold(RAMState *rs)
{
    uint64_t n;

    g_mutex_lock(&bits_lock);
    n = rs->urgent_cleared;
    rs->urgent_cleared = 0;
    g_mutex_unlock(&bits_lock);
    if (n) {
        ram_set_dirty_pages(rs, rs->dirty_pages - n);
    }
}

/* Clear page p's bit; it goes out now whether it was set or not. */
static void take_page(RAMState *rs, RAMSaveBlock *blk, uint64_t p)
{
    unsigned long bit = 1UL << (p % BITS_PER_LONG);

    g_mutex_lock(&bits_lock);
    if (qatomic_fetch_and(&blk->bmap[p / BITS_PER_LONG], ~bit) & bit) {
        rs->urgent_cleared++;
    }
    g_mutex_unlock(&bits_lock);
}

/*
 * Records for target pages [first, first + n) of blk on f, *last the
 * channel's CONTINUE block. The page is queued by reference: the source
 * is stopped and f is flushed before send_lock is dropped. send_lock.
 */
static uint64_t put_pages(RAMState *rs, QEMUFile *f,
                          const RAMSaveBlock **last, RAMSaveBlock *blk,
                          uint64_t first, uint64_t n)
{
    uint64_t bytes = 0;

    for (uint64_t p = first; p < first + n && p < blk->pages; p++) {
        uint64_t off = p << TARGET_PAGE_BITS;
        const uint8_t *host = blk->host + off;
        bool zero = rs->zero_detect && ram_page_is_zero(host);
        uint8_t hdr[RAM_RECORD_HEADER_MAX];
        size_t hlen = ram_page_header_encode(hdr, last, blk, off,
                                             zero ? RAM_SAVE_FLAG_ZERO
                                                  : RAM_SAVE_FLAG_PAGE);

        take_page(rs, blk, p);
        qemu_put_buffer(f, hdr, hlen);
        bytes += hlen;
        if (zero) {
            qemu_put_byte(f, 0);
            bytes += 1;
            ram_stat_add(&mig_stats.zero_pages, 1);
        } else {
            qemu_put_buffer_async(f, host, TARGET_PAGE_SIZE);
            bytes += TARGET_PAGE_SIZE;
            ram_stat_add(&mig_stats.normal_pages, 1);
        }
    }
    ram_stat_add(&mig_stats.postcopy_bytes, bytes);
    return bytes;
}

/* On the preempt channel: plain records, one write (wire 6.3). */
static void send_preempt(RAMState *rs, RAMSaveBlock *blk, uint64_t first,
                         uint64_t n)
{
    put_pages(rs, preempt_file, &preempt_last, blk, first, n);
    qemu_fflush(preempt_file);
    ram_stat_add(&mig_stats.postcopy_preempt_pages, n);
}

bool ram_urgent_send_preempt(RAMState *rs, RAMSaveBlock *blk,
                             uint64_t first, uint64_t n)
{
    bool sent = false;

    g_mutex_lock(&send_lock);
    if (preempt_file) {
        send_preempt(rs, blk, first, n);
        sent = true;
    }
    g_mutex_unlock(&send_lock);
    return sent;
}

/* On the idle main channel: a whole PART section, one write. */
static void send_main(RAMState *rs, RAMSaveBlock *blk, uint64_t first,
                      uint64_t n)
{
    QEMUFile *f = idle_main;

    qemu_savevm_put_part_header(f, ram_section_id);
    put_pages(rs, f, &rs->last_sent, blk, first, n);
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    qemu_savevm_put_part_footer(f, ram_section_id);
    qemu_fflush(f);
    ram_stat_add(&mig_stats.postcopy_urgent_main_pages, n);
}

bool ram_postcopy_serve_urgent(RAMBlock *rb, ram_addr_t start, uint64_t len)
{
    RAMSaveBlock *blk;
    RAMState *rs;
    bool sent = false;

    g_mutex_lock(&send_lock);
    rs = urgent_rs;
    blk = rs ? ram_save_block_of(rs, rb) : NULL;
    if (blk && !blk->ignored &&
        MAX(ram_block_page_size(rb), TARGET_PAGE_SIZE) == TARGET_PAGE_SIZE) {
        uint64_t first = start >> TARGET_PAGE_BITS;
        uint64_t n = len >> TARGET_PAGE_BITS;

        if (preempt_file) {
            send_preempt(rs, blk, first, n);
            sent = true;
        } else if (idle_main && ram_section_known) {
            send_main(rs, blk, first, n);
            sent = true;
        }
    }
    g_mutex_unlock(&send_lock);
    return sent;
}

void ram_postcopy_idle_begin(QEMUFile *f)
{
    g_mutex_lock(&send_lock);
    idle_main = f;
    g_mutex_unlock(&send_lock);
}

void ram_postcopy_idle_end(void)
{
    g_mutex_lock(&send_lock);
    idle_main = NULL;
    g_mutex_unlock(&send_lock);
}

void ram_postcopy_urgent_drain(void)
{
    g_mutex_lock(&send_lock);
    g_mutex_unlock(&send_lock);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM save (wire 3): the START section lists the blocks, PART sections
 * send what the migration bitmap says is dirty, the END section sends the
 * rest with the guest stopped. Page data is queued by reference (no copy)
 * except where XBZRLE needs a stable copy.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/qemu-file.h"
#include "migration/options.h"
#include "migration/migration-stats.h"
#include "migration/xbzrle.h"
#include "migration/postcopy-src.h"
#include "migration/postcopy-discard.h"
#include "migration/savevm.h"
#include "ram-internal.h"
#include "ram-mapped.h"
#include "ram-zero-helper.h"

/* A PART section stops after this long even below the rate limit. */
#define RAM_ITERATE_BUDGET_US (50 * 1000)
/* In postcopy, shorter: a request waits at most this long for a turn. */
#define RAM_POSTCOPY_BUDGET_US (10 * 1000)

/* The outgoing migration's state; migration thread only. */
static RAMState *ram_state;

/* ---- record headers, staged ---- */

static void stage_flush(RAMState *rs, QEMUFile *f)
{
    if (rs->stage_len) {
        qemu_put_buffer(f, rs->stage, rs->stage_len);
        rs->stage_len = 0;
    }
}

static void stage_byte(RAMState *rs, uint8_t v)
{
    rs->stage[rs->stage_len++] = v;
}

size_t ram_page_header_encode(uint8_t *out, const RAMSaveBlock **last,
                              const RAMSaveBlock *blk, uint64_t offset,
                              unsigned flag)
{
    uint64_t be;
    size_t len;

    if (*last == blk) {
        be = GUINT64_TO_BE(offset | flag | RAM_SAVE_FLAG_CONTINUE);
        memcpy(out, &be, sizeof(be));
        return 8;
    }
    len = strlen(blk->name);
    be = GUINT64_TO_BE(offset | flag);
    memcpy(out, &be, sizeof(be));
    out[8] = len;
    memcpy(out + 9, blk->name, len);
    *last = blk;
    return 8 + 1 + len;
}

/* Stage the record header for a page of blk; returns the bytes staged. */
static size_t stage_page_header(RAMState *rs, QEMUFile *f,
                                const RAMSaveBlock *blk, uint64_t offset,
                                unsigned flag)
{
    size_t n;

    if (RAM_STAGE_SIZE - rs->stage_len < RAM_RECORD_HEADER_MAX) {
        stage_flush(rs, f);
    }
    n = ram_page_header_encode(rs->stage + rs->stage_len, &rs->last_sent,
                               blk, offset, flag);
    rs->stage_len += n;
    return n;
}

/* A multifd sync point (wire 6.2.6): staged records go first. */
static void multifd_point(RAMState *rs, QEMUFile *f, RAMMultifdPoint pt)
{
    if (rs->mfd) {
        stage_flush(rs, f);
        ram_multifd_sync_point(rs, f, pt);
    }
}

/* ---- pages ---- */

static bool xbzrle_active(const RAMState *rs)
{
    /* Only after one full pass: before it, nearly every page would miss.
     * Never in postcopy (wire 3.8). */
    return rs->cache && rs->round_done && !rs->postcopy;
}

static size_t save_zero_page(RAMState *rs, QEMUFile *f, RAMSaveBlock *blk,
                             uint64_t offset)
{
    size_t n = stage_page_header(rs, f, blk, offset, RAM_SAVE_FLAG_ZERO);

    stage_byte(rs, 0);
    if (xbzrle_active(rs) && !rs->last_stage) {
        /* The destination now holds zeros: so must the cache. */
        page_cache_insert(rs->cache, blk->cache_key_base + offset, NULL,
                          rs->sync_count);
    }
    return n + 1;
}

/*
 * A PAGE record. data is either the guest page (queued by reference:
 * a later guest write also sets the dirty bit, so the page goes again)
 * or a cache copy, which a later insert may overwrite before the flush
 * and so is copied.
 */
static size_t save_normal_page(RAMState *rs, QEMUFile *f, RAMSaveBlock *blk,
                               uint64_t offset, const uint8_t *data)
{
    size_t n = stage_page_header(rs, f, blk, offset, RAM_SAVE_FLAG_PAGE);

    stage_flush(rs, f);
    if (data == blk->host + offset) {
        qemu_put_buffer_async(f, data, TARGET_PAGE_SIZE);
    } else {
        qemu_put_buffer(f, data, TARGET_PAGE_SIZE);
    }
    ram_stat_add(&mig_stats.normal_pages, 1);
    return n + TARGET_PAGE_SIZE;
}

/*
 * XBZRLE (wire 3.7): every page sent while the cache exists keeps the
 * cache equal to what the destination holds, so a delta against it is
 * exact. Returns the bytes sent (0: unchanged, nothing sent).
 */
static size_t save_xbzrle_page(RAMState *rs, QEMUFile *f, RAMSaveBlock *blk,
                               uint64_t offset)
{
    uint64_t key = blk->cache_key_base + offset;
    const uint8_t *host = blk->host + offset;
    uint8_t *cached = page_cache_lookup(rs->cache, key, rs->sync_count);
    size_t n;
    int len;

    if (!cached) {
        ram_stat_add(&mig_stats.xbzrle_cache_miss, 1);
        if (!rs->last_stage) {
            cached = page_cache_insert(rs->cache, key, host, rs->sync_count);
        }
        /* Send the cached copy: it is exactly what the cache now says. */
        return save_normal_page(rs, f, blk, offset, cached ? cached : host);
    }

    /* The guest may write while we encode: work on a stable snapshot. */
    memcpy(rs->xbzrle_current, host, TARGET_PAGE_SIZE);
    len = xbzrle_encode(cached, rs->xbzrle_current, TARGET_PAGE_SIZE,
                        rs->xbzrle_encoded, TARGET_PAGE_SIZE);
    if (len == 0) {
        return 0;
    }
    memcpy(cached, rs->xbzrle_current, TARGET_PAGE_SIZE);
    if (len < 0) {
        ram_stat_add(&mig_stats.xbzrle_overflow, 1);
        return save_normal_page(rs, f, blk, offset, cached);
    }

    n = stage_page_header(rs, f, blk, offset, RAM_SAVE_FLAG_XBZRLE);
    stage_byte(rs, ENCODING_FLAG_XBZRLE);
    stage_byte(rs, len >> 8);
    stage_byte(rs, len & 0xff);
    stage_flush(rs, f);
    qemu_put_buffer(f, rs->xbzrle_encoded, len);
    n += 3 + len;
    ram_stat_add(&mig_stats.xbzrle_pages, 1);
    ram_stat_add(&mig_stats.xbzrle_bytes, n);
    ram_stat_add(&mig_stats.xbzrle_encoded_size, len);
    return n;
}

/*
 * Send the pages whose bits are set in dirty, a subset of word wi of
 * blk's bitmap, and clear them. Returns the bytes produced.
 */
static uint64_t save_word(RAMState *rs, QEMUFile *f, RAMSaveBlock *blk,
                          size_t wi, unsigned long dirty)
{
    /* Pages never written read as zeros: no need to touch them. */
    unsigned long known_zero = rs->zero_detect ?
        dirty & ~qatomic_read(&blk->written[wi]) : 0;
    unsigned long helper_zero = 0;
    bool helped = rs->zero_helper &&
                  ram_zero_helper_take(rs->zero_helper, blk - rs->blocks, wi,
                                       &helper_zero);
    uint64_t bytes = 0, zeros = 0;
    bool prefetch = rs->zero_detect && ram_page_check_wants_prefetch();

    /* Only the bits this clear turned off: in postcopy the RP thread may
     * have sent some meanwhile (ram-urgent.c). */
    dirty &= qatomic_fetch_and(&blk->bmap[wi], ~dirty);
    known_zero &= dirty;
    ram_set_dirty_pages(rs, rs->dirty_pages - __builtin_popcountl(dirty));
    if (rs->mapped) {
        bytes = ram_mapped_save_word(rs->mapped, f, blk - rs->blocks, wi,
                                     dirty, known_zero, rs->zero_detect);
        dirty = 0;
    }

    while (dirty) {
        unsigned bit = __builtin_ctzl(dirty);
        uint64_t offset = ((uint64_t)wi * BITS_PER_LONG + bit)
                          << TARGET_PAGE_BITS;
        const uint8_t *host = blk->host + offset;
        const uint8_t *next;
        bool zero;

        dirty &= dirty - 1;
        next = dirty && !((known_zero >> __builtin_ctzl(dirty)) & 1) ?
               host + ((uint64_t)(__builtin_ctzl(dirty) - bit)
                       << TARGET_PAGE_BITS) : NULL;
        if (prefetch && next) {
            /* The next page is checked next: start fetching it now. */
            ram_prefetch_page(next);
        }
        if (helped) {
            /* Checked by the helper since the last sync (a clear bit:
             * the page had data, or was not written yet then). */
            zero = ((known_zero | helper_zero) >> bit) & 1;
        } else {
            zero = ((known_zero >> bit) & 1) ||
                   (rs->zero_detect && ram_page_is_zero(host));
        }
        if (!zero && next && rs->zero_detect) {
            /*
             * A page with data: the next one likely has data too, and
             * its check stops at its first line, a cache miss the check
             * would wait for (~25 % of a check-and-copy sweep over
             * random pages). Only that line, and never after a zero
             * page, whose full-page check a prefetch slows.
             */
            __builtin_prefetch(next);
        }
        if (zero) {
            bytes += save_zero_page(rs, f, blk, offset);
            zeros++;
        } else if (rs->mfd && !rs->postcopy) {
            ram_multifd_queue(rs, f, blk, offset);
        } else if (xbzrle_active(rs)) {
            bytes += save_xbzrle_page(rs, f, blk, offset);
        } else {
            bytes += save_normal_page(rs, f, blk, offset, host);
        }
    }
    if (zeros) {
        ram_stat_add(&mig_stats.zero_pages, zeros);
    }
    rs->bytes_sent += bytes;
    ram_stat_add(rs->postcopy ? &mig_stats.postcopy_bytes :
                 rs->last_stage ? &mig_stats.downtime_bytes
                                : &mig_stats.precopy_bytes, bytes);
    return bytes;
}

/*
 * Find the next dirty word from the scan position, wrapping around the
 * block list, and send it. Returns false when nothing is dirty.
 */
static bool save_next_word(RAMState *rs, QEMUFile *f)
{
    /* Two wraps without a dirty page would mean the count is wrong. */
    for (int wraps = 0; rs->dirty_pages && wraps < 2;) {
        RAMSaveBlock *blk = &rs->blocks[rs->scan_block];
        size_t wi = rs->scan_page / BITS_PER_LONG;
        unsigned long mask = ~0UL << (rs->scan_page % BITS_PER_LONG);

        for (; wi < blk->words; wi++, mask = ~0UL) {
            unsigned long dirty = qatomic_read(&blk->bmap[wi]) & mask;

            if (dirty) {
                rs->scan_page = (uint64_t)(wi + 1) * BITS_PER_LONG;
                if (rs->zero_helper) {
                    ram_zero_helper_note_scan(rs->zero_helper, rs->scan_block,
                                              wi);
                }
                save_word(rs, f, blk, wi, dirty);
                return true;
            }
        }
        rs->scan_page = 0;
        if (++rs->scan_block == rs->nr_blocks) {
            rs->scan_block = 0;
            rs->round_done = true;
            wraps++;
            multifd_point(rs, f, RAM_MULTIFD_WRAP);
        }
    }
    if (rs->postcopy) {
        /* What the RP thread cleared since the last fold. */
        ram_urgent_fold(rs);
    }
    assert(rs->dirty_pages == 0);
    return false;
}

static bool finish_section(RAMState *rs, QEMUFile *f, GError **errp)
{
    stage_flush(rs, f);
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    if (rs->mfd) {
        /* Legacy mode: the multifd channels wait for this EOS. */
        qemu_fflush(f);
    }
    rs->bytes_sent += 8;
    ram_stat_add(rs->postcopy ? &mig_stats.postcopy_bytes :
                 rs->last_stage ? &mig_stats.downtime_bytes
                                : &mig_stats.precopy_bytes, 8);
    if (qemu_file_get_error_obj(f, errp)) {
        if (errp && !*errp) {
            error_setg(errp, "RAM: the migration stream failed");
        }
        return false;
    }
    return true;
}

/* ---- handlers ---- */

static void ram_state_free(RAMState *rs)
{
    /* The helper reads the blocks: it goes first. */
    ram_zero_helper_free(rs->zero_helper);
    ram_state_blocks_free(rs);
    ram_mapped_save_free(rs->mapped);
    page_cache_free(rs->cache);
    g_free(rs->xbzrle_current);
    g_free(rs->xbzrle_encoded);
    g_free(rs);
}

void ram_save_cleanup(void *opaque)
{
    if (!ram_state) {
        return;
    }
    ram_urgent_attach(NULL);
    memory_global_dirty_log_stop(DIRTY_MEMORY_MIGRATION);
    g_clear_pointer(&ram_state, ram_state_free);
}

/* Rebuild the cache when xbzrle-cache-size changed (it may, live). */
static void xbzrle_cache_follow_param(RAMState *rs)
{
    uint64_t want = migrate_xbzrle_cache_size();
    PageCache *c;

    if (!rs->cache || want == rs->cache_param) {
        return;
    }
    /* A new cache is empty: every page misses once, which is safe. */
    c = page_cache_new(want, TARGET_PAGE_SIZE, NULL);
    if (c) {
        page_cache_free(rs->cache);
        rs->cache = c;
    }
    rs->cache_param = want;
}

bool ram_save_setup(QEMUFile *f, void *opaque, GError **errp)
{
    const RAMBlockScope *scope = opaque;
    g_autoptr(GError) err = NULL;
    RAMState *rs;

    ram_save_cleanup(NULL);     /* a previous run that was not cleaned */
    rs = g_new0(RAMState, 1);
    /* Without multifd senders, legacy and multifd both detect here. */
    rs->zero_detect = migrate_zero_page_detection() !=
                      ZERO_PAGE_DETECTION_NONE;
    ram_multifd_save_setup(rs);
    if (migrate_xbzrle()) {
        rs->cache_param = migrate_xbzrle_cache_size();
        rs->cache = page_cache_new(rs->cache_param, TARGET_PAGE_SIZE, &err);
        if (!rs->cache) {
            g_free(rs);
            g_propagate_prefixed_error(errp, g_steal_pointer(&err),
                                       "RAM: ");
            return false;
        }
        rs->xbzrle_current = g_malloc(TARGET_PAGE_SIZE);
        rs->xbzrle_encoded = g_malloc(TARGET_PAGE_SIZE);
    }
    ram_state = rs;

    /*
     * Logging first, then every page marked: a write from now on is
     * either in the log or made before the page is read for sending.
     */
    memory_global_dirty_log_start(DIRTY_MEMORY_MIGRATION);
    ram_state_blocks_init(rs, scope);
    if (rs->zero_detect && !rs->mfd && !migrate_mapped_ram() &&
        g_get_num_processors() > 1) {
        rs->zero_helper = ram_zero_helper_new(rs);
    }
    ram_dirty_sync(rs);
    if (migrate_mapped_ram()) {
        rs->mapped = ram_mapped_save_new(f, rs->nr_blocks, errp);
        if (!rs->mapped) {
            return false;
        }
    }

    /* MEM_SIZE and the block list (wire 3.5). */
    qemu_put_be64(f, rs->total_bytes | RAM_SAVE_FLAG_MEM_SIZE);
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        const RAMSaveBlock *b = &rs->blocks[i];

        qemu_put_counted_string(f, b->name);
        qemu_put_be64(f, ram_block_used_length(b->rb));
        /*
         * No page_size field: our blocks are never huge-page backed, so
         * their page size equals max(host page, TPS) on both sides.
         */
        if (migrate_ignore_shared()) {
            hwaddr base = ram_block_phys_base(b->rb);

            qemu_put_be64(f, base == (hwaddr)-1 ? 0 : base);
        }
        if (rs->mapped &&
            !ram_mapped_save_block(rs->mapped, f, i, b->rb, errp)) {
            return false;
        }
    }
    multifd_point(rs, f, RAM_MULTIFD_SETUP);
    return finish_section(rs, f, errp);
}

static int ram_save_postcopy_iterate(RAMState *rs, QEMUFile *f,
                                     GError **errp);

int ram_save_iterate(QEMUFile *f, void *opaque, GError **errp)
{
    RAMState *rs = ram_state;
    int64_t deadline = g_get_monotonic_time() + RAM_ITERATE_BUDGET_US;

    if (!rs) {
        error_setg(errp, "RAM: iterate without setup");
        return -1;
    }
    if (rs->postcopy) {
        return ram_save_postcopy_iterate(rs, f, errp);
    }
    xbzrle_cache_follow_param(rs);
    while (rs->dirty_pages && !qemu_file_rate_limit_exceeded(f) &&
           !qemu_file_get_error(f)) {
        save_next_word(rs, f);
        if (g_get_monotonic_time() > deadline) {
            break;
        }
    }
    multifd_point(rs, f, RAM_MULTIFD_ITERATE);
    if (!finish_section(rs, f, errp)) {
        return -1;
    }
    return rs->dirty_pages == 0;
}

bool ram_save_complete(QEMUFile *f, void *opaque, GError **errp)
{
    RAMState *rs = ram_state;

    if (!rs) {
        error_setg(errp, "RAM: complete without setup");
        return false;
    }
    rs->last_stage = true;
    if (!rs->postcopy) {
        /* In postcopy the guest is stopped since the discards. */
        ram_dirty_sync(rs);
    }
    while (save_next_word(rs, f) && !qemu_file_get_error(f)) {
        /* no rate limit and no time budget: the guest is stopped */
    }
    multifd_point(rs, f, RAM_MULTIFD_COMPLETE);
    if (rs->mapped && !qemu_file_get_error(f) &&
        !ram_mapped_save_complete(rs->mapped, errp)) {
        return false;
    }
    return finish_section(rs, f, errp);
}

static void pending(uint64_t *must_precopy, uint64_t *can_postcopy)
{
    uint64_t remaining = ram_state ?
                         ram_state->dirty_pages * TARGET_PAGE_SIZE : 0;

    if (migrate_postcopy_ram()) {
        *can_postcopy += remaining;
    } else {
        *must_precopy += remaining;
    }
}

void ram_state_pending_estimate(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy)
{
    pending(must_precopy, can_postcopy);
}

void ram_state_pending_exact(void *opaque, uint64_t *must_precopy,
                             uint64_t *can_postcopy)
{
    if (ram_state && !ram_state->last_stage) {
        ram_dirty_sync(ram_state);
    }
    pending(must_precopy, can_postcopy);
}

/* ---- postcopy (wire 3.8, 4.4, 4.6) ---- */

bool ram_save_postcopy_prepare(QEMUFile *f, void *opaque, GError **errp)
{
    /* No pages: a PART section with only the multifd sync, if any. */
    if (ram_state) {
        multifd_point(ram_state, f, RAM_MULTIFD_POSTCOPY);
    }
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    return qemu_file_get_error_obj(f, errp) == 0;
}

RAMSaveBlock *ram_save_block_of(RAMState *rs, RAMBlock *rb)
{
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        if (rs->blocks[i].rb == rb) {
            return &rs->blocks[i];
        }
    }
    return NULL;
}

/*
 * A requested host page: every target page of it goes now, dirty or
 * not (a clean one may still be in flight; the destination drops the
 * duplicate), and leaves the background scan.
 */
static void save_requested(RAMState *rs, QEMUFile *f, RAMSaveBlock *blk,
                           uint64_t offset, uint64_t len)
{
    for (uint64_t p = offset >> TARGET_PAGE_BITS;
         p < (offset + len) >> TARGET_PAGE_BITS && p < blk->pages; p++) {
        size_t wi = p / BITS_PER_LONG;
        unsigned long bit = 1UL << (p % BITS_PER_LONG);

        /* save_word clears the bit and counts it when it was dirty. */
        if (!(qatomic_fetch_or(&blk->bmap[wi], bit) & bit)) {
            ram_set_dirty_pages(rs, rs->dirty_pages + 1);
        }
        save_word(rs, f, blk, wi, bit);
        ram_stat_add(&mig_stats.postcopy_urgent_main_pages, 1);
    }
}

static int ram_save_postcopy_iterate(RAMState *rs, QEMUFile *f,
                                     GError **errp)
{
    int64_t deadline = g_get_monotonic_time() + RAM_POSTCOPY_BUDGET_US;
    RAMBlock *rb;
    ram_addr_t offset;
    uint64_t len;

    for (;;) {
        bool urgent = false;

        /* Requests the RP thread could not send itself. */
        while (postcopy_src_take_page(rs->queue, &rb, &offset, &len)) {
            RAMSaveBlock *blk = ram_save_block_of(rs, rb);

            if (blk && !blk->ignored &&
                !ram_urgent_send_preempt(rs, blk, offset >> TARGET_PAGE_BITS,
                                         len >> TARGET_PAGE_BITS)) {
                save_requested(rs, f, blk, offset, len);
                urgent = true;
            }
        }
        if (urgent) {
            /* The faulting thread waits for these bytes. */
            stage_flush(rs, f);
            qemu_fflush(f);
        }
        ram_urgent_fold(rs);
        if (!rs->dirty_pages || qemu_file_rate_limit_exceeded(f) ||
            qemu_file_get_error(f) || g_get_monotonic_time() > deadline) {
            break;
        }
        save_next_word(rs, f);
    }
    if (!finish_section(rs, f, errp)) {
        return -1;
    }
    return ram_postcopy_done();
}

bool ram_postcopy_done(void)
{
    RAMState *rs = ram_state;

    if (rs && rs->postcopy) {
        ram_urgent_fold(rs);
    }
    return !rs || (rs->dirty_pages == 0 &&
                   postcopy_src_queue_pending_pages(rs->queue) == 0);
}

static bool send_discard(void *opaque, const uint8_t *payload, uint16_t len,
                         GError **errp)
{
    QEMUFile *f = opaque;

    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_RAM_DISCARD, len, payload);
    return qemu_file_get_error_obj(f, errp) == 0;
}

bool ram_postcopy_start(QEMUFile *f, struct PostcopySrcQueue *q,
                        GError **errp)
{
    RAMState *rs = ram_state;

    if (!rs) {
        error_setg(errp, "RAM: postcopy start without setup");
        return false;
    }
    stage_flush(rs, f);
    /* Its results belong to the precopy passes only. */
    g_clear_pointer(&rs->zero_helper, ram_zero_helper_free);
    ram_dirty_sync(rs);
    rs->postcopy = true;
    rs->queue = q;
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RAMSaveBlock *b = &rs->blocks[i];
        uint64_t per_host = MAX(ram_block_page_size(b->rb),
                                TARGET_PAGE_SIZE) / TARGET_PAGE_SIZE;

        if (b->ignored) {
            continue;
        }
        if (per_host > 1) {
            ram_set_dirty_pages(rs, rs->dirty_pages +
                                postcopy_src_align_host_pages(b->bmap,
                                                              b->pages,
                                                              per_host));
        }
        if (postcopy_discard_send_block(b->name, b->bmap, b->pages,
                                        TARGET_PAGE_SIZE, send_discard, f,
                                        errp) < 0) {
            return false;
        }
    }
    /* From here on the RP thread may send requested pages itself. */
    ram_urgent_attach(rs);
    return true;
}

void ram_postcopy_pause(void)
{
    if (ram_state) {
        ram_state->last_sent = NULL;
        ram_state->stage_len = 0;
    }
}

void ram_postcopy_foreach_block(RAMBlockVisitFn *fn, void *opaque)
{
    RAMState *rs = ram_state;

    for (size_t i = 0; rs && i < rs->nr_blocks; i++) {
        if (!rs->blocks[i].ignored) {
            fn(rs->blocks[i].name, rs->blocks[i].pages, opaque);
        }
    }
}

bool ram_postcopy_apply_received(const char *name,
                                 const unsigned long *received,
                                 GError **errp)
{
    RAMState *rs = ram_state;

    for (size_t i = 0; rs && i < rs->nr_blocks; i++) {
        RAMSaveBlock *b = &rs->blocks[i];
        uint64_t before = 0;

        if (strcmp(b->name, name) || b->ignored) {
            continue;
        }
        for (size_t w = 0; w < b->words; w++) {
            before += __builtin_popcountl(b->bmap[w]);
        }
        ram_set_dirty_pages(rs, rs->dirty_pages - before +
                            postcopy_src_dirty_from_received(b->bmap,
                                                             received,
                                                             b->pages));
        rs->scan_block = 0;
        rs->scan_page = 0;
        return true;
    }
    error_setg(errp, "RAM: received bitmap for unknown block %s", name);
    return false;
}

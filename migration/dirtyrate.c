/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * calc-dirty-rate / query-dirty-rate (spec migration-states-and-qmp.md
 * 7.11): how fast does the guest dirty its memory?
 *
 * One measurement at a time runs in its own thread for calc-time, so the
 * main loop never waits for it.  Two modes:
 *
 *  - page-sampling: hash a sample of pages of every RAM block at the
 *    start and again at the end; the share of samples that changed,
 *    times the sampled memory, over the time, is the rate.  The sample
 *    is stratified (one random page per equal slice of the block), which
 *    has the variance of a plain random sample or less and covers the
 *    whole block.  A page dirtied back to its old content counts as
 *    clean: this mode sees content changes, not writes.
 *  - dirty-bitmap: switch on the DIRTY_MEMORY_DIRTY_RATE logging client
 *    (independent of a migration's own client), clear it, wait, and count
 *    the pages logged.  This sees every write.
 *
 * dirty-ring needs the KVM dirty ring, which this emulator does not have,
 * so it is refused with QEMU's message (and dirty-bitmap, which QEMU
 * refuses while the ring is on, is always available).
 *
 * RAM blocks are looked at only with the BQL held (a memory backend can
 * be deleted under the BQL); the blocks are found again by name at the
 * end, so one that went away meanwhile is left out.
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/main-loop.h"
#include "system/memory.h"
#include "migration/dirtyrate.h"

#define MIB                 (1024 * 1024)
#define GIB                 (1024ull * MIB)

/* The state and the last result, as query-dirty-rate reports them. */
static struct {
    GMutex lock;                    /* guards every field but status */
    int status;                     /* DirtyRateStatus; atomic */
    DirtyRateMeasureMode mode;
    int64_t start_time;             /* s, host clock */
    int64_t calc_time_ms;           /* requested; the actual once measured */
    uint64_t sample_pages;
    int64_t dirty_rate;             /* MiB/s, valid when measured */
} dirty_stat;

typedef struct DirtyRateConfig {
    DirtyRateMeasureMode mode;
    int64_t calc_time_ms;
    uint64_t sample_pages;          /* per GiB */
} DirtyRateConfig;

/* The samples of one block: page numbers and their hashes at the start. */
typedef struct BlockSample {
    char *name;
    uint64_t used_length;
    size_t count;
    uint64_t *page;
    uint32_t *hash;
} BlockSample;

int64_t dirtyrate_mib_per_sec(uint64_t bytes, int64_t ms)
{
    if (ms <= 0) {
        return 0;
    }
    /* bytes * 1000 / (ms * MiB), in pages to keep the product small. */
    return (int64_t)((bytes / TARGET_PAGE_SIZE) * 1000 /
                     ((uint64_t)ms * (MIB / TARGET_PAGE_SIZE)));
}

static uint32_t page_hash(RAMBlock *rb, uint64_t page)
{
    const uint8_t *p = (const uint8_t *)ram_block_host(rb) +
                       page * TARGET_PAGE_SIZE;

    /* The guest may write while we read: any torn value is "changed". */
    return crc32(0, p, TARGET_PAGE_SIZE);
}

/* The calling thread waits out the rest of the period (not the main loop). */
static void wait_until(gint64 deadline_us)
{
    gint64 now;

    while ((now = g_get_monotonic_time()) < deadline_us) {
        g_usleep(deadline_us - now);
    }
}

static int64_t elapsed_ms(gint64 start_us)
{
    return (g_get_monotonic_time() - start_us) / 1000;
}

/* ---- page-sampling ---- */

static void block_sample_free(BlockSample *s)
{
    g_free(s->name);
    g_free(s->page);
    g_free(s->hash);
    g_free(s);
}

/* BQL held.  NULL for a block too small to sample. */
static BlockSample *block_sample_take(RAMBlock *rb, uint64_t per_gib,
                                      GRand *rand)
{
    uint64_t used = ram_block_used_length(rb);
    uint64_t pages = used / TARGET_PAGE_SIZE;
    uint64_t n = used * per_gib / GIB;
    BlockSample *s;

    if (used < DIRTYRATE_MIN_SAMPLED_BLOCK || n == 0) {
        return NULL;
    }
    /* per_gib <= 16384 keeps n below pages / 16: every slice is non-empty. */
    s = g_new0(BlockSample, 1);
    s->name = g_strdup(ram_block_name(rb));
    s->used_length = used;
    s->count = n;
    s->page = g_new(uint64_t, n);
    s->hash = g_new(uint32_t, n);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t lo = i * pages / n, hi = (i + 1) * pages / n;

        s->page[i] = lo + g_rand_int_range(rand, 0, (gint32)(hi - lo));
        s->hash[i] = page_hash(rb, s->page[i]);
    }
    return s;
}

/* BQL held.  Samples whose page changed; 0 if the block went away. */
static uint64_t block_sample_count_changed(const BlockSample *s)
{
    RAMBlock *rb = ram_block_find(s->name);
    uint64_t changed = 0;

    if (!rb || ram_block_used_length(rb) != s->used_length) {
        return 0;
    }
    for (size_t i = 0; i < s->count; i++) {
        changed += page_hash(rb, s->page[i]) != s->hash[i];
    }
    return changed;
}

static int64_t measure_page_sampling(const DirtyRateConfig *cfg,
                                     int64_t *ms)
{
    g_autoptr(GPtrArray) samples =
        g_ptr_array_new_with_free_func((GDestroyNotify)block_sample_free);
    g_autoptr(GRand) rand = g_rand_new();
    uint64_t total = 0, changed = 0, bytes = 0;
    gint64 start;

    bql_lock();
    start = g_get_monotonic_time();
    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        BlockSample *s = block_sample_take(rb, cfg->sample_pages, rand);

        if (s) {
            g_ptr_array_add(samples, s);
        }
    }
    bql_unlock();

    wait_until(start + cfg->calc_time_ms * 1000);

    bql_lock();
    for (guint i = 0; i < samples->len; i++) {
        BlockSample *s = g_ptr_array_index(samples, i);

        changed += block_sample_count_changed(s);
        total += s->count;
        bytes += s->used_length;
    }
    *ms = elapsed_ms(start);
    bql_unlock();

    if (total == 0) {
        return 0;
    }
    /* The changed share of the sampled memory, as whole pages. */
    return dirtyrate_mib_per_sec(changed * (bytes / TARGET_PAGE_SIZE) /
                                 total * TARGET_PAGE_SIZE, *ms);
}

/* ---- dirty-bitmap ---- */

/* BQL held.  Move the client's logged bits out; returns pages logged. */
static uint64_t collect_dirty_pages(void)
{
    uint64_t pages = 0;

    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        g_autofree unsigned long *bits =
            g_new0(unsigned long, ram_block_bitmap_words(rb));

        pages += ram_block_dirty_collect(rb, DIRTY_MEMORY_DIRTY_RATE, bits);
    }
    return pages;
}

static int64_t measure_dirty_bitmap(const DirtyRateConfig *cfg, int64_t *ms)
{
    uint64_t pages;
    gint64 start;

    bql_lock();
    /* Starting runs the barrier: every store from now on is logged. */
    memory_global_dirty_log_start(DIRTY_MEMORY_DIRTY_RATE);
    collect_dirty_pages();          /* stale bits of an earlier run */
    memory_dirty_sync_barrier();
    start = g_get_monotonic_time();
    bql_unlock();

    wait_until(start + cfg->calc_time_ms * 1000);

    bql_lock();
    pages = collect_dirty_pages();
    *ms = elapsed_ms(start);
    /* Stores still in flight through cached pointers end before we stop. */
    memory_dirty_sync_barrier();
    memory_global_dirty_log_stop(DIRTY_MEMORY_DIRTY_RATE);
    bql_unlock();

    return dirtyrate_mib_per_sec(pages * TARGET_PAGE_SIZE, *ms);
}

/* ---- the thread and the commands ---- */

static gpointer dirtyrate_thread(gpointer opaque)
{
    g_autofree DirtyRateConfig *cfg = opaque;
    int64_t rate, ms = 0;

    if (cfg->mode == DIRTY_RATE_MEASURE_MODE_DIRTY_BITMAP) {
        rate = measure_dirty_bitmap(cfg, &ms);
    } else {
        rate = measure_page_sampling(cfg, &ms);
    }

    g_mutex_lock(&dirty_stat.lock);
    dirty_stat.dirty_rate = rate;
    dirty_stat.calc_time_ms = ms;
    if (cfg->mode != DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
        dirty_stat.sample_pages = 0;
    }
    g_mutex_unlock(&dirty_stat.lock);
    /* Published last: whoever sees "measured" sees the result. */
    qatomic_set(&dirty_stat.status, DIRTY_RATE_STATUS_MEASURED);
    return NULL;
}

/* calc_time in unit -> ms, or -1 when outside the allowed range. */
static int64_t calc_time_to_ms(int64_t calc_time, TimeUnit unit)
{
    int64_t limit = unit == TIME_UNIT_SECOND ?
                    DIRTYRATE_MAX_CALC_TIME_MS / 1000 :
                    DIRTYRATE_MAX_CALC_TIME_MS;
    int64_t ms;

    /* Bound before converting, so a huge value cannot overflow. */
    if (calc_time < 0 || calc_time > limit) {
        return -1;
    }
    ms = unit == TIME_UNIT_SECOND ? calc_time * 1000 : calc_time;
    return ms < DIRTYRATE_MIN_CALC_TIME_MS ? -1 : ms;
}

void qmp_calc_dirty_rate(int64_t calc_time,
                         bool has_calc_time_unit, TimeUnit calc_time_unit,
                         bool has_sample_pages, int64_t sample_pages,
                         bool has_mode, DirtyRateMeasureMode mode,
                         GError **errp)
{
    DirtyRateConfig *cfg;
    int64_t ms;
    GThread *thread;
    GError *err = NULL;

    /* The checks run in QEMU's order, so the first broken rule is named. */
    if (qatomic_read(&dirty_stat.status) == DIRTY_RATE_STATUS_MEASURING) {
        error_setg(errp, "the dirty rate is already being measured.");
        return;
    }
    ms = calc_time_to_ms(calc_time, has_calc_time_unit ? calc_time_unit
                                                       : TIME_UNIT_SECOND);
    if (ms < 0) {
        error_setg(errp, "Calculation time is out of range [%dms, %dms].",
                   DIRTYRATE_MIN_CALC_TIME_MS, DIRTYRATE_MAX_CALC_TIME_MS);
        return;
    }
    if (!has_mode) {
        mode = DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING;
    }
    if (has_sample_pages && mode != DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
        error_setg(errp, "sample-pages is used only in page-sampling mode");
        return;
    }
    if (!has_sample_pages) {
        sample_pages = DIRTYRATE_DEFAULT_SAMPLE_PAGES;
    } else if (sample_pages < DIRTYRATE_MIN_SAMPLE_PAGES ||
               sample_pages > DIRTYRATE_MAX_SAMPLE_PAGES) {
        error_setg(errp, "sample-pages is out of range[%d, %d].",
                   DIRTYRATE_MIN_SAMPLE_PAGES, DIRTYRATE_MAX_SAMPLE_PAGES);
        return;
    }
    /* No KVM, so no dirty ring: only the ring mode is "not enabled". */
    if (mode == DIRTY_RATE_MEASURE_MODE_DIRTY_RING) {
        error_setg(errp, "mode %s is not enabled, use other method instead.",
                   DirtyRateMeasureMode_str(mode));
        return;
    }

    cfg = g_new0(DirtyRateConfig, 1);
    cfg->mode = mode;
    cfg->calc_time_ms = ms;
    cfg->sample_pages = sample_pages;

    g_mutex_lock(&dirty_stat.lock);
    dirty_stat.mode = mode;
    dirty_stat.start_time = g_get_real_time() / G_USEC_PER_SEC;
    dirty_stat.calc_time_ms = ms;
    dirty_stat.sample_pages = sample_pages;
    dirty_stat.dirty_rate = -1;
    g_mutex_unlock(&dirty_stat.lock);
    /*
     * Set before the thread exists (QMP runs under the BQL, one command at
     * a time), so a second calc-dirty-rate right after this one is refused.
     */
    qatomic_set(&dirty_stat.status, DIRTY_RATE_STATUS_MEASURING);

    thread = g_thread_try_new(DIRTYRATE_THREAD_NAME, dirtyrate_thread, cfg,
                              &err);
    if (!thread) {
        g_free(cfg);
        qatomic_set(&dirty_stat.status, DIRTY_RATE_STATUS_UNSTARTED);
        error_setg(errp, "cannot start the dirty rate thread: %s",
                   err->message);
        g_error_free(err);
        return;
    }
    g_thread_unref(thread);         /* detached: it publishes and ends */
}

DirtyRateInfo *qmp_query_dirty_rate(bool has_calc_time_unit,
                                    TimeUnit calc_time_unit, GError **errp)
{
    DirtyRateInfo *info = g_new0(DirtyRateInfo, 1);
    TimeUnit unit = has_calc_time_unit ? calc_time_unit : TIME_UNIT_SECOND;

    /* Status first: "measured" guarantees the fields below are final. */
    info->status = qatomic_read(&dirty_stat.status);
    g_mutex_lock(&dirty_stat.lock);
    info->start_time = dirty_stat.start_time;
    info->calc_time = unit == TIME_UNIT_SECOND ?
                      dirty_stat.calc_time_ms / 1000 : dirty_stat.calc_time_ms;
    info->calc_time_unit = unit;
    info->sample_pages = dirty_stat.sample_pages;
    info->mode = dirty_stat.mode;
    if (info->status == DIRTY_RATE_STATUS_MEASURED) {
        info->has_dirty_rate = true;
        info->dirty_rate = dirty_stat.dirty_rate;
    }
    g_mutex_unlock(&dirty_stat.lock);
    return info;
}

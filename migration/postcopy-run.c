/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run staging for the main postcopy stream: consecutive target pages are
 * read into a buffer and placed with one UFFDIO_COPY by a placing thread
 * ("mig/dst/place"), so that reading the stream and placing pages (the
 * kernel allocating and filling each page: the larger part) run side by
 * side. See postcopy-ram.h and docs/devel/migration/postcopy.rst
 * ("Placing runs").
 *
 * Buffers cycle free -> filling (reader) -> queued -> placing (placer) ->
 * free. The placer never waits on the reader, so a reader waiting for a
 * free buffer or for the queue to drain always gets it.
 *
 * Each buffer is one transparent huge page where the kernel gives one:
 * a whole huge page of guest RAM staged in it is then moved into place
 * (UFFDIO_MOVE) rather than copied, and the placer puts a fresh huge
 * page under the buffer for the next run (zeroing 2 MiB costs less than
 * copying it, and the kernel's page allocation is paid either way).
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qapi/error.h"
#include "migration/migration-stats.h"
#include "migration/postcopy-ram.h"
#include "migration/postcopy-uffd.h"
#include "migration/threadinfo.h"

#define RUN_BUFFERS 8

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

typedef struct RunBuf {
    RAMBlock *rb;
    ram_addr_t start;           /* offset in rb of data[0] */
    uint64_t len;               /* bytes staged */
    uint8_t *data;              /* POSTCOPY_RUN_MAX bytes, aligned to it */
    bool huge;                  /* data is one huge page: may be moved */
} RunBuf;

struct PostcopyRun {
    PostcopyDest *d;
    RunBuf *cur;                /* reader's; NULL: none taken yet */
    RunBuf bufs[RUN_BUFFERS];
    uint8_t *area;              /* the buffers' mapping */
    size_t area_len;
    int pagemap_fd;             /* -1: huge pages cannot be told, not used */
    bool thp;                   /* the kernel gave a buffer a huge page */
    GThread *thread;

    GMutex lock;
    GCond cond;                 /* any change below */
    /* All below: lock. */
    GQueue free;                /* RunBuf */
    GQueue queued;              /* RunBuf, oldest first */
    bool placing;               /* the placer holds a buffer */
    bool held;                  /* the reader waits for bytes holding cur */
    bool quit;
    GError *err;                /* the first placement failure */
    uint64_t runs_placed;
    uint64_t pages_placed;
};

/*
 * Give b memory to fill: populated now, by the placer, so that the
 * reader's copy into it does not fault; a huge page if the kernel has
 * one. fresh: drop what is there first (to get a huge page back).
 */
static void buf_fill_memory(PostcopyRun *r, RunBuf *b, bool fresh)
{
    if (fresh) {
        madvise(b->data, POSTCOPY_RUN_MAX, MADV_DONTNEED);
    }
    if (madvise(b->data, POSTCOPY_RUN_MAX, MADV_POPULATE_WRITE) < 0) {
        /* Before Linux 5.14: touch each page instead. */
        for (size_t o = 0; o < POSTCOPY_RUN_MAX; o += TARGET_PAGE_SIZE) {
            ((volatile uint8_t *)b->data)[o] = 0;
        }
    }
    b->huge = postcopy_range_is_huge(r->pagemap_fd, b->data,
                                     POSTCOPY_RUN_MAX);
    r->thp |= b->huge;
}

static gpointer placer_fn(gpointer opaque)
{
    PostcopyRun *r = opaque;

    g_mutex_lock(&r->lock);
    for (;;) {
        RunBuf *b;
        GError *err = NULL;
        bool dead, ok, moved = false;

        while (!r->quit && g_queue_is_empty(&r->queued)) {
            g_cond_wait(&r->cond, &r->lock);
        }
        if (r->quit) {
            break;
        }
        b = g_queue_pop_head(&r->queued);
        r->placing = true;
        /* After a failure nothing more goes in: the stream is dead. */
        dead = r->err != NULL;
        g_mutex_unlock(&r->lock);

        ok = !dead &&
             postcopy_dest_place_run(r->d, b->rb, b->start, b->len, b->data,
                                     b->huge, &moved, &err);
        /*
         * Moved pages left holes. A buffer that is not one huge page
         * tries for one again after a whole run of a block that moves,
         * where the kernel has given huge pages before (it may have had
         * none free when this one was filled); without THP, never.
         */
        if (moved || (!b->huge && r->thp && b->len == POSTCOPY_RUN_MAX &&
                      postcopy_dest_can_move(r->d, b->rb))) {
            buf_fill_memory(r, b, !moved);
        }

        g_mutex_lock(&r->lock);
        if (ok) {
            r->runs_placed++;
            if (moved) {
                __atomic_fetch_add(&mig_stats.postcopy_moved_pages,
                                   POSTCOPY_RUN_MAX / TARGET_PAGE_SIZE,
                                   __ATOMIC_RELAXED);
            }
            r->pages_placed += b->len / TARGET_PAGE_SIZE;
        } else if (err && !r->err) {
            r->err = err;
        } else {
            g_clear_error(&err);
        }
        b->rb = NULL;
        b->len = 0;
        g_queue_push_tail(&r->free, b);
        r->placing = false;
        g_cond_broadcast(&r->cond);
    }
    g_mutex_unlock(&r->lock);
    return NULL;
}

PostcopyRun *postcopy_run_new(PostcopyDest *d)
{
    PostcopyRun *r = g_new0(PostcopyRun, 1);
    uint8_t *base;

    r->d = d;
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    g_queue_init(&r->free);
    g_queue_init(&r->queued);
    /* Aligned to the run size, so each buffer can be one huge page. */
    r->area_len = (RUN_BUFFERS + 1) * (size_t)POSTCOPY_RUN_MAX;
    r->area = mmap(NULL, r->area_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r->area == MAP_FAILED) {
        /* Out of address space: nothing else would work either. */
        g_error("postcopy: cannot map %zu bytes of run buffers",
                r->area_len);
    }
    base = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)r->area, POSTCOPY_RUN_MAX);
    madvise(base, RUN_BUFFERS * (size_t)POSTCOPY_RUN_MAX, MADV_HUGEPAGE);
    r->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    for (int i = 0; i < RUN_BUFFERS; i++) {
        r->bufs[i].data = base + i * (size_t)POSTCOPY_RUN_MAX;
        buf_fill_memory(r, &r->bufs[i], false);
        g_queue_push_tail(&r->free, &r->bufs[i]);
    }
    r->thread = migration_threadinfo_spawn("mig/dst/place", placer_fn, r,
                                           NULL);
    postcopy_dest_set_run(d, r);
    return r;
}

void postcopy_run_free(PostcopyRun *r)
{
    if (!r) {
        return;
    }
    /* No fault may reach r from here on. */
    postcopy_dest_set_run(r->d, NULL);
    /* Whatever is queued is placed first: it is whole, valid pages. */
    postcopy_run_drain(r, NULL);
    g_mutex_lock(&r->lock);
    r->quit = true;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    g_thread_join(r->thread);
    munmap(r->area, r->area_len);
    if (r->pagemap_fd >= 0) {
        close(r->pagemap_fd);
    }
    g_queue_clear(&r->free);
    g_queue_clear(&r->queued);
    g_clear_error(&r->err);
    g_cond_clear(&r->cond);
    g_mutex_clear(&r->lock);
    g_free(r);
}

/* The placer's failure, copied to errp (false), or true. r->lock. */
static bool placer_ok_locked(PostcopyRun *r, GError **errp)
{
    if (r->err) {
        if (errp) {
            *errp = g_error_copy(r->err);
        }
        return false;
    }
    return true;
}

bool postcopy_run_pending(const PostcopyRun *r)
{
    return r->cur && r->cur->len;
}

void postcopy_run_reset(PostcopyRun *r)
{
    if (r->cur) {
        r->cur->rb = NULL;
        r->cur->len = 0;
    }
    /* Queued runs still go in: dropping them would need the placer to
     * stop mid-way, and placing them is right (they are whole pages). A
     * placement failure stays: the next flush reports it. */
    postcopy_run_drain(r, NULL);
}

bool postcopy_run_flush(PostcopyRun *r, GError **errp)
{
    bool ok;

    g_mutex_lock(&r->lock);
    ok = placer_ok_locked(r, errp);
    if (ok && r->cur && r->cur->len) {
        g_queue_push_tail(&r->queued, r->cur);
        r->cur = NULL;
        g_cond_broadcast(&r->cond);
    }
    g_mutex_unlock(&r->lock);
    return ok;
}

bool postcopy_run_drain(PostcopyRun *r, GError **errp)
{
    bool ok = postcopy_run_flush(r, errp);

    g_mutex_lock(&r->lock);
    while (!g_queue_is_empty(&r->queued) || r->placing) {
        g_cond_wait(&r->cond, &r->lock);
    }
    if (ok) {
        ok = placer_ok_locked(r, errp);
    }
    g_mutex_unlock(&r->lock);
    return ok;
}

uint8_t *postcopy_run_slot(PostcopyRun *r, RAMBlock *rb, ram_addr_t offset,
                           GError **errp)
{
    RunBuf *b = r->cur;

    /* A run never crosses a multiple of its size: that is where huge
     * pages of guest RAM start. */
    if (b && b->len && (b->rb != rb || offset != b->start + b->len ||
                        offset % POSTCOPY_RUN_MAX == 0)) {
        if (!postcopy_run_flush(r, errp)) {
            return NULL;
        }
        b = NULL;
    }
    if (!b) {
        g_mutex_lock(&r->lock);
        while (g_queue_is_empty(&r->free)) {
            g_cond_wait(&r->cond, &r->lock);
        }
        b = r->cur = g_queue_pop_head(&r->free);
        g_mutex_unlock(&r->lock);
    }
    if (!b->len) {
        if (offset % TARGET_PAGE_SIZE) {
            error_setg(errp, "Illegal RAM offset 0x%" PRIx64 " for block "
                       "'%s'", offset, ram_block_name(rb));
            return NULL;
        }
        b->rb = rb;
        b->start = offset;
    }
    return b->data + b->len;
}

void postcopy_run_commit(PostcopyRun *r)
{
    g_assert(r->cur && r->cur->rb && r->cur->len < POSTCOPY_RUN_MAX);
    r->cur->len += TARGET_PAGE_SIZE;
}

void postcopy_run_stats(PostcopyRun *r, uint64_t *runs, uint64_t *pages)
{
    g_mutex_lock(&r->lock);
    *runs = r->runs_placed;
    *pages = r->pages_placed;
    g_mutex_unlock(&r->lock);
}

bool postcopy_run_before_wait(PostcopyRun *r, bool *held, GError **errp)
{
    RunBuf *b = r->cur;

    *held = false;
    if (!b || !b->len) {
        return true;
    }
    if (!b->huge || b->start % POSTCOPY_RUN_MAX ||
        !postcopy_dest_can_move(r->d, b->rb)) {
        return postcopy_run_flush(r, errp);
    }
    g_mutex_lock(&r->lock);
    r->held = true;
    g_mutex_unlock(&r->lock);
    /*
     * A fault from before the hold was published found nothing to let
     * go; it is in the outstanding table by now (the fault thread adds
     * it before it kicks), so look there.
     */
    if (postcopy_dest_outstanding(r->d)) {
        postcopy_run_after_wait(r);
        return postcopy_run_flush(r, errp);
    }
    *held = true;
    return true;
}

void postcopy_run_after_wait(PostcopyRun *r)
{
    g_mutex_lock(&r->lock);
    r->held = false;
    g_mutex_unlock(&r->lock);
}

void postcopy_run_kick(PostcopyRun *r)
{
    g_mutex_lock(&r->lock);
    if (r->held && r->cur && r->cur->len) {
        g_queue_push_tail(&r->queued, r->cur);
        r->cur = NULL;
        g_cond_broadcast(&r->cond);
    }
    g_mutex_unlock(&r->lock);
}

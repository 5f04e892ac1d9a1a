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
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/postcopy-ram.h"
#include "migration/threadinfo.h"

#define RUN_BUFFERS 8

typedef struct RunBuf {
    RAMBlock *rb;
    ram_addr_t start;           /* offset in rb of data[0] */
    uint64_t len;               /* bytes staged */
    uint8_t *data;              /* POSTCOPY_RUN_MAX bytes, page aligned */
} RunBuf;

struct PostcopyRun {
    PostcopyDest *d;
    RunBuf *cur;                /* reader's; NULL: none taken yet */
    RunBuf bufs[RUN_BUFFERS];
    GThread *thread;

    GMutex lock;
    GCond cond;                 /* any change below */
    /* All below: lock. */
    GQueue free;                /* RunBuf */
    GQueue queued;              /* RunBuf, oldest first */
    bool placing;               /* the placer holds a buffer */
    bool quit;
    GError *err;                /* the first placement failure */
    uint64_t runs_placed;
    uint64_t pages_placed;
};

static gpointer placer_fn(gpointer opaque)
{
    PostcopyRun *r = opaque;

    g_mutex_lock(&r->lock);
    for (;;) {
        RunBuf *b;
        GError *err = NULL;
        bool dead, ok;

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
                                     &err);

        g_mutex_lock(&r->lock);
        if (ok) {
            r->runs_placed++;
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

    r->d = d;
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    g_queue_init(&r->free);
    g_queue_init(&r->queued);
    for (int i = 0; i < RUN_BUFFERS; i++) {
        /* Page aligned, so the kernel copies from whole pages. */
        r->bufs[i].data = g_aligned_alloc(POSTCOPY_RUN_MAX, 1,
                                          (gsize)sysconf(_SC_PAGESIZE));
        g_queue_push_tail(&r->free, &r->bufs[i]);
    }
    r->thread = migration_threadinfo_spawn("mig/dst/place", placer_fn, r,
                                           NULL);
    return r;
}

void postcopy_run_free(PostcopyRun *r)
{
    if (!r) {
        return;
    }
    /* Whatever is queued is placed first: it is whole, valid pages. */
    postcopy_run_drain(r, NULL);
    g_mutex_lock(&r->lock);
    r->quit = true;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    g_thread_join(r->thread);
    for (int i = 0; i < RUN_BUFFERS; i++) {
        g_aligned_free(r->bufs[i].data);
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

    if (b && b->len && (b->rb != rb || offset != b->start + b->len ||
                        b->len == POSTCOPY_RUN_MAX)) {
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

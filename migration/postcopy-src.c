/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy, source side: the page request queue, the host-page alignment
 * rule and the recovery bitmap. See postcopy-src.h.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/postcopy-bits.h"
#include "migration/postcopy-src.h"

typedef struct PageRequest {
    RAMBlock *rb;
    ram_addr_t offset;          /* next host page to hand out */
    uint64_t remaining;         /* bytes left, a multiple of page */
    uint64_t page;              /* host page size of this request */
} PageRequest;

struct PostcopySrcQueue {
    PostcopyBlockLookup *lookup;
    void *opaque;
    uint64_t host_page_size;

    GMutex lock;
    GCond cond;
    GQueue requests;            /* PageRequest *, oldest first; lock */
    RAMBlock *last_block;       /* of the last REQ_PAGES_ID; RP thread only */
    uint64_t nr_requests;       /* lock */
    uint64_t pending_pages;     /* lock */
    bool kicked;                /* lock */
};

PostcopySrcQueue *postcopy_src_queue_new(PostcopyBlockLookup *lookup,
                                         void *opaque,
                                         uint64_t host_page_size)
{
    PostcopySrcQueue *q = g_new0(PostcopySrcQueue, 1);

    q->lookup = lookup;
    q->opaque = opaque;
    q->host_page_size = host_page_size;
    g_mutex_init(&q->lock);
    g_cond_init(&q->cond);
    g_queue_init(&q->requests);
    return q;
}

void postcopy_src_queue_free(PostcopySrcQueue *q)
{
    if (!q) {
        return;
    }
    g_queue_clear_full(&q->requests, g_free);
    g_cond_clear(&q->cond);
    g_mutex_clear(&q->lock);
    g_free(q);
}

static RAMBlock *lookup_block(PostcopySrcQueue *q, const char *name)
{
    return q->lookup ? q->lookup(name, q->opaque) : ram_block_find(name);
}

bool postcopy_src_resolve_request(PostcopySrcQueue *q, const char *name,
                                  uint64_t start, uint64_t len,
                                  RAMBlock **out, GError **errp)
{
    RAMBlock *rb;
    uint64_t page, used;

    if (name) {
        rb = lookup_block(q, name);
        if (!rb) {
            error_setg(errp, "Can't find block '%s' for a page request",
                       name);
            return false;
        }
        q->last_block = rb;
    } else {
        rb = q->last_block;
        if (!rb) {
            error_setg(errp, "Page request (REQ_PAGES) without a previous "
                       "REQ_PAGES_ID naming its block");
            return false;
        }
    }
    page = q->host_page_size ? q->host_page_size : ram_block_page_size(rb);
    used = ram_block_used_length(rb);
    if (len == 0 || start % page || len % page) {
        error_setg(errp, "Misaligned page request, start: 0x%" PRIx64
                   " len: 0x%" PRIx64 " (host page size 0x%" PRIx64 ")",
                   start, len, page);
        return false;
    }
    if (start >= used || len > used - start) {
        error_setg(errp, "Page request for block '%s' outside it: start "
                   "0x%" PRIx64 " len 0x%" PRIx64 " (used length 0x%" PRIx64
                   ")", ram_block_name(rb), start, len, used);
        return false;
    }
    *out = rb;
    return true;
}

void postcopy_src_count_served(PostcopySrcQueue *q)
{
    g_mutex_lock(&q->lock);
    q->nr_requests++;
    g_mutex_unlock(&q->lock);
}

bool postcopy_src_queue_push(PostcopySrcQueue *q, RAMBlock *rb,
                             uint64_t start, uint64_t len, GError **errp)
{
    uint64_t page = q->host_page_size ? q->host_page_size
                                      : ram_block_page_size(rb);
    PageRequest *req;

    g_mutex_lock(&q->lock);
    /* A destination that asks faster than the source sends must not
     * grow the source without bound (resource-limits.rst). */
    if (g_queue_get_length(&q->requests) >= POSTCOPY_SRC_QUEUE_MAX) {
        g_mutex_unlock(&q->lock);
        error_setg(errp, "Too many outstanding page requests (%u): the "
                   "destination asks faster than pages can be sent",
                   POSTCOPY_SRC_QUEUE_MAX);
        return false;
    }
    req = g_new(PageRequest, 1);
    *req = (PageRequest) { rb, start, len, page };
    g_queue_push_tail(&q->requests, req);
    q->nr_requests++;
    q->pending_pages += len / page;
    g_cond_broadcast(&q->cond);
    g_mutex_unlock(&q->lock);
    return true;
}

bool postcopy_src_queue_request(PostcopySrcQueue *q, const char *name,
                                uint64_t start, uint64_t len, GError **errp)
{
    RAMBlock *rb;

    return postcopy_src_resolve_request(q, name, start, len, &rb, errp) &&
           postcopy_src_queue_push(q, rb, start, len, errp);
}

bool postcopy_src_take_page(PostcopySrcQueue *q, RAMBlock **rb,
                            ram_addr_t *offset, uint64_t *len)
{
    PageRequest *req;

    g_mutex_lock(&q->lock);
    req = g_queue_peek_head(&q->requests);
    if (!req) {
        g_mutex_unlock(&q->lock);
        return false;
    }
    *rb = req->rb;
    *offset = req->offset;
    *len = req->page;
    req->offset += req->page;
    req->remaining -= req->page;
    q->pending_pages--;
    if (!req->remaining) {
        g_free(g_queue_pop_head(&q->requests));
    }
    g_mutex_unlock(&q->lock);
    return true;
}

bool postcopy_src_queue_wait(PostcopySrcQueue *q, gint64 deadline_us)
{
    bool nonempty;

    g_mutex_lock(&q->lock);
    while (g_queue_is_empty(&q->requests) && !q->kicked) {
        if (!g_cond_wait_until(&q->cond, &q->lock, deadline_us)) {
            break;
        }
    }
    q->kicked = false;
    nonempty = !g_queue_is_empty(&q->requests);
    g_mutex_unlock(&q->lock);
    return nonempty;
}

void postcopy_src_queue_kick(PostcopySrcQueue *q)
{
    g_mutex_lock(&q->lock);
    q->kicked = true;
    g_cond_broadcast(&q->cond);
    g_mutex_unlock(&q->lock);
}

void postcopy_src_queue_reset(PostcopySrcQueue *q)
{
    g_mutex_lock(&q->lock);
    g_queue_clear_full(&q->requests, g_free);
    g_queue_init(&q->requests);
    q->pending_pages = 0;
    /*
     * The return-path thread is gone while paused, so nothing races on
     * last_block; a new one starts with no previous block (5.3.3).
     */
    q->last_block = NULL;
    g_mutex_unlock(&q->lock);
}

uint64_t postcopy_src_queue_requests(PostcopySrcQueue *q)
{
    uint64_t n;

    g_mutex_lock(&q->lock);
    n = q->nr_requests;
    g_mutex_unlock(&q->lock);
    return n;
}

uint64_t postcopy_src_queue_pending_pages(PostcopySrcQueue *q)
{
    uint64_t n;

    g_mutex_lock(&q->lock);
    n = q->pending_pages;
    g_mutex_unlock(&q->lock);
    return n;
}

uint64_t postcopy_src_align_host_pages(unsigned long *dirty, uint64_t nbits,
                                       uint64_t pages_per_host)
{
    uint64_t added = 0;
    uint64_t k = 0;

    if (pages_per_host <= 1) {
        return 0;
    }
    while ((k = pc_find_next(dirty, nbits, k, true)) < nbits) {
        uint64_t first = k - k % pages_per_host;
        uint64_t end = MIN(first + pages_per_host, nbits);

        for (uint64_t i = first; i < end; i++) {
            if (!pc_test_bit(dirty, i)) {
                pc_set_bit(dirty, i);
                added++;
            }
        }
        k = end;
    }
    return added;
}

uint64_t postcopy_src_dirty_from_received(unsigned long *dirty,
                                          const unsigned long *received,
                                          uint64_t nbits)
{
    size_t words = DIV_ROUND_UP(nbits, PC_BITS_PER_LONG);
    uint64_t count = 0;

    for (size_t i = 0; i < words; i++) {
        dirty[i] = ~received[i];
    }
    if (nbits % PC_BITS_PER_LONG) {
        dirty[words - 1] &= (1UL << (nbits % PC_BITS_PER_LONG)) - 1;
    }
    for (size_t i = 0; i < words; i++) {
        count += __builtin_popcountl(dirty[i]);
    }
    return count;
}

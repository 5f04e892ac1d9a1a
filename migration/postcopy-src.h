/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy, source side pieces (spec/migration-wire-format.md 3.10, 5.3.3,
 * 5.3.5): the page request queue between the return-path thread and the
 * RAM sender, the host-page alignment rule of the dirty bitmap, and the
 * conversion of a destination's received bitmap into a dirty bitmap.
 *
 * Threads: the return-path thread pushes the requests it does not serve
 * itself (postcopy_src_queue_request; ram_postcopy_serve_urgent in
 * ram-urgent.c); the migration thread takes them
 * (postcopy_src_take_page) before continuing its background scan, so
 * requested pages are served first. All queue functions are thread-safe.
 */
#ifndef MIGRATION_POSTCOPY_SRC_H
#define MIGRATION_POSTCOPY_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "system/memory.h"

/* Resolve a wire block name; NULL if unknown (or not migrated). */
typedef RAMBlock *PostcopyBlockLookup(const char *name, void *opaque);

typedef struct PostcopySrcQueue PostcopySrcQueue;

/*
 * A queue for one outgoing migration. lookup NULL: ram_block_find().
 * host_page_size: the source's host page size (requests must be multiples
 * of it; 0 means the block's own page size).
 */
PostcopySrcQueue *postcopy_src_queue_new(PostcopyBlockLookup *lookup,
                                         void *opaque,
                                         uint64_t host_page_size);
void postcopy_src_queue_free(PostcopySrcQueue *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PostcopySrcQueue, postcopy_src_queue_free)

/*
 * Queue a decoded REQ_PAGES_ID (name != NULL) or REQ_PAGES (name NULL:
 * the block of the last REQ_PAGES_ID, 5.3.3). Checks: a previous name
 * exists, the block is known ("Can't find block"), start and len are
 * multiples of the host page size and len > 0 ("Misaligned page
 * request"), the range lies inside the block. Returns false with errp set
 * (the caller fails the return path). Wakes a waiting sender.
 */
/* Most page requests queued at once; one more fails the return path
 * ("Too many outstanding page requests"), and postcopy pauses. */
#define POSTCOPY_SRC_QUEUE_MAX 65536u

bool postcopy_src_queue_request(PostcopySrcQueue *q, const char *name,
                                uint64_t start, uint64_t len, GError **errp);

/*
 * The two halves of postcopy_src_queue_request, for the return-path
 * thread that may send the page itself (ram_postcopy_serve_urgent):
 * resolve checks the request and gives its block; push queues it for the
 * migration thread; count_served counts one sent without the queue
 * (postcopy_src_queue_requests counts both).
 */
bool postcopy_src_resolve_request(PostcopySrcQueue *q, const char *name,
                                  uint64_t start, uint64_t len,
                                  RAMBlock **rb, GError **errp);
bool postcopy_src_queue_push(PostcopySrcQueue *q, RAMBlock *rb,
                             uint64_t start, uint64_t len, GError **errp);
void postcopy_src_count_served(PostcopySrcQueue *q);

/*
 * Take the next requested host page, oldest request first, splitting a
 * multi-page request into host pages in order. Returns false when the
 * queue is empty.
 */
bool postcopy_src_take_page(PostcopySrcQueue *q, RAMBlock **rb,
                            ram_addr_t *offset, uint64_t *len);

/* Wait until a request is queued, the queue is kicked or the monotonic
 * time (g_get_monotonic_time) reaches deadline_us. True if non-empty. */
bool postcopy_src_queue_wait(PostcopySrcQueue *q, gint64 deadline_us);
/* Wake a waiter (cancel, pause). */
void postcopy_src_queue_kick(PostcopySrcQueue *q);

/*
 * Postcopy paused: drop queued requests (the destination re-sends the
 * outstanding ones after RESUME) and forget the previous block, so the
 * first request on the new return path must carry a name.
 */
void postcopy_src_queue_reset(PostcopySrcQueue *q);

/* Requests accepted so far ("postcopy-requests"); pages still queued. */
uint64_t postcopy_src_queue_requests(PostcopySrcQueue *q);
uint64_t postcopy_src_queue_pending_pages(PostcopySrcQueue *q);

/*
 * Host-page rule (3.10): in a bitmap of nbits target pages, make every
 * host page (pages_per_host consecutive bits, aligned) that has some
 * dirty pages fully dirty. Returns the number of bits newly set.
 */
uint64_t postcopy_src_align_host_pages(unsigned long *dirty, uint64_t nbits,
                                       uint64_t pages_per_host);

/*
 * Recovery (4.6 step 2): the new dirty bitmap is the complement of the
 * destination's received bitmap; bits past nbits stay clear. Returns the
 * number of dirty pages.
 */
uint64_t postcopy_src_dirty_from_received(unsigned long *dirty,
                                          const unsigned long *received,
                                          uint64_t nbits);

#endif /* MIGRATION_POSTCOPY_SRC_H */

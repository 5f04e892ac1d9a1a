/*
 * The XBZRLE page cache: copies of pages as the destination last received
 * them, so that the next send of the page can be a delta (wire 3.7).
 *
 * Direct-mapped: a page's slot is chosen by its key (a byte address that
 * is unique per page: the RAM saver uses the block's position in the
 * block list plus the offset). The number of slots is the configured size
 * (xbzrle-cache-size) divided by the page size, rounded down to a power of
 * two.
 *
 * Each entry records the age (the caller's dirty-sync count) at which it
 * was last stored or hit. A page in a slot used during the last
 * PAGE_CACHE_FRESH_AGES syncs is not evicted by another page: pages that
 * change every pass keep their slot instead of thrashing. A generation
 * number makes page_cache_reset() O(1): entries of older generations are
 * empty, so a stale copy is never used after a reset.
 *
 * Not thread-safe: one PageCache belongs to one migration thread.
 */
#ifndef MIGRATION_PAGE_CACHE_H
#define MIGRATION_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define PAGE_CACHE_FRESH_AGES 2

typedef struct PageCache PageCache;

/*
 * A cache of cache_bytes (at least one page) for pages of page_size bytes
 * (a power of two). Returns NULL with errp set when the size is too small
 * or the memory cannot be allocated.
 */
PageCache *page_cache_new(uint64_t cache_bytes, size_t page_size,
                          GError **errp);
void page_cache_free(PageCache *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PageCache, page_cache_free)

/* Number of slots. */
size_t page_cache_slots(const PageCache *c);
/* Bytes of page data the cache holds at most (slots * page size). */
uint64_t page_cache_size(const PageCache *c);

/*
 * The cached copy of the page with this key, or NULL when it is not
 * cached. A hit refreshes the entry's age. The copy may be updated in
 * place by the caller (it then matches what the destination holds).
 */
uint8_t *page_cache_lookup(PageCache *c, uint64_t key, uint64_t age);

/*
 * Store a copy of data (page_size bytes; NULL stores zeros) for key.
 * Returns the cached copy, or NULL when the slot holds another page that
 * is still fresh (that page stays; nothing is cached for key).
 */
uint8_t *page_cache_insert(PageCache *c, uint64_t key, const uint8_t *data,
                           uint64_t age);

/* Forget key if it is cached. */
void page_cache_invalidate(PageCache *c, uint64_t key);

/* Forget every page. */
void page_cache_reset(PageCache *c);

#endif /* MIGRATION_PAGE_CACHE_H */

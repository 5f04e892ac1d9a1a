/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XBZRLE page cache (see page_cache.h for the policy).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/cutils.h"
#include "migration/page_cache.h"

typedef struct PageCacheEntry {
    uint64_t key;
    uint64_t age;           /* caller's age at the last store or hit */
    uint64_t generation;    /* valid only when equal to the cache's */
} PageCacheEntry;

struct PageCache {
    PageCacheEntry *entries;
    uint8_t *data;          /* slots * page_size bytes, slot-major */
    size_t slots;           /* a power of two */
    size_t page_size;
    unsigned page_bits;
    uint64_t generation;    /* starts at 1: zeroed entries are empty */
};

PageCache *page_cache_new(uint64_t cache_bytes, size_t page_size,
                          GError **errp)
{
    g_autoptr(PageCache) c = NULL;
    uint64_t slots;

    assert(is_power_of_2(page_size));
    if (cache_bytes < page_size) {
        error_setg(errp, "XBZRLE cache size 0x%" PRIx64 " is smaller than "
                   "a page (0x%zx)", cache_bytes, page_size);
        return NULL;
    }
    slots = cache_bytes / page_size;
    /* Round down to a power of two so a slot is a mask away. */
    while (!is_power_of_2(slots)) {
        slots &= slots - 1;
    }
    if (slots > SIZE_MAX / page_size) {
        error_setg(errp, "XBZRLE cache size 0x%" PRIx64 " is too large",
                   cache_bytes);
        return NULL;
    }

    c = g_new0(PageCache, 1);
    c->slots = slots;
    c->page_size = page_size;
    c->page_bits = __builtin_ctzll(page_size);
    c->generation = 1;
    c->entries = g_try_new0(PageCacheEntry, slots);
    /* Large, and only touched slot by slot: the kernel commits it lazily. */
    c->data = g_try_malloc(slots * page_size);
    if (!c->entries || !c->data) {
        error_setg(errp, "Cannot allocate an XBZRLE cache of 0x%" PRIx64
                   " bytes", (uint64_t)slots * page_size);
        return NULL;
    }
    return g_steal_pointer(&c);
}

void page_cache_free(PageCache *c)
{
    if (!c) {
        return;
    }
    g_free(c->entries);
    g_free(c->data);
    g_free(c);
}

size_t page_cache_slots(const PageCache *c)
{
    return c->slots;
}

uint64_t page_cache_size(const PageCache *c)
{
    return (uint64_t)c->slots * c->page_size;
}

static size_t slot_of(const PageCache *c, uint64_t key)
{
    return (key >> c->page_bits) & (c->slots - 1);
}

static uint8_t *slot_data(const PageCache *c, size_t slot)
{
    return c->data + slot * c->page_size;
}

uint8_t *page_cache_lookup(PageCache *c, uint64_t key, uint64_t age)
{
    size_t slot = slot_of(c, key);
    PageCacheEntry *e = &c->entries[slot];

    if (e->generation != c->generation || e->key != key) {
        return NULL;
    }
    e->age = age;
    return slot_data(c, slot);
}

uint8_t *page_cache_insert(PageCache *c, uint64_t key, const uint8_t *data,
                           uint64_t age)
{
    size_t slot = slot_of(c, key);
    PageCacheEntry *e = &c->entries[slot];
    uint8_t *copy = slot_data(c, slot);

    if (e->generation == c->generation && e->key != key &&
        e->age + PAGE_CACHE_FRESH_AGES > age) {
        return NULL;
    }
    if (data) {
        memcpy(copy, data, c->page_size);
    } else {
        memset(copy, 0, c->page_size);
    }
    e->key = key;
    e->age = age;
    e->generation = c->generation;
    return copy;
}

void page_cache_invalidate(PageCache *c, uint64_t key)
{
    PageCacheEntry *e = &c->entries[slot_of(c, key)];

    if (e->generation == c->generation && e->key == key) {
        e->generation = 0;
    }
}

void page_cache_reset(PageCache *c)
{
    c->generation++;
}

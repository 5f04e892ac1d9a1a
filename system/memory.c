/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The physical address space of the 32-bit bus: a sorted list of RAM and
 * MMIO mappings, lookups for the CPU/DMA fast path, and byte-stream and
 * sized accesses with MMIO splitting, dirty marking and the write
 * listener.
 */
#include "qemu/osdep.h"

#include "qemu/main-loop.h"
#include "system/memory.h"
#include "memory-internal.h"

#define PHYS_BUS_END    (1ULL << 32)

typedef struct Mapping {
    hwaddr base;
    uint64_t size;
    RAMBlock *rb;               /* RAM, or NULL for MMIO */
    const MemoryRegionOps *ops;
    void *opaque;
    char *name;
} Mapping;

/*
 * An immutable snapshot of the map, sorted by base, non-overlapping.
 * Accesses from any thread read the current snapshot pointer without a
 * lock; a change (BQL, machine creation only) publishes a new snapshot.
 * Replaced snapshots are kept until memory_unmap_all(), because a reader
 * on another thread may still be looking at one; there are only a handful
 * of map changes in a process' life.
 */
typedef struct MemoryMap {
    int nr;
    Mapping m[];
} MemoryMap;

static MemoryMap *current_map;
/* Bumped whenever current_map changes; invalidates the lookup caches. */
static uint64_t map_generation;
static GPtrArray *retired_maps;     /* MemoryMap * (BQL) */

static MemoryWriteListener *write_listener;
static void *write_listener_opaque;

static const Mapping *map_find(const MemoryMap *map, hwaddr addr)
{
    int lo = 0, hi;

    if (!map) {
        return NULL;
    }
    hi = map->nr - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        const Mapping *m = &map->m[mid];

        if (addr < m->base) {
            hi = mid - 1;
        } else if (addr - m->base >= m->size) {
            lo = mid + 1;
        } else {
            return m;
        }
    }
    return NULL;
}

/* The first mapping that starts above addr, or NULL. */
static const Mapping *map_next_after(const MemoryMap *map, hwaddr addr)
{
    if (!map) {
        return NULL;
    }
    for (int i = 0; i < map->nr; i++) {
        if (map->m[i].base > addr) {
            return &map->m[i];
        }
    }
    return NULL;
}

static int mapping_cmp(const void *a, const void *b)
{
    const Mapping *ma = a, *mb = b;

    return ma->base < mb->base ? -1 : ma->base > mb->base;
}

/* Publish a new map built from old plus/minus entries. BQL. */
static void map_publish(MemoryMap *map)
{
    MemoryMap *old = current_map;

    qsort(map->m, map->nr, sizeof(Mapping), mapping_cmp);
    qatomic_set(&current_map, map);
    qatomic_inc(&map_generation);
    if (old) {
        if (!retired_maps) {
            retired_maps = g_ptr_array_new();
        }
        g_ptr_array_add(retired_maps, old);
    }
}

static MemoryMap *map_copy(int extra)
{
    int nr = current_map ? current_map->nr : 0;
    MemoryMap *map = g_malloc0(sizeof(MemoryMap) +
                               sizeof(Mapping) * (nr + extra));

    map->nr = nr;
    if (nr) {
        memcpy(map->m, current_map->m, sizeof(Mapping) * nr);
    }
    return map;
}

static void map_add(Mapping *new)
{
    MemoryMap *map;

    assert(new->size > 0);
    assert(new->base < PHYS_BUS_END && new->size <= PHYS_BUS_END - new->base);
    if (current_map) {
        for (int i = 0; i < current_map->nr; i++) {
            const Mapping *m = &current_map->m[i];

            /* Overlapping mappings are a board bug. */
            assert(new->base + new->size <= m->base ||
                   m->base + m->size <= new->base);
        }
    }
    map = map_copy(1);
    map->m[map->nr++] = *new;
    map_publish(map);
}

static void map_remove_if(bool (*match)(const Mapping *m, const void *key),
                          const void *key)
{
    MemoryMap *map;
    int j = 0;

    if (!current_map) {
        return;
    }
    map = map_copy(0);
    for (int i = 0; i < map->nr; i++) {
        if (match(&map->m[i], key)) {
            if (map->m[i].rb) {
                ram_block_set_phys_base(map->m[i].rb, (hwaddr)-1);
            }
            /* Names may still be read through an old snapshot. */
            if (!retired_maps) {
                retired_maps = g_ptr_array_new();
            }
            g_ptr_array_add(retired_maps, map->m[i].name);
            continue;
        }
        map->m[j++] = map->m[i];
    }
    if (j == map->nr) {
        g_free(map);
        return;
    }
    map->nr = j;
    map_publish(map);
}

void memory_map_ram(hwaddr base, RAMBlock *rb)
{
    Mapping m = {
        .base = base,
        .size = ram_block_used_length(rb),
        .rb = rb,
    };

    /* Mapping the same block at the same place twice is harmless. */
    if (ram_block_phys_base(rb) == base) {
        const Mapping *cur = map_find(current_map, base);

        if (cur && cur->rb == rb && cur->base == base) {
            return;
        }
    }
    /* A block lives at one place on the bus. */
    assert(ram_block_phys_base(rb) == (hwaddr)-1);
    m.name = g_strdup(ram_block_name(rb));
    map_add(&m);
    ram_block_set_phys_base(rb, base);
}

void memory_map_mmio(hwaddr base, uint64_t size, const MemoryRegionOps *ops,
                     void *opaque, const char *name)
{
    Mapping m = {
        .base = base,
        .size = size,
        .ops = ops,
        .opaque = opaque,
        .name = g_strdup(name ? name : "mmio"),
    };

    assert(ops);
    map_add(&m);
}

static bool match_rb(const Mapping *m, const void *key)
{
    return m->rb == key;
}

void memory_unmap_ram_block(RAMBlock *rb)
{
    map_remove_if(match_rb, rb);
}

typedef struct MmioKey {
    hwaddr base;
    const MemoryRegionOps *ops;
    void *opaque;
} MmioKey;

static bool match_mmio(const Mapping *m, const void *key)
{
    const MmioKey *k = key;

    return !m->rb && m->base == k->base && m->ops == k->ops &&
           m->opaque == k->opaque;
}

void memory_unmap_mmio(hwaddr base, const MemoryRegionOps *ops, void *opaque)
{
    MmioKey k = { base, ops, opaque };

    map_remove_if(match_mmio, &k);
}

void memory_unmap_all(void)
{
    MemoryMap *old = current_map;

    qatomic_set(&current_map, NULL);
    qatomic_inc(&map_generation);
    if (old) {
        for (int i = 0; i < old->nr; i++) {
            if (old->m[i].rb) {
                ram_block_set_phys_base(old->m[i].rb, (hwaddr)-1);
            }
            g_free(old->m[i].name);
        }
        g_free(old);
    }
    /* Callers guarantee no access is in flight (teardown, tests). */
    if (retired_maps) {
        g_ptr_array_set_free_func(retired_maps, g_free);
        g_ptr_array_unref(retired_maps);
        retired_maps = NULL;
    }
}

void memory_foreach_mapping(void (*fn)(hwaddr base, uint64_t size,
                                       RAMBlock *rb, const char *name,
                                       void *opaque),
                            void *opaque)
{
    const MemoryMap *map = qatomic_read(&current_map);

    if (!map) {
        return;
    }
    for (int i = 0; i < map->nr; i++) {
        fn(map->m[i].base, map->m[i].size, map->m[i].rb, map->m[i].name,
           opaque);
    }
}

void *memory_ram_lookup(hwaddr addr, RAMBlock **rb_out, ram_addr_t *offset_out,
                        uint64_t *avail)
{
    /*
     * Per-thread one-entry cache: the CPU's TLB refills hit the same RAM
     * mapping over and over. The generation check makes a cached entry
     * of a replaced (or freed) map unusable.
     */
    static __thread uint64_t cached_gen = UINT64_MAX;
    static __thread const Mapping *cached;
    uint64_t gen = qatomic_read(&map_generation);
    const Mapping *m = cached;
    ram_addr_t off;

    if (gen != cached_gen || !m || addr < m->base || addr - m->base >= m->size) {
        m = map_find(qatomic_read(&current_map), addr);
        /* Read the generation before the map: a change in between only
         * makes the next call look again. */
        cached = m;
        cached_gen = gen;
    }

    if (!m || !m->rb) {
        return NULL;
    }
    off = addr - m->base;
    if (rb_out) {
        *rb_out = m->rb;
    }
    if (offset_out) {
        *offset_out = off;
    }
    if (avail) {
        *avail = m->size - off;
    }
    return (uint8_t *)ram_block_host(m->rb) + off;
}

static MemoryDirtySyncBarrier *sync_barrier;
static void *sync_barrier_opaque;

void memory_set_dirty_sync_barrier(MemoryDirtySyncBarrier *fn, void *opaque)
{
    sync_barrier = fn;
    sync_barrier_opaque = opaque;
}

void memory_dirty_sync_barrier(void)
{
    if (sync_barrier) {
        sync_barrier(sync_barrier_opaque);
    }
}

void memory_set_write_listener(MemoryWriteListener *fn, void *opaque)
{
    write_listener = fn;
    write_listener_opaque = opaque;
}

void memory_notify_ram_block_written(RAMBlock *rb, ram_addr_t offset,
                                     uint64_t len)
{
    hwaddr base = ram_block_phys_base(rb);

    if (write_listener && base != (hwaddr)-1) {
        write_listener(write_listener_opaque, base + offset, len);
    }
}

/* ---- byte-stream access ---- */

/* Widest naturally aligned access (1, 2 or 4 bytes) at addr within len. */
static unsigned mmio_access_size(hwaddr addr, uint64_t len)
{
    if (len >= 4 && !(addr & 3)) {
        return 4;
    }
    if (len >= 2 && !(addr & 1)) {
        return 2;
    }
    return 1;
}

/*
 * How many bytes from addr the lookup result covers: up to the mapping's
 * end, or for a hole up to the next mapping.
 */
static uint64_t chunk_len(const MemoryMap *map, const Mapping *m, hwaddr addr,
                          uint64_t len)
{
    uint64_t room;

    if (m) {
        room = m->size - (addr - m->base);
    } else {
        const Mapping *next = map_next_after(map, addr);

        room = next ? next->base - addr : len;
    }
    return MIN(room, len);
}

static void mmio_read(const Mapping *m, hwaddr addr, uint8_t *buf,
                      uint64_t len)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    while (len) {
        unsigned size = mmio_access_size(addr, len);
        uint64_t val = 0;

        if (m->ops->read) {
            val = m->ops->read(m->opaque, addr - m->base, size);
        }
        for (unsigned i = 0; i < size; i++) {
            buf[i] = val >> (8 * i);
        }
        addr += size;
        buf += size;
        len -= size;
    }
    if (!locked) {
        bql_unlock();
    }
}

static void mmio_write(const Mapping *m, hwaddr addr, const uint8_t *buf,
                       uint64_t len)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    while (len) {
        unsigned size = mmio_access_size(addr, len);
        uint64_t val = 0;

        for (unsigned i = 0; i < size; i++) {
            val |= (uint64_t)buf[i] << (8 * i);
        }
        if (m->ops->write) {
            m->ops->write(m->opaque, addr - m->base, val, size);
        }
        addr += size;
        buf += size;
        len -= size;
    }
    if (!locked) {
        bql_unlock();
    }
}

void address_space_read(hwaddr addr, void *buf, uint64_t len)
{
    const MemoryMap *map = qatomic_read(&current_map);
    uint8_t *p = buf;

    while (len) {
        const Mapping *m;
        uint64_t n;

        if (addr >= PHYS_BUS_END) {
            memset(p, 0, len);
            return;
        }
        m = map_find(map, addr);
        n = chunk_len(map, m, addr, MIN(len, PHYS_BUS_END - addr));
        if (!m) {
            memset(p, 0, n);
        } else if (m->rb) {
            memcpy(p, (uint8_t *)ram_block_host(m->rb) + (addr - m->base), n);
        } else {
            mmio_read(m, addr, p, n);
        }
        addr += n;
        p += n;
        len -= n;
    }
}

void address_space_write(hwaddr addr, const void *buf, uint64_t len)
{
    const MemoryMap *map = qatomic_read(&current_map);
    const uint8_t *p = buf;

    while (len) {
        const Mapping *m;
        uint64_t n;

        if (addr >= PHYS_BUS_END) {
            return;
        }
        m = map_find(map, addr);
        n = chunk_len(map, m, addr, MIN(len, PHYS_BUS_END - addr));
        if (m && m->rb) {
            ram_addr_t off = addr - m->base;

            memcpy((uint8_t *)ram_block_host(m->rb) + off, p, n);
            ram_block_set_dirty(m->rb, off, n);
            if (write_listener) {
                write_listener(write_listener_opaque, addr, n);
            }
        } else if (m) {
            mmio_write(m, addr, p, n);
        }
        addr += n;
        p += n;
        len -= n;
    }
}

uint64_t address_space_ld(hwaddr addr, unsigned size)
{
    uint8_t buf[8];
    uint64_t val = 0;

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    address_space_read(addr, buf, size);
    for (unsigned i = 0; i < size; i++) {
        val |= (uint64_t)buf[i] << (8 * i);
    }
    return val;
}

void address_space_st(hwaddr addr, uint64_t val, unsigned size)
{
    uint8_t buf[8];

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    for (unsigned i = 0; i < size; i++) {
        buf[i] = val >> (8 * i);
    }
    address_space_write(addr, buf, size);
}

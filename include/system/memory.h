/*
 * The physical address space (32-bit bus), RAM blocks and MMIO regions.
 *
 * A RAM block is a host mapping with a name ("cr16.ram", "mig.mem"), a used
 * length, 4 KiB target pages and a dirty bitmap (one bit per page) that
 * every guest store and every write through this API sets while dirty
 * logging is on. Migration syncs the bitmap; nothing scans RAM.
 *
 * Guest-physical addresses map to (block, offset) or to an MMIO region
 * through a small sorted region list. Unmapped reads give zeros, unmapped
 * writes are dropped (qtest.md 1.5).
 *
 * Locking: the region list changes only at machine creation (BQL).
 * Reads/writes may come from any thread; MMIO callbacks are called with
 * the BQL held (the caller takes it when it does not hold it).
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <glib.h>

typedef uint64_t hwaddr;
typedef uint64_t ram_addr_t;

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1u << TARGET_PAGE_BITS)
#ifndef BITS_PER_LONG
#define BITS_PER_LONG (sizeof(unsigned long) * 8)
#endif
#define TARGET_PAGE_MASK (~(hwaddr)(TARGET_PAGE_SIZE - 1))

typedef struct MemoryRegionOps {
    /* size is 1, 2 or 4; addr is the offset inside the region. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t val, unsigned size);
} MemoryRegionOps;

typedef struct RAMBlock RAMBlock;

/*
 * Dirty-bitmap clients (DESIGN.md 4): each keeps its own bitmap per block
 * and switches logging on and off for itself; a store is logged while any
 * client has logging on, into the bitmap of every client that has.
 */
typedef enum DirtyClient {
    DIRTY_MEMORY_MIGRATION = 0,
    DIRTY_MEMORY_DIRTY_RATE,        /* calc-dirty-rate */
    DIRTY_MEMORY_DIRTY_LIMIT,       /* set-vcpu-dirty-limit */
    DIRTY_MEMORY_NUM
} DirtyClient;

/*
 * Create a RAM block of `size` bytes (multiple of TARGET_PAGE_SIZE).
 * fd < 0: anonymous private memory (or shared anonymous if `shared`);
 * fd >= 0: mmap of that file at `fd_offset` (MAP_SHARED if `shared`).
 * The block keeps its own dup of fd. Returns NULL with errp set.
 */
RAMBlock *ram_block_new(const char *name, uint64_t size, bool shared,
                        int fd, uint64_t fd_offset, GError **errp);
void ram_block_free(RAMBlock *rb);

const char *ram_block_name(const RAMBlock *rb);
void *ram_block_host(const RAMBlock *rb);
uint64_t ram_block_used_length(const RAMBlock *rb);
uint64_t ram_block_page_size(const RAMBlock *rb);
/* The fd backing the block, or -1. */
int ram_block_fd(const RAMBlock *rb);
bool ram_block_is_shared(const RAMBlock *rb);
/* Where the block is mapped in the physical address space (or -1). */
hwaddr ram_block_phys_base(const RAMBlock *rb);

/* Iterate over every RAM block in creation order. */
RAMBlock *ram_block_first(void);
RAMBlock *ram_block_next(RAMBlock *rb);
RAMBlock *ram_block_find(const char *name);

/*
 * Dirty bitmaps: one unsigned long bit per target page,
 * (used_length / TARGET_PAGE_SIZE) bits, per client. Writers set bits with
 * atomic OR; the sync side moves words out with atomic exchange, so no bit
 * set concurrently with a sync is lost.
 */
void ram_block_set_dirty(RAMBlock *rb, ram_addr_t offset, uint64_t len);
/*
 * Switch logging on/off for one client. Starting also runs
 * memory_dirty_sync_barrier(), so no CPU keeps a write pointer it cached
 * while logging was off (stores through it would go unlogged).
 */
void memory_global_dirty_log_start(DirtyClient client);
void memory_global_dirty_log_stop(DirtyClient client);
/* Is logging on for this client? */
bool memory_global_dirty_log_enabled(DirtyClient client);
/* Is logging on for any client? */
bool memory_global_dirty_log_any(void);
/*
 * Atomically replace the client's bitmap of rb with an all-clear one and
 * return the old bitmap (caller frees it with g_free).
 */
unsigned long *ram_block_dirty_swap(RAMBlock *rb, DirtyClient client);
/*
 * Move the client's logged bits of rb into dest (OR) and clear them;
 * returns how many bits of dest went from 0 to 1. dest has
 * ram_block_bitmap_words(rb) words. The allocation-free form of swap.
 */
uint64_t ram_block_dirty_collect(RAMBlock *rb, DirtyClient client,
                                 unsigned long *dest);
/* Words in a per-page bitmap of rb. */
size_t ram_block_bitmap_words(const RAMBlock *rb);
/*
 * A dirty sync is: ram_block_dirty_swap()/collect() for every block, then
 * memory_dirty_sync_barrier(), then processing of the old bitmaps. The
 * barrier returns once no CPU can store through a page pointer cached
 * before the swap (those stores would set bits only in the old bitmap,
 * or none). Any thread; may be called with the BQL held.
 */
void memory_dirty_sync_barrier(void);
/* The board's implementation of the barrier (its CPU's write barrier). */
typedef void MemoryDirtySyncBarrier(void *opaque);
void memory_set_dirty_sync_barrier(MemoryDirtySyncBarrier *fn, void *opaque);
/*
 * Mark every page of rb dirty for a client whose logging is on (a no-op
 * otherwise, like any other logged write).
 */
void ram_block_dirty_set_all(RAMBlock *rb, DirtyClient client);
/* Is the page containing offset dirty in the client's bitmap? */
bool ram_block_test_dirty(RAMBlock *rb, DirtyClient client, ram_addr_t offset);
/*
 * Pages that may hold non-zero data: set by every write (logged or not)
 * and never cleared; all set for blocks created over a file or memfd.
 * A clear bit proves the page reads as zeros, so migration need not read
 * it. ram_block_mark_written() is for writers that store through
 * ram_block_host() directly (the migration loader).
 */
const unsigned long *ram_block_written_bitmap(const RAMBlock *rb);
void ram_block_mark_written(RAMBlock *rb, ram_addr_t offset, uint64_t len);
/* Offset of the block's mapping inside ram_block_fd() (0 if none). */
uint64_t ram_block_fd_offset(const RAMBlock *rb);

/* Map a RAM block at base, MMIO at base..base+size-1. */
void memory_map_ram(hwaddr base, RAMBlock *rb);
void memory_map_mmio(hwaddr base, uint64_t size, const MemoryRegionOps *ops,
                     void *opaque, const char *name);
/* Remove every mapping (machine teardown, tests). */
void memory_unmap_all(void);
/* Remove the mappings of one RAM block (done by ram_block_free). */
void memory_unmap_ram_block(RAMBlock *rb);
/*
 * Remove the MMIO mapping registered with this ops/opaque at base
 * (device unrealize). No-op if there is none.
 */
void memory_unmap_mmio(hwaddr base, const MemoryRegionOps *ops, void *opaque);
/*
 * Visit every mapping in address order: rb is NULL for MMIO, name is the
 * block or region name. For debugging and "info mtree"-style listings.
 */
void memory_foreach_mapping(void (*fn)(hwaddr base, uint64_t size,
                                       RAMBlock *rb, const char *name,
                                       void *opaque),
                            void *opaque);

/*
 * Fast path for the CPU and DMA: host pointer for a RAM physical address,
 * with *rb_out and *offset_out set and *avail the bytes usable from there
 * (to the end of the block). NULL for MMIO or unmapped.
 */
void *memory_ram_lookup(hwaddr addr, RAMBlock **rb_out, ram_addr_t *offset_out,
                        uint64_t *avail);

/*
 * Byte-stream access through the bus (qtest, device DMA, loaders).
 * MMIO is split into the widest naturally aligned accesses up to 4 bytes.
 * Writes set dirty bits and notify the write listener (code invalidation).
 */
void address_space_read(hwaddr addr, void *buf, uint64_t len);
void address_space_write(hwaddr addr, const void *buf, uint64_t len);
/* Little-endian sized accesses (qtest readw/writew...). size 1/2/4/8. */
uint64_t address_space_ld(hwaddr addr, unsigned size);
void address_space_st(hwaddr addr, uint64_t val, unsigned size);

/*
 * One listener (the CPU's decoded-block cache) told of every write into
 * RAM that did not come from the CPU's own store path.
 */
typedef void MemoryWriteListener(void *opaque, hwaddr addr, uint64_t len);
void memory_set_write_listener(MemoryWriteListener *fn, void *opaque);
/*
 * Tell the listener that [offset, offset + len) of rb changed behind the
 * bus (postcopy places pages with userfaultfd, not through a store).
 * Any thread; a no-op while rb is unmapped or no listener is set.
 */
void memory_notify_ram_block_written(RAMBlock *rb, ram_addr_t offset,
                                     uint64_t len);

#endif /* SYSTEM_MEMORY_H */

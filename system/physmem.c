/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM blocks: host mappings (anonymous, shared anonymous or file/memfd
 * backed) with a name, a used length, 4 KiB target pages and one dirty
 * bitmap per dirty-tracking client.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>

#include <sys/mman.h>

#include "qapi/error.h"
#include "system/memory.h"
#include "memory-internal.h"



struct RAMBlock {
    char *name;
    void *host;
    uint64_t used_length;
    int fd;                     /* our own dup, or -1 */
    uint64_t fd_offset;
    bool shared;
    hwaddr phys_base;           /* (hwaddr)-1 while unmapped; BQL */
    /*
     * One bit per target page. The pointer never changes for the life of
     * the block; writers set bits with atomic OR, the sync side moves
     * words out with atomic exchange, so no bit set concurrently with a
     * sync is lost: it lands either in the returned copy or stays for the
     * next sync.
     */
    unsigned long *dirty[DIRTY_MEMORY_NUM];
    /* Pages that may be non-zero: set by any write, never cleared. */
    unsigned long *written;
    RAMBlock *next;             /* creation order; ram_list_lock */
};

/* Guards the list structure; readers iterate without it (see header). */
static GMutex ram_list_lock;
static RAMBlock *ram_list_head;
/* Bit c set: client c has logging on. */
static unsigned dirty_log_clients;

static uint64_t ram_block_nr_pages(const RAMBlock *rb)
{
    return rb->used_length >> TARGET_PAGE_BITS;
}

size_t ram_block_bitmap_words(const RAMBlock *rb)
{
    return DIV_ROUND_UP(ram_block_nr_pages(rb), BITS_PER_LONG);
}

/*
 * Private anonymous RAM starts on a huge-page boundary, so that every
 * whole 2 MiB of guest RAM can be one transparent huge page: for the
 * guest's TLB, and for a postcopy destination, which moves whole huge
 * pages into place (postcopy-run.c). Reserve the slack, then give back
 * what lies outside the aligned range.
 */
#define RAM_HUGE_ALIGN (2 * 1024 * 1024)

static void *map_huge_aligned(uint64_t size, int flags)
{
    uint8_t *p = mmap(NULL, size + RAM_HUGE_ALIGN, PROT_READ | PROT_WRITE,
                      flags, -1, 0);
    uint8_t *start;
    size_t head, tail;

    if (p == MAP_FAILED) {
        return MAP_FAILED;
    }
    start = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)p, RAM_HUGE_ALIGN);
    head = start - p;
    tail = RAM_HUGE_ALIGN - head;
    if (head) {
        munmap(p, head);
    }
    if (tail) {
        munmap(start + size, tail);
    }
    return start;
}

RAMBlock *ram_block_new(const char *name, uint64_t size, bool shared,
                        int fd, uint64_t fd_offset, GError **errp)
{
    RAMBlock *rb;
    void *host;
    int flags;
    int own_fd = -1;
    long host_page = sysconf(_SC_PAGESIZE);

    if (!name || !*name) {
        error_setg(errp, "RAM block needs a name");
        return NULL;
    }
    if (size == 0 || size % TARGET_PAGE_SIZE) {
        error_setg(errp, "RAM block '%s': size 0x%" PRIx64
                   " is not a non-zero multiple of %u", name, size,
                   TARGET_PAGE_SIZE);
        return NULL;
    }
    if (size > SIZE_MAX) {
        error_setg(errp, "RAM block '%s': size 0x%" PRIx64 " is too large",
                   name, size);
        return NULL;
    }
    if (ram_block_find(name)) {
        error_setg(errp, "RAM block '%s' already exists", name);
        return NULL;
    }

    if (fd >= 0) {
        if (host_page > 0 && fd_offset % (uint64_t)host_page) {
            error_setg(errp, "RAM block '%s': offset 0x%" PRIx64
                       " is not aligned to the host page size", name,
                       fd_offset);
            return NULL;
        }
        own_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (own_fd < 0) {
            error_setg_errno(errp, errno, "RAM block '%s': cannot dup fd",
                             name);
            return NULL;
        }
        flags = shared ? MAP_SHARED : MAP_PRIVATE;
        host = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, own_fd,
                    (off_t)fd_offset);
    } else {
        flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE);
        if (!shared) {
            flags |= MAP_NORESERVE;
        }
        host = shared ? mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0)
                      : map_huge_aligned(size, flags);
        if (host != MAP_FAILED && !shared) {
            /*
             * Guests stride through RAM (the A-B migration guest touches one
             * byte per 4 KiB page of 99 MiB): transparent huge pages save
             * host TLB misses (A-B/counter MIPS ratio 0.46 -> 0.49 in
             * bench/run-bench.sh). Advice only; failure changes nothing.
             * A postcopy destination must undo it before userfaultfd.
             */
            madvise(host, size, MADV_HUGEPAGE);
        }
    }
    if (host == MAP_FAILED) {
        int err = errno;

        if (own_fd >= 0) {
            close(own_fd);
        }
        error_setg_errno(errp, err, "RAM block '%s': cannot map 0x%" PRIx64
                         " bytes", name, size);
        return NULL;
    }

    rb = g_new0(RAMBlock, 1);
    rb->name = g_strdup(name);
    rb->host = host;
    rb->used_length = size;
    rb->fd = own_fd;
    rb->fd_offset = fd >= 0 ? fd_offset : 0;
    rb->shared = shared;
    rb->phys_base = (hwaddr)-1;
    for (int i = 0; i < DIRTY_MEMORY_NUM; i++) {
        rb->dirty[i] = g_new0(unsigned long, ram_block_bitmap_words(rb));
    }
    rb->written = g_new0(unsigned long, ram_block_bitmap_words(rb));
    if (fd >= 0) {
        /* The file's contents are unknown: every page may be non-zero. */
        memset(rb->written, 0xff,
               ram_block_bitmap_words(rb) * sizeof(unsigned long));
    }

    g_mutex_lock(&ram_list_lock);
    if (!ram_list_head) {
        qatomic_set(&ram_list_head, rb);
    } else {
        RAMBlock *last = ram_list_head;

        while (last->next) {
            last = last->next;
        }
        qatomic_set(&last->next, rb);
    }
    g_mutex_unlock(&ram_list_lock);
    return rb;
}

void ram_block_free(RAMBlock *rb)
{
    RAMBlock **pp;

    if (!rb) {
        return;
    }
    memory_unmap_ram_block(rb);

    g_mutex_lock(&ram_list_lock);
    for (pp = &ram_list_head; *pp; pp = &(*pp)->next) {
        if (*pp == rb) {
            qatomic_set(pp, rb->next);
            break;
        }
    }
    g_mutex_unlock(&ram_list_lock);

    munmap(rb->host, rb->used_length);
    if (rb->fd >= 0) {
        close(rb->fd);
    }
    for (int i = 0; i < DIRTY_MEMORY_NUM; i++) {
        g_free(rb->dirty[i]);
    }
    g_free(rb->written);
    g_free(rb->name);
    g_free(rb);
}

const char *ram_block_name(const RAMBlock *rb)
{
    return rb->name;
}

void *ram_block_host(const RAMBlock *rb)
{
    return rb->host;
}

uint64_t ram_block_used_length(const RAMBlock *rb)
{
    return rb->used_length;
}

uint64_t ram_block_page_size(const RAMBlock *rb)
{
    return TARGET_PAGE_SIZE;
}

int ram_block_fd(const RAMBlock *rb)
{
    return rb->fd;
}

uint64_t ram_block_fd_offset(const RAMBlock *rb)
{
    return rb->fd_offset;
}

bool ram_block_is_shared(const RAMBlock *rb)
{
    return rb->shared;
}

hwaddr ram_block_phys_base(const RAMBlock *rb)
{
    return rb->phys_base;
}

void ram_block_set_phys_base(RAMBlock *rb, hwaddr base)
{
    rb->phys_base = base;
}

RAMBlock *ram_block_first(void)
{
    return qatomic_read(&ram_list_head);
}

RAMBlock *ram_block_next(RAMBlock *rb)
{
    return qatomic_read(&rb->next);
}

RAMBlock *ram_block_find(const char *name)
{
    RAMBlock *rb;

    for (rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        if (!strcmp(rb->name, name)) {
            return rb;
        }
    }
    return NULL;
}

/* ---- dirty tracking ---- */

static void dirty_set_range(unsigned long *bm, uint64_t first, uint64_t last)
{
    uint64_t page = first;

    while (page <= last) {
        size_t word = page / BITS_PER_LONG;
        unsigned bit = page % BITS_PER_LONG;
        uint64_t n = MIN(BITS_PER_LONG - bit, last - page + 1);
        unsigned long mask;

        if (n == BITS_PER_LONG) {
            mask = ~0UL;
        } else {
            mask = ((1UL << n) - 1) << bit;
        }
        /* Avoid the locked RMW when the bits are already there. */
        if ((qatomic_read(&bm[word]) & mask) != mask) {
            qatomic_or(&bm[word], mask);
        }
        page += n;
    }
}

/* Clamp [offset, offset+len) to rb; false when nothing is left. */
static bool page_range(const RAMBlock *rb, ram_addr_t offset, uint64_t len,
                       uint64_t *first, uint64_t *last)
{
    uint64_t end;

    if (len == 0 || offset >= rb->used_length) {
        return false;
    }
    end = len > rb->used_length - offset ? rb->used_length : offset + len;
    *first = offset >> TARGET_PAGE_BITS;
    *last = (end - 1) >> TARGET_PAGE_BITS;
    return true;
}

void ram_block_set_dirty(RAMBlock *rb, ram_addr_t offset, uint64_t len)
{
    unsigned clients = qatomic_read(&dirty_log_clients);
    uint64_t first, last;

    if (!page_range(rb, offset, len, &first, &last)) {
        return;
    }
    dirty_set_range(rb->written, first, last);
    for (int c = 0; clients; c++, clients >>= 1) {
        if (clients & 1) {
            dirty_set_range(rb->dirty[c], first, last);
        }
    }
}

void ram_block_mark_written(RAMBlock *rb, ram_addr_t offset, uint64_t len)
{
    uint64_t first, last;

    if (page_range(rb, offset, len, &first, &last)) {
        dirty_set_range(rb->written, first, last);
    }
}

const unsigned long *ram_block_written_bitmap(const RAMBlock *rb)
{
    return rb->written;
}

void ram_block_dirty_set_all(RAMBlock *rb, DirtyClient client)
{
    if (memory_global_dirty_log_enabled(client)) {
        dirty_set_range(rb->dirty[client], 0, ram_block_nr_pages(rb) - 1);
    }
}

bool ram_block_test_dirty(RAMBlock *rb, DirtyClient client, ram_addr_t offset)
{
    uint64_t page = offset >> TARGET_PAGE_BITS;
    unsigned long *bm = rb->dirty[client];

    if (offset >= rb->used_length) {
        return false;
    }
    return (qatomic_read(&bm[page / BITS_PER_LONG])
            >> (page % BITS_PER_LONG)) & 1;
}

void memory_global_dirty_log_start(DirtyClient client)
{
    qatomic_or(&dirty_log_clients, 1u << client);
    /*
     * Write pointers cached while this client was off were filled without
     * setting its bits; make every CPU drop them before returning.
     */
    memory_dirty_sync_barrier();
}

void memory_global_dirty_log_stop(DirtyClient client)
{
    qatomic_and(&dirty_log_clients, ~(1u << client));
}

bool memory_global_dirty_log_enabled(DirtyClient client)
{
    return (qatomic_read(&dirty_log_clients) >> client) & 1;
}

bool memory_global_dirty_log_any(void)
{
    return qatomic_read(&dirty_log_clients) != 0;
}

unsigned long *ram_block_dirty_swap(RAMBlock *rb, DirtyClient client)
{
    unsigned long *old = g_new0(unsigned long, ram_block_bitmap_words(rb));

    ram_block_dirty_collect(rb, client, old);
    return old;
}

uint64_t ram_block_dirty_collect(RAMBlock *rb, DirtyClient client,
                                 unsigned long *dest)
{
    size_t words = ram_block_bitmap_words(rb);
    unsigned long *live = rb->dirty[client];
    uint64_t fresh = 0;

    for (size_t i = 0; i < words; i++) {
        unsigned long w = qatomic_read(&live[i]) ?
                          qatomic_xchg(&live[i], 0UL) : 0;

        fresh += __builtin_popcountl(w & ~dest[i]);
        dest[i] |= w;
    }
    return fresh;
}

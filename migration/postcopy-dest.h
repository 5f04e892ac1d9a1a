/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy destination object's insides, shared by the files that
 * implement it (private to migration/): postcopy-ram.c (blocks, the
 * fault thread, bitmaps, pause and resume) and postcopy-place.c (putting
 * pages into guest RAM). Everyone else goes through postcopy-ram.h.
 */
#ifndef MIGRATION_POSTCOPY_DEST_H
#define MIGRATION_POSTCOPY_DEST_H

#include "migration/postcopy-bits.h"
#include "migration/postcopy-ram.h"

typedef struct DestBlock {
    RAMBlock *rb;
    uint8_t *host;
    uint64_t len;               /* used length at ADVISE */
    uint64_t page;              /* host page size for this block */
    unsigned long *received;    /* one bit per target page; PostcopyDest.lock */
    /*
     * One bit per POSTCOPY_RUN_MAX of the block: something was ever
     * mapped there (before ADVISE, or placed or loaded since; a later
     * discard leaves the bit), so the kernel may keep a page table for
     * it and a huge page cannot be moved in whole. A discard of what was
     * never mapped (the source discards every page it has not sent)
     * maps nothing. PostcopyDest.lock.
     */
    unsigned long *touched;
    bool registered;
    bool has_zeropage;
    bool movable;               /* whole huge pages may be moved in */
} DestBlock;

typedef struct Outstanding {
    DestBlock *b;
    ram_addr_t offset;
    uint64_t seq;               /* first-fault order, for resends */
} Outstanding;

struct PostcopyDest {
    PostcopyRequestFn *request;
    void *opaque;
    DestBlock *blocks;
    size_t nr_blocks;
    uint8_t *zero_buf;          /* largest host page of zeros */

    int uffd;                   /* -1 before LISTEN */
    int wake_fd;                /* eventfd that stops the fault thread */
    unsigned features;          /* POSTCOPY_UFFD_WANT_* granted */
    GThread *fault_thread;

    GMutex lock;
    /* All below: lock. */
    GHashTable *outstanding;    /* host page address -> Outstanding */
    unsigned nr_outstanding;    /* its size, also read without the lock */
    uint64_t next_seq;
    bool paused;
    uint64_t requests_sent;
    uint64_t faults_seen;
    PostcopyBlocktime *bt;      /* NULL unless blocktime */
    PostcopyRun *run;           /* the main stream's, or NULL */
    PostcopyPlacedFn *placed;   /* NULL: nobody watches placements */
    void *placed_opaque;
    /* Test only: the page holding this byte arrives with it flipped. */
    RAMBlock *corrupt_rb;
    ram_addr_t corrupt_offset;
};

/* The block of rb, or NULL; the second sets errp when there is none. */
DestBlock *pc_dest_block(PostcopyDest *d, RAMBlock *rb);
DestBlock *pc_dest_block_checked(PostcopyDest *d, RAMBlock *rb,
                                 GError **errp);
/* Set or clear the received bits of [offset, offset + len) (d->lock);
 * setting them marks the range touched. */
void pc_set_received(DestBlock *b, uint64_t offset, uint64_t len,
                     bool value);

/* After the outstanding table changed (d->lock). */
static inline void pc_outstanding_changed(PostcopyDest *d)
{
    __atomic_store_n(&d->nr_outstanding, g_hash_table_size(d->outstanding),
                     __ATOMIC_RELEASE);
}

static inline bool pc_host_page_received(DestBlock *b, ram_addr_t offset)
{
    return pc_test_bit(b->received, offset / TARGET_PAGE_SIZE);
}

#endif /* MIGRATION_POSTCOPY_DEST_H */

/*
 * State shared by the RAM saver's files (ram-save.c, ram-dirty.c) and the
 * block scope helpers of ram.c. Private to migration/.
 */
#ifndef MIGRATION_RAM_INTERNAL_H
#define MIGRATION_RAM_INTERNAL_H

#include "migration/ram.h"
#include "migration/page_cache.h"

/* ---- block scope (ram.c) ---- */

/* Number of blocks in scope (NULL: every block). */
size_t ram_scope_count(const RAMBlockScope *scope);
/* Block i of the scope and its wire name. */
RAMBlock *ram_scope_block(const RAMBlockScope *scope, size_t i,
                          const char **name);
/* The block that travels under name, or NULL. */
RAMBlock *ram_scope_find(const RAMBlockScope *scope, const char *name);
/*
 * With x-ignore-shared, shared file-backed blocks are listed in MEM_SIZE
 * but their pages are not sent: both sides map the same file.
 */
bool ram_block_is_ignored(RAMBlock *rb);

/* Is the target page at p all zeros? */
bool ram_page_is_zero(const uint8_t *p);
/* Does ram_page_is_zero() gain from ram_prefetch_page() on the next page? */
bool ram_page_check_wants_prefetch(void);
/*
 * Start loading the page at p into the cache. The hardware prefetcher
 * stops at every 4 KiB boundary, so a sweep over pages pays a cold start
 * per page without this; worth ~10 % of the zero check's rate.
 */
static inline void ram_prefetch_page(const uint8_t *p)
{
    for (unsigned i = 0; i < TARGET_PAGE_SIZE; i += 512) {
        __builtin_prefetch(p + i);
    }
}

static inline void ram_stat_add(uint64_t *counter, uint64_t v)
{
    __atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}

/* ---- the source ---- */

typedef struct RAMSaveBlock {
    RAMBlock *rb;
    const char *name;           /* wire name */
    uint8_t *host;
    uint64_t pages;
    size_t words;               /* of bmap */
    unsigned long *bmap;        /* pages still to send; in postcopy the
                                   RP thread clears bits too: atomic
                                   (ram-urgent.c) */
    const unsigned long *written;   /* clear bit: page reads as zeros */
    uint64_t cache_key_base;    /* XBZRLE cache key of the block's page 0 */
    bool ignored;               /* listed, never sent (x-ignore-shared) */
} RAMSaveBlock;

/* Room for one record header: word, str8 name, encoding byte, be16. */
#define RAM_RECORD_HEADER_MAX (8 + 1 + 255 + 1 + 2)
#define RAM_STAGE_SIZE 8192

/*
 * One outgoing migration. Owned by the migration thread between setup and
 * cleanup; other threads see only the atomic copies kept by ram-dirty.c.
 */
typedef struct RAMState {
    RAMSaveBlock *blocks;
    size_t nr_blocks;
    uint64_t total_bytes;       /* sum of listed used lengths */
    uint64_t dirty_pages;       /* set bits in all bmaps (mirrored for
                                   other threads by ram_set_dirty_pages) */

    /* where the scan resumes */
    size_t scan_block;
    uint64_t scan_page;
    const RAMSaveBlock *last_sent;  /* CONTINUE; NULL forces a name */
    bool round_done;            /* a full pass ended: XBZRLE may start */
    bool last_stage;            /* completing, guest stopped */
    bool zero_detect;           /* zero-page-detection != none */

    /* dirty sync */
    uint64_t sync_count;
    int64_t period_start_ms;
    uint64_t period_dirty_pages;
    uint64_t period_start_bytes;

    /* XBZRLE (cache NULL when the capability is off) */
    PageCache *cache;
    uint64_t cache_param;       /* xbzrle-cache-size the cache was built for */
    uint8_t *xbzrle_current;    /* stable snapshot of the page being encoded */
    uint8_t *xbzrle_encoded;

    /*
     * Record headers are staged here and handed to the QEMUFile in runs,
     * right before page data that is queued by reference: a 1 GiB guest
     * that was never written is 256 Ki zero records, and one call per
     * record would dominate.
     */
    uint8_t stage[RAM_STAGE_SIZE];
    size_t stage_len;

    uint64_t bytes_sent;        /* RAM record bytes produced */

    /* Postcopy (after the discards): requested pages first, no XBZRLE. */
    bool postcopy;
    struct PostcopySrcQueue *queue;
    /* Pages whose bits the return-path thread cleared and sent
     * (ram-urgent.c), not yet taken off dirty_pages; urgent bits lock. */
    uint64_t urgent_cleared;

    /* mapped-ram: pages go to file slots (ram-mapped.c), NULL if off. */
    struct RamMappedSave *mapped;
    /* The zero check's second thread (ram-zero-helper.c), or NULL. */
    struct RAMZeroHelper *zero_helper;
    /* multifd (multifd-ram.c): precopy pages go to this sender set. */
    struct MultiFDSend *mfd;
    bool mfd_legacy;            /* multifd-flush-after-each-section */
    uint64_t mfd_queued;        /* pages queued */
    uint64_t mfd_seen_bytes;    /* the set's counters already accounted */
    uint64_t mfd_seen_normal;
    uint64_t mfd_seen_zero;
} RAMState;

/* ---- ram-dirty.c ---- */

/* Build rs->blocks for scope: every page to be sent. */
void ram_state_blocks_init(RAMState *rs, const RAMBlockScope *scope);
void ram_state_blocks_free(RAMState *rs);
/*
 * The sync of memory.h: collect every block's logged pages into its
 * bmap, then the barrier. Updates the counters and the period, then
 * calls the sync notifier. Migration thread.
 */
void ram_dirty_sync(RAMState *rs);
/* Change rs->dirty_pages and the copy ram_bytes_remaining() reads. */
void ram_set_dirty_pages(RAMState *rs, uint64_t pages);
/* Publish rs->total_bytes for ram_bytes_total() (0: no migration). */
void ram_publish_total(uint64_t bytes);

/* The saver's entry for rb, or NULL. */
RAMSaveBlock *ram_save_block_of(RAMState *rs, RAMBlock *rb);

/*
 * The header of a page record for blk at offset (wire 3.3) into out
 * (RAM_RECORD_HEADER_MAX bytes): the record word, with CONTINUE when *last
 * is blk, otherwise followed by the block's str8 name, and *last becomes
 * blk. *last is the channel's: each channel names a block anew. Returns
 * the bytes written.
 */
size_t ram_page_header_encode(uint8_t *out, const RAMSaveBlock **last,
                              const RAMSaveBlock *blk, uint64_t offset,
                              unsigned flag);

/* ---- ram-urgent.c: requested postcopy pages ---- */

/* Postcopy start (rs) and cleanup (NULL): what the RP thread may use. */
void ram_urgent_attach(RAMState *rs);
/*
 * Take the RP thread's cleared bits off rs->dirty_pages. Migration
 * thread; after it, every clear the migration thread could have seen in
 * a bitmap is counted.
 */
void ram_urgent_fold(RAMState *rs);
/*
 * Migration thread: send requested target pages [first, first + n) of
 * blk on the preempt channel. False when there is none (the caller uses
 * the main channel).
 */
bool ram_urgent_send_preempt(RAMState *rs, RAMSaveBlock *blk,
                             uint64_t first, uint64_t n);

/* ---- multifd-ram.c: the RAM saver's and loader's multifd hooks ---- */

/* Where the saver may have to sync the multifd channels (wire 6.2.6). */
typedef enum RAMMultifdPoint {
    RAM_MULTIFD_SETUP,          /* end of the START section */
    RAM_MULTIFD_ITERATE,        /* end of a PART section */
    RAM_MULTIFD_WRAP,           /* the scan wrapped around the blocks */
    RAM_MULTIFD_COMPLETE,       /* end of the END section */
    RAM_MULTIFD_POSTCOPY,       /* the postcopy prepare section */
    RAM_MULTIFD__MAX,
} RAMMultifdPoint;

/*
 * Setup: attach the migration's sender set, if any, and decide where
 * zero pages are found (wire 3.9): rs->zero_detect stays on only for
 * zero-page-detection=legacy.
 */
void ram_multifd_save_setup(RAMState *rs);
/* Queue a dirty page on the set; a failure becomes f's error. */
void ram_multifd_queue(RAMState *rs, QEMUFile *f, const RAMSaveBlock *blk,
                       uint64_t offset);
/*
 * At point: flush and sync the channels and write MULTIFD_FLUSH on f as
 * the mode asks (nothing without a set or in postcopy). The caller has
 * flushed its staged records. False with f's error set.
 */
bool ram_multifd_sync_point(RAMState *rs, QEMUFile *f, RAMMultifdPoint pt);
/*
 * Destination, at MULTIFD_FLUSH (eos false) or a RAM EOS (eos true):
 * wait for every channel's sync packet when the mode asks.
 */
bool ram_multifd_load_marker(bool eos, GError **errp);

/* ---- the handlers (SaveVMHandlers in ram.c) ---- */

bool ram_save_setup(QEMUFile *f, void *opaque, GError **errp);
int ram_save_iterate(QEMUFile *f, void *opaque, GError **errp);
bool ram_save_complete(QEMUFile *f, void *opaque, GError **errp);
void ram_state_pending_estimate(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy);
void ram_state_pending_exact(void *opaque, uint64_t *must_precopy,
                             uint64_t *can_postcopy);
void ram_save_cleanup(void *opaque);
bool ram_save_postcopy_prepare(QEMUFile *f, void *opaque, GError **errp);
bool ram_load_setup(QEMUFile *f, void *opaque, GError **errp);
bool ram_load(QEMUFile *f, void *opaque, int version_id, GError **errp);
void ram_load_cleanup(void *opaque);

#endif /* MIGRATION_RAM_INTERNAL_H */

/*
 * The "ram" live migration entry (spec/migration-wire-format.md 3):
 * RAM save on the source (ram-save.c, dirty tracking in ram-dirty.c) and
 * RAM load on the destination (ram-load.c).
 *
 * Threads: the save handlers run in the migration thread (setup, pending
 * exact and complete with the BQL held, as register.h says); the load
 * handler in the incoming thread. ram_bytes_remaining() and the other
 * counters may be read from any thread.
 */
#ifndef MIGRATION_RAM_H
#define MIGRATION_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "migration/register.h"
#include "system/memory.h"

/* The entry's identity (wire 3.1). */
#define RAM_SECTION_NAME     "ram"
#define RAM_SECTION_VERSION  4

/* Record word flags (wire 3.2); all below TARGET_PAGE_SIZE. */
#define RAM_SAVE_FLAG_FULL           0x001  /* retired, invalid */
#define RAM_SAVE_FLAG_ZERO           0x002
#define RAM_SAVE_FLAG_MEM_SIZE       0x004
#define RAM_SAVE_FLAG_PAGE           0x008
#define RAM_SAVE_FLAG_EOS            0x010
#define RAM_SAVE_FLAG_CONTINUE       0x020
#define RAM_SAVE_FLAG_XBZRLE         0x040
#define RAM_SAVE_FLAG_HOOK           0x080  /* RDMA only */
#define RAM_SAVE_FLAG_COMPRESS_PAGE  0x100  /* retired, invalid */
#define RAM_SAVE_FLAG_MULTIFD_FLUSH  0x200

/*
 * The RAM blocks one migration covers and the names they travel under.
 * Production passes NULL: every block in list order, under its own name.
 * A test that keeps a source and a destination set in one process (block
 * names are unique per process) passes its own scope as the handlers'
 * opaque, so both sides can use the same wire names.
 */
typedef struct RAMBlockScope {
    size_t nr;
    RAMBlock *const *blocks;
    const char *const *names;       /* wire idstr of blocks[i] */
} RAMBlockScope;

/* The handlers of the "ram" entry (opaque: a RAMBlockScope or NULL). */
extern const SaveVMHandlers ram_save_handlers;

/* Register the "ram" entry (instance 0, version 4) for all blocks. */
void ram_mig_init(void);

/* ---- source: figures for the migration thread and query-migrate ---- */

/* Dirty bytes not yet sent by the current outgoing migration (0 if none). */
uint64_t ram_bytes_remaining(void);
/* Bytes of RAM the current migration covers, or of all blocks if none. */
uint64_t ram_bytes_total(void);
/* Pages sent so far: zero + normal + XBZRLE. */
uint64_t ram_get_total_transferred_pages(void);

/*
 * Called in the migration thread after every completed dirty-bitmap sync
 * (the first at setup counts as 1), for the MIGRATION_PASS event and
 * auto-converge. fn NULL clears it.
 */
typedef void RAMSyncNotifier(uint64_t sync_count, void *opaque);
void ram_set_sync_notifier(RAMSyncNotifier *fn, void *opaque);

/*
 * The last completed measurement period (at least 1 s between syncs):
 * pages newly dirtied by the guest and RAM bytes sent during it, and its
 * length. All zero before the first period ends. For auto-converge
 * ("dirty bytes > throttle-trigger-threshold % of bytes sent").
 */
typedef struct RAMSyncPeriod {
    uint64_t dirty_pages;
    uint64_t bytes_sent;
    uint64_t duration_ms;
} RAMSyncPeriod;
void ram_get_sync_period(RAMSyncPeriod *out);

/* ---- postcopy, source (ram-save.c; migration thread) ---- */

struct PostcopySrcQueue;
/*
 * Postcopy start, guest stopped (wire 4.4 step 7): a final dirty sync,
 * the host-page rule, and MIG_CMD_POSTCOPY_RAM_DISCARD for every block
 * with dirty pages. From then on PART sections send the pages requested
 * through q first, and background pages while the rate limit allows.
 */
bool ram_postcopy_start(QEMUFile *f, struct PostcopySrcQueue *q,
                        GError **errp);
/* postcopy-preempt: send requested pages on f (NULL: the main channel). */
void ram_postcopy_set_preempt(QEMUFile *f);
/*
 * Return-path thread (ram-urgent.c): send the requested host pages
 * [start, start + len) of rb now, on the preempt channel, or on the main
 * channel when the migration thread is idle. False when this thread may
 * not (the caller queues the request for the migration thread).
 */
bool ram_postcopy_serve_urgent(RAMBlock *rb, ram_addr_t start, uint64_t len);
/*
 * Migration thread, postcopy: between two PART sections it waits idle on
 * the main channel f; meanwhile the return-path thread may write whole
 * PART sections of requested pages on it. End waits for such a write.
 */
void ram_postcopy_idle_begin(QEMUFile *f);
void ram_postcopy_idle_end(void);
/* Before the END section: requested pages being sent have gone. */
void ram_postcopy_urgent_drain(void);
/* Nothing dirty and nothing requested: postcopy can complete. */
bool ram_postcopy_done(void);
/* The channel was lost (4.6): the next page record names its block. */
void ram_postcopy_pause(void);
/* Recovery: each migrated block's wire name and its number of pages. */
typedef void RAMBlockVisitFn(const char *name, uint64_t nbits, void *opaque);
void ram_postcopy_foreach_block(RAMBlockVisitFn *fn, void *opaque);
/* Recovery: the dirty bitmap of block name becomes the complement of the
 * destination's received bitmap (nbits as from the visit). */
bool ram_postcopy_apply_received(const char *name,
                                 const unsigned long *received,
                                 GError **errp);

/* ---- postcopy, destination (ram-load.c) ---- */

struct PostcopyDest;
/*
 * ADVISE: precopy pages loaded from now on are marked received in d
 * (and zero pages populated, so that they never fault later).
 */
void ram_load_postcopy_advise(struct PostcopyDest *d);
/* LISTEN: pages of the main channel are placed atomically through d. */
void ram_load_postcopy_listen(void);
/* Paused: drop a partial host page and the CONTINUE block. */
void ram_load_postcopy_pause(void);
/* Back to plain precopy loading (teardown). */
void ram_load_postcopy_end(void);
/*
 * The preempt channel (wire 6.3): RAM records in the postcopy format
 * until EOF or an error; its own CONTINUE block and host-page assembler.
 */
bool ram_load_postcopy_channel(QEMUFile *f, struct PostcopyDest *d,
                               GError **errp);

#endif /* MIGRATION_RAM_H */

/*
 * Counters of the current outgoing migration, written by whichever thread
 * moves the bytes (migration thread, multifd senders) and read by
 * query-migrate under the BQL. Every member is updated with atomics, so
 * readers never take a lock. Reset at the start of each migration.
 */
#ifndef MIGRATION_MIGRATION_STATS_H
#define MIGRATION_MIGRATION_STATS_H

#include <stdint.h>

typedef struct MigrationAtomicStats {
    uint64_t dirty_bytes_last_sync;   /* dirty RAM at the last sync */
    uint64_t dirty_bytes_fresh_last_sync; /* newly dirty at it */
    uint64_t dirty_pages_rate;        /* pages/s, measured per period */
    uint64_t dirty_sync_count;        /* bitmap syncs ("passes") */
    uint64_t dirty_sync_missed_zero_copy;
    uint64_t downtime_bytes;          /* RAM bytes sent while stopped */
    uint64_t zero_pages;              /* "duplicate" */
    uint64_t normal_pages;            /* "normal" */
    uint64_t multifd_bytes;
    uint64_t postcopy_bytes;
    uint64_t postcopy_requests;
    /* Requested pages sent on the preempt channel / on the main channel
     * (x-query-postcopy: proves which way urgent pages went). */
    uint64_t postcopy_preempt_pages;
    uint64_t postcopy_urgent_main_pages;
    /* Destination: target pages moved into place as whole huge pages
     * (UFFDIO_MOVE) rather than copied. */
    uint64_t postcopy_moved_pages;
    uint64_t precopy_bytes;
    uint64_t transferred;             /* all channels */
    /* XBZRLE */
    uint64_t xbzrle_bytes;
    uint64_t xbzrle_pages;
    uint64_t xbzrle_cache_miss;
    uint64_t xbzrle_overflow;
    uint64_t xbzrle_encoded_size;     /* for encoding-rate */
} MigrationAtomicStats;

extern MigrationAtomicStats mig_stats;

void migration_stats_reset(void);

#endif /* MIGRATION_MIGRATION_STATS_H */

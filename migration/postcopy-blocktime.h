/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy blocktime statistics (capability postcopy-blocktime,
 * spec/migration-states-and-qmp.md 7.10), as a pure engine fed with
 * explicit timestamps so its arithmetic is testable without faults.
 *
 * A "wait" starts when the fault thread reads a missing-page fault of a
 * thread and ends when that page is placed. Definitions:
 *  - vCPU blocktime: per vCPU, the sum of its waits;
 *  - total blocktime (postcopy-blocktime): time during which every vCPU
 *    was waiting at once (the guest made no progress at all);
 *  - latency of a fault: the length of its wait. postcopy-latency is the
 *    average over all faults, postcopy-vcpu-latency the average per vCPU,
 *    postcopy-non-vcpu-latency the average over faults of other threads
 *    (devices, the main thread);
 *  - latency distribution: 24 buckets, bucket N counts faults that waited
 *    [2^N, 2^(N+1)) microseconds; 0 us goes to bucket 0, >= 2^23 us to 23.
 * The millisecond figures are truncated from nanoseconds.
 *
 * Not thread-safe: the owner (PostcopyDest) calls it under its lock.
 */
#ifndef MIGRATION_POSTCOPY_BLOCKTIME_H
#define MIGRATION_POSTCOPY_BLOCKTIME_H

#include <stdint.h>
#include <glib.h>

#define POSTCOPY_LATENCY_BUCKETS 24

typedef struct PostcopyBlocktime PostcopyBlocktime;

typedef struct PostcopyBlocktimeInfo {
    uint32_t blocktime_ms;              /* postcopy-blocktime */
    unsigned nr_vcpus;
    uint32_t *vcpu_blocktime_ms;        /* nr_vcpus; postcopy-vcpu-blocktime */
    uint64_t latency_ns;                /* postcopy-latency */
    uint64_t latency_dist[POSTCOPY_LATENCY_BUCKETS];
    uint64_t *vcpu_latency_ns;          /* nr_vcpus; postcopy-vcpu-latency */
    uint64_t non_vcpu_latency_ns;       /* postcopy-non-vcpu-latency */
    uint64_t faults;                    /* resolved waits (all threads) */
    uint64_t vcpu_faults;
    uint64_t non_vcpu_faults;
} PostcopyBlocktimeInfo;

PostcopyBlocktime *postcopy_blocktime_new(unsigned nr_vcpus);
void postcopy_blocktime_free(PostcopyBlocktime *bt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PostcopyBlocktime, postcopy_blocktime_free)

/*
 * Thread tid (vcpu: its index, or -1 for a non-vCPU thread) started
 * waiting for the page identified by page_key at now_ns. A repeated
 * fault of the same thread on the same page keeps the first start. A vCPU
 * can wait for one page only: a fault on another page ends its previous
 * wait first.
 */
void postcopy_blocktime_fault(PostcopyBlocktime *bt, uint64_t page_key,
                              int vcpu, uint32_t tid, int64_t now_ns);
/* The page arrived at now_ns: end every wait for it. */
void postcopy_blocktime_page_arrived(PostcopyBlocktime *bt, uint64_t page_key,
                                     int64_t now_ns);
/* Waits not ended yet. */
unsigned postcopy_blocktime_waiting(PostcopyBlocktime *bt);

/* Fill *info (arrays newly allocated; free with _info_clear). */
void postcopy_blocktime_get(PostcopyBlocktime *bt,
                            PostcopyBlocktimeInfo *info);
void postcopy_blocktime_info_clear(PostcopyBlocktimeInfo *info);

/* The bucket a latency falls in (exposed for tests). */
unsigned postcopy_latency_bucket(uint64_t latency_ns);

#endif /* MIGRATION_POSTCOPY_BLOCKTIME_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy stall as the faulting vCPU sees it (issue 8's benchmark
 * figure (b); docs/devel/benchmarks.rst, "Postcopy").
 *
 * Opt-in (-global migration.x-vcpu-stall-probe=on on the destination):
 * postcopy-incoming.c arms the probe at LISTEN when it is on.
 *
 * Definition: while a postcopy destination is listening, each time the
 * vCPU thread maps a guest RAM page for access (a TLB fill: the first
 * access to the page since the mapping was last dropped) and that page
 * has not been received, the vCPU thread reads one byte of it and times
 * the read. The read is the access the guest was about to make: it
 * blocks in the kernel's userfaultfd handling until the page is placed,
 * so the time covers the whole round trip — the fault event, the fault
 * thread, the request on the return path, the source, the page on the
 * main or preempt channel, UFFDIO_COPY and the wake-up of the vCPU.
 * Pages already received are not counted (no stall). A page placed
 * between the check and the read counts with its (short) wait: the vCPU
 * did find it missing.
 *
 * The samples (at most POSTCOPY_STALL_MAX_SAMPLES, then only counted)
 * are kept until the next postcopy starts, so they can be read after
 * completion with x-query-postcopy.
 */
#ifndef MIGRATION_POSTCOPY_STALL_H
#define MIGRATION_POSTCOPY_STALL_H

#include <stdbool.h>
#include <stdint.h>
#include "system/memory.h"

#define POSTCOPY_STALL_MAX_SAMPLES (1u << 20)

struct PostcopyDest;

/* At LISTEN (d listening): start probing faults against d's received
 * bitmap; drops the previous samples. */
void postcopy_stall_arm(struct PostcopyDest *d);
/* Before d is freed: stop probing (waits for a probe using d). */
void postcopy_stall_disarm(struct PostcopyDest *d);

extern bool postcopy_stall_armed;
void postcopy_stall_probe_slow(RAMBlock *rb, ram_addr_t offset,
                               const uint8_t *host);

/*
 * Called by the vCPU thread when it maps the RAM page at host (offset in
 * rb) for access. Costs one load while no postcopy destination listens.
 */
static inline void postcopy_stall_probe(RAMBlock *rb, ram_addr_t offset,
                                        const uint8_t *host)
{
    if (__builtin_expect(__atomic_load_n(&postcopy_stall_armed,
                                         __ATOMIC_RELAXED), 0)) {
        postcopy_stall_probe_slow(rb, offset, host);
    }
}

typedef struct PostcopyStallStats {
    uint64_t count;             /* stalls seen (sampled or not) */
    uint64_t sampled;           /* stalls whose length was kept */
    uint64_t p50_ns, p90_ns, p99_ns, max_ns, mean_ns;   /* over samples */
} PostcopyStallStats;

void postcopy_stall_get(PostcopyStallStats *st);

/* For tests: record one stall as the probe would. */
void postcopy_stall_record(uint64_t ns);
/* For tests: drop every sample. */
void postcopy_stall_reset(void);

#endif /* MIGRATION_POSTCOPY_STALL_H */

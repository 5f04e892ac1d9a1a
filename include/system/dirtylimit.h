/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU dirty page rate limit (set-vcpu-dirty-limit and the
 * dirty-limit migration capability, spec migration-states-and-qmp.md
 * 7.8, 7.10, 7.11).
 *
 * QEMU offers it only with KVM's dirty ring. Here the interpreter's own
 * dirty tracking stands in for the ring: a dirty-bitmap client
 * (DIRTY_MEMORY_DIRTY_LIMIT) logs the pages written, a main-loop timer
 * harvests it every x-vcpu-dirty-limit-period ms, and each vCPU that
 * writes faster than its limit is made to sleep after each of its
 * execution slices ("rounds") for a share of its time that a small
 * controller adjusts every period. The board has one vCPU; every logged
 * page counts against it.
 *
 * The arithmetic (dirtylimit-calc.c) is pure so that unit tests can
 * drive it; the service (dirtylimit.c) runs in the main thread under
 * the BQL unless a function says otherwise.
 */
#ifndef SYSTEM_DIRTYLIMIT_H
#define SYSTEM_DIRTYLIMIT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- arithmetic (dirtylimit-calc.c) ---- */

/* The throttle is a sleep-to-run ratio in thousandths: after a round that
 * ran t ns, the vCPU sleeps t * ratio / 1000 ns. */
#define DIRTYLIMIT_RATIO_ONE        1000u
/* At most 100000 (in thousandths): the vCPU may be held to 1/100001 of
 * its time, in practice to what DIRTYLIMIT_MAX_SLEEP_NS after a round of
 * DIRTYLIMIT_MIN_ROUND_INSNS allows. */
#define DIRTYLIMIT_RATIO_MAX        (100u * 1000u * 1000u)
/* Rates within this share (percent) under the limit leave the throttle
 * alone: a rate at or a little under the limit is what was asked for,
 * and the rate of one period is noisy (a round's first writes to a page
 * cost more than the rest). */
#define DIRTYLIMIT_TOLERANCE_PCT    50
/* The shortest round (instructions) and the longest single sleep. */
#define DIRTYLIMIT_MIN_ROUND_INSNS  64
#define DIRTYLIMIT_MAX_SLEEP_NS     (100 * 1000 * 1000)

/* MiB/s for `bytes` dirtied over `ms` milliseconds (rounded down); 0 for
 * ms 0. */
uint64_t dirtylimit_rate_mib(uint64_t bytes, uint64_t ms);

/*
 * The controller: the next ratio for a vCPU that dirtied `rate` bytes/s
 * over the last period while running `run` and sleeping `sleep` (any one
 * time unit), with
 * a limit of `quota` bytes/s (0: no limit, returns 0). The rate it would
 * have had without sleeping is rate * (run + sleep) / run; the new ratio
 * lets it run just the share of that rate that fits the quota. Raises
 * take effect at once; reductions go a quarter of the way (the dirty
 * rate of a guest that rewrites a small set of pages does not fall in
 * proportion, and small steps down avoid swinging back and forth). A
 * period in which the vCPU did not run keeps the ratio.
 */
uint32_t dirtylimit_next_ratio(uint32_t ratio, uint64_t rate, uint64_t quota,
                               uint64_t run, uint64_t sleep);

/* The instruction budget of one round under `ratio`: full_slice scaled
 * so that run + sleep of a round stay about one full slice's time, never
 * below DIRTYLIMIT_MIN_ROUND_INSNS. */
uint64_t dirtylimit_round_budget(uint64_t full_slice, uint32_t ratio);
/* The sleep (ns) after a round that ran ran_ns, at most
 * DIRTYLIMIT_MAX_SLEEP_NS. */
int64_t dirtylimit_round_sleep_ns(int64_t ran_ns, uint32_t ratio);

/* ---- the service (dirtylimit.c) ---- */

/* True while at least one vCPU has a limit. Any thread. */
bool dirtylimit_in_service(void);
/*
 * Limit every vCPU to quota_mib MiB/s (0 removes every limit), bypassing
 * the QMP rules; used by the migration. Any thread: from another thread
 * the change is made in the main loop soon after.
 */
void dirtylimit_set_all_async(uint64_t quota_mib);
/* Remove every limit now. BQL held. */
void dirtylimit_cancel_all(void);
/* Per-round averages over the last period, in us (query-migrate's
 * dirty-limit-throttle-time-per-round and dirty-limit-ring-full-time:
 * the sleep, and the run time in which the vCPU filled its share). */
uint64_t dirtylimit_throttle_time_per_round(void);
uint64_t dirtylimit_ring_full_time(void);

#endif /* SYSTEM_DIRTYLIMIT_H */

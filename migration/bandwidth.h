/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The outgoing bandwidth estimate behind query-migrate's `mbps`,
 * `expected-downtime` and the switchover threshold (spec/migration-states-
 * and-qmp.md 7.10).
 *
 * A period's sample is the bytes put on the channel divided by the time
 * the sender was busy: sending, or waiting for the rate limiter's next
 * window. Time spent finding work (dirty-bitmap syncs, waiting for the
 * switchover gate, running out of dirty pages) is not link time: counting
 * it made the estimate collapse whenever the guest dirtied little, and the
 * expected downtime explode with it. Samples are smoothed; while a rate
 * limit applies the estimate never exceeds it. Pure arithmetic over the
 * caller's clock: the migration thread owns one, tests drive it directly.
 */
#ifndef MIGRATION_BANDWIDTH_H
#define MIGRATION_BANDWIDTH_H

#include <stdbool.h>
#include <stdint.h>

/* A period shorter than this gives no sample. */
#define MIG_BW_PERIOD_MS 100
/* Below this much busy time or these many bytes a period says nothing
 * about the link (the sender had almost nothing to send). */
#define MIG_BW_MIN_BUSY_US 200
#define MIG_BW_MIN_BYTES 4096
/* Weight of a new sample in the smoothed estimate. */
#define MIG_BW_ALPHA 0.4

typedef struct MigBandwidth {
    double estimate;            /* bytes/ms, smoothed; 0 = none yet */
    int64_t period_start_us;
    uint64_t period_bytes;      /* channel total at the period start */
    uint64_t period_pages;      /* pages sent at the period start */
    int64_t busy_us;            /* busy time inside the period so far */
    int64_t busy_since_us;      /* start of the open busy span, or -1 */
} MigBandwidth;

/* What one completed period measured. */
typedef struct MigBandwidthPeriod {
    int64_t spent_us;           /* wall time of the period */
    int64_t busy_us;
    uint64_t bytes;
    uint64_t pages;
    bool sampled;               /* the estimate took this period in */
} MigBandwidthPeriod;

void mig_bw_start(MigBandwidth *bw, int64_t now_us, uint64_t bytes,
                  uint64_t pages);
/* Bracket the time the sender is busy (sending or rate-limit waiting). */
void mig_bw_busy_begin(MigBandwidth *bw, int64_t now_us);
void mig_bw_busy_end(MigBandwidth *bw, int64_t now_us);

/*
 * Close the period if MIG_BW_PERIOD_MS have passed: returns true and fills
 * *out, then starts the next period. bytes/pages are the channel's and the
 * RAM's running totals; rate_limit is the max-bandwidth applied (bytes/s,
 * 0 = unlimited).
 */
bool mig_bw_period_end(MigBandwidth *bw, int64_t now_us, uint64_t bytes,
                       uint64_t pages, uint64_t rate_limit,
                       MigBandwidthPeriod *out);

/* The smoothed estimate in bytes/ms (0 until the first sample). */
double mig_bw_estimate(const MigBandwidth *bw);
/* The same in Mbit/s (10^6 bits), as query-migrate's `mbps`. */
double mig_bw_mbps(const MigBandwidth *bw);

/*
 * Expected downtime in ms for dirty bytes still to send: dirty / bw
 * (bytes/ms), rounded up; downtime_limit_ms while bw is 0 (no estimate
 * yet, spec 7.10 "starts at downtime-limit").
 */
int64_t mig_bw_expected_downtime_ms(double bw, uint64_t dirty,
                                    uint64_t downtime_limit_ms);

#endif /* MIGRATION_BANDWIDTH_H */

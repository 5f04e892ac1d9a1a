/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The outgoing bandwidth estimate (migration/bandwidth.h).
 */
#include "qemu/osdep.h"
#include "migration/bandwidth.h"

void mig_bw_start(MigBandwidth *bw, int64_t now_us, uint64_t bytes,
                  uint64_t pages)
{
    *bw = (MigBandwidth) {
        .period_start_us = now_us,
        .period_bytes = bytes,
        .period_pages = pages,
        .busy_since_us = -1,
    };
}

void mig_bw_busy_begin(MigBandwidth *bw, int64_t now_us)
{
    if (bw->busy_since_us < 0) {
        bw->busy_since_us = now_us;
    }
}

void mig_bw_busy_end(MigBandwidth *bw, int64_t now_us)
{
    if (bw->busy_since_us >= 0) {
        bw->busy_us += MAX(now_us - bw->busy_since_us, 0);
        bw->busy_since_us = -1;
    }
}

bool mig_bw_period_end(MigBandwidth *bw, int64_t now_us, uint64_t bytes,
                       uint64_t pages, uint64_t rate_limit,
                       MigBandwidthPeriod *out)
{
    int64_t spent = now_us - bw->period_start_us;
    bool open = bw->busy_since_us >= 0;
    double sample;

    if (spent < MIG_BW_PERIOD_MS * 1000) {
        return false;
    }
    /* An open busy span is split at the period boundary. */
    if (open) {
        mig_bw_busy_end(bw, now_us);
    }
    *out = (MigBandwidthPeriod) {
        .spent_us = spent,
        .busy_us = MIN(bw->busy_us, spent),
        .bytes = bytes >= bw->period_bytes ? bytes - bw->period_bytes : 0,
        .pages = pages >= bw->period_pages ? pages - bw->period_pages : 0,
    };
    if (out->busy_us >= MIG_BW_MIN_BUSY_US &&
        out->bytes >= MIG_BW_MIN_BYTES) {
        sample = out->bytes * 1000.0 / out->busy_us;
        /* The limiter holds the long-run rate; a period that straddles
         * window edges may see up to two windows' worth. */
        if (rate_limit && sample > rate_limit / 1000.0) {
            sample = rate_limit / 1000.0;
        }
        bw->estimate = bw->estimate > 0 ?
                       MIG_BW_ALPHA * sample +
                       (1 - MIG_BW_ALPHA) * bw->estimate : sample;
        out->sampled = true;
    }
    /* A lowered limit applies to the estimate at once. */
    if (rate_limit && bw->estimate > rate_limit / 1000.0) {
        bw->estimate = rate_limit / 1000.0;
    }
    bw->period_start_us = now_us;
    bw->period_bytes = bytes;
    bw->period_pages = pages;
    bw->busy_us = 0;
    if (open) {
        bw->busy_since_us = now_us;
    }
    return true;
}

double mig_bw_estimate(const MigBandwidth *bw)
{
    return bw->estimate;
}

double mig_bw_mbps(const MigBandwidth *bw)
{
    /* bytes/ms * 8 bits * 1000 ms/s / 10^6 */
    return bw->estimate * 8.0 / 1000.0;
}

int64_t mig_bw_expected_downtime_ms(double bw, uint64_t dirty,
                                    uint64_t downtime_limit_ms)
{
    double ms;

    if (bw <= 0) {
        return MIN(downtime_limit_ms, (uint64_t)INT64_MAX);
    }
    ms = dirty / bw;
    if (ms >= (double)INT64_MAX) {
        return INT64_MAX;
    }
    return (int64_t)ms + (ms > (double)(int64_t)ms);
}

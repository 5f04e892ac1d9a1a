/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dirty limit's arithmetic: rates, the throttle controller and the
 * size of a throttled round (include/system/dirtylimit.h). No state.
 */
#include "qemu/osdep.h"
#include "system/dirtylimit.h"

uint64_t dirtylimit_rate_mib(uint64_t bytes, uint64_t ms)
{
    if (!ms) {
        return 0;
    }
    /* In KiB first so that bytes * 1000 cannot overflow. */
    return (bytes / 1024) * 1000 / ms / 1024;
}

uint32_t dirtylimit_next_ratio(uint32_t ratio, uint64_t rate, uint64_t quota,
                               uint64_t run, uint64_t sleep)
{
    double unthrottled, wanted;

    if (!quota) {
        return 0;
    }
    if (!run) {
        return ratio;       /* halted or stopped: nothing was measured */
    }
    if (rate <= quota &&
        rate * 100 >= quota * (100 - DIRTYLIMIT_TOLERANCE_PCT)) {
        return ratio;       /* on target */
    }
    unthrottled = (double)rate * ((double)run + sleep) / run;
    /* Run share that fits: quota / unthrottled; ratio = 1 / share - 1. */
    wanted = unthrottled <= quota ? 0.0
             : (unthrottled / quota - 1.0) * DIRTYLIMIT_RATIO_ONE;
    if (wanted > DIRTYLIMIT_RATIO_MAX) {
        wanted = DIRTYLIMIT_RATIO_MAX;
    }
    if (wanted < ratio) {
        /* Relax a quarter of the way; a small remainder goes to zero. */
        wanted = ratio - (ratio - wanted) / 4;
        if (wanted < 1.0) {
            wanted = 0;
        }
    }
    return (uint32_t)wanted;
}

uint64_t dirtylimit_round_budget(uint64_t full_slice, uint32_t ratio)
{
    uint64_t budget;

    if (!ratio) {
        return full_slice;
    }
    budget = full_slice * DIRTYLIMIT_RATIO_ONE /
             (DIRTYLIMIT_RATIO_ONE + (uint64_t)ratio);
    return MAX(MIN(budget, full_slice),
               MIN((uint64_t)DIRTYLIMIT_MIN_ROUND_INSNS, full_slice));
}

int64_t dirtylimit_round_sleep_ns(int64_t ran_ns, uint32_t ratio)
{
    uint64_t sleep;

    if (!ratio) {
        return 0;
    }
    /* A round that measured 0 still ran: count 1 ns. Rounds last well
     * under a second, so the product stays far from overflowing. */
    sleep = (uint64_t)MAX(ran_ns, 1) * ratio / DIRTYLIMIT_RATIO_ONE;
    return MIN(sleep, (uint64_t)DIRTYLIMIT_MAX_SLEEP_NS);
}

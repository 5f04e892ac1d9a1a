/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auto-converge and dirty-limit: when the guest dirties memory faster
 * than a fraction (throttle-trigger-threshold) of what the migration
 * sends, slow the vCPU down. auto-converge raises a sleep percentage
 * step by step; dirty-limit puts every vCPU under the vcpu-dirty-limit
 * rate (include/system/dirtylimit.h) until the migration ends. The vCPU
 * thread does the sleeping (system/cpus.c); this file only decides,
 * after each dirty-bitmap sync.
 */
#include "qemu/osdep.h"
#include "system/cpus.h"
#include "system/dirtylimit.h"
#include "migration/migration-core.h"
#include "migration/options.h"

/* Migration thread only. */
static int dirty_rate_high_count;
/* The quota this migration put in service (0: none); read at the end
 * with the BQL, after the migration thread stopped deciding. */
static uint64_t dirty_limit_quota;

static void throttle_guest_down(uint64_t sent, uint64_t dirty)
{
    int now = cpus_throttle_percentage();
    int initial = migrate_cpu_throttle_initial();
    int increment = migrate_cpu_throttle_increment();
    int max = migrate_max_cpu_throttle();
    int next;

    if (now == 0) {
        next = initial;
    } else if (!migrate_cpu_throttle_tailslow()) {
        next = now + increment;
    } else {
        /*
         * Tailslow: step by what the measured ratio asks for, never more
         * than the increment, so the throttle does not overshoot when the
         * dirty rate is already close to the target.
         */
        double ratio = dirty ? (double)sent *
                       migrate_throttle_trigger_threshold() / 100.0 / dirty
                             : 1.0;
        int wanted = (int)((1.0 - ratio) * (100 - now));

        next = now + CLAMP(wanted, 1, increment);
    }
    cpus_set_throttle_percentage(MIN(next, max));
}

/* Put every vCPU under vcpu-dirty-limit, again when the parameter
 * changed since. */
static void dirty_limit_guest(void)
{
    uint64_t quota = migrate_vcpu_dirty_limit();

    if (dirtylimit_in_service() && quota == dirty_limit_quota) {
        return;
    }
    dirty_limit_quota = quota;
    dirtylimit_set_all_async(quota);
}

void cpu_throttle_after_sync(MigrationState *s, uint64_t bytes_sent_period,
                             uint64_t bytes_dirty_period)
{
    uint64_t threshold;

    if (!migrate_auto_converge() && !migrate_dirty_limit()) {
        return;
    }
    threshold = bytes_sent_period * migrate_throttle_trigger_threshold() / 100;
    if (bytes_dirty_period <= threshold) {
        return;
    }
    /* Two periods in a row over the threshold before acting: one bad
     * period can be a burst. */
    if (++dirty_rate_high_count >= 2) {
        dirty_rate_high_count = 0;
        if (migrate_auto_converge()) {
            throttle_guest_down(bytes_sent_period, bytes_dirty_period);
        } else {
            dirty_limit_guest();
        }
    }
}

void cpu_throttle_stop_all(void)
{
    dirty_rate_high_count = 0;
    cpus_set_throttle_percentage(0);
    /* The limit was there for this migration's convergence only. */
    if (dirty_limit_quota) {
        dirty_limit_quota = 0;
        dirtylimit_cancel_all();
    }
}

int cpu_throttle_percentage(void)
{
    return cpus_throttle_percentage();
}

bool cpu_throttle_active(void)
{
    return cpus_throttle_percentage() > 0;
}

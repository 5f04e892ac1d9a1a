/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auto-converge: when the guest dirties memory faster than a fraction
 * (throttle-trigger-threshold) of what the migration sends, slow the vCPU
 * down. The vCPU thread does the sleeping (system/cpus.c); this file only
 * decides the percentage, after each dirty-bitmap sync.
 */
#include "qemu/osdep.h"
#include "system/cpus.h"
#include "migration/migration-core.h"
#include "migration/options.h"

/* Migration thread only. */
static int dirty_rate_high_count;

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

void cpu_throttle_after_sync(MigrationState *s, uint64_t bytes_sent_period,
                             uint64_t bytes_dirty_period)
{
    uint64_t threshold;

    if (!migrate_auto_converge()) {
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
        throttle_guest_down(bytes_sent_period, bytes_dirty_period);
    }
}

void cpu_throttle_stop_all(void)
{
    dirty_rate_high_count = 0;
    cpus_set_throttle_percentage(0);
}

int cpu_throttle_percentage(void)
{
    return cpus_throttle_percentage();
}

bool cpu_throttle_active(void)
{
    return cpus_throttle_percentage() > 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The counters of the current outgoing migration (migration-stats.h).
 */
#include "qemu/osdep.h"
#include "migration/migration-stats.h"

MigrationAtomicStats mig_stats;

void migration_stats_reset(void)
{
    /*
     * Member by member with atomics: a reader (query-migrate) may look
     * at the counters while a new migration starts.
     */
    uint64_t *word = (uint64_t *)&mig_stats;

    G_STATIC_ASSERT(sizeof(mig_stats) % sizeof(uint64_t) == 0);
    for (size_t i = 0; i < sizeof(mig_stats) / sizeof(uint64_t); i++) {
        qatomic_set(&word[i], 0);
    }
}

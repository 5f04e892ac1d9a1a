/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dirty page rate measurement (calc-dirty-rate / query-dirty-rate, spec
 * migration-states-and-qmp.md 7.11).  The QMP commands are the interface;
 * this header holds the limits and the arithmetic they share with tests.
 */
#ifndef MIGRATION_DIRTYRATE_H
#define MIGRATION_DIRTYRATE_H

#include <stdint.h>

/* calc-time, in milliseconds, after conversion from its unit. */
#define DIRTYRATE_MIN_CALC_TIME_MS      50
#define DIRTYRATE_MAX_CALC_TIME_MS      60000

/* sample-pages: sampled pages per GiB of guest memory. */
#define DIRTYRATE_DEFAULT_SAMPLE_PAGES  512
#define DIRTYRATE_MIN_SAMPLE_PAGES      128
#define DIRTYRATE_MAX_SAMPLE_PAGES      16384

/* Blocks smaller than this are not sampled (too few pages to matter). */
#define DIRTYRATE_MIN_SAMPLED_BLOCK     (128 * 1024)

/* The thread that measures (one at a time). */
#define DIRTYRATE_THREAD_NAME           "mig/dirtyrate"

/*
 * The rate in MiB/s (rounded down) for `bytes` dirtied in `ms`
 * milliseconds; 0 when ms is 0.  Both modes report through this.
 */
int64_t dirtyrate_mib_per_sec(uint64_t bytes, int64_t ms);

#endif /* MIGRATION_DIRTYRATE_H */

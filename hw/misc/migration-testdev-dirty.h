/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dirtier of migration-testdev: writes guest RAM at a rate the test
 * sets at run time, so that a migration test can make the guest dirty
 * faster (or slower) than the migration bandwidth, independently of how
 * fast the CPU interpreter runs. Private to hw/misc.
 */
#ifndef HW_MISC_MIGRATION_TESTDEV_DIRTY_H
#define HW_MISC_MIGRATION_TESTDEV_DIRTY_H

#include <stdint.h>
#include <glib.h>
#include "qemu/timer.h"

typedef struct TestdevDirtier {
    uint64_t base;          /* scratch (config): "dirty-base", bytes */
    uint64_t size;          /* scratch (config): "dirty-size", bytes */
    uint32_t pages_per_ms;  /* scratch (run time): "dirty-pages-per-ms" */
    QEMUTimer *timer;       /* derived: virtual clock, runs with the VM */
    int64_t last_ns;        /* scratch: virtual time of the last tick */
    double owed;            /* scratch: fraction of a page carried over */
    uint64_t cursor;        /* scratch: next page index in the range */
    uint64_t written;       /* scratch: pages written ("dirty-count") */
} TestdevDirtier;

/* Check the range (page aligned, inside RAM) and create the timer. */
bool testdev_dirtier_realize(TestdevDirtier *d, GError **errp);
void testdev_dirtier_unrealize(TestdevDirtier *d);
/* Change the rate (0 stops); takes effect at once. BQL held. */
bool testdev_dirtier_set_rate(TestdevDirtier *d, uint64_t pages_per_ms,
                              GError **errp);

#endif /* HW_MISC_MIGRATION_TESTDEV_DIRTY_H */

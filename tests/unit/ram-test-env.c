/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test double for what the RAM code reads from the rest of migration/
 * while those parts are not linked into the test: the options it asks
 * for (set by the test), the atomic stats and the entry registry.
 */
#include "qemu/osdep.h"

#include "migration/options.h"
#include "migration/migration-stats.h"
#include "migration/register.h"
#include "ram-test-env.h"

MigrationAtomicStats mig_stats;
RamTestOptions ram_test_options = {
    .xbzrle_cache_size = 64 * 1024 * 1024,
    .zero_page_detection = ZERO_PAGE_DETECTION_MULTIFD,
};

void migration_stats_reset(void)
{
    memset(&mig_stats, 0, sizeof(mig_stats));
}

bool migrate_xbzrle(void)
{
    return ram_test_options.xbzrle;
}

uint64_t migrate_xbzrle_cache_size(void)
{
    return ram_test_options.xbzrle_cache_size;
}

ZeroPageDetection migrate_zero_page_detection(void)
{
    return ram_test_options.zero_page_detection;
}

bool migrate_ignore_shared(void)
{
    return false;
}

bool migrate_mapped_ram(void)
{
    return false;
}

bool migrate_postcopy_ram(void)
{
    return false;
}

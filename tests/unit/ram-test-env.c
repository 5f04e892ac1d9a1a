/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options the RAM tests choose, pushed into the real migration
 * options (migration/options.c) through the QMP handlers, as a user
 * would set them.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"

#include "migration/options.h"
#include "ram-test-env.h"

RamTestOptions ram_test_options = {
    .xbzrle_cache_size = 64 * 1024 * 1024,
    .zero_page_detection = ZERO_PAGE_DETECTION_MULTIFD,
};

void ram_test_options_apply(void)
{
    MigrationCapabilityStatus cap = {
        .capability = MIGRATION_CAPABILITY_XBZRLE,
        .state = ram_test_options.xbzrle,
    };
    MigrationCapabilityStatusList caps = { .value = &cap };
    MigrateSetParameters params = {
        .has_xbzrle_cache_size = true,
        .xbzrle_cache_size = ram_test_options.xbzrle_cache_size,
        .has_zero_page_detection = true,
        .zero_page_detection = ram_test_options.zero_page_detection,
    };
    GError *err = NULL;

    qmp_migrate_set_capabilities(&caps, &err);
    g_assert_no_error(err);
    qmp_migrate_set_parameters(&params, &err);
    g_assert_no_error(err);
}

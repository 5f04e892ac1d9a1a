/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The A-B guest's image (tests/qtest/migration/cr16/a-b-bootblock.S,
 * assembled into a-b-bootblock.h) written where both processes boot it
 * from with -kernel.
 */
#include "qemu/osdep.h"
#include "bootfile.h"
#include "migration-util.h"
#include "migration/cr16/a-b-bootblock.h"

G_STATIC_ASSERT(CR16_AB_STRIDE == TEST_MEM_PAGE_SIZE);

char *bootfile_create(void)
{
    char *path = mig_tmp_path("bootsect");
    GError *err = NULL;

    g_file_set_contents(path, (const char *)cr16_kernel, sizeof(cr16_kernel),
                        &err);
    g_assert_no_error(err);
    return path;
}

void bootfile_delete(void)
{
    g_autofree char *path = mig_tmp_path("bootsect");

    unlink(path);
}


uint64_t bootfile_start_address(void)
{
    return CR16_AB_START;
}

uint64_t bootfile_end_address(void)
{
    return CR16_AB_END;
}

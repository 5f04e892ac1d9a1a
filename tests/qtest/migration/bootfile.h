/*
 * The A-B guest image of the migration suite (spec/qtest.md 4.1).
 */
#ifndef TESTS_MIGRATION_BOOTFILE_H
#define TESTS_MIGRATION_BOOTFILE_H

#include <stdint.h>

/* Write <tmpfs>/bootsect; returns its path (g_free). */
char *bootfile_create(void);
void bootfile_delete(void);
/* The physical range the guest increments, [start, end). */
uint64_t bootfile_start_address(void);
uint64_t bootfile_end_address(void);

#endif /* TESTS_MIGRATION_BOOTFILE_H */

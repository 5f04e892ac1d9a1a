/*
 * Helpers of the migration suite that are not QMP: the environment (temp
 * directory, --full), the A-B guest's boot file and serial output, the
 * single-edge RAM check (spec/qtest.md 4), and the dirty-memory
 * synchronisation of live tests (3.4.4).
 */
#ifndef TESTS_MIGRATION_UTIL_H
#define TESTS_MIGRATION_UTIL_H

#include "libqtest.h"

/* How long any wait in the suite may take before the test fails. */
#define MIG_TIMEOUT_US (120 * G_USEC_PER_SEC)

/* The guest touches one byte per page of this size (qtest.md 4.1). */
#define TEST_MEM_PAGE_SIZE 4096

/* qtest.md 3.4.4 */
#define MAGIC_OFFSET_BASE (3 * 1024 * 1024)
#define MAGIC_OFFSET (MAGIC_OFFSET_BASE + 1024)
#define MAGIC_MARKER 0xFEED12345678CAFEULL

typedef struct MigrationTestEnv {
    char *tmpfs;            /* <tmp>/migration-test-XXXXXX */
    bool full_set;          /* --full */
    uint64_t start_address; /* the A-B guest's range */
    uint64_t end_address;
} MigrationTestEnv;

/* Computed once (first call). */
MigrationTestEnv *migration_get_env(void);
/* Remove the boot file and the directory; false if files were left. */
bool migration_env_clean(MigrationTestEnv *env);

/* <tmpfs>/<name> (g_free). */
char *mig_tmp_path(const char *name);

/*
 * Wait until the guest printed 'B' on <tmpfs>/<side> ("src_serial",
 * "dest_serial"); any byte other than 'A'/'B' fails (4.2). Only bytes
 * after the previous call for the same file count, so each call waits
 * for a new 'B'.
 */
void wait_for_serial(const char *side);
/* Forget what wait_for_serial() has read of one side (new process). */
void serial_reset(const char *side);

/* The single-edge rule of 4.3 on a stopped guest. */
void check_guests_ram(QTestState *who);

/* 3.4.4: write the marker on the source before migrate ... */
void migrate_prepare_for_dirty_mem(QTestState *from);
/* ... and wait until it arrived and the source dirtied sent memory. */
void migrate_wait_for_dirty_mem(QTestState *from, QTestState *to);

/* Poll every 10 ms until the guest byte at the range start changes. */
void wait_for_guest_progress(QTestState *who);

#endif /* TESTS_MIGRATION_UTIL_H */

/*
 * The migration suite's framework (spec/qtest.md 3.3): start a source and
 * a destination qemu-system-cr16 running the A-B guest, drive a migration
 * described by a MigrateCommon, and end by proving the destination's
 * memory is consistent. Each feature file registers its cases through
 * one migration_test_add_<group>() function.
 */
#ifndef TESTS_MIGRATION_FRAMEWORK_H
#define TESTS_MIGRATION_FRAMEWORK_H

#include "libqtest.h"
#include "migration-qmp.h"
#include "migration-util.h"

typedef struct MigrateStart {
    bool hide_stderr;           /* expected errors: keep the log clean */
    bool only_source;
    bool only_target;           /* new destination, keep the source */
    const char *opts_source;    /* extra arguments */
    const char *opts_target;
    /* destination machine options (NULL = the source's board and RAM) */
    const char *machine_target;
    const char *caps[8];        /* capabilities on both sides */
    bool oob;                   /* negotiate QMP out-of-band on both */
} MigrateStart;

typedef enum MigTestResult {
    MIG_TEST_SUCCEED = 0,
    MIG_TEST_FAIL,              /* fails, destination stays up */
    MIG_TEST_FAIL_DEST_QUIT_ERR,/* fails, destination exits with 1 */
    MIG_TEST_QMP_ERROR,         /* `migrate` itself must fail */
} MigTestResult;

typedef struct MigrateCommon MigrateCommon;
typedef void *(*TestMigrateStartHook)(QTestState *from, QTestState *to);
typedef void (*TestMigrateEndHook)(QTestState *from, QTestState *to,
                                   void *opaque);

struct MigrateCommon {
    MigrateStart start;
    const char *listen_uri;     /* destination -incoming; "defer" */
    const char *connect_uri;    /* NULL: the destination's address */
    const char *connect_channels;   /* JSON MigrationChannel list */
    TestMigrateStartHook start_hook;
    TestMigrateEndHook end_hook;
    MigTestResult result;
    int iterations;             /* live: passes before converging */
    bool live;                  /* source keeps running during precopy */
    /* live: bytes/s while not converging (0 = 3 MB/s, as QEMU's); a
     * higher value makes each full pass take a couple of seconds. */
    uint64_t live_bandwidth;
    /* file/exec tests: where the destination reads (NULL = connect_uri) */
    const char *incoming_uri;
};

/* STOP/RESUME seen per side since the last migrate_start(). */
extern QTestMigrationState src_state;
extern QTestMigrationState dst_state;

/* Start the processes (3.3.4); 0 on success. */
int migrate_start(QTestState **from, QTestState **to, const char *uri,
                  MigrateStart *args);
/* Quit both; with test_dest, prove the destination runs and its memory
 * is consistent first (3.3.5). */
void migrate_end(QTestState *from, QTestState *to, bool test_dest);
/* The files migrate_end() removes, for tests that quit the processes
 * themselves. */
void migrate_end_cleanup(void);

void test_precopy_common(MigrateCommon *args);
/* file:/exec: style (3.3.9): source writes the whole stream first. */
void test_file_common(MigrateCommon *args, bool stop_src);

/* A test case that owns its MigrateCommon (freed with the test). */
void migration_test_add(const char *path, void (*fn)(void));

void migration_test_add_precopy(MigrationTestEnv *env);
void migration_test_add_file(MigrationTestEnv *env);
void migration_test_add_misc(MigrationTestEnv *env);
void migration_test_add_cancel(MigrationTestEnv *env);
void migration_test_add_postcopy(MigrationTestEnv *env);
/* postcopy-wait-tests.c: the waits for the preempt channel. */
void migration_test_add_postcopy_wait(MigrationTestEnv *env);
/* cancel-tests.c: migrate_cancel refused in a postcopy status (a
 * MigrationStatus value; postcopy-tests.c drives postcopy there). */
void test_postcopy_cancel_after(int status);
void migration_test_add_quirks(MigrationTestEnv *env);
void migration_test_add_convergence(MigrationTestEnv *env);
void migration_test_add_compression(MigrationTestEnv *env);
/* postcopy-common.c: can this host's harness use userfaultfd? */
bool migration_host_has_uffd(void);
void migration_test_add_tls(MigrationTestEnv *env);
/* postcopy-tests.c, for other groups: a postcopy run (with one more
 * capability on both sides, e.g. "multifd", or NULL; optionally with
 * preempt; optionally through three pause and recovery cycles) whose
 * start hook runs before migrate-incoming. */
void test_postcopy_hooked(TestMigrateStartHook start_hook,
                          TestMigrateEndHook end_hook, const char *extra_cap,
                          bool preempt, bool recovery);
/* postcopy-common.c: the destination went to postcopy-recover n times
 * (a recovery test's end hook). */
void postcopy_assert_recoveries(QTestState *to, unsigned n);
void migration_test_add_digest(MigrationTestEnv *env);
void migration_test_add_fault(MigrationTestEnv *env);

#endif /* TESTS_MIGRATION_FRAMEWORK_H */

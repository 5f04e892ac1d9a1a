/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * migrate_cancel after every MigrationStatus (spec/qtest.md 3.5.1,
 * migration-states-and-qmp.md 2.3): one case per enum value; the values
 * a source cannot be caught in are skipped with the reason.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-types.h"
#include "framework.h"

static char *unix_uri(void)
{
    g_autofree char *p = mig_tmp_path("migsocket");

    return g_strdup_printf("unix:%s", p);
}

static const char *const not_completed[] = { "completed", NULL };

static void incoming_no_exit(QTestState *to, const char *uri)
{
    migrate_incoming_qmp(to, uri, NULL, "'exit-on-error': false");
}

/* The source ends cancelled with its guest running; the destination,
 * which was receiving, ends failed and stays up. */
static void expect_cancelled(QTestState *from, QTestState *to)
{
    g_autofree char *rs = NULL;

    wait_for_migration_status(from, "cancelled",
                              (const char **)not_completed);
    wait_for_migration_status(to, "failed", (const char **)not_completed);
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
}

static void cancel_after_none(QTestState *from, QTestState *to,
                              const char *uri)
{
    /* Nothing runs on either side: both are successful no-ops. */
    migrate_cancel(to);
    wait_for_serial("src_serial");
    migrate_cancel(from);
    incoming_no_exit(to, uri);
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
}

/* setup, active, pre-switchover: pause-before-switchover guarantees the
 * migration cannot finish before the cancel lands. */
static void cancel_after_state(QTestState *from, QTestState *to,
                               const char *uri, const char *state)
{
    migrate_set_capability(from, "pause-before-switchover", true);
    migrate_set_capability(to, "pause-before-switchover", true);
    incoming_no_exit(to, uri);
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    migration_event_wait(from, state);
    migrate_cancel(from);
    migration_event_wait(from, "cancelling");
    expect_cancelled(from, to);
}

/* cancelling, cancelled: a second cancel is accepted and harmless. */
static void cancel_twice(QTestState *from, QTestState *to, const char *uri,
                         const char *state)
{
    incoming_no_exit(to, uri);
    wait_for_serial("src_serial");
    migrate_ensure_non_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    migrate_cancel(from);
    migration_event_wait(from, state);
    migrate_cancel(from);
    expect_cancelled(from, to);
}

static void cancel_after_completed(QTestState *from, QTestState *to,
                                   const char *uri)
{
    g_autofree char *st_from = NULL, *st_to = NULL;

    incoming_no_exit(to, uri);
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    migration_event_wait(from, "completed");
    migrate_cancel(from);
    st_from = migrate_query_status(from);
    g_assert_cmpstr(st_from, ==, "completed");
    wait_for_migration_complete(to);
    st_to = migrate_query_status(to);
    g_assert_cmpstr(st_to, ==, "completed");
}

static void cancel_after_failed(QTestState *from, QTestState *to,
                                const char *uri)
{
    g_autofree char *st = NULL;

    /* Nobody listens: migrate succeeds, the connect fails later. */
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    migration_event_wait(from, "failed");
    migrate_cancel(from);
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, "failed");
}

static const struct {
    MigrationStatus status;
    const char *skip;
} cancel_cases[] = {
    { MIGRATION_STATUS_NONE, NULL },
    { MIGRATION_STATUS_SETUP, NULL },
    { MIGRATION_STATUS_CANCELLING, NULL },
    { MIGRATION_STATUS_CANCELLED, NULL },
    { MIGRATION_STATUS_ACTIVE, NULL },
    { MIGRATION_STATUS_POSTCOPY_DEVICE, "postcopy: the source cannot "
      "resume once postcopy started, so migrate_cancel is refused" },
    { MIGRATION_STATUS_POSTCOPY_ACTIVE, "postcopy: the destination owns the "
      "newest state, migrate_cancel is refused" },
    { MIGRATION_STATUS_POSTCOPY_PAUSED, "postcopy: migrate_cancel is "
      "refused while postcopy is paused" },
    { MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP, "postcopy: migrate_cancel is "
      "refused during recovery" },
    { MIGRATION_STATUS_POSTCOPY_RECOVER, "postcopy: migrate_cancel is "
      "refused during recovery" },
    { MIGRATION_STATUS_COMPLETED, NULL },
    { MIGRATION_STATUS_FAILED, NULL },
    { MIGRATION_STATUS_COLO, "needs COLO fault tolerance, not supported" },
    { MIGRATION_STATUS_PRE_SWITCHOVER, NULL },
    { MIGRATION_STATUS_DEVICE, "the switchover phase is too short to be "
      "caught reliably" },
    { MIGRATION_STATUS_WAIT_UNPLUG, "needs a failover NIC, which the CR16 "
      "board does not have" },
};

/* A new state must not be forgotten here. */
G_STATIC_ASSERT(MIGRATION_STATUS__MAX == 16);
G_STATIC_ASSERT(G_N_ELEMENTS(cancel_cases) == MIGRATION_STATUS__MAX);

static void test_cancel_src_after_status(const void *opaque)
{
    int i = GPOINTER_TO_INT(opaque);
    const char *state = MigrationStatus_str(cancel_cases[i].status);
    g_autofree char *uri = unix_uri();
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;

    if (cancel_cases[i].skip) {
        g_test_skip(cancel_cases[i].skip);
        return;
    }
    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    switch (cancel_cases[i].status) {
    case MIGRATION_STATUS_NONE:
        cancel_after_none(from, to, uri);
        break;
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
        cancel_after_state(from, to, uri, state);
        break;
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_CANCELLED:
        cancel_twice(from, to, uri, state);
        break;
    case MIGRATION_STATUS_COMPLETED:
        cancel_after_completed(from, to, uri);
        break;
    case MIGRATION_STATUS_FAILED:
        cancel_after_failed(from, to, uri);
        break;
    default:
        g_assert_not_reached();
    }
    migrate_end(from, to, false);
}

void migration_test_add_cancel(MigrationTestEnv *env)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cancel_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/migration/cancel/src/after/%s",
            MigrationStatus_str(cancel_cases[i].status));

        qtest_add_data_func(path, GINT_TO_POINTER(i),
                            test_cancel_src_after_status);
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-ram-digest (docs/interop/ram-digest.rst): a live precopy of a
 * dirtying guest passes the destination's check; a page changed on the
 * destination between load and run fails the migration there with the
 * block and page named, and the source resumes; one side without the
 * capability is refused.
 */
#include "qemu/osdep.h"
#include "framework.h"

/* The destination's test-only knob (honoured under qtest only). */
#define CORRUPT_ENV "QEMU_TEST_RAM_DIGEST_CORRUPT"

static char *error_desc(QTestState *who)
{
    JsonObject *rsp = migrate_query(who);
    char *desc = g_strdup(json_object_has_member(rsp, "error-desc") ?
                          json_object_get_string_member(rsp, "error-desc") :
                          "");

    json_object_unref(rsp);
    return desc;
}

/* Poll query-status until `want` (deadline: the suite's 120 s). */
static void wait_run_state(QTestState *who, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

    for (;;) {
        g_autofree char *rs = query_run_state(who);

        if (!strcmp(rs, want)) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(2000);
    }
}

static void test_digest_live(void)
{
    MigrateCommon args = {
        .start.caps = { "x-ram-digest", "return-path" },
        .listen_uri = "tcp:127.0.0.1:0",
        .live = true, .iterations = 2,
    };

    test_precopy_common(&args);
}

/*
 * Start both sides with the destination deferred (exit-on-error off, so
 * that its error can be read), migrate, and wait for the source to fail.
 */
static void run_failing(bool dst_cap, const char *corrupt_addr,
                        const char *want_in_error)
{
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;
    g_autofree char *desc = NULL;
    g_autofree char *dst_rs = NULL;
    const char *fail_only[] = { "completed", NULL };

    if (corrupt_addr) {
        g_setenv(CORRUPT_ENV, corrupt_addr, true);
    }
    if (migrate_start(&from, &to, "defer", &start)) {
        g_unsetenv(CORRUPT_ENV);
        return;
    }
    g_unsetenv(CORRUPT_ENV);
    migrate_set_capability(from, "x-ram-digest", true);
    migrate_set_capability(from, "return-path", true);
    if (dst_cap) {
        migrate_set_capability(to, "x-ram-digest", true);
    }
    migrate_set_capability(to, "return-path", true);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL,
                         "'exit-on-error': false");
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, NULL, NULL, "");

    wait_for_migration_status(to, "failed", fail_only);
    wait_for_migration_status(from, "failed", fail_only);
    /* The destination never ran the guest; the source runs it again. */
    dst_rs = query_run_state(to);
    g_assert_cmpstr(dst_rs, ==, "inmigrate");
    wait_run_state(from, "running");
    wait_for_guest_progress(from);

    desc = error_desc(to);
    if (!strstr(desc, want_in_error)) {
        g_error("destination error '%s' does not say '%s'", desc,
                want_in_error);
    }
    g_test_message("destination: %s", desc);
    migrate_end(from, to, false);
}

static void test_digest_corrupt(void)
{
    g_autofree char *addr = g_strdup_printf(
        "0x%" PRIx64, migration_get_env()->start_address + 5 * 4096 + 17);

    run_failing(true, addr, "RAM digest mismatch in block");
}

static void test_digest_one_side(void)
{
    run_failing(false, NULL, "x-ram-digest");
}

/* The digest itself is refused where it cannot be checked in time. */
static void test_digest_refused_with_postcopy(void)
{
    QTestState *qs = qtest_init("-M virt -S");
    JsonObject *rsp = qtest_qmp(qs,
        "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'postcopy-ram', 'state': true},"
        " {'capability': 'x-ram-digest', 'state': true}]}}");

    g_assert_true(json_object_has_member(rsp, "error"));
    g_assert_nonnull(strstr(json_object_get_string_member(
        json_object_get_object_member(rsp, "error"), "desc"),
        "x-ram-digest"));
    json_object_unref(rsp);
    qtest_quit(qs);
}

void migration_test_add_digest(MigrationTestEnv *env)
{
    migration_test_add("/migration/digest/precopy/live", test_digest_live);
    migration_test_add("/migration/digest/precopy/corrupt-page",
                       test_digest_corrupt);
    migration_test_add("/migration/digest/precopy/one-side",
                       test_digest_one_side);
    migration_test_add("/migration/digest/refused-with-postcopy",
                       test_digest_refused_with_postcopy);
}

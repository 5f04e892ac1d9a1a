/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failure and validation cases (spec/qtest.md 3.2.7): a destination that
 * is not there, UUID validation, argument validation, the stream read by
 * scripts/analyze-migration.py, and destinations whose machine does not
 * match the source's.
 */
#include "qemu/osdep.h"
#include <sys/wait.h>
#include "framework.h"

#define UUID_1 "11111111-1111-1111-1111-111111111111"
#define UUID_2 "22222222-2222-2222-2222-222222222222"

static char *unix_uri(void)
{
    g_autofree char *p = mig_tmp_path("migsocket");

    return g_strdup_printf("unix:%s", p);
}

static void test_baddest(void)
{
    MigrateCommon args = {
        .start = { .hide_stderr = true },
        .listen_uri = "tcp:127.0.0.1:0",
        /* port 0 cannot be connected to */
        .connect_uri = "tcp:127.0.0.1:0",
        .result = MIG_TEST_FAIL,
    };

    test_precopy_common(&args);
}

/* ---- validate-uuid ---- */

static void do_test_validate_uuid(MigrateStart *start, bool should_fail)
{
    g_autofree char *uri = unix_uri();
    QTestState *from, *to;

    if (migrate_start(&from, &to, uri, start)) {
        return;
    }
    /* Only the source needs the capability: it decides what is sent. */
    migrate_set_capability(from, "validate-uuid", true);
    migrate_set_parameter_int(from, "downtime-limit", 1000000);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");

    if (should_fail) {
        qtest_set_expected_status(to, 1);
        wait_for_migration_fail(from, true);
    } else {
        wait_for_migration_complete(from);
        wait_for_migration_complete(to);
    }
    migrate_end(from, to, false);
}

static void test_validate_uuid(void)
{
    MigrateStart start = {
        .opts_source = "-uuid " UUID_1, .opts_target = "-uuid " UUID_1,
    };

    do_test_validate_uuid(&start, false);
}

static void test_validate_uuid_error(void)
{
    MigrateStart start = {
        .opts_source = "-uuid " UUID_1, .opts_target = "-uuid " UUID_2,
        .hide_stderr = true,
    };

    do_test_validate_uuid(&start, true);
}

/* A destination without a UUID accepts any. */
static void test_validate_uuid_dst_not_set(void)
{
    MigrateStart start = {
        .opts_source = "-uuid " UUID_1, .hide_stderr = true,
    };

    do_test_validate_uuid(&start, false);
}

/* A source without a UUID sends none, so there is nothing to check. */
static void test_validate_uuid_src_not_set(void)
{
    MigrateStart start = {
        .opts_target = "-uuid " UUID_1, .hide_stderr = true,
    };

    do_test_validate_uuid(&start, false);
}

/* ---- migrate's uri/channels argument rule ---- */

static void do_test_validate_uri_channels(const char *uri,
                                          const char *channels)
{
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;
    g_autofree char *desc = NULL;
    g_autofree char *st = NULL;
    g_autoptr(JsonObject) info = NULL;

    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    desc = migrate_qmp_fail(from, uri, channels, "");
    g_assert_cmpstr(desc, ==, "need either 'uri' or 'channels' argument");
    /* Refused before anything started. */
    info = migrate_query(from);
    g_assert_false(json_object_has_member(info, "status"));
    st = query_run_state(from);
    g_assert_cmpstr(st, ==, "running");
    migrate_end(from, to, false);
}

static void test_validate_uri_channels_both_set(void)
{
    do_test_validate_uri_channels("tcp:127.0.0.1:0",
        "[{'channel-type': 'main', 'addr': {'transport': 'socket', "
        "'type': 'inet', 'host': '127.0.0.1', 'port': '0'}}]");
}

static void test_validate_uri_channels_none_set(void)
{
    do_test_validate_uri_channels(NULL, NULL);
}

/* ---- the stream format, checked by the analyser ---- */

static void test_analyze_script(void)
{
    const char *python = g_getenv("PYTHON");
    const char *script = g_getenv("MIGRATION_ANALYZE_SCRIPT");
    MigrateStart start = { .opts_source = "-uuid " UUID_1 };
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL, *err_text = NULL;
    QTestState *from, *to;
    GError *err = NULL;
    int status;

    if (!python || !script || !g_file_test(script, G_FILE_TEST_EXISTS)) {
        g_test_skip("PYTHON or MIGRATION_ANALYZE_SCRIPT not set");
        return;
    }
    /* The destination is started (the framework wants one) but unused. */
    if (migrate_start(&from, &to, "tcp:127.0.0.1:0", &start)) {
        return;
    }
    migrate_set_capability(from, "validate-uuid", true);
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_complete(from);

    cmd = g_strdup_printf("%s %s -f %s", python, script, file);
    g_spawn_command_line_sync(cmd, &out, &err_text, &status, &err);
    g_assert_no_error(err);
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_test_message("analyze-migration.py failed: %s", err_text);
    }
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    /* It found the devices of the stream. */
    g_assert_nonnull(strstr(out, "ram"));
    migrate_end(from, to, false);
}

/* ---- destinations that cannot take this stream ---- */

static void do_test_mismatch(const char *machine_target)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = {
        .hide_stderr = true, .machine_target = machine_target,
    };
    QTestState *from, *to;
    g_autofree char *rs = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    /* The destination refuses the stream and exits; the source learns
     * it from the broken connection and keeps its guest running. */
    qtest_set_expected_status(to, 1);
    wait_for_migration_fail(from, true);
    qtest_wait_qemu(to);
    wait_for_guest_progress(from);
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    migrate_end(from, to, false);
}

static void test_machine_mismatch(void)
{
    do_test_mismatch("-accel tcg -machine none");
}

static void test_ram_size_mismatch(void)
{
    do_test_mismatch("-accel tcg -machine virt -m 256M");
}

void migration_test_add_misc(MigrationTestEnv *env)
{
    migration_test_add("/migration/bad_dest", test_baddest);
    migration_test_add("/migration/validate_uuid", test_validate_uuid);
    migration_test_add("/migration/validate_uuid_error",
                       test_validate_uuid_error);
    migration_test_add("/migration/validate_uuid_src_not_set",
                       test_validate_uuid_src_not_set);
    migration_test_add("/migration/validate_uuid_dst_not_set",
                       test_validate_uuid_dst_not_set);
    migration_test_add("/migration/validate_uri/channels/both_set",
                       test_validate_uri_channels_both_set);
    migration_test_add("/migration/validate_uri/channels/none_set",
                       test_validate_uri_channels_none_set);
    migration_test_add("/migration/analyze-script", test_analyze_script);
    migration_test_add("/migration/machine-mismatch", test_machine_mismatch);
    migration_test_add("/migration/ram-size-mismatch",
                       test_ram_size_mismatch);
}

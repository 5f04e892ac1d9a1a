/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where we deliberately differ from QEMU 10.2 (spec/migration-states-and-
 * qmp.md 10, docs/devel/migration/quirks.rst), and the migration blocker
 * registry behind `blocked-reasons` (7.10) and `migrate`'s refusal (7.1
 * step 6):
 *   Q4  `migrate` with a channel list without a `main` entry is an error,
 *       not a crash;
 *   Q5  a `migrate-incoming` whose transport fails to start leaves the
 *       status `failed` (with error-desc), and a retry works;
 *   blockers: text order in query-migrate, the most recent one refuses
 *       `migrate`, removal unblocks, adding one while migrating is
 *       refused.
 */
#include "qemu/osdep.h"
#include "framework.h"

#define BLOCKER_1 "blocked-by-b1"
#define BLOCKER_2 "blocked-by-b2"
#define UNMIGRATABLE "migration-testdev-unmigratable"

static char *unix_uri(const char *name)
{
    g_autofree char *p = mig_tmp_path(name);

    return g_strdup_printf("unix:%s", p);
}

/* query-migrate's `blocked-reasons` as one "|"-joined string ("" when
 * the member is absent). */
static char *blocked_reasons(QTestState *who)
{
    g_autoptr(JsonObject) info = migrate_query(who);
    GString *s = g_string_new("");
    JsonArray *a;

    if (!json_object_has_member(info, "blocked-reasons")) {
        return g_string_free(s, FALSE);
    }
    a = json_object_get_array_member(info, "blocked-reasons");
    /* Present only when non-empty. */
    g_assert_cmpuint(json_array_get_length(a), >, 0);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        g_string_append_printf(s, "%s%s", i ? "|" : "",
                               json_array_get_string_element(a, i));
    }
    return g_string_free(s, FALSE);
}

static void device_del(QTestState *who, const char *id)
{
    qtest_qmp_assert_success(who,
        "{'execute': 'device_del', 'arguments': {'id': '%s'}}", id);
    qtest_qmp_eventwait(who, "DEVICE_DELETED");
}

/* ---- Q4 ---- */

static void test_q4_channels_without_main(void)
{
    MigrateStart start = { .hide_stderr = true, .only_source = true };
    g_autofree char *uri = unix_uri("migsocket");
    g_autofree char *desc = NULL;
    g_autofree char *st = NULL;
    g_autoptr(JsonObject) info = NULL;
    QTestState *from, *to = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    desc = migrate_qmp_fail(from, NULL,
        "[{'channel-type': 'cpr', 'addr': {'transport': 'socket', "
        "'type': 'unix', 'path': '/nonexistent/q4'}}]", "");
    g_assert_cmpstr(desc, ==, "Channel list has no main entry");
    /* Refused before anything started, and the process is alive. */
    info = migrate_query(from);
    g_assert_false(json_object_has_member(info, "status"));
    st = query_run_state(from);
    g_assert_cmpstr(st, ==, "running");
    migrate_end(from, NULL, false);
}

/* ---- Q5 ---- */

static void test_q5_incoming_retry(void)
{
    MigrateStart start = { .hide_stderr = true };
    g_autofree char *uri = unix_uri("migsocket");
    g_autofree char *bad = NULL;
    g_autoptr(JsonObject) err = NULL;
    g_autoptr(JsonObject) info = NULL;
    g_autofree char *st = NULL;
    const char *desc;
    QTestState *from, *to;

    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    bad = g_strdup_printf("unix:%s/no-such-dir/sock",
                          migration_get_env()->tmpfs);
    migrate_set_capability(to, "events", true);
    err = qtest_qmp_assert_failure_ref(to,
        "{'execute': 'migrate-incoming', 'arguments': {'uri': '%s'}}", bad);
    desc = json_object_get_string_member(err, "desc");
    g_assert_nonnull(strstr(desc, "Failed to bind socket"));

    /* Not stuck in `setup`: failed, with the reason. */
    migration_event_wait(to, "setup");
    migration_event_wait(to, "failed");
    info = migrate_query(to);
    g_assert_cmpstr(json_object_get_string_member(info, "status"), ==,
                    "failed");
    g_assert_cmpstr(json_object_get_string_member(info, "error-desc"), ==,
                    desc);
    g_assert_false(json_object_has_member(info, "socket-address"));

    /* The retry listens, and the migration then works end to end. */
    migrate_incoming_qmp(to, uri, NULL, "");
    st = migrate_query_status(to);
    g_assert_cmpstr(st, ==, "setup");
    g_clear_pointer(&info, json_object_unref);
    info = migrate_query(to);
    g_assert_false(json_object_has_member(info, "error-desc"));

    /* A second retry is refused as QEMU refuses it. */
    g_clear_pointer(&err, json_object_unref);
    err = qtest_qmp_assert_failure_ref(to,
        "{'execute': 'migrate-incoming', 'arguments': {'uri': '%s'}}", uri);
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "The incoming migration has already been started");

    /* A paused source converges at once. */
    wait_for_serial("src_serial");
    qtest_qmp_assert_success(from, "{'execute': 'stop'}");
    wait_for_stop(from, &src_state);
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    qtest_qmp_assert_success(to, "{'execute': 'cont'}");
    wait_for_resume(to, &dst_state);
    wait_for_serial("dest_serial");
    migrate_end(from, to, true);
}

/* ---- blockers ---- */

static void test_blockers(void)
{
    MigrateStart start = {
        .hide_stderr = true,
        .opts_source =
            "-device migration-testdev,id=b1,migration-blocker=" BLOCKER_1
            " -device migration-testdev,id=b2,migration-blocker=" BLOCKER_2
            " -device migration-testdev,id=nm,unmigratable=on",
    };
    g_autofree char *uri = unix_uri("migsocket");
    g_autofree char *r = NULL;
    g_autofree char *desc = NULL;
    g_autoptr(JsonObject) err = NULL;
    QTestState *from, *to;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    /* Status `none`: oldest blocker first, then the devices. */
    r = blocked_reasons(from);
    g_assert_cmpstr(r, ==, BLOCKER_1 "|" BLOCKER_2
                    "|non-migratable device: " UNMIGRATABLE);
    g_free(r);
    /* The destination has none. */
    r = blocked_reasons(to);
    g_assert_cmpstr(r, ==, "");
    g_free(r);

    /* A non-migratable device is reported first ... */
    desc = migrate_qmp_fail(from, uri, NULL, "");
    g_assert_cmpstr(desc, ==, "State blocked by non-migratable device '"
                    UNMIGRATABLE "'");
    g_free(desc);
    device_del(from, "nm");
    /* ... then the most recent blocker. */
    desc = migrate_qmp_fail(from, uri, NULL, "");
    g_assert_cmpstr(desc, ==, BLOCKER_2);
    g_free(desc);
    device_del(from, "b2");
    r = blocked_reasons(from);
    g_assert_cmpstr(r, ==, BLOCKER_1);
    g_free(r);
    desc = migrate_qmp_fail(from, uri, NULL, "");
    g_assert_cmpstr(desc, ==, BLOCKER_1);
    device_del(from, "b1");
    r = blocked_reasons(from);
    g_assert_cmpstr(r, ==, "");
    g_free(r);

    /* Unblocked: a migration runs; no blocker may appear meanwhile. */
    migrate_ensure_non_converge(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_status(from, "active", NULL);
    err = qtest_qmp_assert_failure_ref(from,
        "{'execute': 'device_add', 'arguments': {'driver': "
        "'migration-testdev', 'id': 'late', 'migration-blocker': 'late'}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "disallowing migration blocker (migration/snapshot in "
                    "progress) for: late");
    migrate_ensure_converge(from);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    wait_for_serial("dest_serial");

    /* Reported in every status, here `completed`. */
    qtest_qmp_assert_success(from,
        "{'execute': 'device_add', 'arguments': {'driver': "
        "'migration-testdev', 'id': 'after', 'migration-blocker': 'after'}}");
    r = migrate_query_status(from);
    g_assert_cmpstr(r, ==, "completed");
    g_free(r);
    r = blocked_reasons(from);
    g_assert_cmpstr(r, ==, "after");
    migrate_end(from, to, true);
}

void migration_test_add_quirks(MigrationTestEnv *env)
{
    migration_test_add("/migration/quirks/q4-channels-without-main",
                       test_q4_channels_without_main);
    migration_test_add("/migration/quirks/q5-incoming-retry",
                       test_q5_incoming_retry);
    migration_test_add("/migration/blockers", test_blockers);
}

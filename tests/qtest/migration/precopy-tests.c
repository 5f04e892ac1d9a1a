/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Precopy over every stream transport (unix, tcp, fd, exec, the channels
 * form), several passes, xbzrle, auto-converge, switchover-ack,
 * pause-before-switchover, repeated migrations back and forth, and a
 * destination that dies mid-way (spec/qtest.md 3.2.5).
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "framework.h"

static char *unix_uri(void)
{
    g_autofree char *p = mig_tmp_path("migsocket");

    return g_strdup_printf("unix:%s", p);
}

/* ---- transports ---- */

static void test_precopy_unix_plain(void)
{
    g_autofree char *uri = unix_uri();
    MigrateCommon args = {
        .listen_uri = uri, .connect_uri = uri, .live = true,
    };

    test_precopy_common(&args);
}

static void test_precopy_tcp_plain(void)
{
    MigrateCommon args = { .listen_uri = "tcp:127.0.0.1:0" };

    test_precopy_common(&args);
}

static void test_precopy_unix_channels(void)
{
    g_autofree char *uri = unix_uri();
    g_autofree char *channels = g_strdup_printf(
        "[{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\","
        " \"type\": \"unix\", \"path\": \"%s\"}}]", uri + strlen("unix:"));
    MigrateCommon args = {
        .listen_uri = uri, .connect_channels = channels,
    };

    test_precopy_common(&args);
}

static void test_precopy_tcp_channels(void)
{
    MigrateCommon args = {
        .listen_uri = "tcp:127.0.0.1:0",
        .connect_channels = "[{\"channel-type\": \"main\", \"addr\": "
                            "{\"transport\": \"socket\", \"type\": \"inet\", "
                            "\"host\": \"127.0.0.1\", \"port\": \"0\"}}]",
        .live = true,
    };

    test_precopy_common(&args);
}

/* fd: one end of a socket pair to each side, by getfd name (3.5.3). */
static void *fd_socket_start_hook(QTestState *from, QTestState *to)
{
    int pair[2];
    JsonObject *rsp;

    g_assert_cmpint(socketpair(PF_LOCAL, SOCK_STREAM, 0, pair), ==, 0);
    rsp = qtest_qmp_fds(to, &pair[0], 1,
                        "{'execute': 'getfd', 'arguments': "
                        "{'fdname': 'fd-mig'}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    migrate_incoming_qmp(to, "fd:fd-mig", NULL, "");
    rsp = qtest_qmp_fds(from, &pair[1], 1,
                        "{'execute': 'getfd', 'arguments': "
                        "{'fdname': 'fd-mig'}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    close(pair[0]);
    close(pair[1]);
    return NULL;
}

/* The migration took the named descriptor over. */
static void fd_end_hook(QTestState *from, QTestState *to, void *opaque)
{
    QTestState *sides[] = { from, to };

    for (int i = 0; i < 2; i++) {
        JsonObject *err = qtest_qmp_assert_failure_ref(sides[i],
            "{'execute': 'closefd', 'arguments': {'fdname': 'fd-mig'}}");

        g_assert_cmpstr(qtest_json_get_str(err, "desc"), ==,
                        "File descriptor named 'fd-mig' not found");
        json_object_unref(err);
    }
}

static void test_precopy_fd_socket(void)
{
    MigrateCommon args = {
        .listen_uri = "defer", .connect_uri = "fd:fd-mig",
        .start_hook = fd_socket_start_hook, .end_hook = fd_end_hook,
    };

    test_precopy_common(&args);
}

static void *fd_file_start_hook(QTestState *from, QTestState *to)
{
    g_autofree char *path = mig_tmp_path("migfile");
    JsonObject *rsp;

    /* Separate opens: each side has its own file offset. */
    for (int i = 0; i < 2; i++) {
        QTestState *who = i ? to : from;
        int fd = open(path, O_CREAT | O_RDWR, 0660);

        g_assert_cmpint(fd, >=, 0);
        rsp = qtest_qmp_fds(who, &fd, 1,
                            "{'execute': 'getfd', 'arguments': "
                            "{'fdname': 'fd-mig'}}");
        g_assert_true(json_object_has_member(rsp, "return"));
        json_object_unref(rsp);
        close(fd);
    }
    return NULL;
}

static void test_precopy_fd_file(void)
{
    MigrateCommon args = {
        .connect_uri = "fd:fd-mig",
        .start_hook = fd_file_start_hook, .end_hook = fd_end_hook,
    };

    test_file_common(&args, true);
}

static void test_precopy_exec(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *out = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *in = g_strdup_printf("exec:cat %s", file);
    MigrateCommon args = { .connect_uri = out, .incoming_uri = in };

    test_file_common(&args, true);
}

/* ---- several passes, xbzrle ---- */

static void multipass_end_hook(QTestState *from, QTestState *to,
                               void *opaque)
{
    /* The guest dirtied memory during every pass: the source must have
     * synced the bitmap at least once per pass plus the final sync. */
    g_assert_cmpint(get_migration_pass(from), >=, GPOINTER_TO_INT(opaque));
}

static void *multipass_start_hook(QTestState *from, QTestState *to)
{
    return GINT_TO_POINTER(4);
}

static void test_precopy_unix_multipass(void)
{
    g_autofree char *uri = unix_uri();
    MigrateCommon args = {
        .listen_uri = uri, .connect_uri = uri, .live = true,
        .iterations = 3, .live_bandwidth = 60 * 1000 * 1000,
        .start_hook = multipass_start_hook, .end_hook = multipass_end_hook,
    };

    test_precopy_common(&args);
}

static void *xbzrle_start_hook(QTestState *from, QTestState *to)
{
    migrate_set_parameter_int(from, "xbzrle-cache-size", 33554432);
    migrate_set_capability(from, "xbzrle", true);
    migrate_set_capability(to, "xbzrle", true);
    return NULL;
}

static void xbzrle_end_hook(QTestState *from, QTestState *to, void *opaque)
{
    g_autoptr(JsonObject) info = migrate_query(from);
    JsonObject *x;

    g_assert_true(json_object_has_member(info, "xbzrle-cache"));
    x = json_object_get_object_member(info, "xbzrle-cache");
    g_assert_cmpint(json_object_get_int_member(x, "cache-size"), ==,
                    33554432);
    /* Pages re-dirtied after the first pass went out as deltas. */
    g_assert_cmpint(json_object_get_int_member(x, "pages"), >, 0);
    g_assert_cmpint(json_object_get_int_member(x, "bytes"), >, 0);
}

static void test_precopy_unix_xbzrle(void)
{
    g_autofree char *uri = unix_uri();
    MigrateCommon args = {
        .listen_uri = uri, .connect_uri = uri, .live = true,
        .iterations = 2, .live_bandwidth = 60 * 1000 * 1000,
        .start_hook = xbzrle_start_hook, .end_hook = xbzrle_end_hook,
    };

    test_precopy_common(&args);
}

/* ---- switchover-ack ---- */

static void test_precopy_tcp_switchover_ack(void)
{
    MigrateCommon args = {
        .listen_uri = "tcp:127.0.0.1:0", .live = true,
        .start = { .caps = { "return-path", "switchover-ack" } },
    };

    test_precopy_common(&args);
}

/*
 * A device on the destination holds the switchover-ack: the source must
 * keep iterating with its guest running, however small the remainder,
 * until the device approves; then it completes.
 */
static void test_precopy_tcp_switchover_ack_held(void)
{
    MigrateStart start = {
        .caps = { "return-path", "switchover-ack" },
        .opts_source = "-device migration-testdev,id=td,switchover-ack=on",
        .opts_target = "-device migration-testdev,id=td,switchover-ack=on,"
                       "hold-switchover-ack=on",
    };
    QTestState *from, *to;
    gint64 deadline;
    uint64_t pass;

    if (migrate_start(&from, &to, "tcp:127.0.0.1:0", &start)) {
        return;
    }
    wait_for_serial("src_serial");
    /* Without the gate this would complete within a pass or two. */
    migrate_ensure_converge(from);
    migrate_qmp(from, to, NULL, NULL, "");
    migration_event_wait(from, "active");

    deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    while ((pass = get_migration_pass(from)) < 6) {
        g_autofree char *st = migrate_query_status(from);

        g_assert_cmpstr(st, ==, "active");
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    {
        g_autofree char *st = migrate_query_status(from);
        g_autofree char *rs = query_run_state(from);

        g_assert_cmpstr(st, ==, "active");
        g_assert_cmpstr(rs, ==, "running");
        g_assert_false(src_state.stop_seen);
    }

    /* The device approves: the ACK goes out and the source completes. */
    qtest_qom_set_bool(to, "/machine/peripheral/td", "hold-switchover-ack",
                       false);
    wait_for_migration_complete(from);
    wait_for_resume(to, &dst_state);
    wait_for_serial("dest_serial");
    g_assert_true(qtest_qom_get_bool(to, "/machine/peripheral/td",
                                     "pattern-ok"));
    migrate_end(from, to, true);
}

/* ---- pause-before-switchover ---- */

static void test_precopy_pause_before_switchover(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = { .caps = { "pause-before-switchover" } };
    QTestState *from, *to;
    g_autofree char *rs = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    migration_event_wait(from, "pre-switchover");
    /* Parked with the guest already stopped (2.5) ... */
    wait_for_stop(from, &src_state);
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "finish-migrate");
    /* ... a continue for another state is refused ... */
    {
        JsonObject *err = qtest_qmp_assert_failure_ref(from,
            "{'execute': 'migrate-continue', 'arguments': "
            "{'state': 'active'}}");

        g_assert_cmpstr(qtest_json_get_str(err, "desc"), ==,
                        "Migration not in expected state: pre-switchover");
        json_object_unref(err);
    }
    g_usleep(100 * 1000);
    g_free(rs);
    rs = migrate_query_status(from);
    g_assert_cmpstr(rs, ==, "pre-switchover");
    /* ... and the right one finishes the migration. */
    migrate_continue(from, "pre-switchover");
    migration_event_wait(from, "device");
    wait_for_migration_complete(from);
    wait_for_resume(to, &dst_state);
    wait_for_serial("dest_serial");
    migrate_end(from, to, true);
}

/* ---- auto-converge (3.5.4) ---- */

static void test_auto_converge(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = {
        .caps = { "auto-converge", "pause-before-switchover" },
    };
    QTestState *from, *to;
    int64_t pct, pass;
    gint64 deadline;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    migrate_set_parameter_int(from, "cpu-throttle-initial", 5);
    migrate_set_parameter_int(from, "cpu-throttle-increment", 25);
    migrate_set_parameter_int(from, "max-cpu-throttle", 95);
    migrate_ensure_non_converge(from);
    /* Passes of ~2 s rather than QEMU's ~30 s: the guest dirties far more
     * than the link carries either way. */
    migrate_set_parameter_int(from, "max-bandwidth", 50 * 1000 * 1000);
    migrate_prepare_for_dirty_mem(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");

    /* The throttle starts, at the initial value or more. */
    deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    while (!(pct = read_migrate_property_int(from,
                                             "cpu-throttle-percentage"))) {
        g_assert_false(src_state.stop_seen);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    g_assert_cmpint(pct, >=, 5);
    /* The throttled guest still runs and the passes go on. */
    deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    while ((pass = get_migration_pass(from)) < 2) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while ((int64_t)get_migration_pass(from) == pass) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    wait_for_guest_progress(from);

    migrate_ensure_converge(from);
    migration_event_wait(from, "pre-switchover");
    pct = read_migrate_property_int(from, "cpu-throttle-percentage");
    g_assert_cmpint(pct, <=, 95);
    migrate_continue(from, "pre-switchover");
    wait_for_resume(to, &dst_state);
    wait_for_serial("dest_serial");
    wait_for_migration_complete(from);
    /* Throttling ends with the migration. */
    g_assert_cmpint(read_migrate_property_int(from,
                                              "cpu-throttle-percentage"),
                    ==, 0);
    migrate_end(from, to, true);
}

/* ---- back and forth ---- */

/*
 * A -> B -> C -> D: each destination becomes the next source, and after
 * each hop the guest memory is checked on a stopped guest that then runs
 * on. (Processes cannot take a migration back after `postmigrate`, so a
 * "return" trip is a fresh process at the old place.)
 */
static void test_precopy_back_and_forth(void)
{
    g_autofree char *uri = unix_uri();
    g_autofree char *src_serial = mig_tmp_path("src_serial");
    g_autofree char *dst_serial = mig_tmp_path("dest_serial");
    MigrateStart start = { 0 };
    MigrateStart next = { .only_target = true };
    QTestState *from, *to;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    wait_for_serial("src_serial");
    for (int hop = 0; hop < 3; hop++) {
        g_autofree char *st = NULL;

        migrate_ensure_converge(from);
        migrate_qmp(from, to, uri, NULL, "");
        wait_for_migration_complete(from);
        wait_for_migration_complete(to);
        wait_for_resume(to, &dst_state);
        wait_for_serial("dest_serial");
        st = query_run_state(from);
        g_assert_cmpstr(st, ==, "postmigrate");

        /* Check the memory on the stopped destination, then let it run
         * on as the next source. */
        qtest_qmp_assert_success(to, "{'execute': 'stop'}");
        check_guests_ram(to);
        qtest_qmp_assert_success(to, "{'execute': 'cont'}");
        wait_for_guest_progress(to);

        qtest_quit(from);
        from = to;
        memset(&src_state, 0, sizeof(src_state));
        migrate_watch_events(from, &src_state);
        /* The new destination writes its own serial file; the old one
         * keeps writing to the renamed file. */
        rename(dst_serial, src_serial);
        serial_reset("src_serial");
        unlink(uri + strlen("unix:"));
        migrate_start(&from, &to, uri, &next);
    }
    migrate_end(from, to, false);
}

/* ---- cancel, then migrate again from the same source (3.5.2) ---- */

static void test_precopy_cancel_retry(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = { .hide_stderr = true };
    MigrateStart again = { .only_target = true };
    QTestState *from, *to, *to2;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    migrate_ensure_non_converge(from);
    migrate_prepare_for_dirty_mem(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");
    migrate_wait_for_dirty_mem(from, to);
    migrate_cancel(from);
    /* A destination with the default exit-on-error quits by itself. */
    qtest_set_expected_status(to, 1);
    qtest_wait_qemu(to);
    wait_for_migration_status(from, "cancelled", NULL);
    qtest_quit(to);

    /* Everything is sent again to a new destination. */
    unlink(uri + strlen("unix:"));
    migrate_start(&from, &to2, uri, &again);
    migrate_ensure_non_converge(from);
    migrate_qmp(from, to2, uri, NULL, "");
    migrate_wait_for_dirty_mem(from, to2);
    migrate_ensure_converge(from);
    wait_for_stop(from, &src_state);
    wait_for_resume(to2, &dst_state);
    wait_for_serial("dest_serial");
    wait_for_migration_complete(from);
    migrate_end(from, to2, true);
}

/* ---- the destination dies ---- */

static void test_precopy_dest_killed(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;
    g_autoptr(JsonObject) info = NULL;
    g_autofree char *rs = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    wait_for_serial("src_serial");
    migrate_ensure_non_converge(from);
    migrate_prepare_for_dirty_mem(from);
    migrate_qmp(from, to, uri, NULL, "");
    /* Mid-stream: part of RAM arrived. */
    migrate_wait_for_dirty_mem(from, to);
    qtest_kill_qemu(to);

    wait_for_migration_fail(from, true);
    info = migrate_query(from);
    g_assert_true(json_object_has_member(info, "error-desc"));
    g_test_message("error-desc: %s",
                   json_object_get_string_member(info, "error-desc"));
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    g_assert_false(src_state.stop_seen);
    /* The guest still advances on the source. */
    wait_for_guest_progress(from);
    wait_for_serial("src_serial");
    migrate_end(from, to, false);
}

void migration_test_add_precopy(MigrationTestEnv *env)
{
    migration_test_add("/migration/precopy/unix/plain",
                       test_precopy_unix_plain);
    migration_test_add("/migration/precopy/tcp/plain",
                       test_precopy_tcp_plain);
    migration_test_add("/migration/precopy/unix/channels/plain",
                       test_precopy_unix_channels);
    migration_test_add("/migration/precopy/tcp/channels/plain",
                       test_precopy_tcp_channels);
    migration_test_add("/migration/precopy/fd/tcp", test_precopy_fd_socket);
    migration_test_add("/migration/precopy/fd/file", test_precopy_fd_file);
    migration_test_add("/migration/precopy/exec", test_precopy_exec);
    migration_test_add("/migration/precopy/unix/multipass",
                       test_precopy_unix_multipass);
    migration_test_add("/migration/precopy/unix/xbzrle",
                       test_precopy_unix_xbzrle);
    migration_test_add("/migration/precopy/tcp/plain/switchover-ack",
                       test_precopy_tcp_switchover_ack);
    migration_test_add("/migration/precopy/tcp/plain/switchover-ack/held",
                       test_precopy_tcp_switchover_ack_held);
    migration_test_add("/migration/precopy/unix/pause-before-switchover",
                       test_precopy_pause_before_switchover);
    migration_test_add("/migration/auto_converge", test_auto_converge);
    migration_test_add("/migration/precopy/unix/back-and-forth",
                       test_precopy_back_and_forth);
    migration_test_add("/migration/precopy/unix/cancel-retry",
                       test_precopy_cancel_retry);
    migration_test_add("/migration/precopy/unix/dest-killed",
                       test_precopy_dest_killed);
}

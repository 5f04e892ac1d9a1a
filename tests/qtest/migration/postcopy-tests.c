/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy group (spec/qtest.md 3.2.3, 3.3.7, 3.3.8): plain postcopy,
 * postcopy after precopy passes, blocktime, preempt, recovery (plain, a
 * failed attempt to a bad port, double failures, with preempt),
 * migrate_cancel refused, multifd before postcopy, x-postcopy-safe-start,
 * and the postcopy-device failure scenarios of spec/migration-states-and-
 * qmp.md 4 (Q1 included). The waits for the preempt channel are in
 * postcopy-wait-tests.c, the steps both files share in postcopy-common.c.
 * Every case is gated by userfaultfd on the host.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qapi/qapi-types.h"
#include "postcopy-common.h"

/* ---- postcopy runs: the common flow (3.3.7) ---- */

static void test_postcopy_common(PostcopyArgs *args)
{
    QTestState *from, *to;

    postcopy_prepare(&from, &to, args);
    postcopy_start(from, to, args->precopy_passes);
    if (args->end_hook) {
        args->end_hook(from, to, args->hook_data);
    }
    postcopy_complete(from, to);
}

static void test_postcopy_plain(void)
{
    PostcopyArgs args = { .start = { .opts_target = POSTCOPY_STALL_PROBE } };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    /* The running destination asked for pages it did not have. */
    wait_for_migration_complete(from);
    g_assert_cmpint(read_ram_property_int(from, "postcopy-requests"), >, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    postcopy_assert_urgent_channel(from, to, false);
    /*
     * The background stream's whole huge pages went in by moving them,
     * where the host can (none of the destination's RAM was mapped before,
     * and the source's discard of what it had not sent maps nothing).
     */
    if (postcopy_host_cannot_move_huge_pages()) {
        g_test_message("moved-pages not checked: %s",
                       postcopy_host_cannot_move_huge_pages());
    } else {
        g_assert_cmpint(postcopy_debug_int(to, "moved-pages"), >, 0);
    }
    /* The race-free order (4.3): never postcopy-device -> completed. */
    postcopy_assert_events(from, &src_state, "STOP,device,postcopy-device,"
                           "postcopy-active,completed,");
    postcopy_assert_events(to, &dst_state, "setup,active,postcopy-device,"
                           "postcopy-active,RESUME,completed,");
    postcopy_complete(from, to);
}

/*
 * postcopy-ram on, but the migration converges before anyone asks for
 * postcopy: it ends as precopy (the destination's ADVISE preparation must
 * not lose a page, wire-format 4.3).
 */
static void test_postcopy_not_started(void)
{
    PostcopyArgs args = { 0 };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    migrate_ensure_converge(from);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    postcopy_assert_no_event(from, &src_state, "postcopy-device");
    postcopy_assert_events(to, &dst_state, "setup,active,RESUME,completed,");
    wait_for_serial("dest_serial");
    migrate_end(from, to, true);
}

/*
 * A destination that never reports postcopy-device (as QEMU < 10.2: it
 * goes active -> postcopy-active at LISTEN): nothing on the wire depends
 * on it (spec 4.5), the source still passes postcopy-device and
 * completes.
 */
static void test_postcopy_old_destination(void)
{
    PostcopyArgs args = {
        .start = { .opts_target = "-global migration.x-postcopy-device-state="
                                  "off" },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    postcopy_assert_events(from, &src_state, "STOP,device,postcopy-device,"
                           "postcopy-active,completed,");
    postcopy_assert_events(to, &dst_state,
                           "setup,active,postcopy-active,RESUME,completed,");
    postcopy_assert_no_event(to, &dst_state, "postcopy-device");
    postcopy_complete(from, to);
}

static void test_postcopy_after_precopy(void)
{
    PostcopyArgs args = { .precopy_passes = 2 };

    test_postcopy_common(&args);
}

static void test_postcopy_preempt(void)
{
    PostcopyArgs args = {
        .preempt = true, .start = { .opts_target = POSTCOPY_STALL_PROBE },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    /* The urgent pages really went over the preempt channel. */
    postcopy_assert_urgent_channel(from, to, true);
    postcopy_complete(from, to);
}

/*
 * The preempt connection arrives before the destination has loaded
 * ADVISE (the source connects once it has a PONG, and PING 1 comes
 * first): the destination must hold it until ADVISE, not drop it and
 * lose every urgent page sent on it. A test knob holds ADVISE until the
 * connection is there, so this order happens every time.
 */
static void test_postcopy_preempt_early_channel(void)
{
    PostcopyArgs args = {
        .preempt = true, .start = { .opts_target = POSTCOPY_STALL_PROBE },
        /* The held destination's socket must not fill before the
         * source has seen migrate-start-postcopy. */
        .postcopy_at_once = true,
    };
    QTestState *from, *to;

    g_setenv("QEMU_TEST_POSTCOPY_EARLY_PREEMPT", "1", true);
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_EARLY_PREEMPT");
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    postcopy_assert_urgent_channel(from, to, true);
    postcopy_complete(from, to);
}

/*
 * multifd in precopy, then postcopy on the main channel (wire 3.8): the
 * prepare section syncs the channels, which stay idle afterwards.
 */
static void test_multifd_postcopy(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } },
                          .precopy_passes = 1 };

    test_postcopy_common(&args);
}

static void test_multifd_postcopy_preempt(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } },
                          .preempt = true, .precopy_passes = 1 };

    test_postcopy_common(&args);
}

/* migrate_cancel is refused in postcopy (2.3). */
static void test_postcopy_cancel_refused(void)
{
    PostcopyArgs args = { 0 };
    QTestState *from, *to;
    g_autoptr(JsonObject) err = NULL;

    postcopy_prepare(&from, &to, &args);
    /* Slow enough that postcopy-active lasts. */
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 256 * 1024);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);
    err = qtest_qmp_assert_failure_ref(from,
                                       "{'execute': 'migrate_cancel'}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Postcopy migration in progress, cannot cancel.");
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    postcopy_complete(from, to);
}

/* ---- recovery (3.3.8) ---- */

/*
 * yank {"type": "migration"} on the destination (resource-limits.rst: the
 * user's way out of a stalled load) is a network failure: both sides
 * pause, and recovery then completes.
 */
static void test_postcopy_recovery_yank(void)
{
    PostcopyArgs args = { 0 };
    QTestState *from, *to;
    g_autofree char *uri = postcopy_unix_uri("migsocket-recover");
    g_autofree char *path = mig_tmp_path("migsocket-recover");
    static const char *paused_ungoals[] = { "failed", "active", "completed",
                                            NULL };

    args.start.hide_stderr = true;
    args.start.oob = true;
    postcopy_prepare(&from, &to, &args);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);
    wait_for_migration_status(to, "postcopy-active", NULL);

    qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                             "{'instances': [{'type': 'migration'}]}}");
    wait_for_migration_status(to, "postcopy-paused", paused_ungoals);
    wait_for_migration_status(from, "postcopy-paused", paused_ungoals);

    postcopy_recover_at(from, to, uri);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    postcopy_assert_no_event(to, &dst_state, "failed");
    postcopy_complete(from, to);
    unlink(path);
}

static void test_postcopy_recovery_plain(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

static void test_postcopy_recovery_bad_port(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_BAD_PORT);
}

static void test_postcopy_recovery_handshake(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_HANDSHAKE);
}

static void test_postcopy_recovery_reconnect(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_CHANNEL_ESTABLISH);
}

static void test_postcopy_preempt_recovery(void)
{
    PostcopyArgs args = { .preempt = true,
                          .recovered = postcopy_assert_resumed_with_preempt };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

/*
 * A recovery's preempt connection that the destination gets only after
 * it paused again (with TLS: its side of the handshake finished late;
 * the source had long sent POSTCOPY_RESUME). It belongs to the broken
 * session: taken for the next recovery's main channel, the destination
 * went to postcopy-recover on its own, reading a dead connection, and
 * refused migrate-recover or the real connection. A test knob holds
 * the first one until the next pause, so this order happens every time.
 * The first recovery's RESUME waits for that connection meanwhile, until
 * the second cycle's migrate-pause on the destination ends the wait.
 */
static void test_postcopy_preempt_recovery_late_channel(void)
{
    PostcopyArgs args = { .preempt = true,
                          .end_hook = postcopy_assert_three_recoveries };

    g_setenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT", "1", true);
    test_postcopy_recovery_common(&args, FAIL_NONE);
    g_unsetenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT");
}

/* Recovery leaves the idle multifd channels alone. */
static void test_multifd_postcopy_recovery(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } } };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

static void test_multifd_postcopy_preempt_recovery(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } },
                          .preempt = true };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

/* ---- failures in postcopy-device (spec 4, Q1) ---- */

typedef enum {
    DEV_FAIL_LOAD,              /* fail-load=on on the destination */
    DEV_KILL_LOADING,           /* killed while loading device state */
    DEV_KILL_ALL_SENT,          /* killed after everything was sent (Q1) */
} DeviceFailure;

static void test_postcopy_device_failure(const void *opaque)
{
    DeviceFailure how = GPOINTER_TO_INT(opaque);
    PostcopyArgs args = {
        .start = {
            .hide_stderr = true,
            .opts_source = "-device migration-testdev",
            .opts_target = how == DEV_FAIL_LOAD ?
                           "-device migration-testdev,fail-load=on" :
                           "-device migration-testdev,load-delay-ms=4000",
        },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    migration_event_wait(from, "postcopy-device");

    switch (how) {
    case DEV_FAIL_LOAD:
        /* The destination reports its error and exits. */
        qtest_set_expected_status(to, 1);
        qtest_wait_qemu(to);
        break;
    case DEV_KILL_LOADING:
        qtest_kill_qemu_with_signal(to, SIGKILL);
        break;
    case DEV_KILL_ALL_SENT: {
        gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

        /* Every page sent, PONG(0x42) not yet possible: the window of
         * quirk Q1. */
        while (read_ram_property_int(from, "remaining") != 0) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            g_usleep(10 * 1000);
        }
        {
            g_autofree char *st = migrate_query_status(from);

            g_assert_cmpstr(st, ==, "postcopy-device");
        }
        qtest_kill_qemu_with_signal(to, SIGKILL);
        break;
    }
    }
    postcopy_assert_source_resumed(from);
    qtest_quit(from);
    qtest_quit(to);
    migrate_end_cleanup();
}

/* ---- x-postcopy-safe-start (docs/interop/postcopy-safe-start.rst) ---- */

static void test_safe_start_plain(void)
{
    PostcopyArgs args = {
        .start = { .caps = { "x-postcopy-safe-start" } },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    postcopy_assert_events(from, &src_state, "STOP,device,postcopy-device,"
                           "postcopy-active,completed,");
    /* The guest starts only once the source committed. */
    postcopy_assert_events(to, &dst_state, "setup,active,postcopy-device,"
                           "postcopy-active,RESUME,completed,");
    postcopy_complete(from, to);
}

typedef enum {
    SAFE_TIMEOUT,               /* x-postcopy-device-timeout-ms expires */
    SAFE_CANCEL,                /* migrate_cancel in postcopy-device */
} SafeStartExit;

/* The source gives up in postcopy-device; the destination never ran. */
static void test_safe_start_give_up(const void *opaque)
{
    SafeStartExit how = GPOINTER_TO_INT(opaque);
    PostcopyArgs args = {
        .start = {
            .hide_stderr = true,
            .caps = { "x-postcopy-safe-start" },
            .opts_source = "-device migration-testdev",
            .opts_target = "-device migration-testdev,load-delay-ms=2000",
        },
        .dest_stays = true,
    };
    QTestState *from, *to;
    g_autofree char *rs = NULL, *rs_to = NULL;

    postcopy_prepare(&from, &to, &args);
    if (how == SAFE_TIMEOUT) {
        migrate_set_parameter_int(from, "x-postcopy-device-timeout-ms", 300);
    }
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    migration_event_wait(from, "postcopy-device");
    if (how == SAFE_CANCEL) {
        qtest_qmp_assert_success(from, "{'execute': 'migrate_cancel'}");
        wait_for_migration_status(from, "cancelled",
                                  (const char *[]) { "completed",
                                                     "postcopy-active",
                                                     NULL });
        postcopy_assert_events(from, &src_state, "STOP,device,postcopy-device,"
                               "cancelling,RESUME,cancelled,");
    } else {
        wait_for_migration_status(from, "failed",
                                  (const char *[]) { "completed",
                                                     "postcopy-active",
                                                     NULL });
        postcopy_assert_events(from, &src_state, "STOP,device,postcopy-device,"
                               "failed,RESUME,");
    }
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    /* The destination fails without ever running the guest. */
    wait_for_migration_status(to, "failed",
                              (const char *[]) { "completed",
                                                 "postcopy-active", NULL });
    postcopy_assert_events(to, &dst_state, "setup,active,postcopy-device,"
                           "failed,");
    postcopy_assert_no_event(to, &dst_state, "RESUME");
    rs_to = query_run_state(to);
    g_assert_cmpstr(rs_to, ==, "inmigrate");

    wait_for_guest_progress(from);
    qtest_qmp_assert_success(from, "{'execute': 'stop'}");
    check_guests_ram(from);
    qtest_quit(from);
    qtest_quit(to);
    migrate_end_cleanup();
}

/* ---- migrate_cancel in every postcopy status (qtest.md 3.5.1) ---- */

/*
 * A unix listener whose backlog is full: connect(2) to it blocks, so a
 * resume towards it stays in postcopy-recover-setup. Returns the
 * listener; *queued holds the connections that fill the backlog.
 */
static int blocked_listener(const char *path, GArray *queued)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int l = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(strlen(path), <, sizeof(a.sun_path));
    strcpy(a.sun_path, path);
    unlink(path);
    g_assert_cmpint(bind(l, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(listen(l, 0), ==, 0);
    for (;;) {
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

        if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
            g_assert_cmpint(errno, ==, EAGAIN);
            close(c);
            return l;
        }
        g_array_append_val(queued, c);
    }
}

static void cancel_in_recover_setup(QTestState *from)
{
    g_autofree char *path = mig_tmp_path("migsocket-blocked");
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autoptr(GArray) queued = g_array_new(false, false, sizeof(int));
    int l = blocked_listener(path, queued);

    migrate_qmp(from, NULL, uri, NULL, "'resume': true");
    migration_event_wait(from, "postcopy-recover-setup");
    /* connect(2) is blocked: the status holds. */
    g_usleep(100 * 1000);
    postcopy_cancel_refused(from, "postcopy-recover-setup");
    /* Unblock: the connection is accepted by nobody and closed, so the
     * source falls back to postcopy-paused by itself. */
    for (guint i = 0; i < queued->len; i++) {
        close(g_array_index(queued, int, i));
    }
    for (;;) {
        int c = accept(l, NULL, NULL);

        if (c >= 0) {
            close(c);
            break;
        }
        g_assert_cmpint(errno, ==, EINTR);
    }
    close(l);
    unlink(path);
    wait_for_migration_status(from, "postcopy-paused",
                              (const char *[]) { "failed", "completed",
                                                 NULL });
}

void test_postcopy_cancel_after(int status)
{
    const char *name = MigrationStatus_str(status);
    bool device = status == MIGRATION_STATUS_POSTCOPY_DEVICE;
    PostcopyArgs args = {
        .start = {
            .hide_stderr = true,
            .oob = true,
            .opts_source = device ? "-device migration-testdev" : NULL,
            .opts_target = device ?
                "-device migration-testdev,load-delay-ms=1500" : NULL,
        },
    };
    g_autofree char *uri = postcopy_unix_uri("migsocket-recover");
    QTestState *from, *to;

    if (!migration_host_has_uffd()) {
        g_test_skip("postcopy needs userfaultfd, which this host lacks");
        return;
    }
    postcopy_prepare(&from, &to, &args);
    /* Slow background pages: postcopy-active lasts as long as needed. */
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    if (device) {
        /* The destination is still loading the device state. */
        migration_event_wait(from, "postcopy-device");
        postcopy_cancel_refused(from, name);
    } else {
        wait_for_migration_status(from, "postcopy-active", NULL);
    }
    if (status == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        postcopy_cancel_refused(from, name);
    }
    if (!device && status != MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        qtest_qmp_assert_success(from, "{'execute': 'migrate-pause'}");
        wait_for_migration_status(to, "postcopy-paused", NULL);
        wait_for_migration_status(from, "postcopy-paused", NULL);
        switch (status) {
        case MIGRATION_STATUS_POSTCOPY_PAUSED:
            postcopy_cancel_refused(from, name);
            break;
        case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
            cancel_in_recover_setup(from);
            break;
        case MIGRATION_STATUS_POSTCOPY_RECOVER:
            postcopy_recover_fail_fd(from, to, FAIL_HANDSHAKE, true);
            break;
        default:
            g_assert_not_reached();
        }
        qtest_qmp_assert_success(to, "{'exec-oob': 'migrate-recover', "
                                 "'arguments': {'uri': '%s'}, "
                                 "'id': 'recover-cmd'}", uri);
        migrate_qmp(from, to, uri, NULL, "'resume': true");
        wait_for_migration_status(from, "postcopy-active", NULL);
    }
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    wait_for_resume(to, &dst_state);
    postcopy_assert_no_event(from, &src_state, "cancelling");
    postcopy_complete(from, to);
    {
        g_autofree char *p = mig_tmp_path("migsocket-recover");

        unlink(p);
    }
}

void test_postcopy_hooked(TestMigrateStartHook start_hook,
                          TestMigrateEndHook end_hook, const char *extra_cap,
                          bool preempt, bool recovery)
{
    PostcopyArgs args = {
        .start = { .caps = { extra_cap } },
        .preempt = preempt,
        .start_hook = start_hook,
        .end_hook = end_hook,
    };

    if (recovery) {
        test_postcopy_recovery_common(&args, FAIL_NONE);
    } else {
        test_postcopy_common(&args);
    }
}

void migration_test_add_postcopy(MigrationTestEnv *env)
{
    if (!migration_host_has_uffd()) {
        g_test_message("postcopy tests skipped: no userfaultfd here");
        return;
    }
    migration_test_add("/migration/postcopy/plain", test_postcopy_plain);
    migration_test_add("/migration/postcopy/not-started",
                       test_postcopy_not_started);
    migration_test_add("/migration/postcopy/old-destination",
                       test_postcopy_old_destination);
    migration_test_add("/migration/postcopy/after-precopy",
                       test_postcopy_after_precopy);
    migration_test_add("/migration/postcopy/cancel-refused",
                       test_postcopy_cancel_refused);
    migration_test_add("/migration/postcopy/recovery/plain",
                       test_postcopy_recovery_plain);
    migration_test_add("/migration/postcopy/recovery/yank-destination",
                       test_postcopy_recovery_yank);
    migration_test_add("/migration/postcopy/recovery/bad-port",
                       test_postcopy_recovery_bad_port);
    migration_test_add("/migration/postcopy/recovery/double-failures/"
                       "handshake", test_postcopy_recovery_handshake);
    migration_test_add("/migration/postcopy/recovery/double-failures/"
                       "reconnect", test_postcopy_recovery_reconnect);
    migration_test_add("/migration/postcopy/preempt/plain",
                       test_postcopy_preempt);
    migration_test_add("/migration/postcopy/preempt/early-channel",
                       test_postcopy_preempt_early_channel);
    migration_test_add("/migration/postcopy/preempt/recovery/plain",
                       test_postcopy_preempt_recovery);
    migration_test_add("/migration/postcopy/preempt/recovery/late-channel",
                       test_postcopy_preempt_recovery_late_channel);
    migration_test_add("/migration/multifd+postcopy/plain",
                       test_multifd_postcopy);
    migration_test_add("/migration/multifd+postcopy/preempt/plain",
                       test_multifd_postcopy_preempt);
    migration_test_add("/migration/multifd+postcopy/recovery/plain",
                       test_multifd_postcopy_recovery);
    migration_test_add("/migration/multifd+postcopy/preempt/recovery/plain",
                       test_multifd_postcopy_preempt_recovery);
    migration_test_add("/migration/postcopy/safe-start/plain",
                       test_safe_start_plain);
    qtest_add_data_func("/migration/postcopy/safe-start/timeout",
                        GINT_TO_POINTER(SAFE_TIMEOUT),
                        test_safe_start_give_up);
    qtest_add_data_func("/migration/postcopy/safe-start/cancel",
                        GINT_TO_POINTER(SAFE_CANCEL),
                        test_safe_start_give_up);
    qtest_add_data_func("/migration/postcopy/device/load-fails",
                        GINT_TO_POINTER(DEV_FAIL_LOAD),
                        test_postcopy_device_failure);
    qtest_add_data_func("/migration/postcopy/device/dest-killed",
                        GINT_TO_POINTER(DEV_KILL_LOADING),
                        test_postcopy_device_failure);
    qtest_add_data_func("/migration/postcopy/device/dest-dies-all-sent",
                        GINT_TO_POINTER(DEV_KILL_ALL_SENT),
                        test_postcopy_device_failure);
}

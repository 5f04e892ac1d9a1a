/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy cases about waiting for the preempt channel (wire 4.3):
 * PACKAGED holding the package until the channel is there, and how a
 * wait that cannot be satisfied ends (yank, quit, its time bound, a
 * refused connection); a recovery's POSTCOPY_RESUME waiting for its new
 * channel when it arrives late, and yank ending that wait. The
 * destination's test knobs (QEMU_TEST_POSTCOPY_*) make each order happen
 * every time. Gated by userfaultfd on the host, as the rest of the
 * postcopy group (postcopy-tests.c).
 */
#include "qemu/osdep.h"
#include "postcopy-common.h"

/* ---- PACKAGED waits for the preempt channel ---- */

/*
 * PACKAGED waits for the preempt channel before the package loads (wire
 * 4.3). A test knob holds the preempt connection until that wait begins,
 * or else until a pause that never comes: without the wait the
 * destination loads the package and runs the guest with no preempt
 * channel, and the count below is 0.
 */
static void test_postcopy_preempt_packaged_wait(void)
{
    PostcopyArgs args = {
        .preempt = true, .start = { .opts_target = POSTCOPY_STALL_PROBE },
    };
    QTestState *from, *to;

    g_setenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT", "1", true);
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT");
    postcopy_start(from, to, 0);
    /* The guest runs on the destination: its channel came first. */
    wait_for_migration_status(to, "postcopy-active", NULL);
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==, 1);
    g_assert_false(postcopy_debug_bool(to, "preempt-waiting"));
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    postcopy_assert_urgent_channel(from, to, true);
    postcopy_complete(from, to);
}

typedef enum {
    PKG_LOST_YANK,              /* connection never comes; yank ends it */
    PKG_LOST_YANK_EXIT,         /* the same with exit-on-error */
    PKG_LOST_QUIT,              /* the destination quits while waiting */
    PKG_LOST_TIMEOUT,           /* the wait's bound (shortened) ends it */
    PKG_REFUSED,                /* the connection is refused */
} PackagedWaitEnd;

/* Until the destination waits at PACKAGED for its preempt channel. */
static void wait_for_packaged_wait(QTestState *to)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    g_autofree char *st = NULL;

    while (!postcopy_debug_bool(to, "preempt-waiting")) {
        if (g_get_monotonic_time() >= deadline) {
            g_error("the destination never waited at PACKAGED for the "
                    "preempt channel");
        }
        g_usleep(10 * 1000);
    }
    /* Waiting: the package is not loaded, nothing runs yet. */
    st = migrate_query_status(to);
    g_assert_cmpstr(st, ==, "active");
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==, 0);
}

/*
 * A PACKAGED wait that cannot be satisfied ends cleanly: the preempt
 * connection is held for good by a test knob and `yank` on the
 * destination ends the wait (the destination staying or, with
 * exit-on-error, exiting), or the destination quits while it waits, or
 * the wait's bound (shortened by a knob) passes, or the connection is
 * refused (as at a TLS handshake). A destination
 * that stays fails with the reason; the package never loaded and the
 * guest never ran there. The source takes its guest back.
 */
static void test_postcopy_preempt_packaged_wait_end(const void *opaque)
{
    PackagedWaitEnd how = GPOINTER_TO_INT(opaque);
    PostcopyArgs args = {
        .preempt = true, .start = { .hide_stderr = true },
        .dest_stays = how != PKG_LOST_YANK_EXIT,
    };
    QTestState *from, *to;
    g_autoptr(JsonObject) info = NULL;
    g_autofree char *rs_to = NULL;
    const char *desc, *want;

    g_setenv("QEMU_TEST_POSTCOPY_LOST_PREEMPT",
             how == PKG_REFUSED ? "refuse" : "hold", true);
    if (how == PKG_LOST_TIMEOUT) {
        g_setenv("QEMU_TEST_POSTCOPY_PREEMPT_WAIT_MS", "500", true);
    }
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_LOST_PREEMPT");
    g_unsetenv("QEMU_TEST_POSTCOPY_PREEMPT_WAIT_MS");
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    migration_event_wait(from, "postcopy-device");

    switch (how) {
    case PKG_LOST_QUIT:
        wait_for_packaged_wait(to);
        /* Nothing joins the waiting thread: the process just ends. */
        qtest_quit(to);
        postcopy_assert_source_resumed(from);
        qtest_quit(from);
        migrate_end_cleanup();
        return;
    case PKG_LOST_YANK_EXIT:
        wait_for_packaged_wait(to);
        qtest_set_expected_status(to, 1);
        qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                                 "{'instances': [{'type': 'migration'}]}}");
        qtest_wait_qemu(to);
        postcopy_assert_source_resumed(from);
        qtest_quit(from);
        qtest_quit(to);
        migrate_end_cleanup();
        return;
    case PKG_LOST_YANK:
        wait_for_packaged_wait(to);
        qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                                 "{'instances': [{'type': 'migration'}]}}");
        want = "PACKAGED: the main channel was shut down while waiting "
               "for the postcopy-preempt channel";
        break;
    case PKG_LOST_TIMEOUT:
        want = "PACKAGED: no postcopy-preempt channel within 500 ms";
        break;
    case PKG_REFUSED:
    default:
        want = "PACKAGED: the postcopy-preempt connection was refused: "
               "refused by the test";
        break;
    }

    wait_for_migration_status(to, "failed",
                              (const char *[]) { "completed",
                                                 "postcopy-active", NULL });
    info = migrate_query(to);
    desc = json_object_get_string_member(info, "error-desc");
    g_test_message("destination: %s", desc);
    g_assert_nonnull(strstr(desc, want));
    postcopy_assert_events(to, &dst_state, "setup,active,failed,");
    postcopy_assert_no_event(to, &dst_state, "postcopy-device");
    postcopy_assert_no_event(to, &dst_state, "RESUME");
    rs_to = query_run_state(to);
    g_assert_cmpstr(rs_to, ==, "inmigrate");
    g_assert_false(postcopy_debug_bool(to, "preempt-waiting"));

    postcopy_assert_source_resumed(from);
    qtest_quit(from);
    qtest_quit(to);
    migrate_end_cleanup();
}

/* ---- a recovery's POSTCOPY_RESUME waits for its preempt channel ---- */

/*
 * Every recovery's preempt connection reaches the destination as late as
 * a plain socket's can: a test knob hands it over only once
 * POSTCOPY_RESUME waits for it, or else at the next pause -- counted as
 * accepted after that pause, so it would pass for the next recovery's
 * main channel. RESUME waits for it (wire 4.3), so each recovery has
 * taken its preempt channel when it completes, none is left over, and
 * all three recoveries and the migration complete.
 */
static void test_postcopy_preempt_recovery_slow_channel(void)
{
    PostcopyArgs args = { .preempt = true,
                          .recovered = postcopy_assert_resumed_with_preempt,
                          .end_hook = postcopy_assert_three_recoveries };

    g_setenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT", "1", true);
    test_postcopy_recovery_common(&args, FAIL_NONE);
    g_unsetenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT");
}

/* Pause (who: from or to) and recover once; both postcopy-active. */
static void pause_and_recover(QTestState *from, QTestState *to,
                              QTestState *who, const char *uri)
{
    static const char *paused_ungoals[] = { "failed", "active", "completed",
                                            NULL };

    if (who == to) {
        /* yank: the user's way out, here of a waiting RESUME. */
        qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                                 "{'instances': [{'type': 'migration'}]}}");
    } else {
        qtest_qmp_assert_success(from, "{'execute': 'migrate-pause'}");
    }
    wait_for_migration_status(to, "postcopy-paused", paused_ungoals);
    wait_for_migration_status(from, "postcopy-paused", paused_ungoals);
    postcopy_recover_at(from, to, uri);
}

/*
 * A recovery whose POSTCOPY_RESUME waits for a preempt connection that
 * does not come (the LATE knob holds it until the next pause): yank on
 * the destination ends the wait, both sides pause, and the next recovery
 * completes with its own preempt channel.
 */
static void test_postcopy_preempt_recovery_yank_wait(void)
{
    PostcopyArgs args = { .preempt = true };
    QTestState *from, *to;
    g_autofree char *uri = postcopy_unix_uri("migsocket-recover");
    g_autofree char *path = mig_tmp_path("migsocket-recover");

    g_setenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT", "1", true);
    args.start.hide_stderr = true;
    args.start.oob = true;
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT");
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);

    pause_and_recover(from, to, from, uri);
    /* The held connection keeps this RESUME waiting. */
    g_assert_cmpint(postcopy_debug_int(to, "resumes"), ==, 0);
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==, 1);
    pause_and_recover(from, to, to, uri);
    /* The knob holds once: this recovery has its channel. */
    postcopy_assert_resumed_with_preempt(from, to, 0);

    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    postcopy_assert_recoveries(to, 2);
    postcopy_assert_no_event(to, &dst_state, "failed");
    postcopy_complete(from, to);
    unlink(path);
}

void migration_test_add_postcopy_wait(MigrationTestEnv *env)
{
    if (!migration_host_has_uffd()) {
        g_test_message("postcopy preempt-wait tests skipped: "
                       "no userfaultfd here");
        return;
    }
    migration_test_add("/migration/postcopy/preempt/packaged-wait/plain",
                       test_postcopy_preempt_packaged_wait);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/yank",
                        GINT_TO_POINTER(PKG_LOST_YANK),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/"
                        "yank-exit", GINT_TO_POINTER(PKG_LOST_YANK_EXIT),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/quit",
                        GINT_TO_POINTER(PKG_LOST_QUIT),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/timeout",
                        GINT_TO_POINTER(PKG_LOST_TIMEOUT),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/refused",
                        GINT_TO_POINTER(PKG_REFUSED),
                        test_postcopy_preempt_packaged_wait_end);
    migration_test_add("/migration/postcopy/preempt/recovery/slow-channel",
                       test_postcopy_preempt_recovery_slow_channel);
    migration_test_add("/migration/postcopy/preempt/recovery/yank-wait",
                       test_postcopy_preempt_recovery_yank_wait);
}

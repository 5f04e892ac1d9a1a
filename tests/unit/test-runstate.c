/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for system/runstate.c: the run-state transition table
 * (qmp.md 11), the one setter and its message, vm_start()/vm_stop() with
 * change-state handlers and the virtual clock, system reset, and the
 * shutdown/reset requests that the main loop carries out.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-types.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"
#include "system/system.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

typedef struct Transition {
    RunState from, to;
} Transition;

/* qmp.md 11 "Main transitions": each one must be allowed. */
static const Transition main_transitions[] = {
    { RUN_STATE_PRELAUNCH, RUN_STATE_RUNNING },
    { RUN_STATE_PRELAUNCH, RUN_STATE_INMIGRATE },
    { RUN_STATE_RUNNING, RUN_STATE_PAUSED },
    { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_RUNNING, RUN_STATE_SHUTDOWN },
    { RUN_STATE_RUNNING, RUN_STATE_SUSPENDED },
    { RUN_STATE_PAUSED, RUN_STATE_RUNNING },
    { RUN_STATE_PAUSED, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_POSTMIGRATE },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_RUNNING },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_PAUSED },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_RUNNING },
    { RUN_STATE_INMIGRATE, RUN_STATE_RUNNING },
    { RUN_STATE_INMIGRATE, RUN_STATE_PAUSED },
    /* inmigrate -> the state the (stopped) source recorded */
    { RUN_STATE_INMIGRATE, RUN_STATE_SHUTDOWN },
    { RUN_STATE_INMIGRATE, RUN_STATE_GUEST_PANICKED },
    { RUN_STATE_INMIGRATE, RUN_STATE_INTERNAL_ERROR },
    { RUN_STATE_INMIGRATE, RUN_STATE_IO_ERROR },
    { RUN_STATE_INMIGRATE, RUN_STATE_WATCHDOG },
    { RUN_STATE_INMIGRATE, RUN_STATE_SUSPENDED },
    { RUN_STATE_INMIGRATE, RUN_STATE_POSTMIGRATE },
    { RUN_STATE_INMIGRATE, RUN_STATE_PRELAUNCH },
    /* system_reset of a stopped VM */
    { RUN_STATE_PAUSED, RUN_STATE_PRELAUNCH },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_PRELAUNCH },
    { RUN_STATE_SHUTDOWN, RUN_STATE_PRELAUNCH },
    { RUN_STATE_INTERNAL_ERROR, RUN_STATE_PRELAUNCH },
    { RUN_STATE_IO_ERROR, RUN_STATE_PRELAUNCH },
    { RUN_STATE_DEBUG, RUN_STATE_PRELAUNCH },
    { RUN_STATE_WATCHDOG, RUN_STATE_PRELAUNCH },
    { RUN_STATE_GUEST_PANICKED, RUN_STATE_PRELAUNCH },
    { RUN_STATE_SUSPENDED, RUN_STATE_PRELAUNCH },
    /* migrating a VM stopped for any reason */
    { RUN_STATE_SHUTDOWN, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_GUEST_PANICKED, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_IO_ERROR, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_INTERNAL_ERROR, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_DEBUG, RUN_STATE_FINISH_MIGRATE },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_FINISH_MIGRATE },
    /* a failed migration of a VM stopped for a reason gets it back */
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_SHUTDOWN },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_GUEST_PANICKED },
    /* the reasons a running VM stops */
    { RUN_STATE_RUNNING, RUN_STATE_DEBUG },
    { RUN_STATE_RUNNING, RUN_STATE_INTERNAL_ERROR },
    { RUN_STATE_RUNNING, RUN_STATE_IO_ERROR },
    { RUN_STATE_RUNNING, RUN_STATE_WATCHDOG },
    { RUN_STATE_RUNNING, RUN_STATE_GUEST_PANICKED },
    { RUN_STATE_SUSPENDED, RUN_STATE_RUNNING },
    { RUN_STATE_SHUTDOWN, RUN_STATE_PAUSED },
};

/* Transitions that QEMU's graph refuses. */
static const Transition refused_transitions[] = {
    { RUN_STATE_POSTMIGRATE, RUN_STATE_INMIGRATE },
    { RUN_STATE_SHUTDOWN, RUN_STATE_RUNNING },          /* needs reset */
    { RUN_STATE_INTERNAL_ERROR, RUN_STATE_RUNNING },    /* needs reset */
    { RUN_STATE_PRELAUNCH, RUN_STATE_POSTMIGRATE },
    { RUN_STATE_PRELAUNCH, RUN_STATE_DEBUG },
    { RUN_STATE_INMIGRATE, RUN_STATE_DEBUG },
    { RUN_STATE_RUNNING, RUN_STATE_PRELAUNCH },         /* reset keeps running */
    { RUN_STATE_RUNNING, RUN_STATE_INMIGRATE },
    { RUN_STATE_RUNNING, RUN_STATE_POSTMIGRATE },       /* via finish-migrate */
    { RUN_STATE_PAUSED, RUN_STATE_INMIGRATE },
    { RUN_STATE_PAUSED, RUN_STATE_DEBUG },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_INMIGRATE },
    { RUN_STATE_FINISH_MIGRATE, RUN_STATE_DEBUG },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_SHUTDOWN },
    { RUN_STATE_POSTMIGRATE, RUN_STATE_SUSPENDED },
    { RUN_STATE_SHUTDOWN, RUN_STATE_SUSPENDED },
    { RUN_STATE_GUEST_PANICKED, RUN_STATE_PAUSED },
    { RUN_STATE_DEBUG, RUN_STATE_PAUSED },
};

/* ---- the table ---- */

static void test_state_names(void)
{
    static const char *const names[] = {
        "debug", "inmigrate", "internal-error", "io-error", "paused",
        "postmigrate", "prelaunch", "finish-migrate", "restore-vm",
        "running", "save-vm", "shutdown", "suspended", "watchdog",
        "guest-panicked", "colo",
    };
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    g_assert_cmpint(RUN_STATE__MAX, ==, G_N_ELEMENTS(names));
    for (int s = 0; s < RUN_STATE__MAX; s++) {
        g_hash_table_add(seen, (gpointer)RunState_str(s));
    }
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_assert_true(g_hash_table_contains(seen, names[i]));
    }
}

static void test_main_transitions_allowed(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(main_transitions); i++) {
        const Transition *t = &main_transitions[i];

        if (!runstate_transition_allowed(t->from, t->to)) {
            g_error("'%s' -> '%s' refused", RunState_str(t->from),
                    RunState_str(t->to));
        }
    }
    /* Staying put is always fine. */
    for (int s = 0; s < RUN_STATE__MAX; s++) {
        g_assert_true(runstate_transition_allowed(s, s));
    }
}

static void test_transitions_refused(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(refused_transitions); i++) {
        const Transition *t = &refused_transitions[i];

        if (runstate_transition_allowed(t->from, t->to)) {
            g_error("'%s' -> '%s' allowed", RunState_str(t->from),
                    RunState_str(t->to));
        }
    }
    /* Nothing but a reset path leads back before inmigrate. */
    for (int s = 0; s < RUN_STATE__MAX; s++) {
        if (s != RUN_STATE_PRELAUNCH && s != RUN_STATE_INMIGRATE) {
            g_assert_false(runstate_transition_allowed(s, RUN_STATE_INMIGRATE));
        }
    }
}

/* ---- the setter ---- */

/* Bring the machine back to prelaunch (as a system_reset would). */
static void back_to_prelaunch(void)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    g_assert_true(runstate_set(RUN_STATE_PRELAUNCH, NULL));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);
}

static void test_set_and_message(void)
{
    GError *err = NULL;

    back_to_prelaunch();
    g_assert_false(runstate_set(RUN_STATE_POSTMIGRATE, &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==,
                    "invalid runstate transition: 'prelaunch' -> 'postmigrate'");
    g_clear_error(&err);
    /* Nothing changed. */
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));

    g_assert_true(runstate_set(RUN_STATE_INMIGRATE, &err));
    g_assert_no_error(err);
    g_assert_true(runstate_check(RUN_STATE_INMIGRATE));
    g_assert_false(runstate_is_running());
    g_assert_true(runstate_set(RUN_STATE_INMIGRATE, &err));

    g_assert_false(runstate_set(RUN_STATE_DEBUG, NULL));
    g_assert_true(runstate_set(RUN_STATE_SHUTDOWN, NULL));
    g_assert_false(runstate_set(RUN_STATE_RUNNING, &err));
    g_assert_cmpstr(err->message, ==,
                    "invalid runstate transition: 'shutdown' -> 'running'");
    g_clear_error(&err);
    g_assert_true(runstate_check(RUN_STATE_SHUTDOWN));

    g_assert_true(runstate_set(RUN_STATE_PRELAUNCH, NULL));
    g_assert_true(runstate_set(RUN_STATE_RUNNING, NULL));
    g_assert_true(runstate_is_running());
    g_assert_true(runstate_set(RUN_STATE_FINISH_MIGRATE, NULL));
    g_assert_true(runstate_set(RUN_STATE_POSTMIGRATE, NULL));
    g_assert_false(runstate_set(RUN_STATE_INMIGRATE, &err));
    g_assert_cmpstr(err->message, ==,
                    "invalid runstate transition: 'postmigrate' -> 'inmigrate'");
    g_clear_error(&err);
    back_to_prelaunch();
}

/* ---- vm_start / vm_stop ---- */

typedef struct ChangeLog {
    char text[512];
} ChangeLog;

/* What the change-state handlers saw: "<tag><+|-><state> ...". */
static ChangeLog change_log;

static void log_cb(void *opaque, bool running, RunState state)
{
    const char *tag = opaque;

    g_assert_cmpint(runstate_get(), ==, state);
    g_strlcat(change_log.text, tag, sizeof(change_log.text));
    g_strlcat(change_log.text, running ? "+" : "-", sizeof(change_log.text));
    g_strlcat(change_log.text, RunState_str(state), sizeof(change_log.text));
    g_strlcat(change_log.text, " ", sizeof(change_log.text));
}

static void log_expect(const char *want)
{
    g_assert_cmpstr(change_log.text, ==, want);
    change_log.text[0] = 0;
}

static void wait_virtual_moves(void)
{
    int64_t v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    gint64 deadline = g_get_monotonic_time() + WAIT_LIMIT_US;

    while (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) == v0) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
}

static void assert_virtual_frozen(void)
{
    int64_t v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    while (qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - h0 < 2 * SCALE_MS) {
        g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v0);
    }
}

static void test_vm_start_stop(void)
{
    VMChangeStateEntry *a, *b;

    back_to_prelaunch();
    change_log.text[0] = 0;
    a = qemu_add_vm_change_state_handler(log_cb, (void *)"a");
    b = qemu_add_vm_change_state_handler(log_cb, (void *)"b");

    /* Start: in registration order; the virtual clock runs. */
    vm_start();
    g_assert_true(runstate_check(RUN_STATE_RUNNING));
    g_assert_true(runstate_is_running());
    log_expect("a+running b+running ");
    wait_virtual_moves();
    /* Starting a running VM does nothing. */
    vm_start();
    log_expect("");

    /* Stop: reverse order; the virtual clock is frozen. */
    g_assert_cmpint(vm_stop(RUN_STATE_PAUSED), ==, 0);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    g_assert_false(runstate_is_running());
    log_expect("b-paused a-paused ");
    assert_virtual_frozen();

    /* Stopping a stopped VM changes nothing (qmp.md 9.5). */
    vm_stop(RUN_STATE_FINISH_MIGRATE);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    log_expect("");
    /* The forced form moves it, still without handlers. */
    vm_stop_force_state(RUN_STATE_FINISH_MIGRATE);
    g_assert_true(runstate_check(RUN_STATE_FINISH_MIGRATE));
    log_expect("");
    vm_stop_force_state(RUN_STATE_POSTMIGRATE);
    g_assert_true(runstate_check(RUN_STATE_POSTMIGRATE));
    log_expect("");

    /* cont after a migration: postmigrate -> running. */
    vm_start();
    g_assert_true(runstate_check(RUN_STATE_RUNNING));
    log_expect("a+running b+running ");

    /* The migration stop of a running VM notifies. */
    vm_stop_force_state(RUN_STATE_FINISH_MIGRATE);
    g_assert_true(runstate_check(RUN_STATE_FINISH_MIGRATE));
    log_expect("b-finish-migrate a-finish-migrate ");
    assert_virtual_frozen();
    /* A failed migration restarts the VM. */
    vm_start();
    log_expect("a+running b+running ");

    /* A deleted handler is not called again. */
    qemu_del_vm_change_state_handler(a);
    vm_stop(RUN_STATE_PAUSED);
    log_expect("b-paused ");
    qemu_del_vm_change_state_handler(b);
    vm_start();
    log_expect("");
    vm_stop(RUN_STATE_PAUSED);
    back_to_prelaunch();
}

static void test_vm_stop_keeps_stopped_state(void)
{
    static const RunState stopped[] = {
        RUN_STATE_PRELAUNCH, RUN_STATE_SHUTDOWN, RUN_STATE_INTERNAL_ERROR,
        RUN_STATE_POSTMIGRATE, RUN_STATE_INMIGRATE,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(stopped); i++) {
        back_to_prelaunch();
        if (stopped[i] == RUN_STATE_POSTMIGRATE) {
            runstate_set(RUN_STATE_FINISH_MIGRATE, NULL);
        } else if (stopped[i] == RUN_STATE_INTERNAL_ERROR) {
            runstate_set(RUN_STATE_INMIGRATE, NULL);
        }
        g_assert_true(runstate_set(stopped[i], NULL));
        g_assert_cmpint(vm_stop(RUN_STATE_PAUSED), ==, 0);
        g_assert_cmpint(runstate_get(), ==, stopped[i]);
    }
    back_to_prelaunch();
}

static void test_vm_suspended_resume(void)
{
    back_to_prelaunch();
    vm_start();
    g_assert_true(runstate_set(RUN_STATE_SUSPENDED, NULL));
    /* Only "running" counts as running (query-status "running"). */
    g_assert_false(runstate_is_running());
    /* A stopped suspended guest comes back suspended. */
    vm_stop(RUN_STATE_PAUSED);
    g_assert_true(runstate_check(RUN_STATE_PAUSED));
    vm_start();
    g_assert_true(runstate_check(RUN_STATE_SUSPENDED));
    g_assert_true(runstate_set(RUN_STATE_RUNNING, NULL));
    vm_stop(RUN_STATE_PAUSED);
    vm_start();
    g_assert_true(runstate_check(RUN_STATE_RUNNING));
    vm_stop(RUN_STATE_PAUSED);
    back_to_prelaunch();
}

/* ---- reset ---- */

static int reset_calls;

static void reset_handler(void *opaque)
{
    reset_calls += GPOINTER_TO_INT(opaque);
}

static void test_system_reset(void)
{
    back_to_prelaunch();
    reset_calls = 0;
    qemu_register_reset(reset_handler, GINT_TO_POINTER(1));
    qemu_register_reset(reset_handler, GINT_TO_POINTER(10));

    /* A stopped VM goes back to prelaunch. */
    vm_start();
    vm_stop(RUN_STATE_PAUSED);
    qemu_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    g_assert_cmpint(reset_calls, ==, 11);
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));

    /* A running VM stays running. */
    vm_start();
    qemu_system_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_cmpint(reset_calls, ==, 22);
    g_assert_true(runstate_check(RUN_STATE_RUNNING));

    /* A powered-off guest needs the reset before it can run. */
    vm_stop(RUN_STATE_SHUTDOWN);
    g_assert_false(runstate_set(RUN_STATE_RUNNING, NULL));
    qemu_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));
    vm_start();
    g_assert_true(runstate_check(RUN_STATE_RUNNING));
    vm_stop(RUN_STATE_PAUSED);

    /* inmigrate and finish-migrate keep their state. */
    back_to_prelaunch();
    runstate_set(RUN_STATE_INMIGRATE, NULL);
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    g_assert_true(runstate_check(RUN_STATE_INMIGRATE));
    back_to_prelaunch();
    runstate_set(RUN_STATE_FINISH_MIGRATE, NULL);
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    g_assert_true(runstate_check(RUN_STATE_FINISH_MIGRATE));

    qemu_unregister_reset(reset_handler, GINT_TO_POINTER(1));
    qemu_unregister_reset(reset_handler, GINT_TO_POINTER(10));
    reset_calls = 0;
    back_to_prelaunch();
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
    g_assert_cmpint(reset_calls, ==, 0);
}

/* ---- requests through the main loop ---- */

static gboolean flag_timeout(gpointer opaque)
{
    *(bool *)opaque = true;
    main_loop_quit();
    return G_SOURCE_REMOVE;
}

/* Let the main loop process pending requests (non-blocking). */
static void drain_main_loop(void)
{
    for (int i = 0; i < 20; i++) {
        main_loop_iterate_nonblocking();
    }
}

/* Run the main loop until something quits it; false on the safety timeout. */
static bool run_until_quit(void)
{
    bool expired = false;
    guint id = g_timeout_add(WAIT_LIMIT_US / 1000, flag_timeout, &expired);

    main_loop_run();
    if (!expired) {
        g_source_remove(id);
    }
    return !expired;
}

static int powerdown_calls;

static void count_powerdown(void)
{
    g_assert_true(bql_locked());
    powerdown_calls++;
}

static void test_requests_no_shutdown(void)
{
    back_to_prelaunch();
    no_shutdown = true;
    reset_calls = 0;
    qemu_register_reset(reset_handler, GINT_TO_POINTER(1));

    /* Guest power-off with -no-shutdown: the VM stops in "shutdown". */
    vm_start();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    g_assert_true(runstate_check(RUN_STATE_RUNNING));
    drain_main_loop();
    g_assert_true(runstate_check(RUN_STATE_SHUTDOWN));

    /* system_reset gets it to prelaunch. */
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    drain_main_loop();
    g_assert_cmpint(reset_calls, ==, 1);
    g_assert_true(runstate_check(RUN_STATE_PRELAUNCH));

    /*
     * A power-off request still queued when the VM was stopped for
     * migration must not abort on an invalid transition.
     */
    vm_start();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    vm_stop(RUN_STATE_FINISH_MIGRATE);
    runstate_set(RUN_STATE_POSTMIGRATE, NULL);
    drain_main_loop();
    g_assert_true(runstate_check(RUN_STATE_POSTMIGRATE));

    /* Power-button presses queued together reach the board once. */
    powerdown_calls = 0;
    machine_powerdown_hook = count_powerdown;
    qemu_system_powerdown_request();
    qemu_system_powerdown_request();
    g_assert_cmpint(powerdown_calls, ==, 0);
    drain_main_loop();
    g_assert_cmpint(powerdown_calls, ==, 1);
    g_assert_true(runstate_check(RUN_STATE_POSTMIGRATE));
    machine_powerdown_hook = NULL;

    qemu_unregister_reset(reset_handler, GINT_TO_POINTER(1));
    no_shutdown = false;
    back_to_prelaunch();
}

typedef struct RequestThread {
    ShutdownCause cause;
    int code;
    bool reset;
} RequestThread;

static gpointer request_thread_fn(gpointer opaque)
{
    RequestThread *r = opaque;

    /* The vCPU thread asks without holding the BQL. */
    if (r->reset) {
        qemu_system_reset_request(r->cause);
    } else {
        qemu_system_shutdown_request_with_code(r->cause, r->code);
    }
    return NULL;
}

static void test_requests_shutdown_quits(void)
{
    RequestThread r = { .cause = SHUTDOWN_CAUSE_GUEST_SHUTDOWN, .code = 3 };
    GThread *th;

    back_to_prelaunch();
    vm_start();
    /* Guest power-off with an exit code, from another thread. */
    th = g_thread_new("vcpu", request_thread_fn, &r);
    g_assert_true(run_until_quit());
    g_assert_cmpint(qemu_exit_status, ==, 3);
    bql_unlock();
    g_thread_join(th);
    bql_lock();

    /* -no-reboot: a guest reset becomes a shutdown; no reset runs. */
    no_reboot = true;
    reset_calls = 0;
    qemu_register_reset(reset_handler, GINT_TO_POINTER(1));
    r = (RequestThread){ .cause = SHUTDOWN_CAUSE_GUEST_RESET, .reset = true };
    th = g_thread_new("vcpu", request_thread_fn, &r);
    g_assert_true(run_until_quit());
    g_assert_cmpint(reset_calls, ==, 0);
    bql_unlock();
    g_thread_join(th);
    bql_lock();
    no_reboot = false;

    /* Without it, the reset happens and the VM keeps running. */
    th = g_thread_new("vcpu", request_thread_fn, &r);
    bql_unlock();
    g_thread_join(th);
    bql_lock();
    drain_main_loop();
    g_assert_cmpint(reset_calls, ==, 1);
    g_assert_true(runstate_check(RUN_STATE_RUNNING));
    qemu_unregister_reset(reset_handler, GINT_TO_POINTER(1));

    /* QMP quit always leaves the loop. */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_assert_true(run_until_quit());
    vm_stop(RUN_STATE_PAUSED);
    back_to_prelaunch();
    qemu_exit_status = 0;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    main_loop_init();
    /* The initial state. */
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);
    g_assert_true(autostart);

    g_test_add_func("/runstate/table/names", test_state_names);
    g_test_add_func("/runstate/table/main-transitions-allowed",
                    test_main_transitions_allowed);
    g_test_add_func("/runstate/table/refused", test_transitions_refused);
    g_test_add_func("/runstate/set/message", test_set_and_message);
    g_test_add_func("/runstate/vm/start-stop", test_vm_start_stop);
    g_test_add_func("/runstate/vm/stop-keeps-stopped-state",
                    test_vm_stop_keeps_stopped_state);
    g_test_add_func("/runstate/vm/suspended-resume", test_vm_suspended_resume);
    g_test_add_func("/runstate/reset/system-reset", test_system_reset);
    g_test_add_func("/runstate/requests/no-shutdown",
                    test_requests_no_shutdown);
    g_test_add_func("/runstate/requests/shutdown-quits",
                    test_requests_shutdown_quits);
    return g_test_run();
}

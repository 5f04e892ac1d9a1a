/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/main-loop.c: the BQL (per-thread ownership, waiting
 * on a condition with it), main_loop_schedule() from other threads, and
 * the poll function that releases the BQL while the main thread sleeps.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

/* Spin (yielding) until *flag is set; false after WAIT_LIMIT_US. */
static bool wait_flag(const int *flag)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_LIMIT_US;

    while (!qatomic_read(flag)) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(100);
    }
    return true;
}

/* ---- BQL ownership ---- */

typedef struct LockProbe {
    int started;
    int acquired;
    int release;
    bool locked_before;
    bool locked_inside;
    bool locked_after;
} LockProbe;

static gpointer lock_probe_fn(gpointer opaque)
{
    LockProbe *p = opaque;

    p->locked_before = bql_locked();
    qatomic_set(&p->started, 1);
    bql_lock();
    p->locked_inside = bql_locked();
    qatomic_set(&p->acquired, 1);
    wait_flag(&p->release);
    bql_unlock();
    p->locked_after = bql_locked();
    return NULL;
}

static void test_bql_per_thread(void)
{
    LockProbe p = { 0 };
    GThread *th;

    g_assert_true(bql_locked());
    th = g_thread_new("probe", lock_probe_fn, &p);
    g_assert_true(wait_flag(&p.started));
    /* The main thread holds the BQL: the probe cannot have it. */
    g_usleep(20000);
    g_assert_false(qatomic_read(&p.acquired));
    g_assert_true(bql_locked());

    bql_unlock();
    g_assert_false(bql_locked());
    g_assert_true(wait_flag(&p.acquired));
    /* Held by the probe now; still not by this thread. */
    g_assert_false(bql_locked());
    qatomic_set(&p.release, 1);
    g_thread_join(th);
    bql_lock();
    g_assert_true(bql_locked());

    g_assert_false(p.locked_before);
    g_assert_true(p.locked_inside);
    g_assert_false(p.locked_after);
}

static void test_bql_misuse_asserts(void)
{
    if (g_test_subprocess()) {
        /* Not recursive: taking it twice is our bug. */
        bql_lock();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
}

static void test_bql_unlock_unheld_asserts(void)
{
    if (g_test_subprocess()) {
        bql_unlock();
        bql_unlock();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
}

/* ---- waiting with the BQL ---- */

typedef struct CondProbe {
    GCond cond;
    int value;
    bool probe_held;
} CondProbe;

static gpointer cond_signal_fn(gpointer opaque)
{
    CondProbe *c = opaque;

    /* Only possible while the waiter has released the BQL. */
    bql_lock();
    c->probe_held = bql_locked();
    c->value = 42;
    g_cond_broadcast(&c->cond);
    bql_unlock();
    return NULL;
}

static void test_bql_cond_wait(void)
{
    CondProbe c = { 0 };
    GThread *th;

    g_cond_init(&c.cond);
    th = g_thread_new("signal", cond_signal_fn, &c);
    while (c.value != 42) {
        bql_cond_wait(&c.cond);
        g_assert_true(bql_locked());
    }
    g_assert_true(c.probe_held);
    bql_unlock();
    g_thread_join(th);
    bql_lock();
    g_cond_clear(&c.cond);
}

static void test_bql_cond_wait_until(void)
{
    CondProbe c = { 0 };
    GThread *th;
    gint64 start, deadline;

    g_cond_init(&c.cond);

    /* Nobody signals: false at the deadline, with the BQL held again. */
    start = g_get_monotonic_time();
    g_assert_false(bql_cond_wait_until(&c.cond, start + 20000));
    g_assert_cmpint(g_get_monotonic_time(), >=, start + 20000);
    g_assert_true(bql_locked());

    /* A signal before the deadline: true. */
    th = g_thread_new("signal", cond_signal_fn, &c);
    deadline = g_get_monotonic_time() + WAIT_LIMIT_US;
    while (c.value != 42) {
        g_assert_true(bql_cond_wait_until(&c.cond, deadline) ||
                      c.value == 42);
        g_assert_true(bql_locked());
    }
    bql_unlock();
    g_thread_join(th);
    bql_lock();
    g_cond_clear(&c.cond);
}

/* ---- main_loop_schedule ---- */

typedef struct Scheduled {
    GThread *ran_on;
    bool bql_held;
    int runs;
    int order[8];
} Scheduled;

typedef struct SchedArg {
    Scheduled *s;
    int tag;
} SchedArg;

static void scheduled_fn(void *opaque)
{
    SchedArg *a = opaque;
    Scheduled *s = a->s;

    s->ran_on = g_thread_self();
    s->bql_held = bql_locked();
    g_assert_cmpint(s->runs, <, (int)G_N_ELEMENTS(s->order));
    s->order[s->runs++] = a->tag;
}

static gboolean flag_timeout(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/* Iterate until *count >= want; false if the safety timeout fired first. */
static bool iterate_until(const int *count, int want)
{
    bool expired = false;
    guint id = g_timeout_add(WAIT_LIMIT_US / 1000, flag_timeout, &expired);

    while (*count < want && !expired) {
        g_main_context_iteration(NULL, TRUE);
    }
    if (!expired) {
        g_source_remove(id);
    }
    return !expired && *count >= want;
}

typedef struct ScheduleFromThread {
    SchedArg args[3];
    int done;
} ScheduleFromThread;

static gpointer schedule_thread_fn(gpointer opaque)
{
    ScheduleFromThread *st = opaque;

    /* Scheduling needs no lock; the main thread may be asleep in poll. */
    g_assert_false(bql_locked());
    for (int i = 0; i < 3; i++) {
        main_loop_schedule(scheduled_fn, &st->args[i]);
    }
    qatomic_set(&st->done, 1);
    return NULL;
}

static void test_schedule_from_thread(void)
{
    Scheduled s = { 0 };
    ScheduleFromThread st = { 0 };
    GThread *th;

    for (int i = 0; i < 3; i++) {
        st.args[i] = (SchedArg){ .s = &s, .tag = i + 1 };
    }
    th = g_thread_new("scheduler", schedule_thread_fn, &st);
    g_assert_true(iterate_until(&s.runs, 3));
    bql_unlock();
    g_thread_join(th);
    bql_lock();
    g_assert_true(s.ran_on == g_thread_self());
    g_assert_true(s.bql_held);
    /* Each call runs exactly once. */
    for (int i = 0; i < 10; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_cmpint(s.runs, ==, 3);
    g_assert_cmpint(s.order[0] + s.order[1] + s.order[2], ==, 6);
}

static void test_schedule_iterate_nonblocking(void)
{
    Scheduled s = { 0 };
    SchedArg a = { .s = &s, .tag = 7 };

    main_loop_schedule(scheduled_fn, &a);
    /* Scheduled calls wait for the loop. */
    g_assert_cmpint(s.runs, ==, 0);
    main_loop_iterate_nonblocking();
    g_assert_cmpint(s.runs, ==, 1);
    g_assert_cmpint(s.order[0], ==, 7);
    g_assert_true(s.bql_held);
    /* Nothing to do: does not block. */
    main_loop_iterate_nonblocking();
    g_assert_cmpint(s.runs, ==, 1);
}

/* ---- the poll function releases the BQL ---- */

typedef struct PollProbe {
    int in_loop;        /* set by the main thread from inside the loop */
    int took_bql;       /* the probe thread got the BQL */
    bool timed_out;
    GThread *main_thread;
    bool quit_ran_on_main;
} PollProbe;

static void quit_fn(void *opaque)
{
    PollProbe *p = opaque;

    p->quit_ran_on_main = g_thread_self() == p->main_thread && bql_locked();
    main_loop_quit();
}

static gboolean mark_in_loop(gpointer opaque)
{
    PollProbe *p = opaque;

    g_assert_true(bql_locked());
    qatomic_set(&p->in_loop, 1);
    return G_SOURCE_REMOVE;
}

static gpointer poll_probe_fn(gpointer opaque)
{
    PollProbe *p = opaque;

    wait_flag(&p->in_loop);
    /* The main thread is (or will soon be) blocked in poll without BQL. */
    bql_lock();
    qatomic_set(&p->took_bql, 1);
    main_loop_schedule(quit_fn, p);
    bql_unlock();
    return NULL;
}

static gboolean poll_safety(gpointer opaque)
{
    PollProbe *p = opaque;

    p->timed_out = true;
    main_loop_quit();
    return G_SOURCE_REMOVE;
}

static void test_poll_drops_bql(void)
{
    PollProbe p = { .main_thread = g_thread_self() };
    GThread *th;
    guint safety;

    g_idle_add(mark_in_loop, &p);
    safety = g_timeout_add(WAIT_LIMIT_US / 1000, poll_safety, &p);
    th = g_thread_new("poll-probe", poll_probe_fn, &p);
    main_loop_run();
    g_assert_false(p.timed_out);
    g_source_remove(safety);
    g_assert_true(qatomic_read(&p.took_bql));
    g_assert_true(p.quit_ran_on_main);
    g_assert_true(bql_locked());
    bql_unlock();
    g_thread_join(th);
    bql_lock();
}

static gpointer quit_thread_fn(gpointer opaque)
{
    wait_flag(opaque);
    main_loop_quit();
    return NULL;
}

static void test_quit_from_thread(void)
{
    PollProbe p = { .main_thread = g_thread_self() };
    GThread *th;
    guint safety;

    g_idle_add(mark_in_loop, &p);
    safety = g_timeout_add(WAIT_LIMIT_US / 1000, poll_safety, &p);
    th = g_thread_new("quitter", quit_thread_fn, &p.in_loop);
    main_loop_run();
    g_assert_false(p.timed_out);
    g_source_remove(safety);
    bql_unlock();
    g_thread_join(th);
    bql_lock();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    /* The BQL belongs to the main thread once the loop is set up. */
    g_assert_false(bql_locked());
    main_loop_init();
    g_assert_true(bql_locked());
    main_loop_init();
    g_assert_true(bql_locked());

    g_test_add_func("/main-loop/bql/per-thread", test_bql_per_thread);
    g_test_add_func("/main-loop/bql/lock-twice-asserts",
                    test_bql_misuse_asserts);
    g_test_add_func("/main-loop/bql/unlock-unheld-asserts",
                    test_bql_unlock_unheld_asserts);
    g_test_add_func("/main-loop/bql/cond-wait", test_bql_cond_wait);
    g_test_add_func("/main-loop/bql/cond-wait-until", test_bql_cond_wait_until);
    g_test_add_func("/main-loop/schedule/from-thread",
                    test_schedule_from_thread);
    g_test_add_func("/main-loop/schedule/iterate-nonblocking",
                    test_schedule_iterate_nonblocking);
    g_test_add_func("/main-loop/poll/drops-bql", test_poll_drops_bql);
    g_test_add_func("/main-loop/run/quit-from-thread", test_quit_from_thread);
    return g_test_run();
}

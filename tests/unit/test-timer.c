/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/qemu-timer.c: the realtime and virtual clocks,
 * arming and disarming timers, deadline order, callbacks that re-arm or
 * free timers, the virtual clock's running/stopped/manual modes, manual
 * advancing, and the main-loop source that fires timers.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"

/* Generous bound for "soon" on a loaded machine; tests poll up to it. */
#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

/* ---- a timer that records every firing ---- */

typedef struct Fired {
    int order[32];          /* tag of each firing, in firing order */
    int64_t clock_at[32];   /* the timer's clock value seen in the callback */
    int count;
} Fired;

typedef struct TagTimer {
    QEMUTimer *timer;
    QEMUClockType type;
    Fired *log;
    int tag;
    int rearm_left;         /* re-arm this many more times ... */
    int64_t rearm_delta;    /* ... at "now + rearm_delta" */
    bool free_self;         /* free the timer from its own callback */
    QEMUTimer *free_other;  /* free this other timer from the callback */
    QEMUTimer *arm_other;   /* arm this other timer ... */
    int64_t arm_other_at;   /* ... at this deadline */
} TagTimer;

static void tag_cb(void *opaque)
{
    TagTimer *tt = opaque;
    Fired *f = tt->log;

    g_assert_cmpint(f->count, <, (int)G_N_ELEMENTS(f->order));
    f->order[f->count] = tt->tag;
    f->clock_at[f->count] = qemu_clock_get_ns(tt->type);
    f->count++;
    /* A disarmed timer is not pending while its callback runs. */
    if (tt->timer) {
        g_assert_false(timer_pending(tt->timer));
    }
    if (tt->rearm_left > 0) {
        tt->rearm_left--;
        timer_mod(tt->timer, qemu_clock_get_ns(tt->type) + tt->rearm_delta);
    }
    if (tt->arm_other) {
        timer_mod(tt->arm_other, tt->arm_other_at);
        tt->arm_other = NULL;
    }
    if (tt->free_other) {
        timer_free(tt->free_other);
        tt->free_other = NULL;
    }
    if (tt->free_self) {
        timer_free(tt->timer);
        tt->timer = NULL;
    }
}

static void tag_init(TagTimer *tt, QEMUClockType type, Fired *log, int tag)
{
    *tt = (TagTimer){ .type = type, .log = log, .tag = tag };
    tt->timer = timer_new_ns(type, tag_cb, tt);
}

static void tag_cleanup(TagTimer *tt)
{
    timer_free(tt->timer);
    tt->timer = NULL;
}

/* Put the virtual clock in a known state: stopped, not manual, at ns. */
static void vclock_reset(int64_t ns)
{
    qemu_virtual_clock_set_manual(false);
    qemu_virtual_clock_stop();
    qemu_virtual_clock_set_ns(ns);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, -1);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_REALTIME), ==, -1);
}

/* ---- clocks ---- */

static void test_realtime_clock(void)
{
    int64_t a, b, wall, host_wall;

    a = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    for (int i = 0; i < 1000; i++) {
        b = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
        g_assert_cmpint(b, >=, a);
        a = b;
    }
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_REALTIME), ==,
                    qemu_clock_get_ns(QEMU_CLOCK_REALTIME) / SCALE_MS);

    /* The wall clock is epoch time, within a second of glib's. */
    host_wall = g_get_real_time() * SCALE_US;
    wall = qemu_realtime_wall_ns();
    g_assert_cmpint(wall, >=, host_wall);
    g_assert_cmpint(wall - host_wall, <, NANOSECONDS_PER_SECOND);
}

static void test_virtual_stopped_is_frozen(void)
{
    int64_t h0;

    vclock_reset(12345);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 12345);
    /* Host time passes, the stopped clock does not move. */
    h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    while (qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - h0 < 2 * SCALE_MS) {
        g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 12345);
    }
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 12345);
}

static void test_virtual_start_stop(void)
{
    int64_t v0, v1, v2, h0, h1, deadline;

    vclock_reset(1000000);
    v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    /* Started, it moves with host time from where it stood. */
    h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    qemu_virtual_clock_start();
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    h1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(v1, >=, v0);
    g_assert_cmpint(v1 - v0, <=, h1 - h0);

    deadline = g_get_monotonic_time() + WAIT_LIMIT_US;
    do {
        v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
    } while (v2 < v1 + SCALE_MS);

    /* A second start does not jump. */
    h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    qemu_virtual_clock_start();
    v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    h1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(v2, >=, v1);
    g_assert_cmpint(v2 - v1, <=, h1 - h0);

    /* Stopped, it freezes at the value it had. */
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    qemu_virtual_clock_stop();
    v2 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v2, >=, v1);
    h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    while (qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - h0 < 2 * SCALE_MS) {
        g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v2);
    }
    /* Stopping twice changes nothing; restarting continues from v2. */
    qemu_virtual_clock_stop();
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v2);
    h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    qemu_virtual_clock_start();
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    h1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(v1, >=, v2);
    g_assert_cmpint(v1 - v2, <=, h1 - h0);
    qemu_virtual_clock_stop();
}

static void test_virtual_set_ns(void)
{
    int64_t h0, h1, v;

    vclock_reset(0);
    qemu_virtual_clock_set_ns(5 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==,
                    5 * NANOSECONDS_PER_SECOND);
    /* Setting may go backwards (loading the guest's time base). */
    qemu_virtual_clock_set_ns(7);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 7);

    /* While running, the clock continues from the value set. */
    qemu_virtual_clock_start();
    h0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    qemu_virtual_clock_set_ns(3 * NANOSECONDS_PER_SECOND);
    v = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    h1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(v, >=, 3 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(v - 3 * NANOSECONDS_PER_SECOND, <=, h1 - h0);
    qemu_virtual_clock_stop();
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >=,
                    3 * NANOSECONDS_PER_SECOND);
}

/* ---- arming ---- */

static void test_mod_del_pending(void)
{
    Fired log = { 0 };
    TagTimer a;

    vclock_reset(1000);
    tag_init(&a, QEMU_CLOCK_VIRTUAL, &log, 1);
    g_assert_false(timer_pending(a.timer));
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, -1);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);

    timer_mod(a.timer, 5000);
    g_assert_true(timer_pending(a.timer));
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, 5000);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, 5000);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 4000);

    /* Re-arming moves the deadline; it is still one armed timer. */
    timer_mod(a.timer, 3000);
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, 3000);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, 3000);
    timer_del(a.timer);
    g_assert_false(timer_pending(a.timer));
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, -1);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, -1);
    /* Deleting a disarmed timer is harmless. */
    timer_del(a.timer);

    /* A deadline in the past is due now; negative ones clamp to 0. */
    timer_mod(a.timer, 10);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 0);
    timer_mod(a.timer, -50);
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, 0);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 1);
    g_assert_false(timer_pending(a.timer));
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));

    /* Freeing an armed timer disarms it; NULL is ignored. */
    timer_mod(a.timer, 2000);
    tag_cleanup(&a);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, -1);
    timer_free(NULL);
    g_assert_cmpint(log.count, ==, 1);
}

static void test_deadline_order(void)
{
    static const int64_t when[] = { 5000, 3000, 4000, 9000, 2000, 4000 };
    Fired log = { 0 };
    TagTimer t[G_N_ELEMENTS(when)];

    vclock_reset(1000);
    for (size_t i = 0; i < G_N_ELEMENTS(when); i++) {
        tag_init(&t[i], QEMU_CLOCK_VIRTUAL, &log, i);
        timer_mod(t[i].timer, when[i]);
    }
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, 2000);

    /* Nothing is due yet. */
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 0);

    /* Up to 4000: 2000, 3000, then the two 4000s in the order armed. */
    qemu_virtual_clock_set_ns(4000);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 4);
    g_assert_cmpint(log.order[0], ==, 4);
    g_assert_cmpint(log.order[1], ==, 1);
    g_assert_cmpint(log.order[2], ==, 2);
    g_assert_cmpint(log.order[3], ==, 5);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, 5000);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 1000);

    /* Clocks are independent: the realtime list is empty. */
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_REALTIME));

    qemu_virtual_clock_set_ns(100000);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 6);
    g_assert_cmpint(log.order[4], ==, 0);
    g_assert_cmpint(log.order[5], ==, 3);
    for (size_t i = 0; i < G_N_ELEMENTS(when); i++) {
        tag_cleanup(&t[i]);
    }
}

static void test_equal_deadlines_fifo(void)
{
    Fired log = { 0 };
    TagTimer t[4];

    vclock_reset(0);
    for (int i = 0; i < 4; i++) {
        tag_init(&t[i], QEMU_CLOCK_VIRTUAL, &log, i);
        timer_mod(t[i].timer, 500);
    }
    /* Re-arming moves a timer behind the others with its deadline. */
    timer_mod(t[1].timer, 500);
    qemu_virtual_clock_set_ns(500);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 4);
    g_assert_cmpint(log.order[0], ==, 0);
    g_assert_cmpint(log.order[1], ==, 2);
    g_assert_cmpint(log.order[2], ==, 3);
    g_assert_cmpint(log.order[3], ==, 1);
    for (int i = 0; i < 4; i++) {
        tag_cleanup(&t[i]);
    }
}

/* ---- callbacks that change the timer lists ---- */

static void test_rearm_from_callback(void)
{
    Fired log = { 0 };
    TagTimer a, b;

    vclock_reset(1000);
    /* Re-armed into the future: fires once per run. */
    tag_init(&a, QEMU_CLOCK_VIRTUAL, &log, 1);
    a.rearm_left = 100;
    a.rearm_delta = 250;
    timer_mod(a.timer, 1000);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 1);
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, 1250);
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    qemu_virtual_clock_set_ns(1250);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 2);
    g_assert_cmpint(timer_expire_time_ns(a.timer), ==, 1500);

    /*
     * Re-armed at "now": due again at once, but a run fires it only once
     * (it was re-armed during the run); the next run fires it again.
     */
    tag_init(&b, QEMU_CLOCK_VIRTUAL, &log, 2);
    b.rearm_left = 3;
    b.rearm_delta = 0;
    timer_mod(b.timer, 1250);
    for (int i = 0; i < 4; i++) {
        g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
        g_assert_cmpint(log.count, ==, 3 + i);
        g_assert_cmpint(log.order[2 + i], ==, 2);
    }
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 6);
    g_assert_false(timer_pending(b.timer));
    g_assert_true(timer_pending(a.timer));
    tag_cleanup(&a);
    tag_cleanup(&b);
}

static void test_free_from_callback(void)
{
    Fired log = { 0 };
    TagTimer a, b, c, d;

    vclock_reset(0);
    tag_init(&a, QEMU_CLOCK_VIRTUAL, &log, 1);
    tag_init(&b, QEMU_CLOCK_VIRTUAL, &log, 2);
    tag_init(&c, QEMU_CLOCK_VIRTUAL, &log, 3);
    tag_init(&d, QEMU_CLOCK_VIRTUAL, &log, 4);

    /* a frees itself; b (due) frees c (also due, later) before it fires. */
    a.free_self = true;
    b.free_other = c.timer;
    c.timer = NULL;
    timer_mod(a.timer, 10);
    timer_mod(b.timer, 20);
    timer_mod(b.free_other, 30);
    /* d arms a new timer that is already due: it fires in the same run. */
    d.arm_other = timer_new_ns(QEMU_CLOCK_VIRTUAL, tag_cb, &c);
    c.timer = d.arm_other;
    d.arm_other_at = 5;
    timer_mod(d.timer, 40);

    qemu_virtual_clock_set_ns(100);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 4);
    g_assert_cmpint(log.order[0], ==, 1);
    g_assert_cmpint(log.order[1], ==, 2);
    g_assert_cmpint(log.order[2], ==, 4);
    g_assert_cmpint(log.order[3], ==, 3);
    g_assert_null(a.timer);
    g_assert_cmpint(qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL), ==, -1);
    tag_cleanup(&b);
    tag_cleanup(&c);
    tag_cleanup(&d);
}

/* ---- manual mode (-accel qtest) ---- */

static void test_manual_frozen(void)
{
    int64_t h0;

    vclock_reset(777);
    qemu_virtual_clock_start();
    qemu_virtual_clock_set_manual(true);
    g_assert_true(qemu_virtual_clock_is_manual());
    /* Switching to manual stopped the running clock. */
    h0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(h0, >=, 777);
    /* start() does not make a manual clock run. */
    qemu_virtual_clock_start();
    for (int i = 0; i < 1000; i++) {
        g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, h0);
    }
    qemu_virtual_clock_set_manual(false);
    g_assert_false(qemu_virtual_clock_is_manual());
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, h0);
}

static void test_manual_advance(void)
{
    Fired log = { 0 };
    TagTimer t[5];
    static const int64_t when[] = { 1300, 1100, 1200, 2000 };

    vclock_reset(1000);
    qemu_virtual_clock_set_manual(true);
    for (int i = 0; i < 4; i++) {
        tag_init(&t[i], QEMU_CLOCK_VIRTUAL, &log, i);
        timer_mod(t[i].timer, when[i]);
    }
    /* The 1200 timer arms another one at 1250, inside the window. */
    tag_init(&t[4], QEMU_CLOCK_VIRTUAL, &log, 4);
    t[2].arm_other = t[4].timer;
    t[2].arm_other_at = 1250;
    /* The 1100 timer re-arms itself 50 ns later, once. */
    t[1].rearm_left = 1;
    t[1].rearm_delta = 50;

    g_assert_cmpint(qemu_clock_advance_virtual(1500), ==, 1500);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 1500);
    g_assert_cmpint(log.count, ==, 5);
    /* Deadline order, each seeing the clock at its own deadline. */
    g_assert_cmpint(log.order[0], ==, 1);
    g_assert_cmpint(log.clock_at[0], ==, 1100);
    g_assert_cmpint(log.order[1], ==, 1);
    g_assert_cmpint(log.clock_at[1], ==, 1150);
    g_assert_cmpint(log.order[2], ==, 2);
    g_assert_cmpint(log.clock_at[2], ==, 1200);
    g_assert_cmpint(log.order[3], ==, 4);
    g_assert_cmpint(log.clock_at[3], ==, 1250);
    g_assert_cmpint(log.order[4], ==, 0);
    g_assert_cmpint(log.clock_at[4], ==, 1300);
    g_assert_true(timer_pending(t[3].timer));

    /* Never backwards: an earlier destination changes nothing. */
    g_assert_cmpint(qemu_clock_advance_virtual(1400), ==, 1500);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 1500);

    /* A timer armed in the past fires without moving the clock back. */
    timer_mod(t[0].timer, 900);
    g_assert_cmpint(qemu_clock_advance_virtual(1500), ==, 1500);
    g_assert_cmpint(log.count, ==, 6);
    g_assert_cmpint(log.clock_at[5], ==, 1500);

    /* Exactly at a deadline fires it; the clock lands on dest. */
    g_assert_cmpint(qemu_clock_advance_virtual(2000), ==, 2000);
    g_assert_cmpint(log.count, ==, 7);
    g_assert_cmpint(log.order[6], ==, 3);
    g_assert_cmpint(log.clock_at[6], ==, 2000);

    /* No timers: the clock jumps to dest. */
    g_assert_cmpint(qemu_clock_advance_virtual(123456789), ==, 123456789);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 123456789);
    for (int i = 0; i < 5; i++) {
        tag_cleanup(&t[i]);
    }
    qemu_virtual_clock_set_manual(false);
}

/* ---- bounded work, saturating arithmetic ---- */

/* A timer that re-arms itself every `period` ns forever, counting. */
typedef struct Ticker {
    QEMUTimer *timer;
    int64_t period;
    int64_t fired;
    int64_t last_clock;     /* clock value seen by the last callback */
} Ticker;

static void ticker_cb(void *opaque)
{
    Ticker *tk = opaque;

    tk->fired++;
    tk->last_clock = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    timer_mod(tk->timer, qemu_time_add_sat(tk->last_clock, tk->period));
}

static void test_saturating_arithmetic(void)
{
    g_assert_cmpint(qemu_time_add_sat(1, 2), ==, 3);
    g_assert_cmpint(qemu_time_add_sat(INT64_MAX - 1, 10), ==, INT64_MAX);
    g_assert_cmpint(qemu_time_add_sat(INT64_MAX, INT64_MAX), ==, INT64_MAX);
    g_assert_cmpint(qemu_time_add_sat(INT64_MIN + 1, -10), ==, INT64_MIN);
    g_assert_cmpint(qemu_time_add_sat(INT64_MAX, INT64_MIN), ==, -1);
    g_assert_cmpint(qemu_time_sub_sat(5, 7), ==, -2);
    g_assert_cmpint(qemu_time_sub_sat(INT64_MAX, -1), ==, INT64_MAX);
    g_assert_cmpint(qemu_time_sub_sat(INT64_MIN, 1), ==, INT64_MIN);
    g_assert_cmpint(qemu_time_sub_sat(0, INT64_MIN), ==, INT64_MAX);
}

/*
 * A callback that re-arms itself in the past (always due) cannot hold
 * qemu_clock_run_timers: one run fires it once.
 */
static void test_run_bounded_when_rearmed_in_past(void)
{
    Ticker tk = { .period = -1000 };

    vclock_reset(5000);
    tk.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, ticker_cb, &tk);
    timer_mod(tk.timer, 4000);
    for (int i = 1; i <= 3; i++) {
        g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
        g_assert_cmpint(tk.fired, ==, i);
        g_assert_true(timer_pending(tk.timer));
    }
    timer_free(tk.timer);
}

/*
 * A 1 ns periodic timer and a jump to the far end of time: the advance
 * stops at QEMU_CLOCK_ADVANCE_MAX_STOPS deadlines, then jumps and fires
 * the timer once more, late, at the destination (the hang this guards
 * against: one stop per period, 2^63 of them, under the BQL).
 */
static void test_advance_bounded(void)
{
    Ticker tk = { .period = 1 };
    const int64_t dest = INT64_MAX - 5;

    vclock_reset(1000);
    qemu_virtual_clock_set_manual(true);
    tk.timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, ticker_cb, &tk);
    timer_mod(tk.timer, 1001);
    g_assert_cmpint(qemu_clock_advance_virtual(dest), ==, dest);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, dest);
    g_assert_cmpint(tk.fired, ==, QEMU_CLOCK_ADVANCE_MAX_STOPS + 1);
    g_assert_cmpint(tk.last_clock, ==, dest);
    g_assert_cmpint(timer_expire_time_ns(tk.timer), ==, dest + 1);

    /* Up to the last representable ns: the re-arm saturates. */
    g_assert_cmpint(qemu_clock_advance_virtual(INT64_MAX), ==, INT64_MAX);
    g_assert_cmpint(tk.last_clock, ==, INT64_MAX);
    g_assert_cmpint(timer_expire_time_ns(tk.timer), ==, INT64_MAX);

    /* Fewer deadlines than the limit: every one fires at its own time. */
    timer_del(tk.timer);
    vclock_reset(0);
    qemu_virtual_clock_set_manual(true);
    tk.fired = 0;
    tk.period = 10;
    timer_mod(tk.timer, 10);
    g_assert_cmpint(qemu_clock_advance_virtual(1000), ==, 1000);
    g_assert_cmpint(tk.fired, ==, 100);
    g_assert_cmpint(tk.last_clock, ==, 1000);
    timer_free(tk.timer);
    qemu_virtual_clock_set_manual(false);
}

/* A migrated clock value at either end of the range does not overflow. */
static void test_virtual_set_ns_extremes(void)
{
    vclock_reset(0);
    qemu_virtual_clock_set_ns(-5);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 0);
    qemu_virtual_clock_set_ns(INT64_MAX);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, INT64_MAX);
    qemu_virtual_clock_start();
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >=,
                    INT64_MAX - NANOSECONDS_PER_SECOND);
    qemu_virtual_clock_set_ns(INT64_MAX);
    g_usleep(1000);
    /* Saturates at the end of time instead of wrapping negative. */
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, INT64_MAX);
    qemu_virtual_clock_set_ns(INT64_MIN);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >=, 0);
    qemu_virtual_clock_stop();
    vclock_reset(0);
}

/* ---- the main-loop source ---- */

static gboolean flag_timeout(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/*
 * Iterate the main loop until *count reaches want; false if the safety
 * timeout (WAIT_LIMIT_US) fired first, e.g. because the loop slept
 * through a deadline.
 */
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

static void test_main_loop_realtime(void)
{
    Fired log = { 0 };
    TagTimer a, b;
    int64_t deadline;

    vclock_reset(0);
    main_loop_init();
    g_assert_true(bql_locked());

    tag_init(&a, QEMU_CLOCK_REALTIME, &log, 1);
    tag_init(&b, QEMU_CLOCK_REALTIME, &log, 2);
    deadline = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 20 * SCALE_MS;
    timer_mod(a.timer, deadline + 5 * SCALE_MS);
    timer_mod(b.timer, deadline);
    g_assert_true(iterate_until(&log.count, 2));
    /* In deadline order, and never before the deadline. */
    g_assert_cmpint(log.order[0], ==, 2);
    g_assert_cmpint(log.order[1], ==, 1);
    g_assert_cmpint(log.clock_at[0], >=, deadline);
    g_assert_cmpint(log.clock_at[1], >=, deadline + 5 * SCALE_MS);
    tag_cleanup(&a);
    tag_cleanup(&b);
}

static void test_main_loop_virtual(void)
{
    Fired log = { 0 };
    TagTimer a, r;
    int64_t deadline;

    vclock_reset(0);
    main_loop_init();
    tag_init(&a, QEMU_CLOCK_VIRTUAL, &log, 1);

    /* Running: the virtual timer fires from the main loop. */
    qemu_virtual_clock_start();
    deadline = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + 10 * SCALE_MS;
    timer_mod(a.timer, deadline);
    g_assert_true(iterate_until(&log.count, 1));
    g_assert_cmpint(log.clock_at[0], >=, deadline);

    /*
     * Manual: a due virtual timer waits for qemu_clock_advance_virtual,
     * even when the source dispatches for a due realtime timer.
     */
    qemu_virtual_clock_set_manual(true);
    tag_init(&r, QEMU_CLOCK_REALTIME, &log, 2);
    timer_mod(a.timer, 0);
    timer_mod(r.timer, 0);
    g_assert_true(iterate_until(&log.count, 2));
    for (int i = 0; i < 10; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_cmpint(log.count, ==, 2);
    g_assert_cmpint(log.order[1], ==, 2);
    g_assert_true(timer_pending(a.timer));
    qemu_clock_advance_virtual(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    g_assert_cmpint(log.count, ==, 3);
    g_assert_cmpint(log.order[2], ==, 1);
    qemu_virtual_clock_set_manual(false);
    tag_cleanup(&a);
    tag_cleanup(&r);
}

typedef struct ArmFromThread {
    QEMUTimer *timer;
    int64_t when;
} ArmFromThread;

static gpointer arm_thread_fn(gpointer opaque)
{
    ArmFromThread *arm = opaque;

    /* The main thread sleeps in poll() without the BQL. */
    bql_lock();
    arm->when = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 5 * SCALE_MS;
    timer_mod(arm->timer, arm->when);
    bql_unlock();
    return NULL;
}

static void test_main_loop_wakeup_from_thread(void)
{
    Fired log = { 0 };
    TagTimer a;
    ArmFromThread arm;
    GThread *th;

    vclock_reset(0);
    main_loop_init();
    tag_init(&a, QEMU_CLOCK_REALTIME, &log, 1);
    arm.timer = a.timer;
    /*
     * With no timer armed the loop would sleep until the safety timeout;
     * arming from another thread must wake it to the new deadline.
     */
    th = g_thread_new("arm", arm_thread_fn, &arm);
    g_assert_true(iterate_until(&log.count, 1));
    bql_unlock();
    g_thread_join(th);
    bql_lock();
    g_assert_cmpint(log.clock_at[0], >=, arm.when);
    tag_cleanup(&a);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/timer/clock/realtime", test_realtime_clock);
    g_test_add_func("/timer/clock/virtual-stopped-frozen",
                    test_virtual_stopped_is_frozen);
    g_test_add_func("/timer/clock/virtual-start-stop", test_virtual_start_stop);
    g_test_add_func("/timer/clock/virtual-set-ns", test_virtual_set_ns);
    g_test_add_func("/timer/arm/mod-del-pending", test_mod_del_pending);
    g_test_add_func("/timer/arm/deadline-order", test_deadline_order);
    g_test_add_func("/timer/arm/equal-deadlines-fifo",
                    test_equal_deadlines_fifo);
    g_test_add_func("/timer/run/rearm-from-callback", test_rearm_from_callback);
    g_test_add_func("/timer/run/free-from-callback", test_free_from_callback);
    g_test_add_func("/timer/manual/frozen", test_manual_frozen);
    g_test_add_func("/timer/manual/advance", test_manual_advance);
    g_test_add_func("/timer/bounded/saturating-arithmetic",
                    test_saturating_arithmetic);
    g_test_add_func("/timer/bounded/run-rearmed-in-past",
                    test_run_bounded_when_rearmed_in_past);
    g_test_add_func("/timer/bounded/advance", test_advance_bounded);
    g_test_add_func("/timer/bounded/virtual-set-ns-extremes",
                    test_virtual_set_ns_extremes);
    g_test_add_func("/timer/main-loop/realtime", test_main_loop_realtime);
    g_test_add_func("/timer/main-loop/virtual", test_main_loop_virtual);
    g_test_add_func("/timer/main-loop/wakeup-from-thread",
                    test_main_loop_wakeup_from_thread);
    return g_test_run();
}

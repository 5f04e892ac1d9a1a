/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The convergence estimator (migration/convergence.c): the downtime ramp,
 * the ETA simulation, progress that never runs backwards, stall
 * detection with its evidence, confidence, and the budget's decisions,
 * all driven with a synthetic clock.
 */
#include "qemu/osdep.h"
#include "migration/convergence.h"

#define MIB (1024 * 1024)
#define RAM (128 * MIB)

/* A migration sending `rate` bytes/s through passes of a guest that
 * re-dirties `dirty` bytes/s, at most `ws` bytes of working set. */
typedef struct Sim {
    ConvEstimator e;
    ConvConfig c;
    int64_t now;
    uint64_t pass;
    uint64_t processed, transferred;
} Sim;

static void sim_init(Sim *s)
{
    memset(s, 0, sizeof(*s));
    s->c.downtime_limit_ms = 300;
    s->now = 10000;
    conv_init(&s->e, s->now, RAM);
}

/* Advance by ms, sending bytes (as RAM processed and on the wire). */
static void sim_send(Sim *s, int64_t ms, uint64_t bytes, uint64_t remaining)
{
    s->now += ms;
    s->processed += bytes;
    s->transferred += bytes;
    conv_on_period(&s->e, &s->c, s->now, s->processed, s->transferred,
                   remaining);
}

static const ConvStall *sim_sync(Sim *s, uint64_t remaining, uint64_t fresh)
{
    ConvPassSample p = {
        .pass = ++s->pass, .now_ms = s->now, .remaining = remaining,
        .fresh = fresh, .processed = s->processed,
        .transferred = s->transferred,
    };

    return conv_on_pass(&s->e, &s->c, &p);
}

/* Setup sync, then a bulk pass of the whole RAM at 100 ms periods. */
static void sim_bulk(Sim *s, uint64_t rate, uint64_t ws)
{
    sim_sync(s, RAM, 0);
    for (uint64_t sent = 0; sent < ws; sent += rate / 10) {
        sim_send(s, 100, rate / 10, ws - sent);
    }
}

static void test_ramp(void)
{
    ConvConfig c = { .downtime_limit_ms = 300 };

    /* Off: the user's limit, whatever the pass. */
    g_assert_cmpuint(conv_downtime_limit(&c, 1), ==, 300);
    g_assert_cmpuint(conv_downtime_limit(&c, 50), ==, 300);

    c.ramp_initial_ms = 100;
    c.ramp_step_ms = 150;
    c.ramp_max_ms = 1000;
    /* Setup and the bulk pass keep the initial value ... */
    g_assert_cmpuint(conv_downtime_limit(&c, 1), ==, 100);
    g_assert_cmpuint(conv_downtime_limit(&c, CONV_BULK_SYNC), ==, 100);
    /* ... then one step per boundary, never above the ceiling. */
    g_assert_cmpuint(conv_downtime_limit(&c, CONV_BULK_SYNC + 1), ==, 250);
    g_assert_cmpuint(conv_downtime_limit(&c, CONV_BULK_SYNC + 6), ==, 1000);
    g_assert_cmpuint(conv_downtime_limit(&c, CONV_BULK_SYNC + 7), ==, 1000);
    g_assert_cmpuint(conv_downtime_limit(&c, UINT64_MAX), ==, 1000);

    /* Initial 0 starts from downtime-limit; a huge step saturates. */
    c.ramp_initial_ms = 0;
    c.ramp_step_ms = UINT64_MAX / 2;
    g_assert_cmpuint(conv_downtime_limit(&c, CONV_BULK_SYNC), ==, 300);
    g_assert_cmpuint(conv_downtime_limit(&c, CONV_BULK_SYNC + 3), ==, 1000);
    /* No step: the initial value stays. */
    c.ramp_step_ms = 0;
    g_assert_cmpuint(conv_downtime_limit(&c, 100), ==, 300);
}

static void test_eta(void)
{
    ConvConfig c = { .downtime_limit_ms = 100 };
    double to_send;
    int64_t eta;

    /* Fits at once: the rest at the transfer rate. 1 MiB at 10 MiB/s. */
    eta = conv_eta_ms(&c, 5, MIB, 10.0 * MIB, 0, &to_send);
    g_assert_cmpint(eta, ==, 100);
    g_assert_cmpfloat(to_send, ==, MIB);

    /* Half the rate re-dirtied: 8 -> 4 -> 2 -> 1 MiB fits 100 ms at
     * 10 MiB/s: 800 + 400 + 200 ms of passes + 100 ms. */
    eta = conv_eta_ms(&c, 5, 8 * MIB, 10.0 * MIB, 5.0 * MIB, &to_send);
    g_assert_cmpint(eta, ==, 1500);
    g_assert_cmpfloat(to_send, ==, 15.0 * MIB);

    /* As fast as the link: never, without a ramp. */
    eta = conv_eta_ms(&c, 5, 8 * MIB, 10.0 * MIB, 10.0 * MIB, &to_send);
    g_assert_cmpint(eta, ==, -1);
    g_assert_cmpfloat(to_send, <, 0);
    /* No transfer rate: no estimate. */
    g_assert_cmpint(conv_eta_ms(&c, 5, MIB, 0, 0, NULL), ==, -1);

    /* The ramp makes it reachable: 8 MiB needs 800 ms at 10 MiB/s; the
     * limit is 100 + 100 per boundary after the bulk pass. At sync 2 the
     * limit is 100, at 3 200, ... at 9 it is 800: seven 800 ms passes
     * (the working set stays 8 MiB), then 800 ms. */
    c.ramp_initial_ms = 100;
    c.ramp_step_ms = 100;
    c.ramp_max_ms = 2000;
    eta = conv_eta_ms(&c, CONV_BULK_SYNC, 8 * MIB, 10.0 * MIB, 40.0 * MIB,
                      &to_send);
    g_assert_cmpint(eta, ==, 8 * 800);
    g_assert_cmpfloat(to_send, ==, 8.0 * 8 * MIB);
    /* A ceiling below what is needed: never. */
    c.ramp_max_ms = 500;
    g_assert_cmpint(conv_eta_ms(&c, CONV_BULK_SYNC, 8 * MIB, 10.0 * MIB,
                                40.0 * MIB, NULL), ==, -1);
}

static void test_progress_monotonic(void)
{
    Sim s;
    double last = 0;

    sim_init(&s);
    g_assert_cmpfloat(s.e.progress, ==, 0);
    /* The bulk pass counts for half at most. */
    sim_bulk(&s, 10 * MIB, RAM);
    g_assert_cmpfloat(s.e.progress, <=, CONV_BULK_SHARE);
    g_assert_cmpfloat(s.e.progress, >, 0.4);
    last = s.e.progress;

    /* Then passes whose remaining grows and shrinks: the fraction never
     * goes down, and never reaches 1 before completion. */
    for (int i = 0; i < 40; i++) {
        uint64_t rem = (i % 3 == 0 ? 32 : 4) * MIB;

        sim_sync(&s, rem, rem);
        g_assert_cmpfloat(s.e.progress, >=, last);
        last = s.e.progress;
        for (uint64_t left = rem; left; left -= MIB) {
            sim_send(&s, 100, MIB, left - MIB);
            g_assert_cmpfloat(s.e.progress, >=, last);
            g_assert_cmpfloat(s.e.progress, <, 1.0);
            last = s.e.progress;
        }
    }
    g_assert_cmpfloat(last, >, CONV_BULK_SHARE);

    g_assert_cmpfloat(conv_progress_raw(0, 0), ==, 0);
    g_assert_cmpfloat(conv_progress_raw(100, -1), ==, 0);
    g_assert_cmpfloat(conv_progress_raw(300, 100), ==, 0.75);
}

static void test_rates(void)
{
    Sim s;
    ConvFigures f;

    sim_init(&s);
    sim_bulk(&s, 10 * MIB, 20 * MIB);
    /* 10 MiB/s on the wire, smoothed from identical samples. */
    g_assert_cmpfloat_with_epsilon(s.e.transfer_rate, 10.0 * MIB, 1);
    /* 20 MiB dirtied during the 2 s bulk pass: 10 MiB/s. */
    sim_sync(&s, 20 * MIB, 20 * MIB);
    g_assert_cmpfloat_with_epsilon(s.e.dirty_rate, 10.0 * MIB, 1);
    conv_figures(&s.e, &s.c, s.now, &f);
    g_assert_cmpuint(f.iteration, ==, 2);
    g_assert_cmpuint(f.transfer_rate, ==, 10 * MIB);
    g_assert_cmpint(f.eta_ms, ==, -1);      /* as fast as the link */
    g_assert_cmpint(f.eta_confidence, ==, 0);
    g_assert_cmpuint(f.downtime_limit_ms, ==, 300);
    g_assert_false(f.stalled);

    /* An idle period (nothing to send, nothing sent) is no sample. */
    sim_send(&s, 100, 0, 0);
    g_assert_cmpfloat_with_epsilon(s.e.transfer_rate, 10.0 * MIB, 1);
    /* What the guest dirtied since the sync counts as outstanding. */
    g_assert_cmpuint(conv_outstanding(&s.e, s.now), ==, MIB);
}

/* Passes of equal rates agree fully; four of them give full confidence. */
static void test_confidence(void)
{
    Sim s;

    sim_init(&s);
    sim_bulk(&s, 10 * MIB, 10 * MIB);
    sim_sync(&s, 5 * MIB, 5 * MIB);
    g_assert_cmpint(conv_eta_confidence(&s.e, 100), ==, 0);
    for (int i = 1; i <= CONV_CONFIDENCE_SAMPLES; i++) {
        sim_send(&s, 500, 5 * MIB, 0);
        sim_sync(&s, 5 * MIB, 5 * MIB);
        g_assert_cmpint(conv_eta_confidence(&s.e, 100), ==,
                        100 * i / CONV_CONFIDENCE_SAMPLES);
    }
    /* No ETA, no confidence in it. */
    g_assert_cmpint(conv_eta_confidence(&s.e, -1), ==, 0);
    /* A pass twice as fast: the spread halves the confidence. */
    sim_send(&s, 250, 5 * MIB, 0);
    sim_sync(&s, 5 * MIB, 5 * MIB);
    g_assert_cmpint(conv_eta_confidence(&s.e, 100), ==, 50);
}

static void test_stall(void)
{
    Sim s;
    const ConvStall *st;
    const uint64_t ws = 8 * MIB;

    sim_init(&s);
    s.c.stall_passes = 3;
    sim_bulk(&s, 10 * MIB, ws);
    /* Sync 2 ends the bulk pass: the reference. Then 3, 4 without
     * shrinking: not yet. */
    g_assert_null(sim_sync(&s, ws, ws));
    for (int i = 0; i < 2; i++) {
        sim_send(&s, 800, ws, 0);
        g_assert_null(sim_sync(&s, ws, ws));
        g_assert_false(s.e.since_best >= s.c.stall_passes);
    }
    /* Sync 5: three boundaries without shrinking. */
    sim_send(&s, 800, ws, 0);
    st = sim_sync(&s, ws + 4096, ws);
    g_assert_nonnull(st);
    g_assert_cmpuint(st->pass, ==, CONV_BULK_SYNC + 3);
    g_assert_cmpuint(st->nr, ==, 4);
    g_assert_cmpuint(st->remaining[0], ==, ws);
    g_assert_cmpuint(st->remaining[3], ==, ws + 4096);
    /* Reported once per episode. */
    sim_send(&s, 800, ws, 0);
    g_assert_null(sim_sync(&s, ws, ws));

    /* A shrink by less than 1/CONV_SHRINK_DIV is noise, not progress. */
    sim_send(&s, 800, ws, 0);
    g_assert_null(sim_sync(&s, ws - 4096, ws));
    g_assert_cmpuint(s.e.since_best, >, 3);
    /* A real shrink ends the episode; a new stall is reported again. */
    sim_send(&s, 800, ws, 0);
    g_assert_null(sim_sync(&s, ws / 2, ws / 2));
    g_assert_cmpuint(s.e.since_best, ==, 0);
    for (int i = 0; i < 2; i++) {
        sim_send(&s, 400, ws / 2, 0);
        g_assert_null(sim_sync(&s, ws / 2, ws / 2));
    }
    sim_send(&s, 400, ws / 2, 0);
    st = sim_sync(&s, ws / 2, ws / 2);
    g_assert_nonnull(st);
    g_assert_cmpuint(st->remaining[0], ==, ws / 2);
    conv_cleanup(&s.e);
}

/* Small enough to switch over is never a stall. */
static void test_stall_not_when_fitting(void)
{
    Sim s;

    sim_init(&s);
    s.c.stall_passes = 1;
    sim_bulk(&s, 10 * MIB, 8 * MIB);
    g_assert_null(sim_sync(&s, MIB, MIB));
    for (int i = 0; i < 5; i++) {
        sim_send(&s, 100, MIB, 0);
        /* 1 MiB fits 300 ms at 10 MiB/s. */
        g_assert_null(sim_sync(&s, MIB, MIB));
    }
    conv_cleanup(&s.e);
}

static void test_budget(void)
{
    Sim s;
    g_autofree char *reason = NULL;
    int64_t eta;
    const uint64_t ws = 8 * MIB;

    /* No budget: never. */
    sim_init(&s);
    sim_bulk(&s, 10 * MIB, ws);
    g_assert_false(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));

    /* Not converging, 60 s budget: only once the rates are trusted. */
    s.c.budget_ms = 60000;
    s.c.budget_action = MIGRATION_BUDGET_ACTION_POSTCOPY;
    sim_sync(&s, ws, ws);
    g_assert_false(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));
    for (int i = 0; i < 3; i++) {
        sim_send(&s, 800, ws, 0);
        sim_sync(&s, ws, ws);
    }
    g_assert_true(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));
    g_assert_cmpint(eta, ==, -1);
    g_assert_nonnull(strstr(reason, "does not converge"));
    /* Once per migration. */
    g_clear_pointer(&reason, g_free);
    g_assert_false(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));

    /* Predicted in time: no action even when the deadline is near. */
    sim_init(&s);
    s.c.budget_ms = 5000;
    sim_bulk(&s, 10 * MIB, ws);
    sim_sync(&s, MIB / 2, MIB / 2);
    g_assert_false(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));

    /* Deadline guard: whatever the confidence, act when what is left of
     * the budget is what the action needs plus the margin. 8 MiB at
     * 10 MiB/s is 800 ms for pause; margin 100 ms. */
    sim_init(&s);
    s.c.budget_ms = 1000;
    s.c.budget_action = MIGRATION_BUDGET_ACTION_PAUSE;
    sim_sync(&s, RAM, 0);
    sim_send(&s, 50, 0, ws);
    g_assert_false(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));
    sim_send(&s, 50, MIB, ws);
    g_assert_true(conv_budget_due(&s.e, &s.c, s.now, &reason, &eta));
    g_assert_nonnull(strstr(reason, "pause needs about"));
    g_assert_cmpint(s.now - s.e.start_ms, <, 1000);
    conv_cleanup(&s.e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/convergence/ramp", test_ramp);
    g_test_add_func("/convergence/eta", test_eta);
    g_test_add_func("/convergence/progress-monotonic",
                    test_progress_monotonic);
    g_test_add_func("/convergence/rates", test_rates);
    g_test_add_func("/convergence/confidence", test_confidence);
    g_test_add_func("/convergence/stall", test_stall);
    g_test_add_func("/convergence/stall-not-when-fitting",
                    test_stall_not_when_fitting);
    g_test_add_func("/convergence/budget", test_budget);
    return g_test_run();
}

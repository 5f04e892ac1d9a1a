/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dirty limit's arithmetic (system/dirtylimit-calc.c): rates, the
 * controller on simulated guests, the round budget and the sleep.
 */
#include "qemu/osdep.h"
#include "system/dirtylimit.h"

#define MIB (1024 * 1024)
#define PERIOD_US (1000 * 1000)

static void test_rate_mib(void)
{
    g_assert_cmpuint(dirtylimit_rate_mib(0, 1000), ==, 0);
    g_assert_cmpuint(dirtylimit_rate_mib(10 * MIB, 0), ==, 0);
    g_assert_cmpuint(dirtylimit_rate_mib(10 * MIB, 1000), ==, 10);
    g_assert_cmpuint(dirtylimit_rate_mib(10 * MIB, 500), ==, 20);
    /* rounded down */
    g_assert_cmpuint(dirtylimit_rate_mib(10 * MIB - 1, 1000), ==, 9);
    g_assert_cmpuint(dirtylimit_rate_mib(3 * MIB, 2000), ==, 1);
    /* no overflow at the top of the range */
    g_assert_cmpuint(dirtylimit_rate_mib(UINT64_MAX / 2, 1000), ==,
                     UINT64_MAX / 2 / 1024 / 1024);
}

static void test_next_ratio_edges(void)
{
    /* no limit: no throttle */
    g_assert_cmpuint(dirtylimit_next_ratio(5000, 100 * MIB, 0, 1, 1), ==, 0);
    /* the vCPU did not run: nothing learnt, keep */
    g_assert_cmpuint(dirtylimit_next_ratio(700, 100 * MIB, MIB, 0, 5), ==,
                     700);
    /* on target (within the tolerance under the quota): keep */
    g_assert_cmpuint(dirtylimit_next_ratio(700, (100 - DIRTYLIMIT_TOLERANCE_PCT)
                                                * MIB, 100 * MIB,
                                           PERIOD_US / 2, PERIOD_US / 2), ==,
                     700);
    g_assert_cmpuint(dirtylimit_next_ratio(700, 100 * MIB, 100 * MIB,
                                           PERIOD_US / 2, PERIOD_US / 2), ==,
                     700);
    /* unthrottled at 4x the quota: sleep 3x what it runs */
    g_assert_cmpuint(dirtylimit_next_ratio(0, 400 * MIB, 100 * MIB,
                                           PERIOD_US, 0), ==, 3000);
    /* at half speed already (ratio 1000) and still 2x: run a quarter */
    g_assert_cmpuint(dirtylimit_next_ratio(1000, 200 * MIB, 100 * MIB,
                                           PERIOD_US / 2, PERIOD_US / 2), ==,
                     3000);
    /* far over: capped */
    g_assert_cmpuint(dirtylimit_next_ratio(0, UINT64_MAX / 4, 1,
                                           PERIOD_US, 0), ==,
                     DIRTYLIMIT_RATIO_MAX);
    /* idle guest: relax a quarter of the way each period, then off */
    g_assert_cmpuint(dirtylimit_next_ratio(4000, 0, 100 * MIB,
                                           PERIOD_US / 5, PERIOD_US * 4 / 5),
                     ==, 3000);
    g_assert_cmpuint(dirtylimit_next_ratio(1, 0, 100 * MIB, 10, 10), ==, 0);
}

/*
 * A guest that dirties `speed` bytes/s while it runs and owns a working
 * set of `set` bytes (it cannot dirty more distinct bytes than that in a
 * period). One period at ratio r: it runs 1000 / (1000 + r) of the time.
 */
typedef struct SimGuest {
    double speed;
    double set;
} SimGuest;

static uint64_t sim_period(const SimGuest *g, uint32_t ratio,
                           uint64_t *run_us, uint64_t *sleep_us)
{
    double share = (double)DIRTYLIMIT_RATIO_ONE /
                   (DIRTYLIMIT_RATIO_ONE + ratio);

    *run_us = (uint64_t)(PERIOD_US * share);
    *sleep_us = PERIOD_US - *run_us;
    return (uint64_t)MIN(g->speed * share, g->set);
}

/* Drive the controller for `periods`; returns the last rate and checks
 * the rate stays at or under the quota from period `settle` on. */
static uint64_t sim_run(const SimGuest *g, uint64_t quota, int periods,
                        int settle)
{
    uint32_t ratio = 0;
    uint64_t rate = 0;

    for (int i = 0; i < periods; i++) {
        uint64_t run, sleep;

        rate = sim_period(g, ratio, &run, &sleep);
        if (i >= settle) {
            g_assert_cmpuint(rate, <=, quota + quota / 20);
        }
        ratio = dirtylimit_next_ratio(ratio, rate, quota, run, sleep);
    }
    return rate;
}

static void test_controller_linear_guest(void)
{
    /* 500 MiB/s, limit 10: one step gets there and it stays */
    SimGuest g = { .speed = 500.0 * MIB, .set = 1e18 };
    uint64_t rate = sim_run(&g, 10 * MIB, 20, 1);

    /* and it is not throttled below the band it is held in */
    g_assert_cmpuint(rate, >=, 10 * MIB * (100 - DIRTYLIMIT_TOLERANCE_PCT)
                               / 100);
}

static void test_controller_working_set_guest(void)
{
    /*
     * Sweeps a 99 MiB set 20 times a second: unthrottled it shows 99
     * MiB/s, and the rate only falls once the throttle is deep enough
     * that a period sees less than one sweep. The controller must still
     * get under 4 MiB/s and stay there.
     */
    SimGuest g = { .speed = 20 * 99.0 * MIB, .set = 99.0 * MIB };
    uint64_t rate = sim_run(&g, 4 * MIB, 30, 4);

    g_assert_cmpuint(rate, >, 0);
}

static void test_controller_releases(void)
{
    /* limited, then the guest goes quiet: the throttle winds down */
    SimGuest g = { .speed = 400.0 * MIB, .set = 1e18 };
    uint32_t ratio = 0;
    uint64_t run, sleep, rate;

    for (int i = 0; i < 5; i++) {
        rate = sim_period(&g, ratio, &run, &sleep);
        ratio = dirtylimit_next_ratio(ratio, rate, 8 * MIB, run, sleep);
    }
    g_assert_cmpuint(ratio, >, 10 * DIRTYLIMIT_RATIO_ONE);
    g.speed = 0;
    for (int i = 0; i < 100 && ratio; i++) {
        rate = sim_period(&g, ratio, &run, &sleep);
        ratio = dirtylimit_next_ratio(ratio, rate, 8 * MIB, run, sleep);
    }
    g_assert_cmpuint(ratio, ==, 0);
}

static void test_round_budget_and_sleep(void)
{
    const uint64_t slice = 200000;

    g_assert_cmpuint(dirtylimit_round_budget(slice, 0), ==, slice);
    /* run + sleep of a round stay about one full slice */
    g_assert_cmpuint(dirtylimit_round_budget(slice, 1000), ==, slice / 2);
    g_assert_cmpuint(dirtylimit_round_budget(slice, 3000), ==, slice / 4);
    /* never below the floor, never above the slice */
    g_assert_cmpuint(dirtylimit_round_budget(slice, DIRTYLIMIT_RATIO_MAX),
                     ==, DIRTYLIMIT_MIN_ROUND_INSNS);
    g_assert_cmpuint(dirtylimit_round_budget(32, DIRTYLIMIT_RATIO_MAX), ==,
                     32);

    g_assert_cmpint(dirtylimit_round_sleep_ns(1000, 0), ==, 0);
    g_assert_cmpint(dirtylimit_round_sleep_ns(1000, 1000), ==, 1000);
    g_assert_cmpint(dirtylimit_round_sleep_ns(1000, 2500), ==, 2500);
    /* a round too short to measure still ran */
    g_assert_cmpint(dirtylimit_round_sleep_ns(0, 4000), ==, 4);
    g_assert_cmpint(dirtylimit_round_sleep_ns(1000 * 1000,
                                              DIRTYLIMIT_RATIO_MAX),
                    ==, DIRTYLIMIT_MAX_SLEEP_NS);
    /* a second-long round at the deepest throttle: no overflow */
    g_assert_cmpint(dirtylimit_round_sleep_ns(1000LL * 1000 * 1000,
                                              DIRTYLIMIT_RATIO_MAX),
                    ==, DIRTYLIMIT_MAX_SLEEP_NS);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dirtylimit/rate-mib", test_rate_mib);
    g_test_add_func("/dirtylimit/next-ratio/edges", test_next_ratio_edges);
    g_test_add_func("/dirtylimit/controller/linear",
                    test_controller_linear_guest);
    g_test_add_func("/dirtylimit/controller/working-set",
                    test_controller_working_set_guest);
    g_test_add_func("/dirtylimit/controller/releases",
                    test_controller_releases);
    g_test_add_func("/dirtylimit/round", test_round_budget_and_sleep);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The outgoing bandwidth estimate (migration/bandwidth.c): busy time only,
 * smoothing, the rate-limit cap, and expected downtime.
 */
#include "qemu/osdep.h"
#include "migration/bandwidth.h"

#define MS 1000                 /* us */
#define MIB (1024 * 1024)

/* One 100 ms period: busy for busy_ms, bytes sent; returns the period. */
static MigBandwidthPeriod run_period(MigBandwidth *bw, int64_t *now,
                                     int64_t busy_ms, uint64_t *total,
                                     uint64_t bytes, uint64_t limit)
{
    MigBandwidthPeriod p = { 0 };

    mig_bw_busy_begin(bw, *now);
    *now += busy_ms * MS;
    mig_bw_busy_end(bw, *now);
    *total += bytes;
    *now += (100 - busy_ms) * MS;       /* idle: syncs, nothing dirty */
    g_assert_true(mig_bw_period_end(bw, *now, *total, 0, limit, &p));
    return p;
}

static void test_idle_does_not_count(void)
{
    MigBandwidth bw;
    int64_t now = 1000 * MS;
    uint64_t total = 0;
    MigBandwidthPeriod p;

    mig_bw_start(&bw, now, 0, 0);
    /* 1 MiB in 10 ms of sending, 90 ms idle: 100 MiB/s, not 10. */
    p = run_period(&bw, &now, 10, &total, MIB, 0);
    g_assert_true(p.sampled);
    g_assert_cmpint(p.busy_us, ==, 10 * MS);
    g_assert_cmpfloat_with_epsilon(mig_bw_estimate(&bw), MIB / 10.0, 1e-6);
    /* mbps: bytes/ms * 8 / 1000 */
    g_assert_cmpfloat_with_epsilon(mig_bw_mbps(&bw), MIB / 10.0 * 8 / 1000,
                                   1e-9);
}

static void test_no_sample_without_data(void)
{
    MigBandwidth bw;
    int64_t now = 0;
    uint64_t total = 0;
    MigBandwidthPeriod p;

    mig_bw_start(&bw, now, 0, 0);
    p = run_period(&bw, &now, 10, &total, MIB, 0);
    /* A period with (almost) nothing to send keeps the estimate. */
    p = run_period(&bw, &now, 1, &total, 100, 0);
    g_assert_false(p.sampled);
    g_assert_cmpfloat_with_epsilon(mig_bw_estimate(&bw), MIB / 10.0, 1e-6);
    /* Too early: no period end. */
    now += 50 * MS;
    g_assert_false(mig_bw_period_end(&bw, now, total, 0, 0, &p));
}

static void test_smoothing(void)
{
    MigBandwidth bw;
    int64_t now = 0;
    uint64_t total = 0;
    double first;

    mig_bw_start(&bw, now, 0, 0);
    run_period(&bw, &now, 100, &total, 10 * MIB, 0);
    first = mig_bw_estimate(&bw);
    g_assert_cmpfloat_with_epsilon(first, 10.0 * MIB / 100, 1e-6);
    /* One slow period moves the estimate part of the way only. */
    run_period(&bw, &now, 100, &total, 1 * MIB, 0);
    g_assert_cmpfloat_with_epsilon(mig_bw_estimate(&bw),
                                   MIG_BW_ALPHA * (1.0 * MIB / 100) +
                                   (1 - MIG_BW_ALPHA) * first, 1e-6);
}

static void test_rate_limit_cap(void)
{
    MigBandwidth bw;
    int64_t now = 0;
    uint64_t total = 0;
    uint64_t limit = 16 * MIB;

    mig_bw_start(&bw, now, 0, 0);
    /* Two windows' budget inside one period (window edges). */
    run_period(&bw, &now, 100, &total, limit / 5, limit);
    g_assert_cmpfloat(mig_bw_estimate(&bw), <=, limit / 1000.0);
    g_assert_cmpfloat_with_epsilon(mig_bw_estimate(&bw), limit / 1000.0,
                                   1e-6);
    /* A lowered limit caps at once, even without a sample. */
    run_period(&bw, &now, 0, &total, 0, limit / 4);
    g_assert_cmpfloat_with_epsilon(mig_bw_estimate(&bw), limit / 4000.0,
                                   1e-6);
}

static void test_open_span_split(void)
{
    MigBandwidth bw;
    MigBandwidthPeriod p;

    mig_bw_start(&bw, 0, 0, 0);
    mig_bw_busy_begin(&bw, 50 * MS);
    g_assert_true(mig_bw_period_end(&bw, 120 * MS, 1 * MIB, 256, 0, &p));
    g_assert_cmpint(p.busy_us, ==, 70 * MS);
    g_assert_cmpuint(p.pages, ==, 256);
    /* The span goes on in the next period from its start. */
    mig_bw_busy_end(&bw, 150 * MS);
    g_assert_true(mig_bw_period_end(&bw, 220 * MS, 2 * MIB, 256, 0, &p));
    g_assert_cmpint(p.busy_us, ==, 30 * MS);
    g_assert_cmpuint(p.pages, ==, 0);
}

static void test_expected_downtime(void)
{
    /* No estimate yet: the downtime limit (spec 7.10). */
    g_assert_cmpint(mig_bw_expected_downtime_ms(0, 12345, 300), ==, 300);
    /* 1 MiB dirty at 1 MiB/s (1048.576 bytes/ms): 1000 ms. */
    g_assert_cmpint(mig_bw_expected_downtime_ms(MIB / 1000.0, MIB, 300), ==,
                    1000);
    /* Rounded up. */
    g_assert_cmpint(mig_bw_expected_downtime_ms(1000.0, 1001, 300), ==, 2);
    g_assert_cmpint(mig_bw_expected_downtime_ms(1000.0, 0, 300), ==, 0);
    g_assert_cmpint(mig_bw_expected_downtime_ms(1e-300, UINT64_MAX, 300),
                    ==, INT64_MAX);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/bandwidth/idle-does-not-count",
                    test_idle_does_not_count);
    g_test_add_func("/migration/bandwidth/no-sample-without-data",
                    test_no_sample_without_data);
    g_test_add_func("/migration/bandwidth/smoothing", test_smoothing);
    g_test_add_func("/migration/bandwidth/rate-limit-cap",
                    test_rate_limit_cap);
    g_test_add_func("/migration/bandwidth/open-span-split",
                    test_open_span_split);
    g_test_add_func("/migration/bandwidth/expected-downtime",
                    test_expected_downtime);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the postcopy blocktime engine, driven with explicit
 * timestamps: per-vCPU and total blocked time, latency average and
 * buckets, non-vCPU faults, duplicates and a vCPU moving to another page.
 */
#include "qemu/osdep.h"

#include "migration/postcopy-blocktime.h"

#define MS 1000000LL
#define US 1000LL

static void test_buckets(void)
{
    g_assert_cmpuint(postcopy_latency_bucket(0), ==, 0);
    g_assert_cmpuint(postcopy_latency_bucket(999), ==, 0);      /* 0 us */
    g_assert_cmpuint(postcopy_latency_bucket(1 * US), ==, 0);
    g_assert_cmpuint(postcopy_latency_bucket(2 * US), ==, 1);
    g_assert_cmpuint(postcopy_latency_bucket(3 * US), ==, 1);
    g_assert_cmpuint(postcopy_latency_bucket(4 * US), ==, 2);
    g_assert_cmpuint(postcopy_latency_bucket(1023 * US), ==, 9);
    g_assert_cmpuint(postcopy_latency_bucket(1024 * US), ==, 10);
    g_assert_cmpuint(postcopy_latency_bucket((1LL << 23) * US - 1), ==, 22);
    g_assert_cmpuint(postcopy_latency_bucket((1LL << 23) * US), ==, 23);
    g_assert_cmpuint(postcopy_latency_bucket(UINT64_MAX), ==, 23);
}

/*
 * Two vCPUs.  vCPU0 waits on page A over [0, 10 ms), vCPU1 on page B over
 * [4 ms, 6 ms) and on page A over [8 ms, 10 ms). A device thread waits on
 * page A over [9 ms, 10 ms). Both vCPUs wait at once during [4, 6) and
 * [8, 10): total 4 ms.
 */
static void test_overlap(void)
{
    g_autoptr(PostcopyBlocktime) bt = postcopy_blocktime_new(2);
    PostcopyBlocktimeInfo info;

    postcopy_blocktime_fault(bt, 0xA000, 0, 100, 0);
    postcopy_blocktime_fault(bt, 0xB000, 1, 101, 4 * MS);
    /* the kernel reports vCPU0 again: keeps its first start */
    postcopy_blocktime_fault(bt, 0xA000, 0, 100, 5 * MS);
    postcopy_blocktime_page_arrived(bt, 0xB000, 6 * MS);
    postcopy_blocktime_fault(bt, 0xA000, 1, 101, 8 * MS);
    postcopy_blocktime_fault(bt, 0xA000, -1, 200, 9 * MS);
    postcopy_blocktime_fault(bt, 0xA000, -1, 200, 9 * MS + 5);  /* dup */
    g_assert_cmpuint(postcopy_blocktime_waiting(bt), ==, 3);
    postcopy_blocktime_page_arrived(bt, 0xA000, 10 * MS);
    g_assert_cmpuint(postcopy_blocktime_waiting(bt), ==, 0);
    /* an arrival nobody waited for changes nothing */
    postcopy_blocktime_page_arrived(bt, 0xC000, 11 * MS);

    postcopy_blocktime_get(bt, &info);
    g_assert_cmpuint(info.nr_vcpus, ==, 2);
    g_assert_cmpuint(info.blocktime_ms, ==, 4);
    g_assert_cmpuint(info.vcpu_blocktime_ms[0], ==, 10);
    g_assert_cmpuint(info.vcpu_blocktime_ms[1], ==, 4);
    g_assert_cmpuint(info.faults, ==, 4);
    g_assert_cmpuint(info.vcpu_faults, ==, 3);
    g_assert_cmpuint(info.non_vcpu_faults, ==, 1);
    /* (10 + 2 + 2 + 1) ms / 4 */
    g_assert_cmpuint(info.latency_ns, ==, 15 * MS / 4);
    g_assert_cmpuint(info.vcpu_latency_ns[0], ==, 10 * MS);
    g_assert_cmpuint(info.vcpu_latency_ns[1], ==, 2 * MS);
    g_assert_cmpuint(info.non_vcpu_latency_ns, ==, 1 * MS);
    /* 10 ms = 10000 us -> bucket 13; 2 ms -> 10 (x2); 1 ms = 1000 -> 9 */
    for (unsigned i = 0; i < POSTCOPY_LATENCY_BUCKETS; i++) {
        uint64_t want = i == 13 ? 1 : i == 10 ? 2 : i == 9 ? 1 : 0;

        g_assert_cmpuint(info.latency_dist[i], ==, want);
    }
    postcopy_blocktime_info_clear(&info);
}

/* A vCPU faulting on another page ends its previous wait there. */
static void test_vcpu_moves(void)
{
    g_autoptr(PostcopyBlocktime) bt = postcopy_blocktime_new(1);
    PostcopyBlocktimeInfo info;

    postcopy_blocktime_fault(bt, 0xA000, 0, 7, 0);
    postcopy_blocktime_fault(bt, 0xB000, 0, 7, 3 * MS);
    postcopy_blocktime_page_arrived(bt, 0xA000, 4 * MS);   /* nobody left */
    postcopy_blocktime_page_arrived(bt, 0xB000, 5 * MS);
    postcopy_blocktime_get(bt, &info);
    g_assert_cmpuint(info.faults, ==, 2);
    g_assert_cmpuint(info.vcpu_blocktime_ms[0], ==, 5);
    /* one vCPU: all of its waiting is "all vCPUs waiting" */
    g_assert_cmpuint(info.blocktime_ms, ==, 5);
    postcopy_blocktime_info_clear(&info);
}

/* vCPU indexes beyond the count are treated as other threads. */
static void test_no_vcpus(void)
{
    g_autoptr(PostcopyBlocktime) bt = postcopy_blocktime_new(0);
    PostcopyBlocktimeInfo info;

    postcopy_blocktime_fault(bt, 0xA000, 3, 9, 0);
    postcopy_blocktime_page_arrived(bt, 0xA000, 2 * MS);
    postcopy_blocktime_get(bt, &info);
    g_assert_cmpuint(info.non_vcpu_faults, ==, 1);
    g_assert_cmpuint(info.non_vcpu_latency_ns, ==, 2 * MS);
    g_assert_cmpuint(info.blocktime_ms, ==, 0);
    postcopy_blocktime_info_clear(&info);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/postcopy-blocktime/buckets", test_buckets);
    g_test_add_func("/postcopy-blocktime/overlap", test_overlap);
    g_test_add_func("/postcopy-blocktime/vcpu-moves", test_vcpu_moves);
    g_test_add_func("/postcopy-blocktime/no-vcpus", test_no_vcpus);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Prints the host's TSC rate in Hz, for turning the x86 walker guest's
 * rdtsc stall log into microseconds: under TCG the guest's rdtsc is the
 * host's TSC plus an offset. Built and run by bench/postcopy-bench.py.
 * Counts ticks against CLOCK_MONOTONIC_RAW over 200 ms, three times, and
 * prints the median so one preemption does not skew it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static double ns_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double one_rate(void)
{
    double t0 = ns_now(), t1;
    unsigned long long c0 = __rdtsc(), c1;

    do {
        t1 = ns_now();
    } while (t1 - t0 < 200e6);
    c1 = __rdtsc();
    return (c1 - c0) / ((t1 - t0) / 1e9);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(void)
{
    double r[3];

    for (int i = 0; i < 3; i++) {
        r[i] = one_rate();
    }
    qsort(r, 3, sizeof(r[0]), by_value);
    printf("%.0f\n", r[1]);
    return 0;
}

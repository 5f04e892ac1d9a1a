/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for system/cpus.c: cpus_kick() from a thread that does not
 * hold the BQL broadcasts under the BQL, so the wake-up cannot fall
 * between the vCPU thread's has_work() check and its wait.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "system/cpus.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)
/* How long the kicker gets to (wrongly) finish while we hold the BQL. */
#define HELD_WINDOW_US (200 * 1000)

static gpointer kicker_fn(gpointer data)
{
    int *done = data;

    g_assert_false(bql_locked());
    cpus_kick();
    g_assert_false(bql_locked());
    qatomic_set(done, 1);
    return NULL;
}

static void test_kick_without_bql(void)
{
    int done = 0;
    GThread *kicker;
    int64_t end;

    bql_lock();
    kicker = g_thread_new("kicker", kicker_fn, &done);
    /* While we hold the BQL the kick cannot complete. */
    end = g_get_monotonic_time() + HELD_WINDOW_US;
    while (g_get_monotonic_time() < end) {
        g_assert_cmpint(qatomic_read(&done), ==, 0);
        g_usleep(1000);
    }
    bql_unlock();
    end = g_get_monotonic_time() + WAIT_LIMIT_US;
    while (!qatomic_read(&done)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(1000);
    }
    g_thread_join(kicker);
}

static void test_kick_with_bql(void)
{
    /* The BQL holder (a device raising an interrupt) just broadcasts. */
    bql_lock();
    cpus_kick();
    g_assert_true(bql_locked());
    bql_unlock();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpus/kick/without-bql", test_kick_without_bql);
    g_test_add_func("/cpus/kick/with-bql", test_kick_with_bql);
    return g_test_run();
}

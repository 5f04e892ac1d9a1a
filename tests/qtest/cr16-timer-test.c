/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of the CR16 virt board's timer on the qtest-driven virtual clock:
 * reset values, counting only while enabled, COUNT writes, the compare
 * match and its interrupt line, write-1-to-clear STATUS, periodic mode,
 * reset, and a jump of the clock to the far end of time.
 */
#include "qemu/osdep.h"
#include <signal.h>
#include "libqtest.h"
#include "hw/cr16/virt.h"

#define TIMER(reg) (VIRT_TIMER_PHYS + (reg))
#define TICK VIRT_TIMER_TICK_NS

static QTestState *timer_start(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_irq_intercept_out(s, "/machine/timer");
    return s;
}

static uint32_t count(QTestState *s)
{
    return qtest_readl(s, TIMER(VIRT_TIMER_COUNT));
}

static void test_reset_values(void)
{
    QTestState *s = timer_start();

    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_CTRL)), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==, 0);
    g_assert_cmphex(count(s), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_COMPARE)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    /* Stopped: time passes, the count does not. */
    qtest_clock_step(s, 1000 * TICK);
    g_assert_cmphex(count(s), ==, 0);
    qtest_quit(s);
}

static void test_counting(void)
{
    QTestState *s = timer_start();

    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), VIRT_TIMER_CTRL_EN);
    qtest_clock_step(s, 10 * TICK);
    g_assert_cmphex(count(s), ==, 10);
    qtest_clock_step(s, TICK / 2);          /* half a tick: no change */
    g_assert_cmphex(count(s), ==, 10);
    qtest_clock_step(s, TICK / 2);
    g_assert_cmphex(count(s), ==, 11);

    /* Stop holds the value, restart continues from it. */
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), 0);
    qtest_clock_step(s, 50 * TICK);
    g_assert_cmphex(count(s), ==, 11);
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), VIRT_TIMER_CTRL_EN);
    qtest_clock_step(s, 4 * TICK);
    g_assert_cmphex(count(s), ==, 15);

    /* COUNT can be written while running, also by halves. */
    qtest_writel(s, TIMER(VIRT_TIMER_COUNT), 0xfffffffe);
    qtest_clock_step(s, 3 * TICK);
    g_assert_cmphex(count(s), ==, 1);       /* wrapped */
    qtest_writew(s, TIMER(VIRT_TIMER_COUNT) + 2, 0x1234);
    g_assert_cmphex(count(s), ==, 0x12340001);
    qtest_quit(s);
}

static void test_compare_irq(void)
{
    QTestState *s = timer_start();
    int64_t t0 = qtest_clock_step(s, 0);

    qtest_writel(s, TIMER(VIRT_TIMER_COMPARE), 100);
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL),
                 VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE);
    /* The next deadline is exactly the match. */
    g_assert_cmpint(qtest_clock_step_next(s), ==, t0 + 100 * TICK);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==,
                    VIRT_TIMER_STATUS_MATCH);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(count(s), ==, 100);     /* one-shot: keeps counting */
    qtest_clock_step(s, 5 * TICK);
    g_assert_cmphex(count(s), ==, 105);

    /* Write 1 to clear; 0 bits change nothing. */
    qtest_writel(s, TIMER(VIRT_TIMER_STATUS), 0);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, TIMER(VIRT_TIMER_STATUS), VIRT_TIMER_STATUS_MATCH);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==, 0);

    /* MATCH without IE: status only, no interrupt. */
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), VIRT_TIMER_CTRL_EN);
    qtest_writel(s, TIMER(VIRT_TIMER_COMPARE), 110);
    qtest_clock_step(s, 5 * TICK);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==,
                    VIRT_TIMER_STATUS_MATCH);
    g_assert_false(qtest_get_irq(s, 0));
    /* Enabling IE with MATCH pending raises it at once. */
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL),
                 VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_no_match_when_stopped(void)
{
    QTestState *s = timer_start();

    qtest_writel(s, TIMER(VIRT_TIMER_COMPARE), 5);
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), VIRT_TIMER_CTRL_IE);
    qtest_clock_step(s, 100 * TICK);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_periodic(void)
{
    QTestState *s = timer_start();
    int64_t t0 = qtest_clock_step(s, 0);

    qtest_writel(s, TIMER(VIRT_TIMER_COMPARE), 40);
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), VIRT_TIMER_CTRL_EN |
                 VIRT_TIMER_CTRL_IE | VIRT_TIMER_CTRL_PERIODIC);
    for (int i = 1; i <= 4; i++) {
        g_assert_cmpint(qtest_clock_step_next(s), ==, t0 + i * 40 * TICK);
        g_assert_true(qtest_get_irq(s, 0));
        g_assert_cmphex(count(s), ==, 0);   /* restarted */
        qtest_writel(s, TIMER(VIRT_TIMER_STATUS), VIRT_TIMER_STATUS_MATCH);
        g_assert_false(qtest_get_irq(s, 0));
    }
    /* Several periods at once: one MATCH, count modulo the period. */
    qtest_clock_step(s, 130 * TICK);
    g_assert_cmphex(count(s), ==, 10);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_reset(void)
{
    QTestState *s = timer_start();

    qtest_writel(s, TIMER(VIRT_TIMER_COMPARE), 5);
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL),
                 VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE);
    qtest_clock_step(s, 10 * TICK);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_system_reset(s);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_CTRL)), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_COMPARE)), ==, 0);
    g_assert_cmphex(count(s), ==, 0);
    qtest_clock_step(s, 10 * TICK);
    g_assert_cmphex(count(s), ==, 0);
    qtest_quit(s);
}

/* ---- a watchdog for tests that used to hang the emulator ---- */

/* How long the emulator may take for the whole sequence (loaded host). */
#define WATCHDOG_SECONDS 60

static volatile sig_atomic_t watchdog_pid;

static void watchdog_fire(int sig)
{
    static const char msg[] =
        "cr16-timer-test: the emulator stopped answering (main loop stuck "
        "with the BQL held?); killing it with SIGKILL\n";
    ssize_t r;

    /* Async-signal-safe only. The emulator may ignore SIGTERM while it
     * spins, so kill it outright: the blocked read then sees EOF and
     * libqtest fails the test. */
    r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)r;
    if (watchdog_pid > 0) {
        kill(watchdog_pid, SIGKILL);
    }
}

static void watchdog_arm(QTestState *s)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = watchdog_fire;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    watchdog_pid = qtest_pid(s);
    alarm(WATCHDOG_SECONDS);
}

static void watchdog_disarm(void)
{
    alarm(0);
    watchdog_pid = 0;
}

/*
 * A 1-tick periodic timer and a clock jump to near INT64_MAX: the clock
 * must get there in bounded time (not one expiry per period), the next
 * deadline must not overflow, and QMP must still answer afterwards.
 */
static void test_far_future_jump(void)
{
    const int64_t far = 9223372036854775000LL;
    QTestState *s = timer_start();
    JsonObject *rsp;

    watchdog_arm(s);
    qtest_writel(s, TIMER(VIRT_TIMER_COMPARE), 1);
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL),
                 VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_PERIODIC);
    g_assert_cmpint(qtest_clock_set(s, far), ==, far);
    rsp = qtest_qmp(s, "{'execute': 'query-status'}");
    g_assert_nonnull(rsp);
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);

    /* The device caught up: one MATCH, count modulo the 1-tick period. */
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==,
                    VIRT_TIMER_STATUS_MATCH);
    g_assert_cmphex(count(s), ==, 0);
    /* The next match lies past INT64_MAX ns: nothing is armed for it. */
    g_assert_cmpint(qtest_clock_set(s, INT64_MAX), ==, INT64_MAX);
    g_assert_cmphex(count(s), ==, 0);

    /* One-shot mode counts on to the end of time without wrapping the
     * deadline negative (that would fire at once, again and again). */
    qtest_writel(s, TIMER(VIRT_TIMER_CTRL), VIRT_TIMER_CTRL_EN);
    qtest_writel(s, TIMER(VIRT_TIMER_STATUS), VIRT_TIMER_STATUS_MATCH);
    g_assert_cmpint(qtest_clock_step(s, 0), ==, INT64_MAX);
    g_assert_cmphex(qtest_readl(s, TIMER(VIRT_TIMER_STATUS)), ==, 0);
    watchdog_disarm();
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/timer/reset-values", test_reset_values);
    qtest_add_func("/timer/counting", test_counting);
    qtest_add_func("/timer/compare-irq", test_compare_irq);
    qtest_add_func("/timer/no-match-when-stopped",
                   test_no_match_when_stopped);
    qtest_add_func("/timer/periodic", test_periodic);
    qtest_add_func("/timer/reset", test_reset);
    qtest_add_func("/timer/far-future-jump", test_far_future_jump);
    return g_test_run();
}

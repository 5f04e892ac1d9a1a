/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of the CR16 virt board's interrupt controller: reset values,
 * level-sensitive inputs, masking by ENABLE, software-asserted sources,
 * priority in VECTOR, the output line to the CPU, and the device inputs
 * wired to the timer and the UART.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "hw/cr16/virt.h"

#define ICU(reg) (VIRT_ICU_PHYS + (reg))
#define ICU_PATH "/machine/icu"

static QTestState *icu_start(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_irq_intercept_out(s, ICU_PATH);
    return s;
}

static void set_source(QTestState *s, int n, int level)
{
    qtest_set_irq_in(s, ICU_PATH, NULL, n, level);
}

static void test_reset_values(void)
{
    QTestState *s = icu_start();

    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ENABLE)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ACTIVE)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_SOFT)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_level_and_mask(void)
{
    QTestState *s = icu_start();

    set_source(s, 4, 1);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==, 1 << 4);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ACTIVE)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));

    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 1 << 4);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ACTIVE)), ==, 1 << 4);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + 4);
    g_assert_true(qtest_get_irq(s, 0));

    /* Level-sensitive: dropping the line clears it, nothing latches. */
    set_source(s, 4, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));

    /* Masking an asserted source lowers the output. */
    set_source(s, 4, 1);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 0);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==, 1 << 4);

    /* Only 16 sources: upper bits of ENABLE do not stick. */
    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ENABLE)), ==, 0xffff);
    qtest_quit(s);
}

static void test_priority(void)
{
    QTestState *s = icu_start();

    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 0xffff);
    set_source(s, 9, 1);
    set_source(s, 15, 1);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + 9);
    set_source(s, 2, 1);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + 2);
    /* A masked source does not take part. */
    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 0xffff & ~(1 << 2));
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + 9);
    set_source(s, 9, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + 15);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ACTIVE)), ==, 1 << 15);
    qtest_quit(s);
}

static void test_soft(void)
{
    QTestState *s = icu_start();

    qtest_writel(s, ICU(VIRT_ICU_SOFT), (1 << 7) | (1 << 3));
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==,
                    (1 << 7) | (1 << 3));
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 1 << 7);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + 7);
    /* SOFT and the input line are ORed. */
    set_source(s, 7, 1);
    qtest_writel(s, ICU(VIRT_ICU_SOFT), 0);
    g_assert_true(qtest_get_irq(s, 0));
    set_source(s, 7, 0);
    g_assert_false(qtest_get_irq(s, 0));
    /* Byte access to the upper half of SOFT. */
    qtest_writeb(s, ICU(VIRT_ICU_SOFT) + 1, 0x80);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_SOFT)), ==, 1 << 15);
    /* Reset clears ENABLE and SOFT and lowers the output. */
    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 1 << 15);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_system_reset(s);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_SOFT)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_ENABLE)), ==, 0);
    qtest_quit(s);
}

static void test_read_only(void)
{
    QTestState *s = icu_start();

    qtest_writel(s, ICU(VIRT_ICU_PENDING), 0xffff);
    qtest_writel(s, ICU(VIRT_ICU_ACTIVE), 0xffff);
    qtest_writel(s, ICU(VIRT_ICU_VECTOR), 0xffff);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* The board wires the timer to source VIRT_IRQ_TIMER. */
static void test_timer_wiring(void)
{
    QTestState *s = icu_start();

    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 1 << VIRT_IRQ_TIMER);
    qtest_writel(s, VIRT_TIMER_PHYS + VIRT_TIMER_COMPARE, 3);
    qtest_writel(s, VIRT_TIMER_PHYS + VIRT_TIMER_CTRL,
                 VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 3 * VIRT_TIMER_TICK_NS);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_PENDING)), ==,
                    1 << VIRT_IRQ_TIMER);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + VIRT_IRQ_TIMER);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, VIRT_TIMER_PHYS + VIRT_TIMER_STATUS,
                 VIRT_TIMER_STATUS_MATCH);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* ... and the UART to source VIRT_IRQ_UART. */
static void test_uart_wiring(void)
{
    QTestState *s = icu_start();

    qtest_writel(s, ICU(VIRT_ICU_ENABLE), 1 << VIRT_IRQ_UART);
    qtest_writel(s, VIRT_UART_PHYS + VIRT_UART_CTRL, VIRT_UART_CTRL_TXIE);
    g_assert_cmphex(qtest_readl(s, ICU(VIRT_ICU_VECTOR)), ==,
                    VIRT_ICU_VECTOR_BASE + VIRT_IRQ_UART);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, VIRT_UART_PHYS + VIRT_UART_CTRL, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/icu/reset-values", test_reset_values);
    qtest_add_func("/icu/level-and-mask", test_level_and_mask);
    qtest_add_func("/icu/priority", test_priority);
    qtest_add_func("/icu/soft", test_soft);
    qtest_add_func("/icu/read-only", test_read_only);
    qtest_add_func("/icu/timer-wiring", test_timer_wiring);
    qtest_add_func("/icu/uart-wiring", test_uart_wiring);
    return g_test_run();
}

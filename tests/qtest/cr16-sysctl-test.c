/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of the CR16 virt board's system controller: identification, RAM
 * size, BANK width and reset, the scratch register with byte lanes,
 * machine reset through the RESET key, and power-off with an exit status.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "hw/cr16/virt.h"

#define SYSCTL(reg) (VIRT_SYSCTL_PHYS + (reg))

static void test_id_and_ram_size(void)
{
    QTestState *s = qtest_init("-M virt -m 64M");

    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_ID)), ==,
                    VIRT_SYSCTL_ID_VALUE);
    g_assert_cmphex(qtest_readw(s, SYSCTL(VIRT_SYSCTL_ID) + 2), ==,
                    VIRT_SYSCTL_ID_VALUE >> 16);
    g_assert_cmphex(qtest_readb(s, SYSCTL(VIRT_SYSCTL_ID) + 1), ==,
                    (VIRT_SYSCTL_ID_VALUE >> 8) & 0xff);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_RAM_SIZE)), ==,
                    64 << 20);
    /* Read-only registers ignore writes. */
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_ID), 0);
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_RAM_SIZE), 0);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_ID)), ==,
                    VIRT_SYSCTL_ID_VALUE);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_RAM_SIZE)), ==,
                    64 << 20);
    /* Command registers and holes read as zero. */
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_EXIT)), ==, 0);
    g_assert_cmphex(qtest_readl(s, SYSCTL(0x80)), ==, 0);
    qtest_quit(s);
}

static void test_default_ram_size(void)
{
    QTestState *s = qtest_init("-M virt");

    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_RAM_SIZE)), ==,
                    VIRT_RAM_DEFAULT_SIZE);
    qtest_quit(s);
}

static void test_bank(void)
{
    QTestState *s = qtest_init("-M virt");

    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_BANK)), ==, 0);
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_BANK), 0x12345);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_BANK)), ==,
                    0x12345 & VIRT_SYSCTL_BANK_MASK);
    qtest_writew(s, SYSCTL(VIRT_SYSCTL_BANK), 7);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_BANK)), ==, 7);
    /* qtest sees physical memory: BANK does not move anything for it. */
    qtest_writeb(s, 7 << VIRT_WINDOW_SHIFT, 0x5a);
    g_assert_cmphex(qtest_readb(s, 7 << VIRT_WINDOW_SHIFT), ==, 0x5a);
    qtest_system_reset(s);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_BANK)), ==, 0);
    qtest_quit(s);
}

static void test_scratch_lanes(void)
{
    QTestState *s = qtest_init("-M virt");

    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_SCRATCH)), ==, 0);
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_SCRATCH), 0x11223344);
    qtest_writeb(s, SYSCTL(VIRT_SYSCTL_SCRATCH) + 2, 0xaa);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_SCRATCH)), ==,
                    0x11aa3344);
    qtest_writew(s, SYSCTL(VIRT_SYSCTL_SCRATCH) + 2, 0xbbcc);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_SCRATCH)), ==,
                    0xbbcc3344);
    g_assert_cmphex(qtest_readb(s, SYSCTL(VIRT_SYSCTL_SCRATCH) + 1), ==,
                    0x33);
    g_assert_cmphex(qtest_readw(s, SYSCTL(VIRT_SYSCTL_SCRATCH) + 2), ==,
                    0xbbcc);
    qtest_system_reset(s);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_SCRATCH)), ==, 0);
    qtest_quit(s);
}

static void test_reset_key(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonObject *ev;

    qtest_writel(s, SYSCTL(VIRT_SYSCTL_SCRATCH), 0x1234);
    /* A wrong key does nothing. */
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_RESET), VIRT_SYSCTL_RESET_KEY + 1);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_SCRATCH)), ==, 0x1234);
    g_assert_null(qtest_qmp_event_ref(s, "RESET"));
    /* The key resets the machine (a guest reset). */
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_RESET), VIRT_SYSCTL_RESET_KEY);
    ev = qtest_qmp_eventwait_ref(s, "RESET");
    g_assert_true(json_object_get_boolean_member(
                      json_object_get_object_member(ev, "data"), "guest"));
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(ev, "data"), "reason"),
                    ==, "guest-reset");
    json_object_unref(ev);
    g_assert_cmphex(qtest_readl(s, SYSCTL(VIRT_SYSCTL_SCRATCH)), ==, 0);
    qtest_quit(s);
}

static void test_power_off(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonObject *ev;

    qtest_set_expected_status(s, 42);
    /* The exit status is the low byte of the written value. */
    qtest_writel(s, SYSCTL(VIRT_SYSCTL_EXIT), 0x1200 | 42);
    ev = qtest_qmp_eventwait_ref(s, "SHUTDOWN");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(ev, "data"), "reason"),
                    ==, "guest-shutdown");
    json_object_unref(ev);
    qtest_wait_qemu(s);
    qtest_quit(s);
}

static void test_power_off_zero(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writew(s, SYSCTL(VIRT_SYSCTL_EXIT), 0);
    qtest_qmp_eventwait(s, "SHUTDOWN");
    qtest_wait_qemu(s);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/sysctl/id-ram-size", test_id_and_ram_size);
    qtest_add_func("/sysctl/default-ram-size", test_default_ram_size);
    qtest_add_func("/sysctl/bank", test_bank);
    qtest_add_func("/sysctl/scratch-lanes", test_scratch_lanes);
    qtest_add_func("/sysctl/reset-key", test_reset_key);
    qtest_add_func("/sysctl/power-off", test_power_off);
    qtest_add_func("/sysctl/power-off-zero", test_power_off_zero);
    return g_test_run();
}

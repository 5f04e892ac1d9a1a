/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chardev/char-telnet.c: the server's opening offers and the input filter
 * (commands removed, IAC IAC kept as 0xff, sequences split across reads).
 */
#include "qemu/osdep.h"
#include "chardev/char-telnet.h"

static void test_init_bytes(void)
{
    static const uint8_t expect[] = {
        0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00,
    };

    g_assert_cmpmem(telnet_init_bytes, sizeof(telnet_init_bytes),
                    expect, sizeof(expect));
}

static void test_filter(void)
{
    TelnetState ts = { 0 };
    bool brk = false;
    /* DO ECHO, data, IAC IAC, a subnegotiation, BREAK, NOP, data. */
    uint8_t in[] = { 0xff, 0xfd, 0x01, 'a', 'b', 0xff, 0xff, 'c',
                     0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0xff, 0xf3,
                     0xff, 0xf1, 'd' };
    size_t n = telnet_filter(&ts, in, sizeof(in), &brk);

    g_assert_cmpmem(in, n, "ab\xff" "cd", 5);
    g_assert_true(brk);
}

static void test_filter_split(void)
{
    TelnetState ts = { 0 };
    bool brk = false;
    uint8_t a[] = { 'x', 0xff }, b[] = { 0xfb }, c[] = { 0x03, 'y' };
    uint8_t d[] = { 0xff }, e[] = { 0xff, 'z' };

    g_assert_cmpuint(telnet_filter(&ts, a, sizeof(a), &brk), ==, 1);
    g_assert_cmpint(a[0], ==, 'x');
    g_assert_cmpuint(telnet_filter(&ts, b, sizeof(b), &brk), ==, 0);
    g_assert_cmpuint(telnet_filter(&ts, c, sizeof(c), &brk), ==, 1);
    g_assert_cmpint(c[0], ==, 'y');
    g_assert_cmpuint(telnet_filter(&ts, d, sizeof(d), &brk), ==, 0);
    g_assert_cmpuint(telnet_filter(&ts, e, sizeof(e), &brk), ==, 2);
    g_assert_cmpmem(e, 2, "\xffz", 2);
    g_assert_false(brk);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/char/telnet/init-bytes", test_init_bytes);
    g_test_add_func("/char/telnet/filter", test_filter);
    g_test_add_func("/char/telnet/filter-split", test_filter_split);
    return g_test_run();
}

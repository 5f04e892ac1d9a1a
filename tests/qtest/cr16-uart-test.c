/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of the CR16 virt board's UART with a socket as the serial back
 * end: transmit, the 16-byte receive FIFO (and the back end waiting while
 * it is full), STATUS, the receive and transmit interrupts, and reset.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include "libqtest.h"
#include "hw/cr16/virt.h"

#define UART(reg) (VIRT_UART_PHYS + (reg))
#define DEADLINE_US (30 * G_USEC_PER_SEC)

static QTestState *uart_start(int *fd)
{
    QTestState *s = qtest_init_with_serial("-M virt", fd);

    qtest_irq_intercept_out(s, "/machine/uart");
    return s;
}

static void sock_send(int fd, const void *buf, size_t len)
{
    g_assert_cmpint(send(fd, buf, len, 0), ==, (ssize_t)len);
}

/* Receive exactly len bytes from the serial socket (with a deadline). */
static void sock_recv(int fd, uint8_t *buf, size_t len)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (poll(&pfd, 1, 100) <= 0) {
            continue;
        }
        n = recv(fd, buf + got, len - got, 0);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

static unsigned rx_count(QTestState *s)
{
    return (qtest_readl(s, UART(VIRT_UART_STATUS)) &
            VIRT_UART_STATUS_COUNT_MASK) >> VIRT_UART_STATUS_COUNT_SHIFT;
}

/* Wait until the FIFO holds n bytes (the back end delivers from the
 * emulator's main loop). */
static void wait_rx_count(QTestState *s, unsigned n)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
    unsigned c;

    while ((c = rx_count(s)) != n) {
        g_assert_cmpint(c, <, n);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

static void test_reset_values(void)
{
    int fd;
    QTestState *s = uart_start(&fd);

    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)), ==,
                    VIRT_UART_STATUS_TXREADY);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_CTRL)), ==, 0);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_DATA)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
    close(fd);
}

static void test_transmit(void)
{
    int fd;
    QTestState *s = uart_start(&fd);
    uint8_t buf[4];

    qtest_writel(s, UART(VIRT_UART_DATA), 'H');
    qtest_writeb(s, UART(VIRT_UART_DATA), 'i');
    qtest_writew(s, UART(VIRT_UART_DATA), 0x4100 | '!');  /* low byte */
    qtest_writeb(s, UART(VIRT_UART_DATA) + 1, 'X');       /* ignored */
    qtest_writel(s, UART(VIRT_UART_DATA), 0);
    sock_recv(fd, buf, 4);
    g_assert_cmpmem(buf, 4, "Hi!\0", 4);
    qtest_quit(s);
    close(fd);
}

static void test_receive(void)
{
    int fd;
    QTestState *s = uart_start(&fd);

    sock_send(fd, "abc", 3);
    wait_rx_count(s, 3);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)), ==,
                    VIRT_UART_STATUS_TXREADY | VIRT_UART_STATUS_RXAVAIL |
                    (3 << VIRT_UART_STATUS_COUNT_SHIFT));
    g_assert_cmphex(qtest_readb(s, UART(VIRT_UART_STATUS) + 1), ==, 3);
    /* Reading the upper bytes of DATA does not consume anything. */
    g_assert_cmphex(qtest_readb(s, UART(VIRT_UART_DATA) + 1), ==, 0);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_DATA)), ==, 'a');
    g_assert_cmphex(qtest_readb(s, UART(VIRT_UART_DATA)), ==, 'b');
    g_assert_cmphex(qtest_readw(s, UART(VIRT_UART_DATA)), ==, 'c');
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)), ==,
                    VIRT_UART_STATUS_TXREADY);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_DATA)), ==, 0);
    qtest_quit(s);
    close(fd);
}

static void test_fifo_full(void)
{
    int fd;
    QTestState *s = uart_start(&fd);
    char data[VIRT_UART_FIFO_SIZE + 5];

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = 'A' + i;
    }
    sock_send(fd, data, sizeof(data));
    wait_rx_count(s, VIRT_UART_FIFO_SIZE);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)) &
                    ~VIRT_UART_STATUS_COUNT_MASK, ==,
                    VIRT_UART_STATUS_TXREADY | VIRT_UART_STATUS_RXAVAIL |
                    VIRT_UART_STATUS_RXFULL);
    /* The back end holds the rest: nothing is lost or overrun. */
    for (size_t i = 0; i < VIRT_UART_FIFO_SIZE; i++) {
        g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_DATA)), ==, data[i]);
    }
    wait_rx_count(s, sizeof(data) - VIRT_UART_FIFO_SIZE);
    for (size_t i = VIRT_UART_FIFO_SIZE; i < sizeof(data); i++) {
        g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_DATA)), ==, data[i]);
    }
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)) &
                    VIRT_UART_STATUS_OVERRUN, ==, 0);
    qtest_quit(s);
    close(fd);
}

static void test_interrupts(void)
{
    int fd;
    QTestState *s = uart_start(&fd);

    qtest_writel(s, UART(VIRT_UART_CTRL), VIRT_UART_CTRL_RXIE);
    g_assert_false(qtest_get_irq(s, 0));
    sock_send(fd, "xy", 2);
    wait_rx_count(s, 2);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_readl(s, UART(VIRT_UART_DATA));
    g_assert_true(qtest_get_irq(s, 0));     /* one byte left */
    qtest_readl(s, UART(VIRT_UART_DATA));
    g_assert_false(qtest_get_irq(s, 0));

    /* The transmitter is always ready: TXIE raises the line at once. */
    qtest_writel(s, UART(VIRT_UART_CTRL), VIRT_UART_CTRL_TXIE);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, UART(VIRT_UART_CTRL), 0);
    g_assert_false(qtest_get_irq(s, 0));

    /* Unknown CTRL bits do not stick. */
    qtest_writel(s, UART(VIRT_UART_CTRL), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_CTRL)), ==,
                    VIRT_UART_CTRL_RXIE | VIRT_UART_CTRL_TXIE);
    qtest_quit(s);
    close(fd);
}

static void test_reset(void)
{
    int fd;
    QTestState *s = uart_start(&fd);

    sock_send(fd, "q", 1);
    wait_rx_count(s, 1);
    qtest_writel(s, UART(VIRT_UART_CTRL), VIRT_UART_CTRL_RXIE);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_system_reset(s);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)), ==,
                    VIRT_UART_STATUS_TXREADY);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_CTRL)), ==, 0);
    /* And still receives afterwards. */
    sock_send(fd, "z", 1);
    wait_rx_count(s, 1);
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_DATA)), ==, 'z');
    qtest_quit(s);
    close(fd);
}

static void test_no_backend(void)
{
    QTestState *s = qtest_init("-M virt -nodefaults");

    /* Output is discarded, input never arrives. */
    qtest_writel(s, UART(VIRT_UART_DATA), 'x');
    g_assert_cmphex(qtest_readl(s, UART(VIRT_UART_STATUS)), ==,
                    VIRT_UART_STATUS_TXREADY);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/uart/reset-values", test_reset_values);
    qtest_add_func("/uart/transmit", test_transmit);
    qtest_add_func("/uart/receive", test_receive);
    qtest_add_func("/uart/fifo-full", test_fifo_full);
    qtest_add_func("/uart/interrupts", test_interrupts);
    qtest_add_func("/uart/reset", test_reset);
    qtest_add_func("/uart/no-backend", test_no_backend);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration suite's fault proxy (tests/qtest/migration/fault-proxy.c)
 * over plain loopback sockets: the test is both the client and the
 * target, so it sees exactly what the proxy delivers, corrupts, holds
 * back or cuts.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include "fault-proxy.h"

#define TIMEOUT_US  (10 * G_USEC_PER_SEC)
/* How long "nothing arrives" is watched for (bounded, not a guess at
 * when something would have arrived: the proxy forwards within 10 ms). */
#define QUIET_MS    300

typedef struct Pair {
    int listen_fd;              /* the target's listener */
    int target;                 /* accepted by the target */
    int client;                 /* connected to the proxy */
    FaultProxy *p;
} Pair;

static int listen_loopback(int *port)
{
    struct sockaddr_in in = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(in);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&in, sizeof(in)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&in, &len), ==, 0);
    *port = ntohs(in.sin_port);
    return fd;
}

static int connect_port(int port)
{
    struct sockaddr_in in = { .sin_family = AF_INET,
                              .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(connect(fd, (struct sockaddr *)&in, sizeof(in)), ==, 0);
    return fd;
}

static int accept_within(int listen_fd)
{
    struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };

    g_assert_cmpint(poll(&pfd, 1, TIMEOUT_US / 1000), ==, 1);
    return accept(listen_fd, NULL, NULL);
}

/* The next connection: client -> proxy -> target. */
static void pair_connect(Pair *t)
{
    t->client = connect_port(fault_proxy_port(t->p));
    t->target = accept_within(t->listen_fd);
    g_assert_cmpint(t->target, >=, 0);
}

static void pair_open(Pair *t)
{
    int port;
    GError *err = NULL;

    t->listen_fd = listen_loopback(&port);
    t->p = fault_proxy_new_tcp(port, &err);
    g_assert_no_error(err);
    pair_connect(t);
    /* The proxy counts the connection just after its target accepted. */
    g_assert_true(fault_proxy_wait_connections(t->p, 1, TIMEOUT_US));
}

static void pair_close(Pair *t)
{
    close(t->client);
    close(t->target);
    fault_proxy_free(t->p);
    close(t->listen_fd);
}

static void send_all(int fd, const void *buf, size_t len)
{
    g_assert_cmpint(send(fd, buf, len, MSG_NOSIGNAL), ==, (ssize_t)len);
}

/* Read exactly len bytes within the timeout. */
static void recv_all(int fd, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, TIMEOUT_US / 1000), ==, 1);
        n = recv(fd, (char *)buf + got, len - got, 0);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

/* What recv returns once something happens (0 EOF, -errno, or bytes). */
static ssize_t recv_event(int fd, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    char c;
    ssize_t n;

    if (poll(&pfd, 1, timeout_ms) == 0) {
        return -ETIMEDOUT;
    }
    n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n < 0 ? -errno : n;
}

static void test_forward_and_count(void)
{
    Pair t;
    g_autofree uint8_t *big = g_malloc(1 << 20);
    g_autofree uint8_t *back = g_malloc(1 << 20);
    char reply[6];

    pair_open(&t);
    g_assert_cmpuint(fault_proxy_connections(t.p), ==, 1);
    for (size_t i = 0; i < (1 << 20); i++) {
        big[i] = i * 7;
    }
    send_all(t.client, big, 1 << 20);
    recv_all(t.target, back, 1 << 20);
    g_assert_cmpmem(big, 1 << 20, back, 1 << 20);
    g_assert_true(fault_proxy_wait_bytes(t.p, FAULT_PROXY_TO_TARGET, 1 << 20,
                                         TIMEOUT_US));
    g_assert_cmpuint(fault_proxy_bytes(t.p, FAULT_PROXY_TO_TARGET), ==,
                     1 << 20);

    send_all(t.target, "pong!", 6);
    recv_all(t.client, reply, 6);
    g_assert_cmpstr(reply, ==, "pong!");
    /* The count follows the delivery: wait for it, then it is exact. */
    g_assert_true(fault_proxy_wait_bytes(t.p, FAULT_PROXY_TO_CLIENT, 6,
                                         TIMEOUT_US));
    g_assert_cmpuint(fault_proxy_bytes(t.p, FAULT_PROXY_TO_CLIENT), ==, 6);
    /* Nothing more will come: the wait times out. */
    g_assert_false(fault_proxy_wait_bytes(t.p, FAULT_PROXY_TO_CLIENT, 7,
                                          50 * 1000));
    pair_close(&t);
}

static void test_corrupt(void)
{
    Pair t;
    uint8_t out[300], in[300];

    pair_open(&t);
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = i;
    }
    /* Byte 150 of the stream, sent in two pieces around it. */
    fault_proxy_corrupt(t.p, FAULT_PROXY_TO_TARGET, 150, 0x81);
    send_all(t.client, out, 100);
    recv_all(t.target, in, 100);
    send_all(t.client, out + 100, 200);
    recv_all(t.target, in + 100, 200);
    for (size_t i = 0; i < sizeof(out); i++) {
        uint8_t want = i == 150 ? (uint8_t)(i ^ 0x81) : (uint8_t)i;

        g_assert_cmpuint(in[i], ==, want);
    }
    /* One shot; the other direction untouched. */
    send_all(t.target, out, 300);
    recv_all(t.client, in, 300);
    g_assert_cmpmem(in, 300, out, 300);
    pair_close(&t);
}

static void test_half_close(void)
{
    Pair t;
    char buf[4];

    pair_open(&t);
    send_all(t.client, "abc", 3);
    recv_all(t.target, buf, 3);
    fault_proxy_half_close(t.p, FAULT_PROXY_TO_TARGET);
    g_assert_cmpint(recv_event(t.target, TIMEOUT_US / 1000), ==, 0);
    /* The return direction still flows. */
    send_all(t.target, "xyz", 3);
    recv_all(t.client, buf, 3);
    g_assert_cmpmem(buf, 3, "xyz", 3);
    pair_close(&t);
}

static void test_blackhole(void)
{
    Pair t;

    pair_open(&t);
    fault_proxy_blackhole(t.p);
    send_all(t.client, "lost", 4);
    send_all(t.target, "gone", 4);
    /* Neither side gets data, EOF or an error: silence. */
    g_assert_cmpint(recv_event(t.target, QUIET_MS), ==, -ETIMEDOUT);
    g_assert_cmpint(recv_event(t.client, QUIET_MS), ==, -ETIMEDOUT);
    g_assert_cmpuint(fault_proxy_bytes(t.p, FAULT_PROXY_TO_TARGET), ==, 0);
    g_assert_cmpuint(fault_proxy_bytes(t.p, FAULT_PROXY_TO_CLIENT), ==, 0);
    pair_close(&t);
}

static void test_drop_then_reconnect(void)
{
    Pair t;
    char buf[3];
    ssize_t c, s;

    pair_open(&t);
    send_all(t.client, "one", 3);
    recv_all(t.target, buf, 3);
    fault_proxy_drop(t.p);
    /* Both ends see the connection reset (not an orderly EOF). */
    c = recv_event(t.client, TIMEOUT_US / 1000);
    s = recv_event(t.target, TIMEOUT_US / 1000);
    g_assert_cmpint(c, ==, -ECONNRESET);
    g_assert_cmpint(s, ==, -ECONNRESET);
    close(t.client);
    close(t.target);

    /* The next connection is served, with fresh counters. */
    pair_connect(&t);
    g_assert_true(fault_proxy_wait_connections(t.p, 2, TIMEOUT_US));
    send_all(t.client, "two", 3);
    recv_all(t.target, buf, 3);
    g_assert_cmpmem(buf, 3, "two", 3);
    g_assert_true(fault_proxy_wait_bytes(t.p, FAULT_PROXY_TO_TARGET, 3,
                                         TIMEOUT_US));
    g_assert_cmpuint(fault_proxy_bytes(t.p, FAULT_PROXY_TO_TARGET), ==, 3);
    pair_close(&t);
}

static void test_unix_target(void)
{
    g_autofree char *dir = g_dir_make_tmp("fault-proxy-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "sock", NULL);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_autoptr(FaultProxy) p = NULL;
    GError *err = NULL;
    int client, target;
    char buf[5];

    g_strlcpy(un.sun_path, path, sizeof(un.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&un, sizeof(un)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    p = fault_proxy_new_unix(path, &err);
    g_assert_no_error(err);
    client = connect_port(fault_proxy_port(p));
    target = accept_within(lfd);
    send_all(client, "unix", 5);
    recv_all(target, buf, 5);
    g_assert_cmpstr(buf, ==, "unix");
    close(client);
    close(target);
    close(lfd);
    unlink(path);
    rmdir(dir);
}

/* A non-blocking connect to the proxy: 0 connected, -errno, or
 * -EINPROGRESS while it is pending after timeout_ms. */
static int connect_result(int fd, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    int err = 0;
    socklen_t len = sizeof(err);

    if (poll(&pfd, 1, timeout_ms) == 0) {
        return -EINPROGRESS;
    }
    g_assert_cmpint(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), ==, 0);
    return -err;
}

static int connect_nonblocking(int port)
{
    struct sockaddr_in in = { .sin_family = AF_INET,
                              .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(fd, (struct sockaddr *)&in, sizeof(in));

    g_assert_true(r == 0 || errno == EINPROGRESS);
    return fd;
}

static void test_hold_connects(void)
{
    int port, lfd = listen_loopback(&port);
    GError *err = NULL;
    g_autoptr(FaultProxy) p = fault_proxy_new_tcp(port, &err);
    int client, target;
    char buf[4];

    g_assert_no_error(err);
    g_assert_true(fault_proxy_hold_connects(p, TIMEOUT_US));
    client = connect_nonblocking(fault_proxy_port(p));
    /* Unanswered: pending, seen as such, and nothing reaches the target. */
    g_assert_true(fault_proxy_wait_pending_connect(p, TIMEOUT_US));
    g_assert_cmpint(connect_result(client, QUIET_MS), ==, -EINPROGRESS);
    g_assert_cmpuint(fault_proxy_connections(p), ==, 0);
    /* Released: the next SYN retry gets through and is served. */
    fault_proxy_release_connects(p);
    g_assert_cmpint(connect_result(client, TIMEOUT_US / 1000), ==, 0);
    target = accept_within(lfd);
    g_assert_cmpint(target, >=, 0);
    g_assert_true(fault_proxy_wait_connections(p, 1, TIMEOUT_US));
    send_all(client, "held", 4);
    recv_all(target, buf, 4);
    g_assert_cmpmem(buf, 4, "held", 4);
    close(client);
    close(target);
    close(lfd);
}

static void test_refuse(void)
{
    int port, lfd = listen_loopback(&port);
    GError *err = NULL;
    g_autoptr(FaultProxy) p = fault_proxy_new_tcp(port, &err);
    int client;

    g_assert_no_error(err);
    g_assert_true(fault_proxy_hold_connects(p, TIMEOUT_US));
    client = connect_nonblocking(fault_proxy_port(p));
    g_assert_true(fault_proxy_wait_pending_connect(p, TIMEOUT_US));
    /* The pending connect is refused at its next SYN retry. */
    fault_proxy_refuse(p);
    g_assert_cmpint(connect_result(client, TIMEOUT_US / 1000), ==,
                    -ECONNREFUSED);
    close(client);
    client = connect_nonblocking(fault_proxy_port(p));
    g_assert_cmpint(connect_result(client, TIMEOUT_US / 1000), ==,
                    -ECONNREFUSED);
    close(client);
    close(lfd);
}

static void test_hold_direction(void)
{
    Pair t;
    char buf[5];

    pair_open(&t);
    fault_proxy_hold(t.p, FAULT_PROXY_TO_CLIENT, true);
    send_all(t.target, "later", 5);
    send_all(t.client, "on", 2);
    /* The held direction delivers nothing, the other goes on ... */
    recv_all(t.target, buf, 2);
    g_assert_cmpmem(buf, 2, "on", 2);
    g_assert_cmpint(recv_event(t.client, QUIET_MS), ==, -ETIMEDOUT);
    g_assert_cmpuint(fault_proxy_bytes(t.p, FAULT_PROXY_TO_CLIENT), ==, 0);
    /* ... and the held bytes are delivered, not lost, on release. */
    fault_proxy_hold(t.p, FAULT_PROXY_TO_CLIENT, false);
    recv_all(t.client, buf, 5);
    g_assert_cmpmem(buf, 5, "later", 5);
    pair_close(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fault-proxy/forward-and-count", test_forward_and_count);
    g_test_add_func("/fault-proxy/corrupt", test_corrupt);
    g_test_add_func("/fault-proxy/half-close", test_half_close);
    g_test_add_func("/fault-proxy/blackhole", test_blackhole);
    g_test_add_func("/fault-proxy/drop-then-reconnect",
                    test_drop_then_reconnect);
    g_test_add_func("/fault-proxy/unix-target", test_unix_target);
    g_test_add_func("/fault-proxy/hold-connects", test_hold_connects);
    g_test_add_func("/fault-proxy/refuse", test_refuse);
    g_test_add_func("/fault-proxy/hold-direction", test_hold_direction);
    return g_test_run();
}

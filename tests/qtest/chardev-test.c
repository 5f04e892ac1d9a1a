/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev QMP commands on the real binary: chardev-add / chardev-remove
 * for each backend kind, ringbuf-read / ringbuf-write, /chardevs in the
 * QOM tree, socket fd=N, and the telnet server's negotiation bytes.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "libqtest.h"

static const char *error_desc(JsonObject *rsp)
{
    g_assert_true(json_object_has_member(rsp, "error"));
    return json_object_get_string_member(
        json_object_get_object_member(rsp, "error"), "desc");
}

static void assert_error(QTestState *qts, const char *cmd, const char *desc)
{
    JsonObject *rsp = qtest_qmp(qts, "%s", cmd);

    g_assert_cmpstr(error_desc(rsp), ==, desc);
    json_object_unref(rsp);
}

static char *ringbuf_read(QTestState *qts, const char *fmt)
{
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'ringbuf-read', "
                                "'arguments': {'device': 'rb', 'size': 100, "
                                "'format': %s}}", fmt);
    char *s = g_strdup(json_object_get_string_member(rsp, "return"));

    json_object_unref(rsp);
    return s;
}

static void test_ringbuf(void)
{
    QTestState *qts = qtest_init("-M virt -S");
    g_autofree char *a = NULL, *b = NULL, *c = NULL;

    qtest_qmp_assert_success(qts, "{'execute': 'chardev-add', 'arguments': "
        "{'id': 'rb', 'backend': {'type': 'ringbuf', 'data': {'size': 8}}}}");
    qtest_qmp_assert_success(qts, "{'execute': 'ringbuf-write', 'arguments':"
        " {'device': 'rb', 'data': 'abc'}}");
    /* "/w==" is 0xff 0xff: not UTF-8, so utf8 output replaces it. */
    qtest_qmp_assert_success(qts, "{'execute': 'ringbuf-write', 'arguments':"
        " {'device': 'rb', 'data': '//8=', 'format': 'base64'}}");
    a = ringbuf_read(qts, "'base64'");
    g_assert_cmpstr(a, ==, "YWJj//8=");
    /* Overflow keeps the newest 8 bytes. */
    qtest_qmp_assert_success(qts, "{'execute': 'ringbuf-write', 'arguments':"
        " {'device': 'rb', 'data': '0123456789'}}");
    b = ringbuf_read(qts, "'utf8'");
    g_assert_cmpstr(b, ==, "23456789");
    c = ringbuf_read(qts, "'utf8'");
    g_assert_cmpstr(c, ==, "");
    assert_error(qts, "{'execute': 'ringbuf-read', 'arguments': "
                 "{'device': 'rb', 'size': 0}}",
                 "size must be greater than zero");
    assert_error(qts, "{'execute': 'ringbuf-read', 'arguments': "
                 "{'device': 'nosuch', 'size': 1}}",
                 "Device 'nosuch' not found");
    assert_error(qts, "{'execute': 'ringbuf-write', 'arguments': "
                 "{'device': 'serial0', 'data': 'x'}}",
                 "serial0 is not a ringbuf device");
    assert_error(qts, "{'execute': 'ringbuf-write', 'arguments': "
                 "{'device': 'rb', 'data': '***', 'format': 'base64'}}",
                 "Invalid Base64 data");
    qtest_quit(qts);
}

static bool qom_has_child(QTestState *qts, const char *name,
                          const char *type)
{
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'qom-list', 'arguments':"
                                " {'path': '/chardevs'}}");
    JsonArray *arr = json_object_get_array_member(rsp, "return");
    g_autofree char *want = g_strdup_printf("child<%s>", type);
    bool found = false;

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *p = json_array_get_object_element(arr, i);

        if (!strcmp(json_object_get_string_member(p, "name"), name)) {
            g_assert_cmpstr(json_object_get_string_member(p, "type"), ==,
                            want);
            found = true;
        }
    }
    json_object_unref(rsp);
    return found;
}

static void test_add_remove(void)
{
    g_autofree char *dir = g_dir_make_tmp("chardev-test-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "out.txt", NULL);
    QTestState *qts = qtest_init("-M virt -S");
    JsonObject *rsp;

    g_assert_true(qom_has_child(qts, "serial0", "chardev-null"));
    qtest_qmp_assert_success(qts, "{'execute': 'chardev-add', 'arguments': "
        "{'id': 'f', 'backend': {'type': 'file', 'data': {'out': '%s'}}}}",
        file);
    g_assert_true(g_file_test(file, G_FILE_TEST_EXISTS));
    g_assert_true(qom_has_child(qts, "f", "chardev-file"));
    qtest_qmp_assert_success(qts, "{'execute': 'chardev-add', 'arguments': "
        "{'id': 'n', 'backend': {'type': 'null', 'data': {}}}}");
    rsp = qtest_qmp(qts, "{'execute': 'chardev-add', 'arguments': "
        "{'id': 'p', 'backend': {'type': 'pty', 'data': {}}}}");
    g_assert_true(g_str_has_prefix(json_object_get_string_member(
        json_object_get_object_member(rsp, "return"), "pty"), "/dev/pts/"));
    json_object_unref(rsp);
    g_assert_true(qom_has_child(qts, "p", "chardev-pty"));
    assert_error(qts, "{'execute': 'chardev-add', 'arguments': "
                 "{'id': 'n', 'backend': {'type': 'null', 'data': {}}}}",
                 "attempt to add duplicate property 'n' to object "
                 "(type 'container')");
    assert_error(qts, "{'execute': 'chardev-add', 'arguments': "
                 "{'id': 'r', 'backend': {'type': 'ringbuf', "
                 "'data': {'size': 3}}}}",
                 "size of ringbuf chardev must be power of two");
    assert_error(qts, "{'execute': 'chardev-add', 'arguments': "
                 "{'id': 's', 'backend': {'type': 'socket', 'data': "
                 "{'addr': {'type': 'unix', 'data': {'path': '/nonexistent/x'}}}}}}",
                 "Failed to connect to '/nonexistent/x': No such file or "
                 "directory");
    qtest_qmp_assert_success(qts, "{'execute': 'chardev-remove', "
                             "'arguments': {'id': 'f'}}");
    g_assert_false(qom_has_child(qts, "f", "chardev-file"));
    assert_error(qts, "{'execute': 'chardev-remove', 'arguments': "
                 "{'id': 'f'}}", "Chardev 'f' not found");
    assert_error(qts, "{'execute': 'chardev-remove', 'arguments': "
                 "{'id': 'serial0'}}", "Chardev 'serial0' is busy");
    qtest_quit(qts);
    unlink(file);
    rmdir(dir);
}

static int listen_tcp(int *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &sl), ==, 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static int connect_tcp(int port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                              .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

static void read_exact(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, 20000), ==, 1);
        n = read(fd, buf + got, len - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

/* A listening socket handed over as fd=N (how libvirt passes monitors). */
static void test_socket_fd(void)
{
    int port;
    int lfd = listen_tcp(&port);
    g_autofree char *args = g_strdup_printf(
        "-M virt -S -chardev socket,id=h,fd=%d,server=on,wait=off "
        "-mon chardev=h,mode=readline", lfd);
    QTestState *qts = qtest_init(args);
    g_autofree char *info = qtest_hmp(qts, "info chardev");
    uint8_t buf[7];
    int fd;

    close(lfd);                 /* the emulator has its own copy */
    g_assert_nonnull(strstr(info, "h: filename=disconnected:fd:"));
    fd = connect_tcp(port);
    read_exact(fd, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), "QEMU 10", 7);
    close(fd);
    qtest_quit(qts);
}

/* A connected socket handed over as fd=N is used as the connection. */
static void test_socket_fd_connected(void)
{
    int sv[2];
    g_autofree char *args = NULL;
    QTestState *qts;
    uint8_t buf[7];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    args = g_strdup_printf("-M virt -S -chardev socket,id=h,fd=%d "
                           "-mon chardev=h,mode=readline", sv[1]);
    qts = qtest_init(args);
    close(sv[1]);
    read_exact(sv[0], buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), "QEMU 10", 7);
    close(sv[0]);
    qtest_quit(qts);
}

static void test_socket_fd_bad(void)
{
    QTestState *qts = qtest_init("-M virt -S");

    assert_error(qts, "{'execute': 'chardev-add', 'arguments': {'id': 'x', "
                 "'backend': {'type': 'socket', 'data': {'addr': "
                 "{'type': 'fd', 'data': {'str': 'nosuchname'}}}}}}",
                 "File descriptor named 'nosuchname' has not been found");
    qtest_quit(qts);
}

static void test_telnet(void)
{
    static const uint8_t expect[12] = {
        0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00,
    };
    int port;
    int lfd = listen_tcp(&port);
    QTestState *qts;
    g_autofree char *args = NULL;
    uint8_t buf[12];
    int fd;

    close(lfd);                 /* a port that was free a moment ago */
    args = g_strdup_printf("-M virt -S -chardev socket,id=t,host=127.0.0.1,"
                           "port=%d,server=on,wait=off,telnet=on "
                           "-mon chardev=t,mode=readline", port);
    qts = qtest_init(args);
    {
        g_autofree char *info = qtest_hmp(qts, "info chardev");
        g_autofree char *want = g_strdup_printf(
            "t: filename=disconnected:telnet:127.0.0.1:%d,server=on", port);

        g_assert_nonnull(strstr(info, want));
    }
    fd = connect_tcp(port);
    read_exact(fd, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), expect, sizeof(expect));
    /* Telnet commands in the input are not commands for the monitor. */
    g_assert_cmpint(write(fd, "\xff\xfd\x01" "info name\r", 13), ==, 13);
    {
        g_autoptr(GString) out = g_string_new(NULL);

        while (!strstr(out->str, "info name\r\n(qemu) ")) {
            char tmp[256];
            struct pollfd pfd = { .fd = fd, .events = POLLIN };
            ssize_t n;

            g_assert_cmpint(poll(&pfd, 1, 20000), ==, 1);
            n = read(fd, tmp, sizeof(tmp));
            g_assert_cmpint(n, >, 0);
            g_string_append_len(out, tmp, n);
        }
    }
    close(fd);
    qtest_quit(qts);
}

/* A pty is announced on stdout, without a prefix, as QEMU prints it. */
static void test_pty_message(void)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = g_strdup_printf(
        "printf '%%s\\n' '{\"execute\": \"qmp_capabilities\"}' "
        "'{\"execute\": \"quit\"}' | '%s' -M none -display none "
        "-chardev pty,id=pp -qmp stdio", qemu);
    g_autofree char *out = NULL, *err = NULL;
    g_auto(GStrv) lines = NULL;
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    int status;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL,
                               &out, &err, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    lines = g_strsplit(out, "\n", -1);
    g_assert_true(g_str_has_prefix(lines[0],
                                   "char device redirected to /dev/pts/"));
    g_assert_true(g_str_has_suffix(lines[0], " (label pp)"));
    g_assert_null(strstr(err, "redirected"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/chardev/ringbuf", test_ringbuf);
    qtest_add_func("/chardev/add-remove", test_add_remove);
    qtest_add_func("/chardev/socket-fd", test_socket_fd);
    qtest_add_func("/chardev/socket-fd-connected", test_socket_fd_connected);
    qtest_add_func("/chardev/socket-fd-bad", test_socket_fd_bad);
    qtest_add_func("/chardev/telnet", test_telnet);
    qtest_add_func("/chardev/pty-message", test_pty_message);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * yank / query-yank on the real binary (spec migration-states-and-qmp.md
 * 7.12): socket chardevs are registered instances; yanking one shuts its
 * connection down (the client sees end-of-file, a server accepts the next
 * client); unknown instances — the migration when none runs, a chardev
 * that does not exist, any block node — fail with DeviceNotFound
 * "Instance not found" and yank nothing; both commands run out of band.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include "libqtest.h"

#define RAW_TIMEOUT_S   60

static char *tmpdir;

/* ---- a raw client of the extra monitor ---- */

static int raw_connect(const char *name)
{
    g_autofree char *path = g_build_filename(tmpdir, name, NULL);
    struct timeval tv = { .tv_sec = RAW_TIMEOUT_S };
    int fd = qtest_socket_client(path);

    g_assert_cmpint(fd, >=, 0);
    /* A silent server fails the test instead of hanging it. */
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    return fd;
}

/* Every message ends with CR LF, which qmp_fd_receive() leaves unread. */
static void skip_crlf(int fd)
{
    char crlf[2];

    g_assert_cmpint(recv(fd, crlf, 2, MSG_WAITALL), ==, 2);
    g_assert_cmpmem(crlf, 2, "\r\n", 2);
}

static JsonObject *raw_qmp(int fd, const char *cmd)
{
    JsonObject *rsp = qmp_fd(fd, "%s", cmd);

    skip_crlf(fd);
    return rsp;
}

static void expect_greeting(int fd)
{
    JsonObject *greeting = qmp_fd_receive(fd);

    skip_crlf(fd);
    g_assert_true(json_object_has_member(greeting, "QMP"));
    json_object_unref(greeting);
}

/* The peer shut the connection: recv() sees end-of-file (or a reset). */
static void expect_eof(int fd)
{
    char c;
    ssize_t n;

    do {
        n = recv(fd, &c, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        /* The timeout (EAGAIN) would mean nothing was shut down. */
        g_assert_cmpint(errno, ==, ECONNRESET);
    } else {
        g_assert_cmpint(n, ==, 0);
    }
}

/* Nothing to read and no hang-up right now. */
static void expect_open(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    g_assert_cmpint(poll(&p, 1, 0), ==, 0);
}

/* ---- QMP ---- */

static char *query_yank(QTestState *s)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
        "{'execute': 'query-yank'}");
    char *text = qtest_json_array_to_string(json_node_get_array(ret));

    json_node_unref(ret);
    return text;
}

static void expect_not_found(QTestState *s, const char *instances)
{
    JsonObject *err = qtest_qmp_assert_failure_ref(s,
        "{'execute': 'yank', 'arguments': {'instances': %s}}", instances);

    g_assert_cmpstr(qtest_json_get_str(err, "class"), ==, "DeviceNotFound");
    g_assert_cmpstr(qtest_json_get_str(err, "desc"), ==,
                    "Instance not found");
    json_object_unref(err);
}

static QTestState *start(void)
{
    /* c0: a server socket chardev carrying a second monitor; c1: one
     * with no front end and no client. */
    return qtest_initf("-M none "
                       "-chardev socket,id=c0,path=%s/c0,server=on,wait=off "
                       "-mon chardev=c0,mode=control "
                       "-chardev socket,id=c1,path=%s/c1,server=on,wait=off",
                       tmpdir, tmpdir);
}

/* ---- tests ---- */

static void test_query(void)
{
    QTestState *s = start();
    g_autofree char *list = query_yank(s);

    /* Registration order: the harness's monitor chardev (char0), ours,
     * then the qtest protocol's socket, created after -chardev. */
    g_assert_cmpstr(list, ==,
                    "[{\"type\":\"chardev\",\"id\":\"char0\"},"
                    "{\"type\":\"chardev\",\"id\":\"c0\"},"
                    "{\"type\":\"chardev\",\"id\":\"c1\"},"
                    "{\"type\":\"chardev\",\"id\":\"qtest\"}]");
    qtest_quit(s);
}

static void test_errors(void)
{
    QTestState *s = start();
    int fd = raw_connect("c0");
    JsonObject *rsp;

    expect_greeting(fd);
    /* No migration runs: its instance is not registered. */
    expect_not_found(s, "[{'type': 'migration'}]");
    expect_not_found(s, "[{'type': 'chardev', 'id': 'nope'}]");
    expect_not_found(s, "[{'type': 'block-node', 'node-name': 'drive0'}]");
    /* All or nothing: c0 exists, but migration does not. */
    expect_not_found(s, "[{'type': 'chardev', 'id': 'c0'}, "
                     "{'type': 'migration'}]");
    expect_open(fd);

    /* Malformed instances are argument errors. */
    rsp = qtest_qmp(s, "{'execute': 'yank', 'arguments': "
                    "{'instances': [{'type': 'chardev'}]}}");
    qmp_expect_error_and_unref(rsp, "GenericError");
    rsp = qtest_qmp(s, "{'execute': 'yank', 'arguments': "
                    "{'instances': [{'type': 'disk'}]}}");
    qmp_expect_error_and_unref(rsp, "GenericError");
    rsp = qtest_qmp(s, "{'execute': 'yank'}");
    qmp_expect_error_and_unref(rsp, "GenericError");

    /* An empty list yanks nothing and succeeds. */
    qtest_qmp_assert_success(s, "{'execute': 'yank', "
                             "'arguments': {'instances': []}}");
    expect_open(fd);
    close(fd);
    qtest_quit(s);
}

static void test_yank_chardev(void)
{
    QTestState *s = start();
    int fd = raw_connect("c0"), fd2;
    JsonObject *rsp;

    expect_greeting(fd);
    /* Yank runs in the command: the shutdown is done before the reply. */
    qtest_qmp_assert_success(s, "{'execute': 'yank', 'arguments': "
                             "{'instances': [{'type': 'chardev', "
                             "'id': 'c0'}]}}");
    expect_eof(fd);
    close(fd);

    /* The server takes the next client, which gets a working monitor. */
    fd2 = raw_connect("c0");
    expect_greeting(fd2);
    rsp = raw_qmp(fd2, "{\"execute\": \"qmp_capabilities\"}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);

    /* Yanking a chardev with no client (c1) is fine and harmless. */
    qtest_qmp_assert_success(s, "{'execute': 'yank', 'arguments': "
                             "{'instances': [{'type': 'chardev', "
                             "'id': 'c1'}]}}");
    expect_open(fd2);

    /* Out of band, from the c0 monitor itself: it yanks itself. */
    close(fd2);
    fd2 = raw_connect("c0");
    expect_greeting(fd2);
    rsp = raw_qmp(fd2, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
                  "{\"enable\": [\"oob\"]}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    rsp = raw_qmp(fd2, "{\"exec-oob\": \"query-yank\", \"id\": 1}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    qmp_fd_send(fd2, "{\"exec-oob\": \"yank\", \"id\": 2, \"arguments\": "
                "{\"instances\": [{\"type\": \"chardev\", \"id\": \"c0\"}]}}");
    expect_eof(fd2);
    close(fd2);

    /* The instances are still registered after being yanked. */
    {
        g_autofree char *list = query_yank(s);

        g_assert_nonnull(strstr(list, "{\"type\":\"chardev\",\"id\":"
                                      "\"c0\"}"));
    }
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    GError *err = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("yank-test-XXXXXX", &err);
    g_assert_no_error(err);
    qtest_add_func("/yank/query", test_query);
    qtest_add_func("/yank/errors", test_errors);
    qtest_add_func("/yank/chardev", test_yank_chardev);
    ret = g_test_run();
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}

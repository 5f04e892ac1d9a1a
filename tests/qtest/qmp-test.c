/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP protocol acceptance tests (spec/qmp.md): greeting, capabilities
 * negotiation, envelope and argument errors, malformed JSON and the input
 * limits, id echo, framing, events on several monitors, out-of-band
 * execution, fd passing, introspection, the minimal HMP, and output
 * backpressure against a client that does not read.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/socket.h>
#include <fcntl.h>

#include "libqtest.h"
#include "qobject/json-writer.h"

/* Seconds a raw client waits for the server before failing the test. */
#define RAW_TIMEOUT_S   60

static char *tmpdir;

/* ---- helpers ---- */

static bool has_member(JsonObject *obj, const char *name)
{
    return obj && json_object_has_member(obj, name);
}

/* Compact text of a member (as our writer prints it), or NULL. */
static char *member_text(JsonObject *obj, const char *name)
{
    if (!has_member(obj, name)) {
        return NULL;
    }
    return json_writer_node_to_string(json_object_get_member(obj, name),
                                      false);
}

/* rsp is an error of class cls with description desc; unrefs rsp. */
static void assert_error(JsonObject *rsp, const char *cls, const char *desc)
{
    JsonObject *err;

    g_assert_nonnull(rsp);
    if (!has_member(rsp, "error")) {
        g_autofree char *text = qtest_json_to_string(rsp);

        g_test_message("expected an error, got %s", text);
    }
    g_assert_true(has_member(rsp, "error"));
    g_assert_false(has_member(rsp, "return"));
    err = json_object_get_object_member(rsp, "error");
    g_assert_cmpstr(qtest_json_get_str(err, "class"), ==, cls);
    g_assert_cmpstr(qtest_json_get_str(err, "desc"), ==, desc);
}

static void assert_generic_error(JsonObject *rsp, const char *desc)
{
    assert_error(rsp, "GenericError", desc);
    json_object_unref(rsp);
}

/* Check the id member's text ("NULL" = no id), then unref rsp. */
static void assert_id_and_unref(JsonObject *rsp, const char *id)
{
    g_autofree char *text = member_text(rsp, "id");

    g_assert_cmpstr(text, ==, id);
    json_object_unref(rsp);
}

static void assert_return_and_unref(JsonObject *rsp)
{
    if (!has_member(rsp, "return")) {
        g_autofree char *text = qtest_json_to_string(rsp);

        g_test_message("expected a return, got %s", text);
    }
    g_assert_true(has_member(rsp, "return"));
    g_assert_false(has_member(rsp, "error"));
    json_object_unref(rsp);
}

/* The harness monitor still answers (after a bad input). */
static void assert_usable(QTestState *qts)
{
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'query-status', "
                                "'id': 'alive'}");

    g_assert_true(has_member(rsp, "return"));
    assert_id_and_unref(rsp, "\"alive\"");
}

/* Start an emulator with an extra QMP server monitor <tmpdir>/<name>. */
static QTestState *start_with_monitor(const char *name, const char *extra)
{
    return qtest_initf("-M none -qmp unix:%s/%s,server=on,wait=off %s",
                       tmpdir, name, extra ? extra : "");
}

/* Connect a raw client to the extra monitor <name>. */
static int raw_connect(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s", tmpdir, name);
    struct timeval tv = { .tv_sec = RAW_TIMEOUT_S };
    int fd = qtest_socket_client(path);

    g_assert_cmpint(fd, >=, 0);
    /* A silent server fails the test instead of hanging it. */
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    return fd;
}

/* Read the greeting and check it is one. */
static void raw_expect_greeting(int fd)
{
    JsonObject *greeting = qmp_fd_receive(fd);

    g_assert_true(has_member(greeting, "QMP"));
    json_object_unref(greeting);
}

/* Connect, read the greeting and negotiate (optionally with oob). */
static int raw_connect_negotiated(const char *name, bool oob)
{
    int fd = raw_connect(name);

    raw_expect_greeting(fd);
    assert_return_and_unref(qmp_fd(fd, oob ?
        "{\"execute\": \"qmp_capabilities\", \"arguments\": "
        "{\"enable\": [\"oob\"]}}" :
        "{\"execute\": \"qmp_capabilities\"}"));
    return fd;
}

/*
 * Read raw bytes up to and including the next LF.  A bare CR LF is
 * skipped: it is the end of a message that qmp_fd_receive() (which stops
 * at the closing brace) has already consumed.
 */
static char *raw_read_line(int fd)
{
    GString *line = g_string_new(NULL);

    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        g_assert_cmpint(n, ==, 1);
        g_string_append_c(line, c);
        if (c == '\n') {
            if (!strcmp(line->str, "\r\n")) {
                g_string_truncate(line, 0);
                continue;
            }
            return g_string_free(line, FALSE);
        }
    }
}

/* ---- greeting and negotiation ---- */

static void test_greeting(void)
{
    QTestState *qts = start_with_monitor("m2", NULL);
    int fd = raw_connect("m2");
    g_autofree char *line = raw_read_line(fd);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *qmp, *version, *qemu;
    JsonArray *caps;

    /* one compact line, CR LF terminated */
    g_assert_true(g_str_has_suffix(line, "}\r\n"));
    g_assert_true(g_str_has_prefix(line, "{\"QMP\": {\"version\": "));
    g_assert_true(json_parser_load_from_data(parser, line, -1, NULL));
    qmp = json_object_get_object_member(
        json_node_get_object(json_parser_get_root(parser)), "QMP");
    version = json_object_get_object_member(qmp, "version");
    qemu = json_object_get_object_member(version, "qemu");
    g_assert_cmpint(json_object_get_int_member(qemu, "major"), ==, 10);
    g_assert_cmpint(json_object_get_int_member(qemu, "minor"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(qemu, "micro"), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(version, "package"), ==, "");
    caps = json_object_get_array_member(qmp, "capabilities");
    g_assert_cmpuint(json_array_get_length(caps), ==, 1);
    g_assert_cmpstr(json_array_get_string_element(caps, 0), ==, "oob");

    close(fd);
    qtest_quit(qts);
}

static void test_negotiation(void)
{
    QTestState *qts = start_with_monitor("m2", NULL);
    int fd = raw_connect("m2");
    JsonObject *rsp;

    raw_expect_greeting(fd);

    /* nothing but qmp_capabilities before negotiation, id echoed */
    rsp = qmp_fd(fd, "{\"execute\": \"query-status\", \"id\": 1}");
    assert_error(rsp, "CommandNotFound",
                 "Expecting capabilities negotiation with 'qmp_capabilities'");
    assert_id_and_unref(rsp, "1");
    rsp = qmp_fd(fd, "{\"execute\": \"no-such-command\"}");
    assert_error(rsp, "CommandNotFound",
                 "Expecting capabilities negotiation with 'qmp_capabilities'");
    assert_id_and_unref(rsp, NULL);
    /* exec-oob is not even a member before oob is enabled */
    assert_generic_error(qmp_fd(fd, "{\"exec-oob\": \"qmp_capabilities\"}"),
                         "QMP input member 'exec-oob' is unexpected");

    /* bad capabilities leave the monitor in negotiation mode */
    assert_generic_error(qmp_fd(fd, "{\"execute\": \"qmp_capabilities\", "
                                "\"arguments\": {\"enable\": [\"bogus\"]}}"),
                         "Parameter 'enable[0]' does not accept value "
                         "'bogus'");
    assert_generic_error(qmp_fd(fd, "{\"execute\": \"qmp_capabilities\", "
                                "\"arguments\": {\"enable\": \"oob\"}}"),
                         "Invalid parameter type for 'enable', expected: "
                         "array");
    rsp = qmp_fd(fd, "{\"execute\": \"query-version\"}");
    assert_error(rsp, "CommandNotFound",
                 "Expecting capabilities negotiation with 'qmp_capabilities'");
    json_object_unref(rsp);

    /* negotiation, then the command set is complete */
    rsp = qmp_fd(fd, "{\"execute\": \"qmp_capabilities\", "
                 "\"arguments\": {\"enable\": []}, \"id\": \"neg\"}");
    g_assert_true(has_member(rsp, "return"));
    assert_id_and_unref(rsp, "\"neg\"");
    assert_return_and_unref(qmp_fd(fd, "{\"execute\": \"query-status\"}"));

    rsp = qmp_fd(fd, "{\"execute\": \"qmp_capabilities\", \"id\": 2}");
    assert_error(rsp, "CommandNotFound",
                 "Capabilities negotiation is already complete, command "
                 "ignored");
    assert_id_and_unref(rsp, "2");
    rsp = qmp_fd(fd, "{\"execute\": \"qmp_capabilities\", "
                 "\"arguments\": {\"enable\": [\"oob\"]}}");
    assert_error(rsp, "CommandNotFound",
                 "Capabilities negotiation is already complete, command "
                 "ignored");
    json_object_unref(rsp);

    /* a new connection starts over with a fresh greeting */
    close(fd);
    fd = raw_connect("m2");
    raw_expect_greeting(fd);
    rsp = qmp_fd(fd, "{\"execute\": \"query-status\"}");
    assert_error(rsp, "CommandNotFound",
                 "Expecting capabilities negotiation with 'qmp_capabilities'");
    json_object_unref(rsp);
    assert_return_and_unref(qmp_fd(fd, "{\"execute\": \"qmp_capabilities\"}"));

    close(fd);
    qtest_quit(qts);
}

/* ---- errors ---- */

static void test_unknown_command(void)
{
    QTestState *qts = qtest_init("-M none");
    JsonObject *rsp;

    rsp = qtest_qmp(qts, "{'execute': 'no-such-command', 'id': 'x'}");
    assert_error(rsp, "CommandNotFound",
                 "The command no-such-command has not been found");
    assert_id_and_unref(rsp, "\"x\"");
    qtest_quit(qts);
}

static void test_argument_errors(void)
{
    QTestState *qts = qtest_init("-M none");

    assert_generic_error(qtest_qmp(qts, "{'execute': 'object-del', "
                                   "'arguments': {}}"),
                         "Parameter 'id' is missing");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'object-del'}"),
                         "Parameter 'id' is missing");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'qom-get', "
                                   "'arguments': {'path': '/machine'}}"),
                         "Parameter 'property' is missing");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'query-status', "
                                   "'arguments': {'foo': 1}}"),
                         "Parameter 'foo' is unexpected");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'object-del', "
                                   "'arguments': {'id': 'a', 'bar': 2}}"),
                         "Parameter 'bar' is unexpected");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'object-del', "
                                   "'arguments': {'id': 1}}"),
                         "Invalid parameter type for 'id', expected: string");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'add-fd', "
                                   "'arguments': {'fdset-id': 'one'}}"),
                         "Invalid parameter type for 'fdset-id', expected: "
                         "integer");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'add-fd', "
                                   "'arguments': {'fdset-id': 1.5}}"),
                         "Invalid parameter type for 'fdset-id', expected: "
                         "integer");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'qom-list-types', "
                                   "'arguments': {'abstract': 1}}"),
                         "Invalid parameter type for 'abstract', expected: "
                         "boolean");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'human-monitor-command', "
                                   "'arguments': {'command-line': 'info "
                                   "status', 'cpu-index': true}}"),
                         "Invalid parameter type for 'cpu-index', expected: "
                         "integer");
    /* the connection is still fine */
    assert_usable(qts);
    qtest_quit(qts);
}

static void test_envelope_errors(void)
{
    QTestState *qts = start_with_monitor("m2", NULL);
    JsonObject *rsp;
    int fd;

    /* not an object: no id */
    qtest_qmp_send_raw(qts, "[{\"execute\": \"query-status\", \"id\": 1}]");
    rsp = qtest_qmp_receive(qts);
    assert_error(rsp, "GenericError", "QMP input must be a JSON object");
    assert_id_and_unref(rsp, NULL);
    qtest_qmp_send_raw(qts, "\"query-status\"");
    assert_generic_error(qtest_qmp_receive(qts),
                         "QMP input must be a JSON object");
    qtest_qmp_send_raw(qts, "42\n");
    assert_generic_error(qtest_qmp_receive(qts),
                         "QMP input must be a JSON object");

    /* member errors: the id is echoed */
    rsp = qtest_qmp(qts, "{'execute': 1, 'id': 7}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'execute' must be a string");
    assert_id_and_unref(rsp, "7");
    rsp = qtest_qmp(qts, "{'execute': 'query-status', 'arguments': [], "
                    "'id': 8}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'arguments' must be an object");
    assert_id_and_unref(rsp, "8");
    rsp = qtest_qmp(qts, "{'execute': 'query-status', 'arguments': 'x'}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'arguments' must be an object");
    assert_id_and_unref(rsp, NULL);
    rsp = qtest_qmp(qts, "{'execute': 'query-status', 'foo': 1, 'id': 9}");
    assert_error(rsp, "GenericError", "QMP input member 'foo' is unexpected");
    assert_id_and_unref(rsp, "9");
    rsp = qtest_qmp(qts, "{'exec-oob': 'query-status', 'id': 10}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'exec-oob' is unexpected");
    assert_id_and_unref(rsp, "10");
    rsp = qtest_qmp(qts, "{'id': 11}");
    assert_error(rsp, "GenericError", "QMP input lacks member 'execute'");
    assert_id_and_unref(rsp, "11");
    assert_generic_error(qtest_qmp(qts, "{}"),
                         "QMP input lacks member 'execute'");
    rsp = qtest_qmp(qts, "{'arguments': {}, 'id': 12}");
    assert_error(rsp, "GenericError", "QMP input lacks member 'execute'");
    assert_id_and_unref(rsp, "12");

    /* with oob enabled, exec-oob is a member that can clash */
    fd = raw_connect_negotiated("m2", true);
    /* QEMU checks in QDict hash order: 'exec-oob' before 'execute'. */
    rsp = qmp_fd(fd, "{\"execute\": \"query-status\", "
                 "\"exec-oob\": \"query-status\", \"id\": 13}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'execute' clashes with 'exec-oob'");
    assert_id_and_unref(rsp, "13");
    rsp = qmp_fd(fd, "{\"exec-oob\": \"query-status\", "
                 "\"execute\": \"query-status\", \"id\": 14}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'execute' clashes with 'exec-oob'");
    assert_id_and_unref(rsp, "14");
    rsp = qmp_fd(fd, "{\"exec-oob\": [], \"id\": 15}");
    assert_error(rsp, "GenericError",
                 "QMP input member 'exec-oob' must be a string");
    assert_id_and_unref(rsp, "15");
    close(fd);

    assert_usable(qts);
    qtest_quit(qts);
}

/* Send raw bytes and expect one JSON parse error with exactly desc. */
static void check_bad_json(QTestState *qts, const char *input,
                           const char *desc)
{
    JsonObject *rsp;

    qtest_qmp_send_raw(qts, "%s", input);
    rsp = qtest_qmp_receive(qts);
    assert_error(rsp, "GenericError", desc);
    assert_id_and_unref(rsp, NULL);
    assert_usable(qts);
}

static void test_malformed_json(void)
{
    QTestState *qts = qtest_init("-M none");

    check_bad_json(qts, "{\"execute\": }", "JSON parse error, expecting value");
    check_bad_json(qts, "[,]", "JSON parse error, expecting value");
    check_bad_json(qts, "{\"execute\" \"query-status\"}",
                   "JSON parse error, missing : in object pair");
    check_bad_json(qts, "{1: 2}",
                   "JSON parse error, key is not a string in object");
    check_bad_json(qts, "{\"execute\": \"query-status\", "
                   "\"execute\": \"stop\", \"id\": 1}",
                   "JSON parse error, duplicate key");
    check_bad_json(qts, "{\"execute\": \"query-status\" \"id\": 1}",
                   "JSON parse error, expected separator in dict");
    check_bad_json(qts, "[1 2]", "JSON parse error, expected separator in list");
    check_bad_json(qts, "{\"execute\": tru}",
                   "JSON parse error, invalid keyword 'tru'");
    check_bad_json(qts, "{\"execute\": \"\\q\"}",
                   "JSON parse error, invalid escape sequence in string");
    check_bad_json(qts, "{\"execute\": \"\\uD800\"}",
                   "JSON parse error, \\uD800 is not a valid Unicode "
                   "character");
    check_bad_json(qts, "{\"execute\": \"\\uFFFF\"}",
                   "JSON parse error, \\uFFFF is not a valid Unicode "
                   "character");
    check_bad_json(qts, "{\"execute\": \"\xc0\x80\"}",
                   "JSON parse error, invalid UTF-8 sequence in string");
    check_bad_json(qts, "{\"execute\": \"\xed\xa0\x80\"}",
                   "JSON parse error, invalid UTF-8 sequence in string");
    check_bad_json(qts, "{\"execute\": 01", "JSON parse error, stray '01'");
    /* a control character forces resynchronisation out of a string */
    check_bad_json(qts, "{\"execute\": \"query-status\x1b",
                   "JSON parse error, stray '\"query-status\x1b'");
    /* so does 0xFF; it comes back as U+FFFD */
    check_bad_json(qts, "{\"execute\": \"abc\xff",
                   "JSON parse error, stray '\"abc\xef\xbf\xbd'");
    /* top-level extras */
    check_bad_json(qts, "}", "JSON parse error, expecting value");

    /* garbage inside an object: two errors, then a clean state */
    qtest_qmp_send_raw(qts, "{\"execute\": @}");
    assert_generic_error(qtest_qmp_receive(qts),
                         "JSON parse error, stray '@'");
    assert_generic_error(qtest_qmp_receive(qts),
                         "JSON parse error, expecting value");
    assert_usable(qts);

    /* extensions: single quotes and \' are fine */
    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'query-status', "
                                      "'id': 'it\\'s'}"));
    qtest_quit(qts);
}

static void test_limits(void)
{
    QTestState *qts = qtest_init("-M none");
    GString *big = g_string_new(NULL);
    guint i;

    /* nesting: 1024 is fine (an argument error), 1025 is not */
    g_string_append(big, "{\"execute\": \"query-status\", \"id\": ");
    for (i = 0; i < 1023; i++) {
        g_string_append_c(big, '[');
    }
    for (i = 0; i < 1023; i++) {
        g_string_append_c(big, ']');
    }
    g_string_append_c(big, '}');
    qtest_qmp_send_raw(qts, "%s", big->str);
    assert_return_and_unref(qtest_qmp_receive(qts));

    g_string_truncate(big, 0);
    for (i = 0; i < 1025; i++) {
        g_string_append_c(big, '[');
    }
    check_bad_json(qts, big->str, "JSON nesting depth limit exceeded");

    /* token count: the closing ']' is token 2097153 */
    g_string_assign(big, "[1");
    for (i = 1; i < 1048576; i++) {
        g_string_append(big, ",1");
    }
    g_string_append_c(big, ']');
    check_bad_json(qts, big->str, "JSON token count limit exceeded");

    /* token size: one string of more than 64 MiB */
    g_string_assign(big, "\"");
    g_string_set_size(big, (64u << 20) + 2);
    memset(big->str + 1, 'x', 64u << 20);
    big->str[big->len - 1] = '"';
    check_bad_json(qts, big->str, "JSON token size limit exceeded");

    g_string_free(big, TRUE);
    qtest_quit(qts);
}

/* ---- ids, framing, ordering ---- */

static void test_id_echo(void)
{
    static const char *const ids[] = {
        "0", "-17", "1.5", "\"abc\"", "\"\"", "true", "null", "[]",
        "[1, \"two\", {\"three\": 3}]", "{}", "{\"a\": {\"b\": [null]}}",
        "\"\\u00E9\\n\"", "9223372036854775807",
    };
    QTestState *qts = qtest_init("-M none");
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ids); i++) {
        JsonObject *rsp;

        qtest_qmp_send_raw(qts, "{\"execute\": \"query-status\", \"id\": %s}",
                           ids[i]);
        rsp = qtest_qmp_receive(qts);
        g_assert_true(has_member(rsp, "return"));
        assert_id_and_unref(rsp, ids[i]);

        qtest_qmp_send_raw(qts, "{\"execute\": \"nope\", \"id\": %s}", ids[i]);
        rsp = qtest_qmp_receive(qts);
        assert_error(rsp, "CommandNotFound",
                     "The command nope has not been found");
        assert_id_and_unref(rsp, ids[i]);
    }
    qtest_quit(qts);
}

static void test_framing(void)
{
    QTestState *qts = start_with_monitor("m2", NULL);
    int fd = raw_connect_negotiated("m2", false);
    char *line;
    int i;

    /* responses are one line each, CR LF terminated, in request order */
    qmp_fd_send_raw(fd, "{\"execute\": \"query-status\", \"id\": 1}"
                    "{\"execute\": \"query-version\", \"id\": 2}"
                    "{\"execute\": \"nope\", \"id\": 3}");
    for (i = 1; i <= 3; i++) {
        g_autofree char *expect = g_strdup_printf(", \"id\": %d}\r\n", i);

        line = raw_read_line(fd);
        g_assert_true(g_str_has_suffix(line, expect));
        g_assert_true(strchr(line, '\n') == line + strlen(line) - 1);
        g_free(line);
    }

    /* a request may arrive in pieces; no newline is needed */
    qmp_fd_send_raw(fd, "{\"execute\": \"query-");
    qmp_fd_send_raw(fd, "status\", \"i");
    qmp_fd_send_raw(fd, "d\": \"split\"}");
    line = raw_read_line(fd);
    g_assert_true(g_str_has_prefix(line, "{\"return\": {"));
    g_assert_true(g_str_has_suffix(line, ", \"id\": \"split\"}\r\n"));
    g_free(line);

    /* output is ASCII with upper-case escapes */
    qmp_fd_send_raw(fd, "{\"execute\": \"n\xc3\xa9\\u20ac\\ud83d\\ude00\","
                    " \"id\": \"\\t\\u0001\"}");
    line = raw_read_line(fd);
    g_assert_cmpstr(line, ==, "{\"error\": {\"class\": \"CommandNotFound\", "
                    "\"desc\": \"The command n\\u00E9\\u20AC\\uD83D\\uDE00 "
                    "has not been found\"}, \"id\": \"\\t\\u0001\"}\r\n");
    g_free(line);

    close(fd);
    qtest_quit(qts);
}

static void test_pretty(void)
{
    QTestState *qts = qtest_initf("-M none -qmp-pretty "
                                  "unix:%s/mp,server=on,wait=off", tmpdir);
    int fd = raw_connect("mp");
    GString *text = g_string_new(NULL);
    g_autofree char *line = NULL;

    /* the greeting, four-space indentation, CR LF everywhere */
    while (!g_str_has_suffix(text->str, "\r\n}\r\n")) {
        line = raw_read_line(fd);
        g_assert_true(g_str_has_suffix(line, "\r\n"));
        g_string_append(text, line);
        g_clear_pointer(&line, g_free);
    }
    g_assert_true(g_str_has_prefix(text->str,
                                   "{\r\n    \"QMP\": {\r\n        \"version\""));
    g_assert_nonnull(strstr(text->str, "\r\n        \"capabilities\": [\r\n"
                            "            \"oob\"\r\n        ]\r\n"));
    g_string_free(text, TRUE);

    /* pretty output parses like any other */
    assert_return_and_unref(qmp_fd(fd, "{\"execute\": \"qmp_capabilities\"}"));
    assert_return_and_unref(qmp_fd(fd, "{\"execute\": \"query-version\"}"));
    close(fd);
    qtest_quit(qts);
}

/* ---- events ---- */

static void assert_event(JsonObject *ev, const char *name)
{
    JsonObject *ts;
    gint64 secs, usecs;

    g_assert_cmpstr(qtest_json_get_str(ev, "event"), ==, name);
    g_assert_true(has_member(ev, "timestamp"));
    g_assert_false(has_member(ev, "data"));     /* STOP/RESUME have none */
    ts = json_object_get_object_member(ev, "timestamp");
    secs = json_object_get_int_member(ts, "seconds");
    usecs = json_object_get_int_member(ts, "microseconds");
    g_assert_cmpint(secs, >, 1600000000);
    g_assert_cmpint(secs, <=, g_get_real_time() / G_USEC_PER_SEC);
    g_assert_cmpint(usecs, >=, 0);
    g_assert_cmpint(usecs, <, 1000000);
    json_object_unref(ev);
}

static void test_events(void)
{
    QTestState *qts = qtest_initf("-M none "
                                  "-qmp unix:%s/m2,server=on,wait=off "
                                  "-qmp unix:%s/m3,server=on,wait=off",
                                  tmpdir, tmpdir);
    JsonObject *rsp;
    int fd2, fd3;

    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'query-status'}"));
    fd2 = raw_connect_negotiated("m2", false);
    fd3 = raw_connect("m3");
    raw_expect_greeting(fd3);               /* left in negotiation mode */

    /* stop on the harness monitor: STOP on both negotiated monitors */
    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'stop'}"));
    assert_event(qtest_qmp_eventwait_ref(qts, "STOP"), "STOP");
    assert_event(qmp_fd_receive(fd2), "STOP");

    /* an event caused by a command comes before that command's response */
    qmp_fd_send(fd2, "{\"execute\": \"cont\", \"id\": \"c\"}");
    assert_event(qmp_fd_receive(fd2), "RESUME");
    rsp = qmp_fd_receive(fd2);
    g_assert_true(has_member(rsp, "return"));
    assert_id_and_unref(rsp, "\"c\"");
    assert_event(qtest_qmp_eventwait_ref(qts, "RESUME"), "RESUME");

    /* m3 missed both events: nothing was kept for it */
    rsp = qmp_fd(fd3, "{\"execute\": \"qmp_capabilities\", \"id\": \"n3\"}");
    g_assert_true(has_member(rsp, "return"));
    assert_id_and_unref(rsp, "\"n3\"");
    rsp = qmp_fd(fd3, "{\"execute\": \"query-status\", \"id\": \"q3\"}");
    g_assert_true(has_member(rsp, "return"));
    assert_id_and_unref(rsp, "\"q3\"");

    /* now in command mode, m3 gets events too */
    qmp_fd_send(fd2, "{\"execute\": \"stop\"}");
    assert_event(qmp_fd_receive(fd2), "STOP");
    assert_return_and_unref(qmp_fd_receive(fd2));
    assert_event(qmp_fd_receive(fd3), "STOP");
    assert_event(qtest_qmp_eventwait_ref(qts, "STOP"), "STOP");

    close(fd2);
    close(fd3);
    qtest_quit(qts);
}

/* ---- out-of-band ---- */

static bool has_command(QTestState *qts, const char *name)
{
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'query-commands'}");
    JsonArray *cmds = json_object_get_array_member(rsp, "return");
    bool found = false;
    guint i;

    for (i = 0; i < json_array_get_length(cmds); i++) {
        JsonObject *c = json_array_get_object_element(cmds, i);

        found |= !strcmp(json_object_get_string_member(c, "name"), name);
    }
    json_object_unref(rsp);
    return found;
}

static void test_oob(void)
{
    QTestState *qts = start_with_monitor("m2", NULL);
    int fd = raw_connect_negotiated("m2", true);
    JsonObject *rsp;
    int i;

    rsp = qmp_fd(fd, "{\"exec-oob\": \"query-status\", \"id\": \"oob1\"}");
    assert_error(rsp, "GenericError",
                 "The command query-status does not support OOB");
    assert_id_and_unref(rsp, "\"oob1\"");
    rsp = qmp_fd(fd, "{\"exec-oob\": \"nope\", \"id\": \"oob2\"}");
    assert_error(rsp, "CommandNotFound", "The command nope has not been found");
    assert_id_and_unref(rsp, "\"oob2\"");

    /* in-band requests still run in order when several are queued */
    qmp_fd_send_raw(fd, "{\"execute\": \"query-status\", \"id\": 1}"
                    "{\"execute\": \"query-name\", \"id\": 2}"
                    "{\"execute\": \"query-version\", \"id\": 3}"
                    "{\"execute\": \"query-uuid\", \"id\": 4}");
    for (i = 1; i <= 4; i++) {
        g_autofree char *id = g_strdup_printf("%d", i);

        rsp = qmp_fd_receive(fd);
        g_assert_true(has_member(rsp, "return"));
        assert_id_and_unref(rsp, id);
    }

    /* an OOB-capable command is accepted out of band (if present) */
    if (has_command(qts, "migrate-pause")) {
        rsp = qmp_fd(fd, "{\"exec-oob\": \"migrate-pause\", \"id\": \"p\"}");
        if (has_member(rsp, "error")) {
            JsonObject *err = json_object_get_object_member(rsp, "error");

            g_assert_cmpstr(qtest_json_get_str(err, "desc"), !=,
                            "The command migrate-pause does not support OOB");
        }
        assert_id_and_unref(rsp, "\"p\"");
    }

    close(fd);
    qtest_quit(qts);
}

/* ---- file descriptors ---- */

/* True when the read end of a pipe sees EOF within the deadline. */
static bool pipe_reaches_eof(int rfd)
{
    gint64 deadline = g_get_monotonic_time() + RAW_TIMEOUT_S * G_USEC_PER_SEC;

    while (g_get_monotonic_time() < deadline) {
        struct pollfd pfd = { .fd = rfd, .events = POLLIN };
        char c;

        if (poll(&pfd, 1, 100) == 1) {
            return read(rfd, &c, 1) == 0;
        }
    }
    return false;
}

static void test_fds(void)
{
    QTestState *qts = qtest_init("-M none");
    JsonObject *rsp, *info;
    JsonArray *sets;
    int p[2];
    int64_t set_id, fd_a;
    char *text;

    /* getfd / closefd, and the fd really is closed by closefd */
    g_assert_cmpint(pipe(p), ==, 0);
    assert_return_and_unref(qtest_qmp_fds(qts, &p[1], 1, "{'execute': "
                                          "'getfd', 'arguments': "
                                          "{'fdname': 'fd0'}}"));
    close(p[1]);
    assert_generic_error(qtest_qmp(qts, "{'execute': 'getfd', 'arguments': "
                                   "{'fdname': 'fd1'}}"),
                         "No file descriptor supplied via SCM_RIGHTS");
    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'closefd', "
                                      "'arguments': {'fdname': 'fd0'}}"));
    g_assert_true(pipe_reaches_eof(p[0]));
    close(p[0]);
    assert_generic_error(qtest_qmp(qts, "{'execute': 'closefd', "
                                   "'arguments': {'fdname': 'fd0'}}"),
                         "File descriptor named 'fd0' not found");

    g_assert_cmpint(pipe(p), ==, 0);
    assert_generic_error(qtest_qmp_fds(qts, &p[0], 1, "{'execute': 'getfd', "
                                       "'arguments': {'fdname': '0bad'}}"),
                         "Parameter 'fdname' expects a name not starting "
                         "with a digit");

    /* fd sets */
    assert_generic_error(qtest_qmp(qts, "{'execute': 'add-fd'}"),
                         "No file descriptor supplied via SCM_RIGHTS");
    assert_generic_error(qtest_qmp_fds(qts, &p[0], 1, "{'execute': 'add-fd', "
                                       "'arguments': {'fdset-id': -1}}"),
                         "Parameter 'fdset-id' expects a non-negative value");
    rsp = qtest_qmp_fds(qts, &p[0], 1, "{'execute': 'add-fd', 'arguments': "
                        "{'fdset-id': 4}}");
    info = json_object_get_object_member(rsp, "return");
    set_id = json_object_get_int_member(info, "fdset-id");
    fd_a = json_object_get_int_member(info, "fd");
    g_assert_cmpint(set_id, ==, 4);
    g_assert_cmpint(fd_a, >, 2);
    json_object_unref(rsp);
    rsp = qtest_qmp_fds(qts, &p[1], 1, "{'execute': 'add-fd', 'arguments': "
                        "{'fdset-id': 4, 'opaque': 'write end'}}");
    info = json_object_get_object_member(rsp, "return");
    g_assert_cmpint(json_object_get_int_member(info, "fdset-id"), ==, 4);
    json_object_unref(rsp);
    /* without fdset-id: the lowest free id */
    rsp = qtest_qmp_fds(qts, &p[1], 1, "{'execute': 'add-fd'}");
    info = json_object_get_object_member(rsp, "return");
    g_assert_cmpint(json_object_get_int_member(info, "fdset-id"), ==, 0);
    json_object_unref(rsp);
    close(p[0]);
    close(p[1]);

    rsp = qtest_qmp(qts, "{'execute': 'query-fdsets'}");
    sets = json_object_get_array_member(rsp, "return");
    g_assert_cmpuint(json_array_get_length(sets), ==, 2);
    text = qtest_json_array_to_string(sets);
    g_assert_nonnull(strstr(text, "\"opaque\":\"write end\""));
    g_free(text);
    json_object_unref(rsp);

    rsp = qtest_qmp(qts, "{'execute': 'remove-fd', 'arguments': "
                    "{'fdset-id': 4, 'fd': %" PRId64 "}}", fd_a);
    assert_return_and_unref(rsp);
    text = g_strdup_printf("File descriptor named 'fdset-id:4, fd:%" PRId64
                           "' not found", fd_a);
    assert_generic_error(qtest_qmp(qts, "{'execute': 'remove-fd', "
                                   "'arguments': {'fdset-id': 4, "
                                   "'fd': %" PRId64 "}}", fd_a), text);
    g_free(text);
    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'remove-fd', "
                                      "'arguments': {'fdset-id': 4}}"));
    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'remove-fd', "
                                      "'arguments': {'fdset-id': 0}}"));
    assert_generic_error(qtest_qmp(qts, "{'execute': 'remove-fd', "
                                   "'arguments': {'fdset-id': 4}}"),
                         "File descriptor named 'fdset-id:4' not found");

    rsp = qtest_qmp(qts, "{'execute': 'query-fdsets'}");
    sets = json_object_get_array_member(rsp, "return");
    g_assert_cmpuint(json_array_get_length(sets), ==, 0);
    json_object_unref(rsp);
    qtest_quit(qts);
}

/* ---- introspection and HMP ---- */

static void test_query_qmp_schema(void)
{
    static const char *const events[] = {
        "STOP", "RESUME", "SHUTDOWN", "RESET", "POWERDOWN",
    };
    QTestState *qts = qtest_init("-M none");
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'query-qmp-schema'}");
    JsonArray *schema = json_object_get_array_member(rsp, "return");
    JsonObject *cmds_rsp = qtest_qmp(qts, "{'execute': 'query-commands'}");
    JsonArray *cmds = json_object_get_array_member(cmds_rsp, "return");
    g_autoptr(GHashTable) in_schema = g_hash_table_new_full(g_str_hash,
                                                            g_str_equal,
                                                            g_free, g_free);
    guint i;

    for (i = 0; i < json_array_get_length(schema); i++) {
        JsonObject *e = json_array_get_object_element(schema, i);

        g_hash_table_insert(in_schema,
                            g_strdup(json_object_get_string_member(e,
                                                                   "name")),
                            g_strdup(json_object_get_string_member(e,
                                                                "meta-type")));
    }
    g_assert_cmpuint(json_array_get_length(cmds), >, 10);
    for (i = 0; i < json_array_get_length(cmds); i++) {
        const char *name = json_object_get_string_member(
            json_array_get_object_element(cmds, i), "name");

        g_assert_cmpstr(g_hash_table_lookup(in_schema, name), ==, "command");
    }
    g_assert_cmpstr(g_hash_table_lookup(in_schema, "qmp_capabilities"), ==,
                    "command");
    for (i = 0; i < ARRAY_SIZE(events); i++) {
        g_assert_cmpstr(g_hash_table_lookup(in_schema, events[i]), ==,
                        "event");
    }
    json_object_unref(rsp);
    json_object_unref(cmds_rsp);
    qtest_quit(qts);
}

static void test_hmp(void)
{
    QTestState *qts = qtest_init("-M none -name hmpguest");
    char *out;

    out = qtest_hmp(qts, "info version");
    g_assert_cmpstr(out, ==, "10.2.2\r\n");
    g_free(out);
    out = qtest_hmp(qts, "info status");
    g_assert_cmpstr(out, ==, "VM status: running\r\n");
    g_free(out);
    assert_return_and_unref(qtest_qmp(qts, "{'execute': 'stop'}"));
    out = qtest_hmp(qts, "info status");
    g_assert_cmpstr(out, ==, "VM status: paused\r\n");
    g_free(out);
    out = qtest_hmp(qts, "info name");
    g_assert_cmpstr(out, ==, "hmpguest\r\n");
    g_free(out);
    out = qtest_hmp(qts, "frobnicate now");
    g_assert_cmpstr(out, ==, "unknown command: 'frobnicate'\r\n");
    g_free(out);
    assert_generic_error(qtest_qmp(qts, "{'execute': 'human-monitor-command', "
                                   "'arguments': {'command-line': 'info "
                                   "status', 'cpu-index': 5}}"),
                         "Parameter 'cpu-index' expects a CPU number");
    qtest_quit(qts);
}

/* ---- output backpressure ---- */

/* Requests sent at most (~3000 x 23 KB of schema if all were answered). */
#define FLOOD_MAX_REQUESTS  3000
/* What the flood may add to the emulator's resident set. */
#define FLOOD_MAX_GROWTH_KB (16 * 1024)
/* The emulator took nothing for this long: it stopped reading. */
#define FLOOD_STALL_MS      1000

/* A "Key:   N kB" line of /proc/<pid>/status, in kB. */
static long proc_status_kb(pid_t pid, const char *key)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *line;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    line = strstr(text, key);
    g_assert_nonnull(line);
    return strtol(line + strlen(key), NULL, 10);
}

static void assert_growth_bounded(pid_t pid, const char *key, long base)
{
    long now = proc_status_kb(pid, key);

    if (now - base > FLOOD_MAX_GROWTH_KB) {
        g_test_message("%s grew from %ld kB to %ld kB", key, base, now);
    }
    g_assert_cmpint(now - base, <=, FLOOD_MAX_GROWTH_KB);
}

/*
 * Send requests until the emulator stops taking them; returns how many
 * went out whole. The process must stay bounded all along.
 */
static int flood_until_stalled(int fd, pid_t pid, long base_rss)
{
    static const char req[] = "{\"execute\": \"query-qmp-schema\"}\n";
    gint64 deadline = g_get_monotonic_time() +
                      RAW_TIMEOUT_S * G_USEC_PER_SEC;
    size_t off = 0;
    int sent = 0;

    while (sent < FLOOD_MAX_REQUESTS) {
        ssize_t n = send(fd, req + off, strlen(req) - off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n > 0) {
            off += n;
            if (off == strlen(req)) {
                off = 0;
                sent++;
            }
            continue;
        }
        g_assert_true(n < 0 && (errno == EAGAIN || errno == EINTR));
        assert_growth_bounded(pid, "VmRSS:", base_rss);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            if (poll(&pfd, 1, FLOOD_STALL_MS) == 0) {
                break;
            }
        }
    }
    if (off) {
        /* Finish the request that is half out, blocking: reading resumes. */
        g_assert_cmpint(fcntl(fd, F_SETFL, 0), ==, 0);
        g_assert_cmpint(send(fd, req + off, strlen(req) - off, MSG_NOSIGNAL),
                        ==, (ssize_t)(strlen(req) - off));
        sent++;
    }
    return sent;
}

/* Read until count more LF-terminated messages have arrived. */
static void read_messages(int fd, int count)
{
    gint64 deadline = g_get_monotonic_time() +
                      RAW_TIMEOUT_S * G_USEC_PER_SEC;
    g_autofree char *buf = g_malloc(65536);

    while (count > 0) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n, i;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (poll(&pfd, 1, 100) != 1) {
            continue;
        }
        n = read(fd, buf, 65536);
        g_assert_cmpint(n, >, 0);
        for (i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                g_assert_cmpint(count, >, 0);
                count--;
            }
        }
    }
}

/*
 * Under AddressSanitizer freed memory waits in a quarantine, which would
 * count as growth here: start the emulator with none.
 */
static QTestState *start_without_asan_quarantine(const char *name)
{
    const char *old = g_getenv("ASAN_OPTIONS");
    g_autofree char *saved = g_strdup(old);
    g_autofree char *opts = g_strdup_printf("%s%squarantine_size_mb=0",
                                            old ? old : "",
                                            old && *old ? ":" : "");
    QTestState *qts;

    g_setenv("ASAN_OPTIONS", opts, TRUE);
    qts = start_with_monitor(name, NULL);
    if (saved) {
        g_setenv("ASAN_OPTIONS", saved, TRUE);
    } else {
        g_unsetenv("ASAN_OPTIONS");
    }
    return qts;
}

static void test_output_backpressure(void)
{
    QTestState *qts = start_without_asan_quarantine("bp");
    pid_t pid = qtest_pid(qts);
    int fd = raw_connect_negotiated("bp", false);
    int sndbuf = 4096;
    long base_rss = proc_status_kb(pid, "VmRSS:");
    long base_hwm = proc_status_kb(pid, "VmHWM:");
    int sent;

    /* Little in flight: the emulator, not the kernel, must hold back. */
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
                               sizeof(sndbuf)), ==, 0);
    g_assert_cmpint(fcntl(fd, F_SETFL, O_NONBLOCK), ==, 0);
    sent = flood_until_stalled(fd, pid, base_rss);
    g_test_message("%d requests taken before the emulator held back", sent);
    g_assert_cmpint(sent, <, FLOOD_MAX_REQUESTS);
    assert_growth_bounded(pid, "VmRSS:", base_rss);

    /* Reading everything lets it answer every request, still bounded. */
    g_assert_cmpint(fcntl(fd, F_SETFL, 0), ==, 0);
    /* + 1: qmp_fd() left the CR LF of the negotiation's response. */
    read_messages(fd, sent + 1);
    g_test_message("peak resident set grew by %ld kB",
                   proc_status_kb(pid, "VmHWM:") - base_hwm);
    assert_growth_bounded(pid, "VmHWM:", base_hwm);
    assert_return_and_unref(qmp_fd(fd, "{\"execute\": \"query-status\"}"));
    assert_usable(qts);
    close(fd);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    qtest_add_func("/qmp/greeting", test_greeting);
    qtest_add_func("/qmp/negotiation", test_negotiation);
    qtest_add_func("/qmp/unknown-command", test_unknown_command);
    qtest_add_func("/qmp/argument-errors", test_argument_errors);
    qtest_add_func("/qmp/envelope-errors", test_envelope_errors);
    qtest_add_func("/qmp/malformed-json", test_malformed_json);
    qtest_add_func("/qmp/limits", test_limits);
    qtest_add_func("/qmp/id-echo", test_id_echo);
    qtest_add_func("/qmp/framing", test_framing);
    qtest_add_func("/qmp/pretty", test_pretty);
    qtest_add_func("/qmp/events", test_events);
    qtest_add_func("/qmp/oob", test_oob);
    qtest_add_func("/qmp/fds", test_fds);
    qtest_add_func("/qmp/query-qmp-schema", test_query_qmp_schema);
    qtest_add_func("/qmp/hmp", test_hmp);
    qtest_add_func("/qmp/output-backpressure", test_output_backpressure);

    ret = g_test_run();
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}

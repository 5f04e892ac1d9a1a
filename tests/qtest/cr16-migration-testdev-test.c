/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of migration-testdev's configuration and its state blob: the
 * properties and their defaults, the blob pattern and checksum following
 * "sequence", and the state-size limit. (Its behaviour while migrating is
 * covered by the migration tests.)
 */
#include "qemu/osdep.h"
#include <sys/wait.h>
#include "libqtest.h"
#include "hw/cr16/migration-testdev.h"

#define TD "/machine/peripheral/td"

static int64_t qom_get_int(QTestState *s, const char *prop)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
        "{'execute': 'qom-get', 'arguments': "
        "{'path': '" TD "', 'property': '%s'}}", prop);
    int64_t v = json_node_get_int(ret);

    json_node_unref(ret);
    return v;
}

static void qom_set_int(QTestState *s, const char *prop, int64_t v)
{
    qtest_qmp_assert_success(s,
        "{'execute': 'qom-set', 'arguments': "
        "{'path': '" TD "', 'property': '%s', 'value': %" PRId64 "}}",
        prop, v);
}

static void test_defaults(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td");

    g_assert_cmpint(qom_get_int(s, "state-size"), ==, 4096);
    g_assert_cmpint(qom_get_int(s, "load-delay-ms"), ==, 0);
    g_assert_false(qtest_qom_get_bool(s, TD, "fail-load"));
    g_assert_false(qtest_qom_get_bool(s, TD, "switchover-ack"));
    g_assert_cmpint(qom_get_int(s, "sequence"), ==, 0);
    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));
    qtest_quit(s);
}

static void test_properties(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td,"
                               "state-size=1000,load-delay-ms=250,"
                               "fail-load=on,switchover-ack=on");

    g_assert_cmpint(qom_get_int(s, "state-size"), ==, 1000);
    g_assert_cmpint(qom_get_int(s, "load-delay-ms"), ==, 250);
    g_assert_true(qtest_qom_get_bool(s, TD, "fail-load"));
    g_assert_true(qtest_qom_get_bool(s, TD, "switchover-ack"));
    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));
    qtest_quit(s);
}

static void test_sequence(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td,"
                               "state-size=65536");
    int64_t c0 = qom_get_int(s, "checksum");
    int64_t c1, c2;

    qom_set_int(s, "sequence", 7);
    c1 = qom_get_int(s, "checksum");
    g_assert_cmpint(qom_get_int(s, "sequence"), ==, 7);
    g_assert_cmpint(c1, !=, c0);
    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));

    qom_set_int(s, "sequence", 8);
    c2 = qom_get_int(s, "checksum");
    g_assert_cmpint(c2, !=, c1);
    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));

    /* Deterministic: the same sequence gives the same blob. */
    qom_set_int(s, "sequence", 7);
    g_assert_cmpint(qom_get_int(s, "checksum"), ==, c1);

    /* checksum is read-only. */
    qmp_expect_error_and_unref(qtest_qmp(s,
        "{'execute': 'qom-set', 'arguments': "
        "{'path': '" TD "', 'property': 'checksum', 'value': 1}}"),
        "GenericError");
    qtest_quit(s);
}

static void test_empty_blob(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td,"
                               "state-size=0");

    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));
    qom_set_int(s, "sequence", 3);
    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));
    qtest_quit(s);
}

/* Start with -device migration-testdev,state-size=<size>: must fail with
 * status 1 and the message `expect` on stderr. */
static void check_bad_state_size(const char *size, const char *expect)
{
    g_autofree char *cmd = g_strdup_printf(
        "%s -M virt -display none -nodefaults "
        "-device migration-testdev,state-size=%s",
        getenv("QTEST_QEMU_BINARY"), size);
    g_autofree char *err_out = NULL;
    g_auto(GStrv) argv = NULL;
    GError *err = NULL;
    int wstatus;

    g_shell_parse_argv(cmd, NULL, &argv, &err);
    g_assert_no_error(err);
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                 NULL, &err_out, &wstatus, &err);
    g_assert_no_error(err);
    g_assert_true(WIFEXITED(wstatus));
    g_assert_cmpint(WEXITSTATUS(wstatus), ==, 1);
    if (!strstr(err_out, expect)) {
        g_error("state-size=%s: stderr \"%s\" lacks \"%s\"", size, err_out,
                expect);
    }
}

/* Each out-of-range value is named in its own message, with the limit. */
static void test_too_large(void)
{
    check_bad_state_size("268435457", "migration-testdev: state-size "
                         "268435457 is larger than the maximum 268435456");
    check_bad_state_size("4294967296", "migration-testdev: state-size "
                         "4294967296 is larger than the maximum 268435456");
    check_bad_state_size("1T", "migration-testdev: state-size "
                         "1099511627776 is larger than the maximum "
                         "268435456");
}

/* A size accepts suffixes. */
static void test_size_suffix(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td,"
                               "state-size=64K");

    g_assert_cmpint(qom_get_int(s, "state-size"), ==, 65536);
    g_assert_true(qtest_qom_get_bool(s, TD, "pattern-ok"));
    qtest_quit(s);
}

/*
 * The dirtier writes rate x elapsed pages per ms of virtual time (steered
 * by the qtest clock), cycling through its range, each page's first 8
 * bytes getting the running count.
 */
static void test_dirtier(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td,"
                               "dirty-base=0x100000,dirty-size=64K");
    const uint64_t base = 0x100000;

    g_assert_cmpint(qom_get_int(s, "dirty-pages-per-ms"), ==, 0);
    qtest_clock_step(s, 5 * 1000 * 1000);
    g_assert_cmpint(qom_get_int(s, "dirty-count"), ==, 0);

    qom_set_int(s, "dirty-pages-per-ms", 2);
    qtest_clock_step(s, 10 * 1000 * 1000);
    /* 20 writes over 16 pages: pages 0-3 were written twice. */
    g_assert_cmpint(qom_get_int(s, "dirty-count"), ==, 20);
    g_assert_cmphex(qtest_readq(s, base), ==, 17);
    g_assert_cmphex(qtest_readq(s, base + 3 * 4096), ==, 20);
    g_assert_cmphex(qtest_readq(s, base + 4 * 4096), ==, 5);
    g_assert_cmphex(qtest_readq(s, base + 15 * 4096), ==, 16);
    /* Only the first 8 bytes of a page. */
    g_assert_cmphex(qtest_readq(s, base + 8), ==, 0);

    /* 0 stops it. */
    qom_set_int(s, "dirty-pages-per-ms", 0);
    qtest_clock_step(s, 10 * 1000 * 1000);
    g_assert_cmpint(qom_get_int(s, "dirty-count"), ==, 20);
    qtest_quit(s);
}

/* A rate without a range, or a range outside RAM, is refused by name. */
static void test_dirtier_errors(void)
{
    QTestState *s = qtest_init("-M virt -device migration-testdev,id=td");
    JsonObject *err;

    err = qtest_qmp_assert_failure_ref(s,
        "{'execute': 'qom-set', 'arguments': {'path': '" TD "', "
        "'property': 'dirty-pages-per-ms', 'value': 1}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "migration-testdev: dirty-pages-per-ms needs "
                    "dirty-size");
    json_object_unref(err);
    qtest_quit(s);

    s = qtest_init("-M virt -device migration-testdev,id=td,"
                   "dirty-size=4096");
    err = qtest_qmp_assert_failure_ref(s,
        "{'execute': 'qom-set', 'arguments': {'path': '" TD "', "
        "'property': 'dirty-pages-per-ms', 'value': 2000000}}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "migration-testdev: dirty-pages-per-ms 2000000 is "
                    "larger than the maximum 1048576");
    json_object_unref(err);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/migration-testdev/defaults", test_defaults);
    qtest_add_func("/migration-testdev/properties", test_properties);
    qtest_add_func("/migration-testdev/sequence", test_sequence);
    qtest_add_func("/migration-testdev/empty-blob", test_empty_blob);
    qtest_add_func("/migration-testdev/too-large", test_too_large);
    qtest_add_func("/migration-testdev/size-suffix", test_size_suffix);
    qtest_add_func("/migration-testdev/dirtier", test_dirtier);
    qtest_add_func("/migration-testdev/dirtier-errors", test_dirtier_errors);
    return g_test_run();
}

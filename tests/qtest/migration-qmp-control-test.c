/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration control commands on the real binary: capability and
 * parameter queries and errors (spec 7.8, 7.9), -global migration.<prop>,
 * and the postcopy / dirty-limit commands this build refuses (7.5-7.7,
 * 7.11).
 */
#include "qemu/osdep.h"
#include "libqtest.h"

static void expect_error(QTestState *qts, const char *cmd, const char *desc)
{
    g_autoptr(JsonObject) err = qtest_qmp_assert_failure_ref(qts, "%s", cmd);

    g_assert_cmpstr(json_object_get_string_member(err, "class"), ==,
                    "GenericError");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==, desc);
}

static bool cap_state(QTestState *qts, const char *name)
{
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'query-migrate-capabilities'}");
    JsonArray *arr = json_node_get_array(ret);

    /* QEMU's 22, then x-postcopy-safe-start and x-ram-digest (ours). */
    g_assert_cmpuint(json_array_get_length(arr), ==, 24);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (!strcmp(json_object_get_string_member(o, "capability"), name)) {
            return json_object_get_boolean_member(o, "state");
        }
    }
    g_assert_not_reached();
}

static int64_t param_int(QTestState *qts, const char *name)
{
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'query-migrate-parameters'}");

    return json_object_get_int_member(json_node_get_object(ret), name);
}

static void test_caps_and_params(void)
{
    QTestState *qts = qtest_init("-machine none");
    g_autoptr(JsonNode) params = NULL;

    g_assert_false(cap_state(qts, "events"));
    params = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'query-migrate-parameters'}");
    /* QEMU's 29, then x-postcopy-device-timeout-ms (ours, unstable). */
    g_assert_cmpuint(json_object_get_size(json_node_get_object(params)), ==,
                     30);
    g_assert_cmpint(param_int(qts, "max-bandwidth"), ==, 134217728);

    qtest_qmp_assert_success(qts, "{'execute': 'migrate-set-capabilities',"
        "'arguments': {'capabilities': ["
        "{'capability': 'events', 'state': true}]}}");
    g_assert_true(cap_state(qts, "events"));
    expect_error(qts, "{'execute': 'migrate-set-capabilities',"
        "'arguments': {'capabilities': ["
        "{'capability': 'postcopy-ram', 'state': true},"
        "{'capability': 'x-ignore-shared', 'state': true}]}}",
        "Postcopy is not compatible with ignore-shared");
    expect_error(qts, "{'execute': 'migrate-set-capabilities',"
        "'arguments': {'capabilities': ["
        "{'capability': 'switchover-ack', 'state': true}]}}",
        "Capability 'switchover-ack' requires capability 'return-path'");

    qtest_qmp_assert_success(qts, "{'execute': 'migrate-set-parameters',"
        "'arguments': {'downtime-limit': 1000}}");
    g_assert_cmpint(param_int(qts, "downtime-limit"), ==, 1000);
    expect_error(qts, "{'execute': 'migrate-set-parameters',"
        "'arguments': {'downtime-limit': 5, 'multifd-channels': 0}}",
        "Parameter 'multifd_channels' expects a value between 1 and 255");
    g_assert_cmpint(param_int(qts, "downtime-limit"), ==, 1000);
    qtest_quit(qts);
}

static void test_global(void)
{
    QTestState *qts = qtest_init("-machine none "
                                 "-global migration.x-events=on "
                                 "-global migration.x-max-bandwidth=1M");

    g_assert_true(cap_state(qts, "events"));
    g_assert_cmpint(param_int(qts, "max-bandwidth"), ==, 1024 * 1024);
    qtest_quit(qts);
}

static void test_postcopy_and_dirty_limit(void)
{
    QTestState *qts = qtest_init("-machine none");
    g_autoptr(JsonNode) limits = NULL;

    expect_error(qts, "{'execute': 'migrate-pause'}",
                 "migrate-pause is currently only supported during "
                 "postcopy-active or postcopy-recover state");
    expect_error(qts, "{'execute': 'migrate-recover',"
                 "'arguments': {'uri': 'tcp:127.0.0.1:0'}}",
                 "Migrate recover can only be run when postcopy is paused.");
    expect_error(qts, "{'execute': 'migrate-start-postcopy'}",
                 "Enable postcopy with migrate_set_capability before the "
                 "start of migration");
    /* -machine none has no vCPU: no index is valid, nothing to limit. */
    expect_error(qts, "{'execute': 'set-vcpu-dirty-limit',"
                 "'arguments': {'dirty-rate': 100, 'cpu-index': 0}}",
                 "incorrect cpu index specified");
    expect_error(qts, "{'execute': 'set-vcpu-dirty-limit',"
                 "'arguments': {'dirty-rate': 100}}",
                 "the machine has no vCPU to limit");
    qtest_qmp_assert_success(qts, "{'execute': 'cancel-vcpu-dirty-limit'}");
    limits = qtest_qmp_assert_success_ref(qts,
        "{'execute': 'query-vcpu-dirty-limit'}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(limits)), ==,
                     0);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/migration-control/caps-and-params",
                   test_caps_and_params);
    qtest_add_func("/migration-control/global", test_global);
    qtest_add_func("/migration-control/postcopy-and-dirty-limit",
                   test_postcopy_and_dirty_limit);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the QMP commands about QMP itself (qapi/qmp-registry.c):
 * query-commands and query-qmp-schema, run through the real command table.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qapi-commands.h"

/* Run a command of the real schema without arguments; return its result. */
static JsonNode *run(const char *name)
{
    const QmpCommand *cmd = qmp_find_command(name);
    g_autoptr(GError) err = NULL;
    JsonNode *ret = NULL;

    g_assert_nonnull(cmd);
    g_assert_true(cmd->fn(NULL, &ret, &err));
    g_assert_no_error(err);
    g_assert_nonnull(ret);
    return ret;
}

static bool listed(JsonArray *arr, const char *member, const char *name)
{
    guint i;

    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (!strcmp(json_object_get_string_member(o, member), name)) {
            return true;
        }
    }
    return false;
}

static void test_query_commands(void)
{
    g_autoptr(JsonNode) ret = run("query-commands");
    g_autoptr(JsonNode) after = NULL;
    JsonArray *arr;
    size_t count, i;
    const QmpCommand *table = qmp_command_table(&count);

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    arr = json_node_get_array(ret);
    g_assert_cmpuint(json_array_get_length(arr), ==, count);
    for (i = 0; i < count; i++) {
        g_assert_true(listed(arr, "name", table[i].name));
    }
    g_assert_true(listed(arr, "name", "qmp_capabilities"));
    g_assert_true(listed(arr, "name", "query-qmp-schema"));
    g_assert_true(listed(arr, "name", "object-add"));

    /* disabled commands are not listed */
    g_assert_true(qmp_command_set_enabled("query-kvm", false));
    after = run("query-commands");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(after)), ==,
                     count - 1);
    g_assert_false(listed(json_node_get_array(after), "name", "query-kvm"));
    g_assert_true(qmp_command_set_enabled("query-kvm", true));
}

static void test_query_qmp_schema(void)
{
    g_autoptr(JsonNode) ret = run("query-qmp-schema");
    JsonArray *arr;
    size_t count, i;
    const QmpCommand *table = qmp_command_table(&count);

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    arr = json_node_get_array(ret);
    /* every command is described, and so are the events and the types */
    for (i = 0; i < count; i++) {
        g_assert_true(listed(arr, "name", table[i].name));
    }
    g_assert_true(listed(arr, "name", "SHUTDOWN"));
    g_assert_true(listed(arr, "name", "RunState"));
    g_assert_true(listed(arr, "name", "[MachineInfo]"));
    g_assert_true(listed(arr, "meta-type", "builtin"));
    g_assert_true(listed(arr, "name", "q_empty"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/registry/query-commands", test_query_commands);
    g_test_add_func("/qapi/registry/query-qmp-schema", test_query_qmp_schema);
    return g_test_run();
}

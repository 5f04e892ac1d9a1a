/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/keyval.c: the keyval option dialect (implied key,
 * dotted keys, arrays, escaping, help) and merging.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "qapi/error.h"

/* Compact JSON text of obj, for whole-tree comparisons. */
static char *to_json(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

    json_node_set_object(node, obj);
    return json_to_string(node, FALSE);
}

static void check_parse(const char *params, const char *implied,
                        const char *expected)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonObject) obj = keyval_parse(params, implied, NULL, &err);
    g_autofree char *text = NULL;

    g_test_message("keyval '%s'", params);
    g_assert_no_error(err);
    g_assert_nonnull(obj);
    text = to_json(obj);
    g_assert_cmpstr(text, ==, expected);
}

static void check_error(const char *params, const char *implied,
                        const char *message)
{
    g_autoptr(GError) err = NULL;
    JsonObject *obj = keyval_parse(params, implied, NULL, &err);

    g_test_message("keyval '%s'", params);
    g_assert_null(obj);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, message);
}

static void test_flat(void)
{
    check_parse("", NULL, "{}");
    check_parse("a=1", NULL, "{\"a\":\"1\"}");
    check_parse("a=1,b=two", NULL, "{\"a\":\"1\",\"b\":\"two\"}");
    check_parse("a=", NULL, "{\"a\":\"\"}");
    check_parse("a=1,a=2", NULL, "{\"a\":\"2\"}");
    check_parse("x-y_z=v", NULL, "{\"x-y_z\":\"v\"}");
}

static void test_implied(void)
{
    check_parse("virt", "type", "{\"type\":\"virt\"}");
    check_parse("virt,mem=1", "type", "{\"type\":\"virt\",\"mem\":\"1\"}");
    check_parse("type=virt", "type", "{\"type\":\"virt\"}");
    /* Only the first element may omit its key. */
    check_error("a=1,virt", "type", "Expected '=' after parameter 'virt'");
    check_error("virt", NULL, "Expected '=' after parameter 'virt'");
}

static void test_trailing_comma_and_escapes(void)
{
    check_parse("virt,", "type", "{\"type\":\"virt\"}");
    check_parse("a=1,", NULL, "{\"a\":\"1\"}");
    check_parse("a=x,,y", NULL, "{\"a\":\"x,y\"}");
    check_parse("a=x,,", NULL, "{\"a\":\"x,\"}");
    check_parse("vi,,rt", "type", "{\"type\":\"vi,rt\"}");
    check_parse("a=b=c", NULL, "{\"a\":\"b=c\"}");
    check_parse("a=1,,,", NULL, "{\"a\":\"1,\"}");
    check_error(",a=1", NULL, "Expected '=' after parameter ''");
}

static void test_nesting(void)
{
    check_parse("a.b=1,a.c=2,d=3", NULL,
                "{\"a\":{\"b\":\"1\",\"c\":\"2\"},\"d\":\"3\"}");
    check_parse("a.b.c=1,a.b.d=2", NULL,
                "{\"a\":{\"b\":{\"c\":\"1\",\"d\":\"2\"}}}");
    check_parse("a.b=1,a.b=2", NULL, "{\"a\":{\"b\":\"2\"}}");
    check_error("a=1,a.b=2", NULL, "Parameter 'a' used inconsistently");
    check_error("a.b=2,a=1", NULL, "Parameter 'a' used inconsistently");
    check_error("a.b.c=1,a.b=2", NULL, "Parameter 'a.b' used inconsistently");
}

static void test_arrays(void)
{
    check_parse("l.0=x,l.1=y", NULL, "{\"l\":[\"x\",\"y\"]}");
    check_parse("l.1=y,l.0=x", NULL, "{\"l\":[\"x\",\"y\"]}");
    check_parse("smp-cache.0.cache=l1d,smp-cache.0.topology=core", NULL,
                "{\"smp-cache\":[{\"cache\":\"l1d\",\"topology\":\"core\"}]}");
    check_error("l.1=y", NULL, "Parameter 'l.0' is missing");
    check_error("l.0=x,l.a=y", NULL, "Parameter 'l' used inconsistently");
    /* "01" is not an index, so this is an ordinary object. */
    check_parse("l.01=x", NULL, "{\"l\":{\"01\":\"x\"}}");
}

static void test_invalid_keys(void)
{
    check_error("a..b=1", NULL, "Invalid parameter 'a..b'");
    check_error(".a=1", NULL, "Invalid parameter '.a'");
    check_error("a.=1", NULL, "Invalid parameter 'a.'");
    check_error("=1", NULL, "Invalid parameter ''");
    check_error("a b=1", NULL, "Invalid parameter 'a b'");
    check_error("a=1,b", NULL, "Expected '=' after parameter 'b'");
}

static void test_help(void)
{
    g_autoptr(GError) err = NULL;
    JsonObject *obj;
    bool help = true;
    g_autofree char *text = NULL;

    obj = keyval_parse("virt,mem=1", "type", &help, &err);
    g_assert_nonnull(obj);
    g_assert_false(help);
    json_object_unref(obj);

    obj = keyval_parse("help", "type", &help, &err);
    g_assert_nonnull(obj);
    g_assert_true(help);
    g_assert_cmpuint(json_object_get_size(obj), ==, 0);
    json_object_unref(obj);

    help = false;
    obj = keyval_parse("virt,?", "type", &help, &err);
    g_assert_true(help);
    text = to_json(obj);
    g_assert_cmpstr(text, ==, "{\"type\":\"virt\"}");
    json_object_unref(obj);

    /* Escaped: the implied value "help,x", no request. */
    help = false;
    obj = keyval_parse("help,,x", "type", &help, &err);
    g_assert_false(help);
    g_assert_cmpstr(json_object_get_string_member(obj, "type"), ==, "help,x");
    json_object_unref(obj);
    g_assert_no_error(err);

    /* Without p_help, "help" is just data or an error. */
    obj = keyval_parse("help", "type", NULL, &err);
    g_assert_cmpstr(json_object_get_string_member(obj, "type"), ==, "help");
    json_object_unref(obj);
    check_error("a=1,help", NULL, "Expected '=' after parameter 'help'");
}

static void test_merge(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonObject) dst = keyval_parse("virt,a.b=1,a.c=2,l.0=x,s=1",
                                             "type", NULL, &err);
    g_autoptr(JsonObject) src = keyval_parse("a.c=3,a.d=4,l.0=y,s.t=5,n=6",
                                             NULL, NULL, &err);
    g_autofree char *text = NULL;
    g_autofree char *src_text = NULL;

    g_assert_no_error(err);
    g_assert_true(keyval_merge(dst, src) == dst);
    text = to_json(dst);
    g_assert_cmpstr(text, ==,
                    "{\"type\":\"virt\",\"a\":{\"b\":\"1\",\"c\":\"3\","
                    "\"d\":\"4\"},\"l\":[\"x\",\"y\"],\"s\":{\"t\":\"5\"},"
                    "\"n\":\"6\"}");
    /* src is untouched and independent of dst. */
    src_text = to_json(src);
    g_assert_cmpstr(src_text, ==,
                    "{\"a\":{\"c\":\"3\",\"d\":\"4\"},\"l\":[\"y\"],"
                    "\"s\":{\"t\":\"5\"},\"n\":\"6\"}");
}

static void test_merge_machine_options(void)
{
    /* Several -machine options: later wins, as vl.c merges them. */
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonObject) m1 = keyval_parse("virt,", "type", NULL, &err);
    g_autoptr(JsonObject) m2 = keyval_parse("memory-backend=mig.mem", "type",
                                            NULL, &err);
    g_autoptr(JsonObject) m3 = keyval_parse("none", "type", NULL, &err);

    g_assert_no_error(err);
    keyval_merge(m1, m2);
    keyval_merge(m1, m3);
    g_assert_cmpstr(json_object_get_string_member(m1, "type"), ==, "none");
    g_assert_cmpstr(json_object_get_string_member(m1, "memory-backend"), ==,
                    "mig.mem");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/keyval/flat", test_flat);
    g_test_add_func("/keyval/implied", test_implied);
    g_test_add_func("/keyval/trailing-comma-escapes",
                    test_trailing_comma_and_escapes);
    g_test_add_func("/keyval/nesting", test_nesting);
    g_test_add_func("/keyval/arrays", test_arrays);
    g_test_add_func("/keyval/invalid-keys", test_invalid_keys);
    g_test_add_func("/keyval/help", test_help);
    g_test_add_func("/keyval/merge", test_merge);
    g_test_add_func("/keyval/merge-machine-options",
                    test_merge_machine_options);
    return g_test_run();
}

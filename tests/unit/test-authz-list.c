/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for authz/list.c and authz/listfile.c: rule order, exact and
 * glob matching, the default policy, the C rule API, creation through the
 * JSON (QMP/-object) path with schema checks, and the file variant with
 * its reload-on-change and refuse-while-broken behaviour.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"
#include "authz/listfile.h"
#include "authz/simple.h"

#define ALICE "CN=alice,O=example"
#define BOB "CN=bob,O=example"
#define MALLORY "CN=mallory,O=elsewhere"

static char *tmpdir;

static bool allowed(const char *id, const char *identity)
{
    GError *err = NULL;
    bool ok = qauthz_is_allowed_by_id(id, identity, &err);

    /* The two results agree: allowed means no error, refused means one. */
    g_assert_true(ok == (err == NULL));
    g_clear_error(&err);
    return ok;
}

static void del(const char *id)
{
    GError *err = NULL;

    g_assert_true(user_creatable_del(id, &err));
    g_assert_no_error(err);
}

/* ---- authz-list ---- */

static void test_list_json(void)
{
    GError *err = NULL;
    g_autoptr(JsonNode) rules = NULL;
    g_autofree char *policy = NULL;
    Object *obj;

    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'al0', 'policy': 'deny',"
        " 'rules': ["
        "   {'match': '" MALLORY "', 'policy': 'deny'},"
        "   {'match': 'CN=*,O=example', 'policy': 'allow', 'format': 'glob'},"
        "   {'match': 'CN=bob,O=example', 'policy': 'deny'} ]}", &err));
    g_assert_no_error(err);

    /* The first matching rule decides: bob is allowed by the glob before
     * the exact deny is reached. */
    g_assert_true(allowed("al0", ALICE));
    g_assert_true(allowed("al0", BOB));
    g_assert_false(allowed("al0", MALLORY));
    /* Glob is fnmatch: '*' does not need to stop at ',' but the O= part
     * must still match. */
    g_assert_false(allowed("al0", "CN=eve,O=example2"));
    g_assert_false(allowed("al0", NULL));

    /* Default policy for anything no rule matches. */
    g_assert_false(allowed("al0", "CN=nobody"));
    obj = object_resolve_path("/objects/al0", NULL);
    g_assert_true(object_property_set_str(obj, "policy", "allow", &err));
    g_assert_no_error(err);
    g_assert_true(allowed("al0", "CN=nobody"));
    g_assert_false(allowed("al0", MALLORY));
    /* No identity at all matches no rule: the default decides. */
    g_assert_true(allowed("al0", NULL));
    policy = object_property_get_str(obj, "policy", &err);
    g_assert_cmpstr(policy, ==, "allow");

    /* The rules read back as JSON. */
    rules = object_property_get(obj, "rules", &err);
    g_assert_no_error(err);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(rules));
    g_assert_cmpuint(json_array_get_length(json_node_get_array(rules)), ==, 3);
    g_assert_cmpstr(json_object_get_string_member(
                        json_array_get_object_element(
                            json_node_get_array(rules), 1), "format"),
                    ==, "glob");
    del("al0");
}

static void test_list_exact_is_exact(void)
{
    GError *err = NULL;

    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'al1',"
        " 'rules': [ {'match': 'CN=*', 'policy': 'allow'} ]}", &err));
    g_assert_no_error(err);
    /* Without format, '*' is a literal character; default policy deny. */
    g_assert_false(allowed("al1", ALICE));
    g_assert_true(allowed("al1", "CN=*"));
    del("al1");
}

static void test_list_schema_errors(void)
{
    GError *err = NULL;

    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'al2', 'policy': 'maybe'}", &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "policy"));
    g_clear_error(&err);

    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'al2',"
        " 'rules': [ {'match': 'x'} ]}", &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "policy"));
    g_clear_error(&err);

    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'al2',"
        " 'rules': [ {'match': 'x', 'policy': 'allow', 'format': 'regex'} ]}",
        &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "format"));
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/al2", NULL));
}

static void test_list_api(void)
{
    GError *err = NULL;
    QAuthZList *list = qauthz_list_new("al3", QAUTHZ_LIST_POLICY_DENY, &err);

    g_assert_no_error(err);
    g_assert_nonnull(list);
    g_assert_false(allowed("al3", ALICE));

    g_assert_cmpint(qauthz_list_append_rule(list, ALICE,
                                            QAUTHZ_LIST_POLICY_ALLOW,
                                            QAUTHZ_LIST_FORMAT_EXACT, &err),
                    ==, 0);
    g_assert_cmpint(qauthz_list_append_rule(list, "CN=*",
                                            QAUTHZ_LIST_POLICY_ALLOW,
                                            QAUTHZ_LIST_FORMAT_GLOB, &err),
                    ==, 1);
    g_assert_no_error(err);
    g_assert_true(allowed("al3", ALICE));
    g_assert_true(allowed("al3", BOB));

    /* A deny for bob inserted first takes precedence over the glob. */
    g_assert_cmpint(qauthz_list_insert_rule(list, BOB,
                                            QAUTHZ_LIST_POLICY_DENY,
                                            QAUTHZ_LIST_FORMAT_EXACT, 0,
                                            &err), ==, 0);
    g_assert_false(allowed("al3", BOB));
    g_assert_true(allowed("al3", ALICE));

    /* Inserting past the end fails and changes nothing. */
    g_assert_cmpint(qauthz_list_insert_rule(list, "x",
                                            QAUTHZ_LIST_POLICY_ALLOW,
                                            QAUTHZ_LIST_FORMAT_EXACT, 4,
                                            &err), ==, -1);
    g_assert_cmpstr(err->message, ==,
                    "Rule index 4 is past the end of the list (3 rules)");
    g_clear_error(&err);
    g_assert_false(allowed("al3", "x"));
    /* At exactly the end it appends. */
    g_assert_cmpint(qauthz_list_insert_rule(list, "x",
                                            QAUTHZ_LIST_POLICY_ALLOW,
                                            QAUTHZ_LIST_FORMAT_EXACT, 3,
                                            &err), ==, 3);
    g_assert_true(allowed("al3", "x"));

    g_assert_cmpint(qauthz_list_delete_rule(list, BOB), ==, 0);
    g_assert_true(allowed("al3", BOB));
    g_assert_cmpint(qauthz_list_delete_rule(list, BOB), ==, -1);
    g_assert_cmpint(qauthz_list_delete_rule(list, "CN=*"), ==, 1);
    g_assert_false(allowed("al3", BOB));
    g_assert_true(allowed("al3", ALICE));

    /* Duplicate ids are refused. */
    g_assert_null(qauthz_list_new("al3", QAUTHZ_LIST_POLICY_ALLOW, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    del("al3");
}

static void test_base_dispatch(void)
{
    GError *err = NULL;
    QAuthZList *list = qauthz_list_new("al4", QAUTHZ_LIST_POLICY_DENY, &err);

    /* qauthz_is_allowed() on the object: a refusal gets the base text. */
    g_assert_false(qauthz_is_allowed((QAuthZ *)list, ALICE, &err));
    g_assert_cmpstr(err->message, ==, "Identity '" ALICE "' is not authorized");
    g_clear_error(&err);
    g_assert_false(qauthz_is_allowed((QAuthZ *)list, NULL, &err));
    g_assert_cmpstr(err->message, ==, "Identity '' is not authorized");
    g_clear_error(&err);
    del("al4");

    /* authz-simple is an authz too. */
    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'authz-simple', 'id': 'as0', 'identity': '" ALICE "'}",
        &err));
    g_assert_true(object_dynamic_cast(object_resolve_path("/objects/as0",
                                                          NULL), TYPE_QAUTHZ));
    g_assert_true(allowed("as0", ALICE));
    g_assert_false(allowed("as0", NULL));
    del("as0");
}

/* ---- authz-listfile ---- */

static char *write_rules(const char *name, const char *json)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    /* g_file_set_contents renames a new file into place: new inode. */
    g_assert_true(g_file_set_contents(path, json, -1, NULL));
    return path;
}

static Object *create_listfile(const char *id, const char *path,
                               const char *refresh, GError **errp)
{
    JsonObject *props = json_object_new();
    Object *obj;

    json_object_set_string_member(props, "filename", path);
    if (refresh) {
        json_object_set_string_member(props, "refresh", refresh);
    }
    obj = user_creatable_add_type(TYPE_QAUTHZ_LIST_FILE, id, props, true,
                                  errp);
    json_object_unref(props);
    return obj;
}

static void test_listfile_load(void)
{
    GError *err = NULL;
    g_autofree char *path = write_rules("rules1.json",
        "{ \"policy\": \"deny\", \"rules\": ["
        "  { \"match\": \"CN=*,O=example\", \"policy\": \"allow\","
        "    \"format\": \"glob\" } ] }");
    Object *obj = create_listfile("alf0", path, NULL, &err);

    g_assert_no_error(err);
    g_assert_nonnull(obj);
    g_assert_true(object_property_get_bool(obj, "refresh", NULL));
    g_assert_true(allowed("alf0", ALICE));
    g_assert_false(allowed("alf0", MALLORY));
    del("alf0");

    /* The JSON form, as QMP object-add sends it. */
    {
        g_autofree char *json = g_strdup_printf(
            "{'qom-type': 'authz-listfile', 'id': 'alf1', 'filename': '%s',"
            " 'refresh': false}", path);

        g_assert_true(user_creatable_add_json(json, &err));
        g_assert_no_error(err);
        g_assert_true(allowed("alf1", BOB));
        del("alf1");
    }
}

static void test_listfile_errors(void)
{
    GError *err = NULL;
    g_autofree char *missing = g_build_filename(tmpdir, "nope.json", NULL);
    g_autofree char *notjson = write_rules("bad1.json", "{ policy: ");
    g_autofree char *array = write_rules("bad2.json", "[]");
    g_autofree char *badrule = write_rules("bad3.json",
        "{ \"rules\": [ { \"match\": \"x\", \"policy\": \"perhaps\" } ] }");
    g_autofree char *extra = write_rules("bad4.json",
        "{ \"policy\": \"allow\", \"colour\": \"blue\" }");
    g_autofree char *want = NULL;

    g_assert_null(create_listfile("alf2", missing, NULL, &err));
    want = g_strdup_printf("Unable to read '%s': No such file or directory",
                           missing);
    g_assert_cmpstr(err->message, ==, want);
    g_clear_error(&err);

    g_assert_null(create_listfile("alf2", notjson, NULL, &err));
    g_assert_true(g_str_has_prefix(err->message, "Unable to parse '"));
    g_clear_error(&err);

    g_assert_null(create_listfile("alf2", array, NULL, &err));
    g_assert_nonnull(strstr(err->message, "expected a JSON object"));
    g_clear_error(&err);

    g_assert_null(create_listfile("alf2", badrule, NULL, &err));
    g_assert_true(g_str_has_prefix(err->message, "Invalid rules in '"));
    g_assert_nonnull(strstr(err->message, "policy"));
    g_clear_error(&err);

    g_assert_null(create_listfile("alf2", extra, NULL, &err));
    g_assert_nonnull(strstr(err->message, "colour"));
    g_clear_error(&err);

    /* filename is required. */
    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'authz-listfile', 'id': 'alf2'}", &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/alf2", NULL));
}

static void test_listfile_refresh(void)
{
    GError *err = NULL;
    const char *allow_alice =
        "{ \"rules\": [ { \"match\": \"" ALICE "\", \"policy\": \"allow\" } ] }";
    const char *allow_bob =
        "{ \"rules\": [ { \"match\": \"" BOB "\", \"policy\": \"allow\" } ] }";
    g_autofree char *path = write_rules("live.json", allow_alice);
    g_autofree char *path2 = write_rules("fixed.json", allow_alice);

    create_listfile("alf3", path, NULL, &err);
    g_assert_no_error(err);
    create_listfile("alf4", path2, "off", &err);
    g_assert_no_error(err);
    g_assert_true(allowed("alf3", ALICE));
    g_assert_false(allowed("alf3", BOB));

    /* A change is seen at the next question. */
    g_free(write_rules("live.json", allow_bob));
    g_assert_false(allowed("alf3", ALICE));
    g_assert_true(allowed("alf3", BOB));

    /* Without refresh the loaded rules stay. */
    g_free(write_rules("fixed.json", allow_bob));
    g_assert_true(allowed("alf4", ALICE));
    g_assert_false(allowed("alf4", BOB));

    /* A broken file refuses everyone, with the load error ... */
    g_free(write_rules("live.json", "{ \"rules\": "));
    g_assert_false(qauthz_is_allowed_by_id("alf3", BOB, &err));
    g_assert_true(g_str_has_prefix(err->message, "Unable to parse '"));
    g_clear_error(&err);
    /* ... and so does a vanished one ... */
    g_assert_cmpint(unlink(path), ==, 0);
    g_assert_false(qauthz_is_allowed_by_id("alf3", BOB, &err));
    g_assert_true(g_str_has_prefix(err->message, "Unable to read '"));
    g_clear_error(&err);
    /* ... until the file loads again. */
    g_free(write_rules("live.json", allow_alice));
    g_assert_true(allowed("alf3", ALICE));

    /* Pointing at another file after creation loads it at once; a bad
     * name is refused. */
    {
        Object *obj = object_resolve_path("/objects/alf3", NULL);
        g_autofree char *nope = g_build_filename(tmpdir, "none.json", NULL);

        g_assert_true(object_property_set_str(obj, "filename", path2, &err));
        g_assert_no_error(err);
        g_assert_true(allowed("alf3", BOB));
        g_assert_false(object_property_set_str(obj, "filename", nope, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
    del("alf3");
    del("alf4");
}

int main(int argc, char **argv)
{
    g_autofree char *dir = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    dir = g_dir_make_tmp("test-authz-list-XXXXXX", NULL);
    g_assert_nonnull(dir);
    tmpdir = dir;

    g_test_add_func("/authz/list/json", test_list_json);
    g_test_add_func("/authz/list/exact-is-exact", test_list_exact_is_exact);
    g_test_add_func("/authz/list/schema-errors", test_list_schema_errors);
    g_test_add_func("/authz/list/api", test_list_api);
    g_test_add_func("/authz/base/dispatch", test_base_dispatch);
    g_test_add_func("/authz/listfile/load", test_listfile_load);
    g_test_add_func("/authz/listfile/errors", test_listfile_errors);
    g_test_add_func("/authz/listfile/refresh", test_listfile_refresh);
    ret = g_test_run();

    {
        GDir *d = g_dir_open(dir, 0, NULL);
        const char *name;

        while (d && (name = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(dir, name, NULL);

            unlink(p);
        }
        if (d) {
            g_dir_close(d);
        }
        rmdir(dir);
    }
    return ret;
}

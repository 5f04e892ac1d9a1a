/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the generated command marshallers, dispatch table, event
 * senders and introspection data, using the test schema
 * (tests/qapi-schema/qapi-schema-test.json).  The qmp_test_*() commands of
 * that schema are implemented here.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qapi-visit.h"
#include "test-qapi-commands.h"
#include "test-qapi-events.h"
#include "test-qapi-introspect.h"
#include "test-qapi-visit.h"

/* ---- helpers ---------------------------------------------------------- */

static JsonNode *parse(const char *text)
{
    g_autofree char *dq = g_strdup(text);
    g_autoptr(GError) err = NULL;
    JsonNode *node;

    g_strdelimit(dq, "'", '"');
    node = json_from_string(dq, &err);
    g_assert_no_error(err);
    return node;
}

static void assert_json_eq(JsonNode *got, const char *expected)
{
    g_autoptr(JsonNode) exp = parse(expected);
    g_autofree char *a = json_to_string(got, FALSE);
    g_autofree char *b = json_to_string(exp, FALSE);

    g_assert_cmpstr(a, ==, b);
}

/* Counts calls of the test commands: argument errors must not call. */
static int calls;

/*
 * Run command name with arguments args_text (NULL: no arguments); return
 * the result, or NULL with *errp set.
 */
static JsonNode *call(const char *name, const char *args_text, GError **errp)
{
    const QmpCommand *cmd = test_qmp_find_command(name);
    g_autoptr(JsonNode) args = args_text ? parse(args_text) : NULL;
    JsonNode *ret = NULL;
    bool ok;

    g_assert_nonnull(cmd);
    ok = cmd->fn(args ? json_node_get_object(args) : NULL, &ret, errp);
    g_assert_true(ok == (ret != NULL));
    return ret;
}

static void expect_result(const char *name, const char *args_text,
                          const char *result)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = call(name, args_text, &err);

    g_assert_no_error(err);
    assert_json_eq(ret, result);
}

static void expect_arg_error(const char *name, const char *args_text,
                             const char *msg)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;
    int before = calls;

    ret = call(name, args_text, &err);
    g_assert_null(ret);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, msg);
    /* arguments are checked before the command runs */
    g_assert_cmpint(calls, ==, before);
}

/* ---- the test schema's commands --------------------------------------- */

TestIncluded *qmp_test_included(TestSubEnum v, GError **errp)
{
    TestIncluded *r = g_new0(TestIncluded, 1);

    calls++;
    r->from_include = v;
    return r;
}

void qmp_test_no_args(GError **errp)
{
    calls++;
}

TestInner *qmp_test_args(int64_t a, const char *b, bool has_c, bool c,
                         TestInnerList *d, bool has_e, TestEnum e,
                         TestInner *f, GError **errp)
{
    TestInner *r = g_new0(TestInner, 1);
    int n = 0;

    calls++;
    for (; d; d = d->next) {
        n++;
    }
    r->name = g_strdup_printf("b=%s c=%s e=%s f=%s d=%d", b ? b : "-",
                              has_c ? (c ? "true" : "false") : "-",
                              has_e ? TestEnum_str(e) : "-",
                              f ? f->name : "-", n);
    r->has_value = true;
    r->value = a;
    return r;
}

int64_t qmp_test_boxed(TestUnion *arg, GError **errp)
{
    calls++;
    switch (arg->kind) {
    case TEST_KIND_ALPHA:
        return arg->u.alpha.a;
    case TEST_KIND_BETA:
        return arg->u.beta.b->has_value ? arg->u.beta.b->value : -1;
    default:
        return 0;
    }
}

char *qmp_test_data_type(const char *name, bool has_value, int64_t value,
                         GError **errp)
{
    calls++;
    if (!has_value) {
        return g_strdup(name);
    }
    return g_strdup_printf("%s=%" PRId64, name, value);
}

TestInnerList *qmp_test_returns_list(int64_t n, GError **errp)
{
    TestInnerList *head = NULL;
    int64_t i;

    calls++;
    if (n < 0) {
        error_setg(errp, "n must not be negative");
        return NULL;
    }
    for (i = n - 1; i >= 0; i--) {
        TestInnerList *elem = g_new0(TestInnerList, 1);

        elem->value = g_new0(TestInner, 1);
        elem->value->name = g_strdup_printf("item%" PRId64, i);
        elem->next = head;
        head = elem;
    }
    return head;
}

TestEnumList *qmp_test_returns_enums(GError **errp)
{
    TestEnumList *a = g_new0(TestEnumList, 1);

    calls++;
    a->value = TEST_ENUM_THIRD_VALUE;
    a->next = g_new0(TestEnumList, 1);
    a->next->value = TEST_ENUM_VALUE_ONE;
    return a;
}

JsonNode *qmp_test_returns_any(JsonNode *v, GError **errp)
{
    calls++;
    return v ? json_node_copy(v) : NULL;
}

TestScalars *qmp_test_ints(int8_t i8, int16_t i16, int32_t i32, uint8_t u8,
                           uint16_t u16, uint32_t u32, uint64_t u64,
                           uint64_t sz, bool has_n, double n, GError **errp)
{
    TestScalars *r = g_new0(TestScalars, 1);

    calls++;
    r->s = g_strdup(has_n ? "n" : "");
    r->i = i8 + i16 + i32;
    r->i8 = i8;
    r->i16 = i16;
    r->i32 = i32;
    r->u8 = u8;
    r->u16 = u16;
    r->u32 = u32;
    r->u64 = u64;
    r->sz = sz;
    r->n = has_n ? n : -1;
    r->a = json_node_new(JSON_NODE_NULL);
    return r;
}

void qmp_test_fail(int64_t class, GError **errp)
{
    calls++;
    error_set(errp, (ErrorClass)class, "failed with class %" PRId64, class);
}

void qmp_test_oob(GError **errp)
{
    calls++;
}

void qmp_test_preconfig(GError **errp)
{
    calls++;
}

void qmp_test_no_response(GError **errp)
{
    calls++;
}

void qmp_test_features(GError **errp)
{
    calls++;
}

/* 'gen': false: the marshaller is written by hand. */
bool qmp_marshal_test_gen_false(JsonObject *args, JsonNode **ret,
                                GError **errp)
{
    calls++;
    *ret = json_node_init_string(json_node_alloc(), "hand-written");
    return true;
}

static char *last_migrate;

void qmp_test_migrate(const char *uri, TestChannelList *channels,
                      bool has_detach, bool detach, bool has_resume,
                      bool resume, GError **errp)
{
    GString *s = g_string_new(uri ? uri : "-");

    calls++;
    if ((uri != NULL) == (channels != NULL)) {
        error_setg(errp, "need either 'uri' or 'channels' argument");
        g_string_free(s, TRUE);
        return;
    }
    for (; channels; channels = channels->next) {
        TestAddress *addr = channels->value->addr;

        g_string_append_printf(s, " %s:",
                               TestChannelType_str(channels->value->channel_type));
        if (addr->transport == TEST_TRANSPORT_SOCKET) {
            g_string_append(s, addr->u.socket.path);
        } else {
            g_string_append_printf(s, "%s@%" PRIu64, addr->u.file.filename,
                                   addr->u.file.has_offset ?
                                   addr->u.file.offset : 0);
        }
    }
    if (has_resume && resume) {
        g_string_append(s, " resume");
    }
    g_free(last_migrate);
    last_migrate = g_string_free(s, FALSE);
}

static TestParams *stored_params;

/* A deep copy through JSON (the visitors are what is under test). */
static TestParams *copy_params(const TestParams *p)
{
    g_autoptr(JsonNode) node = qapi_TestParams_to_json(p);

    return qapi_TestParams_from_json(node, NULL, NULL);
}

void qmp_test_set_params(TestParams *arg, GError **errp)
{
    calls++;
    if (arg->has_cpu_throttle && arg->cpu_throttle > 99) {
        error_setg(errp, "Parameter 'cpu_throttle' expects an integer in "
                   "the range of 1 to 99");
        return;
    }
    qapi_free_TestParams(stored_params);
    stored_params = copy_params(arg);
}

TestParams *qmp_test_query_params(GError **errp)
{
    calls++;
    return stored_params ? copy_params(stored_params) : g_new0(TestParams, 1);
}

void qmp_test_all_types(TestScalars *scalars, TestOptionals *opt,
                        TestNested *nested, TestDerived2 *derived,
                        TestUnion2 *u2, TestFeatured *featured,
                        TestEmpty *empty, TestIncluded *included,
                        GError **errp)
{
    calls++;
}

TestContainer *qmp_test_container(TestContainer *c, GError **errp)
{
    g_autoptr(JsonNode) node = qapi_TestContainer_to_json(c);

    calls++;
    return qapi_TestContainer_from_json(node, NULL, errp);
}

/* ---- the test schema's event sink --------------------------------------- */

static int events_seen;
static test_QAPIEvent last_event;
static JsonObject *last_data;

void test_qapi_event_emit(test_QAPIEvent event, JsonObject *data)
{
    events_seen++;
    last_event = event;
    if (last_data) {
        json_object_unref(last_data);
    }
    last_data = data;
}

static void assert_last_data(const char *expected)
{
    g_autoptr(JsonNode) node = NULL;

    if (!expected) {
        g_assert_null(last_data);
        return;
    }
    g_assert_nonnull(last_data);
    node = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(node, last_data);
    assert_json_eq(node, expected);
}

/* ---- tests ------------------------------------------------------------ */

static void test_table(void)
{
    size_t count, i;
    const QmpCommand *table = test_qmp_command_table(&count);
    const QmpCommand *cmd;

    /* 21 commands in the schema; test-cond is compiled out */
    g_assert_cmpuint(count, ==, 20);
    for (i = 0; i + 1 < count; i++) {
        g_assert_cmpint(strcmp(table[i].name, table[i + 1].name), <, 0);
    }
    for (i = 0; i < count; i++) {
        g_assert_true(test_qmp_find_command(table[i].name) == &table[i]);
        g_assert_true(table[i].enabled);
    }
    g_assert_null(test_qmp_find_command("test-cond"));
    g_assert_null(test_qmp_find_command("no-such-command"));
    g_assert_null(test_qmp_find_command(""));

    cmd = test_qmp_find_command("test-oob");
    g_assert_cmpuint(cmd->options, ==, QCO_ALLOW_OOB);
    cmd = test_qmp_find_command("test-preconfig");
    g_assert_cmpuint(cmd->options, ==, QCO_ALLOW_PRECONFIG | QCO_COROUTINE);
    cmd = test_qmp_find_command("test-no-response");
    g_assert_cmpuint(cmd->options, ==, QCO_NO_SUCCESS_RESP);
    cmd = test_qmp_find_command("test-args");
    g_assert_cmpuint(cmd->options, ==, QCO_NO_OPTIONS);
    g_assert_true(cmd->fn == qmp_marshal_test_args);

    g_assert_true(test_qmp_command_set_enabled("test-args", false));
    g_assert_false(test_qmp_find_command("test-args")->enabled);
    g_assert_true(test_qmp_command_set_enabled("test-args", true));
    g_assert_true(test_qmp_find_command("test-args")->enabled);
    g_assert_false(test_qmp_command_set_enabled("nope", false));
}

static void test_no_args(void)
{
    int before = calls;

    expect_result("test-no-args", NULL, "{}");
    expect_result("test-no-args", "{}", "{}");
    g_assert_cmpint(calls, ==, before + 2);
    expect_arg_error("test-no-args", "{'x': 1}",
                     "Parameter 'x' is unexpected");
    expect_result("test-gen-false", "{'anything': 1}", "'hand-written'");
}

static void test_args(void)
{
    expect_result("test-args", "{'a': 1, 'd': []}",
                  "{'name': 'b=- c=- e=- f=- d=0', 'value': 1}");
    expect_result("test-args",
                  "{'a': -2, 'b': 'bee', 'c': false, 'd': [{'name': 'x'},"
                  " {'name': 'y', 'value': 3}], 'e': 'feat-value',"
                  " 'f': {'name': 'eff'}}",
                  "{'name': 'b=bee c=false e=feat-value f=eff d=2',"
                  " 'value': -2}");
    expect_arg_error("test-args", NULL, "Parameter 'a' is missing");
    expect_arg_error("test-args", "{'a': 1}", "Parameter 'd' is missing");
    expect_arg_error("test-args", "{'a': '1', 'd': []}",
                     "Invalid parameter type for 'a', expected: integer");
    expect_arg_error("test-args", "{'a': 1, 'd': [{}]}",
                     "Parameter 'd[0].name' is missing");
    expect_arg_error("test-args", "{'a': 1, 'd': [], 'f': {'name': 1}}",
                     "Invalid parameter type for 'f.name', expected: string");
    expect_arg_error("test-args", "{'a': 1, 'd': [], 'e': 'cond-value'}",
                     "Parameter 'e' does not accept value 'cond-value'");
    expect_arg_error("test-args", "{'a': 1, 'd': [], 'c': 'yes'}",
                     "Invalid parameter type for 'c', expected: boolean");
    expect_arg_error("test-args", "{'a': 1, 'd': {}}",
                     "Invalid parameter type for 'd', expected: array");
    expect_arg_error("test-args", "{'a': 1, 'd': [], 'g': 1}",
                     "Parameter 'g' is unexpected");
    expect_result("test-data-type", "{'name': 'x', 'value': 3}", "'x=3'");
    expect_result("test-data-type", "{'name': 'y'}", "'y'");
    expect_arg_error("test-data-type", "{}", "Parameter 'name' is missing");
    expect_result("test-included", "{'v': 'x'}", "{'from-include': 'x'}");
}

static void test_boxed(void)
{
    expect_result("test-boxed", "{'common': 'c', 'kind': 'alpha', 'a': 7}",
                  "7");
    expect_result("test-boxed", "{'common': 'c', 'kind': 'beta',"
                  " 'b': {'name': 'n', 'value': 9}}", "9");
    expect_result("test-boxed", "{'common': 'c', 'kind': 'gamma'}", "0");
    expect_arg_error("test-boxed", "{'common': 'c'}",
                     "Parameter 'kind' is missing");
    expect_arg_error("test-boxed", "{'kind': 'alpha', 'common': 'c'}",
                     "Parameter 'a' is missing");
    expect_arg_error("test-boxed", "{'kind': 'gamma', 'common': 'c', 'a': 1}",
                     "Parameter 'a' is unexpected");
}

static void test_returns(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ret = NULL;

    expect_result("test-returns-list", "{'n': 0}", "[]");
    expect_result("test-returns-list", "{'n': 2}",
                  "[{'name': 'item0'}, {'name': 'item1'}]");
    expect_result("test-returns-enums", NULL, "['third.value', 'value-one']");
    expect_result("test-returns-any", "{'v': {'x': [1, null]}}",
                  "{'x': [1, null]}");
    expect_result("test-returns-any", "{'v': 'str'}", "'str'");
    expect_result("test-returns-any", "{}", "null");
    expect_result("test-ints",
                  "{'i8': -128, 'i16': 1, 'i32': 2, 'u8': 255,"
                  " 'u16': 65535, 'u32': 4294967295,"
                  " 'u64': 9223372036854775807, 'sz': -1, 'n': 2}",
                  "{'s': 'n', 'i': -125, 'i8': -128, 'i16': 1, 'i32': 2,"
                  " 'i64': 0, 'u8': 255, 'u16': 65535, 'u32': 4294967295,"
                  " 'u64': 9223372036854775807, 'sz': 1.8446744073709552e+19,"
                  " 'n': 2.0, 'b': false, 'nul': null, 'a': null,"
                  " 'e': 'value-one', 'pfx': 'first'}");
    expect_arg_error("test-ints", "{'i8': 128, 'i16': 1, 'i32': 2, 'u8': 1,"
                     " 'u16': 1, 'u32': 1, 'u64': 1, 'sz': 1}",
                     "Parameter 'i8' expects int8");
    expect_arg_error("test-ints", "{'i8': 1, 'i16': 1, 'i32': 2, 'u8': 256,"
                     " 'u16': 1, 'u32': 1, 'u64': 1, 'sz': 1}",
                     "Parameter 'u8' expects uint8");
    expect_arg_error("test-ints", "{'i8': 1, 'i16': 1, 'i32': 2, 'u8': 1,"
                     " 'u16': 1, 'u32': 1, 'u64': 1, 'sz': 'big'}",
                     "Parameter 'sz' expects uint64");

    /* a failing command: its error class and message come through */
    ret = call("test-returns-list", "{'n': -1}", &err);
    g_assert_null(ret);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, "n must not be negative");
    g_clear_error(&err);
    ret = call("test-fail", "{'class': 3}", &err);
    g_assert_null(ret);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "failed with class 3");
    g_assert_cmpstr(error_class_name(err->code), ==, "DeviceNotFound");
}

static void test_migration_like(void)
{
    expect_result("test-migrate", "{'uri': 'tcp:127.0.0.1:4444'}", "{}");
    g_assert_cmpstr(last_migrate, ==, "tcp:127.0.0.1:4444");
    expect_result("test-migrate",
                  "{'channels': [{'channel-type': 'main', 'addr':"
                  " {'transport': 'file', 'filename': '/f', 'offset': 8}},"
                  " {'channel-type': 'cpr', 'addr': {'transport': 'socket',"
                  " 'path': '/s'}}], 'resume': true}", "{}");
    g_assert_cmpstr(last_migrate, ==, "- main:/f@8 cpr:/s resume");
    expect_arg_error("test-migrate",
                     "{'channels': [{'channel-type': 'main', 'addr':"
                     " {'transport': 'tcp'}}]}",
                     "Parameter 'channels[0].addr.transport' does not accept "
                     "value 'tcp'");

    expect_result("test-set-params",
                  "{'tls-creds': null, 'max-bandwidth': 1000,"
                  " 'exec-command': ['true']}", "{}");
    expect_result("test-query-params", NULL,
                  "{'tls-creds': null, 'max-bandwidth': 1000,"
                  " 'exec-command': ['true']}");
    expect_result("test-set-params", "{'tls-creds': 'creds0',"
                  " 'cpu-throttle': 20}", "{}");
    expect_result("test-query-params", NULL,
                  "{'tls-creds': 'creds0', 'cpu-throttle': 20}");
    expect_arg_error("test-set-params", "{'tls-creds': 5}",
                     "Invalid parameter type for 'tls-creds', expected: "
                     "TestAltStrNull");
    expect_arg_error("test-set-params", "{'max-bandwidth': 1.5}",
                     "Parameter 'max-bandwidth' expects uint64");

    expect_result("test-container",
                  "{'c': {'sn': null, 'un': {'common': 'x', 'kind': 'gamma'},"
                  " 'alts': ['a', null], 'au': 3}}",
                  "{'sn': null, 'un': {'common': 'x', 'kind': 'gamma'},"
                  " 'alts': ['a', null], 'au': 3}");
    expect_arg_error("test-container", "{'c': {'sn': null}}",
                     "Parameter 'c.un' is missing");
    expect_result("test-all-types", "{'empty': {}, 'featured': {'foo': 1,"
                  " 'kept': 'k', 'both': 0}}", "{}");
}

static void test_events(void)
{
    TestUnion u = { .common = (char *)"c", .kind = TEST_KIND_ALPHA };
    int before = events_seen;

    qapi_event_send_test_event_none();
    g_assert_cmpint(last_event, ==, TEST_QAPI_EVENT_TEST_EVENT_NONE);
    assert_last_data(NULL);

    qapi_event_send_test_event_data(5, NULL, false, 0, TEST_ENUM_VALUE2);
    g_assert_cmpint(last_event, ==, TEST_QAPI_EVENT_TEST_EVENT_DATA);
    assert_last_data("{'a': 5, 'e': 'value2'}");
    qapi_event_send_test_event_data(-1, "bee", true, 200,
                                    TEST_ENUM_THIRD_VALUE);
    assert_last_data("{'a': -1, 'b': 'bee', 'c': 200, 'e': 'third.value'}");

    u.u.alpha.a = 3;
    qapi_event_send_test_event_boxed(&u);
    g_assert_cmpint(last_event, ==, TEST_QAPI_EVENT_TEST_EVENT_BOXED);
    assert_last_data("{'common': 'c', 'kind': 'alpha', 'a': 3}");

    qapi_event_send_test_event_type("nm", true, 4);
    g_assert_cmpint(last_event, ==, TEST_QAPI_EVENT_TEST_EVENT_TYPE);
    assert_last_data("{'name': 'nm', 'value': 4}");
    g_assert_cmpint(events_seen, ==, before + 5);

    g_assert_cmpstr(test_QAPIEvent_str(TEST_QAPI_EVENT_TEST_EVENT_TYPE), ==,
                    "TEST_EVENT_TYPE");
    g_assert_null(test_QAPIEvent_str(TEST_QAPI_EVENT__MAX));
}

/* The entry called name in a SchemaInfo list, or NULL. */
static SchemaInfo *find_info(SchemaInfoList *list, const char *name)
{
    for (; list; list = list->next) {
        if (!strcmp(list->value->name, name)) {
            return list->value;
        }
    }
    return NULL;
}

static bool str_listed(strList *list, const char *s)
{
    for (; list; list = list->next) {
        if (!strcmp(list->value, s)) {
            return true;
        }
    }
    return false;
}

static SchemaInfoObjectMember *find_member(SchemaInfo *info, const char *name)
{
    SchemaInfoObjectMemberList *m;

    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_OBJECT);
    for (m = info->u.object.members; m; m = m->next) {
        if (!strcmp(m->value->name, name)) {
            return m->value;
        }
    }
    return NULL;
}

static void test_introspection(void)
{
    g_autoptr(JsonNode) data = test_qapi_introspection_data();
    g_autoptr(GError) err = NULL;
    g_autoptr(SchemaInfoList) list = NULL;
    SchemaInfo *info;
    SchemaInfoObjectMember *m;
    SchemaInfoObjectVariantList *v;
    SchemaInfoEnumMemberList *em;
    SchemaInfoAlternateMemberList *am;

    /* the data must fit the SchemaInfo schema of the real QMP schema */
    list = qapi_SchemaInfoList_from_json(data, NULL, &err);
    g_assert_no_error(err);
    g_assert_nonnull(list);

    info = find_info(list, "test-args");
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_COMMAND);
    g_assert_cmpstr(info->u.command.arg_type, ==, "q_obj_test-args-arg");
    g_assert_cmpstr(info->u.command.ret_type, ==, "TestInner");
    g_assert_false(info->u.command.has_allow_oob);
    info = find_info(list, "test-no-args");
    g_assert_cmpstr(info->u.command.arg_type, ==, "q_empty");
    g_assert_cmpstr(info->u.command.ret_type, ==, "q_empty");
    info = find_info(list, "test-oob");
    g_assert_true(info->u.command.has_allow_oob && info->u.command.allow_oob);
    info = find_info(list, "test-features");
    g_assert_true(str_listed(info->features, "deprecated"));
    info = find_info(list, "test-returns-list");
    g_assert_cmpstr(info->u.command.ret_type, ==, "[TestInner]");
    info = find_info(list, "test-boxed");
    g_assert_cmpstr(info->u.command.arg_type, ==, "TestUnion");

    info = find_info(list, "q_obj_test-args-arg");
    m = find_member(info, "a");
    g_assert_cmpstr(m->type, ==, "int");
    g_assert_null(m->q_default);
    m = find_member(info, "b");
    g_assert_nonnull(m->q_default);
    g_assert_true(JSON_NODE_HOLDS_NULL(m->q_default));
    g_assert_cmpstr(find_member(info, "d")->type, ==, "[TestInner]");

    info = find_info(list, "[TestInner]");
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_ARRAY);
    g_assert_cmpstr(info->u.array.element_type, ==, "TestInner");
    info = find_info(list, "int");
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_BUILTIN);
    g_assert_cmpint(info->u.builtin.json_type, ==, QAPI_JSON_TYPE_INT);
    info = find_info(list, "any");
    g_assert_cmpint(info->u.builtin.json_type, ==, QAPI_JSON_TYPE_VALUE);

    info = find_info(list, "TestEnum");
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_ENUM);
    g_assert_true(str_listed(info->features, "unstable"));
    g_assert_true(str_listed(info->u.q_enum.values, "third.value"));
    g_assert_false(str_listed(info->u.q_enum.values, "cond-value"));
    for (em = info->u.q_enum.members; em; em = em->next) {
        if (!strcmp(em->value->name, "feat-value")) {
            break;
        }
    }
    g_assert_nonnull(em);
    g_assert_true(str_listed(em->value->features, "deprecated"));

    info = find_info(list, "TestUnion");
    g_assert_cmpstr(info->u.object.tag, ==, "kind");
    g_assert_nonnull(find_member(info, "common"));
    v = info->u.object.variants;
    g_assert_cmpstr(v->value->q_case, ==, "alpha");
    g_assert_cmpstr(v->value->type, ==, "TestBranchA");
    g_assert_cmpstr(v->next->value->q_case, ==, "beta");
    g_assert_null(v->next->next);

    info = find_info(list, "TestUnion2");
    for (v = info->u.object.variants; v; v = v->next) {
        g_assert_cmpstr(v->value->q_case, !=, "cond-value");
    }

    /* a union branch of a union points at the union, which has its own
     * tag and variants */
    info = find_info(list, "TestMigAddr");
    g_assert_cmpstr(info->u.object.tag, ==, "transport");
    v = info->u.object.variants;
    g_assert_cmpstr(v->value->q_case, ==, "socket");
    g_assert_cmpstr(v->value->type, ==, "TestSockAddr");
    info = find_info(list, "TestSockAddr");
    g_assert_cmpstr(info->u.object.tag, ==, "type");
    g_assert_nonnull(find_member(info, "type"));
    g_assert_null(find_member(info, "transport"));
    v = info->u.object.variants;
    g_assert_cmpstr(v->next->next->value->q_case, ==, "fd");
    g_assert_cmpstr(v->next->next->value->type, ==, "TestFdAddr");
    info = find_info(list, "TestFdAddr");
    g_assert_cmpstr(info->u.object.tag, ==, "how");
    g_assert_cmpstr(info->u.object.variants->value->type, ==, "TestFdName");

    info = find_info(list, "TestAltStrNull");
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_ALTERNATE);
    am = info->u.alternate.members;
    g_assert_cmpstr(am->value->type, ==, "str");
    g_assert_cmpstr(am->next->value->type, ==, "null");

    info = find_info(list, "TestDerived2");
    /* base members are listed first, in order */
    g_assert_cmpstr(info->u.object.members->value->name, ==, "name");
    g_assert_nonnull(find_member(info, "more"));

    info = find_info(list, "TestFeatured");
    g_assert_true(str_listed(info->features, "unstable"));
    g_assert_false(str_listed(info->features, "cond-feature"));
    g_assert_null(find_member(info, "gone"));
    g_assert_nonnull(find_member(info, "kept"));
    g_assert_true(str_listed(find_member(info, "foo")->features,
                             "deprecated"));

    info = find_info(list, "TEST_EVENT_DATA");
    g_assert_cmpint(info->meta_type, ==, SCHEMA_META_TYPE_EVENT);
    g_assert_cmpstr(info->u.event.arg_type, ==, "q_obj_TEST_EVENT_DATA-arg");
    g_assert_null(find_info(list, "TEST_EVENT_COND"));
    g_assert_null(find_info(list, "test-cond"));
    g_assert_null(find_info(list, "TestNever"));
    /* a type no command or event uses is not listed */
    g_assert_null(find_info(list, "TestUnused"));
    g_assert_nonnull(find_info(list, "TestPrefixed"));
}

static void test_real_introspection(void)
{
    g_autoptr(JsonNode) data = qapi_introspection_data();
    g_autoptr(GError) err = NULL;
    g_autoptr(SchemaInfoList) list = NULL;
    SchemaInfo *info;

    list = qapi_SchemaInfoList_from_json(data, NULL, &err);
    g_assert_no_error(err);
    info = find_info(list, "query-status");
    g_assert_nonnull(info);
    g_assert_cmpstr(info->u.command.ret_type, ==, "StatusInfo");
    info = find_info(list, "object-add");
    g_assert_cmpstr(info->u.command.arg_type, ==, "ObjectOptions");
    info = find_info(list, "ObjectOptions");
    g_assert_cmpstr(info->u.object.tag, ==, "qom-type");
    g_assert_nonnull(find_info(list, "SHUTDOWN"));
    g_assert_nonnull(find_info(list, "query-qmp-schema"));
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/dispatch/table", test_table);
    g_test_add_func("/qapi/dispatch/no-args", test_no_args);
    g_test_add_func("/qapi/dispatch/args", test_args);
    g_test_add_func("/qapi/dispatch/boxed", test_boxed);
    g_test_add_func("/qapi/dispatch/returns", test_returns);
    g_test_add_func("/qapi/dispatch/migration-like", test_migration_like);
    g_test_add_func("/qapi/events", test_events);
    g_test_add_func("/qapi/introspection/test-schema", test_introspection);
    g_test_add_func("/qapi/introspection/real-schema",
                    test_real_introspection);
    ret = g_test_run();
    g_free(last_migrate);
    qapi_free_TestParams(stored_params);
    if (last_data) {
        json_object_unref(last_data);
    }
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the generated QAPI types and JSON visitors, using the test
 * schema (tests/qapi-schema/qapi-schema-test.json): round trips of every
 * type, enum tables, and the exact QMP argument error messages.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qapi/error.h"
#include "test-qapi-types.h"
#include "test-qapi-visit.h"

/* ---- helpers ---------------------------------------------------------- */

/* Parse JSON written with single quotes (the test data has no apostrophes). */
static JsonNode *parse(const char *text)
{
    g_autofree char *dq = g_strdup(text);
    g_autoptr(GError) err = NULL;
    JsonNode *node;

    g_strdelimit(dq, "'", '"');
    node = json_from_string(dq, &err);
    g_assert_no_error(err);
    g_assert_nonnull(node);
    return node;
}

static char *to_text(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

/* The serialisation of got must equal that of the expected JSON text. */
static void assert_json_eq(JsonNode *got, const char *expected)
{
    g_autoptr(JsonNode) exp = parse(expected);
    g_autofree char *a = to_text(got);
    g_autofree char *b = to_text(exp);

    g_assert_cmpstr(a, ==, b);
}

static void assert_qmp_error(GError *err, const char *msg)
{
    g_assert_nonnull(err);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, msg);
}

/*
 * For each type T: round_trip_T(text) parses text into a T, converts it
 * back (must give text again), parses that result once more and converts
 * it again (must still give text).  It returns the second C object so
 * that the caller can look at the fields.  expect_error_T(node, msg)
 * checks that parsing node fails with exactly msg.
 */
#define DEFINE_HELPERS(T)                                                   \
static G_GNUC_UNUSED T *round_trip_##T(const char *text)                    \
{                                                                           \
    g_autoptr(JsonNode) in = parse(text);                                   \
    g_autoptr(GError) err = NULL;                                           \
    g_autoptr(T) first = qapi_##T##_from_json(in, NULL, &err);              \
    g_autoptr(JsonNode) out1 = NULL;                                        \
    g_autoptr(JsonNode) out2 = NULL;                                        \
    T *second;                                                              \
                                                                            \
    g_assert_no_error(err);                                                 \
    out1 = qapi_##T##_to_json(first);                                       \
    assert_json_eq(out1, text);                                             \
    second = qapi_##T##_from_json(out1, NULL, &err);                        \
    g_assert_no_error(err);                                                 \
    out2 = qapi_##T##_to_json(second);                                      \
    assert_json_eq(out2, text);                                             \
    return second;                                                          \
}                                                                           \
static G_GNUC_UNUSED void expect_error_##T(JsonNode *node, const char *msg) \
{                                                                           \
    g_autoptr(GError) err = NULL;                                           \
    T *obj = qapi_##T##_from_json(node, NULL, &err);                        \
                                                                            \
    g_assert_null(obj);                                                     \
    assert_qmp_error(err, msg);                                             \
}                                                                           \
static G_GNUC_UNUSED void expect_error_text_##T(const char *text,          \
                                                const char *msg)            \
{                                                                           \
    g_autoptr(JsonNode) node = parse(text);                                 \
                                                                            \
    expect_error_##T(node, msg);                                            \
}

DEFINE_HELPERS(TestScalars)
DEFINE_HELPERS(TestInner)
DEFINE_HELPERS(TestOptionals)
DEFINE_HELPERS(TestNested)
DEFINE_HELPERS(TestDerived)
DEFINE_HELPERS(TestDerived2)
DEFINE_HELPERS(TestEmpty)
DEFINE_HELPERS(TestUnion)
DEFINE_HELPERS(TestUnion2)
DEFINE_HELPERS(TestAltStrNull)
DEFINE_HELPERS(TestAltMixed)
DEFINE_HELPERS(TestAltUnsigned)
DEFINE_HELPERS(TestAltNumber)
DEFINE_HELPERS(TestContainer)
DEFINE_HELPERS(TestFeatured)
DEFINE_HELPERS(TestParams)
DEFINE_HELPERS(TestIncluded)
DEFINE_HELPERS(TestBranchA)
DEFINE_HELPERS(TestBranchB)
DEFINE_HELPERS(TestUnionBase)
DEFINE_HELPERS(TestAddress)
DEFINE_HELPERS(TestChannel)
DEFINE_HELPERS(TestMigAddr)
DEFINE_HELPERS(TestSockAddr)
DEFINE_HELPERS(TestUnused)
DEFINE_HELPERS(TestInnerList)
DEFINE_HELPERS(TestUnionList)
DEFINE_HELPERS(TestEnumList)
DEFINE_HELPERS(strList)
DEFINE_HELPERS(intList)
DEFINE_HELPERS(uint8List)
DEFINE_HELPERS(numberList)
DEFINE_HELPERS(boolList)
DEFINE_HELPERS(anyList)
DEFINE_HELPERS(nullList)

/* A valid TestScalars, in schema order. */
static const char scalars_text[] =
    "{'s': 'hello', 'i': -5, 'i8': -128, 'i16': 32767, 'i32': -2147483648,"
    " 'i64': 9223372036854775807, 'u8': 255, 'u16': 65535,"
    " 'u32': 4294967295, 'u64': 9223372036854775807, 'sz': 4096,"
    " 'n': 1.5, 'b': true, 'nul': null, 'a': {'x': [1, 'y', null]},"
    " 'e': 'third.value', 'pfx': 'second-one'}";

/* scalars_text with member name replaced by node (NULL: removed). */
static JsonNode *scalars_with(const char *name, JsonNode *node)
{
    JsonNode *root = parse(scalars_text);
    JsonObject *obj = json_node_get_object(root);

    if (node) {
        json_object_set_member(obj, name, node);
    } else {
        json_object_remove_member(obj, name);
    }
    return root;
}

static void expect_scalar_error(const char *name, JsonNode *value,
                                const char *msg)
{
    g_autoptr(JsonNode) root = scalars_with(name, value);

    expect_error_TestScalars(root, msg);
}

static void expect_scalar_ok(const char *name, JsonNode *value,
                             TestScalars **out)
{
    g_autoptr(JsonNode) root = scalars_with(name, value);
    g_autoptr(GError) err = NULL;

    *out = qapi_TestScalars_from_json(root, NULL, &err);
    g_assert_no_error(err);
    g_assert_nonnull(*out);
}

static JsonNode *dbl(double d)
{
    return json_node_init_double(json_node_alloc(), d);
}

/* ---- enums ---------------------------------------------------------- */

static void test_enum_tables(void)
{
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) err = NULL;
    TestEnum e;

    g_assert_cmpint(TEST_ENUM_VALUE_ONE, ==, 0);
    g_assert_cmpint(TEST_ENUM_VALUE2, ==, 1);
    g_assert_cmpint(TEST_ENUM_THIRD_VALUE, ==, 2);
    /* cond-value is compiled out: feat-value follows third.value */
    g_assert_cmpint(TEST_ENUM_FEAT_VALUE, ==, 3);
    g_assert_cmpint(TEST_ENUM__MAX, ==, 4);
    g_assert_cmpstr(TestEnum_str(TEST_ENUM_THIRD_VALUE), ==, "third.value");
    g_assert_null(TestEnum_str(TEST_ENUM__MAX));
    g_assert_null(TestEnum_str(-1));
    g_assert_cmpint(TestEnum_parse("value-one"), ==, TEST_ENUM_VALUE_ONE);
    g_assert_cmpint(TestEnum_parse("feat-value"), ==, TEST_ENUM_FEAT_VALUE);
    g_assert_cmpint(TestEnum_parse("cond-value"), ==, -1);
    g_assert_cmpint(TestEnum_parse("VALUE-ONE"), ==, -1);
    g_assert_cmpint(TestEnum_parse(NULL), ==, -1);

    /* 'prefix' replaces the name-derived prefix */
    g_assert_cmpint(TEST_PFX_FIRST, ==, 0);
    g_assert_cmpint(TEST_PFX_SECOND_ONE, ==, 1);
    g_assert_cmpint(TEST_PFX__MAX, ==, 2);
    g_assert_cmpstr(TestPrefixed_str(TEST_PFX_SECOND_ONE), ==, "second-one");
    g_assert_cmpint(TEST_SUB_ENUM_Y, ==, 1);
    g_assert_cmpint(QTYPE_QBOOL, ==, QTYPE__MAX - 1);

    node = qapi_TestEnum_to_json(TEST_ENUM_VALUE2);
    assert_json_eq(node, "'value2'");
    g_assert_true(qapi_TestEnum_from_json(node, "x", &e, &err));
    g_assert_no_error(err);
    g_assert_cmpint(e, ==, TEST_ENUM_VALUE2);
}

static void test_enum_errors(void)
{
    g_autoptr(JsonNode) bad = parse("'nope'");
    g_autoptr(JsonNode) num = parse("1");
    g_autoptr(GError) err = NULL;
    TestEnum e = TEST_ENUM_VALUE2;

    g_assert_false(qapi_TestEnum_from_json(bad, "x.y", &e, &err));
    assert_qmp_error(err, "Parameter 'x.y' does not accept value 'nope'");
    g_clear_error(&err);
    g_assert_false(qapi_TestEnum_from_json(num, "x", &e, &err));
    assert_qmp_error(err, "Invalid parameter type for 'x', expected: string");
    g_assert_cmpint(e, ==, TEST_ENUM_VALUE2);
}

/* ---- structs ---------------------------------------------------------- */

static void test_scalars_round_trip(void)
{
    g_autoptr(TestScalars) s = round_trip_TestScalars(scalars_text);

    g_assert_cmpstr(s->s, ==, "hello");
    g_assert_cmpint(s->i, ==, -5);
    g_assert_cmpint(s->i8, ==, INT8_MIN);
    g_assert_cmpint(s->i16, ==, INT16_MAX);
    g_assert_cmpint(s->i32, ==, INT32_MIN);
    g_assert_cmpint(s->i64, ==, INT64_MAX);
    g_assert_cmpuint(s->u8, ==, UINT8_MAX);
    g_assert_cmpuint(s->u16, ==, UINT16_MAX);
    g_assert_cmpuint(s->u32, ==, UINT32_MAX);
    g_assert_cmpuint(s->u64, ==, INT64_MAX);
    g_assert_cmpuint(s->sz, ==, 4096);
    g_assert_cmpfloat(s->n, ==, 1.5);
    g_assert_true(s->b);
    g_assert_cmpint(s->nul, ==, QNULL);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(s->a));
    g_assert_cmpint(s->e, ==, TEST_ENUM_THIRD_VALUE);
    g_assert_cmpint(s->pfx, ==, TEST_PFX_SECOND_ONE);
}

static void test_scalars_from_c(void)
{
    g_autoptr(TestScalars) s = g_new0(TestScalars, 1);
    g_autoptr(TestScalars) back = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) err = NULL;

    s->s = g_strdup("x");
    s->i = INT64_MIN;
    s->u64 = UINT64_C(1) << 63;     /* beyond int64: travels as a double */
    s->sz = UINT64_C(1) << 40;
    s->n = -0.25;
    s->a = json_node_init_int(json_node_alloc(), 7);
    s->e = TEST_ENUM_FEAT_VALUE;
    node = qapi_TestScalars_to_json(s);
    back = qapi_TestScalars_from_json(node, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(back->s, ==, "x");
    g_assert_cmpint(back->i, ==, INT64_MIN);
    g_assert_cmpuint(back->u64, ==, UINT64_C(1) << 63);
    g_assert_cmpuint(back->sz, ==, UINT64_C(1) << 40);
    g_assert_cmpfloat(back->n, ==, -0.25);
    g_assert_cmpint(json_node_get_int(back->a), ==, 7);
    /* 'any' is copied, not shared */
    g_assert_true(back->a != s->a);
    g_assert_cmpint(back->e, ==, TEST_ENUM_FEAT_VALUE);
    g_assert_cmpint(back->pfx, ==, TEST_PFX_FIRST);
}

static void test_scalars_unsigned_compat(void)
{
    g_autoptr(TestScalars) s = NULL;

    /* negative values wrap for unsigned types */
    expect_scalar_ok("u64", json_node_init_int(json_node_alloc(), -1), &s);
    g_assert_cmpuint(s->u64, ==, UINT64_MAX);
    g_clear_pointer(&s, qapi_free_TestScalars);
    expect_scalar_ok("sz", json_node_init_int(json_node_alloc(), -2), &s);
    g_assert_cmpuint(s->sz, ==, UINT64_MAX - 1);
    g_clear_pointer(&s, qapi_free_TestScalars);
    /* integers beyond int64 arrive as integral doubles */
    expect_scalar_ok("u64", dbl(9223372036854775808.0), &s);
    g_assert_cmpuint(s->u64, ==, UINT64_C(9223372036854775808));
    g_clear_pointer(&s, qapi_free_TestScalars);
    expect_scalar_ok("sz", dbl(18446744073709549568.0), &s);
    g_assert_cmpuint(s->sz, ==, UINT64_C(18446744073709549568));
    g_clear_pointer(&s, qapi_free_TestScalars);
    expect_scalar_ok("u8", dbl(200.0), &s);
    g_assert_cmpuint(s->u8, ==, 200);
    g_clear_pointer(&s, qapi_free_TestScalars);
    /* 'number' takes integers too */
    expect_scalar_ok("n", json_node_init_int(json_node_alloc(), 3), &s);
    g_assert_cmpfloat(s->n, ==, 3.0);
}

static void test_scalars_errors(void)
{
    expect_scalar_error("s", NULL, "Parameter 's' is missing");
    expect_scalar_error("zzz", parse("1"), "Parameter 'zzz' is unexpected");
    expect_scalar_error("s", parse("1"),
                        "Invalid parameter type for 's', expected: string");
    expect_scalar_error("i", parse("'1'"),
                        "Invalid parameter type for 'i', expected: integer");
    expect_scalar_error("i", dbl(1.5),
                        "Invalid parameter type for 'i', expected: integer");
    expect_scalar_error("i64", dbl(1e19),
                        "Invalid parameter type for 'i64', expected: integer");
    expect_scalar_error("i8", parse("128"), "Parameter 'i8' expects int8");
    expect_scalar_error("i8", parse("-129"), "Parameter 'i8' expects int8");
    expect_scalar_error("i8", parse("true"),
                        "Invalid parameter type for 'i8', expected: integer");
    expect_scalar_error("i16", parse("32768"),
                        "Parameter 'i16' expects int16");
    expect_scalar_error("i32", parse("2147483648"),
                        "Parameter 'i32' expects int32");
    expect_scalar_error("u8", parse("256"), "Parameter 'u8' expects uint8");
    expect_scalar_error("u8", parse("-1"), "Parameter 'u8' expects uint8");
    expect_scalar_error("u8", parse("'1'"), "Parameter 'u8' expects uint64");
    expect_scalar_error("u8", parse("true"), "Parameter 'u8' expects uint64");
    expect_scalar_error("u16", parse("65536"),
                        "Parameter 'u16' expects uint16");
    expect_scalar_error("u32", parse("4294967296"),
                        "Parameter 'u32' expects uint32");
    expect_scalar_error("u64", dbl(1.5), "Parameter 'u64' expects uint64");
    expect_scalar_error("u64", dbl(18446744073709551616.0),
                        "Parameter 'u64' expects uint64");
    expect_scalar_error("u64", dbl(-1.0), "Parameter 'u64' expects uint64");
    expect_scalar_error("u64", parse("'x'"),
                        "Parameter 'u64' expects uint64");
    expect_scalar_error("sz", parse("'1'"), "Parameter 'sz' expects uint64");
    expect_scalar_error("sz", parse("null"), "Parameter 'sz' expects uint64");
    expect_scalar_error("n", parse("'1'"),
                        "Invalid parameter type for 'n', expected: number");
    expect_scalar_error("n", parse("null"),
                        "Invalid parameter type for 'n', expected: number");
    expect_scalar_error("b", parse("1"),
                        "Invalid parameter type for 'b', expected: boolean");
    expect_scalar_error("b", parse("'true'"),
                        "Invalid parameter type for 'b', expected: boolean");
    expect_scalar_error("nul", parse("0"),
                        "Invalid parameter type for 'nul', expected: null");
    expect_scalar_error("nul", parse("{}"),
                        "Invalid parameter type for 'nul', expected: null");
    expect_scalar_error("e", parse("'bogus'"),
                        "Parameter 'e' does not accept value 'bogus'");
    expect_scalar_error("e", parse("'cond-value'"),
                        "Parameter 'e' does not accept value 'cond-value'");
    expect_scalar_error("e", parse("1"),
                        "Invalid parameter type for 'e', expected: string");
    expect_scalar_error("pfx", parse("'third'"),
                        "Parameter 'pfx' does not accept value 'third'");
}

static void test_struct_error_order(void)
{
    /* only the first problem, in schema order, is reported */
    expect_error_text_TestScalars("{'s': 1, 'i': 'x'}",
                        "Invalid parameter type for 's', expected: string");
    expect_error_text_TestScalars("{'i': 'x', 's': 'ok'}",
                        "Invalid parameter type for 'i', expected: integer");
    /* missing members are found before unexpected ones */
    expect_error_text_TestInner("{'zzz': 1}", "Parameter 'name' is missing");
    expect_error_text_TestInner("{'name': 'n', 'zzz': 1, 'yyy': 2}",
                                "Parameter 'zzz' is unexpected");
    /* the top-level value must be an object */
    expect_error_text_TestInner("[1]",
                "Invalid parameter type for '<anonymous>', expected: object");
    expect_error_TestInner(NULL,
                "Invalid parameter type for '<anonymous>', expected: object");
}

static void test_optionals(void)
{
    g_autoptr(TestOptionals) none = round_trip_TestOptionals("{}");
    g_autoptr(TestOptionals) all = round_trip_TestOptionals(
        "{'s': 'x', 'i': 0, 'u8': 0, 'b': false, 'n': 0.0, 'e': 'value-one',"
        " 'a': null, 'nul': null, 'inner': {'name': 'in'}, 'ints': [1, 2],"
        " 'alt': null}");

    g_assert_null(none->s);
    g_assert_false(none->has_i);
    g_assert_false(none->has_u8);
    g_assert_false(none->has_b);
    g_assert_false(none->has_n);
    g_assert_false(none->has_e);
    g_assert_null(none->a);
    g_assert_false(none->has_nul);
    g_assert_null(none->inner);
    g_assert_null(none->ints);
    g_assert_null(none->alt);

    g_assert_cmpstr(all->s, ==, "x");
    g_assert_true(all->has_i && all->i == 0);
    g_assert_true(all->has_u8 && all->u8 == 0);
    g_assert_true(all->has_b && !all->b);
    g_assert_true(all->has_n);
    g_assert_true(all->has_e && all->e == TEST_ENUM_VALUE_ONE);
    g_assert_true(all->a && JSON_NODE_HOLDS_NULL(all->a));
    g_assert_true(all->has_nul);
    g_assert_cmpstr(all->inner->name, ==, "in");
    g_assert_false(all->inner->has_value);
    g_assert_cmpint(all->ints->value, ==, 1);
    g_assert_cmpint(all->ints->next->value, ==, 2);
    g_assert_null(all->ints->next->next);
    g_assert_cmpint(all->alt->type, ==, QTYPE_QNULL);

    expect_error_text_TestOptionals("{'inner': {}}",
                                    "Parameter 'inner.name' is missing");
    expect_error_text_TestOptionals("{'ints': [1, 'x']}",
                 "Invalid parameter type for 'ints[1]', expected: integer");
    expect_error_text_TestOptionals("{'s': null}",
                 "Invalid parameter type for 's', expected: string");
}

static const char nested_text[] =
    "{'id': 1, 'inner': {'name': 'a', 'value': 2},"
    " 'inners': [{'name': 'b'}, {'name': 'c', 'value': -3}],"
    " 'enums': ['value-one', 'feat-value'], 'strs': ['x', ''],"
    " 'nums': [0.5, -2.0], 'u8s': [0, 255], 'bools': [true, false],"
    " 'sizes': [0, 1099511627776], 'anys': [null, [], {'k': 'v'}]}";

static void test_nested(void)
{
    g_autoptr(TestNested) n = round_trip_TestNested(nested_text);
    g_autoptr(TestNested) empty = round_trip_TestNested(
        "{'id': 0, 'inner': {'name': ''}, 'inners': [], 'enums': [],"
        " 'strs': [], 'nums': [], 'u8s': [], 'bools': [], 'sizes': [],"
        " 'anys': []}");

    g_assert_cmpint(n->inner->value, ==, 2);
    g_assert_cmpstr(n->inners->next->value->name, ==, "c");
    g_assert_cmpint(n->inners->next->value->value, ==, -3);
    g_assert_cmpint(n->enums->next->value, ==, TEST_ENUM_FEAT_VALUE);
    g_assert_cmpstr(n->strs->next->value, ==, "");
    g_assert_cmpuint(n->u8s->next->value, ==, 255);
    g_assert_false(n->bools->next->value);
    g_assert_cmpuint(n->sizes->next->value, ==, UINT64_C(1) << 40);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(n->anys->next->value));
    /* empty lists are NULL, and required lists are still output */
    g_assert_null(empty->inners);
    g_assert_null(empty->anys);
}

static void expect_nested_error(const char *member, const char *value,
                                const char *msg)
{
    g_autoptr(JsonNode) root = parse(nested_text);

    json_object_set_member(json_node_get_object(root), member, parse(value));
    expect_error_TestNested(root, msg);
}

static void test_nested_errors(void)
{
    expect_nested_error("inner", "1",
                    "Invalid parameter type for 'inner', expected: object");
    expect_nested_error("inner", "{'name': 1}",
                    "Invalid parameter type for 'inner.name', expected: string");
    expect_nested_error("inner", "{}", "Parameter 'inner.name' is missing");
    expect_nested_error("inner", "{'name': 'x', 'zz': 1}",
                        "Parameter 'inner.zz' is unexpected");
    expect_nested_error("inners", "{}",
                    "Invalid parameter type for 'inners', expected: array");
    expect_nested_error("inners", "[{'name': 'a'}, {}]",
                        "Parameter 'inners[1].name' is missing");
    expect_nested_error("inners", "[{'name': 'a'}, 5]",
                    "Invalid parameter type for 'inners[1]', expected: object");
    expect_nested_error("inners", "[{'name': 'a', 'value': 'v'}]",
            "Invalid parameter type for 'inners[0].value', expected: integer");
    expect_nested_error("enums", "['value-one', 'nope']",
                        "Parameter 'enums[1]' does not accept value 'nope'");
    expect_nested_error("strs", "['a', 1]",
                    "Invalid parameter type for 'strs[1]', expected: string");
    expect_nested_error("nums", "[1, true]",
                    "Invalid parameter type for 'nums[1]', expected: number");
    expect_nested_error("u8s", "[1, 300]", "Parameter 'u8s[1]' expects uint8");
    expect_nested_error("bools", "[null]",
                    "Invalid parameter type for 'bools[0]', expected: boolean");
    expect_nested_error("sizes", "[1, 'x']",
                        "Parameter 'sizes[1]' expects uint64");
}

static void test_derived(void)
{
    g_autoptr(TestDerived) d = round_trip_TestDerived(
        "{'name': 'n', 'value': 1, 'extra': true, 'if': 3, 'default': 'd',"
        " 'unix': 4, 'dotted.name': 5}");
    g_autoptr(TestDerived2) d2 = round_trip_TestDerived2(
        "{'name': 'n', 'extra': false, 'if': 0, 'default': '', 'unix': 0,"
        " 'dotted.name': 0, 'more': 9}");
    g_autoptr(TestEmpty) e = round_trip_TestEmpty("{}");

    /* base members come first and C keywords get 'q_' */
    g_assert_cmpstr(d->name, ==, "n");
    g_assert_true(d->has_value && d->value == 1);
    g_assert_true(d->extra);
    g_assert_cmpint(d->q_if, ==, 3);
    g_assert_cmpstr(d->q_default, ==, "d");
    g_assert_cmpint(d->q_unix, ==, 4);
    g_assert_cmpint(d->dotted_name, ==, 5);
    g_assert_true(d2->has_more && d2->more == 9);
    g_assert_nonnull(e);

    expect_error_text_TestDerived2("{'name': 'n', 'extra': false, 'if': 0,"
                                   " 'default': '', 'unix': 0}",
                                   "Parameter 'dotted.name' is missing");
    expect_error_text_TestEmpty("{'x': 1}", "Parameter 'x' is unexpected");
}

static void test_union(void)
{
    g_autoptr(TestUnion) a = round_trip_TestUnion(
        "{'common': 'c', 'kind': 'alpha', 'a': 7}");
    g_autoptr(TestUnion) b = round_trip_TestUnion(
        "{'common': 'c', 'kind': 'beta', 'b': {'name': 'x'}, 'c': ['p', 'q']}");
    g_autoptr(TestUnion) g = round_trip_TestUnion(
        "{'common': 'c', 'kind': 'gamma'}");
    g_autoptr(TestUnion2) u1 = round_trip_TestUnion2(
        "{'tag': 'value-one', 'opt': 2, 'name': 'n', 'extra': false, 'if': 1,"
        " 'default': 'x', 'unix': 2, 'dotted.name': 3}");
    g_autoptr(TestUnion2) u2 = round_trip_TestUnion2("{'tag': 'value2'}");
    g_autoptr(TestUnion2) u3 = round_trip_TestUnion2("{'tag': 'third.value'}");

    g_assert_cmpint(a->kind, ==, TEST_KIND_ALPHA);
    g_assert_cmpint(a->u.alpha.a, ==, 7);
    g_assert_cmpint(b->kind, ==, TEST_KIND_BETA);
    g_assert_cmpstr(b->u.beta.b->name, ==, "x");
    g_assert_cmpstr(b->u.beta.c->next->value, ==, "q");
    g_assert_cmpint(g->kind, ==, TEST_KIND_GAMMA);
    g_assert_cmpint(u1->u.value_one.q_unix, ==, 2);
    g_assert_true(u1->has_opt && u1->opt == 2);
    g_assert_cmpint(u2->tag, ==, TEST_ENUM_VALUE2);
    g_assert_cmpint(u3->tag, ==, TEST_ENUM_THIRD_VALUE);

    /* the discriminator is checked first */
    expect_error_text_TestUnion("{'common': 'c'}", "Parameter 'kind' is missing");
    expect_error_text_TestUnion("{'kind': 'bogus'}",
                            "Parameter 'kind' does not accept value 'bogus'");
    expect_error_text_TestUnion("{'kind': 'alpha'}",
                                "Parameter 'common' is missing");
    expect_error_text_TestUnion("{'kind': 'alpha', 'common': 'c'}",
                                "Parameter 'a' is missing");
    expect_error_text_TestUnion("{'kind': 'alpha', 'common': 'c', 'a': 1,"
                                " 'b': {'name': 'x'}}",
                                "Parameter 'b' is unexpected");
    expect_error_text_TestUnion("{'kind': 'gamma', 'common': 'c', 'a': 1}",
                                "Parameter 'a' is unexpected");
    expect_error_text_TestUnion2("{'tag': 'cond-value', 'a': 1}",
                        "Parameter 'tag' does not accept value 'cond-value'");
}

/* A union as a union branch: one flat JSON object, members checked per tag */
static void test_union_in_union(void)
{
    g_autoptr(TestMigAddr) inet = round_trip_TestMigAddr(
        "{'transport': 'socket', 'type': 'inet', 'host': 'h', 'port': '1',"
        " 'to': 9}");
    g_autoptr(TestMigAddr) unx = round_trip_TestMigAddr(
        "{'transport': 'socket', 'type': 'unix', 'path': '/p'}");
    g_autoptr(TestMigAddr) named = round_trip_TestMigAddr(
        "{'transport': 'socket', 'type': 'fd', 'how': 'named', 'str': 'x'}");
    g_autoptr(TestMigAddr) number = round_trip_TestMigAddr(
        "{'transport': 'socket', 'type': 'fd', 'how': 'number'}");
    g_autoptr(TestMigAddr) file = round_trip_TestMigAddr(
        "{'transport': 'file', 'filename': 'f', 'offset': 4096}");
    g_autoptr(TestSockAddr) alone = round_trip_TestSockAddr(
        "{'type': 'unix', 'path': '/q'}");

    g_assert_cmpint(inet->transport, ==, TEST_TRANSPORT_SOCKET);
    g_assert_cmpint(inet->u.socket.type, ==, TEST_SOCK_KIND_INET);
    g_assert_cmpstr(inet->u.socket.u.inet.host, ==, "h");
    g_assert_cmpstr(inet->u.socket.u.inet.port, ==, "1");
    g_assert_true(inet->u.socket.u.inet.has_to);
    g_assert_cmpuint(inet->u.socket.u.inet.to, ==, 9);
    g_assert_cmpstr(unx->u.socket.u.q_unix.path, ==, "/p");
    g_assert_cmpint(named->u.socket.u.fd.how, ==, TEST_FD_HOW_NAMED);
    g_assert_cmpstr(named->u.socket.u.fd.u.named.str, ==, "x");
    g_assert_cmpint(number->u.socket.u.fd.how, ==, TEST_FD_HOW_NUMBER);
    g_assert_cmpuint(file->u.file.offset, ==, 4096);
    g_assert_cmpstr(alone->u.q_unix.path, ==, "/q");

    /* the inner tag is required and checked like any member */
    expect_error_text_TestMigAddr("{'transport': 'socket', 'path': '/p'}",
                                  "Parameter 'type' is missing");
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'tcp'}",
                                  "Parameter 'type' does not accept value "
                                  "'tcp'");
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'inet',"
                                  " 'host': 'h'}",
                                  "Parameter 'port' is missing");
    /* members of another inner branch are rejected */
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'unix',"
                                  " 'path': '/p', 'host': 'h'}",
                                  "Parameter 'host' is unexpected");
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'inet',"
                                  " 'host': 'h', 'port': '1', 'path': '/p'}",
                                  "Parameter 'path' is unexpected");
    /* members of another outer branch are rejected */
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'unix',"
                                  " 'path': '/p', 'filename': 'f'}",
                                  "Parameter 'filename' is unexpected");
    expect_error_text_TestMigAddr("{'transport': 'file', 'filename': 'f',"
                                  " 'offset': 0, 'type': 'unix'}",
                                  "Parameter 'type' is unexpected");
    /* two levels deep: 'str' only with how=named */
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'fd',"
                                  " 'how': 'number', 'str': 'x'}",
                                  "Parameter 'str' is unexpected");
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'fd',"
                                  " 'how': 'named'}",
                                  "Parameter 'str' is missing");
    expect_error_text_TestMigAddr("{'transport': 'socket', 'type': 'fd',"
                                  " 'how': 'number', 'host': 'h'}",
                                  "Parameter 'host' is unexpected");
    /* the inner union on its own still rejects the outer tag */
    expect_error_text_TestSockAddr("{'transport': 'socket', 'type': 'unix',"
                                   " 'path': '/p'}",
                                   "Parameter 'transport' is unexpected");
}

static void test_alternates(void)
{
    g_autoptr(TestAltStrNull) s = round_trip_TestAltStrNull("'str'");
    g_autoptr(TestAltStrNull) n = round_trip_TestAltStrNull("null");
    g_autoptr(TestAltMixed) mi = round_trip_TestAltMixed("-4");
    g_autoptr(TestAltMixed) mb = round_trip_TestAltMixed("true");
    g_autoptr(TestAltMixed) me = round_trip_TestAltMixed("'value2'");
    g_autoptr(TestAltMixed) mo = round_trip_TestAltMixed("{'name': 'o'}");
    g_autoptr(TestAltMixed) ml = round_trip_TestAltMixed("[1, 2, 3]");
    g_autoptr(TestAltUnsigned) uu = round_trip_TestAltUnsigned("12");
    g_autoptr(TestAltUnsigned) uo = round_trip_TestAltUnsigned(
        "{'common': 'c', 'kind': 'gamma'}");
    g_autoptr(TestAltNumber) nn = round_trip_TestAltNumber("2.5");
    g_autoptr(TestAltNumber) ns = round_trip_TestAltNumber("'beta'");
    g_autoptr(JsonNode) big = dbl(9223372036854775808.0);
    g_autoptr(GError) err = NULL;
    g_autoptr(TestAltUnsigned) ubig = NULL;

    g_assert_cmpint(s->type, ==, QTYPE_QSTRING);
    g_assert_cmpstr(s->u.s, ==, "str");
    g_assert_cmpint(n->type, ==, QTYPE_QNULL);
    g_assert_cmpint(mi->type, ==, QTYPE_QNUM);
    g_assert_cmpint(mi->u.i, ==, -4);
    g_assert_cmpint(mb->type, ==, QTYPE_QBOOL);
    g_assert_true(mb->u.b);
    g_assert_cmpint(me->type, ==, QTYPE_QSTRING);
    g_assert_cmpint(me->u.e, ==, TEST_ENUM_VALUE2);
    g_assert_cmpint(mo->type, ==, QTYPE_QDICT);
    g_assert_cmpstr(mo->u.o->name, ==, "o");
    g_assert_cmpint(ml->type, ==, QTYPE_QLIST);
    g_assert_cmpint(ml->u.l->next->next->value, ==, 3);
    g_assert_cmpuint(uu->u.u, ==, 12);
    g_assert_cmpint(uo->type, ==, QTYPE_QDICT);
    g_assert_cmpint(uo->u.o->kind, ==, TEST_KIND_GAMMA);
    g_assert_cmpfloat(nn->u.n, ==, 2.5);
    g_assert_cmpint(ns->u.s, ==, TEST_KIND_BETA);

    ubig = qapi_TestAltUnsigned_from_json(big, NULL, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(ubig->u.u, ==, UINT64_C(9223372036854775808));
}

static const char container_text[] =
    "{'sn': null, 'alt': 5, 'un': {'common': 'c', 'kind': 'alpha', 'a': 1},"
    " 'uns': [{'common': 'd', 'kind': 'beta', 'b': {'name': 'x'}}],"
    " 'alts': ['x', null], 'u2': {'tag': 'value2'},"
    " 'au': {'common': 'e', 'kind': 'gamma'}, 'an': 'alpha'}";

static void expect_container_error(const char *member, const char *value,
                                   const char *msg)
{
    g_autoptr(JsonNode) root = parse(container_text);

    json_object_set_member(json_node_get_object(root), member, parse(value));
    expect_error_TestContainer(root, msg);
}

static void test_container(void)
{
    g_autoptr(TestContainer) c = round_trip_TestContainer(container_text);
    g_autoptr(TestContainer) min = round_trip_TestContainer(
        "{'sn': 'tls0', 'un': {'common': '', 'kind': 'gamma'}}");

    g_assert_cmpint(c->sn->type, ==, QTYPE_QNULL);
    g_assert_cmpint(c->alt->u.i, ==, 5);
    g_assert_cmpint(c->uns->value->u.beta.b->has_value, ==, false);
    g_assert_cmpint(c->alts->next->value->type, ==, QTYPE_QNULL);
    g_assert_cmpint(c->an->type, ==, QTYPE_QSTRING);
    g_assert_cmpstr(min->sn->u.s, ==, "tls0");
    g_assert_null(min->alt);
    g_assert_null(min->uns);

    expect_container_error("sn", "1",
            "Invalid parameter type for 'sn', expected: TestAltStrNull");
    expect_container_error("alts", "['x', 2]",
            "Invalid parameter type for 'alts[1]', expected: TestAltStrNull");
    expect_container_error("alt", "1.5",
            "Invalid parameter type for 'alt', expected: integer");
    expect_container_error("alt", "'bad'",
            "Parameter 'alt' does not accept value 'bad'");
    expect_container_error("alt", "{'name': 1}",
            "Invalid parameter type for 'alt.name', expected: string");
    expect_container_error("alt", "null",
            "Invalid parameter type for 'alt', expected: TestAltMixed");
    expect_container_error("au", "'x'",
            "Invalid parameter type for 'au', expected: TestAltUnsigned");
    expect_container_error("au", "{'kind': 'alpha', 'common': 'c'}",
            "Parameter 'au.a' is missing");
    expect_container_error("un", "{'common': 'c'}",
            "Parameter 'un.kind' is missing");
    expect_container_error("un", "{'kind': 'delta', 'common': 'c'}",
            "Parameter 'un.kind' does not accept value 'delta'");
    expect_container_error("un", "{'kind': 'alpha', 'common': 'c', 'a': 1,"
                           " 'c': []}", "Parameter 'un.c' is unexpected");
    expect_container_error("uns", "[{'kind': 'beta', 'common': 'c',"
                           " 'b': {'name': 5}}]",
            "Invalid parameter type for 'uns[0].b.name', expected: string");
    expect_container_error("u2", "{'tag': 'value2', 'name': 'x'}",
            "Parameter 'u2.name' is unexpected");
}

static void test_featured_and_conditional(void)
{
    g_autoptr(TestFeatured) f = round_trip_TestFeatured(
        "{'foo': 1, 'kept': 'k', 'both': 2}");

    g_assert_cmpstr(f->kept, ==, "k");
    g_assert_cmpint(f->both, ==, 2);
    /* a member under a false condition does not exist */
    expect_error_text_TestFeatured("{'foo': 1, 'kept': 'k', 'both': 2,"
                                   " 'gone': 'g'}",
                                   "Parameter 'gone' is unexpected");
}

static void test_migration_like(void)
{
    g_autoptr(TestParams) p = round_trip_TestParams(
        "{'tls-creds': null, 'max-bandwidth': 134217728, 'cpu-throttle': 20,"
        " 'mode': 'beta', 'exec-command': ['a', 'b'],"
        " 'channels': [{'channel-type': 'main',"
        " 'addr': {'transport': 'socket', 'path': '/tmp/s'}},"
        " {'channel-type': 'cpr',"
        " 'addr': {'transport': 'file', 'filename': 'f', 'offset': 4096}}]}");
    g_autoptr(TestParams) q = round_trip_TestParams("{'tls-creds': 'x'}");
    g_autoptr(TestIncluded) inc = round_trip_TestIncluded(
        "{'from-include': 'y'}");

    g_assert_cmpint(p->tls_creds->type, ==, QTYPE_QNULL);
    g_assert_true(p->has_max_bandwidth);
    g_assert_cmpuint(p->max_bandwidth, ==, 134217728);
    g_assert_cmpint(p->channels->value->addr->transport, ==,
                    TEST_TRANSPORT_SOCKET);
    g_assert_cmpstr(p->channels->value->addr->u.socket.path, ==, "/tmp/s");
    g_assert_cmpuint(p->channels->next->value->addr->u.file.offset, ==, 4096);
    g_assert_cmpstr(q->tls_creds->u.s, ==, "x");
    g_assert_false(q->has_cpu_throttle);
    g_assert_cmpint(inc->from_include, ==, TEST_SUB_ENUM_Y);

    expect_error_text_TestParams("{'channels': [{'channel-type': 'main',"
                                 " 'addr': {'transport': 'file'}}]}",
                                 "Parameter 'channels[0].addr.filename' is "
                                 "missing");
    expect_error_text_TestParams("{'cpu-throttle': 256}",
                                 "Parameter 'cpu-throttle' expects uint8");
    expect_error_text_TestParams("{'tls-creds': 1}",
                                 "Invalid parameter type for 'tls-creds', "
                                 "expected: TestAltStrNull");
}

static void test_other_types(void)
{
    g_autoptr(TestBranchA) a = round_trip_TestBranchA("{'a': 1}");
    g_autoptr(TestBranchB) b = round_trip_TestBranchB(
        "{'b': {'name': 'x', 'value': 0}}");
    g_autoptr(TestUnionBase) ub = round_trip_TestUnionBase(
        "{'tag': 'feat-value', 'opt': -1}");
    g_autoptr(TestAddress) addr = round_trip_TestAddress(
        "{'transport': 'file', 'filename': 'f'}");
    g_autoptr(TestChannel) ch = round_trip_TestChannel(
        "{'channel-type': 'cpr', 'addr': {'transport': 'socket',"
        " 'path': 'p'}}");
    g_autoptr(TestUnused) un = round_trip_TestUnused("{'x': 0}");

    g_assert_cmpint(a->a, ==, 1);
    g_assert_cmpstr(b->b->name, ==, "x");
    g_assert_null(b->c);
    g_assert_cmpint(ub->tag, ==, TEST_ENUM_FEAT_VALUE);
    g_assert_false(addr->u.file.has_offset);
    g_assert_cmpint(ch->channel_type, ==, TEST_CHANNEL_TYPE_CPR);
    g_assert_cmpint(un->x, ==, 0);
}

static void test_lists(void)
{
    g_autoptr(TestInnerList) il = round_trip_TestInnerList(
        "[{'name': 'a'}, {'name': 'b', 'value': 1}]");
    g_autoptr(TestUnionList) ul = round_trip_TestUnionList(
        "[{'common': 'x', 'kind': 'gamma'}]");
    g_autoptr(TestEnumList) el = round_trip_TestEnumList("['value2']");
    g_autoptr(strList) sl = round_trip_strList("['a', 'b', 'c']");
    g_autoptr(intList) nl = round_trip_intList("[1, -1]");
    g_autoptr(uint8List) u8l = round_trip_uint8List("[7]");
    g_autoptr(numberList) dl = round_trip_numberList("[0.5]");
    g_autoptr(boolList) bl = round_trip_boolList("[true]");
    g_autoptr(anyList) al = round_trip_anyList("[{}, 'x']");
    g_autoptr(nullList) zl = round_trip_nullList("[null, null]");
    g_autoptr(strList) empty = round_trip_strList("[]");
    g_autoptr(JsonNode) out = NULL;

    g_assert_cmpstr(il->next->value->name, ==, "b");
    g_assert_cmpint(ul->value->kind, ==, TEST_KIND_GAMMA);
    g_assert_cmpint(el->value, ==, TEST_ENUM_VALUE2);
    g_assert_cmpstr(sl->next->next->value, ==, "c");
    g_assert_cmpint(nl->next->value, ==, -1);
    g_assert_cmpuint(u8l->value, ==, 7);
    g_assert_cmpfloat(dl->value, ==, 0.5);
    g_assert_true(bl->value);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(al->value));
    g_assert_nonnull(zl->next);
    /* an empty list is NULL, without an error */
    g_assert_null(empty);
    out = qapi_strList_to_json(NULL);
    assert_json_eq(out, "[]");

    expect_error_text_strList("{}",
                "Invalid parameter type for '<anonymous>', expected: array");
    expect_error_text_intList("[1, 'x']",
                "Invalid parameter type for '[1]', expected: integer");
    expect_error_text_TestEnumList("['x']",
                "Parameter '[0]' does not accept value 'x'");
}

static void test_free_null(void)
{
    /* every free function accepts NULL */
    qapi_free_TestScalars(NULL);
    qapi_free_TestUnion(NULL);
    qapi_free_TestAltMixed(NULL);
    qapi_free_TestInnerList(NULL);
    qapi_free_strList(NULL);
    qapi_free_anyList(NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/visit/enum/tables", test_enum_tables);
    g_test_add_func("/qapi/visit/enum/errors", test_enum_errors);
    g_test_add_func("/qapi/visit/scalars/round-trip", test_scalars_round_trip);
    g_test_add_func("/qapi/visit/scalars/from-c", test_scalars_from_c);
    g_test_add_func("/qapi/visit/scalars/unsigned-compat",
                    test_scalars_unsigned_compat);
    g_test_add_func("/qapi/visit/scalars/errors", test_scalars_errors);
    g_test_add_func("/qapi/visit/struct/error-order", test_struct_error_order);
    g_test_add_func("/qapi/visit/struct/optionals", test_optionals);
    g_test_add_func("/qapi/visit/struct/nested", test_nested);
    g_test_add_func("/qapi/visit/struct/nested-errors", test_nested_errors);
    g_test_add_func("/qapi/visit/struct/derived", test_derived);
    g_test_add_func("/qapi/visit/union", test_union);
    g_test_add_func("/qapi/visit/union-in-union", test_union_in_union);
    g_test_add_func("/qapi/visit/alternate", test_alternates);
    g_test_add_func("/qapi/visit/container", test_container);
    g_test_add_func("/qapi/visit/featured-conditional",
                    test_featured_and_conditional);
    g_test_add_func("/qapi/visit/migration-like", test_migration_like);
    g_test_add_func("/qapi/visit/other-types", test_other_types);
    g_test_add_func("/qapi/visit/lists", test_lists);
    g_test_add_func("/qapi/visit/free-null", test_free_null);
    return g_test_run();
}

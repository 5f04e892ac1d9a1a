/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the object model: types, casts, interfaces, life cycle,
 * properties, the composition tree and paths, and the QOM QMP commands
 * (called through their C functions) including object-add/object-del.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "qobject/json-parser.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "system/ram-backend.h"

#define TYPE_TEST_IFACE     "test-iface"
#define TYPE_TEST_BASE      "test-base"
#define TYPE_TEST_CHILD     "test-child"
#define TYPE_TEST_ABSTRACT  "test-abstract"
#define TYPE_TEST_CREATABLE "test-creatable"

typedef struct TestIfaceClass {
    InterfaceClass parent_class;
    int (*answer)(Object *obj);
} TestIfaceClass;

typedef struct TestBase {
    Object parent_obj;
    bool flag;
    char *name;
    uint64_t big;
    uint8_t small;
    int64_t signed_val;
    int color;
    uint32_t counter;
    Object *peer;
    int init_seq;
    int post_seq;
} TestBase;

typedef struct TestBaseClass {
    ObjectClass parent_class;
    const char *label;
    int class_init_calls;
} TestBaseClass;

typedef struct TestChild {
    TestBase parent_obj;
    int child_init_seq;
} TestChild;

/* Sequence numbers to check init/finalize ordering. */
static int seq;
static int finalize_child_seq, finalize_base_seq;

#define TEST_BASE(obj) OBJECT_CHECK(TestBase, (obj), TYPE_TEST_BASE)
#define TEST_BASE_CLASS(oc) \
    OBJECT_CLASS_CHECK(TestBaseClass, (oc), TYPE_TEST_BASE)
#define TEST_IFACE_CLASS(oc) \
    OBJECT_CLASS_CHECK(TestIfaceClass, (oc), TYPE_TEST_IFACE)

static const char *const color_names[] = { "red", "green", "blue", NULL };

static bool base_get_flag(Object *obj, GError **errp)
{
    return TEST_BASE(obj)->flag;
}

static bool base_set_flag(Object *obj, bool v, GError **errp)
{
    TEST_BASE(obj)->flag = v;
    return true;
}

static char *base_get_name(Object *obj, GError **errp)
{
    return g_strdup(TEST_BASE(obj)->name);
}

static bool base_set_name(Object *obj, const char *v, GError **errp)
{
    if (!strcmp(v, "forbidden")) {
        error_setg(errp, "name 'forbidden' is not allowed");
        return false;
    }
    g_free(TEST_BASE(obj)->name);
    TEST_BASE(obj)->name = g_strdup(v);
    return true;
}

static uint64_t base_get_big(Object *obj, GError **errp)
{
    return TEST_BASE(obj)->big;
}

static bool base_set_big(Object *obj, uint64_t v, GError **errp)
{
    TEST_BASE(obj)->big = v;
    return true;
}

static uint64_t base_get_small(Object *obj, GError **errp)
{
    return TEST_BASE(obj)->small;
}

static bool base_set_small(Object *obj, uint64_t v, GError **errp)
{
    TEST_BASE(obj)->small = v;
    return true;
}

static int64_t base_get_signed(Object *obj, GError **errp)
{
    return TEST_BASE(obj)->signed_val;
}

static bool base_set_signed(Object *obj, int64_t v, GError **errp)
{
    TEST_BASE(obj)->signed_val = v;
    return true;
}

static int base_get_color(Object *obj, GError **errp)
{
    return TEST_BASE(obj)->color;
}

static bool base_set_color(Object *obj, int v, GError **errp)
{
    TEST_BASE(obj)->color = v;
    return true;
}

static int base_answer(Object *obj)
{
    return 1;
}

static void base_class_init(ObjectClass *oc, const void *data)
{
    TestBaseClass *bc = TEST_BASE_CLASS(oc);

    bc->label = "base";
    bc->class_init_calls++;
    TEST_IFACE_CLASS(object_class_dynamic_cast(oc, TYPE_TEST_IFACE))->answer =
        base_answer;
    object_class_property_add_bool(oc, "flag", base_get_flag, base_set_flag);
    object_class_property_add_str(oc, "name", base_get_name, base_set_name);
    object_class_property_add_uint(oc, "big", "uint64", base_get_big,
                                   base_set_big);
    object_class_property_add_uint(oc, "small", "uint8", base_get_small,
                                   base_set_small);
    object_class_property_add_int(oc, "signed", "int", base_get_signed,
                                  base_set_signed);
    object_class_property_add_enum(oc, "color", "TestColor", color_names,
                                   base_get_color, base_set_color);
    object_class_property_set_description(oc, "flag", "a test flag");
}

static void base_init(Object *obj)
{
    TestBase *b = TEST_BASE(obj);

    b->init_seq = ++seq;
    object_property_add_uint32_ptr(obj, "counter", &b->counter,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_link(obj, "peer", TYPE_TEST_BASE, &b->peer,
                             object_property_allow_set_link,
                             OBJ_PROP_LINK_STRONG);
}

static void base_post_init(Object *obj)
{
    TEST_BASE(obj)->post_seq = ++seq;
}

static void base_finalize(Object *obj)
{
    finalize_base_seq = ++seq;
    g_free(TEST_BASE(obj)->name);
}

static int child_answer(Object *obj)
{
    return 2;
}

static void child_class_init(ObjectClass *oc, const void *data)
{
    TestBaseClass *bc = TEST_BASE_CLASS(oc);

    /* The parent's class_init already ran on this copy. */
    g_assert_cmpstr(bc->label, ==, "base");
    bc->label = data;
    TEST_IFACE_CLASS(object_class_dynamic_cast(oc, TYPE_TEST_IFACE))->answer =
        child_answer;
}

static void child_init(Object *obj)
{
    TestChild *c = (TestChild *)obj;

    /* Parent first. */
    g_assert_cmpint(TEST_BASE(obj)->init_seq, >, 0);
    g_assert_cmpint(TEST_BASE(obj)->post_seq, ==, 0);
    c->child_init_seq = ++seq;
}

static void child_finalize(Object *obj)
{
    finalize_child_seq = ++seq;
}

static bool creatable_can_delete(UserCreatable *uc)
{
    return !TEST_BASE(uc)->flag;
}

static bool creatable_complete(UserCreatable *uc, GError **errp)
{
    if (TEST_BASE(uc)->name && !strcmp(TEST_BASE(uc)->name, "fail")) {
        error_setg(errp, "completion failed");
        return false;
    }
    return true;
}

static void creatable_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->can_be_deleted = creatable_can_delete;
    ucc->complete = creatable_complete;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_IFACE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(TestIfaceClass),
    },
    {
        .name = TYPE_TEST_BASE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestBase),
        .instance_init = base_init,
        .instance_post_init = base_post_init,
        .instance_finalize = base_finalize,
        .class_size = sizeof(TestBaseClass),
        .class_init = base_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_TEST_IFACE },
            { }
        },
    },
    {
        .name = TYPE_TEST_CHILD,
        .parent = TYPE_TEST_BASE,
        .instance_size = sizeof(TestChild),
        .instance_init = child_init,
        .instance_finalize = child_finalize,
        .class_init = child_class_init,
        .class_data = "child",
    },
    {
        .name = TYPE_TEST_ABSTRACT,
        .parent = TYPE_TEST_BASE,
        .abstract = true,
    },
    {
        .name = TYPE_TEST_CREATABLE,
        .parent = TYPE_TEST_BASE,
        .class_init = creatable_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE },
            { }
        },
    },
};

DEFINE_TYPES(test_types)

static JsonNode *parse(const char *text)
{
    JsonNode *node = json_parse_string(text, NULL);

    g_assert_nonnull(node);
    return node;
}

/* ---- types ---- */

static void test_types_and_casts(void)
{
    ObjectClass *base = object_class_by_name(TYPE_TEST_BASE);
    ObjectClass *child = object_class_by_name(TYPE_TEST_CHILD);
    ObjectClass *ic;
    Object *obj;

    g_assert_nonnull(base);
    g_assert_null(object_class_by_name("no-such-type"));
    g_assert_cmpstr(object_class_get_name(object_class_get_parent(child)), ==,
                    TYPE_TEST_BASE);
    g_assert_cmpstr(TEST_BASE_CLASS(child)->label, ==, "child");
    g_assert_cmpstr(TEST_BASE_CLASS(base)->label, ==, "base");
    g_assert_cmpint(TEST_BASE_CLASS(base)->class_init_calls, ==, 1);
    g_assert_true(object_class_is_abstract(
        object_class_by_name(TYPE_TEST_ABSTRACT)));
    g_assert_true(object_class_is_abstract(
        object_class_by_name(TYPE_TEST_IFACE)));

    g_assert_true(object_class_dynamic_cast(child, TYPE_TEST_BASE) == child);
    g_assert_true(object_class_dynamic_cast(child, TYPE_OBJECT) == child);
    g_assert_null(object_class_dynamic_cast(base, TYPE_TEST_CHILD));
    g_assert_null(object_class_dynamic_cast(base, "no-such-type"));

    /* Each class has its own copy of the interface class. */
    ic = object_class_dynamic_cast(child, TYPE_TEST_IFACE);
    g_assert_nonnull(ic);
    g_assert_true(ic != object_class_dynamic_cast(base, TYPE_TEST_IFACE));
    obj = object_new(TYPE_TEST_CHILD);
    g_assert_cmpint(TEST_IFACE_CLASS(ic)->answer(obj), ==, 2);
    g_assert_cmpint(TEST_IFACE_CLASS(object_class_dynamic_cast(
        base, TYPE_TEST_IFACE))->answer(obj), ==, 1);
    /* The creatable subtype inherits the base implementation. */
    g_assert_cmpint(TEST_IFACE_CLASS(object_class_dynamic_cast(
        object_class_by_name(TYPE_TEST_CREATABLE), TYPE_TEST_IFACE))
        ->answer(obj), ==, 1);

    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_IFACE) == obj);
    g_assert_true(object_dynamic_cast(obj, TYPE_TEST_BASE) == obj);
    g_assert_null(object_dynamic_cast(obj, TYPE_USER_CREATABLE));
    g_assert_null(object_dynamic_cast(NULL, TYPE_TEST_BASE));
    g_assert_cmpstr(object_get_typename(obj), ==, TYPE_TEST_CHILD);
    object_unref(obj);
}

static void test_class_list(void)
{
    GSList *list = object_class_get_list(TYPE_TEST_BASE, false);
    GSList *abs = object_class_get_list(TYPE_TEST_BASE, true);
    GSList *iface = object_class_get_list(TYPE_TEST_IFACE, false);
    g_autoptr(GString) names = g_string_new("");

    for (GSList *l = list; l; l = l->next) {
        g_string_append_printf(names, "%s ", object_class_get_name(l->data));
    }
    g_assert_cmpstr(names->str, ==, "test-base test-child test-creatable ");
    g_assert_cmpuint(g_slist_length(abs), ==, 4);
    g_assert_cmpuint(g_slist_length(iface), ==, 3);
    g_assert_null(object_class_get_list("no-such-type", true));
    g_slist_free(list);
    g_slist_free(abs);
    g_slist_free(iface);
}

static void test_life_cycle(void)
{
    Object *obj;
    TestBase *b;

    seq = 0;
    finalize_child_seq = finalize_base_seq = 0;
    obj = object_new(TYPE_TEST_CHILD);
    b = TEST_BASE(obj);
    g_assert_cmpint(b->init_seq, ==, 1);
    g_assert_cmpint(((TestChild *)obj)->child_init_seq, ==, 2);
    g_assert_cmpint(b->post_seq, ==, 3);

    object_ref(obj);
    object_unref(obj);
    g_assert_cmpint(finalize_child_seq, ==, 0);
    object_unref(obj);
    /* Finalize runs most derived first. */
    g_assert_cmpint(finalize_child_seq, ==, 4);
    g_assert_cmpint(finalize_base_seq, ==, 5);

    {
        GError *err = NULL;

        g_assert_null(object_new_checked(TYPE_TEST_ABSTRACT, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
        g_assert_null(object_new_checked("no-such-type", &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
}

/* ---- properties ---- */

static void test_properties(void)
{
    Object *obj = object_new(TYPE_TEST_CHILD);
    GError *err = NULL;
    g_autofree char *s = NULL;
    g_autofree char *s2 = NULL;
    JsonNode *node;
    g_autoptr(GPtrArray) props = NULL;

    g_assert_true(object_property_set_bool(obj, "flag", true, &err));
    g_assert_true(object_property_get_bool(obj, "flag", &err));
    g_assert_true(object_property_set_str(obj, "name", "hello", &err));
    s = object_property_get_str(obj, "name", &err);
    g_assert_cmpstr(s, ==, "hello");
    g_assert_true(object_property_set_uint(obj, "big", (1ULL << 63) + 4096, &err));
    g_assert_cmpuint(object_property_get_uint(obj, "big", &err), ==,
                     (1ULL << 63) + 4096);
    g_assert_true(object_property_set_int(obj, "signed", -5, &err));
    g_assert_cmpint(object_property_get_int(obj, "signed", &err), ==, -5);
    g_assert_no_error(err);

    /* Type strings. */
    g_assert_cmpstr(object_property_get_type(obj, "flag", NULL), ==, "bool");
    g_assert_cmpstr(object_property_get_type(obj, "name", NULL), ==,
                    "string");
    g_assert_cmpstr(object_property_get_type(obj, "big", NULL), ==, "uint64");
    g_assert_cmpstr(object_property_get_type(obj, "signed", NULL), ==, "int");
    g_assert_cmpstr(object_property_get_type(obj, "peer", NULL), ==,
                    "link<test-base>");
    g_assert_cmpstr(object_property_get_type(obj, "color", NULL), ==,
                    "TestColor");

    /* Wrong JSON types and ranges give the QMP messages. */
    node = parse("\"yes\"");
    g_assert_false(object_property_set(obj, "flag", node, &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'flag', expected: boolean");
    g_clear_error(&err);
    g_assert_false(object_property_set(obj, "big", node, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'big' expects uint64");
    g_clear_error(&err);
    json_node_unref(node);
    node = parse("256");
    g_assert_false(object_property_set(obj, "small", node, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'small' expects uint8");
    g_clear_error(&err);
    json_node_unref(node);
    node = parse("\"purple\"");
    g_assert_false(object_property_set(obj, "color", node, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'color' does not accept value 'purple'");
    g_clear_error(&err);
    json_node_unref(node);
    node = parse("\"blue\"");
    g_assert_true(object_property_set(obj, "color", node, &err));
    json_node_unref(node);
    g_assert_cmpint(TEST_BASE(obj)->color, ==, 2);
    node = object_property_get(obj, "color", &err);
    g_assert_cmpstr(json_node_get_string(node), ==, "blue");
    json_node_unref(node);

    /* Setter errors propagate; missing and read-only properties. */
    g_assert_false(object_property_set_str(obj, "name", "forbidden", &err));
    g_assert_cmpstr(err->message, ==, "name 'forbidden' is not allowed");
    g_clear_error(&err);
    g_assert_false(object_property_set_bool(obj, "nope", true, &err));
    g_assert_cmpstr(err->message, ==, "Property 'test-child.nope' not found");
    g_clear_error(&err);
    g_assert_false(object_property_set_uint(obj, "counter", 1, &err));
    g_assert_cmpstr(err->message, ==,
                    "Property 'test-child.counter' is not writable");
    g_clear_error(&err);
    TEST_BASE(obj)->counter = 7;
    g_assert_cmpuint(object_property_get_uint(obj, "counter", NULL), ==, 7);

    /* Command-line strings. */
    g_assert_true(object_property_parse(obj, "flag", "off", &err));
    g_assert_false(TEST_BASE(obj)->flag);
    g_assert_true(object_property_parse(obj, "flag", "yes", &err));
    g_assert_true(TEST_BASE(obj)->flag);
    g_assert_true(object_property_parse(obj, "big", "0x10", &err));
    g_assert_cmpuint(TEST_BASE(obj)->big, ==, 16);
    g_assert_true(object_property_parse(obj, "signed", "-3", &err));
    g_assert_cmpint(TEST_BASE(obj)->signed_val, ==, -3);
    g_assert_true(object_property_parse(obj, "color", "green", &err));
    g_assert_no_error(err);
    g_assert_false(object_property_parse(obj, "flag", "maybe", &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'flag' expects 'on' or 'off'");
    g_clear_error(&err);
    g_assert_false(object_property_parse(obj, "big", "ten", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'big' expects a uint64 value");
    g_clear_error(&err);
    g_assert_false(object_property_parse(obj, "signed", "x", &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'signed' expects an int64 value");
    g_clear_error(&err);
    g_assert_false(object_property_parse(obj, "small", "300", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'small' expects uint8");
    g_clear_error(&err);

    /* Instance properties first, in order, then class properties. */
    props = object_property_list(obj);
    g_assert_cmpstr(((ObjectProperty *)props->pdata[0])->name, ==, "counter");
    g_assert_cmpstr(((ObjectProperty *)props->pdata[1])->name, ==, "peer");
    g_assert_cmpstr(((ObjectProperty *)props->pdata[2])->name, ==, "flag");
    /* ... ending with "type" from the root class. */
    g_assert_cmpuint(props->len, ==, 9);
    g_assert_cmpstr(((ObjectProperty *)props->pdata[8])->name, ==, "type");
    s2 = object_property_get_str(obj, "type", NULL);
    g_assert_cmpstr(s2, ==, "test-child");

    /* A duplicate instance property is refused. */
    g_assert_null(object_property_try_add(obj, "flag", "bool", NULL, NULL,
                                          NULL, NULL, &err));
    g_assert_cmpstr(err->message, ==, "attempt to add duplicate property "
                    "'flag' to object (type 'test-child')");
    g_clear_error(&err);
    object_unref(obj);
}

/* ---- tree and paths ---- */

static void test_tree_and_paths(void)
{
    Object *root = object_get_root();
    Object *a = container_get(root, "/qomtest/a");
    Object *b = container_get(root, "/qomtest/b");
    Object *x1 = object_new(TYPE_TEST_BASE);
    Object *x2 = object_new(TYPE_TEST_CHILD);
    Object *only = object_new(TYPE_TEST_BASE);
    GError *err = NULL;
    bool ambiguous = false;
    g_autofree char *path = NULL;
    g_autofree char *peer = NULL;
    JsonNode *node;

    g_assert_true(container_get(root, "qomtest/a") == a);
    object_property_add_child(a, "x", x1);
    object_property_add_child(b, "x", x2);
    object_property_add_child(b, "only", only);
    g_assert_cmpstr(object_property_get_type(b, "x", NULL), ==,
                    "child<test-child>");
    object_unref(x1);
    object_unref(x2);
    object_unref(only);

    path = object_get_canonical_path(x2);
    g_assert_cmpstr(path, ==, "/qomtest/b/x");
    {
        g_autofree char *comp = object_get_canonical_path_component(only);

        g_assert_cmpstr(comp, ==, "only");
    }
    g_assert_true(object_get_parent(only) == b);
    node = object_property_get(b, "only", NULL);
    g_assert_cmpstr(json_node_get_string(node), ==, "/qomtest/b/only");
    json_node_unref(node);

    /* Absolute, partial, ambiguous. */
    g_assert_true(object_resolve_path("/qomtest/a/x", NULL) == x1);
    g_assert_true(object_resolve_path("/qomtest//b/x", NULL) == x2);
    g_assert_true(object_resolve_path("/", NULL) == root);
    g_assert_null(object_resolve_path("/qomtest/c", &ambiguous));
    g_assert_false(ambiguous);
    g_assert_true(object_resolve_path("only", &ambiguous) == only);
    g_assert_true(object_resolve_path("b/only", &ambiguous) == only);
    g_assert_false(ambiguous);
    g_assert_null(object_resolve_path("x", &ambiguous));
    g_assert_true(ambiguous);
    g_assert_true(object_resolve_path("a/x", &ambiguous) == x1);
    g_assert_false(ambiguous);
    g_assert_true(object_resolve_path_type("x", TYPE_TEST_CHILD, &ambiguous)
                  == x2);
    g_assert_false(ambiguous);
    g_assert_null(object_resolve_path_err("x", &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, "Path 'x' is ambiguous");
    g_clear_error(&err);
    g_assert_null(object_resolve_path_err("/qomtest/zzz", &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "Device '/qomtest/zzz' not found");
    g_clear_error(&err);

    /* Links: set by path, followed by path resolution, type-checked. */
    g_assert_true(object_property_set_link(only, "peer", x1, &err));
    g_assert_no_error(err);
    g_assert_true(TEST_BASE(only)->peer == x1);
    peer = object_property_get_str(only, "peer", NULL);
    g_assert_cmpstr(peer, ==, "/qomtest/a/x");
    g_assert_true(object_property_get_link(only, "peer", NULL) == x1);
    g_assert_true(object_resolve_path("/qomtest/b/only/peer", NULL) == x1);
    g_assert_false(object_property_set_str(only, "peer", "/qomtest/a", &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'peer', expected: test-base");
    g_clear_error(&err);
    g_assert_false(object_property_set_str(only, "peer", "/nowhere", &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "Device '/nowhere' not found");
    g_clear_error(&err);
    g_assert_true(object_property_set_str(only, "peer", "", &err));
    g_assert_null(TEST_BASE(only)->peer);

    /* A strong link keeps its target alive after unparenting. */
    g_assert_true(object_property_set_link(only, "peer", x1, &err));
    object_ref(x1);
    object_unparent(x1);
    g_assert_null(object_get_parent(x1));
    g_assert_null(object_resolve_path("/qomtest/a/x", NULL));
    g_assert_cmpuint(x1->ref, ==, 2);
    object_unref(x1);
    g_assert_true(object_resolve_path("x", &ambiguous) == x2);

    object_unparent(container_get(root, "/qomtest"));
    g_assert_null(object_resolve_path("/qomtest", NULL));
}

/* ---- QMP commands ---- */

static bool list_has(ObjectPropertyInfoList *list, const char *name,
                     const char *type)
{
    for (; list; list = list->next) {
        if (!strcmp(list->value->name, name)) {
            return !strcmp(list->value->type, type);
        }
    }
    return false;
}

static ObjectTypeInfo *types_find(ObjectTypeInfoList *list, const char *name)
{
    for (; list; list = list->next) {
        if (!strcmp(list->value->name, name)) {
            return list->value;
        }
    }
    return NULL;
}

static void test_qmp_qom(void)
{
    Object *obj = object_new(TYPE_TEST_BASE);
    GError *err = NULL;
    ObjectPropertyInfoList *props;
    JsonNode *node;

    object_property_add_child(container_get(object_get_root(), "/qmptest"),
                              "obj", obj);
    object_unref(obj);

    props = qmp_qom_list("/qmptest", &err);
    g_assert_no_error(err);
    g_assert_true(list_has(props, "obj", "child<test-base>"));
    qapi_free_ObjectPropertyInfoList(props);
    props = qmp_qom_list("obj", &err);
    g_assert_true(list_has(props, "flag", "bool"));
    g_assert_true(list_has(props, "name", "string"));
    g_assert_true(list_has(props, "peer", "link<test-base>"));
    qapi_free_ObjectPropertyInfoList(props);

    g_assert_null(qmp_qom_list("/qmptest/none", &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "Device '/qmptest/none' not found");
    g_clear_error(&err);

    node = parse("true");
    qmp_qom_set("/qmptest/obj", "flag", node, &err);
    g_assert_no_error(err);
    json_node_unref(node);
    node = qmp_qom_get("/qmptest/obj", "flag", &err);
    g_assert_true(json_node_get_boolean(node));
    json_node_unref(node);
    node = qmp_qom_get("/qmptest", "obj", &err);
    g_assert_cmpstr(json_node_get_string(node), ==, "/qmptest/obj");
    json_node_unref(node);
    node = qmp_qom_get("/qmptest/obj", "big", &err);
    g_assert_true(JSON_NODE_HOLDS_VALUE(node));
    g_assert_cmpint(json_node_get_value_type(node), ==, G_TYPE_INT64);
    json_node_unref(node);

    g_assert_null(qmp_qom_get("/qmptest/obj", "nope", &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, "Property 'test-base.nope' not found");
    g_clear_error(&err);
    node = parse("1");
    qmp_qom_set("/qmptest/obj", "nope", node, &err);
    g_assert_cmpstr(err->message, ==, "Property 'test-base.nope' not found");
    g_clear_error(&err);
    qmp_qom_set("/qmptest/zz", "flag", node, &err);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_clear_error(&err);
    json_node_unref(node);

    props = qmp_qom_list_properties(TYPE_TEST_CHILD, &err);
    g_assert_true(list_has(props, "counter", "uint32"));
    g_assert_true(list_has(props, "flag", "bool"));
    for (ObjectPropertyInfoList *l = props; l; l = l->next) {
        if (!strcmp(l->value->name, "flag")) {
            g_assert_cmpstr(l->value->description, ==, "a test flag");
        }
    }
    qapi_free_ObjectPropertyInfoList(props);
    props = qmp_qom_list_properties(TYPE_TEST_ABSTRACT, &err);
    g_assert_true(list_has(props, "flag", "bool"));
    g_assert_false(list_has(props, "counter", "uint32"));
    qapi_free_ObjectPropertyInfoList(props);
    g_assert_null(qmp_qom_list_properties("no-such-type", &err));
    g_assert_cmpstr(err->message, ==, "Class 'no-such-type' not found");
    g_clear_error(&err);

    object_unparent(container_get(object_get_root(), "/qmptest"));
}

static void test_qmp_list_types(void)
{
    GError *err = NULL;
    ObjectTypeInfoList *list;
    ObjectTypeInfo *t;

    list = qmp_qom_list_types("accel", true, false, &err);
    g_assert_no_error(err);
    t = types_find(list, "tcg-accel");
    g_assert_nonnull(t);
    g_assert_cmpstr(t->parent, ==, "accel");
    g_assert_false(t->has_abstract);
    g_assert_nonnull(types_find(list, "qtest-accel"));
    g_assert_null(types_find(list, "accel"));
    qapi_free_ObjectTypeInfoList(list);

    list = qmp_qom_list_types("accel", true, true, &err);
    t = types_find(list, "accel");
    g_assert_nonnull(t);
    g_assert_true(t->has_abstract && t->abstract);
    qapi_free_ObjectTypeInfoList(list);

    g_assert_null(qmp_qom_list_types("no-such-type", false, false, &err));
    g_assert_no_error(err);

    list = qmp_qom_list_types(NULL, false, false, &err);
    g_assert_nonnull(types_find(list, "container"));
    g_assert_nonnull(types_find(list, "memory-backend-ram"));
    g_assert_null(types_find(list, "object"));
    g_assert_null(types_find(list, "device"));
    qapi_free_ObjectTypeInfoList(list);

    list = qmp_qom_list_types(NULL, true, true, &err);
    g_assert_nonnull(types_find(list, "object"));
    g_assert_nonnull(types_find(list, "device"));
    g_assert_nonnull(types_find(list, "machine"));
    g_assert_nonnull(types_find(list, "memory-backend"));
    t = types_find(list, "user-creatable");
    g_assert_nonnull(t);
    g_assert_true(t->abstract);
    g_assert_null(types_find(list, "object")->parent);
    qapi_free_ObjectTypeInfoList(list);

    list = qmp_qom_list_types("user-creatable", true, false, &err);
    g_assert_nonnull(types_find(list, "memory-backend-file"));
    g_assert_nonnull(types_find(list, "memory-backend-memfd"));
    g_assert_null(types_find(list, "memory-backend"));
    qapi_free_ObjectTypeInfoList(list);
}

static void object_add(const char *json, GError **errp)
{
    JsonNode *node = parse(json);
    ObjectOptions *options = qapi_ObjectOptions_from_json(node, NULL, errp);

    json_node_unref(node);
    if (options) {
        qmp_object_add(options, errp);
        qapi_free_ObjectOptions(options);
    }
}

static void test_object_add_del(void)
{
    GError *err = NULL;
    Object *obj;

    object_add("{'qom-type': 'memory-backend-ram', 'id': 'ram0', "
               "'size': 65536}", &err);
    g_assert_no_error(err);
    obj = object_resolve_path("/objects/ram0", NULL);
    g_assert_nonnull(obj);
    g_assert_cmpstr(object_get_typename(obj), ==, "memory-backend-ram");

    object_add("{'qom-type': 'memory-backend-ram', 'id': 'ram0', "
               "'size': 65536}", &err);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, "attempt to add duplicate property "
                    "'ram0' to object (type 'container')");
    g_clear_error(&err);

    object_add("{'qom-type': 'memory-backend-ram', 'id': '0bad', "
               "'size': 65536}", &err);
    g_assert_cmpstr(err->message, ==, "Parameter 'id' expects an identifier");
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/0bad", NULL));

    object_add("{'qom-type': 'nonsense', 'id': 'x'}", &err);
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'qom-type' does not accept value 'nonsense'");
    g_clear_error(&err);
    object_add("{'id': 'x'}", &err);
    g_assert_cmpstr(err->message, ==, "Parameter 'qom-type' is missing");
    g_clear_error(&err);

    qmp_object_del("nothere", &err);
    g_assert_cmpstr(err->message, ==, "object 'nothere' not found");
    g_clear_error(&err);

    g_assert_nonnull(memory_backend_get_ramblock(obj, &err));
    qmp_object_del("ram0", &err);
    g_assert_cmpstr(err->message, ==,
                    "object 'ram0' is in use, can not be deleted");
    g_clear_error(&err);
    g_assert_nonnull(object_resolve_path("/objects/ram0", NULL));

    object_add("{'qom-type': 'memory-backend-ram', 'id': 'ram1', "
               "'size': 65536}", &err);
    qmp_object_del("ram1", &err);
    g_assert_no_error(err);
    g_assert_null(object_resolve_path("/objects/ram1", NULL));
}

static void test_user_creatable_generic(void)
{
    GError *err = NULL;
    JsonObject *props = json_object_new();
    Object *obj;

    /* Strings are converted by property type; order is kept. */
    json_object_set_string_member(props, "name", "n1");
    json_object_set_string_member(props, "flag", "on");
    obj = user_creatable_add_type(TYPE_TEST_CREATABLE, "tc0", props, true,
                                  &err);
    g_assert_no_error(err);
    g_assert_true(obj == object_resolve_path("/objects/tc0", NULL));
    g_assert_true(TEST_BASE(obj)->flag);

    /* The can_be_deleted hook refuses while flag is on. */
    g_assert_false(user_creatable_del("tc0", &err));
    g_assert_cmpstr(err->message, ==,
                    "object 'tc0' is in use, can not be deleted");
    g_clear_error(&err);
    TEST_BASE(obj)->flag = false;
    g_assert_true(user_creatable_del("tc0", &err));

    /* Unknown properties, per form. */
    json_object_set_string_member(props, "bogus", "1");
    g_assert_null(user_creatable_add_type(TYPE_TEST_CREATABLE, "tc1", props,
                                          true, &err));
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'bogus'");
    g_clear_error(&err);
    json_object_remove_member(props, "bogus");
    {
        JsonObject *jprops = json_object_new();

        json_object_set_boolean_member(jprops, "flag", true);
        json_object_set_int_member(jprops, "bogus", 1);
        g_assert_null(user_creatable_add_type(TYPE_TEST_CREATABLE, "tc1",
                                              jprops, false, &err));
        g_assert_cmpstr(err->message, ==, "Parameter 'bogus' is unexpected");
        g_clear_error(&err);
        json_object_unref(jprops);
    }

    /* A failing completion leaves nothing behind. */
    json_object_set_string_member(props, "name", "fail");
    g_assert_null(user_creatable_add_type(TYPE_TEST_CREATABLE, "tc1", props,
                                          true, &err));
    g_assert_cmpstr(err->message, ==, "completion failed");
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/tc1", NULL));

    /* Not creatable / abstract / unknown. */
    g_assert_null(user_creatable_add_type(TYPE_TEST_BASE, "tc1", NULL, true,
                                          &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'qom-type' does not accept value 'test-base'");
    g_clear_error(&err);
    g_assert_null(user_creatable_add_type("memory-backend", "tc1", NULL, true,
                                          &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    json_object_unref(props);
}

static void test_object_add_json_cmdline(void)
{
    GError *err = NULL;

    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'memory-backend-ram', 'id': '-x', 'size': 4096}",
        &err));
    g_assert_true(g_str_has_prefix(err->message,
        "Parameter 'id' expects an identifier\n"));
    g_clear_error(&err);
    g_assert_false(user_creatable_add_json(
        "{'qom-type': 'memory-backend-ram', 'id': 'j0', 'size': 4096, "
        "'foo': 1}", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'foo' is unexpected");
    g_clear_error(&err);
    g_assert_false(user_creatable_add_json("{'qom-type': ", &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'memory-backend-ram', 'id': 'j0', 'size': 4096}",
        &err));
    g_assert_no_error(err);
    g_assert_true(user_creatable_del("j0", NULL));
}

static void test_object_help(void)
{
    if (g_test_subprocess()) {
        g_assert_true(user_creatable_print_help("help", NULL));
        g_assert_false(user_creatable_print_help("memory-backend-ram", NULL));
        user_creatable_print_type_props("memory-backend-file");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("List of user creatable objects:\n*"
                              "  memory-backend-ram\n*");
    g_test_trap_assert_stdout_unmatched("*user-creatable*");
    g_test_trap_assert_stdout("*memory-backend-file options:\n*"
                              "  mem-path=<string>*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qom/types/casts", test_types_and_casts);
    g_test_add_func("/qom/types/list", test_class_list);
    g_test_add_func("/qom/object/life-cycle", test_life_cycle);
    g_test_add_func("/qom/object/properties", test_properties);
    g_test_add_func("/qom/tree/paths", test_tree_and_paths);
    g_test_add_func("/qom/qmp/qom-commands", test_qmp_qom);
    g_test_add_func("/qom/qmp/qom-list-types", test_qmp_list_types);
    g_test_add_func("/qom/qmp/object-add-del", test_object_add_del);
    g_test_add_func("/qom/user-creatable/generic",
                    test_user_creatable_generic);
    g_test_add_func("/qom/user-creatable/json-cmdline",
                    test_object_add_json_cmdline);
    g_test_add_func("/qom/user-creatable/help", test_object_help);
    return g_test_run();
}

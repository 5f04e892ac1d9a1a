/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime of the generated JSON visitors: built-in type conversions, the
 * QMP argument error messages, and json-glib tree helpers.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qapi/error.h"
#include "qapi/json-visit.h"

/* The top-level value has no name. */
static const char *path_name(const char *path)
{
    return path ? path : "<anonymous>";
}

char *qapi_path_member(const char *path, const char *name)
{
    return path ? g_strdup_printf("%s.%s", path, name) : g_strdup(name);
}

char *qapi_path_index(const char *path, unsigned int idx)
{
    return g_strdup_printf("%s[%u]", path ? path : "", idx);
}

void qapi_error_missing(GError **errp, const char *path, const char *name)
{
    g_autofree char *full = qapi_path_member(path, name);

    error_setg(errp, "Parameter '%s' is missing", full);
}

void qapi_error_type(GError **errp, const char *path, const char *expected)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               path_name(path), expected);
}

void qapi_error_value(GError **errp, const char *path, const char *what)
{
    error_setg(errp, "Parameter '%s' expects %s", path_name(path), what);
}

JsonNode *qapi_object_member(JsonObject *obj, const char *name)
{
    if (!obj) {
        return NULL;
    }
    return json_object_get_member(obj, name);
}

JsonObject *qapi_json_object(JsonNode *node, const char *path, GError **errp)
{
    if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
        qapi_error_type(errp, path, "object");
        return NULL;
    }
    return json_node_get_object(node);
}

JsonArray *qapi_json_array(JsonNode *node, const char *path, GError **errp)
{
    if (!node || !JSON_NODE_HOLDS_ARRAY(node)) {
        qapi_error_type(errp, path, "array");
        return NULL;
    }
    return json_node_get_array(node);
}

static bool name_listed(const char *const *names, const char *key)
{
    for (; names && *names; names++) {
        if (!strcmp(*names, key)) {
            return true;
        }
    }
    return false;
}

bool qapi_check_unexpected(JsonObject *obj, const char *path,
                           const char *const *names,
                           const char *const *extra, GError **errp)
{
    JsonObjectIter iter;
    const char *key;
    JsonNode *member;

    if (!obj) {
        return true;
    }
    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &key, &member)) {
        if (!name_listed(names, key) && !name_listed(extra, key)) {
            g_autofree char *full = qapi_path_member(path, key);

            error_setg(errp, "Parameter '%s' is unexpected", full);
            return false;
        }
    }
    return true;
}

bool qapi_check_no_args(JsonObject *args, GError **errp)
{
    return qapi_check_unexpected(args, NULL, NULL, NULL, errp);
}

JsonNode *qapi_args_node(JsonObject *args)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    if (args) {
        json_node_set_object(node, args);
    } else {
        json_node_take_object(node, json_object_new());
    }
    return node;
}

JsonNode *qapi_node_take_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

JsonNode *qapi_node_take_array(JsonArray *arr)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, arr);
    return node;
}

JsonObject *qapi_node_steal_object(JsonNode *node)
{
    JsonObject *obj = json_node_dup_object(node);

    json_node_unref(node);
    return obj;
}

QType qapi_json_qtype(JsonNode *node)
{
    if (!node) {
        return QTYPE_NONE;
    }
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        return QTYPE_QDICT;
    case JSON_NODE_ARRAY:
        return QTYPE_QLIST;
    case JSON_NODE_NULL:
        return QTYPE_QNULL;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
            return QTYPE_QNUM;
        case G_TYPE_BOOLEAN:
            return QTYPE_QBOOL;
        case G_TYPE_STRING:
            return QTYPE_QSTRING;
        default:
            return QTYPE_NONE;
        }
    }
    return QTYPE_NONE;
}

static bool node_holds(JsonNode *node, GType type)
{
    return node && JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == type;
}

/* An integral double in [0, 2^64): how the parser passes big uint64s. */
static bool double_as_uint64(JsonNode *node, uint64_t *out)
{
    double d;

    if (!node_holds(node, G_TYPE_DOUBLE)) {
        return false;
    }
    d = json_node_get_double(node);
    if (!isfinite(d) || d < 0 || d >= 18446744073709551616.0 ||
        d != floor(d)) {
        return false;
    }
    *out = (uint64_t)d;
    return true;
}

JsonNode *qapi_enum_to_json(const QEnumLookup *lookup, int value)
{
    const char *name = qapi_enum_lookup(lookup, value);

    if (!name) {
        /* Not a value of the enum: a bug of the caller; stay valid JSON. */
        return json_node_new(JSON_NODE_NULL);
    }
    return qapi_str_to_json(name);
}

bool qapi_enum_from_json(JsonNode *node, const char *path,
                         const QEnumLookup *lookup, int *out, GError **errp)
{
    const char *s;
    int value;

    if (!node_holds(node, G_TYPE_STRING)) {
        qapi_error_type(errp, path, "string");
        return false;
    }
    s = json_node_get_string(node);
    value = qapi_enum_parse(lookup, s);
    if (value < 0) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   path_name(path), s);
        return false;
    }
    *out = value;
    return true;
}

/* ---- built-in scalar types ---------------------------------------- */

JsonNode *qapi_str_to_json(const char *value)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, value ? value : "");
    return node;
}

bool qapi_str_from_json(JsonNode *node, const char *path, char **out,
                        GError **errp)
{
    if (!node_holds(node, G_TYPE_STRING)) {
        qapi_error_type(errp, path, "string");
        return false;
    }
    *out = g_strdup(json_node_get_string(node));
    return true;
}

static JsonNode *int_node(int64_t value)
{
    return json_node_init_int(json_node_alloc(), value);
}

/* Signed: a JSON integer in int64 range, then the narrower range check. */
static bool signed_from_json(JsonNode *node, const char *path,
                             const char *type, int64_t min, int64_t max,
                             int64_t *out, GError **errp)
{
    int64_t v;

    if (!node_holds(node, G_TYPE_INT64)) {
        qapi_error_type(errp, path, "integer");
        return false;
    }
    v = json_node_get_int(node);
    if (v < min || v > max) {
        qapi_error_value(errp, path, type);
        return false;
    }
    *out = v;
    return true;
}

/*
 * Unsigned: any JSON integer (negative int64 values wrap, for backward
 * compatibility) or an integral double below 2^64; then the range check.
 */
static bool unsigned_from_json(JsonNode *node, const char *path,
                               const char *type, uint64_t max,
                               uint64_t *out, GError **errp)
{
    uint64_t v;

    if (node_holds(node, G_TYPE_INT64)) {
        v = (uint64_t)json_node_get_int(node);
    } else if (!double_as_uint64(node, &v)) {
        qapi_error_value(errp, path, "uint64");
        return false;
    }
    if (v > max) {
        qapi_error_value(errp, path, type);
        return false;
    }
    *out = v;
    return true;
}

#define QAPI_SIGNED(name, ctype, min, max)                                  \
JsonNode *qapi_##name##_to_json(ctype value)                                \
{                                                                           \
    return int_node(value);                                                 \
}                                                                           \
bool qapi_##name##_from_json(JsonNode *node, const char *path, ctype *out,  \
                             GError **errp)                                 \
{                                                                           \
    int64_t v;                                                              \
                                                                            \
    if (!signed_from_json(node, path, #name, min, max, &v, errp)) {         \
        return false;                                                       \
    }                                                                       \
    *out = (ctype)v;                                                        \
    return true;                                                            \
}

QAPI_SIGNED(int, int64_t, INT64_MIN, INT64_MAX)
QAPI_SIGNED(int8, int8_t, INT8_MIN, INT8_MAX)
QAPI_SIGNED(int16, int16_t, INT16_MIN, INT16_MAX)
QAPI_SIGNED(int32, int32_t, INT32_MIN, INT32_MAX)
QAPI_SIGNED(int64, int64_t, INT64_MIN, INT64_MAX)

static JsonNode *uint_node(uint64_t value)
{
    if (value > INT64_MAX) {
        /* json-glib has no uint64 node: beyond int64 we pass a double. */
        return json_node_init_double(json_node_alloc(), (double)value);
    }
    return int_node((int64_t)value);
}

#define QAPI_UNSIGNED(name, ctype, max)                                     \
JsonNode *qapi_##name##_to_json(ctype value)                                \
{                                                                           \
    return uint_node(value);                                                \
}                                                                           \
bool qapi_##name##_from_json(JsonNode *node, const char *path, ctype *out,  \
                             GError **errp)                                 \
{                                                                           \
    uint64_t v;                                                             \
                                                                            \
    if (!unsigned_from_json(node, path, #name, max, &v, errp)) {            \
        return false;                                                       \
    }                                                                       \
    *out = (ctype)v;                                                        \
    return true;                                                            \
}

QAPI_UNSIGNED(uint8, uint8_t, UINT8_MAX)
QAPI_UNSIGNED(uint16, uint16_t, UINT16_MAX)
QAPI_UNSIGNED(uint32, uint32_t, UINT32_MAX)
QAPI_UNSIGNED(uint64, uint64_t, UINT64_MAX)

/* 'size' reports like uint64 (qmp.md 3.3). */
JsonNode *qapi_size_to_json(uint64_t value)
{
    return uint_node(value);
}

bool qapi_size_from_json(JsonNode *node, const char *path, uint64_t *out,
                         GError **errp)
{
    return unsigned_from_json(node, path, "uint64", UINT64_MAX, out, errp);
}

JsonNode *qapi_number_to_json(double value)
{
    return json_node_init_double(json_node_alloc(), value);
}

bool qapi_number_from_json(JsonNode *node, const char *path, double *out,
                           GError **errp)
{
    if (node_holds(node, G_TYPE_INT64)) {
        *out = (double)json_node_get_int(node);
        return true;
    }
    if (node_holds(node, G_TYPE_DOUBLE)) {
        *out = json_node_get_double(node);
        return true;
    }
    qapi_error_type(errp, path, "number");
    return false;
}

JsonNode *qapi_bool_to_json(bool value)
{
    return json_node_init_boolean(json_node_alloc(), value);
}

bool qapi_bool_from_json(JsonNode *node, const char *path, bool *out,
                         GError **errp)
{
    if (!node_holds(node, G_TYPE_BOOLEAN)) {
        qapi_error_type(errp, path, "boolean");
        return false;
    }
    *out = json_node_get_boolean(node);
    return true;
}

JsonNode *qapi_null_to_json(QNull value)
{
    return json_node_new(JSON_NODE_NULL);
}

bool qapi_null_from_json(JsonNode *node, const char *path, QNull *out,
                         GError **errp)
{
    if (!node || !JSON_NODE_HOLDS_NULL(node)) {
        qapi_error_type(errp, path, "null");
        return false;
    }
    *out = QNULL;
    return true;
}

/*
 * json_node_copy() shares objects and arrays; 'any' values get a copy of
 * their own so that neither side sees the other's changes.
 */
JsonNode *qapi_json_deep_copy(JsonNode *node)
{
    JsonNode *copy;

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *src = json_node_get_object(node);
        JsonObject *dst = json_object_new();
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;

        json_object_iter_init_ordered(&iter, src);
        while (json_object_iter_next_ordered(&iter, &key, &member)) {
            json_object_set_member(dst, key, qapi_json_deep_copy(member));
        }
        return qapi_node_take_object(dst);
    }
    case JSON_NODE_ARRAY: {
        JsonArray *src = json_node_get_array(node);
        JsonArray *dst = json_array_new();
        guint i, len = json_array_get_length(src);

        for (i = 0; i < len; i++) {
            json_array_add_element(dst, qapi_json_deep_copy(
                                       json_array_get_element(src, i)));
        }
        return qapi_node_take_array(dst);
    }
    default:
        copy = json_node_copy(node);
        return copy;
    }
}

JsonNode *qapi_any_to_json(const JsonNode *value)
{
    if (!value) {
        return json_node_new(JSON_NODE_NULL);
    }
    return qapi_json_deep_copy((JsonNode *)value);
}

bool qapi_any_from_json(JsonNode *node, const char *path, JsonNode **out,
                        GError **errp)
{
    if (!node) {
        qapi_error_type(errp, path, "value");
        return false;
    }
    *out = qapi_json_deep_copy(node);
    return true;
}

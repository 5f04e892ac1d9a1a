/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed QOM properties (bool, string, integers, enums, variable-backed),
 * typed get/set by name, and the conversion of command-line strings to
 * property values.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "qemu/cutils.h"
#include "qom/object.h"
#include "qom/qom-internal.h"

/* ---- unsigned / signed conversion by type name ---- */

static bool uint_from_json(JsonNode *node, const char *name,
                           const char *type, uint64_t *out, GError **errp)
{
    if (!strcmp(type, "uint8")) {
        uint8_t v;

        if (!qapi_uint8_from_json(node, name, &v, errp)) {
            return false;
        }
        *out = v;
    } else if (!strcmp(type, "uint16")) {
        uint16_t v;

        if (!qapi_uint16_from_json(node, name, &v, errp)) {
            return false;
        }
        *out = v;
    } else if (!strcmp(type, "uint32")) {
        uint32_t v;

        if (!qapi_uint32_from_json(node, name, &v, errp)) {
            return false;
        }
        *out = v;
    } else if (!strcmp(type, "size")) {
        return qapi_size_from_json(node, name, out, errp);
    } else {
        return qapi_uint64_from_json(node, name, out, errp);
    }
    return true;
}

static JsonNode *uint_to_json(const char *type, uint64_t v)
{
    return !strcmp(type, "size") ? qapi_size_to_json(v)
                                 : qapi_uint64_to_json(v);
}

static bool int_from_json(JsonNode *node, const char *name, const char *type,
                          int64_t *out, GError **errp)
{
    if (!strcmp(type, "int8")) {
        int8_t v;

        if (!qapi_int8_from_json(node, name, &v, errp)) {
            return false;
        }
        *out = v;
    } else if (!strcmp(type, "int16")) {
        int16_t v;

        if (!qapi_int16_from_json(node, name, &v, errp)) {
            return false;
        }
        *out = v;
    } else if (!strcmp(type, "int32")) {
        int32_t v;

        if (!qapi_int32_from_json(node, name, &v, errp)) {
            return false;
        }
        *out = v;
    } else {
        return qapi_int_from_json(node, name, out, errp);
    }
    return true;
}

/* ---- bool ---- */

typedef struct BoolProperty {
    ObjectBoolGet *get;
    ObjectBoolSet *set;
} BoolProperty;

static JsonNode *bool_prop_get(Object *obj, ObjectProperty *prop,
                               GError **errp)
{
    BoolProperty *bp = prop->opaque;
    GError *err = NULL;
    bool v = bp->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return qapi_bool_to_json(v);
}

static bool bool_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                          GError **errp)
{
    BoolProperty *bp = prop->opaque;
    bool v;

    if (!qapi_bool_from_json(value, prop->name, &v, errp)) {
        return false;
    }
    return bp->set(obj, v, errp);
}

static void opaque_release(Object *obj, ObjectProperty *prop)
{
    g_free(prop->opaque);
}

static BoolProperty *bool_prop_new(ObjectBoolGet *get, ObjectBoolSet *set)
{
    BoolProperty *bp = g_new0(BoolProperty, 1);

    bp->get = get;
    bp->set = set;
    return bp;
}

ObjectProperty *object_property_add_bool(Object *obj, const char *name,
                                         ObjectBoolGet *get,
                                         ObjectBoolSet *set)
{
    return object_property_add(obj, name, "bool",
                               get ? bool_prop_get : NULL,
                               set ? bool_prop_set : NULL,
                               opaque_release, bool_prop_new(get, set));
}

ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               ObjectBoolGet *get,
                                               ObjectBoolSet *set)
{
    return object_class_property_add(klass, name, "bool",
                                     get ? bool_prop_get : NULL,
                                     set ? bool_prop_set : NULL,
                                     NULL, bool_prop_new(get, set));
}

/* ---- string ---- */

typedef struct StrProperty {
    ObjectStrGet *get;
    ObjectStrSet *set;
} StrProperty;

static JsonNode *str_prop_get(Object *obj, ObjectProperty *prop,
                              GError **errp)
{
    StrProperty *sp = prop->opaque;
    GError *err = NULL;
    g_autofree char *v = sp->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return qapi_str_to_json(v ? v : "");
}

static bool str_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                         GError **errp)
{
    StrProperty *sp = prop->opaque;
    g_autofree char *v = NULL;

    if (!qapi_str_from_json(value, prop->name, &v, errp)) {
        return false;
    }
    return sp->set(obj, v, errp);
}

static StrProperty *str_prop_new(ObjectStrGet *get, ObjectStrSet *set)
{
    StrProperty *sp = g_new0(StrProperty, 1);

    sp->get = get;
    sp->set = set;
    return sp;
}

ObjectProperty *object_property_add_str(Object *obj, const char *name,
                                        ObjectStrGet *get, ObjectStrSet *set)
{
    return object_property_add(obj, name, "string",
                               get ? str_prop_get : NULL,
                               set ? str_prop_set : NULL,
                               opaque_release, str_prop_new(get, set));
}

ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              ObjectStrGet *get,
                                              ObjectStrSet *set)
{
    return object_class_property_add(klass, name, "string",
                                     get ? str_prop_get : NULL,
                                     set ? str_prop_set : NULL,
                                     NULL, str_prop_new(get, set));
}

/* ---- unsigned / signed integers ---- */

typedef struct UintProperty {
    ObjectUintGet *get;
    ObjectUintSet *set;
} UintProperty;

static JsonNode *uint_prop_get(Object *obj, ObjectProperty *prop,
                               GError **errp)
{
    UintProperty *up = prop->opaque;
    GError *err = NULL;
    uint64_t v = up->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return uint_to_json(prop->type, v);
}

static bool uint_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                          GError **errp)
{
    UintProperty *up = prop->opaque;
    uint64_t v;

    if (!uint_from_json(value, prop->name, prop->type, &v, errp)) {
        return false;
    }
    return up->set(obj, v, errp);
}

static UintProperty *uint_prop_new(ObjectUintGet *get, ObjectUintSet *set)
{
    UintProperty *up = g_new0(UintProperty, 1);

    up->get = get;
    up->set = set;
    return up;
}

ObjectProperty *object_property_add_uint(Object *obj, const char *name,
                                         const char *type,
                                         ObjectUintGet *get,
                                         ObjectUintSet *set)
{
    return object_property_add(obj, name, type,
                               get ? uint_prop_get : NULL,
                               set ? uint_prop_set : NULL,
                               opaque_release, uint_prop_new(get, set));
}

ObjectProperty *object_class_property_add_uint(ObjectClass *klass,
                                               const char *name,
                                               const char *type,
                                               ObjectUintGet *get,
                                               ObjectUintSet *set)
{
    return object_class_property_add(klass, name, type,
                                     get ? uint_prop_get : NULL,
                                     set ? uint_prop_set : NULL,
                                     NULL, uint_prop_new(get, set));
}

typedef struct IntProperty {
    ObjectIntGet *get;
    ObjectIntSet *set;
} IntProperty;

static JsonNode *int_prop_get(Object *obj, ObjectProperty *prop,
                              GError **errp)
{
    IntProperty *ip = prop->opaque;
    GError *err = NULL;
    int64_t v = ip->get(obj, &err);

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    return qapi_int_to_json(v);
}

static bool int_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                         GError **errp)
{
    IntProperty *ip = prop->opaque;
    int64_t v;

    if (!int_from_json(value, prop->name, prop->type, &v, errp)) {
        return false;
    }
    return ip->set(obj, v, errp);
}

static IntProperty *int_prop_new(ObjectIntGet *get, ObjectIntSet *set)
{
    IntProperty *ip = g_new0(IntProperty, 1);

    ip->get = get;
    ip->set = set;
    return ip;
}

ObjectProperty *object_property_add_int(Object *obj, const char *name,
                                        const char *type,
                                        ObjectIntGet *get, ObjectIntSet *set)
{
    return object_property_add(obj, name, type,
                               get ? int_prop_get : NULL,
                               set ? int_prop_set : NULL,
                               opaque_release, int_prop_new(get, set));
}

ObjectProperty *object_class_property_add_int(ObjectClass *klass,
                                              const char *name,
                                              const char *type,
                                              ObjectIntGet *get,
                                              ObjectIntSet *set)
{
    return object_class_property_add(klass, name, type,
                                     get ? int_prop_get : NULL,
                                     set ? int_prop_set : NULL,
                                     NULL, int_prop_new(get, set));
}

/* ---- enum ---- */

typedef struct EnumProperty {
    const char *const *values;
    ObjectEnumGet *get;
    ObjectEnumSet *set;
} EnumProperty;

static JsonNode *enum_prop_get(Object *obj, ObjectProperty *prop,
                               GError **errp)
{
    EnumProperty *ep = prop->opaque;
    GError *err = NULL;
    int v = ep->get(obj, &err);
    int n = 0;

    if (err) {
        error_propagate(errp, err);
        return NULL;
    }
    while (ep->values[n]) {
        n++;
    }
    /* A getter returning an index outside the table is our bug. */
    assert(v >= 0 && v < n);
    return qapi_str_to_json(ep->values[v]);
}

static bool enum_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                          GError **errp)
{
    EnumProperty *ep = prop->opaque;
    g_autofree char *s = NULL;

    if (!qapi_str_from_json(value, prop->name, &s, errp)) {
        return false;
    }
    for (int i = 0; ep->values[i]; i++) {
        if (!strcmp(ep->values[i], s)) {
            return ep->set(obj, i, errp);
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'",
               prop->name, s);
    return false;
}

ObjectProperty *object_class_property_add_enum(ObjectClass *klass,
                                               const char *name,
                                               const char *typename,
                                               const char *const *values,
                                               ObjectEnumGet *get,
                                               ObjectEnumSet *set)
{
    EnumProperty *ep = g_new0(EnumProperty, 1);

    ep->values = values;
    ep->get = get;
    ep->set = set;
    return object_class_property_add(klass, name, typename,
                                     get ? enum_prop_get : NULL,
                                     set ? enum_prop_set : NULL, NULL, ep);
}

/* ---- variable-backed ---- */

static JsonNode *bool_ptr_get(Object *obj, ObjectProperty *prop,
                              GError **errp)
{
    return qapi_bool_to_json(*(bool *)prop->opaque);
}

static bool bool_ptr_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                         GError **errp)
{
    return qapi_bool_from_json(value, prop->name, prop->opaque, errp);
}

ObjectProperty *object_property_add_bool_ptr(Object *obj, const char *name,
                                             bool *v,
                                             ObjectPropertyFlags flags)
{
    return object_property_add(obj, name, "bool",
                    (flags & OBJ_PROP_FLAG_READ) ? bool_ptr_get : NULL,
                    (flags & OBJ_PROP_FLAG_WRITE) ? bool_ptr_set : NULL,
                    NULL, v);
}

static JsonNode *uint32_ptr_get(Object *obj, ObjectProperty *prop,
                                GError **errp)
{
    return qapi_uint64_to_json(*(uint32_t *)prop->opaque);
}

static bool uint32_ptr_set(Object *obj, ObjectProperty *prop,
                           JsonNode *value, GError **errp)
{
    return qapi_uint32_from_json(value, prop->name, prop->opaque, errp);
}

ObjectProperty *object_property_add_uint32_ptr(Object *obj, const char *name,
                                               uint32_t *v,
                                               ObjectPropertyFlags flags)
{
    return object_property_add(obj, name, "uint32",
                    (flags & OBJ_PROP_FLAG_READ) ? uint32_ptr_get : NULL,
                    (flags & OBJ_PROP_FLAG_WRITE) ? uint32_ptr_set : NULL,
                    NULL, v);
}

static JsonNode *uint64_ptr_get(Object *obj, ObjectProperty *prop,
                                GError **errp)
{
    return qapi_uint64_to_json(*(uint64_t *)prop->opaque);
}

static bool uint64_ptr_set(Object *obj, ObjectProperty *prop,
                           JsonNode *value, GError **errp)
{
    return qapi_uint64_from_json(value, prop->name, prop->opaque, errp);
}

ObjectProperty *object_property_add_uint64_ptr(Object *obj, const char *name,
                                               uint64_t *v,
                                               ObjectPropertyFlags flags)
{
    return object_property_add(obj, name, "uint64",
                    (flags & OBJ_PROP_FLAG_READ) ? uint64_ptr_get : NULL,
                    (flags & OBJ_PROP_FLAG_WRITE) ? uint64_ptr_set : NULL,
                    NULL, v);
}

static JsonNode *const_str_get(Object *obj, ObjectProperty *prop,
                               GError **errp)
{
    return qapi_str_to_json(prop->opaque);
}

ObjectProperty *object_property_add_const_str(Object *obj, const char *name,
                                              const char *value)
{
    return object_property_add(obj, name, "string", const_str_get, NULL,
                               opaque_release, g_strdup(value));
}

/* ---- typed access by name ---- */

/* Set name from a node we own. */
static bool set_owned(Object *obj, const char *name, JsonNode *node,
                      GError **errp)
{
    bool ok = object_property_set(obj, name, node, errp);

    json_node_unref(node);
    return ok;
}

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              GError **errp)
{
    return set_owned(obj, name, qapi_bool_to_json(value), errp);
}

bool object_property_get_bool(Object *obj, const char *name, GError **errp)
{
    JsonNode *node = object_property_get(obj, name, errp);
    bool v = false;

    if (node) {
        if (!qapi_bool_from_json(node, name, &v, errp)) {
            v = false;
        }
        json_node_unref(node);
    }
    return v;
}

bool object_property_set_str(Object *obj, const char *name, const char *value,
                             GError **errp)
{
    return set_owned(obj, name, qapi_str_to_json(value), errp);
}

char *object_property_get_str(Object *obj, const char *name, GError **errp)
{
    JsonNode *node = object_property_get(obj, name, errp);
    char *v = NULL;

    if (node) {
        if (!qapi_str_from_json(node, name, &v, errp)) {
            v = NULL;
        }
        json_node_unref(node);
    }
    return v;
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value,
                              GError **errp)
{
    return set_owned(obj, name, qapi_uint64_to_json(value), errp);
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  GError **errp)
{
    JsonNode *node = object_property_get(obj, name, errp);
    uint64_t v = 0;

    if (node) {
        if (!qapi_uint64_from_json(node, name, &v, errp)) {
            v = 0;
        }
        json_node_unref(node);
    }
    return v;
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             GError **errp)
{
    return set_owned(obj, name, qapi_int_to_json(value), errp);
}

int64_t object_property_get_int(Object *obj, const char *name, GError **errp)
{
    JsonNode *node = object_property_get(obj, name, errp);
    int64_t v = 0;

    if (node) {
        if (!qapi_int_from_json(node, name, &v, errp)) {
            v = 0;
        }
        json_node_unref(node);
    }
    return v;
}

bool object_property_set_link(Object *obj, const char *name, Object *value,
                              GError **errp)
{
    g_autofree char *path = NULL;

    if (value) {
        path = object_get_canonical_path(value);
        if (!path) {
            error_setg(errp, "Property '%s.%s': the target has no path",
                       object_get_typename(obj), name);
            return false;
        }
    }
    return object_property_set_str(obj, name, path ? path : "", errp);
}

Object *object_property_get_link(Object *obj, const char *name,
                                 GError **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    g_autofree char *path = NULL;

    if (!prop) {
        return NULL;
    }
    if (prop->resolve) {
        return prop->resolve(obj, prop, name);
    }
    path = object_property_get_str(obj, name, errp);
    if (!path || !*path) {
        return NULL;
    }
    return object_resolve_path(path, NULL);
}

/* ---- command-line strings ---- */

static bool type_is_unsigned(const char *type)
{
    return !strcmp(type, "size") || g_str_has_prefix(type, "uint");
}

static bool type_is_signed(const char *type)
{
    return !strcmp(type, "int") || !strcmp(type, "int8") ||
           !strcmp(type, "int16") || !strcmp(type, "int32") ||
           !strcmp(type, "int64");
}

JsonNode *object_property_string_to_json(const char *name, const char *type,
                                         const char *string, GError **errp)
{
    if (!strcmp(type, "bool")) {
        bool b;

        if (!parse_option_bool(name, string, &b, errp)) {
            return NULL;
        }
        return qapi_bool_to_json(b);
    }
    if (!strcmp(type, "size")) {
        uint64_t v;

        if (qemu_strtosz_unit(string, NULL, 1, &v) < 0) {
            error_setg(errp, "Parameter '%s' expects a size value", name);
            return NULL;
        }
        return qapi_size_to_json(v);
    }
    if (type_is_unsigned(type)) {
        uint64_t v;

        if (!qemu_strtou64(string, NULL, 0, &v)) {
            error_setg(errp, "Parameter '%s' expects a uint64 value", name);
            return NULL;
        }
        return qapi_uint64_to_json(v);
    }
    if (type_is_signed(type)) {
        int64_t v;

        if (!qemu_strtoi64(string, NULL, 0, &v)) {
            error_setg(errp, "Parameter '%s' expects an int64 value", name);
            return NULL;
        }
        return qapi_int_to_json(v);
    }
    return qapi_str_to_json(string);
}

char *object_property_json_to_string(JsonNode *node)
{
    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        return g_strdup("null");
    }
    if (JSON_NODE_HOLDS_VALUE(node)) {
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:
            return g_strdup(json_node_get_string(node));
        case G_TYPE_BOOLEAN:
            return g_strdup(json_node_get_boolean(node) ? "true" : "false");
        case G_TYPE_INT64:
            return g_strdup_printf("%" PRId64, json_node_get_int(node));
        case G_TYPE_DOUBLE: {
            double d = json_node_get_double(node);

            /* uint64 values beyond INT64_MAX travel as doubles. */
            if (d >= 9223372036854775808.0 && d < 18446744073709551616.0) {
                return g_strdup_printf("%" PRIu64, (uint64_t)d);
            }
            return g_strdup_printf("%.17g", d);
        }
        default:
            break;
        }
    }
    return json_to_string(node, false);
}

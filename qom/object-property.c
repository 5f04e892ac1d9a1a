/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM property table: adding, deleting and finding instance and class
 * properties, listing them, and generic get/set/parse by name.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qom/object.h"
#include "qom/qom-internal.h"

/* ---- the property table ---- */

void object_property_free(ObjectProperty *prop)
{
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    if (prop->defval) {
        json_node_unref(prop->defval);
    }
    g_free(prop);
}

static ObjectProperty *property_new(const char *name, const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop = g_new0(ObjectProperty, 1);

    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    return prop;
}

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyGet *get,
                                        ObjectPropertySet *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, GError **errp)
{
    ObjectProperty *prop;

    if (object_property_find(obj, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(obj));
        return NULL;
    }
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(obj->properties, prop->name, prop);
    g_ptr_array_add(obj->prop_order, prop);
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyGet *get,
                                    ObjectPropertySet *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    ObjectProperty *prop = object_property_try_add(obj, name, type, get, set,
                                                   release, opaque, NULL);

    /* A duplicate name here is a programming error. */
    assert(prop);
    return prop;
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    g_hash_table_remove(obj->properties, name);
    g_ptr_array_remove(obj->prop_order, prop);
    if (prop->release) {
        prop->release(obj, prop);
    }
    object_property_free(prop);
}

ObjectProperty *object_class_property_add(ObjectClass *klass,
                                          const char *name, const char *type,
                                          ObjectPropertyGet *get,
                                          ObjectPropertySet *set,
                                          ObjectPropertyRelease *release,
                                          void *opaque)
{
    ObjectProperty *prop;

    /* Class properties are defined once by code; duplicates are bugs. */
    assert(!object_class_property_find(klass, name));
    prop = property_new(name, type, get, set, release, opaque);
    g_hash_table_insert(klass->properties, prop->name, prop);
    g_ptr_array_add(klass->prop_order, prop);
    return prop;
}

ObjectProperty *object_class_property_find(ObjectClass *klass,
                                           const char *name)
{
    for (; klass; klass = object_class_get_parent(klass)) {
        ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

        if (prop) {
            return prop;
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (prop) {
        return prop;
    }
    return object_class_property_find(obj->class, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         GError **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *prop = object_property_find(obj, name);

    assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_class_property_set_description(ObjectClass *klass,
                                           const char *name,
                                           const char *description)
{
    ObjectProperty *prop = g_hash_table_lookup(klass->properties, name);

    assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_property_set_default(ObjectProperty *prop, JsonNode *val)
{
    if (prop->defval) {
        json_node_unref(prop->defval);
    }
    prop->defval = val;
}

GPtrArray *object_class_property_list(ObjectClass *klass)
{
    GPtrArray *list = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (; klass; klass = object_class_get_parent(klass)) {
        for (guint i = 0; i < klass->prop_order->len; i++) {
            ObjectProperty *prop = g_ptr_array_index(klass->prop_order, i);

            if (g_hash_table_add(seen, prop->name)) {
                g_ptr_array_add(list, prop);
            }
        }
    }
    g_hash_table_unref(seen);
    return list;
}

GPtrArray *object_property_list(Object *obj)
{
    GPtrArray *list = g_ptr_array_new();
    GPtrArray *cls = object_class_property_list(obj->class);

    for (guint i = 0; i < obj->prop_order->len; i++) {
        g_ptr_array_add(list, g_ptr_array_index(obj->prop_order, i));
    }
    for (guint i = 0; i < cls->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(cls, i);

        if (!g_hash_table_contains(obj->properties, prop->name)) {
            g_ptr_array_add(list, prop);
        }
    }
    g_ptr_array_unref(cls);
    return list;
}

JsonNode *object_property_get(Object *obj, const char *name, GError **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), name);
        return NULL;
    }
    return prop->get(obj, prop, errp);
}

bool object_property_set(Object *obj, const char *name, JsonNode *value,
                         GError **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), name);
        return false;
    }
    return prop->set(obj, prop, value, errp);
}

const char *object_property_get_type(Object *obj, const char *name,
                                     GError **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    return prop ? prop->type : NULL;
}

bool object_property_parse(Object *obj, const char *name, const char *string,
                           GError **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    JsonNode *node;
    bool ok;

    if (!prop) {
        return false;
    }
    node = object_property_string_to_json(name, prop->type, string, errp);
    if (!node) {
        return false;
    }
    ok = object_property_set(obj, name, node, errp);
    json_node_unref(node);
    return ok;
}

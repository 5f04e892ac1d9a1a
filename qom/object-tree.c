/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM composition tree: child<> and link<> properties, canonical
 * paths, and absolute/partial path resolution.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "qom/object.h"
#include "qom/qom-internal.h"

bool object_property_is_child(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "child<");
}

bool object_property_is_link(ObjectProperty *prop)
{
    return g_str_has_prefix(prop->type, "link<");
}

Object *object_get_parent(Object *obj)
{
    return obj->parent;
}

/* ---- child<> ---- */

static JsonNode *child_prop_get(Object *obj, ObjectProperty *prop,
                                GError **errp)
{
    g_autofree char *path = object_get_canonical_path(prop->opaque);

    return qapi_str_to_json(path ? path : "");
}

static Object *child_prop_resolve(Object *obj, ObjectProperty *prop,
                                  const char *part)
{
    return prop->opaque;
}

static void child_prop_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    if (child->class->unparent) {
        child->class->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

ObjectProperty *object_property_try_add_child(Object *obj, const char *name,
                                              Object *child, GError **errp)
{
    g_autofree char *type = NULL;
    ObjectProperty *prop;

    /* An object has one place in the tree. */
    assert(!child->parent);
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_try_add(obj, name, type, child_prop_get, NULL,
                                   child_prop_release, child, errp);
    if (!prop) {
        return NULL;
    }
    prop->resolve = child_prop_resolve;
    object_ref(child);
    child->parent = obj;
    return prop;
}

ObjectProperty *object_property_add_child(Object *obj, const char *name,
                                          Object *child)
{
    ObjectProperty *prop = object_property_try_add_child(obj, name, child,
                                                         NULL);

    /* A duplicate child name here is a programming error. */
    assert(prop);
    return prop;
}

void object_unparent(Object *obj)
{
    Object *parent = obj->parent;

    if (!parent) {
        return;
    }
    for (guint i = 0; i < parent->prop_order->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(parent->prop_order, i);

        if (object_property_is_child(prop) && prop->opaque == obj) {
            object_property_del(parent, prop->name);
            return;
        }
    }
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    /* fn may add or remove children: walk a snapshot holding references. */
    g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func(
        object_unref);
    int ret = 0;

    for (guint i = 0; i < obj->prop_order->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(obj->prop_order, i);

        if (object_property_is_child(prop)) {
            g_ptr_array_add(children, object_ref(prop->opaque));
        }
    }
    for (guint i = 0; i < children->len && !ret; i++) {
        ret = fn(g_ptr_array_index(children, i), opaque);
    }
    return ret;
}

typedef struct RecurseData {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
} RecurseData;

static int child_recurse(Object *child, void *opaque)
{
    RecurseData *d = opaque;
    int ret = d->fn(child, d->opaque);

    if (ret) {
        return ret;
    }
    return object_child_foreach(child, child_recurse, d);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    RecurseData d = { fn, opaque };

    return object_child_foreach(obj, child_recurse, &d);
}

/* ---- link<> ---- */

typedef struct LinkProperty {
    Object **targetp;
    ObjectLinkCheck *check;
    ObjectLinkFlags flags;
    char *target_type;
} LinkProperty;

bool object_property_allow_set_link(Object *obj, const char *name,
                                    Object *val, GError **errp)
{
    return true;
}

static JsonNode *link_prop_get(Object *obj, ObjectProperty *prop,
                               GError **errp)
{
    LinkProperty *lp = prop->opaque;
    g_autofree char *path = NULL;

    if (*lp->targetp) {
        path = object_get_canonical_path(*lp->targetp);
    }
    return qapi_str_to_json(path ? path : "");
}

static bool link_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                          GError **errp)
{
    LinkProperty *lp = prop->opaque;
    g_autofree char *path = NULL;
    Object *new_target = NULL;
    Object *old_target;

    if (!qapi_str_from_json(value, prop->name, &path, errp)) {
        return false;
    }
    if (*path) {
        bool ambiguous = false;

        new_target = object_resolve_path_type(path, lp->target_type,
                                              &ambiguous);
        if (!new_target) {
            if (ambiguous) {
                error_setg(errp, "Path '%s' is ambiguous", path);
            } else if (object_resolve_path(path, NULL)) {
                qapi_error_type(errp, prop->name, lp->target_type);
            } else {
                error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                          "Device '%s' not found", path);
            }
            return false;
        }
    }
    if (!lp->check(obj, prop->name, new_target, errp)) {
        return false;
    }
    old_target = *lp->targetp;
    *lp->targetp = new_target;
    if (lp->flags & OBJ_PROP_LINK_STRONG) {
        object_ref(new_target);
        object_unref(old_target);
    }
    return true;
}

static Object *link_prop_resolve(Object *obj, ObjectProperty *prop,
                                 const char *part)
{
    LinkProperty *lp = prop->opaque;

    return *lp->targetp;
}

static void link_prop_release(Object *obj, ObjectProperty *prop)
{
    LinkProperty *lp = prop->opaque;

    if ((lp->flags & OBJ_PROP_LINK_STRONG) && *lp->targetp) {
        object_unref(*lp->targetp);
        *lp->targetp = NULL;
    }
    g_free(lp->target_type);
    g_free(lp);
}

ObjectProperty *object_property_add_link(Object *obj, const char *name,
                                         const char *type, Object **targetp,
                                         ObjectLinkCheck *check,
                                         ObjectLinkFlags flags)
{
    LinkProperty *lp = g_new0(LinkProperty, 1);
    g_autofree char *full_type = g_strdup_printf("link<%s>", type);
    ObjectProperty *prop;

    lp->targetp = targetp;
    lp->check = check;
    lp->flags = flags;
    lp->target_type = g_strdup(type);
    prop = object_property_add(obj, name, full_type, link_prop_get,
                               check ? link_prop_set : NULL,
                               link_prop_release, lp);
    prop->resolve = link_prop_resolve;
    return prop;
}

/* ---- paths ---- */

char *object_get_canonical_path_component(Object *obj)
{
    Object *parent = obj->parent;

    if (!parent) {
        return NULL;
    }
    for (guint i = 0; i < parent->prop_order->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(parent->prop_order, i);

        if (object_property_is_child(prop) && prop->opaque == obj) {
            return g_strdup(prop->name);
        }
    }
    /* A parent without the matching child property is our bug. */
    assert(false);
    return NULL;
}

char *object_get_canonical_path(Object *obj)
{
    Object *root = object_get_root();
    GString *path = g_string_new("");

    if (obj == root) {
        g_string_free(path, true);
        return g_strdup("/");
    }
    while (obj != root) {
        g_autofree char *comp = object_get_canonical_path_component(obj);

        if (!comp) {
            g_string_free(path, true);
            return NULL;
        }
        g_string_prepend(path, comp);
        g_string_prepend_c(path, '/');
        obj = obj->parent;
    }
    return g_string_free(path, false);
}

Object *object_resolve_path_component(Object *parent, const char *part)
{
    ObjectProperty *prop = object_property_find(parent, part);

    if (!prop || !prop->resolve) {
        return NULL;
    }
    return prop->resolve(parent, prop, part);
}

static Object *resolve_abs(Object *parent, char **parts, const char *typename)
{
    for (int i = 0; parent && parts[i]; i++) {
        if (!*parts[i]) {
            continue;
        }
        parent = object_resolve_path_component(parent, parts[i]);
    }
    if (parent && typename && !object_dynamic_cast(parent, typename)) {
        return NULL;
    }
    return parent;
}

/*
 * Every object that `parts` leads to when applied to parent or to one of
 * its descendants (through child<> properties); more than one distinct
 * object is ambiguous.
 */
static Object *resolve_partial(Object *parent, char **parts,
                               const char *typename, bool *ambiguous)
{
    Object *found = resolve_abs(parent, parts, typename);

    for (guint i = 0; i < parent->prop_order->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(parent->prop_order, i);
        Object *obj;

        if (!object_property_is_child(prop)) {
            continue;
        }
        obj = resolve_partial(prop->opaque, parts, typename, ambiguous);
        if (*ambiguous) {
            return NULL;
        }
        if (obj && found && obj != found) {
            *ambiguous = true;
            return NULL;
        }
        if (obj) {
            found = obj;
        }
    }
    return found;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    bool ambig = false;
    Object *obj;

    if (path[0] == '/') {
        obj = resolve_abs(object_get_root(), parts + 1, typename);
    } else {
        obj = resolve_partial(object_get_root(), parts, typename, &ambig);
    }
    if (ambiguous) {
        *ambiguous = ambig;
    }
    return obj;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, NULL, ambiguous);
}

Object *object_resolve_path_err(const char *path, GError **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
    }
    return obj;
}

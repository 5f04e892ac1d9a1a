/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QOM core: the type table, lazy class construction with interfaces,
 * dynamic casts and the object life cycle (properties: object-property.c).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qom/object.h"
#include "qom/qom-internal.h"

#define MAX_INTERFACES 8

typedef struct TypeImpl TypeImpl;

struct TypeImpl {
    const char *name;
    const char *parent_name;
    TypeImpl *parent_type;

    size_t class_size;
    size_t instance_size;
    size_t instance_align;

    void (*class_init)(ObjectClass *klass, const void *data);
    void (*class_base_init)(ObjectClass *klass, const void *data);
    const void *class_data;

    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);

    bool abstract;
    int num_interfaces;
    const char *interfaces[MAX_INTERFACES];

    ObjectClass *class;
};

/* name -> TypeImpl; filled by constructors before main, then read-only. */
static GHashTable *type_table;

static GHashTable *type_table_get(void)
{
    if (!type_table) {
        type_table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return type_table;
}

Type type_register_static(const TypeInfo *info)
{
    TypeImpl *ti;

    assert(info->name);
    /* Registering a name twice is a programming error. */
    assert(!g_hash_table_lookup(type_table_get(), info->name));

    ti = g_new0(TypeImpl, 1);
    ti->name = info->name;
    ti->parent_name = info->parent;
    ti->class_size = info->class_size;
    ti->instance_size = info->instance_size;
    ti->instance_align = info->instance_align;
    ti->class_init = info->class_init;
    ti->class_base_init = info->class_base_init;
    ti->class_data = info->class_data;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->abstract = info->abstract;
    /* Interfaces cannot be instantiated: list them as abstract. */
    if (info->parent && !strcmp(info->parent, TYPE_INTERFACE)) {
        ti->abstract = true;
    }
    for (int i = 0; info->interfaces && info->interfaces[i].type; i++) {
        assert(i < MAX_INTERFACES);
        ti->interfaces[i] = info->interfaces[i].type;
        ti->num_interfaces = i + 1;
    }
    g_hash_table_insert(type_table_get(), (gpointer)ti->name, ti);
    return ti;
}

void type_register_static_array(const TypeInfo *infos, int nr_infos)
{
    for (int i = 0; i < nr_infos; i++) {
        type_register_static(&infos[i]);
    }
}

static TypeImpl *type_get_by_name(const char *name)
{
    if (!name) {
        return NULL;
    }
    return g_hash_table_lookup(type_table_get(), name);
}

static TypeImpl *type_get_parent(TypeImpl *ti)
{
    if (!ti->parent_type && ti->parent_name) {
        ti->parent_type = type_get_by_name(ti->parent_name);
        /* A type naming an unregistered parent is a programming error. */
        assert(ti->parent_type);
    }
    return ti->parent_type;
}

static bool type_is_ancestor(TypeImpl *type, TypeImpl *target)
{
    for (; type; type = type_get_parent(type)) {
        if (type == target) {
            return true;
        }
    }
    return false;
}

static size_t type_class_size(TypeImpl *ti)
{
    if (ti->class_size) {
        return ti->class_size;
    }
    if (type_get_parent(ti)) {
        return type_class_size(type_get_parent(ti));
    }
    return sizeof(ObjectClass);
}

static size_t type_object_size(TypeImpl *ti)
{
    if (ti->instance_size) {
        return ti->instance_size;
    }
    if (type_get_parent(ti)) {
        return type_object_size(type_get_parent(ti));
    }
    return 0;
}

static size_t type_object_align(TypeImpl *ti)
{
    for (; ti; ti = type_get_parent(ti)) {
        if (ti->instance_align) {
            return ti->instance_align;
        }
    }
    return 0;
}

static void type_initialize(TypeImpl *ti);

static InterfaceClass *interface_class_new(TypeImpl *iface_type,
                                           InterfaceClass *inherited,
                                           ObjectClass *concrete)
{
    size_t size = type_class_size(iface_type);
    InterfaceClass *ic = g_malloc0(size);

    type_initialize(iface_type);
    /* Start from what the parent implementation set up, or the defaults. */
    memcpy(ic, inherited ? (void *)inherited : (void *)iface_type->class,
           size);
    ic->parent_class.type = iface_type;
    ic->parent_class.interfaces = NULL;
    ic->parent_class.properties = g_hash_table_new(g_str_hash, g_str_equal);
    ic->parent_class.prop_order = g_ptr_array_new();
    ic->concrete_class = concrete;
    ic->interface_type = iface_type;
    return ic;
}

static bool class_has_interface(ObjectClass *oc, TypeImpl *iface_type)
{
    for (GSList *l = oc->interfaces; l; l = l->next) {
        InterfaceClass *ic = l->data;

        if (type_is_ancestor(ic->interface_type, iface_type)) {
            return true;
        }
    }
    return false;
}

static void type_initialize(TypeImpl *ti)
{
    TypeImpl *parent;
    ObjectClass *oc;
    size_t class_size;

    if (ti->class) {
        return;
    }
    parent = type_get_parent(ti);
    class_size = type_class_size(ti);
    ti->instance_size = type_object_size(ti);
    if (parent) {
        type_initialize(parent);
        assert(class_size >= type_class_size(parent));
        assert(ti->instance_size >= type_object_size(parent));
    }

    oc = g_malloc0(class_size);
    if (parent) {
        memcpy(oc, parent->class, type_class_size(parent));
    }
    oc->type = ti;
    oc->interfaces = NULL;
    oc->properties = g_hash_table_new(g_str_hash, g_str_equal);
    oc->prop_order = g_ptr_array_new();

    if (parent) {
        for (GSList *l = parent->class->interfaces; l; l = l->next) {
            InterfaceClass *pic = l->data;

            oc->interfaces = g_slist_append(oc->interfaces,
                interface_class_new(pic->interface_type, pic, oc));
        }
    }
    for (int i = 0; i < ti->num_interfaces; i++) {
        TypeImpl *it = type_get_by_name(ti->interfaces[i]);

        /* Implementing an unregistered interface is a programming error. */
        assert(it);
        if (!class_has_interface(oc, it)) {
            oc->interfaces = g_slist_append(oc->interfaces,
                interface_class_new(it, NULL, oc));
        }
    }

    /* Publish before running hooks so that they can look the class up. */
    ti->class = oc;

    for (TypeImpl *p = parent; p; p = type_get_parent(p)) {
        if (p->class_base_init) {
            p->class_base_init(oc, ti->class_data);
        }
    }
    if (ti->class_init) {
        ti->class_init(oc, ti->class_data);
    }
}

/* ---- classes ---- */

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->class;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *klass)
{
    TypeImpl *parent = type_get_parent(klass->type);

    if (!parent) {
        return NULL;
    }
    type_initialize(parent);
    return parent->class;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    TypeImpl *target;

    if (!klass) {
        return NULL;
    }
    if (!strcmp(klass->type->name, typename)) {
        return klass;
    }
    target = type_get_by_name(typename);
    if (!target) {
        return NULL;
    }
    if (type_is_ancestor(klass->type, target)) {
        return klass;
    }
    for (GSList *l = klass->interfaces; l; l = l->next) {
        InterfaceClass *ic = l->data;

        if (type_is_ancestor(ic->interface_type, target)) {
            return OBJECT_CLASS(ic);
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename,
                                              const char *file, int line,
                                              const char *func)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret && klass) {
        fprintf(stderr, "%s:%d:%s: class '%s' is not a '%s'\n", file, line,
                func, klass->type->name, typename);
        assert(ret);
    }
    return ret;
}

static gint class_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list(const char *implements, bool include_abstract)
{
    GHashTableIter iter;
    gpointer value;
    GSList *list = NULL;
    GPtrArray *all = g_ptr_array_new();

    /* Initializing classes may not change the table, but iterate a copy. */
    g_hash_table_iter_init(&iter, type_table_get());
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_ptr_array_add(all, value);
    }
    for (guint i = 0; i < all->len; i++) {
        TypeImpl *ti = g_ptr_array_index(all, i);

        type_initialize(ti);
        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (implements && !object_class_dynamic_cast(ti->class, implements)) {
            continue;
        }
        list = g_slist_prepend(list, ti->class);
    }
    g_ptr_array_unref(all);
    return g_slist_sort(list, class_name_cmp);
}

void object_class_foreach(void (*fn)(ObjectClass *klass, void *opaque),
                          const char *implements, bool include_abstract,
                          void *opaque)
{
    GSList *list = object_class_get_list(implements, include_abstract);

    for (GSList *l = list; l; l = l->next) {
        fn(l->data, opaque);
    }
    g_slist_free(list);
}

/* ---- objects ---- */

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    if (type_get_parent(ti)) {
        object_init_with_type(obj, type_get_parent(ti));
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    if (type_get_parent(ti)) {
        object_post_init_with_type(obj, type_get_parent(ti));
    }
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
}

static void object_class_property_init_all(Object *obj)
{
    GPtrArray *props = object_class_property_list(obj->class);

    for (guint i = 0; i < props->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(props, i);

        if (prop->init) {
            prop->init(obj, prop);
        }
    }
    g_ptr_array_unref(props);
}

static void object_initialize_with_type(Object *obj, size_t size,
                                        TypeImpl *ti)
{
    type_initialize(ti);
    assert(!ti->abstract);
    assert(size >= ti->instance_size);

    {
        void (*free_fn)(void *) = obj->free;

        memset(obj, 0, ti->instance_size);
        obj->free = free_fn;
    }
    obj->class = ti->class;
    obj->ref = 1;
    obj->properties = g_hash_table_new(g_str_hash, g_str_equal);
    obj->prop_order = g_ptr_array_new();
    object_class_property_init_all(obj);
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
}

void object_initialize(void *data, size_t size, const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    /* Embedding an unknown type is a programming error. */
    assert(ti);
    ((Object *)data)->free = NULL;
    object_initialize_with_type(data, size, ti);
}

void object_initialize_child(Object *parent, const char *propname,
                             void *child, size_t size, const char *typename)
{
    object_initialize(child, size, typename);
    object_property_add_child(parent, propname, OBJECT(child));
    /* The child property now holds the only reference. */
    object_unref(child);
}

static void object_free_aligned(void *p)
{
    g_aligned_free(p);
}

static Object *object_new_with_type(TypeImpl *ti)
{
    Object *obj;
    size_t align;
    void (*free_fn)(void *);

    type_initialize(ti);
    align = type_object_align(ti);
    if (align > __alignof__(max_align_t)) {
        obj = g_aligned_alloc0(1, ti->instance_size, align);
        free_fn = object_free_aligned;
    } else {
        obj = g_malloc0(ti->instance_size);
        free_fn = g_free;
    }
    /* Set before the instance_init hooks run: they may take references. */
    obj->free = free_fn;
    object_initialize_with_type(obj, ti->instance_size, ti);
    return obj;
}

Object *object_new(const char *typename)
{
    TypeImpl *ti = type_get_by_name(typename);

    /* Callers with user input use object_new_checked(). */
    assert(ti);
    return object_new_with_type(ti);
}

Object *object_new_checked(const char *typename, GError **errp)
{
    TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        error_setg(errp, "invalid object type: %s", typename);
        return NULL;
    }
    if (ti->abstract) {
        error_setg(errp, "object type '%s' is abstract", typename);
        return NULL;
    }
    return object_new_with_type(ti);
}

static void object_property_del_all(Object *obj)
{
    /* Releasing a property may delete others; always take the first. */
    while (obj->prop_order->len) {
        ObjectProperty *prop = g_ptr_array_index(obj->prop_order, 0);

        g_ptr_array_remove_index(obj->prop_order, 0);
        g_hash_table_remove(obj->properties, prop->name);
        if (prop->release) {
            prop->release(obj, prop);
        }
        object_property_free(prop);
    }
}

static void object_deinit(Object *obj, TypeImpl *ti)
{
    if (ti->instance_finalize) {
        ti->instance_finalize(obj);
    }
    if (type_get_parent(ti)) {
        object_deinit(obj, type_get_parent(ti));
    }
}

static void object_finalize(Object *obj)
{
    object_property_del_all(obj);
    object_deinit(obj, obj->class->type);
    assert(obj->parent == NULL);
    g_hash_table_unref(obj->properties);
    g_ptr_array_unref(obj->prop_order);
    obj->properties = NULL;
    obj->prop_order = NULL;
    if (obj->free) {
        obj->free(obj);
    }
}

Object *object_ref(void *o)
{
    Object *obj = o;

    if (obj) {
        qatomic_inc(&obj->ref);
    }
    return obj;
}

void object_unref(void *o)
{
    Object *obj = o;

    if (!obj) {
        return;
    }
    assert(obj->ref > 0);
    if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_SEQ_CST) == 0) {
        object_finalize(obj);
    }
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->class;
}

const char *object_get_typename(const Object *obj)
{
    return obj->class->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->class, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line,
                                   const char *func)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d:%s: object of type '%s' is not a '%s'\n",
                file, line, func, object_get_typename(obj), typename);
        assert(false);
    }
    return obj;
}

/* ---- the root types ---- */

static char *object_get_type_prop(Object *obj, GError **errp)
{
    return g_strdup(object_get_typename(obj));
}

static void object_class_init(ObjectClass *oc, const void *data)
{
    /* Every object reports its type, as "qom-get path type". */
    object_class_property_add_str(oc, "type", object_get_type_prop, NULL);
}

static const TypeInfo object_root_types[] = {
    {
        .name = TYPE_OBJECT,
        .instance_size = sizeof(Object),
        .class_size = sizeof(ObjectClass),
        .class_init = object_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_INTERFACE,
        .class_size = sizeof(InterfaceClass),
        .abstract = true,
    },
};

DEFINE_TYPES(object_root_types)

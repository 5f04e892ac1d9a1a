/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers: plain objects that only hold children. The root "/" and
 * "/objects" are containers, and so are the /machine/<name> groups.
 */
#include "qemu/osdep.h"

#include "qom/object.h"

static Object *root_object;

Object *object_new_container(void)
{
    return object_new(TYPE_CONTAINER);
}

Object *object_get_root(void)
{
    if (!root_object) {
        root_object = object_new_container();
    }
    return root_object;
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    Object *obj = root;

    for (int i = 0; parts[i]; i++) {
        Object *child;

        if (!*parts[i]) {
            continue;
        }
        child = object_resolve_path_component(obj, parts[i]);
        if (!child) {
            child = object_new_container();
            object_property_add_child(obj, parts[i], child);
            object_unref(child);
        }
        obj = child;
    }
    return obj;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "/objects");
}

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

static void container_register_types(void)
{
    type_register_static(&container_info);
}

type_init(container_register_types)

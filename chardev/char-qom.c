/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardevs in the QOM tree: every chardev appears as a child of
 * /chardevs, of type "chardev-<backend>" (qom-list /chardevs shows
 * "child<chardev-socket>" and so on), as in QEMU.  The objects are
 * stand-ins that point at the Chardev; the chardev registry stays the
 * owner of the chardevs themselves.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qom/object.h"

#define TYPE_CHARDEV "chardev"

typedef struct ChardevObject {
    Object parent_obj;
    Chardev *chr;
} ChardevObject;

/* Backend types, one QOM type each. */
static const char *const chardev_qom_backends[] = {
    "file", "null", "pipe", "pty", "ringbuf", "serial", "socket", "stdio",
    "mux",
};

static Object *chardevs_root(void)
{
    return container_get(object_get_root(), "/chardevs");
}

static JsonNode *chardev_object_get_label(Object *obj, ObjectProperty *prop,
                                          GError **errp)
{
    ChardevObject *co = (ChardevObject *)obj;
    JsonNode *n = json_node_alloc();

    return json_node_init_string(n, co->chr ? co->chr->label : "");
}

static void chardev_object_init(Object *obj)
{
    object_property_add(obj, "label", "str", chardev_object_get_label, NULL,
                        NULL, NULL);
}

void qemu_chr_qom_add(Chardev *chr)
{
    g_autofree char *type = g_strdup_printf("chardev-%s", chr->driver->name);
    Object *obj;

    if (!object_class_by_name(type)) {
        return;
    }
    obj = object_new(type);
    ((ChardevObject *)obj)->chr = chr;
    object_property_add_child(chardevs_root(), chr->label, obj);
    object_unref(obj);
    chr->qom = obj;
}

void qemu_chr_qom_del(Chardev *chr)
{
    if (chr->qom) {
        ((ChardevObject *)chr->qom)->chr = NULL;
        object_unparent(chr->qom);
        chr->qom = NULL;
    }
}

static const TypeInfo chardev_base_info = {
    .name = TYPE_CHARDEV,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(ChardevObject),
    .instance_init = chardev_object_init,
    .abstract = true,
};

static void chardev_qom_register_types(void)
{
    type_register_static(&chardev_base_info);
    for (size_t i = 0; i < G_N_ELEMENTS(chardev_qom_backends); i++) {
        TypeInfo ti = {
            /* Type names live as long as the program. */
            .name = g_strdup_printf("chardev-%s", chardev_qom_backends[i]),
            .parent = TYPE_CHARDEV,
        };

        type_register_static(&ti);
    }
}

type_init(chardev_qom_register_types)

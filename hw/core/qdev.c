/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device base type: creation with static properties and -global
 * defaults, realize/unrealize, placement in /machine, and reset.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "migration/register.h"
#include "qdev-internal.h"

/* Realized devices in realize order (reset order). BQL. */
static GList *realized_devices;
static unsigned unattached_count;

Object *qdev_get_machine(void)
{
    Object *root = object_get_root();
    Object *machine = object_resolve_path_component(root, "machine");

    if (!machine) {
        /* No machine yet (unit tests): a plain container stands in. */
        machine = container_get(root, "/machine");
    }
    return machine;
}

Object *qdev_machine_container(const char *name)
{
    return container_get(qdev_get_machine(), name);
}

DeviceState *qdev_from_object(Object *obj)
{
    if (!obj || !object_dynamic_cast(obj, TYPE_DEVICE)) {
        return NULL;
    }
    return (DeviceState *)obj;
}

DeviceState *qdev_find_by_id(const char *id)
{
    Object *machine = object_resolve_path_component(object_get_root(),
                                                    "machine");
    Object *peripheral;

    if (!machine) {
        return NULL;
    }
    peripheral = object_resolve_path_component(machine, "peripheral");
    if (!peripheral) {
        return NULL;
    }
    return qdev_from_object(object_resolve_path_component(peripheral, id));
}

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    dc->props = props;
}

DeviceState *qdev_try_new(const char *name, GError **errp)
{
    ObjectClass *oc = object_class_by_name(name);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", name);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    return DEVICE(object_new(name));
}

DeviceState *qdev_new(const char *name)
{
    GError *err = NULL;
    DeviceState *dev = qdev_try_new(name, &err);

    if (!dev) {
        /* Boards create known types; anything else is a programming bug. */
        fprintf(stderr, "qdev_new: %s\n", err->message);
        g_error_free(err);
        assert(dev);
    }
    return dev;
}

bool qdev_realize(DeviceState *dev, GError **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dev->realized) {
        return true;
    }
    if (!OBJECT(dev)->parent) {
        g_autofree char *name = g_strdup_printf("device[%u]",
                                                unattached_count++);

        object_property_add_child(qdev_machine_container("unattached"),
                                  name, OBJECT(dev));
    }
    if (dev->global_error) {
        error_propagate(errp, g_error_copy(dev->global_error));
        return false;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        return false;
    }
    if (dc->vmsd) {
        vmstate_register_device(dev, dc->vmsd, dev);
    }
    dev->realized = true;
    realized_devices = g_list_append(realized_devices, dev);
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, GError **errp)
{
    bool ok = qdev_realize(dev, errp);

    object_unref(dev);
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (!dev->realized) {
        return;
    }
    if (dc->vmsd) {
        vmstate_unregister_device(dc->vmsd, dev);
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
    realized_devices = g_list_remove(realized_devices, dev);
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->reset) {
        dc->reset(dev);
    }
}

void qdev_reset_all(void)
{
    /* A reset hook could realize or unplug something: walk a copy. */
    GList *copy = g_list_copy(realized_devices);

    for (GList *l = copy; l; l = l->next) {
        object_ref(l->data);
    }
    for (GList *l = copy; l; l = l->next) {
        DeviceState *dev = l->data;

        if (dev->realized) {
            device_cold_reset(dev);
        }
        object_unref(dev);
    }
    g_list_free(copy);
}

/* ---- the device type ---- */

static JsonNode *device_get_realized(Object *obj, ObjectProperty *prop,
                                     GError **errp)
{
    return qapi_bool_to_json(DEVICE(obj)->realized);
}

static bool device_set_realized(Object *obj, ObjectProperty *prop,
                                JsonNode *value, GError **errp)
{
    DeviceState *dev = DEVICE(obj);
    bool realize;

    if (!qapi_bool_from_json(value, prop->name, &realize, errp)) {
        return false;
    }
    if (realize) {
        return qdev_realize(dev, errp);
    }
    qdev_unrealize(dev);
    return true;
}

/* Static properties of every class in the chain, most derived first. */
static void device_add_static_props(DeviceState *dev)
{
    ObjectClass *oc = object_get_class(OBJECT(dev));

    for (; oc && object_class_dynamic_cast(oc, TYPE_DEVICE);
         oc = object_class_get_parent(oc)) {
        DeviceClass *dc = DEVICE_CLASS(oc);
        ObjectClass *poc = object_class_get_parent(oc);
        const Property *inherited = NULL;

        if (poc && object_class_dynamic_cast(poc, TYPE_DEVICE)) {
            inherited = DEVICE_CLASS(poc)->props;
        }
        /* A class that did not set props shares its parent's array. */
        if (!dc->props || dc->props == inherited) {
            continue;
        }
        for (const Property *p = dc->props; p->name; p++) {
            if (!object_property_find(OBJECT(dev), p->name)) {
                qdev_property_add_static(dev, p);
            }
        }
    }
}

static void device_initfn(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    object_property_add(obj, "realized", "bool", device_get_realized,
                        device_set_realized, NULL, NULL);
    device_add_static_props(dev);
}

static void device_post_init(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    GError *err = NULL;

    /* A bad -global surfaces when the device is realized. */
    if (!object_apply_global_props(obj, &err)) {
        dev->global_error = err;
    }
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    qdev_gpio_free_all(dev);
    if (dev->global_error) {
        g_error_free(dev->global_error);
    }
    g_free(dev->id);
}

static void device_unparent(Object *obj)
{
    qdev_unrealize(DEVICE(obj));
}

static void device_class_init(ObjectClass *oc, const void *data)
{
    oc->unparent = device_unparent;
}

static const TypeInfo device_type_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_init = device_initfn,
    .instance_post_init = device_post_init,
    .instance_finalize = device_finalize,
    .class_init = device_class_init,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
};

static void qdev_register_types(void)
{
    type_register_static(&device_type_info);
}

type_init(qdev_register_types)

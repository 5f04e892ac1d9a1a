/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP device_add, device_del (with DEVICE_DELETED) and
 * device-list-properties, over the same creation path as -device.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qapi/json-visit.h"
#include "hw/qdev-core.h"
#include "qdev-internal.h"

/* Properties every device has that users do not set. */
static bool device_prop_is_internal(const char *name)
{
    static const char *const internal[] = {
        "type", "realized", "hotpluggable", "hotplugged", "parent_bus",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(internal); i++) {
        if (!strcmp(name, internal[i])) {
            return true;
        }
    }
    return false;
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   GError **errp)
{
    ObjectClass *oc = object_class_by_name(typename);
    ObjectPropertyInfoList *list, **link;

    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects non-abstract device "
                   "type");
        return NULL;
    }
    list = qmp_qom_list_properties(typename, errp);
    for (link = &list; *link;) {
        ObjectPropertyInfoList *e = *link;

        if (device_prop_is_internal(e->value->name)) {
            *link = e->next;
            e->next = NULL;
            qapi_free_ObjectPropertyInfoList(e);
        } else {
            link = &e->next;
        }
    }
    return list;
}

/*
 * device_add takes the device's own properties next to driver/bus/id, so
 * the generated marshaller (which rejects unknown members) is not used.
 */
bool qmp_marshal_device_add(JsonObject *args, JsonNode **ret, GError **errp)
{
    g_autoptr(JsonObject) empty = args ? NULL : json_object_new();

    if (!qdev_device_add_from_props(args ? args : empty, errp)) {
        return false;
    }
    *ret = qapi_node_take_object(json_object_new());
    return true;
}

/* A device by id (in /machine/peripheral) or by QOM path. */
static DeviceState *device_find(const char *id)
{
    Object *obj = object_resolve_path_component(
        qdev_machine_container("peripheral"), id);

    if (!obj) {
        bool ambiguous = false;

        obj = object_resolve_path(id, &ambiguous);
        if (ambiguous) {
            obj = NULL;
        }
    }
    return obj && object_dynamic_cast(obj, TYPE_DEVICE) ? DEVICE(obj) : NULL;
}

void qmp_device_del(const char *id, GError **errp)
{
    DeviceState *dev = device_find(id);
    Object *parent;
    g_autofree char *path = NULL;
    g_autofree char *dev_id = NULL;

    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return;
    }
    parent = object_get_parent(OBJECT(dev));
    if (parent != qdev_machine_container("peripheral") &&
        parent != qdev_machine_container("peripheral-anon")) {
        /* The board's own devices are wired to the CPU and each other. */
        error_setg(errp, "Device '%s' is not removable", id);
        return;
    }
    path = object_get_canonical_path(OBJECT(dev));
    dev_id = g_strdup(dev->id);
    /* Unparenting unrealizes (VMState and mappings go) and frees it. */
    object_unparent(OBJECT(dev));
    qapi_event_send_device_deleted(dev_id, path);
}

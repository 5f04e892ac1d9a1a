/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -device: creating user-requested devices from driver/id/property
 * strings, and "-device help" / "-device DRIVER,help".
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "hw/qdev-core.h"
#include "qom/object_interfaces.h"
#include "qdev-internal.h"

static unsigned anon_count;

/* The class of a device type users may create, or NULL with errp set. */
static DeviceClass *device_user_class(const char *driver, GError **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    DeviceClass *dc;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device "
                   "type");
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device "
                   "type");
        return NULL;
    }
    return dc;
}

static const char *string_member(JsonObject *props, const char *name)
{
    JsonNode *node = json_object_get_member(props, name);

    if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(node);
}

/*
 * A property value from -device JSON or device_add as the text the
 * property parsers take: strings as they are, numbers in decimal, booleans
 * as on/off. NULL for objects, arrays and null.
 */
static char *scalar_member_text(JsonObject *props, const char *name)
{
    JsonNode *node = json_object_get_member(props, name);

    if (!node || !JSON_NODE_HOLDS_VALUE(node)) {
        return NULL;
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING:
        return g_strdup(json_node_get_string(node));
    case G_TYPE_INT64:
        return g_strdup_printf("%" PRId64, json_node_get_int(node));
    case G_TYPE_BOOLEAN:
        return g_strdup(json_node_get_boolean(node) ? "on" : "off");
    case G_TYPE_DOUBLE:
        return g_strdup_printf("%.17g", json_node_get_double(node));
    default:
        return NULL;
    }
}

DeviceState *qdev_device_add_from_props(JsonObject *props, GError **errp)
{
    const char *driver = string_member(props, "driver");
    const char *id = string_member(props, "id");
    const char *bus = string_member(props, "bus");
    g_autoptr(GList) members = NULL;
    DeviceState *dev;

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    if (!device_user_class(driver, errp)) {
        return NULL;
    }
    if (bus) {
        /* The CR16 board has no buses to plug into. */
        error_setg(errp, "Bus '%s' not found", bus);
        return NULL;
    }
    if (id && !id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }

    dev = qdev_new(driver);
    if (id) {
        if (!object_property_try_add_child(
                qdev_machine_container("peripheral"), id, OBJECT(dev),
                NULL)) {
            error_setg(errp, "Duplicate device ID '%s'", id);
            object_unref(dev);
            return NULL;
        }
        dev->id = g_strdup(id);
    } else {
        g_autofree char *name = g_strdup_printf("device[%u]", anon_count++);

        object_property_add_child(qdev_machine_container("peripheral-anon"),
                                  name, OBJECT(dev));
    }

    members = json_object_get_members(props);
    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        const char *value;

        if (!strcmp(key, "driver") || !strcmp(key, "id") ||
            !strcmp(key, "bus")) {
            continue;
        }
        g_autofree char *text = scalar_member_text(props, key);

        value = text;
        if (!value) {
            error_setg(errp, "Invalid parameter '%s'", key);
            goto fail;
        }
        if (!object_property_parse(OBJECT(dev), key, value, errp)) {
            goto fail;
        }
    }
    if (!qdev_realize(dev, errp)) {
        goto fail;
    }
    /* The peripheral container keeps the device alive. */
    object_unref(dev);
    return dev;

fail:
    object_unparent(OBJECT(dev));
    object_unref(dev);
    return NULL;
}

typedef struct OptsCollect {
    JsonObject *props;
} OptsCollect;

static int collect_opt(void *opaque, const char *name, const char *value,
                       GError **errp)
{
    OptsCollect *c = opaque;

    json_object_remove_member(c->props, name);
    json_object_set_string_member(c->props, name, value);
    return 0;
}

bool qdev_device_add_opts(QemuOpts *opts, GError **errp)
{
    OptsCollect c = { json_object_new() };
    const char *id = qemu_opts_id(opts);
    DeviceState *dev;

    qemu_opt_foreach(opts, collect_opt, &c, NULL);
    if (id) {
        json_object_set_string_member(c.props, "id", id);
    }
    dev = qdev_device_add_from_props(c.props, errp);
    json_object_unref(c.props);
    return dev != NULL;
}

bool qdev_device_help(const char *driver, bool want_props)
{
    if (driver && is_help_option(driver)) {
        GSList *list = object_class_get_list(TYPE_DEVICE, false);

        for (GSList *l = list; l; l = l->next) {
            DeviceClass *dc = DEVICE_CLASS(l->data);

            if (!dc->user_creatable) {
                continue;
            }
            printf("name \"%s\"", object_class_get_name(l->data));
            if (dc->desc) {
                printf(", desc \"%s\"", dc->desc);
            }
            printf("\n");
        }
        g_slist_free(list);
        return true;
    }
    if (driver && want_props) {
        ObjectClass *oc = object_class_by_name(driver);

        if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
            object_class_is_abstract(oc)) {
            return false;
        }
        user_creatable_print_type_props(driver);
        return true;
    }
    return false;
}

bool qdev_device_help_opts(QemuOpts *opts)
{
    return qdev_device_help(qemu_opt_get(opts, "driver"),
                            qemu_opt_has_help_opt(opts));
}

bool qdev_device_add_json(const char *json, GError **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root;

    if (!json_parser_load_from_data(parser, json, -1, NULL) ||
        !(root = json_parser_get_root(parser)) ||
        !JSON_NODE_HOLDS_OBJECT(root)) {
        error_setg(errp, "Invalid JSON syntax");
        return false;
    }
    return qdev_device_add_from_props(json_node_get_object(root), errp) != NULL;
}

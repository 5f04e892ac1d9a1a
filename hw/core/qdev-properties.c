/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties: the kinds (bool, integers, size, string,
 * chardev), their QOM accessors, defaults, and the qdev_prop_set_* calls.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "hw/qdev-properties.h"

static QdevChardevFind *chardev_find;
static QdevChardevLabel *chardev_label;

void qdev_prop_set_chardev_resolver(QdevChardevFind *find,
                                    QdevChardevLabel *label)
{
    chardev_find = find;
    chardev_label = label;
}

static void *prop_field(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static bool check_not_realized(Object *obj, const Property *prop,
                               GError **errp)
{
    DeviceState *dev = DEVICE(obj);

    if (!dev->realized) {
        return true;
    }
    if (dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", prop->name, dev->id,
                   object_get_typename(obj));
    } else {
        error_setg(errp, "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized", prop->name,
                   object_get_typename(obj));
    }
    return false;
}

/* ---- bool ---- */

static JsonNode *bool_get(Object *obj, const Property *prop, GError **errp)
{
    return qapi_bool_to_json(*(bool *)prop_field(obj, prop));
}

static bool bool_set(Object *obj, const Property *prop, JsonNode *value,
                     GError **errp)
{
    return qapi_bool_from_json(value, prop->name, prop_field(obj, prop),
                               errp);
}

static void bool_set_default(Object *obj, const Property *prop)
{
    *(bool *)prop_field(obj, prop) = prop->defval.u != 0;
}

const PropertyInfo qdev_prop_bool = {
    .type = "bool",
    .description = "on/off",
    .get = bool_get,
    .set = bool_set,
    .set_default = bool_set_default,
};

/* ---- integers ---- */

static JsonNode *uint_get(Object *obj, const Property *prop, GError **errp)
{
    void *field = prop_field(obj, prop);
    uint64_t v;

    if (prop->info == &qdev_prop_uint8) {
        v = *(uint8_t *)field;
    } else if (prop->info == &qdev_prop_uint16) {
        v = *(uint16_t *)field;
    } else if (prop->info == &qdev_prop_uint32) {
        v = *(uint32_t *)field;
    } else {
        v = *(uint64_t *)field;
    }
    return prop->info == &qdev_prop_size ? qapi_size_to_json(v)
                                         : qapi_uint64_to_json(v);
}

static bool uint_set(Object *obj, const Property *prop, JsonNode *value,
                     GError **errp)
{
    void *field = prop_field(obj, prop);

    if (prop->info == &qdev_prop_uint8) {
        return qapi_uint8_from_json(value, prop->name, field, errp);
    } else if (prop->info == &qdev_prop_uint16) {
        return qapi_uint16_from_json(value, prop->name, field, errp);
    } else if (prop->info == &qdev_prop_uint32) {
        return qapi_uint32_from_json(value, prop->name, field, errp);
    } else if (prop->info == &qdev_prop_size) {
        return qapi_size_from_json(value, prop->name, field, errp);
    }
    return qapi_uint64_from_json(value, prop->name, field, errp);
}

static void uint_set_default(Object *obj, const Property *prop)
{
    void *field = prop_field(obj, prop);

    if (prop->info == &qdev_prop_uint8) {
        *(uint8_t *)field = prop->defval.u;
    } else if (prop->info == &qdev_prop_uint16) {
        *(uint16_t *)field = prop->defval.u;
    } else if (prop->info == &qdev_prop_uint32) {
        *(uint32_t *)field = prop->defval.u;
    } else {
        *(uint64_t *)field = prop->defval.u;
    }
}

const PropertyInfo qdev_prop_uint8 = {
    .type = "uint8", .umax = UINT8_MAX,
    .get = uint_get, .set = uint_set, .set_default = uint_set_default,
};
const PropertyInfo qdev_prop_uint16 = {
    .type = "uint16", .umax = UINT16_MAX,
    .get = uint_get, .set = uint_set, .set_default = uint_set_default,
};
const PropertyInfo qdev_prop_uint32 = {
    .type = "uint32", .umax = UINT32_MAX,
    .get = uint_get, .set = uint_set, .set_default = uint_set_default,
};
const PropertyInfo qdev_prop_uint64 = {
    .type = "uint64", .umax = UINT64_MAX,
    .get = uint_get, .set = uint_set, .set_default = uint_set_default,
};
const PropertyInfo qdev_prop_size = {
    .type = "size", .umax = UINT64_MAX,
    .get = uint_get, .set = uint_set, .set_default = uint_set_default,
};

static JsonNode *int_get(Object *obj, const Property *prop, GError **errp)
{
    void *field = prop_field(obj, prop);

    if (prop->info == &qdev_prop_int32) {
        return qapi_int_to_json(*(int32_t *)field);
    }
    return qapi_int_to_json(*(int64_t *)field);
}

static bool int_set(Object *obj, const Property *prop, JsonNode *value,
                    GError **errp)
{
    void *field = prop_field(obj, prop);

    if (prop->info == &qdev_prop_int32) {
        return qapi_int32_from_json(value, prop->name, field, errp);
    }
    return qapi_int64_from_json(value, prop->name, field, errp);
}

static void int_set_default(Object *obj, const Property *prop)
{
    void *field = prop_field(obj, prop);

    if (prop->info == &qdev_prop_int32) {
        *(int32_t *)field = prop->defval.i;
    } else {
        *(int64_t *)field = prop->defval.i;
    }
}

const PropertyInfo qdev_prop_int32 = {
    .type = "int32", .smin = INT32_MIN, .smax = INT32_MAX,
    .get = int_get, .set = int_set, .set_default = int_set_default,
};
const PropertyInfo qdev_prop_int64 = {
    .type = "int64", .smin = INT64_MIN, .smax = INT64_MAX,
    .get = int_get, .set = int_set, .set_default = int_set_default,
};

/* ---- string ---- */

static JsonNode *string_get(Object *obj, const Property *prop, GError **errp)
{
    char *s = *(char **)prop_field(obj, prop);

    return qapi_str_to_json(s ? s : "");
}

static bool string_set(Object *obj, const Property *prop, JsonNode *value,
                       GError **errp)
{
    char **field = prop_field(obj, prop);
    char *s;

    if (!qapi_str_from_json(value, prop->name, &s, errp)) {
        return false;
    }
    g_free(*field);
    *field = s;
    return true;
}

static void string_set_default(Object *obj, const Property *prop)
{
    char **field = prop_field(obj, prop);

    g_free(*field);
    *field = g_strdup(prop->defval_str);
}

static void string_release(Object *obj, const Property *prop)
{
    char **field = prop_field(obj, prop);

    g_free(*field);
    *field = NULL;
}

const PropertyInfo qdev_prop_string = {
    .type = "str",
    .get = string_get,
    .set = string_set,
    .set_default = string_set_default,
    .release = string_release,
};

/* ---- chardev ---- */

static JsonNode *chr_get(Object *obj, const Property *prop, GError **errp)
{
    Chardev *chr = *(Chardev **)prop_field(obj, prop);
    const char *label = NULL;

    if (chr && chardev_label) {
        label = chardev_label(chr);
    }
    return qapi_str_to_json(label ? label : "");
}

static bool chr_set(Object *obj, const Property *prop, JsonNode *value,
                    GError **errp)
{
    Chardev **field = prop_field(obj, prop);
    g_autofree char *id = NULL;
    Chardev *chr = NULL;

    if (!qapi_str_from_json(value, prop->name, &id, errp)) {
        return false;
    }
    if (*id) {
        chr = chardev_find ? chardev_find(id) : NULL;
        if (!chr) {
            error_setg(errp, "Property '%s.%s' can't find value '%s'",
                       object_get_typename(obj), prop->name, id);
            return false;
        }
    }
    *field = chr;
    return true;
}

static void chr_set_default(Object *obj, const Property *prop)
{
    Chardev **field = prop_field(obj, prop);

    /* A default chardev that does not exist simply leaves it unset. */
    *field = NULL;
    if (prop->defval_str && chardev_find) {
        *field = chardev_find(prop->defval_str);
    }
}

const PropertyInfo qdev_prop_chr = {
    .type = "str",
    .description = "ID of a chardev to use as a backend",
    .get = chr_get,
    .set = chr_set,
    .set_default = chr_set_default,
};

/* ---- glue to QOM ---- */

static JsonNode *static_prop_get(Object *obj, ObjectProperty *op,
                                 GError **errp)
{
    const Property *prop = op->opaque;

    return prop->info->get(obj, prop, errp);
}

static bool static_prop_set(Object *obj, ObjectProperty *op, JsonNode *value,
                            GError **errp)
{
    const Property *prop = op->opaque;

    if (!check_not_realized(obj, prop, errp)) {
        return false;
    }
    return prop->info->set(obj, prop, value, errp);
}

static void static_prop_release(Object *obj, ObjectProperty *op)
{
    const Property *prop = op->opaque;

    if (prop->info->release) {
        prop->info->release(obj, prop);
    }
}

static JsonNode *static_prop_default_json(const Property *prop)
{
    if (prop->info == &qdev_prop_bool) {
        return qapi_bool_to_json(prop->defval.u != 0);
    }
    if (prop->info->umax) {
        return prop->set_default ? qapi_uint64_to_json(prop->defval.u) : NULL;
    }
    if (prop->info == &qdev_prop_int32 || prop->info == &qdev_prop_int64) {
        return prop->set_default ? qapi_int_to_json(prop->defval.i) : NULL;
    }
    return prop->defval_str ? qapi_str_to_json(prop->defval_str) : NULL;
}

void qdev_property_add_static(DeviceState *dev, const Property *prop)
{
    Object *obj = OBJECT(dev);
    ObjectProperty *op;

    op = object_property_add(obj, prop->name, prop->info->type,
                             static_prop_get, static_prop_set,
                             static_prop_release, (void *)prop);
    if (prop->info->description) {
        op->description = g_strdup(prop->info->description);
    }
    object_property_set_default(op, static_prop_default_json(prop));
    if (prop->info->set_default) {
        prop->info->set_default(obj, prop);
    }
}

/* ---- qdev_prop_set_* ---- */

static void prop_set_or_die(DeviceState *dev, const char *name,
                            JsonNode *node)
{
    GError *err = NULL;

    if (!object_property_set(OBJECT(dev), name, node, &err)) {
        /* Boards set properties they know; failure is a programming bug. */
        fprintf(stderr, "qdev_prop_set %s.%s: %s\n",
                object_get_typename(OBJECT(dev)), name, err->message);
        g_error_free(err);
        assert(false);
    }
    json_node_unref(node);
}

void qdev_prop_set_bool(DeviceState *dev, const char *name, bool value)
{
    prop_set_or_die(dev, name, qapi_bool_to_json(value));
}

void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value)
{
    prop_set_or_die(dev, name, qapi_uint64_to_json(value));
}

void qdev_prop_set_uint16(DeviceState *dev, const char *name, uint16_t value)
{
    prop_set_or_die(dev, name, qapi_uint64_to_json(value));
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t value)
{
    prop_set_or_die(dev, name, qapi_uint64_to_json(value));
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t value)
{
    prop_set_or_die(dev, name, qapi_uint64_to_json(value));
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value)
{
    prop_set_or_die(dev, name, qapi_int_to_json(value));
}

void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value)
{
    ObjectProperty *op;

    if (value) {
        prop_set_or_die(dev, name, qapi_str_to_json(value));
        return;
    }
    op = object_property_find(OBJECT(dev), name);
    /* Only STRING static properties of an unrealized device qualify. */
    assert(op && op->set == static_prop_set && !dev->realized);
    assert(((const Property *)op->opaque)->info == &qdev_prop_string);
    string_release(OBJECT(dev), op->opaque);
}

void qdev_prop_set_chr(DeviceState *dev, const char *name, Chardev *value)
{
    ObjectProperty *op = object_property_find(OBJECT(dev), name);
    const Property *prop;

    /* Only CHR static properties of an unrealized device qualify. */
    assert(op && op->set == static_prop_set);
    prop = op->opaque;
    assert(prop->info == &qdev_prop_chr && !dev->realized);
    *(Chardev **)prop_field(OBJECT(dev), prop) = value;
}

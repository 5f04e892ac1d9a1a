/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM QMP commands: qom-list, qom-get, qom-set, qom-list-types,
 * qom-list-properties, object-add, object-del.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "qom/qom-internal.h"

static ObjectPropertyInfoList *property_info_list(GPtrArray *props,
                                                  bool with_details)
{
    ObjectPropertyInfoList *head = NULL, **tail = &head;

    for (guint i = 0; i < props->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(props, i);
        ObjectPropertyInfoList *elem = g_new0(ObjectPropertyInfoList, 1);

        elem->value = g_new0(ObjectPropertyInfo, 1);
        elem->value->name = g_strdup(prop->name);
        elem->value->type = g_strdup(prop->type);
        if (with_details) {
            elem->value->description = g_strdup(prop->description);
            if (prop->defval) {
                elem->value->default_value = json_node_copy(prop->defval);
            }
        }
        *tail = elem;
        tail = &elem->next;
    }
    return head;
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, GError **errp)
{
    Object *obj = object_resolve_path_err(path, errp);
    g_autoptr(GPtrArray) props = NULL;

    if (!obj) {
        return NULL;
    }
    props = object_property_list(obj);
    return property_info_list(props, false);
}

JsonNode *qmp_qom_get(const char *path, const char *property, GError **errp)
{
    Object *obj = object_resolve_path_err(path, errp);

    if (!obj) {
        return NULL;
    }
    return object_property_get(obj, property, errp);
}

void qmp_qom_set(const char *path, const char *property, JsonNode *value,
                 GError **errp)
{
    Object *obj = object_resolve_path_err(path, errp);

    if (!obj) {
        return;
    }
    object_property_set(obj, property, value, errp);
}

ObjectTypeInfoList *qmp_qom_list_types(const char *implements,
                                       bool has_abstract, bool abstract,
                                       GError **errp)
{
    GSList *list = object_class_get_list(implements,
                                         has_abstract && abstract);
    ObjectTypeInfoList *head = NULL, **tail = &head;

    for (GSList *l = list; l; l = l->next) {
        ObjectClass *oc = l->data;
        ObjectClass *parent = object_class_get_parent(oc);
        ObjectTypeInfoList *elem = g_new0(ObjectTypeInfoList, 1);

        elem->value = g_new0(ObjectTypeInfo, 1);
        elem->value->name = g_strdup(object_class_get_name(oc));
        if (object_class_is_abstract(oc)) {
            elem->value->has_abstract = true;
            elem->value->abstract = true;
        }
        if (parent) {
            elem->value->parent = g_strdup(object_class_get_name(parent));
        }
        *tail = elem;
        tail = &elem->next;
    }
    g_slist_free(list);
    return head;
}

ObjectPropertyInfoList *qmp_qom_list_properties(const char *typename,
                                                GError **errp)
{
    ObjectClass *oc = object_class_by_name(typename);
    g_autoptr(GPtrArray) props = NULL;
    ObjectPropertyInfoList *ret;
    Object *obj;

    if (!oc) {
        error_setg(errp, "Class '%s' not found", typename);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        props = object_class_property_list(oc);
        return property_info_list(props, true);
    }
    /* Instance properties only exist on an instance: make a scratch one. */
    obj = object_new(typename);
    props = object_property_list(obj);
    ret = property_info_list(props, true);
    object_unref(obj);
    return ret;
}

void qmp_object_add(ObjectOptions *options, GError **errp)
{
    user_creatable_add_qapi(options, errp);
}

void qmp_object_del(const char *id, GError **errp)
{
    user_creatable_del(id, errp);
}

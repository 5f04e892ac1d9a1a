/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user-creatable interface and the creation/deletion of objects
 * under /objects from -object (QemuOpts and JSON forms) and QMP.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qobject/json-parser.h"
#include "qom/object_interfaces.h"
#include "qom/qom-internal.h"

bool user_creatable_complete(UserCreatable *uc, GError **errp)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    if (ucc->complete) {
        return ucc->complete(uc, errp);
    }
    return true;
}

bool user_creatable_can_be_deleted(UserCreatable *uc)
{
    UserCreatableClass *ucc = USER_CREATABLE_GET_CLASS(uc);

    if (ucc->can_be_deleted) {
        return ucc->can_be_deleted(uc);
    }
    return true;
}

/* The class of a creatable type, or NULL (unknown, abstract, not ours). */
static ObjectClass *creatable_class(const char *type)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || object_class_is_abstract(oc) ||
        !object_class_dynamic_cast(oc, TYPE_USER_CREATABLE)) {
        return NULL;
    }
    return oc;
}

static bool set_props(Object *obj, JsonObject *props, bool from_strings,
                      GError **errp)
{
    g_autoptr(GList) members = NULL;

    if (!props) {
        return true;
    }
    members = json_object_get_members(props);
    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *value = json_object_get_member(props, key);

        if (!object_property_find(obj, key)) {
            if (from_strings) {
                error_setg(errp, "Invalid parameter '%s'", key);
            } else {
                error_setg(errp, "Parameter '%s' is unexpected", key);
            }
            return false;
        }
        if (from_strings) {
            if (!JSON_NODE_HOLDS_VALUE(value) ||
                json_node_get_value_type(value) != G_TYPE_STRING) {
                error_setg(errp, "Invalid parameter '%s'", key);
                return false;
            }
            if (!object_property_parse(obj, key, json_node_get_string(value),
                                       errp)) {
                return false;
            }
        } else if (!object_property_set(obj, key, value, errp)) {
            return false;
        }
    }
    return true;
}

Object *user_creatable_add_type(const char *type, const char *id,
                                JsonObject *props, bool from_strings,
                                GError **errp)
{
    Object *obj;

    if (!creatable_class(type)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }

    obj = object_new(type);
    if (!set_props(obj, props, from_strings, errp)) {
        goto fail_unref;
    }
    if (!object_property_try_add_child(object_get_objects_root(), id, obj,
                                       errp)) {
        goto fail_unref;
    }
    if (!user_creatable_complete(USER_CREATABLE(obj), errp)) {
        goto fail_unparent;
    }
    /* /objects holds the reference from now on. */
    object_unref(obj);
    return obj;

fail_unparent:
    object_unparent(obj);
fail_unref:
    object_unref(obj);
    return NULL;
}

/* The id check of the command-line forms, with the hint line. */
static bool check_cmdline_id(const char *id, GError **errp)
{
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier\n%s",
                   ID_WELLFORMED_HINT);
        return false;
    }
    return true;
}

typedef struct OptsCollect {
    JsonObject *props;
} OptsCollect;

static int collect_opt(void *opaque, const char *name, const char *value,
                       GError **errp)
{
    OptsCollect *c = opaque;

    if (strcmp(name, "qom-type") && strcmp(name, "id")) {
        /* A repeated key: the last value counts, at its last position. */
        json_object_remove_member(c->props, name);
        json_object_set_string_member(c->props, name, value);
    }
    return 0;
}

bool user_creatable_add_opts(QemuOpts *opts, GError **errp)
{
    const char *type = qemu_opt_get(opts, "qom-type");
    const char *id = qemu_opts_id(opts);
    OptsCollect c;
    Object *obj;

    if (!type) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return false;
    }
    if (!creatable_class(type)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return false;
    }
    if (!id) {
        id = qemu_opt_get(opts, "id");
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    if (!check_cmdline_id(id, errp)) {
        return false;
    }
    c.props = json_object_new();
    qemu_opt_foreach(opts, collect_opt, &c, NULL);
    obj = user_creatable_add_type(type, id, c.props, true, errp);
    json_object_unref(c.props);
    return obj != NULL;
}

bool user_creatable_add_qapi(ObjectOptions *options, GError **errp)
{
    JsonNode *node = qapi_ObjectOptions_to_json(options);
    JsonObject *all = json_node_get_object(node);
    JsonObject *props = json_object_new();
    g_autoptr(GList) members = json_object_get_members(all);
    Object *obj;

    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;

        if (strcmp(key, "qom-type") && strcmp(key, "id")) {
            json_object_set_member(props, key,
                json_node_copy(json_object_get_member(all, key)));
        }
    }
    obj = user_creatable_add_type(ObjectType_str(options->qom_type),
                                  options->id, props, false, errp);
    json_object_unref(props);
    json_node_unref(node);
    return obj != NULL;
}

bool user_creatable_add_from_json_object(JsonObject *args, GError **errp)
{
    JsonNode *node = json_node_alloc();
    ObjectOptions *options;
    bool ok;

    json_node_init_object(node, args);
    options = qapi_ObjectOptions_from_json(node, NULL, errp);
    json_node_unref(node);
    if (!options) {
        return false;
    }
    ok = user_creatable_add_qapi(options, errp);
    qapi_free_ObjectOptions(options);
    return ok;
}

bool user_creatable_add_json(const char *json_text, GError **errp)
{
    g_autoptr(JsonNode) root = json_parse_string(json_text, errp);
    ObjectOptions *options;
    bool ok;

    if (!root) {
        return false;
    }
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        error_setg(errp, "Invalid parameter type, expected: object");
        return false;
    }
    options = qapi_ObjectOptions_from_json(root, NULL, errp);
    if (!options) {
        return false;
    }
    ok = check_cmdline_id(options->id, errp) &&
         user_creatable_add_qapi(options, errp);
    qapi_free_ObjectOptions(options);
    return ok;
}

static int cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void user_creatable_print_type_props(const char *type)
{
    Object *obj = object_new(type);
    g_autoptr(GPtrArray) props = object_property_list(obj);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < props->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(props, i);
        GString *line;

        if (!prop->set) {
            continue;
        }
        line = g_string_new("");
        g_string_append_printf(line, "  %s=<%s>", prop->name, prop->type);
        if (prop->description) {
            while (line->len < 24) {
                g_string_append_c(line, ' ');
            }
            g_string_append_printf(line, " - %s", prop->description);
        }
        if (prop->defval) {
            g_autofree char *def = object_property_json_to_string(
                prop->defval);

            g_string_append_printf(line, " (default: %s)", def);
        }
        g_ptr_array_add(lines, g_string_free(line, false));
    }
    g_ptr_array_sort(lines, cmp_str_ptr);
    printf("%s options:\n", type);
    for (guint i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
    object_unref(obj);
}


bool user_creatable_print_help(const char *type, QemuOpts *opts)
{
    if (type && is_help_option(type)) {
        GSList *list = object_class_get_list(TYPE_USER_CREATABLE, false);
        g_autoptr(GPtrArray) names = g_ptr_array_new();

        for (GSList *l = list; l; l = l->next) {
            g_ptr_array_add(names, (gpointer)object_class_get_name(l->data));
        }
        g_slist_free(list);
        g_ptr_array_sort(names, cmp_str_ptr);
        printf("List of user creatable objects:\n");
        for (guint i = 0; i < names->len; i++) {
            printf("  %s\n", (char *)g_ptr_array_index(names, i));
        }
        return true;
    }
    if (type && opts && qemu_opt_has_help_opt(opts) &&
        creatable_class(type)) {
        user_creatable_print_type_props(type);
        return true;
    }
    return false;
}

bool user_creatable_del(const char *id, GError **errp)
{
    Object *root = object_get_objects_root();
    Object *obj = object_resolve_path_component(root, id);

    if (!obj || object_get_parent(obj) != root) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (!user_creatable_can_be_deleted(USER_CREATABLE(obj))) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}

static int collect_child(Object *child, void *opaque)
{
    g_ptr_array_add(opaque, object_ref(child));
    return 0;
}

void user_creatable_cleanup(void)
{
    g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func(
        object_unref);

    object_child_foreach(object_get_objects_root(), collect_child, children);
    /* Later objects may depend on earlier ones: delete in reverse. */
    for (guint i = children->len; i > 0; i--) {
        object_unparent(g_ptr_array_index(children, i - 1));
    }
}

static const TypeInfo user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(UserCreatableClass),
};

static void user_creatable_register_types(void)
{
    type_register_static(&user_creatable_info);
}

type_init(user_creatable_register_types)

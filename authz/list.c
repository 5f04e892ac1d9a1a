/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "authz-list" object: first matching rule wins, else the default. */
#include "qemu/osdep.h"
#include <fnmatch.h>
#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"

struct QAuthZList {
    QAuthZ parent_obj;
    QAuthZListPolicy policy;
    QAuthZListRuleList *rules;
};

/* Wire names of QAuthZListPolicy, in enum order, for the enum property. */
static const char *const policy_names[] = { "deny", "allow", NULL };

static QAuthZList *list_cast(Object *obj)
{
    return (QAuthZList *)object_dynamic_cast_assert(obj, TYPE_QAUTHZ_LIST,
                                                    __FILE__, __LINE__,
                                                    __func__);
}

static bool rule_matches(const QAuthZListRule *rule, const char *identity)
{
    QAuthZListFormat format = rule->has_format ? rule->format
                                               : QAUTHZ_LIST_FORMAT_EXACT;

    if (format == QAUTHZ_LIST_FORMAT_GLOB) {
        return fnmatch(rule->match, identity, 0) == 0;
    }
    return strcmp(rule->match, identity) == 0;
}

bool qauthz_list_rules_allow(const QAuthZListRuleList *rules,
                             QAuthZListPolicy default_policy,
                             const char *identity)
{
    if (identity) {
        for (const QAuthZListRuleList *r = rules; r; r = r->next) {
            if (rule_matches(r->value, identity)) {
                return r->value->policy == QAUTHZ_LIST_POLICY_ALLOW;
            }
        }
    }
    return default_policy == QAUTHZ_LIST_POLICY_ALLOW;
}

static bool list_is_allowed(QAuthZ *authz, const char *identity,
                            GError **errp)
{
    QAuthZList *list = list_cast(OBJECT(authz));

    return qauthz_list_rules_allow(list->rules, list->policy, identity);
}

/* ---- properties ---- */

static int list_get_policy(Object *obj, GError **errp)
{
    return list_cast(obj)->policy;
}

static bool list_set_policy(Object *obj, int value, GError **errp)
{
    list_cast(obj)->policy = value;
    return true;
}

static JsonNode *list_get_rules(Object *obj, ObjectProperty *prop,
                                GError **errp)
{
    return qapi_QAuthZListRuleList_to_json(list_cast(obj)->rules);
}

static bool list_set_rules(Object *obj, ObjectProperty *prop, JsonNode *value,
                           GError **errp)
{
    QAuthZList *list = list_cast(obj);
    QAuthZListRuleList *rules = NULL;

    /* JSON null (or an empty list) clears the rules. */
    if (!JSON_NODE_HOLDS_NULL(value)) {
        GError *err = NULL;

        rules = qapi_QAuthZListRuleList_from_json(value, "rules", &err);
        if (err) {
            g_propagate_error(errp, err);
            return false;
        }
    }
    qapi_free_QAuthZListRuleList(list->rules);
    list->rules = rules;
    return true;
}

/* ---- the C API ---- */

QAuthZList *qauthz_list_new(const char *id, QAuthZListPolicy policy,
                            GError **errp)
{
    JsonObject *props = json_object_new();
    Object *obj;

    json_object_set_string_member(props, "policy", policy_names[policy]);
    obj = user_creatable_add_type(TYPE_QAUTHZ_LIST, id, props, false, errp);
    json_object_unref(props);
    return obj ? list_cast(obj) : NULL;
}

static QAuthZListRuleList *rule_new(const char *match, QAuthZListPolicy policy,
                                    QAuthZListFormat format)
{
    QAuthZListRuleList *node = g_new0(QAuthZListRuleList, 1);

    node->value = g_new0(QAuthZListRule, 1);
    node->value->match = g_strdup(match);
    node->value->policy = policy;
    node->value->has_format = true;
    node->value->format = format;
    return node;
}

ssize_t qauthz_list_insert_rule(QAuthZList *list, const char *match,
                                QAuthZListPolicy policy,
                                QAuthZListFormat format, size_t index,
                                GError **errp)
{
    QAuthZListRuleList **link = &list->rules;
    QAuthZListRuleList *node;
    size_t i = 0;

    while (i < index && *link) {
        link = &(*link)->next;
        i++;
    }
    if (i < index) {
        error_setg(errp, "Rule index %zu is past the end of the list "
                   "(%zu rules)", index, i);
        return -1;
    }
    node = rule_new(match, policy, format);
    node->next = *link;
    *link = node;
    return index;
}

ssize_t qauthz_list_append_rule(QAuthZList *list, const char *match,
                                QAuthZListPolicy policy,
                                QAuthZListFormat format, GError **errp)
{
    size_t count = 0;

    for (QAuthZListRuleList *r = list->rules; r; r = r->next) {
        count++;
    }
    return qauthz_list_insert_rule(list, match, policy, format, count, errp);
}

ssize_t qauthz_list_delete_rule(QAuthZList *list, const char *match)
{
    ssize_t i = 0;

    for (QAuthZListRuleList **link = &list->rules; *link;
         link = &(*link)->next, i++) {
        if (strcmp((*link)->value->match, match) == 0) {
            QAuthZListRuleList *gone = *link;

            *link = gone->next;
            gone->next = NULL;
            qapi_free_QAuthZListRuleList(gone);
            return i;
        }
    }
    return -1;
}

/* ---- type ---- */

static void list_finalize(Object *obj)
{
    qapi_free_QAuthZListRuleList(list_cast(obj)->rules);
}

static void list_class_init(ObjectClass *oc, const void *data)
{
    OBJECT_CLASS_CHECK(QAuthZClass, oc, TYPE_QAUTHZ)->is_allowed =
        list_is_allowed;
    object_class_property_add_enum(oc, "policy", "QAuthZListPolicy",
                                   policy_names, list_get_policy,
                                   list_set_policy);
    object_class_property_add(oc, "rules", "QAuthZListRuleList",
                              list_get_rules, list_set_rules, NULL, NULL);
}

static const TypeInfo authz_list_info = {
    .name = TYPE_QAUTHZ_LIST,
    .parent = TYPE_QAUTHZ,
    .instance_size = sizeof(QAuthZList),
    .instance_finalize = list_finalize,
    .class_init = list_class_init,
};

static void authz_list_register_types(void)
{
    type_register_static(&authz_list_info);
}

type_init(authz_list_register_types)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "keyval" option dialect: "key=value" lists with dotted keys parsed
 * into nested JSON objects (arrays for numeric keys), and deep merging of
 * such trees.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

/* Value from p up to a single ','; ",," is a literal comma. */
static char *keyval_read_value(const char *p, const char **endp)
{
    GString *s = g_string_new(NULL);

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        g_string_append_c(s, *p);
        p++;
    }
    *endp = p;
    return g_string_free(s, FALSE);
}

static bool keyval_fragment_ok(const char *frag)
{
    const char *p;

    if (!*frag) {
        return false;
    }
    for (p = frag; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
            return false;
        }
    }
    return true;
}

/* Store key (dotted) = value into root, creating intermediate objects. */
static bool keyval_store(JsonObject *root, const char *key, const char *value,
                         GError **errp)
{
    g_auto(GStrv) frags = g_strsplit(key, ".", -1);
    JsonObject *cur = root;
    guint i, n = g_strv_length(frags);

    /* g_strsplit() turns "" into no fragments at all. */
    if (n == 0) {
        error_setg(errp, "Invalid parameter '%s'", key);
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!keyval_fragment_ok(frags[i])) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    for (i = 0; i + 1 < n; i++) {
        JsonNode *node = json_object_get_member(cur, frags[i]);

        if (!node) {
            JsonObject *child = json_object_new();

            json_object_set_object_member(cur, frags[i], child);
            cur = child;
        } else if (JSON_NODE_HOLDS_OBJECT(node)) {
            cur = json_node_get_object(node);
        } else {
            /* "a=1,a.b=2": report the part that already holds a value. */
            g_autofree char *prefix = NULL;
            char *saved = frags[i + 1];

            frags[i + 1] = NULL;
            prefix = g_strjoinv(".", frags);
            frags[i + 1] = saved;
            error_setg(errp, "Parameter '%s' used inconsistently", prefix);
            return false;
        }
    }
    {
        JsonNode *node = json_object_get_member(cur, frags[n - 1]);

        if (node && JSON_NODE_HOLDS_OBJECT(node)) {
            error_setg(errp, "Parameter '%s' used inconsistently", key);
            return false;
        }
    }
    json_object_set_string_member(cur, frags[n - 1], value);
    return true;
}

/* Index value of a member name that is a canonical decimal number, or -1. */
static int keyval_index(const char *name)
{
    unsigned int v;

    if (!g_ascii_isdigit(name[0]) || (name[0] == '0' && name[1])) {
        return -1;
    }
    if (!qemu_strtoui(name, NULL, 10, &v) || v > INT_MAX) {
        return -1;
    }
    return (int)v;
}

/*
 * Convert, bottom-up, every object below obj whose members are all indexes
 * into an array. path is the dotted key of obj ("" for the root).
 */
static bool keyval_listify(JsonObject *obj, const char *path, GError **errp)
{
    g_autoptr(GList) members = json_object_get_members(obj);
    GList *l;

    for (l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *node = json_object_get_member(obj, name);
        g_autofree char *sub = *path ? g_strdup_printf("%s.%s", path, name)
                                     : g_strdup(name);
        JsonObject *child;
        g_autoptr(GList) keys = NULL;
        GList *k;
        guint count, nidx = 0, i;
        JsonNode **slots;
        JsonArray *arr;

        if (!JSON_NODE_HOLDS_OBJECT(node)) {
            continue;
        }
        child = json_node_get_object(node);
        if (!keyval_listify(child, sub, errp)) {
            return false;
        }
        keys = json_object_get_members(child);
        count = g_list_length(keys);
        for (k = keys; k; k = k->next) {
            if (keyval_index(k->data) >= 0) {
                nidx++;
            }
        }
        if (nidx == 0) {
            continue;
        }
        if (nidx != count) {
            error_setg(errp, "Parameter '%s' used inconsistently", sub);
            return false;
        }
        slots = g_new0(JsonNode *, count);
        for (k = keys; k; k = k->next) {
            int idx = keyval_index(k->data);

            if ((guint)idx < count) {
                slots[idx] = json_object_get_member(child, k->data);
            }
        }
        for (i = 0; i < count; i++) {
            if (!slots[i]) {
                error_setg(errp, "Parameter '%s.%u' is missing", sub, i);
                g_free(slots);
                return false;
            }
        }
        arr = json_array_sized_new(count);
        for (i = 0; i < count; i++) {
            json_array_add_element(arr, json_node_copy(slots[i]));
        }
        g_free(slots);
        /* Replaces (and releases) the object node, so child is dead now. */
        json_object_set_array_member(obj, name, arr);
    }
    return true;
}

JsonObject *keyval_parse(const char *params, const char *implied_key,
                         bool *p_help, GError **errp)
{
    g_autoptr(JsonObject) root = json_object_new();
    const char *p = params ? params : "";
    bool first = true;

    if (p_help) {
        *p_help = false;
    }
    while (*p) {
        size_t len = strcspn(p, "=,");
        g_autofree char *key = NULL;
        g_autofree char *value = NULL;

        if (p[len] != '=') {
            g_autofree char *tok = g_strndup(p, len);

            /* "help,,x" is the implied value "help,x", not a request. */
            bool escaped = p[len] == ',' && p[len + 1] == ',';

            if (p_help && is_help_option(tok) && !escaped) {
                *p_help = true;
                p += len;
            } else if (first && implied_key) {
                key = g_strdup(implied_key);
                value = keyval_read_value(p, &p);
            } else {
                error_setg(errp, "Expected '=' after parameter '%s'", tok);
                return NULL;
            }
        } else {
            key = g_strndup(p, len);
            value = keyval_read_value(p + len + 1, &p);
        }
        if (key && !keyval_store(root, key, value, errp)) {
            return NULL;
        }
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    if (!keyval_listify(root, "", errp)) {
        return NULL;
    }
    return g_steal_pointer(&root);
}

JsonObject *keyval_merge(JsonObject *dst, JsonObject *src)
{
    g_autoptr(GList) members = json_object_get_members(src);
    GList *l;

    for (l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *sn = json_object_get_member(src, name);
        JsonNode *dn = json_object_get_member(dst, name);

        if (dn && JSON_NODE_HOLDS_OBJECT(dn) && JSON_NODE_HOLDS_OBJECT(sn)) {
            keyval_merge(json_node_get_object(dn), json_node_get_object(sn));
        } else if (dn && JSON_NODE_HOLDS_ARRAY(dn) &&
                   JSON_NODE_HOLDS_ARRAY(sn)) {
            JsonArray *da = json_node_get_array(dn);
            JsonArray *sa = json_node_get_array(sn);
            guint i, n = json_array_get_length(sa);

            for (i = 0; i < n; i++) {
                json_array_add_element(da,
                    json_node_copy(json_array_get_element(sa, i)));
            }
        } else {
            json_object_set_member(dst, name, json_node_copy(sn));
        }
    }
    return dst;
}

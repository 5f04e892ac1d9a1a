/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP requests: envelope validation (qmp.md 3.2), command lookup with
 * the negotiation-mode and OOB rules, execution through the generated
 * marshallers, and the response objects (section 4).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qobject/json-writer.h"
#include "monitor-internal.h"

static bool node_is_string(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_STRING;
}

/*
 * QEMU checks a request's members in the iteration order of its QDict,
 * which is hash-bucket order (the tdb hash of the key, 512 buckets;
 * within a bucket the later key first), not input order.  Which error a
 * request with several problems gets depends on that order, e.g.
 * "'execute' clashes with 'exec-oob'" whatever order the client used, so
 * the members are checked in the same order here.
 */
#define QDICT_BUCKETS 512

static unsigned qdict_bucket(const char *key)
{
    unsigned value = 0x238F13AFu * (unsigned)strlen(key);

    for (unsigned i = 0; key[i]; i++) {
        value += (unsigned)(unsigned char)key[i] << (i * 5 % 24);
    }
    return (1103515243u * value + 12345u) % QDICT_BUCKETS;
}

typedef struct MemberRef {
    const char *name;
    JsonNode *node;
    unsigned bucket;
    unsigned pos;               /* input position */
} MemberRef;

static int member_cmp(gconstpointer a, gconstpointer b)
{
    const MemberRef *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    return x->pos > y->pos ? -1 : 1;    /* newest first in a bucket */
}

/* Check the members of a request object; fills req or sets req->err. */
static void qmp_request_check(QmpRequest *req, JsonObject *obj,
                              bool oob_enabled)
{
    JsonObjectIter iter;
    const char *member;
    const char *exec_member = NULL;
    JsonNode *exec_node = NULL;
    JsonNode *node;
    g_autoptr(GArray) members = g_array_new(FALSE, FALSE, sizeof(MemberRef));

    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &member, &node)) {
        MemberRef m = { member, node, qdict_bucket(member), members->len };

        g_array_append_val(members, m);
    }
    g_array_sort(members, member_cmp);
    for (guint i = 0; i < members->len; i++) {
        member = g_array_index(members, MemberRef, i).name;
        node = g_array_index(members, MemberRef, i).node;
        if (!strcmp(member, "execute") ||
            (oob_enabled && !strcmp(member, "exec-oob"))) {
            if (!node_is_string(node)) {
                error_setg(&req->err, "QMP input member '%s' must be a string",
                           member);
                return;
            }
            if (exec_member) {
                error_setg(&req->err, "QMP input member '%s' clashes with '%s'",
                           member, exec_member);
                return;
            }
            exec_member = member;
            exec_node = node;
        } else if (!strcmp(member, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(node)) {
                error_setg(&req->err,
                           "QMP input member 'arguments' must be an object");
                return;
            }
        } else if (strcmp(member, "id") != 0) {
            error_setg(&req->err, "QMP input member '%s' is unexpected",
                       member);
            return;
        }
    }
    if (!exec_member) {
        error_setg(&req->err, "QMP input lacks member 'execute'");
        return;
    }

    req->name = g_strdup(json_node_get_string(exec_node));
    req->oob = !strcmp(exec_member, "exec-oob");
    if (json_object_has_member(obj, "arguments")) {
        req->args = json_object_ref(json_object_get_object_member(obj,
                                                                  "arguments"));
    }
}

QmpRequest *qmp_request_new(JsonNode *value, GError *parse_err,
                            bool oob_enabled)
{
    QmpRequest *req = g_new0(QmpRequest, 1);
    JsonObject *obj;

    if (parse_err) {
        /* The parser's messages are already the reply text (6.3). */
        req->err = parse_err;
        if (value) {
            json_node_unref(value);
        }
        return req;
    }
    if (!JSON_NODE_HOLDS_OBJECT(value)) {
        error_setg(&req->err, "QMP input must be a JSON object");
        json_node_unref(value);
        return req;
    }

    obj = json_node_get_object(value);
    if (json_object_has_member(obj, "id")) {
        req->id = json_node_copy(json_object_get_member(obj, "id"));
    }
    qmp_request_check(req, obj, oob_enabled);
    json_node_unref(value);
    return req;
}

void qmp_request_free(QmpRequest *req)
{
    int i;

    if (!req) {
        return;
    }
    if (req->id) {
        json_node_unref(req->id);
    }
    g_free(req->name);
    if (req->args) {
        json_object_unref(req->args);
    }
    if (req->err) {
        g_error_free(req->err);
    }
    for (i = 0; i < req->nfds; i++) {
        if (req->fds[i] >= 0) {
            close(req->fds[i]);
        }
    }
    g_free(req->fds);
    g_free(req);
}

/* Look the command up and run it; returns the result or sets *errp. */
static bool qmp_request_run(Monitor *mon, QmpRequest *req, JsonNode **ret,
                            bool *no_response, GError **errp)
{
    const QmpCommand *cmd;
    Monitor *old_mon;
    QmpRequest *old_req;
    bool command_mode;
    GError *err = NULL;
    bool ok;

    g_mutex_lock(&mon->lock);
    command_mode = mon->command_mode;
    g_mutex_unlock(&mon->lock);

    if (!command_mode && strcmp(req->name, "qmp_capabilities") != 0) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Expecting capabilities negotiation with "
                  "'qmp_capabilities'");
        return false;
    }
    cmd = qmp_find_command(req->name);
    if (!cmd || !cmd->enabled) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", req->name);
        return false;
    }
    if (req->oob && !(cmd->options & QCO_ALLOW_OOB)) {
        error_setg(errp, "The command %s does not support OOB", req->name);
        return false;
    }

    monitor_set_cur(mon, req, &old_mon, &old_req);
    ok = cmd->fn(req->args, ret, &err);
    monitor_set_cur(old_mon, old_req, NULL, NULL);

    if (!ok) {
        if (*ret) {
            json_node_unref(*ret);
            *ret = NULL;
        }
        if (!err) {
            /* A marshaller that fails must say why; do not crash if not. */
            error_setg(&err, "Command %s failed", req->name);
        }
        g_propagate_error(errp, err);
        return false;
    }
    if (err) {
        g_error_free(err);
    }
    if (!*ret) {
        *ret = json_node_init_object(json_node_alloc(), json_object_new());
    }
    *no_response = (cmd->options & QCO_NO_SUCCESS_RESP) != 0;
    return true;
}

JsonObject *qmp_request_execute(Monitor *mon, QmpRequest *req)
{
    JsonObject *rsp;
    JsonNode *ret = NULL;
    GError *err = NULL;
    bool no_response = false;

    if (req->err) {
        err = g_error_copy(req->err);
    } else if (qmp_request_run(mon, req, &ret, &no_response, &err) &&
               no_response) {
        json_node_unref(ret);
        return NULL;
    }

    rsp = json_object_new();
    if (err) {
        JsonObject *error = json_object_new();
        int cls = err->domain == QMP_ERROR ? err->code
                                           : ERROR_CLASS_GENERIC_ERROR;

        json_object_set_string_member(error, "class", error_class_name(cls));
        json_object_set_string_member(error, "desc", err->message);
        json_object_set_object_member(rsp, "error", error);
        g_error_free(err);
    } else {
        json_object_set_member(rsp, "return", ret);
    }
    if (req->id) {
        json_object_set_member(rsp, "id", json_node_copy(req->id));
    }
    return rsp;
}

char *qmp_message_format(JsonObject *msg, bool pretty, size_t *len)
{
    g_autoptr(JsonWriter) w = json_writer_new(pretty);
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
    char *text;

    json_node_set_object(node, msg);
    json_writer_node(w, NULL, node);
    text = g_strconcat(json_writer_get(w), "\r\n", NULL);
    *len = json_writer_get_len(w) + 2;
    return text;
}

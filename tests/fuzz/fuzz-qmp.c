/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "qmp": the QMP input path after the socket -- the streaming
 * JSON parser, request envelope checks (monitor/qmp-request.c), the
 * negotiation-mode and OOB rules, and execution through the generated
 * marshallers of the real command table against an in-process virt
 * machine (fuzz-machine.h), so that argument visitors and command bodies
 * see arbitrary input.
 *
 * Input layout: byte 0 bit 0 starts the session in command mode (else it
 * must negotiate with qmp_capabilities like a client), bits 1..6 pick the
 * piece size the rest is fed in; the rest is the client's byte stream.
 * Commands whose effect reaches outside the process or would make inputs
 * depend on each other are not executed (skip_commands[]).
 * Oracles, besides the sanitizers and libFuzzer's hang timeout: every
 * request gets exactly one well-formed response (exactly one of "return"
 * and "error"; an error has a known class and a non-empty desc; the "id"
 * is echoed unchanged) unless the command has no success response, and
 * the formatted response text parses, and write/parse is stable.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qemu/main-loop.h"
#include "qobject/json-parser.h"
#include "qobject/json-writer.h"
#include "monitor-internal.h"
#include "fuzz.h"
#include "fuzz-machine.h"

typedef struct SkipCommand {
    const char *name;
    const char *qom_type;   /* only object-add of this type; NULL: always */
    const char *why;
} SkipCommand;

static const SkipCommand skip_commands[] = {
    { "cont", NULL, "runs guest code on the vCPU thread: not replayable" },
    { "object-add", "memory-backend-file", "creates files on the host" },
};

typedef struct Session {
    Monitor *mon;
    unsigned requests;
} Session;

static bool should_skip(QmpRequest *req)
{
    for (size_t i = 0; i < G_N_ELEMENTS(skip_commands); i++) {
        const SkipCommand *s = &skip_commands[i];
        const char *type;

        if (strcmp(req->name, s->name) != 0) {
            continue;
        }
        if (!s->qom_type) {
            return true;
        }
        type = req->args && json_object_has_member(req->args, "qom-type")
               ? json_object_get_string_member_with_default(req->args,
                                                            "qom-type", "")
               : "";
        if (type && strcmp(type, s->qom_type) == 0) {
            return true;
        }
    }
    return false;
}

static void check_response(QmpRequest *req, JsonObject *rsp)
{
    static const char *const classes[] = {
        "GenericError", "CommandNotFound", "DeviceNotActive",
        "DeviceNotFound", "KVMMissingCap",
    };
    bool has_return = json_object_has_member(rsp, "return");
    bool has_error = json_object_has_member(rsp, "error");
    g_autofree char *text = NULL;
    g_autofree char *again_text = NULL;
    g_autoptr(JsonNode) again = NULL;
    g_autoptr(JsonNode) again2 = NULL;
    g_autofree char *again2_text = NULL;
    g_autoptr(GError) err = NULL;
    size_t len;

    FUZZ_CHECK(has_return != has_error, "response needs return xor error");
    if (has_error) {
        JsonObject *e = json_object_get_object_member(rsp, "error");
        const char *cls = json_object_get_string_member_with_default(
            e, "class", NULL);
        const char *desc = json_object_get_string_member_with_default(
            e, "desc", NULL);
        bool known = false;

        FUZZ_CHECK(cls && desc && desc[0], "error without class or desc");
        for (size_t i = 0; i < G_N_ELEMENTS(classes); i++) {
            known |= strcmp(cls, classes[i]) == 0;
        }
        FUZZ_CHECK(known, "unknown error class %s", cls);
    }
    if (req->id) {
        g_autofree char *a = json_writer_node_to_string(req->id, false);
        g_autofree char *b = NULL;

        FUZZ_CHECK(json_object_has_member(rsp, "id"), "id not echoed");
        b = json_writer_node_to_string(json_object_get_member(rsp, "id"),
                                       false);
        FUZZ_CHECK(strcmp(a, b) == 0, "id changed: %s -> %s", a, b);
    } else {
        FUZZ_CHECK(!json_object_has_member(rsp, "id"), "id invented");
    }

    text = qmp_message_format(rsp, false, &len);
    FUZZ_CHECK(len == strlen(text) && len >= 2 &&
               strcmp(text + len - 2, "\r\n") == 0, "response framing");
    if (fuzz_verbose()) {
        fprintf(stderr, "<- %s", text);
    }
    again = json_parse_text(text, len, &err);
    FUZZ_CHECK(again, "response does not parse: %s\n%s",
               err ? err->message : "?", text);
    again_text = json_writer_node_to_string(again, false);
    /* Stable from the first re-parse on (see fuzz-json.c for why). */
    again2 = json_parse_string(again_text, &err);
    FUZZ_CHECK(again2, "response does not re-parse: %s", again_text);
    again2_text = json_writer_node_to_string(again2, false);
    FUZZ_CHECK(strcmp(again_text, again2_text) == 0,
               "response text not stable:\n%s\n%s", again_text, again2_text);
}

static void handle_message(void *opaque, JsonNode *value, GError *err)
{
    Session *s = opaque;
    bool oob;
    QmpRequest *req;
    JsonObject *rsp;

    g_mutex_lock(&s->mon->lock);
    oob = s->mon->oob_enabled;
    g_mutex_unlock(&s->mon->lock);

    req = qmp_request_new(value, err, oob);
    FUZZ_CHECK((req->name == NULL) == (req->err != NULL),
               "request has both or neither of name and err");
    s->requests++;
    if (req->name && should_skip(req)) {
        qmp_request_free(req);
        return;
    }
    rsp = qmp_request_execute(s->mon, req);
    if (rsp) {
        check_response(req, rsp);
        json_object_unref(rsp);
    } else {
        const QmpCommand *cmd = req->name ? qmp_find_command(req->name) : NULL;

        FUZZ_CHECK(cmd && (cmd->options & QCO_NO_SUCCESS_RESP),
                   "no response to %s", req->name ? req->name : "(error)");
    }
    qmp_request_free(req);
}

/* Run a command of the real table directly (for clean-up). */
static JsonNode *run_command(const char *name, JsonObject *args)
{
    const QmpCommand *cmd = qmp_find_command(name);
    JsonNode *ret = NULL;
    g_autoptr(GError) err = NULL;

    FUZZ_CHECK(cmd, "no command %s", name);
    if (!cmd->fn(args, &ret, &err)) {
        return NULL;
    }
    return ret;
}

/* Delete what object-add created so inputs do not depend on each other. */
static void delete_user_objects(void)
{
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) list = NULL;
    JsonArray *arr;

    json_object_set_string_member(args, "path", "/objects");
    list = run_command("qom-list", args);
    if (!list) {
        return;     /* no /objects container (yet) */
    }
    FUZZ_CHECK(JSON_NODE_HOLDS_ARRAY(list), "qom-list /objects");
    arr = json_node_get_array(list);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *prop = json_array_get_object_element(arr, i);
        const char *type = json_object_get_string_member(prop, "type");

        if (g_str_has_prefix(type, "child<")) {
            g_autoptr(JsonObject) del = json_object_new();
            g_autoptr(JsonNode) ret = NULL;

            json_object_set_string_member(del, "id",
                json_object_get_string_member(prop, "name"));
            ret = run_command("object-del", del);
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_common();
    fuzz_machine_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Monitor mon = { .label = (char *)"fuzz" };
    Session s = { .mon = &mon };
    g_autoptr(JsonStreamParser) p = NULL;
    size_t piece;

    if (size < 1 || size > 16 * 1024) {
        return 0;
    }
    /* The fields a command may use, set up as monitor_qmp_new() does. */
    g_mutex_init(&mon.lock);
    mon.named_fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    mon.connected = true;
    mon.command_mode = data[0] & 1;
    piece = 1 + (data[0] >> 1) % 64;
    data++;
    size--;

    p = json_stream_parser_new(handle_message, &s);
    for (size_t off = 0; off < size; off += piece) {
        json_stream_parser_feed(p, (const char *)data + off,
                                MIN(piece, size - off));
    }
    json_stream_parser_flush(p);
    monitor_named_fds_free(&mon);
    g_hash_table_unref(mon.named_fds);
    g_mutex_clear(&mon.lock);

    delete_user_objects();
    fuzz_machine_settle();
    return 0;
}

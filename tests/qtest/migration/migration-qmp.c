/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP helpers of the migration suite (see migration-qmp.h). */
#include "qemu/osdep.h"
#include "migration-qmp.h"
#include "migration-util.h"

/* ---- events ---- */

static GHashTable *watched;     /* QTestState * -> QTestMigrationState * */

static bool note_event(QTestMigrationState *st, const char *name)
{
    if (!st) {
        return false;
    }
    if (!strcmp(name, "STOP")) {
        st->stop_seen = true;
        return true;
    }
    if (!strcmp(name, "RESUME")) {
        st->resume_seen = true;
        return true;
    }
    return false;
}

static bool migrate_watch_for_events(QTestState *who, const char *name,
                                     JsonObject *event, void *opaque)
{
    return note_event(opaque, name);
}

void migrate_watch_events(QTestState *who, QTestMigrationState *st)
{
    if (!watched) {
        watched = g_hash_table_new(NULL, NULL);
    }
    g_hash_table_insert(watched, who, st);
    qtest_qmp_set_event_callback(who, migrate_watch_for_events, st);
}

/*
 * The next event named `name` (pending first, then from the socket);
 * STOP and RESUME read on the way update the watched flags. Blocks.
 */
static JsonObject *next_event(QTestState *who, const char *name)
{
    QTestMigrationState *st = watched ? g_hash_table_lookup(watched, who)
                                      : NULL;
    JsonObject *ev = qtest_qmp_event_ref(who, name);

    while (!ev) {
        JsonObject *obj = qtest_qmp_receive_dict(who);
        const char *n = json_object_has_member(obj, "event") ?
                        qtest_json_get_str(obj, "event") : NULL;

        if (n && !strcmp(n, name)) {
            return obj;
        }
        if (n) {
            note_event(st, n);
        }
        json_object_unref(obj);
    }
    return ev;
}

void migration_event_wait(QTestState *who, const char *status)
{
    for (;;) {
        JsonObject *ev = next_event(who, "MIGRATION");
        JsonObject *data = json_object_get_object_member(ev, "data");
        bool match = !strcmp(json_object_get_string_member(data, "status"),
                             status);

        json_object_unref(ev);
        if (match) {
            return;
        }
    }
}

void wait_for_stop(QTestState *who, QTestMigrationState *st)
{
    if (!st->stop_seen) {
        json_object_unref(next_event(who, "STOP"));
    }
    st->stop_seen = true;
}

void wait_for_resume(QTestState *who, QTestMigrationState *st)
{
    if (!st->resume_seen) {
        json_object_unref(next_event(who, "RESUME"));
    }
    st->resume_seen = true;
}

/* ---- commands ---- */

static char *json_to_text(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();

    json_generator_set_root(gen, node);
    return json_generator_to_data(gen, NULL);
}

/* The destination's first listening address as JSON object. */
static JsonObject *listen_address(QTestState *to)
{
    JsonObject *info = migrate_query(to);
    JsonArray *addrs;
    JsonObject *a;

    g_assert_true(json_object_has_member(info, "socket-address"));
    addrs = json_object_get_array_member(info, "socket-address");
    g_assert_cmpint(json_array_get_length(addrs), >, 0);
    a = json_object_ref(json_array_get_object_element(addrs, 0));
    json_object_unref(info);
    return a;
}

char *migrate_get_connect_uri(QTestState *to)
{
    g_autoptr(JsonObject) a = listen_address(to);
    const char *type = json_object_get_string_member(a, "type");

    if (!strcmp(type, "inet")) {
        return g_strdup_printf("tcp:%s:%s",
                               json_object_get_string_member(a, "host"),
                               json_object_get_string_member(a, "port"));
    }
    if (!strcmp(type, "unix")) {
        return g_strdup_printf("unix:%s",
                               json_object_get_string_member(a, "path"));
    }
    if (!strcmp(type, "fd")) {
        return g_strdup_printf("fd:%s",
                               json_object_get_string_member(a, "str"));
    }
    g_error("unexpected socket-address type %s", type);
}

/* channels with every addr.port "0" replaced by to's port (JSON text). */
static char *patch_ports(QTestState *to, const char *channels)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(JsonObject) a = NULL;
    JsonArray *arr;
    GError *err = NULL;

    json_parser_load_from_data(p, channels, -1, &err);
    g_assert_no_error(err);
    arr = json_node_get_array(json_parser_get_root(p));
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *addr = json_object_get_object_member(
            json_array_get_object_element(arr, i), "addr");

        if (json_object_has_member(addr, "port") &&
            !strcmp(json_object_get_string_member(addr, "port"), "0")) {
            if (!a) {
                a = listen_address(to);
            }
            json_object_set_string_member(
                addr, "port", json_object_get_string_member(a, "port"));
        }
    }
    return json_to_text(json_parser_get_root(p));
}

static JsonObject *send_migrate(QTestState *who, const char *command,
                                const char *uri, const char *channels,
                                const char *extra)
{
    GString *args = g_string_new("");

    if (uri) {
        g_string_append_printf(args, "'uri': '%s'", uri);
    }
    if (channels) {
        g_string_append_printf(args, "%s'channels': %s", args->len ? ", " : "",
                               channels);
    }
    if (extra && extra[0]) {
        g_string_append_printf(args, "%s%s", args->len ? ", " : "", extra);
    }
    {
        g_autofree char *a = g_string_free(args, false);

        return qtest_qmp(who, "{'execute': '%s', 'arguments': {%s}}",
                         command, a);
    }
}

static void expect_return(JsonObject *rsp)
{
    if (!json_object_has_member(rsp, "return")) {
        g_autofree char *text = qtest_json_to_string(rsp);

        g_error("QMP command failed: %s", text);
    }
    json_object_unref(rsp);
}

void migrate_qmp(QTestState *who, QTestState *to, const char *uri,
                 const char *channels, const char *extra)
{
    g_autofree char *derived = NULL;
    g_autofree char *patched = NULL;

    g_assert(!(uri && channels));
    if (!uri && !channels) {
        uri = derived = migrate_get_connect_uri(to);
    }
    if (channels) {
        channels = patched = patch_ports(to, channels);
    }
    expect_return(send_migrate(who, "migrate", uri, channels, extra));
}

char *migrate_qmp_fail(QTestState *who, const char *uri,
                       const char *channels, const char *extra)
{
    JsonObject *rsp = send_migrate(who, "migrate", uri, channels, extra);
    JsonObject *err;
    char *desc;

    g_assert_true(json_object_has_member(rsp, "error"));
    err = json_object_get_object_member(rsp, "error");
    g_assert_true(json_object_has_member(err, "desc"));
    desc = g_strdup(json_object_get_string_member(err, "desc"));
    json_object_unref(rsp);
    return desc;
}

void migrate_incoming_qmp(QTestState *to, const char *uri,
                          const char *channels, const char *extra)
{
    migrate_set_capability(to, "events", true);
    expect_return(send_migrate(to, "migrate-incoming", uri, channels, extra));
    migration_event_wait(to, "setup");
}

void migrate_set_capability(QTestState *who, const char *cap, bool value)
{
    qtest_qmp_assert_success(who,
        "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': '%s', 'state': %s}]}}",
        cap, value ? "true" : "false");
}

static JsonNode *read_parameter(QTestState *who, const char *param)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(who,
        "{'execute': 'query-migrate-parameters'}");
    JsonObject *o = json_node_get_object(ret);
    JsonNode *v;

    g_assert_true(json_object_has_member(o, param));
    v = json_node_copy(json_object_get_member(o, param));
    json_node_unref(ret);
    return v;
}

void migrate_set_parameter_int(QTestState *who, const char *param,
                               long long value)
{
    JsonNode *v;

    qtest_qmp_assert_success(who,
        "{'execute': 'migrate-set-parameters', 'arguments': {'%s': %lld}}",
        param, value);
    v = read_parameter(who, param);
    g_assert_cmpint(json_node_get_int(v), ==, value);
    json_node_unref(v);
}

void migrate_set_parameter_bool(QTestState *who, const char *param,
                                bool value)
{
    JsonNode *v;

    qtest_qmp_assert_success(who,
        "{'execute': 'migrate-set-parameters', 'arguments': {'%s': %s}}",
        param, value ? "true" : "false");
    v = read_parameter(who, param);
    g_assert_cmpint(json_node_get_boolean(v), ==, value);
    json_node_unref(v);
}

void migrate_ensure_non_converge(QTestState *who)
{
    /* About one second per 3 MiB, and no downtime budget at all. */
    migrate_set_parameter_int(who, "max-bandwidth", 3 * 1000 * 1000);
    migrate_set_parameter_int(who, "downtime-limit", 1);
}

void migrate_ensure_converge(QTestState *who)
{
    migrate_set_parameter_int(who, "max-bandwidth", 1000 * 1000 * 1000);
    migrate_set_parameter_int(who, "downtime-limit", 30 * 1000);
}

void migrate_cancel(QTestState *who)
{
    qtest_qmp_assert_success(who, "{'execute': 'migrate_cancel'}");
}

void migrate_continue(QTestState *who, const char *state)
{
    qtest_qmp_assert_success(who,
        "{'execute': 'migrate-continue', 'arguments': {'state': '%s'}}",
        state);
}

/* ---- queries ---- */

JsonObject *migrate_query(QTestState *who)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(who,
                                                 "{'execute': 'query-migrate'}");
    JsonObject *o = json_object_ref(json_node_get_object(ret));

    json_node_unref(ret);
    return o;
}

char *migrate_query_status(QTestState *who)
{
    g_autoptr(JsonObject) o = migrate_query(who);

    g_assert_true(json_object_has_member(o, "status"));
    return g_strdup(json_object_get_string_member(o, "status"));
}

static JsonObject *migrate_query_not_failed(QTestState *who)
{
    JsonObject *o = migrate_query(who);

    if (json_object_has_member(o, "status") &&
        !strcmp(json_object_get_string_member(o, "status"), "failed")) {
        g_error("query-migrate shows failed migration: %s",
                json_object_has_member(o, "error-desc") ?
                json_object_get_string_member(o, "error-desc") : "?");
    }
    return o;
}

int64_t read_ram_property_int(QTestState *who, const char *key)
{
    g_autoptr(JsonObject) o = migrate_query_not_failed(who);
    JsonObject *ram;

    if (!json_object_has_member(o, "ram")) {
        return 0;
    }
    ram = json_object_get_object_member(o, "ram");
    return json_object_has_member(ram, key) ?
           json_object_get_int_member(ram, key) : 0;
}

int64_t read_migrate_property_int(QTestState *who, const char *key)
{
    g_autoptr(JsonObject) o = migrate_query_not_failed(who);

    return json_object_has_member(o, key) ?
           json_object_get_int_member(o, key) : 0;
}

uint64_t get_migration_pass(QTestState *who)
{
    return read_ram_property_int(who, "dirty-sync-count");
}

char *query_run_state(QTestState *who)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(who,
                                                 "{'execute': 'query-status'}");
    char *s = g_strdup(json_object_get_string_member(
                           json_node_get_object(ret), "status"));

    json_node_unref(ret);
    return s;
}

static bool in_list(const char *s, const char **list)
{
    for (; list && *list; list++) {
        if (!strcmp(s, *list)) {
            return true;
        }
    }
    return false;
}

void wait_for_migration_status(QTestState *who, const char *goal,
                               const char **ungoals)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    for (;;) {
        g_autoptr(JsonObject) o = migrate_query(who);
        const char *st = json_object_has_member(o, "status") ?
                         json_object_get_string_member(o, "status") : "none";

        if (!strcmp(st, goal)) {
            return;
        }
        if (ungoals ? in_list(st, ungoals)
                    : (!strcmp(st, "failed") || !strcmp(st, "completed"))) {
            g_error("migration reached '%s' while waiting for '%s' (%s)", st,
                    goal, json_object_has_member(o, "error-desc") ?
                    json_object_get_string_member(o, "error-desc") : "");
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

void wait_for_migration_complete(QTestState *who)
{
    wait_for_migration_status(who, "completed", NULL);
}

void wait_for_migration_fail(QTestState *from, bool allow_active)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    g_autofree char *rs = NULL;

    for (;;) {
        g_autofree char *st = migrate_query_status(from);

        if (!strcmp(st, "failed")) {
            break;
        }
        if (strcmp(st, "setup") && !(allow_active && !strcmp(st, "active"))) {
            g_error("unexpected status %s while waiting for failed", st);
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    /* A failed migration leaves the source guest running. */
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
}

void wait_for_migration_pass(QTestState *who, QTestMigrationState *st)
{
    uint64_t pass = get_migration_pass(who), prev = 0, changes = 0;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    /* The first read counts against 0, as in QEMU's harness. */
    while (changes < 2 && !st->stop_seen) {
        if (pass != prev) {
            changes++;
            prev = pass;
        }
        if (changes >= 2) {
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
        pass = get_migration_pass(who);
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP handlers for migration: each calls the QMP command of the same
 * name and prints results in QEMU's HMP layout.  "migrate" without -d on
 * an interactive monitor holds the prompt back until the migration has
 * left its running states, as QEMU does.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "qemu/cutils.h"
#include "migration/convergence.h"
#include "hmp-internal.h"

/* Poll period of a synchronous "migrate". */
#define HMP_MIGRATE_POLL_MS 100

/* ---- info ---- */

static char *socket_address_str(SocketAddress *a)
{
    switch (a->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        return g_strdup_printf("tcp:%s:%s", a->u.inet.host, a->u.inet.port);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return g_strdup_printf("unix:%s", a->u.q_unix.path);
    case SOCKET_ADDRESS_TYPE_FD:
        return g_strdup_printf("fd:%s", a->u.fd.str);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        return g_strdup_printf("vsock:%s:%s", a->u.vsock.cid,
                               a->u.vsock.port);
    default:
        return g_strdup("unknown address type");
    }
}

static void info_migrate_ram(Hmp *h, MigrationStats *ram)
{
    g_autofree char *psize = hmp_size_to_str(ram->page_size);
    g_autofree char *total = hmp_size_to_str(ram->total);
    g_autofree char *sent = hmp_size_to_str(ram->transferred);
    g_autofree char *remain = hmp_size_to_str(ram->remaining);
    g_autofree char *precopy = hmp_size_to_str(ram->precopy_bytes);
    g_autofree char *multifd = hmp_size_to_str(ram->multifd_bytes);
    g_autofree char *postcopy = hmp_size_to_str(ram->postcopy_bytes);

    hmp_printf(h, "RAM info:\n");
    hmp_printf(h, "  Throughput (Mbps): \t%0.2f\n", ram->mbps);
    hmp_printf(h, "  Sizes: \t\tpagesize=%s, total=%s\n", psize, total);
    hmp_printf(h, "  Transfers: \t\ttransferred=%s, remain=%s\n", sent,
               remain);
    hmp_printf(h, "    Channels: \t\tprecopy=%s, multifd=%s, postcopy=%s\n",
               precopy, multifd, postcopy);
    hmp_printf(h, "    Page Types: \tnormal=%" PRId64 ", zero=%" PRId64
               "\n", ram->normal, ram->duplicate);
    hmp_printf(h, "    Page Rates (pps): \ttransfer=%" PRIu64,
               ram->pages_per_second);
    if (ram->dirty_pages_rate) {
        hmp_printf(h, ", dirty=%" PRId64, ram->dirty_pages_rate);
    }
    hmp_printf(h, "\n    Others: \t\tdirty_syncs=%" PRId64,
               ram->dirty_sync_count);
    if (ram->postcopy_requests) {
        hmp_printf(h, ", postcopy_req=%" PRId64, ram->postcopy_requests);
    }
    if (ram->downtime_bytes) {
        hmp_printf(h, ", downtime_bytes=%" PRIu64, ram->downtime_bytes);
    }
    if (ram->dirty_sync_missed_zero_copy) {
        hmp_printf(h, ", zerocopy_fallbacks=%" PRIu64,
                   ram->dirty_sync_missed_zero_copy);
    }
    hmp_printf(h, "\n");
}

/* Not in QEMU: shown only while convergence reporting is on. */
static void info_migrate_convergence(Hmp *h, MigrationConvergenceInfo *c)
{
    g_autofree char *tr = hmp_size_to_str(c->transfer_rate);
    g_autofree char *dr = hmp_size_to_str(c->dirty_rate);

    hmp_printf(h, "Convergence: 	progress=%.1f%%, iteration=%" PRId64,
               c->progress * 100, c->iteration);
    if (c->has_eta_ms) {
        hmp_printf(h, ", eta=%" PRId64 " ms (confidence %" PRId64 "%%)",
                   c->eta_ms, c->eta_confidence);
    } else {
        hmp_printf(h, ", eta=never at the current rates");
    }
    hmp_printf(h, "\nRates: 		transfer=%s/s, dirty=%s/s, "
               "downtime_limit=%" PRId64 " ms%s\n", tr, dr,
               c->downtime_limit, c->has_stalled && c->stalled ?
               ", STALLED" : "");
    if (c->budget_decision) {
        MigrationBudgetDecision *d = c->budget_decision;

        hmp_printf(h, "Budget: 	%s at %" PRId64 " of %" PRId64 " ms: %s\n",
                   MigrationBudgetAction_str(d->action), d->elapsed_ms,
                   d->budget_ms, d->reason);
    }
}

void hmp_info_migrate(Hmp *h, JsonObject *args)
{
    g_autoptr(MigrationInfo) info = qmp_query_migrate(NULL);

    if (info->has_status) {
        hmp_printf(h, "Status: \t\t%s", MigrationStatus_str(info->status));
        if (info->status == MIGRATION_STATUS_FAILED && info->error_desc) {
            hmp_printf(h, " (%s)", info->error_desc);
        }
        hmp_printf(h, "\n");
        if (info->has_total_time && info->total_time) {
            hmp_printf(h, "Time (ms): \t\ttotal=%" PRId64, info->total_time);
            if (info->has_setup_time) {
                hmp_printf(h, ", setup=%" PRId64, info->setup_time);
            }
            if (info->has_expected_downtime) {
                hmp_printf(h, ", exp_down=%" PRId64,
                           info->expected_downtime);
            }
            if (info->has_downtime) {
                hmp_printf(h, ", down=%" PRId64, info->downtime);
            }
            hmp_printf(h, "\n");
        }
    }
    if (info->socket_address) {
        hmp_printf(h, "Sockets: [\n");
        for (SocketAddressList *l = info->socket_address; l; l = l->next) {
            g_autofree char *s = socket_address_str(l->value);

            hmp_printf(h, "\t%s\n", s);
        }
        hmp_printf(h, "]\n");
    }
    if (info->ram) {
        info_migrate_ram(h, info->ram);
    }
    if (info->xbzrle_cache) {
        XBZRLECacheStats *x = info->xbzrle_cache;
        g_autofree char *size = hmp_size_to_str(x->cache_size);
        g_autofree char *bytes = hmp_size_to_str(x->bytes);

        hmp_printf(h, "XBZRLE: size=%s, transferred=%s, pages=%" PRId64
                   ", miss=%" PRId64 ", miss_rate=%0.2f, encode_rate=%0.2f"
                   ", overflow=%" PRId64 "\n", size, bytes, x->pages,
                   x->cache_miss, x->cache_miss_rate, x->encoding_rate,
                   x->overflow);
    }
    if (info->convergence) {
        info_migrate_convergence(h, info->convergence);
    }
    if (info->has_dirty_limit_throttle_time_per_round) {
        hmp_printf(h, "dirty-limit throttle time: %" PRIu64 " us\n",
                   info->dirty_limit_throttle_time_per_round);
    }
    if (info->has_dirty_limit_ring_full_time) {
        hmp_printf(h, "dirty-limit ring full time: %" PRIu64 " us\n",
                   info->dirty_limit_ring_full_time);
    }
}

void hmp_info_migrate_capabilities(Hmp *h, JsonObject *args)
{
    g_autoptr(MigrationCapabilityStatusList) caps =
        qmp_query_migrate_capabilities(NULL);

    for (MigrationCapabilityStatusList *l = caps; l; l = l->next) {
        hmp_printf(h, "%s: %s\n", MigrationCapability_str(l->value->capability),
                   l->value->state ? "on" : "off");
    }
}

/* Units QEMU prints after parameter values. */
static const struct {
    const char *name;
    const char *unit;
} param_units[] = {
    { "announce-initial", " ms" },
    { "announce-max", " ms" },
    { "announce-step", " ms" },
    { "max-bandwidth", " bytes/second" },
    { "avail-switchover-bandwidth", " bytes/second" },
    { "downtime-limit", " ms" },
    { "x-checkpoint-delay", " ms" },
    { "xbzrle-cache-size", " bytes" },
    { "x-vcpu-dirty-limit-period", " ms" },
    { "vcpu-dirty-limit", " MB/s" },
};

/* Parameters given in bytes whose HMP input defaults to MiB. */
static const char *const param_mib[] = {
    "max-bandwidth", "avail-switchover-bandwidth", "max-postcopy-bandwidth",
};

static const char *param_unit(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(param_units); i++) {
        if (!strcmp(param_units[i].name, name)) {
            return param_units[i].unit;
        }
    }
    return "";
}

void hmp_info_migrate_parameters(Hmp *h, JsonObject *args)
{
    g_autoptr(MigrationParameters) params =
        qmp_query_migrate_parameters(NULL);
    g_autoptr(JsonNode) node = qapi_MigrationParameters_to_json(params);
    JsonObject *obj = json_node_get_object(node);
    g_autoptr(GList) members = json_object_get_members(obj);

    /* Schema order; lists (block-bitmap-mapping, ...) are not shown. */
    for (GList *l = members; l; l = l->next) {
        const char *name = l->data;
        JsonNode *v = json_object_get_member(obj, name);

        if (!JSON_NODE_HOLDS_VALUE(v)) {
            continue;
        }
        switch (json_node_get_value_type(v)) {
        case G_TYPE_BOOLEAN:
            hmp_printf(h, "%s: %s\n", name,
                       json_node_get_boolean(v) ? "on" : "off");
            break;
        case G_TYPE_STRING:
            if (g_str_has_prefix(name, "tls-")) {
                hmp_printf(h, "%s: '%s'\n", name, json_node_get_string(v));
            } else {
                hmp_printf(h, "%s: %s\n", name, json_node_get_string(v));
            }
            break;
        case G_TYPE_INT64:
            hmp_printf(h, "%s: %" PRIu64 "%s\n", name,
                       (uint64_t)json_node_get_int(v), param_unit(name));
            break;
        default:
            break;
        }
    }
}

/* ---- commands ---- */

typedef struct MigrateWait {
    Hmp *h;
} MigrateWait;

static bool migration_still_running(MigrationInfo *info)
{
    if (!info->has_status) {
        return true;
    }
    switch (info->status) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_WAIT_UNPLUG:
        return true;
    default:
        return false;
    }
}

static gboolean migrate_wait_poll(gpointer opaque)
{
    MigrateWait *w = opaque;
    g_autoptr(MigrationInfo) info = qmp_query_migrate(NULL);

    if (migration_still_running(info)) {
        return G_SOURCE_CONTINUE;
    }
    if (info->status == MIGRATION_STATUS_FAILED && info->error_desc) {
        hmp_printf(w->h, "%s\n", info->error_desc);
    }
    w->h->resume(w->h);
    g_free(w);
    return G_SOURCE_REMOVE;
}

void hmp_migrate(Hmp *h, JsonObject *args)
{
    bool detach = hmp_arg_bool(args, "detach");
    bool resume = hmp_arg_bool(args, "resume");
    GError *err = NULL;
    MigrateWait *w;

    qmp_migrate(hmp_arg_str(args, "uri"), NULL, true, detach, true, resume,
                &err);
    if (hmp_handle_error(h, err) || detach) {
        return;
    }
    if (!h->suspend) {
        hmp_printf(h, "terminal does not allow synchronous migration, "
                      "continuing detached\n");
        return;
    }
    w = g_new0(MigrateWait, 1);
    w->h = h;
    h->suspend(h);
    g_timeout_add(HMP_MIGRATE_POLL_MS, migrate_wait_poll, w);
}

void hmp_migrate_cancel(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_migrate_cancel(&err);
    hmp_handle_error(h, err);
}

void hmp_migrate_continue(Hmp *h, JsonObject *args)
{
    const char *state = hmp_arg_str(args, "state");
    int val = MigrationStatus_parse(state);
    GError *err = NULL;

    if (val < 0) {
        hmp_printf(h, "Error: invalid parameter value: %s\n", state);
        return;
    }
    qmp_migrate_continue(val, &err);
    hmp_handle_error(h, err);
}

void hmp_migrate_incoming(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_migrate_incoming(hmp_arg_str(args, "uri"), NULL, false, false, &err);
    hmp_handle_error(h, err);
}

void hmp_migrate_recover(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_migrate_recover(hmp_arg_str(args, "uri"), &err);
    hmp_handle_error(h, err);
}

void hmp_migrate_pause(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_migrate_pause(&err);
    hmp_handle_error(h, err);
}

void hmp_migrate_start_postcopy(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_migrate_start_postcopy(&err);
    hmp_handle_error(h, err);
}

void hmp_migrate_set_capability(Hmp *h, JsonObject *args)
{
    const char *name = hmp_arg_str(args, "capability");
    int cap = MigrationCapability_parse(name);
    MigrationCapabilityStatus status;
    MigrationCapabilityStatusList list = { .value = &status };
    GError *err = NULL;

    if (cap < 0) {
        hmp_printf(h, "Error: invalid parameter value: %s\n", name);
        return;
    }
    status.capability = cap;
    status.state = hmp_arg_bool(args, "state");
    qmp_migrate_set_capabilities(&list, &err);
    hmp_handle_error(h, err);
}

/*
 * The parameter's JSON value from the HMP text: its kind is the one
 * query-migrate-parameters reports for it (integers take size suffixes;
 * bandwidths count in MiB without one, as in QEMU).
 */
static JsonNode *param_value(JsonNode *current, const char *name,
                             const char *text, GError **errp)
{
    JsonNode *v = json_node_alloc();
    uint64_t n;

    switch (json_node_get_value_type(current)) {
    case G_TYPE_BOOLEAN:
        if (strcmp(text, "on") && strcmp(text, "off")) {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
            json_node_free(v);
            return NULL;
        }
        return json_node_init_boolean(v, !strcmp(text, "on"));
    case G_TYPE_INT64: {
        bool mib = false;
        bool ok;

        for (size_t i = 0; i < G_N_ELEMENTS(param_mib); i++) {
            mib |= !strcmp(param_mib[i], name);
        }
        ok = mib ? qemu_strtosz_MiB(text, &n, NULL)
                 : qemu_strtosz(text, &n, NULL);
        if (!ok || n > INT64_MAX) {
            error_setg(errp, "Invalid size %s", text);
            json_node_free(v);
            return NULL;
        }
        return json_node_init_int(v, n);
    }
    default:
        return json_node_init_string(v, text);
    }
}

void hmp_migrate_set_parameter(Hmp *h, JsonObject *args)
{
    const char *name = hmp_arg_str(args, "parameter");
    const char *text = hmp_arg_str(args, "value");
    g_autoptr(MigrationParameters) cur = qmp_query_migrate_parameters(NULL);
    g_autoptr(JsonNode) cur_node = NULL;
    JsonNode *member;
    g_autoptr(JsonObject) obj = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(MigrateSetParameters) set = NULL;
    GError *err = NULL;
    JsonNode *value;

    /* The convergence parameters are hidden at their default. */
    convergence_params_show_all(cur);
    cur_node = qapi_MigrationParameters_to_json(cur);
    member = json_object_get_member(json_node_get_object(cur_node), name);
    if (!member || !JSON_NODE_HOLDS_VALUE(member)) {
        hmp_printf(h, "Error: invalid parameter value: %s\n", name);
        return;
    }
    value = param_value(member, name, text, &err);
    if (!value) {
        hmp_handle_error(h, err);
        return;
    }
    obj = json_object_new();
    json_object_set_member(obj, name, value);
    node = json_node_init_object(json_node_alloc(), obj);
    set = qapi_MigrateSetParameters_from_json(node, NULL, &err);
    if (set) {
        qmp_migrate_set_parameters(set, &err);
    }
    hmp_handle_error(h, err);
}

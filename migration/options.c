/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration capabilities and parameters: storage with their defaults,
 * the accessors of options.h, and the checks of spec 7.8 / 7.9 that every
 * way of changing them (QMP, -global migration.<prop>) goes through.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "system/memory.h"
#include "migration/migration.h"
#include "migration/options-internal.h"
#include "migration/postcopy-ram.h"
#include "migration/convergence.h"
#include "system/runstate.h"

/* Written under the BQL while no migration runs; read with atomics. */
static bool caps[MIGRATION_CAPABILITY__MAX];

/* The capabilities this build implements (the rest are refused). */
static const MigrationCapability supported_caps[] = {
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_AUTO_CONVERGE,
    /* No effect in QEMU 10.2 either: nothing to implement. */
    MIGRATION_CAPABILITY_ZERO_BLOCKS,
    MIGRATION_CAPABILITY_EVENTS,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER,
    /* No effect in QEMU 10.2 either (no block layer here at all). */
    MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_SWITCHOVER_ACK,
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_POSTCOPY_PREEMPT,
    MIGRATION_CAPABILITY_X_POSTCOPY_SAFE_START,
    /* Over the interpreter's own dirty log, not KVM's dirty ring. */
    MIGRATION_CAPABILITY_DIRTY_LIMIT,
    MIGRATION_CAPABILITY_MAPPED_RAM,
    MIGRATION_CAPABILITY_MULTIFD,
    MIGRATION_CAPABILITY_X_RAM_DIGEST,
};

/* spec 7.9 defaults; strings and lists NULL (reported "" / []). */
#define PARAMS_DEFAULT_INIT { \
    .has_announce_initial = true, .announce_initial = 50, \
    .has_announce_max = true, .announce_max = 550, \
    .has_announce_rounds = true, .announce_rounds = 5, \
    .has_announce_step = true, .announce_step = 100, \
    .has_throttle_trigger_threshold = true, .throttle_trigger_threshold = 50, \
    .has_cpu_throttle_initial = true, .cpu_throttle_initial = 20, \
    .has_cpu_throttle_increment = true, .cpu_throttle_increment = 10, \
    .has_cpu_throttle_tailslow = true, .cpu_throttle_tailslow = false, \
    .has_max_bandwidth = true, .max_bandwidth = 128 * 1024 * 1024, \
    .has_avail_switchover_bandwidth = true, .avail_switchover_bandwidth = 0, \
    .has_downtime_limit = true, .downtime_limit = 300, \
    .has_x_checkpoint_delay = true, .x_checkpoint_delay = 20000, \
    .has_multifd_channels = true, .multifd_channels = 2, \
    .has_xbzrle_cache_size = true, .xbzrle_cache_size = 64 * 1024 * 1024, \
    .has_max_postcopy_bandwidth = true, .max_postcopy_bandwidth = 0, \
    .has_max_cpu_throttle = true, .max_cpu_throttle = 99, \
    .has_multifd_compression = true, \
    .multifd_compression = MULTIFD_COMPRESSION_NONE, \
    .has_multifd_zlib_level = true, .multifd_zlib_level = 1, \
    .has_multifd_zstd_level = true, .multifd_zstd_level = 1, \
    .has_multifd_qatzip_level = true, .multifd_qatzip_level = 1, \
    .has_x_vcpu_dirty_limit_period = true, .x_vcpu_dirty_limit_period = 1000, \
    .has_vcpu_dirty_limit = true, .vcpu_dirty_limit = 1, \
    .has_mode = true, .mode = MIG_MODE_NORMAL, \
    .has_zero_page_detection = true, \
    .zero_page_detection = ZERO_PAGE_DETECTION_MULTIFD, \
    .has_direct_io = true, .direct_io = false, \
    .has_x_postcopy_device_timeout_ms = true, \
    .x_postcopy_device_timeout_ms = 0, \
}

static const MigrationParameters params_default = PARAMS_DEFAULT_INIT;

/*
 * The parameters.  params_lock guards every member: migrate-set-parameters
 * may replace them while the migration thread reads bandwidth or
 * throttle values.  Strings and lists are owned here.
 */
static GMutex params_lock;
static MigrationParameters params = PARAMS_DEFAULT_INIT;

/* ---- capabilities ---- */

bool migrate_cap(MigrationCapability cap)
{
    g_assert(cap >= 0 && cap < MIGRATION_CAPABILITY__MAX);
    return qatomic_read(&caps[cap]);
}

#define CAP_ACCESSOR(fn, cap)                                           \
    bool fn(void)                                                       \
    {                                                                   \
        return migrate_cap(MIGRATION_CAPABILITY_##cap);                 \
    }

CAP_ACCESSOR(migrate_auto_converge, AUTO_CONVERGE)
CAP_ACCESSOR(migrate_dirty_limit, DIRTY_LIMIT)
CAP_ACCESSOR(migrate_events, EVENTS)
CAP_ACCESSOR(migrate_postcopy_ram, POSTCOPY_RAM)
CAP_ACCESSOR(migrate_postcopy_preempt, POSTCOPY_PREEMPT)
CAP_ACCESSOR(migrate_postcopy_blocktime, POSTCOPY_BLOCKTIME)
CAP_ACCESSOR(migrate_return_path, RETURN_PATH)
CAP_ACCESSOR(migrate_pause_before_switchover, PAUSE_BEFORE_SWITCHOVER)
CAP_ACCESSOR(migrate_switchover_ack, SWITCHOVER_ACK)
CAP_ACCESSOR(migrate_validate_uuid, VALIDATE_UUID)
CAP_ACCESSOR(migrate_xbzrle, XBZRLE)
CAP_ACCESSOR(migrate_multifd, MULTIFD)
CAP_ACCESSOR(migrate_mapped_ram, MAPPED_RAM)
CAP_ACCESSOR(migrate_dirty_bitmaps, DIRTY_BITMAPS)
CAP_ACCESSOR(migrate_background_snapshot, BACKGROUND_SNAPSHOT)
CAP_ACCESSOR(migrate_zero_copy_send, ZERO_COPY_SEND)
CAP_ACCESSOR(migrate_ignore_shared, X_IGNORE_SHARED)
CAP_ACCESSOR(migrate_late_block_activate, LATE_BLOCK_ACTIVATE)
CAP_ACCESSOR(migrate_release_ram, RELEASE_RAM)
CAP_ACCESSOR(migrate_postcopy_safe_start, X_POSTCOPY_SAFE_START)
CAP_ACCESSOR(migrate_ram_digest, X_RAM_DIGEST)

bool migrate_uses_return_path(void)
{
    /* QEMU always opens a return path for postcopy (spec 2.6). */
    return migrate_return_path() || migrate_postcopy_ram();
}

bool migrate_cap_supported(MigrationCapability cap)
{
    for (size_t i = 0; i < G_N_ELEMENTS(supported_caps); i++) {
        if (supported_caps[i] == cap) {
            return true;
        }
    }
    return false;
}

void migrate_caps_get(bool out[MIGRATION_CAPABILITY__MAX])
{
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        out[i] = qatomic_read(&caps[i]);
    }
}

void migrate_caps_apply(const bool *new_caps)
{
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        qatomic_set(&caps[i], new_caps[i]);
    }
}

/*
 * background-snapshot conflicts, in the order QEMU reports them
 * (spec 7.8).
 */
static const MigrationCapability bg_snapshot_conflicts[] = {
    MIGRATION_CAPABILITY_POSTCOPY_RAM,
    MIGRATION_CAPABILITY_DIRTY_BITMAPS,
    MIGRATION_CAPABILITY_POSTCOPY_BLOCKTIME,
    MIGRATION_CAPABILITY_LATE_BLOCK_ACTIVATE,
    MIGRATION_CAPABILITY_RETURN_PATH,
    MIGRATION_CAPABILITY_MULTIFD,
    MIGRATION_CAPABILITY_PAUSE_BEFORE_SWITCHOVER,
    MIGRATION_CAPABILITY_AUTO_CONVERGE,
    MIGRATION_CAPABILITY_RELEASE_RAM,
    MIGRATION_CAPABILITY_RDMA_PIN_ALL,
    MIGRATION_CAPABILITY_XBZRLE,
    MIGRATION_CAPABILITY_X_COLO,
    MIGRATION_CAPABILITY_VALIDATE_UUID,
    MIGRATION_CAPABILITY_ZERO_COPY_SEND,
};

bool migrate_caps_check(const bool *old_caps, const bool *new_caps,
                        GError **errp)
{
#define NEW(c) (new_caps[MIGRATION_CAPABILITY_##c])
#define OLD(c) (old_caps[MIGRATION_CAPABILITY_##c])
    if (NEW(ZERO_BLOCKS)) {
        warn_report("zero-blocks capability is deprecated");
    }
    if (NEW(X_COLO)) {
        /* This build has no replication support, as QEMU without it. */
        error_setg(errp, "QEMU compiled without replication module "
                   "can't enable COLO");
        return false;
    }
    /*
     * postcopy-ram: a destination (run state inmigrate) that newly
     * enables it must be able to handle page faults (userfaultfd).
     */
    if (NEW(POSTCOPY_RAM) && !OLD(POSTCOPY_RAM) &&
        runstate_check(RUN_STATE_INMIGRATE)) {
        GError *err = NULL;

        if (!postcopy_ram_supported_by_host(&err)) {
            error_setg(errp, "Postcopy is not supported: %s", err->message);
            g_error_free(err);
            return false;
        }
    }
    if (NEW(POSTCOPY_RAM) && NEW(X_IGNORE_SHARED)) {
        error_setg(errp, "Postcopy is not compatible with ignore-shared");
        return false;
    }
    if (NEW(BACKGROUND_SNAPSHOT)) {
        for (size_t i = 0; i < G_N_ELEMENTS(bg_snapshot_conflicts); i++) {
            MigrationCapability c = bg_snapshot_conflicts[i];

            if (new_caps[c]) {
                error_setg(errp, "Background-snapshot is not compatible "
                           "with %s", MigrationCapability_str(c));
                return false;
            }
        }
    }
    if (NEW(ZERO_COPY_SEND) &&
        (!NEW(MULTIFD) || NEW(XBZRLE) ||
         migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE ||
         migrate_tls())) {
        error_setg(errp, "Zero copy only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }
    if (NEW(POSTCOPY_PREEMPT)) {
        if (!NEW(POSTCOPY_RAM)) {
            error_setg(errp, "Postcopy preempt requires postcopy-ram");
            return false;
        }
        if (!OLD(POSTCOPY_PREEMPT) &&
            migration_incoming_transport_started()) {
            error_setg(errp, "Postcopy preempt must be set before incoming "
                       "starts");
            return false;
        }
    }
    if (NEW(MULTIFD) && !OLD(MULTIFD) &&
        migration_incoming_transport_started()) {
        error_setg(errp, "Multifd must be set before incoming starts");
        return false;
    }
    if (NEW(SWITCHOVER_ACK) && !NEW(RETURN_PATH)) {
        error_setg(errp, "Capability 'switchover-ack' requires capability "
                   "'return-path'");
        return false;
    }
    /* QEMU also needs KVM's dirty ring here; our interpreter counts its
     * own writes instead (include/system/dirtylimit.h). */
    if (NEW(DIRTY_LIMIT) && NEW(AUTO_CONVERGE)) {
        /* sic: QEMU's text */
        error_setg(errp, "dirty-limit conflicts with auto-converge "
                   "either of then available currently");
        return false;
    }
    if (NEW(MULTIFD) && NEW(XBZRLE)) {
        error_setg(errp, "Multifd is not compatible with xbzrle");
        return false;
    }
    if (NEW(MAPPED_RAM)) {
        if (NEW(XBZRLE)) {
            error_setg(errp, "Mapped-ram migration is incompatible with "
                       "xbzrle");
            return false;
        }
        if (NEW(POSTCOPY_RAM)) {
            error_setg(errp, "Mapped-ram migration is incompatible with "
                       "postcopy");
            return false;
        }
        /*
         * Beyond QEMU: its 10.2 writer and reader disagree on mr_addr
         * with both on (wire 7.3 quirk), so the pair cannot round-trip.
         */
        if (NEW(X_IGNORE_SHARED)) {
            error_setg(errp, "Mapped-ram migration is incompatible with "
                       "x-ignore-shared");
            return false;
        }
    }
    /* Beyond QEMU: only meaningful for RAM postcopy. */
    if (NEW(X_POSTCOPY_SAFE_START) && !NEW(POSTCOPY_RAM)) {
        error_setg(errp, "Capability 'x-postcopy-safe-start' requires "
                   "capability 'postcopy-ram'");
        return false;
    }
    /*
     * Beyond QEMU. With postcopy-ram the check runs at completion and
     * reports (ram-digest.rst). A mapped-ram file is a save image: its
     * RAM is written in place and read back by parallel readers, and the
     * check has not been built or tested for that path.
     */
    if (NEW(X_RAM_DIGEST)) {
        if (NEW(MAPPED_RAM)) {
            error_setg(errp, "Capability 'x-ram-digest' is incompatible "
                       "with 'mapped-ram'");
            return false;
        }
    }
    /*
     * QEMU re-checks the RDMA conflicts once an RDMA migration was
     * started; this build has no RDMA transport, so that never happens.
     */
#undef NEW
#undef OLD

    /* Last, so that the spec's own rules keep their precedence. */
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        if (new_caps[i] && !migrate_cap_supported(i)) {
            error_setg(errp, "Capability '%s' is not supported yet by "
                       "qemu-system-cr16", MigrationCapability_str(i));
            return false;
        }
    }
    return true;
}

/* ---- parameters: accessors ---- */

#define PARAM_ACCESSOR(type, fn, member)                                \
    type fn(void)                                                       \
    {                                                                   \
        type v;                                                         \
                                                                        \
        g_mutex_lock(&params_lock);                                     \
        v = params.member;                                              \
        g_mutex_unlock(&params_lock);                                   \
        return v;                                                       \
    }

PARAM_ACCESSOR(uint64_t, migrate_max_bandwidth, max_bandwidth)
PARAM_ACCESSOR(uint64_t, migrate_avail_switchover_bandwidth,
               avail_switchover_bandwidth)
PARAM_ACCESSOR(uint64_t, migrate_downtime_limit, downtime_limit)
PARAM_ACCESSOR(uint64_t, migrate_max_postcopy_bandwidth,
               max_postcopy_bandwidth)
PARAM_ACCESSOR(uint8_t, migrate_cpu_throttle_initial, cpu_throttle_initial)
PARAM_ACCESSOR(uint8_t, migrate_cpu_throttle_increment,
               cpu_throttle_increment)
PARAM_ACCESSOR(bool, migrate_cpu_throttle_tailslow, cpu_throttle_tailslow)
PARAM_ACCESSOR(uint8_t, migrate_max_cpu_throttle, max_cpu_throttle)
PARAM_ACCESSOR(uint8_t, migrate_throttle_trigger_threshold,
               throttle_trigger_threshold)
PARAM_ACCESSOR(uint64_t, migrate_xbzrle_cache_size, xbzrle_cache_size)
PARAM_ACCESSOR(int, migrate_multifd_channels, multifd_channels)
PARAM_ACCESSOR(MultiFDCompression, migrate_multifd_compression,
               multifd_compression)
PARAM_ACCESSOR(int, migrate_multifd_zlib_level, multifd_zlib_level)
PARAM_ACCESSOR(int, migrate_multifd_zstd_level, multifd_zstd_level)
PARAM_ACCESSOR(int, migrate_multifd_qatzip_level, multifd_qatzip_level)
PARAM_ACCESSOR(ZeroPageDetection, migrate_zero_page_detection,
               zero_page_detection)
PARAM_ACCESSOR(bool, migrate_direct_io, direct_io)
PARAM_ACCESSOR(uint64_t, migrate_announce_initial, announce_initial)
PARAM_ACCESSOR(uint64_t, migrate_announce_max, announce_max)
PARAM_ACCESSOR(uint64_t, migrate_announce_rounds, announce_rounds)
PARAM_ACCESSOR(uint64_t, migrate_announce_step, announce_step)
PARAM_ACCESSOR(uint32_t, migrate_checkpoint_delay, x_checkpoint_delay)
PARAM_ACCESSOR(uint64_t, migrate_vcpu_dirty_limit_period,
               x_vcpu_dirty_limit_period)
PARAM_ACCESSOR(uint64_t, migrate_vcpu_dirty_limit, vcpu_dirty_limit)
PARAM_ACCESSOR(MigMode, migrate_mode, mode)
PARAM_ACCESSOR(uint64_t, migrate_postcopy_device_timeout_ms,
               x_postcopy_device_timeout_ms)
PARAM_ACCESSOR(bool, migrate_convergence_report, x_convergence_report)
PARAM_ACCESSOR(uint32_t, migrate_stall_detect_passes, x_stall_detect_passes)
PARAM_ACCESSOR(uint64_t, migrate_downtime_ramp_initial,
               x_downtime_ramp_initial)
PARAM_ACCESSOR(uint64_t, migrate_downtime_ramp_step, x_downtime_ramp_step)
PARAM_ACCESSOR(uint64_t, migrate_downtime_ramp_max, x_downtime_ramp_max)
PARAM_ACCESSOR(uint64_t, migrate_completion_budget_ms,
               x_completion_budget_ms)
PARAM_ACCESSOR(MigrationBudgetAction, migrate_completion_budget_action,
               x_completion_budget_action)

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

const char *migrate_tls_creds(void)
{
    return str_or_empty(params.tls_creds);
}

const char *migrate_tls_hostname(void)
{
    return str_or_empty(params.tls_hostname);
}

const char *migrate_tls_authz(void)
{
    return str_or_empty(params.tls_authz);
}

bool migrate_tls(void)
{
    bool on;

    g_mutex_lock(&params_lock);
    on = params.tls_creds && *params.tls_creds;
    g_mutex_unlock(&params_lock);
    return on;
}

char **migrate_cpr_exec_command(void)
{
    GPtrArray *argv;

    g_mutex_lock(&params_lock);
    if (!params.cpr_exec_command) {
        g_mutex_unlock(&params_lock);
        return NULL;
    }
    argv = g_ptr_array_new();
    for (strList *l = params.cpr_exec_command; l; l = l->next) {
        g_ptr_array_add(argv, g_strdup(l->value));
    }
    g_mutex_unlock(&params_lock);
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, false);
}

/* ---- parameters: copy, merge, check, apply ---- */

/* A deep copy through the generated visitors (the schema is the list). */
static MigrationParameters *params_copy_locked(void)
{
    g_autoptr(JsonNode) node = qapi_MigrationParameters_to_json(&params);
    GError *err = NULL;
    MigrationParameters *p;

    p = qapi_MigrationParameters_from_json(node, NULL, &err);
    /* Our own output always parses back. */
    g_assert(p && !err);
    return p;
}

MigrationParameters *migrate_params_get(void)
{
    MigrationParameters *p;

    g_mutex_lock(&params_lock);
    p = params_copy_locked();
    g_mutex_unlock(&params_lock);
    /* spec 7.9: TLS strings are always reported, "" when unset. */
    if (!p->tls_creds) {
        p->tls_creds = g_strdup("");
    }
    if (!p->tls_hostname) {
        p->tls_hostname = g_strdup("");
    }
    if (!p->tls_authz) {
        p->tls_authz = g_strdup("");
    }
    convergence_params_hide_defaults(p);
    return p;
}

MigrationParameters *migrate_params_merge(const MigrateSetParameters *req)
{
    g_autoptr(JsonNode) cur = NULL;
    g_autoptr(JsonNode) upd = qapi_MigrateSetParameters_to_json(req);
    JsonObject *cur_obj, *upd_obj;
    g_autoptr(GList) names = NULL;
    GError *err = NULL;
    MigrationParameters *p;

    g_mutex_lock(&params_lock);
    cur = qapi_MigrationParameters_to_json(&params);
    g_mutex_unlock(&params_lock);

    /*
     * Both types have the same member names; the request carries only
     * the members it sets.  JSON null (StrOrNull) means "".
     */
    cur_obj = json_node_get_object(cur);
    upd_obj = json_node_get_object(upd);
    names = json_object_get_members(upd_obj);
    for (GList *l = names; l; l = l->next) {
        JsonNode *v = json_object_get_member(upd_obj, l->data);

        if (JSON_NODE_HOLDS_NULL(v)) {
            json_object_set_string_member(cur_obj, l->data, "");
        } else {
            json_object_set_member(cur_obj, l->data, json_node_copy(v));
        }
    }
    p = qapi_MigrationParameters_from_json(cur, NULL, &err);
    g_assert(p && !err);
    return p;
}

/* One "Parameter '<name>' expects <text>" range rule. */
typedef struct ParamRange {
    const char *name;           /* as QEMU spells it in the message */
    size_t offset;              /* of the member in MigrationParameters */
    size_t size;                /* 1, 4 or 8 bytes */
    uint64_t min, max;
    const char *expects;
} ParamRange;

#define RANGE(name, member, min, max, text)                             \
    { name, offsetof(MigrationParameters, member),                      \
      sizeof(((MigrationParameters *)0)->member), min, max, text }

/* spec 7.9 order; xbzrle and max-cpu-throttle sit between the tables. */
static const ParamRange ranges_before_xbzrle[] = {
    RANGE("throttle_trigger_threshold", throttle_trigger_threshold, 1, 100,
          "an integer in the range of 1 to 100"),
    RANGE("cpu_throttle_initial", cpu_throttle_initial, 1, 99,
          "an integer in the range of 1 to 99"),
    RANGE("cpu_throttle_increment", cpu_throttle_increment, 1, 99,
          "an integer in the range of 1 to 99"),
    /* SIZE_MAX bounds: unreachable with a 64-bit size_t (the text is
     * QEMU's with SIZE_MAX of a 64-bit host). */
    RANGE("max_bandwidth", max_bandwidth, 0, SIZE_MAX,
          "an integer in the range of 0 to 18446744073709551615 "
          "bytes/second"),
    RANGE("avail_switchover_bandwidth", avail_switchover_bandwidth, 0,
          SIZE_MAX, "an integer in the range of 0 to 18446744073709551615 "
          "bytes/second"),
    /* The macro text is what QEMU prints, unevaluated. */
    RANGE("downtime_limit", downtime_limit, 0, 2000 * 1000,
          "an integer in the range of 0 to (2000 * 1000) ms"),
    RANGE("multifd_channels", multifd_channels, 1, 255,
          "a value between 1 and 255"),
    RANGE("multifd_zlib_level", multifd_zlib_level, 0, 9,
          "a value between 0 and 9"),
    RANGE("multifd_qatzip_level", multifd_qatzip_level, 1, 9,
          "a value between 1 and 9"),
    RANGE("multifd_zstd_level", multifd_zstd_level, 0, 20,
          "a value between 0 and 20"),
};

static const ParamRange ranges_announce[] = {
    RANGE("announce_initial", announce_initial, 0, 100000,
          "a value between 0 and 100000"),
    RANGE("announce_max", announce_max, 0, 100000,
          "a value between 0 and 100000"),
    RANGE("announce_rounds", announce_rounds, 0, 1000,
          "a value between 0 and 1000"),
    /* QEMU refuses 0 but its message says 0. */
    RANGE("announce_step", announce_step, 1, 10000,
          "a value between 0 and 10000"),
};

static const ParamRange range_dirty_limit_period =
    RANGE("x-vcpu-dirty-limit-period", x_vcpu_dirty_limit_period, 1, 1000,
          "a value between 1 and 1000");

static uint64_t param_value(const MigrationParameters *p,
                            const ParamRange *r)
{
    const char *base = (const char *)p + r->offset;

    switch (r->size) {
    case 1:
        return *(const uint8_t *)base;
    case 4:
        return *(const uint32_t *)base;
    default:
        g_assert(r->size == 8);
        return *(const uint64_t *)base;
    }
}

static bool ranges_check(const MigrationParameters *p,
                         const ParamRange *r, size_t n, GError **errp)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t v = param_value(p, &r[i]);

        if (v < r[i].min || v > r[i].max) {
            error_setg(errp, "Parameter '%s' expects %s", r[i].name,
                       r[i].expects);
            return false;
        }
    }
    return true;
}

/* QEMU's limits for names in the block dirty-bitmap stream. */
#define BITMAP_ALIAS_MAX        255
#define BITMAP_NAME_MAX         1023

static bool bitmap_mapping_check(const BitmapMigrationNodeAliasList *bbm,
                                 GError **errp)
{
    g_autoptr(GHashTable) nodes = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) aliases = g_hash_table_new(g_str_hash,
                                                     g_str_equal);

    for (; bbm; bbm = bbm->next) {
        const BitmapMigrationNodeAlias *n = bbm->value;
        g_autoptr(GHashTable) bnames = NULL;
        g_autoptr(GHashTable) baliases = NULL;

        if (strlen(n->alias) > BITMAP_ALIAS_MAX) {
            error_setg(errp, "The node alias '%s' is longer than %d bytes",
                       n->alias, BITMAP_ALIAS_MAX);
            return false;
        }
        if (!id_wellformed(n->alias)) {
            error_setg(errp, "The node alias '%s' is not well-formed",
                       n->alias);
            return false;
        }
        if (!g_hash_table_add(nodes, n->node_name)) {
            error_setg(errp, "The node name '%s' is mapped twice",
                       n->node_name);
            return false;
        }
        if (!g_hash_table_add(aliases, n->alias)) {
            error_setg(errp, "The node alias '%s' is used twice", n->alias);
            return false;
        }
        bnames = g_hash_table_new(g_str_hash, g_str_equal);
        baliases = g_hash_table_new(g_str_hash, g_str_equal);
        for (BitmapMigrationBitmapAliasList *b = n->bitmaps; b; b = b->next) {
            const BitmapMigrationBitmapAlias *ba = b->value;

            if (strlen(ba->alias) > BITMAP_ALIAS_MAX) {
                error_setg(errp, "The bitmap alias '%s'/'%s' is longer "
                           "than %d bytes", n->alias, ba->alias,
                           BITMAP_ALIAS_MAX);
                return false;
            }
            if (strlen(ba->name) > BITMAP_NAME_MAX) {
                error_setg(errp, "The bitmap name '%s'/'%s' is longer "
                           "than %d bytes", n->node_name, ba->name,
                           BITMAP_NAME_MAX);
                return false;
            }
            if (!g_hash_table_add(bnames, ba->name)) {
                error_setg(errp, "The bitmap '%s'/'%s' is mapped twice",
                           n->node_name, ba->name);
                return false;
            }
            if (!g_hash_table_add(baliases, ba->alias)) {
                error_setg(errp, "The bitmap alias '%s'/'%s' is used twice",
                           n->alias, ba->alias);
                return false;
            }
        }
    }
    return true;
}

bool migrate_params_check(const MigrationParameters *p, GError **errp)
{
    GError *err = NULL;

    if (!ranges_check(p, ranges_before_xbzrle,
                      G_N_ELEMENTS(ranges_before_xbzrle), errp)) {
        return false;
    }
    if (p->xbzrle_cache_size < TARGET_PAGE_SIZE ||
        !is_power_of_2(p->xbzrle_cache_size)) {
        error_setg(errp, "Parameter 'xbzrle_cache_size' expects a power of "
                   "two no less than the target page size");
        return false;
    }
    if (p->max_cpu_throttle < p->cpu_throttle_initial ||
        p->max_cpu_throttle > 99) {
        error_setg(errp, "Parameter 'max_cpu_throttle' expects an integer "
                   "in the range of cpu_throttle_initial to 99");
        return false;
    }
    if (!ranges_check(p, ranges_announce, G_N_ELEMENTS(ranges_announce),
                      errp)) {
        return false;
    }
    if (p->block_bitmap_mapping &&
        !bitmap_mapping_check(p->block_bitmap_mapping, &err)) {
        error_setg(errp, "Invalid mapping given for block-bitmap-mapping: "
                   "%s", err->message);
        g_error_free(err);
        return false;
    }
    if (migrate_zero_copy_send() &&
        (p->multifd_compression != MULTIFD_COMPRESSION_NONE ||
         (p->tls_creds && *p->tls_creds))) {
        error_setg(errp, "Zero copy only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }
    /*
     * Quirk kept from QEMU (spec 7.9): this rule looks at the applied
     * values, not at the ones being checked.
     */
    if (migrate_mapped_ram() &&
        (migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE ||
         migrate_tls())) {
        error_setg(errp, "Mapped-ram only available for non-compressed "
                   "non-TLS multifd migration");
        return false;
    }
    if (!ranges_check(p, &range_dirty_limit_period, 1, errp)) {
        return false;
    }
    if (p->vcpu_dirty_limit < 1) {
        error_setg(errp, "Parameter 'vcpu_dirty_limit' must be greater "
                   "than 1 MB/s");
        return false;
    }
    if (!convergence_params_check(p, errp)) {
        return false;
    }
#ifndef O_DIRECT
    if (p->direct_io) {
        error_setg(errp, "No build-time support for direct-io");
        return false;
    }
#endif
    return true;
}

void migrate_params_apply(MigrationParameters *p)
{
    MigrationParameters old;

    g_mutex_lock(&params_lock);
    old = params;
    params = *p;
    g_mutex_unlock(&params_lock);
    g_free(p);
    qapi_free_MigrationParameters_members(&old);
}

/* ---- reset ---- */

void migration_options_reset(void)
{
    MigrationParameters *p = g_new(MigrationParameters, 1);
    bool none[MIGRATION_CAPABILITY__MAX] = { false };

    *p = params_default;
    migrate_params_apply(p);
    migrate_caps_apply(none);
    migration_object_flags_reset();
}

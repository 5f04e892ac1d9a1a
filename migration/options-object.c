/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "migration" QOM object: the target of -global migration.<prop>.
 * Its properties are views of the stored capabilities and parameters
 * (QEMU's property names: x-<capability> for most capabilities, some
 * parameters with an x- prefix) plus the stream-shaping switches of
 * migration-wire-format.md 0.3, which exist only here.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "qapi/qapi-visit.h"
#include "hw/qdev-core.h"
#include "qom/object.h"
#include "migration/options-internal.h"

#define TYPE_MIGRATION "migration"

typedef struct MigrationObjectFlags {
    bool send_configuration;
    bool send_section_footer;
    bool send_switchover_start;
    bool store_global_state;
    bool multifd_flush_after_each_section;
    bool multifd_clean_tls_termination;
    bool preempt_pre_7_2;
    bool postcopy_device_state;
    bool vcpu_stall_probe;
} MigrationObjectFlags;

/* The 10.2 defaults (wire-format 0.3); an initializer, so that both
 * objects below are constant-initialized (ISO C, not a GCC extension). */
#define MIGRATION_OBJECT_FLAGS_DEFAULT {                                \
    .send_configuration = true,                                         \
    .send_section_footer = true,                                        \
    .send_switchover_start = true,                                      \
    .store_global_state = true,                                         \
    .multifd_flush_after_each_section = false,                          \
    .multifd_clean_tls_termination = true,                              \
    .preempt_pre_7_2 = false,                                           \
    .postcopy_device_state = true,                                      \
    .vcpu_stall_probe = false,                                          \
}

static const MigrationObjectFlags flags_default =
    MIGRATION_OBJECT_FLAGS_DEFAULT;

/* Set at start-up (main thread) before any migration; read anywhere. */
static MigrationObjectFlags flags = MIGRATION_OBJECT_FLAGS_DEFAULT;

typedef enum MigPropKind {
    MIG_PROP_CAP,
    MIG_PROP_PARAM,
    MIG_PROP_FLAG,
} MigPropKind;

typedef struct MigProp {
    const char *name;
    MigPropKind kind;
    const char *type;           /* QOM property type */
    MigrationCapability cap;    /* MIG_PROP_CAP */
    const char *param;          /* MIG_PROP_PARAM: member name */
    size_t flag;                /* MIG_PROP_FLAG: offset in flags */
} MigProp;

#define CAP(n, c) \
    { n, MIG_PROP_CAP, "bool", MIGRATION_CAPABILITY_##c, NULL, 0 }
#define PARAM(n, member, t) \
    { n, MIG_PROP_PARAM, t, 0, member, 0 }
#define FLAG(n, field) \
    { n, MIG_PROP_FLAG, "bool", 0, NULL, \
      offsetof(MigrationObjectFlags, field) }

static const MigProp mig_props[] = {
    FLAG("store-global-state", store_global_state),
    FLAG("send-configuration", send_configuration),
    FLAG("send-section-footer", send_section_footer),
    FLAG("send-switchover-start", send_switchover_start),
    FLAG("multifd-flush-after-each-section",
         multifd_flush_after_each_section),
    FLAG("multifd-clean-tls-termination", multifd_clean_tls_termination),
    FLAG("x-preempt-pre-7-2", preempt_pre_7_2),
    FLAG("x-postcopy-device-state", postcopy_device_state),
    FLAG("x-vcpu-stall-probe", vcpu_stall_probe),

    PARAM("x-throttle-trigger-threshold", "throttle-trigger-threshold",
          "uint8"),
    PARAM("x-cpu-throttle-initial", "cpu-throttle-initial", "uint8"),
    PARAM("x-cpu-throttle-increment", "cpu-throttle-increment", "uint8"),
    PARAM("x-cpu-throttle-tailslow", "cpu-throttle-tailslow", "bool"),
    PARAM("x-max-bandwidth", "max-bandwidth", "size"),
    PARAM("avail-switchover-bandwidth", "avail-switchover-bandwidth",
          "size"),
    PARAM("x-downtime-limit", "downtime-limit", "uint64"),
    PARAM("x-checkpoint-delay", "x-checkpoint-delay", "uint32"),
    PARAM("multifd-channels", "multifd-channels", "uint8"),
    PARAM("multifd-compression", "multifd-compression",
          "MultiFDCompression"),
    PARAM("multifd-zlib-level", "multifd-zlib-level", "uint8"),
    PARAM("multifd-qatzip-level", "multifd-qatzip-level", "uint8"),
    PARAM("multifd-zstd-level", "multifd-zstd-level", "uint8"),
    PARAM("xbzrle-cache-size", "xbzrle-cache-size", "size"),
    PARAM("max-postcopy-bandwidth", "max-postcopy-bandwidth", "size"),
    PARAM("max-cpu-throttle", "max-cpu-throttle", "uint8"),
    PARAM("announce-initial", "announce-initial", "size"),
    PARAM("announce-max", "announce-max", "size"),
    PARAM("announce-rounds", "announce-rounds", "size"),
    PARAM("announce-step", "announce-step", "size"),
    PARAM("tls-creds", "tls-creds", "string"),
    PARAM("tls-hostname", "tls-hostname", "string"),
    PARAM("tls-authz", "tls-authz", "string"),
    PARAM("x-vcpu-dirty-limit-period", "x-vcpu-dirty-limit-period",
          "uint64"),
    PARAM("vcpu-dirty-limit", "vcpu-dirty-limit", "uint64"),
    PARAM("mode", "mode", "MigMode"),
    PARAM("zero-page-detection", "zero-page-detection",
          "ZeroPageDetection"),
    PARAM("x-postcopy-device-timeout-ms", "x-postcopy-device-timeout-ms",
          "uint64"),

    CAP("x-xbzrle", XBZRLE),
    CAP("x-rdma-pin-all", RDMA_PIN_ALL),
    CAP("x-auto-converge", AUTO_CONVERGE),
    CAP("x-zero-blocks", ZERO_BLOCKS),
    CAP("x-events", EVENTS),
    CAP("x-postcopy-ram", POSTCOPY_RAM),
    CAP("x-postcopy-preempt", POSTCOPY_PREEMPT),
    CAP("x-postcopy-safe-start", X_POSTCOPY_SAFE_START),
    CAP("x-ram-digest", X_RAM_DIGEST),
    CAP("x-colo", X_COLO),
    CAP("x-release-ram", RELEASE_RAM),
    CAP("x-return-path", RETURN_PATH),
    CAP("x-multifd", MULTIFD),
    CAP("x-background-snapshot", BACKGROUND_SNAPSHOT),
    CAP("x-zero-copy-send", ZERO_COPY_SEND),
    CAP("x-switchover-ack", SWITCHOVER_ACK),
    CAP("x-dirty-limit", DIRTY_LIMIT),
    CAP("mapped-ram", MAPPED_RAM),
};

static bool *flag_ptr(const MigProp *mp)
{
    return (bool *)((char *)&flags + mp->flag);
}

static JsonNode *mig_prop_get(Object *obj, ObjectProperty *prop,
                              GError **errp)
{
    const MigProp *mp = prop->opaque;

    switch (mp->kind) {
    case MIG_PROP_CAP:
        return qapi_bool_to_json(migrate_cap(mp->cap));
    case MIG_PROP_FLAG:
        return qapi_bool_to_json(qatomic_read(flag_ptr(mp)));
    case MIG_PROP_PARAM: {
        g_autoptr(MigrationParameters) p = migrate_params_get();
        g_autoptr(JsonNode) all = qapi_MigrationParameters_to_json(p);

        return json_node_copy(json_object_get_member(
                                  json_node_get_object(all), mp->param));
    }
    }
    g_assert_not_reached();
}

static bool mig_prop_set(Object *obj, ObjectProperty *prop, JsonNode *value,
                         GError **errp)
{
    const MigProp *mp = prop->opaque;
    bool b;

    switch (mp->kind) {
    case MIG_PROP_CAP: {
        bool caps[MIGRATION_CAPABILITY__MAX];

        if (!qapi_bool_from_json(value, mp->name, &b, errp)) {
            return false;
        }
        /* Checked as a whole by migration_object_init() afterwards. */
        migrate_caps_get(caps);
        caps[mp->cap] = b;
        migrate_caps_apply(caps);
        return true;
    }
    case MIG_PROP_FLAG:
        if (!qapi_bool_from_json(value, mp->name, &b, errp)) {
            return false;
        }
        qatomic_set(flag_ptr(mp), b);
        return true;
    case MIG_PROP_PARAM: {
        /* The schema's visitor checks the value's type and range. */
        g_autoptr(JsonNode) req_node = json_node_new(JSON_NODE_OBJECT);
        JsonObject *req_obj = json_object_new();
        g_autoptr(MigrateSetParameters) req = NULL;

        json_object_set_member(req_obj, mp->param, json_node_copy(value));
        json_node_take_object(req_node, req_obj);
        req = qapi_MigrateSetParameters_from_json(req_node, NULL, errp);
        if (!req) {
            return false;
        }
        migrate_params_apply(migrate_params_merge(req));
        return true;
    }
    }
    g_assert_not_reached();
}

static void migration_object_class_init(ObjectClass *oc, const void *data)
{
    for (size_t i = 0; i < G_N_ELEMENTS(mig_props); i++) {
        object_class_property_add(oc, mig_props[i].name, mig_props[i].type,
                                  mig_prop_get, mig_prop_set, NULL,
                                  (void *)&mig_props[i]);
    }
}

static const TypeInfo migration_object_info = {
    .name = TYPE_MIGRATION,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_init = migration_object_class_init,
};

static void migration_object_register_types(void)
{
    type_register_static(&migration_object_info);
}

type_init(migration_object_register_types)

static Object *migration_object;

bool migration_object_init(GError **errp)
{
    bool no_caps[MIGRATION_CAPABILITY__MAX] = { false };
    bool caps[MIGRATION_CAPABILITY__MAX];
    g_autoptr(MigrationParameters) p = NULL;

    g_assert(!migration_object);
    migration_object = object_new(TYPE_MIGRATION);
    if (!object_apply_global_props(migration_object, errp)) {
        return false;
    }
    /* The same rules as the QMP commands, from the defaults. */
    p = migrate_params_get();
    if (!migrate_params_check(p, errp)) {
        return false;
    }
    migrate_caps_get(caps);
    return migrate_caps_check(no_caps, caps, errp);
}

void migration_object_flags_reset(void)
{
    flags = flags_default;
}

#define FLAG_ACCESSOR(fn, field)                                        \
    bool fn(void)                                                       \
    {                                                                   \
        return qatomic_read(&flags.field);                              \
    }

FLAG_ACCESSOR(migrate_send_configuration, send_configuration)
FLAG_ACCESSOR(migrate_send_section_footer, send_section_footer)
FLAG_ACCESSOR(migrate_send_switchover_start, send_switchover_start)
FLAG_ACCESSOR(migrate_postcopy_device_state, postcopy_device_state)
FLAG_ACCESSOR(migrate_vcpu_stall_probe, vcpu_stall_probe)
FLAG_ACCESSOR(migrate_store_global_state, store_global_state)
FLAG_ACCESSOR(migrate_multifd_flush_after_each_section,
              multifd_flush_after_each_section)
FLAG_ACCESSOR(migrate_multifd_clean_tls_termination,
              multifd_clean_tls_termination)
FLAG_ACCESSOR(migrate_preempt_pre_7_2, preempt_pre_7_2)

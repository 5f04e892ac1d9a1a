/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * migration-testdev: a register-less device whose migrated state is a
 * blob of configurable size filled with a pattern derived from a sequence
 * number, plus that sequence number and a checksum, and whose load can be
 * slowed down or made to fail on request. Tests drive it through QOM
 * properties (see include/hw/cr16/migration-testdev.h).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/cr16/migration-testdev.h"
#include "migration/vmstate.h"
#include "migration/register.h"
#include "migration/qemu-file.h"
#include "migration/switchover.h"
#include "migration/blocker.h"
#include "migration-testdev-dirty.h"

/* ---- register map: none (QOM properties only) ---- */

#define TESTDEV_DEFAULT_STATE 4096

/* ---- state ---- */

OBJECT_DECLARE_SIMPLE_TYPE(MigrationTestdevState, MIGRATION_TESTDEV)

struct MigrationTestdevState {
    DeviceState parent_obj;

    uint32_t sequence;      /* architectural: pattern sequence number */
    uint32_t checksum;      /* architectural: checksum the blob must have */
    uint32_t blob_size;     /* architectural: blob bytes (= state_size) */
    uint8_t *blob;          /* architectural: the state blob */
    bool ack_loaded;        /* scratch: switchover-ack subsection seen */
    bool precopy_loaded;    /* scratch: the ack entry's START arrived */
    bool approved;          /* scratch: switchover approved */
    bool hold_ack;          /* scratch (run time): "hold-switchover-ack" */

    uint64_t state_size;    /* scratch (config): "state-size" */
    uint32_t load_delay_ms; /* scratch (config): "load-delay-ms" */
    bool fail_load;         /* scratch (config): "fail-load" */
    bool switchover_ack;    /* scratch (config): "switchover-ack" */
    char *blocker_text;     /* scratch (config): "migration-blocker" */
    bool unmigratable;      /* scratch (config): "unmigratable" */
    GError *blocker;        /* scratch: the registered blocker */
    TestdevDirtier dirtier; /* scratch: writes RAM at a set rate */
};

/* Byte i of the blob of sequence seq: a 32-bit LCG stream. */
static void testdev_fill_pattern(uint8_t *buf, size_t len, uint32_t seq)
{
    uint32_t x = seq * 2654435761u + 0x9E3779B9u;

    for (size_t i = 0; i < len; i++) {
        x = x * 1664525u + 1013904223u;
        buf[i] = x >> 24;
    }
}

static uint32_t testdev_checksum(const uint8_t *buf, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ buf[i]) * 16777619u;
    }
    return h;
}

static void testdev_regenerate(MigrationTestdevState *s)
{
    if (s->blob_size && !s->blob) {
        s->blob = g_malloc(s->blob_size);
    }
    testdev_fill_pattern(s->blob, s->blob_size, s->sequence);
    s->checksum = testdev_checksum(s->blob, s->blob_size);
}

static bool testdev_pattern_ok(const MigrationTestdevState *s)
{
    g_autofree uint8_t *expect = NULL;

    if (!s->blob_size) {
        return s->checksum == testdev_checksum(NULL, 0);
    }
    if (!s->blob) {
        return false;
    }
    expect = g_malloc(s->blob_size);
    testdev_fill_pattern(expect, s->blob_size, s->sequence);
    return memcmp(expect, s->blob, s->blob_size) == 0 &&
           testdev_checksum(s->blob, s->blob_size) == s->checksum;
}

/* ---- MMIO handlers: none ---- */

/* ---- reset ---- */

/* The blob is memory content, not a register: reset keeps it. */

/* ---- state table ---- */

static bool testdev_pre_save(void *opaque, GError **errp)
{
    MigrationTestdevState *s = opaque;

    /* A failed earlier load may have left no blob: send a valid one. */
    if (s->blob_size && !s->blob) {
        testdev_regenerate(s);
    }
    return true;
}

static bool testdev_pre_load(void *opaque, GError **errp)
{
    MigrationTestdevState *s = opaque;

    /* The engine allocates the incoming blob (VMS_ALLOC). */
    g_free(s->blob);
    s->blob = NULL;
    s->ack_loaded = false;
    return true;
}

static bool testdev_post_load(void *opaque, int version_id, GError **errp)
{
    MigrationTestdevState *s = opaque;

    if (s->load_delay_ms) {
        g_usleep((gulong)s->load_delay_ms * 1000);
    }
    if (s->fail_load) {
        error_setg(errp, "migration-testdev: load failure requested by "
                   "fail-load");
        return false;
    }
    if (s->ack_loaded != s->switchover_ack) {
        error_setg(errp, "migration-testdev: switchover-ack is %s on the "
                   "source but %s here",
                   s->ack_loaded ? "on" : "off",
                   s->switchover_ack ? "on" : "off");
        return false;
    }
    /* The engine checks this before allocating (UINT32_EQUAL); checked
     * again because every later access trusts blob_size. */
    if (s->blob_size != s->state_size) {
        error_setg(errp, "migration-testdev: state blob of %u bytes in the "
                   "stream, but state-size is %" PRIu64 " here", s->blob_size,
                   s->state_size);
        return false;
    }
    if (s->blob_size && !s->blob) {
        error_setg(errp, "migration-testdev: state blob missing from stream");
        return false;
    }
    if (testdev_checksum(s->blob, s->blob_size) != s->checksum) {
        error_setg(errp, "migration-testdev: state blob checksum mismatch "
                   "(stream 0x%08x, data 0x%08x)", s->checksum,
                   testdev_checksum(s->blob, s->blob_size));
        return false;
    }
    return true;
}

static bool testdev_ack_needed(void *opaque)
{
    MigrationTestdevState *s = opaque;

    return s->switchover_ack;
}

static bool testdev_ack_post_load(void *opaque, int version_id,
                                  GError **errp)
{
    MigrationTestdevState *s = opaque;

    s->ack_loaded = true;
    return true;
}

static const VMStateField testdev_ack_fields[] = {
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_testdev_ack = {
    .name = "migration-testdev/switchover-ack",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = testdev_ack_needed,
    .post_load = testdev_ack_post_load,
    .fields = testdev_ack_fields,
};

static const VMStateDescription *const testdev_subsections[] = {
    &vmstate_testdev_ack,
    NULL
};

static const VMStateField testdev_fields[] = {
    VMSTATE_UINT32(sequence, MigrationTestdevState),
    VMSTATE_UINT32(checksum, MigrationTestdevState),
    /* Checked before the blob is allocated: the stream cannot choose an
     * arbitrary allocation size. */
    VMSTATE_UINT32_EQUAL(blob_size, MigrationTestdevState),
    VMSTATE_VBUFFER_ALLOC_UINT32(blob, MigrationTestdevState, 0, NULL,
                                 blob_size),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_migration_testdev = {
    .name = "migration-testdev",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = testdev_pre_save,
    .pre_load = testdev_pre_load,
    .post_load = testdev_post_load,
    .fields = testdev_fields,
    .subsections = testdev_subsections,
};

/* ---- switchover-ack: a live entry whose precopy data gates the ack ---- */

/*
 * With switchover-ack=on the device also registers a small live entry
 * ("migration-testdev-ack"): its START section carries the sequence
 * number, and the destination approves the switchover only once that
 * arrived -- and, while "hold-switchover-ack" is on, only when it is
 * turned off. Tests use it to keep a source iterating on purpose.
 */
#define TESTDEV_ACK_ENTRY "migration-testdev-ack"

/* With unmigratable=on: an extra entry that blocks migration. */
static const VMStateDescription vmstate_testdev_unmigratable = {
    .name = "migration-testdev-unmigratable",
    .unmigratable = true,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_END_OF_LIST()
    },
};

static bool testdev_ack_save_setup(QEMUFile *f, void *opaque, GError **errp)
{
    MigrationTestdevState *s = opaque;

    qemu_put_be32(f, s->sequence);
    return true;
}

static int testdev_ack_save_iterate(QEMUFile *f, void *opaque, GError **errp)
{
    return 1;
}

static bool testdev_ack_save_complete(QEMUFile *f, void *opaque,
                                      GError **errp)
{
    return true;
}

static void testdev_ack_pending(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy)
{
}

/* Approve once, when loaded and not held (incoming thread or QMP). */
static bool testdev_ack_try_approve(MigrationTestdevState *s, GError **errp)
{
    if (!s->precopy_loaded || s->hold_ack || s->approved) {
        return true;
    }
    s->approved = true;
    return qemu_loadvm_approve_switchover(errp);
}

static bool testdev_ack_load_setup(QEMUFile *f, void *opaque, GError **errp)
{
    MigrationTestdevState *s = opaque;

    s->precopy_loaded = false;
    s->approved = false;
    return true;
}

static bool testdev_ack_load_state(QEMUFile *f, void *opaque, int version_id,
                                   GError **errp)
{
    MigrationTestdevState *s = opaque;

    /* START carries the sequence; END is empty. */
    if (s->precopy_loaded) {
        return true;
    }
    if (qemu_get_be32(f) != s->sequence ||
        qemu_file_get_error_obj(f, errp)) {
        if (errp && !*errp) {
            error_setg(errp, "migration-testdev: precopy marker does not "
                       "match sequence %u", s->sequence);
        }
        return false;
    }
    s->precopy_loaded = true;
    return testdev_ack_try_approve(s, errp);
}

static bool testdev_ack_needed_live(void *opaque)
{
    return true;
}

static const SaveVMHandlers testdev_ack_handlers = {
    .save_setup = testdev_ack_save_setup,
    .save_live_iterate = testdev_ack_save_iterate,
    .save_live_complete_precopy = testdev_ack_save_complete,
    .state_pending_estimate = testdev_ack_pending,
    .state_pending_exact = testdev_ack_pending,
    .load_setup = testdev_ack_load_setup,
    .load_state = testdev_ack_load_state,
    .switchover_ack_needed = testdev_ack_needed_live,
};

static bool testdev_get_hold_ack(Object *obj, GError **errp)
{
    return MIGRATION_TESTDEV(obj)->hold_ack;
}

static bool testdev_set_hold_ack(Object *obj, bool value, GError **errp)
{
    MigrationTestdevState *s = MIGRATION_TESTDEV(obj);

    s->hold_ack = value;
    return testdev_ack_try_approve(s, errp);
}

/* ---- type registration ---- */

static uint64_t testdev_get_sequence(Object *obj, GError **errp)
{
    return MIGRATION_TESTDEV(obj)->sequence;
}

static bool testdev_set_sequence(Object *obj, uint64_t value, GError **errp)
{
    MigrationTestdevState *s = MIGRATION_TESTDEV(obj);

    s->sequence = value;
    if (DEVICE(obj)->realized) {
        testdev_regenerate(s);
    }
    return true;
}

static uint64_t testdev_get_checksum(Object *obj, GError **errp)
{
    return MIGRATION_TESTDEV(obj)->checksum;
}

static bool testdev_get_pattern_ok(Object *obj, GError **errp)
{
    return testdev_pattern_ok(MIGRATION_TESTDEV(obj));
}

static uint64_t testdev_get_dirty_rate(Object *obj, GError **errp)
{
    return MIGRATION_TESTDEV(obj)->dirtier.pages_per_ms;
}

static bool testdev_set_dirty_rate(Object *obj, uint64_t value,
                                   GError **errp)
{
    return testdev_dirtier_set_rate(&MIGRATION_TESTDEV(obj)->dirtier, value,
                                    errp);
}

static uint64_t testdev_get_dirty_count(Object *obj, GError **errp)
{
    return MIGRATION_TESTDEV(obj)->dirtier.written;
}

static bool testdev_add_blocker(MigrationTestdevState *s, GError **errp)
{
    error_setg(&s->blocker, "%s", s->blocker_text);
    return migrate_add_blocker(&s->blocker, errp) == 0;
}

static bool testdev_realize(DeviceState *dev, GError **errp)
{
    MigrationTestdevState *s = MIGRATION_TESTDEV(dev);

    /* A size property, so that every too-large value (not only those
     * that fit 32 bits) gets the message with the value and the limit. */
    if (s->state_size > MIGRATION_TESTDEV_MAX_STATE) {
        error_setg(errp, "migration-testdev: state-size %" PRIu64 " is "
                   "larger than the maximum %u", s->state_size,
                   MIGRATION_TESTDEV_MAX_STATE);
        return false;
    }
    if (s->blocker_text &&
        !testdev_add_blocker(s, errp)) {
        return false;
    }
    if (!testdev_dirtier_realize(&s->dirtier, errp)) {
        migrate_del_blocker(&s->blocker);
        return false;
    }
    s->blob_size = s->state_size;
    testdev_regenerate(s);
    if (s->unmigratable) {
        vmstate_register_device(dev, &vmstate_testdev_unmigratable, s);
    }
    if (s->switchover_ack) {
        register_savevm_live(TESTDEV_ACK_ENTRY, 0, 1, &testdev_ack_handlers,
                             s);
    }
    return true;
}

static void testdev_unrealize(DeviceState *dev)
{
    MigrationTestdevState *s = MIGRATION_TESTDEV(dev);

    testdev_dirtier_unrealize(&s->dirtier);
    if (s->switchover_ack) {
        unregister_savevm(TESTDEV_ACK_ENTRY, s);
    }
    if (s->unmigratable) {
        vmstate_unregister_device(&vmstate_testdev_unmigratable, s);
    }
    migrate_del_blocker(&s->blocker);
    g_free(s->blob);
    s->blob = NULL;
}

static void testdev_finalize(Object *obj)
{
    MigrationTestdevState *s = MIGRATION_TESTDEV(obj);

    g_free(s->blob);
    s->blob = NULL;
}

static const Property testdev_props[] = {
    DEFINE_PROP_SIZE("state-size", MigrationTestdevState, state_size,
                       TESTDEV_DEFAULT_STATE),
    DEFINE_PROP_UINT32("load-delay-ms", MigrationTestdevState,
                       load_delay_ms, 0),
    DEFINE_PROP_BOOL("fail-load", MigrationTestdevState, fail_load, false),
    DEFINE_PROP_BOOL("switchover-ack", MigrationTestdevState,
                     switchover_ack, false),
    DEFINE_PROP_STRING("migration-blocker", MigrationTestdevState,
                       blocker_text),
    DEFINE_PROP_BOOL("unmigratable", MigrationTestdevState, unmigratable,
                     false),
    DEFINE_PROP_UINT64("dirty-base", MigrationTestdevState, dirtier.base, 0),
    DEFINE_PROP_SIZE("dirty-size", MigrationTestdevState, dirtier.size, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void testdev_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "device with configurable migration behaviour (tests)";
    dc->user_creatable = true;
    dc->realize = testdev_realize;
    dc->unrealize = testdev_unrealize;
    dc->vmsd = &vmstate_migration_testdev;
    device_class_set_props(dc, testdev_props);
    object_class_property_add_uint(klass, "sequence", "uint32",
                                   testdev_get_sequence,
                                   testdev_set_sequence);
    object_class_property_add_uint(klass, "checksum", "uint32",
                                   testdev_get_checksum, NULL);
    object_class_property_add_bool(klass, "pattern-ok",
                                   testdev_get_pattern_ok, NULL);
    object_class_property_add_bool(klass, "hold-switchover-ack",
                                   testdev_get_hold_ack,
                                   testdev_set_hold_ack);
    object_class_property_add_uint(klass, "dirty-pages-per-ms", "uint32",
                                   testdev_get_dirty_rate,
                                   testdev_set_dirty_rate);
    object_class_property_add_uint(klass, "dirty-count", "uint64",
                                   testdev_get_dirty_count, NULL);
}

static const TypeInfo testdev_info = {
    .name = TYPE_MIGRATION_TESTDEV,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(MigrationTestdevState),
    .instance_finalize = testdev_finalize,
    .class_init = testdev_class_init,
};

static void testdev_register_types(void)
{
    type_register_static(&testdev_info);
}

type_init(testdev_register_types)

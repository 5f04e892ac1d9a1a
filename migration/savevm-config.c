/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration record (wire-format 1.5): machine type, validated
 * capabilities and UUID, written right after the file header and checked
 * by the destination before anything else is loaded.
 */
#include "qemu/osdep.h"

#include "hw/boards.h"
#include "migration/options.h"
#include "migration/qemu-file.h"
#include "migration/savevm-config.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "qapi/qapi-types.h"
#include "qapi/util.h"
#include "qemu/error-report.h"
#include "system/memory.h"
#include "system/system.h"

static bool cap_on(MigrationCapability cap)
{
    return migrate_cap(cap);
}

/* Capabilities both sides must agree on, in QAPI enum order. */
static const MigrationCapability validated_caps[] = {
    MIGRATION_CAPABILITY_X_IGNORE_SHARED,
    MIGRATION_CAPABILITY_MAPPED_RAM,
    /* Beyond QEMU: a destination that would start the guest at RUN must
     * not meet a source that relies on it waiting. */
    MIGRATION_CAPABILITY_X_POSTCOPY_SAFE_START,
    /* A source that sends digests needs a destination that checks them
     * (QEMU: "Received unknown capability"). */
    MIGRATION_CAPABILITY_X_RAM_DIGEST,
};

#define CONFIG_NAME_MAX 256

typedef struct SaveState {
    uint32_t len;
    uint8_t *name;                      /* not NUL terminated */
    uint32_t target_page_bits;
    uint32_t caps_count;
    MigrationCapability *capabilities;
    struct {
        uint8_t data[16];
    } uuid;
} SaveState;

static SaveState savevm_state;

static const char *local_machine_type(void)
{
    return current_machine ? MACHINE_GET_CLASS(current_machine)->name : "";
}

/* ---- the "capability" element: a str8 QAPI capability name ---- */

static bool put_capability(QEMUFile *f, void *pv, size_t size,
                           const VMStateField *field, GError **errp)
{
    qemu_put_counted_string(f, MigrationCapability_str(
                                   *(MigrationCapability *)pv));
    return true;
}

static bool get_capability(QEMUFile *f, void *pv, size_t size,
                           const VMStateField *field, GError **errp)
{
    char name[256];
    int cap;

    if (qemu_get_counted_string(f, name) < 0) {
        return qemu_file_get_error_obj(f, errp) == 0;
    }
    cap = qapi_enum_parse(&MigrationCapability_lookup, name);
    if (cap < 0) {
        error_setg(errp, "Received unknown capability '%s'", name);
        return false;
    }
    *(MigrationCapability *)pv = cap;
    return true;
}

static const VMStateInfo vmstate_info_capability = {
    .name = "capability", .kind = VMS_INFO_CUSTOM,
    .get = get_capability, .put = put_capability,
};

/* ---- subsections ---- */

static bool page_bits_needed(void *opaque)
{
    /* CR16's page size is fixed: the legacy value always applies. */
    return false;
}

static const VMStateField page_bits_fields[] = {
    VMSTATE_UINT32(target_page_bits, SaveState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_target_page_bits = {
    .name = "configuration/target-page-bits",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = page_bits_needed,
    .fields = page_bits_fields,
};

static bool caps_needed(void *opaque)
{
    for (size_t i = 0; i < G_N_ELEMENTS(validated_caps); i++) {
        if (cap_on(validated_caps[i])) {
            return true;
        }
    }
    return false;
}

static bool caps_pre_save(void *opaque, GError **errp)
{
    SaveState *s = opaque;

    g_free(s->capabilities);
    s->capabilities = g_new0(MigrationCapability,
                             G_N_ELEMENTS(validated_caps));
    s->caps_count = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(validated_caps); i++) {
        if (cap_on(validated_caps[i])) {
            s->capabilities[s->caps_count++] = validated_caps[i];
        }
    }
    return true;
}

static const VMStateField caps_fields[] = {
    VMSTATE_UINT32(caps_count, SaveState),
    {
        .name = "capabilities", .info = &vmstate_info_capability,
        .size = sizeof(MigrationCapability),
        .num_offset = offsetof(SaveState, caps_count),
        .flags = VMS_VARRAY_UINT32 | VMS_POINTER | VMS_ALLOC,
        .offset = offsetof(SaveState, capabilities),
        .alloc_max = MIGRATION_CAPABILITY__MAX * sizeof(MigrationCapability),
    },
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_capabilities = {
    .name = "configuration/capabilities",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = caps_needed,
    .pre_save = caps_pre_save,
    .fields = caps_fields,
};

static bool uuid_needed(void *opaque)
{
    return qemu_uuid_set && cap_on(MIGRATION_CAPABILITY_VALIDATE_UUID);
}

static bool uuid_pre_save(void *opaque, GError **errp)
{
    memcpy(((SaveState *)opaque)->uuid.data, qemu_uuid, 16);
    return true;
}

static char *uuid_str(const uint8_t *u)
{
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
                           u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
                           u[12], u[13], u[14], u[15]);
}

/* Check 5: runs while the subsections are parsed. */
static bool uuid_post_load(void *opaque, int version_id, GError **errp)
{
    SaveState *s = opaque;
    g_autofree char *got = uuid_str(s->uuid.data);
    g_autofree char *mine = uuid_str(qemu_uuid);

    if (!qemu_uuid_set) {
        warn_report("UUID is received %s, but local uuid isn't set", got);
        return true;
    }
    if (memcmp(s->uuid.data, qemu_uuid, 16)) {
        error_setg(errp, "UUID received is %s and local is %s", got, mine);
        return false;
    }
    return true;
}

static const VMStateField uuid_fields[] = {
    VMSTATE_UINT8_ARRAY(uuid.data, SaveState, 16),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_uuid = {
    .name = "configuration/uuid",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = uuid_needed,
    .pre_save = uuid_pre_save,
    .post_load = uuid_post_load,
    .fields = uuid_fields,
};

/* ---- the record ---- */

static bool configuration_pre_save(void *opaque, GError **errp)
{
    SaveState *s = opaque;
    const char *name = local_machine_type();

    g_free(s->name);
    s->len = strlen(name);
    s->name = (uint8_t *)g_strndup(name, s->len);
    s->target_page_bits = TARGET_PAGE_BITS;
    return true;
}

static bool configuration_pre_load(void *opaque, GError **errp)
{
    SaveState *s = opaque;

    /* Absent subsections mean: legacy page bits, no capability on. */
    s->target_page_bits = TARGET_PAGE_BITS;
    s->caps_count = 0;
    g_clear_pointer(&s->capabilities, g_free);
    return true;
}

static bool caps_check(SaveState *s, GError **errp)
{
    g_autoptr(GString) bad = g_string_new("");

    for (size_t i = 0; i < G_N_ELEMENTS(validated_caps); i++) {
        MigrationCapability cap = validated_caps[i];
        bool source = false;

        for (uint32_t j = 0; j < s->caps_count; j++) {
            source |= s->capabilities[j] == cap;
        }
        if (source != cap_on(cap)) {
            g_string_append_printf(bad, "%sCapability %s is %s, but received "
                                   "capability is %s", bad->len ? "; " : "",
                                   MigrationCapability_str(cap),
                                   cap_on(cap) ? "on" : "off",
                                   source ? "on" : "off");
        }
    }
    if (bad->len) {
        error_setg(errp, "%s", bad->str);
        return false;
    }
    return true;
}

/* Checks 2-4, after all subsections (wire-format 1.5). Run by
 * savevm_configuration_load() so the messages stay the spec's own. */
static bool configuration_check(SaveState *s, GError **errp)
{
    const char *local = local_machine_type();
    /* The received name, cut at its length or at a NUL inside it. */
    g_autofree char *got = s->name ? g_strndup((const char *)s->name, s->len)
                                   : g_strdup("");

    /* Quirk kept: only the first len bytes are compared (a prefix of the
     * local name matches). */
    if (strncmp(local, got, s->len)) {
        error_setg(errp, "Machine type received is '%s' and local is '%s'",
                   got, local);
        return false;
    }
    if (s->target_page_bits != TARGET_PAGE_BITS) {
        error_setg(errp, "Received TARGET_PAGE_BITS is %u but local is %u",
                   s->target_page_bits, TARGET_PAGE_BITS);
        return false;
    }
    return caps_check(s, errp);
}

static const VMStateDescription *const configuration_subsections[] = {
    &vmstate_target_page_bits,
    &vmstate_capabilities,
    &vmstate_uuid,
    NULL
};

static const VMStateField configuration_fields[] = {
    VMSTATE_UINT32(len, SaveState),
    {
        .name = "name", .info = &vmstate_info_buffer,
        .size_offset = offsetof(SaveState, len),
        .flags = VMS_VBUFFER | VMS_POINTER | VMS_ALLOC,
        .offset = offsetof(SaveState, name),
        .alloc_max = CONFIG_NAME_MAX,
    },
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_configuration = {
    .name = "configuration",
    .version_id = 1,
    .minimum_version_id = 0,
    .pre_save = configuration_pre_save,
    .pre_load = configuration_pre_load,
    .fields = configuration_fields,
    .subsections = configuration_subsections,
};

bool savevm_configuration_save(QEMUFile *f, JsonWriter *vmdesc, GError **errp)
{
    return vmstate_save_state(f, &vmstate_configuration, &savevm_state,
                              vmdesc, errp);
}

bool savevm_configuration_load(QEMUFile *f, GError **errp)
{
    /* Loaded as version 0: every field has version 0 (wire-format 1.5). */
    if (!vmstate_load_state(f, &vmstate_configuration, &savevm_state, 0,
                            errp)) {
        return false;
    }
    return configuration_check(&savevm_state, errp);
}

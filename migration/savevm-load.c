/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the main stream on the destination (wire-format 1.7, 4.3):
 * header and configuration checks, then the record loop. Every length,
 * id and type byte comes from the peer and is checked before use.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"

#include "migration/device-digest.h"
#include "migration/global_state.h"
#include "migration/register.h"
#include "migration/savevm-config.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "qemu/error-report.h"

/* Command ids, their names and fixed payload lengths (-1: variable). */
static const struct {
    const char *name;
    int len;
} mig_cmd_table[MIG_CMD_MAX] = {
    [MIG_CMD_INVALID]              = { "INVALID", -1 },
    [MIG_CMD_OPEN_RETURN_PATH]     = { "OPEN_RETURN_PATH", 0 },
    [MIG_CMD_PING]                 = { "PING", 4 },
    [MIG_CMD_POSTCOPY_ADVISE]      = { "POSTCOPY_ADVISE", -1 },
    [MIG_CMD_POSTCOPY_LISTEN]      = { "POSTCOPY_LISTEN", 0 },
    [MIG_CMD_POSTCOPY_RUN]         = { "POSTCOPY_RUN", 0 },
    [MIG_CMD_POSTCOPY_RAM_DISCARD] = { "POSTCOPY_RAM_DISCARD", -1 },
    [MIG_CMD_PACKAGED]             = { "PACKAGED", 4 },
    [MIG_CMD_ENABLE_COLO]          = { "ENABLE_COLO", 0 },
    [MIG_CMD_POSTCOPY_RESUME]      = { "POSTCOPY_RESUME", 0 },
    [MIG_CMD_RECV_BITMAP]          = { "RECV_BITMAP", -1 },
    [MIG_CMD_SWITCHOVER_START]     = { "SWITCHOVER_START", 0 },
};

/* Sections seen in START/FULL: section id -> entry and version. The
 * incoming thread only. */
typedef struct LoadSection {
    const VMStateEntry *entry;
    int version_id;
} LoadSection;

static GHashTable *load_sections;
/* In postcopy the listen thread looks sections up while the incoming
 * thread still adds the package's FULL sections. */
static GMutex load_sections_lock;

static bool file_ok(QEMUFile *f, GError **errp)
{
    return qemu_file_get_error_obj(f, errp) == 0;
}

static bool check_footer(QEMUFile *f, const VMStateEntry *e,
                         uint32_t section_id, GError **errp)
{
    uint8_t b = qemu_get_byte(f);
    uint32_t id;

    if (!file_ok(f, errp)) {
        return false;
    }
    if (b != QEMU_VM_SECTION_FOOTER) {
        error_setg(errp, "Missing section footer for %s", e->idstr);
        return false;
    }
    id = qemu_get_be32(f);
    if (!file_ok(f, errp)) {
        return false;
    }
    if (id != section_id) {
        error_setg(errp, "Mismatched section id in footer for %s -- read "
                   "0x%x expected 0x%x", e->idstr, id, section_id);
        return false;
    }
    return true;
}

static bool load_section_body(QEMUFile *f, const VMStateEntry *e,
                              int version_id, uint32_t section_id,
                              GError **errp)
{
    bool ok;

    if (e->vmsd) {
        /*
         * Device state is only touched with the BQL held (DESIGN.md 3): the
         * main loop (qtest, QMP, timers) runs while the incoming thread
         * loads. Device sections are small and arrive together at the end,
         * so holding it across their reads costs little; RAM (a live
         * entry) is loaded without it.
         */
        bool take = !bql_locked();

        if (take) {
            bql_lock();
        }
        /* x-ram-digest: hash the body as read (checked at ram-digest). */
        device_digest_begin(DEVICE_DIGEST_DST, f, e->idstr, e->instance_id,
                            version_id);
        ok = vmstate_load_state(f, e->vmsd, e->opaque, version_id, errp);
        device_digest_end(DEVICE_DIGEST_DST, f);
        if (take) {
            bql_unlock();
        }
    } else if (e->ops && e->ops->load_state) {
        ok = e->ops->load_state(f, e->opaque, version_id, errp);
    } else {
        error_setg(errp, "no loader");
        ok = false;
    }
    if (ok) {
        ok = file_ok(f, errp);
    }
    if (!ok) {
        error_prepend(errp, "section '%s' instance %d: ", e->idstr,
                      e->instance_id);
        return false;
    }
    return check_footer(f, e, section_id, errp);
}

static bool load_section_start_full(QEMUFile *f, GError **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    char idstr[256];
    uint32_t instance_id, version_id;
    const VMStateEntry *e;
    LoadSection *ls;
    int len = qemu_get_counted_string(f, idstr);

    instance_id = qemu_get_be32(f);
    version_id = qemu_get_be32(f);
    if (!file_ok(f, errp)) {
        return false;
    }
    if (len <= 0) {
        error_setg(errp, "Unable to read ID string for section %u",
                   section_id);
        return false;
    }
    e = instance_id <= INT_MAX ? vmstate_device_find(idstr, instance_id)
                               : NULL;
    if (!e) {
        error_setg(errp, "Unknown section or instance '%s' %u", idstr,
                   instance_id);
        return false;
    }
    if (version_id > (uint32_t)e->version_id) {
        error_setg(errp, "savevm: unsupported version %u for '%s' v%d",
                   version_id, idstr, e->version_id);
        return false;
    }
    ls = g_new0(LoadSection, 1);
    ls->entry = e;
    ls->version_id = version_id;
    g_mutex_lock(&load_sections_lock);
    g_hash_table_replace(load_sections, GUINT_TO_POINTER(section_id), ls);
    g_mutex_unlock(&load_sections_lock);
    return load_section_body(f, e, version_id, section_id, errp);
}

static bool load_section_part_end(QEMUFile *f, GError **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    LoadSection ls = { 0 };
    LoadSection *found;

    if (!file_ok(f, errp)) {
        return false;
    }
    g_mutex_lock(&load_sections_lock);
    found = g_hash_table_lookup(load_sections, GUINT_TO_POINTER(section_id));
    if (found) {
        ls = *found;
    }
    g_mutex_unlock(&load_sections_lock);
    if (!ls.entry) {
        error_setg(errp, "Unknown section %u", section_id);
        return false;
    }
    return load_section_body(f, ls.entry, ls.version_id, section_id, errp);
}

static bool load_command(QEMUFile *f, const LoadvmHooks *hooks, bool *stop,
                         GError **errp)
{
    uint16_t cmd = qemu_get_be16(f);
    uint16_t len = qemu_get_be16(f);
    void *opaque = hooks ? hooks->opaque : NULL;

    if (!file_ok(f, errp)) {
        return false;
    }
    if (cmd == MIG_CMD_INVALID || cmd >= MIG_CMD_MAX) {
        error_setg(errp, "MIG_CMD 0x%x unknown (len 0x%x)", cmd, len);
        return false;
    }
    if (mig_cmd_table[cmd].len >= 0 && len != mig_cmd_table[cmd].len) {
        error_setg(errp, "%s received with bad length - expecting %d, got %d",
                   mig_cmd_table[cmd].name, mig_cmd_table[cmd].len, len);
        return false;
    }
    switch (cmd) {
    case MIG_CMD_OPEN_RETURN_PATH:
        if (!hooks || !hooks->open_return_path) {
            error_setg(errp, "OPEN_RETURN_PATH: no return path here");
            return false;
        }
        return hooks->open_return_path(opaque, errp);
    case MIG_CMD_PING: {
        uint32_t value = qemu_get_be32(f);

        if (!file_ok(f, errp)) {
            return false;
        }
        if (!hooks || !hooks->ping) {
            error_setg(errp, "PING 0x%x received without a return path",
                       value);
            return false;
        }
        return hooks->ping(opaque, value, errp);
    }
    case MIG_CMD_SWITCHOVER_START:
        /* No entry of ours has a switchover-start hook (QEMU: VFIO). */
        return true;
    default:
        if (!hooks || !hooks->command) {
            error_setg(errp, "%s is not supported by this destination",
                       mig_cmd_table[cmd].name);
            return false;
        }
        if (!hooks->command(opaque, f, cmd, len, stop, errp)) {
            return false;
        }
        /*
         * A package that ended with POSTCOPY_RUN handed f to the listen
         * thread, which may already have closed it (a pause right after
         * the guest started): f is not ours to touch any more.
         */
        return *stop || file_ok(f, errp);
    }
}

bool qemu_loadvm_state_main(QEMUFile *f, const LoadvmHooks *hooks,
                            bool *stopped, GError **errp)
{
    bool stop = false;

    g_mutex_lock(&load_sections_lock);
    if (!load_sections) {
        load_sections = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    g_mutex_unlock(&load_sections_lock);
    if (stopped) {
        *stopped = false;
    }
    for (;;) {
        uint8_t type = qemu_get_byte(f);
        bool ok;

        if (!file_ok(f, errp)) {
            return false;
        }
        switch (type) {
        case QEMU_VM_SECTION_START:
        case QEMU_VM_SECTION_FULL:
            ok = load_section_start_full(f, errp);
            break;
        case QEMU_VM_SECTION_PART:
        case QEMU_VM_SECTION_END:
            ok = load_section_part_end(f, errp);
            break;
        case QEMU_VM_COMMAND:
            ok = load_command(f, hooks, &stop, errp);
            break;
        case QEMU_VM_EOF:
            return true;
        default:
            error_setg(errp, "Unknown section type %d", type);
            return false;
        }
        if (!ok) {
            return false;
        }
        if (stop) {
            if (stopped) {
                *stopped = true;
            }
            return true;
        }
    }
}

static bool load_header(QEMUFile *f, GError **errp)
{
    uint32_t magic = qemu_get_be32(f);
    uint32_t version = qemu_get_be32(f);

    if (!file_ok(f, errp)) {
        return false;
    }
    if (magic != QEMU_VM_FILE_MAGIC) {
        error_setg(errp, "Not a migration stream (magic 0x%08x)", magic);
        return false;
    }
    if (version == QEMU_VM_FILE_VERSION_COMPAT) {
        error_setg(errp, "SaveVM v2 format is obsolete");
        return false;
    }
    if (version != QEMU_VM_FILE_VERSION) {
        error_setg(errp, "Unsupported migration stream version %u", version);
        return false;
    }
    /* send-configuration is always on (wire-format 0.3). */
    if (qemu_get_byte(f) != QEMU_VM_CONFIGURATION) {
        if (file_ok(f, errp)) {
            error_setg(errp, "Configuration section missing");
        }
        return false;
    }
    if (!savevm_configuration_load(f, errp)) {
        error_prepend(errp, "configuration: ");
        return false;
    }
    return true;
}

static bool load_setup(QEMUFile *f, GError **errp)
{
    const VMStateEntry *e;

    for (int i = 0; (e = vmstate_entry_nth(i)) != NULL; i++) {
        if (e->ops && e->ops->load_setup &&
            !e->ops->load_setup(f, e->opaque, errp)) {
            error_prepend(errp, "section '%s' setup: ", e->idstr);
            return false;
        }
    }
    return true;
}

/* After EOF: skip the VM description (wire-format 1.6); never fatal. */
static void skip_vmdesc(QEMUFile *f)
{
    int b = qemu_peek_byte(f, 0);
    uint32_t len;

    if (b < 0) {
        return;             /* the source suppressed it */
    }
    qemu_get_byte(f);
    if (b != QEMU_VM_VMDESCRIPTION) {
        warn_report("Expected vmdescription section, but got %d", b);
        return;
    }
    len = qemu_get_be32(f);
    qemu_file_skip(f, len);
}

bool qemu_loadvm_state(QEMUFile *f, const LoadvmHooks *hooks, GError **errp)
{
    bool stopped = false;

    global_state_register();
    global_state_reset_received();
    device_digest_reset(DEVICE_DIGEST_DST);
    g_mutex_lock(&load_sections_lock);
    if (load_sections) {
        g_hash_table_remove_all(load_sections);
    }
    g_mutex_unlock(&load_sections_lock);
    if (!load_header(f, errp) || !load_setup(f, errp) ||
        !qemu_loadvm_state_main(f, hooks, &stopped, errp)) {
        return false;
    }
    if (!stopped) {
        GError *err = NULL;

        skip_vmdesc(f);
        /* The device state is in; a short description only warns. */
        if (qemu_file_get_error_obj(f, &err)) {
            warn_report("VM description unreadable: %s", err->message);
            g_error_free(err);
        }
    }
    return true;
}

void qemu_loadvm_state_cleanup(void)
{
    const VMStateEntry *e;

    for (int i = 0; (e = vmstate_entry_nth(i)) != NULL; i++) {
        if (e->ops && e->ops->load_cleanup) {
            e->ops->load_cleanup(e->opaque);
        }
    }
    g_mutex_lock(&load_sections_lock);
    if (load_sections) {
        g_hash_table_remove_all(load_sections);
    }
    g_mutex_unlock(&load_sections_lock);
}

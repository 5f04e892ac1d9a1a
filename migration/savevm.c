/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the main stream (spec/migration-wire-format.md 1, 4): header,
 * configuration, section framing around each entry's body, commands, EOF
 * and the VM description. The entry list (hw/core/vmstate-registry.c) is
 * already in stream order, so every phase is one walk over it.
 */
#include "qemu/osdep.h"

#include "migration/device-digest.h"
#include "migration/global_state.h"
#include "migration/register.h"
#include "migration/savevm-config.h"
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "qobject/json-writer.h"
#include "system/memory.h"

/* The VM description being built alongside the stream (source thread). */
static JsonWriter *savevm_vmdesc;

#define FOREACH_ENTRY(e) \
    for (int i_ = 0; ((e) = vmstate_entry_nth(i_)) != NULL; i_++)

/* ---- framing ---- */

static void put_section_header(QEMUFile *f, const VMStateEntry *e,
                               uint8_t type)
{
    qemu_put_byte(f, type);
    qemu_put_be32(f, e->section_id);
    if (type == QEMU_VM_SECTION_START || type == QEMU_VM_SECTION_FULL) {
        qemu_put_counted_string(f, e->idstr);
        qemu_put_be32(f, e->instance_id);
        qemu_put_be32(f, e->version_id);
    }
}

static void put_section_footer(QEMUFile *f, const VMStateEntry *e)
{
    qemu_put_byte(f, QEMU_VM_SECTION_FOOTER);
    qemu_put_be32(f, e->section_id);
}

/* Fail with the stream's own error if it has one. */
static bool file_ok(QEMUFile *f, GError **errp)
{
    return qemu_file_get_error_obj(f, errp) == 0;
}

static void prepend_section(GError **errp, const VMStateEntry *e)
{
    error_prepend(errp, "section '%s' instance %d: ", e->idstr,
                  e->instance_id);
}

/* A FULL section of a VMState entry, described in the "devices" list. */
static bool save_section_full(QEMUFile *f, const VMStateEntry *e,
                              GError **errp)
{
    bool ok;

    if (!vmstate_section_needed(e->vmsd, e->opaque)) {
        return true;
    }
    put_section_header(f, e, QEMU_VM_SECTION_FULL);
    if (savevm_vmdesc) {
        json_writer_start_object(savevm_vmdesc, NULL);
        json_writer_str(savevm_vmdesc, "name", e->idstr);
        json_writer_int64(savevm_vmdesc, "instance_id", e->instance_id);
    }
    device_digest_begin(DEVICE_DIGEST_SRC, f, e->idstr, e->instance_id,
                        e->version_id);
    ok = vmstate_save_state(f, e->vmsd, e->opaque, savevm_vmdesc, errp);
    device_digest_end(DEVICE_DIGEST_SRC, f);
    if (savevm_vmdesc) {
        json_writer_end_object(savevm_vmdesc);
    }
    if (!ok) {
        prepend_section(errp, e);
        return false;
    }
    put_section_footer(f, e);
    return file_ok(f, errp);
}

/* ---- source phases ---- */

void qemu_savevm_state_header(QEMUFile *f)
{
    GError *err = NULL;

    global_state_register();
    device_digest_reset(DEVICE_DIGEST_SRC);
    qemu_put_be32(f, QEMU_VM_FILE_MAGIC);
    qemu_put_be32(f, QEMU_VM_FILE_VERSION);

    if (savevm_vmdesc) {
        json_writer_free(savevm_vmdesc);
    }
    savevm_vmdesc = json_writer_new(false);
    json_writer_start_object(savevm_vmdesc, NULL);

    qemu_put_byte(f, QEMU_VM_CONFIGURATION);
    json_writer_start_object(savevm_vmdesc, "configuration");
    if (!savevm_configuration_save(f, savevm_vmdesc, &err)) {
        qemu_file_set_error_obj(f, -EINVAL, err);
    }
    json_writer_end_object(savevm_vmdesc);
    json_writer_int64(savevm_vmdesc, "page_size", TARGET_PAGE_SIZE);
    /* Opened before setup: early-setup FULL sections are described too. */
    json_writer_start_list(savevm_vmdesc, "devices");
}

typedef bool SaveLiveHook(QEMUFile *f, void *opaque, GError **errp);

/* One section of a live entry: header, the hook's body, footer. */
static bool save_live_section(QEMUFile *f, const VMStateEntry *e,
                              uint8_t type, SaveLiveHook *hook,
                              GError **errp)
{
    put_section_header(f, e, type);
    if (!hook(f, e->opaque, errp)) {
        prepend_section(errp, e);
        return false;
    }
    put_section_footer(f, e);
    return file_ok(f, errp);
}

/* END sections of every live entry (precopy completion, postcopy end). */
static bool save_live_ends(QEMUFile *f, GError **errp)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (e->ops && e->ops->save_live_complete_precopy &&
            !save_live_section(f, e, QEMU_VM_SECTION_END,
                               e->ops->save_live_complete_precopy, errp)) {
            return false;
        }
    }
    return true;
}

bool qemu_savevm_state_setup(QEMUFile *f, GError **errp)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (e->vmsd && e->vmsd->early_setup) {
            if (!save_section_full(f, e, errp)) {
                return false;
            }
            continue;
        }
        if (!e->ops || !e->ops->save_setup) {
            continue;
        }
        if (!save_live_section(f, e, QEMU_VM_SECTION_START,
                               e->ops->save_setup, errp)) {
            return false;
        }
    }
    return true;
}

static int savevm_iterate(QEMUFile *f, bool postcopy, GError **errp)
{
    const VMStateEntry *e;
    int all_done = 1;

    FOREACH_ENTRY(e) {
        int ret;

        if (!e->ops || !e->ops->save_live_iterate) {
            continue;
        }
        /* Out of budget for this window: the next pass continues. In
         * postcopy the entry is always called: requested pages go
         * regardless of the rate limit. */
        if (!postcopy && qemu_file_rate_limit_exceeded(f)) {
            return file_ok(f, errp) ? 0 : -1;
        }
        put_section_header(f, e, QEMU_VM_SECTION_PART);
        ret = e->ops->save_live_iterate(f, e->opaque, errp);
        if (ret < 0) {
            prepend_section(errp, e);
            return -1;
        }
        put_section_footer(f, e);
        if (!file_ok(f, errp)) {
            return -1;
        }
        if (ret == 0) {
            all_done = 0;
        }
    }
    return all_done;
}

int qemu_savevm_state_iterate(QEMUFile *f, GError **errp)
{
    return savevm_iterate(f, false, errp);
}

int qemu_savevm_state_iterate_postcopy(QEMUFile *f, GError **errp)
{
    return savevm_iterate(f, true, errp);
}

bool qemu_savevm_live_section_id(const char *idstr, uint32_t *section_id)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (e->ops && e->ops->save_live_iterate &&
            strcmp(e->idstr, idstr) == 0) {
            *section_id = e->section_id;
            return true;
        }
    }
    return false;
}

void qemu_savevm_put_part_header(QEMUFile *f, uint32_t section_id)
{
    qemu_put_byte(f, QEMU_VM_SECTION_PART);
    qemu_put_be32(f, section_id);
}

void qemu_savevm_put_part_footer(QEMUFile *f, uint32_t section_id)
{
    qemu_put_byte(f, QEMU_VM_SECTION_FOOTER);
    qemu_put_be32(f, section_id);
}

static void sum_pending(bool exact, uint64_t *must_precopy,
                        uint64_t *can_postcopy)
{
    const VMStateEntry *e;

    *must_precopy = 0;
    *can_postcopy = 0;
    FOREACH_ENTRY(e) {
        void (*fn)(void *, uint64_t *, uint64_t *) = NULL;

        if (e->ops) {
            fn = exact ? e->ops->state_pending_exact
                       : e->ops->state_pending_estimate;
        }
        if (fn) {
            fn(e->opaque, must_precopy, can_postcopy);
        }
    }
}

void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy)
{
    sum_pending(false, must_precopy, can_postcopy);
}

void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy)
{
    sum_pending(true, must_precopy, can_postcopy);
}

/* EOF, then the description (wire-format 1.6): EOF comes first. */
static void save_eof_and_vmdesc(QEMUFile *f)
{
    qemu_put_byte(f, QEMU_VM_EOF);
    if (savevm_vmdesc) {
        size_t len;

        json_writer_end_list(savevm_vmdesc);
        json_writer_end_object(savevm_vmdesc);
        len = json_writer_get_len(savevm_vmdesc);
        qemu_put_byte(f, QEMU_VM_VMDESCRIPTION);
        qemu_put_be32(f, len);
        qemu_put_buffer(f, (const uint8_t *)json_writer_get(savevm_vmdesc),
                        len);
        json_writer_free(savevm_vmdesc);
        savevm_vmdesc = NULL;
    }
    qemu_fflush(f);
}

bool qemu_savevm_state_complete_precopy(QEMUFile *f, GError **errp)
{
    qemu_savevm_send_switchover_start(f);
    if (!save_live_ends(f, errp) || !qemu_savevm_state_non_iterable(f, errp)) {
        return false;
    }
    save_eof_and_vmdesc(f);
    return file_ok(f, errp);
}

void qemu_savevm_state_cleanup(void)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (e->ops && e->ops->save_cleanup) {
            e->ops->save_cleanup(e->opaque);
        }
    }
    if (savevm_vmdesc) {
        json_writer_free(savevm_vmdesc);
        savevm_vmdesc = NULL;
    }
}

bool qemu_savevm_state_blocked(GError **errp)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (e->vmsd && e->vmsd->unmigratable) {
            error_setg(errp, "State blocked by non-migratable device '%s'",
                       e->idstr);
            return true;
        }
    }
    return false;
}

int qemu_savevm_switchover_ack_needed_count(void)
{
    const VMStateEntry *e;
    int n = 0;

    FOREACH_ENTRY(e) {
        if (e->ops && e->ops->switchover_ack_needed &&
            e->ops->switchover_ack_needed(e->opaque)) {
            n++;
        }
    }
    return n;
}

/* ---- commands (wire-format 4.1) ---- */

void qemu_savevm_command_send(QEMUFile *f, MigCmd cmd, uint16_t len,
                              const uint8_t *data)
{
    qemu_put_byte(f, QEMU_VM_COMMAND);
    qemu_put_be16(f, cmd);
    qemu_put_be16(f, len);
    if (len) {
        qemu_put_buffer(f, data, len);
    }
    /* Commands are acted on at once by the destination. */
    qemu_fflush(f);
}

void qemu_savevm_send_open_return_path(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_OPEN_RETURN_PATH, 0, NULL);
}

void qemu_savevm_send_ping(QEMUFile *f, uint32_t value)
{
    uint8_t buf[4] = { value >> 24, value >> 16, value >> 8, value };

    qemu_savevm_command_send(f, MIG_CMD_PING, sizeof(buf), buf);
}

void qemu_savevm_send_switchover_start(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_SWITCHOVER_START, 0, NULL);
}

/* ---- postcopy (wire-format 4.4) ---- */

void qemu_savevm_discard_vmdesc(void)
{
    if (savevm_vmdesc) {
        json_writer_free(savevm_vmdesc);
        savevm_vmdesc = NULL;
    }
}

bool qemu_savevm_state_postcopy_prepare(QEMUFile *f, GError **errp)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (!e->ops || !e->ops->save_postcopy_prepare) {
            continue;
        }
        if (!save_live_section(f, e, QEMU_VM_SECTION_PART,
                               e->ops->save_postcopy_prepare, errp)) {
            return false;
        }
    }
    return true;
}

bool qemu_savevm_state_non_iterable(QEMUFile *f, GError **errp)
{
    const VMStateEntry *e;

    FOREACH_ENTRY(e) {
        if (e->vmsd && !e->vmsd->early_setup &&
            !save_section_full(f, e, errp)) {
            return false;
        }
    }
    return file_ok(f, errp);
}

bool qemu_savevm_state_complete_postcopy(QEMUFile *f, GError **errp)
{
    if (!save_live_ends(f, errp)) {
        return false;
    }
    qemu_put_byte(f, QEMU_VM_EOF);
    qemu_fflush(f);
    return file_ok(f, errp);
}

static void put_be64_at(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (56 - 8 * i);
    }
}

uint64_t qemu_savevm_ram_pagesize_summary(void)
{
    uint64_t summary = 0;

    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        summary |= ram_block_page_size(rb);
    }
    return summary;
}

void qemu_savevm_send_postcopy_advise(QEMUFile *f, bool postcopy_ram)
{
    uint8_t buf[16];

    if (!postcopy_ram) {
        qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_ADVISE, 0, NULL);
        return;
    }
    put_be64_at(buf, qemu_savevm_ram_pagesize_summary());
    put_be64_at(buf + 8, TARGET_PAGE_SIZE);
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_ADVISE, sizeof(buf), buf);
}

void qemu_savevm_send_postcopy_listen(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_LISTEN, 0, NULL);
}

void qemu_savevm_send_postcopy_run(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_RUN, 0, NULL);
}

void qemu_savevm_send_postcopy_resume(QEMUFile *f)
{
    qemu_savevm_command_send(f, MIG_CMD_POSTCOPY_RESUME, 0, NULL);
}

void qemu_savevm_send_recv_bitmap(QEMUFile *f, const char *block)
{
    size_t len = strlen(block);
    uint8_t buf[256];

    g_assert(len > 0 && len <= 255);
    buf[0] = len;
    memcpy(buf + 1, block, len);
    qemu_savevm_command_send(f, MIG_CMD_RECV_BITMAP, len + 1, buf);
}

void qemu_savevm_send_packaged(QEMUFile *f, const uint8_t *data, size_t len)
{
    uint8_t buf[4] = { len >> 24, len >> 16, len >> 8, len };

    g_assert(len <= UINT32_MAX);
    qemu_put_byte(f, QEMU_VM_COMMAND);
    qemu_put_be16(f, MIG_CMD_PACKAGED);
    qemu_put_be16(f, sizeof(buf));
    qemu_put_buffer(f, buf, sizeof(buf));
    qemu_put_buffer(f, data, len);
    qemu_fflush(f);
}

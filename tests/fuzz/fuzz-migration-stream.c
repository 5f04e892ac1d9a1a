/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "migration-stream": the incoming migration stream
 * (migration/savevm-load.c and everything it calls: header,
 * configuration section with the machine check, section framing and
 * footers, VMState bodies with subsections, the "ram" section's records
 * incl. XBZRLE, commands, the VM description) fed from a memory channel
 * to qemu_loadvm_state() -- exactly what the destination's incoming
 * thread runs -- against the in-process virt board (fuzz-machine.h) with
 * FUZZ_MIG_RAM of RAM and a migration-testdev.
 *
 * Oracles, besides the sanitizers and the per-input leak check: a load
 * either succeeds or fails with a GError that has a message; a failed
 * load leaves the channel in an error state or the error names what was
 * wrong (non-empty message). The seeds are real streams saved with
 * `migrate file:` and one recorded on the socket of a real postcopy
 * migration (fuzz-migration-stream-corpus.py).
 *
 * Commands: the destination's postcopy handler needs userfaultfd and its
 * threads, which an in-process target cannot have, so the hooks below
 * stand in for it with the parts that only parse: OPEN_RETURN_PATH and
 * PING succeed (there is no return path to write to), RAM_DISCARD goes
 * through the real decoder and each range is checked against its block,
 * PACKAGED runs the real record loop over the blob, RUN stops the loop
 * and the rest of the stream is then read by the same loop, as the
 * listen thread does.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "migration/channel.h"
#include "migration/qemu-file.h"
#include "migration/global_state.h"
#include "migration/migration-core.h"
#include "migration/options.h"
#include "migration/postcopy-discard.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "fuzz.h"
#include "fuzz-machine.h"

/* Must match RAM in fuzz-migration-stream-corpus.py. */
#define FUZZ_MIG_RAM (1024 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autoptr(GError) err = NULL;

    fuzz_init_common();
    fuzz_machine_init_sized(FUZZ_MIG_RAM);
    if (!qdev_device_add_json("{\"driver\": \"migration-testdev\", "
                              "\"id\": \"td\", \"state-size\": 64}", &err) ||
        !migration_object_init(&err)) {
        fprintf(stderr, "fuzz-migration-stream: %s\n", err->message);
        abort();
    }
    migration_core_init();
    ram_mig_init();
    global_state_register();
    /* What -incoming sets before a stream arrives. */
    if (!runstate_set(RUN_STATE_INMIGRATE, &err)) {
        fprintf(stderr, "fuzz-migration-stream: %s\n", err->message);
        abort();
    }
    return 0;
}

/* Far above what a 64 KiB input can hold; the real bound is larger. */
#define FUZZ_PACKAGE_MAX (1024 * 1024)

static bool hook_open_rp(void *opaque, GError **errp)
{
    return true;
}

static bool hook_ping(void *opaque, uint32_t value, GError **errp)
{
    return true;
}

static const LoadvmHooks *fuzz_hooks(void);

static bool read_payload(QEMUFile *f, uint8_t *buf, size_t len,
                         const char *what, GError **errp)
{
    if (qemu_get_buffer(f, buf, len) != len) {
        if (!qemu_file_get_error_obj(f, errp)) {
            error_setg(errp, "%s: the stream ended inside the payload",
                       what);
        }
        return false;
    }
    return true;
}

static bool cmd_discard(QEMUFile *f, uint16_t len, GError **errp)
{
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    PostcopyDiscardCmd cmd;
    RAMBlock *rb;

    if (!read_payload(f, buf, len, "RAM_DISCARD", errp) ||
        !postcopy_discard_decode(buf, len, &cmd, errp)) {
        return false;
    }
    rb = ram_block_find(cmd.name);
    if (!rb) {
        error_setg(errp, "RAM_DISCARD: unknown block %s", cmd.name);
        return false;
    }
    for (size_t i = 0; i < cmd.nr_ranges; i++) {
        uint64_t start, length, used = ram_block_used_length(rb);

        postcopy_discard_range(&cmd, i, &start, &length);
        if (start >= used || length > used - start) {
            error_setg(errp, "RAM_DISCARD: range %zu outside %s", i,
                       cmd.name);
            return false;
        }
    }
    return true;
}

static bool cmd_packaged(QEMUFile *f, uint16_t len, bool *stop,
                         GError **errp)
{
    uint8_t hdr[4];
    uint32_t blob_len;
    g_autofree uint8_t *blob = NULL;
    MigChannel *ch;
    QEMUFile *pf;
    bool ok;

    if (len != 4) {
        error_setg(errp, "PACKAGED with length %u", len);
        return false;
    }
    if (!read_payload(f, hdr, 4, "PACKAGED", errp)) {
        return false;
    }
    blob_len = ((uint32_t)hdr[0] << 24) | (hdr[1] << 16) | (hdr[2] << 8) |
               hdr[3];
    if (blob_len > FUZZ_PACKAGE_MAX) {
        error_setg(errp, "PACKAGED: %u bytes is too long", blob_len);
        return false;
    }
    blob = g_malloc(MAX(blob_len, 1));
    if (!read_payload(f, blob, blob_len, "PACKAGED", errp)) {
        return false;
    }
    ch = mig_channel_new_mem(blob, blob_len, "fuzz-package");
    pf = qemu_file_new_input(ch);
    mig_channel_unref(ch);
    ok = qemu_loadvm_state_main(pf, fuzz_hooks(), stop, errp);
    qemu_fclose(pf);
    return ok;
}

static bool hook_command(void *opaque, QEMUFile *f, MigCmd cmd,
                         uint16_t len, bool *stop, GError **errp)
{
    g_autofree uint8_t *buf = NULL;

    switch (cmd) {
    case MIG_CMD_POSTCOPY_RAM_DISCARD:
        return cmd_discard(f, len, errp);
    case MIG_CMD_PACKAGED:
        return cmd_packaged(f, len, stop, errp);
    case MIG_CMD_POSTCOPY_RUN:
        *stop = true;
        return true;
    default:
        /* ADVISE, LISTEN and the recovery commands: only the payload. */
        buf = g_malloc(MAX(len, 1));
        return read_payload(f, buf, len, "command", errp);
    }
}

static const LoadvmHooks hooks = {
    .open_return_path = hook_open_rp,
    .ping = hook_ping,
    .command = hook_command,
};

static const LoadvmHooks *fuzz_hooks(void)
{
    return &hooks;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MigChannel *ch = mig_channel_new_mem(data, size, "fuzz-migration");
    QEMUFile *f = qemu_file_new_input(ch);
    GError *err = NULL;
    bool ok, stopped = false;

    mig_channel_unref(ch);
    ok = qemu_loadvm_state(f, &hooks, &err);
    /* After RUN the listen thread reads the rest with the record loop;
     * a stream that did not stop has nothing left but the description. */
    if (ok && qemu_peek_byte(f, 0) >= 0 &&
        qemu_peek_byte(f, 0) != QEMU_VM_VMDESCRIPTION) {
        ok = qemu_loadvm_state_main(f, &hooks, &stopped, &err);
    }
    FUZZ_CHECK(ok == (err == NULL), "load returned %d with error %s", ok,
               err ? err->message : "(none)");
    if (err) {
        FUZZ_CHECK(err->message && err->message[0],
                   "load failed with an empty message");
        if (fuzz_verbose()) {
            fprintf(stderr, "fuzz-migration-stream: %s\n", err->message);
        }
        g_error_free(err);
    }
    qemu_loadvm_state_cleanup();
    qemu_fclose(f);
    fuzz_machine_settle();
    /* XBZRLE deltas apply to the page's current contents: start every
     * input from zeroed RAM so that a finding replays alone. */
    memset(ram_block_host(current_machine->ram), 0,
           ram_block_used_length(current_machine->ram));
    return 0;
}

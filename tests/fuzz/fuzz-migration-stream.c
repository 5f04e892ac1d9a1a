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
 * `migrate file:` (fuzz-migration-stream-corpus.py).
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MigChannel *ch = mig_channel_new_mem(data, size, "fuzz-migration");
    QEMUFile *f = qemu_file_new_input(ch);
    /* No return path and no postcopy: those commands must fail cleanly. */
    LoadvmHooks hooks = { 0 };
    GError *err = NULL;
    bool ok;

    mig_channel_unref(ch);
    ok = qemu_loadvm_state(f, &hooks, &err);
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

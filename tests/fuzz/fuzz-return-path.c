/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "return-path": what the source's return-path thread reads
 * from the destination (migration/return-path.c framing and dispatch,
 * migration/rp-postcopy.c decoders, the postcopy page-request queue of
 * postcopy-src.c) fed from a memory channel, message after message, to
 * migration_rp_handle_one() until it stops.
 *
 * Byte 0 of the input picks the source's state, because what a message
 * may do depends on it:
 *   0  active (precopy, no page queue: page requests must be refused)
 *   1  postcopy-active with a page queue
 *   2  postcopy-recover waiting for the received bitmaps
 * The rest is the return-path byte stream (be16 type, be16 len, payload;
 * RECV_BITMAP followed by its raw block).
 *
 * Oracles, besides the sanitizers and the per-input leak check: every
 * stop other than SHUT(0) carries a non-empty error; every queued page
 * lies inside its block and is page aligned; a received bitmap has no
 * bit set past the block's last page.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "hw/boards.h"
#include "migration/channel.h"
#include "migration/migration-core.h"
#include "migration/options.h"
#include "migration/postcopy-src.h"
#include "migration/qemu-file.h"
#include "migration/status.h"
#include "system/memory.h"
#include "fuzz.h"
#include "fuzz-machine.h"

/* Small RAM keeps bitmaps short: 256 target pages. */
#define FUZZ_RP_RAM (1024 * 1024)

enum { RP_STATE_ACTIVE, RP_STATE_POSTCOPY, RP_STATE_RECOVER, RP_STATE_N };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autoptr(GError) err = NULL;

    fuzz_init_common();
    fuzz_machine_init_sized(FUZZ_RP_RAM);
    if (!migration_object_init(&err)) {
        fprintf(stderr, "fuzz-return-path: %s\n", err->message);
        abort();
    }
    migration_core_init();
    return 0;
}

static void check_queue(MigrationState *s)
{
    RAMBlock *rb;
    ram_addr_t offset;
    uint64_t len;

    while (postcopy_src_take_page(s->pc_queue, &rb, &offset, &len)) {
        FUZZ_CHECK(len > 0 && offset % TARGET_PAGE_SIZE == 0 &&
                   len % TARGET_PAGE_SIZE == 0,
                   "queued page 0x%" PRIx64 "+0x%" PRIx64 " misaligned",
                   (uint64_t)offset, len);
        FUZZ_CHECK(offset + len <= ram_block_used_length(rb),
                   "queued page 0x%" PRIx64 "+0x%" PRIx64 " outside %s",
                   (uint64_t)offset, len, ram_block_name(rb));
    }
}

static void check_bitmaps(MigrationState *s)
{
    GHashTableIter it;
    gpointer name, value;

    g_hash_table_iter_init(&it, s->recv_bitmaps);
    while (g_hash_table_iter_next(&it, &name, &value)) {
        RAMBlock *rb = ram_block_find(name);
        const unsigned long *map = value;
        uint64_t nbits;

        FUZZ_CHECK(rb, "bitmap stored for unknown block %s",
                   (const char *)name);
        nbits = ram_block_used_length(rb) >> TARGET_PAGE_BITS;
        if (nbits % BITS_PER_LONG) {
            FUZZ_CHECK(!(map[nbits / BITS_PER_LONG] >>
                         (nbits % BITS_PER_LONG)),
                       "bitmap of %s has bits past page %" PRIu64,
                       (const char *)name, nbits);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MigrationState *s = migrate_get_current();
    MigChannel *ch;
    QEMUFile *rp;
    GError *err = NULL;
    int mode, r;

    if (size < 1) {
        return 0;
    }
    mode = data[0] % RP_STATE_N;
    ch = mig_channel_new_mem(data + 1, size - 1, "fuzz-return-path");
    rp = qemu_file_new_input(ch);
    mig_channel_unref(ch);

    s->rp_shut = false;
    s->rp_io_error = false;
    s->switchover_acked = false;
    s->package_loaded = false;
    s->last_pong = 0;
    switch (mode) {
    case RP_STATE_ACTIVE:
        g_atomic_int_set(s->state, MIGRATION_STATUS_ACTIVE);
        break;
    case RP_STATE_POSTCOPY:
        g_atomic_int_set(s->state, MIGRATION_STATUS_POSTCOPY_ACTIVE);
        s->pc_queue = postcopy_src_queue_new(NULL, NULL, 0);
        break;
    case RP_STATE_RECOVER:
        g_atomic_int_set(s->state, MIGRATION_STATUS_POSTCOPY_RECOVER);
        s->pc_queue = postcopy_src_queue_new(NULL, NULL, 0);
        s->recv_bitmaps = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                g_free, g_free);
        s->recv_bitmaps_pending = 1;
        break;
    }

    do {
        r = migration_rp_handle_one(s, rp, &err);
        FUZZ_CHECK((r < 0) == (err != NULL),
                   "handler returned %d with error %s", r,
                   err ? err->message : "(none)");
    } while (r > 0);
    if (err) {
        FUZZ_CHECK(err->message && err->message[0],
                   "return path failed with an empty message");
        if (fuzz_verbose()) {
            fprintf(stderr, "fuzz-return-path: %s\n", err->message);
        }
        g_error_free(err);
    }

    if (s->pc_queue) {
        check_queue(s);
        g_clear_pointer(&s->pc_queue, postcopy_src_queue_free);
    }
    if (s->recv_bitmaps) {
        check_bitmaps(s);
        g_clear_pointer(&s->recv_bitmaps, g_hash_table_unref);
    }
    s->recv_bitmaps_pending = 0;
    g_atomic_int_set(s->state, MIGRATION_STATUS_NONE);
    qemu_fclose(rp);
    fuzz_machine_settle();
    return 0;
}

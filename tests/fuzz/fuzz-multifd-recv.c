/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "multifd-recv": what a multifd channel carries to the
 * destination (migration/multifd-recv.c with multifd-wire.c and the
 * zlib/zstd codecs): the 64-byte handshake, then RAM packets (header,
 * offsets, pages or a compressed payload), sync packets and device-state
 * packets, read by the real receiver thread from a memory channel and
 * placed into a 64-page RAM block.
 *
 * Byte 0 of the input picks the configured compression (none, zlib,
 * zstd); the rest is the channel's byte stream.  The main channel's side
 * is played by the target: it releases every sync packet
 * (multifd_recv_sync_main) until the set fails or the channel ends, then
 * shuts the set down.
 *
 * Oracles, besides the sanitizers and the per-input leak check: every
 * failure has a message (the channel always ends, so the last sync
 * fails: "closed before its sync packet" or the first error).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/channel.h"
#include "migration/multifd.h"
#include "system/memory.h"
#include "fuzz.h"

#define FUZZ_MF_PAGES 64

static RAMBlock *block;

static RAMBlock *find_block(const char *name, void *opaque)
{
    return !strcmp(name, ram_block_name(block)) ? block : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autoptr(GError) err = NULL;

    fuzz_init_common();
    block = ram_block_new("fuzz.ram", FUZZ_MF_PAGES * TARGET_PAGE_SIZE,
                          false, -1, 0, &err);
    if (!block) {
        fprintf(stderr, "fuzz-multifd-recv: %s\n", err->message);
        abort();
    }
    return 0;
}

static void check_message(GError *err, const char *what)
{
    FUZZ_CHECK(err && err->message && err->message[0],
               "%s failed without a message", what);
    if (fuzz_verbose()) {
        fprintf(stderr, "fuzz-multifd-recv: %s: %s\n", what, err->message);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const MultiFDCompression comps[] = {
        MULTIFD_COMPRESSION_NONE, MULTIFD_COMPRESSION_ZLIB,
        MULTIFD_COMPRESSION_ZSTD,
    };
    MultiFDRecvParams params = {
        .channels = 1,
        .find_block = find_block,
    };
    MultiFDRecv *r;
    MigChannel *ch;
    GError *err = NULL;
    unsigned syncs = 0;

    if (size < 1) {
        return 0;
    }
    params.compression = comps[data[0] % G_N_ELEMENTS(comps)];
    r = multifd_recv_setup(&params);
    ch = mig_channel_new_mem(data + 1, size - 1, "fuzz-multifd");
    if (!multifd_recv_new_channel(r, ch, NULL, &err)) {
        check_message(err, "handshake");
        g_clear_error(&err);
    } else {
        /* Each sync packet costs the input at least a packet header. */
        while (multifd_recv_sync_main(r, &err)) {
            syncs++;
            FUZZ_CHECK(syncs <= size, "more syncs than input bytes");
        }
        check_message(err, "sync");
        g_clear_error(&err);
    }
    if (!multifd_recv_shutdown(r, &err)) {
        check_message(err, "shutdown");
        g_clear_error(&err);
    }
    mig_channel_unref(ch);
    memset(ram_block_host(block), 0, ram_block_used_length(block));
    return 0;
}

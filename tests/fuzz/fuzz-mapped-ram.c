/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "mapped-ram": the read side of the mapped-ram file layout
 * (migration/mapped-ram.c): a block's header (mapped_ram_read_header),
 * its page bitmap (mapped_ram_read_bitmap) and its pages
 * (mapped_ram_read_block), as the destination of a file: migration with
 * mapped-ram reads them, from a file whose every byte is untrusted.
 *
 * Input layout:
 *   byte 0      bit 0: which block (5 pages, or 70 pages so that the
 *               bitmap spans two words with a partial last one);
 *               bits 1-7: header offset in the file, in 4-byte units
 *   bytes 1-4   be32 file size (capped at 1 MiB); the file is never
 *               shorter than the bytes given, longer sizes are a hole
 *   bytes 5..   the file's bytes from offset 0
 * The file lives in a memfd: nothing is written to disk.
 *
 * Oracles, besides the sanitizers and the per-input leak check: each
 * failure has a message; a decoded layout lies inside the file; after a
 * successful read every page whose bit is set equals its slot in the
 * file and every other page is still zero.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qapi/error.h"
#include "migration/mapped-ram.h"
#include "system/memory.h"
#include "fuzz.h"

#define FUZZ_MR_MAX_FILE (1024 * 1024)

static RAMBlock *blocks[2];
static int memfd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const uint64_t pages[2] = { 5, 70 };
    g_autoptr(GError) err = NULL;

    fuzz_init_common();
    for (int i = 0; i < 2; i++) {
        g_autofree char *name = g_strdup_printf("fuzz.ram%d", i);

        blocks[i] = ram_block_new(name, pages[i] * TARGET_PAGE_SIZE,
                                  false, -1, 0, &err);
        if (!blocks[i]) {
            fprintf(stderr, "fuzz-mapped-ram: %s\n", err->message);
            abort();
        }
    }
    memfd = memfd_create("fuzz-mapped-ram", 0);
    if (memfd < 0) {
        perror("fuzz-mapped-ram: memfd_create");
        abort();
    }
    return 0;
}

static void fail_message(GError *err)
{
    FUZZ_CHECK(err && err->message && err->message[0],
               "mapped-ram read failed without a message");
    if (fuzz_verbose()) {
        fprintf(stderr, "fuzz-mapped-ram: %s\n", err->message);
    }
}

static bool test_bit_ul(const unsigned long *map, uint64_t k)
{
    return (map[k / BITS_PER_LONG] >> (k % BITS_PER_LONG)) & 1;
}

static void check_pages(const MappedRamLayout *l, const unsigned long *map,
                        const uint8_t *file, size_t file_len)
{
    g_autofree uint8_t *zero = g_malloc0(l->page_size);

    for (uint64_t k = 0; k < l->num_pages; k++) {
        const uint8_t *mem = l->host + k * l->page_size;
        uint64_t slot = l->pages_offset + k * l->page_size;

        if (!test_bit_ul(map, k)) {
            FUZZ_CHECK(!memcmp(mem, zero, l->page_size),
                       "page %" PRIu64 " changed with its bit clear", k);
            continue;
        }
        /* Past the given bytes the file is a hole: zeros. */
        for (uint64_t i = 0; i < l->page_size; i++) {
            uint8_t want = slot + i < file_len ? file[slot + i] : 0;

            FUZZ_CHECK(mem[i] == want, "page %" PRIu64 " byte %" PRIu64
                       " differs from the file", k, i);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MappedRamLayout l;
    RAMBlock *rb;
    uint64_t header_offset, file_size;
    const uint8_t *file;
    size_t file_len;
    GError *err = NULL;
    g_autofree unsigned long *map = NULL;

    if (size < 5) {
        return 0;
    }
    rb = blocks[data[0] & 1];
    header_offset = (data[0] >> 1) * 4;
    file_size = ((uint64_t)data[1] << 24) | (data[2] << 16) |
                (data[3] << 8) | data[4];
    file = data + 5;
    file_len = size - 5;
    file_size = MAX(MIN(file_size, FUZZ_MR_MAX_FILE), file_len);

    if (ftruncate(memfd, 0) < 0 || ftruncate(memfd, file_size) < 0 ||
        pwrite(memfd, file, file_len, 0) != (ssize_t)file_len) {
        perror("fuzz-mapped-ram: memfd");
        abort();
    }
    memset(ram_block_host(rb), 0, ram_block_used_length(rb));

    if (!mapped_ram_read_header(memfd, rb, header_offset, &l, &err)) {
        fail_message(err);
        g_error_free(err);
        return 0;
    }
    FUZZ_CHECK(l.bitmap_offset + l.bitmap_size <= l.pages_offset &&
               l.pages_offset + l.used_length <= file_size,
               "layout of %s outside the %" PRIu64 "-byte file", l.name,
               file_size);
    map = mapped_ram_read_bitmap(memfd, &l, &err);
    if (!map) {
        fail_message(err);
        g_error_free(err);
        return 0;
    }
    if (!mapped_ram_read_block(memfd, &l, map, &err)) {
        fail_message(err);
        g_error_free(err);
        return 0;
    }
    check_pages(&l, map, file, file_len);
    /* The direct-io check must answer, whatever the layout. */
    if (!mapped_ram_direct_io_check(&l, 512, &err)) {
        fail_message(err);
        g_error_free(err);
    }
    return 0;
}

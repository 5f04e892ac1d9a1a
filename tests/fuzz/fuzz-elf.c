/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "elf": guest images as -kernel, -bios and the generic
 * loader read them (hw/cr16/loader.c: cr16_image_parse, raw images and
 * ELF32 CR16 executables by their PT_LOAD headers) and as cr16-objdump
 * reads them (tools/objdump/elf-read.c and the disassembly listing).
 *
 * Byte 0 of the input selects the RAM size the loader checks against
 * (64 KiB, 1 MiB, the low-RAM window, the board default); the rest is
 * the file.  An image the loader accepts is installed into the
 * in-process virt board's RAM, as the board's reset does.
 *
 * Oracles, besides the sanitizers and the per-input leak check: a
 * rejected file has a message, from both readers; the loader takes the
 * ELF path exactly for files starting with the ELF magic; every PT_LOAD
 * segment and every section with file contents (not the null section 0)
 * of a file the objdump reader accepts lies inside the file, and its
 * listing succeeds; a flat binary
 * listing never fails.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "hw/cr16/virt.h"
#include "../../hw/cr16/loader.h"
#include "objdump/elf-read.h"
#include "objdump/objdump.h"
#include "fuzz.h"
#include "fuzz-machine.h"

#define SHT_NOBITS 8
#define PT_LOAD 1

static const uint64_t ram_sizes[] = {
    64 * 1024, 1024 * 1024, VIRT_LOWRAM_SIZE, VIRT_RAM_DEFAULT_SIZE,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_common();
    fuzz_machine_init();
    return 0;
}

static void check_message(GError *err, const char *who)
{
    FUZZ_CHECK(err && err->message && err->message[0],
               "%s rejected the file without a message", who);
    if (fuzz_verbose()) {
        fprintf(stderr, "fuzz-elf: %s: %s\n", who, err->message);
    }
}

static void fuzz_loader(const uint8_t *file, size_t len, uint64_t ram_size)
{
    g_autoptr(GBytes) bytes = g_bytes_new(file, len);
    g_autoptr(Cr16Image) img = NULL;
    GError *err = NULL;

    img = cr16_image_parse(bytes, ram_size, &err);
    if (!img) {
        check_message(err, "loader");
        g_clear_error(&err);
        return;
    }
    FUZZ_CHECK(cr16_image_is_elf(img) == (len >= 4 && !memcmp(file, "\x7f"
                                                               "ELF", 4)),
               "loader took the wrong path");
    /* The board's RAM is at least as large as any size checked here. */
    cr16_image_install(img);
    (void)cr16_image_entry(img);
}

static void fuzz_objdump(const uint8_t *file, size_t len)
{
    g_autoptr(Cr16Elf) elf = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    Cr16DumpOptions opts = { .all = true };
    GError *err = NULL;

    elf = cr16_elf_parse(file, len, &err);
    if (!elf) {
        check_message(err, "objdump reader");
        g_clear_error(&err);
    } else {
        for (guint i = 0; i < elf->segments->len; i++) {
            const Cr16ElfSegment *seg = &g_array_index(elf->segments,
                                                       Cr16ElfSegment, i);

            /* Only PT_LOAD segments are read (and checked). */
            FUZZ_CHECK(seg->type != PT_LOAD ||
                       (uint64_t)seg->offset + seg->filesz <= len,
                       "segment %u outside the file", i);
        }
        for (guint i = 0; i < elf->sections->len; i++) {
            const Cr16ElfSection *sec = &g_array_index(elf->sections,
                                                       Cr16ElfSection, i);

            FUZZ_CHECK(sec->name, "section %u without a name", i);
            /* Section 0 is the null section: never read. */
            FUZZ_CHECK(i == 0 || sec->type == SHT_NOBITS ||
                       (uint64_t)sec->offset + sec->size <= len,
                       "section %u outside the file", i);
        }
    }
    /* The listing of a malformed file fails with a message; of a good
     * one it succeeds. */
    if (!cr16_objdump("fuzz.elf", file, len, &opts, out, &err)) {
        FUZZ_CHECK(!elf, "objdump failed on a file its reader accepted");
        check_message(err, "objdump");
        g_clear_error(&err);
    }
    /* Flat binaries never fail; keep them short, the listing is slow. */
    g_string_truncate(out, 0);
    opts.binary = true;
    FUZZ_CHECK(cr16_objdump("fuzz.bin", file, MIN(len, 512), &opts, out,
                            &err), "flat binary listing failed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    fuzz_loader(data + 1, size - 1, ram_sizes[data[0] % G_N_ELEMENTS(ram_sizes)]);
    fuzz_objdump(data + 1, size - 1);
    fuzz_machine_settle();
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "cr16-as": the assembler (tools/asm/: lexer, expressions,
 * operands, directives, the instruction matcher over the CPU's table,
 * the fixed-point layout, the listing and the ELF writer) fed source text
 * as cr16_asm_assemble_string() takes it.
 *
 * The source is named /nonexistent/fuzz.s so that a relative .include
 * finds nothing next to it; like cr16-as, the assembler then tries the
 * working directory, and an absolute name reads that host file (inputs
 * that do so depend on the host: keep them out of the corpus).
 *
 * Oracles, besides the sanitizers and the per-input leak check: a failed
 * assembly has diagnostics, each naming the file and line; a successful
 * one has a listing, its symbols are sorted by name and can be looked up,
 * and its ELF output parses in the objdump reader with one PT_LOAD
 * segment that holds exactly the image at its base (none for an empty
 * image), and the entry point.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "asm/asm.h"
#include "objdump/elf-read.h"
#include "fuzz.h"

#define PT_LOAD 1

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_common();
    return 0;
}

static void check_symbols(const Cr16Asm *as)
{
    guint n = cr16_asm_symbol_count(as);

    for (guint i = 0; i < n; i++) {
        const Cr16AsmSymbol *sym = cr16_asm_symbol(as, i);
        int64_t v;

        FUZZ_CHECK(sym && sym->name, "symbol %u has no name", i);
        if (i) {
            FUZZ_CHECK(strcmp(cr16_asm_symbol(as, i - 1)->name,
                              sym->name) < 0, "symbols not sorted at %s",
                       sym->name);
        }
        FUZZ_CHECK(cr16_asm_lookup(as, sym->name, &v) && v == sym->value,
                   "symbol %s does not look up to its value", sym->name);
    }
}

static void check_elf(const Cr16Asm *as)
{
    g_autoptr(GBytes) bytes = cr16_asm_to_elf(as);
    g_autoptr(Cr16Elf) elf = NULL;
    g_autoptr(GError) err = NULL;
    const uint8_t *image, *file;
    uint32_t base;
    size_t len, file_len;
    const Cr16ElfSegment *seg;

    file = g_bytes_get_data(bytes, &file_len);
    elf = cr16_elf_parse(file, file_len, &err);
    FUZZ_CHECK(elf, "the assembler's ELF does not parse: %s", err->message);
    FUZZ_CHECK(elf->entry == cr16_asm_entry(as), "ELF entry 0x%x, not 0x%x",
               elf->entry, cr16_asm_entry(as));
    image = cr16_asm_image(as, &base, &len);
    /* An empty image has no segment at all. */
    FUZZ_CHECK(elf->segments->len == (len ? 1 : 0),
               "%u segments in the ELF of a %zu-byte image",
               elf->segments->len, len);
    if (!len) {
        return;
    }
    seg = &g_array_index(elf->segments, Cr16ElfSegment, 0);
    FUZZ_CHECK(seg->type == PT_LOAD && seg->paddr == base &&
               seg->filesz == len &&
               (len == 0 || !memcmp(file + seg->offset, image, len)),
               "the ELF segment does not hold the image");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_strndup(data, size);
    g_autoptr(Cr16Asm) as = cr16_asm_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *listing = NULL;

    if (!cr16_asm_assemble_string(as, "/nonexistent/fuzz.s", text, &err)) {
        FUZZ_CHECK(err && err->message && err->message[0],
                   "assembly failed without diagnostics");
        FUZZ_CHECK(strstr(err->message, ": Error: "),
                   "diagnostic without a position: %s", err->message);
        if (fuzz_verbose()) {
            fprintf(stderr, "fuzz-cr16-as: %s\n", err->message);
        }
        return 0;
    }
    listing = cr16_asm_listing(as);
    FUZZ_CHECK(listing, "no listing");
    check_symbols(as);
    check_elf(as);
    return 0;
}

/*
 * cr16-as core: a two-pass (iterate-to-fixed-point) assembler for GNU-as
 * style CR16C source.  Instruction encodings come from the CPU's
 * instruction table (target/cr16/insn.h); this library only parses source,
 * lays out the image and collects symbols.  Not thread-safe per object;
 * distinct Cr16Asm objects are independent.
 */
#ifndef TOOLS_ASM_ASM_H
#define TOOLS_ASM_ASM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Cr16Asm Cr16Asm;

/* One symbol of a finished assembly. */
typedef struct Cr16AsmSymbol {
    const char *name;       /* owned by the Cr16Asm */
    int64_t value;
    bool is_label;          /* an address (name:) rather than .equ/.set */
    bool global;            /* named by .global/.globl */
} Cr16AsmSymbol;

/* Create an empty assembler.  Free with cr16_asm_free(). */
Cr16Asm *cr16_asm_new(void);

/* Free an assembler and everything it owns (NULL is allowed). */
void cr16_asm_free(Cr16Asm *as);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Cr16Asm, cr16_asm_free)

/* Add a directory searched by .include after the including file's one. */
void cr16_asm_add_include_dir(Cr16Asm *as, const char *dir);

/*
 * Assemble the file at @path.  On failure returns false and sets @errp to
 * all diagnostics, one "FILE:LINE: Error: message" per line.  May be called
 * once per Cr16Asm.
 */
bool cr16_asm_assemble_file(Cr16Asm *as, const char *path, GError **errp);

/*
 * Assemble @text as if it were the contents of a file called @name (used in
 * diagnostics; .include is resolved relative to its directory).  Same
 * failure convention as cr16_asm_assemble_file().
 */
bool cr16_asm_assemble_string(Cr16Asm *as, const char *name,
                              const char *text, GError **errp);

/*
 * The assembled image: bytes for addresses [base, base + *len).  base is 0,
 * or the first .org when nothing was emitted before it.  The pointer stays
 * valid until the Cr16Asm is freed.
 */
const uint8_t *cr16_asm_image(const Cr16Asm *as, uint32_t *base,
                              size_t *len);

/* Entry point: the value of _start if defined, else 0. */
uint32_t cr16_asm_entry(const Cr16Asm *as);

/* Number of symbols (named, user-visible ones; sorted by name). */
guint cr16_asm_symbol_count(const Cr16Asm *as);

/* Symbol @i (0 <= i < count); owned by the assembler. */
const Cr16AsmSymbol *cr16_asm_symbol(const Cr16Asm *as, guint i);

/* Look up a defined symbol's final value; false when it is not defined. */
bool cr16_asm_lookup(const Cr16Asm *as, const char *name, int64_t *value);

/*
 * The listing of the last assembly: one line per source line with line
 * number, address, encoded bytes (continued on extra lines when long) and
 * the source text.  Caller frees the string.
 */
char *cr16_asm_listing(const Cr16Asm *as);

/*
 * The source files read by the last assembly (the main file first, then
 * included files in the order first read); NULL-terminated array, caller
 * frees the array only (g_free), the strings belong to the assembler.
 */
const char **cr16_asm_source_files(const Cr16Asm *as);

/*
 * The finished assembly as an ELF32 little-endian EM_CR16 executable: one
 * PT_LOAD segment (RWX; none when the image is empty) holding the image at
 * its base address, entry = cr16_asm_entry(), sections .text (the image), .symtab, .strtab and
 * .shstrtab.  Labels inside the image belong to .text, other symbols are
 * absolute; .global symbols are STB_GLOBAL; local ".L" names are left
 * out.  Caller unrefs the bytes.
 */
GBytes *cr16_asm_to_elf(const Cr16Asm *as);

#endif /* TOOLS_ASM_ASM_H */

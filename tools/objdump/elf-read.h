/*
 * cr16-objdump ELF reader: validates an ELF32 little-endian CR16 file
 * (every offset, size and count is checked against the file) and returns
 * its segments, sections and symbols.  Pure; thread-safe per object.
 */
#ifndef TOOLS_OBJDUMP_ELF_READ_H
#define TOOLS_OBJDUMP_ELF_READ_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Cr16ElfSegment {
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;        /* PT_LOAD: offset + filesz inside the file */
    uint32_t memsz;
    uint32_t flags;
} Cr16ElfSegment;

typedef struct Cr16ElfSection {
    const char *name;       /* "" when unnamed; owned by the Cr16Elf */
    unsigned index;
    uint32_t type;
    uint32_t flags;
    uint32_t addr;
    uint32_t offset;        /* offset + size inside the file unless NOBITS
                             * or the null section 0 */
    uint32_t size;
} Cr16ElfSection;

typedef struct Cr16ElfSymbol {
    const char *name;       /* owned by the Cr16Elf */
    uint32_t value;
    uint8_t bind;
    uint8_t type;
    uint16_t shndx;
} Cr16ElfSymbol;

typedef struct Cr16Elf {
    uint16_t type;          /* e_type */
    uint16_t machine;
    uint32_t entry;
    GArray *segments;       /* Cr16ElfSegment */
    GArray *sections;       /* Cr16ElfSection, index 0 = the null one */
    GArray *symbols;        /* Cr16ElfSymbol of every SHT_SYMTAB */
    GStringChunk *strings;
} Cr16Elf;

/*
 * Parse @len bytes at @data (not retained).  Returns NULL and sets @errp
 * ("not an ELF file", "truncated program header table", ...) when the file
 * is not a well-formed ELF32 little-endian CR16 file.  Free with
 * cr16_elf_free().
 */
Cr16Elf *cr16_elf_parse(const uint8_t *data, size_t len, GError **errp);

/* Free a parsed file (NULL is allowed). */
void cr16_elf_free(Cr16Elf *elf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Cr16Elf, cr16_elf_free)

#endif /* TOOLS_OBJDUMP_ELF_READ_H */

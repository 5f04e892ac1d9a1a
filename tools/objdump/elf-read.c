/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-objdump ELF reader: header, program headers, section headers and
 * symbol tables of an untrusted ELF32 little-endian file, with every
 * offset and size checked before use.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "elf-read.h"
#include "../cr16-elf.h"

static uint16_t get16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Is [off, off + size) inside a file of @len bytes? */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
    return off <= len && size <= len - off;
}

/* NUL-terminated string at @off of a string table section, or NULL. */
static const char *table_string(const uint8_t *data,
                                const Cr16ElfSection *tab, uint32_t off)
{
    const uint8_t *s, *nul;

    if (tab->type != CR16_SHT_STRTAB || off >= tab->size) {
        return NULL;
    }
    s = data + tab->offset + off;
    nul = memchr(s, '\0', tab->size - off);
    return nul ? (const char *)s : NULL;
}

static bool parse_segments(Cr16Elf *elf, const uint8_t *data, size_t len,
                           uint32_t phoff, unsigned phentsize,
                           unsigned phnum, GError **errp)
{
    unsigned i;

    if (phnum == 0) {
        return true;
    }
    if (phentsize < CR16_ELF_PHDR_SIZE) {
        error_setg(errp, "bad program header entry size %u", phentsize);
        return false;
    }
    if (!in_file(phoff, (uint64_t)phentsize * phnum, len)) {
        error_setg(errp, "program header table (offset 0x%" PRIx32 ", %u "
                   "entries) lies outside the file", phoff, phnum);
        return false;
    }
    for (i = 0; i < phnum; i++) {
        const uint8_t *p = data + phoff + (size_t)i * phentsize;
        Cr16ElfSegment seg = {
            .type = get32(p), .offset = get32(p + 4), .vaddr = get32(p + 8),
            .paddr = get32(p + 12), .filesz = get32(p + 16),
            .memsz = get32(p + 20), .flags = get32(p + 24),
        };

        if (seg.type == CR16_PT_LOAD && !in_file(seg.offset, seg.filesz,
                                                 len)) {
            error_setg(errp, "segment %u (offset 0x%" PRIx32 ", size 0x%"
                       PRIx32 ") lies outside the file", i, seg.offset,
                       seg.filesz);
            return false;
        }
        g_array_append_val(elf->segments, seg);
    }
    return true;
}

static bool parse_sections(Cr16Elf *elf, const uint8_t *data, size_t len,
                           uint32_t shoff, unsigned shentsize,
                           unsigned shnum, unsigned shstrndx, GError **errp)
{
    const Cr16ElfSection *names = NULL;
    unsigned i;

    if (shnum == 0) {
        return true;
    }
    if (shentsize < CR16_ELF_SHDR_SIZE) {
        error_setg(errp, "bad section header entry size %u", shentsize);
        return false;
    }
    if (!in_file(shoff, (uint64_t)shentsize * shnum, len)) {
        error_setg(errp, "section header table (offset 0x%" PRIx32 ", %u "
                   "entries) lies outside the file", shoff, shnum);
        return false;
    }
    for (i = 0; i < shnum; i++) {
        const uint8_t *p = data + shoff + (size_t)i * shentsize;
        Cr16ElfSection sec = {
            .name = "", .index = i, .type = get32(p + 4),
            .flags = get32(p + 8), .addr = get32(p + 12),
            .offset = get32(p + 16), .size = get32(p + 20),
        };

        if (i > 0 && sec.type != CR16_SHT_NOBITS &&
            !in_file(sec.offset, sec.size, len)) {
            error_setg(errp, "section %u (offset 0x%" PRIx32 ", size 0x%"
                       PRIx32 ") lies outside the file", i, sec.offset,
                       sec.size);
            return false;
        }
        g_array_append_val(elf->sections, sec);
    }
    if (shstrndx != CR16_SHN_UNDEF) {
        if (shstrndx >= shnum) {
            error_setg(errp, "section name table index %u out of range",
                       shstrndx);
            return false;
        }
        names = &g_array_index(elf->sections, Cr16ElfSection, shstrndx);
    }
    for (i = 1; names && i < shnum; i++) {
        Cr16ElfSection *sec = &g_array_index(elf->sections, Cr16ElfSection,
                                             i);
        const uint8_t *p = data + shoff + (size_t)i * shentsize;
        const char *name = table_string(data, names, get32(p));

        sec->name = g_string_chunk_insert(elf->strings,
                                          name ? name : "<corrupt>");
    }
    return true;
}

static bool parse_symtab(Cr16Elf *elf, const uint8_t *data,
                         const Cr16ElfSection *sec, uint32_t link,
                         uint32_t entsize, GError **errp)
{
    const Cr16ElfSection *strtab;
    uint32_t n, i;

    if (entsize < CR16_ELF_SYM_SIZE) {
        error_setg(errp, "symbol table %s: bad entry size %" PRIu32,
                   sec->name, entsize);
        return false;
    }
    if (link == 0 || link >= elf->sections->len) {
        error_setg(errp, "symbol table %s: bad string table index %" PRIu32,
                   sec->name, link);
        return false;
    }
    strtab = &g_array_index(elf->sections, Cr16ElfSection, link);
    n = sec->size / entsize;
    for (i = 1; i < n; i++) {
        const uint8_t *p = data + sec->offset + (size_t)i * entsize;
        const char *name = table_string(data, strtab, get32(p));
        Cr16ElfSymbol sym = {
            .value = get32(p + 4), .bind = p[12] >> 4, .type = p[12] & 0xf,
            .shndx = get16(p + 14),
        };

        sym.name = g_string_chunk_insert(elf->strings,
                                         name ? name : "<corrupt>");
        g_array_append_val(elf->symbols, sym);
    }
    return true;
}

Cr16Elf *cr16_elf_parse(const uint8_t *data, size_t len, GError **errp)
{
    g_autoptr(Cr16Elf) elf = NULL;
    unsigned shentsize, shnum, i;
    uint32_t shoff;

    if (len < 16 || memcmp(data, "\177ELF", 4) != 0) {
        error_setg(errp, "not an ELF file");
        return NULL;
    }
    if (data[4] != 1 || data[5] != 1) {
        error_setg(errp, "not a 32-bit little-endian ELF file");
        return NULL;
    }
    if (len < CR16_ELF_EHDR_SIZE) {
        error_setg(errp, "truncated ELF header");
        return NULL;
    }
    elf = g_new0(Cr16Elf, 1);
    elf->segments = g_array_new(false, true, sizeof(Cr16ElfSegment));
    elf->sections = g_array_new(false, true, sizeof(Cr16ElfSection));
    elf->symbols = g_array_new(false, true, sizeof(Cr16ElfSymbol));
    elf->strings = g_string_chunk_new(256);
    elf->type = get16(data + 16);
    elf->machine = get16(data + 18);
    elf->entry = get32(data + 24);
    if (elf->machine != CR16_EM_CR16 && elf->machine != CR16_EM_CR16_ALT) {
        error_setg(errp, "not a CR16 ELF file (e_machine %u)", elf->machine);
        return NULL;
    }
    if (!parse_segments(elf, data, len, get32(data + 28), get16(data + 42),
                        get16(data + 44), errp)) {
        return NULL;
    }
    shoff = get32(data + 32);
    shentsize = get16(data + 46);
    shnum = get16(data + 48);
    if (!parse_sections(elf, data, len, shoff, shentsize, shnum,
                        get16(data + 50), errp)) {
        return NULL;
    }
    for (i = 1; i < elf->sections->len; i++) {
        Cr16ElfSection sec = g_array_index(elf->sections, Cr16ElfSection, i);
        const uint8_t *p = data + shoff + (size_t)i * shentsize;

        if (sec.type == CR16_SHT_SYMTAB &&
            !parse_symtab(elf, data, &sec, get32(p + 24), get32(p + 36),
                          errp)) {
            return NULL;
        }
    }
    return g_steal_pointer(&elf);
}

void cr16_elf_free(Cr16Elf *elf)
{
    if (!elf) {
        return;
    }
    g_array_unref(elf->segments);
    g_array_unref(elf->sections);
    g_array_unref(elf->symbols);
    g_string_chunk_free(elf->strings);
    g_free(elf);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as ELF writer: serialises a finished assembly as an ELF32
 * little-endian executable (header, one PT_LOAD, .text, .symtab, .strtab,
 * .shstrtab, section headers), field by field.
 */
#include "qemu/osdep.h"
#include "asm.h"
#include "../cr16-elf.h"

enum {
    SEC_NULL, SEC_TEXT, SEC_SYMTAB, SEC_STRTAB, SEC_SHSTRTAB, SEC_COUNT
};

static void put16(GByteArray *b, uint16_t v)
{
    uint8_t x[2] = { v, v >> 8 };

    g_byte_array_append(b, x, 2);
}

static void put32(GByteArray *b, uint32_t v)
{
    uint8_t x[4] = { v, v >> 8, v >> 16, v >> 24 };

    g_byte_array_append(b, x, 4);
}

static void pad_to(GByteArray *b, guint off)
{
    static const uint8_t zero[8];

    while (b->len < off) {
        g_byte_array_append(b, zero, MIN(off - b->len, sizeof(zero)));
    }
}

/* Append @s with its NUL to a string table; returns its offset. */
static uint32_t strtab_add(GByteArray *tab, const char *s)
{
    uint32_t off = tab->len;

    g_byte_array_append(tab, (const guint8 *)s, strlen(s) + 1);
    return off;
}

static void put_sym(GByteArray *b, uint32_t name, uint32_t value,
                    uint8_t bind, uint16_t shndx)
{
    put32(b, name);
    put32(b, value);
    put32(b, 0);                                /* st_size */
    g_byte_array_append(b, (uint8_t[]){ bind << 4 | CR16_STT_NOTYPE, 0 },
                        2);                     /* st_info, st_other */
    put16(b, shndx);
}

static void put_shdr(GByteArray *b, uint32_t name, uint32_t type,
                     uint32_t flags, uint32_t addr, uint32_t off,
                     uint32_t size, uint32_t link, uint32_t info,
                     uint32_t align, uint32_t entsize)
{
    put32(b, name);
    put32(b, type);
    put32(b, flags);
    put32(b, addr);
    put32(b, off);
    put32(b, size);
    put32(b, link);
    put32(b, info);
    put32(b, align);
    put32(b, entsize);
}

/* Symbol table: locals first, then globals (ELF requires that order). */
static uint32_t build_symtab(const Cr16Asm *as, uint32_t base, size_t len,
                             GByteArray *symtab, GByteArray *strtab)
{
    uint32_t first_global = 1;
    guint n = cr16_asm_symbol_count(as);
    int global;
    guint i;

    put_sym(symtab, 0, 0, CR16_STB_LOCAL, CR16_SHN_UNDEF);
    for (global = 0; global <= 1; global++) {
        if (global) {
            first_global = symtab->len / CR16_ELF_SYM_SIZE;
        }
        for (i = 0; i < n; i++) {
            const Cr16AsmSymbol *s = cr16_asm_symbol(as, i);
            bool in_text = s->is_label && s->value >= base &&
                           s->value <= (int64_t)base + (int64_t)len &&
                           len > 0;

            /* ".L" names are assembler-local by GNU convention. */
            if (s->global != global ||
                (!s->global && g_str_has_prefix(s->name, ".L"))) {
                continue;
            }
            put_sym(symtab, strtab_add(strtab, s->name), (uint32_t)s->value,
                    global ? CR16_STB_GLOBAL : CR16_STB_LOCAL,
                    in_text ? SEC_TEXT : CR16_SHN_ABS);
        }
    }
    return first_global;
}

GBytes *cr16_asm_to_elf(const Cr16Asm *as)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GByteArray) symtab = g_byte_array_new();
    g_autoptr(GByteArray) strtab = g_byte_array_new();
    g_autoptr(GByteArray) shstr = g_byte_array_new();
    uint32_t base, first_global;
    uint32_t text_off, sym_off, str_off, shstr_off, sh_off;
    uint32_t name_text, name_sym, name_str, name_shstr;
    size_t len;
    const uint8_t *image = cr16_asm_image(as, &base, &len);
    unsigned phnum = len ? 1 : 0;

    strtab_add(strtab, "");
    first_global = build_symtab(as, base, len, symtab, strtab);
    strtab_add(shstr, "");
    name_text = strtab_add(shstr, ".text");
    name_sym = strtab_add(shstr, ".symtab");
    name_str = strtab_add(shstr, ".strtab");
    name_shstr = strtab_add(shstr, ".shstrtab");

    /* File layout: headers, image (offset congruent to base mod 4),
     * tables, section headers. */
    text_off = CR16_ELF_EHDR_SIZE + phnum * CR16_ELF_PHDR_SIZE;
    text_off = QEMU_ALIGN_UP(text_off, 4) + (base & 3);
    sym_off = QEMU_ALIGN_UP(text_off + len, 4);
    str_off = sym_off + symtab->len;
    shstr_off = str_off + strtab->len;
    sh_off = QEMU_ALIGN_UP(shstr_off + shstr->len, 4);

    /* ELF header */
    g_byte_array_append(out, (const uint8_t[]){
        0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1 /* ELFDATA2LSB */,
        1 /* EV_CURRENT */, 0 /* ELFOSABI_NONE */, 0, 0, 0, 0, 0, 0, 0, 0,
    }, 16);
    put16(out, CR16_ET_EXEC);
    put16(out, CR16_EM_CR16);
    put32(out, 1);                              /* e_version */
    put32(out, cr16_asm_entry(as));
    put32(out, phnum ? CR16_ELF_EHDR_SIZE : 0); /* e_phoff */
    put32(out, sh_off);
    put32(out, 0);                              /* e_flags */
    put16(out, CR16_ELF_EHDR_SIZE);
    put16(out, CR16_ELF_PHDR_SIZE);
    put16(out, phnum);
    put16(out, CR16_ELF_SHDR_SIZE);
    put16(out, SEC_COUNT);
    put16(out, SEC_SHSTRTAB);

    if (phnum) {
        put32(out, CR16_PT_LOAD);
        put32(out, text_off);
        put32(out, base);                       /* p_vaddr */
        put32(out, base);                       /* p_paddr */
        put32(out, len);                        /* p_filesz */
        put32(out, len);                        /* p_memsz */
        put32(out, CR16_PF_R | CR16_PF_W | CR16_PF_X);
        put32(out, 4);                          /* p_align */
    }

    pad_to(out, text_off);
    g_byte_array_append(out, image, len);
    pad_to(out, sym_off);
    g_byte_array_append(out, symtab->data, symtab->len);
    g_byte_array_append(out, strtab->data, strtab->len);
    g_byte_array_append(out, shstr->data, shstr->len);
    pad_to(out, sh_off);

    put_shdr(out, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    put_shdr(out, name_text, CR16_SHT_PROGBITS,
             CR16_SHF_ALLOC | CR16_SHF_EXECINSTR | CR16_SHF_WRITE,
             base, text_off, len, 0, 0, 2, 0);
    put_shdr(out, name_sym, CR16_SHT_SYMTAB, 0, 0, sym_off, symtab->len,
             SEC_STRTAB, first_global, 4, CR16_ELF_SYM_SIZE);
    put_shdr(out, name_str, CR16_SHT_STRTAB, 0, 0, str_off, strtab->len,
             0, 0, 1, 0);
    put_shdr(out, name_shstr, CR16_SHT_STRTAB, 0, 0, shstr_off, shstr->len,
             0, 0, 1, 0);

    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-objdump core: walks the code of an ELF file (executable sections,
 * or PT_LOAD segments when there are no section headers) or of a flat
 * image, prints symbol labels, and formats each instruction that
 * cr16_disas() decodes in GNU objdump's column layout.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/cr16/insn.h"
#include "objdump.h"
#include "elf-read.h"
#include "../cr16-elf.h"

/* Bytes shown before the mnemonic column is padded (GNU's default). */
#define BYTES_PER_LINE 4

typedef struct Label {
    uint64_t addr;
    const char *name;
    bool global;
    unsigned shndx;         /* section of the symbol (0: any) */
} Label;

static gint label_cmp(gconstpointer a, gconstpointer b)
{
    const Label *x = a, *y = b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    if (x->global != y->global) {
        return x->global ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* " <sym>" or " <sym+0x10>" for the closest label at or below @addr. */
static void annotate(GString *out, GArray *labels, uint64_t addr)
{
    const Label *best = NULL;
    guint i;

    for (i = 0; labels && i < labels->len; i++) {
        const Label *l = &g_array_index(labels, Label, i);

        if (l->addr > addr) {
            break;
        }
        if (!best || l->addr != best->addr) {
            best = l;
        }
    }
    if (!best) {
        return;
    }
    if (best->addr == addr) {
        g_string_append_printf(out, " <%s>", best->name);
    } else {
        g_string_append_printf(out, " <%s+0x%" PRIx64 ">", best->name,
                               addr - best->addr);
    }
}

/* Branch target of the decoded instruction, if it has one. */
static bool branch_target(const uint16_t *words, unsigned nwords,
                          uint32_t pc, uint64_t *target)
{
    CR16Operand ops[CR16_MAX_OPERANDS];
    unsigned needed, i;
    const CR16Form *form = cr16_decode(words, nwords, ops, &needed);

    for (i = 0; form && i < form->nops; i++) {
        if (cr16_opkind_class(ops[i].kind) == CR16_OPC_TARGET) {
            *target = (uint32_t)(pc + ops[i].value) & 0xffffff;
            return true;
        }
    }
    return false;
}

/* One output line: address, raw bytes, text (first blank -> tab). */
static void put_line(GString *out, uint64_t addr, const uint8_t *bytes,
                     unsigned n, const char *text)
{
    const char *sp = strchr(text, ' ');
    unsigned i;

    g_string_append_printf(out, "%8" PRIx64 ":\t", addr);
    for (i = 0; i < n; i++) {
        g_string_append_printf(out, "%02x ", bytes[i]);
    }
    for (; i < BYTES_PER_LINE; i++) {
        g_string_append(out, "   ");
    }
    g_string_append_c(out, '\t');
    if (sp) {
        g_string_append_len(out, text, sp - text);
        g_string_append_c(out, '\t');
        g_string_append(out, sp + 1);
    } else {
        g_string_append(out, text);
    }
}

/*
 * Disassemble @len bytes loaded at @vma.  @labels (sorted, may be NULL)
 * name addresses; labels with shndx @shndx (or 0) start a "<name>:" block;
 * @first_label names the start when no label does.
 */
static void disas_block(const uint8_t *data, size_t len, uint64_t vma,
                        GArray *labels, unsigned shndx,
                        const char *first_label,
                        const Cr16DumpOptions *opts, GString *out)
{
    uint64_t off = 0, end = len;
    guint li = 0;
    bool first = true;

    if (opts && opts->has_start && opts->start > vma) {
        off = MIN(opts->start - vma, (uint64_t)len);
    }
    if (opts && opts->has_stop) {
        end = opts->stop <= vma ? 0 : MIN(opts->stop - vma, (uint64_t)len);
    }
    while (off < end) {
        uint64_t addr = vma + off;
        uint16_t words[3];
        unsigned nwords = MIN(3, (len - off) / 2), i, n;
        bool labelled = false;
        char text[128];
        uint64_t target;

        while (labels && li < labels->len &&
               g_array_index(labels, Label, li).addr <= addr) {
            const Label *l = &g_array_index(labels, Label, li++);

            if (l->addr == addr && !labelled &&
                (l->shndx == 0 || l->shndx == shndx)) {
                g_string_append_printf(out, "\n%08" PRIx64 " <%s>:\n",
                                       addr, l->name);
                labelled = true;
            }
        }
        if (first && !labelled && first_label) {
            g_string_append_printf(out, "\n%08" PRIx64 " <%s>:\n", addr,
                                   first_label);
        }
        first = false;
        if (nwords == 0) {
            g_snprintf(text, sizeof(text), ".byte 0x%02x", data[off]);
            put_line(out, addr, data + off, 1, text);
            g_string_append_c(out, '\n');
            off++;
            continue;
        }
        for (i = 0; i < nwords; i++) {
            words[i] = data[off + 2 * i] | data[off + 2 * i + 1] << 8;
        }
        n = cr16_disas((uint32_t)addr, words, nwords, text, sizeof(text));
        if (n == 0 || n > 2 * nwords) {
            /* The instruction runs past the end of the data. */
            g_snprintf(text, sizeof(text), ".word 0x%04x", words[0]);
            n = 2;
        }
        put_line(out, addr, data + off, n, text);
        if (n > 0 && branch_target(words, nwords, (uint32_t)addr,
                                   &target)) {
            annotate(out, labels, target);
        }
        g_string_append_c(out, '\n');
        off += n;
    }
}

void cr16_objdump_range(const uint8_t *data, size_t len, uint32_t addr,
                        GString *out)
{
    disas_block(data, len, addr, NULL, 0, NULL, NULL, out);
}

static GArray *elf_labels(const Cr16Elf *elf, int64_t adjust)
{
    GArray *labels = g_array_new(false, true, sizeof(Label));
    guint i;

    for (i = 0; i < elf->symbols->len; i++) {
        const Cr16ElfSymbol *s = &g_array_index(elf->symbols,
                                                Cr16ElfSymbol, i);
        Label l;

        if (!*s->name || s->type == CR16_STT_SECTION ||
            s->type == CR16_STT_FILE || s->shndx == CR16_SHN_UNDEF ||
            s->shndx >= CR16_SHN_LORESERVE) {
            continue;
        }
        l.addr = (uint64_t)((int64_t)s->value + adjust);
        l.name = s->name;
        l.global = s->bind == CR16_STB_GLOBAL;
        l.shndx = s->shndx;
        g_array_append_val(labels, l);
    }
    g_array_sort(labels, label_cmp);
    return labels;
}

static bool dump_elf(const char *name, const uint8_t *data, size_t len,
                     const Cr16DumpOptions *opts, GString *out,
                     GError **errp)
{
    g_autoptr(Cr16Elf) elf = cr16_elf_parse(data, len, errp);
    g_autoptr(GArray) labels = NULL;
    guint i;

    if (!elf) {
        error_prepend(errp, "%s: ", name);
        return false;
    }
    labels = elf_labels(elf, opts->adjust_vma);
    g_string_append_printf(out, "\n%s:     file format elf32-cr16\n\n",
                           name);
    if (elf->sections->len > 1) {
        for (i = 1; i < elf->sections->len; i++) {
            const Cr16ElfSection *s = &g_array_index(elf->sections,
                                                     Cr16ElfSection, i);

            if (s->type != CR16_SHT_PROGBITS || !(s->flags & CR16_SHF_ALLOC)
                || s->size == 0 ||
                (!opts->all && !(s->flags & CR16_SHF_EXECINSTR))) {
                continue;
            }
            g_string_append_printf(out, "\nDisassembly of section %s:\n",
                                   s->name);
            disas_block(data + s->offset, s->size,
                        (uint64_t)((int64_t)s->addr + opts->adjust_vma),
                        labels, s->index, s->name, opts, out);
        }
        return true;
    }
    for (i = 0; i < elf->segments->len; i++) {
        const Cr16ElfSegment *seg = &g_array_index(elf->segments,
                                                   Cr16ElfSegment, i);
        g_autofree char *label = NULL;

        if (seg->type != CR16_PT_LOAD || seg->filesz == 0) {
            continue;
        }
        label = g_strdup_printf("LOAD%u", i);
        g_string_append_printf(out, "\nDisassembly of segment %s:\n",
                               label);
        disas_block(data + seg->offset, seg->filesz,
                    (uint64_t)((int64_t)seg->vaddr + opts->adjust_vma),
                    labels, 0, label, opts, out);
    }
    return true;
}

bool cr16_objdump(const char *name, const uint8_t *data, size_t len,
                  const Cr16DumpOptions *opts, GString *out, GError **errp)
{
    if (!opts->binary) {
        return dump_elf(name, data, len, opts, out, errp);
    }
    g_string_append_printf(out, "\n%s:     file format binary\n\n", name);
    if (len) {
        g_string_append(out, "\nDisassembly of section .data:\n");
        disas_block(data, len, (uint64_t)opts->adjust_vma, NULL, 0, ".data",
                    opts, out);
    }
    return true;
}

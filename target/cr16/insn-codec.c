/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Table-driven encoder and decoder for CR16C instructions, plus operand
 * kind metadata and mnemonic lookup. Everything is derived from the form
 * table in insn-table.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/cr16/insn.h"
#include "target/cr16/insn-internal.h"

/* ------------------------------------------------------------------ */
/* Operand kind metadata                                               */

enum {
    KI_EVEN   = 1 << 0,     /* value must be even */
    KI_VAL    = 1 << 1,     /* value field is meaningful */
    KI_BASE   = 1 << 2,     /* reg = base register/pair (0..15) */
    KI_IDX    = 1 << 3,     /* index mode: reg = index pair, index = 12/13 */
    KI_REGOP  = 1 << 4,     /* register operand (REG/RP) */
};

typedef struct KindInfo {
    CR16OpClass cls;
    const char *name;
    int64_t min, max;
    uint8_t flags;
} KindInfo;

static const KindInfo kind_info[CR16_OPK__MAX] = {
    [CR16_OPK_NONE]      = { CR16_OPC_NONE, "none", 0, 0, 0 },
    [CR16_OPK_REG]       = { CR16_OPC_REG, "register", 0, 0, KI_REGOP },
    [CR16_OPK_RP]        = { CR16_OPC_PAIR, "register pair", 0, 0, KI_REGOP },
    [CR16_OPK_PREG]      = { CR16_OPC_PREG, "processor register", 0, 15,
                             KI_VAL },
    [CR16_OPK_PREGD]     = { CR16_OPC_PREG, "double processor register",
                             0, 14, KI_VAL },
    [CR16_OPK_IMM4]      = { CR16_OPC_IMM, "imm4", -1, 15, KI_VAL },
    [CR16_OPK_IMM16B]    = { CR16_OPC_IMM, "imm8", -128, 255, KI_VAL },
    [CR16_OPK_IMM16W]    = { CR16_OPC_IMM, "imm16", -32768, 65535, KI_VAL },
    [CR16_OPK_IMM16D]    = { CR16_OPC_IMM, "simm16", -32768, 32767, KI_VAL },
    [CR16_OPK_IMM20]     = { CR16_OPC_IMM, "imm20", 0, 0xFFFFF, KI_VAL },
    [CR16_OPK_IMM32]     = { CR16_OPC_IMM, "imm32", -0x80000000LL,
                             0xFFFFFFFFLL, KI_VAL },
    [CR16_OPK_UIMM4]     = { CR16_OPC_IMM, "uimm4", 0, 15, KI_VAL },
    [CR16_OPK_BIT3]      = { CR16_OPC_IMM, "bit number", 0, 7, KI_VAL },
    [CR16_OPK_BIT4]      = { CR16_OPC_IMM, "bit number", 0, 15, KI_VAL },
    [CR16_OPK_SHIFT_B]   = { CR16_OPC_IMM, "shift count", -8, 7, KI_VAL },
    [CR16_OPK_SHIFT_W]   = { CR16_OPC_IMM, "shift count", -16, 15, KI_VAL },
    [CR16_OPK_SHIFT_D]   = { CR16_OPC_IMM, "shift count", -32, 31, KI_VAL },
    [CR16_OPK_LSH_B]     = { CR16_OPC_IMM, "right shift count", -8, -1,
                             KI_VAL },
    [CR16_OPK_LSH_W]     = { CR16_OPC_IMM, "right shift count", -16, -1,
                             KI_VAL },
    [CR16_OPK_LSH_D]     = { CR16_OPC_IMM, "right shift count", -32, -1,
                             KI_VAL },
    [CR16_OPK_COUNT]     = { CR16_OPC_IMM, "count", 1, 8, KI_VAL },
    [CR16_OPK_EXCP]      = { CR16_OPC_NAME, "exception vector", 5, 10,
                             KI_VAL },
    [CR16_OPK_CINV]      = { CR16_OPC_NAME, "cache list", 10, 15, KI_VAL },
    [CR16_OPK_DISP5]     = { CR16_OPC_TARGET, "disp5", 2, 32,
                             KI_VAL | KI_EVEN },
    [CR16_OPK_DISP9]     = { CR16_OPC_TARGET, "disp9", -254, 254,
                             KI_VAL | KI_EVEN },
    [CR16_OPK_DISP17]    = { CR16_OPC_TARGET, "disp17", -0x10000, 0xFFFE,
                             KI_VAL | KI_EVEN },
    [CR16_OPK_DISP25]    = { CR16_OPC_TARGET, "disp25", -0x1000000,
                             0xFFFFFE, KI_VAL | KI_EVEN },
    [CR16_OPK_MEM_ABS20] = { CR16_OPC_MEM, "abs20", 0, 0xFFFFFF, KI_VAL },
    [CR16_OPK_MEM_ABS24] = { CR16_OPC_MEM, "abs24", 0, 0xFFFFFF, KI_VAL },
    [CR16_OPK_MEM_IABS20] = { CR16_OPC_MEM, "[rX]abs20", 0, 0xFFFFF,
                              KI_VAL | KI_IDX },
    [CR16_OPK_MEM_RP0]   = { CR16_OPC_MEM, "0(rp)", 0, 0, KI_VAL | KI_BASE },
    [CR16_OPK_MEM_RP4B]  = { CR16_OPC_MEM, "disp4(rp)", 0, 13,
                             KI_VAL | KI_BASE },
    [CR16_OPK_MEM_RP4W]  = { CR16_OPC_MEM, "disp4(rp)", 0, 26,
                             KI_VAL | KI_BASE | KI_EVEN },
    [CR16_OPK_MEM_RP16]  = { CR16_OPC_MEM, "disp16(rp)", 0, 0xFFFF,
                             KI_VAL | KI_BASE },
    [CR16_OPK_MEM_RP20]  = { CR16_OPC_MEM, "disp20(rp)", 0, 0xFFFFF,
                             KI_VAL | KI_BASE },
    [CR16_OPK_MEM_RPN20] = { CR16_OPC_MEM, "-disp20(rp)", -0x100000, -1,
                             KI_VAL | KI_BASE },
    [CR16_OPK_MEM_R20]   = { CR16_OPC_MEM, "disp20(rN)", 0, 0xFFFFF,
                             KI_VAL | KI_BASE },
    [CR16_OPK_MEM_RN20]  = { CR16_OPC_MEM, "-disp20(rN)", -0x100000, -1,
                             KI_VAL | KI_BASE },
    [CR16_OPK_MEM_IRP0]  = { CR16_OPC_MEM, "[rX]0(rp)", 0, 0,
                             KI_VAL | KI_IDX },
    [CR16_OPK_MEM_IRP14] = { CR16_OPC_MEM, "[rX]disp14(rp)", 0, 0x3FFF,
                             KI_VAL | KI_IDX },
    [CR16_OPK_MEM_IRP20] = { CR16_OPC_MEM, "[rX]disp20(rp)", 0, 0xFFFFF,
                             KI_VAL | KI_IDX },
};

CR16OpClass cr16_opkind_class(CR16OpKind kind)
{
    return kind < CR16_OPK__MAX ? kind_info[kind].cls : CR16_OPC_NONE;
}

const char *cr16_opkind_name(CR16OpKind kind)
{
    return kind < CR16_OPK__MAX ? kind_info[kind].name : "?";
}

bool cr16_opkind_is_indexed(CR16OpKind kind)
{
    return kind < CR16_OPK__MAX && (kind_info[kind].flags & KI_IDX);
}

void cr16_opkind_range(CR16OpKind kind, int64_t *min, int64_t *max)
{
    if (kind < CR16_OPK__MAX && (kind_info[kind].flags & KI_VAL)) {
        *min = kind_info[kind].min;
        *max = kind_info[kind].max;
    } else {
        *min = *max = 0;
    }
}

/* ------------------------------------------------------------------ */
/* Index pairs                                                         */

const uint8_t cr16_rrp_pair[8] = { 0, 2, 4, 6, 8, 10, 3, 5 };

int cr16_pair_to_rrp(unsigned pair)
{
    for (int i = 0; i < 8; i++) {
        if (cr16_rrp_pair[i] == pair) {
            return i;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */

static unsigned field_width(const CR16Field *f)
{
    unsigned w = 0;

    for (unsigned i = 0; i < f->n; i++) {
        w += f->p[i].width;
    }
    return w;
}

static uint64_t field_get(const CR16Field *f, uint64_t insn)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < f->n; i++) {
        const CR16FieldPiece *p = &f->p[i];
        uint64_t bits = (insn >> p->ipos) & ((1ULL << p->width) - 1);

        v |= bits << p->vpos;
    }
    return v;
}

static uint64_t field_put(const CR16Field *f, uint64_t insn, uint64_t v)
{
    for (unsigned i = 0; i < f->n; i++) {
        const CR16FieldPiece *p = &f->p[i];
        uint64_t m = ((1ULL << p->width) - 1);

        insn &= ~(m << p->ipos);
        insn |= ((v >> p->vpos) & m) << p->ipos;
    }
    return insn;
}

static int64_t sext(uint64_t v, unsigned bits)
{
    uint64_t m = 1ULL << (bits - 1);

    v &= (m << 1) - 1;
    return (int64_t)(v ^ m) - (int64_t)m;
}

/* Value of an operand -> raw field bits. Range already checked. */
static uint64_t value_to_raw(CR16OpKind kind, int64_t v, unsigned width)
{
    switch (kind) {
    case CR16_OPK_IMM4:
        return v == -1 ? 9 : (uint64_t)v;
    case CR16_OPK_IMM16B:
        return (uint64_t)v & 0xFF;
    case CR16_OPK_IMM16W:
    case CR16_OPK_IMM16D:
        return (uint64_t)v & 0xFFFF;
    case CR16_OPK_IMM32:
        return (uint64_t)v & 0xFFFFFFFFu;
    case CR16_OPK_SHIFT_B:
    case CR16_OPK_SHIFT_W:
    case CR16_OPK_SHIFT_D:
    case CR16_OPK_LSH_B:
    case CR16_OPK_LSH_W:
    case CR16_OPK_LSH_D:
        return (uint64_t)v & ((1ULL << width) - 1);
    case CR16_OPK_COUNT:
        return (uint64_t)(v - 1);
    case CR16_OPK_DISP5:
        return (uint64_t)(v / 2 - 1);
    case CR16_OPK_DISP9:
        return ((uint64_t)v >> 1) & 0xFF;
    case CR16_OPK_DISP17:
        return ((uint64_t)v & 0xFFFE) | (v < 0);
    case CR16_OPK_DISP25:
        return ((uint64_t)v & 0xFFFFFE) | (v < 0);
    case CR16_OPK_MEM_ABS20:
        return (uint64_t)v & 0xFFFFF;
    case CR16_OPK_MEM_RP4W:
        return (uint64_t)v / 2;
    case CR16_OPK_MEM_RPN20:
    case CR16_OPK_MEM_RN20:
        return (uint64_t)(v + 0x100000);
    default:
        return (uint64_t)v;
    }
}

/* Raw field bits -> operand value (inverse of value_to_raw). */
static int64_t raw_to_value(CR16OpKind kind, uint64_t raw, unsigned width)
{
    switch (kind) {
    case CR16_OPK_IMM4:
        return raw == 9 ? -1 : (int64_t)raw;
    case CR16_OPK_IMM16B:
        return sext(raw, 8);
    case CR16_OPK_IMM16W:
    case CR16_OPK_IMM16D:
        return sext(raw, 16);
    case CR16_OPK_SHIFT_B:
    case CR16_OPK_SHIFT_W:
    case CR16_OPK_SHIFT_D:
    case CR16_OPK_LSH_B:
    case CR16_OPK_LSH_W:
    case CR16_OPK_LSH_D:
        return sext(raw, width);
    case CR16_OPK_COUNT:
        return (int64_t)raw + 1;
    case CR16_OPK_DISP5:
        return 2 * ((int64_t)raw + 1);
    case CR16_OPK_DISP9:
        return sext(raw, 8) * 2;
    case CR16_OPK_DISP17:
        return (int64_t)(raw & 0xFFFE) - ((raw & 1) ? 0x10000 : 0);
    case CR16_OPK_DISP25:
        return (int64_t)(raw & 0xFFFFFE) - ((raw & 1) ? 0x1000000 : 0);
    case CR16_OPK_MEM_ABS20:
        return raw < 0xF0000 ? (int64_t)raw : (int64_t)(raw | 0xF00000);
    case CR16_OPK_MEM_RP4W:
        return (int64_t)raw * 2;
    case CR16_OPK_MEM_RPN20:
    case CR16_OPK_MEM_RN20:
        return (int64_t)raw - 0x100000;
    default:
        return (int64_t)raw;
    }
}

/* ------------------------------------------------------------------ */
/* Operand check                                                       */

static bool value_ok(CR16OpKind kind, int64_t v)
{
    const KindInfo *ki = &kind_info[kind];

    if (v < ki->min || v > ki->max) {
        return false;
    }
    if ((ki->flags & KI_EVEN) && (v & 1)) {
        return false;
    }
    switch (kind) {
    case CR16_OPK_IMM4:
        return v != 9 && v != 11;
    case CR16_OPK_PREGD:
        return !(v & 1) || v == 1 || v == 9;
    case CR16_OPK_EXCP:
        return v != 9;
    case CR16_OPK_MEM_ABS20:
        return v < 0xF0000 || v >= 0xFF0000;
    default:
        return true;
    }
}

static const char *ordinal(unsigned i)
{
    static const char *const names[] = { "first", "second", "third" };

    return i < ARRAY_SIZE(names) ? names[i] : "extra";
}

bool cr16_operand_check(const CR16Form *form, unsigned i,
                        const CR16Operand *op, GError **errp)
{
    const CR16OperandSpec *spec;
    CR16OpKind kind;
    const KindInfo *ki;

    if (i >= form->nops) {
        error_setg(errp, "%s takes %u operand(s)", form->mnemonic,
                   form->nops);
        return false;
    }
    spec = &form->ops[i];
    kind = spec->kind;
    ki = &kind_info[kind];

    if (ki->flags & KI_REGOP) {
        if (spec->reg.n == 0) {
            if (op->reg != spec->fixed) {
                error_setg(errp, "%s operand of %s must be %s",
                           ordinal(i), form->mnemonic,
                           kind == CR16_OPK_RP ? cr16_pair_name(spec->fixed)
                                               : cr16_reg_name(spec->fixed));
                return false;
            }
        } else if (op->reg > 15) {
            error_setg(errp, "%s operand of %s: bad register number %u",
                       ordinal(i), form->mnemonic, op->reg);
            return false;
        }
        return true;
    }
    if ((ki->flags & KI_VAL) && !value_ok(kind, op->value)) {
        if (kind == CR16_OPK_MEM_ABS20) {
            error_setg(errp, "%s operand of %s: address 0x%" PRIx64
                       " is not reachable as abs20 (0..0xeffff or "
                       "0xff0000..0xffffff)", ordinal(i), form->mnemonic,
                       (uint64_t)op->value);
        } else {
            error_setg(errp, "%s operand of %s: %s %" PRId64
                       " out of range %" PRId64 "..%" PRId64 "%s%s",
                       ordinal(i), form->mnemonic, ki->name, op->value,
                       ki->min, ki->max,
                       (ki->flags & KI_EVEN) ? " (even)" : "",
                       kind == CR16_OPK_IMM4 ? " (not 9 or 11)" : "");
        }
        return false;
    }
    if (ki->flags & KI_BASE) {
        if (op->reg > 15) {
            error_setg(errp, "%s operand of %s: bad base register %u",
                       ordinal(i), form->mnemonic, op->reg);
            return false;
        }
    }
    if (ki->flags & KI_IDX) {
        if (op->index != 12 && op->index != 13) {
            error_setg(errp, "%s operand of %s: index register must be "
                       "r12 or r13", ordinal(i), form->mnemonic);
            return false;
        }
        if (kind != CR16_OPK_MEM_IABS20 && cr16_pair_to_rrp(op->reg) < 0) {
            error_setg(errp, "%s operand of %s: %s cannot be used with an "
                       "index register", ordinal(i), form->mnemonic,
                       op->reg < 16 ? cr16_pair_name(op->reg) : "?");
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Encode                                                              */

bool cr16_encode(const CR16Form *form, const CR16Operand ops[],
                 uint16_t words[3], GError **errp)
{
    uint64_t insn = form->match;

    for (unsigned i = 0; i < form->nops; i++) {
        const CR16OperandSpec *spec = &form->ops[i];
        const CR16Operand *op = &ops[i];

        if (!cr16_operand_check(form, i, op, errp)) {
            return false;
        }
        if (spec->val.n) {
            uint64_t raw = value_to_raw(spec->kind, op->value,
                                        field_width(&spec->val));
            insn = field_put(&spec->val, insn, raw);
        }
        if (spec->reg.n) {
            unsigned r = op->reg;

            if (cr16_opkind_is_indexed(spec->kind)) {
                r = cr16_pair_to_rrp(op->reg);
            }
            insn = field_put(&spec->reg, insn, r);
        }
        if (spec->idx.n) {
            insn = field_put(&spec->idx, insn, op->index == 13);
        }
    }
    if ((insn & form->mask) != form->match) {
        /* A value overlapped fixed opcode bits (cannot happen for values
         * that passed the range check; kept as a guard). */
        error_setg(errp, "operands of %s do not fit this encoding",
                   form->mnemonic);
        return false;
    }
    words[0] = insn >> 32;
    words[1] = form->len > 1 ? (uint16_t)(insn >> 16) : 0;
    words[2] = form->len > 2 ? (uint16_t)insn : 0;
    return true;
}

/* ------------------------------------------------------------------ */
/* Decode tables                                                       */

typedef struct DecodeTables {
    const CR16Form *forms;
    unsigned nforms;
    /* per W0[15:8]: decodable forms, most specific first */
    const CR16Form **bucket[256];
    unsigned nbucket[256];
    uint8_t len[65536];
    GHashTable *by_name;    /* lower-case mnemonic -> GPtrArray */
} DecodeTables;

static DecodeTables tables;

static int spec_cmp(const void *a, const void *b)
{
    const CR16Form *fa = *(const CR16Form *const *)a;
    const CR16Form *fb = *(const CR16Form *const *)b;
    int pa = __builtin_popcountll(fa->mask);
    int pb = __builtin_popcountll(fb->mask);

    if (pa != pb) {
        return pb - pa;
    }
    return fa < fb ? -1 : fa > fb;
}

static int len_cmp(const void *a, const void *b)
{
    const CR16Form *fa = *(const CR16Form *const *)a;
    const CR16Form *fb = *(const CR16Form *const *)b;

    if (fa->len != fb->len) {
        return fa->len - fb->len;
    }
    return fa < fb ? -1 : fa > fb;
}

static gpointer tables_build(gpointer unused)
{
    DecodeTables *t = &tables;

    t->forms = cr16_table_forms(&t->nforms);
    t->by_name = g_hash_table_new(g_str_hash, g_str_equal);

    for (unsigned b = 0; b < 256; b++) {
        GPtrArray *arr = g_ptr_array_new();

        for (unsigned i = 0; i < t->nforms; i++) {
            const CR16Form *f = &t->forms[i];
            uint16_t m0 = f->mask >> 40, v0 = f->match >> 40;

            if (!(f->flags & CR16_FF_ALIAS) && (b & m0) == v0) {
                g_ptr_array_add(arr, (gpointer)f);
            }
        }
        if (arr->len) {
            qsort(arr->pdata, arr->len, sizeof(gpointer), spec_cmp);
        }
        t->nbucket[b] = arr->len;
        t->bucket[b] = (const CR16Form **)g_ptr_array_free(arr, FALSE);
    }

    for (unsigned w = 0; w < 65536; w++) {
        unsigned b = w >> 8;

        t->len[w] = 0;
        for (unsigned i = 0; i < t->nbucket[b]; i++) {
            const CR16Form *f = t->bucket[b][i];
            uint16_t m0 = f->mask >> 32, v0 = f->match >> 32;

            if ((w & m0) == v0) {
                t->len[w] = f->len;
                break;
            }
        }
    }

    for (unsigned i = 0; i < t->nforms; i++) {
        const CR16Form *f = &t->forms[i];
        char *key = g_ascii_strdown(f->mnemonic, -1);
        GPtrArray *arr = g_hash_table_lookup(t->by_name, key);

        if (!arr) {
            arr = g_ptr_array_new();
            g_hash_table_insert(t->by_name, key, arr);
        } else {
            g_free(key);
        }
        g_ptr_array_add(arr, (gpointer)f);
    }
    {
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, t->by_name);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            GPtrArray *arr = v;

            qsort(arr->pdata, arr->len, sizeof(gpointer), len_cmp);
        }
    }
    return NULL;
}

static inline const DecodeTables *get_tables(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, tables_build, NULL);
    return &tables;
}

unsigned cr16_form_count(void)
{
    return get_tables()->nforms;
}

const CR16Form *cr16_form_at(unsigned i)
{
    const DecodeTables *t = get_tables();

    return i < t->nforms ? &t->forms[i] : NULL;
}

unsigned cr16_form_index(const CR16Form *form)
{
    return form - get_tables()->forms;
}

const CR16Form *const *cr16_forms_for_mnemonic(const char *name, unsigned *n)
{
    const DecodeTables *t = get_tables();
    char *key = g_ascii_strdown(name, -1);
    GPtrArray *arr = g_hash_table_lookup(t->by_name, key);

    g_free(key);
    if (!arr) {
        *n = 0;
        return NULL;
    }
    *n = arr->len;
    return (const CR16Form *const *)arr->pdata;
}

unsigned cr16_insn_len(uint16_t w0)
{
    return get_tables()->len[w0];
}

/* Extract the operands of form from insn; false if any is invalid. */
static bool decode_operands(const CR16Form *form, uint64_t insn,
                            CR16Operand ops[CR16_MAX_OPERANDS])
{
    for (unsigned i = 0; i < form->nops; i++) {
        const CR16OperandSpec *spec = &form->ops[i];
        CR16Operand *op = &ops[i];

        op->kind = spec->kind;
        op->value = 0;
        op->reg = 0;
        op->index = 0;
        if (spec->val.n) {
            op->value = raw_to_value(spec->kind, field_get(&spec->val, insn),
                                     field_width(&spec->val));
        }
        if (spec->reg.n) {
            unsigned r = field_get(&spec->reg, insn);

            op->reg = cr16_opkind_is_indexed(spec->kind) ? cr16_rrp_pair[r]
                                                          : r;
        } else if (kind_info[spec->kind].flags & KI_REGOP) {
            op->reg = spec->fixed;
        }
        if (spec->idx.n) {
            op->index = field_get(&spec->idx, insn) ? 13 : 12;
        }
        if (!cr16_operand_check(form, i, op, NULL)) {
            return false;
        }
    }
    return true;
}

const CR16Form *cr16_decode(const uint16_t *words, unsigned nwords,
                            CR16Operand ops[CR16_MAX_OPERANDS],
                            unsigned *needed)
{
    const DecodeTables *t = get_tables();
    unsigned b = nwords ? words[0] >> 8 : 0;
    unsigned need = 0;
    CR16Operand tmp[CR16_MAX_OPERANDS];

    if (!ops) {
        ops = tmp;
    }
    if (nwords == 0) {
        if (needed) {
            *needed = 1;
        }
        return NULL;
    }
    for (unsigned i = 0; i < t->nbucket[b]; i++) {
        const CR16Form *f = t->bucket[b][i];
        uint64_t insn;

        if (f->len > nwords) {
            uint16_t m0 = f->mask >> 32, v0 = f->match >> 32;

            if ((words[0] & m0) == v0 && f->len > need) {
                need = f->len;
            }
            continue;
        }
        insn = cr16_insn_value(words, f->len);
        if ((insn & f->mask) == f->match && decode_operands(f, insn, ops)) {
            if (need) {
                /* a more specific, longer form might apply: fetch more */
                break;
            }
            if (needed) {
                *needed = 0;
            }
            return f;
        }
    }
    if (needed) {
        *needed = need;
    }
    return NULL;
}

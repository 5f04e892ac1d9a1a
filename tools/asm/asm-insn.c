/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as instructions: match parsed operands against the forms of a
 * mnemonic in the CPU's instruction table (shortest first) and encode the
 * first form that fits with cr16_encode().  Nothing here knows an opcode
 * or a bit position; it only maps operand syntax onto operand kinds.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/cr16/insn.h"
#include "asm-int.h"
#include "asm-lex.h"
#include "asm-operand.h"

/* Outcome of matching one operand against one kind. */
typedef enum Match {
    MATCH_NO,       /* wrong syntax for this kind */
    MATCH_OK,
    MATCH_BAD,      /* right syntax, but the operand is broken (reported) */
} Match;

/* Evaluate op->expr once; the result is cached in @op. */
static bool operand_value(Cr16Asm *as, AsmOperand *op)
{
    if (!op->evaluated) {
        op->evaluated = true;
        op->eval_ok = asm_eval(as, op->expr ? op->expr : "0", &op->value);
    }
    return op->eval_ok;
}

/* Width in bits of the value field of operand @i of @form. */
static unsigned value_field_bits(const CR16Form *form, unsigned i)
{
    const CR16Field *f = &form->ops[i].val;
    unsigned bits = 0, k;

    for (k = 0; k < f->n && k < G_N_ELEMENTS(f->p); k++) {
        bits += f->p[k].width;
    }
    return bits;
}

/* Does a ":s/:m/:l" hint allow operand @i of @form? */
static bool hint_allows(const CR16Form *form, unsigned i, char hint)
{
    unsigned bits = value_field_bits(form, i);

    switch (hint) {
    case 's':
        return bits <= 8;
    case 'm':
        return bits > 8 && bits <= 20;
    case 'l':
        return bits > 20;
    default:
        return true;
    }
}

/*
 * A stand-in for a value not known yet in this pass: something every form
 * of the kind accepts, so that the shortest form is tried first; a later
 * pass grows the instruction if the real value needs more room.
 */
static int64_t placeholder(CR16OpKind kind)
{
    int64_t min, max;

    cr16_opkind_range(kind, &min, &max);
    if (cr16_opkind_class(kind) == CR16_OPC_TARGET) {
        return (2 >= min && 2 <= max) ? 2 : min;
    }
    if (min <= 0 && max >= 0) {
        return 0;
    }
    return min > 0 ? min : max;
}

/* Register operand, also checking an implicit register (push ... ra). */
static Match match_fixed(const CR16OperandSpec *spec, int reg)
{
    if (spec->reg.n == 0 && reg != spec->fixed) {
        return MATCH_NO;
    }
    return MATCH_OK;
}

static Match match_value(Cr16Asm *as, AsmOperand *op, const CR16Form *form,
                         unsigned i, int64_t bias, CR16Operand *out,
                         bool *unknown)
{
    CR16OpKind kind = form->ops[i].kind;

    if (!hint_allows(form, i, op->hint)) {
        return MATCH_NO;
    }
    if (!operand_value(as, op)) {
        return MATCH_BAD;
    }
    if (!op->value.known) {
        *unknown = true;
        out->value = placeholder(kind);
    } else if (cr16_opkind_class(kind) == CR16_OPC_TARGET) {
        /* Branch arithmetic wraps modulo 2^24: take the displacement
         * that reaches the target the short way round. */
        if (op->value.v < 0 || op->value.v >= ASM_ADDR_LIMIT) {
            asm_error(as, "branch target 0x%" PRIx64 " is outside the "
                      "24-bit address space", (uint64_t)op->value.v);
            return MATCH_BAD;
        }
        out->value = (int64_t)(((uint64_t)op->value.v - bias +
                                ASM_ADDR_LIMIT / 2) & (ASM_ADDR_LIMIT - 1))
                     - ASM_ADDR_LIMIT / 2;
    } else {
        out->value = op->value.v;
    }
    return MATCH_OK;
}

static Match match_mem(Cr16Asm *as, AsmOperand *op, const CR16Form *form,
                       unsigned i, CR16Operand *out, bool *unknown)
{
    CR16OpKind kind = form->ops[i].kind;
    int pair = asm_operand_pair_code(op);

    switch (kind) {
    case CR16_OPK_MEM_ABS20:
    case CR16_OPK_MEM_ABS24:
        if (op->syn != ASM_SYN_EXPR) {
            return MATCH_NO;
        }
        break;
    case CR16_OPK_MEM_IABS20:
        if (op->syn != ASM_SYN_MEM || op->index < 0 ||
            op->base != ASM_BASE_NONE || !op->expr) {
            return MATCH_NO;
        }
        out->index = op->index;
        break;
    case CR16_OPK_MEM_R20:
    case CR16_OPK_MEM_RN20:
        /* gas: a single base of r12..sp means the 32-bit register. */
        if (op->syn != ASM_SYN_MEM || op->index >= 0 ||
            op->base != ASM_BASE_REG || op->base_reg > 11) {
            return MATCH_NO;
        }
        out->reg = op->base_reg;
        break;
    case CR16_OPK_MEM_IRP0:
    case CR16_OPK_MEM_IRP14:
    case CR16_OPK_MEM_IRP20:
        if (op->syn != ASM_SYN_MEM || op->index < 0 || pair < 0) {
            return MATCH_NO;
        }
        out->index = op->index;
        out->reg = pair;
        break;
    default:
        /* The (rp) based kinds. */
        if (op->syn != ASM_SYN_MEM || op->index >= 0 || pair < 0) {
            return MATCH_NO;
        }
        out->reg = pair;
        break;
    }
    return match_value(as, op, form, i, 0, out, unknown);
}

static Match match_operand(Cr16Asm *as, AsmOperand *op, const CR16Form *form,
                           unsigned i, uint32_t pc, CR16Operand *out,
                           bool *unknown)
{
    const CR16OperandSpec *spec = &form->ops[i];
    CR16OpKind kind = spec->kind;
    int code;

    memset(out, 0, sizeof(*out));
    out->kind = kind;
    switch (cr16_opkind_class(kind)) {
    case CR16_OPC_REG:
        if (op->syn != ASM_SYN_REG) {
            return MATCH_NO;
        }
        out->reg = op->reg;
        return match_fixed(spec, op->reg);
    case CR16_OPC_PAIR:
        code = asm_operand_pair_code(op);
        if (op->syn != ASM_SYN_MEM || op->index >= 0 || op->expr ||
            code < 0) {
            return MATCH_NO;
        }
        out->reg = code;
        return match_fixed(spec, code);
    case CR16_OPC_PREG:
        if (op->syn != ASM_SYN_EXPR || op->hint) {
            return MATCH_NO;
        }
        {
            g_autofree char *lower = g_ascii_strdown(op->expr, -1);

            code = cr16_preg_lookup(lower, kind == CR16_OPK_PREGD);
        }
        if (code < 0) {
            return MATCH_NO;
        }
        out->value = code;
        return MATCH_OK;
    case CR16_OPC_IMM:
        if (op->syn != ASM_SYN_IMM) {
            return MATCH_NO;
        }
        return match_value(as, op, form, i, 0, out, unknown);
    case CR16_OPC_NAME:
        if (kind == CR16_OPK_CINV) {
            if (op->syn != ASM_SYN_LIST) {
                return MATCH_NO;
            }
            code = cr16_cinv_lookup(op->list);
            if (code < 0) {
                return MATCH_NO;
            }
            out->value = code;
            return MATCH_OK;
        }
        if (op->syn == ASM_SYN_EXPR && !op->hint) {
            g_autofree char *lower = g_ascii_strdown(op->expr, -1);

            code = cr16_excp_lookup(lower);
            if (code >= 0) {
                out->value = code;
                return MATCH_OK;
            }
        }
        if (op->syn != ASM_SYN_EXPR && op->syn != ASM_SYN_IMM) {
            return MATCH_NO;
        }
        return match_value(as, op, form, i, 0, out, unknown);
    case CR16_OPC_TARGET:
        if (op->syn != ASM_SYN_EXPR) {
            return MATCH_NO;
        }
        return match_value(as, op, form, i, pc, out, unknown);
    case CR16_OPC_MEM:
        return match_mem(as, op, form, i, out, unknown);
    case CR16_OPC_NONE:
        break;
    }
    return MATCH_NO;
}

/* "$imm4,reg | $imm16,reg | reg,reg" for the forms of a mnemonic. */
static char *describe_forms(const CR16Form *const *forms, unsigned n)
{
    GString *s = g_string_new(NULL);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    unsigned f, i;

    for (f = 0; f < n; f++) {
        GString *one = g_string_new(NULL);

        for (i = 0; i < forms[f]->nops; i++) {
            CR16OpKind kind = forms[f]->ops[i].kind;

            if (i) {
                g_string_append_c(one, ',');
            }
            if (forms[f]->ops[i].reg.n == 0 &&
                (kind == CR16_OPK_REG || kind == CR16_OPK_RP)) {
                g_string_append(one, kind == CR16_OPK_REG
                                ? cr16_reg_name(forms[f]->ops[i].fixed)
                                : cr16_pair_name(forms[f]->ops[i].fixed));
                continue;
            }
            if (cr16_opkind_class(kind) == CR16_OPC_IMM) {
                g_string_append_c(one, '$');
            }
            g_string_append(one, cr16_opkind_name(kind));
        }
        if (!one->len) {
            g_string_append(one, "(no operands)");
        }
        if (g_hash_table_add(seen, g_strdup(one->str))) {
            g_string_append_printf(s, "%s%s", s->len ? " | " : "",
                                   one->str);
        }
        g_string_free(one, true);
    }
    g_hash_table_unref(seen);
    return g_string_free(s, false);
}

/*
 * Pick and encode a form.  Returns the form (words filled) or NULL after
 * reporting why nothing fits.
 */
static const CR16Form *assemble(Cr16Asm *as, const char *mnemonic,
                                AsmOperand *ops, unsigned nops,
                                unsigned min_size, uint16_t words[3])
{
    g_autofree char *lower = g_ascii_strdown(mnemonic, -1);
    g_autoptr(GError) last_err = NULL;
    const CR16Form *const *forms;
    bool any_syntax = false;
    unsigned n, f, i;
    uint32_t pc = (uint32_t)as->loc;

    forms = cr16_forms_for_mnemonic(lower, &n);
    if (!forms || n == 0) {
        asm_error(as, "unknown mnemonic `%s'", mnemonic);
        return NULL;
    }
    for (f = 0; f < n; f++) {
        const CR16Form *form = forms[f];
        CR16Operand vals[CR16_MAX_OPERANDS];
        g_autoptr(GError) err = NULL;
        bool unknown = false;
        Match m = MATCH_OK;

        if (form->nops != nops) {
            continue;
        }
        for (i = 0; i < nops && m == MATCH_OK; i++) {
            m = match_operand(as, &ops[i], form, i, pc, &vals[i], &unknown);
        }
        if (m == MATCH_BAD) {
            return NULL;
        }
        if (m != MATCH_OK) {
            continue;
        }
        any_syntax = true;
        if ((unsigned)form->len * 2 < min_size) {
            continue;
        }
        if (cr16_encode(form, vals, words, &err)) {
            return form;
        }
        g_clear_error(&last_err);
        last_err = g_steal_pointer(&err);
    }
    if (last_err) {
        /* The table's message names the mnemonic, operand and range. */
        asm_error(as, "%s", last_err->message);
    } else if (any_syntax) {
        /* Only reachable when an earlier pass chose a longer form than
         * any form now accepting these operands. */
        asm_error(as, "%s: no encoding of at least %u bytes for these "
                  "operands", mnemonic, min_size);
    } else {
        g_autofree char *expect = describe_forms(forms, n);

        asm_error(as, "invalid operands for `%s' (expected %s)", mnemonic,
                  expect);
    }
    return NULL;
}

void asm_instruction(Cr16Asm *as, const char *mnemonic, const char *args)
{
    g_autoptr(GPtrArray) texts = NULL;
    g_autoptr(GError) err = NULL;
    AsmOperand ops[CR16_MAX_OPERANDS + 1];
    unsigned min_size = asm_insn_min_size(as);
    unsigned nops = 0, i;
    const CR16Form *form = NULL;
    uint16_t words[3];

    if ((as->loc & 1) && !as->odd_reported) {
        /* Once per pass: everything after it is odd too. */
        asm_error(as, "instruction at odd address 0x%" PRIx64
                  " (use .align 2)", as->loc);
        as->odd_reported = true;
    }
    texts = asm_split_operands(args, &err);
    if (!texts) {
        asm_error(as, "%s: %s", mnemonic, err->message);
    } else if (texts->len > CR16_MAX_OPERANDS) {
        asm_error(as, "too many operands for `%s'", mnemonic);
    } else {
        for (nops = 0; nops < texts->len; nops++) {
            if (!asm_operand_parse(g_ptr_array_index(texts, nops),
                                   &ops[nops], &err)) {
                asm_error(as, "%s: %s", mnemonic, err->message);
                asm_operand_clear(&ops[nops]);
                break;
            }
        }
        if (nops == texts->len) {
            form = assemble(as, mnemonic, ops, nops, min_size, words);
        }
        for (i = 0; i < nops; i++) {
            asm_operand_clear(&ops[i]);
        }
    }
    if (!form) {
        /* Keep the layout of the previous pass so labels stay put. */
        asm_emit_fill(as, 0, min_size);
        asm_insn_record_size(as, min_size);
        return;
    }
    for (i = 0; i < form->len; i++) {
        uint8_t b[2] = { words[i] & 0xff, words[i] >> 8 };

        asm_emit(as, b, 2);
    }
    asm_insn_record_size(as, form->len * 2);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C disassembler (GNU-as syntax) and the register / name tables that
 * the assembler shares with it.
 */
#include "qemu/osdep.h"
#include "target/cr16/insn.h"

static const char *const reg_names[16] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
    "r8", "r9", "r10", "r11", "r12", "r13", "ra", "sp",
};

/* 16-bit views of r12..r15, used where a 16-bit base must be explicit. */
static const char *const reg_low_names[4] = {
    "r12_l", "r13_l", "ra_l", "sp_l",
};

static const char *const pair_names[16] = {
    "(r1,r0)", "(r2,r1)", "(r3,r2)", "(r4,r3)", "(r5,r4)", "(r6,r5)",
    "(r7,r6)", "(r8,r7)", "(r9,r8)", "(r10,r9)", "(r11,r10)", "(r12,r11)",
    "(r12)", "(r13)", "(ra)", "(sp)",
};

static const char *const preg_names[16] = {
    "dbs", "dsr", "dcrl", "dcrh", "car0l", "car0h", "car1l", "car1h",
    "cfg", "psr", "intbasel", "intbaseh", "ispl", "isph", "uspl", "usph",
};

static const char *const pregd_names[16] = {
    [0] = "dbs", [1] = "dsr", [2] = "dcr", [4] = "car0", [6] = "car1",
    [8] = "cfg", [9] = "psr", [10] = "intbase", [12] = "isp", [14] = "usp",
};

static const char *const excp_names[16] = {
    [1] = "nmi", [5] = "svc", [6] = "dvz", [7] = "flg", [8] = "bpt",
    [9] = "trc", [10] = "und", [12] = "iad", [14] = "dbg", [15] = "ise",
};

static const char *const cinv_names[16] = {
    [0xA] = "[i]", [0xB] = "[i,u]", [0xC] = "[d]", [0xD] = "[d,u]",
    [0xE] = "[d,i]", [0xF] = "[d,i,u]",
};

static const char *const cc_names[16] = {
    "eq", "ne", "cs", "cc", "hi", "ls", "gt", "le",
    "fs", "fc", "lo", "hs", "lt", "ge", "r", NULL,
};

const char *cr16_reg_name(unsigned n)
{
    return n < 16 ? reg_names[n] : "?";
}

int cr16_reg_lookup(const char *name)
{
    for (int i = 0; i < 16; i++) {
        if (!g_ascii_strcasecmp(name, reg_names[i])) {
            return i;
        }
    }
    for (int i = 0; i < 4; i++) {
        if (!g_ascii_strcasecmp(name, reg_low_names[i])) {
            return 12 + i;
        }
    }
    if (!g_ascii_strcasecmp(name, "r14") || !g_ascii_strcasecmp(name, "era")
        || !g_ascii_strcasecmp(name, "r14_l")) {
        return 14;
    }
    if (!g_ascii_strcasecmp(name, "r15") || !g_ascii_strcasecmp(name, "r15_l")) {
        return 15;
    }
    return -1;
}

const char *cr16_pair_name(unsigned code)
{
    return code < 16 ? pair_names[code] : "(?)";
}

const char *cr16_preg_name(unsigned code, bool dword)
{
    if (code >= 16) {
        return NULL;
    }
    return dword ? pregd_names[code] : preg_names[code];
}

int cr16_preg_lookup(const char *name, bool dword)
{
    const char *const *t = dword ? pregd_names : preg_names;

    for (int i = 0; i < 16; i++) {
        if (t[i] && !g_ascii_strcasecmp(name, t[i])) {
            return i;
        }
    }
    return -1;
}

const char *cr16_excp_name(unsigned vector)
{
    return vector < 16 ? excp_names[vector] : NULL;
}

int cr16_excp_lookup(const char *name)
{
    for (int i = 0; i < 16; i++) {
        if (excp_names[i] && !g_ascii_strcasecmp(name, excp_names[i])) {
            return i;
        }
    }
    return -1;
}

const char *cr16_cinv_name(unsigned code)
{
    return code < 16 ? cinv_names[code] : NULL;
}

int cr16_cinv_lookup(const char *name)
{
    for (int i = 0; i < 16; i++) {
        if (cinv_names[i] && !g_ascii_strcasecmp(name, cinv_names[i])) {
            return i;
        }
    }
    return -1;
}

const char *cr16_cc_name(unsigned cc)
{
    return cc < 16 ? cc_names[cc] : NULL;
}

/* "0x12" / "-0x12" */
static void append_signed_hex(GString *out, int64_t v)
{
    if (v < 0) {
        g_string_append_printf(out, "-0x%" PRIx64, (uint64_t)-v);
    } else {
        g_string_append_printf(out, "0x%" PRIx64, (uint64_t)v);
    }
}

void cr16_format_operand(GString *out, const CR16Operand *op, uint32_t pc)
{
    const char *s;

    switch (op->kind) {
    case CR16_OPK_REG:
        g_string_append(out, cr16_reg_name(op->reg));
        break;
    case CR16_OPK_RP:
        g_string_append(out, cr16_pair_name(op->reg));
        break;
    case CR16_OPK_PREG:
    case CR16_OPK_PREGD:
        s = cr16_preg_name(op->value, op->kind == CR16_OPK_PREGD);
        g_string_append(out, s ? s : "?");
        break;
    case CR16_OPK_IMM4:
    case CR16_OPK_IMM16B:
    case CR16_OPK_IMM16W:
    case CR16_OPK_IMM16D:
    case CR16_OPK_IMM20:
    case CR16_OPK_IMM32:
    case CR16_OPK_UIMM4:
    case CR16_OPK_BIT3:
    case CR16_OPK_BIT4:
    case CR16_OPK_SHIFT_B:
    case CR16_OPK_SHIFT_W:
    case CR16_OPK_SHIFT_D:
    case CR16_OPK_LSH_B:
    case CR16_OPK_LSH_W:
    case CR16_OPK_LSH_D:
    case CR16_OPK_COUNT:
        g_string_append_c(out, '$');
        append_signed_hex(out, op->value);
        break;
    case CR16_OPK_EXCP:
        s = cr16_excp_name(op->value);
        if (s) {
            g_string_append(out, s);
        } else {
            g_string_append_printf(out, "%" PRId64, op->value);
        }
        break;
    case CR16_OPK_CINV:
        s = cr16_cinv_name(op->value);
        g_string_append(out, s ? s : "[?]");
        break;
    case CR16_OPK_DISP5:
    case CR16_OPK_DISP9:
    case CR16_OPK_DISP17:
    case CR16_OPK_DISP25:
        g_string_append_printf(out, "0x%" PRIx64,
                               ((uint64_t)pc + op->value) & 0xFFFFFF);
        break;
    case CR16_OPK_MEM_ABS20:
    case CR16_OPK_MEM_ABS24:
        g_string_append_printf(out, "0x%" PRIx64, (uint64_t)op->value);
        break;
    case CR16_OPK_MEM_IABS20:
        g_string_append_printf(out, "[%s]0x%" PRIx64, cr16_reg_name(op->index),
                               (uint64_t)op->value);
        break;
    case CR16_OPK_MEM_RP0:
    case CR16_OPK_MEM_RP4B:
    case CR16_OPK_MEM_RP4W:
    case CR16_OPK_MEM_RP16:
    case CR16_OPK_MEM_RP20:
    case CR16_OPK_MEM_RPN20:
        append_signed_hex(out, op->value);
        g_string_append(out, cr16_pair_name(op->reg));
        break;
    case CR16_OPK_MEM_R20:
    case CR16_OPK_MEM_RN20:
        append_signed_hex(out, op->value);
        g_string_append_printf(out, "(%s)", op->reg >= 12 && op->reg < 16
                               ? reg_low_names[op->reg - 12]
                               : cr16_reg_name(op->reg));
        break;
    case CR16_OPK_MEM_IRP0:
    case CR16_OPK_MEM_IRP14:
    case CR16_OPK_MEM_IRP20:
        g_string_append_printf(out, "[%s]", cr16_reg_name(op->index));
        append_signed_hex(out, op->value);
        g_string_append(out, cr16_pair_name(op->reg));
        break;
    default:
        g_string_append(out, "?");
        break;
    }
}

unsigned cr16_disas(uint32_t pc, const uint16_t *words, unsigned nwords,
                    char *buf, size_t len)
{
    CR16Operand ops[CR16_MAX_OPERANDS];
    const CR16Form *form;
    unsigned needed = 0;
    unsigned ret;
    GString *out;

    if (nwords == 0) {
        if (len) {
            g_strlcpy(buf, "(truncated)", len);
        }
        return 0;
    }
    form = cr16_decode(words, nwords, ops, &needed);
    out = g_string_new(NULL);
    if (form) {
        g_string_append(out, form->mnemonic);
        for (unsigned i = 0; i < form->nops; i++) {
            g_string_append_c(out, i ? ',' : ' ');
            cr16_format_operand(out, &ops[i], pc);
        }
        ret = form->len * 2;
    } else if (needed > nwords) {
        g_string_append(out, "(truncated)");
        ret = 0;
    } else {
        g_string_append_printf(out, ".word 0x%04x", words[0]);
        ret = 2;
    }
    if (len) {
        g_strlcpy(buf, out->str, len);
    }
    g_string_free(out, TRUE);
    return ret;
}

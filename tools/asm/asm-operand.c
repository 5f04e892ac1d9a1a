/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as operand syntax: register names, $immediates, size hints, memory
 * operands "[rX]disp(base)", register pairs and cinv lists.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "target/cr16/insn.h"
#include "asm-operand.h"
#include "asm-lex.h"

/* Register number of a whole (blank-trimmed) name, or -1. */
static int reg_of(const char *s, size_t n)
{
    g_autofree char *name = asm_strip_dup(s, n);
    g_autofree char *lower = g_ascii_strdown(name, -1);

    return cr16_reg_lookup(lower);
}

/* Strip a trailing ":s" / ":m" / ":l" size hint from @s in place. */
static char take_hint(char *s)
{
    size_t n = strlen(s);
    char h;

    if (n < 3 || s[n - 2] != ':') {
        return 0;
    }
    h = g_ascii_tolower(s[n - 1]);
    if (h != 's' && h != 'm' && h != 'l') {
        return 0;
    }
    s[n - 2] = '\0';
    g_strchomp(s);
    return h;
}

/* Parse "rN" or "rN+1,rN" (the inside of a base) into op's base fields. */
static bool parse_base(const char *s, size_t n, AsmOperand *op)
{
    const char *comma = memchr(s, ',', n);
    int hi, lo;

    if (!comma) {
        lo = reg_of(s, n);
        if (lo < 0) {
            return false;
        }
        op->base = ASM_BASE_REG;
        op->base_reg = lo;
        return true;
    }
    hi = reg_of(s, comma - s);
    lo = reg_of(comma + 1, n - (comma + 1 - s));
    if (hi < 0 || lo < 0) {
        return false;
    }
    op->base = ASM_BASE_PAIR;
    op->base_reg = (lo <= 11 && hi == lo + 1) ? lo : -1;
    return true;
}

/* Index of the '(' matching the ')' at s[n-1], or -1. */
static ssize_t open_paren(const char *s, size_t n)
{
    int depth = 0;
    ssize_t i;

    for (i = n - 1; i >= 0; i--) {
        if (s[i] == ')') {
            depth++;
        } else if (s[i] == '(' && --depth == 0) {
            return i;
        }
    }
    return -1;
}

/* "expr? (base)?" after an optional index prefix. */
static bool parse_mem_tail(const char *s, AsmOperand *op, GError **errp)
{
    size_t n = strlen(s);
    ssize_t open;

    if (n && s[n - 1] == ')' && (open = open_paren(s, n)) >= 0 &&
        parse_base(s + open + 1, n - open - 2, op)) {
        if (op->base == ASM_BASE_PAIR && op->base_reg < 0) {
            error_setg(errp, "bad register pair in `%s'", op->text);
            return false;
        }
        op->expr = asm_strip_dup(s, open);
        if (!*op->expr) {
            g_clear_pointer(&op->expr, g_free);
        }
        return true;
    }
    op->expr = g_strdup(s);
    op->hint = take_hint(op->expr);
    if (!*op->expr) {
        g_clear_pointer(&op->expr, g_free);
    }
    return true;
}

bool asm_operand_parse(const char *text, AsmOperand *op, GError **errp)
{
    g_autofree char *t = asm_strip_dup(text, strlen(text));
    size_t n = strlen(t);

    memset(op, 0, sizeof(*op));
    op->text = g_strdup(t);
    op->index = -1;
    op->reg = -1;
    if (!n) {
        error_setg(errp, "missing operand");
        return false;
    }
    if (t[0] == '$') {
        op->syn = ASM_SYN_IMM;
        op->expr = asm_strip_dup(t + 1, n - 1);
        op->hint = take_hint(op->expr);
        if (!*op->expr) {
            error_setg(errp, "missing value after '$'");
            return false;
        }
        return true;
    }
    op->reg = reg_of(t, n);
    if (op->reg >= 0) {
        op->syn = ASM_SYN_REG;
        return true;
    }
    if (t[0] == '[') {
        const char *close = strchr(t, ']');
        const char *r;
        char *w;
        int x;

        if (!close) {
            error_setg(errp, "missing ']' in `%s'", t);
            return false;
        }
        x = reg_of(t + 1, close - t - 1);
        if (x == 12 || x == 13) {
            op->syn = ASM_SYN_MEM;
            op->index = x;
            return parse_mem_tail(asm_skip_ws(close + 1), op, errp);
        }
        if (x >= 0 || close[1] != '\0') {
            error_setg(errp, "bad index register in `%s' (only [r12] and "
                       "[r13])", t);
            return false;
        }
        op->syn = ASM_SYN_LIST;
        op->list = g_malloc(n + 1);
        w = op->list;
        for (r = t; *r; r++) {
            if (!g_ascii_isspace(*r)) {
                *w++ = g_ascii_tolower(*r);
            }
        }
        *w = '\0';
        return true;
    }
    if (!parse_mem_tail(t, op, errp)) {
        return false;
    }
    op->syn = op->base == ASM_BASE_NONE ? ASM_SYN_EXPR : ASM_SYN_MEM;
    return true;
}

void asm_operand_clear(AsmOperand *op)
{
    g_clear_pointer(&op->text, g_free);
    g_clear_pointer(&op->expr, g_free);
    g_clear_pointer(&op->list, g_free);
}

int asm_operand_pair_code(const AsmOperand *op)
{
    if (op->base == ASM_BASE_PAIR) {
        return op->base_reg;
    }
    if (op->base == ASM_BASE_REG && op->base_reg >= 12) {
        return op->base_reg;
    }
    return -1;
}

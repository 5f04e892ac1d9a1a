/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as expressions: a recursive-descent parser that evaluates while it
 * parses (GNU as precedence levels, 64-bit wrap-around arithmetic).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "asm-expr.h"
#include "asm-lex.h"

/* Deepest nesting of parentheses/unary operators accepted. */
#define EXPR_MAX_DEPTH 1000

typedef struct ExprParser {
    const char *p;
    AsmSymLookup lookup;
    void *opaque;
    int depth;
    GError **errp;
} ExprParser;

static bool parse_level(ExprParser *e, int level, AsmValue *out);

static AsmValue combine(AsmValue a, AsmValue b, int64_t v)
{
    AsmValue r = { .v = v, .known = a.known && b.known };

    if (!r.known) {
        r.v = 0;
    }
    return r;
}

static bool parse_number(ExprParser *e, AsmValue *out)
{
    const char *p = e->p;
    unsigned base = 10;
    uint64_t v = 0;
    bool any = false;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B') &&
               (p[2] == '0' || p[2] == '1')) {
        base = 2;
        p += 2;
    } else if (p[0] == '0' && g_ascii_isdigit(p[1])) {
        base = 8;
        p += 1;
    }
    for (;; p++) {
        int d;

        if (g_ascii_isdigit(*p)) {
            d = *p - '0';
        } else if (g_ascii_isxdigit(*p) && base == 16) {
            d = g_ascii_xdigit_value(*p);
        } else {
            break;
        }
        if ((unsigned)d >= base) {
            error_setg(e->errp, "bad digit '%c' in number", *p);
            return false;
        }
        if (v > (UINT64_MAX - d) / base) {
            error_setg(e->errp, "number too large");
            return false;
        }
        v = v * base + d;
        any = true;
    }
    if (!any && base != 8) {
        error_setg(e->errp, "bad number");
        return false;
    }
    if (asm_is_ident_char(*p)) {
        error_setg(e->errp, "bad character '%c' in number", *p);
        return false;
    }
    e->p = p;
    out->v = (int64_t)v;
    out->known = true;
    return true;
}

static bool parse_primary(ExprParser *e, AsmValue *out)
{
    const char *p = asm_skip_ws(e->p);

    e->p = p;
    if (*p == '(') {
        e->p = p + 1;
        if (!parse_level(e, 0, out)) {
            return false;
        }
        e->p = asm_skip_ws(e->p);
        if (*e->p != ')') {
            error_setg(e->errp, "missing ')'");
            return false;
        }
        e->p++;
        return true;
    }
    if (*p == '\'') {
        int64_t v;

        if (!asm_parse_char(&e->p, &v, e->errp)) {
            return false;
        }
        out->v = v;
        out->known = true;
        return true;
    }
    if (g_ascii_isdigit(*p)) {
        /* A numeric local label reference: digits then 'b' or 'f'. */
        const char *q = p;

        while (g_ascii_isdigit(*q)) {
            q++;
        }
        if ((*q == 'b' || *q == 'f') && !asm_is_ident_char(q[1]) &&
            !(p[0] == '0' && q == p + 1 && *q == 'b' &&
              (q[1] == '0' || q[1] == '1'))) {
            g_autofree char *name = g_strndup(p, q + 1 - p);

            *out = e->lookup(e->opaque, name);
            e->p = q + 1;
            return true;
        }
        return parse_number(e, out);
    }
    if (asm_is_ident_start(*p)) {
        const char *q = p + 1;
        g_autofree char *name = NULL;

        while (asm_is_ident_char(*q)) {
            q++;
        }
        name = g_strndup(p, q - p);
        *out = e->lookup(e->opaque, name);
        e->p = q;
        return true;
    }
    if (!*p) {
        error_setg(e->errp, "missing expression");
    } else {
        error_setg(e->errp, "unexpected '%c' in expression", *p);
    }
    return false;
}

/* Primary with an optional "@c" suffix. */
static bool parse_postfix(ExprParser *e, AsmValue *out)
{
    if (!parse_primary(e, out)) {
        return false;
    }
    e->p = asm_skip_ws(e->p);
    if (e->p[0] == '@') {
        if ((e->p[1] == 'c' || e->p[1] == 'C') &&
            !asm_is_ident_char(e->p[2])) {
            out->v >>= 1;
            e->p += 2;
        } else {
            error_setg(e->errp, "unknown operand suffix after '@' "
                       "(only @c is supported)");
            return false;
        }
    }
    return true;
}

static bool parse_unary(ExprParser *e, AsmValue *out)
{
    char op;
    bool ok;

    e->p = asm_skip_ws(e->p);
    op = *e->p;
    if (op != '-' && op != '~' && op != '!' && op != '+') {
        return parse_postfix(e, out);
    }
    if (++e->depth > EXPR_MAX_DEPTH) {
        error_setg(e->errp, "expression nested too deeply");
        return false;
    }
    e->p++;
    ok = parse_unary(e, out);
    e->depth--;
    if (!ok) {
        return false;
    }
    switch (op) {
    case '-':
        out->v = (int64_t)(0 - (uint64_t)out->v);
        break;
    case '~':
        out->v = ~out->v;
        break;
    case '!':
        out->v = !out->v;
        break;
    }
    if (!out->known) {
        out->v = 0;
    }
    return true;
}

/* Binary operators by level (0 = lowest). */
typedef enum BinOp {
    OP_NONE, OP_LOR, OP_LAND, OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE,
    OP_ADD, OP_SUB, OP_OR, OP_AND, OP_XOR, OP_MUL, OP_DIV, OP_MOD,
    OP_SHL, OP_SHR,
} BinOp;

#define EXPR_LEVELS 6

/* Recognise a binary operator of @level at p; sets *len. */
static BinOp match_op(const char *p, int level, int *len)
{
    *len = 2;
    switch (level) {
    case 0:
        if (p[0] == '|' && p[1] == '|') {
            return OP_LOR;
        }
        break;
    case 1:
        if (p[0] == '&' && p[1] == '&') {
            return OP_LAND;
        }
        break;
    case 2:
        if (p[0] == '=' && p[1] == '=') {
            return OP_EQ;
        }
        if (p[0] == '!' && p[1] == '=') {
            return OP_NE;
        }
        if (p[0] == '<' && p[1] == '>') {
            return OP_NE;
        }
        if (p[0] == '<' && p[1] == '=') {
            return OP_LE;
        }
        if (p[0] == '>' && p[1] == '=') {
            return OP_GE;
        }
        *len = 1;
        if (p[0] == '<' && p[1] != '<') {
            return OP_LT;
        }
        if (p[0] == '>' && p[1] != '>') {
            return OP_GT;
        }
        break;
    case 3:
        *len = 1;
        if (p[0] == '+') {
            return OP_ADD;
        }
        if (p[0] == '-') {
            return OP_SUB;
        }
        break;
    case 4:
        *len = 1;
        if (p[0] == '|' && p[1] != '|') {
            return OP_OR;
        }
        if (p[0] == '&' && p[1] != '&') {
            return OP_AND;
        }
        if (p[0] == '^') {
            return OP_XOR;
        }
        break;
    case 5:
        if (p[0] == '<' && p[1] == '<') {
            return OP_SHL;
        }
        if (p[0] == '>' && p[1] == '>') {
            return OP_SHR;
        }
        *len = 1;
        if (p[0] == '*') {
            return OP_MUL;
        }
        if (p[0] == '/') {
            return OP_DIV;
        }
        if (p[0] == '%') {
            return OP_MOD;
        }
        break;
    }
    return OP_NONE;
}

static bool apply(ExprParser *e, BinOp op, AsmValue a, AsmValue b,
                  AsmValue *out)
{
    uint64_t ua = a.v, ub = b.v;
    int64_t r = 0;
    bool known = a.known && b.known;

    switch (op) {
    case OP_LOR: r = (a.v || b.v); break;
    case OP_LAND: r = (a.v && b.v); break;
    case OP_EQ: r = -(int64_t)(a.v == b.v); break;
    case OP_NE: r = -(int64_t)(a.v != b.v); break;
    case OP_LT: r = -(int64_t)(a.v < b.v); break;
    case OP_GT: r = -(int64_t)(a.v > b.v); break;
    case OP_LE: r = -(int64_t)(a.v <= b.v); break;
    case OP_GE: r = -(int64_t)(a.v >= b.v); break;
    case OP_ADD: r = (int64_t)(ua + ub); break;
    case OP_SUB: r = (int64_t)(ua - ub); break;
    case OP_OR: r = a.v | b.v; break;
    case OP_AND: r = a.v & b.v; break;
    case OP_XOR: r = a.v ^ b.v; break;
    case OP_MUL: r = (int64_t)(ua * ub); break;
    case OP_DIV:
    case OP_MOD:
        if (!known) {
            break;
        }
        if (b.v == 0) {
            error_setg(e->errp, "division by zero");
            return false;
        }
        if (a.v == INT64_MIN && b.v == -1) {
            r = op == OP_DIV ? INT64_MIN : 0;
        } else {
            r = op == OP_DIV ? a.v / b.v : a.v % b.v;
        }
        break;
    case OP_SHL:
        r = (b.v < 0 || b.v >= 64) ? 0 : (int64_t)(ua << b.v);
        break;
    case OP_SHR:
        if (b.v < 0 || b.v >= 64) {
            r = a.v < 0 ? -1 : 0;
        } else {
            r = a.v >> b.v;
        }
        break;
    case OP_NONE:
        g_assert_not_reached();
    }
    *out = combine(a, b, r);
    return true;
}

static bool parse_level(ExprParser *e, int level, AsmValue *out)
{
    AsmValue lhs;
    bool ok;

    if (++e->depth > EXPR_MAX_DEPTH) {
        error_setg(e->errp, "expression nested too deeply");
        return false;
    }
    ok = level == EXPR_LEVELS ? parse_unary(e, &lhs)
                              : parse_level(e, level + 1, &lhs);
    while (ok) {
        AsmValue rhs;
        BinOp op;
        int len;

        e->p = asm_skip_ws(e->p);
        if (level == EXPR_LEVELS) {
            break;
        }
        op = match_op(e->p, level, &len);
        if (op == OP_NONE) {
            break;
        }
        e->p += len;
        ok = parse_level(e, level + 1, &rhs) && apply(e, op, lhs, rhs, &lhs);
    }
    e->depth--;
    if (ok) {
        *out = lhs;
    }
    return ok;
}

bool asm_expr_parse(const char **pp, AsmSymLookup lookup, void *opaque,
                    AsmValue *out, GError **errp)
{
    ExprParser e = {
        .p = *pp, .lookup = lookup, .opaque = opaque, .errp = errp,
    };

    if (!parse_level(&e, 0, out)) {
        return false;
    }
    *pp = e.p;
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as lexical helpers: statement and operand splitting, string and
 * character literals.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "asm-lex.h"

bool asm_is_ident_start(char c)
{
    return g_ascii_isalpha(c) || c == '_' || c == '.';
}

bool asm_is_ident_char(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '.' || c == '$';
}

const char *asm_skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' ||
           *p == '\v') {
        p++;
    }
    return p;
}

char *asm_strip_dup(const char *s, size_t n)
{
    while (n > 0 && g_ascii_isspace(*s)) {
        s++;
        n--;
    }
    while (n > 0 && g_ascii_isspace(s[n - 1])) {
        n--;
    }
    return g_strndup(s, n);
}

/*
 * Skip a string or character literal starting at p (which points at the
 * opening quote); returns the first character after it.  Unterminated
 * literals run to the end of the text so that the parser reports them.
 */
static const char *skip_literal(const char *p)
{
    char q = *p++;

    if (q == '"') {
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) {
                p++;
            }
            p++;
        }
        return *p ? p + 1 : p;
    }
    /* Character literal: 'c' or 'c or '\x..' */
    if (*p == '\\' && p[1]) {
        p += 2;
        while (g_ascii_isxdigit(*p)) {
            p++;
        }
    } else if (*p) {
        p++;
    }
    if (*p == '\'') {
        p++;
    }
    return p;
}

GPtrArray *asm_split_statements(const char *line, bool *in_comment)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    const char *p = line;

    while (*p) {
        if (*in_comment) {
            if (p[0] == '*' && p[1] == '/') {
                *in_comment = false;
                g_string_append_c(cur, ' ');
                p += 2;
            } else {
                p++;
            }
            continue;
        }
        if (*p == '"' || *p == '\'') {
            const char *e = skip_literal(p);
            g_string_append_len(cur, p, e - p);
            p = e;
        } else if (*p == '#') {
            break;
        } else if (p[0] == '/' && p[1] == '*') {
            *in_comment = true;
            p += 2;
        } else if (*p == ';') {
            g_ptr_array_add(out, asm_strip_dup(cur->str, cur->len));
            g_string_truncate(cur, 0);
            p++;
        } else {
            g_string_append_c(cur, *p);
            p++;
        }
    }
    g_ptr_array_add(out, asm_strip_dup(cur->str, cur->len));
    g_string_free(cur, true);
    return out;
}

GPtrArray *asm_split_operands(const char *s, GError **errp)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    const char *start;
    const char *p;
    int paren = 0, bracket = 0;

    s = asm_skip_ws(s);
    if (!*s) {
        return g_steal_pointer(&out);
    }
    start = p = s;
    for (;;) {
        if (*p == '"' || *p == '\'') {
            p = skip_literal(p);
            continue;
        }
        if (*p == '(') {
            paren++;
        } else if (*p == ')') {
            if (--paren < 0) {
                error_setg(errp, "unbalanced ')'");
                return NULL;
            }
        } else if (*p == '[') {
            bracket++;
        } else if (*p == ']') {
            if (--bracket < 0) {
                error_setg(errp, "unbalanced ']'");
                return NULL;
            }
        } else if ((*p == ',' && paren == 0 && bracket == 0) || !*p) {
            char *op = asm_strip_dup(start, p - start);
            if (!*op) {
                g_free(op);
                error_setg(errp, "missing operand");
                return NULL;
            }
            g_ptr_array_add(out, op);
            if (!*p) {
                break;
            }
            start = p + 1;
        }
        p++;
    }
    if (paren || bracket) {
        error_setg(errp, "unbalanced '%c'", paren ? '(' : '[');
        return NULL;
    }
    return g_steal_pointer(&out);
}

/* Parse the escape after a backslash at *pp; advances *pp. */
static bool parse_escape(const char **pp, int *out, GError **errp)
{
    const char *p = *pp;
    int v = 0, n;

    switch (*p) {
    case 'n': v = '\n'; p++; break;
    case 't': v = '\t'; p++; break;
    case 'r': v = '\r'; p++; break;
    case 'b': v = '\b'; p++; break;
    case 'f': v = '\f'; p++; break;
    case 'v': v = '\v'; p++; break;
    case 'a': v = '\a'; p++; break;
    case '\\': case '"': case '\'':
        v = *p++;
        break;
    case 'x': case 'X':
        p++;
        if (!g_ascii_isxdigit(*p)) {
            error_setg(errp, "bad \\x escape");
            return false;
        }
        for (n = 0; n < 2 && g_ascii_isxdigit(*p); n++, p++) {
            v = v * 16 + g_ascii_xdigit_value(*p);
        }
        break;
    case '0': case '1': case '2': case '3':
    case '4': case '5': case '6': case '7':
        for (n = 0; n < 3 && *p >= '0' && *p <= '7'; n++, p++) {
            v = v * 8 + (*p - '0');
        }
        v &= 0xff;
        break;
    case '\0':
        error_setg(errp, "unterminated escape sequence");
        return false;
    default:
        error_setg(errp, "unknown escape sequence '\\%c'", *p);
        return false;
    }
    *pp = p;
    *out = v;
    return true;
}

bool asm_parse_string(const char **pp, GByteArray *out, GError **errp)
{
    const char *p = *pp;

    if (*p != '"') {
        error_setg(errp, "expected a string in double quotes");
        return false;
    }
    p++;
    while (*p != '"') {
        uint8_t byte;
        int v;

        if (!*p) {
            error_setg(errp, "unterminated string");
            return false;
        }
        if (*p == '\\') {
            p++;
            if (!parse_escape(&p, &v, errp)) {
                return false;
            }
            byte = v;
        } else {
            byte = (uint8_t)*p++;
        }
        g_byte_array_append(out, &byte, 1);
    }
    *pp = p + 1;
    return true;
}

bool asm_parse_char(const char **pp, int64_t *value, GError **errp)
{
    const char *p = *pp;
    int v;

    if (*p != '\'') {
        error_setg(errp, "expected a character literal");
        return false;
    }
    p++;
    if (*p == '\\') {
        p++;
        if (!parse_escape(&p, &v, errp)) {
            return false;
        }
    } else if (*p) {
        v = (uint8_t)*p++;
    } else {
        error_setg(errp, "empty character literal");
        return false;
    }
    if (*p == '\'') {
        p++;
    }
    *pp = p;
    *value = v;
    return true;
}

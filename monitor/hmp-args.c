/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP argument parsing: one engine that walks a command's args_type
 * (see hmp-internal.h) over the text after the command name and builds
 * a JSON object of the arguments, with QEMU's messages for bad input.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hmp-internal.h"

bool hmp_name_matches(const HmpCommand *cmd, const char *name, size_t len)
{
    const char *p = cmd->name;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);

        if (n == len && !strncmp(p, name, len)) {
            return true;
        }
        p += n + (bar ? 1 : 0);
    }
    return false;
}

static const char *skip_space(const char *p)
{
    while (g_ascii_isspace(*p)) {
        p++;
    }
    return p;
}

/* A word or a "quoted string" with C escapes. */
static char *parse_str(const char **pp, GError **errp)
{
    const char *p = skip_space(*pp);
    GString *s = g_string_new(NULL);

    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1]) {
                p++;
                switch (*p) {
                case 'n':
                    g_string_append_c(s, '\n');
                    break;
                case 'r':
                    g_string_append_c(s, '\r');
                    break;
                case 't':
                    g_string_append_c(s, '\t');
                    break;
                default:
                    g_string_append_c(s, *p);
                    break;
                }
            } else {
                g_string_append_c(s, *p);
            }
            p++;
        }
        if (*p != '"') {
            error_setg(errp, "unterminated string");
            g_string_free(s, TRUE);
            return NULL;
        }
        p++;
    } else {
        while (*p && !g_ascii_isspace(*p)) {
            g_string_append_c(s, *p++);
        }
    }
    *pp = p;
    return g_string_free(s, FALSE);
}

/* ---- integer expressions ---- */

typedef struct Expr {
    const char *p;
    GError **errp;
    bool failed;
} Expr;

static int64_t expr_sum(Expr *e);

static void expr_error(Expr *e, const char *msg)
{
    if (!e->failed) {
        error_setg(e->errp, "%s", msg);
        e->failed = true;
    }
}

static int64_t expr_unary(Expr *e)
{
    int64_t v;

    e->p = skip_space(e->p);
    switch (*e->p) {
    case '+':
        e->p++;
        return expr_unary(e);
    case '-':
        e->p++;
        return -expr_unary(e);
    case '~':
        e->p++;
        return ~expr_unary(e);
    case '(':
        e->p++;
        v = expr_sum(e);
        e->p = skip_space(e->p);
        if (*e->p != ')') {
            expr_error(e, "')' expected");
            return 0;
        }
        e->p++;
        return v;
    case '$': {
        const char *start = ++e->p;
        g_autofree char *name = NULL;

        while (g_ascii_isalnum(*e->p) || *e->p == '_') {
            e->p++;
        }
        name = g_strndup(start, e->p - start);
        if (!hmp_get_register(name, &v)) {
            expr_error(e, "unknown register");
            return 0;
        }
        return v;
    }
    case '\0':
        expr_error(e, "unexpected end of expression");
        return 0;
    default: {
        char *end;
        uint64_t u;

        if (!g_ascii_isdigit(*e->p)) {
            expr_error(e, "invalid char in expression");
            return 0;
        }
        errno = 0;
        u = g_ascii_strtoull(e->p, &end, 0);
        if (errno == ERANGE) {
            expr_error(e, "number too large");
            return 0;
        }
        e->p = end;
        return (int64_t)u;
    }
    }
}

static int64_t expr_prod(Expr *e)
{
    int64_t v = expr_unary(e);

    for (;;) {
        char op;
        int64_t r;

        e->p = skip_space(e->p);
        op = *e->p;
        if (op != '*' && op != '/' && op != '%') {
            return v;
        }
        e->p++;
        r = expr_unary(e);
        if (op == '*') {
            v = (int64_t)((uint64_t)v * (uint64_t)r);
        } else if (r == 0) {
            expr_error(e, "division by zero");
            return 0;
        } else if (op == '/') {
            v = (r == -1) ? -v : v / r;
        } else {
            v = (r == -1) ? 0 : v % r;
        }
    }
}

static int64_t expr_sum(Expr *e)
{
    int64_t v = expr_prod(e);

    for (;;) {
        char op;

        e->p = skip_space(e->p);
        op = *e->p;
        if (op != '+' && op != '-') {
            return v;
        }
        e->p++;
        if (op == '+') {
            v = (int64_t)((uint64_t)v + (uint64_t)expr_prod(e));
        } else {
            v = (int64_t)((uint64_t)v - (uint64_t)expr_prod(e));
        }
    }
}

/* An expression up to the next blank outside parentheses. */
static bool parse_expr(const char **pp, int64_t *val, GError **errp)
{
    Expr e = { .p = *pp, .errp = errp };

    *val = expr_sum(&e);
    if (e.failed) {
        return false;
    }
    *pp = e.p;
    return true;
}

/* "/[count][format...][size...]" of x and xp. */
static bool parse_format(const char **pp, JsonObject *args, GError **errp)
{
    const char *p = *pp;
    int64_t count = 1;
    int size = -1;
    char format = 'x';

    if (*p == '/') {
        p++;
        if (g_ascii_isdigit(*p)) {
            count = g_ascii_strtoll(p, (char **)&p, 10);
        }
        for (; *p && !g_ascii_isspace(*p); p++) {
            if (strchr("xduoci", *p)) {
                format = *p;
            } else if (*p == 'b') {
                size = 1;
            } else if (*p == 'h') {
                size = 2;
            } else if (*p == 'w') {
                size = 4;
            } else if (*p == 'g' || *p == 'L') {
                size = 8;
            } else {
                error_setg(errp, "invalid char in format: '%c'", *p);
                return false;
            }
        }
    }
    if (size < 0 && format != 'i') {
        size = format == 'c' ? 1 : 4;
    }
    json_object_set_int_member(args, "count", count);
    json_object_set_string_member(args, "format", (char[]){ format, 0 });
    json_object_set_int_member(args, "size", size);
    *pp = p;
    return true;
}

JsonObject *hmp_parse_args(const HmpCommand *cmd, const char *line,
                           GError **errp)
{
    g_autoptr(JsonObject) args = json_object_new();
    g_auto(GStrv) items = g_strsplit(cmd->args_type, ",", -1);
    const char *p = line;

    for (int i = 0; items[i]; i++) {
        const char *item = items[i];
        const char *colon = strchr(item, ':');
        g_autofree char *key = NULL;
        const char *type;
        bool optional;

        if (!*item || !colon) {
            continue;
        }
        key = g_strndup(item, colon - item);
        type = colon + 1;
        optional = g_str_has_suffix(type, "?");
        p = skip_space(p);

        switch (type[0]) {
        case '-':
            if (!json_object_has_member(args, key)) {
                json_object_set_boolean_member(args, key, false);
            }
            /* Any run of flags of this command may come here. */
            while (*p == '-' && p[1] && (p[2] == 0 || g_ascii_isspace(p[2]))) {
                bool known = false;

                for (int j = i; items[j]; j++) {
                    const char *c = strchr(items[j], ':');

                    if (c && c[1] == '-' && c[2] == p[1]) {
                        g_autofree char *k = g_strndup(items[j], c - items[j]);

                        json_object_set_boolean_member(args, k, true);
                        known = true;
                    }
                }
                if (!known) {
                    error_setg(errp, "%s: unsupported option -%c",
                               cmd->name, p[1]);
                    return NULL;
                }
                p = skip_space(p + 2);
            }
            break;
        case '/':
            if (!parse_format(&p, args, errp)) {
                return NULL;
            }
            break;
        case 'S':
            if (*p) {
                g_autofree char *rest = g_strstrip(g_strdup(p));

                json_object_set_string_member(args, key, rest);
                p += strlen(p);
            } else if (!optional) {
                error_setg(errp, "%s: string expected", cmd->name);
                return NULL;
            }
            break;
        case 's':
        case 'b': {
            g_autofree char *word = NULL;

            if (!*p) {
                if (optional) {
                    break;
                }
                error_setg(errp, "%s: %s expected", cmd->name,
                           type[0] == 'b' ? "'on' or 'off'" : "string");
                return NULL;
            }
            word = parse_str(&p, errp);
            if (!word) {
                return NULL;
            }
            if (type[0] == 's') {
                json_object_set_string_member(args, key, word);
            } else if (!strcmp(word, "on")) {
                json_object_set_boolean_member(args, key, true);
            } else if (!strcmp(word, "off")) {
                json_object_set_boolean_member(args, key, false);
            } else {
                error_setg(errp, "Expected 'on' or 'off'");
                return NULL;
            }
            break;
        }
        case 'i':
        case 'l': {
            int64_t v;

            if (!*p) {
                if (optional) {
                    break;
                }
                error_setg(errp, "%s: integer expected", cmd->name);
                return NULL;
            }
            if (!parse_expr(&p, &v, errp)) {
                return NULL;
            }
            if (type[0] == 'i' && (v < INT32_MIN || v > UINT32_MAX)) {
                error_setg(errp, "integer is for 32-bit values");
                return NULL;
            }
            json_object_set_int_member(args, key, v);
            break;
        }
        default:
            g_assert_not_reached();
        }
    }
    p = skip_space(p);
    if (*p) {
        error_setg(errp, "%s: extraneous characters at the end of line",
                   cmd->name);
        return NULL;
    }
    return g_steal_pointer(&args);
}

const char *hmp_arg_str(JsonObject *args, const char *name)
{
    return json_object_has_member(args, name)
        ? json_object_get_string_member(args, name) : NULL;
}

bool hmp_arg_bool(JsonObject *args, const char *name)
{
    return json_object_has_member(args, name) &&
           json_object_get_boolean_member(args, name);
}

int64_t hmp_arg_int(JsonObject *args, const char *name, int64_t def)
{
    return json_object_has_member(args, name)
        ? json_object_get_int_member(args, name) : def;
}

bool hmp_arg_has(JsonObject *args, const char *name)
{
    return json_object_has_member(args, name);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON parser: builds a json-glib tree from the tokens of one message
 * and reports the first error with the detail texts of qmp.md 6.3.
 * Recursion depth is bounded by the streamer's nesting limit.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "json-token.h"
#include "json-utf8.h"

typedef struct JsonParserCtx {
    const JsonTokenBuf *buf;
    guint pos;              /* next token */
    GError *err;            /* first error; later ones are dropped */
} JsonParserCtx;

static void G_GNUC_PRINTF(2, 3)
parse_error(JsonParserCtx *ctx, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *detail = NULL;

    if (ctx->err) {
        return;
    }
    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&ctx->err, "JSON parse error, %s", detail);
}

static const JsonToken *peek_token(JsonParserCtx *ctx)
{
    if (ctx->pos >= ctx->buf->tokens->len) {
        return NULL;
    }
    return &g_array_index(ctx->buf->tokens, JsonToken, ctx->pos);
}

static const JsonToken *pop_token(JsonParserCtx *ctx)
{
    const JsonToken *tok = peek_token(ctx);

    if (tok) {
        ctx->pos++;
    }
    return tok;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Value of the four hex digits at s (which is NUL-terminated), or -1. */
static int parse_hex4(const char *s)
{
    int val = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int d = hex_value(s[i]);

        if (d < 0) {
            return -1;
        }
        val = (val << 4) | d;
    }
    return val;
}

/*
 * Decode the \uXXXX escape (possibly a surrogate pair) at *pp, which
 * points just past "\u".  esc is the backslash, for error messages.
 */
static bool parse_unicode_escape(JsonParserCtx *ctx, const char *esc,
                                 const char **pp, GString *out)
{
    const char *p = *pp;
    int cp = parse_hex4(p);
    bool valid;

    if (cp < 0) {
        parse_error(ctx, "invalid escape sequence in string");
        return false;
    }
    p += 4;

    if (cp >= 0xD800 && cp <= 0xDBFF && p[0] == '\\' && p[1] == 'u') {
        int low = parse_hex4(p + 2);

        if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            p += 6;
        }
    }

    valid = !(cp >= 0xD800 && cp <= 0xDFFF) &&
            !json_unichar_is_noncharacter(cp);
    if (!valid) {
        parse_error(ctx, "%.*s is not a valid Unicode character",
                    (int)(p - esc), esc);
        return false;
    }
    json_utf8_append(out, cp);
    *pp = p;
    return true;
}

/* Decode a string token (with its quotes) into a string node. */
static JsonNode *parse_string(JsonParserCtx *ctx, const JsonToken *tok)
{
    const char *text = json_token_text(ctx->buf, tok);
    const char *end = text + tok->len - 1;      /* the closing quote */
    const char *p = text + 1;
    g_autoptr(GString) out = g_string_sized_new(tok->len);
    JsonNode *node;

    while (p < end) {
        if (*p == '\\') {
            const char *esc = p;
            char c = p[1];

            p += 2;
            switch (c) {
            case '"': case '\'': case '\\': case '/':
                g_string_append_c(out, c);
                break;
            case 'b':
                g_string_append_c(out, '\b');
                break;
            case 'f':
                g_string_append_c(out, '\f');
                break;
            case 'n':
                g_string_append_c(out, '\n');
                break;
            case 'r':
                g_string_append_c(out, '\r');
                break;
            case 't':
                g_string_append_c(out, '\t');
                break;
            case 'u':
                if (!parse_unicode_escape(ctx, esc, &p, out)) {
                    return NULL;
                }
                break;
            default:
                parse_error(ctx, "invalid escape sequence in string");
                return NULL;
            }
        } else {
            gunichar cp;
            int n = json_utf8_decode(p, end - p, &cp, false);

            if (n < 0 || json_unichar_is_noncharacter(cp)) {
                parse_error(ctx, "invalid UTF-8 sequence in string");
                return NULL;
            }
            g_string_append_len(out, p, n);
            p += n;
        }
    }
    /* An escape can not run past the closing quote: the lexer saw it. */
    assert(p == end);

    node = json_node_alloc();
    json_node_init_string(node, out->str);
    return node;
}

static JsonNode *parse_number(JsonParserCtx *ctx, const JsonToken *tok)
{
    const char *text = json_token_text(ctx->buf, tok);
    JsonNode *node = json_node_alloc();

    if (tok->type == JSON_TOK_INTEGER) {
        gint64 val;
        char *end;

        errno = 0;
        val = g_ascii_strtoll(text, &end, 10);
        if (errno == 0 && *end == '\0') {
            return json_node_init_int(node, val);
        }
        /* Out of int64: fall back to a double (uint64 values included). */
    }
    return json_node_init_double(node, g_ascii_strtod(text, NULL));
}

static JsonNode *parse_keyword(JsonParserCtx *ctx, const JsonToken *tok)
{
    const char *text = json_token_text(ctx->buf, tok);

    if (!strcmp(text, "true")) {
        return json_node_init_boolean(json_node_alloc(), TRUE);
    }
    if (!strcmp(text, "false")) {
        return json_node_init_boolean(json_node_alloc(), FALSE);
    }
    if (!strcmp(text, "null")) {
        return json_node_init_null(json_node_alloc());
    }
    parse_error(ctx, "invalid keyword '%s'", text);
    return NULL;
}

static JsonNode *parse_value(JsonParserCtx *ctx);

/* One "key": value member; adds it to obj. */
static bool parse_member(JsonParserCtx *ctx, JsonObject *obj)
{
    g_autoptr(JsonNode) key = parse_value(ctx);
    const JsonToken *tok;
    const char *name;
    JsonNode *value;

    if (!key) {
        return false;
    }
    if (!JSON_NODE_HOLDS_VALUE(key) ||
        json_node_get_value_type(key) != G_TYPE_STRING) {
        parse_error(ctx, "key is not a string in object");
        return false;
    }
    tok = pop_token(ctx);
    if (!tok) {
        parse_error(ctx, "premature EOI");
        return false;
    }
    if (tok->type != JSON_TOK_COLON) {
        parse_error(ctx, "missing : in object pair");
        return false;
    }
    value = parse_value(ctx);
    if (!value) {
        parse_error(ctx, "Missing value in dict");
        return false;
    }
    name = json_node_get_string(key);
    if (json_object_has_member(obj, name)) {
        json_node_unref(value);
        parse_error(ctx, "duplicate key");
        return false;
    }
    json_object_set_member(obj, name, value);
    return true;
}

static JsonNode *parse_object(JsonParserCtx *ctx)
{
    g_autoptr(JsonObject) obj = json_object_new();
    const JsonToken *tok;
    JsonNode *node;

    pop_token(ctx);                     /* '{' */
    tok = peek_token(ctx);
    if (!tok) {
        parse_error(ctx, "premature EOI");
        return NULL;
    }
    if (tok->type == JSON_TOK_RCURLY) {
        pop_token(ctx);
    } else {
        for (;;) {
            if (!parse_member(ctx, obj)) {
                return NULL;
            }
            tok = pop_token(ctx);
            if (!tok) {
                parse_error(ctx, "premature EOI");
                return NULL;
            }
            if (tok->type == JSON_TOK_RCURLY) {
                break;
            }
            if (tok->type != JSON_TOK_COMMA) {
                parse_error(ctx, "expected separator in dict");
                return NULL;
            }
        }
    }
    node = json_node_alloc();
    return json_node_init_object(node, obj);
}

static JsonNode *parse_array(JsonParserCtx *ctx)
{
    g_autoptr(JsonArray) arr = json_array_new();
    const JsonToken *tok;
    JsonNode *node;

    pop_token(ctx);                     /* '[' */
    tok = peek_token(ctx);
    if (!tok) {
        parse_error(ctx, "premature EOI");
        return NULL;
    }
    if (tok->type == JSON_TOK_RSQUARE) {
        pop_token(ctx);
    } else {
        for (;;) {
            JsonNode *elem = parse_value(ctx);

            if (!elem) {
                parse_error(ctx, "expecting value");
                return NULL;
            }
            json_array_add_element(arr, elem);
            tok = pop_token(ctx);
            if (!tok) {
                parse_error(ctx, "premature EOI");
                return NULL;
            }
            if (tok->type == JSON_TOK_RSQUARE) {
                break;
            }
            if (tok->type != JSON_TOK_COMMA) {
                parse_error(ctx, "expected separator in list");
                return NULL;
            }
        }
    }
    node = json_node_alloc();
    return json_node_init_array(node, arr);
}

static JsonNode *parse_value(JsonParserCtx *ctx)
{
    const JsonToken *tok = peek_token(ctx);

    if (!tok) {
        parse_error(ctx, "premature EOI");
        return NULL;
    }
    switch (tok->type) {
    case JSON_TOK_LCURLY:
        return parse_object(ctx);
    case JSON_TOK_LSQUARE:
        return parse_array(ctx);
    case JSON_TOK_STRING:
        pop_token(ctx);
        return parse_string(ctx, tok);
    case JSON_TOK_INTEGER:
    case JSON_TOK_FLOAT:
        pop_token(ctx);
        return parse_number(ctx, tok);
    case JSON_TOK_KEYWORD:
        pop_token(ctx);
        return parse_keyword(ctx, tok);
    default:
        parse_error(ctx, "expecting value");
        return NULL;
    }
}

JsonNode *json_tokens_parse(const JsonTokenBuf *buf, GError **errp)
{
    JsonParserCtx ctx = { .buf = buf };
    JsonNode *value = parse_value(&ctx);

    /*
     * The streamer cuts messages where the brackets balance, so a valid
     * value always uses up every token; be defensive all the same.
     */
    if (value && !ctx.err && ctx.pos != buf->tokens->len) {
        parse_error(&ctx, "expecting value");
    }
    if (ctx.err) {
        if (value) {
            json_node_unref(value);
        }
        g_propagate_error(errp, ctx.err);
        return NULL;
    }
    return value;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON message streamer: collects lexer tokens until the brackets of a
 * top-level value balance, enforces the per-message limits (qmp.md 1.3),
 * and hands complete messages to the parser.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qobject/json-parser.h"
#include "json-lexer.h"
#include "json-token.h"

struct JsonStreamParser {
    JsonLexer lexer;
    JsonTokenBuf buf;
    int brace_depth;        /* open '{' minus '}' in this message */
    int bracket_depth;      /* open '[' minus ']' in this message */
    size_t token_bytes;     /* sum of the token lengths in this message */
    JsonStreamEmitFn *emit;
    void *opaque;
};

/*
 * Forget the buffered message.  Buffers that grew for an unusually large
 * message are replaced so that an idle parser stays small.
 */
static void streamer_clear_message(JsonStreamParser *p)
{
    p->brace_depth = 0;
    p->bracket_depth = 0;
    p->token_bytes = 0;
    if (p->buf.tokens->len > 65536) {
        g_array_unref(p->buf.tokens);
        p->buf.tokens = g_array_sized_new(FALSE, FALSE, sizeof(JsonToken), 64);
    } else {
        g_array_set_size(p->buf.tokens, 0);
    }
    if (p->buf.text->allocated_len > (1u << 20)) {
        g_string_free(p->buf.text, TRUE);
        p->buf.text = g_string_sized_new(256);
    } else {
        g_string_truncate(p->buf.text, 0);
    }
}

static void streamer_emit_error(JsonStreamParser *p, GError *err)
{
    streamer_clear_message(p);
    p->emit(p->opaque, NULL, err);
}

static void streamer_emit_message(JsonStreamParser *p)
{
    GError *err = NULL;
    JsonNode *value = json_tokens_parse(&p->buf, &err);

    streamer_clear_message(p);
    p->emit(p->opaque, value, err);
}

static void streamer_token(void *opaque, JsonTokenType type,
                           const char *text, size_t len)
{
    JsonStreamParser *p = opaque;
    GError *err = NULL;
    JsonToken tok;

    switch (type) {
    case JSON_TOK_ERROR:
        error_setg(&err, "JSON parse error, stray '%s'", text);
        streamer_emit_error(p, err);
        return;
    case JSON_TOK_TOO_LONG:
        error_setg(&err, "JSON token size limit exceeded");
        streamer_emit_error(p, err);
        return;
    case JSON_TOK_END_OF_INPUT:
        if (p->buf.tokens->len > 0) {
            streamer_emit_message(p);
        }
        return;
    case JSON_TOK_LCURLY:
        p->brace_depth++;
        break;
    case JSON_TOK_RCURLY:
        p->brace_depth--;
        break;
    case JSON_TOK_LSQUARE:
        p->bracket_depth++;
        break;
    case JSON_TOK_RSQUARE:
        p->bracket_depth--;
        break;
    default:
        break;
    }

    /* The limits bound the memory and recursion one message can cost. */
    if (p->token_bytes + len > JSON_MAX_TOKEN_SIZE) {
        error_setg(&err, "JSON token size limit exceeded");
        streamer_emit_error(p, err);
        return;
    }
    if (p->buf.tokens->len + 1 > JSON_MAX_TOKEN_COUNT) {
        error_setg(&err, "JSON token count limit exceeded");
        streamer_emit_error(p, err);
        return;
    }
    if (p->brace_depth + p->bracket_depth > JSON_MAX_NESTING) {
        error_setg(&err, "JSON nesting depth limit exceeded");
        streamer_emit_error(p, err);
        return;
    }

    tok.type = type;
    tok.offset = p->buf.text->len;
    tok.len = len;
    g_string_append_len(p->buf.text, text, len);
    g_string_append_c(p->buf.text, '\0');
    g_array_append_val(p->buf.tokens, tok);
    p->token_bytes += len;

    /*
     * Keep collecting while some bracket is open.  A closing bracket
     * without its opener ends the message at once, so that the parser
     * reports it instead of the streamer waiting forever.
     */
    if ((p->brace_depth > 0 || p->bracket_depth > 0) &&
        p->brace_depth >= 0 && p->bracket_depth >= 0) {
        return;
    }
    streamer_emit_message(p);
}

JsonStreamParser *json_stream_parser_new(JsonStreamEmitFn *emit,
                                         void *opaque)
{
    JsonStreamParser *p = g_new0(JsonStreamParser, 1);

    json_lexer_init(&p->lexer, streamer_token, p);
    p->buf.tokens = g_array_sized_new(FALSE, FALSE, sizeof(JsonToken), 64);
    p->buf.text = g_string_sized_new(256);
    p->emit = emit;
    p->opaque = opaque;
    return p;
}

void json_stream_parser_free(JsonStreamParser *parser)
{
    if (!parser) {
        return;
    }
    json_lexer_cleanup(&parser->lexer);
    g_array_unref(parser->buf.tokens);
    g_string_free(parser->buf.text, TRUE);
    g_free(parser);
}

void json_stream_parser_feed(JsonStreamParser *parser, const char *buf,
                             size_t len)
{
    json_lexer_feed(&parser->lexer, buf, len);
}

void json_stream_parser_flush(JsonStreamParser *parser)
{
    json_lexer_flush(&parser->lexer);
}

void json_stream_parser_reset(JsonStreamParser *parser)
{
    json_lexer_reset(&parser->lexer);
    streamer_clear_message(parser);
}

/* State of json_parse_text(): the single value or the first error. */
typedef struct ParseOne {
    JsonNode *value;
    GError *err;
    unsigned count;
} ParseOne;

static void parse_one_emit(void *opaque, JsonNode *value, GError *err)
{
    ParseOne *one = opaque;

    one->count++;
    if (one->err || one->count > 1) {
        if (value) {
            json_node_unref(value);
        }
        if (err) {
            g_error_free(err);
        }
        if (!one->err) {
            error_setg(&one->err, "Expecting at most one JSON value");
        }
        return;
    }
    one->value = value;
    one->err = err;
}

JsonNode *json_parse_text(const char *text, size_t len, GError **errp)
{
    ParseOne one = { 0 };
    JsonStreamParser *p = json_stream_parser_new(parse_one_emit, &one);

    json_stream_parser_feed(p, text, len);
    json_stream_parser_flush(p);
    json_stream_parser_free(p);

    if (!one.err && !one.value) {
        error_setg(&one.err, "Expecting a JSON value");
    }
    if (one.err) {
        if (one.value) {
            json_node_unref(one.value);
        }
        g_propagate_error(errp, one.err);
        return NULL;
    }
    return one.value;
}

JsonNode *json_parse_string(const char *text, GError **errp)
{
    return json_parse_text(text, strlen(text), errp);
}

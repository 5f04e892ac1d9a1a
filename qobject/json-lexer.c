/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON lexer for QMP's dialect: RFC 8259 tokens plus single-quoted
 * strings.  String contents are only checked for raw control bytes and
 * the impossible bytes 0xFE/0xFF here; escapes and UTF-8 are validated by
 * the parser, which can then report precise errors.  After a lexical error
 * input is skipped up to the next resynchronisation point (qmp.md 1.4).
 */
#include "qemu/osdep.h"

#include "json-lexer.h"

enum {
    LEX_START,
    LEX_STRING,         /* inside '...' or "..." */
    LEX_STRING_ESCAPE,  /* just after a backslash inside a string */
    LEX_MINUS,          /* "-" */
    LEX_ZERO,           /* "0" or "-0" */
    LEX_INT,            /* non-zero integer digits */
    LEX_DOT,            /* "1." waiting for a fraction digit */
    LEX_FRAC,           /* fraction digits */
    LEX_EXP_E,          /* "1e" waiting for a sign or digit */
    LEX_EXP_SIGN,       /* "1e+" waiting for a digit */
    LEX_EXP,            /* exponent digits */
    LEX_KEYWORD,        /* [a-z]+ */
    LEX_RECOVERY,       /* skipping garbage after an error */
};

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_structural(unsigned char c)
{
    return c == '{' || c == '}' || c == '[' || c == ']' ||
           c == ':' || c == ',';
}

void json_lexer_init(JsonLexer *lexer, JsonLexerEmitFn *emit, void *opaque)
{
    lexer->state = LEX_START;
    lexer->quote = 0;
    lexer->token = g_string_sized_new(64);
    lexer->emit = emit;
    lexer->opaque = opaque;
}

void json_lexer_cleanup(JsonLexer *lexer)
{
    g_string_free(lexer->token, TRUE);
    lexer->token = NULL;
}

void json_lexer_reset(JsonLexer *lexer)
{
    lexer->state = LEX_START;
    g_string_truncate(lexer->token, 0);
    /* Do not keep a huge buffer around after an oversized message. */
    if (lexer->token->allocated_len > 65536) {
        g_string_free(lexer->token, TRUE);
        lexer->token = g_string_sized_new(64);
    }
}

static void emit_token(JsonLexer *lexer, JsonTokenType type)
{
    lexer->emit(lexer->opaque, type, lexer->token->str, lexer->token->len);
    g_string_truncate(lexer->token, 0);
    lexer->state = LEX_START;
}

/* Report the pending text plus the offending byte, then skip garbage. */
static void emit_error(JsonLexer *lexer)
{
    lexer->emit(lexer->opaque, JSON_TOK_ERROR,
                lexer->token->str, lexer->token->len);
    json_lexer_reset(lexer);
    lexer->state = LEX_RECOVERY;
}

static void emit_punct(JsonLexer *lexer, JsonTokenType type, char c)
{
    g_string_append_c(lexer->token, c);
    emit_token(lexer, type);
}

/* Process byte c in the start state.  The byte is always consumed. */
static void lex_start(JsonLexer *lexer, unsigned char c)
{
    switch (c) {
    case ' ': case '\t': case '\r': case '\n':
        return;
    case '{':
        emit_punct(lexer, JSON_TOK_LCURLY, c);
        return;
    case '}':
        emit_punct(lexer, JSON_TOK_RCURLY, c);
        return;
    case '[':
        emit_punct(lexer, JSON_TOK_LSQUARE, c);
        return;
    case ']':
        emit_punct(lexer, JSON_TOK_RSQUARE, c);
        return;
    case ':':
        emit_punct(lexer, JSON_TOK_COLON, c);
        return;
    case ',':
        emit_punct(lexer, JSON_TOK_COMMA, c);
        return;
    case '"': case '\'':
        lexer->quote = c;
        lexer->state = LEX_STRING;
        break;
    case '-':
        lexer->state = LEX_MINUS;
        break;
    case '0':
        lexer->state = LEX_ZERO;
        break;
    default:
        if (c >= '1' && c <= '9') {
            lexer->state = LEX_INT;
        } else if (c >= 'a' && c <= 'z') {
            lexer->state = LEX_KEYWORD;
        } else {
            g_string_append_c(lexer->token, c);
            emit_error(lexer);
            return;
        }
    }
    g_string_append_c(lexer->token, c);
}

/*
 * Process one byte.  Returns false when the byte was not consumed because
 * it terminated the pending token and must be looked at again in the
 * start state.
 */
static bool lex_byte(JsonLexer *lexer, unsigned char c)
{
    int next = -1;          /* state to move to after appending c */
    JsonTokenType done = JSON_TOK_ERROR; /* token ended by c (lookahead) */

    switch (lexer->state) {
    case LEX_START:
        lex_start(lexer, c);
        return true;
    case LEX_RECOVERY:
        if (is_structural(c) || (c < 0x20 && c != '\t') || c >= 0xFE) {
            lexer->state = LEX_START;
            return false;
        }
        return true;
    case LEX_STRING:
        if (c < 0x20 || c >= 0xFE) {
            break;
        }
        g_string_append_c(lexer->token, c);
        if (c == (unsigned char)lexer->quote) {
            emit_token(lexer, JSON_TOK_STRING);
        } else if (c == '\\') {
            lexer->state = LEX_STRING_ESCAPE;
        }
        goto check_size;
    case LEX_STRING_ESCAPE:
        if (c < 0x20 || c >= 0xFE) {
            break;
        }
        next = LEX_STRING;
        break;
    case LEX_MINUS:
        if (c == '0') {
            next = LEX_ZERO;
        } else if (is_digit(c)) {
            next = LEX_INT;
        }
        break;
    case LEX_ZERO:
    case LEX_INT:
        if (c == '.') {
            next = LEX_DOT;
        } else if (c == 'e' || c == 'E') {
            next = LEX_EXP_E;
        } else if (is_digit(c)) {
            /* a leading zero ("01") is an error */
            next = lexer->state == LEX_INT ? LEX_INT : -1;
        } else {
            done = JSON_TOK_INTEGER;
        }
        break;
    case LEX_DOT:
        if (is_digit(c)) {
            next = LEX_FRAC;
        }
        break;
    case LEX_FRAC:
        if (is_digit(c)) {
            next = LEX_FRAC;
        } else if (c == 'e' || c == 'E') {
            next = LEX_EXP_E;
        } else {
            done = JSON_TOK_FLOAT;
        }
        break;
    case LEX_EXP_E:
        if (c == '+' || c == '-') {
            next = LEX_EXP_SIGN;
        } else if (is_digit(c)) {
            next = LEX_EXP;
        }
        break;
    case LEX_EXP_SIGN:
    case LEX_EXP:
        if (is_digit(c)) {
            next = LEX_EXP;
        } else if (lexer->state == LEX_EXP) {
            done = JSON_TOK_FLOAT;
        }
        break;
    case LEX_KEYWORD:
        if (c >= 'a' && c <= 'z') {
            next = LEX_KEYWORD;
        } else {
            done = JSON_TOK_KEYWORD;
        }
        break;
    default:
        g_assert_not_reached();
    }

    if (next >= 0) {
        g_string_append_c(lexer->token, c);
        lexer->state = next;
        goto check_size;
    }
    if (done != JSON_TOK_ERROR) {
        emit_token(lexer, done);
        return false;
    }
    g_string_append_c(lexer->token, c);
    emit_error(lexer);
    return true;

check_size:
    /* Never let one token (e.g. an unterminated string) grow unbounded. */
    if (lexer->token->len > JSON_MAX_TOKEN_SIZE) {
        lexer->emit(lexer->opaque, JSON_TOK_TOO_LONG,
                    lexer->token->str, lexer->token->len);
        json_lexer_reset(lexer);
        lexer->state = LEX_RECOVERY;
    }
    return true;
}

void json_lexer_feed(JsonLexer *lexer, const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = buf[i];

        while (!lex_byte(lexer, c)) {
            /* c ended a token or recovery; look at it again */
        }
    }
}

void json_lexer_flush(JsonLexer *lexer)
{
    switch (lexer->state) {
    case LEX_ZERO:
    case LEX_INT:
        emit_token(lexer, JSON_TOK_INTEGER);
        break;
    case LEX_FRAC:
    case LEX_EXP:
        emit_token(lexer, JSON_TOK_FLOAT);
        break;
    case LEX_KEYWORD:
        emit_token(lexer, JSON_TOK_KEYWORD);
        break;
    case LEX_START:
    case LEX_RECOVERY:
        break;
    default:
        /* an unterminated string or number */
        emit_error(lexer);
        break;
    }
    json_lexer_reset(lexer);
    lexer->emit(lexer->opaque, JSON_TOK_END_OF_INPUT, "", 0);
}

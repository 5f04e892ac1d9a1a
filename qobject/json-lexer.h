/*
 * JSON lexer (private to qobject/): turns a byte stream into tokens of
 * QMP's JSON dialect and resynchronises after lexical errors.
 */
#ifndef QOBJECT_JSON_LEXER_H
#define QOBJECT_JSON_LEXER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum JsonTokenType {
    JSON_TOK_LCURLY,
    JSON_TOK_RCURLY,
    JSON_TOK_LSQUARE,
    JSON_TOK_RSQUARE,
    JSON_TOK_COLON,
    JSON_TOK_COMMA,
    JSON_TOK_INTEGER,
    JSON_TOK_FLOAT,
    JSON_TOK_KEYWORD,
    JSON_TOK_STRING,        /* text includes the delimiting quotes */
    JSON_TOK_ERROR,         /* lexical error; text is the offending input */
    JSON_TOK_TOO_LONG,      /* one token grew beyond JSON_MAX_TOKEN_SIZE */
    JSON_TOK_END_OF_INPUT,  /* json_lexer_flush() was called */
} JsonTokenType;

/* The limits of qmp.md 1.3. */
#define JSON_MAX_TOKEN_SIZE     (64u << 20)    /* bytes per message */
#define JSON_MAX_TOKEN_COUNT    (2u << 20)     /* tokens per message */
#define JSON_MAX_NESTING        1024

/*
 * Called for every token.  text is NUL-terminated (len excludes the NUL)
 * and only valid during the call.
 */
typedef void JsonLexerEmitFn(void *opaque, JsonTokenType type,
                             const char *text, size_t len);

typedef struct JsonLexer {
    int state;
    char quote;             /* delimiter of the string being lexed */
    GString *token;         /* text of the token being lexed */
    JsonLexerEmitFn *emit;
    void *opaque;
} JsonLexer;

/* Prepare an embedded lexer; release it with json_lexer_cleanup(). */
void json_lexer_init(JsonLexer *lexer, JsonLexerEmitFn *emit, void *opaque);
/* Feed len bytes; tokens are emitted as soon as they are complete. */
void json_lexer_feed(JsonLexer *lexer, const char *buf, size_t len);
/*
 * End of input: finish or reject the pending token, then emit
 * JSON_TOK_END_OF_INPUT.  The lexer is then back in its initial state.
 */
void json_lexer_flush(JsonLexer *lexer);
/* Forget any partial token, without emitting anything. */
void json_lexer_reset(JsonLexer *lexer);
void json_lexer_cleanup(JsonLexer *lexer);

#endif /* QOBJECT_JSON_LEXER_H */

/*
 * A buffered message: the tokens of one top-level JSON value, collected
 * by the streamer and handed to the parser (private to qobject/).
 */
#ifndef QOBJECT_JSON_TOKEN_H
#define QOBJECT_JSON_TOKEN_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

#include "json-lexer.h"

typedef struct JsonToken {
    JsonTokenType type;
    uint32_t offset;        /* of the NUL-terminated text in JsonTokenBuf */
    uint32_t len;
} JsonToken;

typedef struct JsonTokenBuf {
    GArray *tokens;         /* of JsonToken */
    GString *text;          /* all token texts, each followed by a NUL */
} JsonTokenBuf;

/* The text of token i. */
static inline const char *json_token_text(const JsonTokenBuf *buf,
                                          const JsonToken *tok)
{
    return buf->text->str + tok->offset;
}

/*
 * Parse the buffered tokens as one JSON value.  Returns the tree, or NULL
 * with errp set to "JSON parse error, <detail>".
 */
JsonNode *json_tokens_parse(const JsonTokenBuf *buf, GError **errp);

#endif /* QOBJECT_JSON_TOKEN_H */

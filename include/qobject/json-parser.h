/*
 * Streaming parser for QMP's JSON dialect (qmp.md 1.3, 1.4, 6.3).
 *
 * Bytes go in as they arrive; each complete top-level value comes out as
 * a json-glib JsonNode tree, each malformed message as a GError
 * (QMP_ERROR / ERROR_CLASS_GENERIC_ERROR) whose message is the text a QMP
 * error reply carries ("JSON parse error, <detail>" or one of the three
 * limit messages).
 *
 * Tree encoding: integers that fit int64 are int64 value nodes; larger
 * non-negative integers (up to and beyond uint64) and numbers with a
 * fraction or exponent are double nodes (an integral double in [0, 2^64)
 * denotes a uint64).  Strings are UTF-8, except that U+0000 (from the
 * escape \u0000) is stored as the two bytes 0xC0 0x80; json-writer.h
 * writes it back as \u0000.
 *
 * A JsonStreamParser is not thread-safe: use it from one thread at a time.
 */
#ifndef QOBJECT_JSON_PARSER_H
#define QOBJECT_JSON_PARSER_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct JsonStreamParser JsonStreamParser;

/*
 * Receives exactly one of value (a complete top-level value) or err (a
 * parse error) per call; the callee owns whichever is non-NULL.  The
 * callback may call json_stream_parser_reset() but must not free the
 * parser.
 */
typedef void JsonStreamEmitFn(void *opaque, JsonNode *value, GError *err);

/* Create a parser that reports to emit(opaque, ...).  Never fails. */
JsonStreamParser *json_stream_parser_new(JsonStreamEmitFn *emit,
                                         void *opaque);
/* Free a parser and any partial message it holds (NULL is ignored). */
void json_stream_parser_free(JsonStreamParser *parser);

/*
 * Feed len bytes.  Complete messages are reported before this returns; a
 * top-level scalar (e.g. 42) is only complete once the next byte arrives.
 */
void json_stream_parser_feed(JsonStreamParser *parser, const char *buf,
                             size_t len);

/*
 * Declare the end of input: a pending scalar is completed, an incomplete
 * message is reported ("premature EOI" and similar).  Afterwards the
 * parser is in its initial state.
 */
void json_stream_parser_flush(JsonStreamParser *parser);

/* Drop any partial message silently and start afresh (e.g. on reconnect). */
void json_stream_parser_reset(JsonStreamParser *parser);

/*
 * Parse a complete text holding exactly one JSON value (surrounding
 * whitespace allowed).  Returns a new tree, or NULL with errp set on a
 * parse error, on empty input or when more than one value is present.
 */
JsonNode *json_parse_text(const char *text, size_t len, GError **errp);

/* Convenience for NUL-terminated text. */
JsonNode *json_parse_string(const char *text, GError **errp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonStreamParser, json_stream_parser_free)

#endif /* QOBJECT_JSON_PARSER_H */

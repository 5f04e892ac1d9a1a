/*
 * JSON writer producing QMP's output text (qmp.md 1.2).
 *
 * Output is pure ASCII: every character outside 0x20..0x7E in a string is
 * written as \uXXXX (upper-case hex, surrogate pairs beyond the BMP) except
 * for the short escapes \" \\ \b \f \n \r \t; invalid UTF-8 becomes
 * \uFFFD; the pair 0xC0 0x80 (the parser's encoding of U+0000) becomes
 * \u0000.  Compact layout separates members with ", " and keys from values
 * with ": "; pretty layout puts every member on its own line, indented by
 * four spaces per level, with CR LF line breaks.  Empty containers are
 * written as {} and [].
 *
 * Integers are decimal.  Doubles are written with the fewest significant
 * digits (at most 17) that read back to the same value; integral doubles
 * in [-2^63, 2^64) are written as plain integers (the parser stores
 * uint64 values above INT64_MAX as doubles).  JSON has no infinities, so
 * +-inf is written as +-1.7976931348623157e+308 and NaN as 0.
 *
 * Two interfaces: a JsonWriter that builds text value by value (for
 * structured output such as the migration stream's vmdesc), and
 * json_writer_node_to_string()/json_writer_append_node() that serialise a
 * whole json-glib tree.
 * A writer is not thread-safe; the free functions are.
 */
#ifndef QOBJECT_JSON_WRITER_H
#define QOBJECT_JSON_WRITER_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct JsonWriter JsonWriter;

/* A new, empty writer.  Never fails. */
JsonWriter *json_writer_new(bool pretty);
/* Free the writer and its text (NULL is ignored). */
void json_writer_free(JsonWriter *writer);
/* The text written so far (owned by the writer). */
const char *json_writer_get(JsonWriter *writer);
/* Length of json_writer_get() in bytes. */
size_t json_writer_get_len(JsonWriter *writer);
/* Free the writer and return its text (caller frees with g_free). */
char *json_writer_steal(JsonWriter *writer);

/*
 * Each value function writes one value.  name is the member name when the
 * innermost open container is an object, and must be NULL otherwise (at
 * top level or inside a list).  Containers must be closed in order.
 */
void json_writer_start_object(JsonWriter *writer, const char *name);
void json_writer_end_object(JsonWriter *writer);
void json_writer_start_list(JsonWriter *writer, const char *name);
void json_writer_end_list(JsonWriter *writer);
void json_writer_bool(JsonWriter *writer, const char *name, bool val);
void json_writer_null(JsonWriter *writer, const char *name);
void json_writer_int64(JsonWriter *writer, const char *name, int64_t val);
void json_writer_uint64(JsonWriter *writer, const char *name, uint64_t val);
void json_writer_double(JsonWriter *writer, const char *name, double val);
/* str is UTF-8 (invalid bytes are written as \uFFFD); NULL writes null. */
void json_writer_str(JsonWriter *writer, const char *name, const char *str);
/* Write a whole json-glib tree as one value (NULL node = null). */
void json_writer_node(JsonWriter *writer, const char *name, JsonNode *node);

/* Append the serialisation of node to out. */
void json_writer_append_node(GString *out, JsonNode *node, bool pretty);
/* The serialisation of node as a new string (caller frees with g_free). */
char *json_writer_node_to_string(JsonNode *node, bool pretty);
/* Append str as a quoted, escaped JSON string literal. */
void json_writer_append_quoted(GString *out, const char *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonWriter, json_writer_free)

#endif /* QOBJECT_JSON_WRITER_H */

/*
 * Runtime of the generated JSON visitors (qapi-visit.c): conversions of
 * the built-in types, the QMP argument error messages (qmp.md 3.3), and
 * helpers for walking json-glib trees.
 *
 * Paths: every parse function gets "path", the name of the value for
 * error messages -- NULL at top level, "a" for a top-level member, "a.b"
 * for a nested member and "a[0]" for a list element.
 *
 * Input functions borrow the node; output functions return a new node
 * owned by the caller.  All functions are thread-safe (no shared state).
 */
#ifndef QAPI_JSON_VISIT_H
#define QAPI_JSON_VISIT_H

#include <json-glib/json-glib.h>
#include "qapi/util.h"
#include "qapi/qapi-builtin-types.h"

/* Path of member name inside path / of element idx of path (g_free). */
char *qapi_path_member(const char *path, const char *name);
char *qapi_path_index(const char *path, unsigned int idx);

/* "Parameter '<path.name>' is missing" */
void qapi_error_missing(GError **errp, const char *path, const char *name);
/* "Invalid parameter type for '<path>', expected: <expected>" */
void qapi_error_type(GError **errp, const char *path, const char *expected);
/* "Parameter '<path>' expects <what>" */
void qapi_error_value(GError **errp, const char *path, const char *what);

/* Member name of obj (NULL obj = empty object); NULL when absent. */
JsonNode *qapi_object_member(JsonObject *obj, const char *name);
/* The object / array held by node, or NULL with a type error. */
JsonObject *qapi_json_object(JsonNode *node, const char *path,
                             GError **errp);
JsonArray *qapi_json_array(JsonNode *node, const char *path, GError **errp);
/*
 * Fail with "Parameter '<path.key>' is unexpected" for the first member of
 * obj (in input order) that is in neither NULL-terminated list (extra may
 * be NULL).
 */
bool qapi_check_unexpected(JsonObject *obj, const char *path,
                           const char *const *names,
                           const char *const *extra, GError **errp);
/* Arguments of a command without parameters: must be NULL or empty. */
bool qapi_check_no_args(JsonObject *args, GError **errp);
/* A new object node for command arguments (NULL = {}); args is shared. */
JsonNode *qapi_args_node(JsonObject *args);
/* Wrap obj / arr in a new node, taking over the caller's reference. */
JsonNode *qapi_node_take_object(JsonObject *obj);
JsonNode *qapi_node_take_array(JsonArray *arr);
/* The object of an object node, keeping a reference; node is released. */
JsonObject *qapi_node_steal_object(JsonNode *node);

/* A copy of node sharing nothing with it (caller owns it). */
JsonNode *qapi_json_deep_copy(JsonNode *node);

/* QType of a JSON value (QTYPE_NONE for NULL): picks alternate branches. */
QType qapi_json_qtype(JsonNode *node);
/* Enums: a string node, or "Parameter 'x' does not accept value 'v'". */
JsonNode *qapi_enum_to_json(const QEnumLookup *lookup, int value);
bool qapi_enum_from_json(JsonNode *node, const char *path,
                         const QEnumLookup *lookup, int *out, GError **errp);

/*
 * Built-in types.  qapi_<type>_from_json() stores into *out and returns
 * true, or returns false with errp set.  Unsigned types accept negative
 * integers (wrapped) and integral doubles below 2^64; values beyond
 * INT64_MAX are output as doubles (json-glib has no uint64 node).
 */
JsonNode *qapi_str_to_json(const char *value);
bool qapi_str_from_json(JsonNode *node, const char *path, char **out,
                        GError **errp);
JsonNode *qapi_int_to_json(int64_t value);
bool qapi_int_from_json(JsonNode *node, const char *path, int64_t *out,
                        GError **errp);
JsonNode *qapi_int8_to_json(int8_t value);
bool qapi_int8_from_json(JsonNode *node, const char *path, int8_t *out,
                         GError **errp);
JsonNode *qapi_int16_to_json(int16_t value);
bool qapi_int16_from_json(JsonNode *node, const char *path, int16_t *out,
                          GError **errp);
JsonNode *qapi_int32_to_json(int32_t value);
bool qapi_int32_from_json(JsonNode *node, const char *path, int32_t *out,
                          GError **errp);
JsonNode *qapi_int64_to_json(int64_t value);
bool qapi_int64_from_json(JsonNode *node, const char *path, int64_t *out,
                          GError **errp);
JsonNode *qapi_uint8_to_json(uint8_t value);
bool qapi_uint8_from_json(JsonNode *node, const char *path, uint8_t *out,
                          GError **errp);
JsonNode *qapi_uint16_to_json(uint16_t value);
bool qapi_uint16_from_json(JsonNode *node, const char *path, uint16_t *out,
                           GError **errp);
JsonNode *qapi_uint32_to_json(uint32_t value);
bool qapi_uint32_from_json(JsonNode *node, const char *path, uint32_t *out,
                           GError **errp);
JsonNode *qapi_uint64_to_json(uint64_t value);
bool qapi_uint64_from_json(JsonNode *node, const char *path, uint64_t *out,
                           GError **errp);
JsonNode *qapi_size_to_json(uint64_t value);
bool qapi_size_from_json(JsonNode *node, const char *path, uint64_t *out,
                         GError **errp);
JsonNode *qapi_number_to_json(double value);
bool qapi_number_from_json(JsonNode *node, const char *path, double *out,
                           GError **errp);
JsonNode *qapi_bool_to_json(bool value);
bool qapi_bool_from_json(JsonNode *node, const char *path, bool *out,
                         GError **errp);
JsonNode *qapi_null_to_json(QNull value);
bool qapi_null_from_json(JsonNode *node, const char *path, QNull *out,
                         GError **errp);
/* 'any': a deep copy (NULL value gives a JSON null). */
JsonNode *qapi_any_to_json(const JsonNode *value);
bool qapi_any_from_json(JsonNode *node, const char *path, JsonNode **out,
                        GError **errp);

#endif /* QAPI_JSON_VISIT_H */

/*
 * Small QAPI runtime pieces the generated code builds on: enum name tables
 * and the unit type used for the schema's 'null'.
 */
#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H

#include <glib.h>
#include <json-glib/json-glib.h>

/*
 * Wire names of an enum, indexed by value.  Entries of values compiled out
 * by an 'if' condition are NULL.
 */
typedef struct QEnumLookup {
    const char *const *array;
    int size;
} QEnumLookup;

/* C type of the schema's 'null': it has a single value. */
typedef enum QNull {
    QNULL = 0,
} QNull;

/* The wire name of value, or NULL when value is out of range. */
const char *qapi_enum_lookup(const QEnumLookup *lookup, int value);

/* The value whose wire name is name, or -1 (also for name == NULL). */
int qapi_enum_parse(const QEnumLookup *lookup, const char *name);

/*
 * Parse JSON text produced by the generator (introspection data).  Commas
 * right before ']' are dropped first: the generator ends every array
 * element with one so that elements under '#if' can come and go.
 * Returns a new tree; the text is ours, so a parse failure is a bug.
 */
JsonNode *qapi_json_parse_static(const char *text);

#endif /* QAPI_UTIL_H */

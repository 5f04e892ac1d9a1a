/*
 * The "keyval" option dialect (cli.md 1.2), used by -machine, -audio and
 * -display: "[implied=]v,key=v,a.b.c=v,..." parsed into a JSON tree.
 *
 * Keys are made of fragments separated by '.'; each fragment is a
 * non-empty run of letters, digits, '-' and '_'. "a.b=1,a.c=2" builds
 * {"a": {"b": "1", "c": "2"}}. An object whose keys are all decimal
 * numbers 0..n-1 becomes an array ("l.0=x,l.1=y" -> {"l": ["x", "y"]}).
 * Every leaf value is a string; ",," in a value stands for ','. A repeated
 * key replaces the earlier value. A single empty element at the end
 * ("virt,") is ignored.
 *
 * Pure functions; any thread.
 */
#ifndef QEMU_KEYVAL_H
#define QEMU_KEYVAL_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

/*
 * Parse params. implied_key (may be NULL) names the value of a first
 * element without '='. With p_help non-NULL, a bare "help" or "?" element
 * (also as the implied value) sets *p_help = true instead of being stored;
 * *p_help is set to false first. Without p_help such an element is an
 * error like any other key lacking '='.
 * Errors: "Invalid parameter '<key>'", "Expected '=' after parameter
 * '<key>'", "Parameter '<key>' used inconsistently",
 * "Parameter '<key>' is missing" (a gap in an array index).
 * Returns a new object (caller owns the reference) or NULL with errp set.
 */
JsonObject *keyval_parse(const char *params, const char *implied_key,
                         bool *p_help, GError **errp);

/*
 * Merge src into dst, later (src) wins: objects present in both are merged
 * recursively, arrays present in both are concatenated, anything else in
 * src replaces dst's member. Values are deep-copied; src is unchanged and
 * the caller keeps its references to both. Returns dst.
 */
JsonObject *keyval_merge(JsonObject *dst, JsonObject *src);

#endif /* QEMU_KEYVAL_H */

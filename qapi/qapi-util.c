/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QAPI runtime basics: enum name lookup and parsing of the generated
 * introspection text.
 */
#include "qemu/osdep.h"
#include "qapi/util.h"

const char *qapi_enum_lookup(const QEnumLookup *lookup, int value)
{
    if (value < 0 || value >= lookup->size) {
        return NULL;
    }
    return lookup->array[value];
}

int qapi_enum_parse(const QEnumLookup *lookup, const char *name)
{
    int i;

    if (!name) {
        return -1;
    }
    for (i = 0; i < lookup->size; i++) {
        if (lookup->array[i] && !strcmp(lookup->array[i], name)) {
            return i;
        }
    }
    return -1;
}

/* Copy text without the commas that directly precede ']' (outside strings). */
static char *strip_trailing_commas(const char *text)
{
    size_t len = strlen(text);
    char *out = g_malloc(len + 1);
    size_t o = 0;
    bool in_string = false;
    size_t i;

    for (i = 0; i < len; i++) {
        char ch = text[i];

        if (in_string) {
            out[o++] = ch;
            if (ch == '\\' && i + 1 < len) {
                out[o++] = text[++i];
            } else if (ch == '"') {
                in_string = false;
            }
            continue;
        }
        if (ch == '"') {
            in_string = true;
        } else if (ch == ',') {
            size_t j = i + 1;

            while (j < len && g_ascii_isspace(text[j])) {
                j++;
            }
            if (j < len && text[j] == ']') {
                continue;
            }
        }
        out[o++] = ch;
    }
    out[o] = '\0';
    return out;
}

JsonNode *qapi_json_parse_static(const char *text)
{
    g_autofree char *clean = strip_trailing_commas(text);
    g_autoptr(GError) err = NULL;
    JsonNode *node = json_from_string(clean, &err);

    /* The text comes from the generator: failing to parse it is our bug. */
    assert(node && !err);
    return node;
}

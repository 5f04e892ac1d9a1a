/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON writer: serialises values and json-glib trees into QMP's compact
 * or pretty ASCII-only text.
 */
#include "qemu/osdep.h"

#include <math.h>

#include "qobject/json-writer.h"
#include "json-utf8.h"

struct JsonWriter {
    bool pretty;
    GString *text;
    /*
     * One entry per open container: 'o' or 'l' for its kind, upper case
     * ('O', 'L') once it has at least one member.
     */
    GByteArray *stack;
};

JsonWriter *json_writer_new(bool pretty)
{
    JsonWriter *w = g_new0(JsonWriter, 1);

    w->pretty = pretty;
    w->text = g_string_sized_new(128);
    w->stack = g_byte_array_new();
    return w;
}

void json_writer_free(JsonWriter *writer)
{
    if (!writer) {
        return;
    }
    g_string_free(writer->text, TRUE);
    g_byte_array_unref(writer->stack);
    g_free(writer);
}

const char *json_writer_get(JsonWriter *writer)
{
    return writer->text->str;
}

size_t json_writer_get_len(JsonWriter *writer)
{
    return writer->text->len;
}

char *json_writer_steal(JsonWriter *writer)
{
    char *text = g_string_free(writer->text, FALSE);

    writer->text = NULL;
    g_byte_array_unref(writer->stack);
    g_free(writer);
    return text;
}

static void writer_newline(JsonWriter *w, guint depth)
{
    guint i;

    g_string_append(w->text, "\r\n");
    for (i = 0; i < depth; i++) {
        g_string_append(w->text, "    ");
    }
}

/* Separator, indentation and member name before a value. */
static void writer_begin_value(JsonWriter *w, const char *name)
{
    guint depth = w->stack->len;

    if (depth > 0) {
        guint8 *top = &w->stack->data[depth - 1];
        bool in_object = (*top == 'o' || *top == 'O');
        bool first = (*top == 'o' || *top == 'l');

        /* A name belongs exactly to members of an object. */
        assert(in_object == (name != NULL));
        if (!first) {
            g_string_append_c(w->text, ',');
        }
        if (w->pretty) {
            writer_newline(w, depth);
        } else if (!first) {
            g_string_append_c(w->text, ' ');
        }
        *top = in_object ? 'O' : 'L';
        if (name) {
            json_writer_append_quoted(w->text, name);
            g_string_append(w->text, ": ");
        }
    } else {
        assert(name == NULL);
    }
}

static void writer_start(JsonWriter *w, const char *name, char kind)
{
    writer_begin_value(w, name);
    g_string_append_c(w->text, kind == 'o' ? '{' : '[');
    g_byte_array_append(w->stack, (const guint8 *)&kind, 1);
}

static void writer_end(JsonWriter *w, char kind)
{
    guint depth = w->stack->len;
    guint8 top;

    assert(depth > 0);
    top = w->stack->data[depth - 1];
    assert(g_ascii_tolower(top) == kind);
    g_byte_array_set_size(w->stack, depth - 1);
    if (w->pretty && g_ascii_isupper(top)) {
        writer_newline(w, depth - 1);
    }
    g_string_append_c(w->text, kind == 'o' ? '}' : ']');
}

void json_writer_start_object(JsonWriter *writer, const char *name)
{
    writer_start(writer, name, 'o');
}

void json_writer_end_object(JsonWriter *writer)
{
    writer_end(writer, 'o');
}

void json_writer_start_list(JsonWriter *writer, const char *name)
{
    writer_start(writer, name, 'l');
}

void json_writer_end_list(JsonWriter *writer)
{
    writer_end(writer, 'l');
}

void json_writer_bool(JsonWriter *writer, const char *name, bool val)
{
    writer_begin_value(writer, name);
    g_string_append(writer->text, val ? "true" : "false");
}

void json_writer_null(JsonWriter *writer, const char *name)
{
    writer_begin_value(writer, name);
    g_string_append(writer->text, "null");
}

void json_writer_int64(JsonWriter *writer, const char *name, int64_t val)
{
    writer_begin_value(writer, name);
    g_string_append_printf(writer->text, "%" PRId64, val);
}

void json_writer_uint64(JsonWriter *writer, const char *name, uint64_t val)
{
    writer_begin_value(writer, name);
    g_string_append_printf(writer->text, "%" PRIu64, val);
}

static void append_double(GString *out, double val)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    int prec;

    if (isnan(val)) {
        g_string_append_c(out, '0');
        return;
    }
    if (isinf(val)) {
        g_string_append(out, val < 0 ? "-1.7976931348623157e+308"
                                     : "1.7976931348623157e+308");
        return;
    }
    if (val == 0) {
        g_string_append(out, signbit(val) ? "-0" : "0");
        return;
    }
    if (val == floor(val)) {
        /* 2^64 and -2^63 are exact doubles, so these tests are exact. */
        if (val >= 0 && val < 18446744073709551616.0) {
            g_string_append_printf(out, "%" PRIu64, (uint64_t)val);
            return;
        }
        if (val < 0 && val >= -9223372036854775808.0) {
            g_string_append_printf(out, "%" PRId64, (int64_t)val);
            return;
        }
    }
    /* The shortest form that reads back as the same double. */
    for (prec = 1; prec < 17; prec++) {
        char fmt[8];

        g_snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
        g_ascii_formatd(buf, sizeof(buf), fmt, val);
        if (g_ascii_strtod(buf, NULL) == val) {
            g_string_append(out, buf);
            return;
        }
    }
    g_ascii_formatd(buf, sizeof(buf), "%.17g", val);
    g_string_append(out, buf);
}

void json_writer_double(JsonWriter *writer, const char *name, double val)
{
    writer_begin_value(writer, name);
    append_double(writer->text, val);
}

void json_writer_str(JsonWriter *writer, const char *name, const char *str)
{
    writer_begin_value(writer, name);
    if (str) {
        json_writer_append_quoted(writer->text, str);
    } else {
        g_string_append(writer->text, "null");
    }
}

static void append_u_escape(GString *out, gunichar unit)
{
    g_string_append_printf(out, "\\u%04X", (unsigned)unit);
}

void json_writer_append_quoted(GString *out, const char *str)
{
    const char *p = str;
    size_t left = strlen(str);

    g_string_append_c(out, '"');
    while (left > 0) {
        unsigned char c = *p;
        gunichar cp;
        int n;

        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c >= 0x20 && c < 0x7F) {
                g_string_append_c(out, c);
                break;
            }
            n = json_utf8_decode(p, left, &cp, true);
            if (n < 0) {
                append_u_escape(out, 0xFFFD);
                n = -n;
            } else if (cp >= 0x10000) {
                cp -= 0x10000;
                append_u_escape(out, 0xD800 + (cp >> 10));
                append_u_escape(out, 0xDC00 + (cp & 0x3FF));
            } else {
                append_u_escape(out, cp);
            }
            p += n;
            left -= n;
            continue;
        }
        p++;
        left--;
    }
    g_string_append_c(out, '"');
}

void json_writer_node(JsonWriter *writer, const char *name, JsonNode *node)
{
    if (!node) {
        json_writer_null(writer, name);
        return;
    }

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter iter;
        const char *member;
        JsonNode *child;

        json_writer_start_object(writer, name);
        json_object_iter_init_ordered(&iter, json_node_get_object(node));
        while (json_object_iter_next_ordered(&iter, &member, &child)) {
            json_writer_node(writer, member, child);
        }
        json_writer_end_object(writer);
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *arr = json_node_get_array(node);
        guint i, len = json_array_get_length(arr);

        json_writer_start_list(writer, name);
        for (i = 0; i < len; i++) {
            json_writer_node(writer, NULL, json_array_get_element(arr, i));
        }
        json_writer_end_list(writer);
        break;
    }
    case JSON_NODE_NULL:
        json_writer_null(writer, name);
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            json_writer_int64(writer, name, json_node_get_int(node));
            break;
        case G_TYPE_DOUBLE:
            json_writer_double(writer, name, json_node_get_double(node));
            break;
        case G_TYPE_BOOLEAN:
            json_writer_bool(writer, name, json_node_get_boolean(node));
            break;
        case G_TYPE_STRING:
            json_writer_str(writer, name, json_node_get_string(node));
            break;
        default:
            /* json-glib normalises every value to one of the above. */
            g_assert_not_reached();
        }
        break;
    }
}

void json_writer_append_node(GString *out, JsonNode *node, bool pretty)
{
    JsonWriter *w = json_writer_new(pretty);

    json_writer_node(w, NULL, node);
    g_string_append_len(out, w->text->str, w->text->len);
    json_writer_free(w);
}

char *json_writer_node_to_string(JsonNode *node, bool pretty)
{
    JsonWriter *w = json_writer_new(pretty);

    json_writer_node(w, NULL, node);
    return json_writer_steal(w);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "json": the QMP input path's streaming JSON parser
 * (qobject/json-lexer.c, json-streamer.c, json-parser.c, json-utf8.c) and
 * the writer that answers with what it parsed (json-writer.c).
 *
 * Input layout: byte 0 picks the size of the pieces the rest is fed in
 * (1..64 bytes: messages split at every possible point, as a socket may
 * deliver them); the rest is the byte stream.  Oracles, besides the
 * sanitizers:
 *   - every callback carries exactly one of value or error, and an error
 *     has a message;
 *   - the writer's output parses, and write/parse is stable after one
 *     normalising round;
 *   - feeding the stream in pieces gives the same messages as feeding it
 *     whole (the parser has no hidden dependence on read boundaries);
 *   - json_parse_text() on the whole input never crashes and agrees with
 *     itself when repeated.
 */
#include "qemu/osdep.h"

#include "qobject/json-parser.h"
#include "qobject/json-writer.h"
#include "fuzz.h"

/* What a stream produced: one line per message ("V <text>" / "E <msg>"). */
typedef struct Transcript {
    GString *text;
    unsigned messages;
} Transcript;

/*
 * Write/parse must reach a fixed point after one round: the first round
 * may normalise (-0.0 is written "-0", which parses as the integer 0),
 * the second must not change anything.
 */
static void check_round_trip(JsonNode *value, const char *first)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) again = json_parse_string(first, &err);
    g_autoptr(JsonNode) third = NULL;
    g_autofree char *second = NULL;
    g_autofree char *fourth = NULL;

    FUZZ_CHECK(again, "writer output does not parse: %s\n  text: %s",
               err ? err->message : "?", first);
    second = json_writer_node_to_string(again, false);
    third = json_parse_string(second, &err);
    FUZZ_CHECK(third, "writer output does not parse: %s\n  text: %s",
               err ? err->message : "?", second);
    fourth = json_writer_node_to_string(third, false);
    FUZZ_CHECK(strcmp(second, fourth) == 0,
               "write/parse is not stable:\n  %s\n  %s\n  %s", first, second,
               fourth);
}

static void record(void *opaque, JsonNode *value, GError *err)
{
    Transcript *t = opaque;

    FUZZ_CHECK((value == NULL) != (err == NULL),
               "emit got value=%p err=%p", (void *)value, (void *)err);
    t->messages++;
    if (err) {
        FUZZ_CHECK(err->message && err->message[0], "error without message");
        g_string_append_printf(t->text, "E %s\n", err->message);
        g_error_free(err);
    } else {
        g_autofree char *text = json_writer_node_to_string(value, false);

        check_round_trip(value, text);
        g_string_append_printf(t->text, "V %s\n", text);
        json_node_unref(value);
    }
}

static char *run_stream(const uint8_t *data, size_t size, size_t piece)
{
    Transcript t = { .text = g_string_new(NULL) };
    g_autoptr(JsonStreamParser) p = json_stream_parser_new(record, &t);

    for (size_t off = 0; off < size; off += piece) {
        json_stream_parser_feed(p, (const char *)data + off,
                                MIN(piece, size - off));
    }
    json_stream_parser_flush(p);
    /* After a flush the parser is fresh: the same input must repeat. */
    return g_string_free(t.text, false);
}

static char *run_whole_text(const uint8_t *data, size_t size)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = json_parse_text((const char *)data, size, &err);

    FUZZ_CHECK((node == NULL) != (err == NULL), "json_parse_text result");
    if (!node) {
        return g_strdup_printf("E %s", err->message);
    }
    return json_writer_node_to_string(node, false);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_common();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *whole = NULL;
    g_autofree char *pieces = NULL;
    g_autofree char *text1 = NULL;
    g_autofree char *text2 = NULL;
    size_t piece;

    if (size < 1 || size > 64 * 1024) {
        return 0;
    }
    piece = 1 + data[0] % 64;
    data++;
    size--;

    whole = run_stream(data, size, size ? size : 1);
    pieces = run_stream(data, size, piece);
    FUZZ_CHECK(strcmp(whole, pieces) == 0,
               "feeding in %zu-byte pieces changed the result:\n"
               "whole:\n%s\npieces:\n%s", piece, whole, pieces);

    text1 = run_whole_text(data, size);
    text2 = run_whole_text(data, size);
    FUZZ_CHECK(strcmp(text1, text2) == 0, "json_parse_text not repeatable");
    return 0;
}

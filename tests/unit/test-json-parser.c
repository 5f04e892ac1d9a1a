/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the streaming JSON parser: QMP's dialect (qmp.md 1.3),
 * the parse-error details (6.3), the limits, resynchronisation (1.4) and
 * byte-by-byte streaming.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qobject/json-parser.h"
#include "qobject/json-writer.h"

/* What a stream produced: one line per message, "V:<json>" or "E:<msg>". */
typedef struct Results {
    GPtrArray *lines;
} Results;

static void collect(void *opaque, JsonNode *value, GError *err)
{
    Results *r = opaque;

    g_assert((value == NULL) != (err == NULL));
    if (value) {
        g_autofree char *text = json_writer_node_to_string(value, false);

        g_ptr_array_add(r->lines, g_strdup_printf("V:%s", text));
        json_node_unref(value);
    } else {
        g_assert(g_error_matches(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR));
        g_ptr_array_add(r->lines, g_strdup_printf("E:%s", err->message));
        g_error_free(err);
    }
}

/* Feed input in chunks of chunk bytes (0 = all at once), then flush. */
static char *run_stream(const char *input, size_t len, size_t chunk,
                        bool flush)
{
    Results r = { g_ptr_array_new_with_free_func(g_free) };
    JsonStreamParser *p = json_stream_parser_new(collect, &r);
    size_t off = 0;
    char *joined;

    if (chunk == 0) {
        chunk = len ? len : 1;
    }
    while (off < len) {
        size_t n = MIN(chunk, len - off);

        json_stream_parser_feed(p, input + off, n);
        off += n;
    }
    if (flush) {
        json_stream_parser_flush(p);
    }
    json_stream_parser_free(p);
    g_ptr_array_add(r.lines, NULL);
    joined = g_strjoinv("|", (char **)r.lines->pdata);
    g_ptr_array_free(r.lines, TRUE);
    return joined;
}

/*
 * Parse input (with flush) whole, byte by byte and in 3-byte chunks; all
 * three must agree with expected.
 */
static void check_len(const char *input, size_t len, const char *expected)
{
    static const size_t chunks[] = { 0, 1, 3 };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(chunks); i++) {
        g_autofree char *got = run_stream(input, len, chunks[i], true);

        if (strcmp(got, expected)) {
            g_printerr("input '%s' chunk %zu\n", input, chunks[i]);
        }
        g_assert_cmpstr(got, ==, expected);
    }
}

static void check(const char *input, const char *expected)
{
    check_len(input, strlen(input), expected);
}

static void test_scalars(void)
{
    check("true false null", "V:true|V:false|V:null");
    check("0 -0 42 -17", "V:0|V:0|V:42|V:-17");
    check("\"abc\"", "V:\"abc\"");
    check("'abc'", "V:\"abc\"");
    check("  \t\r\n 7 \n", "V:7");
    check("", "");
}

static void test_containers(void)
{
    check("{}", "V:{}");
    check("[]", "V:[]");
    check("{\"a\": 1, \"b\": [true, null, {\"c\": \"d\"}]}",
          "V:{\"a\": 1, \"b\": [true, null, {\"c\": \"d\"}]}");
    check("[[[]],{}]", "V:[[[]], {}]");
    check("{'execute':'stop'}", "V:{\"execute\": \"stop\"}");
    /* several messages, no delimiter needed */
    check("{}[]{\"a\":1}", "V:{}|V:[]|V:{\"a\": 1}");
}

/* Member order is kept. */
static void test_member_order(void)
{
    check("{\"z\": 1, \"a\": 2, \"m\": 3}", "V:{\"z\": 1, \"a\": 2, \"m\": 3}");
}

static JsonNode *parse_ok(const char *text)
{
    GError *err = NULL;
    JsonNode *node = json_parse_string(text, &err);

    g_assert_no_error(err);
    g_assert_nonnull(node);
    return node;
}

static void test_numbers(void)
{
    g_autoptr(JsonNode) max = parse_ok("9223372036854775807");
    g_autoptr(JsonNode) min = parse_ok("-9223372036854775808");
    g_autoptr(JsonNode) big = parse_ok("9223372036854775808");
    g_autoptr(JsonNode) umax = parse_ok("18446744073709551615");
    g_autoptr(JsonNode) huge = parse_ok("100000000000000000000000");
    g_autoptr(JsonNode) neg = parse_ok("-9223372036854775809");
    g_autoptr(JsonNode) frac = parse_ok("1.5");
    g_autoptr(JsonNode) exp = parse_ok("-2E+3");
    g_autoptr(JsonNode) exp2 = parse_ok("25e-1");
    g_autoptr(JsonNode) zero_frac = parse_ok("0.0");

    g_assert_cmpint(json_node_get_value_type(max), ==, G_TYPE_INT64);
    g_assert_cmpint(json_node_get_int(max), ==, INT64_MAX);
    g_assert_cmpint(json_node_get_value_type(min), ==, G_TYPE_INT64);
    g_assert_cmpint(json_node_get_int(min), ==, INT64_MIN);

    /* beyond int64: a double that holds the uint64 value */
    g_assert_cmpint(json_node_get_value_type(big), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_node_get_double(big), ==, 9223372036854775808.0);
    g_assert_cmpint(json_node_get_value_type(umax), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_node_get_double(umax), ==, 18446744073709551615.0);
    g_assert_cmpint(json_node_get_value_type(huge), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_node_get_double(huge), ==, 1e23);
    g_assert_cmpint(json_node_get_value_type(neg), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_node_get_double(neg), ==, -9223372036854775809.0);

    g_assert_cmpint(json_node_get_value_type(frac), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_node_get_double(frac), ==, 1.5);
    g_assert_cmpint(json_node_get_value_type(exp), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_node_get_double(exp), ==, -2000.0);
    g_assert_cmpfloat(json_node_get_double(exp2), ==, 2.5);
    g_assert_cmpint(json_node_get_value_type(zero_frac), ==, G_TYPE_DOUBLE);

    check("1.5 -0.25 1e2", "V:1.5|V:-0.25|V:100");
}

static void test_number_errors(void)
{
    check("01", "E:JSON parse error, stray '01'");
    check("-", "E:JSON parse error, stray '-'");
    check("-x", "E:JSON parse error, stray '-x'");
    check("1.", "E:JSON parse error, stray '1.'");
    check("1.e5", "E:JSON parse error, stray '1.e'");
    check("1e", "E:JSON parse error, stray '1e'");
    check("1e+", "E:JSON parse error, stray '1e+'");
    check("+1", "E:JSON parse error, stray '+'");
    check("NaN", "E:JSON parse error, stray 'N'");
    check("Infinity", "E:JSON parse error, stray 'I'");
    check("-Infinity", "E:JSON parse error, stray '-I'");
    check(".5", "E:JSON parse error, stray '.'");
}

static void test_keywords(void)
{
    check("{\"a\": tru}", "E:JSON parse error, invalid keyword 'tru'");
    check("nul", "E:JSON parse error, invalid keyword 'nul'");
    check("truefalse", "E:JSON parse error, invalid keyword 'truefalse'");
    check("True", "E:JSON parse error, stray 'T'");
}

static void test_strings(void)
{
    g_autoptr(JsonNode) esc =
        parse_ok("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\' x\"");
    g_autoptr(JsonNode) sq = parse_ok("'it\\'s \"quoted\"'");
    g_autoptr(JsonNode) dq = parse_ok("\"it's\"");
    g_autoptr(JsonNode) uni = parse_ok("\"\\u00e9\\u20AC\\uD83D\\uDE00\"");
    g_autoptr(JsonNode) raw = parse_ok("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    g_autoptr(JsonNode) nul = parse_ok("\"a\\u0000b\"");
    g_autoptr(JsonNode) del = parse_ok("\"\x7f\"");

    g_assert_cmpstr(json_node_get_string(esc), ==,
                    "\" \\ / \b \f \n \r \t ' x");
    g_assert_cmpstr(json_node_get_string(sq), ==, "it's \"quoted\"");
    g_assert_cmpstr(json_node_get_string(dq), ==, "it's");
    g_assert_cmpstr(json_node_get_string(uni), ==,
                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    g_assert_cmpstr(json_node_get_string(raw), ==,
                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    /* U+0000 is kept as 0xC0 0x80 and written back as \u0000 */
    g_assert_cmpstr(json_node_get_string(nul), ==, "a\xc0\x80" "b");
    check("\"a\\u0000b\"", "V:\"a\\u0000b\"");
    g_assert_cmpstr(json_node_get_string(del), ==, "\x7f");
}

static void test_string_errors(void)
{
    /* raw control characters are lexical errors */
    check("\"a\tb\"", "E:JSON parse error, stray '\"a\t'");
    check_len("\"a\0b\"", 5, "E:JSON parse error, stray '\"a'");
    /* the offending byte belongs to the error; the rest is skipped */
    check("\"a\nb\" 1", "E:JSON parse error, stray '\"a\n'");
    /* invalid escapes */
    check("\"\\q\"", "E:JSON parse error, invalid escape sequence in string");
    check("\"\\x41\"",
          "E:JSON parse error, invalid escape sequence in string");
    check("\"\\u12\"", "E:JSON parse error, invalid escape sequence in string");
    check("\"\\u12G4\"",
          "E:JSON parse error, invalid escape sequence in string");
    /* lone surrogates and noncharacters */
    check("\"\\uD800\"",
          "E:JSON parse error, \\uD800 is not a valid Unicode character");
    check("\"\\udc00\"",
          "E:JSON parse error, \\udc00 is not a valid Unicode character");
    check("\"\\uD800\\u0041\"",
          "E:JSON parse error, \\uD800 is not a valid Unicode character");
    check("\"\\uD800x\"",
          "E:JSON parse error, \\uD800 is not a valid Unicode character");
    check("\"\\uFDD0\"",
          "E:JSON parse error, \\uFDD0 is not a valid Unicode character");
    check("\"\\uFDEF\"",
          "E:JSON parse error, \\uFDEF is not a valid Unicode character");
    check("\"\\uFFFE\"",
          "E:JSON parse error, \\uFFFE is not a valid Unicode character");
    check("\"\\uffff\"",
          "E:JSON parse error, \\uffff is not a valid Unicode character");
    check("\"\\uDBFF\\uDFFF\"", "E:JSON parse error, "
          "\\uDBFF\\uDFFF is not a valid Unicode character");
    check("\"\\uD83F\\uDFFE\"", "E:JSON parse error, "
          "\\uD83F\\uDFFE is not a valid Unicode character");
    check("\"\\uFDCF\\uFDF0\"", "V:\"\\uFDCF\\uFDF0\"");
}

static void test_utf8_errors(void)
{
    static const char *const bad[] = {
        "\"\x80\"",                 /* stray continuation byte */
        "\"\xc3\"",                 /* truncated */
        "\"\xe2\x82\"",             /* truncated */
        "\"\xc0\x80\"",             /* overlong U+0000 */
        "\"\xc1\xbf\"",             /* overlong */
        "\"\xe0\x80\xaf\"",         /* overlong '/' */
        "\"\xf0\x80\x80\xaf\"",     /* overlong */
        "\"\xed\xa0\x80\"",         /* surrogate U+D800 */
        "\"\xf4\x90\x80\x80\"",     /* above U+10FFFF */
        "\"\xf8\x88\x80\x80\x80\"", /* 5-byte form */
        "\"\xef\xbf\xbf\"",         /* noncharacter U+FFFF */
        "\"\xef\xb7\x90\"",         /* noncharacter U+FDD0 */
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        check(bad[i], "E:JSON parse error, invalid UTF-8 sequence in string");
    }
    /* 0xFE and 0xFF can not occur in UTF-8 at all: lexical errors */
    check("\"a\xfe\"", "E:JSON parse error, stray '\"a\xfe'");
    check("\xff", "E:JSON parse error, stray '\xff'");
    /* bytes >= 0x80 outside strings */
    check("\xc3\xa9", "E:JSON parse error, stray '\xc3'");
}

static void test_structure_errors(void)
{
    check("{\"execute\": }", "E:JSON parse error, expecting value");
    check("{\"a\": }", "E:JSON parse error, expecting value");
    check("[,]", "E:JSON parse error, expecting value");
    check("[1,]", "E:JSON parse error, expecting value");
    check("{,}", "E:JSON parse error, expecting value");
    check("{1: 2}", "E:JSON parse error, key is not a string in object");
    check("{null: 2}", "E:JSON parse error, key is not a string in object");
    check("{\"a\" 1}", "E:JSON parse error, missing : in object pair");
    check("{\"a\": 1, \"a\": 2}", "E:JSON parse error, duplicate key");
    check("{\"a\": {\"b\": 1, \"b\": 1}}", "E:JSON parse error, duplicate key");
    check("{\"a\": 1 \"b\": 2}",
          "E:JSON parse error, expected separator in dict");
    check("[1 2]", "E:JSON parse error, expected separator in list");
    check("{\"a\": 1]", "E:JSON parse error, expected separator in dict");
    check("]", "E:JSON parse error, expecting value");
    check("}", "E:JSON parse error, expecting value");
    check(":", "E:JSON parse error, expecting value");
    check(",", "E:JSON parse error, expecting value");
    check("[}", "E:JSON parse error, expecting value");
    check("{\"a\": 1}}", "V:{\"a\": 1}|E:JSON parse error, expecting value");
}

static void test_premature_eoi(void)
{
    check("{", "E:JSON parse error, premature EOI");
    check("[", "E:JSON parse error, premature EOI");
    check("{\"a\"", "E:JSON parse error, premature EOI");
    check("{\"a\":", "E:JSON parse error, premature EOI");
    check("{\"a\": 1", "E:JSON parse error, premature EOI");
    check("{\"a\": 1,", "E:JSON parse error, premature EOI");
    check("[1, [2]", "E:JSON parse error, premature EOI");
    /* an unterminated string is a lexical error at the end */
    check("\"abc", "E:JSON parse error, stray '\"abc'");
    check("{\"a\": \"b", "E:JSON parse error, stray '\"b'");
}

/* Nothing is reported before the message is complete. */
static void test_incremental(void)
{
    g_autofree char *a = run_stream("{\"a\": [1, 2", 11, 1, false);
    g_autofree char *b = run_stream("42", 2, 1, false);
    g_autofree char *c = run_stream("42 ", 3, 1, false);
    g_autofree char *d = run_stream("\"s\"", 3, 1, false);
    g_autofree char *e = run_stream("tru", 3, 0, false);
    g_autofree char *f = run_stream("{\"a\": tru", 9, 0, false);

    g_assert_cmpstr(a, ==, "");
    /* a top-level scalar needs the next byte ... */
    g_assert_cmpstr(b, ==, "");
    g_assert_cmpstr(c, ==, "V:42");
    /* ... but a string or bracket ends by itself */
    g_assert_cmpstr(d, ==, "V:\"s\"");
    g_assert_cmpstr(e, ==, "");
    /* errors inside a message wait for the message to end */
    g_assert_cmpstr(f, ==, "");
    check("{\"a\": tru}\n{\"b\": 2}",
          "E:JSON parse error, invalid keyword 'tru'|V:{\"b\": 2}");
}

static void test_resync(void)
{
    /* garbage inside a message: the rest of it produces more errors */
    check("{\"a\": @}{\"b\": 1}", "E:JSON parse error, stray '@'|"
          "E:JSON parse error, expecting value|V:{\"b\": 1}");
    /* skipping stops at structural characters */
    check("@@@ xyz {\"b\": 1}", "E:JSON parse error, stray '@'|"
          "V:{\"b\": 1}");
    /* ... and at control characters and 0xFE/0xFF */
    check("\"abc\x1b{\"x\": 1}", "E:JSON parse error, stray '\"abc\x1b'|"
          "V:{\"x\": 1}");
    check("@ab\ncd\n{}", "E:JSON parse error, stray '@'|"
          "E:JSON parse error, invalid keyword 'cd'|V:{}");
    check("@ab\tcd{}", "E:JSON parse error, stray '@'|V:{}");
    check("@ab\xff{}", "E:JSON parse error, stray '@'|"
          "E:JSON parse error, stray '\xff'|V:{}");
    check("@ab\xfe{}", "E:JSON parse error, stray '@'|"
          "E:JSON parse error, stray '\xfe'|V:{}");
    check("@ab\x1b{}", "E:JSON parse error, stray '@'|"
          "E:JSON parse error, stray '\x1b'|V:{}");
    /* an error inside an object discards what was collected */
    check("{\"a\": [1, 2, \x01 {\"c\": 3}", "E:JSON parse error, stray '\x01'|"
          "V:{\"c\": 3}");
}

static void test_reset(void)
{
    Results r = { g_ptr_array_new_with_free_func(g_free) };
    JsonStreamParser *p = json_stream_parser_new(collect, &r);

    json_stream_parser_feed(p, "{\"a\": [1, \"xy", 13);
    json_stream_parser_reset(p);
    json_stream_parser_feed(p, "{\"b\": 2}", 8);
    json_stream_parser_flush(p);
    json_stream_parser_free(p);
    g_assert_cmpuint(r.lines->len, ==, 1);
    g_assert_cmpstr(r.lines->pdata[0], ==, "V:{\"b\": 2}");
    g_ptr_array_free(r.lines, TRUE);
}

static void test_parse_text(void)
{
    GError *err = NULL;
    JsonNode *node;

    node = json_parse_string("  {\"a\": 1}  ", &err);
    g_assert_no_error(err);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
    json_node_unref(node);

    node = json_parse_string("1 2", &err);
    g_assert_null(node);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, "Expecting at most one JSON value");
    g_clear_error(&err);

    node = json_parse_string("  ", &err);
    g_assert_null(node);
    g_assert_cmpstr(err->message, ==, "Expecting a JSON value");
    g_clear_error(&err);

    node = json_parse_string("[1", &err);
    g_assert_null(node);
    g_assert_cmpstr(err->message, ==, "JSON parse error, premature EOI");
    g_clear_error(&err);

    node = json_parse_text("[1]xyz", 3, &err);
    g_assert_no_error(err);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(node));
    json_node_unref(node);
}

static GString *nested(guint depth)
{
    GString *s = g_string_new(NULL);
    guint i;

    for (i = 0; i < depth; i++) {
        g_string_append_c(s, i % 2 ? '[' : '{');
        if (!(i % 2)) {
            g_string_append(s, "\"k\":");
        }
    }
    g_string_append(s, "1");
    for (i = depth; i > 0; i--) {
        g_string_append_c(s, (i - 1) % 2 ? ']' : '}');
    }
    return s;
}

static void test_limit_nesting(void)
{
    g_autoptr(GString) ok = nested(1024);
    g_autoptr(GString) bad = g_string_new(NULL);
    g_autofree char *got_ok = run_stream(ok->str, ok->len, 0, true);
    g_autofree char *got_bad = NULL;
    guint i;

    g_assert_true(g_str_has_prefix(got_ok, "V:{\"k\": [{\"k\": [{"));
    for (i = 0; i < 1025; i++) {
        g_string_append_c(bad, '[');
    }
    g_string_append(bad, " {\"x\": 1}");
    got_bad = run_stream(bad->str, bad->len, 0, true);
    g_assert_cmpstr(got_bad, ==, "E:JSON nesting depth limit exceeded|"
                    "V:{\"x\": 1}");
}

static void test_limit_count(void)
{
    g_autoptr(GString) s = g_string_new("[");
    g_autofree char *got = NULL;
    guint i;

    /* '[' + 1048575 elements + 1048574 commas + ']' = 2097151 tokens */
    for (i = 0; i < 1048575; i++) {
        g_string_append(s, i ? ",1" : "1");
    }
    g_string_append(s, "]");
    {
        GError *err = NULL;
        JsonNode *node = json_parse_text(s->str, s->len, &err);

        g_assert_no_error(err);
        g_assert_cmpuint(json_array_get_length(json_node_get_array(node)),
                         ==, 1048575);
        json_node_unref(node);
    }
    /* one more element and the closing ']' is token 2097153 */
    g_string_truncate(s, s->len - 1);
    g_string_append(s, ",1]{}");
    got = run_stream(s->str, s->len, 0, true);
    g_assert_cmpstr(got, ==, "E:JSON token count limit exceeded|V:{}");
}

static void test_limit_size(void)
{
    const size_t max = 64u << 20;
    GString *s = g_string_sized_new(max + 64);
    char *got;

    /* one token longer than the limit: stopped while it is being read */
    g_string_append_c(s, '"');
    g_string_set_size(s, max + 1);
    memset(s->str + 1, 'a', max);
    g_string_append(s, "\"\n{\"ok\": 1}");
    got = run_stream(s->str, s->len, 0, true);
    g_assert_cmpstr(got, ==, "E:JSON token size limit exceeded|V:{\"ok\": 1}");
    g_free(got);

    /* many tokens that together exceed the limit */
    g_string_assign(s, "[");
    while (s->len < max + 16) {
        g_string_append(s, "\"");
        g_string_set_size(s, s->len + (1u << 20));
        memset(s->str + s->len - (1u << 20), 'b', 1u << 20);
        g_string_append(s, "\",");
    }
    g_string_append(s, "1]");
    got = run_stream(s->str, s->len, 0, true);
    /* the rest of the list then arrives outside any message */
    g_assert_true(g_str_has_prefix(got, "E:JSON token size limit exceeded|"));
    g_free(got);

    /* exactly at the limit is fine */
    g_string_assign(s, "\"");
    g_string_set_size(s, max - 1);
    memset(s->str + 1, 'c', max - 2);
    g_string_append_c(s, '"');
    g_assert_cmpuint(s->len, ==, max);
    {
        GError *err = NULL;
        JsonNode *node = json_parse_text(s->str, s->len, &err);

        g_assert_no_error(err);
        g_assert_cmpuint(strlen(json_node_get_string(node)), ==, max - 2);
        json_node_unref(node);
    }
    g_string_free(s, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-parser/scalars", test_scalars);
    g_test_add_func("/json-parser/containers", test_containers);
    g_test_add_func("/json-parser/member-order", test_member_order);
    g_test_add_func("/json-parser/numbers", test_numbers);
    g_test_add_func("/json-parser/number-errors", test_number_errors);
    g_test_add_func("/json-parser/keywords", test_keywords);
    g_test_add_func("/json-parser/strings", test_strings);
    g_test_add_func("/json-parser/string-errors", test_string_errors);
    g_test_add_func("/json-parser/utf8-errors", test_utf8_errors);
    g_test_add_func("/json-parser/structure-errors", test_structure_errors);
    g_test_add_func("/json-parser/premature-eoi", test_premature_eoi);
    g_test_add_func("/json-parser/incremental", test_incremental);
    g_test_add_func("/json-parser/resync", test_resync);
    g_test_add_func("/json-parser/reset", test_reset);
    g_test_add_func("/json-parser/parse-text", test_parse_text);
    g_test_add_func("/json-parser/limit/nesting", test_limit_nesting);
    g_test_add_func("/json-parser/limit/count", test_limit_count);
    g_test_add_func("/json-parser/limit/size", test_limit_size);
    return g_test_run();
}

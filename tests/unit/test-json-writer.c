/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the JSON writer: string escapes, compact and pretty
 * layout, number formatting, and parse/write round trips.
 */
#include "qemu/osdep.h"

#include <math.h>

#include "qobject/json-parser.h"
#include "qobject/json-writer.h"

static void check_str(const char *in, const char *expected)
{
    g_autoptr(GString) out = g_string_new(NULL);

    json_writer_append_quoted(out, in);
    g_assert_cmpstr(out->str, ==, expected);
}

static void test_escapes(void)
{
    check_str("", "\"\"");
    check_str("plain text /~", "\"plain text /~\"");
    check_str("\"\\", "\"\\\"\\\\\"");
    check_str("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
    check_str("\x01\x1b\x1f\x7f", "\"\\u0001\\u001B\\u001F\\u007F\"");
    check_str("'", "\"'\"");
    /* non-ASCII: upper-case hex, surrogate pairs beyond the BMP */
    check_str("\xc3\xa9", "\"\\u00E9\"");
    check_str("\xe2\x82\xac", "\"\\u20AC\"");
    check_str("\xef\xbf\xbd", "\"\\uFFFD\"");
    check_str("\xf0\x9f\x98\x80", "\"\\uD83D\\uDE00\"");
    check_str("\xf4\x8f\xbf\xbf", "\"\\uDBFF\\uDFFF\"");
    /* U+0000 in the parser's tree encoding */
    check_str("a\xc0\x80" "b", "\"a\\u0000b\"");
    /* invalid UTF-8 becomes U+FFFD */
    check_str("\x80", "\"\\uFFFD\"");
    check_str("a\xffz", "\"a\\uFFFDz\"");
    check_str("\xe2\x82", "\"\\uFFFD\"");
    check_str("\xe2\x82x", "\"\\uFFFDx\"");
    check_str("\xc1\x81", "\"\\uFFFD\"");
    check_str("\xed\xa0\x80", "\"\\uFFFD\"");
    check_str("\xf4\x90\x80\x80", "\"\\uFFFD\"");
}

static char *write_double(double d)
{
    g_autoptr(JsonWriter) w = json_writer_new(false);

    json_writer_double(w, NULL, d);
    return g_strdup(json_writer_get(w));
}

static void check_double(double d, const char *expected)
{
    g_autofree char *got = write_double(d);

    g_assert_cmpstr(got, ==, expected);
}

static void test_numbers(void)
{
    g_autoptr(JsonWriter) w = json_writer_new(false);
    static const double samples[] = {
        0.1, 1.0 / 3, -2.5e-10, 6.02214076e23, 1e300, 5e-324,
        1.7976931348623157e308, 123456.789, -0.000001,
    };
    size_t i;

    json_writer_start_list(w, NULL);
    json_writer_int64(w, NULL, INT64_MIN);
    json_writer_int64(w, NULL, INT64_MAX);
    json_writer_int64(w, NULL, 0);
    json_writer_uint64(w, NULL, UINT64_MAX);
    json_writer_end_list(w);
    g_assert_cmpstr(json_writer_get(w), ==,
                    "[-9223372036854775808, 9223372036854775807, 0, "
                    "18446744073709551615]");

    check_double(0.1, "0.1");
    check_double(1.5, "1.5");
    check_double(-0.25, "-0.25");
    check_double(1.0 / 3, "0.3333333333333333");
    check_double(0.1 + 0.2, "0.30000000000000004");
    check_double(1e300, "1e+300");
    check_double(0.0, "0");
    check_double(-0.0, "-0");
    /* integral doubles print as integers in [-2^63, 2^64) */
    check_double(1000.0, "1000");
    check_double(-1e18, "-1000000000000000000");
    check_double(9223372036854775808.0, "9223372036854775808");
    check_double(18446744073709549568.0, "18446744073709549568");
    check_double(-9223372036854775808.0, "-9223372036854775808");
    check_double(18446744073709551616.0, "1.8446744073709552e+19");
    check_double(INFINITY, "1.7976931348623157e+308");
    check_double(-INFINITY, "-1.7976931348623157e+308");
    check_double(NAN, "0");

    /* every written double reads back exactly, with <= 17 digits */
    for (i = 0; i < ARRAY_SIZE(samples); i++) {
        g_autofree char *text = write_double(samples[i]);
        const char *p;
        int digits = 0;

        g_assert_cmpfloat(g_ascii_strtod(text, NULL), ==, samples[i]);
        for (p = text; *p && *p != 'e'; p++) {
            digits += g_ascii_isdigit(*p);
        }
        g_assert_cmpint(digits, <=, 17);
    }
}

static void test_compact(void)
{
    g_autoptr(JsonWriter) w = json_writer_new(false);

    json_writer_start_object(w, NULL);
    json_writer_start_object(w, "return");
    json_writer_end_object(w);
    json_writer_start_list(w, "empty");
    json_writer_end_list(w);
    json_writer_start_list(w, "list");
    json_writer_bool(w, NULL, true);
    json_writer_null(w, NULL);
    json_writer_str(w, NULL, "s");
    json_writer_start_object(w, NULL);
    json_writer_int64(w, "n", -1);
    json_writer_str(w, "nil", NULL);
    json_writer_end_object(w);
    json_writer_end_list(w);
    json_writer_bool(w, "f", false);
    json_writer_end_object(w);
    g_assert_cmpstr(json_writer_get(w), ==,
                    "{\"return\": {}, \"empty\": [], \"list\": [true, null, "
                    "\"s\", {\"n\": -1, \"nil\": null}], \"f\": false}");
    g_assert_cmpuint(json_writer_get_len(w), ==, strlen(json_writer_get(w)));
}

static void test_pretty(void)
{
    g_autoptr(JsonWriter) w = json_writer_new(true);
    JsonWriter *w2 = json_writer_new(true);
    char *text;

    json_writer_start_object(w, NULL);
    json_writer_start_object(w, "return");
    json_writer_end_object(w);
    json_writer_start_list(w, "list");
    json_writer_int64(w, NULL, 1);
    json_writer_start_object(w, NULL);
    json_writer_str(w, "a", "b");
    json_writer_end_object(w);
    json_writer_end_list(w);
    json_writer_end_object(w);
    g_assert_cmpstr(json_writer_get(w), ==,
                    "{\r\n"
                    "    \"return\": {},\r\n"
                    "    \"list\": [\r\n"
                    "        1,\r\n"
                    "        {\r\n"
                    "            \"a\": \"b\"\r\n"
                    "        }\r\n"
                    "    ]\r\n"
                    "}");

    json_writer_start_object(w2, NULL);
    json_writer_end_object(w2);
    text = json_writer_steal(w2);
    g_assert_cmpstr(text, ==, "{}");
    g_free(text);
}

static void test_nodes(void)
{
    const char *in = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, "
                     "\"minor\": 2, \"major\": 10}, \"package\": \"\"}, "
                     "\"capabilities\": [\"oob\"]}}";
    GError *err = NULL;
    g_autoptr(JsonNode) node = json_parse_string(in, &err);
    g_autofree char *compact = NULL;
    g_autofree char *pretty = NULL;
    g_autoptr(GString) appended = g_string_new("x");
    g_autoptr(JsonNode) big = json_parse_string("[18446744073709551615, "
                                                "9223372036854775808, 1.25, "
                                                "'\\u00e9\\n']", &err);
    g_autofree char *big_text = NULL;

    g_assert_no_error(err);
    compact = json_writer_node_to_string(node, false);
    g_assert_cmpstr(compact, ==, in);
    pretty = json_writer_node_to_string(node, true);
    g_assert_cmpstr(pretty, ==,
                    "{\r\n"
                    "    \"QMP\": {\r\n"
                    "        \"version\": {\r\n"
                    "            \"qemu\": {\r\n"
                    "                \"micro\": 2,\r\n"
                    "                \"minor\": 2,\r\n"
                    "                \"major\": 10\r\n"
                    "            },\r\n"
                    "            \"package\": \"\"\r\n"
                    "        },\r\n"
                    "        \"capabilities\": [\r\n"
                    "            \"oob\"\r\n"
                    "        ]\r\n"
                    "    }\r\n"
                    "}");
    json_writer_append_node(appended, node, false);
    g_assert_cmpstr(appended->str + 1, ==, in);

    /* uint64 values above INT64_MAX survive as integral doubles */
    big_text = json_writer_node_to_string(big, false);
    g_assert_cmpstr(big_text, ==, "[1.8446744073709552e+19, "
                    "9223372036854775808, 1.25, \"\\u00E9\\n\"]");

    {
        g_autoptr(JsonWriter) w = json_writer_new(false);

        json_writer_start_object(w, NULL);
        json_writer_node(w, "none", NULL);
        json_writer_node(w, "tree", node);
        json_writer_end_object(w);
        g_assert_true(g_str_has_prefix(json_writer_get(w),
                                       "{\"none\": null, \"tree\": {\"QMP\""));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-writer/escapes", test_escapes);
    g_test_add_func("/json-writer/numbers", test_numbers);
    g_test_add_func("/json-writer/compact", test_compact);
    g_test_add_func("/json-writer/pretty", test_pretty);
    g_test_add_func("/json-writer/nodes", test_nodes);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/cutils.c: strict integer parsing, sizes with
 * suffixes, option-value conversions and their messages, identifiers.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

typedef struct SizeCase {
    const char *str;
    int ret;                /* 0, -EINVAL, -ERANGE */
    uint64_t value;
} SizeCase;

static const SizeCase size_cases[] = {
    { "0", 0, 0 },
    { "12345", 0, 12345 },
    { "1B", 0, 1 },
    { "1b", 0, 1 },
    { "1k", 0, 1024 },
    { "1K", 0, 1024 },
    { "2M", 0, 2ULL << 20 },
    { "3g", 0, 3ULL << 30 },
    { "4T", 0, 4ULL << 40 },
    { "5P", 0, 5ULL << 50 },
    { "7E", 0, 7ULL << 60 },
    { "1.5G", 0, 3ULL << 29 },
    { "0.5k", 0, 512 },
    { "1.25M", 0, 1310720 },
    { "0x10", 0, 16 },
    { "0X1f", 0, 31 },
    { "0x1B", 0, 27 },      /* 'B' is a hex digit here, not a suffix */
    { "18446744073709551615", 0, UINT64_MAX },
    { "0xffffffffffffffff", 0, UINT64_MAX },
    { "15.9999999999E", 0, 0 },     /* value checked separately */
    { "", -EINVAL, 0 },
    { "x", -EINVAL, 0 },
    { "-1", -EINVAL, 0 },
    { " 1", -EINVAL, 0 },
    { "1 ", -EINVAL, 0 },
    { "0x20M", -EINVAL, 0 },
    { "0x", -EINVAL, 0 },
    { "0x1.8", -EINVAL, 0 },
    { "1.5", -EINVAL, 0 },
    { "1.5B", -EINVAL, 0 },
    { "1.", -EINVAL, 0 },
    { ".5k", -EINVAL, 0 },
    { "1KB", -EINVAL, 0 },
    { "1Q", -EINVAL, 0 },
    { "16E", -ERANGE, 0 },
    { "18446744073709551616", -ERANGE, 0 },
    { "99999999999999999999999", -ERANGE, 0 },
    { "0x10000000000000000", -ERANGE, 0 },
    { "16384P", -ERANGE, 0 },
};

static void test_strtosz_table(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
        const SizeCase *c = &size_cases[i];
        uint64_t v = 0xdeadbeef;
        int ret = qemu_strtosz_unit(c->str, NULL, 1, &v);

        g_test_message("size '%s'", c->str);
        g_assert_cmpint(ret, ==, c->ret);
        if (ret == 0 && c->value) {
            g_assert_cmpuint(v, ==, c->value);
        }
        if (ret != 0) {
            g_assert_cmpuint(v, ==, 0xdeadbeef);    /* untouched */
        }
    }
}

static void test_strtosz_fraction_precision(void)
{
    uint64_t v;

    /* Just below 16 EiB must stay in range and be below 2^64. */
    g_assert_cmpint(qemu_strtosz_unit("15.9999999999E", NULL, 1, &v), ==, 0);
    g_assert_cmpuint(v, >, 15ULL << 60);
    /* Fractions round down to whole bytes. */
    g_assert_cmpint(qemu_strtosz_unit("1.0001k", NULL, 1, &v), ==, 0);
    g_assert_cmpuint(v, ==, 1024);
}

static void test_strtosz_end(void)
{
    const char *end;
    uint64_t v;

    g_assert_cmpint(qemu_strtosz_unit("4k,next", &end, 1, &v), ==, 0);
    g_assert_cmpuint(v, ==, 4096);
    g_assert_cmpstr(end, ==, ",next");

    g_assert_cmpint(qemu_strtosz_unit("0x10 rest", &end, 1, &v), ==, 0);
    g_assert_cmpuint(v, ==, 16);
    g_assert_cmpstr(end, ==, " rest");

    /* A hex number may not run into a suffix even with an end pointer. */
    g_assert_cmpint(qemu_strtosz_unit("0x10k", &end, 1, &v), ==, -EINVAL);
}

static void test_strtosz_default_unit(void)
{
    g_autoptr(GError) err = NULL;
    uint64_t v;

    g_assert_true(qemu_strtosz_MiB("128", &v, &err));
    g_assert_cmpuint(v, ==, 128ULL << 20);
    g_assert_true(qemu_strtosz_MiB("1G", &v, &err));
    g_assert_cmpuint(v, ==, 1ULL << 30);
    g_assert_true(qemu_strtosz_MiB("0.5", &v, &err));
    g_assert_cmpuint(v, ==, 512 * 1024);
    g_assert_true(qemu_strtosz_MiB("0x10", &v, &err));
    g_assert_cmpuint(v, ==, 16ULL << 20);
    g_assert_true(qemu_strtosz_MiB("100B", &v, &err));
    g_assert_cmpuint(v, ==, 100);
    g_assert_no_error(err);

    g_assert_false(qemu_strtosz_MiB("17592186044416", &v, &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==,
                    "size value '17592186044416' is too large");
}

static void test_strtosz_errors(void)
{
    g_autoptr(GError) err = NULL;
    uint64_t v;

    g_assert_true(qemu_strtosz("1.5G", &v, &err));
    g_assert_cmpuint(v, ==, 1610612736);
    g_assert_false(qemu_strtosz("0x20M", &v, &err));
    g_assert_cmpstr(err->message, ==, "invalid size value '0x20M'");
    g_clear_error(&err);
    g_assert_false(qemu_strtosz("16E", &v, &err));
    g_assert_cmpstr(err->message, ==, "size value '16E' is too large");
}

static void test_parse_option_size(void)
{
    g_autoptr(GError) err = NULL;
    uint64_t v = 7;
    const char *nl;

    g_assert_true(parse_option_size("size", "64k", &v, &err));
    g_assert_cmpuint(v, ==, 65536);
    g_assert_no_error(err);

    g_assert_false(parse_option_size("size", "0x20M", &v, &err));
    g_assert_cmpuint(v, ==, 65536);
    nl = strchr(err->message, '\n');
    g_assert_nonnull(nl);
    g_assert_cmpint(nl - err->message, ==,
                    strlen("Parameter 'size' expects a non-negative number "
                           "below 2^64"));
    g_assert_true(g_str_has_prefix(err->message,
                  "Parameter 'size' expects a non-negative number below "
                  "2^64\n"));
    /* The hint explains the suffixes on one line of its own. */
    g_assert_nonnull(strstr(nl + 1, "k, M, G, T, P or E"));
    g_assert_null(strchr(nl + 1, '\n'));
    g_clear_error(&err);

    g_assert_false(parse_option_size("mem", "20000000000000000000", &v,
                                     &err));
    g_assert_cmpstr(err->message, ==, "Value '20000000000000000000' is out "
                    "of range for parameter 'mem'");
    g_clear_error(&err);

    g_assert_false(parse_option_size("mem", "foo", &v, &err));
    g_assert_true(g_str_has_prefix(err->message, "Parameter 'mem' expects"));
}

static void test_parse_option_bool(void)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    g_autoptr(GError) err = NULL;
    bool b;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        b = false;
        g_assert_true(parse_option_bool("k", yes[i], &b, &err));
        g_assert_true(b);
        g_assert_true(parse_option_bool("k", no[i], &b, &err));
        g_assert_false(b);
    }
    g_assert_no_error(err);
    g_assert_false(parse_option_bool("server", "maybe", &b, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'server' expects 'on' or 'off'");
    g_clear_error(&err);
    g_assert_false(parse_option_bool("server", "ON", &b, &err));
    g_clear_error(&err);
    g_assert_false(parse_option_bool("server", "", &b, &err));
}

static void test_parse_option_number(void)
{
    g_autoptr(GError) err = NULL;
    uint64_t v;

    g_assert_true(parse_option_number("n", "42", &v, &err));
    g_assert_cmpuint(v, ==, 42);
    g_assert_true(parse_option_number("n", "0x10", &v, &err));
    g_assert_cmpuint(v, ==, 16);
    g_assert_no_error(err);
    g_assert_false(parse_option_number("n", "4k", &v, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'n' expects a number");
    g_clear_error(&err);
    g_assert_false(parse_option_number("n", "-1", &v, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'n' expects a number");
    g_clear_error(&err);
    g_assert_false(parse_option_number("n", "18446744073709551616", &v,
                                       &err));
    g_assert_cmpstr(err->message, ==, "Value '18446744073709551616' is out "
                    "of range for parameter 'n'");
}

static void test_strtou64(void)
{
    const char *end;
    uint64_t v = 5;

    g_assert_true(qemu_strtou64("123", NULL, 10, &v));
    g_assert_cmpuint(v, ==, 123);
    g_assert_true(qemu_strtou64("0x7f", NULL, 0, &v));
    g_assert_cmpuint(v, ==, 127);
    g_assert_true(qemu_strtou64("010", NULL, 0, &v));
    g_assert_cmpuint(v, ==, 8);
    g_assert_true(qemu_strtou64("ff", NULL, 16, &v));
    g_assert_cmpuint(v, ==, 255);
    g_assert_true(qemu_strtou64("18446744073709551615", NULL, 10, &v));
    g_assert_cmpuint(v, ==, UINT64_MAX);

    v = 5;
    g_assert_false(qemu_strtou64("-1", NULL, 10, &v));
    g_assert_cmpint(errno, ==, EINVAL);
    g_assert_false(qemu_strtou64("18446744073709551616", NULL, 10, &v));
    g_assert_cmpint(errno, ==, ERANGE);
    g_assert_false(qemu_strtou64("12x", NULL, 10, &v));
    g_assert_cmpint(errno, ==, EINVAL);
    g_assert_false(qemu_strtou64("", NULL, 10, &v));
    g_assert_false(qemu_strtou64(" 1", NULL, 10, &v));
    g_assert_false(qemu_strtou64(NULL, NULL, 10, &v));
    g_assert_cmpuint(v, ==, 5);

    g_assert_true(qemu_strtou64("12x", &end, 10, &v));
    g_assert_cmpuint(v, ==, 12);
    g_assert_cmpstr(end, ==, "x");
    g_assert_false(qemu_strtou64("x", &end, 10, &v));
    g_assert_cmpstr(end, ==, "x");
}

static void test_strtoi(void)
{
    int64_t v64;
    int v;
    unsigned int u;

    g_assert_true(qemu_strtoi64("-42", NULL, 10, &v64));
    g_assert_cmpint(v64, ==, -42);
    g_assert_true(qemu_strtoi64("-9223372036854775808", NULL, 10, &v64));
    g_assert_cmpint(v64, ==, INT64_MIN);
    g_assert_false(qemu_strtoi64("9223372036854775808", NULL, 10, &v64));
    g_assert_cmpint(errno, ==, ERANGE);
    g_assert_false(qemu_strtoi64("-", NULL, 10, &v64));
    g_assert_cmpint(errno, ==, EINVAL);
    g_assert_false(qemu_strtoi64("+1", NULL, 10, &v64));

    g_assert_true(qemu_strtoi("-2147483648", NULL, 10, &v));
    g_assert_cmpint(v, ==, INT_MIN);
    g_assert_false(qemu_strtoi("2147483648", NULL, 10, &v));
    g_assert_cmpint(errno, ==, ERANGE);
    g_assert_true(qemu_strtoui("4294967295", NULL, 10, &u));
    g_assert_cmpuint(u, ==, UINT_MAX);
    g_assert_false(qemu_strtoui("4294967296", NULL, 10, &u));
    g_assert_cmpint(errno, ==, ERANGE);
}

static void test_id_wellformed(void)
{
    g_assert_true(id_wellformed("a"));
    g_assert_true(id_wellformed("char0"));
    g_assert_true(id_wellformed("mig.mem"));
    g_assert_true(id_wellformed("A-b_c.9"));
    g_assert_false(id_wellformed(""));
    g_assert_false(id_wellformed(NULL));
    g_assert_false(id_wellformed("0a"));
    g_assert_false(id_wellformed("_a"));
    g_assert_false(id_wellformed("a b"));
    g_assert_false(id_wellformed("a/b"));
    g_assert_false(id_wellformed("a,b"));
}

static void test_misc(void)
{
    const char *rest = NULL;

    g_assert_true(strstart("unix:/tmp/x", "unix:", &rest));
    g_assert_cmpstr(rest, ==, "/tmp/x");
    g_assert_false(strstart("tcp:x", "unix:", &rest));
    g_assert_cmpstr(rest, ==, "/tmp/x");
    g_assert_true(strstart("abc", "", NULL));
    g_assert_true(is_help_option("help"));
    g_assert_true(is_help_option("?"));
    g_assert_false(is_help_option("Help"));
    g_assert_false(is_help_option(NULL));
    g_assert_true(is_power_of_2(1));
    g_assert_true(is_power_of_2(1ULL << 63));
    g_assert_false(is_power_of_2(0));
    g_assert_false(is_power_of_2(6));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtosz/table", test_strtosz_table);
    g_test_add_func("/cutils/strtosz/fraction-precision",
                    test_strtosz_fraction_precision);
    g_test_add_func("/cutils/strtosz/end", test_strtosz_end);
    g_test_add_func("/cutils/strtosz/default-unit", test_strtosz_default_unit);
    g_test_add_func("/cutils/strtosz/errors", test_strtosz_errors);
    g_test_add_func("/cutils/parse-option/size", test_parse_option_size);
    g_test_add_func("/cutils/parse-option/bool", test_parse_option_bool);
    g_test_add_func("/cutils/parse-option/number", test_parse_option_number);
    g_test_add_func("/cutils/strtou64", test_strtou64);
    g_test_add_func("/cutils/strtoi", test_strtoi);
    g_test_add_func("/cutils/id-wellformed", test_id_wellformed);
    g_test_add_func("/cutils/misc", test_misc);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/error-report.c: the "prog: [location: ]message"
 * format of error_report(), the warning/info prefixes, the command-line
 * location, error_report_err() and error_printf(), all read back from a
 * redirected stderr.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qapi/error.h"

/* ---- stderr redirected to a temporary file ---- */

typedef struct Capture {
    int saved_fd;
    int tmp_fd;
    char *path;
} Capture;

static void capture_begin(Capture *c)
{
    GError *err = NULL;

    fflush(stderr);
    c->tmp_fd = g_file_open_tmp("test-error-report-XXXXXX", &c->path, &err);
    g_assert_no_error(err);
    c->saved_fd = dup(STDERR_FILENO);
    g_assert_cmpint(c->saved_fd, >=, 0);
    g_assert_cmpint(dup2(c->tmp_fd, STDERR_FILENO), ==, STDERR_FILENO);
}

/* Restore stderr; returns everything written meanwhile (caller frees). */
static char *capture_end(Capture *c)
{
    char *text = NULL;

    fflush(stderr);
    g_assert_cmpint(dup2(c->saved_fd, STDERR_FILENO), ==, STDERR_FILENO);
    close(c->saved_fd);
    close(c->tmp_fd);
    g_assert_true(g_file_get_contents(c->path, &text, NULL, NULL));
    unlink(c->path);
    g_free(c->path);
    return text;
}

#define PROG "qemu-system-cr16"

static void test_default_progname(void)
{
    g_assert_cmpstr(error_progname, ==, PROG);
}

static void test_error_report_plain(void)
{
    Capture c;
    g_autofree char *out = NULL;

    loc_clear();
    capture_begin(&c);
    error_report("cannot do %s with %d", "this", 42);
    out = capture_end(&c);
    g_assert_cmpstr(out, ==, PROG ": cannot do this with 42\n");
}

static void test_prefixes(void)
{
    Capture c;
    g_autofree char *out = NULL;

    loc_clear();
    capture_begin(&c);
    warn_report("deprecated %s", "thing");
    info_report("note %u", 3u);
    error_report("broken");
    out = capture_end(&c);
    g_assert_cmpstr(out, ==,
                    PROG ": warning: deprecated thing\n"
                    PROG ": info: note 3\n"
                    PROG ": broken\n");
}

static void test_location(void)
{
    Capture c;
    g_autofree char *out = NULL;

    capture_begin(&c);
    loc_set_cmdline("-m", "foo");
    error_report("Parameter 'size' expects a non-negative number");
    warn_report("odd");
    info_report("fyi");
    /* An option without argument. */
    loc_set_cmdline("-S", NULL);
    error_report("x");
    /* Replaced by the next option. */
    loc_set_cmdline("-chardev", "socket,id=x,foo=1");
    error_report("Invalid parameter 'foo'");
    loc_clear();
    error_report("no location");
    /* Clearing twice is harmless. */
    loc_clear();
    out = capture_end(&c);
    g_assert_cmpstr(out, ==,
                    PROG ": -m foo: Parameter 'size' expects a non-negative "
                    "number\n"
                    PROG ": -m foo: warning: odd\n"
                    PROG ": -m foo: info: fyi\n"
                    PROG ": -S: x\n"
                    PROG ": -chardev socket,id=x,foo=1: Invalid parameter "
                    "'foo'\n"
                    PROG ": no location\n");
}

static void test_progname(void)
{
    const char *saved = error_progname;
    Capture c;
    g_autofree char *out = NULL;

    error_progname = "my-qemu";
    loc_clear();
    capture_begin(&c);
    error_report("boom");
    out = capture_end(&c);
    error_progname = saved;
    g_assert_cmpstr(out, ==, "my-qemu: boom\n");
}

static void test_hint_lines_and_printf(void)
{
    Capture c;
    g_autofree char *out = NULL;

    loc_clear();
    capture_begin(&c);
    /* Extra lines of a message come out without a prefix. */
    error_report("%s", "Parameter 'id' expects an identifier\n"
                 "Identifiers consist of letters");
    error_printf("raw %d", 1);
    error_printf(" text\n");
    /* A "%" in the message argument is not a format. */
    error_report("%s", "100%s done");
    out = capture_end(&c);
    g_assert_cmpstr(out, ==,
                    PROG ": Parameter 'id' expects an identifier\n"
                    "Identifiers consist of letters\n"
                    "raw 1 text\n"
                    PROG ": 100%s done\n");
}

static void test_error_report_err(void)
{
    Capture c;
    g_autofree char *out = NULL;
    GError *err = NULL;

    error_setg(&err, "Could not open '%s'", "/no/such");
    loc_set_cmdline("-kernel", "/no/such");
    capture_begin(&c);
    error_report_err(err);
    /* NULL is ignored. */
    error_report_err(NULL);
    out = capture_end(&c);
    loc_clear();
    g_assert_cmpstr(out, ==, PROG ": -kernel /no/such: Could not open "
                    "'/no/such'\n");
}

static void test_long_message(void)
{
    Capture c;
    g_autofree char *out = NULL;
    g_autofree char *big = g_strnfill(20000, 'x');
    g_autofree char *want = g_strdup_printf(PROG ": %s\n", big);

    loc_clear();
    capture_begin(&c);
    error_report("%s", big);
    out = capture_end(&c);
    g_assert_cmpstr(out, ==, want);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/error-report/progname/default", test_default_progname);
    g_test_add_func("/error-report/format/plain", test_error_report_plain);
    g_test_add_func("/error-report/format/prefixes", test_prefixes);
    g_test_add_func("/error-report/format/location", test_location);
    g_test_add_func("/error-report/format/progname", test_progname);
    g_test_add_func("/error-report/format/hints-and-printf",
                    test_hint_lines_and_printf);
    g_test_add_func("/error-report/error-report-err", test_error_report_err);
    g_test_add_func("/error-report/long-message", test_long_message);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/qemu-option.c: the QemuOpts dialect (implied key,
 * escaping, id, duplicates, merging, typed values, short-form booleans,
 * help) and the accessors.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

static QemuOptsList opts_list_01 = {
    .name = "opts_list_01",
    .implied_opt_name = "backend",
    .desc = {
        { .name = "backend", .type = QEMU_OPT_STRING },
        { .name = "str1", .type = QEMU_OPT_STRING },
        { .name = "str2", .type = QEMU_OPT_STRING, .def_value_str = "dflt" },
        { .name = "bool1", .type = QEMU_OPT_BOOL },
        { .name = "bool2", .type = QEMU_OPT_BOOL, .def_value_str = "on" },
        { .name = "number1", .type = QEMU_OPT_NUMBER },
        { .name = "number2", .type = QEMU_OPT_NUMBER, .def_value_str = "9" },
        { .name = "size1", .type = QEMU_OPT_SIZE },
        { .name = "nodelay", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

/* Merging list, like -smp or -name. */
static QemuOptsList opts_list_merge = {
    .name = "merged",
    .implied_opt_name = "guest",
    .merge_lists = true,
    .desc = {
        { .name = "guest", .type = QEMU_OPT_STRING },
        { .name = "a", .type = QEMU_OPT_STRING },
        { .name = "b", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

/* Accepts any key (like -object); checked later with qemu_opts_validate. */
static QemuOptsList opts_list_any = {
    .name = "object",
    .implied_opt_name = "qom-type",
    .desc = { { NULL } },
};

/* Duplicate ids left to the consumer (like -object). */
static QemuOptsList opts_list_dup = {
    .name = "dup",
    .allow_duplicate_ids = true,
    .desc = { { NULL } },
};

static const QemuOptDesc any_validate_desc[] = {
    { .name = "qom-type", .type = QEMU_OPT_STRING },
    { .name = "size", .type = QEMU_OPT_SIZE, .def_value_str = "4k" },
    { .name = "share", .type = QEMU_OPT_BOOL },
    { NULL }
};

static void reset_lists(void)
{
    qemu_opts_reset(&opts_list_01);
    qemu_opts_reset(&opts_list_merge);
    qemu_opts_reset(&opts_list_any);
}

static void expect_error(QemuOptsList *list, const char *params,
                         const char *message)
{
    g_autoptr(GError) err = NULL;
    guint before = g_list_length(list->head);

    g_test_message("params '%s'", params);
    g_assert_null(qemu_opts_parse(list, params, true, &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, message);
    /* A failed parse adds nothing. */
    g_assert_cmpuint(g_list_length(list->head), ==, before);
}

static void test_parse_basic(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_list_01,
                           "socket,str1=hello,bool1=on,number1=0x20,"
                           "size1=1.5k,id=dev0", true, &err);
    g_assert_no_error(err);
    g_assert_nonnull(opts);
    g_assert_cmpstr(qemu_opts_id(opts), ==, "dev0");
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "hello");
    g_assert_true(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_cmpuint(qemu_opt_get_number(opts, "number1", 0), ==, 32);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size1", 0), ==, 1536);
    g_assert_true(qemu_opts_find(&opts_list_01, "dev0") == opts);
    g_assert_true(qemu_opts_list(opts) == &opts_list_01);
    g_assert_null(qemu_opt_get(opts, "id"));
    g_assert_false(qemu_opt_has_help_opt(opts));
    reset_lists();
}

static void test_defaults(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_parse(&opts_list_01, "", true, &err);

    g_assert_nonnull(opts);
    g_assert_null(qemu_opts_id(opts));
    g_assert_null(qemu_opt_get(opts, "str1"));
    g_assert_cmpstr(qemu_opt_get(opts, "str2"), ==, "dflt");
    g_assert_false(qemu_opt_has(opts, "str2"));
    g_assert_true(qemu_opt_get_bool(opts, "bool1", true));
    g_assert_false(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_true(qemu_opt_get_bool(opts, "bool2", false));
    g_assert_cmpuint(qemu_opt_get_number(opts, "number1", 77), ==, 77);
    g_assert_cmpuint(qemu_opt_get_number(opts, "number2", 77), ==, 9);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size1", 5), ==, 5);
    g_assert_null(qemu_opt_get(NULL, "str1"));
    reset_lists();
}

static void test_implied(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_list_01, "file,,name,str1=x", true, &err);
    g_assert_nonnull(opts);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "file,name");
    /* An explicit key in first position is not implied. */
    opts = qemu_opts_parse(&opts_list_01, "str1=y,backend=null", true, &err);
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "null");
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "y");
    g_assert_no_error(err);

    /* Not permitted: the first element is then a bare (boolean) key. */
    opts = qemu_opts_parse(&opts_list_01, "socket", false, &err);
    g_assert_null(opts);
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'socket'");
    reset_lists();
}

static void test_escapes_and_repeats(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_parse(&opts_list_01,
                                     "str1=a,,b,,,,c,str2=x=y,str1=last,",
                                     true, &err);

    g_assert_no_error(err);
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "last");
    g_assert_cmpstr(qemu_opt_get(opts, "str2"), ==, "x=y");
    g_assert_cmpint(qemu_opt_unset(opts, "str1"), ==, 2);
    g_assert_null(qemu_opt_get(opts, "str1"));
    reset_lists();

    opts = qemu_opts_parse(&opts_list_01, "str1=a,,b,,,,c", true, &err);
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "a,b,,c");
    reset_lists();
}

static void test_errors(void)
{
    expect_error(&opts_list_01, "null,foo=1", "Invalid parameter 'foo'");
    expect_error(&opts_list_01, "null,bool1=maybe",
                 "Parameter 'bool1' expects 'on' or 'off'");
    expect_error(&opts_list_01, "null,number1=4k",
                 "Parameter 'number1' expects a number");
    expect_error(&opts_list_01, "null,number1=99999999999999999999",
                 "Value '99999999999999999999' is out of range for "
                 "parameter 'number1'");
    expect_error(&opts_list_01, "null,size1=16E",
                 "Value '16E' is out of range for parameter 'size1'");
    expect_error(&opts_list_01, "null,=1", "Invalid parameter ''");
    reset_lists();
}

static void test_size_error_hint(void)
{
    g_autoptr(GError) err = NULL;
    const char *expect = "Parameter 'size1' expects a non-negative number "
                         "below 2^64\n";

    g_assert_null(qemu_opts_parse(&opts_list_01, "null,size1=0x20M", true,
                                  &err));
    g_assert_true(g_str_has_prefix(err->message, expect));
    g_assert_cmpuint(strlen(err->message), >, strlen(expect));
    reset_lists();
}

static void test_id(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *a, *b;

    expect_error(&opts_list_01, "null,id=1bad",
                 "Parameter 'id' expects an identifier\n" ID_WELLFORMED_HINT);
    expect_error(&opts_list_01, "null,id=", "Parameter 'id' expects an "
                 "identifier\n" ID_WELLFORMED_HINT);

    a = qemu_opts_parse(&opts_list_01, "null,id=c0", true, &err);
    g_assert_nonnull(a);
    expect_error(&opts_list_01, "file,id=c0",
                 "Duplicate ID 'c0' for opts_list_01");
    /* Options without id never collide. */
    a = qemu_opts_parse(&opts_list_01, "null", true, &err);
    b = qemu_opts_parse(&opts_list_01, "null", true, &err);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_true(a != b);

    /* qemu_opts_create: fail or reuse. */
    g_assert_null(qemu_opts_create(&opts_list_01, "c0", true, &err));
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'c0' for opts_list_01");
    g_clear_error(&err);
    a = qemu_opts_create(&opts_list_01, "c0", false, &err);
    g_assert_true(a == qemu_opts_find(&opts_list_01, "c0"));
    g_assert_null(qemu_opts_create(&opts_list_01, "x y", false, &err));
    g_assert_true(g_str_has_prefix(err->message,
                                   "Parameter 'id' expects an identifier"));
    reset_lists();
}

static void test_allow_duplicate_ids(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *a = qemu_opts_parse(&opts_list_dup, "id=x,k=1", false, &err);
    QemuOpts *b = qemu_opts_parse(&opts_list_dup, "id=x,k=2", false, &err);

    g_assert_no_error(err);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_true(a != b);
    g_assert_cmpstr(qemu_opt_get(b, "k"), ==, "2");
    g_assert_true(qemu_opts_find(&opts_list_dup, "x") == a);
    /* The id rule still holds. */
    g_assert_null(qemu_opts_parse(&opts_list_dup, "id=9", false, &err));
    qemu_opts_reset(&opts_list_dup);
}

static void test_merge_lists(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *a, *b;

    a = qemu_opts_parse(&opts_list_merge, "vm1,a=1", true, &err);
    b = qemu_opts_parse(&opts_list_merge, "b=2", true, &err);
    g_assert_no_error(err);
    g_assert_true(a == b);
    g_assert_cmpuint(g_list_length(opts_list_merge.head), ==, 1);
    g_assert_cmpstr(qemu_opt_get(a, "guest"), ==, "vm1");
    g_assert_cmpstr(qemu_opt_get(a, "a"), ==, "1");
    g_assert_cmpstr(qemu_opt_get(a, "b"), ==, "2");
    b = qemu_opts_parse(&opts_list_merge, "vm2,a=3", true, &err);
    g_assert_true(a == b);
    g_assert_cmpstr(qemu_opt_get(a, "guest"), ==, "vm2");
    g_assert_cmpstr(qemu_opt_get(a, "a"), ==, "3");

    /* Same id merges too; a different id is a separate set. */
    a = qemu_opts_parse(&opts_list_merge, "id=x,a=1", true, &err);
    b = qemu_opts_parse(&opts_list_merge, "id=x,b=2", true, &err);
    g_assert_true(a == b);
    b = qemu_opts_parse(&opts_list_merge, "id=y,b=2", true, &err);
    g_assert_true(a != b);
    g_assert_cmpuint(g_list_length(opts_list_merge.head), ==, 3);

    /* A failing parse leaves a merged set untouched. */
    g_assert_null(qemu_opts_parse(&opts_list_merge, "id=x,a=9,zz=1", true,
                                  &err));
    g_assert_cmpstr(qemu_opt_get(a, "a"), ==, "1");
    reset_lists();
}

static void test_short_form_bool_subprocess(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_parse(&opts_list_01,
                                     "null,bool1,nobool2,nodelay", true,
                                     &err);

    g_assert_no_error(err);
    g_assert_true(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_false(qemu_opt_get_bool(opts, "bool2", true));
    /* "nodelay" is an option of its own, not "delay" negated. */
    g_assert_true(qemu_opt_get_bool(opts, "nodelay", false));

    /* With an accept-all list, "noX" means X=off. */
    opts = qemu_opts_parse(&opts_list_any, "x,noshare", true, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(qemu_opt_get(opts, "share"), ==, "off");
    reset_lists();
}

static void test_short_form_bool(void)
{
    g_test_trap_subprocess("/qemu-opts/short-form-bool/subprocess", 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr(
        "*warning: short-form boolean option 'bool1' deprecated\n"
        "Please use bool1=on instead\n"
        "*warning: short-form boolean option 'nobool2' deprecated\n"
        "Please use bool2=off instead\n"
        "*warning: short-form boolean option 'nodelay' deprecated\n"
        "Please use nodelay=on instead\n"
        "*warning: short-form boolean option 'noshare' deprecated\n"
        "Please use share=off instead\n");
}

static void test_short_form_unknown(void)
{
    expect_error(&opts_list_01, "null,bogus", "Invalid parameter 'bogus'");
    expect_error(&opts_list_01, "null,nobogus", "Invalid parameter 'nobogus'");
    reset_lists();
}

static void test_help(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_list_01, "help", true, &err);
    g_assert_true(qemu_opt_has_help_opt(opts));
    opts = qemu_opts_parse(&opts_list_01, "?", true, &err);
    g_assert_true(qemu_opt_has_help_opt(opts));
    opts = qemu_opts_parse(&opts_list_01, "socket,help", true, &err);
    g_assert_true(qemu_opt_has_help_opt(opts));
    g_assert_cmpstr(qemu_opt_get(opts, "backend"), ==, "socket");
    g_assert_null(qemu_opt_get(opts, "help"));
    opts = qemu_opts_parse(&opts_list_01, "socket,str1=help", true, &err);
    g_assert_false(qemu_opt_has_help_opt(opts));
    g_assert_no_error(err);
    reset_lists();
}

static void test_any_and_validate(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse(&opts_list_any,
                           "memory-backend-ram,id=m0,size=1M,share=off,"
                           "whatever=1", true, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(qemu_opt_get(opts, "whatever"), ==, "1");
    g_assert_false(qemu_opts_validate(opts, any_validate_desc, &err));
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'whatever'");
    g_clear_error(&err);
    qemu_opt_unset(opts, "whatever");
    g_assert_true(qemu_opts_validate(opts, any_validate_desc, &err));
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 1 << 20);
    qemu_opt_unset(opts, "size");
    /* Defaults now come from the validated descriptors. */
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 4096);
    g_assert_true(qemu_opt_set(opts, "share", "on", &err));
    g_assert_false(qemu_opt_set(opts, "share", "sure", &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'share' expects 'on' or 'off'");
    g_clear_error(&err);

    opts = qemu_opts_parse(&opts_list_any, "x,share=perhaps", true, &err);
    g_assert_false(qemu_opts_validate(opts, any_validate_desc, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'share' expects 'on' or 'off'");
    g_clear_error(&err);
    reset_lists();
}

static void test_opt_set(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_create(&opts_list_01, NULL, false, &err);

    g_assert_true(qemu_opt_set(opts, "str1", "v", &err));
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "v");
    g_assert_false(qemu_opt_set(opts, "nope", "v", &err));
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'nope'");
    g_clear_error(&err);
    g_assert_false(qemu_opt_set(opts, "size1", "12Q", &err));
    g_assert_true(g_str_has_prefix(err->message, "Parameter 'size1' expects"));
    reset_lists();
}

static void test_do_parse(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_create(&opts_list_01, "d", true, &err);

    g_assert_true(qemu_opts_do_parse(opts, "/tmp/a,,b,bool1=on", "str1",
                                     &err));
    g_assert_cmpstr(qemu_opt_get(opts, "str1"), ==, "/tmp/a,b");
    g_assert_true(qemu_opt_get_bool(opts, "bool1", false));
    g_assert_false(qemu_opts_do_parse(opts, "id=z", NULL, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'id' cannot be set here");
    g_clear_error(&err);
    g_assert_false(qemu_opts_do_parse(opts, "str2=1,bool1=x", NULL, &err));
    /* Nothing of the failed call was applied. */
    g_assert_false(qemu_opt_has(opts, "str2"));
    reset_lists();
}

typedef struct ForeachLog {
    GString *s;
    int stop_at;
    int calls;
} ForeachLog;

static int log_opt(void *opaque, const char *name, const char *value,
                   GError **errp)
{
    ForeachLog *log = opaque;

    g_string_append_printf(log->s, "%s=%s;", name, value);
    return ++log->calls == log->stop_at ? 42 : 0;
}

static int log_opts(void *opaque, QemuOpts *opts, GError **errp)
{
    ForeachLog *log = opaque;

    g_string_append_printf(log->s, "%s;", qemu_opts_id(opts));
    ++log->calls;
    if (log->calls == log->stop_at) {
        return -1;
    }
    qemu_opts_del(opts);    /* deleting the current one is allowed */
    return 0;
}

static void test_foreach(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_parse(&opts_list_01,
                                     "null,str1=a,bool1=on,str1=b,id=x",
                                     true, &err);
    ForeachLog log = { g_string_new(NULL), 0, 0 };

    g_assert_cmpint(qemu_opt_foreach(opts, log_opt, &log, &err), ==, 0);
    g_assert_cmpstr(log.s->str, ==, "backend=null;str1=a;bool1=on;str1=b;");
    g_string_truncate(log.s, 0);
    log.calls = 0;
    log.stop_at = 2;
    g_assert_cmpint(qemu_opt_foreach(opts, log_opt, &log, &err), ==, 42);
    g_assert_cmpstr(log.s->str, ==, "backend=null;str1=a;");

    qemu_opts_parse(&opts_list_01, "null,id=y", true, &err);
    qemu_opts_parse(&opts_list_01, "null,id=z", true, &err);
    g_string_truncate(log.s, 0);
    log.calls = 0;
    log.stop_at = 3;
    g_assert_cmpint(qemu_opts_foreach(&opts_list_01, log_opts, &log, &err),
                    ==, -1);
    g_assert_cmpstr(log.s->str, ==, "x;y;z;");
    g_assert_cmpuint(g_list_length(opts_list_01.head), ==, 1);
    g_string_free(log.s, TRUE);
    reset_lists();
}

static void test_to_json(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_opts_parse(&opts_list_01,
                                     "socket,str1=a,str1=b,bool1=on,id=c1",
                                     true, &err);
    g_autoptr(JsonObject) obj = qemu_opts_to_json(opts);

    g_assert_cmpuint(json_object_get_size(obj), ==, 4);
    g_assert_cmpstr(json_object_get_string_member(obj, "backend"), ==,
                    "socket");
    g_assert_cmpstr(json_object_get_string_member(obj, "str1"), ==, "b");
    g_assert_cmpstr(json_object_get_string_member(obj, "bool1"), ==, "on");
    g_assert_cmpstr(json_object_get_string_member(obj, "id"), ==, "c1");
    reset_lists();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-opts/parse-basic", test_parse_basic);
    g_test_add_func("/qemu-opts/defaults", test_defaults);
    g_test_add_func("/qemu-opts/implied", test_implied);
    g_test_add_func("/qemu-opts/escapes-repeats", test_escapes_and_repeats);
    g_test_add_func("/qemu-opts/errors", test_errors);
    g_test_add_func("/qemu-opts/size-error-hint", test_size_error_hint);
    g_test_add_func("/qemu-opts/id", test_id);
    g_test_add_func("/qemu-opts/merge-lists", test_merge_lists);
    g_test_add_func("/qemu-opts/allow-duplicate-ids",
                    test_allow_duplicate_ids);
    g_test_add_func("/qemu-opts/short-form-bool", test_short_form_bool);
    g_test_add_func("/qemu-opts/short-form-bool/subprocess",
                    test_short_form_bool_subprocess);
    g_test_add_func("/qemu-opts/short-form-unknown", test_short_form_unknown);
    g_test_add_func("/qemu-opts/help", test_help);
    g_test_add_func("/qemu-opts/any-and-validate", test_any_and_validate);
    g_test_add_func("/qemu-opts/opt-set", test_opt_set);
    g_test_add_func("/qemu-opts/do-parse", test_do_parse);
    g_test_add_func("/qemu-opts/foreach", test_foreach);
    g_test_add_func("/qemu-opts/to-json", test_to_json);
    return g_test_run();
}

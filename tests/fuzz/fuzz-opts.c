/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target "opts": the command-line option dialects -- QemuOpts
 * (util/qemu-option.c), keyval (util/keyval.c) and the number and size
 * conversions under them (util/cutils.c).
 *
 * Input layout: byte 0 picks the parser (see parsers[]), the rest is the
 * option text exactly as it would follow "-chardev", "-machine", "-m", ...
 * Oracles, besides the sanitizers: a failure always comes with a message;
 * a success leaves end pointers inside the text; a parsed QemuOpts
 * reproduces its own values through the getters and qemu_opts_to_json();
 * keyval_merge() of a tree with itself is stable; size and integer parsers
 * agree with each other on plain decimal numbers.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/keyval.h"
#include "qemu/option.h"
#include "qobject/json-writer.h"
#include "fuzz.h"

/* A typed list like the machine options: every QemuOpt type appears. */
static QemuOptsList fuzz_typed_opts = {
    .name = "fuzz-typed",
    .implied_opt_name = "type",
    .merge_lists = true,
    .desc = {
        { .name = "type", .type = QEMU_OPT_STRING },
        { .name = "size", .type = QEMU_OPT_SIZE, .def_value_str = "64M" },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { .name = "share", .type = QEMU_OPT_BOOL, .def_value_str = "off" },
        { .name = "path", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

/* An open list like -object/-device: any key, checked later. */
static QemuOptsList fuzz_open_opts = {
    .name = "fuzz-open",
    .implied_opt_name = "qom-type",
    .desc = { { NULL } },
};

static void check_error(bool ok, GError *err, const char *what)
{
    FUZZ_CHECK(ok == (err == NULL), "%s: result and error disagree", what);
    FUZZ_CHECK(ok || (err->message && err->message[0]),
               "%s: error without a message", what);
}

static int count_opt(void *opaque, const char *name, const char *value,
                     GError **errp)
{
    FUZZ_CHECK(name && value, "qemu_opt_foreach gave NULL");
    (*(unsigned *)opaque)++;
    return 0;
}

static void check_opts(QemuOpts *opts)
{
    g_autoptr(JsonObject) obj = qemu_opts_to_json(opts);
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);
    g_autofree char *text = json_writer_node_to_string(node, false);
    unsigned n = 0;

    for (const QemuOptDesc *d = qemu_opts_list(opts)->desc; d->name; d++) {
        const char *v = qemu_opt_get(opts, d->name);

        if (qemu_opt_has(opts, d->name)) {
            FUZZ_CHECK(v != NULL, "key %s given but no value", d->name);
            FUZZ_CHECK(json_object_has_member(obj, d->name),
                       "key %s missing from %s", d->name, text);
            FUZZ_CHECK(strcmp(json_object_get_string_member(obj, d->name),
                              v) == 0, "key %s differs in %s", d->name, text);
        }
        qemu_opt_get_bool(opts, d->name, false);
        qemu_opt_get_number(opts, d->name, 0);
        qemu_opt_get_size(opts, d->name, 0);
    }
    qemu_opt_foreach(opts, count_opt, &n, NULL);
    qemu_opt_has_help_opt(opts);
}

static void fuzz_qemu_opts(QemuOptsList *list, const char *text,
                           bool permit_implied)
{
    GError *err = NULL;
    QemuOpts *opts = qemu_opts_parse(list, text, permit_implied, &err);

    check_error(opts != NULL, err, "qemu_opts_parse");
    g_clear_error(&err);
    if (opts) {
        check_opts(opts);
        if (list == &fuzz_open_opts) {
            bool ok = qemu_opts_validate(opts, fuzz_typed_opts.desc, &err);

            check_error(ok, err, "qemu_opts_validate");
            g_clear_error(&err);
        } else {
            /* Parsing the same text into the merged opts again is allowed. */
            bool ok = qemu_opts_do_parse(opts, text, NULL, &err);

            check_error(ok, err, "qemu_opts_do_parse");
            g_clear_error(&err);
        }
    }
    qemu_opts_reset(list);
}

static void fuzz_keyval(const char *text)
{
    GError *err = NULL;
    bool help = false;
    JsonObject *obj = keyval_parse(text, "type", &help, &err);
    JsonObject *plain;

    check_error(obj != NULL, err, "keyval_parse");
    g_clear_error(&err);
    plain = keyval_parse(text, NULL, NULL, &err);
    check_error(plain != NULL, err, "keyval_parse (no implied key)");
    g_clear_error(&err);
    if (obj) {
        g_autoptr(JsonObject) copy = json_object_new();
        g_autoptr(JsonNode) a = json_node_init_object(json_node_alloc(), obj);
        g_autoptr(JsonNode) b = NULL;
        g_autofree char *ta = json_writer_node_to_string(a, false);
        g_autofree char *tb = NULL;

        /* Merging into an empty object copies the tree unchanged. */
        keyval_merge(copy, obj);
        b = json_node_init_object(json_node_alloc(), copy);
        tb = json_writer_node_to_string(b, false);
        FUZZ_CHECK(strcmp(ta, tb) == 0, "keyval_merge copy differs:\n%s\n%s",
                   ta, tb);
        /* Merging a tree into itself must not crash (arrays double). */
        keyval_merge(copy, obj);
        json_object_unref(obj);
    }
    if (plain) {
        json_object_unref(plain);
    }
}

static void fuzz_numbers(const char *text)
{
    static const uint64_t units[] = { 1, 1024, 1024 * 1024 };
    static const int bases[] = { 0, 8, 10, 16 };
    size_t len = strlen(text);
    GError *err = NULL;
    uint64_t u, sz;
    int64_t i64;
    int i32;
    unsigned int u32;
    const char *end;
    bool ok;

    for (size_t k = 0; k < G_N_ELEMENTS(units); k++) {
        end = NULL;
        if (qemu_strtosz_unit(text, &end, units[k], &sz) == 0) {
            FUZZ_CHECK(end >= text && end <= text + len, "strtosz end");
        }
    }
    ok = qemu_strtosz(text, &sz, &err);
    check_error(ok, err, "qemu_strtosz");
    g_clear_error(&err);
    ok = qemu_strtosz_MiB(text, &sz, &err);
    check_error(ok, err, "qemu_strtosz_MiB");
    g_clear_error(&err);

    for (size_t k = 0; k < G_N_ELEMENTS(bases); k++) {
        end = NULL;
        if (qemu_strtou64(text, &end, bases[k], &u)) {
            FUZZ_CHECK(end > text && end <= text + len, "strtou64 end");
        }
        end = NULL;
        if (qemu_strtoi64(text, &end, bases[k], &i64)) {
            FUZZ_CHECK(end > text && end <= text + len, "strtoi64 end");
        }
        qemu_strtoi(text, NULL, bases[k], &i32);
        qemu_strtoui(text, NULL, bases[k], &u32);
    }
    /* A plain decimal number means the same bytes to both parsers. */
    if (len > 0 && len < 20 && strspn(text, "0123456789") == len) {
        FUZZ_CHECK(qemu_strtou64(text, NULL, 10, &u), "decimal %s", text);
        FUZZ_CHECK(qemu_strtosz_unit(text, NULL, 1, &sz) == 0, "size %s", text);
        FUZZ_CHECK(u == sz, "%s: strtou64 %" PRIu64 " strtosz %" PRIu64,
                   text, u, sz);
    }

    ok = parse_option_size("size", text, &u, &err);
    check_error(ok, err, "parse_option_size");
    g_clear_error(&err);
    ok = parse_option_number("n", text, &u, &err);
    check_error(ok, err, "parse_option_number");
    g_clear_error(&err);
    {
        bool b;

        ok = parse_option_bool("b", text, &b, &err);
        check_error(ok, err, "parse_option_bool");
        g_clear_error(&err);
    }
    id_wellformed(text);
    is_help_option(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_common();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;

    if (size < 1 || size > 16 * 1024) {
        return 0;
    }
    text = fuzz_strndup(data + 1, size - 1);
    switch (data[0] % 5) {
    case 0:
        fuzz_qemu_opts(&fuzz_typed_opts, text, true);
        break;
    case 1:
        fuzz_qemu_opts(&fuzz_typed_opts, text, false);
        break;
    case 2:
        fuzz_qemu_opts(&fuzz_open_opts, text, true);
        break;
    case 3:
        fuzz_keyval(text);
        break;
    case 4:
        fuzz_numbers(text);
        break;
    }
    return 0;
}

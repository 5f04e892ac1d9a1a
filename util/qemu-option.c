/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "QemuOpts" option dialect: parsing "[implied=]v,key=v,..." strings
 * into lists of key=value pairs, checking them against descriptors, and
 * reading them back typed.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qapi/error.h"

typedef struct QemuOpt {
    char *name;
    char *str;
} QemuOpt;

struct QemuOpts {
    char *id;
    QemuOptsList *list;
    GPtrArray *opts;            /* QemuOpt *, in the order given */
    const QemuOptDesc *desc;    /* set by qemu_opts_validate, else NULL */
    bool help;                  /* "help"/"?" requested */
};

/* One parsed element before it is committed to a QemuOpts. */
typedef struct ParsedOpt {
    char *name;
    char *value;
    char *short_form;           /* deprecated bare token, for the warning */
} ParsedOpt;

typedef struct ParseResult {
    GArray *elems;              /* ParsedOpt */
    char *id;
    bool has_id;
    bool help;
} ParseResult;

static void qemu_opt_free(gpointer p)
{
    QemuOpt *opt = p;

    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

static void parsed_opt_clear(gpointer p)
{
    ParsedOpt *e = p;

    g_free(e->name);
    g_free(e->value);
    g_free(e->short_form);
}

static void parse_result_init(ParseResult *r)
{
    r->elems = g_array_new(FALSE, TRUE, sizeof(ParsedOpt));
    g_array_set_clear_func(r->elems, parsed_opt_clear);
    r->id = NULL;
    r->has_id = false;
    r->help = false;
}

static void parse_result_clear(ParseResult *r)
{
    g_array_unref(r->elems);
    g_free(r->id);
}

static bool desc_is_empty(const QemuOptDesc *desc)
{
    return !desc || !desc[0].name;
}

static const QemuOptDesc *find_desc(const QemuOptDesc *desc, const char *name)
{
    for (; desc && desc->name; desc++) {
        if (strcmp(desc->name, name) == 0) {
            return desc;
        }
    }
    return NULL;
}

/* Descriptors in force for opts: those it was validated with, else its
 * list's. */
static const QemuOptDesc *opts_desc(QemuOpts *opts)
{
    return opts->desc ? opts->desc : opts->list->desc;
}

/* Check value against its descriptor's type. */
static bool check_typed(const QemuOptDesc *d, const char *name,
                        const char *value, GError **errp)
{
    bool b;
    uint64_t n;

    if (!d) {
        return true;
    }
    switch (d->type) {
    case QEMU_OPT_STRING:
        return true;
    case QEMU_OPT_BOOL:
        return parse_option_bool(name, value, &b, errp);
    case QEMU_OPT_NUMBER:
        return parse_option_number(name, value, &n, errp);
    case QEMU_OPT_SIZE:
        return parse_option_size(name, value, &n, errp);
    }
    return true;
}

/* Validate one key=value against desc ("accept all" when desc is empty). */
static bool check_opt(const QemuOptDesc *desc, const char *name,
                      const char *value, GError **errp)
{
    const QemuOptDesc *d;

    if (desc_is_empty(desc)) {
        if (!*name) {
            error_setg(errp, "Invalid parameter '%s'", name);
            return false;
        }
        return true;
    }
    d = find_desc(desc, name);
    if (!d) {
        error_setg(errp, "Invalid parameter '%s'", name);
        return false;
    }
    return check_typed(d, name, value, errp);
}

static bool check_id(const char *id, GError **errp)
{
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier\n"
                   ID_WELLFORMED_HINT);
        return false;
    }
    return true;
}

/*
 * Copy a value starting at p up to the next single ',' (",," is a literal
 * comma) and return it; *endp is set to the terminating ',' or NUL.
 */
static char *read_value(const char *p, const char **endp)
{
    GString *s = g_string_new(NULL);

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        g_string_append_c(s, *p);
        p++;
    }
    *endp = p;
    return g_string_free(s, FALSE);
}

/*
 * Turn a bare element (no '=') into name and "on"/"off": "key" sets key=on,
 * "nokey" sets key=off when "key" is a known option (or any option is
 * accepted) and "nokey" itself is not.
 */
static void bare_to_bool(const QemuOptDesc *desc, const char *tok,
                         char **name, char **value)
{
    bool negated = false;

    if (strncmp(tok, "no", 2) == 0 && tok[2]) {
        if (desc_is_empty(desc)) {
            negated = true;
        } else if (!find_desc(desc, tok) && find_desc(desc, tok + 2)) {
            negated = true;
        }
    }
    *name = g_strdup(negated ? tok + 2 : tok);
    *value = g_strdup(negated ? "off" : "on");
}

/*
 * Split params into elements. implied_key, if non-NULL, names the value of
 * a first element without '='. "id" is collected separately when
 * allow_id, otherwise rejected.
 */
static bool parse_elements(const QemuOptDesc *desc, const char *params,
                           const char *implied_key, bool allow_id,
                           ParseResult *r, GError **errp)
{
    const char *p = params ? params : "";
    bool first = true;

    while (*p) {
        size_t len = strcspn(p, "=,");
        ParsedOpt e = { NULL, NULL, NULL };

        if (p[len] != '=') {
            if (first && implied_key) {
                e.name = g_strdup(implied_key);
                e.value = read_value(p, &p);
                if (is_help_option(e.value)) {
                    r->help = true;
                }
            } else {
                g_autofree char *tok = g_strndup(p, len);

                p += len;
                if (is_help_option(tok)) {
                    r->help = true;
                    goto next;
                }
                if (!*tok) {
                    error_setg(errp, "Invalid parameter ''");
                    return false;
                }
                bare_to_bool(desc, tok, &e.name, &e.value);
                e.short_form = g_steal_pointer(&tok);
            }
        } else {
            e.name = g_strndup(p, len);
            e.value = read_value(p + len + 1, &p);
        }

        if (strcmp(e.name, "id") == 0) {
            if (!allow_id) {
                error_setg(errp, "Parameter 'id' cannot be set here");
                parsed_opt_clear(&e);
                return false;
            }
            if (!check_id(e.value, errp)) {
                parsed_opt_clear(&e);
                return false;
            }
            g_free(r->id);
            r->id = g_steal_pointer(&e.value);
            r->has_id = true;
            parsed_opt_clear(&e);
        } else {
            if (!check_opt(desc, e.name, e.value, errp)) {
                parsed_opt_clear(&e);
                return false;
            }
            g_array_append_val(r->elems, e);
        }
    next:
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    return true;
}

static void opts_append(QemuOpts *opts, const char *name, const char *value)
{
    QemuOpt *opt = g_new0(QemuOpt, 1);

    opt->name = g_strdup(name);
    opt->str = g_strdup(value);
    g_ptr_array_add(opts->opts, opt);
}

/* Add the parsed elements to opts, warning about short-form booleans. */
static void commit_elements(QemuOpts *opts, ParseResult *r)
{
    guint i;

    for (i = 0; i < r->elems->len; i++) {
        ParsedOpt *e = &g_array_index(r->elems, ParsedOpt, i);

        if (e->short_form) {
            warn_report("short-form boolean option '%s' deprecated",
                        e->short_form);
            error_printf("Please use %s=%s instead\n", e->name, e->value);
        }
        opts_append(opts, e->name, e->value);
    }
    if (r->help) {
        opts->help = true;
    }
}

QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id)
{
    GList *l;

    for (l = list->head; l; l = l->next) {
        QemuOpts *opts = l->data;

        if (g_strcmp0(opts->id, id) == 0) {
            return opts;
        }
    }
    return NULL;
}

QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           bool fail_if_exists, GError **errp)
{
    QemuOpts *opts;

    if (id && !check_id(id, errp)) {
        return NULL;
    }
    if (id || list->merge_lists) {
        opts = qemu_opts_find(list, id);
        if (opts && !(fail_if_exists && list->allow_duplicate_ids)) {
            if (fail_if_exists && id) {
                error_setg(errp, "Duplicate ID '%s' for %s", id, list->name);
                return NULL;
            }
            return opts;
        }
    }
    opts = g_new0(QemuOpts, 1);
    opts->id = g_strdup(id);
    opts->list = list;
    opts->opts = g_ptr_array_new_with_free_func(qemu_opt_free);
    list->head = g_list_append(list->head, opts);
    return opts;
}

QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_implied, GError **errp)
{
    ParseResult r;
    QemuOpts *opts = NULL;
    const char *implied = permit_implied ? list->implied_opt_name : NULL;

    parse_result_init(&r);
    if (parse_elements(list->desc, params, implied, true, &r, errp)) {
        opts = qemu_opts_create(list, r.id, !list->merge_lists, errp);
        if (opts) {
            commit_elements(opts, &r);
        }
    }
    parse_result_clear(&r);
    return opts;
}

bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *implied_key, GError **errp)
{
    ParseResult r;
    bool ok;

    parse_result_init(&r);
    ok = parse_elements(opts_desc(opts), params, implied_key, false, &r, errp);
    if (ok) {
        commit_elements(opts, &r);
    }
    parse_result_clear(&r);
    return ok;
}

void qemu_opts_del(QemuOpts *opts)
{
    if (!opts) {
        return;
    }
    opts->list->head = g_list_remove(opts->list->head, opts);
    g_ptr_array_unref(opts->opts);
    g_free(opts->id);
    g_free(opts);
}

void qemu_opts_reset(QemuOptsList *list)
{
    while (list->head) {
        qemu_opts_del(list->head->data);
    }
}

const char *qemu_opts_id(QemuOpts *opts)
{
    return opts->id;
}

QemuOptsList *qemu_opts_list(QemuOpts *opts)
{
    return opts->list;
}

static QemuOpt *find_last(QemuOpts *opts, const char *name)
{
    guint i;

    for (i = opts->opts->len; i > 0; i--) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i - 1);

        if (strcmp(opt->name, name) == 0) {
            return opt;
        }
    }
    return NULL;
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *opt;
    const QemuOptDesc *d;

    if (!opts) {
        return NULL;
    }
    opt = find_last(opts, name);
    if (opt) {
        return opt->str;
    }
    d = find_desc(opts_desc(opts), name);
    return d ? d->def_value_str : NULL;
}

bool qemu_opt_has(QemuOpts *opts, const char *name)
{
    return opts && find_last(opts, name) != NULL;
}

bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval)
{
    const char *s = qemu_opt_get(opts, name);
    bool v;

    if (s && parse_option_bool(name, s, &v, NULL)) {
        return v;
    }
    return defval;
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval)
{
    const char *s = qemu_opt_get(opts, name);
    uint64_t v;

    if (s && parse_option_number(name, s, &v, NULL)) {
        return v;
    }
    return defval;
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name, uint64_t defval)
{
    const char *s = qemu_opt_get(opts, name);
    uint64_t v;

    if (s && parse_option_size(name, s, &v, NULL)) {
        return v;
    }
    return defval;
}

bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  GError **errp)
{
    if (!check_opt(opts_desc(opts), name, value, errp)) {
        return false;
    }
    opts_append(opts, name, value);
    return true;
}

int qemu_opt_unset(QemuOpts *opts, const char *name)
{
    int removed = 0;
    guint i = 0;

    while (i < opts->opts->len) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        if (strcmp(opt->name, name) == 0) {
            g_ptr_array_remove_index(opts->opts, i);
            removed++;
        } else {
            i++;
        }
    }
    return removed;
}

bool qemu_opt_has_help_opt(QemuOpts *opts)
{
    return opts && opts->help;
}

int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     GError **errp)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        int rc = func(opaque, opt->name, opt->str, errp);

        if (rc) {
            return rc;
        }
    }
    return 0;
}

int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, GError **errp)
{
    GList *l = list->head;

    while (l) {
        /* func may delete the element it gets. */
        GList *next = l->next;
        int rc = func(opaque, l->data, errp);

        if (rc) {
            return rc;
        }
        l = next;
    }
    return 0;
}

bool qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc,
                        GError **errp)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        const QemuOptDesc *d = find_desc(desc, opt->name);

        if (!d) {
            error_setg(errp, "Invalid parameter '%s'", opt->name);
            return false;
        }
        if (!check_typed(d, opt->name, opt->str, errp)) {
            return false;
        }
    }
    opts->desc = desc;
    return true;
}

JsonObject *qemu_opts_to_json(QemuOpts *opts)
{
    JsonObject *obj = json_object_new();
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        json_object_set_string_member(obj, opt->name, opt->str);
    }
    if (opts->id) {
        json_object_set_string_member(obj, "id", opts->id);
    }
    return obj;
}

void qemu_opts_print_help(const QemuOptsList *list)
{
    static const char *const type_names[] = {
        [QEMU_OPT_STRING] = "str",
        [QEMU_OPT_BOOL] = "bool (on/off)",
        [QEMU_OPT_NUMBER] = "num",
        [QEMU_OPT_SIZE] = "size",
    };
    const QemuOptDesc *d;

    printf("%s options:\n", list->name);
    for (d = list->desc; d->name; d++) {
        printf("  %s=<%s>%s%s\n", d->name, type_names[d->type],
               d->help ? " - " : "", d->help ? d->help : "");
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as driver: source files, statements, the pass loop (repeat until
 * no label moves and no instruction grows), diagnostics and the results
 * API of asm.h.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "asm-int.h"
#include "asm-expr.h"
#include "asm-lex.h"

static void sym_free(gpointer p)
{
    AsmSym *s = p;

    g_free(s->name);
    g_free(s);
}

static void list_line_free(gpointer p)
{
    AsmListLine *l = p;

    g_free(l->text);
    if (l->bytes) {
        g_byte_array_unref(l->bytes);
    }
    g_free(l);
}

static void unresolved_free(gpointer p)
{
    AsmUnresolved *u = p;

    g_free(u->name);
    g_free(u->key);
    g_free(u);
}

static void result_sym_free(gpointer p)
{
    Cr16AsmSymbol *s = p;

    g_free((char *)s->name);
    g_free(s);
}

Cr16Asm *cr16_asm_new(void)
{
    Cr16Asm *as = g_new0(Cr16Asm, 1);

    as->include_dirs = g_ptr_array_new_with_free_func(g_free);
    as->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)g_bytes_unref);
    as->file_order = g_ptr_array_new();
    as->syms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                     sym_free);
    as->min_sizes = g_array_new(false, true, sizeof(guint8));
    as->image = g_byte_array_new();
    as->local_counts = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    as->unresolved = g_ptr_array_new_with_free_func(unresolved_free);
    as->diags = g_ptr_array_new_with_free_func(g_free);
    as->listing = g_ptr_array_new_with_free_func(list_line_free);
    as->result_syms = g_ptr_array_new_with_free_func(result_sym_free);
    return as;
}

void cr16_asm_free(Cr16Asm *as)
{
    if (!as) {
        return;
    }
    g_ptr_array_unref(as->include_dirs);
    g_hash_table_unref(as->files);
    g_ptr_array_unref(as->file_order);
    g_hash_table_unref(as->syms);
    g_array_unref(as->min_sizes);
    g_byte_array_unref(as->image);
    g_hash_table_unref(as->local_counts);
    g_ptr_array_unref(as->unresolved);
    g_ptr_array_unref(as->diags);
    g_ptr_array_unref(as->listing);
    g_ptr_array_unref(as->result_syms);
    g_free(as);
}

void cr16_asm_add_include_dir(Cr16Asm *as, const char *dir)
{
    g_ptr_array_add(as->include_dirs, g_strdup(dir));
}

void asm_error(Cr16Asm *as, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (as->cur_file) {
        g_ptr_array_add(as->diags, g_strdup_printf("%s:%u: Error: %s",
                                                   as->cur_file,
                                                   as->cur_line, msg));
    } else {
        g_ptr_array_add(as->diags, g_strdup_printf("Error: %s", msg));
    }
}

unsigned asm_insn_min_size(Cr16Asm *as)
{
    if (as->insn_index < as->min_sizes->len) {
        return g_array_index(as->min_sizes, guint8, as->insn_index);
    }
    return 0;
}

void asm_insn_record_size(Cr16Asm *as, unsigned size)
{
    guint8 s = size;

    if (as->insn_index >= as->min_sizes->len) {
        g_array_append_val(as->min_sizes, s);
    } else if (s > g_array_index(as->min_sizes, guint8, as->insn_index)) {
        g_array_index(as->min_sizes, guint8, as->insn_index) = s;
        as->changed = true;
    }
    as->insn_index++;
}

static AsmValue eval_lookup(void *opaque, const char *name)
{
    return asm_sym_value(opaque, name);
}

bool asm_eval(Cr16Asm *as, const char *text, AsmValue *out)
{
    g_autoptr(GError) err = NULL;
    const char *p = text;

    if (!asm_expr_parse(&p, eval_lookup, as, out, &err)) {
        asm_error(as, "%s in `%s'", err->message, text);
        return false;
    }
    p = asm_skip_ws(p);
    if (*p) {
        asm_error(as, "junk at end of expression: `%s'", p);
        return false;
    }
    return true;
}

/* Labels, assignments, then one directive or instruction. */
static void asm_statement(Cr16Asm *as, const char *s)
{
    g_autofree char *word = NULL;
    const char *p = s;
    const char *q;

    for (;;) {
        p = asm_skip_ws(p);
        q = p;
        if (asm_is_ident_start(*q)) {
            while (asm_is_ident_char(*++q)) {
            }
        } else if (g_ascii_isdigit(*q)) {
            while (g_ascii_isdigit(*q)) {
                q++;
            }
            if (asm_is_ident_char(*q)) {
                q = p;
            }
        }
        if (q > p && *asm_skip_ws(q) == ':') {
            g_autofree char *name = g_strndup(p, q - p);

            asm_define_label(as, name);
            p = asm_skip_ws(q) + 1;
            continue;
        }
        break;
    }
    if (!*p) {
        return;
    }
    if (!asm_is_ident_start(*p)) {
        asm_error(as, "junk at start of statement: `%s'", p);
        return;
    }
    q = p + 1;
    while (asm_is_ident_char(*q)) {
        q++;
    }
    word = g_strndup(p, q - p);
    p = asm_skip_ws(q);
    if (p[0] == '=' && p[1] != '=') {
        AsmValue v;

        if (!asm_eval(as, p + 1, &v)) {
            return;
        }
        if (strcmp(word, ".") == 0) {
            if (v.known) {
                asm_set_loc(as, v.v, 0);
            }
        } else {
            asm_define_set(as, word, v);
        }
        return;
    }
    if (word[0] == '.') {
        asm_directive(as, word, p);
    } else {
        asm_instruction(as, word, p);
    }
}

/* Run the statements of one text (a file's contents). */
static void process_text(Cr16Asm *as, const char *file, GBytes *contents)
{
    gsize size;
    const char *data = g_bytes_get_data(contents, &size);
    const char *saved_file = as->cur_file;
    unsigned saved_line = as->cur_line;
    AsmListLine *saved_list = as->cur_list;
    bool in_comment = false;
    gsize pos = 0;
    unsigned lineno = 0;

    as->cur_file = file;
    while (pos < size && !as->ended) {
        const char *nl = memchr(data + pos, '\n', size - pos);
        gsize end = nl ? (gsize)(nl - data) : size;
        g_autofree char *line = g_strndup(data + pos, end - pos);
        AsmListLine *l = g_new0(AsmListLine, 1);
        g_autoptr(GPtrArray) stmts = NULL;
        guint i;

        lineno++;
        as->cur_line = lineno;
        g_strchomp(line);
        l->file = file;
        l->line = lineno;
        l->text = g_strdup(line);
        l->addr = as->loc;
        g_ptr_array_add(as->listing, l);
        as->cur_list = l;

        if (memchr(data + pos, '\0', end - pos)) {
            asm_error(as, "NUL character in source line");
        } else {
            stmts = asm_split_statements(line, &in_comment);
            for (i = 0; i < stmts->len && !as->ended; i++) {
                const char *st = g_ptr_array_index(stmts, i);

                if (*st) {
                    l->has_stmt = true;
                    asm_statement(as, st);
                }
            }
        }
        if (!l->has_bytes) {
            l->addr = as->loc;
        }
        pos = end + 1;
    }
    as->cur_file = saved_file;
    as->cur_line = saved_line;
    as->cur_list = saved_list;
}

/* The cached contents of @path (read on first use); NULL + @errp. */
static GBytes *load_file(Cr16Asm *as, const char *path, const char **key,
                         GError **errp)
{
    gpointer orig_key, value;
    char *data;
    gsize len;

    if (g_hash_table_lookup_extended(as->files, path, &orig_key, &value)) {
        *key = orig_key;
        return value;
    }
    if (!g_file_get_contents(path, &data, &len, errp)) {
        return NULL;
    }
    *key = g_strdup(path);
    g_hash_table_insert(as->files, (char *)*key,
                        g_bytes_new_take(data, len));
    g_ptr_array_add(as->file_order, (char *)*key);
    return g_hash_table_lookup(as->files, path);
}

void asm_process_file(Cr16Asm *as, const char *path)
{
    g_autoptr(GError) err = NULL;
    const char *key;
    GBytes *contents;

    if (as->include_depth >= ASM_MAX_INCLUDE) {
        asm_error(as, "include files nested too deeply (limit %d)",
                  ASM_MAX_INCLUDE);
        return;
    }
    contents = load_file(as, path, &key, &err);
    if (!contents) {
        asm_error(as, "can't open include file `%s': %s", path,
                  err->message);
        return;
    }
    as->include_depth++;
    process_text(as, key, contents);
    as->include_depth--;
}

static void begin_pass(Cr16Asm *as)
{
    as->pass++;
    as->loc = 0;
    as->base = 0;
    as->base_fixed = false;
    g_byte_array_set_size(as->image, 0);
    as->insn_index = 0;
    g_hash_table_remove_all(as->local_counts);
    as->overflow_reported = false;
    as->odd_reported = false;
    as->changed = false;
    as->ended = false;
    g_ptr_array_set_size(as->unresolved, 0);
    g_ptr_array_set_size(as->diags, 0);
    g_ptr_array_set_size(as->listing, 0);
    as->cur_list = NULL;
    as->cur_file = NULL;
    as->cur_line = 0;
    as->include_depth = 0;
}

/* Report references that stayed undefined; others need another pass. */
static void end_pass(Cr16Asm *as)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
                                             g_free, NULL);
    guint i;

    as->cur_list = NULL;
    for (i = 0; i < as->unresolved->len; i++) {
        AsmUnresolved *u = g_ptr_array_index(as->unresolved, i);
        AsmSym *s = g_hash_table_lookup(as->syms, u->key);
        char *where;

        if (s && s->def_pass == as->pass && !s->unknown) {
            as->changed = true;
            continue;
        }
        /* One message per symbol and line. */
        where = g_strdup_printf("%s:%u:%s", u->file, u->line, u->name);
        if (!g_hash_table_add(seen, where)) {
            continue;
        }
        as->cur_file = u->file;
        as->cur_line = u->line;
        if (s && s->def_pass == as->pass) {
            asm_error(as, "symbol `%s' has no value (its definition "
                      "depends on itself)", u->name);
        } else {
            asm_error(as, "undefined symbol `%s'", u->name);
        }
    }
    as->cur_file = NULL;
    g_hash_table_unref(seen);
    if (!asm_symbols_settled(as)) {
        as->changed = true;
    }
}

static gint result_cmp(gconstpointer a, gconstpointer b)
{
    const Cr16AsmSymbol *x = *(Cr16AsmSymbol * const *)a;
    const Cr16AsmSymbol *y = *(Cr16AsmSymbol * const *)b;

    return strcmp(x->name, y->name);
}

static void collect_results(Cr16Asm *as)
{
    GHashTableIter it;
    gpointer value;

    g_ptr_array_set_size(as->result_syms, 0);
    as->entry = 0;
    g_hash_table_iter_init(&it, as->syms);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        AsmSym *s = value;
        Cr16AsmSymbol *r;

        if (s->def_pass != as->pass || s->hidden) {
            continue;
        }
        r = g_new0(Cr16AsmSymbol, 1);
        r->name = g_strdup(s->name);
        r->value = s->value;
        r->is_label = s->is_label;
        r->global = s->global;
        g_ptr_array_add(as->result_syms, r);
        if (strcmp(s->name, "_start") == 0) {
            as->entry = (uint32_t)s->value;
        }
    }
    g_ptr_array_sort(as->result_syms, result_cmp);
}

static bool asm_run(Cr16Asm *as, const char *key, GBytes *contents,
                    GError **errp)
{
    guint i;

    for (;;) {
        begin_pass(as);
        process_text(as, key, contents);
        end_pass(as);
        if (!as->changed) {
            break;
        }
        if (as->pass >= ASM_MAX_PASSES) {
            if (as->diags->len) {
                break;  /* the errors are the likelier cause */
            }
            asm_error(as, "%s: layout did not settle after %d passes "
                      "(symbol values depend on the code size they set)",
                      key, ASM_MAX_PASSES);
            break;
        }
    }
    if (as->diags->len) {
        GString *msg = g_string_new(NULL);

        for (i = 0; i < as->diags->len; i++) {
            g_string_append_printf(msg, "%s%s", i ? "\n" : "",
                                   (char *)g_ptr_array_index(as->diags, i));
        }
        g_set_error_literal(errp, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR,
                            msg->str);
        g_string_free(msg, true);
        return false;
    }
    collect_results(as);
    return true;
}

static bool asm_start(Cr16Asm *as, GError **errp)
{
    if (as->used) {
        error_setg(errp, "this assembler object was already used");
        return false;
    }
    as->used = true;
    return true;
}

bool cr16_asm_assemble_file(Cr16Asm *as, const char *path, GError **errp)
{
    g_autoptr(GError) err = NULL;
    const char *key;
    GBytes *contents;

    if (!asm_start(as, errp)) {
        return false;
    }
    contents = load_file(as, path, &key, &err);
    if (!contents) {
        error_setg(errp, "Error: can't open %s for reading: %s", path,
                   err->message);
        return false;
    }
    return asm_run(as, key, contents, errp);
}

bool cr16_asm_assemble_string(Cr16Asm *as, const char *name,
                              const char *text, GError **errp)
{
    const char *key;

    if (!asm_start(as, errp)) {
        return false;
    }
    key = g_strdup(name);
    g_hash_table_insert(as->files, (char *)key,
                        g_bytes_new(text, strlen(text)));
    g_ptr_array_add(as->file_order, (char *)key);
    return asm_run(as, key, g_hash_table_lookup(as->files, key), errp);
}

const char **cr16_asm_source_files(const Cr16Asm *as)
{
    const char **list = g_new0(const char *, as->file_order->len + 1);
    guint i;

    for (i = 0; i < as->file_order->len; i++) {
        list[i] = g_ptr_array_index(as->file_order, i);
    }
    return list;
}

uint32_t cr16_asm_entry(const Cr16Asm *as)
{
    return as->entry;
}

guint cr16_asm_symbol_count(const Cr16Asm *as)
{
    return as->result_syms->len;
}

const Cr16AsmSymbol *cr16_asm_symbol(const Cr16Asm *as, guint i)
{
    g_assert(i < as->result_syms->len);
    return g_ptr_array_index(as->result_syms, i);
}

bool cr16_asm_lookup(const Cr16Asm *as, const char *name, int64_t *value)
{
    guint i;

    for (i = 0; i < as->result_syms->len; i++) {
        const Cr16AsmSymbol *s = g_ptr_array_index(as->result_syms, i);

        if (strcmp(s->name, name) == 0) {
            *value = s->value;
            return true;
        }
    }
    return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as symbol table: labels, .set/.equ symbols, numeric local labels
 * ("1:", "1b", "1f") and the pass bookkeeping that lets forward references
 * take the previous pass's value.
 */
#include "qemu/osdep.h"
#include "asm-int.h"
#include "asm-lex.h"

static AsmSym *sym_get(Cr16Asm *as, const char *key)
{
    AsmSym *s = g_hash_table_lookup(as->syms, key);

    if (!s) {
        s = g_new0(AsmSym, 1);
        s->name = g_strdup(key);
        g_hash_table_insert(as->syms, s->name, s);
    }
    return s;
}

/* "12" -> true: a numeric local label name. */
static bool is_local_number(const char *name, size_t len)
{
    size_t i;

    if (len == 0) {
        return false;
    }
    for (i = 0; i < len; i++) {
        if (!g_ascii_isdigit(name[i])) {
            return false;
        }
    }
    return true;
}

static unsigned local_count(Cr16Asm *as, const char *num)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(as->local_counts, num));
}

/* Table key of instance @n of local label @num (not a valid identifier,
 * so it cannot clash with user symbols). */
static char *local_key(const char *num, unsigned n)
{
    return g_strdup_printf("%s\001%u", num, n);
}

static void add_unresolved(Cr16Asm *as, const char *name, const char *key)
{
    AsmUnresolved *u = g_new0(AsmUnresolved, 1);

    u->name = g_strdup(name);
    u->key = g_strdup(key);
    u->file = as->cur_file;
    u->line = as->cur_line;
    g_ptr_array_add(as->unresolved, u);
}

AsmValue asm_sym_value(Cr16Asm *as, const char *name)
{
    AsmValue v = { 0, false };
    g_autofree char *key = NULL;
    size_t len = strlen(name);
    AsmSym *s;

    if (strcmp(name, ".") == 0) {
        v.v = as->loc;
        v.known = true;
        return v;
    }
    if (len >= 2 && (name[len - 1] == 'b' || name[len - 1] == 'f') &&
        is_local_number(name, len - 1)) {
        g_autofree char *num = g_strndup(name, len - 1);
        unsigned n = local_count(as, num);

        key = local_key(num, name[len - 1] == 'b' ? n : n + 1);
    } else {
        key = g_strdup(name);
    }
    s = g_hash_table_lookup(as->syms, key);
    if (s && s->def_pass == as->pass && s->unknown) {
        /* Its own definition already recorded why it is unknown. */
        return v;
    }
    if (s && !s->unknown &&
        (s->def_pass == as->pass || s->def_pass == as->pass - 1)) {
        v.v = s->value;
        v.known = true;
        return v;
    }
    add_unresolved(as, name, key);
    return v;
}

/* Common part of defining @key to @value in this pass. */
static AsmSym *define(Cr16Asm *as, const char *key, const char *shown,
                      int64_t value, bool is_label)
{
    AsmSym *s = sym_get(as, key);

    if (s->def_pass == as->pass && (is_label || s->is_label)) {
        asm_error(as, "symbol `%s' is already defined", shown);
        return NULL;
    }
    s->value = value;
    s->def_pass = as->pass;
    s->is_label = is_label;
    s->is_set = !is_label;
    s->unknown = false;
    return s;
}

void asm_define_label(Cr16Asm *as, const char *name)
{
    if (is_local_number(name, strlen(name))) {
        unsigned n = local_count(as, name) + 1;
        g_autofree char *key = local_key(name, n);
        AsmSym *s;

        g_hash_table_insert(as->local_counts, g_strdup(name),
                            GUINT_TO_POINTER(n));
        s = define(as, key, name, as->loc, true);
        if (s) {
            s->hidden = true;
        }
        return;
    }
    define(as, name, name, as->loc, true);
}

void asm_define_set(Cr16Asm *as, const char *name, AsmValue v)
{
    AsmSym *s = define(as, name, name, v.v, false);

    if (s && !v.known) {
        /* The unknown operand was recorded as unresolved; if it gets
         * defined later in this pass, that forces another pass. */
        s->unknown = true;
    }
}

bool asm_symbols_settled(Cr16Asm *as)
{
    GHashTableIter it;
    gpointer value;
    bool settled = true;

    /* Forward references see a symbol's value from the end of the
     * previous pass: the layout is final once those stop changing. */
    g_hash_table_iter_init(&it, as->syms);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        AsmSym *s = value;

        if (s->def_pass == as->pass &&
            (s->end_def_pass != as->pass - 1 || s->end_value != s->value)) {
            settled = false;
        }
        s->end_value = s->value;
        s->end_def_pass = s->def_pass;
    }
    return settled;
}

void asm_mark_global(Cr16Asm *as, const char *name)
{
    sym_get(as, name)->global = true;
}

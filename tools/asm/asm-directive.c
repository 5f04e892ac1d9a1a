/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as directives: location (.org .align .balign .p2align .space .skip
 * .zero .fill), data (.byte .word .short .hword .long .int .ascii .asciz
 * .string), symbols (.equ .set .global .globl), .include, sections (.text
 * .data .bss .section: accepted, one image), .end, and GCC's metadata
 * directives (.file .ident .type .size: accepted, no effect on the image).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "asm-int.h"
#include "asm-lex.h"

typedef void DirectiveFn(Cr16Asm *as, const char *name, GPtrArray *args,
                         const char *raw);

typedef struct Directive {
    const char *name;
    DirectiveFn *fn;
    int min_args;           /* operand count limits; -1 = unlimited */
    int max_args;
} Directive;

/* Evaluate operand @i of a directive; false after a diagnostic. */
static bool arg_value(Cr16Asm *as, GPtrArray *args, guint i, AsmValue *v)
{
    return asm_eval(as, g_ptr_array_index(args, i), v);
}

/* Optional fill operand @i (default 0), checked to be a byte. */
static bool fill_value(Cr16Asm *as, GPtrArray *args, guint i, uint8_t *fill)
{
    AsmValue v;

    *fill = 0;
    if (args->len <= i) {
        return true;
    }
    if (!arg_value(as, args, i, &v)) {
        return false;
    }
    if (v.known && (v.v < -128 || v.v > 255)) {
        asm_error(as, "fill value %" PRId64 " out of range (-128..255)",
                  v.v);
        return false;
    }
    *fill = (uint8_t)v.v;
    return true;
}

static void dir_org(Cr16Asm *as, const char *name, GPtrArray *args,
                    const char *raw)
{
    AsmValue v;
    uint8_t fill;

    if (!arg_value(as, args, 0, &v) || !fill_value(as, args, 1, &fill)) {
        return;
    }
    if (v.known) {
        asm_set_loc(as, v.v, fill);
    }
}

/* Pad to a multiple of @align bytes. */
static void align_to(Cr16Asm *as, int64_t align, uint8_t fill)
{
    int64_t target;

    if (align <= 1) {
        return;
    }
    target = (as->loc + align - 1) / align * align;
    asm_set_loc(as, target, fill);
}

static void dir_align(Cr16Asm *as, const char *name, GPtrArray *args,
                      const char *raw)
{
    bool p2 = strcmp(name, ".p2align") == 0;
    AsmValue v;
    uint8_t fill;

    if (!arg_value(as, args, 0, &v) || !fill_value(as, args, 1, &fill)) {
        return;
    }
    if (!v.known) {
        return;
    }
    if (p2) {
        if (v.v < 0 || v.v > 24) {
            asm_error(as, "%s %" PRId64 " out of range (0..24)", name, v.v);
            return;
        }
        align_to(as, (int64_t)1 << v.v, fill);
        return;
    }
    if (v.v < 0 || v.v > ASM_ADDR_LIMIT) {
        asm_error(as, "%s %" PRId64 " out of range (0..0x%x)", name, v.v,
                  ASM_ADDR_LIMIT);
        return;
    }
    align_to(as, v.v, fill);
}

static void dir_space(Cr16Asm *as, const char *name, GPtrArray *args,
                      const char *raw)
{
    AsmValue v;
    uint8_t fill;

    if (!arg_value(as, args, 0, &v) || !fill_value(as, args, 1, &fill)) {
        return;
    }
    if (!v.known) {
        return;
    }
    if (v.v < 0 || v.v > ASM_ADDR_LIMIT) {
        asm_error(as, "%s size %" PRId64 " out of range (0..0x%x)", name,
                  v.v, ASM_ADDR_LIMIT);
        return;
    }
    asm_emit_fill(as, fill, v.v);
}

/* Store @v as @size little-endian bytes. */
static void emit_le(Cr16Asm *as, uint64_t v, unsigned size)
{
    uint8_t buf[8];
    unsigned i;

    for (i = 0; i < size; i++) {
        buf[i] = v >> (8 * i);
    }
    asm_emit(as, buf, size);
}

static void dir_fill(Cr16Asm *as, const char *name, GPtrArray *args,
                     const char *raw)
{
    AsmValue rep, size = { 1, true }, val = { 0, true };
    int64_t i;

    if (!arg_value(as, args, 0, &rep) ||
        (args->len > 1 && !arg_value(as, args, 1, &size)) ||
        (args->len > 2 && !arg_value(as, args, 2, &val))) {
        return;
    }
    if (!rep.known || !size.known) {
        return;
    }
    if (size.v < 0 || size.v > 8) {
        asm_error(as, ".fill size %" PRId64 " out of range (0..8)", size.v);
        return;
    }
    if (rep.v < 0 || rep.v > ASM_ADDR_LIMIT ||
        rep.v * size.v > ASM_ADDR_LIMIT) {
        asm_error(as, ".fill repeat count %" PRId64 " out of range", rep.v);
        return;
    }
    for (i = 0; i < rep.v && !as->overflow_reported; i++) {
        emit_le(as, val.v, size.v);
    }
}

static void dir_data(Cr16Asm *as, const char *name, GPtrArray *args,
                     const char *raw)
{
    unsigned size;
    int64_t lo, hi;
    guint i;

    if (strcmp(name, ".byte") == 0) {
        size = 1;
    } else if (strcmp(name, ".long") == 0 || strcmp(name, ".int") == 0) {
        size = 4;
    } else {
        size = 2;
    }
    lo = -((int64_t)1 << (8 * size - 1));
    hi = ((int64_t)1 << (8 * size)) - 1;
    for (i = 0; i < args->len; i++) {
        AsmValue v;

        if (!arg_value(as, args, i, &v)) {
            v.v = 0;
        } else if (v.known && (v.v < lo || v.v > hi)) {
            asm_error(as, "value %" PRId64 " (0x%" PRIx64 ") out of range "
                      "for %s (%" PRId64 "..%" PRId64 ")", v.v,
                      (uint64_t)v.v, name, lo, hi);
            v.v = 0;
        }
        emit_le(as, v.v, size);
    }
}

static void dir_ascii(Cr16Asm *as, const char *name, GPtrArray *args,
                      const char *raw)
{
    bool nul = strcmp(name, ".ascii") != 0;
    guint i;

    for (i = 0; i < args->len; i++) {
        const char *p = g_ptr_array_index(args, i);
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        g_autoptr(GError) err = NULL;

        if (!asm_parse_string(&p, bytes, &err)) {
            asm_error(as, "%s: %s", name, err->message);
            return;
        }
        if (*asm_skip_ws(p)) {
            asm_error(as, "%s: junk after string: `%s'", name, p);
            return;
        }
        if (nul) {
            g_byte_array_append(bytes, (const guint8 *)"", 1);
        }
        asm_emit(as, bytes->data, bytes->len);
    }
}

/* A plain symbol name operand; false after a diagnostic. */
static bool symbol_name(Cr16Asm *as, const char *dir, const char *s)
{
    const char *p = s;

    if (!asm_is_ident_start(*p) || strcmp(s, ".") == 0) {
        asm_error(as, "%s: bad symbol name `%s'", dir, s);
        return false;
    }
    while (asm_is_ident_char(*p)) {
        p++;
    }
    if (*p) {
        asm_error(as, "%s: bad symbol name `%s'", dir, s);
        return false;
    }
    return true;
}

static void dir_set(Cr16Asm *as, const char *name, GPtrArray *args,
                    const char *raw)
{
    const char *sym = g_ptr_array_index(args, 0);
    AsmValue v;

    if (!symbol_name(as, name, sym) || !arg_value(as, args, 1, &v)) {
        return;
    }
    asm_define_set(as, sym, v);
}

static void dir_global(Cr16Asm *as, const char *name, GPtrArray *args,
                       const char *raw)
{
    guint i;

    for (i = 0; i < args->len; i++) {
        const char *sym = g_ptr_array_index(args, i);

        if (symbol_name(as, name, sym)) {
            asm_mark_global(as, sym);
        }
    }
}

/* Find an include file: the including file's directory, -I dirs, then the
 * working directory.  Returns NULL when none exists. */
static char *find_include(Cr16Asm *as, const char *file)
{
    g_autofree char *dir = NULL;
    char *path;
    guint i;

    if (g_path_is_absolute(file)) {
        return g_file_test(file, G_FILE_TEST_IS_REGULAR) ? g_strdup(file)
                                                          : NULL;
    }
    dir = g_path_get_dirname(as->cur_file);
    path = g_build_filename(dir, file, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        return path;
    }
    g_free(path);
    for (i = 0; i < as->include_dirs->len; i++) {
        path = g_build_filename(g_ptr_array_index(as->include_dirs, i),
                                file, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            return path;
        }
        g_free(path);
    }
    if (g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
        return g_strdup(file);
    }
    return NULL;
}

static void dir_include(Cr16Asm *as, const char *name, GPtrArray *args,
                        const char *raw)
{
    const char *p = g_ptr_array_index(args, 0);
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *file = NULL;
    g_autofree char *path = NULL;

    if (!asm_parse_string(&p, bytes, &err)) {
        asm_error(as, ".include: %s", err->message);
        return;
    }
    if (*asm_skip_ws(p)) {
        asm_error(as, ".include: junk after file name: `%s'", p);
        return;
    }
    if (bytes->len == 0 || memchr(bytes->data, '\0', bytes->len)) {
        asm_error(as, ".include: bad file name");
        return;
    }
    file = g_strndup((const char *)bytes->data, bytes->len);
    path = find_include(as, file);
    if (!path) {
        asm_error(as, "can't open include file `%s': No such file or "
                  "directory", file);
        return;
    }
    asm_process_file(as, path);
}

static void dir_end(Cr16Asm *as, const char *name, GPtrArray *args,
                    const char *raw)
{
    as->ended = true;
}

/* Section switches and metadata: accepted; one output image. */
static void dir_accept(Cr16Asm *as, const char *name, GPtrArray *args,
                       const char *raw)
{
}

static const Directive directives[] = {
    { ".org", dir_org, 1, 2 },
    { ".align", dir_align, 1, 2 },
    { ".balign", dir_align, 1, 2 },
    { ".p2align", dir_align, 1, 2 },
    { ".space", dir_space, 1, 2 },
    { ".skip", dir_space, 1, 2 },
    { ".zero", dir_space, 1, 1 },
    { ".fill", dir_fill, 1, 3 },
    { ".byte", dir_data, 1, -1 },
    { ".word", dir_data, 1, -1 },
    { ".short", dir_data, 1, -1 },
    { ".hword", dir_data, 1, -1 },
    { ".long", dir_data, 1, -1 },
    { ".int", dir_data, 1, -1 },
    { ".ascii", dir_ascii, 1, -1 },
    { ".asciz", dir_ascii, 1, -1 },
    { ".string", dir_ascii, 1, -1 },
    { ".equ", dir_set, 2, 2 },
    { ".set", dir_set, 2, 2 },
    { ".global", dir_global, 1, -1 },
    { ".globl", dir_global, 1, -1 },
    { ".include", dir_include, 1, 1 },
    { ".text", dir_accept, 0, 1 },
    { ".data", dir_accept, 0, 1 },
    { ".bss", dir_accept, 0, 1 },
    { ".section", dir_accept, 1, -1 },
    { ".file", dir_accept, 0, -1 },
    { ".ident", dir_accept, 0, -1 },
    { ".type", dir_accept, 0, -1 },
    { ".size", dir_accept, 0, -1 },
    { ".end", dir_end, 0, 0 },
};

void asm_directive(Cr16Asm *as, const char *name, const char *raw)
{
    g_autoptr(GPtrArray) args = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *lower = g_ascii_strdown(name, -1);
    const Directive *d = NULL;
    guint i;

    for (i = 0; i < G_N_ELEMENTS(directives); i++) {
        if (strcmp(directives[i].name, lower) == 0) {
            d = &directives[i];
            break;
        }
    }
    if (!d) {
        asm_error(as, "unknown directive `%s'", name);
        return;
    }
    args = asm_split_operands(raw, &err);
    if (!args) {
        asm_error(as, "%s: %s", name, err->message);
        return;
    }
    if ((int)args->len < d->min_args ||
        (d->max_args >= 0 && (int)args->len > d->max_args)) {
        if (d->min_args == d->max_args) {
            asm_error(as, "%s takes %d operand%s, got %u", d->name,
                      d->min_args, d->min_args == 1 ? "" : "s", args->len);
        } else if (d->max_args < 0) {
            asm_error(as, "%s takes at least %d operand%s", d->name,
                      d->min_args, d->min_args == 1 ? "" : "s");
        } else {
            asm_error(as, "%s takes %d to %d operands, got %u", d->name,
                      d->min_args, d->max_args, args->len);
        }
        return;
    }
    d->fn(as, lower, args, raw);
}

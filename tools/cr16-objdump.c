/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-objdump: command-line front end of the CR16C disassembly lister
 * (tools/objdump/), for ELF files and flat binary images.
 */
#include "qemu/osdep.h"
#include "objdump/objdump.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cr16-objdump <option(s)> FILE...\n"
            "Disassemble CR16C code in ELF files or flat binary images.\n"
            "\n"
            "Options:\n"
            "  -d, --disassemble        disassemble executable sections\n"
            "  -D, --disassemble-all    disassemble all loaded sections\n"
            "  -b, --target=BFDNAME     input format: elf32-cr16 (default)"
            " or binary\n"
            "  -m, --architecture=MACH  machine (only cr16)\n"
            "  --start-address=ADDR     start at address ADDR\n"
            "  --stop-address=ADDR      stop before address ADDR\n"
            "  --adjust-vma=OFFSET      add OFFSET to all addresses\n"
            "  --help                   show this help and exit\n"
            "  --version                show the version and exit\n");
}

/* Parse a C-style number (0x.., 0.., decimal, optional sign). */
static bool parse_number(const char *s, int64_t *v)
{
    char *end;

    if (!*s) {
        return false;
    }
    errno = 0;
    *v = g_ascii_strtoll(s, &end, 0);
    return errno == 0 && *end == '\0';
}

/* Value of option @name given as "--name=V", "--name V", "-xV", "-x V". */
static const char *opt_arg(int argc, char **argv, int *i, const char *lng,
                           const char *shrt)
{
    const char *a = argv[*i];
    size_t n = strlen(lng);

    if (strncmp(a, lng, n) == 0 && a[n] == '=') {
        return a + n + 1;
    }
    if (strcmp(a, lng) == 0 || (shrt && strcmp(a, shrt) == 0)) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "cr16-objdump: option '%s' requires an "
                    "argument\n", a);
            return NULL;
        }
        return argv[++*i];
    }
    if (shrt && strncmp(a, shrt, 2) == 0 && a[2]) {
        return a + 2;
    }
    return NULL;
}

static bool is_opt(const char *a, const char *lng, const char *shrt)
{
    size_t n = strlen(lng);

    return (strncmp(a, lng, n) == 0 && (a[n] == '=' || a[n] == '\0')) ||
           (shrt && strncmp(a, shrt, 2) == 0);
}

/* The long name of an address option spelled by @a, or NULL. */
static const char *address_option(const char *a)
{
    static const char *const names[] = {
        "--start-address", "--stop-address", "--adjust-vma",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        if (is_opt(a, names[i], NULL)) {
            return names[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    Cr16DumpOptions opts = { 0 };
    g_autoptr(GPtrArray) files = g_ptr_array_new();
    bool action = false;
    int status = 0;
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v, *lng;
        int64_t n;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-H") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("cr16-objdump (qemu-cr16) %s\n", QEMU_VERSION);
            return 0;
        } else if (strcmp(a, "-d") == 0 || strcmp(a, "--disassemble") == 0) {
            action = true;
        } else if (strcmp(a, "-D") == 0 ||
                   strcmp(a, "--disassemble-all") == 0) {
            action = true;
            opts.all = true;
        } else if (is_opt(a, "--target", "-b")) {
            if (!(v = opt_arg(argc, argv, &i, "--target", "-b"))) {
                return 1;
            }
            if (strcmp(v, "binary") == 0) {
                opts.binary = true;
            } else if (strcmp(v, "elf32-cr16") == 0) {
                opts.binary = false;
            } else {
                fprintf(stderr, "cr16-objdump: can't use supplied target "
                        "'%s' (elf32-cr16 or binary)\n", v);
                return 1;
            }
        } else if (is_opt(a, "--architecture", "-m")) {
            if (!(v = opt_arg(argc, argv, &i, "--architecture", "-m"))) {
                return 1;
            }
            if (g_ascii_strcasecmp(v, "cr16") != 0 &&
                g_ascii_strcasecmp(v, "cr16c") != 0) {
                fprintf(stderr, "cr16-objdump: can't use supplied machine "
                        "%s\n", v);
                return 1;
            }
        } else if ((lng = address_option(a))) {
            if (!(v = opt_arg(argc, argv, &i, lng, NULL))) {
                return 1;
            }
            if (!parse_number(v, &n)) {
                fprintf(stderr, "cr16-objdump: bad number '%s' for %s\n", v,
                        lng);
                return 1;
            }
            if (strcmp(lng, "--adjust-vma") == 0) {
                opts.adjust_vma = n;
            } else if (strcmp(lng, "--start-address") == 0) {
                opts.has_start = true;
                opts.start = n;
            } else {
                opts.has_stop = true;
                opts.stop = n;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "cr16-objdump: unrecognized option '%s'\n", a);
            usage(stderr);
            return 1;
        } else {
            g_ptr_array_add(files, (char *)a);
        }
    }
    if (!action) {
        fprintf(stderr, "cr16-objdump: no action given (use -d or -D)\n");
        usage(stderr);
        return 1;
    }
    if (files->len == 0) {
        g_ptr_array_add(files, (char *)"a.out");
    }
    for (i = 0; i < (int)files->len; i++) {
        const char *name = g_ptr_array_index(files, i);
        g_autoptr(GError) err = NULL;
        g_autofree char *data = NULL;
        GString *out = g_string_new(NULL);
        gsize len;

        if (!g_file_get_contents(name, &data, &len, &err) ||
            !cr16_objdump(name, (const uint8_t *)data, len, &opts, out,
                          &err)) {
            fprintf(stderr, "cr16-objdump: %s\n", err->message);
            status = 1;
        } else {
            fputs(out->str, stdout);
        }
        g_string_free(out, true);
    }
    return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr16-as: command-line front end of the CR16C assembler (tools/asm/).
 * Writes an ELF32 executable (default) or a flat image (--raw).
 */
#include "qemu/osdep.h"
#include "asm/asm.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: cr16-as [options] FILE.s...\n"
            "Assemble CR16C source (GNU as syntax) into an ELF32 executable.\n"
            "\n"
            "Options:\n"
            "  -o FILE      write the output to FILE (default a.out)\n"
            "  --raw        write a flat binary image (from address 0 or the\n"
            "               first .org) instead of ELF\n"
            "  --listing    print a listing (address, bytes, source) to "
            "stdout\n"
            "  -I DIR       search DIR for .include files\n"
            "  --MD FILE    write a make-style dependency file\n"
            "  --help       show this help and exit\n"
            "  --version    show the version and exit\n"
            "\n"
            "Several input files are assembled as if concatenated.\n");
}

/* "OUT: SRC..." for build systems; spaces in names are escaped. */
static bool write_depfile(const Cr16Asm *as, const char *depfile,
                          const char *output, GError **errp)
{
    g_autofree const char **files = cr16_asm_source_files(as);
    GString *s = g_string_new(NULL);
    const char *const *f;
    const char *p;
    bool ok;

    for (p = output; *p; p++) {
        g_string_append_printf(s, "%s%c", *p == ' ' ? "\\" : "", *p);
    }
    g_string_append_c(s, ':');
    for (f = files; *f; f++) {
        /* Skip the synthetic file that lists several inputs. */
        if (strcmp(*f, "<command line>") == 0) {
            continue;
        }
        g_string_append_c(s, ' ');
        for (p = *f; *p; p++) {
            g_string_append_printf(s, "%s%c", *p == ' ' ? "\\" : "", *p);
        }
    }
    g_string_append_c(s, '\n');
    ok = g_file_set_contents(depfile, s->str, s->len, errp);
    g_string_free(s, true);
    return ok;
}

/* Quote @path for a .include line. */
static void append_include(GString *s, const char *path)
{
    const char *p;

    g_string_append(s, ".include \"");
    for (p = path; *p; p++) {
        if (*p == '"' || *p == '\\') {
            g_string_append_c(s, '\\');
        }
        g_string_append_c(s, *p);
    }
    g_string_append(s, "\"\n");
}

int main(int argc, char **argv)
{
    g_autoptr(Cr16Asm) as = cr16_asm_new();
    g_autoptr(GPtrArray) inputs = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    const char *output = "a.out";
    const char *depfile = NULL;
    bool raw = false, listing = false, ok;
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("cr16-as (qemu-cr16) %s\n", QEMU_VERSION);
            return 0;
        } else if (strcmp(a, "--raw") == 0) {
            raw = true;
        } else if (strcmp(a, "--listing") == 0) {
            listing = true;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "-I") == 0 ||
                   strcmp(a, "--MD") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "cr16-as: option %s needs an argument\n", a);
                return 1;
            }
            if (strcmp(a, "-o") == 0) {
                output = argv[++i];
            } else if (strcmp(a, "-I") == 0) {
                cr16_asm_add_include_dir(as, argv[++i]);
            } else {
                depfile = argv[++i];
            }
        } else if (strncmp(a, "-I", 2) == 0) {
            cr16_asm_add_include_dir(as, a + 2);
        } else if (strncmp(a, "-o", 2) == 0) {
            output = a + 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "cr16-as: unrecognized option '%s'\n", a);
            usage(stderr);
            return 1;
        } else {
            g_ptr_array_add(inputs, (char *)a);
        }
    }
    if (inputs->len == 0) {
        fprintf(stderr, "cr16-as: no input files\n");
        usage(stderr);
        return 1;
    }
    if (inputs->len == 1) {
        ok = cr16_asm_assemble_file(as, g_ptr_array_index(inputs, 0), &err);
    } else {
        GString *src = g_string_new(NULL);

        for (i = 0; i < (int)inputs->len; i++) {
            append_include(src, g_ptr_array_index(inputs, i));
        }
        ok = cr16_asm_assemble_string(as, "<command line>", src->str, &err);
        g_string_free(src, true);
    }
    if (listing) {
        g_autofree char *text = cr16_asm_listing(as);

        fputs(text, stdout);
        fflush(stdout);
    }
    if (!ok) {
        fprintf(stderr, "%s\n", err->message);
        return 1;
    }
    if (raw) {
        uint32_t base;
        size_t len;
        const uint8_t *image = cr16_asm_image(as, &base, &len);

        ok = g_file_set_contents(output, (const char *)image, len, &err);
    } else {
        g_autoptr(GBytes) elf = cr16_asm_to_elf(as);
        gsize len;
        const char *data = g_bytes_get_data(elf, &len);

        ok = g_file_set_contents(output, data, len, &err);
    }
    if (!ok) {
        fprintf(stderr, "cr16-as: Error: can't write %s: %s\n", output,
                err->message);
        return 1;
    }
    if (depfile && !write_depfile(as, depfile, output, &err)) {
        fprintf(stderr, "cr16-as: Error: can't write %s: %s\n", depfile,
                err->message);
        return 1;
    }
    return 0;
}

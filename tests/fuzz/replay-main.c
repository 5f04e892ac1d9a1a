/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay driver: turns a fuzz target into a plain program that runs it
 * once per input file, for `make check` and for reproducing a crash with
 * any compiler.  Arguments are files or folders (every regular file in a
 * folder, in name order, except README*).  Exit status 0 when every input
 * ran; a finding crashes the program, naming the input on stderr first.
 */
#include "qemu/osdep.h"

#include "fuzz.h"

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool replay_file(const char *path, unsigned *count)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "replay: %s\n", err->message);
        return false;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, (size_t)len);
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    (*count)++;
    return true;
}

static bool replay_dir(const char *path, unsigned *count)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(path, 0, &err);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (!dir) {
        fprintf(stderr, "replay: %s\n", err->message);
        return false;
    }
    while ((name = g_dir_read_name(dir))) {
        if (name[0] != '.' && !g_str_has_prefix(name, "README")) {
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
        }
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);

        if (g_file_test(file, G_FILE_TEST_IS_REGULAR) &&
            !replay_file(file, count)) {
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    unsigned count = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        bool ok = g_file_test(argv[i], G_FILE_TEST_IS_DIR)
                  ? replay_dir(argv[i], &count)
                  : replay_file(argv[i], &count);
        if (!ok) {
            return 1;
        }
    }
    if (count == 0) {
        fprintf(stderr, "replay: no inputs given\n");
        return 1;
    }
    printf("replayed %u inputs without a finding\n", count);
    return 0;
}

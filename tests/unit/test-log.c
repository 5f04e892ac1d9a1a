/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for util/log.c: "-d" item parsing, "-d help", the log mask,
 * and the "-D" output file ("%d" -> pid, open errors, thread safety).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"

/* ---- capturing a standard stream through a temporary file ---- */

typedef struct Capture {
    FILE *stream;
    int target_fd;
    int saved_fd;
    int tmp_fd;
    char *path;
} Capture;

static void capture_begin(Capture *c, FILE *stream)
{
    GError *err = NULL;

    c->stream = stream;
    c->target_fd = fileno(stream);
    fflush(stream);
    c->tmp_fd = g_file_open_tmp("test-log-XXXXXX", &c->path, &err);
    g_assert_no_error(err);
    c->saved_fd = dup(c->target_fd);
    g_assert_cmpint(c->saved_fd, >=, 0);
    g_assert_cmpint(dup2(c->tmp_fd, c->target_fd), ==, c->target_fd);
}

/* Restore the stream and return what was written to it (caller frees). */
static char *capture_end(Capture *c)
{
    char *text = NULL;

    fflush(c->stream);
    g_assert_cmpint(dup2(c->saved_fd, c->target_fd), ==, c->target_fd);
    close(c->saved_fd);
    close(c->tmp_fd);
    g_assert_true(g_file_get_contents(c->path, &text, NULL, NULL));
    unlink(c->path);
    g_free(c->path);
    return text;
}

/* ---- -d items ---- */

typedef struct ItemCase {
    const char *str;
    int mask;               /* -1: error */
    const char *bad;
} ItemCase;

static const ItemCase item_cases[] = {
    { "", 0, NULL },
    { "in_asm", CPU_LOG_TB_IN_ASM, NULL },
    { "int", CPU_LOG_INT, NULL },
    { "exec", CPU_LOG_EXEC, NULL },
    { "cpu", CPU_LOG_TB_CPU, NULL },
    { "cpu_reset", CPU_LOG_RESET, NULL },
    { "unimp", LOG_UNIMP, NULL },
    { "guest_errors", LOG_GUEST_ERROR, NULL },
    { "nochain", CPU_LOG_TB_NOCHAIN, NULL },
    { "out_asm", CPU_LOG_TB_OUT_ASM, NULL },
    { "in_asm,int", CPU_LOG_TB_IN_ASM | CPU_LOG_INT, NULL },
    { "int,in_asm,int", CPU_LOG_TB_IN_ASM | CPU_LOG_INT, NULL },
    { ",guest_errors,,unimp,", LOG_GUEST_ERROR | LOG_UNIMP, NULL },
    { "trace:memory_*", LOG_TRACE, NULL },      /* enables trace events */
    { "unimp,trace:foo", LOG_UNIMP | LOG_TRACE, NULL },
    { "bogus", -1, "bogus" },
    { "in_asm,bogus2,int", -1, "bogus2" },
    { "IN_ASM", -1, "IN_ASM" },
    { "in_asm ", -1, "in_asm " },
    { "help", -1, "help" },
};

static void test_parse_items(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(item_cases); i++) {
        const ItemCase *c = &item_cases[i];
        g_autofree char *bad = NULL;
        int mask = qemu_log_parse_items(c->str, &bad);

        if (mask != c->mask) {
            g_error("'%s': mask %d, expected %d", c->str, mask, c->mask);
        }
        g_assert_cmpstr(bad, ==, c->bad);
    }
}

static void test_parse_all(void)
{
    g_autofree char *bad = NULL;
    int all = qemu_log_parse_items("all", &bad);
    int want = CPU_LOG_TB_OUT_ASM | CPU_LOG_TB_IN_ASM | CPU_LOG_EXEC |
               CPU_LOG_INT | CPU_LOG_TB_CPU | CPU_LOG_RESET | LOG_UNIMP |
               LOG_GUEST_ERROR | CPU_LOG_TB_NOCHAIN;

    g_assert_null(bad);
    g_assert_cmpint(all, ==, want);
    g_assert_cmpint(qemu_log_parse_items("int,all", &bad), ==, want);
}

static void test_help(void)
{
    static const char *const items[] = {
        "in_asm", "int", "exec", "cpu", "cpu_reset", "unimp",
        "guest_errors", "nochain",
    };
    Capture c;
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;

    capture_begin(&c, stdout);
    qemu_log_print_help();
    out = capture_end(&c);

    g_assert_true(g_str_has_prefix(out, "Log items (comma separated):\n"));
    lines = g_strsplit(out, "\n", -1);
    /* Every item the CLI spec requires is listed, at a line start. */
    for (size_t i = 0; i < G_N_ELEMENTS(items); i++) {
        bool found = false;

        for (int l = 1; lines[l]; l++) {
            g_auto(GStrv) words = g_strsplit(lines[l], " ", 2);

            if (words[0] && !strcmp(words[0], items[i])) {
                g_assert_cmpuint(strlen(lines[l]), >, strlen(items[i]) + 2);
                found = true;
            }
        }
        if (!found) {
            g_error("item '%s' missing from -d help", items[i]);
        }
    }
    /* Each listed item parses. */
    for (int l = 1; lines[l] && lines[l][0]; l++) {
        g_auto(GStrv) words = g_strsplit(lines[l], " ", 2);
        g_autofree char *bad = NULL;

        g_assert_cmpint(qemu_log_parse_items(words[0], &bad), >, 0);
    }
}

/* ---- output ---- */

static void test_log_to_stderr_and_mask(void)
{
    Capture c;
    g_autofree char *out = NULL;

    /* Before any -D: stderr. */
    g_assert_true(qemu_log_set(LOG_GUEST_ERROR, NULL, NULL));
    g_assert_true(qemu_loglevel_mask(LOG_GUEST_ERROR));
    g_assert_false(qemu_loglevel_mask(LOG_UNIMP));
    capture_begin(&c, stderr);
    qemu_log_mask(LOG_GUEST_ERROR, "bad write at 0x%x\n", 0x10);
    qemu_log_mask(LOG_UNIMP, "not shown\n");
    qemu_log_mask(LOG_UNIMP | LOG_GUEST_ERROR, "either %s\n", "category");
    qemu_log("always %d\n", 7);
    out = capture_end(&c);
    g_assert_cmpstr(out, ==,
                    "bad write at 0x10\neither category\nalways 7\n");

    g_assert_true(qemu_log_set(0, NULL, NULL));
    g_assert_cmpint(qemu_loglevel, ==, 0);
    g_assert_false(qemu_loglevel_mask(LOG_GUEST_ERROR));
}

static void test_log_file_pid(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-log-XXXXXX", NULL);
    g_autofree char *pattern = g_build_filename(dir, "qemu-%d.log", NULL);
    g_autofree char *name = g_strdup_printf("qemu-%d.log", (int)getpid());
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *second = g_build_filename(dir, "second.log", NULL);
    g_autofree char *text = NULL;
    GError *err = NULL;

    g_assert_nonnull(dir);
    g_assert_true(qemu_log_set(CPU_LOG_INT, pattern, &err));
    g_assert_no_error(err);
    g_assert_cmpint(qemu_loglevel, ==, CPU_LOG_INT);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));

    /* Line-buffered: a full line is in the file right away. */
    qemu_log_mask(CPU_LOG_INT, "exception %d\n", 5);
    qemu_log_mask(LOG_UNIMP, "filtered\n");
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "exception 5\n");
    g_clear_pointer(&text, g_free);

    /* A file that cannot be opened: error, old file and mask kept. */
    g_assert_false(qemu_log_set(LOG_UNIMP, "/nonexistent-dir/x.log", &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==,
                    "Error opening logfile /nonexistent-dir/x.log: "
                    "No such file or directory");
    g_clear_error(&err);
    g_assert_cmpint(qemu_loglevel, ==, CPU_LOG_INT);
    qemu_log("still here\n");
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "exception 5\nstill here\n");
    g_clear_pointer(&text, g_free);

    /* A new file replaces the old one; the name without %d is kept. */
    g_assert_true(qemu_log_set(LOG_UNIMP, second, &err));
    g_assert_no_error(err);
    qemu_log("to the second\n");
    g_assert_true(g_file_get_contents(second, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "to the second\n");
    g_clear_pointer(&text, g_free);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "exception 5\nstill here\n");
    g_clear_pointer(&text, g_free);

    /* The file is truncated when opened again. */
    g_assert_true(qemu_log_set(LOG_UNIMP, pattern, &err));
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "");
    g_clear_pointer(&text, g_free);

    g_assert_true(qemu_log_set(0, second, NULL));
    unlink(path);
    unlink(second);
    rmdir(dir);
}

#define LOG_THREADS 4
#define LOG_LINES 300

static gpointer log_thread_fn(gpointer opaque)
{
    int id = GPOINTER_TO_INT(opaque);

    for (int i = 0; i < LOG_LINES; i++) {
        qemu_log("thread %d line %d of a longer message\n", id, i);
    }
    return NULL;
}

static void test_log_threads(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "threads.log", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GThread *th[LOG_THREADS];
    int next[LOG_THREADS] = { 0 };
    int count = 0;

    g_assert_true(qemu_log_set(LOG_GUEST_ERROR, path, NULL));
    for (int i = 0; i < LOG_THREADS; i++) {
        th[i] = g_thread_new("log", log_thread_fn, GINT_TO_POINTER(i));
    }
    for (int i = 0; i < LOG_THREADS; i++) {
        g_thread_join(th[i]);
    }
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    /* Whole lines, each thread's in its own order. */
    for (int l = 0; lines[l] && lines[l][0]; l++) {
        int id, n;
        char tail[64];

        g_assert_cmpint(sscanf(lines[l], "thread %d line %d of a %63[^\n]",
                               &id, &n, tail), ==, 3);
        g_assert_cmpstr(tail, ==, "longer message");
        g_assert_cmpint(id, >=, 0);
        g_assert_cmpint(id, <, LOG_THREADS);
        g_assert_cmpint(n, ==, next[id]);
        next[id]++;
        count++;
    }
    g_assert_cmpint(count, ==, LOG_THREADS * LOG_LINES);
    g_assert_true(qemu_log_set(0, NULL, NULL));
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/log/items/parse", test_parse_items);
    g_test_add_func("/log/items/all", test_parse_all);
    g_test_add_func("/log/items/help", test_help);
    g_test_add_func("/log/output/stderr-and-mask", test_log_to_stderr_and_mask);
    g_test_add_func("/log/output/file-pid", test_log_file_pid);
    g_test_add_func("/log/output/threads", test_log_threads);
    return g_test_run();
}

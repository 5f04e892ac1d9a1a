/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -readconfig / -writeconfig: a file configures what the same options on
 * the command line would, -writeconfig's output reads back to the same
 * configuration, and bad files fail with QEMU's messages (file:line).
 */
#include "qemu/osdep.h"
#include <glib/gstdio.h>
#include "libqtest.h"

static char *tmp_dir;

static char *write_tmp(const char *name, const char *text)
{
    char *path = g_build_filename(tmp_dir, name, NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Run the emulator to completion; returns its exit status, stderr in *err. */
static int run_qemu(const char *args, char **out, char **err)
{
    g_autofree char *cmd = g_strdup_printf("%s %s",
                                           g_getenv("QTEST_QEMU_BINARY"),
                                           args);
    g_auto(GStrv) argv = NULL;
    int status;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, NULL));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *config =
    "# a comment, then a blank line\n"
    "\n"
    "[machine]\n"
    "  type = \"virt\"\n"
    "\n"
    "[memory]\n"
    "  size = \"64M\"\n"
    "\n"
    "[name]\n"
    "  guest = \"vm,one\"\n"
    "\n"
    "[chardev \"c0\"]\n"
    "  backend = \"ringbuf\"\n"
    "  size = \"4096\"\n";

static void assert_configured(QTestState *qts)
{
    g_autoptr(JsonObject) name = qtest_qmp(qts, "{'execute': 'query-name'}");
    g_autoptr(JsonObject) mem = qtest_qmp(qts,
        "{'execute': 'query-memory-size-summary'}");
    g_autoptr(JsonObject) w = qtest_qmp(qts,
        "{'execute': 'ringbuf-write', 'arguments': "
        "{'device': 'c0', 'data': 'hello'}}");
    g_autoptr(JsonObject) r = qtest_qmp(qts,
        "{'execute': 'ringbuf-read', 'arguments': "
        "{'device': 'c0', 'size': 16}}");

    /* The comma in the value survived QemuOpts' escaping. */
    g_assert_cmpstr(json_object_get_string_member(
        json_object_get_object_member(name, "return"), "name"), ==,
        "vm,one");
    g_assert_cmpint(json_object_get_int_member(
        json_object_get_object_member(mem, "return"), "base-memory"), ==,
        64 << 20);
    g_assert_true(json_object_has_member(w, "return"));
    g_assert_cmpstr(json_object_get_string_member(r, "return"), ==, "hello");
}

static void test_readconfig(void)
{
    g_autofree char *path = write_tmp("vm.cfg", config);
    QTestState *qts = qtest_initf("-readconfig %s -S", path);

    assert_configured(qts);
    qtest_quit(qts);
}

/* -writeconfig's file, read back, gives the same machine. */
static void test_round_trip(void)
{
    g_autofree char *in = write_tmp("in.cfg", config);
    g_autofree char *saved = g_build_filename(tmp_dir, "saved.cfg", NULL);
    g_autofree char *text = NULL, *out = NULL, *err = NULL;
    g_autofree char *args = g_strdup_printf(
        "-readconfig %s -writeconfig %s -kernel /nonexistent/k.elf", in,
        saved);
    QTestState *qts;

    /* Written once the options are parsed, before the missing kernel
     * stops the run (libqtest's own chardevs would be written too). */
    g_assert_cmpint(run_qemu(args, &out, &err), ==, 1);
    g_assert_true(g_file_get_contents(saved, &text, NULL, NULL));
    g_assert_true(g_str_has_prefix(text, "# qemu config file\n\n"));
    g_assert_nonnull(strstr(text, "[chardev \"c0\"]\n"
                                  "  backend = \"ringbuf\"\n"
                                  "  size = \"4096\"\n\n"));
    qts = qtest_initf("-readconfig %s -S", saved);
    assert_configured(qts);
    qtest_quit(qts);
}

/*
 * -writeconfig - prints the command line's groups once all options are
 * parsed (here the run then fails on the missing kernel).
 */
static void test_writeconfig_stdout(void)
{
    g_autofree char *out = NULL, *err = NULL;
    int rc = run_qemu("-nodefaults -name g1 -chardev null,id=n0 -m 32M "
                      "-writeconfig - -kernel /nonexistent/k.elf",
                      &out, &err);

    g_assert_cmpint(rc, ==, 1);
    g_assert_cmpstr(out, ==,
                    "# qemu config file\n\n"
                    "[memory]\n  size = \"32M\"\n\n"
                    "[name]\n  guest = \"g1\"\n\n"
                    "[chardev \"n0\"]\n  backend = \"null\"\n\n");
}

static void test_errors(void)
{
    static const struct {
        const char *text;       /* NULL: the file does not exist */
        const char *message;    /* %s: the file's path */
    } cases[] = {
        { "[foo]\n", "qemu-system-cr16: There is no option group 'foo'\n" },
        { "garbage\n", "qemu-system-cr16:%s:1: no group defined\n" },
        { "# c\n[chardev]\n backend=\"null\"\n",
          "qemu-system-cr16:%s:3: Invalid parameter 'backend=\"null\"'\n" },
        { "[chardev \"c0\"]\n  backend = \"null\"\n  bogus = \"1\"\n",
          "qemu-system-cr16:%s:3: Invalid parameter 'bogus'\n" },
        /* Found when the chardev is created: the group's line. */
        { "\n[chardev \"c0\"]\n  backend = \"nope\"\n",
          "qemu-system-cr16:%s:2: 'nope' is not a valid char driver name\n" },
        { NULL, "qemu-system-cr16: -readconfig %s: Could not open '%s': "
                "No such file or directory\n" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("bad%zu.cfg", i);
        g_autofree char *path = cases[i].text ?
            write_tmp(name, cases[i].text) :
            g_build_filename(tmp_dir, "missing.cfg", NULL);
        g_autofree char *args = g_strdup_printf("-readconfig %s -S", path);
        g_autofree char *want = g_strdup_printf(cases[i].message, path, path);
        g_autofree char *out = NULL, *err = NULL;

        g_assert_cmpint(run_qemu(args, &out, &err), ==, 1);
        g_assert_cmpstr(err, ==, want);
    }
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmp_dir = g_dir_make_tmp("readconfig-XXXXXX", NULL);
    g_assert_nonnull(tmp_dir);
    qtest_add_func("/readconfig/groups", test_readconfig);
    qtest_add_func("/readconfig/writeconfig-round-trip", test_round_trip);
    qtest_add_func("/readconfig/writeconfig-order", test_writeconfig_stdout);
    qtest_add_func("/readconfig/errors", test_errors);
    ret = g_test_run();
    {
        g_autoptr(GDir) d = g_dir_open(tmp_dir, 0, NULL);
        const char *n;

        while (d && (n = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(tmp_dir, n, NULL);

            g_unlink(p);
        }
    }
    g_rmdir(tmp_dir);
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli-test: runs qemu-system-cr16 directly (no libqtest) and checks its
 * command line against spec/cli.md: help and version output, that every
 * documented option syntax is accepted (the emulator is started with a QMP
 * monitor on a socket this test listens on, then told to quit), the
 * documented error messages and exit status 1 for bad input, and signal
 * handling. Every child is bounded by a deadline.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

/* Every wait in this test is bounded by this. */
#define CLI_TIMEOUT_US      (30 * G_USEC_PER_SEC)
#define CLI_PROG            "qemu-system-cr16"
#define CLI_PREFIX          CLI_PROG ": "

typedef struct CliProc {
    GPid pid;
    bool exited;
    int wstatus;
    int out_fd;                 /* -1 after EOF */
    int err_fd;
    GString *out;
    GString *err;
    char *dir;                  /* scratch directory ("@" in arguments) */
    int qmp_fd;                 /* -1 without monitor */
    GString *qmp_in;            /* QMP bytes not yet consumed */
} CliProc;

/*
 * A failing check inside a test kills the child and ends only that test:
 * cli_fail() marks the test failed and jumps back to cli_trampoline(),
 * which then frees every CliProc the test still had.
 */
static jmp_buf cli_test_env;
static GList *cli_live_procs;

typedef struct CliTest {
    void (*fn)(const void *data);   /* either this with data... */
    const void *data;
    void (*plain)(void);            /* ...or this */
} CliTest;

static const char *cli_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    if (!bin) {
        fprintf(stderr, "Environment variable QTEST_QEMU_BINARY required\n");
        exit(1);
    }
    return bin;
}

static CliProc *cli_proc_new(void)
{
    CliProc *p = g_new0(CliProc, 1);

    p->out_fd = p->err_fd = p->qmp_fd = -1;
    p->out = g_string_new(NULL);
    p->err = g_string_new(NULL);
    p->qmp_in = g_string_new(NULL);
    p->dir = g_dir_make_tmp("cli-test-XXXXXX", NULL);
    g_assert_nonnull(p->dir);
    cli_live_procs = g_list_prepend(cli_live_procs, p);
    return p;
}

static void cli_rmtree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d) {
        return;
    }
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        unlink(path);
    }
    g_dir_close(d);
    rmdir(dir);
}

static void cli_proc_free(CliProc *p)
{
    cli_live_procs = g_list_remove(cli_live_procs, p);
    if (p->pid > 0 && !p->exited) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
    }
    if (p->out_fd >= 0) {
        close(p->out_fd);
    }
    if (p->err_fd >= 0) {
        close(p->err_fd);
    }
    if (p->qmp_fd >= 0) {
        close(p->qmp_fd);
    }
    g_string_free(p->out, true);
    g_string_free(p->err, true);
    g_string_free(p->qmp_in, true);
    cli_rmtree(p->dir);
    g_free(p->dir);
    g_free(p);
}

/* Kill the child, show what it printed and fail the test. */
static void cli_fail(CliProc *p, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3) QEMU_NORETURN;

static void cli_fail(CliProc *p, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (p->pid > 0 && !p->exited) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, &p->wstatus, 0);
        p->exited = true;
    }
    g_test_message("stdout:\n%s\nstderr:\n%s", p->out->str, p->err->str);
    g_test_fail_printf("%s", msg);
    longjmp(cli_test_env, 1);
}

static void cli_trampoline(const void *opaque)
{
    const CliTest *t = opaque;

    if (setjmp(cli_test_env) == 0) {
        if (t->plain) {
            t->plain();
        } else {
            t->fn(t->data);
        }
    }
    while (cli_live_procs) {
        cli_proc_free(cli_live_procs->data);
    }
}

/* Register fn(data) under path. */
static void cli_add(const char *path, void (*fn)(const void *data),
                    const void *data)
{
    CliTest *t = g_new0(CliTest, 1);

    t->fn = fn;
    t->data = data;
    g_test_add_data_func_full(path, t, cli_trampoline, g_free);
}

/* Register a test without data. */
static void cli_add_func(const char *path, void (*fn)(void))
{
    CliTest *t = g_new0(CliTest, 1);

    t->plain = fn;
    g_test_add_data_func_full(path, t, cli_trampoline, g_free);
}

/* Build argv from a shell-like string; "@" stands for the scratch dir. */
static char **cli_argv(CliProc *p, const char *args)
{
    g_autofree char *expanded = NULL;
    g_auto(GStrv) parts = g_strsplit(args, "@", -1);
    g_autoptr(GError) err = NULL;
    char **argv = NULL;
    int argc;

    expanded = g_strjoinv(p->dir, parts);
    if (!*expanded) {
        argv = g_new0(char *, 1);
    } else if (!g_shell_parse_argv(expanded, &argc, &argv, &err)) {
        g_error("bad test arguments '%s': %s", expanded, err->message);
    }
    return argv;
}

static void cli_spawn(CliProc *p, const char *prefix_args, const char *args)
{
    g_auto(GStrv) pre = cli_argv(p, prefix_args);
    g_auto(GStrv) extra = cli_argv(p, args);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    char **a;

    g_ptr_array_add(argv, (char *)cli_binary());
    for (a = pre; *a; a++) {
        g_ptr_array_add(argv, *a);
    }
    for (a = extra; *a; a++) {
        g_ptr_array_add(argv, *a);
    }
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDIN_FROM_DEV_NULL,
                                  NULL, NULL, &p->pid, NULL, &p->out_fd,
                                  &p->err_fd, &err)) {
        g_error("spawn %s: %s", cli_binary(), err->message);
    }
}

/*
 * Wait up to timeout_ms for output on the child's pipes (and on extra_fd
 * when >= 0); returns true if extra_fd became readable.
 */
static bool cli_pump(CliProc *p, int extra_fd, int timeout_ms)
{
    struct pollfd pfd[3];
    int n = 0, i;
    bool extra_ready = false;

    if (p->out_fd >= 0) {
        pfd[n++] = (struct pollfd) { .fd = p->out_fd, .events = POLLIN };
    }
    if (p->err_fd >= 0) {
        pfd[n++] = (struct pollfd) { .fd = p->err_fd, .events = POLLIN };
    }
    if (extra_fd >= 0) {
        pfd[n++] = (struct pollfd) { .fd = extra_fd, .events = POLLIN };
    }
    if (n == 0) {
        g_usleep(timeout_ms * 1000);
        return false;
    }
    if (poll(pfd, n, timeout_ms) <= 0) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char buf[4096];
        ssize_t len;

        if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        if (pfd[i].fd == extra_fd) {
            extra_ready = true;
            continue;
        }
        len = read(pfd[i].fd, buf, sizeof(buf));
        if (len > 0) {
            g_string_append_len(pfd[i].fd == p->out_fd ? p->out : p->err,
                                buf, len);
        } else if (len == 0 || errno != EINTR) {
            close(pfd[i].fd);
            if (pfd[i].fd == p->out_fd) {
                p->out_fd = -1;
            } else {
                p->err_fd = -1;
            }
        }
    }
    return extra_ready;
}

static bool cli_check_exit(CliProc *p)
{
    if (!p->exited && waitpid(p->pid, &p->wstatus, WNOHANG) == p->pid) {
        p->exited = true;
    }
    return p->exited;
}

/* Wait for the child to exit and its pipes to close; returns exit code. */
static int cli_wait(CliProc *p)
{
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;

    while (!cli_check_exit(p) || p->out_fd >= 0 || p->err_fd >= 0) {
        if (g_get_monotonic_time() > deadline) {
            cli_fail(p, "emulator did not exit within %d s",
                     (int)(CLI_TIMEOUT_US / G_USEC_PER_SEC));
        }
        cli_pump(p, -1, 50);
    }
    if (!WIFEXITED(p->wstatus)) {
        cli_fail(p, "emulator killed by signal %d", WTERMSIG(p->wstatus));
    }
    return WEXITSTATUS(p->wstatus);
}

/* Run to completion. */
static CliProc *cli_run(const char *args)
{
    CliProc *p = cli_proc_new();

    cli_spawn(p, "", args);
    cli_wait(p);
    return p;
}

/* ------------------------------------------------------------------ */
/* stderr matching                                                       */
/* ------------------------------------------------------------------ */

/*
 * Expectation syntax: "=MSG": a line "qemu-system-cr16: MSG" (message with
 * its documented location); "~MSG": MSG reported with the program prefix
 * and any (or no) location; "#LINE": LINE exactly (hint lines).
 */
static bool cli_has_line(const char *text, const char *expect)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    const char *msg = expect + 1;
    g_autofree char *tail = g_strconcat(": ", msg, NULL);
    char **l;

    for (l = lines; *l; l++) {
        const char *line = *l;

        switch (expect[0]) {
        case '=':
            if (g_str_has_prefix(line, CLI_PREFIX) &&
                strcmp(line + strlen(CLI_PREFIX), msg) == 0) {
                return true;
            }
            break;
        case '~':
            if (g_str_has_prefix(line, CLI_PREFIX) &&
                (strcmp(line + strlen(CLI_PREFIX), msg) == 0 ||
                 g_str_has_suffix(line, tail))) {
                return true;
            }
            break;
        case '#':
            if (strcmp(line, msg) == 0) {
                return true;
            }
            break;
        default:
            g_assert_not_reached();
        }
    }
    return false;
}

/* Only warnings/info lines (or lines matching `allowed`) on stderr. */
static void cli_assert_quiet(CliProc *p, const char *const *allowed)
{
    g_auto(GStrv) lines = g_strsplit(p->err->str, "\n", -1);
    char **l;

    for (l = lines; *l; l++) {
        const char *const *a;
        /* "prog: [location: ]warning: ..." (or info). */
        bool ok = !**l ||
                  g_str_has_prefix(*l, CLI_PREFIX "warning: ") ||
                  g_str_has_prefix(*l, CLI_PREFIX "info: ") ||
                  (g_str_has_prefix(*l, CLI_PREFIX) &&
                   (strstr(*l, ": warning: ") || strstr(*l, ": info: ")));

        for (a = allowed; a && *a && !ok; a++) {
            ok = strstr(*l, *a) != NULL;
        }
        if (!ok) {
            cli_fail(p, "unexpected stderr line: %s", *l);
        }
    }
}

/* ------------------------------------------------------------------ */
/* A running emulator with a QMP monitor                                 */
/* ------------------------------------------------------------------ */

static int cli_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

/* One QMP object (the server ends each with CR LF). */
static JsonObject *cli_qmp_read(CliProc *p)
{
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    JsonNode *root;
    char *nl;

    while (!(nl = memchr(p->qmp_in->str, '\n', p->qmp_in->len))) {
        char buf[4096];
        ssize_t n;

        if (g_get_monotonic_time() > deadline) {
            cli_fail(p, "no QMP message within the deadline");
        }
        if (!cli_pump(p, p->qmp_fd, 50)) {
            continue;
        }
        n = read(p->qmp_fd, buf, sizeof(buf));
        if (n <= 0) {
            return NULL;        /* EOF */
        }
        g_string_append_len(p->qmp_in, buf, n);
    }
    line = g_strndup(p->qmp_in->str, nl - p->qmp_in->str);
    g_string_erase(p->qmp_in, 0, nl - p->qmp_in->str + 1);
    if (!json_parser_load_from_data(parser, line, -1, &err) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        cli_fail(p, "bad QMP message '%s'", line);
    }
    root = json_parser_get_root(parser);
    return json_object_ref(json_node_get_object(root));
}

/* Send a command and return its response (events are skipped). */
static JsonObject *cli_qmp(CliProc *p, const char *cmd)
{
    g_autofree char *text = g_strconcat(cmd, "\n", NULL);
    JsonObject *obj;

    g_assert_cmpint(send(p->qmp_fd, text, strlen(text), MSG_NOSIGNAL), ==,
                    (ssize_t)strlen(text));
    while ((obj = cli_qmp_read(p)) && json_object_has_member(obj, "event")) {
        json_object_unref(obj);
    }
    if (!obj) {
        cli_fail(p, "QMP connection closed before the response to %s", cmd);
    }
    return obj;
}

/* The "return" object of a successful command (caller unrefs). */
static JsonObject *cli_qmp_return(CliProc *p, const char *cmd)
{
    JsonObject *rsp = cli_qmp(p, cmd);
    JsonNode *ret = json_object_get_member(rsp, "return");
    JsonObject *obj;

    if (!ret || !JSON_NODE_HOLDS_OBJECT(ret)) {
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
        g_autofree char *text = NULL;

        json_node_set_object(node, rsp);
        json_generator_set_root(gen, node);
        text = json_generator_to_data(gen, NULL);
        cli_fail(p, "%s failed: %s", cmd, text);
    }
    obj = json_object_ref(json_node_get_object(ret));
    json_object_unref(rsp);
    return obj;
}

/*
 * Start the emulator with `args` plus a QMP monitor that connects to a
 * socket of ours; returns once capabilities are negotiated.
 */
static CliProc *cli_vm_start(const char *args, bool exit_with_parent)
{
    CliProc *p = cli_proc_new();
    g_autofree char *path = g_build_filename(p->dir, "cli-qmp", NULL);
    g_autofree char *mon = g_strdup_printf(
        "-chardev socket,path=%s,id=cliqmp -mon chardev=cliqmp,mode=control%s",
        path, exit_with_parent ? " -run-with exit-with-parent=on" : "");
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;
    int listen_fd = cli_listen(path);
    JsonObject *obj;

    cli_spawn(p, mon, args);
    while (!cli_pump(p, listen_fd, 50)) {
        if (cli_check_exit(p)) {
            close(listen_fd);
            cli_wait(p);
            cli_fail(p, "emulator exited (status %d) before connecting QMP",
                     WEXITSTATUS(p->wstatus));
        }
        if (g_get_monotonic_time() > deadline) {
            close(listen_fd);
            cli_fail(p, "emulator did not connect its QMP socket");
        }
    }
    p->qmp_fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    close(listen_fd);
    unlink(path);
    g_assert_cmpint(p->qmp_fd, >=, 0);

    obj = cli_qmp_read(p);
    if (!obj || !json_object_has_member(obj, "QMP")) {
        cli_fail(p, "no QMP greeting");
    }
    json_object_unref(obj);
    json_object_unref(cli_qmp_return(p, "{\"execute\": \"qmp_capabilities\"}"));
    return p;
}

/* QMP quit; the emulator must exit with status 0. */
static void cli_vm_quit(CliProc *p)
{
    static const char quit[] = "{\"execute\": \"quit\"}\n";

    g_assert_cmpint(send(p->qmp_fd, quit, strlen(quit), MSG_NOSIGNAL), ==,
                    (ssize_t)strlen(quit));
    if (cli_wait(p) != 0) {
        cli_fail(p, "exit status %d after quit", WEXITSTATUS(p->wstatus));
    }
}

/* ------------------------------------------------------------------ */
/* Help and version                                                      */
/* ------------------------------------------------------------------ */

static void test_version(void)
{
    CliProc *p = cli_run("-version");
    g_auto(GStrv) lines = g_strsplit(p->out->str, "\n", -1);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(g_str_has_prefix(lines[0],
                                   "QEMU emulator version " QEMU_VERSION));
    g_assert_nonnull(lines[1]);
    g_assert_nonnull(strstr(lines[1], "Copyright"));
    g_assert_cmpstr(p->err->str, ==, "");
    cli_proc_free(p);
}

static void test_help(const void *opaque)
{
    CliProc *p = cli_run(opaque);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(g_str_has_prefix(p->out->str, "QEMU emulator version "));
    g_assert_nonnull(strstr(p->out->str, "\n-machine"));
    g_assert_nonnull(strstr(p->out->str, "\n-accel"));
    /* -qtest is internal. */
    g_assert_null(strstr(p->out->str, "\n-qtest"));
    cli_proc_free(p);
}

static void test_machine_help(const void *opaque)
{
    CliProc *p = cli_run(opaque);
    g_autoptr(GRegex) none = g_regex_new("^none {17}\\S", G_REGEX_MULTILINE,
                                         0, NULL);
    g_autoptr(GRegex) virt = g_regex_new("^virt {17}\\S", G_REGEX_MULTILINE,
                                         0, NULL);
    CliProc *probe;

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(g_str_has_prefix(p->out->str, "Supported machines are:\n"));
    g_assert_true(g_regex_match(none, p->out->str, 0, NULL));

    /* virt is listed exactly when it can be selected. */
    probe = cli_run("-M virt,help");
    g_assert_cmpint(g_regex_match(virt, p->out->str, 0, NULL), ==,
                    WEXITSTATUS(probe->wstatus) == 0);
    cli_proc_free(probe);
    cli_proc_free(p);
}

/* "<option> help" listings: exit 0 and the listed words on stdout. */
typedef struct CliHelpCase {
    const char *args;
    const char *words[4];
} CliHelpCase;

static const CliHelpCase help_cases[] = {
    { "-accel help", { "tcg", "qtest" } },
    { "-accel ?", { "tcg", "qtest" } },
    { "-chardev help", { "socket", "null", "file", "ringbuf" } },
    { "-object help", { "memory-backend-ram", "memory-backend-file",
                        "qtest" } },
    { "-object memory-backend-ram,help", { "size", "share" } },
    { "-display help", { "none" } },
    { "-audio help", { "none" } },
    { "-machine none,help", { NULL } },
};

static void test_help_listing(const void *opaque)
{
    const CliHelpCase *c = opaque;
    CliProc *p = cli_run(c->args);
    g_autoptr(GRegex) re = NULL;
    int i;

    if (WEXITSTATUS(p->wstatus) != 0) {
        cli_fail(p, "'%s' exited with %d", c->args, WEXITSTATUS(p->wstatus));
    }
    for (i = 0; i < (int)ARRAY_SIZE(c->words) && c->words[i]; i++) {
        g_autofree char *pat = g_strdup_printf("(^|\\W)%s(\\W|$)",
                                               c->words[i]);

        if (!g_regex_match_simple(pat, p->out->str, G_REGEX_MULTILINE, 0)) {
            cli_fail(p, "'%s' does not list '%s'", c->args, c->words[i]);
        }
    }
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Errors                                                                */
/* ------------------------------------------------------------------ */

typedef struct CliErrorCase {
    const char *name;
    const char *args;
    const char *expect[3];      /* see cli_has_line() */
} CliErrorCase;

static const CliErrorCase error_cases[] = {
    { "invalid-option", "-foo", { "=-foo: invalid option" } },
    { "missing-argument", "-m", { "=-m: requires an argument" } },
    { "m-foo", "-M none -m foo", {
        "=-m foo: Parameter 'size' expects a non-negative number below 2^64"
    } },
    { "m-size-empty", "-M none -m size=", {
        "=-m size=: missing 'size' option value"
    } },
    { "m-comma", "-M none -m ,", {
        "=-m ,: missing 'size' option value"
    } },
    { "m-size-empty-slots", "-M none -m size=,slots=1", {
        "=-m size=,slots=1: missing 'size' option value"
    } },
    { "m-hex-suffix", "-M none -m 0x20M", {
        "=-m 0x20M: Parameter 'size' expects a non-negative number below "
        "2^64"
    } },
    { "smp-2", "-M none -smp 2", {
        "~Invalid SMP CPUs 2. The max CPUs supported by machine 'none' is 1"
    } },
    { "machine-bogus", "-machine bogus", {
        "~unsupported machine type: \"bogus\"",
        "#Use -machine help to list supported machines"
    } },
    { "machine-bad-property", "-machine none,bogus=1", {
        "~Property 'none-machine.bogus' not found"
    } },
    { "accel-bogus", "-M none -accel bogus", {
        "~invalid accelerator bogus", "~no accelerator found"
    } },
    { "accel-kvm-alone", "-M none -accel kvm", {
        "~invalid accelerator kvm", "~no accelerator found"
    } },
    { "accel-bad-property", "-M none -accel tcg,foo=1", {
        "~Property 'tcg-accel.foo' not found"
    } },
    { "accel-and-machine-accel", "-M none,accel=tcg -accel tcg", {
        "~The -accel and \"-machine accel=\" options are incompatible"
    } },
    { "chardev-no-id", "-M none -chardev null", {
        "~Parameter 'id' is missing"
    } },
    { "chardev-duplicate", "-M none -chardev null,id=c0 -chardev null,id=c0", {
        "~Duplicate ID 'c0' for chardev"
    } },
    { "chardev-client-missing", "-M none "
      "-chardev socket,path=/nonexistent-cli-test/sock,id=c", {
        "=-chardev socket,path=/nonexistent-cli-test/sock,id=c: Failed to "
        "connect to '/nonexistent-cli-test/sock': No such file or directory"
    } },
    { "chardev-bad-backend", "-M none -chardev bogus,id=c", {
        "~'bogus' is not a valid char driver name"
    } },
    { "chardev-bad-bool", "-M none -chardev socket,id=c,path=@/s,server=maybe", {
        "~Parameter 'server' expects 'on' or 'off'"
    } },
    { "uuid-bad", "-M none -uuid bad", {
        "~failed to parse UUID string: wrong format"
    } },
    { "uuid-short", "-M none -uuid 1111111-1111-1111-1111-111111111111", {
        "~failed to parse UUID string: wrong format"
    } },
    { "mon-unknown-chardev", "-M none -mon chardev=nochr,mode=control", {
        "~chardev \"nochr\" not found"
    } },
    { "mon-pretty-hmp", "-M none -chardev null,id=c0 -mon chardev=c0,pretty=on", {
        "~'pretty' is not compatible with HMP monitors"
    } },
    { "serial-bad", "-M none -serial bogus", {
        "~'bogus' is not a valid char driver",
        "~could not connect serial device to character backend 'bogus'"
    } },
    { "append-without-kernel", "-M none -append foo", {
        "~-append only allowed with -kernel option"
    } },
    { "initrd-without-kernel", "-M none -initrd foo", {
        "~-initrd only allowed with -kernel option"
    } },
    { "global-missing-parts",
      "-M none -global driver=migration,property=x-events", {
        "~options 'driver', 'property', and 'value' are required"
    } },
    { "object-no-type", "-M none -object id=x", {
        "~Parameter 'qom-type' is missing"
    } },
    { "object-no-id", "-M none -object memory-backend-ram,size=1M", {
        "~Parameter 'id' is missing"
    } },
    { "object-bad-type", "-M none -object bogus-type,id=x", {
        "~Parameter 'qom-type' does not accept value 'bogus-type'"
    } },
    { "object-bad-property",
      "-M none -object memory-backend-ram,id=m,size=1M,foo=1", {
        "~Invalid parameter 'foo'"
    } },
    { "object-duplicate", "-M none -object memory-backend-ram,id=m,size=1M "
      "-object memory-backend-ram,id=m,size=1M", {
        "~attempt to add duplicate property 'm' to object (type 'container')"
    } },
    { "incoming-bad", "-M none -incoming foo", {
        "=-incoming foo: unknown migration protocol: foo"
    } },
    { "incoming-bad-offset", "-M none -incoming file:/x,offset=0x20M", {
        "=-incoming file:/x,offset=0x20M: file URI has bad offset 0x20M: "
        "Invalid argument"
    } },
    { "name-bad-key", "-M none -name foo=bar", {
        "~Invalid parameter 'foo'"
    } },
    { "qtest-bad-spec", "-M none -qtest bogus:x", {
        "~Failed to initialize device for qtest: \"bogus:x\""
    } },
    { "qtest-object-no-chardev", "-M none -object qtest,id=q", {
        "~No backend specified"
    } },
    { "qtest-object-bad-chardev", "-M none -object qtest,id=q,chardev=nochr", {
        "~Cannot find character device 'nochr'"
    } },
    { "qtest-two-endpoints", "-M none -chardev null,id=c0 -chardev null,id=c1 "
      "-object qtest,id=q1,chardev=c0 -object qtest,id=q2,chardev=c1", {
        "~Only one instance of qtest can be created"
    } },
    { "run-with-bad-bool", "-M none -run-with exit-with-parent=maybe", {
        "~Parameter 'exit-with-parent' expects 'on' or 'off'"
    } },
    { "audio-bad", "-M none -audio bogus", {
        "~Parameter 'driver' does not accept value 'bogus'"
    } },
    { "memory-backend-unknown", "-M none -m 16M -machine memory-backend=nomem", {
        "~Memory backend 'nomem' not found"
    } },
    { "memory-backend-size", "-M none -object memory-backend-ram,id=mem,size=16M "
      "-m 32M -machine memory-backend=mem", {
        "~Machine memory size does not match the size of the memory backend"
    } },
    { "nographic-daemonize", "-M none -nographic -daemonize", {
        "~-nographic cannot be used with -daemonize"
    } },
    /* issue 11: the chardev is looked up before the monitor's options */
    { "mon-unknown-chardev-first", "-M none -mon chardev=nope,pretty=on", {
        "=-mon chardev=nope,pretty=on: chardev \"nope\" not found"
    } },
    { "rtc-bad-base", "-M none -rtc base=2006-13-45", {
        "=-rtc base=2006-13-45: invalid datetime format",
        "#valid formats: '2006-06-17T16:01:21' or '2006-06-17'"
    } },
    { "rtc-bad-clock", "-M none -rtc clock=sun", {
        "~invalid option value 'sun'"
    } },
    { "boot-bad-device", "-M none -boot order=cz", {
        "=-boot order=cz: Invalid boot device 'z'"
    } },
    { "boot-twice", "-M none -boot once=cc", {
        "~Boot device 'c' was given twice"
    } },
    { "boot-bad-strict", "-M none -boot strict=maybe", {
        "~Parameter 'strict' expects 'on' or 'off'"
    } },
    { "overcommit-bad", "-M none -overcommit mem-lock=sometimes", {
        "~parameter 'mem-lock' expects one of 'on', 'off', 'on-fault'"
    } },
    { "sandbox-bad-spawn", "-M none -sandbox on,spawn=maybe", {
        "=-sandbox on,spawn=maybe: invalid argument for spawn"
    } },
    { "sandbox-bad-key", "-M none -sandbox on,bogus=1", {
        "~Invalid parameter 'bogus'"
    } },
    { "add-fd-stdio", "-M none -add-fd fd=2,set=1", {
        "~fd cannot be a standard I/O stream"
    } },
    { "add-fd-missing", "-M none -add-fd set=1", {
        "~fd option is required and must be non-negative"
    } },
    { "add-fd-not-open", "-M none -add-fd fd=1000,set=1", {
        "~fd is not valid or already in use"
    } },
    { "device-json-bad", "-M none -device '{\"driver\": '", {
        "~Invalid JSON syntax"
    } },
    { "device-json-unknown", "-M none -device '{\"driver\": \"nope\"}'", {
        "~'nope' is not a valid device model name"
    } },
    { "loader-nothing", "-M virt -device loader", {
        "~please include valid arguments"
    } },
    { "loader-data-no-len", "-M virt -device loader,addr=0x1000,data=1", {
        "~Both data and data-len must be specified"
    } },
    { "loader-data-len", "-M virt -device loader,addr=0,data=1,data-len=9", {
        "~data-len cannot be greater then 8 bytes"
    } },
    { "loader-pc-no-cpu", "-M virt -device loader,addr=0x1000", {
        "~cpu_num must be specified when setting a program counter"
    } },
    { "loader-bad-cpu", "-M virt -device loader,addr=0x1000,cpu-num=3", {
        "~Specified boot CPU#3 is nonexistent"
    } },
    { "loader-no-file", "-M virt -device loader,file=/nonexistent-cli/x", {
        "~Cannot load specified image /nonexistent-cli/x: Failed to open "
        "file \u201c/nonexistent-cli/x\u201d: No such file or directory"
    } },
    { "mem-path-with-backend", "-M none -m 16M -mem-path /tmp "
      "-object memory-backend-ram,id=m,size=16M -machine memory-backend=m", {
        "~'-mem-path' and '-mem-prealloc' may not be combined with "
        "'-machine memory-backend'"
    } },
    { "trace-events-missing", "-M none -trace events=/nonexistent-cli/ev", {
        "~Cannot open events file '/nonexistent-cli/ev': No such file or "
        "directory"
    } },
};

static void test_error(const void *opaque)
{
    const CliErrorCase *c = opaque;
    CliProc *p = cli_proc_new();
    int i, status;

    cli_spawn(p, "", c->args);
    status = cli_wait(p);
    if (status != 1) {
        cli_fail(p, "'%s': exit status %d, expected 1", c->args, status);
    }
    for (i = 0; i < (int)ARRAY_SIZE(c->expect) && c->expect[i]; i++) {
        if (!cli_has_line(p->err->str, c->expect[i])) {
            cli_fail(p, "'%s': stderr lacks '%s'", c->args, c->expect[i] + 1);
        }
    }
    cli_proc_free(p);
}

static void test_error_stray_argument(void)
{
    CliProc *p = cli_run("-M none image.img");

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 1);
    g_assert_true(g_str_has_prefix(p->err->str, CLI_PREFIX));
    cli_proc_free(p);
}

static void test_error_log_item(const void *opaque)
{
    CliProc *p = cli_run(opaque);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 1);
    /* The valid items are listed. */
    g_assert_true(strstr(p->out->str, "in_asm") ||
                  strstr(p->err->str, "in_asm"));
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Accepted command lines                                                */
/* ------------------------------------------------------------------ */

typedef struct CliAcceptCase {
    const char *name;
    const char *args;
    const char *allowed[3];     /* extra stderr lines tolerated */
} CliAcceptCase;

static const CliAcceptCase accept_cases[] = {
    { "machine-none", "-machine none" },
    { "machine-type-key", "-machine type=none" },
    { "machine-trailing-comma", "-machine none," },
    { "machine-merged", "-M none -machine aux-ram-share=off" },
    { "double-dash", "--M none --name foo" },
    { "m-plain", "-M none -m 128" },
    { "m-suffix", "-M none -m 16M" },
    { "m-size-key", "-M none -m size=64M" },
    { "m-giga", "-M none -m 1G" },
    { "m-fraction", "-M none -m 1.5G" },
    { "smp-1", "-M none -smp 1" },
    { "smp-keys", "-M none -smp cpus=1,maxcpus=1" },
    { "accel-tcg", "-M none -accel tcg" },
    { "accel-qtest", "-M none -accel qtest" },
    { "accel-key", "-M none -accel accel=tcg" },
    { "accel-tcg-props", "-M none -accel tcg,thread=single,tb-size=32,"
      "one-insn-per-tb=off,split-wx=off" },
    { "accel-kvm-fallback", "-M none -accel kvm,dirty-ring-size=4096 "
      "-accel tcg", { "invalid accelerator kvm", "falling back to tcg" } },
    { "accel-qtest-then-tcg", "-M none -accel qtest -accel tcg" },
    { "stopped", "-M none -S" },
    { "name", "-M none -name source,debug-threads=on" },
    { "name-keys", "-M none -name guest=foo,process=bar" },
    { "uuid", "-M none -uuid 11111111-1111-1111-1111-111111111111" },
    { "uuid-upper", "-M none -uuid 550E8400-E29B-41D4-A716-446655440000" },
    { "chardev-null", "-M none -chardev null,id=c0" },
    { "chardev-file", "-M none -chardev file,id=f0,path=@/f" },
    { "chardev-file-append", "-M none -chardev file,id=f0,path=@/f,append=on" },
    { "chardev-unix-server", "-M none "
      "-chardev socket,id=s0,path=@/s,server=on,wait=off" },
    { "chardev-tcp-server", "-M none "
      "-chardev socket,id=t0,host=127.0.0.1,port=0,server=on,wait=off" },
    { "chardev-ringbuf", "-M none -chardev ringbuf,id=r0,size=1024" },
    { "chardev-short-bool", "-M none -chardev socket,id=s0,path=@/s,server,"
      "nowait", { "Please use " } },
    { "chardev-logfile", "-M none -chardev null,id=c0,logfile=@/log,"
      "logappend=on" },
    { "serial-null", "-M none -serial null" },
    { "serial-none", "-M none -serial none" },
    { "serial-file", "-M none -serial file:@/serial" },
    { "serial-chardev", "-M none -chardev null,id=c0 -serial chardev:c0" },
    { "mon-control", "-M none -chardev null,id=c1 "
      "-mon chardev=c1,mode=control" },
    { "mon-pretty", "-M none -chardev null,id=c1 "
      "-mon chardev=c1,mode=control,pretty=on" },
    { "qmp-unix", "-M none -qmp unix:@/q,server=on,wait=off" },
    { "qmp-pretty", "-M none -qmp-pretty unix:@/q,server=on,wait=off" },
    { "qmp-tcp", "-M none -qmp tcp:127.0.0.1:0,server=on,wait=off" },
    { "display-audio", "-M none -display none -audio none" },
    { "nodefaults", "-M none -nodefaults -vga none" },
    { "shutdown-actions", "-M none -no-shutdown -no-reboot" },
    { "action", "-M none -action reboot=shutdown,shutdown=pause,"
      "panic=exit-failure" },
    { "run-with", "-M none -run-with exit-with-parent=on,async-teardown=off" },
    { "trace", "-M none -trace enable=cli_test_no_such_event*" },
    { "memory-backend-ram", "-M none "
      "-object memory-backend-ram,id=mem,size=16M,share=off "
      "-machine memory-backend=mem" },
    { "memory-backend-ram-m", "-M none "
      "-object memory-backend-ram,id=mem,size=16M -m 16M "
      "-machine memory-backend=mem" },
    { "memory-backend-file", "-M none "
      "-object memory-backend-file,id=mem,size=16M,mem-path=@/ram,share=on "
      "-machine memory-backend=mem" },
    { "memory-backend-memfd", "-M none "
      "-object memory-backend-memfd,id=mem,size=16M,share=on "
      "-machine memory-backend=mem" },
    { "object-json", "-M none -object "
      "'{\"qom-type\": \"memory-backend-ram\", \"id\": \"m2\", "
      "\"size\": 1048576}'" },
    { "global-short", "-M none -global migration.x-events=on" },
    { "global-long", "-M none "
      "-global driver=migration,property=x-events,value=on" },
    { "log", "-M none -d in_asm,int,exec,cpu,cpu_reset,unimp,guest_errors,"
      "nochain -D @/log" },
    { "incoming-defer", "-M none -incoming defer" },
    { "incoming-tcp", "-M none -incoming tcp:127.0.0.1:0" },
    { "incoming-unix", "-M none -incoming unix:@/mig" },
    { "qtest-null", "-M none -qtest null -qtest-log none" },
    { "qtest-object", "-M none -chardev null,id=c2 "
      "-object qtest,id=qt,chardev=c2,log=none" },
    /* issue 11: what libvirt and scripts pass */
    { "no-user-config", "-M none -no-user-config -nodefaults" },
    { "rtc-utc", "-M none -rtc base=utc,clock=host,driftfix=none" },
    { "rtc-localtime", "-M none -rtc base=localtime" },
    { "rtc-date", "-M none -rtc base=2006-06-17T16:01:21,clock=vm" },
    { "rtc-day", "-M none -rtc 2006-06-17" },
    { "boot-strict", "-M none -boot strict=on" },
    { "boot-order", "-M none -boot order=cd,once=d,menu=off,"
      "reboot-timeout=1000" },
    { "overcommit-off", "-M none -overcommit mem-lock=off,cpu-pm=off" },
    { "overcommit-lock", "-M none -m 16M -overcommit mem-lock=on-fault" },
    { "sandbox-off", "-M none -sandbox off" },
    { "sandbox-on", "-M none -sandbox on" },
    /* spawn=deny is covered by test-seccomp: LeakSanitizer's exit-time
     * check clones a process, which the filter rightly kills */
    { "sandbox-deny", "-M virt -sandbox on,obsolete=deny,"
      "elevateprivileges=deny,resourcecontrol=deny,spawn=allow",
      { "no guest program given" } },
    { "mem-path", "-M none -m 16M -mem-path @ -mem-prealloc" },
    { "mem-prealloc", "-M none -m 16M -mem-prealloc" },
    { "device-json", "-M none -device "
      "'{\"driver\": \"migration-testdev\", \"id\": \"t0\", "
      "\"state-size\": 8192, \"fail-load\": false}'" },
    { "device-loader", "-M virt -device loader,addr=0x100,data=7,data-len=2" },
    { "trace-log", "-M none -trace enable=cr16_*,file=@/trace "
      "-d trace:cpus_*" },
    { "msg", "-M none -msg timestamp=on,guest-name=on -name g" },
};

static void test_accept(const void *opaque)
{
    const CliAcceptCase *c = opaque;
    CliProc *p = cli_vm_start(c->args, true);

    cli_vm_quit(p);
    cli_assert_quiet(p, c->allowed);
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Option semantics visible through QMP                                  */
/* ------------------------------------------------------------------ */

static void test_semantics_identity(void)
{
    CliProc *p = cli_vm_start("-M none -name guest1 "
                              "-uuid 550E8400-E29B-41D4-A716-446655440000",
                              true);
    JsonObject *ret;

    ret = cli_qmp_return(p, "{\"execute\": \"query-name\"}");
    g_assert_cmpstr(json_object_get_string_member(ret, "name"), ==,
                    "guest1");
    json_object_unref(ret);
    ret = cli_qmp_return(p, "{\"execute\": \"query-uuid\"}");
    g_assert_cmpstr(json_object_get_string_member(ret, "UUID"), ==,
                    "550e8400-e29b-41d4-a716-446655440000");
    json_object_unref(ret);
    cli_vm_quit(p);
    cli_proc_free(p);
}

static void check_status(CliProc *p, const char *status)
{
    JsonObject *ret = cli_qmp_return(p, "{\"execute\": \"query-status\"}");

    g_assert_cmpstr(json_object_get_string_member(ret, "status"), ==, status);
    json_object_unref(ret);
}

static void test_semantics_runstate(void)
{
    CliProc *p = cli_vm_start("-M none -S", true);

    check_status(p, "prelaunch");
    cli_vm_quit(p);
    cli_proc_free(p);

    p = cli_vm_start("-M none -incoming defer", true);
    check_status(p, "inmigrate");
    cli_vm_quit(p);
    cli_proc_free(p);

    p = cli_vm_start("-M none", true);
    check_status(p, "running");
    cli_vm_quit(p);
    cli_proc_free(p);
}

static void test_semantics_files(void)
{
    CliProc *p = cli_proc_new();
    g_autofree char *chr = g_build_filename(p->dir, "chr", NULL);
    g_autofree char *ser = g_build_filename(p->dir, "ser", NULL);
    g_autofree char *pid = g_build_filename(p->dir, "pid", NULL);
    g_autofree char *text = NULL;
    g_autofree char *expect = NULL;
    CliProc *vm;

    /* Existing content is truncated at start-up. */
    g_assert_true(g_file_set_contents(chr, "old", -1, NULL));
    g_assert_true(g_file_set_contents(ser, "old", -1, NULL));
    {
        g_autofree char *args = g_strdup_printf(
            "-M none -chardev file,id=f0,path=%s -serial file:%s -pidfile %s",
            chr, ser, pid);

        vm = cli_vm_start(args, true);
    }
    g_assert_true(g_file_get_contents(chr, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "");
    g_free(text);
    g_assert_true(g_file_get_contents(ser, &text, NULL, NULL));
    g_assert_cmpstr(text, ==, "");
    g_free(text);
    g_assert_true(g_file_get_contents(pid, &text, NULL, NULL));
    expect = g_strdup_printf("%d\n", (int)vm->pid);
    g_assert_cmpstr(text, ==, expect);
    cli_vm_quit(vm);
    cli_proc_free(vm);
    /* The pid file is removed at normal exit. */
    g_assert_false(g_file_test(pid, G_FILE_TEST_EXISTS));
    cli_proc_free(p);
}

static void test_pidfile_locked(void)
{
    CliProc *p = cli_proc_new();
    g_autofree char *pid = g_build_filename(p->dir, "pid", NULL);
    g_autofree char *args = g_strdup_printf("-M none -pidfile %s", pid);
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int fd = open(pid, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_SETLK, &lock), ==, 0);
    cli_spawn(p, "", args);
    g_assert_cmpint(cli_wait(p), ==, 1);
    if (!cli_has_line(p->err->str, "~cannot create PID file: Cannot lock pid "
                      "file: Resource temporarily unavailable")) {
        cli_fail(p, "missing pid file lock message");
    }
    close(fd);
    cli_proc_free(p);
}

static void test_daemonize(void)
{
    CliProc *p = cli_proc_new();
    g_autofree char *pidfile = g_build_filename(p->dir, "pid", NULL);
    g_autofree char *args = g_strdup_printf("-M none -daemonize -pidfile %s",
                                            pidfile);
    g_autofree char *text = NULL;
    CliProc *vm;
    guint64 daemon_pid;
    gint64 deadline;
    JsonObject *ret;

    /* No exit-with-parent: the daemon outlives its first process. */
    vm = cli_vm_start(args, false);
    /* The launching process exits 0 once the daemon has started. */
    g_assert_cmpint(cli_wait(vm), ==, 0);
    g_assert_true(g_file_get_contents(pidfile, &text, NULL, NULL));
    g_assert_true(g_str_has_suffix(text, "\n"));
    g_strchomp(text);
    g_assert_true(g_ascii_string_to_unsigned(text, 10, 1, G_MAXINT,
                                             &daemon_pid, NULL));
    g_assert_cmpint(daemon_pid, !=, vm->pid);
    g_assert_cmpint(kill((pid_t)daemon_pid, 0), ==, 0);

    /* The daemon serves QMP. */
    ret = cli_qmp_return(vm, "{\"execute\": \"query-status\"}");
    g_assert_cmpstr(json_object_get_string_member(ret, "status"), ==,
                    "running");
    json_object_unref(ret);
    {
        static const char quit[] = "{\"execute\": \"quit\"}\n";

        send(vm->qmp_fd, quit, strlen(quit), MSG_NOSIGNAL);
    }

    deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;
    while (kill((pid_t)daemon_pid, 0) == 0) {
        if (g_get_monotonic_time() > deadline) {
            kill((pid_t)daemon_pid, SIGKILL);
            cli_fail(vm, "daemon did not exit after quit");
        }
        g_usleep(20 * 1000);
    }
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    cli_proc_free(vm);
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Signals                                                               */
/* ------------------------------------------------------------------ */

static void test_signal(const void *opaque)
{
    int sig = GPOINTER_TO_INT(opaque);
    CliProc *p = cli_vm_start("-M none", true);
    g_autofree char *bare = g_strdup_printf(CLI_PREFIX "terminating on "
                                            "signal %d", sig);
    g_autofree char *with_pid = g_strdup_printf("%s from pid %d", bare,
                                                (int)getpid());
    g_auto(GStrv) lines = NULL;
    bool reported = false;
    char **l;
    JsonObject *obj;
    bool shutdown_seen = false;

    g_assert_cmpint(kill(p->pid, sig), ==, 0);
    /* SHUTDOWN (reason host-signal) is announced before the exit. */
    while ((obj = cli_qmp_read(p))) {
        const char *name = json_object_has_member(obj, "event") ?
            json_object_get_string_member(obj, "event") : NULL;

        if (name && strcmp(name, "SHUTDOWN") == 0) {
            JsonObject *data = json_object_get_object_member(obj, "data");

            g_assert_cmpstr(json_object_get_string_member(data, "reason"), ==,
                            "host-signal");
            shutdown_seen = true;
        }
        json_object_unref(obj);
    }
    if (cli_wait(p) != 0) {
        cli_fail(p, "exit status %d after signal %d",
                 WEXITSTATUS(p->wstatus), sig);
    }
    g_assert_true(shutdown_seen);
    /* The sender's pid is named when the emulator knows it. */
    lines = g_strsplit(p->err->str, "\n", -1);
    for (l = lines; *l; l++) {
        reported |= strcmp(*l, bare) == 0 || g_str_has_prefix(*l, with_pid);
    }
    if (!reported) {
        cli_fail(p, "stderr lacks '%s[ from pid %d ...]'", bare,
                 (int)getpid());
    }
    cli_proc_free(p);
}

static void test_signal_quiet_with_qtest(void)
{
    CliProc *p = cli_vm_start("-M none -qtest null -qtest-log none", true);

    kill(p->pid, SIGTERM);
    g_assert_cmpint(cli_wait(p), ==, 0);
    g_assert_null(strstr(p->err->str, "terminating on signal"));
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Issue 11: messages, fd sets, a board without a program              */
/* ------------------------------------------------------------------ */

static void test_msg_timestamp(void)
{
    CliProc *p = cli_run("-msg timestamp=on -M none -m foo");
    g_autoptr(GRegex) re = g_regex_new(
        "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z "
        CLI_PREFIX "-m foo: Parameter 'size' expects", G_REGEX_MULTILINE, 0,
        NULL);

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 1);
    if (!g_regex_match(re, p->err->str, 0, NULL)) {
        cli_fail(p, "no ISO 8601 timestamp before the message");
    }
    cli_proc_free(p);

    p = cli_run("-name guest=g7 -msg guest-name=on -M none -m foo");
    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 1);
    if (!g_str_has_prefix(p->err->str, "g7 " CLI_PREFIX "-m foo: ")) {
        cli_fail(p, "no guest name before the message");
    }
    cli_proc_free(p);
}

/* -add-fd with an fd the parent opened (spawned through a shell). */
static void test_add_fd(void)
{
    CliProc *p = cli_proc_new();
    g_autofree char *file = g_build_filename(p->dir, "data", NULL);
    g_autofree char *sock = g_build_filename(p->dir, "cli-qmp", NULL);
    g_autofree char *script = g_strdup_printf(
        "exec 5<'%s'; exec \"$0\" \"$@\"", file);
    g_autofree char *mon = g_strdup_printf("socket,path=%s,id=m", sock);
    const char *argv[] = {
        "/bin/sh", "-c", script, cli_binary(), "-M", "none",
        "-chardev", mon, "-mon", "chardev=m,mode=control",
        "-add-fd", "fd=5,set=3,opaque=ro-file", NULL,
    };
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;
    int listen_fd;
    JsonObject *rsp;
    JsonArray *sets;
    JsonObject *set, *fdinfo;

    g_assert_true(g_file_set_contents(file, "x", -1, NULL));
    listen_fd = cli_listen(sock);
    g_assert_true(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDIN_FROM_DEV_NULL,
                                           NULL, NULL, &p->pid, NULL,
                                           &p->out_fd, &p->err_fd, NULL));
    while (!cli_pump(p, listen_fd, 50)) {
        if (cli_check_exit(p) || g_get_monotonic_time() > deadline) {
            close(listen_fd);
            cli_fail(p, "emulator did not connect its QMP socket");
        }
    }
    p->qmp_fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    close(listen_fd);
    json_object_unref(cli_qmp_read(p));
    json_object_unref(cli_qmp_return(p, "{\"execute\": \"qmp_capabilities\"}"));
    rsp = cli_qmp(p, "{\"execute\": \"query-fdsets\"}");
    sets = json_object_get_array_member(rsp, "return");
    g_assert_cmpuint(json_array_get_length(sets), ==, 1);
    set = json_array_get_object_element(sets, 0);
    g_assert_cmpint(json_object_get_int_member(set, "fdset-id"), ==, 3);
    fdinfo = json_array_get_object_element(
        json_object_get_array_member(set, "fds"), 0);
    g_assert_cmpstr(json_object_get_string_member(fdinfo, "opaque"), ==,
                    "ro-file");
    /* a duplicate of ours, not the inherited descriptor itself */
    g_assert_cmpint(json_object_get_int_member(fdinfo, "fd"), !=, 5);
    json_object_unref(rsp);
    cli_vm_quit(p);
    cli_proc_free(p);
}

/* issue 11 defect 2: "-M virt" alone used to exit 0 in microseconds. */
static void test_virt_without_program(void)
{
    CliProc *p = cli_vm_start("-M virt", true);

    check_status(p, "running");
    if (cli_check_exit(p)) {
        cli_fail(p, "the board exited without a guest program");
    }
    cli_vm_quit(p);
    if (!cli_has_line(p->err->str, "=warning: no guest program given "
                      "(-kernel, -bios or -device loader): the CPU stays in "
                      "reset and the machine waits")) {
        cli_fail(p, "no warning about the missing guest program");
    }
    cli_proc_free(p);
}

static void test_trace_help(void)
{
    CliProc *p = cli_run("-trace help");

    g_assert_cmpint(WEXITSTATUS(p->wstatus), ==, 0);
    g_assert_true(cli_has_line(p->out->str, "#cr16_uart_tx"));
    g_assert_true(cli_has_line(p->out->str, "#cpus_vcpu_start"));
    cli_proc_free(p);

    /* An unknown name only warns, as in QEMU. */
    p = cli_vm_start("-M none -trace no_such_event", true);
    cli_vm_quit(p);
    g_assert_true(cli_has_line(p->err->str, "~warning: trace event "
                               "'no_such_event' does not exist"));
    cli_proc_free(p);
}

/* ------------------------------------------------------------------ */
/* Start-up races and termination while blocked                          */
/* ------------------------------------------------------------------ */

/* Spawn with a pipe as stdin; returns its write end. */
static int cli_spawn_stdin_pipe(CliProc *p, const char *args)
{
    g_auto(GStrv) extra = cli_argv(p, args);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    int in_fd = -1;
    char **a;

    g_ptr_array_add(argv, (char *)cli_binary());
    for (a = extra; *a; a++) {
        g_ptr_array_add(argv, *a);
    }
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                  &p->pid, &in_fd, &p->out_fd, &p->err_fd,
                                  &err)) {
        g_error("spawn %s: %s", cli_binary(), err->message);
    }
    return in_fd;
}

/* Rounds of the pipelined-stdin check (the race lost them every time). */
#define STDIO_PIPELINE_ROUNDS   5

/*
 * Requests written into "-qmp stdio" before the monitor is set up are
 * answered: scripts pipe into it all the time.
 */
static void test_qmp_stdio_pipelined(void)
{
    static const char input[] = "{\"execute\":\"qmp_capabilities\"}\n"
                                "{\"execute\":\"query-status\"}\n"
                                "{\"execute\":\"quit\"}\n";
    int round;

    for (round = 0; round < STDIO_PIPELINE_ROUNDS; round++) {
        CliProc *p = cli_proc_new();
        int in_fd = cli_spawn_stdin_pipe(p, "-M none -display none "
                                         "-qmp stdio");
        g_auto(GStrv) lines = NULL;

        g_assert_cmpint(write(in_fd, input, strlen(input)), ==,
                        (ssize_t)strlen(input));
        close(in_fd);
        if (cli_wait(p) != 0) {
            cli_fail(p, "exit status %d", WEXITSTATUS(p->wstatus));
        }
        lines = g_strsplit(p->out->str, "\r\n", -1);
        if (g_strv_length(lines) < 4 ||
            !g_str_has_prefix(lines[0], "{\"QMP\": ") ||
            strcmp(lines[1], "{\"return\": {}}") != 0 ||
            !g_str_has_prefix(lines[2], "{\"return\": {") ||
            !strstr(lines[2], "\"status\": \"running\"") ||
            strcmp(lines[3], "{\"return\": {}}") != 0) {
            cli_fail(p, "round %d: not greeting + three returns", round);
        }
        cli_proc_free(p);
    }
}

/* Connect to the unix socket path as soon as the emulator listens. */
static int cli_connect_when_listening(CliProc *p, const char *path)
{
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        g_assert_cmpint(fd, >=, 0);
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            return fd;
        }
        close(fd);
        if (errno != ENOENT && errno != ECONNREFUSED) {
            cli_fail(p, "connect %s: %s", path, g_strerror(errno));
        }
        if (cli_check_exit(p)) {
            cli_fail(p, "emulator exited before listening");
        }
        if (g_get_monotonic_time() > deadline) {
            cli_fail(p, "emulator did not listen on %s", path);
        }
        /* Busy but bounded: the point is to be there first. */
        g_usleep(200);
    }
}

/* Start-ups raced against an eager client: most, and how long at most. */
#define STARTUP_RACE_ROUNDS     300
#define STARTUP_RACE_BUDGET_US  (20 * G_USEC_PER_SEC)

/*
 * A client that connects the moment the monitor's socket appears gets one
 * greeting, and after qmp_capabilities stays in command mode (a second
 * greeting would throw it back into negotiation).
 */
static void test_qmp_startup_connect_race(void)
{
    gint64 stop = g_get_monotonic_time() + STARTUP_RACE_BUDGET_US;
    int round;

    for (round = 0; round < STARTUP_RACE_ROUNDS; round++) {
        CliProc *p = cli_proc_new();
        g_autofree char *path = g_build_filename(p->dir, "m", NULL);
        g_autofree char *args = g_strdup_printf(
            "-M none -display none -qmp unix:%s,server=on,wait=off", path);
        JsonObject *obj;

        cli_spawn(p, "", args);
        p->qmp_fd = cli_connect_when_listening(p, path);
        obj = cli_qmp_read(p);
        if (!obj || !json_object_has_member(obj, "QMP")) {
            cli_fail(p, "round %d: no greeting", round);
        }
        json_object_unref(obj);
        json_object_unref(cli_qmp_return(p,
                                         "{\"execute\": \"qmp_capabilities\"}"));
        /* In command mode, not greeted again. */
        json_object_unref(cli_qmp_return(p, "{\"execute\": \"query-status\"}"));
        cli_vm_quit(p);
        cli_proc_free(p);
        if (g_get_monotonic_time() > stop) {
            break;
        }
    }
    g_test_message("%d start-up races run", MIN(round + 1,
                                                 STARTUP_RACE_ROUNDS));
}

/* The "terminating on signal N from pid P (...)" line is on stderr. */
static void cli_assert_signal_reported(CliProc *p, int sig)
{
    g_autofree char *with_pid = g_strdup_printf(
        CLI_PREFIX "terminating on signal %d from pid %d (", sig,
        (int)getpid());
    g_auto(GStrv) lines = g_strsplit(p->err->str, "\n", -1);
    char **l;

    for (l = lines; *l; l++) {
        if (g_str_has_prefix(*l, with_pid)) {
            return;
        }
    }
    cli_fail(p, "stderr lacks '%s...'", with_pid);
}

/*
 * A server chardev waiting for its first client (wait=on) blocks start-up;
 * a signal must still end the emulator (status 0, reported, socket file
 * removed).
 */
static void test_signal_waiting_for_client(const void *opaque)
{
    int sig = GPOINTER_TO_INT(opaque);
    CliProc *p = cli_proc_new();
    g_autofree char *path = g_build_filename(p->dir, "wait", NULL);
    g_autofree char *args = g_strdup_printf(
        "-M none -display none -chardev socket,id=w,path=%s,server=on "
        "-mon w,mode=control", path);
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;

    cli_spawn(p, "", args);
    /* The "waiting for connection" line comes once it listens. */
    while (!strstr(p->err->str, "QEMU waiting for connection on: ")) {
        if (cli_check_exit(p) || g_get_monotonic_time() > deadline) {
            cli_fail(p, "emulator did not wait for its client");
        }
        cli_pump(p, -1, 50);
    }
    g_assert_cmpint(kill(p->pid, sig), ==, 0);
    if (cli_wait(p) != 0) {
        cli_fail(p, "exit status %d after signal %d",
                 WEXITSTATUS(p->wstatus), sig);
    }
    cli_assert_signal_reported(p, sig);
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        cli_fail(p, "socket file %s left behind", path);
    }
    cli_proc_free(p);
}

/* The qtest server stops taking commands for this long: it is stuck. */
#define STUCK_STALL_MS          1000
/* Commands sent at most; each reply is two writes the test never reads. */
#define STUCK_MAX_COMMANDS      100000

/*
 * The main thread stuck in a blocking write (qtest replies nobody reads)
 * must not keep a signal from ending the emulator with status 0.
 */
static void test_signal_main_loop_stuck(void)
{
    static const char cmd[] = "endianness\n";
    CliProc *p = cli_proc_new();
    g_autofree char *path = g_build_filename(p->dir, "qt", NULL);
    g_autofree char *args = g_strdup_printf(
        "-M none -display none -qtest unix:%s -qtest-log none", path);
    gint64 deadline = g_get_monotonic_time() + CLI_TIMEOUT_US;
    int listen_fd = cli_listen(path);
    int fd, sent = 0;
    size_t off = 0;

    cli_spawn(p, "", args);
    while (!cli_pump(p, listen_fd, 50)) {
        if (cli_check_exit(p) || g_get_monotonic_time() > deadline) {
            close(listen_fd);
            cli_fail(p, "emulator did not connect its qtest socket");
        }
    }
    fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    close(listen_fd);
    g_assert_cmpint(fd, >=, 0);
    p->qmp_fd = fd;             /* closed with p */

    /* Send until the emulator stops reading: its replies have filled up. */
    while (sent < STUCK_MAX_COMMANDS) {
        ssize_t n = send(fd, cmd + off, strlen(cmd) - off, MSG_NOSIGNAL);
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };

        if (n > 0) {
            off = (off + n) % strlen(cmd);
            sent += off == 0;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            cli_fail(p, "qtest send: %s", g_strerror(errno));
        }
        if (g_get_monotonic_time() > deadline) {
            cli_fail(p, "qtest commands still taken after %d s",
                     (int)(CLI_TIMEOUT_US / G_USEC_PER_SEC));
        }
        if (poll(&pfd, 1, STUCK_STALL_MS) == 0) {
            break;
        }
    }
    if (sent >= STUCK_MAX_COMMANDS) {
        cli_fail(p, "the main thread never blocked");
    }
    g_assert_cmpint(kill(p->pid, SIGTERM), ==, 0);
    if (cli_wait(p) != 0) {
        cli_fail(p, "exit status %d after SIGTERM", WEXITSTATUS(p->wstatus));
    }
    cli_proc_free(p);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    cli_binary();

    cli_add_func("/cli/version", test_version);
    cli_add("/cli/help/h", test_help, "-h");
    cli_add("/cli/help/help", test_help, "-help");
    cli_add("/cli/help/help-dashes", test_help, "--help");
    cli_add("/cli/machine-help/machine", test_machine_help, "-machine help");
    cli_add("/cli/machine-help/M", test_machine_help, "-M help");
    cli_add("/cli/machine-help/question", test_machine_help, "-machine ?");
    for (i = 0; i < ARRAY_SIZE(help_cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli/help-listing/%zu", i);

        cli_add(path, test_help_listing, &help_cases[i]);
    }
    for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli/error/%s",
                                                error_cases[i].name);

        cli_add(path, test_error, &error_cases[i]);
    }
    cli_add_func("/cli/error/stray-argument", test_error_stray_argument);
    cli_add("/cli/error/log-item", test_error_log_item, "-M none -d bogus");
    /* QEMU lists the items for "-d help" too, and exits with status 1 */
    cli_add("/cli/error/log-help", test_error_log_item, "-M none -d help");
    for (i = 0; i < ARRAY_SIZE(accept_cases); i++) {
        g_autofree char *path = g_strdup_printf("/cli/accept/%s",
                                                accept_cases[i].name);

        cli_add(path, test_accept, &accept_cases[i]);
    }
    cli_add_func("/cli/semantics/identity", test_semantics_identity);
    cli_add_func("/cli/semantics/runstate", test_semantics_runstate);
    cli_add_func("/cli/semantics/files", test_semantics_files);
    cli_add_func("/cli/pidfile-locked", test_pidfile_locked);
    cli_add_func("/cli/daemonize", test_daemonize);
    cli_add("/cli/signal/term", test_signal, GINT_TO_POINTER(SIGTERM));
    cli_add("/cli/signal/int", test_signal, GINT_TO_POINTER(SIGINT));
    cli_add("/cli/signal/hup", test_signal, GINT_TO_POINTER(SIGHUP));
    cli_add_func("/cli/signal/quiet-with-qtest",
                 test_signal_quiet_with_qtest);
    cli_add_func("/cli/msg-timestamp", test_msg_timestamp);
    cli_add_func("/cli/add-fd", test_add_fd);
    cli_add_func("/cli/virt-without-program", test_virt_without_program);
    cli_add_func("/cli/trace-help", test_trace_help);

    cli_add_func("/cli/qmp-stdio-pipelined", test_qmp_stdio_pipelined);
    cli_add_func("/cli/qmp-startup-connect-race",
                 test_qmp_startup_connect_race);
    cli_add("/cli/signal/waiting-for-client/term",
            test_signal_waiting_for_client, GINT_TO_POINTER(SIGTERM));
    cli_add("/cli/signal/waiting-for-client/int",
            test_signal_waiting_for_client, GINT_TO_POINTER(SIGINT));
    cli_add_func("/cli/signal/main-loop-stuck", test_signal_main_loop_stuck);

    return g_test_run();
}

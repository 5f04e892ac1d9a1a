/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line tests' harness: child processes, their output, QMP.
 * See cli-harness.h.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "cli-harness.h"

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

const char *cli_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    if (!bin) {
        fprintf(stderr, "Environment variable QTEST_QEMU_BINARY required\n");
        exit(1);
    }
    return bin;
}

CliProc *cli_proc_new(void)
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

void cli_rmtree(const char *dir)
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

void cli_proc_free(CliProc *p)
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
void cli_fail(CliProc *p, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3) QEMU_NORETURN;

void cli_fail(CliProc *p, const char *fmt, ...)
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
void cli_add(const char *path, void (*fn)(const void *data),
                    const void *data)
{
    CliTest *t = g_new0(CliTest, 1);

    t->fn = fn;
    t->data = data;
    g_test_add_data_func_full(path, t, cli_trampoline, g_free);
}

/* Register a test without data. */
void cli_add_func(const char *path, void (*fn)(void))
{
    CliTest *t = g_new0(CliTest, 1);

    t->plain = fn;
    g_test_add_data_func_full(path, t, cli_trampoline, g_free);
}

/* Build argv from a shell-like string; "@" stands for the scratch dir. */
char **cli_argv(CliProc *p, const char *args)
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

void cli_spawn(CliProc *p, const char *prefix_args, const char *args)
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
bool cli_pump(CliProc *p, int extra_fd, int timeout_ms)
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

bool cli_check_exit(CliProc *p)
{
    if (!p->exited && waitpid(p->pid, &p->wstatus, WNOHANG) == p->pid) {
        p->exited = true;
    }
    return p->exited;
}

/* Wait for the child to exit and its pipes to close; returns exit code. */
int cli_wait(CliProc *p)
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
CliProc *cli_run(const char *args)
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
bool cli_has_line(const char *text, const char *expect)
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
void cli_assert_quiet(CliProc *p, const char *const *allowed)
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

int cli_listen(const char *path)
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
JsonObject *cli_qmp_read(CliProc *p)
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
JsonObject *cli_qmp(CliProc *p, const char *cmd)
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
JsonObject *cli_qmp_return(CliProc *p, const char *cmd)
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
CliProc *cli_vm_start(const char *args, bool exit_with_parent)
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
void cli_vm_quit(CliProc *p)
{
    static const char quit[] = "{\"execute\": \"quit\"}\n";

    g_assert_cmpint(send(p->qmp_fd, quit, strlen(quit), MSG_NOSIGNAL), ==,
                    (ssize_t)strlen(quit));
    if (cli_wait(p) != 0) {
        cli_fail(p, "exit status %d after quit", WEXITSTATUS(p->wstatus));
    }
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli-run-test: what qemu-system-cr16's options do once it runs -- the
 * identity, run state and files they set as seen over QMP, pid files and
 * -daemonize, signals, -add-fd, messages, and start-up races such as a
 * signal while waiting for the QMP client.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "cli-harness.h"

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
    g_test_init(&argc, &argv, NULL);
    cli_binary();

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


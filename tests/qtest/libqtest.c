/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: starts qemu-system-cr16 as a child connected to two
 * harness-owned unix sockets (qtest and QMP) exactly as spec/qtest.md 2.3
 * and 2.4 describe, stops it and checks its exit status (2.7), correlates
 * QMP responses and events (2.6), and kills live emulators when a test
 * aborts.
 */
#include "qemu/osdep.h"

#include <time.h>
#include <sys/wait.h>

#include "libqtest-internal.h"

/* qtest_wait_qemu(): how long an exiting emulator may take (qtest.md 2.7). */
#define QTEST_EXIT_TIMEOUT_US     (30 * G_USEC_PER_SEC)
/* Poll interval while waiting for the child. */
#define QTEST_POLL_MS             100
/* At most this many emulators alive at once per harness process. */
#define QTEST_MAX_LIVE            64

/* ------------------------------------------------------------------ */
/* The abort hook                                                        */
/* ------------------------------------------------------------------ */

/*
 * Emulators that may still be running. Read by the SIGABRT handler, so it
 * is a plain array of pids written with single stores.
 */
static volatile sig_atomic_t qtest_live_pids[QTEST_MAX_LIVE];
static struct sigaction qtest_old_sigabrt;
static bool qtest_sigabrt_installed;
static bool qtest_atexit_registered;

static int64_t qtest_monotonic_us(void)
{
    struct timespec ts;

    /* clock_gettime is async-signal-safe; g_get_monotonic_time is not. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/*
 * SIGTERM every live emulator and reap it, SIGKILL after the exit timeout.
 * Only async-signal-safe calls: this runs from the SIGABRT handler.
 */
static void qtest_terminate_all(void)
{
    int64_t deadline;
    int i;

    for (i = 0; i < QTEST_MAX_LIVE; i++) {
        if (qtest_live_pids[i] > 0) {
            kill(qtest_live_pids[i], SIGTERM);
        }
    }
    deadline = qtest_monotonic_us() + QTEST_EXIT_TIMEOUT_US;
    for (i = 0; i < QTEST_MAX_LIVE; i++) {
        pid_t pid = qtest_live_pids[i];
        int st;

        if (pid <= 0) {
            continue;
        }
        for (;;) {
            pid_t r = waitpid(pid, &st, WNOHANG);

            if (r == pid || (r < 0 && errno != EINTR)) {
                break;
            }
            if (qtest_monotonic_us() > deadline) {
                kill(pid, SIGKILL);
                while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
                    /* retry */
                }
                break;
            }
            struct timespec ts = { 0, 10 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
        qtest_live_pids[i] = 0;
    }
}

static void qtest_sigabrt_handler(int sig)
{
    qtest_terminate_all();
    /* abort() re-raises with the default action once we return. */
    sigaction(SIGABRT, &qtest_old_sigabrt, NULL);
    qtest_sigabrt_installed = false;
}

static void qtest_atexit_cleanup(void)
{
    qtest_terminate_all();
}

static void qtest_live_add(pid_t pid)
{
    int i;

    if (!qtest_atexit_registered) {
        atexit(qtest_atexit_cleanup);
        qtest_atexit_registered = true;
    }
    for (i = 0; i < QTEST_MAX_LIVE; i++) {
        if (qtest_live_pids[i] == 0) {
            qtest_live_pids[i] = pid;
            break;
        }
    }
    if (i == QTEST_MAX_LIVE) {
        kill(pid, SIGKILL);
        qtest_fatal("libqtest: more than %d emulators alive", QTEST_MAX_LIVE);
    }
    if (!qtest_sigabrt_installed) {
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = qtest_sigabrt_handler;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGABRT, &sa, &qtest_old_sigabrt);
        qtest_sigabrt_installed = true;
    }
}

static void qtest_live_remove(pid_t pid)
{
    bool any = false;
    int i;

    for (i = 0; i < QTEST_MAX_LIVE; i++) {
        if (qtest_live_pids[i] == pid) {
            qtest_live_pids[i] = 0;
        }
        any |= qtest_live_pids[i] != 0;
    }
    if (!any && qtest_sigabrt_installed) {
        sigaction(SIGABRT, &qtest_old_sigabrt, NULL);
        qtest_sigabrt_installed = false;
    }
}

/* ------------------------------------------------------------------ */
/* Launching                                                             */
/* ------------------------------------------------------------------ */

const char *qtest_binary(const char *var)
{
    const char *bin = var ? g_getenv(var) : NULL;

    if (!bin) {
        bin = g_getenv("QTEST_QEMU_BINARY");
    }
    if (!bin) {
        fprintf(stderr, "Environment variable QTEST_QEMU_BINARY required\n");
        exit(1);
    }
    return bin;
}

/* Abort at once if the child died while we wait for its connection. */
static void qtest_check_child_alive(void *opaque)
{
    QTestState *s = opaque;

    if (qtest_probe_child(s)) {
        return;
    }
    unlink(s->socket_path);
    unlink(s->qmp_socket_path);
    if (WIFEXITED(s->wstatus)) {
        qtest_fatal("emulator exited with status %d during start-up",
                    WEXITSTATUS(s->wstatus));
    }
    qtest_fatal("emulator killed by signal %d during start-up",
                WTERMSIG(s->wstatus));
}

static int qtest_accept_checked(QTestState *s, int listen_fd, const char *what)
{
    return qtest_socket_accept_checked(listen_fd, what,
                                       qtest_check_child_alive, s);
}

/* The argument string of qtest.md 2.3, exactly. */
static char *qtest_build_args(QTestState *s, const char *extra_args)
{
    GString *args = g_string_new(NULL);
    const char *trace = g_getenv("QTEST_TRACE");

    if (trace) {
        g_string_append_printf(args, "-trace %s ", trace);
    }
    g_string_append_printf(args,
                           "-qtest unix:%s -qtest-log %s "
                           "-chardev socket,path=%s,id=char0 "
                           "-mon chardev=char0,mode=control "
                           "-display none -audio none ",
                           s->socket_path,
                           qtest_log_enabled() ? "/dev/fd/2" : "/dev/null",
                           s->qmp_socket_path);
#if defined(__linux__) || defined(__FreeBSD__) || defined(__APPLE__)
    g_string_append(args, "-run-with exit-with-parent=on ");
#endif
    g_string_append_printf(args, "%s -accel qtest",
                           extra_args ? extra_args : "");
    return g_string_free(args, false);
}

static void qtest_spawn(QTestState *s, const char *binary, const char *args)
{
    g_autofree char *command = g_strdup_printf("exec %s %s", binary, args);
    pid_t pid;

    if (qtest_log_enabled()) {
        fprintf(stderr, "starting QEMU: %s\n", command);
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        qtest_fatal("fork: %s", g_strerror(errno));
    }
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    s->qemu_pid = pid;
    qtest_live_add(pid);
}

static QTestState *qtest_state_new(void)
{
    QTestState *s = g_new0(QTestState, 1);
    const char *tmp = g_get_tmp_dir();

    s->fd = s->qmp_fd = -1;
    s->listen_fd = s->qmp_listen_fd = -1;
    s->rx = g_string_new(NULL);
    g_queue_init(&s->pending_events);
    s->socket_path = g_strdup_printf("%s/qtest-%d.sock", tmp, (int)getpid());
    s->qmp_socket_path = g_strdup_printf("%s/qtest-%d.qmp", tmp,
                                         (int)getpid());
    return s;
}

static void qtest_launch(QTestState *s, const char *var, const char *extra)
{
    g_autofree char *args = NULL;

    s->listen_fd = qtest_socket_server(s->socket_path);
    s->qmp_listen_fd = qtest_socket_server(s->qmp_socket_path);
    args = qtest_build_args(s, extra);
    qtest_spawn(s, qtest_binary(var), args);
}

void qtest_connect(QTestState *s)
{
    g_assert(s->fd < 0 && s->listen_fd >= 0);
    s->fd = qtest_accept_checked(s, s->listen_fd, "qtest");
    s->qmp_fd = qtest_accept_checked(s, s->qmp_listen_fd, "QMP");
    unlink(s->socket_path);
    unlink(s->qmp_socket_path);
    close(s->listen_fd);
    close(s->qmp_listen_fd);
    s->listen_fd = s->qmp_listen_fd = -1;

    /* The server reads qtest only from its main loop: this waits for init. */
    s->big_endian = qtest_query_big_endian(s);

    if (g_getenv("QTEST_STOP")) {
        kill(s->qemu_pid, SIGSTOP);
    }
}

void qtest_qmp_handshake(QTestState *s, JsonArray *capabilities)
{
    JsonObject *greeting = qtest_qmp_receive(s);

    if (!json_object_has_member(greeting, "QMP")) {
        g_autofree char *text = qtest_json_to_string(greeting);

        qtest_fatal("QMP greeting expected, got %s", text);
    }
    json_object_unref(greeting);

    if (capabilities) {
        g_autofree char *list = qtest_json_array_to_string(capabilities);

        qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\", "
                                 "\"arguments\": {\"enable\": %s}}", list);
    } else {
        qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\"}");
    }
}

QTestState *qtest_init_with_env_and_capabilities(const char *var,
                                                 const char *extra_args,
                                                 JsonArray *capabilities,
                                                 bool do_connect)
{
    QTestState *s = qtest_state_new();

    g_assert(do_connect || !capabilities);
    qtest_launch(s, var, extra_args);
    if (do_connect) {
        qtest_connect(s);
        qtest_qmp_handshake(s, capabilities);
    }
    return s;
}

QTestState *qtest_init_with_env(const char *var, const char *extra_args,
                                bool do_connect)
{
    return qtest_init_with_env_and_capabilities(var, extra_args, NULL,
                                                do_connect);
}

QTestState *qtest_init(const char *extra_args)
{
    return qtest_init_with_env(NULL, extra_args, true);
}

QTestState *qtest_initf(const char *fmt, ...)
{
    g_autofree char *args = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qtest_init(args);
}

QTestState *qtest_init_with_serial(const char *extra_args, int *sock_fd)
{
    g_autofree char *dir = g_build_filename(g_get_tmp_dir(),
                                            "qtest-serial-XXXXXX", NULL);
    g_autofree char *path = NULL;
    g_autofree char *args = NULL;
    QTestState *s;
    int listen_fd;

    if (!g_mkdtemp(dir)) {
        qtest_fatal("mkdtemp %s: %s", dir, g_strerror(errno));
    }
    path = g_build_filename(dir, "sock", NULL);
    listen_fd = qtest_socket_server(path);
    args = g_strdup_printf("-chardev socket,id=s0,path=%s -serial chardev:s0 "
                           "%s", path, extra_args ? extra_args : "");
    s = qtest_init(args);
    *sock_fd = qtest_accept_checked(s, listen_fd, "serial");
    close(listen_fd);
    unlink(path);
    rmdir(dir);
    return s;
}

/* ------------------------------------------------------------------ */
/* Stopping                                                              */
/* ------------------------------------------------------------------ */

bool qtest_probe_child(QTestState *s)
{
    pid_t r;

    if (s->reaped) {
        return false;
    }
    do {
        r = waitpid(s->qemu_pid, &s->wstatus, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        return true;
    }
    if (r < 0) {
        qtest_fatal("waitpid(%d): %s", (int)s->qemu_pid, g_strerror(errno));
    }
    s->reaped = true;
    qtest_live_remove(s->qemu_pid);
    return false;
}

static void qtest_check_status(QTestState *s)
{
    if (s->status_checked) {
        return;
    }
    s->status_checked = true;
    if (WIFEXITED(s->wstatus)) {
        if (WEXITSTATUS(s->wstatus) != s->expected_status) {
            qtest_fatal("kill_qemu() tried to terminate QEMU process but "
                        "encountered exit status %d (expected %d)",
                        WEXITSTATUS(s->wstatus), s->expected_status);
        }
        return;
    }
    if (WIFSIGNALED(s->wstatus)) {
        int sig = WTERMSIG(s->wstatus);

        qtest_fatal("kill_qemu() detected QEMU death from signal %d (%s)%s",
                    sig, strsignal(sig),
                    WCOREDUMP(s->wstatus) ? " (core dumped)" : "");
    }
}

void qtest_wait_qemu(QTestState *s)
{
    int64_t deadline = g_get_monotonic_time() + QTEST_EXIT_TIMEOUT_US;

    while (qtest_probe_child(s)) {
        if (g_get_monotonic_time() > deadline) {
            kill(s->qemu_pid, SIGKILL);
            while (waitpid(s->qemu_pid, &s->wstatus, 0) < 0) {
                if (errno != EINTR) {
                    qtest_fatal("waitpid: %s", g_strerror(errno));
                }
            }
            s->reaped = true;
            qtest_live_remove(s->qemu_pid);
            break;
        }
        g_usleep(QTEST_POLL_MS * 1000);
    }
    qtest_check_status(s);
}

void qtest_kill_qemu(QTestState *s)
{
    if (!s->reaped && qtest_probe_child(s)) {
        kill(s->qemu_pid, SIGTERM);
    }
    qtest_wait_qemu(s);
}

void qtest_kill_qemu_with_signal(QTestState *s, int sig)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    if (!s->reaped && qtest_probe_child(s)) {
        kill(s->qemu_pid, sig);
    }
    while (qtest_probe_child(s)) {
        if (g_get_monotonic_time() > deadline) {
            qtest_fatal("emulator survived signal %d for 30 s", sig);
        }
        g_usleep(1000);
    }
    if (!WIFSIGNALED(s->wstatus) || WTERMSIG(s->wstatus) != sig) {
        qtest_fatal("emulator did not die from signal %d (status 0x%x)",
                    sig, s->wstatus);
    }
    s->status_checked = true;
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

pid_t qtest_pid(QTestState *s)
{
    return s->qemu_pid;
}

void qtest_quit(QTestState *s)
{
    if (!s) {
        return;
    }
    qtest_kill_qemu(s);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->qmp_fd >= 0) {
        close(s->qmp_fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        unlink(s->socket_path);
    }
    if (s->qmp_listen_fd >= 0) {
        close(s->qmp_listen_fd);
        unlink(s->qmp_socket_path);
    }
    g_queue_clear_full(&s->pending_events, (GDestroyNotify)json_object_unref);
    g_string_free(s->rx, true);
    g_free(s->socket_path);
    g_free(s->qmp_socket_path);
    g_free(s->last_request);
    g_free(s);
}

/* ------------------------------------------------------------------ */
/* QMP on a QTestState                                                   */
/* ------------------------------------------------------------------ */

int qtest_qmp_fd(QTestState *s)
{
    return s->qmp_fd;
}

JsonObject *qtest_qmp_receive_dict(QTestState *s)
{
    return qmp_fd_receive(s->qmp_fd);
}

JsonObject *qtest_qmp_receive(QTestState *s)
{
    for (;;) {
        JsonObject *obj = qtest_qmp_receive_dict(s);
        const char *name;

        if (!json_object_has_member(obj, "event")) {
            return obj;
        }
        name = qtest_json_get_str(obj, "event");
        if (s->event_cb && s->event_cb(s, name ? name : "", obj,
                                       s->event_data)) {
            json_object_unref(obj);
            continue;
        }
        g_queue_push_tail(&s->pending_events, obj);
    }
}

void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    qmp_fd_vsend(s->qmp_fd, fmt, ap);
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmp_send_text(s->qmp_fd, text, false, NULL, 0);
}

JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
{
    qtest_qmp_vsend(s, fmt, ap);
    return qtest_qmp_receive(s);
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return rsp;
}

JsonObject *qtest_qmp_fds(QTestState *s, int *fds, size_t nfds,
                          const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmp_send_text(s->qmp_fd, text, true, fds, nfds);
    return qtest_qmp_receive(s);
}

static bool qtest_event_is(JsonObject *obj, const char *event)
{
    const char *name = qtest_json_get_str(obj, "event");

    return name && strcmp(name, event) == 0;
}

JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event)
{
    JsonObject *obj;

    while ((obj = g_queue_pop_head(&s->pending_events))) {
        if (qtest_event_is(obj, event)) {
            return obj;
        }
        json_object_unref(obj);
    }
    return NULL;
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    JsonObject *obj = qtest_qmp_event_ref(s, event);

    while (!obj) {
        obj = qtest_qmp_receive_dict(s);
        if (!qtest_event_is(obj, event)) {
            json_object_unref(obj);
            obj = NULL;
        }
    }
    return obj;
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, event));
}

static JsonObject *qtest_vqmp_checked(QTestState *s, bool want_success,
                                      const char *fmt, va_list ap)
{
    JsonObject *rsp = qtest_vqmp(s, fmt, ap);
    bool ok = json_object_has_member(rsp, "return");
    bool failed = json_object_has_member(rsp, "error");

    if (want_success ? !ok : (ok || !failed)) {
        g_autofree char *text = qtest_json_to_string(rsp);

        qtest_fatal("QMP command %s expected, response: %s",
                    want_success ? "success" : "failure", text);
    }
    return rsp;
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    json_object_unref(qtest_vqmp_checked(s, true, fmt, ap));
    va_end(ap);
}

JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    JsonNode *ret;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp_checked(s, true, fmt, ap);
    va_end(ap);
    ret = json_node_copy(json_object_get_member(rsp, "return"));
    json_object_unref(rsp);
    return ret;
}

JsonObject *qtest_qmp_assert_failure_ref(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp, *err;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp_checked(s, false, fmt, ap);
    va_end(ap);
    err = json_object_get_object_member(rsp, "error");
    if (!err) {
        qtest_fatal("QMP \"error\" member is not an object");
    }
    json_object_ref(err);
    json_object_unref(rsp);
    return err;
}

void qmp_expect_error_and_unref(JsonObject *rsp, const char *class)
{
    JsonNode *node = json_object_get_member(rsp, "error");
    JsonObject *err = node && JSON_NODE_HOLDS_OBJECT(node)
                      ? json_node_get_object(node) : NULL;
    const char *cls = qtest_json_get_str(err, "class");

    if (!err || !cls || strcmp(cls, class) != 0 ||
        !qtest_json_get_str(err, "desc")) {
        g_autofree char *text = qtest_json_to_string(rsp);

        qtest_fatal("QMP error of class %s expected, response: %s",
                    class, text);
    }
    json_object_unref(rsp);
}

void qtest_qmp_set_event_callback(QTestState *s, QTestQMPEventCallback cb,
                                  void *opaque)
{
    s->event_cb = cb;
    s->event_data = opaque;
}

/* Build {"execute": cmd, "arguments": args} as text; args is consumed. */
static char *qtest_qmp_command_text(const char *cmd, JsonObject *args)
{
    JsonObject *obj = json_object_new();
    char *text;

    json_object_set_string_member(obj, "execute", cmd);
    if (args) {
        json_object_set_object_member(obj, "arguments", args);
    }
    text = qtest_json_to_string(obj);
    json_object_unref(obj);
    return text;
}

static JsonObject *qtest_qmp_command(QTestState *s, const char *cmd,
                                     JsonObject *args)
{
    g_autofree char *text = qtest_qmp_command_text(cmd, args);

    qmp_send_text(s->qmp_fd, text, true, NULL, 0);
    return qtest_qmp_receive(s);
}

char *qtest_hmp(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmdline = NULL;
    JsonObject *args = json_object_new();
    JsonObject *rsp;
    const char *out;
    char *ret;
    va_list ap;

    va_start(ap, fmt);
    cmdline = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    json_object_set_string_member(args, "command-line", cmdline);
    rsp = qtest_qmp_command(s, "human-monitor-command", args);
    out = qtest_json_get_str(rsp, "return");
    if (!out) {
        g_autofree char *text = qtest_json_to_string(rsp);

        qtest_fatal("human-monitor-command '%s' failed: %s", cmdline, text);
    }
    ret = g_strdup(out);
    json_object_unref(rsp);
    return ret;
}

void qtest_system_reset(QTestState *s)
{
    qtest_qmp_assert_success(s, "{\"execute\": \"system_reset\"}");
    qtest_qmp_eventwait(s, "RESET");
}

bool qtest_qom_get_bool(QTestState *s, const char *path, const char *property)
{
    JsonObject *args = json_object_new();
    JsonObject *rsp;
    JsonNode *ret;
    bool value;

    json_object_set_string_member(args, "path", path);
    json_object_set_string_member(args, "property", property);
    rsp = qtest_qmp_command(s, "qom-get", args);
    ret = json_object_get_member(rsp, "return");
    if (!ret || JSON_NODE_TYPE(ret) != JSON_NODE_VALUE ||
        json_node_get_value_type(ret) != G_TYPE_BOOLEAN) {
        g_autofree char *text = qtest_json_to_string(rsp);

        qtest_fatal("qom-get %s %s: boolean expected: %s", path, property,
                    text);
    }
    value = json_node_get_boolean(ret);
    json_object_unref(rsp);
    return value;
}

void qtest_qom_set_bool(QTestState *s, const char *path, const char *property,
                        bool value)
{
    JsonObject *args = json_object_new();
    JsonObject *rsp;

    json_object_set_string_member(args, "path", path);
    json_object_set_string_member(args, "property", property);
    json_object_set_boolean_member(args, "value", value);
    rsp = qtest_qmp_command(s, "qom-set", args);
    if (!json_object_has_member(rsp, "return")) {
        g_autofree char *text = qtest_json_to_string(rsp);

        qtest_fatal("qom-set %s %s failed: %s", path, property, text);
    }
    json_object_unref(rsp);
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host process plumbing: -daemonize, -pidfile, -run-with exit-with-parent
 * and the termination signals.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "system/os-posix.h"
#include "system/runstate.h"
#include "system/qtest.h"
#include <glib-unix.h>
#include <sys/prctl.h>

static int daemon_pipe = -1;
static char *pidfile_path;
static int pidfile_fd = -1;

bool os_daemonize(GError **errp)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0) {
        error_setg_errno(errp, errno, "cannot create pipe for -daemonize");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        error_setg_errno(errp, errno, "cannot fork for -daemonize");
        return false;
    }
    if (pid > 0) {
        /* Original process: exit 0 only once the daemon reports success. */
        char status = 1;
        ssize_t n;

        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 && status == 0 ? 0 : 1);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    if (setsid() < 0) {
        error_setg_errno(errp, errno, "setsid failed");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        error_setg_errno(errp, errno, "cannot fork for -daemonize");
        return false;
    }
    if (pid > 0) {
        _exit(0);
    }
    umask(027);
    if (chdir("/") < 0) {
        error_setg_errno(errp, errno, "cannot chdir to /");
        return false;
    }
    return true;
}

void os_setup_post(bool keep_stderr)
{
    int null_fd;
    char ok = 0;

    if (daemon_pipe < 0) {
        return;
    }
    null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        if (!keep_stderr) {
            dup2(null_fd, STDERR_FILENO);
        }
        if (null_fd > STDERR_FILENO) {
            close(null_fd);
        }
    }
    if (write(daemon_pipe, &ok, 1) != 1) {
        /* The waiting parent is gone; nothing left to tell. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

bool os_write_pidfile(const char *path, GError **errp)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    g_autofree char *text = NULL;
    int fd;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot create PID file: Cannot open pid file");
        return false;
    }
    if (fcntl(fd, F_SETLK, &lock) < 0) {
        error_setg_errno(errp, errno, "cannot create PID file: Cannot lock pid file");
        close(fd);
        return false;
    }
    text = g_strdup_printf("%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 ||
        write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        error_setg_errno(errp, errno, "cannot create PID file: Failed to write pid file");
        close(fd);
        return false;
    }
    /* Keep fd open: the lock lives as long as the process. */
    pidfile_fd = fd;
    pidfile_path = g_strdup(path);
    return true;
}

void os_remove_pidfile(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        close(pidfile_fd);
        g_clear_pointer(&pidfile_path, g_free);
    }
}

bool os_set_exit_with_parent(GError **errp)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
        error_setg_errno(errp, errno, "exit-with-parent is not available on this platform");
        return false;
    }
    /* The parent may already be gone. */
    if (getppid() == 1) {
        _exit(0);
    }
    return true;
}

/*
 * Termination signals: the handler only records who sent what and writes
 * one byte to a pipe; the main loop reports and requests the shutdown.
 */
static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t last_signo;
static volatile sig_atomic_t last_pid;

static void termsig_handler(int sig, siginfo_t *info, void *ctx)
{
    char b = 0;

    last_signo = sig;
    last_pid = info ? info->si_pid : 0;
    if (write(signal_pipe[1], &b, 1) < 0) {
        /* The pipe is full: a wake-up is already pending. */
    }
}

static char *process_name(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/comm", (int)pid);
    char *name = NULL;

    if (g_file_get_contents(path, &name, NULL, NULL)) {
        g_strchomp(name);
    }
    return name;
}

static gboolean on_signal(gint fd, GIOCondition cond, gpointer data)
{
    char buf[64];
    int sig = last_signo;
    pid_t pid = last_pid;

    while (read(fd, buf, sizeof(buf)) > 0) {
        /* drain */
    }
    if (!qtest_enabled()) {
        if (pid > 0) {
            g_autofree char *name = process_name(pid);

            error_report("terminating on signal %d from pid %d (%s)", sig,
                         (int)pid, name ? name : "<unknown process>");
        } else {
            error_report("terminating on signal %d", sig);
        }
    }
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

void os_setup_signal_handling(void)
{
    struct sigaction sa = { .sa_sigaction = termsig_handler,
                            .sa_flags = SA_SIGINFO };

    if (!g_unix_open_pipe(signal_pipe, FD_CLOEXEC, NULL)) {
        return;
    }
    g_unix_set_fd_nonblocking(signal_pipe[0], TRUE, NULL);
    g_unix_set_fd_nonblocking(signal_pipe[1], TRUE, NULL);
    g_unix_fd_add(signal_pipe[0], G_IO_IN, on_signal, NULL);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

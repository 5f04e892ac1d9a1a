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
#include "chardev/char.h"
#include "qemu/main-loop.h"
#include <poll.h>
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
 * Termination signals. The handler only writes what arrived into a pipe;
 * a dedicated thread reads it, so that termination never depends on the
 * main loop. The thread reports the signal and requests the orderly
 * shutdown; it ends the process itself when the main thread cannot: during
 * start-up (which may be blocked, e.g. waiting for a chardev's first
 * client), when the main loop does not even get to a callback soon, when
 * the orderly shutdown takes too long, or when a second signal arrives.
 */
typedef struct TermSignal {
    int signo;
    pid_t pid;                  /* sender, 0 if unknown */
} TermSignal;

/* The main loop must run a callback this soon after a signal... */
#define TERM_ACK_TIMEOUT_MS         2000
/* ...and the orderly shutdown must be over this soon after the signal. */
#define TERM_SHUTDOWN_TIMEOUT_MS    20000
/* How often the waiting thread looks at the main loop's answer. */
#define TERM_POLL_MS                50

static int signal_pipe[2] = { -1, -1 };
static int term_acked;          /* atomic: the main loop answered */

static void termsig_handler(int sig, siginfo_t *info, void *ctx)
{
    TermSignal ts = { .signo = sig, .pid = info ? info->si_pid : 0 };
    int saved_errno = errno;

    /* Atomic (< PIPE_BUF); a full pipe already holds enough signals. */
    if (write(signal_pipe[1], &ts, sizeof(ts)) < 0) {
        /* nothing to do in a signal handler */
    }
    errno = saved_errno;
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

/*
 * Not error_report(): the message names no command-line option, and the
 * location that start-up code may be setting belongs to the main thread.
 */
static void term_report(const TermSignal *ts)
{
    g_autofree char *from = NULL;

    if (qtest_enabled()) {
        return;
    }
    if (ts->pid > 0) {
        g_autofree char *name = process_name(ts->pid);

        from = g_strdup_printf(" from pid %d (%s)", (int)ts->pid,
                               name ? name : "<unknown process>");
    }
    error_printf("%s: terminating on signal %d%s\n", error_progname,
                 ts->signo, from ? from : "");
}

/* The next signal within timeout_ms (-1: forever); false if none came. */
static bool term_next(TermSignal *ts, int timeout_ms)
{
    struct pollfd pfd = { .fd = signal_pipe[0], .events = POLLIN };
    ssize_t n;

    if (poll(&pfd, 1, timeout_ms) != 1) {
        return false;
    }
    do {
        n = read(signal_pipe[0], ts, sizeof(*ts));
    } while (n < 0 && errno == EINTR);
    return n == sizeof(*ts);
}

static void term_ack(void *opaque)
{
    qatomic_set(&term_acked, 1);
}

/* Leave without the main thread: what outlives the process is cleaned. */
static G_NORETURN void term_exit_now(void)
{
    qemu_chr_emergency_cleanup();
    os_remove_pidfile();
    _exit(0);
}

static gpointer term_thread_run(gpointer opaque)
{
    TermSignal ts;
    gint64 start;
    sigset_t set;

    /* The handler runs in the other threads, never while we wait here. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    while (!term_next(&ts, -1)) {
        /* interrupted */
    }
    term_report(&ts);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    if (!main_loop_started()) {
        term_exit_now();
    }
    main_loop_schedule(term_ack, NULL);
    start = g_get_monotonic_time();
    for (;;) {
        gint64 limit = start + 1000 * (qatomic_read(&term_acked) ?
                                       TERM_SHUTDOWN_TIMEOUT_MS :
                                       TERM_ACK_TIMEOUT_MS);

        if (g_get_monotonic_time() >= limit) {
            term_exit_now();
        }
        if (term_next(&ts, TERM_POLL_MS)) {
            /* Asked again: stop waiting for the orderly way. */
            term_report(&ts);
            term_exit_now();
        }
    }
    return NULL;
}

void os_setup_signal_handling(void)
{
    struct sigaction sa = { .sa_sigaction = termsig_handler,
                            .sa_flags = SA_SIGINFO | SA_RESTART };

    if (!g_unix_open_pipe(signal_pipe, FD_CLOEXEC, NULL)) {
        return;
    }
    g_unix_set_fd_nonblocking(signal_pipe[1], TRUE, NULL);
    g_thread_unref(g_thread_new("term-signals", term_thread_run, NULL));
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /*
     * A write past RLIMIT_FSIZE then fails with EFBIG, which a file:
     * migration (or any file writer) reports as an error like a full
     * disk, instead of the whole emulator being killed.
     */
    signal(SIGXFSZ, SIG_IGN);
}

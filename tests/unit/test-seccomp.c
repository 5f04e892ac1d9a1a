/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -sandbox filter: in a forked child, install the filter for some sets
 * and make one system call; a denied call must kill the child with
 * SIGSYS, an allowed one must return. Also the sub-option parser.
 */
#include "qemu/osdep.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "qapi/error.h"
#include "qemu/seccomp.h"

typedef enum Probe {
    PROBE_SWAPOFF,          /* DEFAULT set */
    PROBE_FORK,             /* SPAWN set */
    PROBE_SETUID,           /* PRIVILEGED set */
    PROBE_SETPRIORITY,      /* RESOURCECTL set */
    PROBE_THREAD,           /* allowed even with SPAWN denied */
} Probe;

static gpointer thread_fn(gpointer data)
{
    return data;
}

/* Runs in the child: 0 if the call returned, whatever its result. */
static int child_probe(Probe p)
{
    switch (p) {
    case PROBE_SWAPOFF:
        syscall(SYS_swapoff, "/nonexistent-seccomp-test");
        return 0;
    case PROBE_FORK: {
        pid_t pid = fork();

        if (pid == 0) {
            _exit(0);
        }
        if (pid > 0) {
            waitpid(pid, NULL, 0);
        }
        return 0;
    }
    case PROBE_SETUID:
        (void)setuid(getuid());
        return 0;
    case PROBE_SETPRIORITY:
        setpriority(PRIO_PROCESS, 0, 0);
        return 0;
    case PROBE_THREAD: {
        GThread *t = g_thread_new("probe", thread_fn, GINT_TO_POINTER(7));

        return GPOINTER_TO_INT(g_thread_join(t)) == 7 ? 0 : 3;
    }
    }
    return 2;
}

/* Fork; the child filters `sets` then probes. Returns its wait status. */
static int run_probe(uint32_t sets, Probe p)
{
    pid_t pid = fork();
    int status;

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        GError *err = NULL;

        if (!qemu_seccomp_start(sets, &err)) {
            _exit(100);
        }
        _exit(child_probe(p));
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    return status;
}

static void assert_killed(int status)
{
    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(WTERMSIG(status), ==, SIGSYS);
}

static void assert_returned(int status)
{
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void test_default_set(void)
{
    assert_killed(run_probe(QEMU_SECCOMP_SET_DEFAULT, PROBE_SWAPOFF));
    /* the default set leaves spawning and threads alone */
    assert_returned(run_probe(QEMU_SECCOMP_SET_DEFAULT, PROBE_FORK));
    assert_returned(run_probe(QEMU_SECCOMP_SET_DEFAULT, PROBE_THREAD));
}

static void test_optional_sets(void)
{
    uint32_t base = QEMU_SECCOMP_SET_DEFAULT;

    assert_killed(run_probe(base | QEMU_SECCOMP_SET_SPAWN, PROBE_FORK));
    assert_returned(run_probe(base | QEMU_SECCOMP_SET_SPAWN, PROBE_THREAD));
    assert_killed(run_probe(base | QEMU_SECCOMP_SET_PRIVILEGED,
                            PROBE_SETUID));
    assert_returned(run_probe(base, PROBE_SETUID));
    assert_killed(run_probe(base | QEMU_SECCOMP_SET_RESOURCECTL,
                            PROBE_SETPRIORITY));
    assert_returned(run_probe(base, PROBE_SETPRIORITY));
}

static void test_parse(void)
{
    g_autoptr(GError) err = NULL;
    uint32_t sets;

    g_assert_true(qemu_seccomp_parse(NULL, NULL, NULL, NULL, &sets, &err));
    g_assert_cmphex(sets, ==, QEMU_SECCOMP_SET_DEFAULT |
                    QEMU_SECCOMP_SET_OBSOLETE);
    g_assert_true(qemu_seccomp_parse("allow", "deny", "deny", "deny", &sets,
                                     &err));
    g_assert_cmphex(sets, ==, QEMU_SECCOMP_SET_DEFAULT |
                    QEMU_SECCOMP_SET_PRIVILEGED | QEMU_SECCOMP_SET_SPAWN |
                    QEMU_SECCOMP_SET_RESOURCECTL);
    g_assert_false(qemu_seccomp_parse(NULL, NULL, "maybe", NULL, &sets,
                                      &err));
    g_assert_cmpstr(err->message, ==, "invalid argument for spawn");
    g_clear_error(&err);
    g_assert_false(qemu_seccomp_parse("x", NULL, NULL, NULL, &sets, &err));
    g_assert_cmpstr(err->message, ==, "invalid argument for obsolete");
    g_clear_error(&err);
    g_assert_false(qemu_seccomp_parse(NULL, "x", NULL, NULL, &sets, &err));
    g_assert_cmpstr(err->message, ==, "invalid argument for elevateprivileges");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seccomp/parse", test_parse);
    if (qemu_seccomp_available()) {
        g_test_add_func("/seccomp/default-set", test_default_set);
        g_test_add_func("/seccomp/optional-sets", test_optional_sets);
    }
    return g_test_run();
}

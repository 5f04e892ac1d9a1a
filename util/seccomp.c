/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -sandbox on: one table of (system call, set, argument test, action);
 * qemu_seccomp_start() adds the rules of the selected sets to a filter
 * that allows everything else, and loads it on every thread.
 */
#include "qemu/osdep.h"

#include <sched.h>
#include <seccomp.h>

#include "qapi/error.h"
#include "qemu/seccomp.h"

typedef enum SeccompAction {
    SECCOMP_KILL,       /* kill the whole process (trap on old kernels) */
    SECCOMP_ENOSYS,     /* fail with ENOSYS: the caller has a fallback */
} SeccompAction;

typedef struct SeccompRule {
    const char *name;
    uint32_t set;
    SeccompAction action;
    /* with clone_process: only when the flags (arg 0) lack CLONE_THREAD */
    bool clone_process;
} SeccompRule;

static const SeccompRule seccomp_rules[] = {
    /* Never needed by an emulator: host administration and dead calls. */
    { "reboot", QEMU_SECCOMP_SET_DEFAULT },
    { "swapon", QEMU_SECCOMP_SET_DEFAULT },
    { "swapoff", QEMU_SECCOMP_SET_DEFAULT },
    { "syslog", QEMU_SECCOMP_SET_DEFAULT },
    { "mount", QEMU_SECCOMP_SET_DEFAULT },
    { "umount", QEMU_SECCOMP_SET_DEFAULT },
    { "umount2", QEMU_SECCOMP_SET_DEFAULT },
    { "kexec_load", QEMU_SECCOMP_SET_DEFAULT },
    { "kexec_file_load", QEMU_SECCOMP_SET_DEFAULT },
    { "afs_syscall", QEMU_SECCOMP_SET_DEFAULT },
    { "break", QEMU_SECCOMP_SET_DEFAULT },
    { "ftime", QEMU_SECCOMP_SET_DEFAULT },
    { "getpmsg", QEMU_SECCOMP_SET_DEFAULT },
    { "gtty", QEMU_SECCOMP_SET_DEFAULT },
    { "lock", QEMU_SECCOMP_SET_DEFAULT },
    { "mpx", QEMU_SECCOMP_SET_DEFAULT },
    { "prof", QEMU_SECCOMP_SET_DEFAULT },
    { "profil", QEMU_SECCOMP_SET_DEFAULT },
    { "putpmsg", QEMU_SECCOMP_SET_DEFAULT },
    { "security", QEMU_SECCOMP_SET_DEFAULT },
    { "stty", QEMU_SECCOMP_SET_DEFAULT },
    { "tuxcall", QEMU_SECCOMP_SET_DEFAULT },
    { "ulimit", QEMU_SECCOMP_SET_DEFAULT },
    { "vserver", QEMU_SECCOMP_SET_DEFAULT },
    /* obsolete=deny */
    { "readdir", QEMU_SECCOMP_SET_OBSOLETE },
    { "_sysctl", QEMU_SECCOMP_SET_OBSOLETE },
    { "bdflush", QEMU_SECCOMP_SET_OBSOLETE },
    { "create_module", QEMU_SECCOMP_SET_OBSOLETE },
    { "get_kernel_syms", QEMU_SECCOMP_SET_OBSOLETE },
    { "query_module", QEMU_SECCOMP_SET_OBSOLETE },
    { "sgetmask", QEMU_SECCOMP_SET_OBSOLETE },
    { "ssetmask", QEMU_SECCOMP_SET_OBSOLETE },
    { "sysfs", QEMU_SECCOMP_SET_OBSOLETE },
    { "uselib", QEMU_SECCOMP_SET_OBSOLETE },
    { "ustat", QEMU_SECCOMP_SET_OBSOLETE },
    { "vm86", QEMU_SECCOMP_SET_OBSOLETE },
    { "vm86old", QEMU_SECCOMP_SET_OBSOLETE },
    /* elevateprivileges=deny */
    { "setuid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setgid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setpgid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setsid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setreuid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setregid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setresuid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setresgid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setfsuid", QEMU_SECCOMP_SET_PRIVILEGED },
    { "setfsgid", QEMU_SECCOMP_SET_PRIVILEGED },
    /* spawn=deny: new processes and exec; threads stay allowed */
    { "fork", QEMU_SECCOMP_SET_SPAWN },
    { "vfork", QEMU_SECCOMP_SET_SPAWN },
    { "execve", QEMU_SECCOMP_SET_SPAWN },
    { "execveat", QEMU_SECCOMP_SET_SPAWN },
    { "clone", QEMU_SECCOMP_SET_SPAWN, SECCOMP_KILL, true },
    /* clone3 passes its flags in memory a filter cannot read; libc falls
     * back to clone() on ENOSYS, which the rule above can check */
    { "clone3", QEMU_SECCOMP_SET_SPAWN, SECCOMP_ENOSYS },
    /* resourcecontrol=deny */
    { "getpriority", QEMU_SECCOMP_SET_RESOURCECTL },
    { "setpriority", QEMU_SECCOMP_SET_RESOURCECTL },
    { "sched_setparam", QEMU_SECCOMP_SET_RESOURCECTL },
    { "sched_setscheduler", QEMU_SECCOMP_SET_RESOURCECTL },
    { "sched_setaffinity", QEMU_SECCOMP_SET_RESOURCECTL },
};

bool qemu_seccomp_available(void)
{
    return true;
}

static uint32_t seccomp_kill_action(void)
{
    /* API level 3 knows SCMP_ACT_KILL_PROCESS (all threads, not one). */
    return seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_TRAP;
}

bool qemu_seccomp_start(uint32_t sets, GError **errp)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc;

    if (!ctx) {
        error_setg(errp, "failed to initialize seccomp context");
        return false;
    }
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc < 0) {
        goto fail;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(seccomp_rules); i++) {
        const SeccompRule *r = &seccomp_rules[i];
        int nr = seccomp_syscall_resolve_name(r->name);
        uint32_t action = r->action == SECCOMP_ENOSYS ?
                          SCMP_ACT_ERRNO(ENOSYS) : seccomp_kill_action();

        if (!(sets & r->set) || nr == __NR_SCMP_ERROR) {
            continue;       /* not selected, or unknown to libseccomp */
        }
        if (r->clone_process) {
            rc = seccomp_rule_add(ctx, action, nr, 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
                                          0));
        } else {
            rc = seccomp_rule_add(ctx, action, nr, 0);
        }
        /* negative numbers are calls this architecture does not have */
        if (rc < 0 && nr >= 0) {
            goto fail;
        }
    }
    rc = seccomp_load(ctx);
    if (rc < 0) {
        goto fail;
    }
    seccomp_release(ctx);
    return true;

fail:
    seccomp_release(ctx);
    error_setg_errno(errp, -rc, "failed to install seccomp syscall filter "
                     "in the kernel");
    return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line options of management tools' habits (see
 * cmdline-compat.h). Messages are QEMU's, so scripts that match them keep
 * working.
 */
#include "qemu/osdep.h"

#include <fcntl.h>
#include <sys/mman.h>

#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "qemu/config-registry.h"
#include "qemu/seccomp.h"
#include "monitor/monitor.h"
#include "system/system.h"
#include "cmdline-compat.h"

int64_t rtc_base_offset;

static bool sandbox_on;
static uint32_t sandbox_sets;
static int mlock_flags;             /* 0: -overcommit mem-lock=off */
static bool msg_timestamp, msg_guest_name;

typedef struct AddFd {
    int fd;                         /* our duplicate (close-on-exec) */
    int64_t set;
    char *opaque;
} AddFd;
static GPtrArray *add_fds;

static QemuOptsList qemu_rtc_opts = {
    .name = "rtc", .implied_opt_name = "base", .merge_lists = true,
    .desc = {
        { .name = "base", .type = QEMU_OPT_STRING },
        { .name = "clock", .type = QEMU_OPT_STRING },
        { .name = "driftfix", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

static QemuOptsList qemu_boot_opts = {
    .name = "boot-opts", .implied_opt_name = "order", .merge_lists = true,
    .desc = {
        { .name = "order", .type = QEMU_OPT_STRING },
        { .name = "once", .type = QEMU_OPT_STRING },
        { .name = "menu", .type = QEMU_OPT_BOOL },
        { .name = "splash", .type = QEMU_OPT_STRING },
        { .name = "splash-time", .type = QEMU_OPT_NUMBER },
        { .name = "reboot-timeout", .type = QEMU_OPT_NUMBER },
        { .name = "strict", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

static QemuOptsList qemu_overcommit_opts = {
    .name = "overcommit", .merge_lists = true,
    .desc = {
        { .name = "mem-lock", .type = QEMU_OPT_STRING },
        { .name = "cpu-pm", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

static QemuOptsList qemu_sandbox_opts = {
    .name = "sandbox", .implied_opt_name = "enable", .merge_lists = true,
    .desc = {
        { .name = "enable", .type = QEMU_OPT_BOOL },
        { .name = "obsolete", .type = QEMU_OPT_STRING },
        { .name = "elevateprivileges", .type = QEMU_OPT_STRING },
        { .name = "spawn", .type = QEMU_OPT_STRING },
        { .name = "resourcecontrol", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

static QemuOptsList qemu_add_fd_opts = {
    .name = "add-fd",
    .desc = {
        { .name = "fd", .type = QEMU_OPT_NUMBER },
        { .name = "set", .type = QEMU_OPT_NUMBER },
        { .name = "opaque", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

static QemuOptsList qemu_msg_opts = {
    .name = "msg", .merge_lists = true,
    .desc = {
        { .name = "timestamp", .type = QEMU_OPT_BOOL },
        { .name = "guest-name", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

void compat_register_opts(void)
{
    qemu_add_opts(&qemu_rtc_opts);
    qemu_add_opts(&qemu_boot_opts);
    qemu_add_opts(&qemu_overcommit_opts);
    qemu_add_opts(&qemu_sandbox_opts);
    qemu_add_opts(&qemu_add_fd_opts);
    qemu_add_opts(&qemu_msg_opts);
}

static void QEMU_NORETURN compat_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void compat_fail(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report("%s", msg);
    exit(1);
}

static QemuOpts *compat_opts(QemuOptsList *list, const char *arg,
                             bool implied)
{
    GError *err = NULL;
    QemuOpts *opts = qemu_opts_parse(list, arg, implied, &err);

    if (!opts) {
        error_report_err(err);
        exit(1);
    }
    return opts;
}

/* ---- -rtc base=utc|localtime|DATE,clock=host|rt|vm,driftfix=none|slew ---- */

static bool rtc_parse_date(const char *s, int64_t *offset)
{
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autoptr(GDateTime) dt = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;

    if (sscanf(s, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6
        || s[n]) {
        n = 0;
        h = mi = sec = 0;
        if (sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) != 3 || s[n]) {
            return false;
        }
    }
    dt = g_date_time_new(utc, y, mo, d, h, mi, sec);
    if (!dt) {
        return false;
    }
    *offset = g_date_time_to_unix(dt) - g_date_time_to_unix(now);
    return true;
}

void compat_parse_rtc(const char *arg)
{
    QemuOpts *opts = compat_opts(&qemu_rtc_opts, arg, true);
    const char *v;

    if ((v = qemu_opt_get(opts, "base"))) {
        if (!strcmp(v, "utc")) {
            rtc_base_offset = 0;
        } else if (!strcmp(v, "localtime")) {
            g_autoptr(GDateTime) now = g_date_time_new_now_local();

            rtc_base_offset = g_date_time_get_utc_offset(now) / G_USEC_PER_SEC;
        } else if (!rtc_parse_date(v, &rtc_base_offset)) {
            error_report("invalid datetime format");
            error_printf("valid formats: '2006-06-17T16:01:21' or "
                         "'2006-06-17'\n");
            exit(1);
        }
    }
    v = qemu_opt_get(opts, "clock");
    if (v && strcmp(v, "host") && strcmp(v, "rt") && strcmp(v, "vm")) {
        compat_fail("invalid option value '%s'", v);
    }
    v = qemu_opt_get(opts, "driftfix");
    if (v && strcmp(v, "none") && strcmp(v, "slew")) {
        compat_fail("invalid option value '%s'", v);
    }
}

/* ---- -boot [order=][,once=][,menu=][,strict=]... ---- */

/* Boot device letters as QEMU checks them: a..p, each at most once. */
static void boot_check_devices(const char *devices)
{
    uint32_t seen = 0;

    for (const char *p = devices; *p; p++) {
        if (*p < 'a' || *p > 'p') {
            compat_fail("Invalid boot device '%c'", *p);
        }
        if (seen & (1u << (*p - 'a'))) {
            compat_fail("Boot device '%c' was given twice", *p);
        }
        seen |= 1u << (*p - 'a');
    }
}

void compat_parse_boot(const char *arg)
{
    QemuOpts *opts = compat_opts(&qemu_boot_opts, arg, true);
    const char *v;

    /* The virt board boots -kernel/-bios only: there is nothing to order,
     * so valid values are accepted and have no effect. */
    if ((v = qemu_opt_get(opts, "order"))) {
        boot_check_devices(v);
    }
    if ((v = qemu_opt_get(opts, "once"))) {
        boot_check_devices(v);
    }
    qemu_opt_get_bool(opts, "menu", false);
    qemu_opt_get_bool(opts, "strict", false);
}

/* ---- -overcommit mem-lock=on|off|on-fault,cpu-pm=on|off ---- */

void compat_parse_overcommit(const char *arg)
{
    QemuOpts *opts = compat_opts(&qemu_overcommit_opts, arg, false);
    const char *v = qemu_opt_get(opts, "mem-lock");

    if (!v) {
        return;
    }
    if (!strcmp(v, "on")) {
        mlock_flags = MCL_CURRENT | MCL_FUTURE;
    } else if (!strcmp(v, "on-fault")) {
        mlock_flags = MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT;
    } else if (!strcmp(v, "off")) {
        mlock_flags = 0;
    } else {
        compat_fail("parameter 'mem-lock' expects one of 'on', 'off', "
                    "'on-fault'");
    }
}

/* ---- -sandbox on|off[,obsolete=][,elevateprivileges=][,spawn=]... ---- */

void compat_parse_sandbox(const char *arg)
{
    QemuOpts *opts = compat_opts(&qemu_sandbox_opts, arg, true);
    GError *err = NULL;

    sandbox_on = qemu_opt_get_bool(opts, "enable", false);
    if (!sandbox_on) {
        return;
    }
    if (!qemu_seccomp_available()) {
        compat_fail("seccomp support is disabled");
    }
    if (!qemu_seccomp_parse(qemu_opt_get(opts, "obsolete"),
                            qemu_opt_get(opts, "elevateprivileges"),
                            qemu_opt_get(opts, "spawn"),
                            qemu_opt_get(opts, "resourcecontrol"),
                            &sandbox_sets, &err)) {
        error_report_err(err);
        exit(1);
    }
}

/* ---- -add-fd fd=N,set=ID[,opaque=STR] ---- */

void compat_parse_add_fd(const char *arg)
{
    QemuOpts *opts = compat_opts(&qemu_add_fd_opts, arg, false);
    int64_t fd, set;
    AddFd *a;
    int flags, dup_fd;

    fd = qemu_opt_get(opts, "fd") ?
         (int64_t)qemu_opt_get_number(opts, "fd", 0) : -1;
    set = qemu_opt_get(opts, "set") ?
          (int64_t)qemu_opt_get_number(opts, "set", 0) : -1;
    if (fd < 0 || fd > INT_MAX) {
        compat_fail("fd option is required and must be non-negative");
    }
    if (fd <= STDERR_FILENO) {
        compat_fail("fd cannot be a standard I/O stream");
    }
    /* Inherited fds lack FD_CLOEXEC; every fd of ours has it. */
    flags = fcntl(fd, F_GETFD);
    if (flags == -1 || (flags & FD_CLOEXEC)) {
        compat_fail("fd is not valid or already in use");
    }
    if (set < 0) {
        compat_fail("set option is required and must be non-negative");
    }
    dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        compat_fail("Error duplicating fd: %s", g_strerror(errno));
    }
    a = g_new0(AddFd, 1);
    a->fd = dup_fd;
    a->set = set;
    a->opaque = g_strdup(qemu_opt_get(opts, "opaque"));
    if (!add_fds) {
        add_fds = g_ptr_array_new();
    }
    g_ptr_array_add(add_fds, a);
    /* The original stays open until start-up ends, as in QEMU; closing it
     * here would let a later -add-fd of the same number fail oddly. */
}

void compat_apply_fdsets(void)
{
    for (guint i = 0; add_fds && i < add_fds->len; i++) {
        AddFd *a = g_ptr_array_index(add_fds, i);

        monitor_fdset_add_fd(a->fd, a->set, a->opaque);
        g_free(a->opaque);
        g_free(a);
    }
    g_clear_pointer(&add_fds, g_ptr_array_unref);
}

/* ---- -msg timestamp=on|off,guest-name=on|off ---- */

void compat_parse_msg(const char *arg)
{
    QemuOpts *opts = compat_opts(&qemu_msg_opts, arg, false);

    msg_timestamp = qemu_opt_get_bool(opts, "timestamp", msg_timestamp);
    msg_guest_name = qemu_opt_get_bool(opts, "guest-name", msg_guest_name);
    /* As in QEMU, later messages (even of parsing) use the format. */
    compat_apply_msg(qemu_name);
}

void compat_apply_msg(const char *guest_name)
{
    error_report_set_format(msg_timestamp,
                            msg_guest_name ? guest_name : NULL);
}

/* ---- process-wide limits ---- */

void compat_apply_process_limits(void)
{
    GError *err = NULL;

    if (mlock_flags && mlockall(mlock_flags) < 0) {
        error_report("locking memory failed");
        exit(1);
    }
    if (sandbox_on && !qemu_seccomp_start(sandbox_sets, &err)) {
        error_report_err(err);
        exit(1);
    }
}

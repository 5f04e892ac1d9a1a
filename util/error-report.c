/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Human-readable error reports: "prog: [location: ]message" on stderr.
 * Multi-line messages print their extra lines as hints without prefix.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"

const char *error_progname = "qemu-system-cr16";

static char *cur_loc;

void loc_set_cmdline(const char *opt, const char *arg)
{
    g_free(cur_loc);
    cur_loc = arg ? g_strdup_printf("%s %s", opt, arg) : g_strdup(opt);
}

void loc_clear(void)
{
    g_clear_pointer(&cur_loc, g_free);
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    GString *out = g_string_new(error_progname);

    g_string_append(out, ": ");
    if (cur_loc) {
        g_string_append_printf(out, "%s: ", cur_loc);
    }
    if (kind) {
        g_string_append_printf(out, "%s: ", kind);
    }
    g_string_append(out, msg);
    g_string_append_c(out, '\n');
    fputs(out->str, stderr);
    fflush(stderr);
    g_string_free(out, TRUE);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(NULL, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("info", fmt, ap);
    va_end(ap);
}

void error_report_err(GError *err)
{
    if (err) {
        error_report("%s", err->message);
        g_error_free(err);
    }
}

void error_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

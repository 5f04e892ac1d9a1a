/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Human-readable error reports: "prog: [location: ]message" on stderr.
 * Multi-line messages print their extra lines as hints without prefix.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"

const char *error_progname = "qemu-system-cr16";

static char *cur_loc;
static bool cur_loc_is_file;    /* "prog:file:line: ", no space after prog */
static bool msg_timestamp;
static char *msg_guest_name;

void error_report_set_format(bool timestamp, const char *guest_name)
{
    msg_timestamp = timestamp;
    g_free(msg_guest_name);
    msg_guest_name = g_strdup(guest_name);
}

bool error_report_timestamps(void)
{
    return msg_timestamp;
}

void loc_set_cmdline(const char *opt, const char *arg)
{
    g_free(cur_loc);
    cur_loc = arg ? g_strdup_printf("%s %s", opt, arg) : g_strdup(opt);
    cur_loc_is_file = false;
}

void loc_set_file(const char *path, int line)
{
    g_free(cur_loc);
    cur_loc = g_strdup_printf("%s:%d", path, line);
    cur_loc_is_file = true;
}

void loc_clear(void)
{
    g_clear_pointer(&cur_loc, g_free);
    cur_loc_is_file = false;
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    GString *out = g_string_new(NULL);

    if (msg_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *stamp = g_date_time_format_iso8601(now);

        g_string_append_printf(out, "%s ", stamp);
    }
    if (msg_guest_name) {
        g_string_append_printf(out, "%s ", msg_guest_name);
    }
    g_string_append(out, error_progname);
    if (cur_loc && cur_loc_is_file) {
        g_string_append_printf(out, ":%s: ", cur_loc);
    } else {
        g_string_append(out, ": ");
        if (cur_loc) {
            g_string_append_printf(out, "%s: ", cur_loc);
        }
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

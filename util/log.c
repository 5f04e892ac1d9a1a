/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The -d / -D debug log: a category mask and one output stream.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/trace.h"
#include "qapi/error.h"

int qemu_loglevel;

static FILE *log_file;
static GMutex log_lock;

typedef struct LogItem {
    int mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { CPU_LOG_TB_OUT_ASM, "out_asm", "show generated host code (none: interpreter)" },
    { CPU_LOG_TB_IN_ASM, "in_asm", "show target assembly code for each decoded block" },
    { CPU_LOG_INT, "int", "show interrupts/exceptions" },
    { CPU_LOG_EXEC, "exec", "show trace before each executed block" },
    { CPU_LOG_TB_CPU, "cpu", "show CPU registers before entering a block" },
    { CPU_LOG_RESET, "cpu_reset", "show CPU state before CPU resets" },
    { LOG_UNIMP, "unimp", "log unimplemented functionality" },
    { LOG_GUEST_ERROR, "guest_errors", "log when the guest OS does something invalid" },
    { CPU_LOG_TB_NOCHAIN, "nochain", "do not chain decoded blocks" },
};

void qemu_log(const char *fmt, ...)
{
    va_list ap;

    g_mutex_lock(&log_lock);
    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
    g_mutex_unlock(&log_lock);
}

int qemu_log_parse_items(const char *str, char **bad)
{
    g_auto(GStrv) items = g_strsplit(str, ",", -1);
    int mask = 0;

    for (int i = 0; items[i]; i++) {
        bool found = false;

        if (!items[i][0]) {
            continue;
        }
        if (!strcmp(items[i], "all")) {
            for (size_t j = 0; j < ARRAY_SIZE(log_items); j++) {
                mask |= log_items[j].mask;
            }
            continue;
        }
        if (g_str_has_prefix(items[i], "trace:")) {
            /* -d trace:PATTERN is -trace enable=PATTERN */
            trace_enable_pattern(items[i] + strlen("trace:"));
            mask |= LOG_TRACE;
            continue;
        }
        for (size_t j = 0; j < ARRAY_SIZE(log_items); j++) {
            if (!strcmp(items[i], log_items[j].name)) {
                mask |= log_items[j].mask;
                found = true;
            }
        }
        if (!found) {
            *bad = g_strdup(items[i]);
            return -1;
        }
    }
    return mask;
}

void qemu_log_print_help(void)
{
    printf("Log items (comma separated):\n");
    for (size_t j = 0; j < ARRAY_SIZE(log_items); j++) {
        printf("%-15s %s\n", log_items[j].name, log_items[j].help);
    }
    printf("%-15s %s\n", "trace:PATTERN", "enable trace events (see -trace help)");
}

bool qemu_log_set(int mask, const char *filename, GError **errp)
{
    if (filename) {
        g_autofree char *path = NULL;
        const char *pct = strstr(filename, "%d");
        FILE *f;

        if (pct) {
            GString *s = g_string_new_len(filename, pct - filename);

            g_string_append_printf(s, "%d", (int)getpid());
            g_string_append(s, pct + 2);
            path = g_string_free(s, FALSE);
        } else {
            path = g_strdup(filename);
        }
        f = fopen(path, "w");
        if (!f) {
            error_setg_errno(errp, errno, "Error opening logfile %s", path);
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
        g_mutex_lock(&log_lock);
        if (log_file) {
            fclose(log_file);
        }
        log_file = f;
        g_mutex_unlock(&log_lock);
    }
    qemu_loglevel = mask;
    return true;
}

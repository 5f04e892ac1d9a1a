/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * human-monitor-command (qmp.md 9.13): a minimal human monitor with
 * "info status", "info version", "info name" and "help".  Output lines
 * end in CR LF; an unknown command is reported in the output, not as a
 * QMP error.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "system/cpus.h"
#include "monitor-internal.h"

typedef void HmpHandler(GString *out);

typedef struct HmpCommand {
    const char *name;
    const char *help;
    HmpHandler *fn;
} HmpCommand;

static void hmp_info_status(GString *out)
{
    g_autoptr(StatusInfo) info = qmp_query_status(NULL);

    if (!info) {
        return;
    }
    g_string_append_printf(out, "VM status: %s",
                           info->running ? "running" : "paused");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", RunState_str(info->status));
    }
    g_string_append(out, "\r\n");
}

static void hmp_info_version(GString *out)
{
    g_autoptr(VersionInfo) info = qmp_query_version(NULL);

    if (!info) {
        return;
    }
    g_string_append_printf(out, "%" PRId64 ".%" PRId64 ".%" PRId64 "%s\r\n",
                           info->qemu->major, info->qemu->minor,
                           info->qemu->micro, info->package);
}

static void hmp_info_name(GString *out)
{
    g_autoptr(NameInfo) info = qmp_query_name(NULL);

    if (info && info->name) {
        g_string_append_printf(out, "%s\r\n", info->name);
    }
}

static const HmpCommand hmp_info_cmds[] = {
    { "name", "show the current VM name", hmp_info_name },
    { "status", "show the current VM status (running|paused)",
      hmp_info_status },
    { "version", "show the version of QEMU", hmp_info_version },
};

static void hmp_list(GString *out, const char *prefix)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(hmp_info_cmds); i++) {
        g_string_append_printf(out, "%s%s -- %s\r\n", prefix,
                               hmp_info_cmds[i].name, hmp_info_cmds[i].help);
    }
}

/* Run one command line, appending its output to out. */
static void hmp_run(GString *out, const char *line)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t\r\n", -1);
    const char *argv[3] = { NULL, NULL, NULL };
    int argc = 0;
    size_t i;

    for (i = 0; words[i]; i++) {
        if (words[i][0] && argc < 3) {
            argv[argc++] = words[i];
        }
    }
    if (argc == 0) {
        return;
    }
    if (!strcmp(argv[0], "help") || !strcmp(argv[0], "?")) {
        g_string_append(out, "help|? [cmd] -- show the help\r\n");
        hmp_list(out, "info ");
        return;
    }
    if (!strcmp(argv[0], "info") || !strcmp(argv[0], "i")) {
        if (argc == 1) {
            hmp_list(out, "info ");
            return;
        }
        for (i = 0; i < ARRAY_SIZE(hmp_info_cmds); i++) {
            if (!strcmp(argv[1], hmp_info_cmds[i].name)) {
                hmp_info_cmds[i].fn(out);
                return;
            }
        }
        g_string_append_printf(out, "unknown command: 'info %s'\r\n",
                               argv[1]);
        return;
    }
    g_string_append_printf(out, "unknown command: '%s'\r\n", argv[0]);
}

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, GError **errp)
{
    GString *out;

    /* The only CPU a CR16 machine has is number 0. */
    if (has_cpu_index && (cpu_index != 0 || !cpus_have_vcpu())) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    out = g_string_new(NULL);
    hmp_run(out, command_line);
    return g_string_free(out, FALSE);
}

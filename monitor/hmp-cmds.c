/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HMP command table and its engine: find the command (and the
 * subcommand of "info"), parse its arguments from the table's args_type,
 * run its handler; and complete command names for readline.
 *
 * Tables are sorted by name: help lists them in this order.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hmp-internal.h"

const HmpCommand hmp_info_cmds[] = {
    { "chardev", "", "", "show the character devices", hmp_info_chardev },
    { "cpus", "", "", "show infos for each CPU", hmp_info_cpus },
    { "migrate", "", "", "show migration status", hmp_info_migrate },
    { "migrate_capabilities", "", "",
      "show current migration capabilities",
      hmp_info_migrate_capabilities },
    { "migrate_parameters", "", "", "show current migration parameters",
      hmp_info_migrate_parameters },
    { "mtree", "flatview:-f,dispatch_tree:-d,owner:-o,disabled:-D",
      "[-f][-d][-o][-D]",
      "show memory tree (-f: flat view of the physical address space; "
      "-o: region owners; -d, -D: accepted, no effect)", hmp_info_mtree },
    { "name", "", "", "show the current VM name", hmp_info_name },
    { "qtree", "brief:-b", "[-b]",
      "show device tree (-b: brief, omit properties)", hmp_info_qtree },
    { "registers", "cpustate_all:-a,vcpu:i?", "[-a|vcpu]",
      "show the cpu registers (-a: all CPUs; vcpu: that vCPU)",
      hmp_info_registers },
    { "status", "", "", "show the current VM status (running|paused)",
      hmp_info_status },
    { "vcpu_dirty_limit", "", "",
      "show dirty page limit information of all vCPU",
      hmp_info_vcpu_dirty_limit },
    { "version", "", "", "show the version of QEMU", hmp_info_version },
    { NULL },
};

const HmpCommand hmp_cmds[] = {
    { "cancel_vcpu_dirty_limit", "cpu_index:l?", "[cpu_index]",
      "cancel dirty page rate limit, use cpu_index to cancel limit on a "
      "specified virtual cpu", hmp_cancel_vcpu_dirty_limit },
    { "cont|c", "", "", "resume emulation", hmp_cont },
    { "help|?", "name:S?", "[cmd]", "show the help", hmp_help },
    { "info|i", "item:s?", "[subcommand]",
      "show various information about the system state", hmp_info_help,
      hmp_info_cmds },
    { "migrate", "detach:-d,resume:-r,uri:s", "[-d] [-r] uri",
      "migrate to URI (using -d to not wait for completion)\n\t\t\t"
      " -r to resume a paused postcopy migration", hmp_migrate },
    { "migrate_cancel", "", "", "cancel the current VM migration",
      hmp_migrate_cancel },
    { "migrate_continue", "state:s", "state",
      "Continue migration from the given paused state",
      hmp_migrate_continue },
    { "migrate_incoming", "uri:s", "uri",
      "Continue an incoming migration from an -incoming defer",
      hmp_migrate_incoming },
    { "migrate_pause", "", "", "Pause an ongoing migration (postcopy-only)",
      hmp_migrate_pause },
    { "migrate_recover", "uri:s", "uri",
      "Continue a paused incoming postcopy migration",
      hmp_migrate_recover },
    { "migrate_set_capability", "capability:s,state:b", "capability state",
      "Enable/Disable the usage of a capability for migration",
      hmp_migrate_set_capability },
    { "migrate_set_parameter", "parameter:s,value:s", "parameter value",
      "Set the parameter for migration", hmp_migrate_set_parameter },
    { "migrate_start_postcopy", "", "",
      "Followup to a migration command to switch the migration to "
      "postcopy mode. The postcopy-ram capability must be set on both "
      "source and destination before the original migration command .",
      hmp_migrate_start_postcopy },
    { "quit|q", "", "", "quit the emulator", hmp_quit },
    { "set_vcpu_dirty_limit", "dirty_rate:l,cpu_index:l?",
      "dirty_rate [cpu_index]",
      "set dirty page rate limit, use cpu_index to set limit on a "
      "specified virtual cpu", hmp_set_vcpu_dirty_limit },
    { "stop|s", "", "", "stop emulation", hmp_stop },
    { "system_reset", "", "", "reset the system", hmp_system_reset },
    { "x", "fmt:/,addr:l", "/fmt addr",
      "virtual memory dump starting at 'addr'", hmp_memory_dump },
    { "xp", "fmt:/,addr:l", "/fmt addr",
      "physical memory dump starting at 'addr'",
      hmp_physical_memory_dump },
    { NULL },
};

static const HmpCommand *find_cmd(const HmpCommand *table, const char *name,
                                  size_t len)
{
    for (; table->name; table++) {
        if (hmp_name_matches(table, name, len)) {
            return table;
        }
    }
    return NULL;
}

/* The next word of *pp (advanced past it); *len 0 at the end. */
static const char *next_word(const char **pp, size_t *len)
{
    const char *p = *pp, *start;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    start = p;
    /* "x/4x": the format belongs to the arguments, not the name. */
    while (*p && !g_ascii_isspace(*p) && *p != '/') {
        p++;
    }
    *len = p - start;
    *pp = p;
    return start;
}

void hmp_run_line(Hmp *h, const char *line)
{
    const HmpCommand *table = hmp_cmds;
    const char *p = line, *start = NULL;
    const HmpCommand *cmd;
    g_autoptr(JsonObject) args = NULL;
    GError *err = NULL;
    size_t len;

    for (;;) {
        const char *name = next_word(&p, &len);

        if (!start) {
            start = name;
        }
        if (!len) {
            return;                     /* empty line */
        }
        cmd = find_cmd(table, name, len);
        if (!cmd) {
            hmp_printf(h, "unknown command: '%.*s'\n",
                       (int)(p - start), start);
            return;
        }
        /* Descend into a subcommand table when a word follows. */
        if (cmd->sub_table) {
            const char *q = p;

            next_word(&q, &len);
            if (len) {
                table = cmd->sub_table;
                continue;
            }
        }
        break;
    }
    args = hmp_parse_args(cmd, p, &err);
    if (!args) {
        hmp_printf(h, "%s\n", err->message);
        g_error_free(err);
        return;
    }
    cmd->cmd(h, args);
}

/* Add the names (each alias) of table that start with prefix. */
static void complete_names(const HmpCommand *table, GPtrArray *out)
{
    for (; table->name; table++) {
        g_auto(GStrv) names = g_strsplit(table->name, "|", -1);

        for (int i = 0; names[i]; i++) {
            g_ptr_array_add(out, g_strdup(names[i]));
        }
    }
}

void hmp_complete(void *opaque, const char *line, GPtrArray *out)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    int n = 0, i;

    /* Count the complete words before the one being completed. */
    for (i = 0; words[i] && words[i + 1]; i++) {
        if (*words[i]) {
            n++;
        }
    }
    if (n == 0) {
        complete_names(hmp_cmds, out);
        return;
    }
    if (n == 1 || n == 2) {
        const char *first = NULL;
        const HmpCommand *cmd;

        for (i = 0; words[i]; i++) {
            if (*words[i]) {
                first = words[i];
                break;
            }
        }
        cmd = first ? find_cmd(hmp_cmds, first, strlen(first)) : NULL;
        if (cmd && n == 1 && cmd->sub_table) {
            complete_names(cmd->sub_table, out);
        } else if (cmd && n == 1 && hmp_name_matches(cmd, "help", 4)) {
            complete_names(hmp_cmds, out);
        }
    }
}

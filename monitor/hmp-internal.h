/*
 * Private to monitor/: the human monitor (HMP).  One table of commands
 * (hmp-cmds.c) says for each command its name and aliases, its
 * arguments in QEMU's args_type notation, the parameter synopsis and the
 * help line, and its handler; hmp-args.c parses a command line against
 * that notation into a JSON object, and the handlers (hmp-cmds-*.c, one
 * file per area) call the QMP implementations and print the results the
 * way QEMU's HMP prints them.
 *
 * args_type: comma-separated "name:type" items.  Types: s (a word, or a
 * quoted string), S (the rest of the line), i / l (a 32 / 64-bit integer
 * expression: numbers in C notation, $register, + - * /), b (on|off),
 * -X (a flag -X, stored as a bool), / (the x/xp format "/[count][fmt][size]",
 * stored as count/format/size members).  A trailing '?' makes an item
 * optional.
 *
 * All of it runs in the main thread with the BQL held.
 */
#ifndef MONITOR_HMP_INTERNAL_H
#define MONITOR_HMP_INTERNAL_H

#include <json-glib/json-glib.h>

/* Where a command's output goes. */
typedef struct Hmp {
    GString *out;               /* '\n' is stored as "\r\n" */
    bool interactive;           /* a terminal (not human-monitor-command) */
    /* Interactive monitor only: stop reading commands until resumed. */
    void (*suspend)(struct Hmp *h);
    void (*resume)(struct Hmp *h);
    /* Interactive monitor only: send out what is in out now. */
    void (*flush)(struct Hmp *h);
    void *opaque;
} Hmp;

typedef void HmpHandler(Hmp *h, JsonObject *args);

typedef struct HmpCommand {
    const char *name;           /* "cont|c": name and aliases */
    const char *args_type;
    const char *params;         /* synopsis for help */
    const char *help;
    HmpHandler *cmd;
    const struct HmpCommand *sub_table;  /* "info": its subcommands */
} HmpCommand;

/* ---- hmp-cmds.c ---- */

extern const HmpCommand hmp_cmds[];
extern const HmpCommand hmp_info_cmds[];
/* Run one command line (BQL held). */
void hmp_run_line(Hmp *h, const char *line);
/* Completion candidates for line (readline callback signature). */
void hmp_complete(void *opaque, const char *line, GPtrArray *out);

/* ---- hmp-args.c ---- */

/*
 * Parse the arguments of cmd from *line (after its name); on failure
 * return NULL with errp set to the message QEMU prints (without the
 * trailing newline).
 */
JsonObject *hmp_parse_args(const HmpCommand *cmd, const char *line,
                           GError **errp);
/* True if name matches one of the '|'-separated names of cmd. */
bool hmp_name_matches(const HmpCommand *cmd, const char *name, size_t len);
/* Args accessors (defaults when absent). */
const char *hmp_arg_str(JsonObject *args, const char *name);
bool hmp_arg_bool(JsonObject *args, const char *name);
int64_t hmp_arg_int(JsonObject *args, const char *name, int64_t def);
bool hmp_arg_has(JsonObject *args, const char *name);

/* ---- output (hmp.c) ---- */

void hmp_printf(Hmp *h, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Print "Error: <message>" for err (consumed); false if err was NULL. */
bool hmp_handle_error(Hmp *h, GError *err);
/* QEMU's size_to_str(): "4 KiB", "1.5 GiB", "512 B". */
char *hmp_size_to_str(uint64_t val);

/* ---- handlers ---- */

/* hmp-cmds-misc.c */
void hmp_help(Hmp *h, JsonObject *args);
void hmp_info_help(Hmp *h, JsonObject *args);
void hmp_info_status(Hmp *h, JsonObject *args);
void hmp_info_version(Hmp *h, JsonObject *args);
void hmp_info_name(Hmp *h, JsonObject *args);
void hmp_info_chardev(Hmp *h, JsonObject *args);
void hmp_info_cpus(Hmp *h, JsonObject *args);
void hmp_info_qtree(Hmp *h, JsonObject *args);
void hmp_stop(Hmp *h, JsonObject *args);
void hmp_cont(Hmp *h, JsonObject *args);
void hmp_quit(Hmp *h, JsonObject *args);
void hmp_system_reset(Hmp *h, JsonObject *args);
/* Help listing for the table (prefix "info" for the subcommands). */
void hmp_help_table(Hmp *h, const HmpCommand *table, const char *prefix,
                    const char *name);

/* hmp-cmds-memory.c */
void hmp_memory_dump(Hmp *h, JsonObject *args);
void hmp_physical_memory_dump(Hmp *h, JsonObject *args);
void hmp_info_registers(Hmp *h, JsonObject *args);
void hmp_info_mtree(Hmp *h, JsonObject *args);
/* The value of register name ("pc", "r0", ...) for $name; false if none. */
bool hmp_get_register(const char *name, int64_t *val);

/* hmp-cmds-migration.c */
void hmp_info_migrate(Hmp *h, JsonObject *args);
void hmp_info_migrate_capabilities(Hmp *h, JsonObject *args);
void hmp_info_migrate_parameters(Hmp *h, JsonObject *args);
void hmp_migrate(Hmp *h, JsonObject *args);
void hmp_migrate_cancel(Hmp *h, JsonObject *args);
void hmp_migrate_continue(Hmp *h, JsonObject *args);
void hmp_migrate_incoming(Hmp *h, JsonObject *args);
void hmp_migrate_recover(Hmp *h, JsonObject *args);
void hmp_migrate_pause(Hmp *h, JsonObject *args);
void hmp_migrate_set_capability(Hmp *h, JsonObject *args);
void hmp_migrate_set_parameter(Hmp *h, JsonObject *args);
void hmp_migrate_start_postcopy(Hmp *h, JsonObject *args);

/* hmp-cmds-dirtylimit.c */
void hmp_set_vcpu_dirty_limit(Hmp *h, JsonObject *args);
void hmp_cancel_vcpu_dirty_limit(Hmp *h, JsonObject *args);
void hmp_info_vcpu_dirty_limit(Hmp *h, JsonObject *args);

#endif /* MONITOR_HMP_INTERNAL_H */

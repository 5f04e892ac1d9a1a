/*
 * -readconfig / -writeconfig (docs/system/invocation.rst): QEMU's
 * configuration file format, translated to and from command-line options.
 */
#ifndef SYSTEM_READCONFIG_H
#define SYSTEM_READCONFIG_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* One group of a file: the option it stands for and its argument. */
typedef struct ConfigEntry {
    char *option;       /* without '-': "chardev", "m", "machine", ... */
    char *arg;          /* "key=value,...", commas doubled in values */
    char *file;
    int line;           /* of the group's header */
} ConfigEntry;

/*
 * Parse path into a list of ConfigEntry (free with g_ptr_array_unref).
 * Group names are checked against the registered option lists and keys
 * against their descriptors. NULL with errp set on error; *err_line is the
 * offending line, or 0 when the error has no line (QEMU's "There is no
 * option group", an unreadable file).
 */
GPtrArray *qemu_readconfig_parse(const char *path, int *err_line,
                                 GError **errp);

/*
 * The current configuration in the same format: every QemuOpts of the
 * registered lists, and [machine] from the merged -machine options
 * (NULL: none). The caller frees the text.
 */
char *qemu_writeconfig_format(JsonObject *machine);

#endif /* SYSTEM_READCONFIG_H */

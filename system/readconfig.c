/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -readconfig / -writeconfig: QEMU's configuration file format, groups of
 * `key = "value"` lines under `[group]` or `[group "id"]` headers.
 *
 * Reading turns each group into the command-line option of the same
 * group (`[chardev "c0"]` becomes `-chardev ...,id=c0`), so a file and a
 * command line go through exactly the same option handling; only the
 * error location differs (file:line, as QEMU reports it).
 */
#include "qemu/osdep.h"

#include "qemu/config-registry.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "system/readconfig.h"

/* Groups whose option has another name on the command line. */
static const struct {
    const char *group;
    const char *option;
} group_options[] = {
    { "memory", "m" },
    { "smp-opts", "smp" },
    { "boot-opts", "boot" },
};

static const char *option_of_group(const char *group)
{
    for (size_t i = 0; i < G_N_ELEMENTS(group_options); i++) {
        if (!strcmp(group_options[i].group, group)) {
            return group_options[i].option;
        }
    }
    return group;
}

static const char *group_of_list(const QemuOptsList *list)
{
    return list->name;
}

/* Does list accept key? Lists without descriptors take any key. */
static bool list_has_key(const QemuOptsList *list, const char *key)
{
    if (!list->desc[0].name) {
        return true;
    }
    for (const QemuOptDesc *d = list->desc; d->name; d++) {
        if (!strcmp(d->name, key)) {
            return true;
        }
    }
    return false;
}

/* Append ",key=value" with QemuOpts' comma escaping (",," for ","). */
static void append_pair(GString *arg, const char *key, const char *value)
{
    if (arg->len) {
        g_string_append_c(arg, ',');
    }
    g_string_append_printf(arg, "%s=", key);
    for (const char *p = value; *p; p++) {
        if (*p == ',') {
            g_string_append_c(arg, ',');
        }
        g_string_append_c(arg, *p);
    }
}

static void entry_free(gpointer p)
{
    ConfigEntry *e = p;

    g_free(e->option);
    g_free(e->arg);
    g_free(e->file);
    g_free(e);
}

/* Parse "[group]" or "[group \"id\"]"; false if line is not a header. */
static bool parse_header(const char *line, char **group, char **id)
{
    g_autofree char *text = g_strstrip(g_strdup(line));
    size_t len = strlen(text);
    char *sp;

    if (len < 3 || text[0] != '[' || text[len - 1] != ']') {
        return false;
    }
    text[len - 1] = '\0';
    sp = strchr(text + 1, ' ');
    if (!sp) {
        *group = g_strdup(text + 1);
        *id = NULL;
        return **group != '\0';
    }
    *sp++ = '\0';
    len = strlen(sp);
    if (len < 2 || sp[0] != '"' || sp[len - 1] != '"') {
        return false;
    }
    sp[len - 1] = '\0';
    *group = g_strdup(text + 1);
    *id = g_strdup(sp + 1);
    return true;
}

/*
 * Parse `key = "value"` (spaces around '=' as QEMU writes them); *key is
 * set even on a malformed value so that the error can name it.
 */
static bool parse_pair(const char *line, char **key, char **value)
{
    const char *p = line;
    const char *k;
    size_t vlen;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    k = p;
    while (*p && !g_ascii_isspace(*p)) {
        p++;
    }
    *key = g_strndup(k, p - k);
    *value = NULL;
    if (strncmp(p, " = \"", 4)) {
        return false;
    }
    p += 4;
    vlen = strlen(p);
    while (vlen && (p[vlen - 1] == '\n' || p[vlen - 1] == '\r')) {
        vlen--;
    }
    if (!vlen || p[vlen - 1] != '"' || memchr(p, '"', vlen - 1)) {
        return false;
    }
    *value = g_strndup(p, vlen - 1);
    return true;
}

GPtrArray *qemu_readconfig_parse(const char *path, int *err_line,
                                 GError **errp)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(entry_free);
    ConfigEntry *cur = NULL;
    const QemuOptsList *list = NULL;
    GString *arg = NULL;
    GError *err = NULL;
    int fd;

    *err_line = 0;
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        error_setg(errp, "Could not open '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    close(fd);
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        error_setg(errp, "Could not read '%s': %s", path, err->message);
        g_error_free(err);
        return NULL;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        g_autofree char *group = NULL, *id = NULL;
        g_autofree char *key = NULL, *value = NULL;
        const char *s = lines[i];

        while (g_ascii_isspace(*s)) {
            s++;
        }
        if (!*s || *s == '#') {
            continue;
        }
        *err_line = i + 1;
        if (parse_header(s, &group, &id)) {
            if (cur) {
                cur->arg = g_string_free(arg, FALSE);
            }
            list = qemu_find_opts(group);
            if (!list && strcmp(group, "machine")) {
                /* QEMU names no line for this one. */
                *err_line = 0;
                error_setg(errp, "There is no option group '%s'", group);
                return NULL;
            }
            cur = g_new0(ConfigEntry, 1);
            cur->option = g_strdup(option_of_group(group));
            cur->file = g_strdup(path);
            cur->line = i + 1;
            arg = g_string_new(NULL);
            if (id) {
                append_pair(arg, "id", id);
            }
            g_ptr_array_add(out, cur);
            continue;
        }
        if (!cur) {
            error_setg(errp, "no group defined");
            return NULL;
        }
        if (!parse_pair(s, &key, &value) ||
            (list && !list_has_key(list, key))) {
            error_setg(errp, "Invalid parameter '%s'", key);
            g_string_free(arg, TRUE);
            return NULL;
        }
        append_pair(arg, key, value);
    }
    if (cur) {
        cur->arg = g_string_free(arg, FALSE);
    }
    *err_line = 0;
    return g_steal_pointer(&out);
}

/* ---- writing ---- */

static int write_pair(void *opaque, const char *name, const char *value,
                      GError **errp)
{
    g_string_append_printf(opaque, "  %s = \"%s\"\n", name, value);
    return 0;
}

static int write_opts(void *opaque, QemuOpts *opts, GError **errp)
{
    GString *out = opaque;
    const char *id = qemu_opts_id(opts);
    const char *group = group_of_list(qemu_opts_list(opts));

    if (id) {
        g_string_append_printf(out, "[%s \"%s\"]\n", group, id);
    } else {
        g_string_append_printf(out, "[%s]\n", group);
    }
    qemu_opt_foreach(opts, write_pair, out, NULL);
    g_string_append_c(out, '\n');
    return 0;
}

char *qemu_writeconfig_format(JsonObject *machine)
{
    GString *out = g_string_new("# qemu config file\n\n");
    GPtrArray *lists = qemu_opts_lists();

    if (machine && json_object_get_size(machine)) {
        g_autoptr(GList) members = json_object_get_members(machine);

        g_string_append(out, "[machine]\n");
        for (GList *m = members; m; m = m->next) {
            JsonNode *n = json_object_get_member(machine, m->data);

            if (JSON_NODE_HOLDS_VALUE(n) &&
                json_node_get_value_type(n) == G_TYPE_STRING) {
                write_pair(out, m->data, json_node_get_string(n), NULL);
            }
        }
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < lists->len; i++) {
        qemu_opts_foreach(g_ptr_array_index(lists, i), write_opts, out, NULL);
    }
    return g_string_free(out, FALSE);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP handlers for help, run control and general "info" items.  Each
 * calls the QMP implementation and prints its result as QEMU's HMP does.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "qom/object.h"
#include "hmp-internal.h"

/* ---- help ---- */

static void help_one(Hmp *h, const HmpCommand *cmd, const char *prefix)
{
    hmp_printf(h, "%s%s %s -- %s\n", prefix, cmd->name, cmd->params,
               cmd->help);
}

void hmp_help_table(Hmp *h, const HmpCommand *table, const char *prefix,
                    const char *name)
{
    g_auto(GStrv) words = g_strsplit_set(name ? name : "", " \t", -1);
    const char *first = NULL, *second = NULL;
    g_autofree char *pfx = prefix ? g_strdup_printf("%s ", prefix)
                                  : g_strdup("");

    for (int i = 0; words[i]; i++) {
        if (!*words[i]) {
            continue;
        }
        if (!first) {
            first = words[i];
        } else if (!second) {
            second = words[i];
        }
    }
    for (const HmpCommand *cmd = table; cmd->name; cmd++) {
        if (!first) {
            help_one(h, cmd, pfx);
            continue;
        }
        if (!hmp_name_matches(cmd, first, strlen(first))) {
            continue;
        }
        if (cmd->sub_table) {
            g_autofree char *sub = g_strdup_printf("%s%s", pfx, first);

            hmp_help_table(h, cmd->sub_table, sub, second);
        } else {
            help_one(h, cmd, pfx);
        }
        return;
    }
    if (first) {
        hmp_printf(h, "unknown command: '%s%s'\n", pfx, first);
    }
}

void hmp_help(Hmp *h, JsonObject *args)
{
    hmp_help_table(h, hmp_cmds, NULL, hmp_arg_str(args, "name"));
}

void hmp_info_help(Hmp *h, JsonObject *args)
{
    hmp_help_table(h, hmp_info_cmds, "info", NULL);
}

/* ---- info ---- */

void hmp_info_status(Hmp *h, JsonObject *args)
{
    g_autoptr(StatusInfo) info = qmp_query_status(NULL);

    hmp_printf(h, "VM status: %s", info->running ? "running" : "paused");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        hmp_printf(h, " (%s)", RunState_str(info->status));
    }
    hmp_printf(h, "\n");
}

void hmp_info_version(Hmp *h, JsonObject *args)
{
    g_autoptr(VersionInfo) info = qmp_query_version(NULL);

    hmp_printf(h, "%" PRId64 ".%" PRId64 ".%" PRId64 "%s\n",
               info->qemu->major, info->qemu->minor, info->qemu->micro,
               info->package);
}

void hmp_info_name(Hmp *h, JsonObject *args)
{
    g_autoptr(NameInfo) info = qmp_query_name(NULL);

    if (info->name) {
        hmp_printf(h, "%s\n", info->name);
    }
}

void hmp_info_chardev(Hmp *h, JsonObject *args)
{
    g_autoptr(ChardevInfoList) list = qmp_query_chardev(NULL);

    for (ChardevInfoList *l = list; l; l = l->next) {
        hmp_printf(h, "%s: filename=%s\n", l->value->label,
                   l->value->filename);
    }
}

void hmp_info_cpus(Hmp *h, JsonObject *args)
{
    g_autoptr(CpuInfoFastList) list = qmp_query_cpus_fast(NULL);

    /* The one CPU is always the monitor's current CPU. */
    for (CpuInfoFastList *l = list; l; l = l->next) {
        hmp_printf(h, "%c CPU #%" PRId64 ": thread_id=%" PRId64 "\n",
                   l->value->cpu_index == 0 ? '*' : ' ',
                   l->value->cpu_index, l->value->thread_id);
    }
}

typedef struct QtreeWalk {
    Hmp *h;
    bool brief;
} QtreeWalk;

static void qtree_print_props(Hmp *h, Object *obj, ObjectClass *klass)
{
    ObjectClass *parent = object_class_get_parent(klass);
    DeviceClass *dc = (DeviceClass *)object_class_dynamic_cast(klass,
                                                               TYPE_DEVICE);

    if (!dc) {
        return;
    }
    if (parent) {
        qtree_print_props(h, obj, parent);
    }
    /* Only the class's own table: the parent's was printed above. */
    if (parent && ((DeviceClass *)object_class_dynamic_cast(
                       parent, TYPE_DEVICE)) &&
        ((DeviceClass *)object_class_dynamic_cast(parent, TYPE_DEVICE))
            ->props == dc->props) {
        return;
    }
    for (const Property *p = dc->props; p && p->name; p++) {
        g_autoptr(GError) err = NULL;
        JsonNode *v = object_property_get(obj, p->name, &err);
        g_autofree char *text = NULL;

        if (!v) {
            continue;
        }
        if (JSON_NODE_HOLDS_VALUE(v) &&
            json_node_get_value_type(v) == G_TYPE_STRING) {
            text = g_strdup_printf("\"%s\"", json_node_get_string(v));
        } else {
            text = object_property_json_to_string(v);
        }
        json_node_unref(v);
        hmp_printf(h, "    %s = %s\n", p->name, text);
    }
}

static int qtree_one(Object *obj, void *opaque)
{
    QtreeWalk *w = opaque;
    DeviceState *dev = qdev_from_object(obj);

    if (!dev) {
        return 0;
    }
    hmp_printf(w->h, "  dev: %s, id \"%s\"\n", object_get_typename(obj),
               dev->id ? dev->id : "");
    if (!w->brief) {
        qtree_print_props(w->h, obj, object_get_class(obj));
    }
    return 0;
}

void hmp_info_qtree(Hmp *h, JsonObject *args)
{
    QtreeWalk w = { h, hmp_arg_bool(args, "brief") };

    /* CR16 has one flat bus; every device hangs off it. */
    hmp_printf(h, "bus: main-system-bus\n  type System\n");
    object_child_foreach_recursive(object_get_root(), qtree_one, &w);
}

/* ---- run control ---- */

void hmp_stop(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_stop(&err);
    hmp_handle_error(h, err);
}

void hmp_cont(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_cont(&err);
    hmp_handle_error(h, err);
}

void hmp_quit(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    /* No prompt (and no more commands) while the emulator goes down. */
    if (h->suspend) {
        h->suspend(h);
    }
    qmp_quit(&err);
    hmp_handle_error(h, err);
}

void hmp_system_reset(Hmp *h, JsonObject *args)
{
    GError *err = NULL;

    qmp_system_reset(&err);
    hmp_handle_error(h, err);
}

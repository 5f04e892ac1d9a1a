/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP query-command-line-options from the registered QemuOpts lists.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/config-registry.h"

static CommandLineParameterType opt_type(QemuOptType t)
{
    switch (t) {
    case QEMU_OPT_BOOL:
        return COMMAND_LINE_PARAMETER_TYPE_BOOLEAN;
    case QEMU_OPT_NUMBER:
        return COMMAND_LINE_PARAMETER_TYPE_NUMBER;
    case QEMU_OPT_SIZE:
        return COMMAND_LINE_PARAMETER_TYPE_SIZE;
    case QEMU_OPT_STRING:
    default:
        return COMMAND_LINE_PARAMETER_TYPE_STRING;
    }
}

static CommandLineParameterInfoList *opt_params(const QemuOptsList *list)
{
    CommandLineParameterInfoList *head = NULL, **tail = &head;

    for (const QemuOptDesc *d = list->desc; d->name; d++) {
        CommandLineParameterInfoList *e = g_new0(CommandLineParameterInfoList, 1);

        e->value = g_new0(CommandLineParameterInfo, 1);
        e->value->name = g_strdup(d->name);
        e->value->type = opt_type(d->type);
        e->value->help = g_strdup(d->help);
        e->value->q_default = g_strdup(d->def_value_str);
        *tail = e;
        tail = &e->next;
    }
    return head;
}

CommandLineOptionInfoList *qmp_query_command_line_options(
                                                          const char *option,
                                                          GError **errp)
{
    CommandLineOptionInfoList *head = NULL, **tail = &head;
    GPtrArray *lists = qemu_opts_lists();

    for (guint i = 0; i < lists->len; i++) {
        QemuOptsList *l = g_ptr_array_index(lists, i);
        CommandLineOptionInfoList *e;

        if (option && strcmp(option, l->name)) {
            continue;
        }
        e = g_new0(CommandLineOptionInfoList, 1);
        e->value = g_new0(CommandLineOptionInfo, 1);
        e->value->option = g_strdup(l->name);
        e->value->parameters = opt_params(l);
        *tail = e;
        tail = &e->next;
    }
    if (!head) {
        error_setg(errp, "invalid option name: %s", option);
    }
    return head;
}

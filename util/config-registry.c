/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QemuOpts lists of the command line, by group name.
 */
#include "qemu/osdep.h"

#include "qemu/config-registry.h"

static GPtrArray *config_lists;

void qemu_add_opts(QemuOptsList *list)
{
    if (!config_lists) {
        config_lists = g_ptr_array_new();
    }
    if (!qemu_find_opts(list->name)) {
        g_ptr_array_add(config_lists, list);
    }
}

QemuOptsList *qemu_find_opts(const char *name)
{
    for (guint i = 0; config_lists && i < config_lists->len; i++) {
        QemuOptsList *l = g_ptr_array_index(config_lists, i);

        if (!strcmp(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

GPtrArray *qemu_opts_lists(void)
{
    if (!config_lists) {
        config_lists = g_ptr_array_new();
    }
    return config_lists;
}

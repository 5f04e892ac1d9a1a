/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of the chardev subsystem: query-chardev.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qapi/qapi-commands.h"

typedef struct ChardevInfoBuilder {
    ChardevInfoList *head;
    ChardevInfoList **tail;
} ChardevInfoBuilder;

static void chardev_info_add(Chardev *chr, void *opaque)
{
    ChardevInfoBuilder *b = opaque;
    ChardevInfo *info = g_new0(ChardevInfo, 1);
    ChardevInfoList *entry = g_new0(ChardevInfoList, 1);

    info->label = g_strdup(qemu_chr_label(chr));
    info->filename = qemu_chr_filename(chr);
    info->frontend_open = qemu_chr_frontend_open(chr);
    entry->value = info;
    *b->tail = entry;
    b->tail = &entry->next;
}

ChardevInfoList *qmp_query_chardev(GError **errp)
{
    ChardevInfoBuilder b = { NULL, &b.head };

    qemu_chr_foreach(chardev_info_add, &b);
    return b.head;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "null" chardev: output is discarded, input never arrives.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"

static bool null_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                          GError **errp)
{
    qemu_chr_set_filename(chr, g_strdup("null"));
    return true;
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

const ChardevDriver chardev_null_driver = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .open = null_chr_open,
    .write = null_chr_write,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration's yank instance and its per-channel yank functions.
 */
#include "qemu/osdep.h"
#include "qemu/yank.h"
#include "migration/channel.h"
#include "migration/yank-functions.h"

/* Runs under the yank lock: shutdown never blocks. */
static void migration_yank_channel(void *opaque)
{
    mig_channel_shutdown(opaque, MIG_CHANNEL_SHUTDOWN_BOTH);
}

bool migration_yank_register(GError **errp)
{
    return yank_register_instance(YANK_MIGRATION_INSTANCE, errp);
}

void migration_yank_unregister(void)
{
    yank_unregister_instance(YANK_MIGRATION_INSTANCE);
}

void migration_yank_add_channel(MigChannel *ch)
{
    yank_register_function(YANK_MIGRATION_INSTANCE, migration_yank_channel,
                           mig_channel_ref(ch));
}

void migration_yank_remove_channel(MigChannel *ch)
{
    yank_unregister_function(YANK_MIGRATION_INSTANCE, migration_yank_channel,
                             ch);
    mig_channel_unref(ch);
}

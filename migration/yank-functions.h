/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration's yank instance (spec migration-states-and-qmp.md 7.12):
 * while a migration (either side) runs, "yank" with
 * {"type": "migration"} shuts down every channel it registered, so the
 * migration fails (precopy) or pauses (postcopy) as after a network
 * failure.
 *
 * The migration core calls, on each side:
 *   migration_yank_register()            when the migration starts
 *                                        (migrate / migrate-incoming),
 *   migration_yank_add_channel(ch)       for each channel once connected
 *                                        (main, return path, multifd,
 *                                        preempt),
 *   migration_yank_remove_channel(ch)    before it drops its channel,
 *   migration_yank_unregister()          when the migration ends, after
 *                                        every channel was removed.
 * Any thread may call them.
 */
#ifndef MIGRATION_YANK_FUNCTIONS_H
#define MIGRATION_YANK_FUNCTIONS_H

#include <stdbool.h>
#include <glib.h>

typedef struct MigChannel MigChannel;

/* Register {"type": "migration"}; "duplicate yank instance" if already. */
bool migration_yank_register(GError **errp);
/* Remove it (every channel must have been removed first). */
void migration_yank_unregister(void);
/*
 * Let yank shut ch down in both directions (mig_channel_shutdown).  Takes
 * a reference on ch, so a yank racing with the owner's unref is safe;
 * migration_yank_remove_channel() drops it.
 */
void migration_yank_add_channel(MigChannel *ch);
void migration_yank_remove_channel(MigChannel *ch);

#endif /* MIGRATION_YANK_FUNCTIONS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x-ram-digest capability: digests kept by the RAM saver, sent in the
 * "ram-digest" section at switchover and checked by the destination
 * (docs/interop/ram-digest.rst).  Private to migration/.
 */
#ifndef MIGRATION_RAM_DIGEST_MIG_H
#define MIGRATION_RAM_DIGEST_MIG_H

#include <glib.h>

typedef struct RAMState RAMState;

/* Register the "ram-digest" section (sent only with the capability). */
void ram_digest_mig_init(void);

/* Source, migration thread: after the blocks were built (no-op when the
 * capability is off), after every dirty sync, and at cleanup. */
void ram_digest_mig_src_start(const RAMState *rs);
void ram_digest_mig_src_sync(const RAMState *rs);
void ram_digest_mig_src_stop(void);

/*
 * Destination, incoming thread, after a precopy load and before the
 * guest may run: check RAM against the records received.  True when the
 * capability is off.  The error names the block and the first bad page.
 */
bool ram_digest_mig_dst_check(GError **errp);
/* Drop records of an earlier incoming migration. */
void ram_digest_mig_dst_reset(void);

#endif /* MIGRATION_RAM_DIGEST_MIG_H */

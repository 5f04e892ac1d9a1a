/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x-ram-digest capability: digests kept by the RAM saver, sent in the
 * "ram-digest" section at switchover and checked by the destination
 * (docs/interop/ram-digest.rst).  Private to migration/.
 */
#ifndef MIGRATION_RAM_DIGEST_MIG_H
#define MIGRATION_RAM_DIGEST_MIG_H

#include <glib.h>
#include "qapi/qapi-types.h"
#include "migration/ram-digest.h"

typedef struct RAMState RAMState;
typedef struct PostcopyDest PostcopyDest;

/* Register the "ram-digest" section (sent only with the capability). */
void ram_digest_mig_init(void);

/* Source, migration thread: after the blocks were built (no-op when the
 * capability is off), after every dirty sync, and at cleanup. */
void ram_digest_mig_src_start(const RAMState *rs);
void ram_digest_mig_src_sync(const RAMState *rs);
void ram_digest_mig_src_stop(void);

/*
 * Destination, incoming thread, after a precopy load and before the
 * guest may run: check RAM against the records received and set the
 * result.  True when the capability is off.  The error names the block
 * and the first bad page.
 */
bool ram_digest_mig_dst_check(GError **errp);
/* Drop records of an earlier incoming migration. */
void ram_digest_mig_dst_reset(void);
/* The records received (NULL if none); the caller owns them. */
GPtrArray *ram_digest_mig_dst_take_records(void);

/*
 * Postcopy (ram-digest-postcopy.c).  At LISTEN, before any page is
 * placed and before the guest may run: hash the pages this side already
 * holds and watch every placement from then on.  True when the
 * capability is off.
 */
bool ram_digest_mig_dst_postcopy_listen(PostcopyDest *pc, GError **errp);
/*
 * At the completion of postcopy (incoming thread, listen thread
 * joined): wait for straggling pages (preempt channel), stop watching,
 * compare the pages as placed with the records and set the result.  The
 * migration completes either way: the guest already runs here.
 */
void ram_digest_mig_dst_postcopy_check(PostcopyDest *pc);
/* Drop the placement digests (teardown; the pc they watched is going). */
void ram_digest_mig_dst_postcopy_reset(void);

/*
 * The check's result.  set (incoming thread): match when err is NULL,
 * else mismatch in block at where (either may be NULL).  publish (main
 * thread, after joining the incoming thread): make it the query-migrate
 * member and emit X_RAM_DIGEST.  forget: at migrate-incoming.  result:
 * a copy for query-migrate, NULL before any check.
 */
void ram_digest_mig_dst_set_result(bool postcopy, const char *block,
                                   const RamDigestWhere *where,
                                   const GError *err);
void ram_digest_mig_dst_publish(void);
void ram_digest_mig_dst_forget(void);
RamDigestCheck *ram_digest_mig_dst_result(void);

/*
 * The test-only corruption knob QEMU_TEST_RAM_DIGEST_CORRUPT=<guest
 * physical address> (honoured under qtest only): its block and offset.
 */
bool ram_digest_mig_test_corrupt_target(RAMBlock **rb, ram_addr_t *offset);

#endif /* MIGRATION_RAM_DIGEST_MIG_H */

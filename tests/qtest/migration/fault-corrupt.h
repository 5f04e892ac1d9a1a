/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault matrix's corrupted byte in postcopy (docs/devel/migration/
 * fault-matrix.rst, "Corrupted bytes in postcopy"): where the byte is
 * flipped, and the check that the flip was never silent.  The guest
 * already runs on the destination, so the source cannot take it back:
 * either the stream broke (both sides paused, recovery completed, the
 * destination's x-ram-digest check says match), or the destination
 * completed and its check reported the damaged page.
 */
#ifndef TESTS_MIGRATION_FAULT_CORRUPT_H
#define TESTS_MIGRATION_FAULT_CORRUPT_H

#include "libqtest.h"
#include "fault-proxy.h"

typedef struct FaultCorrupt {
    const char *state;          /* the cell's state, for messages */
    FaultProxy *proxy;          /* where the byte is flipped */
    FaultProxyDir dir;
    uint64_t offset;
    uint8_t mask;
    int64_t skipped_page;       /* a flipped bitmap bit's page, else -1 */
} FaultCorrupt;

/* Flip a byte of the stream 4 KiB ahead of what p has read. */
void fault_corrupt_stream(FaultCorrupt *fc, const char *state,
                          FaultProxy *p);
/*
 * Flip, on p's return path (held: the recovery handshake), the received-
 * page bitmap bit of a page far beyond anything sent before the pause:
 * the source then skips it.  digest is the source's fault_ram_digest(),
 * which must show the one block the offset is computed for.
 */
void fault_corrupt_recv_bitmap(FaultCorrupt *fc, const char *state,
                               FaultProxy *p, const char *digest);
/* The source has the guest again: the flip reached the destination. */
void fault_corrupt_check_failed(const FaultCorrupt *fc);
/* Both sides paused and recovery completed: the stream broke. */
void fault_corrupt_check_recovered(const FaultCorrupt *fc, QTestState *to);
/*
 * The destination completed: only a reported mismatch naming the damaged
 * page keeps the promise; g_error() otherwise ("match" included).
 */
void fault_corrupt_check_completed(const FaultCorrupt *fc, QTestState *from,
                                   QTestState *to, const char *src_st);

#endif /* TESTS_MIGRATION_FAULT_CORRUPT_H */

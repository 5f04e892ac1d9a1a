/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault matrix's "disk full" column (docs/devel/migration/
 * fault-matrix.rst): a file: migration whose file system runs out of
 * room, for real, while the source is in a given state.
 */
#ifndef TESTS_MIGRATION_FAULT_DISK_H
#define TESTS_MIGRATION_FAULT_DISK_H

#include "libqtest.h"

/* Why a full disk cannot be a fault in state; NULL when it can. */
const char *fault_disk_full_impossible(const char *state);
/*
 * Run the cell for state: g_error() when the promise breaks, else the
 * outcome with the way the disk was made full, "source[tmpfs]" (ENOSPC
 * from a size-limited tmpfs) or "source[rlimit]" (EFBIG past the
 * source's RLIMIT_FSIZE, where mounting is not possible).  g_free.
 */
char *fault_disk_full_run(const char *state);

/* fault-tests.c: every RAM block's x-query-ram-digest, concatenated. */
char *fault_ram_digest(QTestState *who);

#endif /* TESTS_MIGRATION_FAULT_DISK_H */

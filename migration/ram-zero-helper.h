/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The zero-page check on a second thread (ram-zero-helper.c). Private to
 * migration/; every function but the thread's own is called by the
 * migration thread.
 */
#ifndef MIGRATION_RAM_ZERO_HELPER_H
#define MIGRATION_RAM_ZERO_HELPER_H

typedef struct RAMState RAMState;
typedef struct RAMZeroHelper RAMZeroHelper;

/*
 * Start the thread for rs, whose blocks are set up and stay so until
 * ram_zero_helper_free(). It does nothing before the first restart.
 */
RAMZeroHelper *ram_zero_helper_new(RAMState *rs);
/* Stop and join the thread; NULL is fine. */
void ram_zero_helper_free(RAMZeroHelper *zh);
/*
 * A dirty sync just ended (its barrier included) and the scan resumes
 * at word wi of block `block`: every earlier result is void; the thread
 * checks anew from the end of the RAM down to the scan.
 */
void ram_zero_helper_restart(RAMZeroHelper *zh, size_t block, size_t wi);
/* The scan is at word wi of block `block` (block == nr_blocks: done). */
void ram_zero_helper_note_scan(RAMZeroHelper *zh, size_t block, size_t wi);
/*
 * True when the thread has checked word wi of block `block` since the
 * last restart: *zero is then the mask of its dirty pages that read as
 * zeros (written pages only; a clear bit is a page with data, or one
 * that was not dirty or never written when checked).
 */
bool ram_zero_helper_take(RAMZeroHelper *zh, size_t block, size_t wi,
                          unsigned long *zero);
/* Tests: wait until the thread ended the current generation's work. */
bool ram_zero_helper_wait_done(RAMZeroHelper *zh, int64_t deadline_us);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy, destination side (DESIGN.md 4 and 8; spec/migration-wire-format.md
 * 4.3-4.6, 5.3.3, 5.3.5): guest RAM registered with userfaultfd so that a
 * missing page blocks the touching thread (vCPU or device) until the page
 * arrives from the source.
 *
 * Life of a PostcopyDest (one per incoming migration):
 *   postcopy_dest_new()           at POSTCOPY_ADVISE: host check, huge pages
 *                                 off, every block discarded so nothing
 *                                 local survives that the source did not send
 *   postcopy_dest_discard_range() for each POSTCOPY_RAM_DISCARD range
 *   postcopy_dest_listen()        at POSTCOPY_LISTEN: register the blocks,
 *                                 start the fault thread
 *   place pages                   listen / preempt threads (directly or via
 *                                 a PostcopyPageAssembler per channel), the
 *                                 main stream's runs from a PostcopyRun's
 *                                 placing thread
 *   pause / resume                postcopy failure and recovery (4.6)
 *   postcopy_dest_free()          never blocks on the source
 *
 * Threads: the fault thread ("mig/dst/fault") reads userfaultfd events and
 * calls the request callback for each page missing for the first time.
 * Every other function may be called from any thread; one lock inside
 * serialises placement, discards and the fault thread's bookkeeping.
 */
#ifndef MIGRATION_POSTCOPY_RAM_H
#define MIGRATION_POSTCOPY_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "system/memory.h"
#include "migration/postcopy-blocktime.h"

/*
 * Can this host do postcopy? Opens a userfaultfd, does the API handshake
 * and registers a scratch page in missing mode, checking that the copy,
 * zero-page and wake operations exist. On failure errp says what is
 * missing; the capability check prefixes it with "Postcopy is not
 * supported: ".
 */
bool postcopy_ram_supported_by_host(GError **errp);
/* Does the kernel report the faulting thread id (needed for blocktime)? */
bool postcopy_ram_thread_id_supported(void);

/*
 * vCPU threads say who they are, so that faults can be attributed to a
 * vCPU (postcopy-vcpu-blocktime). Call from the vCPU thread itself;
 * index < POSTCOPY_MAX_VCPUS. Unregister when the thread ends.
 */
#define POSTCOPY_MAX_VCPUS 64
void postcopy_register_vcpu_thread(int index);
void postcopy_unregister_vcpu_thread(int index);
/*
 * The machine has n vCPUs, whether or not their threads exist yet (a
 * destination creates them when the guest first runs, after ADVISE
 * sized the statistics).
 */
void postcopy_declare_vcpus(unsigned n);
/* Number of vCPU slots: the declared count, or the highest registered
 * index + 1 if larger. */
unsigned postcopy_nr_vcpus(void);

/*
 * Called by the fault thread, without any lock of this module held, once
 * per host page that a thread found missing and that has not been
 * requested yet: offset is aligned down to the block's host page, len is
 * the host page size, tid the faulting thread (0 if the kernel does not
 * say). The callback sends REQ_PAGES / REQ_PAGES_ID (rp-postcopy.h); it
 * must not block indefinitely (a dead source must make its write fail),
 * and it may run concurrently with postcopy_dest_resume()'s re-sends.
 */
typedef void PostcopyRequestFn(void *opaque, RAMBlock *rb, ram_addr_t offset,
                               uint64_t len, uint32_t tid);

typedef struct PostcopyDestConfig {
    /* The migrated blocks; NULL/0: every RAM block in list order. */
    RAMBlock *const *blocks;
    size_t nr_blocks;
    PostcopyRequestFn *request;
    void *opaque;
    /* Capability postcopy-blocktime: collect the statistics. */
    bool blocktime;
    /*
     * Treat each block's host page as at least this many bytes (a power
     * of two multiple of the target page; 0: the block's page size).
     * For tests that exercise multi-page assembly on 4 KiB memory.
     */
    uint64_t min_host_page_size;
} PostcopyDestConfig;

typedef struct PostcopyDest PostcopyDest;

/*
 * ADVISE: check the host, switch transparent huge pages off for every
 * block (a huge page would be filled whole, behind the fault handler's
 * back) and discard every block, with all received bits clear. Returns
 * NULL with errp set.
 */
PostcopyDest *postcopy_dest_new(const PostcopyDestConfig *cfg, GError **errp);

/*
 * Stop and release everything: wake and join the fault thread,
 * unregister the blocks (threads still waiting for a page wake up and see
 * zeros), close the userfaultfd. Never waits for the source. NULL is
 * ignored.
 */
void postcopy_dest_free(PostcopyDest *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PostcopyDest, postcopy_dest_free)

/* The blocks of this migration, in list order (i < nr_blocks). */
size_t postcopy_dest_nr_blocks(PostcopyDest *d);
RAMBlock *postcopy_dest_block(PostcopyDest *d, size_t i);

/*
 * Called after a host page was placed (once per page: a page already
 * received is not placed again), with the PostcopyDest lock held, from
 * the placing thread: data is what the page holds now, len bytes (NULL:
 * zeros). Must be quick and must not call back into this module.
 */
typedef void PostcopyPlacedFn(void *opaque, RAMBlock *rb, ram_addr_t offset,
                              uint64_t len, const void *data);
/* Install (fn NULL: remove) the placement observer. Once this returns no
 * call of the previous observer is running or will start. */
void postcopy_dest_set_placed_fn(PostcopyDest *d, PostcopyPlacedFn *fn,
                                 void *opaque);
/*
 * Test only (the x-ram-digest corruption knob): the host page holding
 * byte `offset` of rb is placed with that byte flipped (XOR 0xa5), as if
 * it had arrived corrupted. Before LISTEN.
 */
void postcopy_dest_test_corrupt(PostcopyDest *d, RAMBlock *rb,
                                ram_addr_t offset);

/* The host page size used for rb (request and placement unit). */
uint64_t postcopy_dest_host_page_size(PostcopyDest *d, RAMBlock *rb);
/* The configured block of that name, or NULL. */
RAMBlock *postcopy_dest_find_block(PostcopyDest *d, const char *name);

/*
 * RAM_DISCARD range: start and length in bytes, multiples of the host
 * page size, inside the block. The pages are dropped (a later access
 * faults) and their received bits cleared. Before LISTEN only.
 */
bool postcopy_dest_discard_range(PostcopyDest *d, RAMBlock *rb,
                                 uint64_t start, uint64_t length,
                                 GError **errp);

/* LISTEN: register every block (missing mode) and start the fault
 * thread. */
bool postcopy_dest_listen(PostcopyDest *d, GError **errp);

/*
 * Install one whole host page at offset (aligned) atomically: the page
 * becomes visible with all its bytes at once and every thread waiting for
 * it wakes. data NULL: a zero page. Sets the received and written bits,
 * ends the outstanding request and the blocktime waits, and tells the
 * CPU to drop any decoded code of the page. A page already received is
 * ignored (duplicate). After LISTEN only.
 */
bool postcopy_dest_place_page(PostcopyDest *d, RAMBlock *rb, ram_addr_t offset,
                              const void *data, GError **errp);

typedef struct PostcopyRun PostcopyRun;

/*
 * Install the target pages [offset, offset + len) of rb from data, for a
 * block whose host page is the target page: one UFFDIO_COPY per stretch
 * of pages not received yet, each page kept as place_page keeps it
 * (received and written bits, observer, requests and blocktime waits
 * ended; already received pages skipped; EEXIST counts as received).
 * data is scratch: the test corruption knob flips its byte in place.
 * movable: data is a whole transparent huge page of the caller's that
 * may be taken. A run of POSTCOPY_RUN_MAX at a multiple of it, none of
 * it in yet, of a private anonymous block, is then moved in with
 * UFFDIO_MOVE (where the kernel has it) instead of copied; *moved says
 * data lost pages so (the caller fills it again before reuse).
 */
bool postcopy_dest_place_run(PostcopyDest *d, RAMBlock *rb, ram_addr_t offset,
                             uint64_t len, uint8_t *data, bool movable,
                             bool *moved, GError **errp);
/* Can whole huge pages of rb be moved in (postcopy_dest_place_run)? */
bool postcopy_dest_can_move(PostcopyDest *d, RAMBlock *rb);
/* The run whose held pages a new fault lets go (postcopy_run_kick), or
 * NULL. */
void postcopy_dest_set_run(PostcopyDest *d, PostcopyRun *r);

/* Precopy loaded the pages in [offset, offset + len): they are received. */
void postcopy_dest_mark_received(PostcopyDest *d, RAMBlock *rb,
                                 ram_addr_t offset, uint64_t len);
bool postcopy_dest_page_received(PostcopyDest *d, RAMBlock *rb,
                                 ram_addr_t offset);
/*
 * The same without the lock, for a hot path that tolerates a stale
 * answer for a page being placed right now (the vCPU stall probe).
 */
bool postcopy_dest_page_received_relaxed(PostcopyDest *d, RAMBlock *rb,
                                         ram_addr_t offset);
/*
 * A copy of rb's received bitmap (one bit per target page, host-order
 * unsigned longs; g_free it) and its number of bits.
 */
unsigned long *postcopy_dest_received_bitmap(PostcopyDest *d, RAMBlock *rb,
                                             uint64_t *nbits);
/* Append MIG_RP_MSG_RECV_BITMAP for rb under wire_name (5.3.5). */
bool postcopy_dest_encode_recv_bitmap(PostcopyDest *d, RAMBlock *rb,
                                      const char *wire_name, GByteArray *out,
                                      GError **errp);

/*
 * Recovery (4.6): while paused, faults are recorded but not requested
 * (there is no return path). Resume re-sends every outstanding request
 * through the callback, oldest first, from the calling thread; the caller
 * resets its "previous block" before, so the first carries a name.
 */
void postcopy_dest_pause(PostcopyDest *d);
void postcopy_dest_resume(PostcopyDest *d);
/* Host pages requested (or waiting to be) and not yet placed. */
unsigned postcopy_dest_outstanding(PostcopyDest *d);
/* Does a thread wait for the page at offset of rb (a request is open)? */
bool postcopy_dest_waits_for(PostcopyDest *d, RAMBlock *rb,
                             ram_addr_t offset);
/* Host pages requested through the callback so far (re-sends included). */
uint64_t postcopy_dest_requests_sent(PostcopyDest *d);
/* Missing-page fault events read from the kernel so far (every thread's,
 * duplicates and already-placed pages included). */
uint64_t postcopy_dest_faults_seen(PostcopyDest *d);

/* Blocktime figures so far; false if blocktime was not enabled. */
bool postcopy_dest_get_blocktime(PostcopyDest *d, PostcopyBlocktimeInfo *info);

/*
 * Host-page assembly for one channel (4.5): target pages of a host page
 * arrive consecutively and in order; the host page is placed when its
 * last target page arrives, as a zero page if all of them were zero.
 */
typedef struct PostcopyPageAssembler PostcopyPageAssembler;
PostcopyPageAssembler *postcopy_assembler_new(PostcopyDest *d);
void postcopy_assembler_free(PostcopyPageAssembler *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PostcopyPageAssembler, postcopy_assembler_free)
/*
 * Add the target page at offset of rb (data NULL: a ZERO record). Fails
 * ("Non-same host page detected") when it is not the next target page of
 * the host page being assembled, or on a placement error.
 */
bool postcopy_assembler_add(PostcopyPageAssembler *a, RAMBlock *rb,
                            ram_addr_t offset, const void *data,
                            GError **errp);
/* Is a host page partially assembled? */
bool postcopy_assembler_busy(PostcopyPageAssembler *a);
/* Throw a partial host page away (channel failed, 4.6). */
void postcopy_assembler_reset(PostcopyPageAssembler *a);

/*
 * Run staging for the main stream (blocks whose host page is the target
 * page): postcopy_run_slot() says where the page at offset goes, after
 * handing what is staged to the placing thread when the page does not
 * continue it (another block, a gap, or a multiple of POSTCOPY_RUN_MAX
 * reached: runs are whole huge pages where they can be); the caller
 * reads the page's bytes there and commits. Staged pages are not
 * received yet: before it could wait for bytes (qemu_file_ready) the
 * reader flushes, or holds a run that may still become whole while no
 * vCPU waits (postcopy_run_before_wait), and a fault ends the hold, so
 * a page a vCPU waits for is never held back behind a read; it flushes
 * at every other record kind and drains at the end of each section, so
 * that a section's pages are all in when ram_load() returns. One reader
 * thread; the placing thread ("mig/dst/place") lives from new to free.
 */
#define POSTCOPY_RUN_MAX (2 * 1024 * 1024)
/* Copied runs go in pieces of at most this, the lock let go between. */
#define POSTCOPY_PLACE_PIECE (256 * 1024)
PostcopyRun *postcopy_run_new(PostcopyDest *d);
/* Places what is queued, then ends the placing thread. */
void postcopy_run_free(PostcopyRun *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PostcopyRun, postcopy_run_free)
/* NULL with errp set: a misaligned offset, or an earlier placement
 * failed. May wait for a free buffer (the placer always frees one). */
uint8_t *postcopy_run_slot(PostcopyRun *r, RAMBlock *rb, ram_addr_t offset,
                           GError **errp);
void postcopy_run_commit(PostcopyRun *r);
/* Hand what is staged to the placing thread; false if a placement
 * failed (the first failure, sticky). */
bool postcopy_run_flush(PostcopyRun *r, GError **errp);
/* Flush, then wait until everything handed over is placed. */
bool postcopy_run_drain(PostcopyRun *r, GError **errp);
bool postcopy_run_pending(const PostcopyRun *r);
/*
 * The reader is about to wait for bytes with pages staged. A run that
 * can still become a whole huge page is held (*held true) while nobody
 * waits for a page, rather than placed in part and so copied; any other
 * is flushed. A fault meanwhile (postcopy_run_kick) lets it go. false:
 * a placement failed.
 */
bool postcopy_run_before_wait(PostcopyRun *r, bool *held, GError **errp);
/* The wait is over: the run is the reader's again (or gone, if a
 * fault let it go). */
void postcopy_run_after_wait(PostcopyRun *r);
/* A vCPU waits for a page (fault thread, PostcopyDest's lock): hand a
 * held run to the placing thread. */
void postcopy_run_kick(PostcopyRun *r);
/* Drop what is staged, unplaced (channel failed, 4.6: it is resent);
 * what was handed over is placed first. */
void postcopy_run_reset(PostcopyRun *r);
/* Runs and pages placed so far (pages moved in whole: mig_stats'
 * postcopy_moved_pages). */
void postcopy_run_stats(PostcopyRun *r, uint64_t *runs, uint64_t *pages);

#endif /* MIGRATION_POSTCOPY_RAM_H */

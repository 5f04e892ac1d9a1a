/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy, destination side: putting pages into guest RAM atomically --
 * one page (UFFDIO_COPY / UFFDIO_ZEROPAGE), or a run of the main stream,
 * copied or moved in as whole huge pages (UFFDIO_MOVE) -- with the
 * bookkeeping every placement keeps. See postcopy-ram.h and
 * docs/devel/migration/postcopy.rst ("Placing runs", "Moving whole huge
 * pages").
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/postcopy-dest.h"
#include "migration/postcopy-uffd.h"

void postcopy_dest_set_placed_fn(PostcopyDest *d, PostcopyPlacedFn *fn,
                                 void *opaque)
{
    g_mutex_lock(&d->lock);
    d->placed = fn;
    d->placed_opaque = opaque;
    g_mutex_unlock(&d->lock);
}

void postcopy_dest_test_corrupt(PostcopyDest *d, RAMBlock *rb,
                                ram_addr_t offset)
{
    g_mutex_lock(&d->lock);
    d->corrupt_rb = rb;
    d->corrupt_offset = offset;
    g_mutex_unlock(&d->lock);
}

/*
 * Take d->lock for placing into b; false (lock not held) with errp set
 * when the block is not registered yet: no page before LISTEN.
 */
static bool lock_registered(PostcopyDest *d, DestBlock *b, RAMBlock *rb,
                            GError **errp)
{
    g_mutex_lock(&d->lock);
    if (!b->registered) {
        g_mutex_unlock(&d->lock);
        error_setg(errp, "Postcopy page for RAM block '%s' before listen",
                   ram_block_name(rb));
        return false;
    }
    return true;
}

bool postcopy_dest_place_page(PostcopyDest *d, RAMBlock *rb, ram_addr_t offset,
                              const void *data, GError **errp)
{
    DestBlock *b = pc_dest_block_checked(d, rb, errp);
    g_autofree uint8_t *corrupted = NULL;
    uint8_t *dst;
    int r;

    if (!b) {
        return false;
    }
    if (offset % b->page || offset >= b->len) {
        error_setg(errp, "Postcopy page at 0x%" PRIx64 " of RAM block '%s' "
                   "is not a host page inside it (page size 0x%" PRIx64
                   ", length 0x%" PRIx64 ")", offset, ram_block_name(rb),
                   b->page, b->len);
        return false;
    }
    dst = b->host + offset;

    /*
     * One lock around the ioctl and the bookkeeping: the fault thread
     * must never see "not received" for a page that is already in, and
     * two channels placing the same page must not both count it.
     */
    if (!lock_registered(d, b, rb, errp)) {
        return false;
    }
    if (pc_host_page_received(b, offset)) {
        g_mutex_unlock(&d->lock);
        return true;
    }
    if (d->corrupt_rb == rb && d->corrupt_offset >= offset &&
        d->corrupt_offset - offset < b->page) {
        corrupted = g_memdup2(data ? data : d->zero_buf, b->page);
        corrupted[d->corrupt_offset - offset] ^= 0xa5;
        data = corrupted;
    }
    if (data) {
        r = postcopy_uffd_copy(d->uffd, dst, data, b->page);
    } else if (b->has_zeropage) {
        r = postcopy_uffd_zero(d->uffd, dst, b->page);
    } else {
        r = postcopy_uffd_copy(d->uffd, dst, d->zero_buf, b->page);
    }
    /*
     * EEXIST: the page is present though never placed here; precopy
     * loaded it and the source, not knowing (no mark_received), sent it
     * again. Its contents already equal the source's (a page dirtied
     * later would have been discarded), so it counts as received.
     */
    if (r < 0 && r != -EEXIST) {
        g_mutex_unlock(&d->lock);
        error_setg_errno(errp, -r, "Postcopy cannot place the page at 0x%"
                         PRIx64 " of RAM block '%s'", offset,
                         ram_block_name(rb));
        return false;
    }
    pc_set_received(b, offset, b->page, true);
    if (d->placed) {
        /* What the page holds now: what was copied, or (EEXIST) what
         * was there already. */
        d->placed(d->placed_opaque, rb, offset, b->page,
                  r == -EEXIST ? dst : data);
    }
    g_hash_table_remove(d->outstanding, dst);
    pc_outstanding_changed(d);
    if (d->bt) {
        postcopy_blocktime_page_arrived(d->bt, (uintptr_t)dst,
                                        g_get_monotonic_time() * 1000);
    }
    g_mutex_unlock(&d->lock);

    if (data) {
        ram_block_mark_written(rb, offset, b->page);
    }
    /* The page was missing, so no decoded code can come from it; tell the
     * CPU anyway, so placement never depends on that reasoning. */
    memory_notify_ram_block_written(rb, offset, b->page);
    return true;
}

/*
 * Bookkeeping for target pages [offset, offset + len) of b just placed,
 * content what they hold now (NULL: the observer was told already): as postcopy_dest_place_page does for one
 * page, with the per-page table look-ups only while something waits.
 * d->lock.
 */
static void run_placed_locked(PostcopyDest *d, DestBlock *b,
                              ram_addr_t offset, uint64_t len,
                              const void *content, int64_t now_ns)
{
    bool waits = g_hash_table_size(d->outstanding) ||
                 (d->bt && postcopy_blocktime_waiting(d->bt));

    pc_set_received(b, offset, len, true);
    if (d->placed && content) {
        d->placed(d->placed_opaque, b->rb, offset, len, content);
    }
    for (uint64_t o = 0; waits && o < len; o += TARGET_PAGE_SIZE) {
        uint8_t *dst = b->host + offset + o;

        g_hash_table_remove(d->outstanding, dst);
        if (d->bt) {
            postcopy_blocktime_page_arrived(d->bt, (uintptr_t)dst, now_ns);
        }
    }
    if (waits) {
        pc_outstanding_changed(d);
    }
}

/* Copy pages [at, end) of a run, skipping those already in, with
 * d->lock held. Returns false with errp set (lock dropped). */
static bool copy_run_piece_locked(PostcopyDest *d, DestBlock *b,
                                  ram_addr_t offset, uint64_t at,
                                  uint64_t end, const uint8_t *data,
                                  bool told, int64_t now_ns, GError **errp)
{
    while (at < end) {
        uint64_t stop = at, done;
        int r;

        /* Pages already in (an urgent page that overtook the run on the
         * preempt channel, or precopy's) are skipped, as duplicates. */
        if (pc_host_page_received(b, offset + at)) {
            at += TARGET_PAGE_SIZE;
            continue;
        }
        while (stop < end && !pc_host_page_received(b, offset + stop)) {
            stop += TARGET_PAGE_SIZE;
        }
        r = postcopy_uffd_copy_upto(d->uffd, b->host + offset + at,
                                    data + at, stop - at, &done);
        if (done) {
            run_placed_locked(d, b, offset + at, done,
                              told ? NULL : data + at, now_ns);
            at += done;
        }
        if (r == -EEXIST) {
            /* Present though never placed: see postcopy_dest_place_page. */
            run_placed_locked(d, b, offset + at, TARGET_PAGE_SIZE,
                              told ? NULL : b->host + offset + at, now_ns);
            at += TARGET_PAGE_SIZE;
        } else if (r < 0) {
            g_mutex_unlock(&d->lock);
            error_setg_errno(errp, -r, "Postcopy cannot place the page at "
                             "0x%" PRIx64 " of RAM block '%s'", offset + at,
                             ram_block_name(b->rb));
            return false;
        }
    }
    return true;
}

/*
 * Move a whole huge page of a run in (d->lock). Only where nothing of it
 * is in yet, so the kernel can move the huge page itself: one page-table
 * entry instead of a copy of 512 pages. Returns the bytes moved: all, or
 * what went before a refusal (the rest is copied).
 */
static uint64_t move_run_locked(PostcopyDest *d, DestBlock *b,
                                ram_addr_t offset, uint64_t len,
                                uint8_t *data, int64_t now_ns, bool *told)
{
    uint64_t done = 0;

    /* Never mapped (so nothing received either): no page table yet. */
    if (pc_test_bit(b->touched, offset / POSTCOPY_RUN_MAX)) {
        return 0;
    }
    /*
     * The observer hears of the pages while they are still here: once
     * moved, a running vCPU may change them before it could read them.
     * What does not move is copied from the same bytes.
     */
    if (d->placed) {
        d->placed(d->placed_opaque, b->rb, offset, len, data);
        *told = true;
    }
    postcopy_uffd_move(d->uffd, b->host + offset, data, len, &done);
    if (done) {
        run_placed_locked(d, b, offset, done, NULL, now_ns);
    }
    return done;
}

bool postcopy_dest_place_run(PostcopyDest *d, RAMBlock *rb, ram_addr_t offset,
                             uint64_t len, uint8_t *data, bool movable,
                             bool *moved, GError **errp)
{
    DestBlock *b = pc_dest_block_checked(d, rb, errp);
    int64_t now_ns = g_get_monotonic_time() * 1000;
    uint64_t at = 0;
    bool told = false;

    *moved = false;
    if (!b) {
        return false;
    }
    if (b->page != TARGET_PAGE_SIZE || offset % TARGET_PAGE_SIZE ||
        len % TARGET_PAGE_SIZE || !len || offset >= b->len ||
        len > b->len - offset) {
        error_setg(errp, "Postcopy run of 0x%" PRIx64 " bytes at 0x%" PRIx64
                   " of RAM block '%s' is not whole target pages inside it "
                   "(host page size 0x%" PRIx64 ", length 0x%" PRIx64 ")",
                   len, offset, ram_block_name(rb), b->page, b->len);
        return false;
    }
    if (!lock_registered(d, b, rb, errp)) {
        return false;
    }
    if (d->corrupt_rb == rb && d->corrupt_offset >= offset &&
        d->corrupt_offset - offset < len) {
        data[d->corrupt_offset - offset] ^= 0xa5;
    }
    if (movable && b->movable && len == POSTCOPY_RUN_MAX &&
        offset % POSTCOPY_RUN_MAX == 0) {
        at = move_run_locked(d, b, offset, len, data, now_ns, &told);
        *moved = at > 0;
    }
    /*
     * Copy the rest a piece at a time, letting go of the lock between
     * pieces: the fault thread and an urgent page on the preempt channel
     * need it, and copying 2 MiB takes the better part of a millisecond.
     */
    while (at < len) {
        uint64_t end = MIN(len, at + POSTCOPY_PLACE_PIECE);

        if (!copy_run_piece_locked(d, b, offset, at, end, data, told,
                                   now_ns, errp)) {
            return false;
        }
        at = end;
        if (at < len) {
            g_mutex_unlock(&d->lock);
            if (!lock_registered(d, b, rb, errp)) {
                return false;
            }
        }
    }
    g_mutex_unlock(&d->lock);

    ram_block_mark_written(rb, offset, len);
    memory_notify_ram_block_written(rb, offset, len);
    return true;
}

bool postcopy_dest_waits_for(PostcopyDest *d, RAMBlock *rb,
                             ram_addr_t offset)
{
    DestBlock *b;
    bool waits;

    /* The common case, no request open, without the lock: the placing
     * thread may hold it for a whole piece. */
    if (!__atomic_load_n(&d->nr_outstanding, __ATOMIC_ACQUIRE)) {
        return false;
    }
    b = pc_dest_block(d, rb);
    if (!b || offset >= b->len) {
        return false;
    }
    g_mutex_lock(&d->lock);
    waits = g_hash_table_contains(d->outstanding,
                                  b->host + QEMU_ALIGN_DOWN(offset, b->page));
    g_mutex_unlock(&d->lock);
    return waits;
}

bool postcopy_dest_can_move(PostcopyDest *d, RAMBlock *rb)
{
    DestBlock *b = pc_dest_block(d, rb);
    bool movable;

    g_mutex_lock(&d->lock);
    movable = b && b->movable;
    g_mutex_unlock(&d->lock);
    return movable;
}

void postcopy_dest_set_run(PostcopyDest *d, PostcopyRun *r)
{
    g_mutex_lock(&d->lock);
    d->run = r;
    g_mutex_unlock(&d->lock);
}

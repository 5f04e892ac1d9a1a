/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-ram-digest with postcopy, on the destination (docs/interop/
 * ram-digest.rst, "Postcopy").  The source's records describe its RAM at
 * the moment it stopped the guest.  Here the guest runs long before all
 * of that RAM arrived, so RAM at completion proves nothing: each page is
 * hashed as it was when this side got it for good instead.
 *
 *   held at LISTEN   loaded in precopy and not discarded since: hashed
 *                    from memory at LISTEN, before the guest can run
 *   placed later     hashed from the very buffer that was placed, by the
 *                    PostcopyDest placement observer, once per page
 *
 * Every page is one or the other (ADVISE discards everything; a page
 * is either received before LISTEN or placed after it), so at completion
 * the recombined digest covers exactly what the guest was given.
 *
 * Threads: listen and check run in the incoming thread; the observer in
 * the placing threads (listen, preempt) with the PostcopyDest lock held,
 * so observer calls never overlap; it writes only its page's slots.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "system/memory.h"
#include "migration/options.h"
#include "migration/postcopy-ram.h"
#include "migration/ram-digest.h"
#include "migration/ram-digest-mig.h"
#include "ram-internal.h"

/* How long the check waits for pages still in flight (preempt channel). */
#define STRAGGLER_WAIT_US   (5 * G_USEC_PER_SEC)
#define STRAGGLER_POLL_US   1000

typedef struct PlacedBlock {
    RAMBlock *rb;
    RamDigestBlock *digest;
} PlacedBlock;

typedef struct PlacedDigests {
    PostcopyDest *pc;           /* the one observed */
    PlacedBlock *blocks;
    size_t nr;
} PlacedDigests;

static PlacedDigests *placed_digests;

static void placed_digests_free(PlacedDigests *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->nr; i++) {
        ram_digest_block_free(p->blocks[i].digest);
    }
    g_free(p->blocks);
    g_free(p);
}

static RamDigestBlock *placed_block(PlacedDigests *p, RAMBlock *rb)
{
    for (size_t i = 0; i < p->nr; i++) {
        if (p->blocks[i].rb == rb) {
            return p->blocks[i].digest;
        }
    }
    return NULL;
}

/* PostcopyPlacedFn: data is what the host page holds now (NULL: zeros). */
static void on_placed(void *opaque, RAMBlock *rb, ram_addr_t offset,
                      uint64_t len, const void *data)
{
    RamDigestBlock *d = placed_block(opaque, rb);

    if (!d) {
        return;                 /* an ignored block: not in any record */
    }
    for (uint64_t o = 0; o < len; o += RAM_DIGEST_PAGE_SIZE) {
        ram_digest_block_set_page(d, offset + o,
                                  data ? (const uint8_t *)data + o : NULL);
    }
}

static bool bit_set(const unsigned long *map, uint64_t n)
{
    return (map[n / BITS_PER_LONG] >> (n % BITS_PER_LONG)) & 1;
}

/* The test knob: corrupt the page now if it is held, else as it lands. */
static void test_corrupt(PostcopyDest *pc, RAMBlock *rb,
                         const unsigned long *held)
{
    RAMBlock *target;
    ram_addr_t off;

    if (!ram_digest_mig_test_corrupt_target(&target, &off) || target != rb) {
        return;
    }
    if (bit_set(held, off / RAM_DIGEST_PAGE_SIZE)) {
        ((uint8_t *)ram_block_host(rb))[off] ^= 0xa5;
        ram_block_mark_written(rb, off, 1);
    } else {
        postcopy_dest_test_corrupt(pc, rb, off);
    }
}

bool ram_digest_mig_dst_postcopy_listen(PostcopyDest *pc, GError **errp)
{
    PlacedDigests *p;

    ram_digest_mig_dst_postcopy_reset();
    if (!migrate_ram_digest()) {
        return true;
    }
    p = g_new0(PlacedDigests, 1);
    p->pc = pc;
    p->blocks = g_new0(PlacedBlock, postcopy_dest_nr_blocks(pc));
    for (size_t i = 0; i < postcopy_dest_nr_blocks(pc); i++) {
        RAMBlock *rb = postcopy_dest_block(pc, i);
        g_autofree unsigned long *held = NULL;
        RamDigestBlock *d;
        uint64_t nbits;

        if (ram_block_is_ignored(rb)) {
            continue;
        }
        held = postcopy_dest_received_bitmap(pc, rb, &nbits);
        if (!held || nbits * RAM_DIGEST_PAGE_SIZE !=
                     ram_block_used_length(rb)) {
            error_setg(errp, "x-ram-digest: RAM block '%s' changed size "
                       "since postcopy advise", ram_block_name(rb));
            placed_digests_free(p);
            return false;
        }
        test_corrupt(pc, rb, held);
        /* Only the held pages: the others are missing, and reading one
         * would populate it behind userfaultfd's back. */
        d = ram_digest_block_new_for(rb);
        ram_digest_block_clear_dirty(d);
        ram_digest_block_mark_dirty(d, held);
        ram_digest_block_update(d, 2);
        p->blocks[p->nr].rb = rb;
        p->blocks[p->nr].digest = d;
        p->nr++;
    }
    placed_digests = p;
    postcopy_dest_set_placed_fn(pc, on_placed, p);
    return true;
}

/*
 * Wait until every page of every tracked block was received, or the
 * deadline passed.  False with the first missing page.
 */
static bool wait_all_received(PlacedDigests *p, size_t *blk, uint64_t *page)
{
    gint64 deadline = g_get_monotonic_time() + STRAGGLER_WAIT_US;

    for (;;) {
        bool all = true;

        for (size_t i = 0; i < p->nr && all; i++) {
            uint64_t nbits;
            g_autofree unsigned long *got =
                postcopy_dest_received_bitmap(p->pc, p->blocks[i].rb,
                                              &nbits);

            for (uint64_t n = 0; got && n < nbits; n++) {
                if (!bit_set(got, n)) {
                    *blk = i;
                    *page = n;
                    all = false;
                    break;
                }
            }
        }
        if (all) {
            return true;
        }
        if (g_get_monotonic_time() >= deadline) {
            return false;
        }
        g_usleep(STRAGGLER_POLL_US);
    }
}

void ram_digest_mig_dst_postcopy_check(PostcopyDest *pc)
{
    g_autoptr(GPtrArray) records = ram_digest_mig_dst_take_records();
    PlacedDigests *p = placed_digests;
    RamDigestWhere where = { .kind = RAM_DIGEST_WHERE_NONE };
    const char *bad = NULL;
    GError *err = NULL;
    size_t blk;
    uint64_t page;

    if (!migrate_ram_digest()) {
        return;
    }
    if (!p || p->pc != pc) {
        error_setg(&err, "x-ram-digest: postcopy did not pass LISTEN with "
                   "the capability on");
        goto out;
    }
    if (!wait_all_received(p, &blk, &page)) {
        bad = ram_block_name(p->blocks[blk].rb);
        where.kind = RAM_DIGEST_WHERE_PAGE;
        where.first_page = where.last_page = page;
        error_setg(&err, "RAM digest: page %" PRIu64 " (offset 0x%" PRIx64
                   ") of block '%s' was never received", page,
                   page * RAM_DIGEST_PAGE_SIZE, bad);
    }
    /* From here no placement writes a hash: the slots may be read. */
    postcopy_dest_set_placed_fn(pc, NULL, NULL);
    if (err) {
        goto out;
    }
    if (!records) {
        error_setg(&err, "x-ram-digest is on but the source sent no RAM "
                   "digest");
        goto out;
    }
    for (guint i = 0; i < records->len; i++) {
        const RamDigestRecord *r = g_ptr_array_index(records, i);
        RAMBlock *rb = ram_block_find(r->name);
        RamDigestBlock *d = rb ? placed_block(p, rb) : NULL;

        bad = r->name;
        if (!d) {
            error_setg(&err, "RAM digest for block '%s', which this machine "
                       "does not migrate", r->name);
            goto out;
        }
        if (!ram_digest_block_check_where(d, r, 2, &where, &err)) {
            goto out;
        }
    }
out:
    if (err) {
        /* Too late to refuse anything: say it, and let the guest run. */
        warn_report("x-ram-digest (postcopy; the guest keeps running): %s",
                    err->message);
    }
    ram_digest_mig_dst_set_result(true, err ? bad : NULL, &where, err);
    g_clear_error(&err);
}

void ram_digest_mig_dst_postcopy_reset(void)
{
    g_clear_pointer(&placed_digests, placed_digests_free);
}

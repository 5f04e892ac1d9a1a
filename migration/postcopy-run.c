/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run staging for the main postcopy stream: consecutive target pages are
 * read into one buffer and placed with one UFFDIO_COPY. See
 * postcopy-ram.h and docs/devel/migration/postcopy.rst ("Placing runs").
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/postcopy-ram.h"

struct PostcopyRun {
    PostcopyDest *d;
    RAMBlock *rb;               /* NULL: nothing staged */
    ram_addr_t start;           /* offset in rb of buf[0] */
    uint64_t len;               /* bytes staged */
    uint8_t *buf;               /* POSTCOPY_RUN_MAX bytes, page aligned */
    uint64_t runs_placed;
    uint64_t pages_placed;
};

PostcopyRun *postcopy_run_new(PostcopyDest *d)
{
    PostcopyRun *r = g_new0(PostcopyRun, 1);

    r->d = d;
    /* Page aligned, so the kernel copies whole source pages. */
    r->buf = g_aligned_alloc(POSTCOPY_RUN_MAX, 1, (gsize)sysconf(_SC_PAGESIZE));
    return r;
}

void postcopy_run_free(PostcopyRun *r)
{
    if (r) {
        g_aligned_free(r->buf);
        g_free(r);
    }
}

bool postcopy_run_pending(const PostcopyRun *r)
{
    return r->rb != NULL;
}

void postcopy_run_reset(PostcopyRun *r)
{
    r->rb = NULL;
    r->len = 0;
}

bool postcopy_run_flush(PostcopyRun *r, GError **errp)
{
    bool ok;

    if (!r->rb) {
        return true;
    }
    ok = postcopy_dest_place_run(r->d, r->rb, r->start, r->len, r->buf,
                                 errp);
    if (ok) {
        r->runs_placed++;
        r->pages_placed += r->len / TARGET_PAGE_SIZE;
    }
    postcopy_run_reset(r);
    return ok;
}

uint8_t *postcopy_run_slot(PostcopyRun *r, RAMBlock *rb, ram_addr_t offset,
                           GError **errp)
{
    if (r->rb && (r->rb != rb || offset != r->start + r->len ||
                  r->len == POSTCOPY_RUN_MAX)) {
        if (!postcopy_run_flush(r, errp)) {
            return NULL;
        }
    }
    if (!r->rb) {
        if (offset % TARGET_PAGE_SIZE) {
            error_setg(errp, "Illegal RAM offset 0x%" PRIx64 " for block "
                       "'%s'", offset, ram_block_name(rb));
            return NULL;
        }
        r->rb = rb;
        r->start = offset;
        r->len = 0;
    }
    return r->buf + r->len;
}

void postcopy_run_commit(PostcopyRun *r)
{
    g_assert(r->rb && r->len < POSTCOPY_RUN_MAX);
    r->len += TARGET_PAGE_SIZE;
}

void postcopy_run_stats(const PostcopyRun *r, uint64_t *runs, uint64_t *pages)
{
    *runs = r->runs_placed;
    *pages = r->pages_placed;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-page assembly for one postcopy channel (wire-format 4.5): the
 * target pages of a host page are collected in order and the host page
 * is placed in one piece. See postcopy-ram.h.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/postcopy-ram.h"

struct PostcopyPageAssembler {
    PostcopyDest *d;
    RAMBlock *rb;               /* NULL when idle */
    ram_addr_t host_offset;     /* host page being assembled */
    uint64_t page;
    uint64_t nr_target;         /* target pages collected */
    bool all_zero;
    uint8_t *buf;               /* page bytes */
    uint64_t buf_size;
};

PostcopyPageAssembler *postcopy_assembler_new(PostcopyDest *d)
{
    PostcopyPageAssembler *a = g_new0(PostcopyPageAssembler, 1);

    a->d = d;
    return a;
}

void postcopy_assembler_free(PostcopyPageAssembler *a)
{
    if (a) {
        g_free(a->buf);
        g_free(a);
    }
}

bool postcopy_assembler_busy(PostcopyPageAssembler *a)
{
    return a->rb != NULL;
}

void postcopy_assembler_reset(PostcopyPageAssembler *a)
{
    a->rb = NULL;
    a->nr_target = 0;
}

bool postcopy_assembler_add(PostcopyPageAssembler *a, RAMBlock *rb,
                            ram_addr_t offset, const void *data,
                            GError **errp)
{
    uint64_t page = postcopy_dest_host_page_size(a->d, rb);
    uint64_t used = ram_block_used_length(rb);
    ram_addr_t host_offset;
    uint64_t index;
    bool ok;

    if (offset % TARGET_PAGE_SIZE || offset >= used) {
        error_setg(errp, "Illegal RAM offset 0x%" PRIx64 " for block '%s' "
                   "(length 0x%" PRIx64 ")", offset, ram_block_name(rb),
                   used);
        return false;
    }
    host_offset = QEMU_ALIGN_DOWN(offset, page);
    index = (offset - host_offset) / TARGET_PAGE_SIZE;

    if (page == TARGET_PAGE_SIZE && !a->rb) {
        /* The common case: nothing to collect, place from the record. */
        return postcopy_dest_place_page(a->d, rb, offset, data, errp);
    }
    if (a->rb ? (a->rb != rb || a->host_offset != host_offset ||
                 index != a->nr_target)
              : index != 0) {
        error_setg(errp, "Non-same host page detected: target page 0x%"
                   PRIx64 " of block '%s' while %s", offset,
                   ram_block_name(rb),
                   a->rb ? "another host page is being received"
                         : "no host page was started by its first page");
        postcopy_assembler_reset(a);
        return false;
    }
    if (!a->rb) {
        if (a->buf_size < page) {
            g_free(a->buf);
            a->buf = g_malloc(page);
            a->buf_size = page;
        }
        a->rb = rb;
        a->host_offset = host_offset;
        a->page = page;
        a->nr_target = 0;
        a->all_zero = true;
    }
    if (data) {
        memcpy(a->buf + index * TARGET_PAGE_SIZE, data, TARGET_PAGE_SIZE);
        a->all_zero = false;
    } else {
        memset(a->buf + index * TARGET_PAGE_SIZE, 0, TARGET_PAGE_SIZE);
    }
    if (++a->nr_target < a->page / TARGET_PAGE_SIZE) {
        return true;
    }
    ok = postcopy_dest_place_page(a->d, rb, host_offset,
                                  a->all_zero ? NULL : a->buf, errp);
    postcopy_assembler_reset(a);
    return ok;
}

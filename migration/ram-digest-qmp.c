/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM digests over the physical address space, and the QMP command
 * x-query-ram-digest (qapi/ram-digest.json) that tests run on both sides
 * of a migration to prove the memory arrived intact.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "system/memory.h"
#include "migration/ram-digest.h"

/* The physical bus is 32 bits wide (DESIGN.md 5). */
#define PHYS_LIMIT          (UINT64_C(1) << 32)
/* Threads hashing a block for the command (bounded: the machine's
 * other work shares the host). */
#define QMP_DIGEST_THREADS  2

/*
 * The host pointer of the page at addr when it is a whole, written page
 * of one RAM block; NULL when it reads as zeros.  *gather is set instead
 * when the page straddles mappings and must be assembled into buf.
 */
static const void *phys_page(hwaddr addr, bool *gather)
{
    RAMBlock *rb;
    ram_addr_t off;
    uint64_t avail;
    const unsigned long *written;
    uint8_t *host = memory_ram_lookup(addr, &rb, &off, &avail);

    *gather = false;
    if (!host) {
        /* MMIO or nothing here; a RAM mapping may still start inside. */
        for (uint64_t o = 1; o < RAM_DIGEST_PAGE_SIZE; o++) {
            if (memory_ram_lookup(addr + o, NULL, NULL, NULL)) {
                *gather = true;
                break;
            }
        }
        return NULL;
    }
    if (off % RAM_DIGEST_PAGE_SIZE || avail < RAM_DIGEST_PAGE_SIZE) {
        *gather = true;
        return NULL;
    }
    written = ram_block_written_bitmap(rb);
    if (!((qatomic_read(&written[off / RAM_DIGEST_PAGE_SIZE /
                                 BITS_PER_LONG]) >>
           (off / RAM_DIGEST_PAGE_SIZE % BITS_PER_LONG)) & 1)) {
        return NULL;
    }
    return host;
}

/* Byte by byte from RAM mappings, zeros elsewhere (MMIO is not read). */
static void gather_page(hwaddr addr, uint8_t *buf)
{
    uint64_t done = 0;

    while (done < RAM_DIGEST_PAGE_SIZE) {
        uint64_t avail;
        uint8_t *host = memory_ram_lookup(addr + done, NULL, NULL, &avail);
        uint64_t n = host ? MIN(avail, RAM_DIGEST_PAGE_SIZE - done) : 1;

        if (host) {
            memcpy(buf + done, host, n);
        } else {
            buf[done] = 0;
        }
        done += n;
    }
}

bool ram_digest_phys_range(hwaddr start, uint64_t length, RamDigestHash *out,
                           GError **errp)
{
    RamDigestStream *st;
    g_autofree uint8_t *buf = NULL;

    if (!length || start % RAM_DIGEST_PAGE_SIZE ||
        length % RAM_DIGEST_PAGE_SIZE) {
        error_setg(errp, "RAM digest range 0x%" PRIx64 "+0x%" PRIx64
                   ": start and length must be multiples of %u and the "
                   "length not zero", start, length, RAM_DIGEST_PAGE_SIZE);
        return false;
    }
    if (start >= PHYS_LIMIT || length > PHYS_LIMIT - start) {
        error_setg(errp, "RAM digest range 0x%" PRIx64 "+0x%" PRIx64
                   " goes past the end of the 32-bit physical bus", start,
                   length);
        return false;
    }
    st = ram_digest_stream_new(length);
    for (uint64_t a = start; a < start + length; a += RAM_DIGEST_PAGE_SIZE) {
        bool gather;
        const void *page = phys_page(a, &gather);

        if (gather) {
            if (!buf) {
                buf = g_malloc(RAM_DIGEST_PAGE_SIZE);
            }
            gather_page(a, buf);
            page = buf;
        }
        ram_digest_stream_add_page(st, page);
    }
    return ram_digest_stream_finish(st, out, errp);
}

static RamDigestInfo *digest_block(const char *name, GError **errp)
{
    RAMBlock *rb = ram_block_find(name);
    g_autoptr(RamDigestBlock) b = NULL;
    RamDigestInfo *info;
    RamDigestHash h;
    char hex[RAM_DIGEST_HEX_SIZE];

    if (!rb) {
        error_setg(errp, "RAM block '%s' not found", name);
        return NULL;
    }
    b = ram_digest_block_new_for(rb);
    ram_digest_block_update(b, QMP_DIGEST_THREADS);
    ram_digest_block_digest(b, &h);
    ram_digest_hash_to_hex(&h, hex);
    info = g_new0(RamDigestInfo, 1);
    info->block = g_strdup(name);
    if (ram_block_phys_base(rb) != (hwaddr)-1) {
        info->has_start = true;
        info->start = ram_block_phys_base(rb);
    }
    info->length = ram_block_used_length(rb);
    info->digest = g_strdup(hex);
    return info;
}

static RamDigestInfo *digest_range(const RamDigestRange *r, GError **errp)
{
    RamDigestInfo *info;
    RamDigestHash h;
    char hex[RAM_DIGEST_HEX_SIZE];

    if (r->block) {
        if (r->has_start || r->has_length) {
            error_setg(errp, "a RAM digest range names either a block or "
                       "'start' and 'length', not both");
            return NULL;
        }
        return digest_block(r->block, errp);
    }
    if (!r->has_start || !r->has_length) {
        error_setg(errp, "a RAM digest range needs 'block', or both 'start' "
                   "and 'length'");
        return NULL;
    }
    if (!ram_digest_phys_range(r->start, r->length, &h, errp)) {
        return NULL;
    }
    ram_digest_hash_to_hex(&h, hex);
    info = g_new0(RamDigestInfo, 1);
    info->has_start = true;
    info->start = r->start;
    info->length = r->length;
    info->digest = g_strdup(hex);
    return info;
}

RamDigestInfoList *qmp_x_query_ram_digest(RamDigestRangeList *ranges,
                                          GError **errp)
{
    RamDigestInfoList *head = NULL, **tail = &head;

    if (ranges) {
        for (RamDigestRangeList *l = ranges; l; l = l->next) {
            RamDigestInfo *info = digest_range(l->value, errp);

            if (!info) {
                qapi_free_RamDigestInfoList(head);
                return NULL;
            }
            *tail = g_new0(RamDigestInfoList, 1);
            (*tail)->value = info;
            tail = &(*tail)->next;
        }
        return head;
    }
    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        RamDigestInfo *info = digest_block(ram_block_name(rb), errp);

        if (!info) {
            qapi_free_RamDigestInfoList(head);
            return NULL;
        }
        *tail = g_new0(RamDigestInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

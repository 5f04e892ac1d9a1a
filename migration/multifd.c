/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd helpers shared by the sender and receiver threads.
 */
#include "qemu/osdep.h"

#include "migration/multifd-internal.h"
#include "migration/options.h"

void multifd_stats_add(MultiFDStats *st, uint64_t packets, uint64_t syncs,
                       uint64_t normal, uint64_t zero, uint64_t bytes)
{
    __atomic_fetch_add(&st->packets, packets, __ATOMIC_RELAXED);
    __atomic_fetch_add(&st->sync_packets, syncs, __ATOMIC_RELAXED);
    __atomic_fetch_add(&st->normal_pages, normal, __ATOMIC_RELAXED);
    __atomic_fetch_add(&st->zero_pages, zero, __ATOMIC_RELAXED);
    __atomic_fetch_add(&st->bytes, bytes, __ATOMIC_RELAXED);
}

void multifd_stats_read(const MultiFDStats *st, MultiFDStats *out)
{
    out->packets = qatomic_read(&st->packets);
    out->sync_packets = qatomic_read(&st->sync_packets);
    out->normal_pages = qatomic_read(&st->normal_pages);
    out->zero_pages = qatomic_read(&st->zero_pages);
    out->bytes = qatomic_read(&st->bytes);
}

bool multifd_page_is_zero(const uint8_t *p)
{
    /* The first byte is zero and every byte equals its successor. */
    return p[0] == 0 && memcmp(p, p + 1, TARGET_PAGE_SIZE - 1) == 0;
}

bool multifd_page_maybe_written(RAMBlock *rb, ram_addr_t offset)
{
    const unsigned long *written = ram_block_written_bitmap(rb);
    uint64_t page = offset >> TARGET_PAGE_BITS;
    /* Writers set bits with atomic OR from other threads. */
    unsigned long word = qatomic_read(&written[page / BITS_PER_LONG]);

    return word & (1UL << (page % BITS_PER_LONG));
}

void multifd_send_params_from_options(MultiFDSendParams *p,
                                      const uint8_t uuid[MULTIFD_UUID_SIZE],
                                      bool in_postcopy)
{
    memset(p, 0, sizeof(*p));
    p->compression = migrate_multifd_compression();
    p->zlib_level = migrate_multifd_zlib_level();
    p->zstd_level = migrate_multifd_zstd_level();
    p->zero_page_detection = in_postcopy ? ZERO_PAGE_DETECTION_NONE
                                         : migrate_zero_page_detection();
    memcpy(p->uuid, uuid, MULTIFD_UUID_SIZE);
}

void multifd_recv_params_from_options(MultiFDRecvParams *p,
                                      const uint8_t uuid[MULTIFD_UUID_SIZE])
{
    memset(p, 0, sizeof(*p));
    p->channels = migrate_multifd_channels();
    p->compression = migrate_multifd_compression();
    memcpy(p->uuid, uuid, MULTIFD_UUID_SIZE);
}

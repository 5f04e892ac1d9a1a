/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM save and load with mapped-ram (wire 7.3): pages go to fixed slots
 * of the migration file instead of into the stream.  See ram-mapped.h.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "system/memory.h"
#include "migration/options.h"
#include "migration/migration-stats.h"
#include "migration/mapped-ram.h"
#include "migration/file.h"
#include "ram-internal.h"
#include "ram-mapped.h"

/* ---- source ---- */

typedef struct RamMappedBlock {
    MappedRamLayout layout;
    unsigned long *file_bmap;   /* set: the slot holds the page */
} RamMappedBlock;

struct RamMappedSave {
    int stream_fd;              /* the main channel's (not ours) */
    int page_fd;                /* stream_fd, or our O_DIRECT fd */
    RamMappedBlock *blocks;
    size_t nr_blocks;
};

/* The fd pages move through on this side: direct-io opens its own. */
static int page_fd_open(bool outgoing, int stream_fd, GError **errp)
{
    int fd;

    if (!migrate_direct_io()) {
        return stream_fd;
    }
    fd = migration_file_open_extra(outgoing, O_DIRECT, errp);
    if (fd < 0) {
        g_prefix_error(errp, "direct-io: ");
    }
    return fd;
}

static void page_fd_close(int page_fd, int stream_fd)
{
    if (page_fd >= 0 && page_fd != stream_fd) {
        close(page_fd);
    }
}

RamMappedSave *ram_mapped_save_new(QEMUFile *f, size_t nr_blocks,
                                   GError **errp)
{
    int stream_fd = mapped_ram_channel_fd(qemu_file_get_channel(f), errp);
    RamMappedSave *ms;

    if (stream_fd < 0) {
        return NULL;
    }
    ms = g_new0(RamMappedSave, 1);
    ms->stream_fd = stream_fd;
    ms->page_fd = page_fd_open(true, stream_fd, errp);
    if (ms->page_fd < 0) {
        g_free(ms);
        return NULL;
    }
    ms->blocks = g_new0(RamMappedBlock, nr_blocks);
    ms->nr_blocks = nr_blocks;
    return ms;
}

void ram_mapped_save_free(RamMappedSave *ms)
{
    if (!ms) {
        return;
    }
    page_fd_close(ms->page_fd, ms->stream_fd);
    for (size_t i = 0; i < ms->nr_blocks; i++) {
        g_free(ms->blocks[i].file_bmap);
    }
    g_free(ms->blocks);
    g_free(ms);
}

bool ram_mapped_save_block(RamMappedSave *ms, QEMUFile *f, size_t i,
                           RAMBlock *rb, GError **errp)
{
    RamMappedBlock *b = &ms->blocks[i];
    uint64_t here;

    g_assert(i < ms->nr_blocks);
    /* One file bitmap bit per target page, as the dirty bitmaps. */
    if (ram_block_page_size(rb) != TARGET_PAGE_SIZE) {
        error_setg(errp, "mapped-ram: block '%s': page size 0x%" PRIx64
                   " is not the target page size", ram_block_name(rb),
                   ram_block_page_size(rb));
        return false;
    }
    if (!qemu_file_get_offset(f, &here, errp) ||
        !mapped_ram_layout_init(&b->layout, rb, here, errp)) {
        return false;
    }
    if (ms->page_fd != ms->stream_fd &&
        !mapped_ram_direct_io_check(&b->layout, b->layout.page_size,
                                    errp)) {
        return false;
    }
    b->file_bmap = mapped_ram_bitmap_new(&b->layout);
    /* The bitmap region and the page slots stay holes until written. */
    if (!mapped_ram_write_header(ms->stream_fd, &b->layout, errp) ||
        !qemu_file_set_offset(f, mapped_ram_layout_end(&b->layout), errp)) {
        return false;
    }
    qemu_file_account_external(f, MAPPED_RAM_HDR_SIZE);
    return true;
}

uint64_t ram_mapped_save_word(RamMappedSave *ms, QEMUFile *f, size_t i,
                              size_t wi, unsigned long dirty,
                              unsigned long zero, bool zero_detect)
{
    RamMappedBlock *b = &ms->blocks[i];
    uint64_t offsets[BITS_PER_LONG];
    size_t n = 0, zeros = 0;
    GError *err = NULL;

    for (unsigned long rest = dirty; rest; rest &= rest - 1) {
        unsigned bit = __builtin_ctzl(rest);
        uint64_t offset = ((uint64_t)wi * BITS_PER_LONG + bit)
                          << TARGET_PAGE_BITS;

        if (((zero >> bit) & 1) ||
            (zero_detect && ram_page_is_zero(b->layout.host + offset))) {
            /* Its old copy, if any, stays in the slot: the bit says zero. */
            b->file_bmap[wi] &= ~(1UL << bit);
            zeros++;
        } else {
            b->file_bmap[wi] |= 1UL << bit;
            offsets[n++] = offset;
        }
    }
    if (zeros) {
        ram_stat_add(&mig_stats.zero_pages, zeros);
    }
    if (!n) {
        return 0;
    }
    if (!mapped_ram_write_pages(ms->page_fd, &b->layout, offsets, n, &err)) {
        qemu_file_set_error_obj(f, -EIO, err);
        return 0;
    }
    ram_stat_add(&mig_stats.normal_pages, n);
    qemu_file_account_external(f, n * TARGET_PAGE_SIZE);
    return n * TARGET_PAGE_SIZE;
}

bool ram_mapped_save_complete(RamMappedSave *ms, GError **errp)
{
    for (size_t i = 0; i < ms->nr_blocks; i++) {
        RamMappedBlock *b = &ms->blocks[i];

        if (b->file_bmap &&
            !mapped_ram_write_bitmap(ms->stream_fd, &b->layout, b->file_bmap,
                                     errp)) {
            return false;
        }
    }
    /* direct-io bypassed the page cache; the rest reaches the file on
     * the channel's close like any file: migration. */
    return true;
}

/* ---- destination ---- */

/*
 * What the bitmap says, applied to pages that were not read: a clear
 * bit is a zero page.  Memory this process never wrote is zero already
 * (incoming migration); only pages written here (a -kernel image, a
 * loadvm into a used guest) need clearing.  Pages read from the file
 * are marked written.
 */
static void apply_bitmap(RAMBlock *rb, const MappedRamLayout *l,
                         const unsigned long *bmap)
{
    const unsigned long *written = ram_block_written_bitmap(rb);
    size_t words = (l->num_pages + BITS_PER_LONG - 1) / BITS_PER_LONG;

    for (size_t w = 0; w < words; w++) {
        unsigned long stale = qatomic_read(&written[w]) & ~bmap[w];

        while (stale) {
            unsigned bit = __builtin_ctzl(stale);
            uint64_t offset = ((uint64_t)w * BITS_PER_LONG + bit)
                              << TARGET_PAGE_BITS;

            stale &= stale - 1;
            if (offset < l->used_length &&
                !ram_page_is_zero(l->host + offset)) {
                memset(l->host + offset, 0, TARGET_PAGE_SIZE);
            }
        }
        if (bmap[w] == ~0UL) {
            ram_block_mark_written(rb, (uint64_t)w * BITS_PER_LONG
                                   << TARGET_PAGE_BITS,
                                   BITS_PER_LONG * TARGET_PAGE_SIZE);
            continue;
        }
        for (unsigned long set = bmap[w]; set; set &= set - 1) {
            ram_block_mark_written(rb, ((uint64_t)w * BITS_PER_LONG +
                                        __builtin_ctzl(set))
                                   << TARGET_PAGE_BITS, TARGET_PAGE_SIZE);
        }
    }
}

bool ram_mapped_load_block(QEMUFile *f, RAMBlock *rb, const char *name,
                           GError **errp)
{
    int stream_fd = mapped_ram_channel_fd(qemu_file_get_channel(f), errp);
    g_autofree unsigned long *bmap = NULL;
    MappedRamLayout l;
    uint64_t here;
    int page_fd;
    bool ok;

    if (stream_fd < 0 || !qemu_file_get_offset(f, &here, errp) ||
        !mapped_ram_read_header(stream_fd, rb, here, &l, errp)) {
        return false;
    }
    if (ram_block_page_size(rb) != TARGET_PAGE_SIZE) {
        error_setg(errp, "mapped-ram: block '%s': page size 0x%" PRIx64
                   " is not the target page size", name,
                   ram_block_page_size(rb));
        return false;
    }
    bmap = mapped_ram_read_bitmap(stream_fd, &l, errp);
    if (!bmap) {
        return false;
    }
    page_fd = page_fd_open(false, stream_fd, errp);
    if (page_fd < 0) {
        return false;
    }
    apply_bitmap(rb, &l, bmap);
    ok = mapped_ram_read_block(page_fd, &l, bmap, errp);
    page_fd_close(page_fd, stream_fd);
    return ok && qemu_file_set_offset(f, mapped_ram_layout_end(&l), errp);
}

bool ram_mapped_load_flags_ok(uint64_t flags, GError **errp)
{
    uint64_t bad = flags & RAM_MAPPED_INVALID_FLAGS;

    if (bad) {
        /* QEMU's text (it prints the offending bits in decimal). */
        error_setg(errp, "Unexpected RAM flags: %" PRIu64, bad);
        return false;
    }
    return true;
}

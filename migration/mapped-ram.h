/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mapped-ram file layout (spec migration-wire-format.md 7.2-7.3):
 * every RAM page has a fixed place in a file: migration, so pages can be
 * written and read with positioned I/O, in parallel, by any number of
 * file descriptors (the multifd channels) without a byte of framing.
 *
 * For each block, at absolute file offset H (right after its MEM_SIZE
 * entry in the main stream):
 *
 *   [H, H+28)                        MappedRamHeader, big-endian
 *   [bitmap_offset, +bitmap_size)    one bit per page, written at the end
 *   zero gap
 *   [pages_offset, +used_length)     page k at pages_offset + k * page_size
 *   -> the main stream continues at pages_offset + used_length
 *
 * bitmap_offset = H + 28; bitmap_size = ceil(pages / 64) * 8 (64-bit
 * little-endian words); pages_offset = bitmap end rounded up to 1 MiB.
 * A set bit means the page region holds the page; a clear bit means the
 * page is zero (its slot may hold stale data, or be a hole).
 *
 * Direct I/O: page slots are page aligned in the file (pages_offset is a
 * multiple of 1 MiB), and guest RAM is page aligned in memory, so page
 * I/O is valid on an O_DIRECT fd for any logical block size up to the
 * page size.  The header and the bitmap are not aligned: they go through
 * a normal fd (the main channel's).
 *
 * Every function here may be called from any thread; the page functions
 * touch only the slots of the pages they are given, so channels writing
 * disjoint pages of a block need no lock between them.  See
 * docs/devel/migration/mapped-ram.rst for how the RAM saver and loader
 * call them.
 */
#ifndef MIGRATION_MAPPED_RAM_H
#define MIGRATION_MAPPED_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define MAPPED_RAM_HDR_VERSION              1
#define MAPPED_RAM_HDR_SIZE                 28
#define MAPPED_RAM_FILE_OFFSET_ALIGNMENT    0x100000
/* The loader reads runs of set pages in chunks of at most this much. */
#define MAPPED_RAM_LOAD_CHUNK               0x100000

typedef struct MigChannel MigChannel;
typedef struct RAMBlock RAMBlock;

/* Where one block's parts live in the file, and its memory. */
typedef struct MappedRamLayout {
    const char *name;           /* the block's idstr, for messages */
    uint8_t *host;              /* the block's memory (page aligned) */
    uint64_t used_length;
    uint64_t page_size;
    uint64_t num_pages;
    uint64_t header_offset;     /* H */
    uint64_t bitmap_offset;
    uint64_t bitmap_size;       /* bytes */
    uint64_t pages_offset;
} MappedRamLayout;

/*
 * Source side: the layout of a block whose header goes at file offset
 * header_offset (absolute, URI offset included).  name and host point
 * into rb.  False (errp set) only when the offsets would overflow.
 */
bool mapped_ram_layout_init(MappedRamLayout *l, RAMBlock *rb,
                            uint64_t header_offset, GError **errp);
/* Where the main stream continues after the block: pages_offset + used. */
uint64_t mapped_ram_layout_end(const MappedRamLayout *l);

/* The 28 header bytes of l (spec 7.3 table). */
void mapped_ram_header_encode(const MappedRamLayout *l,
                              uint8_t out[MAPPED_RAM_HDR_SIZE]);
/*
 * Destination side: check the header read at header_offset for the local
 * block rb against everything that can be checked — version, page size
 * equal to the local one, bitmap right after the header and wide enough
 * for the block, page region page aligned, after the bitmap and inside
 * the file (file_size bytes), no offset overflowing — and fill l.  Each
 * failure names the block and the field.
 */
bool mapped_ram_header_decode(const uint8_t hdr[MAPPED_RAM_HDR_SIZE],
                              RAMBlock *rb, uint64_t header_offset,
                              uint64_t file_size, MappedRamLayout *l,
                              GError **errp);

/* Positioned header I/O on fd (pwrite/pread; file_size from fstat). */
bool mapped_ram_write_header(int fd, const MappedRamLayout *l,
                             GError **errp);
bool mapped_ram_read_header(int fd, RAMBlock *rb, uint64_t header_offset,
                            MappedRamLayout *l, GError **errp);

/*
 * A zeroed bitmap for l (num_pages bits in unsigned longs, as the dirty
 * bitmaps), g_free'd by the caller.  The writer sets a page's bit when it
 * writes the page and clears it when the page became zero.
 */
unsigned long *mapped_ram_bitmap_new(const MappedRamLayout *l);
/* Write / read the bitmap at bitmap_offset (little-endian 64-bit words).
 * The reader rejects bits set past the last page. */
bool mapped_ram_write_bitmap(int fd, const MappedRamLayout *l,
                             const unsigned long *bitmap, GError **errp);
unsigned long *mapped_ram_read_bitmap(int fd, const MappedRamLayout *l,
                                      GError **errp);

/*
 * Write / read the n pages at byte offsets offsets[] (page aligned, inside
 * the block) between the block's memory and their slots; contiguous pages
 * (in the order given) become one pwritev/preadv.  Short transfers are
 * continued; reading past the end of the file is an error.  On an O_DIRECT
 * fd the buffers and file offsets are checked against the page size first.
 * The caller keeps the bitmap (mapped_ram_bitmap_new) up to date.
 */
bool mapped_ram_write_pages(int fd, const MappedRamLayout *l,
                            const uint64_t *offsets, size_t n,
                            GError **errp);
/*
 * Write the len bytes of pages starting at byte offset first (whole
 * pages inside the block) to their slots with one pwritev, continued
 * when short: the source's coalesced runs.
 */
bool mapped_ram_write_run(int fd, const MappedRamLayout *l, uint64_t first,
                          uint64_t len, GError **errp);
bool mapped_ram_read_pages(int fd, const MappedRamLayout *l,
                           const uint64_t *offsets, size_t n, GError **errp);
/*
 * Read every page whose bit is set, in runs of contiguous pages of at
 * most MAPPED_RAM_LOAD_CHUNK bytes; pages whose bit is clear are left as
 * they are (zero in a fresh destination).
 */
bool mapped_ram_read_block(int fd, const MappedRamLayout *l,
                           const unsigned long *bitmap, GError **errp);

/*
 * direct-io: can page I/O of l use O_DIRECT with logical blocks of
 * `align` bytes (power of two)?  Names the first misaligned thing.
 */
bool mapped_ram_direct_io_check(const MappedRamLayout *l, size_t align,
                                GError **errp);
/* Open path (O_RDONLY/O_WRONLY/O_RDWR in flags) with O_DIRECT added;
 * -1 with errp set ("...does not support O_DIRECT" for EINVAL). */
int mapped_ram_open_direct(const char *path, int flags, GError **errp);

/* The fd of a seekable channel (file:), or -1 with errp set. */
int mapped_ram_channel_fd(MigChannel *ch, GError **errp);

#endif /* MIGRATION_MAPPED_RAM_H */

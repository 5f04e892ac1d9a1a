/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM migration with the mapped-ram capability (wire 7.2-7.3): the glue
 * between the RAM saver/loader and the file layout of mapped-ram.c.
 *
 * Source: after each block's MEM_SIZE entry the block's header goes at
 * the stream's current file offset and the stream continues past the
 * block's page region; every page the scan sends is written to its slot
 * (zero pages are not written, only cleared in the file bitmap); at
 * completion the bitmaps are written.  No page record ever enters the
 * stream.
 *
 * Destination: after each MEM_SIZE entry, the header and bitmap are read
 * and the pages are read straight into guest RAM; the stream continues
 * past the page region.  Later RAM sections may hold nothing but EOS.
 *
 * Page I/O goes through the main channel's fd, or, with the direct-io
 * parameter, through a second fd of the same file opened with O_DIRECT.
 */
#ifndef MIGRATION_RAM_MAPPED_H
#define MIGRATION_RAM_MAPPED_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "migration/qemu-file.h"

typedef struct RAMBlock RAMBlock;
typedef struct RamMappedSave RamMappedSave;

/* The flags no RAM section of a mapped-ram stream may carry. */
#define RAM_MAPPED_INVALID_FLAGS                                        \
    (RAM_SAVE_FLAG_ZERO | RAM_SAVE_FLAG_PAGE | RAM_SAVE_FLAG_XBZRLE |   \
     RAM_SAVE_FLAG_HOOK | RAM_SAVE_FLAG_MULTIFD_FLUSH)

/*
 * Source, migration thread.  A saver for nr_blocks blocks writing to the
 * file behind f (which must be a seekable file: channel); opens the
 * O_DIRECT page fd when direct-io is on.  NULL with errp set.
 */
RamMappedSave *ram_mapped_save_new(QEMUFile *f, size_t nr_blocks,
                                   GError **errp);
void ram_mapped_save_free(RamMappedSave *ms);
/*
 * Right after block i's MEM_SIZE entry: write its header at the stream's
 * file offset and move the stream past the block's page region.
 */
bool ram_mapped_save_block(RamMappedSave *ms, QEMUFile *f, size_t i,
                           RAMBlock *rb, GError **errp);
/*
 * Write the pages of `dirty` (bits of word wi of block i) to their slots;
 * pages in `zero`, or found zero when zero_detect, are not written but
 * cleared in the file bitmap.  Pages adjoining the previous call's are
 * gathered into one run (written when it reaches 4 MiB, when a page does
 * not adjoin, or at completion).  Returns the bytes to be written; an
 * earlier I/O error is set on f (so the migration fails with it).  Counts
 * normal and zero pages in mig_stats.
 */
uint64_t ram_mapped_save_word(RamMappedSave *ms, QEMUFile *f, size_t i,
                              size_t wi, unsigned long dirty,
                              unsigned long zero, bool zero_detect);
/* Completion, before the END section's EOS: the last run, then, once
 * every write is done, every block's bitmap. */
bool ram_mapped_save_complete(RamMappedSave *ms, GError **errp);

/*
 * Destination, incoming thread: right after the MEM_SIZE entry of the
 * local block rb (`name` on the wire, for messages), read its header,
 * bitmap and pages from the file behind f and continue the stream after
 * the page region.
 */
bool ram_mapped_load_block(QEMUFile *f, RAMBlock *rb, const char *name,
                           GError **errp);
/* A RAM record's flags in a mapped-ram load: false with QEMU's
 * "Unexpected RAM flags" for any of RAM_MAPPED_INVALID_FLAGS. */
bool ram_mapped_load_flags_ok(uint64_t flags, GError **errp);

#endif /* MIGRATION_RAM_MAPPED_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM integrity digests (issue 10, docs/devel/migration/ram-digest.rst):
 * a 128-bit XXH3 tree hash of a RAM block or of a physical range, kept per
 * page so that it can be brought up to date by rehashing only the pages
 * that were dirtied since the last update.
 *
 * Definition (what both sides of a migration must compute alike):
 *   page hash   XXH3-128 of the 4 KiB page (a page the written bitmap says
 *               was never written is not read: it hashes as a zero page)
 *   chunk hash  XXH3-128 of the canonical (big-endian, 16-byte) hashes of
 *               the RAM_DIGEST_CHUNK_PAGES pages of a 256 KiB chunk (the
 *               last chunk may hold fewer)
 *   digest      XXH3-128 of be64 length, be32 page size, be32 pages per
 *               chunk, then the canonical chunk hashes in order
 * A physical range is hashed the same way over its pages (RAM pages by
 * content, anything else as zeros), so a range that covers exactly one
 * RAM block has that block's digest.
 *
 * Threads: a RamDigestBlock belongs to one user at a time (the RAM saver's
 * thread, or the loader); mark and update must not run concurrently with
 * each other.  update() may fan the hashing out to worker threads; the
 * result does not depend on their number.  Reading guest RAM while the VM
 * runs gives a digest of a torn snapshot: only a digest taken while the VM
 * is stopped is a statement about one moment.
 */
#ifndef MIGRATION_RAM_DIGEST_H
#define MIGRATION_RAM_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "system/memory.h"

#define RAM_DIGEST_PAGE_SIZE        4096u
#define RAM_DIGEST_CHUNK_PAGES      64u     /* 256 KiB chunks */
#define RAM_DIGEST_CHUNK_SIZE       (RAM_DIGEST_PAGE_SIZE * \
                                     RAM_DIGEST_CHUNK_PAGES)
#define RAM_DIGEST_HASH_BYTES       16u
/* 32 hex digits and a NUL. */
#define RAM_DIGEST_HEX_SIZE         (2 * RAM_DIGEST_HASH_BYTES + 1)
/* Upper bound on a block's length accepted from a stream (1 TiB). */
#define RAM_DIGEST_MAX_LENGTH       (UINT64_C(1) << 40)

/* A 128-bit hash in canonical form: big-endian high then low 64 bits. */
typedef struct RamDigestHash {
    uint8_t bytes[RAM_DIGEST_HASH_BYTES];
} RamDigestHash;

/* Lower-case hex of the canonical bytes (what `xxhsum -H2` prints). */
void ram_digest_hash_to_hex(const RamDigestHash *h,
                            char out[RAM_DIGEST_HEX_SIZE]);
bool ram_digest_hash_equal(const RamDigestHash *a, const RamDigestHash *b);

/* The hash of one page of zeros (computed once). */
const RamDigestHash *ram_digest_zero_page_hash(void);

/* ---- a digest over a sequence of pages (ranges, whole blocks) ---- */

/*
 * Streaming form of the definition above for a known total length
 * (a multiple of RAM_DIGEST_PAGE_SIZE): add the pages in order, then
 * finish.  Used for physical ranges; the block engine below gives the
 * same result for the same bytes.
 */
typedef struct RamDigestStream RamDigestStream;
RamDigestStream *ram_digest_stream_new(uint64_t length);
/* page == NULL: a page of zeros (not read). */
void ram_digest_stream_add_page(RamDigestStream *st, const void *page);
/*
 * Write the digest to *out and free st.  Fails (and frees st) if the
 * pages added do not make up the length given to new().
 */
bool ram_digest_stream_finish(RamDigestStream *st, RamDigestHash *out,
                              GError **errp);

/* ---- the incremental digest of one RAM block ---- */

typedef struct RamDigestBlock RamDigestBlock;

/*
 * Track the memory [host, host + length) (length a non-zero multiple of
 * RAM_DIGEST_PAGE_SIZE).  written: one bit per page, set for pages that
 * may hold data; NULL means every page may.  Neither is copied: both must
 * outlive the RamDigestBlock.  Every page starts dirty.
 */
RamDigestBlock *ram_digest_block_new(const char *name, const void *host,
                                     uint64_t length,
                                     const unsigned long *written);
/* Track a RAM block (its name, host mapping and written bitmap). */
RamDigestBlock *ram_digest_block_new_for(RAMBlock *rb);
void ram_digest_block_free(RamDigestBlock *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RamDigestBlock, ram_digest_block_free)

const char *ram_digest_block_name(const RamDigestBlock *b);
uint64_t ram_digest_block_length(const RamDigestBlock *b);

/*
 * Mark pages for rehashing: OR a per-page bitmap (bit n = page n, as the
 * dirty bitmaps of include/system/memory.h) or a byte range.
 */
void ram_digest_block_mark_dirty(RamDigestBlock *b,
                                 const unsigned long *bitmap);
void ram_digest_block_mark_dirty_range(RamDigestBlock *b, uint64_t offset,
                                       uint64_t len);
void ram_digest_block_mark_all_dirty(RamDigestBlock *b);
/* Forget every dirty mark (nothing is rehashed). */
void ram_digest_block_clear_dirty(RamDigestBlock *b);

/*
 * Store the hash of the page at offset (page aligned) computed from data
 * (NULL: a page of zeros) instead of from the tracked memory: the page
 * as it was at some moment, e.g. the buffer a postcopy destination
 * placed.  The page is no longer dirty; its chunk is recombined at the
 * next update, which does not read the page.
 */
void ram_digest_block_set_page(RamDigestBlock *b, uint64_t offset,
                               const void *data);
/* Pages waiting to be rehashed. */
uint64_t ram_digest_block_dirty_pages(const RamDigestBlock *b);

/*
 * Rehash the dirty pages on `threads` threads (1: the caller's only) and
 * recombine the chunks they belong to.  Returns the number of pages that
 * were read (never-written pages are not).
 */
uint64_t ram_digest_block_update(RamDigestBlock *b, unsigned threads);

/* The digest; the block must have been updated (no dirty page). */
void ram_digest_block_digest(const RamDigestBlock *b, RamDigestHash *out);

/* ---- what the source sends and the destination checks ---- */

/*
 * A block's digest with the detail that lets the destination locate the
 * first bad page: every chunk hash, and a 32-bit fingerprint of every
 * page (the first four canonical bytes of its hash).
 */
typedef struct RamDigestRecord {
    char *name;
    uint64_t length;
    RamDigestHash digest;
    uint64_t n_chunks;
    RamDigestHash *chunks;
    uint64_t n_pages;
    uint32_t *page_fp;
} RamDigestRecord;

/* The record of an updated block (free with ram_digest_record_free). */
RamDigestRecord *ram_digest_block_record(const RamDigestBlock *b);
void ram_digest_record_free(RamDigestRecord *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RamDigestRecord, ram_digest_record_free)

/*
 * Destination: update b and compare it with the source's record.  On a
 * mismatch the error names the block and the first bad page (offset and
 * index) — found by comparing chunk hashes, then page fingerprints.
 */
bool ram_digest_block_check(RamDigestBlock *b, const RamDigestRecord *expect,
                            unsigned threads, GError **errp);

/* Where a check found the first difference. */
typedef enum RamDigestWhereKind {
    RAM_DIGEST_WHERE_NONE,      /* no difference */
    RAM_DIGEST_WHERE_BLOCK,     /* the block itself (name, length) */
    RAM_DIGEST_WHERE_PAGE,      /* the page first_page (== last_page) */
    RAM_DIGEST_WHERE_CHUNK,     /* pages first..last, page not located */
} RamDigestWhereKind;

typedef struct RamDigestWhere {
    RamDigestWhereKind kind;
    uint64_t first_page;
    uint64_t last_page;
} RamDigestWhere;

/* ram_digest_block_check() that also says where (where may be NULL). */
bool ram_digest_block_check_where(RamDigestBlock *b,
                                  const RamDigestRecord *expect,
                                  unsigned threads, RamDigestWhere *where,
                                  GError **errp);

/*
 * Wire form of a record (big-endian, docs/devel/migration/ram-digest.rst):
 * u8 name length, name, be64 length, be32 page size, be32 pages per chunk,
 * digest, chunk hashes, be32 page fingerprints.
 */
void ram_digest_record_encode(const RamDigestRecord *r, GByteArray *out);
/*
 * Parse one record from buf[0..len): every length is checked against
 * what is left, the geometry against the constants above, and the digest
 * against the chunk hashes.  *consumed gets the bytes used.  NULL with
 * errp set on any problem.
 */
RamDigestRecord *ram_digest_record_decode(const uint8_t *buf, size_t len,
                                          size_t *consumed, GError **errp);

/* ---- the physical address space (x-query-ram-digest) ---- */

/*
 * Digest of the physical range [start, start + length), both page
 * aligned, length non-zero: RAM pages by content, MMIO and unmapped pages
 * as zeros (MMIO is never read).  Any thread.
 */
bool ram_digest_phys_range(hwaddr start, uint64_t length, RamDigestHash *out,
                           GError **errp);

#endif /* MIGRATION_RAM_DIGEST_H */

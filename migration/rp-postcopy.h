/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Return-path codecs for the postcopy messages (spec/migration-wire-format.md
 * 5.2, 5.3.3-5.3.5): REQ_PAGES_ID, REQ_PAGES, RECV_BITMAP (+ its raw
 * bitmap block and end mark) and RESUME_ACK.
 *
 * Pure functions over byte buffers: the return-path thread (source) reads
 * the be16 type / be16 len framing and hands the payload here; the
 * destination builds whole framed messages into a GByteArray and writes
 * them under its return-path lock. Every decoder checks every length,
 * because the bytes come from the other host.
 *
 * The message type numbers repeat the spec's table under this module's
 * prefix so the codecs do not depend on the return-path thread's header.
 */
#ifndef MIGRATION_RP_POSTCOPY_H
#define MIGRATION_RP_POSTCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "migration/qemu-file.h"

#define RP_POSTCOPY_MSG_REQ_PAGES_ID   3
#define RP_POSTCOPY_MSG_REQ_PAGES      4
#define RP_POSTCOPY_MSG_RECV_BITMAP    5
#define RP_POSTCOPY_MSG_RESUME_ACK     6

/* MIGRATION_RESUME_ACK_VALUE: the only accepted RESUME_ACK value. */
#define RP_POSTCOPY_RESUME_ACK_VALUE   1u
/* RAMBLOCK_RECV_BITMAP_ENDING: the mark after a received bitmap. */
#define RP_POSTCOPY_RECV_BITMAP_ENDING 0x0123456789abcdefULL

/* A decoded page request. */
typedef struct RpPageRequest {
    bool has_name;              /* REQ_PAGES_ID */
    char name[256];             /* NUL-terminated block idstr if has_name */
    uint64_t start;             /* byte offset inside the block */
    uint32_t len;               /* bytes */
} RpPageRequest;

/*
 * Append one framed page request to out: REQ_PAGES_ID (with the block
 * name) when *last_block is NULL or names another block, else REQ_PAGES
 * (5.3.3). *last_block is the caller's "previous block" state: it is
 * replaced by a copy of block (g_free'd by the caller; set it to NULL to
 * force a name, e.g. after postcopy resumes). Fails (nothing appended) for
 * an empty name or one longer than 255 bytes.
 */
bool rp_postcopy_encode_page_request(GByteArray *out, char **last_block,
                                     const char *block, uint64_t start,
                                     uint32_t len, GError **errp);

/*
 * Decode the payload of a REQ_PAGES_ID (type 3) or REQ_PAGES (type 4)
 * message of `len` bytes. Checks the exact length (12, or 13 + name
 * length) and a non-empty name. The block-name carry-over of REQ_PAGES is
 * the caller's (postcopy-src.h).
 */
bool rp_postcopy_decode_page_request(uint16_t type, const uint8_t *payload,
                                     size_t len, RpPageRequest *out,
                                     GError **errp);

/* Bytes of the little-endian bitmap for nbits pages: ceil(nbits/8)
 * rounded up to a multiple of 8 (5.3.5). */
uint64_t rp_postcopy_recv_bitmap_size(uint64_t nbits);

/*
 * Append the RECV_BITMAP message for block and its raw block: framing,
 * str8 name, be64 size, the bitmap as little-endian 64-bit words (bit k =
 * page k; padding bits zero) and the end mark. bitmap holds at least
 * ceil(nbits / BITS_PER_LONG) host-order unsigned longs.
 */
bool rp_postcopy_encode_recv_bitmap(GByteArray *out, const char *block,
                                    const unsigned long *bitmap,
                                    uint64_t nbits, GError **errp);

/* Decode a RECV_BITMAP payload (str8 name, len = 1 + N, N >= 1). */
bool rp_postcopy_decode_recv_bitmap_msg(const uint8_t *payload, size_t len,
                                        char name[256], GError **errp);

/*
 * Decode the raw block that follows a RECV_BITMAP message, from a buffer
 * of avail bytes: be64 size (must equal rp_postcopy_recv_bitmap_size(
 * nbits), "bitmap size mismatch"), the bitmap, the end mark ("end mark
 * incorrect"). Fills bitmap (ceil(nbits / BITS_PER_LONG) words, bits past
 * nbits cleared) and *consumed.
 */
bool rp_postcopy_decode_recv_bitmap_data(const uint8_t *buf, size_t avail,
                                         uint64_t nbits,
                                         unsigned long *bitmap,
                                         size_t *consumed, GError **errp);

/* The same, reading the raw block from the return path (source side). */
bool rp_postcopy_read_recv_bitmap_data(QEMUFile *rp, uint64_t nbits,
                                       unsigned long *bitmap, GError **errp);

/* Append a framed RESUME_ACK(value). */
void rp_postcopy_encode_resume_ack(GByteArray *out, uint32_t value);
/* Decode a RESUME_ACK payload: length 4 and value 1, else an error. */
bool rp_postcopy_decode_resume_ack(const uint8_t *payload, size_t len,
                                   GError **errp);

#endif /* MIGRATION_RP_POSTCOPY_H */

/*
 * XBZRLE: a page sent as the difference to the copy sent earlier
 * (spec/migration-wire-format.md 3.7).
 *
 * The encoding is a sequence of pairs "uleb(zrun) uleb(nzrun)
 * bytes[nzrun]": skip zrun unchanged bytes, replace the next nzrun bytes.
 * Runs are maximal, only the first zrun may be 0, the unchanged tail is
 * not encoded, and each uleb is one or two bytes (values up to 0x3fff).
 *
 * Pure functions over caller-owned buffers; any thread.
 */
#ifndef MIGRATION_XBZRLE_H
#define MIGRATION_XBZRLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

/* Largest value a two-byte uleb can carry, hence the largest page. */
#define XBZRLE_MAX_RUN 0x3fff
/* The byte after an XBZRLE record's block reference (wire 3.4). */
#define ENCODING_FLAG_XBZRLE 0x01

/*
 * Encode the change from old_page to new_page (both len bytes, len <=
 * XBZRLE_MAX_RUN so that any run fits) into dst, which has room for
 * dst_len bytes.
 * Returns the encoded length (0 when the pages are equal), or -1 when the
 * encoding would exceed dst_len (the caller sends the page whole).
 */
int xbzrle_encode(const uint8_t *old_page, const uint8_t *new_page,
                  size_t len, uint8_t *dst, size_t dst_len);

/*
 * Apply the encoded delta src[0..src_len) to page (page_len bytes) in
 * place. Every length and offset is checked before use (the bytes come
 * from the network); returns false with errp naming the violation and
 * where it was found. On failure the page may be partly updated.
 */
bool xbzrle_decode(const uint8_t *src, size_t src_len, uint8_t *page,
                   size_t page_len, GError **errp);

#endif /* MIGRATION_XBZRLE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XBZRLE delta encoding of one page (spec/migration-wire-format.md 3.7).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/xbzrle.h"

/* ---- small ULEB128 (one or two bytes) ---- */

static size_t uleb_size(uint32_t v)
{
    return v < 0x80 ? 1 : 2;
}

static size_t uleb_put(uint8_t *dst, uint32_t v)
{
    if (v < 0x80) {
        dst[0] = v;
        return 1;
    }
    dst[0] = 0x80 | (v & 0x7f);
    dst[1] = v >> 7;
    return 2;
}

/*
 * Read one small uleb from src[0..avail). Returns the bytes used, or 0
 * when it is cut off or longer than two bytes.
 */
static size_t uleb_get(const uint8_t *src, size_t avail, uint32_t *v)
{
    if (avail < 1) {
        return 0;
    }
    if (!(src[0] & 0x80)) {
        *v = src[0];
        return 1;
    }
    if (avail < 2 || (src[1] & 0x80)) {
        return 0;
    }
    *v = (src[0] & 0x7f) | ((uint32_t)src[1] << 7);
    return 2;
}

/* ---- encoder ---- */

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* First index >= i where the pages differ, or len. */
static size_t skip_equal(const uint8_t *a, const uint8_t *b, size_t i,
                         size_t len)
{
    while (i + 8 <= len && load64(a + i) == load64(b + i)) {
        i += 8;
    }
    while (i < len && a[i] == b[i]) {
        i++;
    }
    return i;
}

/* First index >= i where the pages are equal, or len. */
static size_t skip_different(const uint8_t *a, const uint8_t *b, size_t i,
                             size_t len)
{
    const uint64_t ones = 0x0101010101010101ULL;
    const uint64_t highs = 0x8080808080808080ULL;

    /* Whole words whose eight bytes all differ: no zero byte in a ^ b. */
    while (i + 8 <= len) {
        uint64_t x = load64(a + i) ^ load64(b + i);

        if ((x - ones) & ~x & highs) {
            break;
        }
        i += 8;
    }
    while (i < len && a[i] != b[i]) {
        i++;
    }
    return i;
}

int xbzrle_encode(const uint8_t *old_page, const uint8_t *new_page,
                  size_t len, uint8_t *dst, size_t dst_len)
{
    size_t i = 0;
    size_t d = 0;

    assert(len <= XBZRLE_MAX_RUN);
    while (i < len) {
        size_t zstart = i;
        size_t nzstart;
        uint32_t zrun, nzrun;

        i = skip_equal(old_page, new_page, i, len);
        if (i == len) {
            break;              /* the unchanged tail is not encoded */
        }
        zrun = i - zstart;
        nzstart = i;
        i = skip_different(old_page, new_page, i, len);
        nzrun = i - nzstart;

        if (uleb_size(zrun) + uleb_size(nzrun) + nzrun > dst_len - d) {
            return -1;
        }
        d += uleb_put(dst + d, zrun);
        d += uleb_put(dst + d, nzrun);
        memcpy(dst + d, new_page + nzstart, nzrun);
        d += nzrun;
    }
    return d;
}

/* ---- decoder: every byte is untrusted ---- */

bool xbzrle_decode(const uint8_t *src, size_t src_len, uint8_t *page,
                   size_t page_len, GError **errp)
{
    size_t i = 0;
    size_t p = 0;

    while (i < src_len) {
        size_t pair_start = i;
        uint32_t zrun, nzrun;
        size_t used;

        if (src_len - i < 2) {
            error_setg(errp, "XBZRLE: encoded data ends inside the run at "
                       "byte %zu of %zu", i, src_len);
            return false;
        }
        used = uleb_get(src + i, src_len - i, &zrun);
        if (!used) {
            error_setg(errp, "XBZRLE: bad unchanged-run length at byte %zu",
                       i);
            return false;
        }
        i += used;
        if (zrun == 0 && pair_start != 0) {
            error_setg(errp, "XBZRLE: empty unchanged run at byte %zu",
                       pair_start);
            return false;
        }
        if (zrun > page_len - p) {
            error_setg(errp, "XBZRLE: unchanged run of %u bytes at page "
                       "offset %zu passes the page end (%zu)", zrun, p,
                       page_len);
            return false;
        }
        p += zrun;

        if (src_len - i < 2) {
            error_setg(errp, "XBZRLE: encoded data ends inside the run at "
                       "byte %zu of %zu", i, src_len);
            return false;
        }
        used = uleb_get(src + i, src_len - i, &nzrun);
        if (!used) {
            error_setg(errp, "XBZRLE: bad changed-run length at byte %zu", i);
            return false;
        }
        i += used;
        if (nzrun == 0) {
            error_setg(errp, "XBZRLE: empty changed run at byte %zu",
                       i - used);
            return false;
        }
        if (nzrun > page_len - p) {
            error_setg(errp, "XBZRLE: changed run of %u bytes at page "
                       "offset %zu passes the page end (%zu)", nzrun, p,
                       page_len);
            return false;
        }
        if (nzrun > src_len - i) {
            error_setg(errp, "XBZRLE: changed run of %u bytes at byte %zu "
                       "passes the end of the encoded data (%zu)", nzrun, i,
                       src_len);
            return false;
        }
        memcpy(page + p, src + i, nzrun);
        p += nzrun;
        i += nzrun;
    }
    return true;
}

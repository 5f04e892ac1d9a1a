/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Return-path codecs for the postcopy messages (wire-format 5.3.3-5.3.5).
 * See rp-postcopy.h.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/rp-postcopy.h"

#define RP_REQ_FIXED_LEN  12    /* be64 start + be32 length */

#ifndef BITS_PER_LONG
#define BITS_PER_LONG (sizeof(unsigned long) * 8)
#endif

static void put_be16(GByteArray *out, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v };

    g_byte_array_append(out, b, sizeof(b));
}

static void put_be32(GByteArray *out, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(out, b, sizeof(b));
}

static void put_be64(GByteArray *out, uint64_t v)
{
    put_be32(out, v >> 32);
    put_be32(out, (uint32_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return ((uint64_t)get_be32(p) << 32) | get_be32(p + 4);
}

static bool check_block_name(const char *block, GError **errp)
{
    size_t n = block ? strlen(block) : 0;

    if (n == 0 || n > 255) {
        error_setg(errp, "RAM block name '%s' cannot travel on the return "
                   "path (length %zu, must be 1..255)", block ? block : "",
                   n);
        return false;
    }
    return true;
}

bool rp_postcopy_encode_page_request(GByteArray *out, char **last_block,
                                     const char *block, uint64_t start,
                                     uint32_t len, GError **errp)
{
    bool same;
    size_t n;

    if (!check_block_name(block, errp)) {
        return false;
    }
    same = *last_block && strcmp(*last_block, block) == 0;
    if (same) {
        put_be16(out, RP_POSTCOPY_MSG_REQ_PAGES);
        put_be16(out, RP_REQ_FIXED_LEN);
        put_be64(out, start);
        put_be32(out, len);
        return true;
    }
    n = strlen(block);
    put_be16(out, RP_POSTCOPY_MSG_REQ_PAGES_ID);
    put_be16(out, RP_REQ_FIXED_LEN + 1 + n);
    put_be64(out, start);
    put_be32(out, len);
    g_byte_array_append(out, (const uint8_t *)&(uint8_t){ n }, 1);
    g_byte_array_append(out, (const uint8_t *)block, n);
    g_free(*last_block);
    *last_block = g_strdup(block);
    return true;
}

bool rp_postcopy_decode_page_request(uint16_t type, const uint8_t *payload,
                                     size_t len, RpPageRequest *out,
                                     GError **errp)
{
    size_t n;

    memset(out, 0, sizeof(*out));
    if (type == RP_POSTCOPY_MSG_REQ_PAGES) {
        if (len != RP_REQ_FIXED_LEN) {
            error_setg(errp, "Received 'REQ_PAGES' message with bad length "
                       "%zu, expecting %d", len, RP_REQ_FIXED_LEN);
            return false;
        }
    } else if (type == RP_POSTCOPY_MSG_REQ_PAGES_ID) {
        if (len < RP_REQ_FIXED_LEN + 1) {
            error_setg(errp, "Received 'REQ_PAGES_ID' message with bad "
                       "length %zu, expecting at least %d", len,
                       RP_REQ_FIXED_LEN + 2);
            return false;
        }
        n = payload[RP_REQ_FIXED_LEN];
        if (len != RP_REQ_FIXED_LEN + 1 + n) {
            error_setg(errp, "Req_Page_id with length %zu expecting %zu",
                       len, (size_t)RP_REQ_FIXED_LEN + 1 + n);
            return false;
        }
        if (n == 0) {
            error_setg(errp, "Received 'REQ_PAGES_ID' message with an empty "
                       "RAM block name");
            return false;
        }
        memcpy(out->name, payload + RP_REQ_FIXED_LEN + 1, n);
        out->name[n] = '\0';
        if (strlen(out->name) != n) {
            error_setg(errp, "Received 'REQ_PAGES_ID' message whose RAM "
                       "block name contains a NUL byte");
            return false;
        }
        out->has_name = true;
    } else {
        error_setg(errp, "Return-path message type %u is not a page request",
                   type);
        return false;
    }
    out->start = get_be64(payload);
    out->len = get_be32(payload + 8);
    return true;
}

uint64_t rp_postcopy_recv_bitmap_size(uint64_t nbits)
{
    return QEMU_ALIGN_UP(DIV_ROUND_UP(nbits, 8), 8);
}

bool rp_postcopy_encode_recv_bitmap(GByteArray *out, const char *block,
                                    const unsigned long *bitmap,
                                    uint64_t nbits, GError **errp)
{
    uint64_t size = rp_postcopy_recv_bitmap_size(nbits);
    size_t n;
    guint base;

    if (!check_block_name(block, errp)) {
        return false;
    }
    n = strlen(block);
    put_be16(out, RP_POSTCOPY_MSG_RECV_BITMAP);
    put_be16(out, 1 + n);
    g_byte_array_append(out, (const uint8_t *)&(uint8_t){ n }, 1);
    g_byte_array_append(out, (const uint8_t *)block, n);
    put_be64(out, size);

    /* Byte k/8 bit k%8 whatever the host's word size or byte order. */
    base = out->len;
    g_byte_array_set_size(out, base + size);
    memset(out->data + base, 0, size);
    for (uint64_t k = 0; k < nbits; k++) {
        if (bitmap[k / BITS_PER_LONG] & (1UL << (k % BITS_PER_LONG))) {
            out->data[base + k / 8] |= 1u << (k % 8);
        }
    }
    put_be64(out, RP_POSTCOPY_RECV_BITMAP_ENDING);
    return true;
}

bool rp_postcopy_decode_recv_bitmap_msg(const uint8_t *payload, size_t len,
                                        char name[256], GError **errp)
{
    size_t n;

    if (len < 2 || (n = payload[0]) != len - 1) {
        error_setg(errp, "Received 'RECV_BITMAP' message with bad length "
                   "%zu for its block name", len);
        return false;
    }
    memcpy(name, payload + 1, n);
    name[n] = '\0';
    if (strlen(name) != n) {
        error_setg(errp, "Received 'RECV_BITMAP' message whose RAM block "
                   "name contains a NUL byte");
        return false;
    }
    return true;
}

static void le_bytes_to_bitmap(const uint8_t *le, uint64_t nbits,
                               unsigned long *bitmap)
{
    memset(bitmap, 0, DIV_ROUND_UP(nbits, BITS_PER_LONG) *
           sizeof(unsigned long));
    for (uint64_t k = 0; k < nbits; k++) {
        if (le[k / 8] & (1u << (k % 8))) {
            bitmap[k / BITS_PER_LONG] |= 1UL << (k % BITS_PER_LONG);
        }
    }
}

static bool check_size(uint64_t got, uint64_t nbits, GError **errp)
{
    uint64_t want = rp_postcopy_recv_bitmap_size(nbits);

    if (got != want) {
        error_setg(errp, "Received bitmap size mismatch: got 0x%" PRIx64
                   " bytes, expected 0x%" PRIx64 " for 0x%" PRIx64 " pages",
                   got, want, nbits);
        return false;
    }
    return true;
}

static bool check_end(uint64_t mark, GError **errp)
{
    if (mark != RP_POSTCOPY_RECV_BITMAP_ENDING) {
        error_setg(errp, "Received bitmap end mark incorrect: 0x%016" PRIx64,
                   mark);
        return false;
    }
    return true;
}

bool rp_postcopy_decode_recv_bitmap_data(const uint8_t *buf, size_t avail,
                                         uint64_t nbits,
                                         unsigned long *bitmap,
                                         size_t *consumed, GError **errp)
{
    uint64_t size;

    if (avail < 8) {
        error_setg(errp, "Received bitmap truncated before its size");
        return false;
    }
    size = get_be64(buf);
    if (!check_size(size, nbits, errp)) {
        return false;
    }
    /* size is bounded by nbits, which the caller derived locally. */
    if (avail - 8 < size || avail - 8 - size < 8) {
        error_setg(errp, "Received bitmap truncated: %zu bytes for a "
                   "0x%" PRIx64 "-byte bitmap and its end mark", avail,
                   size);
        return false;
    }
    if (!check_end(get_be64(buf + 8 + size), errp)) {
        return false;
    }
    le_bytes_to_bitmap(buf + 8, nbits, bitmap);
    *consumed = 16 + size;
    return true;
}

bool rp_postcopy_read_recv_bitmap_data(QEMUFile *rp, uint64_t nbits,
                                       unsigned long *bitmap, GError **errp)
{
    uint64_t size = qemu_get_be64(rp);
    g_autofree uint8_t *le = NULL;
    uint64_t mark;

    if (qemu_file_get_error_obj(rp, errp)) {
        error_prepend(errp, "reading the received bitmap: ");
        return false;
    }
    if (!check_size(size, nbits, errp)) {
        return false;
    }
    le = g_malloc(size ? size : 1);
    if (qemu_get_buffer(rp, le, size) != size ||
        qemu_file_get_error_obj(rp, errp)) {
        if (errp && !*errp) {
            error_setg(errp, "Received bitmap truncated");
        } else {
            error_prepend(errp, "reading the received bitmap: ");
        }
        return false;
    }
    mark = qemu_get_be64(rp);
    if (qemu_file_get_error_obj(rp, errp)) {
        error_prepend(errp, "reading the received bitmap end mark: ");
        return false;
    }
    if (!check_end(mark, errp)) {
        return false;
    }
    le_bytes_to_bitmap(le, nbits, bitmap);
    return true;
}

void rp_postcopy_encode_resume_ack(GByteArray *out, uint32_t value)
{
    put_be16(out, RP_POSTCOPY_MSG_RESUME_ACK);
    put_be16(out, 4);
    put_be32(out, value);
}

bool rp_postcopy_decode_resume_ack(const uint8_t *payload, size_t len,
                                   GError **errp)
{
    uint32_t v;

    if (len != 4) {
        error_setg(errp, "Received 'RESUME_ACK' message with bad length "
                   "%zu, expecting 4", len);
        return false;
    }
    v = get_be32(payload);
    if (v != RP_POSTCOPY_RESUME_ACK_VALUE) {
        error_setg(errp, "Received 'RESUME_ACK' with value %u, expecting %u",
                   v, RP_POSTCOPY_RESUME_ACK_VALUE);
        return false;
    }
    return true;
}

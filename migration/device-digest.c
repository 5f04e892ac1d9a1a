/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-state digests for x-ram-digest (device-digest.h).  The source
 * side runs in the migration thread, the destination side in the
 * incoming thread; each side has its own list, so the two never share.
 */
#include "qemu/osdep.h"
#include <xxhash.h>
#include "qapi/error.h"
#include "system/qtest.h"
#include "migration/options.h"
#include "migration/device-digest.h"

/* The section that carries the lists: it cannot hash itself. */
#define CARRIER_IDSTR   "ram-digest"

typedef struct SideState {
    GArray *list;               /* of DeviceDigest */
    XXH3_state_t *st;           /* the section being hashed, or NULL */
    DeviceDigest cur;
} SideState;

static SideState sides[DEVICE_DIGEST_NR_SIDES];

static void tap_update(void *opaque, const uint8_t *buf, size_t len)
{
    XXH3_128bits_update(opaque, buf, len);
}

/*
 * The test-only knob QEMU_TEST_DEVICE_DIGEST_CORRUPT=<idstr>:<offset>
 * (honoured under qtest only): flip a bit of that body byte of the
 * section in the receive buffer, before anything hashes or parses it --
 * as if it had been corrupted in flight.
 */
static void test_corrupt(QEMUFile *f, const char *idstr)
{
    g_auto(GStrv) parts = NULL;
    const char *env;
    uint64_t off;
    uint8_t *p;

    if (!qtest_enabled()) {
        return;
    }
    env = g_getenv("QEMU_TEST_DEVICE_DIGEST_CORRUPT");
    if (!env) {
        return;
    }
    parts = g_strsplit(env, ":", 2);
    if (!parts[0] || !parts[1] || strcmp(parts[0], idstr)) {
        return;
    }
    off = g_ascii_strtoull(parts[1], NULL, 0);
    if (off < 64 && qemu_peek_buffer(f, &p, 1, off) == 1) {
        *p ^= 0x01;
    }
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

void device_digest_begin(DeviceDigestSide side, QEMUFile *f,
                         const char *idstr, uint32_t instance_id,
                         uint32_t version_id)
{
    SideState *s = &sides[side];
    uint8_t ids[8];
    uint8_t len = strlen(idstr);

    if (side == DEVICE_DIGEST_DST) {
        test_corrupt(f, idstr);
    }
    if (!migrate_ram_digest() || !strcmp(idstr, CARRIER_IDSTR)) {
        return;
    }
    if (!s->st) {
        s->st = XXH3_createState();
    }
    XXH3_128bits_reset(s->st);
    /* The identity as the header encodes it: a renamed or re-versioned
     * section must not hash like the original. */
    XXH3_128bits_update(s->st, &len, 1);
    XXH3_128bits_update(s->st, idstr, len);
    put_be32(ids, instance_id);
    put_be32(ids + 4, version_id);
    XXH3_128bits_update(s->st, ids, sizeof(ids));
    memset(&s->cur, 0, sizeof(s->cur));
    g_strlcpy(s->cur.idstr, idstr, sizeof(s->cur.idstr));
    s->cur.instance_id = instance_id;
    qemu_file_set_tap(f, tap_update, s->st);
}

void device_digest_end(DeviceDigestSide side, QEMUFile *f)
{
    SideState *s = &sides[side];

    if (!s->cur.idstr[0]) {
        return;                 /* begin did not hash this section */
    }
    qemu_file_set_tap(f, NULL, NULL);
    XXH128_canonicalFromHash((XXH128_canonical_t *)s->cur.hash.bytes,
                             XXH3_128bits_digest(s->st));
    if (!s->list) {
        s->list = g_array_new(false, false, sizeof(DeviceDigest));
    }
    g_array_append_val(s->list, s->cur);
    s->cur.idstr[0] = 0;
}

void device_digest_reset(DeviceDigestSide side)
{
    SideState *s = &sides[side];

    g_clear_pointer(&s->list, g_array_unref);
    g_clear_pointer(&s->st, XXH3_freeState);
    s->cur.idstr[0] = 0;
}

const GArray *device_digest_list(DeviceDigestSide side)
{
    return sides[side].list;
}

/* ---- wire form ---- */

void device_digest_encode(const GArray *list, GByteArray *out)
{
    guint n = list ? list->len : 0;
    uint8_t be[4];

    put_be32(be, n);
    g_byte_array_append(out, be, 4);
    for (guint i = 0; i < n; i++) {
        const DeviceDigest *d = &g_array_index(list, DeviceDigest, i);
        uint8_t len = strlen(d->idstr);

        g_byte_array_append(out, &len, 1);
        g_byte_array_append(out, (const uint8_t *)d->idstr, len);
        put_be32(be, d->instance_id);
        g_byte_array_append(out, be, 4);
        g_byte_array_append(out, d->hash.bytes, RAM_DIGEST_HASH_BYTES);
    }
}

GArray *device_digest_decode(const uint8_t *buf, size_t len, GError **errp)
{
    g_autoptr(GArray) list = g_array_new(false, false, sizeof(DeviceDigest));
    size_t pos = 4;
    uint32_t n;

    if (len < 4) {
        error_setg(errp, "device-state digest list: %zu bytes, shorter "
                   "than its count", len);
        return NULL;
    }
    n = get_be32(buf);
    if (n > DEVICE_DIGEST_MAX_SECTIONS) {
        error_setg(errp, "device-state digest list: %" PRIu32 " sections "
                   "(at most %u)", n, DEVICE_DIGEST_MAX_SECTIONS);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        DeviceDigest d = { 0 };
        uint8_t slen;

        if (pos + 1 > len) {
            goto short_list;
        }
        slen = buf[pos++];
        if (slen == 0) {
            error_setg(errp, "device-state digest %" PRIu32 ": empty "
                       "section name", i);
            return NULL;
        }
        if (pos + slen + 4 + RAM_DIGEST_HASH_BYTES > len) {
            goto short_list;
        }
        memcpy(d.idstr, buf + pos, slen);
        if (memchr(d.idstr, 0, slen)) {
            error_setg(errp, "device-state digest %" PRIu32 ": section name "
                       "contains a NUL byte", i);
            return NULL;
        }
        pos += slen;
        d.instance_id = get_be32(buf + pos);
        pos += 4;
        memcpy(d.hash.bytes, buf + pos, RAM_DIGEST_HASH_BYTES);
        pos += RAM_DIGEST_HASH_BYTES;
        g_array_append_val(list, d);
    }
    if (pos != len) {
        error_setg(errp, "device-state digest list: %zu bytes framed, %zu "
                   "used", len, pos);
        return NULL;
    }
    return g_steal_pointer(&list);

short_list:
    error_setg(errp, "device-state digest list: %zu bytes framed, too few "
               "for its %" PRIu32 " sections", len, n);
    return NULL;
}

/* ---- the comparison ---- */

bool device_digest_compare(const GArray *src, const GArray *dst,
                           GError **errp)
{
    guint ns = src ? src->len : 0;
    guint nd = dst ? dst->len : 0;

    for (guint i = 0; i < MAX(ns, nd); i++) {
        const DeviceDigest *s = i < ns ? &g_array_index(src, DeviceDigest, i)
                                       : NULL;
        const DeviceDigest *d = i < nd ? &g_array_index(dst, DeviceDigest, i)
                                       : NULL;
        char hs[RAM_DIGEST_HEX_SIZE], hd[RAM_DIGEST_HEX_SIZE];

        if (!d) {
            error_setg(errp, "device state mismatch: the source sent section "
                       "'%s' instance %" PRIu32 ", which was not loaded here",
                       s->idstr, s->instance_id);
            return false;
        }
        if (!s) {
            error_setg(errp, "device state mismatch: section '%s' instance "
                       "%" PRIu32 " was loaded here but the source did not "
                       "send it", d->idstr, d->instance_id);
            return false;
        }
        if (strcmp(s->idstr, d->idstr) || s->instance_id != d->instance_id) {
            error_setg(errp, "device state mismatch: section %u is '%s' "
                       "instance %" PRIu32 " here, the source sent '%s' "
                       "instance %" PRIu32, i, d->idstr, d->instance_id,
                       s->idstr, s->instance_id);
            return false;
        }
        if (!ram_digest_hash_equal(&s->hash, &d->hash)) {
            ram_digest_hash_to_hex(&d->hash, hd);
            ram_digest_hash_to_hex(&s->hash, hs);
            error_setg(errp, "device state mismatch in section '%s' instance "
                       "%" PRIu32 ": digest %s, source sent %s", d->idstr,
                       d->instance_id, hd, hs);
            return false;
        }
    }
    return true;
}

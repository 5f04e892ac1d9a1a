/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM_DISCARD payloads: generation from a dirty bitmap (source) and
 * decoding (destination). See postcopy-discard.h.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/postcopy-bits.h"
#include "migration/postcopy-discard.h"

#define DISCARD_VERSION 0

typedef struct DiscardBuilder {
    uint8_t buf[3 + 255 + 16 * POSTCOPY_DISCARD_MAX_RANGES];
    size_t hdr_len;             /* version, str8 name, 0x00 */
    size_t nr;                  /* ranges in buf */
} DiscardBuilder;

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static bool builder_flush(DiscardBuilder *b, PostcopyDiscardSendFn *send,
                          void *opaque, int *sent, GError **errp)
{
    if (!b->nr) {
        return true;
    }
    if (!send(opaque, b->buf, b->hdr_len + 16 * b->nr, errp)) {
        return false;
    }
    b->nr = 0;
    (*sent)++;
    return true;
}

int postcopy_discard_send_block(const char *block,
                                const unsigned long *dirty, uint64_t nbits,
                                uint64_t page_size,
                                PostcopyDiscardSendFn *send, void *opaque,
                                GError **errp)
{
    DiscardBuilder b = { .nr = 0 };
    size_t n = block ? strlen(block) : 0;
    uint64_t run_start, run_end = 0;
    int sent = 0;

    if (n == 0 || n > 255) {
        error_setg(errp, "RAM block name '%s' cannot be sent in a discard "
                   "command (length %zu, must be 1..255)",
                   block ? block : "", n);
        return -1;
    }
    b.buf[0] = DISCARD_VERSION;
    b.buf[1] = (uint8_t)n;
    memcpy(b.buf + 2, block, n);
    b.buf[2 + n] = 0;
    b.hdr_len = 3 + n;

    while ((run_start = pc_find_next(dirty, nbits, run_end, true)) < nbits) {
        uint8_t *r;

        run_end = pc_find_next(dirty, nbits, run_start, false);
        r = b.buf + b.hdr_len + 16 * b.nr;
        put_be64(r, run_start * page_size);
        put_be64(r + 8, (run_end - run_start) * page_size);
        if (++b.nr == POSTCOPY_DISCARD_MAX_RANGES &&
            !builder_flush(&b, send, opaque, &sent, errp)) {
            return -1;
        }
    }
    if (!builder_flush(&b, send, opaque, &sent, errp)) {
        return -1;
    }
    return sent;
}

bool postcopy_discard_decode(const uint8_t *payload, size_t len,
                             PostcopyDiscardCmd *out, GError **errp)
{
    size_t n, rest;

    memset(out, 0, sizeof(*out));
    if (len < POSTCOPY_DISCARD_MIN_LEN) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD invalid length (%zu)",
                   len);
        return false;
    }
    if (payload[0] != DISCARD_VERSION) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD invalid version (%u)",
                   payload[0]);
        return false;
    }
    n = payload[1];
    if (n == 0 || 2 + n + 1 > len) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD: block name length %zu "
                   "does not fit the %zu-byte command", n, len);
        return false;
    }
    memcpy(out->name, payload + 2, n);
    out->name[n] = '\0';
    if (strlen(out->name) != n) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD: block name contains a "
                   "NUL byte");
        return false;
    }
    if (payload[2 + n] != 0) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD missing nil (0x%02x)",
                   payload[2 + n]);
        return false;
    }
    rest = len - (3 + n);
    if (rest == 0 || rest % 16) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD invalid length (%zu): "
                   "%zu bytes of ranges is not a non-zero multiple of 16",
                   len, rest);
        return false;
    }
    out->nr_ranges = rest / 16;
    out->ranges = payload + 3 + n;
    return true;
}

void postcopy_discard_range(const PostcopyDiscardCmd *cmd, size_t i,
                            uint64_t *start, uint64_t *length)
{
    assert(i < cmd->nr_ranges);
    *start = get_be64(cmd->ranges + 16 * i);
    *length = get_be64(cmd->ranges + 16 * i + 8);
}

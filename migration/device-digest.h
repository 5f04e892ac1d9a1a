/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-ram-digest's device-state half (docs/interop/ram-digest.rst, "Device
 * state"): one XXH3-128 per FULL device section, taken over the section's
 * identity and every body byte as written (source) or as read
 * (destination); the source's list travels in the ram-digest section,
 * which is sent after every device section.
 */
#ifndef MIGRATION_DEVICE_DIGEST_H
#define MIGRATION_DEVICE_DIGEST_H

#include <glib.h>
#include "migration/qemu-file.h"
#include "migration/ram-digest.h"

/* Sections in one list: far more than a machine has. */
#define DEVICE_DIGEST_MAX_SECTIONS  4096u
/* The largest encoded list (be32 count, then per section). */
#define DEVICE_DIGEST_ENTRY_MAX     (1 + 255 + 4 + RAM_DIGEST_HASH_BYTES)
#define DEVICE_DIGEST_LIST_MAX      \
    (4 + DEVICE_DIGEST_MAX_SECTIONS * DEVICE_DIGEST_ENTRY_MAX)

typedef struct DeviceDigest {
    char idstr[256];
    uint32_t instance_id;
    RamDigestHash hash;
} DeviceDigest;

/* The side whose sections are hashed: source (save) or destination. */
typedef enum DeviceDigestSide {
    DEVICE_DIGEST_SRC,
    DEVICE_DIGEST_DST,
    DEVICE_DIGEST_NR_SIDES,
} DeviceDigestSide;

/*
 * Around one FULL section's body (no-op without x-ram-digest, and for
 * the ram-digest section itself): begin hashes the identity and taps f,
 * end untaps it and appends the section's digest to the side's list.
 */
void device_digest_begin(DeviceDigestSide side, QEMUFile *f,
                         const char *idstr, uint32_t instance_id,
                         uint32_t version_id);
void device_digest_end(DeviceDigestSide side, QEMUFile *f);
/* A new stream: forget the side's list (and an unfinished section). */
void device_digest_reset(DeviceDigestSide side);
/* The side's list so far, of DeviceDigest (owned by this module). */
const GArray *device_digest_list(DeviceDigestSide side);

/* The wire form of a list (appended to out) and its reader. */
void device_digest_encode(const GArray *list, GByteArray *out);
GArray *device_digest_decode(const uint8_t *buf, size_t len, GError **errp);
/*
 * Compare what the destination loaded with what the source sent, in
 * order.  The error says "device state" and names the first section
 * that differs (or is missing / unexpected).
 */
bool device_digest_compare(const GArray *src, const GArray *dst,
                           GError **errp);

#endif /* MIGRATION_DEVICE_DIGEST_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd handshake and packet codecs (wire 6.2.1-6.2.5). Everything on
 * the wire is big-endian; the layouts are written out as offsets below so
 * that a reader can hold them against the spec's tables.
 */
#include "qemu/osdep.h"

#include "migration/multifd-wire.h"
#include "qapi/error.h"

/* Handshake (MultiFDInit_t). */
enum {
    INIT_MAGIC = 0,
    INIT_VERSION = 4,
    INIT_UUID = 8,
    INIT_ID = 24,
};

/* Packet header, RAM packet and device-state packet. */
enum {
    HDR_MAGIC = 0,
    HDR_VERSION = 4,
    HDR_FLAGS = 8,

    RAM_PAGES_ALLOC = 12,
    RAM_NORMAL_PAGES = 16,
    RAM_NEXT_PACKET_SIZE = 20,
    RAM_PACKET_NUM = 24,
    RAM_ZERO_PAGES = 32,
    RAM_RAMBLOCK = 64,
    RAM_OFFSETS = MULTIFD_RAM_OFFSETS_AT,

    DEV_IDSTR = 12,
    DEV_INSTANCE_ID = 268,
    DEV_NEXT_PACKET_SIZE = 272,
};

G_STATIC_ASSERT(RAM_RAMBLOCK + MULTIFD_RAMBLOCK_NAME_SIZE == RAM_OFFSETS);
G_STATIC_ASSERT(DEV_NEXT_PACKET_SIZE + 4 == MULTIFD_DEVICE_STATE_HDR_SIZE);

static void put_be32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_BE(v);
    memcpy(p, &v, 4);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_BE(v);
    memcpy(p, &v, 8);
}

static uint32_t get_be32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return GUINT32_FROM_BE(v);
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_BE(v);
}

/*
 * Copy a fixed-size NUL-padded name field into dst (same size). The name
 * must end inside the field; empty names are the caller's business.
 */
static bool get_name_field(const uint8_t *field, char *dst, unsigned id,
                           const char *what, GError **errp)
{
    const void *nul = memchr(field, 0, MULTIFD_RAMBLOCK_NAME_SIZE);

    if (!nul) {
        error_setg(errp, "multifd channel %u: %s is not NUL-terminated "
                   "within its %u bytes", id, what,
                   MULTIFD_RAMBLOCK_NAME_SIZE);
        return false;
    }
    memcpy(dst, field, MULTIFD_RAMBLOCK_NAME_SIZE);
    return true;
}

/* ---- handshake ---- */

void multifd_init_encode(const MultiFDInit *init,
                         uint8_t out[MULTIFD_INIT_SIZE])
{
    memset(out, 0, MULTIFD_INIT_SIZE);
    put_be32(out + INIT_MAGIC, MULTIFD_MAGIC);
    put_be32(out + INIT_VERSION, MULTIFD_VERSION);
    memcpy(out + INIT_UUID, init->uuid, MULTIFD_UUID_SIZE);
    out[INIT_ID] = init->id;
}

bool multifd_init_decode(const uint8_t in[MULTIFD_INIT_SIZE],
                         const char *conn_name,
                         const uint8_t expected_uuid[MULTIFD_UUID_SIZE],
                         unsigned channels, MultiFDInit *out, GError **errp)
{
    uint32_t magic = get_be32(in + INIT_MAGIC);
    uint32_t version = get_be32(in + INIT_VERSION);

    if (magic != MULTIFD_MAGIC) {
        error_setg(errp, "%s: handshake magic 0x%08x, expected 0x%08x",
                   conn_name, magic, MULTIFD_MAGIC);
        return false;
    }
    if (version != MULTIFD_VERSION) {
        error_setg(errp, "%s: handshake version %u, expected %u",
                   conn_name, version, MULTIFD_VERSION);
        return false;
    }
    if (memcmp(in + INIT_UUID, expected_uuid, MULTIFD_UUID_SIZE) != 0) {
        char got[MULTIFD_UUID_SIZE * 2 + 1], want[MULTIFD_UUID_SIZE * 2 + 1];

        for (unsigned i = 0; i < MULTIFD_UUID_SIZE; i++) {
            snprintf(got + 2 * i, 3, "%02x", in[INIT_UUID + i]);
            snprintf(want + 2 * i, 3, "%02x", expected_uuid[i]);
        }
        error_setg(errp, "%s: handshake uuid %s differs from ours (%s); "
                   "multifd needs the same -uuid on both sides",
                   conn_name, got, want);
        return false;
    }
    if (in[INIT_ID] >= channels) {
        error_setg(errp, "%s: handshake channel id %u out of range "
                   "(multifd-channels is %u)", conn_name, in[INIT_ID],
                   channels);
        return false;
    }
    memcpy(out->uuid, in + INIT_UUID, MULTIFD_UUID_SIZE);
    out->id = in[INIT_ID];
    return true;
}

/* ---- packets ---- */

void multifd_header_encode(uint32_t flags, uint8_t out[MULTIFD_HDR_SIZE])
{
    put_be32(out + HDR_MAGIC, MULTIFD_MAGIC);
    put_be32(out + HDR_VERSION, MULTIFD_VERSION);
    put_be32(out + HDR_FLAGS, flags);
}

bool multifd_header_decode(const uint8_t in[MULTIFD_HDR_SIZE], unsigned id,
                           uint32_t *flags, GError **errp)
{
    uint32_t magic = get_be32(in + HDR_MAGIC);
    uint32_t version = get_be32(in + HDR_VERSION);
    uint32_t f = get_be32(in + HDR_FLAGS);

    if (magic != MULTIFD_MAGIC) {
        error_setg(errp, "multifd channel %u: packet magic 0x%08x, "
                   "expected 0x%08x", id, magic, MULTIFD_MAGIC);
        return false;
    }
    if (version != MULTIFD_VERSION) {
        error_setg(errp, "multifd channel %u: packet version %u, expected %u",
                   id, version, MULTIFD_VERSION);
        return false;
    }
    if (f & ~MULTIFD_FLAG_KNOWN) {
        error_setg(errp, "multifd channel %u: packet flags 0x%x have "
                   "unknown bits 0x%x", id, f, f & ~MULTIFD_FLAG_KNOWN);
        return false;
    }
    *flags = f;
    return true;
}

size_t multifd_packet_rest_size(uint32_t flags)
{
    return (flags & MULTIFD_FLAG_DEVICE_STATE ? MULTIFD_DEVICE_STATE_HDR_SIZE
                                              : MULTIFD_RAM_PACKET_SIZE)
           - MULTIFD_HDR_SIZE;
}

void multifd_ram_packet_encode(const MultiFDRamPacket *p,
                               uint8_t out[MULTIFD_RAM_PACKET_SIZE])
{
    uint32_t used = p->normal_pages + p->zero_pages;

    g_assert(p->pages_alloc <= MULTIFD_PAGES_PER_PACKET);
    g_assert(used <= p->pages_alloc);
    memset(out, 0, MULTIFD_RAM_PACKET_SIZE);
    multifd_header_encode(p->flags, out);
    put_be32(out + RAM_PAGES_ALLOC, p->pages_alloc);
    put_be32(out + RAM_NORMAL_PAGES, p->normal_pages);
    put_be32(out + RAM_NEXT_PACKET_SIZE, p->next_packet_size);
    put_be64(out + RAM_PACKET_NUM, p->packet_num);
    put_be32(out + RAM_ZERO_PAGES, p->zero_pages);
    /* strnlen: a full 256-byte name would not be NUL-terminated on the
     * wire, and names are at most 255 bytes (wire 3.3). */
    memcpy(out + RAM_RAMBLOCK, p->ramblock,
           strnlen(p->ramblock, MULTIFD_RAMBLOCK_NAME_SIZE - 1));
    for (uint32_t i = 0; i < used; i++) {
        put_be64(out + RAM_OFFSETS + 8 * i, p->offset[i]);
    }
}

static const char *comp_flag_name(uint32_t comp)
{
    switch (comp) {
    case MULTIFD_FLAG_NOCOMP:
        return "none";
    case MULTIFD_FLAG_ZLIB:
        return "zlib";
    case MULTIFD_FLAG_ZSTD:
        return "zstd";
    case MULTIFD_FLAG_QPL:
        return "qpl";
    case MULTIFD_FLAG_UADK:
        return "uadk";
    case MULTIFD_FLAG_QATZIP:
        return "qatzip";
    default:
        return "unknown";
    }
}

bool multifd_ram_packet_decode(const uint8_t in[MULTIFD_RAM_PACKET_SIZE],
                               unsigned id, uint32_t comp_flag,
                               MultiFDRamPacket *out, GError **errp)
{
    uint32_t flags, comp, alloc, normal, zero, size, used;

    if (!multifd_header_decode(in, id, &flags, errp)) {
        return false;
    }
    if (flags & MULTIFD_FLAG_DEVICE_STATE) {
        error_setg(errp, "multifd channel %u: device-state packet where a "
                   "RAM packet was expected", id);
        return false;
    }
    alloc = get_be32(in + RAM_PAGES_ALLOC);
    normal = get_be32(in + RAM_NORMAL_PAGES);
    zero = get_be32(in + RAM_ZERO_PAGES);
    size = get_be32(in + RAM_NEXT_PACKET_SIZE);
    comp = flags & MULTIFD_FLAG_COMPRESSION_MASK;

    if (alloc > MULTIFD_PAGES_PER_PACKET) {
        error_setg(errp, "multifd channel %u: packet pages_alloc %u exceeds "
                   "our %u pages per packet (target page sizes differ?)",
                   id, alloc, (unsigned)MULTIFD_PAGES_PER_PACKET);
        return false;
    }
    if (normal > alloc) {
        error_setg(errp, "multifd channel %u: packet normal_pages %u exceeds "
                   "pages_alloc %u", id, normal, alloc);
        return false;
    }
    if (zero > alloc - normal) {
        error_setg(errp, "multifd channel %u: packet zero_pages %u exceeds "
                   "the %u slots left after %u normal pages", id, zero,
                   alloc - normal, normal);
        return false;
    }
    used = normal + zero;
    /* An empty sync packet carries no method (wire 6.2.4); anything with
     * pages must match ours (wire 6.2.7). */
    if (comp != comp_flag && !(used == 0 && comp == 0)) {
        error_setg(errp, "multifd channel %u: packet compression flags 0x%x "
                   "(%s), expected 0x%x (%s)", id, comp, comp_flag_name(comp),
                   comp_flag, comp_flag_name(comp_flag));
        return false;
    }
    if (comp_flag == MULTIFD_FLAG_NOCOMP) {
        if (size != normal * TARGET_PAGE_SIZE) {
            error_setg(errp, "multifd channel %u: packet next_packet_size %u, "
                       "expected %u for %u uncompressed pages", id, size,
                       normal * TARGET_PAGE_SIZE, normal);
            return false;
        }
    } else if (normal == 0 && size != 0) {
        error_setg(errp, "multifd channel %u: packet next_packet_size %u "
                   "without normal pages", id, size);
        return false;
    } else if (normal != 0 && size == 0) {
        error_setg(errp, "multifd channel %u: packet next_packet_size 0 "
                   "for %u compressed pages", id, normal);
        return false;
    } else if (size > MULTIFD_COMPRESSED_PAYLOAD_MAX) {
        error_setg(errp, "multifd channel %u: packet next_packet_size %u "
                   "exceeds the limit of %u", id, size,
                   MULTIFD_COMPRESSED_PAYLOAD_MAX);
        return false;
    }

    memset(out, 0, sizeof(*out));
    out->flags = flags;
    out->pages_alloc = alloc;
    out->normal_pages = normal;
    out->zero_pages = zero;
    out->next_packet_size = size;
    out->packet_num = get_be64(in + RAM_PACKET_NUM);
    if (used == 0) {
        /* Block name and offsets are meaningless here (wire 6.2.3). */
        return true;
    }
    if (!get_name_field(in + RAM_RAMBLOCK, out->ramblock, id,
                        "packet ramblock", errp)) {
        return false;
    }
    if (out->ramblock[0] == '\0') {
        error_setg(errp, "multifd channel %u: packet ramblock is empty but "
                   "%u pages are listed", id, used);
        return false;
    }
    for (uint32_t i = 0; i < used; i++) {
        uint64_t off = get_be64(in + RAM_OFFSETS + 8 * i);

        if (off & (TARGET_PAGE_SIZE - 1)) {
            error_setg(errp, "multifd channel %u: packet offset[%u] 0x%" PRIx64
                       " of block '%s' is not page-aligned", id, i, off,
                       out->ramblock);
            return false;
        }
        out->offset[i] = off;
    }
    return true;
}

void multifd_sync_packet_init(MultiFDRamPacket *p, uint64_t packet_num)
{
    memset(p, 0, sizeof(*p));
    p->flags = MULTIFD_FLAG_SYNC;
    p->packet_num = packet_num;
}

void multifd_device_state_encode(const MultiFDDeviceStatePacket *p,
                                 uint8_t out[MULTIFD_DEVICE_STATE_HDR_SIZE])
{
    memset(out, 0, MULTIFD_DEVICE_STATE_HDR_SIZE);
    multifd_header_encode(p->flags, out);
    memcpy(out + DEV_IDSTR, p->idstr,
           strnlen(p->idstr, MULTIFD_RAMBLOCK_NAME_SIZE - 1));
    put_be32(out + DEV_INSTANCE_ID, p->instance_id);
    put_be32(out + DEV_NEXT_PACKET_SIZE, p->next_packet_size);
}

bool multifd_device_state_decode(
    const uint8_t in[MULTIFD_DEVICE_STATE_HDR_SIZE], unsigned id,
    MultiFDDeviceStatePacket *out, GError **errp)
{
    uint32_t flags, size;

    if (!multifd_header_decode(in, id, &flags, errp)) {
        return false;
    }
    if (!(flags & MULTIFD_FLAG_DEVICE_STATE)) {
        error_setg(errp, "multifd channel %u: RAM packet where a "
                   "device-state packet was expected", id);
        return false;
    }
    if (flags & MULTIFD_FLAG_SYNC) {
        error_setg(errp, "multifd channel %u: device-state packet has the "
                   "SYNC flag", id);
        return false;
    }
    if (flags & MULTIFD_FLAG_COMPRESSION_MASK) {
        error_setg(errp, "multifd channel %u: device-state packet has "
                   "compression flags 0x%x", id,
                   flags & MULTIFD_FLAG_COMPRESSION_MASK);
        return false;
    }
    memset(out, 0, sizeof(*out));
    if (!get_name_field(in + DEV_IDSTR, out->idstr, id,
                        "device-state idstr", errp)) {
        return false;
    }
    size = get_be32(in + DEV_NEXT_PACKET_SIZE);
    if (size == 0 || size > MULTIFD_COMPRESSED_PAYLOAD_MAX) {
        error_setg(errp, "multifd channel %u: device-state packet of '%s' "
                   "next_packet_size %u not in 1..%u", id, out->idstr, size,
                   MULTIFD_COMPRESSED_PAYLOAD_MAX);
        return false;
    }
    out->flags = flags;
    out->instance_id = get_be32(in + DEV_INSTANCE_ID);
    out->next_packet_size = size;
    return true;
}

/*
 * Multifd wire format (spec/migration-wire-format.md 6.2): the 64-byte
 * channel handshake, the 12-byte packet header, the RAM packet (sync
 * packets are RAM packets with the SYNC flag) and the device-state packet
 * header. Pure byte codecs: no I/O, no threads, no RAM; any thread.
 *
 * Decoders take bytes from the network and check every field they can
 * check on their own; what needs the destination's RAM (block name known,
 * offset below the block's used length) is left to the caller. Every
 * error names the channel and the field:
 * "multifd channel 1: packet normal_pages 200 exceeds pages_alloc 128".
 */
#ifndef MIGRATION_MULTIFD_WIRE_H
#define MIGRATION_MULTIFD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "system/memory.h"

#define MULTIFD_MAGIC                   0x11223344u
#define MULTIFD_VERSION                 1u

/* Packet flags (wire 6.2.2). */
#define MULTIFD_FLAG_SYNC               0x01u
#define MULTIFD_FLAG_COMPRESSION_MASK   0x3eu
#define MULTIFD_FLAG_NOCOMP             0x00u
#define MULTIFD_FLAG_ZLIB               0x02u
#define MULTIFD_FLAG_ZSTD               0x04u
#define MULTIFD_FLAG_QPL                0x08u
#define MULTIFD_FLAG_UADK               0x10u
#define MULTIFD_FLAG_QATZIP             0x20u
#define MULTIFD_FLAG_DEVICE_STATE       0x40u
#define MULTIFD_FLAG_KNOWN              0x7fu

/* Sizes. The RAM packet capacity follows from the target page size, so
 * both sides must agree on it (Appendix A.17). */
#define MULTIFD_PACKET_SIZE             0x80000u
#define MULTIFD_PAGES_PER_PACKET        (MULTIFD_PACKET_SIZE / TARGET_PAGE_SIZE)
#define MULTIFD_INIT_SIZE               64u
#define MULTIFD_HDR_SIZE                12u
#define MULTIFD_RAMBLOCK_NAME_SIZE      256u
#define MULTIFD_RAM_OFFSETS_AT          320u
#define MULTIFD_RAM_PACKET_SIZE \
    (MULTIFD_RAM_OFFSETS_AT + 8u * MULTIFD_PAGES_PER_PACKET)
#define MULTIFD_DEVICE_STATE_HDR_SIZE   276u
#define MULTIFD_UUID_SIZE               16u
/*
 * Largest compressed payload we send or accept for one packet. Neither
 * zlib (stored blocks at level 0: 5 bytes per 64 KiB) nor zstd (3 bytes
 * per 128 KiB block) expands incompressible pages anywhere near this.
 */
#define MULTIFD_COMPRESSED_PAYLOAD_MAX  (2u * MULTIFD_PACKET_SIZE)

/* The channel handshake (MultiFDInit_t) with magic and version implied. */
typedef struct MultiFDInit {
    uint8_t uuid[MULTIFD_UUID_SIZE];
    uint8_t id;
} MultiFDInit;

/*
 * A RAM or sync packet header (MultiFDPacket_t) in host form.
 * ramblock is NUL-terminated; offset[] holds normal_pages offsets of
 * normal pages, then zero_pages offsets of zero pages.
 */
typedef struct MultiFDRamPacket {
    uint32_t flags;
    uint32_t pages_alloc;
    uint32_t normal_pages;
    uint32_t zero_pages;
    uint32_t next_packet_size;
    uint64_t packet_num;
    char ramblock[MULTIFD_RAMBLOCK_NAME_SIZE];
    uint64_t offset[MULTIFD_PAGES_PER_PACKET];
} MultiFDRamPacket;

/* A device-state packet header (MultiFDPacketDeviceState_t). */
typedef struct MultiFDDeviceStatePacket {
    uint32_t flags;
    char idstr[MULTIFD_RAMBLOCK_NAME_SIZE];
    uint32_t instance_id;
    uint32_t next_packet_size;
} MultiFDDeviceStatePacket;

/* ---- handshake ---- */

/* Write the 64-byte handshake of channel init->id into out. */
void multifd_init_encode(const MultiFDInit *init,
                         uint8_t out[MULTIFD_INIT_SIZE]);
/*
 * Decode a handshake read from a new connection. Checks magic, version,
 * that the UUID equals the destination's own (expected_uuid, all zero if
 * unset) and that id < channels (Appendix A.23: not QEMU's off-by-one).
 * The unused bytes are not looked at, as QEMU does not. The channel is
 * named by conn_name ("multifd connection 3") since its id is not yet
 * trusted. Returns false with errp set.
 */
bool multifd_init_decode(const uint8_t in[MULTIFD_INIT_SIZE],
                         const char *conn_name,
                         const uint8_t expected_uuid[MULTIFD_UUID_SIZE],
                         unsigned channels, MultiFDInit *out, GError **errp);

/* ---- packets ---- */

/* Write a 12-byte packet header with these flags into out. */
void multifd_header_encode(uint32_t flags, uint8_t out[MULTIFD_HDR_SIZE]);
/*
 * Decode a packet header of channel `id`: magic, version, no unknown flag
 * bits. *flags gets the flags. How many bytes follow depends on
 * MULTIFD_FLAG_DEVICE_STATE (multifd_packet_rest_size()).
 */
bool multifd_header_decode(const uint8_t in[MULTIFD_HDR_SIZE], unsigned id,
                           uint32_t *flags, GError **errp);
/* Bytes of packet header after the first 12, for these flags. */
size_t multifd_packet_rest_size(uint32_t flags);

/*
 * Write a whole RAM packet header (MULTIFD_RAM_PACKET_SIZE bytes; unused
 * offset slots and reserved fields zero) into out. p->ramblock must be
 * NUL-terminated; the caller keeps the counts within pages_alloc.
 */
void multifd_ram_packet_encode(const MultiFDRamPacket *p,
                               uint8_t out[MULTIFD_RAM_PACKET_SIZE]);
/*
 * Decode a RAM packet header of channel `id` (all MULTIFD_RAM_PACKET_SIZE
 * bytes, header included). comp_flag is the MULTIFD_FLAG_* of the
 * configured compression. Checks: header; no DEVICE_STATE; compression
 * bits equal comp_flag when the packet carries pages (an empty sync
 * packet may have them zero); pages_alloc <= our capacity; normal_pages
 * <= pages_alloc; zero_pages <= pages_alloc - normal_pages;
 * next_packet_size exactly normal_pages pages without compression, at
 * most MULTIFD_COMPRESSED_PAYLOAD_MAX and zero iff there are no normal
 * pages with it; and when there are pages: ramblock NUL-terminated within
 * its field and not empty, each offset page-aligned. Whether the block
 * exists and the offsets are inside it is for the caller.
 */
bool multifd_ram_packet_decode(const uint8_t in[MULTIFD_RAM_PACKET_SIZE],
                               unsigned id, uint32_t comp_flag,
                               MultiFDRamPacket *out, GError **errp);
/* Fill p as the sync packet with this sequence number (wire 6.2.4). */
void multifd_sync_packet_init(MultiFDRamPacket *p, uint64_t packet_num);

/* Write a device-state packet header (MULTIFD_DEVICE_STATE_HDR_SIZE). */
void multifd_device_state_encode(const MultiFDDeviceStatePacket *p,
                                 uint8_t out[MULTIFD_DEVICE_STATE_HDR_SIZE]);
/*
 * Decode a device-state packet header of channel `id`: header,
 * DEVICE_STATE set, SYNC and compression bits clear, idstr NUL-terminated
 * within its field, next_packet_size > 0 and at most
 * MULTIFD_COMPRESSED_PAYLOAD_MAX.
 */
bool multifd_device_state_decode(
    const uint8_t in[MULTIFD_DEVICE_STATE_HDR_SIZE], unsigned id,
    MultiFDDeviceStatePacket *out, GError **errp);

#endif /* MIGRATION_MULTIFD_WIRE_H */

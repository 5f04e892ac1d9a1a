/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIG_CMD_POSTCOPY_RAM_DISCARD payloads (spec/migration-wire-format.md 4.2,
 * 4.3): the source turns each run of dirty pages of a block into a byte
 * range and sends at most 12 ranges per command; the destination decodes
 * and checks a payload before dropping the ranges.
 *
 * Payload: u8 version 0, str8 block name, u8 0x00, k x (be64 start,
 * be64 length). The command framing (0x08, be16 6, be16 len) is the
 * stream writer's (qemu_savevm_command_send).
 */
#ifndef MIGRATION_POSTCOPY_DISCARD_H
#define MIGRATION_POSTCOPY_DISCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

/* Ranges per command (QEMU's MAX_DISCARDS_PER_COMMAND). */
#define POSTCOPY_DISCARD_MAX_RANGES 12
/* Smallest valid payload: header of a 1-byte name plus one range. */
#define POSTCOPY_DISCARD_MIN_LEN    20

/*
 * Called once per command with its payload (len <= 3 + 255 + 16 * 12).
 * Returns false (with errp set) to stop the generation.
 */
typedef bool PostcopyDiscardSendFn(void *opaque, const uint8_t *payload,
                                   uint16_t len, GError **errp);

/*
 * Emit the RAM_DISCARD commands of one block: every run of set bits of
 * dirty (nbits bits, one per page of page_size bytes, host-order unsigned
 * longs) becomes a (start, length) byte range, in ascending order, 12 per
 * command; nothing is sent for a block without dirty pages. Returns the
 * number of commands sent, or -1 with errp set (bad name or the sender's
 * error).
 */
int postcopy_discard_send_block(const char *block,
                                const unsigned long *dirty, uint64_t nbits,
                                uint64_t page_size,
                                PostcopyDiscardSendFn *send, void *opaque,
                                GError **errp);

/* A decoded payload; ranges point into the caller's payload buffer. */
typedef struct PostcopyDiscardCmd {
    char name[256];
    size_t nr_ranges;
    const uint8_t *ranges;      /* nr_ranges x (be64 start, be64 length) */
} PostcopyDiscardCmd;

/*
 * Decode and check a RAM_DISCARD payload of len bytes (4.3): len >= 20,
 * version 0, a readable non-empty name, the 0x00 byte after it, the rest a
 * multiple of 16. Range contents are checked against the block by the
 * destination (postcopy_dest_discard_range).
 */
bool postcopy_discard_decode(const uint8_t *payload, size_t len,
                             PostcopyDiscardCmd *out, GError **errp);
/* Range i of a decoded command. */
void postcopy_discard_range(const PostcopyDiscardCmd *cmd, size_t i,
                            uint64_t *start, uint64_t *length);

#endif /* MIGRATION_POSTCOPY_DISCARD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between the RAM digest engine (ram-digest.c) and the record, its
 * check and wire form (ram-digest-record.c); nobody else.
 */
#ifndef MIGRATION_RAM_DIGEST_INTERNAL_H
#define MIGRATION_RAM_DIGEST_INTERNAL_H

#include "migration/ram-digest.h"

/* The digest of a block of `length` bytes from its chunk hashes. */
void ram_digest_combine(uint64_t length, const RamDigestHash *chunks,
                        uint64_t n_chunks, RamDigestHash *out);

/* An updated block's page hashes (returned) and chunk hashes. */
const RamDigestHash *ram_digest_block_page_hashes(const RamDigestBlock *b,
                                                  uint64_t *n_pages,
                                                  const RamDigestHash **chunks,
                                                  uint64_t *n_chunks);

#endif /* MIGRATION_RAM_DIGEST_INTERNAL_H */

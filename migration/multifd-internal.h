/*
 * Pieces shared by the multifd sender (multifd-send.c) and receiver
 * (multifd-recv.c): counters, the zero-page test and the "written" bit
 * of a page. Private to migration/.
 */
#ifndef MIGRATION_MULTIFD_INTERNAL_H
#define MIGRATION_MULTIFD_INTERNAL_H

#include "migration/multifd.h"

/* Counters updated with atomics by the channel threads. */
void multifd_stats_add(MultiFDStats *st, uint64_t packets, uint64_t syncs,
                       uint64_t normal, uint64_t zero, uint64_t bytes);
void multifd_stats_read(const MultiFDStats *st, MultiFDStats *out);

/* Is the target page at p all zero bytes? */
bool multifd_page_is_zero(const uint8_t *p);

/*
 * May the page at offset of rb hold non-zero data? (Its bit in the
 * block's written bitmap; a clear bit proves the page reads as zeros.)
 */
bool multifd_page_maybe_written(RAMBlock *rb, ram_addr_t offset);

#endif /* MIGRATION_MULTIFD_INTERNAL_H */

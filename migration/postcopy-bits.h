/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page bitmaps as the RAM blocks keep them (one bit per target page in
 * host-order unsigned longs): the few scans the postcopy modules share.
 */
#ifndef MIGRATION_POSTCOPY_BITS_H
#define MIGRATION_POSTCOPY_BITS_H

#include <stdbool.h>
#include <stdint.h>

#define PC_BITS_PER_LONG (sizeof(unsigned long) * 8)

static inline bool pc_test_bit(const unsigned long *map, uint64_t k)
{
    return (map[k / PC_BITS_PER_LONG] >> (k % PC_BITS_PER_LONG)) & 1;
}

static inline void pc_set_bit(unsigned long *map, uint64_t k)
{
    map[k / PC_BITS_PER_LONG] |= 1UL << (k % PC_BITS_PER_LONG);
}

static inline void pc_clear_bit(unsigned long *map, uint64_t k)
{
    map[k / PC_BITS_PER_LONG] &= ~(1UL << (k % PC_BITS_PER_LONG));
}

/* First bit >= from whose value is `value`, or nbits. Word at a time. */
static inline uint64_t pc_find_next(const unsigned long *map, uint64_t nbits,
                                    uint64_t from, bool value)
{
    while (from < nbits) {
        unsigned long w = map[from / PC_BITS_PER_LONG];
        unsigned shift = from % PC_BITS_PER_LONG;

        if (!value) {
            w = ~w;
        }
        w >>= shift;
        if (w) {
            from += __builtin_ctzl(w);
            return from < nbits ? from : nbits;
        }
        from += PC_BITS_PER_LONG - shift;
    }
    return nbits;
}

#endif /* MIGRATION_POSTCOPY_BITS_H */

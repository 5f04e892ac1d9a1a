/*
 * Private interface between the instruction table and its users inside
 * target/cr16 (codec, disassembler, interpreter pre-decoder).
 */
#ifndef TARGET_CR16_INSN_INTERNAL_H
#define TARGET_CR16_INSN_INTERNAL_H

#include "target/cr16/insn.h"

/* The static table (insn-table.c) and its length. */
const CR16Form *cr16_table_forms(unsigned *n);

/* Build I from up to three words. */
static inline uint64_t cr16_insn_value(const uint16_t *w, unsigned len)
{
    uint64_t i = (uint64_t)w[0] << 32;

    if (len > 1) {
        i |= (uint64_t)w[1] << 16;
    }
    if (len > 2) {
        i |= w[2];
    }
    return i;
}

/* Map between index pair field ppp (0..7) and pair code. */
extern const uint8_t cr16_rrp_pair[8];
/* ppp for a pair code, or -1 if the pair cannot be an index pair. */
int cr16_pair_to_rrp(unsigned pair);

#endif /* TARGET_CR16_INSN_INTERNAL_H */

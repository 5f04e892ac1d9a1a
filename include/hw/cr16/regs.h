/*
 * Byte-lane helpers for the 32-bit device registers of the CR16 board
 * (see the access rules at the top of hw/cr16/virt.h). An access is at
 * most 4 bytes and does not cross a register (the memory layer splits
 * wider or unaligned accesses into naturally aligned ones).
 */
#ifndef HW_CR16_REGS_H
#define HW_CR16_REGS_H

#include <stdint.h>
#include "qapi/error.h"
#include "system/memory.h"

/* Offset of the 32-bit register that contains addr. */
static inline hwaddr cr16_reg_base(hwaddr addr)
{
    return addr & ~(hwaddr)3;
}

/* Bit position of the first addressed byte inside its register. */
static inline unsigned cr16_reg_shift(hwaddr addr)
{
    return (unsigned)(addr & 3) * 8;
}

/* Mask of the addressed bytes, at their position in the register. */
static inline uint32_t cr16_reg_lane_mask(hwaddr addr, unsigned size)
{
    uint64_t bits = size >= 4 ? 0xFFFFFFFFull : (1ull << (size * 8)) - 1;

    return (uint32_t)(bits << cr16_reg_shift(addr));
}

/* The addressed bytes of register value reg, as a read returns them. */
static inline uint64_t cr16_reg_read_lanes(uint32_t reg, hwaddr addr,
                                           unsigned size)
{
    return (reg & cr16_reg_lane_mask(addr, size)) >> cr16_reg_shift(addr);
}

/* A written value at its byte position, other bytes zero (commands). */
static inline uint32_t cr16_reg_write_value(hwaddr addr, unsigned size,
                                            uint64_t val)
{
    return (uint32_t)(val << cr16_reg_shift(addr)) &
           cr16_reg_lane_mask(addr, size);
}

/* Register value cur with the addressed bytes replaced (read/write regs). */
static inline uint32_t cr16_reg_merge(uint32_t cur, hwaddr addr,
                                      unsigned size, uint64_t val)
{
    uint32_t mask = cr16_reg_lane_mask(addr, size);

    return (cur & ~mask) | cr16_reg_write_value(addr, size, val);
}

/*
 * post_load check of a register value read from a migration stream: a bit
 * the register cannot hold (guest writes mask it off) means a corrupt or
 * foreign stream, which is rejected rather than masked. Returns false
 * with errp naming the device, register and bits otherwise.
 */
static inline bool cr16_reg_check_loaded(const char *dev, const char *reg,
                                         uint32_t val, uint32_t valid,
                                         GError **errp)
{
    if (val & ~valid) {
        error_setg(errp, "%s: %s 0x%x in the migration stream has bits "
                   "the register does not have (0x%x; valid mask 0x%x)",
                   dev, reg, val, val & ~valid, valid);
        return false;
    }
    return true;
}

#endif /* HW_CR16_REGS_H */

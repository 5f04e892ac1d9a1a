/*
 * The interrupt controller of the CR16 virt board: VIRT_ICU_NUM_SOURCES
 * level-sensitive input lines (unnamed GPIO inputs 0..15), one output line
 * to the CPU (unnamed GPIO output 0, high while any enabled source is
 * asserted), and the vector query the CPU makes when it takes the
 * interrupt. Registers: hw/cr16/virt.h (VIRT_ICU_*).
 */
#ifndef HW_CR16_CR16_ICU_H
#define HW_CR16_CR16_ICU_H

#include "hw/qdev-core.h"

#define TYPE_CR16_ICU "cr16-icu"

/*
 * Interrupt acknowledge: the vector (VIRT_ICU_VECTOR_BASE + n) of the
 * highest-priority asserted and enabled source n, or 0 when none is (the
 * line dropped before the CPU took it). Sources are level-sensitive, so
 * acknowledging changes nothing: the handler clears the cause at the
 * device (or in VIRT_ICU_SOFT). BQL held.
 */
int cr16_icu_acknowledge(DeviceState *icu);

#endif /* HW_CR16_CR16_ICU_H */

/*
 * The timer of the CR16 virt board: a 32-bit counter on the virtual clock
 * (one tick per VIRT_TIMER_TICK_NS) with a compare register, optional
 * periodic restart, and an interrupt output (unnamed GPIO output 0).
 * Registers: hw/cr16/virt.h (VIRT_TIMER_*).
 */
#ifndef HW_CR16_CR16_TIMER_H
#define HW_CR16_CR16_TIMER_H

#include "hw/qdev-core.h"

#define TYPE_CR16_TIMER "cr16-timer"

#endif /* HW_CR16_CR16_TIMER_H */

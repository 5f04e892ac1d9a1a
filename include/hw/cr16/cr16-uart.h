/*
 * The UART of the CR16 virt board: transmit to and receive from a chardev
 * back end through a VIRT_UART_FIFO_SIZE-byte receive FIFO, with an
 * interrupt output (unnamed GPIO output 0). Registers: hw/cr16/virt.h
 * (VIRT_UART_*).
 *
 * Properties: "chardev" (the back end; unset = output discarded, no input).
 */
#ifndef HW_CR16_CR16_UART_H
#define HW_CR16_CR16_UART_H

#include "hw/qdev-core.h"

#define TYPE_CR16_UART "cr16-uart"

#endif /* HW_CR16_CR16_UART_H */

/*
 * The CR16 "virt" board: every address, register offset, bit and number
 * that guests, device models, the board and the tests share.
 *
 * This header is the only place these numbers are written. The build
 * turns it into an assembler include (virt.inc, by scripts/gen-virt-inc.py)
 * for the guest programs, so it follows a strict format: every macro named
 * VIRT_* is a plain integer expression over literals and earlier VIRT_*
 * macros (operators + - * << >> | & ~ and parentheses, literal suffixes
 * u/U/l/L only). Anything else belongs in another header.
 *
 * Two address spaces appear below:
 *  - CPU addresses (24 bit) are what guest code uses (suffix _CPU);
 *  - physical addresses (32 bit) are what qtest, device DMA and the
 *    migration RAM check use (suffix _PHYS).
 *
 * CPU 0x000000-0x7FFFFF -> physical 0x00000000-0x007FFFFF (low RAM)
 * CPU 0x800000-0xBFFFFF -> physical BANK * 4 MiB + offset (RAM window)
 * CPU 0xC00000-0xFEFFFF -> nothing (reads 0, writes ignored)
 * CPU 0xFF0000-0xFFFFFF -> physical 0xFFFF0000-0xFFFFFFFF (devices)
 *
 * Device registers are 32 bits wide at 4-byte strides, little-endian.
 * Byte and 16-bit accesses are allowed: reads return the addressed bytes,
 * writes to a read/write register replace only the addressed bytes, and
 * writes to a command register (TX data, write-1-to-clear, exit, reset)
 * act on the written value shifted to its byte position.
 */
#ifndef HW_CR16_VIRT_H
#define HW_CR16_VIRT_H

/* ---- memory map ---- */

#define VIRT_LOWRAM_CPU_BASE        0x000000
#define VIRT_LOWRAM_PHYS_BASE       0x00000000
#define VIRT_LOWRAM_SIZE            0x800000

#define VIRT_WINDOW_CPU_BASE        0x800000
#define VIRT_WINDOW_SHIFT           22
#define VIRT_WINDOW_SIZE            (1 << VIRT_WINDOW_SHIFT)

#define VIRT_MMIO_CPU_BASE          0xFF0000
#define VIRT_MMIO_PHYS_BASE         0xFFFF0000u
#define VIRT_MMIO_SIZE              0x10000

/* End of the 24-bit CPU address space (exclusive). */
#define VIRT_CPU_ADDR_LIMIT         0x1000000

/* Main RAM: physical 0 .. -m. */
#define VIRT_RAM_DEFAULT_SIZE       (128 * 1024 * 1024)
#define VIRT_RAM_MAX_SIZE           0xFF000000u

/* The board's reset value of ISP (the ISA leaves it undefined): the top
 * of low RAM, so an exception taken before software sets up its stack
 * pushes its frame into RAM, never into the device area. */
#define VIRT_RESET_ISP              (VIRT_LOWRAM_CPU_BASE + VIRT_LOWRAM_SIZE)

/* Each device owns VIRT_DEVICE_SIZE bytes at its offset in the MMIO area. */
#define VIRT_DEVICE_SIZE            0x100

/* ---- system controller ---- */

#define VIRT_SYSCTL_OFFSET          0x0000
#define VIRT_SYSCTL_CPU             (VIRT_MMIO_CPU_BASE + VIRT_SYSCTL_OFFSET)
#define VIRT_SYSCTL_PHYS            (VIRT_MMIO_PHYS_BASE + VIRT_SYSCTL_OFFSET)

/* RO: identification, reads VIRT_SYSCTL_ID_VALUE ("CR16"). */
#define VIRT_SYSCTL_ID              0x00
#define VIRT_SYSCTL_ID_VALUE        0x36315243
/* RW: RAM window bank; the window shows physical BANK << 22. Reset 0. */
#define VIRT_SYSCTL_BANK            0x04
#define VIRT_SYSCTL_BANK_MASK       0x3FF
/* RO: RAM size in bytes. */
#define VIRT_SYSCTL_RAM_SIZE        0x08
/* WO: power off; the emulator exits with status (value & 0xFF). */
#define VIRT_SYSCTL_EXIT            0x0C
#define VIRT_SYSCTL_EXIT_MASK       0xFF
/* WO: writing VIRT_SYSCTL_RESET_KEY resets the machine; other values
 * are ignored (logged as guest errors). */
#define VIRT_SYSCTL_RESET           0x10
#define VIRT_SYSCTL_RESET_KEY       0x5253
/* RW: scratch register for software, reset 0. */
#define VIRT_SYSCTL_SCRATCH         0x14

/* ---- interrupt controller ---- */

#define VIRT_ICU_OFFSET             0x0100
#define VIRT_ICU_CPU                (VIRT_MMIO_CPU_BASE + VIRT_ICU_OFFSET)
#define VIRT_ICU_PHYS               (VIRT_MMIO_PHYS_BASE + VIRT_ICU_OFFSET)

/* Sources 0..15; source n is delivered as CPU vector VECTOR_BASE + n.
 * Lower source numbers have higher priority. Sources are level-sensitive:
 * a source stays pending until the device (or SOFT) drops it. */
#define VIRT_ICU_NUM_SOURCES        16
#define VIRT_ICU_VECTOR_BASE        16
/* RO: bit n = source n asserted (device line or SOFT bit). */
#define VIRT_ICU_PENDING            0x00
/* RW: bit n = source n may interrupt the CPU. Reset 0. */
#define VIRT_ICU_ENABLE             0x04
/* RO: PENDING & ENABLE. */
#define VIRT_ICU_ACTIVE             0x08
/* RO: vector of the highest-priority active source, 0 if none. */
#define VIRT_ICU_VECTOR             0x0C
/* RW: bit n asserts source n from software. Reset 0. */
#define VIRT_ICU_SOFT               0x10

/* Sources used by the board's devices. */
#define VIRT_IRQ_UART               0
#define VIRT_IRQ_TIMER              1

/* ---- timer ---- */

#define VIRT_TIMER_OFFSET           0x0200
#define VIRT_TIMER_CPU              (VIRT_MMIO_CPU_BASE + VIRT_TIMER_OFFSET)
#define VIRT_TIMER_PHYS             (VIRT_MMIO_PHYS_BASE + VIRT_TIMER_OFFSET)

/* The counter advances by one every VIRT_TIMER_TICK_NS of virtual time. */
#define VIRT_TIMER_TICK_NS          1000
/* RW: control. Reset 0. */
#define VIRT_TIMER_CTRL             0x00
#define VIRT_TIMER_CTRL_EN          (1 << 0)    /* counter runs */
#define VIRT_TIMER_CTRL_IE          (1 << 1)    /* MATCH raises the IRQ */
#define VIRT_TIMER_CTRL_PERIODIC    (1 << 2)    /* restart at 0 on MATCH */
/* RW1C: status. */
#define VIRT_TIMER_STATUS           0x04
#define VIRT_TIMER_STATUS_MATCH     (1 << 0)    /* COUNT reached COMPARE */
/* RW: the 32-bit counter. Reset 0. */
#define VIRT_TIMER_COUNT            0x08
/* RW: compare value. Reset 0. */
#define VIRT_TIMER_COMPARE          0x0C

/* ---- UART ---- */

#define VIRT_UART_OFFSET            0x0300
#define VIRT_UART_CPU               (VIRT_MMIO_CPU_BASE + VIRT_UART_OFFSET)
#define VIRT_UART_PHYS              (VIRT_MMIO_PHYS_BASE + VIRT_UART_OFFSET)

#define VIRT_UART_FIFO_SIZE         16
/* Write: transmit the low byte. Read: pop the oldest received byte
 * (0 when the FIFO is empty). */
#define VIRT_UART_DATA              0x00
/* RO except OVERRUN (write 1 to clear). */
#define VIRT_UART_STATUS            0x04
#define VIRT_UART_STATUS_RXAVAIL    (1 << 0)    /* FIFO not empty */
#define VIRT_UART_STATUS_TXREADY    (1 << 1)    /* always 1 */
#define VIRT_UART_STATUS_RXFULL     (1 << 2)    /* FIFO full */
#define VIRT_UART_STATUS_OVERRUN    (1 << 3)    /* a byte was dropped */
#define VIRT_UART_STATUS_COUNT_SHIFT 8          /* bits 12..8: bytes in FIFO */
#define VIRT_UART_STATUS_COUNT_MASK (0x1F << VIRT_UART_STATUS_COUNT_SHIFT)
/* RW: interrupt enables. Reset 0. */
#define VIRT_UART_CTRL              0x08
#define VIRT_UART_CTRL_RXIE         (1 << 0)    /* IRQ while RXAVAIL */
#define VIRT_UART_CTRL_TXIE         (1 << 1)    /* IRQ while TXREADY */

#endif /* HW_CR16_VIRT_H */

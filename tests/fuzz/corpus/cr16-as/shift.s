# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shifts (ISA 4.4): ashu (arithmetic right) and lsh (logical right), byte,
# word and double, immediate and register counts, the extreme counts, and
# that shifts leave the flags alone. Exit status: 0 = pass, else the
# failed check (r11).
# Generated from include/hw/cr16/virt.h by scripts/gen-virt-inc.py.
# Do not edit: change the header instead.

        .equ VIRT_LOWRAM_CPU_BASE, 0x0
        .equ VIRT_LOWRAM_PHYS_BASE, 0x0
        .equ VIRT_LOWRAM_SIZE, 0x800000
        .equ VIRT_WINDOW_CPU_BASE, 0x800000
        .equ VIRT_WINDOW_SHIFT, 0x16
        .equ VIRT_WINDOW_SIZE, 0x400000
        .equ VIRT_MMIO_CPU_BASE, 0xff0000
        .equ VIRT_MMIO_PHYS_BASE, 0xffff0000
        .equ VIRT_MMIO_SIZE, 0x10000
        .equ VIRT_CPU_ADDR_LIMIT, 0x1000000
        .equ VIRT_RAM_DEFAULT_SIZE, 0x8000000
        .equ VIRT_RAM_MAX_SIZE, 0xff000000
        .equ VIRT_RESET_ISP, 0x800000
        .equ VIRT_DEVICE_SIZE, 0x100
        .equ VIRT_SYSCTL_OFFSET, 0x0
        .equ VIRT_SYSCTL_CPU, 0xff0000
        .equ VIRT_SYSCTL_PHYS, 0xffff0000
        .equ VIRT_SYSCTL_ID, 0x0
        .equ VIRT_SYSCTL_ID_VALUE, 0x36315243
        .equ VIRT_SYSCTL_BANK, 0x4
        .equ VIRT_SYSCTL_BANK_MASK, 0x3ff
        .equ VIRT_SYSCTL_RAM_SIZE, 0x8
        .equ VIRT_SYSCTL_EXIT, 0xc
        .equ VIRT_SYSCTL_EXIT_MASK, 0xff
        .equ VIRT_SYSCTL_RESET, 0x10
        .equ VIRT_SYSCTL_RESET_KEY, 0x5253
        .equ VIRT_SYSCTL_SCRATCH, 0x14
        .equ VIRT_ICU_OFFSET, 0x100
        .equ VIRT_ICU_CPU, 0xff0100
        .equ VIRT_ICU_PHYS, 0xffff0100
        .equ VIRT_ICU_NUM_SOURCES, 0x10
        .equ VIRT_ICU_VECTOR_BASE, 0x10
        .equ VIRT_ICU_PENDING, 0x0
        .equ VIRT_ICU_ENABLE, 0x4
        .equ VIRT_ICU_ACTIVE, 0x8
        .equ VIRT_ICU_VECTOR, 0xc
        .equ VIRT_ICU_SOFT, 0x10
        .equ VIRT_IRQ_UART, 0x0
        .equ VIRT_IRQ_TIMER, 0x1
        .equ VIRT_TIMER_OFFSET, 0x200
        .equ VIRT_TIMER_CPU, 0xff0200
        .equ VIRT_TIMER_PHYS, 0xffff0200
        .equ VIRT_TIMER_TICK_NS, 0x3e8
        .equ VIRT_TIMER_CTRL, 0x0
        .equ VIRT_TIMER_CTRL_EN, 0x1
        .equ VIRT_TIMER_CTRL_IE, 0x2
        .equ VIRT_TIMER_CTRL_PERIODIC, 0x4
        .equ VIRT_TIMER_STATUS, 0x4
        .equ VIRT_TIMER_STATUS_MATCH, 0x1
        .equ VIRT_TIMER_COUNT, 0x8
        .equ VIRT_TIMER_COMPARE, 0xc
        .equ VIRT_UART_OFFSET, 0x300
        .equ VIRT_UART_CPU, 0xff0300
        .equ VIRT_UART_PHYS, 0xffff0300
        .equ VIRT_UART_FIFO_SIZE, 0x10
        .equ VIRT_UART_DATA, 0x0
        .equ VIRT_UART_STATUS, 0x4
        .equ VIRT_UART_STATUS_RXAVAIL, 0x1
        .equ VIRT_UART_STATUS_TXREADY, 0x2
        .equ VIRT_UART_STATUS_RXFULL, 0x4
        .equ VIRT_UART_STATUS_OVERRUN, 0x8
        .equ VIRT_UART_STATUS_COUNT_SHIFT, 0x8
        .equ VIRT_UART_STATUS_COUNT_MASK, 0x1f00
        .equ VIRT_UART_CTRL, 0x8
        .equ VIRT_UART_CTRL_RXIE, 0x1
        .equ VIRT_UART_CTRL_TXIE, 0x2

# SPDX-License-Identifier: GPL-2.0-or-later
#
# CR16C processor status and configuration bits (ISA sheet 1.3, 1.4) and
# the layout the guest test programs share.

        .equ PSR_C, 0x0001
        .equ PSR_T, 0x0002
        .equ PSR_L, 0x0004
        .equ PSR_U, 0x0008
        .equ PSR_F, 0x0020
        .equ PSR_Z, 0x0040
        .equ PSR_N, 0x0080
        .equ PSR_E, 0x0200
        .equ PSR_P, 0x0400
        .equ PSR_I, 0x0800
        .equ PSR_CF, PSR_C | PSR_F
        .equ PSR_ZNL, PSR_Z | PSR_N | PSR_L

        .equ CFG_ED, 0x0100

        # Stack at the top of low RAM, interrupt stack below it.
        .equ STACK_TOP, 0x7F0000
        .equ ISTACK_TOP, 0x7E0000

_start:
        movd    $STACK_TOP, (sp)

        movw    $1, r11                 # ashub $imm, both directions
        movw    $0x5581, r1
        ashub   $3, r1                  # 0x81 << 3 = 0x408: byte 0x08
        cmpw    $0x5508, r1
        bne     fail
        movw    $0x5580, r1
        ashub   $-3, r1                 # sign fill: 0xf0
        cmpw    $0x55f0, r1
        bne     fail
        movw    $0x0040, r1
        ashub   $-8, r1                 # positive, all shifted out
        cmpw    $0x0000, r1
        bne     fail
        movw    $0x0001, r1
        ashub   $7, r1
        cmpw    $0x0080, r1
        bne     fail

        movw    $2, r11                 # ashub rc: signed low 4 bits
        movw    $0x0003, r1
        movw    $2, r2
        ashub   r2, r1
        cmpw    $0x000c, r1
        bne     fail
        movw    $0x0090, r1
        movw    $-2, r2
        ashub   r2, r1
        cmpw    $0x00e4, r1
        bne     fail

        movw    $3, r11                 # ashuw $imm
        movw    $1, r1
        ashuw   $15, r1
        cmpw    $0x8000, r1
        bne     fail
        ashuw   $-1, r1
        cmpw    $0xc000, r1
        bne     fail
        movw    $0x8000, r1
        ashuw   $-15, r1
        cmpw    $0xffff, r1
        bne     fail
        movw    $0x4000, r1
        ashuw   $-14, r1
        cmpw    $0x0001, r1
        bne     fail
        movw    $0x00ff, r1
        ashuw   $4, r1
        cmpw    $0x0ff0, r1
        bne     fail

        movw    $4, r11                 # ashuw rc
        movw    $0x8000, r1
        movw    $-16, r2
        ashuw   r2, r1
        cmpw    $0xffff, r1
        bne     fail
        movw    $0x0003, r1
        movw    $15, r2
        ashuw   r2, r1
        cmpw    $0x8000, r1
        bne     fail
        movw    $0x7ff0, r1
        movw    $-4, r2
        ashuw   r2, r1
        cmpw    $0x07ff, r1
        bne     fail

        movw    $5, r11                 # ashud $imm
        movd    $1, (r1,r0)
        ashud   $31, (r1,r0)
        cmpd    $0x80000000, (r1,r0)
        bne     fail
        ashud   $-31, (r1,r0)
        cmpd    $0xffffffff, (r1,r0)
        bne     fail
        movd    $0x12345678, (r1,r0)
        ashud   $8, (r1,r0)
        cmpd    $0x34567800, (r1,r0)
        bne     fail
        movd    $0x40000000, (r1,r0)
        ashud   $-30, (r1,r0)
        cmpd    $1, (r1,r0)
        bne     fail

        movw    $6, r11                 # ashud rc
        movd    $0x80000000, (r1,r0)
        movw    $-32, r2
        ashud   r2, (r1,r0)
        cmpd    $0xffffffff, (r1,r0)
        bne     fail
        movd    $0x00000003, (r1,r0)
        movw    $30, r2
        ashud   r2, (r1,r0)
        cmpd    $0xc0000000, (r1,r0)
        bne     fail
        movd    $0x87654321, (r1,r0)
        movw    $-4, r2
        ashud   r2, (r1,r0)
        cmpd    $0xf8765432, (r1,r0)
        bne     fail

        movw    $7, r11                 # lshb $-n: zero fill
        movw    $0x5580, r1
        lshb    $-3, r1
        cmpw    $0x5510, r1
        bne     fail
        movw    $0x00ff, r1
        lshb    $-8, r1
        cmpw    $0x0000, r1
        bne     fail
        movw    $0x0081, r1
        lshb    $1, r1                  # a left shift (ashub encoding)
        cmpw    $0x0002, r1
        bne     fail

        movw    $8, r11                 # lshb rc
        movw    $0x00f0, r1
        movw    $-4, r2
        lshb    r2, r1
        cmpw    $0x000f, r1
        bne     fail
        movw    $0x0003, r1
        movw    $6, r2
        lshb    r2, r1
        cmpw    $0x00c0, r1
        bne     fail

        movw    $9, r11                 # lshw $imm
        movw    $0x8000, r1
        lshw    $-15, r1
        cmpw    $1, r1
        bne     fail
        movw    $0x8000, r1
        lshw    $-1, r1
        cmpw    $0x4000, r1
        bne     fail
        movw    $0xffff, r1
        lshw    $-16, r1
        cmpw    $0, r1
        bne     fail
        movw    $0x0f0f, r1
        lshw    $4, r1
        cmpw    $0xf0f0, r1
        bne     fail

        movw    $10, r11                # lshw rc
        movw    $0xf000, r1
        movw    $-12, r2
        lshw    r2, r1
        cmpw    $0x000f, r1
        bne     fail
        movw    $0x0001, r1
        movw    $15, r2
        lshw    r2, r1
        cmpw    $0x8000, r1
        bne     fail

        movw    $11, r11                # lshd $imm
        movd    $0x80000000, (r1,r0)
        lshd    $-31, (r1,r0)
        cmpd    $1, (r1,r0)
        bne     fail
        movd    $0xffffffff, (r1,r0)
        lshd    $-32, (r1,r0)
        cmpd    $0, (r1,r0)
        bne     fail
        movd    $0x87654321, (r1,r0)
        lshd    $-8, (r1,r0)
        cmpd    $0x00876543, (r1,r0)
        bne     fail

        movw    $12, r11                # lshd rc
        movd    $0x87654321, (r1,r0)
        movw    $-16, r2
        lshd    r2, (r1,r0)
        cmpd    $0x00008765, (r1,r0)
        bne     fail
        movd    $0x00000001, (r1,r0)
        movw    $31, r2
        lshd    r2, (r1,r0)
        cmpd    $0x80000000, (r1,r0)
        bne     fail

        movw    $13, r11                # shifts do not touch the flags
        movw    $PSR_E | PSR_CF | PSR_Z, r2
        lpr     r2, psr
        movw    $0x8000, r1
        ashuw   $1, r1
        lshw    $-1, r1
        movd    $1, (r5,r4)
        ashud   $-1, (r5,r4)
        spr     psr, r2
        andw    $PSR_CF | PSR_ZNL, r2
        cmpw    $PSR_CF | PSR_Z, r2
        bne     fail

        br      pass
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Common end of the CR16 guest test programs, .included last.
# Convention: r11 holds the number of the check being made (1..255);
# a failed check branches to "fail", the end of the program to "pass".
# The system controller's EXIT register powers the machine off and
# qemu-system-cr16 exits with the written value: 0 = pass, else the check.

pass:
        movw    $0, r11
fail:
        storw   r11, VIRT_SYSCTL_CPU + VIRT_SYSCTL_EXIT
1:      br      1b

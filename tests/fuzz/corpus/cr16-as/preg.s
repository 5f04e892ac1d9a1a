# SPDX-License-Identifier: GPL-2.0-or-later
#
# Processor registers (ISA 1.2-1.5, 4.13): lpr/spr (16-bit, including the
# halves of 32-bit registers) and lprd/sprd, the writable bits of PSR and
# CFG, the 24-bit width of INTBASE/ISP/USP, and the reset values.
# Exit status: 0 = pass, else the failed check (r11).
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
        movw    $1, r11                 # reset: PSR = E only, CFG = 0
        spr     psr, r1
        cmpw    $PSR_E, r1
        bne     fail
        spr     cfg, r1
        cmpw    $0, r1
        bne     fail

        movd    $STACK_TOP, (sp)

        movw    $2, r11                 # PSR: reserved bits read 0
        movw    $0xffff & ~(PSR_T | PSR_U | PSR_P), r1
        lpr     r1, psr
        spr     psr, r2
        movw    $PSR_E, r3              # back to a quiet PSR first
        lpr     r3, psr
        cmpw    $0x0ee5 & ~(PSR_T | PSR_U | PSR_P), r2
        bne     fail

        movw    $3, r11                 # sprd psr: zero-extended
        movw    $PSR_E | PSR_C | PSR_N, r1
        lpr     r1, psr
        movd    $-1, (r3,r2)
        sprd    psr, (r3,r2)
        cmpd    $PSR_E | PSR_C | PSR_N, (r3,r2)
        bne     fail
        movd    $PSR_E | PSR_Z, (r3,r2) # lprd psr
        lprd    (r3,r2), psr
        spr     psr, r1
        cmpw    $PSR_E | PSR_Z, r1
        bne     fail

        movw    $4, r11                 # CFG: only the defined bits
        movw    $-1, r1
        lpr     r1, cfg
        spr     cfg, r2
        movw    $0, r1
        lpr     r1, cfg
        cmpw    $0x033c, r2
        bne     fail
        movw    $CFG_ED, r1
        lpr     r1, cfg
        spr     cfg, r2
        cmpw    $CFG_ED, r2
        bne     fail

        movw    $5, r11                 # INTBASE: 24 bits, bit 0 clear
        movd    $0xff345679, (r1,r0)
        lprd    (r1,r0), intbase
        sprd    intbase, (r3,r2)
        cmpd    $0x00345678, (r3,r2)
        bne     fail
        spr     intbasel, r4
        cmpw    $0x5678, r4
        bne     fail
        spr     intbaseh, r4
        cmpw    $0x0034, r4
        bne     fail
        movw    $0x1111, r4             # halves written separately
        lpr     r4, intbasel
        movw    $0x0022, r4
        lpr     r4, intbaseh
        sprd    intbase, (r3,r2)
        cmpd    $0x00221110, (r3,r2)
        bne     fail

        movw    $6, r11                 # ISP: 24 bits
        movd    $0xffabcdee, (r1,r0)
        lprd    (r1,r0), isp
        sprd    isp, (r3,r2)
        cmpd    $0x00abcdee, (r3,r2)
        bne     fail
        movw    $0x4444, r4
        lpr     r4, ispl
        spr     isph, r5
        cmpw    $0x00ab, r5
        bne     fail
        sprd    isp, (r3,r2)
        cmpd    $0x00ab4444, (r3,r2)
        bne     fail

        movw    $7, r11                 # USP: 24 bits, not the active sp
        movd    $0x00654320, (r1,r0)
        lprd    (r1,r0), usp
        sprd    usp, (r3,r2)
        cmpd    $0x00654320, (r3,r2)
        bne     fail
        cmpd    $STACK_TOP, (sp)
        bne     fail
        movw    $0x1234, r4
        lpr     r4, uspl
        spr     uspl, r5
        cmpw    $0x1234, r5
        bne     fail
        spr     usph, r5
        cmpw    $0x0065, r5
        bne     fail

        movw    $8, r11                 # debug registers hold their values
        movw    $0x1234, r1
        lpr     r1, dsr
        spr     dsr, r2
        cmpw    $0x1234, r2
        bne     fail
        movw    $0x00f0, r1
        lpr     r1, dbs
        spr     dbs, r2
        cmpw    $0x00f0, r2
        bne     fail
        movd    $0x00123456, (r1,r0)
        lprd    (r1,r0), car0
        sprd    car0, (r3,r2)
        cmpd    $0x00123456, (r3,r2)
        bne     fail
        movd    $0x00654322, (r1,r0)
        lprd    (r1,r0), car1
        sprd    car1, (r3,r2)
        cmpd    $0x00654322, (r3,r2)
        bne     fail
        spr     car1l, r4
        cmpw    $0x4322, r4
        bne     fail
        spr     car0h, r4
        cmpw    $0x0012, r4
        bne     fail

        movw    $9, r11                 # spr into a 32-bit register: low half
        movd    $0xaaaa0000, (r12)
        movw    $PSR_E | PSR_F, r1
        lpr     r1, psr
        spr     psr, r12
        cmpd    $0xaaaa0000 | PSR_E | PSR_F, (r12)
        bne     fail

        movw    $10, r11                # di / ei change E only
        movw    $PSR_E | PSR_C, r1
        lpr     r1, psr
        di
        spr     psr, r2
        cmpw    $PSR_C, r2
        bne     fail
        ei
        spr     psr, r2
        andw    $~PSR_ZNL, r2           # the cmpw above set Z
        cmpw    $PSR_E | PSR_C, r2
        bne     fail

        movw    $11, r11                # cinv and nop change nothing
        cinv    [i]
        cinv    [d,i,u]
        nop
        spr     psr, r2
        andw    $~PSR_ZNL, r2
        cmpw    $PSR_E | PSR_C, r2
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

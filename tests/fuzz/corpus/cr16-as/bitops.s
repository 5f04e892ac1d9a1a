# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bit operations (ISA 4.10): cbit/sbit/tbit on memory bytes and words in
# every addressing mode, F = the old value of the bit, and tbit on
# registers. Exit status: 0 = pass, else the failed check (r11).
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

        .equ DATA, 0x30000

_start:
        movd    $STACK_TOP, (sp)

        movw    $1, r11                 # sbitb / cbitb / tbitb 0(rp)
        movd    $DATA, (r1,r0)
        storb   $0, 0(r1,r0)
        sbitb   $3, 0(r1,r0)
        spr     psr, r2                 # the bit was clear: F = 0
        andw    $PSR_F, r2
        beq0w   r2, 1f
        br      fail
1:      loadb   DATA, r3
        cmpb    $0x08, r3
        bne     fail
        tbitb   $3, 0(r1,r0)            # set now: F = 1
        spr     psr, r2
        andw    $PSR_F, r2
        cmpw    $PSR_F, r2
        bne     fail
        cbitb   $3, 0(r1,r0)            # clears it, F = old value 1
        spr     psr, r2
        andw    $PSR_F, r2
        cmpw    $PSR_F, r2
        bne     fail
        loadb   DATA, r3
        cmpb    $0, r3
        bne     fail
        tbitb   $3, 0(r1,r0)
        spr     psr, r2
        andw    $PSR_F, r2
        beq0w   r2, 1f
        br      fail
1:
        movw    $2, r11                 # word forms, 0(rp), bit 15
        storw   $0, 2(r1,r0)
        movd    $DATA + 2, (r3,r2)
        sbitw   $15, 0(r3,r2)
        loadw   DATA + 2, r4
        cmpw    $0x8000, r4
        bne     fail
        tbitw   $15, 0(r3,r2)
        bfc     fail                    # F must be set
        cbitw   $15, 0(r3,r2)
        bfc     fail
        loadw   DATA + 2, r4
        beq0w   r4, 1f
        br      fail
1:
        movw    $3, r11                 # disp16(rp)
        sbitb   $7, 0x104(r1,r0)
        sbitw   $9, 0x106(r1,r0)
        loadb   DATA + 0x104, r4
        cmpb    $0x80, r4
        bne     fail
        loadw   DATA + 0x106, r4
        cmpw    $0x0200, r4
        bne     fail
        tbitb   $7, 0x104(r1,r0)
        bfc     fail
        cbitw   $9, 0x106(r1,r0)
        bfc     fail
        tbitw   $9, 0x106(r1,r0)
        bfs     fail

        movw    $4, r11                 # abs20
        sbitb   $1, DATA + 0x200
        sbitw   $12, DATA + 0x202
        loadb   DATA + 0x200, r4
        cmpb    $0x02, r4
        bne     fail
        loadw   DATA + 0x202, r4
        cmpw    $0x1000, r4
        bne     fail
        tbitw   $12, DATA + 0x202
        bfc     fail
        cbitb   $1, DATA + 0x200
        bfc     fail
        tbitb   $1, DATA + 0x200
        bfs     fail

        movw    $5, r11                 # [r12]abs20 and [r13]abs20
        movd    $DATA, (r12)
        movd    $DATA + 0x100, (r13)
        sbitb   $4, [r12]0x300
        sbitw   $5, [r13]0x202          # DATA + 0x302
        loadb   DATA + 0x300, r4
        cmpb    $0x10, r4
        bne     fail
        loadw   DATA + 0x302, r4
        cmpw    $0x0020, r4
        bne     fail
        tbitb   $4, [r13]0x200
        bfc     fail
        cbitw   $5, [r12]0x302
        bfc     fail
        tbitw   $5, [r12]0x302
        bfs     fail

        movw    $6, r11                 # [r12]disp14(rp)
        movd    $DATA, (r12)
        movd    $0x400, (r3,r2)
        sbitb   $6, [r12]0x10(r3,r2)    # DATA + 0x410
        sbitw   $14, [r12]0x12(r3,r2)
        loadb   DATA + 0x410, r4
        cmpb    $0x40, r4
        bne     fail
        loadw   DATA + 0x412, r4
        cmpw    $0x4000, r4
        bne     fail
        tbitb   $6, [r12]0x10(r3,r2)
        bfc     fail
        cbitw   $14, [r12]0x12(r3,r2)
        bfc     fail
        cbitb   $6, [r12]0x10(r3,r2)
        bfc     fail
        loadd   DATA + 0x410, (r5,r4)
        cmpd    $0, (r5,r4)
        bne     fail

        movw    $7, r11                 # disp20(reg16)
        movw    $0x8000, r2
        sbitb   $2, DATA + 0x500 - 0x8000(r2)
        sbitw   $8, DATA + 0x502 - 0x8000(r2)
        loadd   DATA + 0x500, (r5,r4)
        cmpd    $0x01000004, (r5,r4)
        bne     fail
        tbitw   $8, DATA + 0x502 - 0x8000(r2)
        bfc     fail
        cbitb   $2, DATA + 0x500 - 0x8000(r2)
        bfc     fail

        movw    $8, r11                 # disp20(rp)
        movd    $DATA, (r1,r0)
        sbitb   $0, 0x10600(r1,r0)
        sbitw   $3, 0x10602(r1,r0)
        loadd   DATA + 0x10600, (r5,r4)
        cmpd    $0x00080001, (r5,r4)
        bne     fail
        tbitb   $0, 0x10600(r1,r0)
        bfc     fail
        cbitw   $3, 0x10602(r1,r0)
        bfc     fail
        tbitw   $3, 0x10602(r1,r0)
        bfs     fail

        movw    $9, r11                 # [r13]disp20(rp)
        movd    $DATA, (r13)
        movd    $0x10000, (r3,r2)
        sbitb   $5, [r13]0x700(r3,r2)   # DATA + 0x10700
        sbitw   $13, [r13]0x702(r3,r2)
        loadd   DATA + 0x10700, (r5,r4)
        cmpd    $0x20000020, (r5,r4)
        bne     fail
        cbitb   $5, [r13]0x700(r3,r2)
        bfc     fail
        tbitb   $5, [r13]0x700(r3,r2)
        bfs     fail
        tbitw   $13, [r13]0x702(r3,r2)
        bfc     fail

        movw    $10, r11                # abs24
        sbitb   $7, 0x7b0000
        sbitw   $0, 0x7b0002
        loadd   0x7b0000, (r5,r4)
        cmpd    $0x00010080, (r5,r4)
        bne     fail
        tbitb   $7, 0x7b0000
        bfc     fail
        cbitw   $0, 0x7b0002
        bfc     fail
        tbitw   $0, 0x7b0002
        bfs     fail

        movw    $11, r11                # tbit $n, rs
        movw    $0x8001, r1
        tbit    $15, r1
        bfc     fail
        tbit    $0, r1
        bfc     fail
        tbit    $1, r1
        bfs     fail

        movw    $12, r11                # tbit rn, rs (bit number mod 16)
        movw    $0x0400, r1
        movw    $10, r2
        tbit    r2, r1
        bfc     fail
        movw    $26, r2                 # 26 & 15 = 10
        tbit    r2, r1
        bfc     fail
        movw    $11, r2
        tbit    r2, r1
        bfs     fail

        movw    $13, r11                # bit ops leave C, Z, N, L alone
        movw    $PSR_E | PSR_C | PSR_Z | PSR_L, r2
        lpr     r2, psr
        sbitb   $0, DATA + 0x800
        spr     psr, r2
        andw    $PSR_C | PSR_ZNL | PSR_F, r2
        cmpw    $PSR_C | PSR_Z | PSR_L, r2
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

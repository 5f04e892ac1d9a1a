# SPDX-License-Identifier: GPL-2.0-or-later
#
# Stack and multiple-register transfers (ISA 4.11, 4.12): push/pop/popret
# memory layout with and without ra, counts in 16-bit words with 32-bit
# registers taking two, and loadm/loadmp/storm/stormp with their pointer
# updates. Exit status: 0 = pass, else the failed check (r11).
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

        .equ SP0, 0x70000
        .equ MDATA, 0x40000
        .equ MDATA16, 0xe000            # reachable with 16-bit pointers

_start:
        movd    $SP0, (sp)

        movw    $1, r11                 # push $2, r2, ra: layout
        movw    $0x2222, r2
        movw    $0x3333, r3
        movd    $0x00123456, (ra)
        push    $2, r2, ra
        cmpd    $SP0 - 8, (sp)
        bne     fail
        loadw   SP0 - 8, r4
        cmpw    $0x2222, r4
        bne     fail
        loadw   SP0 - 6, r4
        cmpw    $0x3333, r4
        bne     fail
        loadd   SP0 - 4, (r5,r4)
        cmpd    $0x00123456, (r5,r4)
        bne     fail

        movw    $2, r11                 # pop $2, r2, ra
        movw    $0, r2
        movw    $0, r3
        movd    $0, (ra)
        pop     $2, r2, ra
        cmpd    $SP0, (sp)
        bne     fail
        cmpw    $0x2222, r2
        bne     fail
        cmpw    $0x3333, r3
        bne     fail
        cmpd    $0x00123456, (ra)
        bne     fail

        movw    $3, r11                 # push $1, r4 without ra
        movw    $0x4444, r4
        push    $1, r4
        cmpd    $SP0 - 2, (sp)
        bne     fail
        loadw   SP0 - 2, r5
        cmpw    $0x4444, r5
        bne     fail
        movw    $0, r4
        pop     $1, r4
        cmpw    $0x4444, r4
        bne     fail
        cmpd    $SP0, (sp)
        bne     fail

        movw    $4, r11                 # push $8, r0: eight words
        movw    $0x1000, r0
        movw    $0x1001, r1
        movw    $0x1002, r2
        movw    $0x1003, r3
        movw    $0x1004, r4
        movw    $0x1005, r5
        movw    $0x1006, r6
        movw    $0x1007, r7
        push    $8, r0
        cmpd    $SP0 - 16, (sp)
        bne     fail
        loadw   SP0 - 16, r8
        cmpw    $0x1000, r8
        bne     fail
        loadw   SP0 - 2, r8
        cmpw    $0x1007, r8
        bne     fail
        movd    $0, (r1,r0)
        movd    $0, (r3,r2)
        movd    $0, (r5,r4)
        movd    $0, (r7,r6)
        pop     $8, r0
        cmpw    $0x1000, r0
        bne     fail
        cmpw    $0x1005, r5
        bne     fail
        cmpw    $0x1007, r7
        bne     fail
        cmpd    $SP0, (sp)
        bne     fail

        movw    $5, r11                 # push ra alone: 32 bits
        movd    $0x00abcdef, (ra)
        push    ra
        cmpd    $SP0 - 4, (sp)
        bne     fail
        loadd   SP0 - 4, (r1,r0)
        cmpd    $0x00abcdef, (r1,r0)
        bne     fail
        movd    $0, (ra)
        pop     ra
        cmpd    $0x00abcdef, (ra)
        bne     fail

        movw    $6, r11                 # 32-bit registers take two words
        movw    $0x5555, r10
        movd    $0x12345678, (r12)
        movd    $0x9abcdef0, (r13)
        push    $6, r10                 # r10, r11, r12 (2), r13 (2)
        cmpd    $SP0 - 12, (sp)
        bne     fail
        loadw   SP0 - 12, r0
        cmpw    $0x5555, r0
        bne     fail
        loadw   SP0 - 10, r0
        cmpw    $6, r0                  # r11
        bne     fail
        loadd   SP0 - 8, (r1,r0)
        cmpd    $0x12345678, (r1,r0)
        bne     fail
        loadd   SP0 - 4, (r1,r0)
        cmpd    $0x9abcdef0, (r1,r0)
        bne     fail
        movw    $0, r10
        movd    $0, (r12)
        movd    $0, (r13)
        pop     $6, r10
        cmpw    $0x5555, r10
        bne     fail
        cmpd    $0x12345678, (r12)
        bne     fail
        cmpd    $0x9abcdef0, (r13)
        bne     fail

        movw    $7, r11                 # popret $2, r7, ra
        movw    $0x7777, r7
        movw    $0x8888, r8
        bal     (ra), popret_sub
        cmpw    $0x7777, r7
        bne     fail
        cmpw    $0x8888, r8
        bne     fail
        cmpd    $SP0, (sp)
        bne     fail

        movw    $8, r11                 # storm $8 via r1
        movw    $0xa2, r2
        movw    $0xa3, r3
        movw    $0xa4, r4
        movw    $0xa5, r5
        movw    $0xa8, r8
        movw    $0xa9, r9
        movw    $0xaa, r10
        movw    $0xab, r11
        movw    $MDATA16, r1
        storm   $8
        movw    $8, r11
        cmpw    $MDATA16 + 16, r1
        bne     fail
        loadw   MDATA16, r0
        cmpw    $0xa2, r0
        bne     fail
        loadw   MDATA16 + 6, r0
        cmpw    $0xa5, r0
        bne     fail
        loadw   MDATA16 + 8, r0
        cmpw    $0xa8, r0
        bne     fail
        loadw   MDATA16 + 14, r0
        cmpw    $0xab, r0
        bne     fail

        movw    $9, r11                 # loadm $8 via r0 (r11 is the last)
        movw    $0, r2
        movw    $0, r3
        movw    $0, r4
        movw    $0, r5
        movw    $0, r8
        movw    $0, r9
        movw    $0, r10
        storw   $9, MDATA16 + 14        # so that r11 gets this check's id
        movw    $MDATA16, r0
        loadm   $8
        cmpw    $MDATA16 + 16, r0
        bne     fail
        cmpw    $0xa2, r2
        bne     fail
        cmpw    $0xa5, r5
        bne     fail
        cmpw    $0xa8, r8
        bne     fail
        cmpw    $0xaa, r10
        bne     fail
        cmpw    $9, r11
        bne     fail

        movw    $10, r11                # loadm $3 loads r2, r3, r4 only
        movw    $0, r2
        movw    $0x55, r5
        movw    $MDATA16 + 2, r0
        loadm   $3
        cmpw    $MDATA16 + 8, r0
        bne     fail
        cmpw    $0xa3, r2
        bne     fail
        cmpw    $0xa5, r4
        bne     fail
        cmpw    $0x55, r5
        bne     fail

        movw    $11, r11                # stormp $5 via (r7,r6)
        movw    $0x12, r2
        movw    $0x13, r3
        movw    $0x14, r4
        movw    $0x15, r5
        movw    $0x18, r8
        movd    $MDATA + 0x100, (r7,r6)
        stormp  $5
        cmpd    $MDATA + 0x10a, (r7,r6)
        bne     fail
        loadd   MDATA + 0x100, (r1,r0)
        cmpd    $0x00130012, (r1,r0)
        bne     fail
        loadw   MDATA + 0x108, r0
        cmpw    $0x18, r0
        bne     fail

        movw    $12, r11                # loadmp $5 via (r1,r0)
        movw    $0, r2
        movw    $0, r8
        movd    $MDATA + 0x100, (r1,r0)
        loadmp  $5
        cmpd    $MDATA + 0x10a, (r1,r0)
        bne     fail
        cmpw    $0x12, r2
        bne     fail
        cmpw    $0x15, r5
        bne     fail
        cmpw    $0x18, r8
        bne     fail

        br      pass

popret_sub:
        push    $2, r7, ra
        movw    $0, r7
        movw    $0, r8
        popret  $2, r7, ra
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

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Calls, jumps and returns (ISA 4.6, 4.11): bal with ra and with a pair,
# both displacement sizes; jal with one and two operands; jump; the link
# values (word addresses of the next instruction); popret; nested and
# recursive calls on the stack. Exit status: 0 = pass, else the failed
# check (r11).
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

        movw    $1, r11                 # bal (ra): link = NEXT >> 1
        bal     (ra), save_ra
ret1:   cmpd    $ret1@c, (r5,r4)
        bne     fail

        movw    $2, r11                 # bal (rp), 3-word form
        movd    $0, (r1,r0)
        bal     (r1,r0), save_r1r0
ret2:   cmpd    $ret2@c, (r5,r4)
        bne     fail
        cmpd    $ret2@c, (r1,r0)
        bne     fail

        movw    $3, r11                 # jal (rt): link in ra
        movd    $save_ra@c, (r3,r2)
        jal     (r3,r2)
ret3:   cmpd    $ret3@c, (r5,r4)
        bne     fail

        movw    $4, r11                 # jal (rl),(rt): link in rl
        movd    $save_r7r6@c, (r3,r2)
        jal     (r7,r6), (r3,r2)
ret4:   cmpd    $ret4@c, (r5,r4)
        bne     fail

        movw    $5, r11                 # jal (rl),(rt) with rl == rt
        movd    $save_r7r6@c, (r7,r6)
        jal     (r7,r6), (r7,r6)        # jumps to the old value
ret5:   cmpd    $ret5@c, (r5,r4)
        bne     fail

        movw    $6, r11                 # jump (rp)
        movd    $jumped@c, (r3,r2)
        jump    (r3,r2)
        br      fail
jumped:
        movw    $7, r11                 # bal across more than 64 KiB
        bal     (ra), far_sub
ret7:   cmpd    $ret7@c, (r5,r4)
        bne     fail
        cmpw    $0x7777, r8
        bne     fail

        movw    $8, r11                 # jump to a code address >= 128 KiB
        movd    $far_code@c, (r3,r2)
        jump    (r3,r2)
        br      fail
far_back:
        cmpw    $0x8888, r8
        bne     fail

        movw    $9, r11                 # push ra / popret in nested calls
        movw    $0, r8
        bal     (ra), outer
        cmpw    $3, r8
        bne     fail
        cmpd    $STACK_TOP, (sp)
        bne     fail

        movw    $10, r11                # recursion: 6! = 720
        movw    $6, r2
        bal     (ra), fact
        cmpw    $720, r0
        bne     fail
        cmpd    $STACK_TOP, (sp)
        bne     fail

        movw    $11, r11                # popret restores registers too
        movw    $0x1234, r10
        movd    $0xabcd0000, (r12)
        bal     (ra), clobber
        cmpw    $0x1234, r10
        bne     fail
        cmpw    $11, r11
        bne     fail
        cmpd    $0xabcd0000, (r12)
        bne     fail

        br      pass

# ---- subroutines ----

save_ra:
        movd    (ra), (r5,r4)
        jump    (ra)

save_r1r0:
        movd    (r1,r0), (r5,r4)
        jump    (r1,r0)

save_r7r6:
        movd    (r7,r6), (r5,r4)
        jump    (r7,r6)

outer:
        push    ra
        addw    $1, r8
        bal     (ra), middle
        popret  ra

middle:
        push    ra
        addw    $1, r8
        bal     (ra), inner
        popret  ra

inner:
        addw    $1, r8
        jump    (ra)

# r0 = r2! (r2 >= 1)
fact:
        push    $1, r2, ra
        cmpw    $1, r2
        beq     fact_one
        addw    $-1, r2
        bal     (ra), fact              # r0 = (n - 1)!, r2 = n - 1
        addw    $1, r2
        mulw    r2, r0
        popret  $1, r2, ra
fact_one:
        movw    $1, r0
        popret  $1, r2, ra

clobber:
        push    $4, r10, ra             # r10, r11 (a word each), r12 (two)
        movw    $0, r10
        movw    $0, r11
        movd    $0, (r12)
        popret  $4, r10, ra

        .space  0x20000
far_sub:
        movd    (ra), (r5,r4)
        movw    $0x7777, r8
        jump    (ra)
far_code:
        movw    $0x8888, r8
        br      far_back
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

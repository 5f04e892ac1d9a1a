# SPDX-License-Identifier: GPL-2.0-or-later
#
# Branches and conditions (ISA 3.4, 4.5-4.7): every condition code of
# Scond, Bcond and Jcond against all 32 combinations of C, L, F, Z, N
# (table at the end: PSR value, expected mask of true conditions), the
# 1-, 2- and 3-word Bcond displacements forwards and backwards, br, and
# beq0/bne0 for bytes and words. Exit status: 0 = pass; 1..32 Scond,
# 33..64 Bcond, 65..96 Jcond failures for table entry n; 100.. the other
# checks (r11).
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
        movd    $table, (r7,r6)
        movw    $0, r8                  # entry index

entry:
        loadw   0(r7,r6), r2            # PSR value
        loadw   2(r7,r6), r9            # conditions expected true

        # Scond: r3 = mask of s<cc> results
        movw    r8, r11
        addw    $1, r11
        lpr     r2, psr
        movw    $0, r3
        seq     r4
        orw     r4, r3
        sne     r4
        ashuw   $1, r4
        orw     r4, r3
        scs     r4
        ashuw   $2, r4
        orw     r4, r3
        scc     r4
        ashuw   $3, r4
        orw     r4, r3
        shi     r4
        ashuw   $4, r4
        orw     r4, r3
        sls     r4
        ashuw   $5, r4
        orw     r4, r3
        sgt     r4
        ashuw   $6, r4
        orw     r4, r3
        sle     r4
        ashuw   $7, r4
        orw     r4, r3
        sfs     r4
        ashuw   $8, r4
        orw     r4, r3
        sfc     r4
        ashuw   $9, r4
        orw     r4, r3
        slo     r4
        ashuw   $10, r4
        orw     r4, r3
        shs     r4
        ashuw   $11, r4
        orw     r4, r3
        slt     r4
        ashuw   $12, r4
        orw     r4, r3
        sge     r4
        ashuw   $13, r4
        orw     r4, r3
        cmpw    r9, r3
        bne     fail

        # Bcond: r3 = mask of taken branches
        addw    $32, r11
        lpr     r2, psr
        movw    $0, r3
        beq     bt_eq
        br      bn_eq
bt_eq:
        orw     $0x1, r3
bn_eq:
        bne     bt_ne
        br      bn_ne
bt_ne:
        orw     $0x2, r3
bn_ne:
        bcs     bt_cs
        br      bn_cs
bt_cs:
        orw     $0x4, r3
bn_cs:
        bcc     bt_cc
        br      bn_cc
bt_cc:
        orw     $0x8, r3
bn_cc:
        bhi     bt_hi
        br      bn_hi
bt_hi:
        orw     $0x10, r3
bn_hi:
        bls     bt_ls
        br      bn_ls
bt_ls:
        orw     $0x20, r3
bn_ls:
        bgt     bt_gt
        br      bn_gt
bt_gt:
        orw     $0x40, r3
bn_gt:
        ble     bt_le
        br      bn_le
bt_le:
        orw     $0x80, r3
bn_le:
        bfs     bt_fs
        br      bn_fs
bt_fs:
        orw     $0x100, r3
bn_fs:
        bfc     bt_fc
        br      bn_fc
bt_fc:
        orw     $0x200, r3
bn_fc:
        blo     bt_lo
        br      bn_lo
bt_lo:
        orw     $0x400, r3
bn_lo:
        bhs     bt_hs
        br      bn_hs
bt_hs:
        orw     $0x800, r3
bn_hs:
        blt     bt_lt
        br      bn_lt
bt_lt:
        orw     $0x1000, r3
bn_lt:
        bge     bt_ge
        br      bn_ge
bt_ge:
        orw     $0x2000, r3
bn_ge:
        cmpw    r9, r3
        bne     fail

        # Jcond: r3 = mask of taken jumps
        addw    $32, r11
        lpr     r2, psr
        movw    $0, r3
        movd    $jt_eq@c, (r5,r4)
        jeq     (r5,r4)
        br      jn_eq
jt_eq:
        orw     $0x1, r3
jn_eq:
        movd    $jt_ne@c, (r5,r4)
        jne     (r5,r4)
        br      jn_ne
jt_ne:
        orw     $0x2, r3
jn_ne:
        movd    $jt_cs@c, (r5,r4)
        jcs     (r5,r4)
        br      jn_cs
jt_cs:
        orw     $0x4, r3
jn_cs:
        movd    $jt_cc@c, (r5,r4)
        jcc     (r5,r4)
        br      jn_cc
jt_cc:
        orw     $0x8, r3
jn_cc:
        movd    $jt_hi@c, (r5,r4)
        jhi     (r5,r4)
        br      jn_hi
jt_hi:
        orw     $0x10, r3
jn_hi:
        movd    $jt_ls@c, (r5,r4)
        jls     (r5,r4)
        br      jn_ls
jt_ls:
        orw     $0x20, r3
jn_ls:
        movd    $jt_gt@c, (r5,r4)
        jgt     (r5,r4)
        br      jn_gt
jt_gt:
        orw     $0x40, r3
jn_gt:
        movd    $jt_le@c, (r5,r4)
        jle     (r5,r4)
        br      jn_le
jt_le:
        orw     $0x80, r3
jn_le:
        movd    $jt_fs@c, (r5,r4)
        jfs     (r5,r4)
        br      jn_fs
jt_fs:
        orw     $0x100, r3
jn_fs:
        movd    $jt_fc@c, (r5,r4)
        jfc     (r5,r4)
        br      jn_fc
jt_fc:
        orw     $0x200, r3
jn_fc:
        movd    $jt_lo@c, (r5,r4)
        jlo     (r5,r4)
        br      jn_lo
jt_lo:
        orw     $0x400, r3
jn_lo:
        movd    $jt_hs@c, (r5,r4)
        jhs     (r5,r4)
        br      jn_hs
jt_hs:
        orw     $0x800, r3
jn_hs:
        movd    $jt_lt@c, (r5,r4)
        jlt     (r5,r4)
        br      jn_lt
jt_lt:
        orw     $0x1000, r3
jn_lt:
        movd    $jt_ge@c, (r5,r4)
        jge     (r5,r4)
        br      jn_ge
jt_ge:
        orw     $0x2000, r3
jn_ge:
        cmpw    r9, r3
        bne     fail

        addd    $4, (r7,r6)
        addw    $1, r8
        cmpw    $32, r8
        bne     entry

        movw    $100, r11               # 2-word Bcond forward, taken
        movw    $PSR_E | PSR_Z, r2
        lpr     r2, psr
        beq     far17_fwd
        br      fail
far17_back:
        br      far17_done
        .space  300
far17_fwd:
        movw    $101, r11               # 2-word Bcond backward, taken
        beq     far17_back
        br      fail
far17_done:
        movw    $102, r11               # 2-word Bcond not taken
        bne     fail_far17
        br      near_ok
        .space  300
fail_far17:
        br      fail
near_ok:
        movw    $103, r11               # 3-word Bcond forward, taken
        bcc     far25_fwd               # C is clear
        br      fail
far25_back:
        br      far25_done
        .space  0x11000
far25_fwd:
        movw    $104, r11               # 3-word Bcond backward, taken
        br      far25_back
far25_done:
        movw    $105, r11               # 3-word Bcond not taken
        bcs     fail_far25
        br      beq0_tests
        .space  0x11000
fail_far25:
        br      fail

beq0_tests:
        movw    $106, r11               # beq0b / bne0b look at bits 7..0
        movw    $0x0100, r1
        beq0b   r1, 1f                  # taken
        br      fail
1:      bne0b   r1, 2f                  # not taken
        br      3f
2:      br      fail
3:      movw    $107, r11               # beq0w / bne0w look at 16 bits
        beq0w   r1, 4f                  # not taken
        br      5f
4:      br      fail
5:      bne0w   r1, 6f                  # taken
        br      fail
6:      movw    $0, r1
        bne0w   r1, 7f                  # not taken
        br      8f
7:      br      fail
8:      movw    $108, r11               # the longest displacement: 32
        beq0w   r1, 2f
        br      fail
        .space  28
2:      movw    $109, r11               # the shortest: 2, next instruction
        beq0w   r1, 3f
3:      movw    $0x0042, r1
        bne0b   r1, 4f
        br      fail
4:      br      pass
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

        .align  4
table:
        .word   0x0200, 0x16aa
        .word   0x0201, 0x16a6
        .word   0x0204, 0x1a9a
        .word   0x0205, 0x1a96
        .word   0x0220, 0x15aa
        .word   0x0221, 0x15a6
        .word   0x0224, 0x199a
        .word   0x0225, 0x1996
        .word   0x0240, 0x2aa9
        .word   0x0241, 0x2aa5
        .word   0x0244, 0x2a99
        .word   0x0245, 0x2a95
        .word   0x0260, 0x29a9
        .word   0x0261, 0x29a5
        .word   0x0264, 0x2999
        .word   0x0265, 0x2995
        .word   0x0280, 0x266a
        .word   0x0281, 0x2666
        .word   0x0284, 0x2a5a
        .word   0x0285, 0x2a56
        .word   0x02a0, 0x256a
        .word   0x02a1, 0x2566
        .word   0x02a4, 0x295a
        .word   0x02a5, 0x2956
        .word   0x02c0, 0x2a69
        .word   0x02c1, 0x2a65
        .word   0x02c4, 0x2a59
        .word   0x02c5, 0x2a55
        .word   0x02e0, 0x2969
        .word   0x02e1, 0x2965
        .word   0x02e4, 0x2959
        .word   0x02e5, 0x2955

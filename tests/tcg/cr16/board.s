# SPDX-License-Identifier: GPL-2.0-or-later
#
# The virt board as the CPU sees it (include/hw/cr16/virt.h): the system
# controller's registers, the RAM window and its BANK register (data and
# code through the window, TLB and code cache following BANK), RAM beyond
# -m and the unmapped hole reading 0, self-modifying code, and the timer
# counting. Run with the default 128 MiB of RAM. Exit status: 0 = pass,
# else the failed check (r11).

        .include "virt.inc"
        .include "psr.inc"

        .equ SYSCTL, VIRT_SYSCTL_CPU
        .equ TIMER, VIRT_TIMER_CPU
        .equ WINDOW, VIRT_WINDOW_CPU_BASE
        .equ HOLE, VIRT_WINDOW_CPU_BASE + VIRT_WINDOW_SIZE

_start:
        movd    $STACK_TOP, (sp)

        movw    $1, r11                 # identification and RAM size
        loadd   SYSCTL + VIRT_SYSCTL_ID, (r1,r0)
        cmpd    $VIRT_SYSCTL_ID_VALUE, (r1,r0)
        bne     fail
        loadd   SYSCTL + VIRT_SYSCTL_RAM_SIZE, (r1,r0)
        cmpd    $VIRT_RAM_DEFAULT_SIZE, (r1,r0)
        bne     fail

        movw    $2, r11                 # BANK resets to 0, keeps 10 bits
        loadw   SYSCTL + VIRT_SYSCTL_BANK, r1
        cmpw    $0, r1
        bne     fail
        movw    $-1, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        loadw   SYSCTL + VIRT_SYSCTL_BANK, r1
        cmpw    $VIRT_SYSCTL_BANK_MASK, r1
        bne     fail

        movw    $3, r11                 # bank 1 shows low RAM at 4 MiB
        movw    $1, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        movd    $0x600dd00d, (r3,r2)
        stord   (r3,r2), WINDOW + 0x10
        loadd   0x400010, (r5,r4)
        cmpd    $0x600dd00d, (r5,r4)
        bne     fail
        movd    $0x12344321, (r3,r2)    # and the other way round
        stord   (r3,r2), 0x400020
        loadd   WINDOW + 0x20, (r5,r4)
        cmpd    $0x12344321, (r5,r4)
        bne     fail

        movw    $4, r11                 # banks above low RAM are distinct
        movw    $2, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        movd    $0xb2b2b2b2, (r3,r2)
        stord   (r3,r2), WINDOW + 0x100
        movw    $3, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        loadd   WINDOW + 0x100, (r5,r4)  # a fresh bank: zero
        cmpd    $0, (r5,r4)
        bne     fail
        movd    $0xb3b3b3b3, (r3,r2)
        stord   (r3,r2), WINDOW + 0x100
        movw    $2, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        loadd   WINDOW + 0x100, (r5,r4)
        cmpd    $0xb2b2b2b2, (r5,r4)
        bne     fail
        movw    $31, r1                 # the last bank of 128 MiB
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        movd    $0x31313131, (r3,r2)
        stord   (r3,r2), WINDOW + VIRT_WINDOW_SIZE - 4
        loadd   WINDOW + VIRT_WINDOW_SIZE - 4, (r5,r4)
        cmpd    $0x31313131, (r5,r4)
        bne     fail

        movw    $5, r11                 # beyond RAM: reads 0, writes lost
        movw    $32, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        movd    $-1, (r3,r2)
        stord   (r3,r2), WINDOW
        loadd   WINDOW, (r5,r4)
        cmpd    $0, (r5,r4)
        bne     fail

        movw    $6, r11                 # the hole above the window
        movd    $-1, (r3,r2)
        stord   (r3,r2), HOLE
        loadd   HOLE, (r5,r4)
        cmpd    $0, (r5,r4)
        bne     fail
        loadw   0xfeff00, r4
        cmpw    $0, r4
        bne     fail

        movw    $7, r11                 # code in the window follows BANK
        movw    $5, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        bal     (ra), copy_ret_a        # bank 5: "movw $0x1234, r0"
        movw    $6, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        bal     (ra), copy_ret_b        # bank 6: "movw $0x5678, r0"
        movw    $5, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        movd    $WINDOW >> 1, (r3,r2)
        movw    $0, r0
        jal     (r3,r2)
        cmpw    $0x1234, r0
        bne     fail
        movw    $6, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        jal     (r3,r2)
        cmpw    $0x5678, r0
        bne     fail
        movw    $5, r1
        storw   r1, SYSCTL + VIRT_SYSCTL_BANK
        jal     (r3,r2)
        cmpw    $0x1234, r0
        bne     fail

        movw    $8, r11                 # self-modifying code in low RAM
        bal     (ra), patchable
        cmpw    $0x1111, r0
        bne     fail
        loadd   insn_b, (r3,r2)         # overwrite its first instruction
        stord   (r3,r2), patchable
        bal     (ra), patchable
        cmpw    $0x5678, r0
        bne     fail

        movw    $9, r11                 # SCRATCH is plain storage
        movd    $0xfedcba98, (r3,r2)
        stord   (r3,r2), SYSCTL + VIRT_SYSCTL_SCRATCH
        loadd   SYSCTL + VIRT_SYSCTL_SCRATCH, (r5,r4)
        cmpd    $0xfedcba98, (r5,r4)
        bne     fail

        movw    $10, r11                # the timer counts when enabled
        movw    $VIRT_TIMER_CTRL_EN, r1
        storw   r1, TIMER + VIRT_TIMER_CTRL
        loadd   TIMER + VIRT_TIMER_COUNT, (r3,r2)
        movd    $0x200000, (r13)
1:      loadd   TIMER + VIRT_TIMER_COUNT, (r5,r4)
        cmpd    (r5,r4), (r3,r2)
        bne     2f
        addd    $-1, (r13)
        cmpd    $0, (r13)
        bne     1b
        br      fail
2:      movw    $0, r1                  # stopped, it holds still
        storw   r1, TIMER + VIRT_TIMER_CTRL
        loadd   TIMER + VIRT_TIMER_COUNT, (r3,r2)
        movw    $1000, r1
3:      addw    $-1, r1
        cmpw    $0, r1
        bne     3b
        loadd   TIMER + VIRT_TIMER_COUNT, (r5,r4)
        cmpd    (r5,r4), (r3,r2)
        bne     fail

        movw    $11, r11                # the UART can always transmit
        loadw   VIRT_UART_CPU + VIRT_UART_STATUS, r1
        andw    $VIRT_UART_STATUS_TXREADY | VIRT_UART_STATUS_RXAVAIL, r1
        cmpw    $VIRT_UART_STATUS_TXREADY, r1
        bne     fail

        br      pass

# Copy insn_a / insn_b followed by "jump (ra)" to the window start.
copy_ret_a:
        loadd   insn_a, (r5,r4)
        br      1f
copy_ret_b:
        loadd   insn_b, (r5,r4)
1:      stord   (r5,r4), WINDOW
        loadw   insn_ret, r4
        storw   r4, WINDOW + 4
        jump    (ra)

patchable:
        movw    $0x1111, r0
        jump    (ra)

insn_a: movw    $0x1234, r0
insn_b: movw    $0x5678, r0
insn_ret:
        jump    (ra)

        .include "exit.inc"

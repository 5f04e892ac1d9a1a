# SPDX-License-Identifier: GPL-2.0-or-later
#
# Interrupts (ISA 5.3, 4.14; board: VIRT_ICU_*, VIRT_TIMER_*): timer
# compare interrupts through the interrupt controller taken by wait and
# eiwait, periodic timer interrupts, the vector of source n being 16 + n,
# masking by PSR.I, PSR.E and the controller's ENABLE, priority between
# sources, the nesting rule (PSR.I cleared on entry; nesting only when
# the handler sets it again), and the UART's interrupt. Checks that need
# an interrupt at a precise moment use software sources (VIRT_ICU_SOFT):
# no check depends on how fast the host runs. Exit status: 0 = pass,
# else the failed check (r11).
#
# An interrupt raised by a register write may be taken a few instructions
# later (the CPU checks between blocks): checks wait for it (wait_count).
#
# The common handler: r7 += 1, r10 = vector, r12 = the controller's
# VECTOR register as seen by the handler, r9 = saved PSR, r8 = PSR in the
# handler, appends the vector to the log at LOG (index r6), and clears
# the interrupt's cause. It clobbers r2, r3, r4, r5.

        .include "virt.inc"
        .include "psr.inc"

        .equ LOG, 0x60000
        .equ TIMER, VIRT_TIMER_CPU
        .equ ICU, VIRT_ICU_CPU
        .equ UART, VIRT_UART_CPU
        .equ SPIN, 0x200000             # bound for synchronous events
        .equ SRC, 6                     # software source of checks 3-5

_start:
        movd    $STACK_TOP, (sp)
        movd    $ISTACK_TOP, (r1,r0)
        lprd    (r1,r0), isp
        movd    $table, (r1,r0)
        lprd    (r1,r0), intbase
        movw    $CFG_ED, r1
        lpr     r1, cfg
        movw    $0, r6
        movw    $0, r7

        movw    $1, r11                 # controller reset state
        loadw   ICU + VIRT_ICU_ENABLE, r2
        cmpw    $0, r2
        bne     fail
        loadw   ICU + VIRT_ICU_VECTOR, r2
        cmpw    $0, r2
        bne     fail

        movw    $2, r11                 # timer interrupt, taken by wait
        movw    $1 << VIRT_IRQ_TIMER, r2
        storw   r2, ICU + VIRT_ICU_ENABLE
        movw    $PSR_E | PSR_I, r2
        lpr     r2, psr
        movw    $0, r3                  # periodic, so that an interrupt
        storw   r3, TIMER + VIRT_TIMER_CTRL     # before the wait cannot
        movd    $0, (r3,r2)                     # leave it waiting forever
        stord   (r3,r2), TIMER + VIRT_TIMER_COUNT       # (32-bit writes:
        movd    $100, (r3,r2)                   # a 16-bit one would keep
        stord   (r3,r2), TIMER + VIRT_TIMER_COMPARE     # the upper half)
        movw    $VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE | VIRT_TIMER_CTRL_PERIODIC, r3
        storw   r3, TIMER + VIRT_TIMER_CTRL
        wait
after_wait:
        di                              # any interrupt from here on would
        movw    $0, r3                  # return to after_wait as well
        storw   r3, TIMER + VIRT_TIMER_CTRL
        movw    $VIRT_TIMER_STATUS_MATCH, r3
        storw   r3, TIMER + VIRT_TIMER_STATUS
        cmpw    $0, r7
        beq     fail
        cmpw    $VIRT_ICU_VECTOR_BASE + VIRT_IRQ_TIMER, r10
        bne     fail
        cmpw    $VIRT_ICU_VECTOR_BASE + VIRT_IRQ_TIMER, r12
        bne     fail
        cmpd    $after_wait@c, (r5,r4)  # return = after wait
        bne     fail
        andw    $PSR_I, r9              # interrupted with I = 1 ...
        cmpw    $PSR_I, r9
        bne     fail
        andw    $PSR_I, r8              # ... handler runs with I = 0
        beq0w   r8, 1f
        br      fail
1:      ei
        spr     psr, r2                 # retx restored I
        andw    $PSR_E | PSR_I, r2
        cmpw    $PSR_E | PSR_I, r2
        bne     fail

        movw    $3, r11                 # PSR.I = 0 holds a pending interrupt
        movw    $PSR_E, r2
        lpr     r2, psr
        movw    $1 << SRC, r2
        storw   r2, ICU + VIRT_ICU_ENABLE
        movw    $0, r7
        storw   r2, ICU + VIRT_ICU_SOFT
        loadw   ICU + VIRT_ICU_ACTIVE, r2
        cmpw    $1 << SRC, r2
        bne     fail
        bal     (ra), linger            # nothing is taken meanwhile
        cmpw    $0, r7
        bne     fail
        movw    $PSR_E | PSR_I, r2
        lpr     r2, psr                 # now it is taken
        movw    $1, r0
        bal     (ra), wait_count
        cmpw    $VIRT_ICU_VECTOR_BASE + SRC, r10
        bne     fail
        loadw   ICU + VIRT_ICU_PENDING, r2
        cmpw    $0, r2                  # the handler cleared the cause
        bne     fail

        movw    $4, r11                 # PSR.E = 0 (di) holds it too
        di
        movw    $0, r7
        movw    $1 << SRC, r2
        storw   r2, ICU + VIRT_ICU_SOFT
        bal     (ra), linger
        cmpw    $0, r7
        bne     fail
        ei                              # now it is taken
        movw    $1, r0
        bal     (ra), wait_count

        movw    $5, r11                 # the controller's ENABLE masks
        movw    $0, r2
        storw   r2, ICU + VIRT_ICU_ENABLE
        movw    $0, r7
        movw    $1 << SRC, r2
        storw   r2, ICU + VIRT_ICU_SOFT
        loadw   ICU + VIRT_ICU_PENDING, r2
        cmpw    $1 << SRC, r2
        bne     fail
        loadw   ICU + VIRT_ICU_ACTIVE, r2
        cmpw    $0, r2
        bne     fail
        loadw   ICU + VIRT_ICU_VECTOR, r2
        cmpw    $0, r2
        bne     fail
        bal     (ra), linger
        cmpw    $0, r7
        bne     fail
        movw    $1 << SRC, r2
        storw   r2, ICU + VIRT_ICU_ENABLE   # now it is taken
        movw    $1, r0
        bal     (ra), wait_count

        movw    $6, r11                 # priority: the lower source first
        movw    $PSR_E, r2
        lpr     r2, psr
        movw    $0xffff, r2
        storw   r2, ICU + VIRT_ICU_ENABLE
        movw    $(1 << 5) | (1 << 3), r2
        storw   r2, ICU + VIRT_ICU_SOFT
        loadw   ICU + VIRT_ICU_VECTOR, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 3, r2
        bne     fail
        movw    $0, r6
        movw    $0, r7
        movw    $PSR_E | PSR_I, r2
        lpr     r2, psr                 # both taken, one after the other
        movw    $2, r0
        bal     (ra), wait_count
        loadw   LOG, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 3, r2
        bne     fail
        loadw   LOG + 2, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 5, r2
        bne     fail

        movw    $7, r11                 # no nesting while PSR.I = 0
        movd    $table_nest, (r1,r0)
        lprd    (r1,r0), intbase
        movw    $0, r1                  # h_nest: do not set I
        movw    $0, r6
        movw    $0, r7
        movw    $1 << 5, r2
        storw   r2, ICU + VIRT_ICU_SOFT # h_nest raises source 3
        movw    $2, r0
        bal     (ra), wait_count
        loadw   LOG, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 5, r2
        bne     fail
        loadw   LOG + 2, r2
        cmpw    $0xee, r2               # h_nest finished first
        bne     fail
        loadw   LOG + 4, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 3, r2
        bne     fail

        movw    $8, r11                 # nesting once the handler sets I
        movw    $1, r1                  # h_nest: set I
        movw    $0, r6
        movw    $0, r7
        movw    $1 << 5, r2
        storw   r2, ICU + VIRT_ICU_SOFT
        movw    $2, r0
        bal     (ra), wait_count
        loadw   LOG, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 5, r2
        bne     fail
        loadw   LOG + 2, r2
        cmpw    $VIRT_ICU_VECTOR_BASE + 3, r2   # nested inside
        bne     fail
        loadw   LOG + 4, r2
        cmpw    $0xee, r2
        bne     fail
        sprd    isp, (r2,r1)            # frames all popped
        cmpd    $ISTACK_TOP, (r2,r1)
        bne     fail
        movd    $table, (r1,r0)
        lprd    (r1,r0), intbase
        movw    $0, r1

        movw    $9, r11                 # eiwait: enable and wait at once
        di
        movw    $1 << VIRT_IRQ_TIMER, r2
        storw   r2, ICU + VIRT_ICU_ENABLE
        movw    $0, r7
        movw    $100, r2
        bal     (ra), timer_start
        eiwait
after_eiwait:
        cmpw    $1, r7
        bne     fail
        cmpd    $after_eiwait@c, (r5,r4)
        bne     fail
        spr     psr, r2
        andw    $PSR_E, r2
        cmpw    $PSR_E, r2
        bne     fail

        movw    $10, r11                # periodic timer: five interrupts
        movw    $0, r7
        movw    $0, r2
        storw   r2, TIMER + VIRT_TIMER_CTRL
        movd    $0, (r3,r2)
        stord   (r3,r2), TIMER + VIRT_TIMER_COUNT
        movd    $20, (r3,r2)
        stord   (r3,r2), TIMER + VIRT_TIMER_COMPARE
        movw    $VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE | VIRT_TIMER_CTRL_PERIODIC, r2
        storw   r2, TIMER + VIRT_TIMER_CTRL
1:      wait
        cmpw    $5, r7                  # until 5 > r7 no longer holds
        bhi     1b
        movw    $0, r2
        storw   r2, TIMER + VIRT_TIMER_CTRL
        loadd   TIMER + VIRT_TIMER_COUNT, (r3,r2)
        cmpd    $20, (r3,r2)            # periodic: never beyond COMPARE
        bhs     1f                      # 20 >= count
        br      fail
1:
        movw    $11, r11                # the UART's transmitter interrupt
        movw    $1 << VIRT_IRQ_UART, r2
        storw   r2, ICU + VIRT_ICU_ENABLE
        movw    $0, r7
        movw    $VIRT_UART_CTRL_TXIE, r2
        storw   r2, UART + VIRT_UART_CTRL   # the line is high at once
        movw    $1, r0
        bal     (ra), wait_count
        cmpw    $VIRT_ICU_VECTOR_BASE + VIRT_IRQ_UART, r10
        bne     fail
        loadw   UART + VIRT_UART_CTRL, r2
        cmpw    $0, r2                  # the handler turned TXIE off
        bne     fail

        br      pass

# ---- helpers ----

# Restart the timer from 0 with a match after r2 ticks.
timer_start:
        movw    $0, r3
        storw   r3, TIMER + VIRT_TIMER_CTRL
        movzw   r2, (r3,r2)             # 32-bit writes for COMPARE and COUNT
        stord   (r3,r2), TIMER + VIRT_TIMER_COMPARE
        movd    $0, (r3,r2)
        stord   (r3,r2), TIMER + VIRT_TIMER_COUNT
        movw    $VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE, r3
        storw   r3, TIMER + VIRT_TIMER_CTRL
        jump    (ra)

# Run a few hundred instructions (blocks): time for a wrongly accepted
# interrupt to be taken.
linger:
        movw    $200, r2
1:      addw    $-1, r2
        cmpw    $0, r2
        bne     1b
        jump    (ra)

# Spin until r7 (the interrupt count) equals r0 (bounded). An interrupt
# raised by a device register write is taken within a few instructions;
# the CPU model takes them between blocks.
wait_count:
        movd    $SPIN, (r13)
1:      cmpw    r0, r7
        beq     2f
        addd    $-1, (r13)
        cmpd    $0, (r13)
        bne     1b
        br      fail
2:      jump    (ra)

# ---- handlers ----

irq_common:
        addw    $1, r7
        cmpw    $50, r7                 # an interrupt storm: give up
        blo     fail
        loadw   ICU + VIRT_ICU_VECTOR, r12
        sprd    isp, (r3,r2)
        loadd   0(r3,r2), (r5,r4)
        loadw   4(r3,r2), r9
        spr     psr, r8
        movzw   r6, (r3,r2)             # log the vector
        addd    $LOG, (r3,r2)
        storw   r10, 0(r3,r2)
        addw    $2, r6
        cmpw    $VIRT_ICU_VECTOR_BASE + VIRT_IRQ_TIMER, r10
        bne     1f
        movw    $VIRT_TIMER_STATUS_MATCH, r2
        storw   r2, TIMER + VIRT_TIMER_STATUS
        retx
1:      cmpw    $VIRT_ICU_VECTOR_BASE + VIRT_IRQ_UART, r10
        bne     2f
        movw    $0, r2
        storw   r2, UART + VIRT_UART_CTRL
        retx
2:      movw    r10, r2                 # a software source: clear it
        addw    $-VIRT_ICU_VECTOR_BASE, r2
        movw    $1, r3
        ashuw   r2, r3
        xorw    $-1, r3
        loadw   ICU + VIRT_ICU_SOFT, r2
        andw    r3, r2
        storw   r2, ICU + VIRT_ICU_SOFT
        retx

# Source 5 in the nesting checks: clears itself, sets I if r1 != 0,
# raises source 3, then logs 0xee.
h_nest:
        addw    $1, r7
        movzw   r6, (r3,r2)
        addd    $LOG, (r3,r2)
        movw    $VIRT_ICU_VECTOR_BASE + 5, r4
        storw   r4, 0(r3,r2)
        addw    $2, r6
        movw    $0, r2
        storw   r2, ICU + VIRT_ICU_SOFT
        beq0w   r1, 1f
        spr     psr, r2
        orw     $PSR_I, r2
        lpr     r2, psr
1:      movw    $1 << 3, r2
        storw   r2, ICU + VIRT_ICU_SOFT # nested here if I = 1
        movd    $2000, (r13)            # give it time to arrive
2:      cmpw    $2, r7
        beq     3f
        addd    $-1, (r13)
        cmpd    $0, (r13)
        bne     2b
3:      movzw   r6, (r3,r2)
        addd    $LOG, (r3,r2)
        movw    $0xee, r4
        storw   r4, 0(r3,r2)
        addw    $2, r6
        retx

        .include "exit.inc"

h0:
        movw    $0, r10
        br      fail
h1:
        movw    $1, r10
        br      fail
h2:
        movw    $2, r10
        br      fail
h3:
        movw    $3, r10
        br      fail
h4:
        movw    $4, r10
        br      fail
h5:
        movw    $5, r10
        br      fail
h6:
        movw    $6, r10
        br      fail
h7:
        movw    $7, r10
        br      fail
h8:
        movw    $8, r10
        br      fail
h9:
        movw    $9, r10
        br      fail
h10:
        movw    $10, r10
        br      fail
h11:
        movw    $11, r10
        br      fail
h12:
        movw    $12, r10
        br      fail
h13:
        movw    $13, r10
        br      fail
h14:
        movw    $14, r10
        br      fail
h15:
        movw    $15, r10
        br      fail
h16:
        movw    $16, r10
        br      irq_common
h17:
        movw    $17, r10
        br      irq_common
h18:
        movw    $18, r10
        br      irq_common
h19:
        movw    $19, r10
        br      irq_common
h20:
        movw    $20, r10
        br      irq_common
h21:
        movw    $21, r10
        br      irq_common
h22:
        movw    $22, r10
        br      irq_common
h23:
        movw    $23, r10
        br      irq_common
h24:
        movw    $24, r10
        br      irq_common
h25:
        movw    $25, r10
        br      irq_common
h26:
        movw    $26, r10
        br      irq_common
h27:
        movw    $27, r10
        br      irq_common
h28:
        movw    $28, r10
        br      irq_common
h29:
        movw    $29, r10
        br      irq_common
h30:
        movw    $30, r10
        br      irq_common
h31:
        movw    $31, r10
        br      irq_common

        .align  4
table:
        .long   h0@c
        .long   h1@c
        .long   h2@c
        .long   h3@c
        .long   h4@c
        .long   h5@c
        .long   h6@c
        .long   h7@c
        .long   h8@c
        .long   h9@c
        .long   h10@c
        .long   h11@c
        .long   h12@c
        .long   h13@c
        .long   h14@c
        .long   h15@c
        .long   h16@c
        .long   h17@c
        .long   h18@c
        .long   h19@c
        .long   h20@c
        .long   h21@c
        .long   h22@c
        .long   h23@c
        .long   h24@c
        .long   h25@c
        .long   h26@c
        .long   h27@c
        .long   h28@c
        .long   h29@c
        .long   h30@c
        .long   h31@c
table_nest:
        .long   h0@c
        .long   h1@c
        .long   h2@c
        .long   h3@c
        .long   h4@c
        .long   h5@c
        .long   h6@c
        .long   h7@c
        .long   h8@c
        .long   h9@c
        .long   h10@c
        .long   h11@c
        .long   h12@c
        .long   h13@c
        .long   h14@c
        .long   h15@c
        .long   h16@c
        .long   h17@c
        .long   h18@c
        .long   h19@c
        .long   h20@c
        .long   h_nest@c
        .long   h22@c
        .long   h23@c
        .long   h24@c
        .long   h25@c
        .long   h26@c
        .long   h27@c
        .long   h28@c
        .long   h29@c
        .long   h30@c
        .long   h31@c

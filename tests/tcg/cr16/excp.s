# SPDX-License-Identifier: GPL-2.0-or-later
#
# Exceptions (ISA 5.1-5.3, 4.14): the dispatch table with 32-bit (CFG.ED
# = 1) and 16-bit entries, the stack frame on the interrupt stack (PSR,
# then the return word address), return addresses (next instruction for
# excp and trace, the faulting one for UND and IAD), retx restoring PSR
# and ISP, every excp vector, undefined and privileged instructions,
# illegal loadm pointers, the trace trap, nested traps, and user mode
# (jusr, banked stack pointer). Exit status: 0 = pass, else the failed
# check (r11).
#
# The common handler leaves: r10 vector, r7 trap count (incremented),
# (r13) ISP at entry, (r5,r4) saved return word address, r9 saved PSR,
# r8 PSR inside the handler. Before returning it adds r6 words to the
# saved return address and clears the PSR bits r1 in the saved PSR. It
# clobbers r2, r3.

        .include "virt.inc"
        .include "psr.inc"

        .equ USTACK, 0x6f0000
        .equ SAVE, 0x50000

_start:
        movd    $STACK_TOP, (sp)
        movd    $ISTACK_TOP, (r1,r0)
        lprd    (r1,r0), isp
        movd    $table32, (r1,r0)
        lprd    (r1,r0), intbase
        movw    $CFG_ED, r1
        lpr     r1, cfg
        movw    $0, r1
        movw    $0, r6
        movw    $0, r7

        movw    $1, r11                 # excp svc: vector, frame, retx
        movw    $PSR_E | PSR_C | PSR_F | PSR_L, r12
        lpr     r12, psr
        excp    svc
ret_svc:
        spr     psr, r12                # retx restored PSR
        cmpw    $PSR_E | PSR_C | PSR_F | PSR_L, r12
        bne     fail
        cmpw    $5, r10
        bne     fail
        cmpw    $1, r7
        bne     fail
        cmpd    $ISTACK_TOP - 6, (r13)  # frame: 2 + 4 bytes
        bne     fail
        cmpd    $ret_svc@c, (r5,r4)     # return = next instruction
        bne     fail
        cmpw    $PSR_E | PSR_C | PSR_F | PSR_L, r9
        bne     fail
        sprd    isp, (r13)              # retx popped the frame
        cmpd    $ISTACK_TOP, (r13)
        bne     fail

        movw    $2, r11                 # the frame in memory
        loadd   ISTACK_TOP - 6, (r13)
        cmpd    $ret_svc@c, (r13)
        bne     fail
        loadw   ISTACK_TOP - 2, r12
        cmpw    $PSR_E | PSR_C | PSR_F | PSR_L, r12
        bne     fail

        movw    $3, r11                 # excp dvz
        excp    dvz
ret_dvz:
        cmpw    $6, r10
        bne     fail
        cmpd    $ret_dvz@c, (r5,r4)
        bne     fail

        movw    $14, r11                # excp flg
        excp    flg
ret_flg:
        cmpw    $7, r10
        bne     fail
        cmpd    $ret_flg@c, (r5,r4)
        bne     fail

        movw    $4, r11                 # excp bpt
        excp    bpt
ret_bpt:
        cmpw    $8, r10
        bne     fail
        cmpd    $ret_bpt@c, (r5,r4)
        bne     fail

        movw    $5, r11                 # excp und: a trap, returns after
        excp    und
ret_und:
        cmpw    $10, r10
        bne     fail
        cmpd    $ret_und@c, (r5,r4)
        bne     fail

        movw    $6, r11                 # traps keep I and E, clear T/U/P
        movw    $PSR_E | PSR_I, r12
        lpr     r12, psr
        excp    svc
        movw    $PSR_E, r12
        lpr     r12, psr
        andw    $PSR_E | PSR_I | PSR_T | PSR_U | PSR_P, r8
        cmpw    $PSR_E | PSR_I, r8
        bne     fail

        movw    $7, r11                 # an undefined instruction: UND at it
        movw    $1, r6                  # (the handler skips one word)
bad_insn:
        .word   0x0000
        movw    $0, r6
        cmpw    $10, r10
        bne     fail
        cmpd    $bad_insn@c, (r5,r4)
        bne     fail

        movw    $8, r11                 # excp with an unnamed vector: UND
        movw    $1, r6
bad_excp:
        .word   0x00c3                  # excp 3
        movw    $0, r6
        cmpw    $10, r10
        bne     fail
        cmpd    $bad_excp@c, (r5,r4)
        bne     fail

        movw    $9, r11                 # loadm from an odd pointer: IAD
        movw    $1, r6
        movw    $0x1001, r0
bad_loadm:
        loadm   $2
        movw    $0, r6
        cmpw    $12, r10
        bne     fail
        cmpd    $bad_loadm@c, (r5,r4)
        bne     fail

        movw    $10, r11                # trace: one trap per instruction
        movw    $0, r7                  # (h_trc ends tracing on the 3rd)
        movw    $PSR_E | PSR_T, r12
        lpr     r12, psr                # T = 1 from the next instruction
        nop
        nop
last_traced:
        nop
after_trace:
        cmpw    $3, r7
        bne     fail
        cmpw    $9, r10
        bne     fail
        cmpd    $after_trace@c, (r5,r4) # return = next instruction
        bne     fail
        spr     psr, r12
        andw    $PSR_T, r12
        beq0w   r12, 1f
        br      fail
1:
        movw    $11, r11                # nested traps: flg's handler
        movd    $table_nest, (r3,r2)    # raises bpt
        lprd    (r3,r2), intbase
        movw    $0, r7
        excp    flg
        movd    $table32, (r3,r2)
        lprd    (r3,r2), intbase
        cmpw    $7, r10
        bne     fail
        cmpw    $2, r7
        bne     fail
        cmpd    $ISTACK_TOP - 6, (r13)
        bne     fail
        cmpd    $ISTACK_TOP - 12, (r12)
        bne     fail
        sprd    isp, (r13)
        cmpd    $ISTACK_TOP, (r13)
        bne     fail

        movw    $12, r11                # CFG.ED = 0: 16-bit entries
        movd    $table16, (r1,r0)
        lprd    (r1,r0), intbase
        movw    $0, r1
        lpr     r1, cfg
        movw    $0, r10
        excp    dvz
        cmpw    $6 + 0x100, r10         # table16 handlers add 0x100
        bne     fail
        movw    $CFG_ED, r1
        lpr     r1, cfg
        movd    $table32, (r1,r0)
        lprd    (r1,r0), intbase
        movw    $0, r1

        movw    $13, r11                # user mode: jusr, banked sp, and a
        movd    $USTACK, (r5,r4)        # privileged lpr raises UND
        lprd    (r5,r4), usp
        movd    $user_code@c, (r5,r4)
        jusr    (r5,r4)
        br      fail
user_code:
        stord   (sp), SAVE              # the user stack pointer
        movw    $PSR_U, r1              # the handler returns to supervisor
        movw    $2, r6                  # mode, after the lpr (2 words)
        lpr     r0, psr                 # privileged: UND
back_to_supervisor:
        movw    $0, r1
        movw    $0, r6
        cmpw    $10, r10
        bne     fail
        andw    $PSR_U, r9              # trapped in user mode
        cmpw    $PSR_U, r9
        bne     fail
        andw    $PSR_U, r8              # handler in supervisor mode
        beq0w   r8, 1f
        br      fail
1:      loadd   SAVE, (r5,r4)
        cmpd    $USTACK, (r5,r4)
        bne     fail
        cmpd    $STACK_TOP, (sp)        # supervisor stack is back
        bne     fail
        sprd    usp, (r5,r4)
        cmpd    $USTACK, (r5,r4)
        bne     fail

        br      pass

# ---- handlers ----

common:
        cmpw    $50, r7                 # a trap storm: give up
        blo     fail
        sprd    isp, (r13)
        loadd   0(r13), (r5,r4)
        loadw   4(r13), r9
        spr     psr, r8
        addw    $1, r7
        movzw   r6, (r3,r2)             # skip r6 words
        addd    (r5,r4), (r3,r2)
        stord   (r3,r2), 0(r13)
        movw    r1, r3                  # clear r1's bits in the saved PSR
        xorw    $-1, r3
        andw    r9, r3
        storw   r3, 4(r13)
        retx

h_trc:
        addw    $1, r7
        movw    $9, r10
        sprd    isp, (r13)
        loadd   0(r13), (r5,r4)
        loadw   4(r13), r9
        andw    $~PSR_P, r9             # nothing pending on return
        cmpw    $3, r7
        bne     1f
        andw    $~PSR_T, r9             # and stop after three
1:      storw   r9, 4(r13)
        retx

h_flg:
        addw    $1, r7
        sprd    isp, (r13)
        excp    bpt                     # nested
        movw    $7, r10
        retx

h_bpt_nested:
        addw    $1, r7
        sprd    isp, (r12)
        movw    $8, r10
        retx

h16_dvz:
        movw    $6 + 0x100, r10
        retx

        .include "exit.inc"

h0:
        movw    $0, r10
        br      common
h1:
        movw    $1, r10
        br      common
h2:
        movw    $2, r10
        br      common
h3:
        movw    $3, r10
        br      common
h4:
        movw    $4, r10
        br      common
h5:
        movw    $5, r10
        br      common
h6:
        movw    $6, r10
        br      common
h7:
        movw    $7, r10
        br      common
h8:
        movw    $8, r10
        br      common
h9:
        movw    $9, r10
        br      common
h10:
        movw    $10, r10
        br      common
h11:
        movw    $11, r10
        br      common
h12:
        movw    $12, r10
        br      common
h13:
        movw    $13, r10
        br      common
h14:
        movw    $14, r10
        br      common
h15:
        movw    $15, r10
        br      common
h16:
        movw    $16, r10
        br      common
h17:
        movw    $17, r10
        br      common
h18:
        movw    $18, r10
        br      common
h19:
        movw    $19, r10
        br      common
h20:
        movw    $20, r10
        br      common
h21:
        movw    $21, r10
        br      common
h22:
        movw    $22, r10
        br      common
h23:
        movw    $23, r10
        br      common
h24:
        movw    $24, r10
        br      common
h25:
        movw    $25, r10
        br      common
h26:
        movw    $26, r10
        br      common
h27:
        movw    $27, r10
        br      common
h28:
        movw    $28, r10
        br      common
h29:
        movw    $29, r10
        br      common
h30:
        movw    $30, r10
        br      common
h31:
        movw    $31, r10
        br      common

        .align  4
table32:
        .long   h0@c
        .long   h1@c
        .long   h2@c
        .long   h3@c
        .long   h4@c
        .long   h5@c
        .long   h6@c
        .long   h7@c
        .long   h8@c
        .long   h_trc@c
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
        .long   h_flg@c
        .long   h_bpt_nested@c
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
table16:
        .word   h0@c
        .word   h1@c
        .word   h2@c
        .word   h3@c
        .word   h4@c
        .word   h5@c
        .word   h16_dvz@c
        .word   h7@c
        .word   h8@c
        .word   h9@c
        .word   h10@c
        .word   h11@c
        .word   h12@c
        .word   h13@c
        .word   h14@c
        .word   h15@c
        .word   h16@c
        .word   h17@c
        .word   h18@c
        .word   h19@c
        .word   h20@c
        .word   h21@c
        .word   h22@c
        .word   h23@c
        .word   h24@c
        .word   h25@c
        .word   h26@c
        .word   h27@c
        .word   h28@c
        .word   h29@c
        .word   h30@c
        .word   h31@c

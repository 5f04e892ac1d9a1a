# SPDX-License-Identifier: GPL-2.0-or-later
#
# Calls, jumps and returns (ISA 4.6, 4.11): bal with ra and with a pair,
# both displacement sizes; jal with one and two operands; jump; the link
# values (word addresses of the next instruction); popret; nested and
# recursive calls on the stack. Exit status: 0 = pass, else the failed
# check (r11).

        .include "virt.inc"
        .include "psr.inc"

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

        .include "exit.inc"

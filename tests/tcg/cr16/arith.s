# SPDX-License-Identifier: GPL-2.0-or-later
#
# Arithmetic, logic, moves, extensions and multiplies (ISA 4.1-4.3),
# including the carry (C) and overflow (F) edge cases and the compare
# flags (Z, N, L). Exit status: 0 = pass, else the failed check (r11).

        .include "virt.inc"
        .include "psr.inc"

_start:
        movd    $STACK_TOP, (sp)

# ---- add / addc: results, C and F ----
        movw    $1, r11                 # addw $imm4, no flags
        movw    $5, r1
        addw    $3, r1
        cmpw    $8, r1
        bne     fail
        spr     psr, r2
        andw    $PSR_CF, r2
        beq0w   r2, 1f
        br      fail
1:
        movw    $2, r11                 # addw carry out of 16 bits
        movw    $-1, r1
        addw    $1, r1
        spr     psr, r2
        cmpw    $0, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_C, r2
        bne     fail

        movw    $3, r11                 # addw signed overflow
        movw    $0x7fff, r1
        addw    $1, r1
        spr     psr, r2
        cmpw    $-32768, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_F, r2
        bne     fail

        movw    $4, r11                 # addw carry and overflow at once
        movw    $-32768, r1
        movw    $-32768, r3
        addw    r3, r1
        spr     psr, r2
        cmpw    $0, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_CF, r2
        bne     fail

        movw    $5, r11                 # addb: 8-bit carry, high byte kept
        movw    $0x12ff, r1
        addb    $1, r1
        spr     psr, r2
        cmpw    $0x1200, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_C, r2
        bne     fail

        movw    $6, r11                 # addb overflow 0x7f + 1
        movw    $0x7f, r1
        addb    $1, r1
        spr     psr, r2
        cmpw    $0x80, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_F, r2
        bne     fail

        movw    $7, r11                 # addcw uses C = 1
        movw    $PSR_E | PSR_C, r2
        lpr     r2, psr
        movw    $10, r1
        addcw   $5, r1
        cmpw    $16, r1
        bne     fail
        spr     psr, r2
        andw    $PSR_CF, r2             # and the result cleared C
        beq0w   r2, 1f
        br      fail
1:
        movw    $8, r11                 # addcw: 0xffff + 0 + C carries
        movw    $PSR_E | PSR_C, r2
        lpr     r2, psr
        movw    $-1, r1
        movw    $0, r3
        addcw   r3, r1
        spr     psr, r2
        cmpw    $0, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_C, r2
        bne     fail

        movw    $9, r11                 # addcb with C = 0
        movw    $PSR_E, r2
        lpr     r2, psr
        movw    $0x3420, r1
        addcb   $0x10, r1
        cmpw    $0x3430, r1
        bne     fail

        movw    $10, r11                # addw $imm16
        movw    $0x1000, r1
        addw    $0x1234, r1
        cmpw    $0x2234, r1
        bne     fail

        movw    $11, r11                # addw $-1 (imm4 code 9)
        movw    $0x100, r1
        addw    $-1, r1
        cmpw    $0xff, r1
        bne     fail
        spr     psr, r2                 # 0x100 + 0xffff carries
        andw    $PSR_CF, r2
        cmpw    $PSR_C, r2
        bne     fail

# ---- addu: no flags ----
        movw    $12, r11
        movw    $PSR_E | PSR_C | PSR_F, r2
        lpr     r2, psr
        movw    $1, r1
        adduw   $2, r1
        cmpw    $3, r1
        bne     fail
        spr     psr, r2
        andw    $PSR_CF, r2
        cmpw    $PSR_CF, r2
        bne     fail
        movw    $-1, r1                 # wraps silently
        adduw   $1, r1
        beq0w   r1, 1f
        br      fail
1:
        movw    $13, r11                # addub keeps the high byte
        movw    $0x55ff, r1
        addub   $2, r1
        cmpw    $0x5501, r1
        bne     fail

# ---- sub / subc ----
        movw    $14, r11                # subw borrow
        movw    $0, r1
        subw    $1, r1
        spr     psr, r2
        cmpw    $-1, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_C, r2
        bne     fail

        movw    $15, r11                # subw overflow 0x8000 - 1
        movw    $-32768, r1
        subw    $1, r1
        spr     psr, r2
        cmpw    $0x7fff, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_F, r2
        bne     fail

        movw    $16, r11                # subw r, no borrow
        movw    $100, r1
        movw    $30, r3
        subw    r3, r1
        spr     psr, r2
        cmpw    $70, r1
        bne     fail
        andw    $PSR_CF, r2
        beq0w   r2, 1f
        br      fail
1:
        movw    $17, r11                # subcw with C = 1
        movw    $PSR_E | PSR_C, r2
        lpr     r2, psr
        movw    $10, r1
        subcw   $3, r1
        cmpw    $6, r1
        bne     fail
        spr     psr, r2
        andw    $PSR_C, r2
        beq0w   r2, 1f
        br      fail
1:
        movw    $18, r11                # subcw: 0 - 0 - C borrows
        movw    $PSR_E | PSR_C, r2
        lpr     r2, psr
        movw    $0, r1
        subcw   $0, r1
        spr     psr, r2
        cmpw    $-1, r1
        bne     fail
        andw    $PSR_C, r2
        cmpw    $PSR_C, r2
        bne     fail

        movw    $19, r11                # subb overflow 0x80 - 1, high kept
        movw    $0x7780, r1
        subb    $1, r1
        spr     psr, r2
        cmpw    $0x777f, r1
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_F, r2
        bne     fail

        movw    $20, r11                # subcb with C = 1
        movw    $PSR_E | PSR_C, r2
        lpr     r2, psr
        movw    $0x0005, r1
        movw    $0x0005, r3
        subcb   r3, r1
        spr     psr, r2
        cmpw    $0x00ff, r1
        bne     fail
        andw    $PSR_C, r2
        cmpw    $PSR_C, r2
        bne     fail

# ---- 32-bit ----
        movw    $21, r11                # addd carry
        movd    $-1, (r1,r0)
        addd    $1, (r1,r0)
        spr     psr, r2
        cmpd    $0, (r1,r0)
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_C, r2
        bne     fail

        movw    $22, r11                # addd overflow
        movd    $0x7fffffff, (r1,r0)
        addd    $1, (r1,r0)
        spr     psr, r2
        cmpd    $0x80000000, (r1,r0)
        bne     fail
        andw    $PSR_CF, r2
        cmpw    $PSR_F, r2
        bne     fail

        movw    $23, r11                # addd $imm16 is sign-extended
        movd    $0x10000, (r1,r0)
        addd    $-2, (r1,r0)
        cmpd    $0xfffe, (r1,r0)
        bne     fail

        movw    $24, r11                # addd $imm20, $imm32, (rs)
        movd    $0, (r3,r2)
        addd    $0x12345, (r3,r2)
        addd    $0x10000000, (r3,r2)
        movd    $0x100, (r5,r4)
        addd    (r5,r4), (r3,r2)
        cmpd    $0x10012445, (r3,r2)
        bne     fail

        movw    $25, r11                # subd (rs), borrow
        movd    $0, (r1,r0)
        movd    $1, (r3,r2)
        subd    (r3,r2), (r1,r0)
        spr     psr, r4
        cmpd    $-1, (r1,r0)
        bne     fail
        andw    $PSR_CF, r4
        cmpw    $PSR_C, r4
        bne     fail

        movw    $26, r11                # subd $imm32, overflow
        movd    $0x80000000, (r1,r0)
        subd    $1, (r1,r0)
        spr     psr, r4
        cmpd    $0x7fffffff, (r1,r0)
        bne     fail
        andw    $PSR_CF, r4
        cmpw    $PSR_F, r4
        bne     fail

        movw    $27, r11                # andd / ord / xord, imm32 and reg
        movd    $0xf0f0f0f0, (r1,r0)
        andd    $0xff00ff00, (r1,r0)
        cmpd    $0xf000f000, (r1,r0)
        bne     fail
        ord     $0x0000000f, (r1,r0)
        cmpd    $0xf000f00f, (r1,r0)
        bne     fail
        xord    $0xffffffff, (r1,r0)
        cmpd    $0x0fff0ff0, (r1,r0)
        bne     fail
        movd    $0x00ff00ff, (r3,r2)
        andd    (r3,r2), (r1,r0)
        cmpd    $0x00ff00f0, (r1,r0)
        bne     fail
        movd    $0x11000000, (r3,r2)
        ord     (r3,r2), (r1,r0)
        cmpd    $0x11ff00f0, (r1,r0)
        bne     fail
        movd    $0x11ff00f0, (r3,r2)
        xord    (r3,r2), (r1,r0)
        cmpd    $0, (r1,r0)
        bne     fail

# ---- logic, byte and word ----
        movw    $28, r11
        movw    $0x5a5a, r1
        andw    $0x0ff0, r1
        cmpw    $0x0a50, r1
        bne     fail
        orw     $0x8001, r1
        cmpw    $0x8a51, r1
        bne     fail
        xorw    $0xffff, r1
        cmpw    $0x75ae, r1
        bne     fail
        andb    $0x0f, r1               # byte op keeps bits 15..8
        cmpw    $0x750e, r1
        bne     fail
        orb     $0xf0, r1
        cmpw    $0x75fe, r1
        bne     fail
        movw    $0x00ff, r3
        xorb    r3, r1
        cmpw    $0x7501, r1
        bne     fail
        movw    $0x0300, r3
        andw    r3, r1
        cmpw    $0x0100, r1
        bne     fail

# ---- moves ----
        movw    $29, r11
        movw    $0x1234, r1
        movb    $0x56, r1               # byte move keeps the high byte
        cmpw    $0x1256, r1
        bne     fail
        movw    $0xab, r3
        movb    r3, r1
        cmpw    $0x12ab, r1
        bne     fail
        movw    r1, r4
        cmpw    $0x12ab, r4
        bne     fail

        movw    $30, r11                # movd forms
        movd    $-1, (r1,r0)
        cmpd    $0xffffffff, (r1,r0)
        bne     fail
        movd    $-2, (r1,r0)            # imm16 sign-extended
        cmpd    $0xfffffffe, (r1,r0)
        bne     fail
        movd    $0xfffff, (r1,r0)       # imm20 zero-extended
        cmpd    $0x000fffff, (r1,r0)
        bne     fail
        movd    $0x12345678, (r1,r0)
        cmpw    $0x5678, r0
        bne     fail
        cmpw    $0x1234, r1
        bne     fail
        movd    (r1,r0), (r12)
        cmpd    $0x12345678, (r12)
        bne     fail

        movw    $31, r11                # word write to r12 keeps 31..16
        movd    $0x12345678, (r12)
        movw    $0x1111, r12
        cmpd    $0x12341111, (r12)
        bne     fail

        movw    $32, r11                # pair (r12,r11) is r12[15:0]:r11
        movd    $0xaaaa0000, (r12)
        movd    $0x0000beef, (r4,r3)
        movd    (r4,r3), (r12,r11)      # r11 = 0xbeef, r12 low = 0
        cmpw    $0xbeef, r11
        movw    $32, r11
        bne     fail
        cmpd    $0xaaaa0000, (r12)
        bne     fail

        movw    $33, r11                # movxb / movzb
        movw    $0x1280, r1
        movxb   r1, r2
        cmpw    $0xff80, r2
        bne     fail
        movzb   r1, r2
        cmpw    $0x0080, r2
        bne     fail

        movw    $34, r11                # movxw / movzw
        movw    $-32768, r1
        movxw   r1, (r3,r2)
        cmpd    $0xffff8000, (r3,r2)
        bne     fail
        movzw   r1, (r3,r2)
        cmpd    $0x00008000, (r3,r2)
        bne     fail

# ---- multiplies ----
        movw    $35, r11
        movw    $0x1234, r1
        mulw    $3, r1
        cmpw    $0x369c, r1
        bne     fail
        movw    $0x0301, r1             # mulw keeps the low 16 bits
        movw    $0x0100, r3
        mulw    r3, r1
        cmpw    $0x0100, r1
        bne     fail
        movw    $0x5510, r1             # mulb keeps the high byte
        mulb    $0x11, r1
        cmpw    $0x5510, r1
        bne     fail

        movw    $36, r11                # mulsb: signed 8 x 8 -> 16
        movw    $0x00fd, r1             # -3
        movw    $0x0007, r2
        mulsb   r1, r2
        cmpw    $0xffeb, r2             # -21
        bne     fail

        movw    $37, r11                # mulsw: signed 16 x 16 -> 32
        movw    $-3, r1
        movd    $7, (r3,r2)
        mulsw   r1, (r3,r2)
        cmpd    $0xffffffeb, (r3,r2)
        bne     fail

        movw    $38, r11                # muluw: unsigned 16 x 16 -> 32
        movw    $-1, r1
        movd    $0xffff, (r3,r2)
        muluw   r1, (r3,r2)
        cmpd    $0xfffe0001, (r3,r2)
        bne     fail

# ---- compares: Z, N, L; C and F untouched ----
        movw    $39, r11                # 5 vs 3: src1 > src2 both ways
        movw    $PSR_E | PSR_CF, r2
        lpr     r2, psr
        movw    $3, r1
        cmpw    $5, r1
        spr     psr, r2
        andw    $PSR_ZNL | PSR_CF, r2
        cmpw    $PSR_N | PSR_L | PSR_CF, r2
        bne     fail

        movw    $40, r11                # equal
        movw    $5, r1
        cmpw    $5, r1
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_Z, r2
        bne     fail

        movw    $41, r11                # 1 vs -1: signed greater only
        movw    $-1, r1
        cmpw    $1, r1
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_N, r2
        bne     fail

        movw    $42, r11                # -1 vs 1: unsigned greater only
        movw    $1, r1
        movw    $-1, r3
        cmpw    r3, r1
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_L, r2
        bne     fail

        movw    $43, r11                # cmpb looks at bits 7..0 only
        movw    $0x1280, r1
        movw    $0x3480, r3
        cmpb    r3, r1
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_Z, r2
        bne     fail
        movw    $0x0001, r3             # 0x01 vs 0x80: signed greater
        cmpb    r3, r1
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_N, r2
        bne     fail

        movw    $44, r11                # cmpd
        movd    $0x80000000, (r1,r0)
        cmpd    $1, (r1,r0)             # 1 vs INT_MIN: signed greater
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_N, r2
        bne     fail
        movd    $0x80000000, (r3,r2)
        cmpd    (r3,r2), (r1,r0)
        spr     psr, r2
        andw    $PSR_ZNL, r2
        cmpw    $PSR_Z, r2
        bne     fail

        br      pass

        .include "exit.inc"

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shifts (ISA 4.4): ashu (arithmetic right) and lsh (logical right), byte,
# word and double, immediate and register counts, the extreme counts, and
# that shifts leave the flags alone. Exit status: 0 = pass, else the
# failed check (r11).

        .include "virt.inc"
        .include "psr.inc"

_start:
        movd    $STACK_TOP, (sp)

        movw    $1, r11                 # ashub $imm, both directions
        movw    $0x5581, r1
        ashub   $3, r1                  # 0x81 << 3 = 0x408: byte 0x08
        cmpw    $0x5508, r1
        bne     fail
        movw    $0x5580, r1
        ashub   $-3, r1                 # sign fill: 0xf0
        cmpw    $0x55f0, r1
        bne     fail
        movw    $0x0040, r1
        ashub   $-8, r1                 # positive, all shifted out
        cmpw    $0x0000, r1
        bne     fail
        movw    $0x0001, r1
        ashub   $7, r1
        cmpw    $0x0080, r1
        bne     fail

        movw    $2, r11                 # ashub rc: signed low 4 bits
        movw    $0x0003, r1
        movw    $2, r2
        ashub   r2, r1
        cmpw    $0x000c, r1
        bne     fail
        movw    $0x0090, r1
        movw    $-2, r2
        ashub   r2, r1
        cmpw    $0x00e4, r1
        bne     fail

        movw    $3, r11                 # ashuw $imm
        movw    $1, r1
        ashuw   $15, r1
        cmpw    $0x8000, r1
        bne     fail
        ashuw   $-1, r1
        cmpw    $0xc000, r1
        bne     fail
        movw    $0x8000, r1
        ashuw   $-15, r1
        cmpw    $0xffff, r1
        bne     fail
        movw    $0x4000, r1
        ashuw   $-14, r1
        cmpw    $0x0001, r1
        bne     fail
        movw    $0x00ff, r1
        ashuw   $4, r1
        cmpw    $0x0ff0, r1
        bne     fail

        movw    $4, r11                 # ashuw rc
        movw    $0x8000, r1
        movw    $-16, r2
        ashuw   r2, r1
        cmpw    $0xffff, r1
        bne     fail
        movw    $0x0003, r1
        movw    $15, r2
        ashuw   r2, r1
        cmpw    $0x8000, r1
        bne     fail
        movw    $0x7ff0, r1
        movw    $-4, r2
        ashuw   r2, r1
        cmpw    $0x07ff, r1
        bne     fail

        movw    $5, r11                 # ashud $imm
        movd    $1, (r1,r0)
        ashud   $31, (r1,r0)
        cmpd    $0x80000000, (r1,r0)
        bne     fail
        ashud   $-31, (r1,r0)
        cmpd    $0xffffffff, (r1,r0)
        bne     fail
        movd    $0x12345678, (r1,r0)
        ashud   $8, (r1,r0)
        cmpd    $0x34567800, (r1,r0)
        bne     fail
        movd    $0x40000000, (r1,r0)
        ashud   $-30, (r1,r0)
        cmpd    $1, (r1,r0)
        bne     fail

        movw    $6, r11                 # ashud rc
        movd    $0x80000000, (r1,r0)
        movw    $-32, r2
        ashud   r2, (r1,r0)
        cmpd    $0xffffffff, (r1,r0)
        bne     fail
        movd    $0x00000003, (r1,r0)
        movw    $30, r2
        ashud   r2, (r1,r0)
        cmpd    $0xc0000000, (r1,r0)
        bne     fail
        movd    $0x87654321, (r1,r0)
        movw    $-4, r2
        ashud   r2, (r1,r0)
        cmpd    $0xf8765432, (r1,r0)
        bne     fail

        movw    $7, r11                 # lshb $-n: zero fill
        movw    $0x5580, r1
        lshb    $-3, r1
        cmpw    $0x5510, r1
        bne     fail
        movw    $0x00ff, r1
        lshb    $-8, r1
        cmpw    $0x0000, r1
        bne     fail
        movw    $0x0081, r1
        lshb    $1, r1                  # a left shift (ashub encoding)
        cmpw    $0x0002, r1
        bne     fail

        movw    $8, r11                 # lshb rc
        movw    $0x00f0, r1
        movw    $-4, r2
        lshb    r2, r1
        cmpw    $0x000f, r1
        bne     fail
        movw    $0x0003, r1
        movw    $6, r2
        lshb    r2, r1
        cmpw    $0x00c0, r1
        bne     fail

        movw    $9, r11                 # lshw $imm
        movw    $0x8000, r1
        lshw    $-15, r1
        cmpw    $1, r1
        bne     fail
        movw    $0x8000, r1
        lshw    $-1, r1
        cmpw    $0x4000, r1
        bne     fail
        movw    $0xffff, r1
        lshw    $-16, r1
        cmpw    $0, r1
        bne     fail
        movw    $0x0f0f, r1
        lshw    $4, r1
        cmpw    $0xf0f0, r1
        bne     fail

        movw    $10, r11                # lshw rc
        movw    $0xf000, r1
        movw    $-12, r2
        lshw    r2, r1
        cmpw    $0x000f, r1
        bne     fail
        movw    $0x0001, r1
        movw    $15, r2
        lshw    r2, r1
        cmpw    $0x8000, r1
        bne     fail

        movw    $11, r11                # lshd $imm
        movd    $0x80000000, (r1,r0)
        lshd    $-31, (r1,r0)
        cmpd    $1, (r1,r0)
        bne     fail
        movd    $0xffffffff, (r1,r0)
        lshd    $-32, (r1,r0)
        cmpd    $0, (r1,r0)
        bne     fail
        movd    $0x87654321, (r1,r0)
        lshd    $-8, (r1,r0)
        cmpd    $0x00876543, (r1,r0)
        bne     fail

        movw    $12, r11                # lshd rc
        movd    $0x87654321, (r1,r0)
        movw    $-16, r2
        lshd    r2, (r1,r0)
        cmpd    $0x00008765, (r1,r0)
        bne     fail
        movd    $0x00000001, (r1,r0)
        movw    $31, r2
        lshd    r2, (r1,r0)
        cmpd    $0x80000000, (r1,r0)
        bne     fail

        movw    $13, r11                # shifts do not touch the flags
        movw    $PSR_E | PSR_CF | PSR_Z, r2
        lpr     r2, psr
        movw    $0x8000, r1
        ashuw   $1, r1
        lshw    $-1, r1
        movd    $1, (r5,r4)
        ashud   $-1, (r5,r4)
        spr     psr, r2
        andw    $PSR_CF | PSR_ZNL, r2
        cmpw    $PSR_CF | PSR_Z, r2
        bne     fail

        br      pass

        .include "exit.inc"

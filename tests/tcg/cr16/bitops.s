# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bit operations (ISA 4.10): cbit/sbit/tbit on memory bytes and words in
# every addressing mode, F = the old value of the bit, and tbit on
# registers. Exit status: 0 = pass, else the failed check (r11).

        .include "virt.inc"
        .include "psr.inc"

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

        .include "exit.inc"

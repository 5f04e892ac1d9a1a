# SPDX-License-Identifier: GPL-2.0-or-later
#
# Loads and stores in every addressing mode (ISA 4.8), store immediate
# (4.9), byte/word/double widths, unaligned data, and device registers
# through the remapped abs20 form. Each check writes through one mode and
# reads back through another. Exit status: 0 = pass, else the check (r11).

        .include "virt.inc"
        .include "psr.inc"

        .equ DATA, 0x20000

_start:
        movd    $STACK_TOP, (sp)

        movw    $1, r11                 # disp4(rp), double/word/byte
        movd    $DATA, (r1,r0)
        movd    $0x11223344, (r3,r2)
        stord   (r3,r2), 4(r1,r0)
        loadd   4(r1,r0), (r5,r4)
        cmpd    $0x11223344, (r5,r4)
        bne     fail
        loadw   4(r1,r0), r4
        cmpw    $0x3344, r4
        bne     fail
        loadw   6(r1,r0), r4
        cmpw    $0x1122, r4
        bne     fail
        movw    $0xab00, r4             # a byte load keeps bits 15..8
        loadb   5(r1,r0), r4
        cmpw    $0xab33, r4
        bne     fail

        movw    $2, r11                 # disp4 limits: 26 (word), 13 (byte)
        movw    $0x5566, r2
        storw   r2, 26(r1,r0)
        movw    $0x77, r3
        storb   r3, 13(r1,r0)
        loadw   26(r1,r0), r4
        cmpw    $0x5566, r4
        bne     fail
        loadb   13(r1,r0), r4
        cmpb    $0x77, r4
        bne     fail
        loadd   24(r1,r0), (r5,r4)      # bytes 24..27: ?? ?? 66 55
        cmpw    $0x5566, r5
        bne     fail

        movw    $3, r11                 # disp16(rp)
        movw    $0x1357, r2
        storw   r2, 0x1234(r1,r0)
        loadw   0x1234(r1,r0), r3
        cmpw    $0x1357, r3
        bne     fail
        movd    $DATA + 0x1234, (r5,r4)
        loadw   0(r5,r4), r3
        cmpw    $0x1357, r3
        bne     fail
        movd    $0xcafef00d, (r3,r2)
        stord   (r3,r2), 0x200(r1,r0)
        loadd   0x200(r1,r0), (r7,r6)
        cmpd    $0xcafef00d, (r7,r6)
        bne     fail

        movw    $4, r11                 # [r12]0(rp) and [r13]0(rp)
        movd    $DATA, (r12)
        movd    $0x100, (r1,r0)
        movw    $0x2468, r2
        storw   r2, [r12]0(r1,r0)
        loadw   0x100(r12), r3
        cmpw    $0x2468, r3
        bne     fail
        movd    $DATA + 0x80, (r13)
        movd    $0x80, (r3,r2)
        loadw   [r13]0(r3,r2), r4
        cmpw    $0x2468, r4
        bne     fail
        movw    $0x99, r5
        storb   r5, [r13]0(r3,r2)
        loadb   [r12]0(r1,r0), r4
        cmpb    $0x99, r4
        bne     fail
        movd    $0x01020304, (r5,r4)
        stord   (r5,r4), [r12]0(r1,r0)
        loadd   [r13]0(r3,r2), (r7,r6)
        cmpd    $0x01020304, (r7,r6)
        bne     fail

        movw    $5, r11                 # abs20 below the device area
        movw    $0x4321, r2
        storw   r2, 0x21000
        loadw   0x21000, r3
        cmpw    $0x4321, r3
        bne     fail
        movd    $0x21000, (r1,r0)
        loadw   0(r1,r0), r3
        cmpw    $0x4321, r3
        bne     fail
        movd    $0xa5a55a5a, (r3,r2)
        stord   (r3,r2), 0x21004
        loadd   0x21004, (r5,r4)
        cmpd    $0xa5a55a5a, (r5,r4)
        bne     fail
        movw    $0x3c, r2
        storb   r2, 0x21008
        loadb   0x21008, r3
        cmpb    $0x3c, r3
        bne     fail

        movw    $6, r11                 # remapped abs20: the devices
        loadw   VIRT_SYSCTL_CPU + VIRT_SYSCTL_ID, r3
        cmpw    $VIRT_SYSCTL_ID_VALUE & 0xffff, r3
        bne     fail
        loadd   VIRT_SYSCTL_CPU + VIRT_SYSCTL_ID, (r5,r4)
        cmpd    $VIRT_SYSCTL_ID_VALUE, (r5,r4)
        bne     fail
        loadb   VIRT_SYSCTL_CPU + VIRT_SYSCTL_ID + 3, r3
        cmpb    $VIRT_SYSCTL_ID_VALUE >> 24, r3
        bne     fail
        movd    $0x89abcdef, (r3,r2)    # a device register, 32-bit
        stord   (r3,r2), VIRT_SYSCTL_CPU + VIRT_SYSCTL_SCRATCH
        loadd   VIRT_SYSCTL_CPU + VIRT_SYSCTL_SCRATCH, (r5,r4)
        cmpd    $0x89abcdef, (r5,r4)
        bne     fail
        movw    $0x1122, r2             # 16-bit write: upper half kept
        storw   r2, VIRT_SYSCTL_CPU + VIRT_SYSCTL_SCRATCH + 2
        loadd   VIRT_SYSCTL_CPU + VIRT_SYSCTL_SCRATCH, (r5,r4)
        cmpd    $0x1122cdef, (r5,r4)
        bne     fail

        movw    $7, r11                 # [r12]abs20 and [r13]abs20
        movd    $DATA, (r12)
        movw    $0x7531, r2
        storw   r2, [r12]0x300
        movd    $DATA + 0x300, (r1,r0)
        loadw   0(r1,r0), r3
        cmpw    $0x7531, r3
        bne     fail
        movd    $DATA - 0x10000, (r13)
        loadw   [r13]0x10300, r4
        cmpw    $0x7531, r4
        bne     fail
        movd    $0x0badf00d, (r3,r2)
        stord   (r3,r2), [r13]0x10304
        loadd   [r12]0x304, (r5,r4)
        cmpd    $0x0badf00d, (r5,r4)
        bne     fail
        movw    $0x42, r2
        storb   r2, [r12]0x308
        loadb   [r13]0x10308, r3
        cmpb    $0x42, r3
        bne     fail

        movw    $8, r11                 # [r12]disp14(rp)
        movd    $DATA, (r12)
        movd    $0x10, (r1,r0)
        movw    $0x6420, r2
        storw   r2, [r12]0x123(r1,r0)
        movd    $DATA + 0x133, (r5,r4)
        loadw   0(r5,r4), r3
        cmpw    $0x6420, r3
        bne     fail
        loadw   [r12]0x123(r1,r0), r3
        cmpw    $0x6420, r3
        bne     fail
        movd    $DATA + 0x100, (r13)
        movd    $0x20, (r3,r2)
        movd    $0x55aa66bb, (r7,r6)
        stord   (r7,r6), [r13]0x3f00(r3,r2)
        movd    $DATA + 0x4020, (r5,r4)
        loadd   0(r5,r4), (r7,r6)
        cmpd    $0x55aa66bb, (r7,r6)
        bne     fail
        loadb   [r13]0x3f01(r3,r2), r6
        cmpb    $0x66, r6
        bne     fail

        movw    $9, r11                 # disp20(reg16): zero-extended base
        movw    $0xf000, r2
        movw    $0x2345, r3
        storw   r3, 0x11000(r2)         # 0xf000 + 0x11000 = 0x20000
        loadw   0x20000, r4
        cmpw    $0x2345, r4
        bne     fail
        loadw   0x11000(r2), r4
        cmpw    $0x2345, r4
        bne     fail
        movw    $0x77, r3
        storb   r3, 0x11002(r2)
        loadb   0x11002(r2), r4
        cmpb    $0x77, r4
        bne     fail
        movd    $0x10203040, (r5,r4)
        stord   (r5,r4), 0x11004(r2)
        loadd   0x11004(r2), (r7,r6)
        cmpd    $0x10203040, (r7,r6)
        bne     fail

        movw    $10, r11                # disp20(rp)
        movd    $DATA, (r1,r0)
        movd    $0x13572468, (r5,r4)
        stord   (r5,r4), 0x12345(r1,r0)
        movd    $DATA + 0x12345, (r3,r2)
        loadd   0(r3,r2), (r7,r6)
        cmpd    $0x13572468, (r7,r6)
        bne     fail
        loadw   0x12347(r1,r0), r6
        cmpw    $0x1357, r6
        bne     fail
        movw    $0xee, r6
        storb   r6, 0x12349(r1,r0)
        loadb   0x12349(r1,r0), r7
        cmpb    $0xee, r7
        bne     fail

        movw    $11, r11                # [r13]disp20(rp)
        movd    $DATA, (r13)
        movd    $0x1000, (r5,r4)
        movw    $0xd00d, r6
        storw   r6, [r13]0x12345(r5,r4)
        movd    $DATA + 0x13345, (r1,r0)
        loadw   0(r1,r0), r7
        cmpw    $0xd00d, r7
        bne     fail
        loadb   [r13]0x12346(r5,r4), r7
        cmpb    $0xd0, r7
        bne     fail
        movd    $0xfeedbeef, (r3,r2)
        stord   (r3,r2), [r13]0x12350(r5,r4)
        loadd   [r13]0x12350(r5,r4), (r7,r6)
        cmpd    $0xfeedbeef, (r7,r6)
        bne     fail

        movw    $12, r11                # abs24
        movw    $0x5a5a, r2
        storw   r2, 0x7a1234
        loadw   0x7a1234, r3
        cmpw    $0x5a5a, r3
        bne     fail
        movd    $0x7a1234, (r1,r0)
        loadw   0(r1,r0), r3
        cmpw    $0x5a5a, r3
        bne     fail
        movd    $0x31415926, (r3,r2)
        stord   (r3,r2), 0x7a1238
        loadd   0x7a1238, (r5,r4)
        cmpd    $0x31415926, (r5,r4)
        bne     fail
        movw    $0x27, r2
        storb   r2, 0x7a123c
        loadb   0x7a123c, r3
        cmpb    $0x27, r3
        bne     fail

        movw    $13, r11                # -disp20(rp)
        movd    $DATA + 0x100, (r1,r0)
        movw    $0x1928, r2
        storw   r2, -4(r1,r0)
        loadw   DATA + 0xfc, r3
        cmpw    $0x1928, r3
        bne     fail
        loadw   -4(r1,r0), r3
        cmpw    $0x1928, r3
        bne     fail
        movd    $0x0a0b0c0d, (r5,r4)
        stord   (r5,r4), -0x10000(r1,r0)
        loadd   DATA + 0x100 - 0x10000, (r7,r6)
        cmpd    $0x0a0b0c0d, (r7,r6)
        bne     fail
        loadb   -0xffff(r1,r0), r6
        cmpb    $0x0c, r6
        bne     fail

        movw    $14, r11                # -disp20(reg16)
        movw    $0xf000, r2
        movw    $0x3849, r3
        storw   r3, -0x10(r2)
        loadw   0xeff0, r4
        cmpw    $0x3849, r4
        bne     fail
        loadw   -0x10(r2), r4
        cmpw    $0x3849, r4
        bne     fail
        movw    $0x61, r3
        storb   r3, -0x20(r2)
        loadb   -0x20(r2), r4
        cmpb    $0x61, r4
        bne     fail
        movd    $0x76543210, (r5,r4)
        stord   (r5,r4), -0x30(r2)
        loadd   -0x30(r2), (r7,r6)
        cmpd    $0x76543210, (r7,r6)
        bne     fail

        movw    $15, r11                # storb $imm in every mode
        movd    $DATA + 0x400, (r1,r0)
        movd    $DATA + 0x400, (r12)
        movd    $DATA + 0x400, (r13)
        movd    $0, (r3,r2)
        storb   $1, 0(r1,r0)                    # 0(rp)
        storb   $2, 0x11(r1,r0)                 # disp16(rp)
        storb   $3, DATA + 0x402                # abs20
        storb   $4, [r13]0x3                    # [r13]abs20
        storb   $5, [r12]0x4(r3,r2)             # [r12]disp14(rp)
        movw    $0x8000, r4
        storb   $6, DATA + 0x405 - 0x8000(r4)   # disp20(reg16)
        storb   $7, 0x10006(r1,r0)              # disp20(rp)
        storb   $8, [r12]0x10007(r3,r2)         # [r12]disp20(rp)
        storb   $9, 0x7a0000                    # abs24
        loadd   DATA + 0x400, (r5,r4)
        cmpd    $0x04030001, (r5,r4)
        bne     fail
        loadb   DATA + 0x404, r5
        cmpb    $5, r5
        bne     fail
        loadb   DATA + 0x405, r5
        cmpb    $6, r5
        bne     fail
        loadb   DATA + 0x411, r5
        cmpb    $2, r5
        bne     fail
        loadb   DATA + 0x10406, r5
        cmpb    $7, r5
        bne     fail
        loadb   DATA + 0x10407, r5
        cmpb    $8, r5
        bne     fail
        loadb   0x7a0000, r5
        cmpb    $9, r5
        bne     fail

        movw    $16, r11                # storw $imm in every mode
        movd    $DATA + 0x500, (r1,r0)
        movd    $DATA + 0x500, (r12)
        movd    $DATA + 0x500, (r13)
        movd    $0, (r3,r2)
        storw   $1, 0(r1,r0)
        storw   $2, 0x20(r1,r0)
        storw   $3, DATA + 0x502
        storw   $4, [r13]0x4
        storw   $5, [r12]0x6(r3,r2)
        movw    $0x8000, r4
        storw   $6, DATA + 0x508 - 0x8000(r4)
        storw   $7, 0x1000a(r1,r0)
        storw   $8, [r13]0x1000c(r3,r2)
        storw   $15, 0x7a0002
        loadd   DATA + 0x500, (r5,r4)
        cmpd    $0x00030001, (r5,r4)
        bne     fail
        loadd   DATA + 0x504, (r5,r4)
        cmpd    $0x00050004, (r5,r4)
        bne     fail
        loadw   DATA + 0x508, r5
        cmpw    $6, r5
        bne     fail
        loadw   DATA + 0x520, r5
        cmpw    $2, r5
        bne     fail
        loadd   DATA + 0x1050a, (r5,r4)
        cmpd    $0x00080007, (r5,r4)
        bne     fail
        loadw   0x7a0002, r5
        cmpw    $15, r5
        bne     fail

        movw    $17, r11                # 32-bit registers as data and base
        movd    $DATA + 0x600, (r13)
        movd    $0x600dcafe, (ra)
        stord   (ra), 0(r13)
        loadd   0(r13), (r12)
        cmpd    $0x600dcafe, (r12)
        bne     fail
        movd    $0xdeadbeef, (r1,r0)
        stord   (r1,r0), -8(sp)
        loadd   -8(sp), (ra)
        cmpd    $0xdeadbeef, (ra)
        bne     fail
        movd    $0x12345678, (r12)
        movw    $0x9abc, r11
        stord   (r12,r11), 8(r13)
        movw    $17, r11
        loadd   8(r13), (r5,r4)
        cmpd    $0x56789abc, (r5,r4)
        bne     fail

        movw    $18, r11                # unaligned word and double
        movd    $DATA + 0x701, (r1,r0)
        movw    $0xbeef, r2
        storw   r2, 0(r1,r0)
        loadb   DATA + 0x701, r3
        cmpb    $0xef, r3
        bne     fail
        loadb   DATA + 0x702, r3
        cmpb    $0xbe, r3
        bne     fail
        loadw   0(r1,r0), r3
        cmpw    $0xbeef, r3
        bne     fail
        movd    $0x11223344, (r3,r2)
        stord   (r3,r2), 2(r1,r0)
        loadd   2(r1,r0), (r5,r4)
        cmpd    $0x11223344, (r5,r4)
        bne     fail

        movw    $19, r11                # a word across a 4 KiB page
        movd    $0x20fff, (r1,r0)
        movw    $0x1234, r2
        storw   r2, 0(r1,r0)
        loadb   0x20fff, r3
        cmpb    $0x34, r3
        bne     fail
        loadb   0x21000, r3
        cmpb    $0x12, r3
        bne     fail
        loadw   0(r1,r0), r3
        cmpw    $0x1234, r3
        bne     fail

        br      pass

        .include "exit.inc"

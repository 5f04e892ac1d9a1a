# SPDX-License-Identifier: GPL-2.0-or-later
#
# Processor registers (ISA 1.2-1.5, 4.13): lpr/spr (16-bit, including the
# halves of 32-bit registers) and lprd/sprd, the writable bits of PSR and
# CFG, the 24-bit width of INTBASE/ISP/USP, and the reset values.
# Exit status: 0 = pass, else the failed check (r11).

        .include "virt.inc"
        .include "psr.inc"

_start:
        movw    $1, r11                 # reset: PSR = E only, CFG = 0
        spr     psr, r1
        cmpw    $PSR_E, r1
        bne     fail
        spr     cfg, r1
        cmpw    $0, r1
        bne     fail

        movd    $STACK_TOP, (sp)

        movw    $2, r11                 # PSR: reserved bits read 0
        movw    $0xffff & ~(PSR_T | PSR_U | PSR_P), r1
        lpr     r1, psr
        spr     psr, r2
        movw    $PSR_E, r3              # back to a quiet PSR first
        lpr     r3, psr
        cmpw    $0x0ee5 & ~(PSR_T | PSR_U | PSR_P), r2
        bne     fail

        movw    $3, r11                 # sprd psr: zero-extended
        movw    $PSR_E | PSR_C | PSR_N, r1
        lpr     r1, psr
        movd    $-1, (r3,r2)
        sprd    psr, (r3,r2)
        cmpd    $PSR_E | PSR_C | PSR_N, (r3,r2)
        bne     fail
        movd    $PSR_E | PSR_Z, (r3,r2) # lprd psr
        lprd    (r3,r2), psr
        spr     psr, r1
        cmpw    $PSR_E | PSR_Z, r1
        bne     fail

        movw    $4, r11                 # CFG: only the defined bits
        movw    $-1, r1
        lpr     r1, cfg
        spr     cfg, r2
        movw    $0, r1
        lpr     r1, cfg
        cmpw    $0x033c, r2
        bne     fail
        movw    $CFG_ED, r1
        lpr     r1, cfg
        spr     cfg, r2
        cmpw    $CFG_ED, r2
        bne     fail

        movw    $5, r11                 # INTBASE: 24 bits, bit 0 clear
        movd    $0xff345679, (r1,r0)
        lprd    (r1,r0), intbase
        sprd    intbase, (r3,r2)
        cmpd    $0x00345678, (r3,r2)
        bne     fail
        spr     intbasel, r4
        cmpw    $0x5678, r4
        bne     fail
        spr     intbaseh, r4
        cmpw    $0x0034, r4
        bne     fail
        movw    $0x1111, r4             # halves written separately
        lpr     r4, intbasel
        movw    $0x0022, r4
        lpr     r4, intbaseh
        sprd    intbase, (r3,r2)
        cmpd    $0x00221110, (r3,r2)
        bne     fail

        movw    $6, r11                 # ISP: 24 bits
        movd    $0xffabcdee, (r1,r0)
        lprd    (r1,r0), isp
        sprd    isp, (r3,r2)
        cmpd    $0x00abcdee, (r3,r2)
        bne     fail
        movw    $0x4444, r4
        lpr     r4, ispl
        spr     isph, r5
        cmpw    $0x00ab, r5
        bne     fail
        sprd    isp, (r3,r2)
        cmpd    $0x00ab4444, (r3,r2)
        bne     fail

        movw    $7, r11                 # USP: 24 bits, not the active sp
        movd    $0x00654320, (r1,r0)
        lprd    (r1,r0), usp
        sprd    usp, (r3,r2)
        cmpd    $0x00654320, (r3,r2)
        bne     fail
        cmpd    $STACK_TOP, (sp)
        bne     fail
        movw    $0x1234, r4
        lpr     r4, uspl
        spr     uspl, r5
        cmpw    $0x1234, r5
        bne     fail
        spr     usph, r5
        cmpw    $0x0065, r5
        bne     fail

        movw    $8, r11                 # debug registers hold their values
        movw    $0x1234, r1
        lpr     r1, dsr
        spr     dsr, r2
        cmpw    $0x1234, r2
        bne     fail
        movw    $0x00f0, r1
        lpr     r1, dbs
        spr     dbs, r2
        cmpw    $0x00f0, r2
        bne     fail
        movd    $0x00123456, (r1,r0)
        lprd    (r1,r0), car0
        sprd    car0, (r3,r2)
        cmpd    $0x00123456, (r3,r2)
        bne     fail
        movd    $0x00654322, (r1,r0)
        lprd    (r1,r0), car1
        sprd    car1, (r3,r2)
        cmpd    $0x00654322, (r3,r2)
        bne     fail
        spr     car1l, r4
        cmpw    $0x4322, r4
        bne     fail
        spr     car0h, r4
        cmpw    $0x0012, r4
        bne     fail

        movw    $9, r11                 # spr into a 32-bit register: low half
        movd    $0xaaaa0000, (r12)
        movw    $PSR_E | PSR_F, r1
        lpr     r1, psr
        spr     psr, r12
        cmpd    $0xaaaa0000 | PSR_E | PSR_F, (r12)
        bne     fail

        movw    $10, r11                # di / ei change E only
        movw    $PSR_E | PSR_C, r1
        lpr     r1, psr
        di
        spr     psr, r2
        cmpw    $PSR_C, r2
        bne     fail
        ei
        spr     psr, r2
        andw    $~PSR_ZNL, r2           # the cmpw above set Z
        cmpw    $PSR_E | PSR_C, r2
        bne     fail

        movw    $11, r11                # cinv and nop change nothing
        cinv    [i]
        cinv    [d,i,u]
        nop
        spr     psr, r2
        andw    $~PSR_ZNL, r2
        cmpw    $PSR_E | PSR_C, r2
        bne     fail

        br      pass

        .include "exit.inc"

# SPDX-License-Identifier: GPL-2.0-or-later
#
# The `make demo` guest: prints a banner on the serial port, then a line
# "tick N" (N = 0..9, wrapping) about once a second, forever. Between
# ticks it keeps dirtying memory: it sweeps the low RAM from 1 MiB to
# 8 MiB, storing the sweep count into the first byte of every 4 KiB page,
# so a live migration of it has real work in every pass. The last line
# printed before a migration and the first one after it show that the
# guest continued where it left off.

        .include "virt.inc"

        .equ DIRTY_START, 0x100000      # 1 MiB (CPU = physical here)
        .equ DIRTY_END, 0x800000        # 8 MiB: the fixed low RAM
        .equ SWEEPS, 36000              # sweeps per tick (about 1 s)

_start:
        movw    $banner, r0
        bal     (ra), puts
        movw    $0x30, r3               # '0'
tick:
        movw    $tickmsg, r0
        bal     (ra), puts
        storb   r3, VIRT_UART_CPU + VIRT_UART_DATA
        movw    $10, r1
        storb   r1, VIRT_UART_CPU + VIRT_UART_DATA
        addw    $1, r3
        cmpw    $0x3a, r3               # past '9'?
        bne     1f
        movw    $0x30, r3
1:
        movw    $SWEEPS, r5
sweep:
        movd    $DIRTY_START, (r1,r0)
        movd    $DIRTY_END, (r7,r6)
page:
        storb   r5, 0(r1,r0)
        addd    $4096, (r1,r0)
        cmpd    (r7,r6), (r1,r0)        # end > address (unsigned)?
        bhi     page
        addw    $-1, r5
        cmpw    $0, r5
        bne     sweep
        br      tick

# puts: print the NUL-terminated string at r0 (clobbers r0, r1)
puts:
        loadb   0(r0), r1
        cmpb    $0, r1
        beq     1f
        storb   r1, VIRT_UART_CPU + VIRT_UART_DATA
        addw    $1, r0
        br      puts
1:
        jump    (ra)

banner:
        .ascii  "Hello from a CR16C guest on the qemu-cr16 virt board!\n"
        .asciz  "It counts ticks on this serial port and dirties 7 MiB of RAM between them.\n"
tickmsg:
        .asciz  "tick "

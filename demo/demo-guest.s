# SPDX-License-Identifier: GPL-2.0-or-later
#
# The `make demo` guest: prints a banner on the serial port, then a line
# "tick N" (N = 0..9, wrapping) after each busy-wait of a few million
# instructions, forever. Only the UART is used, so stopping, continuing
# and (later) migrating it shows on the console where it left off.

        .include "virt.inc"

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
        movw    $1500, r5               # outer busy-wait: about 1 s
2:
        movw    $0, r4
3:
        addw    $1, r4
        cmpw    $0, r4
        bne     3b
        addw    $-1, r5
        cmpw    $0, r5
        bne     2b
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
        .asciz  "It counts ticks on this serial port while QMP drives it.\n"
tickmsg:
        .asciz  "tick "

# SPDX-License-Identifier: GPL-2.0-or-later
#
# The A-B guest of the migration tests for the CR16 virt board
# (spec: qtest.md section 4). Loaded as a raw image at CPU address 0 with
# -kernel. It prints 'A' once, zeroes the first byte of every 4 KiB page of
# physical [START, END), then forever increments those bytes in ascending
# address order and prints 'B' after every BATCH sweeps. Nothing else is
# ever written to the UART, and no other RAM in [START, END) is touched.
#
# The CPU sees only 16 MiB, so physical memory above the fixed low 8 MiB
# is reached through the 4 MiB window whose position is the system
# controller's BANK register: the sweep walks the range bank by bank, and
# uses the window for the low part too so that there is one code path.
#
# Registers: r0,r1 page address (CPU, in the window); r2 bank; r4,r5 end
# of this bank's part (CPU); r6 the byte; r8 increment, r9 mask (0,0 zeroes
# the byte, 1,0xff increments it); r10 sweeps since the last 'B'.
#
# After editing, regenerate a-b-bootblock.h (it also carries START, END,
# STRIDE and BATCH, which must stay plain integers here):
#   scripts/gen-bootblock-header.py BUILD/tests/tcg/cr16/a-b-bootblock.bin \
#       tests/qtest/migration/cr16/a-b-bootblock.S \
#       tests/qtest/migration/cr16/a-b-bootblock.h
# (the meson test 'cr16-a-b-bootblock-header' fails while they differ).

        .include "virt.inc"

        .equ START, 0x00100000          # 1 MiB
        .equ END, 0x06400000            # 100 MiB
        .equ STRIDE, 4096
        .equ BATCH, 64                  # sweeps per 'B' (~10 per second)

        .equ FIRST_BANK, START >> VIRT_WINDOW_SHIFT
        .equ LAST_BANK, (END - 1) >> VIRT_WINDOW_SHIFT
        .equ START_CPU, VIRT_WINDOW_CPU_BASE + START - (FIRST_BANK << VIRT_WINDOW_SHIFT)
        .equ END_CPU, VIRT_WINDOW_CPU_BASE + END - (LAST_BANK << VIRT_WINDOW_SHIFT)
        .equ UART_DATA, VIRT_UART_CPU + VIRT_UART_DATA
        .equ SYSCTL_BANK, VIRT_SYSCTL_CPU + VIRT_SYSCTL_BANK

_start:
        movw    $0x41, r0               # 'A'
        storb   r0, UART_DATA

        movw    $0, r8                  # make the pages consistent: zero
        movw    $0, r9
        bal     (ra), sweep

        movw    $1, r8                  # then increment forever
        movw    $0xff, r9
        movw    $0, r10
loop:
        bal     (ra), sweep
        addw    $1, r10
        cmpw    $BATCH, r10
        bne     loop
        movw    $0, r10
        movw    $0x42, r0               # 'B'
        storb   r0, UART_DATA
        br      loop

# One pass over [START, END): byte = (byte & r9) + r8 for each page.
sweep:
        movw    $FIRST_BANK, r2
        movd    $START_CPU, (r1,r0)
next_bank:
        storw   r2, SYSCTL_BANK
        movd    $VIRT_WINDOW_CPU_BASE + VIRT_WINDOW_SIZE, (r5,r4)
        cmpw    $LAST_BANK, r2
        bne     page
        movd    $END_CPU, (r5,r4)
page:
        loadb   0(r1,r0), r6
        andb    r9, r6
        addb    r8, r6
        storb   r6, 0(r1,r0)
        addd    $STRIDE, (r1,r0)
        cmpd    (r5,r4), (r1,r0)        # end > address (unsigned)?
        bhi     page
        addw    $1, r2
        movd    $VIRT_WINDOW_CPU_BASE, (r1,r0)
        cmpw    $LAST_BANK, r2          # LAST_BANK >= bank (unsigned)?
        bhs     next_bank
        jump    (ra)

        .equ    BASE, 0x100
        .set    COUNT, (BASE >> 4) + 3 * 2 - 1
        .global _start
        .org    BASE
_start: movw    $COUNT, r0
        addd    $-1, (r1,r0)
1:      cmpw    $0, r0
        bne     1b
        .align  4
data:   .byte   1, 2, 'a', 0xff
        .word   data, _start - data
        .long   0x12345678
        .ascii  "ab\n\t\"c"
        .asciz  "z"
        .string "s"
        .space  3, 0xee
        .align  2
.Llocal: br     .Llocal

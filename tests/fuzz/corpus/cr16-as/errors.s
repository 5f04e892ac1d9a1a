foo:
  movw $1,
  .word undefined_sym
  .byte 300
  bogus r0
  .org 0x10
  .org 0x8
.equ x, x+1

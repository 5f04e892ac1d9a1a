/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The x86 peer of the migration suite's CR16 A-B guest, for running the
 * postcopy latency bench on Debian's qemu-system-x86_64 -M pc
 * (bench/postcopy-bench.py assembles and links it at bench time with the
 * machine's gcc and ld; it is never part of the build or of make check).
 *
 * Booted with -kernel as a Multiboot image, so the option ROM hands over
 * in 32-bit protected mode with flat segments and A20 enabled, interrupts
 * off. Like the CR16 guest it prints 'A' once, zeroes the first byte of
 * every 4 KiB page of physical [START, END), then forever increments those
 * bytes in ascending address order (load, mask, add, store: the same
 * read-modify-write per page) and prints 'B' after every BATCH sweeps.
 * Nothing else is written to the UART and no other byte of [START, END)
 * is touched.
 *
 * One addition the CR16 guest has no need of: every touch is timed with
 * rdtsc, and a touch that took THRESHOLD ticks or more is appended to a
 * log in low memory as two 32-bit words, its tick count (clamped) and the
 * page's address, so the bench can read with pmemsave how long the vCPU
 * stood on each page that faulted remotely (figure (b)); the address lets
 * it drop stalls that were not postcopy faults (host preemption). Log
 * header at LOG_HDR: count, capacity, dropped, magic; entries from
 * LOG_BASE. The bench reads the same constants with its own copy of them
 * (bench/postcopy-bench.py, WALKER_*).
 */

#define START 0x00100000                /* 1 MiB */
#define END 0x06400000                  /* 100 MiB */
#define STRIDE 4096
#define BATCH 64
#define THRESHOLD 4096                  /* ~1-2 us of host TSC */
#define LOG_HDR 0x40000
#define LOG_BASE 0x41000
#define LOG_CAP 40960                   /* up to 0x91000, below the EBDA */
#define LOG_MAGIC 0x6b6c6177            /* "walk" */
#define COM1 0x3f8
#define STACK_TOP 0x1f000

        .code32
        .text
        .globl _start

        /* Multiboot header: no flags, so the loader takes the ELF layout. */
        .align 4
        .long 0x1badb002
        .long 0
        .long -0x1badb002

_start:
        cli
        movl $STACK_TOP, %esp
        movl $0, LOG_HDR                /* count */
        movl $LOG_CAP, LOG_HDR + 4      /* capacity */
        movl $0, LOG_HDR + 8            /* dropped */
        movl $LOG_MAGIC, LOG_HDR + 12

        movb $'A', %al
        movw $COM1, %dx
        outb %al, %dx

        xorl %ebx, %ebx                 /* bl mask 0, bh increment 0: zero */
        call sweep

        movl $0x01ff, %ebx              /* bl mask 0xff, bh increment 1 */
loop:
        xorl %ebp, %ebp
batch:
        call sweep
        incl %ebp
        cmpl $BATCH, %ebp
        jne batch
        movb $'B', %al
        movw $COM1, %dx
        outb %al, %dx
        jmp loop

/* One pass over [START, END): byte = (byte & bl) + bh for each page, each
 * touch timed. Clobbers eax, ecx, edx, esi, edi. */
sweep:
        movl $START, %esi
page:
        rdtsc
        movl %eax, %ecx                 /* ticks before the touch */
        movl %edx, %edi
        movb (%esi), %dl                /* the touch: a postcopy fault */
        andb %bl, %dl                   /* lands on this load */
        addb %bh, %dl
        movb %dl, (%esi)
        rdtsc
        subl %ecx, %eax
        sbbl %edi, %edx                 /* edx:eax = ticks it took */
        jnz clamp
        cmpl $THRESHOLD, %eax
        jae record
next:
        addl $STRIDE, %esi
        cmpl $END, %esi
        jb page
        ret
clamp:
        movl $0xffffffff, %eax
record:
        movl LOG_HDR, %ecx
        cmpl $LOG_CAP, %ecx
        jae full
        movl %eax, LOG_BASE(,%ecx,8)
        movl %esi, LOG_BASE + 4(,%ecx,8)
        incl %ecx
        movl %ecx, LOG_HDR
        jmp next
full:
        incl LOG_HDR + 8
        jmp next

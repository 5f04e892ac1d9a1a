/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CR16C interpreter tests' harness: a flat 16 MiB test bus with one
 * MMIO page and a banked window, a fixture owning a CPU on it, and a tiny
 * assembler on top of cr16_encode() so that tests write instructions by
 * mnemonic. Shared by test-cr16-exec.c (ISA semantics) and
 * test-cr16-exec-system.c (exceptions, interrupts, caches, threads).
 */
#ifndef TESTS_UNIT_CR16_TEST_HARNESS_H
#define TESTS_UNIT_CR16_TEST_HARNESS_H

#include "target/cr16/cpu.h"
#include "target/cr16/insn.h"

/* ------------------------------------------------------------------ */
/* Test bus: RAM everywhere except the MMIO page 0xFFF000..0xFFFFFF; a
 * banked window at 0x800000..0x800FFF selects one of two host pages. */

#define MEM_SIZE    (16u << 20)
#define MMIO_BASE   0xFFF000u
#define IO_BANK     0xFFF000u   /* write: select window bank, flush TLB */
#define IO_DATA     0xFFF004u   /* scratch register */
#define IO_RESET    0xFFF008u   /* write: reset the CPU */
#define IO_CODE     0xFFF100u   /* reads as "movw $0x3,r9" */
#define WIN_BASE    0x800000u

typedef struct TestBus {
    uint8_t *mem;
    uint8_t *bank_pages[2];
    unsigned bank;
    CR16CPU *cpu;
    unsigned wr_fills[CR16_NUM_PAGES];  /* page_ptr(write=true) calls */
    uint32_t io_last_addr, io_last_val;
    unsigned io_reads, io_writes;
    uint32_t io_data;
    uint8_t *page5;             /* if set: host page for 0x5000 (atomic) */
    bool range_flush;           /* IO_BANK flushes only the window */
} TestBus;

typedef struct Fixture {
    TestBus bus;
    CR16CPU *cpu;
    uint32_t pc;            /* assembly cursor */
} Fixture;

/* A fixture with a fresh CPU on a zeroed bus; fx_free releases it. */
void fx_init(Fixture *f);
void fx_free(Fixture *f);
/* Host byte of CPU address a (the window follows the bank). */
uint8_t *host(Fixture *f, uint32_t a);
uint32_t rd8(Fixture *f, uint32_t a);
uint32_t rd16(Fixture *f, uint32_t a);
uint32_t rd32(Fixture *f, uint32_t a);
void wr16(Fixture *f, uint32_t a, uint32_t v);
void wr32(Fixture *f, uint32_t a, uint32_t v);

/* ------------------------------------------------------------------ */
/* A tiny assembler on top of cr16_encode: operands say their family,
 * the first form of the mnemonic whose kinds fit and that encodes wins. */

enum Fam {
    FAM_REG, FAM_RP, FAM_IMM, FAM_TGT, FAM_MRP, FAM_MR, FAM_MABS,
    FAM_MIABS, FAM_MIRP,
};

typedef struct TOp {
    enum Fam fam;
    CR16OpKind force;       /* 0: any kind of the family */
    int64_t value;
    uint8_t reg, index;
} TOp;

#define R(n)            ((TOp){ .fam = FAM_REG, .reg = (n) })
#define P(n)            ((TOp){ .fam = FAM_RP, .reg = (n) })
#define I(v)            ((TOp){ .fam = FAM_IMM, .value = (v) })
#define IK(k, v)        ((TOp){ .fam = FAM_IMM, .force = (k), .value = (v) })
#define T(a)            ((TOp){ .fam = FAM_TGT, .value = (a) })
#define TK(k, a)        ((TOp){ .fam = FAM_TGT, .force = (k), .value = (a) })
#define MRP(d, p)       ((TOp){ .fam = FAM_MRP, .value = (d), .reg = (p) })
#define MRPK(k, d, p)   ((TOp){ .fam = FAM_MRP, .force = (k), .value = (d), \
                                .reg = (p) })
#define MR(d, r)        ((TOp){ .fam = FAM_MR, .value = (d), .reg = (r) })
#define MABS(a)         ((TOp){ .fam = FAM_MABS, .value = (a) })
#define MABSK(k, a)     ((TOp){ .fam = FAM_MABS, .force = (k), .value = (a) })
#define MIABS(x, a)     ((TOp){ .fam = FAM_MIABS, .value = (a), .index = (x) })
#define MIRP(x, d, p)   ((TOp){ .fam = FAM_MIRP, .value = (d), .reg = (p), \
                                .index = (x) })
#define MIRPK(k, x, d, p) ((TOp){ .fam = FAM_MIRP, .force = (k), \
                                  .value = (d), .reg = (p), .index = (x) })

/* Assemble one instruction at f->pc; returns its address. */
uint32_t asm_ops(Fixture *f, const char *mn, const TOp *ops, unsigned n);

#define A(f, mn, ...) \
    asm_ops(f, mn, (const TOp[]){ __VA_ARGS__ }, \
            sizeof((const TOp[]){ __VA_ARGS__ }) / sizeof(TOp))
#define A0(f, mn)   asm_ops(f, mn, NULL, 0)

/* ------------------------------------------------------------------ */
/* Helpers */

#define REG(f, n)   cr16_cpu_get_reg((f)->cpu, CR16_REG_R0 + (n))
#define SETREG(f, n, v) cr16_cpu_set_reg((f)->cpu, CR16_REG_R0 + (n), (v))
#define PSR(f)      cr16_cpu_get_reg((f)->cpu, CR16_REG_PSR)
#define PC(f)       cr16_cpu_get_reg((f)->cpu, CR16_REG_PC)

/* Run n instructions from the current PC; assert all executed. */
void run_n(Fixture *f, uint64_t n);
/* Run from `start` until PC == stop (bounded). */
void run_to(Fixture *f, uint32_t start, uint32_t stop);

/* A dispatch table at 0x100 (32-bit entries, CFG.ED = 1) whose vector v
 * handler is at 0x4000 + 0x40 * v; the ISP is 0x9000, SP 0x8000. */
#define INTBASE     0x100u
#define HANDLER(v)  (0x4000u + 0x40u * (v))

void setup_vectors(Fixture *f, bool ed);

#endif /* TESTS_UNIT_CR16_TEST_HARNESS_H */

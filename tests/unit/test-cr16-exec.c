/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the CR16C interpreter: hand-encoded programs (built with
 * the table-driven encoder) run on a flat 16 MiB test bus.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "migration/vmstate.h"
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

static uint8_t *bus_page_ptr(void *opaque, uint32_t addr, bool write)
{
    TestBus *tb = opaque;

    g_assert_cmpuint(addr & 0xFFF, ==, 0);
    g_assert_cmpuint(addr, <=, 0xFFFFFF);
    if (write) {
        __atomic_fetch_add(&tb->wr_fills[addr >> 12], 1, __ATOMIC_SEQ_CST);
    }
    if (addr >= MMIO_BASE) {
        return NULL;
    }
    if (addr == WIN_BASE) {
        return tb->bank_pages[tb->bank];
    }
    if (addr == 0x5000) {
        uint8_t *p = __atomic_load_n(&tb->page5, __ATOMIC_SEQ_CST);

        if (p) {
            return p;
        }
    }
    return tb->mem + addr;
}

static uint32_t bus_io_read(void *opaque, uint32_t addr, unsigned size)
{
    TestBus *tb = opaque;

    tb->io_reads++;
    tb->io_last_addr = addr;
    if (addr == IO_DATA) {
        return tb->io_data;
    }
    if (addr == IO_CODE && size == 2) {
        return 0x5A39;                      /* movw $0x3,r9 */
    }
    if (addr == IO_CODE + 2 && size == 2) {
        return 0x00C8;                      /* excp bpt */
    }
    return 0xA5A5A5A5u & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
}

static void bus_io_write(void *opaque, uint32_t addr, uint32_t val,
                         unsigned size)
{
    TestBus *tb = opaque;

    tb->io_writes++;
    tb->io_last_addr = addr;
    tb->io_last_val = val;
    if (addr == IO_BANK) {
        tb->bank = val & 1;
        if (tb->range_flush) {
            cr16_cpu_tlb_flush_range(tb->cpu, WIN_BASE, 0x1000);
        } else {
            cr16_cpu_tlb_flush(tb->cpu);
        }
    } else if (addr == IO_DATA) {
        tb->io_data = val;
    } else if (addr == IO_RESET) {
        cr16_cpu_reset(tb->cpu);
    }
}

static const CR16BusOps test_bus_ops = {
    .page_ptr = bus_page_ptr,
    .io_read = bus_io_read,
    .io_write = bus_io_write,
};

typedef struct Fixture {
    TestBus bus;
    CR16CPU *cpu;
    uint32_t pc;            /* assembly cursor */
} Fixture;

static void fx_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->bus.mem = g_malloc0(MEM_SIZE);
    f->bus.bank_pages[0] = g_malloc0(4096);
    f->bus.bank_pages[1] = g_malloc0(4096);
    f->cpu = cr16_cpu_new(&test_bus_ops, &f->bus);
    f->bus.cpu = f->cpu;
}

static void fx_free(Fixture *f)
{
    cr16_cpu_free(f->cpu);
    g_free(f->bus.mem);
    g_free(f->bus.bank_pages[0]);
    g_free(f->bus.bank_pages[1]);
}

static uint8_t *host(Fixture *f, uint32_t a)
{
    if ((a & ~0xFFFu) == WIN_BASE) {
        return f->bus.bank_pages[f->bus.bank] + (a & 0xFFF);
    }
    return f->bus.mem + a;
}

static uint32_t rd8(Fixture *f, uint32_t a)
{
    return *host(f, a);
}

static uint32_t rd16(Fixture *f, uint32_t a)
{
    return rd8(f, a) | rd8(f, a + 1) << 8;
}

static uint32_t rd32(Fixture *f, uint32_t a)
{
    return rd16(f, a) | rd16(f, a + 2) << 16;
}

static void wr16(Fixture *f, uint32_t a, uint32_t v)
{
    *host(f, a) = v;
    *host(f, a + 1) = v >> 8;
}

static void wr32(Fixture *f, uint32_t a, uint32_t v)
{
    wr16(f, a, v);
    wr16(f, a + 2, v >> 16);
}

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

static enum Fam fam_of(CR16OpKind k)
{
    switch (k) {
    case CR16_OPK_REG:
        return FAM_REG;
    case CR16_OPK_RP:
        return FAM_RP;
    case CR16_OPK_DISP5: case CR16_OPK_DISP9: case CR16_OPK_DISP17:
    case CR16_OPK_DISP25:
        return FAM_TGT;
    case CR16_OPK_MEM_RP0: case CR16_OPK_MEM_RP4B: case CR16_OPK_MEM_RP4W:
    case CR16_OPK_MEM_RP16: case CR16_OPK_MEM_RP20: case CR16_OPK_MEM_RPN20:
        return FAM_MRP;
    case CR16_OPK_MEM_R20: case CR16_OPK_MEM_RN20:
        return FAM_MR;
    case CR16_OPK_MEM_ABS20: case CR16_OPK_MEM_ABS24:
        return FAM_MABS;
    case CR16_OPK_MEM_IABS20:
        return FAM_MIABS;
    case CR16_OPK_MEM_IRP0: case CR16_OPK_MEM_IRP14: case CR16_OPK_MEM_IRP20:
        return FAM_MIRP;
    default:
        return FAM_IMM;
    }
}

/* Assemble one instruction at f->pc; returns its address. */
static uint32_t asm_ops(Fixture *f, const char *mn, const TOp *ops,
                        unsigned n)
{
    unsigned nf;
    const CR16Form *const *forms = cr16_forms_for_mnemonic(mn, &nf);
    uint32_t at = f->pc;

    g_assert_nonnull(forms);
    for (unsigned i = 0; i < nf; i++) {
        const CR16Form *form = forms[i];
        CR16Operand o[CR16_MAX_OPERANDS];
        uint16_t w[3];
        bool fit = form->nops == n;

        for (unsigned k = 0; fit && k < n; k++) {
            CR16OpKind kind = form->ops[k].kind;

            fit = fam_of(kind) == ops[k].fam &&
                  (!ops[k].force || ops[k].force == kind);
            o[k].kind = kind;
            o[k].value = ops[k].fam == FAM_TGT
                         ? ops[k].value - (int64_t)at : ops[k].value;
            o[k].reg = ops[k].reg;
            o[k].index = ops[k].index;
        }
        if (fit && cr16_encode(form, o, w, NULL)) {
            for (unsigned k = 0; k < form->len; k++) {
                wr16(f, f->pc, w[k]);
                f->pc += 2;
            }
            return at;
        }
    }
    g_error("cannot assemble %s with %u operands at 0x%x", mn, n, at);
    return at;
}

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
static void run_n(Fixture *f, uint64_t n)
{
    uint64_t done = 0;
    CR16ExitReason r = cr16_cpu_exec(f->cpu, n, &done);

    g_assert_cmpint(r, ==, CR16_EXIT_BUDGET);
    g_assert_cmpuint(done, ==, n);
}

/* Run from `start` until PC == stop (bounded). */
static void run_to(Fixture *f, uint32_t start, uint32_t stop)
{
    cr16_cpu_set_reg(f->cpu, CR16_REG_PC, start);
    for (int i = 0; i < 100000 && PC(f) != stop; i++) {
        uint64_t done;
        CR16ExitReason r = cr16_cpu_exec(f->cpu, 1, &done);

        g_assert_cmpint(r, ==, CR16_EXIT_BUDGET);
    }
    g_assert_cmphex(PC(f), ==, stop);
}

/* A dispatch table at 0x100 (32-bit entries, CFG.ED = 1) whose vector v
 * handler is at 0x4000 + 0x40 * v; the ISP is 0x9000, SP 0x8000. */
#define INTBASE     0x100u
#define HANDLER(v)  (0x4000u + 0x40u * (v))

static void setup_vectors(Fixture *f, bool ed)
{
    for (unsigned v = 0; v < 32; v++) {
        if (ed) {
            wr32(f, INTBASE + 4 * v, HANDLER(v) >> 1);
        } else {
            wr16(f, INTBASE + 2 * v, HANDLER(v) >> 1);
        }
    }
    cr16_cpu_set_reg(f->cpu, CR16_REG_INTBASE, INTBASE);
    cr16_cpu_set_reg(f->cpu, CR16_REG_CFG, ed ? CR16_CFG_ED : 0);
    cr16_cpu_set_reg(f->cpu, CR16_REG_ISP, 0x9000);
    SETREG(f, 15, 0x8000);
}

/* ------------------------------------------------------------------ */
/* Reset */

static void test_reset(void)
{
    Fixture f;

    fx_init(&f);
    SETREG(&f, 3, 0x1234);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x400);
    cr16_cpu_reset(f.cpu);
    g_assert_cmphex(PC(&f), ==, 0);
    g_assert_cmphex(PSR(&f), ==, 0x0200);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_CFG), ==, 0);
    g_assert_cmphex(REG(&f, 3), ==, 0);
    g_assert_true(cr16_cpu_has_work(f.cpu));
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Arithmetic and flags */

typedef struct AluCase {
    const char *mn;
    uint32_t d, s, psr_in;      /* dest value, source value, PSR before */
    uint32_t res, flags;        /* result, C|F|Z|N|L after (masked) */
} AluCase;

#define FL_MASK (CR16_PSR_C | CR16_PSR_F | CR16_PSR_Z | CR16_PSR_N | \
                 CR16_PSR_L)

static void check_alu(const AluCase *c, bool imm_src)
{
    Fixture f;
    bool dbl = c->mn[strlen(c->mn) - 1] == 'd';
    bool cmp = !strncmp(c->mn, "cmp", 3);

    fx_init(&f);
    f.pc = 0x1000;
    if (dbl) {
        if (imm_src) {
            A(&f, c->mn, IK(CR16_OPK_IMM32, c->s), P(2));
        } else {
            A(&f, c->mn, P(4), P(2));
        }
    } else if (imm_src) {
        A(&f, c->mn, IK(strchr(c->mn, 'b') && c->mn[strlen(c->mn) - 1] == 'b'
                        ? CR16_OPK_IMM16B : CR16_OPK_IMM16W, c->s), R(2));
    } else {
        A(&f, c->mn, R(4), R(2));
    }
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    if (dbl) {
        SETREG(&f, 2, c->d & 0xFFFF);
        SETREG(&f, 3, c->d >> 16);
        SETREG(&f, 4, c->s & 0xFFFF);
        SETREG(&f, 5, c->s >> 16);
    } else {
        SETREG(&f, 2, c->d);
        SETREG(&f, 4, c->s);
    }
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200 | c->psr_in);
    run_n(&f, 1);
    if (dbl) {
        uint32_t r = REG(&f, 2) | REG(&f, 3) << 16;

        g_assert_cmphex(r, ==, cmp ? c->d : c->res);
    } else {
        g_assert_cmphex(REG(&f, 2), ==, cmp ? c->d : c->res);
    }
    g_assert_cmphex(PSR(&f) & FL_MASK, ==, c->flags);
    fx_free(&f);
}

static void test_alu_flags(void)
{
    static const AluCase cases[] = {
        /* add: carry and signed overflow */
        { "addw", 0xFFFF, 0x0001, 0, 0x0000, CR16_PSR_C },
        { "addw", 0x7FFF, 0x0001, 0, 0x8000, CR16_PSR_F },
        { "addw", 0x8000, 0x8000, 0, 0x0000, CR16_PSR_C | CR16_PSR_F },
        { "addw", 0x1234, 0x1111, CR16_PSR_C | CR16_PSR_F, 0x2345, 0 },
        { "addb", 0x12FF, 0x01, 0, 0x1200, CR16_PSR_C },
        { "addb", 0x007F, 0x01, 0, 0x0080, CR16_PSR_F },
        { "addd", 0xFFFFFFFF, 1, 0, 0, CR16_PSR_C },
        { "addd", 0x7FFFFFFF, 1, 0, 0x80000000, CR16_PSR_F },
        /* addc uses C */
        { "addcw", 0x0001, 0x0001, CR16_PSR_C, 0x0003, 0 },
        { "addcw", 0xFFFF, 0x0000, CR16_PSR_C, 0x0000, CR16_PSR_C },
        { "addcb", 0x7F, 0x00, CR16_PSR_C, 0x80, CR16_PSR_F },
        /* sub: borrow */
        { "subw", 0x0000, 0x0001, 0, 0xFFFF, CR16_PSR_C },
        { "subw", 0x8000, 0x0001, 0, 0x7FFF, CR16_PSR_F },
        { "subw", 0x0005, 0x0003, CR16_PSR_C, 0x0002, 0 },
        { "subb", 0x3400, 0x01, 0, 0x34FF, CR16_PSR_C },
        { "subd", 0, 1, 0, 0xFFFFFFFF, CR16_PSR_C },
        { "subd", 0x80000000, 1, 0, 0x7FFFFFFF, CR16_PSR_F },
        { "subcw", 0x0005, 0x0005, CR16_PSR_C, 0xFFFF, CR16_PSR_C },
        { "subcw", 0x0005, 0x0004, CR16_PSR_C, 0x0000, 0 },
        /* addu/logic/mov/mul never touch flags */
        { "adduw", 0xFFFF, 0x0002, CR16_PSR_Z, 0x0001, CR16_PSR_Z },
        { "andw", 0xF0F0, 0x3C3C, CR16_PSR_C, 0x3030, CR16_PSR_C },
        { "orw", 0xF000, 0x000F, 0, 0xF00F, 0 },
        { "xorw", 0xFFFF, 0x00FF, CR16_PSR_N, 0xFF00, CR16_PSR_N },
        { "andb", 0xABCD, 0x0F, 0, 0xAB0D, 0 },
        { "movb", 0xABCD, 0x12, 0, 0xAB12, 0 },
        { "movw", 0xABCD, 0x1234, CR16_PSR_F, 0x1234, CR16_PSR_F },
        { "mulw", 0x0100, 0x0101, 0, 0x0100, 0 },
        { "mulb", 0x1210, 0x11, 0, 0x1210, 0 },
        { "andd", 0xFFFF0000, 0x12345678, 0, 0x12340000, 0 },
        { "ord", 0xFFFF0000, 0x12345678, 0, 0xFFFF5678, 0 },
        { "xord", 0xFFFF0000, 0x12345678, 0, 0xEDCB5678, 0 },
        /* cmp src1 = s, src2 = d; C and F untouched */
        { "cmpw", 0x0003, 0x0005, CR16_PSR_C, 0, CR16_PSR_C | CR16_PSR_N |
                                                 CR16_PSR_L },
        { "cmpw", 0x0005, 0x0005, 0, 0, CR16_PSR_Z },
        { "cmpw", 0xFFFF, 0x0001, 0, 0, CR16_PSR_N },
        { "cmpw", 0x0001, 0xFFFF, 0, 0, CR16_PSR_L },
        { "cmpb", 0x1280, 0x7F, 0, 0, CR16_PSR_N },
        { "cmpd", 0x80000000, 0x7FFFFFFF, 0, 0, CR16_PSR_N },
        { "cmpd", 0x00000001, 0xFFFFFFFF, 0, 0, CR16_PSR_L },
    };

    /* every case once with an immediate and once with a register source
     * (double-word cases use the imm32 and the register-pair forms) */
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        check_alu(&cases[i], true);
        check_alu(&cases[i], false);
    }
}

static void test_alu_misc(void)
{
    Fixture f;

    fx_init(&f);
    f.pc = 0;
    A(&f, "movw", I(3), R(1));              /* 0 */
    A(&f, "cmpw", I(5), R(1));              /* gt, hi true */
    A(&f, "movd", I(-1), P(2));             /* imm4 -1 */
    A(&f, "movd", I(-300), P(4));           /* imm16 sign-extended */
    A(&f, "movd", I(0x12345), P(6));        /* imm20 */
    A(&f, "movd", I(0x12345678), P(8));     /* imm32 */
    A(&f, "addd", I(-4), P(8));
    A(&f, "movw", I(0xFFFF), R(10));
    A(&f, "movw", I(0x5678), R(12));        /* keeps r12 bits 31..16 */
    A(&f, "movxb", R(10), R(11));
    A(&f, "movzb", R(10), R(0));
    SETREG(&f, 12, 0xABCD0000);
    run_n(&f, 11);
    g_assert_cmphex(PSR(&f) & (CR16_PSR_N | CR16_PSR_L | CR16_PSR_Z), ==,
                    CR16_PSR_N | CR16_PSR_L);
    g_assert_cmphex(REG(&f, 2), ==, 0xFFFF);
    g_assert_cmphex(REG(&f, 3), ==, 0xFFFF);
    g_assert_cmphex(REG(&f, 4) | REG(&f, 5) << 16, ==, (uint32_t)-300);
    g_assert_cmphex(REG(&f, 6) | REG(&f, 7) << 16, ==, 0x12345);
    g_assert_cmphex(REG(&f, 8) | REG(&f, 9) << 16, ==, 0x12345674);
    g_assert_cmphex(REG(&f, 12), ==, 0xABCD5678);
    g_assert_cmphex(REG(&f, 11), ==, 0xFFFF);
    g_assert_cmphex(REG(&f, 0), ==, 0x00FF);

    /* multiplies: -3 * 7 (mulsw), muluw, mulsb, movxw/movzw */
    f.pc = 0x100;
    A(&f, "mulsw", R(1), P(2));
    A(&f, "muluw", R(4), P(5));
    A(&f, "mulsb", R(7), R(8));
    A(&f, "movxw", R(9), P(10));
    A(&f, "movzw", R(9), P(12));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x100);
    SETREG(&f, 1, 0xFFFD);
    SETREG(&f, 2, 7);
    SETREG(&f, 4, 0xFFFF);
    SETREG(&f, 5, 0xFFFF);
    SETREG(&f, 7, 0x12FE);      /* -2 */
    SETREG(&f, 8, 0x3405);      /* 5 */
    SETREG(&f, 9, 0x8001);
    run_n(&f, 5);
    g_assert_cmphex(REG(&f, 2), ==, 0xFFEB);
    g_assert_cmphex(REG(&f, 3), ==, 0xFFFF);
    g_assert_cmphex(REG(&f, 5) | REG(&f, 6) << 16, ==, 0xFFFE0001);
    g_assert_cmphex(REG(&f, 8), ==, 0xFFF6);
    g_assert_cmphex(REG(&f, 10) | REG(&f, 11) << 16, ==, 0xFFFF8001);
    g_assert_cmphex(REG(&f, 12), ==, 0x8001);

    /* pair 11 = (r12_l, r11): high half in r12 bits 15..0 only */
    f.pc = 0x200;
    A(&f, "movd", I(0x12345678), P(11));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x200);
    SETREG(&f, 12, 0xAAAA0000);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 11), ==, 0x5678);
    g_assert_cmphex(REG(&f, 12), ==, 0xAAAA1234);

    /* tbit register forms and scond */
    f.pc = 0x300;
    A(&f, "tbit", I(3), R(1));
    A(&f, "sfs", R(2));
    A(&f, "tbit", R(4), R(1));
    A(&f, "sfs", R(3));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x300);
    SETREG(&f, 1, 0x0008);
    SETREG(&f, 4, 0x0014);      /* bit 4 (count & 15) */
    run_n(&f, 4);
    g_assert_cmphex(REG(&f, 2), ==, 1);
    g_assert_cmphex(REG(&f, 3), ==, 0);
    fx_free(&f);
}

static void test_mac(void)
{
    Fixture f;

    fx_init(&f);
    A(&f, "macsw", R(1), R(2), P(4));
    A(&f, "macuw", R(1), R(2), P(6));
    A(&f, "macqw", R(1), R(2), P(8));
    A(&f, "macsw", R(1), R(2), P(12));
    SETREG(&f, 1, 0xFFFF);          /* -1 / 65535 */
    SETREG(&f, 2, 0x0003);
    SETREG(&f, 4, 10);
    SETREG(&f, 6, 0xFFFF);
    SETREG(&f, 7, 0xFFFF);          /* saturates unsigned */
    SETREG(&f, 8, 100);
    SETREG(&f, 12, 0x80000001);     /* saturates signed low */
    run_n(&f, 4);
    g_assert_cmphex(REG(&f, 4) | REG(&f, 5) << 16, ==, 7);
    g_assert_cmphex(REG(&f, 6) | REG(&f, 7) << 16, ==, 0xFFFFFFFF);
    g_assert_cmphex(REG(&f, 8) | REG(&f, 9) << 16, ==, 94);
    g_assert_cmphex(REG(&f, 12), ==, 0x80000000);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Shifts */

static void test_shifts(void)
{
    static const struct {
        const char *mn;
        bool reg_count;
        int count;
        uint32_t in, out;
    } cases[] = {
        { "ashuw", false, -1, 0x8000, 0xC000 },
        { "lshw", false, -1, 0x8000, 0x4000 },
        { "ashuw", false, 15, 0x0001, 0x8000 },
        { "ashuw", false, -16, 0x8000, 0xFFFF },
        { "lshw", false, -16, 0x8000, 0x0000 },
        { "ashub", false, -3, 0x1280, 0x12F0 },
        { "lshb", false, -3, 0x1280, 0x1210 },
        { "lshb", false, 3, 0x1211, 0x1288 },       /* alias of ashub */
        { "ashub", false, 7, 0x0001, 0x0080 },
        { "ashud", false, -31, 0x80000000, 0xFFFFFFFF },
        { "lshd", false, -31, 0x80000000, 0x00000001 },
        { "ashud", false, 31, 0x00000001, 0x80000000 },
        { "lshd", false, -32, 0xFFFFFFFF, 0 },
        { "ashud", false, -32, 0x80000000, 0xFFFFFFFF },
        { "ashuw", true, -2, 0x8000, 0xE000 },
        { "lshw", true, -2, 0x8000, 0x2000 },
        { "ashuw", true, 4, 0x0123, 0x1230 },
        { "ashub", true, -8, 0x0080, 0x00FF },
        { "lshb", true, 1, 0x0081, 0x0002 },
        { "ashud", true, -4, 0xF0000000, 0xFF000000 },
        { "lshd", true, -4, 0xF0000000, 0x0F000000 },
        { "lshd", true, 8, 0x00123456, 0x12345600 },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        Fixture f;
        bool dbl = cases[i].mn[strlen(cases[i].mn) - 1] == 'd';
        TOp dst = dbl ? P(2) : R(2);

        fx_init(&f);
        if (cases[i].reg_count) {
            A(&f, cases[i].mn, R(5), dst);
        } else {
            A(&f, cases[i].mn, I(cases[i].count), dst);
        }
        SETREG(&f, 5, cases[i].count & 0xFFFF);
        SETREG(&f, 2, cases[i].in & 0xFFFF);
        SETREG(&f, 3, cases[i].in >> 16);
        run_n(&f, 1);
        if (dbl) {
            g_assert_cmphex(REG(&f, 2) | REG(&f, 3) << 16, ==, cases[i].out);
        } else {
            g_assert_cmphex(REG(&f, 2), ==, cases[i].out);
        }
        fx_free(&f);
    }
}

/* ------------------------------------------------------------------ */
/* Loads and stores: every addressing mode */

static void test_load_store_modes(void)
{
    Fixture f;

    fx_init(&f);
    /* data */
    for (uint32_t i = 0; i < 64; i++) {
        *host(&f, 0x20000 + i) = 0x40 + i;
        *host(&f, 0xFF1230 + i) = 0x80 + i;
        *host(&f, 0x7A1230 + i) = 0xC0 + i;
        *host(&f, 0xF1230 + 0x10000 + i) = 0x10 + i;   /* r12 + abs20 */
    }
    SETREG(&f, 0, 0x0000);
    SETREG(&f, 1, 0x0002);          /* (r1,r0) = 0x20000 */
    SETREG(&f, 2, 0x1230);          /* reg16 base */
    SETREG(&f, 12, 0x10000);        /* index */
    SETREG(&f, 13, 0x1FF00);
    SETREG(&f, 3, 0x0100);          /* (r4,r3) = 0x100 */
    SETREG(&f, 4, 0x0000);

    A(&f, "loadb", MRP(4, 0), R(5));                    /* disp4 */
    A(&f, "loadw", MRP(26, 0), R(6));                   /* disp4 word */
    A(&f, "loadd", MRPK(CR16_OPK_MEM_RP16, 8, 0), P(7));
    A(&f, "loadb", MABS(0xFF1234), R(9));               /* remapped abs20 */
    A(&f, "loadw", MABSK(CR16_OPK_MEM_ABS24, 0x7A1234), R(10));
    A(&f, "loadb", MIABS(12, 0xF1234), R(11));          /* no remap */
    A(&f, "loadw", MIRP(13, 0, 3), R(8));               /* [r13]0(r4,r3) */
    run_n(&f, 7);
    g_assert_cmphex(REG(&f, 5), ==, 0x44);
    g_assert_cmphex(REG(&f, 6), ==, 0x5B5A);
    g_assert_cmphex(REG(&f, 7), ==, 0x4948);
    g_assert_cmphex(REG(&f, 9), ==, 0x84);
    g_assert_cmphex(REG(&f, 10), ==, 0xC5C4);
    g_assert_cmphex(REG(&f, 11), ==, 0x14);
    /* [r13]0(r4,r3) = 0x1FF00 + 0x100 = 0x20000 */
    g_assert_cmphex(REG(&f, 8), ==, 0x4140);

    /* stores through every mode, then read back through the host */
    f.pc = 0x1000;
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    SETREG(&f, 5, 0xBEEF);
    SETREG(&f, 6, 0x1122);
    SETREG(&f, 7, 0x3344);
    A(&f, "storb", R(5), MRP(13, 0));                   /* 0x2000d */
    A(&f, "storw", R(5), MRP(0x1234, 0));               /* disp16 */
    A(&f, "stord", P(6), MRPK(CR16_OPK_MEM_RP20, 0x12340, 0));
    A(&f, "storw", R(5), MRP(-0x10, 0));                /* -disp20(rp) */
    A(&f, "storw", R(5), MR(0x30000, 2));               /* disp20(r2) */
    A(&f, "storw", R(5), MR(-0x30, 2));                 /* -disp20(r2) */
    A(&f, "storb", R(5), MABS(0xFF0010));               /* abs20 remap */
    A(&f, "storw", R(5), MABSK(CR16_OPK_MEM_ABS24, 0x654320));
    A(&f, "storw", R(5), MIABS(13, 0x100));             /* 0x20000 */
    A(&f, "stord", P(6), MIRP(12, 0x3FFF, 3));          /* disp14 */
    A(&f, "storb", R(5), MIRPK(CR16_OPK_MEM_IRP20, 12, 0x20000, 0));
    run_n(&f, 11);
    g_assert_cmphex(rd8(&f, 0x2000D), ==, 0xEF);
    g_assert_cmphex(rd16(&f, 0x21234), ==, 0xBEEF);
    g_assert_cmphex(rd32(&f, 0x32340), ==, 0x33441122);
    g_assert_cmphex(rd16(&f, 0x1FFF0), ==, 0xBEEF);
    g_assert_cmphex(rd16(&f, 0x31230), ==, 0xBEEF);
    g_assert_cmphex(rd16(&f, 0x1200), ==, 0xBEEF);
    g_assert_cmphex(rd8(&f, 0xFF0010), ==, 0xEF);
    g_assert_cmphex(rd16(&f, 0x654320), ==, 0xBEEF);
    g_assert_cmphex(rd16(&f, 0x20000), ==, 0xBEEF);
    g_assert_cmphex(rd32(&f, 0x10000 + 0x100 + 0x3FFF), ==, 0x33441122);
    g_assert_cmphex(rd8(&f, 0x10000 + 0x20000 + 0x20000), ==, 0xEF);

    /* store immediate, unaligned and page-crossing access, wrap */
    f.pc = 0x2000;
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x2000);
    SETREG(&f, 0, 0x2FFF);
    SETREG(&f, 1, 0x0000);          /* (r1,r0) = 0x2FFF */
    A(&f, "storw", I(15), MABS(0x1234));
    A(&f, "storb", I(9), MRP(0, 0));
    A(&f, "stord", P(6), MRP(0, 0));    /* crosses 0x3000 */
    A(&f, "loadd", MRP(0, 0), P(8));
    A(&f, "storw", I(7), MIRP(12, 0x10, 0));
    A(&f, "storw", R(5), MABSK(CR16_OPK_MEM_ABS24, 0xFFFFF0)); /* MMIO */
    run_n(&f, 6);
    g_assert_cmphex(rd16(&f, 0x1234), ==, 15);
    g_assert_cmphex(rd32(&f, 0x2FFF), ==, 0x33441122);
    g_assert_cmphex(REG(&f, 8) | REG(&f, 9) << 16, ==, 0x33441122);
    g_assert_cmphex(rd16(&f, 0x10000 + 0x2FFF + 0x10), ==, 7);
    g_assert_cmphex(f.bus.io_last_addr, ==, 0xFFFFF0);
    g_assert_cmphex(f.bus.io_last_val, ==, 0xBEEF);

    /* byte loads keep bits 15..8; MMIO loads */
    f.pc = 0x3100;
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x3100);
    SETREG(&f, 5, 0xAB00);
    f.bus.io_data = 0x12345678;
    A(&f, "loadb", MABS(0x1234), R(5));
    A(&f, "loadd", MABS(IO_DATA), P(6));
    run_n(&f, 2);
    g_assert_cmphex(REG(&f, 5), ==, 0xAB0F);
    g_assert_cmphex(REG(&f, 6) | REG(&f, 7) << 16, ==, 0x12345678);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Bit operations on memory */

static void test_bit_ops(void)
{
    Fixture f;

    fx_init(&f);
    *host(&f, 0x5000) = 0x0F;
    wr16(&f, 0x5010, 0x8000);
    SETREG(&f, 0, 0x5000);
    SETREG(&f, 1, 0);
    SETREG(&f, 12, 0x5000);
    A(&f, "cbitb", I(3), MRP(0, 0));        /* F = 1, clears */
    A(&f, "sfs", R(2));
    A(&f, "tbitb", I(3), MABS(0x5000));     /* F = 0 */
    A(&f, "sfs", R(3));
    A(&f, "sbitb", I(7), MIABS(12, 0));     /* F = 0, sets */
    A(&f, "sbitw", I(0), MRP(0x10, 0));
    A(&f, "tbitw", I(15), MIRP(12, 0x10, 0));  /* [r12]0x10(r1,r0) */
    A(&f, "sfs", R(4));
    A(&f, "cbitw", I(15), MR(0x10, 0));     /* disp20(r0) */
    A(&f, "tbitw", IK(CR16_OPK_BIT4, 15), MABSK(CR16_OPK_MEM_ABS24, 0x5010));
    A(&f, "sfs", R(6));
    run_n(&f, 11);
    g_assert_cmphex(REG(&f, 2), ==, 1);
    g_assert_cmphex(REG(&f, 3), ==, 0);
    g_assert_cmphex(rd8(&f, 0x5000), ==, 0x87);
    g_assert_cmphex(REG(&f, 4), ==, 0);    /* 0x5000 + 0x5000 + 0x10 */
    g_assert_cmphex(rd16(&f, 0x5010), ==, 0x0001);
    g_assert_cmphex(REG(&f, 6), ==, 0);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Conditions: every cc for Bcond, Scond and Jcond */

static bool oracle(unsigned cc, uint32_t psr)
{
    bool c = psr & 1, l = psr & 4, fl = psr & 0x20, z = psr & 0x40;
    bool n = psr & 0x80;

    switch (cc) {
    case 0: return z;
    case 1: return !z;
    case 2: return c;
    case 3: return !c;
    case 4: return l;
    case 5: return !l;
    case 6: return n;
    case 7: return !n;
    case 8: return fl;
    case 9: return !fl;
    case 10: return !z && !l;
    case 11: return z || l;
    case 12: return !z && !n;
    case 13: return z || n;
    default: return true;
    }
}

static void test_conditions(void)
{
    for (unsigned cc = 0; cc <= 14; cc++) {
        char bmn[8], smn[8], jmn[8];

        g_snprintf(bmn, sizeof(bmn), "b%s", cr16_cc_name(cc));
        g_snprintf(smn, sizeof(smn), "s%s", cr16_cc_name(cc));
        g_snprintf(jmn, sizeof(jmn), cc == 14 ? "jump" : "j%s",
                   cr16_cc_name(cc));
        for (uint32_t flags = 0; flags < 32; flags++) {
            uint32_t psr = 0x200 | (flags & 1) | (flags & 2) << 1 |
                           (flags & 0x1C) << 3;
            Fixture f;
            bool want = oracle(cc, psr);

            for (int form = 0; form < 3; form++) {
                fx_init(&f);
                f.pc = 0x1000;
                /* 1-, 2- and 3-word Bcond */
                A(&f, bmn, TK(form == 0 ? CR16_OPK_DISP9 : form == 1
                              ? CR16_OPK_DISP17 : CR16_OPK_DISP25, 0x1080));
                cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
                cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, psr);
                run_n(&f, 1);
                g_assert_cmphex(PC(&f), ==, want ? 0x1080 : f.pc);
                fx_free(&f);
            }

            fx_init(&f);
            A(&f, smn, R(3));
            A(&f, jmn, P(4));
            SETREG(&f, 3, 0xFF00);
            SETREG(&f, 4, 0x2000 >> 1);
            cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, psr);
            run_n(&f, 2);
            g_assert_cmphex(REG(&f, 3), ==, want);
            g_assert_cmphex(PC(&f), ==, want ? 0x2000 : 4);
            fx_free(&f);
        }
    }
}

static void test_branches(void)
{
    Fixture f;

    fx_init(&f);
    /* backward 1-word branch, forward 3-word branch across 64 KiB, and
     * a negative 3-word displacement wrapping the address space */
    f.pc = 0x100;
    A(&f, "br", T(0x80));
    f.pc = 0x80;
    A(&f, "br", T(0x30000));
    f.pc = 0x30000;
    A(&f, "br", T(0xFFF000 - 0x1000));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x100);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, 0x80);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, 0x30000);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, 0xFFE000);

    /* beq0/bne0 byte and word */
    f.pc = 0x200;
    A(&f, "beq0b", R(1), T(0x220));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x200);
    SETREG(&f, 1, 0x0100);          /* low byte zero */
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, 0x220);
    f.pc = 0x220;
    A(&f, "beq0w", R(1), T(0x240));
    A(&f, "bne0w", R(1), T(0x242));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x220);
    run_n(&f, 2);
    g_assert_cmphex(PC(&f), ==, 0x242);
    f.pc = 0x300;
    A(&f, "bne0b", R(1), T(0x302 + 30));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x300);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, 0x302);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Calls, jumps, push/pop */

static void test_calls(void)
{
    Fixture f;

    fx_init(&f);
    /* the worked example of ISA section 8 (without the services) */
    f.pc = 0x1000;
    A(&f, "movd", I(0x8000), P(15));
    A(&f, "movd", I(0x10000), P(0));
    A(&f, "movd", I(0x20000), P(2));
    A(&f, "bal", P(14), T(0x102E));             /* loop: */
    A(&f, "addd", I(0x1000), P(0));
    A(&f, "cmpd", P(2), P(0));
    A(&f, "bhi", T(0x100C));
    A(&f, "loadb", MABS(0xFF8001), R(5));
    A(&f, "movb", I(0x4B), R(4));
    A(&f, "storb", R(4), MABSK(CR16_OPK_MEM_ABS24, 0xFF8000));
    g_assert_cmphex(f.pc, ==, 0x1026);
    A(&f, "br", T(0x1026));                     /* stop here */
    f.pc = 0x102E;
    A(&f, "push", I(1), R(4), R(14));
    A(&f, "loadb", MRP(0, 0), R(4));
    A(&f, "addb", I(1), R(4));
    A(&f, "storb", R(4), MRP(0, 0));
    A(&f, "popret", I(1), R(4), R(14));
    g_assert_cmphex(rd16(&f, 0x100C), ==, 0xC000);
    g_assert_cmphex(rd16(&f, 0x100E), ==, 0x0022);
    g_assert_cmphex(rd16(&f, 0x102E), ==, 0x0184);
    run_to(&f, 0x1000, 0x1026);
    g_assert_cmphex(rd8(&f, 0x10000), ==, 1);
    g_assert_cmphex(rd8(&f, 0x1F000), ==, 1);
    g_assert_cmphex(rd8(&f, 0x20000), ==, 0);
    g_assert_cmphex(rd8(&f, 0xFF8000), ==, 0x4B);
    g_assert_cmphex(REG(&f, 15), ==, 0x8000);
    g_assert_cmphex(REG(&f, 14), ==, 0x1010 >> 1);

    /* push layout: push $2,r2,ra with SP = 0x7000 */
    f.pc = 0x2000;
    A(&f, "push", I(2), R(2), R(14));
    A(&f, "push", I(3), R(12));                 /* r12 (2 words) + r13_l */
    A(&f, "pop", I(3), R(7));                   /* r7, r8, r9 */
    A(&f, "pop", I(2), R(2), R(14));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x2000);
    SETREG(&f, 15, 0x7000);
    SETREG(&f, 2, 0x1111);
    SETREG(&f, 3, 0x2222);
    SETREG(&f, 14, 0x00345678);
    SETREG(&f, 12, 0xAAAABBBB);
    SETREG(&f, 13, 0xCCCCDDDD);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 15), ==, 0x6FF8);
    g_assert_cmphex(rd16(&f, 0x6FF8), ==, 0x1111);
    g_assert_cmphex(rd16(&f, 0x6FFA), ==, 0x2222);
    g_assert_cmphex(rd32(&f, 0x6FFC), ==, 0x00345678);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 15), ==, 0x6FF2);
    g_assert_cmphex(rd32(&f, 0x6FF2), ==, 0xAAAABBBB);
    g_assert_cmphex(rd16(&f, 0x6FF6), ==, 0xDDDD);
    SETREG(&f, 2, 0);
    SETREG(&f, 3, 0);
    SETREG(&f, 14, 0);
    run_n(&f, 2);
    g_assert_cmphex(REG(&f, 7), ==, 0xBBBB);
    g_assert_cmphex(REG(&f, 8), ==, 0xAAAA);
    g_assert_cmphex(REG(&f, 9), ==, 0xDDDD);
    g_assert_cmphex(REG(&f, 2), ==, 0x1111);
    g_assert_cmphex(REG(&f, 3), ==, 0x2222);
    g_assert_cmphex(REG(&f, 14), ==, 0x00345678);
    g_assert_cmphex(REG(&f, 15), ==, 0x7000);

    /* jal (rt), jal (rl),(rt), 3-word bal (rp), jump, popret ra */
    f.pc = 0x3000;
    A(&f, "jal", P(0));                         /* -> 0x3100 */
    f.pc = 0x3100;
    A(&f, "jal", P(2), P(4));                   /* link (r3,r2) -> 0x3200 */
    f.pc = 0x3200;
    A(&f, "bal", P(6), T(0x3300));              /* 3 words */
    f.pc = 0x3300;
    A(&f, "push", I(2), R(14));                 /* push ra */
    A(&f, "popret", I(2), R(14));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x3000);
    SETREG(&f, 0, 0x3100 >> 1);
    SETREG(&f, 1, 0);
    SETREG(&f, 4, 0x3200 >> 1);
    SETREG(&f, 5, 0);
    SETREG(&f, 14, 0x4000 >> 1);
    run_n(&f, 3);
    g_assert_cmphex(REG(&f, 14), ==, 0x3002 >> 1);
    g_assert_cmphex(REG(&f, 2) | REG(&f, 3) << 16, ==, 0x3104 >> 1);
    g_assert_cmphex(REG(&f, 6) | REG(&f, 7) << 16, ==, 0x3206 >> 1);
    g_assert_cmphex(PC(&f), ==, 0x3300);
    run_n(&f, 2);
    g_assert_cmphex(PC(&f), ==, 0x3002);
    fx_free(&f);
}

static void test_load_store_multiple(void)
{
    Fixture f;
    static const uint8_t list[8] = { 2, 3, 4, 5, 8, 9, 10, 11 };

    fx_init(&f);
    for (unsigned i = 0; i < 8; i++) {
        wr16(&f, 0x6000 + 2 * i, 0x100 + i);
    }
    f.pc = 0;
    A(&f, "loadm", I(8));
    A(&f, "storm", I(5));
    A(&f, "loadmp", I(2));
    A(&f, "stormp", I(1));
    SETREG(&f, 0, 0x6000);
    SETREG(&f, 1, 0x7000);
    run_n(&f, 1);
    for (unsigned i = 0; i < 8; i++) {
        g_assert_cmphex(REG(&f, list[i]), ==, 0x100 + i);
    }
    g_assert_cmphex(REG(&f, 0), ==, 0x6010);
    run_n(&f, 1);
    for (unsigned i = 0; i < 5; i++) {
        g_assert_cmphex(rd16(&f, 0x7000 + 2 * i), ==, 0x100 + i);
    }
    g_assert_cmphex(rd16(&f, 0x700A), ==, 0);
    g_assert_cmphex(REG(&f, 1), ==, 0x700A);
    /* (r1,r0) = 0x700A6010 wraps to 0x0A6010 */
    wr16(&f, 0x0A6010, 0x5555);
    wr16(&f, 0x0A6012, 0x6666);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 2), ==, 0x5555);
    g_assert_cmphex(REG(&f, 3), ==, 0x6666);
    g_assert_cmphex(REG(&f, 0) | REG(&f, 1) << 16, ==, 0x700A6014);
    SETREG(&f, 6, 0x8000);
    SETREG(&f, 7, 0x0001);
    run_n(&f, 1);
    g_assert_cmphex(rd16(&f, 0x18000), ==, 0x5555);
    g_assert_cmphex(REG(&f, 6) | REG(&f, 7) << 16, ==, 0x18002);

    /* odd pointer: IAD at the instruction */
    setup_vectors(&f, true);
    f.pc = 0x3000;
    A(&f, "loadm", I(1));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x3000);
    SETREG(&f, 0, 0x6001);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_IAD));
    g_assert_cmphex(rd32(&f, 0x9000 - 6) << 1, ==, 0x3000);
    g_assert_cmphex(REG(&f, 0), ==, 0x6001);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Processor registers */

static void test_proc_regs(void)
{
    Fixture f;

    fx_init(&f);
    A(&f, "lpr", R(1), I(9));           /* psr */
    A(&f, "spr", I(9), R(2));
    A(&f, "lprd", P(4), I(10));         /* intbase */
    A(&f, "sprd", I(10), P(6));
    A(&f, "lpr", R(8), I(13));          /* isph */
    A(&f, "lpr", R(1), I(8));           /* cfg */
    A(&f, "sprd", I(12), P(10));        /* isp */
    SETREG(&f, 1, 0xFBF5);      /* all but T, U, P */
    SETREG(&f, 4, 0x5679);
    SETREG(&f, 5, 0xFF34);
    SETREG(&f, 8, 0x00AB);
    run_n(&f, 7);
    g_assert_cmphex(REG(&f, 2), ==, 0x0AE5);
    g_assert_cmphex(REG(&f, 6) | REG(&f, 7) << 16, ==, 0x345678);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_CFG), ==, 0x0334);
    g_assert_cmphex(REG(&f, 10) | REG(&f, 11) << 16, ==, 0xAB0000);

    /* the USP is banked with sp while PSR.U = 1 */
    cr16_cpu_reset(f.cpu);
    f.pc = 0;
    A(&f, "lprd", P(0), I(14));         /* usp = 0x5000 */
    A(&f, "jusr", P(2));                /* -> 0x200 in user mode */
    f.pc = 0x200;
    A(&f, "push", I(1), R(4));
    SETREG(&f, 0, 0x5000);
    SETREG(&f, 2, 0x100);
    SETREG(&f, 15, 0x8000);
    SETREG(&f, 4, 0x4444);
    run_n(&f, 3);
    g_assert_true(PSR(&f) & CR16_PSR_U);
    g_assert_cmphex(REG(&f, 15), ==, 0x4FFE);
    g_assert_cmphex(rd16(&f, 0x4FFE), ==, 0x4444);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_USP), ==, 0x4FFE);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200);
    g_assert_cmphex(REG(&f, 15), ==, 0x8000);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_USP), ==, 0x4FFE);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Exceptions */

static void check_frame(Fixture *f, uint32_t isp0, uint32_t ret,
                        uint32_t psr)
{
    g_assert_cmphex(cr16_cpu_get_reg(f->cpu, CR16_REG_ISP), ==, isp0 - 6);
    g_assert_cmphex(rd32(f, isp0 - 6), ==, ret >> 1);
    g_assert_cmphex(rd16(f, isp0 - 2), ==, psr);
}

static void test_exceptions(void)
{
    Fixture f;
    uint64_t done;

    fx_init(&f);
    setup_vectors(&f, true);
    /* handlers: retx */
    for (unsigned v = 0; v < 32; v++) {
        f.pc = HANDLER(v);
        A0(&f, "retx");
    }

    /* excp svc: return address = NEXT; T/P/U cleared, I kept */
    f.pc = 0x1000;
    A(&f, "excp", I(CR16_EXCP_SVC));
    A(&f, "excp", I(CR16_EXCP_BPT));
    A(&f, "excp", I(CR16_EXCP_DVZ));
    A(&f, "excp", I(CR16_EXCP_FLG));
    A(&f, "excp", I(CR16_EXCP_UND));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0A25);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_SVC));
    check_frame(&f, 0x9000, 0x1002, 0x0A25);
    g_assert_cmphex(PSR(&f), ==, 0x0A25);
    run_n(&f, 1);                           /* retx */
    g_assert_cmphex(PC(&f), ==, 0x1002);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_ISP), ==, 0x9000);
    g_assert_cmphex(PSR(&f), ==, 0x0A25);
    for (unsigned i = 0; i < 4; i++) {
        static const unsigned v[] = { CR16_EXCP_BPT, CR16_EXCP_DVZ,
                                      CR16_EXCP_FLG, CR16_EXCP_UND };
        run_n(&f, 1);
        g_assert_cmphex(PC(&f), ==, HANDLER(v[i]));
        check_frame(&f, 0x9000, 0x1004 + 2 * i, 0x0A25);
        run_n(&f, 1);
    }

    /* undefined instruction: return address = the instruction */
    f.pc = 0x1100;
    wr16(&f, 0x1100, 0x0000);
    wr16(&f, 0x1102, 0x00C9);               /* excp 9: undefined */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1100);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_UND));
    check_frame(&f, 0x9000, 0x1100, 0x0A25);
    cr16_cpu_set_reg(f.cpu, CR16_REG_ISP, 0x9000);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1102);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_UND));
    check_frame(&f, 0x9000, 0x1102, 0x0A25);

    /* odd PC: IAD with the odd address as return address */
    cr16_cpu_set_reg(f.cpu, CR16_REG_ISP, 0x9000);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1101);
    g_assert_cmphex(PC(&f), ==, 0x1101);
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 1, &done), ==, CR16_EXIT_BUDGET);
    g_assert_cmpuint(done, ==, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_IAD));
    g_assert_cmphex(rd32(&f, 0x9000 - 6), ==, 0x1101 >> 1);

    /* privileged instruction in user mode: UND; the handler runs in
     * supervisor mode on the supervisor sp */
    cr16_cpu_set_reg(f.cpu, CR16_REG_ISP, 0x9000);
    f.pc = 0x1200;
    A(&f, "lpr", R(0), I(9));
    cr16_cpu_set_reg(f.cpu, CR16_REG_USP, 0x6000);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200 | CR16_PSR_U);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1200);
    g_assert_cmphex(REG(&f, 15), ==, 0x6000);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_UND));
    check_frame(&f, 0x9000, 0x1200, 0x0200 | CR16_PSR_U);
    g_assert_cmphex(PSR(&f), ==, 0x0200);
    g_assert_cmphex(REG(&f, 15), ==, 0x8000);
    run_n(&f, 1);                           /* retx back to user mode */
    g_assert_cmphex(REG(&f, 15), ==, 0x6000);
    g_assert_true(PSR(&f) & CR16_PSR_U);

    /* 16-bit dispatch entries (CFG.ED = 0) */
    cr16_cpu_reset(f.cpu);
    setup_vectors(&f, false);
    f.pc = 0x1300;
    A(&f, "excp", I(CR16_EXCP_SVC));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1300);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_SVC));
    fx_free(&f);
}

static void test_trace(void)
{
    Fixture f;

    fx_init(&f);
    setup_vectors(&f, true);
    f.pc = HANDLER(CR16_EXCP_TRC);
    A(&f, "addw", I(1), R(9));
    A0(&f, "retx");
    f.pc = 0x1000;
    A(&f, "addw", I(1), R(1));
    A(&f, "addw", I(1), R(1));
    A(&f, "addw", I(1), R(1));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200 | CR16_PSR_T);
    /* each traced instruction is followed by the TRC handler (2 insns) */
    run_n(&f, 9);
    g_assert_cmphex(REG(&f, 1), ==, 3);
    g_assert_cmphex(REG(&f, 9), ==, 3);
    g_assert_cmphex(PC(&f), ==, 0x1006);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Interrupts */

typedef struct IrqCtx {
    int vector;
    unsigned acks, kicks;
} IrqCtx;

static int irq_ack(void *opaque)
{
    IrqCtx *c = opaque;

    c->acks++;
    return c->vector;
}

static void irq_kick(void *opaque)
{
    IrqCtx *c = opaque;

    __atomic_fetch_add(&c->kicks, 1, __ATOMIC_SEQ_CST);
}

static void test_interrupts(void)
{
    Fixture f;
    IrqCtx ctx = { .vector = 19 };
    uint64_t done;

    fx_init(&f);
    setup_vectors(&f, true);
    cr16_cpu_set_irq_ack(f.cpu, irq_ack, &ctx);
    cr16_cpu_set_kick(f.cpu, irq_kick, &ctx);
    /* main: a loop counting r1 */
    f.pc = 0x1000;
    A(&f, "addw", I(1), R(1));
    A(&f, "br", T(0x1000));
    /* INT handler (vector 19): count r2, retx */
    f.pc = HANDLER(19);
    A(&f, "addw", I(1), R(2));
    A0(&f, "retx");
    /* NMI handler: count r3 */
    f.pc = HANDLER(CR16_EXCP_NMI);
    A(&f, "addw", I(1), R(3));
    A0(&f, "retx");
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);

    /* I = 0 after reset: not taken */
    cr16_cpu_set_irq(f.cpu, true);
    g_assert_cmpuint(ctx.kicks, ==, 1);
    run_n(&f, 10);
    g_assert_cmpuint(REG(&f, 2), ==, 0);
    g_assert_cmpuint(ctx.acks, ==, 0);

    /* enable: taken at the next block boundary, I cleared in handler */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200 | CR16_PSR_I);
    run_n(&f, 1);
    g_assert_cmphex(PC(&f), ==, HANDLER(19) + 2);
    g_assert_cmpuint(ctx.acks, ==, 1);
    g_assert_cmphex(PSR(&f) & (CR16_PSR_I | CR16_PSR_E), ==, CR16_PSR_E);
    run_n(&f, 1);                           /* retx: I back on */
    g_assert_true(PSR(&f) & CR16_PSR_I);
    /* level still high: taken again right away */
    run_n(&f, 1);
    g_assert_cmpuint(ctx.acks, ==, 2);
    g_assert_cmpuint(REG(&f, 2), ==, 2);
    cr16_cpu_set_irq(f.cpu, false);
    run_n(&f, 1);                           /* retx */
    run_n(&f, 20);
    g_assert_cmpuint(REG(&f, 2), ==, 2);
    g_assert_cmpuint(ctx.acks, ==, 2);

    /* di masks (E = 0) */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, CR16_PSR_I);
    cr16_cpu_set_irq(f.cpu, true);
    run_n(&f, 10);
    g_assert_cmpuint(ctx.acks, ==, 2);
    cr16_cpu_set_irq(f.cpu, false);

    /* NMI: edge-triggered, taken even with E = I = 0, nests into an INT
     * handler */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200 | CR16_PSR_I);
    cr16_cpu_set_irq(f.cpu, true);
    run_n(&f, 1);                           /* INT taken, r2++ */
    g_assert_cmpuint(REG(&f, 2), ==, 3);
    cr16_cpu_set_irq(f.cpu, false);
    cr16_cpu_set_nmi(f.cpu, true);
    cr16_cpu_set_nmi(f.cpu, true);          /* no new edge */
    run_n(&f, 1);                           /* NMI handler: r3++ */
    g_assert_cmpuint(REG(&f, 3), ==, 1);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_ISP), ==, 0x9000 - 12);
    run_n(&f, 1);                           /* retx to INT handler */
    g_assert_cmphex(PC(&f), ==, HANDLER(19) + 2);
    run_n(&f, 1);                           /* retx to main */
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_ISP), ==, 0x9000);
    run_n(&f, 10);
    g_assert_cmpuint(REG(&f, 3), ==, 1);
    cr16_cpu_set_nmi(f.cpu, false);
    cr16_cpu_set_nmi(f.cpu, true);
    run_n(&f, 1);
    g_assert_cmpuint(REG(&f, 3), ==, 2);
    run_n(&f, 1);

    /* spurious: ack returns < 0, nothing taken */
    ctx.vector = -1;
    cr16_cpu_set_irq(f.cpu, true);
    run_n(&f, 4);
    g_assert_cmpuint(REG(&f, 2), ==, 3);
    cr16_cpu_set_irq(f.cpu, false);
    ctx.vector = 19;

    /* nesting: a handler that re-enables I gets interrupted itself */
    f.pc = HANDLER(20);
    A(&f, "addw", I(1), R(4));
    A(&f, "lpr", R(5), I(9));               /* psr = E | I */
    A(&f, "addw", I(1), R(6));
    A0(&f, "retx");
    SETREG(&f, 5, 0x0A00);
    ctx.vector = 20;
    cr16_cpu_set_irq(f.cpu, true);
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 3, &done), ==, CR16_EXIT_BUDGET);
    /* took 20, addw, lpr; now 20 again (level still high) */
    run_n(&f, 1);
    g_assert_cmpuint(REG(&f, 4), ==, 2);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_ISP), ==, 0x9000 - 12);
    cr16_cpu_set_irq(f.cpu, false);
    run_n(&f, 1 + 2 + 1 + 2);
    g_assert_cmpuint(REG(&f, 6), ==, 2);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_ISP), ==, 0x9000);
    fx_free(&f);
}

static void test_wait(void)
{
    Fixture f;
    IrqCtx ctx = { .vector = 17 };
    uint64_t done;

    fx_init(&f);
    setup_vectors(&f, true);
    cr16_cpu_set_irq_ack(f.cpu, irq_ack, &ctx);
    cr16_cpu_set_kick(f.cpu, irq_kick, &ctx);
    f.pc = 0x1000;
    A0(&f, "eiwait");
    A(&f, "movw", I(7), R(1));
    A0(&f, "wait");
    A(&f, "movw", I(8), R(1));
    f.pc = HANDLER(17);
    A(&f, "addw", I(1), R(2));
    A0(&f, "retx");
    f.pc = HANDLER(CR16_EXCP_NMI);
    A0(&f, "retx");
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, CR16_PSR_I);     /* E = 0 */

    g_assert_cmpint(cr16_cpu_exec(f.cpu, 100, &done), ==, CR16_EXIT_HALTED);
    g_assert_cmpuint(done, ==, 1);
    g_assert_true(PSR(&f) & CR16_PSR_E);
    g_assert_false(cr16_cpu_has_work(f.cpu));
    /* halted: nothing runs */
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 100, &done), ==, CR16_EXIT_HALTED);
    g_assert_cmpuint(done, ==, 0);

    cr16_cpu_set_irq(f.cpu, true);
    g_assert_cmpuint(ctx.kicks, ==, 1);
    g_assert_true(cr16_cpu_has_work(f.cpu));
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 2, &done), ==, CR16_EXIT_BUDGET);
    g_assert_cmpuint(REG(&f, 2), ==, 1);
    g_assert_cmphex(rd32(&f, 0x9000 - 6) << 1, ==, 0x1002);
    cr16_cpu_set_irq(f.cpu, false);
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 100, &done), ==, CR16_EXIT_HALTED);
    g_assert_cmpuint(done, ==, 2);
    g_assert_cmpuint(REG(&f, 1), ==, 7);

    /* wait with I = 0: INT does not wake it, NMI does */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200);
    cr16_cpu_set_irq(f.cpu, true);
    g_assert_false(cr16_cpu_has_work(f.cpu));
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 100, &done), ==, CR16_EXIT_HALTED);
    cr16_cpu_set_nmi(f.cpu, true);
    g_assert_true(cr16_cpu_has_work(f.cpu));
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 2, &done), ==, CR16_EXIT_BUDGET);
    g_assert_cmpuint(REG(&f, 1), ==, 8);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Code caching: self-modifying code, DMA invalidation, bank switch */

static void test_self_modifying(void)
{
    Fixture f;
    uint16_t movw9[3], movw3[3];
    unsigned n;
    const CR16Form *const *forms = cr16_forms_for_mnemonic("movw", &n);
    CR16Operand ops[2] = { { .value = 9 }, { .reg = 1 } };

    /* movw $9,r1 needs the imm16 form (9 is not an imm4) */
    g_assert_true(cr16_encode(forms[1], ops, movw9, NULL));
    ops[0].value = 3;
    g_assert_true(cr16_encode(forms[0], ops, movw3, NULL));

    fx_init(&f);
    /* 0x1000: movw $3,r1 ; addw r1,r2 ; (patch) storw r5,0x1000 ; br */
    f.pc = 0x1000;
    A(&f, "movw", IK(CR16_OPK_IMM16W, 3), R(1));
    A(&f, "addw", R(1), R(2));
    A(&f, "storw", R(5), MABS(0x1002));     /* patches the imm16 */
    A(&f, "addw", R(1), R(3));
    A(&f, "br", T(0x1000));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    SETREG(&f, 5, 100);
    run_n(&f, 5);
    g_assert_cmpuint(REG(&f, 2), ==, 3);
    g_assert_cmpuint(REG(&f, 3), ==, 3);
    run_n(&f, 5);                           /* sees the patched value */
    g_assert_cmpuint(REG(&f, 2), ==, 103);

    /* store into the running block, after the current instruction */
    f.pc = 0x2000;
    A(&f, "storw", R(6), MABS(0x2008));
    A(&f, "storw", R(7), MABS(0x3F00));
    A(&f, "movw", I(1), R(8));              /* replaced by addw $2,r8 */
    A(&f, "br", T(0x2000));
    {
        uint16_t w[3];
        CR16Operand o[2] = { { .value = 2 }, { .reg = 8 } };
        const CR16Form *const *fa = cr16_forms_for_mnemonic("addw", &n);

        g_assert_true(cr16_encode(fa[0], o, w, NULL));
        SETREG(&f, 6, w[0]);
    }
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x2000);
    SETREG(&f, 8, 10);
    run_n(&f, 4);
    g_assert_cmpuint(REG(&f, 8), ==, 12);

    /* someone else writes code (DMA): cr16_cpu_invalidate_code */
    f.pc = 0x3000;
    A(&f, "movw", I(1), R(9));
    A(&f, "br", T(0x3000));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x3000);
    run_n(&f, 2);
    g_assert_cmpuint(REG(&f, 9), ==, 1);
    f.pc = 0x3000;
    A(&f, "movw", I(2), R(9));
    cr16_cpu_invalidate_code(f.cpu, 0x3000, 2);
    run_n(&f, 2);
    g_assert_cmpuint(REG(&f, 9), ==, 2);

    /* the same host page at two CPU addresses: the bank window shows
     * bank 0; code decoded at the window, written through ... itself,
     * and a bank switch (tlb flush from io_write mid-block) */
    f.pc = WIN_BASE;
    A(&f, "movw", I(5), R(10));
    A(&f, "storb", R(11), MABS(IO_BANK));   /* switch to bank 1 */
    A(&f, "movw", I(6), R(10));             /* bank 0: not executed */
    f.bus.bank = 1;
    f.pc = WIN_BASE;
    A(&f, "movw", I(7), R(12));
    A(&f, "movw", I(7), R(12));
    A(&f, "movw", I(7), R(12));
    A(&f, "movw", I(8), R(12));             /* bank 1 at +6 */
    f.bus.bank = 0;
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, WIN_BASE);
    SETREG(&f, 11, 1);
    run_n(&f, 3);
    g_assert_cmpuint(f.bus.bank, ==, 1);
    g_assert_cmpuint(REG(&f, 10), ==, 5);
    g_assert_cmphex(REG(&f, 12) & 0xFFFF, ==, 8);
    (void)movw9;
    (void)movw3;
    fx_free(&f);
}

/*
 * A window move flushes only the window: reads and writes there see the
 * new bank at once, while cached pointers elsewhere survive (no new
 * page_ptr(write) for a low-RAM page stored to before and after).
 */
static void test_window_range_flush(void)
{
    Fixture f;

    fx_init(&f);
    f.bus.range_flush = true;
    f.bus.bank_pages[0][0] = 0x11;
    f.bus.bank_pages[1][0] = 0x22;
    f.pc = 0x1000;
    A(&f, "storb", R(3), MABS(0x6000));         /* fill page 6 for writes */
    A(&f, "loadb", MABS(WIN_BASE), R(1));       /* bank 0 */
    A(&f, "storb", R(11), MABS(IO_BANK));       /* switch to bank 1 */
    A(&f, "loadb", MABS(WIN_BASE), R(2));       /* bank 1 */
    A(&f, "storb", R(2), MABS(WIN_BASE + 1));   /* into bank 1 */
    A(&f, "storb", R(3), MABS(0x6001));         /* page 6 still cached */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    SETREG(&f, 3, 0x5a);
    SETREG(&f, 11, 1);
    run_n(&f, 6);
    g_assert_cmpuint(f.bus.bank, ==, 1);
    g_assert_cmphex(REG(&f, 1) & 0xFF, ==, 0x11);
    g_assert_cmphex(REG(&f, 2) & 0xFF, ==, 0x22);
    g_assert_cmphex(f.bus.bank_pages[1][1], ==, 0x22);
    g_assert_cmphex(f.bus.bank_pages[0][1], ==, 0);
    g_assert_cmphex(f.bus.mem[0x6001], ==, 0x5a);
    g_assert_cmpuint(f.bus.wr_fills[6], ==, 1);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* Budget, exit request and write barrier across threads */

typedef struct ThreadCtx {
    Fixture *f;
    int stop;
    int rounds;
    bool ok;
    uint8_t *pages[2];
} ThreadCtx;

static gpointer exit_thread(gpointer opaque)
{
    ThreadCtx *c = opaque;

    uint8_t *flag = c->f->bus.mem + 0x6000;

    /* wait until the guest runs, then ask it to stop */
    while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST)) {
        g_thread_yield();
    }
    while (!__atomic_load_n(&c->stop, __ATOMIC_SEQ_CST)) {
        cr16_cpu_exit_request(c->f->cpu);
        g_usleep(1000);
    }
    return NULL;
}

static void test_budget_and_exit(void)
{
    Fixture f;
    uint64_t done;
    ThreadCtx c = { .f = &f };
    GThread *th;
    CR16ExitReason r;

    fx_init(&f);
    A(&f, "addw", I(1), R(1));
    A(&f, "addw", I(1), R(1));
    A(&f, "addw", I(1), R(1));
    A(&f, "br", T(0));
    for (unsigned i = 1; i <= 9; i++) {
        g_assert_cmpint(cr16_cpu_exec(f.cpu, 1, &done), ==, CR16_EXIT_BUDGET);
        g_assert_cmpuint(done, ==, 1);
    }
    g_assert_cmpuint(REG(&f, 1), ==, 7);
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 1000001, &done), ==,
                    CR16_EXIT_BUDGET);
    g_assert_cmpuint(done, ==, 1000001);
    g_assert_cmpuint(REG(&f, 1), ==, (7 + 750001) & 0xFFFF);

    /* exit request pending before the call: returns at once */
    cr16_cpu_exit_request(f.cpu);
    g_assert_cmpint(cr16_cpu_exec(f.cpu, 100, &done), ==, CR16_EXIT_REQUEST);
    g_assert_cmpuint(done, ==, 0);

    /* from another thread while running an endless loop */
    f.pc = 0x200;
    A(&f, "addw", I(1), R(7));
    A(&f, "storb", R(7), MABS(0x6000));
    A(&f, "br", T(0x200));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x200);
    th = g_thread_new("exit", exit_thread, &c);
    r = cr16_cpu_exec(f.cpu, UINT64_MAX, &done);
    __atomic_store_n(&c.stop, 1, __ATOMIC_SEQ_CST);
    g_thread_join(th);
    g_assert_cmpint(r, ==, CR16_EXIT_REQUEST);
    g_assert_cmpuint(done, >, 0);
    fx_free(&f);
}

/*
 * Before each barrier the bus starts mapping 0x5000 to a fresh zeroed
 * host page; the guest stores to 0x5000 in a loop. Stores after the
 * barrier returns must go through a new page_ptr call, so they must
 * reach the new page. Without the barrier the old pointer stays cached.
 */
static gpointer barrier_thread(gpointer opaque)
{
    ThreadCtx *c = opaque;
    TestBus *tb = &c->f->bus;
    uint8_t *pages[2] = { g_malloc0(4096), g_malloc0(4096) };

    c->ok = true;
    for (int i = 0; i < c->rounds && c->ok; i++) {
        uint8_t *p = pages[i & 1];
        gint64 deadline;

        memset(p, 0, 4096);
        __atomic_store_n(&tb->page5, p, __ATOMIC_SEQ_CST);
        cr16_cpu_write_barrier(c->f->cpu);
        deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        while (!__atomic_load_n(&p[0], __ATOMIC_SEQ_CST) &&
               !__atomic_load_n(&p[1], __ATOMIC_SEQ_CST)) {
            if (g_get_monotonic_time() > deadline) {
                c->ok = false;
                break;
            }
            g_thread_yield();
        }
    }
    __atomic_store_n(&c->stop, 1, __ATOMIC_SEQ_CST);
    cr16_cpu_exit_request(c->f->cpu);
    /* the vCPU has left exec when the main thread joins: pages stay
     * valid until then */
    c->pages[0] = pages[0];
    c->pages[1] = pages[1];
    return NULL;
}

static void test_write_barrier(void)
{
    Fixture f;
    uint64_t done;
    ThreadCtx c = { .f = &f, .rounds = 200 };
    GThread *th;
    const uint32_t page = 0x5000 >> 12;
    unsigned fills;

    fx_init(&f);
    A(&f, "addw", I(1), R(1));
    A(&f, "storw", R(1), MABS(0x5000));
    A(&f, "br", T(0));

    /* single thread: a barrier forces the next store to refill */
    run_n(&f, 6);
    fills = f.bus.wr_fills[page];
    g_assert_cmpuint(fills, ==, 1);
    run_n(&f, 6);
    g_assert_cmpuint(f.bus.wr_fills[page], ==, 1);      /* cached */
    cr16_cpu_write_barrier(f.cpu);
    run_n(&f, 6);
    g_assert_cmpuint(f.bus.wr_fills[page], ==, 2);
    g_assert_cmphex(rd16(&f, 0x5000), ==, REG(&f, 1));

    /* concurrent: barrier thread vs. running vCPU */
    th = g_thread_new("barrier", barrier_thread, &c);
    while (!__atomic_load_n(&c.stop, __ATOMIC_SEQ_CST)) {
        cr16_cpu_exec(f.cpu, UINT64_MAX, &done);
    }
    g_thread_join(th);
    g_assert_true(c.ok);
    g_assert_cmpuint(f.bus.wr_fills[page], >=, 2 + c.rounds);
    f.bus.page5 = NULL;
    g_free(c.pages[0]);
    g_free(c.pages[1]);
    fx_free(&f);
}

/* ------------------------------------------------------------------ */
/* State dump, register names, migration hook */

static void test_state_api(void)
{
    Fixture f;
    GString *s = g_string_new(NULL);

    fx_init(&f);
    g_assert_cmpint(cr16_cpu_reg_lookup("sp"), ==, CR16_REG_R0 + 15);
    g_assert_cmpint(cr16_cpu_reg_lookup("PSR"), ==, CR16_REG_PSR);
    g_assert_cmpint(cr16_cpu_reg_lookup("bogus"), ==, -1);
    g_assert_cmpstr(cr16_cpu_reg_name(CR16_REG_INTBASE), ==, "intbase");
    cr16_cpu_set_reg(f.cpu, CR16_REG_INTBASE, 0x12345679);
    g_assert_cmphex(cr16_cpu_get_reg(f.cpu, CR16_REG_INTBASE), ==, 0x345678);
    SETREG(&f, 3, 0x12345);
    g_assert_cmphex(REG(&f, 3), ==, 0x2345);
    cr16_cpu_dump_state(f.cpu, s);
    g_assert_nonnull(strstr(s->str, "PC=000000"));
    g_assert_nonnull(strstr(s->str, "R3 =2345"));
    g_string_free(s, TRUE);
    fx_free(&f);
}

/* Instructions fetched through MMIO and across a page boundary, and a
 * reset requested by a device in the middle of a block. */
static void test_odd_fetches(void)
{
    Fixture f;

    fx_init(&f);
    setup_vectors(&f, true);
    /* a 3-word instruction straddling 0x1FFE/0x2000 */
    f.pc = 0x1FFC;
    A(&f, "movw", I(1), R(1));
    A(&f, "movd", IK(CR16_OPK_IMM32, 0x12345678), P(2));
    A(&f, "movw", I(2), R(4));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1FFC);
    run_n(&f, 3);
    g_assert_cmphex(REG(&f, 2) | REG(&f, 3) << 16, ==, 0x12345678);
    g_assert_cmphex(REG(&f, 4), ==, 2);
    /* and it is not cached stale: patch the straddling immediate */
    wr16(&f, 0x2000, 0x1111);
    cr16_cpu_invalidate_code(f.cpu, 0x2000, 2);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1FFE);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 3), ==, 0x1111);       /* W1 = high half */

    /* code in MMIO */
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, IO_CODE);
    run_n(&f, 2);
    g_assert_cmphex(REG(&f, 9), ==, 3);
    g_assert_cmphex(PC(&f), ==, HANDLER(CR16_EXCP_BPT));

    /* reset from a device callback while running */
    f.pc = 0x3000;
    A(&f, "movw", I(5), R(6));
    A(&f, "storb", R(6), MABS(IO_RESET));
    A(&f, "movw", I(6), R(6));
    f.pc = 0;
    A(&f, "movw", I(7), R(7));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x3000);
    run_n(&f, 3);
    g_assert_cmphex(REG(&f, 6), ==, 0);         /* reset cleared it */
    g_assert_cmphex(REG(&f, 7), ==, 7);         /* then ran from 0 */
    g_assert_cmphex(PC(&f), ==, 2);
    fx_free(&f);
}

static void test_logging(void)
{
    Fixture f;
    g_autofree char *path = g_build_filename(g_get_tmp_dir(),
                                             "test-cr16-exec-log.XXXXXX",
                                             NULL);
    g_autofree char *text = NULL;
    int fd = g_mkstemp(path);
    GError *err = NULL;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    fx_init(&f);
    setup_vectors(&f, true);
    f.pc = 0x1000;
    A(&f, "addw", I(5), R(1));
    A(&f, "loadw", MRP(4, 0), R(2));
    A(&f, "bal", P(14), T(0x1234));
    f.pc = 0x1234;
    wr16(&f, 0x1234, 0x0000);                   /* undefined */
    g_assert_true(qemu_log_set(CPU_LOG_TB_IN_ASM | CPU_LOG_EXEC |
                               CPU_LOG_INT | LOG_GUEST_ERROR |
                               CPU_LOG_TB_CPU, path, &err));
    cr16_cpu_set_reg(f.cpu, CR16_REG_PC, 0x1000);
    run_n(&f, 4);
    g_assert_true(qemu_log_set(0, NULL, &err));
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "0x001000:  addw $0x5,r1"));
    g_assert_nonnull(strstr(text, "loadw 0x4(r1,r0),r2"));
    g_assert_nonnull(strstr(text, "bal (ra),0x1234"));
    g_assert_nonnull(strstr(text, ".word 0x0000"));
    g_assert_nonnull(strstr(text, "Trace 0x001234"));
    g_assert_nonnull(strstr(text, "undefined instruction"));
    g_assert_nonnull(strstr(text, "exception 10 (UND)"));
    g_assert_nonnull(strstr(text, "PC=001000"));
    unlink(path);
    fx_free(&f);
}

/* Migration: the field table covers the architectural state, and
 * post_load sanitises it and drops decoded code. */
static void test_vmstate(void)
{
    Fixture f;
    const VMStateField *fl;
    size_t sum = 0;
    CR16CPUState *env;

    for (fl = vmstate_cr16_cpu.fields; !(fl->flags & VMS_END); fl++) {
        size_t n = (fl->flags & VMS_ARRAY) ? fl->num : 1;

        g_assert_cmpuint(fl->offset + fl->size * n, <=,
                         sizeof(CR16CPUState));
        sum += fl->size * n;
    }
    /* everything but padding */
    g_assert_cmpuint(sizeof(CR16CPUState) - sum, <, 4);
    g_assert_cmpstr(vmstate_cr16_cpu.name, ==, "cpu");
    g_assert_nonnull(vmstate_cr16_cpu.post_load);

    fx_init(&f);
    A(&f, "movw", I(1), R(1));
    A(&f, "br", T(0));
    run_n(&f, 2);
    g_assert_cmphex(REG(&f, 1), ==, 1);
    /* a migration load writes RAM and state behind the CPU's back */
    f.pc = 0;
    A(&f, "movw", I(2), R(1));
    env = (CR16CPUState *)cr16_cpu_state(f.cpu);
    env->r[3] = 0xFFFFFFFF;
    env->pc = 0x1000001;
    env->psr = 0xFFFF;
    g_assert_cmpint(vmstate_cr16_cpu.post_load(f.cpu, 1), ==, 0);
    g_assert_cmphex(REG(&f, 3), ==, 0xFFFF);
    g_assert_cmphex(PC(&f), ==, 0);
    g_assert_cmphex(PSR(&f), ==, 0x0EEF);
    cr16_cpu_set_reg(f.cpu, CR16_REG_PSR, 0x0200);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 1), ==, 2);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cr16/exec/reset", test_reset);
    g_test_add_func("/cr16/exec/window-range-flush", test_window_range_flush);
    g_test_add_func("/cr16/exec/alu-flags", test_alu_flags);
    g_test_add_func("/cr16/exec/alu-misc", test_alu_misc);
    g_test_add_func("/cr16/exec/mac", test_mac);
    g_test_add_func("/cr16/exec/shifts", test_shifts);
    g_test_add_func("/cr16/exec/load-store-modes", test_load_store_modes);
    g_test_add_func("/cr16/exec/bit-ops", test_bit_ops);
    g_test_add_func("/cr16/exec/conditions", test_conditions);
    g_test_add_func("/cr16/exec/branches", test_branches);
    g_test_add_func("/cr16/exec/calls", test_calls);
    g_test_add_func("/cr16/exec/load-store-multiple",
                    test_load_store_multiple);
    g_test_add_func("/cr16/exec/proc-regs", test_proc_regs);
    g_test_add_func("/cr16/exec/exceptions", test_exceptions);
    g_test_add_func("/cr16/exec/trace", test_trace);
    g_test_add_func("/cr16/exec/interrupts", test_interrupts);
    g_test_add_func("/cr16/exec/wait", test_wait);
    g_test_add_func("/cr16/exec/self-modifying", test_self_modifying);
    g_test_add_func("/cr16/exec/budget-and-exit", test_budget_and_exit);
    g_test_add_func("/cr16/exec/write-barrier", test_write_barrier);
    g_test_add_func("/cr16/exec/state-api", test_state_api);
    g_test_add_func("/cr16/exec/odd-fetches", test_odd_fetches);
    g_test_add_func("/cr16/exec/logging", test_logging);
    g_test_add_func("/cr16/exec/vmstate", test_vmstate);
    return g_test_run();
}

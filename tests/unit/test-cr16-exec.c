/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the CR16C interpreter, ISA semantics: hand-encoded
 * programs (built with the table-driven encoder) on the flat test bus of
 * cr16-test-harness.h. Exceptions, interrupts, caches and threads are in
 * test-cr16-exec-system.c.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "migration/vmstate.h"
#include "cr16-test-harness.h"

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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cr16/exec/reset", test_reset);
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
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the CR16C interpreter, system side: exceptions and
 * interrupts, the decoded-code cache and TLB coherence, budgets, exit
 * requests and the write barrier across threads, logging and VMState.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "migration/vmstate.h"
#include "cr16-test-harness.h"

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

/* Migration: the field table covers the architectural state, post_load
 * rejects values no CPU state can hold and drops decoded code. */
typedef struct BadCpuValue {
    const char *what;       /* substring the error must contain */
    void (*poke)(CR16CPUState *env);
} BadCpuValue;

static void poke_r3(CR16CPUState *env) { env->r[3] = 0x10000; }
static void poke_pc(CR16CPUState *env) { env->pc = 0x1000000; }
static void poke_psr(CR16CPUState *env) { env->psr = 0xFFFF; }
static void poke_cfg(CR16CPUState *env) { env->cfg = 0x0001; }
static void poke_intbase(CR16CPUState *env) { env->intbase = 0x1001; }
static void poke_isp(CR16CPUState *env) { env->isp = 0xFF000000; }
static void poke_halted(CR16CPUState *env) { env->halted = 2; }
static void poke_nmi_pending(CR16CPUState *env) { env->nmi_pending = 7; }
static void poke_irq_level(CR16CPUState *env) { env->irq_level = 0x80; }
static void poke_nmi_level(CR16CPUState *env) { env->nmi_level = 3; }

static const BadCpuValue bad_cpu_values[] = {
    { "r3 0x10000", poke_r3 },
    { "PC 0x1000000", poke_pc },
    { "PSR 0xffff", poke_psr },
    { "CFG 0x1", poke_cfg },
    { "INTBASE 0x1001", poke_intbase },
    { "ISP 0xff000000", poke_isp },
    { "halted 2", poke_halted },
    { "nmi_pending 7", poke_nmi_pending },
    { "irq_level 128", poke_irq_level },
    { "nmi_level 3", poke_nmi_level },
};

static void test_vmstate(void)
{
    Fixture f;
    const VMStateField *fl;
    size_t sum = 0;
    CR16CPUState *env, saved;
    bool has_nmi_level = false;

    for (fl = vmstate_cr16_cpu.fields; !(fl->flags & VMS_END); fl++) {
        size_t n = (fl->flags & VMS_ARRAY) ? fl->num : 1;

        g_assert_cmpuint(fl->offset + fl->size * n, <=,
                         sizeof(CR16CPUState));
        sum += fl->size * n;
        has_nmi_level |= fl->offset == offsetof(CR16CPUState, nmi_level);
    }
    /* everything but padding, and the NMI line level */
    g_assert_cmpuint(sizeof(CR16CPUState) - sum, <, 4);
    g_assert_true(has_nmi_level);
    g_assert_cmpstr(vmstate_cr16_cpu.name, ==, "cpu");
    g_assert_nonnull(vmstate_cr16_cpu.post_load);

    fx_init(&f);
    A(&f, "movw", I(1), R(1));
    A(&f, "br", T(0));
    run_n(&f, 2);
    g_assert_cmphex(REG(&f, 1), ==, 1);
    env = (CR16CPUState *)cr16_cpu_state(f.cpu);
    saved = *env;

    /* impossible values: a named error each */
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cpu_values); i++) {
        g_autoptr(GError) err = NULL;

        *env = saved;
        bad_cpu_values[i].poke(env);
        g_assert_false(vmstate_cr16_cpu.post_load(f.cpu, 1, &err));
        g_assert_nonnull(err);
        if (!strstr(err->message, bad_cpu_values[i].what)) {
            g_error("error \"%s\" does not name \"%s\"", err->message,
                    bad_cpu_values[i].what);
        }
    }

    /* a migration load writes RAM and state behind the CPU's back */
    *env = saved;
    f.pc = 0;
    A(&f, "movw", I(2), R(1));
    env->r[13] = 0xFFFFFFFF;        /* r12..r15 are 32-bit */
    env->pc = 0;
    env->psr = 0x0200;
    g_assert_true(vmstate_cr16_cpu.post_load(f.cpu, 1, NULL));
    g_assert_cmphex(REG(&f, 13), ==, 0xFFFFFFFF);
    run_n(&f, 1);
    g_assert_cmphex(REG(&f, 1), ==, 2);
    fx_free(&f);
}

/* The NMI line level is CPU state: only a rising edge latches an NMI,
 * and a line held high across reset (or migration) does not re-latch. */
static void test_nmi_level(void)
{
    Fixture f;
    CR16CPUState *env;

    fx_init(&f);
    env = (CR16CPUState *)cr16_cpu_state(f.cpu);
    cr16_cpu_set_nmi(f.cpu, true);
    g_assert_cmpuint(env->nmi_level, ==, 1);
    g_assert_cmpuint(env->nmi_pending, ==, 1);
    env->nmi_pending = 0;
    cr16_cpu_set_nmi(f.cpu, true);          /* still high: no edge */
    g_assert_cmpuint(env->nmi_pending, ==, 0);
    cr16_cpu_reset(f.cpu);
    g_assert_cmpuint(env->nmi_level, ==, 1);
    cr16_cpu_set_nmi(f.cpu, true);
    g_assert_cmpuint(env->nmi_pending, ==, 0);
    /* a loaded low level makes the next high an edge */
    env->nmi_level = 0;
    g_assert_true(vmstate_cr16_cpu.post_load(f.cpu, 1, NULL));
    cr16_cpu_set_nmi(f.cpu, true);
    g_assert_cmpuint(env->nmi_pending, ==, 1);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cr16/exec/window-range-flush", test_window_range_flush);
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
    g_test_add_func("/cr16/exec/nmi-level", test_nmi_level);
    return g_test_run();
}

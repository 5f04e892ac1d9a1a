/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CR16C interpreter tests' harness (see cr16-test-harness.h). */
#include "qemu/osdep.h"
#include "cr16-test-harness.h"


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

void fx_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->bus.mem = g_malloc0(MEM_SIZE);
    f->bus.bank_pages[0] = g_malloc0(4096);
    f->bus.bank_pages[1] = g_malloc0(4096);
    f->cpu = cr16_cpu_new(&test_bus_ops, &f->bus);
    f->bus.cpu = f->cpu;
}

void fx_free(Fixture *f)
{
    cr16_cpu_free(f->cpu);
    g_free(f->bus.mem);
    g_free(f->bus.bank_pages[0]);
    g_free(f->bus.bank_pages[1]);
}

uint8_t *host(Fixture *f, uint32_t a)
{
    if ((a & ~0xFFFu) == WIN_BASE) {
        return f->bus.bank_pages[f->bus.bank] + (a & 0xFFF);
    }
    return f->bus.mem + a;
}

uint32_t rd8(Fixture *f, uint32_t a)
{
    return *host(f, a);
}

uint32_t rd16(Fixture *f, uint32_t a)
{
    return rd8(f, a) | rd8(f, a + 1) << 8;
}

uint32_t rd32(Fixture *f, uint32_t a)
{
    return rd16(f, a) | rd16(f, a + 2) << 16;
}

void wr16(Fixture *f, uint32_t a, uint32_t v)
{
    *host(f, a) = v;
    *host(f, a + 1) = v >> 8;
}

void wr32(Fixture *f, uint32_t a, uint32_t v)
{
    wr16(f, a, v);
    wr16(f, a + 2, v >> 16);
}

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
uint32_t asm_ops(Fixture *f, const char *mn, const TOp *ops,
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

/* Run n instructions from the current PC; assert all executed. */
void run_n(Fixture *f, uint64_t n)
{
    uint64_t done = 0;
    CR16ExitReason r = cr16_cpu_exec(f->cpu, n, &done);

    g_assert_cmpint(r, ==, CR16_EXIT_BUDGET);
    g_assert_cmpuint(done, ==, n);
}

/* Run from `start` until PC == stop (bounded). */
void run_to(Fixture *f, uint32_t start, uint32_t stop)
{
    cr16_cpu_set_reg(f->cpu, CR16_REG_PC, start);
    for (int i = 0; i < 100000 && PC(f) != stop; i++) {
        uint64_t done;
        CR16ExitReason r = cr16_cpu_exec(f->cpu, 1, &done);

        g_assert_cmpint(r, ==, CR16_EXIT_BUDGET);
    }
    g_assert_cmphex(PC(f), ==, stop);
}

void setup_vectors(Fixture *f, bool ed)
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

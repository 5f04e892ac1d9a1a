/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest MIPS of the CR16C interpreter: runs small loops built with the
 * table-driven encoder on a flat RAM bus and prints instructions/second.
 * Usage: cr16-mips [cpu-seconds-per-loop]   (default 1.0)
 */
#include "qemu/osdep.h"
#include "target/cr16/cpu.h"
#include "target/cr16/insn.h"

#define MEM_SIZE (16u << 20)

static uint8_t *ram;

static uint8_t *page_ptr(void *opaque, uint32_t addr, bool write)
{
    return addr >= 0xFF0000 ? NULL : ram + addr;
}

static uint32_t io_read(void *opaque, uint32_t addr, unsigned size)
{
    return 0;
}

static void io_write(void *opaque, uint32_t addr, uint32_t val,
                     unsigned size)
{
}

static const CR16BusOps bus = { page_ptr, io_read, io_write };

/* Operand shorthand: kind class decides how fields are used. */
typedef struct Op {
    CR16OpClass cls;
    int64_t value;
    uint8_t reg;
} Op;

#define REG(n)      ((Op){ CR16_OPC_REG, 0, n })
#define PAIR(n)     ((Op){ CR16_OPC_PAIR, 0, n })
#define IMM(v)      ((Op){ CR16_OPC_IMM, v, 0 })
#define TGT(a)      ((Op){ CR16_OPC_TARGET, a, 0 })
#define MEM(d, p)   ((Op){ CR16_OPC_MEM, d, p })

static uint32_t pc;

/* Assemble with the first (shortest) form that accepts the operands;
 * memory operands use the disp(rp) kinds. */
static uint32_t emit(const char *mn, unsigned n, const Op *ops)
{
    unsigned nf;
    const CR16Form *const *forms = cr16_forms_for_mnemonic(mn, &nf);
    uint32_t at = pc;

    for (unsigned i = 0; forms && i < nf; i++) {
        CR16Operand o[CR16_MAX_OPERANDS] = { { 0 } };
        uint16_t w[3];
        bool fit = forms[i]->nops == n;

        for (unsigned k = 0; fit && k < n; k++) {
            CR16OpKind kind = forms[i]->ops[k].kind;

            fit = cr16_opkind_class(kind) == ops[k].cls &&
                  (ops[k].cls != CR16_OPC_MEM ||
                   (kind >= CR16_OPK_MEM_RP0 && kind <= CR16_OPK_MEM_RP20));
            o[k].value = ops[k].cls == CR16_OPC_TARGET
                         ? ops[k].value - (int64_t)at : ops[k].value;
            o[k].reg = ops[k].reg;
        }
        if (fit && cr16_encode(forms[i], o, w, NULL)) {
            for (unsigned k = 0; k < forms[i]->len; k++) {
                ram[pc] = w[k];
                ram[pc + 1] = w[k] >> 8;
                pc += 2;
            }
            return at;
        }
    }
    fprintf(stderr, "cr16-mips: cannot assemble %s\n", mn);
    exit(1);
}

#define E(mn, ...) \
    emit(mn, sizeof((Op[]){ __VA_ARGS__ }) / sizeof(Op), (Op[]){ __VA_ARGS__ })

/* CPU time of this thread in microseconds: the machine may be shared,
 * so MIPS are per CPU-second of the vCPU thread. */
static double thread_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double run(CR16CPU *cpu, uint32_t start, double seconds,
                  double *wall_mips)
{
    uint64_t total = 0;
    double c0, c1;
    gint64 w0, w1;

    cr16_cpu_reset(cpu);
    cr16_cpu_set_reg(cpu, CR16_REG_PC, start);
    cr16_cpu_exec(cpu, 1000000, NULL);      /* warm up: decode blocks */
    c0 = thread_us();
    w0 = g_get_monotonic_time();
    do {
        uint64_t done;

        cr16_cpu_exec(cpu, 20000000, &done);
        total += done;
        c1 = thread_us();
    } while (c1 - c0 < seconds * 1e6);
    w1 = g_get_monotonic_time();
    *wall_mips = total / (double)(w1 - w0);
    return total / (c1 - c0);               /* per microsecond = MIPS */
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? g_ascii_strtod(argv[1], NULL) : 1.0;
    CR16CPU *cpu;
    uint32_t loop1, loop2, loop3, fn;
    double m1, m2, m3, w1, w2, w3;

    if (secs <= 0) {
        secs = 1.0;
    }
    ram = g_malloc0(MEM_SIZE);
    cpu = cr16_cpu_new(&bus, NULL);

    /* 1: counter loop (addw / cmpw / bne) */
    pc = 0x1000;
    E("movw", IMM(0), REG(1));
    E("movw", IMM(-1), REG(2));
    loop1 = E("addw", IMM(1), REG(1));
    E("cmpw", REG(2), REG(1));
    E("bne", TGT(loop1));
    E("br", TGT(0x1000));

    /* 2: memory loop: sum and copy a 256-word array */
    pc = 0x2000;
    E("movd", IMM(0x10000), PAIR(0));
    E("movd", IMM(0x10200), PAIR(2));
    E("movw", IMM(0), REG(4));
    loop2 = E("loadw", MEM(0, 0), REG(5));
    E("addw", REG(5), REG(4));
    E("storw", REG(4), MEM(0, 2));
    E("addd", IMM(2), PAIR(0));
    E("addd", IMM(2), PAIR(2));
    E("cmpd", IMM(0x10200), PAIR(0));
    E("bne", TGT(loop2));
    E("br", TGT(0x2000));

    /* 3: calls: bal / push / pop / popret, with a shift and a xor */
    pc = 0x3000;
    fn = 0x3100;
    E("movd", IMM(0x8000), PAIR(15));
    loop3 = E("bal", PAIR(14), TGT(fn));
    E("br", TGT(loop3));
    pc = fn;
    E("push", IMM(2), REG(7), REG(14));
    E("ashuw", IMM(3), REG(7));
    E("xorw", REG(7), REG(8));
    E("popret", IMM(2), REG(7), REG(14));

    m1 = run(cpu, 0x1000, secs, &w1);
    m2 = run(cpu, 0x2000, secs, &w2);
    m3 = run(cpu, 0x3000, secs, &w3);
    printf("cr16 interpreter MIPS (per CPU-second of the vCPU thread): "
           "counter-loop %.0f, memory-loop %.0f, call-loop %.0f\n",
           m1, m2, m3);
    printf("cr16 interpreter MIPS (wall clock, machine load included): "
           "counter-loop %.0f, memory-loop %.0f, call-loop %.0f\n",
           w1, w2, w3);
    cr16_cpu_free(cpu);
    g_free(ram);
    return 0;
}

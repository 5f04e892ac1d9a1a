/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C interpreter: arithmetic, logic, moves, multiplies, shifts, bit
 * test of a register and set-on-condition (ISA 4.1-4.4, 4.7, 4.10).
 * Handlers are specialised per width and source kind.
 */
#include "qemu/osdep.h"
#include "target/cr16/cpu-internal.h"
#include "target/cr16/exec.h"
#include "target/cr16/ops.h"

#define PSR_CF  (CR16_PSR_C | CR16_PSR_F)
#define PSR_ZNL (CR16_PSR_Z | CR16_PSR_N | CR16_PSR_L)

static inline uint32_t wmask(unsigned w)
{
    return w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
}

static inline int32_t sextw(uint32_t v, unsigned w)
{
    return w == 32 ? (int32_t)v : ((int32_t)(v << (32 - w))) >> (32 - w);
}

/* ---- operations: d = destination value, s = source value ---- */

static inline uint32_t op_and(CR16CPU *cpu, uint32_t d, uint32_t s,
                              unsigned w)
{
    return d & s;
}

static inline uint32_t op_or(CR16CPU *cpu, uint32_t d, uint32_t s,
                             unsigned w)
{
    return d | s;
}

static inline uint32_t op_xor(CR16CPU *cpu, uint32_t d, uint32_t s,
                              unsigned w)
{
    return d ^ s;
}

static inline uint32_t op_addu(CR16CPU *cpu, uint32_t d, uint32_t s,
                               unsigned w)
{
    return (d + s) & wmask(w);
}

static inline uint32_t op_mov(CR16CPU *cpu, uint32_t d, uint32_t s,
                              unsigned w)
{
    return s;
}

static inline uint32_t op_mul(CR16CPU *cpu, uint32_t d, uint32_t s,
                              unsigned w)
{
    return (d * s) & wmask(w);
}

static inline uint32_t add_flags(CR16CPU *cpu, uint32_t d, uint32_t s,
                                 uint32_t cin, unsigned w)
{
    uint64_t r = (uint64_t)d + s + cin;
    uint32_t res = (uint32_t)r & wmask(w);
    uint32_t c = r > wmask(w);
    uint32_t f = ((~(d ^ s) & (d ^ res)) >> (w - 1)) & 1;

    cpu->env.psr = (cpu->env.psr & ~PSR_CF) | c | f << 5;
    return res;
}

static inline uint32_t sub_flags(CR16CPU *cpu, uint32_t d, uint32_t s,
                                 uint32_t cin, unsigned w)
{
    uint32_t res = (d - s - cin) & wmask(w);
    uint32_t c = (uint64_t)s + cin > d;
    uint32_t f = (((d ^ s) & (d ^ res)) >> (w - 1)) & 1;

    cpu->env.psr = (cpu->env.psr & ~PSR_CF) | c | f << 5;
    return res;
}

static inline uint32_t op_add(CR16CPU *cpu, uint32_t d, uint32_t s,
                              unsigned w)
{
    return add_flags(cpu, d, s, 0, w);
}

static inline uint32_t op_addc(CR16CPU *cpu, uint32_t d, uint32_t s,
                               unsigned w)
{
    return add_flags(cpu, d, s, cpu->env.psr & CR16_PSR_C, w);
}

static inline uint32_t op_sub(CR16CPU *cpu, uint32_t d, uint32_t s,
                              unsigned w)
{
    return sub_flags(cpu, d, s, 0, w);
}

static inline uint32_t op_subc(CR16CPU *cpu, uint32_t d, uint32_t s,
                               unsigned w)
{
    return sub_flags(cpu, d, s, cpu->env.psr & CR16_PSR_C, w);
}

/* cmp src1 = s, src2 = d (ISA 3.4, 4.1) */
static inline void do_cmp(CR16CPU *cpu, uint32_t d, uint32_t s, unsigned w)
{
    uint32_t f = (s == d) << 6 | (sextw(s, w) > sextw(d, w)) << 7 |
                 (s > d) << 2;

    cpu->env.psr = (cpu->env.psr & ~PSR_ZNL) | f;
}

/* ---- operand access per width ---- */
#define GET_B(cpu, n)       cr16_rb(cpu, n)
#define GET_W(cpu, n)       cr16_rw(cpu, n)
#define GET_D(cpu, n)       cr16_rp(cpu, n)
#define SET_B(cpu, n, v)    cr16_set_rb(cpu, n, v)
#define SET_W(cpu, n, v)    cr16_set_rw(cpu, n, v)
#define SET_D(cpu, n, v)    cr16_set_rp(cpu, n, v)
#define BITS_B 8
#define BITS_W 16
#define BITS_D 32

/* h_<op>_<W>_i: source is d->imm; h_<op>_<W>_r: source register d->a.
 * The destination is d->b. */
#define DEF_ALU(op, W)                                                      \
static const CR16DInsn *h_##op##_##W##_i(CR16CPU *cpu, const CR16DInsn *d) \
{                                                                           \
    SET_##W(cpu, d->b, op_##op(cpu, GET_##W(cpu, d->b), d->imm, BITS_##W)); \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_##op##_##W##_r(CR16CPU *cpu, const CR16DInsn *d) \
{                                                                           \
    SET_##W(cpu, d->b, op_##op(cpu, GET_##W(cpu, d->b),                     \
                               GET_##W(cpu, d->a), BITS_##W));              \
    return d + 1;                                                           \
}

#define DEF_CMP(W)                                                          \
static const CR16DInsn *h_cmp_##W##_i(CR16CPU *cpu, const CR16DInsn *d)    \
{                                                                           \
    do_cmp(cpu, GET_##W(cpu, d->b), d->imm, BITS_##W);                      \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_cmp_##W##_r(CR16CPU *cpu, const CR16DInsn *d)    \
{                                                                           \
    do_cmp(cpu, GET_##W(cpu, d->b), GET_##W(cpu, d->a), BITS_##W);          \
    return d + 1;                                                           \
}

#define DEF_ALU3(op) DEF_ALU(op, B) DEF_ALU(op, W) DEF_ALU(op, D)
DEF_ALU3(and)
DEF_ALU3(or)
DEF_ALU3(xor)
DEF_ALU3(addu)
DEF_ALU3(add)
DEF_ALU3(addc)
DEF_ALU3(sub)
DEF_ALU3(subc)
DEF_ALU3(mov)
DEF_ALU3(mul)
DEF_CMP(B)
DEF_CMP(W)
DEF_CMP(D)

#define ALU_ROW(op) { { h_##op##_B_r, h_##op##_B_i },                       \
                      { h_##op##_W_r, h_##op##_W_i },                       \
                      { h_##op##_D_r, h_##op##_D_i } }

/* [op][width index][source is immediate] */
static const CR16Handler alu_tab[CR16_OP__MAX][3][2] = {
    [CR16_OP_AND] = ALU_ROW(and),
    [CR16_OP_OR] = ALU_ROW(or),
    [CR16_OP_XOR] = ALU_ROW(xor),
    [CR16_OP_ADDU] = ALU_ROW(addu),
    [CR16_OP_ADD] = ALU_ROW(add),
    [CR16_OP_ADDC] = ALU_ROW(addc),
    [CR16_OP_SUB] = ALU_ROW(sub),
    [CR16_OP_SUBC] = ALU_ROW(subc),
    [CR16_OP_CMP] = ALU_ROW(cmp),
    [CR16_OP_MOV] = ALU_ROW(mov),
    [CR16_OP_MUL] = ALU_ROW(mul),
};

/* ---- extensions and multiplies (4.2) ---- */

static const CR16DInsn *h_movxb(CR16CPU *cpu, const CR16DInsn *d)
{
    cr16_set_rw(cpu, d->b, (uint32_t)(int8_t)cr16_rb(cpu, d->a));
    return d + 1;
}

static const CR16DInsn *h_movzb(CR16CPU *cpu, const CR16DInsn *d)
{
    cr16_set_rw(cpu, d->b, cr16_rb(cpu, d->a));
    return d + 1;
}

static const CR16DInsn *h_movxw(CR16CPU *cpu, const CR16DInsn *d)
{
    cr16_set_rp(cpu, d->b, (uint32_t)(int16_t)cr16_rw(cpu, d->a));
    return d + 1;
}

static const CR16DInsn *h_movzw(CR16CPU *cpu, const CR16DInsn *d)
{
    cr16_set_rp(cpu, d->b, cr16_rw(cpu, d->a));
    return d + 1;
}

static const CR16DInsn *h_mulsb(CR16CPU *cpu, const CR16DInsn *d)
{
    int32_t p = (int8_t)cr16_rb(cpu, d->a) * (int8_t)cr16_rb(cpu, d->b);

    cr16_set_rw(cpu, d->b, (uint32_t)p);
    return d + 1;
}

static const CR16DInsn *h_mulsw(CR16CPU *cpu, const CR16DInsn *d)
{
    int32_t p = (int16_t)cr16_rw(cpu, d->a) *
                (int16_t)(cr16_rp(cpu, d->b) & 0xFFFF);

    cr16_set_rp(cpu, d->b, (uint32_t)p);
    return d + 1;
}

static const CR16DInsn *h_muluw(CR16CPU *cpu, const CR16DInsn *d)
{
    uint32_t p = cr16_rw(cpu, d->a) * (cr16_rp(cpu, d->b) & 0xFFFF);

    cr16_set_rp(cpu, d->b, p);
    return d + 1;
}

static inline uint32_t sat_s32(int64_t v)
{
    return v > INT32_MAX ? (uint32_t)INT32_MAX
         : v < INT32_MIN ? (uint32_t)INT32_MIN : (uint32_t)v;
}

/* mac: sources d->a, d->b; accumulator pair d->c (model: ISA 4.2 [U]) */
static const CR16DInsn *h_macq(CR16CPU *cpu, const CR16DInsn *d)
{
    int64_t acc = (int32_t)cr16_rp(cpu, d->c);
    int64_t p = 2 * (int64_t)((int16_t)cr16_rw(cpu, d->a) *
                              (int16_t)cr16_rw(cpu, d->b));

    cr16_set_rp(cpu, d->c, sat_s32(acc + p));
    return d + 1;
}

static const CR16DInsn *h_macs(CR16CPU *cpu, const CR16DInsn *d)
{
    int64_t acc = (int32_t)cr16_rp(cpu, d->c);
    int64_t p = (int16_t)cr16_rw(cpu, d->a) * (int16_t)cr16_rw(cpu, d->b);

    cr16_set_rp(cpu, d->c, sat_s32(acc + p));
    return d + 1;
}

static const CR16DInsn *h_macu(CR16CPU *cpu, const CR16DInsn *d)
{
    uint64_t acc = cr16_rp(cpu, d->c);
    uint64_t p = (uint64_t)cr16_rw(cpu, d->a) * cr16_rw(cpu, d->b);
    uint64_t r = acc + p;

    cr16_set_rp(cpu, d->c, r > UINT32_MAX ? UINT32_MAX : (uint32_t)r);
    return d + 1;
}

/* ---- shifts (4.4): positive count = left ---- */

static inline uint32_t do_shift(uint32_t v, int c, unsigned w, bool arith)
{
    if (c >= 0) {
        return (uint32_t)((uint64_t)v << c) & wmask(w);
    }
    if (arith) {
        return (uint32_t)((int64_t)sextw(v, w) >> -c) & wmask(w);
    }
    return (uint32_t)((uint64_t)v >> -c);
}

/* count: immediate in d->imm (signed), or register d->a (signed low
 * 4/5/6 bits); destination d->b */
#define DEF_SHIFT(name, W, arith, cbits)                                    \
static const CR16DInsn *h_##name##_##W##_i(CR16CPU *cpu,                   \
                                           const CR16DInsn *d)              \
{                                                                           \
    SET_##W(cpu, d->b, do_shift(GET_##W(cpu, d->b), (int32_t)d->imm,        \
                                BITS_##W, arith));                          \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_##name##_##W##_r(CR16CPU *cpu,                   \
                                           const CR16DInsn *d)              \
{                                                                           \
    int c = sextw(cr16_rw(cpu, d->a), cbits);                               \
    SET_##W(cpu, d->b, do_shift(GET_##W(cpu, d->b), c, BITS_##W, arith));   \
    return d + 1;                                                           \
}

DEF_SHIFT(ashu, B, true, 4)
DEF_SHIFT(ashu, W, true, 5)
DEF_SHIFT(ashu, D, true, 6)
DEF_SHIFT(lsh, B, false, 4)
DEF_SHIFT(lsh, W, false, 5)
DEF_SHIFT(lsh, D, false, 6)

static const CR16Handler shift_tab[2][3][2] = {
    { { h_ashu_B_r, h_ashu_B_i }, { h_ashu_W_r, h_ashu_W_i },
      { h_ashu_D_r, h_ashu_D_i } },
    { { h_lsh_B_r, h_lsh_B_i }, { h_lsh_W_r, h_lsh_W_i },
      { h_lsh_D_r, h_lsh_D_i } },
};

/* ---- tbit on a register, scond, nop ---- */

static inline void set_f(CR16CPU *cpu, uint32_t bit)
{
    cpu->env.psr = (cpu->env.psr & ~CR16_PSR_F) | (bit & 1) << 5;
}

static const CR16DInsn *h_tbitr_i(CR16CPU *cpu, const CR16DInsn *d)
{
    set_f(cpu, cr16_rw(cpu, d->b) >> d->imm);
    return d + 1;
}

static const CR16DInsn *h_tbitr_r(CR16CPU *cpu, const CR16DInsn *d)
{
    set_f(cpu, cr16_rw(cpu, d->b) >> (cr16_rw(cpu, d->a) & 15));
    return d + 1;
}

static const CR16DInsn *h_scond(CR16CPU *cpu, const CR16DInsn *d)
{
    cr16_set_rw(cpu, d->b, cr16_cond(cpu, d->aux));
    return d + 1;
}

static const CR16DInsn *h_nop(CR16CPU *cpu, const CR16DInsn *d)
{
    return d + 1;
}

static unsigned width_index(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

static bool is_reg(const CR16Operand *op)
{
    return op->kind == CR16_OPK_REG || op->kind == CR16_OPK_RP;
}

bool cr16_pick_alu(CR16DInsn *d, const CR16Form *f, const CR16Operand *ops)
{
    unsigned wi = width_index(f->size);
    static const uint32_t masks[3] = { 0xFF, 0xFFFF, 0xFFFFFFFF };

    switch (f->op) {
    case CR16_OP_AND: case CR16_OP_OR: case CR16_OP_XOR:
    case CR16_OP_ADDU: case CR16_OP_ADD: case CR16_OP_ADDC:
    case CR16_OP_SUB: case CR16_OP_SUBC: case CR16_OP_CMP:
    case CR16_OP_MOV: case CR16_OP_MUL:
        d->fn = alu_tab[f->op][wi][!is_reg(&ops[0])];
        d->a = ops[0].reg;
        d->b = ops[1].reg;
        d->imm = (uint32_t)ops[0].value & masks[wi];
        return true;
    case CR16_OP_MOVX:
    case CR16_OP_MOVZ:
        d->fn = f->op == CR16_OP_MOVX ? (f->size == 1 ? h_movxb : h_movxw)
                                      : (f->size == 1 ? h_movzb : h_movzw);
        d->a = ops[0].reg;
        d->b = ops[1].reg;
        return true;
    case CR16_OP_MULSB:
    case CR16_OP_MULSW:
    case CR16_OP_MULUW:
        d->fn = f->op == CR16_OP_MULSB ? h_mulsb
              : f->op == CR16_OP_MULSW ? h_mulsw : h_muluw;
        d->a = ops[0].reg;
        d->b = ops[1].reg;
        return true;
    case CR16_OP_MACQ:
    case CR16_OP_MACU:
    case CR16_OP_MACS:
        d->fn = f->op == CR16_OP_MACQ ? h_macq
              : f->op == CR16_OP_MACU ? h_macu : h_macs;
        d->a = ops[0].reg;
        d->b = ops[1].reg;
        d->c = ops[2].reg;
        return true;
    case CR16_OP_ASHU:
    case CR16_OP_LSH:
        d->fn = shift_tab[f->op == CR16_OP_LSH][wi][!is_reg(&ops[0])];
        d->a = ops[0].reg;
        d->b = ops[1].reg;
        d->imm = (uint32_t)(int32_t)ops[0].value;
        return true;
    case CR16_OP_TBITR:
        d->fn = is_reg(&ops[0]) ? h_tbitr_r : h_tbitr_i;
        d->a = ops[0].reg;
        d->b = ops[1].reg;
        d->imm = (uint32_t)ops[0].value;
        return true;
    case CR16_OP_SCOND:
        d->fn = h_scond;
        d->b = ops[0].reg;
        d->aux = f->cc;
        return true;
    case CR16_OP_NOP:
        d->fn = h_nop;
        return true;
    default:
        return false;
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C interpreter: loads, stores, store-immediate, bit operations on
 * memory, push/pop/popret and load/store multiple (ISA 4.8-4.12).
 * Handlers are specialised per operation and addressing mode.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"
#include "target/cr16/exec.h"
#include "target/cr16/ops.h"

/* Effective-address modes; the mode fixes how d->b, d->c, d->imm combine.
 * d->a is the data register / pair, store-immediate value or bit number. */
enum { M_ABS, M_RP, M_R16, M_IABS, M_IRP, M__N };

static inline uint32_t ea_M_ABS(CR16CPU *cpu, const CR16DInsn *d)
{
    return d->imm;
}

static inline uint32_t ea_M_RP(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_rp(cpu, d->b) + d->imm;
}

static inline uint32_t ea_M_R16(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_rw(cpu, d->b) + d->imm;
}

static inline uint32_t ea_M_IABS(CR16CPU *cpu, const CR16DInsn *d)
{
    return cpu->env.r[d->c] + d->imm;
}

static inline uint32_t ea_M_IRP(CR16CPU *cpu, const CR16DInsn *d)
{
    return cpu->env.r[d->c] + cr16_rp(cpu, d->b) + d->imm;
}

/* After a store: end the block if the store hit decoded code. */
static inline const CR16DInsn *after_store(CR16CPU *cpu, const CR16DInsn *d)
{
    if (unlikely(cpu->stop_block)) {
        return cr16_block_exit(cpu, d, d->pc + d->len);
    }
    return d + 1;
}

static inline void set_f(CR16CPU *cpu, uint32_t bit)
{
    cpu->env.psr = (cpu->env.psr & ~CR16_PSR_F) | (bit & 1) << 5;
}

/* Operation ids within this file. */
enum {
    X_LDB, X_LDW, X_LDD, X_STB, X_STW, X_STD, X_STIB, X_STIW,
    X_CBITB, X_CBITW, X_SBITB, X_SBITW, X_TBITB, X_TBITW, X__N
};

#define DEF_MEM(M)                                                          \
static const CR16DInsn *h_ldb_##M(CR16CPU *cpu, const CR16DInsn *d)        \
{                                                                           \
    cr16_set_rb(cpu, d->a, cr16_ld(cpu, ea_##M(cpu, d), 1));                \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_ldw_##M(CR16CPU *cpu, const CR16DInsn *d)        \
{                                                                           \
    cr16_set_rw(cpu, d->a, cr16_ld(cpu, ea_##M(cpu, d), 2));                \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_ldd_##M(CR16CPU *cpu, const CR16DInsn *d)        \
{                                                                           \
    cr16_set_rp(cpu, d->a, cr16_ld(cpu, ea_##M(cpu, d), 4));                \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_stb_##M(CR16CPU *cpu, const CR16DInsn *d)        \
{                                                                           \
    cr16_st(cpu, ea_##M(cpu, d), cr16_rb(cpu, d->a), 1);                    \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_stw_##M(CR16CPU *cpu, const CR16DInsn *d)        \
{                                                                           \
    cr16_st(cpu, ea_##M(cpu, d), cr16_rw(cpu, d->a), 2);                    \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_std_##M(CR16CPU *cpu, const CR16DInsn *d)        \
{                                                                           \
    cr16_st(cpu, ea_##M(cpu, d), cr16_rp(cpu, d->a), 4);                    \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_stib_##M(CR16CPU *cpu, const CR16DInsn *d)       \
{                                                                           \
    cr16_st(cpu, ea_##M(cpu, d), d->a, 1);                                  \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_stiw_##M(CR16CPU *cpu, const CR16DInsn *d)       \
{                                                                           \
    cr16_st(cpu, ea_##M(cpu, d), d->a, 2);                                  \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_cbitb_##M(CR16CPU *cpu, const CR16DInsn *d)      \
{                                                                           \
    uint32_t ea = ea_##M(cpu, d), v = cr16_ld(cpu, ea, 1);                  \
    set_f(cpu, v >> d->a);                                                  \
    cr16_st(cpu, ea, v & ~(1u << d->a), 1);                                 \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_cbitw_##M(CR16CPU *cpu, const CR16DInsn *d)      \
{                                                                           \
    uint32_t ea = ea_##M(cpu, d), v = cr16_ld(cpu, ea, 2);                  \
    set_f(cpu, v >> d->a);                                                  \
    cr16_st(cpu, ea, v & ~(1u << d->a), 2);                                 \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_sbitb_##M(CR16CPU *cpu, const CR16DInsn *d)      \
{                                                                           \
    uint32_t ea = ea_##M(cpu, d), v = cr16_ld(cpu, ea, 1);                  \
    set_f(cpu, v >> d->a);                                                  \
    cr16_st(cpu, ea, v | (1u << d->a), 1);                                  \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_sbitw_##M(CR16CPU *cpu, const CR16DInsn *d)      \
{                                                                           \
    uint32_t ea = ea_##M(cpu, d), v = cr16_ld(cpu, ea, 2);                  \
    set_f(cpu, v >> d->a);                                                  \
    cr16_st(cpu, ea, v | (1u << d->a), 2);                                  \
    return after_store(cpu, d);                                             \
}                                                                           \
static const CR16DInsn *h_tbitb_##M(CR16CPU *cpu, const CR16DInsn *d)      \
{                                                                           \
    set_f(cpu, cr16_ld(cpu, ea_##M(cpu, d), 1) >> d->a);                    \
    return d + 1;                                                           \
}                                                                           \
static const CR16DInsn *h_tbitw_##M(CR16CPU *cpu, const CR16DInsn *d)      \
{                                                                           \
    set_f(cpu, cr16_ld(cpu, ea_##M(cpu, d), 2) >> d->a);                    \
    return d + 1;                                                           \
}

DEF_MEM(M_ABS)
DEF_MEM(M_RP)
DEF_MEM(M_R16)
DEF_MEM(M_IABS)
DEF_MEM(M_IRP)

#define MEM_ROW(op) { h_##op##_M_ABS, h_##op##_M_RP, h_##op##_M_R16,        \
                      h_##op##_M_IABS, h_##op##_M_IRP }

static const CR16Handler mem_tab[X__N][M__N] = {
    [X_LDB] = MEM_ROW(ldb), [X_LDW] = MEM_ROW(ldw), [X_LDD] = MEM_ROW(ldd),
    [X_STB] = MEM_ROW(stb), [X_STW] = MEM_ROW(stw), [X_STD] = MEM_ROW(std),
    [X_STIB] = MEM_ROW(stib), [X_STIW] = MEM_ROW(stiw),
    [X_CBITB] = MEM_ROW(cbitb), [X_CBITW] = MEM_ROW(cbitw),
    [X_SBITB] = MEM_ROW(sbitb), [X_SBITW] = MEM_ROW(sbitw),
    [X_TBITB] = MEM_ROW(tbitb), [X_TBITW] = MEM_ROW(tbitw),
};

/* ---- push / pop / popret (4.11): d->a = first register, d->aux =
 * count in words, d->c = RA flag ---- */

static void push_pop(CR16CPU *cpu, const CR16DInsn *d, bool push)
{
    unsigned words = d->aux;
    uint32_t n = 2 * words + (d->c ? 4 : 0);
    uint32_t sp = cpu->env.r[15];
    uint32_t base = push ? sp - n : sp;
    uint32_t a = base;
    unsigned r = d->a;

    while (words > 0) {
        if (r > 15) {
            qemu_log_mask(LOG_GUEST_ERROR, "cr16: %s at 0x%06x runs past sp\n",
                          push ? "push" : "pop", d->pc);
            break;
        }
        if (r >= 12 && words >= 2) {
            if (push) {
                cr16_st(cpu, a, cpu->env.r[r], 4);
            } else {
                cpu->env.r[r] = cr16_ld(cpu, a, 4);
            }
            a += 4;
            words -= 2;
        } else {
            /* 16-bit register, or a 32-bit one left with a single word
             * (undefined by the ISA: its low half is transferred) */
            if (push) {
                cr16_st(cpu, a, cr16_rw(cpu, r), 2);
            } else {
                cr16_set_rw(cpu, r, cr16_ld(cpu, a, 2));
            }
            a += 2;
            words--;
        }
        r++;
    }
    if (d->c) {
        a = base + 2 * d->aux;
        if (push) {
            cr16_st(cpu, a, cpu->env.r[14], 4);
        } else {
            cpu->env.r[14] = cr16_ld(cpu, a, 4);
        }
    }
    cpu->env.r[15] = push ? sp - n : sp + n;
}

static const CR16DInsn *h_push(CR16CPU *cpu, const CR16DInsn *d)
{
    push_pop(cpu, d, true);
    return after_store(cpu, d);
}

static const CR16DInsn *h_pop(CR16CPU *cpu, const CR16DInsn *d)
{
    push_pop(cpu, d, false);
    return d + 1;
}

static const CR16DInsn *h_popret(CR16CPU *cpu, const CR16DInsn *d)
{
    push_pop(cpu, d, false);
    if (unlikely(cpu->stop_block)) {
        return cr16_block_exit(cpu, d, cpu->env.r[14] << 1);
    }
    return cr16_chain(cpu, d, cpu->env.r[14] << 1);
}

/* ---- load/store multiple (4.12): d->aux = count ---- */

static const uint8_t multi_regs[8] = { 2, 3, 4, 5, 8, 9, 10, 11 };

static const CR16DInsn *multi(CR16CPU *cpu, const CR16DInsn *d,
                              bool load, bool pair, unsigned preg)
{
    uint32_t ptr = pair ? cr16_rp(cpu, preg) : cr16_rw(cpu, preg);
    unsigned cnt = d->aux;

    if (ptr & 1) {
        qemu_log_mask(LOG_GUEST_ERROR, "cr16: odd %s pointer 0x%x at "
                      "0x%06x\n", load ? "loadm" : "storm", ptr, d->pc);
        return cr16_block_raise(cpu, d, CR16_EXCP_IAD, d->pc);
    }
    for (unsigned i = 0; i < cnt; i++) {
        if (load) {
            cr16_set_rw(cpu, multi_regs[i], cr16_ld(cpu, ptr + 2 * i, 2));
        } else {
            cr16_st(cpu, ptr + 2 * i, cr16_rw(cpu, multi_regs[i]), 2);
        }
    }
    if (pair) {
        cr16_set_rp(cpu, preg, ptr + 2 * cnt);
    } else {
        cr16_set_rw(cpu, preg, ptr + 2 * cnt);
    }
    return load ? d + 1 : after_store(cpu, d);
}

static const CR16DInsn *h_loadm(CR16CPU *cpu, const CR16DInsn *d)
{
    return multi(cpu, d, true, false, 0);
}

static const CR16DInsn *h_loadmp(CR16CPU *cpu, const CR16DInsn *d)
{
    return multi(cpu, d, true, true, 0);
}

static const CR16DInsn *h_storm(CR16CPU *cpu, const CR16DInsn *d)
{
    return multi(cpu, d, false, false, 1);
}

static const CR16DInsn *h_stormp(CR16CPU *cpu, const CR16DInsn *d)
{
    return multi(cpu, d, false, true, 6);
}

/* Fill mode fields from a memory operand; returns the mode. */
static unsigned mem_mode(CR16DInsn *d, const CR16Operand *m)
{
    d->imm = (uint32_t)m->value;
    d->b = m->reg;
    d->c = m->index;
    switch (m->kind) {
    case CR16_OPK_MEM_ABS20:
    case CR16_OPK_MEM_ABS24:
        return M_ABS;
    case CR16_OPK_MEM_IABS20:
        return M_IABS;
    case CR16_OPK_MEM_R20:
    case CR16_OPK_MEM_RN20:
        return M_R16;
    case CR16_OPK_MEM_IRP0:
    case CR16_OPK_MEM_IRP14:
    case CR16_OPK_MEM_IRP20:
        return M_IRP;
    default:
        return M_RP;
    }
}

bool cr16_pick_mem(CR16DInsn *d, const CR16Form *f, const CR16Operand *ops)
{
    unsigned x, w = f->size == 1 ? 0 : f->size == 2 ? 1 : 2;
    const CR16Operand *m;

    switch (f->op) {
    case CR16_OP_LOAD:
        x = X_LDB + w;
        m = &ops[0];
        d->a = ops[1].reg;
        break;
    case CR16_OP_STORE:
        x = X_STB + w;
        m = &ops[1];
        d->a = ops[0].reg;
        break;
    case CR16_OP_STORI:
        x = X_STIB + w;
        m = &ops[1];
        d->a = ops[0].value;
        break;
    case CR16_OP_CBIT:
    case CR16_OP_SBIT:
    case CR16_OP_TBIT:
        x = (f->op == CR16_OP_CBIT ? X_CBITB : f->op == CR16_OP_SBIT
             ? X_SBITB : X_TBITB) + w;
        m = &ops[1];
        d->a = ops[0].value;
        break;
    case CR16_OP_PUSH:
    case CR16_OP_POP:
    case CR16_OP_POPRET:
        d->fn = f->op == CR16_OP_PUSH ? h_push
              : f->op == CR16_OP_POP ? h_pop : h_popret;
        d->aux = ops[0].value;
        d->a = ops[1].reg;
        d->c = f->nops == 3;
        return true;
    case CR16_OP_LOADM:
    case CR16_OP_LOADMP:
    case CR16_OP_STORM:
    case CR16_OP_STORMP:
        d->fn = f->op == CR16_OP_LOADM ? h_loadm
              : f->op == CR16_OP_LOADMP ? h_loadmp
              : f->op == CR16_OP_STORM ? h_storm : h_stormp;
        d->aux = ops[0].value;
        return true;
    default:
        return false;
    }
    d->fn = mem_tab[x][mem_mode(d, m)];
    return true;
}

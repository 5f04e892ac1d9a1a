/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C interpreter: branches, calls, jumps (ISA 4.5, 4.6), processor
 * register moves (4.13) and system instructions (4.14). Every handler
 * here ends its block.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"
#include "target/cr16/exec.h"
#include "target/cr16/ops.h"

#define NEXT(d)     ((d)->pc + (d)->len)
/* Code addresses in registers are word addresses (ISA 2). */
#define CODE(v)     (((uint32_t)(v) << 1) & CR16_ADDR_MASK)

/* UND in user mode for privileged instructions (model: docs). */
#define CHECK_PRIV(cpu, d)                                                  \
    do {                                                                    \
        if (unlikely((cpu)->env.psr & CR16_PSR_U)) {                        \
            qemu_log_mask(LOG_GUEST_ERROR, "cr16: privileged instruction "  \
                          "at 0x%06x in user mode\n", (d)->pc);             \
            return cr16_block_raise(cpu, d, CR16_EXCP_UND, (d)->pc);        \
        }                                                                   \
    } while (0)

/* ---- branches: d->imm = target, d->aux = condition ---- */

static const CR16DInsn *h_bcond(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_chain(cpu, d, cr16_cond(cpu, d->aux) ? d->imm : NEXT(d));
}

static const CR16DInsn *h_br(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_chain(cpu, d, d->imm);
}

/* beq0/bne0: d->a = register, d->aux = size, d->c = branch if nonzero */
static const CR16DInsn *h_beq0(CR16CPU *cpu, const CR16DInsn *d)
{
    uint32_t v = d->aux == 1 ? cr16_rb(cpu, d->a) : cr16_rw(cpu, d->a);

    return cr16_chain(cpu, d, (v != 0) == d->c ? d->imm : NEXT(d));
}

/* bal: d->b = link pair */
static const CR16DInsn *h_bal(CR16CPU *cpu, const CR16DInsn *d)
{
    cr16_set_rp(cpu, d->b, NEXT(d) >> 1);
    return cr16_chain(cpu, d, d->imm);
}

/* jal: d->a = target pair, d->b = link pair */
static const CR16DInsn *h_jal(CR16CPU *cpu, const CR16DInsn *d)
{
    uint32_t target = cr16_rp(cpu, d->a);

    cr16_set_rp(cpu, d->b, NEXT(d) >> 1);
    return cr16_chain(cpu, d, CODE(target));
}

/* jcond: d->a = target pair, d->aux = condition */
static const CR16DInsn *h_jcond(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_chain(cpu, d, cr16_cond(cpu, d->aux)
                              ? CODE(cr16_rp(cpu, d->a)) : NEXT(d));
}

static const CR16DInsn *h_jusr(CR16CPU *cpu, const CR16DInsn *d)
{
    uint32_t target = CODE(cr16_rp(cpu, d->a));

    cr16_psr_write(cpu, cpu->env.psr | CR16_PSR_U);
    return cr16_block_exit(cpu, d, target);
}

/* ---- processor registers: d->a = GPR / pair, d->aux = preg code ---- */

static const CR16DInsn *h_lpr(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cr16_preg_write(cpu, d->aux, false, cr16_rw(cpu, d->a));
    cpu->irq_check = true;
    return cr16_block_exit(cpu, d, NEXT(d));
}

static const CR16DInsn *h_lprd(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cr16_preg_write(cpu, d->aux, true, cr16_rp(cpu, d->a));
    cpu->irq_check = true;
    return cr16_block_exit(cpu, d, NEXT(d));
}

static const CR16DInsn *h_spr(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cr16_set_rw(cpu, d->a, cr16_preg_read(cpu, d->aux, false));
    return cr16_block_exit(cpu, d, NEXT(d));
}

static const CR16DInsn *h_sprd(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cr16_set_rp(cpu, d->a, cr16_preg_read(cpu, d->aux, true));
    return cr16_block_exit(cpu, d, NEXT(d));
}

/* ---- system ---- */

static const CR16DInsn *h_excp(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_block_raise(cpu, d, d->aux, NEXT(d));
}

static const CR16DInsn *h_retx(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cr16_do_retx(cpu);
    cpu->irq_check = true;
    cpu->exit_insn = d;
    return NULL;
}

static const CR16DInsn *h_di(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cpu->env.psr &= ~CR16_PSR_E;
    return cr16_block_exit(cpu, d, NEXT(d));
}

static const CR16DInsn *h_ei(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cpu->env.psr |= CR16_PSR_E;
    cpu->irq_check = true;
    return cr16_block_exit(cpu, d, NEXT(d));
}

static const CR16DInsn *h_wait(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cpu->env.halted = 1;
    cpu->irq_check = true;
    return cr16_block_exit(cpu, d, NEXT(d));
}

static const CR16DInsn *h_eiwait(CR16CPU *cpu, const CR16DInsn *d)
{
    CHECK_PRIV(cpu, d);
    cpu->env.psr |= CR16_PSR_E;
    cpu->env.halted = 1;
    cpu->irq_check = true;
    return cr16_block_exit(cpu, d, NEXT(d));
}

const CR16DInsn *cr16_h_und(CR16CPU *cpu, const CR16DInsn *d)
{
    qemu_log_mask(LOG_GUEST_ERROR, "cr16: undefined instruction 0x%04x at "
                  "0x%06x\n", d->imm, d->pc);
    return cr16_block_raise(cpu, d, CR16_EXCP_UND, d->pc);
}

const CR16DInsn *cr16_h_end(CR16CPU *cpu, const CR16DInsn *d)
{
    return cr16_chain(cpu, d - 1, d->pc);
}

static uint32_t branch_target(const CR16DInsn *d, const CR16Operand *op)
{
    return (d->pc + (uint32_t)op->value) & CR16_ADDR_MASK;
}

bool cr16_pick_ctl(CR16DInsn *d, const CR16Form *f, const CR16Operand *ops)
{
    switch (f->op) {
    case CR16_OP_BCOND:
        d->fn = f->cc == 14 ? h_br : h_bcond;
        d->aux = f->cc;
        d->imm = branch_target(d, &ops[0]);
        return true;
    case CR16_OP_BEQ0:
    case CR16_OP_BNE0:
        d->fn = h_beq0;
        d->a = ops[0].reg;
        d->aux = f->size;
        d->c = f->op == CR16_OP_BNE0;
        d->imm = branch_target(d, &ops[1]);
        return true;
    case CR16_OP_BAL:
        d->fn = h_bal;
        d->b = ops[0].reg;
        d->imm = branch_target(d, &ops[1]);
        return true;
    case CR16_OP_JAL:
        d->fn = h_jal;
        if (f->nops == 1) {
            d->a = ops[0].reg;
            d->b = 14;
        } else {
            d->b = ops[0].reg;
            d->a = ops[1].reg;
        }
        return true;
    case CR16_OP_JCOND:
        d->fn = h_jcond;
        d->a = ops[0].reg;
        d->aux = f->cc;
        return true;
    case CR16_OP_JUSR:
        d->fn = h_jusr;
        d->a = ops[0].reg;
        return true;
    case CR16_OP_LPR:
    case CR16_OP_LPRD:
        d->fn = f->op == CR16_OP_LPR ? h_lpr : h_lprd;
        d->a = ops[0].reg;
        d->aux = ops[1].value;
        return true;
    case CR16_OP_SPR:
    case CR16_OP_SPRD:
        d->fn = f->op == CR16_OP_SPR ? h_spr : h_sprd;
        d->aux = ops[0].value;
        d->a = ops[1].reg;
        return true;
    case CR16_OP_EXCP:
        d->fn = h_excp;
        d->aux = ops[0].value;
        return true;
    case CR16_OP_RETX:
        d->fn = h_retx;
        return true;
    case CR16_OP_DI:
        d->fn = h_di;
        return true;
    case CR16_OP_EI:
        d->fn = h_ei;
        return true;
    case CR16_OP_WAIT:
        d->fn = h_wait;
        return true;
    case CR16_OP_EIWAIT:
        d->fn = h_eiwait;
        return true;
    default:
        return false;
    }
}

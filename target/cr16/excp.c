/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C exceptions and interrupts (ISA 5): the one place that builds the
 * exception frame, clears PSR bits, reads the dispatch table, accepts
 * NMI/INT, and returns with retx.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"

static const char *vector_name(unsigned v)
{
    static const char *const names[16] = {
        [1] = "NMI", [5] = "SVC", [6] = "DVZ", [7] = "FLG", [8] = "BPT",
        [9] = "TRC", [10] = "UND", [12] = "IAD", [14] = "DBG", [15] = "ISE",
    };

    if (v >= CR16_EXCP_INT_BASE) {
        return "INT";
    }
    return names[v] ? names[v] : "reserved";
}

/*
 * Frame (model of ISA 5.3): ISP -= 2, M16 = PSR; ISP -= 4, M32 = ret >> 1.
 * T, P, U cleared; I cleared as well for NMI and INT. Handler from the
 * dispatch table at INTBASE, 32-bit entries if CFG.ED else 16-bit.
 */
void cr16_raise(CR16CPU *cpu, unsigned vector, uint32_t ret)
{
    CR16CPUState *env = &cpu->env;
    uint32_t isp = env->isp;
    uint32_t psr = env->psr;
    uint32_t entry, handler;

    ret &= CR16_ADDR_MASK;
    if (unlikely(isp < 6)) {
        /*
         * The frame would wrap past address 0 to the top of the address
         * space, where boards put their device registers: a runaway fault
         * loop must not write into them. The CPU stops instead; only a
         * reset (or a debugger) gets it going again.
         */
        qemu_log_mask(LOG_GUEST_ERROR, "cr16: exception %u (%s) at 0x%06x: "
                      "interrupt stack underflow (isp=0x%06x), CPU "
                      "stopped\n", vector, vector_name(vector), ret, isp);
        env->pc = ret;
        env->halted = 1;
        /* as an interrupt entry would: a level INT cannot wake it again */
        cr16_psr_write(cpu, psr & ~(CR16_PSR_T | CR16_PSR_P | CR16_PSR_U |
                                    CR16_PSR_I));
        return;
    }
    isp = (isp - 2) & CR16_ADDR_MASK;
    cr16_st(cpu, isp, psr, 2);
    isp = (isp - 4) & CR16_ADDR_MASK;
    cr16_st(cpu, isp, ret >> 1, 4);
    env->isp = isp;

    psr &= ~(CR16_PSR_T | CR16_PSR_P | CR16_PSR_U);
    if (vector == CR16_EXCP_NMI || vector >= CR16_EXCP_INT_BASE) {
        psr &= ~CR16_PSR_I;
    }
    cr16_psr_write(cpu, psr);

    if (env->cfg & CR16_CFG_ED) {
        entry = cr16_ld(cpu, env->intbase + 4 * vector, 4);
    } else {
        entry = cr16_ld(cpu, env->intbase + 2 * vector, 2);
    }
    handler = (entry << 1) & CR16_ADDR_MASK;
    env->pc = handler;
    env->halted = 0;

    if (unlikely(qemu_loglevel_mask(CPU_LOG_INT))) {
        qemu_log("cr16: exception %u (%s) ret=0x%06x handler=0x%06x "
                 "isp=0x%06x\n", vector, vector_name(vector), ret, handler,
                 isp);
    }
}

void cr16_do_retx(CR16CPU *cpu)
{
    CR16CPUState *env = &cpu->env;
    uint32_t isp = env->isp;
    uint32_t ret = cr16_ld(cpu, isp, 4) << 1;
    uint32_t psr;

    isp = (isp + 4) & CR16_ADDR_MASK;
    psr = cr16_ld(cpu, isp, 2);
    isp = (isp + 2) & CR16_ADDR_MASK;
    env->isp = isp;
    cr16_psr_write(cpu, psr);
    env->pc = ret & CR16_ADDR_MASK;
    if (unlikely(qemu_loglevel_mask(CPU_LOG_INT))) {
        qemu_log("cr16: retx to 0x%06x psr=0x%04x\n", env->pc, env->psr);
    }
}

/* Between instructions: NMI first, then INT if PSR.E and PSR.I. */
bool cr16_check_interrupts(CR16CPU *cpu)
{
    CR16CPUState *env = &cpu->env;

    if (qatomic_read(&env->nmi_pending)) {
        qatomic_set(&env->nmi_pending, 0);
        cr16_raise(cpu, CR16_EXCP_NMI, env->pc);
        return true;
    }
    if (qatomic_read(&env->irq_level) &&
        (env->psr & (CR16_PSR_E | CR16_PSR_I)) ==
        (CR16_PSR_E | CR16_PSR_I)) {
        int v = CR16_EXCP_INT_BASE;

        if (cpu->irq_ack) {
            /* the interrupt controller takes the BQL */
            cr16_cpu_quiesce(cpu);
            v = cpu->irq_ack(cpu->irq_ack_opaque);
            cr16_cpu_unquiesce(cpu);
        }
        if (v < 0) {
            return false;
        }
        if (v > 255) {
            qemu_log_mask(LOG_GUEST_ERROR, "cr16: interrupt vector %d out "
                          "of range, using %d\n", v, v & 0xFF);
            v &= 0xFF;
        }
        cr16_raise(cpu, v, env->pc);
        return true;
    }
    return false;
}

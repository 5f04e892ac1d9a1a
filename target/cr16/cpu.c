/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C CPU object: creation, reset (ISA 1.5), register access, state
 * dump, and the cross-thread request API (interrupt lines, exit).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"

CR16CPU *cr16_cpu_new(const CR16BusOps *bus, void *bus_opaque)
{
    CR16CPU *cpu = g_new0(CR16CPU, 1);

    cr16_exec_init();
    cpu->bus = bus;
    cpu->bus_opaque = bus_opaque;
    cpu->code_hosts = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_mutex_init(&cpu->inval_lock);
    cpu->inval = g_array_new(FALSE, FALSE, sizeof(CR16InvalRange));
    cr16_cpu_reset(cpu);
    return cpu;
}

void cr16_cpu_free(CR16CPU *cpu)
{
    if (!cpu) {
        return;
    }
    cr16_code_flush(cpu);
    cr16_code_reap(cpu);
    g_free(cpu->scratch);
    g_hash_table_destroy(cpu->code_hosts);
    g_array_free(cpu->inval, TRUE);
    g_mutex_clear(&cpu->inval_lock);
    g_free(cpu);
}

void cr16_cpu_reset(CR16CPU *cpu)
{
    if (cpu->in_exec) {
        /* from a device callback on the vCPU thread: finish the current
         * instruction, reset at the block boundary */
        qatomic_or(&cpu->pending, CR16_PEND_RESET);
        cpu->stop_block = true;
        return;
    }
    cr16_cpu_do_reset(cpu);
}

void cr16_cpu_do_reset(CR16CPU *cpu)
{
    CR16CPUState *env = &cpu->env;
    /* the INT and NMI inputs are wires driven from outside: they survive
     * reset */
    uint8_t irq_level = qatomic_read(&env->irq_level);
    uint8_t nmi_level = qatomic_read(&env->nmi_level);

    memset(env, 0, sizeof(*env));
    env->irq_level = irq_level;
    env->nmi_level = nmi_level;
    env->pc = 0;
    env->psr = CR16_PSR_E;
    env->cfg = 0;
    cr16_tlb_flush_all(cpu);
    cr16_code_flush(cpu);
    cpu->irq_check = true;
    qatomic_and(&cpu->pending, ~CR16_PEND_IRQ);
    if (qemu_loglevel_mask(CPU_LOG_RESET)) {
        qemu_log("cr16: CPU reset\n");
    }
}

void cr16_cpu_exit_request(CR16CPU *cpu)
{
    qatomic_or(&cpu->pending, CR16_PEND_EXIT);
}

static void kick(CR16CPU *cpu)
{
    void (*fn)(void *) = qatomic_read(&cpu->kick);

    if (fn) {
        fn(qatomic_read(&cpu->kick_opaque));
    }
}

void cr16_cpu_set_irq(CR16CPU *cpu, bool level)
{
    qatomic_set(&cpu->env.irq_level, level);
    qatomic_or(&cpu->pending, CR16_PEND_IRQ);
    if (level) {
        kick(cpu);
    }
}

void cr16_cpu_set_irq_ack(CR16CPU *cpu, int (*ack)(void *opaque),
                          void *opaque)
{
    cpu->irq_ack = ack;
    cpu->irq_ack_opaque = opaque;
}

void cr16_cpu_set_nmi(CR16CPU *cpu, bool level)
{
    uint8_t old = qatomic_xchg(&cpu->env.nmi_level, (uint8_t)!!level);

    if (level && !old) {
        qatomic_set(&cpu->env.nmi_pending, 1);
        qatomic_or(&cpu->pending, CR16_PEND_IRQ);
        kick(cpu);
    }
}

bool cr16_cpu_has_work(CR16CPU *cpu)
{
    uint16_t psr = cpu->env.psr;

    if (!qatomic_read(&cpu->env.halted)) {
        return true;
    }
    return qatomic_read(&cpu->env.nmi_pending) ||
           (qatomic_read(&cpu->env.irq_level) &&
            (psr & (CR16_PSR_E | CR16_PSR_I)) == (CR16_PSR_E | CR16_PSR_I));
}

void cr16_cpu_set_kick(CR16CPU *cpu, void (*fn)(void *opaque), void *opaque)
{
    qatomic_set(&cpu->kick_opaque, opaque);
    qatomic_set(&cpu->kick, fn);
}

/* ---- registers ---- */

static const char *const reg_names[CR16_REG__MAX] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
    "r11", "r12", "r13", "ra", "sp", "pc", "psr", "cfg", "intbase", "isp",
    "usp", "dsr", "dbs", "dcr", "car0", "car1",
};

const char *cr16_cpu_reg_name(CR16RegId id)
{
    return (unsigned)id < CR16_REG__MAX ? reg_names[id] : NULL;
}

int cr16_cpu_reg_lookup(const char *name)
{
    for (int i = 0; i < CR16_REG__MAX; i++) {
        if (!g_ascii_strcasecmp(name, reg_names[i])) {
            return i;
        }
    }
    if (!g_ascii_strcasecmp(name, "r14")) {
        return CR16_REG_R0 + 14;
    }
    if (!g_ascii_strcasecmp(name, "r15")) {
        return CR16_REG_R0 + 15;
    }
    return -1;
}

uint32_t cr16_cpu_get_reg(CR16CPU *cpu, CR16RegId id)
{
    CR16CPUState *env = &cpu->env;

    if ((unsigned)id < 16) {
        return env->r[id];
    }
    switch (id) {
    case CR16_REG_PC:
        return env->pc;
    case CR16_REG_PSR:
        return cr16_preg_read(cpu, 9, true);
    case CR16_REG_CFG:
        return cr16_preg_read(cpu, 8, true);
    case CR16_REG_INTBASE:
        return cr16_preg_read(cpu, 10, true);
    case CR16_REG_ISP:
        return cr16_preg_read(cpu, 12, true);
    case CR16_REG_USP:
        return cr16_preg_read(cpu, 14, true);
    case CR16_REG_DSR:
        return cr16_preg_read(cpu, 1, true);
    case CR16_REG_DBS:
        return cr16_preg_read(cpu, 0, true);
    case CR16_REG_DCR:
        return cr16_preg_read(cpu, 2, true);
    case CR16_REG_CAR0:
        return cr16_preg_read(cpu, 4, true);
    case CR16_REG_CAR1:
        return cr16_preg_read(cpu, 6, true);
    default:
        return 0;
    }
}

void cr16_cpu_set_reg(CR16CPU *cpu, CR16RegId id, uint32_t val)
{
    static const int8_t preg_code[CR16_REG__MAX] = {
        [CR16_REG_PSR] = 9, [CR16_REG_CFG] = 8, [CR16_REG_INTBASE] = 10,
        [CR16_REG_ISP] = 12, [CR16_REG_USP] = 14, [CR16_REG_DSR] = 1,
        [CR16_REG_DBS] = 0, [CR16_REG_DCR] = 2, [CR16_REG_CAR0] = 4,
        [CR16_REG_CAR1] = 6,
    };

    if ((unsigned)id < 16) {
        cpu->env.r[id] = id < 12 ? val & 0xFFFF : val;
    } else if (id == CR16_REG_PC) {
        cpu->env.pc = val & CR16_ADDR_MASK;
    } else if ((unsigned)id < CR16_REG__MAX) {
        cr16_preg_write(cpu, preg_code[id], true, val);
        cpu->irq_check = true;
    }
}

const CR16CPUState *cr16_cpu_state(CR16CPU *cpu)
{
    return &cpu->env;
}

void cr16_cpu_dump_state(CR16CPU *cpu, GString *out)
{
    CR16CPUState *env = &cpu->env;
    uint16_t psr = env->psr;

    g_string_append_printf(out, "PC=%06x PSR=%04x [%c%c%c%c%c%c%c%c%c%c] "
                           "CFG=%04x%s\n", env->pc, psr,
                           psr & CR16_PSR_I ? 'I' : '-',
                           psr & CR16_PSR_P ? 'P' : '-',
                           psr & CR16_PSR_E ? 'E' : '-',
                           psr & CR16_PSR_N ? 'N' : '-',
                           psr & CR16_PSR_Z ? 'Z' : '-',
                           psr & CR16_PSR_F ? 'F' : '-',
                           psr & CR16_PSR_U ? 'U' : '-',
                           psr & CR16_PSR_L ? 'L' : '-',
                           psr & CR16_PSR_T ? 'T' : '-',
                           psr & CR16_PSR_C ? 'C' : '-',
                           env->cfg, env->halted ? " HALTED" : "");
    for (int i = 0; i < 12; i++) {
        g_string_append_printf(out, "R%-2d=%04x%s", i, env->r[i],
                               i % 6 == 5 ? "\n" : " ");
    }
    g_string_append_printf(out, "R12=%08x R13=%08x RA=%08x SP=%08x\n",
                           env->r[12], env->r[13], env->r[14], env->r[15]);
    g_string_append_printf(out, "INTBASE=%06x ISP=%06x USP=%06x DSR=%04x "
                           "DCR=%08x CAR0=%08x CAR1=%08x DBS=%04x\n",
                           env->intbase, env->isp,
                           cr16_cpu_get_reg(cpu, CR16_REG_USP), env->dsr,
                           env->dcr, env->car0, env->car1, env->dbs);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C CPU migration state: the architectural registers as a VMState
 * table; decoded code and the TLB are rebuilt after load.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/vmstate.h"
#include "target/cr16/cpu-internal.h"

/* false with errp set if a loaded value has bits outside valid */
static bool cr16_cpu_check_bits(const char *reg, uint32_t val,
                                uint32_t valid, GError **errp)
{
    if (val & ~valid) {
        error_setg(errp, "cpu: %s 0x%x in the migration stream has bits "
                   "the register does not have (valid mask 0x%x)",
                   reg, val, valid);
        return false;
    }
    return true;
}

/*
 * The stream is untrusted. A value no reachable CPU state can hold is
 * rejected, never masked: r0..r11 above 16 bits, PC/ISP/INTBASE above
 * 24 bits, an odd INTBASE, PSR/CFG bits the registers do not have, and
 * latches/lines other than 0 or 1. Accepted as they are: an odd PC (the
 * CPU raises IAD on fetch, as after a jump to an odd address from the
 * debugger), r12..r15, the banked SP and the debug registers (any value).
 */
static bool cr16_cpu_post_load(void *opaque, int version_id, GError **errp)
{
    CR16CPU *cpu = opaque;
    CR16CPUState *env = &cpu->env;
    const struct {
        const char *name;
        uint8_t value;
    } flags[] = {
        { "halted", env->halted },
        { "nmi_pending", env->nmi_pending },
        { "irq_level", env->irq_level },
        { "nmi_level", env->nmi_level },
    };

    for (int i = 0; i < 12; i++) {
        if (env->r[i] > 0xFFFF) {
            error_setg(errp, "cpu: r%d 0x%x in the migration stream does "
                       "not fit the 16-bit register", i, env->r[i]);
            return false;
        }
    }
    if (!cr16_cpu_check_bits("PC", env->pc, CR16_ADDR_MASK, errp) ||
        !cr16_cpu_check_bits("PSR", env->psr, CR16_PSR_MASK, errp) ||
        !cr16_cpu_check_bits("CFG", env->cfg, CR16_CFG_MASK, errp) ||
        !cr16_cpu_check_bits("INTBASE", env->intbase, CR16_ADDR_MASK & ~1u,
                             errp) ||
        !cr16_cpu_check_bits("ISP", env->isp, CR16_ADDR_MASK, errp)) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
        if (flags[i].value > 1) {
            error_setg(errp, "cpu: %s %u in the migration stream is not "
                       "0 or 1", flags[i].name, flags[i].value);
            return false;
        }
    }

    /* derived state */
    cr16_tlb_flush_all(cpu);
    cr16_code_flush(cpu);
    cpu->irq_check = true;
    return true;
}

static const VMStateField cr16_cpu_fields[] = {
    VMSTATE_UINT32_ARRAY(env.r, CR16CPU, 16),
    VMSTATE_UINT32(env.pc, CR16CPU),
    VMSTATE_UINT16(env.psr, CR16CPU),
    VMSTATE_UINT16(env.cfg, CR16CPU),
    VMSTATE_UINT32(env.intbase, CR16CPU),
    VMSTATE_UINT32(env.isp, CR16CPU),
    VMSTATE_UINT32(env.sp_banked, CR16CPU),
    VMSTATE_UINT16(env.dsr, CR16CPU),
    VMSTATE_UINT16(env.dbs, CR16CPU),
    VMSTATE_UINT32(env.dcr, CR16CPU),
    VMSTATE_UINT32(env.car0, CR16CPU),
    VMSTATE_UINT32(env.car1, CR16CPU),
    VMSTATE_UINT8(env.halted, CR16CPU),
    VMSTATE_UINT8(env.nmi_pending, CR16CPU),
    VMSTATE_UINT8(env.irq_level, CR16CPU),
    VMSTATE_UINT8(env.nmi_level, CR16CPU),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_cr16_cpu = {
    .name = "cpu",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = cr16_cpu_post_load,
    .fields = cr16_cpu_fields,
};

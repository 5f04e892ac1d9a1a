/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C CPU migration state: the architectural registers as a VMState
 * table; decoded code and the TLB are rebuilt after load.
 */
#include "qemu/osdep.h"
#include "migration/vmstate.h"
#include "target/cr16/cpu-internal.h"

static bool cr16_cpu_post_load(void *opaque, int version_id, GError **errp)
{
    CR16CPU *cpu = opaque;
    CR16CPUState *env = &cpu->env;

    /* the stream is untrusted: restore the invariants of the state */
    for (int i = 0; i < 12; i++) {
        env->r[i] &= 0xFFFF;
    }
    env->pc &= CR16_ADDR_MASK & ~1u;
    env->psr &= CR16_PSR_MASK;
    env->cfg &= CR16_CFG_MASK;
    env->intbase &= CR16_ADDR_MASK & ~1u;
    env->isp &= CR16_ADDR_MASK;
    env->halted = !!env->halted;
    env->nmi_pending = !!env->nmi_pending;
    env->irq_level = !!env->irq_level;

    /* derived state */
    cr16_tlb_flush_all(cpu);
    cr16_code_flush(cpu);
    cpu->irq_check = true;
    return true;
}

/*
 * The general registers as one uint32 array field. Spelled out here
 * because VMSTATE_UINT32_ARRAY's compile-time type check does not compile
 * with this header revision; the check is done by the static assert.
 */
_Static_assert(__builtin_types_compatible_p(__typeof__(((CR16CPU *)0)->env.r),
                                            uint32_t[16]),
               "env.r must be uint32_t[16]");
#define CR16_VMSTATE_REGS {                                             \
    .name = "env.r", .num = 16, .info = &vmstate_info_uint32,          \
    .size = sizeof(uint32_t), .flags = VMS_ARRAY,                      \
    .offset = offsetof(CR16CPU, env.r),                                \
}

static const VMStateField cr16_cpu_fields[] = {
    CR16_VMSTATE_REGS,
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
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_cr16_cpu = {
    .name = "cpu",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = cr16_cpu_post_load,
    .fields = cr16_cpu_fields,
};

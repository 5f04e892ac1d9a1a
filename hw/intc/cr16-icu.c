/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interrupt controller of the CR16 virt board: 16 level-sensitive
 * sources with an enable mask and software-asserted bits, one output line
 * to the CPU, and the vector the CPU fetches when it takes the interrupt
 * (source n -> vector 16 + n, lowest n first).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/irq.h"
#include "hw/cr16/cr16-icu.h"
#include "hw/cr16/mmio-device.h"
#include "hw/cr16/regs.h"
#include "hw/cr16/virt.h"
#include "migration/vmstate.h"

/* ---- register map (offsets and bits: hw/cr16/virt.h, VIRT_ICU_*) ---- */

#define ICU_SOURCE_MASK ((1u << VIRT_ICU_NUM_SOURCES) - 1)

/* ---- state ---- */

OBJECT_DECLARE_SIMPLE_TYPE(Cr16IcuState, CR16_ICU)

struct Cr16IcuState {
    DeviceState parent_obj;

    uint32_t lines;     /* architectural: levels of the input lines */
    uint32_t enable;    /* architectural: ENABLE */
    uint32_t soft;      /* architectural: SOFT */
    qemu_irq out;       /* scratch (wiring): the CPU's interrupt input */
};

static uint32_t icu_pending(const Cr16IcuState *s)
{
    return (s->lines | s->soft) & ICU_SOURCE_MASK;
}

static uint32_t icu_active(const Cr16IcuState *s)
{
    return icu_pending(s) & s->enable;
}

static int icu_vector(const Cr16IcuState *s)
{
    uint32_t active = icu_active(s);

    return active ? VIRT_ICU_VECTOR_BASE + __builtin_ctz(active) : 0;
}

static void icu_update(Cr16IcuState *s)
{
    qemu_set_irq(s->out, icu_active(s) != 0);
}

static void icu_set_input(void *opaque, int n, int level)
{
    Cr16IcuState *s = CR16_ICU(opaque);

    assert(n >= 0 && n < VIRT_ICU_NUM_SOURCES);
    if (level) {
        s->lines |= 1u << n;
    } else {
        s->lines &= ~(1u << n);
    }
    icu_update(s);
}

int cr16_icu_acknowledge(DeviceState *icu)
{
    return icu_vector(CR16_ICU(icu));
}

/* ---- MMIO handlers ---- */

static uint64_t icu_read(void *opaque, hwaddr addr, unsigned size)
{
    Cr16IcuState *s = CR16_ICU(opaque);
    uint32_t v;

    switch (cr16_reg_base(addr)) {
    case VIRT_ICU_PENDING:
        v = icu_pending(s);
        break;
    case VIRT_ICU_ENABLE:
        v = s->enable;
        break;
    case VIRT_ICU_ACTIVE:
        v = icu_active(s);
        break;
    case VIRT_ICU_VECTOR:
        v = icu_vector(s);
        break;
    case VIRT_ICU_SOFT:
        v = s->soft;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-icu: read of unknown register 0x%" PRIx64 "\n",
                      (uint64_t)addr);
        return 0;
    }
    return cr16_reg_read_lanes(v, addr, size);
}

static void icu_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Cr16IcuState *s = CR16_ICU(opaque);

    switch (cr16_reg_base(addr)) {
    case VIRT_ICU_ENABLE:
        s->enable = cr16_reg_merge(s->enable, addr, size, val) &
                    ICU_SOURCE_MASK;
        break;
    case VIRT_ICU_SOFT:
        s->soft = cr16_reg_merge(s->soft, addr, size, val) & ICU_SOURCE_MASK;
        break;
    case VIRT_ICU_PENDING:
    case VIRT_ICU_ACTIVE:
    case VIRT_ICU_VECTOR:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-icu: write to read-only register 0x%" PRIx64
                      "\n", (uint64_t)addr);
        return;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-icu: write to unknown register 0x%" PRIx64 "\n",
                      (uint64_t)addr);
        return;
    }
    icu_update(s);
}

static const MemoryRegionOps icu_ops = {
    .read = icu_read,
    .write = icu_write,
};

/* ---- reset ---- */

static void icu_reset(DeviceState *dev)
{
    Cr16IcuState *s = CR16_ICU(dev);

    /* The input levels are the devices' business: they drive them again
     * from their own reset. */
    s->enable = 0;
    s->soft = 0;
    icu_update(s);
}

/* ---- state table ---- */

/*
 * The stream is untrusted: a bit above the 16 sources in the input lines,
 * ENABLE or SOFT is rejected (the vector computation relies on them being
 * in range). The output line is derived and driven again here.
 */
static bool icu_post_load(void *opaque, int version_id, GError **errp)
{
    Cr16IcuState *s = opaque;

    if (!cr16_reg_check_loaded("cr16-icu", "input lines", s->lines,
                               ICU_SOURCE_MASK, errp) ||
        !cr16_reg_check_loaded("cr16-icu", "ENABLE", s->enable,
                               ICU_SOURCE_MASK, errp) ||
        !cr16_reg_check_loaded("cr16-icu", "SOFT", s->soft,
                               ICU_SOURCE_MASK, errp)) {
        return false;
    }
    icu_update(s);
    return true;
}

static const VMStateField icu_fields[] = {
    VMSTATE_UINT32(lines, Cr16IcuState),
    VMSTATE_UINT32(enable, Cr16IcuState),
    VMSTATE_UINT32(soft, Cr16IcuState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_cr16_icu = {
    .name = "cr16-icu",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = icu_post_load,
    .fields = icu_fields,
};

/* ---- type registration ---- */

static void icu_instance_init(Object *obj)
{
    Cr16IcuState *s = CR16_ICU(obj);

    qdev_init_gpio_in(DEVICE(obj), icu_set_input, VIRT_ICU_NUM_SOURCES);
    qdev_init_gpio_out(DEVICE(obj), &s->out, 1);
}

static void icu_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    Cr16MmioDeviceClass *mc = CR16_MMIO_DEVICE_CLASS(klass);

    dc->desc = "CR16 virt interrupt controller";
    dc->reset = icu_reset;
    dc->vmsd = &vmstate_cr16_icu;
    mc->ops = &icu_ops;
    mc->mmio_size = VIRT_DEVICE_SIZE;
}

static const TypeInfo icu_info = {
    .name = TYPE_CR16_ICU,
    .parent = TYPE_CR16_MMIO_DEVICE,
    .instance_size = sizeof(Cr16IcuState),
    .instance_init = icu_instance_init,
    .class_init = icu_class_init,
};

static void icu_register_types(void)
{
    type_register_static(&icu_info);
}

type_init(icu_register_types)

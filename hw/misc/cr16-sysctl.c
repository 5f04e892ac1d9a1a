/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system controller of the CR16 virt board: identification, the bank
 * register that places the CPU's 4 MiB RAM window, RAM size, power-off
 * with an exit status, machine reset and a scratch register.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/qdev-properties.h"
#include "hw/cr16/cr16-sysctl.h"
#include "hw/cr16/mmio-device.h"
#include "hw/cr16/regs.h"
#include "hw/cr16/virt.h"
#include "migration/vmstate.h"
#include "system/runstate.h"

/* ---- register map (offsets and bits: hw/cr16/virt.h, VIRT_SYSCTL_*) ---- */

/* ---- state ---- */

OBJECT_DECLARE_SIMPLE_TYPE(Cr16SysctlState, CR16_SYSCTL)

struct Cr16SysctlState {
    DeviceState parent_obj;

    uint32_t bank;              /* architectural: BANK */
    uint32_t scratch;           /* architectural: SCRATCH */
    uint64_t ram_size;          /* scratch (config): property "ram-size" */
    Cr16SysctlBankFn *bank_fn;  /* scratch (wiring): the board's window */
    void *bank_opaque;
};

static void sysctl_bank_changed(Cr16SysctlState *s)
{
    if (s->bank_fn) {
        s->bank_fn(s->bank_opaque, s->bank);
    }
}

void cr16_sysctl_set_bank_hook(DeviceState *sysctl, Cr16SysctlBankFn *fn,
                               void *opaque)
{
    Cr16SysctlState *s = CR16_SYSCTL(sysctl);

    s->bank_fn = fn;
    s->bank_opaque = opaque;
}

/* ---- MMIO handlers ---- */

static uint64_t sysctl_read(void *opaque, hwaddr addr, unsigned size)
{
    Cr16SysctlState *s = CR16_SYSCTL(opaque);
    uint32_t v;

    switch (cr16_reg_base(addr)) {
    case VIRT_SYSCTL_ID:
        v = VIRT_SYSCTL_ID_VALUE;
        break;
    case VIRT_SYSCTL_BANK:
        v = s->bank;
        break;
    case VIRT_SYSCTL_RAM_SIZE:
        v = (uint32_t)s->ram_size;
        break;
    case VIRT_SYSCTL_SCRATCH:
        v = s->scratch;
        break;
    case VIRT_SYSCTL_EXIT:
    case VIRT_SYSCTL_RESET:
        /* Write-only command registers read as 0. */
        v = 0;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-sysctl: read of unknown register 0x%" PRIx64 "\n",
                      (uint64_t)addr);
        return 0;
    }
    return cr16_reg_read_lanes(v, addr, size);
}

static void sysctl_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    Cr16SysctlState *s = CR16_SYSCTL(opaque);
    uint32_t cmd = cr16_reg_write_value(addr, size, val);

    switch (cr16_reg_base(addr)) {
    case VIRT_SYSCTL_BANK:
        s->bank = cr16_reg_merge(s->bank, addr, size, val) &
                  VIRT_SYSCTL_BANK_MASK;
        sysctl_bank_changed(s);
        break;
    case VIRT_SYSCTL_SCRATCH:
        s->scratch = cr16_reg_merge(s->scratch, addr, size, val);
        break;
    case VIRT_SYSCTL_EXIT:
        qemu_system_shutdown_request_with_code(SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
                                               cmd & VIRT_SYSCTL_EXIT_MASK);
        break;
    case VIRT_SYSCTL_RESET:
        if (cmd != VIRT_SYSCTL_RESET_KEY) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "cr16-sysctl: reset with wrong key 0x%x ignored\n",
                          cmd);
            break;
        }
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case VIRT_SYSCTL_ID:
    case VIRT_SYSCTL_RAM_SIZE:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-sysctl: write to read-only register 0x%" PRIx64
                      "\n", (uint64_t)addr);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-sysctl: write to unknown register 0x%" PRIx64
                      "\n", (uint64_t)addr);
        break;
    }
}

static const MemoryRegionOps sysctl_ops = {
    .read = sysctl_read,
    .write = sysctl_write,
};

/* ---- reset ---- */

static void sysctl_reset(DeviceState *dev)
{
    Cr16SysctlState *s = CR16_SYSCTL(dev);

    s->bank = 0;
    s->scratch = 0;
    sysctl_bank_changed(s);
}

/* ---- state table ---- */

/*
 * The stream is untrusted: BANK bits beyond VIRT_SYSCTL_BANK_MASK are
 * rejected before the board moves its RAM window (a bank past the end of
 * RAM is possible hardware state: the window then reads as unmapped).
 * SCRATCH takes any value.
 */
static bool sysctl_post_load(void *opaque, int version_id, GError **errp)
{
    Cr16SysctlState *s = opaque;

    if (!cr16_reg_check_loaded("cr16-sysctl", "BANK", s->bank,
                               VIRT_SYSCTL_BANK_MASK, errp)) {
        return false;
    }
    sysctl_bank_changed(s);
    return true;
}

static const VMStateField sysctl_fields[] = {
    VMSTATE_UINT32(bank, Cr16SysctlState),
    VMSTATE_UINT32(scratch, Cr16SysctlState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_cr16_sysctl = {
    .name = "cr16-sysctl",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = sysctl_post_load,
    .fields = sysctl_fields,
};

/* ---- type registration ---- */

static const Property sysctl_props[] = {
    DEFINE_PROP_SIZE("ram-size", Cr16SysctlState, ram_size, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void sysctl_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    Cr16MmioDeviceClass *mc = CR16_MMIO_DEVICE_CLASS(klass);

    dc->desc = "CR16 virt system controller";
    dc->reset = sysctl_reset;
    dc->vmsd = &vmstate_cr16_sysctl;
    device_class_set_props(dc, sysctl_props);
    mc->ops = &sysctl_ops;
    mc->mmio_size = VIRT_DEVICE_SIZE;
}

static const TypeInfo sysctl_info = {
    .name = TYPE_CR16_SYSCTL,
    .parent = TYPE_CR16_MMIO_DEVICE,
    .instance_size = sizeof(Cr16SysctlState),
    .class_init = sysctl_class_init,
};

static void sysctl_register_types(void)
{
    type_register_static(&sysctl_info);
}

type_init(sysctl_register_types)

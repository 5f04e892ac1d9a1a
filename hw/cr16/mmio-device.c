/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract memory-mapped device type of the CR16 board and the helper
 * that places a device's register block on the physical bus.
 */
#include "qemu/osdep.h"
#include "hw/cr16/mmio-device.h"

void cr16_mmio_device_map(DeviceState *dev, hwaddr base)
{
    Cr16MmioDeviceClass *mc = CR16_MMIO_DEVICE_GET_CLASS(dev);

    assert(mc->ops && mc->mmio_size);
    memory_map_mmio(base, mc->mmio_size, mc->ops, dev,
                    object_get_typename(OBJECT(dev)));
}

static const TypeInfo cr16_mmio_device_info = {
    .name = TYPE_CR16_MMIO_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
    .abstract = true,
    .class_size = sizeof(Cr16MmioDeviceClass),
};

static void cr16_mmio_device_register_types(void)
{
    type_register_static(&cr16_mmio_device_info);
}

type_init(cr16_mmio_device_register_types)

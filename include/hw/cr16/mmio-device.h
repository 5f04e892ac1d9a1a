/*
 * Memory-mapped devices of the CR16 board: a device type whose class names
 * its register handlers and the size of its register block, so that the
 * board can place any of them on the physical bus with one call.
 *
 * A model derives from TYPE_CR16_MMIO_DEVICE and sets, in class_init,
 *     Cr16MmioDeviceClass *mc = CR16_MMIO_DEVICE_CLASS(klass);
 *     mc->ops = &foo_ops;             (opaque of the handlers = the device)
 *     mc->mmio_size = VIRT_DEVICE_SIZE;
 */
#ifndef HW_CR16_MMIO_DEVICE_H
#define HW_CR16_MMIO_DEVICE_H

#include "hw/qdev-core.h"
#include "system/memory.h"

#define TYPE_CR16_MMIO_DEVICE "cr16-mmio-device"

typedef struct Cr16MmioDeviceClass {
    DeviceClass parent_class;

    /* Register handlers; their opaque is the device. */
    const MemoryRegionOps *ops;
    /* Bytes of the register block. */
    uint64_t mmio_size;
} Cr16MmioDeviceClass;

#define CR16_MMIO_DEVICE_CLASS(klass) \
    OBJECT_CLASS_CHECK(Cr16MmioDeviceClass, (klass), TYPE_CR16_MMIO_DEVICE)
#define CR16_MMIO_DEVICE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(Cr16MmioDeviceClass, (obj), TYPE_CR16_MMIO_DEVICE)

/*
 * Map the register block of dev (a TYPE_CR16_MMIO_DEVICE) at physical
 * address base, named after the device type. Board construction only
 * (BQL held, before the VM runs); the mapping lives as long as the
 * process (the memory layer has no unmap of single regions).
 */
void cr16_mmio_device_map(DeviceState *dev, hwaddr base);

#endif /* HW_CR16_MMIO_DEVICE_H */

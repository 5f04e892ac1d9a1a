/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UART of the CR16 virt board: bytes written to DATA go straight to
 * the chardev back end; received bytes queue in a 16-byte FIFO read
 * through DATA. The interrupt line is high while (RXIE and the FIFO holds
 * data) or TXIE (the transmitter is always ready).
 */
#include "qemu/osdep.h"
#include "qemu/trace.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "chardev/char.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/cr16/cr16-uart.h"
#include "hw/cr16/mmio-device.h"
#include "hw/cr16/regs.h"
#include "hw/cr16/virt.h"
#include "migration/vmstate.h"

/* ---- register map (offsets and bits: hw/cr16/virt.h, VIRT_UART_*) ---- */

#define UART_CTRL_MASK (VIRT_UART_CTRL_RXIE | VIRT_UART_CTRL_TXIE)

/* ---- state ---- */

OBJECT_DECLARE_SIMPLE_TYPE(Cr16UartState, CR16_UART)

struct Cr16UartState {
    DeviceState parent_obj;

    uint8_t fifo[VIRT_UART_FIFO_SIZE];  /* architectural: RX FIFO bytes */
    uint32_t fifo_head;     /* architectural: index of the oldest byte */
    uint32_t fifo_count;    /* architectural: bytes in the FIFO */
    uint32_t ctrl;          /* architectural: CTRL */
    bool overrun;           /* architectural: STATUS.OVERRUN */
    Chardev *chr;           /* scratch (config): property "chardev" */
    CharBackend be;         /* scratch (wiring): front end of chr */
    qemu_irq irq;           /* scratch (wiring): interrupt controller input */
};

static void uart_update_irq(Cr16UartState *s)
{
    bool level = ((s->ctrl & VIRT_UART_CTRL_RXIE) && s->fifo_count) ||
                 (s->ctrl & VIRT_UART_CTRL_TXIE);

    qemu_set_irq(s->irq, level);
}

static uint32_t uart_status(const Cr16UartState *s)
{
    uint32_t v = VIRT_UART_STATUS_TXREADY;

    if (s->fifo_count) {
        v |= VIRT_UART_STATUS_RXAVAIL;
    }
    if (s->fifo_count == VIRT_UART_FIFO_SIZE) {
        v |= VIRT_UART_STATUS_RXFULL;
    }
    if (s->overrun) {
        v |= VIRT_UART_STATUS_OVERRUN;
    }
    v |= (s->fifo_count << VIRT_UART_STATUS_COUNT_SHIFT) &
         VIRT_UART_STATUS_COUNT_MASK;
    return v;
}

/* ---- chardev handlers ---- */

static int uart_can_receive(void *opaque)
{
    Cr16UartState *s = opaque;

    return VIRT_UART_FIFO_SIZE - s->fifo_count;
}

static void uart_receive(void *opaque, const uint8_t *buf, int size)
{
    Cr16UartState *s = opaque;

    for (int i = 0; i < size; i++) {
        if (s->fifo_count == VIRT_UART_FIFO_SIZE) {
            /* The back end ignored can_receive: drop, as hardware would. */
            s->overrun = true;
            continue;
        }
        trace_event(cr16_uart_rx, "ch 0x%02x", buf[i]);
        s->fifo[(s->fifo_head + s->fifo_count) % VIRT_UART_FIFO_SIZE] =
            buf[i];
        s->fifo_count++;
    }
    uart_update_irq(s);
}

/*
 * The virt UART has no break detection (no status bit for it), so a
 * break from the back end changes nothing the guest can see; it is
 * traced so that a user can tell it arrived.
 */
static void uart_break(void *opaque)
{
    trace_event(cr16_uart_break, "break received");
}

/* ---- MMIO handlers ---- */

static uint8_t uart_pop(Cr16UartState *s)
{
    uint8_t c;

    if (!s->fifo_count) {
        return 0;
    }
    c = s->fifo[s->fifo_head];
    s->fifo_head = (s->fifo_head + 1) % VIRT_UART_FIFO_SIZE;
    s->fifo_count--;
    uart_update_irq(s);
    /* There is room again: let the back end deliver more. */
    qemu_chr_fe_accept_input(&s->be);
    return c;
}

static uint64_t uart_read(void *opaque, hwaddr addr, unsigned size)
{
    Cr16UartState *s = CR16_UART(opaque);
    uint32_t v;

    switch (cr16_reg_base(addr)) {
    case VIRT_UART_DATA:
        /* Only a read that includes the data byte consumes it. */
        v = (addr & 3) ? 0 : uart_pop(s);
        break;
    case VIRT_UART_STATUS:
        v = uart_status(s);
        break;
    case VIRT_UART_CTRL:
        v = s->ctrl;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-uart: read of unknown register 0x%" PRIx64 "\n",
                      (uint64_t)addr);
        return 0;
    }
    return cr16_reg_read_lanes(v, addr, size);
}

static void uart_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    Cr16UartState *s = CR16_UART(opaque);
    uint8_t c;

    switch (cr16_reg_base(addr)) {
    case VIRT_UART_DATA:
        if (addr & 3) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "cr16-uart: write to the upper bytes of DATA "
                          "ignored\n");
            break;
        }
        c = val;
        trace_event(cr16_uart_tx, "ch 0x%02x", c);
        /* The transmitter has no FIFO: a slow peer stalls the writer. */
        qemu_chr_fe_write_all(&s->be, &c, 1);
        break;
    case VIRT_UART_STATUS:
        if (cr16_reg_write_value(addr, size, val) &
            VIRT_UART_STATUS_OVERRUN) {
            s->overrun = false;
        }
        break;
    case VIRT_UART_CTRL:
        s->ctrl = cr16_reg_merge(s->ctrl, addr, size, val) & UART_CTRL_MASK;
        uart_update_irq(s);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-uart: write to unknown register 0x%" PRIx64 "\n",
                      (uint64_t)addr);
        break;
    }
}

static const MemoryRegionOps uart_ops = {
    .read = uart_read,
    .write = uart_write,
};

/* ---- reset ---- */

static void uart_reset(DeviceState *dev)
{
    Cr16UartState *s = CR16_UART(dev);

    s->fifo_head = 0;
    s->fifo_count = 0;
    s->ctrl = 0;
    s->overrun = false;
    memset(s->fifo, 0, sizeof(s->fifo));
    uart_update_irq(s);
    qemu_chr_fe_accept_input(&s->be);
}

/* ---- state table ---- */

/*
 * The stream is untrusted. Rejected: FIFO indexes outside the FIFO (they
 * index s->fifo) and CTRL bits the UART does not have. The FIFO bytes and
 * OVERRUN take any value. The interrupt level is derived, so it is driven
 * again here rather than taken from the stream.
 */
static bool uart_post_load(void *opaque, int version_id, GError **errp)
{
    Cr16UartState *s = opaque;

    if (s->fifo_head >= VIRT_UART_FIFO_SIZE) {
        error_setg(errp, "cr16-uart: receive FIFO head %u in the migration "
                   "stream is outside the %d-byte FIFO", s->fifo_head,
                   VIRT_UART_FIFO_SIZE);
        return false;
    }
    if (s->fifo_count > VIRT_UART_FIFO_SIZE) {
        error_setg(errp, "cr16-uart: receive FIFO count %u in the migration "
                   "stream is larger than the %d-byte FIFO", s->fifo_count,
                   VIRT_UART_FIFO_SIZE);
        return false;
    }
    if (!cr16_reg_check_loaded("cr16-uart", "CTRL", s->ctrl, UART_CTRL_MASK,
                               errp)) {
        return false;
    }
    uart_update_irq(s);
    qemu_chr_fe_accept_input(&s->be);
    return true;
}

static const VMStateField uart_fields[] = {
    VMSTATE_BUFFER(fifo, Cr16UartState),
    VMSTATE_UINT32(fifo_head, Cr16UartState),
    VMSTATE_UINT32(fifo_count, Cr16UartState),
    VMSTATE_UINT32(ctrl, Cr16UartState),
    VMSTATE_BOOL(overrun, Cr16UartState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_cr16_uart = {
    .name = "cr16-uart",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = uart_post_load,
    .fields = uart_fields,
};

/* ---- type registration ---- */

static const Property uart_props[] = {
    DEFINE_PROP_CHR("chardev", Cr16UartState, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static void uart_instance_init(Object *obj)
{
    Cr16UartState *s = CR16_UART(obj);

    qdev_init_gpio_out(DEVICE(obj), &s->irq, 1);
}

static bool uart_realize(DeviceState *dev, GError **errp)
{
    Cr16UartState *s = CR16_UART(dev);

    if (!qemu_chr_fe_init(&s->be, s->chr, errp)) {
        return false;
    }
    qemu_chr_fe_set_handlers(&s->be, uart_can_receive, uart_receive, NULL,
                             s, NULL);
    qemu_chr_fe_set_break_handler(&s->be, uart_break);
    return true;
}

static void uart_unrealize(DeviceState *dev)
{
    Cr16UartState *s = CR16_UART(dev);

    qemu_chr_fe_deinit(&s->be, false);
}

static void uart_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    Cr16MmioDeviceClass *mc = CR16_MMIO_DEVICE_CLASS(klass);

    dc->desc = "CR16 virt UART";
    dc->realize = uart_realize;
    dc->unrealize = uart_unrealize;
    dc->reset = uart_reset;
    dc->vmsd = &vmstate_cr16_uart;
    device_class_set_props(dc, uart_props);
    mc->ops = &uart_ops;
    mc->mmio_size = VIRT_DEVICE_SIZE;
}

static const TypeInfo uart_info = {
    .name = TYPE_CR16_UART,
    .parent = TYPE_CR16_MMIO_DEVICE,
    .instance_size = sizeof(Cr16UartState),
    .instance_init = uart_instance_init,
    .class_init = uart_class_init,
};

static void uart_register_types(void)
{
    type_register_static(&uart_info);
}

type_init(uart_register_types)

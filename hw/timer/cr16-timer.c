/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timer of the CR16 virt board: a 32-bit up-counter driven by the
 * virtual clock, a compare register that sets STATUS.MATCH when the
 * counter advances to it (optionally restarting the count), and an
 * interrupt line raised while MATCH and CTRL.IE are both set.
 *
 * The counter is kept as (ref_count at ref_ns) and computed on demand;
 * the host timer is armed for the next match only while the counter runs.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "hw/irq.h"
#include "hw/cr16/cr16-timer.h"
#include "hw/cr16/mmio-device.h"
#include "hw/cr16/regs.h"
#include "hw/cr16/virt.h"
#include "migration/vmstate.h"

/* ---- register map (offsets and bits: hw/cr16/virt.h, VIRT_TIMER_*) ---- */

#define TIMER_CTRL_MASK (VIRT_TIMER_CTRL_EN | VIRT_TIMER_CTRL_IE | \
                         VIRT_TIMER_CTRL_PERIODIC)
#define TIMER_STATUS_MASK VIRT_TIMER_STATUS_MATCH
/* Ticks until the counter comes back to the same value. */
#define TIMER_WRAP_TICKS (1ull << 32)

/* ---- state ---- */

OBJECT_DECLARE_SIMPLE_TYPE(Cr16TimerState, CR16_TIMER)

struct Cr16TimerState {
    DeviceState parent_obj;

    uint32_t ctrl;          /* architectural: CTRL */
    uint32_t status;        /* architectural: STATUS */
    uint32_t compare;       /* architectural: COMPARE */
    uint32_t ref_count;     /* architectural: counter value at ref_ns */
    int64_t ref_ns;         /* architectural: virtual time of ref_count */
    QEMUTimer *timer;       /* architectural: deadline of the next match */
    qemu_irq irq;           /* scratch (wiring): interrupt controller input */
};

static bool cr16_timer_running(const Cr16TimerState *s)
{
    return s->ctrl & VIRT_TIMER_CTRL_EN;
}

/* Whole ticks between ref_ns and now (0 while stopped). */
static uint64_t cr16_timer_elapsed_ticks(const Cr16TimerState *s, int64_t now)
{
    if (!cr16_timer_running(s) || now <= s->ref_ns) {
        return 0;
    }
    return (uint64_t)(now - s->ref_ns) / VIRT_TIMER_TICK_NS;
}

/* Ticks from ref_count until the counter next advances to COMPARE. */
static uint64_t cr16_timer_ticks_to_match(const Cr16TimerState *s)
{
    uint32_t k = s->compare - s->ref_count;

    return k ? k : TIMER_WRAP_TICKS;
}

/*
 * The counter `ticks` ticks after the reference. In periodic mode it
 * restarts at 0 on every match, so it runs modulo COMPARE (2^32 for 0)
 * once the first match is behind.
 */
static uint32_t cr16_timer_advance(const Cr16TimerState *s, uint64_t ticks)
{
    uint64_t first = cr16_timer_ticks_to_match(s);
    uint64_t period = s->compare ? s->compare : TIMER_WRAP_TICKS;

    if (!(s->ctrl & VIRT_TIMER_CTRL_PERIODIC) || ticks < first) {
        return s->ref_count + (uint32_t)ticks;
    }
    return (uint32_t)((ticks - first) % period);
}

static uint32_t cr16_timer_count(const Cr16TimerState *s, int64_t now)
{
    return cr16_timer_advance(s, cr16_timer_elapsed_ticks(s, now));
}

static void cr16_timer_update_irq(Cr16TimerState *s)
{
    qemu_set_irq(s->irq, (s->status & VIRT_TIMER_STATUS_MATCH) &&
                         (s->ctrl & VIRT_TIMER_CTRL_IE));
}

/*
 * Move the reference to the last tick at or before now (keeping the tick
 * phase) under the current settings. Afterwards the next match is the
 * first one after the reference.
 */
static void cr16_timer_sync(Cr16TimerState *s, int64_t now)
{
    uint64_t elapsed = cr16_timer_elapsed_ticks(s, now);

    s->ref_count = cr16_timer_advance(s, elapsed);
    s->ref_ns += (int64_t)(elapsed * VIRT_TIMER_TICK_NS);
}

/* Arm the host timer for the next match (synced reference), or disarm. */
static void cr16_timer_arm(Cr16TimerState *s)
{
    if (!cr16_timer_running(s)) {
        timer_del(s->timer);
        return;
    }
    timer_mod(s->timer, s->ref_ns +
              (int64_t)(cr16_timer_ticks_to_match(s) * VIRT_TIMER_TICK_NS));
}

static void cr16_timer_expired(void *opaque)
{
    Cr16TimerState *s = CR16_TIMER(opaque);
    int64_t match_ns;

    if (!cr16_timer_running(s)) {
        return;
    }
    /* Every register write syncs and re-arms, so the match that fired is
     * the first one after the reference. */
    match_ns = s->ref_ns +
               (int64_t)(cr16_timer_ticks_to_match(s) * VIRT_TIMER_TICK_NS);
    s->status |= VIRT_TIMER_STATUS_MATCH;
    s->ref_count = (s->ctrl & VIRT_TIMER_CTRL_PERIODIC) ? 0 : s->compare;
    s->ref_ns = match_ns;
    /* The callback may run late: catch up (periodic mode wraps). */
    cr16_timer_sync(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    cr16_timer_arm(s);
    cr16_timer_update_irq(s);
}

/* ---- MMIO handlers ---- */

static uint64_t cr16_timer_read(void *opaque, hwaddr addr, unsigned size)
{
    Cr16TimerState *s = CR16_TIMER(opaque);
    uint32_t v;

    switch (cr16_reg_base(addr)) {
    case VIRT_TIMER_CTRL:
        v = s->ctrl;
        break;
    case VIRT_TIMER_STATUS:
        v = s->status;
        break;
    case VIRT_TIMER_COUNT:
        v = cr16_timer_count(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
        break;
    case VIRT_TIMER_COMPARE:
        v = s->compare;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-timer: read of unknown register 0x%" PRIx64 "\n",
                      (uint64_t)addr);
        return 0;
    }
    return cr16_reg_read_lanes(v, addr, size);
}

static void cr16_timer_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    Cr16TimerState *s = CR16_TIMER(opaque);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint32_t ctrl;

    /* Account for the time so far under the old settings. */
    cr16_timer_sync(s, now);
    switch (cr16_reg_base(addr)) {
    case VIRT_TIMER_CTRL:
        ctrl = cr16_reg_merge(s->ctrl, addr, size, val) & TIMER_CTRL_MASK;
        if ((ctrl ^ s->ctrl) & VIRT_TIMER_CTRL_EN) {
            /* Starting counts from now; stopping froze the count above. */
            s->ref_ns = now;
        }
        s->ctrl = ctrl;
        break;
    case VIRT_TIMER_STATUS:
        s->status &= ~cr16_reg_write_value(addr, size, val);
        break;
    case VIRT_TIMER_COUNT:
        s->ref_count = cr16_reg_merge(s->ref_count, addr, size, val);
        s->ref_ns = now;
        break;
    case VIRT_TIMER_COMPARE:
        s->compare = cr16_reg_merge(s->compare, addr, size, val);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16-timer: write to unknown register 0x%" PRIx64
                      "\n", (uint64_t)addr);
        return;
    }
    cr16_timer_arm(s);
    cr16_timer_update_irq(s);
}

static const MemoryRegionOps cr16_timer_ops = {
    .read = cr16_timer_read,
    .write = cr16_timer_write,
};

/* ---- reset ---- */

static void cr16_timer_reset(DeviceState *dev)
{
    Cr16TimerState *s = CR16_TIMER(dev);

    s->ctrl = 0;
    s->status = 0;
    s->compare = 0;
    s->ref_count = 0;
    s->ref_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    timer_del(s->timer);
    cr16_timer_update_irq(s);
}

/* ---- state table ---- */

static bool cr16_timer_post_load(void *opaque, int version_id,
                                 GError **errp)
{
    Cr16TimerState *s = opaque;

    s->ctrl &= TIMER_CTRL_MASK;
    s->status &= TIMER_STATUS_MASK;
    if (!cr16_timer_running(s)) {
        /* A stopped counter never matches, whatever the stream said. */
        timer_del(s->timer);
    }
    cr16_timer_update_irq(s);
    return true;
}

static const VMStateField cr16_timer_fields[] = {
    VMSTATE_UINT32(ctrl, Cr16TimerState),
    VMSTATE_UINT32(status, Cr16TimerState),
    VMSTATE_UINT32(compare, Cr16TimerState),
    VMSTATE_UINT32(ref_count, Cr16TimerState),
    VMSTATE_INT64(ref_ns, Cr16TimerState),
    VMSTATE_TIMER_PTR(timer, Cr16TimerState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_cr16_timer = {
    .name = "cr16-timer",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = cr16_timer_post_load,
    .fields = cr16_timer_fields,
};

/* ---- type registration ---- */

static void cr16_timer_instance_init(Object *obj)
{
    Cr16TimerState *s = CR16_TIMER(obj);

    qdev_init_gpio_out(DEVICE(obj), &s->irq, 1);
}

static bool cr16_timer_realize(DeviceState *dev, GError **errp)
{
    Cr16TimerState *s = CR16_TIMER(dev);

    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, cr16_timer_expired, s);
    return true;
}

static void cr16_timer_unrealize(DeviceState *dev)
{
    Cr16TimerState *s = CR16_TIMER(dev);

    timer_free(s->timer);
    s->timer = NULL;
}

static void cr16_timer_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    Cr16MmioDeviceClass *mc = CR16_MMIO_DEVICE_CLASS(klass);

    dc->desc = "CR16 virt timer";
    dc->realize = cr16_timer_realize;
    dc->unrealize = cr16_timer_unrealize;
    dc->reset = cr16_timer_reset;
    dc->vmsd = &vmstate_cr16_timer;
    mc->ops = &cr16_timer_ops;
    mc->mmio_size = VIRT_DEVICE_SIZE;
}

static const TypeInfo cr16_timer_info = {
    .name = TYPE_CR16_TIMER,
    .parent = TYPE_CR16_MMIO_DEVICE,
    .instance_size = sizeof(Cr16TimerState),
    .instance_init = cr16_timer_instance_init,
    .class_init = cr16_timer_class_init,
};

static void cr16_timer_register_types(void)
{
    type_register_static(&cr16_timer_info);
}

type_init(cr16_timer_register_types)

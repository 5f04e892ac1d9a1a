/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timer of the CR16 virt board: a 32-bit up-counter driven by the
 * virtual clock, a compare register that sets STATUS.MATCH when the
 * counter advances to it (optionally restarting the count), and an
 * interrupt line raised while MATCH and CTRL.IE are both set.
 *
 * The counter is kept as (ref_count at ref_ns) and computed on demand;
 * the host timer is armed for the next match only while the counter runs.
 *
 * Time arithmetic never overflows: differences are taken in uint64_t
 * between a reference at or before now, and a match that would lie past
 * the end of virtual time (INT64_MAX ns) is never armed, since the clock
 * cannot reach it.
 */
#include "qemu/osdep.h"
#include "qemu/trace.h"
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

/* Nanoseconds from ref_ns to now (0 while stopped or if now <= ref_ns). */
static uint64_t cr16_timer_elapsed_ns(const Cr16TimerState *s, int64_t now)
{
    if (!cr16_timer_running(s) || now <= s->ref_ns) {
        return 0;
    }
    /* The true difference of two int64_t fits in uint64_t. */
    return (uint64_t)now - (uint64_t)s->ref_ns;
}

/* Whole ticks between ref_ns and now (0 while stopped). */
static uint64_t cr16_timer_elapsed_ticks(const Cr16TimerState *s, int64_t now)
{
    return cr16_timer_elapsed_ns(s, now) / VIRT_TIMER_TICK_NS;
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
    uint64_t elapsed_ns = cr16_timer_elapsed_ns(s, now);

    if (!elapsed_ns) {
        return;
    }
    s->ref_count = cr16_timer_advance(s, elapsed_ns / VIRT_TIMER_TICK_NS);
    /* now minus the partial tick: at or before now, no overflow. */
    s->ref_ns = now - (int64_t)(elapsed_ns % VIRT_TIMER_TICK_NS);
}

/*
 * Virtual time of the next match after the reference, or -1 if it lies
 * beyond INT64_MAX ns (the clock never gets there).
 */
static int64_t cr16_timer_match_ns(const Cr16TimerState *s)
{
    /* At most 2^32 ticks of 1000 ns: fits in int64_t. */
    int64_t span = (int64_t)(cr16_timer_ticks_to_match(s) *
                             VIRT_TIMER_TICK_NS);
    int64_t match;

    if (__builtin_add_overflow(s->ref_ns, span, &match)) {
        return -1;
    }
    return match;
}

/* Arm the host timer for the next match (synced reference), or disarm. */
static void cr16_timer_arm(Cr16TimerState *s)
{
    int64_t match = cr16_timer_running(s) ? cr16_timer_match_ns(s) : -1;

    if (match < 0) {
        timer_del(s->timer);
        return;
    }
    timer_mod(s->timer, match);
}

static void cr16_timer_expired(void *opaque)
{
    Cr16TimerState *s = CR16_TIMER(opaque);
    int64_t match_ns;

    /* Every register write syncs and re-arms, so the match that fired is
     * the first one after the reference. */
    match_ns = cr16_timer_running(s) ? cr16_timer_match_ns(s) : -1;
    if (match_ns < 0) {
        return;
    }
    s->status |= VIRT_TIMER_STATUS_MATCH;
    trace_event(cr16_timer_match, "compare 0x%08x at %" PRId64 " ns",
                s->compare, match_ns);
    s->ref_count = (s->ctrl & VIRT_TIMER_CTRL_PERIODIC) ? 0 : s->compare;
    s->ref_ns = match_ns;
    /* The callback may run late (a long clock jump): catch up in one
     * step, periodic mode wraps modulo the period. */
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

    trace_event(cr16_timer_write, "offset 0x%02x value 0x%08" PRIx64
                " size %u", (unsigned)addr, val, size);
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

/*
 * The stream is untrusted. Rejected: register bits the timer does not
 * have, a negative reference time (virtual time starts at 0), and a
 * deadline that disagrees with the counter state (the source always arms
 * exactly the next match, or nothing while stopped). COUNT and COMPARE
 * take any 32-bit value. The host timer is then re-armed from the
 * counter state, so its deadline never comes from the stream alone.
 */
static bool cr16_timer_post_load(void *opaque, int version_id,
                                 GError **errp)
{
    Cr16TimerState *s = opaque;
    int64_t loaded, expected;

    if (!cr16_reg_check_loaded("cr16-timer", "CTRL", s->ctrl,
                               TIMER_CTRL_MASK, errp) ||
        !cr16_reg_check_loaded("cr16-timer", "STATUS", s->status,
                               TIMER_STATUS_MASK, errp)) {
        goto reject;
    }
    if (s->ref_ns < 0) {
        error_setg(errp, "cr16-timer: counter reference time %" PRId64
                   " ns in the migration stream is negative", s->ref_ns);
        goto reject;
    }
    loaded = timer_expire_time_ns(s->timer);
    expected = cr16_timer_running(s) ? cr16_timer_match_ns(s) : -1;
    if (loaded != expected) {
        error_setg(errp, "cr16-timer: deadline %" PRId64 " ns in the "
                   "migration stream does not match the counter state "
                   "(expected %" PRId64 "; -1 = not armed)", loaded,
                   expected);
        goto reject;
    }
    cr16_timer_arm(s);
    cr16_timer_update_irq(s);
    return true;

reject:
    /* Nothing from a rejected stream may fire later. */
    timer_del(s->timer);
    return false;
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the post_load hooks of the CR16 virt board's devices
 * (timer, UART, interrupt controller, system controller) and of
 * migration-testdev: a field set to a value the stream could carry but
 * the hardware cannot hold is rejected with an error naming the device
 * and what was wrong, and a valid state is accepted.
 *
 * Fields are reached by name through the device's own VMState table, as
 * the migration engine reaches them, so the tests need no private
 * struct layouts.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/timer.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/cr16/cr16-icu.h"
#include "hw/cr16/cr16-sysctl.h"
#include "hw/cr16/cr16-timer.h"
#include "hw/cr16/cr16-uart.h"
#include "hw/cr16/migration-testdev.h"
#include "hw/cr16/virt.h"
#include "migration/vmstate.h"

/* ---- helpers ---- */

static DeviceState *device_new_realized(const char *type)
{
    DeviceState *dev = qdev_new(type);
    GError *err = NULL;

    g_assert_true(qdev_realize_and_unref(dev, &err));
    g_assert_no_error(err);
    return dev;
}

static const VMStateDescription *device_vmsd(DeviceState *dev)
{
    const VMStateDescription *vmsd = DEVICE_GET_CLASS(dev)->vmsd;

    g_assert_nonnull(vmsd);
    g_assert_nonnull(vmsd->post_load);
    return vmsd;
}

static const VMStateField *field_by_name(DeviceState *dev, const char *name)
{
    for (const VMStateField *f = device_vmsd(dev)->fields;
         !(f->flags & VMS_END); f++) {
        if (f->name && !strcmp(f->name, name)) {
            return f;
        }
    }
    g_error("%s has no VMState field %s", object_get_typename(OBJECT(dev)),
            name);
}

/* Store value into a scalar field, as a load of that field would. */
static void field_set(DeviceState *dev, const char *name, int64_t value)
{
    const VMStateField *f = field_by_name(dev, name);
    void *p = (char *)dev + f->offset;

    switch (f->size) {
    case 1:
        *(uint8_t *)p = value;
        break;
    case 4:
        *(uint32_t *)p = value;
        break;
    case 8:
        *(int64_t *)p = value;
        break;
    default:
        g_error("field %s: unexpected size %zu", name, f->size);
    }
}

/* The QEMUTimer behind a VMSTATE_TIMER_PTR field. */
static QEMUTimer *field_timer(DeviceState *dev, const char *name)
{
    const VMStateField *f = field_by_name(dev, name);

    g_assert_true(f->flags & VMS_POINTER);
    return *(QEMUTimer **)((char *)dev + f->offset);
}

static bool post_load(DeviceState *dev, GError **errp)
{
    return device_vmsd(dev)->post_load(dev, 1, errp);
}

static void expect_reject(DeviceState *dev, const char *what)
{
    g_autoptr(GError) err = NULL;

    g_assert_false(post_load(dev, &err));
    g_assert_nonnull(err);
    if (!strstr(err->message, what)) {
        g_error("error \"%s\" does not contain \"%s\"", err->message, what);
    }
}

static void expect_accept(DeviceState *dev)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(post_load(dev, &err));
    g_assert_no_error(err);
}

/* A register-width field poked to value must be rejected, naming what. */
typedef struct BadField {
    const char *field;
    int64_t value;
    const char *what;
} BadField;

static void check_bad_fields(const char *type, const BadField *bad,
                             size_t n)
{
    DeviceState *dev = device_new_realized(type);

    device_cold_reset(dev);
    expect_accept(dev);
    for (size_t i = 0; i < n; i++) {
        const VMStateField *f = field_by_name(dev, bad[i].field);
        uint8_t saved[8];

        /* Not every field is reset state (the ICU's input lines): put
         * the old value back afterwards. */
        g_assert_cmpuint(f->size, <=, sizeof(saved));
        memcpy(saved, (char *)dev + f->offset, f->size);
        device_cold_reset(dev);
        field_set(dev, bad[i].field, bad[i].value);
        expect_reject(dev, bad[i].what);
        memcpy((char *)dev + f->offset, saved, f->size);
    }
    device_cold_reset(dev);
    expect_accept(dev);
    object_unparent(OBJECT(dev));
}

/* ---- the devices ---- */

static void test_uart(void)
{
    static const BadField bad[] = {
        { "fifo_head", VIRT_UART_FIFO_SIZE,
          "cr16-uart: receive FIFO head 16 in the migration stream is "
          "outside the 16-byte FIFO" },
        { "fifo_count", VIRT_UART_FIFO_SIZE + 1,
          "cr16-uart: receive FIFO count 17 in the migration stream is "
          "larger than the 16-byte FIFO" },
        { "ctrl", 0x100, "cr16-uart: CTRL 0x100" },
    };

    check_bad_fields(TYPE_CR16_UART, bad, G_N_ELEMENTS(bad));
}

static void test_icu(void)
{
    static const BadField bad[] = {
        { "lines", 0x10000, "cr16-icu: input lines 0x10000" },
        { "enable", 0x80000001, "cr16-icu: ENABLE 0x80000001" },
        { "soft", 0x20000, "cr16-icu: SOFT 0x20000" },
    };

    check_bad_fields(TYPE_CR16_ICU, bad, G_N_ELEMENTS(bad));
}

static void test_sysctl(void)
{
    static const BadField bad[] = {
        { "bank", VIRT_SYSCTL_BANK_MASK + 1, "cr16-sysctl: BANK 0x400" },
    };

    check_bad_fields(TYPE_CR16_SYSCTL, bad, G_N_ELEMENTS(bad));
}

static void test_timer_registers(void)
{
    static const BadField bad[] = {
        { "ctrl", 0x8, "cr16-timer: CTRL 0x8" },
        { "status", 0x2, "cr16-timer: STATUS 0x2" },
        { "ref_ns", -1, "cr16-timer: counter reference time -1 ns" },
        { "ref_ns", INT64_MIN, "is negative" },
    };

    check_bad_fields(TYPE_CR16_TIMER, bad, G_N_ELEMENTS(bad));
}

/*
 * The deadline travels with the timer but must agree with the counter
 * state; post_load re-arms from the counter state.
 */
static void test_timer_deadline(void)
{
    DeviceState *dev = device_new_realized(TYPE_CR16_TIMER);
    QEMUTimer *t = field_timer(dev, "timer");
    const int64_t tick = VIRT_TIMER_TICK_NS;

    device_cold_reset(dev);
    /* Stopped, but the stream says armed. */
    timer_mod(t, 12345);
    expect_reject(dev, "cr16-timer: deadline 12345 ns in the migration "
                  "stream does not match the counter state (expected -1");
    g_assert_false(timer_pending(t));

    /* Running: the next match is COMPARE - COUNT ticks after ref_ns. */
    field_set(dev, "ctrl", VIRT_TIMER_CTRL_EN);
    field_set(dev, "compare", 100);
    field_set(dev, "ref_count", 40);
    field_set(dev, "ref_ns", 5000);
    expect_reject(dev, "expected 65000");       /* not armed */
    timer_mod(t, 65000 + 1);
    expect_reject(dev, "deadline 65001 ns");
    g_assert_false(timer_pending(t));
    timer_mod(t, 5000 + 60 * tick);
    expect_accept(dev);
    g_assert_cmpint(timer_expire_time_ns(t), ==, 65000);

    /* A match past INT64_MAX ns is never armed; a stream arming it (at
     * a wrapped or saturated value) is rejected. */
    field_set(dev, "ref_ns", INT64_MAX - 10);
    timer_mod(t, INT64_MAX);
    expect_reject(dev, "expected -1");
    timer_del(t);
    expect_accept(dev);
    g_assert_false(timer_pending(t));

    timer_del(t);
    object_unparent(OBJECT(dev));
}

static void test_migration_testdev(void)
{
    DeviceState *dev = qdev_new(TYPE_MIGRATION_TESTDEV);
    GError *err = NULL;

    g_assert_true(object_property_set_uint(OBJECT(dev), "state-size", 64,
                                           &err));
    g_assert_true(qdev_realize_and_unref(dev, &err));
    g_assert_no_error(err);
    expect_accept(dev);

    /* Every later access trusts blob_size: it must be ours. */
    field_set(dev, "blob_size", 65);
    expect_reject(dev, "migration-testdev: state blob of 65 bytes in the "
                  "stream, but state-size is 64 here");
    field_set(dev, "blob_size", 64);
    field_set(dev, "checksum", 0);
    expect_reject(dev, "migration-testdev: state blob checksum mismatch");
    object_unparent(OBJECT(dev));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cr16/device-vmstate/uart", test_uart);
    g_test_add_func("/cr16/device-vmstate/icu", test_icu);
    g_test_add_func("/cr16/device-vmstate/sysctl", test_sysctl);
    g_test_add_func("/cr16/device-vmstate/timer-registers",
                    test_timer_registers);
    g_test_add_func("/cr16/device-vmstate/timer-deadline",
                    test_timer_deadline);
    g_test_add_func("/cr16/device-vmstate/migration-testdev",
                    test_migration_testdev);
    return g_test_run();
}

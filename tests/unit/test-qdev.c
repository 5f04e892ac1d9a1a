/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the device core: static properties and defaults,
 * -global, realize/unrealize and placement, the VMState registry,
 * -device, GPIO wiring and interception, reset, and the machine core.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/option.h"
#include "hw/boards.h"
#include "hw/irq.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "migration/register.h"
#include "qom/object_interfaces.h"
#include "system/ram-backend.h"

#define TYPE_TEST_DEV       "test-dev"
#define TYPE_TEST_DEV_SUB   "test-dev-sub"
#define TYPE_TEST_DEV_INT   "test-dev-internal"
#define TYPE_TEST_DEV_ABS   "test-dev-abstract"

typedef struct TestDev {
    DeviceState parent_obj;
    uint32_t fifo;
    bool fail;
    char *label;
    char *mode;
    uint64_t blob;
    uint8_t u8;
    int32_t s32;
    Chardev *chr;
    uint32_t extra;             /* test-dev-sub only */

    qemu_irq out[2];
    qemu_irq named_out;
    int in_level[4];
    int in_calls;
    int named_in_level[2];
    int realize_calls;
    int reset_calls;
} TestDev;

#define TEST_DEV(obj) OBJECT_CHECK(TestDev, (obj), TYPE_TEST_DEV)

static const VMStateDescription vmstate_test_dev = {
    .name = "test-dev",
    .version_id = 1,
};

static void test_dev_in(void *opaque, int n, int level)
{
    TestDev *s = opaque;

    s->in_level[n] = level;
    s->in_calls++;
}

static void test_dev_named_in(void *opaque, int n, int level)
{
    TestDev *s = opaque;

    s->named_in_level[n] = level;
}

static bool test_dev_realize(DeviceState *dev, GError **errp)
{
    TestDev *s = TEST_DEV(dev);

    if (s->fail) {
        error_setg(errp, "realize failed on purpose");
        return false;
    }
    s->realize_calls++;
    return true;
}

static void test_dev_reset(DeviceState *dev)
{
    TEST_DEV(dev)->reset_calls++;
}

static void test_dev_init(Object *obj)
{
    TestDev *s = TEST_DEV(obj);
    DeviceState *dev = DEVICE(obj);

    qdev_init_gpio_in(dev, test_dev_in, 4);
    qdev_init_gpio_out(dev, s->out, 2);
    qdev_init_gpio_in_named(dev, test_dev_named_in, "ctl", 2);
    qdev_init_gpio_out_named(dev, &s->named_out, "sig", 1);
}

static const Property test_dev_props[] = {
    DEFINE_PROP_UINT32("fifo", TestDev, fifo, 16),
    DEFINE_PROP_BOOL("fail", TestDev, fail, false),
    DEFINE_PROP_STRING("label", TestDev, label),
    DEFINE_PROP_STRING("mode", TestDev, mode, "fast"),
    DEFINE_PROP_SIZE("blob", TestDev, blob, 4096),
    DEFINE_PROP_UINT8("u8", TestDev, u8, 7),
    DEFINE_PROP_INT32("s32", TestDev, s32, -2),
    DEFINE_PROP_CHR("chardev", TestDev, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const Property test_dev_sub_props[] = {
    DEFINE_PROP_UINT32("extra", TestDev, extra, 99),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_dev_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "a test device";
    dc->props = test_dev_props;
    dc->realize = test_dev_realize;
    dc->reset = test_dev_reset;
    dc->vmsd = &vmstate_test_dev;
    dc->user_creatable = true;
}

static void test_dev_sub_class_init(ObjectClass *oc, const void *data)
{
    device_class_set_props(DEVICE_CLASS(oc), test_dev_sub_props);
}

static void test_dev_int_class_init(ObjectClass *oc, const void *data)
{
    DEVICE_CLASS(oc)->user_creatable = false;
}

static const TypeInfo test_dev_types[] = {
    {
        .name = TYPE_TEST_DEV_ABS,
        .parent = TYPE_DEVICE,
        .abstract = true,
        .instance_size = sizeof(TestDev),
    },
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_TEST_DEV_ABS,
        .instance_init = test_dev_init,
        .class_init = test_dev_class_init,
    },
    {
        .name = TYPE_TEST_DEV_SUB,
        .parent = TYPE_TEST_DEV,
        .class_init = test_dev_sub_class_init,
    },
    {
        .name = TYPE_TEST_DEV_INT,
        .parent = TYPE_TEST_DEV,
        .class_init = test_dev_int_class_init,
    },
};

DEFINE_TYPES(test_dev_types)

/* A stand-in for the chardev layer. */
typedef struct FakeChr {
    const char *label;
} FakeChr;

static FakeChr fake_chr0 = { "c0" };

static Chardev *fake_chr_find(const char *id)
{
    return !strcmp(id, "c0") ? (Chardev *)&fake_chr0 : NULL;
}

static const char *fake_chr_label(Chardev *chr)
{
    return ((FakeChr *)chr)->label;
}

/* ---- static properties ---- */

static void test_static_props(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);
    TestDev *s = TEST_DEV(dev);
    Object *obj = OBJECT(dev);
    GError *err = NULL;
    g_autofree char *mode = NULL;
    g_autofree char *label = NULL;

    /* Defaults. */
    g_assert_cmpuint(s->fifo, ==, 16);
    g_assert_false(s->fail);
    g_assert_null(s->label);
    g_assert_cmpstr(s->mode, ==, "fast");
    g_assert_cmpuint(s->blob, ==, 4096);
    g_assert_cmpuint(s->u8, ==, 7);
    g_assert_cmpint(s->s32, ==, -2);
    g_assert_null(s->chr);
    label = object_property_get_str(obj, "label", &err);
    g_assert_cmpstr(label, ==, "");
    mode = object_property_get_str(obj, "mode", &err);
    g_assert_cmpstr(mode, ==, "fast");
    g_assert_cmpstr(object_property_get_type(obj, "fifo", NULL), ==,
                    "uint32");
    g_assert_cmpstr(object_property_get_type(obj, "blob", NULL), ==, "size");
    g_assert_cmpstr(object_property_get_type(obj, "label", NULL), ==, "str");
    g_assert_cmpstr(object_property_get_type(obj, "realized", NULL), ==,
                    "bool");
    /* test-dev does not have the subclass property. */
    g_assert_null(object_property_find(obj, "extra"));

    /* Setting, by value and from strings. */
    qdev_prop_set_uint32(dev, "fifo", 64);
    qdev_prop_set_bool(dev, "fail", true);
    qdev_prop_set_string(dev, "label", "hello");
    qdev_prop_set_uint8(dev, "u8", 200);
    qdev_prop_set_int32(dev, "s32", -100);
    g_assert_cmpuint(s->fifo, ==, 64);
    g_assert_true(s->fail);
    g_assert_cmpstr(s->label, ==, "hello");
    g_assert_cmpuint(s->u8, ==, 200);
    g_assert_cmpint(s->s32, ==, -100);
    qdev_prop_set_string(dev, "label", NULL);
    g_assert_null(s->label);
    g_assert_true(object_property_parse(obj, "blob", "2M", &err));
    g_assert_cmpuint(s->blob, ==, 2 * 1024 * 1024);
    g_assert_true(object_property_parse(obj, "fail", "off", &err));
    g_assert_no_error(err);

    /* Range and syntax errors. */
    g_assert_false(object_property_parse(obj, "u8", "256", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'u8' expects uint8");
    g_clear_error(&err);
    g_assert_false(object_property_parse(obj, "fifo", "4294967296", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'fifo' expects uint32");
    g_clear_error(&err);
    g_assert_false(object_property_parse(obj, "s32", "2147483648", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 's32' expects int32");
    g_clear_error(&err);
    g_assert_false(object_property_parse(obj, "fifo", "many", &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'fifo' expects a uint64 value");
    g_clear_error(&err);

    /* Chardev properties go through the chardev layer's resolver. */
    g_assert_false(object_property_parse(obj, "chardev", "c0", &err));
    g_assert_cmpstr(err->message, ==,
                    "Property 'test-dev.chardev' can't find value 'c0'");
    g_clear_error(&err);
    qdev_prop_set_chardev_resolver(fake_chr_find, fake_chr_label);
    g_assert_true(object_property_parse(obj, "chardev", "c0", &err));
    g_assert_true(s->chr == (Chardev *)&fake_chr0);
    {
        g_autofree char *id = object_property_get_str(obj, "chardev", NULL);

        g_assert_cmpstr(id, ==, "c0");
    }
    g_assert_false(object_property_parse(obj, "chardev", "zz", &err));
    g_assert_cmpstr(err->message, ==,
                    "Property 'test-dev.chardev' can't find value 'zz'");
    g_clear_error(&err);
    qdev_prop_set_chr(dev, "chardev", NULL);
    g_assert_null(s->chr);
    qdev_prop_set_chardev_resolver(NULL, NULL);

    /* After realize, static properties are frozen. */
    g_assert_true(qdev_realize(dev, &err));
    g_assert_false(object_property_set_uint(obj, "fifo", 1, &err));
    g_assert_cmpstr(err->message, ==, "Attempt to set property 'fifo' on "
                    "anonymous device (type 'test-dev') after it was "
                    "realized");
    g_clear_error(&err);
    object_unparent(obj);
    object_unref(obj);
}

static void test_subclass_props(void)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV_SUB);
    g_autoptr(GPtrArray) props = object_property_list(OBJECT(dev));

    g_assert_cmpuint(TEST_DEV(dev)->extra, ==, 99);
    g_assert_cmpuint(TEST_DEV(dev)->fifo, ==, 16);
    g_assert_nonnull(object_property_find(OBJECT(dev), "mode"));
    /* realized + 8 inherited + 1 own, each once, and "type". */
    g_assert_cmpuint(props->len, ==, 11);
    object_unref(dev);
}

/* ---- realize, placement, registry ---- */

static int count_entries(const VMStateEntry *e, void *opaque)
{
    if (!strcmp(e->vmsd->name, "test-dev")) {
        (*(int *)opaque)++;
    }
    return 0;
}

static int test_dev_entries(void)
{
    int n = 0;

    vmstate_device_foreach(count_entries, &n);
    return n;
}

static void test_realize(void)
{
    DeviceState *a = qdev_new(TYPE_TEST_DEV);
    DeviceState *b = qdev_new(TYPE_TEST_DEV);
    DeviceState *bad = qdev_new(TYPE_TEST_DEV);
    GError *err = NULL;
    g_autofree char *path = NULL;
    const VMStateEntry *e0, *e1;
    int before = test_dev_entries();

    g_assert_true(qdev_realize(a, &err));
    g_assert_true(qdev_realize_and_unref(b, &err));
    g_assert_no_error(err);
    g_assert_true(a->realized);
    g_assert_cmpint(TEST_DEV(a)->realize_calls, ==, 1);
    g_assert_true(qdev_realize(a, &err));          /* no second realize */
    g_assert_cmpint(TEST_DEV(a)->realize_calls, ==, 1);
    g_assert_true(object_property_get_bool(OBJECT(a), "realized", NULL));

    path = object_get_canonical_path(OBJECT(a));
    g_assert_true(g_str_has_prefix(path, "/machine/unattached/device["));
    g_assert_true(object_resolve_path(path, NULL) == OBJECT(a));
    g_assert_true(qdev_from_object(OBJECT(a)) == a);
    g_assert_null(qdev_from_object(object_get_root()));

    /* Both registered, with instance ids in realize order. */
    g_assert_cmpint(test_dev_entries(), ==, before + 2);
    e0 = vmstate_device_find("test-dev", before);
    e1 = vmstate_device_find("test-dev", before + 1);
    g_assert_nonnull(e0);
    g_assert_nonnull(e1);
    g_assert_true(e0->dev == a && e0->opaque == a);
    g_assert_true(e1->dev == b);

    /* A failing realize leaves the device unrealized and unregistered. */
    qdev_prop_set_bool(bad, "fail", true);
    g_assert_false(qdev_realize(bad, &err));
    g_assert_cmpstr(err->message, ==, "realize failed on purpose");
    g_clear_error(&err);
    g_assert_false(bad->realized);
    g_assert_cmpint(test_dev_entries(), ==, before + 2);
    object_unparent(OBJECT(bad));
    object_unref(bad);

    /* Unparenting unrealizes and unregisters. */
    object_unparent(OBJECT(b));
    g_assert_cmpint(test_dev_entries(), ==, before + 1);
    object_unparent(OBJECT(a));
    g_assert_false(a->realized);
    g_assert_cmpint(test_dev_entries(), ==, before);
    object_unref(a);
}

static void test_reset(void)
{
    DeviceState *a = qdev_new(TYPE_TEST_DEV);
    DeviceState *unrealized = qdev_new(TYPE_TEST_DEV);

    g_assert_true(qdev_realize(a, NULL));
    qdev_reset_all();
    qdev_reset_all();
    g_assert_cmpint(TEST_DEV(a)->reset_calls, ==, 2);
    g_assert_cmpint(TEST_DEV(unrealized)->reset_calls, ==, 0);
    device_cold_reset(unrealized);
    g_assert_cmpint(TEST_DEV(unrealized)->reset_calls, ==, 1);
    object_unparent(OBJECT(a));
    object_unref(a);
    object_unref(unrealized);
}

/* ---- -global ---- */

static void test_globals(void)
{
    GError *err = NULL;
    DeviceState *dev;

    qdev_global_reset();
    g_assert_true(qdev_global_parse("test-dev.fifo=32", &err));
    g_assert_true(qdev_global_parse("driver=test-dev-sub,property=extra,"
                                    "value=5", &err));
    g_assert_true(qdev_global_parse("test-dev.mode=a,,b", &err));
    g_assert_no_error(err);

    dev = qdev_new(TYPE_TEST_DEV);
    g_assert_cmpuint(TEST_DEV(dev)->fifo, ==, 32);
    g_assert_cmpstr(TEST_DEV(dev)->mode, ==, "a,,b");
    /* Explicit settings after creation win over globals. */
    qdev_prop_set_uint32(dev, "fifo", 8);
    g_assert_true(qdev_realize(dev, NULL));
    g_assert_cmpuint(TEST_DEV(dev)->fifo, ==, 8);
    object_unparent(OBJECT(dev));
    object_unref(dev);

    /* A global on a parent type applies to subtypes. */
    dev = qdev_new(TYPE_TEST_DEV_SUB);
    g_assert_cmpuint(TEST_DEV(dev)->fifo, ==, 32);
    g_assert_cmpuint(TEST_DEV(dev)->extra, ==, 5);
    object_unref(dev);

    /* Long-form errors. */
    g_assert_false(qdev_global_parse("driver=test-dev,property=fifo", &err));
    g_assert_cmpstr(err->message, ==,
                    "options 'driver', 'property', and 'value' are required");
    g_clear_error(&err);
    g_assert_false(qdev_global_parse("test-dev", &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(qdev_global_parse("driver=a,property=b,value=c,bad=1",
                                     &err));
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'bad'");
    g_clear_error(&err);

    /* A bad value makes realize fail with the global named. */
    qdev_global_reset();
    g_assert_true(qdev_global_parse("test-dev.fifo=lots", &err));
    dev = qdev_new(TYPE_TEST_DEV);
    g_assert_false(qdev_realize(dev, &err));
    g_assert_cmpstr(err->message, ==, "can't apply global test-dev.fifo=lots:"
                    " Parameter 'fifo' expects a uint64 value");
    g_clear_error(&err);
    object_unparent(OBJECT(dev));
    object_unref(dev);
    qdev_global_reset();
}

static void test_globals_unused(void)
{
    if (g_test_subprocess()) {
        DeviceState *dev;

        qdev_global_reset();
        qdev_global_parse("test-dev.fifo=3", NULL);
        qdev_global_parse("nosuch.prop=1", NULL);
        qdev_global_parse("test-dev-internal.u8=1", NULL);
        dev = qdev_new(TYPE_TEST_DEV);
        g_assert_cmpint(qdev_global_check_unused(), ==, 2);
        object_unref(dev);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*warning: global nosuch.prop has invalid "
                              "class name\n*");
    g_test_trap_assert_stderr("*warning: global test-dev-internal.u8=1 not "
                              "used\n*");
    g_test_trap_assert_stderr_unmatched("*test-dev.fifo*");
}

/* ---- -device ---- */

static void test_device_add(void)
{
    static QemuOptsList device_opts = {
        .name = "device",
        .implied_opt_name = "driver",
        .desc = { { NULL } },
    };
    GError *err = NULL;
    QemuOpts *opts;
    DeviceState *dev;
    JsonObject *props;

    opts = qemu_opts_parse(&device_opts, "test-dev,id=dev0,fifo=128,"
                           "label=x", true, &err);
    g_assert_no_error(err);
    g_assert_true(qdev_device_add_opts(opts, &err));
    g_assert_no_error(err);
    qemu_opts_del(opts);
    dev = qdev_find_by_id("dev0");
    g_assert_nonnull(dev);
    g_assert_true(dev->realized);
    g_assert_cmpstr(dev->id, ==, "dev0");
    g_assert_cmpuint(TEST_DEV(dev)->fifo, ==, 128);
    g_assert_true(object_resolve_path("/machine/peripheral/dev0", NULL) ==
                  OBJECT(dev));

    /* Errors, each leaving nothing behind. */
    props = json_object_new();
    json_object_set_string_member(props, "driver", "test-dev");
    json_object_set_string_member(props, "id", "dev0");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==, "Duplicate device ID 'dev0'");
    g_clear_error(&err);
    json_object_set_string_member(props, "id", "dev1");
    json_object_set_string_member(props, "nope", "1");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==, "Property 'test-dev.nope' not found");
    g_clear_error(&err);
    json_object_remove_member(props, "nope");
    json_object_set_string_member(props, "fail", "on");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==, "realize failed on purpose");
    g_clear_error(&err);
    g_assert_null(qdev_find_by_id("dev1"));
    json_object_remove_member(props, "fail");
    json_object_set_string_member(props, "id", "1bad");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'id' expects an identifier");
    g_clear_error(&err);
    json_object_remove_member(props, "id");

    json_object_set_string_member(props, "driver", "no-such-dev");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==,
                    "'no-such-dev' is not a valid device model name");
    g_clear_error(&err);
    json_object_set_string_member(props, "driver", "memory-backend-ram");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==,
                    "'memory-backend-ram' is not a valid device model name");
    g_clear_error(&err);
    json_object_set_string_member(props, "driver", TYPE_TEST_DEV_ABS);
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'driver' expects a non-abstract device type");
    g_clear_error(&err);
    json_object_set_string_member(props, "driver", TYPE_TEST_DEV_INT);
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'driver' expects a pluggable device type");
    g_clear_error(&err);
    json_object_remove_member(props, "driver");
    g_assert_null(qdev_device_add_from_props(props, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'driver' is missing");
    g_clear_error(&err);

    /* Without an id: peripheral-anon. */
    json_object_set_string_member(props, "driver", "test-dev");
    dev = qdev_device_add_from_props(props, &err);
    g_assert_nonnull(dev);
    {
        g_autofree char *path = object_get_canonical_path(OBJECT(dev));

        g_assert_true(g_str_has_prefix(path,
                                       "/machine/peripheral-anon/device["));
    }
    object_unparent(OBJECT(dev));
    object_unparent(OBJECT(qdev_find_by_id("dev0")));
    json_object_unref(props);
}

static void test_device_help(void)
{
    if (g_test_subprocess()) {
        g_assert_true(qdev_device_help("help", false));
        g_assert_true(qdev_device_help("test-dev", true));
        g_assert_false(qdev_device_help("test-dev", false));
        g_assert_false(qdev_device_help("no-such", true));
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("*name \"test-dev\", desc \"a test device\"\n*");
    g_test_trap_assert_stdout_unmatched("*name \"test-dev-internal\"*");
    g_test_trap_assert_stdout("*test-dev options:\n*"
                              "  fifo=<uint32>*(default: 16)*");
}

/* ---- GPIO ---- */

typedef struct InterceptLog {
    char list[32];
    int n;
    int level;
    int calls;
} InterceptLog;

static void intercept_fn(void *opaque, const char *list_name, int n,
                         int level)
{
    InterceptLog *log = opaque;

    g_strlcpy(log->list, list_name, sizeof(log->list));
    log->n = n;
    log->level = level;
    log->calls++;
}

static void test_gpio(void)
{
    DeviceState *src = qdev_new(TYPE_TEST_DEV);
    DeviceState *dst = qdev_new(TYPE_TEST_DEV);
    TestDev *s = TEST_DEV(src), *d = TEST_DEV(dst);
    InterceptLog in_log = { 0 }, out_log = { 0 };
    GError *err = NULL;

    g_assert_cmpint(qdev_gpio_in_count(dst, NULL), ==, 4);
    g_assert_cmpint(qdev_gpio_in_count(dst, "ctl"), ==, 2);
    g_assert_cmpint(qdev_gpio_out_count(src, NULL), ==, 2);
    g_assert_cmpint(qdev_gpio_out_count(src, "sig"), ==, 1);
    g_assert_null(qdev_get_gpio_in(dst, 4));

    /* Unconnected outputs are harmless. */
    qemu_irq_raise(s->out[0]);

    qdev_connect_gpio_out(src, 1, qdev_get_gpio_in(dst, 3));
    qdev_connect_gpio_out_named(src, "sig", 0,
                                qdev_get_gpio_in_named(dst, "ctl", 1));
    g_assert_true(qdev_get_gpio_out_connector(src, NULL, 1) ==
                  qdev_get_gpio_in(dst, 3));
    qemu_irq_raise(s->out[1]);
    g_assert_cmpint(d->in_level[3], ==, 1);
    qemu_irq_lower(s->out[1]);
    g_assert_cmpint(d->in_level[3], ==, 0);
    qemu_set_irq(s->named_out, 1);
    g_assert_cmpint(d->named_in_level[1], ==, 1);

    /* Input interception wraps lines in place: existing wiring too. */
    g_assert_true(qdev_intercept_gpio_in(dst, intercept_fn, &in_log, &err));
    d->in_calls = 0;
    qemu_irq_raise(s->out[1]);
    g_assert_cmpint(in_log.calls, ==, 1);
    g_assert_cmpstr(in_log.list, ==, QDEV_GPIO_IN_UNNAMED);
    g_assert_cmpint(in_log.n, ==, 3);
    g_assert_cmpint(in_log.level, ==, 1);
    g_assert_cmpint(d->in_calls, ==, 1);        /* original still runs */
    qemu_set_irq(s->named_out, 0);
    g_assert_cmpstr(in_log.list, ==, "ctl");
    g_assert_cmpint(in_log.n, ==, 1);
    g_assert_cmpint(d->named_in_level[1], ==, 0);
    /* Intercepting again does not stack wrappers. */
    g_assert_true(qdev_intercept_gpio_in(dst, intercept_fn, &in_log, &err));
    in_log.calls = 0;
    g_assert_true(qdev_set_gpio_in_level(dst, QDEV_GPIO_IN_UNNAMED, 2, 1,
                                         &err));
    g_assert_cmpint(in_log.calls, ==, 1);
    g_assert_cmpint(d->in_level[2], ==, 1);
    g_assert_true(qdev_set_gpio_in_level(dst, "ctl", 0, 1, &err));
    g_assert_cmpint(d->named_in_level[0], ==, 1);
    g_assert_no_error(err);
    g_assert_false(qdev_set_gpio_in_level(dst, "nolist", 0, 1, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(qdev_set_gpio_in_level(dst, QDEV_GPIO_IN_UNNAMED, 4, 1,
                                          &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    /* Output interception: reported, then forwarded. */
    g_assert_true(qdev_intercept_gpio_out(src, NULL, intercept_fn, &out_log,
                                          &err));
    qemu_irq_raise(s->out[1]);
    g_assert_cmpint(out_log.calls, ==, 1);
    g_assert_cmpstr(out_log.list, ==, QDEV_GPIO_OUT_UNNAMED);
    g_assert_cmpint(out_log.n, ==, 1);
    g_assert_cmpint(d->in_level[3], ==, 1);
    /* A connection made after interception is still forwarded. */
    qdev_connect_gpio_out(src, 0, qdev_get_gpio_in(dst, 0));
    qemu_irq_raise(s->out[0]);
    g_assert_cmpint(out_log.n, ==, 0);
    g_assert_cmpint(d->in_level[0], ==, 1);
    g_assert_false(qdev_intercept_gpio_out(src, "nolist", intercept_fn,
                                           &out_log, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_true(qdev_intercept_gpio_out(src, "sig", intercept_fn, &out_log,
                                          &err));
    qemu_irq_raise(s->named_out);
    g_assert_cmpstr(out_log.list, ==, "sig");

    object_unref(src);
    object_unref(dst);
}

/* ---- machine core ---- */

static void test_machine(void)
{
    MachineClass *mc = machine_class_find("none");
    GError *err = NULL;
    MachineState *ms;
    JsonObject *props;
    MachineInfoList *machines;
    bool found = false;

    g_assert_nonnull(mc);
    g_assert_cmpstr(mc->desc, ==, "empty machine");
    g_assert_cmpstr(object_class_get_name(OBJECT_CLASS(mc)), ==,
                    "none-machine");

    machines = qmp_query_machines(false, false, &err);
    for (MachineInfoList *l = machines; l; l = l->next) {
        if (!strcmp(l->value->name, "none")) {
            found = true;
            g_assert_cmpint(l->value->cpu_max, ==, 1);
            g_assert_false(l->value->deprecated);
        }
    }
    g_assert_true(found);
    qapi_free_MachineInfoList(machines);

    ms = machine_new(mc, &err);
    g_assert_no_error(err);
    g_assert_true(current_machine == ms);
    g_assert_true(object_resolve_path("/machine", NULL) == OBJECT(ms));
    g_assert_nonnull(object_resolve_path("/machine/unattached", NULL));
    g_assert_nonnull(object_resolve_path("/machine/peripheral", NULL));
    g_assert_null(machine_new(mc, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    /* -machine properties (keyval strings). */
    props = json_object_new();
    json_object_set_string_member(props, "type", "none");
    json_object_set_string_member(props, "aux-ram-share", "off");
    json_object_set_string_member(props, "mem-merge", "off");
    g_assert_true(machine_set_props(ms, props, &err));
    g_assert_no_error(err);
    g_assert_false(ms->mem_merge);
    json_object_set_string_member(props, "bogus", "1");
    g_assert_false(machine_set_props(ms, props, &err));
    g_assert_cmpstr(err->message, ==,
                    "Property 'none-machine.bogus' not found");
    g_clear_error(&err);
    json_object_unref(props);

    g_assert_false(machine_check_smp(ms, 2, &err));
    g_assert_cmpstr(err->message, ==, "Invalid SMP CPUs 2. The max CPUs "
                    "supported by machine 'none' is 1");
    g_clear_error(&err);

    /* memory-backend: unknown id, then a size mismatch with -m. */
    ms->memdev_id = g_strdup("mb0");
    g_assert_false(machine_run_board_init(ms, &err));
    g_assert_cmpstr(err->message, ==, "Memory backend 'mb0' not found");
    g_clear_error(&err);
    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'memory-backend-ram', 'id': 'mb0', 'size': 1048576}",
        &err));
    ms->ram_size = 2 * 1024 * 1024;
    ms->ram_size_given = true;
    g_assert_false(machine_run_board_init(ms, &err));
    g_assert_cmpstr(err->message, ==, "Machine memory size does not match "
                    "the size of the memory backend");
    g_clear_error(&err);

    /* Matching size (or no -m): the backend is main RAM at physical 0. */
    ms->ram_size_given = false;
    g_assert_true(machine_run_board_init(ms, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(ms->ram_size, ==, 1024 * 1024);
    g_assert_true(ms->ram == ram_block_find("mb0"));
    g_assert_cmphex(ram_block_phys_base(ms->ram), ==, 0);
    address_space_st(0x100, 0xABCD, 2);
    g_assert_cmphex(((uint8_t *)ram_block_host(ms->ram))[0x100], ==, 0xCD);
    g_assert_false(user_creatable_del("mb0", &err));
    g_assert_cmpstr(err->message, ==,
                    "object 'mb0' is in use, can not be deleted");
    g_clear_error(&err);

    {
        MemoryInfo *info = qmp_query_memory_size_summary(&err);

        g_assert_cmpuint(info->base_memory, ==, 1024 * 1024);
        qapi_free_MemoryInfo(info);
    }
    memory_unmap_all();
}

static void test_machine_default_ram(void)
{
    if (g_test_subprocess()) {
        MachineState *ms = machine_new(machine_class_find("none"), NULL);

        /* "none" without -m: no RAM at all. */
        g_assert_true(machine_run_board_init(ms, NULL));
        g_assert_null(ms->ram);
        g_assert_null(ram_block_find("ram"));
        memory_unmap_all();
        object_unparent(OBJECT(ms));
        g_assert_null(current_machine);

        /* With -m: RAM named default_ram_id, mapped at 0. */
        ms = machine_new(machine_class_find("none"), NULL);
        ms->ram_size = 1024 * 1024 + 1;
        ms->ram_size_given = true;
        g_assert_true(machine_run_board_init(ms, NULL));
        g_assert_true(ms->ram == ram_block_find("ram"));
        g_assert_cmpuint(ms->ram_size, ==, 1024 * 1024 + 4096);
        g_assert_nonnull(memory_ram_lookup(0x1000, NULL, NULL, NULL));
        printf("OK\n");
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("OK\n");
}

static void test_machine_help_and_cpus(void)
{
    CpuDefinitionInfoList *cpus;
    GError *err = NULL;

    machine_register_cpu_model("testcpu");
    machine_register_cpu_model_alias("tc", "testcpu");
    g_assert_cmpstr(machine_cpu_model_resolve("tc"), ==, "testcpu");
    g_assert_null(machine_cpu_model_resolve("nope"));
    cpus = qmp_query_cpu_definitions(&err);
    for (CpuDefinitionInfoList *l = cpus; l; l = l->next) {
        if (!strcmp(l->value->name, "tc")) {
            g_assert_cmpstr(l->value->alias_of, ==, "testcpu");
            g_assert_cmpstr(l->value->typename, ==, "testcpu-cr16-cpu");
        }
        g_assert_false(l->value->deprecated);
    }
    qapi_free_CpuDefinitionInfoList(cpus);

    if (g_test_subprocess()) {
        machine_print_help();
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("Supported machines are:\n*"
                              "none                 empty machine\n*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/qdev/props/static", test_static_props);
    g_test_add_func("/qdev/props/subclass", test_subclass_props);
    g_test_add_func("/qdev/realize", test_realize);
    g_test_add_func("/qdev/reset", test_reset);
    g_test_add_func("/qdev/global/apply", test_globals);
    g_test_add_func("/qdev/global/unused", test_globals_unused);
    g_test_add_func("/qdev/device/add", test_device_add);
    g_test_add_func("/qdev/device/help", test_device_help);
    g_test_add_func("/qdev/gpio", test_gpio);
    g_test_add_func("/qdev/machine/core", test_machine);
    g_test_add_func("/qdev/machine/default-ram", test_machine_default_ram);
    g_test_add_func("/qdev/machine/help-and-cpus",
                    test_machine_help_and_cpus);
    return g_test_run();
}

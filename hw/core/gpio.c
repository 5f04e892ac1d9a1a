/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Named GPIO lists of devices: input lines, output pins and their
 * connections, and the interception hooks the qtest server uses.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "hw/qdev-core.h"
#include "qdev-internal.h"

/* An intercepted input line remembers what it did before. */
typedef struct GpioInWrap {
    qemu_irq_handler orig;
    void *orig_opaque;
    NamedGPIOList *list;
} GpioInWrap;

struct NamedGPIOList {
    char *name;                 /* NULL for the unnamed lists */

    qemu_irq *in;
    int num_in;
    GpioInWrap **in_wrap;       /* per line, NULL unless intercepted */
    GpioInterceptFn in_fn;
    void *in_opaque;

    qemu_irq **out;             /* the device's pin variables */
    qemu_irq *out_target;       /* what each pin is connected to */
    qemu_irq *out_icpt;         /* per pin interceptor, or NULL */
    int num_out;
    GpioInterceptFn out_fn;
    void *out_opaque;
};

static bool gpio_name_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static NamedGPIOList *gpio_list_find(DeviceState *dev, const char *name)
{
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *ngl = l->data;

        if (gpio_name_eq(ngl->name, name)) {
            return ngl;
        }
    }
    return NULL;
}

static NamedGPIOList *gpio_list_get(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl = gpio_list_find(dev, name);

    if (!ngl) {
        ngl = g_new0(NamedGPIOList, 1);
        ngl->name = g_strdup(name);
        dev->gpios = g_slist_append(dev->gpios, ngl);
    }
    return ngl;
}

void qdev_init_gpio_in_named_with_opaque(DeviceState *dev,
                                         qemu_irq_handler handler,
                                         void *opaque, const char *name,
                                         int n)
{
    NamedGPIOList *ngl = gpio_list_get(dev, name);
    int total = ngl->num_in + n;

    assert(n >= 0);
    ngl->in = g_renew(qemu_irq, ngl->in, total);
    ngl->in_wrap = g_renew(GpioInWrap *, ngl->in_wrap, total);
    for (int i = ngl->num_in; i < total; i++) {
        ngl->in[i] = qemu_allocate_irq(handler, opaque, i);
        ngl->in_wrap[i] = NULL;
    }
    ngl->num_in = total;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n)
{
    qdev_init_gpio_in_named_with_opaque(dev, handler, dev, name, n);
}

void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n)
{
    NamedGPIOList *ngl = gpio_list_get(dev, name);
    int total = ngl->num_out + n;

    assert(n >= 0);
    ngl->out = g_renew(qemu_irq *, ngl->out, total);
    ngl->out_target = g_renew(qemu_irq, ngl->out_target, total);
    ngl->out_icpt = g_renew(qemu_irq, ngl->out_icpt, total);
    for (int i = ngl->num_out; i < total; i++) {
        ngl->out[i] = &pins[i - ngl->num_out];
        ngl->out_target[i] = *ngl->out[i];
        ngl->out_icpt[i] = NULL;
    }
    ngl->num_out = total;
}

void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n)
{
    qdev_init_gpio_out_named(dev, pins, NULL, n);
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = gpio_list_find(dev, name);

    if (!ngl || n < 0 || n >= ngl->num_in) {
        return NULL;
    }
    return ngl->in[n];
}

qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq)
{
    NamedGPIOList *ngl = gpio_list_find(dev, name);

    /* Wiring a pin that was never declared is a board bug. */
    assert(ngl && n >= 0 && n < ngl->num_out);
    ngl->out_target[n] = irq;
    if (!ngl->out_icpt[n]) {
        *ngl->out[n] = irq;
    }
}

void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq)
{
    qdev_connect_gpio_out_named(dev, NULL, n, irq);
}

qemu_irq qdev_get_gpio_out_connector(DeviceState *dev, const char *name,
                                     int n)
{
    NamedGPIOList *ngl = gpio_list_find(dev, name);

    if (!ngl || n < 0 || n >= ngl->num_out) {
        return NULL;
    }
    return ngl->out_target[n];
}

int qdev_gpio_in_count(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl = gpio_list_find(dev, name);

    return ngl ? ngl->num_in : 0;
}

int qdev_gpio_out_count(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl = gpio_list_find(dev, name);

    return ngl ? ngl->num_out : 0;
}

/* ---- interception ---- */

static void gpio_in_intercepted(void *opaque, int n, int level)
{
    GpioInWrap *wrap = opaque;
    NamedGPIOList *ngl = wrap->list;

    if (ngl->in_fn) {
        ngl->in_fn(ngl->in_opaque,
                   ngl->name ? ngl->name : QDEV_GPIO_IN_UNNAMED, n, level);
    }
    if (wrap->orig) {
        wrap->orig(wrap->orig_opaque, n, level);
    }
}

bool qdev_intercept_gpio_in(DeviceState *dev, GpioInterceptFn fn,
                            void *opaque, GError **errp)
{
    bool any = false;

    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *ngl = l->data;

        if (ngl->num_in) {
            any = true;
        }
    }
    if (!any) {
        error_setg(errp, "Device has no GPIO inputs");
        return false;
    }
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *ngl = l->data;

        ngl->in_fn = fn;
        ngl->in_opaque = opaque;
        for (int i = 0; i < ngl->num_in; i++) {
            GpioInWrap *wrap;

            if (ngl->in_wrap[i]) {
                continue;
            }
            /*
             * Change the line in place: whoever already holds the
             * qemu_irq (an output connected to it) goes through us too.
             */
            wrap = g_new0(GpioInWrap, 1);
            wrap->orig = qemu_irq_get_handler(ngl->in[i]);
            wrap->orig_opaque = qemu_irq_get_opaque(ngl->in[i]);
            wrap->list = ngl;
            ngl->in_wrap[i] = wrap;
            qemu_irq_set_handler(ngl->in[i], gpio_in_intercepted, wrap);
        }
    }
    return true;
}

static void gpio_out_intercepted(void *opaque, int n, int level)
{
    NamedGPIOList *ngl = opaque;

    if (ngl->out_fn) {
        ngl->out_fn(ngl->out_opaque,
                    ngl->name ? ngl->name : QDEV_GPIO_OUT_UNNAMED, n, level);
    }
    qemu_set_irq(ngl->out_target[n], level);
}

bool qdev_intercept_gpio_out(DeviceState *dev, const char *list_name,
                             GpioInterceptFn fn, void *opaque, GError **errp)
{
    NamedGPIOList *ngl;

    if (list_name && !strcmp(list_name, QDEV_GPIO_OUT_UNNAMED)) {
        list_name = NULL;
    }
    ngl = gpio_list_find(dev, list_name);
    if (!ngl || !ngl->num_out) {
        error_setg(errp, "Device has no GPIO output list '%s'",
                   list_name ? list_name : QDEV_GPIO_OUT_UNNAMED);
        return false;
    }
    ngl->out_fn = fn;
    ngl->out_opaque = opaque;
    for (int i = 0; i < ngl->num_out; i++) {
        if (!ngl->out_icpt[i]) {
            ngl->out_icpt[i] = qemu_allocate_irq(gpio_out_intercepted, ngl, i);
            *ngl->out[i] = ngl->out_icpt[i];
        }
    }
    return true;
}

bool qdev_set_gpio_in_level(DeviceState *dev, const char *list_name, int n,
                            int level, GError **errp)
{
    NamedGPIOList *ngl;

    if (list_name && !strcmp(list_name, QDEV_GPIO_IN_UNNAMED)) {
        list_name = NULL;
    }
    ngl = gpio_list_find(dev, list_name);
    if (!ngl || !ngl->num_in) {
        error_setg(errp, "Device has no GPIO input list '%s'",
                   list_name ? list_name : QDEV_GPIO_IN_UNNAMED);
        return false;
    }
    if (n < 0 || n >= ngl->num_in) {
        error_setg(errp, "GPIO input %d out of range (list '%s' has %d)", n,
                   list_name ? list_name : QDEV_GPIO_IN_UNNAMED, ngl->num_in);
        return false;
    }
    qemu_set_irq(ngl->in[n], level);
    return true;
}

void qdev_gpio_free_all(DeviceState *dev)
{
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *ngl = l->data;

        for (int i = 0; i < ngl->num_in; i++) {
            qemu_free_irq(ngl->in[i]);
            g_free(ngl->in_wrap[i]);
        }
        for (int i = 0; i < ngl->num_out; i++) {
            if (ngl->out_icpt[i]) {
                *ngl->out[i] = ngl->out_target[i];
                qemu_free_irq(ngl->out_icpt[i]);
            }
        }
        g_free(ngl->in);
        g_free(ngl->in_wrap);
        g_free(ngl->out);
        g_free(ngl->out_target);
        g_free(ngl->out_icpt);
        g_free(ngl->name);
        g_free(ngl);
    }
    g_slist_free(dev->gpios);
    dev->gpios = NULL;
}

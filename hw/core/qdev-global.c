/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -global DRIVER.PROP=VALUE: property defaults applied to every object of
 * a type when it is created, and the "not used" warnings.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "hw/qdev-core.h"

typedef struct GlobalProperty {
    char *driver;
    char *property;
    char *value;
    bool used;
} GlobalProperty;

/* In command-line order; later ones override earlier ones. BQL. */
static GPtrArray *global_props;

static void global_prop_free(gpointer p)
{
    GlobalProperty *g = p;

    g_free(g->driver);
    g_free(g->property);
    g_free(g->value);
    g_free(g);
}

void qdev_global_add(const char *driver, const char *property,
                     const char *value)
{
    GlobalProperty *g = g_new0(GlobalProperty, 1);

    if (!global_props) {
        global_props = g_ptr_array_new_with_free_func(global_prop_free);
    }
    g->driver = g_strdup(driver);
    g->property = g_strdup(property);
    g->value = g_strdup(value);
    g_ptr_array_add(global_props, g);
}

void qdev_global_reset(void)
{
    if (global_props) {
        g_ptr_array_set_size(global_props, 0);
    }
}

static QemuOptsList qemu_global_opts = {
    .name = "global",
    .desc = {
        { .name = "driver", .type = QEMU_OPT_STRING },
        { .name = "property", .type = QEMU_OPT_STRING },
        { .name = "value", .type = QEMU_OPT_STRING },
        { /* end of list */ }
    },
};

bool qdev_global_add_opts(QemuOpts *opts, GError **errp)
{
    const char *driver = qemu_opt_get(opts, "driver");
    const char *property = qemu_opt_get(opts, "property");
    const char *value = qemu_opt_get(opts, "value");

    if (!driver || !property || !value) {
        error_setg(errp, "options 'driver', 'property', and 'value' are "
                   "required");
        return false;
    }
    qdev_global_add(driver, property, value);
    return true;
}

bool qdev_global_parse(const char *str, GError **errp)
{
    const char *eq = strchr(str, '=');
    const char *dot = eq ? memchr(str, '.', eq - str) : NULL;
    QemuOpts *opts;
    bool ok;

    /* Short form: the first '.' before the first '=' splits driver/prop. */
    if (dot && dot > str && eq > dot + 1) {
        g_autofree char *driver = g_strndup(str, dot - str);
        g_autofree char *property = g_strndup(dot + 1, eq - dot - 1);

        qdev_global_add(driver, property, eq + 1);
        return true;
    }
    opts = qemu_opts_parse(&qemu_global_opts, str, false, errp);
    if (!opts) {
        return false;
    }
    ok = qdev_global_add_opts(opts, errp);
    qemu_opts_del(opts);
    return ok;
}

bool object_apply_global_props(Object *obj, GError **errp)
{
    if (!global_props) {
        return true;
    }
    for (guint i = 0; i < global_props->len; i++) {
        GlobalProperty *g = g_ptr_array_index(global_props, i);
        GError *err = NULL;

        if (!object_dynamic_cast(obj, g->driver)) {
            continue;
        }
        g->used = true;
        if (!object_property_parse(obj, g->property, g->value, &err)) {
            error_setg(errp, "can't apply global %s.%s=%s: %s", g->driver,
                       g->property, g->value, err->message);
            g_error_free(err);
            return false;
        }
    }
    return true;
}

int qdev_global_check_unused(void)
{
    int warnings = 0;

    if (!global_props) {
        return 0;
    }
    for (guint i = 0; i < global_props->len; i++) {
        GlobalProperty *g = g_ptr_array_index(global_props, i);

        if (g->used) {
            continue;
        }
        if (!object_class_by_name(g->driver)) {
            warn_report("global %s.%s has invalid class name", g->driver,
                        g->property);
        } else {
            warn_report("global %s.%s=%s not used", g->driver, g->property,
                        g->value);
        }
        warnings++;
    }
    return warnings;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerator selection: -accel options are tried in command-line order
 * and the first that initialises wins (cli.md 2, qtest.md 1.10).
 * "tcg" is our interpreter; "qtest" runs no guest code and freezes the
 * virtual clock; "kvm" is understood but never available.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "qemu/timer.h"
#include "system/accel-select.h"
#include "system/cpus.h"
#include "system/qtest.h"

typedef struct AccelDef {
    const char *name;
    bool available;
    const char *const props[8];
} AccelDef;

static const AccelDef accels[] = {
    { "tcg", true, { "thread", "tb-size", "one-insn-per-tb", "split-wx" } },
    { "qtest", true, { NULL } },
    { "kvm", false, { "dirty-ring-size", "kernel-irqchip", "kvm-shadow-mem",
                      "eager-split-size", "notify-vmexit", "notify-window",
                      "honor-guest-pat" } },
};

static const char *chosen_accel;

const char *accel_current_name(void)
{
    return chosen_accel;
}

static const AccelDef *accel_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(accels); i++) {
        if (!strcmp(accels[i].name, name)) {
            return &accels[i];
        }
    }
    return NULL;
}

void accel_print_help(void)
{
    printf("Accelerators supported in QEMU binary:\n");
    for (size_t i = 0; i < ARRAY_SIZE(accels); i++) {
        if (accels[i].available) {
            printf("%s\n", accels[i].name);
        }
    }
}

typedef struct PropCheck {
    const AccelDef *def;
} PropCheck;

static int check_prop(void *opaque, const char *name, const char *value,
                      GError **errp)
{
    PropCheck *pc = opaque;

    if (!strcmp(name, "accel")) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(pc->def->props) && pc->def->props[i]; i++) {
        if (!strcmp(pc->def->props[i], name)) {
            return 0;
        }
    }
    error_setg(errp, "Property '%s-accel.%s' not found", pc->def->name, name);
    return -1;
}

static void accel_activate(const AccelDef *def)
{
    chosen_accel = def->name;
    if (!strcmp(def->name, "qtest")) {
        cpus_set_execution_enabled(false);
        qemu_virtual_clock_set_manual(true);
        qtest_set_accel_qtest(true);
    } else {
        cpus_set_execution_enabled(true);
        qemu_virtual_clock_set_manual(false);
        qtest_set_accel_qtest(false);
    }
}

bool accel_configure(GList *accel_opts, bool qtest_present, GError **errp)
{
    bool failed_one = false;

    if (!accel_opts) {
        accel_activate(accel_find("tcg"));
        return true;
    }
    for (GList *l = accel_opts; l; l = l->next) {
        QemuOpts *opts = l->data;
        const char *name = qemu_opt_get(opts, "accel");
        const AccelDef *def = name ? accel_find(name) : NULL;
        PropCheck pc = { def };
        bool silent = qtest_present && name && !strcmp(name, "kvm");

        if (!def) {
            error_report("invalid accelerator %s", name ? name : "");
            failed_one = true;
            continue;
        }
        if (qemu_opt_foreach(opts, check_prop, &pc, errp)) {
            return false;
        }
        if (!def->available) {
            /* KVM cannot work for CR16; with -qtest this is expected. */
            if (!silent) {
                error_report("invalid accelerator %s", name);
                failed_one = true;
            }
            continue;
        }
        accel_activate(def);
        if (failed_one) {
            error_report("falling back to %s", def->name);
        }
        return true;
    }
    error_setg(errp, "no accelerator found");
    return false;
}

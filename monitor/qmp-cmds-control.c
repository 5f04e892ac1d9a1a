/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp_capabilities (qmp.md 2.2, 2.3): leave negotiation mode and enable
 * the requested protocol capabilities on the current monitor.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "monitor-internal.h"

/* Capabilities every monitor offers in its greeting. */
static bool qmp_capability_offered(QMPCapability cap)
{
    return cap == QMP_CAPABILITY_OOB;
}

void qmp_qmp_capabilities(QMPCapabilityList *enable, GError **errp)
{
    Monitor *mon = monitor_cur();
    g_autoptr(GString) missing = g_string_new(NULL);
    bool oob = false;
    QMPCapabilityList *l;

    if (!mon) {
        error_setg(errp, "qmp_capabilities needs a QMP monitor");
        return;
    }
    for (l = enable; l; l = l->next) {
        if (!qmp_capability_offered(l->value)) {
            g_string_append_printf(missing, "%s%s", missing->len ? ", " : "",
                                   QMPCapability_str(l->value));
        } else if (l->value == QMP_CAPABILITY_OOB) {
            oob = true;
        }
    }

    g_mutex_lock(&mon->lock);
    if (mon->command_mode) {
        g_mutex_unlock(&mon->lock);
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return;
    }
    if (missing->len) {
        g_mutex_unlock(&mon->lock);
        error_setg(errp, "Capability %s not available", missing->str);
        return;
    }
    mon->oob_enabled = oob;
    mon->command_mode = true;
    g_mutex_unlock(&mon->lock);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP errors as GErrors: the QMP_ERROR domain, class names, and the
 * error_set*() family declared in include/qapi/error.h.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"

G_DEFINE_QUARK(qmp-error-quark, qmp_error)

static const char *const error_class_names[ERROR_CLASS__MAX] = {
    [ERROR_CLASS_GENERIC_ERROR] = "GenericError",
    [ERROR_CLASS_COMMAND_NOT_FOUND] = "CommandNotFound",
    [ERROR_CLASS_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [ERROR_CLASS_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [ERROR_CLASS_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *error_class_name(int code)
{
    /* Unknown codes (errors from other domains) are reported generically. */
    if (code < 0 || code >= ERROR_CLASS__MAX) {
        return error_class_names[ERROR_CLASS_GENERIC_ERROR];
    }
    return error_class_names[code];
}

/* Store a new error; the first error set on *errp is the one kept. */
static void error_store(GError **errp, ErrorClass cls, char *msg)
{
    if (!errp || *errp) {
        g_free(msg);
        return;
    }
    *errp = g_error_new_literal(QMP_ERROR, cls, msg);
    g_free(msg);
}

void error_setg(GError **errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    error_store(errp, ERROR_CLASS_GENERIC_ERROR, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void error_set(GError **errp, ErrorClass cls, const char *fmt, ...)
{
    va_list ap;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    error_store(errp, cls, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void error_setg_errno(GError **errp, int os_errno, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_store(errp, ERROR_CLASS_GENERIC_ERROR,
                g_strdup_printf("%s: %s", msg, g_strerror(os_errno)));
    g_free(msg);
}

void error_prepend(GError **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix;
    char *msg;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strconcat(prefix, (*errp)->message, NULL);
    g_free((*errp)->message);
    (*errp)->message = msg;
    g_free(prefix);
}

void error_propagate(GError **errp, GError *local_err)
{
    if (!local_err) {
        return;
    }
    if (!errp || *errp) {
        /* Nobody wants it, or an earlier error is already reported. */
        g_error_free(local_err);
        return;
    }
    *errp = local_err;
}

/*
 * Errors in qemu-cr16 are GErrors in the QMP_ERROR domain; the GError code
 * is the QMP error class that a QMP reply reports.
 *
 * Discipline (see docs/devel/style.rst): a fallible function takes
 * "GError **errp" last, returns success (bool / pointer / int >= 0), and
 * neither looks at *errp before failing nor prints the error it returns.
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include <glib.h>

#define QMP_ERROR (qmp_error_quark())
GQuark qmp_error_quark(void);

/* The QMP error classes (qmp.md 6.1); the code of every QMP_ERROR GError. */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR = 0,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
    ERROR_CLASS__MAX,
} ErrorClass;

/* "GenericError", "CommandNotFound", ... for a GError code. */
const char *error_class_name(int code);

/* Set a GenericError (no-op when errp is NULL). */
void error_setg(GError **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Set an error of the given class. */
void error_set(GError **errp, ErrorClass cls, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Set a GenericError "<fmt>: <strerror(os_errno)>". */
void error_setg_errno(GError **errp, int os_errno, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Prefix the message of *errp (if any) with the formatted text. */
void error_prepend(GError **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Move a GError into *errp (or free it when errp is NULL). */
void error_propagate(GError **errp, GError *local_err);

#endif /* QAPI_ERROR_H */

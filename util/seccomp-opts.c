/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -sandbox sub-options -> filter sets (shared by the real filter and the
 * stub, so both builds give the same errors for bad values).
 */
#include "qemu/osdep.h"

#include <sys/prctl.h>

#include "qapi/error.h"
#include "qemu/seccomp.h"

/* allow -> 0, deny -> set; anything else is an error naming the key. */
static bool seccomp_allow_deny(const char *key, const char *value,
                               uint32_t set, uint32_t *sets, GError **errp)
{
    if (!value || !strcmp(value, "allow")) {
        return true;
    }
    if (!strcmp(value, "deny")) {
        *sets |= set;
        return true;
    }
    error_setg(errp, "invalid argument for %s", key);
    return false;
}

bool qemu_seccomp_parse(const char *obsolete, const char *elevate,
                        const char *spawn, const char *resourcecontrol,
                        uint32_t *sets, GError **errp)
{
    *sets = QEMU_SECCOMP_SET_DEFAULT | QEMU_SECCOMP_SET_OBSOLETE;
    if (obsolete) {
        if (!strcmp(obsolete, "allow")) {
            *sets &= ~QEMU_SECCOMP_SET_OBSOLETE;
        } else if (strcmp(obsolete, "deny")) {
            error_setg(errp, "invalid argument for obsolete");
            return false;
        }
    }
    if (elevate && !strcmp(elevate, "children")) {
        /* Deny here, and keep exec'd children from gaining privileges. */
        *sets |= QEMU_SECCOMP_SET_PRIVILEGED;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
            error_setg(errp, "failed to set no_new_privs aborting");
            return false;
        }
    } else if (!seccomp_allow_deny("elevateprivileges", elevate,
                                   QEMU_SECCOMP_SET_PRIVILEGED, sets, errp)) {
        return false;
    }
    return seccomp_allow_deny("spawn", spawn, QEMU_SECCOMP_SET_SPAWN,
                              sets, errp) &&
           seccomp_allow_deny("resourcecontrol", resourcecontrol,
                              QEMU_SECCOMP_SET_RESOURCECTL, sets, errp);
}

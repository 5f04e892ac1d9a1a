/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -sandbox in a build without libseccomp: "-sandbox off" works, "on"
 * fails with QEMU's message.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qemu/seccomp.h"

bool qemu_seccomp_available(void)
{
    return false;
}

bool qemu_seccomp_start(uint32_t sets, GError **errp)
{
    error_setg(errp, "seccomp support is disabled");
    return false;
}

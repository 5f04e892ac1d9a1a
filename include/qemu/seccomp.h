/*
 * -sandbox: a seccomp filter that kills the process when it makes a
 * system call it never needs (obsolete or dangerous ones), optionally
 * also privilege changes, spawning processes, or changing scheduling.
 * The sets and their names follow QEMU's -sandbox sub-options.
 */
#ifndef QEMU_SECCOMP_H
#define QEMU_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

enum {
    QEMU_SECCOMP_SET_DEFAULT     = 1 << 0,  /* always with -sandbox on */
    QEMU_SECCOMP_SET_OBSOLETE    = 1 << 1,  /* obsolete=deny (default) */
    QEMU_SECCOMP_SET_PRIVILEGED  = 1 << 2,  /* elevateprivileges=deny */
    QEMU_SECCOMP_SET_SPAWN       = 1 << 3,  /* spawn=deny */
    QEMU_SECCOMP_SET_RESOURCECTL = 1 << 4,  /* resourcecontrol=deny */
};

/* True when this build can filter (linked with libseccomp). */
bool qemu_seccomp_available(void);

/*
 * Install the filter for the sets in `sets` on every thread of the
 * process (the filter is inherited by threads created later). Returns
 * false with errp set if the kernel refused it. Irreversible.
 */
bool qemu_seccomp_start(uint32_t sets, GError **errp);

/*
 * Parse the -sandbox option's sub-options after "on": fills *sets.
 * Values as QEMU: obsolete=allow|deny, elevateprivileges=allow|deny|
 * children (children also sets no_new_privs), spawn=allow|deny,
 * resourcecontrol=allow|deny. NULL values mean "not given".
 */
bool qemu_seccomp_parse(const char *obsolete, const char *elevate,
                        const char *spawn, const char *resourcecontrol,
                        uint32_t *sets, GError **errp);

#endif /* QEMU_SECCOMP_H */

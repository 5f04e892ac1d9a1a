/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Yank (qapi/yank.json): a registry of things whose hung I/O an operator
 * can cut with the QMP command "yank".  A subsystem registers an instance
 * (a chardev by id, the migration, ...) and, for each connection it owns,
 * a function that shuts that connection down.  "yank" calls every
 * function of the named instances; the subsystem then sees its I/O fail
 * as after a network error and recovers in its own way.
 *
 * Yank functions run in the thread that executes "yank" (the main
 * thread, or a monitor's I/O thread for exec-oob), with the registry's
 * lock held: they must only shut things down (shutdown(2),
 * mig_channel_shutdown()) — no blocking, no BQL, no calls into this API.
 *
 * All functions are thread-safe.
 */
#ifndef QEMU_YANK_H
#define QEMU_YANK_H

#include <stdbool.h>
#include <glib.h>
#include "qapi/qapi-types.h"

typedef void YankFn(void *opaque);

/* Instances for the calls below, built in place. */
#define YANK_MIGRATION_INSTANCE \
    (&(YankInstance){ .type = YANK_INSTANCE_TYPE_MIGRATION })
#define YANK_CHARDEV_INSTANCE(chr_id) \
    (&(YankInstance){ .type = YANK_INSTANCE_TYPE_CHARDEV, \
                      .u.chardev.id = (char *)(chr_id) })

/*
 * Make an instance visible to query-yank and yank (a copy is kept).
 * Fails with "duplicate yank instance" if an equal one is registered.
 */
bool yank_register_instance(const YankInstance *instance, GError **errp);
/* Remove a registered instance; all its functions must be gone. */
void yank_unregister_instance(const YankInstance *instance);
/* Is an equal instance registered? */
bool yank_instance_registered(const YankInstance *instance);

/*
 * Add / remove func(opaque) to a registered instance.  The same pair may
 * be registered once; unregistering a pair that is not there is a bug.
 */
void yank_register_function(const YankInstance *instance, YankFn *func,
                            void *opaque);
void yank_unregister_function(const YankInstance *instance, YankFn *func,
                              void *opaque);

#endif /* QEMU_YANK_H */

/*
 * The registry of the command line's QemuOpts lists (one per option
 * group: "memory", "chardev", "sandbox", ...), which QMP
 * query-command-line-options describes.
 */
#ifndef QEMU_CONFIG_REGISTRY_H
#define QEMU_CONFIG_REGISTRY_H

#include "qemu/option.h"

/* Register list (static storage); a second registration is ignored. */
void qemu_add_opts(QemuOptsList *list);
/* The list named name, or NULL. */
QemuOptsList *qemu_find_opts(const char *name);
/* The registered lists in registration order (borrowed). */
GPtrArray *qemu_opts_lists(void);

#endif /* QEMU_CONFIG_REGISTRY_H */

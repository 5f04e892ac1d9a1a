/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory-backend-ram: anonymous host memory (shared anonymous with
 * share=on).
 */
#include "qemu/osdep.h"

#include "hostmem-internal.h"

static RAMBlock *ram_backend_alloc(HostMemoryBackend *backend,
                                   const char *name, GError **errp)
{
    return ram_block_new(name, backend->size, backend->share, -1, 0, errp);
}

static void ram_backend_class_init(ObjectClass *oc, const void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = ram_backend_alloc;
}

static const TypeInfo ram_backend_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = ram_backend_class_init,
};

static void ram_backend_register_types(void)
{
    type_register_static(&ram_backend_info);
}

type_init(ram_backend_register_types)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory-backend-memfd: host memory in a Linux memfd (shared by default),
 * optionally sealed against resizing and backed by huge pages.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "hostmem-internal.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

typedef struct MemfdBackend {
    HostMemoryBackend parent_obj;
    bool hugetlb;
    uint64_t hugetlbsize;       /* 0 = the host default */
    bool seal;
} MemfdBackend;

#define MEMFD_BACKEND(obj) \
    OBJECT_CHECK(MemfdBackend, (obj), TYPE_MEMORY_BACKEND_MEMFD)

static RAMBlock *memfd_backend_alloc(HostMemoryBackend *backend,
                                     const char *name, GError **errp)
{
    MemfdBackend *m = MEMFD_BACKEND(backend);
    unsigned int flags = MFD_CLOEXEC;
    RAMBlock *rb;
    int fd;

    if (m->seal) {
        flags |= MFD_ALLOW_SEALING;
    }
    if (m->hugetlb) {
        flags |= MFD_HUGETLB;
        if (m->hugetlbsize) {
            flags |= (unsigned int)__builtin_ctzll(m->hugetlbsize) << MFD_HUGE_SHIFT;
        }
    }
    fd = memfd_create(name, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd");
        return NULL;
    }
    if (ftruncate(fd, backend->size) < 0) {
        error_setg_errno(errp, errno, "failed to resize memfd to %" PRIu64,
                         backend->size);
        close(fd);
        return NULL;
    }
    if (m->seal &&
        fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        error_setg_errno(errp, errno, "failed to add seals");
        close(fd);
        return NULL;
    }
    rb = ram_block_new(name, backend->size, backend->share, fd, 0, errp);
    close(fd);
    return rb;
}

static bool memfd_get_hugetlb(Object *obj, GError **errp)
{
    return MEMFD_BACKEND(obj)->hugetlb;
}

static bool memfd_set_hugetlb(Object *obj, bool value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "hugetlb",
                                           errp)) {
        return false;
    }
    MEMFD_BACKEND(obj)->hugetlb = value;
    return true;
}

static uint64_t memfd_get_hugetlbsize(Object *obj, GError **errp)
{
    return MEMFD_BACKEND(obj)->hugetlbsize;
}

static bool memfd_set_hugetlbsize(Object *obj, uint64_t value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj),
                                           "hugetlbsize", errp)) {
        return false;
    }
    if (value == 0 || (value & (value - 1))) {
        error_setg(errp, "Invalid hugetlbsize value: %" PRIu64
                   " (must be a power of two)", value);
        return false;
    }
    MEMFD_BACKEND(obj)->hugetlbsize = value;
    return true;
}

static bool memfd_get_seal(Object *obj, GError **errp)
{
    return MEMFD_BACKEND(obj)->seal;
}

static bool memfd_set_seal(Object *obj, bool value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "seal",
                                           errp)) {
        return false;
    }
    MEMFD_BACKEND(obj)->seal = value;
    return true;
}

static void memfd_backend_class_init(ObjectClass *oc, const void *data)
{
    ObjectProperty *prop;

    MEMORY_BACKEND_CLASS(oc)->alloc = memfd_backend_alloc;
    prop = object_class_property_add_bool(oc, "hugetlb", memfd_get_hugetlb,
                                          memfd_set_hugetlb);
    object_property_set_default(prop, qapi_bool_to_json(false));
    object_class_property_set_description(oc, "hugetlb",
                                          "Use huge pages");
    object_class_property_add_uint(oc, "hugetlbsize", "size",
                                   memfd_get_hugetlbsize,
                                   memfd_set_hugetlbsize);
    object_class_property_set_description(oc, "hugetlbsize",
                                          "Huge pages size (ex: 2M, 1G)");
    prop = object_class_property_add_bool(oc, "seal", memfd_get_seal,
                                          memfd_set_seal);
    object_property_set_default(prop, qapi_bool_to_json(true));
    object_class_property_set_description(oc, "seal",
                                          "Seal growing & shrinking");
}

static void memfd_backend_init(Object *obj)
{
    MEMORY_BACKEND(obj)->share = true;
    MEMFD_BACKEND(obj)->seal = true;
}

static const TypeInfo memfd_backend_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = memfd_backend_class_init,
    .instance_size = sizeof(MemfdBackend),
    .instance_init = memfd_backend_init,
};

static void memfd_backend_register_types(void)
{
    type_register_static(&memfd_backend_info);
}

type_init(memfd_backend_register_types)

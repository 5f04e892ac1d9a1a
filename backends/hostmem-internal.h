/*
 * The memory-backend base object shared by backends/hostmem*.c.
 */
#ifndef BACKENDS_HOSTMEM_INTERNAL_H
#define BACKENDS_HOSTMEM_INTERNAL_H

#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "system/ram-backend.h"

typedef struct HostMemoryBackend {
    Object parent_obj;

    uint64_t size;              /* 0 = not set */
    bool share;
    bool prealloc;
    uint32_t prealloc_threads;
    bool merge;
    bool dump;
    bool reserve;
    int policy;                 /* index into the HostMemPolicy names */
    GArray *host_nodes;         /* uint16_t; accepted, not used (no NUMA) */
    bool use_canonical_path;

    RAMBlock *rb;               /* allocated at complete */
    bool in_use;                /* handed out as guest RAM */
} HostMemoryBackend;

typedef struct HostMemoryBackendClass {
    ObjectClass parent_class;
    /*
     * Allocate the host memory of backend as a RAM block named `name`
     * (size is set and non-zero). Returns the block or NULL with errp.
     */
    RAMBlock *(*alloc)(HostMemoryBackend *backend, const char *name,
                       GError **errp);
} HostMemoryBackendClass;

#define MEMORY_BACKEND(obj) \
    OBJECT_CHECK(HostMemoryBackend, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_CLASS(klass) \
    OBJECT_CLASS_CHECK(HostMemoryBackendClass, (klass), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_GET_CLASS(obj) \
    OBJECT_GET_CLASS(HostMemoryBackendClass, (obj), TYPE_MEMORY_BACKEND)

/*
 * Fail with "cannot change property '<name>' of <type>" once the memory
 * exists (the property setters call this first).
 */
bool host_memory_backend_check_mutable(HostMemoryBackend *backend,
                                       const char *name, GError **errp);

#endif /* BACKENDS_HOSTMEM_INTERNAL_H */

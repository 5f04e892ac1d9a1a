/*
 * Host memory backends: the user-creatable objects "memory-backend-ram",
 * "memory-backend-file" and "memory-backend-memfd" (abstract parent
 * "memory-backend") that provide guest RAM, e.g.
 *   -object memory-backend-ram,id=mig.mem,size=1G
 *   -machine memory-backend=mig.mem
 *
 * The host memory is allocated when the object is completed; its RAM
 * block is named after the object id ("mig.mem"), or its canonical path
 * "/objects/<id>" with x-use-canonical-path-for-ramblock-id=on. A backend
 * whose block was handed out (memory_backend_get_ramblock) is "in use":
 * object-del refuses to delete it. All functions need the BQL.
 */
#ifndef SYSTEM_RAM_BACKEND_H
#define SYSTEM_RAM_BACKEND_H

#include "qom/object.h"
#include "system/memory.h"

#define TYPE_MEMORY_BACKEND         "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM     "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_FILE    "memory-backend-file"
#define TYPE_MEMORY_BACKEND_MEMFD   "memory-backend-memfd"

/* The backend /objects/<id> (any memory-backend type), or NULL. */
Object *memory_backend_find(const char *id);

/*
 * The backend's RAM block, allocating it if needed, and mark the backend
 * in use. NULL with errp set if obj is not a memory backend or the
 * allocation fails. The block stays owned by the backend.
 */
RAMBlock *memory_backend_get_ramblock(Object *backend, GError **errp);

/* The configured size in bytes (0 if unset). */
uint64_t memory_backend_get_size(Object *backend);
/* Whether memory_backend_get_ramblock() handed the block out. */
bool memory_backend_is_in_use(Object *backend);

#endif /* SYSTEM_RAM_BACKEND_H */

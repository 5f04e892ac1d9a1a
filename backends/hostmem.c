/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract "memory-backend" object: common properties, allocation at
 * completion (with prealloc/dump handling), the in-use rule for
 * object-del, and lookup by id for -machine memory-backend=.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "hostmem-internal.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define MAX_HOST_NODES 128

static const char *const host_mem_policy_names[] = {
    "default", "preferred", "bind", "interleave", NULL
};

bool host_memory_backend_check_mutable(HostMemoryBackend *backend,
                                       const char *name, GError **errp)
{
    if (backend->rb) {
        error_setg(errp, "cannot change property '%s' of %s", name,
                   object_get_typename(OBJECT(backend)));
        return false;
    }
    return true;
}

/* ---- properties ---- */

static uint64_t hmb_get_size(Object *obj, GError **errp)
{
    return MEMORY_BACKEND(obj)->size;
}

static bool hmb_set_size(Object *obj, uint64_t value, GError **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_mutable(backend, "size", errp)) {
        return false;
    }
    if (value == 0) {
        error_setg(errp, "property 'size' of %s doesn't take value '0'",
                   object_get_typename(obj));
        return false;
    }
    backend->size = value;
    return true;
}

#define HMB_BOOL_PROP(field, pname, mutable_after)                      \
    static bool hmb_get_##field(Object *obj, GError **errp)             \
    {                                                                   \
        return MEMORY_BACKEND(obj)->field;                              \
    }                                                                   \
    static bool hmb_set_##field(Object *obj, bool value, GError **errp) \
    {                                                                   \
        HostMemoryBackend *backend = MEMORY_BACKEND(obj);               \
        if (!(mutable_after) &&                                         \
            !host_memory_backend_check_mutable(backend, pname, errp)) { \
            return false;                                               \
        }                                                               \
        backend->field = value;                                         \
        return true;                                                    \
    }

HMB_BOOL_PROP(share, "share", false)
HMB_BOOL_PROP(prealloc, "prealloc", false)
HMB_BOOL_PROP(merge, "merge", true)
HMB_BOOL_PROP(dump, "dump", true)
HMB_BOOL_PROP(reserve, "reserve", false)
HMB_BOOL_PROP(use_canonical_path, "x-use-canonical-path-for-ramblock-id",
              false)

static uint64_t hmb_get_prealloc_threads(Object *obj, GError **errp)
{
    return MEMORY_BACKEND(obj)->prealloc_threads;
}

static bool hmb_set_prealloc_threads(Object *obj, uint64_t value,
                                     GError **errp)
{
    if (value == 0) {
        error_setg(errp, "property 'prealloc-threads' of %s doesn't take "
                   "value '0'", object_get_typename(obj));
        return false;
    }
    MEMORY_BACKEND(obj)->prealloc_threads = value;
    return true;
}

static int hmb_get_policy(Object *obj, GError **errp)
{
    return MEMORY_BACKEND(obj)->policy;
}

static bool hmb_set_policy(Object *obj, int value, GError **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_mutable(backend, "policy", errp)) {
        return false;
    }
    backend->policy = value;
    return true;
}

static JsonNode *hmb_get_host_nodes(Object *obj, ObjectProperty *prop,
                                    GError **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);
    JsonArray *arr = json_array_new();

    for (guint i = 0; i < backend->host_nodes->len; i++) {
        json_array_add_element(arr, qapi_uint64_to_json(
            g_array_index(backend->host_nodes, uint16_t, i)));
    }
    return qapi_node_take_array(arr);
}

static bool host_node_from_json(JsonNode *node, const char *path,
                                GArray *out, GError **errp)
{
    uint16_t v;

    if (!qapi_uint16_from_json(node, path, &v, errp)) {
        return false;
    }
    if (v >= MAX_HOST_NODES) {
        error_setg(errp, "Invalid host-nodes value: %u", v);
        return false;
    }
    g_array_append_val(out, v);
    return true;
}

/* An array of node numbers, or one number (the command-line form). */
static bool hmb_set_host_nodes(Object *obj, ObjectProperty *prop,
                               JsonNode *value, GError **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);
    g_autoptr(GArray) nodes = g_array_new(false, false, sizeof(uint16_t));

    if (!host_memory_backend_check_mutable(backend, prop->name, errp)) {
        return false;
    }
    if (JSON_NODE_HOLDS_ARRAY(value)) {
        JsonArray *arr = json_node_get_array(value);

        for (guint i = 0; i < json_array_get_length(arr); i++) {
            g_autofree char *path = qapi_path_index(prop->name, i);

            if (!host_node_from_json(json_array_get_element(arr, i), path,
                                     nodes, errp)) {
                return false;
            }
        }
    } else if (!host_node_from_json(value, prop->name, nodes, errp)) {
        return false;
    }
    g_array_set_size(backend->host_nodes, 0);
    g_array_append_vals(backend->host_nodes, nodes->data, nodes->len);
    return true;
}

/* ---- allocation ---- */

/* Make every page present now (prealloc=on). */
static bool hmb_prealloc(RAMBlock *rb, GError **errp)
{
    uint8_t *host = ram_block_host(rb);
    uint64_t len = ram_block_used_length(rb);
    long page = sysconf(_SC_PAGESIZE);

    if (madvise(host, len, MADV_POPULATE_WRITE) == 0) {
        return true;
    }
    if (errno != EINVAL) {
        error_setg_errno(errp, errno, "Couldn't preallocate memory");
        return false;
    }
    /* Older kernels: touch each page without changing its contents. */
    for (uint64_t off = 0; off < len; off += page > 0 ? page : 4096) {
        volatile uint8_t *p = host + off;

        *p = *p;
    }
    return true;
}

static bool hmb_allocate(HostMemoryBackend *backend, GError **errp)
{
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(backend);
    Object *obj = OBJECT(backend);
    g_autofree char *name = NULL;
    RAMBlock *rb;

    if (backend->rb) {
        return true;
    }
    if (!backend->size) {
        error_setg(errp, "Parameter 'size' is missing");
        return false;
    }
    if (backend->use_canonical_path) {
        name = object_get_canonical_path(obj);
    } else {
        name = object_get_canonical_path_component(obj);
    }
    if (!name) {
        error_setg(errp, "memory backend of type %s has no id",
                   object_get_typename(obj));
        return false;
    }
    rb = bc->alloc(backend, name, errp);
    if (!rb) {
        return false;
    }
    if (!backend->dump) {
        madvise(ram_block_host(rb), ram_block_used_length(rb), MADV_DONTDUMP);
    }
    if (backend->prealloc && !hmb_prealloc(rb, errp)) {
        ram_block_free(rb);
        return false;
    }
    backend->rb = rb;
    return true;
}

static bool hmb_complete(UserCreatable *uc, GError **errp)
{
    return hmb_allocate(MEMORY_BACKEND(uc), errp);
}

static bool hmb_can_be_deleted(UserCreatable *uc)
{
    return !MEMORY_BACKEND(uc)->in_use;
}

/* ---- public ---- */

Object *memory_backend_find(const char *id)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);

    return object_dynamic_cast(obj, TYPE_MEMORY_BACKEND);
}

RAMBlock *memory_backend_get_ramblock(Object *obj, GError **errp)
{
    HostMemoryBackend *backend;

    if (!obj || !object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        error_setg(errp, "object is not a memory backend");
        return NULL;
    }
    backend = MEMORY_BACKEND(obj);
    if (!hmb_allocate(backend, errp)) {
        return NULL;
    }
    backend->in_use = true;
    return backend->rb;
}

uint64_t memory_backend_get_size(Object *obj)
{
    return MEMORY_BACKEND(obj)->size;
}

bool memory_backend_is_in_use(Object *obj)
{
    return MEMORY_BACKEND(obj)->in_use;
}

/* ---- type ---- */

static void hmb_add_bool(ObjectClass *oc, const char *name,
                         ObjectBoolGet *get, ObjectBoolSet *set,
                         bool def, const char *desc)
{
    ObjectProperty *prop = object_class_property_add_bool(oc, name, get, set);

    object_property_set_default(prop, qapi_bool_to_json(def));
    object_class_property_set_description(oc, name, desc);
}

static void hmb_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);
    ObjectProperty *prop;

    ucc->complete = hmb_complete;
    ucc->can_be_deleted = hmb_can_be_deleted;

    object_class_property_add_uint(oc, "size", "size", hmb_get_size,
                                   hmb_set_size);
    object_class_property_set_description(oc, "size",
                                          "Size of the memory region (ex: 500M)");
    hmb_add_bool(oc, "merge", hmb_get_merge, hmb_set_merge, true,
                 "Mark memory as mergeable");
    hmb_add_bool(oc, "dump", hmb_get_dump, hmb_set_dump, true,
                 "Set to 'off' to exclude from core dump");
    hmb_add_bool(oc, "prealloc", hmb_get_prealloc, hmb_set_prealloc, false,
                 "Preallocate memory");
    hmb_add_bool(oc, "share", hmb_get_share, hmb_set_share, false,
                 "Mark the memory as private to QEMU or shared");
    hmb_add_bool(oc, "reserve", hmb_get_reserve, hmb_set_reserve, true,
                 "Reserve swap space (or huge pages) if applicable");
    hmb_add_bool(oc, "x-use-canonical-path-for-ramblock-id",
                 hmb_get_use_canonical_path, hmb_set_use_canonical_path,
                 false, "Use path of this object for the RAM block id");
    prop = object_class_property_add_uint(oc, "prealloc-threads", "uint32",
                                          hmb_get_prealloc_threads,
                                          hmb_set_prealloc_threads);
    object_property_set_default(prop, qapi_uint64_to_json(1));
    object_class_property_set_description(oc, "prealloc-threads",
        "Number of CPU threads to use for prealloc");
    object_class_property_add_enum(oc, "policy", "HostMemPolicy",
                                   host_mem_policy_names, hmb_get_policy,
                                   hmb_set_policy);
    object_class_property_set_description(oc, "policy",
                                          "Set the NUMA policy");
    object_class_property_add(oc, "host-nodes", "int", hmb_get_host_nodes,
                              hmb_set_host_nodes, NULL, NULL);
    object_class_property_set_description(oc, "host-nodes",
                                          "Binds memory to the list of NUMA "
                                          "host nodes");
}

static void hmb_init(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    backend->merge = true;
    backend->dump = true;
    backend->reserve = true;
    backend->prealloc_threads = 1;
    backend->host_nodes = g_array_new(false, false, sizeof(uint16_t));
}

static void hmb_finalize(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    ram_block_free(backend->rb);
    backend->rb = NULL;
    g_array_unref(backend->host_nodes);
}

static const TypeInfo host_memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(HostMemoryBackendClass),
    .class_init = hmb_class_init,
    .instance_size = sizeof(HostMemoryBackend),
    .instance_init = hmb_init,
    .instance_finalize = hmb_finalize,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void host_memory_backend_register_types(void)
{
    type_register_static(&host_memory_backend_info);
}

type_init(host_memory_backend_register_types)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory-backend-file: host memory mapped from a file (mem-path), or
 * from an unlinked temporary file when mem-path is a directory.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "hostmem-internal.h"

typedef struct FileBackend {
    HostMemoryBackend parent_obj;
    char *mem_path;
    uint64_t align;
    uint64_t offset;
    bool discard_data;
    bool readonly;
    int rom;                    /* index into on_off_auto_names */
} FileBackend;

#define FILE_BACKEND(obj) \
    OBJECT_CHECK(FileBackend, (obj), TYPE_MEMORY_BACKEND_FILE)

enum { ROM_AUTO, ROM_ON, ROM_OFF };
static const char *const on_off_auto_names[] = { "auto", "on", "off", NULL };

/* A temporary file inside dir, already unlinked. */
static int file_backend_open_tmp(const char *dir, const char *name,
                                 GError **errp)
{
    g_autofree char *sanitized = g_strdup(name);
    g_autofree char *tmpl = NULL;
    int fd;

    /* The block name may contain '/' (canonical path ids). */
    g_strdelimit(sanitized, "/", '_');
    tmpl = g_strdup_printf("%s/qemu_back_mem.%s.XXXXXX", dir, sanitized);
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "unable to create backing store for "
                         "guest RAM in %s", dir);
        return -1;
    }
    unlink(tmpl);
    return fd;
}

static RAMBlock *file_backend_alloc(HostMemoryBackend *backend,
                                    const char *name, GError **errp)
{
    FileBackend *fb = FILE_BACKEND(backend);
    uint64_t need = fb->offset + backend->size;
    struct stat st;
    RAMBlock *rb;
    int fd;

    if (!fb->mem_path) {
        error_setg(errp, "Parameter 'mem-path' is missing");
        return NULL;
    }
    if (fb->rom == ROM_ON && !fb->readonly) {
        error_setg(errp, "property 'rom' = 'on' is not supported with "
                   "'readonly' = 'off'");
        return NULL;
    }
    if (need < fb->offset) {
        error_setg(errp, "'offset' + 'size' is too large");
        return NULL;
    }
    if (stat(fb->mem_path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (fb->readonly) {
            error_setg(errp, "readonly=on needs an existing file, not the "
                       "directory '%s'", fb->mem_path);
            return NULL;
        }
        fd = file_backend_open_tmp(fb->mem_path, name, errp);
        if (fd < 0) {
            return NULL;
        }
    } else {
        fd = open(fb->mem_path,
                  fb->readonly ? O_RDONLY | O_CLOEXEC
                               : O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            error_setg_errno(errp, errno, "can't open backing store %s for "
                             "guest RAM", fb->mem_path);
            return NULL;
        }
    }
    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "cannot stat %s", fb->mem_path);
        close(fd);
        return NULL;
    }
    if (S_ISREG(st.st_mode)) {
        uint64_t file_size = st.st_size;

        if (file_size > 0 && file_size < need) {
            error_setg(errp, "backing store size 0x%" PRIx64 " does not "
                       "match 'size' option 0x%" PRIx64, file_size,
                       backend->size);
            close(fd);
            return NULL;
        }
        if (file_size == 0) {
            if (fb->readonly) {
                error_setg(errp, "backing store %s is empty",
                           fb->mem_path);
                close(fd);
                return NULL;
            }
            if (ftruncate(fd, need) < 0) {
                error_setg_errno(errp, errno, "cannot resize %s",
                                 fb->mem_path);
                close(fd);
                return NULL;
            }
        }
    }
    /*
     * A read-only file can only be mapped privately: guest writes then
     * stay in this process and never reach the file.
     */
    rb = ram_block_new(name, backend->size,
                       backend->share && !fb->readonly, fd, fb->offset, errp);
    close(fd);
    return rb;
}

/* ---- properties ---- */

static char *file_get_mem_path(Object *obj, GError **errp)
{
    return g_strdup(FILE_BACKEND(obj)->mem_path);
}

static bool file_set_mem_path(Object *obj, const char *value, GError **errp)
{
    FileBackend *fb = FILE_BACKEND(obj);

    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "mem-path",
                                           errp)) {
        return false;
    }
    g_free(fb->mem_path);
    fb->mem_path = g_strdup(value);
    return true;
}

static uint64_t file_get_align(Object *obj, GError **errp)
{
    return FILE_BACKEND(obj)->align;
}

static bool file_set_align(Object *obj, uint64_t value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "align",
                                           errp)) {
        return false;
    }
    if (value & (value - 1)) {
        error_setg(errp, "property 'align' of %s must be a power of two",
                   object_get_typename(obj));
        return false;
    }
    FILE_BACKEND(obj)->align = value;
    return true;
}

static uint64_t file_get_offset(Object *obj, GError **errp)
{
    return FILE_BACKEND(obj)->offset;
}

static bool file_set_offset(Object *obj, uint64_t value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "offset",
                                           errp)) {
        return false;
    }
    FILE_BACKEND(obj)->offset = value;
    return true;
}

static bool file_get_discard_data(Object *obj, GError **errp)
{
    return FILE_BACKEND(obj)->discard_data;
}

static bool file_set_discard_data(Object *obj, bool value, GError **errp)
{
    FILE_BACKEND(obj)->discard_data = value;
    return true;
}

static bool file_get_readonly(Object *obj, GError **errp)
{
    return FILE_BACKEND(obj)->readonly;
}

static bool file_set_readonly(Object *obj, bool value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "readonly",
                                           errp)) {
        return false;
    }
    FILE_BACKEND(obj)->readonly = value;
    return true;
}

static int file_get_rom(Object *obj, GError **errp)
{
    return FILE_BACKEND(obj)->rom;
}

static bool file_set_rom(Object *obj, int value, GError **errp)
{
    if (!host_memory_backend_check_mutable(MEMORY_BACKEND(obj), "rom",
                                           errp)) {
        return false;
    }
    FILE_BACKEND(obj)->rom = value;
    return true;
}

static void file_backend_class_init(ObjectClass *oc, const void *data)
{
    ObjectProperty *prop;

    MEMORY_BACKEND_CLASS(oc)->alloc = file_backend_alloc;

    object_class_property_add_str(oc, "mem-path", file_get_mem_path,
                                  file_set_mem_path);
    object_class_property_set_description(oc, "mem-path",
        "Path to a file (or a directory for a temporary file)");
    object_class_property_add_uint(oc, "align", "size", file_get_align,
                                   file_set_align);
    object_class_property_set_description(oc, "align",
        "Alignment of the mapping");
    prop = object_class_property_add_uint(oc, "offset", "size",
                                          file_get_offset, file_set_offset);
    object_property_set_default(prop, qapi_size_to_json(0));
    object_class_property_set_description(oc, "offset",
        "Offset into the backing file");
    prop = object_class_property_add_bool(oc, "discard-data",
                                          file_get_discard_data,
                                          file_set_discard_data);
    object_property_set_default(prop, qapi_bool_to_json(false));
    object_class_property_set_description(oc, "discard-data",
        "Discard the file contents when the object is destroyed");
    prop = object_class_property_add_bool(oc, "readonly", file_get_readonly,
                                          file_set_readonly);
    object_property_set_default(prop, qapi_bool_to_json(false));
    object_class_property_set_description(oc, "readonly",
        "Open the file read-only");
    prop = object_class_property_add_enum(oc, "rom", "OnOffAuto",
                                          on_off_auto_names, file_get_rom,
                                          file_set_rom);
    object_property_set_default(prop, qapi_str_to_json("auto"));
    object_class_property_set_description(oc, "rom",
        "Whether to create Read Only Memory (ROM)");
}

static void file_backend_finalize(Object *obj)
{
    FileBackend *fb = FILE_BACKEND(obj);
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    /* Runs before the base finalize unmaps the block. */
    if (fb->discard_data && backend->rb && backend->share &&
        !fb->readonly) {
        madvise(ram_block_host(backend->rb),
                ram_block_used_length(backend->rb), MADV_REMOVE);
    }
    g_free(fb->mem_path);
}

static const TypeInfo file_backend_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = file_backend_class_init,
    .instance_size = sizeof(FileBackend),
    .instance_finalize = file_backend_finalize,
};

static void file_backend_register_types(void)
{
    type_register_static(&file_backend_info);
}

type_init(file_backend_register_types)

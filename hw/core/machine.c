/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine base type: machine classes and their lookup, the /machine
 * object with its properties and containers, main RAM set-up and the
 * board init call.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "hw/boards.h"
#include "system/ram-backend.h"

MachineState *current_machine;

/* ---- classes ---- */

static bool machine_class_usable(ObjectClass *oc)
{
    return !object_class_is_abstract(oc);
}

GSList *machine_class_list(void)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    GSList *out = NULL;

    for (GSList *l = list; l; l = l->next) {
        if (machine_class_usable(l->data)) {
            out = g_slist_append(out, l->data);
        }
    }
    g_slist_free(list);
    return out;
}

MachineClass *machine_class_find(const char *name_or_alias)
{
    GSList *list = machine_class_list();
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);

        if (!strcmp(mc->name, name_or_alias) ||
            (mc->alias && !strcmp(mc->alias, name_or_alias))) {
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_class_default(void)
{
    GSList *list = machine_class_list();
    MachineClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        if (MACHINE_CLASS(l->data)->is_default) {
            found = MACHINE_CLASS(l->data);
        }
    }
    g_slist_free(list);
    return found;
}

void machine_print_help(void)
{
    GSList *list = machine_class_list();

    printf("Supported machines are:\n");
    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        const char *desc = mc->desc ? mc->desc : "";

        if (mc->alias) {
            printf("%-20s %s (alias of %s)\n", mc->alias, desc, mc->name);
        }
        printf("%-20s %s%s%s\n", mc->name, desc,
               mc->is_default ? " (default)" : "",
               mc->deprecated ? " (deprecated)" : "");
    }
    g_slist_free(list);
}

void machine_print_props(MachineClass *mc)
{
    user_creatable_print_type_props(object_class_get_name(OBJECT_CLASS(mc)));
}

/* ---- CPU models ---- */

static GSList *cpu_models;      /* MachineCpuModel * */

static MachineCpuModel *cpu_model_find(const char *name)
{
    for (GSList *l = cpu_models; l; l = l->next) {
        MachineCpuModel *m = l->data;

        if (!strcmp(m->name, name)) {
            return m;
        }
    }
    return NULL;
}

static void cpu_model_add(const char *name, const char *alias_of)
{
    MachineCpuModel *m;

    if (cpu_model_find(name)) {
        return;
    }
    m = g_new0(MachineCpuModel, 1);
    m->name = g_strdup(name);
    m->alias_of = g_strdup(alias_of);
    cpu_models = g_slist_append(cpu_models, m);
}

void machine_register_cpu_model(const char *name)
{
    cpu_model_add(name, NULL);
}

void machine_register_cpu_model_alias(const char *alias, const char *model)
{
    cpu_model_add(alias, model);
}

GSList *machine_cpu_model_list(void)
{
    return cpu_models;
}

const char *machine_cpu_model_resolve(const char *name)
{
    MachineCpuModel *m = cpu_model_find(name);

    if (!m) {
        return NULL;
    }
    return m->alias_of ? m->alias_of : m->name;
}

/* ---- the machine object ---- */

Object *machine_get_container(const char *name)
{
    Object *machine = current_machine ? OBJECT(current_machine)
                                      : container_get(object_get_root(),
                                                      "/machine");

    return container_get(machine, name);
}

MachineState *machine_new(MachineClass *mc, GError **errp)
{
    Object *root = object_get_root();
    Object *old = object_resolve_path_component(root, "machine");
    Object *obj;

    if (current_machine) {
        error_setg(errp, "A machine has already been created");
        return NULL;
    }
    if (old && !object_dynamic_cast(old, TYPE_CONTAINER)) {
        error_setg(errp, "/machine already exists");
        return NULL;
    }

    obj = object_new(object_class_get_name(OBJECT_CLASS(mc)));
    if (old) {
        /*
         * Something asked for /machine before the machine existed (a
         * placeholder container): move what it holds into the machine.
         */
        g_autoptr(GPtrArray) props = object_property_list(old);

        for (guint i = 0; i < props->len; i++) {
            ObjectProperty *prop = g_ptr_array_index(props, i);
            Object *child = prop->opaque;
            Object *dest;
            g_autofree char *name = g_strdup(prop->name);

            if (!g_str_has_prefix(prop->type, "child<")) {
                continue;
            }
            object_ref(child);
            object_unparent(child);
            dest = object_resolve_path_component(obj, name);
            if (dest && object_dynamic_cast(dest, TYPE_CONTAINER) &&
                object_dynamic_cast(child, TYPE_CONTAINER)) {
                /* unattached/peripheral: merge their contents. */
                g_autoptr(GPtrArray) inner = object_property_list(child);

                for (guint j = 0; j < inner->len; j++) {
                    ObjectProperty *ip = g_ptr_array_index(inner, j);
                    Object *gc = ip->opaque;
                    g_autofree char *gname = g_strdup(ip->name);

                    if (!g_str_has_prefix(ip->type, "child<")) {
                        continue;
                    }
                    object_ref(gc);
                    object_unparent(gc);
                    object_property_add_child(dest, gname, gc);
                    object_unref(gc);
                }
            } else if (!dest) {
                object_property_add_child(obj, name, child);
            }
            object_unref(child);
        }
        object_unparent(old);
    }
    object_property_add_child(root, "machine", obj);
    object_unref(obj);
    current_machine = MACHINE(obj);
    return current_machine;
}

bool machine_set_props(MachineState *ms, JsonObject *props, GError **errp)
{
    g_autoptr(GList) members = NULL;

    if (!props) {
        return true;
    }
    members = json_object_get_members(props);
    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *value = json_object_get_member(props, key);

        if (!strcmp(key, "type")) {
            continue;
        }
        if (!object_property_find(OBJECT(ms), key) ||
            !JSON_NODE_HOLDS_VALUE(value) ||
            json_node_get_value_type(value) != G_TYPE_STRING) {
            /* Nested keys (a.b=...) name no property we have. */
            error_setg(errp, "Property '%s.%s' not found",
                       object_get_typename(OBJECT(ms)), key);
            return false;
        }
        if (!object_property_parse(OBJECT(ms), key,
                                   json_node_get_string(value), errp)) {
            return false;
        }
    }
    return true;
}

bool machine_check_smp(MachineState *ms, int cpus, GError **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    int max = mc->max_cpus > 0 ? mc->max_cpus : 1;

    if (cpus < 1) {
        error_setg(errp, "Invalid SMP CPUs %d. The min CPUs supported by "
                   "machine '%s' is 1", cpus, mc->name);
        return false;
    }
    if (cpus > max) {
        error_setg(errp, "Invalid SMP CPUs %d. The max CPUs supported by "
                   "machine '%s' is %d", cpus, mc->name, max);
        return false;
    }
    ms->smp_cpus = cpus;
    return true;
}

/* The implicit main RAM; memfd-backed when aux-ram-share=on (cpr). */
static RAMBlock *machine_alloc_ram(MachineState *ms, const char *name,
                                   GError **errp)
{
    RAMBlock *rb;
    int fd;

    if (!ms->aux_ram_share) {
        return ram_block_new(name, ms->ram_size, false, -1, 0, errp);
    }
    fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot create memfd for '%s'", name);
        return NULL;
    }
    if (ftruncate(fd, ms->ram_size) < 0) {
        error_setg_errno(errp, errno, "cannot size memfd for '%s'", name);
        close(fd);
        return NULL;
    }
    rb = ram_block_new(name, ms->ram_size, true, fd, 0, errp);
    close(fd);
    return rb;
}

/*
 * RAM is mapped at physical 0 before the board runs, so its size must be
 * checked first: the 32-bit bus cannot map more than 4 GiB.
 */
static bool machine_check_ram_size(MachineClass *mc, uint64_t size,
                                   GError **errp)
{
    uint64_t max = mc->max_ram_size ? mc->max_ram_size : 1ull << 32;

    if (size > max) {
        error_setg(errp, "RAM size %" PRIu64 " is too large for the %s "
                   "board (at most %" PRIu64 " bytes, %" PRIu64 " MiB)",
                   size, mc->alias ? mc->alias : mc->name, max, max >> 20);
        return false;
    }
    return true;
}

bool machine_run_board_init(MachineState *ms, GError **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    if (ms->memdev_id) {
        Object *backend = memory_backend_find(ms->memdev_id);
        uint64_t size;

        if (!backend) {
            error_setg(errp, "Memory backend '%s' not found", ms->memdev_id);
            return false;
        }
        size = memory_backend_get_size(backend);
        if (ms->ram_size_given && ms->ram_size != size) {
            error_setg(errp, "Machine memory size does not match the size "
                       "of the memory backend");
            return false;
        }
        if (!machine_check_ram_size(mc, size, errp)) {
            return false;
        }
        ms->ram = memory_backend_get_ramblock(backend, errp);
        if (!ms->ram) {
            return false;
        }
        ms->ram_size = size;
        ms->ram_owned = false;
    } else if (!mc->ram_only_with_m || ms->ram_size_given) {
        if (!ms->ram_size_given) {
            ms->ram_size = mc->default_ram_size;
        }
        ms->ram_size = QEMU_ALIGN_UP(ms->ram_size, TARGET_PAGE_SIZE);
        if (!machine_check_ram_size(mc, ms->ram_size, errp)) {
            return false;
        }
        if (ms->ram_size) {
            ms->ram = machine_alloc_ram(ms, mc->default_ram_id ?
                                        mc->default_ram_id : "ram", errp);
            if (!ms->ram) {
                return false;
            }
            ms->ram_owned = true;
        }
    } else {
        ms->ram_size = 0;
    }
    if (ms->ram) {
        memory_map_ram(0, ms->ram);
    }
    if (mc->init && !mc->init(ms, errp)) {
        return false;
    }
    return true;
}

/* ---- properties ---- */

#define MACHINE_STR_PROP(field, pname)                                   \
    static char *machine_get_##field(Object *obj, GError **errp)         \
    {                                                                    \
        return g_strdup(MACHINE(obj)->field);                            \
    }                                                                    \
    static bool machine_set_##field(Object *obj, const char *value,      \
                                    GError **errp)                       \
    {                                                                    \
        MachineState *ms = MACHINE(obj);                                 \
        g_free(ms->field);                                               \
        ms->field = g_strdup(value);                                     \
        return true;                                                     \
    }

#define MACHINE_BOOL_PROP(field)                                         \
    static bool machine_get_##field(Object *obj, GError **errp)          \
    {                                                                    \
        return MACHINE(obj)->field;                                      \
    }                                                                    \
    static bool machine_set_##field(Object *obj, bool value,             \
                                    GError **errp)                       \
    {                                                                    \
        MACHINE(obj)->field = value;                                     \
        return true;                                                     \
    }

MACHINE_STR_PROP(memdev_id, "memory-backend")
MACHINE_STR_PROP(accel_legacy, "accel")
MACHINE_STR_PROP(kernel_filename, "kernel")
MACHINE_STR_PROP(initrd_filename, "initrd")
MACHINE_STR_PROP(kernel_cmdline, "append")
MACHINE_STR_PROP(bios_filename, "firmware")
MACHINE_STR_PROP(dtb, "dtb")
MACHINE_BOOL_PROP(aux_ram_share)
MACHINE_BOOL_PROP(dump_guest_core)
MACHINE_BOOL_PROP(mem_merge)
MACHINE_BOOL_PROP(graphics)
MACHINE_BOOL_PROP(suspend_vmdesc)
MACHINE_BOOL_PROP(usb)

static void machine_add_str(ObjectClass *oc, const char *name,
                            ObjectStrGet *get, ObjectStrSet *set,
                            const char *desc)
{
    object_class_property_add_str(oc, name, get, set);
    object_class_property_set_description(oc, name, desc);
}

static void machine_add_bool(ObjectClass *oc, const char *name,
                             ObjectBoolGet *get, ObjectBoolSet *set,
                             const char *desc)
{
    object_class_property_add_bool(oc, name, get, set);
    object_class_property_set_description(oc, name, desc);
}

static void machine_class_init(ObjectClass *oc, const void *data)
{
    machine_add_str(oc, "memory-backend", machine_get_memdev_id,
                    machine_set_memdev_id,
                    "ID of the memory backend used as main RAM");
    machine_add_str(oc, "accel", machine_get_accel_legacy,
                    machine_set_accel_legacy,
                    "Accelerator list (legacy form of -accel)");
    machine_add_str(oc, "kernel", machine_get_kernel_filename,
                    machine_set_kernel_filename, "Linux kernel image file");
    machine_add_str(oc, "initrd", machine_get_initrd_filename,
                    machine_set_initrd_filename,
                    "Linux initial ramdisk file");
    machine_add_str(oc, "append", machine_get_kernel_cmdline,
                    machine_set_kernel_cmdline, "Linux kernel command line");
    machine_add_str(oc, "firmware", machine_get_bios_filename,
                    machine_set_bios_filename, "Firmware image");
    machine_add_str(oc, "dtb", machine_get_dtb, machine_set_dtb,
                    "Linux kernel device tree file");
    machine_add_bool(oc, "aux-ram-share", machine_get_aux_ram_share,
                     machine_set_aux_ram_share,
                     "Use anonymous shared memory for auxiliary guest RAMs");
    machine_add_bool(oc, "dump-guest-core", machine_get_dump_guest_core,
                     machine_set_dump_guest_core,
                     "Include guest memory in a core dump");
    machine_add_bool(oc, "mem-merge", machine_get_mem_merge,
                     machine_set_mem_merge, "Enable/disable memory merge "
                     "support");
    machine_add_bool(oc, "graphics", machine_get_graphics,
                     machine_set_graphics,
                     "Set on/off to enable/disable graphics emulation");
    machine_add_bool(oc, "suspend-vmdesc", machine_get_suspend_vmdesc,
                     machine_set_suspend_vmdesc, "Obsolete; ignored");
    machine_add_bool(oc, "usb", machine_get_usb, machine_set_usb,
                     "Set on/off to enable/disable usb");
}

static void machine_class_base_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const char *type = object_class_get_name(oc);

    /* Default name: the type name without "-machine"; class_init may
     * override it (it runs after this). */
    if (g_str_has_suffix(type, TYPE_MACHINE_SUFFIX)) {
        g_autofree char *name = g_strndup(type, strlen(type) -
                                          strlen(TYPE_MACHINE_SUFFIX));

        /* Interned: a class_init that sets its own name leaks nothing. */
        mc->name = g_intern_string(name);
    } else {
        mc->name = type;
    }
    /* These describe one board; a subclass must opt in again. */
    mc->is_default = false;
    mc->alias = NULL;
}

static void machine_initfn(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);
    static const char *const containers[] = {
        "unattached", "peripheral", "peripheral-anon",
    };

    for (size_t i = 0; i < ARRAY_SIZE(containers); i++) {
        Object *c = object_new_container();

        object_property_add_child(obj, containers[i], c);
        object_unref(c);
    }
    ms->ram_size = mc->default_ram_size;
    ms->smp_cpus = 1;
    ms->dump_guest_core = true;
    ms->mem_merge = true;
    ms->graphics = true;
    ms->cpu_type = g_strdup(mc->default_cpu_type);
}

static void machine_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    if (ms->ram_owned) {
        ram_block_free(ms->ram);
    }
    ms->ram = NULL;
    g_free(ms->memdev_id);
    g_free(ms->kernel_filename);
    g_free(ms->bios_filename);
    g_free(ms->kernel_cmdline);
    g_free(ms->initrd_filename);
    g_free(ms->cpu_type);
    g_free(ms->accel_legacy);
    g_free(ms->dtb);
    if (current_machine == ms) {
        current_machine = NULL;
    }
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .class_base_init = machine_class_base_init,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_initfn,
    .instance_finalize = machine_finalize,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}

type_init(machine_register_types)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the machine: query-machines, query-current-machine,
 * query-cpu-definitions, query-memory-size-summary.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "hw/boards.h"
#include "qemu/trace.h"

MachineInfoList *qmp_query_machines(bool has_compat_props, bool compat_props,
                                    GError **errp)
{
    GSList *list = machine_class_list();
    MachineInfoList *head = NULL, **tail = &head;

    for (GSList *l = list; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        MachineInfoList *elem = g_new0(MachineInfoList, 1);
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mc->name);
        info->alias = g_strdup(mc->alias);
        if (mc->is_default) {
            info->has_is_default = true;
            info->is_default = true;
        }
        info->cpu_max = mc->max_cpus > 0 ? mc->max_cpus : 1;
        info->hotpluggable_cpus = false;
        info->numa_mem_supported = false;
        info->deprecated = mc->deprecated;
        info->default_cpu_type = g_strdup(mc->default_cpu_type);
        info->default_ram_id = g_strdup(mc->default_ram_id);
        info->acpi = false;
        /*
         * No CR16 machine has compatibility properties, so the list is
         * empty; the generated type cannot tell an empty list from an
         * absent one, so compat-props stays out of the reply.
         */
        elem->value = info;
        *tail = elem;
        tail = &elem->next;
    }
    g_slist_free(list);
    return head;
}

CurrentMachineParams *qmp_query_current_machine(GError **errp)
{
    CurrentMachineParams *params = g_new0(CurrentMachineParams, 1);

    params->wakeup_suspend_support = false;
    return params;
}

CpuDefinitionInfoList *qmp_query_cpu_definitions(GError **errp)
{
    CpuDefinitionInfoList *head = NULL, **tail = &head;

    for (GSList *l = machine_cpu_model_list(); l; l = l->next) {
        MachineCpuModel *m = l->data;
        CpuDefinitionInfoList *elem = g_new0(CpuDefinitionInfoList, 1);
        CpuDefinitionInfo *info = g_new0(CpuDefinitionInfo, 1);
        const char *model = m->alias_of ? m->alias_of : m->name;

        info->name = g_strdup(m->name);
        info->typename = g_strdup_printf("%s-cr16-cpu", model);
        info->alias_of = g_strdup(m->alias_of);
        info->has_migration_safe = true;
        info->migration_safe = true;
        info->q_static = false;
        info->deprecated = false;
        elem->value = info;
        *tail = elem;
        tail = &elem->next;
    }
    return head;
}

MemoryInfo *qmp_query_memory_size_summary(GError **errp)
{
    MemoryInfo *info = g_new0(MemoryInfo, 1);

    info->base_memory = current_machine ? current_machine->ram_size : 0;
    info->has_plugged_memory = true;
    info->plugged_memory = 0;
    return info;
}

/* ---- inject-nmi, memsave, pmemsave ---- */

#define MEMSAVE_CHUNK   65536       /* bytes read and written at a time */
#define MEMSAVE_PAGE    4096        /* CPU translation granule */
#define PHYS_BUS_SIZE   (UINT64_C(1) << 32)

void qmp_inject_nmi(GError **errp)
{
    MachineClass *mc = current_machine ?
                       MACHINE_GET_CLASS(current_machine) : NULL;

    if (!mc || !mc->nmi) {
        error_setg(errp, "this feature or command is not currently supported");
        return;
    }
    trace_event(qmp_inject_nmi, "machine %s", mc->name);
    mc->nmi(current_machine);
}

/* Write len bytes read by `read` (in chunks) from addr to filename. */
static bool mem_save_file(const char *filename, uint64_t addr, uint64_t len,
                          bool (*read)(uint64_t addr, uint8_t *buf,
                                       uint64_t len, GError **errp),
                          GError **errp)
{
    g_autofree uint8_t *buf = g_malloc(MIN(len, MEMSAVE_CHUNK) + 1);
    FILE *f = fopen(filename, "wb");

    if (!f) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        return false;
    }
    while (len) {
        uint64_t n = MIN(len, MEMSAVE_CHUNK);

        if (!read(addr, buf, n, errp)) {
            fclose(f);
            return false;
        }
        if (fwrite(buf, 1, n, f) != n) {
            error_setg_errno(errp, errno, "writing memory to '%s' failed",
                             filename);
            fclose(f);
            return false;
        }
        addr += n;
        len -= n;
    }
    if (fclose(f) != 0) {
        error_setg_errno(errp, errno, "writing memory to '%s' failed",
                         filename);
        return false;
    }
    return true;
}

static bool mem_read_phys(uint64_t addr, uint8_t *buf, uint64_t len,
                          GError **errp)
{
    address_space_read(addr, buf, len);
    return true;
}

/* Through the CPU's view, byte by byte translated per page run. */
static bool mem_read_cpu(uint64_t addr, uint8_t *buf, uint64_t len,
                         GError **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(current_machine);

    while (len) {
        uint64_t run = MIN(len, MEMSAVE_PAGE - (addr & (MEMSAVE_PAGE - 1)));
        hwaddr phys;

        if (!mc->cpu_to_phys(current_machine, addr, &phys)) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64
                       " specified", addr, (int64_t)len);
            return false;
        }
        address_space_read(phys, buf, run);
        addr += run;
        buf += run;
        len -= run;
    }
    return true;
}

void qmp_memsave(int64_t val, int64_t size, const char *filename,
                 bool has_cpu_index, int64_t cpu_index, GError **errp)
{
    MachineClass *mc = current_machine ?
                       MACHINE_GET_CLASS(current_machine) : NULL;

    if (has_cpu_index && cpu_index != 0) {
        error_setg(errp, "Invalid parameter 'cpu-index'");
        return;
    }
    if (!mc || !mc->cpu_to_phys) {
        error_setg(errp, "No CPU available");
        return;
    }
    if (val < 0 || size < 0 || (uint64_t)val > mc->cpu_addr_limit ||
        (uint64_t)size > mc->cpu_addr_limit - (uint64_t)val) {
        error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64
                   " specified", (uint64_t)val, size);
        return;
    }
    mem_save_file(filename, val, size, mem_read_cpu, errp);
}

void qmp_pmemsave(int64_t val, int64_t size, const char *filename,
                  GError **errp)
{
    if (val < 0 || size < 0 || (uint64_t)val > PHYS_BUS_SIZE ||
        (uint64_t)size > PHYS_BUS_SIZE - (uint64_t)val) {
        error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRId64
                   " specified", (uint64_t)val, size);
        return;
    }
    mem_save_file(filename, val, size, mem_read_phys, errp);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the machine: query-machines, query-current-machine,
 * query-cpu-definitions, query-memory-size-summary.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "hw/boards.h"

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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of qapi/run-state.json and the process-level queries of
 * qapi/misc.json and qapi/control.json (contracts in qmp.md section 9).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qom/object.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "system/system.h"

StatusInfo *qmp_query_status(GError **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->status = runstate_get();
    info->running = runstate_is_running();
    return info;
}

void qmp_stop(GError **errp)
{
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        /* Do not start the guest when the incoming migration completes. */
        autostart = false;
        return;
    }
    vm_stop(RUN_STATE_PAUSED);
}

void qmp_cont(GError **errp)
{
    switch (runstate_get()) {
    case RUN_STATE_SHUTDOWN:
    case RUN_STATE_INTERNAL_ERROR:
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    case RUN_STATE_FINISH_MIGRATE:
        error_setg(errp, "Migration is not finalized yet");
        return;
    case RUN_STATE_INMIGRATE:
        autostart = true;
        return;
    case RUN_STATE_RUNNING:
    case RUN_STATE_SUSPENDED:
        return;
    default:
        vm_start();
        return;
    }
}

void qmp_system_reset(GError **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

void qmp_system_powerdown(GError **errp)
{
    qemu_system_powerdown_request();
}

void qmp_system_wakeup(GError **errp)
{
    error_setg(errp, "wake-up from suspend is not supported by this guest");
}

void qmp_quit(GError **errp)
{
    /* Carried out by the main loop after this reply is sent. */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

NameInfo *qmp_query_name(GError **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);

    info->name = g_strdup(qemu_name);
    return info;
}

UuidInfo *qmp_query_uuid(GError **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);
    const uint8_t *u = qemu_uuid;

    info->UUID = g_strdup_printf(
        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
        u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
        u[11], u[12], u[13], u[14], u[15]);
    return info;
}

TargetInfo *qmp_query_target(GError **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_CR16;
    return info;
}

KvmInfo *qmp_query_kvm(GError **errp)
{
    return g_new0(KvmInfo, 1);
}

IOThreadInfoList *qmp_query_iothreads(GError **errp)
{
    return NULL;
}

VersionInfo *qmp_query_version(GError **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = QEMU_VERSION_MAJOR;
    info->qemu->minor = QEMU_VERSION_MINOR;
    info->qemu->micro = QEMU_VERSION_MICRO;
    info->package = g_strdup(QEMU_PKGVERSION);
    return info;
}

CpuInfoFastList *qmp_query_cpus_fast(GError **errp)
{
    CpuInfoFastList *list;
    CpuInfoFast *cpu;

    if (!cpus_have_vcpu() || !cpus_vcpu_object()) {
        return NULL;
    }
    cpu = g_new0(CpuInfoFast, 1);
    cpu->cpu_index = 0;
    cpu->qom_path = object_get_canonical_path(cpus_vcpu_object());
    cpu->thread_id = cpus_vcpu_thread_id();
    cpu->qom_type = g_strdup(object_get_typename(cpus_vcpu_object()));
    cpu->target = SYS_EMU_TARGET_CR16;
    list = g_new0(CpuInfoFastList, 1);
    list->value = cpu;
    return list;
}

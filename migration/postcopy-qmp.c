/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of postcopy (migrate-pause, migrate-recover,
 * migrate-start-postcopy, spec 7.5-7.7). The vCPU dirty limit commands
 * are in system/dirtylimit.c. The postcopy
 * commands only check their preconditions and hand over: the threads in
 * postcopy-outgoing.c and postcopy-incoming.c do the work.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "migration/migration-core.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/postcopy-stall.h"
#include "migration/status.h"
#include "migration/transport.h"

void qmp_migrate_pause(GError **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationIncomingState *mis = migration_incoming_get_current();

    if (migration_status_postcopy_is_alive(migration_source_status())) {
        GError *err = NULL;

        g_set_error(&err, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "Postcopy migration is paused by the user");
        migrate_set_error(s, err);
        g_mutex_lock(&s->file_lock);
        if (!s->to_dst_file || qemu_file_shutdown(s->to_dst_file) < 0) {
            g_mutex_unlock(&s->file_lock);
            error_setg(errp, "Failed to pause source migration");
            return;
        }
        if (s->rp_file) {
            qemu_file_shutdown(s->rp_file);
        }
        g_mutex_unlock(&s->file_lock);
        migration_wake(s);
        return;
    }
    if (migration_status_postcopy_is_alive(migration_incoming_status())) {
        postcopy_incoming_pause(mis, errp);
        return;
    }
    error_setg(errp, "migrate-pause is currently only supported during "
               "postcopy-active or postcopy-recover state");
}

void qmp_migrate_recover(const char *uri, GError **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    g_autoptr(MigrationAddress) addr = NULL;

    /* The state is checked where the listener is swapped. */
    addr = migration_uri_parse(uri, errp);
    if (!addr) {
        return;
    }
    postcopy_incoming_recover(mis, g_steal_pointer(&addr), errp);
}

void qmp_migrate_start_postcopy(GError **errp)
{
    if (!migrate_postcopy_ram() && !migrate_dirty_bitmaps()) {
        error_setg(errp, "Enable postcopy with migrate_set_capability "
                   "before the start of migration");
        return;
    }
    if (migration_source_status() == MIGRATION_STATUS_NONE) {
        error_setg(errp, "Postcopy must be started after migration has "
                   "been started");
        return;
    }
    /* Also after the end or in postcopy: deliberately no error (7.7). */
    __atomic_store_n(&migrate_get_current()->start_postcopy, true,
                     __ATOMIC_RELEASE);
    migration_wake(migrate_get_current());
}

PostcopyDebugInfo *qmp_x_query_postcopy(GError **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    PostcopyDebugInfo *info = g_new0(PostcopyDebugInfo, 1);
    PostcopyStallStats st;

    info->preempt_pages = qatomic_read(&mig_stats.postcopy_preempt_pages);
    info->urgent_main_pages =
        qatomic_read(&mig_stats.postcopy_urgent_main_pages);
    info->moved_pages = qatomic_read(&mig_stats.postcopy_moved_pages);
    postcopy_stall_get(&st);
    info->vcpu_stalls = st.count;
    info->vcpu_stall_samples = st.sampled;
    info->vcpu_stall_p50 = st.p50_ns;
    info->vcpu_stall_p90 = st.p90_ns;
    info->vcpu_stall_p99 = st.p99_ns;
    info->vcpu_stall_max = st.max_ns;
    info->vcpu_stall_mean = st.mean_ns;
    info->preempt_channels = __atomic_load_n(&mis->preempt_channels,
                                             __ATOMIC_RELAXED);
    info->resumes = __atomic_load_n(&mis->resumes, __ATOMIC_RELAXED);
    g_mutex_lock(&mis->file_lock);
    info->preempt_waiting = mis->preempt_waiting;
    g_mutex_unlock(&mis->file_lock);
    return info;
}

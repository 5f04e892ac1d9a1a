/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands of postcopy (migrate-pause, migrate-recover,
 * migrate-start-postcopy, spec 7.5-7.7) and of the vCPU dirty limit
 * (spec 7.11).  This build has neither postcopy nor a KVM dirty ring:
 * the spec's own preconditions refuse nearly every call; whatever would
 * get past them says that postcopy is not supported yet.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/status.h"

#define POSTCOPY_UNSUPPORTED "Postcopy is not supported yet by qemu-system-cr16"

void qmp_migrate_pause(GError **errp)
{
    /*
     * The source is checked first, then the destination.  Reaching a
     * postcopy status needs postcopy-ram or dirty-bitmaps, which this
     * build refuses, so a match is a bug elsewhere: still say why.
     */
    if (migration_status_postcopy_is_alive(migration_source_status()) ||
        migration_status_postcopy_is_alive(migration_incoming_status())) {
        error_setg(errp, POSTCOPY_UNSUPPORTED);
        return;
    }
    error_setg(errp, "migrate-pause is currently only supported during "
               "postcopy-active or postcopy-recover state");
}

void qmp_migrate_recover(const char *uri, GError **errp)
{
    if (migration_incoming_status() != MIGRATION_STATUS_POSTCOPY_PAUSED) {
        error_setg(errp, "Migrate recover can only be run when postcopy is "
                   "paused.");
        return;
    }
    error_setg(errp, POSTCOPY_UNSUPPORTED);
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
    error_setg(errp, POSTCOPY_UNSUPPORTED);
}

void qmp_set_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                              uint64_t dirty_rate, GError **errp)
{
    /* sic: the stray quote is in QEMU's text (spec 7.11). */
    error_setg(errp, "dirty page limit feature requires KVM with "
               "accelerator property 'dirty-ring-size' set'");
}

void qmp_cancel_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                                 GError **errp)
{
    /* Without the dirty ring no limit can exist: nothing to cancel. */
}

DirtyLimitInfoList *qmp_query_vcpu_dirty_limit(GError **errp)
{
    return NULL;
}

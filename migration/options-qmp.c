/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands migrate-set-capabilities, query-migrate-capabilities,
 * migrate-set-parameters and query-migrate-parameters (spec 7.8, 7.9).
 * Each change is all or nothing: the complete new set is checked first
 * and stored only when every rule passes.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "migration/migration.h"
#include "migration/options-internal.h"

void qmp_migrate_set_capabilities(MigrationCapabilityStatusList *capabilities,
                                  GError **errp)
{
    bool old_caps[MIGRATION_CAPABILITY__MAX];
    bool new_caps[MIGRATION_CAPABILITY__MAX];

    /* "running" includes colo, the other state QEMU refuses in. */
    if (migration_is_running()) {
        error_setg(errp, "There's a migration process in progress");
        return;
    }
    migrate_caps_get(old_caps);
    memcpy(new_caps, old_caps, sizeof(new_caps));
    for (MigrationCapabilityStatusList *l = capabilities; l; l = l->next) {
        new_caps[l->value->capability] = l->value->state;
    }
    if (!migrate_caps_check(old_caps, new_caps, errp)) {
        return;
    }
    migrate_caps_apply(new_caps);
}

MigrationCapabilityStatusList *qmp_query_migrate_capabilities(GError **errp)
{
    MigrationCapabilityStatusList *head = NULL;
    MigrationCapabilityStatusList **tail = &head;
    bool caps[MIGRATION_CAPABILITY__MAX];

    migrate_caps_get(caps);
    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        MigrationCapabilityStatusList *elem;

        elem = g_new0(MigrationCapabilityStatusList, 1);
        elem->value = g_new0(MigrationCapabilityStatus, 1);
        elem->value->capability = i;
        elem->value->state = caps[i];
        *tail = elem;
        tail = &elem->next;
    }
    return head;
}

void qmp_migrate_set_parameters(MigrateSetParameters *arg, GError **errp)
{
    g_autoptr(MigrationParameters) merged = migrate_params_merge(arg);

    /*
     * Allowed during a migration.  The rate limiter and the throttle
     * re-read the accessors, so new bandwidth and throttle values take
     * effect without a notification.
     */
    if (!migrate_params_check(merged, errp)) {
        return;
    }
    migrate_params_apply(g_steal_pointer(&merged));
}

MigrationParameters *qmp_query_migrate_parameters(GError **errp)
{
    return migrate_params_get();
}

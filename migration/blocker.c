/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration blocker registry (include/migration/blocker.h).
 *
 * One list per MigMode, most recent first: `migrate` reports the head of
 * the current mode's list, and query-migrate walks the list so that the
 * oldest reason comes first (spec 7.10).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "migration/blocker.h"
#include "migration/register.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/status.h"

static GMutex blocker_lock;
static GSList *blockers[MIG_MODE__MAX];     /* of GError *, newest first */

static bool migration_busy(void)
{
    /* The status word exists before the migration objects do (devices
     * given with -device are realized first). */
    return runstate_check(RUN_STATE_SAVE_VM) ||
           migration_status_is_running(
               g_atomic_int_get(migration_source_status_word()));
}

/* Append a copy of text at *tail and advance tail. */
static void reasons_append(strList ***tail, char *text)
{
    strList *node = g_new0(strList, 1);

    node->value = text;
    **tail = node;
    *tail = &node->next;
}

static int blocker_add(GError **reasonp, unsigned modes, bool check_busy,
                       GError **errp)
{
    g_assert(reasonp && *reasonp);
    if (check_busy && migration_busy()) {
        error_setg(errp, "disallowing migration blocker (migration/snapshot "
                   "in progress) for: %s", (*reasonp)->message);
        g_clear_error(reasonp);
        return -EBUSY;
    }
    g_mutex_lock(&blocker_lock);
    for (int m = 0; m < MIG_MODE__MAX; m++) {
        if (modes & (1u << m)) {
            blockers[m] = g_slist_prepend(blockers[m], *reasonp);
        }
    }
    g_mutex_unlock(&blocker_lock);
    return 0;
}

int migrate_add_blocker_modes(GError **reasonp, unsigned modes,
                              GError **errp)
{
    return blocker_add(reasonp, modes, true, errp);
}

int migrate_add_blocker(GError **reasonp, GError **errp)
{
    return blocker_add(reasonp, MIG_BLOCKER_MODES_ALL, true, errp);
}

int migrate_add_blocker_internal(GError **reasonp, GError **errp)
{
    return blocker_add(reasonp, MIG_BLOCKER_MODES_ALL, false, errp);
}

void migrate_del_blocker(GError **reasonp)
{
    if (!reasonp || !*reasonp) {
        return;
    }
    g_mutex_lock(&blocker_lock);
    for (int m = 0; m < MIG_MODE__MAX; m++) {
        blockers[m] = g_slist_remove(blockers[m], *reasonp);
    }
    g_mutex_unlock(&blocker_lock);
    g_clear_error(reasonp);
}

bool migration_is_blocked(GError **errp)
{
    MigMode mode = migrate_mode();
    bool blocked = false;

    if (qemu_savevm_state_blocked(errp)) {
        return true;
    }
    g_mutex_lock(&blocker_lock);
    if (mode < MIG_MODE__MAX && blockers[mode]) {
        const GError *newest = blockers[mode]->data;

        error_setg(errp, "%s", newest->message);
        blocked = true;
    }
    g_mutex_unlock(&blocker_lock);
    return blocked;
}

strList *migration_blocked_reasons(void)
{
    MigMode mode = migrate_mode();
    strList *head = NULL, **tail = &head;
    const VMStateEntry *e;
    GSList *oldest_first;

    /* Blockers, oldest first. */
    g_mutex_lock(&blocker_lock);
    oldest_first = mode < MIG_MODE__MAX ?
                   g_slist_reverse(g_slist_copy(blockers[mode])) : NULL;
    for (GSList *l = oldest_first; l; l = l->next) {
        const GError *reason = l->data;

        reasons_append(&tail, g_strdup(reason->message));
    }
    g_mutex_unlock(&blocker_lock);
    g_slist_free(oldest_first);

    /* Then the non-migratable devices, newest registration first. */
    for (int i = vmstate_device_count() - 1; i >= 0; i--) {
        e = vmstate_entry_nth(i);
        if (e && e->vmsd && e->vmsd->unmigratable) {
            reasons_append(&tail, g_strdup_printf("non-migratable device: %s",
                                                  e->idstr));
        }
    }
    return head;
}

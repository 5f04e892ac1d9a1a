/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What gates the switchover (spec/migration-states-and-qmp.md 2.5, 5):
 * switchover-ack on both sides, and the pre-switchover pause that
 * migrate-continue ends. Also the migration thread's wake-up, which the
 * return path, migrate-continue and cancel use.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "migration/migration-core.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/switchover.h"

/* ---- source ---- */

bool migration_can_switchover(MigrationState *s)
{
    /* The gate holds only while the guest runs: a stopped guest (for
     * example after `stop`) cannot dirty memory, so nothing is gained by
     * waiting for the destination. */
    return !migrate_switchover_ack() || !runstate_is_running() ||
           __atomic_load_n(&s->switchover_acked, __ATOMIC_ACQUIRE);
}

void migration_wake(MigrationState *s)
{
    g_mutex_lock(&s->wake_lock);
    g_cond_broadcast(&s->wake_cond);
    g_mutex_unlock(&s->wake_lock);
}

void migration_wait_wake(MigrationState *s, int timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    g_mutex_lock(&s->wake_lock);
    g_cond_wait_until(&s->wake_cond, &s->wake_lock, end);
    g_mutex_unlock(&s->wake_lock);
}

bool migration_pre_switchover_wait(MigrationState *s)
{
    /* Requests that came before we got here do not count (2.5). */
    g_mutex_lock(&s->wake_lock);
    s->continue_requested = false;
    g_mutex_unlock(&s->wake_lock);

    if (!migrate_src_set_state(s, MIGRATION_STATUS_ACTIVE,
                               MIGRATION_STATUS_PRE_SWITCHOVER)) {
        return false;
    }
    bql_unlock();
    g_mutex_lock(&s->wake_lock);
    while (!s->continue_requested &&
           g_atomic_int_get(s->state) == MIGRATION_STATUS_PRE_SWITCHOVER) {
        g_cond_wait(&s->wake_cond, &s->wake_lock);
    }
    s->continue_requested = false;
    g_mutex_unlock(&s->wake_lock);
    bql_lock();

    /* A cancel meanwhile moved the status on: the CAS fails and the
     * switchover is abandoned. */
    return migrate_src_set_state(s, MIGRATION_STATUS_PRE_SWITCHOVER,
                                 MIGRATION_STATUS_DEVICE);
}

/* ---- destination ---- */

static bool incoming_send_ack_once(MigrationIncomingState *mis,
                                   GError **errp)
{
    bool send;

    g_mutex_lock(&mis->rp_lock);
    send = !mis->switchover_ack_sent && mis->switchover_ack_pending == 0;
    if (send) {
        mis->switchover_ack_sent = true;
    }
    g_mutex_unlock(&mis->rp_lock);
    if (send && !migration_rp_send_switchover_ack(mis, errp)) {
        error_prepend(errp, "Could not send switchover ack RP MSG: ");
        return false;
    }
    return true;
}

bool migration_incoming_switchover_ack_init(MigrationIncomingState *mis,
                                            GError **errp)
{
    if (!migrate_switchover_ack()) {
        return true;
    }
    g_mutex_lock(&mis->rp_lock);
    mis->switchover_ack_pending = qemu_savevm_switchover_ack_needed_count();
    mis->switchover_ack_sent = false;
    g_mutex_unlock(&mis->rp_lock);
    return incoming_send_ack_once(mis, errp);
}

bool qemu_loadvm_approve_switchover(GError **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    if (!migrate_switchover_ack()) {
        return true;
    }
    g_mutex_lock(&mis->rp_lock);
    if (mis->switchover_ack_pending <= 0) {
        g_mutex_unlock(&mis->rp_lock);
        error_setg(errp, "switchover approved more often than asked "
                   "(no approval is pending)");
        return false;
    }
    mis->switchover_ack_pending--;
    g_mutex_unlock(&mis->rp_lock);
    return incoming_send_ack_once(mis, errp);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration state objects of this process (one outgoing, one
 * incoming), the first-error slot, and small shared helpers. The threads
 * that drive them live in outgoing.c, return-path.c and incoming.c; the
 * QMP commands in migration-qmp.c.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "migration/migration-core.h"
#include "migration/status.h"

static MigrationState *current_migration;
static MigrationIncomingState *current_incoming;

void migration_core_init(void)
{
    g_assert(!current_migration);
    current_migration = g_new0(MigrationState, 1);
    current_migration->state = migration_source_status_word();
    g_mutex_init(&current_migration->file_lock);
    g_mutex_init(&current_migration->wake_lock);
    g_cond_init(&current_migration->wake_cond);
    g_mutex_init(&current_migration->error_lock);

    current_incoming = g_new0(MigrationIncomingState, 1);
    current_incoming->state = migration_incoming_status_word();
    current_incoming->exit_on_error = true;
    g_mutex_init(&current_incoming->rp_lock);
    g_mutex_init(&current_incoming->file_lock);
    g_mutex_init(&current_incoming->recover_lock);
    g_cond_init(&current_incoming->recover_cond);
    g_cond_init(&current_incoming->preempt_cond);
}

MigrationState *migrate_get_current(void)
{
    g_assert(current_migration);
    return current_migration;
}

MigrationIncomingState *migration_incoming_get_current(void)
{
    g_assert(current_incoming);
    return current_incoming;
}

void migrate_set_error(MigrationState *s, GError *err)
{
    if (!err) {
        return;
    }
    g_mutex_lock(&s->error_lock);
    if (!s->error) {
        s->error = err;
        err = NULL;
    }
    g_mutex_unlock(&s->error_lock);
    g_clear_error(&err);
}

GError *migrate_get_error(MigrationState *s)
{
    GError *copy = NULL;

    g_mutex_lock(&s->error_lock);
    if (s->error) {
        copy = g_error_copy(s->error);
    }
    g_mutex_unlock(&s->error_lock);
    return copy;
}

void migrate_clear_error(MigrationState *s)
{
    g_mutex_lock(&s->error_lock);
    g_clear_error(&s->error);
    g_mutex_unlock(&s->error_lock);
}

bool migrate_src_set_state(MigrationState *s, int old_state, int new_state)
{
    return migrate_set_state(MIGRATION_SIDE_SOURCE, s->state, old_state,
                             new_state);
}

int64_t migration_now_ms(void)
{
    return qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
}

double migration_get_mbps(MigrationState *s)
{
    uint64_t bits = __atomic_load_n(&s->mbps_bits, __ATOMIC_RELAXED);
    double v;

    memcpy(&v, &bits, sizeof(v));
    return v;
}

void migration_set_mbps(MigrationState *s, double mbps)
{
    uint64_t bits;

    memcpy(&bits, &mbps, sizeof(bits));
    __atomic_store_n(&s->mbps_bits, bits, __ATOMIC_RELAXED);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Storage for the process-wide migration status words and flags
 * (migration/migration.h).
 */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/status.h"

/* Written only by migrate_set_state() (CAS) and the silent reset. */
static int source_status = MIGRATION_STATUS_NONE;
static int incoming_status = MIGRATION_STATUS_NONE;
/* Written under the BQL by the incoming code; read atomically. */
static bool incoming_transport_started;

int *migration_source_status_word(void)
{
    return &source_status;
}

int *migration_incoming_status_word(void)
{
    return &incoming_status;
}

MigrationStatus migration_source_status(void)
{
    return qatomic_read(&source_status);
}

MigrationStatus migration_incoming_status(void)
{
    return qatomic_read(&incoming_status);
}

bool migration_source_status_reset(void)
{
    int cur = qatomic_read(&source_status);

    switch (cur) {
    case MIGRATION_STATUS_NONE:
    case MIGRATION_STATUS_COMPLETED:
    case MIGRATION_STATUS_FAILED:
    case MIGRATION_STATUS_CANCELLED:
        /* CAS so that a concurrent change is never overwritten. */
        return qatomic_cmpxchg(&source_status, cur, MIGRATION_STATUS_NONE)
               == cur;
    default:
        return false;
    }
}

bool migration_is_running(void)
{
    return migration_status_is_running(migration_source_status());
}

bool migration_incoming_transport_started(void)
{
    return qatomic_read(&incoming_transport_started);
}

void migration_set_incoming_transport_started(bool started)
{
    qatomic_set(&incoming_transport_started, started);
}

void migration_state_reset_for_test(void)
{
    qatomic_set(&source_status, MIGRATION_STATUS_NONE);
    qatomic_set(&incoming_status, MIGRATION_STATUS_NONE);
    qatomic_set(&incoming_transport_started, false);
}

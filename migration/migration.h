/*
 * The process-wide migration state words and flags that several parts of
 * migration/ consult: the source and destination MigrationStatus (changed
 * only through migrate_set_state() in status.h), and whether an incoming
 * transport has been started.  The QMP option commands read them to
 * refuse changes during a migration; the migration core (outgoing thread,
 * incoming, QMP migrate/migrate-incoming) writes them.
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include <stdbool.h>
#include "qapi/qapi-types.h"

/*
 * The status words themselves, for migrate_set_state(side, word, old,
 * new).  Both start at MIGRATION_STATUS_NONE.  Only the CAS setter may
 * write through them; everyone else reads with the functions below.
 */
int *migration_source_status_word(void);
int *migration_incoming_status_word(void);

/* Current source / destination status (atomic read; any thread). */
MigrationStatus migration_source_status(void);
MigrationStatus migration_incoming_status(void);

/*
 * Silent reset of the source status to none when a new migration is
 * accepted (spec 2.2 first row: no event; the CAS none->setup follows).
 * Only valid from none, completed, failed or cancelled; returns false
 * (and changes nothing) from any other status.  Main thread.
 */
bool migration_source_status_reset(void);

/* "migration running" (spec section 1) on the source status. */
bool migration_is_running(void);

/*
 * Whether an incoming listener/transport currently exists (from a
 * successful migrate-incoming / -incoming / migrate-recover until the
 * incoming side is torn down).  Capabilities multifd and
 * postcopy-preempt cannot be newly enabled while it is true.  Written
 * by the incoming code under the BQL; read anywhere.
 */
bool migration_incoming_transport_started(void);
void migration_set_incoming_transport_started(bool started);

/*
 * Forget everything (tests only): both statuses back to none, no
 * incoming transport.
 */
void migration_state_reset_for_test(void);

#endif /* MIGRATION_MIGRATION_H */

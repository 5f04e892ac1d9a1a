/*
 * MigrationStatus changes (spec/migration-states-and-qmp.md 1-3): one
 * compare-and-set function checked against one table of allowed
 * transitions per side, which also emits the MIGRATION event (when the
 * events capability is on). Predicates of section 1 live here too.
 *
 * The table (status-table.c) is plain data with no dependency on the
 * system emulator, so the documentation generator
 * (scripts/migration-status-doc.c) links it and prints
 * docs/devel/migration/states.rst from it.
 */
#ifndef MIGRATION_STATUS_H
#define MIGRATION_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qapi/qapi-types.h"

typedef enum MigrationSide {
    MIGRATION_SIDE_SOURCE,
    MIGRATION_SIDE_DESTINATION,
} MigrationSide;

/* One row of the transition table: any status in from_mask -> to. */
typedef struct MigrationTransition {
    MigrationSide side;
    uint32_t from_mask;             /* bit n = MigrationStatus n */
    MigrationStatus to;
    const char *trigger;            /* who makes the change, and why */
} MigrationTransition;

/* The table, in spec order; *count gets its number of rows. */
const MigrationTransition *migration_transition_table(size_t *count);

/* "source" / "destination". */
const char *migration_side_str(MigrationSide side);

/*
 * Atomically change *state from old_state to new_state if it still holds
 * old_state and the table allows old->new for this side. Returns true
 * when the change happened; then the MIGRATION event has been emitted
 * (if the events capability is on) and the notifiers have run, in the
 * calling thread. A transition the table forbids is a programming error:
 * it is refused (nothing changes) and reported on stderr.
 */
bool migrate_set_state(MigrationSide side, int *state, int old_state,
                       int new_state);
/* Is old->new in the table for this side? */
bool migration_transition_allowed(MigrationSide side, MigrationStatus old,
                                  MigrationStatus new_state);

/*
 * Called after every successful migrate_set_state(), in the thread that
 * made the change, without any lock of ours held.  For code that waits
 * for a status (condition variables) or mirrors it.
 */
typedef void MigrationStatusNotify(MigrationSide side, MigrationStatus old,
                                   MigrationStatus new_state, void *opaque);
void migration_status_add_notifier(MigrationStatusNotify *fn, void *opaque);
void migration_status_remove_notifier(MigrationStatusNotify *fn,
                                      void *opaque);

/* Number of MIGRATION events sent by this process so far. */
uint64_t migration_status_events_sent(void);

/* Predicates of spec section 1 (on a status value). */
bool migration_status_is_running(MigrationStatus s);
bool migration_status_is_active(MigrationStatus s);
bool migration_status_in_postcopy(MigrationStatus s);
bool migration_status_postcopy_is_alive(MigrationStatus s);
bool migration_status_postcopy_is_paused(MigrationStatus s);
bool migration_status_has_failed(MigrationStatus s);

#endif /* MIGRATION_STATUS_H */

/*
 * MigrationStatus changes (spec/migration-states-and-qmp.md 1-3): one
 * compare-and-set function checked against one table of allowed
 * transitions per side, which also emits the MIGRATION event (when the
 * events capability is on). Predicates of section 1 live here too.
 */
#ifndef MIGRATION_STATUS_H
#define MIGRATION_STATUS_H

#include <stdbool.h>
#include "qapi/qapi-types.h"

typedef enum MigrationSide {
    MIGRATION_SIDE_SOURCE,
    MIGRATION_SIDE_DESTINATION,
} MigrationSide;

/*
 * Atomically change *state from old_state to new_state if it still holds
 * old_state and the table allows old->new for this side. Returns true
 * when the change happened (and the event was emitted). A transition the
 * table forbids is a programming error: it is refused and reported.
 */
bool migrate_set_state(MigrationSide side, int *state, int old_state,
                       int new_state);
/* Is old->new in the table for this side? */
bool migration_transition_allowed(MigrationSide side, MigrationStatus old,
                                  MigrationStatus new_state);

/* Predicates of spec section 1 (on a status value). */
bool migration_status_is_running(MigrationStatus s);
bool migration_status_is_active(MigrationStatus s);
bool migration_status_in_postcopy(MigrationStatus s);
bool migration_status_postcopy_is_alive(MigrationStatus s);
bool migration_status_postcopy_is_paused(MigrationStatus s);
bool migration_status_has_failed(MigrationStatus s);

#endif /* MIGRATION_STATUS_H */

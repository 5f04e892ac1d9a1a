/*
 * The "globalstate" entry (spec/migration-wire-format.md 1.9): the run
 * state the source had when it stopped for the switchover, so that the
 * destination starts the guest only if it was live there.
 */
#ifndef MIGRATION_GLOBAL_STATE_H
#define MIGRATION_GLOBAL_STATE_H

#include <stdbool.h>
#include "qapi/qapi-types.h"

/* Register the entry (once, after the board's devices: it is normally
 * the last FULL section). BQL held. */
void global_state_register(void);
/* Source, BQL held, just before the switchover stop: record the current
 * run state for the stream. */
void global_state_store(void);
/* Destination: forget what an earlier load brought (before a load). */
void global_state_reset(void);
/* Destination, after a load: was the entry in the stream, and with which
 * run state? (RUN_STATE_RUNNING when it was not received.) */
bool global_state_received(void);
RunState global_state_get_runstate(void);

#endif /* MIGRATION_GLOBAL_STATE_H */

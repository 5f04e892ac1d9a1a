/*
 * The "globalstate" entry (wire-format 1.9): the run state the source
 * stopped in, so that the destination resumes the guest only when the
 * source was running. Source: store before completion. Destination: read
 * after the load.
 */
#ifndef MIGRATION_GLOBAL_STATE_H
#define MIGRATION_GLOBAL_STATE_H

#include <stdbool.h>

/* Register the entry (once; later calls do nothing). Done at start-up
 * after the board, so it is normally the last FULL section; the stream
 * code also calls it before saving or loading. BQL. */
void global_state_register(void);
/* Source: record the current run state; call before completion. */
void global_state_store(void);
/* Source: record "running" (the state a live migration stops from). */
void global_state_store_running(void);
/* Destination: the run-state name received, or NULL when the section
 * was not received (then "running" is assumed by the caller). */
const char *global_state_get_runstate(void);
/* Destination: whether the source guest was suspended (false if not
 * received). */
bool global_state_vm_was_suspended(void);
/* Forget what was received (start of an incoming migration). */
void global_state_reset_received(void);

#endif /* MIGRATION_GLOBAL_STATE_H */

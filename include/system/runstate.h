/*
 * Run states (QAPI RunState), VM start/stop, and shutdown/reset requests.
 *
 * Every run-state change goes through runstate_set(), which checks the
 * transition against one table (system/runstate.c) and traces it. vm_start()
 * and vm_stop() add the vCPU start/stop, the virtual clock and the
 * RESUME/STOP events. All functions here need the BQL.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "qapi/qapi-types.h"

RunState runstate_get(void);
bool runstate_check(RunState state);
/* True only in "running" (query-status "running"); not when suspended. */
bool runstate_is_running(void);
/* Is the transition from the current state to new_state allowed? */
bool runstate_transition_allowed(RunState from, RunState to);
/*
 * Change the run state. An invalid transition is our bug: it is reported
 * through errp and nothing changes.
 */
bool runstate_set(RunState new_state, GError **errp);

/* Start the vCPUs: state running, RESUME event, virtual clock starts. */
void vm_start(void);
/*
 * Stop a live VM (running or suspended): stop the vCPUs (waits until the
 * vCPU thread is quiescent), stop the virtual clock, set `state`, and emit
 * STOP. Returns 0. An already stopped VM is left as it is.
 */
int vm_stop(RunState state);
/* Like vm_stop, but an already stopped VM still moves to `state`. */
int vm_stop_force_state(RunState state);

/* Whether the guest should start when an incoming migration completes. */
extern bool autostart;

typedef void VMChangeStateHandler(void *opaque, bool running, RunState state);
typedef struct VMChangeStateEntry VMChangeStateEntry;
VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque);
void qemu_del_vm_change_state_handler(VMChangeStateEntry *e);

/*
 * Requests are recorded and carried out by the main loop (any thread may
 * request; the vCPU thread uses these for guest power-off and reset).
 */
void qemu_system_shutdown_request(ShutdownCause cause);
/* Guest power-off with an exit status for the process. */
void qemu_system_shutdown_request_with_code(ShutdownCause cause, int code);
void qemu_system_reset_request(ShutdownCause cause);
void qemu_system_powerdown_request(void);

/* Reset every device and the CPU (BQL held, VM stopped or running). */
void qemu_system_reset(ShutdownCause reason);

typedef void QEMUResetHandler(void *opaque);
void qemu_register_reset(QEMUResetHandler *fn, void *opaque);
void qemu_unregister_reset(QEMUResetHandler *fn, void *opaque);

/* -no-shutdown / -no-reboot / -action policy. */
extern bool no_shutdown;
extern bool no_reboot;

#endif /* SYSTEM_RUNSTATE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run states: the one transition table, the one setter, VM start/stop and
 * the shutdown/reset/power-down requests the main loop carries out.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-events.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"
#include "system/cpus.h"
#include "system/system.h"
#include "hw/qdev-core.h"

bool autostart = true;
bool no_shutdown;
bool no_reboot;

static RunState current_state = RUN_STATE_PRELAUNCH;
/* The live state a stopped VM returns to on cont (suspended or running). */
static RunState resume_state = RUN_STATE_RUNNING;

/*
 * Allowed transitions, one row per source state. Staying in the same state
 * is always allowed. The table is QEMU's RunState graph restricted to what
 * a single-CPU machine without COLO or snapshots can reach.
 */
static const struct {
    RunState from;
    RunState to[12];
} transitions[] = {
    { RUN_STATE_DEBUG, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                         RUN_STATE_PRELAUNCH, RUN_STATE__MAX } },
    { RUN_STATE_INMIGRATE, { RUN_STATE_INTERNAL_ERROR, RUN_STATE_IO_ERROR,
                             RUN_STATE_PAUSED, RUN_STATE_RUNNING,
                             RUN_STATE_SHUTDOWN, RUN_STATE_SUSPENDED,
                             RUN_STATE_WATCHDOG, RUN_STATE_GUEST_PANICKED,
                             RUN_STATE_PRELAUNCH, RUN_STATE_POSTMIGRATE,
                             RUN_STATE_FINISH_MIGRATE, RUN_STATE__MAX } },
    /* No way back to running but through a reset (prelaunch). */
    { RUN_STATE_INTERNAL_ERROR, { RUN_STATE_PAUSED, RUN_STATE_FINISH_MIGRATE,
                                  RUN_STATE_PRELAUNCH, RUN_STATE__MAX } },
    { RUN_STATE_IO_ERROR, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                            RUN_STATE_PRELAUNCH, RUN_STATE__MAX } },
    { RUN_STATE_PAUSED, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                          RUN_STATE_POSTMIGRATE, RUN_STATE_PRELAUNCH,
                          RUN_STATE_SUSPENDED, RUN_STATE_SHUTDOWN,
                          RUN_STATE__MAX } },
    { RUN_STATE_POSTMIGRATE, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                               RUN_STATE_PRELAUNCH, RUN_STATE_PAUSED,
                               RUN_STATE__MAX } },
    { RUN_STATE_PRELAUNCH, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                             RUN_STATE_INMIGRATE, RUN_STATE_PAUSED,
                             RUN_STATE_SHUTDOWN, RUN_STATE__MAX } },
    { RUN_STATE_FINISH_MIGRATE, { RUN_STATE_RUNNING, RUN_STATE_PAUSED,
                                  RUN_STATE_POSTMIGRATE, RUN_STATE_PRELAUNCH,
                                  RUN_STATE_INTERNAL_ERROR, RUN_STATE_IO_ERROR,
                                  RUN_STATE_SHUTDOWN, RUN_STATE_SUSPENDED,
                                  RUN_STATE_WATCHDOG, RUN_STATE_GUEST_PANICKED,
                                  RUN_STATE__MAX } },
    { RUN_STATE_RESTORE_VM, { RUN_STATE_RUNNING, RUN_STATE_PRELAUNCH,
                              RUN_STATE__MAX } },
    { RUN_STATE_COLO, { RUN_STATE_RUNNING, RUN_STATE_PRELAUNCH,
                        RUN_STATE_SHUTDOWN, RUN_STATE__MAX } },
    { RUN_STATE_RUNNING, { RUN_STATE_DEBUG, RUN_STATE_INTERNAL_ERROR,
                           RUN_STATE_IO_ERROR, RUN_STATE_PAUSED,
                           RUN_STATE_FINISH_MIGRATE, RUN_STATE_RESTORE_VM,
                           RUN_STATE_SAVE_VM, RUN_STATE_SHUTDOWN,
                           RUN_STATE_WATCHDOG, RUN_STATE_GUEST_PANICKED,
                           RUN_STATE_SUSPENDED, RUN_STATE__MAX } },
    { RUN_STATE_SAVE_VM, { RUN_STATE_RUNNING, RUN_STATE_SUSPENDED,
                           RUN_STATE__MAX } },
    { RUN_STATE_SHUTDOWN, { RUN_STATE_PAUSED, RUN_STATE_FINISH_MIGRATE,
                            RUN_STATE_PRELAUNCH, RUN_STATE__MAX } },
    { RUN_STATE_SUSPENDED, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                             RUN_STATE_PRELAUNCH, RUN_STATE_PAUSED,
                             RUN_STATE_SAVE_VM, RUN_STATE__MAX } },
    { RUN_STATE_WATCHDOG, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                            RUN_STATE_PRELAUNCH, RUN_STATE__MAX } },
    { RUN_STATE_GUEST_PANICKED, { RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE,
                                  RUN_STATE_PRELAUNCH, RUN_STATE__MAX } },
};

RunState runstate_get(void)
{
    return current_state;
}

bool runstate_check(RunState state)
{
    return current_state == state;
}

bool runstate_is_running(void)
{
    return current_state == RUN_STATE_RUNNING;
}

bool runstate_transition_allowed(RunState from, RunState to)
{
    if (from == to) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(transitions); i++) {
        if (transitions[i].from != from) {
            continue;
        }
        for (size_t j = 0; j < ARRAY_SIZE(transitions[i].to); j++) {
            if (transitions[i].to[j] == RUN_STATE__MAX) {
                break;
            }
            if (transitions[i].to[j] == to) {
                return true;
            }
        }
    }
    return false;
}

bool runstate_set(RunState new_state, GError **errp)
{
    if (!runstate_transition_allowed(current_state, new_state)) {
        error_setg(errp, "invalid runstate transition: '%s' -> '%s'",
                   RunState_str(current_state), RunState_str(new_state));
        return false;
    }
    current_state = new_state;
    return true;
}

/* Our own transitions are table-checked; an invalid one is a bug. */
static void runstate_set_or_die(RunState new_state)
{
    g_autoptr(GError) err = NULL;

    if (!runstate_set(new_state, &err)) {
        g_error("%s", err->message);
    }
}

/* ---- change-state handlers ---- */

struct VMChangeStateEntry {
    VMChangeStateHandler *cb;
    void *opaque;
};

static GList *change_handlers;

VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb,
                                                     void *opaque)
{
    VMChangeStateEntry *e = g_new(VMChangeStateEntry, 1);

    e->cb = cb;
    e->opaque = opaque;
    change_handlers = g_list_append(change_handlers, e);
    return e;
}

void qemu_del_vm_change_state_handler(VMChangeStateEntry *e)
{
    change_handlers = g_list_remove(change_handlers, e);
    g_free(e);
}

static void notify_change(bool running, RunState state)
{
    /* Stop notifies in reverse registration order, start in order. */
    if (running) {
        for (GList *l = change_handlers; l; l = l->next) {
            VMChangeStateEntry *e = l->data;
            e->cb(e->opaque, running, state);
        }
    } else {
        for (GList *l = g_list_last(change_handlers); l; l = l->prev) {
            VMChangeStateEntry *e = l->data;
            e->cb(e->opaque, running, state);
        }
    }
}

/* ---- start / stop ---- */

void vm_start(void)
{
    RunState target = resume_state;

    if (runstate_is_running()) {
        return;
    }
    resume_state = RUN_STATE_RUNNING;
    runstate_set_or_die(target);
    qemu_virtual_clock_start();
    notify_change(true, target);
    qapi_event_send_resume();
    cpus_resume();
}

static bool runstate_is_live(void)
{
    return current_state == RUN_STATE_RUNNING ||
           current_state == RUN_STATE_SUSPENDED;
}

static int do_vm_stop(RunState state, bool send_stop)
{
    /*
     * A stopped VM keeps its state (qmp.md 9.5 "stop"): moving it would let
     * shutdown/internal-error reach paused and then cont without a reset,
     * and a request queued before a migration stop could ask for a
     * transition the table refuses (postmigrate -> shutdown).
     */
    if (!runstate_is_live()) {
        return 0;
    }
    resume_state = current_state;
    cpus_pause();
    qemu_virtual_clock_stop();
    runstate_set_or_die(state);
    notify_change(false, state);
    if (send_stop) {
        qapi_event_send_stop();
    }
    return 0;
}

int vm_stop(RunState state)
{
    return do_vm_stop(state, true);
}

int vm_stop_force_state(RunState state)
{
    if (runstate_is_live()) {
        return vm_stop(state);
    }
    runstate_set_or_die(state);
    return 0;
}

static bool cause_is_guest(ShutdownCause c)
{
    return c == SHUTDOWN_CAUSE_GUEST_SHUTDOWN || c == SHUTDOWN_CAUSE_GUEST_RESET ||
           c == SHUTDOWN_CAUSE_GUEST_PANIC;
}

/* ---- reset ---- */

typedef struct ResetEntry {
    QEMUResetHandler *fn;
    void *opaque;
} ResetEntry;

static GList *reset_handlers;

void qemu_register_reset(QEMUResetHandler *fn, void *opaque)
{
    ResetEntry *e = g_new(ResetEntry, 1);

    e->fn = fn;
    e->opaque = opaque;
    reset_handlers = g_list_append(reset_handlers, e);
}

void qemu_unregister_reset(QEMUResetHandler *fn, void *opaque)
{
    for (GList *l = reset_handlers; l; l = l->next) {
        ResetEntry *e = l->data;

        if (e->fn == fn && e->opaque == opaque) {
            reset_handlers = g_list_delete_link(reset_handlers, l);
            g_free(e);
            return;
        }
    }
}

void qemu_system_reset(ShutdownCause reason)
{
    bool was_running = runstate_is_running();

    if (was_running) {
        cpus_pause();
    }
    qdev_reset_all();
    for (GList *l = reset_handlers; l; l = l->next) {
        ResetEntry *e = l->data;
        e->fn(e->opaque);
    }
    if (reason != SHUTDOWN_CAUSE_NONE) {
        qapi_event_send_reset(cause_is_guest(reason), reason);
    }
    if (was_running) {
        cpus_resume();
    } else if (!runstate_check(RUN_STATE_INMIGRATE) &&
               !runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        resume_state = RUN_STATE_RUNNING;
        runstate_set_or_die(RUN_STATE_PRELAUNCH);
    }
}

/* ---- requests, carried out by the main loop ---- */

static GMutex request_lock;
static ShutdownCause shutdown_requested;    /* NONE when no request */
static ShutdownCause reset_requested;
static bool powerdown_requested;
static bool requests_scheduled;
int qemu_exit_status;

static void process_requests(void *opaque)
{
    ShutdownCause shut, reset;
    bool powerdown;

    g_mutex_lock(&request_lock);
    shut = shutdown_requested;
    reset = reset_requested;
    powerdown = powerdown_requested;
    shutdown_requested = reset_requested = SHUTDOWN_CAUSE_NONE;
    powerdown_requested = false;
    requests_scheduled = false;
    g_mutex_unlock(&request_lock);

    if (reset != SHUTDOWN_CAUSE_NONE) {
        if (no_reboot && reset == SHUTDOWN_CAUSE_GUEST_RESET) {
            shut = SHUTDOWN_CAUSE_GUEST_RESET;
        } else {
            qemu_system_reset(reset);
        }
    }
    if (powerdown) {
        qapi_event_send_powerdown();
        machine_powerdown_request();
    }
    if (shut != SHUTDOWN_CAUSE_NONE) {
        qapi_event_send_shutdown(cause_is_guest(shut), shut);
        if (no_shutdown && shut == SHUTDOWN_CAUSE_GUEST_SHUTDOWN) {
            vm_stop(RUN_STATE_SHUTDOWN);
        } else {
            system_shutdown_begin();
        }
    }
}

static void schedule_requests_locked(void)
{
    if (!requests_scheduled) {
        requests_scheduled = true;
        main_loop_schedule(process_requests, NULL);
    }
}

void qemu_system_shutdown_request_with_code(ShutdownCause cause, int code)
{
    g_mutex_lock(&request_lock);
    if (shutdown_requested == SHUTDOWN_CAUSE_NONE) {
        shutdown_requested = cause;
        qemu_exit_status = code;
    }
    schedule_requests_locked();
    g_mutex_unlock(&request_lock);
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    qemu_system_shutdown_request_with_code(cause, 0);
}

void qemu_system_reset_request(ShutdownCause cause)
{
    g_mutex_lock(&request_lock);
    reset_requested = cause;
    schedule_requests_locked();
    g_mutex_unlock(&request_lock);
}

void qemu_system_powerdown_request(void)
{
    g_mutex_lock(&request_lock);
    powerdown_requested = true;
    schedule_requests_locked();
    g_mutex_unlock(&request_lock);
}

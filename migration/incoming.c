/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The incoming side (spec/migration-states-and-qmp.md 3, wire-format 1.7):
 * listen (migrate-incoming, -incoming), take the first connection, load
 * the stream in the incoming thread ("mig/dst/main"), then in the main
 * loop start the guest per the received run state and autostart, report
 * `completed` or `failed`, say SHUT on the return path and tear down.
 *
 * The run state stays `inmigrate` until the load succeeded: a guest that
 * did not load completely never runs.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qemu/yank.h"
#include "qapi/error.h"
#include "qapi/json-visit.h"
#include "qapi/qapi-visit.h"
#include "system/runstate.h"
#include "migration/migration-core.h"
#include "migration/savevm.h"
#include "migration/status.h"
#include "migration/global_state.h"
#include "migration/threadinfo.h"
#include "migration/tls-channel-setup.h"
#include "migration/multifd-channels.h"
#include "migration/ram-digest-mig.h"

static bool incoming_set_state(MigrationIncomingState *mis, int old_state,
                               int new_state)
{
    return migrate_set_state(MIGRATION_SIDE_DESTINATION, mis->state,
                             old_state, new_state);
}

/* ---- LoadvmHooks: the commands that reach beyond the stream ---- */

static bool incoming_open_return_path(void *opaque, GError **errp)
{
    MigrationIncomingState *mis = opaque;
    QEMUFile *rp;

    g_mutex_lock(&mis->rp_lock);
    if (mis->to_src_file) {
        g_mutex_unlock(&mis->rp_lock);
        /* QEMU only complains here; the stream goes on. */
        error_report("migration: return path already open");
        return true;
    }
    rp = qemu_file_get_return_path(mis->from_src_file);
    if (!rp) {
        g_mutex_unlock(&mis->rp_lock);
        error_setg(errp, "OPEN_RETURN_PATH: the incoming channel is "
                   "one-way, no return path can be opened");
        return false;
    }
    mis->to_src_file = rp;
    g_mutex_unlock(&mis->rp_lock);
    return migration_incoming_switchover_ack_init(mis, errp);
}

static bool incoming_ping(void *opaque, uint32_t value, GError **errp)
{
    MigrationIncomingState *mis = opaque;

    if (!migration_rp_send_pong(mis, value, errp)) {
        error_prepend(errp, "PING 0x%x received with no usable return "
                      "path: ", value);
        return false;
    }
    if (value == QEMU_VM_PING_PACKAGED_LOADED) {
        __atomic_store_n(&mis->package_pong_sent, true, __ATOMIC_RELEASE);
    }
    postcopy_incoming_ping(mis, value);
    return true;
}

static LoadvmHooks incoming_hooks;

static bool incoming_command(void *opaque, QEMUFile *f, MigCmd cmd,
                             uint16_t len, bool *stop, GError **errp)
{
    return postcopy_incoming_command(opaque, &incoming_hooks, f, cmd, len,
                                     stop, errp);
}

static LoadvmHooks incoming_hooks = {
    .open_return_path = incoming_open_return_path,
    .ping = incoming_ping,
    .command = incoming_command,
};

/* ---- yank: the user's way out of a stalled load ---- */

/*
 * yank {"type": "migration"} on the destination (migrate_cancel does not
 * act here, spec 2.3): shut down the channels the load reads, so a peer
 * that stops sending cannot hold the destination -- the load fails
 * (precopy) or postcopy pauses, as after a network failure.  Runs under
 * the yank lock in whatever thread yanks; file_lock keeps the files from
 * being closed meanwhile, and shutting down never blocks.
 */
static void incoming_yank(void *opaque)
{
    MigrationIncomingState *mis = opaque;

    g_mutex_lock(&mis->file_lock);
    if (mis->from_src_file) {
        qemu_file_shutdown(mis->from_src_file);
    }
    if (mis->preempt_file) {
        qemu_file_shutdown(mis->preempt_file);
    }
    postcopy_preempt_incoming_main_shut(mis);
    g_mutex_unlock(&mis->file_lock);
}

static bool incoming_yank_register(MigrationIncomingState *mis,
                                   GError **errp)
{
    if (!yank_register_instance(YANK_MIGRATION_INSTANCE, errp)) {
        return false;
    }
    yank_register_function(YANK_MIGRATION_INSTANCE, incoming_yank, mis);
    return true;
}

static void incoming_yank_unregister(MigrationIncomingState *mis)
{
    if (yank_instance_registered(YANK_MIGRATION_INSTANCE)) {
        yank_unregister_function(YANK_MIGRATION_INSTANCE, incoming_yank,
                                 mis);
        yank_unregister_instance(YANK_MIGRATION_INSTANCE);
    }
}

/* ---- the end of the load (main loop, BQL) ---- */

static void incoming_teardown(MigrationIncomingState *mis, uint32_t shut)
{
    QEMUFile *rp, *f;

    g_mutex_lock(&mis->rp_lock);
    rp = mis->to_src_file;
    g_mutex_unlock(&mis->rp_lock);
    if (rp) {
        migration_rp_send_shut(mis, shut);
        g_mutex_lock(&mis->rp_lock);
        mis->to_src_file = NULL;
        g_mutex_unlock(&mis->rp_lock);
        qemu_fclose(rp);
    }
    g_mutex_lock(&mis->file_lock);
    f = mis->from_src_file;
    mis->from_src_file = NULL;
    g_mutex_unlock(&mis->file_lock);
    qemu_fclose(f);
    /* Before postcopy's state goes: the receivers may still use it. */
    multifd_incoming_teardown(mis);
    postcopy_incoming_teardown(mis);
    qemu_loadvm_state_cleanup();
    if (mis->listener) {
        migration_transport_listener_close(mis->listener);
        mis->listener = NULL;
    }
    incoming_yank_unregister(mis);
    migration_set_incoming_transport_started(false);
}

/*
 * Start the guest as the source had it (1.9, 6.1): live there -> start
 * if autostart, else paused; not live -> the source's run state.
 */
static RunState incoming_source_runstate(void)
{
    const char *name = global_state_get_runstate();

    if (!name) {
        return RUN_STATE_RUNNING;   /* not in the stream: assume running */
    }
    for (int i = 0; i < RUN_STATE__MAX; i++) {
        if (!strcmp(name, RunState_str(i))) {
            return i;
        }
    }
    /* The loader already refused unknown names; be safe anyway. */
    return RUN_STATE_PAUSED;
}

static void incoming_start_vm(void)
{
    RunState rs = incoming_source_runstate();

    if (rs == RUN_STATE_RUNNING || rs == RUN_STATE_SUSPENDED) {
        if (autostart) {
            vm_start();
        } else {
            runstate_set(RUN_STATE_PAUSED, NULL);
        }
        return;
    }
    if (!runstate_transition_allowed(RUN_STATE_INMIGRATE, rs)) {
        rs = RUN_STATE_PAUSED;
    }
    runstate_set(rs, NULL);
}

static void incoming_finish_bh(void *opaque)
{
    MigrationIncomingState *mis = opaque;
    GError *err;
    g_autofree char *msg = NULL;
    MigrationStatus st;

    g_thread_join(mis->thread);
    mis->thread = NULL;
    /* x-ram-digest: the result is visible before the final status. */
    ram_digest_mig_dst_publish();

    if (mis->load_ok) {
        if (g_atomic_int_get(mis->state) == MIGRATION_STATUS_ACTIVE) {
            /* The run state changes before the `completed` event (6.3). */
            incoming_start_vm();
            incoming_set_state(mis, MIGRATION_STATUS_ACTIVE,
                               MIGRATION_STATUS_COMPLETED);
        } else {
            /* Postcopy: the guest was started at POSTCOPY_RUN. */
            incoming_set_state(mis, MIGRATION_STATUS_POSTCOPY_ACTIVE,
                               MIGRATION_STATUS_COMPLETED);
        }
        incoming_teardown(mis, 0);
        return;
    }

    err = mis->load_error;
    mis->load_error = NULL;
    if (!err) {
        error_setg(&err, "unknown error");
    }
    error_prepend(&err, "load of migration failed: ");
    msg = g_strdup(err->message);
    /* Incoming failures live in the process-wide error slot (7.10). */
    migrate_set_error(migrate_get_current(), err);
    st = g_atomic_int_get(mis->state);
    if (st != MIGRATION_STATUS_FAILED) {
        incoming_set_state(mis, st, MIGRATION_STATUS_FAILED);
    }
    incoming_teardown(mis, 1);

    if (mis->exit_on_error) {
        error_report("%s", msg);
        migrate_clear_error(migrate_get_current());
        qemu_system_shutdown_request_with_code(SHUTDOWN_CAUSE_HOST_ERROR, 1);
    }
}

static gpointer incoming_thread(gpointer opaque)
{
    MigrationIncomingState *mis = opaque;
    GError *err = NULL;

    incoming_hooks.opaque = mis;
    mis->load_ok = qemu_loadvm_state(mis->from_src_file, &incoming_hooks,
                                     &err);
    /* Postcopy: the listen thread has the rest of the stream. */
    mis->load_ok = postcopy_incoming_join(mis, mis->load_ok,
                                          err ? NULL : &err);
    /* x-ram-digest, precopy: RAM is complete and nobody runs it. */
    if (mis->load_ok &&
        g_atomic_int_get(mis->state) == MIGRATION_STATUS_ACTIVE) {
        mis->load_ok = ram_digest_mig_dst_check(&err);
    }
    /* Postcopy: every page arrived; the result only reports. */
    if (mis->load_ok && mis->pc_dest &&
        g_atomic_int_get(mis->state) == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        ram_digest_mig_dst_postcopy_check(mis->pc_dest);
    }
    ram_digest_mig_dst_reset();
    mis->load_error = err;
    main_loop_schedule(incoming_finish_bh, mis);
    return NULL;
}

/* ---- listening ---- */

static void incoming_accepted(MigChannel *ch, void *opaque)
{
    /* multifd-channels.c sorts it (wire 6.1) and comes back for main. */
    migration_incoming_accept_channel(opaque, ch);
}

void migration_incoming_start_main(MigrationIncomingState *mis,
                                   MigChannel *ch)
{
    if (mis->from_src_file ||
        g_atomic_int_get(mis->state) != MIGRATION_STATUS_SETUP) {
        error_report("migration: ignoring an extra incoming connection");
        mig_channel_unref(ch);
        return;
    }
    g_mutex_lock(&mis->file_lock);
    mis->from_src_file = qemu_file_new_input(ch);
    g_mutex_unlock(&mis->file_lock);
    mig_channel_unref(ch);
    incoming_set_state(mis, MIGRATION_STATUS_SETUP, MIGRATION_STATUS_ACTIVE);
    global_state_reset_received();
    mis->thread = migration_threadinfo_spawn("mig/dst/main", incoming_thread,
                                             mis, NULL);
}

/*
 * A connection whose TLS handshake failed (wrong key, untrusted or
 * refused peer). Before the main channel exists this fails the incoming
 * migration, with the reason in error-desc. The destination does not
 * exit even with exit-on-error: the peer was never authenticated, and
 * whoever can reach the port must not be able to end a waiting
 * destination (QEMU too only reports it, spec/qtest.md 3.2.1 "fail").
 * Later, with postcopy-preempt, a refused connection is taken for the
 * preempt channel: PACKAGED then fails instead of waiting for ever.
 */
static void incoming_accept_failed(GError *err, void *opaque)
{
    MigrationIncomingState *mis = opaque;

    error_report("migration: incoming connection refused: %s",
                 err->message);
    if (!mis->from_src_file &&
        g_atomic_int_get(mis->state) == MIGRATION_STATUS_SETUP) {
        migrate_set_error(migrate_get_current(), err);
        incoming_set_state(mis, MIGRATION_STATUS_SETUP,
                           MIGRATION_STATUS_FAILED);
        return;
    }
    /* With the main channel there, it may have been the preempt
     * channel that PACKAGED waits for: that wait must end. */
    if (mis->from_src_file) {
        postcopy_preempt_incoming_refused(mis, err);
    }
    g_error_free(err);
}

bool migration_incoming_start(MigrationAddress *addr, bool exit_on_error,
                              GError **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    MigrationStatus st = g_atomic_int_get(mis->state);

    /* Q5 fixed: `failed` without a started transport may be retried. */
    if (st != MIGRATION_STATUS_NONE &&
        (st != MIGRATION_STATUS_FAILED || mis->started)) {
        error_setg(errp, "Illegal migration incoming state: %s",
                   MigrationStatus_str(st));
        return false;
    }
    mis->exit_on_error = exit_on_error;
    ram_digest_mig_dst_forget();
    if (st == MIGRATION_STATUS_FAILED) {
        migrate_clear_error(migrate_get_current());
    }
    if (!incoming_yank_register(mis, errp)) {
        return false;
    }
    incoming_set_state(mis, st, MIGRATION_STATUS_SETUP);
    mis->listener = migration_channel_listen(addr, incoming_accepted,
                                             incoming_accept_failed, mis,
                                             errp);
    if (!mis->listener) {
        incoming_yank_unregister(mis);
        /* Q5 fixed: not stuck in `setup`; the reason is also error-desc. */
        if (errp && *errp) {
            migrate_set_error(migrate_get_current(), g_error_copy(*errp));
        }
        incoming_set_state(mis, MIGRATION_STATUS_SETUP,
                           MIGRATION_STATUS_FAILED);
        return false;
    }
    migration_set_incoming_transport_started(true);
    mis->started = true;
    return true;
}

bool migration_incoming_start_cmdline(const char *arg, GError **errp)
{
    g_autoptr(MigrationAddress) addr = NULL;

    if (!strcmp(arg, "defer")) {
        return true;
    }
    if (arg[0] == '{') {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(MigrationChannel) channel = NULL;

        if (!json_parser_load_from_data(parser, arg, -1, errp)) {
            return false;
        }
        channel = qapi_MigrationChannel_from_json(json_parser_get_root(parser),
                                                  NULL, errp);
        if (!channel) {
            return false;
        }
        if (channel->channel_type != MIGRATION_CHANNEL_TYPE_MAIN) {
            /* Only the CPR channel can be given this way besides main;
             * CPR is not supported, so it has nothing to do. */
            return true;
        }
        return migration_incoming_start(channel->addr, true, errp);
    }
    addr = migration_uri_parse(arg, errp);
    return addr && migration_incoming_start(addr, true, errp);
}

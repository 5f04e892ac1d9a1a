/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration thread ("mig/src/main"): precopy from setup to the end
 * (spec/migration-states-and-qmp.md 2, wire-format 1.8.1).
 *
 *   header [OPEN_RETURN_PATH, PING 1] setup   -> setup -> active
 *   iterate (rate limited) until the remainder fits the downtime budget
 *     and the switchover is allowed (switchover-ack)
 *   stop the VM (finish-migrate) [pre-switchover wait] -> device
 *   complete: device state, EOF, VM description; wait for SHUT on the RP
 *   -> completed (run state postmigrate), or failed/cancelled (VM restored)
 *
 * Every status change is a CAS through migrate_src_set_state(): when a
 * cancel moved the status to `cancelling` meanwhile, the thread's CAS
 * fails and it winds down instead.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qapi/qapi-events.h"
#include "system/runstate.h"
#include "migration/migration-core.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/status.h"
#include "migration/global_state.h"
#include "migration/ram.h"
#include "migration/postcopy-src.h"
#include "migration/bandwidth.h"
#include "migration/convergence.h"
#include "migration/threadinfo.h"
#include "migration/tls-channel-setup.h"
#include "migration/tls.h"
#include "migration/multifd-channels.h"

/* How long to idle when nothing can be sent and the switchover waits. */
#define MIGRATION_GATE_WAIT_MS 10

typedef struct OutgoingRun {
    MigrationState *s;
    QEMUFile *f;
    uint64_t rate_limit;        /* applied to f */
    MigBandwidth bw;            /* measured per period (bandwidth.c) */
    uint64_t threshold;         /* bytes that fit the downtime budget */
    bool force_switchover;      /* the completion budget said "pause" */
} OutgoingRun;

uint64_t migration_transferred_update(MigrationState *s, QEMUFile *f)
{
    /* Channels closed by postcopy recovery still count. */
    uint64_t t = s->transferred_closed + (f ? qemu_file_transferred(f) : 0);

    if (s->preempt_file) {
        t += qemu_file_transferred(s->preempt_file);
    }
    t += __atomic_load_n(&mig_stats.multifd_bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&mig_stats.transferred, t, __ATOMIC_RELAXED);
    return t;
}

static uint64_t outgoing_transferred(OutgoingRun *r)
{
    return migration_transferred_update(r->s, r->f);
}

static uint64_t outgoing_pages(void)
{
    return __atomic_load_n(&mig_stats.normal_pages, __ATOMIC_RELAXED) +
           __atomic_load_n(&mig_stats.zero_pages, __ATOMIC_RELAXED);
}

/* Fail the migration unless a cancel got there first. Takes err. */
static void outgoing_fail(MigrationState *s, GError *err)
{
    MigrationStatus st = g_atomic_int_get(s->state);

    if (st == MIGRATION_STATUS_CANCELLING ||
        st == MIGRATION_STATUS_CANCELLED) {
        g_clear_error(&err);
        return;
    }
    migrate_set_error(s, err);
    migrate_src_set_state(s, st, MIGRATION_STATUS_FAILED);
}

/*
 * Called by RAM after every dirty-bitmap sync (migration thread, with or
 * without the BQL): one MIGRATION_PASS per sync, and the auto-converge
 * decision once per completed measurement period.
 */
static void outgoing_on_sync(uint64_t count, void *opaque)
{
    MigrationState *s = opaque;
    RAMSyncPeriod p;

    convergence_on_pass(count);
    while (s->passes_reported < count) {
        s->passes_reported++;
        if (migrate_events()) {
            convergence_emit_pass(s->passes_reported);
        }
    }
    convergence_emit_stall();
    ram_get_sync_period(&p);
    if (p.duration_ms && (p.duration_ms != s->last_period_ms ||
                          p.bytes_sent != s->last_period_bytes)) {
        s->last_period_ms = p.duration_ms;
        s->last_period_bytes = p.bytes_sent;
        cpu_throttle_after_sync(s, p.bytes_sent,
                                p.dirty_pages * TARGET_PAGE_SIZE);
    }
}

/* End of a period: bandwidth, threshold, mbps, expected downtime. */
static void outgoing_update_counters(OutgoingRun *r)
{
    MigrationState *s = r->s;
    MigBandwidthPeriod p;
    uint64_t switchover_bw, dirty;
    double expected_bw;

    if (!mig_bw_period_end(&r->bw, g_get_monotonic_time(),
                           outgoing_transferred(r), outgoing_pages(),
                           r->rate_limit, &p)) {
        return;
    }

    /* avail-switchover-bandwidth, when set, replaces the measurement for
     * the decision only (the user knows the link better than one period
     * of a rate-limited stream does). */
    switchover_bw = migrate_avail_switchover_bandwidth();
    expected_bw = switchover_bw ? switchover_bw / 1000.0 :
                                  mig_bw_estimate(&r->bw);
    r->threshold = expected_bw * convergence_downtime_limit();

    migration_set_mbps(s, mig_bw_mbps(&r->bw));
    __atomic_store_n(&s->pages_per_second,
                     p.pages * G_USEC_PER_SEC / p.spent_us, __ATOMIC_RELAXED);
    dirty = __atomic_load_n(&mig_stats.dirty_bytes_last_sync,
                            __ATOMIC_RELAXED);
    __atomic_store_n(&s->expected_downtime,
                     mig_bw_expected_downtime_ms(expected_bw, dirty,
                                                 migrate_downtime_limit()),
                     __ATOMIC_RELAXED);
    convergence_on_period();
}

/*
 * The completion budget acted (convergence.h): postcopy is requested as
 * migrate-start-postcopy would; pause forces the next switchover; cancel
 * goes the way of migrate_cancel. 1 = go on.
 */
static int outgoing_budget_act(OutgoingRun *r, MigrationBudgetAction act)
{
    switch (act) {
    case MIGRATION_BUDGET_ACTION_POSTCOPY:
        __atomic_store_n(&r->s->start_postcopy, true, __ATOMIC_RELEASE);
        break;
    case MIGRATION_BUDGET_ACTION_PAUSE:
        r->force_switchover = true;
        break;
    default:
        if (migrate_src_set_state(r->s, MIGRATION_STATUS_ACTIVE,
                                  MIGRATION_STATUS_CANCELLING)) {
            migration_outgoing_shutdown(r->s);
        }
        break;
    }
    return 1;
}

static void outgoing_apply_rate_limit(OutgoingRun *r)
{
    uint64_t want = migrate_max_bandwidth();

    if (want != r->rate_limit) {
        r->rate_limit = want;
        qemu_file_set_rate_limit(r->f, want);
    }
}

/* Errors recorded by the stream or the return path since last time. */
static bool outgoing_check_errors(OutgoingRun *r, GError **errp)
{
    if (qemu_file_get_error_obj(r->f, errp)) {
        return false;
    }
    if (__atomic_load_n(&r->s->rp_error, __ATOMIC_ACQUIRE)) {
        migration_rp_failure(r->s, errp);
        return false;
    }
    return true;
}

/* The header, the return path and the setup sections. */
static bool outgoing_setup(OutgoingRun *r, GError **errp)
{
    MigrationState *s = r->s;
    int64_t setup_start = migration_now_ms();
    bool ok = true;

    /* Wire 6.2: the multifd channels are connecting before the header. */
    /* With mapped-ram the channels are fds of the file (ram-mapped.c). */
    if (migrate_multifd() && !migrate_mapped_ram() &&
        !multifd_outgoing_setup(s, errp)) {
        return false;
    }
    qemu_savevm_state_header(r->f);
    if (migrate_uses_return_path()) {
        if (!migration_rp_start(s, r->f, errp)) {
            return false;
        }
        qemu_savevm_send_open_return_path(r->f);
        qemu_savevm_send_ping(r->f, 1);
    }
    if (migrate_postcopy_ram()) {
        qemu_savevm_send_postcopy_advise(r->f, true);
    }

    bql_lock();
    ok = qemu_savevm_state_setup(r->f, errp);
    bql_unlock();

    /* Q9: setup -> active happens even when the handlers' setup failed;
     * the failure is then reported as active -> failed. */
    if (!migrate_src_set_state(s, MIGRATION_STATUS_SETUP,
                               MIGRATION_STATUS_ACTIVE)) {
        if (ok) {
            error_setg(errp, "migration was cancelled during setup");
        }
        return false;
    }
    if (!ok) {
        return false;
    }
    __atomic_store_n(&s->setup_time, migration_now_ms() - setup_start,
                     __ATOMIC_RELAXED);
    return outgoing_check_errors(r, errp);
}

/*
 * The start of every switchover (precopy completion, postcopy start):
 * take the BQL, record the downtime start and the run state to restore,
 * stop the guest, then wait in pre-switchover or move to device. Returns
 * true with the BQL held; false (BQL released, errp set) when a cancel
 * or failure interrupted it.
 */
bool migration_switchover_stop(MigrationState *s, GError **errp)
{
    bool ok;

    bql_lock();
    __atomic_store_n(&s->downtime_start, migration_now_ms(),
                     __ATOMIC_RELAXED);
    s->vm_old_state = runstate_get();
    s->vm_old_state_set = true;
    global_state_store();
    vm_stop_force_state(RUN_STATE_FINISH_MIGRATE);

    if (migrate_pause_before_switchover()) {
        ok = migration_pre_switchover_wait(s);
    } else {
        ok = migrate_src_set_state(s, MIGRATION_STATUS_ACTIVE,
                                   MIGRATION_STATUS_DEVICE);
    }
    if (!ok) {
        bql_unlock();
        error_setg(errp, "Switchover is interrupted");
        return false;
    }
    return true;
}

/*
 * The switchover for precopy: stop, [pre-switchover], device, complete,
 * wait for the destination's SHUT. False with errp set on failure (the
 * caller restores the VM).
 */
static bool outgoing_complete(OutgoingRun *r, GError **errp)
{
    MigrationState *s = r->s;
    bool ok;

    if (!migration_switchover_stop(s, errp)) {
        return false;
    }

    /* The guest is stopped: nothing is gained by pacing the rest. */
    qemu_file_set_rate_limit(r->f, 0);
    ok = qemu_savevm_state_complete_precopy(r->f, errp);
    qemu_fflush(r->f);
    /*
     * x-postcopy-safe-start: from here the destination may load the
     * stream and run, with its SHUT still to come; a failure or cancel
     * must not run the guest here too.  Set before the BQL is dropped,
     * so that migrate_cancel sees it (a cancel needs the BQL).
     */
    if (ok && migrate_postcopy_safe_start()) {
        s->precopy_handed_over = true;
    }
    bql_unlock();

    if (!ok || !outgoing_check_errors(r, errp)) {
        return false;
    }
    /* With a return path the destination has the last word: SHUT(0)
     * after it loaded everything and started (wire-format 5.3.1). */
    if (!migration_rp_join(s, errp)) {
        return false;
    }
    __atomic_store_n(&s->downtime,
                     migration_now_ms() -
                     __atomic_load_n(&s->downtime_start, __ATOMIC_RELAXED),
                     __ATOMIC_RELAXED);
    return true;
}

/* One turn of the loop. 1 = go on, 0 = done (completed), -1 = error. */
static int outgoing_iteration(OutgoingRun *r, GError **errp)
{
    uint64_t must = 0, can = 0;
    MigrationBudgetAction act;
    bool synced = false;
    int ret;

    if (!outgoing_check_errors(r, errp)) {
        return -1;
    }
    outgoing_apply_rate_limit(r);
    if (convergence_budget_poll(&act)) {
        return outgoing_budget_act(r, act);
    }

    qemu_savevm_state_pending_estimate(&must, &can);
    /* migrate-start-postcopy: switch as soon as what cannot go in
     * postcopy fits the downtime budget (2.6). */
    if (migrate_postcopy_ram() &&
        __atomic_load_n(&r->s->start_postcopy, __ATOMIC_ACQUIRE) &&
        must <= r->threshold && migration_can_switchover(r->s)) {
        return postcopy_outgoing_start(r->s, r->f, errp) ? 1 : -1;
    }
    if (must + can <= r->threshold || r->force_switchover) {
        bql_lock();
        qemu_savevm_state_pending_exact(&must, &can);
        bql_unlock();
        synced = true;
    }
    if (synced && (must + can <= r->threshold || r->force_switchover) &&
        migration_can_switchover(r->s)) {
        return outgoing_complete(r, errp) ? 0 : -1;
    }

    mig_bw_busy_begin(&r->bw, g_get_monotonic_time());
    ret = qemu_savevm_state_iterate(r->f, errp);
    mig_bw_busy_end(&r->bw, g_get_monotonic_time());
    if (ret < 0) {
        return -1;
    }
    outgoing_transferred(r);
    outgoing_update_counters(r);
    if (qemu_file_rate_limit_exceeded(r->f)) {
        mig_bw_busy_begin(&r->bw, g_get_monotonic_time());
        qemu_file_rate_limit_wait(r->f);
        mig_bw_busy_end(&r->bw, g_get_monotonic_time());
    } else if (ret == 1 && synced) {
        /* Everything is sent and the switchover is gated (ack not yet
         * there): idle until woken or a little time has passed so that
         * newly dirtied pages are picked up. */
        migration_wait_wake(r->s, MIGRATION_GATE_WAIT_MS);
    }
    return 1;
}

/* Where the source VM goes after the migration ended (2.4). BQL held. */
static void outgoing_finish_locked(MigrationState *s)
{
    MigrationStatus st = g_atomic_int_get(s->state);

    cpu_throttle_stop_all();
    switch (st) {
    case MIGRATION_STATUS_COMPLETED:
        runstate_set(RUN_STATE_POSTMIGRATE, NULL);
        break;
    case MIGRATION_STATUS_FAILED:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_CANCELLED:
        if (!s->vm_old_state_set) {
            break;      /* never stopped: nothing to restore */
        }
        if (s->precopy_handed_over && !s->dest_may_run &&
            !__atomic_load_n(&s->rp_shut_error, __ATOMIC_ACQUIRE)) {
            /* safe start: management decides (cont once it saw that the
             * destination never ran the guest); postmigrate allows it. */
            error_report("migration failed after the whole stream was "
                         "sent: the destination may be running the guest, "
                         "so the source VM stays stopped");
            if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
                runstate_set(RUN_STATE_POSTMIGRATE, NULL);
            }
            break;
        }
        if (s->dest_may_run ||
            (__atomic_load_n(&s->package_loaded, __ATOMIC_ACQUIRE) &&
             !migrate_postcopy_safe_start())) {
            /* Q3, the safe side: the destination may be running this
             * guest (it starts right after its PONG(0x42) unless
             * x-postcopy-safe-start holds it); two copies must never
             * run. */
            error_report("migration failed after the destination took "
                         "over the guest: the source VM stays stopped");
            break;
        }
        if ((s->vm_old_state == RUN_STATE_RUNNING ||
             s->vm_old_state == RUN_STATE_SUSPENDED) &&
            !runstate_check(RUN_STATE_SHUTDOWN)) {
            vm_start();
        } else if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
            runstate_set(s->vm_old_state, NULL);
        }
        break;
    default:
        g_assert_not_reached();
    }
}

static void outgoing_cleanup_bh(void *opaque)
{
    MigrationState *s = opaque;
    QEMUFile *f;

    g_thread_join(s->thread);
    s->thread = NULL;

    /* The reader may still be blocked when the migration failed early. */
    if (g_atomic_int_get(s->state) != MIGRATION_STATUS_COMPLETED) {
        migration_outgoing_shutdown(s);
    }
    migration_rp_join(s, NULL);

    g_mutex_lock(&s->file_lock);
    f = s->to_dst_file;
    s->to_dst_file = NULL;
    g_mutex_unlock(&s->file_lock);
    if (f) {
        qemu_fclose(f);
    }

    qemu_savevm_state_cleanup();
    ram_set_sync_notifier(NULL, NULL);
    /* The RP thread, the only other user, is joined. */
    g_clear_pointer(&s->pc_queue, postcopy_src_queue_free);
    migrate_src_set_state(s, MIGRATION_STATUS_CANCELLING,
                          MIGRATION_STATUS_CANCELLED);
}

static gpointer migration_thread(gpointer opaque)
{
    MigrationState *s = opaque;
    OutgoingRun r = { .s = s, .f = s->to_dst_file };
    GError *err = NULL;
    int ret = 1;

    r.rate_limit = migrate_max_bandwidth();
    qemu_file_set_rate_limit(r.f, r.rate_limit);
    migration_set_mbps(s, 0);

    if (!outgoing_setup(&r, &err)) {
        ret = -1;
    }
    mig_bw_start(&r.bw, g_get_monotonic_time(), outgoing_transferred(&r),
                 outgoing_pages());

    for (;;) {
        MigrationStatus st = g_atomic_int_get(s->state);

        if (ret <= 0) {
            break;
        }
        if (st == MIGRATION_STATUS_ACTIVE) {
            ret = outgoing_iteration(&r, &err);
        } else if (st == MIGRATION_STATUS_POSTCOPY_DEVICE ||
                   st == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
            ret = postcopy_outgoing_iterate(s, &r.f, &err);
        } else {
            break;
        }
    }

    /* Completed: every page was synced; otherwise stop the channels. */
    multifd_outgoing_finish(ret == 0);

    bql_lock();
    if (ret == 0) {
        s->total_time = migration_now_ms() - s->start_time;
        if (s->total_time > 0) {
            migration_set_mbps(s, outgoing_transferred(&r) * 8.0 /
                                  (s->total_time / 1000.0) / 1e6);
        }
        if (!migrate_src_set_state(s, MIGRATION_STATUS_DEVICE,
                                   MIGRATION_STATUS_COMPLETED) &&
            !migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_ACTIVE,
                                   MIGRATION_STATUS_COMPLETED)) {
            ret = -1;
        }
    }
    if (ret < 0 || migration_status_is_active(g_atomic_int_get(s->state))) {
        if (!err) {
            error_setg(&err, "migration stopped in state %s",
                       MigrationStatus_str(g_atomic_int_get(s->state)));
        }
        outgoing_fail(s, err);
        err = NULL;
    }
    g_clear_error(&err);
    outgoing_finish_locked(s);
    bql_unlock();
    postcopy_preempt_drop(s);

    main_loop_schedule(outgoing_cleanup_bh, s);
    return NULL;
}

void migration_outgoing_start(MigrationState *s, MigChannel *ch)
{
    if (migration_tls_channel_is_tls(ch)) {
        /* The migration thread scans RAM while one thread encrypts. */
        migration_tls_channel_start_writer(ch);
        /* And another writes the records to the socket. */
        migration_tls_channel_start_sender(ch, "mig/tls/sender", 0, 0);
    }
    g_mutex_lock(&s->file_lock);
    s->to_dst_file = qemu_file_new_output(ch);
    g_mutex_unlock(&s->file_lock);
    s->passes_reported = 0;
    s->last_period_ms = 0;
    s->last_period_bytes = 0;
    ram_set_sync_notifier(outgoing_on_sync, s);
    s->thread = migration_threadinfo_spawn("mig/src/main", migration_thread, s,
                                           NULL);
}

void migration_outgoing_shutdown(MigrationState *s)
{
    g_mutex_lock(&s->file_lock);
    if (s->to_dst_file) {
        qemu_file_shutdown(s->to_dst_file);
    }
    if (s->rp_file) {
        qemu_file_shutdown(s->rp_file);
    }
    /* The RP thread may be blocked writing a requested page there. */
    if (s->preempt_file) {
        qemu_file_shutdown(s->preempt_file);
    }
    g_mutex_unlock(&s->file_lock);
    /* Outside file_lock: the set's failure hook takes it. */
    multifd_outgoing_cancel("migration cancelled");
    /* A connection still in its TLS handshake has no file yet. */
    migration_tls_abort_outgoing();
    migration_wake(s);
}

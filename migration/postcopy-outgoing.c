/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy on the source, in the migration thread (spec/migration-states-
 * and-qmp.md 2.6, 2.7, 4; wire-format 4.4, 4.6):
 *
 *   start    stop the VM, device, discards, PING 2, the package
 *            {LISTEN, device state, PING 3, PING 0x42, RUN}, PING 4,
 *            -> postcopy-device (return path) or postcopy-active
 *   iterate  requested pages first, background pages as the
 *            max-postcopy-bandwidth allows (the RP thread sends most
 *            requested pages itself: ram-urgent.c); postcopy-device ->
 *            postcopy-active once the RP thread has seen PONG(0x42)
 *   complete END + EOF, the destination's SHUT -> completed
 *   pause    a channel error in postcopy-active -> postcopy-paused, wait
 *            for `migrate resume`, then the RECV_BITMAP / RESUME handshake
 *
 * Only this thread moves the status out of postcopy-device (4.3). Until
 * the destination confirmed the package, every failure ends `failed` and
 * the source VM runs again; once committed the source never restarts it
 * (Q3, docs/devel/migration/postcopy-states.rst).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "migration/migration-core.h"
#include "migration/global_state.h"
#include "migration/options.h"
#include "migration/postcopy-src.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "migration/status.h"

/* How long one wait lasts before the waiter looks at everything again. */
#define POSTCOPY_WAIT_SLICE_MS 100
/* Idle wait while rate limited or waiting for the package's PONG. */
#define POSTCOPY_IDLE_US (10 * 1000)

static MigrationStatus status(MigrationState *s)
{
    return g_atomic_int_get(s->state);
}

/* Sleep on the wake condition until pred(s) holds (checked under the
 * lock, so a wake between the check and the wait is not lost) or the
 * monotonic deadline (us; 0: none) passed. */
static bool wait_until(MigrationState *s, bool (*pred)(MigrationState *s),
                       gint64 deadline)
{
    bool ok;

    g_mutex_lock(&s->wake_lock);
    while (!(ok = pred(s)) &&
           (!deadline || g_get_monotonic_time() < deadline)) {
        gint64 end = g_get_monotonic_time() + POSTCOPY_WAIT_SLICE_MS * 1000;

        g_cond_wait_until(&s->wake_cond, &s->wake_lock,
                          deadline ? MIN(end, deadline) : end);
    }
    g_mutex_unlock(&s->wake_lock);
    return ok;
}

static void wait_for(MigrationState *s, bool (*pred)(MigrationState *s))
{
    wait_until(s, pred, 0);
}

/* safe-start: the end of the wait in postcopy-device (0: none). */
static gint64 device_deadline(MigrationState *s)
{
    uint64_t ms = migrate_postcopy_device_timeout_ms();

    if (!migrate_postcopy_safe_start() || !ms) {
        return 0;
    }
    return g_get_monotonic_time() -
           (migration_now_ms() - s->postcopy_device_since) * 1000 +
           (gint64)ms * 1000;
}

static bool file_failed(MigrationState *s)
{
    bool failed;

    g_mutex_lock(&s->file_lock);
    failed = !s->to_dst_file || qemu_file_get_error(s->to_dst_file);
    g_mutex_unlock(&s->file_lock);
    return failed;
}

/* ---- start (wire 4.4 steps 1-12) ---- */

static bool build_package(MigrationState *s, GBytes **out, GError **errp)
{
    MigChannel *mem = mig_channel_new_mem(NULL, 0, "postcopy-package");
    QEMUFile *pf = qemu_file_new_output(mem);   /* takes its own ref */
    bool ok;

    qemu_savevm_send_postcopy_listen(pf);
    ok = qemu_savevm_state_non_iterable(pf, errp);
    if (ok) {
        qemu_savevm_send_ping(pf, 3);
        if (s->rp_thread) {
            qemu_savevm_send_ping(pf, QEMU_VM_PING_PACKAGED_LOADED);
        }
        qemu_savevm_send_postcopy_run(pf);
        qemu_fflush(pf);
        ok = qemu_file_get_error_obj(pf, errp) == 0;
    }
    qemu_fclose(pf);
    if (ok) {
        *out = mig_channel_mem_get_bytes(mem);
    }
    mig_channel_unref(mem);
    return ok;
}

bool postcopy_outgoing_start(MigrationState *s, QEMUFile *f, GError **errp)
{
    g_autoptr(GBytes) package = NULL;
    bool ok;

    qemu_savevm_discard_vmdesc();
    if (migrate_postcopy_preempt() && !postcopy_preempt_connect(s, true, errp)) {
        return false;
    }
    if (!qemu_savevm_state_postcopy_prepare(f, errp)) {
        return false;
    }

    if (!migration_switchover_stop(s, errp)) {
        return false;
    }
    qemu_file_set_rate_limit(f, 0);
    qemu_savevm_send_switchover_start(f);
    ok = ram_postcopy_start(f, s->pc_queue, errp);
    if (ok) {
        qemu_savevm_send_ping(f, 2);
        ok = build_package(s, &package, errp);
    }
    if (ok) {
        gsize len;
        const uint8_t *data = g_bytes_get_data(package, &len);

        /* The destination may fault as soon as it has loaded this. */
        __atomic_store_n(&s->package_sent, true, __ATOMIC_RELEASE);
        qemu_savevm_send_packaged(f, data, len);
        qemu_savevm_send_ping(f, 4);
        __atomic_store_n(&s->downtime,
                         migration_now_ms() -
                         __atomic_load_n(&s->downtime_start,
                                         __ATOMIC_RELAXED),
                         __ATOMIC_RELAXED);
        ok = qemu_file_get_error_obj(f, errp) == 0;
        if (!ok && s->rp_thread &&
            migrate_src_set_state(s, MIGRATION_STATUS_DEVICE,
                                  MIGRATION_STATUS_POSTCOPY_DEVICE)) {
            /*
             * The package may have reached the destination before the
             * channel broke (it loads it, fails and hangs up while our
             * PING(4) is still going out): report the state the
             * destination may be in, then fail from it -- nothing has
             * confirmed the package, so the guest resumes here (Q1).
             */
            s->postcopy_device_since = migration_now_ms();
        }
    }
    if (ok) {
        qemu_file_set_rate_limit(f, migrate_max_postcopy_bandwidth());
        /* Without a return path nothing can confirm the package: the
         * destination may run from now on. */
        s->postcopy_device_since = migration_now_ms();
        ok = migrate_src_set_state(s, MIGRATION_STATUS_DEVICE,
                                   s->rp_thread ?
                                   MIGRATION_STATUS_POSTCOPY_DEVICE :
                                   MIGRATION_STATUS_POSTCOPY_ACTIVE);
        if (!ok) {
            error_setg(errp, "postcopy start interrupted in state %s",
                       MigrationStatus_str(status(s)));
        } else if (!s->rp_thread) {
            s->dest_may_run = true;
        }
    }
    bql_unlock();
    return ok;
}

/* ---- pause and recovery (2.7, wire 4.6) ---- */

static bool not_paused(MigrationState *s)
{
    return !migration_status_postcopy_is_paused(status(s));
}

static bool bitmaps_in_or_failed(MigrationState *s)
{
    return s->recv_bitmaps_pending == 0 ||
           __atomic_load_n(&s->rp_done, __ATOMIC_ACQUIRE) ||
           status(s) != MIGRATION_STATUS_POSTCOPY_RECOVER || file_failed(s);
}

static bool resumed_or_failed(MigrationState *s)
{
    return status(s) != MIGRATION_STATUS_POSTCOPY_RECOVER ||
           __atomic_load_n(&s->rp_done, __ATOMIC_ACQUIRE) || file_failed(s);
}

static void ask_bitmap(const char *name, uint64_t nbits, void *opaque)
{
    qemu_savevm_send_recv_bitmap(opaque, name);
}

static void count_block(const char *name, uint64_t nbits, void *opaque)
{
    (*(unsigned *)opaque)++;
}

/* Steps 2-4 of 4.6 on the new channel; true when postcopy-active. */
static bool recover_handshake(MigrationState *s, QEMUFile *f)
{
    unsigned nr = 0;
    GHashTableIter it;
    gpointer name, bitmap;
    bool ok = true;

    ram_postcopy_foreach_block(count_block, &nr);
    g_mutex_lock(&s->wake_lock);
    s->recv_bitmaps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            g_free);
    s->recv_bitmaps_pending = nr;
    g_mutex_unlock(&s->wake_lock);

    ram_postcopy_foreach_block(ask_bitmap, f);
    wait_for(s, bitmaps_in_or_failed);

    g_mutex_lock(&s->wake_lock);
    if (s->recv_bitmaps_pending ||
        status(s) != MIGRATION_STATUS_POSTCOPY_RECOVER) {
        ok = false;
    }
    g_hash_table_iter_init(&it, s->recv_bitmaps);
    while (ok && g_hash_table_iter_next(&it, &name, &bitmap)) {
        GError *err = NULL;

        if (!ram_postcopy_apply_received(name, bitmap, &err)) {
            migrate_set_error(s, err);
            ok = false;
        }
    }
    g_clear_pointer(&s->recv_bitmaps, g_hash_table_unref);
    g_mutex_unlock(&s->wake_lock);
    if (!ok) {
        return false;
    }
    if (migrate_postcopy_preempt()) {
        GError *err = NULL;

        if (!postcopy_preempt_connect(s, false, &err)) {
            migrate_set_error(s, err);
            return false;
        }
    }
    qemu_savevm_send_postcopy_resume(f);
    wait_for(s, resumed_or_failed);
    return status(s) == MIGRATION_STATUS_POSTCOPY_ACTIVE && !file_failed(s);
}

/* Close the failed channel and its return path (migration thread). */
static void drop_channel(MigrationState *s)
{
    QEMUFile *f;

    migration_outgoing_shutdown(s);
    migration_rp_join(s, NULL);
    postcopy_preempt_drop(s);
    g_mutex_lock(&s->file_lock);
    f = s->to_dst_file;
    s->to_dst_file = NULL;
    g_mutex_unlock(&s->file_lock);
    if (f) {
        s->transferred_closed += qemu_file_transferred(f);
        qemu_fclose(f);
    }
    postcopy_src_queue_reset(s->pc_queue);
    ram_postcopy_pause();
}

/*
 * A channel failed in postcopy-active (or during a recovery): pause, and
 * loop until a recovery succeeds. False when the wait was ended by
 * something else (the cancel at exit).
 */
static bool pause_until_recovered(MigrationState *s, QEMUFile **pf,
                                  GError *err)
{
    MigrationStatus st = status(s);

    migrate_set_error(s, err);
    for (;;) {
        drop_channel(s);
        *pf = NULL;
        if (!migrate_src_set_state(s, st, MIGRATION_STATUS_POSTCOPY_PAUSED)) {
            return false;
        }
        error_report("Detected IO failure for postcopy. Migration paused.");
        wait_for(s, not_paused);
        st = status(s);
        if (st != MIGRATION_STATUS_POSTCOPY_RECOVER) {
            return false;
        }
        g_mutex_lock(&s->file_lock);
        *pf = s->to_dst_file;
        g_mutex_unlock(&s->file_lock);
        if (*pf && recover_handshake(s, *pf)) {
            qemu_file_set_rate_limit(*pf, migrate_max_postcopy_bandwidth());
            return true;
        }
        st = status(s);
        if (st != MIGRATION_STATUS_POSTCOPY_RECOVER &&
            st != MIGRATION_STATUS_POSTCOPY_ACTIVE) {
            return false;
        }
    }
}

/* ---- the postcopy loop ---- */

static bool package_confirmed_or_gone(MigrationState *s)
{
    return __atomic_load_n(&s->package_loaded, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&s->rp_done, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&s->rp_error, __ATOMIC_ACQUIRE) ||
           file_failed(s) || status(s) != MIGRATION_STATUS_POSTCOPY_DEVICE;
}

/* Errors since the last turn; *pausable when only a channel broke. */
static bool check_errors(MigrationState *s, QEMUFile *f, bool *pausable,
                         GError **errp)
{
    bool rp_error = __atomic_load_n(&s->rp_error, __ATOMIC_ACQUIRE);
    bool rp_io = __atomic_load_n(&s->rp_io_error, __ATOMIC_ACQUIRE);

    *pausable = false;
    if (qemu_file_get_error_obj(f, errp) ||
        postcopy_preempt_failed(s, errp)) {
        *pausable = true;
        return false;
    }
    if (rp_error) {
        migration_rp_failure(s, errp);
        *pausable = rp_io;
        return false;
    }
    return true;
}

/* safe-start: gave the destination all the time it was allowed? */
static bool device_timed_out(MigrationState *s, GError **errp)
{
    gint64 deadline = device_deadline(s);

    if (!deadline || g_get_monotonic_time() < deadline ||
        __atomic_load_n(&s->package_loaded, __ATOMIC_ACQUIRE)) {
        return false;
    }
    error_setg(errp, "postcopy: the destination did not confirm loading "
               "the device state within x-postcopy-device-timeout-ms "
               "(%" PRIu64 " ms)", migrate_postcopy_device_timeout_ms());
    return true;
}

/* The package's PONG(0x42) arrived: commit (4.2 step 4). */
static bool commit_to_destination(MigrationState *s, QEMUFile *f,
                                  GError **errp)
{
    if (!wait_until(s, package_confirmed_or_gone, device_deadline(s))) {
        device_timed_out(s, errp);
        return false;
    }
    if (!__atomic_load_n(&s->package_loaded, __ATOMIC_ACQUIRE)) {
        /* Q1: the destination cannot have started; resume here. */
        GError *err = migrate_get_error(s);

        error_setg(errp, "postcopy: the destination did not confirm "
                   "loading the device state%s%s", err ? ": " : "",
                   err ? err->message : "");
        g_clear_error(&err);
        return false;
    }
    bql_lock();
    if (!migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_DEVICE,
                               MIGRATION_STATUS_POSTCOPY_ACTIVE)) {
        /* safe-start: migrate_cancel got there first. */
        error_setg(errp, "postcopy interrupted in state %s",
                   MigrationStatus_str(status(s)));
        bql_unlock();
        return false;
    }
    s->dest_may_run = true;
    bql_unlock();
    if (migrate_postcopy_safe_start()) {
        /* From here on the destination may start the guest. */
        qemu_savevm_send_ping(f, QEMU_VM_PING_POSTCOPY_COMMITTED);
    }
    return true;
}

static bool complete(MigrationState *s, QEMUFile *f, GError **errp)
{
    bool ok;

    /* A page the RP thread took off the bitmap has left before END. */
    ram_postcopy_urgent_drain();
    bql_lock();
    qemu_file_set_rate_limit(f, 0);
    ok = qemu_savevm_state_complete_postcopy(f, errp);
    bql_unlock();
    ok = ok && migration_rp_join(s, errp);
    /* 10.2 just closes the preempt channel at the end. */
    postcopy_preempt_drop(s);
    return ok;
}

int postcopy_outgoing_iterate(MigrationState *s, QEMUFile **pf,
                              GError **errp)
{
    QEMUFile *f = *pf;
    GError *err = NULL;
    bool pausable;
    int ret;

    if (!check_errors(s, f, &pausable, &err)) {
        if (pausable && status(s) == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
            return pause_until_recovered(s, pf, err) ? 1 : -1;
        }
        g_propagate_error(errp, err);
        return -1;
    }
    if (qemu_file_get_rate_limit(f) != migrate_max_postcopy_bandwidth()) {
        qemu_file_set_rate_limit(f, migrate_max_postcopy_bandwidth());
    }
    if (status(s) == MIGRATION_STATUS_POSTCOPY_DEVICE) {
        if (device_timed_out(s, errp)) {
            return -1;
        }
        if ((__atomic_load_n(&s->package_loaded, __ATOMIC_ACQUIRE) ||
             ram_postcopy_done()) &&
            !commit_to_destination(s, f, errp)) {
            return -1;
        }
    }
    if (ram_postcopy_done() &&
        status(s) == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        if (complete(s, f, &err)) {
            return 0;
        }
        g_propagate_error(errp, err);
        return -1;
    }
    ret = qemu_savevm_state_iterate_postcopy(f, &err);
    if (ret < 0) {
        /* A broken channel pauses at the next turn. */
        if (!check_errors(s, f, &pausable, NULL) && pausable &&
            status(s) == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
            g_error_free(err);
            return 1;
        }
        g_propagate_error(errp, err);
        return -1;
    }
    qemu_fflush(f);
    migration_transferred_update(s, f);
    if (qemu_file_rate_limit_exceeded(f) || ret == 1) {
        /* A queued request ends the wait at once; meanwhile the RP
         * thread may send requested pages on f itself. */
        ram_postcopy_idle_begin(f);
        postcopy_src_queue_wait(s->pc_queue,
                                g_get_monotonic_time() + POSTCOPY_IDLE_US);
        ram_postcopy_idle_end();
    }
    return 1;
}

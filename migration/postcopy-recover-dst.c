/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connections of a postcopy recovery on the destination
 * (spec/migration-wire-format.md 4.6, 6.1): migrate-recover's listener,
 * which connection is the new main channel and which the new preempt
 * channel, and the connections that belong to the session that broke.
 *
 * Roles go by state and order: while paused with no main channel, a
 * connection is the replacement main channel; once there is one, the
 * next is the preempt channel. A recovery's preempt connection taken
 * only after the *next* pause would pass for the next recovery's main
 * channel (the listen thread reads a dead connection, the real one is
 * refused as extra and the source stays paused). Two things keep it
 * from being left over:
 *
 * - POSTCOPY_RESUME waits until this recovery's preempt channel is
 *   taken (postcopy_preempt_incoming_wait, wire 4.3). The source
 *   connects it before it sends RESUME, so it is queued by then, and
 *   until the wait ends the listen thread reads nothing that could
 *   pause the destination.
 * - A local pause (migrate-pause, yank) ends that wait early, and with
 *   TLS a connection is delivered only when the destination's side of
 *   its handshake is done, which can be after that pause. So every
 *   connection carries when it was accepted (accept_seq), the
 *   destination notes the accept count when it pauses, and whatever was
 *   accepted before that is dropped. Without TLS, a wait cut short
 *   exactly while the plain connection still waits in the listen queue
 *   is the one order neither covers.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-types.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "monitor/monitor.h"
#include "system/qtest.h"
#include "migration/migration-core.h"
#include "migration/options.h"
#include "migration/status.h"
#include "migration/tls-channel-setup.h"

void postcopy_incoming_mark_stale_connections(MigrationIncomingState *mis)
{
    __atomic_store_n(&mis->recover_accept_floor,
                     migration_channel_accepted_count(), __ATOMIC_RELEASE);
}

bool postcopy_incoming_drop_stale(MigrationIncomingState *mis,
                                  MigChannel *ch)
{
    uint64_t floor = __atomic_load_n(&mis->recover_accept_floor,
                                     __ATOMIC_ACQUIRE);

    if (!ch->accept_seq || ch->accept_seq > floor) {
        return false;
    }
    error_report("migration: dropping a connection accepted before "
                 "postcopy paused (it belonged to the broken session)");
    mig_channel_unref(ch);
    return true;
}

/*
 * Test-only (qtest) knobs that hold a recovery's preempt connection, so
 * that a test sees orders that are otherwise races. Main loop, except
 * where noted.
 *
 * QEMU_TEST_POSTCOPY_LATE_PREEMPT holds the first one until the
 * destination paused the next time (a resume wait cut short by that
 * pause, while the destination's side of the TLS handshake still ran);
 * it keeps its accept stamp, as a TLS connection does.
 *
 * QEMU_TEST_POSTCOPY_SLOW_PREEMPT holds every one until POSTCOPY_RESUME
 * waits for it, or else until the next pause: a main loop that gets to
 * the plain socket's listener last. Handed in at a pause it has no
 * stamp, as a plain connection accepted only after the pause would not
 * be older than the pause either. It holds the postcopy's first preempt
 * connection too (taken in `active`, before PACKAGED), until PACKAGED
 * waits for it, else until the first pause.
 *
 * QEMU_TEST_POSTCOPY_LOST_PREEMPT=hold holds that first connection for
 * good (a connection lost on its way: PACKAGED can only wait); =refuse
 * drops it and reports it refused, as a TLS handshake the destination
 * refused would be.
 */
static struct {
    GMutex lock;
    GCond cond;
    MigChannel *held;
    bool slow;                  /* held by the SLOW knob */
    bool lost;                  /* held by the LOST knob: never handed in */
    bool late_used;             /* the LATE knob holds once per process */
    bool resume_waits;          /* since the last pause (SLOW: no hold) */
    bool handed_in;             /* the hand-in ran (lock) */
} held_preempt;

static void recover_take(MigrationIncomingState *mis, MigChannel *ch);

static bool test_hold_preempt(MigrationIncomingState *mis, MigChannel *ch)
{
    MigrationStatus st = g_atomic_int_get(mis->state);
    bool late = g_getenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT") != NULL;
    bool slow = g_getenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT") != NULL;

    if (!qtest_enabled() || !migrate_postcopy_preempt() || !(late || slow) ||
        (st != MIGRATION_STATUS_POSTCOPY_RECOVER &&
         st != MIGRATION_STATUS_POSTCOPY_ACTIVE)) {
        return false;
    }
    g_mutex_lock(&held_preempt.lock);
    if (held_preempt.held || (!slow && held_preempt.late_used) ||
        (slow && held_preempt.resume_waits)) {
        g_mutex_unlock(&held_preempt.lock);
        return false;
    }
    held_preempt.late_used |= !slow;
    held_preempt.slow = slow;
    held_preempt.lost = false;
    held_preempt.held = ch;
    g_mutex_unlock(&held_preempt.lock);
    return true;
}

/* Main loop: hand the held connection in as if it was accepted now. */
static void test_hand_in_preempt(void *opaque)
{
    MigrationIncomingState *mis = opaque;
    MigChannel *ch;

    g_mutex_lock(&held_preempt.lock);
    ch = g_steal_pointer(&held_preempt.held);
    g_mutex_unlock(&held_preempt.lock);
    if (ch && !postcopy_incoming_drop_stale(mis, ch)) {
        recover_take(mis, ch);
    }
    g_mutex_lock(&held_preempt.lock);
    held_preempt.handed_in = true;
    g_cond_broadcast(&held_preempt.cond);
    g_mutex_unlock(&held_preempt.lock);
}

/* The first preempt connection, in `active` with the main channel up. */
static bool test_hold_first_preempt(MigrationIncomingState *mis,
                                    MigChannel *ch)
{
    const char *lost = g_getenv("QEMU_TEST_POSTCOPY_LOST_PREEMPT");
    bool slow = g_getenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT") != NULL;
    bool has_main;

    if (!qtest_enabled() || !migrate_postcopy_preempt() || !(lost || slow) ||
        g_atomic_int_get(mis->state) != MIGRATION_STATUS_ACTIVE) {
        return false;
    }
    g_mutex_lock(&mis->file_lock);
    has_main = mis->from_src_file != NULL;
    g_mutex_unlock(&mis->file_lock);
    if (!has_main) {
        return false;
    }
    if (lost && !strcmp(lost, "refuse")) {
        g_autoptr(GError) err = g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED,
                                            "refused by the test "
                                            "(QEMU_TEST_POSTCOPY_LOST_"
                                            "PREEMPT)");

        error_report("migration: incoming connection refused: %s",
                     err->message);
        mig_channel_unref(ch);
        postcopy_preempt_incoming_refused(mis, err);
        return true;
    }
    g_mutex_lock(&held_preempt.lock);
    if (held_preempt.held || (!lost && held_preempt.resume_waits)) {
        g_mutex_unlock(&held_preempt.lock);
        return false;
    }
    held_preempt.lost = lost != NULL;
    held_preempt.slow = !lost;
    held_preempt.held = ch;
    g_mutex_unlock(&held_preempt.lock);
    return true;
}

void postcopy_incoming_test_preempt_waited(MigrationIncomingState *mis)
{
    bool give;

    /* Incoming thread in PACKAGED, or listen thread in POSTCOPY_RESUME.
     * A connection accepted from now on is not held (test_hold_preempt,
     * test_hold_first_preempt). */
    g_mutex_lock(&held_preempt.lock);
    held_preempt.resume_waits = true;
    give = held_preempt.held && held_preempt.slow;
    g_mutex_unlock(&held_preempt.lock);
    if (give) {
        main_loop_schedule(test_hand_in_preempt, mis);
    }
}

void postcopy_incoming_test_late_preempt(MigrationIncomingState *mis)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    bool done = true;

    /* Listen thread, just paused. */
    g_mutex_lock(&held_preempt.lock);
    held_preempt.resume_waits = false;
    if (held_preempt.held && !held_preempt.lost) {
        if (held_preempt.slow) {
            held_preempt.held->accept_seq = 0;
        }
        held_preempt.handed_in = false;
        done = false;
        main_loop_schedule(test_hand_in_preempt, mis);
    }
    /* Wait, so that whatever it is taken for happens before the test
     * can see this pause. */
    while (!done) {
        done = held_preempt.handed_in;
        if (!done && !g_cond_wait_until(&held_preempt.cond,
                                        &held_preempt.lock, deadline)) {
            done = held_preempt.handed_in;
            if (!done) {
                warn_report("postcopy test: the held preempt connection "
                            "was not handed in");
                done = true;
            }
        }
    }
    g_mutex_unlock(&held_preempt.lock);
}

void postcopy_incoming_test_late_preempt_free(void)
{
    MigChannel *ch;

    g_mutex_lock(&held_preempt.lock);
    ch = g_steal_pointer(&held_preempt.held);
    g_mutex_unlock(&held_preempt.lock);
    if (ch) {
        mig_channel_unref(ch);
    }
}

/* ---- migrate-recover's listener ---- */

static void recover_accepted(MigChannel *ch, void *opaque)
{
    MigrationIncomingState *mis = opaque;

    if (postcopy_incoming_drop_stale(mis, ch) ||
        test_hold_preempt(mis, ch)) {
        return;
    }
    recover_take(mis, ch);
}

/* Main loop: the preempt channel, or else the new main channel. */
static void recover_take(MigrationIncomingState *mis, MigChannel *ch)
{
    if (postcopy_incoming_accept_extra(mis, ch)) {
        return;
    }
    g_mutex_lock(&mis->recover_lock);
    if (mis->recover_channel ||
        g_atomic_int_get(mis->state) != MIGRATION_STATUS_POSTCOPY_PAUSED) {
        g_mutex_unlock(&mis->recover_lock);
        error_report("migration: ignoring an extra incoming connection");
        mig_channel_unref(ch);
        return;
    }
    mis->recover_channel = ch;
    g_cond_broadcast(&mis->recover_cond);
    g_mutex_unlock(&mis->recover_lock);
}

/* The source retries with another migrate-recover / resume. A refused
 * preempt connection ends the resume wait (postcopy-preempt.c). */
static void recover_accept_failed(GError *err, void *opaque)
{
    error_report("migration: recovery connection refused: %s",
                 err->message);
    postcopy_preempt_incoming_refused(opaque, err);
    g_error_free(err);
}

/* Main loop: replace whatever listens now with a listener on addr. */
static bool recover_listen(MigrationIncomingState *mis,
                           const MigrationAddress *addr, GError **errp)
{
    MigTransportListener *l;

    if (migration_incoming_status() != MIGRATION_STATUS_POSTCOPY_PAUSED) {
        error_setg(errp, "Migrate recover can only be run when postcopy is "
                   "paused.");
        return false;
    }
    if (mis->listener) {
        migration_transport_listener_close(mis->listener);
        mis->listener = NULL;
    }
    l = migration_channel_listen(addr, recover_accepted,
                                 recover_accept_failed, mis, errp);
    if (!l) {
        return false;
    }
    mis->listener = l;
    return true;
}

/*
 * migrate-recover may run out-of-band: in the monitor's I/O thread,
 * without the BQL. The listeners belong to the main loop (their watches,
 * the TLS acceptor, the addresses query-migrate reports), so closing one
 * there could free it under a dispatch. Off the main loop the swap is
 * handed to it and waited for, with a deadline: OOB exists for a main
 * loop that may be stuck, and then the command fails instead of hanging
 * the monitor.
 */
#define RECOVER_MAIN_LOOP_WAIT_S 10

typedef struct RecoverJob {
    MigrationIncomingState *mis;
    MigrationAddress *addr;
    int taken_fd;               /* a getfd fd resolve_fd_name() took */
    GMutex lock;
    GCond cond;
    gatomicrefcount refs;       /* the waiter and the scheduled call */
    bool done;
    bool abandoned;             /* the waiter gave up: do nothing */
    bool ok;
    GError *err;
} RecoverJob;

static void recover_job_unref(RecoverJob *j)
{
    if (g_atomic_ref_count_dec(&j->refs)) {
        if (!j->ok && j->taken_fd >= 0) {
            close(j->taken_fd);     /* no listener took it over */
        }
        qapi_free_MigrationAddress(j->addr);
        if (j->err) {
            g_error_free(j->err);
        }
        g_mutex_clear(&j->lock);
        g_cond_clear(&j->cond);
        g_free(j);
    }
}

static void recover_job_run(void *opaque)
{
    RecoverJob *j = opaque;
    GError *err = NULL;
    bool abandoned, ok = false;

    g_mutex_lock(&j->lock);
    abandoned = j->abandoned;
    g_mutex_unlock(&j->lock);
    if (!abandoned) {
        ok = recover_listen(j->mis, j->addr, &err);
    }
    g_mutex_lock(&j->lock);
    j->ok = ok;
    j->err = err;
    j->done = true;
    g_cond_broadcast(&j->cond);
    g_mutex_unlock(&j->lock);
    recover_job_unref(j);
}

/*
 * A getfd name is looked up in the monitor running the command, which
 * only the calling thread knows (monitor_cur() is thread-local): take the
 * fd out of it here and hand the main loop its number. *taken is the fd
 * taken, or -1.
 */
static bool resolve_fd_name(MigrationAddress *addr, int *taken,
                            GError **errp)
{
    char **name;
    int fd;

    *taken = -1;
    if (addr->transport != MIGRATION_ADDRESS_TYPE_SOCKET ||
        addr->u.socket.type != SOCKET_ADDRESS_TYPE_FD) {
        return true;
    }
    name = &addr->u.socket.u.fd.str;
    if (!monitor_cur() || g_ascii_isdigit((*name)[0])) {
        return true;
    }
    fd = monitor_get_fd(monitor_cur(), *name, errp);
    if (fd < 0) {
        return false;
    }
    g_free(*name);
    *name = g_strdup_printf("%d", fd);
    *taken = fd;
    return true;
}

bool postcopy_incoming_recover(MigrationIncomingState *mis,
                               MigrationAddress *addr, GError **errp)
{
    gint64 end = g_get_monotonic_time() +
                 RECOVER_MAIN_LOOP_WAIT_S * G_USEC_PER_SEC;
    RecoverJob *j;
    int taken_fd;
    bool ok;

    if (bql_locked()) {
        ok = recover_listen(mis, addr, errp);
        qapi_free_MigrationAddress(addr);
        return ok;
    }
    if (!resolve_fd_name(addr, &taken_fd, errp)) {
        qapi_free_MigrationAddress(addr);
        return false;
    }
    j = g_new0(RecoverJob, 1);
    j->mis = mis;
    j->addr = addr;
    j->taken_fd = taken_fd;
    g_atomic_ref_count_init(&j->refs);
    g_atomic_ref_count_inc(&j->refs);
    g_mutex_init(&j->lock);
    g_cond_init(&j->cond);
    main_loop_schedule(recover_job_run, j);

    g_mutex_lock(&j->lock);
    while (!j->done && g_cond_wait_until(&j->cond, &j->lock, end)) {
        /* woken: look again */
    }
    if (!j->done) {
        j->abandoned = true;
        error_setg(errp, "migrate-recover: the main loop did not respond "
                   "within %d s; try again",
                   RECOVER_MAIN_LOOP_WAIT_S);
        ok = false;
    } else {
        ok = j->ok;
        if (!ok) {
            g_propagate_error(errp, g_steal_pointer(&j->err));
        }
    }
    g_mutex_unlock(&j->lock);
    recover_job_unref(j);
    return ok;
}

bool postcopy_incoming_accept_extra(MigrationIncomingState *mis,
                                    MigChannel *ch)
{
    if (test_hold_first_preempt(mis, ch)) {
        return true;
    }
    return postcopy_preempt_incoming_accept(mis, ch);
}

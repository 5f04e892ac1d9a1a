/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy-preempt channel (spec/migration-wire-format.md 6.3): one
 * more connection from the source to the destination that carries only
 * the pages the destination asked for, so that they never wait behind
 * the background stream of the main channel. It is opened at postcopy
 * start (after the first PONG proves the main channel is up) and again
 * at every recovery, before POSTCOPY_RESUME.
 *
 * Source: the migration thread connects (the callback runs in the main
 * loop) and writes the requested pages (ram-save.c); a failure of the
 * channel counts like one of the main channel. Destination: a
 * connection beyond the main channel is the preempt channel; its reader
 * thread ("mig/dst/preempt") places the pages with the postcopy rules.
 * PACKAGED waits for the channel before the package loads (wire 4.3),
 * so that the faults of the device load already have it; at a recovery
 * POSTCOPY_RESUME waits for the new channel, so that it is taken before
 * the recovery ends and can never be left over for the next pause
 * (postcopy-recover-dst.c).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "system/qtest.h"
#include "migration/migration-core.h"
#include "migration/options.h"
#include "migration/ram.h"
#include "migration/status.h"
#include "migration/threadinfo.h"
#include "migration/tls-channel-setup.h"

/* Longest wait for the first PONG and for the connection. */
#define PREEMPT_CONNECT_TIMEOUT_US (30 * G_USEC_PER_SEC)

/* ---- source ---- */

static void preempt_connected(MigChannel *ch, GError *err, void *opaque)
{
    MigrationState *s = opaque;
    QEMUFile *f = NULL;

    if (ch) {
        f = qemu_file_new_output(ch);
        mig_channel_unref(ch);
    }
    g_mutex_lock(&s->file_lock);
    if (s->preempt_file) {
        /* A previous channel is still there: should not happen. */
        qemu_fclose(s->preempt_file);
    }
    s->preempt_file = f;
    g_mutex_unlock(&s->file_lock);

    g_mutex_lock(&s->wake_lock);
    g_clear_error(&s->preempt_connect_error);
    s->preempt_connect_error = err;
    s->preempt_connect_done = true;
    g_cond_broadcast(&s->wake_cond);
    g_mutex_unlock(&s->wake_lock);
}

/* Wait (wake_lock held) until cond or the deadline; false on timeout. */
static bool wait_locked(MigrationState *s, bool (*cond)(MigrationState *s),
                        gint64 deadline)
{
    while (!cond(s)) {
        if (!g_cond_wait_until(&s->wake_cond, &s->wake_lock, deadline) &&
            g_get_monotonic_time() >= deadline) {
            return cond(s);
        }
    }
    return true;
}

static bool pong_or_rp_gone(MigrationState *s)
{
    return __atomic_load_n(&s->last_pong, __ATOMIC_ACQUIRE) != 0 ||
           __atomic_load_n(&s->rp_done, __ATOMIC_ACQUIRE);
}

static bool connect_done(MigrationState *s)
{
    return s->preempt_connect_done;
}

bool postcopy_preempt_connect(MigrationState *s, bool wait_pong,
                              GError **errp)
{
    gint64 deadline = g_get_monotonic_time() + PREEMPT_CONNECT_TIMEOUT_US;
    GError *err = NULL;
    bool ok = true;

    postcopy_preempt_drop(s);
    g_mutex_lock(&s->wake_lock);
    /* The main channel is up on the destination once it answered (in a
     * recovery, the received bitmaps were that answer). */
    if (wait_pong) {
        ok = wait_locked(s, pong_or_rp_gone, deadline) &&
             __atomic_load_n(&s->last_pong, __ATOMIC_ACQUIRE) != 0;
    }
    s->preempt_connect_done = false;
    g_clear_error(&s->preempt_connect_error);
    g_mutex_unlock(&s->wake_lock);
    if (!ok) {
        error_setg(errp, "postcopy-preempt: the destination never answered "
                   "on the main channel");
        return false;
    }

    bql_lock();
    ok = migration_channel_connect(s->addr, preempt_connected, s, &err);
    bql_unlock();
    if (!ok) {
        g_propagate_prefixed_error(errp, err, "postcopy-preempt channel: ");
        return false;
    }
    g_mutex_lock(&s->wake_lock);
    ok = wait_locked(s, connect_done, deadline);
    if (ok && s->preempt_connect_error) {
        err = s->preempt_connect_error;
        s->preempt_connect_error = NULL;
        ok = false;
    }
    g_mutex_unlock(&s->wake_lock);
    if (!ok) {
        if (err) {
            g_propagate_prefixed_error(errp, err, "postcopy-preempt channel: ");
        } else {
            error_setg(errp, "postcopy-preempt channel: connecting timed "
                       "out");
        }
        return false;
    }
    g_mutex_lock(&s->file_lock);
    ram_postcopy_set_preempt(s->preempt_file);
    g_mutex_unlock(&s->file_lock);
    return true;
}

void postcopy_preempt_drop(MigrationState *s)
{
    QEMUFile *f;

    ram_postcopy_set_preempt(NULL);
    g_mutex_lock(&s->file_lock);
    f = s->preempt_file;
    s->preempt_file = NULL;
    g_mutex_unlock(&s->file_lock);
    if (f) {
        s->transferred_closed += qemu_file_transferred(f);
        qemu_file_shutdown(f);
        qemu_fclose(f);
    }
}

bool postcopy_preempt_failed(MigrationState *s, GError **errp)
{
    bool failed = false;

    g_mutex_lock(&s->file_lock);
    if (s->preempt_file) {
        failed = qemu_file_get_error_obj(s->preempt_file, errp) != 0;
    }
    g_mutex_unlock(&s->file_lock);
    return failed;
}

/* ---- destination ---- */

static gpointer preempt_thread_fn(gpointer opaque)
{
    MigrationIncomingState *mis = opaque;
    QEMUFile *f;
    GError *err = NULL;

    g_mutex_lock(&mis->file_lock);
    f = mis->preempt_file;
    g_mutex_unlock(&mis->file_lock);
    if (!ram_load_postcopy_channel(f, mis->pc_dest, &err)) {
        /* The main channel's reader decides about pausing. */
        warn_report("postcopy-preempt channel: %s", err->message);
        g_error_free(err);
    }
    return NULL;
}

void postcopy_preempt_incoming_stop(MigrationIncomingState *mis)
{
    MigChannel *early;
    QEMUFile *f;

    g_mutex_lock(&mis->file_lock);
    early = mis->preempt_early;
    mis->preempt_early = NULL;
    g_mutex_unlock(&mis->file_lock);
    if (early) {
        mig_channel_unref(early);
    }
    g_mutex_lock(&mis->file_lock);
    f = mis->preempt_file;
    if (f) {
        qemu_file_shutdown(f);
    }
    g_mutex_unlock(&mis->file_lock);
    if (mis->preempt_thread) {
        g_thread_join(mis->preempt_thread);
        mis->preempt_thread = NULL;
    }
    g_mutex_lock(&mis->file_lock);
    mis->preempt_file = NULL;
    mis->preempt_running = false;
    g_mutex_unlock(&mis->file_lock);
    if (f) {
        qemu_fclose(f);
    }
}

static void preempt_incoming_start(MigrationIncomingState *mis,
                                   MigChannel *ch);

bool postcopy_preempt_incoming_accept(MigrationIncomingState *mis,
                                      MigChannel *ch)
{
    MigrationStatus st = g_atomic_int_get(mis->state);
    bool has_main, advised;

    if (!migrate_postcopy_preempt() ||
        (st != MIGRATION_STATUS_ACTIVE &&
         !migration_status_in_postcopy(st))) {
        return false;
    }
    g_mutex_lock(&mis->file_lock);
    has_main = mis->from_src_file != NULL;
    advised = mis->pc_dest != NULL;
    if (has_main && !advised && !mis->preempt_early) {
        /*
         * The source connects once it has any PONG, and PING 1 comes
         * before ADVISE: the load may not have reached ADVISE yet.
         * Dropping the channel would lose every page sent on it.
         */
        mis->preempt_early = ch;
        g_mutex_unlock(&mis->file_lock);
        return true;
    }
    g_mutex_unlock(&mis->file_lock);
    /* 6.1: once the main channel exists, the next one is preempt. */
    if (!has_main || !advised) {
        return false;
    }
    preempt_incoming_start(mis, ch);
    return true;
}

void postcopy_preempt_incoming_advised(MigrationIncomingState *mis)
{
    MigChannel *ch;

    g_mutex_lock(&mis->file_lock);
    ch = mis->preempt_early;
    mis->preempt_early = NULL;
    g_mutex_unlock(&mis->file_lock);
    if (ch) {
        preempt_incoming_start(mis, ch);
    }
}

static void preempt_incoming_start(MigrationIncomingState *mis,
                                   MigChannel *ch)
{
    postcopy_preempt_incoming_stop(mis);
    g_mutex_lock(&mis->file_lock);
    mis->preempt_file = qemu_file_new_input(ch);
    g_mutex_unlock(&mis->file_lock);
    mig_channel_unref(ch);
    mis->preempt_thread = migration_threadinfo_spawn("mig/dst/preempt",
                                                     preempt_thread_fn, mis,
                                                     NULL);
    __atomic_add_fetch(&mis->preempt_channels, 1, __ATOMIC_RELAXED);
    g_mutex_lock(&mis->file_lock);
    mis->preempt_running = true;
    g_cond_broadcast(&mis->preempt_cond);
    g_mutex_unlock(&mis->file_lock);
}

/* ---- destination: PACKAGED and POSTCOPY_RESUME wait for the channel ---- */

/*
 * Why a wait gets its channel: the source connects the preempt channel
 * and waits until it is connected (and, with TLS, its side of the
 * handshake done) before it sends PACKAGED (postcopy_outgoing_start,
 * wire 4.4) or POSTCOPY_RESUME (wire 4.6 step 3), so by the time either
 * is read here the connection is at least queued on the listener. The
 * wait ends when the main loop has taken it. It never waits for
 * something the source does after the command, so it cannot deadlock
 * against the source.
 */

/*
 * The connection is already made when the wait begins, so it only takes
 * the main loop's accept (and, with TLS, the end of the handshake). The
 * bound is for a connection lost on its way (a proxy, a network) while
 * nothing shuts the main channel down: the source may have given up by
 * then and the destination must not wait for ever. Generous, as the
 * source's own connect timeout is 30 s.
 */
#define PREEMPT_WAIT_TIMEOUT_MS (60 * 1000)

/* Test-only (qtest): QEMU_TEST_POSTCOPY_PREEMPT_WAIT_MS shortens it. */
static unsigned wait_timeout_ms(void)
{
    const char *env = g_getenv("QEMU_TEST_POSTCOPY_PREEMPT_WAIT_MS");
    guint64 ms;

    if (qtest_enabled() && env &&
        g_ascii_string_to_unsigned(env, 10, 1, PREEMPT_WAIT_TIMEOUT_MS, &ms,
                                   NULL)) {
        return ms;
    }
    return PREEMPT_WAIT_TIMEOUT_MS;
}

/* file_lock held. */
static bool main_shut_down(MigrationIncomingState *mis)
{
    QEMUFile *f = mis->from_src_file;

    return !f || (g_atomic_int_get(&qemu_file_get_channel(f)->shutdown_flags) &
                  MIG_CHANNEL_SHUTDOWN_READ);
}

bool postcopy_preempt_incoming_wait(MigrationIncomingState *mis,
                                    const char *cmd, GError **errp)
{
    unsigned timeout_ms = wait_timeout_ms();
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;
    bool ok = false;

    postcopy_incoming_test_preempt_waited(mis);
    g_mutex_lock(&mis->file_lock);
    mis->preempt_waiting = true;
    for (;;) {
        if (mis->preempt_running) {
            ok = true;
            break;
        }
        if (mis->preempt_refused) {
            error_setg(errp, "%s: the postcopy-preempt connection was "
                       "refused: %s", cmd, mis->preempt_refused->message);
            break;
        }
        if (main_shut_down(mis)) {
            error_setg(errp, "%s: the main channel was shut down while "
                       "waiting for the postcopy-preempt channel", cmd);
            break;
        }
        if (!g_cond_wait_until(&mis->preempt_cond, &mis->file_lock,
                               deadline) &&
            g_get_monotonic_time() >= deadline && !mis->preempt_running) {
            error_setg(errp, "%s: no postcopy-preempt channel within %u "
                       "ms although the source had connected it", cmd,
                       timeout_ms);
            break;
        }
    }
    mis->preempt_waiting = false;
    g_mutex_unlock(&mis->file_lock);
    return ok;
}

void postcopy_preempt_incoming_main_shut(MigrationIncomingState *mis)
{
    g_cond_broadcast(&mis->preempt_cond);
}

void postcopy_preempt_incoming_refused(MigrationIncomingState *mis,
                                       const GError *err)
{
    MigrationStatus st = g_atomic_int_get(mis->state);

    if (!migrate_postcopy_preempt()) {
        return;
    }
    /* ACTIVE: the first preempt connection comes before PACKAGED (the
     * caller only reports it once the main channel exists). */
    g_mutex_lock(&mis->file_lock);
    if ((st == MIGRATION_STATUS_ACTIVE ||
         st == MIGRATION_STATUS_POSTCOPY_RECOVER || mis->preempt_waiting) &&
        !mis->preempt_running && !mis->preempt_refused) {
        mis->preempt_refused = g_error_copy(err);
        g_cond_broadcast(&mis->preempt_cond);
    }
    g_mutex_unlock(&mis->file_lock);
}

void postcopy_preempt_incoming_reset_wait(MigrationIncomingState *mis)
{
    g_mutex_lock(&mis->file_lock);
    g_clear_error(&mis->preempt_refused);
    g_mutex_unlock(&mis->file_lock);
}

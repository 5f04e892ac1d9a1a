/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands that drive a migration (spec/migration-states-and-qmp.md
 * 7.1-7.4, 7.10): migrate, migrate-incoming, migrate_cancel,
 * migrate-continue, query-migrate. Each checks its preconditions in the
 * spec's order and changes nothing when it fails.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "system/runstate.h"
#include "migration/blocker.h"
#include "migration/migration-core.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/status.h"
#include "migration/ram.h"
#include "migration/postcopy-src.h"
#include "migration/postcopy-blocktime.h"
#include "migration/convergence.h"
#include "system/dirtylimit.h"
#include "migration/tls-channel-setup.h"
#include "migration/ram-digest-mig.h"

/* Bumped by every migrate so that a late connect callback of an older
 * attempt recognises itself. BQL. */
static unsigned migrate_generation;

/* ---- migrate ---- */

/* Transport against capabilities (8.3). */
static bool migrate_check_transport(const MigrationAddress *addr,
                                    GError **errp)
{
    bool is_file = addr->transport == MIGRATION_ADDRESS_TYPE_FILE;
    bool multi_channel =
        (addr->transport == MIGRATION_ADDRESS_TYPE_SOCKET &&
         addr->u.socket.type != SOCKET_ADDRESS_TYPE_FD) ||
        (is_file && migrate_mapped_ram());

    if (migrate_mapped_ram() && !is_file) {
        error_setg(errp, "Migration requires seekable transport (e.g. file)");
        return false;
    }
    if ((migrate_multifd() || migrate_postcopy_preempt()) && !multi_channel) {
        error_setg(errp, "Migration requires multi-channel URIs (e.g. tcp)");
        return false;
    }
    /* direct-io opens more fds of the same file (file.h). */
    if (migrate_multifd() && migrate_direct_io() && !is_file) {
        error_setg(errp, "Migration requires a transport that allows for "
                   "extra fds (e.g. file)");
        return false;
    }
    return true;
}

/* The run-state and blocker checks of 7.1 step 6. */
static bool migrate_check_can_start(GError **errp)
{
    MigrationState *s = migrate_get_current();

    if (migration_status_is_running(g_atomic_int_get(s->state)) ||
        s->thread || s->connecting) {
        error_setg(errp, "There's a migration process in progress");
        return false;
    }
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        error_setg(errp, "Guest is waiting for an incoming migration");
        return false;
    }
    if (runstate_check(RUN_STATE_POSTMIGRATE)) {
        error_setg(errp, "Can't migrate the vm that was paused due to "
                   "previous migration");
        return false;
    }
    if (migration_is_blocked(errp)) {
        return false;
    }
    if (!convergence_check_start(errp)) {
        return false;
    }
    if (migrate_mapped_ram() && migrate_tls_creds()[0]) {
        error_setg(errp, "Cannot use TLS with mapped-ram");
        return false;
    }
    if (migrate_mapped_ram() &&
        migrate_multifd_compression() != MULTIFD_COMPRESSION_NONE) {
        error_setg(errp, "Cannot use compression with mapped-ram");
        return false;
    }
    return true;
}

/* Everything a new migration starts from (2.2, first row). */
static bool migrate_reset(MigrationState *s)
{
    if (!migration_source_status_reset()) {
        return false;
    }
    migrate_clear_error(s);
    migration_stats_reset();
    s->switchover_acked = false;
    s->rp_error = false;
    s->rp_io_error = false;
    s->rp_done = false;
    s->rp_shut = false;
    s->start_postcopy = false;
    s->transferred_closed = 0;
    s->package_sent = false;
    s->package_loaded = false;
    s->dest_may_run = false;
    s->precopy_handed_over = false;
    g_clear_pointer(&s->pc_queue, postcopy_src_queue_free);
    if (migrate_postcopy_ram()) {
        s->pc_queue = postcopy_src_queue_new(NULL, NULL, 0);
    }
    s->vm_old_state_set = false;
    s->start_time = migration_now_ms();
    s->setup_time = 0;
    s->total_time = 0;
    s->downtime = 0;
    s->downtime_start = 0;
    s->expected_downtime = migrate_downtime_limit();
    s->pages_per_second = 0;
    s->passes_reported = 0;
    migration_set_mbps(s, 0);
    convergence_start();
    return true;
}

static void migrate_connected(MigChannel *ch, GError *err, void *opaque)
{
    MigrationState *s = migrate_get_current();
    unsigned gen = GPOINTER_TO_UINT(opaque);
    MigrationStatus st = g_atomic_int_get(s->state);

    if (gen != migrate_generation) {
        /* An older attempt: the destination sees the close and fails. */
        if (ch) {
            mig_channel_unref(ch);
        }
        g_clear_error(&err);
        return;
    }
    s->connecting = false;
    if (err) {
        if (st == MIGRATION_STATUS_SETUP) {
            migrate_set_error(s, err);
            migrate_src_set_state(s, st, MIGRATION_STATUS_FAILED);
        } else {
            g_error_free(err);
        }
        return;
    }
    if (st != MIGRATION_STATUS_SETUP) {
        /* Cancelled while connecting: closing the fresh connection makes
         * the destination fail its load instead of waiting forever. */
        mig_channel_unref(ch);
        migrate_src_set_state(s, MIGRATION_STATUS_CANCELLING,
                              MIGRATION_STATUS_CANCELLED);
        return;
    }
    migration_outgoing_start(s, ch);
    mig_channel_unref(ch);
}

/* The new channel of a postcopy recovery (2.7 steps 4-5). Main loop. */
static void migrate_resume_connected(MigChannel *ch, GError *err,
                                     void *opaque)
{
    MigrationState *s = migrate_get_current();
    unsigned gen = GPOINTER_TO_UINT(opaque);
    QEMUFile *f;

    if (gen != migrate_generation ||
        g_atomic_int_get(s->state) != MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP) {
        if (ch) {
            mig_channel_unref(ch);
        }
        g_clear_error(&err);
        return;
    }
    s->connecting = false;
    if (err) {
        error_report("postcopy recovery: %s", err->message);
        migrate_set_error(s, err);
        migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                              MIGRATION_STATUS_POSTCOPY_PAUSED);
        migration_wake(s);
        return;
    }
    migrate_clear_error(s);
    f = qemu_file_new_output(ch);
    mig_channel_unref(ch);
    qemu_file_set_rate_limit(f, migrate_max_postcopy_bandwidth());
    g_mutex_lock(&s->file_lock);
    s->to_dst_file = f;
    g_mutex_unlock(&s->file_lock);
    if (!migration_rp_start(s, f, &err)) {
        /* The migration thread sees the failure and pauses again. */
        migrate_set_error(s, err);
        qemu_file_set_error(f, -EIO);
    }
    migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                          MIGRATION_STATUS_POSTCOPY_RECOVER);
    migration_wake(s);
}

static void migrate_resume(MigrationState *s, MigrationAddress *addr,
                           GError **errp)
{
    GError *err = NULL;

    if (g_atomic_int_get(s->state) != MIGRATION_STATUS_POSTCOPY_PAUSED) {
        error_setg(errp, "Cannot resume if there is no paused migration");
        return;
    }
    if (migrate_release_ram()) {
        error_setg(errp, "Postcopy recovery cannot work when release-ram "
                   "capability is set");
        return;
    }
    if (!migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_PAUSED,
                               MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP)) {
        error_setg(errp, "Cannot resume if there is no paused migration");
        return;
    }
    qapi_free_MigrationAddress(s->addr);
    s->addr = migration_address_copy(addr);
    migrate_generation++;
    s->connecting = true;
    if (!migration_channel_connect(addr, migrate_resume_connected,
                                     GUINT_TO_POINTER(migrate_generation),
                                     &err)) {
        s->connecting = false;
        migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                              MIGRATION_STATUS_POSTCOPY_PAUSED);
        g_propagate_error(errp, err);
    }
}

void qmp_migrate(const char *uri, MigrationChannelList *channels,
                 bool has_detach, bool detach, bool has_resume, bool resume,
                 GError **errp)
{
    MigrationState *s = migrate_get_current();
    g_autoptr(MigrationAddress) addr = NULL;
    GError *err = NULL;

    if (!!uri == !!channels) {
        error_setg(errp, "need either 'uri' or 'channels' argument");
        return;
    }
    addr = migration_channels_parse(uri, channels, errp);
    if (!addr || !migrate_check_transport(addr, errp)) {
        return;
    }
    if (has_resume && resume) {
        migrate_resume(s, addr, errp);
        return;
    }
    if (!migrate_check_can_start(errp)) {
        return;
    }

    if (!migrate_reset(s)) {
        error_setg(errp, "There's a migration process in progress");
        return;
    }
    migrate_src_set_state(s, MIGRATION_STATUS_NONE, MIGRATION_STATUS_SETUP);
    qapi_free_MigrationAddress(s->addr);
    s->addr = migration_address_copy(addr);
    migrate_generation++;
    s->connecting = true;
    if (!migration_channel_connect(addr, migrate_connected,
                                     GUINT_TO_POINTER(migrate_generation),
                                     &err)) {
        s->connecting = false;
        migrate_set_error(s, g_error_copy(err));
        migrate_src_set_state(s, MIGRATION_STATUS_SETUP,
                              MIGRATION_STATUS_FAILED);
        g_propagate_error(errp, err);
    }
}

/* ---- migrate_cancel, migrate-continue ---- */

void qmp_migrate_cancel(GError **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationStatus st = g_atomic_int_get(s->state);

    /*
     * x-postcopy-safe-start: in postcopy-device the destination cannot
     * have started the guest, so the source may take it back.
     */
    if (st == MIGRATION_STATUS_POSTCOPY_DEVICE &&
        migrate_postcopy_safe_start()) {
        if (!migrate_src_set_state(s, st, MIGRATION_STATUS_CANCELLING)) {
            error_setg(errp, "Postcopy migration in progress, cannot "
                       "cancel.");
            return;
        }
        migration_outgoing_shutdown(s);
        return;
    }
    if (migration_status_in_postcopy(st)) {
        error_setg(errp, "Postcopy migration in progress, cannot cancel.");
        return;
    }
    /* x-postcopy-safe-start: the complete stream is out (outgoing.c). */
    if (st == MIGRATION_STATUS_DEVICE && s->precopy_handed_over) {
        error_setg(errp, "The migration stream is complete and the "
                   "destination may be running the guest: cannot cancel");
        return;
    }
    /* The limit was for this migration (also when there is none now). */
    if (migrate_dirty_limit()) {
        dirtylimit_cancel_all();
    }
    switch (st) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_WAIT_UNPLUG:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_COLO:
    case MIGRATION_STATUS_CANCELLING:
        break;
    default:
        return;             /* nothing running: a successful no-op */
    }
    if (!migrate_src_set_state(s, st, MIGRATION_STATUS_CANCELLING)) {
        return;             /* the thread moved on (e.g. completed) */
    }
    migration_outgoing_shutdown(s);
    if (!s->thread && st == MIGRATION_STATUS_SETUP) {
        /* No channel yet: done now (2.3). A connect still in flight is
         * closed by its callback, so the destination fails too. */
        migrate_src_set_state(s, MIGRATION_STATUS_CANCELLING,
                              MIGRATION_STATUS_CANCELLED);
    }
}

void qmp_migrate_continue(MigrationStatus state, GError **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationStatus st = g_atomic_int_get(s->state);

    if (st != state) {
        error_setg(errp, "Migration not in expected state: %s",
                   MigrationStatus_str(st));
        return;
    }
    g_mutex_lock(&s->wake_lock);
    s->continue_requested = true;
    g_cond_broadcast(&s->wake_cond);
    g_mutex_unlock(&s->wake_lock);
}

/* ---- migrate-incoming ---- */

void qmp_migrate_incoming(const char *uri, MigrationChannelList *channels,
                          bool has_exit_on_error, bool exit_on_error,
                          GError **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    g_autoptr(MigrationAddress) addr = NULL;

    if (mis->started) {
        error_setg(errp, "The incoming migration has already been started");
        return;
    }
    if (!runstate_check(RUN_STATE_INMIGRATE)) {
        error_setg(errp, "'-incoming' was not specified on the command line");
        return;
    }
    addr = migration_incoming_channels_parse(uri, channels, errp);
    if (!addr) {
        return;
    }
    if (!migrate_check_transport(addr, errp)) {
        return;
    }
    migration_incoming_start(addr, has_exit_on_error ? exit_on_error : true,
                             errp);
}

/* ---- query-migrate ---- */

static MigrationStats *query_ram_stats(MigrationState *s, bool completed)
{
    MigrationStats *ram = g_new0(MigrationStats, 1);
    uint64_t page = TARGET_PAGE_SIZE;

#define STAT(f) __atomic_load_n(&mig_stats.f, __ATOMIC_RELAXED)
    ram->transferred = STAT(transferred);
    ram->total = ram_bytes_total();
    ram->remaining = completed ? 0 : ram_bytes_remaining();
    ram->duplicate = STAT(zero_pages);
    ram->normal = STAT(normal_pages);
    ram->normal_bytes = ram->normal * page;
    ram->dirty_pages_rate = completed ? 0 : STAT(dirty_pages_rate);
    ram->mbps = migration_get_mbps(s);
    ram->dirty_sync_count = STAT(dirty_sync_count);
    ram->dirty_sync_missed_zero_copy = STAT(dirty_sync_missed_zero_copy);
    ram->postcopy_requests = STAT(postcopy_requests);
    ram->page_size = page;
    ram->multifd_bytes = STAT(multifd_bytes);
    ram->pages_per_second = __atomic_load_n(&s->pages_per_second,
                                            __ATOMIC_RELAXED);
    ram->precopy_bytes = STAT(precopy_bytes);
    ram->downtime_bytes = STAT(downtime_bytes);
    ram->postcopy_bytes = STAT(postcopy_bytes);
    return ram;
}

static XBZRLECacheStats *query_xbzrle_stats(void)
{
    XBZRLECacheStats *x = g_new0(XBZRLECacheStats, 1);
    uint64_t pages = STAT(xbzrle_pages), miss = STAT(xbzrle_cache_miss);
    uint64_t bytes = STAT(xbzrle_bytes);

    x->cache_size = migrate_xbzrle_cache_size();
    x->bytes = bytes;
    x->pages = pages;
    x->cache_miss = miss;
    x->cache_miss_rate = pages + miss ? (double)miss / (pages + miss) : 0;
    x->encoding_rate = bytes ? (double)(pages * TARGET_PAGE_SIZE) /
                               bytes : 0;
    x->overflow = STAT(xbzrle_overflow);
#undef STAT
    return x;
}

static void query_fill_source(MigrationInfo *info, MigrationState *s)
{
    MigrationStatus st = g_atomic_int_get(s->state);
    bool timing = false, ram = false, completed = false;

    if (st == MIGRATION_STATUS_NONE) {
        return;
    }
    info->has_status = true;
    info->status = st;

    switch (st) {
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
        timing = ram = true;
        info->has_total_time = true;
        info->total_time = migration_now_ms() - s->start_time;
        info->has_expected_downtime = true;
        info->expected_downtime = __atomic_load_n(&s->expected_downtime,
                                                  __ATOMIC_RELAXED);
        break;
    case MIGRATION_STATUS_POSTCOPY_DEVICE:
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_PAUSED:
    case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
    case MIGRATION_STATUS_POSTCOPY_RECOVER:
        timing = ram = true;
        info->has_total_time = true;
        info->total_time = migration_now_ms() - s->start_time;
        info->has_downtime = true;
        info->downtime = __atomic_load_n(&s->downtime, __ATOMIC_RELAXED);
        break;
    case MIGRATION_STATUS_COMPLETED:
        timing = ram = completed = true;
        info->has_total_time = true;
        info->total_time = s->total_time;
        info->has_downtime = true;
        info->downtime = s->downtime;
        break;
    default:
        break;      /* setup, failed, cancelled, wait-unplug, colo */
    }
    if (timing) {
        info->has_setup_time = true;
        info->setup_time = __atomic_load_n(&s->setup_time, __ATOMIC_RELAXED);
    }
    if (ram) {
        info->ram = query_ram_stats(s, completed);
        if (migrate_xbzrle()) {
            info->xbzrle_cache = query_xbzrle_stats();
        }
        if (cpu_throttle_active()) {
            info->has_cpu_throttle_percentage = true;
            info->cpu_throttle_percentage = cpu_throttle_percentage();
        }
        info->convergence = convergence_query(completed);
        if (migrate_dirty_limit() && dirtylimit_in_service()) {
            info->has_dirty_limit_throttle_time_per_round = true;
            info->dirty_limit_throttle_time_per_round =
                dirtylimit_throttle_time_per_round();
            info->has_dirty_limit_ring_full_time = true;
            info->dirty_limit_ring_full_time = dirtylimit_ring_full_time();
        }
    }
}

/* The six postcopy-*blocktime/latency members (7.10). */
static void query_fill_blocktime(MigrationInfo *info,
                                 const PostcopyBlocktimeInfo *bt)
{
    info->has_postcopy_blocktime = true;
    info->postcopy_blocktime = bt->blocktime_ms;
    info->has_postcopy_latency = true;
    info->postcopy_latency = bt->latency_ns;
    info->has_postcopy_non_vcpu_latency = true;
    info->postcopy_non_vcpu_latency = bt->non_vcpu_latency_ns;
    for (int i = POSTCOPY_LATENCY_BUCKETS - 1; i >= 0; i--) {
        uint64List *e = g_new0(uint64List, 1);

        e->value = bt->latency_dist[i];
        e->next = info->postcopy_latency_dist;
        info->postcopy_latency_dist = e;
    }
    for (int i = (int)bt->nr_vcpus - 1; i >= 0; i--) {
        uint32List *b = g_new0(uint32List, 1);
        uint64List *l = g_new0(uint64List, 1);

        b->value = bt->vcpu_blocktime_ms[i];
        b->next = info->postcopy_vcpu_blocktime;
        info->postcopy_vcpu_blocktime = b;
        l->value = bt->vcpu_latency_ns[i];
        l->next = info->postcopy_vcpu_latency;
        info->postcopy_vcpu_latency = l;
    }
}

/* The incoming view, used when the outgoing status is `none` (7.10). */
static void query_fill_destination(MigrationInfo *info,
                                   MigrationIncomingState *mis)
{
    MigrationStatus st = g_atomic_int_get(mis->state);

    switch (st) {
    case MIGRATION_STATUS_NONE:
        return;
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_CANCELLED:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_DEVICE:
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_PAUSED:
    case MIGRATION_STATUS_POSTCOPY_RECOVER:
    case MIGRATION_STATUS_FAILED:
    case MIGRATION_STATUS_COLO:
    case MIGRATION_STATUS_COMPLETED:
        info->has_status = true;
        info->status = st;
        break;
    default:
        return;
    }
    if (st == MIGRATION_STATUS_COMPLETED && mis->blocktime_valid) {
        query_fill_blocktime(info, mis->blocktime);
    }
    /* Set once the check ran (completed or failed), until the next
     * migrate-incoming. */
    info->x_ram_digest = ram_digest_mig_dst_result();
    if (mis->listener) {
        SocketAddressList *l =
            migration_transport_listener_addresses(mis->listener);

        /* The listener owns its list: hand query-migrate a copy. */
        if (l) {
            JsonNode *n = qapi_SocketAddressList_to_json(l);

            info->socket_address = qapi_SocketAddressList_from_json(n, NULL,
                                                                    NULL);
            json_node_unref(n);
        }
    }
}

MigrationInfo *qmp_query_migrate(GError **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationInfo *info = g_new0(MigrationInfo, 1);
    GError *err;

    query_fill_destination(info, migration_incoming_get_current());
    query_fill_source(info, s);
    info->blocked_reasons = migration_blocked_reasons();
    if (info->has_status) {
        err = migrate_get_error(s);
        if (err) {
            info->error_desc = g_strdup(err->message);
            g_error_free(err);
        }
    }
    return info;
}

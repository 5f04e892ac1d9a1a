/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The return path (spec/migration-wire-format.md 5): messages from the
 * destination to the source on the reverse direction of the main channel.
 * Framing: be16 type, be16 len, len bytes of payload.
 *
 * Source: one reader thread ("mig/src/return") for the whole migration.
 * It never changes the migration status; it records what it saw (SHUT,
 * PONG, SWITCHOVER_ACK) or the first error, and wakes the migration
 * thread, which decides.
 *
 * Destination: writers for SHUT, PONG and SWITCHOVER_ACK; the incoming
 * thread and the main thread both write, serialised by rp_lock.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/migration-core.h"
#include "migration/migration-stats.h"
#include "migration/postcopy-src.h"
#include "migration/ram.h"
#include "migration/rp-postcopy.h"
#include "migration/savevm.h"
#include "migration/status.h"
#include "migration/threadinfo.h"

/*
 * After serving a page request, the RP thread spins this long for the
 * next one before it sleeps (mig_channel_expect_data): a guest walking
 * its memory faults again as soon as the page is placed, and its next
 * request follows within the destination's placement, vCPU wake-up and
 * fault-thread wake-up, some tens of microseconds; waking a sleeping
 * thread on an idle machine costs about as much again. Longer gaps (the
 * guest computing, or done) cost this much CPU once, then nothing.
 */
#define RP_REQUEST_SPIN_US 150

typedef struct RpMsgDesc {
    const char *name;
    int len;                    /* fixed payload length, -1 = variable */
} RpMsgDesc;

static const RpMsgDesc rp_msgs[MIG_RP_MSG_MAX] = {
    [MIG_RP_MSG_INVALID]        = { "INVALID", -1 },
    [MIG_RP_MSG_SHUT]           = { "SHUT", 4 },
    [MIG_RP_MSG_PONG]           = { "PONG", 4 },
    [MIG_RP_MSG_REQ_PAGES_ID]   = { "REQ_PAGES_ID", -1 },
    [MIG_RP_MSG_REQ_PAGES]      = { "REQ_PAGES", 12 },
    [MIG_RP_MSG_RECV_BITMAP]    = { "RECV_BITMAP", -1 },
    [MIG_RP_MSG_RESUME_ACK]     = { "RESUME_ACK", 4 },
    [MIG_RP_MSG_SWITCHOVER_ACK] = { "SWITCHOVER_ACK", 0 },
};

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/*
 * REQ_PAGES_ID / REQ_PAGES (5.3.3): send the page from this thread when
 * RAM can (ram-urgent.c), else queue it for the migration thread.
 */
static int rp_page_request(MigrationState *s, uint16_t type,
                           const uint8_t *buf, uint16_t len, GError **errp)
{
    MigrationStatus st = g_atomic_int_get(s->state);
    RpPageRequest req;
    RAMBlock *rb;

    /*
     * Between sending the package and leaving `device` the migration
     * thread may be slower than the destination, which runs and faults
     * as soon as it has loaded the package: its requests are valid then.
     */
    if (!s->pc_queue ||
        !(migration_status_in_postcopy(st) ||
          (st == MIGRATION_STATUS_DEVICE &&
           __atomic_load_n(&s->package_sent, __ATOMIC_ACQUIRE)))) {
        error_setg(errp, "Received '%s' message on the return path, but "
                   "postcopy is not active", rp_msgs[type].name);
        return -1;
    }
    if (!rp_postcopy_decode_page_request(type, buf, len, &req, errp) ||
        !postcopy_src_resolve_request(s->pc_queue,
                                      req.has_name ? req.name : NULL,
                                      req.start, req.len, &rb, errp)) {
        return -1;
    }
    if (ram_postcopy_serve_urgent(rb, req.start, req.len)) {
        postcopy_src_count_served(s->pc_queue);
    } else if (!postcopy_src_queue_push(s->pc_queue, rb, req.start,
                                        req.len, errp)) {
        return -1;
    }
    __atomic_fetch_add(&mig_stats.postcopy_requests, 1, __ATOMIC_RELAXED);
    return 1;
}

/* RECV_BITMAP + the raw bitmap (5.3.5): hand it to the migration thread. */
static int rp_recv_bitmap(MigrationState *s, QEMUFile *rp, const uint8_t *buf,
                          uint16_t len, GError **errp)
{
    char name[256];
    RAMBlock *rb;
    uint64_t nbits;
    unsigned long *bitmap;

    if (g_atomic_int_get(s->state) != MIGRATION_STATUS_POSTCOPY_RECOVER) {
        error_setg(errp, "Received RECV_BITMAP outside postcopy-recover");
        return -1;
    }
    if (!rp_postcopy_decode_recv_bitmap_msg(buf, len, name, errp)) {
        return -1;
    }
    rb = ram_block_find(name);
    if (!rb) {
        error_setg(errp, "RECV_BITMAP: unknown block %s", name);
        return -1;
    }
    nbits = ram_block_used_length(rb) >> TARGET_PAGE_BITS;
    bitmap = g_new0(unsigned long, DIV_ROUND_UP(nbits, BITS_PER_LONG));
    if (!rp_postcopy_read_recv_bitmap_data(rp, nbits, bitmap, errp)) {
        g_free(bitmap);
        __atomic_store_n(&s->rp_io_error, qemu_file_get_error(rp) != 0,
                         __ATOMIC_RELEASE);
        return -1;
    }
    g_mutex_lock(&s->wake_lock);
    if (s->recv_bitmaps &&
        !g_hash_table_contains(s->recv_bitmaps, name)) {
        g_hash_table_insert(s->recv_bitmaps, g_strdup(name), bitmap);
        bitmap = NULL;
        if (s->recv_bitmaps_pending) {
            s->recv_bitmaps_pending--;
        }
    }
    g_cond_broadcast(&s->wake_cond);
    g_mutex_unlock(&s->wake_lock);
    g_free(bitmap);
    return 1;
}

/*
 * Read and act on one message. Returns 1 to go on, 0 when the destination
 * said SHUT(0), -1 with errp set on any error.  Public for the fuzz target
 * "return-path", which feeds it bytes from a memory channel.
 */
int migration_rp_handle_one(MigrationState *s, QEMUFile *rp, GError **errp)
{
    uint8_t buf[MIG_RP_MAX_LEN];
    uint16_t type, len;
    uint32_t v;

    type = qemu_get_be16(rp);
    len = qemu_get_be16(rp);
    if (qemu_file_get_error_obj(rp, errp)) {
        error_prepend(errp, "return path: ");
        __atomic_store_n(&s->rp_io_error, true, __ATOMIC_RELEASE);
        return -1;
    }
    if (type == MIG_RP_MSG_INVALID || type >= MIG_RP_MSG_MAX) {
        error_setg(errp, "Received invalid message 0x%04x length 0x%04x "
                   "on the return path", type, len);
        return -1;
    }
    if (len > MIG_RP_MAX_LEN ||
        (rp_msgs[type].len >= 0 && len != rp_msgs[type].len)) {
        error_setg(errp, "Received '%s' message (0x%04x) with bad length "
                   "%u, expecting %d", rp_msgs[type].name, type, len,
                   rp_msgs[type].len >= 0 ? rp_msgs[type].len
                                          : MIG_RP_MAX_LEN);
        return -1;
    }
    if (len && qemu_get_buffer(rp, buf, len) != len) {
        qemu_file_get_error_obj(rp, errp);
        if (errp && !*errp) {
            error_setg(errp, "return path: short '%s' message",
                       rp_msgs[type].name);
        } else {
            error_prepend(errp, "return path: ");
        }
        __atomic_store_n(&s->rp_io_error, true, __ATOMIC_RELEASE);
        return -1;
    }

    switch (type) {
    case MIG_RP_MSG_SHUT:
        v = be32_at(buf);
        __atomic_store_n(&s->rp_shut, true, __ATOMIC_RELEASE);
        if (v) {
            /* The destination failed the load: it never ran the guest. */
            __atomic_store_n(&s->rp_shut_error, true, __ATOMIC_RELEASE);
            error_setg(errp, "Sibling indicated error %u", v);
            return -1;
        }
        return 0;
    case MIG_RP_MSG_PONG:
        v = be32_at(buf);
        __atomic_store_n(&s->last_pong, v, __ATOMIC_RELEASE);
        if (v == QEMU_VM_PING_PACKAGED_LOADED) {
            /* Only the fact; the migration thread moves the status (4). */
            __atomic_store_n(&s->package_loaded, true, __ATOMIC_RELEASE);
        }
        /* postcopy-preempt waits for the first PONG. */
        migration_wake(s);
        return 1;
    case MIG_RP_MSG_REQ_PAGES_ID:
    case MIG_RP_MSG_REQ_PAGES:
        if (rp_page_request(s, type, buf, len, errp) < 0) {
            return -1;
        }
        mig_channel_expect_data(qemu_file_get_channel(rp),
                                RP_REQUEST_SPIN_US);
        return 1;
    case MIG_RP_MSG_RECV_BITMAP:
        return rp_recv_bitmap(s, rp, buf, len, errp);
    case MIG_RP_MSG_RESUME_ACK:
        if (!rp_postcopy_decode_resume_ack(buf, len, errp)) {
            return -1;
        }
        if (!migrate_src_set_state(s, MIGRATION_STATUS_POSTCOPY_RECOVER,
                                   MIGRATION_STATUS_POSTCOPY_ACTIVE)) {
            error_setg(errp, "RESUME_ACK received in state %s",
                       MigrationStatus_str(g_atomic_int_get(s->state)));
            return -1;
        }
        migration_wake(s);
        return 1;
    case MIG_RP_MSG_SWITCHOVER_ACK:
        __atomic_store_n(&s->switchover_acked, true, __ATOMIC_RELEASE);
        migration_wake(s);
        return 1;
    default:
        error_setg(errp, "Received invalid message 0x%04x on the return "
                   "path", type);
        return -1;
    }
}

static gpointer rp_thread_fn(gpointer opaque)
{
    MigrationState *s = opaque;
    GError *err = NULL;
    int r;

    do {
        r = migration_rp_handle_one(s, s->rp_file, &err);
    } while (r > 0);

    if (r < 0) {
        MigrationStatus st = g_atomic_int_get(s->state);

        migrate_set_error(s, err);
        __atomic_store_n(&s->rp_error, true, __ATOMIC_RELEASE);
        /*
         * Before postcopy runs, a migration thread blocked writing to a
         * main channel that no longer drains (the fault matrix's
         * half-close) would never look at this error, nor at its
         * postcopy-device deadline: end the channel under it.  In
         * postcopy-active only for an I/O error (which pauses anyway, and
         * is this reader's own connection failing); never while paused
         * or recovering: a recovery's channel must not be shut by an old
         * reader.
         */
        if (st == MIGRATION_STATUS_ACTIVE ||
            st == MIGRATION_STATUS_PRE_SWITCHOVER ||
            st == MIGRATION_STATUS_DEVICE ||
            st == MIGRATION_STATUS_POSTCOPY_DEVICE ||
            (st == MIGRATION_STATUS_POSTCOPY_ACTIVE &&
             __atomic_load_n(&s->rp_io_error, __ATOMIC_ACQUIRE))) {
            migration_outgoing_shutdown(s);
        }
    }
    /* Q1: whoever waits for a PONG(0x42) learns that none will come. */
    __atomic_store_n(&s->rp_done, true, __ATOMIC_RELEASE);
    migration_wake(s);
    return NULL;
}

bool migration_rp_start(MigrationState *s, QEMUFile *f, GError **errp)
{
    QEMUFile *rp = qemu_file_get_return_path(f);

    if (!rp) {
        error_setg(errp, "Unable to open return-path: the migration "
                   "channel is one-way (return-path, switchover-ack and "
                   "postcopy need a socket or exec: transport)");
        return false;
    }
    s->rp_file = rp;
    s->rp_error = false;
    s->rp_io_error = false;
    s->rp_done = false;
    s->rp_shut = false;
    s->rp_shut_error = false;
    s->switchover_acked = false;
    s->last_pong = 0;
    s->rp_thread = migration_threadinfo_spawn("mig/src/return", rp_thread_fn,
                                               s, NULL);
    return true;
}

void migration_rp_failure(MigrationState *s, GError **errp)
{
    GError *err = migrate_get_error(s);

    if (err) {
        g_propagate_error(errp, err);
    } else {
        error_setg(errp, "return path failed");
    }
}

bool migration_rp_join(MigrationState *s, GError **errp)
{
    GError *err;

    if (!s->rp_thread) {
        return true;
    }
    g_thread_join(s->rp_thread);
    s->rp_thread = NULL;
    g_mutex_lock(&s->file_lock);
    qemu_fclose(s->rp_file);
    s->rp_file = NULL;
    g_mutex_unlock(&s->file_lock);

    if (!__atomic_load_n(&s->rp_error, __ATOMIC_ACQUIRE)) {
        return true;
    }
    err = migrate_get_error(s);
    if (err) {
        g_propagate_error(errp, err);
    } else {
        error_setg(errp, "return path failed");
    }
    return false;
}

/* ---- destination ---- */

bool migration_rp_send(MigrationIncomingState *mis, MigRpMsgType type,
                       uint16_t len, const uint8_t *data, GError **errp)
{
    bool ok;

    g_mutex_lock(&mis->rp_lock);
    if (!mis->to_src_file) {
        g_mutex_unlock(&mis->rp_lock);
        error_setg(errp, "Cannot send '%s' message: no return path is "
                   "open", rp_msgs[type].name);
        return false;
    }
    qemu_put_be16(mis->to_src_file, type);
    qemu_put_be16(mis->to_src_file, len);
    if (len) {
        qemu_put_buffer(mis->to_src_file, data, len);
    }
    qemu_fflush(mis->to_src_file);
    ok = qemu_file_get_error_obj(mis->to_src_file, errp) == 0;
    g_mutex_unlock(&mis->rp_lock);
    if (!ok) {
        error_prepend(errp, "return path '%s' message: ", rp_msgs[type].name);
    }
    return ok;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

bool migration_rp_send_shut(MigrationIncomingState *mis, uint32_t value)
{
    uint8_t buf[4];

    put_be32(buf, value);
    /* Best effort: the source may already be gone. */
    return migration_rp_send(mis, MIG_RP_MSG_SHUT, 4, buf, NULL);
}

bool migration_rp_send_pong(MigrationIncomingState *mis, uint32_t value,
                            GError **errp)
{
    uint8_t buf[4];

    put_be32(buf, value);
    return migration_rp_send(mis, MIG_RP_MSG_PONG, 4, buf, errp);
}

bool migration_rp_send_switchover_ack(MigrationIncomingState *mis,
                                      GError **errp)
{
    return migration_rp_send(mis, MIG_RP_MSG_SWITCHOVER_ACK, 0, NULL, errp);
}

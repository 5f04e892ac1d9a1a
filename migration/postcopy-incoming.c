/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy on the destination (spec/migration-wire-format.md 4.3-4.6,
 * migration-states-and-qmp.md 3): the postcopy commands of the stream,
 * the listen thread ("mig/dst/listen") that reads the main channel while
 * the guest runs, page requests on the return path, and pause/recovery.
 *
 * Threads: the incoming thread runs ADVISE .. RUN (RUN ends its loop);
 * LISTEN starts the listen thread, which from then on owns the main
 * channel: RAM sections, PINGs, EOF, and after a channel failure the
 * recovery commands on each new channel. The fault thread of
 * PostcopyDest sends page requests. Status changes are CAS; the listen
 * thread fails `postcopy-device` itself so that a later RUN cannot start
 * a guest whose RAM stream died.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "migration/migration-core.h"
#include "migration/options.h"
#include "migration/postcopy-discard.h"
#include "migration/postcopy-ram.h"
#include "migration/postcopy-stall.h"
#include "migration/ram-digest-mig.h"
#include "migration/ram.h"
#include "migration/rp-postcopy.h"
#include "migration/savevm.h"
#include "migration/status.h"
#include "migration/threadinfo.h"
#include "migration/tls-channel-setup.h"

/* The destination's postcopy progress (QEMU's PostcopyState). */
enum {
    PC_IN_NONE,
    PC_IN_ADVISE,
    PC_IN_DISCARD,
    PC_IN_LISTENING,
    PC_IN_RUNNING,
};

/* Largest package accepted: far above any device state of this board. */
#define PACKAGE_MAX (256u << 20)

static const LoadvmHooks *listen_hooks;

static bool in_set_state(MigrationIncomingState *mis, int old_state,
                         int new_state)
{
    return migrate_set_state(MIGRATION_SIDE_DESTINATION, mis->state,
                             old_state, new_state);
}

static int pc_state(MigrationIncomingState *mis)
{
    return g_atomic_int_get(&mis->pc_state);
}

/* ---- return path writers beyond the framed ones ---- */

static bool rp_write_raw(MigrationIncomingState *mis, const GByteArray *b,
                         GError **errp)
{
    bool ok;

    g_mutex_lock(&mis->rp_lock);
    if (!mis->to_src_file) {
        g_mutex_unlock(&mis->rp_lock);
        error_setg(errp, "no return path is open");
        return false;
    }
    qemu_put_buffer(mis->to_src_file, b->data, b->len);
    qemu_fflush(mis->to_src_file);
    ok = qemu_file_get_error_obj(mis->to_src_file, errp) == 0;
    g_mutex_unlock(&mis->rp_lock);
    return ok;
}

/*
 * How long the channel that brings a requested page spins for it before
 * its reader sleeps (mig_channel_expect_data): the page is back within
 * the source's round trip, tens of microseconds, and a reader that slept
 * would first have to be woken, which on an idle machine costs about as
 * much again. The spin ends with the first bytes; a source slower than
 * this costs this much CPU per request.
 */
#define PAGE_REQUEST_SPIN_US 200

/* PostcopyRequestFn: the fault thread found a page missing. */
static void request_page(void *opaque, RAMBlock *rb, ram_addr_t offset,
                         uint64_t len, uint32_t tid)
{
    MigrationIncomingState *mis = opaque;
    /* Room for the longest REQ_PAGES_ID: one allocation per fault. */
    g_autoptr(GByteArray) out = g_byte_array_sized_new(4 + 12 + 1 + 255);
    bool sent = false;
    QEMUFile *in;

    g_mutex_lock(&mis->rp_lock);
    /* No return path (paused): the request stays outstanding and is
     * re-sent at resume. A failed write shows up on the channels. The
     * message goes in one write (qemu_fflush: one writev). */
    if (mis->to_src_file &&
        rp_postcopy_encode_page_request(out, &mis->rp_last_block,
                                        ram_block_name(rb), offset, len,
                                        NULL)) {
        qemu_put_buffer(mis->to_src_file, out->data, out->len);
        qemu_fflush(mis->to_src_file);
        sent = true;
    }
    g_mutex_unlock(&mis->rp_lock);
    if (sent) {
        /* The page comes on the preempt channel when there is one. */
        g_mutex_lock(&mis->file_lock);
        in = mis->preempt_file ? mis->preempt_file : mis->from_src_file;
        if (in) {
            mig_channel_expect_data(qemu_file_get_channel(in),
                                    PAGE_REQUEST_SPIN_US);
        }
        g_mutex_unlock(&mis->file_lock);
    }
}

/* ---- commands ---- */

static uint64_t be64_at(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/*
 * Test-only (qtest): QEMU_TEST_POSTCOPY_EARLY_PREEMPT holds ADVISE until
 * the preempt connection has arrived (at most 30 s), so the test sees the
 * order that is otherwise a race: preempt channel first, ADVISE after.
 */
static void test_wait_early_preempt(MigrationIncomingState *mis)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    if (!qtest_enabled() || !migrate_postcopy_preempt() ||
        !g_getenv("QEMU_TEST_POSTCOPY_EARLY_PREEMPT")) {
        return;
    }
    while (g_get_monotonic_time() < deadline) {
        bool held;

        g_mutex_lock(&mis->file_lock);
        held = mis->preempt_early != NULL;
        g_mutex_unlock(&mis->file_lock);
        if (held) {
            return;
        }
        g_usleep(1000);
    }
    warn_report("postcopy test: no preempt connection before ADVISE");
}

static bool cmd_advise(MigrationIncomingState *mis, QEMUFile *f,
                       uint16_t len, GError **errp)
{
    uint8_t buf[16];
    uint64_t summary, tps;
    PostcopyDestConfig cfg = {
        .request = request_page,
        .opaque = mis,
        .blocktime = migrate_postcopy_blocktime(),
    };
    PostcopyDest *dest;

    if (pc_state(mis) != PC_IN_NONE) {
        error_setg(errp, "POSTCOPY_ADVISE in the wrong postcopy state %d",
                   pc_state(mis));
        return false;
    }
    g_atomic_int_set(&mis->pc_state, PC_IN_ADVISE);
    if (len != 0 && len != 16) {
        error_setg(errp, "POSTCOPY_ADVISE received with bad length %u", len);
        return false;
    }
    if (len == 0) {
        if (migrate_postcopy_ram()) {
            error_setg(errp, "RAM postcopy is enabled but have 0 byte "
                       "advise");
            return false;
        }
        return true;    /* dirty-bitmaps only: nothing to prepare here */
    }
    if (!migrate_postcopy_ram()) {
        error_setg(errp, "RAM postcopy is disabled but have 16 byte advise");
        return false;
    }
    if (qemu_get_buffer(f, buf, sizeof(buf)) != sizeof(buf)) {
        qemu_file_get_error_obj(f, errp);
        return false;
    }
    summary = be64_at(buf);
    tps = be64_at(buf + 8);
    if (summary != qemu_savevm_ram_pagesize_summary()) {
        error_setg(errp, "Postcopy needs matching RAM page sizes "
                   "(s=0x%" PRIx64 " d=0x%" PRIx64 ")", summary,
                   qemu_savevm_ram_pagesize_summary());
        return false;
    }
    if (tps != TARGET_PAGE_SIZE) {
        error_setg(errp, "Postcopy needs matching target page sizes "
                   "(s=%" PRIu64 " d=%u)", tps, TARGET_PAGE_SIZE);
        return false;
    }
    g_atomic_int_set(&mis->safe_start_gate, 0);
    __atomic_store_n(&mis->preempt_channels, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&mis->resumes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&mis->package_pong_sent, false, __ATOMIC_RELEASE);
    __atomic_store_n(&mis->safe_start_committed, false, __ATOMIC_RELEASE);
    test_wait_early_preempt(mis);
    dest = postcopy_dest_new(&cfg, errp);
    if (!dest) {
        g_atomic_int_set(&mis->pc_state, PC_IN_NONE);
        error_prepend(errp, "Postcopy is not supported: ");
        return false;
    }
    /* Under file_lock: a preempt connection either sees it or is held. */
    g_mutex_lock(&mis->file_lock);
    mis->pc_dest = dest;
    g_mutex_unlock(&mis->file_lock);
    ram_load_postcopy_advise(mis->pc_dest);
    postcopy_preempt_incoming_advised(mis);
    return true;
}

static bool cmd_discard(MigrationIncomingState *mis, QEMUFile *f,
                        uint16_t len, GError **errp)
{
    g_autofree uint8_t *buf = g_malloc(MAX(len, 1));
    PostcopyDiscardCmd cmd;
    RAMBlock *rb;

    if ((pc_state(mis) != PC_IN_ADVISE && pc_state(mis) != PC_IN_DISCARD) ||
        !mis->pc_dest) {
        error_setg(errp, "POSTCOPY_RAM_DISCARD in the wrong postcopy "
                   "state %d", pc_state(mis));
        return false;
    }
    g_atomic_int_set(&mis->pc_state, PC_IN_DISCARD);
    if (qemu_get_buffer(f, buf, len) != len) {
        qemu_file_get_error_obj(f, errp);
        return false;
    }
    if (!postcopy_discard_decode(buf, len, &cmd, errp)) {
        return false;
    }
    rb = postcopy_dest_find_block(mis->pc_dest, cmd.name);
    if (!rb) {
        error_setg(errp, "POSTCOPY_RAM_DISCARD: unknown block %s", cmd.name);
        return false;
    }
    for (size_t i = 0; i < cmd.nr_ranges; i++) {
        uint64_t start, length;

        postcopy_discard_range(&cmd, i, &start, &length);
        if (!postcopy_dest_discard_range(mis->pc_dest, rb, start, length,
                                         errp)) {
            return false;
        }
    }
    return true;
}

static gpointer listen_thread_fn(gpointer opaque);

static bool cmd_listen(MigrationIncomingState *mis, GError **errp)
{
    bool rp;

    if ((pc_state(mis) != PC_IN_ADVISE && pc_state(mis) != PC_IN_DISCARD) ||
        !mis->pc_dest) {
        error_setg(errp, "POSTCOPY_LISTEN in the wrong postcopy state %d",
                   pc_state(mis));
        return false;
    }
    /* x-ram-digest: hash what is held while nothing runs or places. */
    if (!ram_digest_mig_dst_postcopy_listen(mis->pc_dest, errp) ||
        !postcopy_dest_listen(mis->pc_dest, errp)) {
        return false;
    }
    if (migrate_vcpu_stall_probe()) {
        postcopy_stall_arm(mis->pc_dest);
    }
    ram_load_postcopy_listen();
    g_atomic_int_set(&mis->pc_state, PC_IN_LISTENING);
    g_mutex_lock(&mis->rp_lock);
    rp = mis->to_src_file != NULL;
    g_mutex_unlock(&mis->rp_lock);
    /* A destination emulating QEMU < 10.2 (or safe-start off with
     * x-postcopy-device-state=off) never reports postcopy-device. */
    in_set_state(mis, MIGRATION_STATUS_ACTIVE,
                 rp && (migrate_postcopy_device_state() ||
                        migrate_postcopy_safe_start()) ?
                 MIGRATION_STATUS_POSTCOPY_DEVICE :
                 MIGRATION_STATUS_POSTCOPY_ACTIVE);
    mis->listen_ok = false;
    mis->listen_thread = migration_threadinfo_spawn("mig/dst/listen",
                                                    listen_thread_fn, mis,
                                                    NULL);
    return true;
}

static void start_vm_bh(void *opaque)
{
    /* Q8: postcopy starts the guest by autostart alone. */
    if (!runstate_check(RUN_STATE_INMIGRATE)) {
        return;
    }
    if (autostart) {
        vm_start();
    } else {
        runstate_set(RUN_STATE_PAUSED, NULL);
    }
}

/* x-postcopy-safe-start: RUN and the commit both arrived. */
static void safe_start_step(MigrationIncomingState *mis)
{
    if (g_atomic_int_add(&mis->safe_start_gate, 1) == 1) {
        main_loop_schedule(start_vm_bh, NULL);
    }
}

/* The commit counts once, whether its PING or a RESUME brought it. */
static void safe_start_commit(MigrationIncomingState *mis)
{
    bool no = false;

    if (__atomic_compare_exchange_n(&mis->safe_start_committed, &no, true,
                                    false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        safe_start_step(mis);
    }
}

void postcopy_incoming_ping(MigrationIncomingState *mis, uint32_t value)
{
    if (value != QEMU_VM_PING_POSTCOPY_COMMITTED ||
        !migrate_postcopy_safe_start() || !mis->pc_dest) {
        return;
    }
    /* The source will not run the guest any more: this side may. */
    if (in_set_state(mis, MIGRATION_STATUS_POSTCOPY_DEVICE,
                     MIGRATION_STATUS_POSTCOPY_ACTIVE)) {
        safe_start_commit(mis);
    }
}

static bool cmd_run(MigrationIncomingState *mis, bool *stop, GError **errp)
{
    MigrationStatus st = g_atomic_int_get(mis->state);

    if (pc_state(mis) != PC_IN_LISTENING) {
        error_setg(errp, "POSTCOPY_RUN in the wrong postcopy state %d",
                   pc_state(mis));
        return false;
    }
    if (migrate_postcopy_safe_start()) {
        /* Not before the source's commit (postcopy_incoming_ping). */
        if (st != MIGRATION_STATUS_POSTCOPY_DEVICE &&
            st != MIGRATION_STATUS_POSTCOPY_ACTIVE) {
            error_setg(errp, "POSTCOPY_RUN: the migration is %s, the guest "
                       "is not started", MigrationStatus_str(st));
            return false;
        }
        g_atomic_int_set(&mis->pc_state, PC_IN_RUNNING);
        safe_start_step(mis);
        *stop = true;
        return true;
    }
    if (st == MIGRATION_STATUS_POSTCOPY_DEVICE) {
        in_set_state(mis, st, MIGRATION_STATUS_POSTCOPY_ACTIVE);
    }
    st = g_atomic_int_get(mis->state);
    if (st != MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        /* The listen thread failed meanwhile: never start this guest. */
        error_setg(errp, "POSTCOPY_RUN: the migration is %s, the guest "
                   "is not started", MigrationStatus_str(st));
        return false;
    }
    g_atomic_int_set(&mis->pc_state, PC_IN_RUNNING);
    main_loop_schedule(start_vm_bh, NULL);
    *stop = true;
    return true;
}

static bool cmd_packaged(MigrationIncomingState *mis, QEMUFile *f,
                         const LoadvmHooks *hooks, bool *stop, GError **errp)
{
    uint32_t len = qemu_get_be32(f);
    g_autofree uint8_t *buf = NULL;
    MigChannel *ch;
    QEMUFile *pf;
    bool ok, stopped = false;

    if (qemu_file_get_error_obj(f, errp)) {
        return false;
    }
    if (len > PACKAGE_MAX) {
        error_setg(errp, "PACKAGED: %u bytes is more than the %u accepted",
                   len, PACKAGE_MAX);
        return false;
    }
    buf = g_malloc(MAX(len, 1));
    if (qemu_get_buffer(f, buf, len) != len) {
        if (!qemu_file_get_error_obj(f, errp)) {
            error_setg(errp, "PACKAGED: the stream ended inside the "
                       "%u-byte package", len);
        }
        return false;
    }
    /*
     * 4.3: with postcopy-preempt, first the preempt channel. Loading the
     * devices faults on guest RAM, and the source sends those pages on
     * that channel. The source connected it before it sent PACKAGED.
     * (No ADVISE, no PostcopyDest: the connection would only be parked,
     * and the package's LISTEN fails anyway.)
     */
    if (migrate_postcopy_preempt() && mis->pc_dest &&
        !postcopy_preempt_incoming_wait(mis, "PACKAGED", errp)) {
        return false;
    }
    ch = mig_channel_new_mem(buf, len, "package");
    pf = qemu_file_new_input(ch);
    mig_channel_unref(ch);
    ok = qemu_loadvm_state_main(pf, hooks, &stopped, errp);
    qemu_fclose(pf);
    if (ok && !stopped && mis->listen_thread) {
        /* The listen thread owns the main channel now. */
        error_setg(errp, "PACKAGED: the package started listening but did "
                   "not end with POSTCOPY_RUN");
        return false;
    }
    if (!ok) {
        error_prepend(errp, "loading the postcopy package: ");
    }
    *stop = stopped;
    return ok;
}

static bool cmd_resume(MigrationIncomingState *mis, GError **errp)
{
    g_autoptr(GByteArray) ack = g_byte_array_new();

    if (!in_set_state(mis, MIGRATION_STATUS_POSTCOPY_RECOVER,
                      MIGRATION_STATUS_POSTCOPY_ACTIVE)) {
        warn_report("POSTCOPY_RESUME received in state %s: ignored",
                    MigrationStatus_str(g_atomic_int_get(mis->state)));
        return true;
    }
    g_mutex_lock(&mis->rp_lock);
    g_clear_pointer(&mis->rp_last_block, g_free);
    g_mutex_unlock(&mis->rp_lock);
    rp_postcopy_encode_resume_ack(ack, RP_POSTCOPY_RESUME_ACK_VALUE);
    if (!rp_write_raw(mis, ack, errp)) {
        return false;
    }
    postcopy_dest_resume(mis->pc_dest);
    /*
     * safe-start: a source resumes only from postcopy-paused, which it
     * reaches only after it committed, so RESUME stands for the commit
     * PING that the broken channel lost.
     */
    if (migrate_postcopy_safe_start()) {
        safe_start_commit(mis);
    }
    /* Last (4.3): until the new preempt channel is taken, this recovery
     * is not over, and nothing read from the main channel can pause the
     * next one -- so it cannot pass for the next main channel. */
    if (migrate_postcopy_preempt() &&
        !postcopy_preempt_incoming_wait(mis, "POSTCOPY_RESUME", errp)) {
        return false;
    }
    __atomic_add_fetch(&mis->resumes, 1, __ATOMIC_RELAXED);
    return true;
}

static bool cmd_recv_bitmap(MigrationIncomingState *mis, QEMUFile *f,
                            uint16_t len, GError **errp)
{
    uint8_t buf[256];
    char name[256];
    RAMBlock *rb;
    g_autoptr(GByteArray) out = g_byte_array_new();

    if (len < 2 || len > 256) {
        error_setg(errp, "RECV_BITMAP received with bad length %u", len);
        return false;
    }
    if (qemu_get_buffer(f, buf, len) != len) {
        qemu_file_get_error_obj(f, errp);
        return false;
    }
    if (buf[0] + 1 != len) {
        error_setg(errp, "RECV_BITMAP: name length %u does not match the "
                   "command length %u", buf[0], len);
        return false;
    }
    memcpy(name, buf + 1, buf[0]);
    name[buf[0]] = 0;
    rb = mis->pc_dest ? postcopy_dest_find_block(mis->pc_dest, name) : NULL;
    if (!rb) {
        error_setg(errp, "RECV_BITMAP: unknown block %s", name);
        return false;
    }
    if (g_atomic_int_get(mis->state) != MIGRATION_STATUS_POSTCOPY_RECOVER) {
        error_report("RECV_BITMAP outside postcopy-recover: ignored");
        return true;
    }
    return postcopy_dest_encode_recv_bitmap(mis->pc_dest, rb, name, out,
                                            errp) &&
           rp_write_raw(mis, out, errp);
}

bool postcopy_incoming_command(MigrationIncomingState *mis,
                               const LoadvmHooks *hooks, QEMUFile *f,
                               int cmd, uint16_t len, bool *stop,
                               GError **errp)
{
    listen_hooks = hooks;
    switch (cmd) {
    case MIG_CMD_POSTCOPY_ADVISE:
        return cmd_advise(mis, f, len, errp);
    case MIG_CMD_POSTCOPY_RAM_DISCARD:
        return cmd_discard(mis, f, len, errp);
    case MIG_CMD_POSTCOPY_LISTEN:
        return cmd_listen(mis, errp);
    case MIG_CMD_POSTCOPY_RUN:
        return cmd_run(mis, stop, errp);
    case MIG_CMD_PACKAGED:
        return cmd_packaged(mis, f, hooks, stop, errp);
    case MIG_CMD_POSTCOPY_RESUME:
        return cmd_resume(mis, errp);
    case MIG_CMD_RECV_BITMAP:
        return cmd_recv_bitmap(mis, f, len, errp);
    case MIG_CMD_ENABLE_COLO:
        error_setg(errp, "ENABLE_COLO: COLO is not supported");
        return false;
    default:
        error_setg(errp, "MIG_CMD 0x%x is not handled here", cmd);
        return false;
    }
}

/* ---- the listen thread, pause and recovery ---- */

static QEMUFile *current_main(MigrationIncomingState *mis)
{
    QEMUFile *f;

    g_mutex_lock(&mis->file_lock);
    f = mis->from_src_file;
    g_mutex_unlock(&mis->file_lock);
    return f;
}

/* Close both directions of the failed channel (listen thread). */
static void drop_channels(MigrationIncomingState *mis)
{
    QEMUFile *rp, *f;

    g_mutex_lock(&mis->rp_lock);
    rp = mis->to_src_file;
    mis->to_src_file = NULL;
    g_mutex_unlock(&mis->rp_lock);
    g_mutex_lock(&mis->file_lock);
    f = mis->from_src_file;
    mis->from_src_file = NULL;
    g_mutex_unlock(&mis->file_lock);
    if (rp) {
        qemu_file_shutdown(rp);
        qemu_fclose(rp);
    }
    if (f) {
        qemu_file_shutdown(f);
        qemu_fclose(f);
    }
}

/*
 * postcopy-active or postcopy-recover lost its channel (4.6): pause and
 * wait for migrate-recover's new connection. Returns when it arrived
 * (status postcopy-recover).
 */
static void pause_and_wait(MigrationIncomingState *mis, MigrationStatus st)
{
    MigChannel *ch;
    QEMUFile *f, *rp;

    /* First: a late connection of this session must not pass for the
     * recovery's (postcopy-recover-dst.c). */
    postcopy_incoming_mark_stale_connections(mis);
    postcopy_dest_pause(mis->pc_dest);
    drop_channels(mis);
    postcopy_preempt_incoming_stop(mis);
    ram_load_postcopy_pause();
    in_set_state(mis, st, MIGRATION_STATUS_POSTCOPY_PAUSED);
    /* Paused: no refusal is recorded until postcopy-recover. */
    postcopy_preempt_incoming_reset_wait(mis);
    error_report("Detected IO failure for postcopy. Migration paused.");
    postcopy_incoming_test_late_preempt(mis);

    g_mutex_lock(&mis->recover_lock);
    while (!mis->recover_channel) {
        g_cond_wait(&mis->recover_cond, &mis->recover_lock);
    }
    ch = mis->recover_channel;
    mis->recover_channel = NULL;
    g_mutex_unlock(&mis->recover_lock);

    f = qemu_file_new_input(ch);
    mig_channel_unref(ch);
    rp = qemu_file_get_return_path(f);
    g_mutex_lock(&mis->file_lock);
    mis->from_src_file = f;
    g_mutex_unlock(&mis->file_lock);
    g_mutex_lock(&mis->rp_lock);
    mis->to_src_file = rp;
    g_clear_pointer(&mis->rp_last_block, g_free);
    g_mutex_unlock(&mis->rp_lock);
    in_set_state(mis, MIGRATION_STATUS_POSTCOPY_PAUSED,
                 MIGRATION_STATUS_POSTCOPY_RECOVER);
}

static gpointer listen_thread_fn(gpointer opaque)
{
    MigrationIncomingState *mis = opaque;

    for (;;) {
        GError *err = NULL;
        MigrationStatus st;

        if (qemu_loadvm_state_main(current_main(mis), listen_hooks, NULL,
                                   &err)) {
            st = g_atomic_int_get(mis->state);
            /* (Without safe-start, EOF may overtake RUN: the source
             * completes once it has seen PONG(0x42), which is sent
             * before RUN is processed.) */
            if (migrate_postcopy_safe_start() &&
                st == MIGRATION_STATUS_POSTCOPY_DEVICE &&
                in_set_state(mis, st, MIGRATION_STATUS_FAILED)) {
                /* safe-start: the stream ended without the commit. */
                error_setg(&mis->listen_error, "postcopy: the source ended "
                           "the stream without committing to postcopy");
                break;
            }
            mis->listen_ok = true;
            break;
        }
        st = g_atomic_int_get(mis->state);
        if (st == MIGRATION_STATUS_POSTCOPY_ACTIVE ||
            st == MIGRATION_STATUS_POSTCOPY_RECOVER) {
            /* The guest runs here and needs the rest: wait for it. */
            warn_report("postcopy: %s", err->message);
            g_error_free(err);
            pause_and_wait(mis, st);
            continue;
        }
        /*
         * safe-start, postcopy-device after PONG(0x42): the source may
         * have committed and be pausing; failing here would leave the
         * guest running nowhere, so wait for recovery (the guest starts
         * at RESUME).  Not committed, the source resumes it instead and
         * this side stays paused until management ends it.
         */
        if (st == MIGRATION_STATUS_POSTCOPY_DEVICE &&
            migrate_postcopy_safe_start() &&
            __atomic_load_n(&mis->package_pong_sent, __ATOMIC_ACQUIRE)) {
            warn_report("postcopy: %s", err->message);
            g_error_free(err);
            pause_and_wait(mis, st);
            continue;
        }
        /* postcopy-device: the guest never ran; RUN must not start it. */
        if (st == MIGRATION_STATUS_POSTCOPY_DEVICE) {
            error_report("postcopy: %s", err->message);
            in_set_state(mis, st, MIGRATION_STATUS_FAILED);
        }
        mis->listen_error = err;
        break;
    }
    return NULL;
}

bool postcopy_incoming_join(MigrationIncomingState *mis, bool load_ok,
                            GError **errp)
{
    if (!mis->listen_thread) {
        return load_ok;
    }
    if (!load_ok) {
        /* The package failed: stop the listen thread reading. */
        QEMUFile *f;

        g_mutex_lock(&mis->file_lock);
        f = mis->from_src_file;
        if (f) {
            qemu_file_shutdown(f);
        }
        postcopy_preempt_incoming_main_shut(mis);
        g_mutex_unlock(&mis->file_lock);
    }
    g_thread_join(mis->listen_thread);
    mis->listen_thread = NULL;
    if (load_ok && !mis->listen_ok) {
        if (mis->listen_error) {
            g_propagate_error(errp, mis->listen_error);
            mis->listen_error = NULL;
        } else {
            error_setg(errp, "postcopy: the listen thread failed");
        }
        return false;
    }
    g_clear_error(&mis->listen_error);
    return load_ok;
}

void postcopy_incoming_teardown(MigrationIncomingState *mis)
{
    PostcopyBlocktimeInfo info;

    postcopy_incoming_test_late_preempt_free();
    postcopy_preempt_incoming_stop(mis);
    postcopy_preempt_incoming_reset_wait(mis);
    if (!mis->pc_dest) {
        g_atomic_int_set(&mis->pc_state, PC_IN_NONE);
        return;
    }
    if (postcopy_dest_get_blocktime(mis->pc_dest, &info)) {
        if (mis->blocktime) {
            postcopy_blocktime_info_clear(mis->blocktime);
        } else {
            mis->blocktime = g_new0(PostcopyBlocktimeInfo, 1);
        }
        *mis->blocktime = info;
        mis->blocktime_valid = true;
    }
    ram_load_postcopy_end();
    g_clear_pointer(&mis->pc_dest, postcopy_dest_free);
    /* Only now: nothing can place a page and call its observer. */
    ram_digest_mig_dst_postcopy_reset();
    g_clear_pointer(&mis->rp_last_block, g_free);
    g_atomic_int_set(&mis->pc_state, PC_IN_NONE);
}

bool postcopy_incoming_pause(MigrationIncomingState *mis, GError **errp)
{
    QEMUFile *f;
    int ret = -1;

    g_mutex_lock(&mis->file_lock);
    f = mis->from_src_file;
    if (f) {
        ret = qemu_file_shutdown(f);
    }
    postcopy_preempt_incoming_main_shut(mis);
    g_mutex_unlock(&mis->file_lock);
    if (ret < 0) {
        error_setg(errp, "Failed to pause destination migration");
        return false;
    }
    return true;
}

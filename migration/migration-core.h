/*
 * The two migration state objects of this process: MigrationState (the
 * outgoing side, "source") and MigrationIncomingState (the incoming side,
 * "destination"), and the calls the files of the migration core share:
 *
 *   migration.c      the objects, errors, time bookkeeping, cleanup
 *   migration-qmp.c  QMP handlers (migrate, migrate_cancel, query-migrate...)
 *   outgoing.c       the migration thread (setup, iterate, switchover)
 *   switchover.c     switchover-ack on both sides, pre-switchover wait
 *   return-path.c    the return path: framing, source reader thread,
 *                    destination writers (SHUT, PONG, SWITCHOVER_ACK)
 *   incoming.c       listening, the incoming thread, VM start, teardown
 *   cpu-throttle.c   auto-converge
 *
 * Locking: the status integers change only through migrate_set_state()
 * (atomic compare-and-set). Everything else marked "BQL" is touched with
 * the BQL held; fields shared with the migration or return-path thread say
 * which lock or atomic guards them.
 */
#ifndef MIGRATION_MIGRATION_CORE_H
#define MIGRATION_MIGRATION_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/qapi-types.h"
#include "migration/migration.h"
#include "migration/qemu-file.h"
#include "migration/transport.h"

/* Return-path message types (wire-format 5.2). */
typedef enum MigRpMsgType {
    MIG_RP_MSG_INVALID = 0,
    MIG_RP_MSG_SHUT,
    MIG_RP_MSG_PONG,
    MIG_RP_MSG_REQ_PAGES_ID,
    MIG_RP_MSG_REQ_PAGES,
    MIG_RP_MSG_RECV_BITMAP,
    MIG_RP_MSG_RESUME_ACK,
    MIG_RP_MSG_SWITCHOVER_ACK,
    MIG_RP_MSG_MAX
} MigRpMsgType;

/* Longest return-path payload the source accepts (wire-format 5.2). */
#define MIG_RP_MAX_LEN 512

/* ---- source ---- */

typedef struct MigrationState {
    /* MigrationStatus: migration_source_status_word(); changed only
     * through migrate_set_state(). */
    int *state;

    /* Main channel. The pointer is set/cleared under file_lock so that a
     * cancel from the main thread can shut it down while the migration
     * thread writes. */
    GMutex file_lock;
    QEMUFile *to_dst_file;
    /* Return path reader (owned by the RP thread while it runs). */
    QEMUFile *rp_file;

    bool connecting;            /* BQL: transport connect in flight */
    GThread *thread;            /* BQL: the migration thread */
    bool thread_done;           /* BQL: cleanup scheduled */

    /* Return path thread and what it learned (atomics). */
    GThread *rp_thread;
    bool rp_error;              /* atomic: RP failed (error recorded) */
    bool rp_shut;               /* atomic: SHUT received */
    bool rp_shut_error;         /* atomic: it was SHUT(non-zero) */
    bool switchover_acked;      /* atomic: SWITCHOVER_ACK received */
    uint32_t last_pong;         /* atomic */

    /* Wakes the migration thread: pre-switchover continue, cancel,
     * switchover ack. Guarded by wake_lock. */
    GMutex wake_lock;
    GCond wake_cond;
    bool continue_requested;    /* migrate-continue in pre-switchover */

    /* First error (error_lock). Also where incoming failures are kept. */
    GMutex error_lock;
    GError *error;

    /* Time bookkeeping, ms (written by the migration thread, read by
     * query-migrate; 64-bit atomics). */
    int64_t start_time;         /* realtime ms at migrate */
    int64_t setup_time;
    int64_t total_time;         /* final, once completed */
    int64_t downtime_start;
    int64_t downtime;
    int64_t expected_downtime;
    uint64_t mbps_bits;         /* double stored as bits (atomic) */
    uint64_t pages_per_second;

    /* Run state before the switchover stop (BQL). */
    bool vm_old_state_set;
    RunState vm_old_state;

    /*
     * Postcopy (spec 2.6, 2.7, 4). start_postcopy: migrate-start-postcopy
     * was called (atomic). package_loaded: the RP thread saw PONG(0x42)
     * (atomic; the migration thread alone changes the status, 4.3).
     * rp_done: the RP thread has ended (Q1: a waiter must not wait for a
     * PONG that can no longer come). dest_may_run: the source committed
     * to postcopy-active, so it never restarts its VM (Q3).
     */
    bool start_postcopy;
    /*
     * package_sent (atomic): the postcopy package is on the wire, so the
     * destination may run and ask for pages before the migration thread
     * has moved the status on from `device`.
     */
    bool package_sent;
    bool package_loaded;
    bool rp_done;
    bool rp_io_error;           /* atomic: the RP failed reading (pausable) */
    bool dest_may_run;          /* BQL/migration thread */
    /* safe-start, precopy: the whole stream (EOF) went out, so the
     * destination may run the guest unless it answers SHUT(non-zero)
     * (BQL/migration thread). */
    bool precopy_handed_over;
    int64_t postcopy_device_since;  /* ms, entering postcopy-device */
    uint64_t transferred_closed;    /* bytes of channels closed (pause) */
    struct PostcopySrcQueue *pc_queue;  /* requests from the RP thread */
    /* postcopy-preempt (postcopy-preempt.c): the channel (file_lock),
     * and the outcome of its connect, under wake_lock. */
    QEMUFile *preempt_file;
    bool preempt_connect_done;
    GError *preempt_connect_error;
    /* Recovery: received bitmaps handed from the RP thread (wake_lock). */
    GHashTable *recv_bitmaps;   /* block name -> unsigned long * */
    unsigned recv_bitmaps_pending;
    /* The address of the current or last migrate (preempt connects to it). */
    MigrationAddress *addr;

    /* MIGRATION_PASS and auto-converge bookkeeping (migration thread). */
    uint64_t passes_reported;
    uint64_t last_period_ms;
    uint64_t last_period_bytes;
} MigrationState;

/* The outgoing object (never NULL after migration_object_init()). */
MigrationState *migrate_get_current(void);

/* ---- destination ---- */

typedef struct MigrationIncomingState {
    /* MigrationStatus: migration_incoming_status_word(). */
    int *state;
    bool started;               /* BQL: migrate-incoming succeeded once */
    bool exit_on_error;         /* BQL */
    MigTransportListener *listener;  /* BQL */

    QEMUFile *from_src_file;    /* owned by the incoming thread */
    GThread *thread;            /* BQL */

    /* Return path writer: the incoming thread (PONG, ACK) and the main
     * thread (SHUT) both write, so writes take rp_lock. */
    GMutex rp_lock;
    QEMUFile *to_src_file;

    /* switchover-ack: entries that still have to approve (rp_lock). */
    int switchover_ack_pending;
    bool switchover_ack_sent;

    bool load_ok;               /* result of the incoming thread */
    GError *load_error;

    /* ---- postcopy (postcopy-incoming.c) ---- */
    /* from_src_file is replaced at recovery and shut down by
     * migrate-pause: both under file_lock. */
    GMutex file_lock;
    struct PostcopyDest *pc_dest;       /* ADVISE .. teardown */
    int pc_state;               /* PostcopyIncomingState (atomic) */
    GThread *listen_thread;
    bool listen_ok;
    GError *listen_error;
    char *rp_last_block;        /* REQ_PAGES carry-over (rp_lock) */
    /* x-postcopy-safe-start: RUN processed and the source's commit seen
     * each add one; the second starts the guest (atomic). */
    int safe_start_gate;
    /* safe-start: PONG(0x42) went out (the source may commit), and the
     * commit was counted in the gate (by its PING or by a RESUME). */
    bool package_pong_sent;
    bool safe_start_committed;
    /* Recovery: a new main channel for the paused listen thread. */
    GMutex recover_lock;
    GCond recover_cond;
    struct MigChannel *recover_channel;
    /* The accept count when the destination last paused: connections
     * accepted up to it belong to the broken session (atomic). */
    uint64_t recover_accept_floor;
    /* postcopy-preempt: the channel (file_lock) and its reader. */
    QEMUFile *preempt_file;
    GThread *preempt_thread;
    /* A preempt connection that came before ADVISE (file_lock): held
     * until cmd_advise has the PostcopyDest its reader needs. */
    struct MigChannel *preempt_early;
    /* PACKAGED and POSTCOPY_RESUME wait on preempt_cond (file_lock)
     * until a preempt reader runs (preempt_running), the main channel is
     * shut down, or the awaited preempt connection was refused
     * (preempt_refused, kept from `active` or postcopy-recover or
     * during a wait; cleared at each pause and at teardown). */
    GCond preempt_cond;
    bool preempt_running;
    bool preempt_waiting;
    GError *preempt_refused;
    /* x-query-postcopy, this postcopy (atomic): preempt readers started
     * and POSTCOPY_RESUMEs completed. */
    uint64_t preempt_channels;
    uint64_t resumes;
    /* Blocktime figures kept at teardown for query-migrate (BQL). */
    bool blocktime_valid;
    struct PostcopyBlocktimeInfo *blocktime;
} MigrationIncomingState;

MigrationIncomingState *migration_incoming_get_current(void);

/* ---- migration.c ---- */

/* Create both objects (main, once, before the monitors start). */
void migration_core_init(void);
/* Record err as the migration error unless one is already kept (the
 * first error wins). Takes err. Any thread. */
void migrate_set_error(MigrationState *s, GError *err);
/* A copy of the kept error (NULL when none). */
GError *migrate_get_error(MigrationState *s);
void migrate_clear_error(MigrationState *s);
/* Change the source status: wrappers over migrate_set_state(). */
bool migrate_src_set_state(MigrationState *s, int old_state, int new_state);
/* Milliseconds on the host clock. */
int64_t migration_now_ms(void);
/* Throughput of the current migration in Mbit/s (atomic). */
double migration_get_mbps(MigrationState *s);
void migration_set_mbps(MigrationState *s, double mbps);

/* ---- outgoing.c ---- */

/* Start the migration thread on the connected channel (main loop, BQL). */
void migration_outgoing_start(MigrationState *s, MigChannel *ch);
/* Bytes put on every channel of this migration so far (migration
 * thread); also stored as mig_stats.transferred. */
uint64_t migration_transferred_update(MigrationState *s, QEMUFile *f);
/* Shut the channels down so every blocked read/write returns (any
 * thread); used by cancel. */
void migration_outgoing_shutdown(MigrationState *s);

/* ---- postcopy-outgoing.c (migration thread) ---- */

/* Switch to postcopy (spec 2.6): false with errp set (the caller fails
 * the migration and restores the VM). */
bool postcopy_outgoing_start(MigrationState *s, QEMUFile *f, GError **errp);
/* One turn in postcopy-device / postcopy-active: 1 go on, 0 completed,
 * -1 failed. Pauses and recovers inside; *pf changes with the channel. */
int postcopy_outgoing_iterate(MigrationState *s, QEMUFile **pf,
                              GError **errp);

/* ---- postcopy-preempt.c ---- */

/* Source, migration thread: open the preempt channel to s->addr (after
 * the first PONG when wait_pong, wire 4.4 step 2) and wait for it. */
bool postcopy_preempt_connect(MigrationState *s, bool wait_pong,
                              GError **errp);
/* Source: shut down and close the channel (pause, cleanup). */
void postcopy_preempt_drop(MigrationState *s);
/* Source: has the preempt channel failed? */
bool postcopy_preempt_failed(MigrationState *s, GError **errp);
/* Destination: take ch as the preempt channel when it is one. */
bool postcopy_preempt_incoming_accept(MigrationIncomingState *mis,
                                      MigChannel *ch);
/* ADVISE made pc_dest: start a preempt channel held since before it. */
void postcopy_preempt_incoming_advised(MigrationIncomingState *mis);
/* Destination: stop and join the preempt reader (pause, teardown). */
void postcopy_preempt_incoming_stop(MigrationIncomingState *mis);
/*
 * Destination, with postcopy-preempt (wire 4.3): wait until the preempt
 * channel is connected and its reader runs -- the incoming thread at
 * PACKAGED before the package loads, the listen thread at each
 * POSTCOPY_RESUME. cmd names the command in the error. False with errp
 * set when the wait ended without it: the main channel was shut down
 * (yank, migrate-pause, a failed load) or the preempt connection was
 * refused at its TLS handshake.
 */
bool postcopy_preempt_incoming_wait(MigrationIncomingState *mis,
                                    const char *cmd, GError **errp);
/* The main channel was just shut down: end a preempt wait. Call with
 * file_lock held (where from_src_file is shut down). */
void postcopy_preempt_incoming_main_shut(MigrationIncomingState *mis);
/* A connection was refused (main loop) once the main channel exists:
 * while `active` (before PACKAGED), in postcopy-recover or during a
 * wait it was the awaited preempt connection; remember why (a copy of
 * err) and end the wait. */
void postcopy_preempt_incoming_refused(MigrationIncomingState *mis,
                                       const GError *err);
/* Pausing (listen thread): forget the last recovery's refusal. */
void postcopy_preempt_incoming_reset_wait(MigrationIncomingState *mis);

/* ---- switchover.c ---- */

/* Source: may the VM be stopped for switchover now (spec 5 gate)? */
bool migration_can_switchover(MigrationState *s);
/* Source: wake the migration thread (ack, continue, cancel). */
void migration_wake(MigrationState *s);
/* Source: wait up to timeout_ms for a wake-up. */
void migration_wait_wake(MigrationState *s, int timeout_ms);
/* Source, migration thread, BQL held, VM stopped: pause in pre-switchover
 * until migrate-continue or cancel. Returns with the BQL held; true when
 * the thread may go on to `device`. */
bool migration_pre_switchover_wait(MigrationState *s);
/* Stop the guest and enter device (or pre-switchover); see outgoing.c. */
bool migration_switchover_stop(MigrationState *s, GError **errp);
/* Destination: count the entries that must approve (at OPEN_RETURN_PATH)
 * and send the ACK at once when there are none. */
bool migration_incoming_switchover_ack_init(MigrationIncomingState *mis,
                                            GError **errp);

/* ---- return-path.c ---- */

/* Source: open the return path on f and start its reader thread. */
bool migration_rp_start(MigrationState *s, QEMUFile *f, GError **errp);
/* Source: wait for the reader to finish (SHUT or error); true when the
 * destination reported success. */
bool migration_rp_join(MigrationState *s, GError **errp);
/* The return path failed: set errp to the recorded error, or a generic one. */
void migration_rp_failure(MigrationState *s, GError **errp);
/* Read and act on one return-path message from rp (the reader thread's
 * step): 1 = go on, 0 = SHUT(0), -1 with errp set. */
int migration_rp_handle_one(MigrationState *s, QEMUFile *rp, GError **errp);
/* Destination: one framed message on the return path (rp_lock taken). */
bool migration_rp_send(MigrationIncomingState *mis, MigRpMsgType type,
                       uint16_t len, const uint8_t *data, GError **errp);
bool migration_rp_send_shut(MigrationIncomingState *mis, uint32_t value);
bool migration_rp_send_pong(MigrationIncomingState *mis, uint32_t value,
                            GError **errp);
bool migration_rp_send_switchover_ack(MigrationIncomingState *mis,
                                      GError **errp);

/* ---- incoming.c ---- */

/* migrate-incoming / -incoming: listen on addr (BQL). */
bool migration_incoming_start(MigrationAddress *addr, bool exit_on_error,
                              GError **errp);
/* -incoming from the command line (uri, "defer" or a JSON channel). */
bool migration_incoming_start_cmdline(const char *arg, GError **errp);
/* The main channel is known (with multifd: every multifd channel is
 * connected too): load from it in the incoming thread (BQL). Takes ch. */
void migration_incoming_start_main(MigrationIncomingState *mis,
                                   MigChannel *ch);

/* ---- postcopy-incoming.c ---- */

struct LoadvmHooks;
/* A postcopy or recovery command of the stream (LoadvmHooks.command). */
bool postcopy_incoming_command(MigrationIncomingState *mis,
                               const struct LoadvmHooks *hooks, QEMUFile *f,
                               int cmd, uint16_t len, bool *stop,
                               GError **errp);
/* Incoming thread, after the main load: wait for the listen thread (stop
 * it first when the load failed). The combined result. */
bool postcopy_incoming_join(MigrationIncomingState *mis, bool load_ok,
                            GError **errp);
/* Teardown (BQL): keep the blocktime figures, release the userfaultfd. */
void postcopy_incoming_teardown(MigrationIncomingState *mis);
/* PING on the destination (after the PONG): the safe-start commit. */
void postcopy_incoming_ping(MigrationIncomingState *mis, uint32_t value);
/* migrate-pause on the destination: shut the main channel down. */
bool postcopy_incoming_pause(MigrationIncomingState *mis, GError **errp);
/* migrate-recover: listen on addr (taken) for the replacement main
 * channel. Any thread: off the main loop it waits for the main loop to
 * do it, and fails after a deadline (postcopy-recover-dst.c). */
bool postcopy_incoming_recover(MigrationIncomingState *mis,
                               MigrationAddress *addr, GError **errp);
/* A connection beyond the main channel (the preempt channel): true when
 * taken. */
bool postcopy_incoming_accept_extra(MigrationIncomingState *mis,
                                    MigChannel *ch);

/* ---- postcopy-recover-dst.c ---- */

/* Pausing (listen thread): every connection accepted so far belongs to
 * the session that broke. */
void postcopy_incoming_mark_stale_connections(MigrationIncomingState *mis);
/* A connection accepted before the last pause: dropped (with a message)
 * and true. Main loop; takes ch when true. */
bool postcopy_incoming_drop_stale(MigrationIncomingState *mis,
                                  MigChannel *ch);
/* Test knobs QEMU_TEST_POSTCOPY_LATE_PREEMPT / _SLOW_PREEMPT (listen
 * thread, just paused): hand in the held preempt connection and wait
 * until that ran. */
void postcopy_incoming_test_late_preempt(MigrationIncomingState *mis);
/* Teardown: drop a preempt connection a knob still holds. */
void postcopy_incoming_test_late_preempt_free(void);
/* Test knob QEMU_TEST_POSTCOPY_SLOW_PREEMPT (incoming or listen
 * thread, a PACKAGED or RESUME wait begins): hand in the held preempt
 * connection now. */
void postcopy_incoming_test_preempt_waited(MigrationIncomingState *mis);

/* ---- cpu-throttle.c ---- */

/* Auto-converge: look at the dirty and sent bytes since the last sync
 * and raise the vCPU throttle when needed (migration thread). */
void cpu_throttle_after_sync(MigrationState *s, uint64_t bytes_sent_period,
                             uint64_t bytes_dirty_period);
void cpu_throttle_stop_all(void);
int cpu_throttle_percentage(void);
bool cpu_throttle_active(void);

#endif /* MIGRATION_MIGRATION_CORE_H */

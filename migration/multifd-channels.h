/*
 * The multifd connections of a migration (spec/migration-wire-format.md
 * 6.1, 6.2; docs/devel/migration/multifd.rst "Wiring"): the source opens
 * `multifd-channels` extra connections to the migration address and runs
 * the sender set over them; the destination sorts every accepted
 * connection into main, multifd or postcopy-preempt and starts loading
 * once the main channel and every multifd channel are there.
 *
 * One outgoing and one incoming set exist at most; the RAM saver and
 * loader reach them through multifd_outgoing_get() and
 * multifd_incoming_get().
 */
#ifndef MIGRATION_MULTIFD_CHANNELS_H
#define MIGRATION_MULTIFD_CHANNELS_H

#include "migration/migration-core.h"
#include "migration/multifd.h"

/* ---- source ---- */

/*
 * Open one more connection to the migration's address (s->addr) and
 * return it once connected: every extra channel of a migration is made
 * here, so that a transport layer (TLS) can wrap them all in one place.
 * Migration thread, BQL not held; waits at most 30 s and gives up when
 * the migration is cancelled. NULL with errp set on failure.
 */
MigChannel *migration_connect_extra_channel(MigrationState *s,
                                            GError **errp);
/*
 * Capability multifd: connect every channel, start the sender set.
 * Migration thread, before the stream header. False with errp set; then
 * nothing is left running.
 */
bool multifd_outgoing_setup(MigrationState *s, GError **errp);
/* The running sender set, or NULL. Migration thread. */
MultiFDSend *multifd_outgoing_get(void);
/* Fail the sender set (migrate_cancel, main channel shut down). Any
 * thread, no lock of s held. */
void multifd_outgoing_cancel(const char *reason);
/*
 * End of the migration thread: shut the set down (after cancelling it
 * unless the migration completed). Migration thread.
 */
void multifd_outgoing_finish(bool completed);

/* ---- destination ---- */

/*
 * A connection accepted by the incoming listener (main loop, BQL): sort
 * it per wire 6.1 and hand it on: main -> migration_incoming_start_main()
 * once every multifd channel is there; multifd -> the receiver set;
 * otherwise the postcopy-preempt channel. Takes ch.
 */
void migration_incoming_accept_channel(MigrationIncomingState *mis,
                                       MigChannel *ch);
/* The receiver set, or NULL. Incoming thread (set before it starts). */
MultiFDRecv *multifd_incoming_get(void);
/* Incoming teardown (main loop, after the incoming thread ended): drop
 * connections still being sorted and shut the receiver set down. */
void multifd_incoming_teardown(MigrationIncomingState *mis);

#endif /* MIGRATION_MULTIFD_CHANNELS_H */

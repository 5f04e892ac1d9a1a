/*
 * Where migration connections become TLS connections (wire-format spec
 * section 8): the one place that decides whether a channel is wrapped, with
 * which settings, and on which thread the handshake runs. Every channel
 * kind goes through here: the main channel (its return path shares the
 * session), the postcopy-preempt channel, postcopy recovery's new
 * channel, and multifd channels.
 *
 * TLS is on when the tls-creds parameter is non-empty. file: channels
 * (seekable) are never wrapped; every other transport is, the source as
 * client and the destination as server.
 *
 * Two forms:
 *  - synchronous wrappers for threads that may block (a multifd sender
 *    connecting its own channel);
 *  - connect/listen twins of migration_transport_connect/_listen whose
 *    callbacks receive the already-wrapped channel in the main loop; the
 *    handshake itself runs in a short-lived helper thread, so QMP is
 *    never blocked by a slow or silent peer.
 */
#ifndef MIGRATION_TLS_CHANNEL_SETUP_H
#define MIGRATION_TLS_CHANNEL_SETUP_H

#include <glib.h>
#include "migration/channel.h"
#include "migration/transport.h"

/*
 * Does raw need a TLS wrapper under the current parameters? (tls-creds
 * set, raw is not a file and not already TLS.) Main loop (BQL) or any
 * thread holding no lock the BQL holder may wait for.
 */
bool migration_tls_channel_wanted(MigChannel *raw);

/*
 * The host a client checks the server certificate against when
 * tls-hostname is empty: the host of an inet (tcp) address, NULL for
 * every other transport. Points into addr.
 */
const char *migration_address_tls_host(const MigrationAddress *addr);

/*
 * Blocking: when TLS is wanted, run the client (outgoing) or server
 * (incoming) handshake and the peer checks on raw and return the TLS
 * channel; otherwise return raw itself. Either way the result holds one
 * new reference the caller drops; the caller keeps its reference to raw.
 * NULL with errp set when the handshake or a check fails ("TLS handshake
 * failed: ...", "Certificate does not match the hostname ...", "No
 * hostname for certificate validation", "TLS x509 authz check for ... is
 * denied: ..."). Never from the main loop; takes the BQL briefly.
 * uri_host is the fallback host name (see migration_address_tls_host).
 */
MigChannel *migration_tls_wrap_outgoing(MigChannel *raw,
                                        const char *uri_host,
                                        GError **errp);
MigChannel *migration_tls_wrap_incoming(MigChannel *raw, GError **errp);

/*
 * migration_transport_connect() followed, when TLS is wanted, by the
 * client handshake in a helper thread. cb runs in the main loop with the
 * BQL held and receives the channel to use (TLS or raw) or the error of
 * either step. The TLS settings are taken when the connection is made.
 * Main loop, BQL.
 */
bool migration_channel_connect(const MigrationAddress *addr,
                               MigTransportConnected *cb, void *opaque,
                               GError **errp);

/* A connection that was accepted but whose handshake failed. Main loop,
 * BQL; takes err. */
typedef void MigChannelAcceptFailed(GError *err, void *opaque);

/*
 * migration_transport_listen() whose connections are wrapped as TLS
 * servers before cb sees them (TLS settings as at accept time). Channels
 * are delivered in the order they were accepted even though handshakes
 * run in parallel (a TLS channel cannot be peeked, so the destination
 * tells channels apart by order, wire-format 6.1). failed (may be NULL)
 * hears of handshakes that failed. Closing the listener
 * (migration_transport_listener_close) also aborts the handshakes still
 * running; their results are dropped. Main loop, BQL.
 */
MigTransportListener *migration_channel_listen(const MigrationAddress *addr,
                                               MigTransportAccepted *cb,
                                               MigChannelAcceptFailed *failed,
                                               void *opaque, GError **errp);

/*
 * How many connections every migration_channel_listen listener has
 * accepted so far. A delivered channel's accept_seq is its place in that
 * count, so a channel with accept_seq <= a count read earlier was
 * accepted before that read -- whatever its handshake's delay. Any
 * thread.
 */
uint64_t migration_channel_accepted_count(void);

/*
 * Abort every outgoing handshake still running (migrate_cancel): its
 * connect callback then sees an error. Any thread.
 */
void migration_tls_abort_outgoing(void);

#endif /* MIGRATION_TLS_CHANNEL_SETUP_H */

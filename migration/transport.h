/*
 * Transports (spec/migration-states-and-qmp.md 8): URIs and the
 * `channels` form parsed into a MigrationAddress, outgoing connections and
 * incoming listeners that deliver MigChannels. socket.c (tcp, unix), fd.c,
 * exec.c and file.c implement one transport each.
 *
 * Connecting and accepting never block the main loop: results arrive
 * through callbacks run in the main loop with the BQL held.
 */
#ifndef MIGRATION_TRANSPORT_H
#define MIGRATION_TRANSPORT_H

#include <stdbool.h>
#include <glib.h>
#include "qapi/qapi-types.h"
#include "migration/channel.h"

/*
 * Parse "tcp:h:p[,opts]", "unix:/p", "vsock:cid:port", "fd:name",
 * "exec:cmd", "rdma:h:p", "file:/p[,offset=N]" into a new MigrationAddress
 * (free with qapi_free_MigrationAddress), or NULL with errp set to QEMU's
 * message ("unknown migration protocol: <uri>", ...).  Any thread.
 */
MigrationAddress *migration_uri_parse(const char *uri, GError **errp);
/*
 * `migrate`: the main channel's address (a new copy) from `uri` xor
 * `channels`: "need either 'uri' or 'channels' argument", "Channel list
 * has more than one <type> entry", "Channel list has no main entry"
 * (quirk Q4 fixed), then the URI errors.
 */
MigrationAddress *migration_channels_parse(const char *uri,
                                           MigrationChannelList *channels,
                                           GError **errp);
/* A copy of the `cpr` entry's address, or NULL if there is none. */
MigrationAddress *migration_channels_cpr(MigrationChannelList *channels);
/*
 * `migrate-incoming`: as migration_channels_parse, but the list must have
 * exactly one entry ("Channel list must have only one entry, for type
 * 'main'"), taken as the main channel whatever its channel-type.
 */
MigrationAddress *migration_incoming_channels_parse(
    const char *uri, MigrationChannelList *channels, GError **errp);
/* A deep copy of addr. */
MigrationAddress *migration_address_copy(const MigrationAddress *addr);
/* Parse "HOST:PORT[,opt[=value]...]" (IPv6 host in brackets) into a,
 * whose strings the caller frees; false with errp set. */
bool migration_inet_parse(const char *str, InetSocketAddress *a,
                          GError **errp);

/* ch is NULL and err set on failure; the callback owns both. */
typedef void MigTransportConnected(MigChannel *ch, GError *err, void *opaque);
/* Start connecting; cb runs later in the main loop (never from inside
 * this call). False with errp set for errors found at once. */
bool migration_transport_connect(const MigrationAddress *addr,
                                 MigTransportConnected *cb, void *opaque,
                                 GError **errp);

typedef struct MigTransportListener MigTransportListener;
/* Called in the main loop for every accepted connection (or once for
 * fd:, exec: and file:). The callback owns ch. */
typedef void MigTransportAccepted(MigChannel *ch, void *opaque);
MigTransportListener *migration_transport_listen(const MigrationAddress *addr,
                                                 MigTransportAccepted *cb,
                                                 void *opaque, GError **errp);
/* The addresses actually listened on (tcp port 0 resolved), for
 * query-migrate's socket-address; NULL for non-socket transports.  The
 * list belongs to the listener (valid until it is closed). */
SocketAddressList *migration_transport_listener_addresses(
    MigTransportListener *l);
/* Stop listening, close the listening sockets and drop a channel not
 * yet delivered; channels already handed out stay open.  NULL is a
 * no-op.  Main loop thread. */
void migration_transport_listener_close(MigTransportListener *l);

#endif /* MIGRATION_TRANSPORT_H */

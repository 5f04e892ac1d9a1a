/*
 * What the transport files (socket.c, fd.c, exec.c, file.c) share with
 * the dispatcher in transport.c: the listener object and the helpers that
 * hand results to the main loop.  Private to migration/.
 */
#ifndef MIGRATION_TRANSPORT_PRIV_H
#define MIGRATION_TRANSPORT_PRIV_H

#include "migration/transport.h"

struct MigTransportListener {
    MigTransportAccepted *cb;
    void *opaque;
    GArray *fds;                /* listening sockets (int), closed at close */
    GArray *watches;            /* their main-loop source ids (guint) */
    SocketAddressList *addrs;   /* what we listen on, ports resolved */
    MigChannel *pending;        /* one-shot channel not yet delivered */
    guint pending_id;           /* idle source delivering it */
    /* Called first by migration_transport_listener_close (a layer on
     * top, e.g. TLS accept, releases its own state). */
    void (*on_close)(void *data);
    void *on_close_data;
};

/* A listener that calls cb(ch, opaque); no sources yet. */
MigTransportListener *mig_listener_new(MigTransportAccepted *cb,
                                       void *opaque);
/* Hand ch to the callback once, from the main loop (fd:, exec:, file:). */
void mig_listener_deliver_once(MigTransportListener *l, MigChannel *ch);
/* Call cb(ch, err) from the main loop; cb owns both. Any thread. */
void mig_connect_deliver(MigTransportConnected *cb, void *opaque,
                         MigChannel *ch, GError *err);

/* One pair per transport; errors found at once return false/NULL. */
bool migration_socket_connect(const SocketAddress *addr,
                              MigTransportConnected *cb, void *opaque,
                              GError **errp);
MigTransportListener *migration_socket_listen(const SocketAddress *addr,
                                              MigTransportAccepted *cb,
                                              void *opaque, GError **errp);
bool migration_fd_connect(const char *fdname, MigTransportConnected *cb,
                          void *opaque, GError **errp);
MigTransportListener *migration_fd_listen(const char *fdname,
                                          MigTransportAccepted *cb,
                                          void *opaque, GError **errp);
bool migration_exec_connect(const strList *args, MigTransportConnected *cb,
                            void *opaque, GError **errp);
MigTransportListener *migration_exec_listen(const strList *args,
                                            MigTransportAccepted *cb,
                                            void *opaque, GError **errp);
bool migration_file_connect(const FileMigrationArgs *file,
                            MigTransportConnected *cb, void *opaque,
                            GError **errp);
MigTransportListener *migration_file_listen(const FileMigrationArgs *file,
                                            MigTransportAccepted *cb,
                                            void *opaque, GError **errp);

#endif /* MIGRATION_TRANSPORT_PRIV_H */

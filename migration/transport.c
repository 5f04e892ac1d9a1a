/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transport dispatch: a MigrationAddress goes to the file that implements
 * its transport; the listener object and main-loop delivery they share.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "migration/transport-priv.h"

/* RDMA is parsed in every build but never implemented (7.1 step 7). */
#define NO_RDMA_MSG "Parameter 'uri' expects a valid migration protocol"

typedef struct ConnectResult {
    MigTransportConnected *cb;
    void *opaque;
    MigChannel *ch;
    GError *err;
} ConnectResult;

static void connect_result_run(void *opaque)
{
    ConnectResult *r = opaque;

    r->cb(r->ch, r->err, r->opaque);
    g_free(r);
}

void mig_connect_deliver(MigTransportConnected *cb, void *opaque,
                         MigChannel *ch, GError *err)
{
    ConnectResult *r = g_new0(ConnectResult, 1);

    r->cb = cb;
    r->opaque = opaque;
    r->ch = ch;
    r->err = err;
    main_loop_schedule(connect_result_run, r);
}

bool migration_transport_connect(const MigrationAddress *addr,
                                 MigTransportConnected *cb, void *opaque,
                                 GError **errp)
{
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        if (addr->u.socket.type == SOCKET_ADDRESS_TYPE_FD) {
            return migration_fd_connect(addr->u.socket.u.fd.str, cb, opaque,
                                        errp);
        }
        return migration_socket_connect(&addr->u.socket, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_EXEC:
        return migration_exec_connect(addr->u.exec.args, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_FILE:
        return migration_file_connect(&addr->u.file, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_RDMA:
    default:
        error_setg(errp, NO_RDMA_MSG);
        return false;
    }
}

MigTransportListener *mig_listener_new(MigTransportAccepted *cb,
                                       void *opaque)
{
    MigTransportListener *l = g_new0(MigTransportListener, 1);

    l->cb = cb;
    l->opaque = opaque;
    l->fds = g_array_new(FALSE, FALSE, sizeof(int));
    l->watches = g_array_new(FALSE, FALSE, sizeof(guint));
    return l;
}

static gboolean deliver_once(gpointer opaque)
{
    MigTransportListener *l = opaque;
    MigChannel *ch = g_steal_pointer(&l->pending);

    l->pending_id = 0;
    l->cb(ch, l->opaque);
    return G_SOURCE_REMOVE;
}

void mig_listener_deliver_once(MigTransportListener *l, MigChannel *ch)
{
    /* An idle source (not main_loop_schedule) so that closing the
     * listener first can cancel it. */
    l->pending = ch;
    l->pending_id = g_idle_add(deliver_once, l);
}

MigTransportListener *migration_transport_listen(const MigrationAddress *addr,
                                                 MigTransportAccepted *cb,
                                                 void *opaque, GError **errp)
{
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        if (addr->u.socket.type == SOCKET_ADDRESS_TYPE_FD) {
            return migration_fd_listen(addr->u.socket.u.fd.str, cb, opaque,
                                       errp);
        }
        return migration_socket_listen(&addr->u.socket, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_EXEC:
        return migration_exec_listen(addr->u.exec.args, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_FILE:
        return migration_file_listen(&addr->u.file, cb, opaque, errp);
    case MIGRATION_ADDRESS_TYPE_RDMA: {
        /* migrate-incoming reports the URI it could not use (7.2) */
        const InetSocketAddress *r = &addr->u.rdma;
        bool v6 = strchr(r->host, ':') != NULL;

        error_setg(errp, "unknown migration protocol: rdma:%s%s%s:%s",
                   v6 ? "[" : "", r->host, v6 ? "]" : "", r->port);
        return NULL;
    }
    default:
        g_assert_not_reached();
    }
}

SocketAddressList *migration_transport_listener_addresses(
    MigTransportListener *l)
{
    return l->addrs;
}

void migration_transport_listener_close(MigTransportListener *l)
{
    if (!l) {
        return;
    }
    if (l->on_close) {
        l->on_close(l->on_close_data);
    }
    for (guint i = 0; i < l->watches->len; i++) {
        g_source_remove(g_array_index(l->watches, guint, i));
    }
    for (guint i = 0; i < l->fds->len; i++) {
        close(g_array_index(l->fds, int, i));
    }
    if (l->pending_id) {
        g_source_remove(l->pending_id);
    }
    if (l->pending) {
        mig_channel_unref(l->pending);
    }
    g_array_free(l->watches, TRUE);
    g_array_free(l->fds, TRUE);
    qapi_free_SocketAddressList(l->addrs);
    g_free(l);
}

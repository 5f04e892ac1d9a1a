/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket transport: tcp and unix (spec/migration-states-and-qmp.md
 * 8.1).  Outgoing connects run in a short-lived thread, because name
 * resolution and connect(2) block; the result comes back to the main
 * loop.  Incoming listens (port 0 resolved to the kernel's choice) and
 * accepts from a main-loop watch, one MigChannel per connection.
 */
#include "qemu/osdep.h"
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "qapi/qapi-visit.h"
#include "migration/transport-priv.h"

/*
 * ipv4/ipv6 as QEMU reads them: "on" alone selects that family, "off"
 * removes it; our helpers only know "restrict to v4" or "to v6".
 */
static void inet_families(const InetSocketAddress *in, bool *only4,
                          bool *only6)
{
    bool want4 = !(in->has_ipv4 && !in->ipv4);
    bool want6 = !(in->has_ipv6 && !in->ipv6);

    if (in->has_ipv4 && in->ipv4 && !(in->has_ipv6 && in->ipv6)) {
        want6 = false;
    }
    if (in->has_ipv6 && in->ipv6 && !(in->has_ipv4 && in->ipv4)) {
        want4 = false;
    }
    *only4 = want4 && !want6;
    *only6 = want6 && !want4;
}

/* Our socket helpers' form of a tcp or unix SocketAddress. */
static QemuSockAddr *sock_addr_from(const SocketAddress *addr, GError **errp)
{
    g_autoptr(QemuSockAddr) sa = g_new0(QemuSockAddr, 1);

    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET: {
        const InetSocketAddress *in = &addr->u.inet;

        sa->kind = QEMU_SOCK_ADDR_INET;
        sa->host = g_strdup(in->host);
        sa->port = g_strdup(in->port);
        sa->to_port = in->has_to ? in->to : 0;
        inet_families(in, &sa->ipv4, &sa->ipv6);
        break;
    }
    case SOCKET_ADDRESS_TYPE_UNIX:
        sa->kind = QEMU_SOCK_ADDR_UNIX;
        sa->path = g_strdup(addr->u.q_unix.path);
        sa->abstract = addr->u.q_unix.has_abstract && addr->u.q_unix.abstract;
        sa->tight = !addr->u.q_unix.has_tight || addr->u.q_unix.tight;
        break;
    case SOCKET_ADDRESS_TYPE_VSOCK:
        error_setg(errp, "vsock sockets are not supported");
        return NULL;
    default:
        g_assert_not_reached();
    }
    return g_steal_pointer(&sa);
}

/*
 * Unix stream sockets: the sender's buffer bounds the bytes in flight,
 * and the default (~208 KiB) makes both sides of a bulk RAM copy wake
 * each other every few pages. Ask for 4 MiB; the kernel caps it at
 * net.core.[wr]mem_max, so this never needs privileges. TCP is left to
 * its own autotuning, which a fixed size would switch off.
 */
static void apply_unix_buffers(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int size = 4 * 1024 * 1024;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
        ss.ss_family != AF_UNIX) {
        return;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* The inet options that apply to a connected or listening socket. */
static void apply_inet_options(int fd, const SocketAddress *addr)
{
    const InetSocketAddress *in = &addr->u.inet;
    int on = 1;

    if (addr->type != SOCKET_ADDRESS_TYPE_INET) {
        return;
    }
    socket_set_nodelay(fd);
    if (in->has_keep_alive && in->keep_alive) {
        (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
    }
    if (in->has_keep_alive_count) {
        int v = in->keep_alive_count;

        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v));
    }
    if (in->has_keep_alive_idle) {
        int v = in->keep_alive_idle;

        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v));
    }
    if (in->has_keep_alive_interval) {
        int v = in->keep_alive_interval;

        (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v));
    }
}

/* ---- outgoing ----------------------------------------------------------- */

typedef struct SocketConnect {
    SocketAddress *addr;        /* our copy, for the options */
    QemuSockAddr *sa;
    MigTransportConnected *cb;
    void *opaque;
} SocketConnect;

static gpointer socket_connect_thread(gpointer opaque)
{
    SocketConnect *sc = opaque;
    GError *err = NULL;
    MigChannel *ch = NULL;
    int fd = socket_connect(sc->sa, &err);

    if (fd >= 0) {
        apply_inet_options(fd, sc->addr);
        apply_unix_buffers(fd);
        ch = mig_channel_new_fd(fd, "migration-socket-outgoing");
    }
    mig_connect_deliver(sc->cb, sc->opaque, ch, err);
    qapi_free_SocketAddress(sc->addr);
    qemu_sock_addr_free(sc->sa);
    g_free(sc);
    return NULL;
}

bool migration_socket_connect(const SocketAddress *addr,
                              MigTransportConnected *cb, void *opaque,
                              GError **errp)
{
    QemuSockAddr *sa = sock_addr_from(addr, errp);
    SocketConnect *sc;
    g_autoptr(JsonNode) node = NULL;
    GThread *th;

    if (!sa) {
        return false;
    }
    sc = g_new0(SocketConnect, 1);
    node = qapi_SocketAddress_to_json(addr);
    sc->addr = qapi_SocketAddress_from_json(node, NULL, NULL);
    sc->sa = sa;
    sc->cb = cb;
    sc->opaque = opaque;
    th = g_thread_new("mig/connect", socket_connect_thread, sc);
    g_thread_unref(th);
    return true;
}

/* ---- incoming ----------------------------------------------------------- */

/* What fd is bound to, as query-migrate's socket-address shows it. */
static SocketAddress *bound_address(int fd, const SocketAddress *requested)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    SocketAddress *out = g_new0(SocketAddress, 1);
    char host[NI_MAXHOST], port[NI_MAXSERV];

    out->type = requested->type;
    if (requested->type == SOCKET_ADDRESS_TYPE_UNIX) {
        out->u.q_unix.path = g_strdup(requested->u.q_unix.path);
        return out;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        /* A bound socket always has a name; keep what was asked for. */
        out->u.inet.host = g_strdup(requested->u.inet.host);
        out->u.inet.port = g_strdup(requested->u.inet.port);
        return out;
    }
    out->u.inet.host = g_strdup(host);
    out->u.inet.port = g_strdup(port);
    return out;
}

static gboolean socket_accept_ready(gint fd, GIOCondition cond,
                                    gpointer opaque)
{
    MigTransportListener *l = opaque;
    int conn = socket_accept(fd);

    if (conn < 0) {
        /* EAGAIN (a client gave up) and transient errors: keep
         * listening; the management side sees no connection. */
        return G_SOURCE_CONTINUE;
    }
    socket_set_nodelay(conn);
    apply_unix_buffers(conn);
    l->cb(mig_channel_new_fd(conn, "migration-socket-incoming"), l->opaque);
    return G_SOURCE_CONTINUE;
}

MigTransportListener *migration_socket_listen(const SocketAddress *addr,
                                              MigTransportAccepted *cb,
                                              void *opaque, GError **errp)
{
    g_autoptr(QemuSockAddr) sa = sock_addr_from(addr, errp);
    MigTransportListener *l;
    SocketAddressList *el;
    guint id;
    int fd;

    if (!sa) {
        return NULL;
    }
    /* Backlog: the main channel plus multifd and preempt channels. */
    fd = socket_listen(sa, 16, errp);
    if (fd < 0) {
        return NULL;
    }
    apply_inet_options(fd, addr);
    if (!qemu_set_nonblock(fd, true)) {
        error_setg(errp, "Failed to make the listening socket "
                   "non-blocking: %s", g_strerror(errno));
        close(fd);
        return NULL;
    }
    l = mig_listener_new(cb, opaque);
    g_array_append_val(l->fds, fd);
    id = g_unix_fd_add(fd, G_IO_IN, socket_accept_ready, l);
    g_array_append_val(l->watches, id);
    el = g_new0(SocketAddressList, 1);
    el->value = bound_address(fd, addr);
    l->addrs = el;
    return l;
}

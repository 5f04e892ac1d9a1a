/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "socket" chardev: unix-domain or TCP stream, as a client (connect at
 * start-up, optionally reconnecting) or a server (one client at a time,
 * the next one accepted after a disconnect). Unix sockets also receive
 * file descriptors (SCM_RIGHTS) for the front end. Each socket chardev is
 * a yank instance: "yank" shuts its connection down, as a peer hang-up
 * would (a server then waits for its next client).
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "char-io.h"
#include "chardev/char-telnet.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/sockets.h"
#include "qemu/yank.h"
#include "qapi/error.h"

#include <sys/socket.h>

/* Most fds kept from one received batch. */
#define SOCKET_CHR_MAX_FDS 16

typedef struct SocketChardev {
    Chardev parent;
    QemuSockAddr *addr;
    char *addr_str;             /* "unix:/p", "tcp:HOST:PORT" */
    bool is_server;
    bool is_unix;
    bool nodelay;
    bool telnet;                /* telnet=on: negotiate, filter input */
    TelnetState telnet_state;   /* context thread */
    bool from_fd;               /* fd=N: a socket handed over */
    bool unlink_on_close;       /* our listening socket file */
    uint64_t reconnect_ms;      /* client: retry period, 0: none */
    bool reconnect_warned;      /* one warning per outage */

    int listen_fd;              /* server, else -1 */
    GSource *listen_watch;      /* server without client */
    GSource *reconnect_timer;   /* client waiting to retry */

    /*
     * The connection. Changed only in the context thread, and under
     * parent.write_lock so writers in other threads see a stable fd.
     */
    int fd;
    char *peer_str;             /* under parent.write_lock */
    GSource *io_watch;

    /* fds of the most recent batch; fds_lock. */
    GMutex fds_lock;
    int msgfds[SOCKET_CHR_MAX_FDS];
    int n_msgfds;

    bool yank_registered;       /* instance and socket_yank registered */
} SocketChardev;

/*
 * Socket files of unix servers, for qemu_chr_emergency_cleanup(): that
 * runs in another thread while the main thread may be stuck, so it cannot
 * walk the chardevs.
 */
static GMutex server_paths_lock;
static GPtrArray *server_paths;         /* char *; server_paths_lock */

static void socket_server_path_note(const char *path, bool add)
{
    g_mutex_lock(&server_paths_lock);
    if (add) {
        if (!server_paths) {
            server_paths = g_ptr_array_new_with_free_func(g_free);
        }
        g_ptr_array_add(server_paths, g_strdup(path));
    } else {
        guint i;

        for (i = 0; server_paths && i < server_paths->len; i++) {
            if (strcmp(g_ptr_array_index(server_paths, i), path) == 0) {
                g_ptr_array_remove_index(server_paths, i);
                break;
            }
        }
    }
    g_mutex_unlock(&server_paths_lock);
}

void chr_socket_emergency_cleanup(void)
{
    guint i;

    /* Whoever holds the lock is not stuck for long; skip rather than wait. */
    if (!g_mutex_trylock(&server_paths_lock)) {
        return;
    }
    for (i = 0; server_paths && i < server_paths->len; i++) {
        unlink(g_ptr_array_index(server_paths, i));
    }
    g_mutex_unlock(&server_paths_lock);
}

static void socket_drop_msgfds(SocketChardev *s)
{
    int i;

    g_mutex_lock(&s->fds_lock);
    for (i = 0; i < s->n_msgfds; i++) {
        close(s->msgfds[i]);
    }
    s->n_msgfds = 0;
    g_mutex_unlock(&s->fds_lock);
}

/* A new batch replaces the unclaimed rest of the previous one. */
static void socket_store_msgfds(SocketChardev *s, const int *fds, int n)
{
    int i;

    g_mutex_lock(&s->fds_lock);
    for (i = 0; i < s->n_msgfds; i++) {
        close(s->msgfds[i]);
    }
    memcpy(s->msgfds, fds, n * sizeof(int));
    s->n_msgfds = n;
    g_mutex_unlock(&s->fds_lock);
}

static int socket_get_msgfds(Chardev *chr, int *fds, int num)
{
    SocketChardev *s = (SocketChardev *)chr;
    int i, n;

    g_mutex_lock(&s->fds_lock);
    n = MIN(num, s->n_msgfds);
    memcpy(fds, s->msgfds, n * sizeof(int));
    /* Taking fds ends the batch: the rest would never be claimed. */
    for (i = n; i < s->n_msgfds; i++) {
        close(s->msgfds[i]);
    }
    s->n_msgfds = 0;
    g_mutex_unlock(&s->fds_lock);
    return n;
}

static char *socket_describe(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    const char *server = s->is_server ? ",server=on" : "";
    char *str;

    g_mutex_lock(&chr->write_lock);
    if (s->fd < 0) {
        str = g_strdup_printf("disconnected:%s%s", s->addr_str, server);
    } else if (!s->is_unix && s->peer_str) {
        str = g_strdup_printf("%s%s %s %s", s->addr_str, server,
                              s->is_server ? "<->" : "->", s->peer_str);
    } else {
        str = g_strdup_printf("%s%s", s->addr_str, server);
    }
    g_mutex_unlock(&chr->write_lock);
    return str;
}

static gboolean socket_accept_ready(void *opaque, GIOCondition cond);
static gboolean socket_readable(void *opaque, GIOCondition cond);
static gboolean socket_reconnect(gpointer opaque);

/* (Re)create the sources that the current state needs in chr->gcontext. */
static void socket_update_sources(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    chr_io_watch_remove(&s->listen_watch);
    chr_io_watch_remove(&s->io_watch);
    if (s->reconnect_timer) {
        chr_io_watch_remove(&s->reconnect_timer);
        chr_timer_add(chr, &s->reconnect_timer, s->reconnect_ms,
                      socket_reconnect, s);
    }
    /*
     * Last: when chr->gcontext runs in another thread, a source may fire
     * (and change this state) as soon as it is attached.
     */
    if (s->fd >= 0) {
        chr_io_watch_add(chr, &s->io_watch, s->fd, socket_readable, s);
    } else if (s->is_server) {
        chr_fd_watch_add(chr, &s->listen_watch, s->listen_fd, G_IO_IN,
                         socket_accept_ready, s);
    }
}

/* Take over a connected fd; announce tells the front end (not at open). */
static void socket_set_connected(SocketChardev *s, int fd, bool announce)
{
    Chardev *chr = &s->parent;

    qemu_set_nonblock(fd, true);
    if (!s->is_unix && s->nodelay) {
        socket_set_nodelay(fd);
    }
    g_mutex_lock(&chr->write_lock);
    s->fd = fd;
    g_free(s->peer_str);
    s->peer_str = socket_peer_address(fd);
    g_mutex_unlock(&chr->write_lock);
    s->reconnect_warned = false;
    if (s->telnet) {
        /* Small enough for any fresh socket buffer. */
        memset(&s->telnet_state, 0, sizeof(s->telnet_state));
        if (send(fd, telnet_init_bytes, sizeof(telnet_init_bytes),
                 MSG_NOSIGNAL) < 0) {
            warn_report("chardev '%s': telnet negotiation: %s",
                        chr->label, g_strerror(errno));
        }
    }
    socket_update_sources(chr);
    if (announce) {
        qemu_chr_be_event(chr, CHR_EVENT_OPENED);
    }
}

static void socket_schedule_reconnect(SocketChardev *s)
{
    chr_io_watch_remove(&s->reconnect_timer);
    chr_timer_add(&s->parent, &s->reconnect_timer, s->reconnect_ms,
                  socket_reconnect, s);
}

static void socket_do_disconnect(SocketChardev *s)
{
    Chardev *chr = &s->parent;

    if (s->fd < 0) {
        return;
    }
    chr_io_watch_remove(&s->io_watch);
    g_mutex_lock(&chr->write_lock);
    close(s->fd);
    s->fd = -1;
    g_free(s->peer_str);
    s->peer_str = NULL;
    g_mutex_unlock(&chr->write_lock);
    socket_drop_msgfds(s);
    if (s->is_server) {
        socket_update_sources(chr);     /* listen for the next client */
    } else if (s->reconnect_ms) {
        socket_schedule_reconnect(s);
    }
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
}

static gboolean socket_readable(void *opaque, GIOCondition cond)
{
    SocketChardev *s = opaque;
    Chardev *chr = &s->parent;
    uint8_t buf[CHR_READ_BUF_LEN];
    int fds[SOCKET_CHR_MAX_FDS];
    size_t nfds = 0;
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t n;

    if (len <= 0) {
        return G_SOURCE_CONTINUE;
    }
    if (s->is_unix) {
        n = socket_recv_fds(s->fd, buf, len, fds, SOCKET_CHR_MAX_FDS, &nfds);
    } else {
        do {
            n = recv(s->fd, buf, len, 0);
        } while (n < 0 && errno == EINTR);
    }
    if (n < 0 && errno == EAGAIN) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        size_t i;

        for (i = 0; i < nfds; i++) {
            close(fds[i]);
        }
        /* Removes this source too. */
        socket_do_disconnect(s);
        return G_SOURCE_REMOVE;
    }
    if (nfds) {
        socket_store_msgfds(s, fds, nfds);
    }
    if (s->telnet) {
        bool brk = false;

        n = telnet_filter(&s->telnet_state, buf, n, &brk);
        if (n == 0) {
            return G_SOURCE_CONTINUE;
        }
    }
    /* The front end may disconnect or even delete chr in here. */
    qemu_chr_be_write(chr, buf, n);
    return G_SOURCE_CONTINUE;
}

static gboolean socket_accept_ready(void *opaque, GIOCondition cond)
{
    SocketChardev *s = opaque;
    int fd;

    if (s->fd >= 0) {
        return G_SOURCE_CONTINUE;
    }
    fd = socket_accept(s->listen_fd);
    if (fd < 0) {
        if (errno != EAGAIN && errno != ECONNABORTED) {
            warn_report("chardev '%s': accept failed: %s", s->parent.label,
                        g_strerror(errno));
        }
        return G_SOURCE_CONTINUE;
    }
    /* One client at a time: this drops the listen watch (this source). */
    socket_set_connected(s, fd, true);
    return G_SOURCE_REMOVE;
}

static gboolean socket_reconnect(gpointer opaque)
{
    SocketChardev *s = opaque;
    g_autoptr(GError) err = NULL;
    GSource *self = s->reconnect_timer;
    int fd;

    s->reconnect_timer = NULL;
    g_source_unref(self);
    fd = socket_connect(s->addr, &err);
    if (fd < 0) {
        if (!s->reconnect_warned) {
            warn_report("chardev '%s': %s; retrying every %" PRIu64 " ms",
                        s->parent.label, err->message, s->reconnect_ms);
            s->reconnect_warned = true;
        }
        socket_schedule_reconnect(s);
        return G_SOURCE_REMOVE;
    }
    socket_set_connected(s, fd, true);
    return G_SOURCE_REMOVE;
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    ssize_t n;

    if (s->fd < 0) {
        errno = EIO;
        return -1;
    }
    n = send(s->fd, buf, len, MSG_NOSIGNAL);
    return n < 0 ? -1 : (int)n;
}

static bool socket_wait_writable(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    return s->fd >= 0 && chr_io_wait_writable(s->fd);
}

static void socket_disconnect(Chardev *chr)
{
    socket_do_disconnect((SocketChardev *)chr);
}

/* Block start-up until the first client connects (server, wait=on). */
static bool socket_wait_first_client(SocketChardev *s, GError **errp)
{
    g_autofree char *desc = socket_describe(&s->parent);

    info_report("QEMU waiting for connection on: %s", desc);
    for (;;) {
        int fd;

        qemu_set_nonblock(s->listen_fd, false);
        fd = socket_accept(s->listen_fd);
        qemu_set_nonblock(s->listen_fd, true);
        if (fd >= 0) {
            socket_set_connected(s, fd, false);
            return true;
        }
        if (errno != ECONNABORTED && errno != EAGAIN) {
            error_setg_errno(errp, errno, "Failed to accept a connection "
                             "on '%s'", s->addr_str);
            return false;
        }
    }
}

/* Options that name features this build does not have. */
static bool socket_check_unsupported(QemuOpts *opts, GError **errp)
{
    static const char *const bools[] = { "tn3270", "websocket" };
    static const char *const strs[] = { "tls-creds", "tls-authz" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bools); i++) {
        if (qemu_opt_get_bool(opts, bools[i], false)) {
            error_setg(errp, "socket chardev option '%s' is not supported",
                       bools[i]);
            return false;
        }
    }
    for (i = 0; i < ARRAY_SIZE(strs); i++) {
        if (qemu_opt_get(opts, strs[i])) {
            error_setg(errp, "socket chardev option '%s' is not supported",
                       strs[i]);
            return false;
        }
    }
    return true;
}

static QemuSockAddr *socket_addr_from_opts(QemuOpts *opts, GError **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    g_autoptr(QemuSockAddr) addr = g_new0(QemuSockAddr, 1);

    if (path) {
        if (host || port) {
            error_setg(errp, "chardev: socket: 'path' cannot be combined "
                       "with 'host' or 'port'");
            return NULL;
        }
        addr->kind = QEMU_SOCK_ADDR_UNIX;
        addr->path = g_strdup(path);
        addr->abstract = qemu_opt_get_bool(opts, "abstract", false);
        addr->tight = qemu_opt_get_bool(opts, "tight", true);
    } else {
        if (!host) {
            error_setg(errp, "chardev: socket: no host given");
            return NULL;
        }
        if (!port || !*port) {
            error_setg(errp, "chardev: socket: no port given");
            return NULL;
        }
        addr->kind = QEMU_SOCK_ADDR_INET;
        addr->host = g_strdup(host);
        addr->port = g_strdup(port);
        addr->to_port = (int)MIN(qemu_opt_get_number(opts, "to", 0), 65535);
        addr->ipv4 = qemu_opt_get_bool(opts, "ipv4", false);
        addr->ipv6 = qemu_opt_get_bool(opts, "ipv6", false);
    }
    return g_steal_pointer(&addr);
}

/*
 * Yank (any thread, yank lock held): shut the connection down; the read
 * watch then sees end-of-file and disconnects in the main loop.
 */
static void socket_yank(void *opaque)
{
    SocketChardev *s = opaque;

    g_mutex_lock(&s->parent.write_lock);
    if (s->fd >= 0) {
        shutdown(s->fd, SHUT_RDWR);
    }
    g_mutex_unlock(&s->parent.write_lock);
}

static void socket_release(SocketChardev *s)
{
    if (s->yank_registered) {
        /* First, so no yank runs on what is released below. */
        yank_unregister_function(YANK_CHARDEV_INSTANCE(s->parent.label),
                                 socket_yank, s);
        yank_unregister_instance(YANK_CHARDEV_INSTANCE(s->parent.label));
        s->yank_registered = false;
    }
    chr_io_watch_remove(&s->listen_watch);
    chr_io_watch_remove(&s->io_watch);
    chr_io_watch_remove(&s->reconnect_timer);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
    if (s->unlink_on_close) {
        socket_server_path_note(s->addr->path, false);
        unlink(s->addr->path);
    }
    socket_drop_msgfds(s);
    g_mutex_clear(&s->fds_lock);
    qemu_sock_addr_free(s->addr);
    g_free(s->addr_str);
    g_free(s->peer_str);
}

/*
 * fd=N: take over a socket the caller opened -- listening (we serve it)
 * or connected (we use it as a client would).
 */
static bool socket_open_fd(SocketChardev *s, const char *fdstr, bool wait,
                           bool *be_opened, GError **errp)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int listening = 0;
    socklen_t ll = sizeof(listening);
    int64_t fd;

    if (!qemu_strtoi64(fdstr, NULL, 10, &fd) || fd < 0 || fd > INT_MAX) {
        error_setg(errp, "Unable to parse FD number %s", fdstr);
        return false;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        error_setg_errno(errp, errno, "File descriptor %" PRId64
                         " is not a socket", fd);
        return false;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) < 0) {
        listening = 0;
    }
    qemu_set_cloexec(fd);
    s->from_fd = true;
    s->is_unix = ss.ss_family == AF_UNIX;
    s->is_server = listening;
    s->addr_str = g_strdup_printf("fd:%" PRId64, fd);
    if (!listening) {
        socket_set_connected(s, fd, false);
        *be_opened = true;
        return true;
    }
    s->listen_fd = fd;
    qemu_set_nonblock(fd, true);
    if (wait) {
        if (!socket_wait_first_client(s, errp)) {
            s->listen_fd = -1;      /* still the caller's */
            return false;
        }
        *be_opened = true;
    } else {
        socket_update_sources(&s->parent);
        *be_opened = false;
    }
    return true;
}

static bool socket_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                        GError **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    bool wait = qemu_opt_get_bool(opts, "wait", true);

    s->fd = -1;
    s->listen_fd = -1;
    g_mutex_init(&s->fds_lock);
    s->is_server = qemu_opt_get_bool(opts, "server", false);
    s->nodelay = qemu_opt_get_bool(opts, "nodelay", false);
    s->reconnect_ms = qemu_opt_get_number(opts, "reconnect-ms", 0);
    /* As in QEMU, only a server negotiates and filters. */
    s->telnet = s->is_server && qemu_opt_get_bool(opts, "telnet", false);

    if (!socket_check_unsupported(opts, errp)) {
        goto fail;
    }
    if (!yank_register_instance(YANK_CHARDEV_INSTANCE(chr->label), errp)) {
        goto fail;
    }
    yank_register_function(YANK_CHARDEV_INSTANCE(chr->label), socket_yank, s);
    s->yank_registered = true;
    if (!s->is_server && qemu_opt_has(opts, "wait") &&
        !qemu_opt_get(opts, "fd")) {
        error_setg(errp, "'wait' option is incompatible with socket in "
                   "client connect mode");
        goto fail;
    }
    if (s->is_server && s->reconnect_ms) {
        error_setg(errp, "'reconnect-ms' option is incompatible with "
                   "'server' option");
        goto fail;
    }
    if (qemu_opt_get(opts, "fd")) {
        if (qemu_opt_get(opts, "path") || qemu_opt_get(opts, "host") ||
            qemu_opt_get(opts, "port") || s->reconnect_ms) {
            error_setg(errp, "chardev: socket: 'fd' cannot be combined with "
                       "'path', 'host', 'port' or 'reconnect-ms'");
            goto fail;
        }
        if (!socket_open_fd(s, qemu_opt_get(opts, "fd"),
                            qemu_opt_get_bool(opts, "wait", true),
                            be_opened, errp)) {
            goto fail;
        }
        return true;
    }
    s->addr = socket_addr_from_opts(opts, errp);
    if (!s->addr) {
        goto fail;
    }
    s->is_unix = s->addr->kind == QEMU_SOCK_ADDR_UNIX;

    if (s->is_server) {
        s->listen_fd = socket_listen(s->addr, 1, errp);
        if (s->listen_fd < 0) {
            goto fail;
        }
        qemu_set_nonblock(s->listen_fd, true);
        s->unlink_on_close = s->is_unix && !s->addr->abstract;
        if (s->unlink_on_close) {
            socket_server_path_note(s->addr->path, true);
        }
        if (s->is_unix) {
            s->addr_str = qemu_sock_addr_to_string(s->addr);
        } else {
            g_autofree char *local = socket_local_address(s->listen_fd);

            /* QEMU names telnet servers by their protocol. */
            s->addr_str = g_strdup_printf("%s:%s", s->telnet ? "telnet" : "tcp",
                                          local ? local : "");
        }
        if (wait) {
            if (!socket_wait_first_client(s, errp)) {
                goto fail;
            }
            *be_opened = true;
        } else {
            socket_update_sources(chr);
            *be_opened = false;
        }
        return true;
    }

    {
        g_autoptr(GError) err = NULL;
        g_autofree char *str = qemu_sock_addr_to_string(s->addr);
        int fd;

        s->addr_str = s->is_unix ? g_steal_pointer(&str)
                                 : g_strdup_printf("tcp:%s", str);
        fd = socket_connect(s->addr, &err);

        if (fd >= 0) {
            socket_set_connected(s, fd, false);
            *be_opened = true;
            return true;
        }
        if (!s->reconnect_ms) {
            g_propagate_error(errp, g_steal_pointer(&err));
            goto fail;
        }
        /* With reconnect-ms, keep trying in the background. */
        warn_report("chardev '%s': %s; retrying every %" PRIu64 " ms",
                    chr->label, err->message, s->reconnect_ms);
        s->reconnect_warned = true;
        socket_schedule_reconnect(s);
        *be_opened = false;
        return true;
    }

fail:
    socket_release(s);
    return false;
}

static void socket_close(Chardev *chr)
{
    socket_release((SocketChardev *)chr);
}

const ChardevDriver chardev_socket_driver = {
    .name = "socket",
    .instance_size = sizeof(SocketChardev),
    .open = socket_open,
    .write = socket_write,
    .wait_writable = socket_wait_writable,
    .update_read_handler = socket_update_sources,
    .get_msgfds = socket_get_msgfds,
    .disconnect = socket_disconnect,
    .close = socket_close,
    .describe = socket_describe,
};

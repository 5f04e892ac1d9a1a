/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault-injecting proxy (fault-proxy.h).  Forwarders poll their
 * source with a short timeout so that a command (blackhole, drop,
 * half-close, free) takes effect within POLL_MS without signalling.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <gio/gio.h>
#include "fault-proxy.h"

#define POLL_MS     10
#define BUF_SIZE    65536

typedef struct Corruption {
    bool armed;
    uint64_t offset;
    uint8_t mask;
    bool flipped;               /* in the buffer being written */
    bool delivered;             /* ... and the target has it */
    uint8_t was;                /* the byte before the flip */
} Corruption;

typedef struct Forwarder {
    FaultProxy *p;
    FaultProxyDir dir;
    int from, to;
    GThread *thread;
} Forwarder;

struct FaultProxy {
    int listen_fd;
    int port;
    int target_port;            /* TCP target, or */
    char *target_path;          /* unix target */
    GThread *acceptor;

    GMutex lock;                /* guards everything below */
    GCond cond;
    bool quit;
    bool blackhole;
    bool drop;
    bool half_closed[2];
    uint64_t bytes[2];          /* handed to the receiver */
    uint64_t examined[2];       /* read and past the corruption check */
    Corruption corrupt[2];
    unsigned connections;
    bool held[2];               /* fault_proxy_hold() */
    bool accept_held;           /* fault_proxy_hold_connects() */
    bool refused;               /* fault_proxy_refuse() */
    bool acceptor_parked;       /* the acceptor saw one of the two */
    int filler_fd[2];           /* the connections filling the queue */
};

/* The listen queue when connections are answered (one is served at a
 * time; a recovery connect may come while the last one ends). */
#define LISTEN_BACKLOG 4
/* What fills a listen queue of backlog 1 (the kernel takes one more). */
#define FILLERS 2

static int connect_target(FaultProxy *p)
{
    int fd;

    if (p->target_path) {
        struct sockaddr_un un = { .sun_family = AF_UNIX };

        g_strlcpy(un.sun_path, p->target_path, sizeof(un.sun_path));
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
            close(fd);
            fd = -1;
        }
    } else {
        struct sockaddr_in in = { .sin_family = AF_INET,
                                  .sin_port = htons(p->target_port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&in, sizeof(in)) < 0) {
            close(fd);
            fd = -1;
        }
    }
    return fd;
}

static void close_fillers(FaultProxy *p)
{
    for (int i = 0; i < FILLERS; i++) {
        if (p->filler_fd[i] >= 0) {
            close(p->filler_fd[i]);
            p->filler_fd[i] = -1;
        }
    }
}

/* Close with RST: a zero linger time discards unsent data. */
static void close_reset(int fd)
{
    struct linger l = { .l_onoff = 1, .l_linger = 0 };

    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    close(fd);
}

/* What a forwarder should do now (lock held). */
typedef enum { FWD_RUN, FWD_HOLD, FWD_STOP } FwdState;

static FwdState fwd_state(Forwarder *f)
{
    FaultProxy *p = f->p;

    if (p->quit || p->drop || p->half_closed[f->dir]) {
        return FWD_STOP;
    }
    return p->blackhole ? FWD_HOLD : FWD_RUN;
}

static FwdState fwd_state_locked(Forwarder *f)
{
    FwdState st;

    g_mutex_lock(&f->p->lock);
    st = fwd_state(f);
    g_mutex_unlock(&f->p->lock);
    return st;
}

/* Write all of buf unless a command stops us; false when stopped. */
static bool write_all(Forwarder *f, const uint8_t *buf, size_t len)
{
    while (len) {
        struct pollfd pfd = { .fd = f->to, .events = POLLOUT };
        ssize_t n;

        if (fwd_state_locked(f) != FWD_RUN) {
            return false;       /* black-holed data is lost */
        }
        if (poll(&pfd, 1, POLL_MS) <= 0) {
            continue;
        }
        n = send(f->to, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= n;
        g_mutex_lock(&f->p->lock);
        f->p->bytes[f->dir] += n;
        g_cond_broadcast(&f->p->cond);
        g_mutex_unlock(&f->p->lock);
    }
    return true;
}

/*
 * An end reset the connection or vanished (a killed process): a network
 * passes that on as a reset of the other end too, so drop the connection
 * the way fault_proxy_drop() does.
 */
static void peer_reset(FaultProxy *p)
{
    g_mutex_lock(&p->lock);
    if (!p->quit && !p->blackhole) {
        p->drop = true;
        g_cond_broadcast(&p->cond);
    }
    g_mutex_unlock(&p->lock);
}

static bool dir_held(Forwarder *f)
{
    bool held;

    g_mutex_lock(&f->p->lock);
    held = f->p->held[f->dir];
    g_mutex_unlock(&f->p->lock);
    return held;
}

static gpointer forwarder_run(gpointer opaque)
{
    Forwarder *f = opaque;
    FaultProxy *p = f->p;
    g_autofree uint8_t *buf = g_malloc(BUF_SIZE);

    for (;;) {
        struct pollfd pfd = { .fd = f->from, .events = POLLIN };
        FwdState st = fwd_state_locked(f);
        uint64_t base;
        ssize_t n;

        if (st == FWD_STOP) {
            g_mutex_lock(&p->lock);
            if (p->half_closed[f->dir] && !p->drop && !p->quit) {
                shutdown(f->to, SHUT_WR);   /* the receiver reads EOF */
            }
            g_mutex_unlock(&p->lock);
            break;
        }
        if (st == FWD_HOLD || poll(&pfd, 1, POLL_MS) <= 0) {
            if (st == FWD_HOLD) {
                g_usleep(POLL_MS * 1000);
            }
            continue;
        }
        if (dir_held(f)) {
            /* Not read: the bytes wait in the kernel's buffers.  Checked
             * after the poll, so a hold set during it is obeyed. */
            g_usleep(POLL_MS * 1000);
            continue;
        }
        n = recv(f->from, buf, BUF_SIZE, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            peer_reset(p);
            break;
        }
        if (n == 0) {
            /* The sender closed: pass the end on, keep the other way. */
            shutdown(f->to, SHUT_WR);
            break;
        }
        g_mutex_lock(&p->lock);
        /* What is read is examined in full before it is forwarded, so
         * examined, not bytes, is where a new corruption can still go. */
        base = p->examined[f->dir];
        p->examined[f->dir] += n;
        if (p->corrupt[f->dir].armed &&
            p->corrupt[f->dir].offset >= base &&
            p->corrupt[f->dir].offset < base + n) {
            p->corrupt[f->dir].was = buf[p->corrupt[f->dir].offset - base];
            buf[p->corrupt[f->dir].offset - base] ^= p->corrupt[f->dir].mask;
            p->corrupt[f->dir].armed = false;
            p->corrupt[f->dir].flipped = true;
        }
        g_mutex_unlock(&p->lock);
        if (write_all(f, buf, n)) {
            g_mutex_lock(&p->lock);
            p->corrupt[f->dir].delivered |= p->corrupt[f->dir].flipped;
            g_mutex_unlock(&p->lock);
        } else {
            FwdState now = fwd_state_locked(f);

            if (now != FWD_RUN) {
                /* A command stopped the write: the loop's head acts on
                 * it (a half-close must still pass the end on). */
                continue;
            }
            peer_reset(p);          /* the receiver is gone */
            break;
        }
    }
    return NULL;
}

/* Serve one connection until both directions ended. */
static void serve(FaultProxy *p, int client)
{
    int target;
    Forwarder fw[2];

    /*
     * Reset the per-connection state before the target sees the
     * connection: a test that reacts to its accept() by arming a fault
     * must not have that fault cleared behind its back.
     */
    g_mutex_lock(&p->lock);
    p->bytes[0] = p->bytes[1] = 0;
    p->examined[0] = p->examined[1] = 0;
    p->half_closed[0] = p->half_closed[1] = false;
    p->blackhole = false;
    p->drop = false;
    g_mutex_unlock(&p->lock);
    target = connect_target(p);
    if (target < 0) {
        close_reset(client);
        return;
    }
    g_mutex_lock(&p->lock);
    p->connections++;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);

    fw[FAULT_PROXY_TO_TARGET] = (Forwarder) { p, FAULT_PROXY_TO_TARGET,
                                              client, target, NULL };
    fw[FAULT_PROXY_TO_CLIENT] = (Forwarder) { p, FAULT_PROXY_TO_CLIENT,
                                              target, client, NULL };
    for (int i = 0; i < 2; i++) {
        fw[i].thread = g_thread_new("fault-proxy-fwd", forwarder_run, &fw[i]);
    }
    /* The connection lives until it is dropped or the proxy quits;
     * a half-closed or ended connection is kept open until then. */
    g_mutex_lock(&p->lock);
    while (!p->quit && !p->drop) {
        g_cond_wait(&p->cond, &p->lock);
    }
    g_mutex_unlock(&p->lock);
    for (int i = 0; i < 2; i++) {
        g_thread_join(fw[i].thread);
    }
    close_reset(client);
    close_reset(target);
}

static gpointer acceptor_run(gpointer opaque)
{
    FaultProxy *p = opaque;

    for (;;) {
        struct pollfd pfd = { .fd = p->listen_fd, .events = POLLIN };
        bool quit;
        int fd;

        g_mutex_lock(&p->lock);
        while (!p->quit && (p->accept_held || p->refused)) {
            p->acceptor_parked = true;
            g_cond_broadcast(&p->cond);
            g_cond_wait(&p->cond, &p->lock);
        }
        p->acceptor_parked = false;
        quit = p->quit;
        g_mutex_unlock(&p->lock);
        if (quit) {
            break;
        }
        if (poll(&pfd, 1, POLL_MS) <= 0) {
            continue;
        }
        fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            serve(p, fd);
        }
    }
    return NULL;
}

static FaultProxy *proxy_new(int target_port, const char *target_path,
                             GError **errp)
{
    FaultProxy *p = g_new0(FaultProxy, 1);
    struct sockaddr_in in = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(in);

    p->target_port = target_port;
    p->target_path = g_strdup(target_path);
    p->filler_fd[0] = p->filler_fd[1] = -1;
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    p->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->listen_fd < 0 ||
        bind(p->listen_fd, (struct sockaddr *)&in, sizeof(in)) < 0 ||
        listen(p->listen_fd, LISTEN_BACKLOG) < 0 ||
        getsockname(p->listen_fd, (struct sockaddr *)&in, &len) < 0) {
        g_set_error(errp, G_IO_ERROR, g_io_error_from_errno(errno),
                    "fault proxy: cannot listen on 127.0.0.1: %s",
                    g_strerror(errno));
        if (p->listen_fd >= 0) {
            close(p->listen_fd);
        }
        g_free(p->target_path);
        g_free(p);
        return NULL;
    }
    p->port = ntohs(in.sin_port);
    p->acceptor = g_thread_new("fault-proxy", acceptor_run, p);
    return p;
}

FaultProxy *fault_proxy_new_tcp(int target_port, GError **errp)
{
    return proxy_new(target_port, NULL, errp);
}

FaultProxy *fault_proxy_new_unix(const char *target_path, GError **errp)
{
    return proxy_new(0, target_path, errp);
}

void fault_proxy_free(FaultProxy *p)
{
    if (!p) {
        return;
    }
    g_mutex_lock(&p->lock);
    p->quit = true;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
    g_thread_join(p->acceptor);
    close_fillers(p);
    close(p->listen_fd);
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
    g_free(p->target_path);
    g_free(p);
}

int fault_proxy_port(FaultProxy *p)
{
    return p->port;
}

uint64_t fault_proxy_bytes(FaultProxy *p, FaultProxyDir dir)
{
    uint64_t n;

    g_mutex_lock(&p->lock);
    n = p->bytes[dir];
    g_mutex_unlock(&p->lock);
    return n;
}

static bool wait_until(FaultProxy *p, gint64 timeout_us,
                       bool (*done)(FaultProxy *p, const void *arg),
                       const void *arg)
{
    gint64 deadline = g_get_monotonic_time() + timeout_us;
    bool ok;

    g_mutex_lock(&p->lock);
    while (!(ok = done(p, arg)) &&
           g_cond_wait_until(&p->cond, &p->lock, deadline)) {
    }
    ok = ok || done(p, arg);
    g_mutex_unlock(&p->lock);
    return ok;
}

typedef struct ByteGoal {
    FaultProxyDir dir;
    uint64_t n;
} ByteGoal;

static bool bytes_reached(FaultProxy *p, const void *arg)
{
    const ByteGoal *g = arg;

    return p->bytes[g->dir] >= g->n;
}

bool fault_proxy_wait_bytes(FaultProxy *p, FaultProxyDir dir, uint64_t n,
                            gint64 timeout_us)
{
    ByteGoal g = { dir, n };

    return wait_until(p, timeout_us, bytes_reached, &g);
}

unsigned fault_proxy_connections(FaultProxy *p)
{
    unsigned n;

    g_mutex_lock(&p->lock);
    n = p->connections;
    g_mutex_unlock(&p->lock);
    return n;
}

static bool connections_reached(FaultProxy *p, const void *arg)
{
    return p->connections >= *(const unsigned *)arg;
}

bool fault_proxy_wait_connections(FaultProxy *p, unsigned n,
                                  gint64 timeout_us)
{
    return wait_until(p, timeout_us, connections_reached, &n);
}

void fault_proxy_drop(FaultProxy *p)
{
    g_mutex_lock(&p->lock);
    p->drop = true;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
}

void fault_proxy_blackhole(FaultProxy *p)
{
    g_mutex_lock(&p->lock);
    p->blackhole = true;
    g_mutex_unlock(&p->lock);
}

void fault_proxy_half_close(FaultProxy *p, FaultProxyDir dir)
{
    g_mutex_lock(&p->lock);
    p->half_closed[dir] = true;
    g_mutex_unlock(&p->lock);
}

void fault_proxy_corrupt(FaultProxy *p, FaultProxyDir dir, uint64_t offset,
                         uint8_t mask)
{
    g_assert(mask);
    g_mutex_lock(&p->lock);
    p->corrupt[dir] = (Corruption) { true, offset, mask };
    g_mutex_unlock(&p->lock);
}

uint64_t fault_proxy_corrupt_ahead(FaultProxy *p, FaultProxyDir dir,
                                   uint64_t ahead, uint8_t mask)
{
    uint64_t offset;

    g_assert(mask);
    g_mutex_lock(&p->lock);
    offset = p->examined[dir] + ahead;
    p->corrupt[dir] = (Corruption) { true, offset, mask };
    g_mutex_unlock(&p->lock);
    return offset;
}

bool fault_proxy_corrupted(FaultProxy *p, FaultProxyDir dir, uint8_t *was)
{
    bool done;

    g_mutex_lock(&p->lock);
    done = p->corrupt[dir].delivered;
    if (done && was) {
        *was = p->corrupt[dir].was;
    }
    g_mutex_unlock(&p->lock);
    return done;
}

/* Connections waiting in the listen queue, and its limit (Linux reports
 * both for a listening socket in tcpi_unacked and tcpi_sacked). */
static bool listen_queue(FaultProxy *p, unsigned *len, unsigned *max)
{
    struct tcp_info ti;
    socklen_t n = sizeof(ti);

    if (getsockopt(p->listen_fd, IPPROTO_TCP, TCP_INFO, &ti, &n) < 0) {
        return false;
    }
    *len = ti.tcpi_unacked;
    *max = ti.tcpi_sacked;
    return true;
}

static bool acceptor_parked(FaultProxy *p, const void *arg)
{
    return p->acceptor_parked;
}

bool fault_proxy_hold_connects(FaultProxy *p, gint64 timeout_us)
{
    gint64 deadline = g_get_monotonic_time() + timeout_us;
    struct sockaddr_in in = { .sin_family = AF_INET,
                              .sin_port = htons(p->port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    unsigned len = 0, max = 0;

    g_mutex_lock(&p->lock);
    g_assert(!p->accept_held && !p->refused);
    p->accept_held = true;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
    if (!wait_until(p, timeout_us, acceptor_parked, NULL)) {
        return false;
    }
    /*
     * A queue of two (backlog 1; with 0 the kernel would answer our own
     * connects with SYN cookies), filled by connections of our own: the
     * kernel then drops every further SYN -- it neither queues nor
     * resets it.
     */
    if (listen(p->listen_fd, 1) < 0) {
        return false;
    }
    for (int i = 0; i < FILLERS; i++) {
        p->filler_fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (p->filler_fd[i] < 0 ||
            connect(p->filler_fd[i], (struct sockaddr *)&in,
                    sizeof(in)) < 0) {
            return false;
        }
    }
    /* connect() returns on the SYN-ACK; the queue has the connection
     * once the last ACK was processed. */
    while (listen_queue(p, &len, &max) && len <= max) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(1000);
    }
    return len > max;
}

void fault_proxy_release_connects(FaultProxy *p)
{
    int fd;

    g_mutex_lock(&p->lock);
    if (!p->accept_held || p->refused) {
        g_mutex_unlock(&p->lock);
        return;
    }
    /* The queue is in arrival order and held nothing else: ours. */
    for (int i = 0; i < FILLERS; i++) {
        fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            close(fd);
        }
    }
    close_fillers(p);
    listen(p->listen_fd, LISTEN_BACKLOG);
    p->accept_held = false;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
}

bool fault_proxy_wait_pending_connect(FaultProxy *p, gint64 timeout_us)
{
    gint64 deadline = g_get_monotonic_time() + timeout_us;
    g_autofree char *rem = g_strdup_printf(" 0100007F:%04X 02 ", p->port);

    for (;;) {
        g_autofree char *text = NULL;

        /* A line: "sl local rem st ...", addresses in hex, state 02 is
         * SYN_SENT. */
        if (g_file_get_contents("/proc/net/tcp", &text, NULL, NULL) &&
            strstr(text, rem)) {
            return true;
        }
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(5000);
    }
}

void fault_proxy_refuse(FaultProxy *p)
{
    g_mutex_lock(&p->lock);
    p->refused = true;
    g_cond_broadcast(&p->cond);
    /* A listening socket shut down stops listening: what is queued is
     * reset, later SYNs are answered by a reset. */
    shutdown(p->listen_fd, SHUT_RDWR);
    close_fillers(p);
    g_mutex_unlock(&p->lock);
}

void fault_proxy_hold(FaultProxy *p, FaultProxyDir dir, bool on)
{
    g_mutex_lock(&p->lock);
    p->held[dir] = on;
    g_mutex_unlock(&p->lock);
}

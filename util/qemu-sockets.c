/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket helpers: TCP and unix-domain listen/connect with GError messages,
 * socket address strings, and SCM_RIGHTS file-descriptor passing.
 */
#include "qemu/osdep.h"
#include "qemu/sockets.h"
#include "qemu/cutils.h"
#include "qapi/error.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>

/* Linux never passes more than this many fds in one message. */
#define SOCKET_MAX_FDS 253

void qemu_sock_addr_free(QemuSockAddr *addr)
{
    if (!addr) {
        return;
    }
    g_free(addr->host);
    g_free(addr->port);
    g_free(addr->path);
    g_free(addr->fdname);
    g_free(addr);
}

bool inet_parse_host_port(const char *str, char **host, char **port,
                          GError **errp)
{
    const char *colon;
    g_autofree char *h = NULL;

    if (str[0] == '[') {
        const char *close = strchr(str, ']');

        if (!close || close[1] != ':') {
            error_setg(errp, "address '%s' is not of the form [HOST]:PORT",
                       str);
            return false;
        }
        h = g_strndup(str + 1, close - str - 1);
        colon = close + 1;
    } else {
        /* The port never contains ':', so the last one separates. */
        colon = strrchr(str, ':');
        if (!colon) {
            error_setg(errp, "address '%s' has no port", str);
            return false;
        }
        h = g_strndup(str, colon - str);
    }
    if (!colon[1]) {
        error_setg(errp, "address '%s' has no port", str);
        return false;
    }
    *host = g_steal_pointer(&h);
    *port = g_strdup(colon + 1);
    return true;
}

/* Options after "host:port": ",to=N,ipv4=on,ipv6=off". */
static bool inet_parse_opts(QemuSockAddr *addr, const char *opts,
                            GError **errp)
{
    g_auto(GStrv) items = g_strsplit(opts, ",", -1);
    char **it;

    for (it = items; *it; it++) {
        g_auto(GStrv) kv = g_strsplit(*it, "=", 2);
        const char *val = kv[1] ? kv[1] : "on";
        bool b;

        if (strcmp(kv[0], "to") == 0) {
            if (!qemu_strtoi(val, NULL, 10, &addr->to_port) ||
                addr->to_port < 0 || addr->to_port > 65535) {
                error_setg(errp, "Parameter 'to' expects a port number");
                return false;
            }
        } else if (strcmp(kv[0], "ipv4") == 0) {
            if (!parse_option_bool("ipv4", val, &b, errp)) {
                return false;
            }
            addr->ipv4 = b;
        } else if (strcmp(kv[0], "ipv6") == 0) {
            if (!parse_option_bool("ipv6", val, &b, errp)) {
                return false;
            }
            addr->ipv6 = b;
        } else {
            error_setg(errp, "Invalid parameter '%s'", kv[0]);
            return false;
        }
    }
    return true;
}

QemuSockAddr *socket_parse(const char *str, GError **errp)
{
    g_autoptr(QemuSockAddr) addr = g_new0(QemuSockAddr, 1);
    const char *rest;

    if (strstart(str, "unix:", &rest)) {
        if (!*rest) {
            error_setg(errp, "unix socket address '%s' has no path", str);
            return NULL;
        }
        addr->kind = QEMU_SOCK_ADDR_UNIX;
        addr->path = g_strdup(rest);
    } else if (strstart(str, "fd:", &rest)) {
        if (!*rest) {
            error_setg(errp, "fd socket address '%s' has no name", str);
            return NULL;
        }
        addr->kind = QEMU_SOCK_ADDR_FD;
        addr->fdname = g_strdup(rest);
    } else {
        const char *comma = strchr(str, ',');
        g_autofree char *hp = comma ? g_strndup(str, comma - str)
                                    : g_strdup(str);

        addr->kind = QEMU_SOCK_ADDR_INET;
        if (!inet_parse_host_port(hp, &addr->host, &addr->port, errp)) {
            return NULL;
        }
        if (comma && !inet_parse_opts(addr, comma + 1, errp)) {
            return NULL;
        }
    }
    return g_steal_pointer(&addr);
}

char *qemu_sock_addr_to_string(const QemuSockAddr *addr)
{
    switch (addr->kind) {
    case QEMU_SOCK_ADDR_UNIX:
        return g_strdup_printf("unix:%s", addr->path);
    case QEMU_SOCK_ADDR_FD:
        return g_strdup_printf("fd:%s", addr->fdname);
    case QEMU_SOCK_ADDR_INET:
        if (addr->host && strchr(addr->host, ':')) {
            return g_strdup_printf("[%s]:%s", addr->host, addr->port);
        }
        return g_strdup_printf("%s:%s", addr->host ? addr->host : "",
                               addr->port);
    }
    return g_strdup("");
}

bool qemu_set_nonblock(int fd, bool nonblock)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) {
        return false;
    }
    flags = nonblock ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags) == 0;
}

bool qemu_set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    return flags >= 0 && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
}

void socket_set_nodelay(int fd)
{
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int family_hint(bool ipv4, bool ipv6)
{
    if (ipv4 && !ipv6) {
        return AF_INET;
    }
    if (ipv6 && !ipv4) {
        return AF_INET6;
    }
    return AF_UNSPEC;
}

static struct addrinfo *resolve(const char *host, const char *port,
                                bool passive, int family, GError **errp)
{
    struct addrinfo hints = { 0 }, *res = NULL;
    int rc;

    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc == EAI_BADFLAGS || (rc != 0 && !passive)) {
        /* AI_ADDRCONFIG hides loopback-only setups: retry without it. */
        hints.ai_flags = passive ? AI_PASSIVE : 0;
        rc = getaddrinfo(host, port, &hints, &res);
    }
    if (rc != 0) {
        error_setg(errp, "address resolution failed for '%s:%s': %s",
                   host ? host : "", port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

/* Bind one resolved address; returns the fd or -1 with errno set. */
static int bind_one(const struct addrinfo *ai, bool v6only)
{
    int one = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);

    if (fd < 0) {
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6) {
        int v = v6only;

        /* Dual stack unless IPv6 only was asked for. */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v));
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        int saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int inet_listen_full(const char *host, const char *port, int to_port,
                            bool ipv4, bool ipv6, int num, GError **errp)
{
    const char *h = (host && *host) ? host : NULL;
    unsigned int first = 0, last = 0, p;
    bool numeric;
    int err = EADDRINUSE;

    if (!port || !*port) {
        error_setg(errp, "listen address '%s:' has no port", h ? h : "");
        return -1;
    }
    numeric = qemu_strtoui(port, NULL, 10, &first);
    if (numeric) {
        if (first > 65535 || to_port > 65535) {
            error_setg(errp, "port '%s' is out of range", port);
            return -1;
        }
        last = to_port > 0 && (unsigned int)to_port > first
               ? (unsigned int)to_port : first;
    } else if (to_port > 0) {
        error_setg(errp, "a port range needs a numeric port, not '%s'", port);
        return -1;
    }

    /* A service name is resolved once (first == last == 0). */
    for (p = first; p <= last; p++) {
        g_autofree char *pstr = numeric ? g_strdup_printf("%u", p)
                                        : g_strdup(port);
        struct addrinfo *res, *ai;
        int fd = -1;

        res = resolve(h, pstr, true, family_hint(ipv4, ipv6), errp);
        if (!res) {
            return -1;
        }
        for (ai = res; ai && fd < 0; ai = ai->ai_next) {
            fd = bind_one(ai, ipv6 && !ipv4);
            if (fd < 0) {
                err = errno;
            }
        }
        freeaddrinfo(res);
        if (fd >= 0) {
            if (listen(fd, num > 0 ? num : 1) < 0) {
                error_setg_errno(errp, errno, "Failed to listen on '%s:%s'",
                                 h ? h : "", pstr);
                close(fd);
                return -1;
            }
            return fd;
        }
        if (err != EADDRINUSE) {
            break;
        }
    }
    if (last > first) {
        error_setg_errno(errp, err, "Failed to find an available port in "
                         "%u..%u on '%s'", first, last, h ? h : "");
    } else {
        error_setg_errno(errp, err, "Failed to bind socket to '%s:%s'",
                         h ? h : "", port);
    }
    return -1;
}

int socket_listen_tcp(const char *host, const char *port, int to_port,
                      GError **errp)
{
    return inet_listen_full(host, port, to_port, false, false, 1, errp);
}

static int inet_connect_full(const char *host, const char *port,
                             bool ipv4, bool ipv6, GError **errp)
{
    const char *h = (host && *host) ? host : "localhost";
    struct addrinfo *res, *ai;
    int err = ECONNREFUSED;

    if (!port || !*port) {
        error_setg(errp, "address '%s:' has no port", h);
        return -1;
    }
    res = resolve(h, port, false, family_hint(ipv4, ipv6), errp);
    if (!res) {
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                        ai->ai_protocol);
        int rc;

        if (fd < 0) {
            err = errno;
            continue;
        }
        do {
            rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        } while (rc < 0 && errno == EINTR);
        if (rc == 0) {
            freeaddrinfo(res);
            return fd;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    error_setg(errp, "Failed to connect to '%s:%s': %s", h, port,
               g_strerror(err));
    return -1;
}

int socket_connect_tcp(const char *host, const char *port, GError **errp)
{
    return inet_connect_full(host, port, false, false, errp);
}

/* Fill *sun for path; returns the address length or 0 with errp set. */
static socklen_t unix_addr(struct sockaddr_un *sun, const char *path,
                           bool abstract, bool tight, GError **errp)
{
    size_t len = strlen(path);

    /* A path needs its NUL; an abstract name needs the leading NUL. */
    if (len == 0 || len >= sizeof(sun->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is %s", path,
                   len ? "too long" : "empty");
        return 0;
    }
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (abstract) {
        memcpy(sun->sun_path + 1, path, len);
        if (tight) {
            return offsetof(struct sockaddr_un, sun_path) + 1 + len;
        }
        return sizeof(*sun);
    }
    memcpy(sun->sun_path, path, len);
    return offsetof(struct sockaddr_un, sun_path) + len + 1;
}

int socket_listen_unix_full(const char *path, bool abstract, bool tight,
                            int num, GError **errp)
{
    struct sockaddr_un sun;
    socklen_t alen = unix_addr(&sun, path, abstract, tight, errp);
    struct stat st;
    int fd;

    if (!alen) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create a unix socket");
        return -1;
    }
    /* A socket file left behind by an earlier run would make bind fail. */
    if (!abstract && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    if (bind(fd, (struct sockaddr *)&sun, alen) < 0) {
        error_setg(errp, "Failed to bind socket to '%s': %s", path,
                   g_strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, num > 0 ? num : 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on '%s'", path);
        close(fd);
        if (!abstract) {
            unlink(path);
        }
        return -1;
    }
    return fd;
}

int socket_connect_unix_full(const char *path, bool abstract, bool tight,
                             GError **errp)
{
    struct sockaddr_un sun;
    socklen_t alen = unix_addr(&sun, path, abstract, tight, errp);
    int fd, rc;

    if (!alen) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create a unix socket");
        return -1;
    }
    do {
        rc = connect(fd, (struct sockaddr *)&sun, alen);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        error_setg(errp, "Failed to connect to '%s': %s", path,
                   g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int socket_listen_unix(const char *path, GError **errp)
{
    return socket_listen_unix_full(path, false, false, 1, errp);
}

int socket_connect_unix(const char *path, GError **errp)
{
    return socket_connect_unix_full(path, false, false, errp);
}

int socket_listen(const QemuSockAddr *addr, int num, GError **errp)
{
    switch (addr->kind) {
    case QEMU_SOCK_ADDR_INET:
        return inet_listen_full(addr->host, addr->port, addr->to_port,
                                addr->ipv4, addr->ipv6, num, errp);
    case QEMU_SOCK_ADDR_UNIX:
        return socket_listen_unix_full(addr->path, addr->abstract,
                                       addr->tight, num, errp);
    case QEMU_SOCK_ADDR_FD:
        break;
    }
    error_setg(errp, "cannot listen on fd socket address '%s'", addr->fdname);
    return -1;
}

int socket_connect(const QemuSockAddr *addr, GError **errp)
{
    switch (addr->kind) {
    case QEMU_SOCK_ADDR_INET:
        return inet_connect_full(addr->host, addr->port, addr->ipv4,
                                 addr->ipv6, errp);
    case QEMU_SOCK_ADDR_UNIX:
        return socket_connect_unix_full(addr->path, addr->abstract,
                                        addr->tight, errp);
    case QEMU_SOCK_ADDR_FD:
        break;
    }
    error_setg(errp, "cannot connect to fd socket address '%s'",
               addr->fdname);
    return -1;
}

int socket_accept(int listen_fd)
{
    int fd;

    do {
        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

int socket_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return -1;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    errno = EAFNOSUPPORT;
    return -1;
}

static char *format_sockaddr(const struct sockaddr_storage *ss,
                             socklen_t len)
{
    char host[INET6_ADDRSTRLEN];

    switch (ss->ss_family) {
    case AF_INET: {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        return g_strdup_printf("%s:%u", host, ntohs(in->sin_port));
    }
    case AF_INET6: {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        return g_strdup_printf("[%s]:%u", host, ntohs(in6->sin6_port));
    }
    case AF_UNIX: {
        const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                   ? len - offsetof(struct sockaddr_un, sun_path) : 0;

        if (n > 0 && un->sun_path[0] == '\0') {
            return g_strdup_printf("@%.*s", (int)(n - 1), un->sun_path + 1);
        }
        return g_strndup(un->sun_path, n);
    }
    default:
        return NULL;
    }
}

char *socket_local_address(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return NULL;
    }
    return format_sockaddr(&ss, len);
}

char *socket_peer_address(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
        return NULL;
    }
    return format_sockaddr(&ss, len);
}

bool socket_is_unix(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
           ss.ss_family == AF_UNIX;
}

ssize_t socket_send_fds(int fd, const void *buf, size_t len,
                        const int *fds, size_t nfds)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    char *control = NULL;
    ssize_t ret;

    if (nfds > SOCKET_MAX_FDS) {
        errno = EINVAL;
        return -1;
    }
    if (nfds) {
        struct cmsghdr *cmsg;

        control = g_malloc0(CMSG_SPACE(sizeof(int) * nfds));
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
    }
    do {
        ret = sendmsg(fd, &msg, MSG_NOSIGNAL);
    } while (ret < 0 && errno == EINTR);
    g_free(control);
    return ret;
}

ssize_t socket_recv_fds(int fd, void *buf, size_t len,
                        int *fds, size_t max_fds, size_t *nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * SOCKET_MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
    };
    struct cmsghdr *cmsg;
    size_t got = 0;
    ssize_t ret;

    do {
        ret = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        *nfds = 0;
        return ret;
    }
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        size_t n, i;

        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
            cmsg->cmsg_len < CMSG_LEN(0)) {
            continue;
        }
        n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < n; i++) {
            int rfd;

            memcpy(&rfd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            if (got < max_fds) {
                fds[got++] = rfd;
            } else {
                close(rfd);
            }
        }
    }
    *nfds = got;
    return ret;
}

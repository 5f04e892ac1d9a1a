/*
 * Socket helpers: listen/connect for TCP and unix-domain sockets with
 * GError messages, address-string parsing ("host:port", "unix:path",
 * "fd:name"), and file-descriptor passing (SCM_RIGHTS).
 *
 * Every socket returned is close-on-exec and in blocking mode; callers that
 * want non-blocking I/O use qemu_set_nonblock(). The caller owns (closes)
 * every fd returned. All functions are thread-safe (no shared state) but
 * connect and getaddrinfo may block: call them where blocking is allowed.
 */
#ifndef QEMU_SOCKETS_H
#define QEMU_SOCKETS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Kinds of socket address understood by socket_parse(). */
typedef enum QemuSockAddrKind {
    QEMU_SOCK_ADDR_INET,
    QEMU_SOCK_ADDR_UNIX,
    QEMU_SOCK_ADDR_FD,
} QemuSockAddrKind;

/* A parsed socket address. All strings are owned by the struct. */
typedef struct QemuSockAddr {
    QemuSockAddrKind kind;
    /* inet */
    char *host;         /* "" or NULL: any address (listen) / localhost */
    char *port;         /* service name or number */
    int to_port;        /* listen: try port..to_port (0: only port) */
    bool ipv4;          /* restrict to IPv4 */
    bool ipv6;          /* restrict to IPv6 */
    /* unix */
    char *path;
    bool abstract;      /* Linux abstract namespace */
    bool tight;         /* abstract: address length = strlen(path) */
    /* fd */
    char *fdname;
} QemuSockAddr;

/* Free addr and its strings. NULL is ignored. */
void qemu_sock_addr_free(QemuSockAddr *addr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuSockAddr, qemu_sock_addr_free)

/*
 * Parse "unix:PATH", "fd:NAME" or "[HOST]:PORT" / "[V6ADDR]:PORT" (the
 * "tcp:" prefix is not part of str). Inet addresses may be followed by
 * ",to=N", ",ipv4=on|off", ",ipv6=on|off".
 * Returns a new address (free with qemu_sock_addr_free) or NULL with errp
 * set ("address '<str>' has no port", ...).
 */
QemuSockAddr *socket_parse(const char *str, GError **errp);

/*
 * Split "HOST:PORT" / "[V6ADDR]:PORT" / ":PORT" into newly allocated
 * *host (brackets removed, "" if empty) and *port. Returns false with errp
 * set when there is no ':' or the port is empty.
 */
bool inet_parse_host_port(const char *str, char **host, char **port,
                          GError **errp);

/*
 * "unix:PATH", "HOST:PORT" (IPv6 in brackets) or "fd:NAME": the text form
 * of addr, newly allocated.
 */
char *qemu_sock_addr_to_string(const QemuSockAddr *addr);

/*
 * Create a listening socket for addr (backlog num; 1 if num <= 0).
 * Unix: an existing socket file at the path is replaced. fd: not
 * supported here (the caller resolves fd names). Returns the fd or -1 with
 * errp set.
 */
int socket_listen(const QemuSockAddr *addr, int num, GError **errp);
/* Connect to addr (blocking). Returns the fd or -1 with errp set. */
int socket_connect(const QemuSockAddr *addr, GError **errp);

/*
 * Listen on host ("" or NULL: all addresses) and port ("0": any free
 * port). With to_port > 0, the ports port..to_port are tried in turn.
 * Returns the fd or -1 with errp set.
 */
int socket_listen_tcp(const char *host, const char *port, int to_port,
                      GError **errp);
/*
 * Connect to host:port (NULL/"" host: localhost). Returns the fd or -1 with
 * errp set ("Failed to connect to '<host>:<port>': <strerror>").
 */
int socket_connect_tcp(const char *host, const char *port, GError **errp);

/*
 * Listen on a unix socket at path; a stale socket file there is removed
 * first ("Failed to bind socket to '<path>': <strerror>" on failure).
 * Returns the fd or -1 with errp set.
 */
int socket_listen_unix(const char *path, GError **errp);
/*
 * Connect to the unix socket at path. Returns the fd or -1 with errp set:
 * "Failed to connect to '<path>': <strerror>".
 */
int socket_connect_unix(const char *path, GError **errp);
/* Full forms with the Linux abstract-namespace flags. */
int socket_listen_unix_full(const char *path, bool abstract, bool tight,
                            int num, GError **errp);
int socket_connect_unix_full(const char *path, bool abstract, bool tight,
                             GError **errp);

/*
 * Accept one connection on a listening socket. The new fd is close-on-exec
 * and blocking. Returns -1 with errno set (EAGAIN for a non-blocking
 * listener with nothing pending); retries EINTR itself.
 */
int socket_accept(int listen_fd);

/* Local TCP port of a socket, or -1 (errno set) if it has none. */
int socket_local_port(int fd);
/* Local / peer address of a socket as "HOST:PORT" or "PATH" text, newly
 * allocated, or NULL on error. */
char *socket_local_address(int fd);
char *socket_peer_address(int fd);
/* True if fd is a unix-domain socket. */
bool socket_is_unix(int fd);

/* Turn O_NONBLOCK on or off. Returns false with errno set on failure. */
bool qemu_set_nonblock(int fd, bool nonblock);
/* Set FD_CLOEXEC. Returns false with errno set on failure. */
bool qemu_set_cloexec(int fd);
/* Disable Nagle's algorithm on a TCP socket (errors ignored). */
void socket_set_nodelay(int fd);

/*
 * Send len bytes (at least 1) from buf with nfds file descriptors attached
 * (nfds may be 0). One sendmsg(); no SIGPIPE. Returns bytes sent or -1
 * with errno set.
 */
ssize_t socket_send_fds(int fd, const void *buf, size_t len,
                        const int *fds, size_t nfds);
/*
 * Receive up to len bytes and any SCM_RIGHTS file descriptors (received
 * close-on-exec). At most max_fds are stored in fds and counted in *nfds;
 * further ones are closed. Returns bytes read (0 at end of stream) or -1
 * with errno set (EINTR is retried). fds received with an error are closed.
 */
ssize_t socket_recv_fds(int fd, void *buf, size_t len,
                        int *fds, size_t max_fds, size_t *nfds);

#endif /* QEMU_SOCKETS_H */

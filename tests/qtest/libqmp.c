/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's QMP client and socket plumbing: unix listening/connecting
 * sockets, sending with SCM_RIGHTS, reading one JSON object at a time from
 * a QMP stream (spec/qtest.md 2.6), and the fatal-error helper shared by
 * all of libqtest.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "libqmp.h"

/* A listening socket waits this long for its peer (qtest.md 2.4). */
#define QTEST_ACCEPT_TIMEOUT_US   (50 * G_USEC_PER_SEC)
/* Poll interval while accepting. */
#define QTEST_POLL_MS             100
/* SCM_RIGHTS limit per message. */
#define QTEST_MAX_FDS             16

void qtest_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    abort();
}

bool qtest_log_enabled(void)
{
    return g_getenv("QTEST_LOG") != NULL;
}

/* ------------------------------------------------------------------ */
/* Sockets                                                              */
/* ------------------------------------------------------------------ */

static void qtest_sockaddr(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) {
        qtest_fatal("socket path too long: %s", path);
    }
    strcpy(addr->sun_path, path);
}

int qtest_socket_server(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    qtest_sockaddr(&addr, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        qtest_fatal("socket: %s", g_strerror(errno));
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        qtest_fatal("bind %s: %s", path, g_strerror(errno));
    }
    if (listen(fd, 1) < 0) {
        qtest_fatal("listen %s: %s", path, g_strerror(errno));
    }
    return fd;
}

int qtest_socket_client(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    qtest_sockaddr(&addr, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        qtest_fatal("socket: %s", g_strerror(errno));
    }
    while (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        if (errno != EINTR) {
            qtest_fatal("connect %s: %s", path, g_strerror(errno));
        }
    }
    return fd;
}

/*
 * Accept on listen_fd within the accept timeout; check(opaque), if given,
 * runs every poll interval and may abort (a dead emulator fails at once).
 */
int qtest_socket_accept_checked(int listen_fd, const char *what,
                                void (*check)(void *opaque), void *opaque)
{
    int64_t deadline = g_get_monotonic_time() + QTEST_ACCEPT_TIMEOUT_US;

    for (;;) {
        struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
        int r = poll(&pfd, 1, QTEST_POLL_MS);

        if (r > 0) {
            int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                return fd;
            }
            if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
                qtest_fatal("socket_accept failed: %s", g_strerror(errno));
            }
        } else if (r < 0 && errno != EINTR) {
            qtest_fatal("socket_accept failed: %s", g_strerror(errno));
        }
        if (check) {
            check(opaque);
        }
        if (g_get_monotonic_time() > deadline) {
            qtest_fatal("socket_accept failed: no %s connection within %d s",
                        what, (int)(QTEST_ACCEPT_TIMEOUT_US / G_USEC_PER_SEC));
        }
    }
}

int qtest_socket_accept(int listen_fd)
{
    return qtest_socket_accept_checked(listen_fd, "client", NULL, NULL);
}

/* Send all bytes, optionally with fds on the first sendmsg. */
void qtest_send_all_fds(int fd, const char *buf, size_t len,
                        int *fds, size_t nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * QTEST_MAX_FDS)];
        struct cmsghdr align;
    } control;

    if (nfds > QTEST_MAX_FDS) {
        qtest_fatal("too many fds to pass: %zu", nfds);
    }
    while (len > 0 || nfds > 0) {
        struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n;

        if (nfds > 0) {
            struct cmsghdr *cmsg;

            if (len == 0) {
                qtest_fatal("fds need at least one byte of payload");
            }
            memset(&control, 0, sizeof(control));
            msg.msg_control = control.buf;
            msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
            cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
            memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
        }
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            qtest_fatal("Broken pipe (send: %s)", g_strerror(errno));
        }
        nfds = 0;
        buf += n;
        len -= n;
    }
}

void qtest_send_all(int fd, const char *buf, size_t len)
{
    qtest_send_all_fds(fd, buf, len, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* JSON helpers                                                          */
/* ------------------------------------------------------------------ */

char *qtest_json_to_string(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    JsonGenerator *gen = json_generator_new();
    char *text;

    json_node_set_object(node, obj);
    json_generator_set_root(gen, node);
    text = json_generator_to_data(gen, NULL);
    g_object_unref(gen);
    json_node_unref(node);
    return text;
}

char *qtest_json_array_to_string(JsonArray *arr)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    JsonGenerator *gen = json_generator_new();
    char *text;

    json_node_set_array(node, arr);
    json_generator_set_root(gen, node);
    text = json_generator_to_data(gen, NULL);
    g_object_unref(gen);
    json_node_unref(node);
    return text;
}

const char *qtest_json_get_str(JsonObject *obj, const char *member)
{
    JsonNode *node = obj ? json_object_get_member(obj, member) : NULL;

    if (!node || JSON_NODE_TYPE(node) != JSON_NODE_VALUE ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(node);
}

/* ------------------------------------------------------------------ */
/* Standalone QMP client                                                 */
/* ------------------------------------------------------------------ */

/*
 * Read one top-level JSON object byte by byte: the reader tracks string and
 * escape state and the nesting depth, so it never consumes a byte beyond the
 * object's closing brace (the next object stays in the socket).
 */
static JsonObject *qmp_read_object(int fd, bool log)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    JsonParser *parser;
    JsonNode *root;
    JsonObject *obj;
    bool started = false, in_string = false, escaped = false;
    int depth = 0;

    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            qtest_fatal("Broken pipe (QMP connection closed%s%s)",
                        n < 0 ? ": " : "", n < 0 ? g_strerror(errno) : "");
        }
        if (log) {
            fputc(c, stderr);
        }
        if (!started) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (c != '{') {
                qtest_fatal("QMP JSON response parsing failed: unexpected "
                            "byte 0x%02x outside an object", (uint8_t)c);
            }
            started = true;
        }
        g_string_append_c(text, c);
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                break;
            }
        }
    }
    if (log) {
        fputc('\n', stderr);
    }

    parser = json_parser_new();
    if (!json_parser_load_from_data(parser, text->str, text->len, &err)) {
        qtest_fatal("QMP JSON response parsing failed: %s: %s",
                    err->message, text->str);
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        qtest_fatal("QMP JSON response parsing failed: not an object: %s",
                    text->str);
    }
    obj = json_object_ref(json_node_get_object(root));
    g_object_unref(parser);
    return obj;
}

JsonObject *qmp_fd_receive(int fd)
{
    return qmp_read_object(fd, qtest_log_enabled());
}

void qmp_send_text(int fd, const char *text, bool newline,
                   int *fds, size_t nfds)
{
    g_autofree char *line = newline ? g_strconcat(text, "\n", NULL)
                                    : g_strdup(text);

    if (qtest_log_enabled()) {
        fprintf(stderr, "%s%s", line, newline ? "" : "\n");
    }
    qtest_send_all_fds(fd, line, strlen(line), fds, nfds);
}

void qmp_fd_vsend(int fd, const char *fmt, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);

    qmp_send_text(fd, text, true, NULL, 0);
}

void qmp_fd_send(int fd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qmp_fd_vsend(fd, fmt, ap);
    va_end(ap);
}

void qmp_fd_send_raw(int fd, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmp_send_text(fd, text, false, NULL, 0);
}

JsonObject *qmp_fd(int fd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qmp_fd_vsend(fd, fmt, ap);
    va_end(ap);
    return qmp_fd_receive(fd);
}


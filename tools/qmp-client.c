/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qmp-client: a small QMP client for scripts and the demo.
 *
 *   qmp-client SOCKET [STEP...]
 *
 * Connects to a QMP unix socket, prints the greeting, negotiates
 * capabilities, then performs each STEP in order and prints every message
 * received (responses and events), one JSON object per line:
 *   '{"execute": ...}'   send the command and wait for its response
 *   @event:NAME[:SECS]   wait (default 10 s) until event NAME arrives
 *   @status:STATE[:SECS] poll query-status until "status" is STATE
 * Exits 1 on a connection problem, an error response or a time-out.
 */
#include "qemu/osdep.h"
#include <json-glib/json-glib.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

typedef struct Client {
    int fd;
    GString *buf;       /* bytes received but not yet parsed */
} Client;

/* Length of the first complete top-level JSON object in s, or 0. */
static size_t complete_object_len(const char *s, size_t len)
{
    int depth = 0;
    bool in_str = false, esc = false, started = false;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (in_str) {
            if (esc) {
                esc = false;
            } else if (c == '\\') {
                esc = true;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
            started = true;
        } else if (c == '}' || c == ']') {
            depth--;
            if (started && depth == 0) {
                return i + 1;
            }
        }
    }
    return 0;
}

/* Next message, or NULL after timeout_ms or on EOF. */
static JsonObject *client_recv(Client *c, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    for (;;) {
        size_t n = complete_object_len(c->buf->str, c->buf->len);
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        gint64 left;
        char tmp[4096];
        ssize_t got;

        if (n) {
            g_autoptr(JsonParser) p = json_parser_new();
            JsonObject *obj = NULL;

            if (json_parser_load_from_data(p, c->buf->str, n, NULL) &&
                JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
                obj = json_object_ref(json_node_get_object(json_parser_get_root(p)));
            }
            printf("%.*s\n", (int)n, c->buf->str);
            fflush(stdout);
            g_string_erase(c->buf, 0, n);
            while (c->buf->len && g_ascii_isspace(c->buf->str[0])) {
                g_string_erase(c->buf, 0, 1);
            }
            if (obj) {
                return obj;
            }
            continue;
        }
        left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
            return NULL;
        }
        got = read(c->fd, tmp, sizeof(tmp));
        if (got <= 0) {
            return NULL;
        }
        g_string_append_len(c->buf, tmp, got);
    }
}

static bool client_send(Client *c, const char *text)
{
    size_t len = strlen(text);

    printf("> %s\n", text);
    fflush(stdout);
    return write(c->fd, text, len) == (ssize_t)len && write(c->fd, "\n", 1) == 1;
}

/* Send a command and return its response (events are printed on the way). */
static JsonObject *client_command(Client *c, const char *text)
{
    if (!client_send(c, text)) {
        return NULL;
    }
    for (;;) {
        JsonObject *o = client_recv(c, 30000);

        if (!o || !json_object_has_member(o, "event")) {
            return o;
        }
        json_object_unref(o);
    }
}

static bool wait_event(Client *c, const char *name, int secs)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)secs * G_USEC_PER_SEC;

    while (g_get_monotonic_time() < deadline) {
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        g_autoptr(JsonObject) o = client_recv(c, MAX(left, 1));

        if (o && json_object_has_member(o, "event") &&
            !g_strcmp0(json_object_get_string_member(o, "event"), name)) {
            return true;
        }
        if (!o && left <= 0) {
            break;
        }
    }
    fprintf(stderr, "qmp-client: timed out waiting for event %s\n", name);
    return false;
}

static bool wait_status(Client *c, const char *state, int secs)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)secs * G_USEC_PER_SEC;

    while (g_get_monotonic_time() < deadline) {
        g_autoptr(JsonObject) r = client_command(c, "{\"execute\": \"query-status\"}");
        JsonObject *ret;

        if (!r || !json_object_has_member(r, "return")) {
            return false;
        }
        ret = json_object_get_object_member(r, "return");
        if (!g_strcmp0(json_object_get_string_member(ret, "status"), state)) {
            return true;
        }
        g_usleep(100 * 1000);   /* polling interval, bounded by the deadline */
    }
    fprintf(stderr, "qmp-client: timed out waiting for status %s\n", state);
    return false;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) >= sizeof(sa.sun_path)) {
        return -1;
    }
    strcpy(sa.sun_path, path);
    /* The emulator may still be starting: retry for up to 10 s. */
    for (int i = 0; i < 1000; i++) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
        g_usleep(10 * 1000);
    }
    close(fd);
    return -1;
}

int main(int argc, char **argv)
{
    Client c = { .buf = g_string_new(NULL) };
    g_autoptr(JsonObject) greeting = NULL;
    g_autoptr(JsonObject) caps = NULL;

    if (argc < 2) {
        fprintf(stderr, "usage: qmp-client SOCKET ['{\"execute\": ...}' | "
                        "@event:NAME[:SECS] | @status:STATE[:SECS]]...\n");
        return 1;
    }
    c.fd = connect_unix(argv[1]);
    if (c.fd < 0) {
        fprintf(stderr, "qmp-client: cannot connect to %s: %s\n", argv[1], g_strerror(errno));
        return 1;
    }
    greeting = client_recv(&c, 10000);
    if (!greeting || !json_object_has_member(greeting, "QMP")) {
        fprintf(stderr, "qmp-client: no QMP greeting\n");
        return 1;
    }
    caps = client_command(&c, "{\"execute\": \"qmp_capabilities\"}");
    if (!caps || !json_object_has_member(caps, "return")) {
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        const char *step = argv[i];

        if (g_str_has_prefix(step, "@event:") || g_str_has_prefix(step, "@status:")) {
            g_auto(GStrv) parts = g_strsplit(strchr(step, ':') + 1, ":", 2);
            int secs = parts[1] ? atoi(parts[1]) : 10;
            bool ok = step[1] == 'e' ? wait_event(&c, parts[0], secs)
                                     : wait_status(&c, parts[0], secs);

            if (!ok) {
                return 1;
            }
        } else {
            g_autoptr(JsonObject) r = client_command(&c, step);

            if (!r) {
                /* "quit" may close the connection before replying. */
                return strstr(step, "\"quit\"") ? 0 : 1;
            }
            if (json_object_has_member(r, "error")) {
                return 1;
            }
        }
    }
    /* Drain what is already queued (e.g. events after the last reply). */
    while (true) {
        g_autoptr(JsonObject) o = client_recv(&c, 200);
        if (!o) {
            break;
        }
    }
    close(c.fd);
    return 0;
}

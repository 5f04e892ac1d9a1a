/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for chardev/: file, socket (unix/tcp, client/server, fd
 * passing, reconnection), pipe, pty, ringbuf, mux, the legacy shorthand,
 * -chardev errors and query-chardev. Real files and sockets in a private
 * temporary directory; waiting is done by iterating the main context with
 * a deadline.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"

#include <poll.h>
#include <sys/socket.h>
#include <termios.h>

#define WAIT_MS 10000

static char *tmpdir;

/* ---- helpers ---- */

typedef struct FeState {
    CharBackend be;
    GByteArray *rx;
    int opened;
    int closed;
    int budget;             /* what can_read reports; -1: 4096 */
    int max_chunk;
    bool grab_fds;          /* claim fds inside the read handler */
    int fds[4];
    int nfds;
} FeState;

static int fe_can_read(void *opaque)
{
    FeState *s = opaque;

    return s->budget < 0 ? 4096 : s->budget;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    FeState *s = opaque;

    g_assert_cmpint(size, >, 0);
    g_assert_cmpint(size, <=, fe_can_read(s));
    g_byte_array_append(s->rx, buf, size);
    s->max_chunk = MAX(s->max_chunk, size);
    if (s->budget >= 0) {
        s->budget -= size;
    }
    if (s->grab_fds) {
        s->nfds += qemu_chr_fe_get_msgfds(&s->be, s->fds + s->nfds,
                                          ARRAY_SIZE(s->fds) - s->nfds);
    }
}

static void fe_event(void *opaque, QEMUChrEvent event)
{
    FeState *s = opaque;

    if (event == CHR_EVENT_OPENED) {
        s->opened++;
    } else {
        s->closed++;
    }
}

static void fe_attach(FeState *s, Chardev *chr)
{
    g_autoptr(GError) err = NULL;

    memset(s, 0, sizeof(*s));
    s->rx = g_byte_array_new();
    s->budget = -1;
    g_assert_true(qemu_chr_fe_init(&s->be, chr, &err));
    g_assert_no_error(err);
    qemu_chr_fe_set_handlers(&s->be, fe_can_read, fe_read, fe_event, s,
                             NULL);
}

static void fe_detach(FeState *s)
{
    qemu_chr_fe_deinit(&s->be, false);
    g_byte_array_unref(s->rx);
    s->rx = NULL;
}

static gboolean deadline_cb(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/* Iterate the default context until cond holds or WAIT_MS passed. */
static bool loop_until(bool (*cond)(void *), void *opaque)
{
    bool expired = false;
    GSource *timer = g_timeout_source_new(WAIT_MS);

    g_source_set_callback(timer, deadline_cb, &expired, NULL);
    g_source_attach(timer, NULL);
    while (!cond(opaque) && !expired) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_destroy(timer);
    g_source_unref(timer);
    return cond(opaque);
}

typedef struct FeWait {
    FeState *fe;
    int opened;
    int closed;
    guint rx_len;
} FeWait;

static bool fe_wait_cond(void *opaque)
{
    FeWait *w = opaque;

    return w->fe->opened >= w->opened && w->fe->closed >= w->closed &&
           w->fe->rx->len >= w->rx_len;
}

static void wait_fe(FeState *fe, int opened, int closed, guint rx_len)
{
    FeWait w = { fe, opened, closed, rx_len };

    g_assert_true(loop_until(fe_wait_cond, &w));
}

/* Run whatever is ready now; returns the iterations it took to go idle. */
static int drain_context(void)
{
    int n = 0;

    while (n < 1000 && g_main_context_iteration(NULL, FALSE)) {
        n++;
    }
    return n;
}

static void assert_rx(FeState *fe, const char *expected)
{
    g_assert_cmpuint(fe->rx->len, ==, strlen(expected));
    g_assert_cmpint(memcmp(fe->rx->data, expected, fe->rx->len), ==, 0);
}

/* Read exactly len bytes from fd (any blocking mode) within WAIT_MS. */
static void peer_read_exact(int fd, void *buf, size_t len)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        ssize_t n;

        g_assert_cmpint(left, >, 0);
        g_assert_cmpint(poll(&pfd, 1, left), ==, 1);
        n = read(fd, (uint8_t *)buf + got, len - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
}

/* True when fd reports end-of-file within WAIT_MS. */
static bool peer_sees_eof(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    char c;

    return poll(&pfd, 1, WAIT_MS) == 1 && read(fd, &c, 1) == 0;
}

static void peer_write(int fd, const char *s)
{
    g_assert_cmpint(write(fd, s, strlen(s)), ==, (ssize_t)strlen(s));
}

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static Chardev *chr_from_opts(const char *params, GError **errp)
{
    QemuOpts *opts = qemu_opts_parse(&qemu_chardev_opts, params, true, errp);
    Chardev *chr;

    if (!opts) {
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    qemu_opts_del(opts);
    return chr;
}

static Chardev *chr_from_opts_ok(const char *params)
{
    g_autoptr(GError) err = NULL;
    Chardev *chr = chr_from_opts(params, &err);

    g_assert_no_error(err);
    g_assert_nonnull(chr);
    return chr;
}

static void chr_from_opts_fails(const char *params, const char *message)
{
    g_autoptr(GError) err = NULL;

    g_test_message("-chardev %s", params);
    g_assert_null(chr_from_opts(params, &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, message);
}

static void end_test(void)
{
    qemu_chr_cleanup();
    qemu_opts_reset(&qemu_chardev_opts);
    drain_context();
}

/* ---- file ---- */

static void test_file_truncate_bytes(void)
{
    g_autofree char *path = tmp_path("file-out");
    g_autofree char *params = g_strdup_printf("file,id=f0,path=%s", path);
    g_autofree char *apath = g_strdup_printf("file,id=f1,path=%s,append=on",
                                             path);
    g_autofree gchar *data = NULL;
    uint8_t all[256];
    gsize len;
    FeState fe, fe2;
    Chardev *chr;
    int i;

    g_assert_true(g_file_set_contents(path, "old contents", -1, NULL));
    chr = chr_from_opts_ok(params);
    /* Truncated at creation, before anything is written. */
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 0);
    g_clear_pointer(&data, g_free);

    for (i = 0; i < 256; i++) {
        all[i] = i;
    }
    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, all, 256), ==, 256);
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"\r\n\n", 3),
                    ==, 3);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 259);
    g_assert_cmpint(memcmp(data, all, 256), ==, 0);
    g_assert_cmpint(memcmp(data + 256, "\r\n\n", 3), ==, 0);
    g_clear_pointer(&data, g_free);
    fe_detach(&fe);

    /* append=on keeps what is there. */
    chr = chr_from_opts_ok(apath);
    fe_attach(&fe2, chr);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe2.be, (const uint8_t *)"X", 1),
                    ==, 1);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 260);
    g_assert_cmpint(data[259], ==, 'X');
    fe_detach(&fe2);
    end_test();
}

static void test_file_legacy_serial(void)
{
    g_autofree char *path = tmp_path("serial-out");
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autoptr(GError) err = NULL;
    g_autofree gchar *data = NULL;
    gsize len;
    FeState fe;
    Chardev *chr;

    g_assert_true(g_file_set_contents(path, "stale", -1, NULL));
    chr = qemu_chr_new("serial0", spec, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(qemu_chr_label(chr), ==, "serial0");
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 0);
    g_clear_pointer(&data, g_free);

    /* The A-B guest: exactly the bytes sent, no translation. */
    fe_attach(&fe, chr);
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"A", 1);
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"B", 1);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(memcmp(data, "AB", 2), ==, 0);
    fe_detach(&fe);
    end_test();
}

static void test_file_input(void)
{
    g_autofree char *in = tmp_path("file-in");
    g_autofree char *out = tmp_path("file-out2");
    g_autofree char *params = g_strdup_printf(
        "file,id=fi,path=%s,input-path=%s", out, in);
    FeState fe;

    g_assert_true(g_file_set_contents(in, "hello", -1, NULL));
    fe_attach(&fe, chr_from_opts_ok(params));
    wait_fe(&fe, 1, 0, 5);
    assert_rx(&fe, "hello");
    /* End of input stops the watch: the context goes idle. */
    g_assert_cmpint(drain_context(), <, 1000);
    fe_detach(&fe);

    chr_from_opts_fails("file,id=fx", "chardev: file: no filename given");
    {
        g_autofree char *bad = g_strdup_printf("file,id=fy,path=%s/no/such",
                                               tmpdir);
        g_autofree char *msg = g_strdup_printf(
            "Could not open '%s/no/such': No such file or directory", tmpdir);

        chr_from_opts_fails(bad, msg);
    }
    end_test();
}

static void test_logfile(void)
{
    g_autofree char *log = tmp_path("chr.log");
    g_autofree char *params = g_strdup_printf("null,id=l0,logfile=%s", log);
    g_autofree char *params2 = g_strdup_printf(
        "null,id=l1,logfile=%s,logappend=on", log);
    g_autofree gchar *data = NULL;
    FeState fe;

    fe_attach(&fe, chr_from_opts_ok(params));
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"one", 3);
    fe_detach(&fe);
    fe_attach(&fe, chr_from_opts_ok(params2));
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"two", 3);
    g_assert_true(g_file_get_contents(log, &data, NULL, NULL));
    g_assert_cmpstr(data, ==, "onetwo");
    fe_detach(&fe);
    end_test();
}

/* ---- sockets ---- */

static void test_unix_pair(void)
{
    g_autofree char *path = tmp_path("pair.sock");
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    g_autofree char *params = g_strdup_printf("socket,id=cli,path=%s", path);
    g_autofree char *expect = NULL;
    g_autofree char *fname = NULL;
    g_autoptr(GError) err = NULL;
    FeState fs, fc;
    Chardev *srv, *cli;

    srv = qemu_chr_new("srv", spec, &err);
    g_assert_no_error(err);
    fname = qemu_chr_filename(srv);
    expect = g_strdup_printf("disconnected:unix:%s,server=on", path);
    g_assert_cmpstr(fname, ==, expect);
    g_assert_false(qemu_chr_is_open(srv));

    cli = chr_from_opts_ok(params);
    g_assert_true(qemu_chr_is_open(cli));
    fe_attach(&fs, srv);
    fe_attach(&fc, cli);
    /* OPENED comes from the main loop, after set_handlers returned. */
    g_assert_cmpint(fc.opened, ==, 0);
    wait_fe(&fc, 1, 0, 0);
    wait_fe(&fs, 1, 0, 0);

    g_assert_cmpint(qemu_chr_fe_write_all(&fc.be, (const uint8_t *)"ping", 4),
                    ==, 4);
    wait_fe(&fs, 1, 0, 4);
    assert_rx(&fs, "ping");
    g_assert_cmpint(qemu_chr_fe_write_all(&fs.be, (const uint8_t *)"pong!",
                                          5), ==, 5);
    wait_fe(&fc, 1, 0, 5);
    assert_rx(&fc, "pong!");

    g_clear_pointer(&fname, g_free);
    g_clear_pointer(&expect, g_free);
    fname = qemu_chr_filename(srv);
    expect = g_strdup_printf("unix:%s,server=on", path);
    g_assert_cmpstr(fname, ==, expect);
    /* Exactly one OPENED each. */
    drain_context();
    g_assert_cmpint(fs.opened, ==, 1);
    g_assert_cmpint(fc.opened, ==, 1);

    /* The client going away closes the server side. */
    fe_detach(&fc);
    g_assert_true(qemu_chr_delete("cli", &err));
    wait_fe(&fs, 1, 1, 4);
    fe_detach(&fs);
    end_test();
    /* The server's socket file is removed at cleanup. */
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

/* "...:PORT,server=on" -> PORT */
static char *port_of(const char *fname)
{
    const char *colon = strrchr(fname, ':');
    const char *comma = strchr(colon, ',');

    return g_strndup(colon + 1, comma - colon - 1);
}

static void test_tcp_server_port0(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *fname = NULL;
    g_autofree char *port = NULL;
    char buf[3];
    Chardev *chr;
    FeState fe;
    int fd;

    chr = chr_from_opts_ok("socket,id=t0,host=127.0.0.1,port=0,server=on,"
                           "wait=off,nodelay=on");
    fname = qemu_chr_filename(chr);
    g_assert_true(g_str_has_prefix(fname, "disconnected:tcp:127.0.0.1:"));
    g_assert_true(g_str_has_suffix(fname, ",server=on"));
    port = port_of(fname);
    g_assert_cmpstr(port, !=, "0");

    fe_attach(&fe, chr);
    fd = socket_connect_tcp("127.0.0.1", port, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 1, 0, 0);
    g_clear_pointer(&fname, g_free);
    fname = qemu_chr_filename(chr);
    g_assert_true(g_str_has_prefix(fname, "tcp:127.0.0.1:"));
    g_assert_nonnull(strstr(fname, ",server=on <-> 127.0.0.1:"));

    peer_write(fd, "abc");
    wait_fe(&fe, 1, 0, 3);
    assert_rx(&fe, "abc");
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"xyz", 3),
                    ==, 3);
    peer_read_exact(fd, buf, 3);
    g_assert_cmpint(memcmp(buf, "xyz", 3), ==, 0);
    close(fd);
    wait_fe(&fe, 1, 1, 3);
    fe_detach(&fe);
    end_test();
}

static void test_connect_failure(void)
{
    g_autofree char *path = tmp_path("nobody.sock");
    g_autofree char *params = g_strdup_printf("socket,id=c,path=%s", path);
    g_autofree char *msg = g_strdup_printf(
        "Failed to connect to '%s': No such file or directory", path);
    g_autofree char *tparams = NULL;
    g_autofree char *tmsg = NULL;
    g_autoptr(GError) err = NULL;
    int lfd, port;

    chr_from_opts_fails(params, msg);
    g_assert_null(qemu_chr_find("c"));

    /* A TCP port nobody listens on (any more). */
    lfd = socket_listen_tcp("127.0.0.1", "0", 0, &err);
    g_assert_no_error(err);
    port = socket_local_port(lfd);
    close(lfd);
    tparams = g_strdup_printf("socket,id=t,host=127.0.0.1,port=%d", port);
    tmsg = g_strdup_printf("Failed to connect to '127.0.0.1:%d': "
                           "Connection refused", port);
    chr_from_opts_fails(tparams, tmsg);
    end_test();
}

static void test_scm_rights(void)
{
    g_autofree char *path = tmp_path("fds.sock");
    g_autofree char *params = g_strdup_printf(
        "socket,id=fdsrv,path=%s,server=on,wait=off", path);
    g_autoptr(GError) err = NULL;
    int p[2], q[2], r[2], two[2], peer, fds[2];
    char c;
    FeState fe;

    fe_attach(&fe, chr_from_opts_ok(params));
    fe.grab_fds = true;
    peer = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 1, 0, 0);

    /* One fd with one byte, claimed inside the read handler. */
    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_cmpint(socket_send_fds(peer, "x", 1, &p[1], 1), ==, 1);
    close(p[1]);
    wait_fe(&fe, 1, 0, 1);
    g_assert_cmpint(fe.nfds, ==, 1);
    g_assert_cmpint(write(fe.fds[0], "Z", 1), ==, 1);
    g_assert_cmpint(read(p[0], &c, 1), ==, 1);
    g_assert_cmpint(c, ==, 'Z');
    close(fe.fds[0]);
    g_assert_true(peer_sees_eof(p[0]));     /* no copy was kept */
    close(p[0]);

    /* An unclaimed batch is closed when the next batch arrives. */
    fe.grab_fds = false;
    g_assert_cmpint(pipe(q), ==, 0);
    g_assert_cmpint(pipe(r), ==, 0);
    g_assert_cmpint(socket_send_fds(peer, "y", 1, &q[1], 1), ==, 1);
    close(q[1]);
    wait_fe(&fe, 1, 0, 2);
    g_assert_cmpint(socket_send_fds(peer, "z", 1, &r[1], 1), ==, 1);
    close(r[1]);
    wait_fe(&fe, 1, 0, 3);
    g_assert_true(peer_sees_eof(q[0]));
    qemu_set_nonblock(r[0], true);
    g_assert_cmpint(read(r[0], &c, 1), ==, -1);
    g_assert_cmpint(errno, ==, EAGAIN);     /* still held by the chardev */
    g_assert_cmpint(qemu_chr_fe_get_msgfds(&fe.be, fds, 2), ==, 1);
    close(fds[0]);
    g_assert_true(peer_sees_eof(r[0]));
    g_assert_cmpint(qemu_chr_fe_get_msgfds(&fe.be, fds, 2), ==, 0);
    close(q[0]);
    close(r[0]);

    /* Taking fewer fds than sent closes the rest of the batch. */
    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_cmpint(pipe(q), ==, 0);
    two[0] = p[1];
    two[1] = q[1];
    g_assert_cmpint(socket_send_fds(peer, "w", 1, two, 2), ==, 1);
    close(p[1]);
    close(q[1]);
    wait_fe(&fe, 1, 0, 4);
    g_assert_cmpint(qemu_chr_fe_get_msgfds(&fe.be, fds, 1), ==, 1);
    g_assert_true(peer_sees_eof(q[0]));
    close(fds[0]);
    g_assert_true(peer_sees_eof(p[0]));
    close(p[0]);
    close(q[0]);

    /* Unclaimed fds are closed when the peer disconnects. */
    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_cmpint(socket_send_fds(peer, "v", 1, &p[1], 1), ==, 1);
    close(p[1]);
    wait_fe(&fe, 1, 0, 5);
    close(peer);
    wait_fe(&fe, 1, 1, 5);
    g_assert_true(peer_sees_eof(p[0]));
    close(p[0]);
    assert_rx(&fe, "xyzwv");
    fe_detach(&fe);
    end_test();
}

static void test_server_next_client(void)
{
    g_autofree char *path = tmp_path("next.sock");
    g_autofree char *params = g_strdup_printf(
        "socket,id=nx,path=%s,server=on,wait=off", path);
    g_autoptr(GError) err = NULL;
    char buf[2];
    FeState fe;
    int c1, c2, c3;

    fe_attach(&fe, chr_from_opts_ok(params));
    c1 = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 1, 0, 0);
    peer_write(c1, "1");
    wait_fe(&fe, 1, 0, 1);
    close(c1);
    wait_fe(&fe, 1, 1, 1);
    g_assert_false(qemu_chr_fe_backend_open(&fe.be));
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"q", 1), ==,
                    -1);

    c2 = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 2, 1, 1);
    peer_write(c2, "2");
    wait_fe(&fe, 2, 1, 2);
    assert_rx(&fe, "12");
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"ok", 2);
    peer_read_exact(c2, buf, 2);
    g_assert_cmpint(memcmp(buf, "ok", 2), ==, 0);

    /* The front end drops the client; the next one is accepted. */
    qemu_chr_fe_disconnect(&fe.be);
    g_assert_cmpint(fe.closed, ==, 2);
    g_assert_true(peer_sees_eof(c2));
    close(c2);
    c3 = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 3, 2, 2);
    close(c3);
    wait_fe(&fe, 3, 3, 2);
    fe_detach(&fe);
    end_test();
}

typedef struct Connector {
    char *path;
    int fd;
} Connector;

/* Keep trying to connect (the server may not listen yet) until WAIT_MS. */
static gpointer connector_thread(gpointer opaque)
{
    Connector *c = opaque;
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;

    while (g_get_monotonic_time() < deadline) {
        c->fd = socket_connect_unix(c->path, NULL);
        if (c->fd >= 0) {
            peer_write(c->fd, "hi");
            break;
        }
        g_usleep(1000);
    }
    return NULL;
}

static void test_server_wait_subprocess(void)
{
    Connector c = { tmp_path("wait.sock"), -1 };
    g_autofree char *params = g_strdup_printf(
        "socket,id=w,path=%s,server=on", c.path);
    GThread *t = g_thread_new("connector", connector_thread, &c);
    Chardev *chr;
    FeState fe;

    /* Blocks until the thread connects. */
    chr = chr_from_opts_ok(params);
    g_thread_join(t);
    g_assert_cmpint(c.fd, >=, 0);
    g_assert_true(qemu_chr_is_open(chr));
    fe_attach(&fe, chr);
    wait_fe(&fe, 1, 0, 2);
    assert_rx(&fe, "hi");
    close(c.fd);
    fe_detach(&fe);
    end_test();
    g_free(c.path);
}

static void test_server_wait(void)
{
    g_test_trap_subprocess("/char/socket/server-wait/subprocess", 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*info: QEMU waiting for connection on: "
                              "disconnected:unix:*/wait.sock,server=on\n*");
}

static void test_reconnect(void)
{
    g_autofree char *path = tmp_path("reconnect.sock");
    g_autofree char *params = g_strdup_printf(
        "socket,id=rc,path=%s,reconnect-ms=20", path);
    g_autoptr(GError) err = NULL;
    Chardev *chr;
    FeState fe;
    int lfd, peer;

    /* No server yet: created anyway, connecting in the background. */
    chr = chr_from_opts_ok(params);
    g_assert_false(qemu_chr_is_open(chr));
    fe_attach(&fe, chr);
    lfd = socket_listen_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 1, 0, 0);
    peer = socket_accept(lfd);
    g_assert_cmpint(peer, >=, 0);
    peer_write(peer, "r");
    wait_fe(&fe, 1, 0, 1);
    close(peer);
    wait_fe(&fe, 1, 1, 1);
    /* And again after the server side dropped it. */
    wait_fe(&fe, 2, 1, 1);
    peer = socket_accept(lfd);
    g_assert_cmpint(peer, >=, 0);
    qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"R", 1);
    {
        char ch;

        peer_read_exact(peer, &ch, 1);
        g_assert_cmpint(ch, ==, 'R');
    }
    close(peer);
    fe_detach(&fe);
    end_test();
    close(lfd);
    /* A client never removes the path it connects to. */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    unlink(path);
}

static void test_can_read_gating(void)
{
    g_autofree char *path = tmp_path("gate.sock");
    g_autofree char *params = g_strdup_printf(
        "socket,id=g,path=%s,server=on,wait=off", path);
    g_autoptr(GError) err = NULL;
    FeState fe;
    int peer;

    fe_attach(&fe, chr_from_opts_ok(params));
    peer = socket_connect_unix(path, &err);
    wait_fe(&fe, 1, 0, 0);
    fe.budget = 4;
    peer_write(peer, "0123456789");
    wait_fe(&fe, 1, 0, 4);
    /* Front end full: nothing more is read and the loop does not spin. */
    g_assert_cmpint(drain_context(), <, 1000);
    assert_rx(&fe, "0123");
    g_assert_cmpint(fe.max_chunk, <=, 4);
    fe.budget = -1;
    qemu_chr_fe_accept_input(&fe.be);
    wait_fe(&fe, 1, 0, 10);
    assert_rx(&fe, "0123456789");
    close(peer);
    fe_detach(&fe);
    end_test();
}

typedef struct Reader {
    int fd;
    size_t len;
    uint8_t *buf;
} Reader;

static gpointer reader_thread(gpointer opaque)
{
    Reader *r = opaque;

    peer_read_exact(r->fd, r->buf, r->len);
    return NULL;
}

static void test_write_all_blocking(void)
{
    g_autofree char *path = tmp_path("big.sock");
    g_autofree char *params = g_strdup_printf(
        "socket,id=big,path=%s,server=on,wait=off", path);
    g_autoptr(GError) err = NULL;
    const size_t len = 4 << 20;
    g_autofree uint8_t *data = g_malloc(len);
    Reader r = { -1, len, g_malloc(len) };
    GThread *t;
    FeState fe;
    size_t i;
    int rc, n;

    for (i = 0; i < len; i++) {
        data[i] = (uint8_t)(i * 7 + (i >> 12));
    }
    fe_attach(&fe, chr_from_opts_ok(params));
    r.fd = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&fe, 1, 0, 0);

    /* Without a reader, non-blocking writes stop with EAGAIN. */
    for (n = 0; n < 100000; n++) {
        rc = qemu_chr_fe_write(&fe.be, data, 65536);
        if (rc < 0) {
            break;
        }
        g_assert_cmpint(rc, >, 0);
    }
    g_assert_cmpint(rc, ==, -1);
    g_assert_cmpint(errno, ==, EAGAIN);
    /* Drain what was written so far (n full or partial writes). */
    {
        uint8_t tmp[65536];
        ssize_t got;

        qemu_set_nonblock(r.fd, true);
        while ((got = read(r.fd, tmp, sizeof(tmp))) > 0) {
            continue;
        }
        qemu_set_nonblock(r.fd, false);
    }

    t = g_thread_new("reader", reader_thread, &r);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, data, len), ==, (int)len);
    g_thread_join(t);
    g_assert_cmpint(memcmp(r.buf, data, len), ==, 0);

    /* The peer gone: write_all fails instead of blocking or SIGPIPE. */
    close(r.fd);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, data, len), ==, -1);
    g_free(r.buf);
    fe_detach(&fe);
    end_test();
}

/* A front end whose handlers run in its own context and thread. */
typedef struct ThreadFe {
    CharBackend be;
    GMutex lock;
    GCond cond;
    GByteArray *rx;
    int opened;
    int closed;
    bool wrong_thread;
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *thread;
} ThreadFe;

static int tfe_can_read(void *opaque)
{
    return 4096;
}

static void tfe_read(void *opaque, const uint8_t *buf, int size)
{
    ThreadFe *t = opaque;

    g_mutex_lock(&t->lock);
    t->wrong_thread |= !g_main_context_is_owner(t->ctx);
    g_byte_array_append(t->rx, buf, size);
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
}

static void tfe_event(void *opaque, QEMUChrEvent event)
{
    ThreadFe *t = opaque;

    g_mutex_lock(&t->lock);
    t->wrong_thread |= !g_main_context_is_owner(t->ctx);
    if (event == CHR_EVENT_OPENED) {
        t->opened++;
    } else {
        t->closed++;
    }
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
}

static gpointer tfe_thread(gpointer opaque)
{
    ThreadFe *t = opaque;

    g_main_context_push_thread_default(t->ctx);
    g_main_loop_run(t->loop);
    g_main_context_pop_thread_default(t->ctx);
    return NULL;
}

static void tfe_start(ThreadFe *t, Chardev *chr)
{
    g_autoptr(GError) err = NULL;

    memset(t, 0, sizeof(*t));
    g_mutex_init(&t->lock);
    g_cond_init(&t->cond);
    t->rx = g_byte_array_new();
    t->ctx = g_main_context_new();
    t->loop = g_main_loop_new(t->ctx, FALSE);
    t->thread = g_thread_new("fe-context", tfe_thread, t);
    g_assert_true(qemu_chr_fe_init(&t->be, chr, &err));
    /* From the main thread, while the other context already runs. */
    qemu_chr_fe_set_handlers(&t->be, tfe_can_read, tfe_read, tfe_event, t,
                             t->ctx);
}

static void tfe_wait(ThreadFe *t, int opened, int closed, guint rx_len)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;

    g_mutex_lock(&t->lock);
    while (t->opened < opened || t->closed < closed || t->rx->len < rx_len) {
        if (!g_cond_wait_until(&t->cond, &t->lock, deadline)) {
            break;
        }
    }
    g_assert_cmpint(t->opened, >=, opened);
    g_assert_cmpint(t->closed, >=, closed);
    g_assert_cmpuint(t->rx->len, >=, rx_len);
    g_assert_false(t->wrong_thread);
    g_mutex_unlock(&t->lock);
}

static void tfe_stop(ThreadFe *t)
{
    g_main_loop_quit(t->loop);
    g_thread_join(t->thread);
    qemu_chr_fe_deinit(&t->be, false);
    g_main_loop_unref(t->loop);
    g_main_context_unref(t->ctx);
    g_byte_array_unref(t->rx);
    g_mutex_clear(&t->lock);
    g_cond_clear(&t->cond);
}

static void test_fe_other_context(void)
{
    g_autofree char *spath = tmp_path("ctx-srv.sock");
    g_autofree char *cpath = tmp_path("ctx-cli.sock");
    g_autofree char *sparams = g_strdup_printf(
        "socket,id=cs,path=%s,server=on,wait=off", spath);
    g_autofree char *cparams = g_strdup_printf("socket,id=cc,path=%s",
                                               cpath);
    g_autoptr(GError) err = NULL;
    ThreadFe ts, tc;
    int peer, lfd, cpeer;
    char buf[4];

    /* A server whose client comes later, and a client connected already. */
    tfe_start(&ts, chr_from_opts_ok(sparams));
    lfd = socket_listen_unix(cpath, &err);
    g_assert_no_error(err);
    tfe_start(&tc, chr_from_opts_ok(cparams));
    tfe_wait(&tc, 1, 0, 0);
    cpeer = socket_accept(lfd);
    g_assert_cmpint(cpeer, >=, 0);

    peer = socket_connect_unix(spath, &err);
    g_assert_no_error(err);
    tfe_wait(&ts, 1, 0, 0);
    peer_write(peer, "ctx!");
    tfe_wait(&ts, 1, 0, 4);
    peer_write(cpeer, "cli");
    tfe_wait(&tc, 1, 0, 3);
    g_assert_cmpint(qemu_chr_fe_write_all(&ts.be, (const uint8_t *)"back", 4),
                    ==, 4);
    peer_read_exact(peer, buf, 4);
    g_assert_cmpint(memcmp(buf, "back", 4), ==, 0);
    close(peer);
    tfe_wait(&ts, 1, 1, 4);
    close(cpeer);
    tfe_wait(&tc, 1, 1, 3);
    g_assert_cmpint(ts.opened, ==, 1);
    g_assert_cmpint(tc.opened, ==, 1);
    tfe_stop(&ts);
    tfe_stop(&tc);
    close(lfd);
    unlink(cpath);
    end_test();
}

/* ---- pipe, pty, ringbuf ---- */

static void test_pipe(void)
{
    g_autofree char *base = tmp_path("fifo");
    g_autofree char *in = g_strdup_printf("%s.in", base);
    g_autofree char *out = g_strdup_printf("%s.out", base);
    g_autofree char *params = g_strdup_printf("pipe,id=p0,path=%s", base);
    char buf[3];
    FeState fe;
    int wr, rd;

    g_assert_cmpint(mkfifo(in, 0600), ==, 0);
    g_assert_cmpint(mkfifo(out, 0600), ==, 0);
    fe_attach(&fe, chr_from_opts_ok(params));
    wait_fe(&fe, 1, 0, 0);

    wr = open(in, O_WRONLY | O_NONBLOCK);
    g_assert_cmpint(wr, >=, 0);
    peer_write(wr, "in!");
    wait_fe(&fe, 1, 0, 3);
    assert_rx(&fe, "in!");

    /* Output is buffered in the FIFO even before a reader opens it. */
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"out", 3),
                    ==, 3);
    rd = open(out, O_RDONLY | O_NONBLOCK);
    g_assert_cmpint(rd, >=, 0);
    peer_read_exact(rd, buf, 3);
    g_assert_cmpint(memcmp(buf, "out", 3), ==, 0);
    close(wr);
    close(rd);
    fe_detach(&fe);

    /* Without .in/.out, PATH itself is used both ways. */
    {
        g_autofree char *single = tmp_path("fifo1");
        g_autofree char *p1 = g_strdup_printf("pipe,id=p1,path=%s", single);
        g_autofree char *bad = g_strdup_printf("pipe,id=p2,path=%s/none",
                                               tmpdir);
        g_autofree char *msg = g_strdup_printf(
            "Could not open '%s/none': No such file or directory", tmpdir);

        g_assert_cmpint(mkfifo(single, 0600), ==, 0);
        fe_attach(&fe, chr_from_opts_ok(p1));
        fe_detach(&fe);
        chr_from_opts_fails(bad, msg);
    }
    end_test();
}

static void test_pty(void)
{
    g_autofree char *link = tmp_path("ptylink");
    g_autofree char *params = g_strdup_printf("pty,id=pt,path=%s", link);
    g_autofree char *fname = NULL;
    g_autofree char *target = NULL;
    char buf[3];
    Chardev *chr;
    FeState fe;
    int slave;

    chr = chr_from_opts_ok(params);
    fname = qemu_chr_filename(chr);
    g_assert_true(g_str_has_prefix(fname, "pty:/dev/"));
    target = g_file_read_link(link, NULL);
    g_assert_cmpstr(target, ==, fname + 4);

    slave = open(fname + 4, O_RDWR | O_NOCTTY);
    g_assert_cmpint(slave, >=, 0);
    {
        struct termios tio;

        /* Raw on our side too, so bytes pass unchanged. */
        g_assert_cmpint(tcgetattr(slave, &tio), ==, 0);
        cfmakeraw(&tio);
        g_assert_cmpint(tcsetattr(slave, TCSANOW, &tio), ==, 0);
    }
    fe_attach(&fe, chr);
    wait_fe(&fe, 1, 0, 0);
    peer_write(slave, "abc");
    wait_fe(&fe, 1, 0, 3);
    assert_rx(&fe, "abc");
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"xyz", 3),
                    ==, 3);
    peer_read_exact(slave, buf, 3);
    g_assert_cmpint(memcmp(buf, "xyz", 3), ==, 0);

    /* The slave closing is noticed; output is then discarded. */
    close(slave);
    wait_fe(&fe, 1, 1, 3);
    g_assert_cmpint(qemu_chr_fe_write_all(&fe.be, (const uint8_t *)"lost", 4),
                    ==, 4);
    fe_detach(&fe);
    end_test();
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
}

static void test_ringbuf(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree uint8_t *big = g_malloc(70000);
    uint8_t *out;
    size_t len, i;
    Chardev *chr;
    FeState fe;

    chr_from_opts_fails("ringbuf,id=r,size=3",
                        "size of ringbuf chardev must be power of two");
    chr_from_opts_fails("ringbuf,id=r,size=0",
                        "size of ringbuf chardev must be power of two");

    chr = chr_from_opts_ok("ringbuf,id=r0,size=4");
    fe_attach(&fe, chr);
    g_assert_cmpint(qemu_chr_fe_write(&fe.be, (const uint8_t *)"abcdef", 6),
                    ==, 6);
    out = qemu_chr_ringbuf_read(chr, 10, &len, &err);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmpint(memcmp(out, "cdef", 4), ==, 0);
    g_free(out);
    out = qemu_chr_ringbuf_read(chr, 10, &len, &err);
    g_assert_cmpuint(len, ==, 0);
    g_free(out);
    g_assert_true(qemu_chr_ringbuf_write(chr, (const uint8_t *)"xyz", 3,
                                         &err));
    out = qemu_chr_ringbuf_read(chr, 2, &len, &err);
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(memcmp(out, "xy", 2), ==, 0);
    g_free(out);
    g_assert_no_error(err);
    fe_detach(&fe);

    /* Default size 64 KiB; the "memory" alias. */
    chr = chr_from_opts_ok("memory,id=r1");
    fe_attach(&fe, chr);
    for (i = 0; i < 70000; i++) {
        big[i] = (uint8_t)(i % 251);
    }
    qemu_chr_fe_write_all(&fe.be, big, 70000);
    out = qemu_chr_ringbuf_read(chr, 100000, &len, &err);
    g_assert_cmpuint(len, ==, 65536);
    g_assert_cmpint(memcmp(out, big + 70000 - 65536, 65536), ==, 0);
    g_free(out);
    fe_detach(&fe);

    chr = chr_from_opts_ok("null,id=n0");
    g_assert_null(qemu_chr_ringbuf_read(chr, 1, &len, &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n0' is not a ringbuf");
    end_test();
}

/* ---- mux ---- */

static void test_mux_fe_limit(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree uint8_t *out = NULL;
    CharBackend be[5];
    Chardev *chr, *base;
    size_t len;
    int i;

    chr = chr_from_opts_ok("ringbuf,id=m,mux=on");
    base = qemu_chr_find("m-base");
    g_assert_nonnull(base);
    for (i = 0; i < 4; i++) {
        g_assert_true(qemu_chr_fe_init(&be[i], chr, &err));
    }
    g_assert_false(qemu_chr_fe_init(&be[4], chr, &err));
    g_assert_cmpstr(err->message, ==,
                    "Too many uses of multiplexed chardev 'm'");
    g_clear_error(&err);
    qemu_chr_fe_write_all(&be[0], (const uint8_t *)"one,", 4);
    qemu_chr_fe_write_all(&be[3], (const uint8_t *)"four", 4);
    out = qemu_chr_ringbuf_read(base, 100, &len, &err);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpint(memcmp(out, "one,four", 8), ==, 0);
    /* A slot freed can be used again. */
    qemu_chr_fe_deinit(&be[1], false);
    g_assert_true(qemu_chr_fe_init(&be[4], chr, &err));
    g_assert_false(qemu_chr_delete("m", &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'm' is busy");
    g_clear_error(&err);
    g_assert_false(qemu_chr_delete("m-base", &err));
    g_clear_error(&err);
    end_test();
    g_assert_null(qemu_chr_find("m"));
    g_assert_null(qemu_chr_find("m-base"));
    for (i = 0; i < 5; i++) {
        if (i != 1) {
            /* Cleanup detached them: writes are discarded, not crashes. */
            g_assert_null(be[i].chr);
            g_assert_cmpint(qemu_chr_fe_write(&be[i], (const uint8_t *)"x",
                                              1), ==, 1);
        }
    }
}

static void test_mux_focus(void)
{
    g_autofree char *path = tmp_path("mux.sock");
    g_autofree char *spec = g_strdup_printf("mon:unix:%s,server=on,wait=off",
                                            path);
    g_autoptr(GError) err = NULL;
    g_autofree char *f1 = NULL;
    g_autofree char *f2 = NULL;
    FeState a, b;
    Chardev *chr;
    char buf[4];
    int peer;

    g_assert_true(qemu_chr_spec_is_mon(spec));
    chr = qemu_chr_new("mx", spec, &err);
    g_assert_no_error(err);
    fe_attach(&a, chr);
    fe_attach(&b, chr);         /* the last to set handlers has focus */
    peer = socket_connect_unix(path, &err);
    g_assert_no_error(err);
    wait_fe(&a, 1, 0, 0);
    wait_fe(&b, 1, 0, 0);

    peer_write(peer, "b1");
    wait_fe(&b, 1, 0, 2);
    peer_write(peer, "\001ca1");
    wait_fe(&a, 1, 0, 2);
    assert_rx(&a, "a1");
    peer_write(peer, "\001\001");
    wait_fe(&a, 1, 0, 3);
    g_assert_cmpint(a.rx->data[2], ==, 1);
    assert_rx(&b, "b1");

    qemu_chr_fe_write_all(&a.be, (const uint8_t *)"AA", 2);
    qemu_chr_fe_write_all(&b.be, (const uint8_t *)"BB", 2);
    peer_read_exact(peer, buf, 4);
    g_assert_cmpint(memcmp(buf, "AABB", 4), ==, 0);

    f1 = qemu_chr_filename(chr);
    f2 = qemu_chr_filename(qemu_chr_find("mx-base"));
    g_assert_cmpstr(f1, ==, f2);

    close(peer);
    wait_fe(&a, 1, 1, 3);
    wait_fe(&b, 1, 1, 2);
    fe_detach(&a);
    fe_detach(&b);
    end_test();
}

/* ---- options, legacy specs, registry ---- */

static int append_opt(void *opaque, const char *name, const char *value,
                      GError **errp)
{
    g_string_append_printf(opaque, "%s=%s;", name, value);
    return 0;
}

static void test_legacy_specs(void)
{
    static const struct {
        const char *spec;
        const char *opts;
    } cases[] = {
        { "null", "backend=null;" },
        { "stdio", "backend=stdio;" },
        { "pty", "backend=pty;" },
        { "file:/tmp/a,b", "backend=file;path=/tmp/a,b;" },
        { "pipe:/x/y", "backend=pipe;path=/x/y;" },
        { "unix:/tmp/s", "backend=socket;path=/tmp/s;" },
        { "unix:/tmp/s,server=on,wait=off",
          "backend=socket;path=/tmp/s;server=on;wait=off;" },
        { "unix:/tmp/s,,x", "backend=socket;path=/tmp/s,x;" },
        { "tcp::4444,server=on,wait=off",
          "backend=socket;host=;port=4444;server=on;wait=off;" },
        { "tcp:127.0.0.1:5555,nodelay=on",
          "backend=socket;host=127.0.0.1;port=5555;nodelay=on;" },
        { "tcp:[::1]:7", "backend=socket;host=::1;port=7;" },
        { "telnet:localhost:23,server=on",
          "backend=socket;host=localhost;port=23;server=on;telnet=on;" },
        { "mon:stdio", "backend=stdio;mux=on;" },
        { "mon:unix:/q,server=on",
          "backend=socket;path=/q;server=on;mux=on;" },
        { "/dev/ttyS0", "backend=serial;path=/dev/ttyS0;" },
    };
    static const struct {
        const char *spec;
        const char *message;
    } bad[] = {
        { "bogus", "'bogus' is not a valid char driver" },
        { "vc", "'vc' is not a valid char driver" },
        { "mon:bogus", "'bogus' is not a valid char driver" },
        { "unix:/p,bad=1", "Invalid parameter 'bad'" },
        { "unix:/p,server=maybe", "Parameter 'server' expects 'on' or 'off'" },
        { "tcp:nohostport", "address 'nohostport' has no port" },
        { "tcp:host:", "address 'host:' has no port" },
    };
    g_autoptr(GError) err = NULL;
    Chardev *chr;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        QemuOpts *opts = qemu_chr_parse_compat("leg", cases[i].spec, &err);
        g_autoptr(GString) s = g_string_new(NULL);

        g_test_message("spec '%s'", cases[i].spec);
        g_assert_no_error(err);
        g_assert_cmpstr(qemu_opts_id(opts), ==, "leg");
        qemu_opt_foreach(opts, append_opt, s, NULL);
        g_assert_cmpstr(s->str, ==, cases[i].opts);
        qemu_opts_del(opts);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_test_message("spec '%s'", bad[i].spec);
        g_assert_null(qemu_chr_parse_compat("leg", bad[i].spec, &err));
        g_assert_cmpstr(err->message, ==, bad[i].message);
        g_clear_error(&err);
        g_assert_null(qemu_opts_find(&qemu_chardev_opts, "leg"));
        g_assert_null(qemu_chr_new("leg", bad[i].spec, &err));
        g_assert_cmpstr(err->message, ==, bad[i].message);
        g_clear_error(&err);
    }
    g_assert_false(qemu_chr_spec_is_mon("stdio"));

    /* chardev:ID refers to an existing chardev. */
    g_assert_null(qemu_chr_new("x", "chardev:nope", &err));
    g_assert_cmpstr(err->message, ==, "chardev 'nope' not found");
    g_clear_error(&err);
    chr = chr_from_opts_ok("null,id=exist");
    g_assert_true(qemu_chr_new("y", "chardev:exist", &err) == chr);
    g_assert_null(qemu_chr_find("y"));

    /* Unsupported socket features are named. */
    g_assert_null(qemu_chr_new("t", "telnet::0,server=on,wait=off", &err));
    g_assert_cmpstr(err->message, ==,
                    "socket chardev option 'telnet' is not supported");
    g_clear_error(&err);
    end_test();
}

static void test_legacy_short_form_subprocess(void)
{
    g_autoptr(GError) err = NULL;
    QemuOpts *opts = qemu_chr_parse_compat("qmp0", "unix:/tmp/q,server,nowait",
                                           &err);

    g_assert_no_error(err);
    g_assert_true(qemu_opt_get_bool(opts, "server", false));
    g_assert_false(qemu_opt_get_bool(opts, "wait", true));
    qemu_opts_del(opts);
}

static void test_legacy_short_form(void)
{
    g_test_trap_subprocess("/char/legacy/short-form/subprocess", 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr(
        "*warning: short-form boolean option 'server' deprecated\n"
        "Please use server=on instead\n"
        "*warning: short-form boolean option 'nowait' deprecated\n"
        "Please use wait=off instead\n");
}

static void test_chardev_errors(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *path = tmp_path("e.sock");
    g_autofree char *p1 = g_strdup_printf("socket,id=s1,path=%s,host=h",
                                          path);
    g_autofree char *p2 = g_strdup_printf("socket,id=s2,path=%s,wait=off",
                                          path);
    g_autofree char *p3 = g_strdup_printf(
        "socket,id=s3,path=%s,server=on,reconnect-ms=5", path);
    QemuOpts *opts;

    chr_from_opts_fails("x,id=a", "'x' is not a valid char driver name");
    chr_from_opts_fails("null", "Parameter 'id' is missing");
    chr_from_opts_fails("id=nob", "Parameter 'backend' is missing");
    chr_from_opts_fails("null,id=a,foo=1", "Invalid parameter 'foo'");
    chr_from_opts_fails("socket,id=s0,port=1", "chardev: socket: no host "
                        "given");
    chr_from_opts_fails("socket,id=s0,host=localhost",
                        "chardev: socket: no port given");
    chr_from_opts_fails(p1, "chardev: socket: 'path' cannot be combined with "
                        "'host' or 'port'");
    chr_from_opts_fails(p2, "'wait' option is incompatible with socket in "
                        "client connect mode");
    chr_from_opts_fails(p3, "'reconnect-ms' option is incompatible with "
                        "'server' option");

    /* Duplicate ids: caught by the option list and by the registry. */
    opts = qemu_opts_parse(&qemu_chardev_opts, "null,id=d", true, &err);
    g_assert_nonnull(opts);
    g_assert_nonnull(qemu_chr_new_from_opts(opts, &err));
    g_assert_null(qemu_opts_parse(&qemu_chardev_opts, "null,id=d", true,
                                  &err));
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'd' for chardev");
    g_clear_error(&err);
    qemu_opts_del(opts);
    chr_from_opts_fails("file,id=d,path=/dev/null",
                        "Duplicate ID 'd' for chardev");
    g_assert_null(qemu_chr_new("d", "null", &err));
    g_assert_cmpstr(err->message, ==, "Duplicate ID 'd' for chardev");
    g_clear_error(&err);

    /* At most one stdio chardev. */
    g_assert_nonnull(chr_from_opts_ok("stdio,id=io0,signal=off"));
    chr_from_opts_fails("stdio,id=io1",
                        "cannot use stdio by multiple character devices");
    end_test();
    /* Cleanup released stdio again. */
    g_assert_nonnull(chr_from_opts_ok("stdio,id=io2"));
    end_test();
}

static void test_fe_busy_delete(void)
{
    g_autoptr(GError) err = NULL;
    CharBackend b1, b2;
    Chardev *chr = chr_from_opts_ok("null,id=n");

    g_assert_true(qemu_chr_fe_init(&b1, chr, &err));
    g_assert_true(qemu_chr_fe_backend_connected(&b1));
    g_assert_true(qemu_chr_fe_get_chr(&b1) == chr);
    g_assert_false(qemu_chr_fe_init(&b2, chr, &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n' is busy");
    g_clear_error(&err);
    g_assert_false(qemu_chr_delete("n", &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n' is busy");
    g_clear_error(&err);
    qemu_chr_fe_deinit(&b1, false);
    g_assert_false(qemu_chr_fe_backend_connected(&b1));
    g_assert_true(qemu_chr_fe_init(&b2, chr, &err));
    qemu_chr_fe_deinit(&b2, true);
    g_assert_null(qemu_chr_find("n"));
    g_assert_false(qemu_chr_delete("n", &err));
    g_assert_cmpstr(err->message, ==, "Chardev 'n' not found");
    g_clear_error(&err);

    /* A front end without backend: writes vanish, nothing breaks. */
    g_assert_true(qemu_chr_fe_init(&b1, NULL, &err));
    g_assert_cmpint(qemu_chr_fe_write_all(&b1, (const uint8_t *)"x", 1), ==,
                    1);
    g_assert_false(qemu_chr_fe_backend_open(&b1));
    qemu_chr_fe_set_handlers(&b1, NULL, NULL, NULL, NULL, NULL);
    qemu_chr_fe_deinit(&b1, false);
    end_test();
}

static void test_query_chardev(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(ChardevInfoList) list = NULL;
    ChardevInfoList *l;
    CharBackend be;
    int seen = 0;

    chr_from_opts_ok("null,id=q0");
    g_assert_true(qemu_chr_fe_init(&be, chr_from_opts_ok("ringbuf,id=q1"),
                                   &err));
    qemu_chr_fe_set_handlers(&be, NULL, NULL, NULL, &be, NULL);
    list = qmp_query_chardev(&err);
    g_assert_no_error(err);
    for (l = list; l; l = l->next) {
        if (!strcmp(l->value->label, "q0")) {
            g_assert_cmpstr(l->value->filename, ==, "null");
            g_assert_false(l->value->frontend_open);
            g_assert_cmpint(seen, ==, 0);   /* creation order */
            seen |= 1;
        } else if (!strcmp(l->value->label, "q1")) {
            g_assert_cmpstr(l->value->filename, ==, "ringbuf");
            g_assert_true(l->value->frontend_open);
            seen |= 2;
        }
    }
    g_assert_cmpint(seen, ==, 3);
    qemu_chr_fe_deinit(&be, false);
    end_test();
}

static void test_help(void)
{
    if (g_test_subprocess()) {
        qemu_chr_print_help();
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("Available chardev backend types:\n*socket\n*");
}

static void rm_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);

        unlink(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    /* A closed peer must show up as an error, never kill the test. */
    signal(SIGPIPE, SIG_IGN);
    tmpdir = g_dir_make_tmp("test-char-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);

    g_test_add_func("/char/file/truncate-bytes", test_file_truncate_bytes);
    g_test_add_func("/char/file/legacy-serial", test_file_legacy_serial);
    g_test_add_func("/char/file/input", test_file_input);
    g_test_add_func("/char/logfile", test_logfile);
    g_test_add_func("/char/socket/unix-pair", test_unix_pair);
    g_test_add_func("/char/socket/tcp-server-port0", test_tcp_server_port0);
    g_test_add_func("/char/socket/connect-failure", test_connect_failure);
    g_test_add_func("/char/socket/scm-rights", test_scm_rights);
    g_test_add_func("/char/socket/server-next-client",
                    test_server_next_client);
    g_test_add_func("/char/socket/server-wait", test_server_wait);
    g_test_add_func("/char/socket/server-wait/subprocess",
                    test_server_wait_subprocess);
    g_test_add_func("/char/socket/reconnect", test_reconnect);
    g_test_add_func("/char/socket/can-read-gating", test_can_read_gating);
    g_test_add_func("/char/socket/write-all-blocking",
                    test_write_all_blocking);
    g_test_add_func("/char/socket/fe-other-context", test_fe_other_context);
    g_test_add_func("/char/pipe", test_pipe);
    g_test_add_func("/char/pty", test_pty);
    g_test_add_func("/char/ringbuf", test_ringbuf);
    g_test_add_func("/char/mux/fe-limit", test_mux_fe_limit);
    g_test_add_func("/char/mux/focus", test_mux_focus);
    g_test_add_func("/char/legacy/specs", test_legacy_specs);
    g_test_add_func("/char/legacy/short-form", test_legacy_short_form);
    g_test_add_func("/char/legacy/short-form/subprocess",
                    test_legacy_short_form_subprocess);
    g_test_add_func("/char/errors", test_chardev_errors);
    g_test_add_func("/char/fe-busy-delete", test_fe_busy_delete);
    g_test_add_func("/char/query-chardev", test_query_chardev);
    g_test_add_func("/char/help", test_help);
    ret = g_test_run();
    rm_tree(tmpdir);
    g_free(tmpdir);
    return ret;
}

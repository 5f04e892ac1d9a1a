/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the socket chardev: unix and tcp, client and server, fd
 * passing, the next client after a disconnect, wait=on, reconnection,
 * can_read gating, blocking writes, a front end in another thread, and
 * the OPENED-exactly-once-and-before-input rule under racing start-ups.
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
#include "char-test-util.h"

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
    bool data_before_open;      /* input seen before OPENED */
    bool settled;               /* tfe_settle() */
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
    t->data_before_open |= t->opened == t->closed;
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

static gboolean tfe_settled_cb(gpointer opaque)
{
    ThreadFe *t = opaque;

    g_mutex_lock(&t->lock);
    t->settled = true;
    g_cond_broadcast(&t->cond);
    g_mutex_unlock(&t->lock);
    return G_SOURCE_REMOVE;
}

/*
 * Let t's context run every source that is due before a lowest-priority
 * idle gets its turn (so a late duplicate event would have arrived).
 */
static void tfe_settle(ThreadFe *t)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
    GSource *src = g_idle_source_new();

    g_mutex_lock(&t->lock);
    t->settled = false;
    g_mutex_unlock(&t->lock);
    g_source_set_priority(src, G_PRIORITY_LOW);
    g_source_set_callback(src, tfe_settled_cb, t, NULL);
    g_source_attach(src, t->ctx);
    g_source_unref(src);
    g_mutex_lock(&t->lock);
    while (!t->settled && g_cond_wait_until(&t->cond, &t->lock, deadline)) {
        /* wait */
    }
    g_assert_true(t->settled);
    g_mutex_unlock(&t->lock);
}

/* Rounds of the start-up race; each takes well under a millisecond. */
#define OPEN_RACE_ROUNDS 300

/*
 * A peer that is connected and has sent its first bytes before the front
 * end's handlers are installed (from the main thread, while the front
 * end's context already runs elsewhere, as the monitor does): the front
 * end hears OPENED exactly once, before any input, and loses nothing.
 * server: the chardev listens and the peer connects; otherwise the
 * chardev connects to the peer at creation.
 */
static void open_race_round(bool server, int round)
{
    g_autofree char *path = tmp_path("race.sock");
    g_autofree char *params = g_strdup_printf(
        "socket,id=race%d,path=%s%s", round, path,
        server ? ",server=on,wait=off" : "");
    g_autofree char *id = g_strdup_printf("race%d", round);
    g_autoptr(GError) err = NULL;
    Chardev *chr;
    ThreadFe t;
    int lfd = -1, peer;

    if (server) {
        chr = chr_from_opts_ok(params);
        peer = socket_connect_unix(path, &err);
    } else {
        lfd = socket_listen_unix(path, &err);
        g_assert_no_error(err);
        chr = chr_from_opts_ok(params);
        peer = socket_accept(lfd);
    }
    g_assert_no_error(err);
    g_assert_cmpint(peer, >=, 0);
    peer_write(peer, "hello");
    tfe_start(&t, chr);
    tfe_wait(&t, 1, 0, 5);
    tfe_settle(&t);
    g_mutex_lock(&t.lock);
    g_assert_cmpint(t.opened, ==, 1);
    g_assert_cmpint(t.closed, ==, 0);
    g_assert_false(t.data_before_open);
    g_assert_cmpuint(t.rx->len, ==, 5);
    g_mutex_unlock(&t.lock);
    close(peer);
    tfe_wait(&t, 1, 1, 5);
    tfe_settle(&t);
    g_assert_cmpint(t.opened, ==, 1);
    g_assert_cmpint(t.closed, ==, 1);
    tfe_stop(&t);
    g_assert_true(qemu_chr_delete(id, NULL));
    if (lfd >= 0) {
        close(lfd);
    }
    unlink(path);
}

static void test_open_race(const void *opaque)
{
    bool server = GPOINTER_TO_INT(opaque);
    int i;

    for (i = 0; i < OPEN_RACE_ROUNDS; i++) {
        open_race_round(server, i);
    }
    end_test();
}

int main(int argc, char **argv)
{
    char_test_init(&argc, &argv);
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
    g_test_add_data_func("/char/socket/open-race/server", GINT_TO_POINTER(1),
                         test_open_race);
    g_test_add_data_func("/char/socket/open-race/client", GINT_TO_POINTER(0),
                         test_open_race);
    return char_test_run();
}

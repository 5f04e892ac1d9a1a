/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the migration transports (migration/socket.c, fd.c,
 * exec.c, file.c): for each, a connect/listen pair inside this process
 * exchanges bytes through MigChannels while the default main loop runs,
 * plus port-0 resolution, port ranges and the error texts of
 * spec/migration-states-and-qmp.md 7.1 step 7.  Every wait has a deadline.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/stat.h>
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "migration/transport.h"
#include "monitor/monitor.h"
#include "../../monitor/monitor-internal.h"

#define DEADLINE_US (20 * G_USEC_PER_SEC)

static char *tmp_dir;

typedef struct Ends {
    MigChannel *out;            /* from the connect callback */
    GError *out_err;
    bool out_done;
    MigChannel *in;             /* from the accept callback */
    int accepted;
} Ends;

static void on_connected(MigChannel *ch, GError *err, void *opaque)
{
    Ends *e = opaque;

    e->out = ch;
    e->out_err = err;
    e->out_done = true;
}

static void on_accepted(MigChannel *ch, void *opaque)
{
    Ends *e = opaque;

    e->accepted++;
    if (e->in) {
        mig_channel_unref(e->in);
    }
    e->in = ch;
}

/* Run the main loop until *flag is true; fail the test at the deadline. */
static void run_until(bool (*done)(Ends *e), Ends *e)
{
    gint64 end = g_get_monotonic_time() + DEADLINE_US;

    while (!done(e)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static bool both_ends(Ends *e)
{
    return e->out_done && e->in;
}

static bool out_end(Ends *e)
{
    return e->out_done;
}

static bool in_end(Ends *e)
{
    return e->in != NULL;
}

static void ends_clear(Ends *e)
{
    if (e->out) {
        mig_channel_unref(e->out);
    }
    if (e->in) {
        mig_channel_unref(e->in);
    }
    g_clear_error(&e->out_err);
    memset(e, 0, sizeof(*e));
}

static MigrationAddress *parse(const char *uri)
{
    g_autoptr(GError) err = NULL;
    MigrationAddress *addr = migration_uri_parse(uri, &err);

    g_assert_no_error(err);
    return addr;
}

/* Bytes written on a must arrive on b. */
static void check_flow(MigChannel *a, MigChannel *b, const char *text)
{
    g_autoptr(GError) err = NULL;
    size_t len = strlen(text);
    g_autofree char *buf = g_malloc0(len + 1);

    g_assert_true(mig_channel_write_all(a, text, len, &err));
    g_assert_no_error(err);
    g_assert_true(mig_channel_read_all(b, buf, len, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(buf, ==, text);
}

/* Connect to the first address l listens on; exchange both ways. */
static void connect_and_talk(MigTransportListener *l, const char *uri,
                             Ends *e)
{
    g_autoptr(MigrationAddress) addr = parse(uri);
    g_autoptr(GError) err = NULL;

    g_assert_true(migration_transport_connect(addr, on_connected, e, &err));
    g_assert_no_error(err);
    /* results come from the main loop, never from inside the call */
    g_assert_false(e->out_done);
    run_until(both_ends, e);
    g_assert_no_error(e->out_err);
    g_assert_nonnull(e->out);
    g_assert_true(e->out->is_socket);
    check_flow(e->out, e->in, "QEVM to the destination");
    check_flow(e->in, e->out, "return path");
}

static void test_tcp(void)
{
    g_autoptr(MigrationAddress) addr = parse("tcp:127.0.0.1:0");
    g_autoptr(GError) err = NULL;
    g_autofree char *uri = NULL;
    MigTransportListener *l;
    SocketAddressList *sl;
    Ends e = { 0 };

    l = migration_transport_listen(addr, on_accepted, &e, &err);
    g_assert_no_error(err);
    sl = migration_transport_listener_addresses(l);
    g_assert_nonnull(sl);
    g_assert_null(sl->next);
    g_assert_cmpint(sl->value->type, ==, SOCKET_ADDRESS_TYPE_INET);
    g_assert_cmpstr(sl->value->u.inet.host, ==, "127.0.0.1");
    /* port 0 resolved to what the kernel chose */
    g_assert_cmpstr(sl->value->u.inet.port, !=, "0");
    g_assert_cmpint(atoi(sl->value->u.inet.port), >, 0);

    uri = g_strdup_printf("tcp:127.0.0.1:%s", sl->value->u.inet.port);
    connect_and_talk(l, uri, &e);

    /* a second connection (multifd-style) is accepted too */
    {
        Ends e2 = { 0 };
        g_autoptr(MigrationAddress) a2 = parse(uri);

        g_assert_true(migration_transport_connect(a2, on_connected, &e2,
                                                  &err));
        run_until(out_end, &e2);
        g_assert_no_error(e2.out_err);
        while (e.accepted < 2) {
            g_main_context_iteration(NULL, TRUE);
        }
        ends_clear(&e2);
    }
    migration_transport_listener_close(l);
    ends_clear(&e);
}

static void test_tcp_port_range(void)
{
    g_autoptr(MigrationAddress) first = parse("tcp:127.0.0.1:0");
    g_autoptr(GError) err = NULL;
    g_autoptr(MigrationAddress) ranged = NULL;
    g_autofree char *uri = NULL;
    MigTransportListener *l1, *l2;
    Ends e = { 0 };
    int p, p2;

    l1 = migration_transport_listen(first, on_accepted, &e, &err);
    g_assert_no_error(err);
    p = atoi(migration_transport_listener_addresses(l1)->value->u.inet.port);
    if (p > 65000) {
        migration_transport_listener_close(l1);
        g_test_skip("kernel chose a port at the top of the range");
        return;
    }
    /* the first port is taken: the range must move on to a later one */
    uri = g_strdup_printf("tcp:127.0.0.1:%d,to=%d", p, p + 20);
    ranged = parse(uri);
    l2 = migration_transport_listen(ranged, on_accepted, &e, &err);
    g_assert_no_error(err);
    p2 = atoi(migration_transport_listener_addresses(l2)->value->u.inet.port);
    g_assert_cmpint(p2, >, p);
    g_assert_cmpint(p2, <=, p + 20);
    migration_transport_listener_close(l2);

    /* without a range the same port fails to bind */
    g_free(uri);
    uri = g_strdup_printf("tcp:127.0.0.1:%d", p);
    {
        g_autoptr(MigrationAddress) again = parse(uri);

        g_assert_null(migration_transport_listen(again, on_accepted, &e,
                                                 &err));
        g_assert_nonnull(err);
    }
    migration_transport_listener_close(l1);
}

static void test_tcp_refused(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *msg = NULL;
    g_autoptr(MigrationAddress) addr = NULL;
    Ends e = { 0 };
    int port;

    /* a port that was free a moment ago and has no listener now */
    {
        g_autoptr(MigrationAddress) tmp = parse("tcp:127.0.0.1:0");
        MigTransportListener *l = migration_transport_listen(
            tmp, on_accepted, &e, &err);

        g_assert_no_error(err);
        port = atoi(migration_transport_listener_addresses(l)->value
                    ->u.inet.port);
        migration_transport_listener_close(l);
    }
    uri = g_strdup_printf("tcp:127.0.0.1:%d", port);
    addr = parse(uri);
    g_assert_true(migration_transport_connect(addr, on_connected, &e, &err));
    run_until(out_end, &e);
    g_assert_null(e.out);
    msg = g_strdup_printf("Failed to connect to '127.0.0.1:%d': "
                          "Connection refused", port);
    g_assert_cmpstr(e.out_err->message, ==, msg);
    ends_clear(&e);
}

static void test_unix(void)
{
    g_autofree char *path = g_build_filename(tmp_dir, "mig.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autoptr(MigrationAddress) addr = parse(uri);
    g_autoptr(GError) err = NULL;
    MigTransportListener *l;
    SocketAddressList *sl;
    Ends e = { 0 };

    l = migration_transport_listen(addr, on_accepted, &e, &err);
    g_assert_no_error(err);
    sl = migration_transport_listener_addresses(l);
    g_assert_cmpint(sl->value->type, ==, SOCKET_ADDRESS_TYPE_UNIX);
    g_assert_cmpstr(sl->value->u.q_unix.path, ==, path);
    connect_and_talk(l, uri, &e);
    migration_transport_listener_close(l);
    ends_clear(&e);
}

static void test_unix_errors(void)
{
    g_autofree char *path = g_build_filename(tmp_dir, "nobody.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autofree char *msg = g_strdup_printf(
        "Failed to connect to '%s': No such file or directory", path);
    g_autofree char *bad = g_strdup_printf("unix:%s/no/such/dir/s", tmp_dir);
    g_autoptr(MigrationAddress) addr = parse(uri);
    g_autoptr(MigrationAddress) baddir = parse(bad);
    g_autoptr(GError) err = NULL;
    Ends e = { 0 };

    g_assert_true(migration_transport_connect(addr, on_connected, &e, &err));
    run_until(out_end, &e);
    g_assert_null(e.out);
    g_assert_cmpstr(e.out_err->message, ==, msg);
    ends_clear(&e);

    g_assert_null(migration_transport_listen(baddir, on_accepted, &e, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message,
                                   "Failed to bind socket to "));
}

/* ---- fd ---------------------------------------------------------------- */

/* A monitor with a getfd table, current for this thread. */
static Monitor *fake_monitor(void)
{
    Monitor *mon = g_new0(Monitor, 1);

    g_mutex_init(&mon->lock);
    mon->named_fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
    monitor_set_cur(mon, NULL, NULL, NULL);
    return mon;
}

static void fake_monitor_free(Monitor *mon)
{
    monitor_set_cur(NULL, NULL, NULL, NULL);
    monitor_named_fds_free(mon);
    g_hash_table_unref(mon->named_fds);
    g_mutex_clear(&mon->lock);
    g_free(mon);
}

static void test_fd(void)
{
    g_autoptr(MigrationAddress) out = parse("fd:migout");
    g_autoptr(MigrationAddress) in = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *in_uri = NULL;
    MigTransportListener *l;
    Monitor *mon;
    Ends e = { 0 };
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);

    /* outgoing: a name passed with getfd, consumed by the transport */
    mon = fake_monitor();
    g_hash_table_insert(mon->named_fds, g_strdup("migout"),
                        GINT_TO_POINTER(sv[0]));
    g_assert_true(migration_transport_connect(out, on_connected, &e, &err));
    g_assert_no_error(err);
    g_assert_false(g_hash_table_contains(mon->named_fds, "migout"));
    /* a second use finds nothing */
    g_assert_false(migration_transport_connect(out, on_connected, &e, &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'migout' has not been found");
    g_clear_error(&err);
    fake_monitor_free(mon);

    /* incoming: a decimal fd number (no monitor: startup -incoming) */
    in_uri = g_strdup_printf("fd:%d", sv[1]);
    in = parse(in_uri);
    l = migration_transport_listen(in, on_accepted, &e, &err);
    g_assert_no_error(err);
    g_assert_null(migration_transport_listener_addresses(l));
    g_assert_null(e.in);
    run_until(both_ends, &e);
    check_flow(e.out, e.in, "over an inherited fd");
    check_flow(e.in, e.out, "and back");
    migration_transport_listener_close(l);
    ends_clear(&e);
}

static void test_fd_errors(void)
{
    g_autoptr(MigrationAddress) bad = parse("fd:999999");
    g_autoptr(MigrationAddress) name = parse("fd:nosuch");
    g_autoptr(GError) err = NULL;
    Monitor *mon;
    Ends e = { 0 };

    g_assert_null(migration_transport_listen(bad, on_accepted, &e, &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid file descriptor number '999999'");
    g_clear_error(&err);

    mon = fake_monitor();
    g_assert_null(migration_transport_listen(name, on_accepted, &e, &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'nosuch' has not been found");
    g_clear_error(&err);
    g_assert_false(migration_transport_connect(name, on_connected, &e,
                                               &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'nosuch' has not been found");
    fake_monitor_free(mon);
    g_assert_false(e.out_done);
}

/* ---- exec -------------------------------------------------------------- */

static bool file_has(const char *path, const char *text)
{
    g_autofree char *got = NULL;

    return g_file_get_contents(path, &got, NULL, NULL) &&
           !strcmp(got, text);
}

static void test_exec(void)
{
    g_autofree char *path = g_build_filename(tmp_dir, "exec.mig", NULL);
    g_autofree char *out_uri = g_strdup_printf("exec:cat > %s", path);
    g_autofree char *in_uri = g_strdup_printf("exec:cat %s", path);
    g_autoptr(MigrationAddress) out = parse(out_uri);
    g_autoptr(MigrationAddress) in = parse(in_uri);
    g_autoptr(MigrationAddress) echo = parse("exec:cat");
    g_autoptr(GError) err = NULL;
    const char text[] = "stream through a shell";
    char buf[sizeof(text)] = { 0 };
    gint64 end = g_get_monotonic_time() + DEADLINE_US;
    MigTransportListener *l;
    Ends e = { 0 };

    /* outgoing writes the child's stdin */
    g_assert_true(migration_transport_connect(out, on_connected, &e, &err));
    run_until(out_end, &e);
    g_assert_true(mig_channel_write_all(e.out, text, strlen(text), &err));
    g_assert_no_error(err);
    ends_clear(&e);             /* closing gives cat its end of file */
    while (!file_has(path, text)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }

    /* incoming reads its stdout, then end of stream */
    l = migration_transport_listen(in, on_accepted, &e, &err);
    g_assert_no_error(err);
    run_until(in_end, &e);
    g_assert_true(mig_channel_read_all(e.in, buf, strlen(text), &err));
    g_assert_no_error(err);
    g_assert_cmpstr(buf, ==, text);
    {
        struct iovec iov = { buf, 1 };

        g_assert_cmpint(mig_channel_readv(e.in, &iov, 1, &err), ==, 0);
    }
    migration_transport_listener_close(l);
    ends_clear(&e);

    /* both directions: a return path works through the child */
    g_assert_true(migration_transport_connect(echo, on_connected, &e, &err));
    run_until(out_end, &e);
    check_flow(e.out, e.out, "echoed by cat");
    ends_clear(&e);
}

static void test_exec_errors(void)
{
    g_autoptr(MigrationAddress) addr = g_new0(MigrationAddress, 1);
    g_autoptr(GError) err = NULL;
    Ends e = { 0 };

    addr->transport = MIGRATION_ADDRESS_TYPE_EXEC;
    addr->u.exec.args = g_new0(strList, 1);
    addr->u.exec.args->value = g_strdup("/nonexistent/program");
    g_assert_false(migration_transport_connect(addr, on_connected, &e,
                                               &err));
    g_assert_true(g_str_has_prefix(err->message,
                  "Unable to execute '/nonexistent/program': "));
}

/* ---- file -------------------------------------------------------------- */

static void test_file(void)
{
    g_autofree char *path = g_build_filename(tmp_dir, "file.mig", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s,offset=0x1000", path);
    g_autoptr(MigrationAddress) addr = parse(uri);
    g_autoptr(GError) err = NULL;
    g_autofree char *prefill = g_strnfill(0x1000 + 100, 'M');
    g_autofree char *got = NULL;
    const char text[] = "QEVM";
    char buf[sizeof(text)] = { 0 };
    MigTransportListener *l;
    struct stat st;
    gsize len;
    Ends e = { 0 };

    /* the marker before offset stays; what follows it is dropped */
    g_assert_true(g_file_set_contents(path, prefill, 0x1000 + 100, NULL));
    g_assert_true(migration_transport_connect(addr, on_connected, &e, &err));
    g_assert_no_error(err);
    run_until(out_end, &e);
    g_assert_true(e.out->is_seekable);
    g_assert_false(e.out->is_socket);
    g_assert_true(mig_channel_write_all(e.out, text, 4, &err));
    ends_clear(&e);
    g_assert_true(g_file_get_contents(path, &got, &len, NULL));
    g_assert_cmpuint(len, ==, 0x1000 + 4);
    g_assert_cmpint(memcmp(got, prefill, 0x1000), ==, 0);
    g_assert_cmpint(memcmp(got + 0x1000, text, 4), ==, 0);
    g_assert_cmpint(stat(path, &st), ==, 0);

    /* a new file is created with mode 0600 */
    {
        g_autofree char *p2 = g_build_filename(tmp_dir, "new.mig", NULL);
        g_autofree char *u2 = g_strdup_printf("file:%s", p2);
        g_autoptr(MigrationAddress) a2 = parse(u2);

        g_assert_true(migration_transport_connect(a2, on_connected, &e,
                                                  &err));
        run_until(out_end, &e);
        ends_clear(&e);
        g_assert_cmpint(stat(p2, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    }

    /* incoming starts at offset */
    l = migration_transport_listen(addr, on_accepted, &e, &err);
    g_assert_no_error(err);
    run_until(in_end, &e);
    g_assert_true(e.in->is_seekable);
    g_assert_true(mig_channel_read_all(e.in, buf, 4, &err));
    g_assert_cmpstr(buf, ==, text);
    migration_transport_listener_close(l);
    ends_clear(&e);
}

/*
 * Whatever the file held, the source leaves exactly `offset` bytes of it
 * (shorter files grow with zeros) before the stream: also when it has
 * that size already and the truncate is skipped (file.c).
 */
static void test_file_sizes(void)
{
    static const struct {
        const char *opt;
        gsize offset, before;
    } cases[] = {
        { "", 0, 0 },                       /* new, or empty */
        { "", 0, 100 },
        { ",offset=0x1000", 0x1000, 10 },   /* grows */
        { ",offset=0x1000", 0x1000, 0x1000 },
        { ",offset=0x1000", 0x1000, 0x1100 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_build_filename(tmp_dir, "sizes.mig", NULL);
        g_autofree char *uri = g_strdup_printf("file:%s%s", path,
                                               cases[i].opt);
        g_autoptr(MigrationAddress) addr = parse(uri);
        g_autoptr(GError) err = NULL;
        g_autofree char *prefill = g_strnfill(cases[i].before, 'M');
        g_autofree char *got = NULL;
        gsize len, kept = MIN(cases[i].before, cases[i].offset);
        Ends e = { 0 };

        unlink(path);
        if (i) {
            g_assert_true(g_file_set_contents(path, prefill,
                                              cases[i].before, NULL));
        }
        g_assert_true(migration_transport_connect(addr, on_connected, &e,
                                                  &err));
        g_assert_no_error(err);
        run_until(out_end, &e);
        g_assert_true(mig_channel_write_all(e.out, "QEVM", 4, &err));
        ends_clear(&e);
        g_assert_true(g_file_get_contents(path, &got, &len, NULL));
        g_assert_cmpuint(len, ==, cases[i].offset + 4);
        g_assert_cmpint(memcmp(got, prefill, kept), ==, 0);
        for (gsize k = kept; k < cases[i].offset; k++) {
            g_assert_cmpint(got[k], ==, 0);
        }
        g_assert_cmpint(memcmp(got + cases[i].offset, "QEVM", 4), ==, 0);
    }
}

static void test_file_errors(void)
{
    g_autofree char *path = g_build_filename(tmp_dir, "no", "such", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree char *msg = g_strdup_printf(
        "Unable to open %s: No such file or directory", path);
    g_autoptr(MigrationAddress) addr = parse(uri);
    g_autoptr(GError) err = NULL;
    Ends e = { 0 };

    g_assert_false(migration_transport_connect(addr, on_connected, &e,
                                               &err));
    g_assert_cmpstr(err->message, ==, msg);
    g_clear_error(&err);
    g_assert_null(migration_transport_listen(addr, on_accepted, &e, &err));
    g_assert_cmpstr(err->message, ==, msg);
}

/* Closing a listener before the main loop ran cancels the delivery. */
static void test_close_before_delivery(void)
{
    g_autofree char *path = g_build_filename(tmp_dir, "cancel.mig", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autoptr(MigrationAddress) addr = parse(uri);
    g_autoptr(GError) err = NULL;
    MigTransportListener *l;
    Ends e = { 0 };

    g_assert_true(g_file_set_contents(path, "x", 1, NULL));
    l = migration_transport_listen(addr, on_accepted, &e, &err);
    g_assert_no_error(err);
    migration_transport_listener_close(l);
    while (g_main_context_iteration(NULL, FALSE)) {
        /* drain */
    }
    g_assert_cmpint(e.accepted, ==, 0);
}

static void test_rdma(void)
{
    g_autoptr(MigrationAddress) addr = parse("rdma:[::1]:4444");
    g_autoptr(GError) err = NULL;
    Ends e = { 0 };

    g_assert_false(migration_transport_connect(addr, on_connected, &e,
                                               &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'uri' expects a valid migration protocol");
    g_clear_error(&err);
    g_assert_null(migration_transport_listen(addr, on_accepted, &e, &err));
    g_assert_cmpstr(err->message, ==,
                    "unknown migration protocol: rdma:[::1]:4444");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmp_dir = g_dir_make_tmp("test-mig-transport-XXXXXX", NULL);
    g_assert_nonnull(tmp_dir);
    g_test_add_func("/migration/transport/tcp", test_tcp);
    g_test_add_func("/migration/transport/tcp-port-range",
                    test_tcp_port_range);
    g_test_add_func("/migration/transport/tcp-refused", test_tcp_refused);
    g_test_add_func("/migration/transport/unix", test_unix);
    g_test_add_func("/migration/transport/unix-errors", test_unix_errors);
    g_test_add_func("/migration/transport/fd", test_fd);
    g_test_add_func("/migration/transport/fd-errors", test_fd_errors);
    g_test_add_func("/migration/transport/exec", test_exec);
    g_test_add_func("/migration/transport/exec-errors", test_exec_errors);
    g_test_add_func("/migration/transport/file", test_file);
    g_test_add_func("/migration/transport/file-sizes", test_file_sizes);
    g_test_add_func("/migration/transport/file-errors", test_file_errors);
    g_test_add_func("/migration/transport/close-before-delivery",
                    test_close_before_delivery);
    g_test_add_func("/migration/transport/rdma", test_rdma);
    ret = g_test_run();
    {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_dir);

        g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL,
                                                NULL));
    }
    g_free(tmp_dir);
    return ret;
}

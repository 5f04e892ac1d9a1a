/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for migration/tls-channel-setup.c: the listener's server
 * handshakes run in helper threads yet deliver channels in accept order,
 * refused connections reach the failure callback, closing the listener
 * aborts a handshake still waiting for its peer, and with TLS off the
 * wrappers hand the raw channel back. The destination's settings come
 * from the real tls-* parameters; the client ends are driven here with
 * explicit settings (one process cannot be both ends through one
 * tls-creds parameter).
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "migration/tls-channel-setup.h"
#include "tls-pki-helper.h"
#include "tls-channel-harness.h"

#define PSK_KEY "009d5638c40fde0c"
#define PSK_ALT_KEY "10ffa6a2c42f0388"
#define DEADLINE_US (TLS_TEST_DEADLINE_S * G_USEC_PER_SEC)

static char *root;

/* What the listener handed over, in order. */
typedef struct Delivered {
    GPtrArray *chans;           /* MigChannel (TLS) */
    GPtrArray *errors;          /* char * messages */
} Delivered;

static void on_accepted(MigChannel *ch, void *opaque)
{
    Delivered *d = opaque;

    g_ptr_array_add(d->chans, ch);
}

static void on_failed(GError *err, void *opaque)
{
    Delivered *d = opaque;

    g_ptr_array_add(d->errors, g_strdup(err->message));
    g_error_free(err);
}

/* Through migrate-set-parameters, as a user would. */
static void set_server_params(const char *creds)
{
    const QmpCommand *cmd = qmp_find_command("migrate-set-parameters");
    g_autofree char *json = g_strdup_printf("{\"tls-creds\": \"%s\"}",
                                            creds);
    g_autoptr(JsonNode) args = json_from_string(json, NULL);
    g_autoptr(GError) err = NULL;
    JsonNode *ret = NULL;

    g_assert_nonnull(cmd);
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    g_assert_no_error(err);
    if (ret) {
        json_node_unref(ret);
    }
}

/* A raw client connection to the unix socket at path. */
static MigChannel *raw_connect(const char *path, const char *name)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return mig_channel_new_fd(fd, name);
}

typedef struct Client {
    MigChannel *raw;
    const char *creds;
    char mark;                  /* written once the session is up */
    MigChannel *tls;
    GError *err;
    int done;                   /* atomic: the thread has finished */
} Client;

static gpointer client_thread(gpointer opaque)
{
    Client *c = opaque;
    MigTLSSettings s = { .creds_id = c->creds };

    c->tls = migration_tls_channel_new(c->raw, false, &s, &c->err);
    if (c->tls) {
        mig_channel_write_all(c->tls, &c->mark, 1, &c->err);
    }
    g_atomic_int_set(&c->done, 1);
    return NULL;
}

/* Join a client thread while the main loop accepts and delivers. */
static void client_join(Client *c, GThread *t)
{
    gint64 end = g_get_monotonic_time() + DEADLINE_US;

    while (!g_atomic_int_get(&c->done)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    g_thread_join(t);
}

/* Run the main loop until cond(d) or fail at the deadline. */
static void run_until(bool (*cond)(Delivered *d, guint n), Delivered *d,
                      guint n)
{
    gint64 end = g_get_monotonic_time() + DEADLINE_US;

    while (!cond(d, n)) {
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static bool got_chans(Delivered *d, guint n)
{
    return d->chans->len >= n;
}

static bool got_errors(Delivered *d, guint n)
{
    return d->errors->len >= n;
}

static MigTransportListener *listen_unix(const char *name, Delivered *d,
                                         char **path)
{
    g_autofree char *uri = NULL;
    g_autoptr(GError) err = NULL;
    MigrationAddress *addr;
    MigTransportListener *l;

    *path = g_build_filename(root, name, NULL);
    uri = g_strdup_printf("unix:%s", *path);
    addr = migration_uri_parse(uri, &err);
    g_assert_no_error(err);
    l = migration_channel_listen(addr, on_accepted, on_failed, d, &err);
    g_assert_no_error(err);
    qapi_free_MigrationAddress(addr);
    d->chans = g_ptr_array_new_with_free_func(
        (GDestroyNotify)mig_channel_unref);
    d->errors = g_ptr_array_new_with_free_func(g_free);
    return l;
}

static void delivered_free(Delivered *d)
{
    g_ptr_array_free(d->chans, TRUE);
    g_ptr_array_free(d->errors, TRUE);
}

static void client_free(Client *c)
{
    g_clear_pointer(&c->tls, mig_channel_unref);
    g_clear_pointer(&c->raw, mig_channel_unref);
    g_clear_error(&c->err);
}

/*
 * Two connections; the second finishes its handshake first. The first
 * must still be delivered first: the destination tells TLS channels
 * apart by order only.
 */
static void test_accept_order(void)
{
    g_autofree char *path = NULL;
    Delivered d;
    MigTransportListener *l = listen_unix("order.sock", &d, &path);
    Client a = { .creds = "pskc", .mark = 'A' };
    Client b = { .creds = "pskc", .mark = 'B' };
    GThread *ta, *tb;
    gint64 settle;
    char got;

    set_server_params("psks");
    a.raw = raw_connect(path, "client-a");
    /* a is accepted before b connects. */
    while (!g_main_context_iteration(NULL, FALSE)) {
        g_usleep(1000);
    }
    b.raw = raw_connect(path, "client-b");
    tb = g_thread_new("client-b", client_thread, &b);
    client_join(&b, tb);
    g_assert_no_error(b.err);

    /* b's session is up, a has not even started: nothing may come out.
     * (Bounded look, not a wait for something to happen.) */
    settle = g_get_monotonic_time() + 300 * 1000;
    while (g_get_monotonic_time() < settle) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    g_assert_cmpint(d.chans->len, ==, 0);

    ta = g_thread_new("client-a", client_thread, &a);
    client_join(&a, ta);
    g_assert_no_error(a.err);
    run_until(got_chans, &d, 2);
    g_assert_true(migration_tls_channel_is_tls(d.chans->pdata[0]));
    for (guint i = 0; i < 2; i++) {
        g_autoptr(GError) err = NULL;

        g_assert_true(mig_channel_read_all(d.chans->pdata[i], &got, 1, &err));
        g_assert_no_error(err);
        g_assert_cmpint(got, ==, i ? 'B' : 'A');
    }
    g_assert_cmpint(d.errors->len, ==, 0);
    migration_transport_listener_close(l);
    delivered_free(&d);
    client_free(&a);
    client_free(&b);
    set_server_params("");
}

/* A client with the wrong key: the failure callback hears why. */
static void test_refused(void)
{
    g_autofree char *path = NULL;
    Delivered d;
    MigTransportListener *l = listen_unix("refused.sock", &d, &path);
    Client c = { .creds = "pskalt", .mark = 'X' };
    GThread *t;

    set_server_params("psks");
    c.raw = raw_connect(path, "client-wrong-key");
    t = g_thread_new("client", client_thread, &c);
    run_until(got_errors, &d, 1);
    client_join(&c, t);
    g_assert_nonnull(c.err);
    g_assert_true(g_str_has_prefix(d.errors->pdata[0],
                                   "TLS handshake failed"));
    g_assert_cmpint(d.chans->len, ==, 0);
    migration_transport_listener_close(l);
    delivered_free(&d);
    client_free(&c);
    set_server_params("");
}

/* A peer that connects and says nothing: closing the listener ends the
 * server's handshake (the peer sees its connection closed). */
static void test_close_aborts(void)
{
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    Delivered d;
    MigTransportListener *l = listen_unix("abort.sock", &d, &path);
    MigChannel *raw;
    char buf[64];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    ssize_t n;

    set_server_params("psks");
    raw = raw_connect(path, "client-silent");
    while (!g_main_context_iteration(NULL, FALSE)) {
        g_usleep(1000);
    }
    migration_transport_listener_close(l);
    /* The server thread drops its end once woken; the BH that frees the
     * job runs in the main loop, which this loop keeps turning. */
    do {
        g_main_context_iteration(NULL, FALSE);
        n = mig_channel_readv(raw, &iov, 1, &err);
    } while (n > 0);
    g_assert_cmpint(n, <=, 0);
    g_assert_cmpint(d.chans->len, ==, 0);
    g_assert_cmpint(d.errors->len, ==, 0);
    mig_channel_unref(raw);
    delivered_free(&d);
    set_server_params("");
}

/* TLS off, or a file: the wrappers return the raw channel itself. */
static void test_passthrough(void)
{
    g_autoptr(GError) err = NULL;
    int sv[2];
    MigChannel *raw, *ch;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    raw = mig_channel_new_fd(sv[0], "plain");
    ch = migration_tls_wrap_outgoing(raw, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(ch == raw);
    mig_channel_unref(ch);
    ch = migration_tls_wrap_incoming(raw, &err);
    g_assert_true(ch == raw);
    mig_channel_unref(ch);

    set_server_params("psks");
    raw->is_seekable = true;    /* a file: never wrapped */
    g_assert_false(migration_tls_channel_wanted(raw));
    raw->is_seekable = false;
    g_assert_true(migration_tls_channel_wanted(raw));
    set_server_params("");
    mig_channel_unref(raw);
    close(sv[1]);
}

static void test_address_host(void)
{
    g_autoptr(GError) err = NULL;
    MigrationAddress *tcp = migration_uri_parse("tcp:192.0.2.1:4444", &err);
    MigrationAddress *unx = migration_uri_parse("unix:/tmp/x", &err);

    g_assert_no_error(err);
    g_assert_cmpstr(migration_address_tls_host(tcp), ==, "192.0.2.1");
    g_assert_null(migration_address_tls_host(unx));
    qapi_free_MigrationAddress(tcp);
    qapi_free_MigrationAddress(unx);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    root = tls_test_tmpdir("test-migration-tls-setup");
    tls_obj_dir_root = root;
    g_free(tls_test_psk_dir(root, "psk", "qemu:" PSK_KEY "\n"));
    g_free(tls_test_psk_dir(root, "psk-alt", "qemu:" PSK_ALT_KEY "\n"));
    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir",
                   "psk", "username", "qemu", NULL);
    tls_obj_create("tls-creds-psk", "pskalt", "endpoint", "client", "dir",
                   "psk-alt", "username", "qemu", NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir",
                   "psk", NULL);
    g_test_add_func("/migration/tls-setup/accept-order", test_accept_order);
    g_test_add_func("/migration/tls-setup/refused", test_refused);
    g_test_add_func("/migration/tls-setup/close-aborts", test_close_aborts);
    g_test_add_func("/migration/tls-setup/passthrough", test_passthrough);
    g_test_add_func("/migration/tls-setup/address-host", test_address_host);
    ret = g_test_run();
    tls_obj_del("pskc");
    tls_obj_del("pskalt");
    tls_obj_del("psks");
    tls_test_rm_tree(root);
    g_free(root);
    return ret;
}

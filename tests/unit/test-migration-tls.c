/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for migration/tls.c: TLS migration channels over socketpairs,
 * one thread per side, every wait bounded by a deadline. The cases mirror
 * the migration qtest TLS group at the channel level (PSK match/mismatch;
 * x509 default/override/mismatch host, friendly/hostile client,
 * allow/reject anonymous client; authz-simple, -list, -listfile), then the
 * channel itself: data both ways at once, close_notify versus a cut
 * stream, shutdown waking a blocked reader or handshake.
 *
 * The PKI is generated at start-up (tls-pki-helper.c). `-m perf` adds a
 * benchmark of TLS record encryption with AES-GCM on one core.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"
#include "migration/channel.h"
#include "migration/tls.h"
#include "migration/options-internal.h"
#include "tls-pki-helper.h"

/* QEMU's migration tests use these keys and names (qtest spec 3.2.1). */
#define PSK_KEY "009d5638c40fde0c"
#define PSK_ALT_KEY "10ffa6a2c42f0388"
#define CLIENT_DN "CN=ACME QEMU Client"
#define HOSTILE_DN "CN=ACME Hostile Client"

/* Nothing here legitimately takes long; a hang fails the test. */
#define DEADLINE_S 60

static char *pki_root;
static TlsTestIdentity ca, other_ca, impostor_ca, server_ip, server_name,
    server_other_ip, client_cert, hostile_cert, foreign_cert, forged_cert;

/* ---- set-up ---- */

static void pki_setup(void)
{
    pki_root = tls_test_tmpdir("test-migration-tls");
    tls_test_identity_make(&ca, &(TlsTestCertSpec) {
        .dn = "CN=qemu-CA", .is_ca = true });
    tls_test_identity_make(&other_ca, &(TlsTestCertSpec) {
        .dn = "CN=hostile-CA", .is_ca = true });
    /* Same name as our CA, different key: what a forger would make. */
    tls_test_identity_make(&impostor_ca, &(TlsTestCertSpec) {
        .dn = "CN=qemu-CA", .is_ca = true });
    tls_test_identity_make(&server_ip, &(TlsTestCertSpec) {
        .dn = "CN=127.0.0.1", .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .ip_addr = "127.0.0.1" });
    tls_test_identity_make(&server_name, &(TlsTestCertSpec) {
        .dn = "CN=qemu.org", .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .dns_name = "qemu.org" });
    tls_test_identity_make(&server_other_ip, &(TlsTestCertSpec) {
        .dn = "CN=10.0.0.1", .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .ip_addr = "10.0.0.1" });
    tls_test_identity_make(&client_cert, &(TlsTestCertSpec) {
        .dn = CLIENT_DN, .issuer = &ca, .purpose = GNUTLS_KP_TLS_WWW_CLIENT });
    tls_test_identity_make(&hostile_cert, &(TlsTestCertSpec) {
        .dn = HOSTILE_DN, .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_CLIENT });
    tls_test_identity_make(&foreign_cert, &(TlsTestCertSpec) {
        .dn = CLIENT_DN, .issuer = &other_ca,
        .purpose = GNUTLS_KP_TLS_WWW_CLIENT });
    tls_test_identity_make(&forged_cert, &(TlsTestCertSpec) {
        .dn = CLIENT_DN, .issuer = &impostor_ca,
        .purpose = GNUTLS_KP_TLS_WWW_CLIENT });

    g_free(tls_test_x509_dir(pki_root, "server-ip", &ca, "server",
                             &server_ip));
    g_free(tls_test_x509_dir(pki_root, "server-name", &ca, "server",
                             &server_name));
    g_free(tls_test_x509_dir(pki_root, "server-other-ip", &ca, "server",
                             &server_other_ip));
    g_free(tls_test_x509_dir(pki_root, "client", &ca, "client",
                             &client_cert));
    g_free(tls_test_x509_dir(pki_root, "client-hostile", &ca, "client",
                             &hostile_cert));
    /* Trusts our CA, but its own certificate comes from another CA. */
    g_free(tls_test_x509_dir(pki_root, "client-foreign", &ca, "client",
                             &foreign_cert));
    g_free(tls_test_x509_dir(pki_root, "client-forged", &ca, "client",
                             &forged_cert));
    g_free(tls_test_x509_dir(pki_root, "client-nocert", &ca, NULL, NULL));
    /* A client that trusts only another CA. */
    g_free(tls_test_x509_dir(pki_root, "client-distrust", &other_ca, "client",
                             &client_cert));
    g_free(tls_test_psk_dir(pki_root, "psk", "qemu:" PSK_KEY "\n"));
    g_free(tls_test_psk_dir(pki_root, "psk-alt", "qemu:" PSK_ALT_KEY "\n"));
}

static void pki_cleanup(void)
{
    TlsTestIdentity *all[] = { &ca, &other_ca, &impostor_ca, &server_ip,
                               &server_name, &server_other_ip, &client_cert,
                               &hostile_cert, &foreign_cert, &forged_cert };

    for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
        tls_test_identity_free(all[i]);
    }
    tls_test_rm_tree(pki_root);
    g_free(pki_root);
}

/*
 * Create a user-creatable object from name/value string pairs; "dir"
 * values are relative to the PKI root.
 */
static void G_GNUC_NULL_TERMINATED create(const char *type, const char *id,
                                          ...)
{
    JsonObject *props = json_object_new();
    GError *err = NULL;
    const char *name;
    va_list ap;

    va_start(ap, id);
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);

        if (!strcmp(name, "dir")) {
            g_autofree char *path = g_build_filename(pki_root, value, NULL);

            json_object_set_string_member(props, name, path);
        } else {
            json_object_set_string_member(props, name, value);
        }
    }
    va_end(ap);
    g_assert_nonnull(user_creatable_add_type(type, id, props, true, &err));
    g_assert_no_error(err);
    json_object_unref(props);
}

static void del(const char *id)
{
    GError *err = NULL;

    g_assert_true(user_creatable_del(id, &err));
    g_assert_no_error(err);
}

/* ---- running both ends ---- */

typedef struct Side {
    MigChannel *raw;
    bool server;
    MigTLSSettings settings;
    bool use_params;            /* go through the tls-* parameters */
    const char *uri_host;       /* client with use_params */
    MigChannel *tls;            /* result ... */
    GError *err;                /* ... or why not */
    struct Pair *pair;
} Side;

typedef struct Pair {
    Side client, server;
    GMutex lock;
    GCond cond;
    int done;
} Pair;

static gpointer side_run(gpointer opaque)
{
    Side *s = opaque;

    if (s->use_params) {
        s->tls = s->server
            ? migration_tls_channel_new_server(s->raw, &s->err)
            : migration_tls_channel_new_client(s->raw, s->uri_host, &s->err);
    } else {
        s->tls = migration_tls_channel_new(s->raw, s->server, &s->settings,
                                           &s->err);
    }
    g_assert_true((s->tls == NULL) == (s->err != NULL));
    if (!s->tls) {
        /* As the migration code does: a failed side drops the connection,
         * so the peer is never left waiting. */
        mig_channel_shutdown(s->raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    }
    g_mutex_lock(&s->pair->lock);
    s->pair->done++;
    g_cond_signal(&s->pair->cond);
    g_mutex_unlock(&s->pair->lock);
    return NULL;
}

static void pair_init(Pair *p)
{
    int sv[2];

    memset(p, 0, sizeof(*p));
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    p->client.raw = mig_channel_new_fd(sv[0], "test-client-raw");
    p->server.raw = mig_channel_new_fd(sv[1], "test-server-raw");
    p->client.pair = p->server.pair = p;
    p->server.server = true;
}

/* Handshake both sides, each in its thread; fail after the deadline. */
static void pair_connect(Pair *p)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_S * G_TIME_SPAN_SECOND;
    GThread *tc = g_thread_new("tls-client", side_run, &p->client);
    GThread *ts = g_thread_new("tls-server", side_run, &p->server);
    bool timed_out = false;

    g_mutex_lock(&p->lock);
    while (p->done < 2 && !timed_out) {
        timed_out = !g_cond_wait_until(&p->cond, &p->lock, deadline);
    }
    g_mutex_unlock(&p->lock);
    if (timed_out) {
        mig_channel_shutdown(p->client.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
        mig_channel_shutdown(p->server.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    }
    g_thread_join(tc);
    g_thread_join(ts);
    g_assert_false(timed_out);
    /* In the log: what each refusal said. */
    if (p->client.err) {
        g_test_message("client: %s", p->client.err->message);
    }
    if (p->server.err) {
        g_test_message("server: %s", p->server.err->message);
    }
}

static void pair_free(Pair *p)
{
    Side *sides[] = { &p->client, &p->server };

    for (int i = 0; i < 2; i++) {
        if (sides[i]->tls) {
            mig_channel_unref(sides[i]->tls);
        }
        mig_channel_unref(sides[i]->raw);
        g_clear_error(&sides[i]->err);
    }
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
}

static void assert_side_ok(Side *s)
{
    if (s->err) {
        g_error("%s failed: %s", s->server ? "server" : "client",
                s->err->message);
    }
    g_assert_nonnull(s->tls);
    g_assert_true(migration_tls_channel_is_tls(s->tls));
}

static void assert_err_prefix(Side *s, const char *prefix)
{
    if (!s->err) {
        g_error("%s succeeded; expected '%s...'",
                s->server ? "server" : "client", prefix);
    }
    if (!g_str_has_prefix(s->err->message, prefix)) {
        g_error("%s: '%s' does not start with '%s'",
                s->server ? "server" : "client", s->err->message, prefix);
    }
}

/* A short message each way proves the session carries data. */
static void assert_talks(Pair *p)
{
    char buf[16] = "";
    GError *err = NULL;

    g_assert_true(mig_channel_write_all(p->client.tls, "ping", 4, &err));
    g_assert_true(mig_channel_read_all(p->server.tls, buf, 4, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 4, "ping", 4);
    g_assert_true(mig_channel_write_all(p->server.tls, "pong", 4, &err));
    g_assert_true(mig_channel_read_all(p->client.tls, buf, 4, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(buf, 4, "pong", 4);
}

/*
 * The client of a refused handshake may have finished its own part (TLS
 * 1.3 lets it): then the server's fatal alert or the cut connection must
 * fail its first read.
 */
static void assert_client_refused(Pair *p)
{
    char c;
    GError *err = NULL;

    if (p->client.tls) {
        g_assert_false(mig_channel_read_all(p->client.tls, &c, 1, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
}

/* One handshake with explicit settings on both sides. */
static void run_pair(Pair *p, const char *client_creds, const char *hostname,
                     const char *server_creds, const char *authz)
{
    pair_init(p);
    p->client.settings = (MigTLSSettings) {
        .creds_id = client_creds, .hostname = hostname };
    p->server.settings = (MigTLSSettings) {
        .creds_id = server_creds, .authz_id = authz };
    pair_connect(p);
}

/* ---- PSK ---- */

static void test_psk_match(void)
{
    Pair p;

    create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
           "username", "qemu", NULL);
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk", NULL);
    /* PSK has no host name check: none given. */
    run_pair(&p, "pskc", NULL, "psks", NULL);
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    g_assert_cmpstr(migration_tls_channel_peer_name(p.server.tls), ==, "qemu");
    g_assert_null(migration_tls_channel_peer_name(p.client.tls));
    assert_talks(&p);
    pair_free(&p);
    del("pskc");
    del("psks");
}

static void test_psk_mismatch(void)
{
    Pair p;

    create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk", NULL);
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk-alt",
           NULL);
    run_pair(&p, "pskc", NULL, "psks", NULL);
    assert_err_prefix(&p.client, "TLS handshake failed: ");
    assert_err_prefix(&p.server, "TLS handshake failed: ");
    pair_free(&p);
    del("pskc");
    del("psks");
}

static void test_psk_authz(void)
{
    GError *err = NULL;
    QAuthZList *list;
    Pair p;

    create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk", NULL);
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk", NULL);
    list = qauthz_list_new("pskauthz", QAUTHZ_LIST_POLICY_DENY, &err);
    g_assert_no_error(err);

    /* The PSK user name is the identity. */
    run_pair(&p, "pskc", NULL, "psks", "pskauthz");
    assert_err_prefix(&p.server,
                      "TLS PSK authz check for qemu is denied: ");
    assert_client_refused(&p);
    pair_free(&p);

    qauthz_list_append_rule(list, "qemu", QAUTHZ_LIST_POLICY_ALLOW,
                            QAUTHZ_LIST_FORMAT_EXACT, &err);
    g_assert_no_error(err);
    run_pair(&p, "pskc", NULL, "psks", "pskauthz");
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    assert_talks(&p);
    pair_free(&p);
    del("pskauthz");
    del("pskc");
    del("psks");
}

/* ---- x509 ---- */

/* Server x509 creds in dir with verify-peer as given. */
static void x509_server(const char *id, const char *dir, const char *verify)
{
    create("tls-creds-x509", id, "endpoint", "server", "dir", dir,
           "verify-peer", verify, "sanity-check", "on", NULL);
}

static void x509_client(const char *id, const char *dir)
{
    create("tls-creds-x509", id, "endpoint", "client", "dir", dir,
           "verify-peer", "on", "sanity-check", "on", NULL);
}

static void test_x509_default_host(void)
{
    Pair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    /* tcp: the host of the URI is checked against the IP subject name. */
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    g_assert_cmpstr(migration_tls_channel_peer_name(p.server.tls), ==,
                    CLIENT_DN);
    g_assert_cmpstr(migration_tls_channel_peer_name(p.client.tls), ==,
                    "CN=127.0.0.1");
    assert_talks(&p);
    pair_free(&p);

    /* unix/fd/exec: there is no host name to check. */
    run_pair(&p, "xc", NULL, "xs", NULL);
    assert_err_prefix(&p.client, "No hostname for certificate validation");
    pair_free(&p);
    del("xs");
    del("xc");
}

/* tls-hostname overrides the URI host (through the real parameters). */
static void test_x509_override_host(void)
{
    GError *err = NULL;
    const QmpCommand *cmd = qmp_find_command("migrate-set-parameters");
    g_autoptr(JsonNode) args = json_from_string(
        "{\"tls-creds\": \"xc\", \"tls-hostname\": \"qemu.org\"}", NULL);
    JsonNode *ret = NULL;
    Pair p;

    x509_server("xs", "server-name", "on");
    x509_client("xc", "client");
    g_assert_nonnull(cmd);
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    g_assert_no_error(err);
    if (ret) {
        json_node_unref(ret);
    }

    pair_init(&p);
    p.client.use_params = true;
    p.client.uri_host = "127.0.0.1";
    p.server.settings = (MigTLSSettings) { .creds_id = "xs" };
    pair_connect(&p);
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    assert_talks(&p);
    pair_free(&p);

    /* Without the override, the URI host does not match qemu.org. */
    migration_options_reset();
    args = (json_node_unref(args),
            json_from_string("{\"tls-creds\": \"xc\"}", NULL));
    ret = NULL;
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    if (ret) {
        json_node_unref(ret);
    }
    pair_init(&p);
    p.client.use_params = true;
    p.client.uri_host = "127.0.0.1";
    p.server.settings = (MigTLSSettings) { .creds_id = "xs" };
    pair_connect(&p);
    assert_err_prefix(&p.client,
                      "Certificate does not match the hostname 127.0.0.1");
    pair_free(&p);
    migration_options_reset();
    del("xs");
    del("xc");
}

static void test_x509_mismatch_host(void)
{
    Pair p;

    x509_server("xs", "server-other-ip", "on");
    x509_client("xc", "client");
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    assert_err_prefix(&p.client,
                      "Certificate does not match the hostname 127.0.0.1");
    g_assert_null(p.client.tls);
    pair_free(&p);
    del("xs");
    del("xc");
}

static void test_x509_friendly_client(void)
{
    Pair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    create("authz-simple", "tlsauthz0", "identity", CLIENT_DN, NULL);
    run_pair(&p, "xc", "127.0.0.1", "xs", "tlsauthz0");
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    assert_talks(&p);
    pair_free(&p);
    del("tlsauthz0");
    del("xs");
    del("xc");
}

static void test_x509_hostile_client(void)
{
    Pair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client-hostile");
    create("authz-simple", "tlsauthz0", "identity", CLIENT_DN, NULL);
    /* Trusted CA, but not the authorized identity. */
    run_pair(&p, "xc", "127.0.0.1", "xs", "tlsauthz0");
    assert_err_prefix(&p.server, "TLS x509 authz check for " HOSTILE_DN
                      " is denied: Identity '" HOSTILE_DN
                      "' is not authorized");
    assert_client_refused(&p);
    pair_free(&p);
    del("tlsauthz0");
    del("xc");

    /* The authorized name, but from a CA the server does not know: the
     * client has no certificate the server would accept and sends none. */
    x509_client("xc", "client-foreign");
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    assert_err_prefix(&p.server, "TLS handshake failed: ");
    assert_client_refused(&p);
    pair_free(&p);
    del("xc");

    /* A forged certificate: issuer named like our CA, signed by another
     * key. It is sent, and the chain check refuses it. */
    x509_client("xc", "client-forged");
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    assert_err_prefix(&p.server, "The certificate hasn't got a known issuer");
    assert_client_refused(&p);
    pair_free(&p);
    del("xs");
    del("xc");
}

/* The client refuses a server certificate from a CA it does not trust. */
static void test_x509_untrusted_server(void)
{
    Pair p;

    x509_server("xs", "server-ip", "off");
    x509_client("xc", "client-distrust");
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    assert_err_prefix(&p.client, "The certificate hasn't got a known issuer");
    g_assert_null(p.client.tls);
    pair_free(&p);
    del("xs");
    del("xc");
}

static void test_x509_anon_client(void)
{
    Pair p;

    x509_client("xc", "client-nocert");

    /* A server that verifies its peers needs a client certificate. */
    x509_server("xs", "server-ip", "on");
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    g_assert_nonnull(p.server.err);
    assert_client_refused(&p);
    pair_free(&p);
    del("xs");

    /* verify-peer off lets it in, unidentified ... */
    x509_server("xs", "server-ip", "off");
    run_pair(&p, "xc", "127.0.0.1", "xs", NULL);
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    g_assert_null(migration_tls_channel_peer_name(p.server.tls));
    assert_talks(&p);
    pair_free(&p);

    /* ... which no authorization can allow. */
    create("authz-list", "allowall", "policy", "allow", NULL);
    run_pair(&p, "xc", "127.0.0.1", "xs", "allowall");
    assert_err_prefix(&p.server, "TLS x509 authz check is denied: the peer "
                      "has no identity");
    assert_client_refused(&p);
    pair_free(&p);
    del("allowall");
    del("xs");

    /* An anonymous-credentials client finds no common ground with an
     * x509 server. */
    create("tls-creds-anon", "ac", "endpoint", "client", NULL);
    x509_server("xs", "server-ip", "on");
    run_pair(&p, "ac", "127.0.0.1", "xs", NULL);
    assert_err_prefix(&p.client, "TLS handshake failed: ");
    assert_err_prefix(&p.server, "TLS handshake failed: ");
    pair_free(&p);
    del("xs");
    del("ac");
    del("xc");
}

static void test_authz_list(void)
{
    GError *err = NULL;
    Pair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    x509_client("xh", "client-hostile");
    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'tlsauthz1', 'policy': 'deny',"
        " 'rules': [ {'match': '" HOSTILE_DN "', 'policy': 'deny'},"
        "            {'match': 'CN=ACME *', 'policy': 'allow',"
        "             'format': 'glob'} ]}", &err));
    g_assert_no_error(err);

    run_pair(&p, "xc", "127.0.0.1", "xs", "tlsauthz1");
    assert_side_ok(&p.server);
    assert_side_ok(&p.client);
    assert_talks(&p);
    pair_free(&p);

    run_pair(&p, "xh", "127.0.0.1", "xs", "tlsauthz1");
    assert_err_prefix(&p.server, "TLS x509 authz check for " HOSTILE_DN
                      " is denied");
    assert_client_refused(&p);
    pair_free(&p);

    /* A missing authz object refuses too, naming it. */
    run_pair(&p, "xc", "127.0.0.1", "xs", "nosuchauthz");
    assert_err_prefix(&p.server, "TLS x509 authz check for " CLIENT_DN
                      " is denied: No authorization object with id "
                      "'nosuchauthz'");
    pair_free(&p);
    del("tlsauthz1");
    del("xs");
    del("xc");
    del("xh");
}

static void test_authz_listfile(void)
{
    g_autofree char *path = g_build_filename(pki_root, "authz.json", NULL);
    Pair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    g_assert_true(g_file_set_contents(path,
        "{ \"policy\": \"deny\", \"rules\": [ { \"match\": \"" CLIENT_DN
        "\", \"policy\": \"allow\" } ] }", -1, NULL));
    create("authz-listfile", "tlsauthz2", "filename", path, NULL);

    run_pair(&p, "xc", "127.0.0.1", "xs", "tlsauthz2");
    assert_side_ok(&p.server);
    assert_side_ok(&p.client);
    pair_free(&p);

    /* The file changes: the next connection is refused. */
    g_assert_true(g_file_set_contents(path,
        "{ \"policy\": \"allow\", \"rules\": [ { \"match\": \"" CLIENT_DN
        "\", \"policy\": \"deny\" } ] }", -1, NULL));
    run_pair(&p, "xc", "127.0.0.1", "xs", "tlsauthz2");
    assert_err_prefix(&p.server, "TLS x509 authz check for " CLIENT_DN
                      " is denied");
    assert_client_refused(&p);
    pair_free(&p);
    del("tlsauthz2");
    del("xs");
    del("xc");
    unlink(path);
}

/* The destination side through its parameters: tls-creds + tls-authz. */
static void test_server_params(void)
{
    GError *err = NULL;
    const QmpCommand *cmd = qmp_find_command("migrate-set-parameters");
    g_autoptr(JsonNode) args = json_from_string(
        "{\"tls-creds\": \"xs\", \"tls-authz\": \"tlsauthz0\"}", NULL);
    JsonNode *ret = NULL;
    Pair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client-hostile");
    create("authz-simple", "tlsauthz0", "identity", CLIENT_DN, NULL);
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    g_assert_no_error(err);
    if (ret) {
        json_node_unref(ret);
    }
    pair_init(&p);
    p.server.use_params = true;
    p.client.settings = (MigTLSSettings) {
        .creds_id = "xc", .hostname = "127.0.0.1" };
    pair_connect(&p);
    assert_err_prefix(&p.server, "TLS x509 authz check for " HOSTILE_DN
                      " is denied");
    pair_free(&p);
    migration_options_reset();
    del("tlsauthz0");
    del("xs");
    del("xc");
}

static void test_creds_errors(void)
{
    Pair p;

    create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk", NULL);
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk", NULL);
    create("authz-simple", "notcreds", "identity", "x", NULL);

    run_pair(&p, "nope", NULL, "psks", NULL);
    assert_err_prefix(&p.client, "No TLS credentials with id 'nope'");
    /* The server saw the connection drop during its handshake. */
    assert_err_prefix(&p.server, "TLS handshake failed: ");
    pair_free(&p);

    run_pair(&p, "pskc", NULL, "pskc", NULL);
    assert_err_prefix(&p.server,
                      "Expected TLS credentials for a server endpoint");
    pair_free(&p);

    run_pair(&p, "psks", NULL, "psks", NULL);
    assert_err_prefix(&p.client,
                      "Expected TLS credentials for a client endpoint");
    pair_free(&p);

    run_pair(&p, "pskc", NULL, "notcreds", NULL);
    assert_err_prefix(&p.server,
                      "Object with id 'notcreds' is not TLS credentials");
    pair_free(&p);
    del("notcreds");
    del("pskc");
    del("psks");
}

/* ---- the channel: data, termination, shutdown ---- */

/* Byte `off` of stream `seed`: computable anywhere, no period of 2^n. */
static uint8_t pattern_byte(uint64_t off, uint32_t seed)
{
    uint64_t x = (off + 1) * 0x9E3779B97F4A7C15ull ^ seed;

    return (uint8_t)(x >> 29);
}

typedef struct Stream {
    MigChannel *ch;
    uint32_t seed;
    size_t len;
    bool bye;                   /* writer: close_notify at the end */
    bool ok;
    char *error;                /* first failure */
    GThread *thread;
} Stream;

/* Write len pattern bytes in ragged iovecs (1 B to ~300 KiB pieces). */
static gpointer stream_write(gpointer opaque)
{
    static const size_t pieces[] = { 1, 7, 4096, 65539, 300001, 16384, 3 };
    Stream *s = opaque;
    g_autofree uint8_t *buf = g_malloc(400000);
    GError *err = NULL;
    size_t off = 0;
    unsigned k = 0;

    while (off < s->len) {
        struct iovec iov[3];
        size_t used = 0;
        int n = 0;

        for (; n < 3 && off + used < s->len; n++, k++) {
            size_t len = MIN(pieces[k % G_N_ELEMENTS(pieces)],
                             s->len - off - used);

            /* Pieces sit at separate places of buf. */
            iov[n].iov_base = buf + n * 133333;
            iov[n].iov_len = MIN(len, 133333);
            for (size_t i = 0; i < iov[n].iov_len; i++) {
                ((uint8_t *)iov[n].iov_base)[i] =
                    pattern_byte(off + used + i, s->seed);
            }
            used += iov[n].iov_len;
        }
        if (!mig_channel_writev_all(s->ch, iov, n, &err)) {
            s->error = g_strdup(err->message);
            g_error_free(err);
            return NULL;
        }
        off += used;
    }
    if (s->bye && !migration_tls_channel_bye(s->ch, &err)) {
        s->error = g_strdup(err->message);
        g_error_free(err);
        return NULL;
    }
    s->ok = true;
    return NULL;
}

/* Read and check len pattern bytes, in ragged two-element iovecs. */
static gpointer stream_read(gpointer opaque)
{
    Stream *s = opaque;
    g_autofree uint8_t *buf = g_malloc(2 * 70000);
    size_t off = 0;
    unsigned k = 0;

    while (off < s->len) {
        size_t a = 1 + (k * 7919) % 70000, b = 1 + (k * 104729) % 70000;
        struct iovec iov[2] = {
            { .iov_base = buf, .iov_len = a },
            { .iov_base = buf + 70000, .iov_len = b },
        };
        GError *err = NULL;
        ssize_t n;

        k++;
        n = mig_channel_readv(s->ch, iov, 2, &err);
        if (n <= 0) {
            s->error = n < 0 ? g_strdup(err->message)
                             : g_strdup_printf("EOF after %zu bytes", off);
            g_clear_error(&err);
            return NULL;
        }
        g_assert_cmpuint(off + n, <=, s->len);
        for (ssize_t i = 0; i < n; i++) {
            uint8_t got = i < (ssize_t)a ? buf[i] : buf[70000 + i - a];

            if (got != pattern_byte(off + i, s->seed)) {
                s->error = g_strdup_printf("byte %zu differs", off + i);
                return NULL;
            }
        }
        off += n;
    }
    s->ok = true;
    return NULL;
}

static void stream_start(Stream *s, bool writer)
{
    s->thread = g_thread_new(writer ? "writer" : "reader",
                             writer ? stream_write : stream_read, s);
}

/*
 * Join stream threads, shutting every channel down if they are not done
 * by the deadline (so a hang fails instead of blocking the suite).
 */
typedef struct Watch {
    MigChannel *chans[4];
    GMutex lock;
    GCond cond;
    bool finished;
} Watch;

static gpointer watchdog(gpointer opaque)
{
    Watch *w = opaque;
    gint64 deadline = g_get_monotonic_time() + DEADLINE_S * G_TIME_SPAN_SECOND;
    bool fired = false;

    g_mutex_lock(&w->lock);
    while (!w->finished && !fired) {
        fired = !g_cond_wait_until(&w->cond, &w->lock, deadline);
    }
    g_mutex_unlock(&w->lock);
    if (fired) {
        for (int i = 0; i < 4 && w->chans[i]; i++) {
            mig_channel_shutdown(w->chans[i], MIG_CHANNEL_SHUTDOWN_BOTH);
        }
    }
    return GINT_TO_POINTER(fired);
}

static GThread *watch_start(Watch *w, MigChannel *a, MigChannel *b)
{
    memset(w, 0, sizeof(*w));
    w->chans[0] = a;
    w->chans[1] = b;
    g_mutex_init(&w->lock);
    g_cond_init(&w->cond);
    return g_thread_new("watchdog", watchdog, w);
}

static void watch_end(Watch *w, GThread *t)
{
    g_mutex_lock(&w->lock);
    w->finished = true;
    g_cond_signal(&w->cond);
    g_mutex_unlock(&w->lock);
    g_assert_null(g_thread_join(t));
    g_mutex_clear(&w->lock);
    g_cond_clear(&w->cond);
}

static void stream_assert_ok(Stream *s, const char *what)
{
    if (!s->ok) {
        g_error("%s: %s", what, s->error ? s->error : "did not finish");
    }
    g_free(s->error);
}

static void psk_pair(Pair *p)
{
    create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk", NULL);
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk", NULL);
    run_pair(p, "pskc", NULL, "psks", NULL);
    assert_side_ok(&p->client);
    assert_side_ok(&p->server);
}

static void psk_pair_free(Pair *p)
{
    pair_free(p);
    del("pskc");
    del("psks");
}

/* Several MiB each way at the same time: one session, one thread reading
 * while another writes on each side (like the main channel and its
 * return path). */
static void test_round_trip(void)
{
    const size_t len = 6 * 1024 * 1024 + 12345;
    Stream c2s_w, c2s_r, s2c_w, s2c_r;
    Watch w;
    GThread *wt;
    Pair p;

    psk_pair(&p);
    c2s_w = (Stream) { .ch = p.client.tls, .seed = 1, .len = len };
    c2s_r = (Stream) { .ch = p.server.tls, .seed = 1, .len = len };
    s2c_w = (Stream) { .ch = p.server.tls, .seed = 2, .len = len };
    s2c_r = (Stream) { .ch = p.client.tls, .seed = 2, .len = len };
    wt = watch_start(&w, p.client.tls, p.server.tls);
    stream_start(&c2s_r, false);
    stream_start(&s2c_r, false);
    stream_start(&c2s_w, true);
    stream_start(&s2c_w, true);
    g_thread_join(c2s_w.thread);
    g_thread_join(s2c_w.thread);
    g_thread_join(c2s_r.thread);
    g_thread_join(s2c_r.thread);
    watch_end(&w, wt);
    stream_assert_ok(&c2s_w, "client writer");
    stream_assert_ok(&s2c_w, "server writer");
    stream_assert_ok(&c2s_r, "server reader");
    stream_assert_ok(&s2c_r, "client reader");
    psk_pair_free(&p);
}

/* Read one byte more than was sent: what happens at the end? */
static void read_past_end(MigChannel *ch, ssize_t *n, GError **errp)
{
    char c;
    struct iovec iov = { .iov_base = &c, .iov_len = 1 };

    *n = mig_channel_readv(ch, &iov, 1, errp);
}

/* Send len bytes, then end the client side as `how` says. */
static void send_and_end(Pair *p, size_t len, bool bye)
{
    Stream wr = { .ch = p->client.tls, .seed = 3, .len = len, .bye = bye };
    Stream rd = { .ch = p->server.tls, .seed = 3, .len = len };
    Watch w;
    GThread *wt = watch_start(&w, p->client.tls, p->server.tls);

    stream_start(&rd, false);
    stream_start(&wr, true);
    g_thread_join(wr.thread);
    if (!bye) {
        /* Cut the connection under the TLS session. */
        mig_channel_shutdown(p->client.raw, MIG_CHANNEL_SHUTDOWN_WRITE);
    }
    g_thread_join(rd.thread);
    watch_end(&w, wt);
    stream_assert_ok(&wr, "writer");
    stream_assert_ok(&rd, "reader");
}

static void test_close_notify(void)
{
    GError *err = NULL;
    ssize_t n;
    Pair p;

    psk_pair(&p);
    send_and_end(&p, 1024 * 1024, true);
    /* All data arrived; then a clean end of stream. */
    read_past_end(p.server.tls, &n, &err);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 0);
    /* After close_notify the client cannot write, but still reads. */
    g_assert_false(mig_channel_write_all(p.client.tls, "x", 1, &err));
    g_assert_nonnull(strstr(err->message, "close_notify sent"));
    g_clear_error(&err);
    g_assert_true(mig_channel_write_all(p.server.tls, "late", 4, &err));
    {
        char buf[4];

        g_assert_true(mig_channel_read_all(p.client.tls, buf, 4, &err));
        g_assert_no_error(err);
        g_assert_cmpmem(buf, 4, "late", 4);
    }
    psk_pair_free(&p);
}

static void test_truncated(void)
{
    GError *err = NULL;
    ssize_t n;
    Pair p;

    /* No close_notify: the end is an error, never a silent EOF. */
    psk_pair(&p);
    send_and_end(&p, 1024 * 1024, false);
    read_past_end(p.server.tls, &n, &err);
    g_assert_cmpint(n, ==, -1);
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, "Cannot read from TLS channel: "
                    "The TLS connection was non-properly terminated.");
    g_clear_error(&err);
    psk_pair_free(&p);

    /* Relaxed (multifd-clean-tls-termination off): a plain EOF. */
    psk_pair(&p);
    migration_tls_channel_set_relaxed_eof(p.server.tls, true);
    send_and_end(&p, 100000, false);
    read_past_end(p.server.tls, &n, &err);
    g_assert_no_error(err);
    g_assert_cmpint(n, ==, 0);
    psk_pair_free(&p);
}

typedef struct BlockedRead {
    MigChannel *ch;
    ssize_t n;
    GError *err;
} BlockedRead;

static gpointer blocked_read(gpointer opaque)
{
    BlockedRead *b = opaque;

    read_past_end(b->ch, &b->n, &b->err);
    return NULL;
}

static void test_shutdown_wakes_reader(void)
{
    BlockedRead b = { 0 };
    GThread *t;
    Watch w;
    GThread *wt;
    Pair p;

    psk_pair(&p);
    wt = watch_start(&w, p.client.tls, p.server.tls);
    /* Nothing is ever sent: the read blocks until the shutdown, which
     * may also come first; either way the read must fail with it. */
    b.ch = p.server.tls;
    t = g_thread_new("reader", blocked_read, &b);
    mig_channel_shutdown(p.server.tls, MIG_CHANNEL_SHUTDOWN_BOTH);
    g_thread_join(t);
    watch_end(&w, wt);
    g_assert_cmpint(b.n, ==, -1);
    g_assert_nonnull(b.err);
    g_assert_cmpstr(b.err->message, ==,
                    "migration-tls-incoming: channel was shut down while "
                    "reading");
    g_clear_error(&b.err);
    /* Writes fail as well. */
    g_assert_false(mig_channel_write_all(p.server.tls, "x", 1, &b.err));
    g_assert_nonnull(strstr(b.err->message, "shut down while writing"));
    g_clear_error(&b.err);
    psk_pair_free(&p);
}

static void test_shutdown_cancels_handshake(void)
{
    Side server;
    Pair p;
    GThread *t;

    /* A server whose client never speaks, cancelled from outside. */
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk", NULL);
    pair_init(&p);
    server = p.server;
    server.settings = (MigTLSSettings) { .creds_id = "psks" };
    t = g_thread_new("tls-server", side_run, &server);
    mig_channel_shutdown(server.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    g_thread_join(t);
    g_assert_null(server.tls);
    assert_err_prefix(&server, "TLS handshake failed: test-server-raw: "
                      "channel was shut down while reading");
    g_clear_error(&server.err);
    pair_free(&p);
    del("psks");
}

/* ---- benchmark (-m perf) ---- */

static gpointer drain_raw(gpointer opaque)
{
    MigChannel *raw = opaque;
    g_autofree uint8_t *buf = g_malloc(1 << 20);
    struct iovec iov = { .iov_base = buf, .iov_len = 1 << 20 };

    while (mig_channel_readv(raw, &iov, 1, NULL) > 0) {
        /* discard */
    }
    return NULL;
}

/*
 * TLS record encryption on one core: the client encrypts and writes; the
 * server side only drains the ciphertext from the socket (no
 * decryption), so the writer's rate is GnuTLS's AES-GCM record rate plus
 * one socket copy.
 */
static void test_perf_encrypt(void)
{
    const size_t total = 512u << 20, chunk = 1 << 20;
    g_autofree uint8_t *buf = g_malloc(chunk);
    GError *err = NULL;
    GThread *drain;
    gint64 t0, t1;
    double mib_s;
    Pair p;

    memset(buf, 0x5a, chunk);
    create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
           "priority", "NORMAL:-CIPHER-ALL:+AES-128-GCM", NULL);
    create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
           "priority", "NORMAL:-CIPHER-ALL:+AES-128-GCM", NULL);
    run_pair(&p, "pskc", NULL, "psks", NULL);
    assert_side_ok(&p.client);
    assert_side_ok(&p.server);
    drain = g_thread_new("drain", drain_raw, p.server.raw);
    t0 = g_get_monotonic_time();
    for (size_t done = 0; done < total; done += chunk) {
        g_assert_true(mig_channel_write_all(p.client.tls, buf, chunk, &err));
    }
    t1 = g_get_monotonic_time();
    mig_channel_shutdown(p.client.raw, MIG_CHANNEL_SHUTDOWN_BOTH);
    g_thread_join(drain);
    g_assert_no_error(err);
    mib_s = (double)(total >> 20) / ((t1 - t0) / 1e6);
    g_test_minimized_result(mib_s, "tls-aes128gcm-encrypt %.1f MiB/s", mib_s);
    g_test_message("tls-aes128gcm-encrypt: %.1f MiB/s (%zu MiB in %.3f s)",
                   mib_s, total >> 20, (t1 - t0) / 1e6);
    pair_free(&p);
    del("pskc");
    del("psks");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    pki_setup();

    g_test_add_func("/migration/tls/psk/match", test_psk_match);
    g_test_add_func("/migration/tls/psk/mismatch", test_psk_mismatch);
    g_test_add_func("/migration/tls/psk/authz", test_psk_authz);
    g_test_add_func("/migration/tls/x509/default-host",
                    test_x509_default_host);
    g_test_add_func("/migration/tls/x509/override-host",
                    test_x509_override_host);
    g_test_add_func("/migration/tls/x509/mismatch-host",
                    test_x509_mismatch_host);
    g_test_add_func("/migration/tls/x509/friendly-client",
                    test_x509_friendly_client);
    g_test_add_func("/migration/tls/x509/hostile-client",
                    test_x509_hostile_client);
    g_test_add_func("/migration/tls/x509/untrusted-server",
                    test_x509_untrusted_server);
    g_test_add_func("/migration/tls/x509/anon-client", test_x509_anon_client);
    g_test_add_func("/migration/tls/x509/authz-list", test_authz_list);
    g_test_add_func("/migration/tls/x509/authz-listfile",
                    test_authz_listfile);
    g_test_add_func("/migration/tls/server-params", test_server_params);
    g_test_add_func("/migration/tls/creds-errors", test_creds_errors);
    g_test_add_func("/migration/tls/channel/round-trip", test_round_trip);
    g_test_add_func("/migration/tls/channel/close-notify", test_close_notify);
    g_test_add_func("/migration/tls/channel/truncated", test_truncated);
    g_test_add_func("/migration/tls/channel/shutdown-wakes-reader",
                    test_shutdown_wakes_reader);
    g_test_add_func("/migration/tls/channel/shutdown-cancels-handshake",
                    test_shutdown_cancels_handshake);
    if (g_test_perf()) {
        g_test_add_func("/migration/tls/perf/encrypt-aes-gcm",
                        test_perf_encrypt);
    }
    ret = g_test_run();
    pki_cleanup();
    return ret;
}

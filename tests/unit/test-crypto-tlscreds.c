/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for crypto/tlscreds.c: loading "tls-creds-psk", "-x509" and
 * "-anon" objects from a directory (and their error messages), then real
 * TLS handshakes over a socketpair between client and server credentials,
 * one thread per side. The x509 PKI (CA, server, client, a second CA, a
 * CRL, an encrypted key) is generated at start-up by tls-pki-helper.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "crypto/tlscreds.h"
#include "authz/simple.h"
#include <sys/socket.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include "tls-pki-helper.h"

/*
 * Distinguished names as gnutls_x509_crt_get_dn2() reports them (RFC 4514,
 * most specific first), and as given to gnutls_x509_crt_set_dn(), which
 * takes the components in encoding order.
 */
#define CLIENT_DN "CN=ACME QEMU Client,O=qemu-cr16 test"
#define CLIENT_DN_SET "O=qemu-cr16 test,CN=ACME QEMU Client"
#define SERVER_DN "CN=localhost,O=qemu-cr16 test"
#define SERVER_DN_SET "O=qemu-cr16 test,CN=localhost"
#define KEY_PASSWORD "s3cret-key-pw"
#define PSK_QEMU "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define PSK_ALICE "00112233445566778899aabbccddeeff"
#define PSK_OTHER "0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de"

/* ---- the generated PKI (tls-pki-helper.c) ---- */

static char *pki_root;
static TlsTestIdentity ca, other_ca, server, client;

static void pki_setup(void)
{
    g_autofree char *d = NULL;
    g_autofree char *loop = NULL;

    pki_root = tls_test_tmpdir("test-tlscreds");
    tls_test_identity_make(&ca, &(TlsTestCertSpec) {
        .dn = "O=qemu-cr16 test,CN=qemu-cr16 test CA", .is_ca = true });
    tls_test_identity_make(&other_ca, &(TlsTestCertSpec) {
        .dn = "O=elsewhere,CN=another CA", .is_ca = true });
    tls_test_identity_make(&server, &(TlsTestCertSpec) {
        .dn = SERVER_DN_SET, .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .dns_name = "localhost" });
    tls_test_identity_make(&client, &(TlsTestCertSpec) {
        .dn = CLIENT_DN_SET, .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_CLIENT });

#define DIR(name) (g_free(d), d = tls_test_subdir(pki_root, name))
    g_free(tls_test_x509_dir(pki_root, "x509-server", &ca, "server", &server));
    g_free(tls_test_x509_dir(pki_root, "x509-client", &ca, "client", &client));
    g_free(tls_test_x509_dir(pki_root, "x509-client-nocert", &ca, NULL, NULL));

    /* Trusts a CA that did not sign the server. */
    g_free(tls_test_x509_dir(pki_root, "x509-client-otherca", &other_ca,
                             "client", &client));

    d = tls_test_x509_dir(pki_root, "x509-server-crl", &ca, "server", &server);
    tls_test_write_crl(d, "ca-crl.pem", &ca, &client);

    DIR("x509-server-enc");
    tls_test_write_cert(d, "ca-cert.pem", &ca);
    tls_test_write_cert(d, "server-cert.pem", &server);
    tls_test_write_key(d, "server-key.pem", &server, KEY_PASSWORD);

    DIR("x509-server-nokey");
    tls_test_write_cert(d, "ca-cert.pem", &ca);
    tls_test_write_cert(d, "server-cert.pem", &server);

    g_free(tls_test_x509_dir(pki_root, "x509-server-nocert", &ca, NULL, NULL));

    DIR("x509-emptyca");
    tls_test_write_text(d, "ca-cert.pem", "");
    tls_test_write_cert(d, "server-cert.pem", &server);
    tls_test_write_key(d, "server-key.pem", &server, NULL);

    DIR("x509-badca");
    tls_test_write_text(d, "ca-cert.pem",
                        "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                        "-----END CERTIFICATE-----\n");
    tls_test_write_cert(d, "server-cert.pem", &server);
    tls_test_write_key(d, "server-key.pem", &server, NULL);

    /* client-cert.pem exists but cannot be read (a symlink loop). */
    DIR("x509-client-loop");
    tls_test_write_cert(d, "ca-cert.pem", &ca);
    loop = g_build_filename(d, "client-cert.pem", NULL);
    g_assert_cmpint(symlink("client-cert.pem", loop), ==, 0);

    DIR("empty");
#undef DIR

    g_free(tls_test_psk_dir(pki_root, "psk",
                            "qemu:" PSK_QEMU "\nalice:" PSK_ALICE "\n"));
    g_free(tls_test_psk_dir(pki_root, "psk-other", "qemu:" PSK_OTHER "\n"));
    g_free(tls_test_psk_dir(pki_root, "psk-crlf", "qemu:" PSK_QEMU "\r\n"));
    g_free(tls_test_psk_dir(pki_root, "psk-badhex", "qemu:not-a-hex-key\n"));
}

static void pki_cleanup(void)
{
    tls_test_identity_free(&ca);
    tls_test_identity_free(&other_ca);
    tls_test_identity_free(&server);
    tls_test_identity_free(&client);
    tls_test_rm_tree(pki_root);
    g_free(pki_root);
}

/* ---- creating credentials objects ---- */

static Object * G_GNUC_NULL_TERMINATED
create(const char *type, const char *id, GError **errp, ...)
{
    JsonObject *props = json_object_new();
    const char *name;
    Object *obj;
    va_list ap;

    va_start(ap, errp);
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
    obj = user_creatable_add_type(type, id, props, true, errp);
    json_object_unref(props);
    return obj;
}

static QCryptoTLSCreds *find(const char *id)
{
    GError *err = NULL;
    QCryptoTLSCreds *creds = qcrypto_tls_creds_find(id, &err);

    g_assert_no_error(err);
    g_assert_nonnull(creds);
    return creds;
}

/*
 * The creation error must be "<prefix><pki_root>/<rel><suffix...>": the
 * message names the full path of the offending file.
 */
static void assert_path_error(GError *err, const char *prefix, const char *rel,
                              const char *suffix)
{
    g_autofree char *path = g_build_filename(pki_root, rel, NULL);
    g_autofree char *want = g_strdup_printf("%s%s%s", prefix, path, suffix);

    g_assert_nonnull(err);
    if (!g_str_has_prefix(err->message, want)) {
        g_error("'%s' does not start with '%s'", err->message, want);
    }
}

static void delete(const char *id)
{
    GError *err = NULL;

    g_assert_true(user_creatable_del(id, &err));
    g_assert_no_error(err);
}

/* ---- a TLS connection between two credentials objects ---- */

typedef struct Endpoint {
    QCryptoTLSCreds *creds;
    gnutls_session_t sess;
    int fd;
    bool server;
    int rc;                 /* gnutls_handshake() result */
    char received[64];      /* the peer's greeting */
} Endpoint;

static void endpoint_init(Endpoint *e, const char *creds_id, int fd,
                          bool request_cert)
{
    GError *err = NULL;
    const char *errpos = NULL;

    memset(e, 0, sizeof(*e));
    e->creds = find(creds_id);
    e->server = qcrypto_tls_creds_is_server(e->creds);
    e->fd = fd;
    g_assert_cmpint(gnutls_init(&e->sess, e->server ? GNUTLS_SERVER
                                                    : GNUTLS_CLIENT), ==, 0);
    g_assert_true(qcrypto_tls_creds_apply(e->creds, e->sess, &err));
    g_assert_no_error(err);
    g_assert_cmpint(gnutls_priority_set_direct(
                        e->sess, qcrypto_tls_creds_priority(e->creds),
                        &errpos), ==, 0);
    gnutls_transport_set_int(e->sess, fd);
    gnutls_handshake_set_timeout(e->sess, 20 * 1000);
    if (e->server && request_cert) {
        gnutls_certificate_server_set_request(e->sess, GNUTLS_CERT_REQUIRE);
    }
    if (!e->server &&
        qcrypto_tls_creds_kind(e->creds) == QCRYPTO_TLS_CREDS_X509) {
        g_assert_cmpint(gnutls_server_name_set(e->sess, GNUTLS_NAME_DNS,
                                               "localhost", 9), ==, 0);
    }
}

static gpointer endpoint_run(gpointer opaque)
{
    Endpoint *e = opaque;
    const char *hello = e->server ? "hello from server" : "hello from client";
    size_t want = strlen("hello from client");
    size_t got = 0;
    ssize_t n;

    do {
        e->rc = gnutls_handshake(e->sess);
    } while (e->rc < 0 && !gnutls_error_is_fatal(e->rc));
    if (e->rc < 0) {
        /* Let the peer see EOF instead of waiting for its timeout. */
        shutdown(e->fd, SHUT_RDWR);
        return NULL;
    }
    do {
        n = gnutls_record_send(e->sess, hello, strlen(hello));
    } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    g_assert_cmpint(n, ==, strlen(hello));
    while (got < want) {
        n = gnutls_record_recv(e->sess, e->received + got,
                               sizeof(e->received) - 1 - got);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += n;
    }
    return NULL;
}

typedef struct Connection {
    Endpoint client, server;
} Connection;

/* Handshake client_id against server_id; both sides' results in *c. */
static void connect_pair(Connection *c, const char *client_id,
                         const char *server_id, bool request_cert)
{
    int sv[2];
    GThread *ts, *tc;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    endpoint_init(&c->client, client_id, sv[0], false);
    endpoint_init(&c->server, server_id, sv[1], request_cert);
    g_assert_false(c->client.server);
    g_assert_true(c->server.server);
    ts = g_thread_new("tls-server", endpoint_run, &c->server);
    tc = g_thread_new("tls-client", endpoint_run, &c->client);
    g_thread_join(ts);
    g_thread_join(tc);
}

static void assert_connected(Connection *c)
{
    if (c->client.rc < 0 || c->server.rc < 0) {
        g_error("handshake failed: client %s, server %s",
                gnutls_strerror(c->client.rc), gnutls_strerror(c->server.rc));
    }
    g_assert_cmpstr(c->client.received, ==, "hello from server");
    g_assert_cmpstr(c->server.received, ==, "hello from client");
}

static void disconnect(Connection *c)
{
    gnutls_deinit(c->client.sess);
    gnutls_deinit(c->server.sess);
    close(c->client.fd);
    close(c->server.fd);
}

/* The distinguished name of the peer's certificate (caller frees). */
static char *peer_dn(gnutls_session_t sess)
{
    unsigned n = 0;
    const gnutls_datum_t *certs = gnutls_certificate_get_peers(sess, &n);
    gnutls_x509_crt_t crt;
    gnutls_datum_t dn;
    char *ret;

    g_assert_nonnull(certs);
    g_assert_cmpuint(n, >=, 1);
    g_assert_cmpint(gnutls_x509_crt_init(&crt), ==, 0);
    g_assert_cmpint(gnutls_x509_crt_import(crt, &certs[0],
                                           GNUTLS_X509_FMT_DER), ==, 0);
    g_assert_cmpint(gnutls_x509_crt_get_dn2(crt, &dn), ==, 0);
    ret = g_strndup((const char *)dn.data, dn.size);
    gnutls_free(dn.data);
    gnutls_x509_crt_deinit(crt);
    return ret;
}

/* ---- lookup ---- */

static void test_find(void)
{
    GError *err = NULL;
    JsonObject *props;

    g_assert_null(qcrypto_tls_creds_find("nope", &err));
    g_assert_cmpstr(err->message, ==, "No TLS credentials with id 'nope'");
    g_clear_error(&err);

    props = json_object_new();
    json_object_set_string_member(props, "identity", "x");
    g_assert_nonnull(user_creatable_add_type(TYPE_QAUTHZ_SIMPLE, "az", props,
                                             true, &err));
    json_object_unref(props);
    g_assert_null(qcrypto_tls_creds_find("az", &err));
    g_assert_cmpstr(err->message, ==,
                    "Object with id 'az' is not TLS credentials");
    g_clear_error(&err);
    delete("az");

    /* The abstract parent cannot be created. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS, "abs", &err, NULL));
    g_assert_nonnull(err);
    g_clear_error(&err);
}

/* ---- PSK ---- */

static void test_psk_load(void)
{
    GError *err = NULL;
    QCryptoTLSCreds *c;
    Object *obj;

    obj = create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err,
                 "dir", "psk", "endpoint", "client", NULL);
    g_assert_no_error(err);
    g_assert_nonnull(obj);
    c = find("pskc");
    g_assert_cmpint(qcrypto_tls_creds_kind(c), ==, QCRYPTO_TLS_CREDS_PSK);
    g_assert_false(qcrypto_tls_creds_is_server(c));
    g_assert_true(qcrypto_tls_creds_verify_peer(c));
    g_assert_cmpstr(qcrypto_tls_creds_psk_username(c), ==, "qemu");
    g_assert_true(g_str_has_prefix(qcrypto_tls_creds_priority(c), "NORMAL:"));
    g_assert_nonnull(strstr(qcrypto_tls_creds_priority(c), "PSK"));
    delete("pskc");

    /* Another user from the same file; CRLF line ends are fine. */
    create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err, "dir", "psk",
           "username", "alice", NULL);
    g_assert_no_error(err);
    g_assert_cmpstr(qcrypto_tls_creds_psk_username(find("pskc")), ==, "alice");
    delete("pskc");
    create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err, "dir", "psk-crlf", NULL);
    g_assert_no_error(err);
    delete("pskc");

    obj = create(TYPE_QCRYPTO_TLS_CREDS_PSK, "psks", &err,
                 "dir", "psk", "endpoint", "server", NULL);
    g_assert_no_error(err);
    c = find("psks");
    g_assert_true(qcrypto_tls_creds_is_server(c));
    {
        g_autofree char *ep = object_property_get_str(obj, "endpoint", &err);

        g_assert_no_error(err);
        g_assert_cmpstr(ep, ==, "server");
    }
    delete("psks");
}

static void test_psk_errors(void)
{
    GError *err = NULL;

    /* Missing file, for both ends. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err,
                         "dir", "empty", NULL));
    assert_path_error(err, "Unable to access credentials ", "empty/keys.psk",
                      ": No such file or directory");
    g_assert_cmpstr(strrchr(err->message, ':'), ==,
                    ": No such file or directory");
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_PSK, "psks", &err,
                         "dir", "no-such-dir", "endpoint", "server", NULL));
    assert_path_error(err, "Unable to access credentials ",
                      "no-such-dir/keys.psk", ": No such file or directory");
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/pskc", NULL));
    g_assert_null(object_resolve_path("/objects/psks", NULL));

    /* User not in the file; names match exactly, not by prefix. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err,
                         "dir", "psk", "username", "bob", NULL));
    assert_path_error(err, "Username bob not found in PSK file ",
                      "psk/keys.psk", "");
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err,
                         "dir", "psk", "username", "qem", NULL));
    g_assert_true(g_str_has_prefix(err->message, "Username qem not found"));
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err,
                         "dir", "psk", "username", "qemuX", NULL));
    g_assert_true(g_str_has_prefix(err->message, "Username qemuX not found"));
    g_clear_error(&err);

    /* A key that is not hex. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err,
                         "dir", "psk-badhex", NULL));
    g_assert_true(g_str_has_prefix(err->message,
                                   "Cannot load PSK key for user qemu: "));
    g_clear_error(&err);
    g_assert_null(object_resolve_path("/objects/pskc", NULL));
}

static void test_psk_handshake(void)
{
    GError *err = NULL;
    Connection c;

    create(TYPE_QCRYPTO_TLS_CREDS_PSK, "psks", &err, "dir", "psk",
           "endpoint", "server", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc", &err, "dir", "psk", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc-alice", &err, "dir", "psk",
           "username", "alice", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_PSK, "pskc-other", &err, "dir", "psk-other",
           NULL);
    g_assert_no_error(err);

    connect_pair(&c, "pskc", "psks", false);
    assert_connected(&c);
    g_assert_cmpstr(gnutls_psk_server_get_username(c.server.sess), ==, "qemu");
    disconnect(&c);

    connect_pair(&c, "pskc-alice", "psks", false);
    assert_connected(&c);
    g_assert_cmpstr(gnutls_psk_server_get_username(c.server.sess), ==,
                    "alice");
    disconnect(&c);

    /* Same user name, different key: both ends fail. */
    connect_pair(&c, "pskc-other", "psks", false);
    g_assert_cmpint(c.client.rc, <, 0);
    g_assert_cmpint(c.server.rc, <, 0);
    disconnect(&c);

    delete("psks");
    delete("pskc");
    delete("pskc-alice");
    delete("pskc-other");
}

/* ---- anonymous ---- */

static void test_anon_handshake(void)
{
    GError *err = NULL;
    Connection c;
    QCryptoTLSCreds *cr;

    create(TYPE_QCRYPTO_TLS_CREDS_ANON, "anons", &err, "endpoint", "server",
           NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_ANON, "anonc", &err, "endpoint", "client",
           "verify-peer", "off", NULL);
    g_assert_no_error(err);
    cr = find("anonc");
    g_assert_cmpint(qcrypto_tls_creds_kind(cr), ==, QCRYPTO_TLS_CREDS_ANON);
    g_assert_false(qcrypto_tls_creds_verify_peer(cr));
    g_assert_nonnull(strstr(qcrypto_tls_creds_priority(cr), "ANON"));

    connect_pair(&c, "anonc", "anons", false);
    assert_connected(&c);
    g_assert_cmpint(gnutls_auth_get_type(c.client.sess), ==, GNUTLS_CRD_ANON);
    disconnect(&c);
    delete("anons");
    delete("anonc");
}

/* ---- x509 ---- */

static void test_x509_load(void)
{
    GError *err = NULL;
    QCryptoTLSCreds *cr;

    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509s", &err, "dir", "x509-server",
           "endpoint", "server", NULL);
    g_assert_no_error(err);
    cr = find("x509s");
    g_assert_cmpint(qcrypto_tls_creds_kind(cr), ==, QCRYPTO_TLS_CREDS_X509);
    g_assert_true(qcrypto_tls_creds_is_server(cr));
    g_assert_cmpstr(qcrypto_tls_creds_priority(cr), ==, "NORMAL");

    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c", &err, "dir", "x509-client",
           "endpoint", "client", "priority", "NORMAL:-VERS-TLS1.3", NULL);
    g_assert_no_error(err);
    g_assert_cmpstr(qcrypto_tls_creds_priority(find("x509c")), ==,
                    "NORMAL:-VERS-TLS1.3");

    /* A client certificate is optional for the client. */
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c2", &err,
           "dir", "x509-client-nocert", NULL);
    g_assert_no_error(err);

    /* A CRL is loaded when present. */
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509s2", &err,
           "dir", "x509-server-crl", "endpoint", "server", NULL);
    g_assert_no_error(err);

    delete("x509s");
    delete("x509c");
    delete("x509c2");
    delete("x509s2");
}

static void test_x509_errors(void)
{
    GError *err = NULL;

    /* No CA certificate. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "empty", "endpoint", "server", NULL));
    assert_path_error(err, "Unable to access credentials ",
                      "empty/ca-cert.pem", ": No such file or directory");
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "empty", "endpoint", "client", NULL));
    assert_path_error(err, "Unable to access credentials ",
                      "empty/ca-cert.pem", ": No such file or directory");
    g_clear_error(&err);

    /* The server needs its certificate and key. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-server-nocert", "endpoint", "server",
                         NULL));
    assert_path_error(err, "Unable to access credentials ",
                      "x509-server-nocert/server-cert.pem",
                      ": No such file or directory");
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-server-nokey", "endpoint", "server",
                         NULL));
    assert_path_error(err, "Unable to access credentials ",
                      "x509-server-nokey/server-key.pem",
                      ": No such file or directory");
    g_clear_error(&err);

    /* A client certificate that exists but cannot be read is an error. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-client-loop", NULL));
    assert_path_error(err, "Unable to access credentials ",
                      "x509-client-loop/client-cert.pem",
                      ": Too many levels of symbolic links");
    g_clear_error(&err);

    /* CA files without a usable certificate. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-emptyca", "endpoint", "server", NULL));
    assert_path_error(err, "No CA certificates found in ",
                      "x509-emptyca/ca-cert.pem", "");
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-badca", "endpoint", "server", NULL));
    assert_path_error(err, "Cannot load CA certificate ",
                      "x509-badca/ca-cert.pem", ": ");
    g_clear_error(&err);

    /* An encrypted key needs its password. */
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-server-enc", "endpoint", "server",
                         NULL));
    assert_path_error(err, "Cannot load certificate and key ",
                      "x509-server-enc/server-cert.pem", ": ");
    g_clear_error(&err);
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-server-enc", "endpoint", "server",
                         "passwordid", "nopw", NULL));
    g_assert_cmpstr(err->message, ==, "No secret with id 'nopw'");
    g_clear_error(&err);
    {
        JsonObject *props = json_object_new();

        json_object_set_string_member(props, "data", "wrong password");
        g_assert_nonnull(user_creatable_add_type("secret", "badpw", props,
                                                 true, &err));
        json_object_unref(props);
    }
    g_assert_null(create(TYPE_QCRYPTO_TLS_CREDS_X509, "x", &err,
                         "dir", "x509-server-enc", "endpoint", "server",
                         "passwordid", "badpw", NULL));
    assert_path_error(err, "Cannot load certificate and key ",
                      "x509-server-enc/server-cert.pem", ": ");
    g_clear_error(&err);
    delete("badpw");
    g_assert_null(object_resolve_path("/objects/x", NULL));
}

static void test_x509_handshake(void)
{
    GError *err = NULL;
    Connection c;
    unsigned status = ~0u;
    g_autofree char *dn = NULL;

    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509s", &err, "dir", "x509-server",
           "endpoint", "server", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c", &err, "dir", "x509-client",
           NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c-tls12", &err,
           "dir", "x509-client", "priority", "NORMAL:-VERS-TLS1.3", NULL);
    g_assert_no_error(err);
    create(TYPE_QAUTHZ_SIMPLE, "authz0", &err, "identity", CLIENT_DN, NULL);
    g_assert_no_error(err);

    /* Both sides verify each other; the server authorizes the client DN. */
    connect_pair(&c, "x509c", "x509s", true);
    assert_connected(&c);
    g_assert_cmpint(gnutls_auth_get_type(c.client.sess), ==,
                    GNUTLS_CRD_CERTIFICATE);
    g_assert_cmpint(gnutls_certificate_verify_peers3(c.client.sess,
                                                     "localhost", &status),
                    ==, 0);
    g_assert_cmpuint(status, ==, 0);
    g_assert_cmpint(gnutls_certificate_verify_peers2(c.server.sess, &status),
                    ==, 0);
    g_assert_cmpuint(status, ==, 0);
    dn = peer_dn(c.server.sess);
    g_assert_cmpstr(dn, ==, CLIENT_DN);
    g_assert_true(qauthz_is_allowed_by_id("authz0", dn, &err));
    g_assert_no_error(err);
    g_clear_pointer(&dn, g_free);
    dn = peer_dn(c.client.sess);
    g_assert_cmpstr(dn, ==, SERVER_DN);
    g_assert_false(qauthz_is_allowed_by_id("authz0", dn, NULL));
    disconnect(&c);

    /* The priority property limits the protocol. */
    connect_pair(&c, "x509c-tls12", "x509s", false);
    assert_connected(&c);
    g_assert_cmpint(gnutls_protocol_get_version(c.client.sess), ==,
                    GNUTLS_TLS1_2);
    disconnect(&c);

    delete("x509c");
    delete("x509c-tls12");
    delete("authz0");
    delete("x509s");
}

static void test_x509_verify_failures(void)
{
    GError *err = NULL;
    Connection c;
    unsigned status = 0;

    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509s-crl", &err,
           "dir", "x509-server-crl", "endpoint", "server", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c", &err, "dir", "x509-client",
           NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c-other", &err,
           "dir", "x509-client-otherca", NULL);
    g_assert_no_error(err);

    /* The server's CRL revokes the client certificate. */
    connect_pair(&c, "x509c", "x509s-crl", true);
    assert_connected(&c);
    g_assert_cmpint(gnutls_certificate_verify_peers2(c.server.sess, &status),
                    ==, 0);
    g_assert_true(status & GNUTLS_CERT_REVOKED);
    g_assert_true(status & GNUTLS_CERT_INVALID);
    /* The server certificate itself is fine. */
    g_assert_cmpint(gnutls_certificate_verify_peers3(c.client.sess,
                                                     "localhost", &status),
                    ==, 0);
    g_assert_cmpuint(status, ==, 0);
    disconnect(&c);

    /* A client trusting another CA does not accept the server. */
    connect_pair(&c, "x509c-other", "x509s-crl", false);
    assert_connected(&c);
    g_assert_cmpint(gnutls_certificate_verify_peers3(c.client.sess,
                                                     "localhost", &status),
                    ==, 0);
    g_assert_true(status & GNUTLS_CERT_INVALID);
    g_assert_true(status & GNUTLS_CERT_SIGNER_NOT_FOUND);
    disconnect(&c);

    delete("x509s-crl");
    delete("x509c");
    delete("x509c-other");
}

static void test_x509_encrypted_key(void)
{
    GError *err = NULL;
    JsonObject *props = json_object_new();
    Connection c;
    unsigned status = ~0u;

    json_object_set_string_member(props, "data", KEY_PASSWORD);
    g_assert_nonnull(user_creatable_add_type("secret", "keypw", props, true,
                                             &err));
    json_object_unref(props);
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509s-enc", &err,
           "dir", "x509-server-enc", "endpoint", "server",
           "passwordid", "keypw", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509c", &err,
           "dir", "x509-client-nocert", NULL);
    g_assert_no_error(err);

    connect_pair(&c, "x509c", "x509s-enc", false);
    assert_connected(&c);
    g_assert_cmpint(gnutls_certificate_verify_peers3(c.client.sess,
                                                     "localhost", &status),
                    ==, 0);
    g_assert_cmpuint(status, ==, 0);
    disconnect(&c);

    delete("x509s-enc");
    delete("x509c");
    delete("keypw");
}

static void test_kind_mismatch(void)
{
    GError *err = NULL;
    Connection c;

    /* An anonymous client cannot talk to a certificate-only server. */
    create(TYPE_QCRYPTO_TLS_CREDS_X509, "x509s", &err, "dir", "x509-server",
           "endpoint", "server", NULL);
    g_assert_no_error(err);
    create(TYPE_QCRYPTO_TLS_CREDS_ANON, "anonc", &err, NULL);
    g_assert_no_error(err);
    connect_pair(&c, "anonc", "x509s", false);
    g_assert_cmpint(c.client.rc, <, 0);
    g_assert_cmpint(c.server.rc, <, 0);
    disconnect(&c);
    delete("x509s");
    delete("anonc");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    pki_setup();

    g_test_add_func("/crypto/tlscreds/find", test_find);
    g_test_add_func("/crypto/tlscreds/psk/load", test_psk_load);
    g_test_add_func("/crypto/tlscreds/psk/errors", test_psk_errors);
    g_test_add_func("/crypto/tlscreds/psk/handshake", test_psk_handshake);
    g_test_add_func("/crypto/tlscreds/anon/handshake", test_anon_handshake);
    g_test_add_func("/crypto/tlscreds/x509/load", test_x509_load);
    g_test_add_func("/crypto/tlscreds/x509/errors", test_x509_errors);
    g_test_add_func("/crypto/tlscreds/x509/handshake", test_x509_handshake);
    g_test_add_func("/crypto/tlscreds/x509/verify-failures",
                    test_x509_verify_failures);
    g_test_add_func("/crypto/tlscreds/x509/encrypted-key",
                    test_x509_encrypted_key);
    g_test_add_func("/crypto/tlscreds/kind-mismatch", test_kind_mismatch);
    ret = g_test_run();
    pki_cleanup();
    return ret;
}

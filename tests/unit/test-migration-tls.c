/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for migration/tls.c and tls-verify.c: who may connect. Both
 * ends over a socketpair, one thread each (tls-channel-harness.c). The
 * cases mirror the migration qtest TLS group at the channel level (PSK
 * match/mismatch; x509 default/override/mismatch host, friendly/hostile
 * client, allow/reject anonymous client; authz-simple, -list, -listfile),
 * plus forged and untrusted certificates, the parameter-driven
 * constructors and credential errors. The channel's I/O is tested in
 * test-migration-tls-channel.c.
 *
 * The PKI is generated at start-up (tls-pki-helper.c).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/list.h"
#include "migration/options-internal.h"
#include "tls-pki-helper.h"
#include "tls-channel-harness.h"

/* QEMU's migration tests use these keys and names (qtest spec 3.2.1). */
#define PSK_KEY "009d5638c40fde0c"
#define PSK_ALT_KEY "10ffa6a2c42f0388"
#define CLIENT_DN "CN=ACME QEMU Client"
#define HOSTILE_DN "CN=ACME Hostile Client"

static char *pki_root;
static TlsTestIdentity ca, other_ca, impostor_ca, server_ip, server_name,
    server_other_ip, client_cert, hostile_cert, foreign_cert, forged_cert;

/* ---- set-up ---- */

static void pki_setup(void)
{
    pki_root = tls_test_tmpdir("test-migration-tls");
    tls_obj_dir_root = pki_root;
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

/* ---- PSK ---- */

static void test_psk_match(void)
{
    TlsPair p;

    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
                   "username", "qemu", NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
                   NULL);
    /* PSK has no host name check: none given. */
    tls_pair_run(&p, "pskc", NULL, "psks", NULL);
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    g_assert_cmpstr(migration_tls_channel_peer_name(p.server.tls), ==, "qemu");
    g_assert_null(migration_tls_channel_peer_name(p.client.tls));
    tls_assert_talks(&p);
    tls_pair_free(&p);
    tls_obj_del("pskc");
    tls_obj_del("psks");
}

static void test_psk_mismatch(void)
{
    TlsPair p;

    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
                   NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir",
                   "psk-alt", NULL);
    tls_pair_run(&p, "pskc", NULL, "psks", NULL);
    tls_assert_err_prefix(&p.client, "TLS handshake failed: ");
    tls_assert_err_prefix(&p.server, "TLS handshake failed: ");
    tls_pair_free(&p);
    tls_obj_del("pskc");
    tls_obj_del("psks");
}

static void test_psk_authz(void)
{
    GError *err = NULL;
    QAuthZList *list;
    TlsPair p;

    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
                   NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
                   NULL);
    list = qauthz_list_new("pskauthz", QAUTHZ_LIST_POLICY_DENY, &err);
    g_assert_no_error(err);

    /* The PSK user name is the identity. */
    tls_pair_run(&p, "pskc", NULL, "psks", "pskauthz");
    tls_assert_err_prefix(&p.server,
                          "TLS PSK authz check for qemu is denied: ");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);

    qauthz_list_append_rule(list, "qemu", QAUTHZ_LIST_POLICY_ALLOW,
                            QAUTHZ_LIST_FORMAT_EXACT, &err);
    g_assert_no_error(err);
    tls_pair_run(&p, "pskc", NULL, "psks", "pskauthz");
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    tls_assert_talks(&p);
    tls_pair_free(&p);
    tls_obj_del("pskauthz");
    tls_obj_del("pskc");
    tls_obj_del("psks");
}

/* ---- x509 ---- */

/* Server x509 creds in dir with verify-peer as given. */
static void x509_server(const char *id, const char *dir, const char *verify)
{
    tls_obj_create("tls-creds-x509", id, "endpoint", "server", "dir", dir,
                   "verify-peer", verify, "sanity-check", "on", NULL);
}

static void x509_client(const char *id, const char *dir)
{
    tls_obj_create("tls-creds-x509", id, "endpoint", "client", "dir", dir,
                   "verify-peer", "on", "sanity-check", "on", NULL);
}

static void test_x509_default_host(void)
{
    TlsPair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    /* tcp: the host of the URI is checked against the IP subject name. */
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    g_assert_cmpstr(migration_tls_channel_peer_name(p.server.tls), ==,
                    CLIENT_DN);
    g_assert_cmpstr(migration_tls_channel_peer_name(p.client.tls), ==,
                    "CN=127.0.0.1");
    tls_assert_talks(&p);
    tls_pair_free(&p);

    /* unix/fd/exec: there is no host name to check. */
    tls_pair_run(&p, "xc", NULL, "xs", NULL);
    tls_assert_err_prefix(&p.client, "No hostname for certificate validation");
    tls_pair_free(&p);
    tls_obj_del("xs");
    tls_obj_del("xc");
}

/* tls-hostname overrides the URI host (through the real parameters). */
static void test_x509_override_host(void)
{
    GError *err = NULL;
    const QmpCommand *cmd = qmp_find_command("migrate-set-parameters");
    g_autoptr(JsonNode) args = json_from_string(
        "{\"tls-creds\": \"xc\", \"tls-hostname\": \"qemu.org\"}", NULL);
    JsonNode *ret = NULL;
    TlsPair p;

    x509_server("xs", "server-name", "on");
    x509_client("xc", "client");
    g_assert_nonnull(cmd);
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    g_assert_no_error(err);
    if (ret) {
        json_node_unref(ret);
    }

    tls_pair_init(&p);
    p.client.use_params = true;
    p.client.uri_host = "127.0.0.1";
    p.server.settings = (MigTLSSettings) { .creds_id = "xs" };
    tls_pair_connect(&p);
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    tls_assert_talks(&p);
    tls_pair_free(&p);

    /* Without the override, the URI host does not match qemu.org. */
    migration_options_reset();
    args = (json_node_unref(args),
            json_from_string("{\"tls-creds\": \"xc\"}", NULL));
    ret = NULL;
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    if (ret) {
        json_node_unref(ret);
    }
    tls_pair_init(&p);
    p.client.use_params = true;
    p.client.uri_host = "127.0.0.1";
    p.server.settings = (MigTLSSettings) { .creds_id = "xs" };
    tls_pair_connect(&p);
    tls_assert_err_prefix(&p.client,
                          "Certificate does not match the hostname 127.0.0.1");
    tls_pair_free(&p);
    migration_options_reset();
    tls_obj_del("xs");
    tls_obj_del("xc");
}

static void test_x509_mismatch_host(void)
{
    TlsPair p;

    x509_server("xs", "server-other-ip", "on");
    x509_client("xc", "client");
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    tls_assert_err_prefix(&p.client,
                          "Certificate does not match the hostname 127.0.0.1");
    g_assert_null(p.client.tls);
    tls_pair_free(&p);
    tls_obj_del("xs");
    tls_obj_del("xc");
}

static void test_x509_friendly_client(void)
{
    TlsPair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    tls_obj_create("authz-simple", "tlsauthz0", "identity", CLIENT_DN, NULL);
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "tlsauthz0");
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    tls_assert_talks(&p);
    tls_pair_free(&p);
    tls_obj_del("tlsauthz0");
    tls_obj_del("xs");
    tls_obj_del("xc");
}

static void test_x509_hostile_client(void)
{
    TlsPair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client-hostile");
    tls_obj_create("authz-simple", "tlsauthz0", "identity", CLIENT_DN, NULL);
    /* Trusted CA, but not the authorized identity. */
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "tlsauthz0");
    tls_assert_err_prefix(&p.server,
                          "TLS x509 authz check for " HOSTILE_DN
                          " is denied: Identity '" HOSTILE_DN
                          "' is not authorized");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);
    tls_obj_del("tlsauthz0");
    tls_obj_del("xc");

    /* The authorized name, but from a CA the server does not know: the
     * client has no certificate the server would accept and sends none. */
    x509_client("xc", "client-foreign");
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    tls_assert_err_prefix(&p.server, "TLS handshake failed: ");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);
    tls_obj_del("xc");

    /* A forged certificate: issuer named like our CA, signed by another
     * key. It is sent, and the chain check refuses it. */
    x509_client("xc", "client-forged");
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    tls_assert_err_prefix(&p.server,
                          "The certificate hasn't got a known issuer");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);
    tls_obj_del("xs");
    tls_obj_del("xc");
}

/* The client refuses a server certificate from a CA it does not trust. */
static void test_x509_untrusted_server(void)
{
    TlsPair p;

    x509_server("xs", "server-ip", "off");
    x509_client("xc", "client-distrust");
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    tls_assert_err_prefix(&p.client,
                          "The certificate hasn't got a known issuer");
    g_assert_null(p.client.tls);
    tls_pair_free(&p);
    tls_obj_del("xs");
    tls_obj_del("xc");
}

static void test_x509_anon_client(void)
{
    TlsPair p;

    x509_client("xc", "client-nocert");

    /* A server that verifies its peers needs a client certificate. */
    x509_server("xs", "server-ip", "on");
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    g_assert_nonnull(p.server.err);
    tls_assert_client_refused(&p);
    tls_pair_free(&p);
    tls_obj_del("xs");

    /* verify-peer off lets it in, unidentified ... */
    x509_server("xs", "server-ip", "off");
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", NULL);
    tls_assert_side_ok(&p.client);
    tls_assert_side_ok(&p.server);
    g_assert_null(migration_tls_channel_peer_name(p.server.tls));
    tls_assert_talks(&p);
    tls_pair_free(&p);

    /* ... which no authorization can allow. */
    tls_obj_create("authz-list", "allowall", "policy", "allow", NULL);
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "allowall");
    tls_assert_err_prefix(&p.server,
                          "TLS x509 authz check is denied: the peer "
                          "has no identity");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);
    tls_obj_del("allowall");
    tls_obj_del("xs");

    /* An anonymous-credentials client finds no common ground with an
     * x509 server. */
    tls_obj_create("tls-creds-anon", "ac", "endpoint", "client", NULL);
    x509_server("xs", "server-ip", "on");
    tls_pair_run(&p, "ac", "127.0.0.1", "xs", NULL);
    tls_assert_err_prefix(&p.client, "TLS handshake failed: ");
    tls_assert_err_prefix(&p.server, "TLS handshake failed: ");
    tls_pair_free(&p);
    tls_obj_del("xs");
    tls_obj_del("ac");
    tls_obj_del("xc");
}

static void test_authz_list(void)
{
    GError *err = NULL;
    TlsPair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    x509_client("xh", "client-hostile");
    g_assert_true(user_creatable_add_json(
        "{'qom-type': 'authz-list', 'id': 'tlsauthz1', 'policy': 'deny',"
        " 'rules': [ {'match': '" HOSTILE_DN "', 'policy': 'deny'},"
        "            {'match': 'CN=ACME *', 'policy': 'allow',"
        "             'format': 'glob'} ]}", &err));
    g_assert_no_error(err);

    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "tlsauthz1");
    tls_assert_side_ok(&p.server);
    tls_assert_side_ok(&p.client);
    tls_assert_talks(&p);
    tls_pair_free(&p);

    tls_pair_run(&p, "xh", "127.0.0.1", "xs", "tlsauthz1");
    tls_assert_err_prefix(&p.server,
                          "TLS x509 authz check for " HOSTILE_DN " is denied");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);

    /* A missing authz object refuses too, naming it. */
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "nosuchauthz");
    tls_assert_err_prefix(&p.server,
                          "TLS x509 authz check for " CLIENT_DN
                          " is denied: No authorization object with id "
                          "'nosuchauthz'");
    tls_pair_free(&p);
    tls_obj_del("tlsauthz1");
    tls_obj_del("xs");
    tls_obj_del("xc");
    tls_obj_del("xh");
}

static void test_authz_listfile(void)
{
    g_autofree char *path = g_build_filename(pki_root, "authz.json", NULL);
    TlsPair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client");
    g_assert_true(g_file_set_contents(path,
        "{ \"policy\": \"deny\", \"rules\": [ { \"match\": \"" CLIENT_DN
        "\", \"policy\": \"allow\" } ] }", -1, NULL));
    tls_obj_create("authz-listfile", "tlsauthz2", "filename", path, NULL);

    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "tlsauthz2");
    tls_assert_side_ok(&p.server);
    tls_assert_side_ok(&p.client);
    tls_pair_free(&p);

    /* The file changes: the next connection is refused. */
    g_assert_true(g_file_set_contents(path,
        "{ \"policy\": \"allow\", \"rules\": [ { \"match\": \"" CLIENT_DN
        "\", \"policy\": \"deny\" } ] }", -1, NULL));
    tls_pair_run(&p, "xc", "127.0.0.1", "xs", "tlsauthz2");
    tls_assert_err_prefix(&p.server,
                          "TLS x509 authz check for " CLIENT_DN " is denied");
    tls_assert_client_refused(&p);
    tls_pair_free(&p);
    tls_obj_del("tlsauthz2");
    tls_obj_del("xs");
    tls_obj_del("xc");
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
    TlsPair p;

    x509_server("xs", "server-ip", "on");
    x509_client("xc", "client-hostile");
    tls_obj_create("authz-simple", "tlsauthz0", "identity", CLIENT_DN, NULL);
    g_assert_true(cmd->fn(json_node_get_object(args), &ret, &err));
    g_assert_no_error(err);
    if (ret) {
        json_node_unref(ret);
    }
    tls_pair_init(&p);
    p.server.use_params = true;
    p.client.settings = (MigTLSSettings) {
        .creds_id = "xc", .hostname = "127.0.0.1" };
    tls_pair_connect(&p);
    tls_assert_err_prefix(&p.server,
                          "TLS x509 authz check for " HOSTILE_DN " is denied");
    tls_pair_free(&p);
    migration_options_reset();
    tls_obj_del("tlsauthz0");
    tls_obj_del("xs");
    tls_obj_del("xc");
}

static void test_creds_errors(void)
{
    TlsPair p;

    tls_obj_create("tls-creds-psk", "pskc", "endpoint", "client", "dir", "psk",
                   NULL);
    tls_obj_create("tls-creds-psk", "psks", "endpoint", "server", "dir", "psk",
                   NULL);
    tls_obj_create("authz-simple", "notcreds", "identity", "x", NULL);

    tls_pair_run(&p, "nope", NULL, "psks", NULL);
    tls_assert_err_prefix(&p.client, "No TLS credentials with id 'nope'");
    /* The server saw the connection drop during its handshake. */
    tls_assert_err_prefix(&p.server, "TLS handshake failed: ");
    tls_pair_free(&p);

    tls_pair_run(&p, "pskc", NULL, "pskc", NULL);
    tls_assert_err_prefix(&p.server,
                          "Expected TLS credentials for a server endpoint");
    tls_pair_free(&p);

    tls_pair_run(&p, "psks", NULL, "psks", NULL);
    tls_assert_err_prefix(&p.client,
                          "Expected TLS credentials for a client endpoint");
    tls_pair_free(&p);

    tls_pair_run(&p, "pskc", NULL, "notcreds", NULL);
    tls_assert_err_prefix(&p.server,
                          "Object with id 'notcreds' is not TLS credentials");
    tls_pair_free(&p);
    tls_obj_del("notcreds");
    tls_obj_del("pskc");
    tls_obj_del("psks");
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
    ret = g_test_run();
    pki_cleanup();
    return ret;
}

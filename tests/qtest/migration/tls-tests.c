/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TLS group (spec/qtest.md 3.2.1): migrations whose every channel is
 * a TLS session, with PSK and x509 credentials made at test time (the
 * PKI helper of the unit tests), and the handshake failures: a wrong
 * key, a certificate for another host, a refused or missing client
 * certificate. Happy cases end with the framework's memory check; failing
 * cases assert each side's status and the reason it gives.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "framework.h"
/* Shared with the TLS unit tests: keys and certificates made with GnuTLS
 * at run time, never checked in. */
#include "../../unit/tls-pki-helper.h"

#define PSK_KEY      "009d5638c40fde0c"
#define PSK_ALT_KEY  "10ffa6a2c42f0388"
#define CLIENT_DN    "CN=ACME QEMU Client"
#define HOSTILE_DN   "CN=ACME Hostile Client"

typedef enum ServerName {
    SERVER_IP_LOCAL,            /* SAN IP 127.0.0.1 */
    SERVER_DNS_QEMU_ORG,        /* SAN DNS qemu.org */
    SERVER_IP_OTHER,            /* SAN IP 10.0.0.1 */
} ServerName;

typedef enum ClientCert {
    CLIENT_NONE,
    CLIENT_FRIENDLY,
    CLIENT_HOSTILE,
} ClientCert;

/* One variant of the credentials on both sides. */
typedef struct TLSCase {
    bool x509;
    bool psk_mismatch;          /* destination reads another key */
    ServerName server;
    ClientCert client;
    bool verify_peer;           /* destination asks for a client cert */
    const char *hostname;       /* source tls-hostname, NULL = unset */
    bool authz;                 /* destination tls-authz (CLIENT_DN) */
    /* failing cases: substrings of each side's error-desc (NULL: the
     * side is not checked, e.g. it exited) */
    const char *src_error;
    const char *src_error_alt;  /* accepted instead of src_error */
    const char *dst_error;
} TLSCase;

/* The case being run (the test program runs one case at a time). */
static const TLSCase *cur;

/* ---- credentials ---- */

static bool pki_ready;
static TlsTestIdentity ca, srv_local, srv_qemu_org, srv_other, cli_friendly,
    cli_hostile;

static void pki_make(void)
{
    if (pki_ready) {
        return;
    }
    tls_test_identity_make(&ca, &(TlsTestCertSpec) {
        .dn = "CN=qemu-CA", .is_ca = true });
    tls_test_identity_make(&srv_local, &(TlsTestCertSpec) {
        .dn = "CN=127.0.0.1", .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .ip_addr = "127.0.0.1" });
    tls_test_identity_make(&srv_qemu_org, &(TlsTestCertSpec) {
        .dn = "CN=qemu.org", .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .dns_name = "qemu.org" });
    tls_test_identity_make(&srv_other, &(TlsTestCertSpec) {
        .dn = "CN=10.0.0.1", .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_SERVER, .ip_addr = "10.0.0.1" });
    tls_test_identity_make(&cli_friendly, &(TlsTestCertSpec) {
        .dn = CLIENT_DN, .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_CLIENT });
    tls_test_identity_make(&cli_hostile, &(TlsTestCertSpec) {
        .dn = HOSTILE_DN, .issuer = &ca,
        .purpose = GNUTLS_KP_TLS_WWW_CLIENT });
    pki_ready = true;
}

static void set_str_param(QTestState *who, const char *name,
                          const char *value)
{
    qtest_qmp_assert_success(who, "{'execute': 'migrate-set-parameters',"
                             " 'arguments': {'%s': '%s'}}", name, value);
}

static void *hook_psk(QTestState *from, QTestState *to)
{
    const char *root = migration_get_env()->tmpfs;
    g_autofree char *dir = tls_test_psk_dir(root, "tlscredspsk0",
                                            "qemu:" PSK_KEY "\n");
    g_autofree char *alt = NULL;

    if (cur->psk_mismatch) {
        alt = tls_test_psk_dir(root, "tlscredspskalt0",
                               "qemu:" PSK_ALT_KEY "\n");
    }
    qtest_qmp_assert_success(from, "{'execute': 'object-add', 'arguments':"
                             " {'qom-type': 'tls-creds-psk',"
                             "  'id': 'tlscredspsk0', 'endpoint': 'client',"
                             "  'dir': '%s', 'username': 'qemu'}}", dir);
    qtest_qmp_assert_success(to, "{'execute': 'object-add', 'arguments':"
                             " {'qom-type': 'tls-creds-psk',"
                             "  'id': 'tlscredspsk0', 'endpoint': 'server',"
                             "  'dir': '%s'}}", alt ? alt : dir);
    set_str_param(from, "tls-creds", "tlscredspsk0");
    set_str_param(to, "tls-creds", "tlscredspsk0");
    return NULL;
}

static void *hook_x509(QTestState *from, QTestState *to)
{
    const TlsTestIdentity *server[] = {
        [SERVER_IP_LOCAL] = &srv_local,
        [SERVER_DNS_QEMU_ORG] = &srv_qemu_org,
        [SERVER_IP_OTHER] = &srv_other,
    };
    g_autofree char *dir = NULL;

    pki_make();
    dir = tls_test_x509_dir(migration_get_env()->tmpfs, "tlscredsx5090",
                            &ca, "server", server[cur->server]);
    if (cur->client != CLIENT_NONE) {
        const TlsTestIdentity *c = cur->client == CLIENT_FRIENDLY
                                   ? &cli_friendly : &cli_hostile;

        tls_test_write_cert(dir, "client-cert.pem", c);
        tls_test_write_key(dir, "client-key.pem", c, NULL);
    }
    qtest_qmp_assert_success(from, "{'execute': 'object-add', 'arguments':"
                             " {'qom-type': 'tls-creds-x509',"
                             "  'id': 'tlscredsx509client0',"
                             "  'endpoint': 'client', 'dir': '%s',"
                             "  'sanity-check': true, 'verify-peer': true}}",
                             dir);
    set_str_param(from, "tls-creds", "tlscredsx509client0");
    if (cur->hostname) {
        set_str_param(from, "tls-hostname", cur->hostname);
    }
    qtest_qmp_assert_success(to, "{'execute': 'object-add', 'arguments':"
                             " {'qom-type': 'tls-creds-x509',"
                             "  'id': 'tlscredsx509server0',"
                             "  'endpoint': 'server', 'dir': '%s',"
                             "  'sanity-check': true, 'verify-peer': %s}}",
                             dir, cur->verify_peer ? "true" : "false");
    set_str_param(to, "tls-creds", "tlscredsx509server0");
    if (cur->authz) {
        qtest_qmp_assert_success(to, "{'execute': 'object-add', "
                                 "'arguments': {'qom-type': 'authz-simple',"
                                 " 'id': 'tlsauthz0', 'identity': '"
                                 CLIENT_DN "'}}");
        set_str_param(to, "tls-authz", "tlsauthz0");
    }
    return NULL;
}

static void *hook_tls(QTestState *from, QTestState *to)
{
    if (cur->src_error) {
        /*
         * Where the client's handshake ends before the server refuses
         * it, the source learns of the refusal only when a write hits
         * the dropped connection; a small stream may be all queued
         * (writer and sender queues, socket buffers) by then and the
         * source would move on to its switchover first. Keep it active.
         */
        migrate_ensure_non_converge(from);
    }
    return cur->x509 ? hook_x509(from, to) : hook_psk(from, to);
}

static void assert_error_desc(QTestState *who, const char *want,
                              const char *alt)
{
    g_autoptr(JsonObject) o = migrate_query(who);
    const char *desc;

    g_assert_cmpstr(json_object_get_string_member(o, "status"), ==,
                    "failed");
    g_assert_true(json_object_has_member(o, "error-desc"));
    desc = json_object_get_string_member(o, "error-desc");
    g_test_message("error-desc: %s", desc);
    if (!strstr(desc, want) && !(alt && strstr(desc, alt))) {
        g_error("error-desc '%s' lacks '%s'", desc, want);
    }
}

static void remove_creds(void)
{
    static const char *const dirs[] = {
        "tlscredspsk0", "tlscredspskalt0", "tlscredsx5090",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *p = mig_tmp_path(dirs[i]);

        if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
            tls_test_rm_tree(p);
        }
    }
}

static void hook_end(QTestState *from, QTestState *to, void *opaque)
{
    if (cur->src_error) {
        assert_error_desc(from, cur->src_error, cur->src_error_alt);
    }
    if (cur->dst_error) {
        /* The destination refused the connection and stays up. */
        wait_for_migration_status(to, "failed", NULL);
        assert_error_desc(to, cur->dst_error, NULL);
    }
    remove_creds();
}

/* ---- drivers ---- */

static void run_precopy(const TLSCase *c, bool tcp, MigTestResult result)
{
    g_autofree char *sock = mig_tmp_path("migsocket");
    g_autofree char *unix_uri = g_strdup_printf("unix:%s", sock);
    MigrateCommon args = {
        .listen_uri = tcp ? "tcp:127.0.0.1:0" : unix_uri,
        .connect_uri = tcp ? NULL : unix_uri,
        .start_hook = hook_tls,
        .end_hook = hook_end,
        .result = result,
        .start.hide_stderr = result != MIG_TEST_SUCCEED,
    };

    cur = c;
    test_precopy_common(&args);
    cur = NULL;
}

static void run_postcopy(const TLSCase *c, const char *cap, bool preempt,
                         bool recovery)
{
    cur = c;
    test_postcopy_hooked(hook_tls, hook_end, cap, preempt, recovery);
    cur = NULL;
}

/* multifd (3.2.1: listen defer, "multifd common" with no compression):
 * every multifd connection is a TLS session of its own. */
static void *hook_multifd_tls(QTestState *from, QTestState *to)
{
    hook_tls(from, to);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL, "");
    return NULL;
}

static void hook_multifd_end(QTestState *from, QTestState *to, void *opaque)
{
    if (!cur->src_error) {
        /* The pages went over the (TLS) multifd channels. */
        g_assert_cmpint(read_ram_property_int(from, "multifd-bytes"), >,
                        0);
    }
    hook_end(from, to, opaque);
}

static void run_multifd(const TLSCase *c, const char *cap2,
                        MigTestResult result)
{
    MigrateCommon args = {
        .listen_uri = "defer",
        .start_hook = hook_multifd_tls,
        .end_hook = hook_multifd_end,
        .result = result,
        .start.hide_stderr = result != MIG_TEST_SUCCEED,
        .start.caps = { "multifd", cap2 },
    };

    cur = c;
    test_precopy_common(&args);
    cur = NULL;
}

/* ---- PSK ---- */

static const TLSCase psk_match = { 0 };

static void test_precopy_tcp_psk_match(void)
{
    run_precopy(&psk_match, true, MIG_TEST_SUCCEED);
}

static void test_precopy_unix_psk(void)
{
    run_precopy(&psk_match, false, MIG_TEST_SUCCEED);
}

static void test_precopy_tcp_psk_mismatch(void)
{
    static const TLSCase c = {
        .psk_mismatch = true,
        .src_error = "TLS handshake failed",
        .dst_error = "TLS handshake failed",
    };

    run_precopy(&c, true, MIG_TEST_FAIL);
}

static void test_postcopy_psk(void)
{
    run_postcopy(&psk_match, NULL, false, false);
}

static void test_postcopy_recovery_psk(void)
{
    run_postcopy(&psk_match, NULL, false, true);
}

static void test_postcopy_preempt_psk(void)
{
    run_postcopy(&psk_match, NULL, true, false);
}

static void test_postcopy_preempt_recovery_psk(void)
{
    run_postcopy(&psk_match, NULL, true, true);
}

/* ---- x509 ---- */

static void test_precopy_unix_x509_default_host(void)
{
    /* A unix socket has no host name to check the certificate against;
     * the destination already accepted the session and fails its load. */
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_FRIENDLY,
        .verify_peer = true,
        .src_error = "No hostname for certificate validation",
    };

    run_precopy(&c, false, MIG_TEST_FAIL_DEST_QUIT_ERR);
}

static void test_precopy_unix_x509_override_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_DNS_QEMU_ORG,
        .client = CLIENT_FRIENDLY, .verify_peer = true,
        .hostname = "qemu.org",
    };

    run_precopy(&c, false, MIG_TEST_SUCCEED);
}

static void test_precopy_tcp_x509_default_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_FRIENDLY,
        .verify_peer = true,
    };

    run_precopy(&c, true, MIG_TEST_SUCCEED);
}

static void test_precopy_tcp_x509_override_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_DNS_QEMU_ORG,
        .client = CLIENT_FRIENDLY, .verify_peer = true,
        .hostname = "qemu.org",
    };

    run_precopy(&c, true, MIG_TEST_SUCCEED);
}

static void test_precopy_tcp_x509_mismatch_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_OTHER, .client = CLIENT_FRIENDLY,
        .verify_peer = true,
        .src_error = "Certificate does not match the hostname 127.0.0.1",
    };

    run_precopy(&c, true, MIG_TEST_FAIL_DEST_QUIT_ERR);
}

static void test_precopy_tcp_x509_friendly_client(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_FRIENDLY,
        .verify_peer = true, .authz = true,
    };

    run_precopy(&c, true, MIG_TEST_SUCCEED);
}

static void test_precopy_tcp_x509_hostile_client(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_HOSTILE,
        .verify_peer = true, .authz = true,
        /* The client's side of the handshake ended before the server
         * refused it: the source learns it when the connection drops. */
        .src_error = "Cannot write to TLS channel",
        .src_error_alt = "TLS handshake failed",
        .dst_error = "TLS x509 authz check for " HOSTILE_DN " is denied",
    };

    run_precopy(&c, true, MIG_TEST_FAIL);
}

static void test_precopy_tcp_x509_allow_anon_client(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_NONE,
        .verify_peer = false,
    };

    run_precopy(&c, true, MIG_TEST_SUCCEED);
}

static void test_precopy_tcp_x509_reject_anon_client(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_NONE,
        .verify_peer = true,
        /* The client's side of the handshake ended before the server
         * refused it: the source learns it when the connection drops. */
        .src_error = "Cannot write to TLS channel",
        .src_error_alt = "TLS handshake failed",
        .dst_error = "TLS handshake failed",
    };

    run_precopy(&c, true, MIG_TEST_FAIL);
}

/* ---- multifd ---- */

static void test_multifd_psk_match(void)
{
    run_multifd(&psk_match, NULL, MIG_TEST_SUCCEED);
}

static void test_multifd_psk_mismatch(void)
{
    static const TLSCase c = {
        .psk_mismatch = true,
        .src_error = "TLS handshake failed",
        .dst_error = "TLS handshake failed",
    };

    run_multifd(&c, NULL, MIG_TEST_FAIL);
}

/* postcopy-ram on, postcopy never started. */
static void test_multifd_postcopy_psk_match(void)
{
    run_multifd(&psk_match, "postcopy-ram", MIG_TEST_SUCCEED);
}

static void test_multifd_postcopy_recovery_psk(void)
{
    run_postcopy(&psk_match, "multifd", false, true);
}

static void test_multifd_postcopy_preempt_recovery_psk(void)
{
    run_postcopy(&psk_match, "multifd", true, true);
}

static void hook_end_late(QTestState *from, QTestState *to, void *opaque)
{
    /* One postcopy-recover per recovery: the late connection of the
     * first one was not taken for the second one's main channel. */
    postcopy_assert_recoveries(to, 3);
    hook_end(from, to, opaque);
}

/*
 * The CI flake of the case above, made to happen every time: the first
 * recovery's preempt connection (a TLS channel) reaches the destination
 * only after it paused again (see postcopy/preempt/recovery/late-channel).
 */
static void test_multifd_postcopy_preempt_recovery_late_psk(void)
{
    cur = &psk_match;
    g_setenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT", "1", true);
    test_postcopy_hooked(hook_tls, hook_end_late, "multifd", true, true);
    g_unsetenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT");
    cur = NULL;
}

static void test_multifd_x509_default_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_FRIENDLY,
        .verify_peer = true,
    };

    run_multifd(&c, NULL, MIG_TEST_SUCCEED);
}

static void test_multifd_x509_override_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_DNS_QEMU_ORG,
        .client = CLIENT_FRIENDLY, .verify_peer = true,
        .hostname = "qemu.org",
    };

    run_multifd(&c, NULL, MIG_TEST_SUCCEED);
}

/* The destination got its main channel but waits for the multifd ones:
 * it never starts loading, so it stays up (unlike the precopy case). */
static void test_multifd_x509_mismatch_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_OTHER, .client = CLIENT_FRIENDLY,
        .verify_peer = true,
        .src_error = "Certificate does not match the hostname 127.0.0.1",
    };

    run_multifd(&c, NULL, MIG_TEST_FAIL);
}

static void test_multifd_x509_allow_anon_client(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_NONE,
        .verify_peer = false,
    };

    run_multifd(&c, NULL, MIG_TEST_SUCCEED);
}

static void test_multifd_x509_reject_anon_client(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_NONE,
        .verify_peer = true,
        .src_error = "Cannot write to TLS channel",
        .src_error_alt = "TLS handshake failed",
        .dst_error = "TLS handshake failed",
    };

    run_multifd(&c, NULL, MIG_TEST_FAIL);
}

/* ---- other transports and refusals (wire-format 8) ---- */

/* fd: a socket pair is two-way, so TLS runs over it as over tcp. */
static void *hook_fd_tls(QTestState *from, QTestState *to)
{
    int pair[2];
    JsonObject *rsp;

    hook_tls(from, to);
    g_assert_cmpint(socketpair(PF_LOCAL, SOCK_STREAM, 0, pair), ==, 0);
    rsp = qtest_qmp_fds(to, &pair[0], 1, "{'execute': 'getfd', "
                        "'arguments': {'fdname': 'fd-mig'}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    migrate_incoming_qmp(to, "fd:fd-mig", NULL, "");
    rsp = qtest_qmp_fds(from, &pair[1], 1, "{'execute': 'getfd', "
                        "'arguments': {'fdname': 'fd-mig'}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    close(pair[0]);
    close(pair[1]);
    return NULL;
}

static void run_fd(const TLSCase *c, MigTestResult result)
{
    MigrateCommon args = {
        .listen_uri = "defer", .connect_uri = "fd:fd-mig",
        .start_hook = hook_fd_tls, .end_hook = hook_end,
        .result = result,
        .start.hide_stderr = result != MIG_TEST_SUCCEED,
    };

    cur = c;
    test_precopy_common(&args);
    cur = NULL;
}

static void test_precopy_fd_psk(void)
{
    run_fd(&psk_match, MIG_TEST_SUCCEED);
}

/* An fd has no host either: x509 works once tls-hostname names one. */
static void test_precopy_fd_x509_override_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_DNS_QEMU_ORG,
        .client = CLIENT_FRIENDLY, .verify_peer = true,
        .hostname = "qemu.org",
    };

    run_fd(&c, MIG_TEST_SUCCEED);
}

static void test_precopy_fd_x509_default_host(void)
{
    static const TLSCase c = {
        .x509 = true, .server = SERVER_IP_LOCAL, .client = CLIENT_FRIENDLY,
        .verify_peer = true,
        .src_error = "No hostname for certificate validation",
    };

    run_fd(&c, MIG_TEST_FAIL_DEST_QUIT_ERR);
}

/* mapped-ram writes pages at file offsets: no TLS (7.1 step 6). */
static void test_mapped_ram_refused(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *desc = NULL;
    g_autoptr(JsonObject) info = NULL;
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;
    JsonObject *rsp;

    cur = &psk_match;
    g_assert_cmpint(migrate_start(&from, &to, "defer", &start), ==, 0);
    rsp = qtest_qmp(from, "{'execute': 'migrate-set-capabilities',"
                    " 'arguments': {'capabilities': ["
                    "  {'capability': 'mapped-ram', 'state': true}]}}");
    if (!json_object_has_member(rsp, "return")) {
        /* Not in this build yet (file migration work in progress). */
        json_object_unref(rsp);
        migrate_end(from, to, false);
        cur = NULL;
        g_test_skip("mapped-ram is not supported by this build");
        return;
    }
    json_object_unref(rsp);
    hook_psk(from, to);
    desc = migrate_qmp_fail(from, uri, NULL, "");
    g_assert_cmpstr(desc, ==, "Cannot use TLS with mapped-ram");
    /*
     * Refused before anything started: the source is untouched, and
     * query-migrate of a source that never migrated is empty, as QEMU's.
     */
    info = migrate_query(from);
    g_assert_false(json_object_has_member(info, "status"));
    remove_creds();
    migrate_end(from, to, false);
    cur = NULL;
}

void migration_test_add_tls(MigrationTestEnv *env)
{
    migration_test_add("/migration/precopy/tcp/tls/psk/match",
                       test_precopy_tcp_psk_match);
    migration_test_add("/migration/precopy/unix/tls/psk",
                       test_precopy_unix_psk);
    if (migration_host_has_uffd()) {
        migration_test_add("/migration/postcopy/tls/psk",
                           test_postcopy_psk);
        migration_test_add("/migration/postcopy/recovery/tls/psk",
                           test_postcopy_recovery_psk);
        migration_test_add("/migration/postcopy/preempt/tls/psk",
                           test_postcopy_preempt_psk);
        migration_test_add("/migration/postcopy/preempt/recovery/tls/psk",
                           test_postcopy_preempt_recovery_psk);
    }
    migration_test_add("/migration/precopy/unix/tls/x509/default-host",
                       test_precopy_unix_x509_default_host);
    migration_test_add("/migration/precopy/unix/tls/x509/override-host",
                       test_precopy_unix_x509_override_host);
    migration_test_add("/migration/precopy/tcp/tls/psk/mismatch",
                       test_precopy_tcp_psk_mismatch);
    migration_test_add("/migration/precopy/tcp/tls/x509/default-host",
                       test_precopy_tcp_x509_default_host);
    migration_test_add("/migration/precopy/tcp/tls/x509/override-host",
                       test_precopy_tcp_x509_override_host);
    migration_test_add("/migration/precopy/tcp/tls/x509/mismatch-host",
                       test_precopy_tcp_x509_mismatch_host);
    migration_test_add("/migration/precopy/tcp/tls/x509/friendly-client",
                       test_precopy_tcp_x509_friendly_client);
    migration_test_add("/migration/precopy/tcp/tls/x509/hostile-client",
                       test_precopy_tcp_x509_hostile_client);
    migration_test_add("/migration/precopy/tcp/tls/x509/allow-anon-client",
                       test_precopy_tcp_x509_allow_anon_client);
    migration_test_add("/migration/precopy/tcp/tls/x509/reject-anon-client",
                       test_precopy_tcp_x509_reject_anon_client);
    migration_test_add("/migration/multifd/tcp/tls/psk/match",
                       test_multifd_psk_match);
    migration_test_add("/migration/multifd/tcp/tls/psk/mismatch",
                       test_multifd_psk_mismatch);
    if (migration_host_has_uffd()) {
        migration_test_add("/migration/multifd+postcopy/tcp/tls/psk/match",
                           test_multifd_postcopy_psk_match);
        migration_test_add("/migration/multifd+postcopy/recovery/tls/psk",
                           test_multifd_postcopy_recovery_psk);
        migration_test_add("/migration/multifd+postcopy/preempt/recovery/"
                           "tls/psk",
                           test_multifd_postcopy_preempt_recovery_psk);
        migration_test_add("/migration/multifd+postcopy/preempt/recovery/"
                           "tls/psk/late-channel",
                           test_multifd_postcopy_preempt_recovery_late_psk);
    }
    migration_test_add("/migration/multifd/tcp/tls/x509/default-host",
                       test_multifd_x509_default_host);
    migration_test_add("/migration/multifd/tcp/tls/x509/override-host",
                       test_multifd_x509_override_host);
    migration_test_add("/migration/multifd/tcp/tls/x509/mismatch-host",
                       test_multifd_x509_mismatch_host);
    migration_test_add("/migration/multifd/tcp/tls/x509/allow-anon-client",
                       test_multifd_x509_allow_anon_client);
    migration_test_add("/migration/multifd/tcp/tls/x509/reject-anon-client",
                       test_multifd_x509_reject_anon_client);
    /* Beyond QEMU's list: the fd transport and the mapped-ram refusal. */
    migration_test_add("/migration/precopy/fd/tls/psk", test_precopy_fd_psk);
    migration_test_add("/migration/precopy/fd/tls/x509/override-host",
                       test_precopy_fd_x509_override_host);
    migration_test_add("/migration/precopy/fd/tls/x509/default-host",
                       test_precopy_fd_x509_default_host);
    migration_test_add("/migration/file/tls/mapped-ram/refused",
                       test_mapped_ram_refused);
}

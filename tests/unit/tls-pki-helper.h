/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A throw-away PKI for TLS unit tests, generated at test time with the
 * GnuTLS x509 API: key pairs, CA and leaf certificates (DNS or IP subject
 * alternative names, key purposes), CRLs, and the files that the
 * tls-creds objects load (ca-cert.pem, <endpoint>-cert.pem, ...). No key
 * is ever checked in. Every failure is a test failure (assert).
 */
#ifndef TESTS_UNIT_TLS_PKI_HELPER_H
#define TESTS_UNIT_TLS_PKI_HELPER_H

#include <glib.h>
#include <stdbool.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* A key pair and its certificate. */
typedef struct TlsTestIdentity {
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
} TlsTestIdentity;

/*
 * What to put in a certificate. dn is in the order gnutls_x509_crt_set_dn()
 * takes ("O=org,CN=name": encoding order, least specific first); the
 * certificate then reports "CN=name,O=org" (RFC 4514). issuer NULL makes
 * a self-signed certificate. purpose is a GNUTLS_KP_* OID or NULL;
 * dns_name / ip_addr (text, v4 or v6) add a subject alternative name.
 */
typedef struct TlsTestCertSpec {
    const char *dn;
    const TlsTestIdentity *issuer;
    bool is_ca;
    const char *purpose;
    const char *dns_name;
    const char *ip_addr;
} TlsTestCertSpec;

/* Generate a fresh ECDSA P-256 key and sign a certificate for it. */
void tls_test_identity_make(TlsTestIdentity *id, const TlsTestCertSpec *spec);
void tls_test_identity_free(TlsTestIdentity *id);

/* A new private temporary directory (caller removes it, frees the path). */
char *tls_test_tmpdir(const char *prefix);
/* mkdir root/name (must not exist); returns the path (caller frees). */
char *tls_test_subdir(const char *root, const char *name);
/* Remove a directory tree (does not follow symlinks). */
void tls_test_rm_tree(const char *path);

/* Files in dir: PEM certificate, key (PKCS#8-encrypted if password),
 * arbitrary text, a CRL by `ca` revoking `revoked`. */
void tls_test_write_cert(const char *dir, const char *name,
                         const TlsTestIdentity *id);
void tls_test_write_key(const char *dir, const char *name,
                        const TlsTestIdentity *id, const char *password);
void tls_test_write_text(const char *dir, const char *name, const char *text);
void tls_test_write_crl(const char *dir, const char *name,
                        const TlsTestIdentity *ca,
                        const TlsTestIdentity *revoked);

/*
 * A complete tls-creds-x509 directory: ca-cert.pem from ca, and when id is
 * given <endpoint>-cert.pem + <endpoint>-key.pem (endpoint "server" or
 * "client"). Returns root/name (caller frees).
 */
char *tls_test_x509_dir(const char *root, const char *name,
                        const TlsTestIdentity *ca, const char *endpoint,
                        const TlsTestIdentity *id);
/* A tls-creds-psk directory whose keys.psk holds `lines` verbatim. */
char *tls_test_psk_dir(const char *root, const char *name, const char *lines);

#endif /* TESTS_UNIT_TLS_PKI_HELPER_H */

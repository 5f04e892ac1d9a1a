/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test PKI (see tls-pki-helper.h). Keys are ECDSA P-256: generating
 * one takes well under a millisecond, so each test program can build all
 * the identities it needs at start-up.
 */
#include "qemu/osdep.h"
#include <arpa/inet.h>
#include "tls-pki-helper.h"

static unsigned pki_serial = 1;

#define OK(call) g_assert_cmpint((call), ==, 0)

static void set_alt_names(gnutls_x509_crt_t crt, const TlsTestCertSpec *spec)
{
    if (spec->dns_name) {
        OK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME,
                                                spec->dns_name,
                                                strlen(spec->dns_name),
                                                GNUTLS_FSAN_APPEND));
    }
    if (spec->ip_addr) {
        /* The SAN holds the binary address, 4 or 16 bytes. */
        unsigned char addr[16];
        size_t len = 16;

        if (inet_pton(AF_INET, spec->ip_addr, addr) == 1) {
            len = 4;
        } else {
            g_assert_cmpint(inet_pton(AF_INET6, spec->ip_addr, addr), ==, 1);
        }
        OK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS,
                                                addr, len,
                                                GNUTLS_FSAN_APPEND));
    }
}

void tls_test_identity_make(TlsTestIdentity *id, const TlsTestCertSpec *spec)
{
    const TlsTestIdentity *issuer = spec->issuer ? spec->issuer : id;
    time_t now = time(NULL);
    uint8_t serial[4] = { 0x01, 0x00, 0x00, 0x00 };
    unsigned char keyid[64];
    size_t keyid_len = sizeof(keyid);

    OK(gnutls_x509_privkey_init(&id->key));
    OK(gnutls_x509_privkey_generate(
           id->key, GNUTLS_PK_ECDSA,
           GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
    OK(gnutls_x509_crt_init(&id->crt));
    OK(gnutls_x509_crt_set_version(id->crt, 3));
    serial[2] = (pki_serial >> 8) & 0xff;
    serial[3] = pki_serial & 0xff;
    pki_serial++;
    OK(gnutls_x509_crt_set_serial(id->crt, serial, sizeof(serial)));
    /* An hour of slack either side of "now" for clock skew. */
    OK(gnutls_x509_crt_set_activation_time(id->crt, now - 3600));
    OK(gnutls_x509_crt_set_expiration_time(id->crt, now + 24 * 3600));
    OK(gnutls_x509_crt_set_dn(id->crt, spec->dn, NULL));
    OK(gnutls_x509_crt_set_key(id->crt, id->key));
    OK(gnutls_x509_crt_set_basic_constraints(id->crt, spec->is_ca, -1));
    OK(gnutls_x509_crt_set_key_usage(id->crt, spec->is_ca
                                     ? GNUTLS_KEY_KEY_CERT_SIGN |
                                       GNUTLS_KEY_CRL_SIGN
                                     : GNUTLS_KEY_DIGITAL_SIGNATURE));
    OK(gnutls_x509_crt_get_key_id(id->crt, 0, keyid, &keyid_len));
    OK(gnutls_x509_crt_set_subject_key_id(id->crt, keyid, keyid_len));
    if (spec->purpose) {
        OK(gnutls_x509_crt_set_key_purpose_oid(id->crt, spec->purpose, 1));
    }
    set_alt_names(id->crt, spec);
    if (spec->issuer) {
        keyid_len = sizeof(keyid);
        OK(gnutls_x509_crt_get_subject_key_id(issuer->crt, keyid, &keyid_len,
                                              NULL));
        OK(gnutls_x509_crt_set_authority_key_id(id->crt, keyid, keyid_len));
    }
    OK(gnutls_x509_crt_sign2(id->crt, issuer->crt, issuer->key,
                             GNUTLS_DIG_SHA256, 0));
}

void tls_test_identity_free(TlsTestIdentity *id)
{
    gnutls_x509_crt_deinit(id->crt);
    gnutls_x509_privkey_deinit(id->key);
    id->crt = NULL;
    id->key = NULL;
}

char *tls_test_tmpdir(const char *prefix)
{
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", prefix);
    char *dir = g_dir_make_tmp(tmpl, NULL);

    g_assert_nonnull(dir);
    return dir;
}

char *tls_test_subdir(const char *root, const char *name)
{
    char *dir = g_build_filename(root, name, NULL);

    g_assert_cmpint(mkdir(dir, 0700), ==, 0);
    return dir;
}

void tls_test_rm_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;

    if (dir) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);

            if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                !g_file_test(child, G_FILE_TEST_IS_SYMLINK)) {
                tls_test_rm_tree(child);
            } else {
                unlink(child);
            }
        }
        g_dir_close(dir);
    }
    rmdir(path);
}

static void write_datum(const char *dir, const char *name, gnutls_datum_t *d)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, (const char *)d->data, d->size,
                                      NULL));
    gnutls_free(d->data);
    d->data = NULL;
}

void tls_test_write_cert(const char *dir, const char *name,
                         const TlsTestIdentity *id)
{
    gnutls_datum_t d;

    OK(gnutls_x509_crt_export2(id->crt, GNUTLS_X509_FMT_PEM, &d));
    write_datum(dir, name, &d);
}

void tls_test_write_key(const char *dir, const char *name,
                        const TlsTestIdentity *id, const char *password)
{
    gnutls_datum_t d;

    if (password) {
        OK(gnutls_x509_privkey_export2_pkcs8(id->key, GNUTLS_X509_FMT_PEM,
                                             password,
                                             GNUTLS_PKCS_PBES2_AES_256, &d));
    } else {
        OK(gnutls_x509_privkey_export2(id->key, GNUTLS_X509_FMT_PEM, &d));
    }
    write_datum(dir, name, &d);
}

void tls_test_write_text(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

void tls_test_write_crl(const char *dir, const char *name,
                        const TlsTestIdentity *ca,
                        const TlsTestIdentity *revoked)
{
    gnutls_x509_crl_t crl;
    gnutls_datum_t d;
    time_t now = time(NULL);

    OK(gnutls_x509_crl_init(&crl));
    OK(gnutls_x509_crl_set_version(crl, 2));
    OK(gnutls_x509_crl_set_this_update(crl, now - 60));
    OK(gnutls_x509_crl_set_next_update(crl, now + 24 * 3600));
    OK(gnutls_x509_crl_set_crt(crl, revoked->crt, now - 60));
    OK(gnutls_x509_crl_sign2(crl, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
    OK(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &d));
    write_datum(dir, name, &d);
    gnutls_x509_crl_deinit(crl);
}

char *tls_test_x509_dir(const char *root, const char *name,
                        const TlsTestIdentity *ca, const char *endpoint,
                        const TlsTestIdentity *id)
{
    char *dir = tls_test_subdir(root, name);

    tls_test_write_cert(dir, "ca-cert.pem", ca);
    if (id) {
        g_autofree char *cert = g_strdup_printf("%s-cert.pem", endpoint);
        g_autofree char *key = g_strdup_printf("%s-key.pem", endpoint);

        tls_test_write_cert(dir, cert, id);
        tls_test_write_key(dir, key, id, NULL);
    }
    return dir;
}

char *tls_test_psk_dir(const char *root, const char *name, const char *lines)
{
    char *dir = tls_test_subdir(root, name);

    tls_test_write_text(dir, "keys.psk", lines);
    return dir;
}

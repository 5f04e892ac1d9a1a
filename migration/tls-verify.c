/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who is on the other end of a migration TLS session, and may they be?
 *
 * x509 with verify-peer: the chain must verify against our CA (and CRL),
 * every certificate must be within its validity dates, and a client
 * checks the server's names against the host name. PSK: the server learns
 * the client's user name. anon: nobody is identified. With tls-authz set,
 * the server then asks the authz object about the identity; without an
 * identity (anon, or a server that does not verify its peer) the answer
 * can only be no.
 */
#include "qemu/osdep.h"
#include <gnutls/x509.h>
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "authz/base.h"
#include "tls-verify.h"

/* The verdict texts for gnutls_certificate_verify_peers2() status bits,
 * most specific first. */
static const struct {
    unsigned bit;
    const char *reason;
} verify_reasons[] = {
    { GNUTLS_CERT_REVOKED, "The certificate has been revoked" },
    { GNUTLS_CERT_SIGNER_NOT_FOUND,
      "The certificate hasn't got a known issuer" },
    { GNUTLS_CERT_SIGNER_NOT_CA, "The certificate's issuer is not a CA" },
    { GNUTLS_CERT_INSECURE_ALGORITHM,
      "The certificate uses an insecure algorithm" },
    { GNUTLS_CERT_EXPIRED, "The certificate has expired" },
    { GNUTLS_CERT_NOT_ACTIVATED, "The certificate is not yet activated" },
    { GNUTLS_CERT_INVALID, "The certificate is not trusted" },
};

static bool check_chain_status(gnutls_session_t sess, GError **errp)
{
    unsigned status = 0;
    int rc = gnutls_certificate_verify_peers2(sess, &status);

    if (rc < 0) {
        error_setg(errp, "Cannot check peer certificate: %s",
                   gnutls_strerror(rc));
        return false;
    }
    if (status == 0) {
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(verify_reasons); i++) {
        if (status & verify_reasons[i].bit) {
            error_setg(errp, "%s", verify_reasons[i].reason);
            return false;
        }
    }
    error_setg(errp, "Invalid certificate (status 0x%x)", status);
    return false;
}

static char *crt_dn(gnutls_x509_crt_t crt, GError **errp)
{
    gnutls_datum_t dn = { NULL, 0 };
    int rc = gnutls_x509_crt_get_dn2(crt, &dn);
    char *ret;

    if (rc < 0) {
        error_setg(errp, "Cannot get certificate distinguished name: %s",
                   gnutls_strerror(rc));
        return NULL;
    }
    ret = g_strndup((const char *)dn.data, dn.size);
    gnutls_free(dn.data);
    return ret;
}

/* One certificate of the peer's chain; the first one is the peer's own. */
static bool check_one_cert(const TLSVerifyRequest *req,
                           const gnutls_datum_t *der, bool is_peer,
                           char **peer_name, GError **errp)
{
    gnutls_x509_crt_t crt;
    time_t now = time(NULL);
    bool ok = false;
    int rc;

    rc = gnutls_x509_crt_init(&crt);
    if (rc < 0) {
        error_setg(errp, "Cannot initialize certificate: %s",
                   gnutls_strerror(rc));
        return false;
    }
    rc = gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER);
    if (rc < 0) {
        error_setg(errp, "Cannot import certificate: %s", gnutls_strerror(rc));
        goto out;
    }
    if (gnutls_x509_crt_get_expiration_time(crt) < now) {
        error_setg(errp, "The certificate has expired");
        goto out;
    }
    if (gnutls_x509_crt_get_activation_time(crt) > now) {
        error_setg(errp, "The certificate is not yet activated");
        goto out;
    }
    if (is_peer) {
        *peer_name = crt_dn(crt, errp);
        if (!*peer_name) {
            goto out;
        }
        if (!req->server) {
            if (!req->hostname || !*req->hostname) {
                error_setg(errp, "No hostname for certificate validation");
                goto out;
            }
            /* Matches DNS names and, for an address, IP subject names. */
            if (!gnutls_x509_crt_check_hostname(crt, req->hostname)) {
                error_setg(errp, "Certificate does not match the hostname %s",
                           req->hostname);
                goto out;
            }
        }
    }
    ok = true;
out:
    gnutls_x509_crt_deinit(crt);
    return ok;
}

static bool check_x509(const TLSVerifyRequest *req, char **peer_name,
                       GError **errp)
{
    const gnutls_datum_t *certs;
    unsigned n = 0;

    if (!qcrypto_tls_creds_verify_peer(req->creds)) {
        return true;            /* the user chose not to check */
    }
    certs = gnutls_certificate_get_peers(req->sess, &n);
    if (!certs || n == 0) {
        error_setg(errp, "No certificate peers");
        return false;
    }
    if (!check_chain_status(req->sess, errp)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!check_one_cert(req, &certs[i], i == 0, peer_name, errp)) {
            return false;
        }
    }
    return true;
}

static bool check_authz(const TLSVerifyRequest *req, const char *kind,
                        const char *identity, GError **errp)
{
    bool locked = bql_locked();
    GError *err = NULL;
    bool allowed;

    if (!identity) {
        error_setg(errp, "TLS %s authz check is denied: the peer has no "
                   "identity (anonymous, or the server credentials do not "
                   "verify the peer)", kind);
        return false;
    }
    /* authz objects are QOM objects: the BQL holder's. */
    if (!locked) {
        bql_lock();
    }
    allowed = qauthz_is_allowed_by_id(req->authz_id, identity, &err);
    if (!locked) {
        bql_unlock();
    }
    if (!allowed) {
        error_setg(errp, "TLS %s authz check for %s is denied: %s", kind,
                   identity, err->message);
        g_error_free(err);
    }
    return allowed;
}

bool tls_verify_peer(const TLSVerifyRequest *req, char **peer_name,
                     GError **errp)
{
    QCryptoTLSCredsKind kind = qcrypto_tls_creds_kind(req->creds);
    bool want_authz = req->server && req->authz_id && *req->authz_id;
    g_autofree char *name = NULL;
    const char *kind_name = "anon";
    gnutls_alert_description_t alert = GNUTLS_A_BAD_CERTIFICATE;
    bool ok = true;

    switch (kind) {
    case QCRYPTO_TLS_CREDS_X509:
        kind_name = "x509";
        ok = check_x509(req, &name, errp);
        break;
    case QCRYPTO_TLS_CREDS_PSK:
        kind_name = "PSK";
        if (req->server) {
            const char *user = gnutls_psk_server_get_username(req->sess);

            if (!user) {
                error_setg(errp, "No PSK username available");
                ok = false;
            }
            name = g_strdup(user);
        }
        break;
    default:
        break;
    }
    if (ok && want_authz) {
        alert = GNUTLS_A_ACCESS_DENIED;
        ok = check_authz(req, kind_name, name, errp);
    }
    if (!ok) {
        /* Tell the peer, whose own handshake may well have succeeded:
         * its next read fails instead of waiting for data. */
        gnutls_alert_send(req->sess, GNUTLS_AL_FATAL, alert);
        return false;
    }
    *peer_name = g_steal_pointer(&name);
    return true;
}

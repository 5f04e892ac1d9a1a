/*
 * TLS credentials objects: "tls-creds-psk", "tls-creds-x509",
 * "tls-creds-anon" (abstract parent "tls-creds"). Files are read from
 * dir= when the object is completed, so a bad directory fails object
 * creation, not the first TLS session.
 */
#ifndef CRYPTO_TLSCREDS_H
#define CRYPTO_TLSCREDS_H

#include <glib.h>
#include <gnutls/gnutls.h>

#define TYPE_QCRYPTO_TLS_CREDS "tls-creds"
#define TYPE_QCRYPTO_TLS_CREDS_PSK "tls-creds-psk"
#define TYPE_QCRYPTO_TLS_CREDS_X509 "tls-creds-x509"
#define TYPE_QCRYPTO_TLS_CREDS_ANON "tls-creds-anon"

typedef struct QCryptoTLSCreds QCryptoTLSCreds;

typedef enum QCryptoTLSCredsKind {
    QCRYPTO_TLS_CREDS_PSK,
    QCRYPTO_TLS_CREDS_X509,
    QCRYPTO_TLS_CREDS_ANON,
} QCryptoTLSCredsKind;

/* The credentials object with id `id` under /objects, or NULL with errp. */
QCryptoTLSCreds *qcrypto_tls_creds_find(const char *id, GError **errp);
QCryptoTLSCredsKind qcrypto_tls_creds_kind(QCryptoTLSCreds *creds);
bool qcrypto_tls_creds_is_server(QCryptoTLSCreds *creds);
bool qcrypto_tls_creds_verify_peer(QCryptoTLSCreds *creds);
/* The gnutls priority string to use (priority= or "NORMAL" + kind). */
const char *qcrypto_tls_creds_priority(QCryptoTLSCreds *creds);
/*
 * Put the loaded credentials on a gnutls session. Returns false with
 * errp set on gnutls failure.
 */
bool qcrypto_tls_creds_apply(QCryptoTLSCreds *creds, gnutls_session_t sess,
                             GError **errp);
/* PSK client user name (default "qemu"). */
const char *qcrypto_tls_creds_psk_username(QCryptoTLSCreds *creds);

#endif /* CRYPTO_TLSCREDS_H */

/*
 * Peer checks after a TLS handshake (private to migration/tls.c): the
 * certificate chain, dates and host name for x509, the PSK user name, and
 * the tls-authz decision.
 */
#ifndef MIGRATION_TLS_VERIFY_H
#define MIGRATION_TLS_VERIFY_H

#include <glib.h>
#include <gnutls/gnutls.h>
#include "crypto/tlscreds.h"

typedef struct TLSVerifyRequest {
    gnutls_session_t sess;      /* handshake completed */
    QCryptoTLSCreds *creds;
    bool server;
    const char *hostname;       /* client: name the server cert must match */
    const char *authz_id;       /* server: authz object id, or NULL/"" */
} TLSVerifyRequest;

/*
 * Check the peer as the credentials ask. On success *peer_name is the
 * peer's identity (x509 DN, PSK user name) or NULL; the caller frees it.
 * On failure: false with errp set, and a fatal alert sent to the peer.
 * Takes the BQL (unless held) around the authz question.
 */
bool tls_verify_peer(const TLSVerifyRequest *req, char **peer_name,
                     GError **errp);

#endif /* MIGRATION_TLS_VERIFY_H */

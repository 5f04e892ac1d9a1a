/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS credentials objects (qmp.md 9.18, cli.md 10). Common properties
 * live on the abstract "tls-creds" type; each kind's complete hook loads
 * its files from dir= with GnuTLS:
 *   psk:  keys.psk, lines "<user>:<hex key>"
 *   x509: ca-cert.pem, optional ca-crl.pem, <endpoint>-cert.pem and
 *         <endpoint>-key.pem (key password from the secret passwordid=)
 *   anon: nothing (anonymous Diffie-Hellman)
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "crypto/secret.h"
#include "crypto/tlscreds.h"

struct QCryptoTLSCreds {
    Object parent_obj;
    QCryptoTLSCredsKind kind;
    int endpoint;               /* 0 client, 1 server */
    char *dir;
    char *priority;
    bool verify_peer;
    bool sanity_check;
    char *username;             /* psk client */
    char *passwordid;           /* x509 key password secret */
    char *effective_priority;
    union {
        gnutls_psk_client_credentials_t psk_client;
        gnutls_psk_server_credentials_t psk_server;
        gnutls_certificate_credentials_t x509;
        gnutls_anon_client_credentials_t anon_client;
        gnutls_anon_server_credentials_t anon_server;
    } cred;
    /*
     * cred was allocated: set as soon as it is, so that finalize frees it
     * also when a later step of the completion fails.
     */
    bool allocated;
};

static const char *const endpoints[] = { "client", "server", NULL };

static QCryptoTLSCreds *creds_cast(Object *obj)
{
    return (QCryptoTLSCreds *)object_dynamic_cast_assert(
        obj, TYPE_QCRYPTO_TLS_CREDS, __FILE__, __LINE__, __func__);
}

#define CREDS_STR_PROP(field)                                           \
    static char *creds_get_##field(Object *obj, GError **errp)          \
    {                                                                   \
        return g_strdup(creds_cast(obj)->field);                        \
    }                                                                   \
    static bool creds_set_##field(Object *obj, const char *v, GError **errp) \
    {                                                                   \
        QCryptoTLSCreds *c = creds_cast(obj);                           \
        g_free(c->field);                                               \
        c->field = g_strdup(v);                                         \
        return true;                                                    \
    }
#define CREDS_BOOL_PROP(field)                                          \
    static bool creds_get_##field(Object *obj, GError **errp)           \
    {                                                                   \
        return creds_cast(obj)->field;                                  \
    }                                                                   \
    static bool creds_set_##field(Object *obj, bool v, GError **errp)   \
    {                                                                   \
        creds_cast(obj)->field = v;                                     \
        return true;                                                    \
    }

CREDS_STR_PROP(dir)
CREDS_STR_PROP(priority)
CREDS_STR_PROP(username)
CREDS_STR_PROP(passwordid)
CREDS_BOOL_PROP(verify_peer)
CREDS_BOOL_PROP(sanity_check)

static int creds_get_endpoint(Object *obj, GError **errp)
{
    return creds_cast(obj)->endpoint;
}

static bool creds_set_endpoint(Object *obj, int v, GError **errp)
{
    creds_cast(obj)->endpoint = v;
    return true;
}

static char *creds_file(QCryptoTLSCreds *c, const char *name, bool required,
                        GError **errp)
{
    char *path = g_build_filename(c->dir ? c->dir : ".", name, NULL);

    if (access(path, R_OK) < 0) {
        if (required || errno != ENOENT) {
            error_setg_errno(errp, errno, "Unable to access credentials %s", path);
        }
        g_free(path);
        return NULL;
    }
    return path;
}

static bool gnutls_ok(int rc, const char *what, const char *path, GError **errp)
{
    if (rc < 0) {
        error_setg(errp, "Cannot load %s %s: %s", what, path, gnutls_strerror(rc));
        return false;
    }
    return true;
}

static bool load_psk(QCryptoTLSCreds *c, GError **errp)
{
    g_autofree char *path = creds_file(c, "keys.psk", true, errp);
    const char *user = c->username ? c->username : "qemu";
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    GError *err = NULL;

    if (!path) {
        return false;
    }
    if (c->endpoint == 1) {
        gnutls_psk_allocate_server_credentials(&c->cred.psk_server);
        c->allocated = true;
        return gnutls_ok(gnutls_psk_set_server_credentials_file(c->cred.psk_server, path),
                         "PSK credentials", path, errp);
    }
    if (!g_file_get_contents(path, &contents, NULL, &err)) {
        error_setg(errp, "Cannot read %s: %s", path, err->message);
        g_error_free(err);
        return false;
    }
    lines = g_strsplit(contents, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        gnutls_datum_t key;

        if (!colon || (size_t)(colon - lines[i]) != strlen(user) ||
            strncmp(lines[i], user, colon - lines[i])) {
            continue;
        }
        g_strchomp(colon + 1);
        key.data = (unsigned char *)colon + 1;
        key.size = strlen(colon + 1);
        gnutls_psk_allocate_client_credentials(&c->cred.psk_client);
        c->allocated = true;
        return gnutls_ok(gnutls_psk_set_client_credentials(c->cred.psk_client, user,
                                                           &key, GNUTLS_PSK_KEY_HEX),
                         "PSK key for user", user, errp);
    }
    error_setg(errp, "Username %s not found in PSK file %s", user, path);
    return false;
}

static bool load_x509(QCryptoTLSCreds *c, GError **errp)
{
    const char *who = c->endpoint == 1 ? "server" : "client";
    g_autofree char *certname = g_strdup_printf("%s-cert.pem", who);
    g_autofree char *keyname = g_strdup_printf("%s-key.pem", who);
    g_autofree char *ca = creds_file(c, "ca-cert.pem", true, errp);
    g_autofree char *crl = NULL;
    g_autofree char *cert = NULL;
    g_autofree char *key = NULL;
    g_autofree char *password = NULL;
    GError *err = NULL;
    int rc;

    if (!ca) {
        return false;
    }
    crl = creds_file(c, "ca-crl.pem", false, &err);
    if (err) {
        g_propagate_error(errp, err);
        return false;
    }
    /*
     * A client certificate is optional (a missing one is not an error), but
     * one that exists and cannot be read is.
     */
    cert = creds_file(c, certname, c->endpoint == 1, &err);
    if (err) {
        g_propagate_error(errp, err);
        return false;
    }
    if (cert) {
        key = creds_file(c, keyname, true, errp);
        if (!key) {
            return false;
        }
    }
    if (c->passwordid) {
        password = qcrypto_secret_lookup_as_utf8(c->passwordid, errp);
        if (!password) {
            return false;
        }
    }
    gnutls_certificate_allocate_credentials(&c->cred.x509);
    c->allocated = true;
    rc = gnutls_certificate_set_x509_trust_file(c->cred.x509, ca, GNUTLS_X509_FMT_PEM);
    if (!gnutls_ok(rc, "CA certificate", ca, errp)) {
        return false;
    }
    if (rc == 0) {
        error_setg(errp, "No CA certificates found in %s", ca);
        return false;
    }
    if (crl && !gnutls_ok(gnutls_certificate_set_x509_crl_file(c->cred.x509, crl,
                                                               GNUTLS_X509_FMT_PEM),
                          "CA revocation list", crl, errp)) {
        return false;
    }
    if (cert) {
        rc = gnutls_certificate_set_x509_key_file2(c->cred.x509, cert, key,
                                                   GNUTLS_X509_FMT_PEM, password, 0);
        if (!gnutls_ok(rc, "certificate and key", cert, errp)) {
            return false;
        }
    }
    return true;
}

static bool creds_complete(UserCreatable *uc, GError **errp)
{
    QCryptoTLSCreds *c = creds_cast(OBJECT(uc));
    static const char *const kind_prio[] = {
        [QCRYPTO_TLS_CREDS_PSK] = ":-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:+ECDHE-PSK:+DHE-PSK:+PSK",
        [QCRYPTO_TLS_CREDS_X509] = "",
        [QCRYPTO_TLS_CREDS_ANON] = ":+ANON-ECDH:+ANON-DH",
    };
    bool ok;

    switch (c->kind) {
    case QCRYPTO_TLS_CREDS_PSK:
        ok = load_psk(c, errp);
        break;
    case QCRYPTO_TLS_CREDS_X509:
        ok = load_x509(c, errp);
        break;
    default:
        if (c->endpoint == 1) {
            gnutls_anon_allocate_server_credentials(&c->cred.anon_server);
        } else {
            gnutls_anon_allocate_client_credentials(&c->cred.anon_client);
        }
        c->allocated = true;
        ok = true;
        break;
    }
    if (ok) {
        c->effective_priority = g_strdup_printf("%s%s",
            c->priority ? c->priority : "NORMAL", kind_prio[c->kind]);
    }
    return ok;
}

static void creds_finalize(Object *obj)
{
    QCryptoTLSCreds *c = creds_cast(obj);

    if (c->allocated) {
        switch (c->kind) {
        case QCRYPTO_TLS_CREDS_PSK:
            if (c->endpoint == 1) {
                gnutls_psk_free_server_credentials(c->cred.psk_server);
            } else {
                gnutls_psk_free_client_credentials(c->cred.psk_client);
            }
            break;
        case QCRYPTO_TLS_CREDS_X509:
            gnutls_certificate_free_credentials(c->cred.x509);
            break;
        default:
            if (c->endpoint == 1) {
                gnutls_anon_free_server_credentials(c->cred.anon_server);
            } else {
                gnutls_anon_free_client_credentials(c->cred.anon_client);
            }
            break;
        }
    }
    g_free(c->dir);
    g_free(c->priority);
    g_free(c->username);
    g_free(c->passwordid);
    g_free(c->effective_priority);
}

QCryptoTLSCreds *qcrypto_tls_creds_find(const char *id, GError **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);

    if (!obj) {
        error_setg(errp, "No TLS credentials with id '%s'", id);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_QCRYPTO_TLS_CREDS)) {
        error_setg(errp, "Object with id '%s' is not TLS credentials", id);
        return NULL;
    }
    return creds_cast(obj);
}

QCryptoTLSCredsKind qcrypto_tls_creds_kind(QCryptoTLSCreds *c)
{
    return c->kind;
}

bool qcrypto_tls_creds_is_server(QCryptoTLSCreds *c)
{
    return c->endpoint == 1;
}

bool qcrypto_tls_creds_verify_peer(QCryptoTLSCreds *c)
{
    return c->verify_peer;
}

const char *qcrypto_tls_creds_priority(QCryptoTLSCreds *c)
{
    return c->effective_priority;
}

const char *qcrypto_tls_creds_psk_username(QCryptoTLSCreds *c)
{
    return c->username ? c->username : "qemu";
}

bool qcrypto_tls_creds_apply(QCryptoTLSCreds *c, gnutls_session_t sess,
                             GError **errp)
{
    int rc;

    switch (c->kind) {
    case QCRYPTO_TLS_CREDS_PSK:
        rc = gnutls_credentials_set(sess, GNUTLS_CRD_PSK,
                                    c->endpoint == 1 ? (void *)c->cred.psk_server
                                                     : (void *)c->cred.psk_client);
        break;
    case QCRYPTO_TLS_CREDS_X509:
        rc = gnutls_credentials_set(sess, GNUTLS_CRD_CERTIFICATE, c->cred.x509);
        break;
    default:
        rc = gnutls_credentials_set(sess, GNUTLS_CRD_ANON,
                                    c->endpoint == 1 ? (void *)c->cred.anon_server
                                                     : (void *)c->cred.anon_client);
        break;
    }
    if (rc < 0) {
        error_setg(errp, "Cannot set session credentials: %s", gnutls_strerror(rc));
        return false;
    }
    return true;
}

static void creds_base_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = creds_complete;
    object_class_property_add_str(oc, "dir", creds_get_dir, creds_set_dir);
    object_class_property_add_str(oc, "priority", creds_get_priority, creds_set_priority);
    object_class_property_add_enum(oc, "endpoint", "QCryptoTLSCredsEndpoint",
                                   endpoints, creds_get_endpoint, creds_set_endpoint);
    object_class_property_add_bool(oc, "verify-peer", creds_get_verify_peer,
                                   creds_set_verify_peer);
}

static void creds_base_init(Object *obj)
{
    QCryptoTLSCreds *c = creds_cast(obj);

    c->verify_peer = true;
    c->sanity_check = true;
}

static void psk_init(Object *obj)
{
    creds_cast(obj)->kind = QCRYPTO_TLS_CREDS_PSK;
}

static void x509_init(Object *obj)
{
    creds_cast(obj)->kind = QCRYPTO_TLS_CREDS_X509;
}

static void anon_init(Object *obj)
{
    creds_cast(obj)->kind = QCRYPTO_TLS_CREDS_ANON;
}

static void psk_class_init(ObjectClass *oc, const void *data)
{
    object_class_property_add_str(oc, "username", creds_get_username, creds_set_username);
}

static void x509_class_init(ObjectClass *oc, const void *data)
{
    object_class_property_add_bool(oc, "sanity-check", creds_get_sanity_check,
                                   creds_set_sanity_check);
    object_class_property_add_str(oc, "passwordid", creds_get_passwordid,
                                  creds_set_passwordid);
}

static const TypeInfo creds_types[] = {
    {
        .name = TYPE_QCRYPTO_TLS_CREDS,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(QCryptoTLSCreds),
        .instance_init = creds_base_init,
        .instance_finalize = creds_finalize,
        .class_init = creds_base_class_init,
        .interfaces = (const InterfaceInfo[]) { { TYPE_USER_CREATABLE }, { } },
    }, {
        .name = TYPE_QCRYPTO_TLS_CREDS_PSK,
        .parent = TYPE_QCRYPTO_TLS_CREDS,
        .instance_size = sizeof(QCryptoTLSCreds),
        .instance_init = psk_init,
        .class_init = psk_class_init,
    }, {
        .name = TYPE_QCRYPTO_TLS_CREDS_X509,
        .parent = TYPE_QCRYPTO_TLS_CREDS,
        .instance_size = sizeof(QCryptoTLSCreds),
        .instance_init = x509_init,
        .class_init = x509_class_init,
    }, {
        .name = TYPE_QCRYPTO_TLS_CREDS_ANON,
        .parent = TYPE_QCRYPTO_TLS_CREDS,
        .instance_size = sizeof(QCryptoTLSCreds),
        .instance_init = anon_init,
    },
};

DEFINE_TYPES(creds_types)

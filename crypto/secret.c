/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "secret" user-creatable object (cli.md 10): data= or file=,
 * format=raw|base64, and keyid=/iv= for AES-256-CBC encrypted data.
 * The value is decoded once, when the object is completed.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "crypto/secret.h"
#include <gnutls/crypto.h>

typedef struct QCryptoSecret {
    Object parent_obj;
    char *data;         /* data= as given */
    char *file;         /* file= path */
    int format;         /* 0 raw, 1 base64 */
    char *keyid;        /* secret holding the AES-256 key */
    char *iv;           /* base64 16-byte IV */
    uint8_t *raw;       /* decoded value, NUL-terminated */
    size_t rawlen;
} QCryptoSecret;

static const char *const secret_formats[] = { "raw", "base64", NULL };

static QCryptoSecret *secret_cast(Object *obj)
{
    return (QCryptoSecret *)object_dynamic_cast_assert(obj, TYPE_QCRYPTO_SECRET,
                                                       __FILE__, __LINE__, __func__);
}

#define SECRET_STR_PROP(field)                                          \
    static char *secret_get_##field(Object *obj, GError **errp)         \
    {                                                                   \
        return g_strdup(secret_cast(obj)->field);                       \
    }                                                                   \
    static bool secret_set_##field(Object *obj, const char *v, GError **errp) \
    {                                                                   \
        QCryptoSecret *s = secret_cast(obj);                            \
        g_free(s->field);                                               \
        s->field = g_strdup(v);                                         \
        return true;                                                    \
    }

SECRET_STR_PROP(data)
SECRET_STR_PROP(file)
SECRET_STR_PROP(keyid)
SECRET_STR_PROP(iv)

static int secret_get_format(Object *obj, GError **errp)
{
    return secret_cast(obj)->format;
}

static bool secret_set_format(Object *obj, int value, GError **errp)
{
    secret_cast(obj)->format = value;
    return true;
}

/* AES-256-CBC decrypt with PKCS#7 padding removal. */
static bool secret_decrypt(QCryptoSecret *s, uint8_t **buf, size_t *len,
                           GError **errp)
{
    g_autofree uint8_t *key = NULL;
    g_autofree uint8_t *iv = NULL;
    size_t keylen, ivlen;
    gnutls_cipher_hd_t hd;
    gnutls_datum_t k, i;
    int rc;

    if (!s->iv) {
        error_setg(errp, "'iv' is required when 'keyid' is set");
        return false;
    }
    if (!qcrypto_secret_lookup(s->keyid, &key, &keylen, errp)) {
        return false;
    }
    if (keylen != 32) {
        error_setg(errp, "Key secret '%s' must be 32 bytes for AES-256, not %zu",
                   s->keyid, keylen);
        return false;
    }
    iv = g_base64_decode(s->iv, &ivlen);
    if (ivlen != 16) {
        error_setg(errp, "IV must be 16 bytes, not %zu", ivlen);
        return false;
    }
    if (*len == 0 || *len % 16) {
        error_setg(errp, "Encrypted secret length %zu is not a multiple of 16", *len);
        return false;
    }
    k = (gnutls_datum_t){ .data = key, .size = 32 };
    i = (gnutls_datum_t){ .data = iv, .size = 16 };
    rc = gnutls_cipher_init(&hd, GNUTLS_CIPHER_AES_256_CBC, &k, &i);
    if (rc < 0) {
        error_setg(errp, "Cannot initialize cipher: %s", gnutls_strerror(rc));
        return false;
    }
    rc = gnutls_cipher_decrypt(hd, *buf, *len);
    gnutls_cipher_deinit(hd);
    if (rc < 0) {
        error_setg(errp, "Cannot decrypt secret: %s", gnutls_strerror(rc));
        return false;
    }
    if ((*buf)[*len - 1] == 0 || (*buf)[*len - 1] > 16) {
        error_setg(errp, "Incorrect number of padding bytes (%d) found on decrypted data",
                   (*buf)[*len - 1]);
        return false;
    }
    *len -= (*buf)[*len - 1];
    return true;
}

static bool secret_complete(UserCreatable *uc, GError **errp)
{
    QCryptoSecret *s = secret_cast(OBJECT(uc));
    g_autofree uint8_t *buf = NULL;
    size_t len;

    if (s->data && s->file) {
        error_setg(errp, "'data' and 'file' are mutually exclusive");
        return false;
    }
    if (s->data) {
        buf = (uint8_t *)g_strdup(s->data);
        len = strlen(s->data);
    } else if (s->file) {
        gchar *contents;
        gsize n;
        GError *err = NULL;

        if (!g_file_get_contents(s->file, &contents, &n, &err)) {
            error_setg(errp, "Unable to read %s: %s", s->file, err->message);
            g_error_free(err);
            return false;
        }
        buf = (uint8_t *)contents;
        len = n;
    } else {
        error_setg(errp, "Either 'data' or 'file' must be provided");
        return false;
    }
    if (s->keyid) {
        /* Encrypted data is always base64 on input. */
        g_autofree char *text = g_strndup((char *)buf, len);
        g_free(buf);
        buf = g_base64_decode(text, &len);
        if (!secret_decrypt(s, &buf, &len, errp)) {
            return false;
        }
    } else if (s->format == 1) {
        g_autofree char *text = g_strndup((char *)buf, len);
        g_free(buf);
        buf = g_base64_decode(text, &len);
    }
    s->raw = g_malloc(len + 1);
    memcpy(s->raw, buf, len);
    s->raw[len] = 0;
    s->rawlen = len;
    return true;
}

bool qcrypto_secret_lookup(const char *id, uint8_t **data, size_t *len,
                           GError **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);
    QCryptoSecret *s;

    if (!obj || !object_dynamic_cast(obj, TYPE_QCRYPTO_SECRET)) {
        error_setg(errp, "No secret with id '%s'", id);
        return false;
    }
    s = secret_cast(obj);
    if (!s->raw) {
        error_setg(errp, "Secret '%s' has no data", id);
        return false;
    }
    *data = g_malloc(s->rawlen + 1);
    memcpy(*data, s->raw, s->rawlen + 1);
    *len = s->rawlen;
    return true;
}

char *qcrypto_secret_lookup_as_utf8(const char *id, GError **errp)
{
    uint8_t *data;
    size_t len;

    if (!qcrypto_secret_lookup(id, &data, &len, errp)) {
        return NULL;
    }
    if (!g_utf8_validate((char *)data, len, NULL)) {
        error_setg(errp, "Data from secret %s is not valid UTF-8", id);
        g_free(data);
        return NULL;
    }
    return (char *)data;
}

static void secret_finalize(Object *obj)
{
    QCryptoSecret *s = secret_cast(obj);

    g_free(s->data);
    g_free(s->file);
    g_free(s->keyid);
    g_free(s->iv);
    if (s->raw) {
        memset(s->raw, 0, s->rawlen);
    }
    g_free(s->raw);
}

static void secret_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = secret_complete;
    object_class_property_add_str(oc, "data", secret_get_data, secret_set_data);
    object_class_property_add_str(oc, "file", secret_get_file, secret_set_file);
    object_class_property_add_str(oc, "keyid", secret_get_keyid, secret_set_keyid);
    object_class_property_add_str(oc, "iv", secret_get_iv, secret_set_iv);
    object_class_property_add_enum(oc, "format", "QCryptoSecretFormat",
                                   secret_formats, secret_get_format,
                                   secret_set_format);
}

static const TypeInfo secret_info = {
    .name = TYPE_QCRYPTO_SECRET,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(QCryptoSecret),
    .instance_finalize = secret_finalize,
    .class_init = secret_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void secret_register_types(void)
{
    type_register_static(&secret_info);
}

type_init(secret_register_types)

/*
 * The "secret" object: a password or key given inline (data=), read from
 * a file (file=), optionally base64-encoded and AES-256-CBC encrypted with
 * another secret (keyid= + iv=). Other objects refer to it by id.
 */
#ifndef CRYPTO_SECRET_H
#define CRYPTO_SECRET_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#define TYPE_QCRYPTO_SECRET "secret"

/*
 * The decoded bytes of secret `id` (NUL-terminated for convenience).
 * Returns false with errp set if the object is missing or not loaded.
 * BQL held.
 */
bool qcrypto_secret_lookup(const char *id, uint8_t **data, size_t *len,
                           GError **errp);
/* The secret as a UTF-8 string (caller frees). */
char *qcrypto_secret_lookup_as_utf8(const char *id, GError **errp);

#endif /* CRYPTO_SECRET_H */

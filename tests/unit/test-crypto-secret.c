/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for crypto/secret.c: the "secret" object with inline data,
 * a file, base64 encoding, and AES-256-CBC encrypted data (keyid= + iv=),
 * including the errors for bad keys, IVs, lengths and padding. The
 * encrypted test vectors are made here with GnuTLS.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "crypto/secret.h"
#include "authz/simple.h"
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

/*
 * Create a user-creatable object from string properties given as
 * NULL-terminated name/value pairs. Returns the object or NULL with errp.
 */
static Object * G_GNUC_NULL_TERMINATED
create(const char *type, const char *id, GError **errp, ...)
{
    JsonObject *props = json_object_new();
    const char *name;
    Object *obj;
    va_list ap;

    va_start(ap, errp);
    while ((name = va_arg(ap, const char *))) {
        json_object_set_string_member(props, name, va_arg(ap, const char *));
    }
    va_end(ap);
    obj = user_creatable_add_type(type, id, props, true, errp);
    json_object_unref(props);
    return obj;
}

/* Creation must fail with exactly this message and leave nothing behind. */
static void G_GNUC_NULL_TERMINATED
create_fails(const char *want, const char *id, ...)
{
    JsonObject *props = json_object_new();
    GError *err = NULL;
    const char *name;
    va_list ap;

    va_start(ap, id);
    while ((name = va_arg(ap, const char *))) {
        json_object_set_string_member(props, name, va_arg(ap, const char *));
    }
    va_end(ap);
    g_assert_null(user_creatable_add_type(TYPE_QCRYPTO_SECRET, id, props, true,
                                          &err));
    json_object_unref(props);
    g_assert_nonnull(err);
    if (!g_str_has_prefix(err->message, want)) {
        g_error("'%s' does not start with '%s'", err->message, want);
    }
    g_error_free(err);
    g_assert_null(object_resolve_path_component(object_get_objects_root(), id));
}

static void delete(const char *id)
{
    GError *err = NULL;

    g_assert_true(user_creatable_del(id, &err));
    g_assert_no_error(err);
}

/* Look up a secret and compare its bytes. */
static void assert_secret(const char *id, const void *want, size_t want_len)
{
    GError *err = NULL;
    uint8_t *data = NULL;
    size_t len = 0;

    g_assert_true(qcrypto_secret_lookup(id, &data, &len, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(data, len, want, want_len);
    /* Always NUL-terminated for convenience. */
    g_assert_cmpint(data[len], ==, 0);
    g_free(data);
}

/* ---- plain secrets ---- */

static void test_data_raw(void)
{
    GError *err = NULL;
    Object *obj;
    g_autofree char *utf8 = NULL;
    g_autofree char *prop = NULL;

    obj = create(TYPE_QCRYPTO_SECRET, "sec0", &err, "data", "hunter2", NULL);
    g_assert_no_error(err);
    g_assert_nonnull(obj);
    assert_secret("sec0", "hunter2", 7);
    utf8 = qcrypto_secret_lookup_as_utf8("sec0", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(utf8, ==, "hunter2");
    prop = object_property_get_str(obj, "data", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(prop, ==, "hunter2");
    delete("sec0");

    /* An empty secret is a secret. */
    create(TYPE_QCRYPTO_SECRET, "sec0", &err, "data", "", NULL);
    g_assert_no_error(err);
    assert_secret("sec0", "", 0);
    delete("sec0");

    /* Explicit format=raw. */
    create(TYPE_QCRYPTO_SECRET, "sec0", &err, "data", "aGk=", "format", "raw",
           NULL);
    g_assert_no_error(err);
    assert_secret("sec0", "aGk=", 4);
    delete("sec0");
}

static void test_data_base64(void)
{
    static const uint8_t binary[] = { 0x00, 0xff, 0x10, 0x80 };
    g_autofree char *b64 = g_base64_encode(binary, sizeof(binary));
    GError *err = NULL;
    char *utf8;

    create(TYPE_QCRYPTO_SECRET, "sec1", &err, "data", "aGVsbG8gd29ybGQ=",
           "format", "base64", NULL);
    g_assert_no_error(err);
    assert_secret("sec1", "hello world", 11);
    delete("sec1");

    /* Binary data, embedded NUL included; not valid as UTF-8. */
    create(TYPE_QCRYPTO_SECRET, "sec1", &err, "data", b64,
           "format", "base64", NULL);
    g_assert_no_error(err);
    assert_secret("sec1", binary, sizeof(binary));
    utf8 = qcrypto_secret_lookup_as_utf8("sec1", &err);
    g_assert_null(utf8);
    g_assert_cmpstr(err->message, ==,
                    "Data from secret sec1 is not valid UTF-8");
    g_clear_error(&err);
    delete("sec1");
}

static void test_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-secret-XXXXXX", NULL);
    g_autofree char *raw = g_build_filename(dir, "raw.txt", NULL);
    g_autofree char *b64 = g_build_filename(dir, "b64.txt", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.txt", NULL);
    g_autofree char *want = NULL;
    static const char contents[] = "pass\nword\0tail\n";
    GError *err = NULL;

    g_assert_true(g_file_set_contents(raw, contents, sizeof(contents) - 1,
                                      NULL));
    g_assert_true(g_file_set_contents(b64, "c2VjcmV0", -1, NULL));

    /* The file is taken verbatim: newlines and NULs included. */
    create(TYPE_QCRYPTO_SECRET, "fsec", &err, "file", raw, NULL);
    g_assert_no_error(err);
    assert_secret("fsec", contents, sizeof(contents) - 1);
    delete("fsec");

    create(TYPE_QCRYPTO_SECRET, "fsec", &err, "file", b64, "format", "base64",
           NULL);
    g_assert_no_error(err);
    assert_secret("fsec", "secret", 6);
    delete("fsec");

    want = g_strdup_printf("Unable to read %s: ", missing);
    create_fails(want, "fsec", "file", missing, NULL);

    unlink(raw);
    unlink(b64);
    rmdir(dir);
}

static void test_errors(void)
{
    GError *err = NULL;
    uint8_t *data = NULL;
    size_t len = 0;

    create_fails("'data' and 'file' are mutually exclusive", "bad",
                 "data", "x", "file", "/etc/hostname", NULL);
    create_fails("Either 'data' or 'file' must be provided", "bad", NULL);
    create_fails("Parameter 'format' does not accept value 'hex'", "bad",
                 "data", "x", "format", "hex", NULL);

    g_assert_false(qcrypto_secret_lookup("nope", &data, &len, &err));
    g_assert_cmpstr(err->message, ==, "No secret with id 'nope'");
    g_clear_error(&err);
    g_assert_null(qcrypto_secret_lookup_as_utf8("nope", &err));
    g_assert_cmpstr(err->message, ==, "No secret with id 'nope'");
    g_clear_error(&err);

    /* An object of another type is not a secret. */
    create(TYPE_QAUTHZ_SIMPLE, "notsecret", &err, "identity", "x", NULL);
    g_assert_no_error(err);
    g_assert_false(qcrypto_secret_lookup("notsecret", &data, &len, &err));
    g_assert_cmpstr(err->message, ==, "No secret with id 'notsecret'");
    g_clear_error(&err);
    delete("notsecret");
}

/* ---- AES-256-CBC ---- */

static const uint8_t test_key[32] = {
    0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88,
    0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1, 0x00,
    0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
    0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};
static const uint8_t test_iv[16] = {
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

/* AES-256-CBC encrypt exactly len bytes (a multiple of 16) -> base64. */
static char *encrypt_raw(const uint8_t *plain, size_t len)
{
    gnutls_datum_t k = { .data = (unsigned char *)test_key, .size = 32 };
    gnutls_datum_t i = { .data = (unsigned char *)test_iv, .size = 16 };
    g_autofree uint8_t *out = g_malloc(len);
    gnutls_cipher_hd_t hd;

    g_assert_cmpint(len % 16, ==, 0);
    g_assert_cmpint(gnutls_cipher_init(&hd, GNUTLS_CIPHER_AES_256_CBC, &k, &i),
                    ==, 0);
    g_assert_cmpint(gnutls_cipher_encrypt2(hd, plain, len, out, len), ==, 0);
    gnutls_cipher_deinit(hd);
    return g_base64_encode(out, len);
}

/* PKCS#7-pad and encrypt -> base64. */
static char *encrypt_padded(const void *plain, size_t len)
{
    size_t pad = 16 - len % 16;
    g_autofree uint8_t *buf = g_malloc(len + pad);

    memcpy(buf, plain, len);
    memset(buf + len, pad, pad);
    return encrypt_raw(buf, len + pad);
}

/* The key secret "aeskey" (base64 of test_key) and its IV in base64. */
static char *aes_setup(void)
{
    g_autofree char *key64 = g_base64_encode(test_key, sizeof(test_key));
    GError *err = NULL;

    create(TYPE_QCRYPTO_SECRET, "aeskey", &err, "data", key64,
           "format", "base64", NULL);
    g_assert_no_error(err);
    return g_base64_encode(test_iv, sizeof(test_iv));
}

static void test_aes_decrypt(void)
{
    static const char *const plains[] = {
        "s3cr3t-passw0rd",                      /* 15: one pad byte */
        "0123456789abcdef",                     /* 16: a whole pad block */
        "x",                                    /* 1 */
        "a longer password of 33 bytes!!!!",    /* 33 */
    };
    g_autofree char *iv64 = aes_setup();
    GError *err = NULL;

    for (size_t n = 0; n < G_N_ELEMENTS(plains); n++) {
        g_autofree char *cipher = encrypt_padded(plains[n], strlen(plains[n]));
        g_autofree char *utf8 = NULL;

        create(TYPE_QCRYPTO_SECRET, "enc", &err, "data", cipher,
               "keyid", "aeskey", "iv", iv64, NULL);
        g_assert_no_error(err);
        assert_secret("enc", plains[n], strlen(plains[n]));
        utf8 = qcrypto_secret_lookup_as_utf8("enc", &err);
        g_assert_no_error(err);
        g_assert_cmpstr(utf8, ==, plains[n]);
        delete("enc");
    }

    /* Encrypted data from a file is base64 too (format is implied). */
    {
        g_autofree char *dir = g_dir_make_tmp("test-secret-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "enc.b64", NULL);
        g_autofree char *cipher = encrypt_padded("from a file", 11);

        g_assert_true(g_file_set_contents(path, cipher, -1, NULL));
        create(TYPE_QCRYPTO_SECRET, "enc", &err, "file", path,
               "keyid", "aeskey", "iv", iv64, NULL);
        g_assert_no_error(err);
        assert_secret("enc", "from a file", 11);
        delete("enc");
        unlink(path);
        rmdir(dir);
    }
    delete("aeskey");
}

static void test_aes_errors(void)
{
    g_autofree char *iv64 = aes_setup();
    g_autofree char *good = encrypt_padded("password", 8);
    g_autofree char *short_iv = g_base64_encode(test_iv, 8);
    g_autofree char *odd_len = NULL;
    g_autofree char *pad0 = NULL;
    g_autofree char *pad17 = NULL;
    g_autofree char *pad_big = NULL;
    uint8_t block[32];
    GError *err = NULL;

    create_fails("'iv' is required when 'keyid' is set", "enc",
                 "data", good, "keyid", "aeskey", NULL);
    create_fails("IV must be 16 bytes, not 8", "enc",
                 "data", good, "keyid", "aeskey", "iv", short_iv, NULL);
    create_fails("No secret with id 'nokey'", "enc",
                 "data", good, "keyid", "nokey", "iv", iv64, NULL);

    /* The key must be exactly 32 bytes. */
    create(TYPE_QCRYPTO_SECRET, "kshort", &err, "data", "12345", NULL);
    g_assert_no_error(err);
    create_fails("Key secret 'kshort' must be 32 bytes for AES-256, not 5",
                 "enc", "data", good, "keyid", "kshort", "iv", iv64, NULL);
    delete("kshort");

    /* Ciphertext lengths that are not whole AES blocks. */
    memset(block, 'A', sizeof(block));
    odd_len = g_base64_encode(block, 20);
    create_fails("Encrypted secret length 20 is not a multiple of 16", "enc",
                 "data", odd_len, "keyid", "aeskey", "iv", iv64, NULL);
    create_fails("Encrypted secret length 0 is not a multiple of 16", "enc",
                 "data", "", "keyid", "aeskey", "iv", iv64, NULL);

    /* Decrypted padding counts outside 1..16. */
    memset(block, 'p', 16);
    block[15] = 0;
    pad0 = encrypt_raw(block, 16);
    create_fails("Incorrect number of padding bytes (0) found on decrypted "
                 "data", "enc", "data", pad0, "keyid", "aeskey", "iv", iv64,
                 NULL);
    block[15] = 17;
    pad17 = encrypt_raw(block, 16);
    create_fails("Incorrect number of padding bytes (17) found on decrypted "
                 "data", "enc", "data", pad17, "keyid", "aeskey", "iv", iv64,
                 NULL);
    memset(block, 'q', 32);
    block[31] = 0xff;
    pad_big = encrypt_raw(block, 32);
    create_fails("Incorrect number of padding bytes (255) found on decrypted "
                 "data", "enc", "data", pad_big, "keyid", "aeskey", "iv", iv64,
                 NULL);

    /* A secret cannot decrypt itself: it has no data while loading. */
    create_fails("Secret 'self' has no data", "self",
                 "data", good, "keyid", "self", "iv", iv64, NULL);

    /* The good vector still works after all that. */
    create(TYPE_QCRYPTO_SECRET, "enc", &err, "data", good, "keyid", "aeskey",
           "iv", iv64, NULL);
    g_assert_no_error(err);
    assert_secret("enc", "password", 8);
    delete("enc");
    delete("aeskey");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/crypto/secret/data-raw", test_data_raw);
    g_test_add_func("/crypto/secret/data-base64", test_data_base64);
    g_test_add_func("/crypto/secret/file", test_file);
    g_test_add_func("/crypto/secret/errors", test_errors);
    g_test_add_func("/crypto/secret/aes/decrypt", test_aes_decrypt);
    g_test_add_func("/crypto/secret/aes/errors", test_aes_errors);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-ram-digest's device-state digests (migration/device-digest.c): the
 * hash of a section through the QEMUFile tap against libxxhash over the
 * same bytes, written and read back; the list's wire form byte by byte
 * with every truncation and bad field; the comparison's verdicts.
 */
#include "qemu/osdep.h"
#include <xxhash.h>
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "migration/channel.h"
#include "migration/qemu-file.h"
#include "migration/device-digest.h"

static void set_ram_digest(bool on)
{
    MigrationCapabilityStatus cap = {
        .capability = MIGRATION_CAPABILITY_X_RAM_DIGEST, .state = on,
    };
    MigrationCapabilityStatusList caps = { .value = &cap };
    GError *err = NULL;

    qmp_migrate_set_capabilities(&caps, &err);
    g_assert_no_error(err);
}

static const uint8_t body[] = {
    0x00, 0x00, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03,
};

/* The definition: identity as the header encodes it, then the body. */
static void reference(const char *idstr, uint32_t inst, uint32_t ver,
                      const uint8_t *b, size_t len, RamDigestHash *out)
{
    g_autoptr(GByteArray) in = g_byte_array_new();
    uint8_t n = strlen(idstr);
    uint8_t ids[8] = {
        inst >> 24, inst >> 16, inst >> 8, inst,
        ver >> 24, ver >> 16, ver >> 8, ver,
    };

    g_byte_array_append(in, &n, 1);
    g_byte_array_append(in, (const uint8_t *)idstr, n);
    g_byte_array_append(in, ids, 8);
    g_byte_array_append(in, b, len);
    XXH128_canonicalFromHash((XXH128_canonical_t *)out->bytes,
                             XXH3_128bits(in->data, in->len));
}

/* Write two sections (the body in pieces, as vmstate does) and return
 * the stream. */
static GBytes *write_sections(void)
{
    MigChannel *ch = mig_channel_new_mem(NULL, 0, "out");
    QEMUFile *f = qemu_file_new_output(ch);
    GBytes *bytes;

    device_digest_reset(DEVICE_DIGEST_SRC);
    qemu_put_byte(f, 0x55);                 /* framing: not hashed */
    device_digest_begin(DEVICE_DIGEST_SRC, f, "serial", 1, 4);
    qemu_put_be32(f, 0x1234);
    qemu_put_buffer(f, body + 4, 4);
    qemu_put_byte(f, body[8]);
    qemu_put_buffer(f, body + 9, 2);
    device_digest_end(DEVICE_DIGEST_SRC, f);
    qemu_put_byte(f, 0x66);
    device_digest_begin(DEVICE_DIGEST_SRC, f, "ram-digest", 0, 2);
    qemu_put_byte(f, 0x77);                 /* the carrier: not listed */
    device_digest_end(DEVICE_DIGEST_SRC, f);
    device_digest_begin(DEVICE_DIGEST_SRC, f, "cpu", 0, 1);
    qemu_put_buffer(f, body, sizeof(body));
    device_digest_end(DEVICE_DIGEST_SRC, f);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    bytes = mig_channel_mem_get_bytes(ch);
    mig_channel_unref(ch);
    return bytes;
}

/* Read it back with get, in-place get and skip. */
static void read_sections(GBytes *bytes, size_t flip)
{
    gsize len;
    const uint8_t *data = g_bytes_get_data(bytes, &len);
    g_autofree uint8_t *copy = g_memdup2(data, len);
    MigChannel *ch;
    QEMUFile *f;
    uint8_t buf[16], *p = buf;

    if (flip < len) {
        copy[flip] ^= 0x01;
    }
    ch = mig_channel_new_mem(copy, len, "in");
    f = qemu_file_new_input(ch);
    device_digest_reset(DEVICE_DIGEST_DST);
    g_assert_cmpint(qemu_get_byte(f), ==, 0x55 ^ (flip == 0));
    device_digest_begin(DEVICE_DIGEST_DST, f, "serial", 1, 4);
    qemu_get_be32(f);
    g_assert_cmpint(qemu_get_buffer_in_place(f, &p, 4), ==, 4);
    qemu_file_skip(f, 3);
    device_digest_end(DEVICE_DIGEST_DST, f);
    qemu_get_byte(f);
    device_digest_begin(DEVICE_DIGEST_DST, f, "ram-digest", 0, 2);
    qemu_get_byte(f);
    device_digest_end(DEVICE_DIGEST_DST, f);
    device_digest_begin(DEVICE_DIGEST_DST, f, "cpu", 0, 1);
    /* A peek is not consumed: it must not be hashed. */
    g_assert_cmpint(qemu_peek_byte(f, 0), ==, body[0] ^ (flip == len - 11));
    g_assert_cmpint(qemu_get_buffer(f, buf, sizeof(body)), ==,
                    sizeof(body));
    device_digest_end(DEVICE_DIGEST_DST, f);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    qemu_fclose(f);
    mig_channel_unref(ch);
}

static void test_tap(void)
{
    g_autoptr(GBytes) bytes = NULL;
    const GArray *src, *dst;
    RamDigestHash want;
    GError *err = NULL;

    set_ram_digest(true);
    bytes = write_sections();
    g_assert_cmpint(g_bytes_get_size(bytes), ==, 1 + 11 + 1 + 1 + 11);
    src = device_digest_list(DEVICE_DIGEST_SRC);
    g_assert_cmpint(src->len, ==, 2);
    g_assert_cmpstr(g_array_index(src, DeviceDigest, 0).idstr, ==, "serial");
    g_assert_cmpint(g_array_index(src, DeviceDigest, 0).instance_id, ==, 1);
    reference("serial", 1, 4, body, sizeof(body), &want);
    g_assert_true(ram_digest_hash_equal(
        &g_array_index(src, DeviceDigest, 0).hash, &want));
    reference("cpu", 0, 1, body, sizeof(body), &want);
    g_assert_true(ram_digest_hash_equal(
        &g_array_index(src, DeviceDigest, 1).hash, &want));

    /* Read back intact: the same list. */
    read_sections(bytes, SIZE_MAX);
    dst = device_digest_list(DEVICE_DIGEST_DST);
    g_assert_true(device_digest_compare(src, dst, &err));
    g_assert_no_error(err);

    /* Any body byte flipped (the first section's, then the second's). */
    for (size_t i = 1; i < 1 + 11; i++) {
        read_sections(bytes, i);
        g_assert_false(device_digest_compare(
            src, device_digest_list(DEVICE_DIGEST_DST), &err));
        g_assert_nonnull(strstr(err->message, "device state mismatch in "
                                "section 'serial' instance 1"));
        g_clear_error(&err);
    }
    read_sections(bytes, g_bytes_get_size(bytes) - 11);
    g_assert_false(device_digest_compare(
        src, device_digest_list(DEVICE_DIGEST_DST), &err));
    g_assert_nonnull(strstr(err->message, "section 'cpu' instance 0"));
    g_clear_error(&err);

    /* A framing byte outside the sections is not theirs to catch. */
    read_sections(bytes, 0);
    g_assert_true(device_digest_compare(
        src, device_digest_list(DEVICE_DIGEST_DST), &err));

    /* Off: nothing is hashed. */
    set_ram_digest(false);
    g_bytes_unref(write_sections());
    g_assert_null(device_digest_list(DEVICE_DIGEST_SRC));
    device_digest_reset(DEVICE_DIGEST_SRC);
    device_digest_reset(DEVICE_DIGEST_DST);
}

static GArray *sample_list(void)
{
    GArray *l = g_array_new(false, false, sizeof(DeviceDigest));
    DeviceDigest d = { .instance_id = 0x01020304 };

    g_strlcpy(d.idstr, "ab", sizeof(d.idstr));
    for (int i = 0; i < 16; i++) {
        d.hash.bytes[i] = 0xa0 + i;
    }
    g_array_append_val(l, d);
    g_strlcpy(d.idstr, "cpu", sizeof(d.idstr));
    d.instance_id = 7;
    g_array_append_val(l, d);
    return l;
}

static void test_wire(void)
{
    g_autoptr(GArray) l = sample_list();
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autoptr(GArray) back = NULL;
    static const uint8_t head[] = {
        0, 0, 0, 2,                 /* sections */
        2, 'a', 'b', 1, 2, 3, 4,    /* name, instance */
        0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
        0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
        3, 'c', 'p', 'u', 0, 0, 0, 7,
    };
    GError *err = NULL;

    device_digest_encode(l, out);
    g_assert_cmpint(out->len, ==, 4 + (1 + 2 + 4 + 16) + (1 + 3 + 4 + 16));
    g_assert_cmpmem(out->data, sizeof(head), head, sizeof(head));
    back = device_digest_decode(out->data, out->len, &err);
    g_assert_no_error(err);
    g_assert_true(device_digest_compare(l, back, &err));
    g_assert_cmpint(back->len, ==, 2);

    /* Every truncation is refused, naming the list. */
    for (guint n = 0; n < out->len; n++) {
        g_assert_null(device_digest_decode(out->data, n, &err));
        g_assert_nonnull(strstr(err->message, "device-state digest"));
        g_clear_error(&err);
    }
    /* A trailing byte. */
    g_byte_array_append(out, (const uint8_t *)"x", 1);
    g_assert_null(device_digest_decode(out->data, out->len, &err));
    g_assert_nonnull(strstr(err->message, "used"));
    g_clear_error(&err);
    g_byte_array_set_size(out, out->len - 1);
    /* An empty name, a NUL in a name, too many sections. */
    out->data[4] = 0;
    g_assert_null(device_digest_decode(out->data, out->len, &err));
    g_assert_nonnull(strstr(err->message, "empty section name"));
    g_clear_error(&err);
    out->data[4] = 2;
    out->data[5] = 0;
    g_assert_null(device_digest_decode(out->data, out->len, &err));
    g_assert_nonnull(strstr(err->message, "NUL"));
    g_clear_error(&err);
    out->data[0] = 0xff;
    g_assert_null(device_digest_decode(out->data, out->len, &err));
    g_assert_nonnull(strstr(err->message, "at most"));
    g_clear_error(&err);
    /* An empty list is valid. */
    g_byte_array_set_size(out, 0);
    device_digest_encode(NULL, out);
    g_assert_cmpint(out->len, ==, 4);
    g_clear_pointer(&back, g_array_unref);
    back = device_digest_decode(out->data, 4, &err);
    g_assert_no_error(err);
    g_assert_cmpint(back->len, ==, 0);
}

static void test_compare(void)
{
    g_autoptr(GArray) a = sample_list();
    g_autoptr(GArray) b = sample_list();
    GError *err = NULL;

    g_assert_true(device_digest_compare(a, b, &err));
    g_array_index(b, DeviceDigest, 1).hash.bytes[15] ^= 1;
    g_assert_false(device_digest_compare(a, b, &err));
    g_assert_nonnull(strstr(err->message, "device state mismatch in section "
                            "'cpu' instance 7: digest "));
    g_clear_error(&err);
    g_array_set_size(b, 1);
    g_assert_false(device_digest_compare(a, b, &err));
    g_assert_nonnull(strstr(err->message, "not loaded here"));
    g_clear_error(&err);
    g_assert_false(device_digest_compare(b, a, &err));
    g_assert_nonnull(strstr(err->message, "did not send it"));
    g_clear_error(&err);
    g_assert_false(device_digest_compare(NULL, a, &err));
    g_clear_error(&err);
    g_array_index(b, DeviceDigest, 0).instance_id = 9;
    g_array_set_size(a, 1);
    g_assert_false(device_digest_compare(a, b, &err));
    g_assert_nonnull(strstr(err->message, "'ab' instance 9 here"));
    g_clear_error(&err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/device-digest/tap", test_tap);
    g_test_add_func("/device-digest/wire", test_wire);
    g_test_add_func("/device-digest/compare", test_compare);
    return g_test_run();
}

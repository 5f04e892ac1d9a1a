/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the postcopy return-path codecs (wire-format 5.2, 5.3.3
 * to 5.3.5): the spec's byte examples encoded and decoded, the REQ_PAGES
 * name carry-over, the little-endian received bitmap, and every
 * truncation or corruption rejected with a named error.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/channel.h"
#include "migration/qemu-file.h"
#include "migration/rp-postcopy.h"

#define BITS_PER_LONG (sizeof(unsigned long) * 8)

static GError *noerr_slot;
static GError **noerr(void)
{
    g_assert_no_error(noerr_slot);
    return &noerr_slot;
}
#define NOERR noerr()

static const uint8_t req_pages_id_ex[] = {
    0x00, 0x03, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00,
    0x00, 0x00, 0x10, 0x00, 0x08, 0x63, 0x72, 0x31, 0x36, 0x2e, 0x72, 0x61,
    0x6d,
};
static const uint8_t req_pages_ex[] = {
    0x00, 0x04, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00,
    0x00, 0x00, 0x10, 0x00,
};
static const uint8_t resume_ack_ex[] = {
    0x00, 0x06, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
};
static const uint8_t recv_bitmap_ex[] = {
    0x00, 0x05, 0x00, 0x09, 0x08, 0x63, 0x72, 0x31, 0x36, 0x2e, 0x72, 0x61,
    0x6d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
    0xef,
};

static void test_req_pages_encode(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autofree char *last = NULL;
    size_t n1 = sizeof(req_pages_id_ex);

    g_assert_true(rp_postcopy_encode_page_request(out, &last, "cr16.ram",
                                                  0x3000, 0x1000, NOERR));
    g_assert_cmpstr(last, ==, "cr16.ram");
    /* same block: no name */
    g_assert_true(rp_postcopy_encode_page_request(out, &last, "cr16.ram",
                                                  0x4000, 0x1000, NOERR));
    g_assert_cmpmem(out->data, n1, req_pages_id_ex, n1);
    g_assert_cmpmem(out->data + n1, out->len - n1, req_pages_ex,
                    sizeof(req_pages_ex));

    /* another block, then back: a name each time it changes */
    g_byte_array_set_size(out, 0);
    g_assert_true(rp_postcopy_encode_page_request(out, &last, "rom", 0, 0x1000,
                                                  NOERR));
    g_assert_cmpuint(out->data[1], ==, RP_POSTCOPY_MSG_REQ_PAGES_ID);
    g_assert_cmpuint(out->len, ==, 4 + 12 + 1 + 3);
    g_byte_array_set_size(out, 0);
    g_assert_true(rp_postcopy_encode_page_request(out, &last, "cr16.ram",
                                                  0x3000, 0x1000, NOERR));
    g_assert_cmpmem(out->data, out->len, req_pages_id_ex, n1);

    /* after a resume the caller forgets the block: a name again */
    g_clear_pointer(&last, g_free);
    g_byte_array_set_size(out, 0);
    g_assert_true(rp_postcopy_encode_page_request(out, &last, "cr16.ram",
                                                  0x3000, 0x1000, NOERR));
    g_assert_cmpmem(out->data, out->len, req_pages_id_ex, n1);
}

static void test_req_pages_encode_bad_name(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    g_autofree char *last = NULL;
    g_autofree char *longname = g_strnfill(256, 'x');
    GError *err = NULL;

    g_assert_false(rp_postcopy_encode_page_request(out, &last, "", 0, 4096,
                                                   &err));
    g_assert_nonnull(strstr(err->message, "1..255"));
    g_clear_error(&err);
    g_assert_false(rp_postcopy_encode_page_request(out, &last, longname, 0,
                                                   4096, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_cmpuint(out->len, ==, 0);
}

static void test_req_pages_decode(void)
{
    RpPageRequest r;
    GError *err = NULL;
    uint8_t bad[64];

    g_assert_true(rp_postcopy_decode_page_request(3, req_pages_id_ex + 4,
                                                  sizeof(req_pages_id_ex) - 4,
                                                  &r, NOERR));
    g_assert_true(r.has_name);
    g_assert_cmpstr(r.name, ==, "cr16.ram");
    g_assert_cmphex(r.start, ==, 0x3000);
    g_assert_cmphex(r.len, ==, 0x1000);

    g_assert_true(rp_postcopy_decode_page_request(4, req_pages_ex + 4, 12, &r,
                                                  NOERR));
    g_assert_false(r.has_name);
    g_assert_cmphex(r.start, ==, 0x4000);
    g_assert_cmphex(r.len, ==, 0x1000);

    /* REQ_PAGES of any other length */
    g_assert_false(rp_postcopy_decode_page_request(4, req_pages_ex + 4, 11, &r,
                                                   &err));
    g_assert_nonnull(strstr(err->message, "bad length"));
    g_clear_error(&err);
    /* every short REQ_PAGES_ID, and one byte too many */
    for (size_t n = 0; n < sizeof(req_pages_id_ex) - 4; n++) {
        g_assert_false(rp_postcopy_decode_page_request(3, req_pages_id_ex + 4,
                                                       n, &r, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
    memcpy(bad, req_pages_id_ex + 4, sizeof(req_pages_id_ex) - 4);
    bad[sizeof(req_pages_id_ex) - 4] = 'x';
    g_assert_false(rp_postcopy_decode_page_request(3, bad,
                                                   sizeof(req_pages_id_ex) - 3,
                                                   &r, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    /* empty name */
    memset(bad, 0, 13);
    g_assert_false(rp_postcopy_decode_page_request(3, bad, 13, &r, &err));
    g_assert_nonnull(strstr(err->message, "empty"));
    g_clear_error(&err);
    /* a NUL inside the name */
    memcpy(bad, req_pages_id_ex + 4, sizeof(req_pages_id_ex) - 4);
    bad[15] = 0;
    g_assert_false(rp_postcopy_decode_page_request(3, bad,
                                                   sizeof(req_pages_id_ex) - 4,
                                                   &r, &err));
    g_assert_nonnull(strstr(err->message, "NUL"));
    g_clear_error(&err);
    /* not a page request */
    g_assert_false(rp_postcopy_decode_page_request(2, bad, 4, &r, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
}

static void test_resume_ack(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    GError *err = NULL;
    static const uint8_t two[4] = { 0, 0, 0, 2 };

    rp_postcopy_encode_resume_ack(out, 1);
    g_assert_cmpmem(out->data, out->len, resume_ack_ex, sizeof(resume_ack_ex));
    g_assert_true(rp_postcopy_decode_resume_ack(resume_ack_ex + 4, 4, NOERR));
    g_assert_false(rp_postcopy_decode_resume_ack(two, 4, &err));
    g_assert_nonnull(strstr(err->message, "value 2"));
    g_clear_error(&err);
    g_assert_false(rp_postcopy_decode_resume_ack(resume_ack_ex + 4, 3, &err));
    g_assert_nonnull(strstr(err->message, "bad length"));
    g_clear_error(&err);
}

static void test_recv_bitmap_spec_example(void)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    unsigned long map[1] = { 0x3 };
    unsigned long back[1] = { ~0UL };
    char name[256];
    size_t used = 0;

    g_assert_cmpuint(rp_postcopy_recv_bitmap_size(2), ==, 8);
    g_assert_true(rp_postcopy_encode_recv_bitmap(out, "cr16.ram", map, 2,
                                                 NOERR));
    g_assert_cmpmem(out->data, out->len, recv_bitmap_ex,
                    sizeof(recv_bitmap_ex));

    g_assert_true(rp_postcopy_decode_recv_bitmap_msg(recv_bitmap_ex + 4, 9,
                                                     name, NOERR));
    g_assert_cmpstr(name, ==, "cr16.ram");
    g_assert_true(rp_postcopy_decode_recv_bitmap_data(recv_bitmap_ex + 13,
                                                      sizeof(recv_bitmap_ex)
                                                      - 13, 2, back, &used,
                                                      NOERR));
    g_assert_cmpuint(used, ==, sizeof(recv_bitmap_ex) - 13);
    g_assert_cmphex(back[0], ==, 0x3);
}

static void test_recv_bitmap_layout(void)
{
    /* 130 pages: bits 0, 9, 64, 129 -> LE bytes 0, 1, 8, 16 */
    unsigned long map[DIV_ROUND_UP(130, BITS_PER_LONG)];
    unsigned long back[DIV_ROUND_UP(130, BITS_PER_LONG)];
    g_autoptr(GByteArray) out = g_byte_array_new();
    const uint8_t *bm;
    size_t used;
    static const unsigned bits[] = { 0, 9, 64, 129 };

    memset(map, 0, sizeof(map));
    for (size_t i = 0; i < G_N_ELEMENTS(bits); i++) {
        map[bits[i] / BITS_PER_LONG] |= 1UL << (bits[i] % BITS_PER_LONG);
    }
    g_assert_cmpuint(rp_postcopy_recv_bitmap_size(130), ==, 24);
    g_assert_true(rp_postcopy_encode_recv_bitmap(out, "b", map, 130, NOERR));
    g_assert_cmpuint(out->len, ==, 4 + 2 + 8 + 24 + 8);
    bm = out->data + 6 + 8;
    for (size_t i = 0; i < 24; i++) {
        uint8_t want = i == 0 ? 0x01 : i == 1 ? 0x02 : i == 8 ? 0x01 :
                       i == 16 ? 0x02 : 0;
        g_assert_cmphex(bm[i], ==, want);
    }
    memset(back, 0xff, sizeof(back));
    g_assert_true(rp_postcopy_decode_recv_bitmap_data(out->data + 6,
                                                      out->len - 6, 130,
                                                      back, &used, NOERR));
    g_assert_cmpmem(back, sizeof(back), map, sizeof(map));
}

static void test_recv_bitmap_rejects(void)
{
    const uint8_t *data = recv_bitmap_ex + 13;
    size_t len = sizeof(recv_bitmap_ex) - 13;
    uint8_t bad[64];
    unsigned long back[1];
    char name[256];
    size_t used;
    GError *err = NULL;

    for (size_t n = 0; n < len; n++) {
        g_assert_false(rp_postcopy_decode_recv_bitmap_data(data, n, 2, back,
                                                           &used, &err));
        g_assert_nonnull(err);
        g_clear_error(&err);
    }
    /* a size for another page count */
    g_assert_false(rp_postcopy_decode_recv_bitmap_data(data, len, 65, back,
                                                       &used, &err));
    g_assert_nonnull(strstr(err->message, "size mismatch"));
    g_clear_error(&err);
    /* a wrong end mark */
    memcpy(bad, data, len);
    bad[len - 1] ^= 1;
    g_assert_false(rp_postcopy_decode_recv_bitmap_data(bad, len, 2, back,
                                                       &used, &err));
    g_assert_nonnull(strstr(err->message, "end mark incorrect"));
    g_clear_error(&err);
    /* a huge size from the wire must not be trusted */
    memset(bad, 0xff, 8);
    g_assert_false(rp_postcopy_decode_recv_bitmap_data(bad, len, 2, back,
                                                       &used, &err));
    g_assert_nonnull(strstr(err->message, "size mismatch"));
    g_clear_error(&err);

    /* message payloads: empty name, length not 1 + N */
    g_assert_false(rp_postcopy_decode_recv_bitmap_msg((const uint8_t *)"\0",
                                                      1, name, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(rp_postcopy_decode_recv_bitmap_msg(recv_bitmap_ex + 4, 8,
                                                      name, &err));
    g_assert_nonnull(strstr(err->message, "bad length"));
    g_clear_error(&err);
    g_assert_false(rp_postcopy_decode_recv_bitmap_msg(recv_bitmap_ex + 4, 10,
                                                      name, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
}

static void test_recv_bitmap_from_file(void)
{
    const uint8_t *data = recv_bitmap_ex + 13;
    size_t len = sizeof(recv_bitmap_ex) - 13;
    unsigned long back[1] = { 0 };
    GError *err = NULL;
    MigChannel *ch;
    QEMUFile *f;

    ch = mig_channel_new_mem(data, len, "rp");
    f = qemu_file_new_input(ch);
    mig_channel_unref(ch);
    g_assert_true(rp_postcopy_read_recv_bitmap_data(f, 2, back, NOERR));
    g_assert_cmphex(back[0], ==, 3);
    qemu_fclose(f);

    /* cut before the end mark: an I/O error, not a bad mark */
    ch = mig_channel_new_mem(data, len - 3, "rp");
    f = qemu_file_new_input(ch);
    mig_channel_unref(ch);
    g_assert_false(rp_postcopy_read_recv_bitmap_data(f, 2, back, &err));
    g_assert_nonnull(strstr(err->message, "end mark"));
    g_assert_null(strstr(err->message, "incorrect"));
    g_clear_error(&err);
    qemu_fclose(f);

    ch = mig_channel_new_mem(data, len, "rp");
    f = qemu_file_new_input(ch);
    mig_channel_unref(ch);
    g_assert_false(rp_postcopy_read_recv_bitmap_data(f, 200, back, &err));
    g_assert_nonnull(strstr(err->message, "size mismatch"));
    g_clear_error(&err);
    qemu_fclose(f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/postcopy-rp/req-pages/encode", test_req_pages_encode);
    g_test_add_func("/postcopy-rp/req-pages/encode-bad-name",
                    test_req_pages_encode_bad_name);
    g_test_add_func("/postcopy-rp/req-pages/decode", test_req_pages_decode);
    g_test_add_func("/postcopy-rp/resume-ack", test_resume_ack);
    g_test_add_func("/postcopy-rp/recv-bitmap/spec-example",
                    test_recv_bitmap_spec_example);
    g_test_add_func("/postcopy-rp/recv-bitmap/layout",
                    test_recv_bitmap_layout);
    g_test_add_func("/postcopy-rp/recv-bitmap/rejects",
                    test_recv_bitmap_rejects);
    g_test_add_func("/postcopy-rp/recv-bitmap/from-file",
                    test_recv_bitmap_from_file);
    return g_test_run();
}

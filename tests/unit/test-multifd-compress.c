/*
 * Multifd compression: round trips through zlib and zstd at several
 * levels on random, zero and structured pages over many packets of one
 * continuous stream; the stream shape of wire 6.2.7 (one stream per
 * channel, flushed per packet, never ended); corrupt, truncated and
 * over-long payloads rejected without writing past a page (each page is
 * its own allocation, so the sanitizer build catches an overrun).
 */
#include "qemu/osdep.h"

#include <zlib.h>
#include <zstd.h>

#include "migration/multifd-compress.h"
#include "migration/multifd-wire.h"

#define PAGE TARGET_PAGE_SIZE

typedef enum PageKind { KIND_RANDOM, KIND_ZERO, KIND_TEXT, KIND_MIXED } PageKind;

typedef struct Pages {
    unsigned n;
    uint8_t *p[MULTIFD_PAGES_PER_PACKET];
} Pages;

static void pages_alloc(Pages *pg, unsigned n)
{
    pg->n = n;
    for (unsigned i = 0; i < n; i++) {
        pg->p[i] = g_malloc(PAGE);
        memset(pg->p[i], 0xee, PAGE);
    }
}

static void pages_free(Pages *pg)
{
    for (unsigned i = 0; i < pg->n; i++) {
        g_free(pg->p[i]);
    }
}

static void pages_fill(Pages *pg, PageKind kind, GRand *rand)
{
    for (unsigned i = 0; i < pg->n; i++) {
        PageKind k = kind == KIND_MIXED ? (PageKind)g_rand_int_range(rand, 0, 3)
                                         : kind;

        for (unsigned j = 0; j < PAGE; j++) {
            switch (k) {
            case KIND_RANDOM:
                pg->p[i][j] = g_rand_int(rand);
                break;
            case KIND_ZERO:
                pg->p[i][j] = 0;
                break;
            default:
                /* Words and counters, like code or tables in a guest. */
                pg->p[i][j] = "migration multifd "[j % 18] + (j / 64) % 3;
                break;
            }
        }
    }
}

static size_t compress_packet(MultiFDCodec *c, Pages *pg, uint8_t *out)
{
    g_autoptr(GError) err = NULL;
    size_t len = 0;

    g_assert_true(multifd_codec_compress(c, (const uint8_t *const *)pg->p,
                                         pg->n, out,
                                         MULTIFD_COMPRESSED_PAYLOAD_MAX,
                                         &len, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(len, >, 0);
    return len;
}

static void assert_pages_equal(Pages *a, Pages *b)
{
    g_assert_cmpuint(a->n, ==, b->n);
    for (unsigned i = 0; i < a->n; i++) {
        g_assert_cmpmem(a->p[i], PAGE, b->p[i], PAGE);
    }
}

typedef struct RoundTrip {
    MultiFDCompression method;
    int level;
} RoundTrip;

/* Many packets of varied size and content through one channel. */
static void test_round_trip(gconstpointer opaque)
{
    const RoundTrip *rt = opaque;
    static const unsigned sizes[] = { 1, 7, MULTIFD_PAGES_PER_PACKET, 2, 64 };
    static const PageKind kinds[] = {
        KIND_RANDOM, KIND_ZERO, KIND_TEXT, KIND_MIXED, KIND_MIXED,
    };
    g_autoptr(GRand) rand = g_rand_new_with_seed(rt->level * 31 + 7);
    g_autoptr(GError) err = NULL;
    g_autoptr(MultiFDCodec) tx = multifd_codec_new_send(rt->method,
                                                        rt->level, 1, &err);
    g_autoptr(MultiFDCodec) rx = multifd_codec_new_recv(rt->method, 1, &err);
    g_autofree uint8_t *buf = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);

    g_assert_no_error(err);
    for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++) {
        Pages src, dst;
        size_t len;

        pages_alloc(&src, sizes[k]);
        pages_alloc(&dst, sizes[k]);
        pages_fill(&src, kinds[k], rand);
        len = compress_packet(tx, &src, buf);
        /* zlib level 0 stores without compressing. */
        if ((kinds[k] == KIND_ZERO || kinds[k] == KIND_TEXT) &&
            !(rt->method == MULTIFD_COMPRESSION_ZLIB && rt->level == 0)) {
            g_assert_cmpuint(len, <, sizes[k] * PAGE / 4);
        }
        if (kinds[k] == KIND_RANDOM) {
            /* Incompressible pages barely grow. */
            g_assert_cmpuint(len, <, sizes[k] * PAGE + 1024);
        }
        g_assert_true(multifd_codec_decompress(rx, buf, len, dst.p, dst.n,
                                               &err));
        g_assert_no_error(err);
        assert_pages_equal(&src, &dst);
        pages_free(&src);
        pages_free(&dst);
    }
}

/*
 * wire 6.2.7: the channel's first payload starts the stream (zlib header
 * / zstd frame magic), each packet ends flushed (zlib: the empty stored
 * block 00 00 ff ff), later payloads continue the same stream, so a
 * fresh decoder cannot read packet 2 but one stream decoder reads the
 * concatenation of all payloads.
 */
static void test_stream_shape(gconstpointer opaque)
{
    MultiFDCompression method = GPOINTER_TO_INT(opaque);
    g_autoptr(GRand) rand = g_rand_new_with_seed(5);
    g_autoptr(GError) err = NULL;
    g_autoptr(MultiFDCodec) tx = multifd_codec_new_send(method, 1, 0, &err);
    g_autoptr(GByteArray) all = g_byte_array_new();
    g_autofree uint8_t *buf = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
    g_autofree uint8_t *whole = g_malloc(3 * 4 * PAGE);
    size_t first_len = 0, second_at = 0;
    Pages src[3];

    for (int k = 0; k < 3; k++) {
        size_t len;

        pages_alloc(&src[k], 4);
        pages_fill(&src[k], KIND_MIXED, rand);
        len = compress_packet(tx, &src[k], buf);
        if (k == 0) {
            first_len = len;
            if (method == MULTIFD_COMPRESSION_ZLIB) {
                /* zlib header for deflate, 32 KiB window, level 1 */
                g_assert_cmpuint(buf[0], ==, 0x78);
                g_assert_cmpuint(buf[1], ==, 0x01);
            } else {
                g_assert_cmpuint(buf[0], ==, 0x28);
                g_assert_cmpuint(buf[1], ==, 0xb5);
                g_assert_cmpuint(buf[2], ==, 0x2f);
                g_assert_cmpuint(buf[3], ==, 0xfd);
            }
        }
        if (k == 1) {
            second_at = all->len;
        }
        if (method == MULTIFD_COMPRESSION_ZLIB) {
            static const uint8_t sync_marker[] = { 0, 0, 0xff, 0xff };

            g_assert_cmpmem(buf + len - 4, 4, sync_marker, 4);
        }
        g_byte_array_append(all, buf, len);
    }
    g_assert_cmpuint(first_len, >, 0);

    if (method == MULTIFD_COMPRESSION_ZLIB) {
        z_stream zs = { 0 };

        /* One stream over everything; no stream end anywhere. */
        g_assert_cmpint(inflateInit(&zs), ==, Z_OK);
        zs.next_in = all->data;
        zs.avail_in = all->len;
        zs.next_out = whole;
        zs.avail_out = 3 * 4 * PAGE;
        g_assert_cmpint(inflate(&zs, Z_SYNC_FLUSH), ==, Z_OK);
        g_assert_cmpuint(zs.avail_out, ==, 0);
        g_assert_cmpuint(zs.avail_in, ==, 0);
        inflateEnd(&zs);

        /* Packet 2 alone is not a zlib stream. */
        g_assert_cmpint(inflateInit(&zs), ==, Z_OK);
        zs.next_in = all->data + second_at;
        zs.avail_in = all->len - second_at;
        zs.next_out = buf;
        zs.avail_out = PAGE;
        g_assert_cmpint(inflate(&zs, Z_SYNC_FLUSH), ==, Z_DATA_ERROR);
        inflateEnd(&zs);
    } else {
        ZSTD_DCtx *d = ZSTD_createDCtx();
        ZSTD_inBuffer ib = { all->data, all->len, 0 };
        ZSTD_outBuffer ob = { whole, 3 * 4 * PAGE, 0 };
        size_t ret;

        while (ob.pos < ob.size) {
            ret = ZSTD_decompressStream(d, &ob, &ib);
            g_assert_false(ZSTD_isError(ret));
            /* The frame is never ended, so the decoder wants more. */
            g_assert_cmpuint(ret, !=, 0);
        }
        g_assert_cmpuint(ib.pos, ==, ib.size);
        ZSTD_freeDCtx(d);

        d = ZSTD_createDCtx();
        ib = (ZSTD_inBuffer){ all->data + second_at, all->len - second_at, 0 };
        ob = (ZSTD_outBuffer){ buf, PAGE, 0 };
        ret = ZSTD_decompressStream(d, &ob, &ib);
        g_assert_true(ZSTD_isError(ret));
        ZSTD_freeDCtx(d);
    }
    for (int k = 0; k < 3; k++) {
        for (unsigned i = 0; i < 4; i++) {
            g_assert_cmpmem(whole + (k * 4 + i) * PAGE, PAGE, src[k].p[i],
                            PAGE);
        }
        pages_free(&src[k]);
    }
}

static void assert_error_contains(GError *err, const char *needle)
{
    g_assert_nonnull(err);
    if (!strstr(err->message, needle)) {
        g_error("error '%s' does not contain '%s'", err->message, needle);
    }
}

/* Decode `len` bytes of payload `buf` for n pages on a fresh channel and
 * expect an error containing msg. */
static void expect_decode_error(MultiFDCompression method,
                                const uint8_t *buf, size_t len, unsigned n,
                                const char *msg)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(MultiFDCodec) rx = multifd_codec_new_recv(method, 3, &err);
    Pages dst;

    pages_alloc(&dst, n);
    g_assert_false(multifd_codec_decompress(rx, buf, len, dst.p, n, &err));
    assert_error_contains(err, msg);
    /* The stream is now unusable. */
    g_clear_error(&err);
    g_assert_false(multifd_codec_decompress(rx, buf, len, dst.p, n, &err));
    assert_error_contains(err, "multifd channel 3: ");
    assert_error_contains(err, "stream unusable after an earlier error");
    pages_free(&dst);
}

static size_t first_payload(MultiFDCompression method, unsigned n,
                            PageKind kind, uint8_t *buf)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(11);
    g_autoptr(GError) err = NULL;
    g_autoptr(MultiFDCodec) tx = multifd_codec_new_send(method, 1, 0, &err);
    Pages src;
    size_t len;

    pages_alloc(&src, n);
    pages_fill(&src, kind, rand);
    len = compress_packet(tx, &src, buf);
    pages_free(&src);
    return len;
}

static void test_bad_input(gconstpointer opaque)
{
    MultiFDCompression method = GPOINTER_TO_INT(opaque);
    bool zlib = method == MULTIFD_COMPRESSION_ZLIB;
    const char *prefix = zlib ? "multifd channel 3: zlib: "
                              : "multifd channel 3: zstd: ";
    g_autofree uint8_t *buf = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
    g_autofree uint8_t *bad = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
    size_t len = first_payload(method, 8, KIND_RANDOM, buf);
    g_autofree char *msg = NULL;

    /* Truncated in the middle of the data. */
    msg = g_strconcat(prefix, "compressed data ends ", NULL);
    expect_decode_error(method, buf, len / 2, 8, msg);
    expect_decode_error(method, buf, 0, 8, "compressed data ends 4096 bytes "
                        "short of page 0 of 8");

    /* More pages announced than the payload holds. */
    expect_decode_error(method, buf, len, 9, "short of page 8 of 9");

    /* Fewer pages announced: the payload decodes past them. */
    expect_decode_error(method, buf, len, 7, "compressed data decodes to "
                        "more than the 7 pages of the packet");

    /* Garbage after a valid payload. */
    memcpy(bad, buf, len);
    memset(bad + len, 0xff, 16);
    expect_decode_error(method, bad, len + 16, 8, prefix);

    /* A broken stream header. */
    memcpy(bad, buf, len);
    bad[0] ^= 0x55;
    expect_decode_error(method, bad, len, 8,
                        zlib ? "inflate failed on page 0 of 8: incorrect "
                               "header check"
                             : "decompression failed on page 0 of 8: Unknown "
                               "frame descriptor");
}

/*
 * Every single-byte corruption and every truncation of a payload of
 * structured pages: decoding may fail or (where no checksum covers the
 * byte) produce different page contents, but must never write outside
 * the pages or crash. Each page is a separate allocation for the
 * sanitizer.
 */
static void test_corruption_sweep(gconstpointer opaque)
{
    MultiFDCompression method = GPOINTER_TO_INT(opaque);
    g_autofree uint8_t *buf = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
    g_autofree uint8_t *bad = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
    size_t len = first_payload(method, 3, KIND_MIXED, buf);
    unsigned failures = 0;

    for (size_t at = 0; at < len; at++) {
        for (int variant = 0; variant < 2; variant++) {
            g_autoptr(GError) err = NULL;
            g_autoptr(MultiFDCodec) rx = multifd_codec_new_recv(method, 0,
                                                                &err);
            size_t blen = len;
            Pages dst;

            memcpy(bad, buf, len);
            if (variant == 0) {
                bad[at] ^= 0xa5;
            } else {
                blen = at;      /* truncated */
            }
            pages_alloc(&dst, 3);
            if (!multifd_codec_decompress(rx, bad, blen, dst.p, 3, &err)) {
                g_assert_nonnull(err);
                g_assert_true(g_str_has_prefix(err->message,
                                               "multifd channel 0: "));
                failures++;
            }
            pages_free(&dst);
        }
    }
    /* Every truncation fails, except a cut inside zlib's trailing sync
     * marker, after the last page's data. */
    g_assert_cmpuint(failures, >=, len - 4);
}

static void test_bad_level(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(multifd_codec_new_send(MULTIFD_COMPRESSION_ZLIB, 10, 2,
                                         &err));
    assert_error_contains(err, "multifd channel 2: zlib level 10 not in 0..9");
    g_clear_error(&err);
    g_assert_null(multifd_codec_new_send(MULTIFD_COMPRESSION_ZSTD, 21, 0,
                                         &err));
    assert_error_contains(err, "multifd channel 0: zstd level 21 not in "
                          "0..20");
    g_clear_error(&err);
    g_assert_null(multifd_codec_new_send(MULTIFD_COMPRESSION_ZSTD, -1, 0,
                                         &err));
    g_assert_nonnull(err);

    g_assert_cmpuint(multifd_compress_flag(MULTIFD_COMPRESSION_NONE), ==, 0);
    g_assert_cmpuint(multifd_compress_flag(MULTIFD_COMPRESSION_ZLIB), ==, 2);
    g_assert_cmpuint(multifd_compress_flag(MULTIFD_COMPRESSION_ZSTD), ==, 4);
}

/* The compressor reports a buffer too small instead of overrunning it. */
static void test_small_buffer(gconstpointer opaque)
{
    MultiFDCompression method = GPOINTER_TO_INT(opaque);
    g_autoptr(GRand) rand = g_rand_new_with_seed(3);
    g_autoptr(GError) err = NULL;
    g_autoptr(MultiFDCodec) tx = multifd_codec_new_send(method, 1, 4, &err);
    g_autofree uint8_t *out = g_malloc(1000);
    size_t len = 0;
    Pages src;

    pages_alloc(&src, 2);
    pages_fill(&src, KIND_RANDOM, rand);
    g_assert_false(multifd_codec_compress(tx, (const uint8_t *const *)src.p,
                                          2, out, 1000, &len, &err));
    assert_error_contains(err, "compressed data of 2 pages does not fit in "
                          "1000 bytes");
    pages_free(&src);
}

int main(int argc, char **argv)
{
    static const RoundTrip trips[] = {
        { MULTIFD_COMPRESSION_ZLIB, 0 }, { MULTIFD_COMPRESSION_ZLIB, 1 },
        { MULTIFD_COMPRESSION_ZLIB, 6 }, { MULTIFD_COMPRESSION_ZLIB, 9 },
        { MULTIFD_COMPRESSION_ZSTD, 0 }, { MULTIFD_COMPRESSION_ZSTD, 1 },
        { MULTIFD_COMPRESSION_ZSTD, 7 }, { MULTIFD_COMPRESSION_ZSTD, 20 },
    };
    static const MultiFDCompression methods[] = {
        MULTIFD_COMPRESSION_ZLIB, MULTIFD_COMPRESSION_ZSTD,
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(trips); i++) {
        g_autofree char *path = g_strdup_printf(
            "/multifd-compress/%s/round-trip/level-%d",
            MultiFDCompression_str(trips[i].method), trips[i].level);

        g_test_add_data_func(path, &trips[i], test_round_trip);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++) {
        const char *name = MultiFDCompression_str(methods[i]);
        gconstpointer m = GINT_TO_POINTER(methods[i]);
        g_autofree char *p1 = g_strdup_printf("/multifd-compress/%s/stream-"
                                              "shape", name);
        g_autofree char *p2 = g_strdup_printf("/multifd-compress/%s/bad-"
                                              "input", name);
        g_autofree char *p3 = g_strdup_printf("/multifd-compress/%s/"
                                              "corruption-sweep", name);
        g_autofree char *p4 = g_strdup_printf("/multifd-compress/%s/small-"
                                              "buffer", name);

        g_test_add_data_func(p1, m, test_stream_shape);
        g_test_add_data_func(p2, m, test_bad_input);
        g_test_add_data_func(p3, m, test_corruption_sweep);
        g_test_add_data_func(p4, m, test_small_buffer);
    }
    g_test_add_func("/multifd-compress/bad-level", test_bad_level);
    return g_test_run();
}

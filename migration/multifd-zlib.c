/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd zlib (wire 6.2.7): one zlib-format stream (deflateInit, 2-byte
 * header at the start of the channel's first payload) per channel. Each
 * page is fed with Z_NO_FLUSH except the packet's last, with
 * Z_SYNC_FLUSH, so every packet ends on a byte boundary the peer can
 * decode up to; the stream is never finished.
 */
#include "qemu/osdep.h"

#include <zlib.h>

#include "migration/multifd-compress.h"
#include "migration/multifd-wire.h"
#include "qapi/error.h"
#include "system/memory.h"

typedef struct ZlibSend {
    z_stream zs;
    /*
     * The guest may write a page while we compress it; zlib does not
     * promise to cope with input changing under it, so each page is
     * copied here first.
     */
    uint8_t page[TARGET_PAGE_SIZE];
} ZlibSend;

static const char *zmsg(const z_stream *zs, int ret)
{
    return zs->msg ? zs->msg : zError(ret);
}

static void *zlib_send_setup(int level, GError **errp)
{
    ZlibSend *z = g_new0(ZlibSend, 1);
    int ret = deflateInit(&z->zs, level);

    if (ret != Z_OK) {
        error_setg(errp, "deflateInit failed: %s", zmsg(&z->zs, ret));
        g_free(z);
        return NULL;
    }
    return z;
}

static bool zlib_compress(void *state, const uint8_t *const pages[],
                          unsigned n, uint8_t *out, size_t cap,
                          size_t *out_len, GError **errp)
{
    ZlibSend *z = state;
    z_stream *zs = &z->zs;

    zs->next_out = out;
    zs->avail_out = MIN(cap, (size_t)UINT_MAX);
    for (unsigned i = 0; i < n; i++) {
        int flush = i == n - 1 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        int ret;

        memcpy(z->page, pages[i], TARGET_PAGE_SIZE);
        zs->next_in = z->page;
        zs->avail_in = TARGET_PAGE_SIZE;
        do {
            ret = deflate(zs, flush);
        } while (ret == Z_OK && zs->avail_in && zs->avail_out);
        if (ret != Z_OK) {
            error_setg(errp, "deflate failed on page %u of %u: %s", i, n,
                       zmsg(zs, ret));
            return false;
        }
        /* A flush that filled the buffer may have more to write. */
        if (zs->avail_in || zs->avail_out == 0) {
            error_setg(errp, "compressed data of %u pages does not fit in "
                       "%zu bytes", n, cap);
            return false;
        }
    }
    *out_len = (uint8_t *)zs->next_out - out;
    return true;
}

static void zlib_send_cleanup(void *state)
{
    ZlibSend *z = state;

    deflateEnd(&z->zs);
    g_free(z);
}

static void *zlib_recv_setup(GError **errp)
{
    z_stream *zs = g_new0(z_stream, 1);
    int ret = inflateInit(zs);

    if (ret != Z_OK) {
        error_setg(errp, "inflateInit failed: %s", zmsg(zs, ret));
        g_free(zs);
        return NULL;
    }
    return zs;
}

/*
 * Fill the avail_out bytes at next_out. Z_BUF_ERROR means no progress was
 * possible: the input ran out first.
 */
static bool zlib_inflate_fill(z_stream *zs, int flush, unsigned page,
                              unsigned n, GError **errp)
{
    while (zs->avail_out) {
        int ret = inflate(zs, flush);

        if (ret == Z_OK) {
            continue;
        }
        if (ret == Z_STREAM_END) {
            error_setg(errp, "stream ended inside page %u of %u (the "
                       "sender never ends it)", page, n);
        } else if (ret == Z_BUF_ERROR && zs->avail_in == 0) {
            error_setg(errp, "compressed data ends %u bytes short of page "
                       "%u of %u", zs->avail_out, page, n);
        } else {
            error_setg(errp, "inflate failed on page %u of %u: %s", page, n,
                       zmsg(zs, ret));
        }
        return false;
    }
    return true;
}

static bool zlib_decompress(void *state, const uint8_t *in, size_t len,
                            uint8_t *const pages[], unsigned n,
                            GError **errp)
{
    z_stream *zs = state;
    uint8_t extra;
    int ret;

    if (len > UINT_MAX) {
        error_setg(errp, "payload of %zu bytes too large", len);
        return false;
    }
    zs->next_in = (Bytef *)in;
    zs->avail_in = len;
    for (unsigned i = 0; i < n; i++) {
        zs->next_out = pages[i];
        zs->avail_out = TARGET_PAGE_SIZE;
        if (!zlib_inflate_fill(zs, i == n - 1 ? Z_SYNC_FLUSH : Z_NO_FLUSH,
                               i, n, errp)) {
            return false;
        }
    }
    /*
     * Every page is full. What is left of the input may only be the end
     * of the flushed block and the empty stored block of Z_SYNC_FLUSH;
     * one more byte of output means the packet holds more than its pages.
     */
    zs->next_out = &extra;
    zs->avail_out = 1;
    ret = inflate(zs, Z_SYNC_FLUSH);
    if (zs->avail_out == 0) {
        error_setg(errp, "compressed data decodes to more than the %u pages "
                   "of the packet", n);
        return false;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
        error_setg(errp, "inflate failed after the last page: %s",
                   ret == Z_STREAM_END ? "stream ended" : zmsg(zs, ret));
        return false;
    }
    if (zs->avail_in) {
        error_setg(errp, "%u bytes of compressed data left after the %u "
                   "pages of the packet", zs->avail_in, n);
        return false;
    }
    return true;
}

static void zlib_recv_cleanup(void *state)
{
    z_stream *zs = state;

    inflateEnd(zs);
    g_free(zs);
}

const MultiFDCompressOps multifd_zlib_ops = {
    .name = "zlib",
    .flag = MULTIFD_FLAG_ZLIB,
    .max_level = 9,
    .send_setup = zlib_send_setup,
    .compress = zlib_compress,
    .send_cleanup = zlib_send_cleanup,
    .recv_setup = zlib_recv_setup,
    .decompress = zlib_decompress,
    .recv_cleanup = zlib_recv_cleanup,
};

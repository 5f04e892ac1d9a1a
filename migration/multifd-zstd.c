/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd zstd (wire 6.2.7): one zstd compression stream per channel.
 * Pages go in with ZSTD_e_continue, the packet's last with ZSTD_e_flush,
 * so each payload ends on a complete block; the frame is never ended.
 * zstd buffers its input internally, so unlike zlib the guest page is
 * read once and needs no private copy.
 */
#include "qemu/osdep.h"

#include <zstd.h>

#include "migration/multifd-compress.h"
#include "migration/multifd-wire.h"
#include "qapi/error.h"
#include "system/memory.h"

static void *zstd_send_setup(int level, GError **errp)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t ret;

    if (!cctx) {
        error_setg(errp, "cannot create a compression context");
        return NULL;
    }
    ret = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    if (ZSTD_isError(ret)) {
        error_setg(errp, "cannot set level %d: %s", level,
                   ZSTD_getErrorName(ret));
        ZSTD_freeCCtx(cctx);
        return NULL;
    }
    return cctx;
}

static bool zstd_compress(void *state, const uint8_t *const pages[],
                          unsigned n, uint8_t *out, size_t cap,
                          size_t *out_len, GError **errp)
{
    ZSTD_CCtx *cctx = state;
    ZSTD_outBuffer ob = { .dst = out, .size = cap, .pos = 0 };

    for (unsigned i = 0; i < n; i++) {
        ZSTD_EndDirective mode = i == n - 1 ? ZSTD_e_flush : ZSTD_e_continue;
        ZSTD_inBuffer ib = { .src = pages[i], .size = TARGET_PAGE_SIZE };
        size_t ret;

        /*
         * continue: returns once the input is consumed (or out is full);
         * flush: returns 0 once everything is written out.
         */
        do {
            ret = ZSTD_compressStream2(cctx, &ob, &ib, mode);
            if (ZSTD_isError(ret)) {
                error_setg(errp, "compression failed on page %u of %u: %s",
                           i, n, ZSTD_getErrorName(ret));
                return false;
            }
        } while (ob.pos < ob.size &&
                 (ib.pos < ib.size || (mode == ZSTD_e_flush && ret != 0)));
        if (ib.pos < ib.size || (mode == ZSTD_e_flush && ret != 0)) {
            error_setg(errp, "compressed data of %u pages does not fit in "
                       "%zu bytes", n, cap);
            return false;
        }
    }
    *out_len = ob.pos;
    return true;
}

static void zstd_send_cleanup(void *state)
{
    ZSTD_freeCCtx(state);
}

static void *zstd_recv_setup(GError **errp)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();

    if (!dctx) {
        error_setg(errp, "cannot create a decompression context");
        return NULL;
    }
    return dctx;
}

static bool zstd_decompress(void *state, const uint8_t *in, size_t len,
                            uint8_t *const pages[], unsigned n,
                            GError **errp)
{
    ZSTD_DCtx *dctx = state;
    ZSTD_inBuffer ib = { .src = in, .size = len, .pos = 0 };
    uint8_t extra;
    ZSTD_outBuffer xb = { .dst = &extra, .size = 1, .pos = 0 };
    size_t ret;

    for (unsigned i = 0; i < n; i++) {
        ZSTD_outBuffer ob = { .dst = pages[i], .size = TARGET_PAGE_SIZE };

        while (ob.pos < ob.size) {
            size_t in_before = ib.pos, out_before = ob.pos;

            ret = ZSTD_decompressStream(dctx, &ob, &ib);
            if (ZSTD_isError(ret)) {
                error_setg(errp, "decompression failed on page %u of %u: %s",
                           i, n, ZSTD_getErrorName(ret));
                return false;
            }
            if (ib.pos == in_before && ob.pos == out_before) {
                error_setg(errp, "compressed data ends %zu bytes short of "
                           "page %u of %u", ob.size - ob.pos, i, n);
                return false;
            }
        }
    }
    /* Every page is full; a further byte of output (or input the decoder
     * will not take) means the payload holds more than the packet's pages. */
    ret = ZSTD_decompressStream(dctx, &xb, &ib);
    if (ZSTD_isError(ret)) {
        error_setg(errp, "decompression failed after the last page: %s",
                   ZSTD_getErrorName(ret));
        return false;
    }
    if (xb.pos) {
        error_setg(errp, "compressed data decodes to more than the %u pages "
                   "of the packet", n);
        return false;
    }
    if (ib.pos < ib.size) {
        error_setg(errp, "%zu bytes of compressed data left after the %u "
                   "pages of the packet", ib.size - ib.pos, n);
        return false;
    }
    return true;
}

static void zstd_recv_cleanup(void *state)
{
    ZSTD_freeDCtx(state);
}

const MultiFDCompressOps multifd_zstd_ops = {
    .name = "zstd",
    .flag = MULTIFD_FLAG_ZSTD,
    .max_level = 20,
    .send_setup = zstd_send_setup,
    .compress = zstd_compress,
    .send_cleanup = zstd_send_cleanup,
    .recv_setup = zstd_recv_setup,
    .decompress = zstd_decompress,
    .recv_cleanup = zstd_recv_cleanup,
};

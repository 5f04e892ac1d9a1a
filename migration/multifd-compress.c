/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd compression: the method table and the per-channel codec that
 * wraps one method's state, names the channel in its errors and refuses
 * to run again once its stream broke (a failed packet leaves the
 * continuous stream in an unknown state).
 */
#include "qemu/osdep.h"

#include "migration/multifd-compress.h"
#include "migration/multifd-wire.h"
#include "qapi/error.h"

struct MultiFDCodec {
    const MultiFDCompressOps *ops;
    void *state;
    unsigned id;
    bool send;
    bool broken;
};

static const MultiFDCompressOps *const methods[MULTIFD_COMPRESSION__MAX] = {
    [MULTIFD_COMPRESSION_ZLIB] = &multifd_zlib_ops,
    [MULTIFD_COMPRESSION_ZSTD] = &multifd_zstd_ops,
};

uint32_t multifd_compress_flag(MultiFDCompression method)
{
    g_assert(method < MULTIFD_COMPRESSION__MAX);
    return methods[method] ? methods[method]->flag : MULTIFD_FLAG_NOCOMP;
}

static const MultiFDCompressOps *lookup(MultiFDCompression method)
{
    g_assert(method < MULTIFD_COMPRESSION__MAX && methods[method]);
    return methods[method];
}

MultiFDCodec *multifd_codec_new_send(MultiFDCompression method, int level,
                                     unsigned id, GError **errp)
{
    const MultiFDCompressOps *ops = lookup(method);
    MultiFDCodec *c;
    void *state;

    if (level < 0 || level > ops->max_level) {
        error_setg(errp, "multifd channel %u: %s level %d not in 0..%d",
                   id, ops->name, level, ops->max_level);
        return NULL;
    }
    state = ops->send_setup(level, errp);
    if (!state) {
        error_prepend(errp, "multifd channel %u: %s: ", id, ops->name);
        return NULL;
    }
    c = g_new0(MultiFDCodec, 1);
    c->ops = ops;
    c->state = state;
    c->id = id;
    c->send = true;
    return c;
}

MultiFDCodec *multifd_codec_new_recv(MultiFDCompression method, unsigned id,
                                     GError **errp)
{
    const MultiFDCompressOps *ops = lookup(method);
    MultiFDCodec *c;
    void *state = ops->recv_setup(errp);

    if (!state) {
        error_prepend(errp, "multifd channel %u: %s: ", id, ops->name);
        return NULL;
    }
    c = g_new0(MultiFDCodec, 1);
    c->ops = ops;
    c->state = state;
    c->id = id;
    return c;
}

static bool check_usable(MultiFDCodec *c, unsigned n, GError **errp)
{
    if (c->broken) {
        error_setg(errp, "multifd channel %u: %s: stream unusable after an "
                   "earlier error", c->id, c->ops->name);
        return false;
    }
    /* Zero normal pages means no payload at all (wire 6.2.7); callers
     * never ask for it. */
    g_assert(n >= 1 && n <= MULTIFD_PAGES_PER_PACKET);
    return true;
}

bool multifd_codec_compress(MultiFDCodec *c, const uint8_t *const pages[],
                            unsigned n, uint8_t *out, size_t cap,
                            size_t *out_len, GError **errp)
{
    g_assert(c->send);
    if (!check_usable(c, n, errp)) {
        return false;
    }
    if (!c->ops->compress(c->state, pages, n, out, cap, out_len, errp)) {
        c->broken = true;
        error_prepend(errp, "multifd channel %u: %s: ", c->id, c->ops->name);
        return false;
    }
    return true;
}

bool multifd_codec_decompress(MultiFDCodec *c, const uint8_t *in, size_t len,
                              uint8_t *const pages[], unsigned n,
                              GError **errp)
{
    g_assert(!c->send);
    if (!check_usable(c, n, errp)) {
        return false;
    }
    if (!c->ops->decompress(c->state, in, len, pages, n, errp)) {
        c->broken = true;
        error_prepend(errp, "multifd channel %u: %s: ", c->id, c->ops->name);
        return false;
    }
    return true;
}

void multifd_codec_free(MultiFDCodec *c)
{
    if (!c) {
        return;
    }
    if (c->send) {
        c->ops->send_cleanup(c->state);
    } else {
        c->ops->recv_cleanup(c->state);
    }
    g_free(c);
}

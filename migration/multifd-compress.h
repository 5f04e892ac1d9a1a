/*
 * Multifd compression (wire 6.2.7): one codec per channel and direction,
 * whose stream continues across all packets of the channel, never reset
 * and never finished. A packet's payload is what the compressor produced
 * for that packet's normal pages; it cannot be decompressed on its own
 * (Appendix A.18), so a channel's packets must reach one decompressor in
 * order.
 *
 * Each method is one file (multifd-zlib.c, multifd-zstd.c) exporting a
 * MultiFDCompressOps; multifd-compress.c picks it by MultiFDCompression
 * and wraps it in a MultiFDCodec that prefixes errors with the channel.
 * "none" has no codec: pages travel as they are.
 *
 * Threads: a codec belongs to one channel thread; no locking.
 */
#ifndef MIGRATION_MULTIFD_COMPRESS_H
#define MIGRATION_MULTIFD_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/qapi-types.h"

/*
 * One compression method. pages[] point at n (>= 1) whole target pages.
 * compress writes at most cap bytes to out and sets *out_len; decompress
 * consumes exactly in[0..len) and fills exactly TARGET_PAGE_SIZE bytes of
 * each page, never more, failing on corrupt, short or over-long data.
 * After any failure the state is unusable (the caller frees it).
 */
typedef struct MultiFDCompressOps {
    const char *name;
    uint32_t flag;                  /* MULTIFD_FLAG_* */
    int max_level;
    void *(*send_setup)(int level, GError **errp);
    bool (*compress)(void *state, const uint8_t *const pages[], unsigned n,
                     uint8_t *out, size_t cap, size_t *out_len,
                     GError **errp);
    void (*send_cleanup)(void *state);
    void *(*recv_setup)(GError **errp);
    bool (*decompress)(void *state, const uint8_t *in, size_t len,
                       uint8_t *const pages[], unsigned n, GError **errp);
    void (*recv_cleanup)(void *state);
} MultiFDCompressOps;

extern const MultiFDCompressOps multifd_zlib_ops;
extern const MultiFDCompressOps multifd_zstd_ops;

/* The MULTIFD_FLAG_* of a method (MULTIFD_FLAG_NOCOMP for none). */
uint32_t multifd_compress_flag(MultiFDCompression method);

typedef struct MultiFDCodec MultiFDCodec;

/*
 * A compressor for channel `id` at `level` (multifd-zlib-level 0..9,
 * multifd-zstd-level 0..20). method must not be none. NULL with errp set
 * on a bad level or a library failure.
 */
MultiFDCodec *multifd_codec_new_send(MultiFDCompression method, int level,
                                     unsigned id, GError **errp);
/* A decompressor for channel `id`; method must not be none. */
MultiFDCodec *multifd_codec_new_recv(MultiFDCompression method, unsigned id,
                                     GError **errp);
/*
 * Compress the n pages of one packet into out (cap bytes, at least
 * MULTIFD_COMPRESSED_PAYLOAD_MAX for a full packet); *out_len gets the
 * payload size. Errors read "multifd channel <id>: zlib: ...".
 */
bool multifd_codec_compress(MultiFDCodec *c, const uint8_t *const pages[],
                            unsigned n, uint8_t *out, size_t cap,
                            size_t *out_len, GError **errp);
/*
 * Decompress one packet's payload into its n pages (destination RAM).
 * Fails on corrupt, truncated or over-long data, without writing past any
 * page; pages may then hold partial data.
 */
bool multifd_codec_decompress(MultiFDCodec *c, const uint8_t *in, size_t len,
                              uint8_t *const pages[], unsigned n,
                              GError **errp);
void multifd_codec_free(MultiFDCodec *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MultiFDCodec, multifd_codec_free)

#endif /* MIGRATION_MULTIFD_COMPRESS_H */

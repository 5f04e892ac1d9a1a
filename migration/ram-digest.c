/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RAM digest engine: page, chunk and block hashes (XXH3-128 from
 * libxxhash) and their incremental update.  The definition of the digest
 * is in ram-digest.h; the record, its check and its wire form are in
 * ram-digest-record.c; physical ranges and QMP in ram-digest-qmp.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/ram-digest.h"
#include "migration/ram-digest-internal.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

G_STATIC_ASSERT(sizeof(XXH128_canonical_t) == RAM_DIGEST_HASH_BYTES);
G_STATIC_ASSERT(RAM_DIGEST_PAGE_SIZE == TARGET_PAGE_SIZE);

struct RamDigestBlock {
    char *name;
    const uint8_t *host;
    uint64_t length;
    uint64_t n_pages;
    uint64_t n_chunks;
    const unsigned long *written;   /* not ours; NULL: all pages written */
    unsigned long *dirty;           /* pages to rehash (one bit each) */
    unsigned long *stale;           /* chunks to recombine (page hashes
                                     * stored by set_page) */
    RamDigestHash *pages;           /* per page, canonical */
    RamDigestHash *chunks;          /* per chunk, canonical */
};

struct RamDigestStream {
    XXH3_state_t *outer;            /* over the header and chunk hashes */
    uint64_t length;
    uint64_t pages_added;
    unsigned in_chunk;              /* page hashes buffered in chunk[] */
    RamDigestHash chunk[RAM_DIGEST_CHUNK_PAGES];
};

/* ---- hashes ---- */

static void hash_bytes(const void *data, size_t len, RamDigestHash *out)
{
    XXH128_hash_t h = XXH3_128bits(data, len);

    XXH128_canonicalFromHash((XXH128_canonical_t *)out->bytes, h);
}

void ram_digest_hash_to_hex(const RamDigestHash *h,
                            char out[RAM_DIGEST_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";

    for (unsigned i = 0; i < RAM_DIGEST_HASH_BYTES; i++) {
        out[2 * i] = digits[h->bytes[i] >> 4];
        out[2 * i + 1] = digits[h->bytes[i] & 15];
    }
    out[2 * RAM_DIGEST_HASH_BYTES] = '\0';
}

bool ram_digest_hash_equal(const RamDigestHash *a, const RamDigestHash *b)
{
    return memcmp(a->bytes, b->bytes, RAM_DIGEST_HASH_BYTES) == 0;
}

static RamDigestHash zero_page;
static RamDigestHash zero_chunk;   /* a full chunk of zero pages */

static gpointer zero_hashes_init(gpointer unused)
{
    static const uint8_t zeros[RAM_DIGEST_PAGE_SIZE];
    RamDigestHash pages[RAM_DIGEST_CHUNK_PAGES];

    hash_bytes(zeros, sizeof(zeros), &zero_page);
    for (unsigned i = 0; i < RAM_DIGEST_CHUNK_PAGES; i++) {
        pages[i] = zero_page;
    }
    hash_bytes(pages, sizeof(pages), &zero_chunk);
    return NULL;
}

static void zero_hashes_once(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, zero_hashes_init, NULL);
}

const RamDigestHash *ram_digest_zero_page_hash(void)
{
    zero_hashes_once();
    return &zero_page;
}

static void hash_page(const void *page, RamDigestHash *out)
{
    if (page) {
        hash_bytes(page, RAM_DIGEST_PAGE_SIZE, out);
    } else {
        *out = *ram_digest_zero_page_hash();
    }
}

/* The digest's header: be64 length, be32 page size, be32 chunk pages. */
static void digest_header(uint64_t length, uint8_t hdr[16])
{
    uint64_t len_be = GUINT64_TO_BE(length);
    uint32_t page_be = GUINT32_TO_BE(RAM_DIGEST_PAGE_SIZE);
    uint32_t chunk_be = GUINT32_TO_BE(RAM_DIGEST_CHUNK_PAGES);

    memcpy(hdr, &len_be, 8);
    memcpy(hdr + 8, &page_be, 4);
    memcpy(hdr + 12, &chunk_be, 4);
}

void ram_digest_combine(uint64_t length, const RamDigestHash *chunks,
                        uint64_t n_chunks, RamDigestHash *out)
{
    XXH3_state_t st;
    uint8_t hdr[16];

    digest_header(length, hdr);
    XXH3_128bits_reset(&st);
    XXH3_128bits_update(&st, hdr, sizeof(hdr));
    XXH3_128bits_update(&st, chunks, n_chunks * sizeof(RamDigestHash));
    XXH128_canonicalFromHash((XXH128_canonical_t *)out->bytes,
                             XXH3_128bits_digest(&st));
}

/* ---- streaming over a page sequence ---- */

RamDigestStream *ram_digest_stream_new(uint64_t length)
{
    RamDigestStream *st = g_new0(RamDigestStream, 1);
    uint8_t hdr[16];

    st->length = length;
    st->outer = XXH3_createState();
    g_assert(st->outer);
    XXH3_128bits_reset(st->outer);
    digest_header(length, hdr);
    XXH3_128bits_update(st->outer, hdr, sizeof(hdr));
    return st;
}

static void stream_flush_chunk(RamDigestStream *st)
{
    RamDigestHash ch;

    if (!st->in_chunk) {
        return;
    }
    hash_bytes(st->chunk, st->in_chunk * sizeof(RamDigestHash), &ch);
    XXH3_128bits_update(st->outer, &ch, sizeof(ch));
    st->in_chunk = 0;
}

void ram_digest_stream_add_page(RamDigestStream *st, const void *page)
{
    hash_page(page, &st->chunk[st->in_chunk++]);
    st->pages_added++;
    if (st->in_chunk == RAM_DIGEST_CHUNK_PAGES) {
        stream_flush_chunk(st);
    }
}

bool ram_digest_stream_finish(RamDigestStream *st, RamDigestHash *out,
                              GError **errp)
{
    bool ok = st->pages_added * RAM_DIGEST_PAGE_SIZE == st->length;

    if (ok) {
        stream_flush_chunk(st);
        XXH128_canonicalFromHash((XXH128_canonical_t *)out->bytes,
                                 XXH3_128bits_digest(st->outer));
    } else {
        error_setg(errp, "RAM digest: %" PRIu64 " pages added for a length "
                   "of 0x%" PRIx64 " bytes", st->pages_added, st->length);
    }
    XXH3_freeState(st->outer);
    g_free(st);
    return ok;
}

/* ---- the incremental block digest ---- */

static inline bool bit_test(const unsigned long *map, uint64_t n)
{
    return (map[n / BITS_PER_LONG] >> (n % BITS_PER_LONG)) & 1;
}

static inline bool page_written(const RamDigestBlock *b, uint64_t page)
{
    /* Writers set bits atomically from other threads. */
    return !b->written ||
           ((qatomic_read(&b->written[page / BITS_PER_LONG]) >>
             (page % BITS_PER_LONG)) & 1);
}

static size_t bitmap_words(uint64_t bits)
{
    return DIV_ROUND_UP(bits, BITS_PER_LONG);
}

RamDigestBlock *ram_digest_block_new(const char *name, const void *host,
                                     uint64_t length,
                                     const unsigned long *written)
{
    RamDigestBlock *b;

    g_assert(length && length % RAM_DIGEST_PAGE_SIZE == 0);
    b = g_new0(RamDigestBlock, 1);
    b->name = g_strdup(name);
    b->host = host;
    b->length = length;
    b->n_pages = length / RAM_DIGEST_PAGE_SIZE;
    b->n_chunks = DIV_ROUND_UP(b->n_pages, RAM_DIGEST_CHUNK_PAGES);
    b->written = written;
    b->dirty = g_new0(unsigned long, bitmap_words(b->n_pages));
    b->stale = g_new0(unsigned long, bitmap_words(b->n_chunks));
    b->pages = g_new0(RamDigestHash, b->n_pages);
    b->chunks = g_new(RamDigestHash, b->n_chunks);
    ram_digest_block_mark_all_dirty(b);
    return b;
}

RamDigestBlock *ram_digest_block_new_for(RAMBlock *rb)
{
    return ram_digest_block_new(ram_block_name(rb), ram_block_host(rb),
                                ram_block_used_length(rb),
                                ram_block_written_bitmap(rb));
}

void ram_digest_block_free(RamDigestBlock *b)
{
    if (!b) {
        return;
    }
    g_free(b->name);
    g_free(b->dirty);
    g_free(b->stale);
    g_free(b->pages);
    g_free(b->chunks);
    g_free(b);
}

const char *ram_digest_block_name(const RamDigestBlock *b)
{
    return b->name;
}

uint64_t ram_digest_block_length(const RamDigestBlock *b)
{
    return b->length;
}

/* Clear the bits of the last word that lie past the last page. */
static void trim_tail(RamDigestBlock *b)
{
    unsigned rem = b->n_pages % BITS_PER_LONG;

    if (rem) {
        b->dirty[b->n_pages / BITS_PER_LONG] &= (1ul << rem) - 1;
    }
}

void ram_digest_block_mark_dirty(RamDigestBlock *b,
                                 const unsigned long *bitmap)
{
    size_t words = bitmap_words(b->n_pages);

    for (size_t i = 0; i < words; i++) {
        b->dirty[i] |= bitmap[i];
    }
    trim_tail(b);
}

void ram_digest_block_mark_dirty_range(RamDigestBlock *b, uint64_t offset,
                                       uint64_t len)
{
    uint64_t first, last;

    if (!len || offset >= b->length) {
        return;
    }
    len = MIN(len, b->length - offset);
    first = offset / RAM_DIGEST_PAGE_SIZE;
    last = (offset + len - 1) / RAM_DIGEST_PAGE_SIZE;
    for (uint64_t p = first; p <= last; p++) {
        b->dirty[p / BITS_PER_LONG] |= 1ul << (p % BITS_PER_LONG);
    }
}

void ram_digest_block_clear_dirty(RamDigestBlock *b)
{
    memset(b->dirty, 0, bitmap_words(b->n_pages) * sizeof(unsigned long));
}

void ram_digest_block_set_page(RamDigestBlock *b, uint64_t offset,
                               const void *data)
{
    uint64_t p = offset / RAM_DIGEST_PAGE_SIZE;
    uint64_t c = p / RAM_DIGEST_CHUNK_PAGES;

    g_assert(offset % RAM_DIGEST_PAGE_SIZE == 0 && p < b->n_pages);
    hash_page(data, &b->pages[p]);
    /* Stored, so not to be read from memory by the next update. */
    b->dirty[p / BITS_PER_LONG] &= ~(1ul << (p % BITS_PER_LONG));
    b->stale[c / BITS_PER_LONG] |= 1ul << (c % BITS_PER_LONG);
}

void ram_digest_block_mark_all_dirty(RamDigestBlock *b)
{
    memset(b->dirty, 0xff, bitmap_words(b->n_pages) * sizeof(unsigned long));
    trim_tail(b);
}

uint64_t ram_digest_block_dirty_pages(const RamDigestBlock *b)
{
    size_t words = bitmap_words(b->n_pages);
    uint64_t n = 0;

    for (size_t i = 0; i < words; i++) {
        n += __builtin_popcountl(b->dirty[i]);
    }
    return n;
}

static bool chunk_has_dirty(const RamDigestBlock *b, uint64_t first,
                            uint64_t end)
{
    for (uint64_t p = first; p < end; p++) {
        if (bit_test(b->dirty, p)) {
            return true;
        }
    }
    return false;
}

static bool chunk_never_written(const RamDigestBlock *b, uint64_t first,
                                uint64_t end)
{
    for (uint64_t p = first; p < end; p++) {
        if (page_written(b, p)) {
            return false;
        }
    }
    return true;
}

/*
 * Rehash the dirty pages of chunk c and recombine it; returns the pages
 * read.  Workers own disjoint chunks and only read the dirty bitmap (it is
 * cleared after they are joined), so they share nothing they write.
 */
static uint64_t update_chunk(RamDigestBlock *b, uint64_t c)
{
    uint64_t first = c * RAM_DIGEST_CHUNK_PAGES;
    uint64_t end = MIN(first + RAM_DIGEST_CHUNK_PAGES, b->n_pages);
    uint64_t read = 0;
    bool stale = bit_test(b->stale, c);

    if (!stale && !chunk_has_dirty(b, first, end)) {
        return 0;
    }
    /* Not for a chunk holding stored hashes: those pages are not zero
     * just because the written bitmap says nobody wrote them. */
    if (!stale && end - first == RAM_DIGEST_CHUNK_PAGES &&
        chunk_never_written(b, first, end)) {
        /* The common case of fresh RAM: no page is read or hashed. */
        zero_hashes_once();
        for (uint64_t p = first; p < end; p++) {
            b->pages[p] = zero_page;
        }
        b->chunks[c] = zero_chunk;
        return 0;
    }
    for (uint64_t p = first; p < end; p++) {
        if (!bit_test(b->dirty, p)) {
            continue;
        }
        if (page_written(b, p)) {
            hash_page(b->host + p * RAM_DIGEST_PAGE_SIZE, &b->pages[p]);
            read++;
        } else {
            hash_page(NULL, &b->pages[p]);
        }
    }
    hash_bytes(&b->pages[first], (end - first) * sizeof(RamDigestHash),
               &b->chunks[c]);
    return read;
}

typedef struct UpdateWork {
    RamDigestBlock *b;
    uint64_t first_chunk;
    uint64_t end_chunk;
    uint64_t pages_read;
} UpdateWork;

static gpointer update_worker(gpointer opaque)
{
    UpdateWork *w = opaque;

    for (uint64_t c = w->first_chunk; c < w->end_chunk; c++) {
        w->pages_read += update_chunk(w->b, c);
    }
    return NULL;
}

uint64_t ram_digest_block_update(RamDigestBlock *b, unsigned threads)
{
    g_autofree UpdateWork *work = NULL;
    g_autofree GThread **thr = NULL;
    uint64_t per, total = 0;

    threads = CLAMP(threads, 1, 64);
    if (threads > b->n_chunks) {
        threads = b->n_chunks;
    }
    work = g_new0(UpdateWork, threads);
    thr = g_new0(GThread *, threads);
    per = DIV_ROUND_UP(b->n_chunks, threads);
    for (unsigned i = 0; i < threads; i++) {
        work[i].b = b;
        work[i].first_chunk = MIN(i * per, b->n_chunks);
        work[i].end_chunk = MIN((i + 1) * per, b->n_chunks);
    }
    /* Worker 0 is the caller; the others are short-lived threads. */
    for (unsigned i = 1; i < threads; i++) {
        thr[i] = g_thread_new("ram-digest", update_worker, &work[i]);
    }
    update_worker(&work[0]);
    for (unsigned i = 0; i < threads; i++) {
        if (i) {
            g_thread_join(thr[i]);
        }
        total += work[i].pages_read;
    }
    memset(b->dirty, 0, bitmap_words(b->n_pages) * sizeof(unsigned long));
    memset(b->stale, 0, bitmap_words(b->n_chunks) * sizeof(unsigned long));
    return total;
}

void ram_digest_block_digest(const RamDigestBlock *b, RamDigestHash *out)
{
    g_assert(ram_digest_block_dirty_pages(b) == 0);
    ram_digest_combine(b->length, b->chunks, b->n_chunks, out);
}

const RamDigestHash *ram_digest_block_page_hashes(const RamDigestBlock *b,
                                                  uint64_t *n_pages,
                                                  const RamDigestHash **chunks,
                                                  uint64_t *n_chunks)
{
    *n_pages = b->n_pages;
    *chunks = b->chunks;
    *n_chunks = b->n_chunks;
    return b->pages;
}

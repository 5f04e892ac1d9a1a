/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RAM digest record: what the source sends for a block, its wire
 * form, and the destination's check that names the first bad page.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/ram-digest.h"
#include "migration/ram-digest-internal.h"

/* The first four canonical bytes of a page hash, as a number. */
static uint32_t page_fingerprint(const RamDigestHash *h)
{
    return ((uint32_t)h->bytes[0] << 24) | ((uint32_t)h->bytes[1] << 16) |
           ((uint32_t)h->bytes[2] << 8) | h->bytes[3];
}

RamDigestRecord *ram_digest_block_record(const RamDigestBlock *b)
{
    RamDigestRecord *r = g_new0(RamDigestRecord, 1);
    const RamDigestHash *pages, *chunks;

    pages = ram_digest_block_page_hashes(b, &r->n_pages, &chunks,
                                         &r->n_chunks);
    r->name = g_strdup(ram_digest_block_name(b));
    r->length = ram_digest_block_length(b);
    ram_digest_block_digest(b, &r->digest);
    r->chunks = g_memdup2(chunks, r->n_chunks * sizeof(RamDigestHash));
    r->page_fp = g_new(uint32_t, r->n_pages);
    for (uint64_t p = 0; p < r->n_pages; p++) {
        r->page_fp[p] = page_fingerprint(&pages[p]);
    }
    return r;
}

void ram_digest_record_free(RamDigestRecord *r)
{
    if (!r) {
        return;
    }
    g_free(r->name);
    g_free(r->chunks);
    g_free(r->page_fp);
    g_free(r);
}

static void set_where(RamDigestWhere *where, RamDigestWhereKind kind,
                      uint64_t first, uint64_t last)
{
    if (where) {
        where->kind = kind;
        where->first_page = first;
        where->last_page = last;
    }
}

bool ram_digest_block_check(RamDigestBlock *b, const RamDigestRecord *expect,
                            unsigned threads, GError **errp)
{
    return ram_digest_block_check_where(b, expect, threads, NULL, errp);
}

bool ram_digest_block_check_where(RamDigestBlock *b,
                                  const RamDigestRecord *expect,
                                  unsigned threads, RamDigestWhere *where,
                                  GError **errp)
{
    const RamDigestHash *pages, *chunks;
    uint64_t n_pages, n_chunks;
    RamDigestHash mine;
    char want_hex[RAM_DIGEST_HEX_SIZE], got_hex[RAM_DIGEST_HEX_SIZE];

    set_where(where, RAM_DIGEST_WHERE_BLOCK, 0, 0);
    if (strcmp(expect->name, ram_digest_block_name(b)) != 0) {
        error_setg(errp, "RAM digest for block '%s' checked against block "
                   "'%s'", expect->name, ram_digest_block_name(b));
        return false;
    }
    if (expect->length != ram_digest_block_length(b)) {
        error_setg(errp, "RAM digest of block '%s': source length 0x%"
                   PRIx64 ", destination length 0x%" PRIx64, expect->name,
                   expect->length, ram_digest_block_length(b));
        return false;
    }
    ram_digest_block_update(b, threads);
    ram_digest_block_digest(b, &mine);
    if (ram_digest_hash_equal(&mine, &expect->digest)) {
        set_where(where, RAM_DIGEST_WHERE_NONE, 0, 0);
        return true;
    }

    pages = ram_digest_block_page_hashes(b, &n_pages, &chunks, &n_chunks);
    /* Same length, so the same geometry as the record (decode checks). */
    g_assert(n_pages == expect->n_pages && n_chunks == expect->n_chunks);
    ram_digest_hash_to_hex(&expect->digest, want_hex);
    ram_digest_hash_to_hex(&mine, got_hex);
    for (uint64_t c = 0; c < n_chunks; c++) {
        uint64_t first = c * RAM_DIGEST_CHUNK_PAGES;
        uint64_t end = MIN(first + RAM_DIGEST_CHUNK_PAGES, n_pages);

        if (ram_digest_hash_equal(&chunks[c], &expect->chunks[c])) {
            continue;
        }
        for (uint64_t p = first; p < end; p++) {
            if (page_fingerprint(&pages[p]) != expect->page_fp[p]) {
                set_where(where, RAM_DIGEST_WHERE_PAGE, p, p);
                error_setg(errp, "RAM digest mismatch in block '%s': first "
                           "bad page at offset 0x%" PRIx64 " (page %" PRIu64
                           "); digest %s, source sent %s", expect->name,
                           p * RAM_DIGEST_PAGE_SIZE, p, got_hex, want_hex);
                return false;
            }
        }
        /* All 32-bit fingerprints collided: name the chunk. */
        set_where(where, RAM_DIGEST_WHERE_CHUNK, first, end - 1);
        error_setg(errp, "RAM digest mismatch in block '%s': first bad "
                   "chunk at offset 0x%" PRIx64 " (pages %" PRIu64 "-%"
                   PRIu64 ", page not located); digest %s, source sent %s",
                   expect->name, first * RAM_DIGEST_PAGE_SIZE, first,
                   end - 1, got_hex, want_hex);
        return false;
    }
    /* Unreachable for a decoded record (its digest matches its chunks). */
    error_setg(errp, "RAM digest mismatch in block '%s' with equal chunk "
               "hashes: the record is inconsistent", expect->name);
    return false;
}

/* ---- wire form ---- */

static void put_be32(GByteArray *out, uint32_t v)
{
    v = GUINT32_TO_BE(v);
    g_byte_array_append(out, (const guint8 *)&v, 4);
}

static void put_be64(GByteArray *out, uint64_t v)
{
    v = GUINT64_TO_BE(v);
    g_byte_array_append(out, (const guint8 *)&v, 8);
}

void ram_digest_record_encode(const RamDigestRecord *r, GByteArray *out)
{
    size_t name_len = strlen(r->name);
    uint8_t nl;

    g_assert(name_len > 0 && name_len <= 255);
    nl = name_len;
    g_byte_array_append(out, &nl, 1);
    g_byte_array_append(out, (const guint8 *)r->name, name_len);
    put_be64(out, r->length);
    put_be32(out, RAM_DIGEST_PAGE_SIZE);
    put_be32(out, RAM_DIGEST_CHUNK_PAGES);
    g_byte_array_append(out, r->digest.bytes, RAM_DIGEST_HASH_BYTES);
    g_byte_array_append(out, (const guint8 *)r->chunks,
                        r->n_chunks * RAM_DIGEST_HASH_BYTES);
    for (uint64_t p = 0; p < r->n_pages; p++) {
        put_be32(out, r->page_fp[p]);
    }
}

/* A bounds-checked reader over the untrusted record bytes. */
typedef struct Reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
} Reader;

static bool take(Reader *rd, size_t n, const uint8_t **p, const char *what,
                 GError **errp)
{
    if (n > rd->len - rd->pos) {
        error_setg(errp, "RAM digest record truncated in %s at byte %zu "
                   "(%zu bytes needed, %zu left)", what, rd->pos, n,
                   rd->len - rd->pos);
        return false;
    }
    *p = rd->buf + rd->pos;
    rd->pos += n;
    return true;
}

static uint32_t get_be32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return GUINT32_FROM_BE(v);
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_BE(v);
}

RamDigestRecord *ram_digest_record_decode(const uint8_t *buf, size_t len,
                                          size_t *consumed, GError **errp)
{
    Reader rd = { .buf = buf, .len = len };
    g_autoptr(RamDigestRecord) r = g_new0(RamDigestRecord, 1);
    const uint8_t *p;
    uint32_t page_size, chunk_pages;
    size_t name_len;
    RamDigestHash combined;

    if (!take(&rd, 1, &p, "the name length", errp)) {
        return NULL;
    }
    name_len = p[0];
    if (!name_len) {
        error_setg(errp, "RAM digest record with an empty block name");
        return NULL;
    }
    if (!take(&rd, name_len, &p, "the block name", errp)) {
        return NULL;
    }
    if (memchr(p, '\0', name_len)) {
        error_setg(errp, "RAM digest record: the block name contains a NUL");
        return NULL;
    }
    r->name = g_strndup((const char *)p, name_len);
    if (!take(&rd, 16, &p, "the geometry", errp)) {
        return NULL;
    }
    r->length = get_be64(p);
    page_size = get_be32(p + 8);
    chunk_pages = get_be32(p + 12);
    if (page_size != RAM_DIGEST_PAGE_SIZE ||
        chunk_pages != RAM_DIGEST_CHUNK_PAGES) {
        error_setg(errp, "RAM digest record of block '%s': page size %"
                   PRIu32 " and %" PRIu32 " pages per chunk, expected %u "
                   "and %u", r->name, page_size, chunk_pages,
                   RAM_DIGEST_PAGE_SIZE, RAM_DIGEST_CHUNK_PAGES);
        return NULL;
    }
    if (!r->length || r->length % RAM_DIGEST_PAGE_SIZE ||
        r->length > RAM_DIGEST_MAX_LENGTH) {
        error_setg(errp, "RAM digest record of block '%s': bad length 0x%"
                   PRIx64 " (a non-zero multiple of the page size up to 0x%"
                   PRIx64 ")", r->name, r->length, RAM_DIGEST_MAX_LENGTH);
        return NULL;
    }
    r->n_pages = r->length / RAM_DIGEST_PAGE_SIZE;
    r->n_chunks = DIV_ROUND_UP(r->n_pages, RAM_DIGEST_CHUNK_PAGES);

    if (!take(&rd, RAM_DIGEST_HASH_BYTES, &p, "the digest", errp)) {
        return NULL;
    }
    memcpy(r->digest.bytes, p, RAM_DIGEST_HASH_BYTES);
    /* The length is bounded, so these products cannot overflow. */
    if (!take(&rd, r->n_chunks * RAM_DIGEST_HASH_BYTES, &p,
              "the chunk hashes", errp)) {
        return NULL;
    }
    r->chunks = g_memdup2(p, r->n_chunks * RAM_DIGEST_HASH_BYTES);
    if (!take(&rd, r->n_pages * 4, &p, "the page fingerprints", errp)) {
        return NULL;
    }
    r->page_fp = g_new(uint32_t, r->n_pages);
    for (uint64_t i = 0; i < r->n_pages; i++) {
        r->page_fp[i] = get_be32(p + 4 * i);
    }
    ram_digest_combine(r->length, r->chunks, r->n_chunks, &combined);
    if (!ram_digest_hash_equal(&combined, &r->digest)) {
        error_setg(errp, "RAM digest record of block '%s': the digest does "
                   "not match its chunk hashes", r->name);
        return NULL;
    }
    *consumed = rd.pos;
    return g_steal_pointer(&r);
}

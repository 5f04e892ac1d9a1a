/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mapped-ram file layout: per-block header, bitmap and page slots,
 * and positioned I/O on them (spec migration-wire-format.md 7.3).
 */
#include "qemu/osdep.h"
#include <sys/uio.h>
#include "qapi/error.h"
#include "system/memory.h"
#include "migration/channel.h"
#include "migration/mapped-ram.h"

#define BITS_PER_WORD64     64

/* a + b without wrapping; false if it would. */
static bool add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
    return !__builtin_add_overflow(a, b, sum);
}

static uint64_t bitmap_bytes(uint64_t num_pages)
{
    return (num_pages + BITS_PER_WORD64 - 1) / BITS_PER_WORD64 * 8;
}

/* Fill the derived fields from name/host/used/page_size/header_offset. */
static bool layout_derive(MappedRamLayout *l, GError **errp)
{
    uint64_t align = MAPPED_RAM_FILE_OFFSET_ALIGNMENT;
    uint64_t bitmap_end, rounded, end;

    l->num_pages = l->used_length / l->page_size;
    l->bitmap_size = bitmap_bytes(l->num_pages);
    if (!add_ok(l->header_offset, MAPPED_RAM_HDR_SIZE, &l->bitmap_offset) ||
        !add_ok(l->bitmap_offset, l->bitmap_size, &bitmap_end) ||
        !add_ok(bitmap_end, align - 1, &rounded) ||
        !add_ok(rounded & ~(align - 1), l->used_length, &end)) {
        error_setg(errp, "mapped-ram: block '%s' at file offset 0x%" PRIx64
                   " does not fit in a 64-bit file", l->name,
                   l->header_offset);
        return false;
    }
    l->pages_offset = rounded & ~(align - 1);
    return true;
}

bool mapped_ram_layout_init(MappedRamLayout *l, RAMBlock *rb,
                            uint64_t header_offset, GError **errp)
{
    memset(l, 0, sizeof(*l));
    l->name = ram_block_name(rb);
    l->host = ram_block_host(rb);
    l->used_length = ram_block_used_length(rb);
    l->page_size = ram_block_page_size(rb);
    l->header_offset = header_offset;
    return layout_derive(l, errp);
}

uint64_t mapped_ram_layout_end(const MappedRamLayout *l)
{
    return l->pages_offset + l->used_length;
}

/* ---- the header ---- */

void mapped_ram_header_encode(const MappedRamLayout *l,
                              uint8_t out[MAPPED_RAM_HDR_SIZE])
{
    uint32_t version = GUINT32_TO_BE(MAPPED_RAM_HDR_VERSION);
    uint64_t v;

    memcpy(out, &version, 4);
    v = GUINT64_TO_BE(l->page_size);
    memcpy(out + 4, &v, 8);
    v = GUINT64_TO_BE(l->bitmap_offset);
    memcpy(out + 12, &v, 8);
    v = GUINT64_TO_BE(l->pages_offset);
    memcpy(out + 20, &v, 8);
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_BE(v);
}

bool mapped_ram_header_decode(const uint8_t hdr[MAPPED_RAM_HDR_SIZE],
                              RAMBlock *rb, uint64_t header_offset,
                              uint64_t file_size, MappedRamLayout *l,
                              GError **errp)
{
    const char *name = ram_block_name(rb);
    uint32_t version;
    uint64_t page_size = get_be64(hdr + 4);
    uint64_t bitmap_offset = get_be64(hdr + 12);
    uint64_t pages_offset = get_be64(hdr + 20);
    uint64_t want_bitmap, bitmap_end, pages_end;

    memcpy(&version, hdr, 4);
    version = GUINT32_FROM_BE(version);

    memset(l, 0, sizeof(*l));
    l->name = name;
    l->host = ram_block_host(rb);
    l->used_length = ram_block_used_length(rb);
    l->page_size = ram_block_page_size(rb);
    l->header_offset = header_offset;
    l->num_pages = l->used_length / l->page_size;
    l->bitmap_size = bitmap_bytes(l->num_pages);

    if (version != MAPPED_RAM_HDR_VERSION) {
        error_setg(errp, "mapped-ram: block '%s': unsupported header version "
                   "%" PRIu32 " (expected %d)", name, version,
                   MAPPED_RAM_HDR_VERSION);
        return false;
    }
    if (page_size != l->page_size) {
        error_setg(errp, "mapped-ram: block '%s': page size 0x%" PRIx64
                   " in the file, 0x%" PRIx64 " here", name, page_size,
                   l->page_size);
        return false;
    }
    /* Every writer puts the bitmap right after the header. */
    if (!add_ok(header_offset, MAPPED_RAM_HDR_SIZE, &want_bitmap) ||
        bitmap_offset != want_bitmap) {
        error_setg(errp, "mapped-ram: block '%s': bitmap offset 0x%" PRIx64
                   " is not right after the header at 0x%" PRIx64, name,
                   bitmap_offset, header_offset);
        return false;
    }
    /* 1 MiB alignment is what writers do; page alignment is what I/O
     * (and direct-io) needs, and all that QEMU's reader checks. */
    if (pages_offset % l->page_size) {
        error_setg(errp, "mapped-ram: block '%s': pages offset 0x%" PRIx64
                   " is not a multiple of the page size", name,
                   pages_offset);
        return false;
    }
    bitmap_end = bitmap_offset + l->bitmap_size;    /* < 2^64: both small */
    if (bitmap_end < bitmap_offset || pages_offset < bitmap_end) {
        error_setg(errp, "mapped-ram: block '%s': pages offset 0x%" PRIx64
                   " overlaps the %" PRIu64 "-byte bitmap at 0x%" PRIx64,
                   name, pages_offset, l->bitmap_size, bitmap_offset);
        return false;
    }
    if (!add_ok(pages_offset, l->used_length, &pages_end) ||
        pages_end > file_size) {
        error_setg(errp, "mapped-ram: block '%s': pages [0x%" PRIx64
                   ", +0x%" PRIx64 ") end past the end of the file "
                   "(0x%" PRIx64 " bytes)", name, pages_offset,
                   l->used_length, file_size);
        return false;
    }
    l->bitmap_offset = bitmap_offset;
    l->pages_offset = pages_offset;
    return true;
}

/* ---- positioned I/O ---- */

/* Write/read all of [buf, +len) at off; errors name what was moved. */
static bool pio_full(int fd, bool write, void *buf, size_t len, uint64_t off,
                     const char *what, const MappedRamLayout *l,
                     GError **errp)
{
    uint8_t *p = buf;
    const uint64_t start = off;

    while (len) {
        ssize_t r = write ? pwrite(fd, p, len, off) : pread(fd, p, len, off);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            if (r == 0) {
                error_setg(errp, "mapped-ram: block '%s': %s at file offset "
                           "0x%" PRIx64 ": file ends", l->name, what, start);
            } else {
                error_setg_errno(errp, errno, "mapped-ram: block '%s': "
                                 "cannot %s %s at file offset 0x%" PRIx64,
                                 l->name, write ? "write" : "read", what,
                                 start);
            }
            return false;
        }
        p += r;
        len -= r;
        off += r;
    }
    return true;
}

static bool fd_file_size(int fd, uint64_t *size, GError **errp)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "mapped-ram: cannot stat the file");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "mapped-ram: the migration file is not a regular "
                   "file");
        return false;
    }
    *size = st.st_size;
    return true;
}

static bool fd_is_direct(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl >= 0 && (fl & O_DIRECT);
}

/* Header and bitmap are unaligned: never through an O_DIRECT fd. */
static bool check_not_direct(int fd, const MappedRamLayout *l,
                             const char *what, GError **errp)
{
    if (fd_is_direct(fd)) {
        error_setg(errp, "mapped-ram: block '%s': the %s is not block "
                   "aligned and cannot go through an O_DIRECT fd", l->name,
                   what);
        return false;
    }
    return true;
}

bool mapped_ram_write_header(int fd, const MappedRamLayout *l, GError **errp)
{
    uint8_t hdr[MAPPED_RAM_HDR_SIZE];

    if (!check_not_direct(fd, l, "header", errp)) {
        return false;
    }
    mapped_ram_header_encode(l, hdr);
    return pio_full(fd, true, hdr, sizeof(hdr), l->header_offset, "header",
                    l, errp);
}

bool mapped_ram_read_header(int fd, RAMBlock *rb, uint64_t header_offset,
                            MappedRamLayout *l, GError **errp)
{
    uint8_t hdr[MAPPED_RAM_HDR_SIZE];
    uint64_t size;

    memset(l, 0, sizeof(*l));
    l->name = ram_block_name(rb);
    if (!check_not_direct(fd, l, "header", errp) ||
        !fd_file_size(fd, &size, errp) ||
        !pio_full(fd, false, hdr, sizeof(hdr), header_offset, "header", l,
                  errp)) {
        return false;
    }
    return mapped_ram_header_decode(hdr, rb, header_offset, size, l, errp);
}

/* ---- the bitmap ---- */

static size_t bitmap_longs(const MappedRamLayout *l)
{
    return (l->num_pages + BITS_PER_LONG - 1) / BITS_PER_LONG;
}

unsigned long *mapped_ram_bitmap_new(const MappedRamLayout *l)
{
    return g_new0(unsigned long, MAX(bitmap_longs(l), 1));
}

static bool test_bit_ul(const unsigned long *map, uint64_t k)
{
    return (map[k / BITS_PER_LONG] >> (k % BITS_PER_LONG)) & 1;
}

bool mapped_ram_write_bitmap(int fd, const MappedRamLayout *l,
                             const unsigned long *bitmap, GError **errp)
{
    g_autofree uint8_t *buf = g_malloc0(l->bitmap_size);

    if (!check_not_direct(fd, l, "bitmap", errp)) {
        return false;
    }
    /* Bit k is bit k % 8 of byte k / 8: little-endian words on any host. */
    for (uint64_t k = 0; k < l->num_pages; k++) {
        if (test_bit_ul(bitmap, k)) {
            buf[k / 8] |= 1u << (k % 8);
        }
    }
    return pio_full(fd, true, buf, l->bitmap_size, l->bitmap_offset,
                    "bitmap", l, errp);
}

unsigned long *mapped_ram_read_bitmap(int fd, const MappedRamLayout *l,
                                      GError **errp)
{
    g_autofree uint8_t *buf = g_malloc(l->bitmap_size);
    g_autofree unsigned long *map = mapped_ram_bitmap_new(l);

    if (!check_not_direct(fd, l, "bitmap", errp) ||
        !pio_full(fd, false, buf, l->bitmap_size, l->bitmap_offset,
                  "bitmap", l, errp)) {
        return NULL;
    }
    for (uint64_t k = 0; k < l->bitmap_size * 8; k++) {
        if (!(buf[k / 8] >> (k % 8) & 1)) {
            continue;
        }
        /* A bit past the block would send the loader outside its pages. */
        if (k >= l->num_pages) {
            error_setg(errp, "mapped-ram: block '%s': bitmap has page %"
                       PRIu64 " set, but the block has %" PRIu64 " pages",
                       l->name, k, l->num_pages);
            return NULL;
        }
        map[k / BITS_PER_LONG] |= 1ul << (k % BITS_PER_LONG);
    }
    return g_steal_pointer(&map);
}

/* ---- pages ---- */

static bool check_offset(const MappedRamLayout *l, uint64_t off,
                         GError **errp)
{
    if (off % l->page_size || off >= l->used_length) {
        error_setg(errp, "mapped-ram: block '%s': page offset 0x%" PRIx64
                   " is not a page of the block (0x%" PRIx64 " bytes)",
                   l->name, off, l->used_length);
        return false;
    }
    return true;
}

/* One run of pages [first, first + len) through a vector of iovecs. */
static bool pio_run(int fd, bool write, const MappedRamLayout *l,
                    uint64_t first, uint64_t len, GError **errp)
{
    struct iovec iov = { .iov_base = l->host + first, .iov_len = len };
    uint64_t off = l->pages_offset + first;

    while (iov.iov_len) {
        ssize_t r = write ? pwritev(fd, &iov, 1, off)
                          : preadv(fd, &iov, 1, off);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            if (r == 0) {
                error_setg(errp, "mapped-ram: block '%s': pages at file "
                           "offset 0x%" PRIx64 ": file ends", l->name, off);
            } else {
                error_setg_errno(errp, errno, "mapped-ram: block '%s': "
                                 "cannot %s pages at file offset 0x%" PRIx64,
                                 l->name, write ? "write" : "read", off);
            }
            return false;
        }
        iov.iov_base = (uint8_t *)iov.iov_base + r;
        iov.iov_len -= r;
        off += r;
    }
    return true;
}

/*
 * Pages of one block are contiguous in memory and in the file, so a run
 * of consecutive offsets is one buffer at one file offset: a single
 * pwritev/preadv of one iovec moves it.
 */
static bool pages_io(int fd, bool write, const MappedRamLayout *l,
                     const uint64_t *offsets, size_t n, GError **errp)
{
    if (fd_is_direct(fd) &&
        !mapped_ram_direct_io_check(l, l->page_size, errp)) {
        return false;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;

        if (!check_offset(l, offsets[i], errp)) {
            return false;
        }
        while (j < n && offsets[j] == offsets[j - 1] + l->page_size) {
            if (!check_offset(l, offsets[j], errp)) {
                return false;
            }
            j++;
        }
        if (!pio_run(fd, write, l, offsets[i], (j - i) * l->page_size,
                     errp)) {
            return false;
        }
        i = j;
    }
    return true;
}

bool mapped_ram_write_pages(int fd, const MappedRamLayout *l,
                            const uint64_t *offsets, size_t n, GError **errp)
{
    return pages_io(fd, true, l, offsets, n, errp);
}

bool mapped_ram_write_run(int fd, const MappedRamLayout *l, uint64_t first,
                          uint64_t len, GError **errp)
{
    if (len == 0 || len % l->page_size) {
        error_setg(errp, "mapped-ram: block '%s': a run of 0x%" PRIx64
                   " bytes is not whole pages", l->name, len);
        return false;
    }
    if (!check_offset(l, first, errp)) {
        return false;
    }
    if (len > l->used_length - first) {
        error_setg(errp, "mapped-ram: block '%s': a run of 0x%" PRIx64
                   " bytes at 0x%" PRIx64 " passes the block's end (0x%"
                   PRIx64 ")", l->name, len, first, l->used_length);
        return false;
    }
    if (fd_is_direct(fd) &&
        !mapped_ram_direct_io_check(l, l->page_size, errp)) {
        return false;
    }
    return pio_run(fd, true, l, first, len, errp);
}

bool mapped_ram_read_pages(int fd, const MappedRamLayout *l,
                           const uint64_t *offsets, size_t n, GError **errp)
{
    return pages_io(fd, false, l, offsets, n, errp);
}

bool mapped_ram_read_block(int fd, const MappedRamLayout *l,
                           const unsigned long *bitmap, GError **errp)
{
    uint64_t chunk_pages = MAX(MAPPED_RAM_LOAD_CHUNK / l->page_size, 1);

    if (fd_is_direct(fd) &&
        !mapped_ram_direct_io_check(l, l->page_size, errp)) {
        return false;
    }
    for (uint64_t k = 0; k < l->num_pages;) {
        uint64_t end = k;

        if (!test_bit_ul(bitmap, k)) {
            k++;
            continue;
        }
        while (end < l->num_pages && end - k < chunk_pages &&
               test_bit_ul(bitmap, end)) {
            end++;
        }
        if (!pio_run(fd, false, l, k * l->page_size,
                     (end - k) * l->page_size, errp)) {
            return false;
        }
        k = end;
    }
    return true;
}

/* ---- direct-io and channels ---- */

bool mapped_ram_direct_io_check(const MappedRamLayout *l, size_t align,
                                GError **errp)
{
    /* The layout's own guarantees first, then where the memory landed. */
    if (align == 0 || (align & (align - 1))) {
        error_setg(errp, "direct-io: alignment %zu is not a power of two",
                   align);
        return false;
    }
    if (l->page_size % align) {
        error_setg(errp, "direct-io: page size 0x%" PRIx64 " of block '%s' "
                   "is not a multiple of %zu bytes", l->page_size, l->name,
                   align);
        return false;
    }
    if (l->pages_offset % align) {
        error_setg(errp, "direct-io: pages of block '%s' start at file "
                   "offset 0x%" PRIx64 ", not a multiple of %zu", l->name,
                   l->pages_offset, align);
        return false;
    }
    if ((uintptr_t)l->host % align) {
        error_setg(errp, "direct-io: memory of block '%s' is not aligned "
                   "to %zu bytes", l->name, align);
        return false;
    }
    return true;
}

int mapped_ram_open_direct(const char *path, int flags, GError **errp)
{
    int fd = open(path, flags | O_DIRECT | O_CLOEXEC, 0600);

    if (fd < 0) {
        if (errno == EINVAL) {
            error_setg(errp, "direct-io: the filesystem of '%s' does not "
                       "support O_DIRECT", path);
        } else {
            error_setg_errno(errp, errno, "direct-io: cannot open '%s'",
                             path);
        }
    }
    return fd;
}

int mapped_ram_channel_fd(MigChannel *ch, GError **errp)
{
    if (!ch->is_seekable || ch->fd < 0) {
        error_setg(errp, "mapped-ram needs a seekable channel (file:), "
                   "not '%s'", ch->name);
        return -1;
    }
    return ch->fd;
}

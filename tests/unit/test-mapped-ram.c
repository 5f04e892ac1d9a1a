/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mapped-ram file layout (spec migration-wire-format.md 7.3):
 * headers byte-exact against the spec's table and alignment rules, RAM
 * blocks through a real file written by two fds in parallel (and with
 * O_DIRECT page fds where the filesystem allows it), and every header,
 * bitmap and file-size corruption rejected with a message naming it.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/memory.h"
#include "migration/channel.h"
#include "migration/mapped-ram.h"

#define PAGE        4096
#define MARKER      0x5a
/* The main stream's bytes before the first header (URI offset, file
 * header, MEM_SIZE entry...) and between the two blocks. */
#define LEAD        0x333
#define GAP         17

/* ---- helpers ---- */

static RAMBlock *block_new(const char *name, uint64_t size)
{
    GError *err = NULL;
    RAMBlock *rb = ram_block_new(name, size, false, -1, 0, &err);

    g_assert_no_error(err);
    return rb;
}

static MappedRamLayout layout(RAMBlock *rb, uint64_t h)
{
    GError *err = NULL;
    MappedRamLayout l;

    g_assert_true(mapped_ram_layout_init(&l, rb, h, &err));
    g_assert_no_error(err);
    return l;
}

static void assert_header(RAMBlock *rb, uint64_t h, const uint8_t *want)
{
    MappedRamLayout l = layout(rb, h);
    uint8_t got[MAPPED_RAM_HDR_SIZE];

    mapped_ram_header_encode(&l, got);
    g_assert_cmpmem(got, sizeof(got), want, MAPPED_RAM_HDR_SIZE);
}

static char *tmp_path(char **dir)
{
    GError *err = NULL;

    *dir = g_dir_make_tmp("mapped-ram-XXXXXX", &err);
    g_assert_no_error(err);
    return g_build_filename(*dir, "migfile", NULL);
}

static void tmp_remove(char *dir, char *path)
{
    unlink(path);
    rmdir(dir);
    g_free(path);
    g_free(dir);
}

/* ---- headers against the spec ---- */

static void test_header_bytes(void)
{
    /* 8 MiB: 2048 pages, 256-byte bitmap at H + 28, pages at 1 MiB. */
    static const uint8_t a[] = {
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x50,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
    };
    /* The bitmap ends exactly at 1 MiB: no gap, pages right there. */
    static const uint8_t a_flush[] = {
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0xff, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
    };
    /* 65 pages: the bitmap takes two 64-bit words (16 bytes); a header
     * ending at 1 MiB puts the bitmap past it, so pages go to 2 MiB. */
    static const uint8_t b[] = {
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
    };
    RAMBlock *ra = block_new("hdr.a", 8 * 1024 * 1024);
    RAMBlock *rb = block_new("hdr.b", 65 * PAGE);
    MappedRamLayout l;

    assert_header(ra, 0x1234, a);
    assert_header(ra, 0x100000 - 28 - 256, a_flush);
    assert_header(rb, 0x100000 - 28, b);

    l = layout(rb, 0x100000 - 28);
    g_assert_cmpuint(l.num_pages, ==, 65);
    g_assert_cmpuint(l.bitmap_size, ==, 16);
    g_assert_cmpuint(mapped_ram_layout_end(&l), ==, 0x200000 + 65 * PAGE);
    /* One page: still one whole word. */
    ram_block_free(rb);
    rb = block_new("hdr.c", PAGE);
    l = layout(rb, 0);
    g_assert_cmpuint(l.bitmap_size, ==, 8);
    g_assert_cmpuint(l.pages_offset, ==, 0x100000);
    ram_block_free(ra);
    ram_block_free(rb);
}

static void test_layout_overflow(void)
{
    RAMBlock *rb = block_new("ovf", 2 * PAGE);
    GError *err = NULL;
    MappedRamLayout l;

    g_assert_false(mapped_ram_layout_init(&l, rb, UINT64_MAX - 100, &err));
    g_assert_nonnull(strstr(err->message, "does not fit in a 64-bit file"));
    g_assert_nonnull(strstr(err->message, "'ovf'"));
    g_error_free(err);
    ram_block_free(rb);
}

/* ---- round trip through a file ---- */

/* Page k of block `id`: every fifth page zero, the others a pattern. */
static void fill_block(RAMBlock *rb, unsigned id)
{
    uint8_t *host = ram_block_host(rb);
    uint64_t pages = ram_block_used_length(rb) / PAGE;

    for (uint64_t k = 0; k < pages; k++) {
        if (k % 5 == 0) {
            continue;
        }
        memset(host + k * PAGE, (int)(k * 7 + id), PAGE);
        memcpy(host + k * PAGE, &k, sizeof(k));
    }
}

typedef struct Writer {
    int fd;
    const MappedRamLayout *l;
    const uint64_t *offsets;
    size_t n;
    unsigned parity;            /* writes batches i with i % 2 == parity */
} Writer;

#define BATCH 7

static gpointer writer_thread(gpointer opaque)
{
    Writer *w = opaque;
    GError *err = NULL;

    for (size_t i = 0, b = 0; i < w->n; i += BATCH, b++) {
        if (b % 2 != w->parity) {
            continue;
        }
        if (!mapped_ram_write_pages(w->fd, w->l, w->offsets + i,
                                    MIN(BATCH, w->n - i), &err)) {
            return err;
        }
    }
    return NULL;
}

/*
 * The source's side for one block: header through the main fd, the
 * non-zero pages by two page fds in parallel (batches of BATCH offsets,
 * as multifd hands them out), then a page that became zero (bit cleared,
 * stale data left in its slot), then the bitmap.
 */
static void save_block(int main_fd, int page_fd[2], const MappedRamLayout *l)
{
    g_autofree unsigned long *bitmap = mapped_ram_bitmap_new(l);
    g_autofree uint64_t *offsets = g_new(uint64_t, l->num_pages);
    GError *err = NULL;
    Writer w[2];
    GThread *t[2];
    size_t n = 0;

    g_assert_true(mapped_ram_write_header(main_fd, l, &err));
    g_assert_no_error(err);
    for (uint64_t k = 0; k < l->num_pages; k++) {
        if (k % 5) {
            offsets[n++] = k * PAGE;
            bitmap[k / BITS_PER_LONG] |= 1ul << (k % BITS_PER_LONG);
        }
    }
    for (unsigned i = 0; i < 2; i++) {
        w[i] = (Writer){ page_fd[i], l, offsets, n, i };
        t[i] = g_thread_new("mapped-ram-writer", writer_thread, &w[i]);
    }
    for (unsigned i = 0; i < 2; i++) {
        GError *terr = g_thread_join(t[i]);

        g_assert_no_error(terr);
    }

    /* Page 1 was sent, then the guest zeroed it. */
    memset(l->host + PAGE, 0, PAGE);
    bitmap[0] &= ~2ul;
    g_assert_true(mapped_ram_write_bitmap(main_fd, l, bitmap, &err));
    g_assert_no_error(err);
}

static void load_and_compare(int main_fd, int page_fd, RAMBlock *src,
                             RAMBlock *dst, uint64_t h)
{
    GError *err = NULL;
    MappedRamLayout l;
    g_autofree unsigned long *bitmap = NULL;

    g_assert_true(mapped_ram_read_header(main_fd, dst, h, &l, &err));
    g_assert_no_error(err);
    bitmap = mapped_ram_read_bitmap(main_fd, &l, &err);
    g_assert_no_error(err);
    g_assert_nonnull(bitmap);
    g_assert_false(bitmap[0] & 2ul);
    g_assert_true(bitmap[0] & 4ul);
    g_assert_true(mapped_ram_read_block(page_fd, &l, bitmap, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(ram_block_host(dst), ram_block_used_length(dst),
                    ram_block_host(src), ram_block_used_length(src));
}

static void round_trip(bool direct)
{
    g_autofree char *lead = g_malloc(LEAD);
    char *dir, *path = tmp_path(&dir);
    RAMBlock *sa = block_new("rt.a", 2 * 1024 * 1024);
    RAMBlock *sb = block_new("rt.b", 65 * PAGE);
    RAMBlock *da = block_new("rt.a.dst", 2 * 1024 * 1024);
    RAMBlock *db = block_new("rt.b.dst", 65 * PAGE);
    MappedRamLayout la, lb;
    int main_fd, page_fd[2] = { -1, -1 }, rfd, rpage_fd;
    GError *err = NULL;
    uint8_t buf[64], zeros[64] = { 0 };
    uint64_t hb;

    memset(lead, MARKER, LEAD);
    main_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert_cmpint(main_fd, >=, 0);
    g_assert_cmpint(pwrite(main_fd, lead, LEAD, 0), ==, LEAD);
    for (unsigned i = 0; i < 2; i++) {
        page_fd[i] = direct ? mapped_ram_open_direct(path, O_WRONLY, &err)
                            : open(path, O_WRONLY | O_CLOEXEC);
        if (page_fd[i] < 0 && direct) {
            g_test_skip(err->message);
            g_error_free(err);
            goto out_close;
        }
        g_assert_cmpint(page_fd[i], >=, 0);
    }
    fill_block(sa, 1);
    fill_block(sb, 2);

    la = layout(sa, LEAD);
    save_block(main_fd, page_fd, &la);
    hb = mapped_ram_layout_end(&la) + GAP;
    lb = layout(sb, hb);
    save_block(main_fd, page_fd, &lb);
    /* The stream goes on after the last page region. */
    g_assert_cmpint(pwrite(main_fd, lead, GAP, mapped_ram_layout_end(&lb)),
                    ==, GAP);

    /* What came before the first header is untouched; the gap after a
     * bitmap reads as zeros. */
    g_assert_cmpint(pread(main_fd, buf, 64, 0), ==, 64);
    g_assert_cmpmem(buf, 64, lead, 64);
    g_assert_cmpint(pread(main_fd, buf, 64, la.pages_offset - 64), ==, 64);
    g_assert_cmpmem(buf, 64, zeros, 64);

    if (direct) {
        /* Header and bitmap are unaligned: refused on an O_DIRECT fd. */
        g_assert_false(mapped_ram_write_header(page_fd[0], &la, &err));
        g_assert_nonnull(strstr(err->message, "O_DIRECT"));
        g_clear_error(&err);
    }

    rfd = open(path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(rfd, >=, 0);
    rpage_fd = direct ? mapped_ram_open_direct(path, O_RDONLY, &err)
                      : dup(rfd);
    g_assert_no_error(err);
    g_assert_cmpint(rpage_fd, >=, 0);
    load_and_compare(rfd, rpage_fd, sa, da, LEAD);
    load_and_compare(rfd, rpage_fd, sb, db, hb);

    /* Single pages by offset, as a multifd receiver would ask for them. */
    {
        uint64_t offs[] = { 3 * PAGE, 4 * PAGE, 64 * PAGE };
        MappedRamLayout l;

        memset(ram_block_host(db), 0, ram_block_used_length(db));
        g_assert_true(mapped_ram_read_header(rfd, db, hb, &l, &err));
        g_assert_true(mapped_ram_read_pages(rpage_fd, &l, offs, 3, &err));
        g_assert_no_error(err);
        for (unsigned i = 0; i < 3; i++) {
            g_assert_cmpmem((uint8_t *)ram_block_host(db) + offs[i], PAGE,
                            (uint8_t *)ram_block_host(sb) + offs[i], PAGE);
        }
        /* An offset outside the block is refused, not read. */
        offs[0] = 65 * PAGE;
        g_assert_false(mapped_ram_read_pages(rpage_fd, &l, offs, 1, &err));
        g_assert_nonnull(strstr(err->message, "is not a page of the block"));
        g_clear_error(&err);
    }
    close(rfd);
    close(rpage_fd);

out_close:
    for (unsigned i = 0; i < 2; i++) {
        if (page_fd[i] >= 0) {
            close(page_fd[i]);
        }
    }
    close(main_fd);
    ram_block_free(sa);
    ram_block_free(sb);
    ram_block_free(da);
    ram_block_free(db);
    tmp_remove(dir, path);
}

static void test_round_trip(void)
{
    round_trip(false);
}

static void test_round_trip_direct(void)
{
    round_trip(true);
}

/* ---- corruption ---- */

typedef struct Corruption {
    const char *name;
    unsigned offset;            /* into the header */
    unsigned size;              /* 4 or 8 */
    uint64_t value;
    uint64_t file_size;         /* 0: large enough */
    const char *message;
} Corruption;

/* Block "bad" (8 pages), header at 0x1000 - 28: bitmap at 0x1000. */
#define BAD_H   (0x1000 - 28)

static const Corruption corruptions[] = {
    { "version-0", 0, 4, 0, 0, "unsupported header version 0 (expected 1)" },
    { "version-2", 0, 4, 2, 0, "unsupported header version 2 (expected 1)" },
    { "page-size", 4, 8, 0x2000, 0, "page size 0x2000 in the file, 0x1000 "
      "here" },
    { "bitmap-offset", 12, 8, 0x1001, 0, "bitmap offset 0x1001 is not right "
      "after the header" },
    { "pages-unaligned", 20, 8, 0x100800, 0, "pages offset 0x100800 is not "
      "a multiple of the page size" },
    { "pages-over-bitmap", 20, 8, 0x1000, 0, "pages offset 0x1000 overlaps "
      "the 8-byte bitmap at 0x1000" },
    { "pages-wrap", 20, 8, 0xfffffffffffff000ull, 0, "end past the end of "
      "the file" },
    { "file-short", 0, 0, 0, 0x100000 + 8 * PAGE - 1, "end past the end of "
      "the file (0x107fff bytes)" },
};

static void test_corrupt_header(gconstpointer data)
{
    const Corruption *c = data;
    RAMBlock *rb = block_new("bad", 8 * PAGE);
    MappedRamLayout l = layout(rb, BAD_H), got;
    uint8_t hdr[MAPPED_RAM_HDR_SIZE];
    uint64_t file_size = c->file_size ? c->file_size : 1ull << 40;
    GError *err = NULL;

    mapped_ram_header_encode(&l, hdr);
    /* The unmodified header passes at the same file size checks... */
    if (!c->file_size) {
        g_assert_true(mapped_ram_header_decode(hdr, rb, BAD_H, file_size,
                                               &got, &err));
        g_assert_no_error(err);
        g_assert_cmpuint(got.pages_offset, ==, l.pages_offset);
        g_assert_cmpuint(got.bitmap_offset, ==, l.bitmap_offset);
    }
    /* ...the corrupted one fails, naming the block and the field. */
    if (c->size == 4) {
        uint32_t v = GUINT32_TO_BE((uint32_t)c->value);

        memcpy(hdr + c->offset, &v, 4);
    } else if (c->size == 8) {
        uint64_t v = GUINT64_TO_BE(c->value);

        memcpy(hdr + c->offset, &v, 8);
    }
    g_assert_false(mapped_ram_header_decode(hdr, rb, BAD_H, file_size, &got,
                                            &err));
    g_assert_nonnull(err);
    g_test_message("%s", err->message);
    g_assert_nonnull(strstr(err->message, "block 'bad'"));
    g_assert_nonnull(strstr(err->message, c->message));
    g_error_free(err);
    ram_block_free(rb);
}

static void test_corrupt_file(void)
{
    char *dir, *path = tmp_path(&dir);
    RAMBlock *rb = block_new("bad", 65 * PAGE);
    MappedRamLayout l = layout(rb, 0), got;
    GError *err = NULL;
    uint8_t bits[16] = { 0 };
    unsigned long *map;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    g_assert_cmpint(fd, >=, 0);
    /* A file that ends inside the header. */
    g_assert_cmpint(pwrite(fd, "QEVM", 4, 0), ==, 4);
    g_assert_false(mapped_ram_read_header(fd, rb, 0, &got, &err));
    g_assert_nonnull(strstr(err->message, "header at file offset 0x0: "
                                          "file ends"));
    g_clear_error(&err);

    /* A valid header; the bitmap has page 70 set but the block has 65. */
    g_assert_true(mapped_ram_write_header(fd, &l, &err));
    g_assert_cmpint(ftruncate(fd, mapped_ram_layout_end(&l)), ==, 0);
    g_assert_true(mapped_ram_read_header(fd, rb, 0, &got, &err));
    g_assert_no_error(err);
    bits[70 / 8] = 1 << (70 % 8);
    g_assert_cmpint(pwrite(fd, bits, 16, l.bitmap_offset), ==, 16);
    map = mapped_ram_read_bitmap(fd, &got, &err);
    g_assert_null(map);
    g_assert_nonnull(strstr(err->message, "bitmap has page 70 set, but the "
                                          "block has 65 pages"));
    g_clear_error(&err);
    /* Page 64 (the last) is fine, and is bit 0 of the second word. */
    memset(bits, 0, sizeof(bits));
    bits[8] = 1;
    g_assert_cmpint(pwrite(fd, bits, 16, l.bitmap_offset), ==, 16);
    map = mapped_ram_read_bitmap(fd, &got, &err);
    g_assert_no_error(err);
    g_assert_true(map[64 / BITS_PER_LONG] >> (64 % BITS_PER_LONG) & 1);
    g_free(map);

    /* The page region cut short: reading the last page fails cleanly. */
    g_assert_cmpint(ftruncate(fd, mapped_ram_layout_end(&l) - 1), ==, 0);
    g_assert_false(mapped_ram_read_header(fd, rb, 0, &got, &err));
    g_assert_nonnull(strstr(err->message, "past the end of the file"));
    g_clear_error(&err);
    {
        uint64_t off = 64 * PAGE;

        g_assert_false(mapped_ram_read_pages(fd, &l, &off, 1, &err));
        g_assert_nonnull(strstr(err->message, "file ends"));
        g_clear_error(&err);
    }
    close(fd);
    ram_block_free(rb);
    tmp_remove(dir, path);
}

/* A run: whole pages inside the block, one write, refused otherwise. */
static void test_write_run(void)
{
    char *dir, *path = tmp_path(&dir);
    RAMBlock *rb = block_new("run", 8 * PAGE);
    MappedRamLayout l = layout(rb, 0);
    uint8_t *host = ram_block_host(rb);
    g_autofree uint8_t *back = g_malloc(3 * PAGE);
    GError *err = NULL;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    static const struct {
        uint64_t first, len;
        const char *error;
    } bad[] = {
        { 0, 0, "a run of 0x0 bytes is not whole pages" },
        { 0, PAGE + 1, "a run of 0x1001 bytes is not whole pages" },
        { 1, PAGE, "page offset 0x1 is not a page of the block" },
        { 8 * PAGE, PAGE, "page offset 0x8000 is not a page" },
        { 6 * PAGE, 3 * PAGE, "a run of 0x3000 bytes at 0x6000 passes the "
                              "block's end (0x8000)" },
        { PAGE, UINT64_MAX - PAGE + 1, "passes the block's end" },
    };

    g_assert_cmpint(fd, >=, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(mapped_ram_write_run(fd, &l, bad[i].first, bad[i].len,
                                            &err));
        g_assert_nonnull(strstr(err->message, bad[i].error));
        g_clear_error(&err);
    }
    /* Nothing was written by the refusals. */
    g_assert_cmpint(lseek(fd, 0, SEEK_END), ==, 0);
    for (int i = 0; i < 8 * PAGE; i++) {
        host[i] = (uint8_t)(i * 13 + 1);
    }
    g_assert_true(mapped_ram_write_run(fd, &l, 5 * PAGE, 3 * PAGE, &err));
    g_assert_no_error(err);
    g_assert_cmpint(pread(fd, back, 3 * PAGE, l.pages_offset + 5 * PAGE),
                    ==, 3 * PAGE);
    g_assert_true(memcmp(back, host + 5 * PAGE, 3 * PAGE) == 0);
    /* The slots before the run stay holes (read as zero). */
    g_assert_cmpint(pread(fd, back, PAGE, l.pages_offset + 4 * PAGE), ==,
                    PAGE);
    g_assert_true(back[0] == 0 && !memcmp(back, back + 1, PAGE - 1));
    close(fd);
    ram_block_free(rb);
    tmp_remove(dir, path);
}

/* ---- direct-io rules and channels ---- */

static void test_direct_io_check(void)
{
    RAMBlock *rb = block_new("dio", 4 * PAGE);
    MappedRamLayout l = layout(rb, 0);
    GError *err = NULL;

    /* The layout guarantees: any power of two up to the page size. */
    for (size_t a = 512; a <= PAGE; a *= 2) {
        g_assert_true(mapped_ram_direct_io_check(&l, a, &err));
        g_assert_no_error(err);
    }
    g_assert_false(mapped_ram_direct_io_check(&l, 3000, &err));
    g_assert_nonnull(strstr(err->message, "not a power of two"));
    g_clear_error(&err);
    g_assert_false(mapped_ram_direct_io_check(&l, 2 * PAGE, &err));
    g_assert_nonnull(strstr(err->message, "page size 0x1000 of block 'dio' "
                                          "is not a multiple of 8192"));
    g_clear_error(&err);

    l.host += 512;
    g_assert_false(mapped_ram_direct_io_check(&l, PAGE, &err));
    g_assert_nonnull(strstr(err->message, "memory of block 'dio' is not "
                                          "aligned to 4096 bytes"));
    g_clear_error(&err);
    l.host -= 512;
    l.pages_offset += 512;
    g_assert_false(mapped_ram_direct_io_check(&l, PAGE, &err));
    g_assert_nonnull(strstr(err->message, "not a multiple of 4096"));
    g_clear_error(&err);
    ram_block_free(rb);
}

static void test_channel_fd(void)
{
    char *dir, *path = tmp_path(&dir);
    MigChannel *mem = mig_channel_new_mem(NULL, 0, "mem-test");
    MigChannel *file;
    GError *err = NULL;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    g_assert_cmpint(mapped_ram_channel_fd(mem, &err), ==, -1);
    g_assert_nonnull(strstr(err->message, "needs a seekable channel"));
    g_assert_nonnull(strstr(err->message, "'mem-test'"));
    g_clear_error(&err);
    mig_channel_unref(mem);

    g_assert_cmpint(fd, >=, 0);
    file = mig_channel_new_fd(fd, "file-test");
    g_assert_cmpint(mapped_ram_channel_fd(file, &err), ==, fd);
    g_assert_no_error(err);
    mig_channel_unref(file);
    tmp_remove(dir, path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mapped-ram/header-bytes", test_header_bytes);
    g_test_add_func("/mapped-ram/layout-overflow", test_layout_overflow);
    g_test_add_func("/mapped-ram/round-trip", test_round_trip);
    g_test_add_func("/mapped-ram/round-trip-direct", test_round_trip_direct);
    for (size_t i = 0; i < G_N_ELEMENTS(corruptions); i++) {
        g_autofree char *name = g_strdup_printf("/mapped-ram/corrupt/%s",
                                                corruptions[i].name);

        g_test_add_data_func(name, &corruptions[i], test_corrupt_header);
    }
    g_test_add_func("/mapped-ram/corrupt-file", test_corrupt_file);
    g_test_add_func("/mapped-ram/write-run", test_write_run);
    g_test_add_func("/mapped-ram/direct-io-check", test_direct_io_check);
    g_test_add_func("/mapped-ram/channel-fd", test_channel_fd);
    return g_test_run();
}

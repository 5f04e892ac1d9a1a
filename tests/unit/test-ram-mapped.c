/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM save/load with mapped-ram (migration/ram-mapped.c) through a real
 * file and QEMUFiles, as the RAM saver and loader drive it: stream bytes
 * around the block, pages written, rewritten in place and turned zero,
 * the loader reading pages into another block and zeroing pages it had
 * written itself.  Also QEMUFile positions and the extra fds of file.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/memory.h"
#include "monitor/monitor.h"
#include "migration/channel.h"
#include "migration/qemu-file.h"
#include "migration/mapped-ram.h"
#include "migration/file.h"
#include "migration/transport-priv.h"
#include "migration/ram.h"
#include "migration/ram-mapped.h"

#define PAGE        4096
#define PAGES       200         /* 3 bitmap words, the last one partial */
/* Above ram-mapped.c's 64 MiB threshold: read by several threads; not a
 * whole number of bitmap words. */
#define BIG_PAGES   (16384 + 77)

static RAMBlock *block_new(const char *name, uint64_t pages)
{
    GError *err = NULL;
    RAMBlock *rb = ram_block_new(name, pages * PAGE, false, -1, 0, &err);

    g_assert_no_error(err);
    return rb;
}

static char *tmp_file(char **dir)
{
    GError *err = NULL;

    *dir = g_dir_make_tmp("ram-mapped-XXXXXX", &err);
    g_assert_no_error(err);
    return g_build_filename(*dir, "migfile", NULL);
}

static QEMUFile *file_open_stream(const char *path, bool out)
{
    int fd = open(path, out ? O_CREAT | O_WRONLY | O_TRUNC : O_RDONLY, 0600);
    MigChannel *ch;
    QEMUFile *f;

    g_assert_cmpint(fd, >=, 0);
    ch = mig_channel_new_fd(fd, out ? "out" : "in");
    g_assert_true(ch->is_seekable);
    f = out ? qemu_file_new_output(ch) : qemu_file_new_input(ch);
    mig_channel_unref(ch);
    return f;
}

static void fill_page(uint8_t *host, uint64_t page, uint8_t salt)
{
    for (int i = 0; i < PAGE; i++) {
        host[page * PAGE + i] = (uint8_t)(page * 7 + i + salt) | 1;
    }
}

/* Save every page with save_word, as the scan would. */
static void save_all(RamMappedSave *ms, QEMUFile *f, uint64_t pages)
{
    for (size_t w = 0; w * BITS_PER_LONG < pages; w++) {
        size_t left = pages - w * BITS_PER_LONG;
        unsigned long dirty = left >= BITS_PER_LONG ? ~0UL
                                                    : (1UL << left) - 1;

        ram_mapped_save_word(ms, f, 0, w, dirty, 0, true);
    }
}

static void test_round_trip(gconstpointer data)
{
    const uint64_t pages = GPOINTER_TO_UINT(data);
    g_autofree char *dir = NULL;
    g_autofree char *path = tmp_file(&dir);
    RAMBlock *src = block_new("src", pages);
    RAMBlock *dst = block_new("dst", pages);
    uint8_t *sh = ram_block_host(src), *dh = ram_block_host(dst);
    GError *err = NULL;
    RamMappedSave *ms;
    QEMUFile *f;
    uint64_t off;
    char tail[5] = { 0 };

    for (uint64_t p = 0; p < pages; p++) {
        if (p % 5) {                    /* every 5th page stays zero */
            fill_page(sh, p, 0);
        }
    }

    f = file_open_stream(path, true);
    qemu_put_buffer(f, (const uint8_t *)"HEAD", 4);
    ms = ram_mapped_save_new(f, 1, &err);
    g_assert_no_error(err);
    g_assert_true(ram_mapped_save_block(ms, f, 0, src, &err));
    g_assert_no_error(err);
    g_assert_true(qemu_file_get_offset(f, &off, &err));
    g_assert_cmphex(off, ==, 0x100000 + pages * PAGE);
    qemu_put_buffer(f, (const uint8_t *)"TAIL", 4);
    save_all(ms, f, pages);

    /* Second pass: page 3 rewritten in place, page 7 became zero, page
     * 11 is reported zero by the written bitmap (known_zero). */
    fill_page(sh, 3, 0x40);
    memset(sh + 7 * PAGE, 0, PAGE);
    g_assert_cmpuint(ram_mapped_save_word(ms, f, 0, 0,
                                          (1UL << 3) | (1UL << 7) |
                                          (1UL << 11), 1UL << 11, true),
                     ==, PAGE);
    memset(sh + 11 * PAGE, 0, PAGE);
    g_assert_true(ram_mapped_save_complete(ms, &err));
    g_assert_no_error(err);
    ram_mapped_save_free(ms);
    g_assert_cmpint(qemu_file_get_error(f), ==, 0);
    g_assert_cmpint(qemu_fclose(f), ==, 0);

    /* Destination: page 10 (zero in the file) holds junk it wrote. */
    memset(dh + 10 * PAGE, 0xee, PAGE);
    ram_block_mark_written(dst, 10 * PAGE, PAGE);
    f = file_open_stream(path, false);
    g_assert_cmpuint(qemu_get_buffer(f, (uint8_t *)tail, 4), ==, 4);
    g_assert_cmpstr(tail, ==, "HEAD");
    g_assert_true(ram_mapped_load_block(f, dst, "src", &err));
    g_assert_no_error(err);
    g_assert_cmpuint(qemu_get_buffer(f, (uint8_t *)tail, 4), ==, 4);
    g_assert_cmpstr(tail, ==, "TAIL");
    qemu_fclose(f);
    g_assert_true(memcmp(dh, sh, pages * PAGE) == 0);

    unlink(path);
    rmdir(dir);
    ram_block_free(src);
    ram_block_free(dst);
}

/*
 * Runs gathered across bitmap words: a 6 MiB block of non-zero pages is
 * more than one 4 MiB run; a second pass sends pages 63 and 64 (two
 * words, one run) and 1100 and 1101 in separate calls with a zero page
 * between passes.  Then a saver freed with a run still gathered (a
 * cancel): nothing leaks, nothing is written after the free.
 */
static void test_runs(void)
{
    const uint64_t pages = 1536;
    g_autofree char *dir = NULL;
    g_autofree char *path = tmp_file(&dir);
    RAMBlock *src = block_new("src", pages);
    RAMBlock *dst = block_new("dst", pages);
    uint8_t *sh = ram_block_host(src), *dh = ram_block_host(dst);
    GError *err = NULL;
    RamMappedSave *ms;
    QEMUFile *f;
    struct stat st;

    for (uint64_t p = 0; p < pages; p++) {
        fill_page(sh, p, 0);
    }
    f = file_open_stream(path, true);
    ms = ram_mapped_save_new(f, 1, &err);
    g_assert_no_error(err);
    g_assert_true(ram_mapped_save_block(ms, f, 0, src, &err));
    save_all(ms, f, pages);
    fill_page(sh, 63, 0x20);
    fill_page(sh, 64, 0x21);
    fill_page(sh, 1100, 0x22);
    fill_page(sh, 1101, 0x23);
    memset(sh + 1102 * PAGE, 0, PAGE);
    g_assert_cmpuint(ram_mapped_save_word(ms, f, 0, 0, 1UL << 63, 0, true),
                     ==, PAGE);
    g_assert_cmpuint(ram_mapped_save_word(ms, f, 0, 1, 1, 0, true), ==, PAGE);
    g_assert_cmpuint(ram_mapped_save_word(ms, f, 0, 1100 / BITS_PER_LONG,
                                          1UL << (1100 % BITS_PER_LONG), 0,
                                          true), ==, PAGE);
    g_assert_cmpuint(ram_mapped_save_word(ms, f, 0, 1101 / BITS_PER_LONG,
                                          3UL << (1101 % BITS_PER_LONG), 0,
                                          true), ==, PAGE);
    g_assert_true(ram_mapped_save_complete(ms, &err));
    g_assert_no_error(err);
    ram_mapped_save_free(ms);
    g_assert_cmpint(qemu_fclose(f), ==, 0);

    f = file_open_stream(path, false);
    g_assert_true(ram_mapped_load_block(f, dst, "src", &err));
    g_assert_no_error(err);
    qemu_fclose(f);
    g_assert_true(memcmp(dh, sh, pages * PAGE) == 0);

    /* Cancel: the gathered run is dropped, not written. */
    f = file_open_stream(path, true);
    ms = ram_mapped_save_new(f, 1, &err);
    g_assert_no_error(err);
    g_assert_true(ram_mapped_save_block(ms, f, 0, src, &err));
    g_assert_cmpuint(ram_mapped_save_word(ms, f, 0, pages / BITS_PER_LONG - 1,
                                          1UL << 63, 0, true), ==, PAGE);
    ram_mapped_save_free(ms);
    qemu_fclose(f);
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_blocks * 512, <=, PAGE);   /* the header only */

    unlink(path);
    rmdir(dir);
    ram_block_free(src);
    ram_block_free(dst);
}

/* The flags a mapped-ram RAM section refuses (wire 7.3). */
static void test_flags(void)
{
    static const struct {
        uint64_t flags;
        const char *error;
    } cases[] = {
        { RAM_SAVE_FLAG_EOS, NULL },
        { RAM_SAVE_FLAG_MEM_SIZE, NULL },
        { RAM_SAVE_FLAG_ZERO, "Unexpected RAM flags: 2" },
        { RAM_SAVE_FLAG_PAGE | RAM_SAVE_FLAG_CONTINUE,
          "Unexpected RAM flags: 8" },
        { RAM_SAVE_FLAG_XBZRLE, "Unexpected RAM flags: 64" },
        { RAM_SAVE_FLAG_HOOK, "Unexpected RAM flags: 128" },
        { RAM_SAVE_FLAG_MULTIFD_FLUSH, "Unexpected RAM flags: 512" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *err = NULL;
        bool ok = ram_mapped_load_flags_ok(cases[i].flags, &err);

        g_assert_cmpint(ok, ==, !cases[i].error);
        if (cases[i].error) {
            g_assert_cmpstr(err->message, ==, cases[i].error);
            g_error_free(err);
        }
    }
}

/* Positions behind write buffers and read-ahead; not on a pipe. */
static void test_offsets(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = tmp_file(&dir);
    GError *err = NULL;
    QEMUFile *f = file_open_stream(path, true);
    uint64_t off;
    int pipefd[2];
    MigChannel *ch;

    qemu_put_be32(f, 0x11223344);
    g_assert_true(qemu_file_get_offset(f, &off, &err));
    g_assert_cmpuint(off, ==, 4);
    g_assert_true(qemu_file_set_offset(f, 1000, &err));
    qemu_put_be32(f, 0x55667788);
    qemu_fclose(f);

    f = file_open_stream(path, false);
    g_assert_cmphex(qemu_get_be32(f), ==, 0x11223344);
    g_assert_true(qemu_file_get_offset(f, &off, &err));
    g_assert_cmpuint(off, ==, 4);
    g_assert_true(qemu_file_set_offset(f, 1000, &err));
    g_assert_cmphex(qemu_get_be32(f), ==, 0x55667788);
    g_assert_true(qemu_file_get_offset(f, &off, &err));
    g_assert_cmpuint(off, ==, 1004);
    g_assert_no_error(err);
    qemu_fclose(f);

    g_assert_cmpint(pipe(pipefd), ==, 0);
    ch = mig_channel_new_fd(pipefd[0], "pipe");
    f = qemu_file_new_input(ch);
    g_assert_false(qemu_file_get_offset(f, &off, &err));
    g_assert_nonnull(strstr(err->message, "not a seekable file"));
    g_clear_error(&err);
    g_assert_false(qemu_file_set_offset(f, 0, &err));
    g_clear_error(&err);
    qemu_fclose(f);
    mig_channel_unref(ch);
    close(pipefd[1]);

    unlink(path);
    rmdir(dir);
}

static void accepted(MigChannel *ch, void *opaque)
{
    mig_channel_unref(ch);
}

/* file.c's extra fds: the fd set's O_DIRECT member for O_DIRECT. */
static void test_extra_fd_fdset(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = tmp_file(&dir);
    FileMigrationArgs args = { .filename = (char *)"/dev/fdset/7" };
    MigTransportListener *l;
    GError *err = NULL;
    int fd, direct_fd, extra;

    g_assert_true(g_file_set_contents(path, "x", 1, NULL));
    fd = open(path, O_RDONLY);
    direct_fd = open(path, O_RDONLY | O_DIRECT);
    if (direct_fd < 0) {
        close(fd);
        unlink(path);
        rmdir(dir);
        g_test_skip("no O_DIRECT in the temporary directory");
        return;
    }
    /* The O_DIRECT one first: the main channel must still skip it. */
    monitor_fdset_add_fd(direct_fd, 7, NULL);
    monitor_fdset_add_fd(fd, 7, NULL);

    /* Nothing opened yet in this process. */
    g_assert_cmpint(migration_file_open_extra(false, 0, &err), ==, -1);
    g_assert_nonnull(err);
    g_clear_error(&err);
    l = migration_file_listen(&args, accepted, NULL, &err);
    g_assert_no_error(err);
    g_assert_nonnull(l);
    g_assert_cmpint(fcntl(l->pending->fd, F_GETFL) & O_DIRECT, ==, 0);

    extra = migration_file_open_extra(false, O_DIRECT, &err);
    g_assert_no_error(err);
    g_assert_cmpint(fcntl(extra, F_GETFL) & O_DIRECT, ==, O_DIRECT);
    close(extra);
    /* Write access was never given: no such fd in the set. */
    g_assert_cmpint(migration_file_open_extra(true, 0, &err), ==, -1);
    g_assert_nonnull(err);
    g_clear_error(&err);

    migration_transport_listener_close(l);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/ram-mapped/round-trip", GUINT_TO_POINTER(PAGES),
                         test_round_trip);
    g_test_add_data_func("/ram-mapped/round-trip-threads",
                         GUINT_TO_POINTER(BIG_PAGES), test_round_trip);
    g_test_add_func("/ram-mapped/runs", test_runs);
    g_test_add_func("/ram-mapped/flags", test_flags);
    g_test_add_func("/ram-mapped/offsets", test_offsets);
    g_test_add_func("/ram-mapped/extra-fd-fdset", test_extra_fd_fdset);
    return g_test_run();
}

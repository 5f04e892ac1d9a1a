/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for RAM blocks, the physical address map, MMIO dispatch,
 * dirty tracking and the memory backends.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/option.h"
#include "qom/object_interfaces.h"
#include "system/memory.h"
#include "system/ram-backend.h"

#define KiB 1024ULL
#define MiB (1024ULL * KiB)

/* ---- RAM blocks ---- */

static void test_ram_block_anon(void)
{
    GError *err = NULL;
    RAMBlock *rb = ram_block_new("t.anon", 64 * KiB, false, -1, 0, &err);
    RAMBlock *it;
    bool seen = false;
    uint8_t *host;

    g_assert_no_error(err);
    g_assert_nonnull(rb);
    g_assert_cmpstr(ram_block_name(rb), ==, "t.anon");
    g_assert_cmpuint(ram_block_used_length(rb), ==, 64 * KiB);
    g_assert_cmpuint(ram_block_page_size(rb), ==, 4096);
    g_assert_cmpint(ram_block_fd(rb), ==, -1);
    g_assert_false(ram_block_is_shared(rb));
    g_assert_cmpuint(ram_block_phys_base(rb), ==, (hwaddr)-1);
    host = ram_block_host(rb);
    g_assert_cmpint(host[100], ==, 0);
    host[64 * KiB - 1] = 0x5a;
    g_assert_true(ram_block_find("t.anon") == rb);
    for (it = ram_block_first(); it; it = ram_block_next(it)) {
        seen |= it == rb;
    }
    g_assert_true(seen);

    g_assert_null(ram_block_new("t.anon", 4 * KiB, false, -1, 0, &err));
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_GENERIC_ERROR);
    g_assert_cmpstr(err->message, ==, "RAM block 't.anon' already exists");
    g_clear_error(&err);
    g_assert_null(ram_block_new("t.bad", 4097, false, -1, 0, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_null(ram_block_new("t.zero", 0, false, -1, 0, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);

    ram_block_free(rb);
    g_assert_null(ram_block_find("t.anon"));
}

static void test_ram_block_shared_anon(void)
{
    RAMBlock *rb = ram_block_new("t.shared", 4 * KiB, true, -1, 0, NULL);
    volatile uint8_t *host;
    pid_t pid;
    int status;

    g_assert_nonnull(rb);
    g_assert_true(ram_block_is_shared(rb));
    host = ram_block_host(rb);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        host[10] = 0x42;
        _exit(0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    /* The child's store is visible: the mapping really is shared. */
    g_assert_cmpint(host[10], ==, 0x42);
    ram_block_free(rb);
}

static void test_ram_block_file(void)
{
    g_autofree char *path = NULL;
    GError *err = NULL;
    int fd = g_file_open_tmp("test-memory-XXXXXX", &path, &err);
    RAMBlock *shared, *priv;
    uint8_t byte = 0;

    g_assert_no_error(err);
    g_assert_cmpint(ftruncate(fd, 16 * KiB), ==, 0);

    /* Shared mapping at an offset: stores reach the file. */
    shared = ram_block_new("t.file", 8 * KiB, true, fd, 8 * KiB, &err);
    g_assert_no_error(err);
    g_assert_cmpint(ram_block_fd(shared), >=, 0);
    g_assert_cmpint(ram_block_fd(shared), !=, fd);
    g_assert_cmpuint(ram_block_fd_offset(shared), ==, 8 * KiB);
    ((uint8_t *)ram_block_host(shared))[1] = 0x77;
    g_assert_cmpint(pread(fd, &byte, 1, 8 * KiB + 1), ==, 1);
    g_assert_cmpint(byte, ==, 0x77);

    /* Private mapping: the file keeps its contents. */
    priv = ram_block_new("t.file.priv", 8 * KiB, false, fd, 8 * KiB, &err);
    g_assert_no_error(err);
    g_assert_cmpint(((uint8_t *)ram_block_host(priv))[1], ==, 0x77);
    ((uint8_t *)ram_block_host(priv))[1] = 0x11;
    g_assert_cmpint(pread(fd, &byte, 1, 8 * KiB + 1), ==, 1);
    g_assert_cmpint(byte, ==, 0x77);

    /* The block keeps its own descriptor. */
    close(fd);
    g_assert_cmpint(((uint8_t *)ram_block_host(shared))[1], ==, 0x77);
    ram_block_free(priv);
    ram_block_free(shared);

    g_assert_null(ram_block_new("t.file.unaligned", 4 * KiB, true, 0, 100,
                                &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    unlink(path);
}

static void test_ram_block_memfd(void)
{
    int fd = memfd_create("test-memory", MFD_CLOEXEC);
    RAMBlock *rb;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 32 * KiB), ==, 0);
    rb = ram_block_new("t.memfd", 32 * KiB, true, fd, 0, NULL);
    g_assert_nonnull(rb);
    ((uint8_t *)ram_block_host(rb))[0] = 9;
    {
        uint8_t b = 0;

        g_assert_cmpint(pread(ram_block_fd(rb), &b, 1, 0), ==, 1);
        g_assert_cmpint(b, ==, 9);
    }
    close(fd);
    ram_block_free(rb);
}

/* ---- MMIO recording device ---- */

typedef struct Access {
    bool write;
    hwaddr addr;
    unsigned size;
    uint64_t val;
    bool locked;
} Access;

typedef struct RecDev {
    GArray *log;                /* Access */
} RecDev;

static uint64_t rec_read(void *opaque, hwaddr addr, unsigned size)
{
    RecDev *d = opaque;
    Access a = { false, addr, size, 0, bql_locked() };
    uint64_t val = 0;

    /* Byte i of the region reads as 0x80 + i. */
    for (unsigned i = 0; i < size; i++) {
        val |= (uint64_t)(0x80 + addr + i) << (8 * i);
    }
    a.val = val;
    g_array_append_val(d->log, a);
    return val;
}

static void rec_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    RecDev *d = opaque;
    Access a = { true, addr, size, val, bql_locked() };

    g_array_append_val(d->log, a);
}

static const MemoryRegionOps rec_ops = {
    .read = rec_read,
    .write = rec_write,
};

static Access *access_at(RecDev *d, guint i)
{
    g_assert_cmpuint(i, <, d->log->len);
    return &g_array_index(d->log, Access, i);
}

static void check_access(RecDev *d, guint i, bool write, hwaddr addr,
                         unsigned size, uint64_t val)
{
    Access *a = access_at(d, i);

    g_assert_cmpint(a->write, ==, write);
    g_assert_cmphex(a->addr, ==, addr);
    g_assert_cmpuint(a->size, ==, size);
    g_assert_cmphex(a->val, ==, val);
    g_assert_true(a->locked);
}

static void test_map_lookup(void)
{
    RAMBlock *rb = ram_block_new("t.map", 16 * KiB, false, -1, 0, NULL);
    RecDev dev = { g_array_new(false, false, sizeof(Access)) };
    RAMBlock *out_rb = NULL;
    ram_addr_t off = 0;
    uint64_t avail = 0;
    uint8_t *p;

    memory_map_ram(0x1000, rb);
    g_assert_cmphex(ram_block_phys_base(rb), ==, 0x1000);
    /* Mapping the same block at the same place again is a no-op. */
    memory_map_ram(0x1000, rb);
    memory_map_mmio(0xFFFF0000, 0x100, &rec_ops, &dev, "rec");

    p = memory_ram_lookup(0x1800, &out_rb, &off, &avail);
    g_assert_true(p == (uint8_t *)ram_block_host(rb) + 0x800);
    g_assert_true(out_rb == rb);
    g_assert_cmphex(off, ==, 0x800);
    g_assert_cmphex(avail, ==, 16 * KiB - 0x800);
    g_assert_nonnull(memory_ram_lookup(0x1000 + 16 * KiB - 1, NULL, NULL,
                                       NULL));
    g_assert_null(memory_ram_lookup(0x1000 + 16 * KiB, NULL, NULL, NULL));
    g_assert_null(memory_ram_lookup(0xfff, NULL, NULL, NULL));
    g_assert_null(memory_ram_lookup(0xFFFF0010, NULL, NULL, NULL));
    g_assert_null(memory_ram_lookup(0x100000000ULL, NULL, NULL, NULL));

    memory_unmap_mmio(0xFFFF0000, &rec_ops, &dev);
    address_space_st(0xFFFF0000, 1, 4);
    g_assert_cmpuint(dev.log->len, ==, 0);

    memory_unmap_all();
    g_assert_cmphex(ram_block_phys_base(rb), ==, (hwaddr)-1);
    g_assert_null(memory_ram_lookup(0x1800, NULL, NULL, NULL));
    ram_block_free(rb);
    g_array_unref(dev.log);
}

static void test_mmio_split(void)
{
    RecDev dev = { g_array_new(false, false, sizeof(Access)) };
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7 };
    uint8_t in[8];
    uint64_t v;

    memory_map_mmio(0x10000, 0x100, &rec_ops, &dev, "rec");

    /* 7 bytes at offset 1: byte, halfword, word, in that order. */
    bql_lock();
    address_space_write(0x10001, buf, 7);
    bql_unlock();
    g_assert_cmpuint(dev.log->len, ==, 3);
    check_access(&dev, 0, true, 1, 1, 0x01);
    check_access(&dev, 1, true, 2, 2, 0x0302);
    check_access(&dev, 2, true, 4, 4, 0x07060504);
    g_array_set_size(dev.log, 0);

    /* A read without the BQL: the bus takes it around the callbacks. */
    g_assert_false(bql_locked());
    address_space_read(0x10003, in, 6);
    g_assert_false(bql_locked());
    g_assert_cmpuint(dev.log->len, ==, 3);
    check_access(&dev, 0, false, 3, 1, 0x83);
    check_access(&dev, 1, false, 4, 4, 0x87868584);
    check_access(&dev, 2, false, 8, 1, 0x88);
    for (int i = 0; i < 6; i++) {
        g_assert_cmphex(in[i], ==, 0x83 + i);
    }
    g_array_set_size(dev.log, 0);

    /* Sized accesses are little-endian and split the same way. */
    v = address_space_ld(0x10010, 8);
    g_assert_cmphex(v, ==, 0x9796959493929190ULL);
    g_assert_cmpuint(dev.log->len, ==, 2);
    check_access(&dev, 0, false, 0x10, 4, 0x93929190);
    check_access(&dev, 1, false, 0x14, 4, 0x97969594);
    g_array_set_size(dev.log, 0);

    address_space_st(0x10021, 0xBEEF, 2);
    g_assert_cmpuint(dev.log->len, ==, 2);
    check_access(&dev, 0, true, 0x21, 1, 0xEF);
    check_access(&dev, 1, true, 0x22, 1, 0xBE);
    g_array_set_size(dev.log, 0);

    address_space_st(0x10030, 0x12345678, 4);
    g_assert_cmpuint(dev.log->len, ==, 1);
    check_access(&dev, 0, true, 0x30, 4, 0x12345678);
    g_array_set_size(dev.log, 0);

    /* An access running off the end of the region stops at its end. */
    address_space_write(0x100FE, buf, 4);
    g_assert_cmpuint(dev.log->len, ==, 1);
    check_access(&dev, 0, true, 0xFE, 2, 0x0201);

    memory_unmap_all();
    g_array_unref(dev.log);
}

static gpointer mmio_thread(gpointer opaque)
{
    /* Not holding the BQL: the bus must take it for the callback. */
    address_space_st(0x10000, 0xAA, 1);
    return GINT_TO_POINTER(bql_locked());
}

static void test_mmio_bql_other_thread(void)
{
    RecDev dev = { g_array_new(false, false, sizeof(Access)) };
    GThread *t;

    memory_map_mmio(0x10000, 0x10, &rec_ops, &dev, "rec");
    t = g_thread_new("mmio", mmio_thread, NULL);
    g_assert_false(GPOINTER_TO_INT(g_thread_join(t)));
    g_assert_cmpuint(dev.log->len, ==, 1);
    check_access(&dev, 0, true, 0, 1, 0xAA);
    memory_unmap_all();
    g_array_unref(dev.log);
}

static void test_unmapped(void)
{
    RAMBlock *rb = ram_block_new("t.unmapped", 4 * KiB, false, -1, 0, NULL);
    RecDev dev = { g_array_new(false, false, sizeof(Access)) };
    uint8_t buf[16];
    uint8_t *host = ram_block_host(rb);

    memset(host, 0xCC, 4 * KiB);
    memory_map_ram(0x2000, rb);
    memory_map_mmio(0x3004, 4, &rec_ops, &dev, "rec");

    /* RAM tail, a hole, then MMIO: zeros only where nothing is mapped. */
    memset(buf, 0xEE, sizeof(buf));
    address_space_read(0x2FFE, buf, 10);
    g_assert_cmphex(buf[0], ==, 0xCC);
    g_assert_cmphex(buf[1], ==, 0xCC);
    for (int i = 2; i < 6; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    g_assert_cmphex(buf[6], ==, 0x80);
    g_assert_cmphex(buf[9], ==, 0x83);
    g_assert_cmphex(buf[10], ==, 0xEE);

    /* Writes into holes are dropped; the bus end wraps nothing. */
    address_space_write(0x5000, buf, 16);
    address_space_st(0xFFFFFFFE, 0x1234, 4);
    g_assert_cmphex(address_space_ld(0x5000, 4), ==, 0);
    g_assert_cmphex(address_space_ld(0x100000000ULL, 8), ==, 0);
    g_assert_cmphex(address_space_ld(0xFFFFFFFF, 2), ==, 0);

    memory_unmap_all();
    ram_block_free(rb);
    g_array_unref(dev.log);
}

/* ---- dirty tracking and the write listener ---- */

typedef struct ListenerLog {
    hwaddr addr;
    uint64_t len;
    int calls;
} ListenerLog;

static void listener(void *opaque, hwaddr addr, uint64_t len)
{
    ListenerLog *l = opaque;

    l->addr = addr;
    l->len = len;
    l->calls++;
}

static int count_bits(const unsigned long *bm, size_t nbits)
{
    int n = 0;

    for (size_t i = 0; i < nbits; i++) {
        n += (bm[i / (8 * sizeof(long))] >> (i % (8 * sizeof(long)))) & 1;
    }
    return n;
}

static void test_dirty_and_listener(void)
{
    RAMBlock *rb = ram_block_new("t.dirty", 512 * KiB, false, -1, 0, NULL);
    RecDev dev = { g_array_new(false, false, sizeof(Access)) };
    ListenerLog log = { 0 };
    uint8_t buf[8200] = { 0 };
    unsigned long *bm;

    memory_map_ram(0x100000, rb);
    memory_map_mmio(0x10000, 0x10, &rec_ops, &dev, "rec");
    memory_set_write_listener(listener, &log);

    /* Logging off: no bits. */
    g_assert_false(memory_global_dirty_log_enabled(DIRTY_MEMORY_MIGRATION));
    address_space_write(0x100000, buf, 1);
    bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(count_bits(bm, 128), ==, 0);
    g_free(bm);
    g_assert_cmpint(log.calls, ==, 1);

    memory_global_dirty_log_start(DIRTY_MEMORY_MIGRATION);
    g_assert_true(memory_global_dirty_log_enabled(DIRTY_MEMORY_MIGRATION));
    /* 8200 bytes from 0x100FFF touch pages 0, 1, 2 and 3. */
    address_space_write(0x100FFF, buf, 8200);
    g_assert_cmphex(log.addr, ==, 0x100FFF);
    g_assert_cmpuint(log.len, ==, 8200);
    g_assert_cmpint(log.calls, ==, 2);
    g_assert_true(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 0));
    g_assert_true(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 3 * 4096));
    g_assert_false(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 4 * 4096));
    address_space_st(0x100000 + 100 * 4096 + 8, 1, 8);
    address_space_st(0x10000, 1, 4);        /* MMIO: no listener, no bits */
    g_assert_cmpint(log.calls, ==, 3);

    bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(count_bits(bm, 128), ==, 5);
    g_assert_true((bm[0] & 0xF) == 0xF);
    g_assert_true((bm[100 / 64] >> (100 % 64)) & 1);
    g_free(bm);
    /* The swap left an all-clear bitmap behind. */
    bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(count_bits(bm, 128), ==, 0);
    g_free(bm);

    /* Ranges spanning whole words, clamped at the end of the block. */
    ram_block_set_dirty(rb, 4096, 126 * 4096 + 1);
    ram_block_set_dirty(rb, 512 * KiB - 1, 100);
    ram_block_set_dirty(rb, 512 * KiB, 100);
    bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(count_bits(bm, 128), ==, 127);
    g_assert_false(bm[0] & 1);
    g_free(bm);

    ram_block_dirty_set_all(rb, DIRTY_MEMORY_MIGRATION);
    bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(count_bits(bm, 128), ==, 128);
    g_free(bm);

    memory_global_dirty_log_stop(DIRTY_MEMORY_MIGRATION);
    memory_set_write_listener(NULL, NULL);
    memory_unmap_all();
    ram_block_free(rb);
    g_array_unref(dev.log);
}

#define RACE_PAGES 4096
#define RACE_WRITERS 2

typedef struct RaceCtx {
    RAMBlock *rb;
    int first;
} RaceCtx;

static gpointer race_writer(gpointer opaque)
{
    RaceCtx *c = opaque;

    for (int p = c->first; p < RACE_PAGES; p += RACE_WRITERS) {
        ram_block_set_dirty(c->rb, (uint64_t)p * 4096, 1);
    }
    return NULL;
}

static void swap_accumulate(RAMBlock *rb, unsigned long *seen)
{
    unsigned long *bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_MIGRATION);

    for (size_t w = 0; w < RACE_PAGES / (8 * sizeof(long)); w++) {
        /* Each page is dirtied once, so it may show up in one sync only. */
        g_assert_cmphex(seen[w] & bm[w], ==, 0);
        seen[w] |= bm[w];
    }
    g_free(bm);
}

static void test_dirty_swap_race(void)
{
    RAMBlock *rb = ram_block_new("t.race", RACE_PAGES * 4096ULL, false, -1,
                                 0, NULL);
    g_autofree unsigned long *seen = g_new0(unsigned long,
                                            RACE_PAGES / (8 * sizeof(long)));
    RaceCtx ctx[RACE_WRITERS];
    GThread *t[RACE_WRITERS];

    memory_global_dirty_log_start(DIRTY_MEMORY_MIGRATION);
    for (int i = 0; i < RACE_WRITERS; i++) {
        ctx[i].rb = rb;
        ctx[i].first = i;
        t[i] = g_thread_new("writer", race_writer, &ctx[i]);
    }
    /* Sync while the writers may still run... */
    for (int i = 0; i < 200; i++) {
        swap_accumulate(rb, seen);
    }
    for (int i = 0; i < RACE_WRITERS; i++) {
        g_thread_join(t[i]);
    }
    /* ...and once more after: no page may have been lost. */
    swap_accumulate(rb, seen);
    g_assert_cmpint(count_bits(seen, RACE_PAGES), ==, RACE_PAGES);
    memory_global_dirty_log_stop(DIRTY_MEMORY_MIGRATION);
    ram_block_free(rb);
}

static void count_barrier(void *opaque);

/*
 * Two clients (migration and dirty rate) log independently; set_all obeys
 * the logging switch; starting a client runs the CPU write barrier; the
 * written bitmap records every write, logged or not.
 */
static void test_dirty_clients(void)
{
    RAMBlock *rb = ram_block_new("t.clients", 128 * 4096, false, -1, 0, NULL);
    g_autofree unsigned long *acc = g_new0(unsigned long, 2);
    const unsigned long *written = ram_block_written_bitmap(rb);
    unsigned long *bm;

    g_assert_cmpuint(ram_block_bitmap_words(rb), ==, 128 / BITS_PER_LONG);
    int barrier_calls = 0;

    memory_set_dirty_sync_barrier(count_barrier, &barrier_calls);

    /* Nothing on: a write is only recorded as written. */
    g_assert_false(memory_global_dirty_log_any());
    ram_block_set_dirty(rb, 5 * 4096, 1);
    g_assert_true(written[0] & (1UL << 5));
    g_assert_false(written[0] & (1UL << 6));
    ram_block_dirty_set_all(rb, DIRTY_MEMORY_MIGRATION);    /* logging off */
    g_assert_false(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 0));

    memory_global_dirty_log_start(DIRTY_MEMORY_DIRTY_RATE);
    g_assert_cmpint(barrier_calls, ==, 1);
    g_assert_true(memory_global_dirty_log_any());
    g_assert_false(memory_global_dirty_log_enabled(DIRTY_MEMORY_MIGRATION));
    ram_block_set_dirty(rb, 7 * 4096, 1);
    g_assert_true(ram_block_test_dirty(rb, DIRTY_MEMORY_DIRTY_RATE, 7 * 4096));
    g_assert_false(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 7 * 4096));

    memory_global_dirty_log_start(DIRTY_MEMORY_MIGRATION);
    g_assert_cmpint(barrier_calls, ==, 2);
    ram_block_set_dirty(rb, 9 * 4096, 1);
    g_assert_true(ram_block_test_dirty(rb, DIRTY_MEMORY_DIRTY_RATE, 9 * 4096));
    g_assert_true(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 9 * 4096));

    /* Stopping one client leaves the other logging. */
    memory_global_dirty_log_stop(DIRTY_MEMORY_DIRTY_RATE);
    ram_block_set_dirty(rb, 11 * 4096, 1);
    g_assert_false(ram_block_test_dirty(rb, DIRTY_MEMORY_DIRTY_RATE,
                                        11 * 4096));
    g_assert_true(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 11 * 4096));

    /* collect ORs into the caller's bitmap and counts only new bits. */
    acc[0] = 1UL << 9;
    g_assert_cmpuint(ram_block_dirty_collect(rb, DIRTY_MEMORY_MIGRATION, acc),
                     ==, 1);
    g_assert_cmphex(acc[0], ==, (1UL << 9) | (1UL << 11));
    g_assert_false(ram_block_test_dirty(rb, DIRTY_MEMORY_MIGRATION, 9 * 4096));
    bm = ram_block_dirty_swap(rb, DIRTY_MEMORY_DIRTY_RATE);
    g_assert_cmpint(count_bits(bm, 128), ==, 2);
    g_free(bm);

    ram_block_dirty_set_all(rb, DIRTY_MEMORY_MIGRATION);
    g_assert_cmpuint(ram_block_dirty_collect(rb, DIRTY_MEMORY_MIGRATION, acc),
                     ==, 126);

    /* The loader's direct stores mark pages written. */
    ram_block_mark_written(rb, 100 * 4096, 2 * 4096);
    g_assert_true(written[100 / BITS_PER_LONG] & (1UL << (100 % BITS_PER_LONG)));
    g_assert_true(written[101 / BITS_PER_LONG] & (1UL << (101 % BITS_PER_LONG)));
    g_assert_false(written[102 / BITS_PER_LONG] &
                   (1UL << (102 % BITS_PER_LONG)));

    memory_global_dirty_log_stop(DIRTY_MEMORY_MIGRATION);
    memory_set_dirty_sync_barrier(NULL, NULL);
    ram_block_free(rb);
}

/* ---- memory backends ---- */

static bool add_backend_json(const char *json, GError **errp)
{
    return user_creatable_add_json(json, errp);
}

static void test_backend_ram(void)
{
    GError *err = NULL;
    Object *obj;
    RAMBlock *rb;

    add_backend_json("{'qom-type': 'memory-backend-ram', 'id': 'mem0', "
                     "'size': 1048576}", &err);
    g_assert_no_error(err);
    obj = memory_backend_find("mem0");
    g_assert_nonnull(obj);
    g_assert_cmpuint(memory_backend_get_size(obj), ==, 1 * MiB);
    g_assert_false(memory_backend_is_in_use(obj));
    /* The RAM block is named after the id and exists after completion. */
    rb = ram_block_find("mem0");
    g_assert_nonnull(rb);
    g_assert_false(ram_block_is_shared(rb));
    g_assert_cmpint(ram_block_fd(rb), ==, -1);
    g_assert_false(object_property_get_bool(obj, "share", NULL));

    /* Unused: deletable. */
    g_assert_true(user_creatable_del("mem0", &err));
    g_assert_no_error(err);
    g_assert_null(ram_block_find("mem0"));
    g_assert_null(memory_backend_find("mem0"));

    /* In use: refused. */
    add_backend_json("{'qom-type': 'memory-backend-ram', 'id': 'mem1', "
                     "'size': 65536, 'share': true}", &err);
    g_assert_no_error(err);
    obj = memory_backend_find("mem1");
    rb = memory_backend_get_ramblock(obj, &err);
    g_assert_no_error(err);
    g_assert_true(rb == ram_block_find("mem1"));
    g_assert_true(ram_block_is_shared(rb));
    g_assert_true(memory_backend_is_in_use(obj));
    g_assert_false(user_creatable_del("mem1", &err));
    g_assert_cmpstr(err->message, ==,
                    "object 'mem1' is in use, can not be deleted");
    g_clear_error(&err);
    /* Size can no longer change. */
    g_assert_false(object_property_set_uint(obj, "size", 4096, &err));
    g_assert_cmpstr(err->message, ==,
                    "cannot change property 'size' of memory-backend-ram");
    g_clear_error(&err);
}

static void test_backend_errors(void)
{
    GError *err = NULL;

    add_backend_json("{'qom-type': 'memory-backend-ram', 'id': 'e0'}", &err);
    g_assert_cmpstr(err->message, ==, "Parameter 'size' is missing");
    g_clear_error(&err);
    add_backend_json("{'qom-type': 'memory-backend-ram', 'id': 'e0', "
                     "'size': 'big'}", &err);
    g_assert_cmpstr(err->message, ==, "Parameter 'size' expects uint64");
    g_clear_error(&err);
    add_backend_json("{'qom-type': 'memory-backend-ram', 'id': 'e0', "
                     "'size': 4096, 'bogus': 1}", &err);
    g_assert_cmpstr(err->message, ==, "Parameter 'bogus' is unexpected");
    g_clear_error(&err);
    add_backend_json("{'qom-type': 'memory-backend-file', 'id': 'e0', "
                     "'size': 4096}", &err);
    g_assert_cmpstr(err->message, ==, "Parameter 'mem-path' is missing");
    g_clear_error(&err);
    add_backend_json("{'qom-type': 'memory-backend-file', 'id': 'e0', "
                     "'size': 4096, 'mem-path': '/nonexistent/dir/x'}", &err);
    g_assert_true(g_str_has_prefix(err->message,
        "can't open backing store /nonexistent/dir/x for guest RAM"));
    g_clear_error(&err);
    /* Nothing was left behind by the failures. */
    g_assert_null(memory_backend_find("e0"));
    g_assert_null(ram_block_find("e0"));
}

static void test_backend_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-memory-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "ram", NULL);
    g_autofree char *json = NULL;
    GError *err = NULL;
    GDir *d;
    RAMBlock *rb;
    uint8_t byte = 0;
    int fd;

    /* A directory: an unlinked temporary file inside it. */
    json = g_strdup_printf("{'qom-type': 'memory-backend-file', 'id': 'f0',"
                           " 'size': 65536, 'mem-path': '%s', "
                           "'share': true}", dir);
    add_backend_json(json, &err);
    g_assert_no_error(err);
    rb = ram_block_find("f0");
    g_assert_nonnull(rb);
    g_assert_cmpint(ram_block_fd(rb), >=, 0);
    d = g_dir_open(dir, 0, NULL);
    g_assert_null(g_dir_read_name(d));
    g_dir_close(d);

    /* A file path: created, sized, shared with the file. */
    g_free(json);
    json = g_strdup_printf("{'qom-type': 'memory-backend-file', 'id': 'f1',"
                           " 'size': 65536, 'mem-path': '%s', "
                           "'share': true}", file);
    add_backend_json(json, &err);
    g_assert_no_error(err);
    rb = ram_block_find("f1");
    ((uint8_t *)ram_block_host(rb))[4096] = 0x3c;
    fd = open(file, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, &byte, 1, 4096), ==, 1);
    g_assert_cmpint(byte, ==, 0x3c);
    close(fd);
    g_assert_true(user_creatable_del("f1", NULL));

    /* An existing file smaller than needed. */
    g_free(json);
    json = g_strdup_printf("{'qom-type': 'memory-backend-file', 'id': 'f2',"
                           " 'size': 131072, 'mem-path': '%s'}", file);
    add_backend_json(json, &err);
    g_assert_cmpstr(err->message, ==, "backing store size 0x10000 does not "
                    "match 'size' option 0x20000");
    g_clear_error(&err);

    g_assert_true(user_creatable_del("f0", NULL));
    unlink(file);
    rmdir(dir);
}

static void test_backend_memfd(void)
{
    GError *err = NULL;
    Object *obj;
    RAMBlock *rb;

    add_backend_json("{'qom-type': 'memory-backend-memfd', 'id': 'm0', "
                     "'size': 65536}", &err);
    g_assert_no_error(err);
    obj = memory_backend_find("m0");
    g_assert_true(object_property_get_bool(obj, "share", NULL));
    g_assert_true(object_property_get_bool(obj, "seal", NULL));
    rb = ram_block_find("m0");
    g_assert_nonnull(rb);
    g_assert_true(ram_block_is_shared(rb));
    g_assert_cmpint(ram_block_fd(rb), >=, 0);
    /* Sealed: the memfd cannot grow. */
    g_assert_cmpint(ftruncate(ram_block_fd(rb), 1 * MiB), <, 0);
    g_assert_true(user_creatable_del("m0", NULL));
}

static void test_backend_canonical_and_prealloc(void)
{
    GError *err = NULL;

    add_backend_json("{'qom-type': 'memory-backend-ram', 'id': 'c0', "
                     "'size': 65536, 'prealloc': true, "
                     "'x-use-canonical-path-for-ramblock-id': true}", &err);
    g_assert_no_error(err);
    g_assert_null(ram_block_find("c0"));
    g_assert_nonnull(ram_block_find("/objects/c0"));
    g_assert_true(user_creatable_del("c0", NULL));
}

static void test_backend_opts_form(void)
{
    static QemuOptsList object_opts = {
        .name = "object",
        .implied_opt_name = "qom-type",
        .desc = { { NULL } },
    };
    GError *err = NULL;
    QemuOpts *opts;
    Object *obj;

    opts = qemu_opts_parse(&object_opts,
                           "memory-backend-ram,id=o0,size=2M,share=off",
                           true, &err);
    g_assert_no_error(err);
    g_assert_true(user_creatable_add_opts(opts, &err));
    g_assert_no_error(err);
    obj = memory_backend_find("o0");
    g_assert_cmpuint(memory_backend_get_size(obj), ==, 2 * MiB);
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&object_opts,
                           "memory-backend-ram,id=o1,size=1x", true, &err);
    g_assert_false(user_creatable_add_opts(opts, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'size' expects a size value");
    g_clear_error(&err);
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&object_opts,
                           "memory-backend-ram,id=o1,size=1M,share=maybe",
                           true, &err);
    g_assert_false(user_creatable_add_opts(opts, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'share' expects 'on' or 'off'");
    g_clear_error(&err);
    qemu_opts_del(opts);

    opts = qemu_opts_parse(&object_opts, "memory-backend-ram,id=o1",
                           true, &err);
    g_assert_false(user_creatable_add_opts(opts, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'size' is missing");
    g_clear_error(&err);
    qemu_opts_del(opts);

    g_assert_null(memory_backend_find("o1"));
    g_assert_true(user_creatable_del("o0", NULL));
}

static void count_barrier(void *opaque)
{
    (*(int *)opaque)++;
}

/* The dirty-sync barrier reaches the board's hook, once per call. */
static void test_dirty_sync_barrier(void)
{
    int calls = 0;

    memory_set_dirty_sync_barrier(NULL, NULL);
    memory_dirty_sync_barrier();            /* no board: nothing to do */
    memory_set_dirty_sync_barrier(count_barrier, &calls);
    memory_dirty_sync_barrier();
    memory_dirty_sync_barrier();
    g_assert_cmpint(calls, ==, 2);
    memory_set_dirty_sync_barrier(NULL, NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/memory/dirty-sync-barrier", test_dirty_sync_barrier);
    g_test_add_func("/memory/ram-block/anon", test_ram_block_anon);
    g_test_add_func("/memory/ram-block/shared-anon",
                    test_ram_block_shared_anon);
    g_test_add_func("/memory/ram-block/file", test_ram_block_file);
    g_test_add_func("/memory/ram-block/memfd", test_ram_block_memfd);
    g_test_add_func("/memory/map/lookup", test_map_lookup);
    g_test_add_func("/memory/mmio/split", test_mmio_split);
    g_test_add_func("/memory/mmio/bql-other-thread",
                    test_mmio_bql_other_thread);
    g_test_add_func("/memory/unmapped", test_unmapped);
    g_test_add_func("/memory/dirty/bits-and-listener",
                    test_dirty_and_listener);
    g_test_add_func("/memory/dirty/swap-race", test_dirty_swap_race);
    g_test_add_func("/memory/dirty/clients", test_dirty_clients);
    g_test_add_func("/memory/backend/ram", test_backend_ram);
    g_test_add_func("/memory/backend/errors", test_backend_errors);
    g_test_add_func("/memory/backend/file", test_backend_file);
    g_test_add_func("/memory/backend/memfd", test_backend_memfd);
    g_test_add_func("/memory/backend/canonical-prealloc",
                    test_backend_canonical_and_prealloc);
    g_test_add_func("/memory/backend/opts-form", test_backend_opts_form);
    return g_test_run();
}

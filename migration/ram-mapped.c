/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM save and load with mapped-ram (wire 7.3): pages go to fixed slots
 * of the migration file instead of into the stream.  See ram-mapped.h.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "system/memory.h"
#include "migration/options.h"
#include "migration/migration-stats.h"
#include "migration/mapped-ram.h"
#include "migration/file.h"
#include "ram-internal.h"
#include "ram-mapped.h"

/* ---- source ---- */

/*
 * Dirty pages that follow each other in the block (across bitmap words)
 * are gathered into one run and written with one pwritev of up to
 * RAM_MAPPED_RUN_MAX bytes, by writer threads, so that the migration
 * thread only scans.  Order between writes does not matter: every write
 * copies the pages as they are when the write runs, and a guest store
 * after that is in the dirty log, so the page is sent again.  Only
 * completion waits for all of them, before the bitmaps are written and
 * the guest is resumed elsewhere.
 *
 * How many writers: ext4 (and most file systems) serialise buffered
 * writers of one file on its inode lock, so a second buffered writer
 * cannot copy while the first does, only wait or spin on the lock; one
 * writer thread takes them all (measured: the same wall and CPU time as
 * two, within the noise of a shared machine).
 * O_DIRECT writes do not copy and can overlap: up to
 * RAM_MAPPED_DIO_WRITERS_MAX.  With multifd, one per channel as asked.
 */
#define RAM_MAPPED_DIO_WRITERS_MAX  3
#define RAM_MAPPED_RUN_MAX          (4 * 1024 * 1024)
/* Queued runs at most (of up to 4 MiB each, descriptors only). */
#define RAM_MAPPED_QUEUE_MAX        32

typedef struct RamMappedBlock {
    MappedRamLayout layout;
    unsigned long *file_bmap;   /* set: the slot holds the page */
} RamMappedBlock;

typedef struct WriteJob {
    const MappedRamLayout *layout;  /* NULL: the writer ends */
    uint64_t first;                 /* byte offset of the run's first page */
    uint64_t len;                   /* bytes, whole pages */
} WriteJob;

struct RamMappedSave {
    int stream_fd;              /* the main channel's (not ours) */
    int page_fd;                /* ours: a dup, or the O_DIRECT fd */
    RamMappedBlock *blocks;
    size_t nr_blocks;
    WriteJob *run;              /* being gathered, not queued yet */

    GAsyncQueue *jobs;
    struct Writer *writers;
    unsigned nr_writers;
    bool help;                  /* the migration thread runs queued jobs */
    GMutex lock;                /* guards the members below */
    GCond done;                 /* a job finished */
    unsigned in_flight;         /* queued or running */
    GError *err;                /* the first failed write */
};

/*
 * The fd pages move through on this side, always our own: direct-io
 * opens one with O_DIRECT, otherwise a duplicate of the stream's (the
 * channel may be closed while writes are still queued at a cancel).
 */
static int page_fd_open(bool outgoing, int stream_fd, GError **errp)
{
    int fd;

    if (!migrate_direct_io()) {
        fd = fcntl(stream_fd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            error_setg_errno(errp, errno, "mapped-ram: cannot duplicate "
                             "the migration file's fd");
        }
        return fd;
    }
    fd = migration_file_open_extra(outgoing, O_DIRECT, errp);
    if (fd < 0) {
        g_prefix_error(errp, "direct-io: ");
    }
    return fd;
}

/*
 * A writer thread.  With multifd each is one channel, with its own fd of
 * the file (O_DIRECT with direct-io): wire 7.3's "each channel is just
 * another file descriptor used for positioned I/O".
 */
typedef struct Writer {
    RamMappedSave *ms;
    int fd;                     /* ms->page_fd, or the channel's own */
    GThread *thread;
} Writer;

static void run_job(RamMappedSave *ms, int fd, WriteJob *job)
{
    GError *err = NULL;

    mapped_ram_write_run(fd, job->layout, job->first, job->len, &err);
    g_free(job);
    g_mutex_lock(&ms->lock);
    if (err && !ms->err) {
        ms->err = g_steal_pointer(&err);
    }
    ms->in_flight--;
    g_cond_broadcast(&ms->done);
    g_mutex_unlock(&ms->lock);
    if (err) {
        g_error_free(err);
    }
}

static gpointer writer_thread(gpointer opaque)
{
    Writer *w = opaque;

    for (;;) {
        WriteJob *job = g_async_queue_pop(w->ms->jobs);

        if (!job->layout) {
            g_free(job);
            return NULL;
        }
        run_job(w->ms, w->fd, job);
    }
}

/* Until at most `limit` writes are outstanding, running queued ones in
 * this thread (when ms->help) rather than only waiting. */
static void writes_wait(RamMappedSave *ms, unsigned limit)
{
    for (;;) {
        WriteJob *job;

        g_mutex_lock(&ms->lock);
        if (ms->in_flight <= limit) {
            g_mutex_unlock(&ms->lock);
            return;
        }
        g_mutex_unlock(&ms->lock);
        job = ms->help ? g_async_queue_try_pop(ms->jobs) : NULL;
        if (job) {
            run_job(ms, ms->page_fd, job);
            continue;
        }
        /* All taken by writers: wait for one to finish. */
        g_mutex_lock(&ms->lock);
        if (ms->in_flight > limit) {
            g_cond_wait(&ms->done, &ms->lock);
        }
        g_mutex_unlock(&ms->lock);
    }
}

/* The first failed write's error (a copy), once all have finished. */
static bool writes_finish(RamMappedSave *ms, GError **errp)
{
    bool ok;

    writes_wait(ms, 0);
    g_mutex_lock(&ms->lock);
    ok = !ms->err;
    if (!ok) {
        g_propagate_error(errp, g_error_copy(ms->err));
    }
    g_mutex_unlock(&ms->lock);
    return ok;
}

RamMappedSave *ram_mapped_save_new(QEMUFile *f, size_t nr_blocks,
                                   GError **errp)
{
    int stream_fd = mapped_ram_channel_fd(qemu_file_get_channel(f), errp);
    RamMappedSave *ms;

    if (stream_fd < 0) {
        return NULL;
    }
    ms = g_new0(RamMappedSave, 1);
    ms->stream_fd = stream_fd;
    ms->page_fd = page_fd_open(true, stream_fd, errp);
    if (ms->page_fd < 0) {
        g_free(ms);
        return NULL;
    }
    ms->blocks = g_new0(RamMappedBlock, nr_blocks);
    ms->nr_blocks = nr_blocks;
    g_mutex_init(&ms->lock);
    g_cond_init(&ms->done);
    ms->jobs = g_async_queue_new();
    /* See RAM_MAPPED_DIO_WRITERS_MAX.  On one core the migration thread
     * writes itself. */
    if (migrate_multifd()) {
        ms->nr_writers = migrate_multifd_channels();
        ms->help = true;
    } else if (g_get_num_processors() < 2) {
        ms->nr_writers = 0;
    } else if (migrate_direct_io()) {
        ms->nr_writers = MIN(g_get_num_processors() - 1,
                             RAM_MAPPED_DIO_WRITERS_MAX);
        ms->help = true;
    } else {
        ms->nr_writers = 1;
    }
    ms->writers = g_new0(Writer, ms->nr_writers);
    for (unsigned i = 0; i < ms->nr_writers; i++) {
        ms->writers[i].fd = -1;
    }
    for (unsigned i = 0; i < ms->nr_writers; i++) {
        Writer *w = &ms->writers[i];

        w->ms = ms;
        w->fd = migrate_multifd() ? page_fd_open(true, stream_fd, errp)
                                  : ms->page_fd;
        if (w->fd < 0) {
            ram_mapped_save_free(ms);
            return NULL;
        }
        w->thread = g_thread_new(migrate_multifd() ? "mig/mapped-chan"
                                                   : "mig/mapped-write",
                                 writer_thread, w);
    }
    return ms;
}

void ram_mapped_save_free(RamMappedSave *ms)
{
    if (!ms) {
        return;
    }
    /* Queued writes run to the end: they only touch our fds. */
    for (unsigned i = 0; i < ms->nr_writers; i++) {
        if (ms->writers[i].thread) {
            g_async_queue_push(ms->jobs, g_new0(WriteJob, 1));
        }
    }
    for (unsigned i = 0; i < ms->nr_writers; i++) {
        Writer *w = &ms->writers[i];

        if (w->thread) {
            g_thread_join(w->thread);
        }
        if (w->fd >= 0 && w->fd != ms->page_fd) {
            close(w->fd);
        }
    }
    g_free(ms->writers);
    g_free(ms->run);            /* a cancel: never queued */
    ms->help = true;            /* no writer is left to run them */
    writes_wait(ms, 0);
    g_async_queue_unref(ms->jobs);
    if (ms->err) {
        g_error_free(ms->err);
    }
    g_mutex_clear(&ms->lock);
    g_cond_clear(&ms->done);
    close(ms->page_fd);
    for (size_t i = 0; i < ms->nr_blocks; i++) {
        g_free(ms->blocks[i].file_bmap);
    }
    g_free(ms->blocks);
    g_free(ms);
}

bool ram_mapped_save_block(RamMappedSave *ms, QEMUFile *f, size_t i,
                           RAMBlock *rb, GError **errp)
{
    RamMappedBlock *b = &ms->blocks[i];
    uint64_t here;

    g_assert(i < ms->nr_blocks);
    /* One file bitmap bit per target page, as the dirty bitmaps. */
    if (ram_block_page_size(rb) != TARGET_PAGE_SIZE) {
        error_setg(errp, "mapped-ram: block '%s': page size 0x%" PRIx64
                   " is not the target page size", ram_block_name(rb),
                   ram_block_page_size(rb));
        return false;
    }
    if (!qemu_file_get_offset(f, &here, errp) ||
        !mapped_ram_layout_init(&b->layout, rb, here, errp)) {
        return false;
    }
    if (ms->page_fd != ms->stream_fd &&
        !mapped_ram_direct_io_check(&b->layout, b->layout.page_size,
                                    errp)) {
        return false;
    }
    b->file_bmap = mapped_ram_bitmap_new(&b->layout);
    /* The bitmap region and the page slots stay holes until written. */
    if (!mapped_ram_write_header(ms->stream_fd, &b->layout, errp) ||
        !qemu_file_set_offset(f, mapped_ram_layout_end(&b->layout), errp)) {
        return false;
    }
    qemu_file_account_external(f, MAPPED_RAM_HDR_SIZE);
    return true;
}

/* Hand the gathered run to the writers (or write it here, one core). */
static void queue_run(RamMappedSave *ms, QEMUFile *f)
{
    WriteJob *job = g_steal_pointer(&ms->run);
    GError *err = NULL;

    if (!job) {
        return;
    }
    writes_wait(ms, RAM_MAPPED_QUEUE_MAX - 1);
    g_mutex_lock(&ms->lock);
    ms->in_flight++;
    if (ms->err) {
        err = g_error_copy(ms->err);
    }
    g_mutex_unlock(&ms->lock);
    if (ms->nr_writers) {
        g_async_queue_push(ms->jobs, job);
    } else {
        run_job(ms, ms->page_fd, job);
    }
    if (err && f) {
        /* An earlier write failed: the migration fails with it. */
        qemu_file_set_error_obj(f, -EIO, err);
    } else if (err) {
        g_error_free(err);
    }
}

/* Add the page at offset of block b to the run, or start a new one. */
static void add_page(RamMappedSave *ms, QEMUFile *f, RamMappedBlock *b,
                     uint64_t offset)
{
    WriteJob *run = ms->run;

    if (run && run->layout == &b->layout &&
        run->first + run->len == offset &&
        run->len + TARGET_PAGE_SIZE <= RAM_MAPPED_RUN_MAX) {
        run->len += TARGET_PAGE_SIZE;
        return;
    }
    queue_run(ms, f);
    ms->run = g_new(WriteJob, 1);
    *ms->run = (WriteJob) { .layout = &b->layout, .first = offset,
                            .len = TARGET_PAGE_SIZE };
}

uint64_t ram_mapped_save_word(RamMappedSave *ms, QEMUFile *f, size_t i,
                              size_t wi, unsigned long dirty,
                              unsigned long zero, bool zero_detect)
{
    RamMappedBlock *b = &ms->blocks[i];
    size_t zeros = 0, pages = 0;
    uint64_t bytes;

    for (unsigned long rest = dirty; rest; rest &= rest - 1) {
        unsigned bit = __builtin_ctzl(rest);
        uint64_t offset = ((uint64_t)wi * BITS_PER_LONG + bit)
                          << TARGET_PAGE_BITS;

        if (((zero >> bit) & 1) ||
            (zero_detect && ram_page_is_zero(b->layout.host + offset))) {
            /* Its old copy, if any, stays in the slot: the bit says zero. */
            b->file_bmap[wi] &= ~(1UL << bit);
            zeros++;
        } else {
            b->file_bmap[wi] |= 1UL << bit;
            add_page(ms, f, b, offset);
            pages++;
        }
    }
    if (zeros) {
        ram_stat_add(&mig_stats.zero_pages, zeros);
    }
    if (!pages) {
        return 0;
    }
    bytes = pages * TARGET_PAGE_SIZE;
    ram_stat_add(&mig_stats.normal_pages, pages);
    qemu_file_account_external(f, bytes);
    if (ms->run->len == RAM_MAPPED_RUN_MAX) {
        queue_run(ms, f);
    }
    return bytes;
}

bool ram_mapped_save_complete(RamMappedSave *ms, GError **errp)
{
    queue_run(ms, NULL);
    if (!writes_finish(ms, errp)) {
        return false;
    }
    for (size_t i = 0; i < ms->nr_blocks; i++) {
        RamMappedBlock *b = &ms->blocks[i];

        if (b->file_bmap &&
            !mapped_ram_write_bitmap(ms->stream_fd, &b->layout, b->file_bmap,
                                     errp)) {
            return false;
        }
    }
    /* The rest reaches the file on the channel's close, like any file:
     * migration. */
    return true;
}

/* ---- destination ---- */

/*
 * What the bitmap says, applied to pages that were not read: a clear
 * bit is a zero page.  Memory this process never wrote is zero already
 * (incoming migration); only pages written here (a -kernel image, a
 * loadvm into a used guest) need clearing.  Pages read from the file
 * are marked written.
 */
static void apply_bitmap(RAMBlock *rb, const MappedRamLayout *l,
                         const unsigned long *bmap)
{
    const unsigned long *written = ram_block_written_bitmap(rb);
    size_t words = (l->num_pages + BITS_PER_LONG - 1) / BITS_PER_LONG;

    for (size_t w = 0; w < words; w++) {
        unsigned long stale = qatomic_read(&written[w]) & ~bmap[w];

        while (stale) {
            unsigned bit = __builtin_ctzl(stale);
            uint64_t offset = ((uint64_t)w * BITS_PER_LONG + bit)
                              << TARGET_PAGE_BITS;

            stale &= stale - 1;
            if (offset < l->used_length &&
                !ram_page_is_zero(l->host + offset)) {
                memset(l->host + offset, 0, TARGET_PAGE_SIZE);
            }
        }
        if (bmap[w] == ~0UL) {
            ram_block_mark_written(rb, (uint64_t)w * BITS_PER_LONG
                                   << TARGET_PAGE_BITS,
                                   BITS_PER_LONG * TARGET_PAGE_SIZE);
            continue;
        }
        for (unsigned long set = bmap[w]; set; set &= set - 1) {
            ram_block_mark_written(rb, ((uint64_t)w * BITS_PER_LONG +
                                        __builtin_ctzl(set))
                                   << TARGET_PAGE_BITS, TARGET_PAGE_SIZE);
        }
    }
}

/*
 * Reading a big block is split between a few threads: with the file in
 * the page cache the cost is the copy and the first touch of every guest
 * page, which scale with cores.  Blocks below RAM_MAPPED_SPLIT_MIN, and
 * hosts with one core, are read by the incoming thread alone.
 */
#define RAM_MAPPED_READERS_MAX  4
#define RAM_MAPPED_SPLIT_MIN    (64 * 1024 * 1024)

typedef struct ReadSlice {
    int fd;
    MappedRamLayout layout;     /* the slice as a block of its own */
    const unsigned long *bmap;  /* the slice's first bitmap word */
    GError *err;
} ReadSlice;

static gpointer read_slice(gpointer opaque)
{
    ReadSlice *sl = opaque;

    mapped_ram_read_block(sl->fd, &sl->layout, sl->bmap, &sl->err);
    return NULL;
}

/*
 * With multifd, one slice per channel, each read through the channel's
 * own fd of the file (O_DIRECT with direct-io), whatever the size.
 */
static bool read_pages(int fd, const MappedRamLayout *l,
                       const unsigned long *bmap, GError **errp)
{
    bool multifd = migrate_multifd();
    unsigned n = multifd ? (unsigned)migrate_multifd_channels()
                         : MIN(g_get_num_processors(),
                               RAM_MAPPED_READERS_MAX);
    uint64_t words = (l->num_pages + BITS_PER_LONG - 1) / BITS_PER_LONG;
    uint64_t per, first = 0;
    g_autofree ReadSlice *sl = NULL;
    g_autofree GThread **th = NULL;
    bool ok = true;

    if (!multifd && (n < 2 || l->used_length < RAM_MAPPED_SPLIT_MIN)) {
        return mapped_ram_read_block(fd, l, bmap, errp);
    }
    sl = g_new0(ReadSlice, n);
    th = g_new0(GThread *, n);
    for (unsigned i = 0; i < n; i++) {
        sl[i].fd = -1;
    }
    for (unsigned i = 0; multifd && i < n; i++) {
        sl[i].fd = page_fd_open(false, fd, &sl[i].err);
        if (sl[i].fd < 0) {
            g_propagate_error(errp, sl[i].err);
            for (unsigned k = 0; k < i; k++) {
                close(sl[k].fd);
            }
            return false;
        }
    }
    /* Slices of whole bitmap words, so each has its own words. */
    per = (words + n - 1) / n;
    for (unsigned i = 0; i < n; i++) {
        uint64_t w0 = MIN(i * per, words), w1 = MIN(w0 + per, words);
        uint64_t p0 = w0 * BITS_PER_LONG;
        uint64_t p1 = MIN(w1 * BITS_PER_LONG, l->num_pages);

        sl[i] = (ReadSlice) { .fd = multifd ? sl[i].fd : fd, .layout = *l,
                              .bmap = bmap + w0 };
        sl[i].layout.host += p0 * l->page_size;
        sl[i].layout.pages_offset += p0 * l->page_size;
        sl[i].layout.num_pages = p1 > p0 ? p1 - p0 : 0;
        sl[i].layout.used_length = sl[i].layout.num_pages * l->page_size;
        first = p1;
        /* The last slice runs here, in the incoming thread. */
        if (i + 1 < n) {
            th[i] = g_thread_new(multifd ? "mig/mapped-chan"
                                         : "mig/mapped-read",
                                 read_slice, &sl[i]);
        } else {
            read_slice(&sl[i]);
        }
    }
    g_assert(first == l->num_pages);
    for (unsigned i = 0; i < n; i++) {
        if (th[i]) {
            g_thread_join(th[i]);
        }
        if (multifd) {
            close(sl[i].fd);
        }
        if (sl[i].err) {
            if (ok) {
                g_propagate_error(errp, sl[i].err);
                ok = false;
            } else {
                g_error_free(sl[i].err);
            }
        }
    }
    return ok;
}

bool ram_mapped_load_block(QEMUFile *f, RAMBlock *rb, const char *name,
                           GError **errp)
{
    int stream_fd = mapped_ram_channel_fd(qemu_file_get_channel(f), errp);
    g_autofree unsigned long *bmap = NULL;
    MappedRamLayout l;
    uint64_t here;
    int page_fd;
    bool ok;

    if (stream_fd < 0 || !qemu_file_get_offset(f, &here, errp) ||
        !mapped_ram_read_header(stream_fd, rb, here, &l, errp)) {
        return false;
    }
    if (ram_block_page_size(rb) != TARGET_PAGE_SIZE) {
        error_setg(errp, "mapped-ram: block '%s': page size 0x%" PRIx64
                   " is not the target page size", name,
                   ram_block_page_size(rb));
        return false;
    }
    bmap = mapped_ram_read_bitmap(stream_fd, &l, errp);
    if (!bmap) {
        return false;
    }
    page_fd = page_fd_open(false, stream_fd, errp);
    if (page_fd < 0) {
        return false;
    }
    apply_bitmap(rb, &l, bmap);
    ok = read_pages(page_fd, &l, bmap, errp);
    close(page_fd);
    return ok && qemu_file_set_offset(f, mapped_ram_layout_end(&l), errp);
}

bool ram_mapped_load_flags_ok(uint64_t flags, GError **errp)
{
    uint64_t bad = flags & RAM_MAPPED_INVALID_FLAGS;

    if (bad) {
        /* QEMU's text (it prints the offending bits in decimal). */
        error_setg(errp, "Unexpected RAM flags: %" PRIu64, bad);
        return false;
    }
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for placing postcopy pages as runs over real userfaultfd
 * (postcopy_dest_place_run, PostcopyRun): a run skips pages that arrived
 * before it (an urgent page), keeps a page present but never placed
 * (EEXIST) as it is, ends at the block's end, wakes a thread waiting for
 * a page inside it, tells the observer each page once with what it
 * holds, applies the corruption knob; the stager places a run when the
 * next page does not continue it, at its size limit and on flush, and
 * drops it on reset; the main stream's loader places a run before it
 * waits for more bytes (or holds it, and a fault lets it go) and keeps
 * its place in the stream when a guessed record is cut after its
 * header; a whole huge page is moved in rather than copied, where the
 * kernel can. Skipped, with the reason, where userfaultfd is missing.
 */
#include "qemu/osdep.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "qapi/error.h"
#include "system/memory.h"
#include "migration/channel.h"
#include "migration/postcopy-ram.h"
#include "migration/postcopy-uffd.h"
#include "migration/qemu-file.h"
#include "migration/ram.h"
#include "migration/ram-internal.h"
#include "postcopy-test-util.h"

#define PAGE 4096ULL
#define DEADLINE_US POSTCOPY_TEST_DEADLINE_US

/* A run placed by copying (its data not to be moved away). */
static bool place_copy(PostcopyDest *d, RAMBlock *rb, ram_addr_t offset,
                       uint64_t len, uint8_t *data, GError **errp)
{
    bool moved;
    bool ok = postcopy_dest_place_run(d, rb, offset, len, data, false,
                                      &moved, errp);

    g_assert_false(moved);
    return ok;
}

/* ---- observer: per target page, what it was said to hold ---- */

typedef struct Seen {
    uint64_t pages;
    unsigned *count;            /* per page */
    uint8_t *bytes;             /* per page, the last content told */
} Seen;

static void seen_init(Seen *s, uint64_t len)
{
    s->pages = len / PAGE;
    s->count = g_new0(unsigned, s->pages);
    s->bytes = g_malloc0(len);
}

static void seen_free(Seen *s)
{
    g_free(s->count);
    g_free(s->bytes);
}

static void on_placed(void *opaque, RAMBlock *rb, ram_addr_t offset,
                      uint64_t len, const void *data)
{
    Seen *s = opaque;

    g_assert_cmpuint(offset % PAGE, ==, 0);
    g_assert_cmpuint(len % PAGE, ==, 0);
    g_assert_nonnull(data);
    for (uint64_t o = 0; o < len; o += PAGE) {
        uint64_t k = (offset + o) / PAGE;

        g_assert_cmpuint(k, <, s->pages);
        s->count[k]++;
        memcpy(s->bytes + k * PAGE, (const uint8_t *)data + o, PAGE);
    }
}

/* ---- requests ---- */

typedef struct Requests {
    GMutex lock;
    GArray *offsets;            /* ram_addr_t */
} Requests;

static void on_request(void *opaque, RAMBlock *rb, ram_addr_t offset,
                       uint64_t len, uint32_t tid)
{
    Requests *r = opaque;

    g_mutex_lock(&r->lock);
    g_array_append_val(r->offsets, offset);
    g_mutex_unlock(&r->lock);
}

static guint requests_count(Requests *r)
{
    guint n;

    g_mutex_lock(&r->lock);
    n = r->offsets->len;
    g_mutex_unlock(&r->lock);
    return n;
}

/* ---- fixture: one block of `size` bytes ---- */

typedef struct Fixture {
    RAMBlock *rb;
    uint8_t *host;
    uint64_t size;
    Requests req;
    Seen seen;
    PostcopyDest *d;
} Fixture;

static void fixture_setup(Fixture *f, const char *name, uint64_t size,
                          uint64_t min_page)
{
    PostcopyDestConfig cfg = {
        .request = on_request,
        .opaque = &f->req,
        .min_host_page_size = min_page,
    };
    GError *err = NULL;

    f->size = size;
    f->rb = ram_block_new(name, size, false, -1, 0, &err);
    g_assert_no_error(err);
    f->host = ram_block_host(f->rb);
    g_mutex_init(&f->req.lock);
    f->req.offsets = g_array_new(FALSE, FALSE, sizeof(ram_addr_t));
    seen_init(&f->seen, size);
    cfg.blocks = &f->rb;
    cfg.nr_blocks = 1;
    f->d = postcopy_dest_new(&cfg, &err);
    g_assert_no_error(err);
    postcopy_dest_set_placed_fn(f->d, on_placed, &f->seen);
}

static void fixture_teardown(Fixture *f)
{
    postcopy_dest_free(f->d);
    g_array_free(f->req.offsets, TRUE);
    g_mutex_clear(&f->req.lock);
    seen_free(&f->seen);
    ram_block_free(f->rb);
}

static void fill(uint8_t *buf, uint64_t len, uint8_t seed)
{
    for (uint64_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seed + i * 7 + i / PAGE);
    }
}

static bool received(Fixture *f, uint64_t page)
{
    return postcopy_dest_page_received(f->d, f->rb, page * PAGE);
}

/* ---- tests ---- */

/*
 * Pages 3..15 of a 16-page block in one run: page 5 arrived before (an
 * urgent page) and keeps its bytes; page 9 has a thread waiting for it;
 * the run ends at the block's end.
 */
static void test_run_skips_received(void)
{
    enum { PAGES = 16, FIRST = 3 };
    uint64_t run_len = (PAGES - FIRST) * PAGE;
    g_autofree uint8_t *run = g_malloc(run_len);
    g_autofree uint8_t *copy = g_malloc(run_len);
    uint8_t urgent[PAGE];
    Fixture f;
    Toucher t = { 0 };
    gint64 deadline;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, "run.ram", PAGES * PAGE, 0);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));

    fill(urgent, PAGE, 0x55);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, 5 * PAGE, urgent,
                                           NOERR));
    toucher_start(&t, f.host + 9 * PAGE + 33);
    deadline = g_get_monotonic_time() + DEADLINE_US;
    while (requests_count(&f.req) < 1) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 1);

    fill(run, run_len, 0x10);
    memcpy(copy, run, run_len);
    g_assert_true(place_copy(f.d, f.rb, FIRST * PAGE, run_len,
                                          run, NOERR));
    toucher_join(&t);
    g_assert_cmpuint(t.value, ==, copy[(9 - FIRST) * PAGE + 33]);
    g_assert_cmpuint(postcopy_dest_outstanding(f.d), ==, 0);

    for (uint64_t k = 0; k < PAGES; k++) {
        const uint8_t *want = k == 5 ? urgent : copy + (k - FIRST) * PAGE;

        g_assert_cmpint(received(&f, k), ==, k >= FIRST);
        if (k < FIRST) {
            g_assert_cmpuint(f.seen.count[k], ==, 0);
            continue;
        }
        g_assert_cmpmem(f.host + k * PAGE, PAGE, want, PAGE);
        /* Each page observed once, with what it holds. */
        g_assert_cmpuint(f.seen.count[k], ==, 1);
        g_assert_cmpmem(f.seen.bytes + k * PAGE, PAGE, want, PAGE);
        g_assert_true(ram_block_written_bitmap(f.rb)[0] & (1UL << k));
    }

    /* The same run again: all duplicates, nothing changes. */
    fill(run, run_len, 0x99);
    g_assert_true(place_copy(f.d, f.rb, FIRST * PAGE, run_len,
                                          run, NOERR));
    g_assert_cmpmem(f.host + 5 * PAGE, PAGE, urgent, PAGE);
    g_assert_cmpmem(f.host + FIRST * PAGE, PAGE, copy, PAGE);
    g_assert_cmpuint(f.seen.count[FIRST], ==, 1);
    fixture_teardown(&f);
}

/* Runs that are not whole target pages inside the block are refused. */
static void test_run_bounds(void)
{
    g_autofree uint8_t *run = g_malloc0(4 * PAGE);
    GError *err = NULL;
    Fixture f, h;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, "run.ram", 8 * PAGE, 0);
    g_assert_false(place_copy(f.d, f.rb, 0, PAGE, run, &err));
    g_assert_nonnull(strstr(err->message, "before listen"));
    g_clear_error(&err);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    /* past the end, misaligned, empty */
    g_assert_false(place_copy(f.d, f.rb, 6 * PAGE, 3 * PAGE,
                                           run, &err));
    g_assert_nonnull(strstr(err->message, "not whole target pages"));
    g_clear_error(&err);
    g_assert_false(place_copy(f.d, f.rb, 100, PAGE, run, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_false(place_copy(f.d, f.rb, 0, 0, run, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    for (int k = 0; k < 8; k++) {
        g_assert_false(received(&f, k));
    }
    fixture_teardown(&f);

    /* A block of 16 KiB host pages goes through the assembler instead. */
    fixture_setup(&h, "huge.ram", 8 * PAGE, 4 * PAGE);
    g_assert_true(postcopy_dest_listen(h.d, NOERR));
    g_assert_false(place_copy(h.d, h.rb, 0, 4 * PAGE, run,
                                           &err));
    g_assert_nonnull(strstr(err->message, "host page size 0x4000"));
    g_clear_error(&err);
    fixture_teardown(&h);
}

/*
 * A page present though never placed (precopy loaded it before LISTEN
 * without marking it): the copy stops there with EEXIST; the page keeps
 * its bytes, counts as received, and the pages after it are still
 * placed.
 */
static void test_run_present_page(void)
{
    g_autofree uint8_t *run = g_malloc(4 * PAGE);
    g_autofree uint8_t *copy = g_malloc(4 * PAGE);
    Fixture f;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, "run.ram", 8 * PAGE, 0);
    memset(f.host + 2 * PAGE, 0x5a, PAGE);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    fill(run, 4 * PAGE, 0x31);
    memcpy(copy, run, 4 * PAGE);
    g_assert_true(place_copy(f.d, f.rb, 0, 4 * PAGE, run,
                                          NOERR));
    for (int k = 0; k < 4; k++) {
        g_assert_true(received(&f, k));
        g_assert_cmpuint(f.seen.count[k], ==, 1);
        if (k == 2) {
            for (uint64_t i = 0; i < PAGE; i++) {
                g_assert_cmpuint(f.host[2 * PAGE + i], ==, 0x5a);
                g_assert_cmpuint(f.seen.bytes[2 * PAGE + i], ==, 0x5a);
            }
        } else {
            g_assert_cmpmem(f.host + k * PAGE, PAGE, copy + k * PAGE, PAGE);
            g_assert_cmpmem(f.seen.bytes + k * PAGE, PAGE, copy + k * PAGE,
                            PAGE);
        }
    }
    g_assert_false(received(&f, 4));
    fixture_teardown(&f);
}

/* The corruption knob flips its byte in a run as in a single page. */
static void test_run_corrupt_knob(void)
{
    g_autofree uint8_t *run = g_malloc(4 * PAGE);
    g_autofree uint8_t *copy = g_malloc(4 * PAGE);
    Fixture f;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, "run.ram", 8 * PAGE, 0);
    postcopy_dest_test_corrupt(f.d, f.rb, 6 * PAGE + 100);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    fill(run, 4 * PAGE, 0x42);
    memcpy(copy, run, 4 * PAGE);
    g_assert_true(place_copy(f.d, f.rb, 4 * PAGE, 4 * PAGE,
                                          run, NOERR));
    copy[2 * PAGE + 100] ^= 0xa5;
    g_assert_cmpmem(f.host + 4 * PAGE, 4 * PAGE, copy, 4 * PAGE);
    g_assert_cmpmem(f.seen.bytes + 4 * PAGE, 4 * PAGE, copy, 4 * PAGE);
    fixture_teardown(&f);
}

/* Stage pages [first, first + n) through the stager. */
static void stage(PostcopyRun *r, Fixture *f, uint64_t first, uint64_t n,
                  uint8_t seed)
{
    for (uint64_t k = first; k < first + n; k++) {
        uint8_t *slot = postcopy_run_slot(r, f->rb, k * PAGE, NOERR);

        g_assert_nonnull(slot);
        fill(slot, PAGE, (uint8_t)(seed + k));
        postcopy_run_commit(r);
    }
}

static void check_page(Fixture *f, uint64_t k, uint8_t seed)
{
    uint8_t want[PAGE];

    fill(want, PAGE, (uint8_t)(seed + k));
    g_assert_cmpmem(f->host + k * PAGE, PAGE, want, PAGE);
}

/* Target pages [first, first + n) as stage() would stage them, into buf. */
static void fill_pages(uint8_t *buf, uint64_t first, uint64_t n,
                       uint8_t seed)
{
    for (uint64_t k = first; k < first + n; k++) {
        fill(buf + (k - first) * PAGE, PAGE, (uint8_t)(seed + k));
    }
}

/*
 * A whole huge page of guest RAM staged in a buffer that is one huge
 * page goes in by UFFDIO_MOVE: the guest range is then mapped by a huge
 * page and the buffer is left empty, a thread waiting inside it wakes,
 * the observer sees each page once with its bytes. Discarded and sent
 * again, with one page of it in already (an urgent page), or not
 * starting at a huge-page boundary, the run is copied. Skipped, with the reason, where the kernel cannot
 * move pages or has no huge page to give.
 */
static void test_run_moves_huge(void)
{
    enum { HUGE = POSTCOPY_RUN_MAX, HP = HUGE / PAGE };
    g_autofree uint8_t *urgent = g_malloc(PAGE);
    uint8_t *area = MAP_FAILED, *buf;
    int pagemap = -1;
    Toucher t = { 0 };
    bool moved;
    Fixture f;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, "huge.ram", 4 * HUGE, 0);
    /* Private anonymous guest RAM starts on a huge-page boundary. */
    g_assert_cmpuint((uintptr_t)f.host % HUGE, ==, 0);
    /* The source discards every page it has not sent: the first huge
     * page was never mapped, and that leaves it so. */
    g_assert_true(postcopy_dest_discard_range(f.d, f.rb, 0, HUGE, NOERR));
    /* Precopy loads a page of the fourth huge page, then it is dirtied. */
    f.host[3 * HUGE + 5 * PAGE] = 1;
    postcopy_dest_mark_received(f.d, f.rb, 3 * HUGE + 5 * PAGE, PAGE);
    g_assert_true(postcopy_dest_discard_range(f.d, f.rb, 3 * HUGE, HUGE,
                                              NOERR));
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    if (!postcopy_dest_can_move(f.d, f.rb)) {
        g_test_skip("userfaultfd cannot move pages here (UFFDIO_MOVE needs "
                    "Linux 6.8)");
        goto out;
    }
    area = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(area != MAP_FAILED);
    buf = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)area, HUGE);
    madvise(buf, HUGE, MADV_HUGEPAGE);
    fill_pages(buf, 0, HP, 4);
    pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (!postcopy_range_is_huge(pagemap, buf, HUGE)) {
        g_test_skip("the kernel gave the staging buffer no transparent "
                    "huge page (THP off, or memory too fragmented)");
        goto out;
    }

    toucher_start(&t, f.host + 300 * PAGE + 1);
    g_assert_true(postcopy_dest_place_run(f.d, f.rb, 0, HUGE, buf, true,
                                          &moved, NOERR));
    g_assert_true(moved);
    toucher_join(&t);
    g_assert_true(postcopy_range_is_huge(pagemap, f.host, HUGE));
    for (uint64_t k = 0; k < HP; k++) {
        g_assert_true(received(&f, k));
        check_page(&f, k, 4);
        g_assert_cmpuint(f.seen.count[k], ==, 1);
        g_assert_cmpmem(f.seen.bytes + k * PAGE, PAGE, f.host + k * PAGE,
                        PAGE);
    }
    /* Moved away: the buffer reads as never written. */
    g_assert_cmpuint(buf[0], ==, 0);
    g_assert_cmpuint(buf[HUGE - 1], ==, 0);

    /*
     * Loaded by precopy, then discarded (the source dirtied it): missing
     * again, but once mapped, so copied (a page table may be left there,
     * which would make the kernel move page by page).
     */
    fill_pages(buf, 3 * HP, HP, 8);
    g_assert_true(postcopy_dest_place_run(f.d, f.rb, 3 * HUGE, HUGE, buf,
                                          true, &moved, NOERR));
    g_assert_false(moved);
    check_page(&f, 3 * HP, 8);
    check_page(&f, 4 * HP - 1, 8);

    /* Page 7 of the second huge page came first: copied around it. */
    fill(urgent, PAGE, 99);
    g_assert_true(postcopy_dest_place_page(f.d, f.rb, (HP + 7) * PAGE,
                                           urgent, NOERR));
    fill_pages(buf, HP, HP, 5);
    g_assert_true(postcopy_dest_place_run(f.d, f.rb, HUGE, HUGE, buf, true,
                                          &moved, NOERR));
    g_assert_false(moved);
    g_assert_cmpmem(f.host + (HP + 7) * PAGE, PAGE, urgent, PAGE);
    for (uint64_t k = HP; k < 2 * HP; k++) {
        g_assert_true(received(&f, k));
        if (k != HP + 7) {
            check_page(&f, k, 5);
        }
    }

    /* Not at a huge-page boundary: copied. */
    fill_pages(buf, 2 * HP + 1, HP - 1, 6);
    g_assert_true(postcopy_dest_place_run(f.d, f.rb, (2 * HP + 1) * PAGE,
                                          HUGE - PAGE, buf, true, &moved,
                                          NOERR));
    g_assert_false(moved);
    check_page(&f, 2 * HP + 1, 6);
    check_page(&f, 3 * HP - 1, 6);
    g_assert_false(received(&f, 2 * HP));

out:
    if (pagemap >= 0) {
        close(pagemap);
    }
    if (area != MAP_FAILED) {
        munmap(area, 2 * HUGE);
    }
    fixture_teardown(&f);
}

/*
 * The stager: a gap or another block ends a run; the size limit splits a
 * long run; a flushed run goes in without anyone waiting for it (a
 * thread waiting for one of its pages wakes); reset drops what is
 * staged, unreceived.
 */
static void test_stager(void)
{
    enum { MAXP = POSTCOPY_RUN_MAX / PAGE, PAGES = MAXP + 64 };
    g_autoptr(PostcopyRun) r = NULL;
    uint64_t runs, pages;
    Fixture f, g;
    Toucher t = { 0 };
    GError *err = NULL;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    fixture_setup(&f, "run.ram", PAGES * PAGE, 0);
    fixture_setup(&g, "other.ram", 4 * PAGE, 0);
    g_assert_true(postcopy_dest_listen(f.d, NOERR));
    g_assert_true(postcopy_dest_listen(g.d, NOERR));
    r = postcopy_run_new(f.d);
    g_assert_false(postcopy_run_pending(r));
    g_assert_true(postcopy_run_drain(r, NOERR));

    stage(r, &f, 0, 3, 1);
    g_assert_true(postcopy_run_pending(r));
    /* Staged is not placed. */
    g_assert_false(received(&f, 0));
    /* A gap: 0..2 are one run, 5 the next. */
    stage(r, &f, 5, 1, 1);
    g_assert_true(postcopy_run_drain(r, NOERR));
    g_assert_false(postcopy_run_pending(r));
    postcopy_run_stats(r, &runs, &pages);
    g_assert_cmpuint(runs, ==, 2);
    g_assert_cmpuint(pages, ==, 4);
    for (int k = 0; k < 6; k++) {
        g_assert_cmpint(received(&f, k), ==, k != 3 && k != 4);
        if (k != 3 && k != 4) {
            check_page(&f, k, 1);
        }
    }

    /* A long run, split at the limit; a thread waits inside it. */
    toucher_start(&t, f.host + (6 + MAXP + 10) * PAGE);
    stage(r, &f, 6, PAGES - 6, 2);
    g_assert_true(postcopy_run_flush(r, NOERR));
    toucher_join(&t);
    g_assert_true(postcopy_run_drain(r, NOERR));
    postcopy_run_stats(r, &runs, &pages);
    g_assert_cmpuint(runs, ==, 4);
    g_assert_cmpuint(pages, ==, 4 + PAGES - 6);
    for (uint64_t k = 6; k < PAGES; k++) {
        g_assert_true(received(&f, k));
        check_page(&f, k, 2);
    }
    g_assert_cmpuint(t.value, ==, f.host[(6 + MAXP + 10) * PAGE]);

    /* Reset drops what is staged: never placed, never received. */
    postcopy_run_free(g_steal_pointer(&r));
    fixture_teardown(&f);
    r = postcopy_run_new(g.d);
    stage(r, &g, 1, 2, 3);
    postcopy_run_reset(r);
    g_assert_false(postcopy_run_pending(r));
    g_assert_true(postcopy_run_drain(r, NOERR));
    g_assert_false(postcopy_dest_page_received(g.d, g.rb, PAGE));
    /* A misaligned first page is refused. */
    g_assert_null(postcopy_run_slot(r, g.rb, 100, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    postcopy_run_free(g_steal_pointer(&r));
    fixture_teardown(&g);
}

/* Another block ends a run even where the offsets would continue. */
static void test_stager_block_switch(void)
{
    RAMBlock *rbs[2];
    PostcopyDestConfig cfg = { .blocks = rbs, .nr_blocks = 2 };
    g_autoptr(PostcopyRun) r = NULL;
    PostcopyDest *d;
    uint64_t runs, pages;

    if (!postcopy_test_need_uffd()) {
        return;
    }
    rbs[0] = ram_block_new("a.ram", 4 * PAGE, false, -1, 0, NOERR);
    rbs[1] = ram_block_new("b.ram", 4 * PAGE, false, -1, 0, NOERR);
    d = postcopy_dest_new(&cfg, NOERR);
    g_assert_true(postcopy_dest_listen(d, NOERR));
    r = postcopy_run_new(d);
    for (int i = 0; i < 4; i++) {
        RAMBlock *rb = rbs[i / 2];
        uint8_t *slot = postcopy_run_slot(r, rb, (i % 2 + i / 2) * PAGE,
                                          NOERR);

        memset(slot, 0x10 + i, PAGE);
        postcopy_run_commit(r);
    }
    g_assert_true(postcopy_run_drain(r, NOERR));
    postcopy_run_stats(r, &runs, &pages);
    /* a:0,1 then b:1,2 (b:1 follows a:1's offset, in another block) */
    g_assert_cmpuint(runs, ==, 2);
    g_assert_cmpuint(pages, ==, 4);
    g_assert_cmpuint(((uint8_t *)ram_block_host(rbs[0]))[PAGE], ==, 0x11);
    g_assert_cmpuint(((uint8_t *)ram_block_host(rbs[1]))[PAGE], ==, 0x12);
    g_assert_cmpuint(((uint8_t *)ram_block_host(rbs[1]))[2 * PAGE], ==, 0x13);
    g_assert_false(postcopy_dest_page_received(d, rbs[1], 0));
    postcopy_run_free(g_steal_pointer(&r));
    postcopy_dest_free(d);
    ram_block_free(rbs[0]);
    ram_block_free(rbs[1]);
}

/* ---- the loader: ram_load() of the main stream after LISTEN ---- */

typedef struct Loader {
    QEMUFile *f;
    const RAMBlockScope *scope;
    bool ok;
    GError *err;
    int done;                   /* atomic */
    GThread *thread;
} Loader;

static gpointer loader_fn(gpointer opaque)
{
    Loader *l = opaque;

    l->ok = ram_load(l->f, (void *)l->scope, RAM_SECTION_VERSION, &l->err);
    qatomic_set(&l->done, 1);
    return NULL;
}

static void put_page_record(QEMUFile *w, const char *name, uint64_t k,
                            uint8_t seed)
{
    uint8_t page[PAGE];

    if (name) {
        qemu_put_be64(w, k * PAGE | RAM_SAVE_FLAG_PAGE);
        qemu_put_counted_string(w, name);
    } else {
        qemu_put_be64(w, k * PAGE | RAM_SAVE_FLAG_PAGE |
                         RAM_SAVE_FLAG_CONTINUE);
    }
    fill(page, PAGE, (uint8_t)(seed + k));
    qemu_put_buffer(w, page, PAGE);
}

/*
 * A loader on a one-block fixture after LISTEN, fed through a socket
 * pair: the test writes the stream into w.
 */
typedef struct LoaderRig {
    Fixture f;
    const char *names[1];
    RAMBlockScope scope;
    int sv[2];
    QEMUFile *w;
    Loader l;
} LoaderRig;

static void loader_rig_start(LoaderRig *g, const char *name)
{
    MigChannel *a, *b;

    memset(g, 0, sizeof(*g));
    fixture_setup(&g->f, name, 16 * PAGE, 0);
    g->names[0] = name;
    g->scope = (RAMBlockScope) { 1, &g->f.rb, g->names };
    g_assert_true(postcopy_dest_listen(g->f.d, NOERR));
    ram_load_postcopy_advise(g->f.d);
    ram_load_postcopy_listen();

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, g->sv), ==, 0);
    a = mig_channel_new_fd(g->sv[0], "rig-w");
    b = mig_channel_new_fd(g->sv[1], "rig-r");
    g->w = qemu_file_new_output(a);
    g->l.f = qemu_file_new_input(b);
    mig_channel_unref(a);
    mig_channel_unref(b);
    g->l.scope = &g->scope;
    g_assert_true(ram_load_setup(g->l.f, (void *)&g->scope, NOERR));
    g->l.thread = g_thread_new("loader", loader_fn, &g->l);
}

/* Wait (with a deadline) for ram_load() to return; it must succeed. */
static void loader_rig_join(LoaderRig *g)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;

    while (!qatomic_read(&g->l.done)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    g_thread_join(g->l.thread);
    g_assert_no_error(g->l.err);
    g_assert_true(g->l.ok);
}

static void loader_rig_free(LoaderRig *g)
{
    ram_load_postcopy_end();
    ram_load_cleanup(NULL);
    qemu_fclose(g->w);
    qemu_fclose(g->l.f);
    fixture_teardown(&g->f);
}

/*
 * The stream stops after a run of pages, mid-section (the source is
 * throttled, or idle): the loader, about to wait for more bytes, must
 * have placed the run, or a thread waiting for one of its pages would
 * wait for whatever the source sends next. Then EOS ends the section.
 */
static void test_loader_places_before_waiting(void)
{
    LoaderRig g;
    Toucher t = { 0 };
    uint8_t want[PAGE];

    if (!postcopy_test_need_uffd()) {
        return;
    }
    loader_rig_start(&g, "idle.ram");
    toucher_start(&t, g.f.host + 2 * PAGE + 7);
    for (uint64_t k = 0; k < 4; k++) {
        put_page_record(g.w, k ? NULL : "idle.ram", k, 9);
    }
    qemu_fflush(g.w);

    /* No EOS yet: only placing before the read can wake the toucher. */
    toucher_join(&t);
    fill(want, PAGE, 9 + 2);
    g_assert_cmpuint(t.value, ==, want[7]);
    g_assert_false(qatomic_read(&g.l.done));
    for (int k = 0; k < 4; k++) {
        g_assert_true(received(&g.f, k));
        check_page(&g.f, k, 9);
    }

    qemu_put_be64(g.w, RAM_SAVE_FLAG_EOS);
    qemu_fflush(g.w);
    loader_rig_join(&g);
    g_assert_false(received(&g.f, 4));
    loader_rig_free(&g);
}

/* Until the reading end of a socket has taken every byte sent to it. */
static void wait_socket_drained(int fd)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
    int n;

    for (;;) {
        g_assert_cmpint(ioctl(fd, FIONREAD, &n), ==, 0);
        if (!n) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

/*
 * The loader reads pages straight into the run, guessing that the next
 * records continue it. A read that ends right after a guessed record's
 * header (none of its page yet) leaves that record unfinished: the rest
 * of the page must come next, not be taken for the next header.
 */
static void test_loader_split_after_header(void)
{
    LoaderRig g;
    uint8_t page[PAGE];

    if (!postcopy_test_need_uffd()) {
        return;
    }
    loader_rig_start(&g, "split.ram");
    /* Page 0's header alone: its page is read by the guessing readv. */
    qemu_put_be64(g.w, 0 | RAM_SAVE_FLAG_PAGE);
    qemu_put_counted_string(g.w, "split.ram");
    qemu_fflush(g.w);
    wait_socket_drained(g.sv[1]);
    /* Page 0, then page 1's header and nothing of its page. */
    fill(page, PAGE, 3);
    qemu_put_buffer(g.w, page, PAGE);
    qemu_put_be64(g.w, PAGE | RAM_SAVE_FLAG_PAGE | RAM_SAVE_FLAG_CONTINUE);
    qemu_fflush(g.w);
    wait_socket_drained(g.sv[1]);
    fill(page, PAGE, 4);
    qemu_put_buffer(g.w, page, PAGE);
    qemu_put_be64(g.w, RAM_SAVE_FLAG_EOS);
    qemu_fflush(g.w);

    loader_rig_join(&g);
    for (int k = 0; k < 2; k++) {
        g_assert_true(received(&g.f, k));
        check_page(&g.f, k, 3);
    }
    g_assert_false(received(&g.f, 2));
    loader_rig_free(&g);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;

    g_test_init(&argc, &argv, NULL);
    if (!postcopy_ram_supported_by_host(&err)) {
        postcopy_test_uffd_missing =
            g_strdup_printf("userfaultfd unavailable: %s", err->message);
    }
    g_test_add_func("/postcopy-run/skips-received", test_run_skips_received);
    g_test_add_func("/postcopy-run/bounds", test_run_bounds);
    g_test_add_func("/postcopy-run/present-page", test_run_present_page);
    g_test_add_func("/postcopy-run/corrupt-knob", test_run_corrupt_knob);
    g_test_add_func("/postcopy-run/moves-huge", test_run_moves_huge);
    g_test_add_func("/postcopy-run/stager", test_stager);
    g_test_add_func("/postcopy-run/stager-block-switch",
                    test_stager_block_switch);
    g_test_add_func("/postcopy-run/loader-places-before-waiting",
                    test_loader_places_before_waiting);
    g_test_add_func("/postcopy-run/loader-split-after-header",
                    test_loader_split_after_header);
    return g_test_run();
}

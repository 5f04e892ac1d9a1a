/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy, destination side: userfaultfd registration, the fault thread,
 * atomic page placement, received bitmaps, pause/resume and blocktime.
 * See postcopy-ram.h; docs/devel/migration/postcopy.rst has the design.
 */
#include "qemu/osdep.h"

#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "qapi/error.h"
#include "migration/postcopy-bits.h"
#include "migration/postcopy-dest.h"
#include "migration/postcopy-ram.h"
#include "migration/postcopy-stall.h"
#include "migration/postcopy-uffd.h"
#include "migration/rp-postcopy.h"
#include "migration/threadinfo.h"

/* ---- host support ---- */

bool postcopy_ram_supported_by_host(GError **errp)
{
    long host_page = sysconf(_SC_PAGESIZE);
    bool zeropage = false, ok;
    void *scratch;
    int fd;

    if (host_page <= 0 || TARGET_PAGE_SIZE % host_page) {
        error_setg(errp, "host page size %ld does not divide the target "
                   "page size %u", host_page, TARGET_PAGE_SIZE);
        return false;
    }
    fd = postcopy_uffd_open(0, NULL, errp);
    if (fd < 0) {
        return false;
    }
    scratch = mmap(NULL, host_page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map a scratch page");
        close(fd);
        return false;
    }
    ok = postcopy_uffd_register(fd, scratch, host_page, &zeropage, errp);
    if (ok) {
        postcopy_uffd_unregister(fd, scratch, host_page, NULL);
        if (!zeropage) {
            error_setg(errp, "userfaultfd cannot place zero pages in "
                       "anonymous memory");
            ok = false;
        }
    }
    munmap(scratch, host_page);
    close(fd);
    return ok;
}

bool postcopy_ram_thread_id_supported(void)
{
    return postcopy_uffd_available_features() & POSTCOPY_UFFD_WANT_THREAD_ID;
}

/* ---- vCPU thread registry ---- */

static GMutex vcpu_lock;
static uint32_t vcpu_tids[POSTCOPY_MAX_VCPUS];     /* 0: free; vcpu_lock */
static unsigned vcpu_slots;                         /* vcpu_lock */

void postcopy_register_vcpu_thread(int index)
{
    g_assert(index >= 0 && index < POSTCOPY_MAX_VCPUS);
    g_mutex_lock(&vcpu_lock);
    vcpu_tids[index] = (uint32_t)syscall(SYS_gettid);
    vcpu_slots = MAX(vcpu_slots, (unsigned)index + 1);
    g_mutex_unlock(&vcpu_lock);
}

void postcopy_unregister_vcpu_thread(int index)
{
    g_assert(index >= 0 && index < POSTCOPY_MAX_VCPUS);
    g_mutex_lock(&vcpu_lock);
    vcpu_tids[index] = 0;
    while (vcpu_slots && !vcpu_tids[vcpu_slots - 1]) {
        vcpu_slots--;
    }
    g_mutex_unlock(&vcpu_lock);
}

static unsigned vcpu_declared;                      /* vcpu_lock */

void postcopy_declare_vcpus(unsigned n)
{
    g_assert(n <= POSTCOPY_MAX_VCPUS);
    g_mutex_lock(&vcpu_lock);
    vcpu_declared = n;
    g_mutex_unlock(&vcpu_lock);
}

unsigned postcopy_nr_vcpus(void)
{
    unsigned n;

    g_mutex_lock(&vcpu_lock);
    n = MAX(vcpu_slots, vcpu_declared);
    g_mutex_unlock(&vcpu_lock);
    return n;
}

static int vcpu_index_of(uint32_t tid)
{
    int idx = -1;

    if (!tid) {
        return -1;
    }
    g_mutex_lock(&vcpu_lock);
    for (unsigned i = 0; i < vcpu_slots; i++) {
        if (vcpu_tids[i] == tid) {
            idx = i;
            break;
        }
    }
    g_mutex_unlock(&vcpu_lock);
    return idx;
}

/* ---- the destination object ---- */

static uint64_t nr_target_pages(const DestBlock *b)
{
    return b->len / TARGET_PAGE_SIZE;
}

DestBlock *pc_dest_block(PostcopyDest *d, RAMBlock *rb)
{
    for (size_t i = 0; i < d->nr_blocks; i++) {
        if (d->blocks[i].rb == rb) {
            return &d->blocks[i];
        }
    }
    return NULL;
}

DestBlock *pc_dest_block_checked(PostcopyDest *d, RAMBlock *rb,
                                 GError **errp)
{
    DestBlock *b = pc_dest_block(d, rb);

    if (!b) {
        error_setg(errp, "RAM block '%s' is not part of this postcopy "
                   "migration", ram_block_name(rb));
    }
    return b;
}

RAMBlock *postcopy_dest_find_block(PostcopyDest *d, const char *name)
{
    for (size_t i = 0; i < d->nr_blocks; i++) {
        if (!strcmp(ram_block_name(d->blocks[i].rb), name)) {
            return d->blocks[i].rb;
        }
    }
    return NULL;
}

size_t postcopy_dest_nr_blocks(PostcopyDest *d)
{
    return d->nr_blocks;
}

RAMBlock *postcopy_dest_block(PostcopyDest *d, size_t i)
{
    return i < d->nr_blocks ? d->blocks[i].rb : NULL;
}

uint64_t postcopy_dest_host_page_size(PostcopyDest *d, RAMBlock *rb)
{
    DestBlock *b = pc_dest_block(d, rb);

    return b ? b->page : ram_block_page_size(rb);
}

/*
 * Drop [start, start + len) of a block: the next access is a missing
 * fault. Private anonymous memory: MADV_DONTNEED. Shared memory keeps its
 * pages in the page cache, which DONTNEED would only unmap: punch a hole
 * in the file (memfd or file) or MADV_REMOVE (shared anonymous).
 */
static bool discard_host_range(DestBlock *b, uint64_t start, uint64_t len,
                               GError **errp)
{
    RAMBlock *rb = b->rb;
    int fd = ram_block_fd(rb);
    int r;

    if (ram_block_is_shared(rb) && fd >= 0) {
        r = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      ram_block_fd_offset(rb) + start, len);
        if (r == 0) {
            r = madvise(b->host + start, len, MADV_DONTNEED);
        }
    } else if (ram_block_is_shared(rb)) {
        r = madvise(b->host + start, len, MADV_REMOVE);
    } else {
        r = madvise(b->host + start, len, MADV_DONTNEED);
    }
    if (r < 0) {
        error_setg_errno(errp, errno, "cannot discard 0x%" PRIx64 " bytes at "
                         "0x%" PRIx64 " of RAM block '%s'", len, start,
                         ram_block_name(rb));
        return false;
    }
    return true;
}

static void set_touched(DestBlock *b, uint64_t offset, uint64_t len)
{
    for (uint64_t h = offset / POSTCOPY_RUN_MAX;
         len && h <= (offset + len - 1) / POSTCOPY_RUN_MAX; h++) {
        pc_set_bit(b->touched, h);
    }
}

void pc_set_received(DestBlock *b, uint64_t offset, uint64_t len,
                     bool value)
{
    uint64_t k = offset / TARGET_PAGE_SIZE;
    uint64_t end = (offset + len) / TARGET_PAGE_SIZE;

    /* A discard maps nothing: it leaves what was there touched. */
    if (value) {
        set_touched(b, offset, len);
    }
    /* Atomic word updates (still under the lock): the stall probe reads
     * the bits without it (postcopy_dest_page_received_relaxed). One
     * update per word the range touches: runs are placed many at once. */
    while (k < end) {
        unsigned long *w = &b->received[k / BITS_PER_LONG];
        unsigned shift = k % BITS_PER_LONG;
        uint64_t n = MIN(end - k, (uint64_t)BITS_PER_LONG - shift);
        unsigned long mask = (n == BITS_PER_LONG ? ~0UL
                                                 : ((1UL << n) - 1)) << shift;

        if (value) {
            __atomic_fetch_or(w, mask, __ATOMIC_RELAXED);
        } else {
            __atomic_fetch_and(w, ~mask, __ATOMIC_RELAXED);
        }
        k += n;
    }
}

/*
 * What is mapped in b now (a -kernel image, firmware tables, precopy
 * before ADVISE) is about to be discarded, which keeps its page tables:
 * mark it touched. Where residency cannot be told, all of it is.
 */
static void note_resident(DestBlock *b)
{
    uint64_t n = b->len / TARGET_PAGE_SIZE;
    g_autofree unsigned char *vec = g_try_malloc(n);

    if (!vec || TARGET_PAGE_SIZE != sysconf(_SC_PAGESIZE) ||
        mincore(b->host, b->len, vec) < 0) {
        set_touched(b, 0, b->len);
        return;
    }
    for (uint64_t k = 0; k < n; k++) {
        if (vec[k] & 1) {
            set_touched(b, k * TARGET_PAGE_SIZE, TARGET_PAGE_SIZE);
        }
    }
}

static bool init_block(PostcopyDest *d, DestBlock *b, RAMBlock *rb,
                       uint64_t min_page, GError **errp)
{
    uint64_t page = MAX(ram_block_page_size(rb), min_page);

    b->rb = rb;
    b->host = ram_block_host(rb);
    b->len = ram_block_used_length(rb);
    b->page = page;
    if (page % TARGET_PAGE_SIZE || (page & (page - 1)) ||
        b->len % page) {
        error_setg(errp, "RAM block '%s': host page size 0x%" PRIx64 " does "
                   "not fit its 0x%" PRIx64 "-byte length and the target "
                   "page", ram_block_name(rb), page, b->len);
        return false;
    }
    b->received = g_new0(unsigned long,
                         DIV_ROUND_UP(nr_target_pages(b), PC_BITS_PER_LONG));
    b->touched = g_new0(unsigned long,
                        DIV_ROUND_UP(DIV_ROUND_UP(b->len, POSTCOPY_RUN_MAX),
                                     PC_BITS_PER_LONG));
    note_resident(b);
    /* Advice; a kernel without THP fails it harmlessly. */
    if (!ram_block_is_shared(rb)) {
        madvise(b->host, b->len, MADV_NOHUGEPAGE);
    }
    /*
     * Everything the destination put into RAM itself (a -kernel image,
     * firmware tables) must go: the source sends every page it has, in
     * precopy or on request, and a page it never sends must read as it
     * does on the source, not as local leftovers.
     */
    return discard_host_range(b, 0, b->len, errp);
}

PostcopyDest *postcopy_dest_new(const PostcopyDestConfig *cfg, GError **errp)
{
    PostcopyDest *d;
    uint64_t max_page = TARGET_PAGE_SIZE;
    GPtrArray *rbs = g_ptr_array_new();

    if (!postcopy_ram_supported_by_host(errp)) {
        g_ptr_array_free(rbs, TRUE);
        return NULL;
    }
    if (cfg->blocks) {
        for (size_t i = 0; i < cfg->nr_blocks; i++) {
            g_ptr_array_add(rbs, cfg->blocks[i]);
        }
    } else {
        for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
            g_ptr_array_add(rbs, rb);
        }
    }

    d = g_new0(PostcopyDest, 1);
    d->request = cfg->request;
    d->opaque = cfg->opaque;
    d->uffd = -1;
    d->wake_fd = -1;
    g_mutex_init(&d->lock);
    d->outstanding = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                           NULL, g_free);
    d->nr_blocks = rbs->len;
    d->blocks = g_new0(DestBlock, rbs->len);
    for (guint i = 0; i < rbs->len; i++) {
        if (!init_block(d, &d->blocks[i], rbs->pdata[i],
                        cfg->min_host_page_size, errp)) {
            d->nr_blocks = i + 1;
            g_ptr_array_free(rbs, TRUE);
            postcopy_dest_free(d);
            return NULL;
        }
        max_page = MAX(max_page, d->blocks[i].page);
    }
    g_ptr_array_free(rbs, TRUE);
    d->zero_buf = g_malloc0(max_page);
    if (cfg->blocktime) {
        d->bt = postcopy_blocktime_new(postcopy_nr_vcpus());
    }
    return d;
}

/* ---- discard ---- */

bool postcopy_dest_discard_range(PostcopyDest *d, RAMBlock *rb,
                                 uint64_t start, uint64_t length,
                                 GError **errp)
{
    DestBlock *b = pc_dest_block_checked(d, rb, errp);
    bool ok;

    if (!b) {
        return false;
    }
    if (start % b->page || length % b->page) {
        error_setg(errp, "Unaligned discard of RAM block '%s': start 0x%"
                   PRIx64 " length 0x%" PRIx64 " (page size 0x%" PRIx64 ")",
                   ram_block_name(rb), start, length, b->page);
        return false;
    }
    if (start > b->len || length > b->len - start) {
        error_setg(errp, "Discard of RAM block '%s' outside it: start 0x%"
                   PRIx64 " length 0x%" PRIx64 " (length 0x%" PRIx64 ")",
                   ram_block_name(rb), start, length, b->len);
        return false;
    }
    if (!length) {
        return true;
    }
    g_mutex_lock(&d->lock);
    if (b->registered) {
        g_mutex_unlock(&d->lock);
        error_setg(errp, "RAM discard after postcopy listen (block '%s')",
                   ram_block_name(rb));
        return false;
    }
    ok = discard_host_range(b, start, length, errp);
    if (ok) {
        pc_set_received(b, start, length, false);
    }
    g_mutex_unlock(&d->lock);
    return ok;
}

/* ---- the fault thread ---- */

static DestBlock *block_of_address(PostcopyDest *d, uint64_t addr)
{
    for (size_t i = 0; i < d->nr_blocks; i++) {
        DestBlock *b = &d->blocks[i];

        if (addr >= (uintptr_t)b->host && addr - (uintptr_t)b->host < b->len) {
            return b;
        }
    }
    return NULL;
}

static void handle_fault(PostcopyDest *d, uint64_t addr, uint32_t tid)
{
    DestBlock *b = block_of_address(d, addr);
    ram_addr_t offset;
    uint8_t *page_addr;
    Outstanding *o;
    bool send;

    if (!b) {
        /* Not ours (cannot happen: we register only our blocks). */
        return;
    }
    offset = QEMU_ALIGN_DOWN(addr - (uintptr_t)b->host, b->page);
    page_addr = b->host + offset;

    g_mutex_lock(&d->lock);
    d->faults_seen++;
    /*
     * Placement wakes the waiters and sets the bit under this lock, so a
     * set bit means this event was queued before the page went in: the
     * thread is already running again.
     */
    if (pc_host_page_received(b, offset)) {
        g_mutex_unlock(&d->lock);
        return;
    }
    if (d->bt) {
        postcopy_blocktime_fault(d->bt, (uintptr_t)page_addr,
                                 vcpu_index_of(tid), tid,
                                 g_get_monotonic_time() * 1000);
    }
    if (g_hash_table_contains(d->outstanding, page_addr)) {
        g_mutex_unlock(&d->lock);
        return;
    }
    o = g_new(Outstanding, 1);
    *o = (Outstanding) { b, offset, d->next_seq++ };
    g_hash_table_insert(d->outstanding, page_addr, o);
    pc_outstanding_changed(d);
    /* The page may sit in a run the reader holds while it waits for
     * bytes: let it go in now rather than after a round trip. */
    if (d->run) {
        postcopy_run_kick(d->run);
    }
    send = !d->paused && d->request;
    if (send) {
        d->requests_sent++;
    }
    g_mutex_unlock(&d->lock);

    if (send) {
        d->request(d->opaque, b->rb, offset, b->page, tid);
    }
}

static gpointer fault_thread_fn(gpointer opaque)
{
    PostcopyDest *d = opaque;
    struct uffd_msg msgs[16];

    for (;;) {
        struct pollfd pfd[2] = {
            { .fd = d->uffd, .events = POLLIN },
            { .fd = d->wake_fd, .events = POLLIN },
        };
        ssize_t n;

        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (pfd[1].revents) {
            break;
        }
        if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            break;
        }
        n = read(d->uffd, msgs, sizeof(msgs));
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            break;
        }
        for (size_t i = 0; i < (size_t)n / sizeof(msgs[0]); i++) {
            uint32_t tid = 0;

            if (msgs[i].event != UFFD_EVENT_PAGEFAULT) {
                continue;
            }
            if (d->features & POSTCOPY_UFFD_WANT_THREAD_ID) {
                tid = msgs[i].arg.pagefault.feat.ptid;
            }
            handle_fault(d, msgs[i].arg.pagefault.address, tid);
        }
    }
    return NULL;
}

bool postcopy_dest_listen(PostcopyDest *d, GError **errp)
{
    /* Thread ids cost nothing and let the callback name the faulter;
     * moving pages saves the copy of every page the stream brings. */
    unsigned want = POSTCOPY_UFFD_WANT_THREAD_ID | POSTCOPY_UFFD_WANT_MOVE;
    size_t i;

    if (d->uffd >= 0) {
        error_setg(errp, "postcopy is already listening");
        return false;
    }
    d->uffd = postcopy_uffd_open(want, &d->features, errp);
    if (d->uffd < 0) {
        return false;
    }
    d->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (d->wake_fd < 0) {
        error_setg_errno(errp, errno, "cannot create the fault thread's "
                         "eventfd");
        goto fail;
    }
    for (i = 0; i < d->nr_blocks; i++) {
        DestBlock *b = &d->blocks[i];

        if (!postcopy_uffd_register(d->uffd, b->host, b->len,
                                    &b->has_zeropage, errp)) {
            error_prepend(errp, "RAM block '%s': ", ram_block_name(b->rb));
            goto fail;
        }
        g_mutex_lock(&d->lock);
        b->registered = true;
        /*
         * UFFDIO_MOVE takes private anonymous memory only. Huge pages
         * back on: with the range armed, khugepaged leaves a huge range
         * with missing pages alone, so only a whole huge page moved in
         * makes one (init_block turned them off for 4 KiB placement).
         */
        b->movable = (d->features & POSTCOPY_UFFD_WANT_MOVE) &&
                     b->page == TARGET_PAGE_SIZE &&
                     ram_block_fd(b->rb) < 0 && !ram_block_is_shared(b->rb);
        g_mutex_unlock(&d->lock);
        if (b->movable) {
            madvise(b->host, b->len, MADV_HUGEPAGE);
        }
    }
    d->fault_thread = migration_threadinfo_spawn("mig/dst/fault",
                                                  fault_thread_fn, d, NULL);
    return true;

fail:
    for (i = 0; i < d->nr_blocks; i++) {
        if (d->blocks[i].registered) {
            postcopy_uffd_unregister(d->uffd, d->blocks[i].host,
                                     d->blocks[i].len, NULL);
            d->blocks[i].registered = false;
        }
    }
    if (d->wake_fd >= 0) {
        close(d->wake_fd);
        d->wake_fd = -1;
    }
    close(d->uffd);
    d->uffd = -1;
    return false;
}

void postcopy_dest_free(PostcopyDest *d)
{
    if (!d) {
        return;
    }
    /* The stall probe must not look at d any more (no-op unless armed). */
    postcopy_stall_disarm(d);
    if (d->fault_thread) {
        uint64_t one = 1;

        /* The thread only ever blocks in poll(), which this ends. */
        if (write(d->wake_fd, &one, sizeof(one)) < 0) {
            g_assert_not_reached();     /* an eventfd below 2^64-1 */
        }
        g_thread_join(d->fault_thread);
        d->fault_thread = NULL;
    }
    for (size_t i = 0; i < d->nr_blocks; i++) {
        DestBlock *b = &d->blocks[i];

        /* Unregistering wakes threads still waiting in the range. */
        if (b->registered) {
            postcopy_uffd_unregister(d->uffd, b->host, b->len, NULL);
        }
        g_free(b->received);
        g_free(b->touched);
    }
    if (d->wake_fd >= 0) {
        close(d->wake_fd);
    }
    if (d->uffd >= 0) {
        close(d->uffd);
    }
    postcopy_blocktime_free(d->bt);
    g_hash_table_destroy(d->outstanding);
    g_mutex_clear(&d->lock);
    g_free(d->zero_buf);
    g_free(d->blocks);
    g_free(d);
}

/* ---- received bitmap ---- */

void postcopy_dest_mark_received(PostcopyDest *d, RAMBlock *rb,
                                 ram_addr_t offset, uint64_t len)
{
    DestBlock *b = pc_dest_block(d, rb);

    if (!b || offset >= b->len) {
        return;
    }
    len = MIN(len, b->len - offset);
    g_mutex_lock(&d->lock);
    pc_set_received(b, QEMU_ALIGN_DOWN(offset, TARGET_PAGE_SIZE),
                 QEMU_ALIGN_UP(len, TARGET_PAGE_SIZE), true);
    g_mutex_unlock(&d->lock);
}

bool postcopy_dest_page_received(PostcopyDest *d, RAMBlock *rb,
                                 ram_addr_t offset)
{
    DestBlock *b = pc_dest_block(d, rb);
    bool r;

    if (!b || offset >= b->len) {
        return false;
    }
    g_mutex_lock(&d->lock);
    r = pc_test_bit(b->received, offset / TARGET_PAGE_SIZE);
    g_mutex_unlock(&d->lock);
    return r;
}

bool postcopy_dest_page_received_relaxed(PostcopyDest *d, RAMBlock *rb,
                                         ram_addr_t offset)
{
    DestBlock *b = pc_dest_block(d, rb);
    uint64_t bit;

    if (!b || offset >= b->len) {
        return false;
    }
    bit = offset / TARGET_PAGE_SIZE;
    return (__atomic_load_n(&b->received[bit / BITS_PER_LONG],
                            __ATOMIC_RELAXED) >> (bit % BITS_PER_LONG)) & 1;
}

unsigned long *postcopy_dest_received_bitmap(PostcopyDest *d, RAMBlock *rb,
                                             uint64_t *nbits)
{
    DestBlock *b = pc_dest_block(d, rb);
    unsigned long *copy;
    size_t bytes;

    if (!b) {
        *nbits = 0;
        return NULL;
    }
    *nbits = nr_target_pages(b);
    bytes = DIV_ROUND_UP(*nbits, PC_BITS_PER_LONG) * sizeof(unsigned long);
    g_mutex_lock(&d->lock);
    copy = g_memdup2(b->received, bytes);
    g_mutex_unlock(&d->lock);
    return copy;
}

bool postcopy_dest_encode_recv_bitmap(PostcopyDest *d, RAMBlock *rb,
                                      const char *wire_name, GByteArray *out,
                                      GError **errp)
{
    uint64_t nbits;
    g_autofree unsigned long *map = NULL;

    if (!pc_dest_block_checked(d, rb, errp)) {
        return false;
    }
    map = postcopy_dest_received_bitmap(d, rb, &nbits);
    return rp_postcopy_encode_recv_bitmap(out, wire_name, map, nbits, errp);
}

/* ---- pause, resume, figures ---- */

void postcopy_dest_pause(PostcopyDest *d)
{
    g_mutex_lock(&d->lock);
    d->paused = true;
    g_mutex_unlock(&d->lock);
}

static gint by_seq(gconstpointer a, gconstpointer b)
{
    const Outstanding *x = *(Outstanding *const *)a;
    const Outstanding *y = *(Outstanding *const *)b;

    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void postcopy_dest_resume(PostcopyDest *d)
{
    g_autoptr(GArray) resend = g_array_new(FALSE, FALSE, sizeof(Outstanding));
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    GHashTableIter it;
    gpointer v;

    g_mutex_lock(&d->lock);
    d->paused = false;
    g_hash_table_iter_init(&it, d->outstanding);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        g_ptr_array_add(sorted, v);
    }
    g_ptr_array_sort(sorted, by_seq);
    for (guint i = 0; i < sorted->len; i++) {
        g_array_append_val(resend, *(Outstanding *)sorted->pdata[i]);
    }
    if (d->request) {
        d->requests_sent += resend->len;
    }
    g_mutex_unlock(&d->lock);

    /* Copies: placement may free the entries while we call out. */
    for (guint i = 0; d->request && i < resend->len; i++) {
        Outstanding *o = &g_array_index(resend, Outstanding, i);

        d->request(d->opaque, o->b->rb, o->offset, o->b->page, 0);
    }
}

unsigned postcopy_dest_outstanding(PostcopyDest *d)
{
    unsigned n;

    g_mutex_lock(&d->lock);
    n = g_hash_table_size(d->outstanding);
    g_mutex_unlock(&d->lock);
    return n;
}

uint64_t postcopy_dest_requests_sent(PostcopyDest *d)
{
    uint64_t n;

    g_mutex_lock(&d->lock);
    n = d->requests_sent;
    g_mutex_unlock(&d->lock);
    return n;
}

uint64_t postcopy_dest_faults_seen(PostcopyDest *d)
{
    uint64_t n;

    g_mutex_lock(&d->lock);
    n = d->faults_seen;
    g_mutex_unlock(&d->lock);
    return n;
}

bool postcopy_dest_get_blocktime(PostcopyDest *d, PostcopyBlocktimeInfo *info)
{
    if (!d->bt) {
        memset(info, 0, sizeof(*info));
        return false;
    }
    g_mutex_lock(&d->lock);
    postcopy_blocktime_get(d->bt, info);
    g_mutex_unlock(&d->lock);
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU-side postcopy stall recorder. See postcopy-stall.h for the
 * definition of a stall.
 */
#include "qemu/osdep.h"

#include <sys/mman.h>

#include "migration/postcopy-ram.h"
#include "migration/postcopy-stall.h"

bool postcopy_stall_armed;

/*
 * dest: which PostcopyDest the probe checks; NULL when disarmed. The
 * probe runs on every TLB fill of a postcopy destination, so it takes no
 * lock: it announces itself in probes_in_flight, and disarming clears
 * dest and then waits until no probe is between those two points (the
 * read that stalls comes after, so that wait is short). Both sides use
 * sequentially consistent atomics: either the probe sees NULL or
 * disarming sees the probe.
 */
static PostcopyDest *dest;
static unsigned probes_in_flight;

static GMutex samples_lock;
static GArray *samples;         /* uint64_t ns; samples_lock */
static uint64_t count;          /* samples_lock */

void postcopy_stall_reset(void)
{
    g_mutex_lock(&samples_lock);
    if (samples) {
        g_array_set_size(samples, 0);
    }
    count = 0;
    g_mutex_unlock(&samples_lock);
}

void postcopy_stall_arm(PostcopyDest *d)
{
    postcopy_stall_reset();
    __atomic_store_n(&dest, d, __ATOMIC_SEQ_CST);
    __atomic_store_n(&postcopy_stall_armed, true, __ATOMIC_SEQ_CST);
}

void postcopy_stall_disarm(PostcopyDest *d)
{
    PostcopyDest *expected = d;

    if (!__atomic_compare_exchange_n(&dest, &expected, NULL, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return;
    }
    __atomic_store_n(&postcopy_stall_armed, false, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&probes_in_flight, __ATOMIC_SEQ_CST)) {
        g_thread_yield();
    }
}

void postcopy_stall_record(uint64_t ns)
{
    g_mutex_lock(&samples_lock);
    if (!samples) {
        samples = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    }
    count++;
    if (samples->len < POSTCOPY_STALL_MAX_SAMPLES) {
        g_array_append_val(samples, ns);
    }
    g_mutex_unlock(&samples_lock);
}

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/*
 * The received bit is set just after UFFDIO_COPY, which has already woken
 * the vCPU: its next fill of the same page (the store after the load)
 * can see the bit clear on a page that is there. The kernel's residency
 * answer is exact; it is asked only when the bit is clear.
 */
static bool page_present(const uint8_t *host)
{
    long psize = sysconf(_SC_PAGESIZE);
    unsigned char vec = 0;
    void *page = (void *)((uintptr_t)host & ~(uintptr_t)(psize - 1));

    return mincore(page, psize, &vec) == 0 && (vec & 1);
}

void postcopy_stall_probe_slow(RAMBlock *rb, ram_addr_t offset,
                               const uint8_t *host)
{
    bool missing = false;
    PostcopyDest *d;
    int64_t t0, t1;

    __atomic_add_fetch(&probes_in_flight, 1, __ATOMIC_SEQ_CST);
    d = __atomic_load_n(&dest, __ATOMIC_SEQ_CST);
    if (d) {
        missing = !postcopy_dest_page_received_relaxed(d, rb, offset);
    }
    __atomic_sub_fetch(&probes_in_flight, 1, __ATOMIC_SEQ_CST);
    if (!missing || page_present(host)) {
        return;
    }
    t0 = now_ns();
    /* The access the guest is about to make; blocks until placed. */
    (void)*(const volatile uint8_t *)host;
    t1 = now_ns();
    postcopy_stall_record(t1 > t0 ? (uint64_t)(t1 - t0) : 0);
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Nearest rank of a sorted array of n > 0. */
static uint64_t rank(const uint64_t *v, guint n, unsigned pct)
{
    guint i = (guint)(((uint64_t)n * pct + 99) / 100);

    return v[i ? i - 1 : 0];
}

void postcopy_stall_get(PostcopyStallStats *st)
{
    g_autofree uint64_t *v = NULL;
    uint64_t sum = 0;
    guint n = 0;

    memset(st, 0, sizeof(*st));
    g_mutex_lock(&samples_lock);
    st->count = count;
    if (samples && samples->len) {
        n = samples->len;
        v = g_memdup2(samples->data, n * sizeof(uint64_t));
    }
    g_mutex_unlock(&samples_lock);
    if (!n) {
        return;
    }
    qsort(v, n, sizeof(uint64_t), (int (*)(const void *, const void *))
          cmp_u64);
    for (guint i = 0; i < n; i++) {
        sum += v[i];
    }
    st->sampled = n;
    st->p50_ns = rank(v, n, 50);
    st->p90_ns = rank(v, n, 90);
    st->p99_ns = rank(v, n, 99);
    st->max_ns = v[n - 1];
    st->mean_ns = sum / n;
}

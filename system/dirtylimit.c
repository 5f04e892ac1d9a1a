/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU dirty page rate limit service: the per-vCPU limits, the
 * period timer that measures and adjusts the throttle, and the QMP
 * commands set-vcpu-dirty-limit, cancel-vcpu-dirty-limit and
 * query-vcpu-dirty-limit (include/system/dirtylimit.h).
 *
 * Everything runs in the main thread with the BQL held; only the
 * in-service count and the per-round figures are read from elsewhere
 * (query-migrate may run in any monitor, the migration thread asks
 * whether the limit is on).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/trace.h"
#include "system/cpus.h"
#include "system/dirtylimit.h"
#include "system/memory.h"
#include "migration/migration.h"
#include "migration/options.h"

#define MIB (1024 * 1024)
/* The board has one vCPU; the table is sized for what a board may add. */
#define DIRTYLIMIT_MAX_VCPUS 1

typedef struct VcpuLimit {
    bool enabled;
    uint64_t quota_mib;         /* the limit, MiB/s */
    uint64_t current_mib;       /* measured over the last period */
    uint32_t ratio;             /* the throttle set for it */
} VcpuLimit;

static struct {
    VcpuLimit vcpu[DIRTYLIMIT_MAX_VCPUS];
    int limited;                /* atomic: vCPUs with a limit */
    QEMUTimer *timer;
    int64_t period_start_us;
    CpusRoundStats last;        /* round counters at period start */
    uint64_t sleep_per_round;   /* atomic, us, last period */
    uint64_t run_per_round;     /* atomic, us, last period */
} dl;

static int dirtylimit_nr_vcpus(void)
{
    return cpus_have_vcpu() ? 1 : 0;
}

bool dirtylimit_in_service(void)
{
    return qatomic_read(&dl.limited) > 0;
}

uint64_t dirtylimit_throttle_time_per_round(void)
{
    return qatomic_read(&dl.sleep_per_round);
}

uint64_t dirtylimit_ring_full_time(void)
{
    return qatomic_read(&dl.run_per_round);
}

/* ---- measuring ---- */

/* Move the logged pages out of every block; returns how many. */
static uint64_t dirtylimit_harvest(void)
{
    uint64_t pages = 0;

    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        g_autofree unsigned long *bits =
            g_new0(unsigned long, ram_block_bitmap_words(rb));

        pages += ram_block_dirty_collect(rb, DIRTY_MEMORY_DIRTY_LIMIT, bits);
    }
    /* Pointers the vCPU cached for writing would bypass the next
     * period's log. */
    memory_dirty_sync_barrier();
    return pages;
}

static void dirtylimit_arm(void)
{
    int64_t period_ms = migrate_vcpu_dirty_limit_period();

    timer_mod(dl.timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) +
                        period_ms * 1000 * 1000);
}

static void dirtylimit_period(void *opaque)
{
    int64_t now = g_get_monotonic_time();
    uint64_t elapsed_ms = MAX((now - dl.period_start_us) / 1000, 1);
    uint64_t pages = dirtylimit_harvest();
    uint64_t bytes = pages * TARGET_PAGE_SIZE;
    uint64_t rate = bytes * 1000 / elapsed_ms;      /* bytes/s */
    CpusRoundStats st;
    uint64_t rounds, run, sleep;

    cpus_get_round_stats(&st);
    rounds = st.rounds - dl.last.rounds;
    run = st.run_ns - dl.last.run_ns;
    sleep = st.sleep_ns - dl.last.sleep_ns;
    dl.last = st;
    dl.period_start_us = now;
    if (rounds) {
        qatomic_set(&dl.sleep_per_round, sleep / rounds / 1000);
        qatomic_set(&dl.run_per_round, run / rounds / 1000);
    }

    /* One vCPU: every page logged was its write. */
    for (int i = 0; i < dirtylimit_nr_vcpus(); i++) {
        VcpuLimit *v = &dl.vcpu[i];

        v->current_mib = dirtylimit_rate_mib(bytes, elapsed_ms);
        if (!v->enabled) {
            continue;
        }
        v->ratio = dirtylimit_next_ratio(v->ratio, rate, v->quota_mib * MIB,
                                         run, sleep);
        cpus_set_dirty_limit_ratio(v->ratio);
        trace_event(dirtylimit_period, "vcpu %d rate %" PRIu64
                    " MiB/s quota %" PRIu64 " ratio %u", i, v->current_mib,
                    v->quota_mib, v->ratio);
    }
    dirtylimit_arm();
}

static void dirtylimit_start(void)
{
    if (!dl.timer) {
        dl.timer = timer_new_ns(QEMU_CLOCK_REALTIME, dirtylimit_period, NULL);
    }
    memory_global_dirty_log_start(DIRTY_MEMORY_DIRTY_LIMIT);
    dirtylimit_harvest();           /* bits of an earlier service */
    dl.period_start_us = g_get_monotonic_time();
    cpus_get_round_stats(&dl.last);
    dirtylimit_arm();
}

static void dirtylimit_stop(void)
{
    timer_del(dl.timer);
    memory_global_dirty_log_stop(DIRTY_MEMORY_DIRTY_LIMIT);
    cpus_set_dirty_limit_ratio(0);
    qatomic_set(&dl.sleep_per_round, 0);
    qatomic_set(&dl.run_per_round, 0);
}

/* ---- limits ---- */

/* Set (quota > 0) or remove (0) the limit of vCPU i. */
static void dirtylimit_set_vcpu(int i, uint64_t quota_mib)
{
    VcpuLimit *v = &dl.vcpu[i];
    bool was = dirtylimit_in_service();

    if (quota_mib && !v->enabled) {
        qatomic_inc(&dl.limited);
    } else if (!quota_mib && v->enabled) {
        qatomic_dec(&dl.limited);
    }
    v->enabled = quota_mib > 0;
    v->quota_mib = quota_mib;
    if (!v->enabled) {
        v->ratio = 0;
        v->current_mib = 0;
    }
    if (!was && dirtylimit_in_service()) {
        dirtylimit_start();
    } else if (was && !dirtylimit_in_service()) {
        dirtylimit_stop();
    }
}

static void dirtylimit_set_each(uint64_t quota_mib)
{
    for (int i = 0; i < dirtylimit_nr_vcpus(); i++) {
        dirtylimit_set_vcpu(i, quota_mib);
    }
}

void dirtylimit_cancel_all(void)
{
    dirtylimit_set_each(0);
}

/* Applied in the main loop for a migration thread: only while that
 * migration still runs (its end removes the limit; a late request must
 * not bring it back). */
static void dirtylimit_set_all_bh(void *opaque)
{
    uint64_t *quota = opaque;

    if (!*quota || migration_is_running()) {
        dirtylimit_set_each(*quota);
    }
    g_free(quota);
}

void dirtylimit_set_all_async(uint64_t quota_mib)
{
    uint64_t *quota = g_new(uint64_t, 1);

    *quota = quota_mib;
    if (bql_locked()) {
        dirtylimit_set_each(quota_mib);
        g_free(quota);
        return;
    }
    main_loop_schedule(dirtylimit_set_all_bh, quota);
}

/* ---- QMP ---- */

static bool dirtylimit_check_index(bool has_cpu_index, int64_t cpu_index,
                                   GError **errp)
{
    if (has_cpu_index &&
        (cpu_index < 0 || cpu_index >= dirtylimit_nr_vcpus())) {
        error_setg(errp, "incorrect cpu index specified");
        return false;
    }
    return true;
}

/* While a dirty-limit migration has the limit in service, it owns it. */
static bool dirtylimit_is_allowed(void)
{
    return !(migration_is_running() && migrate_dirty_limit() &&
             dirtylimit_in_service());
}

void qmp_cancel_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                                 GError **errp)
{
    if (!dirtylimit_check_index(has_cpu_index, cpu_index, errp)) {
        return;
    }
    if (!dirtylimit_is_allowed()) {
        error_setg(errp, "can't cancel dirty page rate limit while "
                   "migration is running");
        return;
    }
    if (has_cpu_index) {
        dirtylimit_set_vcpu(cpu_index, 0);
    } else {
        dirtylimit_cancel_all();
    }
}

void qmp_set_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                              uint64_t dirty_rate, GError **errp)
{
    if (!dirtylimit_check_index(has_cpu_index, cpu_index, errp)) {
        return;
    }
    if (!dirty_rate) {
        qmp_cancel_vcpu_dirty_limit(has_cpu_index, cpu_index, errp);
        return;
    }
    if (!dirtylimit_is_allowed()) {
        error_setg(errp, "can't set dirty page rate limit while migration "
                   "is running");
        return;
    }
    if (!dirtylimit_nr_vcpus()) {
        error_setg(errp, "the machine has no vCPU to limit");
        return;
    }
    if (has_cpu_index) {
        dirtylimit_set_vcpu(cpu_index, dirty_rate);
    } else {
        dirtylimit_set_each(dirty_rate);
    }
}

DirtyLimitInfoList *qmp_query_vcpu_dirty_limit(GError **errp)
{
    DirtyLimitInfoList *head = NULL, **tail = &head;

    for (int i = 0; i < dirtylimit_nr_vcpus(); i++) {
        DirtyLimitInfoList *e;

        if (!dl.vcpu[i].enabled) {
            continue;
        }
        e = g_new0(DirtyLimitInfoList, 1);
        e->value = g_new0(DirtyLimitInfo, 1);
        e->value->cpu_index = i;
        e->value->limit_rate = dl.vcpu[i].quota_mib;
        e->value->current_rate = dl.vcpu[i].current_mib;
        *tail = e;
        tail = &e->next;
    }
    return head;
}

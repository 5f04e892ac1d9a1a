/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU thread: runs the registered CPU in bounded slices without the
 * BQL, and parks (with the BQL as the condition mutex) while the VM is
 * stopped or the CPU is halted. Pausing is a handshake: cpus_pause()
 * returns only once the thread is outside guest code.
 */
#include "qemu/osdep.h"
#include "qemu/trace.h"
#include "qemu/main-loop.h"
#include "system/cpus.h"
#include "system/dirtylimit.h"
#include "migration/postcopy-ram.h"
#include <sys/syscall.h>

/* Instructions per slice: small enough that stop requests are checked often. */
#define VCPU_SLICE 200000

static const VCPUOps *vcpu_ops;
static void *vcpu;
static Object *vcpu_object;
static bool execution_enabled = true;

/* All guarded by the BQL. */
static GThread *vcpu_thread;
static bool vcpu_should_run;    /* the VM is running */
static bool vcpu_parked;        /* the thread is waiting, outside guest code */
static bool vcpu_halted;        /* the CPU waits for an interrupt */
static bool vcpu_quit;
static int64_t vcpu_tid;
static GCond vcpu_cond;         /* wakes the vCPU thread */
static GCond parked_cond;       /* tells waiters that it parked */
static int throttle_pct;        /* atomic: % of each slice spent asleep */
static uint32_t dirty_limit_ratio;  /* atomic: dirty-limit sleep/run, 1/1000 */
static CpusRoundStats round_stats;  /* BQL */

/* Rounds of a few dozen instructions last less than a microsecond. */
static int64_t get_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void cpus_register_vcpu(const VCPUOps *ops, void *cpu, Object *qom)
{
    vcpu_ops = ops;
    postcopy_declare_vcpus(1);
    vcpu = cpu;
    vcpu_object = qom;
}

Object *cpus_vcpu_object(void)
{
    return vcpu_object;
}

bool cpus_have_vcpu(void)
{
    return vcpu_ops != NULL;
}

void cpus_set_execution_enabled(bool enabled)
{
    execution_enabled = enabled;
}

bool cpus_execution_enabled(void)
{
    return execution_enabled;
}

int64_t cpus_vcpu_thread_id(void)
{
    return vcpu_tid ? vcpu_tid : (int64_t)getpid();
}

void cpus_set_throttle_percentage(int pct)
{
    g_atomic_int_set(&throttle_pct, CLAMP(pct, 0, 99));
}

int cpus_throttle_percentage(void)
{
    return g_atomic_int_get(&throttle_pct);
}

void cpus_set_dirty_limit_ratio(uint32_t ratio)
{
    qatomic_set(&dirty_limit_ratio, MIN(ratio, DIRTYLIMIT_RATIO_MAX));
}

uint32_t cpus_dirty_limit_ratio(void)
{
    return qatomic_read(&dirty_limit_ratio);
}

void cpus_get_round_stats(CpusRoundStats *out)
{
    *out = round_stats;
}

/*
 * Throttling: after a slice that ran `ran_us`, sleep for the longer of
 * what auto-converge (pct% of run + sleep) and the dirty limit (its
 * ratio) ask. The sleep waits on vcpu_cond so a stop or quit request is
 * not delayed by it. BQL held.
 */
static void vcpu_throttle_sleep(int64_t ran_ns)
{
    int pct = cpus_throttle_percentage();
    int64_t ran_us = ran_ns / 1000;
    int64_t sleep_ns = 0, end, slept;

    if (pct > 0 && ran_us > 0) {
        /* One slice is short; cap the sleep so stops stay prompt anyway. */
        sleep_ns = MIN(ran_us * pct / (100 - pct), 200 * 1000) * 1000;
    }
    sleep_ns = MAX(sleep_ns,
                   dirtylimit_round_sleep_ns(ran_ns, cpus_dirty_limit_ratio()));
    round_stats.rounds++;
    round_stats.run_ns += MAX(ran_ns, 0);
    if (!sleep_ns) {
        return;
    }
    slept = get_clock_ns();
    /* The wait has us resolution: round up so a short sleep happens. */
    end = g_get_monotonic_time() + (sleep_ns + 999) / 1000;
    while (vcpu_should_run && !vcpu_quit &&
           bql_cond_wait_until(&vcpu_cond, end)) {
        /* woken early (kick): keep sleeping unless asked to stop */
    }
    round_stats.sleep_ns += get_clock_ns() - slept;
}

static gpointer vcpu_thread_fn(gpointer data)
{
    int64_t start, ran;
    uint64_t budget;

    bql_lock();
    vcpu_tid = syscall(SYS_gettid);
    /* Postcopy blocktime attributes page faults to vCPUs by thread. */
    postcopy_register_vcpu_thread(0);
    for (;;) {
        VCPUExit why;

        while (!vcpu_quit &&
               (!vcpu_should_run ||
                (vcpu_halted && !vcpu_ops->has_work(vcpu)))) {
            vcpu_parked = true;
            g_cond_broadcast(&parked_cond);
            bql_cond_wait(&vcpu_cond);
        }
        if (vcpu_quit) {
            break;
        }
        vcpu_parked = false;
        vcpu_halted = false;
        /* A dirty-limited vCPU runs shorter rounds, so its sleeps are
         * short too and its writes spread evenly over time. */
        budget = dirtylimit_round_budget(VCPU_SLICE, cpus_dirty_limit_ratio());
        trace_event(cpus_vcpu_start, "budget %d", (int)budget);
        bql_unlock();
        /* Guest time only: waiting for the BQL is not running. */
        start = get_clock_ns();
        why = vcpu_ops->exec(vcpu, budget);
        ran = get_clock_ns() - start;
        bql_lock();
        if (why == VCPU_EXIT_HALTED) {
            trace_event(cpus_vcpu_halted, "waiting for an interrupt");
            vcpu_halted = true;
        } else {
            trace_event(cpus_vcpu_stop, "reason %s",
                        why == VCPU_EXIT_REQUEST ? "request" : "budget");
            vcpu_throttle_sleep(ran);
        }
    }
    vcpu_parked = true;
    g_cond_broadcast(&parked_cond);
    postcopy_unregister_vcpu_thread(0);
    bql_unlock();
    return NULL;
}

void cpus_kick(void)
{
    /*
     * The vCPU thread checks has_work() and then waits, both under the
     * BQL. A broadcast from a thread without the BQL could fall between
     * the two and be lost (the vCPU would sleep through the interrupt), so
     * a caller that does not hold the BQL takes it for the broadcast.
     */
    if (bql_locked()) {
        g_cond_broadcast(&vcpu_cond);
        return;
    }
    bql_lock();
    g_cond_broadcast(&vcpu_cond);
    bql_unlock();
}

void cpus_resume(void)
{
    if (!vcpu_ops || !execution_enabled) {
        return;
    }
    vcpu_should_run = true;
    if (!vcpu_thread) {
        vcpu_parked = true;
        vcpu_thread = g_thread_new("CPU 0/TCG", vcpu_thread_fn, NULL);
    }
    g_cond_broadcast(&vcpu_cond);
}

void cpus_pause(void)
{
    if (!vcpu_thread) {
        return;
    }
    vcpu_should_run = false;
    /* A throttled vCPU may be asleep between rounds: wake it to park. */
    g_cond_broadcast(&vcpu_cond);
    while (!vcpu_parked) {
        vcpu_ops->exit_request(vcpu);
        /* The thread needs the BQL to park: wait with it released. */
        bql_cond_wait_until(&parked_cond, g_get_monotonic_time() + 1000);
    }
}

void cpus_cleanup(void)
{
    GThread *t = vcpu_thread;

    if (!t) {
        return;
    }
    vcpu_quit = true;
    vcpu_ops->exit_request(vcpu);
    g_cond_broadcast(&vcpu_cond);
    bql_unlock();
    g_thread_join(t);
    bql_lock();
    vcpu_thread = NULL;
}

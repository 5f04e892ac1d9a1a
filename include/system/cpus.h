/*
 * The vCPU thread. The board registers its CPU through VCPUOps; this module
 * owns the host thread that runs it in bounded slices, pauses it for
 * vm_stop() and wakes it when an interrupt arrives for a halted CPU.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum VCPUExit {
    VCPU_EXIT_BUDGET,       /* slice used up */
    VCPU_EXIT_REQUEST,      /* exit_request() was called */
    VCPU_EXIT_HALTED,       /* waiting for an interrupt */
} VCPUExit;

typedef struct VCPUOps {
    /* Run up to budget instructions; called without the BQL. */
    VCPUExit (*exec)(void *cpu, uint64_t budget);
    /* Make exec() return soon. Any thread. */
    void (*exit_request)(void *cpu);
    /* A halted CPU has an interrupt to take. Called with the BQL held. */
    bool (*has_work)(void *cpu);
} VCPUOps;

typedef struct Object Object;

/*
 * Register the machine's CPU (BQL held, before the VM starts). `cpu` is
 * the ops' opaque; `qom` the CPU's object in the QOM tree (its path and
 * type are what query-cpus-fast reports).
 */
void cpus_register_vcpu(const VCPUOps *ops, void *cpu, Object *qom);
/* The registered CPU's QOM object, or NULL. */
Object *cpus_vcpu_object(void);
/* True once a CPU was registered. */
bool cpus_have_vcpu(void);
/* Whether guest code executes at all (false under -accel qtest). */
void cpus_set_execution_enabled(bool enabled);
bool cpus_execution_enabled(void);
/* Host thread id of the vCPU thread (or of the main thread when none). */
int64_t cpus_vcpu_thread_id(void);

/*
 * vCPU throttling for auto-converge: the vCPU thread sleeps pct% of its
 * time (0 = off, at most 99). Any thread.
 */
void cpus_set_throttle_percentage(int pct);
int cpus_throttle_percentage(void);

/*
 * The dirty limit's throttle (include/system/dirtylimit.h): after each
 * round the vCPU sleeps its run time times ratio / 1000 (0 = off), and
 * its rounds are shortened to match. Any thread.
 */
void cpus_set_dirty_limit_ratio(uint32_t ratio);
uint32_t cpus_dirty_limit_ratio(void);

/* Cumulative counts of the vCPU's execution rounds (slices that ended
 * on their budget or a request, not on a halt) and of the time (ns)
 * spent running and sleeping in them. BQL held. */
typedef struct CpusRoundStats {
    uint64_t rounds;
    uint64_t run_ns;
    uint64_t sleep_ns;
} CpusRoundStats;
void cpus_get_round_stats(CpusRoundStats *out);

/*
 * Wake a halted vCPU (an interrupt arrived). Any thread, with or without
 * the BQL: without it, this takes the BQL (so it must not be called while
 * holding a lock that a BQL holder may wait for).
 */
void cpus_kick(void);
/* Stop the vCPU and wait until it is outside guest code. BQL held. */
void cpus_pause(void);
/* Let the vCPU run. BQL held. */
void cpus_resume(void);
/* Stop and join the vCPU thread at exit. BQL held. */
void cpus_cleanup(void);

#endif /* SYSTEM_CPUS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C run loop: between blocks it handles requests from other threads
 * (exit, interrupts, write barrier, code invalidation), delivers
 * interrupts and the trace trap, and honours the instruction budget.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"
#include "target/cr16/exec.h"

uint16_t cr16_cond_tab[256];

static gpointer cond_tab_init(gpointer unused)
{
    for (unsigned psr = 0; psr < 256; psr++) {
        bool c = psr & CR16_PSR_C, l = psr & CR16_PSR_L;
        bool f = psr & CR16_PSR_F, z = psr & CR16_PSR_Z;
        bool n = psr & CR16_PSR_N;
        bool v[16] = {
            z, !z, c, !c, l, !l, n, !n, f, !f,
            !z && !l, z || l, !z && !n, z || n, true, false,
        };
        uint16_t m = 0;

        for (unsigned cc = 0; cc < 16; cc++) {
            m |= v[cc] << cc;
        }
        cr16_cond_tab[psr] = m;
    }
    return NULL;
}

void cr16_exec_init(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, cond_tab_init, NULL);
}

/*
 * Run block b and, while the budget allows, the blocks it chains to.
 * avail >= b->n instructions may run; returns how many did.
 */
static uint64_t run_chained(CR16CPU *cpu, const CR16Block *b, uint64_t avail)
{
    const CR16DInsn *d = b->insns;

    cpu->budget = avail - b->n;
    cpu->cur = b;
    cpu->stop_block = false;
    while ((d = d->fn(cpu, d))) {
        /* handlers return the next instruction */
    }
    b = cpu->cur;
    /* the last block was charged in full; refund what did not run */
    return avail - cpu->budget - (b->n - (cpu->exit_insn - b->insns + 1));
}

/* Run at most limit (>= 1) instructions of a block, without chaining. */
static unsigned run_partial(CR16CPU *cpu, const CR16Block *b, unsigned limit)
{
    const CR16DInsn *d = b->insns;
    unsigned count = 0;

    cpu->budget = 0;
    cpu->cur = b;
    cpu->stop_block = false;
    while (count < limit) {
        const CR16DInsn *next = d->fn(cpu, d);

        if (!next) {
            return cpu->exit_insn - b->insns + 1;
        }
        count++;
        d = next;
    }
    cpu->env.pc = d->pc;
    return count;
}

/* Apply requests from other threads; returns true on an exit request. */
static bool handle_pending(CR16CPU *cpu)
{
    int p = qatomic_xchg(&cpu->pending, 0);

    if (p & CR16_PEND_BARRIER) {
        uint32_t g = qatomic_read(&cpu->barrier_gen);

        cr16_tlb_flush_writes(cpu);
        qatomic_set(&cpu->barrier_ack, g);
    }
    if (p & CR16_PEND_INVAL) {
        GArray *ranges;

        g_mutex_lock(&cpu->inval_lock);
        ranges = cpu->inval;
        cpu->inval = g_array_new(FALSE, FALSE, sizeof(CR16InvalRange));
        g_mutex_unlock(&cpu->inval_lock);
        for (unsigned i = 0; i < ranges->len; i++) {
            CR16InvalRange *r = &g_array_index(ranges, CR16InvalRange, i);

            cr16_code_invalidate(cpu, r->addr, r->len);
        }
        g_array_free(ranges, TRUE);
    }
    if (p & CR16_PEND_RESET) {
        cr16_cpu_do_reset(cpu);
    }
    if (p & CR16_PEND_IRQ) {
        cpu->irq_check = true;
    }
    return p & CR16_PEND_EXIT;
}

static void log_block_exec(CR16CPU *cpu, uint32_t pc)
{
    if (cpu->log_mask & CPU_LOG_TB_CPU) {
        GString *s = g_string_new(NULL);

        cr16_cpu_dump_state(cpu, s);
        qemu_log("%s", s->str);
        g_string_free(s, TRUE);
    }
    if (cpu->log_mask & CPU_LOG_EXEC) {
        qemu_log("Trace 0x%06x\n", pc);
    }
}

CR16ExitReason cr16_cpu_exec(CR16CPU *cpu, uint64_t max_insns,
                             uint64_t *executed)
{
    CR16CPUState *env = &cpu->env;
    CR16ExitReason reason;
    uint64_t n = 0;

    cpu->log_mask = qemu_loglevel;
    /* per-block logging needs the run loop between blocks */
    cpu->chain_ok = !(cpu->log_mask & (CPU_LOG_EXEC | CPU_LOG_TB_CPU |
                                       CPU_LOG_TB_NOCHAIN));
    cpu->in_exec = true;
    /* publish before looking at pending (see cr16_cpu_write_barrier) */
    qatomic_set(&cpu->exec_state, 1);

    for (;;) {
        const CR16Block *b;

        if (unlikely(qatomic_read(&cpu->pending)) && handle_pending(cpu)) {
            reason = CR16_EXIT_REQUEST;
            break;
        }
        if (unlikely(cpu->zombies)) {
            cr16_code_reap(cpu);
        }
        /* interrupts and traps are taken when the next instruction is
         * due, so a budget of n leaves the CPU right after n */
        if (unlikely(n >= max_insns)) {
            reason = CR16_EXIT_BUDGET;
            break;
        }
        if (unlikely(cpu->irq_check | env->halted)) {
            cpu->irq_check = false;
            cr16_check_interrupts(cpu);
            if (env->halted) {
                reason = CR16_EXIT_HALTED;
                break;
            }
        }
        if (unlikely(env->psr & CR16_PSR_P)) {
            /* trace trap after the traced instruction (ISA 5.3); the
             * trap consumes P, so the saved PSR does not re-trigger it */
            env->psr &= ~CR16_PSR_P;
            cr16_raise(cpu, CR16_EXCP_TRC, env->pc);
            continue;
        }
        if (unlikely(env->pc & 1)) {
            qemu_log_mask(LOG_GUEST_ERROR, "cr16: odd PC 0x%06x\n", env->pc);
            cr16_raise(cpu, CR16_EXCP_IAD, env->pc);
            n++;
            continue;
        }
        b = cr16_block_get(cpu, env->pc);
        if (unlikely(cpu->log_mask & (CPU_LOG_EXEC | CPU_LOG_TB_CPU))) {
            log_block_exec(cpu, env->pc);
        }
        if (unlikely(env->psr & CR16_PSR_T)) {
            env->psr |= CR16_PSR_P;
            n += run_partial(cpu, b, 1);
        } else if (unlikely(b->n > max_insns - n)) {
            n += run_partial(cpu, b, max_insns - n);
        } else {
            n += run_chained(cpu, b, max_insns - n);
        }
    }

    qatomic_set(&cpu->exec_state, 0);
    cpu->in_exec = false;
    if (executed) {
        *executed = n;
    }
    return reason;
}

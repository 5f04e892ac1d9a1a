/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C memory access: software TLB fills, MMIO, stores that hit decoded
 * code, and the write barrier that makes dirty tracking race-free.
 */
#include "qemu/osdep.h"
#include "target/cr16/cpu-internal.h"

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

void cr16_cpu_quiesce(CR16CPU *cpu)
{
    if (cpu->in_exec) {
        qatomic_set(&cpu->exec_state, 0);
    }
}

void cr16_cpu_unquiesce(CR16CPU *cpu)
{
    if (cpu->in_exec) {
        /* publish first, then look: pairs with write_barrier's
         * "bump, flag, then look at exec_state" (all seq-cst) */
        qatomic_set(&cpu->exec_state, 1);
        if (qatomic_read(&cpu->pending) & CR16_PEND_BARRIER) {
            cr16_cpu_ack_barrier(cpu);
        }
    }
}

void cr16_tlb_flush_writes(CR16CPU *cpu)
{
    memset(cpu->tlb_wr, 0, sizeof(cpu->tlb_wr));
}

void cr16_tlb_flush_all(CR16CPU *cpu)
{
    memset(cpu->tlb_rd, 0, sizeof(cpu->tlb_rd));
    memset(cpu->tlb_wr, 0, sizeof(cpu->tlb_wr));
}

void cr16_cpu_ack_barrier(CR16CPU *cpu)
{
    uint32_t g;

    qatomic_and(&cpu->pending, ~CR16_PEND_BARRIER);
    g = qatomic_read(&cpu->barrier_gen);
    cr16_tlb_flush_writes(cpu);
    qatomic_set(&cpu->barrier_ack, g);
}

static uint32_t io_read(CR16CPU *cpu, uint32_t addr, unsigned size)
{
    uint32_t v;

    cr16_cpu_quiesce(cpu);
    v = cpu->bus->io_read(cpu->bus_opaque, addr, size);
    cr16_cpu_unquiesce(cpu);
    return v;
}

static void io_write(CR16CPU *cpu, uint32_t addr, uint32_t v, unsigned size)
{
    cr16_cpu_quiesce(cpu);
    cpu->bus->io_write(cpu->bus_opaque, addr, v, size);
    cr16_cpu_unquiesce(cpu);
}

static uint32_t ld_host(const uint8_t *p, unsigned size)
{
    return size == 1 ? p[0] : size == 2 ? cr16_lduw_host(p)
                                         : cr16_ldl_host(p);
}

uint32_t cr16_ld_slow(CR16CPU *cpu, uint32_t addr, unsigned size)
{
    uint32_t off = addr & (CR16_PAGE_SIZE - 1);
    uint32_t page = addr >> CR16_PAGE_BITS;
    uint8_t *p;

    if (off + size > CR16_PAGE_SIZE) {
        /* crosses into the next page: byte by byte */
        uint32_t v = 0;

        for (unsigned i = 0; i < size; i++) {
            v |= cr16_ld(cpu, addr + i, 1) << (8 * i);
        }
        return v;
    }
    p = cpu->bus->page_ptr(cpu->bus_opaque, page << CR16_PAGE_BITS, false);
    if (!p) {
        return io_read(cpu, addr, size);
    }
    cpu->tlb_rd[page] = p;
    return ld_host(p + off, size);
}

void cr16_st_slow(CR16CPU *cpu, uint32_t addr, uint32_t val, unsigned size)
{
    uint32_t off = addr & (CR16_PAGE_SIZE - 1);
    uint32_t page = addr >> CR16_PAGE_BITS;
    uint8_t *p;

    if (off + size > CR16_PAGE_SIZE) {
        for (unsigned i = 0; i < size; i++) {
            cr16_st(cpu, addr + i, val >> (8 * i), 1);
        }
        return;
    }
    p = cpu->bus->page_ptr(cpu->bus_opaque, page << CR16_PAGE_BITS, true);
    if (!p) {
        io_write(cpu, addr, val, size);
        return;
    }
    if (cr16_code_host(cpu, p)) {
        cr16_code_write(cpu, page, p, off, size);
    }
    p += off;
    if (size == 1) {
        p[0] = val;
    } else if (size == 2) {
        cr16_stw_host(p, val);
    } else {
        cr16_stl_host(p, val);
    }
    /* pages holding decoded code keep taking this path */
    if (!cr16_code_host(cpu, p - off)) {
        cpu->tlb_wr[page] = p - off;
        cpu->tlb_rd[page] = p - off;
    }
}

uint16_t cr16_fetch_word(CR16CPU *cpu, uint32_t addr)
{
    addr &= CR16_ADDR_MASK;
    return cr16_ld(cpu, addr, 2);
}

void cr16_cpu_write_barrier(CR16CPU *cpu)
{
    uint32_t g = __atomic_add_fetch(&cpu->barrier_gen, 1, __ATOMIC_SEQ_CST);

    qatomic_or(&cpu->pending, CR16_PEND_BARRIER);
    for (unsigned spins = 0;; spins++) {
        if (!qatomic_read(&cpu->exec_state)) {
            /* not inside a block: it honours the flag before its next
             * store */
            return;
        }
        if ((int32_t)(qatomic_read(&cpu->barrier_ack) - g) >= 0) {
            return;
        }
        if (spins < 64) {
            cpu_relax();
        } else if (spins < 4096) {
            g_thread_yield();
        } else {
            g_usleep(20);
        }
    }
}

void cr16_cpu_tlb_flush(CR16CPU *cpu)
{
    cr16_tlb_flush_all(cpu);
    cr16_code_flush(cpu);
    /* if called from io_write mid-block, end that block */
    cpu->stop_block = true;
}

void cr16_cpu_tlb_flush_range(CR16CPU *cpu, uint32_t addr, uint32_t len)
{
    uint32_t first;
    uint32_t npages = cr16_page_span(addr, len, &first);

    for (uint32_t i = 0; i < npages; i++) {
        uint32_t p = (first + i) % CR16_NUM_PAGES;

        cpu->tlb_rd[p] = NULL;
        cpu->tlb_wr[p] = NULL;
    }
    cr16_code_drop_range(cpu, addr, len);
    /* if called from io_write mid-block, end that block */
    cpu->stop_block = true;
}

void cr16_cpu_invalidate_code(CR16CPU *cpu, uint32_t addr, uint32_t len)
{
    CR16InvalRange r = { addr & CR16_ADDR_MASK, len };

    if (!len) {
        return;
    }
    g_mutex_lock(&cpu->inval_lock);
    g_array_append_val(cpu->inval, r);
    g_mutex_unlock(&cpu->inval_lock);
    qatomic_or(&cpu->pending, CR16_PEND_INVAL);
}

bool cr16_cpu_read_debug(CR16CPU *cpu, uint32_t addr, uint8_t *buf,
                         uint32_t len)
{
    while (len > 0) {
        uint32_t a = addr & CR16_ADDR_MASK;
        uint32_t off = a & (CR16_PAGE_SIZE - 1);
        uint32_t n = MIN(len, CR16_PAGE_SIZE - off);
        /* A read-only lookup: it neither dirties nor caches the page. */
        uint8_t *host = cpu->bus->page_ptr(cpu->bus_opaque, a - off, false);

        if (!host) {
            return false;
        }
        memcpy(buf, host + off, n);
        buf += n;
        addr += n;
        len -= n;
    }
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU side of the CR16 virt board's bus: translation of 24-bit CPU
 * addresses to the 32-bit physical bus (low RAM 1:1, the 4 MiB window at
 * BANK * 4 MiB, the device area at the top), the CR16BusOps the CPU uses,
 * and keeping the CPU's caches coherent with the window and with writes
 * that did not come from the CPU.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/cr16/virt.h"
#include "migration/postcopy-stall.h"
#include "virt-bus.h"

/* True only on the vCPU thread (set by virt_bus_enter_vcpu). */
static __thread bool on_vcpu_thread;

bool virt_bus_cpu_to_phys(VirtBus *bus, uint32_t addr, hwaddr *phys)
{
    addr &= CR16_ADDR_MASK;
    if (addr < VIRT_LOWRAM_CPU_BASE + VIRT_LOWRAM_SIZE) {
        *phys = VIRT_LOWRAM_PHYS_BASE + (addr - VIRT_LOWRAM_CPU_BASE);
        return true;
    }
    if (addr < VIRT_WINDOW_CPU_BASE + VIRT_WINDOW_SIZE) {
        *phys = ((hwaddr)qatomic_read(&bus->bank) << VIRT_WINDOW_SHIFT) +
                (addr - VIRT_WINDOW_CPU_BASE);
        return true;
    }
    if (addr >= VIRT_MMIO_CPU_BASE) {
        *phys = VIRT_MMIO_PHYS_BASE + (addr - VIRT_MMIO_CPU_BASE);
        return true;
    }
    return false;
}

/* ---- CR16BusOps ---- */

static uint8_t *virt_bus_page_ptr(void *opaque, uint32_t addr, bool write)
{
    VirtBus *bus = opaque;
    uint32_t page = addr & CR16_ADDR_MASK & ~(CR16_PAGE_SIZE - 1);
    RAMBlock *rb;
    ram_addr_t offset;
    uint64_t avail;
    uint8_t *host;
    hwaddr phys;

    /* Device registers always take the I/O path. */
    if (page >= VIRT_MMIO_CPU_BASE || !virt_bus_cpu_to_phys(bus, page, &phys)) {
        return NULL;
    }
    host = memory_ram_lookup(phys, &rb, &offset, &avail);
    if (!host || avail < CR16_PAGE_SIZE) {
        return NULL;
    }
    if (on_vcpu_thread) {
        /* A missing postcopy page: time the stall (benchmark figure). */
        postcopy_stall_probe(rb, offset, host);
    }
    if (write) {
        /* Later stores through the cached pointer are covered until the
         * CPU's next write barrier. */
        ram_block_set_dirty(rb, offset, CR16_PAGE_SIZE);
    }
    return host;
}

static bool virt_bus_crosses_page(uint32_t addr, unsigned size)
{
    return (addr & (CR16_PAGE_SIZE - 1)) + size > CR16_PAGE_SIZE;
}

static uint32_t virt_bus_io_read(void *opaque, uint32_t addr, unsigned size)
{
    VirtBus *bus = opaque;
    uint32_t val = 0;
    hwaddr phys;

    if (virt_bus_crosses_page(addr, size)) {
        /* The halves may live in different regions: byte by byte. */
        for (unsigned i = 0; i < size; i++) {
            val |= virt_bus_io_read(bus, (addr + i) & CR16_ADDR_MASK, 1)
                   << (8 * i);
        }
        return val;
    }
    if (!virt_bus_cpu_to_phys(bus, addr, &phys)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16 virt: %u-byte read from unmapped CPU address "
                      "0x%06x\n", size, addr);
        return 0;
    }
    return address_space_ld(phys, size);
}

static void virt_bus_io_write(void *opaque, uint32_t addr, uint32_t val,
                              unsigned size)
{
    VirtBus *bus = opaque;
    hwaddr phys;

    if (virt_bus_crosses_page(addr, size)) {
        for (unsigned i = 0; i < size; i++) {
            virt_bus_io_write(bus, (addr + i) & CR16_ADDR_MASK,
                              (val >> (8 * i)) & 0xFF, 1);
        }
        return;
    }
    if (!virt_bus_cpu_to_phys(bus, addr, &phys)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "cr16 virt: %u-byte write of 0x%x to unmapped CPU "
                      "address 0x%06x\n", size, val, addr);
        return;
    }
    address_space_st(phys, val, size);
}

const CR16BusOps virt_bus_ops = {
    .page_ptr = virt_bus_page_ptr,
    .io_read = virt_bus_io_read,
    .io_write = virt_bus_io_write,
};

/* ---- coherence ---- */

/* Invalidate the CPU range that shows [phys, phys + len) of region
 * [base, base + size) at CPU address cpu_base. */
static void virt_bus_invalidate_view(VirtBus *bus, hwaddr phys, uint64_t len,
                                     hwaddr base, uint64_t size,
                                     uint32_t cpu_base)
{
    hwaddr start = MAX(phys, base);
    hwaddr end = MIN(phys + len, base + size);

    if (start < end) {
        cr16_cpu_invalidate_code(bus->cpu, cpu_base + (uint32_t)(start - base),
                                 (uint32_t)(end - start));
    }
}

/* MemoryWriteListener: RAM was written by qtest, a device or a loader. */
static void virt_bus_ram_written(void *opaque, hwaddr addr, uint64_t len)
{
    VirtBus *bus = opaque;
    hwaddr window = (hwaddr)qatomic_read(&bus->bank) << VIRT_WINDOW_SHIFT;

    virt_bus_invalidate_view(bus, addr, len, VIRT_LOWRAM_PHYS_BASE,
                             VIRT_LOWRAM_SIZE, VIRT_LOWRAM_CPU_BASE);
    virt_bus_invalidate_view(bus, addr, len, window, VIRT_WINDOW_SIZE,
                             VIRT_WINDOW_CPU_BASE);
}

/* MemoryDirtySyncBarrier: stores through pointers cached before a dirty
 * bitmap swap must not escape the new bitmap. */
static void virt_bus_dirty_sync_barrier(void *opaque)
{
    VirtBus *bus = opaque;

    cr16_cpu_write_barrier(bus->cpu);
}

void virt_bus_attach_cpu(VirtBus *bus, CR16CPU *cpu)
{
    bus->cpu = cpu;
    memory_set_write_listener(virt_bus_ram_written, bus);
    memory_set_dirty_sync_barrier(virt_bus_dirty_sync_barrier, bus);
}

void virt_bus_set_bank(void *opaque, uint32_t bank)
{
    VirtBus *bus = opaque;

    if (qatomic_xchg(&bus->bank, bank) == bank || !bus->cpu) {
        return;
    }
    if (on_vcpu_thread) {
        /* A guest store to BANK, from inside io_write: only the window's
         * pages changed meaning. */
        cr16_cpu_tlb_flush_range(bus->cpu, VIRT_WINDOW_CPU_BASE,
                                 VIRT_WINDOW_SIZE);
    } else {
        /* qtest, reset or migration: the flush must happen on the vCPU
         * thread, before it next runs guest code. */
        qatomic_set(&bus->flush_pending, true);
        cr16_cpu_exit_request(bus->cpu);
    }
}

void virt_bus_enter_vcpu(VirtBus *bus)
{
    on_vcpu_thread = true;
    if (qatomic_read(&bus->flush_pending) &&
        qatomic_xchg(&bus->flush_pending, false)) {
        cr16_cpu_tlb_flush(bus->cpu);
    }
}

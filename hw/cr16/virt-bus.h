/*
 * The CPU side of the CR16 virt board's bus (private to hw/cr16): how the
 * CPU's 24-bit addresses reach the 32-bit physical bus (low RAM, the
 * banked RAM window, the device area), and the coherence duties that
 * come with it (TLB flush when the window moves, code invalidation for
 * writes the CPU did not make).
 */
#ifndef HW_CR16_VIRT_BUS_H
#define HW_CR16_VIRT_BUS_H

#include "system/memory.h"
#include "target/cr16/cpu.h"

typedef struct VirtBus {
    uint32_t bank;          /* atomic: the sysctl BANK value */
    bool flush_pending;     /* atomic: BANK moved outside the vCPU thread */
    CR16CPU *cpu;           /* set once by virt_bus_attach_cpu() */
} VirtBus;

/* The bus operations handed to cr16_cpu_new() with a VirtBus as opaque. */
extern const CR16BusOps virt_bus_ops;

/*
 * Physical address of CPU address addr (24 bits): true and *phys set for
 * low RAM, the window and the device area; false for the hole between
 * the window and the devices. Any thread.
 */
bool virt_bus_cpu_to_phys(VirtBus *bus, uint32_t addr, hwaddr *phys);

/*
 * Connect the CPU whose bus this is and install the physical write
 * listener that invalidates its decoded code. Board construction (BQL).
 */
void virt_bus_attach_cpu(VirtBus *bus, CR16CPU *cpu);

/* Cr16SysctlBankFn: the window now shows bank. BQL held, any thread. */
void virt_bus_set_bank(void *opaque, uint32_t bank);

/*
 * Called by the vCPU thread before each execution slice: marks the
 * thread and carries out a TLB flush requested from another thread.
 */
void virt_bus_enter_vcpu(VirtBus *bus);

#endif /* HW_CR16_VIRT_BUS_H */

/*
 * The CR16C CPU: architectural state, the execution API and the bus it
 * uses. The CPU knows nothing about the board: memory is reached through
 * CR16BusOps with 24-bit CPU addresses.
 *
 * Threads: one vCPU thread calls cr16_cpu_exec() without the BQL. Functions
 * marked "any thread" may be called concurrently with it; everything else
 * is for the vCPU thread, or for any thread while the vCPU is outside
 * cr16_cpu_exec() (stopped).
 */
#ifndef TARGET_CR16_CPU_H
#define TARGET_CR16_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* PSR bits (ISA sheet 1.3). */
#define CR16_PSR_C      0x0001
#define CR16_PSR_T      0x0002
#define CR16_PSR_L      0x0004
#define CR16_PSR_U      0x0008
#define CR16_PSR_F      0x0020
#define CR16_PSR_Z      0x0040
#define CR16_PSR_N      0x0080
#define CR16_PSR_E      0x0200
#define CR16_PSR_P      0x0400
#define CR16_PSR_I      0x0800
#define CR16_PSR_MASK   0x0EEF      /* writable bits; others read 0 */

/* CFG bits (1.4); only the defined ones are stored. */
#define CR16_CFG_DC     0x0004
#define CR16_CFG_LDC    0x0008
#define CR16_CFG_IC     0x0010
#define CR16_CFG_LIC    0x0020
#define CR16_CFG_ED     0x0100
#define CR16_CFG_SR     0x0200
#define CR16_CFG_MASK   0x033C

/* Exception vectors (5.1). */
enum {
    CR16_EXCP_NMI = 1,
    CR16_EXCP_SVC = 5,
    CR16_EXCP_DVZ = 6,
    CR16_EXCP_FLG = 7,
    CR16_EXCP_BPT = 8,
    CR16_EXCP_TRC = 9,
    CR16_EXCP_UND = 10,
    CR16_EXCP_IAD = 12,
    CR16_EXCP_DBG = 14,
    CR16_EXCP_ISE = 15,
    CR16_EXCP_INT_BASE = 16,    /* maskable interrupts: 16 + n */
};

#define CR16_ADDR_MASK  0xFFFFFFu   /* 24-bit address space */
#define CR16_PAGE_BITS  12
#define CR16_PAGE_SIZE  (1u << CR16_PAGE_BITS)
#define CR16_NUM_PAGES  (1u << (24 - CR16_PAGE_BITS))

/*
 * Architectural CPU state (everything here is migrated by
 * vmstate_cr16_cpu). Register n <= 11 holds a 16-bit value (bits 31..16
 * are always 0); r12..r15 are 32 bits.
 */
typedef struct CR16CPUState {
    uint32_t r[16];     /* architectural: r0..r13, ra, sp (active SP) */
    uint32_t pc;        /* architectural: 24 bits, even */
    uint16_t psr;       /* architectural: CR16_PSR_MASK bits only */
    uint16_t cfg;       /* architectural: CR16_CFG_MASK bits only */
    uint32_t intbase;   /* architectural: 24 bits, bit 0 = 0 */
    uint32_t isp;       /* architectural: 24 bits */
    /* architectural: the stack pointer not selected by PSR.U: USP while
     * U = 0, the supervisor SP while U = 1 (r[15] is always the active
     * one). See docs/system/target-cr16.rst. */
    uint32_t sp_banked;
    uint16_t dsr;       /* architectural: debug status */
    uint16_t dbs;       /* architectural: breakpoint status */
    uint32_t dcr;       /* architectural: debug control (stored only) */
    uint32_t car0;      /* architectural: compare address 0 (stored only) */
    uint32_t car1;      /* architectural: compare address 1 (stored only) */
    uint8_t halted;     /* architectural: stopped by wait/eiwait */
    uint8_t nmi_pending;  /* architectural: latched NMI edge */
    uint8_t irq_level;  /* architectural: INT input line as last driven */
    /* architectural: NMI input line as last driven; only a rising edge
     * latches nmi_pending, so a line still high after migration must not
     * latch a second NMI when its device drives it again */
    uint8_t nmi_level;
} CR16CPUState;

/* Opaque CPU object (target/cr16/cpu-internal.h). */
typedef struct CR16CPU CR16CPU;

/* The memory bus the board gives the CPU. */
typedef struct CR16BusOps {
    /*
     * Host pointer to the 4 KiB page holding 24-bit CPU address addr
     * (page-aligned pointer), or NULL if the page is MMIO/unmapped. With
     * write = true the board marks the page dirty; the CPU caches such a
     * pointer for later stores only until the next write barrier.
     */
    uint8_t *(*page_ptr)(void *opaque, uint32_t addr, bool write);
    /* MMIO/unmapped access, size 1/2/4, little-endian value. The board
     * takes the BQL itself. */
    uint32_t (*io_read)(void *opaque, uint32_t addr, unsigned size);
    void (*io_write)(void *opaque, uint32_t addr, uint32_t val,
                     unsigned size);
} CR16BusOps;

/* Why cr16_cpu_exec() returned. */
typedef enum CR16ExitReason {
    CR16_EXIT_BUDGET,   /* max_insns executed */
    CR16_EXIT_REQUEST,  /* cr16_cpu_exit_request() */
    CR16_EXIT_HALTED,   /* wait/eiwait and no deliverable interrupt */
} CR16ExitReason;

/* Register ids for cr16_cpu_get_reg/set_reg. */
typedef enum CR16RegId {
    CR16_REG_R0 = 0,    /* ... CR16_REG_R0 + 15 = sp */
    CR16_REG_PC = 16,
    CR16_REG_PSR,
    CR16_REG_CFG,
    CR16_REG_INTBASE,
    CR16_REG_ISP,
    CR16_REG_USP,
    CR16_REG_DSR,
    CR16_REG_DBS,
    CR16_REG_DCR,
    CR16_REG_CAR0,
    CR16_REG_CAR1,
    CR16_REG__MAX
} CR16RegId;

/* ---- lifetime ---- */

/* Create a CPU on the given bus (bus and opaque must outlive it). The
 * CPU is in reset state. Never fails. */
CR16CPU *cr16_cpu_new(const CR16BusOps *bus, void *bus_opaque);
/* Free a CPU (NULL allowed). The vCPU must not be executing. */
void cr16_cpu_free(CR16CPU *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CR16CPU, cr16_cpu_free)

/* Reset per ISA 1.5: PC 0, PSR 0x0200, CFG 0, other registers 0; drops
 * decoded code and the TLB. CPU stopped, or from a device callback on the
 * vCPU thread (then the reset happens after the current instruction). */
void cr16_cpu_reset(CR16CPU *cpu);

/* ---- execution ---- */

/*
 * Run up to max_insns instructions (exactly; never more). *executed (may
 * be NULL) receives the count. vCPU thread, without the BQL. Interrupts,
 * exit requests, barriers and code invalidations are handled between
 * blocks. Returns why it stopped.
 */
CR16ExitReason cr16_cpu_exec(CR16CPU *cpu, uint64_t max_insns,
                             uint64_t *executed);
/* Any thread: make cr16_cpu_exec return CR16_EXIT_REQUEST at the next
 * block boundary (or at its next call if it is not running). */
void cr16_cpu_exit_request(CR16CPU *cpu);

/* ---- interrupts (any thread) ---- */

/* Drive the maskable INT line (level-sensitive). */
void cr16_cpu_set_irq(CR16CPU *cpu, bool level);
/* Callback run on the vCPU thread when the CPU takes INT: returns the
 * vector to dispatch (16 + n), or < 0 if the interrupt went away (then
 * nothing is taken). Without a callback the vector is 16. */
void cr16_cpu_set_irq_ack(CR16CPU *cpu, int (*ack)(void *opaque),
                          void *opaque);
/* Drive the NMI line; a rising edge latches an NMI. */
void cr16_cpu_set_nmi(CR16CPU *cpu, bool level);
/* True unless the CPU is halted with no deliverable interrupt. */
bool cr16_cpu_has_work(CR16CPU *cpu);
/* Callback run (from the thread raising it) when an interrupt or NMI
 * arrives, so that a sleeping vCPU thread can be woken. */
void cr16_cpu_set_kick(CR16CPU *cpu, void (*kick)(void *opaque),
                       void *opaque);

/* ---- memory coherence ---- */

/* Drop all cached page pointers and decoded code (the board moved the
 * bank window). vCPU thread (e.g. from io_write) or CPU stopped. */
void cr16_cpu_tlb_flush(CR16CPU *cpu);
/*
 * The same for the CPU range [addr, addr + len) only (the board moved a
 * window that maps that range): its page pointers and the decoded code
 * read through it are dropped, everything else stays cached. Same thread
 * rules as cr16_cpu_tlb_flush().
 */
void cr16_cpu_tlb_flush_range(CR16CPU *cpu, uint32_t addr, uint32_t len);
/*
 * Any thread, may hold the BQL: returns once every later guest store goes
 * through a fresh page_ptr(write = true) call. Waits (yielding) only while
 * the vCPU is inside a block; a halted/stopped vCPU or one waiting in
 * io_read/io_write does not delay it.
 */
void cr16_cpu_write_barrier(CR16CPU *cpu);
/* Any thread: RAM at CPU addresses [addr, addr+len) was written by someone
 * else (DMA, loader); decoded code there is dropped at the next block
 * boundary. */
void cr16_cpu_invalidate_code(CR16CPU *cpu, uint32_t addr, uint32_t len);

/* ---- state access (vCPU thread or CPU stopped) ---- */

/* Read/write a register; set_reg applies the architectural write rules
 * (masks, PSR.U stack banking). Unknown ids read 0 / are ignored. */
uint32_t cr16_cpu_get_reg(CR16CPU *cpu, CR16RegId id);
void cr16_cpu_set_reg(CR16CPU *cpu, CR16RegId id, uint32_t val);
/* Name of a register id ("r0".."sp", "pc", "psr", ...), NULL if unknown;
 * and the reverse (case-insensitive), -1 if unknown. */
const char *cr16_cpu_reg_name(CR16RegId id);
int cr16_cpu_reg_lookup(const char *name);
/* The architectural state (read-only view). */
const CR16CPUState *cr16_cpu_state(CR16CPU *cpu);
/* Append a human-readable register dump (several lines) to out. */
void cr16_cpu_dump_state(CR16CPU *cpu, GString *out);
/*
 * Debugger/monitor read of CPU addresses [addr, addr + len) into buf,
 * through the bus's RAM pages only (no device side effects). False if a
 * byte is not RAM (buf is then partly filled). Any thread.
 */
bool cr16_cpu_read_debug(CR16CPU *cpu, uint32_t addr, uint8_t *buf,
                         uint32_t len);

/*
 * Migration: the architectural state. Register it with the CR16CPU
 * pointer as opaque; post_load drops decoded code and the TLB.
 */
typedef struct VMStateDescription VMStateDescription;
extern const VMStateDescription vmstate_cr16_cpu;

#endif /* TARGET_CR16_CPU_H */

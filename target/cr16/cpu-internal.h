/*
 * CR16C CPU internals shared by the files of target/cr16: the CPU object,
 * pre-decoded instructions and blocks, register and memory fast paths.
 */
#ifndef TARGET_CR16_CPU_INTERNAL_H
#define TARGET_CR16_CPU_INTERNAL_H

#include "target/cr16/cpu.h"
#include "target/cr16/insn.h"

/* Size of the code-page filter (power of two). */
#define CR16_CODE_FILTER_BITS 4096

typedef struct CR16DInsn CR16DInsn;

/*
 * An instruction handler: executes d and returns the next instruction of
 * the block (normally d + 1), or NULL when the block ends (then cpu->pc is
 * the next PC and cpu->exit_insn the last instruction that executed).
 */
typedef const CR16DInsn *(*CR16Handler)(CR16CPU *cpu, const CR16DInsn *d);

/* A pre-decoded instruction. Field meaning depends on the handler. */
struct CR16DInsn {
    CR16Handler fn;
    uint32_t pc;        /* address of the instruction */
    uint32_t imm;       /* immediate, displacement, address or target */
    uint8_t a, b, c;    /* register / pair / small operand fields */
    uint8_t len;        /* length in bytes */
    uint16_t aux;       /* extra small operand (condition, count...) */
    uint16_t form;      /* table index of the form (logging) */
};

/* A straight-line run of instructions ending at a branch, trap, page end
 * or size limit; insns[n] is a terminator that falls through. */
typedef struct CR16Block {
    uint32_t pc;            /* entry address */
    uint32_t end;           /* address after the last instruction */
    uint32_t n;             /* instructions (terminator excluded) */
    struct CR16Block *next_in_page;
    CR16DInsn insns[];
} CR16Block;

#define CR16_CHUNK_BITS     5   /* code tracking granule: 32 bytes */
#define CR16_CHUNKS         (CR16_PAGE_SIZE >> CR16_CHUNK_BITS)

/* Decoded code of one 4 KiB CPU page. */
typedef struct CR16CodePage {
    uint8_t *host;          /* host page the code was decoded from */
    uint64_t chunks[CR16_CHUNKS / 64];  /* 32-byte granules holding code */
    CR16Block *blocks;      /* all blocks of the page */
    CR16Block *entry[CR16_PAGE_SIZE / 2];   /* by entry (pc & 0xfff) / 2 */
    struct CR16CodePage *next_zombie;
} CR16CodePage;

/* Bits of CR16CPU.pending (set by other threads, consumed by the vCPU). */
enum {
    CR16_PEND_EXIT    = 1 << 0,
    CR16_PEND_IRQ     = 1 << 1,
    CR16_PEND_BARRIER = 1 << 2,
    CR16_PEND_INVAL   = 1 << 3,
    CR16_PEND_RESET   = 1 << 4,   /* reset requested from inside exec */
};

typedef struct CR16InvalRange {
    uint32_t addr, len;
} CR16InvalRange;

struct CR16CPU {
    CR16CPUState env;               /* architectural (first member) */

    /* configuration (set once, or by the board with the CPU stopped) */
    const CR16BusOps *bus;
    void *bus_opaque;
    int (*irq_ack)(void *opaque);
    void *irq_ack_opaque;
    void (*kick)(void *opaque);
    void *kick_opaque;

    /* derived: software TLB, rebuilt on demand */
    uint8_t *tlb_rd[CR16_NUM_PAGES];
    uint8_t *tlb_wr[CR16_NUM_PAGES];    /* never set for code pages */

    /* derived: decoded code, rebuilt on demand */
    CR16CodePage *code[CR16_NUM_PAGES];
    GHashTable *code_hosts;     /* host page -> number of CPU code pages */
    /*
     * derived: a one-bit-per-hash filter in front of code_hosts, so that
     * TLB fills of pages without code (nearly all) skip the hash lookup.
     * Bits are set when a host page gains code and cleared only when all
     * code is flushed; a stale bit just costs the lookup.
     */
    uint64_t code_host_filter[CR16_CODE_FILTER_BITS / 64];
    CR16CodePage *zombies;      /* invalidated pages, freed at boundary */

    /* scratch: run-loop state of the vCPU thread */
    const CR16DInsn *exit_insn; /* last executed insn of the block */
    const CR16Block *cur;       /* block being executed */
    uint64_t budget;            /* instructions left after cur's */
    bool chain_ok;              /* blocks may chain (no per-block log) */
    bool stop_block;            /* end the current block after this insn */
    bool irq_check;             /* re-evaluate interrupt acceptance */
    bool in_exec;               /* inside cr16_cpu_exec */
    CR16Block *scratch;         /* uncached block (MMIO / page-crossing) */
    int log_mask;               /* qemu_loglevel sampled per exec call */

    /* cross-thread (atomics) */
    int pending;                /* CR16_PEND_* */
    int exec_state;             /* 1 while inside a block, else 0 */
    uint32_t barrier_gen;       /* bumped by cr16_cpu_write_barrier */
    uint32_t barrier_ack;       /* last generation the vCPU honoured */
    GMutex inval_lock;          /* guards inval */
    GArray *inval;              /* CR16InvalRange, pending invalidations */
};

/* ---- registers ---- */

static inline uint32_t cr16_rw(CR16CPU *cpu, unsigned n)
{
    return cpu->env.r[n] & 0xFFFF;
}

static inline uint32_t cr16_rb(CR16CPU *cpu, unsigned n)
{
    return cpu->env.r[n] & 0xFF;
}

static inline void cr16_set_rw(CR16CPU *cpu, unsigned n, uint32_t v)
{
    cpu->env.r[n] = (cpu->env.r[n] & 0xFFFF0000u) | (v & 0xFFFF);
}

static inline void cr16_set_rb(CR16CPU *cpu, unsigned n, uint32_t v)
{
    cpu->env.r[n] = (cpu->env.r[n] & 0xFFFFFF00u) | (v & 0xFF);
}

/* Register pair / 32-bit register by pair code (ISA 1.1). */
static inline uint32_t cr16_rp(CR16CPU *cpu, unsigned p)
{
    if (p < 12) {
        return (cpu->env.r[p + 1] << 16) | (cpu->env.r[p] & 0xFFFF);
    }
    return cpu->env.r[p];
}

static inline void cr16_set_rp(CR16CPU *cpu, unsigned p, uint32_t v)
{
    if (p < 12) {
        cr16_set_rw(cpu, p, v);
        cr16_set_rw(cpu, p + 1, v >> 16);
    } else {
        cpu->env.r[p] = v;
    }
}

/* ---- memory (mem.c) ---- */

static inline uint16_t cr16_lduw_host(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static inline uint32_t cr16_ldl_host(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void cr16_stw_host(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline void cr16_stl_host(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

uint32_t cr16_ld_slow(CR16CPU *cpu, uint32_t addr, unsigned size);
void cr16_st_slow(CR16CPU *cpu, uint32_t addr, uint32_t val, unsigned size);

/* Load size (1, 2, 4) bytes at a CPU address (wrapped to 24 bits). */
static inline uint32_t cr16_ld(CR16CPU *cpu, uint32_t addr, unsigned size)
{
    uint8_t *p;
    uint32_t off;

    addr &= CR16_ADDR_MASK;
    p = cpu->tlb_rd[addr >> CR16_PAGE_BITS];
    off = addr & (CR16_PAGE_SIZE - 1);
    if (likely(p && off <= CR16_PAGE_SIZE - size)) {
        p += off;
        return size == 1 ? p[0] : size == 2 ? cr16_lduw_host(p)
                                             : cr16_ldl_host(p);
    }
    return cr16_ld_slow(cpu, addr, size);
}

/* Store; may end the current block (cpu->stop_block) if it hit code. */
static inline void cr16_st(CR16CPU *cpu, uint32_t addr, uint32_t val,
                           unsigned size)
{
    uint8_t *p;
    uint32_t off;

    addr &= CR16_ADDR_MASK;
    p = cpu->tlb_wr[addr >> CR16_PAGE_BITS];
    off = addr & (CR16_PAGE_SIZE - 1);
    if (likely(p && off <= CR16_PAGE_SIZE - size)) {
        p += off;
        if (size == 1) {
            p[0] = val;
        } else if (size == 2) {
            cr16_stw_host(p, val);
        } else {
            cr16_stl_host(p, val);
        }
        return;
    }
    cr16_st_slow(cpu, addr, val, size);
}

/* Fetch one instruction word (slow, for decoding). */
uint16_t cr16_fetch_word(CR16CPU *cpu, uint32_t addr);

/* Drop every cached write pointer (barrier). */
void cr16_tlb_flush_writes(CR16CPU *cpu);
/* Drop all TLB entries. */
void cr16_tlb_flush_all(CR16CPU *cpu);
/* Publish "outside a block" around a call into the board. */
void cr16_cpu_quiesce(CR16CPU *cpu);
void cr16_cpu_unquiesce(CR16CPU *cpu);
/* Honour a pending write barrier (vCPU thread). */
void cr16_cpu_ack_barrier(CR16CPU *cpu);

/* ---- decoded code (translate.c) ---- */

/* The block starting at pc, decoding it if needed. Never NULL. A block
 * that could not be cached (MMIO fetch, page-crossing insn) is returned
 * as cpu-owned scratch and freed at the next call. */
CR16Block *cr16_block_get(CR16CPU *cpu, uint32_t pc);
/* Invalidate decoded code overlapping [addr, addr+len) (CPU addresses);
 * returns true if any was dropped. Frees are deferred to cr16_code_reap. */
bool cr16_code_invalidate(CR16CPU *cpu, uint32_t addr, uint32_t len);
/* Drop all decoded code (deferred free). */
void cr16_code_flush(CR16CPU *cpu);
/* A store of size bytes at offset off of CPU page `page` (host page
 * host, which holds decoded code somewhere): drop overlapping code. */
void cr16_code_write(CR16CPU *cpu, uint32_t page, uint8_t *host,
                     unsigned off, unsigned size);
/* Free invalidated code (block boundary only). */
void cr16_code_reap(CR16CPU *cpu);
/* Is host page h holding decoded code? */
static inline unsigned cr16_code_filter_bit(const uint8_t *h)
{
    return ((uintptr_t)h >> CR16_PAGE_BITS) & (CR16_CODE_FILTER_BITS - 1);
}

static inline bool cr16_code_host(CR16CPU *cpu, uint8_t *h)
{
    unsigned bit = cr16_code_filter_bit(h);

    if (!(cpu->code_host_filter[bit / 64] & (1ull << (bit % 64)))) {
        return false;
    }
    return g_hash_table_contains(cpu->code_hosts, h);
}
/* The CPU pages [*first, *first + return value) (mod CR16_NUM_PAGES)
 * that [addr, addr + len) touches. */
static inline uint32_t cr16_page_span(uint32_t addr, uint32_t len,
                                      uint32_t *first)
{
    uint64_t n = DIV_ROUND_UP((uint64_t)len + (addr & (CR16_PAGE_SIZE - 1)),
                              CR16_PAGE_SIZE);

    *first = (addr & CR16_ADDR_MASK) >> CR16_PAGE_BITS;
    return (uint32_t)MIN(n, CR16_NUM_PAGES);
}
/* Drop the decoded code of every CPU page in [addr, addr + len). */
void cr16_code_drop_range(CR16CPU *cpu, uint32_t addr, uint32_t len);
/* Fill d from a decoded form (exec-*.c pick functions); NULL form = UND. */
void cr16_predecode(CR16DInsn *d, const CR16Form *form,
                    const CR16Operand *ops);

/* ---- exceptions (excp.c) ---- */

/* Take exception vector v with return address ret (ISA 5.3). */
void cr16_raise(CR16CPU *cpu, unsigned vector, uint32_t ret);
/* Deliver a pending NMI/INT if acceptable; true if one was taken. */
bool cr16_check_interrupts(CR16CPU *cpu);
/* Write PSR with the architectural rules (mask, U banking). */
void cr16_psr_write(CR16CPU *cpu, uint32_t v);
/* retx */
void cr16_do_retx(CR16CPU *cpu);

/* Handler helpers */
static inline const CR16DInsn *cr16_block_exit(CR16CPU *cpu,
                                               const CR16DInsn *d,
                                               uint32_t next_pc)
{
    cpu->env.pc = next_pc & CR16_ADDR_MASK;
    cpu->exit_insn = d;
    return NULL;
}

/* Cached block at pc, or NULL (no decoding). */
static inline const CR16Block *cr16_block_lookup(CR16CPU *cpu, uint32_t pc)
{
    const CR16CodePage *cp = cpu->code[pc >> CR16_PAGE_BITS];

    return cp ? cp->entry[(pc & (CR16_PAGE_SIZE - 1)) >> 1] : NULL;
}

/*
 * Control transfer from d (the last instruction of its block) to pc:
 * continue directly with the next block when it is decoded, fits the
 * budget and nobody asked for attention; otherwise end the run.
 */
static inline const CR16DInsn *cr16_chain(CR16CPU *cpu, const CR16DInsn *d,
                                          uint32_t pc)
{
    const CR16Block *b;

    pc &= CR16_ADDR_MASK;
    cpu->env.pc = pc;
    if (likely(cpu->chain_ok &&
               !__atomic_load_n(&cpu->pending, __ATOMIC_RELAXED))) {
        b = cr16_block_lookup(cpu, pc);
        if (likely(b && b->n <= cpu->budget)) {
            cpu->budget -= b->n;
            cpu->cur = b;
            return b->insns;
        }
    }
    cpu->exit_insn = d;
    return NULL;
}

/* Raise an exception from handler d and end the block. */
static inline const CR16DInsn *cr16_block_raise(CR16CPU *cpu,
                                                const CR16DInsn *d,
                                                unsigned vector,
                                                uint32_t ret)
{
    cr16_raise(cpu, vector, ret);
    cpu->exit_insn = d;
    return NULL;
}

/* Reset the architectural state now (vCPU not inside a block). */
void cr16_cpu_do_reset(CR16CPU *cpu);

/* Build the condition table (idempotent, thread-safe). */
void cr16_exec_init(void);

/* Condition table: bit cc of cr16_cond_tab[psr & 0xff] = cond(cc). */
extern uint16_t cr16_cond_tab[256];
static inline bool cr16_cond(CR16CPU *cpu, unsigned cc)
{
    return (cr16_cond_tab[cpu->env.psr & 0xFF] >> cc) & 1;
}

/* Processor register access (exec-sys.c); dword selects lprd/sprd. */
uint32_t cr16_preg_read(CR16CPU *cpu, unsigned code, bool dword);
void cr16_preg_write(CR16CPU *cpu, unsigned code, bool dword, uint32_t v);

#endif /* TARGET_CR16_CPU_INTERNAL_H */

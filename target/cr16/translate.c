/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CR16C pre-decoder and block cache: turns guest code into blocks of
 * CR16DInsn, keeps them per 4 KiB CPU page, and drops them when the
 * guest (or anyone else) writes the bytes they were decoded from.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "target/cr16/cpu-internal.h"
#include "target/cr16/exec.h"

#define MAX_BLOCK_INSNS 256

void cr16_predecode(CR16DInsn *d, const CR16Form *form,
                    const CR16Operand *ops)
{
    if (!form) {
        d->fn = cr16_h_und;
        d->form = UINT16_MAX;
        return;
    }
    d->form = cr16_form_index(form);
    if (cr16_pick_alu(d, form, ops) || cr16_pick_mem(d, form, ops) ||
        cr16_pick_ctl(d, form, ops)) {
        return;
    }
    /* every operation of the table has a handler */
    assert(!"cr16: operation without handler");
}

static bool ends_block(const CR16Form *f)
{
    return !f || (f->flags & (CR16_FF_BRANCH | CR16_FF_INTEN |
                              CR16_FF_PRIV));
}

/*
 * Decode one instruction from words w[0..avail-1] into d. Returns false
 * if it needs more words than available (it crosses the page end).
 */
static bool decode_one(CR16DInsn *d, uint32_t pc, const uint16_t *w,
                       unsigned avail, const CR16Form **formp)
{
    CR16Operand ops[CR16_MAX_OPERANDS];
    unsigned needed = 0;
    const CR16Form *form = cr16_decode(w, avail, ops, &needed);

    if (!form && needed > avail) {
        return false;
    }
    memset(d, 0, sizeof(*d));
    d->pc = pc;
    d->len = form ? 2 * form->len : 2;
    d->imm = w[0];
    cr16_predecode(d, form, ops);
    *formp = form;
    return true;
}

/* -d in_asm: one line per decoded instruction */
static void log_insn(GString *log, uint32_t pc, const uint16_t *w,
                     unsigned avail)
{
    char buf[96];

    if (log) {
        cr16_disas(pc, w, avail, buf, sizeof(buf));
        g_string_append_printf(log, "0x%06x:  %s\n", pc, buf);
    }
}

static void log_flush(GString *log)
{
    if (log) {
        if (log->len) {
            qemu_log("IN:\n%s\n", log->str);
        }
        g_string_free(log, TRUE);
    }
}

static CR16Block *block_alloc(uint32_t pc, const CR16DInsn *insns,
                              unsigned n, uint32_t end)
{
    CR16Block *b = g_malloc(sizeof(*b) + (n + 1) * sizeof(CR16DInsn));

    b->pc = pc;
    b->end = end;
    b->n = n;
    b->next_in_page = NULL;
    memcpy(b->insns, insns, n * sizeof(CR16DInsn));
    memset(&b->insns[n], 0, sizeof(CR16DInsn));
    b->insns[n].fn = cr16_h_end;
    b->insns[n].pc = end & CR16_ADDR_MASK;
    return b;
}

/* One instruction fetched through the bus (MMIO, or crossing a page):
 * not cached, re-decoded every time. */
static CR16Block *scratch_block(CR16CPU *cpu, uint32_t pc)
{
    uint16_t w[3] = { cr16_fetch_word(cpu, pc) };
    unsigned len = cr16_insn_len(w[0]);
    const CR16Form *form;
    CR16DInsn d;

    for (unsigned i = 1; i < len; i++) {
        w[i] = cr16_fetch_word(cpu, pc + 2 * i);
    }
    decode_one(&d, pc, w, len ? len : 1, &form);
    g_free(cpu->scratch);
    cpu->scratch = block_alloc(pc, &d, 1, pc + d.len);
    if (unlikely(cpu->log_mask & CPU_LOG_TB_IN_ASM)) {
        GString *log = g_string_new(NULL);

        log_insn(log, pc, w, len ? len : 1);
        log_flush(log);
    }
    return cpu->scratch;
}

static unsigned host_count(CR16CPU *cpu, uint8_t *host)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(cpu->code_hosts, host));
}

static void drop_page(CR16CPU *cpu, uint32_t page)
{
    CR16CodePage *cp = cpu->code[page];
    unsigned n = host_count(cpu, cp->host);

    cpu->code[page] = NULL;
    if (n <= 1) {
        g_hash_table_remove(cpu->code_hosts, cp->host);
    } else {
        g_hash_table_insert(cpu->code_hosts, cp->host,
                            GUINT_TO_POINTER(n - 1));
    }
    /* the running block may live here: free at the next boundary */
    cp->next_zombie = cpu->zombies;
    cpu->zombies = cp;
    cpu->stop_block = true;
}

/* Drop every CPU page decoded from host page `host` (aliases included);
 * `hint` is a CPU page likely to be one of them. */
static void drop_host(CR16CPU *cpu, uint8_t *host, uint32_t hint)
{
    unsigned left = host_count(cpu, host);

    /* usually the only mapping is the page being written */
    if (cpu->code[hint] && cpu->code[hint]->host == host) {
        drop_page(cpu, hint);
        left--;
    }
    for (uint32_t p = 0; p < CR16_NUM_PAGES && left; p++) {
        if (cpu->code[p] && cpu->code[p]->host == host) {
            drop_page(cpu, p);
            left--;
        }
    }
}

static CR16CodePage *page_get(CR16CPU *cpu, uint32_t page, uint8_t *host)
{
    CR16CodePage *cp = cpu->code[page];
    unsigned n;

    if (cp && cp->host != host) {
        /* the mapping changed under us without a flush */
        drop_page(cpu, page);
        cp = NULL;
    }
    if (cp) {
        return cp;
    }
    cp = g_new0(CR16CodePage, 1);
    cp->host = host;
    cpu->code[page] = cp;
    n = host_count(cpu, host);
    g_hash_table_insert(cpu->code_hosts, host, GUINT_TO_POINTER(n + 1));
    {
        unsigned bit = cr16_code_filter_bit(host);

        cpu->code_host_filter[bit / 64] |= 1ull << (bit % 64);
    }
    if (n == 0) {
        /* stores to this host page must now take the slow path, whatever
         * CPU address they use */
        for (uint32_t p = 0; p < CR16_NUM_PAGES; p++) {
            if (cpu->tlb_wr[p] == host) {
                cpu->tlb_wr[p] = NULL;
            }
        }
    }
    return cp;
}

static bool chunks_overlap(const CR16CodePage *cp, unsigned off,
                           unsigned len)
{
    unsigned first = off >> CR16_CHUNK_BITS;
    unsigned last = (off + len - 1) >> CR16_CHUNK_BITS;

    for (unsigned c = first; c <= last; c++) {
        if (cp->chunks[c / 64] & (1ULL << (c % 64))) {
            return true;
        }
    }
    return false;
}

static CR16Block *translate(CR16CPU *cpu, uint32_t pc)
{
    uint32_t page = pc >> CR16_PAGE_BITS;
    uint32_t off = pc & (CR16_PAGE_SIZE - 1);
    uint32_t o = off;
    CR16DInsn insns[MAX_BLOCK_INSNS];
    unsigned n = 0;
    uint8_t *host;
    CR16CodePage *cp;
    CR16Block *b;
    GString *log = NULL;

    host = cpu->bus->page_ptr(cpu->bus_opaque, page << CR16_PAGE_BITS,
                              false);
    if (!host) {
        return scratch_block(cpu, pc);
    }
    if (unlikely(cpu->log_mask & CPU_LOG_TB_IN_ASM)) {
        log = g_string_new(NULL);
    }
    while (n < MAX_BLOCK_INSNS && o < CR16_PAGE_SIZE) {
        uint16_t w[3];
        unsigned avail = MIN(3u, (CR16_PAGE_SIZE - o) / 2);
        const CR16Form *form;

        for (unsigned i = 0; i < avail; i++) {
            w[i] = cr16_lduw_host(host + o + 2 * i);
        }
        if (!decode_one(&insns[n], (page << CR16_PAGE_BITS) + o, w, avail,
                        &form)) {
            break;
        }
        log_insn(log, insns[n].pc, w, avail);
        o += insns[n].len;
        n++;
        if (ends_block(form)) {
            break;
        }
    }
    if (n == 0) {
        log_flush(log);
        return scratch_block(cpu, pc);
    }

    cp = page_get(cpu, page, host);
    b = block_alloc(pc, insns, n, (page << CR16_PAGE_BITS) + o);
    for (unsigned c = off >> CR16_CHUNK_BITS;
         c <= (o - 1) >> CR16_CHUNK_BITS; c++) {
        cp->chunks[c / 64] |= 1ULL << (c % 64);
    }
    b->next_in_page = cp->blocks;
    cp->blocks = b;
    cp->entry[off >> 1] = b;
    log_flush(log);
    return b;
}

CR16Block *cr16_block_get(CR16CPU *cpu, uint32_t pc)
{
    CR16CodePage *cp = cpu->code[pc >> CR16_PAGE_BITS];

    if (likely(cp)) {
        CR16Block *b = cp->entry[(pc & (CR16_PAGE_SIZE - 1)) >> 1];

        if (likely(b)) {
            return b;
        }
    }
    return translate(cpu, pc);
}

void cr16_code_write(CR16CPU *cpu, uint32_t page, uint8_t *host,
                     unsigned off, unsigned size)
{
    CR16CodePage *cp = cpu->code[page];
    unsigned others = host_count(cpu, host);
    bool hit = false;

    if (cp && cp->host == host) {
        hit = chunks_overlap(cp, off, size);
        others--;
    }
    for (uint32_t p = 0; !hit && others && p < CR16_NUM_PAGES; p++) {
        if (p != page && cpu->code[p] && cpu->code[p]->host == host) {
            hit = chunks_overlap(cpu->code[p], off, size);
            others--;
        }
    }
    if (hit) {
        drop_host(cpu, host, page);
    }
}

bool cr16_code_invalidate(CR16CPU *cpu, uint32_t addr, uint32_t len)
{
    bool dropped = false;

    addr &= CR16_ADDR_MASK;
    len = MIN(len, CR16_ADDR_MASK + 1);
    while (len) {
        uint32_t page = addr >> CR16_PAGE_BITS;
        uint32_t off = addr & (CR16_PAGE_SIZE - 1);
        uint32_t n = MIN(len, CR16_PAGE_SIZE - off);
        CR16CodePage *cp = cpu->code[page];

        if (cp && chunks_overlap(cp, off, n)) {
            drop_host(cpu, cp->host, page);
            dropped = true;
        }
        len -= n;
        addr = (addr + n) & CR16_ADDR_MASK;
    }
    return dropped;
}

void cr16_code_flush(CR16CPU *cpu)
{
    for (uint32_t p = 0; p < CR16_NUM_PAGES; p++) {
        if (cpu->code[p]) {
            drop_page(cpu, p);
        }
    }
    g_hash_table_remove_all(cpu->code_hosts);
    memset(cpu->code_host_filter, 0, sizeof(cpu->code_host_filter));
}

void cr16_code_drop_range(CR16CPU *cpu, uint32_t addr, uint32_t len)
{
    uint32_t first;
    uint32_t npages = cr16_page_span(addr, len, &first);

    for (uint32_t i = 0; i < npages; i++) {
        uint32_t p = (first + i) % CR16_NUM_PAGES;

        if (cpu->code[p]) {
            /* aliases of the same host page go too: their stores must
             * not keep taking fast paths computed for the old mapping */
            drop_host(cpu, cpu->code[p]->host, p);
        }
    }
}

void cr16_code_reap(CR16CPU *cpu)
{
    while (cpu->zombies) {
        CR16CodePage *cp = cpu->zombies;

        cpu->zombies = cp->next_zombie;
        while (cp->blocks) {
            CR16Block *b = cp->blocks;

            cp->blocks = b->next_in_page;
            g_free(b);
        }
        g_free(cp);
    }
}

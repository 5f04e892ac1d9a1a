/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM load (wire 3): parse the records of a RAM section body into the
 * destination's blocks. The stream is hostile: every flag combination,
 * block name, offset, length and fill byte is checked before use, and an
 * error names the block and offset it concerns.
 *
 * The guest does not run while precopy RAM loads, so pages are written
 * straight into the block's mapping; the CPU has decoded no code yet.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/qemu-file.h"
#include "migration/options.h"
#include "migration/xbzrle.h"
#include "migration/migration-stats.h"
#include "migration/postcopy-ram.h"
#include "ram-internal.h"
#include "ram-mapped.h"

/*
 * Most guessed records one scatter read may take (2 iovecs each, after
 * the current page); with 8 bytes read ahead they fit QEMUFile's buffer,
 * which must take them back when the guess was wrong.
 */
#define RAM_SPEC_MAX 62
G_STATIC_ASSERT(1 + 2 * RAM_SPEC_MAX <= QEMU_FILE_SCATTER_MAX);
/* Consecutive normal pages that switch guessing back on. */
#define RAM_SPEC_CALM 16

/* One incoming migration's RAM state; incoming thread only. */
typedef struct RAMLoadState {
    const RAMBlockScope *scope;
    /* The block of the last page record: CONTINUE refers to it (wire
     * 3.3); it survives section boundaries. Cached facts alongside. */
    RAMBlock *block;
    const char *block_name;
    uint8_t *host;
    uint64_t used_length;
    const unsigned long *written;
    /*
     * Pages of `block` loaded but not yet marked written, [mark_first,
     * mark_end) in bytes: a run is marked in one go, one locked OR per
     * 64 pages instead of one per page. Flushed when the run breaks,
     * before the block changes and whenever ram_load() returns.
     */
    uint64_t mark_first, mark_end;
    uint8_t xbzrle_buf[TARGET_PAGE_SIZE];
    /*
     * Guessing that the next records continue a run of normal pages
     * (load_run_predicted): how many to guess, 0 while off; the run of
     * consecutive normal pages seen while off; where the last normal
     * page ended; the guessed records' headers as read.
     */
    unsigned spec_depth;
    unsigned spec_calm;
    uint64_t spec_next;
    uint64_t spec_hdr[RAM_SPEC_MAX];
    /* Postcopy: placing pages atomically through this channel's
     * assembler (listen thread, preempt thread). */
    PostcopyPageAssembler *assembler;
    /* Postcopy, main stream only: consecutive pages staged and placed
     * as one run (postcopy-run.c). Urgent pages on the preempt channel
     * are placed one by one, at once. */
    PostcopyRun *run;
} RAMLoadState;

static RAMLoadState *ram_load_state;

/*
 * Postcopy (wire 4.3, 4.5). Set by the incoming thread at ADVISE and
 * LISTEN before the listen thread exists, read by the loaders after.
 */
static PostcopyDest *ram_pc;
static bool ram_pc_placing;

bool ram_load_setup(QEMUFile *f, void *opaque, GError **errp)
{
    ram_load_cleanup(NULL);
    ram_load_state = g_new0(RAMLoadState, 1);
    ram_load_state->scope = opaque;
    return true;
}

static void ram_load_state_free(RAMLoadState *ls)
{
    if (ls) {
        postcopy_assembler_free(ls->assembler);
        postcopy_run_free(ls->run);
        g_free(ls);
    }
}

void ram_load_cleanup(void *opaque)
{
    g_clear_pointer(&ram_load_state, ram_load_state_free);
}

/* The stream's sticky error as a GError (false), or true. */
static bool stream_ok(QEMUFile *f, const char *what, GError **errp)
{
    int ret = qemu_file_get_error_obj(f, errp);

    if (!ret) {
        return true;
    }
    if (errp && *errp) {
        g_prefix_error(errp, "RAM: %s: ", what);
    } else {
        error_setg(errp, "RAM: %s: %s", what, g_strerror(-ret));
    }
    return false;
}

/* A short read: the stream's error, or "ended" if it has none. */
static bool short_read(QEMUFile *f, const char *what, GError **errp)
{
    if (stream_ok(f, what, errp)) {
        error_setg(errp, "RAM: %s: the stream ended", what);
    }
    return false;
}

/* ---- MEM_SIZE: the block list (wire 3.5) ---- */

static bool load_block_list(RAMLoadState *ls, QEMUFile *f, uint64_t total,
                            GError **errp)
{
    uint64_t seen = 0;

    /* Each listed length equals a local block's (never 0): this ends. */
    while (seen < total) {
        char name[256];
        uint64_t length, local;
        RAMBlock *rb;

        qemu_get_counted_string(f, name);
        length = qemu_get_be64(f);
        if (!stream_ok(f, "reading the RAM block list", errp)) {
            return false;
        }
        rb = ram_scope_find(ls->scope, name);
        if (!rb) {
            error_setg(errp, "Unknown ramblock \"%s\", cannot accept "
                       "migration", name);
            return false;
        }
        local = ram_block_used_length(rb);
        if (length != local) {
            error_setg(errp, "Length mismatch: %s: 0x%" PRIx64 " in != 0x%"
                       PRIx64, name, length, local);
            return false;
        }
        if (length > total - seen) {
            error_setg(errp, "RAM block list: block %s (0x%" PRIx64 " bytes) "
                       "takes the sum past the total 0x%" PRIx64, name,
                       length, total);
            return false;
        }
        /* No page_size field: see ram_save_setup(). */
        if (migrate_ignore_shared()) {
            uint64_t mr_addr = qemu_get_be64(f);
            hwaddr base = ram_block_phys_base(rb);

            if (!stream_ok(f, "reading the RAM block list", errp)) {
                return false;
            }
            if (base == (hwaddr)-1) {
                base = 0;
            }
            if (ram_block_is_ignored(rb) && mr_addr != base) {
                error_setg(errp, "Mismatched GPAs for block %s: 0x%" PRIx64
                           " in != 0x%" PRIx64, name, mr_addr, base);
                return false;
            }
        }
        if (migrate_mapped_ram() &&
            !ram_mapped_load_block(f, rb, name, errp)) {
            return false;
        }
        seen += length;
    }
    return true;
}

/* ---- page records ---- */

static void written_flush(RAMLoadState *ls)
{
    if (ls->mark_end > ls->mark_first) {
        ram_block_mark_written(ls->block, ls->mark_first,
                               ls->mark_end - ls->mark_first);
    }
    ls->mark_first = ls->mark_end = 0;
}

/* The page at offset of ls->block is about to be stored to. */
static void written_note(RAMLoadState *ls, uint64_t offset)
{
    if (offset != ls->mark_end || ls->mark_end == ls->mark_first) {
        written_flush(ls);
        ls->mark_first = offset;
    }
    ls->mark_end = offset + TARGET_PAGE_SIZE;
}

/* The block a page record refers to (wire 3.3), cached in ls. */
static bool load_block_ref(RAMLoadState *ls, QEMUFile *f, uint64_t flags,
                           GError **errp)
{
    char name[256];
    RAMBlock *rb;

    if (flags & RAM_SAVE_FLAG_CONTINUE) {
        if (!ls->block) {
            error_setg(errp, "bad migration stream: page record with "
                       "CONTINUE but no previous block");
            return false;
        }
        return true;
    }
    qemu_get_counted_string(f, name);
    if (!stream_ok(f, "reading a block name", errp)) {
        return false;
    }
    rb = ram_scope_find(ls->scope, name);
    if (!rb) {
        error_setg(errp, "Can't find block %s", name);
        return false;
    }
    if (ram_block_is_ignored(rb)) {
        error_setg(errp, "Page for block %s, which is not migrated "
                   "(x-ignore-shared)", name);
        return false;
    }
    written_flush(ls);
    ls->block = rb;
    ls->block_name = ram_block_name(rb);
    for (size_t i = 0; ls->scope && i < ls->scope->nr; i++) {
        if (ls->scope->blocks[i] == rb) {
            ls->block_name = ls->scope->names[i];
        }
    }
    ls->host = ram_block_host(rb);
    ls->used_length = ram_block_used_length(rb);
    ls->written = ram_block_written_bitmap(rb);
    return true;
}

static bool page_was_written(const RAMLoadState *ls, uint64_t offset)
{
    uint64_t page = offset >> TARGET_PAGE_BITS;

    if (offset >= ls->mark_first && offset < ls->mark_end) {
        return true;
    }
    return (qatomic_read(&ls->written[page / BITS_PER_LONG])
            >> (page % BITS_PER_LONG)) & 1;
}

static bool load_zero_page(RAMLoadState *ls, QEMUFile *f, uint64_t offset,
                           GError **errp)
{
    uint8_t fill = qemu_get_byte(f);
    uint8_t *host = ls->host + offset;

    if (!stream_ok(f, "reading a zero page", errp)) {
        return false;
    }
    if (fill != 0) {
        error_setg(errp, "Found a zero page with value 0x%02x at offset "
                   "0x%" PRIx64 " in block %s", fill, offset,
                   ls->block_name);
        return false;
    }
    if (ls->assembler) {
        /* Zero pages are not staged: UFFDIO_ZEROPAGE maps them without
         * allocating memory. */
        if (ls->run && !postcopy_run_flush(ls->run, errp)) {
            return false;
        }
        return postcopy_assembler_add(ls->assembler, ls->block, offset, NULL,
                                      errp);
    }
    if (ram_pc) {
        /*
         * Advised: the page must exist before LISTEN registers the block,
         * or a later access would fault on a page marked received.
         * Reading populates it (the shared zero page for private memory).
         */
        if (!page_was_written(ls, offset)) {
            (void)*(volatile uint8_t *)host;
        } else if (!ram_page_is_zero(host)) {
            memset(host, 0, TARGET_PAGE_SIZE);
        }
        postcopy_dest_mark_received(ram_pc, ls->block, offset,
                                    TARGET_PAGE_SIZE);
        return true;
    }
    /*
     * A page never written is zero already: touching it would only make
     * the host allocate memory for it.
     */
    if (page_was_written(ls, offset) && !ram_page_is_zero(host)) {
        memset(host, 0, TARGET_PAGE_SIZE);
    }
    return true;
}

/*
 * The guessed followers of the page at `offset` (0..RAM_SPEC_MAX): pages
 * of the block that follow it and were never written, so that bytes a
 * wrong guess stores there can be undone by zeroing them (written
 * bitmap: a page never written holds zeros).
 */
static unsigned spec_followers(RAMLoadState *ls, uint64_t offset)
{
    unsigned k = 0;

    while (k < ls->spec_depth &&
           offset + (uint64_t)(k + 2) * TARGET_PAGE_SIZE <= ls->used_length &&
           !page_was_written(ls, offset + (uint64_t)(k + 1) *
                             TARGET_PAGE_SIZE)) {
        k++;
    }
    return k;
}

/*
 * One guessing read (load_run_predicted, load_staged_predicted): the
 * page at `offset` -- its bytes from `start` on still to come, nothing
 * buffered -- goes to `base`, and one readv also stores the next `k`
 * records, guessed to be normal CONTINUE pages carrying on the run, with
 * their pages at base + i pages (headers into spec_hdr), so the bulk of a
 * random-RAM stream crosses memory once, not via the QEMUFile buffer.
 * Each guess is checked against the header read; at the first wrong or
 * short one the bytes from there on go back into the QEMUFile.
 */
typedef struct SpecRead {
    /* A whole page is in: page offset, its bytes at `page`. */
    void (*done)(RAMLoadState *ls, uint64_t offset, uint8_t *page);
    /* A guessed page got bytes that went back (it held zeros). */
    void (*undo)(uint8_t *page);
    /* How many records to guess after the page at offset. */
    unsigned (*guesses)(RAMLoadState *ls, uint64_t offset);
} SpecRead;

static bool load_guessing(RAMLoadState *ls, QEMUFile *f, const SpecRead *sr,
                          uint64_t offset, uint8_t *base, size_t start,
                          GError **errp)
{
    for (;;) {
        unsigned k = sr->guesses(ls, offset);
        struct iovec iov[1 + 2 * RAM_SPEC_MAX];
        struct iovec back[2 * RAM_SPEC_MAX];
        int cnt = 0, nback = 0;
        bool unfinished = false;
        size_t got, m;
        unsigned i;

        iov[cnt].iov_base = base + start;
        iov[cnt++].iov_len = TARGET_PAGE_SIZE - start;
        for (i = 1; i <= k; i++) {
            iov[cnt].iov_base = &ls->spec_hdr[i - 1];
            iov[cnt++].iov_len = sizeof(uint64_t);
            iov[cnt].iov_base = base + (uint64_t)i * TARGET_PAGE_SIZE;
            iov[cnt++].iov_len = TARGET_PAGE_SIZE;
        }
        /* Also read ahead the header after the last guess. */
        got = qemu_get_scatter(f, iov, cnt, sizeof(uint64_t));
        if (!got) {
            return short_read(f, "reading a page", errp);
        }
        m = MIN(got, TARGET_PAGE_SIZE - start);
        qemu_file_note_consumed(f, base + start, m);
        got -= m;
        start += m;
        if (start < TARGET_PAGE_SIZE) {
            continue;           /* the channel had no more yet */
        }
        sr->done(ls, offset, base);
        start = 0;
        for (i = 1; i <= k && got; i++) {
            uint64_t page = offset + (uint64_t)i * TARGET_PAGE_SIZE;
            uint8_t *at = base + (uint64_t)i * TARGET_PAGE_SIZE;
            uint64_t want = GUINT64_TO_BE(page | RAM_SAVE_FLAG_PAGE |
                                          RAM_SAVE_FLAG_CONTINUE);

            if (got < sizeof(uint64_t) || ls->spec_hdr[i - 1] != want) {
                break;
            }
            qemu_file_note_consumed(f, (uint8_t *)&ls->spec_hdr[i - 1],
                                    sizeof(uint64_t));
            got -= sizeof(uint64_t);
            m = MIN(got, TARGET_PAGE_SIZE);
            qemu_file_note_consumed(f, at, m);
            got -= m;
            if (m < TARGET_PAGE_SIZE) {
                /* Its header is in (maybe none of its page yet): the
                 * rest of its page comes next. */
                offset = page;
                base = at;
                start = m;
                unfinished = true;
                break;
            }
            sr->done(ls, page, at);
        }
        if (unfinished) {
            continue;
        }
        if (!got) {
            if (i > k && ls->spec_depth) {
                /* Every guess held and the channel kept up: guess more. */
                ls->spec_depth = MIN(RAM_SPEC_MAX, ls->spec_depth * 2);
            }
            return true;
        }
        /*
         * Stopped at guess i: its header is short (the read ended there)
         * or not the next page's (a wrong guess: stop guessing for a
         * while). Everything from that header on goes back.
         */
        if (got >= sizeof(uint64_t)) {
            ls->spec_depth = 0;
            ls->spec_calm = 0;
        }
        for (; i <= k && got; i++) {
            m = MIN(got, sizeof(uint64_t));
            back[nback].iov_base = &ls->spec_hdr[i - 1];
            back[nback++].iov_len = m;
            got -= m;
            if (got) {
                m = MIN(got, TARGET_PAGE_SIZE);
                back[nback].iov_base = base + (uint64_t)i * TARGET_PAGE_SIZE;
                back[nback++].iov_len = m;
                got -= m;
            }
        }
        g_assert(got == 0);
        qemu_file_unget(f, back, nback);
        for (int j = 1; j < nback && sr->undo; j += 2) {
            sr->undo(back[j].iov_base);
        }
        return true;
    }
}

/* ---- precopy: straight into guest RAM ---- */

static void spec_ram_done(RAMLoadState *ls, uint64_t offset, uint8_t *page)
{
    /* The first page was noted by the caller. */
    if (offset != ls->spec_next - TARGET_PAGE_SIZE) {
        written_note(ls, offset);
    }
    ls->spec_next = offset + TARGET_PAGE_SIZE;
}

/* Wrong guesses only land in pages never written: zero again. */
static void spec_ram_undo(uint8_t *page)
{
    memset(page, 0, TARGET_PAGE_SIZE);
}

static const SpecRead spec_ram = {
    .done = spec_ram_done,
    .undo = spec_ram_undo,
    .guesses = spec_followers,
};

static bool load_run_predicted(RAMLoadState *ls, QEMUFile *f,
                               uint64_t offset, size_t start, GError **errp)
{
    return load_guessing(ls, f, &spec_ram, offset, ls->host + offset, start,
                         errp);
}

/* ---- postcopy: into the run being staged ---- */

static void spec_run_done(RAMLoadState *ls, uint64_t offset, uint8_t *page)
{
    postcopy_run_commit(ls->run);
}

/* As many as the run has room for: it ends at a multiple of its size. */
static unsigned spec_run_guesses(RAMLoadState *ls, uint64_t offset)
{
    uint64_t end = MIN(QEMU_ALIGN_UP(offset + 1, POSTCOPY_RUN_MAX),
                       ls->used_length);

    return MIN(RAM_SPEC_MAX, (end - offset) / TARGET_PAGE_SIZE - 1);
}

/* Slots never committed are scratch: nothing to undo. */
static const SpecRead spec_run = {
    .done = spec_run_done,
    .guesses = spec_run_guesses,
};

/*
 * Postcopy's guessing read: the page at `offset` into its slot `data` of
 * the staged run (its first `start` bytes there already), the guessed
 * followers into the next slots.
 */
static bool load_staged_predicted(RAMLoadState *ls, QEMUFile *f,
                                  uint64_t offset, uint8_t *data,
                                  size_t start, GError **errp)
{
    return load_guessing(ls, f, &spec_run, offset, data, start, errp);
}

static bool load_normal_page(RAMLoadState *ls, QEMUFile *f, uint64_t offset,
                             GError **errp)
{
    uint8_t *host = ls->host + offset;
    uint8_t *data;

    if (ls->run && !postcopy_assembler_busy(ls->assembler) &&
        postcopy_dest_host_page_size(ram_pc, ls->block) == TARGET_PAGE_SIZE) {
        size_t have = MIN(qemu_file_buffered(f), TARGET_PAGE_SIZE);

        /*
         * A page a vCPU waits for (the source's answer to its request,
         * on this channel without preempt) goes in at once, by this
         * thread, rather than behind the runs queued for placing.
         */
        if (postcopy_dest_waits_for(ram_pc, ls->block, offset)) {
            data = ls->xbzrle_buf;
            if (qemu_get_buffer_in_place(f, &data, TARGET_PAGE_SIZE) !=
                TARGET_PAGE_SIZE) {
                return short_read(f, "reading a page", errp);
            }
            return postcopy_dest_place_page(ram_pc, ls->block, offset, data,
                                            errp);
        }
        /* Straight from the stream into the run being staged. */
        data = postcopy_run_slot(ls->run, ls->block, offset, errp);
        if (!data) {
            return false;
        }
        if (qemu_get_buffer(f, data, have) != have) {
            return short_read(f, "reading a page", errp);
        }
        if (have < TARGET_PAGE_SIZE) {
            return load_staged_predicted(ls, f, offset, data, have, errp);
        }
        postcopy_run_commit(ls->run);
        return true;
    }
    if (ls->assembler) {
        if (ls->run && !postcopy_run_flush(ls->run, errp)) {
            return false;
        }
        /* Never straight into guest RAM: a vCPU could see half a page. */
        data = ls->xbzrle_buf;
        if (qemu_get_buffer_in_place(f, &data, TARGET_PAGE_SIZE) !=
            TARGET_PAGE_SIZE) {
            return short_read(f, "reading a page", errp);
        }
        return postcopy_assembler_add(ls->assembler, ls->block, offset,
                                      data, errp);
    }
    written_note(ls, offset);
    if (!ram_pc && ls->spec_depth &&
        qemu_file_buffered(f) < TARGET_PAGE_SIZE) {
        size_t have = qemu_file_buffered(f);

        ls->spec_next = offset + TARGET_PAGE_SIZE;
        if (have && qemu_get_buffer(f, host, have) != have) {
            return short_read(f, "reading a page", errp);
        }
        return load_run_predicted(ls, f, offset, have, errp);
    }
    if (offset != ls->spec_next) {
        ls->spec_calm = 0;
    } else if (!ls->spec_depth && ++ls->spec_calm >= RAM_SPEC_CALM &&
               !ram_pc && !migrate_mapped_ram() && !migrate_multifd()) {
        /* Not with multifd: its threads store pages meanwhile. */
        ls->spec_depth = 1;
    }
    ls->spec_next = offset + TARGET_PAGE_SIZE;
    /* Bytes not buffered yet are read straight into the page. */
    if (qemu_get_buffer(f, host, TARGET_PAGE_SIZE) != TARGET_PAGE_SIZE) {
        return short_read(f, "reading a page", errp);
    }
    if (ram_pc) {
        postcopy_dest_mark_received(ram_pc, ls->block, offset,
                                    TARGET_PAGE_SIZE);
    }
    return true;
}

static bool load_xbzrle_page(RAMLoadState *ls, QEMUFile *f, uint64_t offset,
                             GError **errp)
{
    uint8_t encoding = qemu_get_byte(f);
    uint16_t len = qemu_get_be16(f);
    uint8_t *data = ls->xbzrle_buf;
    g_autoptr(GError) err = NULL;

    if (!stream_ok(f, "reading an XBZRLE page", errp)) {
        return false;
    }
    if (encoding != ENCODING_FLAG_XBZRLE) {
        error_setg(errp, "Failed to load XBZRLE page at offset 0x%" PRIx64
                   " in block %s: unknown encoding 0x%02x", offset,
                   ls->block_name, encoding);
        return false;
    }
    if (len > TARGET_PAGE_SIZE) {
        error_setg(errp, "Failed to load XBZRLE page at offset 0x%" PRIx64
                   " in block %s: length %u exceeds the page size", offset,
                   ls->block_name, len);
        return false;
    }
    if (qemu_get_buffer_in_place(f, &data, len) != len) {
        return short_read(f, "reading an XBZRLE page", errp);
    }
    written_note(ls, offset);
    if (!xbzrle_decode(data, len, ls->host + offset, TARGET_PAGE_SIZE,
                       &err)) {
        error_setg(errp, "Failed to load XBZRLE page at offset 0x%" PRIx64
                   " in block %s: %s", offset, ls->block_name, err->message);
        return false;
    }
    if (ram_pc) {
        postcopy_dest_mark_received(ram_pc, ls->block, offset,
                                    TARGET_PAGE_SIZE);
    }
    return true;
}

static bool load_page_record(RAMLoadState *ls, QEMUFile *f, uint64_t flags,
                             uint64_t offset, GError **errp)
{
    if (!load_block_ref(ls, f, flags, errp)) {
        return false;
    }
    if (offset >= ls->used_length) {
        error_setg(errp, "Illegal RAM offset 0x%" PRIx64 " in block %s "
                   "(used length 0x%" PRIx64 ")", offset, ls->block_name,
                   ls->used_length);
        return false;
    }
    switch (flags & ~RAM_SAVE_FLAG_CONTINUE) {
    case RAM_SAVE_FLAG_ZERO:
        return load_zero_page(ls, f, offset, errp);
    case RAM_SAVE_FLAG_PAGE:
        return load_normal_page(ls, f, offset, errp);
    default:
        return load_xbzrle_page(ls, f, offset, errp);
    }
}

/* ---- the section body ---- */

/* Postcopy records (4.5): ZERO and PAGE placed atomically, and EOS. */
static bool load_postcopy_records(RAMLoadState *ls, QEMUFile *f,
                                  bool until_eof, GError **errp)
{
    for (;;) {
        uint64_t word;
        uint64_t flags, addr;
        bool held = false, eof;

        /*
         * Staged pages are not in guest RAM yet: place them before a
         * read could wait, or hold a run that can still become a whole
         * huge page while no vCPU waits (a fault lets it go), so that a
         * vCPU never waits on a page we hold. A whole next page record
         * (CONTINUE header and page) buffered or ready means the read
         * will not wait.
         */
        if (ls->run && postcopy_run_pending(ls->run) &&
            !qemu_file_ready(f, 8 + TARGET_PAGE_SIZE) &&
            !postcopy_run_before_wait(ls->run, &held, errp)) {
            return false;
        }
        eof = until_eof && qemu_peek_byte(f, 0) < 0 &&
              !qemu_file_get_error(f);
        word = eof ? 0 : qemu_get_be64(f);
        if (held) {
            postcopy_run_after_wait(ls->run);
        }
        if (eof) {
            return true;        /* the preempt channel closed cleanly */
        }
        flags = word & (TARGET_PAGE_SIZE - 1);
        addr = word & TARGET_PAGE_MASK;
        switch (flags & ~RAM_SAVE_FLAG_CONTINUE) {
        case RAM_SAVE_FLAG_ZERO:
        case RAM_SAVE_FLAG_PAGE:
            if (!load_page_record(ls, f, flags, addr, errp)) {
                return false;
            }
            break;
        case RAM_SAVE_FLAG_EOS:
            if (!stream_ok(f, "reading a RAM section", errp)) {
                return false;
            }
            /* The section's pages are all in when it ends. */
            if (ls->run && !postcopy_run_drain(ls->run, errp)) {
                return false;
            }
            if (!until_eof) {
                return true;
            }
            break;
        default:
            if (!stream_ok(f, "reading a RAM record", errp)) {
                return false;
            }
            error_setg(errp, "Unknown combination of migration flags: 0x%"
                       PRIx64 " (postcopy mode)", flags);
            return false;
        }
    }
}

/* Precopy records (wire 3.2-3.7) up to EOS. */
static bool load_precopy_records(RAMLoadState *ls, QEMUFile *f,
                                 GError **errp)
{
    for (;;) {
        uint64_t word = qemu_get_be64(f);
        uint64_t flags = word & (TARGET_PAGE_SIZE - 1);
        uint64_t addr = word & TARGET_PAGE_MASK;

        if (migrate_mapped_ram() && !ram_mapped_load_flags_ok(flags, errp)) {
            return false;
        }
        /* A failed read gives 0, which falls to the default case. */
        switch (flags & ~RAM_SAVE_FLAG_CONTINUE) {
        case RAM_SAVE_FLAG_ZERO:
        case RAM_SAVE_FLAG_PAGE:
        case RAM_SAVE_FLAG_XBZRLE:
            if (!load_page_record(ls, f, flags, addr, errp)) {
                return false;
            }
            break;
        case RAM_SAVE_FLAG_MEM_SIZE:
            if (!load_block_list(ls, f, addr, errp)) {
                return false;
            }
            break;
        case RAM_SAVE_FLAG_EOS:
            return stream_ok(f, "reading a RAM section", errp) &&
                   ram_multifd_load_marker(true, errp);
        case RAM_SAVE_FLAG_MULTIFD_FLUSH:
            /* Without multifd channels there is nothing to wait for. */
            if (!ram_multifd_load_marker(false, errp)) {
                return false;
            }
            break;
        case RAM_SAVE_FLAG_HOOK:
            error_setg(errp, "RAM: RDMA control record (flags 0x%" PRIx64
                       ") is not supported", flags);
            return false;
        default:
            if (!stream_ok(f, "reading a RAM record", errp)) {
                return false;
            }
            error_setg(errp, "Unknown combination of migration flags: 0x%"
                       PRIx64, flags);
            return false;
        }
    }
}

bool ram_load(QEMUFile *f, void *opaque, int version_id, GError **errp)
{
    RAMLoadState *ls;
    bool ok;

    if (version_id != RAM_SECTION_VERSION) {
        error_setg(errp, "RAM: unsupported version %d (only %d)", version_id,
                   RAM_SECTION_VERSION);
        return false;
    }
    if (!ram_load_state) {
        ram_load_setup(f, opaque, NULL);
    }
    ls = ram_load_state;
    if (ram_pc_placing) {
        if (!ls->assembler) {
            ls->assembler = postcopy_assembler_new(ram_pc);
        }
        if (!ls->run) {
            ls->run = postcopy_run_new(ram_pc);
        }
        return load_postcopy_records(ls, f, false, errp);
    }
    ok = load_precopy_records(ls, f, errp);
    written_flush(ls);
    return ok;
}

/* ---- postcopy state changes ---- */

void ram_load_postcopy_advise(PostcopyDest *d)
{
    ram_pc = d;
    ram_pc_placing = false;
    /* x-query-postcopy tells this postcopy's moves. */
    __atomic_store_n(&mig_stats.postcopy_moved_pages, 0, __ATOMIC_RELAXED);
}

void ram_load_postcopy_listen(void)
{
    ram_pc_placing = true;
}

void ram_load_postcopy_pause(void)
{
    if (ram_load_state) {
        ram_load_state->block = NULL;
        if (ram_load_state->assembler) {
            postcopy_assembler_reset(ram_load_state->assembler);
        }
        if (ram_load_state->run) {
            postcopy_run_reset(ram_load_state->run);
        }
    }
}

void ram_load_postcopy_end(void)
{
    if (ram_load_state) {
        g_clear_pointer(&ram_load_state->assembler, postcopy_assembler_free);
        g_clear_pointer(&ram_load_state->run, postcopy_run_free);
    }
    ram_pc = NULL;
    ram_pc_placing = false;
}

bool ram_load_postcopy_channel(QEMUFile *f, PostcopyDest *d, GError **errp)
{
    RAMLoadState *ls = g_new0(RAMLoadState, 1);
    bool ok;

    ls->scope = ram_load_state ? ram_load_state->scope : NULL;
    ls->assembler = postcopy_assembler_new(d);
    ok = load_postcopy_records(ls, f, true, errp);
    ram_load_state_free(ls);
    return ok;
}

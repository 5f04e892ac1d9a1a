/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd destination: the handshake of each new connection, the receiver
 * threads that check every packet against the destination's RAM and
 * place its pages, and the sync with the main channel (wire 6.2.6).
 *
 * One mutex and condition variable guard the per-channel sync state and
 * the set's error; every change broadcasts. Threads read and write RAM
 * with the lock dropped.
 */
#include "qemu/osdep.h"

#include "migration/multifd-compress.h"
#include "migration/multifd-internal.h"
#include "qapi/error.h"
#include "migration/threadinfo.h"

typedef struct RecvChannel {
    MultiFDRecv *set;
    unsigned id;
    MigChannel *ch;             /* NULL until connected; set under lock */
    GThread *thread;

    /* Guarded by set->lock. */
    bool synced;                /* read a sync packet, waits for release */
    bool ended;                 /* thread has exited */

    /* The thread's own. */
    MultiFDCodec *codec;        /* NULL without compression */
    uint8_t *payload;
    MultiFDRamPacket packet;
    uint8_t header[MULTIFD_RAM_PACKET_SIZE];
    uint8_t *host[MULTIFD_PAGES_PER_PACKET];
    struct iovec iov[MULTIFD_PAGES_PER_PACKET];
} RecvChannel;

struct MultiFDRecv {
    MultiFDRecvParams params;
    uint32_t comp_flag;
    RecvChannel *chan;          /* params.channels entries */

    GMutex lock;
    GCond cond;
    unsigned created;           /* lock */
    GError *error;              /* first error; lock */
    bool quit;                  /* lock */
    MultiFDStats stats;         /* atomic */
};

/* First error wins; shuts every connected channel down, wakes waiters.
 * Errors after multifd_recv_shutdown() began are our own doing and
 * dropped. Takes err. */
static void recv_fail(MultiFDRecv *r, GError *err)
{
    bool notify = false;

    g_mutex_lock(&r->lock);
    if (!r->error && !r->quit) {
        r->error = err;
        err = NULL;
        notify = r->params.error_notify != NULL;
        for (unsigned i = 0; i < r->params.channels; i++) {
            if (r->chan[i].ch) {
                mig_channel_shutdown(r->chan[i].ch,
                                     MIG_CHANNEL_SHUTDOWN_BOTH);
            }
        }
    }
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    g_clear_error(&err);
    if (notify) {
        r->params.error_notify(r->error, r->params.opaque);
    }
}

static bool copy_error_locked(MultiFDRecv *r, GError **errp)
{
    if (!r->error) {
        return true;
    }
    g_propagate_error(errp, g_error_copy(r->error));
    return false;
}

/* Read every byte described by iov (modified). */
static bool recv_readv_all(MigChannel *ch, struct iovec *iov, int cnt,
                           GError **errp)
{
    int i = 0;

    while (i < cnt) {
        ssize_t n = mig_channel_readv(ch, iov + i, cnt - i, errp);

        if (n < 0) {
            return false;
        }
        if (n == 0) {
            error_setg(errp, "%s: unexpected end of stream", ch->name);
            return false;
        }
        while (n > 0) {
            size_t step = MIN((size_t)n, iov[i].iov_len);

            iov[i].iov_base = (uint8_t *)iov[i].iov_base + step;
            iov[i].iov_len -= step;
            n -= step;
            if (iov[i].iov_len == 0) {
                i++;
            }
        }
    }
    return true;
}

/*
 * Read the start of the next packet: at least its 12-byte header, and as
 * much of the rest of a RAM packet's header as has arrived (one read
 * instead of two; a RAM packet is the longest header, so nothing past it
 * is taken, except after a device-state header, which fails anyway).
 * *got says how many bytes are in c->header. *eof is set (and true
 * returned) when the connection ends cleanly before it: the source
 * closes its channels after a completed migration (wire 6.2.8).
 */
static bool recv_header(RecvChannel *c, size_t *got, bool *eof,
                        GError **errp)
{
    G_STATIC_ASSERT(MULTIFD_DEVICE_STATE_HDR_SIZE <= MULTIFD_RAM_PACKET_SIZE);
    *eof = false;
    *got = 0;
    while (*got < MULTIFD_HDR_SIZE) {
        struct iovec iov = { c->header + *got,
                             MULTIFD_RAM_PACKET_SIZE - *got };
        ssize_t n = mig_channel_readv(c->ch, &iov, 1, errp);

        if (n < 0) {
            return false;
        }
        if (n == 0) {
            if (*got == 0) {
                *eof = true;
                return true;
            }
            error_setg(errp, "%s: unexpected end of stream", c->ch->name);
            return false;
        }
        *got += n;
    }
    return true;
}

static RAMBlock *recv_find_block(MultiFDRecv *r, const char *name)
{
    return r->params.find_block ? r->params.find_block(name, r->params.opaque)
                                : ram_block_find(name);
}

/* Check the packet's block and offsets against our RAM; fill c->host. */
static RAMBlock *recv_check_pages(RecvChannel *c, GError **errp)
{
    MultiFDRamPacket *p = &c->packet;
    unsigned used = p->normal_pages + p->zero_pages;
    RAMBlock *rb = recv_find_block(c->set, p->ramblock);
    uint64_t len;
    uint8_t *host;

    if (!rb) {
        error_setg(errp, "packet %" PRIu64 " names unknown RAM block '%s'",
                   p->packet_num, p->ramblock);
        return NULL;
    }
    len = ram_block_used_length(rb);
    host = ram_block_host(rb);
    for (unsigned i = 0; i < used; i++) {
        if (len < TARGET_PAGE_SIZE || p->offset[i] > len - TARGET_PAGE_SIZE) {
            error_setg(errp, "packet %" PRIu64 " offset[%u] 0x%" PRIx64
                       " is outside RAM block '%s' (used length 0x%" PRIx64
                       ")", p->packet_num, i, p->offset[i], p->ramblock, len);
            return NULL;
        }
        c->host[i] = host + p->offset[i];
    }
    return rb;
}

/* Place the pages of the packet in c->packet. Lock not held. */
static bool recv_pages(RecvChannel *c, GError **errp)
{
    MultiFDRamPacket *p = &c->packet;
    unsigned normal = p->normal_pages;
    RAMBlock *rb = recv_check_pages(c, errp);

    if (!rb) {
        return false;
    }
    /* Before the data lands: the bit only claims "may be non-zero". */
    for (unsigned i = 0; i < normal; i++) {
        ram_block_mark_written(rb, p->offset[i], TARGET_PAGE_SIZE);
    }
    if (normal && c->codec) {
        if (!mig_channel_read_all(c->ch, c->payload, p->next_packet_size,
                                  errp) ||
            !multifd_codec_decompress(c->codec, c->payload,
                                      p->next_packet_size, c->host, normal,
                                      errp)) {
            return false;
        }
    } else if (normal) {
        /* Straight into guest RAM; pages that follow each other in
         * memory are one element. */
        unsigned cnt = 0;

        for (unsigned i = 0; i < normal; i++) {
            if (cnt && (uint8_t *)c->iov[cnt - 1].iov_base +
                       c->iov[cnt - 1].iov_len == c->host[i]) {
                c->iov[cnt - 1].iov_len += TARGET_PAGE_SIZE;
            } else {
                c->iov[cnt++] = (struct iovec){ c->host[i],
                                                TARGET_PAGE_SIZE };
            }
        }
        if (!recv_readv_all(c->ch, c->iov, cnt, errp)) {
            return false;
        }
    }
    /*
     * A zero page needs a write only if the page may hold data: a page
     * never written since the block was created reads as zeros already.
     */
    for (unsigned i = normal; i < normal + p->zero_pages; i++) {
        if (multifd_page_maybe_written(rb, p->offset[i]) &&
            !multifd_page_is_zero(c->host[i])) {
            memset(c->host[i], 0, TARGET_PAGE_SIZE);
        }
    }
    return true;
}

/* Read and apply one packet. *eof on a clean end of the connection. */
static bool recv_packet(RecvChannel *c, bool *eof, GError **errp)
{
    MultiFDRecv *r = c->set;
    uint32_t flags;
    size_t got, size;

    if (!recv_header(c, &got, eof, errp)) {
        return false;
    }
    if (*eof) {
        return true;
    }
    if (!multifd_header_decode(c->header, c->id, &flags, errp)) {
        return false;
    }
    size = MULTIFD_HDR_SIZE + multifd_packet_rest_size(flags);
    if (got < size &&
        !mig_channel_read_all(c->ch, c->header + got, size - got, errp)) {
        return false;
    }
    if (flags & MULTIFD_FLAG_DEVICE_STATE) {
        MultiFDDeviceStatePacket ds;

        if (multifd_device_state_decode(c->header, c->id, &ds, errp)) {
            error_setg(errp, "multifd channel %u: device state of '%s' "
                       "instance %u over multifd is not supported", c->id,
                       ds.idstr, ds.instance_id);
        }
        return false;
    }
    if (!multifd_ram_packet_decode(c->header, c->id, r->comp_flag,
                                   &c->packet, errp)) {
        return false;
    }
    /* Pre-9.0 sources put pages into sync packets too (wire 6.2.4). */
    if (c->packet.normal_pages + c->packet.zero_pages) {
        if (!recv_pages(c, errp)) {
            return false;
        }
        if (r->params.pages_landed) {
            r->params.pages_landed(recv_find_block(r, c->packet.ramblock),
                                   c->packet.offset,
                                   c->packet.normal_pages +
                                   c->packet.zero_pages, r->params.opaque);
        }
        multifd_stats_add(&r->stats, 1, 0, c->packet.normal_pages,
                          c->packet.zero_pages,
                          MULTIFD_RAM_PACKET_SIZE +
                          c->packet.next_packet_size);
    }
    return true;
}

static gpointer recv_thread(gpointer opaque)
{
    RecvChannel *c = opaque;
    MultiFDRecv *r = c->set;
    GError *err = NULL;

    for (;;) {
        bool eof;

        if (!recv_packet(c, &eof, &err)) {
            if (!g_str_has_prefix(err->message, "multifd channel ")) {
                error_prepend(&err, "multifd channel %u: ", c->id);
            }
            break;
        }
        if (eof) {
            break;
        }
        if (c->packet.flags & MULTIFD_FLAG_SYNC) {
            multifd_stats_add(&r->stats, 0, 1, 0, 0,
                              MULTIFD_RAM_PACKET_SIZE);
            /* Stay put until the main channel reaches its marker. */
            g_mutex_lock(&r->lock);
            c->synced = true;
            g_cond_broadcast(&r->cond);
            while (c->synced && !r->error && !r->quit) {
                g_cond_wait(&r->cond, &r->lock);
            }
            bool stop = r->error || r->quit;
            g_mutex_unlock(&r->lock);
            if (stop) {
                break;
            }
        }
    }
    if (err) {
        recv_fail(r, err);
    }
    g_mutex_lock(&r->lock);
    c->ended = true;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    return NULL;
}

MultiFDRecv *multifd_recv_setup(const MultiFDRecvParams *params)
{
    MultiFDRecv *r = g_new0(MultiFDRecv, 1);

    g_assert(params->channels >= 1 && params->channels <= 255);
    r->params = *params;
    r->comp_flag = multifd_compress_flag(params->compression);
    r->chan = g_new0(RecvChannel, params->channels);
    for (unsigned i = 0; i < params->channels; i++) {
        r->chan[i].set = r;
        r->chan[i].id = i;
    }
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    return r;
}

bool multifd_recv_new_channel(MultiFDRecv *r, MigChannel *ch, unsigned *id,
                              GError **errp)
{
    g_autofree char *conn = g_strdup_printf("multifd connection '%s'",
                                            ch->name);
    uint8_t hs[MULTIFD_INIT_SIZE];
    g_autoptr(MultiFDCodec) codec = NULL;
    MultiFDInit init;
    RecvChannel *c;
    GThread *thread;

    if (!mig_channel_read_all(ch, hs, sizeof(hs), errp)) {
        error_prepend(errp, "%s: reading the handshake: ", conn);
        return false;
    }
    if (!multifd_init_decode(hs, conn, r->params.uuid, r->params.channels,
                             &init, errp)) {
        return false;
    }
    if (r->params.compression != MULTIFD_COMPRESSION_NONE) {
        codec = multifd_codec_new_recv(r->params.compression, init.id, errp);
        if (!codec) {
            return false;
        }
    }

    g_mutex_lock(&r->lock);
    c = &r->chan[init.id];
    if (!copy_error_locked(r, errp)) {
        g_mutex_unlock(&r->lock);
        return false;
    }
    if (r->quit || c->ch) {
        g_mutex_unlock(&r->lock);
        error_setg(errp, "%s: received id '%u' already setup", conn,
                   init.id);
        return false;
    }
    c->codec = g_steal_pointer(&codec);
    if (c->codec) {
        c->payload = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
    }
    c->ch = mig_channel_ref(ch);
    {
        g_autofree char *name = g_strdup_printf("mig/dst/recv_%u", init.id);

        thread = migration_threadinfo_spawn(name, recv_thread, c, errp);
    }
    if (!thread) {
        mig_channel_unref(g_steal_pointer(&c->ch));
        multifd_codec_free(g_steal_pointer(&c->codec));
        g_clear_pointer(&c->payload, g_free);
        g_mutex_unlock(&r->lock);
        error_prepend(errp, "%s: ", conn);
        return false;
    }
    c->thread = thread;
    r->created++;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
    if (id) {
        *id = init.id;
    }
    return true;
}

bool multifd_recv_all_channels_created(MultiFDRecv *r)
{
    bool all;

    g_mutex_lock(&r->lock);
    all = r->created == r->params.channels;
    g_mutex_unlock(&r->lock);
    return all;
}

bool multifd_recv_sync_main(MultiFDRecv *r, GError **errp)
{
    unsigned n = r->params.channels;
    GError *closed = NULL;
    bool ok;

    g_mutex_lock(&r->lock);
    while (!r->error && !r->quit) {
        bool all = true;

        for (unsigned i = 0; i < n && !closed; i++) {
            RecvChannel *c = &r->chan[i];

            if (c->synced) {
                continue;
            }
            all = false;
            if (c->ended) {
                closed = g_error_new(QMP_ERROR, ERROR_CLASS_GENERIC_ERROR,
                                     "multifd channel %u: connection closed "
                                     "before its sync packet", i);
            }
        }
        if (all || closed) {
            break;
        }
        g_cond_wait(&r->cond, &r->lock);
    }
    if (closed) {
        g_mutex_unlock(&r->lock);
        recv_fail(r, closed);
        g_mutex_lock(&r->lock);
    }
    if (r->quit && !r->error) {
        g_mutex_unlock(&r->lock);
        error_setg(errp, "multifd: receiving was shut down");
        return false;
    }
    ok = copy_error_locked(r, errp);
    if (ok) {
        for (unsigned i = 0; i < n; i++) {
            r->chan[i].synced = false;
        }
        g_cond_broadcast(&r->cond);
    }
    g_mutex_unlock(&r->lock);
    return ok;
}

void multifd_recv_cancel(MultiFDRecv *r, const char *reason)
{
    recv_fail(r, g_error_new_literal(QMP_ERROR, ERROR_CLASS_GENERIC_ERROR,
                                     reason));
}

bool multifd_recv_shutdown(MultiFDRecv *r, GError **errp)
{
    bool ok;

    g_mutex_lock(&r->lock);
    r->quit = true;
    for (unsigned i = 0; i < r->params.channels; i++) {
        if (r->chan[i].ch) {
            mig_channel_shutdown(r->chan[i].ch, MIG_CHANNEL_SHUTDOWN_BOTH);
        }
    }
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);

    for (unsigned i = 0; i < r->params.channels; i++) {
        RecvChannel *c = &r->chan[i];

        if (c->thread) {
            g_thread_join(c->thread);
        }
        if (c->ch) {
            mig_channel_unref(c->ch);
        }
        multifd_codec_free(c->codec);
        g_free(c->payload);
    }
    ok = copy_error_locked(r, errp);
    g_clear_error(&r->error);
    g_mutex_clear(&r->lock);
    g_cond_clear(&r->cond);
    g_free(r->chan);
    g_free(r);
    return ok;
}

void multifd_recv_get_stats(MultiFDRecv *r, MultiFDStats *out)
{
    multifd_stats_read(&r->stats, out);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd source: the producer's batches, the sender threads and the
 * flush-and-sync of wire 6.2.6.
 *
 * One mutex guards the hand-over state of every channel (its queue,
 * sync_pending) and the set's error. Each channel has a small ring of
 * batches: the producer swaps its filled batch with the free slot after
 * the queued ones, so pages are never copied, and it waits only when
 * every ring is full. A sender takes every queued batch at once and
 * writes their packets with one vectored write, the lock dropped.
 *
 * Wake-ups are targeted: a sender sleeps on its own condition variable
 * and the producer on another, and each side signals only when the other
 * said it sleeps. With 4 senders and the producer on 2 cores, waking
 * everyone on every change cost several context switches per packet.
 */
#include "qemu/osdep.h"

#include "migration/multifd-compress.h"
#include "migration/multifd-internal.h"
#include "qapi/error.h"
#include "migration/threadinfo.h"

/*
 * Batches a channel may hold: the one being written plus the ones queued
 * behind it, at most SEND_RING. Every queued batch is a packet's worth of
 * guest pages in flight that the switchover must still flush, so the
 * depth is set per migration to keep about SEND_IN_FLIGHT packets queued
 * over all channels, and never below 3 so that the producer rarely waits
 * for a sender. A sender writes all it finds queued in one writev, so a
 * deeper ring means fewer syscalls and wake-ups: one channel at depth 8
 * spends a seventh less CPU than at 3; four channels gained nothing from
 * it but more data in flight (docs/devel/benchmarks.rst, "Multifd sender
 * batching and zero-copy sending").
 */
#define SEND_RING 8
#define SEND_RING_MIN 3
#define SEND_IN_FLIGHT 12

typedef struct SendBatch {
    RAMBlock *block;
    unsigned num;
    ram_addr_t offset[MULTIFD_PAGES_PER_PACKET];
} SendBatch;

/* What the sender builds for one batch: its packet and where the pages
 * are. */
typedef struct SendPacket {
    MultiFDRamPacket packet;
    uint8_t header[MULTIFD_RAM_PACKET_SIZE];
    ram_addr_t zero[MULTIFD_PAGES_PER_PACKET];
    const uint8_t *normal_host[MULTIFD_PAGES_PER_PACKET];
} SendPacket;

typedef struct SendChannel {
    MultiFDSend *set;
    unsigned id;
    MigChannel *ch;
    GThread *thread;
    GCond cond;                 /* the sender waits here */

    /* Guarded by set->lock. */
    SendBatch *slot[SEND_RING]; /* [head, head + queued) hold pages */
    unsigned head;
    unsigned queued;            /* including those being written */
    bool sync_pending;          /* send a sync packet after the queue */
    bool sleeping;              /* waits on cond */
    bool exited;

    /* The thread's own. */
    MultiFDCodec *codec;        /* NULL without compression */
    uint8_t *payload;           /* compressed payload buffer */
    SendPacket pkt[SEND_RING];
    struct iovec iov[SEND_RING * (1 + MULTIFD_PAGES_PER_PACKET)];
} SendChannel;

struct MultiFDSend {
    MultiFDSendParams params;
    uint32_t comp_flag;
    unsigned n;
    unsigned depth;             /* batches queued per channel, at most */
    SendChannel *chan;

    GMutex lock;
    GCond cond;                 /* the producer waits here */
    bool producer_sleeping;     /* lock */
    GError *error;              /* first error; set under lock, once */
    bool error_notified;        /* lock */
    bool quit;                  /* lock */

    SendBatch *batch;           /* being filled; producer only */
    unsigned next;              /* round-robin start; producer only */
    uint64_t packet_num;        /* atomic */
    MultiFDStats stats;         /* atomic */
};

/* Everyone waiting must look again (error, quit). Lock held. */
static void wake_all_locked(MultiFDSend *s)
{
    g_cond_broadcast(&s->cond);
    for (unsigned i = 0; i < s->n; i++) {
        g_cond_broadcast(&s->chan[i].cond);
    }
}

/* The producer waits for a free slot or a sync: tell it to look. Lock
 * held. */
static void wake_producer_locked(MultiFDSend *s)
{
    if (s->producer_sleeping) {
        g_cond_signal(&s->cond);
    }
}

static void wake_sender_locked(SendChannel *c)
{
    if (c->sleeping) {
        g_cond_signal(&c->cond);
    }
}

/*
 * Record err as the set's error if it is the first, shut every channel
 * down (blocked writes return at once) and wake all waiters. Takes err.
 */
static void send_fail(MultiFDSend *s, GError *err)
{
    bool notify = false;

    g_mutex_lock(&s->lock);
    if (!s->error) {
        qatomic_set(&s->error, err);
        err = NULL;
        notify = s->params.error_notify && !s->error_notified;
        s->error_notified = true;
        for (unsigned i = 0; i < s->n; i++) {
            if (s->chan[i].ch) {
                mig_channel_shutdown(s->chan[i].ch,
                                     MIG_CHANNEL_SHUTDOWN_BOTH);
            }
        }
    }
    wake_all_locked(s);
    g_mutex_unlock(&s->lock);
    g_clear_error(&err);
    /* s->error no longer changes, so reading it unlocked is safe. */
    if (notify) {
        s->params.error_notify(s->error, s->params.opaque);
    }
}

static bool copy_error_locked(MultiFDSend *s, GError **errp)
{
    if (!s->error) {
        return true;
    }
    g_propagate_error(errp, g_error_copy(s->error));
    return false;
}

static const char *wire_block_name(MultiFDSend *s, RAMBlock *rb)
{
    return s->params.block_name ? s->params.block_name(rb, s->params.opaque)
                                : ram_block_name(rb);
}

/*
 * Build the packet of batch b into pk and append its header and payload
 * to iov at *iovcnt. The payload length goes to *bytes. Sender thread,
 * lock not held.
 */
static bool build_packet(SendChannel *c, const SendBatch *b, SendPacket *pk,
                         struct iovec *iov, unsigned *iovcnt,
                         size_t *bytes, GError **errp)
{
    MultiFDSend *s = c->set;
    MultiFDRamPacket *p = &pk->packet;
    const uint8_t *host = ram_block_host(b->block);
    bool detect = s->params.zero_page_detection == ZERO_PAGE_DETECTION_MULTIFD;
    unsigned normal = 0, zero = 0, at = *iovcnt;
    size_t payload_len;

    memset(p, 0, offsetof(MultiFDRamPacket, offset));
    /*
     * The list is normal pages, then zero pages (wire 6.2.3). A page
     * never written since the block was created is zero without reading
     * it; the guest may change a page while we look, but then it is dirty
     * again and goes out in the next round.
     */
    for (unsigned i = 0; i < b->num; i++) {
        ram_addr_t off = b->offset[i];

        if (detect && (!multifd_page_maybe_written(b->block, off) ||
                       multifd_page_is_zero(host + off))) {
            pk->zero[zero++] = off;
        } else {
            pk->normal_host[normal] = host + off;
            p->offset[normal++] = off;
        }
    }
    memcpy(p->offset + normal, pk->zero, zero * sizeof(pk->zero[0]));

    iov[at++] = (struct iovec){ pk->header, MULTIFD_RAM_PACKET_SIZE };
    if (normal == 0) {
        payload_len = 0;
    } else if (c->codec) {
        if (!multifd_codec_compress(c->codec, pk->normal_host, normal,
                                    c->payload,
                                    MULTIFD_COMPRESSED_PAYLOAD_MAX,
                                    &payload_len, errp)) {
            return false;
        }
        iov[at++] = (struct iovec){ c->payload, payload_len };
    } else {
        /* Straight from guest RAM: no copy. Pages that follow each other
         * in memory are one element. */
        for (unsigned i = 0; i < normal; i++) {
            struct iovec *last = &iov[at - 1];

            if (i > 0 && (const uint8_t *)last->iov_base + last->iov_len ==
                         pk->normal_host[i]) {
                last->iov_len += TARGET_PAGE_SIZE;
            } else {
                iov[at++] = (struct iovec){ (void *)pk->normal_host[i],
                                            TARGET_PAGE_SIZE };
            }
        }
        payload_len = (size_t)normal * TARGET_PAGE_SIZE;
    }

    p->flags = s->comp_flag;
    p->pages_alloc = MULTIFD_PAGES_PER_PACKET;
    p->normal_pages = normal;
    p->zero_pages = zero;
    p->next_packet_size = payload_len;
    p->packet_num = __atomic_fetch_add(&s->packet_num, 1, __ATOMIC_RELAXED);
    g_strlcpy(p->ramblock, wire_block_name(s, b->block),
              sizeof(p->ramblock));
    multifd_ram_packet_encode(p, pk->header);
    *iovcnt = at;
    *bytes = payload_len;
    return true;
}

/*
 * Write the packets of the n batches from slot first on, in one vectored
 * write (a compressed payload has one buffer, so one batch then). Sender
 * thread, lock not held: the producer does not touch queued slots.
 */
static bool send_batches(SendChannel *c, SendBatch *const *batch, unsigned n,
                         GError **errp)
{
    MultiFDSend *s = c->set;
    uint64_t normal = 0, zero = 0, bytes = 0;
    unsigned iovcnt = 0;

    for (unsigned i = 0; i < n; i++) {
        size_t payload_len;

        if (!build_packet(c, batch[i], &c->pkt[i], c->iov, &iovcnt,
                          &payload_len, errp)) {
            return false;
        }
        normal += c->pkt[i].packet.normal_pages;
        zero += c->pkt[i].packet.zero_pages;
        bytes += MULTIFD_RAM_PACKET_SIZE + payload_len;
    }
    if (!mig_channel_writev_all(c->ch, c->iov, iovcnt, errp)) {
        return false;
    }
    multifd_stats_add(&s->stats, n, 0, normal, zero, bytes);
    return true;
}

static bool send_sync_packet(SendChannel *c, GError **errp)
{
    MultiFDSend *s = c->set;
    SendPacket *pk = &c->pkt[0];

    multifd_sync_packet_init(&pk->packet,
                             __atomic_fetch_add(&s->packet_num, 1,
                                                __ATOMIC_RELAXED));
    multifd_ram_packet_encode(&pk->packet, pk->header);
    if (!mig_channel_write_all(c->ch, pk->header, MULTIFD_RAM_PACKET_SIZE,
                               errp)) {
        return false;
    }
    multifd_stats_add(&s->stats, 0, 1, 0, 0, MULTIFD_RAM_PACKET_SIZE);
    return true;
}

static gpointer send_thread(gpointer opaque)
{
    SendChannel *c = opaque;
    MultiFDSend *s = c->set;
    MultiFDInit init = { .id = c->id };
    uint8_t hs[MULTIFD_INIT_SIZE];
    GError *err = NULL;

    memcpy(init.uuid, s->params.uuid, sizeof(init.uuid));
    multifd_init_encode(&init, hs);
    if (!mig_channel_write_all(c->ch, hs, sizeof(hs), &err)) {
        goto out;
    }

    g_mutex_lock(&s->lock);
    for (;;) {
        bool ok;

        while (!c->queued && !c->sync_pending && !s->quit && !s->error) {
            c->sleeping = true;
            g_cond_wait(&c->cond, &s->lock);
            c->sleeping = false;
        }
        if (s->error) {
            break;
        }
        /* Pages first: a sync packet follows everything queued before. */
        if (c->queued) {
            SendBatch *batch[SEND_RING];
            unsigned n = c->codec ? 1 : c->queued;

            for (unsigned i = 0; i < n; i++) {
                batch[i] = c->slot[(c->head + i) % SEND_RING];
            }
            g_mutex_unlock(&s->lock);
            ok = send_batches(c, batch, n, &err);
            g_mutex_lock(&s->lock);
            if (!ok) {
                break;
            }
            for (unsigned i = 0; i < n; i++) {
                batch[i]->num = 0;
            }
            c->head = (c->head + n) % SEND_RING;
            c->queued -= n;
        } else if (c->sync_pending) {
            g_mutex_unlock(&s->lock);
            ok = send_sync_packet(c, &err);
            g_mutex_lock(&s->lock);
            if (!ok) {
                break;
            }
            c->sync_pending = false;
        } else {
            break;      /* quit, nothing left to send */
        }
        wake_producer_locked(s);
    }
    g_mutex_unlock(&s->lock);

out:
    if (err) {
        if (!g_str_has_prefix(err->message, "multifd channel ")) {
            error_prepend(&err, "multifd channel %u: ", c->id);
        }
        send_fail(s, err);
    }
    g_mutex_lock(&s->lock);
    c->exited = true;
    wake_producer_locked(s);
    g_mutex_unlock(&s->lock);
    return NULL;
}

MultiFDSend *multifd_send_setup(MigChannel *const channels[], unsigned n,
                                const MultiFDSendParams *params,
                                GError **errp)
{
    MultiFDSend *s;

    g_assert(n >= 1 && n <= 255);
    s = g_new0(MultiFDSend, 1);
    s->params = *params;
    s->comp_flag = multifd_compress_flag(params->compression);
    s->n = n;
    s->depth = CLAMP(SEND_IN_FLIGHT / n, SEND_RING_MIN, SEND_RING);
    s->chan = g_new0(SendChannel, n);
    s->batch = g_new0(SendBatch, 1);
    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);

    for (unsigned i = 0; i < n; i++) {
        SendChannel *c = &s->chan[i];

        c->set = s;
        c->id = i;
        c->ch = mig_channel_ref(channels[i]);
        g_cond_init(&c->cond);
        for (unsigned j = 0; j < SEND_RING; j++) {
            c->slot[j] = g_new0(SendBatch, 1);
        }
        if (params->compression != MULTIFD_COMPRESSION_NONE) {
            int level = params->compression == MULTIFD_COMPRESSION_ZLIB
                        ? params->zlib_level : params->zstd_level;

            c->codec = multifd_codec_new_send(params->compression, level, i,
                                              errp);
            if (!c->codec) {
                goto fail;
            }
            c->payload = g_malloc(MULTIFD_COMPRESSED_PAYLOAD_MAX);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        g_autofree char *name = g_strdup_printf("mig/src/send_%u", i);

        s->chan[i].thread = migration_threadinfo_spawn(name, send_thread,
                                                       &s->chan[i], errp);
        if (!s->chan[i].thread) {
            error_prepend(errp, "multifd channel %u: ", i);
            /* Stop the threads already running; they have sent at most
             * their handshake. */
            multifd_send_cancel(s, "multifd setup failed");
            goto fail;
        }
    }
    return s;

fail:
    {
        GError *ignored = NULL;

        multifd_send_shutdown(s, &ignored);
        g_clear_error(&ignored);
    }
    return NULL;
}

/* Queue the producer's batch on the next channel with a free slot.
 * Producer thread. */
static bool send_hand_off(MultiFDSend *s, GError **errp)
{
    SendChannel *c = NULL;
    SendBatch *empty;
    unsigned at;

    g_mutex_lock(&s->lock);
    for (;;) {
        if (!copy_error_locked(s, errp)) {
            g_mutex_unlock(&s->lock);
            return false;
        }
        for (unsigned i = 0; i < s->n; i++) {
            SendChannel *cand = &s->chan[(s->next + i) % s->n];

            if (cand->queued < s->depth && !cand->sync_pending) {
                c = cand;
                break;
            }
        }
        if (c) {
            break;
        }
        s->producer_sleeping = true;
        g_cond_wait(&s->cond, &s->lock);
        s->producer_sleeping = false;
    }
    at = (c->head + c->queued) % SEND_RING;
    empty = c->slot[at];
    c->slot[at] = s->batch;
    s->batch = empty;
    c->queued++;
    s->next = (c->id + 1) % s->n;
    wake_sender_locked(c);
    g_mutex_unlock(&s->lock);
    return true;
}

bool multifd_queue_page(MultiFDSend *s, RAMBlock *rb, ram_addr_t offset,
                        GError **errp)
{
    SendBatch *b = s->batch;

    g_assert(!(offset & (TARGET_PAGE_SIZE - 1)));
    g_assert(offset < ram_block_used_length(rb));
    if (b->num && b->block != rb) {
        if (!send_hand_off(s, errp)) {
            return false;
        }
        b = s->batch;
    }
    b->block = rb;
    b->offset[b->num++] = offset;
    if (b->num == MULTIFD_PAGES_PER_PACKET) {
        return send_hand_off(s, errp);
    }
    /* Report a failure as soon as the producer looks, not only when a
     * batch fills. */
    if (qatomic_read(&s->error)) {
        g_mutex_lock(&s->lock);
        copy_error_locked(s, errp);
        g_mutex_unlock(&s->lock);
        return false;
    }
    return true;
}

bool multifd_send_sync_main(MultiFDSend *s, GError **errp)
{
    bool ok;

    if (s->batch->num && !send_hand_off(s, errp)) {
        return false;
    }
    g_mutex_lock(&s->lock);
    for (unsigned i = 0; i < s->n; i++) {
        s->chan[i].sync_pending = true;
        wake_sender_locked(&s->chan[i]);
    }
    for (;;) {
        bool pending = false;

        if (s->error) {
            break;
        }
        for (unsigned i = 0; i < s->n; i++) {
            pending |= s->chan[i].sync_pending;
        }
        if (!pending) {
            break;
        }
        s->producer_sleeping = true;
        g_cond_wait(&s->cond, &s->lock);
        s->producer_sleeping = false;
    }
    ok = copy_error_locked(s, errp);
    g_mutex_unlock(&s->lock);
    return ok;
}

void multifd_send_cancel(MultiFDSend *s, const char *reason)
{
    send_fail(s, g_error_new_literal(QMP_ERROR, ERROR_CLASS_GENERIC_ERROR,
                                     reason));
}

bool multifd_send_shutdown(MultiFDSend *s, GError **errp)
{
    bool ok, clean;

    g_mutex_lock(&s->lock);
    s->quit = true;
    wake_all_locked(s);
    g_mutex_unlock(&s->lock);

    for (unsigned i = 0; i < s->n; i++) {
        if (s->chan[i].thread) {
            g_thread_join(s->chan[i].thread);
            s->chan[i].thread = NULL;
        }
    }
    /* The threads are gone: the set's error is final. */
    clean = s->error == NULL;
    for (unsigned i = 0; i < s->n; i++) {
        SendChannel *c = &s->chan[i];
        GError *err = NULL;

        if (clean && c->ch && s->params.channel_end &&
            !s->params.channel_end(c->ch, s->params.opaque, &err)) {
            error_prepend(&err, "multifd channel %u: ", c->id);
            send_fail(s, err);
            clean = false;
        }
        /* The peer sees the end of each connection (wire 6.2.8). */
        if (c->ch) {
            mig_channel_shutdown(c->ch, MIG_CHANNEL_SHUTDOWN_BOTH);
            mig_channel_unref(c->ch);
        }
        multifd_codec_free(c->codec);
        g_free(c->payload);
        for (unsigned j = 0; j < SEND_RING; j++) {
            g_free(c->slot[j]);
        }
        g_cond_clear(&c->cond);
    }
    ok = copy_error_locked(s, errp);
    g_clear_error(&s->error);
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->cond);
    g_free(s->batch);
    g_free(s->chan);
    g_free(s);
    return ok;
}

void multifd_send_get_stats(MultiFDSend *s, MultiFDStats *out)
{
    multifd_stats_read(&s->stats, out);
}

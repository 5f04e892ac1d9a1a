/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connections of a multifd migration (see multifd-channels.h).
 *
 * Source: the migration thread opens the extra connections one after the
 * other through the transport layer (whose callbacks run in the main
 * loop) and starts the sender set on them before it writes the stream
 * header, as wire 6.2 asks. A failing channel shuts the main channel
 * down with the channel's error, so the migration thread fails with the
 * real reason; in postcopy the channels are idle and a failure there is
 * only reported.
 *
 * Destination: a socket connection is sorted by peeking at its first
 * bytes from the main loop (a readiness watch, never a blocking read):
 * the stream magic makes it the main channel, the multifd magic a
 * multifd channel, whose 64-byte handshake is then already buffered so
 * that reading it cannot block the main loop. Without multifd nothing is
 * peeked: the first connection is main and a later one postcopy-preempt.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <glib-unix.h>
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "system/system.h"
#include "system/runstate.h"
#include "migration/multifd-channels.h"
#include "migration/options.h"
#include "migration/qemu-file.h"
#include "migration/status.h"
#include "migration/savevm.h"
#include "migration/postcopy-ram.h"
#include "migration/tls.h"
#include "migration/tls-channel-setup.h"

/* Longest wait for one extra connection. */
#define EXTRA_CONNECT_TIMEOUT_US (30 * G_USEC_PER_SEC)
/* How often a waiting connect looks for a cancel. */
#define EXTRA_CONNECT_POLL_US (100 * 1000)
/* Retry delay when only part of a magic or handshake has arrived. */
#define PEEK_RETRY_MS 5
/* A TLS multifd channel's queue of records for the socket. */
#define MULTIFD_TLS_SEND_BUFS 6
#define MULTIFD_TLS_SEND_BUF_SIZE (576 * 1024)

/* ---- source: one extra connection ---- */

/* Shared by the waiting thread and the main-loop callback, which may
 * come after the waiter gave up. */
typedef struct ExtraConnect {
    GMutex lock;
    GCond cond;
    gatomicrefcount refs;       /* the waiter and the callback */
    bool done;                  /* lock */
    MigChannel *ch;             /* lock */
    GError *err;                /* lock */
} ExtraConnect;

static void extra_connect_unref(ExtraConnect *c)
{
    if (!g_atomic_ref_count_dec(&c->refs)) {
        return;
    }
    if (c->ch) {
        mig_channel_unref(c->ch);
    }
    g_clear_error(&c->err);
    g_mutex_clear(&c->lock);
    g_cond_clear(&c->cond);
    g_free(c);
}

static void extra_connected(MigChannel *ch, GError *err, void *opaque)
{
    ExtraConnect *c = opaque;

    g_mutex_lock(&c->lock);
    c->ch = ch;
    c->err = err;
    c->done = true;
    g_cond_broadcast(&c->cond);
    g_mutex_unlock(&c->lock);
    extra_connect_unref(c);
}

/* Open one extra connection; its channel arrives in the main loop. */
static ExtraConnect *extra_connect_start(MigrationState *s, GError **errp)
{
    ExtraConnect *c = g_new0(ExtraConnect, 1);
    GError *err = NULL;
    bool ok;

    g_mutex_init(&c->lock);
    g_cond_init(&c->cond);
    g_atomic_ref_count_init(&c->refs);
    g_atomic_ref_count_inc(&c->refs);
    bql_lock();
    ok = migration_channel_connect(s->addr, extra_connected, c, &err);
    bql_unlock();
    if (!ok) {
        extra_connect_unref(c); /* the callback will never run */
        extra_connect_unref(c);
        g_propagate_error(errp, err);
        return NULL;
    }
    return c;
}

/* Wait for the connection c until deadline; drops the waiter's
 * reference. */
static MigChannel *extra_connect_wait(MigrationState *s, ExtraConnect *c,
                                      gint64 deadline, GError **errp)
{
    MigChannel *ch = NULL;
    GError *err = NULL;

    g_mutex_lock(&c->lock);
    while (!c->done) {
        gint64 now = g_get_monotonic_time();

        if (g_atomic_int_get(s->state) == MIGRATION_STATUS_CANCELLING) {
            error_setg(&err, "migration was cancelled while connecting");
            break;
        }
        if (now >= deadline) {
            error_setg(&err, "connecting timed out");
            break;
        }
        g_cond_wait_until(&c->cond, &c->lock,
                          MIN(deadline, now + EXTRA_CONNECT_POLL_US));
    }
    if (c->done) {
        ch = g_steal_pointer(&c->ch);
        err = g_steal_pointer(&c->err);
    }
    g_mutex_unlock(&c->lock);
    extra_connect_unref(c);
    if (!ch) {
        g_propagate_error(errp, err);
    }
    return ch;
}

MigChannel *migration_connect_extra_channel(MigrationState *s,
                                            GError **errp)
{
    ExtraConnect *c = extra_connect_start(s, errp);

    return c ? extra_connect_wait(s, c, g_get_monotonic_time() +
                                  EXTRA_CONNECT_TIMEOUT_US, errp)
             : NULL;
}

/*
 * Connect the n multifd channels into chans. Plain connections are
 * opened all at once (the destination sorts them by peeking, and each
 * costs a main-loop round trip here). With TLS the callback gets the
 * channel after its handshake, so each connection is up before the next
 * one is opened: the destination, which cannot peek into TLS, sorts them
 * by order. Returns how many channels were connected (n on success).
 */
static unsigned connect_channels(MigrationState *s, MigChannel **chans,
                                 unsigned n, GError **errp)
{
    g_autofree ExtraConnect **pending = g_new0(ExtraConnect *, n);
    gint64 deadline = g_get_monotonic_time() + EXTRA_CONNECT_TIMEOUT_US;
    GError *err = NULL;
    unsigned started = 0, got = 0;

    if (migrate_tls()) {
        for (got = 0; got < n; got++) {
            chans[got] = migration_connect_extra_channel(s, &err);
            if (!chans[got]) {
                break;
            }
        }
    } else {
        for (; started < n; started++) {
            pending[started] = extra_connect_start(s, &err);
            if (!pending[started]) {
                break;
            }
        }
        /* Collect every started one, even after a failure, so that none
         * is left behind. */
        for (unsigned i = 0; i < started; i++) {
            GError *e = NULL;
            MigChannel *ch = extra_connect_wait(s, pending[i], deadline,
                                                err ? NULL : &e);

            if (ch && !err) {
                chans[got++] = ch;
            } else if (ch) {
                mig_channel_unref(ch);
            } else if (!err) {
                err = e;
            }
        }
    }
    if (err) {
        g_propagate_prefixed_error(errp, err, "multifd channel %u of %u: ",
                                   got, n);
    }
    return got;
}

/* ---- source: the sender set ---- */

static GMutex out_lock;
static MultiFDSend *out_set;    /* out_lock; used by the migration thread */

/* A channel failed (its thread, no lock held). */
static void outgoing_set_failed(const GError *err, void *opaque)
{
    MigrationState *s = opaque;

    if (migration_status_in_postcopy(g_atomic_int_get(s->state))) {
        /* No page travels on multifd in postcopy. */
        warn_report("migration: %s", err->message);
        return;
    }
    g_mutex_lock(&s->file_lock);
    if (s->to_dst_file) {
        qemu_file_set_error_obj(s->to_dst_file, -EIO, g_error_copy(err));
        qemu_file_shutdown(s->to_dst_file);
    }
    g_mutex_unlock(&s->file_lock);
    migration_wake(s);
}

/* A clean end of a channel: TLS says close_notify (wire 6.2.8). */
static bool outgoing_channel_end(MigChannel *ch, void *opaque, GError **errp)
{
    return !migration_tls_channel_is_tls(ch) ||
           migration_tls_channel_bye(ch, errp);
}

bool multifd_outgoing_setup(MigrationState *s, GError **errp)
{
    unsigned n = migrate_multifd_channels();
    g_autofree MigChannel **chans = g_new0(MigChannel *, n);
    MultiFDSend *set = NULL;
    MultiFDSendParams p;
    unsigned i;

    i = connect_channels(s, chans, n, errp);
    for (unsigned j = 0; j < i; j++) {
        if (migration_tls_channel_is_tls(chans[j])) {
            /* The send thread encrypts while this one writes the socket.
             * Its buffers hold a packet's records each: the thread wakes
             * once per buffer, and the encrypting side pays for that. */
            g_autofree char *name = g_strdup_printf("mig/tls/send_%u", j);

            migration_tls_channel_start_sender(chans[j], name,
                                               MULTIFD_TLS_SEND_BUFS,
                                               MULTIFD_TLS_SEND_BUF_SIZE);
        }
    }
    if (i == n) {
        multifd_send_params_from_options(&p, qemu_uuid, false);
        p.error_notify = outgoing_set_failed;
        p.channel_end = outgoing_channel_end;
        p.opaque = s;
        set = multifd_send_setup(chans, n, &p, errp);
    }
    for (unsigned j = 0; j < i; j++) {
        mig_channel_unref(chans[j]);    /* the set holds its own */
    }
    if (!set) {
        return false;
    }
    g_mutex_lock(&out_lock);
    out_set = set;
    g_mutex_unlock(&out_lock);
    return true;
}

MultiFDSend *multifd_outgoing_get(void)
{
    MultiFDSend *set;

    g_mutex_lock(&out_lock);
    set = out_set;
    g_mutex_unlock(&out_lock);
    return set;
}

void multifd_outgoing_cancel(const char *reason)
{
    g_mutex_lock(&out_lock);
    if (out_set) {
        multifd_send_cancel(out_set, reason);
    }
    g_mutex_unlock(&out_lock);
}

void multifd_outgoing_finish(bool completed)
{
    g_autoptr(GError) err = NULL;
    MultiFDSend *set;

    g_mutex_lock(&out_lock);
    set = out_set;
    out_set = NULL;
    g_mutex_unlock(&out_lock);
    if (!set) {
        return;
    }
    if (!completed) {
        multifd_send_cancel(set, "migration ended");
    }
    if (!multifd_send_shutdown(set, &err) && completed) {
        /* Everything was synced before: the destination has it all. */
        warn_report("migration: multifd shutdown: %s", err->message);
    }
}

/* ---- destination: sorting connections ---- */

typedef enum ChannelRole {
    ROLE_MAIN,
    ROLE_MULTIFD,
} ChannelRole;

typedef struct ChannelPeek {
    MigrationIncomingState *mis;
    MigChannel *ch;
    guint source;               /* fd watch or retry timer */
} ChannelPeek;

/* A TLS multifd channel whose 64-byte handshake is read in a helper
 * thread: it cannot be peeked, so the bytes are not known to be there,
 * and a blocked main loop could not accept the next connection the
 * source is waiting for before it writes any handshake. */
typedef struct ChannelHello {
    MigrationIncomingState *mis;
    MigChannel *ch;             /* the thread's reference */
    GThread *thread;
    GError *err;                /* thread result */
    bool cancelled;             /* main loop: teardown came first */
} ChannelHello;

/* Main loop (BQL) only, except `set` (see multifd_incoming_get). */
static struct {
    GList *hellos;              /* ChannelHello whose thread runs */
    GList *peeks;               /* ChannelPeek being sorted */
    MigChannel *main;           /* waiting for the multifd channels */
    MultiFDRecv *set;
} in;

/* A connection that could not be sorted or set up: reported; with
 * exit-on-error the destination gives up (spec states 3.2, notes). */
static void incoming_channel_error(MigrationIncomingState *mis, GError *err)
{
    error_report("migration: %s", err->message);
    g_error_free(err);
    if (mis->exit_on_error) {
        qemu_system_shutdown_request_with_code(SHUTDOWN_CAUSE_HOST_ERROR, 1);
    }
}

/* A receiver channel failed (its thread): wake the main reader with the
 * channel's error. In postcopy the main reader decides on its own. */
static void incoming_set_failed(const GError *err, void *opaque)
{
    MigrationIncomingState *mis = opaque;

    if (migration_status_in_postcopy(g_atomic_int_get(mis->state))) {
        warn_report("migration: %s", err->message);
        return;
    }
    g_mutex_lock(&mis->file_lock);
    if (mis->from_src_file) {
        qemu_file_set_error_obj(mis->from_src_file, -EIO, g_error_copy(err));
        qemu_file_shutdown(mis->from_src_file);
    }
    g_mutex_unlock(&mis->file_lock);
}

/*
 * Pages of a packet landed. With postcopy advised they count as received
 * and must exist before LISTEN registers the block: reading a page never
 * written populates it (wire 3.4, 4.5).
 */
static void incoming_pages_landed(RAMBlock *rb, const uint64_t *offsets,
                                  unsigned n, void *opaque)
{
    MigrationIncomingState *mis = opaque;
    PostcopyDest *d = __atomic_load_n(&mis->pc_dest, __ATOMIC_ACQUIRE);
    uint8_t *host;

    if (!d || !rb) {
        return;
    }
    host = ram_block_host(rb);
    for (unsigned i = 0; i < n; i++) {
        (void)*(volatile uint8_t *)(host + offsets[i]);
        postcopy_dest_mark_received(d, rb, offsets[i], TARGET_PAGE_SIZE);
    }
}

static MultiFDRecv *incoming_set(MigrationIncomingState *mis)
{
    MultiFDRecvParams p;

    if (!in.set) {
        multifd_recv_params_from_options(&p, qemu_uuid);
        p.pages_landed = incoming_pages_landed;
        p.error_notify = incoming_set_failed;
        p.opaque = mis;
        in.set = multifd_recv_setup(&p);
    }
    return in.set;
}

/* Start loading once the main channel and every multifd channel exist. */
static void incoming_maybe_start(MigrationIncomingState *mis)
{
    if (in.main && multifd_recv_all_channels_created(incoming_set(mis))) {
        migration_incoming_start_main(mis, g_steal_pointer(&in.main));
    }
}

static void hello_done_bh(void *opaque)
{
    ChannelHello *h = opaque;

    if (!h->cancelled) {
        g_thread_join(h->thread);
        in.hellos = g_list_remove(in.hellos, h);
        if (h->err) {
            incoming_channel_error(h->mis, g_steal_pointer(&h->err));
        } else {
            incoming_maybe_start(h->mis);
        }
    }
    g_clear_error(&h->err);
    mig_channel_unref(h->ch);
    g_free(h);
}

static gpointer hello_thread(gpointer opaque)
{
    ChannelHello *h = opaque;

    multifd_recv_new_channel(in.set, h->ch, NULL, &h->err);
    main_loop_schedule(hello_done_bh, h);
    return NULL;
}

static void incoming_sorted(MigrationIncomingState *mis, MigChannel *ch,
                            ChannelRole role)
{
    GError *err = NULL;

    if (role == ROLE_MAIN) {
        if (in.main) {
            error_setg(&err, "a second main channel arrived on '%s'",
                       ch->name);
            mig_channel_unref(ch);
            incoming_channel_error(mis, err);
            return;
        }
        in.main = ch;
    } else {
        bool ok;

        /* Sources emulating machine types <= 9.2 end without
         * close_notify (multifd-clean-tls-termination off). */
        if (migration_tls_channel_is_tls(ch) &&
            !migrate_multifd_clean_tls_termination()) {
            migration_tls_channel_set_relaxed_eof(ch, true);
        }
        if (ch->fd < 0) {
            ChannelHello *h = g_new0(ChannelHello, 1);

            incoming_set(mis);
            h->mis = mis;
            h->ch = ch;
            h->thread = g_thread_new("mig/dst/mfd-hello", hello_thread, h);
            in.hellos = g_list_prepend(in.hellos, h);
            return;
        }
        ok = multifd_recv_new_channel(incoming_set(mis), ch, NULL, &err);

        mig_channel_unref(ch);  /* the set took its own reference */
        if (!ok) {
            incoming_channel_error(mis, err);
            return;
        }
    }
    incoming_maybe_start(mis);
}

static void peek_free(ChannelPeek *p)
{
    if (p->source) {
        g_source_remove(p->source);
    }
    if (p->ch) {
        mig_channel_unref(p->ch);
    }
    in.peeks = g_list_remove(in.peeks, p);
    g_free(p);
}

static gboolean peek_ready(gint fd, GIOCondition cond, gpointer opaque);

static gboolean peek_retry(gpointer opaque)
{
    ChannelPeek *p = opaque;

    p->source = g_unix_fd_add(p->ch->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                              peek_ready, p);
    return G_SOURCE_REMOVE;
}

/*
 * Look at the first bytes without consuming them: 4 decide the role; a
 * multifd channel waits for its whole handshake so that reading it
 * later cannot block.
 */
static gboolean peek_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    ChannelPeek *p = opaque;
    MigrationIncomingState *mis = p->mis;
    uint8_t buf[MULTIFD_INIT_SIZE];
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
    GError *err = NULL;
    MigChannel *ch;
    uint32_t magic;
    bool postcopy_paused;

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                  errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 || (n == 0)) {
        error_setg(&err, "incoming connection '%s' %s before it said what "
                   "it is", p->ch->name,
                   n == 0 ? "closed" : g_strerror(errno));
        p->source = 0;
        peek_free(p);
        incoming_channel_error(mis, err);
        return G_SOURCE_REMOVE;
    }
    if (n < 4) {
        p->source = g_timeout_add(PEEK_RETRY_MS, peek_retry, p);
        return G_SOURCE_REMOVE;
    }
    magic = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) |
            ((uint32_t)buf[2] << 8) | buf[3];
    if (magic == MULTIFD_MAGIC && n < MULTIFD_INIT_SIZE) {
        p->source = g_timeout_add(PEEK_RETRY_MS, peek_retry, p);
        return G_SOURCE_REMOVE;
    }

    p->source = 0;
    ch = g_steal_pointer(&p->ch);
    peek_free(p);
    postcopy_paused = g_atomic_int_get(mis->state) ==
                      MIGRATION_STATUS_POSTCOPY_PAUSED && !in.main;
    if (magic == QEMU_VM_FILE_MAGIC || postcopy_paused) {
        incoming_sorted(mis, ch, ROLE_MAIN);
    } else if (magic == MULTIFD_MAGIC) {
        incoming_sorted(mis, ch, ROLE_MULTIFD);
    } else {
        error_setg(&err, "unknown channel magic: %#x", magic);
        mig_channel_unref(ch);
        incoming_channel_error(mis, err);
    }
    return G_SOURCE_REMOVE;
}

static bool incoming_has_main(MigrationIncomingState *mis)
{
    bool has;

    g_mutex_lock(&mis->file_lock);
    has = mis->from_src_file != NULL;
    g_mutex_unlock(&mis->file_lock);
    return has || in.main;
}

void migration_incoming_accept_channel(MigrationIncomingState *mis,
                                       MigChannel *ch)
{
    bool has_main;
    ChannelPeek *p;

    /* The first listener also delivers late after a postcopy pause. */
    if (postcopy_incoming_drop_stale(mis, ch)) {
        return;
    }
    has_main = incoming_has_main(mis);

    /* Without multifd the order says it all: main, then preempt.  A
     * mapped-ram file is the main channel; its multifd channels are fds
     * that ram-mapped.c opens itself. */
    if (!migrate_multifd() || migrate_mapped_ram()) {
        if (!postcopy_incoming_accept_extra(mis, ch)) {
            migration_incoming_start_main(mis, ch);
        }
        return;
    }
    /* 6.1 step 1: everything is there, so this is postcopy-preempt
     * (which sends nothing until a page is asked for: never peek it). */
    if (has_main && multifd_recv_all_channels_created(incoming_set(mis))) {
        if (!postcopy_incoming_accept_extra(mis, ch)) {
            error_report("migration: ignoring an extra incoming connection");
            mig_channel_unref(ch);
        }
        return;
    }
    /* Step 3: a channel that cannot be peeked at (TLS): by order. */
    if (!ch->is_socket || ch->fd < 0) {
        incoming_sorted(mis, ch, has_main ? ROLE_MULTIFD : ROLE_MAIN);
        return;
    }
    p = g_new0(ChannelPeek, 1);
    p->mis = mis;
    p->ch = ch;
    p->source = g_unix_fd_add(ch->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                              peek_ready, p);
    in.peeks = g_list_prepend(in.peeks, p);
}

MultiFDRecv *multifd_incoming_get(void)
{
    return in.set;
}

void multifd_incoming_teardown(MigrationIncomingState *mis)
{
    g_autoptr(GError) err = NULL;

    while (in.peeks) {
        peek_free(in.peeks->data);
    }
    /* Wake and wait for handshake readers; their BHs only free. */
    while (in.hellos) {
        ChannelHello *h = in.hellos->data;

        mig_channel_shutdown(h->ch, MIG_CHANNEL_SHUTDOWN_BOTH);
        g_thread_join(h->thread);
        h->cancelled = true;
        in.hellos = g_list_delete_link(in.hellos, in.hellos);
    }
    if (in.main) {
        mig_channel_unref(g_steal_pointer(&in.main));
    }
    if (in.set && !multifd_recv_shutdown(g_steal_pointer(&in.set), &err) &&
        mis->load_ok) {
        warn_report("migration: multifd: %s", err->message);
    }
}

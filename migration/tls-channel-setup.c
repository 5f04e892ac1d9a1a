/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS set-up of migration connections (see tls-channel-setup.h): the
 * settings snapshot, the blocking wrappers, and the asynchronous
 * connect/listen forms that run each handshake in a helper thread and
 * hand the result back to the main loop.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "migration/options.h"
#include "migration/tls.h"
#include "migration/transport-priv.h"
#include "migration/tls-channel-setup.h"

/* The parameters as they were when a connection was made: a later
 * migrate-set-parameters must not change a handshake under way. */
typedef struct TLSSnapshot {
    char *creds_id;
    char *hostname;             /* client: tls-hostname or the URI host */
    char *authz_id;             /* server */
} TLSSnapshot;

static void tls_snapshot_take(TLSSnapshot *t, const char *uri_host)
{
    bool locked = bql_locked();
    const char *h;

    /* The parameter strings belong to the BQL holder (set-parameters). */
    if (!locked) {
        bql_lock();
    }
    h = migrate_tls_hostname();
    t->creds_id = g_strdup(migrate_tls_creds());
    t->hostname = g_strdup(*h ? h : uri_host);
    t->authz_id = g_strdup(migrate_tls_authz());
    if (!locked) {
        bql_unlock();
    }
}

static void tls_snapshot_clear(TLSSnapshot *t)
{
    g_clear_pointer(&t->creds_id, g_free);
    g_clear_pointer(&t->hostname, g_free);
    g_clear_pointer(&t->authz_id, g_free);
}

static MigChannel *tls_snapshot_wrap(const TLSSnapshot *t, MigChannel *raw,
                                     bool server, GError **errp)
{
    MigTLSSettings s = {
        .creds_id = t->creds_id,
        .hostname = server ? NULL : t->hostname,
        .authz_id = server ? t->authz_id : NULL,
    };

    return migration_tls_channel_new(raw, server, &s, errp);
}

bool migration_tls_channel_wanted(MigChannel *raw)
{
    /* file: migration has no peer to talk to (spec 8: not applicable). */
    return migrate_tls() && !raw->is_seekable &&
           !migration_tls_channel_is_tls(raw);
}

const char *migration_address_tls_host(const MigrationAddress *addr)
{
    if (addr->transport == MIGRATION_ADDRESS_TYPE_SOCKET &&
        addr->u.socket.type == SOCKET_ADDRESS_TYPE_INET) {
        return addr->u.socket.u.inet.host;
    }
    return NULL;
}

/* ---- handshakes in flight, so that a cancel can abort them ---- */

static GMutex inflight_lock;
static GPtrArray *inflight_out;     /* raw channels, client handshakes */

static void inflight_add(MigChannel *raw)
{
    g_mutex_lock(&inflight_lock);
    if (!inflight_out) {
        inflight_out = g_ptr_array_new();
    }
    g_ptr_array_add(inflight_out, raw);
    g_mutex_unlock(&inflight_lock);
}

static void inflight_remove(MigChannel *raw)
{
    g_mutex_lock(&inflight_lock);
    g_ptr_array_remove_fast(inflight_out, raw);
    g_mutex_unlock(&inflight_lock);
}

void migration_tls_abort_outgoing(void)
{
    g_mutex_lock(&inflight_lock);
    for (guint i = 0; inflight_out && i < inflight_out->len; i++) {
        mig_channel_shutdown(g_ptr_array_index(inflight_out, i),
                             MIG_CHANNEL_SHUTDOWN_BOTH);
    }
    g_mutex_unlock(&inflight_lock);
}

/* ---- blocking wrappers ---- */

MigChannel *migration_tls_wrap_outgoing(MigChannel *raw,
                                        const char *uri_host,
                                        GError **errp)
{
    TLSSnapshot t = { 0 };
    MigChannel *ch;

    if (!migration_tls_channel_wanted(raw)) {
        return mig_channel_ref(raw);
    }
    tls_snapshot_take(&t, uri_host);
    inflight_add(raw);
    ch = tls_snapshot_wrap(&t, raw, false, errp);
    inflight_remove(raw);
    tls_snapshot_clear(&t);
    return ch;
}

MigChannel *migration_tls_wrap_incoming(MigChannel *raw, GError **errp)
{
    TLSSnapshot t = { 0 };
    MigChannel *ch;

    if (!migration_tls_channel_wanted(raw)) {
        return mig_channel_ref(raw);
    }
    tls_snapshot_take(&t, NULL);
    ch = tls_snapshot_wrap(&t, raw, true, errp);
    tls_snapshot_clear(&t);
    return ch;
}

/* ---- outgoing: connect, then the client handshake in a thread ---- */

typedef struct TLSConnect {
    MigTransportConnected *cb;
    void *opaque;
    TLSSnapshot tls;
    MigChannel *raw;
} TLSConnect;

static gpointer tls_connect_thread(gpointer opaque)
{
    TLSConnect *c = opaque;
    GError *err = NULL;
    MigChannel *ch = tls_snapshot_wrap(&c->tls, c->raw, false, &err);

    inflight_remove(c->raw);
    mig_channel_unref(c->raw);
    mig_connect_deliver(c->cb, c->opaque, ch, err);
    tls_snapshot_clear(&c->tls);
    g_free(c);
    return NULL;
}

static void tls_connected(MigChannel *raw, GError *err, void *opaque)
{
    TLSConnect *c = opaque;

    /* Decided when the connect started (the parameters may have changed
     * since): only a file or an already wrapped channel passes as is. */
    if (err || raw->is_seekable || migration_tls_channel_is_tls(raw)) {
        c->cb(raw, err, c->opaque);
        tls_snapshot_clear(&c->tls);
        g_free(c);
        return;
    }
    c->raw = raw;
    /* Registered before the thread exists so that a cancel arriving
     * right now already reaches it. */
    inflight_add(raw);
    g_thread_unref(g_thread_new("mig/tls/client", tls_connect_thread, c));
}

bool migration_channel_connect(const MigrationAddress *addr,
                               MigTransportConnected *cb, void *opaque,
                               GError **errp)
{
    TLSConnect *c;

    if (!migrate_tls()) {
        return migration_transport_connect(addr, cb, opaque, errp);
    }
    c = g_new0(TLSConnect, 1);
    c->cb = cb;
    c->opaque = opaque;
    tls_snapshot_take(&c->tls, migration_address_tls_host(addr));
    if (!migration_transport_connect(addr, tls_connected, c, errp)) {
        tls_snapshot_clear(&c->tls);
        g_free(c);
        return false;
    }
    return true;
}

/* ---- incoming: server handshakes, delivered in accept order ---- */

typedef struct TLSAcceptor TLSAcceptor;

typedef struct TLSAcceptJob {
    TLSAcceptor *acc;
    MigChannel *raw;
    TLSSnapshot tls;
    MigChannel *ch;             /* result: the TLS channel ... */
    GError *err;                /* ... or why not */
    bool done;                  /* main loop */
} TLSAcceptJob;

struct TLSAcceptor {
    MigTransportAccepted *cb;
    MigChannelAcceptFailed *failed;
    void *opaque;
    GQueue jobs;                /* TLSAcceptJob, accept order; main loop */
    bool closed;                /* the listener is gone; main loop */
    int refs;                   /* listener + one per job; main loop */
};

static void acceptor_unref(TLSAcceptor *acc)
{
    if (--acc->refs == 0) {
        g_assert(g_queue_is_empty(&acc->jobs));
        g_free(acc);
    }
}

static void accept_job_free(TLSAcceptJob *job)
{
    if (job->ch) {
        mig_channel_unref(job->ch);
    }
    g_clear_error(&job->err);
    mig_channel_unref(job->raw);
    tls_snapshot_clear(&job->tls);
    acceptor_unref(job->acc);
    g_free(job);
}

static uint64_t accepted_count;     /* atomic; written by the main loop */

uint64_t migration_channel_accepted_count(void)
{
    return __atomic_load_n(&accepted_count, __ATOMIC_ACQUIRE);
}

/* Hand over every finished job at the head of the queue. Main loop. */
static void acceptor_flush(TLSAcceptor *acc)
{
    TLSAcceptJob *job;

    while ((job = g_queue_peek_head(&acc->jobs)) && job->done) {
        g_queue_pop_head(&acc->jobs);
        if (!acc->closed) {
            if (job->ch) {
                /* The TLS channel is a new object: it inherits the
                 * stamp of the connection it wraps. */
                job->ch->accept_seq = job->raw->accept_seq;
                acc->cb(g_steal_pointer(&job->ch), acc->opaque);
            } else if (acc->failed) {
                acc->failed(g_steal_pointer(&job->err), acc->opaque);
            }
        }
        accept_job_free(job);
    }
}

static void accept_job_done_bh(void *opaque)
{
    TLSAcceptJob *job = opaque;

    job->done = true;
    acceptor_flush(job->acc);
}

static gpointer accept_job_thread(gpointer opaque)
{
    TLSAcceptJob *job = opaque;

    job->ch = tls_snapshot_wrap(&job->tls, job->raw, true, &job->err);
    main_loop_schedule(accept_job_done_bh, job);
    return NULL;
}

static void acceptor_accept(MigChannel *raw, void *opaque)
{
    TLSAcceptor *acc = opaque;
    TLSAcceptJob *job;

    /* Stamped now, not at delivery: a handshake may take long. */
    raw->accept_seq = __atomic_add_fetch(&accepted_count, 1,
                                         __ATOMIC_ACQ_REL);
    if (!migration_tls_channel_wanted(raw) && g_queue_is_empty(&acc->jobs)) {
        acc->cb(raw, acc->opaque);
        return;
    }
    job = g_new0(TLSAcceptJob, 1);
    job->acc = acc;
    acc->refs++;
    job->raw = raw;
    g_queue_push_tail(&acc->jobs, job);
    if (!migration_tls_channel_wanted(raw)) {
        /* TLS was switched off meanwhile: keep the order anyway. */
        job->ch = mig_channel_ref(raw);
        job->done = true;
        acceptor_flush(acc);
        return;
    }
    tls_snapshot_take(&job->tls, NULL);
    g_thread_unref(g_thread_new("mig/tls/server", accept_job_thread, job));
}

static void acceptor_close(void *opaque)
{
    TLSAcceptor *acc = opaque;

    acc->closed = true;
    /* Wake the handshakes still running; their results are dropped. */
    for (GList *l = acc->jobs.head; l; l = l->next) {
        TLSAcceptJob *job = l->data;

        if (!job->done) {
            mig_channel_shutdown(job->raw, MIG_CHANNEL_SHUTDOWN_BOTH);
        }
    }
    acceptor_flush(acc);
    acceptor_unref(acc);
}

MigTransportListener *migration_channel_listen(const MigrationAddress *addr,
                                               MigTransportAccepted *cb,
                                               MigChannelAcceptFailed *failed,
                                               void *opaque, GError **errp)
{
    TLSAcceptor *acc = g_new0(TLSAcceptor, 1);
    MigTransportListener *l;

    acc->cb = cb;
    acc->failed = failed;
    acc->opaque = opaque;
    acc->refs = 1;
    g_queue_init(&acc->jobs);
    l = migration_transport_listen(addr, acceptor_accept, acc, errp);
    if (!l) {
        g_free(acc);
        return NULL;
    }
    l->on_close = acceptor_close;
    l->on_close_data = acc;
    return l;
}

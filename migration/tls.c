/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS migration channels: a MigChannel whose bytes go through a GnuTLS
 * session over another (raw) MigChannel. See migration/tls.h for the
 * contract; the peer checks live in tls-verify.c.
 *
 * The session's transport functions call the raw channel's blocking
 * readv/writev, so GnuTLS itself blocks exactly where the raw channel
 * does and a shutdown of the raw channel wakes it. A raw error cannot
 * travel through GnuTLS, so the transport function keeps it (one slot per
 * direction: one thread may read while another writes) and the caller
 * reports it instead of GnuTLS's generic "push/pull error".
 *
 * With a writer thread (migration_tls_channel_start_writer) the
 * encryption moves to that thread: writev only queues (write-behind.c),
 * the thread runs gnutls_record_send, and the flush operation waits for
 * it. With a sender thread (migration_tls_channel_start_sender) the
 * socket writes move off the encrypting thread: the push function only
 * appends the ciphertext to a second write-behind queue, whose thread
 * writes whole buffers of records to the raw channel. A failed socket
 * write becomes that queue's sticky error, which the next push reports
 * to GnuTLS (and so to the encrypting side) with the raw channel's
 * message, like a failed synchronous write.
 */
#include "qemu/osdep.h"
#include <gnutls/gnutls.h>
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qom/object.h"
#include "crypto/tlscreds.h"
#include "migration/options.h"
#include "migration/tls.h"
#include "tls-verify.h"
#include "write-behind.h"

/* How much one writev encrypts at most: a multifd writev of several
 * packets (up to ~1.5 MiB) in one call, so that the records go to the
 * sender thread with one kick, not one per 256 KiB. */
#define TLS_WRITE_CHUNK (2 * 1024 * 1024)
/* Read-ahead below GnuTLS: it asks for a record header, then the rest of
 * the record; one raw read of up to this much serves many records. */
#define TLS_READ_AHEAD (256 * 1024)
/* The largest plaintext of one TLS record. */
#define TLS_RECORD_MAX (16 * 1024)

typedef struct TLSChannel {
    MigChannel *raw;            /* our own reference */
    QCryptoTLSCreds *creds;     /* referenced: the session uses its keys */
    gnutls_session_t sess;
    char *peer_name;            /* set by the checks, then read-only */
    GError *pull_err;           /* last raw read error (reader thread) */
    GError *push_err;           /* last raw write error (writer thread) */
    GError *write_err;          /* first failed writev/flush (sticky) */
    guint8 *rbuf;               /* read-ahead (reader thread) ... */
    size_t rpos, rlen;          /* ... unread bytes are rbuf[rpos..rlen) */
    bool relaxed_eof;           /* atomic: set by any thread */
    bool said_bye;              /* writer thread: close_notify was sent */
    WriteBehind *writer;        /* set once before any write, or NULL */
    WriteBehind *sender;        /* likewise: ciphertext to the raw channel */
    guint8 *stage;              /* writing thread: a partial record ... */
    size_t stage_len;           /* ... of this many bytes */
} TLSChannel;

static const MigChannelOps tls_channel_ops;

static TLSChannel *tls_of(MigChannel *ch)
{
    g_assert(ch->ops == &tls_channel_ops);
    return ch->opaque;
}

bool migration_tls_channel_is_tls(MigChannel *ch)
{
    return ch->ops == &tls_channel_ops;
}

/* ---- transport: GnuTLS reads and writes the raw channel ---- */

static ssize_t tls_pull(gnutls_transport_ptr_t opaque, void *buf, size_t len)
{
    TLSChannel *t = opaque;
    struct iovec iov;
    GError *err = NULL;
    ssize_t n;

    if (t->rpos == t->rlen) {
        /* Empty: one raw read of whatever has arrived (it blocks only
         * until the first byte is there). */
        if (!t->rbuf) {
            t->rbuf = g_malloc(TLS_READ_AHEAD);
        }
        iov = (struct iovec) { .iov_base = t->rbuf,
                               .iov_len = TLS_READ_AHEAD };
        n = mig_channel_readv(t->raw, &iov, 1, &err);
        if (n < 0) {
            g_clear_error(&t->pull_err);
            t->pull_err = err;
            /* errno is thread-local: GnuTLS reads it right after we
             * return. */
            errno = EIO;
            return -1;
        }
        t->rpos = 0;
        t->rlen = n;
        if (n == 0) {
            return 0;
        }
    }
    n = MIN(len, t->rlen - t->rpos);
    memcpy(buf, t->rbuf + t->rpos, n);
    t->rpos += n;
    return n;
}

static ssize_t tls_vec_push(gnutls_transport_ptr_t opaque,
                            const giovec_t *iov, int iovcnt)
{
    TLSChannel *t = opaque;
    GError *err = NULL;
    ssize_t n;

    /* giovec_t is declared to match struct iovec. */
    G_STATIC_ASSERT(sizeof(giovec_t) == sizeof(struct iovec));
    if (t->sender) {
        /* Copied into the sender's open buffer; whole buffers go out on
         * its thread, the rest at the next kick. */
        n = 0;
        for (int i = 0; i < iovcnt; i++) {
            n += iov[i].iov_len;
        }
        if (!write_behind_append(t->sender, (const struct iovec *)iov,
                                 iovcnt, &err)) {
            g_clear_error(&t->push_err);
            t->push_err = err;
            errno = EIO;
            return -1;
        }
        return n;
    }
    /* One call of the raw channel (it may write less): GnuTLS retries
     * the rest itself. */
    n = t->raw->ops->writev(t->raw, (const struct iovec *)iov, iovcnt, &err);
    if (n < 0) {
        g_clear_error(&t->push_err);
        t->push_err = err;
        errno = EIO;
        return -1;
    }
    return n;
}

/*
 * Report a failed GnuTLS call: the raw channel's own error when the
 * transport failed, else GnuTLS's reason (with the alert the peer sent,
 * if that is what happened), prefixed by what we were doing.
 */
static void tls_error(TLSChannel *t, int rc, const char *what,
                      GError **errp)
{
    GError *raw_err = NULL;

    if (rc == GNUTLS_E_PULL_ERROR && t->pull_err) {
        raw_err = t->pull_err;
    } else if (rc == GNUTLS_E_PUSH_ERROR && t->push_err) {
        raw_err = t->push_err;
    }
    if (raw_err) {
        error_setg(errp, "%s: %s", what, raw_err->message);
    } else if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED ||
               rc == GNUTLS_E_WARNING_ALERT_RECEIVED) {
        const char *alert = gnutls_alert_get_name(gnutls_alert_get(t->sess));

        error_setg(errp, "%s: %s (%s)", what, gnutls_strerror(rc),
                   alert ? alert : "unknown alert");
    } else {
        error_setg(errp, "%s: %s", what, gnutls_strerror(rc));
    }
}

/* ---- MigChannel operations ---- */

static bool tls_is_shut(MigChannel *ch, MigChannelShutdown dir)
{
    return qatomic_read(&ch->shutdown_flags) & dir;
}

static ssize_t tls_channel_readv(MigChannel *ch, const struct iovec *iov,
                                 int iovcnt, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    ssize_t done = 0;

    for (int i = 0; i < iovcnt; i++) {
        ssize_t n;

        if (iov[i].iov_len == 0) {
            continue;
        }
        /* Only the first read may block; later elements take what is
         * already decrypted. */
        if (done > 0 && gnutls_record_check_pending(t->sess) == 0) {
            break;
        }
        do {
            n = gnutls_record_recv(t->sess, iov[i].iov_base, iov[i].iov_len);
        } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
        if (n == 0) {
            break;              /* close_notify: a clean end */
        }
        if (n < 0) {
            if (tls_is_shut(ch, MIG_CHANNEL_SHUTDOWN_READ)) {
                error_setg(errp, "%s: channel was shut down while reading",
                           ch->name);
                return -1;
            }
            if (n == GNUTLS_E_PREMATURE_TERMINATION &&
                qatomic_read(&t->relaxed_eof)) {
                break;
            }
            tls_error(t, n, "Cannot read from TLS channel", errp);
            return -1;
        }
        done += n;
        if ((size_t)n < iov[i].iov_len) {
            break;
        }
    }
    return done;
}

/* The channel can take no more writes: why, or true if it can. */
static bool tls_check_writable(MigChannel *ch, GError **errp)
{
    if (tls_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
        error_setg(errp, "%s: channel was shut down while writing", ch->name);
        return false;
    }
    if (tls_of(ch)->said_bye) {
        error_setg(errp, "%s: TLS session already terminated (close_notify "
                   "sent)", ch->name);
        return false;
    }
    return true;
}

/* A failed uncork or send: a shutdown is what the caller must hear of. */
static void tls_send_error(MigChannel *ch, int rc, GError **errp)
{
    if (tls_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
        error_setg(errp, "%s: channel was shut down while writing", ch->name);
    } else {
        tls_error(tls_of(ch), rc, "Cannot write to TLS channel", errp);
    }
}

/* Corking the socket helps only where the records are written to it. */
static void tls_raw_cork(TLSChannel *t, bool on)
{
    if (!t->sender) {
        mig_channel_cork(t->raw, on);
    }
}

/* The records encrypted so far go to the sender thread (if any) now,
 * not when the next write fills its buffer. */
static bool tls_kick_sender(MigChannel *ch, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    GError *err = NULL;

    if (!t->sender || write_behind_kick(t->sender, &err)) {
        return true;
    }
    if (tls_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
        g_error_free(err);
        error_setg(errp, "%s: channel was shut down while writing", ch->name);
    } else {
        error_setg(errp, "Cannot write to TLS channel: %s", err->message);
        g_error_free(err);
    }
    return false;
}

/* Encrypt and send buf[0..len) (GnuTLS cuts it into records of at most
 * 16 KiB), retrying where GnuTLS asks to. */
static bool tls_send_record(MigChannel *ch, const guint8 *buf, size_t len,
                            GError **errp)
{
    TLSChannel *t = tls_of(ch);

    while (len) {
        ssize_t rc = gnutls_record_send(t->sess, buf, len);

        if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
            continue;
        }
        if (rc < 0) {
            tls_send_error(ch, rc, errp);
            return false;
        }
        buf += rc;
        len -= rc;
    }
    return true;
}

/*
 * Encrypt and send right here (no writer thread), as full records: small
 * elements (page headers, 4 KiB pages) would otherwise cost one record
 * each. Elements that lie back to back in memory (consecutive guest
 * pages) are one run. A run of at least a record is encrypted straight
 * from memory in full records (what was staged before it goes out first,
 * as a short record), and only its tail and small runs are copied into
 * the staging buffer -- GnuTLS's own cork would copy every byte once
 * more. So a multifd packet costs one short record for its header and
 * no copy of its pages.
 */
static ssize_t tls_send_iov(MigChannel *ch, const struct iovec *iov,
                            int iovcnt, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    size_t total = 0;
    bool ok = true;

    if (!t->stage) {
        t->stage = g_malloc(TLS_RECORD_MAX);
    }
    t->stage_len = 0;
    tls_raw_cork(t, true);
    for (int i = 0; ok && i < iovcnt && total < TLS_WRITE_CHUNK; ) {
        const guint8 *run = iov[i].iov_base;
        size_t len = MIN(iov[i].iov_len, TLS_WRITE_CHUNK - total);

        /* Extend the run over the elements that follow it in memory. */
        for (i++; i < iovcnt && total + len < TLS_WRITE_CHUNK &&
                  (const guint8 *)iov[i].iov_base == run + len; i++) {
            len += MIN(iov[i].iov_len, TLS_WRITE_CHUNK - total - len);
        }
        total += len;
        while (ok && len) {
            size_t n;

            if (t->stage_len && len >= TLS_RECORD_MAX) {
                /* A long run follows: send the small pieces alone. */
                ok = tls_send_record(ch, t->stage, t->stage_len, errp);
                t->stage_len = 0;
                continue;
            }
            if (len < TLS_RECORD_MAX) {
                n = MIN(len, TLS_RECORD_MAX - t->stage_len);
                memcpy(t->stage + t->stage_len, run, n);
                t->stage_len += n;
                if (t->stage_len == TLS_RECORD_MAX) {
                    ok = tls_send_record(ch, t->stage, TLS_RECORD_MAX, errp);
                    t->stage_len = 0;
                }
            } else {
                n = TLS_RECORD_MAX;
                ok = tls_send_record(ch, run, n, errp);
            }
            run += n;
            len -= n;
        }
    }
    if (ok && t->stage_len) {
        ok = tls_send_record(ch, t->stage, t->stage_len, errp);
    }
    tls_raw_cork(t, false);
    if (!ok || !tls_kick_sender(ch, errp)) {
        return -1;
    }
    return total;
}

/*
 * The writer thread's sink: contiguous buffers, so no corking (and no
 * copy into GnuTLS's cork buffer) is needed: each call encrypts one full
 * record straight from them.
 */
static bool tls_send_buffers(void *opaque, const struct iovec *iov,
                             int iovcnt, GError **errp)
{
    MigChannel *ch = opaque;
    TLSChannel *t = tls_of(ch);
    bool ok = true;

    tls_raw_cork(t, true);
    for (int i = 0; ok && i < iovcnt; i++) {
        ok = tls_send_record(ch, iov[i].iov_base, iov[i].iov_len, errp);
    }
    tls_raw_cork(t, false);
    return ok && tls_kick_sender(ch, errp);
}

/* The sender thread's sink: ciphertext records, as they are, to the raw
 * channel in one writev. */
static bool tls_send_records(void *opaque, const struct iovec *iov,
                             int iovcnt, GError **errp)
{
    TLSChannel *t = opaque;
    GError *err = NULL;

    if (mig_channel_writev_all(t->raw, iov, iovcnt, &err)) {
        return true;
    }
    if (t->writer) {
        /* The migration thread pushes into the writer's queue: it must
         * hear of the failure at its next write, as when the writer
         * thread wrote the socket itself, not only once the writer next
         * tries to hand us records (a small stream may all be queued by
         * then, and the migration would go on to its switchover). */
        g_autoptr(GError) w = g_error_copy(err);

        g_prefix_error(&w, "Cannot write to TLS channel: ");
        write_behind_fail(t->writer, w);
    }
    g_propagate_error(errp, err);
    return false;
}

/*
 * The writer queue failed (err): a cancel says less than the shutdown
 * that caused it, whichever of the producer's push or flush hears of it.
 */
static void tls_writer_error(MigChannel *ch, GError *err, GError **errp)
{
    if (tls_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
        g_error_free(err);
        error_setg(errp, "%s: channel was shut down while writing", ch->name);
    } else {
        g_propagate_error(errp, err);
    }
}

static ssize_t tls_writev_once(MigChannel *ch, const struct iovec *iov,
                               int iovcnt, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    GError *err = NULL;
    size_t total = 0;

    if (!tls_check_writable(ch, errp)) {
        return -1;
    }
    if (!t->writer) {
        return tls_send_iov(ch, iov, iovcnt, errp);
    }
    for (int i = 0; i < iovcnt; i++) {
        total += iov[i].iov_len;
    }
    if (!write_behind_push(t->writer, iov, iovcnt, &err)) {
        tls_writer_error(ch, err, errp);
        return -1;
    }
    return total;
}

static bool tls_flush_once(MigChannel *ch, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    GError *err = NULL;

    /* The plaintext queue into records, then the records onto the
     * socket: the writer thread is idle once its queue drained, so this
     * thread may kick the sender queue. */
    if (t->writer && !write_behind_drain(t->writer, &err)) {
        tls_writer_error(ch, err, errp);
        return false;
    }
    if (t->sender && !write_behind_drain(t->sender, &err)) {
        if (!tls_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
            /* The raw channel's reason, as a synchronous write says. */
            g_prefix_error(&err, "Cannot write to TLS channel: ");
        }
        tls_writer_error(ch, err, errp);
        return false;
    }
    return true;
}

/*
 * A failed write or flush fails every later one the same way: with the
 * queues, one stage's failure (the sender's socket error) may first show
 * in a flush while another stage (the writer's queue) still takes bytes.
 */
static bool tls_write_failed(TLSChannel *t, GError **errp)
{
    if (!t->write_err) {
        return false;
    }
    g_propagate_error(errp, g_error_copy(t->write_err));
    return true;
}

static void tls_write_fails(TLSChannel *t, GError *err, GError **errp)
{
    if (!t->write_err) {
        t->write_err = g_error_copy(err);
    }
    g_propagate_error(errp, err);
}

static ssize_t tls_channel_writev(MigChannel *ch, const struct iovec *iov,
                                  int iovcnt, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    GError *err = NULL;
    ssize_t n;

    if (tls_write_failed(t, errp)) {
        return -1;
    }
    n = tls_writev_once(ch, iov, iovcnt, &err);
    if (n < 0) {
        tls_write_fails(t, err, errp);
    }
    return n;
}

static bool tls_channel_flush(MigChannel *ch, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    GError *err = NULL;

    if (tls_write_failed(t, errp)) {
        return false;
    }
    if (!tls_flush_once(ch, &err)) {
        tls_write_fails(t, err, errp);
        return false;
    }
    return true;
}

static void tls_channel_shutdown(MigChannel *ch, MigChannelShutdown how)
{
    TLSChannel *t = tls_of(ch);

    /* Wakes GnuTLS wherever it blocks: inside the raw channel. */
    mig_channel_shutdown(t->raw, how);
    if (how & MIG_CHANNEL_SHUTDOWN_WRITE) {
        if (t->writer) {
            write_behind_cancel(t->writer);
        }
        if (t->sender) {
            write_behind_cancel(t->sender);
        }
    }
}

static void tls_free(TLSChannel *t)
{
    /* Unsent bytes are abandoned (qemu_fclose flushed what counts):
     * make sure neither thread is left blocked on a peer that does not
     * read. The writer first: it may be waiting for the sender. */
    if ((t->writer && write_behind_busy(t->writer)) ||
        (t->sender && write_behind_busy(t->sender))) {
        mig_channel_shutdown(t->raw, MIG_CHANNEL_SHUTDOWN_WRITE);
        if (t->sender) {
            write_behind_cancel(t->sender);
        }
    }
    write_behind_free(t->writer);
    write_behind_free(t->sender);
    if (t->sess) {
        gnutls_deinit(t->sess);
    }
    if (t->creds) {
        object_unref(t->creds);
    }
    mig_channel_unref(t->raw);
    g_clear_error(&t->pull_err);
    g_clear_error(&t->push_err);
    g_clear_error(&t->write_err);
    g_free(t->rbuf);
    g_free(t->stage);
    g_free(t->peer_name);
    g_free(t);
}

static void tls_channel_close(MigChannel *ch)
{
    tls_free(ch->opaque);
    ch->opaque = NULL;
}

static const MigChannelOps tls_channel_ops = {
    .readv = tls_channel_readv,
    .writev = tls_channel_writev,
    .shutdown = tls_channel_shutdown,
    .flush = tls_channel_flush,
    .close = tls_channel_close,
};

/* ---- set-up ---- */

/*
 * Find and reference the credentials; the /objects tree belongs to the
 * BQL holder.
 */
static QCryptoTLSCreds *tls_get_creds(const char *id, bool server,
                                      GError **errp)
{
    bool locked = bql_locked();
    QCryptoTLSCreds *creds;

    if (!locked) {
        bql_lock();
    }
    creds = qcrypto_tls_creds_find(id ? id : "", errp);
    if (creds && qcrypto_tls_creds_is_server(creds) != server) {
        error_setg(errp, "Expected TLS credentials for a %s endpoint",
                   server ? "server" : "client");
        creds = NULL;
    }
    if (creds) {
        object_ref(creds);
    }
    if (!locked) {
        bql_unlock();
    }
    return creds;
}

static bool tls_session_init(TLSChannel *t, bool server, GError **errp)
{
    const char *errpos = NULL;
    int rc;

    rc = gnutls_init(&t->sess, server ? GNUTLS_SERVER : GNUTLS_CLIENT);
    if (rc < 0) {
        t->sess = NULL;
        error_setg(errp, "Cannot initialize TLS session: %s",
                   gnutls_strerror(rc));
        return false;
    }
    rc = gnutls_priority_set_direct(t->sess,
                                    qcrypto_tls_creds_priority(t->creds),
                                    &errpos);
    if (rc < 0) {
        error_setg(errp, "Unable to set TLS session priority %s: %s",
                   qcrypto_tls_creds_priority(t->creds), gnutls_strerror(rc));
        return false;
    }
    if (!qcrypto_tls_creds_apply(t->creds, t->sess, errp)) {
        return false;
    }
    if (server && qcrypto_tls_creds_kind(t->creds) == QCRYPTO_TLS_CREDS_X509) {
        /* Only a server that verifies its peer asks for a certificate;
         * then one is mandatory. */
        gnutls_certificate_server_set_request(
            t->sess, qcrypto_tls_creds_verify_peer(t->creds)
                     ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_IGNORE);
    }
    gnutls_transport_set_ptr(t->sess, t);
    gnutls_transport_set_pull_function(t->sess, tls_pull);
    gnutls_transport_set_vec_push_function(t->sess, tls_vec_push);
    return true;
}

static bool tls_handshake(TLSChannel *t, GError **errp)
{
    int rc;

    do {
        rc = gnutls_handshake(t->sess);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0) {
        tls_error(t, rc, "TLS handshake failed", errp);
        return false;
    }
    return true;
}

MigChannel *migration_tls_channel_new(MigChannel *raw, bool server,
                                      const MigTLSSettings *settings,
                                      GError **errp)
{
    TLSChannel *t = g_new0(TLSChannel, 1);
    TLSVerifyRequest req;
    MigChannel *ch;

    t->raw = mig_channel_ref(raw);
    t->creds = tls_get_creds(settings->creds_id, server, errp);
    if (!t->creds || !tls_session_init(t, server, errp) ||
        !tls_handshake(t, errp)) {
        goto fail;
    }
    req = (TLSVerifyRequest) {
        .sess = t->sess,
        .creds = t->creds,
        .server = server,
        .hostname = settings->hostname,
        .authz_id = settings->authz_id,
    };
    if (!tls_verify_peer(&req, &t->peer_name, errp)) {
        goto fail;
    }
    ch = mig_channel_new(&tls_channel_ops, server ? "migration-tls-incoming"
                                                  : "migration-tls-outgoing",
                         t);
    /* A return path can ride on the same session; the fd stays hidden so
     * that nothing reads or peeks around the encryption. */
    ch->is_socket = raw->is_socket;
    return ch;

fail:
    tls_free(t);
    return NULL;
}

MigChannel *migration_tls_channel_new_client(MigChannel *raw,
                                             const char *uri_host,
                                             GError **errp)
{
    const char *tls_hostname = migrate_tls_hostname();
    MigTLSSettings s = {
        .creds_id = migrate_tls_creds(),
        .hostname = tls_hostname && *tls_hostname ? tls_hostname : uri_host,
    };

    return migration_tls_channel_new(raw, false, &s, errp);
}

MigChannel *migration_tls_channel_new_server(MigChannel *raw, GError **errp)
{
    MigTLSSettings s = {
        .creds_id = migrate_tls_creds(),
        .authz_id = migrate_tls_authz(),
    };

    return migration_tls_channel_new(raw, true, &s, errp);
}

const char *migration_tls_channel_peer_name(MigChannel *ch)
{
    return tls_of(ch)->peer_name;
}

bool migration_tls_channel_bye(MigChannel *ch, GError **errp)
{
    TLSChannel *t = tls_of(ch);
    int rc;

    /* The writer's queue first: close_notify comes after the data, and
     * GnuTLS must not send from two threads at once. */
    if (!tls_channel_flush(ch, errp)) {
        return false;
    }
    /* SHUT_WR: send close_notify without waiting for the peer's. */
    do {
        rc = gnutls_bye(t->sess, GNUTLS_SHUT_WR);
    } while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
    if (rc < 0) {
        tls_error(t, rc, "Cannot terminate TLS session", errp);
        return false;
    }
    t->said_bye = true;
    /* The close_notify record may be waiting in the sender queue. */
    return tls_channel_flush(ch, errp);
}

void migration_tls_channel_set_relaxed_eof(MigChannel *ch, bool relaxed)
{
    qatomic_set(&tls_of(ch)->relaxed_eof, relaxed);
}

void migration_tls_channel_start_writer(MigChannel *ch)
{
    TLSChannel *t = tls_of(ch);

    if (!t->writer) {
        t->writer = write_behind_new("mig/tls/writer", tls_send_buffers, ch);
    }
}

void migration_tls_channel_start_sender(MigChannel *ch,
                                        const char *thread_name,
                                        unsigned nbufs, size_t buf_size)
{
    TLSChannel *t = tls_of(ch);

    if (!t->sender) {
        t->sender = write_behind_new_sized(
            thread_name, nbufs ? nbufs : WRITE_BEHIND_BUFS,
            buf_size ? buf_size : WRITE_BEHIND_BUF_SIZE,
            tls_send_records, t);
    }
}

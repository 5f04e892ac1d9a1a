/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMUFile: one direction of a MigChannel, buffered, with a sticky error.
 *
 * Writing: copied puts land in buf; every put (copied or async) becomes an
 * iovec entry, adjacent pieces merged, so one writev sends buffered bytes
 * and guest pages referenced in place. The list is written out when buf
 * or the iovec list is full, on qemu_fflush() and on close.
 *
 * Reading: buf holds [buf_index, buf_size) not yet consumed; it is
 * refilled (after moving the unread tail to the front) on demand, except
 * that qemu_get_buffer() reads what it still wants once buf is empty
 * straight into the caller's memory, with buf behind it (read_direct).
 * A caller that can guess how the next bytes split (the RAM loader in a
 * run of pages) reads them scattered where they belong in one readv and
 * gives back what it guessed wrong (qemu_get_scatter, qemu_file_unget).
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sys/uio.h>

#include "migration/qemu-file.h"
#include "qapi/error.h"

/*
 * Sizes from bench/migration-bench.py (1 GiB of random RAM over a unix
 * socket, CPU-seconds of both sides, mean of 5): 32 KiB and 64 entries
 * (32 pages per sendmsg, 32 Ki reads per GiB) cost source 0.18 s and
 * destination 0.17 s; 256 KiB and 512 entries cost 0.13 s and 0.13 s.
 */
#define IO_BUF_SIZE     (256 * 1024)
#define MAX_IOV_SIZE    512
#define RATE_WINDOW_US  (100 * 1000)

struct QEMUFile {
    MigChannel *ch;
    bool writable;

    uint8_t buf[IO_BUF_SIZE];
    size_t buf_index;           /* write: bytes used; read: next byte */
    size_t buf_size;            /* read: valid bytes in buf */
    struct iovec iov[MAX_IOV_SIZE];
    int iovcnt;

    size_t pending;             /* write: bytes queued in iov */
    uint64_t transferred;       /* owner thread */

    /* Sticky error: last_error is read without the lock on hot paths;
     * both fields are written under lock (shutdown comes from any
     * thread). */
    GMutex lock;
    int last_error;
    GError *last_error_obj;

    /* Rate limiting, all under lock except the fast read of max. */
    uint64_t rate_limit_max;    /* bytes per window; 0 = unlimited */
    uint64_t rate_limit_used;   /* bytes queued in the current window */
    int64_t window_start_us;
    GCond wake;                 /* signalled by shutdown */
    bool shut_down;

    /* Sees every byte put or consumed while set (owner thread). */
    QEMUFileTap *tap;
    void *tap_opaque;
};

static QEMUFile *qemu_file_new(MigChannel *ch, bool writable)
{
    QEMUFile *f = g_new0(QEMUFile, 1);

    f->ch = mig_channel_ref(ch);
    f->writable = writable;
    g_mutex_init(&f->lock);
    g_cond_init(&f->wake);
    f->window_start_us = g_get_monotonic_time();
    return f;
}

QEMUFile *qemu_file_new_output(MigChannel *ch)
{
    return qemu_file_new(ch, true);
}

QEMUFile *qemu_file_new_input(MigChannel *ch)
{
    return qemu_file_new(ch, false);
}

MigChannel *qemu_file_get_channel(QEMUFile *f)
{
    return f->ch;
}

bool qemu_file_is_writable(QEMUFile *f)
{
    return f->writable;
}

/* ---- errors ---- */

int qemu_file_get_error(QEMUFile *f)
{
    return qatomic_read(&f->last_error);
}

int qemu_file_get_error_obj(QEMUFile *f, GError **errp)
{
    int ret;

    g_mutex_lock(&f->lock);
    ret = f->last_error;
    if (ret && errp) {
        if (f->last_error_obj) {
            *errp = g_error_copy(f->last_error_obj);
        } else {
            error_setg(errp, "%s: %s", f->ch->name, g_strerror(-ret));
        }
    }
    g_mutex_unlock(&f->lock);
    return ret;
}

void qemu_file_set_error_obj(QEMUFile *f, int ret, GError *err)
{
    g_mutex_lock(&f->lock);
    if (f->last_error == 0 && ret) {
        f->last_error_obj = err;
        qatomic_set(&f->last_error, ret);
        err = NULL;
    }
    g_mutex_unlock(&f->lock);
    if (err) {
        g_error_free(err);
    }
}

void qemu_file_set_error(QEMUFile *f, int ret)
{
    qemu_file_set_error_obj(f, ret, NULL);
}

static void set_io_error(QEMUFile *f, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void set_io_error(QEMUFile *f, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_file_set_error_obj(f, -EIO, g_error_new_literal(QMP_ERROR,
                            ERROR_CLASS_GENERIC_ERROR, msg));
}

int qemu_file_shutdown(QEMUFile *f)
{
    mig_channel_shutdown(f->ch, f->writable ? MIG_CHANNEL_SHUTDOWN_WRITE
                                            : MIG_CHANNEL_SHUTDOWN_READ);
    g_mutex_lock(&f->lock);
    f->shut_down = true;
    g_cond_broadcast(&f->wake);
    g_mutex_unlock(&f->lock);
    set_io_error(f, "%s: channel was shut down", f->ch->name);
    return 0;
}

/* ---- writing ---- */

/*
 * Hand the queued pieces to the channel, which may still be sending them
 * when this returns (TLS with a writer thread): what a full buffer or
 * iovec list does, so that the RAM scan overlaps the sending.
 */
static void write_out(QEMUFile *f)
{
    GError *err = NULL;

    if (!f->writable || qemu_file_get_error(f)) {
        f->iovcnt = 0;
        f->buf_index = 0;
        f->pending = 0;
        return;
    }
    if (f->iovcnt) {
        if (mig_channel_writev_all(f->ch, f->iov, f->iovcnt, &err)) {
            f->transferred += f->pending;
        } else {
            qemu_file_set_error_obj(f, -EIO, err);
        }
    }
    f->iovcnt = 0;
    f->buf_index = 0;
    f->pending = 0;
}

/* The callers' flush: the bytes are out (or the error is set) on return,
 * as commands, the stream's end and urgent pages need. */
void qemu_fflush(QEMUFile *f)
{
    GError *err = NULL;

    write_out(f);
    if (f->writable && !qemu_file_get_error(f) &&
        !mig_channel_flush(f->ch, &err)) {
        qemu_file_set_error_obj(f, -EIO, err);
    }
}

static void account_rate(QEMUFile *f, size_t len)
{
    if (qatomic_read(&f->rate_limit_max)) {
        g_mutex_lock(&f->lock);
        f->rate_limit_used += len;
        g_mutex_unlock(&f->lock);
    }
}

void qemu_file_acct_rate_limit(QEMUFile *f, uint64_t len)
{
    account_rate(f, len);
}

/* Append [base, base+len) to the iovec list, merging with the last entry
 * when contiguous. Flushes when the list is full; returns true then. */
static bool add_to_iovec(QEMUFile *f, const uint8_t *base, size_t len)
{
    f->pending += len;
    if (f->iovcnt > 0) {
        struct iovec *last = &f->iov[f->iovcnt - 1];

        if ((uint8_t *)last->iov_base + last->iov_len == base) {
            last->iov_len += len;
            return false;
        }
    }
    f->iov[f->iovcnt].iov_base = (void *)base;
    f->iov[f->iovcnt].iov_len = len;
    f->iovcnt++;
    if (f->iovcnt == MAX_IOV_SIZE) {
        write_out(f);
        return true;
    }
    return false;
}

void qemu_file_set_tap(QEMUFile *f, QEMUFileTap *tap, void *opaque)
{
    f->tap = tap;
    f->tap_opaque = opaque;
}

void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len)
{
    g_assert(f->writable);
    account_rate(f, len);
    if (f->tap && len) {
        f->tap(f->tap_opaque, buf, len);
    }
    while (len && !qemu_file_get_error(f)) {
        size_t n = MIN(len, IO_BUF_SIZE - f->buf_index);

        memcpy(f->buf + f->buf_index, buf, n);
        /* A flush inside add_to_iovec sent these bytes already and reset
         * buf_index. */
        if (!add_to_iovec(f, f->buf + f->buf_index, n)) {
            f->buf_index += n;
        }
        if (f->buf_index == IO_BUF_SIZE) {
            write_out(f);
        }
        buf += n;
        len -= n;
    }
}

void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t len)
{
    g_assert(f->writable);
    if (!len || qemu_file_get_error(f)) {
        return;
    }
    account_rate(f, len);
    if (f->tap) {
        f->tap(f->tap_opaque, buf, len);
    }
    add_to_iovec(f, buf, len);
}

void qemu_put_byte(QEMUFile *f, uint8_t v)
{
    qemu_put_buffer(f, &v, 1);
}

void qemu_put_be16(QEMUFile *f, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be32(QEMUFile *f, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    qemu_put_buffer(f, b, sizeof(b));
}

void qemu_put_be64(QEMUFile *f, uint64_t v)
{
    qemu_put_be32(f, v >> 32);
    qemu_put_be32(f, (uint32_t)v);
}

void qemu_put_counted_string(QEMUFile *f, const char *s)
{
    size_t len = strlen(s);

    if (len > 255) {
        qemu_file_set_error_obj(f, -EINVAL, g_error_new(QMP_ERROR,
                                ERROR_CLASS_GENERIC_ERROR,
                                "Name '%.32s...' is longer than 255 bytes",
                                s));
        return;
    }
    qemu_put_byte(f, len);
    qemu_put_buffer(f, (const uint8_t *)s, len);
}

/* ---- reading ---- */

/*
 * Read more bytes from the channel into buf. Returns the number of bytes
 * added, 0 at end of stream (error set when eof_is_error), -1 on error
 * (error set).
 */
static ssize_t fill_buffer(QEMUFile *f, bool eof_is_error)
{
    size_t pending = f->buf_size - f->buf_index;
    struct iovec iov;
    GError *err = NULL;
    ssize_t n;

    g_assert(!f->writable);
    if (qemu_file_get_error(f)) {
        return -1;
    }
    if (f->buf_index) {
        memmove(f->buf, f->buf + f->buf_index, pending);
        f->buf_index = 0;
        f->buf_size = pending;
    }
    if (f->buf_size == IO_BUF_SIZE) {
        return 0;
    }
    iov.iov_base = f->buf + f->buf_size;
    iov.iov_len = IO_BUF_SIZE - f->buf_size;
    n = mig_channel_readv(f->ch, &iov, 1, &err);
    if (n < 0) {
        qemu_file_set_error_obj(f, -EIO, err);
        return -1;
    }
    if (n == 0 && eof_is_error) {
        set_io_error(f, "%s: unexpected end of stream", f->ch->name);
    }
    f->buf_size += n;
    return n;
}

/* Make at least `want` (<= IO_BUF_SIZE) bytes available; false with the
 * error set otherwise. */
static bool ensure_available(QEMUFile *f, size_t want, bool eof_is_error)
{
    while (f->buf_size - f->buf_index < want) {
        if (fill_buffer(f, eof_is_error) <= 0) {
            return false;
        }
    }
    return true;
}

bool qemu_file_ready(QEMUFile *f, size_t want)
{
    g_assert(want <= IO_BUF_SIZE);
    while (f->buf_size - f->buf_index < want) {
        struct pollfd pfd = { .fd = f->ch->fd, .events = POLLIN };

        if (f->ch->fd < 0 || qemu_file_get_error(f) ||
            poll(&pfd, 1, 0) != 1 || fill_buffer(f, false) <= 0) {
            return false;
        }
    }
    return true;
}

/*
 * One readv of iov[0..iovcnt): the caller's `want` bytes first, then
 * the buffer's read-ahead as the last element. Bytes beyond `want` are
 * left in the buffer. Returns the caller's bytes (> 0), or 0 with the
 * error set (a failed read, or the end of the stream).
 */
static size_t read_into_then_buffer(QEMUFile *f, struct iovec *iov,
                                    int iovcnt, size_t want)
{
    GError *err = NULL;
    ssize_t n;

    f->buf_index = f->buf_size = 0;
    n = mig_channel_readv(f->ch, iov, iovcnt, &err);
    if (n < 0) {
        qemu_file_set_error_obj(f, -EIO, err);
        return 0;
    }
    if (n == 0) {
        set_io_error(f, "%s: unexpected end of stream", f->ch->name);
        return 0;
    }
    if ((size_t)n > want) {
        f->buf_size = n - want;
        return want;
    }
    return n;
}

/*
 * The buffer is empty and the caller still wants `want` bytes at dest:
 * one readv whose first element is dest and whose second is the whole
 * buffer, so the wanted bytes cross memory once (socket -> dest) and
 * whatever follows them (the next record's header) is read ahead as
 * fill_buffer() would. Returns the bytes stored at dest (> 0), or 0 with
 * the error set.
 */
static size_t read_direct(QEMUFile *f, uint8_t *dest, size_t want)
{
    struct iovec iov[2] = {
        { .iov_base = dest, .iov_len = want },
        { .iov_base = f->buf, .iov_len = IO_BUF_SIZE },
    };

    g_assert(f->buf_index == f->buf_size);
    return read_into_then_buffer(f, iov, 2, want);
}

size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len && !qemu_file_get_error(f)) {
        size_t avail = f->buf_size - f->buf_index;
        size_t n;

        if (avail) {
            n = MIN(avail, len - done);
            memcpy(buf + done, f->buf + f->buf_index, n);
            f->buf_index += n;
        } else if (len - done >= IO_BUF_SIZE) {
            /* Large reads go straight to the destination. */
            GError *err = NULL;

            if (!mig_channel_read_all(f->ch, buf + done, len - done, &err)) {
                qemu_file_set_error_obj(f, -EIO, err);
                break;
            }
            n = len - done;
        } else if (!(n = read_direct(f, buf + done, len - done))) {
            break;
        }
        done += n;
    }
    f->transferred += done;
    if (f->tap && done) {
        f->tap(f->tap_opaque, buf, done);
    }
    return done;
}

size_t qemu_file_buffered(QEMUFile *f)
{
    return f->writable ? 0 : f->buf_size - f->buf_index;
}

size_t qemu_get_scatter(QEMUFile *f, const struct iovec *iov, int iovcnt,
                        size_t ahead)
{
    struct iovec v[QEMU_FILE_SCATTER_MAX + 1];
    size_t want = 0;

    g_assert(!f->writable && f->buf_index == f->buf_size);
    g_assert(iovcnt > 0 && iovcnt <= QEMU_FILE_SCATTER_MAX);
    for (int i = 0; i < iovcnt; i++) {
        v[i] = iov[i];
        want += iov[i].iov_len;
    }
    g_assert(want + ahead <= IO_BUF_SIZE);
    if (qemu_file_get_error(f)) {
        return 0;
    }
    v[iovcnt].iov_base = f->buf;
    v[iovcnt].iov_len = ahead;
    return read_into_then_buffer(f, v, iovcnt + (ahead != 0), want);
}

void qemu_file_note_consumed(QEMUFile *f, const uint8_t *buf, size_t len)
{
    f->transferred += len;
    if (f->tap && len) {
        f->tap(f->tap_opaque, buf, len);
    }
}

void qemu_file_unget(QEMUFile *f, const struct iovec *iov, int iovcnt)
{
    size_t len = 0;
    size_t at = 0;

    g_assert(!f->writable);
    for (int i = 0; i < iovcnt; i++) {
        len += iov[i].iov_len;
    }
    if (f->buf_index) {
        memmove(f->buf, f->buf + f->buf_index, f->buf_size - f->buf_index);
        f->buf_size -= f->buf_index;
        f->buf_index = 0;
    }
    g_assert(f->buf_size + len <= IO_BUF_SIZE);
    memmove(f->buf + len, f->buf, f->buf_size);
    for (int i = 0; i < iovcnt; i++) {
        memcpy(f->buf + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    f->buf_size += len;
}

size_t qemu_get_buffer_in_place(QEMUFile *f, uint8_t **buf, size_t len)
{
    if (len <= IO_BUF_SIZE) {
        if (!ensure_available(f, len, true)) {
            return 0;
        }
        *buf = f->buf + f->buf_index;
        f->buf_index += len;
        f->transferred += len;
        if (f->tap && len) {
            f->tap(f->tap_opaque, *buf, len);
        }
        return len;
    }
    return qemu_get_buffer(f, *buf, len);
}

uint8_t qemu_get_byte(QEMUFile *f)
{
    uint8_t v = 0;

    qemu_get_buffer(f, &v, 1);
    return v;
}

uint16_t qemu_get_be16(QEMUFile *f)
{
    uint8_t b[2] = { 0 };

    if (qemu_get_buffer(f, b, 2) != 2) {
        return 0;
    }
    return (uint16_t)(b[0] << 8 | b[1]);
}

uint32_t qemu_get_be32(QEMUFile *f)
{
    uint8_t b[4] = { 0 };

    if (qemu_get_buffer(f, b, 4) != 4) {
        return 0;
    }
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | b[3];
}

uint64_t qemu_get_be64(QEMUFile *f)
{
    uint64_t hi = qemu_get_be32(f);

    return hi << 32 | qemu_get_be32(f);
}

size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t size,
                        size_t offset)
{
    g_assert(offset + size <= IO_BUF_SIZE);
    if (!ensure_available(f, offset + size, false)) {
        return 0;
    }
    *buf = f->buf + f->buf_index + offset;
    return size;
}

int qemu_peek_byte(QEMUFile *f, size_t offset)
{
    g_assert(offset < IO_BUF_SIZE);
    if (!ensure_available(f, offset + 1, false)) {
        return -1;
    }
    return f->buf[f->buf_index + offset];
}

int qemu_get_counted_string(QEMUFile *f, char buf[256])
{
    size_t len = qemu_get_byte(f);

    if (qemu_get_buffer(f, (uint8_t *)buf, len) != len) {
        buf[0] = 0;
        return -1;
    }
    buf[len] = 0;
    return (int)len;
}

void qemu_file_skip(QEMUFile *f, size_t len)
{
    while (len && !qemu_file_get_error(f)) {
        size_t avail = f->buf_size - f->buf_index;

        if (!avail && fill_buffer(f, true) <= 0) {
            return;
        }
        avail = MIN(f->buf_size - f->buf_index, len);
        if (f->tap) {
            f->tap(f->tap_opaque, f->buf + f->buf_index, avail);
        }
        f->buf_index += avail;
        f->transferred += avail;
        len -= avail;
    }
}

/* ---- accounting and rate limiting ---- */

uint64_t qemu_file_transferred(QEMUFile *f)
{
    return f->transferred + f->pending;
}

void qemu_file_set_rate_limit(QEMUFile *f, uint64_t bytes_per_sec)
{
    /* The budget of one 100 ms window; at least one byte when limited. */
    uint64_t per_window = bytes_per_sec ? MAX(bytes_per_sec / 10, 1) : 0;

    g_mutex_lock(&f->lock);
    qatomic_set(&f->rate_limit_max, per_window);
    g_mutex_unlock(&f->lock);
}

uint64_t qemu_file_get_rate_limit(QEMUFile *f)
{
    return qatomic_read(&f->rate_limit_max) * 10;
}

/*
 * Start a new window if the current one has ended. What a window sent
 * beyond its budget is owed by the windows after it: a producer checks
 * the budget only between chunks (RAM sends a bitmap word, up to 256 KiB,
 * at a time), and without the debt a low limit would be overshot by up
 * to a chunk per window. Lock held.
 */
static void rate_window_roll(QEMUFile *f, int64_t now)
{
    int64_t windows = (now - f->window_start_us) / RATE_WINDOW_US;
    uint64_t allowance;

    if (windows <= 0) {
        return;
    }
    /* Past 1000 windows any debt a chunk can cause is long paid. */
    allowance = (uint64_t)MIN(windows, 1000) * f->rate_limit_max;
    f->rate_limit_used = f->rate_limit_used > allowance ?
                         f->rate_limit_used - allowance : 0;
    f->window_start_us = now;
}

bool qemu_file_rate_limit_exceeded(QEMUFile *f)
{
    bool exceeded;

    /* An errored file should stop its producer just the same. */
    if (qemu_file_get_error(f)) {
        return true;
    }
    if (!qatomic_read(&f->rate_limit_max)) {
        return false;
    }
    g_mutex_lock(&f->lock);
    rate_window_roll(f, g_get_monotonic_time());
    exceeded = f->rate_limit_max && f->rate_limit_used >= f->rate_limit_max;
    g_mutex_unlock(&f->lock);
    return exceeded;
}

void qemu_file_rate_limit_wait(QEMUFile *f)
{
    g_mutex_lock(&f->lock);
    for (;;) {
        int64_t now = g_get_monotonic_time();
        int64_t end = f->window_start_us + RATE_WINDOW_US;

        if (f->shut_down || now >= end) {
            rate_window_roll(f, now);
            break;
        }
        g_cond_wait_until(&f->wake, &f->lock, end);
    }
    g_mutex_unlock(&f->lock);
}

/* ---- positions ---- */

static int seekable_fd(QEMUFile *f, GError **errp)
{
    if (!f->ch->is_seekable || f->ch->fd < 0) {
        error_setg(errp, "%s: the channel is not a seekable file",
                   f->ch->name);
        return -1;
    }
    return f->ch->fd;
}

bool qemu_file_get_offset(QEMUFile *f, uint64_t *offset, GError **errp)
{
    int fd = seekable_fd(f, errp);
    off_t pos;

    if (fd < 0) {
        return false;
    }
    if (f->writable) {
        qemu_fflush(f);
    }
    if (qemu_file_get_error_obj(f, errp)) {
        return false;
    }
    pos = lseek(fd, 0, SEEK_CUR);
    if (pos < 0) {
        error_setg_errno(errp, errno, "%s: cannot get the file position",
                         f->ch->name);
        return false;
    }
    /* Reading: the bytes read ahead are not consumed yet. */
    *offset = f->writable ? (uint64_t)pos
                          : (uint64_t)pos - (f->buf_size - f->buf_index);
    return true;
}

bool qemu_file_set_offset(QEMUFile *f, uint64_t offset, GError **errp)
{
    int fd = seekable_fd(f, errp);

    if (fd < 0) {
        return false;
    }
    if (f->writable) {
        qemu_fflush(f);
    } else {
        f->buf_index = 0;
        f->buf_size = 0;
    }
    if (qemu_file_get_error_obj(f, errp)) {
        return false;
    }
    if (offset > INT64_MAX || lseek(fd, offset, SEEK_SET) < 0) {
        GError *err = g_error_new(QMP_ERROR, ERROR_CLASS_GENERIC_ERROR,
                                  "%s: cannot continue the stream at file "
                                  "offset 0x%" PRIx64 ": %s", f->ch->name,
                                  offset, offset > INT64_MAX ? "too large"
                                                             : g_strerror(errno));

        if (errp) {
            *errp = g_error_copy(err);
        }
        qemu_file_set_error_obj(f, -EIO, err);
        return false;
    }
    return true;
}

void qemu_file_account_external(QEMUFile *f, uint64_t len)
{
    f->transferred += len;
    account_rate(f, len);
}

/* ---- close, return path ---- */

int qemu_fclose(QEMUFile *f)
{
    int ret;

    if (f->writable) {
        qemu_fflush(f);
    }
    ret = qemu_file_get_error(f);
    mig_channel_unref(f->ch);
    if (f->last_error_obj) {
        g_error_free(f->last_error_obj);
    }
    g_cond_clear(&f->wake);
    g_mutex_clear(&f->lock);
    g_free(f);
    return ret;
}

QEMUFile *qemu_file_get_return_path(QEMUFile *f)
{
    if (!mig_channel_is_two_way(f->ch)) {
        return NULL;
    }
    return f->writable ? qemu_file_new_input(f->ch)
                       : qemu_file_new_output(f->ch);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MigChannel over a file descriptor (socket, pipe, regular file).
 *
 * Callers see blocking reads and writes, but underneath the fd is driven
 * non-blocking and every wait is a poll() on the fd plus one wake eventfd
 * per direction. mig_channel_shutdown() signals that eventfd, so a thread
 * blocked in a read or write of a pipe returns at once; sockets are also
 * shut down with shutdown(2) so the peer sees it. Regular files never
 * block, so for them only the shutdown flag is checked.
 *
 * Spinning (mig_channel_expect_data): a read that would block while a
 * spin is armed retries the non-blocking read with CPU pauses in between
 * until the deadline, and only then sleeps in poll(). The first bytes
 * that come after an arm use it up: the reader sleeps again on its next
 * empty read unless it was armed anew meanwhile. Arming a reader that
 * already sleeps writes a third eventfd (kick) so that it wakes now,
 * while the bytes it expects are still on their way. The reader backs
 * off from spinning on a busy CPU and when the bytes usually take longer
 * than the spin could wait.
 */
#include "qemu/osdep.h"

#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "migration/channel.h"
#include "qapi/error.h"

typedef struct FdChannel {
    /* Wake fds, indexed by direction (0 = read, 1 = write). They are only
     * ever signalled, never drained: a shut-down direction stays shut. */
    int wake[2];
    bool no_cork;           /* TCP_CORK failed once: not a TCP socket */
    /* Spin state (atomic): deadline in g_get_monotonic_time() us (0: never
     * armed), whether the reader sleeps in poll(), and the kick eventfd
     * (non-blocking, drained by the reader) that wakes it. */
    gint64 spin_until;
    gint64 spin_armed_at;   /* the latest arm not yet used up, or 0 */
    int reader_sleeps;
    int spin_off;           /* the reader would not spin now: no kick */
    int kick;
    /* Written by the reader thread only (the counts read by anyone). */
    gint64 backoff_until;   /* CPU contended: no spinning until then */
    gint64 backoff_us;      /* the next back-off; 0: SPIN_BACKOFF_US */
    gint64 wait_avg_us;     /* armed reads: average wait for the bytes */
    uint64_t spin_hits;
    uint64_t spin_misses;
} FdChannel;

/*
 * Spinning only pays on idle cores. A loop iteration (a read and a
 * yield, microseconds) that took longer than SPIN_PREEMPTED_US means
 * another thread had this CPU: the spin ends, and the reader does not
 * spin for SPIN_BACKOFF_US, doubled at each such spin in a row up to
 * SPIN_BACKOFF_MAX_US and reset by a spin that got its bytes. On a busy
 * machine it so leaves the CPU to the threads that produce its bytes: a
 * thread that yielded while spinning has lost the head start the
 * scheduler gives a woken sleeper, and on the loaded 2-core machine
 * spinners that held on made the worst waits milliseconds long.
 */
#define SPIN_PREEMPTED_US 50
#define SPIN_BACKOFF_US (20 * 1000)
#define SPIN_BACKOFF_MAX_US G_USEC_PER_SEC
#define SPIN_LEARN_CAP_US (4 * MIG_CHANNEL_SPIN_MAX_US)

/*
 * Between two non-blocking reads while spinning: a few CPU pauses, then
 * sched_yield(). A failed read is a syscall of about a microsecond, so
 * the loop reacts within a couple of microseconds; the yield is as cheap
 * on an idle CPU and, on a busy one, lets the threads that produce the
 * awaited bytes (vCPU, fault thread, the peer) run before us: spinning
 * pays only on idle cores and must not take them from those threads.
 */
#define SPIN_PAUSES 16

static void spin_pause(void)
{
    for (int i = 0; i < SPIN_PAUSES; i++) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield" ::: "memory");
#else
        __asm__ __volatile__("" ::: "memory");
#endif
    }
    sched_yield();
}

static bool channel_is_shut(MigChannel *ch, MigChannelShutdown dir)
{
    return qatomic_read(&ch->shutdown_flags) & dir;
}

static void set_shut_error(MigChannel *ch, bool writing, GError **errp)
{
    error_setg(errp, "%s: channel was shut down while %s", ch->name,
               writing ? "writing" : "reading");
}

typedef enum FdWait {
    FD_WAIT_READY,          /* ready, hung up or in error: try the I/O */
    FD_WAIT_KICKED,         /* a spin was armed meanwhile (reads only) */
    FD_WAIT_FAILED,         /* shut down or poll failed: errp is set */
} FdWait;

/* The armed deadline, or 0 when no spin is armed now. */
static gint64 fd_channel_spin_deadline(FdChannel *fc)
{
    gint64 until = qatomic_read(&fc->spin_until);

    return until && g_get_monotonic_time() < until ? until : 0;
}

/*
 * Wait until fd is ready for the direction, or the direction is shut
 * down, or (reading) a spin gets armed other than the one with deadline
 * `seen` (which the reader has already dealt with).
 */
static FdWait fd_channel_wait(MigChannel *ch, bool writing, gint64 seen,
                              GError **errp)
{
    FdChannel *fc = ch->opaque;
    MigChannelShutdown dir = writing ? MIG_CHANNEL_SHUTDOWN_WRITE
                                     : MIG_CHANNEL_SHUTDOWN_READ;
    struct pollfd pfd[3] = {
        { .fd = ch->fd, .events = writing ? POLLOUT : POLLIN },
        { .fd = fc->wake[writing], .events = POLLIN },
        { .fd = fc->kick, .events = POLLIN },
    };
    int npfd = writing ? 2 : 3;

    for (;;) {
        int r;

        if (channel_is_shut(ch, dir)) {
            set_shut_error(ch, writing, errp);
            return FD_WAIT_FAILED;
        }
        if (!writing) {
            gint64 armed;

            /* Pairs with fd_channel_expect_data(): either it sees us
             * asleep and kicks, or we see its deadline here. */
            qatomic_set(&fc->reader_sleeps, 1);
            smp_mb();
            armed = fd_channel_spin_deadline(fc);
            if (armed && armed != seen) {
                qatomic_set(&fc->reader_sleeps, 0);
                return FD_WAIT_KICKED;
            }
        }
        r = poll(pfd, npfd, -1);
        if (!writing) {
            qatomic_set(&fc->reader_sleeps, 0);
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            error_setg_errno(errp, errno, "%s: poll failed", ch->name);
            return FD_WAIT_FAILED;
        }
        if (pfd[1].revents || channel_is_shut(ch, dir)) {
            set_shut_error(ch, writing, errp);
            return FD_WAIT_FAILED;
        }
        if (pfd[0].revents) {
            /* Readable, writable, hung up or in error: the I/O call
             * itself reports which. */
            return FD_WAIT_READY;
        }
        if (!writing && pfd[2].revents) {
            uint64_t v;

            /* Non-blocking: a racing reader of the count is impossible
             * (one reader thread), but EAGAIN must not hang us. */
            (void)!read(fc->kick, &v, sizeof(v));
            return FD_WAIT_KICKED;
        }
    }
}

/*
 * An armed read found nothing at `now`: spin until when (0: not at all)?
 * Not while backing off, nor when the bytes usually take longer than the
 * armed time (the spin would burn it all and sleep anyway).
 */
static gint64 fd_channel_spin_plan(FdChannel *fc, gint64 armed, gint64 now)
{
    bool off = now < fc->backoff_until || fc->wait_avg_us > armed - now;

    qatomic_set(&fc->spin_off, off);
    return off ? 0 : armed;
}

/*
 * A read that had to wait got its bytes: if they were expected, learn
 * how long they took after the arm (capped, so that one long pause of
 * the peer is forgotten after a few dozen quick answers) and use the arm
 * up, unless someone armed again since (a newer deadline stays).
 */
static void fd_channel_spin_learn(FdChannel *fc)
{
    gint64 until = qatomic_read(&fc->spin_until);
    gint64 at = qatomic_xchg(&fc->spin_armed_at, (gint64)0);
    gint64 now = g_get_monotonic_time();

    if (!at) {
        return;
    }
    fc->wait_avg_us += (MIN(now - at, SPIN_LEARN_CAP_US) -
                        fc->wait_avg_us) / 8;
    qatomic_cmpxchg(&fc->spin_until, until, (gint64)0);
    /* Whether the next arm (taken to be as long as this one) is worth
     * a kick: a reader asleep at the arm plans only when woken. */
    qatomic_set(&fc->spin_off, now < fc->backoff_until ||
                               fc->wait_avg_us > until - at);
}

static ssize_t fd_channel_readv(MigChannel *ch, const struct iovec *iov,
                                int iovcnt, GError **errp)
{
    FdChannel *fc = ch->opaque;
    gint64 armed = -1;      /* the armed deadline once looked at; 0: none */
    gint64 spin_end = 0;    /* spinning until then; 0: not spinning */
    bool waited = false;    /* found nothing at least once */
    gint64 last = 0;        /* the previous spin iteration */

    for (;;) {
        ssize_t n;

        if (channel_is_shut(ch, MIG_CHANNEL_SHUTDOWN_READ)) {
            set_shut_error(ch, false, errp);
            return -1;
        }
        n = readv(ch->fd, iov, iovcnt);
        if (n >= 0) {
            /* A socket shut down locally reads as EOF; report the cancel
             * instead, so the reader does not mistake it for the end. */
            if (n == 0 && channel_is_shut(ch, MIG_CHANNEL_SHUTDOWN_READ)) {
                set_shut_error(ch, false, errp);
                return -1;
            }
            if (waited) {
                fd_channel_spin_learn(fc);
            }
            if (spin_end) {
                qatomic_set(&fc->spin_hits, fc->spin_hits + 1);
                fc->backoff_us = 0;
            }
            return n;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            error_setg_errno(errp, errno, "%s: read failed", ch->name);
            return -1;
        }
        waited = true;
        if (armed < 0) {
            armed = fd_channel_spin_deadline(fc);
            spin_end = 0;
            if (armed) {
                last = g_get_monotonic_time();
                spin_end = fd_channel_spin_plan(fc, armed, last);
            }
        }
        if (spin_end) {
            gint64 now = g_get_monotonic_time();

            if (now - last > SPIN_PREEMPTED_US) {
                fc->backoff_us = fc->backoff_us ?
                    MIN(fc->backoff_us * 2, SPIN_BACKOFF_MAX_US) :
                    SPIN_BACKOFF_US;
                fc->backoff_until = now + fc->backoff_us;
                qatomic_set(&fc->spin_off, 1);
            } else if (now < spin_end) {
                last = now;
                spin_pause();
                continue;
            }
            qatomic_set(&fc->spin_misses, fc->spin_misses + 1);
            spin_end = 0;
        }
        switch (fd_channel_wait(ch, false, armed, errp)) {
        case FD_WAIT_FAILED:
            return -1;
        case FD_WAIT_KICKED:
            armed = -1;         /* armed anew: plan again */
            break;
        case FD_WAIT_READY:
            break;
        }
    }
}

static ssize_t fd_channel_writev(MigChannel *ch, const struct iovec *iov,
                                 int iovcnt, GError **errp)
{
    for (;;) {
        ssize_t n;

        if (channel_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
            set_shut_error(ch, true, errp);
            return -1;
        }
        if (ch->is_socket) {
            /* MSG_NOSIGNAL: a vanished peer is an error, not SIGPIPE. */
            struct msghdr msg = {
                .msg_iov = (struct iovec *)iov, .msg_iovlen = iovcnt,
            };
            n = sendmsg(ch->fd, &msg, MSG_NOSIGNAL);
        } else {
            n = writev(ch->fd, iov, iovcnt);
        }
        if (n >= 0) {
            return n;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (fd_channel_wait(ch, true, 0, errp) == FD_WAIT_FAILED) {
                return -1;
            }
            continue;
        }
        if (channel_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
            set_shut_error(ch, true, errp);
        } else {
            error_setg_errno(errp, errno, "%s: write failed", ch->name);
        }
        return -1;
    }
}

static void fd_channel_shutdown(MigChannel *ch, MigChannelShutdown how)
{
    FdChannel *fc = ch->opaque;
    uint64_t one = 1;

    if (ch->is_socket) {
        int sh = how == MIG_CHANNEL_SHUTDOWN_BOTH ? SHUT_RDWR :
                 how == MIG_CHANNEL_SHUTDOWN_READ ? SHUT_RD : SHUT_WR;
        /* ENOTCONN when the peer is already gone: nothing to do. */
        (void)shutdown(ch->fd, sh);
    }
    for (int dir = 0; dir < 2; dir++) {
        if (how & (dir ? MIG_CHANNEL_SHUTDOWN_WRITE
                       : MIG_CHANNEL_SHUTDOWN_READ)) {
            ssize_t r;

            do {
                r = write(fc->wake[dir], &one, sizeof(one));
            } while (r < 0 && errno == EINTR);
        }
    }
}

static void fd_channel_expect_data(MigChannel *ch, unsigned spin_us)
{
    FdChannel *fc = ch->opaque;
    gint64 now = g_get_monotonic_time();
    gint64 until = now + MIN(spin_us, MIG_CHANNEL_SPIN_MAX_US);
    uint64_t one = 1;

    qatomic_set(&fc->spin_armed_at, now);

    /* Only ever extend: two arming threads must not shorten a spin. */
    for (;;) {
        gint64 cur = qatomic_read(&fc->spin_until);

        if (cur >= until ||
            qatomic_cmpxchg(&fc->spin_until, cur, until) == cur) {
            break;
        }
    }
    smp_mb();
    if (qatomic_read(&fc->reader_sleeps) && !qatomic_read(&fc->spin_off)) {
        (void)!write(fc->kick, &one, sizeof(one));
    }
}

static void fd_channel_close(MigChannel *ch)
{
    FdChannel *fc = ch->opaque;

    if (ch->fd >= 0) {
        close(ch->fd);
        ch->fd = -1;
    }
    for (int dir = 0; dir < 2; dir++) {
        close(fc->wake[dir]);
    }
    close(fc->kick);
    g_free(fc);
    ch->opaque = NULL;
}

/*
 * TCP_CORK rather than MSG_MORE: the writes come from GnuTLS's push
 * function, one per record, and the socket has TCP_NODELAY, so each 16 KiB
 * record would otherwise be a packet of its own, processed (on loopback:
 * also received) one by one.
 */
static void fd_channel_cork(MigChannel *ch, bool on)
{
    FdChannel *fc = ch->opaque;
    int v = on;

    if (!ch->is_socket || fc->no_cork) {
        return;
    }
    if (setsockopt(ch->fd, IPPROTO_TCP, TCP_CORK, &v, sizeof(v)) < 0) {
        fc->no_cork = true;
    }
}

static const MigChannelOps fd_channel_ops = {
    .readv = fd_channel_readv,
    .writev = fd_channel_writev,
    .cork = fd_channel_cork,
    .expect_data = fd_channel_expect_data,
    .shutdown = fd_channel_shutdown,
    .close = fd_channel_close,
};

MigChannel *mig_channel_new(const MigChannelOps *ops, const char *name,
                            void *opaque)
{
    MigChannel *ch = g_new0(MigChannel, 1);

    ch->ops = ops;
    ch->name = g_strdup(name);
    ch->fd = -1;
    ch->refcount = 1;
    ch->opaque = opaque;
    return ch;
}

MigChannel *mig_channel_new_fd(int fd, const char *name)
{
    FdChannel *fc = g_new0(FdChannel, 1);
    struct stat st;
    MigChannel *ch;

    fc->wake[0] = eventfd(0, EFD_CLOEXEC);
    fc->wake[1] = eventfd(0, EFD_CLOEXEC);
    fc->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    /* eventfd only fails when out of fds; that is our bug to fix, not a
     * condition a caller can handle meaningfully. */
    g_assert(fc->wake[0] >= 0 && fc->wake[1] >= 0 && fc->kick >= 0);

    ch = mig_channel_new(&fd_channel_ops, name, fc);
    ch->fd = fd;
    if (fstat(fd, &st) == 0) {
        ch->is_socket = S_ISSOCK(st.st_mode);
        ch->is_seekable = S_ISREG(st.st_mode);
    }
    if (!ch->is_seekable) {
        int fl = fcntl(fd, F_GETFL);

        if (fl >= 0 && !(fl & O_NONBLOCK)) {
            (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        }
    }
    return ch;
}

MigChannel *mig_channel_ref(MigChannel *ch)
{
    g_atomic_int_inc(&ch->refcount);
    return ch;
}

void mig_channel_unref(MigChannel *ch)
{
    if (!ch || !g_atomic_int_dec_and_test(&ch->refcount)) {
        return;
    }
    if (ch->ops->close) {
        ch->ops->close(ch);
    }
    g_free(ch->name);
    g_free(ch);
}

bool mig_channel_is_two_way(MigChannel *ch)
{
    return ch->is_socket;
}

ssize_t mig_channel_readv(MigChannel *ch, const struct iovec *iov, int iovcnt,
                          GError **errp)
{
    return ch->ops->readv(ch, iov, iovcnt, errp);
}

bool mig_channel_read_all(MigChannel *ch, void *buf, size_t len,
                          GError **errp)
{
    uint8_t *p = buf;

    while (len) {
        struct iovec iov = { .iov_base = p, .iov_len = len };
        ssize_t n = mig_channel_readv(ch, &iov, 1, errp);

        if (n < 0) {
            return false;
        }
        if (n == 0) {
            error_setg(errp, "%s: unexpected end of stream", ch->name);
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

bool mig_channel_writev_all(MigChannel *ch, const struct iovec *iov,
                            int iovcnt, GError **errp)
{
    /* Work on a copy: a short write advances into the middle of an
     * element, and the caller's array stays untouched. */
    g_autofree struct iovec *v = g_memdup2(iov, sizeof(*iov) * iovcnt);
    int i = 0;

    while (i < iovcnt) {
        ssize_t n;

        if (v[i].iov_len == 0) {
            i++;
            continue;
        }
        n = ch->ops->writev(ch, v + i, MIN(iovcnt - i, IOV_MAX), errp);
        if (n < 0) {
            return false;
        }
        if (n == 0) {
            error_setg(errp, "%s: write made no progress", ch->name);
            return false;
        }
        while (n > 0) {
            size_t step = MIN((size_t)n, v[i].iov_len);

            v[i].iov_base = (uint8_t *)v[i].iov_base + step;
            v[i].iov_len -= step;
            n -= step;
            if (v[i].iov_len == 0) {
                i++;
            }
        }
    }
    return true;
}

bool mig_channel_write_all(MigChannel *ch, const void *buf, size_t len,
                           GError **errp)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

    return mig_channel_writev_all(ch, &iov, 1, errp);
}

void mig_channel_cork(MigChannel *ch, bool on)
{
    if (ch->ops->cork) {
        ch->ops->cork(ch, on);
    }
}

bool mig_channel_flush(MigChannel *ch, GError **errp)
{
    return !ch->ops->flush || ch->ops->flush(ch, errp);
}

void mig_channel_expect_data(MigChannel *ch, unsigned spin_us)
{
    if (ch->ops->expect_data) {
        ch->ops->expect_data(ch, spin_us);
    }
}

void mig_channel_spin_stats(MigChannel *ch, uint64_t *hits, uint64_t *misses)
{
    FdChannel *fc = ch->ops == &fd_channel_ops ? ch->opaque : NULL;

    *hits = fc ? qatomic_read(&fc->spin_hits) : 0;
    *misses = fc ? qatomic_read(&fc->spin_misses) : 0;
}

void mig_channel_shutdown(MigChannel *ch, MigChannelShutdown how)
{
    qatomic_or(&ch->shutdown_flags, (int)how);
    if (ch->ops->shutdown) {
        ch->ops->shutdown(ch, how);
    }
}

/*
 * A channel over memory: writes append to a byte array, reads consume it
 * from the front. Used for nested streams built in memory (PACKAGED
 * blobs, the buffered device state of a background snapshot) and tests.
 */
typedef struct MemChannel {
    GMutex lock;
    GByteArray *data;
    size_t pos;             /* next byte to read */
} MemChannel;

static ssize_t mem_channel_readv(MigChannel *ch, const struct iovec *iov,
                                 int iovcnt, GError **errp)
{
    MemChannel *mc = ch->opaque;
    ssize_t done = 0;

    if (channel_is_shut(ch, MIG_CHANNEL_SHUTDOWN_READ)) {
        set_shut_error(ch, false, errp);
        return -1;
    }
    g_mutex_lock(&mc->lock);
    for (int i = 0; i < iovcnt && mc->pos < mc->data->len; i++) {
        size_t n = MIN(iov[i].iov_len, mc->data->len - mc->pos);

        memcpy(iov[i].iov_base, mc->data->data + mc->pos, n);
        mc->pos += n;
        done += n;
    }
    g_mutex_unlock(&mc->lock);
    return done;
}

static ssize_t mem_channel_writev(MigChannel *ch, const struct iovec *iov,
                                  int iovcnt, GError **errp)
{
    MemChannel *mc = ch->opaque;
    ssize_t done = 0;

    if (channel_is_shut(ch, MIG_CHANNEL_SHUTDOWN_WRITE)) {
        set_shut_error(ch, true, errp);
        return -1;
    }
    g_mutex_lock(&mc->lock);
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > G_MAXUINT - mc->data->len) {
            g_mutex_unlock(&mc->lock);
            error_setg(errp, "%s: memory stream larger than 4 GiB", ch->name);
            return -1;
        }
        g_byte_array_append(mc->data, iov[i].iov_base, iov[i].iov_len);
        done += iov[i].iov_len;
    }
    g_mutex_unlock(&mc->lock);
    return done;
}

static void mem_channel_close(MigChannel *ch)
{
    MemChannel *mc = ch->opaque;

    g_byte_array_unref(mc->data);
    g_mutex_clear(&mc->lock);
    g_free(mc);
    ch->opaque = NULL;
}

static const MigChannelOps mem_channel_ops = {
    .readv = mem_channel_readv,
    .writev = mem_channel_writev,
    .close = mem_channel_close,
};

MigChannel *mig_channel_new_mem(const void *data, size_t len,
                                const char *name)
{
    MemChannel *mc = g_new0(MemChannel, 1);

    g_mutex_init(&mc->lock);
    mc->data = g_byte_array_sized_new(len);
    if (len) {
        g_byte_array_append(mc->data, data, len);
    }
    return mig_channel_new(&mem_channel_ops, name, mc);
}

GBytes *mig_channel_mem_get_bytes(MigChannel *ch)
{
    MemChannel *mc = ch->opaque;
    GBytes *b;

    g_assert(ch->ops == &mem_channel_ops);
    g_mutex_lock(&mc->lock);
    b = g_bytes_new(mc->data->data, mc->data->len);
    g_mutex_unlock(&mc->lock);
    return b;
}

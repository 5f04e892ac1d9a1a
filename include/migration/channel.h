/*
 * Migration channels: a bidirectional byte stream (socket, pipe, file) that
 * the stream code reads and writes with plain blocking calls from its own
 * thread. TLS (migration/tls.c) wraps a channel with the same operations.
 *
 * A channel is reference counted: the QEMUFile for each direction holds a
 * reference, so the return path shares the main connection.
 * mig_channel_shutdown() may be called from any thread and makes every
 * blocked and future read/write of that direction fail at once (cancel).
 */
#ifndef MIGRATION_CHANNEL_H
#define MIGRATION_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <glib.h>

typedef struct MigChannel MigChannel;

typedef enum MigChannelShutdown {
    MIG_CHANNEL_SHUTDOWN_READ = 1,
    MIG_CHANNEL_SHUTDOWN_WRITE = 2,
    MIG_CHANNEL_SHUTDOWN_BOTH = 3,
} MigChannelShutdown;

typedef struct MigChannelOps {
    /* Bytes read (> 0), 0 at end of stream, -1 with errp set. Fills
     * the elements in order; QEMUFile reads page data this way straight
     * into guest RAM with its buffer as the second element. */
    ssize_t (*readv)(MigChannel *ch, const struct iovec *iov, int iovcnt,
                     GError **errp);
    /* Bytes written (> 0, may be short), -1 with errp set. */
    ssize_t (*writev)(MigChannel *ch, const struct iovec *iov, int iovcnt,
                      GError **errp);
    void (*shutdown)(MigChannel *ch, MigChannelShutdown how);
    /*
     * Optional, for channels whose writev returns before the bytes are
     * out (TLS with a writer thread): wait until everything written so
     * far has been written out; false with errp set. NULL: writes are
     * synchronous, nothing to wait for.
     */
    bool (*flush)(MigChannel *ch, GError **errp);
    /*
     * Optional hint, writing thread: while corked, hold partly filled
     * packets back, so that a run of small writes (one TLS record each)
     * leaves as full segments; uncorking sends what is held. NULL or
     * unsupported (not TCP): no-op.
     */
    void (*cork)(MigChannel *ch, bool on);
    /* Optional: see mig_channel_expect_data(). NULL: never spins. */
    void (*expect_data)(MigChannel *ch, unsigned spin_us);
    /* Release the transport (fd, session); called by the last unref. */
    void (*close)(MigChannel *ch);
} MigChannelOps;

struct MigChannel {
    const MigChannelOps *ops;
    char *name;                 /* for messages: "migration-socket-outgoing" */
    int fd;                     /* underlying fd, or -1 */
    bool is_socket;             /* shutdown(2) and SCM_RIGHTS work */
    bool is_seekable;           /* a regular file (file: migration) */
    gint refcount;
    int shutdown_flags;         /* MigChannelShutdown bits, atomic */
    void *opaque;               /* the implementation's own state */
    /* When a listener accepted it: 1, 2, ... in accept order across the
     * process (migration_channel_listen); 0 when not accepted there. */
    uint64_t accept_seq;
};

/*
 * A channel with the caller's implementation (TLS wraps another channel
 * this way): refcount 1, fd -1, no flags set; the caller fills in fd,
 * is_socket and is_seekable as they apply. ops->close releases opaque.
 */
MigChannel *mig_channel_new(const MigChannelOps *ops, const char *name,
                            void *opaque);
/*
 * A channel over fd (socket, pipe or regular file); takes ownership of fd
 * (closed by the last unref). Pipes and sockets are switched to
 * O_NONBLOCK underneath; callers still see blocking reads and writes,
 * which mig_channel_shutdown() from another thread interrupts.
 */
MigChannel *mig_channel_new_fd(int fd, const char *name);
/*
 * A channel over memory, starting with a copy of data[0..len): writes
 * append, reads consume from the front and see EOF at the end. One-way
 * (no return path). For nested streams built in memory and tests.
 */
MigChannel *mig_channel_new_mem(const void *data, size_t len,
                                const char *name);
/* A copy of the whole content of a memory channel (its initial data and
 * everything written since, including bytes already read). Caller unrefs. */
GBytes *mig_channel_mem_get_bytes(MigChannel *ch);
MigChannel *mig_channel_ref(MigChannel *ch);
void mig_channel_unref(MigChannel *ch);

/* One call of the implementation; see MigChannelOps. */
ssize_t mig_channel_readv(MigChannel *ch, const struct iovec *iov, int iovcnt,
                          GError **errp);
/* Read exactly len bytes; false with errp set on error or early EOF. */
bool mig_channel_read_all(MigChannel *ch, void *buf, size_t len,
                          GError **errp);
/* Write every byte of iov (retrying short writes); false with errp set. */
bool mig_channel_writev_all(MigChannel *ch, const struct iovec *iov,
                            int iovcnt, GError **errp);
bool mig_channel_write_all(MigChannel *ch, const void *buf, size_t len,
                           GError **errp);
/* Wait until every byte written so far is out (see MigChannelOps.flush);
 * false with errp set. */
bool mig_channel_flush(MigChannel *ch, GError **errp);
/* See MigChannelOps.cork. */
void mig_channel_cork(MigChannel *ch, bool on);
/*
 * Any thread: bytes are expected on ch within spin_us microseconds (a
 * postcopy page was requested, or a request was just served). Until then
 * a read that finds nothing polls non-blocking, pausing the CPU between
 * tries, instead of sleeping in poll(): on an idle machine waking a
 * sleeping thread costs more than the wait itself. The spin stops at
 * the first bytes (and is used up by them unless armed again since), at
 * shutdown, or at the deadline (at most MIG_CHANNEL_SPIN_MAX_US after
 * the call); a reader asleep in poll() is woken to spin. The reader
 * does not spin while its CPU is busy with other threads, nor when the
 * expected bytes have lately taken longer than the armed time. The bytes
 * read never change; with no recent call a read costs no CPU while it
 * waits. fd channels only; others (TLS, memory) ignore it.
 */
#define MIG_CHANNEL_SPIN_MAX_US 1000
void mig_channel_expect_data(MigChannel *ch, unsigned spin_us);
/* Reads that found data while spinning / spins that ran out (tests and
 * benchmarks; 0 for channels that never spin). */
void mig_channel_spin_stats(MigChannel *ch, uint64_t *hits,
                            uint64_t *misses);
/* Any thread: make blocked and later reads/writes of `how` fail at once
 * ("<name>: channel was shut down while reading"). Sticky. */
void mig_channel_shutdown(MigChannel *ch, MigChannelShutdown how);
/* Can the other direction carry a return path? (sockets: yes; pipes and
 * files: no) */
bool mig_channel_is_two_way(MigChannel *ch);

#endif /* MIGRATION_CHANNEL_H */

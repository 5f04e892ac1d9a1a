/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-behind: a bounded queue of filled buffers that a thread of its
 * own hands to a sink, so that the producer's work (the migration
 * thread's RAM scan) overlaps the sink's (TLS encryption and the socket
 * send). The producer's bytes are copied when pushed, so its memory is
 * free again when the push returns, as with a synchronous write.
 *
 * Buffers are WRITE_BEHIND_BUF_SIZE bytes by default: a multiple of the
 * largest TLS record (16 KiB plaintext), so that a full buffer becomes
 * whole records. A push hands over everything it copied (the last buffer
 * possibly partly filled): no byte waits in the queue for a later push.
 * An append instead keeps the last buffer open for the next append, so
 * that many small writes (TLS records of ciphertext) fill whole buffers;
 * a kick, push or drain hands the open buffer over.
 *
 * The same queue serves two stages of a TLS channel (migration/tls.c):
 * plaintext to the encrypting thread, and ciphertext from it to the
 * thread that writes the socket.
 *
 * Threads: one producer at a time calls append, kick, push and drain
 * (callers serialise, as they do for a channel's writes); cancel from any
 * thread; free from any thread once no producer call runs. The sink runs
 * only on the write-behind thread.
 */
#ifndef MIGRATION_WRITE_BEHIND_H
#define MIGRATION_WRITE_BEHIND_H

#include <glib.h>
#include <sys/uio.h>

#define WRITE_BEHIND_BUF_SIZE (256 * 1024)
#define WRITE_BEHIND_BUFS     8

typedef struct WriteBehind WriteBehind;

/* Write all of the queued buffers iov[0..iovcnt) (each non-empty, in
 * order); false with errp set (then nothing more is handed to it). */
typedef bool WriteBehindSink(void *opaque, const struct iovec *iov,
                             int iovcnt, GError **errp);

/* Start the thread (named thread_name, for top and the benchmarks), with
 * WRITE_BEHIND_BUFS buffers of WRITE_BEHIND_BUF_SIZE bytes. */
WriteBehind *write_behind_new(const char *thread_name, WriteBehindSink *sink,
                              void *opaque);
/* The same with nbufs buffers of buf_size bytes (both > 0). */
WriteBehind *write_behind_new_sized(const char *thread_name, unsigned nbufs,
                                    size_t buf_size, WriteBehindSink *sink,
                                    void *opaque);

/*
 * Copy iov into the queue, waiting while every buffer is queued. False
 * with errp set once the sink has failed (its error) or after cancel
 * ("write-behind queue was cancelled").
 */
bool write_behind_push(WriteBehind *wb, const struct iovec *iov, int iovcnt,
                       GError **errp);

/* Like push, but the last buffer stays open for the next append: bytes
 * may wait in it until a kick, push or drain. */
bool write_behind_append(WriteBehind *wb, const struct iovec *iov,
                         int iovcnt, GError **errp);

/* Queue the open buffer, if any (does not wait); false as for push. */
bool write_behind_kick(WriteBehind *wb, GError **errp);

/* Kick, then wait until the sink has written everything so far; false
 * with errp set as for push. */
bool write_behind_drain(WriteBehind *wb, GError **errp);

/*
 * Any thread: pushes and drains fail from now on and what is still queued
 * is dropped. The sink may still be inside a write: the caller wakes it
 * by shutting its transport down.
 */
void write_behind_cancel(WriteBehind *wb);

/*
 * Any thread: fail the queue with err (copied) as if the sink had, unless
 * it failed already: for a later stage that failed, so that the producer
 * hears of it at its next call instead of after the sink's next write.
 */
void write_behind_fail(WriteBehind *wb, const GError *err);

/* Is anything pushed not yet written (and not dropped)? */
bool write_behind_busy(WriteBehind *wb);

/* Stop the thread (what is queued is dropped) and free; NULL: no-op. */
void write_behind_free(WriteBehind *wb);

#endif /* MIGRATION_WRITE_BEHIND_H */

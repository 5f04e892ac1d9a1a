/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-behind: a bounded queue of filled buffers that a thread of its
 * own hands to a sink, so that the producer's work (the migration
 * thread's RAM scan) overlaps the sink's (TLS encryption and the socket
 * send). The producer's bytes are copied when pushed, so its memory is
 * free again when the push returns, as with a synchronous write.
 *
 * Buffers are WRITE_BEHIND_BUF_SIZE bytes: a multiple of the largest TLS
 * record (16 KiB plaintext), so that a full buffer becomes whole records.
 * Each push hands over everything it copied (the last buffer possibly
 * partly filled): no byte waits in the queue for a later push.
 *
 * Threads: one producer at a time calls push and drain (callers
 * serialise, as they do for a channel's writes); cancel from any thread;
 * free from any thread once no push or drain runs. The sink runs only on
 * the write-behind thread.
 */
#ifndef MIGRATION_WRITE_BEHIND_H
#define MIGRATION_WRITE_BEHIND_H

#include <glib.h>
#include <sys/uio.h>

#define WRITE_BEHIND_BUF_SIZE (256 * 1024)
#define WRITE_BEHIND_BUFS     8

typedef struct WriteBehind WriteBehind;

/* Write all of buf[0..len); false with errp set (then nothing more is
 * handed to it). */
typedef bool WriteBehindSink(void *opaque, const void *buf, size_t len,
                             GError **errp);

/* Start the thread (named thread_name, for top and the benchmarks). */
WriteBehind *write_behind_new(const char *thread_name, WriteBehindSink *sink,
                              void *opaque);

/*
 * Copy iov into the queue, waiting while every buffer is queued. False
 * with errp set once the sink has failed (its error) or after cancel
 * ("write-behind queue was cancelled").
 */
bool write_behind_push(WriteBehind *wb, const struct iovec *iov, int iovcnt,
                       GError **errp);

/* Wait until the sink has written everything pushed so far; false with
 * errp set as for push. */
bool write_behind_drain(WriteBehind *wb, GError **errp);

/*
 * Any thread: pushes and drains fail from now on and what is still queued
 * is dropped. The sink may still be inside a write: the caller wakes it
 * by shutting its transport down.
 */
void write_behind_cancel(WriteBehind *wb);

/* Is anything pushed not yet written (and not dropped)? */
bool write_behind_busy(WriteBehind *wb);

/* Stop the thread (what is queued is dropped) and free; NULL: no-op. */
void write_behind_free(WriteBehind *wb);

#endif /* MIGRATION_WRITE_BEHIND_H */

/*
 * QEMUFile: the buffered, sticky-error byte stream that the migration
 * stream is written to and read from (one direction of a MigChannel).
 *
 * Writes: small puts go to an internal buffer; qemu_put_buffer_async()
 * queues a pointer into guest RAM as an iovec without copying (the memory
 * must stay valid until the next qemu_fflush()). Everything is written
 * with vectored writes when the buffer or the iovec list fills, on
 * qemu_fflush() and on close.
 *
 * Errors: the first error sticks; later calls do nothing (puts) or return
 * zeros (gets) and the caller checks qemu_file_get_error() at its
 * boundaries. End of stream while reading is an error ("Unexpected end of
 * stream" style, -EIO).
 *
 * Threads: one QEMUFile is used by one thread at a time, except
 * qemu_file_shutdown(), which any thread may call to wake a blocked
 * reader or writer (cancel).
 */
#ifndef MIGRATION_QEMU_FILE_H
#define MIGRATION_QEMU_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "migration/channel.h"

typedef struct QEMUFile QEMUFile;

/* Takes a reference on ch. */
QEMUFile *qemu_file_new_output(MigChannel *ch);
QEMUFile *qemu_file_new_input(MigChannel *ch);
/* Flush (output), drop the channel reference, free. Returns the sticky
 * error (negative errno) or 0. */
int qemu_fclose(QEMUFile *f);
MigChannel *qemu_file_get_channel(QEMUFile *f);
bool qemu_file_is_writable(QEMUFile *f);
/*
 * While a tap is set, it is called with every byte put (in order, before
 * it is queued) or consumed by a get or skip (peeks are not consumed).
 * tap NULL removes it.  Owner thread only.  (x-ram-digest hashes device
 * sections with it, migration/device-digest.c.)
 */
typedef void QEMUFileTap(void *opaque, const uint8_t *buf, size_t len);
void qemu_file_set_tap(QEMUFile *f, QEMUFileTap *tap, void *opaque);

/* ---- writing ---- */
void qemu_put_byte(QEMUFile *f, uint8_t v);
void qemu_put_be16(QEMUFile *f, uint16_t v);
void qemu_put_be32(QEMUFile *f, uint32_t v);
void qemu_put_be64(QEMUFile *f, uint64_t v);
void qemu_put_buffer(QEMUFile *f, const uint8_t *buf, size_t len);
/* Queue buf by reference (no copy); valid until the next flush. */
void qemu_put_buffer_async(QEMUFile *f, const uint8_t *buf, size_t len);
/* A str8: u8 length then the bytes (len <= 255, else the file errors). */
void qemu_put_counted_string(QEMUFile *f, const char *s);
void qemu_fflush(QEMUFile *f);

/* ---- reading ---- */
uint8_t qemu_get_byte(QEMUFile *f);
uint16_t qemu_get_be16(QEMUFile *f);
uint32_t qemu_get_be32(QEMUFile *f);
uint64_t qemu_get_be64(QEMUFile *f);
/* Look at the byte `offset` positions ahead without consuming it; -1 at
 * EOF or error. offset < 32 KiB. A clean EOF does not set the error (a
 * stream may legitimately end there); I/O errors do. */
int qemu_peek_byte(QEMUFile *f, size_t offset);
/*
 * Point *buf at the `size` bytes that start `offset` bytes ahead, without
 * consuming anything (valid until the next read call). offset + size must
 * be at most 32 KiB. Returns size, or 0 at EOF/error (clean EOF leaves the
 * error unset, as for qemu_peek_byte).
 */
size_t qemu_peek_buffer(QEMUFile *f, uint8_t **buf, size_t size,
                        size_t offset);
/* Copy exactly len bytes; returns len, or less with the error set. */
size_t qemu_get_buffer(QEMUFile *f, uint8_t *buf, size_t len);
/*
 * Can `want` (<= 256 KiB) bytes be read without waiting? True when they
 * are buffered or, reading ahead for as long as the channel has bytes
 * ready now (a zero-timeout poll of its fd), once they arrived. False
 * when a read would wait (or the channel has no fd to ask, or failed:
 * the next read reports that). A reader holding work back for a batch
 * places it before it blocks.
 */
bool qemu_file_ready(QEMUFile *f, size_t want);
/*
 * Like qemu_get_buffer, but when the bytes are contiguous in the internal
 * buffer *buf is pointed at them instead of copying (valid until the next
 * read call); otherwise they are copied into the caller's *buf.
 */
size_t qemu_get_buffer_in_place(QEMUFile *f, uint8_t **buf, size_t len);
/* Bytes read from the channel and not consumed yet (0 for output). */
size_t qemu_file_buffered(QEMUFile *f);
/*
 * Scatter reads for a caller that can guess how the next bytes split
 * (the RAM loader predicting consecutive page records). With nothing
 * buffered, one readv fills iov[0..iovcnt) in order, iovcnt <=
 * QEMU_FILE_SCATTER_MAX, and then buffers up to `ahead` bytes more; the
 * iovecs plus `ahead` must fit 256 KiB. Returns the bytes stored in iov
 * (> 0; fewer than asked when the channel had fewer), or 0 with the
 * error set. Stored bytes are not consumed yet: the caller passes the
 * ones it keeps, in stream order, to qemu_file_note_consumed() (byte
 * count, tap) and gives the rest back, also in stream order, with
 * qemu_file_unget(), which puts them in front of anything buffered.
 */
#define QEMU_FILE_SCATTER_MAX 128
size_t qemu_get_scatter(QEMUFile *f, const struct iovec *iov, int iovcnt,
                        size_t ahead);
void qemu_file_note_consumed(QEMUFile *f, const uint8_t *buf, size_t len);
void qemu_file_unget(QEMUFile *f, const struct iovec *iov, int iovcnt);
/* Read a str8 into buf (256 bytes), NUL terminated; length or -1. */
int qemu_get_counted_string(QEMUFile *f, char buf[256]);
/* Skip len bytes. */
void qemu_file_skip(QEMUFile *f, size_t len);

/* ---- errors ---- */
/* 0, or the sticky negative errno. */
int qemu_file_get_error(QEMUFile *f);
/* As above; when set, also a copy of the error's GError into errp. */
int qemu_file_get_error_obj(QEMUFile *f, GError **errp);
/* Set the sticky error (first one wins); err may be NULL. Takes err. */
void qemu_file_set_error_obj(QEMUFile *f, int ret, GError *err);
void qemu_file_set_error(QEMUFile *f, int ret);
/* Shut the channel down in this file's direction (any thread); the file
 * gets -EIO if it had no error yet. */
int qemu_file_shutdown(QEMUFile *f);

/* ---- accounting and rate limiting ---- */
/* Bytes put so far, flushed or still queued (writes), or consumed
 * (reads). Owner thread. */
uint64_t qemu_file_transferred(QEMUFile *f);
/* Bytes per second; 0 = unlimited. Applied in windows of 100 ms. */
void qemu_file_set_rate_limit(QEMUFile *f, uint64_t bytes_per_sec);
uint64_t qemu_file_get_rate_limit(QEMUFile *f);
/* True when this window's budget is used up: the sender should stop
 * producing and call qemu_file_rate_limit_wait() (or end its pass).
 * Also true once the file has an error, so the producer stops. Every
 * put (copied or async) counts against the window when it is queued. */
bool qemu_file_rate_limit_exceeded(QEMUFile *f);
/* Count len bytes sent elsewhere (multifd channels) against this
 * file's rate limit window. Any thread. */
void qemu_file_acct_rate_limit(QEMUFile *f, uint64_t len);
/* Sleep until the next window opens (or the file is shut down). */
void qemu_file_rate_limit_wait(QEMUFile *f);

/* ---- positions (seekable channels: file:) ---- */
/*
 * The absolute file offset of the next byte the stream writes (after a
 * flush) or reads (behind the read-ahead).  False with errp set when the
 * channel is not a seekable file.  Owner thread.
 */
bool qemu_file_get_offset(QEMUFile *f, uint64_t *offset, GError **errp);
/*
 * Continue the stream at absolute file offset `offset`: output is flushed
 * first, input drops its read-ahead.  Mapped-ram uses it to step over a
 * block's page region.  Owner thread.
 */
bool qemu_file_set_offset(QEMUFile *f, uint64_t offset, GError **errp);
/*
 * Bytes this file's owner moved past the buffer (positioned page writes
 * of mapped-ram): they count as transferred and against the rate limit.
 */
void qemu_file_account_external(QEMUFile *f, uint64_t len);

/* ---- return path ---- */
/* A QEMUFile for the other direction of the same channel (new each call;
 * NULL when the channel is one-way, e.g. a pipe or file). */
QEMUFile *qemu_file_get_return_path(QEMUFile *f);

#endif /* MIGRATION_QEMU_FILE_H */

/*
 * Multifd: RAM pages over N extra channels in parallel
 * (spec/migration-wire-format.md 6.2; docs/devel/migration/multifd.rst).
 *
 * Source: multifd_send_setup() starts one sender thread per channel; each
 * writes its 64-byte handshake, then packets. The RAM saver queues pages
 * (block + offset) with multifd_queue_page(); a full batch (one block, up
 * to MULTIFD_PAGES_PER_PACKET pages) goes to the next idle channel, whose
 * thread detects zero pages, then writes the packet header and the pages
 * straight from guest RAM with one vectored write (or the compressed
 * payload). multifd_send_sync_main() is the flush-and-sync of wire 6.2.6:
 * after it the caller writes RAM_SAVE_FLAG_MULTIFD_FLUSH (modern mode) or
 * its EOS (legacy mode) on the main channel.
 *
 * Destination: multifd_recv_new_channel() reads a connection's handshake
 * and starts its receiver thread, which validates each packet and places
 * its pages into the RAM blocks. A thread that reads a sync packet stops
 * until the main-channel reader, at MULTIFD_FLUSH (or EOS in legacy
 * mode), calls multifd_recv_sync_main(), which waits for every channel
 * to reach its sync packet and releases them all.
 *
 * Failure: the first error of any channel (I/O, a malformed packet, a
 * peer that vanished) fails the whole set: every channel is shut down,
 * every waiter is woken, and every later call returns that first error.
 * No call blocks forever on a failed set.
 *
 * The threads read no options: the caller passes them in the params
 * structs, which multifd_*_params_from_options() fill from
 * migration/options.h.
 */
#ifndef MIGRATION_MULTIFD_H
#define MIGRATION_MULTIFD_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "migration/channel.h"
#include "migration/multifd-wire.h"
#include "qapi/qapi-types.h"
#include "system/memory.h"

/*
 * Called once when a set fails, from the thread that hit the first error
 * (no lock held), e.g. to shut down the main channel so that its reader
 * does not wait for data that will never come. err stays owned by the set.
 */
typedef void MultiFDErrorNotify(const GError *err, void *opaque);

/* Counters of one set; any thread may read them while it runs. */
typedef struct MultiFDStats {
    uint64_t packets;           /* RAM packets with pages */
    uint64_t sync_packets;
    uint64_t normal_pages;
    uint64_t zero_pages;
    uint64_t bytes;             /* on the wire: headers and payloads */
} MultiFDStats;

/* ---- source ---- */

typedef struct MultiFDSendParams {
    MultiFDCompression compression;
    int zlib_level;             /* multifd-zlib-level, 0..9 */
    int zstd_level;             /* multifd-zstd-level, 0..20 */
    /*
     * ZERO_PAGE_DETECTION_MULTIFD: the sender threads list zero pages in
     * the packet's zero-page list. Anything else: every queued page is
     * sent whole (the caller passes NONE in postcopy, wire 3.9).
     */
    ZeroPageDetection zero_page_detection;
    uint8_t uuid[MULTIFD_UUID_SIZE];   /* the VM's -uuid, zero if unset */
    /* Wire name of a block; NULL means ram_block_name(). */
    const char *(*block_name)(RAMBlock *rb, void *opaque);
    MultiFDErrorNotify *error_notify;  /* optional */
    void *opaque;                      /* for block_name and error_notify */
} MultiFDSendParams;

typedef struct MultiFDSend MultiFDSend;

/*
 * Fill p from the migration options (multifd-compression, the levels,
 * zero-page-detection) with this uuid; in_postcopy turns detection off
 * (wire 3.9). The hooks are left NULL. Migration thread.
 */
void multifd_send_params_from_options(MultiFDSendParams *p,
                                      const uint8_t uuid[MULTIFD_UUID_SIZE],
                                      bool in_postcopy);

/*
 * Start one sender thread on each of the n (1..255) connected channels;
 * channel i gets id i and writes its handshake at once. Takes a reference
 * on each channel. Returns NULL with errp set (bad level, thread
 * creation), having started nothing. Migration thread.
 */
MultiFDSend *multifd_send_setup(MigChannel *const channels[], unsigned n,
                                const MultiFDSendParams *params,
                                GError **errp);
/*
 * Queue the target page at `offset` (page-aligned, inside the block) of
 * rb. Pages are batched per block; a full batch, or a page of another
 * block, hands the batch to the next idle channel, waiting for one if all
 * are busy. The page is read by a sender thread later, without a copy, so
 * the block must stay mapped until the next sync or shutdown. False with
 * the set's first error once it has failed. Producer thread only.
 */
bool multifd_queue_page(MultiFDSend *s, RAMBlock *rb, ram_addr_t offset,
                        GError **errp);
/*
 * Flush and sync (wire 6.2.6 steps 1-2): hand over the partial batch,
 * queue a sync packet on every channel behind everything queued before,
 * and wait until all were written. Producer thread only. False with the
 * set's first error.
 */
bool multifd_send_sync_main(MultiFDSend *s, GError **errp);
/*
 * Fail the set (migrate_cancel, or the main channel failed): record
 * `reason` as the error unless one is recorded, shut down every channel
 * so blocked writes return, wake every waiter. Any thread; idempotent.
 */
void multifd_send_cancel(MultiFDSend *s, const char *reason);
/*
 * Stop the threads once their queued work is written, join them, shut
 * down and release the channels, free s. After a successful final sync
 * nothing is pending; a peer that stops reading can block this, which
 * multifd_send_cancel() from another thread ends. Returns false with the
 * set's first error if it failed at any time. Producer thread.
 */
bool multifd_send_shutdown(MultiFDSend *s, GError **errp);
void multifd_send_get_stats(MultiFDSend *s, MultiFDStats *out);

/* ---- destination ---- */

typedef struct MultiFDRecvParams {
    unsigned channels;                 /* multifd-channels, 1..255 */
    MultiFDCompression compression;
    uint8_t uuid[MULTIFD_UUID_SIZE];   /* our -uuid, zero if unset */
    /* Block for a wire name, or NULL; NULL means ram_block_find(). */
    RAMBlock *(*find_block)(const char *name, void *opaque);
    /*
     * Optional: a channel thread calls it after the pages of a packet
     * landed (n offsets in rb: the normal pages, then the zero pages),
     * e.g. to mark them received for postcopy (wire 3.4).
     */
    void (*pages_landed)(RAMBlock *rb, const uint64_t *offsets, unsigned n,
                         void *opaque);
    MultiFDErrorNotify *error_notify;  /* optional */
    void *opaque;           /* for find_block, pages_landed, error_notify */
} MultiFDRecvParams;

typedef struct MultiFDRecv MultiFDRecv;

/* Fill p from the migration options (multifd-channels,
 * multifd-compression) with our uuid; hooks NULL. */
void multifd_recv_params_from_options(MultiFDRecvParams *p,
                                      const uint8_t uuid[MULTIFD_UUID_SIZE]);

/* A receiver set waiting for its channels. Cannot fail. */
MultiFDRecv *multifd_recv_setup(const MultiFDRecvParams *params);
/*
 * A new connection classified as multifd (wire 6.1): read its 64-byte
 * handshake (blocking; the source writes it as soon as it connects),
 * check it (magic, version, UUID, id < channels, id not taken) and start
 * the channel's receiver thread. Takes a reference on ch. *id (may be
 * NULL) gets the channel id. False with errp set; the set itself is not
 * failed by a bad connection (the caller decides).
 */
bool multifd_recv_new_channel(MultiFDRecv *r, MigChannel *ch, unsigned *id,
                              GError **errp);
/* Have all params.channels channels connected? Any thread. */
bool multifd_recv_all_channels_created(MultiFDRecv *r);
/*
 * At MULTIFD_FLUSH (or EOS in legacy mode): wait until every channel has
 * read its next sync packet (so every page sent before it has landed),
 * then release them all. False with the set's first error, also when a
 * channel's connection closed before its sync packet. Main-channel
 * reader only.
 */
bool multifd_recv_sync_main(MultiFDRecv *r, GError **errp);
/* As multifd_send_cancel(), for the destination. Any thread. */
void multifd_recv_cancel(MultiFDRecv *r, const char *reason);
/*
 * End of migration or teardown: shut down every channel, join the
 * threads, free r. Returns false with the set's first error if it failed
 * before this call.
 */
bool multifd_recv_shutdown(MultiFDRecv *r, GError **errp);
void multifd_recv_get_stats(MultiFDRecv *r, MultiFDStats *out);

#endif /* MIGRATION_MULTIFD_H */

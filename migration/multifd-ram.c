/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RAM saver's and loader's multifd hooks (wire 3.8, 3.9, 6.2.6).
 *
 * Source: in precopy every dirty page that is not sent as a ZERO record
 * on the main channel (zero-page-detection=legacy) is queued on the
 * sender set. The set's counters are folded into the migration
 * statistics and the main file's rate limit as the channels write.
 * Which sync points sync the channels, and which of them also write
 * RAM_SAVE_FLAG_MULTIFD_FLUSH, is the table below.
 *
 * Destination: MULTIFD_FLUSH (modern mode) or each RAM EOS (legacy mode)
 * waits until every channel delivered its sync packet, so no page of the
 * next scan round lands before every page of this one.
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "migration/qemu-file.h"
#include "migration/options.h"
#include "migration/migration-stats.h"
#include "migration/multifd-channels.h"
#include "ram-internal.h"

/* Fold the counters into the statistics every this many pages. */
#define MULTIFD_ACCOUNT_EVERY 64

typedef struct SyncRule {
    bool modern;                /* sync + MULTIFD_FLUSH, flush-after-each-
                                   section off (the default) */
    bool legacy;                /* sync only (the EOS that follows is the
                                   marker), flush-after-each-section on */
} SyncRule;

/* Wire 6.2.6 "When the source syncs". Never in postcopy. */
static const SyncRule sync_rules[RAM_MULTIFD__MAX] = {
    [RAM_MULTIFD_SETUP]    = { .modern = true,  .legacy = true },
    [RAM_MULTIFD_ITERATE]  = { .modern = false, .legacy = true },
    [RAM_MULTIFD_WRAP]     = { .modern = true,  .legacy = false },
    /* Modern: at least once per completion, wrapped or not. */
    [RAM_MULTIFD_COMPLETE] = { .modern = true,  .legacy = true },
    [RAM_MULTIFD_POSTCOPY] = { .modern = true,  .legacy = true },
};

/* ---- source ---- */

void ram_multifd_save_setup(RAMState *rs)
{
    rs->mfd = multifd_outgoing_get();
    if (!rs->mfd) {
        return;
    }
    rs->mfd_legacy = migrate_multifd_flush_after_each_section();
    /* multifd: the sender threads detect; none: nobody does. */
    rs->zero_detect = migrate_zero_page_detection() ==
                      ZERO_PAGE_DETECTION_LEGACY;
}

/* What the channels wrote since last time: statistics, rate limit. */
static void account(RAMState *rs, QEMUFile *f)
{
    MultiFDStats st;
    uint64_t bytes;

    multifd_send_get_stats(rs->mfd, &st);
    bytes = st.bytes - rs->mfd_seen_bytes;
    ram_stat_add(&mig_stats.multifd_bytes, bytes);
    ram_stat_add(&mig_stats.normal_pages, st.normal_pages -
                 rs->mfd_seen_normal);
    ram_stat_add(&mig_stats.zero_pages, st.zero_pages - rs->mfd_seen_zero);
    ram_stat_add(rs->last_stage ? &mig_stats.downtime_bytes
                                : &mig_stats.precopy_bytes, bytes);
    rs->bytes_sent += bytes;
    /* max-bandwidth covers every channel, not just the main one. */
    qemu_file_acct_rate_limit(f, bytes);
    rs->mfd_seen_bytes = st.bytes;
    rs->mfd_seen_normal = st.normal_pages;
    rs->mfd_seen_zero = st.zero_pages;
}

void ram_multifd_queue(RAMState *rs, QEMUFile *f, const RAMSaveBlock *blk,
                       uint64_t offset)
{
    GError *err = NULL;

    if (qemu_file_get_error(f)) {
        return;                 /* failed already: stop feeding the set */
    }
    if (!multifd_queue_page(rs->mfd, blk->rb, offset, &err)) {
        qemu_file_set_error_obj(f, -EIO, err);
        return;
    }
    if (++rs->mfd_queued % MULTIFD_ACCOUNT_EVERY == 0) {
        account(rs, f);
    }
}

bool ram_multifd_sync_point(RAMState *rs, QEMUFile *f, RAMMultifdPoint pt)
{
    const SyncRule *rule = &sync_rules[pt];
    GError *err = NULL;

    if (!rs->mfd || rs->postcopy ||
        !(rs->mfd_legacy ? rule->legacy : rule->modern)) {
        return true;
    }
    if (qemu_file_get_error(f)) {
        return false;
    }
    if (!multifd_send_sync_main(rs->mfd, &err)) {
        qemu_file_set_error_obj(f, -EIO, err);
        return false;
    }
    account(rs, f);
    if (!rs->mfd_legacy) {
        qemu_put_be64(f, RAM_SAVE_FLAG_MULTIFD_FLUSH);
        /* The destination's channels wait for it: never leave it in
         * the buffer while the next round fills their sockets. */
        qemu_fflush(f);
        rs->bytes_sent += 8;
    }
    return true;
}

/* ---- destination ---- */

bool ram_multifd_load_marker(bool eos, GError **errp)
{
    MultiFDRecv *set = multifd_incoming_get();

    /* Legacy mode syncs at every EOS, modern mode at MULTIFD_FLUSH. */
    if (!set || eos != migrate_multifd_flush_after_each_section()) {
        return true;
    }
    if (!multifd_recv_sync_main(set, errp)) {
        error_prepend(errp, "RAM: waiting for the multifd channels at %s: ",
                      eos ? "EOS" : "MULTIFD_FLUSH");
        return false;
    }
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x-ram-digest capability (docs/interop/ram-digest.rst): the source
 * keeps a digest of every migrated RAM block up to date alongside the
 * dirty-bitmap syncs and sends the records in a "ram-digest" section at
 * switchover; the destination keeps them and checks its RAM after the
 * load, before the guest may run.
 *
 * Threads: the source half runs in the migration thread only (syncs and
 * the completion walk); the destination half in the incoming thread.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "system/memory.h"
#include "system/qtest.h"
#include "migration/options.h"
#include "migration/qemu-file.h"
#include "migration/register.h"
#include "migration/vmstate.h"
#include "migration/ram-digest.h"
#include "migration/ram-digest-mig.h"
#include "migration/device-digest.h"
#include "migration-core.h"
#include "qapi/qapi-events.h"
#include "ram-internal.h"

/* Blocks in one record set: far more than a machine has. */
#define RAM_DIGEST_MAX_BLOCKS   256u
/* Record bytes besides the per-chunk and per-page parts. */
#define RECORD_FIXED_BYTES      (1 + 255 + 8 + 4 + 4 + RAM_DIGEST_HASH_BYTES)

/* ---- source ---- */

typedef struct SrcDigest {
    RamDigestBlock **blocks;    /* one per RAMSaveBlock; NULL if ignored */
    size_t nr;
} SrcDigest;

static SrcDigest *src_digest;

void ram_digest_mig_src_start(const RAMState *rs)
{
    ram_digest_mig_src_stop();
    if (!migrate_ram_digest()) {
        return;
    }
    src_digest = g_new0(SrcDigest, 1);
    src_digest->nr = rs->nr_blocks;
    src_digest->blocks = g_new0(RamDigestBlock *, rs->nr_blocks);
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        const RAMSaveBlock *b = &rs->blocks[i];

        if (b->ignored) {
            continue;
        }
        /* Every page starts dirty: the first sync hashes them all. */
        src_digest->blocks[i] = ram_digest_block_new(
            b->name, b->host, b->pages * TARGET_PAGE_SIZE, b->written);
    }
}

void ram_digest_mig_src_sync(const RAMState *rs)
{
    if (!src_digest) {
        return;
    }
    g_assert(src_digest->nr == rs->nr_blocks);
    for (size_t i = 0; i < rs->nr_blocks; i++) {
        RamDigestBlock *d = src_digest->blocks[i];

        if (!d) {
            continue;
        }
        /*
         * bmap holds every page written since it was last sent, so also
         * every page written since it was last hashed: a store after the
         * update below sets a log bit that the next sync collects.
         */
        ram_digest_block_mark_dirty(d, rs->blocks[i].bmap);
        ram_digest_block_update(d, 1);
    }
}

void ram_digest_mig_src_stop(void)
{
    if (!src_digest) {
        return;
    }
    for (size_t i = 0; i < src_digest->nr; i++) {
        ram_digest_block_free(src_digest->blocks[i]);
    }
    g_free(src_digest->blocks);
    g_clear_pointer(&src_digest, g_free);
}

/* ---- destination ---- */

static GPtrArray *dst_records;      /* of RamDigestRecord */

static void dst_records_clear(void)
{
    g_clear_pointer(&dst_records, g_ptr_array_unref);
}

/* The wire size of the record of a block of `length` bytes. */
static uint64_t record_wire_size(uint64_t length)
{
    uint64_t pages = length / RAM_DIGEST_PAGE_SIZE;
    uint64_t chunks = DIV_ROUND_UP(pages, RAM_DIGEST_CHUNK_PAGES);

    return RECORD_FIXED_BYTES + chunks * RAM_DIGEST_HASH_BYTES + pages * 4;
}

/* The largest record this machine can check (its largest block's). */
static uint64_t record_limit(void)
{
    uint64_t max = 0;

    for (RAMBlock *rb = ram_block_first(); rb; rb = ram_block_next(rb)) {
        max = MAX(max, ram_block_used_length(rb));
    }
    return record_wire_size(max);
}

bool ram_digest_mig_test_corrupt_target(RAMBlock **rb, ram_addr_t *offset)
{
    const char *env;
    uint64_t avail;

    if (!qtest_enabled()) {
        return false;
    }
    env = g_getenv("QEMU_TEST_RAM_DIGEST_CORRUPT");
    if (!env || !*env) {
        return false;
    }
    return memory_ram_lookup(g_ascii_strtoull(env, NULL, 0), rb, offset,
                             &avail) && avail;
}

/* Apply the test-only corruption (a qtest knob, never in production). */
static void dst_test_corrupt(void)
{
    RAMBlock *rb;
    ram_addr_t off;

    if (ram_digest_mig_test_corrupt_target(&rb, &off)) {
        /* Through the written bitmap, as a guest store would be. */
        ((uint8_t *)ram_block_host(rb))[off] ^= 0xa5;
        ram_block_mark_written(rb, off, 1);
    }
}

/* ---- the result (query-migrate x-ram-digest, X_RAM_DIGEST) ---- */

/* Set by the incoming thread, published by the main thread after it
 * joined that thread; published is the main thread's (BQL). */
static RamDigestCheck *dst_pending;
static RamDigestCheck *dst_published;

void ram_digest_mig_dst_set_result(bool postcopy, const char *block,
                                   const RamDigestWhere *where,
                                   const GError *err)
{
    RamDigestCheck *c = g_new0(RamDigestCheck, 1);

    c->postcopy = postcopy;
    c->status = err ? RAM_DIGEST_CHECK_STATUS_MISMATCH :
                      RAM_DIGEST_CHECK_STATUS_MATCH;
    if (err) {
        c->desc = g_strdup(err->message);
        c->block = g_strdup(block);
    }
    if (err && where && (where->kind == RAM_DIGEST_WHERE_PAGE ||
                         where->kind == RAM_DIGEST_WHERE_CHUNK)) {
        c->has_offset = true;
        c->offset = where->first_page * RAM_DIGEST_PAGE_SIZE;
        c->has_page = where->kind == RAM_DIGEST_WHERE_PAGE;
        c->page = where->first_page;
    }
    g_clear_pointer(&dst_pending, qapi_free_RamDigestCheck);
    dst_pending = c;
}

void ram_digest_mig_dst_publish(void)
{
    if (!dst_pending) {
        return;
    }
    g_clear_pointer(&dst_published, qapi_free_RamDigestCheck);
    dst_published = g_steal_pointer(&dst_pending);
    qapi_event_send_x_ram_digest(dst_published);
}

void ram_digest_mig_dst_forget(void)
{
    g_clear_pointer(&dst_pending, qapi_free_RamDigestCheck);
    g_clear_pointer(&dst_published, qapi_free_RamDigestCheck);
}

RamDigestCheck *ram_digest_mig_dst_result(void)
{
    RamDigestCheck *c;

    if (!dst_published) {
        return NULL;
    }
    c = g_memdup2(dst_published, sizeof(*c));
    c->block = g_strdup(dst_published->block);
    c->desc = g_strdup(dst_published->desc);
    return c;
}

/* ---- the precopy check ---- */

bool ram_digest_mig_dst_check(GError **errp)
{
    g_autoptr(GPtrArray) records = g_steal_pointer(&dst_records);
    RamDigestWhere where = { .kind = RAM_DIGEST_WHERE_NONE };
    const char *bad = NULL;
    GError *err = NULL;

    if (!migrate_ram_digest()) {
        return true;
    }
    if (!records) {
        error_setg(&err, "x-ram-digest is on but the source sent no RAM "
                   "digest");
        goto out;
    }
    dst_test_corrupt();
    for (guint i = 0; i < records->len; i++) {
        const RamDigestRecord *r = g_ptr_array_index(records, i);
        RAMBlock *rb = ram_block_find(r->name);
        g_autoptr(RamDigestBlock) b = NULL;

        bad = r->name;
        if (!rb) {
            error_setg(&err, "RAM digest for block '%s', which this machine "
                       "does not have", r->name);
            goto out;
        }
        b = ram_digest_block_new(r->name, ram_block_host(rb),
                                 ram_block_used_length(rb),
                                 ram_block_written_bitmap(rb));
        if (!ram_digest_block_check_where(b, r, 2, &where, &err)) {
            goto out;
        }
    }
out:
    ram_digest_mig_dst_set_result(false, bad, &where, err);
    if (err) {
        g_propagate_error(errp, err);
        return false;
    }
    return true;
}

GPtrArray *ram_digest_mig_dst_take_records(void)
{
    return g_steal_pointer(&dst_records);
}

void ram_digest_mig_dst_reset(void)
{
    dst_records_clear();
}

/* ---- the "ram-digest" section ---- */

static bool put_records(QEMUFile *f, void *pv, size_t size,
                        const VMStateField *field, GError **errp)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();
    size_t n = 0;

    if (!src_digest) {
        error_setg(errp, "x-ram-digest: no digest was kept for this "
                   "migration");
        return false;
    }
    for (size_t i = 0; i < src_digest->nr; i++) {
        n += src_digest->blocks[i] != NULL;
    }
    qemu_put_be32(f, n);
    for (size_t i = 0; i < src_digest->nr; i++) {
        RamDigestBlock *d = src_digest->blocks[i];
        g_autoptr(RamDigestRecord) r = NULL;

        if (!d) {
            continue;
        }
        /* The final sync marked the last round's pages: hash those. */
        ram_digest_block_update(d, 1);
        r = ram_digest_block_record(d);
        g_byte_array_set_size(buf, 0);
        ram_digest_record_encode(r, buf);
        qemu_put_be32(f, buf->len);
        qemu_put_buffer(f, buf->data, buf->len);
    }
    /* Version 2: the device sections, all written before this one. */
    g_byte_array_set_size(buf, 0);
    device_digest_encode(device_digest_list(DEVICE_DIGEST_SRC), buf);
    qemu_put_be32(f, buf->len);
    qemu_put_buffer(f, buf->data, buf->len);
    return true;
}

/*
 * The device sections loaded so far against the source's list: every
 * device section precedes this one in the stream (it is registered with
 * the lowest priority), so a mismatch fails the load before the guest
 * runs -- in postcopy too, since the section is in the package before
 * PING(0x42) and POSTCOPY_RUN.
 */
static bool check_devices(QEMUFile *f, GError **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    uint32_t len = qemu_get_be32(f);
    g_autofree uint8_t *data = NULL;
    g_autoptr(GArray) src = NULL;
    GError *err = NULL;
    int st;

    if (qemu_file_get_error_obj(f, errp)) {
        return false;
    }
    if (len < 4 || len > DEVICE_DIGEST_LIST_MAX) {
        error_setg(errp, "device-state digest list: length %" PRIu32
                   " (4 .. %u)", len, (unsigned)DEVICE_DIGEST_LIST_MAX);
        return false;
    }
    data = g_malloc(len);
    if (qemu_get_buffer(f, data, len) != len) {
        if (!qemu_file_get_error_obj(f, errp)) {
            error_setg(errp, "device-state digest list: the stream ended");
        }
        return false;
    }
    src = device_digest_decode(data, len, errp);
    if (!src) {
        return false;
    }
    if (device_digest_compare(src, device_digest_list(DEVICE_DIGEST_DST),
                              &err)) {
        return true;
    }
    st = mis && mis->state ? g_atomic_int_get(mis->state) : 0;
    ram_digest_mig_dst_set_result(st == MIGRATION_STATUS_POSTCOPY_ACTIVE ||
                                  st == MIGRATION_STATUS_POSTCOPY_DEVICE,
                                  NULL, NULL, err);
    g_propagate_error(errp, err);
    return false;
}

static bool get_records(QEMUFile *f, void *pv, size_t size,
                        const VMStateField *field, GError **errp)
{
    g_autoptr(GPtrArray) records =
        g_ptr_array_new_with_free_func((GDestroyNotify)ram_digest_record_free);
    uint32_t n = qemu_get_be32(f);
    uint64_t limit = record_limit();

    if (n > RAM_DIGEST_MAX_BLOCKS) {
        error_setg(errp, "RAM digest: %" PRIu32 " blocks (at most %u)", n,
                   RAM_DIGEST_MAX_BLOCKS);
        return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = qemu_get_be32(f);
        g_autofree uint8_t *data = NULL;
        RamDigestRecord *r;
        size_t used = 0;

        if (qemu_file_get_error(f)) {
            break;
        }
        if (len == 0 || len > limit) {
            error_setg(errp, "RAM digest record %" PRIu32 ": length %" PRIu32
                       " (at most %" PRIu64 " for this machine's RAM)", i,
                       len, limit);
            return false;
        }
        data = g_malloc(len);
        if (qemu_get_buffer(f, data, len) != len) {
            break;
        }
        r = ram_digest_record_decode(data, len, &used, errp);
        if (!r) {
            g_prefix_error(errp, "RAM digest record %" PRIu32 ": ", i);
            return false;
        }
        g_ptr_array_add(records, r);
        if (used != len) {
            error_setg(errp, "RAM digest record %" PRIu32 " ('%s'): %" PRIu32
                       " bytes framed, %zu used", i, r->name, len, used);
            return false;
        }
    }
    if (qemu_file_get_error_obj(f, errp) || !check_devices(f, errp)) {
        return false;
    }
    dst_records_clear();
    dst_records = g_steal_pointer(&records);
    return true;
}

static const VMStateInfo vmstate_info_digest_records = {
    .name = "ram-digest-records", .kind = VMS_INFO_CUSTOM,
    .get = get_records, .put = put_records,
};

static bool ram_digest_section_needed(void *opaque)
{
    return migrate_ram_digest();
}

static bool ram_digest_section_pre_load(void *opaque, GError **errp)
{
    if (!migrate_ram_digest()) {
        /* Unreachable when the configuration section was sent. */
        error_setg(errp, "received a RAM digest but capability "
                   "'x-ram-digest' is off");
        return false;
    }
    return true;
}

static uint8_t section_dummy;

static const VMStateField ram_digest_fields[] = {
    {
        .name = "records", .info = &vmstate_info_digest_records,
        .size = 1, .offset = 0,
    },
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_ram_digest = {
    .name = "ram-digest",
    /* 2: the device-state digests follow the RAM records.  Version 1
     * (RAM only) is refused: no build that sent it was released. */
    .version_id = 2,
    .minimum_version_id = 2,
    /* Last of all sections: after every device section it covers. */
    .priority = MIG_PRI_LOW,
    .needed = ram_digest_section_needed,
    .pre_load = ram_digest_section_pre_load,
    .fields = ram_digest_fields,
};

void ram_digest_mig_init(void)
{
    vmstate_register_device(NULL, &vmstate_ram_digest, &section_dummy);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Non-QMP helpers of the migration suite (see migration-util.h). */
#include "qemu/osdep.h"
#include "migration-util.h"
#include "bootfile.h"

static MigrationTestEnv *env;

MigrationTestEnv *migration_get_env(void)
{
    GError *err = NULL;

    if (env) {
        return env;
    }
    env = g_new0(MigrationTestEnv, 1);
    env->tmpfs = g_dir_make_tmp("migration-test-XXXXXX", &err);
    g_assert_no_error(err);
    env->start_address = bootfile_start_address();
    env->end_address = bootfile_end_address();
    return env;
}

bool migration_env_clean(MigrationTestEnv *e)
{
    bootfile_delete();
    if (rmdir(e->tmpfs)) {
        g_printerr("migration-test: could not remove %s: %s (a test left "
                   "a file behind)\n", e->tmpfs, g_strerror(errno));
        return false;
    }
    return true;
}

char *mig_tmp_path(const char *name)
{
    return g_build_filename(migration_get_env()->tmpfs, name, NULL);
}

/* Read position per serial file, so every wait needs a fresh 'B'. */
static GHashTable *serial_pos;

void serial_reset(const char *side)
{
    if (serial_pos) {
        g_hash_table_remove(serial_pos, side);
    }
}

void wait_for_serial(const char *side)
{
    g_autofree char *path = mig_tmp_path(side);
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    gsize pos;

    if (!serial_pos) {
        serial_pos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           NULL);
    }
    pos = GPOINTER_TO_SIZE(g_hash_table_lookup(serial_pos, side));
    for (;;) {
        g_autofree char *text = NULL;
        gsize len = 0;

        if (g_file_get_contents(path, &text, &len, NULL)) {
            for (; pos < len; pos++) {
                if (text[pos] == 'A') {
                    continue;
                }
                if (text[pos] == 'B') {
                    g_hash_table_insert(serial_pos, g_strdup(side),
                                        GSIZE_TO_POINTER(pos + 1));
                    return;
                }
                g_error("Unexpected %d on %s serial", text[pos], side);
            }
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

void check_guests_ram(QTestState *who)
{
    MigrationTestEnv *e = migration_get_env();
    uint8_t first = qtest_readb(who, e->start_address), prev = first;
    bool edge = false;
    unsigned bad = 0;

    for (uint64_t a = e->start_address + TEST_MEM_PAGE_SIZE; a < e->end_address;
         a += TEST_MEM_PAGE_SIZE) {
        uint8_t cur = qtest_readb(who, a);

        if (cur == prev) {
            continue;
        }
        if ((uint8_t)(cur + 1) == prev && !edge) {
            edge = true;
            prev = cur;
            continue;
        }
        if (++bad <= 10) {
            g_test_message("Memory content inconsistency at 0x%" PRIx64
                           " first_byte = %x last_byte = %x current = %x "
                           "hit_edge = %x", a, first, prev, cur, edge);
        }
    }
    if (bad >= 10) {
        g_test_message("and in another %u pages", bad - 10);
    }
    g_assert_cmpint(bad, ==, 0);
}

void migrate_prepare_for_dirty_mem(QTestState *from)
{
    qtest_writeq(from, migration_get_env()->start_address + MAGIC_OFFSET,
                 MAGIC_MARKER);
}

void migrate_wait_for_dirty_mem(QTestState *from, QTestState *to)
{
    uint64_t start = migration_get_env()->start_address;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    uint8_t w;

    /* The marker page was sent ... */
    while (qtest_readq(to, start + MAGIC_OFFSET) != MAGIC_MARKER) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
    /* ... and the guest has since written a page before it, which was
     * therefore sent already and must be sent again. */
    w = qtest_readb(from, start + MAGIC_OFFSET_BASE);
    while (qtest_readb(from, start + MAGIC_OFFSET_BASE) == w) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

void wait_for_guest_progress(QTestState *who)
{
    uint64_t start = migration_get_env()->start_address;
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    uint8_t b = qtest_readb(who, start);

    while (qtest_readb(who, start) == b) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

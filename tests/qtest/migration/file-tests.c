/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration through a file (spec/qtest.md 3.2.4): the source writes the
 * whole stream, then the destination reads it. Also streams that were
 * damaged on disk: the destination must fail with a clear error and never
 * start the guest.
 */
#include "qemu/osdep.h"
#include "framework.h"

static void test_precopy_file(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = { .connect_uri = uri };

    test_file_common(&args, true);
}

static void test_precopy_file_offset(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s,offset=4096", file);
    MigrateCommon args = { .connect_uri = uri };

    test_file_common(&args, false);
}

/* Each side gets the file through an fd set: write-only on the source,
 * read-only on the destination. */
static void *fdset_start_hook(QTestState *from, QTestState *to)
{
    g_autofree char *file = mig_tmp_path("migfile");

    for (int i = 0; i < 2; i++) {
        QTestState *who = i ? to : from;
        int fd = open(file, i ? O_RDONLY : (O_CREAT | O_WRONLY), 0660);
        JsonObject *rsp;

        g_assert_cmpint(fd, >=, 0);
        rsp = qtest_qmp_fds(who, &fd, 1,
                            "{'execute': 'add-fd', 'arguments': "
                            "{'fdset-id': 1}}");
        g_assert_true(json_object_has_member(rsp, "return"));
        json_object_unref(rsp);
        close(fd);
    }
    return NULL;
}

static void test_precopy_file_offset_fdset(void)
{
    MigrateCommon args = {
        .connect_uri = "file:/dev/fdset/1,offset=4096",
        .start_hook = fdset_start_hook,
    };

    test_file_common(&args, false);
}

static void test_precopy_file_offset_bad(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    /* hex with a size suffix is not a valid size */
    g_autofree char *uri = g_strdup_printf("file:%s,offset=0x20M", file);
    MigrateCommon args = {
        .connect_uri = uri, .result = MIG_TEST_QMP_ERROR,
    };

    test_file_common(&args, false);
}

/* ---- damaged streams ---- */

typedef void (*StreamDamage)(GByteArray *stream);

static void damage_magic(GByteArray *s)
{
    s->data[0] ^= 0xff;
}

static void damage_truncate(GByteArray *s)
{
    g_byte_array_set_size(s, s->len / 2);
}

/*
 * Give the RAM START section an unknown record type. The section is
 * 0x01, be32 section id, str8 "ram", ... (wire-format 1.3), so the type
 * byte is five bytes before the counted name.
 */
static void damage_record_type(GByteArray *s)
{
    static const guint8 ram_name[] = { 3, 'r', 'a', 'm' };

    for (guint i = 5; i + sizeof(ram_name) <= s->len; i++) {
        if (!memcmp(s->data + i, ram_name, sizeof(ram_name)) &&
            s->data[i - 5] == 0x01) {
            s->data[i - 5] = 0x55;
            return;
        }
    }
    g_assert_not_reached();
}

static const struct {
    const char *name;
    StreamDamage damage;
} damages[] = {
    { "magic", damage_magic },
    { "truncated", damage_truncate },
    { "record-type", damage_record_type },
};

static void test_precopy_file_damaged(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateStart start = { .hide_stderr = true };
    MigrateStart restart = { .hide_stderr = true, .only_target = true };
    QTestState *from, *to;
    g_autofree char *good = NULL;
    gsize good_len;
    GError *err = NULL;

    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    wait_for_serial("src_serial");
    qtest_qmp_assert_success(from, "{'execute': 'stop'}");
    wait_for_stop(from, &src_state);
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_complete(from);
    g_file_get_contents(file, &good, &good_len, &err);
    g_assert_no_error(err);

    for (size_t i = 0; i < G_N_ELEMENTS(damages); i++) {
        g_autoptr(GByteArray) s = g_byte_array_new();
        g_autoptr(JsonObject) info = NULL;
        g_autofree char *rs = NULL;
        const char *desc;

        g_test_message("damage: %s", damages[i].name);
        g_byte_array_append(s, (guint8 *)good, good_len);
        damages[i].damage(s);
        g_file_set_contents(file, (char *)s->data, s->len, &err);
        g_assert_no_error(err);
        if (i) {
            qtest_quit(to);
            migrate_start(&from, &to, "defer", &restart);
        }

        migrate_incoming_qmp(to, uri, NULL, "'exit-on-error': false");
        wait_for_migration_status(to, "failed",
                                  (const char *[]){ "completed", NULL });
        info = migrate_query(to);
        g_assert_true(json_object_has_member(info, "error-desc"));
        desc = json_object_get_string_member(info, "error-desc");
        g_test_message("error-desc: %s", desc);
        g_assert_true(g_str_has_prefix(desc, "load of migration failed: "));
        g_assert_cmpint(strlen(desc), >, strlen("load of migration failed: "));
        /* The guest never started. */
        rs = query_run_state(to);
        g_assert_cmpstr(rs, ==, "inmigrate");
        g_assert_false(dst_state.resume_seen);
    }
    migrate_end(from, to, false);
}

void migration_test_add_file(MigrationTestEnv *env)
{
    migration_test_add("/migration/precopy/file", test_precopy_file);
    migration_test_add("/migration/precopy/file/offset",
                       test_precopy_file_offset);
    migration_test_add("/migration/precopy/file/offset/fdset",
                       test_precopy_file_offset_fdset);
    migration_test_add("/migration/precopy/file/offset/bad",
                       test_precopy_file_offset_bad);
    migration_test_add("/migration/precopy/file/damaged",
                       test_precopy_file_damaged);
}

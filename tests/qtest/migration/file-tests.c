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

/* ---- mapped-ram (wire 7.3) ---- */

#define GUEST_RAM       (128 * 1024 * 1024)
#define MAPPED_HDR_SIZE 28

static uint32_t be32_at(const guint8 *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static uint64_t be64_at(const guint8 *p)
{
    return ((uint64_t)be32_at(p) << 32) | be32_at(p + 4);
}

/*
 * The file offset of the guest RAM block's mapped-ram header: right after
 * its MEM_SIZE entry, str8 "cr16.ram" and be64 used length.
 */
static gsize mapped_header_offset(const guint8 *data, gsize len)
{
    static const guint8 entry[] = {
        8, 'c', 'r', '1', '6', '.', 'r', 'a', 'm',
        0, 0, 0, 0, 0x08, 0, 0, 0,      /* be64 128 MiB */
    };

    for (gsize i = 0; i + sizeof(entry) + MAPPED_HDR_SIZE <= len; i++) {
        if (!memcmp(data + i, entry, sizeof(entry))) {
            return i + sizeof(entry);
        }
    }
    g_assert_not_reached();
}

/*
 * The layout the source wrote: header fields as the spec's table says,
 * page slots 1 MiB aligned, the stream's file magic at `offset`, and a
 * file no bigger than the guest's RAM plus the device state: pages have
 * fixed slots, however often they were sent.
 */
static void check_mapped_ram_file(gsize offset)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *data = NULL;
    const guint8 *d;
    gsize len, h;
    GError *err = NULL;
    uint64_t pages_offset;

    g_file_get_contents(file, &data, &len, &err);
    g_assert_no_error(err);
    d = (const guint8 *)data;
    g_assert_cmphex(be32_at(d + offset), ==, 0x5145564d);
    h = mapped_header_offset(d, len);
    g_assert_cmpuint(be32_at(d + h), ==, 1);                /* version */
    g_assert_cmpuint(be64_at(d + h + 4), ==, 4096);         /* page size */
    g_assert_cmpuint(be64_at(d + h + 12), ==, h + MAPPED_HDR_SIZE);
    pages_offset = be64_at(d + h + 20);
    g_assert_cmpuint(pages_offset % 0x100000, ==, 0);
    g_assert_cmpuint(pages_offset, >=, h + MAPPED_HDR_SIZE + GUEST_RAM / 4096 / 8);
    g_assert_cmpuint(pages_offset, <, h + MAPPED_HDR_SIZE + 0x200000);
    g_assert_cmpuint(len, >, pages_offset + GUEST_RAM);
    g_assert_cmpuint(len, <, pages_offset + GUEST_RAM + 0x100000);
    /* The guest's code page is in RAM page 0: its bit must be set. */
    g_assert_cmpuint(d[h + MAPPED_HDR_SIZE] & 1, ==, 1);
}

static void mapped_ram_end_hook(QTestState *from, QTestState *to, void *o)
{
    check_mapped_ram_file(0);
}

static void mapped_ram_offset_end_hook(QTestState *from, QTestState *to,
                                       void *o)
{
    check_mapped_ram_file(4096);
}

static void test_precopy_file_mapped_ram(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "mapped-ram" },
        .end_hook = mapped_ram_end_hook,
    };

    test_file_common(&args, true);
}

/* The source runs: pages dirtied again are rewritten in their slots. */
static void test_precopy_file_mapped_ram_live(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "mapped-ram" },
        .end_hook = mapped_ram_end_hook,
    };

    test_file_common(&args, false);
}

static void test_precopy_file_mapped_ram_offset(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s,offset=4096", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "mapped-ram" },
        .end_hook = mapped_ram_offset_end_hook,
    };

    test_file_common(&args, true);
}

/* add-fd of the file into fdset 1 on both sides; with `direct`, a second
 * fd opened with O_DIRECT for the page I/O of direct-io. */
static void fdset_add(QTestState *who, int flags)
{
    g_autofree char *file = mig_tmp_path("migfile");
    int fd = open(file, flags, 0660);
    JsonObject *rsp;

    g_assert_cmpint(fd, >=, 0);
    rsp = qtest_qmp_fds(who, &fd, 1, "{'execute': 'add-fd', 'arguments': "
                        "{'fdset-id': 1}}");
    g_assert_true(json_object_has_member(rsp, "return"));
    json_object_unref(rsp);
    close(fd);
}

static void *mapped_ram_fdset_start_hook(QTestState *from, QTestState *to)
{
    fdset_add(from, O_CREAT | O_WRONLY);
    fdset_add(to, O_RDONLY);
    return NULL;
}

static void *mapped_ram_fdset_dio_start_hook(QTestState *from, QTestState *to)
{
    mapped_ram_fdset_start_hook(from, to);
    fdset_add(from, O_WRONLY | O_DIRECT);
    fdset_add(to, O_RDONLY | O_DIRECT);
    migrate_set_parameter_bool(from, "direct-io", true);
    migrate_set_parameter_bool(to, "direct-io", true);
    return NULL;
}

/* Every fd the migration took from the set was given back. */
static void mapped_ram_fdset_end_hook(QTestState *from, QTestState *to,
                                      void *o)
{
    JsonObject *rsp;
    JsonArray *sets;

    check_mapped_ram_file(4096);
    qtest_qmp_assert_success(from, "{'execute': 'remove-fd', 'arguments': "
                             "{'fdset-id': 1}}");
    rsp = qtest_qmp(from, "{'execute': 'query-fdsets'}");
    g_assert_true(json_object_has_member(rsp, "return"));
    sets = json_object_get_array_member(rsp, "return");
    g_assert_cmpuint(json_array_get_length(sets), ==, 0);
    json_object_unref(rsp);
}

static void test_precopy_file_mapped_ram_fdset(void)
{
    MigrateCommon args = {
        .connect_uri = "file:/dev/fdset/1,offset=4096",
        .start.caps = { "mapped-ram" },
        .start_hook = mapped_ram_fdset_start_hook,
        .end_hook = mapped_ram_fdset_end_hook,
    };

    test_file_common(&args, true);
}

/* Can this test's directory do O_DIRECT (tmpfs before Linux 6.6 not)? */
static bool probe_o_direct(void)
{
    g_autofree char *path = mig_tmp_path("probe-o-direct");
    void *buf = NULL;
    bool ok = false;
    int fd = open(path, O_CREAT | O_WRONLY | O_DIRECT, 0600);

    if (fd >= 0 && !posix_memalign(&buf, 4096, 4096)) {
        memset(buf, 0, 4096);
        ok = pwrite(fd, buf, 4096, 0) == 4096;
    }
    free(buf);
    if (fd >= 0) {
        close(fd);
    }
    unlink(path);
    return ok;
}

static void *dio_start_hook(QTestState *from, QTestState *to)
{
    migrate_set_parameter_bool(from, "direct-io", true);
    migrate_set_parameter_bool(to, "direct-io", true);
    return NULL;
}

/* direct-io without multifd: our page fd is O_DIRECT on both sides. */
static void test_precopy_file_mapped_ram_dio(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "mapped-ram" },
        .start_hook = dio_start_hook,
        .end_hook = mapped_ram_end_hook,
    };

    if (!probe_o_direct()) {
        g_test_skip("O_DIRECT not supported in the test directory");
        return;
    }
    test_file_common(&args, true);
}

static void test_precopy_file_mapped_ram_fdset_dio(void)
{
    MigrateCommon args = {
        .connect_uri = "file:/dev/fdset/1,offset=4096",
        .start.caps = { "mapped-ram" },
        .start_hook = mapped_ram_fdset_dio_start_hook,
        .end_hook = mapped_ram_fdset_end_hook,
    };

    if (!probe_o_direct()) {
        g_test_skip("O_DIRECT not supported in the test directory");
        return;
    }
    test_file_common(&args, true);
}

/*
 * What `migrate` refuses with mapped-ram (spec states 7.1 step 6, 8.3):
 * a transport that cannot seek, TLS.  Each leaves the source as it was.
 */
static void test_mapped_ram_refused(void)
{
    g_autofree char *sock = mig_tmp_path("migsocket");
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *unix_uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *file_uri = g_strdup_printf("file:%s", file);
    MigrateStart start = { .only_source = true };
    QTestState *from, *to = NULL;
    char *err;

    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    /* TLS set first: enabling mapped-ram does not look at it. */
    qtest_qmp_assert_success(from, "{'execute': 'migrate-set-parameters',"
                             " 'arguments': {'tls-creds': 'tls0'}}");
    migrate_set_capability(from, "mapped-ram", true);
    err = migrate_qmp_fail(from, file_uri, NULL, "");
    g_assert_cmpstr(err, ==, "Cannot use TLS with mapped-ram");
    g_free(err);
    /* The quirk of spec 7.9: any parameter change is refused now. */
    {
        JsonObject *rsp = qtest_qmp(from, "{'execute': "
                                    "'migrate-set-parameters', 'arguments':"
                                    " {'tls-creds': ''}}");
        JsonObject *e = json_object_get_object_member(rsp, "error");

        g_assert_nonnull(e);
        g_assert_cmpstr(json_object_get_string_member(e, "desc"), ==,
                        "Mapped-ram only available for non-compressed "
                        "non-TLS multifd migration");
        json_object_unref(rsp);
    }
    migrate_set_capability(from, "mapped-ram", false);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-set-parameters',"
                             " 'arguments': {'tls-creds': ''}}");
    migrate_set_capability(from, "mapped-ram", true);

    err = migrate_qmp_fail(from, unix_uri, NULL, "");
    g_assert_cmpstr(err, ==, "Migration requires seekable transport "
                    "(e.g. file)");
    g_free(err);
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    qtest_quit(from);
    migrate_end_cleanup();
}

/*
 * Multifd over a file (wire 7.3): each channel is one more fd of the
 * file, writing and reading pages at their slots; no packets.
 */
static void test_multifd_file_mapped_ram(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "multifd", "mapped-ram" },
        .end_hook = mapped_ram_end_hook,
    };

    test_file_common(&args, true);
}

static void test_multifd_file_mapped_ram_live(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "multifd", "mapped-ram" },
        .end_hook = mapped_ram_end_hook,
    };

    test_file_common(&args, false);
}

static void *multifd_channels_4(QTestState *from, QTestState *to)
{
    migrate_set_parameter_int(from, "multifd-channels", 4);
    migrate_set_parameter_int(to, "multifd-channels", 4);
    return NULL;
}

/* Four channels and dio: every channel has its own O_DIRECT fd. */
static void *multifd_dio_start_hook(QTestState *from, QTestState *to)
{
    multifd_channels_4(from, to);
    return dio_start_hook(from, to);
}

static void test_multifd_file_mapped_ram_dio(void)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateCommon args = {
        .connect_uri = uri,
        .start.caps = { "multifd", "mapped-ram" },
        .start_hook = multifd_dio_start_hook,
        .end_hook = mapped_ram_end_hook,
    };

    if (!probe_o_direct()) {
        g_test_skip("O_DIRECT not supported in the test directory");
        return;
    }
    test_file_common(&args, true);
}

/* Two fds per side in fdset 1 (spec 3.2.4). */
static void *multifd_fdset_start_hook(QTestState *from, QTestState *to)
{
    mapped_ram_fdset_start_hook(from, to);
    fdset_add(from, O_WRONLY);
    fdset_add(to, O_RDONLY);
    return NULL;
}

static void test_multifd_file_mapped_ram_fdset(void)
{
    MigrateCommon args = {
        .connect_uri = "file:/dev/fdset/1,offset=4096",
        .start.caps = { "multifd", "mapped-ram" },
        .start_hook = multifd_fdset_start_hook,
        .end_hook = mapped_ram_fdset_end_hook,
    };

    test_file_common(&args, true);
}

static void test_multifd_file_mapped_ram_fdset_dio(void)
{
    MigrateCommon args = {
        .connect_uri = "file:/dev/fdset/1,offset=4096",
        .start.caps = { "multifd", "mapped-ram" },
        .start_hook = mapped_ram_fdset_dio_start_hook,
        .end_hook = mapped_ram_fdset_end_hook,
    };

    if (!probe_o_direct()) {
        g_test_skip("O_DIRECT not supported in the test directory");
        return;
    }
    test_file_common(&args, true);
}

/*
 * direct-io takes the channels' fds from the set's O_DIRECT member: a set
 * without one fails the migration, naming why, and the guest runs on.
 */
static void test_multifd_file_mapped_ram_fdset_no_dio_fd(void)
{
    MigrateStart start = { .only_source = true, .hide_stderr = true,
                           .caps = { "multifd", "mapped-ram" } };
    QTestState *from, *to = NULL;
    g_autoptr(JsonObject) info = NULL;
    g_autofree char *rs = NULL;
    const char *desc;

    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    fdset_add(from, O_CREAT | O_WRONLY);
    migrate_set_parameter_bool(from, "direct-io", true);
    migrate_qmp(from, NULL, "file:/dev/fdset/1", NULL, "");
    wait_for_migration_status(from, "failed",
                              (const char *[]){ "completed", NULL });
    info = migrate_query(from);
    desc = json_object_get_string_member(info, "error-desc");
    g_test_message("error-desc: %s", desc);
    g_assert_nonnull(strstr(desc, "direct-io: "));
    g_assert_nonnull(strstr(desc, "matching flags"));
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    qtest_quit(from);
    migrate_end_cleanup();
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

typedef struct FileDamage {
    const char *name;
    StreamDamage damage;
    /* what error-desc must name (NULL: any non-empty reason) */
    const char *expect[3];
} FileDamage;

static const FileDamage damages[] = {
    { "magic", damage_magic },
    { "truncated", damage_truncate },
    { "record-type", damage_record_type },
};

/* mapped-ram: the guest RAM block's header, bitmap and pages. */
static void damage_mapped_version(GByteArray *s)
{
    s->data[mapped_header_offset(s->data, s->len) + 3] = 2;
}

/* The file ends inside the page region. */
static void damage_mapped_truncate(GByteArray *s)
{
    gsize h = mapped_header_offset(s->data, s->len);

    g_byte_array_set_size(s, be64_at(s->data + h + 20) + GUEST_RAM / 2);
}

/* Page slots start inside the bitmap. */
static void damage_mapped_pages_offset(GByteArray *s)
{
    gsize h = mapped_header_offset(s->data, s->len);

    memset(s->data + h + 20, 0, 8);
    s->data[h + 26] = 0x10;     /* be64 0x1000: inside the bitmap */
}

/* A page record in a RAM section of a mapped-ram stream: the END
 * section (0x03, be32 id, then just EOS) gets a ZERO word (flags 0x02). */
static void damage_mapped_page_record(GByteArray *s)
{
    gsize h = mapped_header_offset(s->data, s->len);
    gsize end = be64_at(s->data + h + 20) + GUEST_RAM;

    for (gsize i = end; i + 13 <= s->len; i++) {
        if (s->data[i] == 0x03 &&
            be64_at(s->data + i + 5) == 0x10) {
            s->data[i + 12] = 0x02;
            return;
        }
    }
    g_assert_not_reached();
}

static const FileDamage mapped_damages[] = {
    { "version", damage_mapped_version,
      { "'cr16.ram'", "header version 2" } },
    { "truncated", damage_mapped_truncate,
      { "'cr16.ram'", "end past the end of the file", "0x" } },
    { "pages-offset", damage_mapped_pages_offset,
      { "'cr16.ram'", "pages offset 0x1000", "overlaps" } },
    { "page-record", damage_mapped_page_record,
      { "Unexpected RAM flags: 2" } },
};

/*
 * Write a good file once, then for each damage load a damaged copy into
 * a fresh destination: the load fails, error-desc says why, the guest
 * never starts.
 */
static void file_damaged_common(const char *cap, const FileDamage *list,
                                size_t n)
{
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    MigrateStart start = { .hide_stderr = true, .caps = { cap } };
    MigrateStart restart = { .hide_stderr = true, .only_target = true,
                             .caps = { cap } };
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

    for (size_t i = 0; i < n; i++) {
        g_autoptr(GByteArray) s = g_byte_array_new();
        g_autoptr(JsonObject) info = NULL;
        g_autofree char *rs = NULL;
        const char *desc;

        g_test_message("damage: %s", list[i].name);
        g_byte_array_append(s, (guint8 *)good, good_len);
        list[i].damage(s);
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
        for (size_t k = 0; k < G_N_ELEMENTS(list[i].expect); k++) {
            if (list[i].expect[k]) {
                g_assert_nonnull(strstr(desc, list[i].expect[k]));
            }
        }
        /* The guest never started. */
        rs = query_run_state(to);
        g_assert_cmpstr(rs, ==, "inmigrate");
        g_assert_false(dst_state.resume_seen);
    }
    migrate_end(from, to, false);
}

static void test_precopy_file_damaged(void)
{
    file_damaged_common(NULL, damages, G_N_ELEMENTS(damages));
}

static void test_precopy_file_mapped_ram_damaged(void)
{
    file_damaged_common("mapped-ram", mapped_damages,
                        G_N_ELEMENTS(mapped_damages));
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
    migration_test_add("/migration/precopy/file/mapped-ram",
                       test_precopy_file_mapped_ram);
    migration_test_add("/migration/precopy/file/mapped-ram/live",
                       test_precopy_file_mapped_ram_live);
    migration_test_add("/migration/precopy/file/mapped-ram/offset",
                       test_precopy_file_mapped_ram_offset);
    migration_test_add("/migration/precopy/file/mapped-ram/fdset",
                       test_precopy_file_mapped_ram_fdset);
    migration_test_add("/migration/precopy/file/mapped-ram/dio",
                       test_precopy_file_mapped_ram_dio);
    migration_test_add("/migration/precopy/file/mapped-ram/fdset/dio",
                       test_precopy_file_mapped_ram_fdset_dio);
    migration_test_add("/migration/precopy/file/mapped-ram/refused",
                       test_mapped_ram_refused);
    migration_test_add("/migration/precopy/file/mapped-ram/damaged",
                       test_precopy_file_mapped_ram_damaged);
    migration_test_add("/migration/multifd/file/mapped-ram",
                       test_multifd_file_mapped_ram);
    migration_test_add("/migration/multifd/file/mapped-ram/live",
                       test_multifd_file_mapped_ram_live);
    migration_test_add("/migration/multifd/file/mapped-ram/dio",
                       test_multifd_file_mapped_ram_dio);
    migration_test_add("/migration/multifd/file/mapped-ram/fdset",
                       test_multifd_file_mapped_ram_fdset);
    migration_test_add("/migration/multifd/file/mapped-ram/fdset/dio",
                       test_multifd_file_mapped_ram_fdset_dio);
    migration_test_add("/migration/multifd/file/mapped-ram/fdset/no-dio-fd",
                       test_multifd_file_mapped_ram_fdset_no_dio_fd);
}

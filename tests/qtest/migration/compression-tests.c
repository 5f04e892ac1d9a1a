/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd over tcp (spec/qtest.md 3.2.2, the multifd rows of 3.2.5, and
 * 3.5.2): no compression, zlib and zstd; the three zero-page-detection
 * modes; the legacy per-section sync; cancel and a second migration from
 * the same source; a corrupted compressed packet. Every successful case
 * ends with the destination's memory check (migrate_end).
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "framework.h"

/* Set a string parameter and read it back. */
static void set_param_str(QTestState *who, const char *param,
                          const char *value)
{
    JsonNode *ret;
    JsonObject *o;

    qtest_qmp_assert_success(who,
        "{'execute': 'migrate-set-parameters', 'arguments': {'%s': '%s'}}",
        param, value);
    ret = qtest_qmp_assert_success_ref(who,
        "{'execute': 'query-migrate-parameters'}");
    o = json_node_get_object(ret);
    g_assert_cmpstr(json_object_get_string_member(o, param), ==, value);
    json_node_unref(ret);
}

/* What the source's statistics must say afterwards. */
typedef struct MultifdExpect {
    const char *method;         /* multifd-compression on both sides */
    const char *zero_detection; /* source zero-page-detection, or NULL */
    bool legacy_sync;           /* multifd-flush-after-each-section */
    int channels;               /* 0: the default (2) */
    bool zero_pages_sent;       /* ram.duplicate > 0 */
} MultifdExpect;

/* "multifd common" (3.2.2): method on both sides, then listen. */
static void *multifd_start_hook(QTestState *from, QTestState *to,
                                const MultifdExpect *e)
{
    set_param_str(from, "multifd-compression", e->method);
    set_param_str(to, "multifd-compression", e->method);
    if (e->zero_detection) {
        set_param_str(from, "zero-page-detection", e->zero_detection);
    }
    if (e->channels) {
        migrate_set_parameter_int(from, "multifd-channels", e->channels);
        migrate_set_parameter_int(to, "multifd-channels", e->channels);
    }
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL, "");
    return (void *)e;
}

static void multifd_end_hook(QTestState *from, QTestState *to, void *opaque)
{
    const MultifdExpect *e = opaque;
    int64_t multifd = read_ram_property_int(from, "multifd-bytes");
    int64_t transferred = read_ram_property_int(from, "transferred");
    int64_t normal = read_ram_property_int(from, "normal");
    int64_t zeros = read_ram_property_int(from, "duplicate");

    /* The pages went over the multifd channels, and count as sent. */
    g_assert_cmpint(multifd, >, 0);
    g_assert_cmpint(transferred, >=, multifd);
    g_assert_cmpint(normal, >, 0);
    if (!strcmp(e->method, "none")) {
        /* Uncompressed: at least one page of payload per normal page. */
        g_assert_cmpint(multifd, >=, normal * 4096);
    }
    if (e->zero_pages_sent) {
        g_assert_cmpint(zeros, >, 0);
    } else {
        g_assert_cmpint(zeros, ==, 0);
    }
}

#define MULTIFD_HOOKS(name, ...)                                        \
    static const MultifdExpect name##_expect = { __VA_ARGS__ };         \
    static void *name##_start(QTestState *from, QTestState *to)         \
    {                                                                   \
        return multifd_start_hook(from, to, &name##_expect);            \
    }

MULTIFD_HOOKS(none, .method = "none", .zero_pages_sent = true)
MULTIFD_HOOKS(zlib, .method = "zlib", .zero_pages_sent = true)
MULTIFD_HOOKS(zstd, .method = "zstd", .zero_pages_sent = true)
MULTIFD_HOOKS(zp_legacy, .method = "none", .zero_detection = "legacy",
              .zero_pages_sent = true)
MULTIFD_HOOKS(zp_none, .method = "none", .zero_detection = "none",
              .zero_pages_sent = false)
MULTIFD_HOOKS(zp_multifd, .method = "none", .zero_detection = "multifd",
              .channels = 4, .zero_pages_sent = true)
MULTIFD_HOOKS(legacy_sync, .method = "none", .legacy_sync = true,
              .zero_pages_sent = true)

static void test_multifd_common(TestMigrateStartHook start, bool live,
                                const char *opts)
{
    MigrateCommon args = {
        .start = { .caps = { "multifd" }, .opts_source = opts,
                   .opts_target = opts },
        .listen_uri = "defer",
        .start_hook = start,
        .end_hook = multifd_end_hook,
        .live = live,
    };

    test_precopy_common(&args);
}

static void test_multifd_tcp_none(void)
{
    test_multifd_common(none_start, true, NULL);
}

static void test_multifd_tcp_channels_none(void)
{
    MigrateCommon args = {
        .start = { .caps = { "multifd" } },
        .listen_uri = "defer",
        .start_hook = none_start,
        .end_hook = multifd_end_hook,
        .live = true,
        .connect_channels = "[{\"channel-type\": \"main\", \"addr\": "
                            "{\"transport\": \"socket\", \"type\": \"inet\", "
                            "\"host\": \"127.0.0.1\", \"port\": \"0\"}}]",
    };

    test_precopy_common(&args);
}

static void test_multifd_tcp_zlib(void)
{
    test_multifd_common(zlib_start, false, NULL);
}

static void test_multifd_tcp_zstd(void)
{
    test_multifd_common(zstd_start, false, NULL);
}

static void test_multifd_tcp_zero_page_legacy(void)
{
    test_multifd_common(zp_legacy_start, true, NULL);
}

static void test_multifd_tcp_zero_page_none(void)
{
    test_multifd_common(zp_none_start, true, NULL);
}

static void test_multifd_tcp_zero_page_multifd(void)
{
    test_multifd_common(zp_multifd_start, true, NULL);
}

static void test_multifd_tcp_legacy_sync(void)
{
    test_multifd_common(legacy_sync_start, true,
                        "-global migration.multifd-flush-after-each-section="
                        "on");
}

/* caps multifd + postcopy-ram, postcopy never started (3.2.2). */
static void test_multifd_postcopy_tcp_zstd(void)
{
    MigrateCommon args = {
        .start = { .caps = { "postcopy-ram", "multifd" } },
        .listen_uri = "defer",
        .start_hook = zstd_start,
        .end_hook = multifd_end_hook,
    };

    test_precopy_common(&args);
}

/* ---- cancel, then migrate again from the same source (3.5.2) ---- */

static void multifd_cancel_setup(QTestState *who, bool postcopy)
{
    if (postcopy) {
        migrate_set_capability(who, "postcopy-ram", true);
    }
    migrate_set_parameter_int(who, "multifd-channels", 16);
    migrate_set_capability(who, "multifd", true);
}

static void test_multifd_cancel_common(bool postcopy)
{
    MigrateStart start = { .hide_stderr = true };
    MigrateStart start2 = { .hide_stderr = true, .only_target = true };
    QTestState *from, *to, *to2;

    g_assert_cmpint(migrate_start(&from, &to, "defer", &start), ==, 0);
    migrate_ensure_non_converge(from);
    migrate_prepare_for_dirty_mem(from);
    multifd_cancel_setup(from, postcopy);
    multifd_cancel_setup(to, postcopy);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL, "");
    wait_for_serial("src_serial");
    migrate_qmp(from, to, NULL, NULL, "");
    migrate_wait_for_dirty_mem(from, to);

    migrate_cancel(from);
    /* The destination gives up by itself: the stream ended mid-way. */
    qtest_set_expected_status(to, 1);
    qtest_wait_qemu(to);
    qtest_quit(to);
    wait_for_migration_status(from, "cancelled", NULL);

    g_assert_cmpint(migrate_start(&from, &to2, "defer", &start2), ==, 0);
    multifd_cancel_setup(to2, postcopy);
    migrate_incoming_qmp(to2, "tcp:127.0.0.1:0", NULL, "");
    migrate_ensure_non_converge(from);
    migrate_qmp(from, to2, NULL, NULL, "");
    migrate_wait_for_dirty_mem(from, to2);
    migrate_ensure_converge(from);
    wait_for_stop(from, &src_state);
    wait_for_resume(to2, &dst_state);
    wait_for_serial("dest_serial");
    wait_for_migration_complete(from);
    migrate_end(from, to2, true);
}

static void test_multifd_tcp_cancel(void)
{
    test_multifd_cancel_common(false);
}

static void test_multifd_postcopy_tcp_cancel(void)
{
    test_multifd_cancel_common(true);
}

void migration_test_add_compression(MigrationTestEnv *env)
{
    migration_test_add("/migration/multifd/tcp/uri/plain/none",
                       test_multifd_tcp_none);
    migration_test_add("/migration/multifd/tcp/channels/plain/none",
                       test_multifd_tcp_channels_none);
    migration_test_add("/migration/multifd/tcp/plain/zlib",
                       test_multifd_tcp_zlib);
    migration_test_add("/migration/multifd/tcp/plain/zstd",
                       test_multifd_tcp_zstd);
    migration_test_add("/migration/multifd/tcp/plain/zero-page/legacy",
                       test_multifd_tcp_zero_page_legacy);
    migration_test_add("/migration/multifd/tcp/plain/zero-page/none",
                       test_multifd_tcp_zero_page_none);
    migration_test_add("/migration/multifd/tcp/plain/zero-page/multifd",
                       test_multifd_tcp_zero_page_multifd);
    migration_test_add("/migration/multifd/tcp/plain/flush-after-each-"
                       "section", test_multifd_tcp_legacy_sync);
    migration_test_add("/migration/multifd/tcp/plain/cancel",
                       test_multifd_tcp_cancel);
    if (migration_host_has_uffd()) {
        migration_test_add("/migration/multifd+postcopy/tcp/plain/zstd",
                           test_multifd_postcopy_tcp_zstd);
        migration_test_add("/migration/multifd+postcopy/tcp/plain/cancel",
                           test_multifd_postcopy_tcp_cancel);
    }
}

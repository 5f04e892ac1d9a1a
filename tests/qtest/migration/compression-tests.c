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

/* ---- a corrupted compressed packet (wire 6.2.7) ---- */

/*
 * A proxy between source and destination that passes every connection
 * through, except that on each multifd channel it flips the first byte
 * of the first compressed payload: the zlib header, so the destination's
 * decoder must refuse it (and never silently place wrong data).
 */
typedef struct CorruptProxy {
    int listen_fd;
    int target_port;
    GThread *acceptor;
    GMutex lock;
    GPtrArray *threads;         /* forwarders, joined at the end */
    GArray *fds;                /* every socket, shut down at the end */
    int corrupted;              /* payloads altered (atomic) */
} CorruptProxy;

typedef struct Pipe {
    CorruptProxy *p;
    int from, to;
    bool inspect;               /* source -> destination direction */
} Pipe;

#define MULTIFD_HANDSHAKE_LEN 64
#define MULTIFD_HEADER_LEN 1344

static bool read_full(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);

        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        got += n;
    }
    return true;
}

static bool write_full(int fd, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        buf += n;
        len -= n;
    }
    return true;
}

static gpointer pipe_thread(gpointer opaque)
{
    Pipe *pp = opaque;
    uint8_t buf[65536];
    bool multifd = false, done = false;
    ssize_t n;

    if (pp->inspect) {
        uint8_t hs[MULTIFD_HANDSHAKE_LEN];

        /* The source writes the whole handshake at once. */
        n = recv(pp->from, hs, sizeof(hs), MSG_PEEK | MSG_WAITALL);
        multifd = n >= 4 && hs[0] == 0x11 && hs[1] == 0x22 &&
                  hs[2] == 0x33 && hs[3] == 0x44;
    }
    if (multifd && read_full(pp->from, buf, MULTIFD_HANDSHAKE_LEN) &&
        write_full(pp->to, buf, MULTIFD_HANDSHAKE_LEN)) {
        /* Packet by packet until the first payload. */
        while (!done && read_full(pp->from, buf, MULTIFD_HEADER_LEN)) {
            uint32_t size = ((uint32_t)buf[20] << 24) | (buf[21] << 16) |
                            (buf[22] << 8) | buf[23];

            if (!write_full(pp->to, buf, MULTIFD_HEADER_LEN) ||
                size > sizeof(buf) || !read_full(pp->from, buf, size)) {
                break;
            }
            if (size) {
                buf[0] ^= 0xff;
                g_atomic_int_inc(&pp->p->corrupted);
                done = true;
            }
            if (!write_full(pp->to, buf, size)) {
                break;
            }
        }
    }
    while ((n = read(pp->from, buf, sizeof(buf))) > 0 &&
           write_full(pp->to, buf, n)) {
    }
    /* One side gone: so is the other, as with a direct connection. */
    shutdown(pp->to, SHUT_RDWR);
    shutdown(pp->from, SHUT_RDWR);
    g_free(pp);
    return NULL;
}

static void proxy_start_pipe(CorruptProxy *p, int from, int to, bool inspect)
{
    Pipe *pp = g_new0(Pipe, 1);

    pp->p = p;
    pp->from = from;
    pp->to = to;
    pp->inspect = inspect;
    g_mutex_lock(&p->lock);
    g_ptr_array_add(p->threads, g_thread_new("corrupt-pipe", pipe_thread,
                                             pp));
    g_mutex_unlock(&p->lock);
}

static gpointer proxy_acceptor(gpointer opaque)
{
    CorruptProxy *p = opaque;
    int c;

    while ((c = accept(p->listen_fd, NULL, NULL)) >= 0) {
        struct sockaddr_in a = { .sin_family = AF_INET,
                                 .sin_port = htons(p->target_port) };
        int t = socket(AF_INET, SOCK_STREAM, 0);

        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        g_assert_cmpint(connect(t, (struct sockaddr *)&a, sizeof(a)), ==, 0);
        g_mutex_lock(&p->lock);
        g_array_append_val(p->fds, c);
        g_array_append_val(p->fds, t);
        g_mutex_unlock(&p->lock);
        proxy_start_pipe(p, c, t, true);
        proxy_start_pipe(p, t, c, false);
    }
    return NULL;
}

static int proxy_open(CorruptProxy *p, int target_port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);

    memset(p, 0, sizeof(*p));
    p->target_port = target_port;
    g_mutex_init(&p->lock);
    p->threads = g_ptr_array_new();
    p->fds = g_array_new(false, false, sizeof(int));
    p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(p->listen_fd, (struct sockaddr *)&a, sizeof(a)),
                    ==, 0);
    g_assert_cmpint(listen(p->listen_fd, 32), ==, 0);
    g_assert_cmpint(getsockname(p->listen_fd, (struct sockaddr *)&a, &len),
                    ==, 0);
    p->acceptor = g_thread_new("corrupt-accept", proxy_acceptor, p);
    return ntohs(a.sin_port);
}

static void proxy_close(CorruptProxy *p)
{
    shutdown(p->listen_fd, SHUT_RDWR);
    g_thread_join(p->acceptor);
    close(p->listen_fd);
    g_mutex_lock(&p->lock);
    for (guint i = 0; i < p->fds->len; i++) {
        shutdown(g_array_index(p->fds, int, i), SHUT_RDWR);
    }
    g_mutex_unlock(&p->lock);
    for (guint i = 0; i < p->threads->len; i++) {
        g_thread_join(p->threads->pdata[i]);
    }
    for (guint i = 0; i < p->fds->len; i++) {
        close(g_array_index(p->fds, int, i));
    }
    g_ptr_array_free(p->threads, true);
    g_array_free(p->fds, true);
    g_mutex_clear(&p->lock);
}

static void test_multifd_tcp_zlib_corrupt(void)
{
    MigrateStart start = { .hide_stderr = true, .caps = { "multifd" } };
    QTestState *from, *to;
    CorruptProxy proxy;
    g_autofree char *dst_uri = NULL;
    g_autofree char *uri = NULL;
    g_autoptr(JsonObject) info = NULL;
    const char *desc;
    int port;

    g_assert_cmpint(migrate_start(&from, &to, "defer", &start), ==, 0);
    set_param_str(from, "multifd-compression", "zlib");
    set_param_str(to, "multifd-compression", "zlib");
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL,
                         "'exit-on-error': false");
    dst_uri = migrate_get_connect_uri(to);
    port = proxy_open(&proxy, atoi(strrchr(dst_uri, ':') + 1));
    uri = g_strdup_printf("tcp:127.0.0.1:%d", port);
    wait_for_serial("src_serial");
    /* Stay in precopy: without a return path a source that completed
     * first would never learn of the destination's failure. */
    migrate_ensure_non_converge(from);
    migrate_qmp(from, to, uri, NULL, "");

    /* The source fails and keeps its guest running ... */
    wait_for_migration_fail(from, true);
    /* ... and the destination names the channel and the decoder. */
    wait_for_migration_status(to, "failed", (const char *[]){ "completed",
                                                              NULL });
    info = migrate_query(to);
    desc = json_object_get_string_member(info, "error-desc");
    g_test_message("destination: %s", desc);
    g_assert_nonnull(strstr(desc, "multifd channel"));
    g_assert_nonnull(strstr(desc, "inflate failed"));
    g_assert_cmpint(g_atomic_int_get(&proxy.corrupted), >, 0);

    migrate_end(from, to, false);
    proxy_close(&proxy);
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
    migration_test_add("/migration/multifd/tcp/plain/zlib/corrupt",
                       test_multifd_tcp_zlib_corrupt);
    if (migration_host_has_uffd()) {
        migration_test_add("/migration/multifd+postcopy/tcp/plain/zstd",
                           test_multifd_postcopy_tcp_zstd);
        migration_test_add("/migration/multifd+postcopy/tcp/plain/cancel",
                           test_multifd_postcopy_tcp_cancel);
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resource limits of the destination against a hostile source
 * (docs/devel/migration/resource-limits.rst): the test is the source,
 * writing hand-made streams into a real destination's socket.
 *
 *   config-name        a configuration record declaring a 4 GiB machine
 *                      name fails at once, before allocating
 *   package            a PACKAGED blob longer than the fixed bound fails
 *                      before anything is allocated
 *   yank               a source that stops sending holds the destination
 *                      in `active` until the user yanks the migration:
 *                      then it fails promptly and the instance is gone
 *   extra-connections  connections beyond the one main channel are
 *                      closed at once; the migration goes on
 *
 * Each case also checks that the destination's resident set did not
 * grow by more than a few MiB and that it still answers QMP.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include "libqtest.h"

#define DEADLINE_US     (30 * G_USEC_PER_SEC)
#define RSS_SLACK_KIB   (8 * 1024)

static char *tmpdir;

typedef struct Dest {
    QTestState *qts;
    char *sock;
    long rss_kib;
} Dest;

static long rss_kib(QTestState *qts)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status",
                                            (int)qtest_pid(qts));
    g_autofree char *text = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    p = strstr(text, "VmRSS:");
    g_assert_nonnull(p);
    return strtol(p + 6, NULL, 10);
}

static void dest_start(Dest *d, const char *name)
{
    d->sock = g_build_filename(tmpdir, name, NULL);
    d->qts = qtest_initf("-M virt -m 16M -incoming defer");
    qtest_qmp_assert_success(d->qts, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': 'unix:%s', "
                             "'exit-on-error': false}}", d->sock);
    d->rss_kib = rss_kib(d->qts);
}

static void dest_end(Dest *d)
{
    long grown = rss_kib(d->qts) - d->rss_kib;

    g_assert_cmpint(grown, <, RSS_SLACK_KIB);
    qtest_quit(d->qts);
    unlink(d->sock);
    g_free(d->sock);
}

static char *incoming_status(Dest *d, char **error_desc)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(d->qts,
        "{'execute': 'query-migrate'}");
    JsonObject *o = json_node_get_object(ret);
    char *st = g_strdup(json_object_has_member(o, "status")
                        ? json_object_get_string_member(o, "status")
                        : "none");

    if (error_desc) {
        *error_desc = json_object_has_member(o, "error-desc")
            ? g_strdup(json_object_get_string_member(o, "error-desc"))
            : NULL;
    }
    json_node_unref(ret);
    return st;
}

/* Poll until the incoming status is `want`; returns error-desc. */
static char *wait_status(Dest *d, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + DEADLINE_US;

    for (;;) {
        char *desc = NULL;
        g_autofree char *st = incoming_status(d, &desc);

        if (!strcmp(st, want)) {
            return desc;
        }
        g_free(desc);
        if (g_get_monotonic_time() > deadline) {
            g_error("incoming status %s, waited for %s", st, want);
        }
        g_usleep(10 * 1000);
    }
}

static int connect_source(Dest *d)
{
    struct timeval tv = { .tv_sec = 30 };
    int fd = qtest_socket_client(d->sock);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
                               sizeof(tv)), ==, 0);
    return fd;
}

static void send_all(int fd, const void *buf, size_t len)
{
    g_assert_cmpint(send(fd, buf, len, MSG_NOSIGNAL), ==, len);
}

static void put_be16(GByteArray *b, uint16_t v)
{
    uint8_t x[2] = { v >> 8, v };

    g_byte_array_append(b, x, 2);
}

static void put_be32(GByteArray *b, uint32_t v)
{
    uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(b, x, 4);
}

/* File magic and version 3 (wire-format 1.1). */
static void put_header(GByteArray *b)
{
    put_be32(b, 0x5145564d);
    put_be32(b, 3);
}

/* The machine type "virt" resolves to, as the configuration names it. */
static char *virt_machine_name(Dest *d)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(d->qts,
        "{'execute': 'query-machines'}");
    JsonArray *a = json_node_get_array(ret);
    char *name = NULL;

    for (guint i = 0; i < json_array_get_length(a) && !name; i++) {
        JsonObject *m = json_array_get_object_element(a, i);

        if (json_object_has_member(m, "alias") &&
            !strcmp(json_object_get_string_member(m, "alias"), "virt")) {
            name = g_strdup(json_object_get_string_member(m, "name"));
        }
        if (!strcmp(json_object_get_string_member(m, "name"), "virt")) {
            name = g_strdup("virt");
        }
    }
    json_node_unref(ret);
    g_assert_nonnull(name);
    return name;
}

/* Header and a configuration record this destination accepts. */
static void put_valid_head(GByteArray *b, Dest *d)
{
    g_autofree char *name = virt_machine_name(d);

    put_header(b);
    g_byte_array_append(b, (const uint8_t *)"\x07", 1);
    put_be32(b, strlen(name));
    g_byte_array_append(b, (const uint8_t *)name, strlen(name));
}

static void expect_eof(int fd)
{
    char c;
    ssize_t n;

    do {
        n = recv(fd, &c, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        /* A timeout (EAGAIN) would mean the connection was kept. */
        g_assert_cmpint(errno, ==, ECONNRESET);
    } else {
        g_assert_cmpint(n, ==, 0);
    }
}

static bool yank_lists_migration(Dest *d)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(d->qts,
        "{'execute': 'query-yank'}");
    JsonArray *a = json_node_get_array(ret);
    bool found = false;

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);

        found |= !strcmp(json_object_get_string_member(o, "type"),
                         "migration");
    }
    json_node_unref(ret);
    return found;
}

/* ---- tests ---- */

static void test_config_name(void)
{
    Dest d;
    g_autoptr(GByteArray) b = g_byte_array_new();
    g_autofree char *desc = NULL;
    int fd;

    dest_start(&d, "config-name.sock");
    put_header(b);
    g_byte_array_append(b, (const uint8_t *)"\x07", 1);
    put_be32(b, 0xffffffff);
    fd = connect_source(&d);
    send_all(fd, b->data, b->len);
    desc = wait_status(&d, "failed");
    g_test_message("error-desc: %s", desc);
    g_assert_nonnull(strstr(desc, "field 'name'"));
    g_assert_nonnull(strstr(desc, "at most 256 bytes"));
    close(fd);
    dest_end(&d);
}

static void test_package(void)
{
    Dest d;
    g_autoptr(GByteArray) b = g_byte_array_new();
    g_autofree char *desc = NULL;
    int fd;

    dest_start(&d, "package.sock");
    put_valid_head(b, &d);
    /* QEMU_VM_COMMAND PACKAGED, len 4, blob length 256 MiB + 1. */
    g_byte_array_append(b, (const uint8_t *)"\x08", 1);
    put_be16(b, 7);
    put_be16(b, 4);
    put_be32(b, (256u << 20) + 1);
    fd = connect_source(&d);
    send_all(fd, b->data, b->len);
    desc = wait_status(&d, "failed");
    g_assert_nonnull(strstr(desc, "PACKAGED"));
    g_assert_nonnull(strstr(desc, "accepted"));
    close(fd);
    dest_end(&d);
}

static void test_yank(void)
{
    Dest d;
    g_autoptr(GByteArray) b = g_byte_array_new();
    g_autofree char *desc = NULL;
    g_autofree char *st = NULL;
    int fd;

    dest_start(&d, "yank.sock");
    g_assert_true(yank_lists_migration(&d));
    put_valid_head(b, &d);
    fd = connect_source(&d);
    send_all(fd, b->data, b->len);
    /* The source goes silent: the destination waits, still active. */
    g_free(wait_status(&d, "active"));
    g_usleep(200 * 1000);
    st = incoming_status(&d, NULL);
    g_assert_cmpstr(st, ==, "active");

    qtest_qmp_assert_success(d.qts, "{'execute': 'yank', 'arguments': "
                             "{'instances': [{'type': 'migration'}]}}");
    desc = wait_status(&d, "failed");
    g_assert_nonnull(strstr(desc, "shut down"));
    g_assert_false(yank_lists_migration(&d));
    close(fd);
    dest_end(&d);
}

static void test_extra_connections(void)
{
    Dest d;
    g_autoptr(GByteArray) b = g_byte_array_new();
    int fd, extra[3];

    dest_start(&d, "extra.sock");
    put_valid_head(b, &d);
    fd = connect_source(&d);
    send_all(fd, b->data, b->len);
    g_free(wait_status(&d, "active"));
    for (int i = 0; i < 3; i++) {
        extra[i] = connect_source(&d);
        /* Whatever a second source says, it is not read (the send may
         * already fail: the destination may have closed it). */
        (void)!send(extra[i], b->data, b->len, MSG_NOSIGNAL);
        expect_eof(extra[i]);
        close(extra[i]);
    }
    g_free(incoming_status(&d, NULL));
    {
        g_autofree char *st = incoming_status(&d, NULL);

        g_assert_cmpstr(st, ==, "active");
    }
    qtest_qmp_assert_success(d.qts, "{'execute': 'yank', 'arguments': "
                             "{'instances': [{'type': 'migration'}]}}");
    g_free(wait_status(&d, "failed"));
    close(fd);
    dest_end(&d);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("migration-limits-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    qtest_add_func("/migration/limits/config-name", test_config_name);
    qtest_add_func("/migration/limits/package", test_package);
    qtest_add_func("/migration/limits/yank", test_yank);
    qtest_add_func("/migration/limits/extra-connections",
                   test_extra_connections);
    ret = g_test_run();
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}

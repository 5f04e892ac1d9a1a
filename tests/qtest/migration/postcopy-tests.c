/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy group (spec/qtest.md 3.2.3, 3.3.7, 3.3.8): plain postcopy,
 * postcopy after precopy passes, blocktime, recovery (plain, a failed
 * attempt to a bad port, double failures), migrate_cancel refused, and
 * the postcopy-device failure scenarios of spec/migration-states-and-
 * qmp.md 4 (Q1 included). Every case is gated by userfaultfd on the host.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include "qapi/qapi-types.h"
#include "framework.h"

/* ---- the userfaultfd gate ---- */

static bool host_has_uffd(void)
{
    int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    struct uffdio_api api = { .api = UFFD_API };
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = ioctl(fd, UFFDIO_API, &api) == 0;
    close(fd);
    return ok;
}

/* Does this kernel's userfaultfd offer `feature`? */
static bool host_uffd_has(uint64_t feature)
{
    int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    struct uffdio_api api = { .api = UFFD_API, .features = feature };
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = ioctl(fd, UFFDIO_API, &api) == 0;
    close(fd);
    return ok;
}

static bool host_has_uffd_thread_id(void)
{
    return host_uffd_has(UFFD_FEATURE_THREAD_ID);
}

/*
 * Can a destination here move whole huge pages in (postcopy-place.c)?
 * UFFDIO_MOVE (Linux 6.8: feature bit 16) and transparent huge pages
 * for madvised memory. NULL if so, else why not.
 */
static const char *host_cannot_move_huge_pages(void)
{
    g_autofree char *thp = NULL;

    if (!host_uffd_has(1ULL << 16)) {
        return "userfaultfd cannot move pages here (UFFDIO_MOVE, Linux 6.8)";
    }
    if (!g_file_get_contents("/sys/kernel/mm/transparent_hugepage/enabled",
                             &thp, NULL, NULL) || strstr(thp, "[never]")) {
        return "transparent huge pages are off";
    }
    return NULL;
}

/* ---- events ---- */

/* Read every event already sent, then what st recorded. */
static const char *events_seen(QTestState *who, QTestMigrationState *st)
{
    qtest_qmp_assert_success(who, "{'execute': 'query-status'}");
    return st->events;
}

/* The recorded sequence contains `seq` (comma separated, in order). */
static void assert_events(QTestState *who, QTestMigrationState *st,
                          const char *seq)
{
    const char *seen = events_seen(who, st);

    if (!strstr(seen, seq)) {
        g_error("expected the events '%s' in '%s'", seq, seen);
    }
}

static void assert_no_event(QTestState *who, QTestMigrationState *st,
                            const char *what)
{
    g_autofree char *item = g_strdup_printf("%s,", what);
    const char *seen = events_seen(who, st);

    for (const char *p = seen; (p = strstr(p, item)); p += strlen(item)) {
        if (p == seen || p[-1] == ',') {
            g_error("unexpected event '%s' in '%s'", what, seen);
        }
    }
}

/* ---- the common flow (3.3.7) ---- */

typedef struct PostcopyArgs {
    MigrateStart start;
    bool preempt;
    int precopy_passes;         /* before migrate-start-postcopy */
    bool dest_stays;            /* destination: exit-on-error false */
    /* The caller starts postcopy right after migrate: precopy crawls
     * (16 kB/s) and the downtime budget is long, so the source switches
     * at its first check, and nothing waits for precopy to move pages. */
    bool postcopy_at_once;
    /* Run after both processes started, before migrate-incoming (e.g.
     * TLS credentials); the end hook runs before the final checks. */
    TestMigrateStartHook start_hook;
    TestMigrateEndHook end_hook;
    void *hook_data;
    /* Recovery: run once both sides are postcopy-active again. */
    void (*recovered)(QTestState *from, QTestState *to, int cycle);
} PostcopyArgs;

static char *unix_uri(const char *name)
{
    g_autofree char *p = mig_tmp_path(name);

    return g_strdup_printf("unix:%s", p);
}

static void postcopy_prepare(QTestState **from, QTestState **to,
                             PostcopyArgs *args)
{
    const char *extra[G_N_ELEMENTS(args->start.caps)] = { 0 };
    size_t n = 0, k = 0;

    /* postcopy-ram first: the others depend on it. */
    memcpy(extra, args->start.caps, sizeof(extra));
    memset(args->start.caps, 0, sizeof(args->start.caps));
    args->start.caps[n++] = "postcopy-ram";
    args->start.caps[n++] = "postcopy-blocktime";
    if (args->preempt) {
        args->start.caps[n++] = "postcopy-preempt";
    }
    while (k < G_N_ELEMENTS(extra) && extra[k]) {
        g_assert_cmpint(n, <, G_N_ELEMENTS(args->start.caps));
        args->start.caps[n++] = extra[k++];
    }
    g_assert_cmpint(migrate_start(from, to, "defer", &args->start), ==, 0);
    if (args->start_hook) {
        args->hook_data = args->start_hook(*from, *to);
    }
    migrate_ensure_non_converge(*from);
    if (args->postcopy_at_once) {
        migrate_set_parameter_int(*from, "max-bandwidth", 16 * 1000);
        migrate_set_parameter_int(*from, "downtime-limit", 30 * 1000);
    }
    migrate_prepare_for_dirty_mem(*from);
    qtest_qmp_assert_success(*to,
        "{'execute': 'migrate-incoming', 'arguments': {'channels': ["
        " {'channel-type': 'main', 'addr': {'transport': 'socket', "
        "  'type': 'inet', 'host': '127.0.0.1', 'port': '0'}}]"
        "%s}}", args->dest_stays ? ", 'exit-on-error': false" : "");
    wait_for_serial("src_serial");
    migrate_qmp(*from, *to, NULL, NULL, "");
    if (!args->postcopy_at_once) {
        migrate_wait_for_dirty_mem(*from, *to);
    }
}

static void postcopy_start(QTestState *from, QTestState *to, int passes)
{
    if (passes) {
        /* Passes of a couple of seconds, never converging: the guest
         * dirties more than that in the downtime budget. */
        migrate_set_parameter_int(from, "max-bandwidth", 100 * 1000 * 1000);
    }
    for (int i = 0; i < passes; i++) {
        wait_for_migration_pass(from, &src_state);
    }
    qtest_qmp_assert_success(from,
                             "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    /* The destination runs while its pages are still being pulled. */
    wait_for_resume(to, &dst_state);
}

static void read_blocktime(QTestState *to)
{
    g_autoptr(JsonObject) o = migrate_query(to);
    static const char *const members[] = {
        "postcopy-blocktime", "postcopy-vcpu-blocktime", "postcopy-latency",
        "postcopy-latency-dist", "postcopy-vcpu-latency",
        "postcopy-non-vcpu-latency",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(members); i++) {
        if (!json_object_has_member(o, members[i])) {
            g_error("query-migrate on the destination lacks %s", members[i]);
        }
    }
    g_assert_cmpint(json_array_get_length(json_object_get_array_member(
                        o, "postcopy-latency-dist")), ==, 24);
    /* One vCPU, registered by its thread. */
    g_assert_cmpint(json_array_get_length(json_object_get_array_member(
                        o, "postcopy-vcpu-blocktime")), ==, 1);
    g_assert_cmpint(json_array_get_length(json_object_get_array_member(
                        o, "postcopy-vcpu-latency")), ==, 1);
}

/* A member of x-query-postcopy (qemu-cr16's postcopy counters). */
static JsonNode *postcopy_debug_member(QTestState *who, const char *key)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(who,
        "{'execute': 'x-query-postcopy'}");
    JsonNode *v = json_object_dup_member(json_node_get_object(ret), key);

    g_assert_nonnull(v);
    json_node_unref(ret);
    return v;
}

static int64_t postcopy_debug_int(QTestState *who, const char *key)
{
    g_autoptr(JsonNode) v = postcopy_debug_member(who, key);

    return json_node_get_int(v);
}

static bool postcopy_debug_bool(QTestState *who, const char *key)
{
    g_autoptr(JsonNode) v = postcopy_debug_member(who, key);

    return json_node_get_boolean(v);
}

/*
 * Which channel the requested pages took on the source: all on the
 * preempt channel with postcopy-preempt, all on the main one without.
 * And the destination's vCPU did stall on missing pages (the requests
 * are its faults).
 */
static void assert_urgent_channel(QTestState *from, QTestState *to,
                                  bool preempt)
{
    int64_t requests = read_ram_property_int(from, "postcopy-requests");
    int64_t on_preempt = postcopy_debug_int(from, "preempt-pages");
    int64_t on_main = postcopy_debug_int(from, "urgent-main-pages");

    /* The A-B guest touches every page at once: it always asks. */
    g_assert_cmpint(requests, >, 0);
    if (preempt) {
        g_assert_cmpint(on_preempt, >, 0);
        g_assert_cmpint(on_main, ==, 0);
    } else {
        g_assert_cmpint(on_main, >, 0);
        g_assert_cmpint(on_preempt, ==, 0);
    }
    g_assert_cmpint(postcopy_debug_int(to, "vcpu-stalls"), >, 0);
    g_assert_cmpint(postcopy_debug_int(to, "vcpu-stall-max"), >=,
                    postcopy_debug_int(to, "vcpu-stall-p50"));
}

static void postcopy_complete(QTestState *from, QTestState *to)
{
    wait_for_migration_complete(from);
    wait_for_serial("dest_serial");
    if (host_has_uffd_thread_id()) {
        read_blocktime(to);
    }
    migrate_end(from, to, true);
}

static void test_postcopy_common(PostcopyArgs *args)
{
    QTestState *from, *to;

    postcopy_prepare(&from, &to, args);
    postcopy_start(from, to, args->precopy_passes);
    if (args->end_hook) {
        args->end_hook(from, to, args->hook_data);
    }
    postcopy_complete(from, to);
}

/* The destination times its vCPU's stalls (x-query-postcopy). */
#define STALL_PROBE "-global migration.x-vcpu-stall-probe=on"

static void test_postcopy_plain(void)
{
    PostcopyArgs args = { .start = { .opts_target = STALL_PROBE } };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    /* The running destination asked for pages it did not have. */
    wait_for_migration_complete(from);
    g_assert_cmpint(read_ram_property_int(from, "postcopy-requests"), >, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    assert_urgent_channel(from, to, false);
    /*
     * The background stream's whole huge pages went in by moving them,
     * where the host can (none of the destination's RAM was mapped before,
     * and the source's discard of what it had not sent maps nothing).
     */
    if (host_cannot_move_huge_pages()) {
        g_test_message("moved-pages not checked: %s",
                       host_cannot_move_huge_pages());
    } else {
        g_assert_cmpint(postcopy_debug_int(to, "moved-pages"), >, 0);
    }
    /* The race-free order (4.3): never postcopy-device -> completed. */
    assert_events(from, &src_state,
                  "STOP,device,postcopy-device,postcopy-active,completed,");
    assert_events(to, &dst_state,
                  "setup,active,postcopy-device,postcopy-active,RESUME,"
                  "completed,");
    postcopy_complete(from, to);
}

/*
 * postcopy-ram on, but the migration converges before anyone asks for
 * postcopy: it ends as precopy (the destination's ADVISE preparation must
 * not lose a page, wire-format 4.3).
 */
static void test_postcopy_not_started(void)
{
    PostcopyArgs args = { 0 };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    migrate_ensure_converge(from);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    assert_no_event(from, &src_state, "postcopy-device");
    assert_events(to, &dst_state, "setup,active,RESUME,completed,");
    wait_for_serial("dest_serial");
    migrate_end(from, to, true);
}

/*
 * A destination that never reports postcopy-device (as QEMU < 10.2: it
 * goes active -> postcopy-active at LISTEN): nothing on the wire depends
 * on it (spec 4.5), the source still passes postcopy-device and
 * completes.
 */
static void test_postcopy_old_destination(void)
{
    PostcopyArgs args = {
        .start = { .opts_target = "-global migration.x-postcopy-device-state="
                                  "off" },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    assert_events(from, &src_state,
                  "STOP,device,postcopy-device,postcopy-active,completed,");
    assert_events(to, &dst_state,
                  "setup,active,postcopy-active,RESUME,completed,");
    assert_no_event(to, &dst_state, "postcopy-device");
    postcopy_complete(from, to);
}

static void test_postcopy_after_precopy(void)
{
    PostcopyArgs args = { .precopy_passes = 2 };

    test_postcopy_common(&args);
}

static void test_postcopy_preempt(void)
{
    PostcopyArgs args = {
        .preempt = true, .start = { .opts_target = STALL_PROBE },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    /* The urgent pages really went over the preempt channel. */
    assert_urgent_channel(from, to, true);
    postcopy_complete(from, to);
}

/*
 * The preempt connection arrives before the destination has loaded
 * ADVISE (the source connects once it has a PONG, and PING 1 comes
 * first): the destination must hold it until ADVISE, not drop it and
 * lose every urgent page sent on it. A test knob holds ADVISE until the
 * connection is there, so this order happens every time.
 */
static void test_postcopy_preempt_early_channel(void)
{
    PostcopyArgs args = {
        .preempt = true, .start = { .opts_target = STALL_PROBE },
        /* The held destination's socket must not fill before the
         * source has seen migrate-start-postcopy. */
        .postcopy_at_once = true,
    };
    QTestState *from, *to;

    g_setenv("QEMU_TEST_POSTCOPY_EARLY_PREEMPT", "1", true);
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_EARLY_PREEMPT");
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    assert_urgent_channel(from, to, true);
    postcopy_complete(from, to);
}

/*
 * PACKAGED waits for the preempt channel before the package loads (wire
 * 4.3). A test knob holds the preempt connection until that wait begins,
 * or else until a pause that never comes: without the wait the
 * destination loads the package and runs the guest with no preempt
 * channel, and the count below is 0.
 */
static void assert_source_resumed(QTestState *from);

static void test_postcopy_preempt_packaged_wait(void)
{
    PostcopyArgs args = {
        .preempt = true, .start = { .opts_target = STALL_PROBE },
    };
    QTestState *from, *to;

    g_setenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT", "1", true);
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT");
    postcopy_start(from, to, 0);
    /* The guest runs on the destination: its channel came first. */
    wait_for_migration_status(to, "postcopy-active", NULL);
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==, 1);
    g_assert_false(postcopy_debug_bool(to, "preempt-waiting"));
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    assert_urgent_channel(from, to, true);
    postcopy_complete(from, to);
}

typedef enum {
    PKG_LOST_YANK,              /* connection never comes; yank ends it */
    PKG_LOST_YANK_EXIT,         /* the same with exit-on-error */
    PKG_LOST_QUIT,              /* the destination quits while waiting */
    PKG_LOST_TIMEOUT,           /* the wait's bound (shortened) ends it */
    PKG_REFUSED,                /* the connection is refused */
} PackagedWaitEnd;

/* Until the destination waits at PACKAGED for its preempt channel. */
static void wait_for_packaged_wait(QTestState *to)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;
    g_autofree char *st = NULL;

    while (!postcopy_debug_bool(to, "preempt-waiting")) {
        if (g_get_monotonic_time() >= deadline) {
            g_error("the destination never waited at PACKAGED for the "
                    "preempt channel");
        }
        g_usleep(10 * 1000);
    }
    /* Waiting: the package is not loaded, nothing runs yet. */
    st = migrate_query_status(to);
    g_assert_cmpstr(st, ==, "active");
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==, 0);
}

/*
 * A PACKAGED wait that cannot be satisfied ends cleanly: the preempt
 * connection is held for good by a test knob and `yank` on the
 * destination ends the wait (the destination staying or, with
 * exit-on-error, exiting), or the destination quits while it waits, or
 * the wait's bound (shortened by a knob) passes, or the connection is
 * refused (as at a TLS handshake). A destination
 * that stays fails with the reason; the package never loaded and the
 * guest never ran there. The source takes its guest back.
 */
static void test_postcopy_preempt_packaged_wait_end(const void *opaque)
{
    PackagedWaitEnd how = GPOINTER_TO_INT(opaque);
    PostcopyArgs args = {
        .preempt = true, .start = { .hide_stderr = true },
        .dest_stays = how != PKG_LOST_YANK_EXIT,
    };
    QTestState *from, *to;
    g_autoptr(JsonObject) info = NULL;
    g_autofree char *rs_to = NULL;
    const char *desc, *want;

    g_setenv("QEMU_TEST_POSTCOPY_LOST_PREEMPT",
             how == PKG_REFUSED ? "refuse" : "hold", true);
    if (how == PKG_LOST_TIMEOUT) {
        g_setenv("QEMU_TEST_POSTCOPY_PREEMPT_WAIT_MS", "500", true);
    }
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_LOST_PREEMPT");
    g_unsetenv("QEMU_TEST_POSTCOPY_PREEMPT_WAIT_MS");
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    migration_event_wait(from, "postcopy-device");

    switch (how) {
    case PKG_LOST_QUIT:
        wait_for_packaged_wait(to);
        /* Nothing joins the waiting thread: the process just ends. */
        qtest_quit(to);
        assert_source_resumed(from);
        qtest_quit(from);
        migrate_end_cleanup();
        return;
    case PKG_LOST_YANK_EXIT:
        wait_for_packaged_wait(to);
        qtest_set_expected_status(to, 1);
        qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                                 "{'instances': [{'type': 'migration'}]}}");
        qtest_wait_qemu(to);
        assert_source_resumed(from);
        qtest_quit(from);
        qtest_quit(to);
        migrate_end_cleanup();
        return;
    case PKG_LOST_YANK:
        wait_for_packaged_wait(to);
        qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                                 "{'instances': [{'type': 'migration'}]}}");
        want = "PACKAGED: the main channel was shut down while waiting "
               "for the postcopy-preempt channel";
        break;
    case PKG_LOST_TIMEOUT:
        want = "PACKAGED: no postcopy-preempt channel within 500 ms";
        break;
    case PKG_REFUSED:
    default:
        want = "PACKAGED: the postcopy-preempt connection was refused: "
               "refused by the test";
        break;
    }

    wait_for_migration_status(to, "failed",
                              (const char *[]) { "completed",
                                                 "postcopy-active", NULL });
    info = migrate_query(to);
    desc = json_object_get_string_member(info, "error-desc");
    g_test_message("destination: %s", desc);
    g_assert_nonnull(strstr(desc, want));
    assert_events(to, &dst_state, "setup,active,failed,");
    assert_no_event(to, &dst_state, "postcopy-device");
    assert_no_event(to, &dst_state, "RESUME");
    rs_to = query_run_state(to);
    g_assert_cmpstr(rs_to, ==, "inmigrate");
    g_assert_false(postcopy_debug_bool(to, "preempt-waiting"));

    assert_source_resumed(from);
    qtest_quit(from);
    qtest_quit(to);
    migrate_end_cleanup();
}

/*
 * multifd in precopy, then postcopy on the main channel (wire 3.8): the
 * prepare section syncs the channels, which stay idle afterwards.
 */
static void test_multifd_postcopy(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } },
                          .precopy_passes = 1 };

    test_postcopy_common(&args);
}

static void test_multifd_postcopy_preempt(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } },
                          .preempt = true, .precopy_passes = 1 };

    test_postcopy_common(&args);
}

/* migrate_cancel is refused in postcopy (2.3). */
static void test_postcopy_cancel_refused(void)
{
    PostcopyArgs args = { 0 };
    QTestState *from, *to;
    g_autoptr(JsonObject) err = NULL;

    postcopy_prepare(&from, &to, &args);
    /* Slow enough that postcopy-active lasts. */
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 256 * 1024);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);
    err = qtest_qmp_assert_failure_ref(from,
                                       "{'execute': 'migrate_cancel'}");
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Postcopy migration in progress, cannot cancel.");
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    postcopy_complete(from, to);
}

/* ---- recovery (3.3.8) ---- */

typedef enum {
    FAIL_NONE,
    FAIL_BAD_PORT,              /* resume to a port nobody listens on */
    FAIL_HANDSHAKE,             /* POSTCOPY_FAIL_RECOVERY */
    FAIL_CHANNEL_ESTABLISH,     /* POSTCOPY_FAIL_CHANNEL_ESTABLISH */
} RecoverFail;

static void send_fd(QTestState *who, int fd)
{
    g_autoptr(JsonObject) rsp = qtest_qmp_fds(who, &fd, 1,
        "{'execute': 'getfd', 'arguments': {'fdname': 'fd-mig'}}");

    g_assert_true(json_object_has_member(rsp, "return"));
}

static void cancel_refused(QTestState *from, const char *status);

/* The destination listens anew at uri, the source resumes to it, and
 * both are postcopy-active again. */
static void recover_at(QTestState *from, QTestState *to, const char *uri)
{
    qtest_qmp_assert_success(to, "{'exec-oob': 'migrate-recover', "
                             "'arguments': {'uri': '%s'}, "
                             "'id': 'recover-cmd'}", uri);
    migrate_qmp(from, to, uri, NULL, "'resume': true");
    wait_for_migration_status(from, "postcopy-active", NULL);
    wait_for_migration_status(to, "postcopy-active", NULL);
}

static void recover_fail_fd(QTestState *from, QTestState *to,
                            RecoverFail stage, bool cancel_in_recover)
{
    int p1[2], p2[2];
    uint8_t cmd = 0x08;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, p1), ==, 0);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, p2), ==, 0);
    send_fd(from, p1[0]);
    send_fd(to, p2[0]);
    close(p1[0]);
    close(p2[0]);
    /* The first byte of a real recovery stream wakes the destination. */
    g_assert_cmpint(write(p2[1], &cmd, 1), ==, 1);
    if (stage == FAIL_CHANNEL_ESTABLISH) {
        close(p1[1]);
        p1[1] = -1;
    }
    qtest_qmp_assert_success(to, "{'exec-oob': 'migrate-recover', "
                             "'arguments': {'uri': 'fd:fd-mig'}, "
                             "'id': 'recover-cmd'}");
    migrate_qmp(from, to, "fd:fd-mig", NULL, "'resume': true");
    migration_event_wait(from, "postcopy-recover-setup");
    if (stage == FAIL_CHANNEL_ESTABLISH) {
        migration_event_wait(from, "postcopy-paused");
    } else {
        migration_event_wait(from, "postcopy-recover");
        wait_for_migration_status(from, "postcopy-recover", NULL);
        if (cancel_in_recover) {
            cancel_refused(from, "postcopy-recover");
        }
        qtest_qmp_assert_success(from, "{'execute': 'migrate-pause'}");
    }
    wait_for_migration_status(from, "postcopy-paused", NULL);
    wait_for_migration_status(to, "postcopy-recover", NULL);
    qtest_qmp_assert_success(to, "{'execute': 'migrate-pause'}");
    wait_for_migration_status(to, "postcopy-paused", NULL);
    if (p1[1] >= 0) {
        close(p1[1]);
    }
    close(p2[1]);
}

/* A resume to a port nobody listens on: back to postcopy-paused. */
static void recover_fail_bad_port(QTestState *from)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    g_autofree char *uri = NULL;
    const char *seen;

    /* A port that was free a moment ago and is closed again. */
    g_assert_cmpint(bind(s, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(getsockname(s, (struct sockaddr *)&a, &len), ==, 0);
    close(s);
    uri = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(a.sin_port));

    events_seen(from, &src_state);
    src_state.events[0] = 0;
    migrate_qmp(from, NULL, uri, NULL, "'resume': true");
    wait_for_migration_status(from, "postcopy-paused",
                              (const char *[]) { "failed", "completed",
                                                 "postcopy-active", NULL });
    /* Management depends on seeing every step, the way back included. */
    seen = events_seen(from, &src_state);
    for (int i = 0; i < 100 && strcmp(seen, "postcopy-recover-setup,"
                                            "postcopy-paused,"); i++) {
        g_usleep(10 * 1000);
        seen = events_seen(from, &src_state);
    }
    g_assert_cmpstr(seen, ==, "postcopy-recover-setup,postcopy-paused,");
}

static void test_postcopy_recovery_common(PostcopyArgs *args,
                                          RecoverFail stage)
{
    QTestState *from, *to;
    g_autofree char *uri = unix_uri("migsocket-recover");
    static const char *paused_ungoals[] = { "failed", "active", "completed",
                                            NULL };

    args->start.hide_stderr = true;
    args->start.oob = true;
    postcopy_prepare(&from, &to, args);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);

    /* Plain recovery is repeated: it must work any number of times. */
    for (int cycle = 0; cycle < (stage == FAIL_NONE ? 3 : 1); cycle++) {
        /* Alternate the side that breaks the channel. */
        qtest_qmp_assert_success(cycle % 2 ? to : from,
                                 "{'execute': 'migrate-pause'}");
        wait_for_migration_status(to, "postcopy-paused", paused_ungoals);
        wait_for_migration_status(from, "postcopy-paused", paused_ungoals);

        if (stage == FAIL_BAD_PORT) {
            recover_fail_bad_port(from);
        } else if (stage != FAIL_NONE) {
            recover_fail_fd(from, to, stage, false);
        }

        recover_at(from, to, uri);
        if (args->recovered) {
            args->recovered(from, to, cycle);
        }
    }
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    assert_events(from, &src_state, "postcopy-recover-setup,"
                  "postcopy-recover,postcopy-active,");
    assert_no_event(from, &src_state, "failed");
    assert_no_event(to, &dst_state, "failed");
    if (args->end_hook) {
        args->end_hook(from, to, args->hook_data);
    }
    postcopy_complete(from, to);
    {
        g_autofree char *p = mig_tmp_path("migsocket-recover");

        unlink(p);
    }
}

/*
 * yank {"type": "migration"} on the destination (resource-limits.rst: the
 * user's way out of a stalled load) is a network failure: both sides
 * pause, and recovery then completes.
 */
static void test_postcopy_recovery_yank(void)
{
    PostcopyArgs args = { 0 };
    QTestState *from, *to;
    g_autofree char *uri = unix_uri("migsocket-recover");
    g_autofree char *path = mig_tmp_path("migsocket-recover");
    static const char *paused_ungoals[] = { "failed", "active", "completed",
                                            NULL };

    args.start.hide_stderr = true;
    args.start.oob = true;
    postcopy_prepare(&from, &to, &args);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);
    wait_for_migration_status(to, "postcopy-active", NULL);

    qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                             "{'instances': [{'type': 'migration'}]}}");
    wait_for_migration_status(to, "postcopy-paused", paused_ungoals);
    wait_for_migration_status(from, "postcopy-paused", paused_ungoals);

    recover_at(from, to, uri);
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    assert_no_event(to, &dst_state, "failed");
    postcopy_complete(from, to);
    unlink(path);
}

static void test_postcopy_recovery_plain(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

static void test_postcopy_recovery_bad_port(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_BAD_PORT);
}

static void test_postcopy_recovery_handshake(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_HANDSHAKE);
}

static void test_postcopy_recovery_reconnect(void)
{
    PostcopyArgs args = { 0 };

    test_postcopy_recovery_common(&args, FAIL_CHANNEL_ESTABLISH);
}

static void assert_resumed_with_preempt(QTestState *from, QTestState *to,
                                        int cycle);

static void test_postcopy_preempt_recovery(void)
{
    PostcopyArgs args = { .preempt = true,
                          .recovered = assert_resumed_with_preempt };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

static unsigned count_events(QTestMigrationState *st, const char *what)
{
    g_auto(GStrv) items = g_strsplit(st->events, ",", -1);
    unsigned n = 0;

    for (char **i = items; *i; i++) {
        n += !strcmp(*i, what);
    }
    return n;
}

void postcopy_assert_recoveries(QTestState *to, unsigned n)
{
    events_seen(to, &dst_state);
    g_assert_cmpuint(count_events(&dst_state, "postcopy-recover"), ==, n);
}

static void assert_three_recoveries(QTestState *from, QTestState *to,
                                    void *opaque)
{
    postcopy_assert_recoveries(to, 3);
}

/*
 * A recovery's preempt connection that the destination gets only after
 * it paused again (with TLS: its side of the handshake finished late;
 * the source had long sent POSTCOPY_RESUME). It belongs to the broken
 * session: taken for the next recovery's main channel, the destination
 * went to postcopy-recover on its own, reading a dead connection, and
 * refused migrate-recover or the real connection. A test knob holds
 * the first one until the next pause, so this order happens every time.
 * The first recovery's RESUME waits for that connection meanwhile, until
 * the second cycle's migrate-pause on the destination ends the wait.
 */
static void test_postcopy_preempt_recovery_late_channel(void)
{
    PostcopyArgs args = { .preempt = true,
                          .end_hook = assert_three_recoveries };

    g_setenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT", "1", true);
    test_postcopy_recovery_common(&args, FAIL_NONE);
    g_unsetenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT");
}

/*
 * Recovery `cycle` (0, 1, ...) completed its POSTCOPY_RESUME on the
 * destination (x-query-postcopy "resumes"; postcopy-active is reported
 * before RESUME waits): by then its preempt channel was taken -- the one
 * of the postcopy start plus one per recovery.
 */
static void assert_resumed_with_preempt(QTestState *from, QTestState *to,
                                        int cycle)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    while (postcopy_debug_int(to, "resumes") < cycle + 1) {
        if (g_get_monotonic_time() >= deadline) {
            g_error("recovery %d: POSTCOPY_RESUME did not complete on the "
                    "destination (preempt-channels %" PRId64 ")", cycle,
                    postcopy_debug_int(to, "preempt-channels"));
        }
        g_usleep(10 * 1000);
    }
    g_assert_cmpint(postcopy_debug_int(to, "resumes"), ==, cycle + 1);
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==,
                    cycle + 2);
}

/*
 * Every recovery's preempt connection reaches the destination as late as
 * a plain socket's can: a test knob hands it over only once
 * POSTCOPY_RESUME waits for it, or else at the next pause -- counted as
 * accepted after that pause, so it would pass for the next recovery's
 * main channel. RESUME waits for it (wire 4.3), so each recovery has
 * taken its preempt channel when it completes, none is left over, and
 * all three recoveries and the migration complete.
 */
static void test_postcopy_preempt_recovery_slow_channel(void)
{
    PostcopyArgs args = { .preempt = true,
                          .recovered = assert_resumed_with_preempt,
                          .end_hook = assert_three_recoveries };

    g_setenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT", "1", true);
    test_postcopy_recovery_common(&args, FAIL_NONE);
    g_unsetenv("QEMU_TEST_POSTCOPY_SLOW_PREEMPT");
}

/*
 * A recovery whose POSTCOPY_RESUME waits for a preempt connection that
 * does not come (the LATE knob holds it until the next pause): yank on
 * the destination ends the wait, both sides pause, and the next recovery
 * completes with its own preempt channel.
 */
/* Pause (who: from or to) and recover once; both postcopy-active. */
static void pause_and_recover(QTestState *from, QTestState *to,
                              QTestState *who, const char *uri)
{
    static const char *paused_ungoals[] = { "failed", "active", "completed",
                                            NULL };

    if (who == to) {
        /* yank: the user's way out, here of a waiting RESUME. */
        qtest_qmp_assert_success(to, "{'execute': 'yank', 'arguments': "
                                 "{'instances': [{'type': 'migration'}]}}");
    } else {
        qtest_qmp_assert_success(from, "{'execute': 'migrate-pause'}");
    }
    wait_for_migration_status(to, "postcopy-paused", paused_ungoals);
    wait_for_migration_status(from, "postcopy-paused", paused_ungoals);
    recover_at(from, to, uri);
}

static void test_postcopy_preempt_recovery_yank_wait(void)
{
    PostcopyArgs args = { .preempt = true };
    QTestState *from, *to;
    g_autofree char *uri = unix_uri("migsocket-recover");
    g_autofree char *path = mig_tmp_path("migsocket-recover");

    g_setenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT", "1", true);
    args.start.hide_stderr = true;
    args.start.oob = true;
    postcopy_prepare(&from, &to, &args);
    g_unsetenv("QEMU_TEST_POSTCOPY_LATE_PREEMPT");
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    postcopy_start(from, to, 0);
    wait_for_migration_status(from, "postcopy-active", NULL);

    pause_and_recover(from, to, from, uri);
    /* The held connection keeps this RESUME waiting. */
    g_assert_cmpint(postcopy_debug_int(to, "resumes"), ==, 0);
    g_assert_cmpint(postcopy_debug_int(to, "preempt-channels"), ==, 1);
    pause_and_recover(from, to, to, uri);
    /* The knob holds once: this recovery has its channel. */
    assert_resumed_with_preempt(from, to, 0);

    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    postcopy_assert_recoveries(to, 2);
    assert_no_event(to, &dst_state, "failed");
    postcopy_complete(from, to);
    unlink(path);
}

/* Recovery leaves the idle multifd channels alone. */
static void test_multifd_postcopy_recovery(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } } };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

static void test_multifd_postcopy_preempt_recovery(void)
{
    PostcopyArgs args = { .start = { .caps = { "multifd" } },
                          .preempt = true };

    test_postcopy_recovery_common(&args, FAIL_NONE);
}

/* ---- failures in postcopy-device (spec 4, Q1) ---- */

typedef enum {
    DEV_FAIL_LOAD,              /* fail-load=on on the destination */
    DEV_KILL_LOADING,           /* killed while loading device state */
    DEV_KILL_ALL_SENT,          /* killed after everything was sent (Q1) */
} DeviceFailure;

/* The source must be back to running with its memory intact. */
static void assert_source_resumed(QTestState *from)
{
    g_autofree char *rs = NULL;

    wait_for_migration_status(from, "failed",
                              (const char *[]) { "completed", NULL });
    assert_events(from, &src_state,
                  "STOP,device,postcopy-device,failed,RESUME,");
    assert_no_event(from, &src_state, "postcopy-active");
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    /* The A-B guest keeps going ... */
    wait_for_guest_progress(from);
    wait_for_serial("src_serial");
    /* ... with every page consistent. */
    qtest_qmp_assert_success(from, "{'execute': 'stop'}");
    check_guests_ram(from);
}

static void test_postcopy_device_failure(const void *opaque)
{
    DeviceFailure how = GPOINTER_TO_INT(opaque);
    PostcopyArgs args = {
        .start = {
            .hide_stderr = true,
            .opts_source = "-device migration-testdev",
            .opts_target = how == DEV_FAIL_LOAD ?
                           "-device migration-testdev,fail-load=on" :
                           "-device migration-testdev,load-delay-ms=4000",
        },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    migration_event_wait(from, "postcopy-device");

    switch (how) {
    case DEV_FAIL_LOAD:
        /* The destination reports its error and exits. */
        qtest_set_expected_status(to, 1);
        qtest_wait_qemu(to);
        break;
    case DEV_KILL_LOADING:
        qtest_kill_qemu_with_signal(to, SIGKILL);
        break;
    case DEV_KILL_ALL_SENT: {
        gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

        /* Every page sent, PONG(0x42) not yet possible: the window of
         * quirk Q1. */
        while (read_ram_property_int(from, "remaining") != 0) {
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            g_usleep(10 * 1000);
        }
        {
            g_autofree char *st = migrate_query_status(from);

            g_assert_cmpstr(st, ==, "postcopy-device");
        }
        qtest_kill_qemu_with_signal(to, SIGKILL);
        break;
    }
    }
    assert_source_resumed(from);
    qtest_quit(from);
    qtest_quit(to);
    migrate_end_cleanup();
}

/* ---- x-postcopy-safe-start (docs/interop/postcopy-safe-start.rst) ---- */

static void test_safe_start_plain(void)
{
    PostcopyArgs args = {
        .start = { .caps = { "x-postcopy-safe-start" } },
    };
    QTestState *from, *to;

    postcopy_prepare(&from, &to, &args);
    postcopy_start(from, to, 0);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    assert_events(from, &src_state,
                  "STOP,device,postcopy-device,postcopy-active,completed,");
    /* The guest starts only once the source committed. */
    assert_events(to, &dst_state,
                  "setup,active,postcopy-device,postcopy-active,RESUME,"
                  "completed,");
    postcopy_complete(from, to);
}

typedef enum {
    SAFE_TIMEOUT,               /* x-postcopy-device-timeout-ms expires */
    SAFE_CANCEL,                /* migrate_cancel in postcopy-device */
} SafeStartExit;

/* The source gives up in postcopy-device; the destination never ran. */
static void test_safe_start_give_up(const void *opaque)
{
    SafeStartExit how = GPOINTER_TO_INT(opaque);
    PostcopyArgs args = {
        .start = {
            .hide_stderr = true,
            .caps = { "x-postcopy-safe-start" },
            .opts_source = "-device migration-testdev",
            .opts_target = "-device migration-testdev,load-delay-ms=2000",
        },
        .dest_stays = true,
    };
    QTestState *from, *to;
    g_autofree char *rs = NULL, *rs_to = NULL;

    postcopy_prepare(&from, &to, &args);
    if (how == SAFE_TIMEOUT) {
        migrate_set_parameter_int(from, "x-postcopy-device-timeout-ms", 300);
    }
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    migration_event_wait(from, "postcopy-device");
    if (how == SAFE_CANCEL) {
        qtest_qmp_assert_success(from, "{'execute': 'migrate_cancel'}");
        wait_for_migration_status(from, "cancelled",
                                  (const char *[]) { "completed",
                                                     "postcopy-active",
                                                     NULL });
        assert_events(from, &src_state, "STOP,device,postcopy-device,"
                      "cancelling,RESUME,cancelled,");
    } else {
        wait_for_migration_status(from, "failed",
                                  (const char *[]) { "completed",
                                                     "postcopy-active",
                                                     NULL });
        assert_events(from, &src_state, "STOP,device,postcopy-device,"
                      "failed,RESUME,");
    }
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    /* The destination fails without ever running the guest. */
    wait_for_migration_status(to, "failed",
                              (const char *[]) { "completed",
                                                 "postcopy-active", NULL });
    assert_events(to, &dst_state, "setup,active,postcopy-device,failed,");
    assert_no_event(to, &dst_state, "RESUME");
    rs_to = query_run_state(to);
    g_assert_cmpstr(rs_to, ==, "inmigrate");

    wait_for_guest_progress(from);
    qtest_qmp_assert_success(from, "{'execute': 'stop'}");
    check_guests_ram(from);
    qtest_quit(from);
    qtest_quit(to);
    migrate_end_cleanup();
}

/* ---- migrate_cancel in every postcopy status (qtest.md 3.5.1) ---- */

static void cancel_refused(QTestState *from, const char *status)
{
    g_autoptr(JsonObject) err = qtest_qmp_assert_failure_ref(from,
        "{'execute': 'migrate_cancel'}");
    g_autofree char *st = NULL;

    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Postcopy migration in progress, cannot cancel.");
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, status);
}

/*
 * A unix listener whose backlog is full: connect(2) to it blocks, so a
 * resume towards it stays in postcopy-recover-setup. Returns the
 * listener; *queued holds the connections that fill the backlog.
 */
static int blocked_listener(const char *path, GArray *queued)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int l = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(strlen(path), <, sizeof(a.sun_path));
    strcpy(a.sun_path, path);
    unlink(path);
    g_assert_cmpint(bind(l, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(listen(l, 0), ==, 0);
    for (;;) {
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

        if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
            g_assert_cmpint(errno, ==, EAGAIN);
            close(c);
            return l;
        }
        g_array_append_val(queued, c);
    }
}

static void cancel_in_recover_setup(QTestState *from)
{
    g_autofree char *path = mig_tmp_path("migsocket-blocked");
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autoptr(GArray) queued = g_array_new(false, false, sizeof(int));
    int l = blocked_listener(path, queued);

    migrate_qmp(from, NULL, uri, NULL, "'resume': true");
    migration_event_wait(from, "postcopy-recover-setup");
    /* connect(2) is blocked: the status holds. */
    g_usleep(100 * 1000);
    cancel_refused(from, "postcopy-recover-setup");
    /* Unblock: the connection is accepted by nobody and closed, so the
     * source falls back to postcopy-paused by itself. */
    for (guint i = 0; i < queued->len; i++) {
        close(g_array_index(queued, int, i));
    }
    for (;;) {
        int c = accept(l, NULL, NULL);

        if (c >= 0) {
            close(c);
            break;
        }
        g_assert_cmpint(errno, ==, EINTR);
    }
    close(l);
    unlink(path);
    wait_for_migration_status(from, "postcopy-paused",
                              (const char *[]) { "failed", "completed",
                                                 NULL });
}

void test_postcopy_cancel_after(int status)
{
    const char *name = MigrationStatus_str(status);
    bool device = status == MIGRATION_STATUS_POSTCOPY_DEVICE;
    PostcopyArgs args = {
        .start = {
            .hide_stderr = true,
            .oob = true,
            .opts_source = device ? "-device migration-testdev" : NULL,
            .opts_target = device ?
                "-device migration-testdev,load-delay-ms=1500" : NULL,
        },
    };
    g_autofree char *uri = unix_uri("migsocket-recover");
    QTestState *from, *to;

    if (!host_has_uffd()) {
        g_test_skip("postcopy needs userfaultfd, which this host lacks");
        return;
    }
    postcopy_prepare(&from, &to, &args);
    /* Slow background pages: postcopy-active lasts as long as needed. */
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 4096);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    if (device) {
        /* The destination is still loading the device state. */
        migration_event_wait(from, "postcopy-device");
        cancel_refused(from, name);
    } else {
        wait_for_migration_status(from, "postcopy-active", NULL);
    }
    if (status == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        cancel_refused(from, name);
    }
    if (!device && status != MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        qtest_qmp_assert_success(from, "{'execute': 'migrate-pause'}");
        wait_for_migration_status(to, "postcopy-paused", NULL);
        wait_for_migration_status(from, "postcopy-paused", NULL);
        switch (status) {
        case MIGRATION_STATUS_POSTCOPY_PAUSED:
            cancel_refused(from, name);
            break;
        case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
            cancel_in_recover_setup(from);
            break;
        case MIGRATION_STATUS_POSTCOPY_RECOVER:
            recover_fail_fd(from, to, FAIL_HANDSHAKE, true);
            break;
        default:
            g_assert_not_reached();
        }
        qtest_qmp_assert_success(to, "{'exec-oob': 'migrate-recover', "
                                 "'arguments': {'uri': '%s'}, "
                                 "'id': 'recover-cmd'}", uri);
        migrate_qmp(from, to, uri, NULL, "'resume': true");
        wait_for_migration_status(from, "postcopy-active", NULL);
    }
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    wait_for_resume(to, &dst_state);
    assert_no_event(from, &src_state, "cancelling");
    postcopy_complete(from, to);
    {
        g_autofree char *p = mig_tmp_path("migsocket-recover");

        unlink(p);
    }
}

void test_postcopy_hooked(TestMigrateStartHook start_hook,
                          TestMigrateEndHook end_hook, const char *extra_cap,
                          bool preempt, bool recovery)
{
    PostcopyArgs args = {
        .start = { .caps = { extra_cap } },
        .preempt = preempt,
        .start_hook = start_hook,
        .end_hook = end_hook,
    };

    if (recovery) {
        test_postcopy_recovery_common(&args, FAIL_NONE);
    } else {
        test_postcopy_common(&args);
    }
}

bool migration_host_has_uffd(void)
{
    return host_has_uffd();
}

void migration_test_add_postcopy(MigrationTestEnv *env)
{
    if (!host_has_uffd()) {
        g_test_message("postcopy tests skipped: no userfaultfd here");
        return;
    }
    migration_test_add("/migration/postcopy/plain", test_postcopy_plain);
    migration_test_add("/migration/postcopy/not-started",
                       test_postcopy_not_started);
    migration_test_add("/migration/postcopy/old-destination",
                       test_postcopy_old_destination);
    migration_test_add("/migration/postcopy/after-precopy",
                       test_postcopy_after_precopy);
    migration_test_add("/migration/postcopy/cancel-refused",
                       test_postcopy_cancel_refused);
    migration_test_add("/migration/postcopy/recovery/plain",
                       test_postcopy_recovery_plain);
    migration_test_add("/migration/postcopy/recovery/yank-destination",
                       test_postcopy_recovery_yank);
    migration_test_add("/migration/postcopy/recovery/bad-port",
                       test_postcopy_recovery_bad_port);
    migration_test_add("/migration/postcopy/recovery/double-failures/"
                       "handshake", test_postcopy_recovery_handshake);
    migration_test_add("/migration/postcopy/recovery/double-failures/"
                       "reconnect", test_postcopy_recovery_reconnect);
    migration_test_add("/migration/postcopy/preempt/plain",
                       test_postcopy_preempt);
    migration_test_add("/migration/postcopy/preempt/early-channel",
                       test_postcopy_preempt_early_channel);
    migration_test_add("/migration/postcopy/preempt/packaged-wait/plain",
                       test_postcopy_preempt_packaged_wait);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/yank",
                        GINT_TO_POINTER(PKG_LOST_YANK),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/"
                        "yank-exit", GINT_TO_POINTER(PKG_LOST_YANK_EXIT),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/quit",
                        GINT_TO_POINTER(PKG_LOST_QUIT),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/timeout",
                        GINT_TO_POINTER(PKG_LOST_TIMEOUT),
                        test_postcopy_preempt_packaged_wait_end);
    qtest_add_data_func("/migration/postcopy/preempt/packaged-wait/refused",
                        GINT_TO_POINTER(PKG_REFUSED),
                        test_postcopy_preempt_packaged_wait_end);
    migration_test_add("/migration/postcopy/preempt/recovery/plain",
                       test_postcopy_preempt_recovery);
    migration_test_add("/migration/postcopy/preempt/recovery/late-channel",
                       test_postcopy_preempt_recovery_late_channel);
    migration_test_add("/migration/postcopy/preempt/recovery/slow-channel",
                       test_postcopy_preempt_recovery_slow_channel);
    migration_test_add("/migration/postcopy/preempt/recovery/yank-wait",
                       test_postcopy_preempt_recovery_yank_wait);
    migration_test_add("/migration/multifd+postcopy/plain",
                       test_multifd_postcopy);
    migration_test_add("/migration/multifd+postcopy/preempt/plain",
                       test_multifd_postcopy_preempt);
    migration_test_add("/migration/multifd+postcopy/recovery/plain",
                       test_multifd_postcopy_recovery);
    migration_test_add("/migration/multifd+postcopy/preempt/recovery/plain",
                       test_multifd_postcopy_preempt_recovery);
    migration_test_add("/migration/postcopy/safe-start/plain",
                       test_safe_start_plain);
    qtest_add_data_func("/migration/postcopy/safe-start/timeout",
                        GINT_TO_POINTER(SAFE_TIMEOUT),
                        test_safe_start_give_up);
    qtest_add_data_func("/migration/postcopy/safe-start/cancel",
                        GINT_TO_POINTER(SAFE_CANCEL),
                        test_safe_start_give_up);
    qtest_add_data_func("/migration/postcopy/device/load-fails",
                        GINT_TO_POINTER(DEV_FAIL_LOAD),
                        test_postcopy_device_failure);
    qtest_add_data_func("/migration/postcopy/device/dest-killed",
                        GINT_TO_POINTER(DEV_KILL_LOADING),
                        test_postcopy_device_failure);
    qtest_add_data_func("/migration/postcopy/device/dest-dies-all-sent",
                        GINT_TO_POINTER(DEV_KILL_ALL_SENT),
                        test_postcopy_device_failure);
}


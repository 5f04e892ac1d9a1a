/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy test files' shared steps (postcopy-common.h): the
 * userfaultfd gate, event checks, the common flow (spec/qtest.md 3.3.7)
 * and the recovery flow with its injected failures (3.3.8).
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include "postcopy-common.h"

/* ---- the userfaultfd gate ---- */

/* Does this kernel's userfaultfd offer `feature` (0: at all)? */
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

/* framework.h: can this host's harness use userfaultfd? */
bool migration_host_has_uffd(void)
{
    return host_uffd_has(0);
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
const char *postcopy_host_cannot_move_huge_pages(void)
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
void postcopy_assert_events(QTestState *who, QTestMigrationState *st,
                            const char *seq)
{
    const char *seen = events_seen(who, st);

    if (!strstr(seen, seq)) {
        g_error("expected the events '%s' in '%s'", seq, seen);
    }
}

void postcopy_assert_no_event(QTestState *who, QTestMigrationState *st,
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

char *postcopy_unix_uri(const char *name)
{
    g_autofree char *p = mig_tmp_path(name);

    return g_strdup_printf("unix:%s", p);
}

void postcopy_prepare(QTestState **from, QTestState **to,
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

void postcopy_start(QTestState *from, QTestState *to, int passes)
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

int64_t postcopy_debug_int(QTestState *who, const char *key)
{
    g_autoptr(JsonNode) v = postcopy_debug_member(who, key);

    return json_node_get_int(v);
}

bool postcopy_debug_bool(QTestState *who, const char *key)
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
void postcopy_assert_urgent_channel(QTestState *from, QTestState *to,
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

void postcopy_complete(QTestState *from, QTestState *to)
{
    wait_for_migration_complete(from);
    wait_for_serial("dest_serial");
    if (host_has_uffd_thread_id()) {
        read_blocktime(to);
    }
    migrate_end(from, to, true);
}

/* The source must be back to running with its memory intact. */
void postcopy_assert_source_resumed(QTestState *from)
{
    g_autofree char *rs = NULL;

    wait_for_migration_status(from, "failed",
                              (const char *[]) { "completed", NULL });
    postcopy_assert_events(from, &src_state,
                           "STOP,device,postcopy-device,failed,RESUME,");
    postcopy_assert_no_event(from, &src_state, "postcopy-active");
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    /* The A-B guest keeps going ... */
    wait_for_guest_progress(from);
    wait_for_serial("src_serial");
    /* ... with every page consistent. */
    qtest_qmp_assert_success(from, "{'execute': 'stop'}");
    check_guests_ram(from);
}

void postcopy_cancel_refused(QTestState *from, const char *status)
{
    g_autoptr(JsonObject) err = qtest_qmp_assert_failure_ref(from,
        "{'execute': 'migrate_cancel'}");
    g_autofree char *st = NULL;

    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==,
                    "Postcopy migration in progress, cannot cancel.");
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, status);
}

/* ---- recovery (3.3.8) ---- */

static void send_fd(QTestState *who, int fd)
{
    g_autoptr(JsonObject) rsp = qtest_qmp_fds(who, &fd, 1,
        "{'execute': 'getfd', 'arguments': {'fdname': 'fd-mig'}}");

    g_assert_true(json_object_has_member(rsp, "return"));
}

/* The destination listens anew at uri, the source resumes to it, and
 * both are postcopy-active again. */
void postcopy_recover_at(QTestState *from, QTestState *to, const char *uri)
{
    qtest_qmp_assert_success(to, "{'exec-oob': 'migrate-recover', "
                             "'arguments': {'uri': '%s'}, "
                             "'id': 'recover-cmd'}", uri);
    migrate_qmp(from, to, uri, NULL, "'resume': true");
    wait_for_migration_status(from, "postcopy-active", NULL);
    wait_for_migration_status(to, "postcopy-active", NULL);
}

void postcopy_recover_fail_fd(QTestState *from, QTestState *to,
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
            postcopy_cancel_refused(from, "postcopy-recover");
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

void test_postcopy_recovery_common(PostcopyArgs *args, RecoverFail stage)
{
    QTestState *from, *to;
    g_autofree char *uri = postcopy_unix_uri("migsocket-recover");
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
            postcopy_recover_fail_fd(from, to, stage, false);
        }

        postcopy_recover_at(from, to, uri);
        if (args->recovered) {
            args->recovered(from, to, cycle);
        }
    }
    migrate_set_parameter_int(from, "max-postcopy-bandwidth", 0);
    postcopy_assert_events(from, &src_state, "postcopy-recover-setup,"
                           "postcopy-recover,postcopy-active,");
    postcopy_assert_no_event(from, &src_state, "failed");
    postcopy_assert_no_event(to, &dst_state, "failed");
    if (args->end_hook) {
        args->end_hook(from, to, args->hook_data);
    }
    postcopy_complete(from, to);
    {
        g_autofree char *p = mig_tmp_path("migsocket-recover");

        unlink(p);
    }
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

void postcopy_assert_three_recoveries(QTestState *from, QTestState *to,
                                      void *opaque)
{
    postcopy_assert_recoveries(to, 3);
}

/*
 * Recovery `cycle` (0, 1, ...) completed its POSTCOPY_RESUME on the
 * destination (x-query-postcopy "resumes"; postcopy-active is reported
 * before RESUME waits): by then its preempt channel was taken -- the one
 * of the postcopy start plus one per recovery.
 */
void postcopy_assert_resumed_with_preempt(QTestState *from, QTestState *to,
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Failure and validation cases (spec/qtest.md 3.2.7): a destination that
 * is not there, UUID validation, argument validation, the stream read by
 * scripts/analyze-migration.py, destinations whose machine does not
 * match the source's; and the operator's tools on a live migration:
 * query-migrationthreads, the vCPU dirty limit (alone and as the
 * dirty-limit capability), max-bandwidth and avail-switchover-bandwidth
 * changed while the migration runs.
 */
#include "qemu/osdep.h"
#include <sys/wait.h>
#include "framework.h"

#define UUID_1 "11111111-1111-1111-1111-111111111111"
#define UUID_2 "22222222-2222-2222-2222-222222222222"

static char *unix_uri(void)
{
    g_autofree char *p = mig_tmp_path("migsocket");

    return g_strdup_printf("unix:%s", p);
}

static void test_baddest(void)
{
    MigrateCommon args = {
        .start = { .hide_stderr = true },
        .listen_uri = "tcp:127.0.0.1:0",
        /* port 0 cannot be connected to */
        .connect_uri = "tcp:127.0.0.1:0",
        .result = MIG_TEST_FAIL,
    };

    test_precopy_common(&args);
}

/* ---- validate-uuid ---- */

static void do_test_validate_uuid(MigrateStart *start, bool should_fail)
{
    g_autofree char *uri = unix_uri();
    QTestState *from, *to;

    if (migrate_start(&from, &to, uri, start)) {
        return;
    }
    /* Only the source needs the capability: it decides what is sent. */
    migrate_set_capability(from, "validate-uuid", true);
    migrate_set_parameter_int(from, "downtime-limit", 1000000);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");

    if (should_fail) {
        qtest_set_expected_status(to, 1);
        wait_for_migration_fail(from, true);
    } else {
        wait_for_migration_complete(from);
        wait_for_migration_complete(to);
    }
    migrate_end(from, to, false);
}

static void test_validate_uuid(void)
{
    MigrateStart start = {
        .opts_source = "-uuid " UUID_1, .opts_target = "-uuid " UUID_1,
    };

    do_test_validate_uuid(&start, false);
}

static void test_validate_uuid_error(void)
{
    MigrateStart start = {
        .opts_source = "-uuid " UUID_1, .opts_target = "-uuid " UUID_2,
        .hide_stderr = true,
    };

    do_test_validate_uuid(&start, true);
}

/* A destination without a UUID accepts any. */
static void test_validate_uuid_dst_not_set(void)
{
    MigrateStart start = {
        .opts_source = "-uuid " UUID_1, .hide_stderr = true,
    };

    do_test_validate_uuid(&start, false);
}

/* A source without a UUID sends none, so there is nothing to check. */
static void test_validate_uuid_src_not_set(void)
{
    MigrateStart start = {
        .opts_target = "-uuid " UUID_1, .hide_stderr = true,
    };

    do_test_validate_uuid(&start, false);
}

/* ---- migrate's uri/channels argument rule ---- */

static void do_test_validate_uri_channels(const char *uri,
                                          const char *channels)
{
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;
    g_autofree char *desc = NULL;
    g_autofree char *st = NULL;
    g_autoptr(JsonObject) info = NULL;

    if (migrate_start(&from, &to, "defer", &start)) {
        return;
    }
    desc = migrate_qmp_fail(from, uri, channels, "");
    g_assert_cmpstr(desc, ==, "need either 'uri' or 'channels' argument");
    /* Refused before anything started. */
    info = migrate_query(from);
    g_assert_false(json_object_has_member(info, "status"));
    st = query_run_state(from);
    g_assert_cmpstr(st, ==, "running");
    migrate_end(from, to, false);
}

static void test_validate_uri_channels_both_set(void)
{
    do_test_validate_uri_channels("tcp:127.0.0.1:0",
        "[{'channel-type': 'main', 'addr': {'transport': 'socket', "
        "'type': 'inet', 'host': '127.0.0.1', 'port': '0'}}]");
}

static void test_validate_uri_channels_none_set(void)
{
    do_test_validate_uri_channels(NULL, NULL);
}

/* ---- the stream format, checked by the analyser ---- */

static void test_analyze_script(void)
{
    const char *python = g_getenv("PYTHON");
    const char *script = g_getenv("MIGRATION_ANALYZE_SCRIPT");
    MigrateStart start = { .opts_source = "-uuid " UUID_1 };
    g_autofree char *file = mig_tmp_path("migfile");
    g_autofree char *uri = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL, *err_text = NULL;
    QTestState *from, *to;
    GError *err = NULL;
    int status;

    if (!python || !script || !g_file_test(script, G_FILE_TEST_EXISTS)) {
        g_test_skip("PYTHON or MIGRATION_ANALYZE_SCRIPT not set");
        return;
    }
    /* The destination is started (the framework wants one) but unused. */
    if (migrate_start(&from, &to, "tcp:127.0.0.1:0", &start)) {
        return;
    }
    migrate_set_capability(from, "validate-uuid", true);
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_complete(from);

    cmd = g_strdup_printf("%s %s -f %s", python, script, file);
    g_spawn_command_line_sync(cmd, &out, &err_text, &status, &err);
    g_assert_no_error(err);
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_test_message("analyze-migration.py failed: %s", err_text);
    }
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    /* It found the devices of the stream. */
    g_assert_nonnull(strstr(out, "ram"));
    migrate_end(from, to, false);
}

/* ---- destinations that cannot take this stream ---- */

static void do_test_mismatch(const char *machine_target)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = {
        .hide_stderr = true, .machine_target = machine_target,
    };
    QTestState *from, *to;
    g_autofree char *rs = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, uri, NULL, "");
    /* The destination refuses the stream and exits; the source learns
     * it from the broken connection and keeps its guest running. */
    qtest_set_expected_status(to, 1);
    wait_for_migration_fail(from, true);
    qtest_wait_qemu(to);
    wait_for_guest_progress(from);
    rs = query_run_state(from);
    g_assert_cmpstr(rs, ==, "running");
    migrate_end(from, to, false);
}

static void test_machine_mismatch(void)
{
    do_test_mismatch("-accel tcg -machine none");
}

static void test_ram_size_mismatch(void)
{
    do_test_mismatch("-accel tcg -machine virt -m 256M");
}

/* ---- query-migrationthreads ---- */

/* The threads a process reports: name -> tid, each a real task of it. */
static GHashTable *query_threads(QTestState *who)
{
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(who,
        "{'execute': 'query-migrationthreads'}");
    JsonArray *a = json_node_get_array(ret);
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *t = json_array_get_object_element(a, i);
        const char *name = json_object_get_string_member(t, "name");
        int64_t tid = json_object_get_int_member(t, "thread-id");
        g_autofree char *task = g_strdup_printf("/proc/%d/task/%" PRId64,
                                                (int)qtest_pid(who), tid);

        g_assert_true(g_file_test(task, G_FILE_TEST_IS_DIR));
        /* A thread other than the process's main thread. */
        g_assert_cmpint(tid, !=, qtest_pid(who));
        g_hash_table_insert(h, g_strdup(name), GINT_TO_POINTER(1));
    }
    return h;
}

static void wait_threads_gone(QTestState *who)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    for (;;) {
        g_autoptr(GHashTable) h = query_threads(who);

        if (!g_hash_table_size(h)) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

static void test_query_migrationthreads(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = { .caps = { "return-path" } };
    QTestState *from, *to;
    g_autoptr(GHashTable) src = NULL;
    g_autoptr(GHashTable) dst = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    /* Nothing runs before a migration. */
    src = query_threads(from);
    g_assert_cmpuint(g_hash_table_size(src), ==, 0);
    g_clear_pointer(&src, g_hash_table_unref);

    migrate_ensure_non_converge(from);
    migrate_prepare_for_dirty_mem(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");
    migrate_wait_for_dirty_mem(from, to);

    /* Mid-stream: the migration thread and the return-path reader on the
     * source, the incoming thread on the destination. */
    src = query_threads(from);
    g_assert_true(g_hash_table_contains(src, "mig/src/main"));
    g_assert_true(g_hash_table_contains(src, "mig/src/return"));
    g_assert_cmpuint(g_hash_table_size(src), ==, 2);
    dst = query_threads(to);
    g_assert_true(g_hash_table_contains(dst, "mig/dst/main"));
    g_assert_false(g_hash_table_contains(dst, "mig/src/main"));

    migrate_ensure_converge(from);
    wait_for_migration_complete(from);
    wait_for_migration_complete(to);
    /* Each thread leaves the list when it ends. */
    wait_threads_gone(from);
    wait_threads_gone(to);
    migrate_end(from, to, true);
}

/* ---- the vCPU dirty limit ---- */

static JsonArray *query_limits(QTestState *who, JsonNode **keep)
{
    *keep = qtest_qmp_assert_success_ref(who,
        "{'execute': 'query-vcpu-dirty-limit'}");
    return json_node_get_array(*keep);
}

static void expect_qmp_error(QTestState *who, const char *cmd,
                             const char *desc)
{
    JsonObject *err = qtest_qmp_assert_failure_ref(who, "%s", cmd);

    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==, desc);
    json_object_unref(err);
}

/* vCPU 0's current rate in query-vcpu-dirty-limit, checking it is the
 * only entry and carries the limit set. */
static int64_t current_rate(QTestState *who, int64_t limit)
{
    g_autoptr(JsonNode) keep = NULL;
    JsonArray *a = query_limits(who, &keep);
    JsonObject *v;

    g_assert_cmpuint(json_array_get_length(a), ==, 1);
    v = json_array_get_object_element(a, 0);
    g_assert_cmpint(json_object_get_int_member(v, "cpu-index"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(v, "limit-rate"), ==, limit);
    return json_object_get_int_member(v, "current-rate");
}

/* Poll until vCPU 0's current rate is at most bound (above: more than
 * bound); returns it. */
static int64_t wait_current_rate(QTestState *who, int64_t limit,
                                 bool above, int64_t bound)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    for (;;) {
        int64_t cur = current_rate(who, limit);

        if (above ? cur > bound : cur <= bound) {
            return cur;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

/* calc-dirty-rate in dirty-bitmap mode over ms; returns MiB/s. */
static int64_t measure_dirty_rate(QTestState *who, int64_t ms)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    qtest_qmp_assert_success(who, "{'execute': 'calc-dirty-rate', "
                             "'arguments': {'calc-time': %" PRId64 ", "
                             "'calc-time-unit': 'millisecond', "
                             "'mode': 'dirty-bitmap'}}", ms);
    for (;;) {
        g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(who,
            "{'execute': 'query-dirty-rate'}");
        JsonObject *o = json_node_get_object(ret);

        if (g_str_equal(json_object_get_string_member(o, "status"),
                        "measured")) {
            return json_object_get_int_member(o, "dirty-rate");
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
}

/*
 * One VM: set-vcpu-dirty-limit brings the guest's dirty rate, as the
 * limit itself and calc-dirty-rate see it, down to the limit; cancel
 * gives the guest its speed back. HMP shows the same.
 */
static void test_vcpu_dirty_limit(void)
{
    MigrateStart start = { .only_source = true };
    QTestState *vm;
    g_autoptr(JsonNode) keep = NULL;
    g_autofree char *out = NULL;
    int64_t free_rate, limited_rate, limit;

    if (migrate_start(&vm, NULL, "defer", &start)) {
        return;
    }
    wait_for_serial("src_serial");
    g_assert_cmpuint(json_array_get_length(query_limits(vm, &keep)), ==, 0);
    g_clear_pointer(&keep, json_node_unref);
    out = qtest_hmp(vm, "info vcpu_dirty_limit");
    g_assert_cmpstr(out, ==, "Dirty page limit not enabled!\r\n");
    g_clear_pointer(&out, g_free);

    expect_qmp_error(vm, "{'execute': 'set-vcpu-dirty-limit', 'arguments': "
                     "{'cpu-index': 1, 'dirty-rate': 10}}",
                     "incorrect cpu index specified");
    expect_qmp_error(vm, "{'execute': 'cancel-vcpu-dirty-limit', "
                     "'arguments': {'cpu-index': -1}}",
                     "incorrect cpu index specified");

    /* The guest sweeps its 99 MiB set many times a second. */
    free_rate = measure_dirty_rate(vm, 1000);
    g_test_message("unlimited: %" PRId64 " MiB/s", free_rate);
    g_assert_cmpint(free_rate, >=, 16);
    limit = free_rate / 8;

    /*
     * A first period of a second shows the unthrottled guest (the reading
     * stays for a second, so polling cannot miss it); then the limit
     * takes hold over periods of 250 ms.
     */
    migrate_set_parameter_int(vm, "x-vcpu-dirty-limit-period", 1000);
    qtest_qmp_assert_success(vm, "{'execute': 'set-vcpu-dirty-limit', "
                             "'arguments': {'dirty-rate': %" PRId64 "}}",
                             limit);
    wait_current_rate(vm, limit, true, limit * 2);
    migrate_set_parameter_int(vm, "x-vcpu-dirty-limit-period", 250);
    limited_rate = wait_current_rate(vm, limit, false, limit);
    g_test_message("limit %" PRId64 ": current %" PRId64 " MiB/s", limit,
                   limited_rate);
    /* An independent measurement agrees (a period may overshoot a bit
     * while the controller follows the guest). */
    limited_rate = measure_dirty_rate(vm, 1000);
    g_test_message("limited, calc-dirty-rate: %" PRId64 " MiB/s",
                   limited_rate);
    g_assert_cmpint(limited_rate, <=, limit + limit / 2 + 1);
    /* Slowed, not stopped. */
    wait_for_guest_progress(vm);
    out = qtest_hmp(vm, "info vcpu_dirty_limit");
    g_assert_true(g_str_has_prefix(out, "vcpu[0], limit rate "));
    g_clear_pointer(&out, g_free);

    /* dirty-rate 0 is a cancel; HMP sets and cancels too. */
    qtest_qmp_assert_success(vm, "{'execute': 'set-vcpu-dirty-limit', "
                             "'arguments': {'dirty-rate': 0, "
                             "'cpu-index': 0}}");
    g_assert_cmpuint(json_array_get_length(query_limits(vm, &keep)), ==, 0);
    g_clear_pointer(&keep, json_node_unref);
    out = qtest_hmp(vm, "set_vcpu_dirty_limit %" PRId64 " 0", limit);
    g_assert_cmpstr(out, ==, "");
    g_clear_pointer(&out, g_free);
    g_assert_cmpuint(json_array_get_length(query_limits(vm, &keep)), ==, 1);
    g_clear_pointer(&keep, json_node_unref);
    out = qtest_hmp(vm, "cancel_vcpu_dirty_limit");
    g_assert_cmpstr(out, ==, "");
    g_clear_pointer(&out, g_free);
    g_assert_cmpuint(json_array_get_length(query_limits(vm, &keep)), ==, 0);
    g_clear_pointer(&keep, json_node_unref);

    /* Back to full speed. */
    free_rate = measure_dirty_rate(vm, 1000);
    g_test_message("after cancel: %" PRId64 " MiB/s", free_rate);
    g_assert_cmpint(free_rate, >, limit * 2);
    qtest_quit(vm);
    migrate_end_cleanup();
}

static bool has_dirty_limit_info(QTestState *who)
{
    g_autoptr(JsonObject) info = migrate_query(who);

    g_assert_cmpint(json_object_has_member(info,
                        "dirty-limit-throttle-time-per-round"), ==,
                    json_object_has_member(info,
                        "dirty-limit-ring-full-time"));
    return json_object_has_member(info,
                                  "dirty-limit-throttle-time-per-round");
}

/* The throttle is in service and the vCPU sleeps in each round. */
static void wait_dirty_limit_throttling(QTestState *who)
{
    gint64 deadline = g_get_monotonic_time() + MIG_TIMEOUT_US;

    while (!has_dirty_limit_info(who) ||
           !read_migrate_property_int(who,
                                      "dirty-limit-throttle-time-per-round")) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
}

/*
 * The dirty-limit capability (QEMU's /dirty_limit, over our own dirty
 * log instead of KVM's ring). The guest dirties its 99 MiB set far faster
 * than the link carries it, so without a throttle no pass ever fits the
 * downtime budget. First run: the limit comes into service by itself,
 * the operator cannot change it meanwhile, and cancelling the migration
 * removes it. Second run, same settings but a budget a throttled guest
 * can meet: the migration converges and the destination's memory is
 * right.
 */
static void test_dirty_limit(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = {
        .hide_stderr = true, .caps = { "dirty-limit" },
    };
    MigrateStart again = { .only_target = true };
    QTestState *from, *to, *to2;
    g_autoptr(JsonNode) keep = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    /* auto-converge cannot be on at the same time. */
    expect_qmp_error(from, "{'execute': 'migrate-set-capabilities', "
                     "'arguments': {'capabilities': [{'capability': "
                     "'auto-converge', 'state': true}]}}",
                     "dirty-limit conflicts with auto-converge either of "
                     "then available currently");
    migrate_set_parameter_int(from, "x-vcpu-dirty-limit-period", 250);
    migrate_set_parameter_int(from, "vcpu-dirty-limit", 1);
    migrate_ensure_non_converge(from);
    /* Passes of ~2 s: enough for the throttle to be decided soon. */
    migrate_set_parameter_int(from, "max-bandwidth", 50 * 1000 * 1000);
    migrate_prepare_for_dirty_mem(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");

    wait_dirty_limit_throttling(from);
    g_assert_false(src_state.stop_seen);
    /* The limit is the migration's: 1 MiB/s on vCPU 0, reached (the
     * throttle slept in a period, so the reading is of a throttled one). */
    wait_current_rate(from, 1, false, 2);
    expect_qmp_error(from, "{'execute': 'set-vcpu-dirty-limit', "
                     "'arguments': {'dirty-rate': 100}}",
                     "can't set dirty page rate limit while migration is "
                     "running");
    expect_qmp_error(from, "{'execute': 'cancel-vcpu-dirty-limit'}",
                     "can't cancel dirty page rate limit while migration "
                     "is running");

    /* Cancel: the limit goes with the migration, the guest runs free. */
    migrate_cancel(from);
    qtest_set_expected_status(to, 1);
    qtest_wait_qemu(to);
    wait_for_migration_status(from, "cancelled", NULL);
    qtest_quit(to);
    g_assert_cmpuint(json_array_get_length(query_limits(from, &keep)), ==, 0);
    g_clear_pointer(&keep, json_node_unref);
    g_assert_false(has_dirty_limit_info(from));
    wait_for_guest_progress(from);

    /* Again, to a new destination, with 300 ms of downtime allowed:
     * 15 MB at 50 MB/s, still far below one unthrottled pass. */
    unlink(uri + strlen("unix:"));
    migrate_start(&from, &to2, uri, &again);
    migrate_set_capability(from, "pause-before-switchover", true);
    migrate_set_parameter_int(from, "downtime-limit", 300);
    migrate_qmp(from, to2, uri, NULL, "");
    /* Only the throttle lets a pass fit: it must be on at switchover. */
    migration_event_wait(from, "pre-switchover");
    g_assert_true(has_dirty_limit_info(from));
    g_assert_cmpint(get_migration_pass(from), >=, 2);
    migrate_continue(from, "pre-switchover");
    wait_for_resume(to2, &dst_state);
    wait_for_serial("dest_serial");
    wait_for_migration_complete(from);
    /* The limit ends with the migration. */
    g_assert_cmpuint(json_array_get_length(query_limits(from, &keep)), ==, 0);
    g_clear_pointer(&keep, json_node_unref);
    migrate_end(from, to2, true);
}

/* ---- bandwidth parameters changed during the migration ---- */

/* Bytes/s put on the wire over about ms milliseconds. */
static double transfer_rate(QTestState *who, int64_t ms)
{
    int64_t b0 = read_ram_property_int(who, "transferred");
    gint64 t0 = g_get_monotonic_time();
    int64_t b1;
    gint64 t1;

    g_usleep(ms * 1000);
    b1 = read_ram_property_int(who, "transferred");
    t1 = g_get_monotonic_time();
    return (double)(b1 - b0) * G_USEC_PER_SEC / (t1 - t0);
}

/*
 * Bytes/s over the time the next `bytes` take to go out (polled, bounded
 * by a 30 s deadline). Unlike a fixed window this stays meaningful on a
 * loaded machine: a lifted limit shows as a short time however slow the
 * CPU share, a limit still in force as bytes / limit.
 */
static double rate_over_bytes(QTestState *who, int64_t bytes)
{
    int64_t b0 = read_ram_property_int(who, "transferred");
    gint64 t0 = g_get_monotonic_time();
    gint64 deadline = t0 + 30 * G_USEC_PER_SEC;
    int64_t b;

    do {
        g_usleep(10 * 1000);
        b = read_ram_property_int(who, "transferred");
    } while (b - b0 < bytes && g_get_monotonic_time() < deadline);
    return (double)(b - b0) * G_USEC_PER_SEC /
           (g_get_monotonic_time() - t0);
}

/*
 * max-bandwidth set while precopy runs applies to that migration at
 * once: the transfer rate follows it down, up and down again.
 */
static void test_max_bandwidth_live(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = { 0 };
    QTestState *from, *to;
    double slow, fast, again;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    migrate_ensure_non_converge(from);
    migrate_set_parameter_int(from, "max-bandwidth", 1000 * 1000);
    migrate_prepare_for_dirty_mem(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");
    wait_for_migration_status(from, "active", NULL);

    /* One 100 ms slice may carry a little more than its share. */
    slow = transfer_rate(from, 1000);
    migrate_set_parameter_int(from, "max-bandwidth", 100 * 1000 * 1000);
    /* 10 MB: 10 s at the old limit, well under a second without it. */
    fast = rate_over_bytes(from, 10 * 1000 * 1000);
    migrate_set_parameter_int(from, "max-bandwidth", 1000 * 1000);
    g_usleep(300 * 1000);
    again = transfer_rate(from, 1000);
    g_test_message("1 MB/s: %.0f, 100 MB/s: %.0f, 1 MB/s: %.0f", slow, fast,
                   again);
    /* Limited, not stopped; overshoot of one window is paid back in the
     * next (RAM sends up to 256 KiB between budget checks). */
    g_assert_cmpfloat(slow, >=, 0.3e6);
    g_assert_cmpfloat(slow, <=, 1.5e6);
    g_assert_cmpfloat(fast, >=, 3e6);
    g_assert_cmpfloat(again, <=, 1.5e6);

    migrate_ensure_converge(from);
    wait_for_migration_complete(from);
    migrate_end(from, to, true);
}

/*
 * avail-switchover-bandwidth set while precopy runs: with 20 MB/s and
 * 300 ms no pass of the guest's 99 MiB set ever fits; telling the
 * migration the link really carries 1 GB/s makes the next decision
 * switch over.
 */
static void test_avail_switchover_bandwidth_live(void)
{
    g_autofree char *uri = unix_uri();
    MigrateStart start = { 0 };
    QTestState *from, *to;
    g_autofree char *st = NULL;

    if (migrate_start(&from, &to, uri, &start)) {
        return;
    }
    migrate_set_parameter_int(from, "max-bandwidth", 20 * 1000 * 1000);
    migrate_set_parameter_int(from, "downtime-limit", 300);
    migrate_prepare_for_dirty_mem(from);
    wait_for_serial("src_serial");
    migrate_qmp(from, to, uri, NULL, "");
    /* Two full passes without converging. */
    migrate_wait_for_dirty_mem(from, to);
    while (get_migration_pass(from) < 3) {
        g_usleep(20 * 1000);
        g_assert_false(src_state.stop_seen);
    }
    st = migrate_query_status(from);
    g_assert_cmpstr(st, ==, "active");

    migrate_set_parameter_int(from, "avail-switchover-bandwidth",
                              1000 * 1000 * 1000);
    wait_for_stop(from, &src_state);
    wait_for_resume(to, &dst_state);
    wait_for_migration_complete(from);
    migrate_end(from, to, true);
}

void migration_test_add_misc(MigrationTestEnv *env)
{
    migration_test_add("/migration/bad_dest", test_baddest);
    migration_test_add("/migration/validate_uuid", test_validate_uuid);
    migration_test_add("/migration/validate_uuid_error",
                       test_validate_uuid_error);
    migration_test_add("/migration/validate_uuid_src_not_set",
                       test_validate_uuid_src_not_set);
    migration_test_add("/migration/validate_uuid_dst_not_set",
                       test_validate_uuid_dst_not_set);
    migration_test_add("/migration/validate_uri/channels/both_set",
                       test_validate_uri_channels_both_set);
    migration_test_add("/migration/validate_uri/channels/none_set",
                       test_validate_uri_channels_none_set);
    migration_test_add("/migration/analyze-script", test_analyze_script);
    migration_test_add("/migration/machine-mismatch", test_machine_mismatch);
    migration_test_add("/migration/ram-size-mismatch",
                       test_ram_size_mismatch);
    migration_test_add("/migration/query-migrationthreads",
                       test_query_migrationthreads);
    migration_test_add("/migration/vcpu_dirty_limit", test_vcpu_dirty_limit);
    migration_test_add("/dirty_limit", test_dirty_limit);
    migration_test_add("/migration/precopy/unix/max-bandwidth/live",
                       test_max_bandwidth_live);
    migration_test_add("/migration/precopy/unix/avail-switchover-bandwidth/"
                       "live", test_avail_switchover_bandwidth_live);
}

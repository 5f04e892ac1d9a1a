/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-ram-digest (docs/interop/ram-digest.rst): a live precopy of a
 * dirtying guest passes the destination's check; a page changed on the
 * destination between load and run fails the migration there with the
 * block and page named, and the source resumes; one side without the
 * capability is refused.
 */
#include "qemu/osdep.h"
#include "framework.h"

/* The destination's test-only knobs (honoured under qtest only). */
#define CORRUPT_ENV "QEMU_TEST_RAM_DIGEST_CORRUPT"
#define CORRUPT_DEVICE_ENV "QEMU_TEST_DEVICE_DIGEST_CORRUPT"

static char *error_desc(QTestState *who)
{
    JsonObject *rsp = migrate_query(who);
    char *desc = g_strdup(json_object_has_member(rsp, "error-desc") ?
                          json_object_get_string_member(rsp, "error-desc") :
                          "");

    json_object_unref(rsp);
    return desc;
}

/* Poll query-status until `want` (deadline: the suite's 120 s). */
static void wait_run_state(QTestState *who, const char *want)
{
    gint64 deadline = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

    for (;;) {
        g_autofree char *rs = query_run_state(who);

        if (!strcmp(rs, want)) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(2000);
    }
}

static void test_digest_live(void)
{
    MigrateCommon args = {
        .start.caps = { "x-ram-digest", "return-path" },
        .listen_uri = "tcp:127.0.0.1:0",
        .live = true, .iterations = 2,
    };

    test_precopy_common(&args);
}

/*
 * Start both sides with the destination deferred (exit-on-error off, so
 * that its error can be read), migrate, and wait for the source to fail.
 */
static void run_failing_env(bool dst_cap, const char *env,
                            const char *corrupt, const char *want_in_error)
{
    MigrateStart start = { .hide_stderr = true };
    QTestState *from, *to;
    g_autofree char *desc = NULL;
    g_autofree char *dst_rs = NULL;
    const char *fail_only[] = { "completed", NULL };

    const char *corrupt_addr = env && !strcmp(env, CORRUPT_ENV) ? corrupt
                                                                : NULL;

    if (corrupt) {
        g_setenv(env, corrupt, true);
    }
    if (migrate_start(&from, &to, "defer", &start)) {
        if (env) {
            g_unsetenv(env);
        }
        return;
    }
    if (env) {
        g_unsetenv(env);
    }
    migrate_set_capability(from, "x-ram-digest", true);
    migrate_set_capability(from, "return-path", true);
    if (dst_cap) {
        migrate_set_capability(to, "x-ram-digest", true);
    }
    migrate_set_capability(to, "return-path", true);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL,
                         "'exit-on-error': false");
    wait_for_serial("src_serial");
    migrate_ensure_converge(from);
    migrate_qmp(from, to, NULL, NULL, "");

    wait_for_migration_status(to, "failed", fail_only);
    wait_for_migration_status(from, "failed", fail_only);
    /* The destination never ran the guest; the source runs it again. */
    dst_rs = query_run_state(to);
    g_assert_cmpstr(dst_rs, ==, "inmigrate");
    wait_run_state(from, "running");
    wait_for_guest_progress(from);

    desc = error_desc(to);
    if (!strstr(desc, want_in_error)) {
        g_error("destination error '%s' does not say '%s'", desc,
                want_in_error);
    }
    if (corrupt_addr) {
        /* The precopy check reports like the postcopy one. */
        uint64_t page = g_ascii_strtoull(corrupt_addr, NULL, 0) / 4096;
        JsonObject *ev = qtest_qmp_eventwait_ref(to, "X_RAM_DIGEST");
        JsonObject *info = migrate_query(to);
        JsonObject *c = json_object_get_object_member(info, "x-ram-digest");
        JsonObject *d = json_object_get_object_member(ev, "data");

        g_assert_false(json_object_get_boolean_member(c, "postcopy"));
        g_assert_cmpstr(json_object_get_string_member(c, "status"), ==,
                        "mismatch");
        g_assert_cmpint(json_object_get_int_member(c, "page"), ==, page);
        g_assert_cmpstr(json_object_get_string_member(d, "status"), ==,
                        "mismatch");
        g_assert_cmpint(json_object_get_int_member(d, "page"), ==, page);
        json_object_unref(info);
        json_object_unref(ev);
    } else if (corrupt) {
        /* Device state: reported without a block or page. */
        JsonObject *ev = qtest_qmp_eventwait_ref(to, "X_RAM_DIGEST");
        JsonObject *info = migrate_query(to);
        JsonObject *c = json_object_get_object_member(info, "x-ram-digest");
        JsonObject *d = json_object_get_object_member(ev, "data");

        g_assert_cmpstr(json_object_get_string_member(c, "status"), ==,
                        "mismatch");
        g_assert_false(json_object_has_member(c, "page"));
        g_assert_nonnull(strstr(json_object_get_string_member(c, "desc"),
                                want_in_error));
        g_assert_cmpstr(json_object_get_string_member(d, "status"), ==,
                        "mismatch");
        json_object_unref(info);
        json_object_unref(ev);
    }
    g_test_message("destination: %s", desc);
    migrate_end(from, to, false);
}

static void run_failing(bool dst_cap, const char *corrupt_addr,
                        const char *want_in_error)
{
    run_failing_env(dst_cap, corrupt_addr ? CORRUPT_ENV : NULL,
                    corrupt_addr, want_in_error);
}

/*
 * A bit of the CPU's state (r0's low byte: r0 is a be32 field holding a
 * 16-bit value) flipped as the destination receives it: the section
 * still parses and post_load accepts it, only the digest can tell.
 */
static void test_digest_corrupt_device(void)
{
    run_failing_env(true, CORRUPT_DEVICE_ENV, "cpu:3",
                    "device state mismatch in section 'cpu' instance 0");
}

static void test_digest_corrupt(void)
{
    g_autofree char *addr = g_strdup_printf(
        "0x%" PRIx64, migration_get_env()->start_address + 5 * 4096 + 17);

    run_failing(true, addr, "RAM digest mismatch in block");
}

static void test_digest_one_side(void)
{
    run_failing(false, NULL, "x-ram-digest");
}

/* mapped-ram has no place for the check (ram-digest.rst, "Enabling"). */
static void test_digest_refused_with_mapped_ram(void)
{
    QTestState *qs = qtest_init("-M virt -S");
    JsonObject *rsp = qtest_qmp(qs,
        "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'mapped-ram', 'state': true},"
        " {'capability': 'x-ram-digest', 'state': true}]}}");

    g_assert_true(json_object_has_member(rsp, "error"));
    g_assert_nonnull(strstr(json_object_get_string_member(
        json_object_get_object_member(rsp, "error"), "desc"),
        "x-ram-digest"));
    json_object_unref(rsp);
    qtest_quit(qs);
}

/* ---- postcopy: checked at completion, reported, the guest runs on ---- */

typedef struct DigestPostcopy {
    bool preempt;
    /*
     * Corrupt this byte of guest RAM (offset from the start of RAM, which
     * is cr16.ram at physical 0); 0: none.  held: the page is received in
     * precopy (one full pass first, the page outside the guest's range)
     * and corrupted before LISTEN; otherwise precopy is throttled so
     * that the page is only ever sent in postcopy and arrives corrupted.
     */
    uint64_t corrupt;
    bool held;
} DigestPostcopy;

/* A page far beyond what the throttled precopy phase can reach. */
#define PLACED_OFFSET   (50u << 20)
/* A page below the guest's range: sent in the first pass, never dirty. */
#define HELD_OFFSET     0x80000u

/* The check's report, the same in the event and in query-migrate. */
static void assert_check(JsonObject *c, const DigestPostcopy *dp)
{
    g_assert_true(json_object_get_boolean_member(c, "postcopy"));
    if (!dp->corrupt) {
        g_assert_cmpstr(json_object_get_string_member(c, "status"), ==,
                        "match");
        g_assert_false(json_object_has_member(c, "block"));
        return;
    }
    g_assert_cmpstr(json_object_get_string_member(c, "status"), ==,
                    "mismatch");
    g_assert_cmpstr(json_object_get_string_member(c, "block"), ==,
                    "cr16.ram");
    g_assert_cmpint(json_object_get_int_member(c, "page"), ==,
                    dp->corrupt / 4096);
    g_assert_cmpint(json_object_get_int_member(c, "offset"), ==,
                    dp->corrupt & ~(uint64_t)4095);
    g_assert_nonnull(strstr(json_object_get_string_member(c, "desc"),
                            "RAM digest mismatch in block 'cr16.ram'"));
}

/* The destination completed, and reported the check both ways. */
static void assert_reported(QTestState *to, const DigestPostcopy *dp)
{
    JsonObject *ev, *info;

    /* Postcopy completes either way; the check only reports. */
    wait_for_migration_complete(to);
    ev = qtest_qmp_eventwait_ref(to, "X_RAM_DIGEST");
    assert_check(json_object_get_object_member(ev, "data"), dp);
    json_object_unref(ev);
    info = migrate_query(to);
    g_assert_cmpstr(json_object_get_string_member(info, "status"), ==,
                    "completed");
    assert_check(json_object_get_object_member(info, "x-ram-digest"), dp);
    json_object_unref(info);
}

static void run_digest_postcopy(const DigestPostcopy *dp)
{
    MigrateStart start = {
        .caps = { "postcopy-ram", "x-ram-digest",
                  dp->preempt ? "postcopy-preempt" : NULL },
        .hide_stderr = dp->corrupt != 0,
    };
    QTestState *from, *to;
    g_autofree char *addr = g_strdup_printf("0x%" PRIx64, dp->corrupt);

    if (dp->corrupt) {
        g_setenv(CORRUPT_ENV, addr, true);
    }
    if (migrate_start(&from, &to, "defer", &start)) {
        g_unsetenv(CORRUPT_ENV);
        return;
    }
    g_unsetenv(CORRUPT_ENV);
    migrate_ensure_non_converge(from);
    if (dp->corrupt && !dp->held) {
        /* Seconds per MiB: the precopy phase ends long before 50 MiB. */
        migrate_set_parameter_int(from, "max-bandwidth", 1000 * 1000);
    } else {
        migrate_set_parameter_int(from, "max-bandwidth",
                                  100 * 1000 * 1000);
    }
    migrate_prepare_for_dirty_mem(from);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL, "");
    wait_for_serial("src_serial");
    migrate_qmp(from, to, NULL, NULL, "");
    if (dp->corrupt && !dp->held) {
        wait_for_migration_status(from, "active", NULL);
    } else {
        migrate_wait_for_dirty_mem(from, to);
        /* One whole pass: every page below the guest's range is in. */
        wait_for_migration_pass(from, &src_state);
    }
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");
    wait_for_stop(from, &src_state);
    wait_for_resume(to, &dst_state);

    assert_reported(to, dp);
    wait_for_migration_complete(from);

    /* The guest runs on the destination, its invariant intact. */
    wait_for_serial("dest_serial");
    migrate_end(from, to, true);
}

/*
 * Device state flipped in the postcopy package: the ram-digest section
 * is the package's last section, before PING(0x42) and POSTCOPY_RUN, so
 * the destination fails in postcopy-device without running the guest
 * and (x-postcopy-safe-start) the source runs it again.
 */
static void test_digest_postcopy_corrupt_device(void)
{
    MigrateStart start = {
        .caps = { "postcopy-ram", "x-ram-digest", "x-postcopy-safe-start",
                  "return-path" },
        .hide_stderr = true,
    };
    const char *fail_only[] = { "completed", NULL };
    QTestState *from, *to;
    g_autofree char *desc = NULL;
    g_autofree char *dst_rs = NULL;
    JsonObject *info, *c;

    g_setenv(CORRUPT_DEVICE_ENV, "cpu:3", true);
    if (migrate_start(&from, &to, "defer", &start)) {
        g_unsetenv(CORRUPT_DEVICE_ENV);
        return;
    }
    g_unsetenv(CORRUPT_DEVICE_ENV);
    migrate_ensure_non_converge(from);
    migrate_incoming_qmp(to, "tcp:127.0.0.1:0", NULL,
                         "'exit-on-error': false");
    wait_for_serial("src_serial");
    migrate_qmp(from, to, NULL, NULL, "");
    wait_for_migration_status(from, "active", NULL);
    qtest_qmp_assert_success(from, "{'execute': 'migrate-start-postcopy'}");

    wait_for_migration_status(to, "failed", fail_only);
    wait_for_migration_status(from, "failed", fail_only);
    dst_rs = query_run_state(to);
    g_assert_cmpstr(dst_rs, ==, "inmigrate");
    wait_run_state(from, "running");
    wait_for_guest_progress(from);

    desc = error_desc(to);
    if (!strstr(desc, "device state mismatch in section 'cpu' instance 0")) {
        g_error("destination error '%s' does not name the device state",
                desc);
    }
    info = migrate_query(to);
    c = json_object_get_object_member(info, "x-ram-digest");
    g_assert_true(json_object_get_boolean_member(c, "postcopy"));
    g_assert_cmpstr(json_object_get_string_member(c, "status"), ==,
                    "mismatch");
    json_object_unref(info);
    g_test_message("destination: %s", desc);
    migrate_end(from, to, false);
}

static void test_digest_postcopy_plain(void)
{
    DigestPostcopy dp = { 0 };

    run_digest_postcopy(&dp);
}

static void test_digest_postcopy_preempt(void)
{
    DigestPostcopy dp = { .preempt = true };

    run_digest_postcopy(&dp);
}

static void test_digest_postcopy_corrupt_placed(void)
{
    DigestPostcopy dp = { .corrupt = PLACED_OFFSET + 17 };

    run_digest_postcopy(&dp);
}

static void test_digest_postcopy_preempt_corrupt_placed(void)
{
    DigestPostcopy dp = { .preempt = true, .corrupt = PLACED_OFFSET + 17 };

    run_digest_postcopy(&dp);
}

static void test_digest_postcopy_corrupt_held(void)
{
    DigestPostcopy dp = { .corrupt = HELD_OFFSET + 17, .held = true };

    run_digest_postcopy(&dp);
}

static void match_end_hook(QTestState *from, QTestState *to, void *opaque)
{
    DigestPostcopy dp = { 0 };

    assert_reported(to, &dp);
}

/* Paused and recovered: placements on either side of the pause count. */
static void test_digest_postcopy_recovery(void)
{
    test_postcopy_hooked(NULL, match_end_hook, "x-ram-digest", false, true);
}

void migration_test_add_digest(MigrationTestEnv *env)
{
    migration_test_add("/migration/digest/precopy/live", test_digest_live);
    migration_test_add("/migration/digest/precopy/corrupt-page",
                       test_digest_corrupt);
    migration_test_add("/migration/digest/precopy/corrupt-device",
                       test_digest_corrupt_device);
    migration_test_add("/migration/digest/precopy/one-side",
                       test_digest_one_side);
    migration_test_add("/migration/digest/refused-with-mapped-ram",
                       test_digest_refused_with_mapped_ram);
    if (!migration_host_has_uffd()) {
        g_test_message("digest postcopy tests skipped: no userfaultfd");
        return;
    }
    migration_test_add("/migration/digest/postcopy/plain",
                       test_digest_postcopy_plain);
    migration_test_add("/migration/digest/postcopy/preempt",
                       test_digest_postcopy_preempt);
    migration_test_add("/migration/digest/postcopy/corrupt-device",
                       test_digest_postcopy_corrupt_device);
    migration_test_add("/migration/digest/postcopy/corrupt-placed",
                       test_digest_postcopy_corrupt_placed);
    migration_test_add("/migration/digest/postcopy/preempt/corrupt-placed",
                       test_digest_postcopy_preempt_corrupt_placed);
    migration_test_add("/migration/digest/postcopy/corrupt-held",
                       test_digest_postcopy_corrupt_held);
    migration_test_add("/migration/digest/postcopy/recovery",
                       test_digest_postcopy_recovery);
}

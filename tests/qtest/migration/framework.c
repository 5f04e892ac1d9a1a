/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The migration suite's framework (see framework.h). */
#include "qemu/osdep.h"
#include "framework.h"
#include "bootfile.h"

QTestMigrationState src_state;
QTestMigrationState dst_state;

/* The CR16 row of qtest.md 3.3.3: the virt board, the A-B guest as a raw
 * -kernel image, RAM enough for its 100 MiB range. */
#define MACHINE_ARGS "-accel tcg -machine virt -m 128M"

static QTestState *start_one(const char *var, const char *cmd, bool oob)
{
    g_autoptr(JsonArray) caps = json_array_new();

    if (!oob) {
        return qtest_init_with_env(var, cmd, true);
    }
    json_array_add_string_element(caps, "oob");
    return qtest_init_with_env_and_capabilities(var, cmd, caps, true);
}

int migrate_start(QTestState **from, QTestState **to, const char *uri,
                  MigrateStart *args)
{
    g_autofree char *boot = bootfile_create();
    g_autofree char *src_serial = mig_tmp_path("src_serial");
    g_autofree char *dst_serial = mig_tmp_path("dest_serial");
    const char *hide = args->hide_stderr && !qtest_log_enabled() ?
                       " 2>/dev/null" : "";

    if (!args->only_target) {
        g_autofree char *cmd = g_strdup_printf(
            MACHINE_ARGS " -name source,debug-threads=on "
            "-serial file:%s -kernel %s %s%s",
            src_serial, boot, args->opts_source ? args->opts_source : "",
            hide);

        memset(&src_state, 0, sizeof(src_state));
        serial_reset("src_serial");
        *from = start_one("QTEST_QEMU_BINARY_SRC", cmd, args->oob);
        migrate_watch_events(*from, &src_state);
    }
    if (!args->only_source) {
        g_autofree char *cmd = g_strdup_printf(
            "%s -name target,debug-threads=on "
            "-serial file:%s -incoming %s %s%s",
            args->machine_target ? args->machine_target : MACHINE_ARGS,
            dst_serial, uri,
            args->opts_target ? args->opts_target : "", hide);

        memset(&dst_state, 0, sizeof(dst_state));
        serial_reset("dest_serial");
        *to = start_one("QTEST_QEMU_BINARY_DST", cmd, args->oob);
        migrate_watch_events(*to, &dst_state);
    }

    for (size_t i = 0; i < G_N_ELEMENTS(args->caps) && args->caps[i]; i++) {
        if (!args->only_target) {
            migrate_set_capability(*from, args->caps[i], true);
        }
        if (!args->only_source) {
            migrate_set_capability(*to, args->caps[i], true);
        }
    }
    if (!args->only_target) {
        migrate_set_capability(*from, "events", true);
    }
    if (!args->only_source) {
        migrate_set_capability(*to, "events", true);
    }
    return 0;
}

static void unlink_tmp(const char *name)
{
    g_autofree char *p = mig_tmp_path(name);

    unlink(p);
}

void migrate_end(QTestState *from, QTestState *to, bool test_dest)
{
    uint64_t start = migration_get_env()->start_address;

    qtest_quit(from);
    if (test_dest) {
        uint8_t a, b;

        /* The destination guest runs ... */
        wait_for_guest_progress(to);
        /* ... stops when told ... */
        qtest_qmp_assert_success(to, "{'execute': 'stop'}");
        a = qtest_readb(to, start);
        g_usleep(200 * 1000);
        b = qtest_readb(to, start);
        g_assert_cmpint(a, ==, b);
        /* ... and every page carries the guest's invariant. */
        check_guests_ram(to);
    }
    qtest_quit(to);
    migrate_end_cleanup();
}

void migrate_end_cleanup(void)
{
    unlink_tmp("migsocket");
    unlink_tmp("src_serial");
    unlink_tmp("dest_serial");
    unlink_tmp("migfile");
}

void test_precopy_common(MigrateCommon *args)
{
    QTestState *from, *to;
    void *opaque = NULL;

    if (migrate_start(&from, &to, args->listen_uri, &args->start)) {
        return;
    }
    if (args->start_hook) {
        opaque = args->start_hook(from, to);
    }
    if (args->result == MIG_TEST_SUCCEED) {
        wait_for_serial("src_serial");
    }
    if (args->live) {
        migrate_ensure_non_converge(from);
        if (args->live_bandwidth) {
            migrate_set_parameter_int(from, "max-bandwidth",
                                      args->live_bandwidth);
        }
        migrate_prepare_for_dirty_mem(from);
    } else if (args->result == MIG_TEST_SUCCEED) {
        /* A stopped source converges at once (nothing is re-dirtied). */
        qtest_qmp_assert_success(from, "{'execute': 'stop'}");
        wait_for_stop(from, &src_state);
        migrate_ensure_converge(from);
    } else {
        /*
         * The failing cases fail in the connect or the TLS handshake.
         * With TLS 1.3 the client's side of a handshake the server then
         * refuses completes first, so the source migrates until the
         * refusal reaches it: on a loaded machine long enough for the
         * default parameters to converge and reach device, which
         * wait_for_migration_fail() rightly rejects. Keep it in active.
         */
        migrate_ensure_non_converge(from);
    }

    if (args->result == MIG_TEST_QMP_ERROR) {
        g_free(migrate_qmp_fail(from, args->connect_uri,
                                args->connect_channels, ""));
        goto finish;
    }
    migrate_qmp(from, to, args->connect_uri, args->connect_channels, "");

    if (args->result != MIG_TEST_SUCCEED) {
        wait_for_migration_fail(from, args->result == MIG_TEST_FAIL);
        if (args->result == MIG_TEST_FAIL_DEST_QUIT_ERR) {
            qtest_set_expected_status(to, 1);
            qtest_wait_qemu(to);
        }
    } else if (args->live) {
        for (int i = 0; i < args->iterations - 1; i++) {
            wait_for_migration_pass(from, &src_state);
        }
        migrate_wait_for_dirty_mem(from, to);
        migrate_ensure_converge(from);
        wait_for_migration_complete(from);
        wait_for_stop(from, &src_state);
    } else {
        wait_for_migration_complete(from);
        /* The destination must have read everything too. */
        wait_for_migration_complete(to);
        /* The source was paused: the destination stays paused (1.9). */
        qtest_qmp_assert_success(to, "{'execute': 'cont'}");
    }

    if (args->result == MIG_TEST_SUCCEED) {
        wait_for_resume(to, &dst_state);
        wait_for_serial("dest_serial");
    }

finish:
    if (args->end_hook) {
        args->end_hook(from, to, opaque);
    }
    migrate_end(from, to, args->result == MIG_TEST_SUCCEED);
}

void test_file_common(MigrateCommon *args, bool stop_src)
{
    QTestState *from, *to;
    void *opaque = NULL;
    g_autofree char *migfile = mig_tmp_path("migfile");
    bool check_offset = false;

    g_assert_false(args->live);
    if (migrate_start(&from, &to, "defer", &args->start)) {
        return;
    }
    if (strstr(args->connect_uri, "offset=")) {
        char pad[4096];
        GError *err = NULL;

        memset(pad, 'X', sizeof(pad));
        g_file_set_contents(migfile, pad, sizeof(pad), &err);
        g_assert_no_error(err);
        check_offset = true;
    }
    if (args->start_hook) {
        opaque = args->start_hook(from, to);
    }
    migrate_ensure_converge(from);
    wait_for_serial("src_serial");
    if (stop_src) {
        qtest_qmp_assert_success(from, "{'execute': 'stop'}");
        wait_for_stop(from, &src_state);
    }
    if (args->result == MIG_TEST_QMP_ERROR) {
        g_free(migrate_qmp_fail(from, args->connect_uri, NULL, ""));
        goto finish;
    }
    migrate_qmp(from, to, args->connect_uri, NULL, "");
    wait_for_migration_complete(from);

    /* Only now does the destination read the finished file. */
    migrate_incoming_qmp(to, args->incoming_uri ? args->incoming_uri
                                                : args->connect_uri,
                         NULL, "");
    wait_for_migration_complete(to);
    if (stop_src) {
        qtest_qmp_assert_success(to, "{'execute': 'cont'}");
    }
    wait_for_resume(to, &dst_state);
    wait_for_serial("dest_serial");

    if (check_offset) {
        g_autofree char *data = NULL;
        gsize len;
        GError *err = NULL;

        g_file_get_contents(migfile, &data, &len, &err);
        g_assert_no_error(err);
        g_assert_cmpint(len, >, 4096 + 4);
        for (int i = 0; i < 4096; i++) {
            g_assert_cmpint(data[i], ==, 'X');
        }
        g_assert_cmphex(((uint8_t)data[4096] << 24) |
                        ((uint8_t)data[4097] << 16) |
                        ((uint8_t)data[4098] << 8) | (uint8_t)data[4099],
                        ==, 0x5145564d);
    }

finish:
    if (args->end_hook) {
        args->end_hook(from, to, opaque);
    }
    migrate_end(from, to, args->result == MIG_TEST_SUCCEED);
}

void migration_test_add(const char *path, void (*fn)(void))
{
    qtest_add_func(path, fn);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration suite (spec/qtest.md 3): real source and destination
 * qemu-system-cr16 processes, the A-B guest, and a memory check after
 * every successful migration. `--full` is accepted for QEMU parity; the
 * whole suite runs by default (each case is kept short).
 */
#include "qemu/osdep.h"
#include "migration/framework.h"

int main(int argc, char **argv)
{
    MigrationTestEnv *env;
    bool full = false;
    int ret;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full")) {
            full = true;
            memmove(&argv[i], &argv[i + 1], (argc - i) * sizeof(argv[0]));
            argc--;
            break;
        }
    }
    g_test_init(&argc, &argv, NULL);
    env = migration_get_env();
    env->full_set = full;

    /*
     * MIGRATION_TEST_GROUP=fault: only the fault matrix (its own meson
     * test and `make check-slow`, so that neither shares a timeout with
     * the rest of the suite).
     */
    if (!g_strcmp0(g_getenv("MIGRATION_TEST_GROUP"), "fault")) {
        migration_test_add_fault(env);
    } else {
        migration_test_add_tls(env);
        migration_test_add_compression(env);
        migration_test_add_file(env);
        migration_test_add_precopy(env);
        migration_test_add_cancel(env);
        migration_test_add_misc(env);
        migration_test_add_postcopy(env);
        migration_test_add_postcopy_wait(env);
        migration_test_add_quirks(env);
        migration_test_add_convergence(env);
        migration_test_add_digest(env);
    }

    ret = g_test_run();
    if (!migration_env_clean(env)) {
        return ret ? ret : 1;
    }
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The disk-full column of the fault matrix (fault-disk.h).  A file:
 * migration has no destination process, so its states are the source's
 * precopy ones: setup, active, pre-switchover and device.  The fault is
 * a real full file system, made at the moment of the state:
 *
 * - tmpfs (preferred): the source runs in its own mount namespace with a
 *   tmpfs over the migration directory (`unshare -m`, so nothing leaks
 *   into the host's mounts).  The test reaches that tmpfs through
 *   /proc/<pid>/root and makes it full by remounting it (`nsenter -m`)
 *   with a size equal to what it holds, plus the room a cell leaves:
 *   the source's next write fails with ENOSPC.
 * - rlimit (where the test cannot mount, or MIGRATION_FAULT_DISK=rlimit):
 *   the source's RLIMIT_FSIZE is lowered to the file's size (prlimit);
 *   the emulator ignores SIGXFSZ, so the write fails with EFBIG.
 *
 * The promise for every state: the source fails the migration with the
 * file system's error in error-desc, and its guest is back in its old
 * run state with the RAM it had (x-query-ram-digest), able to run.
 */
#include "qemu/osdep.h"
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "framework.h"
#include "fault-disk.h"

#define DISK_TIMEOUT_US     (60 * G_USEC_PER_SEC)
/* Big enough for the whole stream: the size that counts is set later. */
#define TMPFS_SIZE          "512m"
/* Written in active before the disk fills up. */
#define ACTIVE_BYTES        (64 * 1024)
/* What the device cell leaves free: less than the device state, which a
 * migration-testdev of DEVICE_STATE bytes makes large. */
#define DEVICE_ROOM         (64 * 1024)
#define DEVICE_STATE        "1M"

typedef enum { DISK_TMPFS, DISK_RLIMIT } DiskWay;

typedef struct DiskCell {
    const char *state;
    DiskWay way;
    QTestState *from;
    pid_t pid;
    char *dir;                  /* the migration directory (host view) */
    char *file;                 /* the migration file (host view) */
} DiskCell;

const char *fault_disk_full_impossible(const char *state)
{
    static const char *const built[] = {
        "setup", "active", "pre-switchover", "device", NULL };

    if (!strcmp(state, "completed")) {
        return "a completed file: migration writes nothing more";
    }
    if (!g_strv_contains(built, state)) {
        return "a full disk exists only for file: migrations, which have "
               "no destination process and so no postcopy states";
    }
    return NULL;
}

/* Run argv; true when it exited with status 0. */
static bool run_quietly(const char *const *argv)
{
    int status;

    return g_spawn_sync(NULL, (char **)argv, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                        G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                        &status, NULL) &&
           g_spawn_check_wait_status(status, NULL);
}

/* Can a tmpfs be mounted in a private mount namespace here? */
static DiskWay disk_way(void)
{
    static int way = -1;
    const char *forced = g_getenv("MIGRATION_FAULT_DISK");

    if (forced && !strcmp(forced, "rlimit")) {
        return DISK_RLIMIT;
    }
    if (way < 0) {
        g_autofree char *dir = g_dir_make_tmp("fault-disk-probe-XXXXXX",
                                              NULL);
        g_autofree char *script = g_strdup_printf(
            "mount -t tmpfs -o size=4k fault-probe %s", dir);
        const char *probe[] = { "unshare", "-m", "--propagation", "private",
                                "sh", "-c", script, NULL };
        const char *nsenter[] = { "nsenter", "--version", NULL };

        way = dir && run_quietly(probe) && run_quietly(nsenter) ?
              DISK_TMPFS : DISK_RLIMIT;
        if (dir) {
            rmdir(dir);
        }
    }
    return way;
}

/* The source's view of a path of ours (its own mount namespace). */
static char *in_source(DiskCell *d, const char *path)
{
    return d->way == DISK_TMPFS ?
           g_strdup_printf("/proc/%d/root%s", (int)d->pid, path) :
           g_strdup(path);
}

static uint64_t file_size(DiskCell *d)
{
    g_autofree char *p = in_source(d, d->file);
    struct stat st;

    return stat(p, &st) == 0 ? st.st_size : 0;
}

/* From now on only `room` more bytes fit. */
static void disk_fill(DiskCell *d, uint64_t room)
{
    if (d->way == DISK_TMPFS) {
        g_autofree char *p = in_source(d, d->dir);
        g_autofree char *pid = g_strdup_printf("%d", (int)d->pid);
        gint64 deadline = g_get_monotonic_time() + DISK_TIMEOUT_US;
        const char *argv[] = { "nsenter", "-t", pid, "-m", "mount", "-o",
                               NULL, d->dir, NULL };

        /*
         * A size below what the tmpfs holds is refused; the source may
         * write between the statfs and the remount: measure again.
         */
        for (;;) {
            g_autofree char *opt = NULL;
            struct statfs fs;
            uint64_t used;

            g_assert_cmpint(statfs(p, &fs), ==, 0);
            g_assert_cmpint(fs.f_type, ==, TMPFS_MAGIC);
            used = (uint64_t)(fs.f_blocks - fs.f_bfree) * fs.f_bsize;
            /* The filler written at the start keeps this from being 0,
             * which would mean "no limit" to tmpfs. */
            g_assert_cmpuint(used, >, 0);
            opt = g_strdup_printf("remount,size=%" PRIu64, used + room);
            argv[6] = opt;
            if (run_quietly(argv)) {
                break;
            }
            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        }
    } else {
        struct rlimit old, lim;

        g_assert_cmpint(prlimit(d->pid, RLIMIT_FSIZE, NULL, &old), ==, 0);
        lim.rlim_cur = file_size(d) + room;
        lim.rlim_max = old.rlim_max;
        g_assert_cmpint(prlimit(d->pid, RLIMIT_FSIZE, &lim, NULL), ==, 0);
    }
}

static void disk_start(DiskCell *d)
{
    bool device = !strcmp(d->state, "device");
    g_autofree char *opts = g_strdup_printf(
        "-device migration-testdev,state-size=%s", DEVICE_STATE);
    MigrateStart start = {
        .hide_stderr = true,
        .only_source = true,
        .opts_source = device ? opts : NULL,
    };
    g_autofree char *wrapper = NULL;
    QTestState *unused = NULL;

    d->dir = mig_tmp_path("fault-disk");
    g_assert_cmpint(g_mkdir_with_parents(d->dir, 0700), ==, 0);
    d->file = g_build_filename(d->dir, "stream", NULL);
    if (d->way == DISK_TMPFS) {
        /* Runs the emulator in a private mount namespace with a tmpfs on
         * the migration directory; exec keeps its pid. */
        wrapper = g_strdup_printf(
            "unshare -m --propagation private sh -c "
            "'mount -t tmpfs -o size=" TMPFS_SIZE " fault-disk %s && "
            "exec \"$0\" \"$@\"' %s", d->dir,
            g_getenv("QTEST_QEMU_BINARY"));
        g_setenv("QTEST_QEMU_BINARY_SRC", wrapper, true);
    }
    g_assert_cmpint(migrate_start(&d->from, &unused, "defer", &start), ==, 0);
    if (d->way == DISK_TMPFS) {
        g_autofree char *filler = NULL;

        g_unsetenv("QTEST_QEMU_BINARY_SRC");
        d->pid = qtest_pid(d->from);
        filler = g_strdup_printf("/proc/%d/root%s/filler", (int)d->pid,
                                 d->dir);
        /* Something the tmpfs holds besides the stream (see disk_fill). */
        g_assert_true(g_file_set_contents(filler, "filler", -1, NULL));
    } else {
        d->pid = qtest_pid(d->from);
    }
}

static void wait_source(DiskCell *d, const char *const *set, const char *what)
{
    gint64 deadline = g_get_monotonic_time() + DISK_TIMEOUT_US;

    for (;;) {
        g_autofree char *st = migrate_query_status(d->from);

        if (g_strv_contains(set, st)) {
            return;
        }
        if (g_get_monotonic_time() > deadline) {
            g_error("disk-full in %s: source still %s, waiting for %s",
                    d->state, st, what);
        }
        g_usleep(5000);
    }
}

static void wait_bytes(DiskCell *d, uint64_t n)
{
    gint64 deadline = g_get_monotonic_time() + DISK_TIMEOUT_US;

    while (file_size(d) < n) {
        if (g_get_monotonic_time() > deadline) {
            g_error("disk-full in %s: the stream stays below %" PRIu64
                    " bytes", d->state, n);
        }
        g_usleep(5000);
    }
}

char *fault_disk_full_run(const char *state)
{
    static const char *const ended[] = {
        "completed", "failed", "cancelled", NULL };
    static const char *const active[] = { "active", NULL };
    static const char *const pre[] = { "pre-switchover", NULL };
    DiskCell d = { .state = state, .way = disk_way() };
    g_autofree char *digest = NULL, *after = NULL, *uri = NULL;
    g_autofree char *st = NULL, *rs = NULL;
    g_autoptr(JsonObject) info = NULL;
    const char *desc, *want;
    bool switchover = !strcmp(state, "pre-switchover") ||
                      !strcmp(state, "device");
    uint64_t before = 0;

    g_assert_null(fault_disk_full_impossible(state));
    disk_start(&d);

    /* The reference, as in every cell: the RAM of the stopped guest. */
    wait_for_serial("src_serial");
    qtest_qmp_assert_success(d.from, "{'execute': 'stop'}");
    wait_for_stop(d.from, &src_state);
    digest = fault_ram_digest(d.from);

    if (!strcmp(state, "active")) {
        migrate_ensure_non_converge(d.from);
    } else {
        migrate_set_parameter_int(d.from, "max-bandwidth",
                                  1000 * 1000 * 1000);
        migrate_set_parameter_int(d.from, "downtime-limit", 1);
    }
    if (switchover) {
        migrate_set_capability(d.from, "pause-before-switchover", true);
    }
    if (!strcmp(state, "setup")) {
        /* Full before the migration starts: its first write fails. */
        disk_fill(&d, 0);
    }
    uri = g_strdup_printf("file:%s", d.file);
    qtest_qmp_assert_success(d.from, "{'execute': 'migrate', "
                             "'arguments': {'uri': '%s'}}", uri);
    if (!strcmp(state, "active")) {
        wait_source(&d, active, "active");
        wait_bytes(&d, ACTIVE_BYTES);
        disk_fill(&d, 0);
        migrate_ensure_converge(d.from);
    } else if (switchover) {
        wait_source(&d, pre, "pre-switchover");
        before = file_size(&d);
        /* pre-switchover: nothing fits any more; device: the device
         * state starts to go out and the disk fills up under it. */
        disk_fill(&d, !strcmp(state, "device") ? DEVICE_ROOM : 0);
        migrate_continue(d.from, "pre-switchover");
    }

    wait_source(&d, ended, "the end");
    st = migrate_query_status(d.from);
    g_assert_cmpstr(st, ==, "failed");
    info = migrate_query(d.from);
    desc = json_object_has_member(info, "error-desc") ?
           json_object_get_string_member(info, "error-desc") : "";
    want = g_strerror(d.way == DISK_TMPFS ? ENOSPC : EFBIG);
    if (!strstr(desc, want)) {
        g_error("disk-full in %s: error-desc '%s' does not say '%s'",
                state, desc, want);
    }
    if (!strcmp(state, "device")) {
        /* The device state did start to go out: the disk filled up in
         * device, not at its first byte. */
        g_assert_cmpuint(file_size(&d), >, before);
    }
    /* Back in its old run state, with its RAM, and able to run. */
    rs = query_run_state(d.from);
    g_assert_cmpstr(rs, ==, "paused");
    after = fault_ram_digest(d.from);
    g_assert_cmpstr(after, ==, digest);
    qtest_qmp_assert_success(d.from, "{'execute': 'cont'}");
    wait_for_guest_progress(d.from);

    qtest_quit(d.from);
    if (d.way == DISK_RLIMIT) {
        g_autofree char *filler = g_build_filename(d.dir, "filler", NULL);

        unlink(d.file);
        unlink(filler);
    }
    rmdir(d.dir);
    g_free(d.dir);
    g_free(d.file);
    migrate_end_cleanup();
    return g_strdup_printf("source[%s]",
                           d.way == DISK_TMPFS ? "tmpfs" : "rlimit");
}

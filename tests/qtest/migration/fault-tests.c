/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault-injection matrix (issue 10, docs/devel/migration/fault-
 * matrix.rst): for each migration state the test can hold a migration in
 * and each fault, drive a migration there, inject the fault, let it
 * settle and check the promise: the guest can run on exactly one side (or
 * both sides are paused and postcopy recovery then completes), the side
 * that has it holds the RAM the source had when it stopped (by
 * x-query-ram-digest), and no process crashes or hangs.
 *
 * The source guest is stopped before the migration starts: its RAM digest
 * at that moment is the reference, and nothing re-dirties a page behind a
 * fault.  The destination runs with -S so that its RAM can be digested
 * before anything runs there.  Precopy cells enable x-postcopy-safe-start
 * (and so postcopy-ram) for its precopy hand-over rule; the precopy
 * corrupted-byte cells enable x-ram-digest instead, which is what detects
 * a flipped page byte.  Postcopy cells enable x-postcopy-safe-start, the
 * corrupted-byte ones x-ram-digest too: there the destination's check at
 * completion must report the damaged page, or the stream must break and
 * recovery complete (fault-corrupt.c).
 *
 * setup and postcopy-recover-setup are held by a connect the proxy does
 * not answer (its listen queue is full), postcopy-recover by the proxy
 * holding the return path of the recovery; the disk-full column is a
 * file: migration of its own (fault-disk.c).
 *
 * Each cell is one GTest case, /migration/fault/<state>/<fault>; `make
 * check-slow` runs the binary with MIGRATION_FAULT_REPEAT=20.  With
 * MIGRATION_FAULT_TABLE=<file> the outcome of every cell is appended to
 * that file, which scripts/fault-matrix.py turns into the table.
 */
#include "qemu/osdep.h"
#include <signal.h>
#include "framework.h"
#include "fault-proxy.h"
#include "fault-disk.h"
#include "fault-corrupt.h"

#define CELL_TIMEOUT_US     (60 * G_USEC_PER_SEC)
/* How long a stopped process stays stopped: longer than every patience
 * the peer has (x-postcopy-device-timeout-ms below). */
#define DEVICE_PATIENCE_MS  2500
/* Elsewhere nobody has any patience: a stall of a second is the fault. */
#define STOP_MS             1000
#define STOP_PC_DEVICE_MS   (DEVICE_PATIENCE_MS + 1000)
/* Destination device load delay that holds a migration in (postcopy-)
 * device. */
#define LOAD_DELAY_MS       1200

typedef enum {
    ST_SETUP, ST_ACTIVE, ST_PRE_SWITCHOVER, ST_DEVICE, ST_PC_DEVICE,
    ST_PC_ACTIVE, ST_PC_PAUSED, ST_PC_RECOVER_SETUP, ST_PC_RECOVER,
    ST_COMPLETED, ST__MAX
} CellState;

typedef enum {
    FA_KILL_SRC, FA_KILL_DST, FA_STOP_SRC, FA_STOP_DST, FA_DROP,
    FA_BLACKHOLE, FA_HALF_CLOSE, FA_CORRUPT, FA_DISK_FULL, FA__MAX
} CellFault;

static const char *const state_names[ST__MAX] = {
    "setup", "active", "pre-switchover", "device", "postcopy-device",
    "postcopy-active", "postcopy-paused", "postcopy-recover-setup",
    "postcopy-recover", "completed",
};

static const char *const fault_names[FA__MAX] = {
    "kill-src", "kill-dst", "stop-src", "stop-dst", "drop", "blackhole",
    "half-close", "corrupt", "disk-full",
};

/* What a settled cell ended with. */
typedef enum {
    OUT_SRC = 1,            /* the source has the guest (restored) */
    OUT_DST = 2,            /* the destination has it, digest checked */
    OUT_RECOVERED = 4,      /* both paused, recovery completed: DST */
    OUT_OPERATOR = 8,       /* neither; management may cont the source */
    OUT_LOST = 16,          /* the killed process held the only copy */
    OUT_MISMATCH = 32,      /* DST, its digest check reported the page */
} Outcome;

/* Why a cell cannot be run; NULL when it can. */
static const char *cell_impossible(CellState st, CellFault fa)
{
    if (fa == FA_DISK_FULL) {
        return fault_disk_full_impossible(state_names[st]);
    }
    if ((st == ST_SETUP || st == ST_PC_RECOVER_SETUP) &&
        (fa == FA_HALF_CLOSE || fa == FA_CORRUPT)) {
        return "no connection exists yet: what holds the state is an "
               "unanswered connect (once connected, the source leaves it "
               "without waiting on the peer), so there is no direction "
               "to end and no byte to flip";
    }
    if (st == ST_PC_PAUSED &&
        (fa == FA_DROP || fa == FA_BLACKHOLE || fa == FA_HALF_CLOSE ||
         fa == FA_CORRUPT)) {
        return "no connection exists while both sides are paused";
    }
    if (st == ST_COMPLETED &&
        (fa == FA_DROP || fa == FA_BLACKHOLE || fa == FA_HALF_CLOSE ||
         fa == FA_CORRUPT || fa == FA_STOP_SRC || fa == FA_STOP_DST)) {
        return "the connection is closed after completion; nothing waits "
               "on the peer";
    }
    if (fa == FA_CORRUPT && st == ST_DEVICE) {
        return "the source reports device only once the few KiB of device "
               "state are out: no byte is left to corrupt";
    }
    return NULL;
}

/* The outcomes the promise allows for a cell. */
static unsigned cell_allowed(CellState st, CellFault fa)
{
    bool postcopy = st >= ST_PC_DEVICE && st != ST_COMPLETED;
    /*
     * Past pre-switchover the rest of the stream may be written into the
     * socket buffers before the source sees the break: it then counts
     * the stream as handed over and leaves the guest to management
     * (safe start's precopy rule) instead of running it.
     */
    unsigned handover = st == ST_PRE_SWITCHOVER ? OUT_OPERATOR : 0;

    switch (fa) {
    case FA_KILL_SRC:
        if (st == ST_COMPLETED) {
            return OUT_DST;
        }
        /* In device the stream may be complete in the destination's
         * buffers; earlier the source held the only copy. */
        return st == ST_DEVICE ? OUT_DST | OUT_LOST : OUT_LOST;
    case FA_KILL_DST:
        if (st == ST_COMPLETED || (postcopy && st != ST_PC_DEVICE)) {
            return OUT_LOST;    /* the destination had taken over */
        }
        return st == ST_DEVICE ? OUT_SRC | OUT_OPERATOR : OUT_SRC | handover;
    case FA_STOP_SRC:
    case FA_STOP_DST:
        if (st == ST_PC_DEVICE) {
            /* The source's patience runs out (stopped itself, its own
             * clock still runs): it resumes, the destination never ran;
             * or the PONG was read before the deadline was looked at and
             * it committed.  Both leave exactly one owner. */
            return OUT_SRC | OUT_DST;
        }
        return postcopy ? OUT_DST | OUT_RECOVERED : OUT_DST;
    case FA_DROP:
    case FA_HALF_CLOSE:
        if (postcopy && st != ST_PC_DEVICE) {
            return OUT_RECOVERED;
        }
        if (st == ST_DEVICE) {
            /* The whole stream may already be in the destination. */
            return OUT_SRC | OUT_DST | OUT_OPERATOR;
        }
        return OUT_SRC | handover;
    case FA_BLACKHOLE:
        if (postcopy && st != ST_PC_DEVICE) {
            return OUT_RECOVERED;   /* after migrate-pause */
        }
        return st == ST_DEVICE ? OUT_SRC | OUT_DST | OUT_OPERATOR
                               : OUT_SRC | handover;
    case FA_CORRUPT:
        if (st == ST_PC_RECOVER) {
            /* The skipped page is reported at completion. */
            return OUT_MISMATCH;
        }
        if (st == ST_PC_DEVICE) {
            /* A broken stream before the package was confirmed fails
             * back to the source (safe start); after, it pauses. */
            return OUT_SRC | OUT_RECOVERED | OUT_MISMATCH;
        }
        /* Postcopy: the stream breaks, or the page byte is reported. */
        return postcopy ? OUT_RECOVERED | OUT_MISMATCH : OUT_SRC;
    default:
        return 0;
    }
}

typedef struct Cell {
    CellState st;
    CellFault fa;
    QTestState *from, *to;
    bool from_dead, to_dead;
    FaultProxy *proxy;          /* the migration's first channel */
    FaultProxy *rproxy;         /* the held recovery channel */
    FaultProxy *fp;             /* the one the fault acts on */
    FaultCorrupt corrupt;       /* where a corrupt cell flipped */
    bool released;              /* the state's hold was let go */
    char *rproxy_path;          /* where rproxy forwards to */
    char *digest;               /* the source's RAM when it stopped */
    char *recover_uri;
} Cell;

/* Concatenated digests of every RAM block. */
char *fault_ram_digest(QTestState *who)
{
    JsonNode *n = qtest_qmp_assert_success_ref(who,
                      "{'execute': 'x-query-ram-digest'}");
    JsonArray *a = json_node_get_array(n);
    GString *s = g_string_new("");

    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);

        g_string_append_printf(s, "%s=%s;",
                               json_object_has_member(o, "block") ?
                               json_object_get_string_member(o, "block") :
                               "?",
                               json_object_get_string_member(o, "digest"));
    }
    json_node_unref(n);
    return g_string_free(s, false);
}

static char *status_of(QTestState *who)
{
    return migrate_query_status(who);
}

static bool status_is(QTestState *who, const char *const *set)
{
    g_autofree char *st = status_of(who);

    return g_strv_contains(set, st);
}

/* Poll until who's status is in set (the cell's deadline). */
static void wait_status_in(QTestState *who, const char *const *set,
                           const char *what)
{
    gint64 deadline = g_get_monotonic_time() + CELL_TIMEOUT_US;

    while (!status_is(who, set)) {
        if (g_get_monotonic_time() > deadline) {
            g_autofree char *st = status_of(who);
            g_autoptr(JsonObject) q = migrate_query(who);

            g_error("%s: still %s (%s)", what, st,
                    json_object_has_member(q, "error-desc") ?
                    json_object_get_string_member(q, "error-desc") : "");
        }
        g_usleep(5000);
    }
}

static void wait_status(QTestState *who, const char *st, const char *what)
{
    const char *set[] = { st, NULL };

    wait_status_in(who, set, what);
}

static int port_of(const char *uri)
{
    const char *colon = strrchr(uri, ':');

    g_assert_nonnull(colon);
    return atoi(colon + 1);
}

static void set_caps(Cell *c)
{
    static const char *const precopy[] = {
        "return-path", "postcopy-ram", "x-postcopy-safe-start", NULL };
    static const char *const corrupt[] = {
        "return-path", "x-ram-digest", NULL };
    bool postcopy = c->st >= ST_PC_DEVICE && c->st != ST_COMPLETED;
    const char *const *caps = c->fa == FA_CORRUPT && !postcopy ? corrupt
                                                                : precopy;

    for (int i = 0; caps[i]; i++) {
        migrate_set_capability(c->from, caps[i], true);
        migrate_set_capability(c->to, caps[i], true);
    }
    if (c->fa == FA_CORRUPT && postcopy) {
        /* Postcopy pages are checked at completion (ram-digest.rst). */
        migrate_set_capability(c->from, "x-ram-digest", true);
        migrate_set_capability(c->to, "x-ram-digest", true);
    }
    if (c->st == ST_PRE_SWITCHOVER) {
        migrate_set_capability(c->from, "pause-before-switchover", true);
    }
    if (c->st == ST_PC_DEVICE) {
        migrate_set_parameter_int(c->from, "x-postcopy-device-timeout-ms",
                                  DEVICE_PATIENCE_MS);
    }
}

static void cell_start(Cell *c)
{
    bool hold_device = c->st == ST_DEVICE || c->st == ST_PC_DEVICE;
    g_autofree char *opts_target = g_strdup_printf(
        "-S %s", hold_device ? "-device migration-testdev,load-delay-ms="
                               G_STRINGIFY(LOAD_DELAY_MS) : "");
    MigrateStart start = {
        .hide_stderr = true,
        .oob = true,            /* yank must get through a held BQL */
        .opts_source = hold_device ? "-device migration-testdev" : NULL,
        .opts_target = opts_target,
    };
    g_autofree char *dst_uri = NULL, *uri = NULL;
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(migrate_start(&c->from, &c->to, "defer", &start), ==, 0);
    set_caps(c);
    migrate_incoming_qmp(c->to, "tcp:127.0.0.1:0", NULL,
                         "'exit-on-error': false");
    dst_uri = migrate_get_connect_uri(c->to);
    c->proxy = fault_proxy_new_tcp(port_of(dst_uri), &err);
    g_assert_no_error(err);
    c->fp = c->proxy;

    /* The reference: the source's RAM once its guest is stopped. */
    wait_for_serial("src_serial");
    qtest_qmp_assert_success(c->from, "{'execute': 'stop'}");
    wait_for_stop(c->from, &src_state);
    c->digest = fault_ram_digest(c->from);

    if (c->st == ST_ACTIVE || c->st == ST_PC_ACTIVE ||
        c->st == ST_PC_PAUSED || c->st == ST_PC_DEVICE) {
        migrate_ensure_non_converge(c->from);
    } else {
        /* Fast, but RAM goes in active, not all at the switchover. */
        migrate_set_parameter_int(c->from, "max-bandwidth",
                                  1000 * 1000 * 1000);
        migrate_set_parameter_int(c->from, "downtime-limit", 1);
    }
    if (c->st == ST_SETUP) {
        /* The destination does not answer: the connect stays pending. */
        g_assert_true(fault_proxy_hold_connects(c->proxy, CELL_TIMEOUT_US));
    }
    uri = g_strdup_printf("tcp:127.0.0.1:%d", fault_proxy_port(c->proxy));
    migrate_qmp(c->from, c->to, uri, NULL, "");
}

/*
 * Start a recovery through a second proxy and hold it: in
 * postcopy-recover-setup by leaving the connect unanswered, in
 * postcopy-recover by holding the return path, which carries the
 * destination's received-page bitmaps the source waits for before it
 * sends POSTCOPY_RESUME.
 */
static void cell_hold_recovery(Cell *c)
{
    g_autofree char *uri = NULL;
    g_autoptr(GError) err = NULL;

    /* Nothing has to be throttled any more: let the recovered migration
     * finish at full speed. */
    migrate_set_parameter_int(c->from, "max-postcopy-bandwidth", 0);
    c->rproxy_path = mig_tmp_path("fault-rproxy");
    unlink(c->rproxy_path);
    qtest_qmp_assert_success(c->to, "{'execute': 'migrate-recover', "
                             "'arguments': {'uri': 'unix:%s'}}",
                             c->rproxy_path);
    c->rproxy = fault_proxy_new_unix(c->rproxy_path, &err);
    g_assert_no_error(err);
    c->fp = c->rproxy;
    if (c->st == ST_PC_RECOVER_SETUP) {
        g_assert_true(fault_proxy_hold_connects(c->rproxy, CELL_TIMEOUT_US));
    } else {
        fault_proxy_hold(c->rproxy, FAULT_PROXY_TO_CLIENT, true);
    }
    uri = g_strdup_printf("tcp:127.0.0.1:%d", fault_proxy_port(c->rproxy));
    migrate_qmp(c->from, c->to, uri, NULL, "'resume': true");
    if (c->st == ST_PC_RECOVER_SETUP) {
        g_assert_true(fault_proxy_wait_pending_connect(c->rproxy,
                                                       CELL_TIMEOUT_US));
        wait_status(c->from, "postcopy-recover-setup", "source");
    } else {
        wait_status(c->from, "postcopy-recover", "source");
        wait_status(c->to, "postcopy-recover", "destination");
    }
}

/* Let the state's hold go (the peer answers, the return path flows). */
static void cell_release(Cell *c)
{
    if (c->released) {
        return;
    }
    c->released = true;
    if (c->st == ST_SETUP || c->st == ST_PC_RECOVER_SETUP) {
        fault_proxy_release_connects(c->fp);
    } else if (c->st == ST_PC_RECOVER) {
        fault_proxy_hold(c->fp, FAULT_PROXY_TO_CLIENT, false);
    }
}

static bool state_is_held(CellState st)
{
    return st == ST_SETUP || st == ST_PC_RECOVER_SETUP ||
           st == ST_PC_RECOVER;
}

/* Hold the migration in c->st (the source's status). */
static void cell_drive(Cell *c)
{
    switch (c->st) {
    case ST_ACTIVE:
        wait_status(c->from, "active", "source");
        g_assert_true(fault_proxy_wait_bytes(c->proxy, FAULT_PROXY_TO_TARGET,
                                             64 * 1024, CELL_TIMEOUT_US));
        break;
    case ST_PRE_SWITCHOVER:
        wait_status(c->from, "pre-switchover", "source");
        break;
    case ST_DEVICE:
        wait_status(c->from, "device", "source");
        break;
    case ST_COMPLETED:
        wait_status(c->from, "completed", "source");
        wait_status(c->to, "completed", "destination");
        break;
    case ST_SETUP:
        /* Both sides in setup: the source's SYN is out, unanswered. */
        g_assert_true(fault_proxy_wait_pending_connect(c->proxy,
                                                       CELL_TIMEOUT_US));
        wait_status(c->from, "setup", "source");
        wait_status(c->to, "setup", "destination");
        break;
    case ST_PC_DEVICE:
    case ST_PC_ACTIVE:
    case ST_PC_PAUSED:
    case ST_PC_RECOVER_SETUP:
    case ST_PC_RECOVER:
        wait_status(c->from, "active", "source");
        if (c->st != ST_PC_DEVICE || c->fa == FA_CORRUPT) {
            /* Keep postcopy-active for as long as the test needs (and
             * in postcopy-device pages left to corrupt). */
            migrate_set_parameter_int(c->from, "max-postcopy-bandwidth",
                                      4096);
        }
        qtest_qmp_assert_success(c->from,
                                 "{'execute': 'migrate-start-postcopy'}");
        if (c->st == ST_PC_DEVICE) {
            wait_status(c->from, "postcopy-device", "source");
            if (c->fa == FA_CORRUPT) {
                /*
                 * The destination leaves active once it has read the
                 * whole package (it listens from inside it): the byte to
                 * flip is then a page's, not device state's, which
                 * x-ram-digest does not cover (see pre-switchover).
                 */
                const char *read[] = { "postcopy-device",
                                       "postcopy-active", NULL };

                wait_status_in(c->to, read, "destination");
            }
            break;
        }
        wait_status(c->from, "postcopy-active", "source");
        wait_status(c->to, "postcopy-active", "destination");
        if (c->st != ST_PC_ACTIVE) {
            fault_proxy_drop(c->proxy);
            wait_status(c->from, "postcopy-paused", "source");
            wait_status(c->to, "postcopy-paused", "destination");
        }
        if (c->st == ST_PC_RECOVER_SETUP || c->st == ST_PC_RECOVER) {
            cell_hold_recovery(c);
        }
        break;
    default:
        g_assert_not_reached();
    }
}

/*
 * In a held state the hold is let go while the process is stopped: the
 * connection comes up, or the handshake goes on, without it.
 */
static void stop_for_a_while(Cell *c, QTestState *who, unsigned ms)
{
    pid_t pid = qtest_pid(who);
    gint64 end;

    g_assert_cmpint(kill(pid, SIGSTOP), ==, 0);
    end = g_get_monotonic_time() + ms * 1000;
    if (state_is_held(c->st)) {
        cell_release(c);
        if (c->st != ST_PC_RECOVER) {
            /* The kernel answers for the stopped process. */
            g_assert_true(fault_proxy_wait_connections(c->fp, 1,
                                                       CELL_TIMEOUT_US));
        }
    }
    /* The fault is the stall itself: its length is the point. */
    if (g_get_monotonic_time() < end) {
        g_usleep(end - g_get_monotonic_time());
    }
    g_assert_cmpint(kill(pid, SIGCONT), ==, 0);
}

/*
 * pre-switchover x corrupt: the paused source's earlier rounds may still
 * be in flight, and a page byte there can be healed by the page's
 * resend.  Let them drain (nothing delivered for 500 ms; the source
 * writes nothing while paused) so the byte lands in the completion's
 * tail -- final pages, device state, digests -- which is sent once.
 */
static void wait_stream_quiet(FaultProxy *p)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

    while (fault_proxy_wait_bytes(p, FAULT_PROXY_TO_TARGET,
                                  fault_proxy_bytes(p, FAULT_PROXY_TO_TARGET)
                                  + 1, 500 * 1000)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
    }
}

static void cell_inject(Cell *c)
{
    if (c->fa == FA_CORRUPT && c->st == ST_PRE_SWITCHOVER) {
        wait_stream_quiet(c->proxy);
    }
    switch (c->fa) {
    case FA_KILL_SRC:
        qtest_kill_qemu_with_signal(c->from, SIGKILL);
        c->from_dead = true;
        break;
    case FA_KILL_DST:
        qtest_kill_qemu_with_signal(c->to, SIGKILL);
        c->to_dead = true;
        break;
    case FA_STOP_SRC:
        stop_for_a_while(c, c->from, c->st == ST_PC_DEVICE ?
                                     STOP_PC_DEVICE_MS : STOP_MS);
        break;
    case FA_STOP_DST:
        stop_for_a_while(c, c->to, c->st == ST_PC_DEVICE ?
                                   STOP_PC_DEVICE_MS : STOP_MS);
        break;
    case FA_DROP:
        if (c->st == ST_SETUP || c->st == ST_PC_RECOVER_SETUP) {
            /* No connection yet: the network's reset is a refusal. */
            fault_proxy_refuse(c->fp);
            c->released = true;
        } else {
            fault_proxy_drop(c->fp);
        }
        break;
    case FA_BLACKHOLE:
        /* (In setup states the unanswered connect already is one.) */
        fault_proxy_blackhole(c->fp);
        break;
    case FA_HALF_CLOSE:
        fault_proxy_half_close(c->fp, FAULT_PROXY_TO_TARGET);
        break;
    case FA_CORRUPT:
        if (c->st == ST_PC_RECOVER) {
            fault_corrupt_recv_bitmap(&c->corrupt, state_names[c->st],
                                      c->rproxy, c->digest);
        } else {
            fault_corrupt_stream(&c->corrupt, state_names[c->st], c->proxy);
        }
        break;
    default:
        g_assert_not_reached();
    }
}

/* What the user does next to let the migration end (the promised way). */
static void cell_follow_up(Cell *c)
{
    bool postcopy = c->st >= ST_PC_ACTIVE && c->st != ST_COMPLETED;

    if (c->st == ST_PRE_SWITCHOVER && !c->from_dead) {
        JsonObject *r = qtest_qmp(c->from, "{'execute': 'migrate-continue', "
                                  "'arguments': {'state': "
                                  "'pre-switchover'}}");
        json_object_unref(r);   /* refused once the source failed */
    }
    if (!c->from_dead && (c->st == ST_ACTIVE || c->st == ST_PC_DEVICE ||
                          c->fa == FA_CORRUPT)) {
        /* Let a held migration converge now. */
        if (!status_is(c->from, (const char *[]){ "failed", "cancelled",
                                                  NULL })) {
            migrate_ensure_converge(c->from);
        }
    }
    if (c->fa == FA_BLACKHOLE && c->st == ST_SETUP) {
        /* Nothing holds the BQL while connecting: cancel works. */
        qtest_qmp_assert_success(c->from, "{'execute': 'migrate_cancel'}");
        c->released = true;     /* (and stays unanswered) */
    }
    if (c->fa == FA_BLACKHOLE && c->st == ST_PC_RECOVER_SETUP) {
        /*
         * migrate-pause is refused in postcopy-recover-setup (as in QEMU)
         * and migrate_cancel in every postcopy state, so the source waits
         * for TCP to give up on the connect (about two minutes): the way
         * out is the black hole ending in a refusal.
         */
        fault_proxy_refuse(c->fp);
        c->released = true;
    }
    if (c->fa == FA_BLACKHOLE && !postcopy && c->st != ST_SETUP) {
        /*
         * Nothing moves, and the source may be blocked writing the
         * completion with the BQL held, so QMP (migrate_cancel) would
         * block too, and the migration's yank instance is not wired into
         * the core yet: the way out is TCP giving up, i.e. a reset.
         */
        fault_proxy_drop(c->proxy);
    }
    if (c->fa == FA_BLACKHOLE && postcopy && c->st != ST_PC_RECOVER_SETUP) {
        qtest_qmp_assert_success(c->from, "{'execute': 'migrate-pause'}");
        fault_proxy_drop(c->fp);
    }
    /* The fault is in place: the peer answers again (a killed peer's end
     * then reaches the survivor). */
    if (state_is_held(c->st)) {
        cell_release(c);
    }
    if ((postcopy || (c->st == ST_PC_DEVICE && c->fa == FA_CORRUPT)) &&
        !c->from_dead && !c->to_dead) {
        migrate_set_parameter_int(c->from, "max-postcopy-bandwidth", 0);
    }
}

static const char *const src_settled[] = {
    "completed", "failed", "cancelled", "postcopy-paused", NULL };
static const char *const dst_settled[] = {
    "completed", "failed", "postcopy-paused", NULL };
static const char *const dst_settled_setup[] = {
    "completed", "failed", "setup", NULL };

static char *run_state(QTestState *who)
{
    return query_run_state(who);
}

/* Recover a paused postcopy directly (no proxy this time). */
static void cell_recover(Cell *c)
{
    g_autofree char *p = mig_tmp_path("fault-recover");

    c->recover_uri = g_strdup_printf("unix:%s", p);
    qtest_qmp_assert_success(c->to, "{'execute': 'migrate-recover', "
                             "'arguments': {'uri': '%s'}}", c->recover_uri);
    migrate_qmp(c->from, c->to, c->recover_uri, NULL, "'resume': true");
    wait_status(c->from, "completed", "source after recovery");
    wait_status(c->to, "completed", "destination after recovery");
    unlink(p);
}

/* Settle, classify, and check the digests. */
static Outcome cell_settle(Cell *c)
{
    g_autofree char *src_st = NULL, *dst_st = NULL;
    g_autofree char *src_rs = NULL, *dst_rs = NULL;
    bool src_has, dst_has;
    bool postcopy = c->st >= ST_PC_DEVICE && c->st != ST_COMPLETED;

    if (!c->from_dead) {
        wait_status_in(c->from, src_settled, "source");
        src_st = status_of(c->from);
    }
    if (!c->to_dead) {
        /* A destination nobody connected to stays in setup. */
        wait_status_in(c->to, c->st == ST_SETUP ? dst_settled_setup
                                                : dst_settled,
                       "destination");
        dst_st = status_of(c->to);
    }
    if (src_st && dst_st && !strcmp(src_st, "postcopy-paused") &&
        !strcmp(dst_st, "postcopy-paused")) {
        cell_recover(c);
        g_free(src_st);
        g_free(dst_st);
        src_st = status_of(c->from);
        dst_st = status_of(c->to);
        g_assert_cmpstr(dst_st, ==, "completed");
        dst_rs = run_state(c->to);
        g_assert_cmpstr(dst_rs, ==, "paused");
        {
            g_autofree char *d = fault_ram_digest(c->to);

            g_assert_cmpstr(d, ==, c->digest);
        }
        if (c->fa == FA_CORRUPT) {
            fault_corrupt_check_recovered(&c->corrupt, c->to);
        }
        return OUT_RECOVERED;
    }

    /* The source has the guest when it is back in its old run state. */
    if (src_st) {
        src_rs = run_state(c->from);
        src_has = !strcmp(src_st, "failed") || !strcmp(src_st, "cancelled");
        src_has = src_has && !strcmp(src_rs, "paused");
    } else {
        src_has = false;
    }
    dst_has = dst_st && !strcmp(dst_st, "completed");
    if (dst_st) {
        dst_rs = run_state(c->to);
        /* A destination that did not complete never ran the guest. */
        if (!dst_has && strcmp(dst_st, "postcopy-paused")) {
            g_assert_cmpstr(dst_rs, ==, "inmigrate");
        }
    }
    if (src_has && dst_has) {
        g_error("split brain: the source has the guest (%s, %s) and the "
                "destination completed", src_st, src_rs);
    }
    if (dst_has && c->fa == FA_CORRUPT && postcopy) {
        g_assert_cmpstr(dst_rs, ==, "paused");
        fault_corrupt_check_completed(&c->corrupt, c->from, c->to, src_st);
        return OUT_MISMATCH;
    }
    if (dst_has) {
        g_autofree char *d = fault_ram_digest(c->to);

        g_assert_cmpstr(dst_rs, ==, "paused");
        g_assert_cmpstr(d, ==, c->digest);
        return OUT_DST;
    }
    if (src_has) {
        g_autofree char *d = fault_ram_digest(c->from);

        g_assert_cmpstr(d, ==, c->digest);
        /* ... and can run it. */
        if (c->fa == FA_CORRUPT) {
            fault_corrupt_check_failed(&c->corrupt);
        }
        qtest_qmp_assert_success(c->from, "{'execute': 'cont'}");
        wait_for_guest_progress(c->from);
        return OUT_SRC;
    }
    if (src_st && !strcmp(src_st, "failed") &&
        !strcmp(src_rs, "postmigrate") &&
        (!dst_st || strcmp(dst_st, "postcopy-paused"))) {
        /* safe start's precopy window: management runs the source. */
        g_autofree char *d = fault_ram_digest(c->from);

        g_assert_cmpstr(d, ==, c->digest);
        qtest_qmp_assert_success(c->from, "{'execute': 'cont'}");
        wait_for_guest_progress(c->from);
        return OUT_OPERATOR;
    }
    g_assert_true(c->from_dead || c->to_dead);
    return OUT_LOST;
}

static const char *outcome_name(Outcome o)
{
    switch (o) {
    case OUT_SRC: return "source";
    case OUT_DST: return "destination";
    case OUT_RECOVERED: return "recovered";
    case OUT_OPERATOR: return "operator-cont";
    case OUT_LOST: return "lost";
    case OUT_MISMATCH: return "mismatch-reported";
    }
    return "?";
}

static void record_outcome(const Cell *c, const char *what)
{
    const char *file = g_getenv("MIGRATION_FAULT_TABLE");
    FILE *f;

    if (!file) {
        return;
    }
    f = fopen(file, "a");
    g_assert_nonnull(f);
    fprintf(f, "%s %s %s\n", state_names[c->st], fault_names[c->fa], what);
    fclose(f);
}

static void cell_cleanup(Cell *c)
{
    if (!c->from_dead) {
        qtest_quit(c->from);
    }
    if (!c->to_dead) {
        qtest_quit(c->to);
    }
    fault_proxy_free(c->proxy);
    fault_proxy_free(c->rproxy);
    if (c->rproxy_path) {
        unlink(c->rproxy_path);
        g_free(c->rproxy_path);
    }
    g_free(c->digest);
    g_free(c->recover_uri);
    migrate_end_cleanup();
}

static void run_cell_once(CellState st, CellFault fa)
{
    Cell c = { .st = st, .fa = fa };
    Outcome got;
    unsigned allowed = cell_allowed(st, fa);

    cell_start(&c);
    cell_drive(&c);
    cell_inject(&c);
    cell_follow_up(&c);
    got = cell_settle(&c);
    if (!(got & allowed)) {
        g_error("%s x %s ended '%s', which the promise does not allow",
                state_names[st], fault_names[fa], outcome_name(got));
    }
    record_outcome(&c, outcome_name(got));
    cell_cleanup(&c);
}

static void run_cell(const void *opaque)
{
    int idx = GPOINTER_TO_INT(opaque);
    CellState st = idx / FA__MAX;
    CellFault fa = idx % FA__MAX;
    const char *why = cell_impossible(st, fa);
    const char *rep = g_getenv("MIGRATION_FAULT_REPEAT");
    int repeat = rep ? atoi(rep) : 1;

    if (why) {
        Cell c = { .st = st, .fa = fa };
        g_autofree char *rec = g_strdup_printf("n/a (%s)", why);

        record_outcome(&c, rec);
        g_test_skip(why);
        return;
    }
    for (int i = 0; i < MAX(repeat, 1); i++) {
        if (fa == FA_DISK_FULL) {
            Cell c = { .st = st, .fa = fa };
            g_autofree char *what = fault_disk_full_run(state_names[st]);

            record_outcome(&c, what);
            continue;
        }
        run_cell_once(st, fa);
    }
}

void migration_test_add_fault(MigrationTestEnv *env)
{
    for (int st = 0; st < ST__MAX; st++) {
        for (int fa = 0; fa < FA__MAX; fa++) {
            g_autofree char *path = g_strdup_printf(
                "/migration/fault/%s/%s", state_names[st], fault_names[fa]);

            qtest_add_data_func(path, GINT_TO_POINTER(st * FA__MAX + fa),
                                run_cell);
        }
    }
}

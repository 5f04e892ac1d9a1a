/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of migration/status.c and status-table.c: the enum, the
 * transition table of each side against the spec's rows (exactly those,
 * nothing more), the CAS setter (refusals, races between two threads,
 * notifiers, the MIGRATION event gate) and the predicates of spec 1.
 */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/options-internal.h"
#include "migration/status.h"

#define N MIGRATION_STATUS__MAX

/* spec 1, in enum order (QEMU 10.2). */
static const char *const status_names[] = {
    "none", "setup", "cancelling", "cancelled", "active", "postcopy-device",
    "postcopy-active", "postcopy-paused", "postcopy-recover-setup",
    "postcopy-recover", "completed", "failed", "colo", "pre-switchover",
    "device", "wait-unplug",
};

static void test_enum(void)
{
    g_assert_cmpint(N, ==, 16);
    for (int i = 0; i < N; i++) {
        g_assert_cmpstr(MigrationStatus_str(i), ==, status_names[i]);
    }
}

typedef struct Row {
    const char *from, *to;
} Row;

/* spec 2.2, one pair per row and "from" status (written independently of
 * the C table so that a wrong table fails here). */
static const Row source_rows[] = {
    { "none", "setup" },
    { "setup", "failed" },
    { "setup", "wait-unplug" },
    { "wait-unplug", "active" },
    { "setup", "active" },
    { "active", "failed" },
    { "active", "pre-switchover" },
    { "pre-switchover", "device" },
    { "active", "device" },
    { "device", "completed" },
    { "device", "colo" },
    { "device", "failed" },
    { "device", "postcopy-device" },
    { "device", "postcopy-active" },
    { "postcopy-device", "postcopy-active" },
    { "postcopy-device", "failed" },
    { "postcopy-active", "completed" },
    { "postcopy-active", "postcopy-paused" },
    { "postcopy-active", "failed" },
    { "postcopy-paused", "postcopy-recover-setup" },
    { "postcopy-recover-setup", "postcopy-paused" },
    { "postcopy-recover-setup", "postcopy-recover" },
    { "postcopy-recover", "postcopy-active" },
    { "postcopy-recover", "postcopy-paused" },
    /* migrate_cancel */
    { "setup", "cancelling" },
    { "wait-unplug", "cancelling" },
    { "active", "cancelling" },
    { "pre-switchover", "cancelling" },
    { "device", "cancelling" },
    { "colo", "cancelling" },
    { "cancelling", "cancelling" },           /* Q7 */
    /* the internal cancel at exit */
    { "postcopy-device", "cancelling" },
    { "postcopy-active", "cancelling" },
    { "postcopy-paused", "cancelling" },
    { "postcopy-recover-setup", "cancelling" },
    { "postcopy-recover", "cancelling" },
    { "cancelling", "cancelled" },
    { "colo", "completed" },
    /* other producers: snapshots, background snapshot, Q6 */
    { "setup", "completed" },
    { "active", "completed" },
    { "none", "failed" },
};

/* spec 3.2, plus the Q5 fix. */
static const Row destination_rows[] = {
    { "none", "setup" },
    { "setup", "failed" },                    /* Q5 fixed */
    { "failed", "setup" },                    /* Q5 fixed: retry */
    { "setup", "active" },
    { "active", "completed" },
    { "active", "failed" },
    { "active", "postcopy-device" },
    { "active", "postcopy-active" },
    { "postcopy-device", "postcopy-active" },
    { "postcopy-device", "failed" },
    /* x-postcopy-safe-start: wait for recovery after PONG(0x42). */
    { "postcopy-device", "postcopy-paused" },
    { "postcopy-active", "completed" },
    { "postcopy-active", "postcopy-paused" },
    { "postcopy-paused", "postcopy-recover" },
    { "postcopy-recover", "postcopy-active" },
    { "postcopy-recover", "postcopy-paused" },
    { "active", "colo" },
    { "colo", "completed" },
};

static int status(const char *name)
{
    int s = qapi_enum_parse(&MigrationStatus_lookup, name);

    g_assert_cmpint(s, >=, 0);
    return s;
}

static void check_side(MigrationSide side, const Row *rows, size_t n)
{
    bool expected[N][N] = { { false } };

    for (size_t i = 0; i < n; i++) {
        expected[status(rows[i].from)][status(rows[i].to)] = true;
    }
    /* Every pair: allowed exactly when the spec lists it. */
    for (int from = 0; from < N; from++) {
        for (int to = 0; to < N; to++) {
            if (migration_transition_allowed(side, from, to) !=
                expected[from][to]) {
                g_test_message("%s: %s -> %s should be %s",
                               migration_side_str(side), status_names[from],
                               status_names[to],
                               expected[from][to] ? "allowed" : "refused");
                g_test_fail();
            }
        }
    }
}

static void test_source_table(void)
{
    check_side(MIGRATION_SIDE_SOURCE, source_rows,
               G_N_ELEMENTS(source_rows));
}

static void test_destination_table(void)
{
    check_side(MIGRATION_SIDE_DESTINATION, destination_rows,
               G_N_ELEMENTS(destination_rows));
    /* The destination never uses these (spec 3.2 notes). */
    for (int from = 0; from < N; from++) {
        g_assert_false(migration_transition_allowed(
            MIGRATION_SIDE_DESTINATION, from, MIGRATION_STATUS_CANCELLING));
        g_assert_false(migration_transition_allowed(
            MIGRATION_SIDE_DESTINATION, from, MIGRATION_STATUS_DEVICE));
        g_assert_false(migration_transition_allowed(
            MIGRATION_SIDE_DESTINATION, from,
            MIGRATION_STATUS_PRE_SWITCHOVER));
    }
    g_assert_false(migration_transition_allowed(MIGRATION_SIDE_SOURCE, -1,
                                                MIGRATION_STATUS_SETUP));
    g_assert_false(migration_transition_allowed(MIGRATION_SIDE_SOURCE,
                                                MIGRATION_STATUS_NONE, N));
}

typedef struct Seen {
    int calls;
    MigrationSide side;
    MigrationStatus old, new_state;
} Seen;

static void record(MigrationSide side, MigrationStatus old,
                   MigrationStatus new_state, void *opaque)
{
    Seen *seen = opaque;

    qatomic_inc(&seen->calls);
    seen->side = side;
    seen->old = old;
    seen->new_state = new_state;
}

static void set_events(bool on)
{
    bool caps[MIGRATION_CAPABILITY__MAX] = { false };

    caps[MIGRATION_CAPABILITY_EVENTS] = on;
    migrate_caps_apply(caps);
}

static void test_setter(void)
{
    int word = MIGRATION_STATUS_NONE;
    Seen seen = { 0 };
    uint64_t events;

    migration_status_add_notifier(record, &seen);
    set_events(true);
    events = migration_status_events_sent();

    /* A real change: notifier and event. */
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, &word,
                                    MIGRATION_STATUS_NONE,
                                    MIGRATION_STATUS_SETUP));
    g_assert_cmpint(word, ==, MIGRATION_STATUS_SETUP);
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpint(seen.old, ==, MIGRATION_STATUS_NONE);
    g_assert_cmpint(seen.new_state, ==, MIGRATION_STATUS_SETUP);
    g_assert_cmpuint(migration_status_events_sent(), ==, events + 1);

    /* Stale expected value: nothing happens, no event. */
    g_assert_false(migrate_set_state(MIGRATION_SIDE_SOURCE, &word,
                                     MIGRATION_STATUS_ACTIVE,
                                     MIGRATION_STATUS_DEVICE));
    g_assert_cmpint(word, ==, MIGRATION_STATUS_SETUP);
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpuint(migration_status_events_sent(), ==, events + 1);

    /* Forbidden by the table, although the expected value matches. */
    g_assert_false(migrate_set_state(MIGRATION_SIDE_SOURCE, &word,
                                     MIGRATION_STATUS_SETUP,
                                     MIGRATION_STATUS_DEVICE));
    g_assert_false(migrate_set_state(MIGRATION_SIDE_DESTINATION, &word,
                                     MIGRATION_STATUS_SETUP,
                                     MIGRATION_STATUS_CANCELLING));
    g_assert_cmpint(word, ==, MIGRATION_STATUS_SETUP);
    g_assert_cmpint(seen.calls, ==, 1);

    /* Q7: cancelling -> cancelling succeeds and emits again. */
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, &word,
                                    MIGRATION_STATUS_SETUP,
                                    MIGRATION_STATUS_CANCELLING));
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, &word,
                                    MIGRATION_STATUS_CANCELLING,
                                    MIGRATION_STATUS_CANCELLING));
    g_assert_cmpint(seen.calls, ==, 3);
    g_assert_cmpuint(migration_status_events_sent(), ==, events + 3);

    /* Without the events capability: notifiers run, no event. */
    set_events(false);
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, &word,
                                    MIGRATION_STATUS_CANCELLING,
                                    MIGRATION_STATUS_CANCELLED));
    g_assert_cmpint(seen.calls, ==, 4);
    g_assert_cmpint(seen.side, ==, MIGRATION_SIDE_SOURCE);
    g_assert_cmpuint(migration_status_events_sent(), ==, events + 3);

    migration_status_remove_notifier(record, &seen);
    word = MIGRATION_STATUS_NONE;
    g_assert_true(migrate_set_state(MIGRATION_SIDE_DESTINATION, &word,
                                    MIGRATION_STATUS_NONE,
                                    MIGRATION_STATUS_SETUP));
    g_assert_cmpint(seen.calls, ==, 4);
}

typedef struct Racer {
    int *word;
    int *go;
    MigrationStatus to;
    bool won;
} Racer;

static gpointer race(gpointer opaque)
{
    Racer *r = opaque;

    while (!qatomic_read(r->go)) {
        /* spin: both threads start the CAS as close together as we can */
    }
    r->won = migrate_set_state(MIGRATION_SIDE_SOURCE, r->word,
                               MIGRATION_STATUS_ACTIVE, r->to);
    return NULL;
}

static void test_cas_two_threads(void)
{
    Seen seen = { 0 };
    int rounds = 500;

    migration_status_add_notifier(record, &seen);
    for (int i = 0; i < rounds; i++) {
        int word = MIGRATION_STATUS_ACTIVE;
        int go = 0;
        Racer a = { &word, &go, MIGRATION_STATUS_CANCELLING, false };
        Racer b = { &word, &go, MIGRATION_STATUS_FAILED, false };
        GThread *ta = g_thread_new("racer-a", race, &a);
        GThread *tb = g_thread_new("racer-b", race, &b);

        qatomic_set(&go, 1);
        g_thread_join(ta);
        g_thread_join(tb);
        /* Exactly one wins, and the status is the winner's. */
        g_assert_true(a.won != b.won);
        g_assert_cmpint(word, ==, a.won ? a.to : b.to);
    }
    g_assert_cmpint(qatomic_read(&seen.calls), ==, rounds);
    migration_status_remove_notifier(record, &seen);
}

/* spec 1, per status in enum order: running, active, in postcopy,
 * postcopy alive, postcopy paused, has failed. */
static const char *const predicate_rows[N] = {
    [MIGRATION_STATUS_NONE] = "......",
    [MIGRATION_STATUS_SETUP] = "R.....",
    [MIGRATION_STATUS_CANCELLING] = "R....F",
    [MIGRATION_STATUS_CANCELLED] = ".....F",
    [MIGRATION_STATUS_ACTIVE] = "RA....",
    [MIGRATION_STATUS_POSTCOPY_DEVICE] = "RAP...",
    [MIGRATION_STATUS_POSTCOPY_ACTIVE] = "RAPL..",
    [MIGRATION_STATUS_POSTCOPY_PAUSED] = "R.P.S.",
    [MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP] = "R.P.S.",
    [MIGRATION_STATUS_POSTCOPY_RECOVER] = "R.PL..",
    [MIGRATION_STATUS_COMPLETED] = "......",
    [MIGRATION_STATUS_FAILED] = ".....F",
    [MIGRATION_STATUS_COLO] = "R.....",
    [MIGRATION_STATUS_PRE_SWITCHOVER] = "R.....",
    [MIGRATION_STATUS_DEVICE] = "R.....",
    [MIGRATION_STATUS_WAIT_UNPLUG] = "R.....",
};

static void test_predicates(void)
{
    for (int s = 0; s < N; s++) {
        const char *row = predicate_rows[s];

        g_test_message("%s: %s", status_names[s], row);
        g_assert_cmpint(migration_status_is_running(s), ==, row[0] == 'R');
        g_assert_cmpint(migration_status_is_active(s), ==, row[1] == 'A');
        g_assert_cmpint(migration_status_in_postcopy(s), ==, row[2] == 'P');
        g_assert_cmpint(migration_status_postcopy_is_alive(s), ==,
                        row[3] == 'L');
        g_assert_cmpint(migration_status_postcopy_is_paused(s), ==,
                        row[4] == 'S');
        g_assert_cmpint(migration_status_has_failed(s), ==, row[5] == 'F');
    }
    g_assert_false(migration_status_is_running(N));
    g_assert_false(migration_status_has_failed(-1));
}

static void test_source_word(void)
{
    int *word = migration_source_status_word();

    migration_state_reset_for_test();
    g_assert_false(migration_is_running());
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, word,
                                    MIGRATION_STATUS_NONE,
                                    MIGRATION_STATUS_SETUP));
    g_assert_cmpint(migration_source_status(), ==, MIGRATION_STATUS_SETUP);
    g_assert_true(migration_is_running());
    /* No silent reset while running. */
    g_assert_false(migration_source_status_reset());
    g_assert_true(migrate_set_state(MIGRATION_SIDE_SOURCE, word,
                                    MIGRATION_STATUS_SETUP,
                                    MIGRATION_STATUS_FAILED));
    g_assert_true(migration_source_status_reset());
    g_assert_cmpint(migration_source_status(), ==, MIGRATION_STATUS_NONE);
    g_assert_cmpint(migration_incoming_status(), ==, MIGRATION_STATUS_NONE);
    migration_state_reset_for_test();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/status/enum", test_enum);
    g_test_add_func("/migration/status/source-table", test_source_table);
    g_test_add_func("/migration/status/destination-table",
                    test_destination_table);
    g_test_add_func("/migration/status/setter", test_setter);
    g_test_add_func("/migration/status/cas-two-threads",
                    test_cas_two_threads);
    g_test_add_func("/migration/status/predicates", test_predicates);
    g_test_add_func("/migration/status/source-word", test_source_word);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the postcopy test files share (postcopy-tests.c, the general
 * cases; postcopy-wait-tests.c, the preempt-channel waits): the
 * userfaultfd gate, the event-sequence checks, the common flow of
 * spec/qtest.md 3.3.7 (prepare, start postcopy, complete), the
 * destination's x-query-postcopy counters, and the recovery flow of
 * 3.3.8 with its injected failures. Every function asserts (g_error or
 * g_assert) rather than returning an error: a failed step ends the case.
 */
#ifndef TESTS_MIGRATION_POSTCOPY_COMMON_H
#define TESTS_MIGRATION_POSTCOPY_COMMON_H

#include "framework.h"

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

/* The destination times its vCPU's stalls (x-query-postcopy). */
#define POSTCOPY_STALL_PROBE "-global migration.x-vcpu-stall-probe=on"

/* How a recovery attempt fails before the one that succeeds. */
typedef enum {
    FAIL_NONE,
    FAIL_BAD_PORT,              /* resume to a port nobody listens on */
    FAIL_HANDSHAKE,             /* POSTCOPY_FAIL_RECOVERY */
    FAIL_CHANNEL_ESTABLISH,     /* POSTCOPY_FAIL_CHANNEL_ESTABLISH */
} RecoverFail;

/* ---- the host ---- */

/* NULL if a destination here can move whole huge pages in
 * (postcopy-place.c), else why not (a static string). */
const char *postcopy_host_cannot_move_huge_pages(void);

/* ---- events (the names each side's st->events recorded) ---- */

/* The recorded sequence contains `seq` (comma separated, in order). */
void postcopy_assert_events(QTestState *who, QTestMigrationState *st,
                            const char *seq);
/* No event named `what` was recorded. */
void postcopy_assert_no_event(QTestState *who, QTestMigrationState *st,
                              const char *what);

/* ---- the common flow ---- */

/* "unix:<the test's temporary folder>/name"; the caller frees it. */
char *postcopy_unix_uri(const char *name);
/* Start both processes with postcopy-ram, postcopy-blocktime (and
 * postcopy-preempt) before args->start.caps, and migrate, still in
 * precopy. */
void postcopy_prepare(QTestState **from, QTestState **to,
                      PostcopyArgs *args);
/* `passes` precopy passes, then migrate-start-postcopy; returns once the
 * destination runs. */
void postcopy_start(QTestState *from, QTestState *to, int passes);
/* Wait for completion, check blocktime where the host can, quit both
 * after proving the destination's memory. */
void postcopy_complete(QTestState *from, QTestState *to);
/* A member of `who`'s x-query-postcopy (qemu-cr16's postcopy counters). */
int64_t postcopy_debug_int(QTestState *who, const char *key);
bool postcopy_debug_bool(QTestState *who, const char *key);
/* The requested pages went on the preempt channel (preempt) or the main
 * one, and the destination's vCPU stalled on them. */
void postcopy_assert_urgent_channel(QTestState *from, QTestState *to,
                                    bool preempt);
/* A failure in postcopy-device: the source runs again, memory intact
 * (it is stopped on return). */
void postcopy_assert_source_resumed(QTestState *from);
/* migrate_cancel is refused and the source stays in `status`. */
void postcopy_cancel_refused(QTestState *from, const char *status);

/* ---- recovery ---- */

/* The destination listens anew at uri, the source resumes to it, and
 * both are postcopy-active again. */
void postcopy_recover_at(QTestState *from, QTestState *to, const char *uri);
/* A recovery attempt over socketpairs that fails at `stage`; both sides
 * end postcopy-paused. cancel_in_recover: check the refusal of
 * migrate_cancel in postcopy-recover first. */
void postcopy_recover_fail_fd(QTestState *from, QTestState *to,
                              RecoverFail stage, bool cancel_in_recover);
/* Postcopy with a slow background stream, then pause and recovery: three
 * times (alternating the side that pauses) with FAIL_NONE, else once
 * after one failed attempt; then completion. */
void test_postcopy_recovery_common(PostcopyArgs *args, RecoverFail stage);
/* An end hook: the destination went to postcopy-recover three times. */
void postcopy_assert_three_recoveries(QTestState *from, QTestState *to,
                                      void *opaque);
/* A `recovered` hook: recovery `cycle` completed its POSTCOPY_RESUME on
 * the destination with its own preempt channel. */
void postcopy_assert_resumed_with_preempt(QTestState *from, QTestState *to,
                                          int cycle);

#endif /* TESTS_MIGRATION_POSTCOPY_COMMON_H */

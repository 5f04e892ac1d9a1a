/*
 * QMP helpers of the migration suite (spec/qtest.md 3.4): commands with
 * their checks, status polling with deadlines, and event bookkeeping for
 * STOP/RESUME, which the harness may read while it waits for something
 * else.
 */
#ifndef TESTS_MIGRATION_QMP_H
#define TESTS_MIGRATION_QMP_H

#include "libqtest.h"

typedef struct QTestMigrationState {
    bool stop_seen;
    bool resume_seen;
} QTestMigrationState;

/* Track STOP/RESUME of who in st (installs the event callback). */
void migrate_watch_events(QTestState *who, QTestMigrationState *st);

/*
 * migrate on who. Exactly one of uri / channels (JSON text of a
 * MigrationChannel list) may be given; with neither, the URI is derived
 * from to's listening address. Ports "0" in channels are replaced by to's
 * real port. extra: more arguments as JSON object members ("" or e.g.
 * "'resume': true").
 */
void migrate_qmp(QTestState *who, QTestState *to, const char *uri,
                 const char *channels, const char *extra);
/* Same, but the command must fail; returns the error's desc (g_free).
 * Both uri and channels may be given (or neither) here. */
char *migrate_qmp_fail(QTestState *who, const char *uri,
                       const char *channels, const char *extra);
/* events on, then migrate-incoming; waits for the `setup` event. */
void migrate_incoming_qmp(QTestState *to, const char *uri,
                          const char *channels, const char *extra);

void migrate_set_capability(QTestState *who, const char *cap, bool value);
/* Set and read back through query-migrate-parameters. */
void migrate_set_parameter_int(QTestState *who, const char *param,
                               long long value);
void migrate_set_parameter_bool(QTestState *who, const char *param,
                                bool value);
void migrate_ensure_non_converge(QTestState *who);
void migrate_ensure_converge(QTestState *who);

void migrate_cancel(QTestState *who);
void migrate_continue(QTestState *who, const char *state);

/* query-migrate's return value. */
JsonObject *migrate_query(QTestState *who);
/* status (must be present; g_free). */
char *migrate_query_status(QTestState *who);
/* ram.<key> or 0 when absent; asserts the status is not failed. */
int64_t read_ram_property_int(QTestState *who, const char *key);
/* <key> or 0 when absent; asserts the status is not failed. */
int64_t read_migrate_property_int(QTestState *who, const char *key);
uint64_t get_migration_pass(QTestState *who);

/*
 * Poll until status == goal (120 s). ungoals: NULL-terminated list of
 * statuses that fail the test, or NULL for "failed, and completed unless
 * it is the goal".
 */
void wait_for_migration_status(QTestState *who, const char *goal,
                               const char **ungoals);
void wait_for_migration_complete(QTestState *who);
/* Until `failed`; every status seen must be setup or failed (or active
 * when allowed); then the guest must still be running. */
void wait_for_migration_fail(QTestState *from, bool allow_active);
/* Until a MIGRATION event with this status arrives. */
void migration_event_wait(QTestState *who, const char *status);
/* Until ram.dirty-sync-count changed twice, or STOP was seen. */
void wait_for_migration_pass(QTestState *who, QTestMigrationState *st);

void wait_for_stop(QTestState *who, QTestMigrationState *st);
void wait_for_resume(QTestState *who, QTestMigrationState *st);

/* query-status "status" (g_free). */
char *query_run_state(QTestState *who);
/* "tcp:h:p" / "unix:p" from to's query-migrate socket-address[0]. */
char *migrate_get_connect_uri(QTestState *to);

#endif /* TESTS_MIGRATION_QMP_H */

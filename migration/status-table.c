/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The allowed MigrationStatus transitions of each side (spec 2.2 and
 * 3.2, every row) and the predicates of spec section 1.  Plain data: the
 * CAS setter (status.c) checks against it and the documentation
 * generator prints it, so code and diagram cannot disagree.
 */
#include "qemu/osdep.h"
#include "migration/status.h"

#define S(x)        (1u << MIGRATION_STATUS_##x)
#define SRC         MIGRATION_SIDE_SOURCE
#define DST         MIGRATION_SIDE_DESTINATION
#define TO(x)       MIGRATION_STATUS_##x

G_STATIC_ASSERT(MIGRATION_STATUS__MAX <= 32);

static const MigrationTransition table[] = {
    /* ---- source (spec 2.2) ---- */
    { SRC, S(NONE), TO(SETUP),
      "migrate accepted (after a silent reset to none from completed, "
      "failed or cancelled)" },
    { SRC, S(SETUP), TO(FAILED),
      "transport start or connect failure, CPR save failure, multifd "
      "channel setup failure, connect hook failure" },
    { SRC, S(SETUP), TO(WAIT_UNPLUG),
      "handlers set up; a failover device is still unplugging" },
    { SRC, S(WAIT_UNPLUG), TO(ACTIVE),
      "unplug finished" },
    { SRC, S(SETUP), TO(ACTIVE),
      "state handlers set up (also when their setup failed: the failure "
      "then shows as active -> failed)" },
    { SRC, S(ACTIVE), TO(FAILED),
      "stream, channel or multifd error; handler setup failure; error in "
      "completion or postcopy start" },
    { SRC, S(ACTIVE), TO(PRE_SWITCHOVER),
      "switchover begins with pause-before-switchover (VM already "
      "stopped)" },
    { SRC, S(PRE_SWITCHOVER), TO(DEVICE),
      "migrate-continue woke the migration thread" },
    { SRC, S(ACTIVE), TO(DEVICE),
      "switchover begins (VM already stopped)" },
    { SRC, S(DEVICE), TO(COMPLETED),
      "precopy: all state sent, return path closed cleanly" },
    { SRC, S(DEVICE), TO(COLO),
      "as completed, with x-colo" },
    { SRC, S(DEVICE), TO(FAILED),
      "device serialisation, return-path or stream error; failure inside "
      "postcopy start" },
    { SRC, S(DEVICE), TO(POSTCOPY_DEVICE),
      "postcopy package sent, a return path exists" },
    { SRC, S(DEVICE), TO(POSTCOPY_ACTIVE),
      "postcopy package sent, no return path" },
    { SRC, S(POSTCOPY_DEVICE), TO(POSTCOPY_ACTIVE),
      "the migration thread saw PONG(0x42)" },
    { SRC, S(POSTCOPY_DEVICE), TO(FAILED),
      "any stream error before the destination confirmed the package" },
    { SRC, S(POSTCOPY_ACTIVE), TO(COMPLETED),
      "all data sent, destination SHUT(0)" },
    { SRC, S(POSTCOPY_ACTIVE), TO(POSTCOPY_PAUSED),
      "error on the main or preempt channel (also migrate-pause, yank)" },
    { SRC, S(POSTCOPY_ACTIVE), TO(FAILED),
      "return-path error or a channel error first seen by completion" },
    { SRC, S(POSTCOPY_PAUSED), TO(POSTCOPY_RECOVER_SETUP),
      "migrate with resume: true" },
    { SRC, S(POSTCOPY_RECOVER_SETUP), TO(POSTCOPY_PAUSED),
      "connecting the new channel failed" },
    { SRC, S(POSTCOPY_RECOVER_SETUP), TO(POSTCOPY_RECOVER),
      "new channel connected" },
    { SRC, S(POSTCOPY_RECOVER), TO(POSTCOPY_ACTIVE),
      "RESUME_ACK(1) received on the return path" },
    { SRC, S(POSTCOPY_RECOVER), TO(POSTCOPY_PAUSED),
      "resume handshake or channel error, migrate-pause" },
    { SRC, S(SETUP) | S(WAIT_UNPLUG) | S(ACTIVE) | S(PRE_SWITCHOVER) |
           S(DEVICE) | S(COLO) | S(CANCELLING), TO(CANCELLING),
      "migrate_cancel (again from cancelling: a second event)" },
    { SRC, S(POSTCOPY_DEVICE) | S(POSTCOPY_ACTIVE) | S(POSTCOPY_PAUSED) |
           S(POSTCOPY_RECOVER_SETUP) | S(POSTCOPY_RECOVER), TO(CANCELLING),
      "the internal cancel at exit (QMP refuses to cancel postcopy)" },
    { SRC, S(CANCELLING), TO(CANCELLED),
      "cleanup after the migration thread exited" },
    { SRC, S(COLO), TO(COMPLETED),
      "COLO failover" },
    { SRC, S(SETUP), TO(COMPLETED),
      "snapshot saving finished (snapshot-save, savevm)" },
    { SRC, S(ACTIVE), TO(COMPLETED),
      "background snapshot finished" },
    { SRC, S(NONE), TO(FAILED),
      "a channel-accept error on the destination marks the outgoing "
      "status (spec Q6)" },

    /* ---- destination (spec 3.2) ---- */
    { DST, S(NONE), TO(SETUP),
      "migrate-incoming or -incoming, after the argument and transport "
      "checks" },
    { DST, S(SETUP), TO(FAILED),
      "the incoming transport could not be started (bind error, ...): "
      "Q5 fixed, see the notes" },
    { DST, S(FAILED), TO(SETUP),
      "migrate-incoming retried after its transport failed to start "
      "(Q5 fixed)" },
    { DST, S(SETUP), TO(ACTIVE),
      "main channel (and every multifd channel) connected" },
    { DST, S(ACTIVE), TO(COMPLETED),
      "stream loaded; the VM was started or left paused first" },
    { DST, S(ACTIVE), TO(FAILED),
      "any load error" },
    { DST, S(ACTIVE), TO(POSTCOPY_DEVICE),
      "POSTCOPY_LISTEN with a return path" },
    { DST, S(ACTIVE), TO(POSTCOPY_ACTIVE),
      "POSTCOPY_LISTEN without a return path" },
    { DST, S(POSTCOPY_DEVICE), TO(POSTCOPY_ACTIVE),
      "POSTCOPY_RUN processed" },
    { DST, S(POSTCOPY_DEVICE), TO(FAILED),
      "load error before POSTCOPY_RUN" },
    { DST, S(POSTCOPY_DEVICE), TO(POSTCOPY_PAUSED),
      "x-postcopy-safe-start: the channel failed after PONG(0x42), so the "
      "source may have committed; wait for recovery (not in QEMU)" },
    { DST, S(POSTCOPY_ACTIVE), TO(COMPLETED),
      "EOF read and device load done (or a dirty-bitmaps-only load "
      "error)" },
    { DST, S(POSTCOPY_ACTIVE), TO(POSTCOPY_PAUSED),
      "load or channel error with postcopy-ram, migrate-pause" },
    { DST, S(POSTCOPY_PAUSED), TO(POSTCOPY_RECOVER),
      "new main channel accepted after migrate-recover" },
    { DST, S(POSTCOPY_RECOVER), TO(POSTCOPY_ACTIVE),
      "POSTCOPY_RESUME received (RESUME_ACK(1) sent)" },
    { DST, S(POSTCOPY_RECOVER), TO(POSTCOPY_PAUSED),
      "channel error during recovery" },
    { DST, S(ACTIVE), TO(COLO),
      "COLO (x-colo)" },
    { DST, S(COLO), TO(COMPLETED),
      "COLO failover" },
};

const MigrationTransition *migration_transition_table(size_t *count)
{
    *count = G_N_ELEMENTS(table);
    return table;
}

const char *migration_side_str(MigrationSide side)
{
    return side == MIGRATION_SIDE_SOURCE ? "source" : "destination";
}

bool migration_transition_allowed(MigrationSide side, MigrationStatus old,
                                  MigrationStatus new_state)
{
    if (old < 0 || old >= MIGRATION_STATUS__MAX ||
        new_state < 0 || new_state >= MIGRATION_STATUS__MAX) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
        if (table[i].side == side && table[i].to == new_state &&
            (table[i].from_mask & (1u << old))) {
            return true;
        }
    }
    return false;
}

static bool status_in(MigrationStatus s, uint32_t mask)
{
    return s >= 0 && s < MIGRATION_STATUS__MAX && (mask & (1u << s));
}

bool migration_status_is_running(MigrationStatus s)
{
    return status_in(s, S(SETUP) | S(WAIT_UNPLUG) | S(ACTIVE) |
                        S(PRE_SWITCHOVER) | S(DEVICE) | S(POSTCOPY_DEVICE) |
                        S(POSTCOPY_ACTIVE) | S(POSTCOPY_PAUSED) |
                        S(POSTCOPY_RECOVER_SETUP) | S(POSTCOPY_RECOVER) |
                        S(CANCELLING) | S(COLO));
}

bool migration_status_is_active(MigrationStatus s)
{
    return status_in(s, S(ACTIVE) | S(POSTCOPY_DEVICE) | S(POSTCOPY_ACTIVE));
}

bool migration_status_in_postcopy(MigrationStatus s)
{
    return status_in(s, S(POSTCOPY_DEVICE) | S(POSTCOPY_ACTIVE) |
                        S(POSTCOPY_PAUSED) | S(POSTCOPY_RECOVER_SETUP) |
                        S(POSTCOPY_RECOVER));
}

bool migration_status_postcopy_is_alive(MigrationStatus s)
{
    return status_in(s, S(POSTCOPY_ACTIVE) | S(POSTCOPY_RECOVER));
}

bool migration_status_postcopy_is_paused(MigrationStatus s)
{
    return status_in(s, S(POSTCOPY_PAUSED) | S(POSTCOPY_RECOVER_SETUP));
}

bool migration_status_has_failed(MigrationStatus s)
{
    return status_in(s, S(CANCELLING) | S(CANCELLED) | S(FAILED));
}

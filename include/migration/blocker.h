/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration blockers: reasons why an outgoing migration must be refused
 * right now, registered by whoever holds state that cannot be migrated
 * (spec/migration-states-and-qmp.md 7.1 step 6 and 7.10
 * `blocked-reasons`).
 *
 * A blocker is a GError whose message is the reason. Registering hands
 * the GError to the registry (the caller keeps the pointer as a handle
 * for migrate_del_blocker()); a refusal frees it and clears *reasonp.
 * Main thread (BQL); the registry has its own lock, so query paths in
 * other threads are safe too.
 */
#ifndef MIGRATION_BLOCKER_H
#define MIGRATION_BLOCKER_H

#include "qapi/qapi-types.h"

/* Mask of MigMode values a blocker applies to. */
#define MIG_BLOCKER_MODES_ALL ((1u << MIG_MODE__MAX) - 1)

/*
 * Block migration in every mode for the reason *reasonp. Refused while a
 * migration is running or a snapshot is being taken ("disallowing
 * migration blocker (migration/snapshot in progress) for: <reason>"):
 * then returns -EBUSY, frees *reasonp and sets it to NULL. 0 on success.
 */
int migrate_add_blocker(GError **reasonp, GError **errp);
/* The same for the modes in the mask (bit n = MigMode n). */
int migrate_add_blocker_modes(GError **reasonp, unsigned modes,
                              GError **errp);
/* The same without the busy check: for state that appears while a
 * migration runs and must block only the next one. */
int migrate_add_blocker_internal(GError **reasonp, GError **errp);

/* Remove the blocker *reasonp from every mode, free it, clear *reasonp.
 * No effect when *reasonp is NULL. */
void migrate_del_blocker(GError **reasonp);

/*
 * True (errp set) when an outgoing migration in the current mode must be
 * refused: a non-migratable device first ("State blocked by non-migratable
 * device '<id>'"), then the most recently added blocker's text.
 */
bool migration_is_blocked(GError **errp);

/*
 * query-migrate's `blocked-reasons` for the current mode: blocker texts
 * oldest first, then "non-migratable device: <id>" per non-migratable
 * device in reverse registration order. NULL when nothing blocks.
 */
strList *migration_blocked_reasons(void);

#endif /* MIGRATION_BLOCKER_H */

/*
 * Private to migration/options*.c and their tests: the checks and the
 * all-or-nothing apply step behind migrate-set-capabilities,
 * migrate-set-parameters and -global migration.<prop>.
 */
#ifndef MIGRATION_OPTIONS_INTERNAL_H
#define MIGRATION_OPTIONS_INTERNAL_H

#include "migration/options.h"

/* Capabilities this build implements; enabling any other one is refused. */
bool migrate_cap_supported(MigrationCapability cap);

/* Copy of the current capability set. */
void migrate_caps_get(bool caps[MIGRATION_CAPABILITY__MAX]);
/*
 * Check new_caps (the complete set after a change) against the rules of
 * spec 7.8 in their order, then refuse unsupported capabilities.  old_caps
 * is the set before the change ("newly enabled" rules).  Warnings (the
 * zero-blocks deprecation) go to stderr.
 */
bool migrate_caps_check(const bool *old_caps, const bool *new_caps,
                        GError **errp);
/* Store a checked set. */
void migrate_caps_apply(const bool *new_caps);

/*
 * A complete copy of the current parameters, every member present
 * (tls-* and cpr-exec-command filled in as reported), except
 * block-bitmap-mapping which is present only once set.
 */
MigrationParameters *migrate_params_get(void);
/* Check a complete parameter set (spec 7.9 order); false with errp. */
bool migrate_params_check(const MigrationParameters *p, GError **errp);
/* Store a checked complete set; takes ownership of p. */
void migrate_params_apply(MigrationParameters *p);
/*
 * Merge the members given in a migrate-set-parameters request into a
 * copy of the current parameters (null TLS strings become "").  Caller
 * frees the result.
 */
MigrationParameters *migrate_params_merge(const MigrateSetParameters *req);

/* The migration object's switches back to their defaults. */
void migration_object_flags_reset(void);

/* Defaults for everything (capabilities, parameters, object flags). */
void migration_options_reset(void);

#endif /* MIGRATION_OPTIONS_INTERNAL_H */

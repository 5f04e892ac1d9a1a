/*
 * Migration capabilities and parameters: the values set with
 * migrate-set-capabilities / migrate-set-parameters (and -global
 * migration.*), read by the rest of migration/ through these accessors.
 * Capabilities only change while no migration runs and are read with
 * atomics.  Parameters may change at any time (migrate-set-parameters is
 * allowed during a migration); numeric and enum accessors take a short
 * lock, so any thread may call them.  The string accessors return the
 * stored string, valid until the next change of that parameter: call
 * them from the main thread (BQL held) or copy the result at once.
 * Implemented in migration/options.c.
 */
#ifndef MIGRATION_OPTIONS_H
#define MIGRATION_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/qapi-types.h"

/* ---- capabilities ---- */
bool migrate_auto_converge(void);
bool migrate_dirty_limit(void);
bool migrate_events(void);
bool migrate_postcopy_ram(void);
bool migrate_postcopy_preempt(void);
bool migrate_postcopy_blocktime(void);
bool migrate_release_ram(void);
/* Beyond QEMU (docs/interop/postcopy-safe-start.rst). */
bool migrate_postcopy_safe_start(void);
bool migrate_ram_digest(void);
uint64_t migrate_postcopy_device_timeout_ms(void);   /* 0: no limit */
/* Beyond QEMU: convergence (migration/convergence.h; 0 = off). */
bool migrate_convergence_report(void);
uint32_t migrate_stall_detect_passes(void);
uint64_t migrate_downtime_ramp_initial(void);     /* ms, 0 = downtime-limit */
uint64_t migrate_downtime_ramp_step(void);        /* ms */
uint64_t migrate_downtime_ramp_max(void);         /* ms, 0 = ramp off */
uint64_t migrate_completion_budget_ms(void);      /* 0 = no budget */
MigrationBudgetAction migrate_completion_budget_action(void);
bool migrate_return_path(void);
bool migrate_pause_before_switchover(void);
bool migrate_switchover_ack(void);
bool migrate_validate_uuid(void);
bool migrate_xbzrle(void);
bool migrate_multifd(void);
bool migrate_mapped_ram(void);
bool migrate_dirty_bitmaps(void);
bool migrate_background_snapshot(void);
bool migrate_zero_copy_send(void);
bool migrate_ignore_shared(void);
bool migrate_late_block_activate(void);
/* Cap by QAPI enum value. */
bool migrate_cap(MigrationCapability cap);
/* True when the stream uses a return path (return-path or postcopy-ram). */
bool migrate_uses_return_path(void);

/* ---- parameters ---- */
uint64_t migrate_max_bandwidth(void);             /* bytes/s */
uint64_t migrate_avail_switchover_bandwidth(void);/* bytes/s, 0 = unset */
uint64_t migrate_downtime_limit(void);            /* ms */
uint64_t migrate_max_postcopy_bandwidth(void);    /* bytes/s, 0 = unlimited */
uint8_t migrate_cpu_throttle_initial(void);
uint8_t migrate_cpu_throttle_increment(void);
bool migrate_cpu_throttle_tailslow(void);
uint8_t migrate_max_cpu_throttle(void);
uint8_t migrate_throttle_trigger_threshold(void);
uint64_t migrate_xbzrle_cache_size(void);         /* bytes */
int migrate_multifd_channels(void);
MultiFDCompression migrate_multifd_compression(void);
int migrate_multifd_zlib_level(void);
int migrate_multifd_zstd_level(void);
ZeroPageDetection migrate_zero_page_detection(void);
const char *migrate_tls_creds(void);              /* "" = off */
const char *migrate_tls_hostname(void);
const char *migrate_tls_authz(void);
bool migrate_direct_io(void);
uint64_t migrate_announce_initial(void);
uint64_t migrate_announce_max(void);
uint64_t migrate_announce_rounds(void);
uint64_t migrate_announce_step(void);
int migrate_multifd_qatzip_level(void);
uint32_t migrate_checkpoint_delay(void);         /* ms */
uint64_t migrate_vcpu_dirty_limit_period(void);  /* ms */
uint64_t migrate_vcpu_dirty_limit(void);         /* MB/s */
MigMode migrate_mode(void);
/* True when tls-creds is non-empty. */
bool migrate_tls(void);
/*
 * cpr-exec-command as a NULL-terminated vector (g_strfreev), NULL when
 * unset.
 */
char **migrate_cpr_exec_command(void);

/*
 * ---- properties of the migration object (-global migration.<prop>) ----
 * Stream-shaping switches (migration-wire-format.md 0.3); their defaults
 * are the 10.2 machine-type defaults.
 */
bool migrate_send_configuration(void);          /* default on */
bool migrate_send_section_footer(void);         /* default on */
bool migrate_send_switchover_start(void);       /* default on */
/* Destination reports postcopy-device (10.2); off: as older QEMUs,
 * active -> postcopy-active at POSTCOPY_LISTEN. Default on. */
bool migrate_postcopy_device_state(void);
/* Time the destination vCPU's stalls on missing postcopy pages
 * (x-query-postcopy; postcopy-stall.h). A measuring aid that costs two
 * atomic operations per TLB fill during postcopy. Default off. */
bool migrate_vcpu_stall_probe(void);
bool migrate_store_global_state(void);          /* default on */
bool migrate_multifd_flush_after_each_section(void); /* default off */
bool migrate_multifd_clean_tls_termination(void);    /* default on */
bool migrate_preempt_pre_7_2(void);             /* default off */

/*
 * Create the "migration" QOM object and apply -global migration.<prop>
 * values to it, then check the resulting capabilities and parameters as
 * migrate-set-capabilities / migrate-set-parameters would.  Called once
 * by main() after parsing -global and before the unused-globals check.
 * False with errp set on a bad value or a refused combination.
 */
bool migration_object_init(GError **errp);

#endif /* MIGRATION_OPTIONS_H */

/*
 * Migration capabilities and parameters: the values set with
 * migrate-set-capabilities / migrate-set-parameters (and -global
 * migration.*), read by the rest of migration/ through these accessors.
 * The accessors take no lock: values only change while no migration runs
 * (QEMU's rule; set commands refuse otherwise where the spec says so), or
 * are read with atomics (bandwidth, downtime-limit, throttle).
 */
#ifndef MIGRATION_OPTIONS_H
#define MIGRATION_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/qapi-types.h"

/* ---- capabilities ---- */
bool migrate_auto_converge(void);
bool migrate_events(void);
bool migrate_postcopy_ram(void);
bool migrate_postcopy_preempt(void);
bool migrate_postcopy_blocktime(void);
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

#endif /* MIGRATION_OPTIONS_H */

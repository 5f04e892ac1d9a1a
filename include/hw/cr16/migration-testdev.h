/*
 * migration-testdev: a device that exists to exercise migration paths
 * real guests rarely hit (-device migration-testdev,...). It has no
 * registers; tests drive and check it through QOM properties.
 *
 * Configuration properties (set before realize):
 *   "state-size"     size (suffixes k, M, ... allowed), bytes of the
 *                    state blob (default 4096, at most
 *                    MIGRATION_TESTDEV_MAX_STATE)
 *   "load-delay-ms"  uint32, the destination sleeps this long while
 *                    loading the device (default 0)
 *   "fail-load"      bool, the destination's load of the device fails
 *                    with "migration-testdev: load failure requested by
 *                    fail-load" (default off)
 *   "switchover-ack" bool, the device asks for switchover
 *                    acknowledgement; source and destination must agree
 *                    (default off). It then also has a live entry
 *                    "migration-testdev-ack" whose START section the
 *                    destination must load before it approves.
 *   "migration-blocker" string: while the device exists, outgoing
 *                    migration is blocked with this text (a migration
 *                    blocker, include/migration/blocker.h); realize fails
 *                    while a migration runs
 *   "unmigratable"   bool, the device also registers a state entry
 *                    "migration-testdev-unmigratable" flagged
 *                    unmigratable (default off)
 *   "dirty-base", "dirty-size"  physical range (page aligned, inside
 *                    RAM) the dirtier writes; size 0 (default): none
 * Run-time properties:
 *   "sequence"       uint32, read/write: writing refills the blob with the
 *                    pattern of that sequence number and updates checksum
 *   "checksum"       uint32, read-only: the checksum the blob must have
 *   "pattern-ok"     bool, read-only: the blob is exactly the pattern of
 *                    "sequence" and matches "checksum"
 *   "hold-switchover-ack" bool, read/write: while on, the destination
 *                    does not approve the switchover even after loading
 *                    the precopy data; turning it off approves then.
 *   "dirty-pages-per-ms" uint32, read/write: the dirtier writes this
 *                    many pages of the dirty range per ms of virtual time
 *                    (cycling through it; the first 8 bytes of a page get
 *                    the running count), so tests set the guest's dirty
 *                    rate at run time; 0 (default) stops it. Not migrated.
 *   "dirty-count"    uint64, read-only: pages the dirtier has written
 */
#ifndef HW_CR16_MIGRATION_TESTDEV_H
#define HW_CR16_MIGRATION_TESTDEV_H

#define TYPE_MIGRATION_TESTDEV "migration-testdev"
#define MIGRATION_TESTDEV_MAX_STATE (256u * 1024 * 1024)

#endif /* HW_CR16_MIGRATION_TESTDEV_H */

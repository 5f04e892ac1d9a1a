/*
 * switchover-ack for state handlers on the destination
 * (spec/migration-states-and-qmp.md 5): an entry whose
 * SaveVMHandlers.switchover_ack_needed returns true is counted when the
 * return path opens; it calls qemu_loadvm_approve_switchover() once it
 * has loaded the precopy data it needs. When the last one approves, the
 * destination sends MIG_RP_MSG_SWITCHOVER_ACK and the source may stop
 * the guest.
 */
#ifndef MIGRATION_SWITCHOVER_H
#define MIGRATION_SWITCHOVER_H

#include <stdbool.h>
#include <glib.h>

/*
 * Approve the switchover (incoming thread, during the load). Fails when
 * no approval is pending ("switchover approved more often than asked")
 * or the ACK cannot be sent. With switchover-ack off on this side it does
 * nothing and succeeds.
 */
bool qemu_loadvm_approve_switchover(GError **errp);

#endif /* MIGRATION_SWITCHOVER_H */

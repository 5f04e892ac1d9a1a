/*
 * The system controller of the CR16 virt board: identification, the RAM
 * window bank, RAM size, power-off with an exit status, reset, and a
 * scratch register. Registers: hw/cr16/virt.h (VIRT_SYSCTL_*).
 *
 * Properties: "ram-size" (size, bytes; what VIRT_SYSCTL_RAM_SIZE reads).
 */
#ifndef HW_CR16_CR16_SYSCTL_H
#define HW_CR16_CR16_SYSCTL_H

#include "hw/qdev-core.h"

#define TYPE_CR16_SYSCTL "cr16-sysctl"

/*
 * Called with the new BANK value whenever it may have changed: a guest or
 * qtest write, reset and migration load. BQL held.
 */
typedef void Cr16SysctlBankFn(void *opaque, uint32_t bank);

/* Install the bank hook of sysctl (one; NULL removes it). BQL held. */
void cr16_sysctl_set_bank_hook(DeviceState *sysctl, Cr16SysctlBankFn *fn,
                               void *opaque);

#endif /* HW_CR16_CR16_SYSCTL_H */

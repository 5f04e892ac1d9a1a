/*
 * The QOM face of the CR16C CPU on the virt board (private to hw/cr16):
 * a device "cr16c-cr16-cpu" that owns a CR16CPU, registers its VMState, and
 * shows its registers as read-only uint32 properties named after them
 * ("r0".."r11", "r12", "r13", "ra", "sp", "pc", "psr", "cfg", "intbase",
 * "isp", "usp", ...), readable while the guest is not executing.
 */
#ifndef HW_CR16_CPU_OBJECT_H
#define HW_CR16_CPU_OBJECT_H

#include "hw/qdev-core.h"
#include "target/cr16/cpu.h"

/* The model name for -cpu and query-cpu-definitions, and the QOM type
 * name those report for it ("<model>-cr16-cpu"). */
#define CR16C_CPU_MODEL "cr16c"
#define TYPE_CR16C_CPU CR16C_CPU_MODEL "-cr16-cpu"

/* Hand cpu over to dev (before realize); dev frees it when finalized. */
void cr16_cpu_object_set_cpu(DeviceState *dev, CR16CPU *cpu);

/* The CPU of dev. */
CR16CPU *cr16_cpu_object_get_cpu(DeviceState *dev);

#endif /* HW_CR16_CPU_OBJECT_H */

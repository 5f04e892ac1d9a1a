/*
 * Private glue between system/physmem.c (RAM blocks) and system/memory.c
 * (the physical address map).
 */
#ifndef SYSTEM_MEMORY_INTERNAL_H
#define SYSTEM_MEMORY_INTERNAL_H

#include "system/memory.h"

/* Record where rb is mapped ((hwaddr)-1 = not mapped). BQL. */
void ram_block_set_phys_base(RAMBlock *rb, hwaddr base);

#endif /* SYSTEM_MEMORY_INTERNAL_H */

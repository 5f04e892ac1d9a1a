/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "none" machine: no CPU and no devices; RAM at physical 0 only when
 * -m is given. The test harness uses it to probe the emulator.
 */
#include "qemu/osdep.h"

#include "hw/boards.h"

static bool machine_none_init(MachineState *ms, GError **errp)
{
    /* Nothing to build: the core already mapped RAM if -m was given. */
    return true;
}

static void machine_none_machine_init(MachineClass *mc)
{
    mc->desc = "empty machine";
    mc->init = machine_none_init;
    mc->max_cpus = 1;
    mc->default_ram_size = 0;
    mc->default_ram_id = "ram";
    mc->ram_only_with_m = true;
}

DEFINE_MACHINE("none", machine_none_machine_init)

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The in-process machine of the fuzz targets (see fuzz-machine.h). */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "fuzz-machine.h"

/* The board the emulator builds by default (hw/cr16/virt.c). */
#define FUZZ_MACHINE_TYPE "virt"

void fuzz_machine_init(void)
{
    fuzz_machine_init_sized(0);
}

void fuzz_machine_init_sized(uint64_t ram_size)
{
    g_autoptr(GError) err = NULL;
    MachineClass *mc;
    MachineState *ms;

    main_loop_init();
    monitor_init_globals();
    /* What "-accel qtest" selects (system/accel-select.c). */
    qemu_virtual_clock_set_manual(true);
    qtest_set_accel_qtest(true);

    mc = machine_class_find(FUZZ_MACHINE_TYPE);
    if (!mc) {
        fprintf(stderr, "fuzz: no machine '%s'\n", FUZZ_MACHINE_TYPE);
        abort();
    }
    ms = machine_new(mc, &err);
    if (!ms) {
        fprintf(stderr, "fuzz: %s\n", err->message);
        abort();
    }
    ms->ram_size = ram_size ? ram_size : mc->default_ram_size;
    ms->ram_size_given = ram_size != 0;
    ms->smp_cpus = 1;
    if (!machine_run_board_init(ms, &err)) {
        fprintf(stderr, "fuzz: %s\n", err->message);
        abort();
    }
    qtest_set_has_cpu(true);
}

void fuzz_machine_settle(void)
{
    /* A bounded number of rounds: scheduled work may schedule more. */
    for (int i = 0; i < 8; i++) {
        main_loop_iterate_nonblocking();
    }
    qemu_system_reset(SHUTDOWN_CAUSE_SUBSYSTEM_RESET);
}

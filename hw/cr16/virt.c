/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CR16 "virt" board: one CR16C CPU, RAM at physical 0, and in address
 * order the system controller, interrupt controller, timer and UART at
 * the top of the 32-bit bus (addresses: include/hw/cr16/virt.h). The CPU
 * reaches RAM through its fixed low 8 MiB and a banked 4 MiB window.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "system/qtest.h"
#include "hw/boards.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/cr16/cr16-icu.h"
#include "hw/cr16/cr16-sysctl.h"
#include "hw/cr16/cr16-timer.h"
#include "hw/cr16/cr16-uart.h"
#include "hw/cr16/mmio-device.h"
#include "hw/cr16/virt.h"
#include "qemu/main-loop.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "system/system.h"
#include "system/vl.h"
#include "cpu-object.h"
#include "loader.h"
#include "virt-bus.h"

#define VIRT_STRINGIFY_(x) #x
#define VIRT_STRINGIFY(x) VIRT_STRINGIFY_(x)
/* Versioned machine name (the migration tests resolve it by alias). */
#define VIRT_MACHINE_NAME "virt-" VIRT_STRINGIFY(QEMU_VERSION_MAJOR) "." \
                          VIRT_STRINGIFY(QEMU_VERSION_MINOR)
#define VIRT_MACHINE_ALIAS "virt"
#define TYPE_VIRT_MACHINE MACHINE_TYPE_NAME(VIRT_MACHINE_NAME)

typedef struct VirtMachineState {
    MachineState parent_obj;

    VirtBus bus;            /* the CPU's view of the physical bus */
    CR16CPU *cpu;           /* owned by the "cpu" child object */
    DeviceState *icu;       /* child "icu": answers interrupt acknowledge */
    qemu_irq cpu_irq;       /* the CPU's INT input, driven by the ICU */
    Cr16Image *image;       /* -kernel/-bios image, reinstalled on reset */
    bool cpu_held;          /* no guest program: the CPU never leaves reset */
} VirtMachineState;

#define VIRT_MACHINE(obj) \
    OBJECT_CHECK(VirtMachineState, (obj), TYPE_VIRT_MACHINE)

/* ---- CPU glue ---- */

static VCPUExit virt_vcpu_exec(void *opaque, uint64_t budget)
{
    VirtMachineState *vms = opaque;

    if (vms->cpu_held) {
        return VCPU_EXIT_HALTED;
    }
    virt_bus_enter_vcpu(&vms->bus);
    switch (cr16_cpu_exec(vms->cpu, budget, NULL)) {
    case CR16_EXIT_HALTED:
        return VCPU_EXIT_HALTED;
    case CR16_EXIT_REQUEST:
        return VCPU_EXIT_REQUEST;
    case CR16_EXIT_BUDGET:
    default:
        return VCPU_EXIT_BUDGET;
    }
}

static void virt_vcpu_exit_request(void *opaque)
{
    VirtMachineState *vms = opaque;

    cr16_cpu_exit_request(vms->cpu);
}

static bool virt_vcpu_has_work(void *opaque)
{
    VirtMachineState *vms = opaque;

    return !vms->cpu_held && cr16_cpu_has_work(vms->cpu);
}

static const VCPUOps virt_vcpu_ops = {
    .exec = virt_vcpu_exec,
    .exit_request = virt_vcpu_exit_request,
    .has_work = virt_vcpu_has_work,
};

/* qemu_irq handler: the ICU's output line. */
static void virt_cpu_set_irq(void *opaque, int n, int level)
{
    VirtMachineState *vms = opaque;

    cr16_cpu_set_irq(vms->cpu, level);
}

/* The CPU takes INT (vCPU thread, usually without the BQL). */
static int virt_cpu_irq_ack(void *opaque)
{
    VirtMachineState *vms = opaque;
    bool locked = bql_locked();
    int vector;

    if (!locked) {
        bql_lock();
    }
    vector = cr16_icu_acknowledge(vms->icu);
    if (!locked) {
        bql_unlock();
    }
    return vector ? vector : -1;
}

static void virt_cpu_kick(void *opaque)
{
    cpus_kick();
}

/* ---- reset ---- */

static void virt_reset(void *opaque)
{
    VirtMachineState *vms = opaque;

    cr16_cpu_reset(vms->cpu);
    cr16_cpu_set_reg(vms->cpu, CR16_REG_ISP, VIRT_RESET_ISP);
    if (vms->image) {
        cr16_image_install(vms->image);
        cr16_cpu_set_reg(vms->cpu, CR16_REG_PC, cr16_image_entry(vms->image));
    }
}

/* ---- board construction ---- */

static bool virt_check_config(MachineState *ms, GError **errp)
{
    if (!ms->ram) {
        error_setg(errp, "the virt board needs RAM");
        return false;
    }
    /* The RAM size limit (max_ram_size) is checked by the machine core. */
    if (ms->cpu_type && !machine_cpu_model_resolve(ms->cpu_type) &&
        strcmp(ms->cpu_type, TYPE_CR16C_CPU)) {
        error_setg(errp, "unable to find CPU model '%s'", ms->cpu_type);
        return false;
    }
    if (ms->kernel_filename && ms->bios_filename) {
        error_setg(errp, "-kernel and -bios both load the guest program on "
                   "the virt board; give only one");
        return false;
    }
    return true;
}

/* -kernel FILE or -bios FILE (the same loader), or nothing. */
static bool virt_load_image(VirtMachineState *vms, GError **errp)
{
    MachineState *ms = MACHINE(vms);
    const char *path = ms->kernel_filename ? ms->kernel_filename
                                           : ms->bios_filename;
    const char *what = ms->kernel_filename ? "kernel" : "firmware";
    GError *err = NULL;

    if (!path) {
        /*
         * Nothing to run: zeroed RAM decodes as undefined instructions,
         * and a CPU faulting forever would only burn a host core. Like a
         * board without a boot ROM, the machine waits (QMP and qtest work;
         * quit ends it) with its CPU held in reset. Not with -incoming:
         * there the program and the CPU state arrive in the stream.
         */
        vms->cpu_held = !vl_incoming_uri();
        return true;
    }
    vms->image = cr16_image_load(path, ms->ram_size, &err);
    if (!vms->image) {
        error_setg(errp, "could not load %s '%s': %s", what, path,
                   err->message);
        g_error_free(err);
        return false;
    }
    return true;
}

/* Create dev as child `name` of the machine and realize it. */
static bool virt_realize_child(MachineState *ms, const char *name,
                               DeviceState *dev, GError **errp)
{
    bool ok;

    object_property_add_child(OBJECT(ms), name, OBJECT(dev));
    ok = qdev_realize(dev, errp);
    object_unref(OBJECT(dev));
    if (!ok) {
        error_prepend(errp, "%s: ", name);
        object_unparent(OBJECT(dev));
    }
    return ok;
}

static bool virt_init(MachineState *ms, GError **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);
    DeviceState *cpu_dev, *sysctl, *icu, *timer, *uart;

    if (!virt_check_config(ms, errp) || !virt_load_image(vms, errp)) {
        goto fail_image;
    }

    /* CPU. */
    vms->cpu = cr16_cpu_new(&virt_bus_ops, &vms->bus);
    cpu_dev = qdev_new(TYPE_CR16C_CPU);
    cr16_cpu_object_set_cpu(cpu_dev, vms->cpu);
    if (!virt_realize_child(ms, "cpu", cpu_dev, errp)) {
        goto fail_cpu;
    }

    /* Devices, in address order. */
    sysctl = qdev_new(TYPE_CR16_SYSCTL);
    qdev_prop_set_uint64(sysctl, "ram-size", ms->ram_size);
    if (!virt_realize_child(ms, "sysctl", sysctl, errp)) {
        goto fail_sysctl;
    }
    icu = qdev_new(TYPE_CR16_ICU);
    if (!virt_realize_child(ms, "icu", icu, errp)) {
        goto fail_icu;
    }
    timer = qdev_new(TYPE_CR16_TIMER);
    if (!virt_realize_child(ms, "timer", timer, errp)) {
        goto fail_timer;
    }
    uart = qdev_new(TYPE_CR16_UART);
    qdev_prop_set_chr(uart, "chardev", serial_hd(0));
    if (!virt_realize_child(ms, "uart", uart, errp)) {
        goto fail_uart;
    }

    /* Nothing below can fail. */
    cr16_mmio_device_map(sysctl, VIRT_SYSCTL_PHYS);
    cr16_mmio_device_map(icu, VIRT_ICU_PHYS);
    cr16_mmio_device_map(timer, VIRT_TIMER_PHYS);
    cr16_mmio_device_map(uart, VIRT_UART_PHYS);

    virt_bus_attach_cpu(&vms->bus, vms->cpu);
    cr16_sysctl_set_bank_hook(sysctl, virt_bus_set_bank, &vms->bus);

    vms->icu = icu;
    vms->cpu_irq = qemu_allocate_irq(virt_cpu_set_irq, vms, 0);
    qdev_connect_gpio_out(icu, 0, vms->cpu_irq);
    qdev_connect_gpio_out(timer, 0, qdev_get_gpio_in(icu, VIRT_IRQ_TIMER));
    qdev_connect_gpio_out(uart, 0, qdev_get_gpio_in(icu, VIRT_IRQ_UART));
    cr16_cpu_set_irq_ack(vms->cpu, virt_cpu_irq_ack, vms);
    cr16_cpu_set_kick(vms->cpu, virt_cpu_kick, NULL);

    cpus_register_vcpu(&virt_vcpu_ops, vms, OBJECT(cpu_dev));
    qemu_register_reset(virt_reset, vms);
    virt_reset(vms);
    return true;

fail_uart:
    object_unparent(OBJECT(timer));
fail_timer:
    object_unparent(OBJECT(icu));
fail_icu:
    object_unparent(OBJECT(sysctl));
fail_sysctl:
    object_unparent(OBJECT(cpu_dev));   /* frees the CPU */
    vms->cpu = NULL;
    goto fail_image;
fail_cpu:
    vms->cpu = NULL;                    /* freed with its object */
fail_image:
    cr16_image_free(vms->image);
    vms->image = NULL;
    return false;
}

/* ---- QMP hooks ---- */

/* inject-nmi: a pulse on the NMI input (the CPU latches the edge). */
static void virt_nmi(MachineState *ms)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);

    cr16_cpu_set_nmi(vms->cpu, true);
    cr16_cpu_set_nmi(vms->cpu, false);
}

/* -device loader,cpu-num=0,...: a program to run, the CPU may start. */
static bool virt_set_pc(MachineState *ms, unsigned cpu_num, uint64_t pc,
                        GError **errp)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);

    if (cpu_num != 0) {
        error_setg(errp, "Specified boot CPU#%u is nonexistent", cpu_num);
        return false;
    }
    cr16_cpu_set_reg(vms->cpu, CR16_REG_PC, pc & CR16_ADDR_MASK);
    if (vms->cpu_held) {
        vms->cpu_held = false;
        cpus_kick();
    }
    return true;
}

/* Only now is it known whether a -device loader gave a program. */
static void virt_init_done(MachineState *ms)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);

    if (vms->cpu_held && !qtest_enabled()) {
        warn_report("no guest program given (-kernel, -bios or -device "
                    "loader): the CPU stays in reset and the machine waits");
    }
}

static bool virt_cpu_to_phys(MachineState *ms, uint64_t addr, hwaddr *phys)
{
    VirtMachineState *vms = VIRT_MACHINE(ms);

    return addr < VIRT_CPU_ADDR_LIMIT &&
           virt_bus_cpu_to_phys(&vms->bus, addr, phys);
}

/* ---- type registration ---- */

static void virt_machine_instance_finalize(Object *obj)
{
    VirtMachineState *vms = VIRT_MACHINE(obj);

    cr16_image_free(vms->image);
    vms->image = NULL;
}

static void virt_machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = VIRT_MACHINE_NAME;
    mc->alias = VIRT_MACHINE_ALIAS;
    mc->desc = "CR16 virtual board";
    mc->is_default = true;
    mc->max_cpus = 1;
    mc->default_ram_size = VIRT_RAM_DEFAULT_SIZE;
    mc->max_ram_size = VIRT_RAM_MAX_SIZE;
    mc->default_ram_id = "cr16.ram";
    mc->default_cpu_type = TYPE_CR16C_CPU;
    mc->init = virt_init;
    mc->nmi = virt_nmi;
    mc->cpu_to_phys = virt_cpu_to_phys;
    mc->cpu_addr_limit = VIRT_CPU_ADDR_LIMIT;
    mc->set_pc = virt_set_pc;
    mc->init_done = virt_init_done;
}

static const TypeInfo virt_machine_info = {
    .name = TYPE_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(VirtMachineState),
    .instance_finalize = virt_machine_instance_finalize,
    .class_size = sizeof(MachineClass),
    .class_init = virt_machine_class_init,
};

static void virt_machine_register_types(void)
{
    type_register_static(&virt_machine_info);
}

type_init(virt_machine_register_types)

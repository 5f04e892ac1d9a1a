/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QOM face of the CR16C CPU: a device that owns the CPU, registers
 * its migration state, and exposes its registers as read-only properties
 * (for qom-get while the guest is stopped).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"
#include "migration/register.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "cpu-object.h"

/* ---- state ---- */

OBJECT_DECLARE_SIMPLE_TYPE(Cr16CpuObject, CR16C_CPU)

struct Cr16CpuObject {
    DeviceState parent_obj;

    CR16CPU *cpu;       /* owned; its state is migrated by vmstate_cr16_cpu */
};

void cr16_cpu_object_set_cpu(DeviceState *dev, CR16CPU *cpu)
{
    Cr16CpuObject *s = CR16C_CPU(dev);

    assert(!dev->realized && !s->cpu);
    s->cpu = cpu;
}

CR16CPU *cr16_cpu_object_get_cpu(DeviceState *dev)
{
    return CR16C_CPU(dev)->cpu;
}

/* ---- register properties ---- */

static JsonNode *cpu_object_get_reg(Object *obj, ObjectProperty *prop,
                                    GError **errp)
{
    Cr16CpuObject *s = CR16C_CPU(obj);
    JsonNode *node;

    if (!s->cpu) {
        error_setg(errp, "CPU not attached");
        return NULL;
    }
    /* The vCPU thread owns the registers while it executes. */
    if (runstate_is_running() && cpus_execution_enabled()) {
        error_setg(errp, "CPU registers can only be read while the VM is "
                   "stopped");
        return NULL;
    }
    node = json_node_alloc();
    json_node_init_int(node, cr16_cpu_get_reg(s->cpu,
                                              GPOINTER_TO_INT(prop->opaque)));
    return node;
}

/* ---- type registration ---- */

static void cpu_object_instance_init(Object *obj)
{
    for (int id = 0; id < CR16_REG__MAX; id++) {
        const char *name = cr16_cpu_reg_name(id);

        if (name) {
            object_property_add(obj, name, "uint32", cpu_object_get_reg,
                                NULL, NULL, GINT_TO_POINTER(id));
        }
    }
}

static void cpu_object_instance_finalize(Object *obj)
{
    Cr16CpuObject *s = CR16C_CPU(obj);

    cr16_cpu_free(s->cpu);
    s->cpu = NULL;
}

static bool cpu_object_realize(DeviceState *dev, GError **errp)
{
    Cr16CpuObject *s = CR16C_CPU(dev);

    if (!s->cpu) {
        error_setg(errp, TYPE_CR16C_CPU ": no CPU attached");
        return false;
    }
    vmstate_register_device(dev, &vmstate_cr16_cpu, s->cpu);
    return true;
}

static void cpu_object_unrealize(DeviceState *dev)
{
    vmstate_unregister_device(&vmstate_cr16_cpu, CR16C_CPU(dev)->cpu);
}

static void cpu_object_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "CR16C CPU";
    dc->realize = cpu_object_realize;
    dc->unrealize = cpu_object_unrealize;
}

static const TypeInfo cpu_object_info = {
    .name = TYPE_CR16C_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(Cr16CpuObject),
    .instance_init = cpu_object_instance_init,
    .instance_finalize = cpu_object_instance_finalize,
    .class_init = cpu_object_class_init,
};

static void cpu_object_register_types(void)
{
    type_register_static(&cpu_object_info);
    machine_register_cpu_model(CR16C_CPU_MODEL);
}

type_init(cpu_object_register_types)

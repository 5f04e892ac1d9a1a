/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of state tables that migration saves and loads: devices
 * register at realize; other users (CPU, timers) may register directly.
 */
#include "qemu/osdep.h"

#include "migration/register.h"

/* VMStateEntry *, in registration order. BQL. */
static GPtrArray *vmstate_entries;

static int next_instance_id(const char *name)
{
    int id = 0;

    for (guint i = 0; vmstate_entries && i < vmstate_entries->len; i++) {
        VMStateEntry *e = g_ptr_array_index(vmstate_entries, i);

        if (!strcmp(e->vmsd->name, name) && e->instance_id >= id) {
            id = e->instance_id + 1;
        }
    }
    return id;
}

int vmstate_register_device(DeviceState *dev, const VMStateDescription *vmsd,
                            void *opaque)
{
    VMStateEntry *e = g_new0(VMStateEntry, 1);

    if (!vmstate_entries) {
        vmstate_entries = g_ptr_array_new_with_free_func(g_free);
    }
    e->dev = dev;
    e->vmsd = vmsd;
    e->opaque = opaque;
    e->instance_id = next_instance_id(vmsd->name);
    g_ptr_array_add(vmstate_entries, e);
    return e->instance_id;
}

void vmstate_unregister_device(const VMStateDescription *vmsd, void *opaque)
{
    for (guint i = 0; vmstate_entries && i < vmstate_entries->len; i++) {
        VMStateEntry *e = g_ptr_array_index(vmstate_entries, i);

        if (e->vmsd == vmsd && e->opaque == opaque) {
            g_ptr_array_remove_index(vmstate_entries, i);
            return;
        }
    }
}

int vmstate_device_foreach(int (*fn)(const VMStateEntry *entry, void *opaque),
                           void *opaque)
{
    for (guint i = 0; vmstate_entries && i < vmstate_entries->len; i++) {
        int ret = fn(g_ptr_array_index(vmstate_entries, i), opaque);

        if (ret) {
            return ret;
        }
    }
    return 0;
}

const VMStateEntry *vmstate_device_find(const char *name, int instance_id)
{
    for (guint i = 0; vmstate_entries && i < vmstate_entries->len; i++) {
        VMStateEntry *e = g_ptr_array_index(vmstate_entries, i);

        if (!strcmp(e->vmsd->name, name) && e->instance_id == instance_id) {
            return e;
        }
    }
    return NULL;
}

int vmstate_device_count(void)
{
    return vmstate_entries ? (int)vmstate_entries->len : 0;
}

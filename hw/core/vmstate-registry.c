/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of state that migration saves and loads: devices register
 * their VMState at realize, other users (CPU, globalstate) directly, and
 * live entries (RAM) with their handlers. One list, kept in stream order
 * (priority, then registration), so every phase just walks it.
 */
#include "qemu/osdep.h"

#include "migration/register.h"

/* VMStateEntry *, in stream order. BQL. */
static GPtrArray *vmstate_entries;
/* Section ids count registrations, as QEMU's do. BQL. */
static uint32_t next_section_id;

static void entry_free(gpointer p)
{
    VMStateEntry *e = p;

    if (!e->vmsd) {
        g_free((char *)e->idstr);
    }
    g_free(e);
}

static int next_instance_id(const char *idstr)
{
    int id = 0;

    for (guint i = 0; vmstate_entries && i < vmstate_entries->len; i++) {
        VMStateEntry *e = g_ptr_array_index(vmstate_entries, i);

        if (!strcmp(e->idstr, idstr) && e->instance_id >= id) {
            id = e->instance_id + 1;
        }
    }
    return id;
}

/* Insert after every entry of higher or equal priority. */
static void entry_insert(VMStateEntry *e)
{
    guint pos = 0;

    if (!vmstate_entries) {
        vmstate_entries = g_ptr_array_new_with_free_func(entry_free);
    }
    while (pos < vmstate_entries->len &&
           ((VMStateEntry *)g_ptr_array_index(vmstate_entries, pos))
               ->priority >= e->priority) {
        pos++;
    }
    e->section_id = next_section_id++;
    g_ptr_array_insert(vmstate_entries, pos, e);
}

int vmstate_register_device(DeviceState *dev, const VMStateDescription *vmsd,
                            void *opaque)
{
    VMStateEntry *e = g_new0(VMStateEntry, 1);

    e->dev = dev;
    e->vmsd = vmsd;
    e->opaque = opaque;
    e->idstr = vmsd->name;
    e->version_id = vmsd->version_id;
    e->priority = vmsd->priority ? vmsd->priority : MIG_PRI_DEFAULT;
    e->instance_id = next_instance_id(vmsd->name);
    entry_insert(e);
    return e->instance_id;
}

void register_savevm_live(const char *idstr, int instance_id, int version_id,
                          const SaveVMHandlers *ops, void *opaque)
{
    VMStateEntry *e = g_new0(VMStateEntry, 1);

    e->ops = ops;
    e->opaque = opaque;
    e->idstr = g_strdup(idstr);
    e->version_id = version_id;
    e->priority = MIG_PRI_DEFAULT;
    e->instance_id = instance_id >= 0 ? instance_id : next_instance_id(idstr);
    entry_insert(e);
}

static void remove_matching(const VMStateDescription *vmsd,
                            const char *idstr, void *opaque)
{
    for (guint i = 0; vmstate_entries && i < vmstate_entries->len; i++) {
        VMStateEntry *e = g_ptr_array_index(vmstate_entries, i);

        if (e->opaque == opaque &&
            (vmsd ? e->vmsd == vmsd : !e->vmsd && !strcmp(e->idstr, idstr))) {
            g_ptr_array_remove_index(vmstate_entries, i);
            return;
        }
    }
}

void vmstate_unregister_device(const VMStateDescription *vmsd, void *opaque)
{
    remove_matching(vmsd, NULL, opaque);
}

void unregister_savevm(const char *idstr, void *opaque)
{
    remove_matching(NULL, idstr, opaque);
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

        if (!strcmp(e->idstr, name) && e->instance_id == instance_id) {
            return e;
        }
    }
    return NULL;
}

int vmstate_device_count(void)
{
    return vmstate_entries ? (int)vmstate_entries->len : 0;
}

const VMStateEntry *vmstate_entry_nth(int i)
{
    if (!vmstate_entries || i < 0 || (guint)i >= vmstate_entries->len) {
        return NULL;
    }
    return g_ptr_array_index(vmstate_entries, i);
}

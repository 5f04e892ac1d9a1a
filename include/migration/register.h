/*
 * The registry of device state tables: every realized device with a
 * VMStateDescription (and anything else that registers one) is recorded
 * here in registration order; migration walks the list to save and load.
 *
 * The section identity is the vmsd name plus an instance id that counts
 * earlier registrations with the same name (0, 1, ...), as in QEMU.
 * Registration and iteration need the BQL (the migration thread takes it
 * around the walk).
 */
#ifndef MIGRATION_REGISTER_H
#define MIGRATION_REGISTER_H

#include "migration/vmstate.h"

typedef struct DeviceState DeviceState;

typedef struct VMStateEntry {
    DeviceState *dev;           /* the device, or NULL for non-devices */
    const VMStateDescription *vmsd;
    void *opaque;               /* the state the vmsd fields point into */
    int instance_id;
} VMStateEntry;

/*
 * Record (dev, vmsd, opaque). dev may be NULL. Returns the instance id
 * given to it.
 */
int vmstate_register_device(DeviceState *dev, const VMStateDescription *vmsd,
                            void *opaque);
/* Remove the entry registered with this vmsd and opaque (if any). */
void vmstate_unregister_device(const VMStateDescription *vmsd, void *opaque);

/* Call fn for each entry in registration order; stop when it returns
 * non-zero and return that value (0 when all were visited). */
int vmstate_device_foreach(int (*fn)(const VMStateEntry *entry, void *opaque),
                           void *opaque);
/* The entry with this section name and instance id, or NULL. */
const VMStateEntry *vmstate_device_find(const char *name, int instance_id);
/* Number of entries. */
int vmstate_device_count(void);

#endif /* MIGRATION_REGISTER_H */

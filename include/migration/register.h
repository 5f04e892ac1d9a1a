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

typedef struct SaveVMHandlers SaveVMHandlers;

/*
 * One state entry (wire-format 1.4). Either vmsd (a VMState entry) or ops
 * (a live entry such as RAM) is set. The list is ordered by priority
 * (higher first), then registration order; section ids count
 * registrations (gaps allowed).
 */
typedef struct VMStateEntry {
    DeviceState *dev;           /* the device, or NULL for non-devices */
    const VMStateDescription *vmsd;
    const SaveVMHandlers *ops;  /* live entries */
    void *opaque;               /* the state the vmsd fields point into */
    const char *idstr;          /* section name: vmsd->name, or the live idstr */
    int instance_id;
    int version_id;             /* vmsd->version_id, or the live version */
    int priority;               /* MigrationPriority, resolved */
    uint32_t section_id;
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
/* Entry i (0 <= i < count) in list order, or NULL. The pointer is valid
 * until the entry is unregistered. BQL. */
const VMStateEntry *vmstate_entry_nth(int i);

/*
 * Live (iterable) entries: state that is sent in pieces while the guest
 * runs (RAM, section "ram"). Handlers return false with errp set on
 * failure; the savevm layer writes the section headers and footers around
 * each call, so a handler writes only its body.
 */
typedef struct QEMUFile QEMUFile;

struct SaveVMHandlers {
    /* ---- source, migration thread (BQL not held unless noted) ---- */
    /* START section body. Called with the BQL held. */
    bool (*save_setup)(QEMUFile *f, void *opaque, GError **errp);
    /* One PART section body. Returns 1 when all data is sent for now,
     * 0 when more remains, -1 with errp set on error. */
    int (*save_live_iterate)(QEMUFile *f, void *opaque, GError **errp);
    /* END section body, guest stopped (BQL held). */
    bool (*save_live_complete_precopy)(QEMUFile *f, void *opaque,
                                       GError **errp);
    /* Bytes still to send: a cheap estimate, and an exact figure that may
     * sync the dirty bitmap (BQL held). */
    void (*state_pending_estimate)(void *opaque, uint64_t *must_precopy,
                                   uint64_t *can_postcopy);
    void (*state_pending_exact)(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy);
    /* After completion, failure or cancel (BQL held). */
    void (*save_cleanup)(void *opaque);
    /* Postcopy start, guest still running: a PART section body that
     * prepares the switch (wire 3.8 "postcopy prepare"). */
    bool (*save_postcopy_prepare)(QEMUFile *f, void *opaque, GError **errp);
    /* ---- destination, incoming thread ---- */
    bool (*load_setup)(QEMUFile *f, void *opaque, GError **errp);
    /* Any section body (START/PART/END) at the version from START. */
    bool (*load_state)(QEMUFile *f, void *opaque, int version_id,
                       GError **errp);
    void (*load_cleanup)(void *opaque);
    /* switchover-ack: does this entry need to approve switchover? */
    bool (*switchover_ack_needed)(void *opaque);
};

/* Register a live entry (idstr "ram", instance 0, version 4 for RAM);
 * instance_id -1 picks the next free one. Default priority. idstr is
 * copied. */
void register_savevm_live(const char *idstr, int instance_id, int version_id,
                          const SaveVMHandlers *ops, void *opaque);
void unregister_savevm(const char *idstr, void *opaque);

#endif /* MIGRATION_REGISTER_H */

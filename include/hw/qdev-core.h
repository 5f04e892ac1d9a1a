/*
 * The device model core (qdev): DeviceState/DeviceClass on top of QOM,
 * realize/unrealize, reset, GPIO lists, -global defaults and -device.
 *
 * Life cycle: qdev_new() (instance_init, static property defaults, then
 * matching -global values) -> set properties -> qdev_realize() (placed
 * under /machine/unattached/device[N] if it has no parent yet, realize
 * hook, VMState registration) -> ... -> object_unparent() (unrealizes).
 * Everything here needs the BQL.
 */
#ifndef HW_QDEV_CORE_H
#define HW_QDEV_CORE_H

#include "qom/object.h"
#include "hw/irq.h"
#include "migration/vmstate.h"

#define TYPE_DEVICE "device"

typedef struct DeviceState DeviceState;
typedef struct DeviceClass DeviceClass;
typedef struct Property Property;
typedef struct NamedGPIOList NamedGPIOList;
typedef struct QemuOpts QemuOpts;

/* Realize: allocate resources, check properties. Return success. */
typedef bool DeviceRealize(DeviceState *dev, GError **errp);
typedef void DeviceUnrealize(DeviceState *dev);
typedef void DeviceReset(DeviceState *dev);

struct DeviceClass {
    ObjectClass parent_class;

    const char *desc;           /* one-line description for -device help */
    /* Static properties, ending with DEFINE_PROP_END_OF_LIST(). They become
     * properties of every instance; a subclass may add its own array. */
    const Property *props;
    /* May be created with -device (default false for board-only devices). */
    bool user_creatable;
    /* Device state for migration, registered at realize (may be NULL). */
    const VMStateDescription *vmsd;

    DeviceRealize *realize;
    DeviceUnrealize *unrealize;
    /* Cold reset (system reset and qdev_reset_all()). */
    DeviceReset *reset;
};

struct DeviceState {
    Object parent_obj;

    /* public, read-only */
    char *id;                   /* -device id=, or NULL */
    bool realized;

    /* private */
    GSList *gpios;              /* NamedGPIOList * */
    GError *global_error;       /* a -global that could not be applied */
    int instance_id_alias;
};

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(klass) OBJECT_CLASS_CHECK(DeviceClass, (klass), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), TYPE_DEVICE)

/* Set dc->props (equivalent to the assignment; QEMU spelling). */
void device_class_set_props(DeviceClass *dc, const Property *props);

/* ---- life cycle ---- */

/* Create a device of a non-abstract device type (assert otherwise). */
DeviceState *qdev_new(const char *name);
/* Like qdev_new() but NULL with errp set for unknown/non-device types. */
DeviceState *qdev_try_new(const char *name, GError **errp);

/*
 * Realize dev: applies the error of an unusable -global
 * ("can't apply global <drv>.<prop>=<val>: ..."), runs dc->realize,
 * registers dc->vmsd, and adds dev to the reset list. A device without a
 * parent becomes /machine/unattached/device[N]. On failure dev stays
 * unrealized (and is left where it was placed).
 */
bool qdev_realize(DeviceState *dev, GError **errp);
/* qdev_realize() then drop the caller's reference (the tree keeps one). */
bool qdev_realize_and_unref(DeviceState *dev, GError **errp);
/* Undo realize (also done when a realized device is unparented). */
void qdev_unrealize(DeviceState *dev);

/* The machine object "/machine" (a plain container until one exists). */
Object *qdev_get_machine(void);
/* dev cast to DeviceState, or NULL if obj is not a device. */
DeviceState *qdev_from_object(Object *obj);
/* Find a device by id (/machine/peripheral/<id>), or NULL. */
DeviceState *qdev_find_by_id(const char *id);

/* ---- reset ---- */

/* Cold-reset one device (dc->reset). */
void device_cold_reset(DeviceState *dev);
/* Reset every realized device, in realize order (qemu_system_reset). */
void qdev_reset_all(void);

/* ---- GPIO ---- */

/*
 * Create n input lines on dev (unnamed list, or list `name`); handler is
 * called with the device as opaque. May be called more than once per
 * list to append lines.
 */
void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler, int n);
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n);
/* Same with an explicit opaque for the handler. */
void qdev_init_gpio_in_named_with_opaque(DeviceState *dev,
                                         qemu_irq_handler handler,
                                         void *opaque, const char *name,
                                         int n);
/* Declare n output lines stored in pins[] (owned by the device). */
void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n);
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n);
/* Input line n (unnamed / named list). NULL if it does not exist. */
qemu_irq qdev_get_gpio_in(DeviceState *dev, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
/* Connect output line n to irq (NULL disconnects). */
void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq);
void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq);
/* The line output n is connected to (NULL if none). */
qemu_irq qdev_get_gpio_out_connector(DeviceState *dev, const char *name,
                                     int n);
/* Number of lines in a list (0 if it does not exist). */
int qdev_gpio_in_count(DeviceState *dev, const char *name);
int qdev_gpio_out_count(DeviceState *dev, const char *name);

/* ---- qtest hooks ---- */

/* The unnamed GPIO lists are reported with these list names. */
#define QDEV_GPIO_IN_UNNAMED  "unnamed-gpio-in"
#define QDEV_GPIO_OUT_UNNAMED "unnamed-gpio-out"

/*
 * Called when an intercepted line is driven: list_name is the GPIO list
 * (QDEV_GPIO_IN_UNNAMED / QDEV_GPIO_OUT_UNNAMED for unnamed lists), n the
 * index in that list.
 */
typedef void (*GpioInterceptFn)(void *opaque, const char *list_name, int n,
                                int level);
/*
 * Intercept every input line of every input list of dev: fn runs, then
 * the original handler. Calling it again for the same device replaces fn.
 * Fails if dev has no input lines ("No GPIO inputs").
 */
bool qdev_intercept_gpio_in(DeviceState *dev, GpioInterceptFn fn,
                            void *opaque, GError **errp);
/*
 * Intercept the output list list_name (NULL = unnamed): fn runs, then the
 * level is forwarded to whatever the line is (or later gets) connected to.
 * Fails if the list does not exist.
 */
bool qdev_intercept_gpio_out(DeviceState *dev, const char *list_name,
                             GpioInterceptFn fn, void *opaque, GError **errp);
/*
 * Drive input line n of list_name (QDEV_GPIO_IN_UNNAMED = unnamed list).
 * Fails for an unknown list or index.
 */
bool qdev_set_gpio_in_level(DeviceState *dev, const char *list_name, int n,
                            int level, GError **errp);

/* ---- -global ---- */

/*
 * Add a -global: "DRIVER.PROP=VALUE" or "driver=D,property=P,value=V"
 * (",," escapes a comma). Errors: "options 'driver', 'property', and
 * 'value' are required", "Invalid parameter '<key>'".
 */
bool qdev_global_parse(const char *str, GError **errp);
/*
 * Add a -global from QemuOpts with the keys driver, property and value
 * (same error as above when one is missing).
 */
bool qdev_global_add_opts(QemuOpts *opts, GError **errp);
/* Add a -global from its parts (copied). */
void qdev_global_add(const char *driver, const char *property,
                     const char *value);
/*
 * Apply the globals whose driver obj is (or derives from) to obj, in the
 * order given. Done automatically for devices at creation; other objects
 * that honour -global (e.g. "migration") call it. Marks them used.
 */
bool object_apply_global_props(Object *obj, GError **errp);
/*
 * Warn about globals that never matched: "global D.P=V not used", or
 * "global D.P has invalid class name" for unknown drivers. Returns the
 * number of warnings.
 */
int qdev_global_check_unused(void);
/* Forget all globals (tests). */
void qdev_global_reset(void);

/* ---- -device ---- */

/*
 * "-device DRIVER,id=ID,PROP=VALUE...": create, set properties from the
 * strings, place at /machine/peripheral/<id> (or
 * /machine/peripheral-anon/device[N]) and realize. Errors:
 * "Parameter 'driver' is missing", "'<name>' is not a valid device model
 * name", "Parameter 'driver' expects a non-abstract device type",
 * "Parameter 'driver' expects a pluggable device type",
 * "Duplicate device ID '<id>'", "Property '<type>.<prop>' not found".
 */
bool qdev_device_add_opts(QemuOpts *opts, GError **errp);
/* The same from an object of string values (driver, id, properties). */
DeviceState *qdev_device_add_from_props(JsonObject *props, GError **errp);
/* -device '{"driver": ..., ...}': parse the JSON object and add it. */
bool qdev_device_add_json(const char *json, GError **errp);
/*
 * For "-device" QemuOpts: print the help the options ask for ("help" as
 * driver, or DRIVER,help). Returns true if it printed something.
 */
bool qdev_device_help_opts(QemuOpts *opts);
/*
 * "-device help" (driver "help" or "?") lists the user-creatable devices;
 * "-device DRIVER,help" lists its properties. Returns true if it printed.
 */
bool qdev_device_help(const char *driver, bool want_props);

#endif /* HW_QDEV_CORE_H */

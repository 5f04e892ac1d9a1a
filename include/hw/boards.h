/*
 * Machines (boards): every machine type is a QOM type "<name>-machine"
 * below the abstract "machine"; the chosen one becomes the object
 * "/machine" with the containers /machine/unattached, /machine/peripheral
 * and /machine/peripheral-anon.
 *
 * A board registers itself with
 *   static void virt_machine_init(MachineClass *mc)
 *   {
 *       mc->desc = "CR16 virtual board"; mc->init = virt_init; ...
 *   }
 *   DEFINE_MACHINE("virt", virt_machine_init)
 * or with its own TypeInfo (parent TYPE_MACHINE, class_size
 * sizeof(MachineClass)). mc->name defaults to the type name without
 * "-machine".
 *
 * Start-up order (vl.c): machine_class_find() -> machine_new() ->
 * machine_set_props() (from -machine) -> fields (ram_size, kernel, ...) ->
 * machine_run_board_init(). Everything here needs the BQL.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qom/object.h"
#include "system/memory.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(machinename) (machinename TYPE_MACHINE_SUFFIX)

typedef struct MachineState MachineState;

typedef struct MachineClass {
    ObjectClass parent_class;

    const char *name;           /* "virt"; default: type name minus suffix */
    const char *alias;          /* optional short name */
    const char *desc;
    bool is_default;
    bool deprecated;
    int max_cpus;               /* 0 means 1 */
    uint64_t default_ram_size;  /* RAM when -m is absent */
    /* Largest RAM the board can map; 0 = the 4 GiB physical bus. */
    uint64_t max_ram_size;
    const char *default_ram_id; /* RAM block name of the implicit RAM */
    const char *default_cpu_type;
    /* Create RAM only when -m was given ("none"). */
    bool ram_only_with_m;
    /*
     * Build the board: ms->ram (mapped at physical 0 by the core) and
     * ms->ram_size are set; create CPU and devices. Return success.
     */
    bool (*init)(MachineState *ms, GError **errp);
    /* QMP inject-nmi: pulse the CPU's NMI input. NULL: no CPU/NMI. */
    void (*nmi)(MachineState *ms);
    /*
     * QMP memsave: translate a CPU address to a physical one (false if
     * nothing is mapped there). NULL: the machine has no CPU.
     */
    bool (*cpu_to_phys)(MachineState *ms, uint64_t addr, hwaddr *phys);
    /* Bytes in the CPU's address space (memsave range check). */
    uint64_t cpu_addr_limit;
    /*
     * -device loader: start CPU cpu_num at pc (now and after each reset,
     * the loader re-applies it). False with errp set for a CPU that does
     * not exist. NULL: the machine has no CPU.
     */
    bool (*set_pc)(MachineState *ms, unsigned cpu_num, uint64_t pc,
                   GError **errp);
    /* After the devices of the command line exist (vl.c); may be NULL. */
    void (*init_done)(MachineState *ms);
} MachineClass;

struct MachineState {
    Object parent_obj;

    uint64_t ram_size;          /* bytes; from -m or the board default */
    bool ram_size_given;        /* -m was on the command line */
    char *memdev_id;            /* -machine memory-backend=ID */
    RAMBlock *ram;              /* main RAM (owned by its backend or here) */
    char *kernel_filename;
    char *bios_filename;
    char *kernel_cmdline;
    char *initrd_filename;
    char *cpu_type;
    int smp_cpus;
    bool aux_ram_share;         /* -machine aux-ram-share=on */
    char *accel_legacy;         /* -machine accel=... */

    /* private */
    bool ram_owned;             /* ram was allocated by the machine core */
    bool dump_guest_core;
    bool mem_merge;
    bool graphics;
    bool suspend_vmdesc;
    bool usb;
    char *dtb;
};

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(klass) \
    OBJECT_CLASS_CHECK(MachineClass, (klass), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/* Register machine "<namestr>-machine" whose class is set up by initfn. */
#define DEFINE_MACHINE(namestr, machine_initfn)                         \
    static void machine_initfn##_class_init(ObjectClass *oc,           \
                                            const void *data)           \
    {                                                                   \
        MachineClass *mc = MACHINE_CLASS(oc);                           \
        machine_initfn(mc);                                             \
    }                                                                   \
    static const TypeInfo machine_initfn##_typeinfo = {                 \
        .name       = MACHINE_TYPE_NAME(namestr),                       \
        .parent     = TYPE_MACHINE,                                     \
        .class_init = machine_initfn##_class_init,                      \
    };                                                                  \
    static void machine_initfn##_register_types(void)                   \
    {                                                                   \
        type_register_static(&machine_initfn##_typeinfo);               \
    }                                                                   \
    type_init(machine_initfn##_register_types)

/* The machine being built or run (NULL before machine_new()). */
extern MachineState *current_machine;

/* A machine class by name or alias, or NULL. */
MachineClass *machine_class_find(const char *name_or_alias);
/* The class with is_default set, or NULL. */
MachineClass *machine_class_default(void);
/* All non-abstract machine classes sorted by name (g_slist_free it). */
GSList *machine_class_list(void);

/*
 * "-machine help": "Supported machines are:" then one line per machine
 * ("%-20s %s" name and description, plus " (default)" /
 * " (deprecated)"); an alias gets its own line first:
 * "<alias padded> <desc> (alias of <name>)". stdout.
 */
void machine_print_help(void);
/* "-machine NAME,help": the properties of that machine type (stdout). */
void machine_print_props(MachineClass *mc);

/*
 * Create the machine object of class mc as /machine (and its
 * containers), set current_machine. NULL with errp set if a machine
 * already exists.
 */
MachineState *machine_new(MachineClass *mc, GError **errp);

/*
 * Set machine properties from the merged -machine keyval object without
 * its 'type' (string values, converted by property type). Unknown:
 * "Property '<name>-machine.<key>' not found".
 */
bool machine_set_props(MachineState *ms, JsonObject *props, GError **errp);

/*
 * Set up main RAM then call mc->init:
 * - memory-backend=ID: "Memory backend 'ID' not found"; with -m given and
 *   a different size "Machine memory size does not match the size of the
 *   memory backend"; ram_size becomes the backend size;
 * - otherwise a RAM block named mc->default_ram_id ("ram" if unset) of
 *   ram_size bytes (mc->default_ram_size without -m; for ram_only_with_m
 *   machines only when -m was given), shared if aux-ram-share=on.
 * The RAM is mapped at physical 0. Returns success.
 */
bool machine_run_board_init(MachineState *ms, GError **errp);

/* "-smp N" check: "Invalid SMP CPUs N. The max CPUs supported by
 * machine '<name>' is M". */
bool machine_check_smp(MachineState *ms, int cpus, GError **errp);

/* The container /machine/<name> ("unattached", "peripheral", ...). */
Object *machine_get_container(const char *name);

/*
 * CPU models listed by query-cpu-definitions and -cpu help (the board or
 * CPU glue registers them at start-up, e.g. "cr16c"; the QOM type name
 * reported is "<name>-cr16-cpu"). Names are copied; registering a name
 * twice is harmless.
 */
void machine_register_cpu_model(const char *name);
/* An alias name for a registered model (reported with alias-of). */
void machine_register_cpu_model_alias(const char *alias, const char *model);

typedef struct MachineCpuModel {
    char *name;
    char *alias_of;             /* NULL for a model itself */
} MachineCpuModel;
/* The registered models in registration order (do not free). */
GSList *machine_cpu_model_list(void);
/* The model called name (or the model an alias names), or NULL. */
const char *machine_cpu_model_resolve(const char *name);

#endif /* HW_BOARDS_H */

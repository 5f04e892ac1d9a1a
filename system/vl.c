/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu-system-cr16 start-up: parse the command line (cli.md), then build
 * the emulator in a fixed order -- chardevs, objects, accelerator, qtest,
 * monitors, serial ports, machine, devices -- and run the main loop.
 * Every start-up error is one "qemu-system-cr16: <option>: <message>" line
 * and exit status 1.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "qemu/keyval.h"
#include "qemu/cutils.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-core.h"
#include "hw/boards.h"
#include "migration/options.h"
#include "system/accel-select.h"
#include "system/cpus.h"
#include "system/os-posix.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/readconfig.h"
#include "system/system.h"
#include "system/vl.h"
#include "qemu/trace.h"
#include "qemu/config-registry.h"
#include "cmdline-compat.h"
#include "migration/migration-core.h"
#include "migration/global_state.h"
#include "migration/ram.h"
#include "migration/ram-digest-mig.h"

#include "vl-internal.h"

const char *qemu_name;
uint8_t qemu_uuid[16];
bool qemu_uuid_set;
static Chardev *serial_chardevs[4];

Chardev *serial_hd(int i)
{
    return i >= 0 && i < (int)ARRAY_SIZE(serial_chardevs) ? serial_chardevs[i] : NULL;
}


/* ---- building the emulator ---- */

/*
 * -mem-path / -mem-prealloc: the legacy spelling of a memory backend for
 * main RAM. As QEMU does, create that backend (id = the board's RAM id)
 * and point -machine memory-backend at it.
 */
static void create_default_memdev(Config *cfg, MachineClass *mc)
{
    g_autoptr(JsonObject) o = json_object_new();
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;
    const char *id = mc->default_ram_id ? mc->default_ram_id : "ram";
    GError *err = NULL;

    if (!cfg->mem_path && !cfg->mem_prealloc) {
        return;
    }
    if (cfg->machine && json_object_has_member(cfg->machine, "memory-backend")) {
        vl_fail_msg("'-mem-path' and '-mem-prealloc' may not be combined with "
                 "'-machine memory-backend'");
    }
    json_object_set_string_member(o, "qom-type", cfg->mem_path ?
                                  "memory-backend-file" : "memory-backend-ram");
    json_object_set_string_member(o, "id", id);
    json_object_set_int_member(o, "size", cfg->ram_size_given ?
                               cfg->ram_size : mc->default_ram_size);
    if (cfg->mem_path) {
        json_object_set_string_member(o, "mem-path", cfg->mem_path);
    }
    if (cfg->mem_prealloc) {
        json_object_set_boolean_member(o, "prealloc", true);
    }
    json_node_set_object(node, o);
    json_generator_set_root(gen, node);
    text = json_generator_to_data(gen, NULL);
    if (!user_creatable_add_json(text, &err)) {
        vl_fail(err);
    }
    if (!cfg->machine) {
        cfg->machine = json_object_new();
    }
    json_object_set_string_member(cfg->machine, "memory-backend", id);
}

static void create_chardevs(Config *cfg)
{
    for (GList *l = cfg->chardevs; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;

        loc_set_deferred(d);
        if (!qemu_chr_new_from_opts(d->opts, &err)) {
            vl_fail(err);
        }
    }
    loc_clear();
}

static void create_objects(Config *cfg)
{
    for (GList *l = cfg->objects; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;
        bool ok;

        loc_set_deferred(d);
        ok = d->opts ? user_creatable_add_opts(d->opts, &err)
                     : user_creatable_add_json(d->arg, &err);
        if (!ok) {
            vl_fail(err);
        }
    }
    loc_clear();
}

/* QEMU looks the chardev up before it checks the mode and options. */
static void check_mon_chardev(QemuOpts *opts)
{
    const char *chardev = qemu_opt_get(opts, "chardev");

    if (chardev && !qemu_chr_find(chardev)) {
        error_report("chardev \"%s\" not found", chardev);
        exit(1);
    }
}

static void create_monitors(Config *cfg)
{
    for (GList *l = cfg->mons; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;

        loc_set_deferred(d);
        check_mon_chardev(d->opts);
        if (!monitor_init_opts(d->opts, &err)) {
            vl_fail(err);
        }
    }
    for (GList *l = cfg->qmps; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;

        loc_set_deferred(d);
        if (!monitor_init_qmp_spec(d->arg, !strcmp(d->opt, "-qmp-pretty"), &err)) {
            vl_fail(err);
        }
    }
    for (guint i = 0; i < cfg->hmp_specs->len; i++) {
        const char *spec = g_ptr_array_index(cfg->hmp_specs, i);
        GError *err = NULL;

        loc_set_cmdline("-monitor", spec);
        if (!monitor_init_hmp_spec(spec, &err)) {
            vl_fail(err);
        }
    }
    loc_clear();
}

/*
 * -nographic as in QEMU: the first serial port and the monitor share the
 * terminal ("mon:stdio") when neither was redirected; if only one of them
 * is left to default, that one gets stdio alone.
 */
static void apply_nographic_defaults(Config *cfg)
{
    bool default_serial = cfg->serials->len == 0;

    if (!cfg->nographic || cfg->nodefaults) {
        return;
    }
    if (default_serial && cfg->default_monitor) {
        g_ptr_array_add(cfg->serials, (gpointer)"mon:stdio");
    } else if (default_serial) {
        g_ptr_array_add(cfg->serials, (gpointer)"stdio");
    } else if (cfg->default_monitor) {
        g_ptr_array_add(cfg->hmp_specs, (gpointer)"stdio");
    }
}

static void create_serials(Config *cfg)
{
    int n = 0;

    if (cfg->serials->len == 0 && !cfg->nodefaults) {
        g_ptr_array_add(cfg->serials, (gpointer)(cfg->nographic ? "stdio" : "null"));
    }
    for (guint i = 0; i < cfg->serials->len; i++) {
        const char *spec = g_ptr_array_index(cfg->serials, i);
        g_autofree char *label = NULL;
        GError *err = NULL;

        if (!strcmp(spec, "none")) {
            continue;
        }
        if (n >= (int)ARRAY_SIZE(serial_chardevs)) {
            loc_set_cmdline("-serial", spec);
            vl_fail_msg("too many serial ports");
        }
        label = g_strdup_printf("serial%d", n);
        serial_chardevs[n] = qemu_chr_new(label, spec, &err);
        /* "mon:SPEC": the serial port shares SPEC with a human monitor. */
        if (serial_chardevs[n] && qemu_chr_spec_is_mon(spec) &&
            !monitor_hmp_new(serial_chardevs[n], &err)) {
            serial_chardevs[n] = NULL;
        }
        if (!serial_chardevs[n]) {
            loc_set_cmdline("-serial", spec);
            error_report_err(err);
            error_report("could not connect serial device to character backend '%s'", spec);
            exit(1);
        }
        n++;
    }
    loc_clear();
}

static MachineClass *select_machine(Config *cfg)
{
    const char *type = NULL;
    MachineClass *mc;

    if (cfg->machine && json_object_has_member(cfg->machine, "type")) {
        type = json_object_get_string_member(cfg->machine, "type");
    }
    if (!type) {
        mc = machine_class_default();
        if (!mc) {
            error_report("No machine specified, and there is no default");
            error_printf("Use -machine help to list supported machines\n");
            exit(1);
        }
        return mc;
    }
    mc = machine_class_find(type);
    if (!mc) {
        error_report("unsupported machine type: \"%s\"", type);
        error_printf("Use -machine help to list supported machines\n");
        exit(1);
    }
    return mc;
}

static void create_machine(Config *cfg, MachineClass *mc)
{
    GError *err = NULL;
    MachineState *ms = machine_new(mc, &err);
    g_autoptr(JsonObject) props = json_object_new();

    if (!ms) {
        vl_fail(err);
    }
    if (cfg->machine) {
        GList *members = json_object_get_members(cfg->machine);

        for (GList *l = members; l; l = l->next) {
            if (strcmp(l->data, "type")) {
                json_object_set_member(props, l->data,
                    json_node_copy(json_object_get_member(cfg->machine, l->data)));
            }
        }
        g_list_free(members);
    }
    if (!machine_set_props(ms, props, &err)) {
        vl_fail(err);
    }
    ms->ram_size = cfg->ram_size_given ? cfg->ram_size : mc->default_ram_size;
    ms->ram_size_given = cfg->ram_size_given;
    ms->kernel_filename = g_strdup(cfg->kernel);
    ms->bios_filename = g_strdup(cfg->bios);
    ms->kernel_cmdline = g_strdup(cfg->append);
    ms->initrd_filename = g_strdup(cfg->initrd);
    if (cfg->cpu_model) {
        g_free(ms->cpu_type);
        ms->cpu_type = g_strdup(cfg->cpu_model);
    }
    ms->smp_cpus = smp_cpus_requested();
    if (!machine_run_board_init(ms, &err)) {
        vl_fail(err);
    }
}

static void create_devices(Config *cfg)
{
    for (GList *l = cfg->devices; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;

        loc_set_deferred(d);
        if (!(d->opts ? qdev_device_add_opts(d->opts, &err)
                      : qdev_device_add_json(d->arg, &err))) {
            vl_fail(err);
        }
    }
    loc_clear();
}

void (*machine_powerdown_hook)(void);

void machine_powerdown_request(void)
{
    if (machine_powerdown_hook) {
        machine_powerdown_hook();
    }
}

void system_shutdown_begin(void)
{
    main_loop_quit();
}

int qemu_main(int argc, char **argv)
{
    Config cfg = {
        .serials = g_ptr_array_new(),
        .hmp_specs = g_ptr_array_new(),
        .default_monitor = true,
    };
    MachineClass *mc;
    GError *err = NULL;

    error_progname = g_path_get_basename(argv[0]);
    register_opts_lists();
    parse_command_line(&cfg, argc, argv);
    if (cfg.writeconfig) {
        write_config_file(&cfg);
    }

    if (cfg.append && !cfg.kernel) {
        vl_fail_msg("-append only allowed with -kernel option");
    }
    if (cfg.initrd && !cfg.kernel) {
        vl_fail_msg("-initrd only allowed with -kernel option");
    }
    if (cfg.nographic && cfg.daemonize) {
        vl_fail_msg("-nographic cannot be used with -daemonize");
    }
    compat_apply_msg(qemu_name);
    if (!cfg.log_file && cfg.trace_file) {
        cfg.log_file = cfg.trace_file;      /* the log back end's file */
    }
    if ((cfg.log_mask || cfg.log_file) && !qemu_log_set(cfg.log_mask, cfg.log_file, &err)) {
        vl_fail(err);
    }
    mc = select_machine(&cfg);
    if (smp_cpus_requested() > mc->max_cpus) {
        error_report("Invalid SMP CPUs %d. The max CPUs supported by machine '%s' is %d",
                     smp_cpus_requested(), mc->name, mc->max_cpus);
        exit(1);
    }
    if (cfg.cpu_model && !machine_cpu_model_resolve(cfg.cpu_model)) {
        error_report("unable to find CPU model '%s'", cfg.cpu_model);
        exit(1);
    }
    if (cfg.machine && json_object_has_member(cfg.machine, "accel") && cfg.accels) {
        vl_fail_msg("The -accel and \"-machine accel=\" options are incompatible");
    }
    split_machine_accel(&cfg);
    if (cfg.daemonize && !os_daemonize(&err)) {
        vl_fail(err);
    }
    if (cfg.pidfile && !os_write_pidfile(cfg.pidfile, &err)) {
        vl_fail(err);
    }
    if (cfg.exit_with_parent && !os_set_exit_with_parent(&err)) {
        vl_fail(err);
    }

    compat_apply_process_limits();

    main_loop_init();
    monitor_init_globals();
    compat_apply_fdsets();
    os_setup_signal_handling();

    create_chardevs(&cfg);
    create_objects(&cfg);
    if (!migration_object_init(&err)) {
        vl_fail(err);
    }
    if (!accel_configure(cfg.accels, cfg.qtest_spec != NULL, &err)) {
        vl_fail(err);
    }
    if (cfg.qtest_spec &&
        !qtest_server_init(cfg.qtest_spec,
                           cfg.qtest_log ? cfg.qtest_log : NULL, &err)) {
        /* Keep the specific reason ("Only one instance ...") too. */
        error_report_err(err);
        error_report("Failed to initialize device for qtest: \"%s\"", cfg.qtest_spec);
        exit(1);
    }
    apply_nographic_defaults(&cfg);
    create_monitors(&cfg);
    create_serials(&cfg);
    create_default_memdev(&cfg, mc);
    create_machine(&cfg, mc);
    create_devices(&cfg);
    if (MACHINE_GET_CLASS(current_machine)->init_done) {
        MACHINE_GET_CLASS(current_machine)->init_done(current_machine);
    }
    migration_core_init();
    ram_mig_init();
    ram_digest_mig_init();
    global_state_register();
    qdev_global_check_unused();
    qtest_set_has_cpu(cpus_have_vcpu() || cfg.ram_size_given ||
                      strcmp(mc->name, "none") != 0);

    if (cfg.start_stopped) {
        autostart = false;
    }
    if (cfg.incoming) {
        if (!runstate_set(RUN_STATE_INMIGRATE, &err)) {
            vl_fail(err);
        }
        if (!migration_incoming_start_cmdline(cfg.incoming, &err)) {
            error_report("-incoming %s: %s", cfg.incoming, err->message);
            exit(1);
        }
    } else if (autostart) {
        vm_start();
    }
    os_setup_post(cfg.log_mask || cfg.log_file);

    main_loop_run();

    cpus_cleanup();
    monitor_cleanup();
    qemu_chr_cleanup();
    os_remove_pidfile();
    return qemu_exit_status;
}

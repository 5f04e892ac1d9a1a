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

/* ---- the option table ---- */

enum {
#define DEF(name, arg, id, help) id,
#include "qemu-options.def"
#undef DEF
};

typedef struct QEMUOption {
    const char *name;
    bool has_arg;
    int index;
    const char *help;
} QEMUOption;

static const QEMUOption qemu_options[] = {
#define DEF(name, arg, id, help) { name, arg, id, help },
#include "qemu-options.def"
#undef DEF
};

/* ---- QemuOpts lists of the options parsed here ---- */

static QemuOptsList qemu_mem_opts = {
    .name = "memory", .implied_opt_name = "size", .merge_lists = true,
    .desc = {
        { .name = "size", .type = QEMU_OPT_STRING },
        { .name = "slots", .type = QEMU_OPT_NUMBER },
        { .name = "maxmem", .type = QEMU_OPT_SIZE },
        { NULL }
    },
};

static QemuOptsList qemu_accel_opts = {
    .name = "accel", .implied_opt_name = "accel",
    .desc = { { NULL } },      /* properties checked per accelerator */
};

static QemuOptsList qemu_smp_opts = {
    .name = "smp-opts", .implied_opt_name = "cpus", .merge_lists = true,
    .desc = {
        { .name = "cpus", .type = QEMU_OPT_NUMBER },
        { .name = "maxcpus", .type = QEMU_OPT_NUMBER },
        { .name = "drawers", .type = QEMU_OPT_NUMBER },
        { .name = "books", .type = QEMU_OPT_NUMBER },
        { .name = "sockets", .type = QEMU_OPT_NUMBER },
        { .name = "dies", .type = QEMU_OPT_NUMBER },
        { .name = "clusters", .type = QEMU_OPT_NUMBER },
        { .name = "modules", .type = QEMU_OPT_NUMBER },
        { .name = "cores", .type = QEMU_OPT_NUMBER },
        { .name = "threads", .type = QEMU_OPT_NUMBER },
        { NULL }
    },
};

static QemuOptsList qemu_name_opts = {
    .name = "name", .implied_opt_name = "guest", .merge_lists = true,
    .desc = {
        { .name = "guest", .type = QEMU_OPT_STRING },
        { .name = "process", .type = QEMU_OPT_STRING },
        { .name = "debug-threads", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

static QemuOptsList qemu_action_opts = {
    .name = "action", .merge_lists = true,
    .desc = {
        { .name = "reboot", .type = QEMU_OPT_STRING },
        { .name = "shutdown", .type = QEMU_OPT_STRING },
        { .name = "panic", .type = QEMU_OPT_STRING },
        { .name = "watchdog", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

static QemuOptsList qemu_run_with_opts = {
    .name = "run-with", .merge_lists = true,
    .desc = {
        { .name = "exit-with-parent", .type = QEMU_OPT_BOOL },
        { .name = "async-teardown", .type = QEMU_OPT_BOOL },
        { .name = "chroot", .type = QEMU_OPT_STRING },
        { .name = "user", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

static QemuOptsList qemu_trace_opts = {
    .name = "trace", .implied_opt_name = "enable", .merge_lists = true,
    .desc = {
        { .name = "enable", .type = QEMU_OPT_STRING },
        { .name = "events", .type = QEMU_OPT_STRING },
        { .name = "file", .type = QEMU_OPT_STRING },
        { NULL }
    },
};

/* Repeated ids are reported by the object tree, as QEMU does. */
static QemuOptsList qemu_object_opts = {
    .name = "object", .implied_opt_name = "qom-type",
    .allow_duplicate_ids = true,
    .desc = { { NULL } },
};

static QemuOptsList qemu_device_opts = {
    .name = "device", .implied_opt_name = "driver",
    .desc = { { NULL } },
};

/* For query-command-line-options, in QEMU's group names. */
static void register_opts_lists(void)
{
    static QemuOptsList *const lists[] = {
        &qemu_mem_opts, &qemu_accel_opts, &qemu_smp_opts, &qemu_name_opts,
        &qemu_action_opts, &qemu_run_with_opts, &qemu_trace_opts,
        &qemu_object_opts, &qemu_device_opts, &qemu_chardev_opts,
        &qemu_mon_opts,
    };

    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        qemu_add_opts(lists[i]);
    }
    compat_register_opts();
}

/* ---- what the command line asked for ---- */

/* An option whose processing is deferred, with its location for errors. */
typedef struct DeferredOpt {
    const char *opt;
    const char *arg;
    QemuOpts *opts;
    const char *file;           /* from -readconfig: file and line */
    int line;
} DeferredOpt;

/* The -readconfig group being handled (file NULL: the command line). */
static struct {
    const char *file;
    int line;
} config_file_loc;

/* Report later errors of d where it was given. */
static void loc_set_deferred(const DeferredOpt *d)
{
    if (d->file) {
        loc_set_file(d->file, d->line);
    } else {
        loc_set_cmdline(d->opt, d->arg);
    }
}

typedef struct Config {
    JsonObject *machine;        /* merged -machine keyval */
    GList *accels;              /* QemuOpts* of -accel, in order */
    GList *chardevs;            /* DeferredOpt of -chardev */
    GList *objects;             /* DeferredOpt of -object */
    GList *devices;             /* DeferredOpt of -device */
    GList *mons;                /* DeferredOpt of -mon */
    GList *qmps;                /* DeferredOpt of -qmp/-qmp-pretty (arg = spec) */
    GPtrArray *serials;         /* const char * specs */
    GPtrArray *hmp_specs;       /* -monitor specs (HMP) */
    bool default_monitor;       /* no -monitor/-mon/-qmp given */
    const char *cpu_model;
    const char *kernel, *bios, *append, *initrd;
    const char *qtest_spec, *qtest_log;
    const char *incoming;
    const char *pidfile;
    const char *log_file;
    int log_mask;
    bool daemonize, nographic, nodefaults, start_stopped;
    bool exit_with_parent;
    uint64_t ram_size;
    bool ram_size_given;
    const char *mem_path;       /* -mem-path: main RAM from a file */
    bool mem_prealloc;          /* -mem-prealloc */
    const char *trace_file;     /* -trace file= */
    const char *writeconfig;    /* -writeconfig file, "-": stdout */
} Config;

const char *qemu_name;
uint8_t qemu_uuid[16];
bool qemu_uuid_set;
static Chardev *serial_chardevs[4];
static const char *incoming_uri;

Chardev *serial_hd(int i)
{
    return i >= 0 && i < (int)ARRAY_SIZE(serial_chardevs) ? serial_chardevs[i] : NULL;
}

const char *vl_incoming_uri(void)
{
    return incoming_uri;
}

/* Report the error (with the current location) and exit 1. */
static void QEMU_NORETURN fail(GError *err)
{
    error_report_err(err);
    exit(1);
}

static void QEMU_NORETURN fail_msg(const char *msg)
{
    error_report("%s", msg);
    exit(1);
}

static const QEMUOption *lookup_opt(int argc, char **argv, const char **optarg,
                                    int *optind)
{
    const char *r = argv[*optind];

    loc_set_cmdline(r, NULL);
    (*optind)++;
    if (r[0] == '-' && r[1] == '-') {
        r++;        /* --name is the same as -name */
    }
    for (size_t i = 0; i < ARRAY_SIZE(qemu_options); i++) {
        if (!strcmp(qemu_options[i].name, r + 1)) {
            const QEMUOption *o = &qemu_options[i];

            if (o->has_arg) {
                if (*optind >= argc) {
                    loc_clear();
                    error_report("%s: requires an argument", argv[*optind - 1]);
                    exit(1);
                }
                *optarg = argv[(*optind)++];
                loc_set_cmdline(argv[*optind - 2], *optarg);
            } else {
                *optarg = NULL;
            }
            return o;
        }
    }
    loc_clear();
    error_report("%s: invalid option", argv[*optind - 1]);
    exit(1);
}

static void QEMU_NORETURN print_version(void)
{
    printf("QEMU emulator version " QEMU_VERSION " (qemu-cr16)\n"
           "Copyright (c) 2026 The qemu-cr16 authors\n");
    exit(0);
}

static void QEMU_NORETURN print_help(void)
{
    printf("QEMU emulator version " QEMU_VERSION " (qemu-cr16)\n"
           "usage: qemu-system-cr16 [options]\n\n");
    for (size_t i = 0; i < ARRAY_SIZE(qemu_options); i++) {
        if (qemu_options[i].help) {
            printf("%s\n", qemu_options[i].help);
        }
    }
    exit(0);
}

static void QEMU_NORETURN print_cpu_models(void)
{
    printf("Available CPUs:\n");
    for (GSList *l = machine_cpu_model_list(); l; l = l->next) {
        MachineCpuModel *m = l->data;

        if (m->alias_of) {
            printf("  %-20s (alias of %s)\n", m->name, m->alias_of);
        } else {
            printf("  %s\n", m->name);
        }
    }
    exit(0);
}

static bool is_help(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

static QemuOpts *parse_opts_or_die(QemuOptsList *list, const char *arg,
                                   bool implied)
{
    GError *err = NULL;
    QemuOpts *opts = qemu_opts_parse(list, arg, implied, &err);

    if (!opts) {
        fail(err);
    }
    return opts;
}

static DeferredOpt *defer(const char *opt, const char *arg, QemuOpts *opts)
{
    DeferredOpt *d = g_new0(DeferredOpt, 1);

    d->opt = opt;
    d->arg = arg;
    d->opts = opts;
    d->file = config_file_loc.file;
    d->line = config_file_loc.line;
    return d;
}

static void parse_uuid_or_die(const char *s)
{
    static const int group_len[] = { 8, 4, 4, 4, 12 };
    const char *p = s;
    int byte = 0;

    for (size_t g = 0; g < ARRAY_SIZE(group_len); g++) {
        for (int i = 0; i < group_len[g]; i += 2) {
            if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1])) {
                fail_msg("failed to parse UUID string: wrong format");
            }
            qemu_uuid[byte++] = g_ascii_xdigit_value(p[0]) << 4 |
                                g_ascii_xdigit_value(p[1]);
            p += 2;
        }
        if (g + 1 < ARRAY_SIZE(group_len) && *p++ != '-') {
            fail_msg("failed to parse UUID string: wrong format");
        }
    }
    if (*p) {
        fail_msg("failed to parse UUID string: wrong format");
    }
    qemu_uuid_set = true;
}

static void parse_memory_or_die(Config *cfg, const char *arg)
{
    QemuOpts *opts = parse_opts_or_die(&qemu_mem_opts, arg, true);
    const char *size = qemu_opt_get(opts, "size");
    GError *err = NULL;
    uint64_t sz;

    if (!size) {
        return;
    }
    if (!*size) {
        /* "-m size=" or "-m ,": there is no last character to look at. */
        fail_msg("missing 'size' option value");
    }
    if (g_ascii_isdigit(size[strlen(size) - 1]) && !g_str_has_prefix(size, "0x")) {
        /* A plain number means MiB. */
        g_autofree char *mib = g_strdup_printf("%sM", size);
        if (!parse_option_size("size", mib, &sz, &err)) {
            fail(err);
        }
    } else if (!parse_option_size("size", size, &sz, &err)) {
        fail(err);
    }
    cfg->ram_size = sz;
    cfg->ram_size_given = true;
}

static void parse_smp_or_die(const char *arg)
{
    QemuOpts *opts = parse_opts_or_die(&qemu_smp_opts, arg, true);
    static const char *const keys[] = {
        "cpus", "maxcpus", "drawers", "books", "sockets", "dies", "clusters",
        "modules", "cores", "threads",
    };

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (qemu_opt_get(opts, keys[i]) &&
            qemu_opt_get_number(opts, keys[i], 1) == 0) {
            fail_msg("Invalid CPU topology: CPU topology parameters must be "
                     "greater than zero");
        }
    }
}

static int smp_cpus_requested(void)
{
    QemuOpts *opts = qemu_opts_find(&qemu_smp_opts, NULL);

    if (!opts) {
        return 1;
    }
    return (int)qemu_opt_get_number(opts, "cpus",
                                    qemu_opt_get_number(opts, "maxcpus", 1));
}

static void parse_name_or_die(const char *arg)
{
    QemuOpts *opts = parse_opts_or_die(&qemu_name_opts, arg, true);
    const char *guest = qemu_opt_get(opts, "guest");

    if (guest) {
        qemu_name = guest;
        compat_apply_msg(qemu_name);    /* -msg guest-name=on */
    }
}

static void parse_action_or_die(const char *arg)
{
    QemuOpts *opts = parse_opts_or_die(&qemu_action_opts, arg, false);
    const char *v;

    if ((v = qemu_opt_get(opts, "reboot"))) {
        if (strcmp(v, "reset") && strcmp(v, "shutdown")) {
            g_autofree char *m = g_strdup_printf("Parameter 'reboot' does not accept value '%s'", v);
            fail_msg(m);
        }
        no_reboot = !strcmp(v, "shutdown");
    }
    if ((v = qemu_opt_get(opts, "shutdown"))) {
        if (strcmp(v, "poweroff") && strcmp(v, "pause")) {
            g_autofree char *m = g_strdup_printf("Parameter 'shutdown' does not accept value '%s'", v);
            fail_msg(m);
        }
        no_shutdown = !strcmp(v, "pause");
    }
    if ((v = qemu_opt_get(opts, "panic"))) {
        if (strcmp(v, "pause") && strcmp(v, "shutdown") &&
            strcmp(v, "exit-failure") && strcmp(v, "none")) {
            g_autofree char *m = g_strdup_printf("Parameter 'panic' does not accept value '%s'", v);
            fail_msg(m);
        }
    }
}

/* Display and audio: keyval with one accepted value, "none". */
static void parse_display_or_die(const char *arg)
{
    GError *err = NULL;
    bool help = false;
    g_autoptr(JsonObject) o = keyval_parse(arg, "type", &help, &err);
    const char *type;

    if (!o) {
        fail(err);
    }
    if (help) {
        printf("Available display backend types:\nnone\n");
        exit(0);
    }
    type = json_object_has_member(o, "type") ?
           json_object_get_string_member(o, "type") : NULL;
    if (type && strcmp(type, "none")) {
        g_autofree char *m = g_strdup_printf("Display '%s' is not available.", type);
        fail_msg(m);
    }
}

static void parse_audio_or_die(const char *arg)
{
    GError *err = NULL;
    bool help = false;
    g_autoptr(JsonObject) o = keyval_parse(arg, "driver", &help, &err);
    const char *driver;

    if (!o) {
        fail(err);
    }
    if (help) {
        printf("Available audio drivers:\nnone\n");
        exit(0);
    }
    driver = json_object_has_member(o, "driver") ?
             json_object_get_string_member(o, "driver") : NULL;
    if (!driver) {
        fail_msg("Parameter 'driver' is missing");
    }
    if (strcmp(driver, "none")) {
        g_autofree char *m = g_strdup_printf("Parameter 'driver' does not accept value '%s'", driver);
        fail_msg(m);
    }
}

/* -incoming: only the syntax is checked here; migration listens later. */
static void parse_incoming_or_die(const char *arg)
{
    static const char *const prefixes[] = {
        "tcp:", "unix:", "fd:", "file:", "exec:", "rdma:", "vsock:",
    };
    bool ok = !strcmp(arg, "defer") || arg[0] == '{' ||
              g_str_has_prefix(arg, "main,") || g_str_has_prefix(arg, "cpr,");

    for (size_t i = 0; !ok && i < ARRAY_SIZE(prefixes); i++) {
        ok = g_str_has_prefix(arg, prefixes[i]);
    }
    if (!ok) {
        g_autofree char *m = g_strdup_printf("unknown migration protocol: %s", arg);
        fail_msg(m);
    }
    if (g_str_has_prefix(arg, "file:")) {
        const char *off = strstr(arg, ",offset=");

        if (off) {
            uint64_t v;
            GError *err = NULL;

            off += strlen(",offset=");
            if (!qemu_strtosz(off, &v, &err)) {
                g_autofree char *m =
                    g_strdup_printf("file URI has bad offset %s: Invalid argument", off);
                g_clear_error(&err);
                fail_msg(m);
            }
        }
    }
    /* The channel form names its type first; only "main" is ours now. */
    if (!g_str_has_prefix(arg, "cpr,")) {
        incoming_uri = arg;
    }
}

/* -trace [enable=]PATTERN,events=FILE,file=FILE: the "log" back end. */
static void parse_trace_or_die(Config *cfg, const char *arg)
{
    QemuOpts *opts = parse_opts_or_die(&qemu_trace_opts, arg, true);
    const char *enable = qemu_opt_get(opts, "enable");
    const char *events = qemu_opt_get(opts, "events");
    const char *file = qemu_opt_get(opts, "file");
    GError *err = NULL;

    if (is_help(arg) || (enable && is_help(enable))) {
        trace_print_help();
        exit(0);
    }
    if (enable) {
        trace_enable_pattern(enable);
    }
    if (events && !trace_enable_events_file(events, &err)) {
        fail(err);
    }
    if (file) {
        cfg->trace_file = file;
    }
    /* merge_lists: a later -trace adds its own enable= */
    qemu_opt_unset(opts, "enable");
    qemu_opt_unset(opts, "events");
}

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
        fail_msg("'-mem-path' and '-mem-prealloc' may not be combined with "
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
        fail(err);
    }
    if (!cfg->machine) {
        cfg->machine = json_object_new();
    }
    json_object_set_string_member(cfg->machine, "memory-backend", id);
}

static void parse_machine_opt(Config *cfg, const char *arg)
{
    GError *err = NULL;
    bool help = false;
    JsonObject *o = keyval_parse(arg, "type", &help, &err);

    if (!o) {
        fail(err);
    }
    if (help) {
        const char *type = json_object_has_member(o, "type") ?
                           json_object_get_string_member(o, "type") : NULL;
        if (!type || is_help(type)) {
            machine_print_help();
            exit(0);
        }
        {
            MachineClass *mc = machine_class_find(type);

            if (!mc) {
                error_report("unsupported machine type: \"%s\"", type);
                error_printf("Use -machine help to list supported machines\n");
                exit(1);
            }
            machine_print_props(mc);
        }
        exit(0);
    }
    cfg->machine = cfg->machine ? keyval_merge(cfg->machine, o) : json_object_ref(o);
    json_object_unref(o);
}

static void read_config_file(Config *cfg, const char *path);
/* -readconfig's option strings, alive for the whole run. */
static GPtrArray *config_strings;

/* One option, from the command line or a -readconfig group. */
static void handle_option(Config *cfg, const QEMUOption *o,
                          const char *optarg)
{
    switch (o->index) {
    case QEMU_OPTION_h:
    case QEMU_OPTION_help:
        print_help();
    case QEMU_OPTION_version:
        print_version();
    case QEMU_OPTION_machine:
    case QEMU_OPTION_M:
        parse_machine_opt(cfg, optarg);
        break;
    case QEMU_OPTION_cpu:
        if (is_help(optarg)) {
            print_cpu_models();
        }
        cfg->cpu_model = optarg;
        break;
    case QEMU_OPTION_accel: {
        QemuOpts *opts;

        if (is_help(optarg)) {
            accel_print_help();
            exit(0);
        }
        opts = parse_opts_or_die(&qemu_accel_opts, optarg, true);
        cfg->accels = g_list_append(cfg->accels, opts);
        break;
    }
    case QEMU_OPTION_enable_kvm:
        cfg->accels = g_list_append(cfg->accels,
                                    parse_opts_or_die(&qemu_accel_opts, "kvm", true));
        break;
    case QEMU_OPTION_smp:
        parse_smp_or_die(optarg);
        break;
    case QEMU_OPTION_m:
        parse_memory_or_die(cfg, optarg);
        break;
    case QEMU_OPTION_kernel:
        cfg->kernel = optarg;
        break;
    case QEMU_OPTION_bios:
        cfg->bios = optarg;
        break;
    case QEMU_OPTION_append:
        cfg->append = optarg;
        break;
    case QEMU_OPTION_initrd:
        cfg->initrd = optarg;
        break;
    case QEMU_OPTION_L:
        break;
    case QEMU_OPTION_S:
        cfg->start_stopped = true;
        break;
    case QEMU_OPTION_chardev: {
        QemuOpts *opts;

        if (is_help(optarg)) {
            qemu_chr_print_help();
            exit(0);
        }
        opts = parse_opts_or_die(&qemu_chardev_opts, optarg, true);
        if (qemu_opt_has_help_opt(opts)) {
            qemu_opts_print_help(&qemu_chardev_opts);
            exit(0);
        }
        cfg->chardevs = g_list_append(cfg->chardevs, defer("-chardev", optarg, opts));
        break;
    }
    case QEMU_OPTION_serial:
        g_ptr_array_add(cfg->serials, (gpointer)optarg);
        break;
    case QEMU_OPTION_mon:
        cfg->default_monitor = false;
        cfg->mons = g_list_append(cfg->mons,
            defer("-mon", optarg, parse_opts_or_die(&qemu_mon_opts, optarg, true)));
        break;
    case QEMU_OPTION_qmp:
        cfg->default_monitor = false;
        cfg->qmps = g_list_append(cfg->qmps, defer("-qmp", optarg, NULL));
        break;
    case QEMU_OPTION_qmp_pretty:
        cfg->default_monitor = false;
        cfg->qmps = g_list_append(cfg->qmps, defer("-qmp-pretty", optarg, NULL));
        break;
    case QEMU_OPTION_monitor:
        cfg->default_monitor = false;
        if (strcmp(optarg, "none")) {
            g_ptr_array_add(cfg->hmp_specs, (gpointer)optarg);
        }
        break;
    case QEMU_OPTION_qtest:
        cfg->qtest_spec = optarg;
        break;
    case QEMU_OPTION_qtest_log:
        cfg->qtest_log = optarg;
        break;
    case QEMU_OPTION_name:
        parse_name_or_die(optarg);
        break;
    case QEMU_OPTION_uuid:
        parse_uuid_or_die(optarg);
        break;
    case QEMU_OPTION_display:
        parse_display_or_die(optarg);
        break;
    case QEMU_OPTION_nographic:
        cfg->nographic = true;
        break;
    case QEMU_OPTION_vga:
        if (strcmp(optarg, "none")) {
            g_autofree char *m = g_strdup_printf("%s: VGA is not available on this machine", optarg);
            fail_msg(m);
        }
        break;
    case QEMU_OPTION_audio:
        parse_audio_or_die(optarg);
        break;
    case QEMU_OPTION_nodefaults:
        cfg->nodefaults = true;
        break;
    case QEMU_OPTION_no_shutdown:
        no_shutdown = true;
        break;
    case QEMU_OPTION_no_reboot:
        no_reboot = true;
        break;
    case QEMU_OPTION_action:
        parse_action_or_die(optarg);
        break;
    case QEMU_OPTION_object:
        if (optarg[0] == '{') {
            cfg->objects = g_list_append(cfg->objects, defer("-object", optarg, NULL));
        } else {
            QemuOpts *opts = parse_opts_or_die(&qemu_object_opts, optarg, true);

            if (user_creatable_print_help(qemu_opt_get(opts, "qom-type"), opts)) {
                exit(0);
            }
            cfg->objects = g_list_append(cfg->objects, defer("-object", optarg, opts));
        }
        break;
    case QEMU_OPTION_global: {
        GError *err = NULL;

        if (!qdev_global_parse(optarg, &err)) {
            fail(err);
        }
        break;
    }
    case QEMU_OPTION_device: {
        QemuOpts *opts;

        if (optarg[0] == '{') {
            cfg->devices = g_list_append(cfg->devices,
                                         defer("-device", optarg, NULL));
            break;
        }
        opts = parse_opts_or_die(&qemu_device_opts, optarg, true);

        if (qdev_device_help_opts(opts)) {
            exit(0);
        }
        cfg->devices = g_list_append(cfg->devices, defer("-device", optarg, opts));
        break;
    }
    case QEMU_OPTION_incoming:
        parse_incoming_or_die(optarg);
        cfg->incoming = optarg;
        break;
    case QEMU_OPTION_daemonize:
        cfg->daemonize = true;
        break;
    case QEMU_OPTION_pidfile:
        cfg->pidfile = optarg;
        break;
    case QEMU_OPTION_d: {
        char *bad = NULL;
        int mask;

        /* QEMU treats "help" as an invalid item: list, status 1. */
        mask = qemu_log_parse_items(optarg, &bad);
        if (mask < 0) {
            g_free(bad);
            qemu_log_print_help();
            exit(1);
        }
        cfg->log_mask |= mask;
        break;
    }
    case QEMU_OPTION_D:
        cfg->log_file = optarg;
        break;
    case QEMU_OPTION_dfilter:
        break;
    case QEMU_OPTION_msg:
        compat_parse_msg(optarg);
        break;
    case QEMU_OPTION_trace:
        parse_trace_or_die(cfg, optarg);
        break;
    case QEMU_OPTION_no_user_config:
        /* qemu-system-cr16 reads no configuration files by itself. */
        break;
    case QEMU_OPTION_add_fd:
        compat_parse_add_fd(optarg);
        break;
    case QEMU_OPTION_rtc:
        compat_parse_rtc(optarg);
        break;
    case QEMU_OPTION_boot:
        compat_parse_boot(optarg);
        break;
    case QEMU_OPTION_overcommit:
        compat_parse_overcommit(optarg);
        break;
    case QEMU_OPTION_sandbox:
        compat_parse_sandbox(optarg);
        break;
    case QEMU_OPTION_mem_path:
        cfg->mem_path = optarg;
        break;
    case QEMU_OPTION_mem_prealloc:
        cfg->mem_prealloc = true;
        break;
    case QEMU_OPTION_run_with: {
        QemuOpts *opts = parse_opts_or_die(&qemu_run_with_opts, optarg, false);

        cfg->exit_with_parent = qemu_opt_get_bool(opts, "exit-with-parent", false);
        break;
    }
    case QEMU_OPTION_readconfig:
        read_config_file(cfg, optarg);
        break;
    case QEMU_OPTION_writeconfig:
        cfg->writeconfig = optarg;
        break;
    default:
        g_assert_not_reached();
    }
}

/*
 * Each group of the file goes through handle_option() as the option of
 * the same name; errors, also those found later by deferred options,
 * name the file and the group's line.
 */
static void read_config_file(Config *cfg, const char *path)
{
    g_autoptr(GPtrArray) entries = NULL;
    GError *err = NULL;
    int line;

    entries = qemu_readconfig_parse(path, &line, &err);
    if (!entries) {
        if (line) {
            loc_set_file(path, line);
        } else if (g_str_has_prefix(err->message, "There is no option")) {
            loc_clear();
        }
        fail(err);
    }
    for (guint i = 0; i < entries->len; i++) {
        ConfigEntry *e = g_ptr_array_index(entries, i);
        const QEMUOption *o = NULL;

        for (size_t j = 0; j < ARRAY_SIZE(qemu_options); j++) {
            if (!strcmp(qemu_options[j].name, e->option)) {
                o = &qemu_options[j];
            }
        }
        loc_set_file(e->file, e->line);
        if (!o || !o->has_arg) {
            error_report("There is no option group '%s'", e->option);
            exit(1);
        }
        /*
         * Options keep pointers to their argument (and deferred ones to
         * the file name) for the whole run: the strings live here.
         */
        if (!config_strings) {
            config_strings = g_ptr_array_new();
        }
        g_ptr_array_add(config_strings, g_strdup(e->file));
        g_ptr_array_add(config_strings, g_strdup(e->arg));
        config_file_loc.file = config_strings->pdata[config_strings->len - 2];
        config_file_loc.line = e->line;
        handle_option(cfg, o, config_strings->pdata[config_strings->len - 1]);
        config_file_loc.file = NULL;
    }
    loc_clear();
}

static void write_config_file(Config *cfg)
{
    g_autofree char *text = qemu_writeconfig_format(cfg->machine);
    GError *err = NULL;

    if (!strcmp(cfg->writeconfig, "-")) {
        fputs(text, stdout);
        fflush(stdout);
    } else if (!g_file_set_contents(cfg->writeconfig, text, -1, &err)) {
        loc_set_cmdline("-writeconfig", cfg->writeconfig);
        fail(err);
    }
}

static void parse_command_line(Config *cfg, int argc, char **argv)
{
    int optind = 1;

    while (optind < argc) {
        const char *optarg;
        const QEMUOption *o;

        if (argv[optind][0] != '-') {
            loc_clear();
            error_report("%s: invalid option", argv[optind]);
            exit(1);
        }
        o = lookup_opt(argc, argv, &optarg, &optind);
        handle_option(cfg, o, optarg);
    }
    loc_clear();
}

/* ---- building the emulator ---- */

static void create_chardevs(Config *cfg)
{
    for (GList *l = cfg->chardevs; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;

        loc_set_deferred(d);
        if (!qemu_chr_new_from_opts(d->opts, &err)) {
            fail(err);
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
            fail(err);
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
            fail(err);
        }
    }
    for (GList *l = cfg->qmps; l; l = l->next) {
        DeferredOpt *d = l->data;
        GError *err = NULL;

        loc_set_deferred(d);
        if (!monitor_init_qmp_spec(d->arg, !strcmp(d->opt, "-qmp-pretty"), &err)) {
            fail(err);
        }
    }
    for (guint i = 0; i < cfg->hmp_specs->len; i++) {
        const char *spec = g_ptr_array_index(cfg->hmp_specs, i);
        GError *err = NULL;

        loc_set_cmdline("-monitor", spec);
        if (!monitor_init_hmp_spec(spec, &err)) {
            fail(err);
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
            fail_msg("too many serial ports");
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
        fail(err);
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
        fail(err);
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
        fail(err);
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
            fail(err);
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
        fail_msg("-append only allowed with -kernel option");
    }
    if (cfg.initrd && !cfg.kernel) {
        fail_msg("-initrd only allowed with -kernel option");
    }
    if (cfg.nographic && cfg.daemonize) {
        fail_msg("-nographic cannot be used with -daemonize");
    }
    compat_apply_msg(qemu_name);
    if (!cfg.log_file && cfg.trace_file) {
        cfg.log_file = cfg.trace_file;      /* the log back end's file */
    }
    if ((cfg.log_mask || cfg.log_file) && !qemu_log_set(cfg.log_mask, cfg.log_file, &err)) {
        fail(err);
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
        fail_msg("The -accel and \"-machine accel=\" options are incompatible");
    }
    if (cfg.machine && json_object_has_member(cfg.machine, "accel")) {
        g_auto(GStrv) names = g_strsplit(
            json_object_get_string_member(cfg.machine, "accel"), ":", -1);

        for (int i = 0; names[i]; i++) {
            cfg.accels = g_list_append(cfg.accels,
                                       parse_opts_or_die(&qemu_accel_opts, names[i], true));
        }
        json_object_remove_member(cfg.machine, "accel");
    }
    if (cfg.daemonize && !os_daemonize(&err)) {
        fail(err);
    }
    if (cfg.pidfile && !os_write_pidfile(cfg.pidfile, &err)) {
        fail(err);
    }
    if (cfg.exit_with_parent && !os_set_exit_with_parent(&err)) {
        fail(err);
    }

    compat_apply_process_limits();

    main_loop_init();
    monitor_init_globals();
    compat_apply_fdsets();
    os_setup_signal_handling();

    create_chardevs(&cfg);
    create_objects(&cfg);
    if (!migration_object_init(&err)) {
        fail(err);
    }
    if (!accel_configure(cfg.accels, cfg.qtest_spec != NULL, &err)) {
        fail(err);
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
            fail(err);
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

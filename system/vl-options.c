/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line and -readconfig files of qemu-system-cr16 (cli.md):
 * one table of options, one handler per option, and the Config that
 * system/vl.c builds the emulator from.  Options whose objects cannot
 * exist yet (chardevs, objects, devices, monitors) are deferred with
 * their location, so later errors still name the option or file line.
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
void register_opts_lists(void)
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

static const char *incoming_uri;

const char *vl_incoming_uri(void)
{
    return incoming_uri;
}



/* The -readconfig group being handled (file NULL: the command line). */
static struct {
    const char *file;
    int line;
} config_file_loc;

/* Report later errors of d where it was given. */
void loc_set_deferred(const DeferredOpt *d)
{
    if (d->file) {
        loc_set_file(d->file, d->line);
    } else {
        loc_set_cmdline(d->opt, d->arg);
    }
}


/* Report the error (with the current location) and exit 1. */
void QEMU_NORETURN vl_fail(GError *err)
{
    error_report_err(err);
    exit(1);
}

void QEMU_NORETURN vl_fail_msg(const char *msg)
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
        vl_fail(err);
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
                vl_fail_msg("failed to parse UUID string: wrong format");
            }
            qemu_uuid[byte++] = g_ascii_xdigit_value(p[0]) << 4 |
                                g_ascii_xdigit_value(p[1]);
            p += 2;
        }
        if (g + 1 < ARRAY_SIZE(group_len) && *p++ != '-') {
            vl_fail_msg("failed to parse UUID string: wrong format");
        }
    }
    if (*p) {
        vl_fail_msg("failed to parse UUID string: wrong format");
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
        vl_fail_msg("missing 'size' option value");
    }
    if (g_ascii_isdigit(size[strlen(size) - 1]) && !g_str_has_prefix(size, "0x")) {
        /* A plain number means MiB. */
        g_autofree char *mib = g_strdup_printf("%sM", size);
        if (!parse_option_size("size", mib, &sz, &err)) {
            vl_fail(err);
        }
    } else if (!parse_option_size("size", size, &sz, &err)) {
        vl_fail(err);
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
            vl_fail_msg("Invalid CPU topology: CPU topology parameters must be "
                     "greater than zero");
        }
    }
}

int smp_cpus_requested(void)
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
            vl_fail_msg(m);
        }
        no_reboot = !strcmp(v, "shutdown");
    }
    if ((v = qemu_opt_get(opts, "shutdown"))) {
        if (strcmp(v, "poweroff") && strcmp(v, "pause")) {
            g_autofree char *m = g_strdup_printf("Parameter 'shutdown' does not accept value '%s'", v);
            vl_fail_msg(m);
        }
        no_shutdown = !strcmp(v, "pause");
    }
    if ((v = qemu_opt_get(opts, "panic"))) {
        if (strcmp(v, "pause") && strcmp(v, "shutdown") &&
            strcmp(v, "exit-failure") && strcmp(v, "none")) {
            g_autofree char *m = g_strdup_printf("Parameter 'panic' does not accept value '%s'", v);
            vl_fail_msg(m);
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
        vl_fail(err);
    }
    if (help) {
        printf("Available display backend types:\nnone\n");
        exit(0);
    }
    type = json_object_has_member(o, "type") ?
           json_object_get_string_member(o, "type") : NULL;
    if (type && strcmp(type, "none")) {
        g_autofree char *m = g_strdup_printf("Display '%s' is not available.", type);
        vl_fail_msg(m);
    }
}

static void parse_audio_or_die(const char *arg)
{
    GError *err = NULL;
    bool help = false;
    g_autoptr(JsonObject) o = keyval_parse(arg, "driver", &help, &err);
    const char *driver;

    if (!o) {
        vl_fail(err);
    }
    if (help) {
        printf("Available audio drivers:\nnone\n");
        exit(0);
    }
    driver = json_object_has_member(o, "driver") ?
             json_object_get_string_member(o, "driver") : NULL;
    if (!driver) {
        vl_fail_msg("Parameter 'driver' is missing");
    }
    if (strcmp(driver, "none")) {
        g_autofree char *m = g_strdup_printf("Parameter 'driver' does not accept value '%s'", driver);
        vl_fail_msg(m);
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
        vl_fail_msg(m);
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
                vl_fail_msg(m);
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
        vl_fail(err);
    }
    if (file) {
        cfg->trace_file = file;
    }
    /* merge_lists: a later -trace adds its own enable= */
    qemu_opt_unset(opts, "enable");
    qemu_opt_unset(opts, "events");
}

static void parse_machine_opt(Config *cfg, const char *arg)
{
    GError *err = NULL;
    bool help = false;
    JsonObject *o = keyval_parse(arg, "type", &help, &err);

    if (!o) {
        vl_fail(err);
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
            vl_fail_msg(m);
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
            vl_fail(err);
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
        vl_fail(err);
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

/* "-machine accel=a:b" is a list of -accel options, tried in order. */
void split_machine_accel(Config *cfg)
{
    if (cfg->machine && json_object_has_member(cfg->machine, "accel")) {
        g_auto(GStrv) names = g_strsplit(
            json_object_get_string_member(cfg->machine, "accel"), ":", -1);

        for (int i = 0; names[i]; i++) {
            cfg->accels = g_list_append(cfg->accels,
                                       parse_opts_or_die(&qemu_accel_opts, names[i], true));
        }
        json_object_remove_member(cfg->machine, "accel");
    }
}

void write_config_file(Config *cfg)
{
    g_autofree char *text = qemu_writeconfig_format(cfg->machine);
    GError *err = NULL;

    if (!strcmp(cfg->writeconfig, "-")) {
        fputs(text, stdout);
        fflush(stdout);
    } else if (!g_file_set_contents(cfg->writeconfig, text, -1, &err)) {
        loc_set_cmdline("-writeconfig", cfg->writeconfig);
        vl_fail(err);
    }
}

void parse_command_line(Config *cfg, int argc, char **argv)
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

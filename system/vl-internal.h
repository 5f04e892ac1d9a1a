/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What system/vl-options.c (the command line and -readconfig) hands to
 * system/vl.c (building the emulator): the Config it filled in and the
 * options whose processing waits until their backends exist.
 */
#ifndef SYSTEM_VL_INTERNAL_H
#define SYSTEM_VL_INTERNAL_H

#include "qemu/option.h"
#include <json-glib/json-glib.h>

/* An option whose processing is deferred, with its location for errors. */
typedef struct DeferredOpt {
    const char *opt;
    const char *arg;
    QemuOpts *opts;
    const char *file;           /* from -readconfig: file and line */
    int line;
} DeferredOpt;

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

void register_opts_lists(void);
void parse_command_line(Config *cfg, int argc, char **argv);
void write_config_file(Config *cfg);
int smp_cpus_requested(void);
void split_machine_accel(Config *cfg);

/* Point error reports at where d was given (command line or file:line). */
void loc_set_deferred(const DeferredOpt *d);

/* Report the error (with the current location) and exit 1. */
void QEMU_NORETURN vl_fail(GError *err);
void QEMU_NORETURN vl_fail_msg(const char *msg);

#endif

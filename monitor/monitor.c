/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitor bookkeeping: the list of monitors, the monitor I/O thread, the
 * thread-local "current monitor", and monitor creation from the command
 * line (-mon, -qmp, -qmp-pretty).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "monitor-internal.h"

static GMutex monitors_lock;
static GList *monitors;                 /* Monitor *; monitors_lock */

static GMainContext *io_context;
static GMainLoop *io_loop;
static GThread *io_thread;

static __thread Monitor *cur_mon;
static __thread QmpRequest *cur_req;

/* Counter for compat_monitor<N> chardev labels. */
static int compat_monitor_count;

QemuOptsList qemu_mon_opts = {
    .name = "mon",
    .implied_opt_name = "chardev",
    .desc = {
        { .name = "mode", .type = QEMU_OPT_STRING },
        { .name = "chardev", .type = QEMU_OPT_STRING },
        { .name = "pretty", .type = QEMU_OPT_BOOL },
        { NULL }
    },
};

/*
 * Set by monitor_cleanup(). A flag rather than g_main_loop_quit(): a quit
 * that arrives before the thread has entered g_main_loop_run() would be
 * lost and the join would hang (a guest can power off that early).
 */
static bool io_quit;

static gpointer monitor_io_thread_run(gpointer opaque)
{
    g_main_context_push_thread_default(io_context);
    while (!qatomic_read(&io_quit)) {
        g_main_context_iteration(io_context, TRUE);
    }
    g_main_context_pop_thread_default(io_context);
    return NULL;
}

void monitor_init_globals(void)
{
    if (io_context) {
        return;
    }
    io_context = g_main_context_new();
    io_loop = g_main_loop_new(io_context, FALSE);
    io_thread = g_thread_new("mon_iothread", monitor_io_thread_run, NULL);
}

GMainContext *monitor_io_context(void)
{
    monitor_init_globals();
    return io_context;
}

Monitor *monitor_cur(void)
{
    return cur_mon;
}

QmpRequest *monitor_cur_request(void)
{
    return cur_req;
}

void monitor_set_cur(Monitor *mon, QmpRequest *req,
                     Monitor **old_mon, QmpRequest **old_req)
{
    if (old_mon) {
        *old_mon = cur_mon;
    }
    if (old_req) {
        *old_req = cur_req;
    }
    cur_mon = mon;
    cur_req = req;
}

void monitor_foreach(void (*fn)(Monitor *mon, void *opaque), void *opaque)
{
    GList *l;

    g_mutex_lock(&monitors_lock);
    for (l = monitors; l; l = l->next) {
        fn(l->data, opaque);
    }
    g_mutex_unlock(&monitors_lock);
}

void monitor_list_add(Monitor *mon)
{
    g_mutex_lock(&monitors_lock);
    monitors = g_list_append(monitors, mon);
    g_mutex_unlock(&monitors_lock);
}

bool monitor_init_opts(QemuOpts *opts, GError **errp)
{
    const char *mode = qemu_opt_get(opts, "mode");
    const char *chardev = qemu_opt_get(opts, "chardev");
    bool pretty = qemu_opt_get_bool(opts, "pretty", false);
    Chardev *chr;

    if (!mode || !strcmp(mode, "readline")) {
        if (pretty) {
            error_setg(errp, "'pretty' is not compatible with HMP monitors");
            return false;
        }
    } else if (strcmp(mode, "control") != 0) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
        return false;
    }
    if (!chardev) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    chr = qemu_chr_find(chardev);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", chardev);
        return false;
    }
    if (!mode || !strcmp(mode, "readline")) {
        return monitor_hmp_new(chr, errp);
    }
    return monitor_qmp_new(chr, pretty, errp);
}

/* The chardev compat_monitor<N> for a -qmp / -monitor legacy spec. */
static Chardev *monitor_chr_from_spec(const char *spec, GError **errp)
{
    g_autofree char *label =
        g_strdup_printf("compat_monitor%d", compat_monitor_count++);
    GError *err = NULL;
    QemuOpts *opts;
    Chardev *chr;

    if (g_str_has_prefix(spec, "chardev:")) {
        return qemu_chr_new(label, spec, errp);
    }
    opts = qemu_chr_parse_compat(label, spec, &err);
    if (!opts) {
        error_setg(errp, "parse error: %s", spec);
        g_error_free(err);
        return NULL;
    }
    chr = qemu_chr_new_from_opts(opts, errp);
    if (!chr) {
        qemu_opts_del(opts);
    }
    return chr;
}

bool monitor_init_hmp_spec(const char *spec, GError **errp)
{
    Chardev *chr = monitor_chr_from_spec(spec, errp);

    return chr && monitor_hmp_new(chr, errp);
}

bool monitor_init_qmp_spec(const char *spec, bool pretty, GError **errp)
{
    Chardev *chr = monitor_chr_from_spec(spec, errp);

    return chr && monitor_qmp_new(chr, pretty, errp);
}

void monitor_cleanup(void)
{
    GList *list;
    GList *l;

    monitor_dispatcher_shutdown();
    monitor_hmp_cleanup();

    if (io_thread) {
        qatomic_set(&io_quit, true);
        g_main_context_wakeup(io_context);
        g_thread_join(io_thread);
        io_thread = NULL;
    }

    /* Nobody else walks the list any more: events are dropped from now. */
    g_mutex_lock(&monitors_lock);
    list = monitors;
    monitors = NULL;
    g_mutex_unlock(&monitors_lock);

    for (l = list; l; l = l->next) {
        monitor_qmp_destroy(l->data);
    }
    g_list_free(list);
    monitor_fdsets_free();

    if (io_loop) {
        g_main_loop_unref(io_loop);
        io_loop = NULL;
    }
    if (io_context) {
        g_main_context_unref(io_context);
        io_context = NULL;
    }
}

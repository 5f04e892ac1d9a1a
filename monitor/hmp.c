/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor (HMP): interactive monitors on chardevs (-monitor,
 * -mon mode=readline, the monitor half of "mon:SPEC"), with readline
 * editing and the "(qemu) " prompt; QMP's human-monitor-command; and the
 * output helpers the command handlers share.
 *
 * Interactive monitors run in the main loop with the BQL held (their
 * chardev handlers use the default context), like the commands they run.
 * On a multiplexed chardev the banner and prompt appear when the monitor
 * gets the input focus (Ctrl-A c), not at start-up.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/readline.h"
#include "system/cpus.h"
#include "hmp-internal.h"
#include "monitor-internal.h"

#define HMP_PROMPT "(qemu) "

typedef struct MonitorHMP {
    CharBackend chr;
    ReadLineState *rs;
    Hmp hmp;
    GString *out;
    GByteArray *pending;        /* input held while suspended */
    bool suspended;
    bool open;                  /* OPENED seen, CLOSED not yet */
    bool greeted;               /* banner shown on this connection */
    guint greet_source;
} MonitorHMP;

static GList *hmp_monitors;     /* MonitorHMP *; BQL */

/* ---- output ---- */

void hmp_printf(Hmp *h, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(h->out, '\r');
        }
        g_string_append_c(h->out, *p);
    }
}

bool hmp_handle_error(Hmp *h, GError *err)
{
    if (!err) {
        return false;
    }
    hmp_printf(h, "Error: %s\n", err->message);
    g_error_free(err);
    return true;
}

char *hmp_size_to_str(uint64_t val)
{
    static const char *const suffixes[] = {
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
    };
    unsigned i = 0;
    double v = val;

    /* Next unit once the number would need four digits. */
    while (i + 1 < G_N_ELEMENTS(suffixes) && v >= 1000) {
        v /= 1024;
        i++;
    }
    return g_strdup_printf("%0.3g %sB", v, suffixes[i]);
}

/* ---- human-monitor-command ---- */

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, GError **errp)
{
    Hmp h = { .out = g_string_new(NULL) };

    /* The only CPU a CR16 machine has is number 0. */
    if (has_cpu_index && (cpu_index != 0 || !cpus_have_vcpu())) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        g_string_free(h.out, TRUE);
        return NULL;
    }
    hmp_run_line(&h, command_line);
    return g_string_free(h.out, FALSE);
}

/* ---- interactive monitors ---- */

static void mon_write(MonitorHMP *mon, const char *text, size_t len)
{
    if (len) {
        qemu_chr_fe_write_all(&mon->chr, (const uint8_t *)text, len);
    }
}

static void mon_flush(Hmp *h)
{
    MonitorHMP *mon = h->opaque;

    mon_write(mon, mon->out->str, mon->out->len);
    g_string_truncate(mon->out, 0);
}

static void mon_rl_write(void *opaque, const char *text)
{
    MonitorHMP *mon = opaque;

    mon_flush(&mon->hmp);       /* keep command output in order */
    mon_write(mon, text, strlen(text));
}

static void mon_line(void *opaque, const char *line);

static void mon_prompt(MonitorHMP *mon)
{
    readline_start(mon->rs, HMP_PROMPT, mon_line, mon);
    readline_show_prompt(mon->rs);
}

static void mon_feed_pending(MonitorHMP *mon)
{
    guint i = 0;

    while (i < mon->pending->len && !mon->suspended) {
        readline_handle_byte(mon->rs, mon->pending->data[i++]);
    }
    g_byte_array_remove_range(mon->pending, 0, i);
}

static void mon_suspend(Hmp *h)
{
    MonitorHMP *mon = h->opaque;

    mon->suspended = true;
}

static void mon_resume(Hmp *h)
{
    MonitorHMP *mon = h->opaque;

    if (!mon->suspended) {
        return;
    }
    mon->suspended = false;
    mon_flush(h);
    mon_prompt(mon);
    mon_feed_pending(mon);
    qemu_chr_fe_accept_input(&mon->chr);
}

static void mon_line(void *opaque, const char *line)
{
    MonitorHMP *mon = opaque;

    hmp_run_line(&mon->hmp, line);
    mon_flush(&mon->hmp);
    if (!mon->suspended) {
        mon_prompt(mon);
    }
}

static int mon_can_read(void *opaque)
{
    MonitorHMP *mon = opaque;

    return mon->suspended ? 0 : READLINE_MAX_LEN;
}

static void mon_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorHMP *mon = opaque;

    g_byte_array_append(mon->pending, buf, size);
    mon_feed_pending(mon);
}

/*
 * Banner (once per connection) and prompt, from the main loop: a mux
 * hands the focus around while front ends attach at start-up, and only
 * the monitor that still has it afterwards should speak.
 */
static gboolean mon_greet(gpointer opaque)
{
    MonitorHMP *mon = opaque;
    g_autoptr(VersionInfo) v = NULL;

    mon->greet_source = 0;
    if (!mon->open || !qemu_chr_fe_has_focus(&mon->chr)) {
        return G_SOURCE_REMOVE;
    }
    if (!mon->greeted) {
        v = qmp_query_version(NULL);
        hmp_printf(&mon->hmp, "QEMU %" PRId64 ".%" PRId64 ".%" PRId64
                   "%s monitor - type 'help' for more information\n",
                   v->qemu->major, v->qemu->minor, v->qemu->micro,
                   v->package);
        mon->greeted = true;
        mon_flush(&mon->hmp);
        readline_start(mon->rs, HMP_PROMPT, mon_line, mon);
    }
    if (!mon->suspended) {
        readline_show_prompt(mon->rs);
    }
    return G_SOURCE_REMOVE;
}

static void mon_schedule_greet(MonitorHMP *mon)
{
    if (!mon->greet_source) {
        mon->greet_source = g_idle_add(mon_greet, mon);
    }
}

static void mon_event(void *opaque, QEMUChrEvent event)
{
    MonitorHMP *mon = opaque;

    if (event == CHR_EVENT_OPENED) {
        mon->open = true;
        mon->greeted = false;
        mon_schedule_greet(mon);
    } else {
        mon->open = false;
        g_byte_array_set_size(mon->pending, 0);
    }
}

static void mon_focus(void *opaque, bool focus)
{
    if (focus) {
        mon_schedule_greet(opaque);
    }
}

bool monitor_hmp_new(Chardev *chr, GError **errp)
{
    MonitorHMP *mon = g_new0(MonitorHMP, 1);

    if (!qemu_chr_fe_init(&mon->chr, chr, errp)) {
        g_free(mon);
        return false;
    }
    mon->out = g_string_new(NULL);
    mon->pending = g_byte_array_new();
    mon->hmp = (Hmp) {
        .out = mon->out,
        .interactive = true,
        .suspend = mon_suspend,
        .resume = mon_resume,
        .flush = mon_flush,
        .opaque = mon,
    };
    mon->rs = readline_new(mon_rl_write, hmp_complete, mon);
    readline_start(mon->rs, HMP_PROMPT, mon_line, mon);
    qemu_chr_fe_set_focus_handler(&mon->chr, mon_focus);
    qemu_chr_fe_set_handlers(&mon->chr, mon_can_read, mon_read, mon_event,
                             mon, NULL);
    hmp_monitors = g_list_append(hmp_monitors, mon);
    return true;
}

void monitor_hmp_cleanup(void)
{
    for (GList *l = hmp_monitors; l; l = l->next) {
        MonitorHMP *mon = l->data;

        if (mon->greet_source) {
            g_source_remove(mon->greet_source);
        }
        mon_flush(&mon->hmp);
        qemu_chr_fe_deinit(&mon->chr, false);
        readline_free(mon->rs);
        g_string_free(mon->out, TRUE);
        g_byte_array_unref(mon->pending);
        g_free(mon);
    }
    g_list_free(hmp_monitors);
    hmp_monitors = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiplexed chardevs (mux=on, "mon:SPEC"): up to four front ends share
 * one backend. All of them write to it; input goes to the front end with
 * the focus. Ctrl-A is the escape key: Ctrl-A c moves the focus, Ctrl-A h
 * prints help, Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qapi/error.h"
#include "system/runstate.h"

#define MUX_MAX_FE      4
#define MUX_BUF_SIZE    32      /* input held per front end */
#define MUX_ESCAPE      0x01    /* Ctrl-A */

typedef struct MuxChardev {
    Chardev parent;
    Chardev *inner;             /* the backend proper; owned */
    CharBackend inner_be;       /* our front-end side on inner */
    CharBackend *fes[MUX_MAX_FE];
    int focus;                  /* index into fes, -1: none */
    bool escape_pending;
    /* Ctrl-A t: "[hh:mm:ss.mmm] " before each output line, counted
     * from the first line stamped since the toggle. */
    bool timestamps;
    bool linestart;
    int64_t timestamps_start;   /* µs, monotonic; -1: not yet */
    /* Input for each front end that it could not take yet. */
    uint8_t buf[MUX_MAX_FE][MUX_BUF_SIZE];
    int head[MUX_MAX_FE];
    int count[MUX_MAX_FE];
} MuxChardev;

/* Hand buffered input to front end i as far as it can take it. */
static void mux_flush(MuxChardev *d, int i)
{
    CharBackend *be = d->fes[i];

    while (be && d->count[i] > 0 && be->chr_read && be->chr_can_read &&
           qemu_chr_fe_may_read(be)) {
        int room = be->chr_can_read(be->opaque);
        int chunk = MIN(d->count[i], MUX_BUF_SIZE - d->head[i]);

        if (room <= 0) {
            break;
        }
        chunk = MIN(chunk, room);
        /* Advance first: chr_read may re-enter can_read. */
        {
            int start = d->head[i];

            d->head[i] = (d->head[i] + chunk) % MUX_BUF_SIZE;
            d->count[i] -= chunk;
            be->chr_read(be->opaque, &d->buf[i][start], chunk);
        }
    }
}

static void mux_queue(MuxChardev *d, uint8_t c)
{
    int i = d->focus;

    if (i < 0 || !d->fes[i] || d->count[i] >= MUX_BUF_SIZE) {
        return;
    }
    d->buf[i][(d->head[i] + d->count[i]) % MUX_BUF_SIZE] = c;
    d->count[i]++;
}

static void mux_print(MuxChardev *d, const char *text)
{
    qemu_chr_write(d->inner, (const uint8_t *)text, strlen(text), true);
}

/* Move the focus to slot i (-1: none), telling both front ends. */
static void mux_set_focus(MuxChardev *d, int i)
{
    CharBackend *old = d->focus >= 0 ? d->fes[d->focus] : NULL;
    CharBackend *new = i >= 0 ? d->fes[i] : NULL;

    d->focus = i;
    if (old == new) {
        return;
    }
    if (old && old->chr_focus) {
        old->chr_focus(old->opaque, false);
    }
    if (new && new->chr_focus) {
        new->chr_focus(new->opaque, true);
    }
}

static void mux_next_focus(MuxChardev *d)
{
    int i;

    for (i = 1; i <= MUX_MAX_FE; i++) {
        int cand = (d->focus + i + MUX_MAX_FE) % MUX_MAX_FE;

        if (d->fes[cand] && d->fes[cand]->fe_open) {
            mux_set_focus(d, cand);
            return;
        }
    }
    mux_set_focus(d, -1);
}

bool qemu_chr_mux_has_focus(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = (MuxChardev *)chr;

    return d->focus >= 0 && d->fes[d->focus] == be;
}

/* Handle the key after Ctrl-A. */
static void mux_escape(MuxChardev *d, uint8_t c)
{
    switch (c) {
    case 'h':
    case '?':
        /* QEMU's lines end in LF CR; the same here, byte for byte. */
        mux_print(d, "\n\r"
                     "C-a h    print this help\n\r"
                     "C-a x    exit emulator\n\r"
                     "C-a s    save disk data back to file (if -snapshot)\n\r"
                     "C-a t    toggle console timestamps\n\r"
                     "C-a b    send break (magic sysrq)\n\r"
                     "C-a c    switch between console and monitor\n\r"
                     "C-a C-a  sends C-a\n\r");
        break;
    case 'x':
        mux_print(d, "QEMU: Terminated\n\r");
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
        break;
    case 's':
        /* Write back -snapshot disks: this machine has no block
         * devices, so there is never anything to write. */
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->timestamps_start = -1;
        d->linestart = false;
        break;
    case 'b':
        if (d->focus >= 0 && d->fes[d->focus]->chr_break) {
            CharBackend *be = d->fes[d->focus];

            be->chr_break(be->opaque);
        }
        break;
    case 'c':
        mux_next_focus(d);
        break;
    case MUX_ESCAPE:
        mux_queue(d, MUX_ESCAPE);
        break;
    default:
        break;
    }
}

static int mux_can_read(void *opaque)
{
    MuxChardev *d = opaque;

    if (d->focus < 0) {
        return 0;
    }
    /* Runs from the inner source's prepare: a good time to catch up. */
    mux_flush(d, d->focus);
    return MUX_BUF_SIZE - d->count[d->focus];
}

static void mux_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;
    int i;

    for (i = 0; i < size; i++) {
        if (d->escape_pending) {
            d->escape_pending = false;
            mux_escape(d, buf[i]);
        } else if (buf[i] == MUX_ESCAPE) {
            d->escape_pending = true;
        } else {
            mux_queue(d, buf[i]);
        }
    }
    if (d->focus >= 0) {
        mux_flush(d, d->focus);
    }
}

static void mux_event(void *opaque, QEMUChrEvent event)
{
    MuxChardev *d = opaque;
    bool open = event == CHR_EVENT_OPENED;
    int i;

    /* The state the mux was created in is announced by set_handlers. */
    if (qemu_chr_is_open(&d->parent) == open) {
        return;
    }
    qemu_chr_set_open(&d->parent, open);
    for (i = 0; i < MUX_MAX_FE; i++) {
        if (d->fes[i]) {
            qemu_chr_fe_announce(d->fes[i], event);
        }
    }
}

static void mux_set_inner_handlers(MuxChardev *d, GMainContext *context)
{
    qemu_chr_fe_set_handlers(&d->inner_be, mux_can_read, mux_read, mux_event,
                             d, context);
}

static bool mux_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                     GError **errp)
{
    MuxChardev *d = (MuxChardev *)chr;

    chr->is_mux = true;
    d->focus = -1;
    *be_opened = false;
    return true;
}

static void mux_write_stamp(MuxChardev *d)
{
    int64_t now = g_get_monotonic_time() / 1000;
    int64_t ms, secs;
    char stamp[32];

    if (d->timestamps_start < 0) {
        d->timestamps_start = now;
    }
    ms = now - d->timestamps_start;
    secs = ms / 1000;
    snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ",
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
             (int)(ms % 1000));
    qemu_chr_write(d->inner, (const uint8_t *)stamp, strlen(stamp), true);
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = (MuxChardev *)chr;
    int done = 0;

    if (!d->timestamps) {
        return qemu_chr_write(d->inner, buf, len, false);
    }
    /* Stamped output goes out whole, line by line. */
    while (done < len) {
        const uint8_t *nl = memchr(buf + done, '\n', len - done);
        int n = nl ? nl - (buf + done) + 1 : len - done;

        if (d->linestart) {
            mux_write_stamp(d);
            d->linestart = false;
        }
        qemu_chr_write(d->inner, buf + done, n, true);
        d->linestart = nl != NULL;
        done += n;
    }
    return len;
}

static bool mux_wait_writable(Chardev *chr)
{
    return qemu_chr_wait_writable(((MuxChardev *)chr)->inner);
}

static int mux_get_msgfds(Chardev *chr, int *fds, int num)
{
    return qemu_chr_fe_get_msgfds(&((MuxChardev *)chr)->inner_be, fds, num);
}

static void mux_disconnect(Chardev *chr)
{
    qemu_chr_fe_disconnect(&((MuxChardev *)chr)->inner_be);
}

static void mux_fe_handlers_changed(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = (MuxChardev *)chr;

    chr->gcontext = be->context;
    if (be->fe_open) {
        mux_set_focus(d, be->tag);
    } else if (d->focus == be->tag) {
        mux_next_focus(d);
    }
    mux_set_inner_handlers(d, be->context);
}

static void mux_fe_detach(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = (MuxChardev *)chr;
    int i = be->tag;

    assert(i >= 0 && i < MUX_MAX_FE && d->fes[i] == be);
    d->fes[i] = NULL;
    d->count[i] = 0;
    d->head[i] = 0;
    chr->mux_users--;
    if (d->focus == i) {
        d->focus = -1;          /* be is going: no focus-out call */
        mux_next_focus(d);
    }
}

static char *mux_describe(Chardev *chr)
{
    return qemu_chr_filename(((MuxChardev *)chr)->inner);
}

static void mux_close(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;
    int i;

    for (i = 0; i < MUX_MAX_FE; i++) {
        if (d->fes[i]) {
            CharBackend *be = d->fes[i];

            /* Detached first, so clearing its handlers stays local. */
            d->fes[i] = NULL;
            be->chr = NULL;
            qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL, NULL);
        }
    }
    chr->mux_users = 0;
    if (d->inner) {
        qemu_chr_fe_deinit(&d->inner_be, true);
        d->inner = NULL;
    }
}

const ChardevDriver chardev_mux_driver = {
    .name = "mux",
    .instance_size = sizeof(MuxChardev),
    .open = mux_open,
    .write = mux_write,
    .wait_writable = mux_wait_writable,
    .get_msgfds = mux_get_msgfds,
    .disconnect = mux_disconnect,
    .fe_handlers_changed = mux_fe_handlers_changed,
    .fe_detach = mux_fe_detach,
    .close = mux_close,
    .describe = mux_describe,
};

bool qemu_chr_mux_attach(Chardev *chr, CharBackend *be, GError **errp)
{
    MuxChardev *d = (MuxChardev *)chr;
    int i;

    for (i = 0; i < MUX_MAX_FE; i++) {
        if (!d->fes[i]) {
            d->fes[i] = be;
            be->tag = i;
            chr->mux_users++;
            return true;
        }
    }
    error_setg(errp, "Too many uses of multiplexed chardev '%s'", chr->label);
    return false;
}

Chardev *qemu_chr_mux_new(const char *label, Chardev *inner, GError **errp)
{
    Chardev *chr = qemu_chr_create(&chardev_mux_driver, label, NULL, errp);
    MuxChardev *d;
    bool ok;

    if (!chr) {
        qemu_chr_destroy(inner);
        return NULL;
    }
    d = (MuxChardev *)chr;
    d->inner = inner;
    ok = qemu_chr_fe_init(&d->inner_be, inner, NULL);
    assert(ok);     /* inner is brand new, nobody else uses it */
    /* Mirror the state now so the deferred OPENED is not repeated. */
    qemu_chr_set_open(chr, qemu_chr_is_open(inner));
    mux_set_inner_handlers(d, NULL);
    return chr;
}

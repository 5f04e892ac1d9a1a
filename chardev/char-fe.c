/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The front-end side of chardevs: attaching a CharBackend, installing
 * handlers (with the deferred OPENED event), writing, fd passing and
 * detaching.
 */
#include "qemu/osdep.h"
#include "chardev-internal.h"
#include "qapi/error.h"

bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, GError **errp)
{
    be->chr = NULL;
    be->chr_can_read = NULL;
    be->chr_read = NULL;
    be->chr_event = NULL;
    be->opaque = NULL;
    be->context = NULL;
    be->open_source = NULL;
    be->opened_gen = 0;
    be->open_told = false;
    be->tag = 0;
    be->fe_open = false;
    if (!chr) {
        return true;
    }
    if (chr->is_mux) {
        if (!qemu_chr_mux_attach(chr, be, errp)) {
            return false;
        }
    } else {
        if (chr->be) {
            error_setg(errp, "Chardev '%s' is busy", chr->label);
            return false;
        }
        chr->be = be;
    }
    be->chr = chr;
    return true;
}

/*
 * be->open_source is shared between the thread that sets handlers and the
 * front end's context thread that runs the idle: whoever swaps it out owns
 * (and drops) the reference.
 */
void qemu_chr_fe_cancel_open(CharBackend *be)
{
    GSource *src = qatomic_xchg(&be->open_source, NULL);

    if (src) {
        g_source_destroy(src);
        g_source_unref(src);
    }
}

/*
 * OPENED can be due from two places that may race: the backend connecting
 * (qemu_chr_be_event) and the announcement queued by set_handlers for an
 * already connected backend. The connection number decides: whoever moves
 * be->opened_gen to the current one delivers, the other stays quiet.
 */
void qemu_chr_fe_announce(CharBackend *be, QEMUChrEvent event)
{
    Chardev *chr = be->chr;

    if (event == CHR_EVENT_CLOSED) {
        if (qatomic_xchg(&be->open_told, false) && be->chr_event) {
            be->chr_event(be->opaque, event);
        }
        return;
    }
    if (chr && qemu_chr_is_open(chr)) {
        unsigned gen = qatomic_read(&chr->open_gen);
        unsigned seen = qatomic_read(&be->opened_gen);

        if (seen == gen ||
            qatomic_cmpxchg(&be->opened_gen, seen, gen) != seen) {
            return;
        }
        qatomic_set(&be->open_told, true);
        if (be->chr_event) {
            be->chr_event(be->opaque, event);
        }
    }
}

bool qemu_chr_fe_may_read(CharBackend *be)
{
    if (!be->chr_event) {
        return true;
    }
    return qatomic_read(&be->open_told) && be->chr &&
           qatomic_read(&be->opened_gen) == qatomic_read(&be->chr->open_gen);
}

static gboolean fe_open_idle(gpointer opaque)
{
    CharBackend *be = opaque;
    GSource *self = qatomic_xchg(&be->open_source, NULL);

    if (!self) {
        return G_SOURCE_REMOVE;     /* superseded meanwhile */
    }
    g_source_unref(self);
    qemu_chr_fe_announce(be, CHR_EVENT_OPENED);
    return G_SOURCE_REMOVE;
}

void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *can_read,
                              IOReadHandler *read, IOEventHandler *event,
                              void *opaque, GMainContext *context)
{
    Chardev *chr = be->chr;

    qemu_chr_fe_cancel_open(be);
    be->chr_can_read = can_read;
    be->chr_read = read;
    be->chr_event = event;
    be->opaque = opaque;
    be->context = context;
    be->fe_open = can_read || read || event || opaque;
    /* New handlers hear about the current connection afresh. */
    qatomic_set(&be->open_told, false);
    qatomic_set(&be->opened_gen, 0);
    if (!chr) {
        return;
    }
    if (chr->driver->fe_handlers_changed) {
        chr->driver->fe_handlers_changed(chr, be);
    } else {
        chr->gcontext = context;
        if (chr->driver->update_read_handler) {
            chr->driver->update_read_handler(chr);
        }
    }
    /*
     * A connected backend announces itself from the front end's context,
     * after this call returns, so the front end is fully set up first.
     * Whether it is connected is decided there, not here: the sources
     * created above may already have accepted a client in another thread.
     * High priority, so the announcement is not starved by busy sources;
     * input waits for it anyway (qemu_chr_fe_may_read).
     */
    if (event) {
        GSource *src = g_idle_source_new();

        g_source_set_priority(src, G_PRIORITY_HIGH);
        g_source_set_callback(src, fe_open_idle, be, NULL);
        g_source_set_name(src, "chardev-opened");
        /* Published first: another thread may run the idle at once. */
        qatomic_set(&be->open_source, src);
        g_source_attach(src, context);
    }
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (!chr) {
        return;
    }
    /*
     * Re-run the sources' prepare, which asks can_read again and polls the
     * fd again (a mux also flushes the input it holds from there).
     */
    g_main_context_wakeup(chr->gcontext ? chr->gcontext
                                        : g_main_context_default());
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return len;
    }
    return qemu_chr_write(be->chr, buf, len, false);
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return len;
    }
    return qemu_chr_write(be->chr, buf, len, true);
}

int qemu_chr_fe_get_msgfds(CharBackend *be, int *fds, int num)
{
    Chardev *chr = be->chr;

    if (!chr || !chr->driver->get_msgfds || num <= 0) {
        return 0;
    }
    return chr->driver->get_msgfds(chr, fds, num);
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
    return be->chr != NULL;
}

bool qemu_chr_fe_backend_open(CharBackend *be)
{
    return be->chr && qemu_chr_is_open(be->chr);
}

Chardev *qemu_chr_fe_get_chr(CharBackend *be)
{
    return be->chr;
}

void qemu_chr_fe_disconnect(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (chr && chr->driver->disconnect) {
        chr->driver->disconnect(chr);
    }
}

void qemu_chr_fe_deinit(CharBackend *be, bool del)
{
    Chardev *chr = be->chr;

    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL, NULL);
    if (chr->is_mux) {
        chr->driver->fe_detach(chr, be);
    } else if (chr->be == be) {
        chr->be = NULL;
    }
    be->chr = NULL;
    /* A multiplexed chardev stays while other front ends use it. */
    if (del && !chr->be && chr->mux_users == 0) {
        qemu_chr_destroy(chr);
    }
}

void qemu_chr_fe_set_focus_handler(CharBackend *be,
                                   void (*fn)(void *opaque, bool focus))
{
    be->chr_focus = fn;
}

void qemu_chr_fe_set_break_handler(CharBackend *be, void (*fn)(void *opaque))
{
    be->chr_break = fn;
}

bool qemu_chr_fe_has_focus(CharBackend *be)
{
    if (!be->chr || !be->chr->is_mux) {
        return true;
    }
    return qemu_chr_mux_has_focus(be->chr, be);
}

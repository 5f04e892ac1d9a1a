/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop (glib's default context) and the big emulator lock.
 *
 * The main thread owns the BQL except while it sleeps in poll(): the poll
 * function below drops it around the blocking call, so every GSource
 * callback of the default context runs with the BQL held.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"

static GMutex bql;
static __thread bool bql_held;
static GPollFunc glib_poll;
static GMainLoop *main_loop;

void bql_lock(void)
{
    g_assert(!bql_held);
    g_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    g_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

void bql_cond_wait(GCond *cond)
{
    g_assert(bql_held);
    bql_held = false;
    g_cond_wait(cond, &bql);
    bql_held = true;
}

bool bql_cond_wait_until(GCond *cond, gint64 end_time_us)
{
    bool ok;

    g_assert(bql_held);
    bql_held = false;
    ok = g_cond_wait_until(cond, &bql, end_time_us);
    bql_held = true;
    return ok;
}

static gint poll_without_bql(GPollFD *fds, guint nfds, gint timeout)
{
    gint ret;

    if (timeout == 0) {
        return glib_poll(fds, nfds, 0);
    }
    bql_unlock();
    ret = glib_poll(fds, nfds, timeout);
    bql_lock();
    return ret;
}

void main_loop_init(void)
{
    GMainContext *ctx = g_main_context_default();

    if (main_loop) {
        return;
    }
    glib_poll = g_main_context_get_poll_func(ctx);
    g_main_context_set_poll_func(ctx, poll_without_bql);
    main_loop = g_main_loop_new(ctx, FALSE);
    if (!bql_held) {
        bql_lock();
    }
    timers_init();
}

/* A flag, not only g_main_loop_quit(): a quit before the loop runs must stick. */
static bool main_loop_quit_requested;
static bool main_loop_entered;

bool main_loop_started(void)
{
    return qatomic_read(&main_loop_entered);
}

void main_loop_run(void)
{
    qatomic_set(&main_loop_entered, true);
    while (!qatomic_read(&main_loop_quit_requested)) {
        g_main_context_iteration(g_main_loop_get_context(main_loop), TRUE);
    }
}

void main_loop_quit(void)
{
    qatomic_set(&main_loop_quit_requested, true);
    g_main_context_wakeup(NULL);
}

void main_loop_wakeup(void)
{
    g_main_context_wakeup(NULL);
}

typedef struct ScheduledCall {
    void (*fn)(void *opaque);
    void *opaque;
} ScheduledCall;

static gboolean run_scheduled(gpointer data)
{
    ScheduledCall *call = data;

    call->fn(call->opaque);
    return G_SOURCE_REMOVE;
}

void main_loop_schedule(void (*fn)(void *opaque), void *opaque)
{
    ScheduledCall *call = g_new(ScheduledCall, 1);
    GSource *src = g_idle_source_new();

    call->fn = fn;
    call->opaque = opaque;
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, run_scheduled, call, g_free);
    g_source_attach(src, g_main_context_default());
    g_source_unref(src);
}

void main_loop_iterate_nonblocking(void)
{
    g_main_context_iteration(g_main_context_default(), FALSE);
}

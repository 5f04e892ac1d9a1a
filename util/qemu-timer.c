/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers. Each clock keeps its armed timers sorted by deadline;
 * one GSource in the main context sleeps until the earliest deadline of
 * the realtime clock and (while the VM runs) the virtual clock.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"

struct QEMUTimer {
    QEMUClockType type;
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire;         /* -1 when not armed */
    uint64_t fired_pass;    /* run pass that last fired it */
};

typedef struct TimerClock {
    GList *armed;           /* QEMUTimer *, sorted by expire */
} TimerClock;

/* Guards the armed lists and the virtual clock fields below. */
static GMutex timer_lock;
static TimerClock clocks[QEMU_CLOCK_MAX];
/* Numbers the passes of qemu_clock_run_timers (fires a timer once each). */
static uint64_t run_pass;

/*
 * Virtual time: while running, host monotonic ns + vclock_offset; while
 * stopped, vclock_frozen. In manual mode (-accel qtest) always frozen.
 */
static bool vclock_running;
static bool vclock_manual;
static int64_t vclock_offset;
static int64_t vclock_frozen;

static int64_t host_ns(void)
{
    return g_get_monotonic_time() * SCALE_US;
}

static int64_t virtual_now_locked(void)
{
    /* vclock_offset may come from a migrated clock: saturate. */
    return vclock_running ? qemu_time_add_sat(host_ns(), vclock_offset)
                          : vclock_frozen;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    int64_t now;

    if (type == QEMU_CLOCK_REALTIME) {
        return host_ns();
    }
    g_mutex_lock(&timer_lock);
    now = virtual_now_locked();
    g_mutex_unlock(&timer_lock);
    return now;
}

int64_t qemu_realtime_wall_ns(void)
{
    return g_get_real_time() * SCALE_US;
}

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    return t;
}

static void timer_unlink_locked(QEMUTimer *t)
{
    if (t->expire >= 0) {
        clocks[t->type].armed = g_list_remove(clocks[t->type].armed, t);
        t->expire = -1;
    }
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

/*
 * Insertion order for g_list_insert_sorted(): a new timer goes after every
 * armed timer with the same deadline (glib inserts before the first element
 * that does not compare greater), so equal deadlines fire in arming order.
 */
static gint cmp_expire(gconstpointer a, gconstpointer b)
{
    const QEMUTimer *ta = a, *tb = b;

    return ta->expire < tb->expire ? -1 : 1;
}

void timer_mod(QEMUTimer *t, int64_t expire_ns)
{
    bool first;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    g_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    t->expire = expire_ns;
    clocks[t->type].armed = g_list_insert_sorted(clocks[t->type].armed, t,
                                                 cmp_expire);
    first = clocks[t->type].armed->data == t;
    g_mutex_unlock(&timer_lock);
    if (first) {
        /* The main loop may be sleeping past the new deadline. */
        main_loop_wakeup();
    }
}

void timer_del(QEMUTimer *t)
{
    g_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    g_mutex_unlock(&timer_lock);
}

bool timer_pending(const QEMUTimer *t)
{
    return qatomic_read(&t->expire) >= 0;
}

int64_t timer_expire_time_ns(const QEMUTimer *t)
{
    return qatomic_read(&t->expire);
}

int64_t qemu_clock_next_deadline(QEMUClockType type)
{
    int64_t d = -1;

    g_mutex_lock(&timer_lock);
    if (clocks[type].armed) {
        d = ((QEMUTimer *)clocks[type].armed->data)->expire;
    }
    g_mutex_unlock(&timer_lock);
    return d;
}

int64_t qemu_clock_deadline_ns(QEMUClockType type)
{
    int64_t d = qemu_clock_next_deadline(type);
    int64_t now;

    if (d < 0) {
        return -1;
    }
    now = qemu_clock_get_ns(type);
    return d > now ? d - now : 0;
}

/*
 * The earliest timer due at now that has not fired yet in this pass;
 * one that a callback re-armed after it fired waits for the next pass.
 */
static QEMUTimer *first_due_locked(QEMUClockType type, int64_t now,
                                   uint64_t pass)
{
    for (GList *l = clocks[type].armed; l; l = l->next) {
        QEMUTimer *t = l->data;

        if (t->expire > now) {
            break;
        }
        if (t->fired_pass != pass) {
            return t;
        }
    }
    return NULL;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    bool ran = false;
    uint64_t pass;

    g_mutex_lock(&timer_lock);
    pass = ++run_pass;
    g_mutex_unlock(&timer_lock);
    for (;;) {
        QEMUTimer *t;
        int64_t now;

        g_mutex_lock(&timer_lock);
        now = type == QEMU_CLOCK_REALTIME ? host_ns() : virtual_now_locked();
        t = first_due_locked(type, now, pass);
        if (!t) {
            g_mutex_unlock(&timer_lock);
            break;
        }
        t->fired_pass = pass;
        /* Disarm before the callback: it may re-arm or free the timer. */
        timer_unlink_locked(t);
        g_mutex_unlock(&timer_lock);
        t->cb(t->opaque);
        ran = true;
    }
    return ran;
}

void qemu_virtual_clock_start(void)
{
    g_mutex_lock(&timer_lock);
    if (!vclock_running && !vclock_manual) {
        vclock_offset = vclock_frozen - host_ns();
        vclock_running = true;
    }
    g_mutex_unlock(&timer_lock);
    main_loop_wakeup();
}

void qemu_virtual_clock_stop(void)
{
    g_mutex_lock(&timer_lock);
    if (vclock_running) {
        vclock_frozen = host_ns() + vclock_offset;
        vclock_running = false;
    }
    g_mutex_unlock(&timer_lock);
}

void qemu_virtual_clock_set_manual(bool manual)
{
    qemu_virtual_clock_stop();
    g_mutex_lock(&timer_lock);
    vclock_manual = manual;
    g_mutex_unlock(&timer_lock);
}

bool qemu_virtual_clock_is_manual(void)
{
    return qatomic_read(&vclock_manual);
}

void qemu_virtual_clock_set_ns(int64_t ns)
{
    g_mutex_lock(&timer_lock);
    ns = MAX(ns, 0);
    if (vclock_running) {
        vclock_offset = qemu_time_sub_sat(ns, host_ns());
    } else {
        vclock_frozen = ns;
    }
    g_mutex_unlock(&timer_lock);
    main_loop_wakeup();
}

int64_t qemu_clock_advance_virtual(int64_t dest_ns)
{
    int64_t now;

    for (int stops = 0;; stops++) {
        int64_t next = qemu_clock_next_deadline(QEMU_CLOCK_VIRTUAL);
        bool last = next < 0 || next > dest_ns ||
                    stops == QEMU_CLOCK_ADVANCE_MAX_STOPS;

        g_mutex_lock(&timer_lock);
        if (last) {
            vclock_frozen = MAX(vclock_frozen, dest_ns);
        } else {
            vclock_frozen = MAX(vclock_frozen, next);
        }
        now = vclock_frozen;
        g_mutex_unlock(&timer_lock);
        if (last && (next < 0 || next > dest_ns)) {
            break;
        }
        /*
         * Out of stops, the clock is at dest_ns: one pass fires whatever
         * is due, late; re-armed timers wait for the next advance.
         */
        qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
        if (last) {
            break;
        }
    }
    return now;
}

/* ---- the main-loop source ---- */

static gint timeout_ms_for(QEMUClockType type)
{
    int64_t ns;

    if (type == QEMU_CLOCK_VIRTUAL) {
        bool running;

        g_mutex_lock(&timer_lock);
        running = vclock_running;
        g_mutex_unlock(&timer_lock);
        if (!running) {
            return -1;
        }
    }
    ns = qemu_clock_deadline_ns(type);
    if (ns < 0) {
        return -1;
    }
    /* Round up so that we never wake before the deadline (without the
     * overflow of adding SCALE_MS - 1 to a far deadline). */
    return (gint)MIN(ns / SCALE_MS + (ns % SCALE_MS != 0), G_MAXINT);
}

static gboolean timer_source_prepare(GSource *src, gint *timeout)
{
    gint best = -1;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        gint t = timeout_ms_for(type);

        if (t >= 0 && (best < 0 || t < best)) {
            best = t;
        }
    }
    *timeout = best;
    return best == 0;
}

static gboolean timer_source_check(GSource *src)
{
    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        if (timeout_ms_for(type) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean timer_source_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    qemu_clock_run_timers(QEMU_CLOCK_REALTIME);
    if (!qemu_virtual_clock_is_manual()) {
        qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_source_prepare,
    .check = timer_source_check,
    .dispatch = timer_source_dispatch,
};

void timers_init(void)
{
    static GSource *src;

    if (src) {
        return;
    }
    src = g_source_new(&timer_source_funcs, sizeof(GSource));
    g_source_attach(src, g_main_context_default());
}

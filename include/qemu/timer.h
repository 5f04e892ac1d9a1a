/*
 * Clocks and timers.
 *
 * QEMU_CLOCK_REALTIME: host monotonic time, always running.
 * QEMU_CLOCK_VIRTUAL:  guest time in ns. Advances with host time only while
 *                      the VM runs; under "-accel qtest" it is frozen and
 *                      moves only through qemu_clock_advance_virtual().
 *
 * Timers fire from the main loop with the BQL held, in deadline order.
 * Device timers use the virtual clock and migrate their deadline.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define NANOSECONDS_PER_SECOND 1000000000LL
#define SCALE_MS 1000000
#define SCALE_US 1000

/*
 * Time arithmetic that cannot overflow: the sum (or difference) clamped
 * to the int64_t range. Deadlines computed from guest or stream values
 * use these, so a far-future value saturates instead of wrapping into
 * the past.
 */
static inline int64_t qemu_time_add_sat(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r)) {
        return b > 0 ? INT64_MAX : INT64_MIN;
    }
    return r;
}

static inline int64_t qemu_time_sub_sat(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_sub_overflow(a, b, &r)) {
        return b < 0 ? INT64_MAX : INT64_MIN;
    }
    return r;
}

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME = 0,
    QEMU_CLOCK_VIRTUAL = 1,
    QEMU_CLOCK_MAX
} QEMUClockType;

typedef struct QEMUTimer QEMUTimer;
typedef void QEMUTimerCB(void *opaque);

/* Current value of a clock in ns. Any thread. */
int64_t qemu_clock_get_ns(QEMUClockType type);
static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

/* Host wall-clock time in ns since the epoch (QMP event timestamps). */
int64_t qemu_realtime_wall_ns(void);

/* Create a timer on clock type; not armed. BQL held. */
QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
/* Disarm and free. NULL is ignored. */
void timer_free(QEMUTimer *t);
/* Arm (or re-arm) the timer to fire when its clock reaches expire_ns. */
void timer_mod(QEMUTimer *t, int64_t expire_ns);
/* Disarm. */
void timer_del(QEMUTimer *t);
bool timer_pending(const QEMUTimer *t);
/* Deadline of an armed timer, -1 when not armed. */
int64_t timer_expire_time_ns(const QEMUTimer *t);

/*
 * Nanoseconds from now until the earliest armed timer of the clock,
 * 0 if one is already due, -1 if none is armed.
 */
int64_t qemu_clock_deadline_ns(QEMUClockType type);
/* Absolute deadline of the earliest armed timer, -1 if none. */
int64_t qemu_clock_next_deadline(QEMUClockType type);

/*
 * Fire the timers of the clock that are due, in deadline order. One pass
 * fires each timer at most once: a timer that a callback re-arms after it
 * fired waits for the next pass even if it is already due, so a callback
 * that keeps re-arming in the past cannot hold the caller (and the BQL)
 * forever. A due timer first armed during the pass fires in it.
 * Returns true if any fired.
 */
bool qemu_clock_run_timers(QEMUClockType type);

/*
 * The virtual clock runs with host time only between
 * qemu_virtual_clock_start() and qemu_virtual_clock_stop() (run state).
 */
void qemu_virtual_clock_start(void);
void qemu_virtual_clock_stop(void);
/* Freeze the virtual clock for good ("-accel qtest"). */
void qemu_virtual_clock_set_manual(bool manual);
bool qemu_virtual_clock_is_manual(void);
/*
 * Manual mode only: move the virtual clock forward to dest_ns, firing
 * timers in deadline order with the clock set to each deadline on the way.
 * Never moves backwards. Returns the new clock value.
 *
 * The walk stops at most QEMU_CLOCK_ADVANCE_MAX_STOPS deadlines; if more
 * lie before dest_ns (a short periodic timer and a long jump), the clock
 * jumps to dest_ns and the due timers fire once, late, as they would on a
 * busy host: a device catches up from the clock value it reads (in O(1)),
 * not one expiry per period. The cost is bounded whatever dest_ns is.
 */
#define QEMU_CLOCK_ADVANCE_MAX_STOPS 1024
int64_t qemu_clock_advance_virtual(int64_t dest_ns);
/*
 * Set the virtual clock (migration load of the guest's time base).
 * A negative ns is clamped to 0: virtual time starts at 0.
 */
void qemu_virtual_clock_set_ns(int64_t ns);

/* Install the main-loop GSource that fires timers. Called by main_loop_init. */
void timers_init(void);

#endif /* QEMU_TIMER_H */

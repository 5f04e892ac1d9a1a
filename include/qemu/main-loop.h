/*
 * The main loop and the big emulator lock (BQL).
 *
 * The main thread runs the default GMainContext. It holds the BQL at all
 * times except while blocked in poll(), so every GSource callback
 * (monitors, chardevs, timers, bottom halves) runs with the BQL held.
 * Other threads (the vCPU, migration) take the BQL before touching device
 * or machine state.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include <glib.h>
#include <stdbool.h>

/* Take / release the BQL. Not recursive. */
void bql_lock(void);
void bql_unlock(void);
/* True when the calling thread holds the BQL. */
bool bql_locked(void);

/*
 * Wait on cond with the BQL as its mutex (BQL held on entry and return).
 * Lets a BQL holder wait for another thread that needs the BQL to progress.
 */
void bql_cond_wait(GCond *cond);
/* Same with a deadline (g_get_monotonic_time() microseconds); false on timeout. */
bool bql_cond_wait_until(GCond *cond, gint64 end_time_us);

/*
 * Set up the main context: installs the poll function that drops the BQL
 * around poll() and takes the BQL for the calling (main) thread.
 */
void main_loop_init(void);

/* Run the main loop until main_loop_quit() is called. BQL held. */
void main_loop_run(void);
/*
 * True once main_loop_run() has been entered (start-up is over). Any
 * thread.
 */
bool main_loop_started(void);
/* Ask main_loop_run() to return (any thread). */
void main_loop_quit(void);

/* Wake the main loop from another thread so it re-evaluates its sources. */
void main_loop_wakeup(void);

/*
 * Run fn(opaque) once in the main thread, with the BQL held, as soon as
 * the main loop gets to it. Safe to call from any thread.
 */
void main_loop_schedule(void (*fn)(void *opaque), void *opaque);

/*
 * Iterate the main loop once without blocking (BQL held). Used by code that
 * must wait for a condition on the main thread (e.g. a blocking start-up
 * socket connect must not be needed; this is for tests and shutdown).
 */
void main_loop_iterate_nonblocking(void);

#endif /* QEMU_MAIN_LOOP_H */

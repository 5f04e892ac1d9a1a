/*
 * Host process plumbing for vl.c (daemon, pid file, parent death, signals).
 * All are called from the main thread during start-up unless noted.
 */
#ifndef SYSTEM_OS_POSIX_H
#define SYSTEM_OS_POSIX_H

#include <glib.h>

/* Fork into the background; the original process waits for os_setup_post(). */
bool os_daemonize(GError **errp);
/* Start-up succeeded: release the waiting parent, detach stdio. */
void os_setup_post(bool keep_stderr);
/* Create and lock the pid file (kept locked for the process lifetime). */
bool os_write_pidfile(const char *path, GError **errp);
/* Remove the pid file at normal exit. */
void os_remove_pidfile(void);
/* Die with the parent process (Linux parent-death signal). */
bool os_set_exit_with_parent(GError **errp);
/*
 * SIGTERM/SIGINT/SIGHUP request an orderly shutdown; a thread of its own
 * watches over it and ends the process (status 0) itself during start-up,
 * or when the main loop does not answer within 2 s, the shutdown is not
 * over within 20 s, or a second signal arrives.
 */
void os_setup_signal_handling(void);

#endif /* SYSTEM_OS_POSIX_H */

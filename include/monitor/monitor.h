/*
 * The QMP server (qmp.md): monitors on chardevs, the command-line entry
 * points that create them, and the services commands get from the
 * monitor that runs them (named file descriptors, fd sets).
 *
 * Threads: monitor I/O (reading, parsing, out-of-band commands, writing)
 * runs in one monitor I/O thread; in-band commands run in the main thread
 * with the BQL held.  Functions below say which thread may call them.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "qemu/option.h"
#include "chardev/char.h"

typedef struct Monitor Monitor;

/* The "-mon" option list: chardev (implied key), mode, pretty, id. */
extern QemuOptsList qemu_mon_opts;

/*
 * Start the monitor machinery (the monitor I/O thread).  Call once from
 * the main thread after main_loop_init() and before creating monitors.
 */
void monitor_init_globals(void);

/*
 * Create a monitor from one "-mon" option.  Errors: "chardev \"<ID>\" not
 * found", "'pretty' is not compatible with HMP monitors", an unknown
 * mode, a chardev that
 * already has a front end.  Main thread, BQL held.
 */
bool monitor_init_opts(QemuOpts *opts, GError **errp);

/*
 * An interactive human monitor (HMP, "(qemu) " prompt with readline
 * editing) on chr: -mon mode=readline, -monitor, and the monitor half of
 * a "mon:SPEC" chardev.  Fails when chr already has its front end(s).
 * Main thread, BQL held.
 */
bool monitor_hmp_new(Chardev *chr, GError **errp);

/*
 * -monitor SPEC: create chardev "compat_monitor<N>" from the legacy spec
 * ("chardev:ID" reuses one) and an HMP monitor on it.  Errors as for
 * monitor_init_qmp_spec().  Main thread, BQL held.
 */
bool monitor_init_hmp_spec(const char *spec, GError **errp);

/*
 * -qmp / -qmp-pretty: create chardev "compat_monitor<N>" from the legacy
 * spec ("chardev:ID" reuses an existing chardev) and a QMP monitor on it.
 * Errors: "parse error: <spec>" followed by the chardev's reason, or the
 * errors of monitor_init_opts().  Main thread, BQL held.
 */
bool monitor_init_qmp_spec(const char *spec, bool pretty, GError **errp);

/*
 * At exit: stop the I/O thread, write out what the monitors still have to
 * say (responses, the final SHUTDOWN event), and free all monitors.  Main
 * thread, BQL held, after the main loop has returned.
 */
void monitor_cleanup(void);

/*
 * The monitor running the current command in the calling thread, or NULL
 * outside command execution.  Thread-local.
 */
Monitor *monitor_cur(void);

/*
 * Take the fd that was named fdname with getfd on mon out of the monitor:
 * the caller owns it from now on (a later closefd of that name fails).
 * Returns the fd, or -1 with errp set ("File descriptor named '<name>' has
 * not been found", or "No monitor" when mon is NULL).  Any thread.
 */
int monitor_get_fd(Monitor *mon, const char *fdname, GError **errp);

/*
 * For users of "/dev/fdset/<id>" names: duplicate an fd of fd set fdset_id
 * whose access mode (O_RDONLY/O_WRONLY/O_RDWR) matches flags & O_ACCMODE.
 * The duplicate (close-on-exec) belongs to the caller but stays registered
 * with the set, which therefore lives on until monitor_fdset_dup_fd_remove()
 * is called for it.  Returns the new fd, or -1 with errp set ("Failed to
 * find fdset /dev/fdset/<id>", "Failed to find file descriptor with
 * matching flags", "Failed to dup() given file descriptor: ...").
 * Any thread.
 */
int monitor_fdset_dup_fd_add(int64_t fdset_id, int flags, GError **errp);

/*
 * Forget a duplicate handed out by monitor_fdset_dup_fd_add(); frees its
 * set when that has no fds and no duplicates left.  Does NOT close dup_fd:
 * the caller closes it (before or after).  Unknown fds are ignored.
 * Any thread.
 */
void monitor_fdset_dup_fd_remove(int dup_fd);

/*
 * -add-fd: put fd (owned by the set from now on) into fd set fdset_id,
 * creating the set. Main thread, before or after the monitors start.
 */
void monitor_fdset_add_fd(int fd, int64_t fdset_id, const char *opaque);

#endif /* MONITOR_MONITOR_H */

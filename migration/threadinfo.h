/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of live migration threads, reported by
 * query-migrationthreads (spec migration-states-and-qmp.md 7.12): each
 * migration thread puts itself in when it starts and takes itself out
 * before it returns, with QEMU's thread name ("mig/src/main",
 * "mig/src/send_0", ...) and its host thread id.
 *
 * Two ways in:
 *   migration_threadinfo_spawn(name, fn, data, errp)
 *       create a thread that registers itself around fn: the usual way,
 *       it also covers every early return of fn;
 *   h = migration_threadinfo_add(name) ... migration_threadinfo_remove(h)
 *       for a thread that only registers for part of its life; called
 *       from the thread itself (the id recorded is the caller's).
 * Any thread may call any of these; the registry has its own lock.
 */
#ifndef MIGRATION_THREADINFO_H
#define MIGRATION_THREADINFO_H

#include <glib.h>
#include <stdint.h>

typedef struct MigrationThread MigrationThread;

/* Register the calling thread under name (copied); returns its handle. */
MigrationThread *migration_threadinfo_add(const char *name);
/* Unregister and free h (NULL: no-op). */
void migration_threadinfo_remove(MigrationThread *h);

/*
 * g_thread_try_new(name, fn, data) whose thread is registered under name
 * while fn runs. NULL with errp set when the thread cannot be created;
 * with errp NULL a failure aborts, as g_thread_new() does.
 */
GThread *migration_threadinfo_spawn(const char *name, GThreadFunc fn,
                                    gpointer data, GError **errp);

/* Visit the registered threads, oldest first (registry lock held: fn
 * must not call back into this API). */
typedef void MigrationThreadVisitor(const char *name, int64_t tid,
                                    void *opaque);
void migration_threadinfo_foreach(MigrationThreadVisitor *fn, void *opaque);

#endif /* MIGRATION_THREADINFO_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry behind query-migrationthreads: a list of (name, host
 * thread id) kept by the threads themselves. The QMP command only reads
 * it, so what it reports is exactly what runs.
 */
#include "qemu/osdep.h"
#include <sys/syscall.h>
#include "qapi/qapi-commands.h"
#include "migration/threadinfo.h"

struct MigrationThread {
    char *name;
    int64_t tid;
};

static GMutex registry_lock;
static GQueue registry = G_QUEUE_INIT;      /* MigrationThread *, guarded */

MigrationThread *migration_threadinfo_add(const char *name)
{
    MigrationThread *t = g_new0(MigrationThread, 1);

    t->name = g_strdup(name);
    t->tid = syscall(SYS_gettid);
    g_mutex_lock(&registry_lock);
    g_queue_push_tail(&registry, t);
    g_mutex_unlock(&registry_lock);
    return t;
}

void migration_threadinfo_remove(MigrationThread *h)
{
    if (!h) {
        return;
    }
    g_mutex_lock(&registry_lock);
    g_queue_remove(&registry, h);
    g_mutex_unlock(&registry_lock);
    g_free(h->name);
    g_free(h);
}

void migration_threadinfo_foreach(MigrationThreadVisitor *fn, void *opaque)
{
    g_mutex_lock(&registry_lock);
    for (GList *l = registry.head; l; l = l->next) {
        MigrationThread *t = l->data;

        fn(t->name, t->tid, opaque);
    }
    g_mutex_unlock(&registry_lock);
}

/* What a spawned thread runs: register, run the body, unregister. */
typedef struct SpawnArgs {
    char *name;
    GThreadFunc fn;
    gpointer data;
} SpawnArgs;

static gpointer spawn_trampoline(gpointer opaque)
{
    SpawnArgs *a = opaque;
    MigrationThread *h = migration_threadinfo_add(a->name);
    gpointer ret = a->fn(a->data);

    migration_threadinfo_remove(h);
    g_free(a->name);
    g_free(a);
    return ret;
}

GThread *migration_threadinfo_spawn(const char *name, GThreadFunc fn,
                                    gpointer data, GError **errp)
{
    SpawnArgs *a = g_new0(SpawnArgs, 1);
    GThread *t;

    a->name = g_strdup(name);
    a->fn = fn;
    a->data = data;
    if (!errp) {
        /* g_thread_new() semantics: abort when no thread can be made. */
        return g_thread_new(name, spawn_trampoline, a);
    }
    t = g_thread_try_new(name, spawn_trampoline, a, errp);
    if (!t) {
        g_free(a->name);
        g_free(a);
    }
    return t;
}

/* ---- QMP ---- */

static void add_info(const char *name, int64_t tid, void *opaque)
{
    MigrationThreadInfoList ***tail = opaque;
    MigrationThreadInfoList *e = g_new0(MigrationThreadInfoList, 1);

    e->value = g_new0(MigrationThreadInfo, 1);
    e->value->name = g_strdup(name);
    e->value->thread_id = tid;
    **tail = e;
    *tail = &e->next;
}

MigrationThreadInfoList *qmp_query_migrationthreads(GError **errp)
{
    MigrationThreadInfoList *head = NULL, **tail = &head;

    migration_threadinfo_foreach(add_info, &tail);
    return head;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration thread registry (migration/threadinfo.c): threads come
 * and go with their real host ids, oldest first, and query-migrationthreads
 * reports exactly what is registered.
 */
#include "qemu/osdep.h"
#include <sys/syscall.h>
#include "qapi/qapi-commands.h"
#include "migration/threadinfo.h"

typedef struct Seen {
    GPtrArray *names;
    GArray *tids;
} Seen;

static void collect(const char *name, int64_t tid, void *opaque)
{
    Seen *s = opaque;

    g_ptr_array_add(s->names, g_strdup(name));
    g_array_append_val(s->tids, tid);
}

static void seen_init(Seen *s)
{
    s->names = g_ptr_array_new_with_free_func(g_free);
    s->tids = g_array_new(false, false, sizeof(int64_t));
    migration_threadinfo_foreach(collect, s);
}

static void seen_free(Seen *s)
{
    g_ptr_array_free(s->names, true);
    g_array_free(s->tids, true);
}

static void test_add_remove(void)
{
    MigrationThread *a = migration_threadinfo_add("mig/src/main");
    MigrationThread *b = migration_threadinfo_add("mig/src/return");
    Seen s;

    seen_init(&s);
    g_assert_cmpuint(s.names->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(s.names, 0), ==, "mig/src/main");
    g_assert_cmpstr(g_ptr_array_index(s.names, 1), ==, "mig/src/return");
    g_assert_cmpint(g_array_index(s.tids, int64_t, 0), ==,
                    syscall(SYS_gettid));
    seen_free(&s);

    migration_threadinfo_remove(a);
    migration_threadinfo_remove(NULL);
    seen_init(&s);
    g_assert_cmpuint(s.names->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(s.names, 0), ==, "mig/src/return");
    seen_free(&s);
    migration_threadinfo_remove(b);
    seen_init(&s);
    g_assert_cmpuint(s.names->len, ==, 0);
    seen_free(&s);
}

/* The spawned body checks that it is listed under its own id. */
typedef struct Body {
    GMutex lock;
    GCond cond;
    bool listed;
    bool release;
    int64_t tid;
} Body;

static gpointer body_fn(gpointer opaque)
{
    Body *b = opaque;
    Seen s;

    seen_init(&s);
    g_mutex_lock(&b->lock);
    b->tid = syscall(SYS_gettid);
    b->listed = s.names->len == 1 &&
                g_str_equal(g_ptr_array_index(s.names, 0), "mig/dst/recv_3") &&
                g_array_index(s.tids, int64_t, 0) == b->tid;
    seen_free(&s);
    g_cond_broadcast(&b->cond);
    while (!b->release) {
        g_cond_wait(&b->cond, &b->lock);
    }
    g_mutex_unlock(&b->lock);
    return GINT_TO_POINTER(42);
}

static void test_spawn(void)
{
    Body b = { 0 };
    GError *err = NULL;
    g_autoptr(MigrationThreadInfoList) list = NULL;
    GThread *t;
    Seen s;

    g_mutex_init(&b.lock);
    g_cond_init(&b.cond);
    t = migration_threadinfo_spawn("mig/dst/recv_3", body_fn, &b, &err);
    g_assert_no_error(err);
    g_mutex_lock(&b.lock);
    while (!b.tid) {
        g_cond_wait(&b.cond, &b.lock);
    }
    g_assert_true(b.listed);
    /* What QMP reports while it runs: its name and its own id. */
    list = qmp_query_migrationthreads(NULL);
    g_assert_nonnull(list);
    g_assert_null(list->next);
    g_assert_cmpstr(list->value->name, ==, "mig/dst/recv_3");
    g_assert_cmpint(list->value->thread_id, ==, b.tid);
    g_assert_cmpint(list->value->thread_id, !=, syscall(SYS_gettid));
    b.release = true;
    g_cond_broadcast(&b.cond);
    g_mutex_unlock(&b.lock);

    /* The body's result comes through; gone once it returned. */
    g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(t)), ==, 42);
    seen_init(&s);
    g_assert_cmpuint(s.names->len, ==, 0);
    seen_free(&s);
    g_mutex_clear(&b.lock);
    g_cond_clear(&b.cond);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/threadinfo/add-remove", test_add_remove);
    g_test_add_func("/migration/threadinfo/spawn", test_spawn);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The yank registry and the QMP commands yank / query-yank.
 *
 * yank and query-yank are allow-oob: they may run in a monitor's I/O
 * thread while the main thread is stuck in the very I/O being yanked, so
 * they take only this registry's lock, never the BQL, and hold it just
 * long enough to walk the list and call the (non-blocking) functions.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/yank.h"

typedef struct YankFunc {
    YankFn *func;
    void *opaque;
} YankFunc;

typedef struct YankEntry {
    YankInstance *instance;     /* our copy */
    GArray *funcs;              /* YankFunc */
} YankEntry;

static GMutex yank_lock;        /* guards yank_entries */
static GPtrArray *yank_entries; /* YankEntry, in registration order */

static bool instance_equal(const YankInstance *a, const YankInstance *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case YANK_INSTANCE_TYPE_BLOCK_NODE:
        return g_str_equal(a->u.block_node.node_name,
                           b->u.block_node.node_name);
    case YANK_INSTANCE_TYPE_CHARDEV:
        return g_str_equal(a->u.chardev.id, b->u.chardev.id);
    default:
        return true;            /* migration: there is only one */
    }
}

static YankInstance *instance_copy(const YankInstance *src)
{
    YankInstance *dst = g_new0(YankInstance, 1);

    dst->type = src->type;
    switch (src->type) {
    case YANK_INSTANCE_TYPE_BLOCK_NODE:
        dst->u.block_node.node_name = g_strdup(src->u.block_node.node_name);
        break;
    case YANK_INSTANCE_TYPE_CHARDEV:
        dst->u.chardev.id = g_strdup(src->u.chardev.id);
        break;
    default:
        break;
    }
    return dst;
}

/* yank_lock held.  The entry's index, or -1. */
static int find_entry(const YankInstance *instance)
{
    for (guint i = 0; yank_entries && i < yank_entries->len; i++) {
        YankEntry *e = g_ptr_array_index(yank_entries, i);

        if (instance_equal(e->instance, instance)) {
            return i;
        }
    }
    return -1;
}

static YankEntry *get_entry(const YankInstance *instance)
{
    int i = find_entry(instance);

    /* Callers register before they add functions: our bug otherwise. */
    assert(i >= 0);
    return g_ptr_array_index(yank_entries, i);
}

bool yank_register_instance(const YankInstance *instance, GError **errp)
{
    YankEntry *e;

    g_mutex_lock(&yank_lock);
    if (find_entry(instance) >= 0) {
        g_mutex_unlock(&yank_lock);
        error_setg(errp, "duplicate yank instance");
        return false;
    }
    if (!yank_entries) {
        yank_entries = g_ptr_array_new();
    }
    e = g_new0(YankEntry, 1);
    e->instance = instance_copy(instance);
    e->funcs = g_array_new(false, false, sizeof(YankFunc));
    g_ptr_array_add(yank_entries, e);
    g_mutex_unlock(&yank_lock);
    return true;
}

void yank_unregister_instance(const YankInstance *instance)
{
    YankEntry *e;

    g_mutex_lock(&yank_lock);
    e = get_entry(instance);
    assert(e->funcs->len == 0);
    g_ptr_array_remove(yank_entries, e);
    g_mutex_unlock(&yank_lock);
    qapi_free_YankInstance(e->instance);
    g_array_free(e->funcs, true);
    g_free(e);
}

bool yank_instance_registered(const YankInstance *instance)
{
    bool found;

    g_mutex_lock(&yank_lock);
    found = find_entry(instance) >= 0;
    g_mutex_unlock(&yank_lock);
    return found;
}

void yank_register_function(const YankInstance *instance, YankFn *func,
                            void *opaque)
{
    YankFunc f = { func, opaque };

    g_mutex_lock(&yank_lock);
    g_array_append_val(get_entry(instance)->funcs, f);
    g_mutex_unlock(&yank_lock);
}

void yank_unregister_function(const YankInstance *instance, YankFn *func,
                              void *opaque)
{
    YankEntry *e;

    g_mutex_lock(&yank_lock);
    e = get_entry(instance);
    for (guint i = 0; i < e->funcs->len; i++) {
        YankFunc *f = &g_array_index(e->funcs, YankFunc, i);

        if (f->func == func && f->opaque == opaque) {
            g_array_remove_index(e->funcs, i);
            g_mutex_unlock(&yank_lock);
            return;
        }
    }
    g_mutex_unlock(&yank_lock);
    assert(!"yank function was not registered");
}

void qmp_yank(YankInstanceList *instances, GError **errp)
{
    g_mutex_lock(&yank_lock);
    /* All or nothing: check every instance before yanking any. */
    for (YankInstanceList *l = instances; l; l = l->next) {
        if (find_entry(l->value) < 0) {
            g_mutex_unlock(&yank_lock);
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Instance not found");
            return;
        }
    }
    for (YankInstanceList *l = instances; l; l = l->next) {
        YankEntry *e = g_ptr_array_index(yank_entries, find_entry(l->value));

        for (guint i = 0; i < e->funcs->len; i++) {
            YankFunc *f = &g_array_index(e->funcs, YankFunc, i);

            f->func(f->opaque);
        }
    }
    g_mutex_unlock(&yank_lock);
}

YankInstanceList *qmp_query_yank(GError **errp)
{
    YankInstanceList *head = NULL, **tail = &head;

    g_mutex_lock(&yank_lock);
    for (guint i = 0; yank_entries && i < yank_entries->len; i++) {
        YankEntry *e = g_ptr_array_index(yank_entries, i);

        *tail = g_new0(YankInstanceList, 1);
        (*tail)->value = instance_copy(e->instance);
        tail = &(*tail)->next;
    }
    g_mutex_unlock(&yank_lock);
    return head;
}

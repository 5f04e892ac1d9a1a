/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The yank registry (util/yank.c) and the migration's instance
 * (migration/yank-functions.c): registration rules, query order, the
 * all-or-nothing check of yank, and a real migration channel whose
 * blocked reader is released by yank {"type": "migration"}.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "qemu/yank.h"
#include "migration/channel.h"
#include "migration/yank-functions.h"

static void count_call(void *opaque)
{
    (*(int *)opaque)++;
}

static YankInstanceList *one(YankInstance *inst, YankInstanceList *next)
{
    YankInstanceList *l = g_new0(YankInstanceList, 1);

    l->value = inst;
    l->next = next;
    return l;
}

/* A list node that does not own its instance (freed by g_free only). */
static void list_free(YankInstanceList *l)
{
    while (l) {
        YankInstanceList *next = l->next;

        g_free(l);
        l = next;
    }
}

static void test_registry(void)
{
    GError *err = NULL;
    YankInstanceList *q, *req;
    int a = 0, b = 0;

    g_assert_null(qmp_query_yank(&err));
    g_assert_true(yank_register_instance(YANK_CHARDEV_INSTANCE("x"), &err));
    g_assert_true(yank_register_instance(YANK_MIGRATION_INSTANCE, &err));
    g_assert_no_error(err);
    g_assert_false(yank_register_instance(YANK_CHARDEV_INSTANCE("x"), &err));
    g_assert_cmpstr(err->message, ==, "duplicate yank instance");
    g_clear_error(&err);
    g_assert_true(yank_instance_registered(YANK_CHARDEV_INSTANCE("x")));
    g_assert_false(yank_instance_registered(YANK_CHARDEV_INSTANCE("y")));

    /* Registration order, deep copies. */
    q = qmp_query_yank(&err);
    g_assert_nonnull(q);
    g_assert_cmpint(q->value->type, ==, YANK_INSTANCE_TYPE_CHARDEV);
    g_assert_cmpstr(q->value->u.chardev.id, ==, "x");
    g_assert_cmpint(q->next->value->type, ==, YANK_INSTANCE_TYPE_MIGRATION);
    g_assert_null(q->next->next);
    qapi_free_YankInstanceList(q);

    yank_register_function(YANK_CHARDEV_INSTANCE("x"), count_call, &a);
    yank_register_function(YANK_CHARDEV_INSTANCE("x"), count_call, &b);

    /* One unknown instance: nothing at all is yanked. */
    req = one(YANK_CHARDEV_INSTANCE("x"), one(YANK_CHARDEV_INSTANCE("y"),
                                              NULL));
    qmp_yank(req, &err);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_assert_cmpstr(err->message, ==, "Instance not found");
    g_clear_error(&err);
    g_assert_cmpint(a + b, ==, 0);
    list_free(req);

    /* Every function of the instance, once per yank. */
    req = one(YANK_CHARDEV_INSTANCE("x"), NULL);
    qmp_yank(req, &err);
    g_assert_no_error(err);
    g_assert_cmpint(a, ==, 1);
    g_assert_cmpint(b, ==, 1);
    yank_unregister_function(YANK_CHARDEV_INSTANCE("x"), count_call, &a);
    qmp_yank(req, &err);
    g_assert_cmpint(a, ==, 1);
    g_assert_cmpint(b, ==, 2);
    list_free(req);

    yank_unregister_function(YANK_CHARDEV_INSTANCE("x"), count_call, &b);
    yank_unregister_instance(YANK_CHARDEV_INSTANCE("x"));
    yank_unregister_instance(YANK_MIGRATION_INSTANCE);
    g_assert_null(qmp_query_yank(&err));
}

static gpointer blocked_reader(gpointer opaque)
{
    MigChannel *ch = opaque;
    GError *err = NULL;
    char buf[16];

    /* Nothing is ever sent: only a shutdown ends this read. */
    if (mig_channel_read_all(ch, buf, sizeof(buf), &err)) {
        return g_strdup("read succeeded");
    }
    return err ? g_strdup(err->message) : g_strdup("no error");
}

static void test_migration_channel(void)
{
    GError *err = NULL;
    YankInstanceList *req = one(YANK_MIGRATION_INSTANCE, NULL);
    MigChannel *ch;
    GThread *t;
    g_autofree char *msg = NULL;
    int sv[2];

    /* Not running: not found. */
    qmp_yank(req, &err);
    g_assert_error(err, QMP_ERROR, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_clear_error(&err);

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    ch = mig_channel_new_fd(sv[0], "migration-socket-incoming");
    g_assert_true(migration_yank_register(&err));
    g_assert_false(migration_yank_register(&err));
    g_assert_cmpstr(err->message, ==, "duplicate yank instance");
    g_clear_error(&err);
    migration_yank_add_channel(ch);

    t = g_thread_new("blocked-reader", blocked_reader, ch);
    /* The reader may block before or after this: shutdown is sticky. */
    qmp_yank(req, &err);
    g_assert_no_error(err);
    msg = g_thread_join(t);
    g_test_message("reader: %s", msg);
    g_assert_nonnull(strstr(msg, "shut down"));

    migration_yank_remove_channel(ch);
    migration_yank_unregister();
    g_assert_false(yank_instance_registered(YANK_MIGRATION_INSTANCE));
    mig_channel_unref(ch);
    close(sv[1]);
    list_free(req);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/yank/registry", test_registry);
    g_test_add_func("/yank/migration-channel", test_migration_channel);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "qtest" user-creatable object: "-object qtest,id=ID,chardev=CHR
 * [,log=FILE]" starts the qtest server (system/qtest.c) on an existing
 * chardev when the object is completed (spec/qtest.md 1.1).
 */
#include "qemu/osdep.h"

#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "chardev/char.h"
#include "system/qtest.h"

typedef struct QTestObject {
    Object parent_obj;

    char *chardev;              /* chardev id */
    char *log;                  /* trace file, NULL = stderr */
    bool live;                  /* the server runs: properties are frozen */
} QTestObject;

#define QTEST_OBJECT(obj) OBJECT_CHECK(QTestObject, (obj), TYPE_QTEST)

static bool qtest_object_check_settable(QTestObject *q, const char *name,
                                        GError **errp)
{
    if (q->live) {
        error_setg(errp, "Property '%s' can not be set now", name);
        return false;
    }
    return true;
}

static char *qtest_object_get_chardev(Object *obj, GError **errp)
{
    return g_strdup(QTEST_OBJECT(obj)->chardev);
}

static bool qtest_object_set_chardev(Object *obj, const char *value,
                                     GError **errp)
{
    QTestObject *q = QTEST_OBJECT(obj);

    if (!qtest_object_check_settable(q, "chardev", errp)) {
        return false;
    }
    g_free(q->chardev);
    q->chardev = g_strdup(value);
    return true;
}

static char *qtest_object_get_log(Object *obj, GError **errp)
{
    return g_strdup(QTEST_OBJECT(obj)->log);
}

static bool qtest_object_set_log(Object *obj, const char *value,
                                 GError **errp)
{
    QTestObject *q = QTEST_OBJECT(obj);

    if (!qtest_object_check_settable(q, "log", errp)) {
        return false;
    }
    g_free(q->log);
    q->log = g_strdup(value);
    return true;
}

static bool qtest_object_complete(UserCreatable *uc, GError **errp)
{
    QTestObject *q = QTEST_OBJECT(uc);
    Chardev *chr;

    if (!q->chardev) {
        error_setg(errp, "No backend specified");
        return false;
    }
    chr = qemu_chr_find(q->chardev);
    if (!chr) {
        error_setg(errp, "Cannot find character device '%s'", q->chardev);
        return false;
    }
    if (!qtest_server_init_chardev(chr, q->log, errp)) {
        return false;
    }
    q->live = true;
    return true;
}

/* The server has no teardown: a live endpoint stays for the process. */
static bool qtest_object_can_be_deleted(UserCreatable *uc)
{
    return !QTEST_OBJECT(uc)->live;
}

static void qtest_object_finalize(Object *obj)
{
    QTestObject *q = QTEST_OBJECT(obj);

    g_free(q->chardev);
    g_free(q->log);
}

static void qtest_object_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = qtest_object_complete;
    ucc->can_be_deleted = qtest_object_can_be_deleted;
    object_class_property_add_str(oc, "chardev", qtest_object_get_chardev,
                                  qtest_object_set_chardev);
    object_class_property_add_str(oc, "log", qtest_object_get_log,
                                  qtest_object_set_log);
}

static const TypeInfo qtest_object_info = {
    .name = TYPE_QTEST,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(QTestObject),
    .instance_finalize = qtest_object_finalize,
    .class_init = qtest_object_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void qtest_object_register_types(void)
{
    type_register_static(&qtest_object_info);
}

type_init(qtest_object_register_types)

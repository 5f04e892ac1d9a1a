/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The abstract "authz" type and the one entry point callers use. */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/base.h"

bool qauthz_is_allowed(QAuthZ *authz, const char *identity, GError **errp)
{
    QAuthZClass *klass = OBJECT_GET_CLASS(QAuthZClass, authz, TYPE_QAUTHZ);
    GError *err = NULL;

    if (klass->is_allowed(authz, identity, &err)) {
        return true;
    }
    if (err) {
        g_propagate_error(errp, err);
    } else {
        error_setg(errp, "Identity '%s' is not authorized",
                   identity ? identity : "");
    }
    return false;
}

bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             GError **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                authzid);

    if (!obj || !object_dynamic_cast(obj, TYPE_QAUTHZ)) {
        error_setg(errp, "No authorization object with id '%s'", authzid);
        return false;
    }
    return qauthz_is_allowed((QAuthZ *)obj, identity, errp);
}

static const TypeInfo authz_info = {
    .name = TYPE_QAUTHZ,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(QAuthZ),
    .class_size = sizeof(QAuthZClass),
    .interfaces = (const InterfaceInfo[]) { { TYPE_USER_CREATABLE }, { } },
};

static void authz_register_types(void)
{
    type_register_static(&authz_info);
}

type_init(authz_register_types)

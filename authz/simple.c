/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "authz-simple" user-creatable object: one allowed identity. */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "authz/simple.h"

typedef struct QAuthZSimple {
    QAuthZ parent_obj;
    char *identity;
} QAuthZSimple;

static QAuthZSimple *authz_cast(Object *obj)
{
    return (QAuthZSimple *)object_dynamic_cast_assert(obj, TYPE_QAUTHZ_SIMPLE,
                                                      __FILE__, __LINE__, __func__);
}

static char *authz_get_identity(Object *obj, GError **errp)
{
    return g_strdup(authz_cast(obj)->identity);
}

static bool authz_set_identity(Object *obj, const char *v, GError **errp)
{
    QAuthZSimple *a = authz_cast(obj);

    g_free(a->identity);
    a->identity = g_strdup(v);
    return true;
}

static bool authz_complete(UserCreatable *uc, GError **errp)
{
    if (!authz_cast(OBJECT(uc))->identity) {
        error_setg(errp, "Parameter 'identity' is missing");
        return false;
    }
    return true;
}

static bool authz_simple_is_allowed(QAuthZ *authz, const char *identity,
                                    GError **errp)
{
    const char *allowed = authz_cast(OBJECT(authz))->identity;

    /* A peer without an identity never matches. */
    return allowed && identity && strcmp(allowed, identity) == 0;
}

static void authz_finalize(Object *obj)
{
    g_free(authz_cast(obj)->identity);
}

static void authz_class_init(ObjectClass *oc, const void *data)
{
    USER_CREATABLE_CLASS(oc)->complete = authz_complete;
    OBJECT_CLASS_CHECK(QAuthZClass, oc, TYPE_QAUTHZ)->is_allowed =
        authz_simple_is_allowed;
    object_class_property_add_str(oc, "identity", authz_get_identity,
                                  authz_set_identity);
}

static const TypeInfo authz_simple_info = {
    .name = TYPE_QAUTHZ_SIMPLE,
    .parent = TYPE_QAUTHZ,
    .instance_size = sizeof(QAuthZSimple),
    .instance_finalize = authz_finalize,
    .class_init = authz_class_init,
};

static void authz_register_types(void)
{
    type_register_static(&authz_simple_info);
}

type_init(authz_register_types)

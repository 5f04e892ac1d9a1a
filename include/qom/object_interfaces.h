/*
 * The "user-creatable" interface: objects that -object and QMP
 * object-add create under /objects/<id>, and object-del removes.
 *
 * A user-creatable type implements the interface in its TypeInfo
 * ({ .interfaces = (InterfaceInfo[]) { { TYPE_USER_CREATABLE }, { } } })
 * and may set `complete` (runs after all properties were set; a failure
 * undoes the creation) and `can_be_deleted` (object-del refuses with
 * "object '<id>' is in use, can not be deleted" when it returns false).
 *
 * All functions need the BQL.
 */
#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatable UserCreatable;   /* an Object */

typedef struct UserCreatableClass {
    InterfaceClass parent_class;
    bool (*complete)(UserCreatable *uc, GError **errp);
    bool (*can_be_deleted)(UserCreatable *uc);
} UserCreatableClass;

#define USER_CREATABLE(obj) \
    ((UserCreatable *)object_dynamic_cast_assert(OBJECT(obj), \
                        TYPE_USER_CREATABLE, __FILE__, __LINE__, __func__))
#define USER_CREATABLE_CLASS(klass) \
    OBJECT_CLASS_CHECK(UserCreatableClass, klass, TYPE_USER_CREATABLE)
#define USER_CREATABLE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(UserCreatableClass, obj, TYPE_USER_CREATABLE)

typedef struct QemuOpts QemuOpts;

/* Run the complete hook (true if the type has none). */
bool user_creatable_complete(UserCreatable *uc, GError **errp);
/* False if the object's can_be_deleted hook says it is in use. */
bool user_creatable_can_be_deleted(UserCreatable *uc);

/*
 * Create a user-creatable object of `type` at /objects/<id>, set the
 * members of props (may be NULL) in order, then complete it.
 * from_strings: the member values are command-line strings converted by
 * property type (object_property_parse); otherwise they are JSON values
 * already validated against the schema. Errors (cli.md 10, qmp.md 6.2):
 * "Parameter 'id' expects an identifier",
 * "Parameter 'qom-type' does not accept value '<type>'",
 * "attempt to add duplicate property '<id>' to object (type 'container')",
 * unknown property: "Invalid parameter '<prop>'" (strings) or
 * "Parameter '<prop>' is unexpected" (JSON). On failure nothing remains.
 * Returns the object (the /objects container holds the reference).
 */
Object *user_creatable_add_type(const char *type, const char *id,
                                JsonObject *props, bool from_strings,
                                GError **errp);

/*
 * "-object TYPE,id=ID,PROP=VALUE..." (QemuOpts form; the implied first
 * key is qom-type). Returns success.
 */
bool user_creatable_add_opts(QemuOpts *opts, GError **errp);

/*
 * "-object {json}": parse, validate against the QAPI ObjectOptions
 * schema (messages of qmp.md 3.3), create. Returns success.
 */
bool user_creatable_add_json(const char *json_text, GError **errp);

/*
 * QMP object-add core: `args` is the flat argument object (qom-type, id,
 * properties), validated against the schema before anything is created.
 */
bool user_creatable_add_from_json_object(JsonObject *args, GError **errp);

/*
 * "-object help" / "-object TYPE,help": when type is "help" or "?" print
 * the user-creatable types, when opts (may be NULL) contain help print
 * the properties of type. Returns true if help was printed.
 */
bool user_creatable_print_help(const char *type, QemuOpts *opts);
/* Print the properties of a user-creatable type (stdout). */
void user_creatable_print_type_props(const char *type);

/*
 * Delete /objects/<id>: "object '<id>' not found",
 * "object '<id>' is in use, can not be deleted".
 */
bool user_creatable_del(const char *id, GError **errp);

/* Unparent every object below /objects (shutdown). */
void user_creatable_cleanup(void);

#endif /* QOM_OBJECT_INTERFACES_H */

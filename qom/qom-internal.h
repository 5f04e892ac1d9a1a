/*
 * Helpers shared by the files of qom/ only.
 */
#ifndef QOM_QOM_INTERNAL_H
#define QOM_QOM_INTERNAL_H

#include "qom/object.h"

/* Free a property record (not calling its release hook). */
void object_property_free(ObjectProperty *prop);

/* Is prop a child<> / link<> property? */
bool object_property_is_child(ObjectProperty *prop);
bool object_property_is_link(ObjectProperty *prop);

/*
 * Create the object described by schema-validated options (object-add,
 * -object JSON form). Returns success.
 */
typedef struct ObjectOptions ObjectOptions;
bool user_creatable_add_qapi(ObjectOptions *options, GError **errp);

#endif /* QOM_QOM_INTERNAL_H */

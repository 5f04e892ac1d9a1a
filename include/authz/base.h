/*
 * The abstract "authz" object: something that answers "is this identity
 * allowed?" (for example the distinguished name of a TLS client
 * certificate, or a PSK user name). authz-simple, authz-list and
 * authz-listfile derive from it and implement is_allowed.
 *
 * Threads: like every QOM object, an authz object is created, changed
 * (qom-set) and asked with the BQL held.
 */
#ifndef AUTHZ_BASE_H
#define AUTHZ_BASE_H

#include <glib.h>
#include "qom/object.h"

#define TYPE_QAUTHZ "authz"

typedef struct QAuthZ {
    Object parent_obj;
} QAuthZ;

typedef struct QAuthZClass {
    ObjectClass parent_class;
    /*
     * True if identity (NULL = the peer has none) is allowed. A plain
     * refusal returns false without touching errp; false with errp set
     * means the question could not be answered (e.g. unreadable rules).
     */
    bool (*is_allowed)(QAuthZ *authz, const char *identity, GError **errp);
} QAuthZClass;

/*
 * Ask authz about identity. True if allowed; otherwise false with errp
 * set: the object's own error, or "Identity '<identity>' is not
 * authorized" for a refusal.
 */
bool qauthz_is_allowed(QAuthZ *authz, const char *identity, GError **errp);

/*
 * The same for the authz object with id `authzid` under /objects; false
 * with "No authorization object with id '<id>'" when there is none.
 */
bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             GError **errp);

#endif /* AUTHZ_BASE_H */

/*
 * The "authz-simple" object: allows exactly one identity (for example the
 * distinguished name of a TLS client certificate).
 */
#ifndef AUTHZ_SIMPLE_H
#define AUTHZ_SIMPLE_H

#include <glib.h>

#define TYPE_QAUTHZ_SIMPLE "authz-simple"

/*
 * Is `identity` allowed by the authorization object with id `authzid`?
 * Returns false with errp set when the object does not exist or refuses.
 */
bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             GError **errp);

#endif /* AUTHZ_SIMPLE_H */

/*
 * The "authz-simple" object: allows exactly one identity (for example the
 * distinguished name of a TLS client certificate).
 */
#ifndef AUTHZ_SIMPLE_H
#define AUTHZ_SIMPLE_H

#include "authz/base.h"

#define TYPE_QAUTHZ_SIMPLE "authz-simple"

#endif /* AUTHZ_SIMPLE_H */

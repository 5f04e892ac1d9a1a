/*
 * The "authz-listfile" object: an authz-list whose "policy" and "rules"
 * come from a JSON file (the same object shape as authz-list's
 * properties), as in QEMU:
 *
 *   { "policy": "deny",
 *     "rules": [ { "match": "CN=*.example.com,*", "policy": "allow",
 *                  "format": "glob" } ] }
 *
 * Properties: "filename" (required) and "refresh" (default true). The file
 * is read when the object is created (a bad file fails the creation).
 * With refresh on, each question first checks whether the file changed
 * (inode, size, modification or change time) and reloads it; while a
 * reload fails every identity is refused with the load error, until the
 * file loads again.
 *
 * Threads: BQL held for everything (see authz/base.h).
 */
#ifndef AUTHZ_LISTFILE_H
#define AUTHZ_LISTFILE_H

#include "authz/base.h"

#define TYPE_QAUTHZ_LIST_FILE "authz-listfile"

#endif /* AUTHZ_LISTFILE_H */

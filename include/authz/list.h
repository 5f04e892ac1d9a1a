/*
 * The "authz-list" object: an ordered list of rules, each a match string
 * (exact, or a shell glob as fnmatch(3) reads it) with a policy (allow or
 * deny); the first rule that matches an identity decides, and "policy"
 * (default deny) decides when none does. Properties: "policy" and
 * "rules" (a JSON list of {"match", "policy", "format"}), as in QEMU.
 *
 * Threads: BQL held for everything (see authz/base.h).
 */
#ifndef AUTHZ_LIST_H
#define AUTHZ_LIST_H

#include <sys/types.h>
#include "authz/base.h"
#include "qapi/qapi-types.h"

#define TYPE_QAUTHZ_LIST "authz-list"

typedef struct QAuthZList QAuthZList;

/*
 * Create an authz-list with no rules at /objects/<id>; the /objects
 * container holds the reference. NULL with errp set (e.g. duplicate id).
 */
QAuthZList *qauthz_list_new(const char *id, QAuthZListPolicy policy,
                            GError **errp);

/* Add a rule at the end; returns its index. */
ssize_t qauthz_list_append_rule(QAuthZList *list, const char *match,
                                QAuthZListPolicy policy,
                                QAuthZListFormat format, GError **errp);
/*
 * Add a rule before position index (index == the rule count appends);
 * returns index, or -1 with errp set when index is past the end.
 */
ssize_t qauthz_list_insert_rule(QAuthZList *list, const char *match,
                                QAuthZListPolicy policy,
                                QAuthZListFormat format, size_t index,
                                GError **errp);
/* Remove the first rule whose match string is `match`; its index or -1. */
ssize_t qauthz_list_delete_rule(QAuthZList *list, const char *match);

/*
 * The decision of a rule list (shared with authz-listfile): the policy of
 * the first rule matching identity, else default_policy. A NULL identity
 * (no peer identity at all) matches no rule.
 */
bool qauthz_list_rules_allow(const QAuthZListRuleList *rules,
                             QAuthZListPolicy default_policy,
                             const char *identity);

#endif /* AUTHZ_LIST_H */

/*
 * The "QemuOpts" option dialect (cli.md 1.2): "[implied=]value,key=value,..."
 * with ",," standing for a literal comma, bare "key" meaning key=on and
 * "nokey" meaning key=off (both deprecated, with a warning), and "id=".
 *
 * A QemuOptsList describes one command-line option (-chardev, -accel, ...)
 * and owns every QemuOpts parsed for it, in creation order. A QemuOpts is
 * one set of key=value pairs (keys may repeat; the last value counts).
 *
 * Not thread-safe: command-line parsing and the code using the lists run in
 * the main thread (BQL held once the main loop runs).
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum QemuOptType {
    QEMU_OPT_STRING,    /* any text */
    QEMU_OPT_BOOL,      /* on/off (yes/no, true/false, y/n) */
    QEMU_OPT_NUMBER,    /* unsigned integer, base 0 */
    QEMU_OPT_SIZE,      /* size with optional k/M/G/T/P/E suffix */
} QemuOptType;

typedef struct QemuOptDesc {
    const char *name;
    QemuOptType type;
    const char *help;
    const char *def_value_str;  /* default returned by the getters, or NULL */
} QemuOptDesc;

typedef struct QemuOpts QemuOpts;

typedef struct QemuOptsList {
    const char *name;               /* "chardev": used in messages */
    const char *implied_opt_name;   /* key of a first element without '=' */
    bool merge_lists;               /* same id -> one QemuOpts, merged */
    /*
     * Ids may repeat: qemu_opts_parse() adds a new QemuOpts even if one
     * with the id exists, leaving the duplicate for the consumer to report
     * in its own words (-object's "attempt to add duplicate property").
     */
    bool allow_duplicate_ids;
    GList *head;                    /* private: QemuOpts in creation order */
    /*
     * Accepted keys, terminated by { NULL }. An EMPTY desc accepts any key;
     * such options are checked later with qemu_opts_validate().
     */
    QemuOptDesc desc[];
} QemuOptsList;

/*
 * Parse params into a new QemuOpts of list (or, with merge_lists, into the
 * existing one with the same id). permit_implied lets the first element
 * omit its key when list->implied_opt_name is set. A bare "help" or "?"
 * element (and an implied value "help"/"?") is accepted and can be detected
 * with qemu_opt_has_help_opt(). Deprecated short-form booleans are accepted
 * with a warning on stderr (warn_report).
 * Returns the QemuOpts (owned by list) or NULL with errp set; on failure
 * nothing is added to the list.
 */
QemuOpts *qemu_opts_parse(QemuOptsList *list, const char *params,
                          bool permit_implied, GError **errp);

/*
 * Parse params into the existing opts (same syntax; with implied_key
 * non-NULL the first element may omit that key). "id" is not allowed here.
 * On failure opts is unchanged.
 */
bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *implied_key, GError **errp);

/*
 * Create an empty QemuOpts with the given id (NULL: none). If one with this
 * id exists: error "Duplicate ID '<id>' for <list>" when fail_if_exists
 * (a new one is created instead if list->allow_duplicate_ids), else that
 * one is returned. An id must be well-formed
 * ("Parameter 'id' expects an identifier").
 */
QemuOpts *qemu_opts_create(QemuOptsList *list, const char *id,
                           bool fail_if_exists, GError **errp);
/* Remove opts from its list and free it. NULL is ignored. */
void qemu_opts_del(QemuOpts *opts);
/* Delete every QemuOpts of list. */
void qemu_opts_reset(QemuOptsList *list);
/* The id, or NULL. Owned by opts. */
const char *qemu_opts_id(QemuOpts *opts);
/* The list opts belongs to. */
QemuOptsList *qemu_opts_list(QemuOpts *opts);
/* The QemuOpts with this id (NULL matches one without id), or NULL. */
QemuOpts *qemu_opts_find(QemuOptsList *list, const char *id);

/*
 * Getters: the last value given for name, else the default of its
 * descriptor, else NULL / defval. Typed getters of keys without a
 * descriptor convert the text and return defval if it does not convert.
 * The string is owned by opts.
 */
const char *qemu_opt_get(QemuOpts *opts, const char *name);
bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval);
uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval);
uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name, uint64_t defval);
/* True if name was given at least once (defaults do not count). */
bool qemu_opt_has(QemuOpts *opts, const char *name);

/*
 * Append name=value after checking it against the list's descriptors
 * (unknown key: "Invalid parameter '<name>'"; typed values: the messages of
 * parse_option_bool/number/size). Returns false with errp set on failure.
 */
bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  GError **errp);
/* Remove every value of name. Returns how many were removed. */
int qemu_opt_unset(QemuOpts *opts, const char *name);

/* True if help was requested: a bare "help"/"?" element, or the implied
 * key given the value "help"/"?". */
bool qemu_opt_has_help_opt(QemuOpts *opts);

typedef int (*qemu_opt_loopfunc)(void *opaque, const char *name,
                                 const char *value, GError **errp);
/*
 * Call func for every name=value of opts in the order given ("id" is not
 * included). Stops at the first non-zero return and returns it; 0 when all
 * returned 0.
 */
int qemu_opt_foreach(QemuOpts *opts, qemu_opt_loopfunc func, void *opaque,
                     GError **errp);

typedef int (*qemu_opts_loopfunc)(void *opaque, QemuOpts *opts, GError **errp);
/*
 * Call func for every QemuOpts of list in creation order; func may delete
 * the opts it is given. Stops at the first non-zero return and returns it.
 */
int qemu_opts_foreach(QemuOptsList *list, qemu_opts_loopfunc func,
                      void *opaque, GError **errp);

/*
 * Check every key of opts against desc (terminated by { NULL }) and convert
 * the typed values; for options parsed by a list with an empty desc.
 * Errors as for qemu_opt_set. On success the typed getters use desc.
 */
bool qemu_opts_validate(QemuOpts *opts, const QemuOptDesc *desc,
                        GError **errp);

/*
 * A new JSON object with every key of opts mapped to its (last) value as a
 * string, plus "id" when opts has one. The caller owns the reference.
 */
JsonObject *qemu_opts_to_json(QemuOpts *opts);

/* Print "name=<type> - help" lines for desc to stdout (for "X,help"). */
void qemu_opts_print_help(const QemuOptsList *list);

#endif /* QEMU_OPTION_H */

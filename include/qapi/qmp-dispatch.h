/*
 * The QMP command table.  The table itself is generated from the schema
 * (qapi-commands.c); the monitor looks commands up here and calls their
 * marshaller.
 */
#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include <glib.h>
#include <json-glib/json-glib.h>

typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS = 0,
    QCO_NO_SUCCESS_RESP = 1 << 0,   /* 'success-response': false */
    QCO_ALLOW_OOB = 1 << 1,         /* 'allow-oob': true */
    QCO_ALLOW_PRECONFIG = 1 << 2,   /* 'allow-preconfig': true */
    QCO_COROUTINE = 1 << 3,         /* 'coroutine': true (informational) */
} QmpCommandOptions;

/*
 * A command's marshaller: checks args (NULL means {}) against the schema,
 * runs the command, and stores its JSON result in *ret (a new node; {}
 * for commands without 'returns').  Returns false with errp set (the
 * QMP class is the GError code) when the arguments are wrong or the
 * command fails; nothing is stored in *ret then.
 */
typedef bool QmpCommandFunc(JsonObject *args, JsonNode **ret,
                            GError **errp);

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc *fn;
    unsigned options;       /* QmpCommandOptions */
    bool enabled;           /* false: reply CommandNotFound */
} QmpCommand;

/*
 * The command called name, or NULL if the schema has none (a disabled
 * command is returned; check ->enabled).  Any thread.
 */
const QmpCommand *qmp_find_command(const char *name);

/* All commands, sorted by name; *count receives their number. */
const QmpCommand *qmp_command_table(size_t *count);

/* Enable or disable a command; false if there is no such command. */
bool qmp_command_set_enabled(const char *name, bool enabled);

#endif /* QAPI_QMP_DISPATCH_H */

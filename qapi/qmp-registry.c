/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP commands about QMP itself: query-commands (from the generated
 * command table) and query-qmp-schema (from the introspection data).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qapi-visit.h"

CommandInfoList *qmp_query_commands(GError **errp)
{
    CommandInfoList *head = NULL;
    CommandInfoList **tail = &head;
    const QmpCommand *table;
    size_t count, i;

    table = qmp_command_table(&count);
    for (i = 0; i < count; i++) {
        CommandInfoList *elem;

        if (!qatomic_read(&table[i].enabled)) {
            continue;
        }
        elem = g_new0(CommandInfoList, 1);
        elem->value = g_new0(CommandInfo, 1);
        elem->value->name = g_strdup(table[i].name);
        *tail = elem;
        tail = &elem->next;
    }
    return head;
}

SchemaInfoList *qmp_query_qmp_schema(GError **errp)
{
    g_autoptr(JsonNode) data = qapi_introspection_data();

    /*
     * Going through the SchemaInfo visitor checks the generated data
     * against its own schema; the marshaller turns it back into JSON.
     */
    return qapi_SchemaInfoList_from_json(data, NULL, errp);
}

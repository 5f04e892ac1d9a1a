# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate <prefix>qapi-events.{h,c}: the event enum and one
qapi_event_send_<name>() per event."""

from .common import c_enum_const, c_name, c_string, indent, wrap_if
from .gen import GenFile, doc_comment, param_list


def _send_name(ev):
    return 'qapi_event_send_%s' % c_name(ev.name.lower())


def _params(ev):
    if ev.arg_type is None:
        return 'void'
    if ev.boxed:
        return 'const %s *arg' % ev.arg_type.c_name()
    return param_list(ev.arg_type.members, with_errp=False)


def gen_events(schema, prefix):
    cp = c_name(prefix)
    enum_name = cp + 'QAPIEvent'
    const_prefix = cp.upper() + 'QAPI_EVENT'
    emit = cp + 'qapi_event_emit'
    h = GenFile(prefix + 'qapi-events.h', 'QAPI event senders')
    c = GenFile(prefix + 'qapi-events.c', 'QAPI event senders')
    h.add('#include "%sqapi-types.h"\n\n' % prefix)
    body = ''
    for i, ev in enumerate(schema.events):
        body += wrap_if(ev.ifcond, '    %s%s,\n'
                        % (c_enum_const(enum_name, ev.name, const_prefix),
                           ' = 0' if i == 0 else ''))
    h.add('/* Every event of the schema. */\n'
          'typedef enum %s {\n%s    %s,\n} %s;\n\n'
          'extern const QEnumLookup %s_lookup;\n'
          '/* The wire name of an event ("SHUTDOWN"), NULL when out of range. '
          '*/\nconst char *%s_str(%s event);\n\n'
          % (enum_name, body, c_enum_const(enum_name, '_MAX', const_prefix),
             enum_name, enum_name, enum_name, enum_name))
    if prefix:
        h.add('/*\n * Deliver an event (implemented by the user of this '
              'schema); takes\n * ownership of data, which is NULL for '
              'events without members.\n */\n'
              'void %s(%s event, JsonObject *data);\n\n' % (emit, enum_name))
    h.add('/*\n * qapi_event_send_<event>(): build the event data from the '
          'arguments\n * (borrowed) and hand it to %s().  Any thread.\n */\n'
          % emit)
    c.add('#include "qemu/osdep.h"\n#include "%sqapi-visit.h"\n'
          '#include "%sqapi-events.h"\n' % (prefix, prefix))
    if not prefix:
        c.add('#include "qapi/qmp-event.h"\n')
    c.add('\n')
    entries = ''
    for ev in schema.events:
        entries += wrap_if(ev.ifcond, '        [%s] = %s,\n'
                           % (c_enum_const(enum_name, ev.name, const_prefix),
                              c_string(ev.name)))
    c.add('const QEnumLookup %s_lookup = {\n'
          '    .array = (const char *const[]) {\n%s    },\n'
          '    .size = %s,\n};\n\n'
          'const char *%s_str(%s event)\n{\n'
          '    return qapi_enum_lookup(&%s_lookup, event);\n}\n\n'
          % (enum_name, entries or '        NULL,\n',
             c_enum_const(enum_name, '_MAX', const_prefix), enum_name,
             enum_name, enum_name))
    for ev in schema.events:
        const = c_enum_const(enum_name, ev.name, const_prefix)
        proto = 'void %s(%s)' % (_send_name(ev), _params(ev))
        h.add(wrap_if(ev.ifcond, doc_comment(ev) + proto + ';\n') + '\n')
        if ev.arg_type is None:
            body = '    %s(%s, NULL);\n' % (emit, const)
        elif ev.boxed:
            body = ('    JsonNode *node = qapi_%s_to_json(arg);\n\n'
                    '    %s(%s, qapi_node_steal_object(node));\n'
                    % (ev.arg_type.c_name(), emit, const))
        else:
            at = ev.arg_type
            sets = ''
            for m in at.members:
                if m.needs_has():
                    sets += 'param.has_%s = has_%s;\n' % (m.c_name(),
                                                         m.c_name())
                cast = '(char *)' if m.type.name == 'str' else ''
                sets += 'param.%s = %s%s;\n' % (m.c_name(), cast, m.c_name())
            body = ('    %s param = { 0 };\n    JsonNode *node;\n\n%s'
                    '    node = qapi_%s_to_json(&param);\n'
                    '    %s(%s, qapi_node_steal_object(node));\n'
                    % (at.c_name(), indent(sets), at.c_name(), emit, const))
        c.add(wrap_if(ev.ifcond, '%s\n{\n%s}\n\n' % (proto, body)))
    return [h, c]

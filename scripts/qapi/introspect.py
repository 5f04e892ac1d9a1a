# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate <prefix>qapi-introspect.{h,c}: the SchemaInfo list that
query-qmp-schema returns.

The data is a JSON text in a C string; conditional parts are wrapped in
'#if'.  Every array element carries a trailing comma so that any subset of
elements concatenates correctly; the runtime drops the commas before ']'
when it parses the text (qapi_json_parse_static()).
"""

import json

from .common import c_name, c_string, gen_endif, gen_if
from .entities import (AlternateType, ArrayType, BuiltinType, EnumType,
                       ObjectType)
from .gen import GenFile


class Cond:
    """A value that is present only when ifcond holds."""

    def __init__(self, value, ifcond):
        self.value = value
        self.ifcond = ifcond


def _emit(value, lines, level):
    """Append (text, None) or (directive) lines for value to lines."""
    pad = '    ' * level
    if isinstance(value, dict):
        keys = list(value.items())
        # Objects are short: write scalar members inline, arrays on
        # their own lines.
        head = '{'
        first = True
        for key, val in keys:
            if isinstance(val, list):
                continue
            head += ('' if first else ', ') + json.dumps(key) + ': ' + \
                json.dumps(val)
            first = False
        arrays = [(k, v) for k, v in keys if isinstance(v, list)]
        if not arrays:
            lines.append(pad + c_string(head + '}'))
            return
        lines.append(pad + c_string(head))
        for i, (key, val) in enumerate(arrays):
            sep = '' if first and i == 0 else ', '
            lines.append(pad + c_string(sep + json.dumps(key) + ': ['))
            for el in val:
                _emit_element(el, lines, level + 1)
            lines.append(pad + c_string(']'))
        lines.append(pad + c_string('}'))
        return
    lines.append(pad + c_string(json.dumps(value)))


def _emit_element(el, lines, level):
    cond = None
    if isinstance(el, Cond):
        cond = el.ifcond
        el = el.value
    if cond:
        lines.append(gen_if(cond).rstrip('\n'))
    _emit(el, lines, level)
    lines[-1] = lines[-1][:-1] + ',"'
    if cond:
        lines.append(gen_endif(cond).rstrip('\n'))


def _features(ent_features):
    return [Cond(f.name, f.ifcond) if f.ifcond else f.name
            for f in ent_features]


def _with_features(obj, features):
    if features:
        obj['features'] = _features(features)
    return obj


def _type_name(t):
    if isinstance(t, ArrayType):
        return '[%s]' % _type_name(t.element)
    return t.name


class _Collector:
    def __init__(self, schema):
        self.schema = schema
        self.seen = set()
        self.order = []

    def use(self, t):
        if t is None:
            t = self.schema.empty_object
        if t.name in self.seen:
            return _type_name(t)
        self.seen.add(t.name)
        self.order.append(t)
        if isinstance(t, ArrayType):
            self.use(t.element)
        elif isinstance(t, ObjectType):
            for m in t.members:
                self.use(m.type)
            for v in t.variants:
                self.use(v.type)
        elif isinstance(t, AlternateType):
            for v in t.variants:
                self.use(v.type)
        return _type_name(t)


def _type_entry(t):
    name = _type_name(t)
    if isinstance(t, BuiltinType):
        return {'name': name, 'meta-type': 'builtin',
                'json-type': t.json_type}
    if isinstance(t, EnumType):
        members = []
        for m in t.members:
            mem = _with_features({'name': m.name}, m.features)
            members.append(Cond(mem, m.ifcond) if m.ifcond else mem)
        values = [Cond(m.name, m.ifcond) if m.ifcond else m.name
                  for m in t.members]
        return _with_features({'name': name, 'meta-type': 'enum',
                               'members': members, 'values': values},
                              t.features)
    if isinstance(t, ArrayType):
        return {'name': name, 'meta-type': 'array',
                'element-type': _type_name(t.element)}
    if isinstance(t, ObjectType):
        members = []
        for m in t.members:
            mem = {'name': m.name, 'type': _type_name(m.type)}
            if m.optional:
                mem['default'] = None
            _with_features(mem, m.features)
            members.append(Cond(mem, m.ifcond) if m.ifcond else mem)
        obj = {'name': name, 'meta-type': 'object'}
        if t.is_union():
            obj['tag'] = t.tag_member.name
        obj['members'] = members
        if t.is_union():
            obj['variants'] = [
                Cond(v, vv.ifcond) if vv.ifcond else v
                for vv, v in ((vv, {'case': vv.name,
                                    'type': _type_name(vv.type)})
                              for vv in t.variants)]
        return _with_features(obj, t.features)
    if isinstance(t, AlternateType):
        members = [Cond({'type': _type_name(v.type)}, v.ifcond) if v.ifcond
                   else {'type': _type_name(v.type)} for v in t.variants]
        return _with_features({'name': name, 'meta-type': 'alternate',
                               'members': members}, t.features)
    raise AssertionError(t)


def gen_introspect(schema, prefix):
    cp = c_name(prefix)
    col = _Collector(schema)
    entries = []
    for cmd in schema.commands:
        e = {'name': cmd.name, 'meta-type': 'command',
             'arg-type': col.use(cmd.arg_type),
             'ret-type': col.use(cmd.ret_type)}
        if cmd.allow_oob:
            e['allow-oob'] = True
        entries.append((_with_features(e, cmd.features), cmd.ifcond))
    for ev in schema.events:
        e = {'name': ev.name, 'meta-type': 'event',
             'arg-type': col.use(ev.arg_type)}
        entries.append((_with_features(e, ev.features), ev.ifcond))
    for t in col.order:
        entries.append((_type_entry(t), t.ifcond))
    lines = [c_string('[')]
    for e, cond in entries:
        _emit_element(Cond(e, cond) if cond else e, lines, 1)
    lines.append(c_string(']'))
    h = GenFile(prefix + 'qapi-introspect.h', 'QAPI schema introspection')
    c = GenFile(prefix + 'qapi-introspect.c', 'QAPI schema introspection '
                'data')
    h.add('#include <json-glib/json-glib.h>\n\n'
          '/*\n * The schema as a list of SchemaInfo objects (what '
          'query-qmp-schema\n * returns).  Returns a new tree owned by the '
          'caller.  Any thread.\n */\n'
          'JsonNode *%sqapi_introspection_data(void);\n' % cp)
    body = '\n'.join(('    ' + ln) if not ln.startswith('#') else ln
                     for ln in lines)
    c.add('#include "qemu/osdep.h"\n#include "qapi/util.h"\n'
          '#include "%sqapi-introspect.h"\n\n'
          'static const char %sqapi_introspection_text[] =\n%s;\n\n'
          'JsonNode *%sqapi_introspection_data(void)\n{\n'
          '    return qapi_json_parse_static(%sqapi_introspection_text);\n}\n'
          % (prefix, cp, body, cp, cp))
    return [h, c]

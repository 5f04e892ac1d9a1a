# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate <prefix>qapi-visit.{h,c}: conversion between the C types and
json-glib trees, with QMP's argument-checking messages on input."""

from .common import c_string, indent, wrap_if
from .entities import (AlternateType, ArrayType, BuiltinType, EnumType,
                       ObjectType)
from .gen import GenFile, from_json_stmt, to_json_expr, type_order


def gen_decl(t):
    cn = t.c_name()
    if isinstance(t, EnumType):
        text = ('/* The JSON string for a %s value. */\n'
                'JsonNode *qapi_%s_to_json(%s value);\n'
                '/*\n * Parse a JSON string into *out; path names the value '
                'in errors.\n * Returns false with errp set on failure.\n'
                ' */\n'
                'bool qapi_%s_from_json(JsonNode *node, const char *path, '
                '%s *out, GError **errp);\n\n' % (t.name, cn, cn, cn, cn))
    else:
        text = ('/* A new JSON tree for obj (caller owns the result). */\n'
                'JsonNode *qapi_%s_to_json(const %s *obj);\n'
                '/*\n * Build a %s from node (borrowed); path (NULL at top '
                'level) names the\n * value in errors.  Returns the new '
                'object, or NULL with errp set.%s\n */\n'
                '%s *qapi_%s_from_json(JsonNode *node, const char *path, '
                'GError **errp);\n\n'
                % (cn, cn, cn,
                   ' An empty\n * list is also NULL (errp stays unset).'
                   if isinstance(t, ArrayType) else '', cn, cn))
    return wrap_if(t.ifcond, text)


def gen_names(t):
    names = ''
    for m in t.members:
        names += wrap_if(m.ifcond, '    %s,\n' % c_string(m.name))
    return wrap_if(t.ifcond, 'static const char *const qapi_%s_names[] = {\n'
                   '%s    NULL,\n};\n\n' % (t.c_name(), names))


def gen_member_in(m):
    cn = m.c_name()
    name = c_string(m.name)
    parse = ''
    if m.needs_has():
        parse += 'out->has_%s = true;\n' % cn
    parse += from_json_stmt(m.type, 'n', 'p', 'out->%s' % cn, 'return false;')
    text = ('n = qapi_object_member(obj, %s);\n'
            'if (n) {\n'
            '    g_autofree char *p = qapi_path_member(path, %s);\n\n'
            '%s}' % (name, name, indent(parse)))
    if m.optional:
        text += '\n'
    else:
        text += (' else {\n'
                 '    qapi_error_missing(errp, path, %s);\n'
                 '    return false;\n}\n' % name)
    return wrap_if(m.ifcond, indent(text))


def gen_member_out(m):
    cn = m.c_name()
    stmt = ('json_object_set_member(obj, %s, %s);\n'
            % (c_string(m.name), to_json_expr(m.type, 'in->%s' % cn)))
    if m.optional:
        cond = 'in->has_%s' % cn if m.needs_has() else 'in->%s' % cn
        stmt = 'if (%s) {\n%s}\n' % (cond, indent(stmt))
    return wrap_if(m.ifcond, indent(stmt))


def gen_object_members(t):
    cn = t.c_name()
    members = list(t.members)
    if t.is_union():
        # the discriminator decides what else is allowed: check it first
        members.remove(t.tag_member)
        members.insert(0, t.tag_member)
    body_in = ''.join(gen_member_in(m) for m in members)
    body_out = ''.join(gen_member_out(m) for m in t.members)
    if t.is_union():
        cases_in = ''
        cases_out = ''
        for v in t.variants:
            if v.type.is_empty():
                continue
            const = t.tag_member.type.const(v.name)
            vcn = v.type.c_name()
            cases_in += wrap_if(v.ifcond,
                                '    case %s:\n'
                                '        if (!qapi_%s_members_from_json(obj, '
                                'path, &out->u.%s, errp)) {\n'
                                '            return false;\n'
                                '        }\n        break;\n'
                                % (const, vcn, v.c_name()))
            cases_out += wrap_if(v.ifcond,
                                 '    case %s:\n'
                                 '        qapi_%s_members_to_json(obj, '
                                 '&in->u.%s);\n        break;\n'
                                 % (const, vcn, v.c_name()))
        tag = t.tag_member.c_name()
        if cases_in:
            body_in += ('    switch (out->%s) {\n%s    default:\n'
                        '        break;\n    }\n' % (tag, cases_in))
            body_out += ('    switch (in->%s) {\n%s    default:\n'
                         '        break;\n    }\n' % (tag, cases_out))
    decl_n = '    JsonNode *n;\n\n' if t.members else ''
    text = ('static bool qapi_%s_members_from_json(JsonObject *obj, '
            'const char *path,\n'
            '                                     %s *out, GError **errp)\n'
            '{\n%s%s    return true;\n}\n\n'
            'static void qapi_%s_members_to_json(JsonObject *obj, '
            'const %s *in)\n{\n%s}\n\n'
            % (cn, cn, decl_n, body_in, cn, cn, body_out))
    return wrap_if(t.ifcond, text)


def gen_members_protos(t):
    cn = t.c_name()
    return wrap_if(t.ifcond,
                   'static bool qapi_%s_members_from_json(JsonObject *obj, '
                   'const char *path,\n'
                   '                                     %s *out, '
                   'GError **errp);\n'
                   'static void qapi_%s_members_to_json(JsonObject *obj, '
                   'const %s *in);\n' % (cn, cn, cn, cn))


def gen_extra_names(t, acc, outer, label):
    """For union t (reached in C through the prefix acc, e.g. 'out->'),
    return (declarations, switch statement) that point 'extra' at the
    names its selected branch allows.  A branch that is itself a union is
    flattened into the same JSON object: its own members are allowed, and
    a nested switch on its tag adds those of its selected branch, so each
    member is accepted only for the tag values that bring it.  outer holds
    the members of the enclosing branch unions (empty at the top)."""
    decls = ''
    cases = ''
    for v in t.variants:
        vt = v.type
        if vt.is_empty():
            continue
        members = outer + list(vt.members)
        if outer:
            lab = '%s_%s' % (label, v.c_name())
            names = ''.join(wrap_if(m.ifcond, '    %s,\n' % c_string(m.name))
                            for m in members)
            decls += wrap_if(v.ifcond, 'static const char *const '
                             'qapi_%s_names[] = {\n%s    NULL,\n};\n\n'
                             % (lab, names))
            body = 'extra = qapi_%s_names;\n' % lab
        else:
            lab = '%s_branch_%s' % (label, v.c_name())
            body = 'extra = qapi_%s_names;\n' % vt.c_name()
        if vt.is_union():
            d, sw = gen_extra_names(vt, '%su.%s.' % (acc, v.c_name()),
                                    members, lab)
            decls += wrap_if(v.ifcond, d)
            body += sw
        cases += wrap_if(v.ifcond, 'case %s:\n%s    break;\n'
                         % (t.tag_member.type.const(v.name), indent(body)))
    if not cases:
        return decls, ''
    return decls, ('switch (%s%s) {\n%sdefault:\n    break;\n}\n'
                   % (acc, t.tag_member.c_name(), cases))


def gen_object(t):
    cn = t.c_name()
    decls = ''
    check = ('    if (!qapi_check_unexpected(obj, path, qapi_%s_names, NULL, '
             'errp)) {\n        return NULL;\n    }\n' % cn)
    if t.is_union():
        decls, switch = gen_extra_names(t, 'out->', [], cn)
        check = '    const char *const *extra = NULL;\n\n'
        check += indent(switch)
        check += ('    if (!qapi_check_unexpected(obj, path, qapi_%s_names, '
                  'extra, errp)) {\n        return NULL;\n    }\n' % cn)
        check = '    {\n' + indent(check) + '    }\n'
    text = ('JsonNode *qapi_%s_to_json(const %s *in)\n{\n'
            '    JsonObject *obj = json_object_new();\n\n'
            '    if (in) {\n        qapi_%s_members_to_json(obj, in);\n    }\n'
            '    return qapi_node_take_object(obj);\n}\n\n'
            '%s *qapi_%s_from_json(JsonNode *node, const char *path, '
            'GError **errp)\n{\n'
            '    JsonObject *obj = qapi_json_object(node, path, errp);\n'
            '    g_autoptr(%s) out = NULL;\n\n'
            '    if (!obj) {\n        return NULL;\n    }\n'
            '    out = g_new0(%s, 1);\n'
            '    if (!qapi_%s_members_from_json(obj, path, out, errp)) {\n'
            '        return NULL;\n    }\n'
            '%s'
            '    return g_steal_pointer(&out);\n}\n\n'
            % (cn, cn, cn, cn, cn, cn, cn, cn, check))
    return wrap_if(t.ifcond, decls + text)


def gen_enum(t):
    cn = t.c_name()
    text = ('JsonNode *qapi_%s_to_json(%s value)\n{\n'
            '    return qapi_enum_to_json(&%s_lookup, value);\n}\n\n'
            'bool qapi_%s_from_json(JsonNode *node, const char *path, '
            '%s *out, GError **errp)\n{\n'
            '    int value;\n\n'
            '    if (!qapi_enum_from_json(node, path, &%s_lookup, &value, '
            'errp)) {\n        return false;\n    }\n'
            '    *out = value;\n    return true;\n}\n\n'
            % (cn, cn, cn, cn, cn, cn))
    return wrap_if(t.ifcond, text)


def gen_array(t):
    cn = t.c_name()
    el = t.element
    parse = from_json_stmt(el, 'json_array_get_element(arr, i)', 'p',
                           'elem->value', 'return NULL;')
    text = ('JsonNode *qapi_%s_to_json(const %s *in)\n{\n'
            '    JsonArray *arr = json_array_new();\n\n'
            '    for (; in; in = in->next) {\n'
            '        json_array_add_element(arr, %s);\n    }\n'
            '    return qapi_node_take_array(arr);\n}\n\n'
            '%s *qapi_%s_from_json(JsonNode *node, const char *path, '
            'GError **errp)\n{\n'
            '    JsonArray *arr = qapi_json_array(node, path, errp);\n'
            '    g_autoptr(%s) head = NULL;\n'
            '    %s **tail = &head;\n'
            '    guint i, len;\n\n'
            '    if (!arr) {\n        return NULL;\n    }\n'
            '    len = json_array_get_length(arr);\n'
            '    for (i = 0; i < len; i++) {\n'
            '        g_autofree char *p = qapi_path_index(path, i);\n'
            '        %s *elem = g_new0(%s, 1);\n\n'
            '        *tail = elem;\n'
            '        tail = &elem->next;\n'
            '%s    }\n'
            '    return g_steal_pointer(&head);\n}\n\n'
            % (cn, cn, to_json_expr(el, 'in->value'), cn, cn, cn, cn, cn, cn,
               indent(parse, 8)))
    return wrap_if(t.ifcond, text)


def gen_alternate(t):
    cn = t.c_name()
    out_cases = ''
    for v in t.variants:
        q = v.type.qtype()
        out_cases += wrap_if(v.ifcond, '    case %s:\n        return %s;\n'
                             % (q, to_json_expr(v.type, 'in->u.%s'
                                                % v.c_name())))
    in_cases = ''
    for v in t.variants:
        q = v.type.qtype()
        body = from_json_stmt(v.type, 'node', 'path', 'out->u.%s'
                              % v.c_name(), 'return NULL;')
        in_cases += wrap_if(v.ifcond,
                            '    case %s:\n        out->type = %s;\n%s'
                            '        break;\n' % (q, q, indent(body, 8)))
    text = ('JsonNode *qapi_%s_to_json(const %s *in)\n{\n'
            '    if (in) {\n'
            '        switch (in->type) {\n%s        default:\n'
            '            break;\n        }\n    }\n'
            '    return json_node_new(JSON_NODE_NULL);\n}\n\n'
            '%s *qapi_%s_from_json(JsonNode *node, const char *path, '
            'GError **errp)\n{\n'
            '    g_autoptr(%s) out = g_new0(%s, 1);\n\n'
            '    switch (qapi_json_qtype(node)) {\n%s'
            '    default:\n'
            '        qapi_error_type(errp, path, %s);\n'
            '        return NULL;\n'
            '    }\n'
            '    return g_steal_pointer(&out);\n}\n\n'
            % (cn, cn, indent(out_cases, 8), cn, cn, cn, cn, in_cases,
               c_string(t.name)))
    return wrap_if(t.ifcond, text)


def gen_visit(schema, prefix, builtins):
    base = 'qapi-builtin-visit' if builtins else prefix + 'qapi-visit'
    h = GenFile(base + '.h', 'QAPI JSON visitors' + (' (built-in types)'
                                                      if builtins else ''))
    c = GenFile(base + '.c', 'QAPI JSON visitors' + (' (built-in types)'
                                                      if builtins else ''))
    if builtins:
        h.add('#include "qapi/qapi-builtin-types.h"\n'
              '#include "qapi/json-visit.h"\n\n')
        c.add('#include "qemu/osdep.h"\n#include "qapi/qapi-builtin-visit.h"'
              '\n\n')
        types = [schema.types['QType']] + schema.builtin_arrays
    else:
        h.add('#include "qapi/qapi-builtin-visit.h"\n#include "%sqapi-types.h"'
              '\n\n' % prefix)
        c.add('#include "qemu/osdep.h"\n#include "%s.h"\n\n' % base)
        types = schema.user_types()
    for t in types:
        h.add(gen_decl(t))
    objects = [t for t in type_order(types) if isinstance(t, ObjectType)]
    protos = ''.join(gen_members_protos(t) for t in objects)
    if protos:
        c.add(protos + '\n')
    for t in objects:
        c.add(gen_names(t))
    for t in types:
        if isinstance(t, EnumType):
            c.add(gen_enum(t))
        elif isinstance(t, ObjectType):
            c.add(gen_object_members(t))
            c.add(gen_object(t))
        elif isinstance(t, ArrayType):
            c.add(gen_array(t))
        elif isinstance(t, AlternateType):
            c.add(gen_alternate(t))
        else:
            assert isinstance(t, BuiltinType)
    return [h, c]

# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate <prefix>qapi-types.{h,c}: C types, enum tables, free functions."""

from .common import c_string, indent, wrap_if
from .entities import AlternateType, ArrayType, EnumType, ObjectType
from .gen import (GenFile, doc_comment, free_stmt, member_decl,
                  type_order)


def gen_enum_decl(t):
    body = ''
    for i, m in enumerate(t.members):
        body += wrap_if(m.ifcond, '    %s%s,\n'
                        % (t.const(m.name), ' = 0' if i == 0 else ''))
    text = doc_comment(t) + ('typedef enum %s {\n%s    %s,\n} %s;\n\n'
                             % (t.c_name(), body, t.max_const(), t.c_name()))
    text += ('/* Wire names of %s values. */\n'
             'extern const QEnumLookup %s_lookup;\n'
             '/* The wire name of a value, or NULL when out of range. */\n'
             'const char *%s_str(%s value);\n'
             '/* The value for a wire name, or -1 when unknown. */\n'
             'int %s_parse(const char *s);\n\n'
             % (t.name, t.c_name(), t.c_name(), t.c_name(), t.c_name()))
    return wrap_if(t.ifcond, text)


def gen_enum_defn(t):
    entries = ''
    for m in t.members:
        entries += wrap_if(m.ifcond, '        [%s] = %s,\n'
                           % (t.const(m.name), c_string(m.name)))
    cn = t.c_name()
    text = ('const QEnumLookup %s_lookup = {\n'
            '    .array = (const char *const[]) {\n%s    },\n'
            '    .size = %s,\n};\n\n'
            'const char *%s_str(%s value)\n{\n'
            '    return qapi_enum_lookup(&%s_lookup, value);\n}\n\n'
            'int %s_parse(const char *s)\n{\n'
            '    return qapi_enum_parse(&%s_lookup, s);\n}\n\n'
            % (cn, entries, t.max_const(), cn, cn, cn, cn, cn))
    return wrap_if(t.ifcond, text)


def gen_struct_defn(t):
    cn = t.c_name()
    if isinstance(t, ArrayType):
        el = t.element
        ctype = el.c_type()
        sep = '' if ctype.endswith('*') else ' '
        text = ('struct %s {\n    %s *next;\n    %s%svalue;\n};\n\n'
                % (cn, cn, ctype, sep))
        return wrap_if(t.ifcond, text)
    if isinstance(t, AlternateType):
        body = ''
        for v in t.variants:
            ctype = v.type.c_type()
            sep = '' if ctype.endswith('*') else ' '
            body += wrap_if(v.ifcond, '        %s%s%s;\n'
                            % (ctype, sep, v.c_name()))
        text = doc_comment(t) + ('struct %s {\n    QType type;\n'
                                 '    union {\n%s    } u;\n};\n\n'
                                 % (cn, body))
        return wrap_if(t.ifcond, text)
    body = ''
    for m in t.members:
        body += indent(member_decl(m))
    if t.is_union():
        branches = ''
        for v in t.variants:
            if v.type.is_empty():
                continue
            branches += wrap_if(v.ifcond, '        %s %s;\n'
                                % (v.type.c_name(), v.c_name()))
        if branches:
            body += ('    union { /* selected by %s */\n%s    } u;\n'
                     % (t.tag_member.c_name(), branches))
    if not body.strip():
        body = '    char qapi_unused; /* C forbids empty structs */\n'
    return wrap_if(t.ifcond, doc_comment(t) + 'struct %s {\n%s};\n\n'
                   % (cn, body))


def gen_free_decl(t):
    cn = t.c_name()
    return wrap_if(t.ifcond,
                   '/* Free obj and everything it owns (NULL is a no-op). */\n'
                   'void qapi_free_%s(%s *obj);\n'
                   'G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, qapi_free_%s)\n\n'
                   % (cn, cn, cn, cn))


def gen_members_free(t):
    """Body of qapi_free_T_members() for an object type."""
    body = ''
    for m in t.members:
        body += wrap_if(m.ifcond, indent(free_stmt(m.type, 'obj->%s'
                                                   % m.c_name())))
    if t.is_union():
        cases = ''
        for v in t.variants:
            if v.type.is_empty():
                continue
            cases += wrap_if(v.ifcond,
                             '    case %s:\n'
                             '        qapi_free_%s_members(&obj->u.%s);\n'
                             '        break;\n'
                             % (t.tag_member.type.const(v.name),
                                v.type.c_name(), v.c_name()))
        if cases:
            body += ('    switch (obj->%s) {\n%s    default:\n        break;\n'
                     '    }\n' % (t.tag_member.c_name(), cases))
    return body


def gen_free_defn(t):
    cn = t.c_name()
    if isinstance(t, ArrayType):
        fs = free_stmt(t.element, 'obj->value')
        text = ('void qapi_free_%s(%s *obj)\n{\n'
                '    while (obj) {\n'
                '        %s *next = obj->next;\n\n'
                '%s'
                '        g_free(obj);\n'
                '        obj = next;\n'
                '    }\n}\n\n' % (cn, cn, cn, indent(fs, 8)))
        return wrap_if(t.ifcond, text)
    if isinstance(t, AlternateType):
        cases = ''
        for v in t.variants:
            fs = free_stmt(v.type, 'obj->u.%s' % v.c_name())
            if not fs:
                continue
            cases += wrap_if(v.ifcond, '    case %s:\n%s        break;\n'
                             % (v.type.qtype(), indent(fs, 8)))
        body = ''
        if cases:
            body = ('    switch (obj->type) {\n%s'
                    '    default:\n        break;\n    }\n' % cases)
        text = ('void qapi_free_%s(%s *obj)\n{\n'
                '    if (!obj) {\n        return;\n    }\n%s'
                '    g_free(obj);\n}\n\n' % (cn, cn, body))
        return wrap_if(t.ifcond, text)
    body = gen_members_free(t)
    text = ('void qapi_free_%s_members(%s *obj)\n{\n%s}\n\n'
            'void qapi_free_%s(%s *obj)\n{\n'
            '    if (!obj) {\n        return;\n    }\n'
            '    qapi_free_%s_members(obj);\n'
            '    g_free(obj);\n}\n\n'
            % (cn, cn, body or '    (void)obj;\n', cn, cn, cn))
    return wrap_if(t.ifcond, text)


def gen_types(schema, prefix, builtins):
    """Return the GenFiles for the types module (or the builtin module)."""
    base = 'qapi-builtin-types' if builtins else prefix + 'qapi-types'
    h = GenFile(base + '.h', 'QAPI C types' + (' (built-in types)'
                                                if builtins else ''))
    c = GenFile(base + '.c', 'QAPI enum tables and free functions'
                + (' (built-in types)' if builtins else ''))
    h.add('#include <json-glib/json-glib.h>\n#include "qapi/util.h"\n')
    if not builtins:
        h.add('#include "qapi/qapi-builtin-types.h"\n')
    h.add('\n')
    c.add('#include "qemu/osdep.h"\n#include "%s.h"\n\n'
          % (('qapi/' + base) if builtins else base))

    if builtins:
        types = [schema.types['QType']] + schema.builtin_arrays
    else:
        types = schema.user_types()

    # forward typedefs for everything referenced by pointer
    fwd = ''
    for t in types:
        if isinstance(t, (ObjectType, AlternateType, ArrayType)):
            fwd += wrap_if(t.ifcond, 'typedef struct %s %s;\n'
                           % (t.c_name(), t.c_name()))
    h.add(fwd + '\n')
    for t in types:
        if isinstance(t, EnumType):
            h.add(gen_enum_decl(t))
            c.add(gen_enum_defn(t))
    ordered = type_order(types)
    for t in ordered:
        h.add(gen_struct_defn(t))
    for t in ordered:
        if isinstance(t, ObjectType):
            cn = t.c_name()
            h.add(wrap_if(t.ifcond,
                          '/* Free what the members of obj own (not obj). */\n'
                          'void qapi_free_%s_members(%s *obj);\n' % (cn, cn)))
        h.add(gen_free_decl(t))
        c.add(gen_free_defn(t))
    return [h, c]

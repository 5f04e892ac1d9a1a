# SPDX-License-Identifier: GPL-2.0-or-later
"""The entities of a checked schema: types, commands, events."""

from .common import c_name, c_enum_const


class Feature:
    def __init__(self, name, ifcond):
        self.name = name
        self.ifcond = ifcond


# ---- entities --------------------------------------------------------------

class Entity:
    meta = None

    def __init__(self, name, info, doc=None, ifcond=None, features=None):
        self.name = name
        self.info = info
        self.doc = doc
        self.ifcond = ifcond
        self.features = features or []

    def c_name(self):
        return c_name(self.name)

    def is_implicit(self):
        return self.name.startswith('q_')


class Type(Entity):
    def c_type(self):
        raise NotImplementedError

    def c_param_type(self):
        return self.c_type()

    def is_pointer(self):
        return True

    def qtype(self):
        """The QType constant a JSON value of this type has, or None."""
        raise NotImplementedError

    def doc_type(self):
        return self.name


BUILTINS = {
    # name: (C type, JSON type for introspection, QType)
    'str': ('char *', 'string', 'QTYPE_QSTRING'),
    'int': ('int64_t', 'int', 'QTYPE_QNUM'),
    'int8': ('int8_t', 'int', 'QTYPE_QNUM'),
    'int16': ('int16_t', 'int', 'QTYPE_QNUM'),
    'int32': ('int32_t', 'int', 'QTYPE_QNUM'),
    'int64': ('int64_t', 'int', 'QTYPE_QNUM'),
    'uint8': ('uint8_t', 'int', 'QTYPE_QNUM'),
    'uint16': ('uint16_t', 'int', 'QTYPE_QNUM'),
    'uint32': ('uint32_t', 'int', 'QTYPE_QNUM'),
    'uint64': ('uint64_t', 'int', 'QTYPE_QNUM'),
    'size': ('uint64_t', 'int', 'QTYPE_QNUM'),
    'number': ('double', 'number', 'QTYPE_QNUM'),
    'bool': ('bool', 'boolean', 'QTYPE_QBOOL'),
    'null': ('QNull', 'null', 'QTYPE_QNULL'),
    'any': ('JsonNode *', 'value', None),
}


class BuiltinType(Type):
    meta = 'builtin'

    def __init__(self, name):
        super().__init__(name, None)
        self._c_type, self.json_type, self._qtype = BUILTINS[name]

    def c_name(self):
        return self.name

    def c_type(self):
        return self._c_type

    def c_param_type(self):
        return 'const char *' if self.name == 'str' else self._c_type

    def is_pointer(self):
        return self.name in ('str', 'any')

    def qtype(self):
        return self._qtype

    def is_integer(self):
        return self.json_type == 'int'

    def is_unsigned(self):
        return self.name.startswith('uint') or self.name == 'size'


class EnumMember:
    def __init__(self, name, ifcond, features):
        self.name = name
        self.ifcond = ifcond
        self.features = features


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, doc, ifcond, features, members, prefix):
        super().__init__(name, info, doc, ifcond, features)
        self.members = members
        self.prefix = prefix

    def c_type(self):
        return self.c_name()

    def is_pointer(self):
        return False

    def qtype(self):
        return 'QTYPE_QSTRING'

    def const(self, value):
        return c_enum_const(self.name, value, self.prefix)

    def max_const(self):
        return c_enum_const(self.name, '_MAX', self.prefix)


class ArrayType(Type):
    meta = 'array'

    def __init__(self, element_name, info):
        super().__init__(element_name + 'List', info)
        self.element_name = element_name
        self.element = None

    def resolve(self, schema):
        self.element = schema.types[self.element_name]
        self.ifcond = self.element.ifcond

    def c_name(self):
        return self.element.c_name() + 'List'

    def c_type(self):
        return self.c_name() + ' *'

    def qtype(self):
        return 'QTYPE_QLIST'

    def doc_type(self):
        return '[%s]' % self.element.doc_type()

    def is_builtin(self):
        return isinstance(self.element, BuiltinType)


class Member:
    def __init__(self, name, type_name, optional, ifcond, features, info,
                 owner):
        self.name = name
        self.type_name = type_name
        self.type = None
        self.optional = optional
        self.ifcond = ifcond
        self.features = features
        self.info = info
        self.owner = owner      # name of the defining type, for messages

    def c_name(self):
        return c_name(self.name)

    def needs_has(self):
        return self.optional and not self.type.is_pointer()


class Variant:
    def __init__(self, name, type_name, ifcond, info):
        self.name = name
        self.type_name = type_name
        self.type = None
        self.ifcond = ifcond
        self.info = info

    def c_name(self):
        return c_name(self.name)


class ObjectType(Type):
    """A struct, or (with tag and variants) a union."""
    meta = 'object'

    def __init__(self, name, info, doc, ifcond, features, base_name,
                 local_members, tag_name=None, variants=None, kind='struct'):
        super().__init__(name, info, doc, ifcond, features)
        self.kind = kind
        self.base_name = base_name
        self.base = None
        self.local_members = local_members
        self.members = None     # base members + local members, after check
        self.tag_name = tag_name
        self.tag_member = None
        self.variants = variants or []
        self._checked = False

    def c_type(self):
        return self.c_name() + ' *'

    def qtype(self):
        return 'QTYPE_QDICT'

    def is_union(self):
        return self.tag_name is not None

    def is_empty(self):
        return not self.members and not self.variants


class AlternateType(Type):
    meta = 'alternate'

    def __init__(self, name, info, doc, ifcond, features, variants):
        super().__init__(name, info, doc, ifcond, features)
        self.variants = variants

    def c_type(self):
        return self.c_name() + ' *'

    def qtype(self):
        return None


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, doc, ifcond, features, arg_type_name,
                 ret_type_name, boxed, allow_oob, allow_preconfig, coroutine,
                 gen, success_response):
        super().__init__(name, info, doc, ifcond, features)
        self.arg_type_name = arg_type_name
        self.ret_type_name = ret_type_name
        self.arg_type = None
        self.ret_type = None
        self.boxed = boxed
        self.allow_oob = allow_oob
        self.allow_preconfig = allow_preconfig
        self.coroutine = coroutine
        self.gen = gen
        self.success_response = success_response


class Event(Entity):
    meta = 'event'

    def __init__(self, name, info, doc, ifcond, features, arg_type_name,
                 boxed):
        super().__init__(name, info, doc, ifcond, features)
        self.arg_type_name = arg_type_name
        self.arg_type = None
        self.boxed = boxed

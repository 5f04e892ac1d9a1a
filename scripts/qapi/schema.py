# SPDX-License-Identifier: GPL-2.0-or-later
"""The checked schema: entities built from parsed expressions.

Every name is resolved and every rule checked here, so that the code
generators can trust what they get.
"""

import re

from .common import c_name, is_c_identifier
from .entities import (BUILTINS, AlternateType, ArrayType, BuiltinType,
                       Command, EnumMember, EnumType, Event, Feature, Member,
                       ObjectType, Type, Variant)
from .error import QAPIError
from .parser import parse_schema


# ---- helpers for checking expression shapes --------------------------------

_NAME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_.-]*$')


def _check_keys(expr, info, meta, required, optional):
    for key in required:
        if key not in expr:
            raise QAPIError(info, "%s '%s' lacks member '%s'"
                            % (meta, expr[meta], key))
    for key in expr:
        if key not in required and key not in optional and key != meta:
            raise QAPIError(info, "%s '%s' has unknown key '%s'"
                            % (meta, expr[meta], key))


def _check_name(info, what, name, allow_q=False):
    if not isinstance(name, str):
        raise QAPIError(info, '%s requires a string name' % what)
    if name.startswith('q_') and not allow_q:
        raise QAPIError(info, "%s '%s' must not start with 'q_'"
                        % (what, name))
    if not _NAME_RE.match(name):
        raise QAPIError(info, "%s has an invalid name '%s'" % (what, name))


def _check_bool(info, expr, key):
    if key in expr and not isinstance(expr[key], bool):
        raise QAPIError(info, "flag '%s' must be a boolean" % key)


def normalize_if(info, cond, what):
    """Check an 'if' condition; return it (None when absent)."""
    if cond is None:
        return None

    def check(c):
        if isinstance(c, str):
            if not is_c_identifier(c):
                raise QAPIError(info, "'if' condition '%s' of %s is not a "
                                "valid identifier" % (c, what))
            return c
        if not isinstance(c, dict) or len(c) != 1:
            raise QAPIError(info, "'if' condition of %s must be a string "
                            "or an object with one of 'all', 'any', 'not'"
                            % what)
        op, arg = next(iter(c.items()))
        if op == 'not':
            return {'not': check(arg)}
        if op in ('all', 'any'):
            if not isinstance(arg, list) or not arg:
                raise QAPIError(info, "'%s' condition of %s needs a "
                                "non-empty list" % (op, what))
            return {op: [check(a) for a in arg]}
        raise QAPIError(info, "'if' condition of %s has unknown operator "
                        "'%s'" % (what, op))
    return check(cond)


def normalize_features(info, features, what):
    if features is None:
        return []
    if not isinstance(features, list):
        raise QAPIError(info, "'features' of %s must be an array" % what)
    out = []
    seen = set()
    for f in features:
        if isinstance(f, str):
            f = {'name': f}
        if not isinstance(f, dict) or 'name' not in f:
            raise QAPIError(info, "feature of %s must be a string or an "
                            "object with 'name'" % what)
        for key in f:
            if key not in ('name', 'if'):
                raise QAPIError(info, "feature '%s' of %s has unknown key "
                                "'%s'" % (f['name'], what, key))
        _check_name(info, 'feature of %s' % what, f['name'])
        if f['name'] in seen:
            raise QAPIError(info, "duplicate feature '%s' in %s"
                            % (f['name'], what))
        seen.add(f['name'])
        out.append(Feature(f['name'],
                           normalize_if(info, f.get('if'),
                                        "feature '%s'" % f['name'])))
    return out


def flat_members(obj):
    """Every member that may appear in obj's JSON object: its members and,
    for a union, those of every branch (recursively; branches may be
    unions themselves)."""
    out = list(obj.members)
    for v in obj.variants:
        out += flat_members(v.type)
    return out


# ---- the schema ----------------------------------------------------------

QTYPE_VALUES = ['none', 'qnull', 'qnum', 'qstring', 'qdict', 'qlist',
                'qbool']


class Schema:
    def __init__(self, fname):
        state = parse_schema(fname)
        self.pragma = state.pragma
        self.types = {}         # name -> Type (incl. builtins and arrays)
        self.entities = []      # definitions in schema order
        self.commands = []
        self.events = []
        self._names = {}        # name -> info of the definition
        for name in BUILTINS:
            self.types[name] = BuiltinType(name)
        qtype = EnumType('QType', None, None, None, [],
                         [EnumMember(v, None, []) for v in QTYPE_VALUES],
                         'QTYPE')
        self.types['QType'] = qtype
        for name in BUILTINS:
            self._array_of(name, None)
        self.builtin_arrays = [self.types[n + 'List'] for n in BUILTINS]
        self.empty_object = ObjectType('q_empty', None, None, None, [],
                                       None, [])
        self.types['q_empty'] = self.empty_object
        for item in state.exprs:
            self._define(item['expr'], item['info'], item['doc'])
        if self._pending_refs is None:
            self._pending_refs = []
            self.implicit = []
        for name, info in self.pragma.get('array-types', []):
            self._type_ref(info, [name], "pragma 'array-types'")
        self._check()

    # ---- building ------------------------------------------------------

    def _add(self, entity, is_type=True):
        prev = self._names.get(entity.name)
        if prev is not None or (is_type and entity.name in self.types):
            raise QAPIError(entity.info, "'%s' is already defined"
                            % entity.name)
        self._names[entity.name] = entity.info
        if is_type:
            if entity.name.endswith('List'):
                raise QAPIError(entity.info, "type name '%s' must not end in "
                                "'List'" % entity.name)
            self.types[entity.name] = entity
        self.entities.append(entity)

    def _array_of(self, name, info):
        aname = name + 'List'
        if aname not in self.types:
            self.types[aname] = ArrayType(name, info)
        return aname

    def _type_ref(self, info, ref, what, allow_array=True):
        """Check a type reference ('Name' or ['Name']); return the name of
        the (possibly array) type.  Existence is checked later."""
        if isinstance(ref, list):
            if not allow_array:
                raise QAPIError(info, '%s cannot be an array' % what)
            if len(ref) != 1 or not isinstance(ref[0], str):
                raise QAPIError(info, '%s: array type must contain a single '
                                'type name' % what)
            self._pending_refs.append((info, ref[0], what))
            return self._array_of(ref[0], info)
        if not isinstance(ref, str):
            raise QAPIError(info, '%s should be a type name' % what)
        self._pending_refs.append((info, ref, what))
        return ref

    _pending_refs = None

    def _members(self, info, data, owner, what):
        if not isinstance(data, dict):
            raise QAPIError(info, "'data' of %s must be an object" % what)
        members = []
        seen = {}
        for key, val in data.items():
            optional = key.startswith('*')
            name = key[1:] if optional else key
            _check_name(info, 'member of %s' % what, name)
            ifcond = None
            features = []
            if isinstance(val, dict):
                for k in val:
                    if k not in ('type', 'if', 'features'):
                        raise QAPIError(info, "member '%s' of %s has unknown "
                                        "key '%s'" % (name, what, k))
                if 'type' not in val:
                    raise QAPIError(info, "member '%s' of %s lacks 'type'"
                                    % (name, what))
                ifcond = normalize_if(info, val.get('if'),
                                      "member '%s'" % name)
                features = normalize_features(info, val.get('features'),
                                              "member '%s'" % name)
                val = val['type']
            tname = self._type_ref(info, val, "member '%s' of %s"
                                   % (name, what))
            cn = c_name(name)
            if cn in seen:
                raise QAPIError(info, "duplicate member '%s' in %s%s"
                                % (name, what,
                                   '' if seen[cn] == name
                                   else " (clashes with '%s')" % seen[cn]))
            seen[cn] = name
            members.append(Member(name, tname, optional, ifcond, features,
                                  info, owner))
        return members

    def _implicit_object(self, info, data, name, what, ifcond):
        obj = ObjectType(name, info, None, ifcond, [], None,
                         self._members(info, data, name, what))
        self.types[name] = obj
        self.implicit.append(obj)
        return name

    implicit = None

    def _define(self, expr, info, doc):
        if self._pending_refs is None:
            self._pending_refs = []
            self.implicit = []
        metas = [m for m in ('enum', 'struct', 'union', 'alternate',
                             'command', 'event') if m in expr]
        if len(metas) != 1:
            raise QAPIError(info, 'expression must have exactly one of '
                            "'enum', 'struct', 'union', 'alternate', "
                            "'command', 'event', 'include', 'pragma'")
        meta = metas[0]
        name = expr[meta]
        _check_name(info, meta, name)
        what = "%s '%s'" % (meta, name)
        ifcond = normalize_if(info, expr.get('if'), what)
        features = normalize_features(info, expr.get('features'), what)
        if doc is not None and doc.symbol != name:
            raise QAPIError(info, "documentation comment is for '%s'"
                            % doc.symbol)
        if self.pragma.get('doc-required') and name not in \
                self.pragma.get('documentation-exceptions', []):
            if doc is None:
                raise QAPIError(info, "documentation comment required for "
                                "%s" % what)
            if meta in ('command', 'event') and not doc.since:
                raise QAPIError(doc.info, "documentation of %s lacks "
                                "'Since:'" % what)

        if meta == 'enum':
            _check_keys(expr, info, meta, ['data'],
                        ['prefix', 'if', 'features'])
            if 'prefix' in expr and not (isinstance(expr['prefix'], str)
                                         and is_c_identifier(expr['prefix'])):
                raise QAPIError(info, "'prefix' of %s must be a C identifier"
                                % what)
            data = expr['data']
            if not isinstance(data, list):
                raise QAPIError(info, "'data' of %s must be an array" % what)
            members = []
            seen = {}
            for v in data:
                if isinstance(v, str):
                    v = {'name': v}
                if not isinstance(v, dict) or 'name' not in v:
                    raise QAPIError(info, "value of %s must be a string or an "
                                    "object with 'name'" % what)
                for k in v:
                    if k not in ('name', 'if', 'features'):
                        raise QAPIError(info, "value '%s' of %s has unknown "
                                        "key '%s'" % (v['name'], what, k))
                vname = v['name']
                if not isinstance(vname, str) or not re.match(
                        r'^[A-Za-z0-9][A-Za-z0-9_.-]*$', vname):
                    raise QAPIError(info, "%s has an invalid value '%s'"
                                    % (what, vname))
                cn = c_name(vname, False).upper()
                if cn in seen:
                    raise QAPIError(info, "duplicate value '%s' in %s%s"
                                    % (vname, what,
                                       '' if seen[cn] == vname
                                       else " (clashes with '%s')"
                                       % seen[cn]))
                seen[cn] = vname
                members.append(EnumMember(
                    vname, normalize_if(info, v.get('if'),
                                        "value '%s'" % vname),
                    normalize_features(info, v.get('features'),
                                       "value '%s'" % vname)))
            self._add(EnumType(name, info, doc, ifcond, features, members,
                               expr.get('prefix')))

        elif meta == 'struct':
            _check_keys(expr, info, meta, ['data'], ['base', 'if',
                                                     'features'])
            base = None
            if 'base' in expr:
                base = self._type_ref(info, expr['base'], "'base' of %s"
                                      % what, allow_array=False)
            self._add(ObjectType(name, info, doc, ifcond, features, base,
                                 self._members(info, expr['data'], name,
                                               what)))

        elif meta == 'union':
            _check_keys(expr, info, meta, ['base', 'discriminator', 'data'],
                        ['if', 'features'])
            base = expr['base']
            if isinstance(base, dict):
                base = self._implicit_object(info, base, 'q_obj_%s-base'
                                             % name, "base of %s" % what,
                                             ifcond)
            else:
                base = self._type_ref(info, base, "'base' of %s" % what,
                                      allow_array=False)
            disc = expr['discriminator']
            if not isinstance(disc, str):
                raise QAPIError(info, "'discriminator' of %s must be a string"
                                % what)
            data = expr['data']
            if not isinstance(data, dict):
                raise QAPIError(info, "'data' of %s must be an object" % what)
            variants = []
            for bname, val in data.items():
                _check_name(info, 'branch of %s' % what, bname)
                vif = None
                if isinstance(val, dict):
                    for k in val:
                        if k not in ('type', 'if'):
                            raise QAPIError(info, "branch '%s' of %s has "
                                            "unknown key '%s'"
                                            % (bname, what, k))
                    vif = normalize_if(info, val.get('if'),
                                       "branch '%s'" % bname)
                    val = val.get('type')
                tname = self._type_ref(info, val, "branch '%s' of %s"
                                       % (bname, what), allow_array=False)
                variants.append(Variant(bname, tname, vif, info))
            self._add(ObjectType(name, info, doc, ifcond, features, base, [],
                                 disc, variants, kind='union'))

        elif meta == 'alternate':
            _check_keys(expr, info, meta, ['data'], ['if', 'features'])
            data = expr['data']
            if not isinstance(data, dict) or not data:
                raise QAPIError(info, "'data' of %s must be a non-empty "
                                "object" % what)
            variants = []
            seen = set()
            for bname, val in data.items():
                _check_name(info, 'branch of %s' % what, bname)
                if bname.startswith('*'):
                    raise QAPIError(info, "branch '%s' of %s cannot be "
                                    "optional" % (bname[1:], what))
                vif = None
                if isinstance(val, dict):
                    for k in val:
                        if k not in ('type', 'if'):
                            raise QAPIError(info, "branch '%s' of %s has "
                                            "unknown key '%s'"
                                            % (bname, what, k))
                    vif = normalize_if(info, val.get('if'),
                                       "branch '%s'" % bname)
                    val = val.get('type')
                cn = c_name(bname)
                if cn in seen:
                    raise QAPIError(info, "duplicate member '%s' in %s"
                                    % (bname, what))
                seen.add(cn)
                tname = self._type_ref(info, val, "branch '%s' of %s"
                                       % (bname, what))
                variants.append(Variant(bname, tname, vif, info))
            self._add(AlternateType(name, info, doc, ifcond, features,
                                    variants))

        elif meta == 'command':
            _check_keys(expr, info, meta, [],
                        ['data', 'returns', 'boxed', 'if', 'features', 'gen',
                         'success-response', 'allow-oob', 'allow-preconfig',
                         'coroutine'])
            for flag in ('boxed', 'gen', 'success-response', 'allow-oob',
                         'allow-preconfig', 'coroutine'):
                _check_bool(info, expr, flag)
            boxed = expr.get('boxed', False)
            arg = None
            if 'data' in expr:
                data = expr['data']
                if isinstance(data, dict):
                    if boxed:
                        raise QAPIError(info, "'boxed': true requires 'data' "
                                        "to be a type name")
                    arg = self._implicit_object(info, data, 'q_obj_%s-arg'
                                                % name, what, ifcond)
                else:
                    arg = self._type_ref(info, data, "'data' of %s" % what,
                                         allow_array=False)
            elif boxed:
                raise QAPIError(info, "'boxed': true requires 'data'")
            ret = None
            if 'returns' in expr:
                ret = self._type_ref(info, expr['returns'], "'returns' of %s"
                                     % what)
            cmd = Command(name, info, doc, ifcond, features, arg, ret, boxed,
                          expr.get('allow-oob', False),
                          expr.get('allow-preconfig', False),
                          expr.get('coroutine', False),
                          expr.get('gen', True),
                          expr.get('success-response', True))
            self._add(cmd, is_type=False)
            self.commands.append(cmd)

        elif meta == 'event':
            _check_keys(expr, info, meta, [], ['data', 'boxed', 'if',
                                               'features'])
            _check_bool(info, expr, 'boxed')
            boxed = expr.get('boxed', False)
            arg = None
            if 'data' in expr:
                data = expr['data']
                if isinstance(data, dict):
                    if boxed:
                        raise QAPIError(info, "'boxed': true requires 'data' "
                                        "to be a type name")
                    arg = self._implicit_object(info, data, 'q_obj_%s-arg'
                                                % name, what, ifcond)
                else:
                    arg = self._type_ref(info, data, "'data' of %s" % what,
                                         allow_array=False)
            elif boxed:
                raise QAPIError(info, "'boxed': true requires 'data'")
            ev = Event(name, info, doc, ifcond, features, arg, boxed)
            self._add(ev, is_type=False)
            self.events.append(ev)

    # ---- checking ------------------------------------------------------

    def _lookup(self, info, name, what):
        t = self.types.get(name)
        if t is None:
            raise QAPIError(info, "%s uses unknown type '%s'" % (what, name))
        return t

    def _check(self):
        for info, name, what in self._pending_refs or []:
            self._lookup(info, name, what)
        for t in list(self.types.values()):
            if isinstance(t, ArrayType):
                t.resolve(self)
                if isinstance(t.element, ArrayType):
                    raise QAPIError(t.info, "arrays of arrays are not "
                                    "supported")
        for t in list(self.types.values()):
            if isinstance(t, ObjectType):
                self._check_object(t, [])
        for t in self.types.values():
            if isinstance(t, AlternateType):
                self._check_alternate(t)
        for cmd in self.commands:
            self._check_command(cmd)
        for ev in self.events:
            self._check_event(ev)
        for e in self.entities:
            self._check_doc(e)

    def _check_object(self, obj, stack):
        if obj._checked:
            return
        if obj in stack:
            raise QAPIError(obj.info, "object '%s' contains itself"
                            % obj.name)
        what = "%s '%s'" % (obj.kind, obj.name)
        members = []
        if obj.base_name is not None:
            base = self.types[obj.base_name]
            if not isinstance(base, ObjectType) or base.is_union():
                raise QAPIError(obj.info, "'base' of %s must be a struct "
                                "type, not '%s'" % (what, base.name))
            self._check_object(base, stack + [obj])
            obj.base = base
            members = list(base.members)
        for m in obj.local_members:
            m.type = self.types[m.type_name]
        seen = {m.c_name(): m for m in members}
        for m in obj.local_members:
            other = seen.get(m.c_name())
            if other is not None:
                raise QAPIError(obj.info, "duplicate member '%s': %s "
                                "collides with base member '%s' of '%s'"
                                % (m.name, what, other.name, other.owner))
            seen[m.c_name()] = m
            members.append(m)
        obj.members = members
        if obj.is_union():
            self._check_union(obj, stack, seen)
        obj._checked = True

    def _check_union(self, obj, stack, base_seen):
        what = "union '%s'" % obj.name
        tag = None
        for m in obj.members:
            if m.name == obj.tag_name:
                tag = m
        if tag is None:
            raise QAPIError(obj.info, "discriminator '%s' is not a member of "
                            "the base of %s" % (obj.tag_name, what))
        if not isinstance(tag.type, EnumType) or tag.type.name == 'QType':
            raise QAPIError(obj.info, "discriminator member '%s' of the base "
                            "of %s must be of enum type" % (tag.name, what))
        if tag.optional:
            raise QAPIError(obj.info, "discriminator member '%s' of the base "
                            "of %s must not be optional" % (tag.name, what))
        if tag.ifcond:
            raise QAPIError(obj.info, "discriminator member '%s' of the base "
                            "of %s must not be conditional"
                            % (tag.name, what))
        obj.tag_member = tag
        values = [v.name for v in tag.type.members]
        for v in obj.variants:
            if v.name not in values:
                raise QAPIError(obj.info, "branch '%s' of %s is not a value "
                                "of %s" % (v.name, what, tag.type.name))
            vt = self.types[v.type_name]
            if not isinstance(vt, ObjectType):
                raise QAPIError(obj.info, "branch '%s' of %s must be a struct "
                                "or union type, not '%s'"
                                % (v.name, what, vt.name))
            self._check_object(vt, stack + [obj])
            v.type = vt
            # A union branch is flattened into the same JSON object, so
            # every member any of its own branches can bring must stay
            # clear of our base members.
            for m in flat_members(vt):
                other = base_seen.get(m.c_name())
                if other is not None:
                    raise QAPIError(obj.info, "duplicate member '%s': branch "
                                    "'%s' of %s collides with base member "
                                    "'%s'" % (m.name, v.name, what,
                                              other.name))

    def _check_alternate(self, alt):
        what = "alternate '%s'" % alt.name
        by_qtype = {}
        for v in alt.variants:
            vt = self.types[v.type_name]
            v.type = vt
            if isinstance(vt, ObjectType):
                self._check_object(vt, [])
            if isinstance(vt, AlternateType) or vt.name == 'any':
                raise QAPIError(alt.info, "branch '%s' of %s cannot use %s "
                                "'%s'" % (v.name, what, vt.meta, vt.name))
            kind = vt.qtype()
            if kind in by_qtype:
                raise QAPIError(alt.info, "branch '%s' of %s can't be "
                                "distinguished from '%s'"
                                % (v.name, what, by_qtype[kind]))
            by_qtype[kind] = v.name

    def _check_command(self, cmd):
        what = "command '%s'" % cmd.name
        if cmd.arg_type_name is not None:
            at = self.types[cmd.arg_type_name]
            if not isinstance(at, ObjectType):
                raise QAPIError(cmd.info, "'data' of %s must be a struct or "
                                "union type" % what)
            if at.is_union() and not cmd.boxed:
                raise QAPIError(cmd.info, "'data' of %s may be a union only "
                                "with 'boxed': true" % what)
            cmd.arg_type = at
            self._check_flat_args(cmd, at, what)
        if cmd.ret_type_name is not None:
            cmd.ret_type = self.types[cmd.ret_type_name]

    def _check_event(self, ev):
        what = "event '%s'" % ev.name
        if ev.arg_type_name is not None:
            at = self.types[ev.arg_type_name]
            if not isinstance(at, ObjectType):
                raise QAPIError(ev.info, "'data' of %s must be a struct or "
                                "union type" % what)
            if at.is_union() and not ev.boxed:
                raise QAPIError(ev.info, "'data' of %s may be a union only "
                                "with 'boxed': true" % what)
            ev.arg_type = at
            self._check_flat_args(ev, at, what)

    def _check_flat_args(self, ent, at, what):
        if ent.boxed:
            return
        for m in at.members:
            if m.ifcond:
                raise QAPIError(ent.info, "conditional member '%s' of %s "
                                "needs 'boxed': true" % (m.name, what))

    def _check_doc(self, ent):
        doc = ent.doc
        if doc is None:
            return
        names = set()
        if isinstance(ent, EnumType):
            names = {m.name for m in ent.members}
        elif isinstance(ent, ObjectType):
            names = {m.name for m in ent.local_members}
            if ent.is_union():
                names |= {m.name for m in ent.members}
        elif isinstance(ent, AlternateType):
            names = {v.name for v in ent.variants}
        elif isinstance(ent, (Command, Event)):
            if ent.arg_type is not None and (ent.arg_type.is_implicit()
                                             and not ent.boxed):
                names = {m.name for m in ent.arg_type.members}
            elif ent.arg_type is not None:
                names = {m.name for m in ent.arg_type.members}
        undocumented = [a for a in doc.args if a not in names]
        if undocumented:
            raise QAPIError(doc.info, "documented member%s '%s' of '%s' not "
                            "in the declaration"
                            % ('s' if len(undocumented) > 1 else '',
                               "', '".join(undocumented), ent.name))
        fnames = {f.name for f in ent.features}
        extra = [f for f in doc.features if f not in fnames]
        if extra:
            raise QAPIError(doc.info, "documented feature '%s' of '%s' is "
                            "not declared" % (extra[0], ent.name))

    # ---- queries for the generators ----------------------------------

    def user_types(self):
        """Named (non-builtin) types in definition order, then the implicit
        ones, then arrays of non-builtin types."""
        out = [e for e in self.entities if isinstance(e, Type)]
        out += self.implicit or []
        out += [t for t in self.types.values()
                if isinstance(t, ArrayType) and not t.is_builtin()]
        return out

    def lookup_type(self, name):
        return self.types.get(name)

# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate <prefix>qapi-commands.{h,c}: command prototypes, marshallers
and the dispatch table."""

from .common import c_name, c_string, indent, wrap_if
from .gen import (GenFile, doc_comment, free_stmt, param_list,
                  to_json_expr)


def _ret_ctype(cmd):
    if cmd.ret_type is None:
        return 'void'
    return cmd.ret_type.c_type()


def gen_proto(cmd):
    ret = _ret_ctype(cmd)
    sep = '' if ret.endswith('*') else ' '
    members = cmd.arg_type.members if cmd.arg_type is not None else []
    boxed = cmd.arg_type if cmd.boxed else None
    return '%s%sqmp_%s(%s);\n' % (ret, sep, c_name(cmd.name),
                                  param_list(members, boxed))


def gen_marshal_proto(cmd):
    return ('bool qmp_marshal_%s(JsonObject *args, JsonNode **ret, '
            'GError **errp);\n' % c_name(cmd.name))


def gen_marshal(cmd):
    cn = c_name(cmd.name)
    decls = ''
    body = ''
    if cmd.arg_type is not None:
        at = cmd.arg_type
        decls += ('    g_autoptr(JsonNode) in = qapi_args_node(args);\n'
                  '    g_autoptr(%s) arg = NULL;\n' % at.c_name())
        body += ('    arg = qapi_%s_from_json(in, NULL, &err);\n'
                 '    if (err) {\n'
                 '        g_propagate_error(errp, err);\n'
                 '        return false;\n    }\n' % at.c_name())
        if cmd.boxed:
            args = ['arg']
        else:
            args = []
            for m in at.members:
                if m.needs_has():
                    args.append('arg->has_%s' % m.c_name())
                args.append('arg->%s' % m.c_name())
    else:
        body += ('    if (!qapi_check_no_args(args, errp)) {\n'
                 '        return false;\n    }\n')
        args = []
    args.append('&err')
    decls += '    GError *err = NULL;\n'
    call = 'qmp_%s(%s);\n' % (cn, ', '.join(args))
    if cmd.ret_type is not None:
        rt = cmd.ret_type
        ctype = rt.c_type()
        sep = '' if ctype.endswith('*') else ' '
        decls += '    %s%sretval;\n' % (ctype, sep)
        body += '    retval = ' + call
        fs = free_stmt(rt, 'retval')
        body += ('    if (err) {\n%s'
                 '        g_propagate_error(errp, err);\n'
                 '        return false;\n    }\n' % indent(fs, 8))
        if rt.name == 'any':
            body += ('    *ret = retval ? retval : '
                     'json_node_new(JSON_NODE_NULL);\n')
        else:
            body += '    *ret = %s;\n' % to_json_expr(rt, 'retval')
            body += indent(fs)
    else:
        body += '    ' + call
        body += ('    if (err) {\n'
                 '        g_propagate_error(errp, err);\n'
                 '        return false;\n    }\n'
                 '    *ret = qapi_node_take_object(json_object_new());\n')
    body += '    return true;\n'
    return ('bool qmp_marshal_%s(JsonObject *args, JsonNode **ret, '
            'GError **errp)\n{\n%s\n%s}\n\n' % (cn, decls, body))


def gen_commands(schema, prefix):
    cp = c_name(prefix)
    h = GenFile(prefix + 'qapi-commands.h', 'QAPI command prototypes and '
                'marshallers')
    c = GenFile(prefix + 'qapi-commands.c', 'QAPI command marshallers and '
                'the dispatch table')
    h.add('#include "qapi/qmp-dispatch.h"\n#include "%sqapi-types.h"\n\n'
          % prefix)
    h.add('/*\n * Each qmp_<command>() is written by the subsystem that owns '
          'the command.\n * Arguments are borrowed (the marshaller frees them '
          'afterwards); the\n * result is handed to the caller.  On failure '
          'set errp (the result is\n * then ignored).  Called with the BQL '
          'held unless the command is\n * allow-oob and runs out of band.\n'
          ' *\n * qmp_marshal_<command>() checks the arguments (NULL = {}) '
          'before calling\n * it, and stores the JSON result in *ret.\n */\n')
    c.add('#include "qemu/osdep.h"\n#include "%sqapi-visit.h"\n'
          '#include "%sqapi-commands.h"\n\n' % (prefix, prefix))
    for cmd in schema.commands:
        text = gen_marshal_proto(cmd)
        if cmd.gen:
            text = gen_proto(cmd) + text
        h.add(wrap_if(cmd.ifcond, doc_comment(cmd) + text) + '\n')
        if cmd.gen:
            c.add(wrap_if(cmd.ifcond, gen_marshal(cmd)))
    if prefix:
        h.add('\n/* Look a command up by name; NULL when unknown. */\n'
              'const QmpCommand *%sqmp_find_command(const char *name);\n'
              '/* All commands (sorted by name); *count gets their number. */'
              '\nconst QmpCommand *%sqmp_command_table(size_t *count);\n'
              '/* Enable or disable a command; false if it does not exist. '
              '*/\nbool %sqmp_command_set_enabled(const char *name, '
              'bool enabled);\n' % (cp, cp, cp))
    entries = ''
    for cmd in sorted(schema.commands, key=lambda x: x.name):
        opts = []
        if not cmd.success_response:
            opts.append('QCO_NO_SUCCESS_RESP')
        if cmd.allow_oob:
            opts.append('QCO_ALLOW_OOB')
        if cmd.allow_preconfig:
            opts.append('QCO_ALLOW_PRECONFIG')
        if cmd.coroutine:
            opts.append('QCO_COROUTINE')
        entries += wrap_if(cmd.ifcond,
                           '    { %s, qmp_marshal_%s, %s, true },\n'
                           % (c_string(cmd.name), c_name(cmd.name),
                              ' | '.join(opts) or 'QCO_NO_OPTIONS'))
    if not entries:
        entries = '    { NULL, NULL, QCO_NO_OPTIONS, false },\n'
        count = '0'
    else:
        count = 'G_N_ELEMENTS(%sqmp_commands)' % cp
    c.add('/* Sorted by name for bsearch(). */\n'
          'static QmpCommand %sqmp_commands[] = {\n%s};\n\n'
          'static int %sqmp_command_cmp(const void *key, const void *elem)\n'
          '{\n'
          '    return strcmp(key, ((const QmpCommand *)elem)->name);\n}\n\n'
          'static QmpCommand *%sqmp_lookup(const char *name)\n{\n'
          '    return bsearch(name, %sqmp_commands, %s,\n'
          '                   sizeof(%sqmp_commands[0]), '
          '%sqmp_command_cmp);\n}\n\n'
          'const QmpCommand *%sqmp_find_command(const char *name)\n{\n'
          '    return %sqmp_lookup(name);\n}\n\n'
          'const QmpCommand *%sqmp_command_table(size_t *count)\n{\n'
          '    *count = %s;\n    return %sqmp_commands;\n}\n\n'
          'bool %sqmp_command_set_enabled(const char *name, bool enabled)\n'
          '{\n    QmpCommand *cmd = %sqmp_lookup(name);\n\n'
          '    if (!cmd) {\n        return false;\n    }\n'
          '    qatomic_set(&cmd->enabled, enabled);\n    return true;\n}\n'
          % (cp, entries, cp, cp, cp, count, cp, cp, cp, cp, cp, count, cp,
             cp, cp))
    return [h, c]

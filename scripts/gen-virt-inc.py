#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn include/hw/cr16/virt.h into an assembler include (virt.inc).

Every ``#define VIRT_<NAME> <expr>`` of the header becomes
``.equ VIRT_<NAME>, <value>`` with the expression evaluated here, so the
guest programs use the same numbers as the C code and nothing is written
twice.  An expression that is not a plain integer expression over
literals and earlier VIRT_* macros is an error: the header's format is a
contract (see the comment at its top).

usage: gen-virt-inc.py INPUT.h OUTPUT.inc
"""

import ast
import re
import sys

DEFINE_RE = re.compile(r'^\s*#\s*define\s+(VIRT_\w+)\s+(.*)$')
COMMENT_RE = re.compile(r'/\*.*?\*/')
LITERAL_RE = re.compile(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b')

BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.LShift: lambda a, b: a << b,
    ast.RShift: lambda a, b: a >> b,
    ast.BitOr: lambda a, b: a | b,
    ast.BitAnd: lambda a, b: a & b,
    ast.BitXor: lambda a, b: a ^ b,
}


class HeaderError(Exception):
    pass


def evaluate(node, known, where):
    if isinstance(node, ast.Expression):
        return evaluate(node.body, known, where)
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise HeaderError('%s: unknown name %s' % (where, node.id))
        return known[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        return BINOPS[type(node.op)](evaluate(node.left, known, where),
                                     evaluate(node.right, known, where))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return ~evaluate(node.operand, known, where)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -evaluate(node.operand, known, where)
    raise HeaderError('%s: not a plain integer expression' % where)


def parse_header(text, path):
    """Return [(name, value)] in header order."""
    # Join continuation lines, drop block comments (also multi-line ones).
    text = text.replace('\\\n', ' ')
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    known = {}
    out = []
    for lineno, line in enumerate(text.split('\n'), 1):
        m = DEFINE_RE.match(line)
        if not m:
            continue
        name, expr = m.group(1), m.group(2).strip()
        expr = COMMENT_RE.sub('', expr).split('//')[0].strip()
        where = '%s: %s' % (path, name)
        if not expr:
            raise HeaderError('%s: empty definition' % where)
        if name in known:
            raise HeaderError('%s: defined twice' % where)
        expr = LITERAL_RE.sub(r'\1', expr)
        if re.search(r'\b0\d', expr):
            raise HeaderError('%s: octal literals are not allowed' % where)
        try:
            tree = ast.parse(expr, mode='eval')
        except SyntaxError:
            raise HeaderError('%s: cannot parse "%s"' % (where, expr))
        value = evaluate(tree, known, where)
        known[name] = value
        out.append((name, value))
    if not out:
        raise HeaderError('%s: no VIRT_* definitions found' % path)
    return out


def render(defs, source):
    lines = ['# Generated from %s by scripts/gen-virt-inc.py.' % source,
             '# Do not edit: change the header instead.', '']
    for name, value in defs:
        if value < 0:
            lines.append('        .equ %s, %d' % (name, value))
        else:
            lines.append('        .equ %s, 0x%x' % (name, value))
    return '\n'.join(lines) + '\n'


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: gen-virt-inc.py INPUT.h OUTPUT.inc\n')
        return 2
    src, dst = argv[1], argv[2]
    try:
        with open(src, encoding='utf-8') as f:
            defs = parse_header(f.read(), src)
    except (OSError, HeaderError) as e:
        sys.stderr.write('gen-virt-inc.py: %s\n' % e)
        return 1
    text = render(defs, 'include/hw/cr16/virt.h')
    try:
        with open(dst, 'w', encoding='utf-8') as f:
            f.write(text)
    except OSError as e:
        sys.stderr.write('gen-virt-inc.py: %s\n' % e)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

# SPDX-License-Identifier: GPL-2.0-or-later
"""Command line of the QAPI generator."""

import argparse
import os
import sys

from .commands import gen_commands
from .error import QAPIError
from .events import gen_events
from .introspect import gen_introspect
from .schema import Schema
from .types import gen_types
from .visit import gen_visit


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Generate C code from a QAPI schema.')
    ap.add_argument('-o', '--output-dir', default='.',
                    help='write the generated files here')
    ap.add_argument('-p', '--prefix', default='',
                    help="prefix for the generated file names and the "
                    "schema-wide C symbols (e.g. 'test-')")
    ap.add_argument('-b', '--builtins', action='store_true',
                    help='also generate the built-in types modules '
                    '(qapi-builtin-types/visit)')
    ap.add_argument('--check-only', action='store_true',
                    help='check the schema, write nothing')
    ap.add_argument('schema', help='the main schema file')
    args = ap.parse_args(argv)

    if args.prefix and not all(ch.isalnum() or ch in '-_'
                               for ch in args.prefix):
        print('%s: invalid prefix %r' % (sys.argv[0], args.prefix),
              file=sys.stderr)
        return 1
    try:
        schema = Schema(args.schema)
    except QAPIError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.check_only:
        return 0
    files = []
    if args.builtins:
        files += gen_types(schema, args.prefix, True)
        files += gen_visit(schema, args.prefix, True)
    files += gen_types(schema, args.prefix, False)
    files += gen_visit(schema, args.prefix, False)
    files += gen_commands(schema, args.prefix)
    files += gen_events(schema, args.prefix)
    files += gen_introspect(schema, args.prefix)
    os.makedirs(args.output_dir, exist_ok=True)
    for f in files:
        f.write(args.output_dir)
    return 0

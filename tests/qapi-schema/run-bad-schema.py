#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the QAPI generator on a schema that must be rejected.

usage: run-bad-schema.py QAPI-GEN SCHEMA.json
The generator must exit with status 1, write nothing to stdout, and write
exactly the contents of SCHEMA.err (a '<file>:<line>: <message>' line) to
stderr.  It runs in the schema's directory so that the file name in the
message does not depend on where the build tree is.
"""

import os
import re
import subprocess
import sys


def main():
    gen, schema = sys.argv[1], sys.argv[2]
    expected_file = schema[:-len('.json')] + '.err'
    with open(expected_file, encoding='utf-8') as f:
        expected = f.read()
    proc = subprocess.run([sys.executable, os.path.abspath(gen),
                           '--check-only', os.path.basename(schema)],
                          cwd=os.path.dirname(os.path.abspath(schema)),
                          capture_output=True, text=True, check=False)
    ok = True
    if proc.returncode != 1:
        print('exit status %d, expected 1' % proc.returncode)
        ok = False
    if proc.stdout:
        print('unexpected output on stdout:\n' + proc.stdout)
        ok = False
    if not re.match(r'^[^:\n]+\.json:\d+: \S', proc.stderr):
        print("stderr does not start with '<file>:<line>: '")
        ok = False
    if proc.stderr != expected:
        print('stderr differs.\nexpected: %rgot:      %r'
              % (expected, proc.stderr))
        ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

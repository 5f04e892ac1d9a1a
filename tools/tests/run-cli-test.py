#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# End-to-end test of the built cr16-as and cr16-objdump executables:
# assemble a small program (flat and ELF), disassemble it, check the
# listing, the error format and exit codes.
#
# Usage: run-cli-test.py PATH/TO/cr16-as PATH/TO/cr16-objdump

import os
import subprocess
import sys
import tempfile

AS, OBJDUMP = sys.argv[1], sys.argv[2]
failures = 0


def run(*args):
    """Run a tool with a deadline; returns (exit status, stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def check(cond, what, detail=''):
    global failures
    if cond:
        print('ok -', what)
    else:
        failures += 1
        print('FAIL -', what)
        if detail:
            print('   ', detail.replace('\n', '\n    '))


MAIN = '''\
# a small program: include, labels, forward branch, data
        .include "defs.inc"
_start: addw $0x1234,r4
        movd $msg,(r3,r2)
        br   done
        nop
done:   excp svc
msg:    .ascii "Hi"
        .word VALUE
'''
DEFS = '        .equ VALUE, 0x55aa\n'
EXPECT = bytes([0xb4, 0x32, 0x34, 0x12,      # addw $0x1234,r4
                0xc2, 0x54,                  # movd $0xc,(r3,r2)
                0xe2, 0x10,                  # br 0xa
                0x00, 0x2c,                  # nop
                0xc5, 0x00,                  # excp svc
                0x48, 0x69,                  # "Hi"
                0xaa, 0x55])

with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, 'small.s')
    with open(src, 'w') as f:
        f.write(MAIN)
    with open(os.path.join(d, 'defs.inc'), 'w') as f:
        f.write(DEFS)
    raw = os.path.join(d, 'small.bin')
    elf = os.path.join(d, 'small.o')

    rc, out, err = run(AS, '--raw', '-o', raw, src)
    check(rc == 0, 'cr16-as --raw exits 0', err)
    data = open(raw, 'rb').read() if rc == 0 else b''
    check(data == EXPECT, 'flat image bytes', data.hex(' '))

    for args in (['-b', 'binary', '-d'], ['-b', 'binary', '-m', 'cr16', '-D'],
                 ['--target=binary', '--architecture=cr16', '-D']):
        rc, out, err = run(OBJDUMP, *args, raw)
        check(rc == 0, 'cr16-objdump %s exits 0' % ' '.join(args), err)
        check('file format binary' in out and
              '       0:\tb4 32 34 12 \taddw\t$0x1234,r4\n' in out and
              '       6:\te2 10       \tbr\t0xa\n' in out and
              '       a:\tc5 00       \texcp\tsvc\n' in out,
              'flat disassembly text (%s)' % ' '.join(args), out)

    rc, out, err = run(OBJDUMP, '-b', 'binary', '-d', '--adjust-vma=0x100',
                       '--start-address=0x10a', raw)
    check(rc == 0 and '     10a:\tc5 00       \texcp\tsvc' in out and
          '     100:' not in out, '--adjust-vma and --start-address', out)

    dep = os.path.join(d, 'small.d')
    rc, out, err = run(AS, '--raw', '-o', raw, '--MD', dep, src)
    text = open(dep).read() if rc == 0 else ''
    check(text == '%s: %s %s\n' % (raw, src, os.path.join(d, 'defs.inc')),
          '--MD dependency file', text + err)

    rc, out, err = run(OBJDUMP, '-b', 'binary', '-d', '--stop-address=0x4',
                       raw)
    check(rc == 0 and '       0:' in out and '       4:' not in out,
          '--stop-address', out)

    rc, out, err = run(AS, '-o', elf, '--listing', src)
    check(rc == 0, 'cr16-as -o ELF exits 0', err)
    check('    3 000000 b4 32 34 12' in out and 'addw $0x1234,r4' in out,
          '--listing shows address, bytes and source', out)
    head = open(elf, 'rb').read(20) if rc == 0 else b''
    check(head[:4] == b'\x7fELF' and head[4] == 1 and head[5] == 1 and
          head[18] | head[19] << 8 == 177, 'ELF32 LE EM_CR16 header',
          head.hex(' '))
    rc, out, err = run(OBJDUMP, '-d', elf)
    check(rc == 0 and 'file format elf32-cr16' in out and
          '00000000 <_start>:' in out and '0000000a <done>:' in out and
          'br\t0xa <done>' in out, 'ELF disassembly with labels', out + err)

    bad = os.path.join(d, 'bad.s')
    with open(bad, 'w') as f:
        f.write('nop\n  frob r1\n  addw $0x12345,r1\n')
    rc, out, err = run(AS, '-o', os.path.join(d, 'bad.o'), bad)
    check(rc == 1 and
          '%s:2: Error: unknown mnemonic `frob\'' % bad in err and
          '%s:3: Error: ' % bad in err and
          not os.path.exists(os.path.join(d, 'bad.o')),
          'errors: FILE:LINE: Error: message, exit 1, no output', err)

    junk = os.path.join(d, 'junk.o')
    with open(junk, 'wb') as f:
        f.write(b'\x7fELF\x01\x01\x01' + b'\xff' * 60)
    rc, out, err = run(OBJDUMP, '-d', junk)
    check(rc == 1 and 'junk.o' in err, 'malformed ELF: clean error', err)
    rc, out, err = run(OBJDUMP, '-d', os.path.join(d, 'missing.o'))
    check(rc == 1 and 'missing.o' in err, 'missing file: clean error', err)

    rc, out, err = run(AS, os.path.join(d, 'missing.s'))
    check(rc == 1 and 'missing.s' in err, 'missing source: exit 1', err)
    rc, out, err = run(AS)
    check(rc == 1 and 'no input files' in err, 'no input: exit 1', err)
    rc, out, err = run(AS, '--bogus', src)
    check(rc == 1, 'unknown option: exit 1', err)
    for tool in (AS, OBJDUMP):
        rc, out, err = run(tool, '--help')
        check(rc == 0 and 'Usage:' in out, '%s --help' % tool, err)
        rc, out, err = run(tool, '--version')
        check(rc == 0 and 'qemu-cr16' in out, '%s --version' % tool, err)

sys.exit(1 if failures else 0)

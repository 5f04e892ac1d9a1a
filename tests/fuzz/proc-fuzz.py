#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Process-level fuzzer for qemu-system-cr16 (stdlib only, deterministic).

Runs the emulator (best: the ASan+UBSan build of build-fuzz/) as a test
harness would -- QMP and qtest over real Unix sockets, the command line
through execve -- with inputs mutated from seeds taken from the spec and
the tests.  Case N of a run with seed S is fully determined by (S, N):
rerun one with --seed S --only N.

Findings (each saved as a reproducer under --out, see --help):
  crash      killed by a signal, a sanitizer report, a GLib critical or
             an assertion message on stderr
  hang       no exit and no answer before the deadline
  no-answer  the monitor/qtest server stops answering after bad input
             (a fresh connection's probe gets no reply)
  bad-exit   an exit status other than 0/1, or status 1 without a message
"""
import argparse
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DEADLINE = 10.0          # seconds for any one step (start, answer, exit)

SANITIZER_RE = re.compile(
    rb'(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|'
    rb'GLib-CRITICAL|GLib-GObject-CRITICAL|Json-CRITICAL|\*\*\s+ERROR|'
    rb'assertion failed|Assertion .* failed)')

# Sanitizer settings for the emulator unless the caller chose its own:
# reports end the process; no leak check at exit (see the docs).
CHILD_ENV = dict(os.environ)
CHILD_ENV.setdefault('ASAN_OPTIONS', 'detect_leaks=0:abort_on_error=1')
CHILD_ENV.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')

# ---------------------------------------------------------------- seeds ---

# Command lines from cli.md (sections 2-13) and tests/qtest/cli-test.c.
CMDLINE_SEEDS = [
    ['-M', 'virt', '-m', '64M'],
    ['-machine', 'none', '-m', 'size=4M'],
    ['-machine', 'virt,dump-guest-core=off', '-smp', '1'],
    ['-M', 'virt', '-m', '128M,slots=0,maxmem=128M'],
    ['-M', 'virt', '-object', 'memory-backend-ram,id=m0,size=8M',
     '-machine', 'memory-backend=m0'],
    ['-M', 'virt', '-object', 'secret,id=s0,data=abc'],
    ['-M', 'virt', '-object', '{"qom-type": "secret", "id": "s1", "data": "x"}'],
    ['-M', 'virt', '-chardev', 'null,id=c0', '-serial', 'chardev:c0'],
    ['-M', 'virt', '-chardev', 'ringbuf,id=r0,size=4096', '-serial', 'chardev:r0'],
    ['-M', 'virt', '-serial', 'null', '-serial', 'none'],
    ['-M', 'virt', '-name', 'guest,debug-threads=on', '-uuid',
     '11111111-1111-1111-1111-111111111111'],
    ['-M', 'virt', '-global', 'migration.x-events=on'],
    ['-M', 'virt', '-action', 'reboot=shutdown,shutdown=pause,panic=none'],
    ['-M', 'virt', '-no-shutdown', '-no-reboot', '-S'],
    ['-M', 'virt', '-cpu', 'cr16c', '-accel', 'tcg'],
    ['-M', 'virt', '-accel', 'kvm', '-accel', 'tcg'],
    ['-M', 'virt', '-d', 'guest_errors', '-msg', 'timestamp=on'],
    ['-M', 'virt', '-incoming', 'defer'],
    ['-M', 'virt', '-nodefaults', '-machine', 'aux-ram-share=on'],
    ['-M', 'help'], ['-machine', 'virt,help'], ['-cpu', 'help'],
    ['-object', 'help'], ['-chardev', 'help'], ['-version'],
]
VALUE_MUTANTS = [
    '', ',', ',,', '=', 'help', '?', 'on', 'off', '0', '-1', '1e3', '0x',
    '0xffffffffffffffff', '18446744073709551616', '9223372036854775807',
    '1.5G', '16E', '0.0000001k', '4096E', '1' * 40, 'a' * 300,
    'id=', 'id=0bad', 'size=', 'size=-1', 'size=1T', 'x.y.z=1', 'a.0=1,a.2=2',
    '\u00e9\u20ac', '%s%n', '{', '{"qom-type": 1}', '[]', 'null',
    'unix:/nonexistent/dir/sock', 'tcp:127.0.0.1:0', 'file:/proc/self/mem',
]
OPTION_MUTANTS = [
    '-M', '-machine', '-m', '-smp', '-cpu', '-accel', '-object', '-chardev',
    '-serial', '-mon', '-qmp', '-global', '-name', '-uuid', '-action',
    '-incoming', '-d', '-D', '-msg', '-trace', '-add-fd', '-S', '-nodefaults',
    '-display', '-audio', '-kernel', '-bios', '-append', '-initrd', '-device',
    '-rtc', '-run-with', '-foo', '--', '-',
]

QMP_SEEDS = [
    {'execute': 'query-status'},
    {'execute': 'query-version', 'id': 1},
    {'execute': 'qom-list', 'arguments': {'path': '/machine'}},
    {'execute': 'qom-get', 'arguments': {'path': '/machine', 'property': 'type'}},
    {'execute': 'qom-set', 'arguments': {'path': '/machine',
                                         'property': 'dump-guest-core',
                                         'value': True}},
    {'execute': 'qom-list-properties', 'arguments': {'typename': 'cr16-uart'}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'secret', 'id': 's0',
                                            'data': 'eA==', 'format': 'base64'}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'memory-backend-ram',
                                            'id': 'm1', 'size': 1048576}},
    {'execute': 'object-del', 'arguments': {'id': 's0'}},
    {'execute': 'query-qmp-schema'},
    {'execute': 'query-commands'},
    {'execute': 'query-cpus-fast'},
    {'execute': 'query-chardev'},
    {'execute': 'query-machines'},
    {'execute': 'human-monitor-command', 'arguments': {'command-line': 'info status'}},
    {'execute': 'stop'}, {'execute': 'cont'}, {'execute': 'system_reset'},
    {'execute': 'system_powerdown'}, {'execute': 'system_wakeup'},
    {'execute': 'getfd', 'arguments': {'fdname': 'x'}},
    {'execute': 'closefd', 'arguments': {'fdname': 'x'}},
    {'execute': 'remove-fd', 'arguments': {'fdset-id': 0}},
    {'exec-oob': 'query-status', 'id': 'oob'},
]
QTEST_SEEDS = [
    'readb 0x0', 'writeb 0x10 0xff', 'readw 0x10', 'writel 0x20 0xdeadbeef',
    'readq 0x20', 'writeq 0x28 0x1', 'read 0x100 16', 'write 0x100 4 0x01020304',
    'b64read 0x100 4', 'b64write 0x100 4 AQIDBA==', 'memset 0x200 64 0xaa',
    'endianness', 'inb 0x10', 'outw 0x10 0x1', 'clock_step', 'clock_step 1000',
    'clock_set 100000', 'irq_intercept_out /machine/timer',
    'irq_intercept_in /machine/icu', 'set_irq_in /machine/icu unnamed-gpio-in 1 1',
    'writel 0xffff020c 0x10', 'writel 0xffff0200 0x7', 'readl 0xffff0204',
    'writel 0xffff0104 0xffff', 'readl 0xffff0100', 'writel 0xffff0300 0x41',
    'readl 0xffff0000', 'writel 0xffff0004 0x3ff', 'readl 0x800000',
]
INT_MUTANTS = ['0', '1', '-1', '0x', '0x7fffffffffffffff', '0xffffffffffffffff',
               '18446744073709551616', '9223372036854775807', '-9223372036854775808',
               '4294967295', '4294967296', '0xffff0000', '0xfffffffc', '1e3', 'zz']

# ------------------------------------------------------------ mutation ---


def mutate_bytes(rng, data, n=None):
    data = bytearray(data)
    for _ in range(n or rng.randint(1, 4)):
        op = rng.randrange(5)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = bytes([rng.choice(b'{}[]",:\\\x00\xff\n 0e-u')])
        elif op == 2 and data:
            del data[pos:pos + rng.randint(1, 8)]
        elif op == 3:
            chunk = data[pos:pos + rng.randint(1, 16)]
            data[pos:pos] = chunk * rng.randint(1, 20)
        else:
            data[pos:pos] = rng.choice([b'\\u0000', b'\\ud800', b'1e999',
                                        b'18446744073709551616', b'"\xc0\x80"',
                                        b'[' * 64, b'{"a":' * 8])
    return bytes(data)


def mutate_json_value(rng, v, depth=0):
    """Structure-aware change of one QMP request (keeps it JSON)."""
    choices = [None, True, False, 0, -1, 2 ** 63, 2 ** 64, 1.5, 1e308, '',
               'x' * rng.choice([1, 100, 5000]), '/machine', '/objects', [],
               {}, [1, 'a'], {'a': {'b': []}}]
    if isinstance(v, dict) and v and depth < 4:
        v = dict(v)
        key = rng.choice(list(v))
        op = rng.randrange(4)
        if op == 0:
            del v[key]
        elif op == 1:
            v[key] = mutate_json_value(rng, v[key], depth + 1)
        elif op == 2:
            v[rng.choice(['id', 'arguments', 'execute', 'exec-oob', 'extra',
                          'qom-type', 'path', 'property', 'value', 'size'])] = \
                rng.choice(choices)
        else:
            v[key] = rng.choice(choices)
        return v
    if isinstance(v, str) and rng.random() < 0.5:
        return v + rng.choice(['', 'x', '\u0000', '/..', '\ud800'
                               if False else '\u20ac'])
    return rng.choice(choices)


def qmp_messages(rng):
    out = []
    for _ in range(rng.randint(1, 8)):
        msg = rng.choice(QMP_SEEDS)
        r = rng.random()
        if r < 0.4:
            out.append(json.dumps(mutate_json_value(rng, msg)).encode())
        elif r < 0.7:
            out.append(mutate_bytes(rng, json.dumps(msg).encode()))
        else:
            out.append(json.dumps(msg).encode())
    return b'\n'.join(out) + b'\n'


def qtest_lines(rng):
    lines = []
    for _ in range(rng.randint(1, 12)):
        words = rng.choice(QTEST_SEEDS).split(' ')
        r = rng.random()
        if r < 0.4 and len(words) > 1:
            words[rng.randrange(1, len(words))] = rng.choice(INT_MUTANTS)
        elif r < 0.55:
            words = words[:rng.randint(0, len(words))]
        elif r < 0.7:
            words.append(rng.choice(INT_MUTANTS))
        line = ' '.join(words).encode()
        if rng.random() < 0.15:
            line = mutate_bytes(rng, line, 1)
        lines.append(line)
    return b'\n'.join(lines) + b'\n'


def mutate_cmdline(rng):
    args = list(rng.choice(CMDLINE_SEEDS))
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        keyed = [i for i, a in enumerate(args)
                 if '=' in a and not a.startswith('-')]
        if op == 5 and keyed:
            # key=value lists: change one value, keeping the structure.
            i = rng.choice(keyed)
            parts = args[i].split(',')
            j = rng.randrange(len(parts))
            key = parts[j].split('=', 1)[0]
            parts[j] = key + '=' + rng.choice(['', rng.choice(VALUE_MUTANTS)])
            args[i] = ','.join(parts)
            continue
        if op == 0 and args:
            i = rng.randrange(len(args))
            if not args[i].startswith('-'):
                args[i] = rng.choice(VALUE_MUTANTS)
        elif op == 1 and args:
            i = rng.randrange(len(args))
            if not args[i].startswith('-'):
                args[i] = mutate_bytes(rng, args[i].encode()).decode(
                    'utf-8', 'replace').replace('\0', '')
        elif op == 2:
            args += [rng.choice(OPTION_MUTANTS), rng.choice(VALUE_MUTANTS)]
        elif op == 3:
            args += rng.choice(CMDLINE_SEEDS)
        elif args:
            del args[rng.randrange(len(args))]
    return args

# ------------------------------------------------------------- running ---


def sanitizer_line(err):
    """The stderr line with the first sanitizer/GLib report, or None."""
    m = SANITIZER_RE.search(err)
    if not m:
        return None
    start = err.rfind(b'\n', 0, m.start()) + 1
    return err[start:].split(b'\n', 1)[0].decode(errors='replace')


class Finding(Exception):
    def __init__(self, kind, detail):
        super().__init__(f'{kind}: {detail}')
        self.kind = kind
        self.detail = detail


class Emulator:
    """One qemu-system-cr16 process with optional QMP and qtest sockets."""

    def __init__(self, binary, tmp, args, qmp=False, qtest=False):
        self.tmp = tmp
        self.listeners = {}
        self.conns = {}
        self.bufs = {}
        self.transcript = []        # (time, socket, direction, bytes)
        self.t0 = time.monotonic()
        full = [binary]
        # qtest: the emulator connects to us, as with libqtest.  QMP: the
        # emulator listens, so that a client can connect again.
        self.qmp_path = os.path.join(tmp, 'qmp.sock')
        if os.path.exists(self.qmp_path):
            os.unlink(self.qmp_path)
        if qtest:
            path = os.path.join(tmp, 'qtest.sock')
            if os.path.exists(path):
                os.unlink(path)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(1)
            self.listeners['qtest'] = s
            full += ['-qtest', 'unix:' + path, '-qtest-log', '/dev/null',
                     '-accel', 'qtest']
        if qmp:
            full += ['-chardev',
                     f'socket,path={self.qmp_path},id=fzqmp,server=on,wait=off',
                     '-mon', 'chardev=fzqmp,mode=control']
        full += args
        self.argv = full
        self.stderr_path = os.path.join(tmp, 'stderr')
        self.stdout_path = os.path.join(tmp, 'stdout')
        self.errf = open(self.stderr_path, 'wb')
        self.outf = open(self.stdout_path, 'wb')
        self.proc = subprocess.Popen(full, stdin=subprocess.DEVNULL,
                                     stdout=self.outf, stderr=self.errf,
                                     env=CHILD_ENV)

    def stderr(self):
        if not self.errf.closed:
            self.errf.flush()
        with open(self.stderr_path, 'rb') as f:
            return f.read()

    def accept(self, name):
        if name == 'qmp':
            return self.connect_qmp()
        s = self.listeners[name]
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                return False
            r, _, _ = select.select([s], [], [], 0.05)
            if r:
                c, _ = s.accept()
                self.conns[name] = c
                self.bufs[name] = b''
                return True
        raise Finding('hang', f'no {name} connection within {DEADLINE}s')

    def connect_qmp(self):
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                return False
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(self.qmp_path)
            except OSError:
                c.close()
                time.sleep(0.02)
                continue
            self.conns['qmp'] = c
            self.bufs['qmp'] = b''
            return True
        raise Finding('hang', f'QMP socket not accepting within {DEADLINE}s')

    def note(self, name, direction, data):
        if sum(len(t[3]) for t in self.transcript) < 65536:
            self.transcript.append((round(time.monotonic() - self.t0, 3),
                                    name, direction,
                                    data[:4096].decode('latin-1')))

    def send(self, name, data):
        self.note(name, '>', data)
        try:
            self.conns[name].sendall(data)
        except OSError:
            pass    # the process may have exited: judged by finish()

    def readline(self, name, pred=lambda line: True):
        """Next line satisfying pred, None on EOF; Finding on timeout."""
        c = self.conns[name]
        end = time.monotonic() + DEADLINE
        while True:
            while b'\n' in self.bufs[name]:
                line, self.bufs[name] = self.bufs[name].split(b'\n', 1)
                if pred(line):
                    return line
            left = end - time.monotonic()
            if left <= 0:
                raise Finding('no-answer', f'no reply on {name} within '
                              f'{DEADLINE}s')
            r, _, _ = select.select([c], [], [], min(left, 0.1))
            if r:
                try:
                    data = c.recv(65536)
                except OSError:
                    data = b''
                if not data:
                    self.note(name, '<', b'(EOF)')
                    return None
                self.note(name, '<', data)
                self.bufs[name] += data

    def drain(self, name):
        c = self.conns.get(name)
        while c:
            r, _, _ = select.select([c], [], [], 0)
            if not r:
                return
            try:
                data = c.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.note(name, '<', data)
            self.bufs[name] += data
            self.bufs[name] = self.bufs[name][-65536:]

    def close(self, name):
        self.note(name, '>', b'(close)')
        c = self.conns.pop(name, None)
        if c:
            c.close()

    def finish(self, expect_exit=True, any_status=False):
        """Wait for exit (or kill); raise a Finding for a bad outcome.

        any_status: the input may legitimately end the process with any
        status (a qtest write to the system controller's EXIT register).
        """
        try:
            rc = self.proc.wait(timeout=DEADLINE if expect_exit else 0.01)
        except subprocess.TimeoutExpired:
            rc = None
        if rc is None:
            self.proc.kill()
            self.proc.wait()
        for c in list(self.conns.values()) + list(self.listeners.values()):
            c.close()
        self.errf.close()
        self.outf.close()
        err = self.stderr()
        with open(self.stdout_path, 'rb') as f:
            out = f.read()
        line = sanitizer_line(err)
        if line:
            raise Finding('crash', line)
        if rc is None and expect_exit:
            raise Finding('hang', f'no exit within {DEADLINE}s')
        if rc is not None and rc < 0 and rc != -signal.SIGKILL:
            raise Finding('crash', f'killed by signal {-rc}')
        if any_status:
            return rc
        if rc not in (None, 0, 1, -signal.SIGKILL):
            raise Finding('bad-exit', f'exit status {rc}')
        if rc == 1 and not err.strip() and not out.strip():
            raise Finding('bad-exit', 'exit status 1 without a message')
        return rc


def exited_normally(emu):
    """True if the process exits by itself (status >= 0) soon."""
    try:
        return emu.proc.wait(timeout=5) >= 0
    except subprocess.TimeoutExpired:
        return False


def qmp_negotiate(emu):
    greeting = emu.readline('qmp')
    if greeting is None:
        return False
    emu.send('qmp', b'{"execute": "qmp_capabilities"}\n')
    greetings = []

    def is_reply(line):
        if line.startswith(b'{"QMP"'):
            greetings.append(line)
        return b'"return"' in line or b'"error"' in line
    try:
        return emu.readline('qmp', is_reply) is not None
    except Finding as f:
        if greetings:
            raise Finding('no-answer', 'QMP greeting repeated on one '
                          'connection, no reply to qmp_capabilities') from f
        raise


def qmp_probe(emu, tag):
    probe = json.dumps({'execute': 'query-status', 'id': tag}).encode()
    emu.send('qmp', probe + b'\n')
    line = emu.readline('qmp', lambda l: tag.encode() in l)
    if line is None:
        raise Finding('no-answer', 'QMP connection closed before the probe reply')
    if b'Expecting capabilities negotiation' in line:
        raise Finding('no-answer', 'QMP greeting repeated on one connection: '
                      'the monitor went back to negotiation mode')


def run_qmp_case(binary, tmp, stream):
    emu = Emulator(binary, tmp, ['-M', 'virt', '-S', '-display', 'none'],
                   qmp=True, qtest=True)
    case = {'kind': 'qmp', 'argv': emu.argv[1:]}
    try:
        if emu.accept('qtest') and emu.accept('qmp') and qmp_negotiate(emu):
            emu.send('qmp', stream)
            emu.drain('qmp')
            # A fresh connection must work whatever the last one sent.
            emu.close('qmp')
            if emu.proc.poll() is None and emu.accept('qmp'):
                if not qmp_negotiate(emu):
                    raise Finding('no-answer', 'no greeting on reconnect')
                qmp_probe(emu, 'fuzz-probe')
                emu.send('qmp', b'{"execute": "quit"}\n')
        emu.finish()
    except Finding as f:
        if f.kind == 'no-answer' and exited_normally(emu):
            # The input itself ended the session (quit, the EXIT register).
            try:
                emu.finish(any_status=False)
            except Finding as g:
                return g, case, emu
            return None, case, emu
        emu.proc.kill()
        return f, case, emu
    except BaseException:
        emu.proc.kill()
        raise
    return None, case, emu


def run_qtest_case(binary, tmp, lines):
    emu = Emulator(binary, tmp, ['-M', 'virt', '-S', '-display', 'none'],
                   qmp=True, qtest=True)
    case = {'kind': 'qtest', 'argv': emu.argv[1:]}
    try:
        if emu.accept('qtest') and emu.accept('qmp') and qmp_negotiate(emu):
            emu.send('qtest', lines)
            # The server answers every line in order: the probe is last.
            emu.send('qtest', b'\nendianness\n')
            last = None
            while True:
                line = emu.readline('qtest', lambda l: not l.startswith(b'IRQ'))
                if line is None:
                    raise Finding('no-answer', 'qtest connection closed')
                last = line
                if last.startswith(b'OK little') or last.startswith(b'OK big'):
                    # Not necessarily ours if the input asked too: drain.
                    emu.drain('qtest')
                    if b'\n' not in emu.bufs['qtest']:
                        break
            qmp_probe(emu, 'fuzz-probe')
            emu.send('qmp', b'{"execute": "quit"}\n')
        emu.finish(any_status=True)
    except Finding as f:
        if f.kind == 'no-answer' and exited_normally(emu):
            # The input itself ended the session (quit, the EXIT register).
            try:
                emu.finish(any_status=True)
            except Finding as g:
                return g, case, emu
            return None, case, emu
        emu.proc.kill()
        return f, case, emu
    except BaseException:
        emu.proc.kill()
        raise
    return None, case, emu


def run_cmdline_case(binary, tmp, args):
    emu = Emulator(binary, tmp, args + ['-display', 'none'], qmp=True)
    case = {'kind': 'cmdline', 'argv': emu.argv[1:], 'input': args}
    try:
        # Either it exits (error or help) or it starts and connects.
        if emu.accept('qmp'):
            if qmp_negotiate(emu):
                qmp_probe(emu, 'fuzz-probe')
                emu.send('qmp', b'{"execute": "quit"}\n')
            emu.close('qmp')
        emu.finish()
    except Finding as f:
        if f.kind == 'no-answer' and exited_normally(emu):
            # Start-up errors may come after the greeting (cli.md 1.3), and
            # a guest may power the machine off: judge the exit instead.
            try:
                emu.finish()
            except Finding as g:
                return g, case, emu
            return None, case, emu
        emu.proc.kill()
        return f, case, emu
    except BaseException:
        emu.proc.kill()
        raise
    return None, case, emu


# kind -> (input generator, runner); inputs are JSON-serialisable.
KINDS = {
    'cmdline': (mutate_cmdline, run_cmdline_case),
    'qmp': (lambda rng: qmp_messages(rng).decode('latin-1'),
            lambda b, t, d: run_qmp_case(b, t, d.encode('latin-1'))),
    'qtest': (lambda rng: qtest_lines(rng).decode('latin-1'),
              lambda b, t, d: run_qtest_case(b, t, d.encode('latin-1'))),
}


def upgrade(finding, emu):
    """A sanitizer report on stderr makes any finding a crash."""
    try:
        emu.proc.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        emu.proc.kill()
        emu.proc.wait()
    line = sanitizer_line(emu.stderr())
    if line and finding.kind != 'crash':
        return Finding('crash', f'{line} (after {finding.kind}: '
                       f'{finding.detail})')
    return finding


def save_finding(out, seed, n, finding, case, emu):
    finding = upgrade(finding, emu)
    os.makedirs(out, exist_ok=True)
    name = f'{case["kind"]}-{finding.kind}-s{seed}-n{n}'
    case = dict(case, finding=finding.kind, detail=finding.detail,
                seed=seed, case=n,
                stderr=emu.stderr()[:8000].decode(errors='replace'),
                transcript=emu.transcript)
    path = os.path.join(out, name + '.json')
    with open(path, 'w') as f:
        json.dump(case, f, indent=1)
    return path, finding


def replay(binary, path):
    """Re-run a saved case exactly; returns the Finding or None."""
    with open(path) as f:
        case = json.load(f)
    tmp = tempfile.mkdtemp(prefix='proc-fuzz-')
    try:
        f, _, emu = KINDS[case['kind']][1](binary, tmp, case['input'])
        return upgrade(f, emu) if f else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--binary', required=True, help='qemu-system-cr16 to run')
    ap.add_argument('--seconds', type=float, default=60)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--only', type=int, help='run only case N')
    ap.add_argument('--kinds', default='cmdline,qmp,qtest')
    ap.add_argument('--out', default='proc-fuzz-findings',
                    help='folder for reproducers (JSON)')
    ap.add_argument('--replay', nargs='*', help='re-run saved reproducers')
    ap.add_argument('--stats', help='write a JSON summary here')
    args = ap.parse_args()

    if args.replay is not None:
        bad = 0
        for path in args.replay:
            f = replay(args.binary, path)
            print(f'{path}: {"reproduces: " + str(f) if f else "no finding"}')
            bad += f is not None
        return 1 if bad else 0

    kinds = args.kinds.split(',')
    start = time.monotonic()
    counts = {k: 0 for k in kinds}
    findings = []
    n = args.only or 0
    tmp = tempfile.mkdtemp(prefix='proc-fuzz-')
    try:
        while True:
            if args.only is None and time.monotonic() - start >= args.seconds:
                break
            kind = kinds[n % len(kinds)]
            rng = random.Random(f'{args.seed}:{n}')
            gen, run = KINDS[kind]
            data = gen(rng)
            f, case, emu = run(args.binary, tmp, data)
            case['input'] = data
            counts[kind] += 1
            if f:
                path, f = save_finding(args.out, args.seed, n, f, case, emu)
                findings.append(path)
                print(f'proc-fuzz: case {n} ({kind}): {f} -> {path}',
                      flush=True)
            if args.only is not None:
                break
            n += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(counts.values())
    print(f'proc-fuzz: {total} cases in {time.monotonic() - start:.0f}s '
          f'({", ".join(f"{k} {v}" for k, v in counts.items())}), '
          f'{len(findings)} findings')
    if args.stats:
        with open(args.stats, 'w') as f:
            json.dump({'execs': total, 'by_kind': counts,
                       'findings': findings}, f)
    return 1 if findings else 0


if __name__ == '__main__':
    sys.exit(main())

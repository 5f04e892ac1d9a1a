#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tests of scripts/analyze-migration.py on the worked example of
spec/migration-wire-format.md 9, built here byte by byte from the spec's
table, and on corrupted and truncated copies of it.

usage: test-analyze-migration.py [PATH-TO-analyze-migration.py]
Prints TAP (one line per test case) for meson.
"""

import importlib.util
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = (sys.argv.pop(1) if len(sys.argv) > 1 else
          os.path.join(HERE, '..', '..', 'scripts', 'analyze-migration.py'))

# The JSON of 9.2, byte for byte.
DESC_JSON = (
    '{"configuration": {"vmsd_name": "configuration", "version": 1, '
    '"fields": [{"name": "len", "type": "uint32", "size": 4}, '
    '{"name": "name", "type": "buffer", "size": 4}]}, "page_size": 4096, '
    '"devices": [{"name": "cr16-timer", "instance_id": 0, '
    '"vmsd_name": "cr16-timer", "version": 2, "fields": [{"name": "count", '
    '"type": "uint32", "size": 4}, {"name": "reload", "type": "uint32", '
    '"size": 4}], "subsections": [{"vmsd_name": "cr16-timer/irq", '
    '"version": 1, "fields": [{"name": "pending", "type": "uint8", '
    '"size": 1}]}]}]}')

EXPECTED_STATE = '''{
    "ram (0)": {
        "section sizes": {
            "cr16.ram": "0x0000000000002000"
        }
    },
    "cr16-timer (1)": {
        "count": "0x00001234",
        "reload": "0x0000ffff",
        "cr16-timer/irq": {
            "pending": "0x01"
        }
    }
}
'''


def h(text):
    """Bytes from the spec's hex notation ("51 45 56 4d")."""
    return bytes.fromhex(text)


def str8(s):
    return bytes([len(s)]) + s.encode()


def example_stream():
    """The stream of 9.2, row by row; returns (bytes, {offset: row})."""
    rows = [
        (0x0000, h('51 45 56 4d')),                 # magic
        (0x0004, h('00 00 00 03')),                 # version 3
        (0x0008, h('07')),                          # configuration
        (0x0009, h('00 00 00 04')),                 # len 4
        (0x000d, b'virt'),
        (0x0011, h('01')),                          # START
        (0x0012, h('00 00 00 00')),                 # section 0
        (0x0016, str8('ram')),
        (0x001a, h('00 00 00 00')),                 # instance 0
        (0x001e, h('00 00 00 04')),                 # version 4
        (0x0022, h('00 00 00 00 00 00 20 04')),     # MEM_SIZE 0x2000
        (0x002a, str8('cr16.ram')),
        (0x0033, h('00 00 00 00 00 00 20 00')),     # used_length
        (0x003b, h('00 00 00 00 00 00 00 10')),     # EOS
        (0x0043, h('7e 00 00 00 00')),              # footer 0
        (0x0048, h('02 00 00 00 00')),              # PART 0
        (0x004d, h('00 00 00 00 00 00 00 02')),     # zero page at 0
        (0x0055, str8('cr16.ram')),
        (0x005e, h('00')),                          # fill byte
        (0x005f, h('00 00 00 00 00 00 10 28')),     # page 0x1000 CONTINUE
        (0x0067, h('12 34 56 78') + bytes(4092)),
        (0x1067, h('00 00 00 00 00 00 00 10')),     # EOS
        (0x106f, h('7e 00 00 00 00')),              # footer 0
        (0x1074, h('08 00 0b 00 00')),              # SWITCHOVER_START
        (0x1079, h('03 00 00 00 00')),              # END 0
        (0x107e, h('00 00 00 00 00 00 00 10')),     # EOS
        (0x1086, h('7e 00 00 00 00')),              # footer 0
        (0x108b, h('04 00 00 00 01')),              # FULL 1
        (0x1090, str8('cr16-timer')),
        (0x109b, h('00 00 00 00')),                 # instance 0
        (0x109f, h('00 00 00 02')),                 # version 2
        (0x10a3, h('00 00 12 34')),                 # count
        (0x10a7, h('00 00 ff ff')),                 # reload
        (0x10ab, h('05')),                          # SUBSECTION
        (0x10ac, str8('cr16-timer/irq')),
        (0x10bb, h('00 00 00 01')),                 # subsection version
        (0x10bf, h('01')),                          # pending
        (0x10c0, h('7e 00 00 00 01')),              # footer 1
        (0x10c5, h('00')),                          # EOF
        (0x10c6, h('06')),                          # VMDESCRIPTION
        (0x10c7, h('00 00 02 05')),                 # length 517
        (0x10cb, DESC_JSON.encode()),
    ]
    out = b''
    for offset, data in rows:
        assert len(out) == offset, 'row at 0x%x starts at 0x%x' % (
            offset, len(out))
        out += data
    return out


def load_module():
    spec = importlib.util.spec_from_file_location('analyze_migration',
                                                  SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class AnalyzeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.stream = example_stream()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, data, name='guest.mig'):
        path = os.path.join(self.tmp.name, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def run_tool(self, data, *args):
        path = self.write(data)
        return subprocess.run([sys.executable, SCRIPT, '-f', path] +
                              list(args), capture_output=True, text=True,
                              cwd=self.tmp.name, check=False, timeout=60)

    def expect_error(self, data, phrase):
        p = self.run_tool(data)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(p.stdout, '')
        self.assertTrue(p.stderr.startswith('analyze-migration.py: error: '),
                        p.stderr)
        self.assertIn(phrase, p.stderr)
        self.assertNotIn('Traceback', p.stderr)

    def test_example_layout(self):
        # the spec's sizes: JSON length 517, file ends at 0x12d0
        self.assertEqual(len(DESC_JSON), 517)
        self.assertEqual(len(self.stream), 0x12d0)

    def test_example_state(self):
        p = self.run_tool(self.stream)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, EXPECTED_STATE)

    def test_example_desc(self):
        p = self.run_tool(self.stream, '-d', 'desc')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), json.loads(DESC_JSON))
        self.assertEqual(p.stdout,
                         json.dumps(json.loads(DESC_JSON), indent=4) + '\n')

    def test_extract(self):
        p = self.run_tool(self.stream, '-x')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), ['desc.json', 'state.json',
                                            'cr16.ram'])
        with open(os.path.join(self.tmp.name, 'desc.json')) as f:
            self.assertEqual(json.load(f), json.loads(DESC_JSON))
        with open(os.path.join(self.tmp.name, 'state.json')) as f:
            self.assertEqual(json.load(f), json.loads(EXPECTED_STATE))
        with open(os.path.join(self.tmp.name, 'cr16.ram'), 'rb') as f:
            ram = f.read()
        self.assertEqual(len(ram), 0x2000)
        self.assertEqual(ram[0x1000:0x1004], h('12 34 56 78'))
        self.assertEqual(ram[:0x1000], bytes(0x1000))
        self.assertEqual(ram[0x1004:], bytes(0x2000 - 0x1004))

    def test_memory(self):
        p = self.run_tool(self.stream, '-m')
        self.assertEqual(p.returncode, 0, p.stderr)
        ram = json.loads(p.stdout)['ram (0)']['cr16.ram']
        self.assertEqual(ram['0x0000000000000000'], 'zero')
        self.assertTrue(ram['0x0000000000001000'].startswith(
            '12 34 56 78 00'))

    def patched(self, offset, data):
        s = bytearray(self.stream)
        s[offset:offset + len(data)] = data
        return bytes(s)

    def test_errors(self):
        self.expect_error(self.patched(0, b'QEVN'), 'bad magic')
        self.expect_error(self.patched(4, h('00 00 00 02')),
                          'unsupported stream version 2')
        self.expect_error(self.patched(0x47, h('01')),
                          'section footer at offset 0x43 has id 1, '
                          'expected 0')
        self.expect_error(self.patched(0x43, h('7f')),
                          'missing section footer for ram at offset 0x43')
        self.expect_error(self.patched(0x5e, h('ff')),
                          'zero page at offset 0x4d has fill byte 0xff')
        self.expect_error(self.patched(0x1074, h('09')),
                          'unknown section type 0x09 at offset 0x1074')
        self.expect_error(self.patched(0x1076, h('0a')),
                          'unexpected command 10')
        self.expect_error(self.patched(0x0056, b'cr16.rom'),
                          "names unknown block 'cr16.rom'")
        self.expect_error(self.patched(0x001e, h('00 00 00 05')),
                          'RAM section version 5')
        self.expect_error(self.patched(0x0066, h('60')),   # XBZRLE|CONTINUE
                          'XBZRLE')
        self.expect_error(self.patched(0x0028, h('10 04')),
                          'RAM block lengths add up to 0x2000, not the '
                          'announced 0x1000')
        self.expect_error(self.patched(0x1091, b'cr16-tiner'),
                          "section cr16-tiner instance 0 at offset 0x108b "
                          "is not in the VM description")
        self.expect_error(self.patched(0x10c7, h('00 00 12 05')),
                          'truncated VM description')
        self.expect_error(self.stream[:0x1000], 'no VM description')
        # a device body cut short: the footer check catches the shift
        self.expect_error(self.stream[:0x10a7] + self.stream[0x10ab:],
                          'error')

    def test_missing_file(self):
        p = subprocess.run([sys.executable, SCRIPT, '-f',
                            os.path.join(self.tmp.name, 'none')],
                           capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn('No such file or directory', p.stderr)

    def test_truncations_are_clean_errors(self):
        # cut the stream anywhere but keep the description at the end:
        # only StreamError may come out, never another exception
        mod = load_module()
        tail = self.stream[0x10c5:]
        for cut in range(8, 0x10c5, 13):
            data = self.stream[:cut] + tail
            try:
                mod.Analyzer(data).run()
            except mod.StreamError:
                pass
        for cut in range(0, len(self.stream), 61):
            with self.assertRaises(mod.StreamError):
                mod.Analyzer(self.stream[:cut]).run()


class TapResult(unittest.TestResult):
    """Report each test as a TAP line (meson counts them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.n = 0

    def _line(self, test, ok, note=''):
        self.n += 1
        print('%s %d - %s%s' % ('ok' if ok else 'not ok', self.n,
                                test.id().split('.', 1)[-1], note))
        sys.stdout.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False)
        print('# ' + self._exc_info_to_string(err, test).replace('\n',
                                                                 '\n# '))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False)
        print('# ' + self._exc_info_to_string(err, test).replace('\n',
                                                                 '\n# '))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, True, ' # SKIP ' + reason)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(AnalyzeTest)
    print('1..%d' % suite.countTestCases())
    result = TapResult()
    suite.run(result)
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())

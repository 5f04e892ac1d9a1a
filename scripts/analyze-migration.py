#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print what a migration stream file holds (spec/migration-wire-format.md).

The stream carries only field values; their names and sizes come from the
VM description JSON at the end of the file (section 1.6), which is found
the way QEMU's tool of the same name finds it (1.6.2).  Every read is
bounds-checked: a truncated or corrupt file is reported with the offset
and what was being read, and the exit status is 1.

usage: analyze-migration.py -f FILE [-d state|desc] [-x] [-m]
"""

import argparse
import json
import os
import struct
import sys

FILE_MAGIC = 0x5145564d
FILE_VERSION = 3

VM_EOF = 0x00
VM_SECTION_START = 0x01
VM_SECTION_PART = 0x02
VM_SECTION_END = 0x03
VM_SECTION_FULL = 0x04
VM_SUBSECTION = 0x05
VM_VMDESCRIPTION = 0x06
VM_CONFIGURATION = 0x07
VM_COMMAND = 0x08
VM_SECTION_FOOTER = 0x7e

MIG_CMD_SWITCHOVER_START = 11

RAM_ZERO = 0x002
RAM_MEM_SIZE = 0x004
RAM_PAGE = 0x008
RAM_EOS = 0x010
RAM_CONTINUE = 0x020
RAM_XBZRLE = 0x040
RAM_HOOK = 0x080
RAM_MULTIFD_FLUSH = 0x200
RAM_VERSION = 4

NULLPTR_MARKER = 0x30
DESC_SEARCH_WINDOW = 10 * 1024 * 1024

INT_TYPES = {
    'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64',
    'uint64', 'uint8 equal', 'uint16 equal', 'int32 equal', 'uint32 equal',
    'int64 equal', 'int32 le', 'timer', 'CPU_Double_U',
}


class StreamError(Exception):
    """A malformed or truncated stream; the message says where and why."""


class Reader:
    """Bounds-checked big-endian reads over the whole file."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n, what):
        if n < 0 or self.pos + n > len(self.data):
            raise StreamError('truncated stream at offset 0x%x: %s needs %d '
                              'bytes, %d left' % (self.pos, what, n,
                                                  len(self.data) - self.pos))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def peek(self, n=1):
        return self.data[self.pos:self.pos + n]

    def u8(self, what):
        return self.take(1, what)[0]

    def be16(self, what):
        return struct.unpack('>H', self.take(2, what))[0]

    def be32(self, what):
        return struct.unpack('>I', self.take(4, what))[0]

    def be64(self, what):
        return struct.unpack('>Q', self.take(8, what))[0]

    def str8(self, what):
        n = self.u8(what + ' length')
        return self.take(n, what).decode('utf-8', errors='replace')


def find_description(data):
    """The VM description JSON: after the last NUL of the last 10 MiB, the
    first '{' must be preceded by 0x06 and a be32 length (1.6.2)."""
    start = max(0, len(data) - DESC_SEARCH_WINDOW)
    nul = data.rfind(b'\x00', start)
    if nul < 0:
        raise StreamError('no VM description: the file has no end-of-stream '
                          'marker')
    brace = data.find(b'{', nul)
    if brace < 0 or brace - 5 < 0 or data[brace - 5] != VM_VMDESCRIPTION:
        raise StreamError('no VM description found after the last '
                          'end-of-stream marker (offset 0x%x)' % nul)
    length = struct.unpack('>I', data[brace - 4:brace])[0]
    if brace + length > len(data):
        raise StreamError('truncated VM description at offset 0x%x: %d '
                          'bytes announced, %d present'
                          % (brace, length, len(data) - brace))
    try:
        desc = json.loads(data[brace:brace + length].decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        raise StreamError('VM description at offset 0x%x is not valid '
                          'JSON: %s' % (brace, e)) from None
    if not isinstance(desc, dict) or not isinstance(desc.get('devices'),
                                                     list):
        raise StreamError('VM description has no "devices" list')
    return desc


def field_size(field):
    size = field.get('size')
    if not isinstance(size, int) or size < 0:
        raise StreamError('VM description: field %r has no valid "size"'
                          % field.get('name'))
    return size


class VmsdParser:
    """Reads VMState bodies as a description object says (2.2, 2.8)."""

    def __init__(self, reader):
        self.r = reader
        self.caps = []

    def value(self, field, what):
        ftype = field.get('type')
        size = field_size(field)
        if ftype == 'struct':
            return self.body(field.get('struct') or {}, what)
        if ftype in ('vstruct', 'tmp'):
            return self.body(field, what)
        if ftype == 'bool':
            return self.r.take(size, what)[0] != 0
        if ftype == 'nullptr':
            b = self.r.u8(what)
            if b != NULLPTR_MARKER:
                raise StreamError('%s: NULL marker is 0x%02x, expected 0x30'
                                  % (what, b))
            return 'nullptr'
        if ftype == 'capability':
            cap = self.r.str8(what)
            self.caps.append(cap)
            return cap
        if ftype in INT_TYPES:
            if size not in (1, 2, 4, 8):
                raise StreamError('VM description: integer field %s has '
                                  'size %d' % (what, size))
            raw = self.r.take(size, what)
            u = int.from_bytes(raw, 'big')
            s = int.from_bytes(raw, 'big', signed=True)
            text = '0x%0*x' % (size * 2, u)
            return text if s >= 0 else '%s (%d)' % (text, s)
        # buffers, bitmaps and types we do not know: opaque bytes
        return ' '.join('%02x' % c for c in self.r.take(size, what))

    def body(self, vmsd, what):
        out = {}
        for field in vmsd.get('fields', []):
            name = field.get('name')
            if not isinstance(name, str):
                raise StreamError('VM description: a field of %s has no name'
                                  % what)
            fwhat = '%s.%s' % (what, name)
            if 'array_len' in field:
                n = field['array_len']
                if not isinstance(n, int) or n < 0:
                    raise StreamError('VM description: bad array_len of %s'
                                      % fwhat)
                out[name] = [self.value(field, '%s[%d]' % (fwhat, i))
                             for i in range(n)]
            elif 'index' in field:
                lst = out.setdefault(name, [])
                if not isinstance(lst, list) or len(lst) != field['index']:
                    raise StreamError('VM description: element %r of %s is '
                                      'out of order' % (field['index'],
                                                        fwhat))
                lst.append(self.value(field, fwhat))
            elif isinstance(out.get(name), list):
                # the last element of an indexed array carries no index
                out[name].append(self.value(field, fwhat))
            else:
                out[name] = self.value(field, fwhat)
        subs = {s.get('vmsd_name'): s for s in vmsd.get('subsections', [])}
        while subs and self.r.peek() == bytes([VM_SUBSECTION]):
            n = self.r.peek(2)[1:] or b'\x00'
            name = self.r.peek(2 + n[0])[2:].decode('utf-8', 'replace')
            if name not in subs:
                break       # a parent's subsection (2.6 step 3)
            self.r.u8('subsection marker')
            self.r.str8('subsection name')
            self.r.be32('subsection %s version' % name)
            out[name] = self.body(subs.pop(name), name)
        return out


class Analyzer:
    def __init__(self, data, dump_memory=False):
        self.data = data
        self.desc = find_description(data)
        self.r = Reader(data)
        self.vmsd = VmsdParser(self.r)
        self.dump_memory = dump_memory
        self.page_size = self.desc.get('page_size', 4096)
        if (not isinstance(self.page_size, int) or self.page_size < 0x400 or
                self.page_size & (self.page_size - 1)):
            raise StreamError('VM description has a bad page_size %r'
                              % self.page_size)
        self.sections = {}      # section_id -> (key, kind)
        self.state = {}
        self.blocks = {}        # RAM block name -> used length
        self.memory = {}        # RAM block name -> bytearray (with -x)
        self.last_block = None

    def run(self, extract=False):
        r = self.r
        if r.be32('file magic') != FILE_MAGIC:
            raise StreamError('not a migration stream: bad magic at offset 0')
        version = r.be32('file version')
        if version != FILE_VERSION:
            raise StreamError('unsupported stream version %d' % version)
        self.extract = extract
        while True:
            at = r.pos
            kind = r.u8('section type')
            if kind == VM_EOF:
                return self.state
            if kind == VM_CONFIGURATION:
                self.configuration(at)
            elif kind in (VM_SECTION_START, VM_SECTION_FULL):
                self.section_full(kind, at)
            elif kind in (VM_SECTION_PART, VM_SECTION_END):
                self.section_part(at)
            elif kind == VM_COMMAND:
                cmd = r.be16('command')
                length = r.be16('command length')
                if cmd != MIG_CMD_SWITCHOVER_START or length != 0:
                    raise StreamError('unexpected command %d (length %d) at '
                                      'offset 0x%x' % (cmd, length, at))
            else:
                raise StreamError('unknown section type 0x%02x at offset 0x%x'
                                  % (kind, at))

    def configuration(self, at):
        vmsd = self.desc.get('configuration')
        if not isinstance(vmsd, dict):
            raise StreamError('configuration record at offset 0x%x but the '
                              'VM description has none' % at)
        self.vmsd.body(vmsd, 'configuration')

    def footer(self, section_id, name):
        at = self.r.pos
        if self.r.u8('section footer') != VM_SECTION_FOOTER:
            raise StreamError('missing section footer for %s at offset 0x%x'
                              % (name, at))
        got = self.r.be32('section footer id')
        if got != section_id:
            raise StreamError('section footer at offset 0x%x has id %d, '
                              'expected %d (%s)' % (at, got, section_id,
                                                    name))

    def section_full(self, kind, at):
        r = self.r
        section_id = r.be32('section id')
        name = r.str8('section name')
        instance_id = r.be32('instance id')
        version = r.be32('version of %s' % name)
        if not name:
            raise StreamError('empty section name at offset 0x%x' % at)
        key = '%s (%d)' % (name, section_id)
        if name == 'ram':
            if version != RAM_VERSION:
                raise StreamError('RAM section version %d, expected %d'
                                  % (version, RAM_VERSION))
            self.sections[section_id] = (key, 'ram')
            self.state[key] = {'section sizes': {}}
            self.ram_body(key)
        elif kind == VM_SECTION_START:
            raise StreamError('iterable section %r at offset 0x%x is not '
                              'supported' % (name, at))
        else:
            dev = self.find_device(name, instance_id, at)
            self.sections[section_id] = (key, 'device')
            self.state[key] = self.vmsd.body(dev, name)
        self.footer(section_id, name)

    def section_part(self, at):
        section_id = self.r.be32('section id')
        if section_id not in self.sections or \
                self.sections[section_id][1] != 'ram':
            raise StreamError('section part at offset 0x%x for unknown '
                              'section id %d' % (at, section_id))
        key = self.sections[section_id][0]
        self.ram_body(key)
        self.footer(section_id, 'ram')

    def find_device(self, name, instance_id, at):
        for dev in self.desc['devices']:
            if dev.get('name') == name and \
                    dev.get('instance_id') == instance_id:
                if 'fields' not in dev:
                    raise StreamError('VM description of %s has no fields'
                                      % name)
                return dev
        raise StreamError('section %s instance %d at offset 0x%x is not in '
                          'the VM description' % (name, instance_id, at))

    def block_ref(self, flags, at):
        if flags & RAM_CONTINUE:
            if self.last_block is None:
                raise StreamError('RAM page at offset 0x%x continues a block '
                                  'but none was named before' % at)
        else:
            self.last_block = self.r.str8('RAM block name')
        if self.last_block not in self.blocks:
            raise StreamError('RAM page at offset 0x%x names unknown block '
                              '%r' % (at, self.last_block))
        return self.last_block

    def place(self, block, offset, page, at):
        if offset + self.page_size > self.blocks[block]:
            raise StreamError('RAM page at offset 0x%x lies outside block %r'
                              % (at, block))
        if self.extract:
            mem = self.memory[block]
            mem[offset:offset + self.page_size] = page
        if self.dump_memory:
            pages = self.state_ram.setdefault(block, {})
            pages['0x%016x' % offset] = (
                'zero' if page is None or not any(page)
                else ' '.join('%02x' % c for c in page))

    def ram_body(self, key):
        r = self.r
        self.state_ram = self.state[key]
        mask = self.page_size - 1
        ignore_shared = 'x-ignore-shared' in self.vmsd.caps
        while True:
            at = r.pos
            word = r.be64('RAM record')
            flags = word & mask
            addr = word & ~mask
            kind = flags & ~RAM_CONTINUE
            if kind == RAM_EOS:
                return
            if kind == RAM_MEM_SIZE:
                total = 0
                while total < addr:
                    name = r.str8('RAM block name')
                    length = r.be64('length of RAM block %s' % name)
                    if ignore_shared:
                        r.be64('mr_addr of RAM block %s' % name)
                    if length == 0 or length & mask:
                        raise StreamError('RAM block %r has bad length 0x%x'
                                          % (name, length))
                    total += length
                    self.blocks[name] = length
                    self.state[key]['section sizes'][name] = \
                        '0x%016x' % length
                    if self.extract:
                        self.memory[name] = bytearray(length)
                if total != addr:
                    raise StreamError('RAM block lengths add up to 0x%x, not '
                                      'the announced 0x%x' % (total, addr))
            elif kind == RAM_ZERO:
                block = self.block_ref(flags, at)
                fill = r.u8('zero page fill byte')
                if fill != 0:
                    raise StreamError('zero page at offset 0x%x has fill '
                                      'byte 0x%02x' % (at, fill))
                self.place(block, addr, None if not self.extract
                           else bytes(self.page_size), at)
            elif kind == RAM_PAGE:
                block = self.block_ref(flags, at)
                page = r.take(self.page_size, 'RAM page')
                self.place(block, addr, page, at)
            elif kind == RAM_MULTIFD_FLUSH:
                continue
            elif kind in (RAM_XBZRLE, RAM_HOOK):
                raise StreamError('RAM record at offset 0x%x uses %s, which '
                                  'cannot be analysed'
                                  % (at, 'XBZRLE' if kind == RAM_XBZRLE
                                     else 'an RDMA hook'))
            else:
                raise StreamError('RAM record at offset 0x%x has unknown '
                                  'flags 0x%x' % (at, flags))


def main():
    parser = argparse.ArgumentParser(
        description='Print the contents of a migration stream file.')
    parser.add_argument('-f', '--file', required=True,
                        help='migration stream to read')
    parser.add_argument('-m', '--memory', action='store_true',
                        help='include RAM page contents in the state')
    parser.add_argument('-d', '--dump', default='state',
                        choices=['state', 'desc'],
                        help='what to print: the device state or the VM '
                        'description')
    parser.add_argument('-x', '--extract', action='store_true',
                        help='write desc.json, state.json and one file per '
                        'RAM block into the current directory')
    args = parser.parse_args()
    prog = os.path.basename(sys.argv[0])
    try:
        with open(args.file, 'rb') as f:
            data = f.read()
        an = Analyzer(data, dump_memory=args.memory)
        if args.extract:
            state = an.run(extract=True)
            print('desc.json')
            with open('desc.json', 'w', encoding='utf-8') as f:
                f.write(json.dumps(an.desc, indent=4, sort_keys=True))
            print('state.json')
            with open('state.json', 'w', encoding='utf-8') as f:
                f.write(json.dumps(state, indent=4))
            for name, mem in an.memory.items():
                fname = name.replace('/', '_')
                print(fname)
                with open(fname, 'wb') as f:
                    f.write(mem)
        elif args.dump == 'desc':
            print(json.dumps(an.desc, indent=4))
        else:
            print(json.dumps(an.run(), indent=4))
    except OSError as e:
        print('%s: error: %s' % (prog, e), file=sys.stderr)
        return 1
    except StreamError as e:
        print('%s: error: %s' % (prog, e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())

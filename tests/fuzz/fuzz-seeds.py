#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed corpora of the fuzz targets return-path, mapped-ram,
elf and multifd-recv (tests/fuzz/corpus/<target>/), built from the byte
layouts of spec/migration-wire-format.md 5, 6.2 and 7.3 and the ELF32
header layout.
cr16-as seeds are plain source files kept in the corpus directly.

usage: fuzz-seeds.py [CORPUS_DIR]     (default: tests/fuzz/corpus)
"""
import os
import struct
import sys
import zlib

BLOCK = b"cr16.ram"          # the virt board's RAM block (fuzz-machine.c)
RP_RAM_PAGES = 256           # FUZZ_RP_RAM / 4096 in fuzz-return-path.c
PAGE = 4096
BITMAP_END = 0x0123456789abcdef


def rp(msg_type, payload=b""):
    return struct.pack(">HH", msg_type, len(payload)) + payload


def shut(v=0):
    return rp(1, struct.pack(">I", v))


def pong(v):
    return rp(2, struct.pack(">I", v))


def req_id(name, start, length):
    return rp(3, struct.pack(">QIB", start, length, len(name)) + name)


def req(start, length):
    return rp(4, struct.pack(">QI", start, length))


def recv_bitmap(name, bits):
    size = ((RP_RAM_PAGES + 63) // 64) * 8
    words = bytearray(size)
    for b in bits:
        words[b // 8] |= 1 << (b % 8)
    return (rp(5, bytes([len(name)]) + name) + struct.pack(">Q", size) +
            bytes(words) + struct.pack(">Q", BITMAP_END))


def return_path_seeds():
    return {
        # mode byte 0: precopy
        "precopy-pong-ack-shut": b"\0" + pong(1) + rp(7) + pong(0x42) +
                                 shut(),
        "precopy-shut-error": b"\0" + shut(5),
        "precopy-page-request-refused": b"\0" + req_id(BLOCK, 0, PAGE),
        "invalid-type": b"\0" + rp(0x99, b"xx"),
        "bad-length": b"\0" + rp(2, b"\0\0"),
        "truncated": b"\0" + struct.pack(">HH", 3, 20) + b"\0" * 5,
        # mode byte 1: postcopy-active
        "postcopy-requests": b"\1" + req_id(BLOCK, 0, PAGE) +
                             req(PAGE * 4, PAGE * 3) +
                             req_id(BLOCK, PAGE * 255, PAGE) + shut(),
        "postcopy-request-no-name": b"\1" + req(0, PAGE),
        "postcopy-request-unknown-block": b"\1" + req_id(b"nope", 0, PAGE),
        "postcopy-request-past-end": b"\1" +
                                     req_id(BLOCK, PAGE * 255, PAGE * 2),
        "postcopy-request-misaligned": b"\1" + req_id(BLOCK, 100, PAGE),
        # mode byte 2: postcopy-recover
        "recover-bitmap-ack": b"\2" + recv_bitmap(BLOCK, [0, 7, 64, 255]) +
                              rp(6, struct.pack(">I", 1)) + shut(),
        "recover-bitmap-bad-end": b"\2" +
                                  recv_bitmap(BLOCK, [1])[:-1] + b"\0",
        "recover-bitmap-bad-size": b"\2" + rp(5, bytes([len(BLOCK)]) +
                                               BLOCK) +
                                   struct.pack(">Q", 7) + b"\0" * 15,
        "recover-resume-ack-bad": b"\2" + rp(6, struct.pack(">I", 2)),
    }


def mapped_ram_file(block, pages, header_offset, set_pages, file_size=0,
                    bitmap_offset=None, pages_offset=None, version=1):
    """byte0 = block | (header_offset / 4) << 1, be32 file size, file."""
    bitmap_size = ((pages + 63) // 64) * 8
    if bitmap_offset is None:
        bitmap_offset = header_offset + 28
    if pages_offset is None:
        pages_offset = -(-(bitmap_offset + bitmap_size) // PAGE) * PAGE
    f = bytearray(header_offset)
    f += struct.pack(">IQQQ", version, PAGE, bitmap_offset, pages_offset)
    bitmap = bytearray(bitmap_size)
    for k in set_pages:
        bitmap[k // 8] |= 1 << (k % 8)
    f += bitmap
    f += bytes(max(0, pages_offset - len(f)))
    for k in range(pages):
        if k in set_pages:
            f += bytes([k + 1]) * PAGE
        else:
            f += b"\xee" * PAGE     # stale slot: must not be loaded
    head = bytes([block | (header_offset // 4) << 1])
    return head + struct.pack(">I", file_size) + bytes(f)


def mapped_ram_seeds():
    return {
        "small-block": mapped_ram_file(0, 5, 0, {0, 2, 4}),
        "large-block-offset": mapped_ram_file(1, 70, 64, {0, 63, 64, 69}),
        "hole-tail": mapped_ram_file(0, 5, 0, {1}, file_size=65536)[:5 + 40],
        "bad-version": mapped_ram_file(0, 5, 0, {0}, version=2),
        "bitmap-not-after-header": mapped_ram_file(0, 5, 0, {0},
                                                   bitmap_offset=100),
        "pages-overlap-bitmap": mapped_ram_file(1, 70, 0, {0},
                                                pages_offset=32),
        "bit-past-end": mapped_ram_file(0, 5, 0, {5}),
    }


def elf(entry, segments, machine=177, phentsize=32, sections=True):
    """ELF32 LE executable with PT_LOAD segments [(paddr, data, memsz)]."""
    phoff = 52
    data_off = phoff + 32 * len(segments)
    ph = b""
    body = b""
    for paddr, data, memsz in segments:
        ph += struct.pack("<IIIIIIII", 1, data_off + len(body), paddr,
                          paddr, len(data), memsz, 7, 2)
        body += data
    shoff = 0
    shnum = shstrndx = 0
    tail = b""
    if sections:
        strtab = b"\0.text\0.shstrtab\0"
        str_off = data_off + len(body)
        shoff = str_off + len(strtab)
        shnum, shstrndx = 3, 2
        tail = strtab + bytes(40)
        tail += struct.pack("<IIIIIIIIII", 1, 1, 6, segments[0][0] if
                            segments else 0, data_off,
                            len(segments[0][1]) if segments else 0, 0, 0,
                            2, 0)
        tail += struct.pack("<IIIIIIIIII", 7, 3, 0, 0, str_off,
                            len(strtab), 0, 0, 1, 0)
    ident = b"\x7fELF\x01\x01\x01" + bytes(9)
    hdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, entry, phoff,
                              shoff, 0, 52, phentsize, len(segments), 40,
                              shnum, shstrndx)
    return hdr + ph + body + tail


def elf_seeds():
    code = bytes.fromhex("0000" "1a00" "0000")
    return {
        "raw": b"\0" + code * 8,
        "elf-one-segment": b"\1" + elf(0x100, [(0x100, code, 0x40)]),
        "elf-two-segments-bss": b"\3" + elf(0x200, [(0x200, code, 6),
                                                    (0x1000, b"\1\2", 0x800)]),
        "elf-too-big-for-ram": b"\0" + elf(0, [(0xf000, code, 0x20000)]),
        "elf-wrong-machine": b"\2" + elf(0, [(0, code, 6)], machine=62),
        "elf-bad-phentsize": b"\2" + elf(0, [(0, code, 6)], phentsize=16),
        "elf-no-segment": b"\2" + elf(0, []),
        "elf-truncated": b"\1" + elf(0, [(0, code, 6)])[:60],
    }


MF_MAGIC, MF_VERSION = 0x11223344, 1
MF_PAGES_PER_PACKET = 0x80000 // PAGE
MF_SYNC, MF_ZLIB, MF_ZSTD, MF_DEVICE = 0x01, 0x02, 0x04, 0x40
MF_BLOCK = b"fuzz.ram"       # fuzz-multifd-recv.c


def mf_handshake(channel_id=0, magic=MF_MAGIC):
    return (struct.pack(">II", magic, MF_VERSION) + bytes(16) +
            bytes([channel_id]) + bytes(39))


def mf_ram_packet(flags, normal, zero, payload_size, num, block=MF_BLOCK):
    """The 320-byte header + offsets (wire 6.2.3)."""
    pkt = bytearray(320 + 8 * MF_PAGES_PER_PACKET)
    struct.pack_into(">IIIIIIQI", pkt, 0, MF_MAGIC, MF_VERSION, flags,
                     MF_PAGES_PER_PACKET, len(normal), payload_size, num,
                     len(zero))
    pkt[64:64 + len(block)] = block
    for i, off in enumerate(list(normal) + list(zero)):
        struct.pack_into(">Q", pkt, 320 + 8 * i, off)
    return bytes(pkt)


def mf_sync(num):
    return mf_ram_packet(MF_SYNC, [], [], 0, num, block=b"")


def multifd_seeds():
    pages = [bytes([k + 1]) * PAGE for k in range(2)]
    plain = (mf_handshake() +
             mf_ram_packet(0, [0, 5 * PAGE], [9 * PAGE], 2 * PAGE, 1) +
             b"".join(pages) + mf_sync(2))
    z = zlib.compressobj()
    comp = z.compress(b"".join(pages)) + z.flush(zlib.Z_SYNC_FLUSH)
    zpkt = (mf_handshake() +
            mf_ram_packet(MF_ZLIB, [PAGE, 63 * PAGE], [], len(comp), 1) +
            comp + mf_sync(2))
    dev = bytearray(276)
    struct.pack_into(">III", dev, 0, MF_MAGIC, MF_VERSION, MF_DEVICE)
    dev[12:12 + 5] = b"dev.0"
    struct.pack_into(">II", dev, 268, 0, 8)
    return {
        "none-pages-sync": b"\0" + plain,
        "zlib-pages-sync": b"\1" + zpkt,
        "sync-only": b"\0" + mf_handshake() + mf_sync(1) + mf_sync(2),
        "bad-magic": b"\0" + mf_handshake(magic=0x11223345),
        "bad-channel-id": b"\0" + mf_handshake(channel_id=3),
        "offset-outside-block": b"\0" + mf_handshake() +
                                mf_ram_packet(0, [64 * PAGE], [], PAGE, 1) +
                                bytes(PAGE),
        "unknown-block": b"\0" + mf_handshake() +
                         mf_ram_packet(0, [0], [], PAGE, 1, block=b"x") +
                         bytes(PAGE),
        "device-state": b"\0" + mf_handshake() + bytes(dev) + b"12345678",
        "zstd-garbage": b"\2" + mf_handshake() +
                        mf_ram_packet(MF_ZSTD, [0], [], 16, 1) + bytes(16),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here,
                                                                 "corpus")
    for target, seeds in (("return-path", return_path_seeds()),
                          ("mapped-ram", mapped_ram_seeds()),
                          ("elf", elf_seeds()),
                          ("multifd-recv", multifd_seeds())):
        d = os.path.join(corpus, target)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (target, len(seeds)))


if __name__ == "__main__":
    main()

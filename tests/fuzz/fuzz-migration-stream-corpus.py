#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerate the seed corpus of the fuzz target "migration-stream".

Every seed is a real stream written by `migrate file:` from
qemu-system-cr16 running the migration suite's A-B guest on the machine
the target builds (fuzz-migration-stream.c: virt, FUZZ_MIG_RAM of RAM, a
migration-testdev with a 64-byte blob). With 1 MiB of RAM the guest's
sweep over [1 MiB, 100 MiB) touches no RAM, so the stream holds zero
pages plus the pages written over QMP/qtest here.

usage: fuzz-migration-stream-corpus.py BUILD_DIR [OUT_DIR]
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "scripts"))
from qmp import QMP, wait_for_socket  # noqa: E402

RAM = "1M"          # must match FUZZ_MIG_RAM in fuzz-migration-stream.c
TESTDEV = "migration-testdev,id=td,state-size=64"


def wait_status(q, goal, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        st = q.cmd("query-migrate").get("status")
        if st == goal:
            return
        if st in ("failed", "cancelled") or time.monotonic() > deadline:
            raise RuntimeError("migration %s, wanted %s" % (st, goal))
        time.sleep(0.02)


def qtest_write(f, addr, data):
    f.write("write 0x%x 0x%x 0x%s\n" % (addr, len(data), data.hex()))
    f.flush()
    if not f.readline().startswith("OK"):
        raise RuntimeError("qtest write failed")


def save(build, tmp, out, name, caps=(), params=None, running=False,
         writes=(), live_writes=0):
    qemu = os.path.join(build, "qemu-system-cr16")
    guest = os.path.join(build, "tests", "tcg", "cr16", "a-b-bootblock.bin")
    sock = os.path.join(tmp, name + ".qmp")
    qt = os.path.join(tmp, name + ".qtest")
    args = [qemu, "-M", "virt", "-m", RAM, "-display", "none",
            "-kernel", guest, "-device", TESTDEV, "-serial", "null",
            "-qmp", "unix:%s,server=on,wait=off" % sock]
    if not running:
        args.append("-S")
    if writes or live_writes:
        args += ["-qtest", "unix:%s,server=on,wait=off" % qt]
    p = subprocess.Popen(args)
    try:
        wait_for_socket(sock)
        q = QMP(sock)
        f = None
        if writes or live_writes:
            wait_for_socket(qt)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(qt)
            f = s.makefile("rw")
            for addr, data in writes:
                qtest_write(f, addr, data)
        if caps:
            q.cmd("migrate-set-capabilities", capabilities=[
                {"capability": c, "state": True} for c in caps])
        if params:
            q.cmd("migrate-set-parameters", **params)
        path = os.path.join(out, name)
        q.cmd("migrate", uri="file:" + path)
        # Re-dirty the same pages while the passes run: their second
        # sending is XBZRLE-encoded against the cached first one.
        for i in range(live_writes):
            qtest_write(f, 0x8000 + (i % 4) * 0x1000 + (i % 64) * 8,
                        bytes([i & 0xff, 0x5a, i >> 8 & 0xff]))
            time.sleep(0.01)
        if live_writes:
            q.cmd("migrate-set-parameters", **{"downtime-limit": 2000})
        wait_status(q, "completed")
        info = q.cmd("query-migrate")
        q.cmd("quit")
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    ram = info["ram"]
    print("%-16s %7d bytes, %d passes, %d normal, %d zero, %d xbzrle pages"
          % (name, os.path.getsize(path), ram["dirty-sync-count"],
             ram["normal"], ram["duplicate"],
             info.get("xbzrle-cache", {}).get("pages", 0)))


def main():
    build = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus",
        "migration-stream")
    os.makedirs(out, exist_ok=True)
    pattern = bytes((i * 37 + 11) & 0xff for i in range(96))
    with tempfile.TemporaryDirectory(prefix="fuzz-mig.") as tmp:
        # Never-run guest: zero pages only.
        save(build, tmp, out, "stopped-zero")
        # Normal pages at both ends of RAM and inside the first page.
        save(build, tmp, out, "stopped-pages", writes=[
            (0x2000, pattern), (0x2800, pattern[:7]),
            (0xff000, pattern)])
        # Legacy zero-page detection and validate-uuid.
        save(build, tmp, out, "uuid-legacy", caps=["validate-uuid"],
             params={"zero-page-detection": "legacy"},
             writes=[(0x4000, pattern)])
        # Pages re-dirtied during the passes with xbzrle: XBZRLE and
        # CONTINUE records, several passes, the guest running.
        save(build, tmp, out, "running-xbzrle", caps=["xbzrle"],
             running=True, params={"downtime-limit": 0},
             writes=[(0x8000 + i * 0x1000, bytes(range(64)))
                     for i in range(4)],
             live_writes=60)


if __name__ == "__main__":
    main()

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
import threading
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


class Recorder:
    """A relay between a source and a destination on Unix sockets that
    keeps a copy of what the source sends on the main channel (the first
    connection; later ones, e.g. preempt, are relayed but not kept)."""

    def __init__(self, listen_path, target_path):
        self.target = target_path
        self.data = bytearray()
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(listen_path)
        self.srv.listen(4)
        self.threads = []
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()

    def _accept(self):
        first = True
        while True:
            try:
                a, _ = self.srv.accept()
            except OSError:
                return
            b = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            b.connect(self.target)
            for src, dst, keep in ((a, b, first), (b, a, False)):
                t = threading.Thread(target=self._pump,
                                     args=(src, dst, keep), daemon=True)
                t.start()
                self.threads.append(t)
            first = False

    def _pump(self, src, dst, keep):
        while True:
            try:
                chunk = src.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            if keep:
                self.data += chunk
            try:
                dst.sendall(chunk)
            except OSError:
                return

    def close(self):
        self.srv.close()
        for t in self.threads:
            t.join(timeout=10)


def save_postcopy(build, tmp, out, name, writes):
    """A real postcopy migration over a socket (commands: OPEN_RETURN_PATH,
    POSTCOPY_ADVISE, RAM_DISCARD, LISTEN, PACKAGED with RUN, PING);
    the main channel's bytes, as the destination read them."""
    qemu = os.path.join(build, "qemu-system-cr16")
    guest = os.path.join(build, "tests", "tcg", "cr16", "a-b-bootblock.bin")
    procs = []
    try:
        qmps = {}
        for role in ("src", "dst"):
            sock = os.path.join(tmp, "%s-%s.qmp" % (name, role))
            args = [qemu, "-M", "virt", "-m", RAM, "-display", "none",
                    "-kernel", guest, "-device", TESTDEV, "-serial", "null",
                    "-S", "-qmp", "unix:%s,server=on,wait=off" % sock]
            if role == "src":
                args += ["-qtest", "unix:%s,server=on,wait=off" %
                         os.path.join(tmp, name + ".qtest")]
            else:
                args += ["-incoming", "defer"]
            procs.append(subprocess.Popen(args))
            wait_for_socket(sock)
            qmps[role] = QMP(sock)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(os.path.join(tmp, name + ".qtest"))
        f = s.makefile("rw")
        for addr, data in writes:
            qtest_write(f, addr, data)
        for q in qmps.values():
            q.cmd("migrate-set-capabilities", capabilities=[
                {"capability": "postcopy-ram", "state": True}])
        dst_sock = os.path.join(tmp, name + "-dst.mig")
        rec_sock = os.path.join(tmp, name + "-rec.mig")
        qmps["dst"].cmd("migrate-incoming", uri="unix:" + dst_sock)
        rec = Recorder(rec_sock, dst_sock)
        # Small bandwidth: postcopy starts while RAM is still pending.
        qmps["src"].cmd("migrate-set-parameters", **{"max-bandwidth": 65536})
        qmps["src"].cmd("migrate", uri="unix:" + rec_sock)
        qmps["src"].cmd("migrate-start-postcopy")
        qmps["src"].cmd("migrate-set-parameters",
                        **{"max-bandwidth": 1 << 30})
        wait_status(qmps["src"], "completed")
        wait_status(qmps["dst"], "completed")
        for q in qmps.values():
            q.cmd("quit")
        for p in procs:
            p.wait(timeout=30)
        rec.close()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    with open(os.path.join(out, name), "wb") as f:
        f.write(rec.data)
    print("%-16s %7d bytes (postcopy, recorded on the socket)"
          % (name, len(rec.data)))


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
        # Postcopy: the commands and the package (the target answers
        # OPEN_RETURN_PATH and PING, and handles the postcopy commands).
        save_postcopy(build, tmp, out, "postcopy-package", writes=[
            (0x3000, pattern), (0xfe000, pattern)])


if __name__ == "__main__":
    main()

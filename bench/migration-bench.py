#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Precopy benchmark: migrate a paused guest between two local processes.

Every case starts a source and a destination, migrates over a unix socket
or tcp loopback with max-bandwidth 0 (unlimited), and reports the source's
total-time, downtime and throughput and the destination's RSS. RAM kinds:

  random  anonymous RAM filled from a file of random bytes
          (memory-backend-file,share=off,prealloc=on: private copies);
  zero    the same from a file of zeros (allocated pages that are zero);
  never   plain -m SIZE, never written.

The destination's RAM is either left to be touched by the load
(prealloc off) or preallocated. The same cases run on Debian's
qemu-system-x86_64 (-M pc) as the peer figure when it is installed, right
after ours, so the two see the same machine load. The machine's limits
(bench/mig-limits) are measured in the same run and every case is given
as a ratio to them.
"""

import argparse
import json
import mmap
import os
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from qmp import QMP, QMPError  # noqa: E402

MiB = 1 << 20
CLK_TCK = os.sysconf("SC_CLK_TCK")
KINDS = ("random", "zero", "never")
TRANSPORTS = ("unix", "tcp")
# Largest RAM of our virt board (VIRT_RAM_MAX_SIZE = 0xFF000000).
OUR_MAX_MIB = 4080


class BenchError(Exception):
    pass


class Emulator:
    """How one emulator is started; ours and the peer differ only here."""

    def __init__(self, name, binary, machine):
        self.name = name
        self.binary = binary
        self.machine = machine

    def argv(self, qmp_path, ram_args, incoming):
        a = [self.binary, "-M", self.machine, "-nodefaults",
             "-display", "none", "-S",
             "-qmp", "unix:%s,server=on,wait=off" % qmp_path] + ram_args
        if incoming:
            a += ["-incoming", "defer"]
        return a


def ram_args(kind, size_mib, files, dst, prealloc):
    """Command-line options giving the guest its RAM for one side."""
    m = ["-m", "%dM" % size_mib]
    if kind == "never":
        return m + (["-mem-prealloc"] if dst and prealloc else [])
    if dst:
        obj = "memory-backend-ram,id=mem,size=%dM,prealloc=%s" % (
            size_mib, "on" if prealloc else "off")
    else:
        obj = ("memory-backend-file,id=mem,mem-path=%s,size=%dM,"
               "share=off,prealloc=on" % (files[kind], size_mib))
    return m + ["-object", obj, "-machine", "memory-backend=mem"]


def settle_memory():
    """Drop the page cache and compact memory, when this process may (root
    outside a restricted container). The benches read GiBs of backing and
    mapped-ram files, and the kernel keeps them cached until free memory
    runs out; from then on the socket buffers and the destination's pages
    are allocated through direct reclaim and compaction, charged to
    whichever process allocates -- it made single cases of both emulators
    2-8x slower (source CPU 1.2-1.4 s instead of 0.15-0.2 for 1 GiB) at
    random. Settling before every case gives each the same start. True
    when it was done."""
    try:
        os.sync()
        for path in ("/proc/sys/vm/drop_caches", "/proc/sys/vm/compact_memory"):
            with open(path, "w") as f:
                f.write("1")
    except OSError:
        return False
    return True


SETTLE = {"done": None}


class Proc:
    """One emulator process with its QMP connection and log. Starting a
    case's source settles memory first (settle_memory)."""

    def __init__(self, emu, workdir, tag, ram, incoming, timeout):
        if tag == "src":
            ok = settle_memory()
            if SETTLE["done"] is None:
                SETTLE["done"] = ok
                print("memory settled before each case (page cache dropped, "
                      "memory compacted): %s" % ("yes" if ok else
                                                 "no, not permitted here"),
                      flush=True)
        self.qmp_path = os.path.join(workdir, tag + ".qmp")
        self.log_path = os.path.join(workdir, tag + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            emu.argv(self.qmp_path, ram, incoming),
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        self.qmp = None
        try:
            self.qmp = QMP(self.qmp_path, timeout=timeout)
        except (QMPError, OSError) as e:
            msg = "%s did not start: %s; log: %s" % (tag, e, self.tail())
            self.stop()
            raise BenchError(msg)

    def tail(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()[-400:].strip() or "(empty)"

    def status(self):
        """VmRSS and VmHWM of the process, in MiB."""
        out = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                key, _, val = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(val.split()[0]) / 1024.0
        return out

    def cpu_seconds(self):
        """User plus system time the process has used so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self):
        if self.qmp:
            try:
                self.qmp.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        for p in (self.qmp_path, self.log_path):
            if os.path.exists(p):
                os.unlink(p)


def warm_memory(size_mib):
    """Touch and free as much memory as the destination's RAM. On a VM
    whose host backs guest memory lazily (and takes freed pages back after
    a while), the first touch of a page the host has not backed costs far
    more than the copy; whichever emulator ran first would pay it for the
    other. Freed just now, these pages are what the destination's faults
    get next, so both pay the same: the guest kernel's page clearing."""
    chunk = b"\1" * (64 * MiB)
    m = mmap.mmap(-1, size_mib * MiB)
    # In huge pages where the kernel has them: freed, they are whole
    # 2 MiB blocks the host backs, which serve a huge page (our postcopy
    # destination's run buffers) as well as 4 KiB pages (QEMU's).
    if hasattr(mmap, "MADV_HUGEPAGE"):
        m.madvise(mmap.MADV_HUGEPAGE)
    try:
        for _ in range(size_mib // 64):
            m.write(chunk)
        m.write(chunk[:size_mib * MiB - m.tell()])
    finally:
        m.close()


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def poll_migration(qmp, deadline, who):
    """Poll query-migrate until it ends; the final answer."""
    while True:
        info = qmp.cmd("query-migrate")
        st = info.get("status")
        if st == "completed":
            return info
        if st in ("failed", "cancelled"):
            raise BenchError("%s: migration %s: %s" %
                             (who, st, info.get("error-desc", "")))
        if time.monotonic() > deadline:
            raise BenchError("%s: migration still '%s' at the deadline" %
                             (who, st))
        time.sleep(0.002)


def migrate_once(emu, case, files, workdir, deadline_s, downtime_ms, warm):
    kind, size_mib, transport, prealloc = case
    uri = ("unix:%s" % os.path.join(workdir, "mig.sock")
           if transport == "unix"
           else "tcp:127.0.0.1:%d" % free_tcp_port())
    start_timeout = 60 + size_mib / 64.0  # prealloc of a cold file
    src = dst = None
    try:
        src = Proc(emu, workdir, "src", ram_args(kind, size_mib, files,
                                                 False, False),
                   False, start_timeout)
        if warm and not prealloc:
            warm_memory(size_mib)
        dst = Proc(emu, workdir, "dst", ram_args(kind, size_mib, files,
                                                 True, prealloc),
                   True, start_timeout)
        dst.qmp.cmd("migrate-incoming", uri=uri)
        src.qmp.cmd("migrate-set-parameters", **{"max-bandwidth": 0,
                                                 "downtime-limit": downtime_ms})
        cpu0 = (src.cpu_seconds(), dst.cpu_seconds())
        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=uri)
        deadline = t0 + deadline_s
        info = poll_migration(src.qmp, deadline, "source")
        wall = time.monotonic() - t0
        poll_migration(dst.qmp, deadline, "destination")
        cpu = (src.cpu_seconds() - cpu0[0], dst.cpu_seconds() - cpu0[1])
        mem = dst.status()
        ram = info.get("ram", {})
        total_ms = info.get("total-time", 0)
        return {
            "total_ms": total_ms,
            "downtime_ms": info.get("downtime", 0),
            "setup_ms": info.get("setup-time", 0),
            "wall_ms": wall * 1000.0,
            "transferred": ram.get("transferred", 0),
            "ram_total": ram.get("total", 0),
            "gbps": (ram.get("transferred", 0) / (total_ms / 1000.0) / 1e9
                     if total_ms else None),
            "ram_gbps": (ram.get("total", 0) / (total_ms / 1000.0) / 1e9
                         if total_ms else None),
            "rss_mib": mem.get("VmRSS"),
            "hwm_mib": mem.get("VmHWM"),
            "src_cpu": cpu[0],
            "dst_cpu": cpu[1],
        }
    finally:
        for p in (src, dst):
            if p:
                p.stop()
        sock = os.path.join(workdir, "mig.sock")
        if os.path.exists(sock):
            os.unlink(sock)


def make_files(workdir, kinds, max_mib, dry):
    """The random and zero backing files, each as large as the largest
    guest (smaller guests map their first bytes)."""
    files = {}
    if "random" in kinds:
        files["random"] = os.path.join(workdir, "random.bin")
        if not dry:
            t0 = time.monotonic()
            with open(files["random"], "wb") as f:
                for _ in range(max_mib // 16):
                    f.write(os.urandom(16 * MiB))
            print("random backing file: %d MiB in %.1f s" %
                  (max_mib, time.monotonic() - t0), flush=True)
    if "zero" in kinds:
        files["zero"] = os.path.join(workdir, "zero.bin")
        if not dry:
            with open(files["zero"], "wb") as f:
                f.truncate(max_mib * MiB)
    return files


def run_limits(limits_bin, size_mib):
    out = subprocess.run([limits_bin, "--json", "--size-mib", str(size_mib)],
                         check=True, stdout=subprocess.PIPE, text=True,
                         timeout=600).stdout
    return json.loads(out)


def fmt(v, spec):
    return "-" if v is None else spec % v


def print_table(rows, limits):
    hdr = ("%-5s %-6s %5s %-4s %-3s %8s %7s %6s %6s %7s %7s %6s %6s %6s "
           "%6s %6s" %
           ("emu", "ram", "MiB", "via", "pre", "total ms", "down ms",
            "GB/s", "RAM/s", "dst RSS", "dst HWM", "src s", "dst s",
            "/limit", "/fresh", "/qemu"))
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        m = r["result"]
        if m is None:
            print("%-5s %-6s %5d %-4s %-3s  %s" % (
                r["emu"], r["kind"], r["size"], r["via"], r["pre"],
                r["error"]))
            continue
        print("%-5s %-6s %5d %-4s %-3s %8d %7d %6s %6s %7s %7s %6.2f %6.2f "
              "%6s %6s %6s" % (
                  r["emu"], r["kind"], r["size"], r["via"], r["pre"],
                  m["total_ms"], m["downtime_ms"], fmt(m["gbps"], "%.2f"),
                  fmt(m["ram_gbps"], "%.2f"), fmt(m["rss_mib"], "%.0f"),
                  fmt(m["hwm_mib"], "%.0f"), m["src_cpu"], m["dst_cpu"],
                  fmt(r.get("vs_limit"), "%.2f"),
                  fmt(r.get("vs_fresh"), "%.2f"),
                  fmt(r.get("vs_qemu"), "%.2f")))
    print("src s, dst s: CPU-seconds each side used during the migration "
          "(less sensitive to other load than the wall-clock figures).")
    print("GB/s: stream bytes / total-time; RAM/s: guest RAM / total-time; "
          "/limit: random RAM GB/s over the socket copy of the same "
          "transport into touched memory, zero RAM RAM/s over the "
          "zero-check rate; /fresh (random RAM without prealloc): GB/s "
          "over the socket copy into fresh memory, first touch included; "
          "/qemu: our total-time over the peer's in the same case.")


def median_rows(rows):
    """One row per emulator and case, each figure the median of the
    rounds that succeeded (a round's figures may come from different
    rounds: each median stands alone)."""
    groups = {}
    for r in rows:
        if r["result"]:
            groups.setdefault((r["emu"], r["case"]), []).append(r)
    out = []
    for (emu, case), rs in groups.items():
        first = rs[0]
        res = {}
        for k, v in first["result"].items():
            vals = [x["result"][k] for x in rs
                    if x["result"].get(k) is not None]
            res[k] = statistics.median(vals) if vals and \
                isinstance(v, (int, float)) else v
        out.append(dict(first, round="median", result=res))
    return out


def add_ratios(rows, limits):
    by_case = {}
    for r in rows:
        if r["result"]:
            by_case[(r.get("round"), r["emu"]) + r["case"]] = r["result"]
    for r in rows:
        m = r["result"]
        if not m:
            continue
        if r["kind"] == "random" and limits.get(r["via"]) and m["gbps"]:
            r["vs_limit"] = m["gbps"] / limits[r["via"]]
        # Without prealloc, also against the copy into fresh memory: the
        # same first touch of every page inside the reads.
        fresh = limits.get(r["via"] + "-fresh")
        if r["kind"] == "random" and r["pre"] == "off" and fresh and \
                m["gbps"]:
            r["vs_fresh"] = m["gbps"] / fresh
        if r["kind"] == "zero" and limits.get("zero") and m["ram_gbps"]:
            r["vs_limit"] = m["ram_gbps"] / limits["zero"]
        peer = by_case.get((r.get("round"), "qemu") + r["case"])
        if r["emu"] == "ours" and peer and peer["total_ms"]:
            r["vs_qemu"] = m["total_ms"] / peer["total_ms"]


def check_targets(rows):
    """The issue's targets, each with the figure that decides it."""
    ours = {r["case"]: r for r in rows if r["emu"] == "ours" and r["result"]}
    lines = []

    def verdict(ok, text):
        lines.append("%s %s" % ("met   " if ok else "MISSED", text))

    for case, r in sorted(ours.items()):
        kind, size, via, pre = case
        m = r["result"]
        tag = "%s %d MiB %s prealloc=%s" % (kind, size, via,
                                            "on" if pre else "off")
        if kind == "random" and "vs_limit" in r:
            verdict(r["vs_limit"] >= 0.70, "random RAM >= 70%% of the socket "
                    "limit: %.0f%% (%s)" % (100 * r["vs_limit"], tag))
        if kind == "random" and "vs_fresh" in r:
            verdict(r["vs_fresh"] >= 0.70, "random RAM >= 70%% of the socket "
                    "copy into fresh memory: %.0f%% (%s)" %
                    (100 * r["vs_fresh"], tag))
        if kind == "random" and "vs_qemu" in r:
            verdict(r["vs_qemu"] <= 0.5, "random RAM <= 0.5x QEMU's time: "
                    "%.2fx (%s)" % (r["vs_qemu"], tag))
        if kind == "never" and size <= 1024:
            verdict(m["total_ms"] <= 10, "1 GiB never-written RAM <= 10 ms: "
                    "%d ms (%s)" % (m["total_ms"], tag))
        if kind == "zero" and "vs_limit" in r:
            verdict(r["vs_limit"] >= 0.90, "zero RAM >= 90%% of the zero-check "
                    "rate: %.0f%% (%s)" % (100 * r["vs_limit"], tag))
        if size <= 1024:
            verdict(m["downtime_ms"] <= 5, "idle 1 GiB guest downtime <= 5 ms:"
                    " %d ms (%s)" % (m["downtime_ms"], tag))
        if size > 1024:
            small = ours.get((kind, 1024, via, pre))
            if small and small["result"]["total_ms"]:
                f = m["total_ms"] / small["result"]["total_ms"]
                verdict(f <= 4.2 * size / 4096.0,
                        "%d MiB <= 4.2x the 1 GiB time (scaled to the size): "
                        "%.2fx (%s)" % (size, f, tag))
        if m["rss_mib"] is not None and kind != "never":
            verdict(m["rss_mib"] <= size + 64, "destination RSS <= RAM + 64 "
                    "MiB: RAM %+.0f MiB (%s)" % (m["rss_mib"] - size, tag))
    return lines


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build",
                   help="build directory with qemu-system-cr16 and "
                        "bench/mig-limits")
    p.add_argument("--sizes", default="1024,%d" % OUR_MAX_MIB,
                   help="guest RAM sizes in MiB, comma-separated "
                        "(at most %d: the virt board's limit)" % OUR_MAX_MIB)
    p.add_argument("--kinds", default=",".join(KINDS),
                   help="RAM kinds: random, zero, never")
    p.add_argument("--transports", default=",".join(TRANSPORTS),
                   help="unix, tcp")
    p.add_argument("--prealloc", default="off,on",
                   help="destination prealloc settings: off, on")
    p.add_argument("--zero-sizes", default="1024",
                   help="sizes at which the zero kind runs (it only feeds "
                        "the zero-check ratio)")
    p.add_argument("--peer", default=shutil.which("qemu-system-x86_64"),
                   help="Debian's qemu-system-x86_64 (default: from PATH)")
    p.add_argument("--no-peer", metavar="REASON",
                   help="skip the peer and print REASON")
    p.add_argument("--deadline", type=float, default=120.0,
                   help="seconds one migration may take (default 120)")
    p.add_argument("--downtime-limit", type=int, default=1,
                   help="downtime-limit in ms (default 1: a paused guest "
                        "dirties nothing, so the switchover comes once the "
                        "remainder is bandwidth x 1 ms)")
    p.add_argument("--cold", action="store_true",
                   help="do not touch and free the destination's RAM size "
                        "before a destination without prealloc starts")
    p.add_argument("--workdir", default=None,
                   help="where the backing files go (default: a new "
                        "directory under $TMPDIR)")
    p.add_argument("--repeat", type=int, default=1,
                   help="run every case N times, in rounds over all cases "
                        "so that load and cold-memory draws hit all alike; "
                        "the targets are then judged on the medians")
    p.add_argument("--json", metavar="FILE",
                   help="also write every figure to FILE")
    p.add_argument("--dry-run", action="store_true",
                   help="print the cases and command lines; start nothing")
    a = p.parse_args(argv)

    def split(s, allowed, what):
        items = [x for x in s.split(",") if x]
        for x in items:
            if x not in allowed:
                p.error("--%s: unknown value '%s' (expected %s)" %
                        (what, x, ", ".join(allowed)))
        return items

    def sizes(s, what):
        try:
            v = [int(x) for x in s.split(",") if x]
        except ValueError:
            p.error("--%s: '%s' is not a list of MiB counts" % (what, s))
        for x in v:
            if not 1 <= x <= OUR_MAX_MIB:
                p.error("--%s: %d MiB is outside 1..%d" %
                        (what, x, OUR_MAX_MIB))
        return v

    a.sizes = sizes(a.sizes, "sizes")
    a.zero_sizes = sizes(a.zero_sizes, "zero-sizes")
    a.kinds = split(a.kinds, KINDS, "kinds")
    a.transports = split(a.transports, TRANSPORTS, "transports")
    a.prealloc = [x == "on" for x in split(a.prealloc, ("off", "on"),
                                           "prealloc")]
    if a.downtime_limit < 0:
        p.error("--downtime-limit: must not be negative")
    if a.deadline <= 0:
        p.error("--deadline: must be positive")
    if not 1 <= a.repeat <= 50:
        p.error("--repeat: must be 1..50")
    return a


def cases(a):
    out = []
    for size in a.sizes:
        for kind in a.kinds:
            if kind == "zero" and size not in a.zero_sizes:
                continue
            for via in a.transports:
                for pre in a.prealloc:
                    out.append((kind, size, via, pre))
    return out


def main(argv):
    a = parse_args(argv)
    ours = Emulator("ours", os.path.join(a.build, "qemu-system-cr16"), "virt")
    peer = None
    if a.no_peer:
        print("peer skipped: %s" % a.no_peer)
    elif not a.peer:
        print("peer skipped: qemu-system-x86_64 is not installed")
    else:
        peer = Emulator("qemu", a.peer, "pc")
    plan = cases(a)
    if a.dry_run:
        files = {"random": "RANDOM", "zero": "ZERO"}
        for c in plan:
            for emu in [ours] + ([peer] if peer else []):
                kind, size, via, pre = c
                print("%s %s %d MiB via %s, dst prealloc %s" %
                      (emu.name, kind, size, via, "on" if pre else "off"))
                print("  src: " + " ".join(emu.argv(
                    "Q", ram_args(kind, size, files, False, False), False)))
                print("  dst: " + " ".join(emu.argv(
                    "Q", ram_args(kind, size, files, True, pre), True)))
        return 0
    for b in [ours.binary, os.path.join(a.build, "bench", "mig-limits")]:
        if not os.access(b, os.X_OK):
            raise BenchError("%s is not built (run ninja -C %s)" %
                             (b, a.build))

    with open("/proc/loadavg") as f:
        print("load average at start: %s" % " ".join(f.read().split()[:3]))
    workdir = tempfile.mkdtemp(prefix="cr16-migbench.", dir=a.workdir)
    rows = []
    try:
        limits_bin = os.path.join(a.build, "bench", "mig-limits")
        limits = run_limits(limits_bin, 1024)
        print("limits at start (GB/s, 1 GiB): " + ", ".join(
            "%s %.2f" % kv for kv in limits.items()), flush=True)
        files = make_files(workdir, a.kinds, max(a.sizes), False)
        for rnd, c in ((r, c) for r in range(a.repeat) for c in plan):
            for emu in [ours] + ([peer] if peer else []):
                kind, size, via, pre = c
                row = {"emu": emu.name, "case": c, "kind": kind,
                       "size": size, "via": via, "round": rnd,
                       "pre": "on" if pre else "off", "result": None}
                try:
                    row["result"] = migrate_once(emu, c, files, workdir,
                                                 a.deadline, a.downtime_limit,
                                                 not a.cold)
                except (BenchError, QMPError, OSError) as e:
                    row["error"] = "failed: %s" % e
                r = row["result"]
                print("  %s%s %s %d MiB %s prealloc=%s: %s" % (
                    "round %d: " % (rnd + 1) if a.repeat > 1 else "",
                    emu.name, kind, size, via, row["pre"],
                    "%d ms, downtime %d ms, dst RSS %.0f MiB" %
                    (r["total_ms"], r["downtime_ms"], r["rss_mib"])
                    if r else row["error"]), flush=True)
                rows.append(row)
            # A 4 GiB file is no longer needed once its last case ran.
        # Measured again at the end: the machine's load moves, and a limit
        # is the best the machine did in this run.
        again = run_limits(limits_bin, 1024)
        print("limits at end (GB/s, 1 GiB): " + ", ".join(
            "%s %.2f" % kv for kv in again.items()), flush=True)
        # Rates: the higher; CPU-seconds ("-cpu"): the lower.
        limits = {k: (min(v, again.get(k, v)) if k.endswith("-cpu")
                      else max(v, again.get(k, 0)))
                  for k, v in limits.items()}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    with open("/proc/loadavg") as f:
        print("load average at end: %s" % " ".join(f.read().split()[:3]))
    add_ratios(rows, limits)
    print()
    print_table(rows, limits)
    judged = rows
    if a.repeat > 1:
        judged = median_rows(rows)
        add_ratios(judged, limits)
        print()
        print("medians over %d rounds:" % a.repeat)
        print_table(judged, limits)
    print()
    for line in check_targets(judged):
        print(line)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"limits": limits, "rows": rows}, f, indent=1,
                      default=list)
    return 1 if any(r["result"] is None for r in rows) else 0


def _terminate(signum, frame):
    # Turn SIGTERM into an exception so every finally block cleans up.
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as e:
        print("migration-bench: %s" % e, file=sys.stderr)
        sys.exit(1)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Multifd benchmark: migrate a paused guest over tcp with multifd.

Cases (each on ours and, when installed, on Debian's qemu-system-x86_64
right after, so both see the same machine load):

  random RAM (1 GiB and 4 GiB by default) with multifd-channels 1, 2, 4,
    no compression; set next to N plain tcp streams copying as much;
  a compressible pattern (1 GiB) with zlib and with zstd (level 1, 4
    channels); RAM consumed per second set next to one thread's zstd /
    zlib level-1 rate on the same bytes times min(channels, cores).

The limits come from bench/multifd-limits, measured in the same run.
Helpers (processes, QMP, RAM options, backing files) are those of
bench/migration-bench.py.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "migration_bench", os.path.join(HERE, "migration-bench.py"))
mb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mb)

MiB = mb.MiB
METHODS = ("none", "zlib", "zstd")
# The pattern: 64-byte records (a counter, small numbers, words), so that
# level 1 compresses it a few times, as text or tables would; a 16 MiB
# block repeated (farther apart than the level-1 windows reach).
PATTERN_BLOCK_MIB = 16
WORDS = (b"page ", b"dirty ", b"migrate ", b"channel ", b"packet ",
         b"stream ", b"zero ", b"block ", b"offset ", b"sync ")


def pattern_block():
    out = bytearray()
    x = 12345
    for rec in range(PATTERN_BLOCK_MIB * MiB // 64):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        line = rec.to_bytes(8, "little") + (x % 1000).to_bytes(8, "little")
        while len(line) < 64:
            x = (x * 1103515245 + 12345) & 0x7fffffff
            line += WORDS[x % len(WORDS)]
        out += line[:64]
    return bytes(out)


def make_pattern(workdir, size_mib, dry):
    path = os.path.join(workdir, "pattern.bin")
    if not dry:
        block = pattern_block()
        with open(path, "wb") as f:
            for _ in range(size_mib // PATTERN_BLOCK_MIB):
                f.write(block)
    return path


def migrate_multifd(emu, kind, size_mib, files, workdir, channels, method,
                    deadline_s):
    """One migration of a paused guest; the source's figures."""
    port = mb.free_tcp_port()
    uri = "tcp:127.0.0.1:%d" % port
    start_timeout = 60 + size_mib / 64.0
    src = dst = None
    params = {"multifd-channels": channels, "multifd-compression": method}
    caps = [{"capability": "multifd", "state": True}]
    try:
        src = mb.Proc(emu, workdir, "src",
                      mb.ram_args(kind, size_mib, files, False, False),
                      False, start_timeout)
        # Destination RAM preallocated: the first touch of fresh memory
        # (slow on this VM, see the precopy section) is not multifd's.
        dst = mb.Proc(emu, workdir, "dst",
                      mb.ram_args(kind, size_mib, files, True, True),
                      True, start_timeout)
        for p in (src, dst):
            p.qmp.cmd("migrate-set-capabilities", capabilities=caps)
            p.qmp.cmd("migrate-set-parameters", **params)
        dst.qmp.cmd("migrate-incoming", uri=uri)
        src.qmp.cmd("migrate-set-parameters", **{"max-bandwidth": 0,
                                                 "downtime-limit": 1})
        cpu0 = (src.cpu_seconds(), dst.cpu_seconds())
        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=uri)
        deadline = t0 + deadline_s
        info = mb.poll_migration(src.qmp, deadline, "source")
        mb.poll_migration(dst.qmp, deadline, "destination")
        cpu = (src.cpu_seconds() - cpu0[0], dst.cpu_seconds() - cpu0[1])
        ram = info.get("ram", {})
        total_ms = info.get("total-time", 0) or 1
        return {
            "total_ms": total_ms,
            "transferred": ram.get("transferred", 0),
            "multifd_bytes": ram.get("multifd-bytes", 0),
            "ram_gbps": ram.get("total", 0) / (total_ms / 1000.0) / 1e9,
            "wire_gbps": ram.get("transferred", 0) / (total_ms / 1000.0)
                         / 1e9,
            "src_cpu": cpu[0],
            "dst_cpu": cpu[1],
        }
    finally:
        for p in (src, dst):
            if p:
                p.stop()


def cases(a):
    out = []
    for size in a.sizes:
        for n in a.channels:
            out.append(("random", size, n, "none"))
    for m in a.methods:
        if m != "none":
            out.append(("pattern", a.pattern_mib, a.compress_channels, m))
    return out


def limit_for(case, limits):
    kind, _, n, method = case
    if method == "none":
        key = "tcp%d" % n
        return limits.get(key), "%d tcp streams" % n
    # One compressing thread per channel, but never more than the cores.
    threads = min(n, os.cpu_count() or 1)
    rate = limits.get(method + "1")
    return (rate * threads if rate else None,
            "%s-1 x %d cores" % (method, threads))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--sizes", default="1024,%d" % mb.OUR_MAX_MIB,
                   help="random RAM sizes in MiB (comma separated)")
    p.add_argument("--channels", default="1,2,4",
                   help="multifd-channels values for random RAM")
    p.add_argument("--methods", default=",".join(METHODS),
                   help="which of none,zlib,zstd to run")
    p.add_argument("--pattern-mib", type=int, default=1024,
                   help="size of the compressible guest (MiB)")
    p.add_argument("--compress-channels", type=int, default=4)
    p.add_argument("--peer", default=shutil.which("qemu-system-x86_64"))
    p.add_argument("--no-peer", metavar="REASON")
    p.add_argument("--baseline", metavar="BINARY",
                   help="another qemu-system-cr16 (e.g. before a change) "
                        "run right before ours on every case")
    p.add_argument("--repeat", type=int, default=1,
                   help="run every case N times (rounds over all cases, "
                        "so that load hits all alike); a summary gives "
                        "the medians")
    p.add_argument("--deadline", type=float, default=300.0)
    p.add_argument("--workdir", default=None)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--dry-run", action="store_true",
                   help="check the arguments, print the plan, run nothing")
    a = p.parse_args(argv)

    def ints(s, what, lo, hi):
        try:
            v = [int(x) for x in s.split(",") if x]
        except ValueError:
            p.error("%s: not a list of numbers: %r" % (what, s))
        if not v or any(x < lo or x > hi for x in v):
            p.error("%s must be %d..%d, got %r" % (what, lo, hi, s))
        return v

    a.sizes = ints(a.sizes, "--sizes", 16, mb.OUR_MAX_MIB)
    a.channels = ints(a.channels, "--channels", 1, 255)
    a.methods = a.methods.split(",")
    for m in a.methods:
        if m not in METHODS:
            p.error("--methods: unknown method %r (none, zlib, zstd)" % m)
    if not (PATTERN_BLOCK_MIB <= a.pattern_mib <= mb.OUR_MAX_MIB) or \
            a.pattern_mib % PATTERN_BLOCK_MIB:
        p.error("--pattern-mib must be a multiple of %d up to %d" %
                (PATTERN_BLOCK_MIB, mb.OUR_MAX_MIB))
    if not 1 <= a.repeat <= 50:
        p.error("--repeat must be 1..50")
    if a.baseline and not os.access(a.baseline, os.X_OK):
        p.error("--baseline: %r is not an executable" % a.baseline)
    if not 1 <= a.compress_channels <= 255:
        p.error("--compress-channels must be 1..255")
    if a.no_peer:
        a.peer = None
    return a


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def median(v):
    v = sorted(v)
    n = len(v)
    return None if not n else (v[n // 2] if n % 2 else
                               (v[n // 2 - 1] + v[n // 2]) / 2.0)


def print_medians(rows, plan, emu_names):
    """Per case and emulator: the medians of the rounds, and each
    emulator's median time over QEMU's (the last emulator is the peer
    when one ran)."""
    print("medians:", flush=True)
    for kind, size, n, method in plan:
        med = {}
        for name in emu_names:
            got = [r for r in rows if r["emulator"] == name and
                   not r["error"] and (r["kind"], r["size_mib"],
                   r["channels"], r["method"]) == (kind, size, n, method)]
            if not got:
                continue
            med[name] = {k: median([r[k] for r in got if r.get(k)
                                    is not None])
                         for k in ("total_ms", "src_cpu", "dst_cpu",
                                   "ratio")}
            med[name]["rounds"] = len(got)
        peer = med.get("qemu")
        for name, m in med.items():
            rel = ("  %.2fx qemu" % (m["total_ms"] / peer["total_ms"])
                   if peer and name != "qemu" else "")
            print("  %-5s %-7s %5d MiB x%-2d %-4s  %7.0f ms  cpu src %.2f "
                  "dst %.2f  limit ratio %s  (%d rounds)%s" %
                  (name, kind, size, n, method, m["total_ms"], m["src_cpu"],
                   m["dst_cpu"], fmt(m["ratio"], ".2f"), m["rounds"], rel),
                  flush=True)


def main(argv):
    a = parse_args(argv)
    plan = cases(a)
    emus = [mb.Emulator("ours", os.path.join(a.build, "qemu-system-cr16"),
                        "virt")]
    if a.baseline:
        emus.insert(0, mb.Emulator("base", a.baseline, "virt"))
    if a.peer:
        emus.append(mb.Emulator("qemu", a.peer, "pc"))
    print("multifd bench: %d cases x %s%s" % (
        len(plan), "/".join(e.name for e in emus),
        "" if a.peer else " (no peer: %s)" % (a.no_peer or "not installed")),
        flush=True)
    for c in plan:
        print("  %-8s %5d MiB  channels %-3d %s" % c)
    if a.dry_run:
        return 0

    workdir = a.workdir or tempfile.mkdtemp(prefix="multifd-bench-")
    rows = []
    try:
        max_random = max(a.sizes)
        files = mb.make_files(workdir, ("random",), max_random, False)
        files["pattern"] = make_pattern(workdir, a.pattern_mib, False)
        streams = sorted(set(a.channels) | {a.compress_channels})
        limits_bin = os.path.join(a.build, "bench", "multifd-limits")
        cmd = [limits_bin, "--json", "--size-mib", "1024", "--streams",
               ",".join(str(n) for n in streams), "--pattern",
               files["pattern"]]
        def measure():
            return json.loads(subprocess.run(
                cmd, check=True, stdout=subprocess.PIPE, text=True,
                timeout=900).stdout)

        limits = measure()
        print("limits (start): %s" % json.dumps(limits), flush=True)
        for case in [c for _ in range(a.repeat) for c in plan]:
            kind, size, n, method = case
            lim, lim_name = limit_for(case, limits)
            for emu in emus:
                try:
                    r = migrate_multifd(emu, kind, size, files, workdir, n,
                                        method, a.deadline)
                    err = None
                except mb.BenchError as e:
                    r, err = {}, str(e)
                row = dict(emulator=emu.name, kind=kind, size_mib=size,
                           channels=n, method=method, limit=lim,
                           limit_name=lim_name, error=err, **r)
                rows.append(row)
                if err:
                    print("%-5s %-7s %5d MiB x%-2d %-4s  FAILED: %s" %
                          (emu.name, kind, size, n, method, err), flush=True)
                    continue
                # Plain: bytes on the wire against the streams; compressed:
                # RAM consumed against the compressors.
                got = r["wire_gbps"] if method == "none" else r["ram_gbps"]
                ratio = got / lim if lim else None
                print("%-5s %-7s %5d MiB x%-2d %-4s  %7.0f ms  RAM %6.2f "
                      "GB/s  wire %6.2f GB/s  limit %s %s GB/s  ratio "
                      "%s  cpu src %.2f s dst %.2f s" %
                      (emu.name, kind, size, n, method, r["total_ms"],
                       r["ram_gbps"], r["wire_gbps"], lim_name,
                       fmt(lim, ".2f"), fmt(ratio, ".2f"), r["src_cpu"],
                       r["dst_cpu"]), flush=True)
        # The best of start and end counts (the load changes meanwhile);
        # the ratios above used the start figures, so re-print them.
        end = measure()
        print("limits (end): %s" % json.dumps(end), flush=True)
        for k, v in end.items():
            limits[k] = max(v, limits.get(k, 0))
        for row in rows:
            if not row["error"]:
                lim, _ = limit_for((row["kind"], row["size_mib"],
                                    row["channels"], row["method"]), limits)
                got = (row["wire_gbps"] if row["method"] == "none"
                       else row["ram_gbps"])
                row["limit"] = lim
                row["ratio"] = got / lim if lim else None
        print("ratios against the best limits:", flush=True)
        for row in rows:
            if not row["error"]:
                print("  %-5s %-7s %5d MiB x%-2d %-4s  %s" % (
                    row["emulator"], row["kind"], row["size_mib"],
                    row["channels"], row["method"], fmt(row["ratio"], ".2f")))
        if a.repeat > 1:
            print_medians(rows, plan, [e.name for e in emus])
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"limits": limits, "rows": rows}, f, indent=1)
    finally:
        if not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

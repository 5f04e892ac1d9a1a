#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Save a paused guest's RAM to a file and restore it (mapped-ram).

For each RAM size (random contents, from a file of random bytes mapped
private and preallocated) and each way of writing the file:

  ours  mapped-ram   file:PATH with capability mapped-ram
  ours  mapped+mfd4  the same with multifd, 4 channels (4 fds, 4 threads)
  ours  file         file:PATH, the plain stream
  qemu  file         Debian's qemu-system-x86_64 (-M pc): file:PATH when
                     its version has it (8.2+), else exec:cat >PATH /
                     exec:cat PATH (7.2 has no file: transport)
  qemu  mapped-ram   the same with mapped-ram, when its version has it (9.0+)
  before (ours' modes) with --baseline BINARY: another build of ours,
                     for a before/after figure in the same run

save: `migrate` until the source reports completed (the file is written);
restore: a new process with -incoming defer, `migrate-incoming` until it
reports completed (guest RAM filled).  Both are wall-clock times measured
around the QMP commands, and CPU-seconds of the process and of the
children it reaped (QEMU 7.2's cat: the figure is read once the process
has no child left).  Same work for every row: the file is in the same
directory, nobody fsyncs it or drops caches, so it stays in the page
cache between save and restore; the restore's RAM is warmed alike
(mb.warm_memory).  The peer runs right after ours so that both see the
same machine load.
"""

import argparse
import importlib.util
import os
import re
import shutil
import statistics
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


def qemu_version(binary):
    out = subprocess.run([binary, "--version"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def children_left(pid):
    """Pids of the process's children (any thread's)."""
    kids = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids += f.read().split()
        except OSError:
            pass
    return kids


def cpu_with_children(proc, deadline):
    """User + system seconds of the process and its reaped children,
    after waiting (until deadline) for it to reap them all: QEMU's
    exec:cat is waited for when the channel closes, just after the
    migration reports completed."""
    while children_left(proc.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    with open("/proc/%d/stat" % proc.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / mb.CLK_TCK


def uris(emu, path, version):
    """(save uri, restore uri) for the emulator."""
    if emu.name == "qemu" and version < (8, 2):
        return ("exec:cat > %s" % path, "exec:cat %s" % path)
    return ("file:%s" % path, "file:%s" % path)


# The ways of writing the file: name, capabilities, multifd-channels.
MODES = {
    "mapped-ram": (["mapped-ram"], None),
    "mapped+mfd4": (["mapped-ram", "multifd"], 4),
    "file": ([], None),
}


def run_case(emu, version, size_mib, mode, files, workdir, deadline_s):
    path = os.path.join(workdir, "guest.mig")
    save_uri, restore_uri = uris(emu, path, version)
    names, channels = MODES[mode]
    caps = [{"capability": c, "state": True} for c in names]
    params = {"multifd-channels": channels} if channels else {}
    timeout = 60 + size_mib / 64.0
    res = {}
    src = dst = None
    try:
        src = mb.Proc(emu, workdir, "src",
                      mb.ram_args("random", size_mib, files, False, False),
                      False, timeout)
        if caps:
            src.qmp.cmd("migrate-set-capabilities", capabilities=caps)
        src.qmp.cmd("migrate-set-parameters", **{"max-bandwidth": 0},
                    **params)
        cpu0 = cpu_with_children(src, time.monotonic() + 10)
        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=save_uri)
        info = mb.poll_migration(src.qmp, t0 + deadline_s, "source")
        res["save_s"] = time.monotonic() - t0
        res["save_cpu"] = (cpu_with_children(src, time.monotonic() + 10) -
                           cpu0)
        res["file_mib"] = os.path.getsize(path) / MiB
        res["file_alloc_mib"] = os.stat(path).st_blocks * 512 / MiB
        res["total_ms"] = info.get("total-time", 0)
        src.stop()
        src = None

        mb.warm_memory(size_mib)
        dst = mb.Proc(emu, workdir, "dst",
                      mb.ram_args("random", size_mib, files, True, False),
                      True, timeout)
        if caps:
            dst.qmp.cmd("migrate-set-capabilities", capabilities=caps)
        if params:
            dst.qmp.cmd("migrate-set-parameters", **params)
        cpu0 = cpu_with_children(dst, time.monotonic() + 10)
        t0 = time.monotonic()
        dst.qmp.cmd("migrate-incoming", uri=restore_uri)
        mb.poll_migration(dst.qmp, t0 + deadline_s, "destination")
        res["restore_s"] = time.monotonic() - t0
        res["restore_cpu"] = (cpu_with_children(dst, time.monotonic() + 10)
                              - cpu0)
        return res
    finally:
        for p in (src, dst):
            if p:
                p.stop()
        if os.path.exists(path):
            os.unlink(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--sizes", default="1024,4096",
                    help="guest RAM sizes in MiB, comma separated")
    ap.add_argument("--dir", default=None,
                    help="where the files go (default: a new directory "
                         "under $TMPDIR)")
    ap.add_argument("--baseline", metavar="BINARY", default=None,
                    help="also run this qemu-system-cr16 (another build "
                         "of ours; rows 'before'), for a before/after "
                         "figure in the same run")
    ap.add_argument("--no-peer", metavar="REASON", default=None,
                    help="skip Debian's QEMU, printing REASON")
    ap.add_argument("--deadline", type=float, default=600.0)
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds of every case; the best figure is kept")
    args = ap.parse_args()

    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        ap.error("--sizes: a comma-separated list of MiB")
    if not sizes or any(s < 16 or s > mb.OUR_MAX_MIB for s in sizes):
        ap.error("--sizes: each between 16 and %d MiB" % mb.OUR_MAX_MIB)
    if args.repeat < 1:
        ap.error("--repeat: at least 1")
    ours = mb.Emulator("ours", os.path.join(args.build, "qemu-system-cr16"),
                       "virt")
    emus = [(ours, (99, 0))]
    if args.baseline:
        emus.append((mb.Emulator("before", args.baseline, "virt"),
                     (99, 0)))
    peer_bin = shutil.which("qemu-system-x86_64")
    if args.no_peer:
        print("peer: %s" % args.no_peer)
    elif not peer_bin:
        print("peer: qemu-system-x86_64 is not installed")
    else:
        v = qemu_version(peer_bin)
        emus.append((mb.Emulator("qemu", peer_bin, "pc"), v))
        print("peer: %s, QEMU %d.%d%s" % (
            peer_bin, v[0], v[1],
            "" if v >= (8, 2) else " (no file: transport: exec:cat used)"))

    workdir = tempfile.mkdtemp(prefix="cr16-mapped-ram.", dir=args.dir)
    rows = []
    try:
        files = mb.make_files(workdir, ("random",), max(sizes), False)
        for size in sizes:
            cases = []
            for emu, version in emus:
                modes = ["mapped-ram", "mapped+mfd4", "file"]
                if emu.name == "qemu" and version < (9, 0):
                    modes = ["file"]
                cases += [(emu, version, m) for m in modes]
            runs = {}
            # Rounds over all cases, so that a burst of load from other
            # processes hits one round of every case, not one case; each
            # round starts with another case (the first one after the
            # backing file was written pays for its writeback).
            for rnd in range(args.repeat):
                k = rnd % len(cases)
                for emu, version, mode in cases[k:] + cases[:k]:
                    key = (emu.name, mode)
                    try:
                        r = run_case(emu, version, size, mode, files,
                                     workdir, args.deadline)
                        runs.setdefault(key, []).append(r)
                        print("  round %d %s %s: save %.2f s (%.2f cpu s), "
                              "restore %.2f s (%.2f cpu s)" % (
                                  rnd + 1, emu.name, mode, r["save_s"],
                                  r["save_cpu"], r["restore_s"],
                                  r["restore_cpu"]), flush=True)
                    except mb.BenchError as e:
                        runs.setdefault(key, [])
                        print("  round %d %s: %s" % (rnd + 1, emu.name, e),
                              flush=True)
            for emu, version, mode in cases:
                got = runs.get((emu.name, mode))
                row = {"emu": emu.name, "size": size, "mode": mode,
                       "r": best(got) if got else None,
                       "med": median(got) if got else None,
                       "error": "every round failed"}
                rows.append(row)
        for row in rows:
            print_row(row, rows, "r")
        if args.repeat > 1:
            print("median of the rounds (on this VM a round's figures "
                  "swing with the first touch of fresh memory):")
            for row in rows:
                print_row(row, rows, "med")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("best of %d rounds per figure (the least disturbed by other "
          "load); cpu s: user + system seconds of the emulator process "
          "and of the children it reaped (QEMU 7.2's cat)" % args.repeat)
    print("page cache: no fsync, no cache drop; the file stays cached "
          "from save to restore in every row")
    print("file MiB: file size; alloc MiB: blocks allocated (mapped-ram "
          "files are sparse where pages are zero)")
    print_targets(rows)


def best(results):
    """Per figure, the minimum over the rounds."""
    return {k: min(r[k] for r in results) for k in results[0]}


def median(results):
    """Per figure, the median over the rounds."""
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def ref_row(rows, size):
    """The peer's plain file: row of a size, the figure we compare with."""
    for r in rows:
        if (r["emu"] == "qemu" and r["size"] == size and r["mode"] == "file"
                and r["r"]):
            return r["r"]
    return None


HDR = "%-6s %-11s %5s %8s %8s %8s %8s %9s %9s" % (
    "emu", "mode", "MiB", "save s", "cpu s", "rest s", "cpu s", "file MiB",
    "alloc MiB")


def print_row(row, rows, which):
    if row is rows[0]:
        print(HDR)
        print("-" * len(HDR))
    r = row[which]
    if not r:
        print("%-6s %-11s %5d  %s" % (row["emu"], row["mode"], row["size"],
                                      row["error"]), flush=True)
        return
    print("%-6s %-11s %5d %8.2f %8.2f %8.2f %8.2f %9.0f %9.0f" % (
        row["emu"], row["mode"], row["size"], r["save_s"], r["save_cpu"],
        r["restore_s"], r["restore_cpu"], r["file_mib"],
        r["file_alloc_mib"]), flush=True)


def print_targets(rows):
    print("target: ours mapped-ram save and restore <= 0.5 x QEMU's file "
          "times (same size, same run)")
    for r in rows:
        if r["emu"] == "qemu" or r["mode"] == "file" or not r["r"]:
            continue
        ref = ref_row(rows, r["size"])
        if not ref:
            print("  %d MiB: no QEMU figure" % r["size"])
            continue
        s = r["r"]["save_s"] / ref["save_s"]
        t = r["r"]["restore_s"] / ref["restore_s"]
        print("  %s%s %d MiB: save %.2f x, restore %.2f x: %s (cpu s: "
              "%.2f x, %.2f x)" % (
                  "before: " if r["emu"] == "before" else "", r["mode"],
                  r["size"], s, t,
                  "met" if s <= 0.5 and t <= 0.5 else "NOT met",
                  r["r"]["save_cpu"] / max(ref["save_cpu"], 0.01),
                  r["r"]["restore_cpu"] / max(ref["restore_cpu"], 0.01)))


if __name__ == "__main__":
    main()

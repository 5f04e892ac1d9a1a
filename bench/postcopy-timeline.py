#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Timeline of one paused postcopy run (the postcopy bench's paused case).

Per-thread CPU of both processes is sampled from /proc/<pid>/task/*/schedstat
(nanoseconds of run time and of waiting for a CPU) every --period ms by a
thread of its own, while the main thread polls query-migrate on the source
and the destination for their status changes. Printed: the status changes,
then for each time slice the CPU share each busy thread got and how long it
waited for a core, so idle or serial stretches show as gaps.

With --compare, builds (and "qemu", Debian's qemu-system-x86_64) take
turns, one line per run (total time, CPU-s per side and per busy thread)
and the medians at the end: an A/B of two builds in the same run, on the
same machine load. --perf records both processes with perf.

  nice -n 10 python3 bench/postcopy-timeline.py --build build [--peer]
  nice -n 10 python3 bench/postcopy-timeline.py --build OLD \
      --compare build,qemu --runs 5
"""

import argparse
import os
import shutil
import signal
import subprocess
import statistics
import sys
import tempfile
import threading
import time

import importlib.util

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "postcopy_bench", os.path.join(_here, "postcopy-bench.py"))
pb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pb)
mb = pb.mb


def task_sample(pid):
    """{tid: (comm, run_ns, wait_ns)} of a process's threads now."""
    out = {}
    base = "/proc/%d/task" % pid
    try:
        tids = os.listdir(base)
    except OSError:
        return out
    for tid in tids:
        try:
            with open("%s/%s/schedstat" % (base, tid)) as f:
                run, wait, _ = f.read().split()
            with open("%s/%s/comm" % (base, tid)) as f:
                comm = f.read().strip()
        except (OSError, ValueError):
            continue
        out[int(tid)] = (comm, int(run), int(wait))
    return out


class Sampler(threading.Thread):
    def __init__(self, pids, period):
        super().__init__(daemon=True)
        self.pids = pids
        self.period = period
        self.samples = []       # (t, {tag: sample})
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            t = time.monotonic()
            self.samples.append(
                (t, {tag: task_sample(pid) for tag, pid in self.pids}))
            time.sleep(self.period)


def one_run(emu, files, workdir, a):
    uri = "unix:%s" % os.path.join(workdir, "mig.sock")
    src, dst = pb.start_pair(emu, a.ram_mib, files, workdir, None, 60)
    marks = []
    try:
        caps = ["postcopy-ram"] + (["postcopy-preempt"] if a.preempt else [])
        pb.set_caps(src.qmp, caps)
        pb.set_caps(dst.qmp, caps + ["postcopy-blocktime"])
        dst.qmp.cmd("migrate-incoming", uri=uri)
        src.qmp.cmd("migrate-set-parameters", **{
            "max-bandwidth": 0, "max-postcopy-bandwidth": 0})
        mb.warm_memory(3 * a.ram_mib)
        s = Sampler([("src", src.proc.pid), ("dst", dst.proc.pid)],
                    a.period / 1000.0)
        s.start()
        perfs = []
        for tag, p in (("src", src), ("dst", dst)):
            if a.perf:
                perfs.append(subprocess.Popen(
                    ["perf", "record", "-q", "-F", "4000", "-g", "-p",
                     str(p.proc.pid), "-o",
                     os.path.join(a.perf, tag + ".data")],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.3 if a.perf else 0.02)
        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=uri)
        marks.append((time.monotonic(), "src", "migrate returned"))
        src.qmp.cmd("migrate-start-postcopy")
        marks.append((time.monotonic(), "src", "start-postcopy returned"))
        last = {"src": None, "dst": None}
        done = set()
        deadline = t0 + 60
        while len(done) < 2 and time.monotonic() < deadline:
            for tag, p in (("src", src), ("dst", dst)):
                if tag in done:
                    continue
                st = p.qmp.cmd("query-migrate").get("status")
                if st != last[tag]:
                    marks.append((time.monotonic(), tag, st))
                    last[tag] = st
                if st in ("completed", "failed", "cancelled"):
                    done.add(tag)
            time.sleep(0.001)
        info = src.qmp.cmd("query-migrate")
        time.sleep(0.03)
        s.stop.set()
        s.join()
        for pp in perfs:
            pp.send_signal(signal.SIGINT)
            pp.wait()
    finally:
        pb.stop_pair(src, dst, workdir)
    return t0, marks, s.samples, info


def report(t0, marks, samples, info, slice_ms):
    print("source total-time %s ms, downtime %s ms" % (
        info.get("total-time"), info.get("downtime")))
    for t, tag, what in marks:
        print("  %7.1f ms  %s: %s" % ((t - t0) * 1000, tag, what))
    # Per thread: (tag, comm) -> list of (t, run_ns, wait_ns)
    series = {}
    for t, by in samples:
        for tag, tasks in by.items():
            for tid, (comm, run, wait) in tasks.items():
                series.setdefault((tag, tid, comm), []).append((t, run, wait))
    # Threads that ran at all during the migration.
    totals = []
    for key, pts in series.items():
        before = [p for p in pts if p[0] <= t0]
        base = before[-1] if before else pts[0]
        run = pts[-1][1] - base[1]
        wait = pts[-1][2] - base[2]
        if run > 2e6:
            totals.append((key, run, wait, base))
    totals.sort(key=lambda x: -x[1])
    print("threads (CPU ms, runnable-wait ms) from migrate:")
    for (tag, tid, comm), run, wait, _ in totals:
        print("  %s %-16s %7.1f  %6.1f" % (tag, comm, run / 1e6, wait / 1e6))
    end = max(t for t, _, _ in marks)
    cols = [k for k, _, _, _ in totals]
    hdr = "   ms  " + " ".join("%10s" % (c[2][-10:]) for c in cols)
    print("per %d ms slice: CPU %% (wait %%) of each thread" % slice_ms)
    print(hdr)
    t = t0 - 0.02
    while t < end + 0.02:
        row = []
        for key in cols:
            pts = series[key]

            def at(x):
                prev = None
                for p in pts:
                    if p[0] > x:
                        break
                    prev = p
                return prev or pts[0]
            a, b = at(t), at(t + slice_ms / 1000.0)
            dt = max(b[0] - a[0], 1e-6)
            row.append("%4.0f (%3.0f)" % ((b[1] - a[1]) / 1e9 / dt * 100,
                                         (b[2] - a[2]) / 1e9 / dt * 100))
        print("%5.0f  %s" % ((t - t0) * 1000, " ".join(row)))
        t += slice_ms / 1000.0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--ram-mib", type=int, default=1024)
    p.add_argument("--preempt", action="store_true")
    p.add_argument("--peer", action="store_true",
                   help="time Debian's qemu-system-x86_64 instead")
    p.add_argument("--period", type=float, default=2.0,
                   help="sampling period, ms")
    p.add_argument("--slice", type=int, default=20,
                   help="table slice, ms")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--perf", metavar="DIR",
                   help="perf record both processes into DIR/{src,dst}.data")
    p.add_argument("--compare", metavar="BUILD2,...",
                   help="alternate with these builds (\"qemu\": Debian's "
                        "QEMU) and print one line per run and the medians")
    a = p.parse_args(argv)
    emus = []
    for spec in [a.build] + (a.compare.split(",") if a.compare else []):
        # BUILD[:VAR=VALUE...]: the variables go to that build's processes.
        b, *env = spec.split(":")
        if b == "qemu" or (a.peer and not emus):
            emu = pb.Emulator("qemu", shutil.which("qemu-system-x86_64"),
                              "pc")
        else:
            emu = pb.Emulator("ours", os.path.join(b, "qemu-system-cr16"),
                              "virt")
        emu.env = dict(e.split("=", 1) for e in env)
        emus.append((spec, emu))
    workdir = tempfile.mkdtemp(prefix="cr16-pctl.")
    figures = {}
    try:
        files = mb.make_files(workdir, ["random"], a.ram_mib, False)
        for _ in range(a.runs):
            for name, emu in emus:
                with open("/proc/loadavg") as f:
                    load = " ".join(f.read().split()[:3])
                saved = dict(os.environ)
                os.environ.update(emu.env)
                try:
                    res = one_run(emu, files, workdir, a)
                finally:
                    os.environ.clear()
                    os.environ.update(saved)
                if not a.compare:
                    print("load average: %s" % load)
                    report(*res, a.slice)
                    continue
                f = summary(*res)
                figures.setdefault(name, []).append(f)
                print("%-28s load %-15s total %4d ms  src %.3f  dst %.3f  "
                      "%s" % (name, load, f["total"], f["src"], f["dst"],
                              " ".join("%s %.3f" % kv for kv in
                                       sorted(f["threads"].items()))),
                      flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, fs in figures.items():
        print("median %-28s total %4d ms  src %.3f  dst %.3f  (%d runs)" % (
            name, statistics.median(f["total"] for f in fs),
            statistics.median(f["src"] for f in fs),
            statistics.median(f["dst"] for f in fs), len(fs)))
    return 0


def summary(t0, marks, samples, info):
    """Total time and CPU-s per side and per busy thread of one run."""
    first = samples[0][1]
    out = {"total": info.get("total-time", 0), "threads": {}}
    for tag in ("src", "dst"):
        # Threads that exit before the end count with their last sample.
        last = {}
        for _, by in samples:
            last.update(by[tag])
        tot = 0
        for tid, (comm, run, _) in last.items():
            base = first[tag].get(tid, (comm, 0, 0))[1]
            tot += run - base
            if run - base > 20e6:
                key = "%s:%s" % (tag, comm.split("/")[-1])
                out["threads"][key] = out["threads"].get(key, 0) + \
                    (run - base) / 1e9
        out[tag] = tot / 1e9
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

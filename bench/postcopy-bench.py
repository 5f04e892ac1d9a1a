#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Postcopy benchmark: a 1 GiB random-RAM guest migrated in postcopy.

Cases (each without and with postcopy-preempt), source and destination
local processes joined by a unix socket:

  paused    both sides -S: migrate, then migrate-start-postcopy at once;
            nothing runs on the destination, so no vCPU faults: the
            figure is the postcopy stream's speed. Also run on Debian's
            qemu-system-x86_64 (-M pc, same memory-backend-file) when it
            is installed, as is the latency case.
  dirtying  the migration suite's A-B guest on the source, which keeps
            incrementing one byte of each page of 1..100 MiB; postcopy
            unthrottled; the guest runs on at once on the destination.
  latency   as dirtying, with max-postcopy-bandwidth throttled (default
            16 MiB/s) so the background sweep cannot serve a page before
            the guest touches it: every page of the guest's first sweep
            on the destination is a remote fault. Once the faults stop
            (the guest's range is all there) the throttle is lifted so the
            rest streams. Figures:
              (a) postcopy-latency-dist of the destination (fault thread
                  reads the event -> page placed), log2 buckets;
              (b) x-query-postcopy's vCPU stall (the vCPU finds the page
                  missing -> it runs on; migration/postcopy-stall.h).

The machine's floor comes from bench/uffd-floor in the same run: a
userfaultfd fault served by another process over a unix socket.
Debian's qemu-system-x86_64 (-M pc, TCG) runs the paused and the latency
cases too, right after ours. Its guest is bench/x86-walker/walker.S, the
x86 peer of the A-B guest (same pages, same order, same read-modify-write),
built here with gcc and ld; QEMU 7.2 has no postcopy-latency-dist, so its
(a) comes from its trace log and its (b) from the walker's own rdtsc log
(bench/postcopy_peer.py says how).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from qmp import QMPError  # noqa: E402
import importlib.util  # noqa: E402
import postcopy_peer as peer_x86  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "migration_bench", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "migration-bench.py"))
mb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mb)
BenchError = mb.BenchError

MiB = 1 << 20
CASES = ("paused", "dirtying", "latency")


class Emulator(mb.Emulator):
    """mb.Emulator with a choice of -S and extra options."""

    def __init__(self, name, binary, machine, extra=()):
        super().__init__(name, binary, machine)
        self.extra = list(extra)
        self.paused = True

    def argv(self, qmp_path, ram_args, incoming):
        a = super().argv(qmp_path, ram_args, incoming) + self.extra
        if not self.paused:
            a.remove("-S")
        return a


def start_pair(emu, ram_mib, files, workdir, guest, timeout):
    """Source (random RAM; running the A-B guest if guest) and a paused
    or running destination waiting on a deferred incoming."""
    src_extra, dst_extra = [], []
    if emu.name == "ours":
        # The vCPU-side stall figure (b) is opt-in.
        dst_extra = ["-global", "migration.x-vcpu-stall-probe=on"]
    if guest and emu.name != "ours":
        if not guest.get("x86"):
            raise BenchError("no x86 walker guest: %s" %
                             guest.get("x86_error", "not built"))
        src_extra = peer_x86.src_args(guest["x86"], guest["src_serial"])
        dst_extra = peer_x86.dst_args(guest["x86"], guest["dst_serial"],
                                      guest["trace"])
    elif guest:
        src_extra = ["-kernel", guest["kernel"],
                     "-serial", "file:" + guest["src_serial"]]
        dst_extra += ["-kernel", guest["kernel"],
                      "-serial", "file:" + guest["dst_serial"]]
    src_emu = Emulator(emu.name, emu.binary, emu.machine, src_extra)
    src_emu.paused = not guest
    dst_emu = Emulator(emu.name, emu.binary, emu.machine, dst_extra)
    dst_emu.paused = not guest
    src = mb.Proc(src_emu, workdir, "src",
                  mb.ram_args("random", ram_mib, files, False, False),
                  False, timeout)
    try:
        dst = mb.Proc(dst_emu, workdir, "dst",
                      mb.ram_args("random", ram_mib, files, True, False),
                      True, timeout)
    except BenchError:
        src.stop()
        raise
    return src, dst


def stop_pair(src, dst, workdir):
    """Stop both processes of start_pair() and remove the socket the
    migration used."""
    for p in (src, dst):
        p.stop()
    sock = os.path.join(workdir, "mig.sock")
    if os.path.exists(sock):
        os.unlink(sock)


def count_b(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"B")
    except OSError:
        return 0


def wait_until(pred, deadline, what):
    while not pred():
        if time.monotonic() > deadline:
            raise BenchError("timed out waiting for " + what)
        time.sleep(0.01)


def source_stopped(qmp):
    """True once the source's vCPUs stopped for the switch-over; a
    migration that failed before that is an error, not a wait."""
    if not qmp.cmd("query-status")["running"]:
        return True
    st = qmp.cmd("query-migrate").get("status")
    if st in ("failed", "cancelled"):
        raise BenchError("source: migration %s before it stopped" % st)
    return False


def set_caps(qmp, caps):
    qmp.cmd("migrate-set-capabilities", capabilities=[
        {"capability": c, "state": True} for c in caps])


def percentile_from_dist(dist, pct):
    """The bucket [lo, hi) µs holding the pct-th percentile of a
    postcopy-latency-dist, and a linear estimate inside it."""
    total = sum(dist)
    if not total:
        return None
    want = pct / 100.0 * total
    seen = 0
    for n, c in enumerate(dist):
        if c and seen + c >= want:
            lo = 0 if n == 0 else 1 << n
            hi = 1 << (n + 1)
            return {"lo_us": lo, "hi_us": hi,
                    "est_us": lo + (hi - lo) * (want - seen) / c}
        seen += c
    return None


def migrate_case(emu, case, preempt, files, workdir, a, guest):
    ram = a.ram_mib
    uri = "unix:%s" % os.path.join(workdir, "mig.sock")
    with_guest = case != "paused"
    for k in ("src_serial", "dst_serial", "trace"):
        if guest and os.path.exists(guest[k]):
            os.unlink(guest[k])
    src, dst = start_pair(emu, ram, files, workdir,
                          guest if with_guest else None,
                          60 + ram / 64.0)
    try:
        caps = ["postcopy-ram"] + (["postcopy-preempt"] if preempt else [])
        set_caps(src.qmp, caps)
        set_caps(dst.qmp, caps + ["postcopy-blocktime"])
        if with_guest:
            # The guest is in its increment loop before the migration.
            wait_until(lambda: count_b(guest["src_serial"]) >= 1,
                       time.monotonic() + 60, "the source guest's first B")
        dst.qmp.cmd("migrate-incoming", uri=uri)
        bw = a.throttle_mib * MiB if case == "latency" else 0
        src.qmp.cmd("migrate-set-parameters", **{
            "max-bandwidth": 0, "max-postcopy-bandwidth": bw})
        # The destination's pages are allocated during the migration: make
        # them pages the host backs already, for either emulator
        # (mb.warm_memory), and do it last, since this VM hands freed
        # memory back to its host within seconds. Three times the RAM:
        # with one, other processes' allocations took enough of the warm
        # pages that 1 in 6 runs still paid the host's cost (up to 5x per
        # page); with three, none in 10 (docs/devel/benchmarks.rst).
        mb.warm_memory(3 * ram)
        cpu0 = (src.cpu_seconds(), dst.cpu_seconds())
        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=uri)
        src.qmp.cmd("migrate-start-postcopy")
        deadline = t0 + a.deadline
        fault_phase_s = None
        walker_first = None
        if with_guest and emu.name != "ours":
            # The walker's log as the source left it: the destination's
            # own entries come after.
            wait_until(lambda: source_stopped(src.qmp), deadline,
                       "the source to stop")
            walker_first = peer_x86.walker_log_count(
                src.qmp, os.path.join(workdir, "src.hdr"))[0]
        if case == "latency":
            # The guest's first sweep on the destination faults page after
            # page; lift the throttle once the faults stop.
            last, still_since = -1, time.monotonic()
            while True:
                info = src.qmp.cmd("query-migrate")
                if info.get("status") in ("failed", "cancelled",
                                          "completed"):
                    break
                n = info.get("ram", {}).get("postcopy-requests", 0)
                now = time.monotonic()
                if n != last:
                    last, still_since = n, now
                elif n > 1000 and now - still_since > 0.5:
                    break
                if now > deadline:
                    raise BenchError("the fault phase did not end")
                time.sleep(0.05)
            fault_phase_s = time.monotonic() - t0
            src.qmp.cmd("migrate-set-parameters",
                        **{"max-postcopy-bandwidth": 0})
        info = mb.poll_migration(src.qmp, deadline, "source")
        wall = time.monotonic() - t0
        dinfo = mb.poll_migration(dst.qmp, deadline, "destination")
        cpu = (src.cpu_seconds() - cpu0[0], dst.cpu_seconds() - cpu0[1])
        ramst = info.get("ram", {})
        r = {
            "total_ms": info.get("total-time", 0),
            "downtime_ms": info.get("downtime", 0),
            "wall_ms": wall * 1000.0,
            "requests": ramst.get("postcopy-requests", 0),
            "postcopy_bytes": ramst.get("postcopy-bytes", 0),
            "src_cpu": cpu[0], "dst_cpu": cpu[1],
            "ram_pages": ram * MiB // 4096,
            "fault_phase_s": fault_phase_s,
        }
        for k in ("postcopy-blocktime", "postcopy-vcpu-blocktime"):
            if k in dinfo:
                r[k] = dinfo[k]
        if walker_first is not None:
            count, dropped = peer_x86.walker_log_count(
                dst.qmp, os.path.join(workdir, "dst.hdr"))
            entries = peer_x86.walker_log(
                dst.qmp, os.path.join(workdir, "dst.log"), walker_first,
                count)
            r["walker_dropped"] = dropped
        dist = dinfo.get("postcopy-latency-dist")
        if dist:
            r["dist"] = dist
            r["a_p50"] = percentile_from_dist(dist, 50)
            r["a_p99"] = percentile_from_dist(dist, 99)
            r["a_mean_us"] = dinfo.get("postcopy-latency", 0) / 1000.0
        if emu.name == "ours":
            sdbg = src.qmp.cmd("x-query-postcopy")
            ddbg = dst.qmp.cmd("x-query-postcopy")
            r["preempt_pages"] = sdbg["preempt-pages"]
            r["urgent_main_pages"] = sdbg["urgent-main-pages"]
            r["moved_pages"] = ddbg["moved-pages"]
            r["stalls"] = ddbg["vcpu-stalls"]
            if ddbg["vcpu-stall-samples"]:
                r["b_p50_us"] = ddbg["vcpu-stall-p50"] / 1000.0
                r["b_p99_us"] = ddbg["vcpu-stall-p99"] / 1000.0
                r["b_mean_us"] = ddbg["vcpu-stall-mean"] / 1000.0
                r["b_max_us"] = ddbg["vcpu-stall-max"] / 1000.0
        if with_guest:
            # The guest really ran on the destination.
            wait_until(lambda: count_b(guest["dst_serial"]) >= 1,
                       time.monotonic() + 60, "the destination guest's B")
    finally:
        stop_pair(src, dst, workdir)
    if walker_first is not None:
        # The trace log is complete once the destination has exited.
        peer_figures(r, guest, entries)
    return r


def peer_figures(r, guest, entries):
    """QEMU's (a) from its trace log and (b) from the walker's log."""
    tr = peer_x86.parse_trace(guest["trace"])
    lat = tr["lat_us"]
    r["trace_requests"] = tr["requests"]
    r["trace_unmatched"] = tr["unmatched"]
    r["a_samples"] = len(lat)
    r["trace_line_us"] = guest["x86"]["trace_line_us"]
    if lat:
        dist = peer_x86.as_dist(lat)
        r["dist"] = dist
        # The same bucketed estimate as ours, and the exact value.
        r["a_p50"] = percentile_from_dist(dist, 50)
        r["a_p99"] = percentile_from_dist(dist, 99)
        r["a_exact_p50_us"] = peer_x86.percentile(lat, 50)
        r["a_exact_p99_us"] = peer_x86.percentile(lat, 99)
        r["a_mean_us"] = sum(lat) / len(lat)
    b = peer_x86.vcpu_stalls(entries, tr["offsets"], guest["x86"]["tsc_hz"])
    r["stalls"] = len(b)
    if b:
        r["b_p50_us"] = peer_x86.percentile(b, 50)
        r["b_p99_us"] = peer_x86.percentile(b, 99)
        r["b_mean_us"] = sum(b) / len(b)
        r["b_max_us"] = max(b)


def run_floor(build, pages):
    out = subprocess.run([os.path.join(build, "bench", "uffd-floor"),
                          "--json", "--pages", str(pages)], check=True,
                         stdout=subprocess.PIPE, text=True,
                         timeout=300).stdout
    return json.loads(out)


def build_guest(build, workdir, want_x86):
    kernel = os.path.join(workdir, "ab.bin")
    subprocess.run([os.path.join(build, "tools", "cr16-as"), "--raw",
                    "-I", os.path.join(build, "hw", "cr16"), "-o", kernel,
                    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "..", "tests", "qtest", "migration", "cr16",
                                 "a-b-bootblock.S")], check=True)
    g = {"kernel": kernel,
         "src_serial": os.path.join(workdir, "src.serial"),
         "dst_serial": os.path.join(workdir, "dst.serial"),
         "trace": os.path.join(workdir, "dst.trace")}
    if want_x86:
        try:
            g["x86"] = peer_x86.build_walker(workdir)
        except peer_x86.PeerError as e:
            g["x86_error"] = str(e)
    return g


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def fmt_a(p):
    if not p:
        return "-"
    return "%.0f [%d,%d)" % (p["est_us"], p["lo_us"], p["hi_us"])


def print_table(rows):
    hdr = "%-5s %-9s %-7s %8s %7s %7s %8s %8s %15s %15s %8s %8s %7s" % (
        "emu", "case", "preempt", "total ms", "down ms", "faults",
        "preempt", "main", "(a) p50 us", "(a) p99 us", "(b) p50",
        "(b) p99", "moved")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        m = r["result"]
        if not m:
            print("%-5s %-9s %-7s  %s" % (r["emu"], r["case"], r["preempt"],
                                          r["error"]))
            continue
        print("%-5s %-9s %-7s %8d %7d %7d %8s %8s %15s %15s %8s %8s %7s" % (
            r["emu"], r["case"], r["preempt"], m["total_ms"],
            m["downtime_ms"], m["requests"],
            fmt(m.get("preempt_pages"), "%d"),
            fmt(m.get("urgent_main_pages"), "%d"),
            fmt_a(m.get("a_p50")), fmt_a(m.get("a_p99")),
            fmt(m.get("b_p50_us")), fmt(m.get("b_p99_us")),
            fmt_moved(m)))
    print("faults: postcopy-requests on the source; preempt / main: "
          "requested pages sent on the preempt / main channel "
          "(x-query-postcopy); (a): postcopy-latency-dist, linear "
          "estimate [log2 bucket] (QEMU: its trace log put in the same "
          "buckets); (b): vCPU stall (ours: x-query-postcopy; QEMU: the "
          "x86 walker's rdtsc log); moved: share of the pages placed "
          "by moving whole huge pages (x-query-postcopy moved-pages).")


def fmt_moved(m):
    """moved-pages as a share of the guest's pages, or '-'."""
    if m.get("moved_pages") is None or not m.get("ram_pages"):
        return "-"
    return "%d%%" % (100 * m["moved_pages"] // m["ram_pages"])


def paused_runs(rows, emu, pre):
    return [r["result"] for r in rows if r["result"] and r["emu"] == emu
            and r["case"] == "paused" and r["preempt"] == pre]


def median_of(results, key):
    return statistics.median(r[key] for r in results)


def check_targets(rows, floor):
    res = {(r["emu"], r["case"], r["preempt"]): r["result"]
           for r in rows if r["result"]}
    out = []

    def verdict(ok, text):
        out.append("%s %s" % ("met   " if ok else "MISSED", text))

    for pre in ("off", "on"):
        ours, qemu = (paused_runs(rows, e, pre) for e in ("ours", "qemu"))
        if ours and qemu and median_of(qemu, "total_ms"):
            o, q = median_of(ours, "total_ms"), median_of(qemu, "total_ms")
            verdict(o / q <= 0.5, "paused 1 GiB total time <= 0.5x QEMU's: "
                    "median %d ms vs %d ms = %.2fx (preempt %s)" %
                    (o, q, o / q, pre))
            for name, runs in (("ours", ours), ("QEMU", qemu)):
                out.append("info   paused %s, %d runs: total ms %s; CPU-s "
                           "median src %.2f, dst %.2f (preempt %s)" % (
                               name, len(runs),
                               " ".join(str(r["total_ms"]) for r in runs),
                               median_of(runs, "src_cpu"),
                               median_of(runs, "dst_cpu"), pre))
        lat = res.get(("ours", "latency", pre))
        if lat and lat.get("b_p50_us") and floor:
            fl = floor["stall_p50_us"]
            verdict(lat["b_p50_us"] <= 2 * fl, "(b) vCPU stall p50 <= 2x "
                    "the floor: %.1f us vs floor %.1f us = %.2fx (preempt "
                    "%s)" % (lat["b_p50_us"], fl, lat["b_p50_us"] / fl, pre))
        qlat = res.get(("qemu", "latency", pre))
        if lat and lat.get("a_p50"):
            if qlat and qlat.get("a_p50"):
                # Both sides as the same log2-bucket estimate; QEMU's exact
                # trace figure beside it.
                for pct in ("p50", "p99"):
                    o = lat["a_" + pct]["est_us"]
                    q = qlat["a_" + pct]["est_us"]
                    verdict(o < q, "(a) %s below QEMU's: %.0f vs %.0f us "
                            "= %.2fx (QEMU exact %.0f us, of which tracing "
                            "~%.1f; preempt %s)" % (
                                pct, o, q, o / q,
                                qlat["a_exact_%s_us" % pct],
                                qlat.get("trace_line_us", 0), pre))
            else:
                out.append("n/a    (a) below QEMU's: QEMU's latency case "
                           "did not run (preempt %s)" % pre)
        if lat and qlat and qlat["total_ms"]:
            out.append("info   latency total time %d vs QEMU %d ms = %.2fx"
                       "; (b) p50 %s vs %s us, p99 %s vs %s us (preempt "
                       "%s)" % (lat["total_ms"], qlat["total_ms"],
                                lat["total_ms"] / qlat["total_ms"],
                                fmt(lat.get("b_p50_us")),
                                fmt(qlat.get("b_p50_us")),
                                fmt(lat.get("b_p99_us")),
                                fmt(qlat.get("b_p99_us")), pre))
            out.append("info   QEMU trace: %d requests, %d matched, %d "
                       "already placed; blocktime %s ms, vCPU %s ms; "
                       "walker stalls %d (preempt %s)" % (
                           qlat.get("trace_requests", 0),
                           qlat.get("a_samples", 0),
                           qlat.get("trace_unmatched", 0),
                           qlat.get("postcopy-blocktime", "-"),
                           qlat.get("postcopy-vcpu-blocktime", "-"),
                           qlat.get("stalls", 0), pre))
    off, on = res.get(("ours", "latency", "off")), res.get(
        ("ours", "latency", "on"))
    if off and on and off.get("b_p50_us") and on.get("b_p50_us"):
        # Faster = a shorter mean stall (the guest's total wait per
        # fault); p50 and p99 shown beside it.
        verdict(on["b_mean_us"] < off["b_mean_us"],
                "preempt faster than without: (b) mean %.1f vs %.1f us "
                "(p50 %.1f vs %.1f, p99 %.1f vs %.1f us)" % (
                    on["b_mean_us"], off["b_mean_us"], on["b_p50_us"],
                    off["b_p50_us"], on["b_p99_us"], off["b_p99_us"]))
    return out


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--ram-mib", type=int, default=1024,
                   help="guest RAM in MiB (default 1024; at least 128: the "
                        "A-B guest walks 1..100 MiB)")
    p.add_argument("--cases", default=",".join(CASES),
                   help="paused, dirtying, latency")
    p.add_argument("--preempt", default="off,on", help="off, on")
    p.add_argument("--throttle-mib", type=int, default=16,
                   help="max-postcopy-bandwidth in MiB/s of the latency "
                        "case (default 16)")
    p.add_argument("--floor-pages", type=int, default=20000)
    p.add_argument("--paused-rounds", type=int, default=3,
                   help="runs of the paused case per emulator, ours and "
                        "QEMU's interleaved; the target compares medians "
                        "(default 3: single runs on a VM vary 2-7x, "
                        "docs/devel/benchmarks.rst)")
    p.add_argument("--peer", default=shutil.which("qemu-system-x86_64"))
    p.add_argument("--no-peer", metavar="REASON")
    p.add_argument("--deadline", type=float, default=300.0)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--dry-run", action="store_true")
    a = p.parse_args(argv)
    a.cases = [c for c in a.cases.split(",") if c]
    for c in a.cases:
        if c not in CASES:
            p.error("--cases: unknown case '%s' (expected %s)" %
                    (c, ", ".join(CASES)))
    if a.paused_rounds < 1:
        p.error("--paused-rounds must be at least 1")
    a.preempt = [x for x in a.preempt.split(",") if x]
    for x in a.preempt:
        if x not in ("off", "on"):
            p.error("--preempt: '%s' is not off or on" % x)
    if not 128 <= a.ram_mib <= mb.OUR_MAX_MIB:
        p.error("--ram-mib: %d is outside 128..%d" %
                (a.ram_mib, mb.OUR_MAX_MIB))
    if a.throttle_mib < 1:
        p.error("--throttle-mib: must be at least 1")
    if a.deadline <= 0:
        p.error("--deadline: must be positive")
    return a


def main(argv):
    a = parse_args(argv)
    ours = Emulator("ours", os.path.join(a.build, "qemu-system-cr16"),
                    "virt")
    peer = None
    if a.no_peer:
        print("peer skipped: %s" % a.no_peer)
    elif not a.peer:
        print("peer skipped: qemu-system-x86_64 is not installed")
    else:
        peer = Emulator("qemu", a.peer, "pc")
    plan = []
    for case in a.cases:
        for pre in a.preempt:
            # The paused case's CPU cost on this VM is bimodal for either
            # emulator (the first write to a fresh page), so its rounds
            # alternate between the two and the target takes medians.
            for _ in range(a.paused_rounds if case == "paused" else 1):
                plan.append((ours, case, pre))
                if peer and case in ("paused", "latency"):
                    plan.append((peer, case, pre))
    if a.dry_run:
        for emu, case, pre in plan:
            print("%s %s preempt=%s: %s" % (
                emu.name, case, pre, " ".join(emu.argv(
                    "Q", mb.ram_args("random", a.ram_mib,
                                     {"random": "RANDOM"}, False, False),
                    False))))
        return 0
    with open("/proc/loadavg") as f:
        print("load average at start: %s" % " ".join(f.read().split()[:3]))
    workdir = tempfile.mkdtemp(prefix="cr16-pcbench.")
    rows = []
    floor = None
    try:
        floor = run_floor(a.build, a.floor_pages)
        print("floor (uffd-floor, %d pages): stall p50 %.1f us, p99 %.1f "
              "us; handler p50 %.1f us, p99 %.1f us" % (
                  floor["pages"], floor["stall_p50_us"],
                  floor["stall_p99_us"], floor["handler_p50_us"],
                  floor["handler_p99_us"]), flush=True)
        files = mb.make_files(workdir, ["random"], a.ram_mib, False)
        guest = build_guest(a.build, workdir,
                            any(e is peer for e, c, p in plan
                                if c == "latency"))
        if guest.get("x86"):
            guest["x86"]["trace_line_us"] = peer_x86.trace_line_cost_us(
                workdir)
            print("x86 walker built; host TSC %.3f GHz; one trace line "
                  "costs %.1f us (median write)" % (
                      guest["x86"]["tsc_hz"] / 1e9,
                      guest["x86"]["trace_line_us"]))
        elif "x86_error" in guest:
            # Without gcc/ld there is no guest for QEMU to fault with.
            print("QEMU's latency case skipped: %s" % guest["x86_error"])
            plan = [(e, c, p) for e, c, p in plan
                    if not (e is peer and c == "latency")]
        for emu, case, pre in plan:
            row = {"emu": emu.name, "case": case, "preempt": pre,
                   "result": None}
            try:
                row["result"] = migrate_case(emu, case, pre == "on", files,
                                             workdir, a, guest)
            except (BenchError, QMPError, OSError, peer_x86.PeerError) as e:
                row["error"] = "failed: %s" % e
            m = row["result"]
            print("  %s %s preempt=%s: %s" % (
                emu.name, case, pre,
                "%d ms, %d faults, (b) p50 %s us" % (
                    m["total_ms"], m["requests"], fmt(m.get("b_p50_us")))
                if m else row["error"]), flush=True)
            rows.append(row)
        again = run_floor(a.build, a.floor_pages)
        print("floor at end: stall p50 %.1f us, p99 %.1f us" % (
            again["stall_p50_us"], again["stall_p99_us"]))
        # The floor is the best the machine did in this run.
        if again["stall_p50_us"] < floor["stall_p50_us"]:
            floor = again
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    with open("/proc/loadavg") as f:
        print("load average at end: %s" % " ".join(f.read().split()[:3]))
    print()
    print_table(rows)
    print()
    for line in check_targets(rows, floor):
        print(line)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"floor": floor, "rows": rows}, f, indent=1)
    return 1 if any(r["result"] is None for r in rows) else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, mb._terminate)
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as e:
        print("postcopy-bench: %s" % e, file=sys.stderr)
        sys.exit(1)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`make soak`: migrate a dirtying guest back and forth many times.

Two process slots, L and R.  The A-B guest (tests/qtest/migration/cr16/
a-b-bootblock.S: it increments a byte of every page of [1 MiB, RAM end)
forever) runs in one; each round starts a destination in the other slot
(-incoming defer -S), migrates to it with the next mode of MODES, and
then:
  - compares x-query-ram-digest of every RAM block on both sides: the
    source is stopped (postmigrate) and the destination was started with
    -S, so both hash the moment of the switchover; a mismatch is a
    failure;
  - records the source's total-time and downtime and the destination's
    resident set size (VmRSS) right after loading;
  - starts the guest on the destination, checks that it runs (its
    'B' count grows), and ends the source.
So the VM crosses between the two slots every round, always in a fresh
process, while --load busy loops keep the CPUs contended.

A mode whose capability or parameter a process refuses is skipped for
the rest of the run, the report says so, and the soak fails.  Adding a
mode is one line in MODES.

The report: rounds per mode, failures (must be 0), the distributions of
total time and downtime, and RSS growth of the destination from the
first tenth of the rounds to the last tenth (must stay flat).  Exit
status 1 on any failure or RSS growth above --rss-limit-pct.

usage: soak.py [--build BUILD] [--migrations N] [--ram 32M] [--load N]
               [--modes precopy,postcopy,...] [--json FILE]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRC, "scripts"))
from qmp import QMP, QMPError, wait_for_socket  # noqa: E402

# name: capabilities set on both sides, parameters set on both sides,
# whether to switch to postcopy after the first pass, TLS (PSK): every
# process has a server and a client credentials object, because a
# destination becomes the next round's source, and tls-creds names the
# one for its role.
MODES = [
    {"name": "precopy", "caps": [], "params": {}},
    {"name": "postcopy", "caps": ["postcopy-ram"], "params": {},
     "postcopy": True},
    {"name": "multifd", "caps": ["multifd"],
     "params": {"multifd-channels": 2}},
    {"name": "tls", "caps": [], "params": {}, "tls": True},
    {"name": "multifd-zstd", "caps": ["multifd"],
     "params": {"multifd-channels": 2, "multifd-compression": "zstd"}},
    {"name": "multifd-tls", "caps": ["multifd"],
     "params": {"multifd-channels": 2}, "tls": True},
    {"name": "multifd-zlib", "caps": ["multifd"],
     "params": {"multifd-channels": 3, "multifd-compression": "zlib"}},
    {"name": "multifd-postcopy", "caps": ["multifd", "postcopy-ram"],
     "params": {"multifd-channels": 2}, "postcopy": True},
]

# What configure() puts back when the round's mode does not set a
# parameter that another mode of the run sets (QEMU's defaults).
PARAM_DEFAULTS = {"multifd-channels": 2, "multifd-compression": "none"}

TLS_CREDS = {True: "tls-server", False: "tls-client"}   # by incoming

# Every round's source: the downtime limit grows by RAMP_STEP_MS at each
# pass after the bulk pass, up to --ramp-max.  The guest dirties all of
# its RAM; on a loaded machine TLS or compression may never send it
# within the fixed 300 ms, and the round would only end when the
# scheduler happened to starve the vCPU.  The ramp makes every round
# converge and the downtime figures show what that cost.
RAMP_STEP_MS = 100

ROUND_TIMEOUT = 180.0      # one migration, from migrate to completed


class RoundFailure(Exception):
    pass


class Refused(Exception):
    pass


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RoundFailure("no VmRSS for pid %d" % pid)


class Vm:
    """One qemu-system-cr16 process in a slot."""

    def __init__(self, args, tmp, slot, gen, incoming):
        self.slot = slot
        self.sock = os.path.join(tmp, "%s%d.qmp" % (slot, gen))
        self.serial = os.path.join(tmp, "%s%d.serial" % (slot, gen))
        self.mig = os.path.join(tmp, "%s%d.mig" % (slot, gen))
        cmd = [args.binary,
               "-M", "virt", "-accel", "tcg", "-m", args.ram,
               "-display", "none", "-serial", "file:" + self.serial,
               "-kernel", args.guest,
               "-qmp", "unix:%s,server=on,wait=off" % self.sock]
        if args.tls_dir:
            cmd += ["-object", "tls-creds-psk,id=%s,endpoint=server,dir=%s"
                    % (TLS_CREDS[True], args.tls_dir),
                    "-object", "tls-creds-psk,id=%s,endpoint=client,dir=%s,"
                    "username=qemu" % (TLS_CREDS[False], args.tls_dir)]
        if incoming:
            cmd += ["-incoming", "defer", "-S"]
        self.log = open(os.path.join(tmp, "%s%d.log" % (slot, gen)), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for_socket(self.sock)
        self.qmp = QMP(self.sock)

    def status(self):
        return self.qmp.cmd("query-migrate")

    def digests(self):
        return {d.get("block", "?"): d["digest"]
                for d in self.qmp.cmd("x-query-ram-digest")}

    def b_count(self):
        try:
            with open(self.serial, "rb") as f:
                return f.read().count(b"B")
        except FileNotFoundError:
            return 0

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.qmp.cmd("quit")
                self.proc.wait(timeout=20)
            except (QMPError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.qmp.close()
        self.log.close()
        if self.proc.returncode not in (0, -9):
            raise RoundFailure("%s exited with status %d" %
                               (self.slot, self.proc.returncode))


def wait_until(what, pred, timeout):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise RoundFailure("timed out waiting for " + what)
        time.sleep(0.02)


def configure(vm, mode, live, incoming, ramp_max=0):
    """Set mode on vm, and undo what the other live modes set: a source is
    the previous round's destination, configured for that round."""
    caps = {c: False for m in live for c in m["caps"]}
    caps.update({c: True for c in mode["caps"]})
    params = {p: PARAM_DEFAULTS[p] for m in live for p in m["params"]}
    if any(m.get("tls") for m in live):
        params["tls-creds"] = ""
    params.update(mode["params"])
    if mode.get("tls"):
        params["tls-creds"] = TLS_CREDS[incoming]
    if ramp_max and not incoming:
        params["x-downtime-ramp-step"] = RAMP_STEP_MS
        params["x-downtime-ramp-max"] = ramp_max
    try:
        if caps:
            vm.qmp.cmd("migrate-set-capabilities", capabilities=[
                {"capability": c, "state": v} for c, v in caps.items()])
        if params:
            vm.qmp.cmd("migrate-set-parameters", **params)
    except QMPError as e:
        raise Refused(str(e))


def migrate_once(src, dst, mode, live, ramp_max):
    """One migration src -> dst; returns the round's figures."""
    configure(dst, mode, live, incoming=True)
    configure(src, mode, live, incoming=False, ramp_max=ramp_max)
    dst.qmp.cmd("migrate-incoming", uri="unix:" + dst.mig)
    src_rss = rss_kib(src.proc.pid)
    src.qmp.cmd("migrate", uri="unix:" + dst.mig)
    if mode.get("postcopy"):
        # Switch after the first pass, while the guest keeps dirtying.
        wait_until("the first pass", lambda: src.status().get("ram", {})
                   .get("dirty-sync-count", 0) >= 1 or
                   src.status()["status"] != "active", ROUND_TIMEOUT)
        if src.status()["status"] == "active":
            src.qmp.cmd("migrate-start-postcopy")

    def done():
        st = src.status()
        if st["status"] in ("failed", "cancelled"):
            raise RoundFailure("source %s: %s" % (st["status"],
                                                  st.get("error-desc", "")))
        return st if st["status"] == "completed" else None
    info = wait_until("the source to complete", done, ROUND_TIMEOUT)

    def dst_done():
        st = dst.status()
        if st.get("status") in ("failed", "cancelled"):
            raise RoundFailure("destination %s: %s" %
                               (st["status"], st.get("error-desc", "")))
        return st.get("status") == "completed"
    wait_until("the destination to complete", dst_done, ROUND_TIMEOUT)

    a, b = src.digests(), dst.digests()
    if not a or a != b:
        raise RoundFailure("RAM digests differ: source %s destination %s" %
                           (a, b))
    dst_rss = rss_kib(dst.proc.pid)
    before = dst.b_count()
    dst.qmp.cmd("cont")
    # The guest must run on the destination: it prints a 'B' per batch.
    wait_until("the guest to run on the destination",
               lambda: dst.b_count() > before, 60)
    return {"mode": mode["name"], "total_ms": info.get("total-time", 0),
            "downtime_ms": info.get("downtime", 0), "dst_rss_kib": dst_rss,
            "src_rss_kib": src_rss}


def dist(values):
    if not values:
        return "-"
    v = sorted(values)
    p90 = v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]
    return "min %d  median %d  p90 %d  max %d" % (
        v[0], statistics.median(v), p90, v[-1])


def make_psk_dir(tmp):
    d = os.path.join(tmp, "tls")
    os.makedirs(d)
    with open(os.path.join(d, "keys.psk"), "w") as f:
        f.write("qemu:%s\n" % os.urandom(32).hex())
    return d


def start_load(n):
    code = "while True:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", code])
            for _ in range(n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--migrations", type=int, default=200)
    ap.add_argument("--ram", default="32M")
    ap.add_argument("--load", type=int, default=1,
                    help="busy-loop processes competing for the CPUs")
    ap.add_argument("--modes", help="comma-separated subset of: " +
                    ",".join(m["name"] for m in MODES))
    ap.add_argument("--rss-limit-pct", type=float, default=10.0)
    ap.add_argument("--ramp-max", type=int, default=5000,
                    help="x-downtime-ramp-max in ms for every source "
                    "(0: the fixed downtime-limit, as QEMU)")
    ap.add_argument("--json", help="write every round's figures here")
    args = ap.parse_args()

    modes = MODES
    if args.modes:
        want = args.modes.split(",")
        modes = [m for m in MODES if m["name"] in want]
        if len(modes) != len(want):
            sys.exit("soak: unknown mode in %s" % args.modes)

    tmp = tempfile.mkdtemp(prefix="soak.")
    # Run copies: a rebuild of BUILD during the soak must not disturb it.
    args.binary = shutil.copy(os.path.join(args.build, "qemu-system-cr16"),
                              tmp)
    args.guest = shutil.copy(os.path.join(args.build, "tests", "tcg", "cr16",
                                          "a-b-bootblock.bin"), tmp)
    args.tls_dir = make_psk_dir(tmp) if any(m.get("tls") for m in modes) \
        else None
    load = start_load(args.load)
    refused = {}
    rounds = []
    failures = []
    start = time.monotonic()
    slots = ("L", "R")
    src = None
    try:
        src = Vm(args, tmp, "L", 0, incoming=False)
        wait_until("the guest's first 'B'", lambda: src.b_count() > 0, 60)
        i = 0
        gen = 0
        while len(rounds) + len(failures) < args.migrations:
            live = [m for m in modes if m["name"] not in refused]
            if not live:
                break
            mode = live[i % len(live)]
            i += 1
            gen += 1
            dst = None
            try:
                dst = Vm(args, tmp, slots[gen % 2], gen, incoming=True)
                r = migrate_once(src, dst, mode, live, args.ramp_max)
            except Refused as e:
                refused[mode["name"]] = str(e)
                print("soak: mode %s refused, skipped: %s" %
                      (mode["name"], e), flush=True)
                dst.stop()
                # The next round's configure() undoes what was taken.
                continue
            except (RoundFailure, QMPError, OSError) as e:
                n = len(rounds) + len(failures) + 1
                failures.append({"round": n, "mode": mode["name"],
                                 "error": str(e)})
                print("soak: round %d (%s) FAILED: %s" % (n, mode["name"], e),
                      flush=True)
                # Keep whichever side runs the guest; end the other.
                st = src.status().get("status") if src.proc.poll() is None \
                    else None
                if st == "completed" and dst:
                    src.stop()
                    src = dst
                    src.qmp.cmd("cont")
                elif dst:
                    dst.proc.kill()
                    dst.stop()
                continue
            src.stop()
            src = dst
            rounds.append(r)
            print("soak: %3d %-12s total %5d ms downtime %4d ms rss %d KiB"
                  % (len(rounds) + len(failures), r["mode"], r["total_ms"],
                     r["downtime_ms"], r["dst_rss_kib"]), flush=True)
    finally:
        if src:
            try:
                src.stop()
            except RoundFailure as e:
                failures.append({"round": "end", "mode": "-",
                                 "error": str(e)})
        for p in load:
            p.kill()
            p.wait()
    elapsed = time.monotonic() - start

    print("\n== soak: %d migrations in %.0f s, %d failed, RAM %s, %d load "
          "process(es)" % (len(rounds) + len(failures), elapsed,
                           len(failures), args.ram, args.load))
    for m in modes:
        if m["name"] in refused:
            print("  %-12s skipped: %s" % (m["name"], refused[m["name"]]))
            continue
        rs = [r for r in rounds if r["mode"] == m["name"]]
        print("  %-12s %3d rounds" % (m["name"], len(rs)))
        print("      total-time ms  %s" % dist([r["total_ms"] for r in rs]))
        print("      downtime ms    %s" % dist([r["downtime_ms"] for r in rs]))
    for f in failures:
        print("  FAILED round %s (%s): %s" % (f["round"], f["mode"],
                                               f["error"]))
    growth_pct = 0.0
    if len(rounds) >= 10:
        k = max(1, len(rounds) // 10)
        first = statistics.median(r["dst_rss_kib"] for r in rounds[:k])
        last = statistics.median(r["dst_rss_kib"] for r in rounds[-k:])
        growth_pct = 100.0 * (last - first) / first
        print("  destination RSS after loading: first %d rounds median %d "
              "KiB, last %d rounds median %d KiB: %+.1f%% (limit %.0f%%)" %
              (k, first, k, last, growth_pct, args.rss_limit_pct))
        print("  RSS over all rounds: %s KiB" %
              dist([r["dst_rss_kib"] for r in rounds]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rounds": rounds, "failures": failures,
                       "refused": refused, "elapsed_s": elapsed}, f,
                      indent=1)
    shutil.rmtree(tmp, ignore_errors=True)
    # A refused mode is a failure too: every mode of MODES has landed.
    bad = failures or refused or growth_pct > args.rss_limit_pct or \
        not rounds
    print("soak: %s" % ("FAILED" if bad else "passed"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

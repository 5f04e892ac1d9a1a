#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Convergence benchmark (issue 12): does a busy guest's migration finish?

The guest is an idle CPU plus migration-testdev's dirtier rewriting an
8 MiB working set at a set multiple of the migration bandwidth (16 MiB/s,
max-bandwidth). For 1.2x, 2x and 5x it migrates, over a unix socket:

  plain     QEMU's behaviour: downtime-limit 300 ms, nothing else;
  ramp      x-downtime-ramp 100 ms + 100 ms per pass, at most 1000 ms;
  budget    x-completion-budget-ms 6000 with action postcopy;
  pause     x-completion-budget-ms 6000 with action pause;

and reports time to completion, downtime, passes and the figures
query-migrate's convergence member gave. A case that has not completed
after --limit seconds (default 12) is cancelled and reported as such.

Usage: convergence-bench.py [--build DIR] [--limit S] [--json FILE]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from qmp import QMP, QMPError, wait_for_socket  # noqa: E402

MiB = 1 << 20
BANDWIDTH = 16 * MiB
WORKING_SET = 8 * MiB
DIRTY_BASE = 0x01000000
MULTIPLIERS = (1.2, 2.0, 5.0)
MODES = {
    "plain": {},
    "ramp": {"x-downtime-ramp-initial": 100, "x-downtime-ramp-step": 100,
             "x-downtime-ramp-max": 1000},
    "budget": {"x-completion-budget-ms": 6000,
               "x-completion-budget-action": "postcopy"},
    "pause": {"x-completion-budget-ms": 6000,
              "x-completion-budget-action": "pause"},
}
# `wait` with interrupts off: the CPU idles, only the dirtier writes.
IDLE_GUEST = bytes([0x06, 0x00, 0x06, 0x00])


def start(qemu, tmp, name, extra):
    qmp = os.path.join(tmp, name + ".qmp")
    argv = [qemu, "-M", "virt", "-m", "128M", "-display", "none",
            "-nodefaults", "-kernel", os.path.join(tmp, "idle.bin"),
            "-device", "migration-testdev,id=dirtier,dirty-base=%#x,"
            "dirty-size=%#x" % (DIRTY_BASE, WORKING_SET),
            "-qmp", "unix:%s,server=on,wait=off" % qmp] + extra
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_socket(qmp)
    return proc, QMP(qmp)


def run_case(qemu, tmp, mult, mode, limit):
    sock = os.path.join(tmp, "mig.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    src, sq = start(qemu, tmp, "src", [])
    dst, dq = start(qemu, tmp, "dst", ["-incoming", "unix:" + sock])
    try:
        postcopy = MODES[mode].get("x-completion-budget-action") == "postcopy"
        caps = [{"capability": "events", "state": True}]
        if postcopy:
            caps.append({"capability": "postcopy-ram", "state": True})
            dq.cmd("migrate-set-capabilities", capabilities=caps[1:])
        sq.cmd("migrate-set-capabilities", capabilities=caps)
        params = {"max-bandwidth": BANDWIDTH, "x-convergence-report": True}
        params.update(MODES[mode])
        sq.cmd("migrate-set-parameters", **params)
        rate = int(mult * BANDWIDTH / 4096 / 1000 + 0.5)
        sq.cmd("qom-set", path="/machine/peripheral/dirtier",
               property="dirty-pages-per-ms", value=rate)
        # Let it dirty the whole working set once before migrating.
        deadline = time.monotonic() + 10
        while sq.cmd("qom-get", path="/machine/peripheral/dirtier",
                     property="dirty-count") < WORKING_SET // 4096:
            if time.monotonic() > deadline:
                raise QMPError("the dirtier did not run")
            time.sleep(0.01)
        sq.cmd("migrate", uri="unix:" + sock)
        t0 = time.monotonic()
        last = {}
        while True:
            info = sq.cmd("query-migrate")
            if info.get("convergence"):
                last = info["convergence"]
            st = info.get("status")
            if st in ("completed", "failed", "cancelled"):
                break
            if time.monotonic() - t0 > limit:
                sq.cmd("migrate_cancel")
                st = "not done in %d s" % limit
                info = sq.cmd("query-migrate")
                break
            time.sleep(0.02)
        decision = last.get("budget-decision")
        return {
            "multiplier": mult, "mode": mode, "dirty_pages_per_ms": rate,
            "status": st,
            "total_ms": info.get("total-time"),
            "downtime_ms": info.get("downtime"),
            "passes": info.get("ram", {}).get("dirty-sync-count"),
            "limit_ms": last.get("downtime-limit"),
            "decision": decision and "%s at %d ms" % (
                decision["action"], decision["elapsed-ms"]),
        }
    finally:
        for p in (src, dst):
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--limit", type=float, default=12.0)
    ap.add_argument("--json")
    args = ap.parse_args()
    qemu = os.path.join(args.build, "qemu-system-cr16")
    tmp = tempfile.mkdtemp(prefix="cr16-conv-bench.")
    results = []
    try:
        with open(os.path.join(tmp, "idle.bin"), "wb") as f:
            f.write(IDLE_GUEST)
        print("guest dirties an %d MiB working set; max-bandwidth %d MiB/s"
              % (WORKING_SET // MiB, BANDWIDTH // MiB))
        print("%-5s %-7s %-18s %9s %9s %6s %8s  %s" %
              ("dirty", "mode", "status", "total ms", "down ms", "passes",
               "limit ms", "budget decision"))
        for mult in MULTIPLIERS:
            for mode in MODES:
                r = run_case(qemu, tmp, mult, mode, args.limit)
                results.append(r)
                print("%-5s %-7s %-18s %9s %9s %6s %8s  %s" % (
                    "%.1fx" % mult, mode, r["status"],
                    r["total_ms"] if r["status"] == "completed" else "-",
                    r["downtime_ms"] if r["status"] == "completed" else "-",
                    r["passes"] or "-", r["limit_ms"],
                    r["decision"] or "-"))
                sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`make demo`: live-migrate a running CR16C guest between two processes.

Starts a source qemu-system-cr16 running the demo guest (it prints
"tick N" lines and dirties 7 MiB of RAM between them) and a destination
waiting with -incoming, migrates over a unix socket while printing a live
progress line from query-migrate, then prints a summary and shows the
guest's serial output continuing on the destination.

Usage: migration-demo.py [BUILD] [--record FILE.jsonl]
--record writes every query-migrate sample and MIGRATION/MIGRATION_PASS
event as JSON lines and, at the end, draws them with
scripts/migration-report.py into FILE.png (or says why it could not).
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import QMP, QMPError, wait_for_socket  # noqa: E402

MiB = 1024 * 1024


def wait_serial(path, text, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                data = f.read()
            if text in data:
                return data
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            sys.exit("demo: guest did not print %r in %.0f s" % (text, timeout))
        time.sleep(0.05)


def last_line(path):
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    return lines[-1] if lines else ""


def progress_line(info):
    """One line per sample. With convergence reporting on (the demo turns
    it on) the figures are the emulator's own: a progress fraction that
    never runs backwards, the smoothed rates and the ETA."""
    ram = info.get("ram", {})
    conv = info.get("convergence")
    remaining = ram.get("remaining", 0)
    if conv is None:
        total = ram.get("total", 0)
        done = 100.0 * (total - remaining) / total if total else 0.0
        return ("\r  %-9s pass %-3d %5.1f%%  %8.1f MB/s  remaining %7.2f MiB"
                "  expected downtime %4d ms" %
                (info.get("status", "?"), ram.get("dirty-sync-count", 0),
                 done, ram.get("mbps", 0.0) / 8, remaining / MiB,
                 info.get("expected-downtime", 0)))
    eta = ("ETA %5.1f s (%3d%%)" % (conv["eta-ms"] / 1000.0,
                                    conv["eta-confidence"])
           if "eta-ms" in conv else "ETA   never      ")
    return ("\r  %-9s pass %-3d %5.1f%%  %6.1f MiB/s out  %6.1f MiB/s dirty"
            "  remaining %6.2f MiB  %s  limit %4d ms" %
            (info.get("status", "?"), conv["iteration"],
             100.0 * conv["progress"], conv["transfer-rate"] / MiB,
             conv["dirty-rate"] / MiB, remaining / MiB, eta,
             conv["downtime-limit"]))


class Recorder:
    """JSON lines of samples and events for scripts/migration-report.py."""

    def __init__(self, path):
        self.path = path
        self.f = open(path, "w") if path else None

    def sample(self, info, qmp):
        if not self.f:
            return
        for ev in qmp.events:
            if ev.get("event") in ("MIGRATION", "MIGRATION_PASS"):
                ts = ev.get("timestamp", {})
                t = ts.get("seconds", 0) + ts.get("microseconds", 0) / 1e6
                self.f.write(json.dumps({"t": t, "event": ev["event"],
                                         "data": ev.get("data", {})}) + "\n")
        del qmp.events[:]
        self.f.write(json.dumps({"t": time.time(), "sample": info}) + "\n")

    def finish(self):
        if not self.f:
            return
        self.f.close()
        png = os.path.splitext(self.path)[0] + ".png"
        report = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "migration-report.py")
        # Debian's python3-matplotlib belongs to the system Python, which
        # may not be the one running this script (a pyenv or venv).
        for py in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
            if not os.path.exists(py):
                continue
            r = subprocess.run([py, report, self.path, png],
                               capture_output=True, text=True)
            if r.returncode != 2:       # 2: matplotlib missing there
                break
        if r.returncode == 0:
            print("== Migration picture: %s (data: %s)" % (png, self.path))
        else:
            print("== No migration picture: %s (data kept in %s)" %
                  (r.stderr.strip().replace("migration-report: ", ""),
                   self.path))


def parse_args(argv):
    build, record = "build", None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--record":
            if not args:
                sys.exit("migration-demo: --record needs a file name")
            record = args.pop(0)
        else:
            build = a
    return build, record


def main():
    build, record_path = parse_args(sys.argv[1:])
    rec = Recorder(record_path)
    qemu = os.path.join(build, "qemu-system-cr16")
    guest = os.path.join(build, "demo", "demo-guest.bin")
    tmp = tempfile.mkdtemp(prefix="cr16-demo.")
    common = [qemu, "-M", "virt", "-m", "64M", "-display", "none",
              "-kernel", guest]
    procs = []
    try:
        print("== Starting the source: the demo guest on the virt board")
        src = subprocess.Popen(common + [
            "-serial", "file:" + tmp + "/src.serial",
            "-qmp", "unix:%s/src.qmp,server=on,wait=off" % tmp])
        procs.append(src)
        print("== Starting the destination: -incoming unix:%s/mig.sock" % tmp)
        dst = subprocess.Popen(common + [
            "-serial", "file:" + tmp + "/dst.serial",
            "-qmp", "unix:%s/dst.qmp,server=on,wait=off" % tmp,
            "-incoming", "unix:%s/mig.sock" % tmp])
        procs.append(dst)
        wait_for_socket(tmp + "/src.qmp")
        wait_for_socket(tmp + "/dst.qmp")
        sq, dq = QMP(tmp + "/src.qmp"), QMP(tmp + "/dst.qmp")
        print(wait_serial(tmp + "/src.serial", "tick 2").rstrip())
        print("== Source status: %s; destination status: %s" %
              (sq.cmd("query-status")["status"],
               dq.cmd("query-status")["status"]))
        # A modest bandwidth so the passes are visible.
        sq.cmd("migrate-set-capabilities", capabilities=[
            {"capability": "events", "state": True}])
        # A modest bandwidth so the passes are visible: the guest keeps
        # 7 MiB dirty, which fits 16 MiB/s x 500 ms, so it converges.
        sq.cmd("migrate-set-parameters", **{"max-bandwidth": 16 * MiB,
                                             "downtime-limit": 500,
                                             "x-convergence-report": True})
        print("== migrate uri=unix:%s/mig.sock (max-bandwidth 16 MiB/s, "
              "downtime-limit 500 ms)" % tmp)
        before = last_line(tmp + "/src.serial")
        sq.cmd("migrate", uri="unix:%s/mig.sock" % tmp)
        deadline = time.monotonic() + 120
        tty = sys.stdout.isatty()
        last_shown = 0.0
        while True:
            info = sq.cmd("query-migrate")
            rec.sample(info, sq)
            now = time.monotonic()
            if tty:
                sys.stdout.write(progress_line(info))
            elif now - last_shown >= 0.25 or \
                    info.get("status") in ("completed", "failed"):
                # Not a terminal: one line per quarter second.
                sys.stdout.write(progress_line(info).lstrip("\r") + "\n")
                last_shown = now
            sys.stdout.flush()
            if info.get("status") in ("completed", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                sys.exit("\ndemo: migration did not finish in 120 s")
            time.sleep(0.05)
        if tty:
            print()
        if info["status"] != "completed":
            sys.exit("demo: migration %s: %s" %
                     (info["status"], info.get("error-desc", "")))
        ram = info["ram"]
        print("== Summary: total %d ms, downtime %d ms, setup %d ms, "
              "%d passes, %.1f MiB sent, %.1f MB/s" %
              (info["total-time"], info["downtime"], info.get("setup-time", 0),
               ram["dirty-sync-count"], ram["transferred"] / MiB,
               ram["mbps"] / 8))
        # The destination starts the guest once it has loaded everything;
        # that may be a moment after the source reports completion.
        deadline = time.monotonic() + 30
        while dq.cmd("query-status")["status"] != "running":
            if time.monotonic() > deadline:
                sys.exit("demo: the destination did not start the guest")
            time.sleep(0.02)
        print("== Source is now %s; destination is %s" %
              (sq.cmd("query-status")["status"],
               dq.cmd("query-status")["status"]))
        print("== Last line the source printed: %r" % before)
        n = open(tmp + "/dst.serial").read().count("tick")
        wait_serial(tmp + "/dst.serial", "tick", 30)
        deadline = time.monotonic() + 30
        while open(tmp + "/dst.serial").read().count("tick") < n + 3:
            if time.monotonic() > deadline:
                sys.exit("demo: the guest did not continue on the destination")
            time.sleep(0.05)
        print("== The guest continues on the destination:")
        print(open(tmp + "/dst.serial").read().rstrip())
        sq.cmd("quit")
        dq.cmd("quit")
    except QMPError as e:
        sys.exit("demo: %s" % e)
    finally:
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    rec.finish()
    print("== Demo finished")


if __name__ == "__main__":
    main()

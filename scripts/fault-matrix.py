#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the migration fault matrix and print it as a table.

  fault-matrix.py BUILD_DIR [--repeat N] [--load N] [--rst]

Runs BUILD_DIR/tests/qtest/migration-test with MIGRATION_TEST_GROUP=fault
(each cell --repeat times, with --load busy processes competing for the
CPUs), collects the outcome every cell reported, and prints one row per
state and one column per fault: "<passed>/<runs> <outcome>" or "n/a" with
a numbered reason; a disk-full outcome says how the disk was made full
("[tmpfs]" or "[rlimit]").  Exit status 1 if any cell failed.
docs/devel/migration/fault-matrix.rst holds its output.
"""

import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile

STATES = ["setup", "active", "pre-switchover", "device", "postcopy-device",
          "postcopy-active", "postcopy-paused", "postcopy-recover-setup",
          "postcopy-recover", "completed"]
FAULTS = ["kill-src", "kill-dst", "stop-src", "stop-dst", "drop",
          "blackhole", "half-close", "corrupt", "disk-full"]


def burn():
    while True:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--load", type=int, default=0,
                    help="busy processes running alongside")
    ap.add_argument("--rst", action="store_true",
                    help="reStructuredText grid (for the doc)")
    args = ap.parse_args()

    exe = os.path.join(args.build, "tests", "qtest", "migration-test")
    fd, table = tempfile.mkstemp(prefix="fault-matrix-")
    os.close(fd)
    env = dict(os.environ,
               QTEST_QEMU_BINARY=os.path.join(args.build,
                                              "qemu-system-cr16"),
               MIGRATION_TEST_GROUP="fault",
               MIGRATION_FAULT_TABLE=table,
               MIGRATION_FAULT_REPEAT=str(args.repeat))
    burners = [multiprocessing.Process(target=burn, daemon=True)
               for _ in range(args.load)]
    for b in burners:
        b.start()
    try:
        p = subprocess.run([exe, "--tap", "-k"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
    finally:
        for b in burners:
            b.terminate()
    tap = p.stdout
    if os.environ.get("FAULT_MATRIX_VERBOSE"):
        sys.stderr.write(tap)
    with open(table) as f:
        rows = [l.rstrip("\n").split(" ", 2) for l in f if l.strip()]
    os.unlink(table)

    failed = set()
    for m in re.finditer(r"^not ok \d+ /cr16/migration/fault/(\S+)/(\S+)",
                         tap, re.M):
        failed.add((m.group(1), m.group(2)))
    cells = {}
    reasons = []
    for st, fa, what in rows:
        if what.startswith("n/a"):
            why = what[len("n/a ("):-1]
            if why not in reasons:
                reasons.append(why)
            cells[(st, fa)] = "n/a [%d]" % (reasons.index(why) + 1)
            continue
        runs, outs = cells.get((st, fa), (0, set()))
        outs.add(what)
        cells[(st, fa)] = (runs + 1, outs)

    def text(st, fa):
        c = cells.get((st, fa))
        if isinstance(c, str):
            return c
        if c is None:
            return "FAILED" if (st, fa) in failed else "-"
        runs, outs = c
        # A failing run records nothing: count it as one more run.
        bad = 1 if (st, fa) in failed else 0
        return "%d/%d %s" % (runs, runs + bad, ",".join(sorted(outs)))

    grid = [["state \\ fault"] + FAULTS]
    for st in STATES:
        grid.append([st] + [text(st, fa) for fa in FAULTS])
    widths = [max(len(r[i]) for r in grid) for i in range(len(grid[0]))]
    if args.rst:
        sep = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        print(sep)
        for i, r in enumerate(grid):
            print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths))
                  + " |")
            print(sep.replace("-", "=") if i == 0 else sep)
    else:
        for r in grid:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print()
    for i, why in enumerate(reasons, 1):
        print("[%d] %s" % (i, why))
    ways = {"tmpfs": "a size-limited tmpfs filled up (ENOSPC)",
            "rlimit": "RLIMIT_FSIZE reached (EFBIG): the test could not "
                      "mount"}
    seen = sorted(set(w for _, _, what in rows for w in ways
                      if what.endswith("[%s]" % w)))
    if seen:
        print()
        for w in seen:
            print("disk-full [%s]: %s" % (w, ways[w]))
    ran = set(k for k, v in cells.items() if not isinstance(v, str))
    ran |= failed
    print()
    print("cells run: %d, passed: %d, failed: %d, not applicable: %d "
          "(each run %d time(s), %d busy process(es) alongside)" %
          (len(ran), len(ran - failed), len(failed),
           sum(1 for c in cells.values() if isinstance(c, str)),
           args.repeat, args.load))
    return 1 if failed or p.returncode else 0


if __name__ == "__main__":
    sys.exit(main())

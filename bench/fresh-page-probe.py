#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""How much CPU this machine charges for writing into fresh memory.

A postcopy destination allocates every page of the guest's RAM while the
stream runs (UFFDIO_COPY into a page that was never there), so its
CPU-seconds follow what the kernel -- and, on a VM, the hypervisor under
it -- charges for a fresh page. This probe does only that, without any
emulator: each round maps SIZE MiB of anonymous memory, fills it from a
256 KiB buffer (the size of a placing run) and unmaps it, and reports the
round's system CPU-seconds. On a machine where that cost is steady the
rounds agree within a few per cent; where they spread by 2-3x the
postcopy bench's paused case will spread as much, for any emulator
(docs/devel/migration/postcopy.rst, "Variance of the destination's CPU").
"""

import argparse
import mmap
import os
import resource
import statistics
import sys
import time

MiB = 1 << 20
RUN = 256 * 1024


def one_round(size_mib, data):
    before = resource.getrusage(resource.RUSAGE_SELF)
    m = mmap.mmap(-1, size_mib * MiB)
    try:
        for off in range(0, size_mib * MiB, RUN):
            m[off:off + RUN] = data
    finally:
        m.close()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return after.ru_stime - before.ru_stime, after.ru_utime - before.ru_utime


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size-mib", type=int, default=1024)
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--pause", type=float, default=1.5,
                   help="seconds between rounds (default 1.5)")
    a = p.parse_args(argv)
    if a.size_mib < 1 or a.rounds < 1 or a.pause < 0:
        p.error("--size-mib and --rounds must be positive, --pause >= 0")
    data = os.urandom(RUN)
    sys_s = []
    for n in range(a.rounds):
        s, u = one_round(a.size_mib, data)
        sys_s.append(s)
        print("round %d: %d MiB fresh: sys %.2f s, user %.2f s" % (
            n, a.size_mib, s, u), flush=True)
        if n + 1 < a.rounds:
            time.sleep(a.pause)
    print("sys CPU-s per %d MiB: min %.2f, median %.2f, max %.2f" % (
        a.size_mib, min(sys_s), statistics.median(sys_s), max(sys_s)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

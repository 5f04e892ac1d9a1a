#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Draw a recorded live migration.

Input: JSON lines, one object each, as scripts/migration-demo.py --record
writes them:
  {"t": SECONDS, "sample": {...query-migrate result...}}
  {"t": SECONDS, "event": "MIGRATION", "data": {"status": "active"}}
  {"t": SECONDS, "event": "MIGRATION_PASS", "data": {"pass": 2}}
Output: a PNG or SVG (by the file name) with four plots over time --
bandwidth (MB/s), remaining bytes (MiB), dirty page rate (pages/s) and
expected/actual downtime (ms) -- and one shaded band per RAM pass.

Usage: migration-report.py RECORD.jsonl OUT.png|OUT.svg
Exit status 2 when matplotlib is missing (the reason is printed).
"""
import json
import sys

MiB = 1024 * 1024


def load(path):
    """(samples, events): samples as (t, info) sorted by time."""
    samples, events = [], []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise SystemExit("%s:%d: not JSON: %s" % (path, n, e))
            if not isinstance(rec, dict) or \
                    not isinstance(rec.get("t"), (int, float)):
                raise SystemExit("%s:%d: a record needs a numeric 't'" %
                                 (path, n))
            if "sample" in rec:
                samples.append((rec["t"], rec["sample"]))
            elif "event" in rec:
                events.append((rec["t"], rec["event"], rec.get("data", {})))
    samples.sort(key=lambda s: s[0])
    if not samples:
        raise SystemExit("%s: no query-migrate samples" % path)
    return samples, events


def passes(samples, events):
    """[(start, end, number)] of the RAM passes.

    MIGRATION_PASS events mark the start of each pass; without them the
    dirty-sync-count of the samples says where passes change."""
    t0, t_end = samples[0][0], samples[-1][0]
    starts = [(t, d.get("pass")) for t, e, d in events
              if e == "MIGRATION_PASS"]
    if not starts:
        last = None
        for t, info in samples:
            n = info.get("ram", {}).get("dirty-sync-count")
            if n is not None and n != last:
                starts.append((t, n))
                last = n
    bands = []
    for i, (t, n) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else t_end
        bands.append((max(t, t0), end, n))
    return bands


def series(samples):
    t0 = samples[0][0]
    out = {"t": [], "mbps": [], "remaining": [], "dirty": [], "exp": []}
    for t, info in samples:
        ram = info.get("ram", {})
        out["t"].append(t - t0)
        out["mbps"].append(ram.get("mbps", 0.0) / 8)
        out["remaining"].append(ram.get("remaining", 0) / MiB)
        out["dirty"].append(ram.get("dirty-pages-rate", 0))
        out["exp"].append(info.get("expected-downtime", 0))
    return out


def report(path, out_path):
    samples, events = load(path)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print("migration-report: no picture: matplotlib is not available "
              "(%s); install python3-matplotlib" % e, file=sys.stderr)
        return 2
    s = series(samples)
    t0 = samples[0][0]
    final = samples[-1][1]
    fig, axes = plt.subplots(4, 1, sharex=True, figsize=(9, 9))
    plots = [("mbps", "bandwidth (MB/s)"), ("remaining", "remaining (MiB)"),
             ("dirty", "dirty rate (pages/s)"),
             ("exp", "downtime (ms)")]
    for ax, (key, label) in zip(axes, plots):
        ax.plot(s["t"], s[key], marker=".", linewidth=1)
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        for i, (a, b, n) in enumerate(passes(samples, events)):
            ax.axvspan(a - t0, b - t0, alpha=0.12,
                       color="C1" if i % 2 else "C2")
            if key == "mbps":
                ax.text(a - t0, 0, " pass %s" % n, fontsize=7,
                        va="bottom")
    if "downtime" in final:
        axes[3].axhline(final["downtime"], color="C3", linestyle="--",
                        label="actual downtime %d ms" % final["downtime"])
        axes[3].legend(loc="upper left", fontsize=8)
    axes[-1].set_xlabel("time (s)")
    fig.suptitle("live migration: %s, %d passes, total %s ms" %
                 (final.get("status", "?"),
                  final.get("ram", {}).get("dirty-sync-count", 0),
                  final.get("total-time", "?")))
    fig.tight_layout()
    fig.savefig(out_path)
    print(out_path)
    return 0


def main(argv):
    if len(argv) != 3 or not argv[2].endswith((".png", ".svg")):
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 1
    return report(argv[1], argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))

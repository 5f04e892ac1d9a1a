#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/migration-report.py on a recorded migration (TAP output).

Usage: test-migration-report.py REPORT_SCRIPT RECORD.jsonl
The parsing checks always run; the picture is drawn only when
matplotlib can be imported (otherwise that test is skipped, with why).
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

script, record = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("migration_report", script)
mr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mr)

results = []


def check(name, fn):
    try:
        skip = fn()
    except Exception as e:  # report, do not stop the other checks
        results.append(("not ok", name, "%s: %s" % (type(e).__name__, e)))
        return
    results.append(("ok", name, "# SKIP " + skip if skip else ""))


def t_load():
    samples, events = mr.load(record)
    assert len(samples) == 9, len(samples)
    assert [e for _, e, _ in events].count("MIGRATION_PASS") == 3
    assert samples[-1][1]["status"] == "completed"


def t_passes():
    samples, events = mr.load(record)
    bands = mr.passes(samples, events)
    assert [n for _, _, n in bands] == [1, 2, 3], bands
    # Bands follow each other and end at the last sample.
    for a, b in zip(bands, bands[1:]):
        assert a[1] == b[0]
    assert bands[-1][1] == samples[-1][0]
    # Without pass events, dirty-sync-count changes give the same passes.
    assert [n for _, _, n in mr.passes(samples, [])] == [1, 2, 3]


def t_series():
    s = mr.series(mr.load(record)[0])
    assert s["t"][0] == 0
    assert s["remaining"][0] == 64 and s["remaining"][-1] == 0
    assert abs(s["mbps"][0] - 134.2 / 8) < 1e-9


def t_bad_input():
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl",
                                     delete=False) as f:
        f.write('{"t": 1, "sample": {}}\nnot json\n')
    try:
        mr.load(f.name)
    except SystemExit as e:
        assert ":2: not JSON" in str(e), e
    else:
        raise AssertionError("bad line accepted")
    finally:
        os.unlink(f.name)


def python_with_matplotlib():
    """This interpreter or the system one (Debian's package), if either
    can import matplotlib."""
    for py in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        if os.path.exists(py) and subprocess.run(
                [py, "-c", "import matplotlib"],
                capture_output=True).returncode == 0:
            return py
    return None


def t_picture():
    py = python_with_matplotlib()
    if not py:
        return "matplotlib cannot be imported (install python3-matplotlib)"
    with tempfile.TemporaryDirectory() as d:
        for ext in ("png", "svg"):
            out = os.path.join(d, "report." + ext)
            r = subprocess.run([py, script, record, out],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            assert r.stdout.strip() == out
            data = open(out, "rb").read()
            if ext == "png":
                assert data.startswith(b"\x89PNG"), data[:8]
            else:
                assert b"<svg" in data
    return None


for name, fn in [("load", t_load), ("passes", t_passes),
                 ("series", t_series), ("bad-input", t_bad_input),
                 ("picture", t_picture)]:
    check(name, fn)
print("1..%d" % len(results))
for i, (res, name, extra) in enumerate(results, 1):
    if res == "ok":
        print("ok %d - %s %s" % (i, name, extra))
    else:
        print("not ok %d - %s # %s" % (i, name, extra))

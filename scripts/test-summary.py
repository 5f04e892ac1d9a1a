#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print 'N passed, N failed[, N skipped]' from meson's test log.

Counts the individual TAP results ("ok", "not ok", "# SKIP") that each test
program printed (GTest cases run with --tap), falling back to the program's
own result when it printed no TAP lines. A program that failed outside any
TAP result (crash, time-out, bad exit status) counts one more failure.
Exits non-zero when anything failed or when no test ran at all.
"""
import json
import re
import sys

TAP_RE = re.compile(r"^(not ok|ok)\b(.*)$")


def tap_counts(stdout):
    """(passed, failed, skipped) from the TAP lines of one program."""
    p = f = s = 0
    for line in (stdout or "").splitlines():
        m = TAP_RE.match(line)
        if not m:
            continue
        directive = m.group(2)
        if re.search(r"#\s*SKIP", directive, re.I):
            s += 1
        elif m.group(1) == "ok" or re.search(r"#\s*TODO", directive, re.I):
            p += 1
        else:
            f += 1
    return p, f, s


def main(path):
    passed = failed = skipped = 0
    ran = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            ran += 1
            result = rec.get("result", "")
            p, f_, s = tap_counts(rec.get("stdout"))
            if p + f_ + s == 0:
                if result in ("OK", "EXPECTEDFAIL"):
                    p = 1
                elif result == "SKIP":
                    s = 1
                else:
                    f_ = 1
            elif result not in ("OK", "EXPECTEDFAIL", "SKIP") and f_ == 0:
                # The program failed outside any subtest (crash, timeout).
                f_ = 1
            passed += p
            failed += f_
            skipped += s
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the migration status table into a Promela model and check it.

The table comes from scripts/migration-status-json.c (built from
migration/status-table.c), so the model cannot drift from the code: every
row of the table becomes a guarded transition of the source or destination
process, with the meaning given below (EDGE SEMANTICS), and a row this
script has no meaning for is an error.  The message exchange around the
table (main stream, return path, PONG(0x42), SHUT, recovery, cancel, the
run state of each VM) is written out here by hand, following
spec/migration-states-and-qmp.md 2.2-2.7, 3.2 and 4.

  migration-model.py TABLE.json [--mutate FIXTURE.json] [-o MODEL.pml]
  migration-model.py TABLE.json --check [--expect EXPECT.json] [...]

Two exchanges (--variant): "safe" (default), the x-postcopy-safe-start
protocol with its precopy rule, which is what the checks require to hold;
"qemu", the QEMU 10.2 exchange, kept to show the split brain it allows.

--check runs spin and the compiled verifier on each property and prints
TAP; with --expect it compares every verdict ("holds" / "violated") with
the file's, otherwise every property must hold.  docs/devel/migration/
model.rst describes the model.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROPERTIES = ["both_run", "nobody_runs", "settles", "cancel"]

# Rows of the real table that are outside the model, with the reason.
EXCLUDED = {
    ("source", "none", "failed"): "channel-accept error of a destination "
                                  "marking its outgoing object (Q6)",
    ("source", "setup", "completed"): "snapshot saving, not a migration",
    ("source", "active", "completed"): "background snapshot",
    ("source", "device", "colo"): "COLO is out of scope",
    ("source", "colo", "completed"): "COLO is out of scope",
    ("source", "colo", "cancelling"): "COLO is out of scope",
    ("source", "device", "postcopy-active"): "no return path (dirty-bitmaps "
                                             "only); the model has one",
    ("source", "cancelling", "cancelling"): "a second cancel changes nothing",
    ("destination", "active", "postcopy-active"): "no return path",
    ("destination", "failed", "setup"): "migrate-incoming retried: the "
                                        "model runs one incoming",
    ("destination", "active", "colo"): "COLO is out of scope",
    ("destination", "colo", "completed"): "COLO is out of scope",
}


def ident(status):
    return "S_" + status.replace("-", "_")


class Table:
    def __init__(self, data):
        self.statuses = data["statuses"]
        self.predicates = {k: set(v) for k, v in data["predicates"].items()}
        self.edges = []         # (side, from, to), table order, deduplicated
        for row in data["transitions"]:
            for frm in row["from"]:
                e = (row["side"], frm, row["to"])
                if e not in self.edges:
                    self.edges.append(e)

    def mutate(self, fix):
        for r in fix.get("remove", []):
            e = (r["side"], r["from"], r["to"])
            if e not in self.edges:
                sys.exit("mutation: no edge %s %s -> %s to remove" % e)
            self.edges.remove(e)
        for r in fix.get("add", []):
            e = (r["side"], r["from"], r["to"])
            if e not in self.edges:
                self.edges.append(e)
        for name, members in fix.get("predicates", {}).items():
            self.predicates[name] = set(members)

    def has(self, side, frm, to):
        return (side, frm, to) in self.edges

    def cancel_from(self, safe):
        """Statuses a QMP cancel may leave: the table's edges to
        cancelling, minus the postcopy states QMP refuses (spec 2.3);
        safe start accepts it in postcopy-device."""
        return [f for (s, f, t) in self.edges
                if s == "source" and t == "cancelling" and f != t and
                (f not in self.predicates["in-postcopy"] or
                 (safe and f == "postcopy-device"))]


# ---- EDGE SEMANTICS: guard and effect of each row, by side and target ----
#
# SRC_ERR: the source's main channel is down (writes fail).  DST_ERR: the
# destination read everything buffered and then hit the end of the
# connection.  LOCAL_FAULT guards an edge on a fault of that side (a load
# error, a failed setup), drawn from the shared fault budget.  RESTORE is
# the source's failure rule (spec 2.4 with Q3 fixed): restart the VM if
# it was stopped for the switchover, unless the destination may run.

def source_semantics(frm, to, safe):
    stop = "src_vm = false; stopped = true; CHOOSE_MODE; "
    if to == "setup":
        # Connecting works only while the destination listens.
        return [("true", "if :: dst == S_setup -> link = true; conn = true "
                         ":: else -> skip fi")]
    if to == "wait-unplug":
        return [("true", "skip")]
    if to == "active":
        return [("true", "skip")]
    if to == "pre-switchover":
        return [("true", stop)]
    if to == "device":
        # Precopy sends the rest and EOF with the BQL held; with safe
        # start the source counts the stream as handed over once it is
        # out (outgoing.c, precopy_handed_over).
        sent = "m2d!EOF; handed_over = true" if safe else "m2d!EOF"
        eof = ("if :: !postcopy -> if :: link -> %s :: else -> skip fi "
               ":: else -> skip fi" % sent)
        return [("true", (stop if frm == "active" else "") + eof)]
    if to == "postcopy-device":
        return [("postcopy", "SEND(m2d, PACKAGE)")]
    if to == "postcopy-active":
        if frm == "postcopy-recover":
            return [("ack_seen", "ack_seen = false; eof_sent = false")]
        # The migration thread commits after PONG(0x42) (spec 4.2).
        go = "; SEND(m2d, GO)" if safe else ""
        return [("pong_seen", "dest_may_run = true" + go)]
    if to == "completed":
        if frm == "device":
            return [("!postcopy && shut_ok", "skip")]
        return [("shut_ok", "skip")]
    if to == "postcopy-paused":
        if frm == "postcopy-recover-setup":
            return [("dst != S_postcopy_paused", "skip")]
        return [("SRC_ERR", "PAUSE_RESET")]
    if to == "postcopy-recover-setup":
        return [("recoveries < MAX_RECOVERIES", "recoveries++")]
    if to == "postcopy-recover":
        return [("dst == S_postcopy_paused", "NEW_LINK; SEND(m2d, RESUME)")]
    if to == "failed":
        if frm == "postcopy-active":
            # Channel errors pause (the row above); return-path errors and
            # failures at completion fail (spec 2.2).
            return [("shut_err", "link = false; RESTORE"),
                    ("LOCAL_FAULT", "faults++; link = false; RESTORE")]
        return [("SRC_ERR || shut_err", "link = false; RESTORE"),
                ("LOCAL_FAULT", "faults++; link = false; RESTORE")]
    if to == "cancelling":
        return None         # the user process takes these (cancel_from)
    if to == "cancelled":
        return [("true", "RESTORE")]
    if to == "none":
        return [("true", "skip")]
    return "no meaning for a source edge to '%s'" % to


def destination_semantics(frm, to, safe):
    if to == "setup":
        return [("true", "skip")]
    if to == "active":
        return [("conn", "skip")]
    if to == "completed":
        if frm == "active":
            return [("m2d?[EOF]", "m2d?EOF; dst_vm = true; SEND(r2s, SHUT_OK)")]
        return [("m2d?[EOF]", "m2d?EOF; SEND(r2s, SHUT_OK)")]
    if to == "failed":
        if frm == "postcopy-device":
            # The package is in memory: its loading can fail before the
            # PONG(0x42) at its end.  A broken stream fails it too; with
            # safe start only until the PONG went out (then it pauses).
            return [("!pong_sent && LOCAL_FAULT",
                     "faults++; SEND(r2s, SHUT_ERR); link = false"),
                    ("!pong_sent && DST_ERR" if safe else "DST_ERR",
                     "skip")]
        # A failed destination exits (exit-on-error): its VM is gone.
        return [("DST_ERR", "dst_vm = false"),
                ("LOCAL_FAULT", "faults++; SEND(r2s, SHUT_ERR); "
                                "link = false; dst_vm = false")]
    if to == "postcopy-device":
        return [("m2d?[PACKAGE]", "m2d?PACKAGE")]
    if to == "postcopy-active":
        if frm == "postcopy-recover":
            return [("m2d?[RESUME]",
                     "m2d?RESUME; SEND(r2s, RESUME_ACK); dst_vm = true")]
        # POSTCOPY_RUN starts the VM (3.2); with safe start the listen
        # thread moves on reading the commit PING (postcopy_incoming_ping)
        # and the guest starts then (RUN was processed with the package).
        if safe:
            return [("m2d?[GO]", "m2d?GO; got_go = true; dst_vm = true")]
        return [("pong_sent", "dst_vm = true")]
    if to == "postcopy-paused":
        if frm == "postcopy-device":
            # Safe start only: the source may have committed.
            return [("pong_sent && DST_ERR", "skip")] if safe else []
        return [("DST_ERR", "skip")]
    if to == "postcopy-recover":
        return [("link && new_conn", "new_conn = false")]
    return "no meaning for a destination edge to '%s'" % to


def options(table, side, safe):
    out = []
    sem = source_semantics if side == "source" else destination_semantics
    var = "src" if side == "source" else "dst"
    for (s, frm, to) in table.edges:
        if s != side:
            continue
        if (s, frm, to) in EXCLUDED:
            out.append("        /* %s -> %s: not modelled (%s) */" %
                       (frm, to, EXCLUDED[(s, frm, to)]))
            continue
        rules = sem(frm, to, safe)
        if rules is None:
            continue
        if isinstance(rules, str):
            sys.exit("migration-model: %s (%s -> %s)" % (rules, frm, to))
        if not rules:
            out.append("        /* %s -> %s: not taken in this exchange */"
                       % (frm, to))
        for guard, effect in rules:
            out.append("        :: atomic { %s == %s && (%s) -> %s = %s; %s }"
                       % (var, ident(frm), guard, var, ident(to), effect))
    return "\n".join(out)


PROMELA = r"""/*
 * Generated by scripts/migration-model.py from the migration status table
 * (migration/status-table.c)%(mutation)s; do not edit.
 * Exchange: %(exchange)s.  Channel failures %(loss)s.
 */
%(defines)s

#define MAX_FAULTS      %(faults)d
#define MAX_RECOVERIES  1
#define SAFE            %(safe)d

mtype = { PACKAGE, GO, EOF, RESUME, PONG42, SHUT_OK, SHUT_ERR, RESUME_ACK };
chan m2d = [4] of { mtype };    /* main stream, source -> destination */
chan r2s = [4] of { mtype };    /* return path, destination -> source */

byte src = S_none;
byte dst = S_none;
bool src_vm = true;             /* the source VM runs (it did at start) */
bool dst_vm = false;
bool stopped = false;           /* the source stopped it for switchover */
bool dest_may_run = false;      /* the source committed (Q3: no restart) */
bool postcopy = false;
bool link = false;              /* the connection is up */
bool conn = false;              /* the source connected once */
bool new_conn = false;          /* a recovery connection waits */
byte faults = 0;
byte recoveries = 0;
bool pong_seen = false, shut_ok = false, shut_err = false, ack_seen = false;
bool pong_sent = false, got_go = false, eof_sent = false;
bool cancel_done = false, cancel_honoured = false;
bool handed_over = false;       /* precopy: EOF out (safe start) */
bool operator_cont = false;

#define SRC_ERR     (!link)
#define DST_ERR     (!link && empty(m2d))
#define LOCAL_FAULT (faults < MAX_FAULTS)
#define SEND(c, m)  if :: link -> c!m :: else -> skip fi
#define DRAIN(c)    do :: c?_ :: empty(c) -> break od
#define LOSE        %(lose)s
#define CHOOSE_MODE if :: postcopy = true :: postcopy = false fi
/* The source's failure rule (outgoing.c): run the guest again unless the
 * destination may run it: the source committed (postcopy), the precopy
 * stream went out and the destination did not answer SHUT(error) (safe
 * start), or PONG(0x42) arrived (QEMU exchange, Q3). */
#define RESTORE     if :: stopped && !dest_may_run && \
                          (!handed_over || shut_err) && \
                          (SAFE || !pong_seen) -> src_vm = true \
                       :: else -> skip fi
#define PAUSE_RESET eof_sent = false
#define NEW_LINK    DRAIN(m2d); DRAIN(r2s); link = true; new_conn = true

#define IN_POSTCOPY(s)  (%(in_postcopy)s)
#define CAN_CANCEL(s)   (%(can_cancel)s)
#define SRC_SETTLED (%(src_settled)s)
#define DST_SETTLED (%(dst_settled)s)

active proctype source()
{
    do
%(source)s
        /* the return-path thread publishes what arrives (spec 4.3) */
        :: r2s?PONG42 -> pong_seen = true
        :: r2s?SHUT_OK -> shut_ok = true
        :: r2s?SHUT_ERR -> shut_err = true
        :: r2s?RESUME_ACK -> ack_seen = true
        /* postcopy: everything sent, EOF follows */
        :: atomic { src == S_postcopy_active && !eof_sent && link ->
                    eof_sent = true; m2d!EOF }
    od
}

active proctype destination()
{
    do
%(destination)s
        /* the package loaded: PONG(0x42) before POSTCOPY_RUN (spec 4.2) */
        :: atomic { dst == S_postcopy_device && !pong_sent ->
                    pong_sent = true; SEND(r2s, PONG42) }
        /* a GO that arrives elsewhere changes nothing */
        :: atomic { dst != S_postcopy_device && m2d?[GO] -> m2d?GO }
    od
}

/* The network: a connection may break (in-flight data: see LOSE). */
active proctype network()
{
    do
    :: atomic { link && faults < MAX_FAULTS -> link = false; faults++; LOSE }
    od
}

/* The user: one migrate_cancel at any moment (spec 2.3); refused in
 * the statuses CAN_CANCEL leaves out and, with safe start, once the
 * precopy stream was handed over. */
active proctype user()
{
    atomic {
        !cancel_done -> cancel_done = true;
        if
        :: CAN_CANCEL(src) && !handed_over ->
           src = S_cancelling; cancel_honoured = true; link = false; LOSE
        :: else -> skip                     /* refused, or nothing to do */
        fi
    }
}

/*
 * Management: a source that failed with the guest stopped because the
 * destination may have taken it over (the precopy stream had gone out,
 * or it committed to postcopy, and the answer was lost) may be told to
 * run it again ("cont") once management sees that the destination never
 * ran it (run state still inmigrate) and never can: it failed, or it is
 * paused with no source left to resume it.  This is the one decision
 * left to management (two parties over a lossy link cannot settle it).
 */
active proctype operator()
{
    atomic {
        src == S_failed && !src_vm && !dst_vm &&
        (dst == S_failed || dst == S_postcopy_paused) ->
        src_vm = true; operator_cont = true
    }
}

ltl both_run { [] !(src_vm && dst_vm) }
ltl nobody_runs { <> [] (src_vm || dst_vm || cancel_honoured ||
                         (src == S_postcopy_paused && dst == S_postcopy_paused)) }
ltl settles { <> [] (SRC_SETTLED && DST_SETTLED) }
ltl cancel { [] (cancel_honoured -> <> [] (src == S_cancelled && src_vm && !dst_vm)) }
"""


def any_of(var, statuses):
    terms = ["%s == %s" % (var, ident(s)) for s in statuses]
    return " || ".join(terms) if terms else "false"


def generate(table, lossy, faults, mutation_name=None, variant="safe"):
    safe = variant == "safe"
    defines = "\n".join("#define %-28s %d" % (ident(s), i)
                        for i, s in enumerate(table.statuses))
    return PROMELA % {
        "mutation": (", mutated by " + mutation_name) if mutation_name else "",
        "exchange": "safe start (destination runs after the source's GO "
                    "or RESUME; precopy hand-over rule)"
                    if safe else "as in QEMU 10.2 (destination runs at "
                    "POSTCOPY_RUN)",
        "loss": "lose data in flight" if lossy else
                "deliver data already sent",
        "defines": defines,
        "faults": faults,
        "safe": 1 if safe else 0,
        "lose": "DRAIN(m2d); DRAIN(r2s)" if lossy else "skip",
        "in_postcopy": any_of("s", sorted(table.predicates["in-postcopy"])),
        "can_cancel": any_of("s", table.cancel_from(safe)),
        "src_settled": any_of("src", ["completed", "failed", "cancelled",
                                      "postcopy-paused"]),
        "dst_settled": any_of("dst", ["none", "setup", "completed", "failed",
                                      "postcopy-paused"]),
        "source": options(table, "source", safe),
        "destination": options(table, "destination", safe),
    }


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout


def check(model, spin, cc, keep=None):
    """Verdict per property: 'holds' or 'violated' (with a trail)."""
    work = tempfile.mkdtemp(prefix="migration-model-")
    try:
        with open(os.path.join(work, "model.pml"), "w") as f:
            f.write(model)
        rc, out = run([spin, "-a", "model.pml"], work)
        if rc:
            sys.exit("spin -a failed:\n" + out)
        rc, out = run([cc, "-O1", "-w", "-DVECTORSZ=2048", "-o", "pan",
                       "pan.c"], work)
        if rc:
            sys.exit("compiling the verifier failed:\n" + out)
        verdicts = {}
        for prop in PROPERTIES:
            rc, out = run(["./pan", "-a", "-m100000", "-N", prop], work)
            m = re.search(r"errors: (\d+)", out)
            if not m:
                sys.exit("pan gave no verdict for %s:\n%s" % (prop, out))
            trail = ""
            if int(m.group(1)):
                _, trail = run([spin, "-t", "-p", "-g", "model.pml"], work)
            verdicts[prop] = ("violated" if int(m.group(1)) else "holds",
                              trail, out)
        if keep:
            shutil.copy(os.path.join(work, "model.pml"), keep)
        return verdicts
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("table", help="JSON from migration-status-json")
    ap.add_argument("--mutate", help="fixture: edges to add/remove")
    ap.add_argument("-o", "--output", help="write the model here")
    ap.add_argument("--check", action="store_true", help="run spin")
    ap.add_argument("--expect", help="JSON: property -> holds|violated")
    ap.add_argument("--lossless", action="store_true",
                    help="a broken connection delivers what was sent")
    ap.add_argument("--faults", type=int, default=1)
    ap.add_argument("--variant", choices=["safe", "qemu"], default="safe",
                    help="the exchange (default: safe start)")
    ap.add_argument("--spin", default="spin")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    args = ap.parse_args()

    with open(args.table) as f:
        table = Table(json.load(f))
    name = None
    expect = {p: "holds" for p in PROPERTIES}
    only = None
    lossless, faults, variant = args.lossless, args.faults, args.variant
    if args.mutate:
        with open(args.mutate) as f:
            fix = json.load(f)
        table.mutate(fix)
        name = os.path.basename(args.mutate)
        expect.update(fix.get("expect", {}))
        only = fix.get("only")
        lossless = fix.get("lossless", lossless)
        faults = fix.get("faults", faults)
        variant = fix.get("variant", variant)
    if args.expect:
        with open(args.expect) as f:
            e = json.load(f)
        expect.update(e.get("expect", {}))
        lossless = e.get("lossless", lossless)
        faults = e.get("faults", faults)
        variant = e.get("variant", variant)
    model = generate(table, not lossless, faults, name, variant)
    if not args.check:
        if args.output:
            with open(args.output, "w") as f:
                f.write(model)
        else:
            sys.stdout.write(model)
        return 0

    spin = shutil.which(args.spin)
    if not spin:
        print("1..0 # SKIP spin is not installed (Debian package 'spin')")
        return 0
    verdicts = check(model, spin, args.cc, args.output)
    props = only or PROPERTIES
    print("1..%d" % len(props))
    failed = 0
    for i, prop in enumerate(props, 1):
        got, trail, out = verdicts[prop]
        ok = got == expect[prop]
        failed += not ok
        print("%s %d - %s %s (expected %s)" %
              ("ok" if ok else "not ok", i, prop, got, expect[prop]))
        if got == "violated":
            steps = [l for l in trail.splitlines()
                     if re.search(r"proc +\d+ \(|= ", l)][-60:]
            for line in steps:
                print("# " + line.strip())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

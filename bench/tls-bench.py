#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TLS benchmark: migrate a paused guest of random RAM over tcp with TLS
(tls-creds-x509, the default "NORMAL" priority: TLS 1.3 with AES-256-GCM
on CPUs with AES instructions) between two local processes, on the main
channel alone and with multifd channels (--channels: 0 = main channel).

Each case is run without TLS too, so the table shows what TLS costs. The
machine's limit is measured in the same run by bench/tls-rate: one core's
GnuTLS record encryption and decryption rate. The target (issue 9) is a
TLS throughput of at least 80 % of the encryption rate times the cores
used, where the cores used are the CPU-seconds of the threads that
encrypt (read from /proc while the migration runs) over the wall time;
so the figure is the stream bytes per CPU-second of the encrypting
threads over one core's encryption rate per CPU-second, which the load
on the machine changes least (docs/devel/benchmarks.rst, TLS). The
encrypting threads: the TLS writer thread (mig/tls/writer) where there
is one, else the migration thread, plus every multifd sender; the
destination's decrypting threads: the incoming thread and every multifd
receiver. The threads that only write the ciphertext to the socket (the
TLS sender threads, mig/tls/sender for the main channel and
mig/tls/send_N for multifd channel N) are not encrypting threads; the
summary gives the figure with their CPU-seconds added too ("+senders"),
and the wall-clock rate of ours and of QEMU. --baseline runs another build of ours in the same run (before
and after a change); Debian's qemu-system-x86_64 runs the same cases
when installed (it accepts the same tls-creds-x509 objects). --perf DIR
records a perf profile of both processes during each TLS migration. The
certificates are made with certtool (gnutls-bin) in a temporary
directory.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import signal
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "migration_bench", os.path.join(HERE, "migration-bench.py"))
mb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mb)

TARGET = 0.80


def certtool(args, template, workdir):
    tpl = os.path.join(workdir, "cert.tpl")
    with open(tpl, "w") as f:
        f.write(template)
    subprocess.run(["certtool"] + args + ["--template", tpl],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_pki(workdir):
    """ca-cert.pem, server-cert.pem/-key.pem (IP 127.0.0.1) in one
    directory the two tls-creds-x509 objects share."""
    d = os.path.join(workdir, "pki")
    os.mkdir(d)
    ca_key = os.path.join(workdir, "ca-key.pem")
    p = lambda n: os.path.join(d, n)  # noqa: E731
    subprocess.run(["certtool", "--generate-privkey", "--key-type", "ecdsa",
                    "--outfile", ca_key], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    certtool(["--generate-self-signed", "--load-privkey", ca_key,
              "--outfile", p("ca-cert.pem")],
             "cn = bench-CA\nca\ncert_signing_key\nexpiration_days = 2\n",
             workdir)
    subprocess.run(["certtool", "--generate-privkey", "--key-type", "ecdsa",
                    "--outfile", p("server-key.pem")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    certtool(["--generate-certificate", "--load-privkey", p("server-key.pem"),
              "--load-ca-certificate", p("ca-cert.pem"),
              "--load-ca-privkey", ca_key, "--outfile", p("server-cert.pem")],
             "cn = 127.0.0.1\nip_address = 127.0.0.1\ntls_www_server\n"
             "signing_key\nencryption_key\nexpiration_days = 2\n", workdir)
    return d


class ThreadCPU:
    """CPU-seconds per thread of some processes, sampled from
    /proc/PID/task every few ms while a migration runs: a migration
    thread's time leaves /proc when it exits, so the last sample counts
    (it misses at most one interval of each thread's time)."""

    INTERVAL = 0.005

    def __init__(self, pids):
        self.pids = pids
        self.seen = {}              # (pid, tid) -> [name, cpu seconds]
        self.stop_ev = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def sample(self):
        for pid in self.pids:
            try:
                tids = os.listdir("/proc/%d/task" % pid)
            except OSError:
                continue
            for tid in tids:
                d = "/proc/%d/task/%s/" % (pid, tid)
                try:
                    with open(d + "comm") as f:
                        name = f.read().strip()
                    # nanoseconds on a CPU (stat's utime/stime count
                    # 10 ms ticks)
                    with open(d + "schedstat") as f:
                        cpu = int(f.read().split()[0]) / 1e9
                except (OSError, ValueError, IndexError):
                    continue
                self.seen[(pid, tid)] = [name, cpu]

    def run(self):
        while not self.stop_ev.is_set():
            self.sample()
            time.sleep(self.INTERVAL)

    def __enter__(self):
        self.sample()
        self.base = {k: v[1] for k, v in self.seen.items()}
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_ev.set()
        self.thread.join()
        self.sample()

    def cpu(self, pid, match):
        """CPU-seconds used during the run by pid's threads whose name
        match(name) accepts."""
        return sum(v[1] - self.base.get(k, 0.0)
                   for k, v in self.seen.items()
                   if k[0] == pid and match(v[0]))


def src_encrypts(name, has_writer):
    if name.startswith("mig/src/send_"):
        return True
    return name == ("mig/tls/writer" if has_writer else "mig/src/main")


def src_sends(name):
    """The TLS sender threads: they write records that others encrypted."""
    return name.startswith("mig/tls/send")


def dst_decrypts(name):
    return name == "mig/dst/main" or name.startswith("mig/dst/recv_")


def start_perf(outfile, pids):
    """perf record of pids, started disabled and enabled through its
    control fifo: the ack says it records, so the migration that follows
    is in the profile from its first byte."""
    ctl, ack = outfile + ".ctl", outfile + ".ack"
    for f in (ctl, ack):
        if os.path.exists(f):
            os.unlink(f)
        os.mkfifo(f)
    proc = subprocess.Popen(
        ["perf", "record", "-q", "-F", "1999", "-g", "-D", "-1",
         "--control", "fifo:%s,%s" % (ctl, ack), "-o", outfile, "-p",
         ",".join(str(p) for p in pids)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(ctl, "w") as c:
        c.write("enable\n")
    with open(ack) as k:
        k.readline()
    return proc


def stop_perf(proc):
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def migrate_tls(emu, size_mib, files, workdir, pki, tls, deadline_s,
                channels=0, perf_out=None):
    uri = "tcp:127.0.0.1:%d" % mb.free_tcp_port()
    start_timeout = 60 + size_mib / 64.0
    src = dst = None
    try:
        src = mb.Proc(emu, workdir, "src",
                      mb.ram_args("random", size_mib, files, False, False),
                      False, start_timeout)
        # Preallocated destination RAM: the first touch of every page
        # would otherwise bound plain and TLS runs alike.
        dst = mb.Proc(emu, workdir, "dst",
                      mb.ram_args("random", size_mib, files, True, True),
                      True, start_timeout)
        if tls:
            src.qmp.cmd("object-add", **{
                "qom-type": "tls-creds-x509", "id": "tls0",
                "endpoint": "client", "dir": pki, "verify-peer": True})
            dst.qmp.cmd("object-add", **{
                "qom-type": "tls-creds-x509", "id": "tls0",
                "endpoint": "server", "dir": pki, "verify-peer": False})
            for p in (src, dst):
                p.qmp.cmd("migrate-set-parameters", **{"tls-creds": "tls0"})
        if channels:
            for p in (src, dst):
                p.qmp.cmd("migrate-set-capabilities", capabilities=[
                    {"capability": "multifd", "state": True}])
                p.qmp.cmd("migrate-set-parameters",
                          **{"multifd-channels": channels})
        dst.qmp.cmd("migrate-incoming", uri=uri)
        src.qmp.cmd("migrate-set-parameters", **{"max-bandwidth": 0,
                                                 "downtime-limit": 1})
        perf = (start_perf(perf_out, [src.proc.pid, dst.proc.pid])
                if perf_out and tls else None)
        try:
            with ThreadCPU([src.proc.pid, dst.proc.pid]) as th:
                cpu0 = (src.cpu_seconds(), dst.cpu_seconds())
                t0 = time.monotonic()
                src.qmp.cmd("migrate", uri=uri)
                info = mb.poll_migration(src.qmp, t0 + deadline_s, "source")
                mb.poll_migration(dst.qmp, t0 + deadline_s, "destination")
                cpu = (src.cpu_seconds() - cpu0[0],
                       dst.cpu_seconds() - cpu0[1])
        finally:
            if perf:
                stop_perf(perf)
        has_writer = any(v[0] == "mig/tls/writer" and k[0] == src.proc.pid
                         for k, v in th.seen.items())
        enc_cpu = th.cpu(src.proc.pid,
                         lambda n: src_encrypts(n, has_writer))
        send_cpu = th.cpu(src.proc.pid, src_sends)
        dec_cpu = th.cpu(dst.proc.pid, dst_decrypts)
        ram = info.get("ram", {})
        total_ms = info.get("total-time", 0)
        return {
            "channels": channels,
            "writer_thread": has_writer,
            "enc_cpu": enc_cpu,
            "send_cpu": send_cpu,
            "dec_cpu": dec_cpu,
            "threads": sorted(
                "%s %s %.3f" % ("src" if k[0] == src.proc.pid else "dst",
                                v[0], v[1] - th.base.get(k, 0.0))
                for k, v in th.seen.items()
                if v[1] - th.base.get(k, 0.0) > 0.005),
            # bytes per CPU-second of the encrypting / decrypting threads
            "enc_gbps_cpu": (ram.get("transferred", 0) / enc_cpu / 1e9
                             if enc_cpu > 0 else None),
            "dec_gbps_cpu": (ram.get("transferred", 0) / dec_cpu / 1e9
                             if dec_cpu > 0 else None),
            # the same with the sender threads' CPU-seconds added
            "encsend_gbps_cpu": (ram.get("transferred", 0) /
                                 (enc_cpu + send_cpu) / 1e9
                                 if enc_cpu + send_cpu > 0 else None),
            "total_ms": total_ms,
            "transferred": ram.get("transferred", 0),
            "gbps": (ram.get("transferred", 0) / (total_ms / 1000.0) / 1e9
                     if total_ms else None),
            "src_cpu": cpu[0],
            "dst_cpu": cpu[1],
            # bytes per CPU-second of each side: what other load on the
            # machine changes least
            "src_gbps_cpu": (ram.get("transferred", 0) / cpu[0] / 1e9
                             if cpu[0] > 0 else None),
            "dst_gbps_cpu": (ram.get("transferred", 0) / cpu[1] / 1e9
                             if cpu[1] > 0 else None),
        }
    finally:
        for p in (src, dst):
            if p:
                p.stop()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--sizes", default="1024,4080",
                   help="guest RAM sizes in MiB (default 1024,4080: 1 GiB "
                        "and the largest virt guest, ~4 GiB)")
    p.add_argument("--channels", default="0,2,4",
                   help="comma-separated: 0 = the main channel alone, N = "
                        "multifd with N channels (default 0,2,4)")
    p.add_argument("--baseline", metavar="BINARY",
                   help="another qemu-system-cr16 (e.g. before a change) "
                        "run right before ours on every case")
    p.add_argument("--peer", default=shutil.which("qemu-system-x86_64"))
    p.add_argument("--no-peer", metavar="REASON")
    p.add_argument("--no-plain", action="store_true",
                   help="skip the runs without TLS")
    p.add_argument("--perf", metavar="DIR",
                   help="perf record both processes during each TLS "
                        "migration into DIR/<emu>-<size>-<channels>.data")
    p.add_argument("--repeat", type=int, default=1,
                   help="run every case N times (rounds over all cases, so "
                        "that load hits all alike); the summary takes the "
                        "median of each figure")
    p.add_argument("--deadline", type=float, default=300.0)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--dry-run", action="store_true")
    a = p.parse_args(argv)
    try:
        a.sizes = [int(s) for s in a.sizes.split(",")]
        a.channels = [int(c) for c in a.channels.split(",")]
    except ValueError:
        p.error("--sizes, --channels: comma-separated integers")
    for s in a.sizes:
        if not 64 <= s <= mb.OUR_MAX_MIB:
            p.error("--sizes: %d MiB is outside 64..%d" % (s, mb.OUR_MAX_MIB))
    for c in a.channels:
        if not 0 <= c <= 16:
            p.error("--channels: %d is outside 0..16" % c)
    if not 1 <= a.repeat <= 20:
        p.error("--repeat: 1..20")
    if a.perf and not shutil.which("perf"):
        p.error("--perf: perf is not installed")
    return a


def case_name(r):
    return "%-6s %5d MiB %-9s %-5s" % (
        r["emu"], r["size"],
        "main" if not r["channels"] else "multifd%d" % r["channels"],
        r["mode"])


def main(argv):
    a = parse_args(argv)
    ours = mb.Emulator("ours", os.path.join(a.build, "qemu-system-cr16"),
                       "virt")
    emus = [ours]
    if a.baseline:
        emus.insert(0, mb.Emulator("before", a.baseline, "virt"))
    if a.peer and not a.no_peer:
        emus.append(mb.Emulator("qemu", a.peer, "pc"))
    modes = [True] if a.no_plain else [True, False]
    plan = [(s, c, e, tls) for _ in range(a.repeat) for s in a.sizes
            for c in a.channels for e in emus for tls in modes]
    if a.dry_run:
        for s, c, e, tls in plan:
            print("plan: %s random %d MiB tcp %s %s" %
                  (e.name, s, "main" if not c else "multifd%d" % c,
                   "tls-x509" if tls else "plain"))
        return 0
    if not shutil.which("certtool"):
        print("tls-bench: certtool (gnutls-bin) is needed for the "
              "certificates", file=sys.stderr)
        return 1
    rate = json.loads(subprocess.run(
        [os.path.join(a.build, "bench", "tls-rate"), "--json"], check=True,
        stdout=subprocess.PIPE, text=True, timeout=600).stdout)
    print("one core: %s %s encrypt %.2f GB/s, decrypt %.2f GB/s" %
          (rate["protocol"], rate["cipher"], rate["encrypt_gbps"],
           rate["decrypt_gbps"]), flush=True)
    limit = min(rate["encrypt_gbps"], rate["decrypt_gbps"])
    enc, dec = rate["encrypt_gbps_cpu"], rate["decrypt_gbps_cpu"]
    print("per CPU-second: encrypt %.2f GB/s, decrypt %.2f GB/s" %
          (enc, dec), flush=True)
    if a.perf:
        os.makedirs(a.perf, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cr16-tls-bench-") as wd:
        pki = make_pki(wd)
        files = mb.make_files(wd, ("random",), max(a.sizes), False)
        for s, c, e, tls in plan:
            r = {"emu": e.name, "size": s, "channels": c,
                 "mode": "tls" if tls else "plain"}
            perf_out = (os.path.join(a.perf, "%s-%d-%d.data" % (e.name, s, c))
                        if a.perf else None)
            try:
                r["result"] = migrate_tls(e, s, files, wd, pki, tls,
                                          a.deadline, c, perf_out)
            except mb.BenchError as err:
                r["result"] = None
                r["error"] = str(err)
            rows.append(r)
            m = r["result"]
            print("%s %s" % (
                case_name(r), r.get("error") if not m else
                "%d ms, %.2f GB/s, CPU src %.2f s dst %.2f s, encrypting "
                "threads %.2f s, sending %.2f s, decrypting %.2f s" % (
                    m["total_ms"], m["gbps"] or 0, m["src_cpu"],
                    m["dst_cpu"], m["enc_cpu"], m["send_cpu"],
                    m["dec_cpu"])), flush=True)
            if m:
                print("    threads: %s" % "; ".join(m["threads"]),
                      flush=True)
    print()
    print("Target: TLS throughput >= %.0f %% of the encryption rate x the "
          "cores used (cores used = CPU-s of the encrypting threads / wall "
          "time), i.e. stream bytes per CPU-second of the encrypting threads "
          "over one core's %.2f GB/s per CPU-second; the same for the "
          "decrypting threads against %.2f GB/s. Also: bytes per CPU-second "
          "of the whole process, and wall-clock GB/s over one core's "
          "wall-clock rate (%.2f GB/s)." % (TARGET * 100, enc, dec, limit))
    ok = True
    groups = {}
    for r in rows:
        if r["mode"] == "tls" and r["result"] and r["result"]["gbps"]:
            key = (r["emu"], r["size"], r["channels"], r["mode"])
            groups.setdefault(key, []).append(r)
    for key, rs in groups.items():
        def med(f):
            v = sorted(f(x["result"]) for x in rs)
            return v[len(v) // 2] if len(v) % 2 else (
                v[len(v) // 2 - 1] + v[len(v) // 2]) / 2.0
        cores = med(lambda m: m["enc_cpu"] / (m["total_ms"] / 1000.0))
        ratio = med(lambda m: (m["enc_gbps_cpu"] or 0) / enc)
        verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
        if key[0] == "ours" and ratio < TARGET:
            ok = False
        print("  %s (median of %d): %.2f cores encrypting, %.2f s CPU: "
              "%3.0f %% %s; +senders (%.2f s) %3.0f %%; decrypting threads "
              "%3.0f %%; process src %3.0f %% dst %3.0f %%; wall %3.0f %% "
              "(%.2f GB/s)" % (
                  case_name(rs[0]), len(rs), cores,
                  med(lambda m: m["enc_cpu"]), ratio * 100, verdict,
                  med(lambda m: m["send_cpu"]),
                  med(lambda m: (m["encsend_gbps_cpu"] or 0) / enc) * 100,
                  med(lambda m: (m["dec_gbps_cpu"] or 0) / dec) * 100,
                  med(lambda m: (m["src_gbps_cpu"] or 0) / enc) * 100,
                  med(lambda m: (m["dst_gbps_cpu"] or 0) / dec) * 100,
                  med(lambda m: m["gbps"] / limit) * 100,
                  med(lambda m: m["gbps"])))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rate": rate, "rows": rows}, f, indent=1)
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

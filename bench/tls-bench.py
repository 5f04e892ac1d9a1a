#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TLS precopy benchmark: migrate a paused guest of random RAM over tcp
with TLS (tls-creds-x509, the default "NORMAL" priority: TLS 1.3 with
AES-256-GCM on CPUs with AES instructions) between two local processes.

Each case is run without TLS too, so the table shows what TLS costs. The
machine's limit is measured in the same run by bench/tls-rate: one core's
GnuTLS record encryption and decryption rate. The main channel encrypts
in one thread (the migration thread) and decrypts in one (the incoming
thread), so the ceiling is one core's rate; the target is a TLS
throughput of at least 80 % of it. Debian's qemu-system-x86_64 runs the
same cases when installed (it accepts the same tls-creds-x509 objects).
The certificates are made with certtool (gnutls-bin) in a temporary
directory.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
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


def migrate_tls(emu, size_mib, files, workdir, pki, tls, deadline_s):
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
        dst.qmp.cmd("migrate-incoming", uri=uri)
        src.qmp.cmd("migrate-set-parameters", **{"max-bandwidth": 0,
                                                 "downtime-limit": 1})
        cpu0 = (src.cpu_seconds(), dst.cpu_seconds())
        t0 = time.monotonic()
        src.qmp.cmd("migrate", uri=uri)
        info = mb.poll_migration(src.qmp, t0 + deadline_s, "source")
        mb.poll_migration(dst.qmp, t0 + deadline_s, "destination")
        cpu = (src.cpu_seconds() - cpu0[0], dst.cpu_seconds() - cpu0[1])
        ram = info.get("ram", {})
        total_ms = info.get("total-time", 0)
        return {
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
    p.add_argument("--peer", default=shutil.which("qemu-system-x86_64"))
    p.add_argument("--no-peer", metavar="REASON")
    p.add_argument("--no-plain", action="store_true",
                   help="skip the runs without TLS")
    p.add_argument("--deadline", type=float, default=300.0)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--dry-run", action="store_true")
    a = p.parse_args(argv)
    try:
        a.sizes = [int(s) for s in a.sizes.split(",")]
    except ValueError:
        p.error("--sizes: comma-separated MiB counts")
    for s in a.sizes:
        if not 64 <= s <= mb.OUR_MAX_MIB:
            p.error("--sizes: %d MiB is outside 64..%d" % (s, mb.OUR_MAX_MIB))
    return a


def main(argv):
    a = parse_args(argv)
    ours = mb.Emulator("ours", os.path.join(a.build, "qemu-system-cr16"),
                       "virt")
    emus = [ours]
    if a.peer and not a.no_peer:
        emus.append(mb.Emulator("qemu", a.peer, "pc"))
    modes = [True] if a.no_plain else [True, False]
    if a.dry_run:
        for s in a.sizes:
            for e in emus:
                for tls in modes:
                    print("plan: %s random %d MiB tcp %s" %
                          (e.name, s, "tls-x509" if tls else "plain"))
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
    print("per CPU-second: encrypt %.2f GB/s, decrypt %.2f GB/s" %
          (rate["encrypt_gbps_cpu"], rate["decrypt_gbps_cpu"]), flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cr16-tls-bench-") as wd:
        pki = make_pki(wd)
        files = mb.make_files(wd, ("random",), max(a.sizes), False)
        for s in a.sizes:
            for e in emus:
                for tls in modes:
                    r = {"emu": e.name, "size": s,
                         "mode": "tls" if tls else "plain"}
                    try:
                        r["result"] = migrate_tls(e, s, files, wd, pki, tls,
                                                  a.deadline)
                    except mb.BenchError as err:
                        r["result"] = None
                        r["error"] = str(err)
                    rows.append(r)
                    m = r["result"]
                    print("%-5s %5d MiB %-5s %s" % (
                        e.name, s, r["mode"],
                        r.get("error") if not m else
                        "%d ms, %.2f GB/s, CPU src %.2f s dst %.2f s "
                        "(%.2f / %.2f GB/s per CPU-second)" % (
                            m["total_ms"], m["gbps"] or 0, m["src_cpu"],
                            m["dst_cpu"], m["src_gbps_cpu"] or 0,
                            m["dst_gbps_cpu"] or 0)), flush=True)
    print()
    print("TLS throughput over one core's TLS rate (%.2f GB/s, the slower "
          "of encrypt/decrypt); target >= %.0f %%:" % (limit, TARGET * 100))
    ok = True
    for r in rows:
        m = r["result"]
        if r["mode"] != "tls" or not m or not m["gbps"]:
            continue
        ratio = m["gbps"] / limit
        verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
        if r["emu"] == "ours" and ratio < TARGET:
            ok = False
        print("  %-5s %5d MiB: %.2f GB/s = %.0f %% %s" %
              (r["emu"], r["size"], m["gbps"], ratio * 100, verdict))
    print("Per CPU-second (load-independent): the source's stream bytes per "
          "CPU-second over the encrypt rate per CPU-second (the source "
          "does the migration's work and the encryption in one thread):")
    for r in rows:
        m = r["result"]
        if r["mode"] != "tls" or not m or not m["src_gbps_cpu"]:
            continue
        print("  %-5s %5d MiB: src %.2f GB/s/CPU-s = %.0f %% of encrypt, "
              "dst %.2f GB/s/CPU-s = %.0f %% of decrypt" %
              (r["emu"], r["size"], m["src_gbps_cpu"],
               m["src_gbps_cpu"] / rate["encrypt_gbps_cpu"] * 100,
               m["dst_gbps_cpu"],
               m["dst_gbps_cpu"] / rate["decrypt_gbps_cpu"] * 100))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rate": rate, "rows": rows}, f, indent=1)
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build and run every fuzzer for a total time; print a summary.

`make fuzz FUZZ_SECONDS=600` runs this.  Steps:
  1. make sure clang and libFuzzer are there (apt-get install as root when
     they are missing; nothing else needs them);
  2. configure BUILD (default build-fuzz/) with clang, libFuzzer
     instrumentation, ASan and UBSan (-Dfuzzing=true), and build it;
  3. give each in-process target and the process fuzzer an equal share of
     the time; libFuzzer keeps its growing corpus in BUILD/fuzz-out/<t>/,
     starting from tests/fuzz/corpus/<t>/; findings land in
     BUILD/fuzz-out/<t>/findings/;
  4. print executions, coverage and findings per fuzzer; a finding that
     matches an entry of tests/fuzz/known/known.json (already reported,
     owned by someone else) is listed as known, not new.
Exit status 1 when anything new was found.
"""
import argparse
import glob
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGETS = ['json', 'opts', 'qmp', 'qtest', 'migration-stream', 'return-path',
           'mapped-ram', 'elf', 'cr16-as', 'multifd-recv']
# Longest input per target (default 4096): the stream seeds are whole
# migrations of a 1 MiB guest, and the device sections come last.
MAX_LEN = {'migration-stream': 65536, 'mapped-ram': 65536, 'elf': 16384,
           'multifd-recv': 16384}
FUZZ_CFLAGS = '-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined'
# Sanitizer settings for every run (libFuzzer adds its own handlers).
ENV = {
    'ASAN_OPTIONS': 'detect_leaks=1:abort_on_error=1:handle_abort=1:'
                    'allocator_may_return_null=1',
    'UBSAN_OPTIONS': 'print_stacktrace=1:halt_on_error=1',
}


def need_toolchain():
    probe = 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)' \
            '{ return 0; }\n'
    tmp = '/tmp/fuzz-toolchain-probe-%d' % os.getpid()
    with open(tmp + '.c', 'w') as f:
        f.write(probe)
    ok = shutil.which('clang') and subprocess.run(
        ['clang', '-fsanitize=fuzzer,address', tmp + '.c', '-o', tmp],
        capture_output=True).returncode == 0
    for p in (tmp, tmp + '.c'):
        if os.path.exists(p):
            os.unlink(p)
    if ok:
        return
    if os.geteuid() != 0:
        sys.exit('run-fuzz: clang with libFuzzer is missing: '
                 'apt-get install clang libclang-rt-14-dev')
    subprocess.run(['apt-get', 'install', '-y', 'clang', 'libclang-rt-14-dev'],
                   check=True)


def build(builddir):
    if not os.path.exists(os.path.join(builddir, 'build.ninja')):
        env = dict(os.environ, CC='clang')
        subprocess.run(['meson', 'setup', builddir, SRC,
                        '--buildtype=debugoptimized', '-Dfuzzing=true',
                        '-Db_sanitize=address,undefined', '-Db_lundef=false',
                        '-Dc_args=' + FUZZ_CFLAGS], check=True, env=env)
    subprocess.run(['ninja', '-C', builddir, '-j2'], check=True)


def run_libfuzzer(builddir, target, seconds):
    out = os.path.join(builddir, 'fuzz-out', target)
    corpus = os.path.join(out, 'corpus')
    findings = os.path.join(out, 'findings')
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(findings, exist_ok=True)
    before = set(os.listdir(findings))
    exe = os.path.join(builddir, 'tests', 'fuzz', 'fuzz-' + target)
    cmd = [exe, corpus, os.path.join(SRC, 'tests', 'fuzz', 'corpus', target),
           '-max_total_time=%d' % max(1, int(seconds)), '-timeout=10',
           '-rss_limit_mb=3072', '-max_len=%d' % MAX_LEN.get(target, 4096),
           '-print_final_stats=1',
           '-artifact_prefix=' + findings + '/']
    # Keep going after a finding so the whole share is used.
    cmd += ['-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1',
            '-ignore_ooms=1']
    log = os.path.join(out, 'log.txt')
    with open(log, 'w') as f:
        subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                       env=dict(os.environ, **ENV))
    with open(log, errors='replace') as f:
        text = f.read()
    execs = cov = ft = 0
    for m in re.finditer(r'#(\d+):?\s.*?cov: (\d+) ft: (\d+)', text):
        execs, cov, ft = int(m.group(1)), int(m.group(2)), int(m.group(3))
    m = re.findall(r'stat::number_of_executed_units:\s*(\d+)', text)
    if m:
        execs = max(execs, sum(int(x) for x in m))
    new = sorted(set(os.listdir(findings)) - before)
    return {'target': target, 'fuzzer': target, 'execs': execs, 'cov': cov, 'ft': ft,
            'corpus': len(os.listdir(corpus)),
            'findings': [os.path.join(findings, n) for n in new], 'log': log}


def run_proc(builddir, seconds):
    out = os.path.join(builddir, 'fuzz-out', 'proc')
    findings = os.path.join(out, 'findings')
    os.makedirs(findings, exist_ok=True)
    before = set(os.listdir(findings))
    stats = os.path.join(out, 'stats.json')
    log = os.path.join(out, 'log.txt')
    # A new seed each run (FUZZ_SEED=N repeats run N): cases differ
    # between runs, yet every case can be regenerated from its seed.
    seed_file = os.path.join(out, 'next-seed')
    if 'FUZZ_SEED' in os.environ:
        seed = int(os.environ['FUZZ_SEED'])
    else:
        try:
            with open(seed_file) as f:
                seed = int(f.read())
        except (OSError, ValueError):
            seed = 1
        with open(seed_file, 'w') as f:
            f.write(f'{seed + 1}\n')
    print(f'run-fuzz: proc seed {seed}', flush=True)
    # Leaks are the in-process targets' business: a process that exits
    # on a start-up error may leave its error text allocated.
    env = dict(os.environ, **ENV)
    env['ASAN_OPTIONS'] = ENV['ASAN_OPTIONS'].replace('detect_leaks=1',
                                                      'detect_leaks=0')
    with open(log, 'w') as f:
        subprocess.run([sys.executable,
                        os.path.join(SRC, 'tests', 'fuzz', 'proc-fuzz.py'),
                        '--binary', os.path.join(builddir, 'qemu-system-cr16'),
                        '--seconds', str(seconds), '--seed', str(seed),
                        '--out', findings, '--stats', stats],
                       stdout=f, stderr=subprocess.STDOUT, env=env)
    execs = 0
    if os.path.exists(stats):
        with open(stats) as f:
            execs = json.load(f)['execs']
    new = sorted(set(os.listdir(findings)) - before)
    return {'target': 'proc (cmdline/qmp/qtest)', 'fuzzer': 'proc',
            'execs': execs, 'cov': '-',
            'ft': '-', 'corpus': '-',
            'findings': [os.path.join(findings, n) for n in new], 'log': log}


def children_cpu_s():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def load_known():
    path = os.path.join(SRC, 'tests', 'fuzz', 'known', 'known.json')
    with open(path) as f:
        return json.load(f)


def finding_text(builddir, fuzzer, path):
    """What a finding says: the saved case, or the target's replay output."""
    if fuzzer == 'proc':
        with open(path, errors='replace') as f:
            return f.read()
    exe = os.path.join(builddir, 'tests', 'fuzz', 'fuzz-' + fuzzer)
    try:
        r = subprocess.run([exe, '-runs=1', '-timeout=10', path],
                           capture_output=True, timeout=120,
                           env=dict(os.environ, **ENV))
        return (r.stdout + r.stderr).decode(errors='replace')
    except subprocess.TimeoutExpired:
        return 'replay timed out'


def classify(builddir, results):
    """Split each result's findings into new and known (known/known.json)."""
    known = load_known()
    for r in results:
        r['known'] = []
        new = []
        for path in r['findings']:
            text = finding_text(builddir, r['fuzzer'], path)
            hit = next((k for k in known if k['fuzzer'] in (r['fuzzer'], '*')
                        and re.search(k['pattern'], text)), None)
            if hit:
                r['known'].append((path, hit['id']))
            else:
                new.append(path)
        r['findings'] = new


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=int, default=600,
                    help='total time for all fuzzers')
    ap.add_argument('--builddir', default=os.path.join(SRC, 'build-fuzz'))
    ap.add_argument('--only', help='comma-separated subset: ' +
                    ','.join(TARGETS + ['proc']))
    ap.add_argument('--no-build', action='store_true')
    args = ap.parse_args()

    names = args.only.split(',') if args.only else TARGETS + ['proc']
    if not args.no_build:
        need_toolchain()
        build(args.builddir)
    share = args.seconds / len(names)
    results = []
    start = time.monotonic()
    for name in names:
        print(f'run-fuzz: {name} for {share:.0f}s', flush=True)
        # CPU time of the fuzzer and everything it waited for (libFuzzer's
        # fork workers, the process fuzzer's emulators): on a shared
        # machine that, not the wall share, is the effort spent.
        cpu0 = children_cpu_s()
        if name == 'proc':
            r = run_proc(args.builddir, share)
        else:
            r = run_libfuzzer(args.builddir, name, share)
        r['cpu'] = children_cpu_s() - cpu0
        results.append(r)
    classify(args.builddir, results)
    print()
    print(f'{"fuzzer":26} {"cpu s":>6} {"execs":>9} {"cov":>6} {"ft":>6} '
          f'{"corpus":>6} {"new":>4} {"known":>5}')
    for r in results:
        print(f'{r["target"]:26} {r["cpu"]:>6.0f} {r["execs"]:>9} '
              f'{r["cov"]:>6} {r["ft"]:>6} '
              f'{r["corpus"]:>6} {len(r["findings"]):>4} {len(r["known"]):>5}')
    total = sum(len(r['findings']) for r in results)
    cpu = sum(r['cpu'] for r in results)
    execs = sum(r['execs'] for r in results)
    print(f'\nrun-fuzz: {time.monotonic() - start:.0f}s wall, '
          f'{cpu:.0f} CPU-s ({cpu / 3600:.2f} CPU-hours), {execs} execs, '
          f'{total} new findings')
    for r in results:
        for path, kid in r['known']:
            print(f'  {r["target"]}: known {kid}: {path}')
        for f in r['findings']:
            print(f'  {r["target"]}: NEW: {f}')
        if r['findings']:
            print(f'  (log: {r["log"]})')
    return 1 if total else 0


if __name__ == '__main__':
    sys.exit(main())

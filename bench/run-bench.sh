#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: guest MIPS of the CR16C interpreter.
#  1. bench/cr16-mips: three loops on a flat RAM bus (CPU alone).
#  2. The migration suite's A-B guest on the real virt board: it bumps one
#     byte in each of 25 344 pages per sweep (7 instructions per page plus
#     a little bank-switching), printing 'B' every 64 sweeps. B's per second
#     times the instructions per B gives whole-system MIPS, which is then
#     compared with the counter loop measured in the same run.
#  3. Convergence (bench/convergence-bench.py): a guest dirtying 1.2x, 2x
#     and 5x the bandwidth, migrated plain, with the downtime ramp and with
#     the completion budget. BENCH_SKIP_CONVERGENCE=1 skips it.
#  Then the migrations, each next to the machine's limits and, when
#  Debian's qemu-system-x86_64 is there (installed here when run as root),
#  the same migrations done by it. BENCH_SKIP_MIGRATION=1 skips them all;
#  BENCH_SKIP_<NAME>=1 skips one, <NAME>_BENCH_ARGS adds options to it:
#  4. PRECOPY (MIGRATION_BENCH_ARGS): a paused guest, random / zero /
#     never-written RAM (bench/migration-bench.py, bench/mig-limits).
#  5. MAPPED_RAM: save and restore of a paused guest through a file,
#     mapped-ram and plain (bench/mapped-ram-bench.py).
#  6. POSTCOPY: 1 GiB random RAM, stream speed with both sides paused, a
#     guest dirtying memory, and the remote-fault latency next to the
#     machine's floor and to QEMU's, whose guest is an x86 memory walker
#     built with gcc (bench/postcopy-bench.py, bench/uffd-floor,
#     bench/x86-walker/).
#  7. MULTIFD: random RAM on 1, 2, 4 channels, zlib and zstd on a
#     compressible pattern, next to N tcp streams and the level-1
#     compression rates (bench/multifd-bench.py, bench/multifd-limits).
#  8. TLS: precopy over tcp with TLS next to one core's GnuTLS record rate
#     (bench/tls-bench.py, bench/tls-rate).
#  9. ZERO_COPY: whether a sender could skip the kernel's copy here --
#     writev, vmsplice+splice and MSG_ZEROCOPY in the multifd and precopy
#     stream shapes (bench/zero-copy-probe; no peer).
set -e
build=${1:-build}
secs=${BENCH_SECONDS:-5}
dir=$(mktemp -d /tmp/cr16-bench.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM

echo "== CPU alone (bench/cr16-mips)"
out=$("$build/bench/cr16-mips" 1.0)
echo "$out"
counter=$(echo "$out" | sed -n 's/.*per CPU-second.*counter-loop \([0-9]*\).*/\1/p')

echo "== A-B guest on -M virt -m 128M ($secs s)"
"$build/tools/cr16-as" --raw -I "$build/hw/cr16" -o "$dir/ab.bin" \
    tests/qtest/migration/cr16/a-b-bootblock.S
"$build/qemu-system-cr16" -M virt -m 128M -display none -nodefaults \
    -kernel "$dir/ab.bin" -serial file:"$dir/serial" &
pid=$!
count_b() { { tr -cd B < "$dir/serial"; } 2>/dev/null | wc -c; }
# CPU time (clock ticks) the emulator has used: fields 14 and 15 of stat.
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$pid/stat; }
# Warm up until the first B, then measure over $secs seconds.
i=0
while [ "$(count_b)" -lt 1 ]; do i=$((i + 1)); [ $i -gt 300 ] && exit 1; sleep 0.1; done
t0=$(date +%s%N); b0=$(count_b); c0=$(cpu_ticks)
sleep "$secs"
t1=$(date +%s%N); b1=$(count_b); c1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
kill $pid; wait $pid 2>/dev/null || true
# Instructions per B: 64 sweeps x (25344 pages x 7 + 25 banks x 8 + 8).
per_b=$((64 * (25344 * 7 + 25 * 8 + 8)))
awk -v b="$((b1 - b0))" -v ns="$((t1 - t0))" -v per="$per_b" -v c="$counter" \
    -v ticks="$((c1 - c0))" -v hz="$hz" 'BEGIN {
    wall = b * per / (ns / 1000.0);
    cpus = ticks / hz;
    mips = cpus > 0 ? b * per / cpus / 1e6 : 0;
    printf "A-B guest: %d B in %.2f s: %.1f MIPS per CPU-second (%.2f CPU-s), %.1f MIPS wall clock, %.0f pages dirtied/s\n",
           b, ns / 1e9, mips, cpus, wall, b * 64 * 25344 / (ns / 1e9);
    if (c > 0) printf "ratio A-B system / counter loop, both per CPU-second (same run): %.2f\n", mips / c;
}'

if [ "${BENCH_SKIP_CONVERGENCE:-0}" != 1 ]; then
    echo "== Convergence: a guest dirtying faster than the bandwidth (bench/convergence-bench.py)"
    python3 bench/convergence-bench.py --build "$build"
fi

[ "${BENCH_SKIP_MIGRATION:-0}" = 1 ] && exit 0
peer=""
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's qemu-system-x86 for the peer figures"
        apt-get install -y --no-install-recommends qemu-system-x86 \
            > "$dir/apt.log" 2>&1 ||
            peer="apt-get install qemu-system-x86 failed: $(tail -n 1 "$dir/apt.log")"
    else
        peer="qemu-system-x86_64 is not installed (and not root to install it)"
    fi
fi

# run_migration_bench TITLE SCRIPT [ARGS...]: bench/SCRIPT with the peer.
run_migration_bench() {
    title=$1
    script=$2
    shift 2
    echo "== $title (bench/$script)"
    if [ -n "$peer" ]; then
        python3 "bench/$script" --build "$build" --no-peer "$peer" "$@"
    else
        python3 "bench/$script" --build "$build" "$@"
    fi
}

# shellcheck disable=SC2086
[ "${BENCH_SKIP_PRECOPY:-0}" = 1 ] ||
    run_migration_bench "Precopy migration" migration-bench.py \
        ${MIGRATION_BENCH_ARGS:-}
# shellcheck disable=SC2086
[ "${BENCH_SKIP_MAPPED_RAM:-0}" = 1 ] ||
    run_migration_bench "Save/restore through a file, mapped-ram" \
        mapped-ram-bench.py ${MAPPED_RAM_BENCH_ARGS:-}
# shellcheck disable=SC2086
[ "${BENCH_SKIP_POSTCOPY:-0}" = 1 ] ||
    run_migration_bench "Postcopy migration" postcopy-bench.py \
        ${POSTCOPY_BENCH_ARGS:-}
# shellcheck disable=SC2086
[ "${BENCH_SKIP_MULTIFD:-0}" = 1 ] ||
    run_migration_bench "Multifd migration" multifd-bench.py \
        ${MULTIFD_BENCH_ARGS:-}
# shellcheck disable=SC2086
[ "${BENCH_SKIP_TLS:-0}" = 1 ] ||
    run_migration_bench "TLS precopy" tls-bench.py ${TLS_BENCH_ARGS:-}
if [ "${BENCH_SKIP_ZERO_COPY:-0}" != 1 ]; then
    echo "== Sending without the kernel's copy? (bench/zero-copy-probe)"
    "$build/bench/zero-copy-probe"
    "$build/bench/zero-copy-probe" --shape precopy --transport unix \
        --streams 1 --methods writev,splice
    "$build/bench/zero-copy-probe" --shape precopy --streams 1
fi

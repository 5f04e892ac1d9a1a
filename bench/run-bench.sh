#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: guest MIPS of the CR16C interpreter.
#  1. bench/cr16-mips: three loops on a flat RAM bus (CPU alone).
#  2. The migration suite's A-B guest on the real virt board: it bumps one
#     byte in each of 25 344 pages per sweep (7 instructions per page plus
#     a little bank-switching), printing 'B' every 64 sweeps. B's per second
#     times the instructions per B gives whole-system MIPS, which is then
#     compared with the counter loop measured in the same run.
#  3. Precopy migration of a paused guest (bench/migration-bench.py), with
#     the machine's limits (bench/mig-limits) and, when Debian's
#     qemu-system-x86_64 is there (installed here when run as root), the
#     same migrations done by it. MIGRATION_BENCH_ARGS adds options to it;
#     BENCH_SKIP_MIGRATION=1 skips it (and 4, 5).
#  4. Save and restore of a paused guest through a file, mapped-ram and
#     plain (bench/mapped-ram-bench.py), next to the same with Debian's
#     QEMU; MAPPED_RAM_BENCH_ARGS adds options (e.g. --sizes 1024).
#  5. Multifd migration (bench/multifd-bench.py); BENCH_SKIP_MULTIFD=1
#     skips it.
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

[ "${BENCH_SKIP_MIGRATION:-0}" = 1 ] && exit 0
echo "== Precopy migration (bench/migration-bench.py)"
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
if [ -n "$peer" ]; then
    # shellcheck disable=SC2086
    python3 bench/migration-bench.py --build "$build" --no-peer "$peer" \
        ${MIGRATION_BENCH_ARGS:-}
else
    # shellcheck disable=SC2086
    python3 bench/migration-bench.py --build "$build" ${MIGRATION_BENCH_ARGS:-}
fi

echo "== Save/restore through a file, mapped-ram (bench/mapped-ram-bench.py)"
if [ -n "$peer" ]; then
    # shellcheck disable=SC2086
    python3 bench/mapped-ram-bench.py --build "$build" --no-peer "$peer" \
        ${MAPPED_RAM_BENCH_ARGS:-}
else
    # shellcheck disable=SC2086
    python3 bench/mapped-ram-bench.py --build "$build" \
        ${MAPPED_RAM_BENCH_ARGS:-}
fi

[ "${BENCH_SKIP_MULTIFD:-0}" = 1 ] && exit 0
# 4. Multifd over tcp (bench/multifd-bench.py): random RAM on 1, 2, 4
#    channels, zlib and zstd on a compressible pattern, next to N tcp
#    streams and the level-1 compression rates (bench/multifd-limits),
#    and the same on Debian's qemu-system-x86_64 when it is there.
#    MULTIFD_BENCH_ARGS adds options.
echo "== Multifd migration (bench/multifd-bench.py)"
if [ -n "$peer" ]; then
    # shellcheck disable=SC2086
    python3 bench/multifd-bench.py --build "$build" --no-peer "$peer" \
        ${MULTIFD_BENCH_ARGS:-}
else
    # shellcheck disable=SC2086
    python3 bench/multifd-bench.py --build "$build" ${MULTIFD_BENCH_ARGS:-}
fi

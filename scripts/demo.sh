#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The `make demo` session: start qemu-system-cr16 with a QMP socket and
# drive it with build/tools/qmp-client, showing every message exchanged.
# With the `virt` board and the demo guest built, the guest runs and its
# serial output is shown; otherwise the CPU-less `none` machine is used.
set -e
build=${1:-build}
qemu=$build/qemu-system-cr16
client=$build/tools/qmp-client
guest=$build/demo/demo-guest.bin
dir=$(mktemp -d /tmp/cr16-demo.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM

# Wait (at most 20 s) until the serial log contains $1.
wait_serial() {
    i=0
    while ! grep -q "$1" "$dir/serial" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 200 ] && { echo "demo: guest did not print '$1'" >&2; exit 1; }
        sleep 0.1
    done
}

if $qemu -machine help | grep -q '^virt' && [ -f "$guest" ]; then
    echo "== Booting the demo guest on the virt board (serial -> $dir/serial)"
    $qemu -M virt -m 64M -display none -kernel "$guest" \
        -serial file:"$dir/serial" -qmp unix:"$dir/qmp",server=on,wait=off &
    pid=$!
    wait_serial "tick 1"
    echo "== Guest output so far:"; cat "$dir/serial"
    echo "== Pausing the guest over QMP"
    $client "$dir/qmp" '{"execute": "query-version"}' '{"execute": "stop"}' \
        '{"execute": "query-status"}' | cut -c1-160
    before=$(wc -c < "$dir/serial"); sleep 2; after=$(wc -c < "$dir/serial")
    echo "== While paused the guest printed $((after - before)) bytes"
    echo "== Continuing; waiting for the next tick"
    $client "$dir/qmp" '{"execute": "cont"}' | cut -c1-160
    wait_serial "tick 3"
    $client "$dir/qmp" '{"execute": "quit"}' | cut -c1-160
    wait $pid || true
    echo "== The guest's serial output:"
    cat "$dir/serial"
else
    echo "== Starting qemu-system-cr16 -M none with a QMP socket"
    $qemu -M none -m 16M -display none -qmp unix:"$dir/qmp",server=on,wait=off &
    pid=$!
    $client "$dir/qmp" \
        '{"execute": "query-version"}' \
        '{"execute": "query-status"}' \
        '{"execute": "query-machines"}' \
        '{"execute": "stop"}' \
        '{"execute": "query-status"}' \
        '{"execute": "cont"}' \
        '{"execute": "quit"}' | cut -c1-200
    wait $pid || true
fi
echo "== Demo finished"

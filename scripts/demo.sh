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

if $qemu -machine help | grep -q '^virt' && [ -f "$guest" ]; then
    echo "== Booting the demo guest on the virt board"
    $qemu -M virt -m 64M -display none -kernel "$guest" \
        -serial file:"$dir/serial" -qmp unix:"$dir/qmp",server=on,wait=off &
    pid=$!
    $client "$dir/qmp" \
        '{"execute": "query-version"}' \
        '{"execute": "query-machines"}' \
        @status:running \
        '{"execute": "stop"}' \
        '{"execute": "query-status"}' \
        '{"execute": "cont"}' \
        '{"execute": "quit"}' | cut -c1-200
    wait $pid || true
    echo "== The guest's serial output:"
    cat "$dir/serial"; echo
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

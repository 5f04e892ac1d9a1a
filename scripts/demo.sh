#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The `make demo` session. With the `virt` board and the demo guest built:
# a live migration of the running guest from a source to a destination
# process (scripts/migration-demo.py). Otherwise: the CPU-less `none`
# machine driven over QMP with build/tools/qmp-client.
set -e
build=${1:-build}
qemu=$build/qemu-system-cr16
client=$build/tools/qmp-client
guest=$build/demo/demo-guest.bin
dir=$(mktemp -d /tmp/cr16-demo.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM

if $qemu -machine help | grep -q '^virt' && [ -f "$guest" ]; then
    # Live migration of the running demo guest between two processes,
    # with a progress line and a summary (scripts/migration-demo.py).
    # The samples are kept in the build tree and drawn next to them.
    exec python3 scripts/migration-demo.py "$build" \
        --record "$build/migration-demo.jsonl"
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

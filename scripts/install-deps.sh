#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages qemu-cr16 needs to build and test.
# As root: installs what is missing with apt-get. Otherwise: prints the
# exact command and fails.
set -e
PKGS="gcc make pkg-config meson ninja-build python3 libglib2.0-dev
libjson-glib-dev libgnutls28-dev zlib1g-dev libzstd-dev gnutls-bin
libseccomp-dev libxxhash-dev spin python3-matplotlib"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "Missing packages:$missing" >&2
    echo "Run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing

#!/bin/sh
# Installs sipdx's build and test dependencies when any is missing
# (Debian 12 / Ubuntu).  Does nothing when they are all present, so it is
# cheap to run before every build.
set -e
# One package a line, so that additions do not collide.
PKGS="
build-essential cmake pkg-config clang-format
libncurses-dev libpcap-dev libpcre2-dev zlib1g-dev libcmocka-dev
libssl-dev
python3 tmux tshark sip-tester kamailio sngrep tcpdump
groff-base
dpkg-dev zsh man-db
mandoc
gdb
clang
chromium
plantuml
"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "sipdx: missing packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "sipdx: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing

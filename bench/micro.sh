#!/bin/sh
# bench/micro.sh: sip_parse and filter_match timed on their own (bench/micro.c;
# not a test, never in CI).  Builds micro.c against the cmake build's libcore
# and prints one line per function: the fastest of REPS passes, thread CPU
# time.
#
# usage: sh bench/micro.sh [REPS]      environment: BUILD (default build), CC.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CC="${CC:-cc}"
REPS="${1:-5}"

die() {
    echo "bench/micro: $*" >&2
    exit 1
}

mkdir -p "$OUT"
CFLAGS="-std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -O2 -Wall -Wextra -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$OUT/micro-build.log" 2>&1 ||
        die "cmake configure failed (bench/out/micro-build.log)"
fi
cmake --build "$BUILD" --target core -j 2 >>"$OUT/micro-build.log" 2>&1 ||
    die "cannot build libcore (bench/out/micro-build.log)"
# shellcheck disable=SC2086,SC2046
$CC $CFLAGS -I"$ROOT/include" -o "$OUT/micro" "$ROOT/bench/micro.c" "$BUILD/libcore.a" \
    $(pkg-config --libs libpcap libpcre2-8 zlib) -lpthread || die "cannot build bench/micro.c"
echo "# $(uname -m), $(nproc 2>/dev/null || echo ?) cores, $(date -u +%Y-%m-%d)"
"$OUT/micro" "$ROOT/tests/data/sip/multi_val_invite.sip" "$REPS"
